/*
 * tz.h - the system time zone database (tzdata, TZif files).
 *
 * A zone is loaded once per run from $TZDIR or /usr/share/zoneinfo (TZif
 * versions 1 to 3, 64-bit data where present, and the POSIX TZ footer rule
 * for instants after the last transition, so 2040 is as right as 2026).
 * "UTC" needs no file. Conversions are exact to the second in both
 * directions, daylight-saving transitions included.
 */
#ifndef SLA_TZ_H
#define SLA_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tz_zone tz_zone;

/* The database directory: $TZDIR, else /usr/share/zoneinfo. */
const char *tz_dir(void);
/* NULL if name is a zone in the database; else why not. */
const char *tz_check_name(const char *name);

/* Loads a zone; NULL with a reason in err on failure. */
tz_zone *tz_load(const char *name, char *err, size_t errlen);
void tz_free(tz_zone *z);
const char *tz_name(const tz_zone *z);

/* Offset from UTC, in seconds east, in force at the UTC instant t (seconds). */
int32_t tz_offset_at(const tz_zone *z, int64_t t);

/* The UTC instant (seconds) of a local wall-clock time (seconds since
 * 1970-01-01T00:00 local). A time that occurs twice (clocks set back) is
 * the first of the two; a time that does not occur (clocks set forward) is
 * read with the offset in force before the change, so 02:30 on a spring-
 * forward night in New York is 07:30 UTC (03:30 EDT). */
int64_t tz_local_to_utc(const tz_zone *z, int64_t local);
/* True, with *off (seconds east of UTC), if z has one offset at all times
 * (UTC, or a fixed offset): tz_local_to_utc(z, t) is then t - *off. */
bool tz_fixed_offset(const tz_zone *z, int32_t *off);

/* A parsed date or time as an instant (microseconds): with its offset if
 * it has one, else as local time in z. */
struct civil_time;
int64_t tz_civil_instant(const tz_zone *z, const struct civil_time *t);

/* The local calendar day (days since 1970-01-01) of the UTC instant us,
 * in microseconds. */
int64_t tz_local_day(const tz_zone *z, int64_t us);

/* The first transition (a change of offset) strictly after the UTC
 * instant `after`, in seconds; false if there is none. */
bool tz_next_transition(const tz_zone *z, int64_t after, int64_t *at);

#endif
