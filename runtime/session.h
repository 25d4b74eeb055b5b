/*
 * session.h - what running a program needs besides the program: its time
 * zone, its business calendar, and a converter per field.
 *
 * Opened once per run (not per record, not per thread: it is read-only
 * while records are scored), by `sla score` and by the embedding API.
 */
#ifndef SLA_SESSION_H
#define SLA_SESSION_H

#include "calendar.h"
#include "convert.h"
#include "program.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct session {
    const sla_program *p;
    tz_zone *zone;             /* the policy's zone */
    sla_calendar cal;
    bool has_cal;
    conv_field *conv;          /* by field */
    timefmt **formats;         /* by field: compiled formats (owned) */
    tz_zone **zones;           /* by field: its own zone, or NULL (owned) */
} session;

/* Returns 0, or -1 with the reason in err. */
int session_open(session *s, const sla_program *p, char *err, size_t errlen);
void session_close(session *s);
/* NULL when the policy has no business hours. */
const sla_calendar *session_calendar(const session *s);

#endif
