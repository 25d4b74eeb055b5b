/*
 * tz.h - the system time zone database (tzdata, TZif files).
 *
 * For now this answers whether a zone name exists; the SLA clock reads
 * the transitions from the same files.
 */
#ifndef SLA_TZ_H
#define SLA_TZ_H

#include <stdbool.h>

/* The database directory: $TZDIR, else /usr/share/zoneinfo. */
const char *tz_dir(void);
/* NULL if name is a zone in the database; else why not. UTC needs no
 * database. */
const char *tz_check_name(const char *name);

#endif
