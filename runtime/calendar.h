/*
 * calendar.h - business time: weekly hours, holidays, a time zone.
 *
 * Instants are microseconds since the epoch (UTC); a calendar says which of
 * them are business time, in its zone's local time. All arithmetic is
 * exact to the microsecond and costs about the same for a one-day gap as
 * for a multi-year one: whole weeks are skipped with the weekly total and
 * holidays are found by binary search, never walked minute by minute.
 */
#ifndef SLA_CALENDAR_H
#define SLA_CALENDAR_H

#include "../common/tz.h"

#include <stdbool.h>
#include <stdint.h>

enum { CAL_MAX_INTERVALS = 32 };

typedef struct cal_interval {
    int start, end;           /* minutes after local midnight; end <= 1440 */
} cal_interval;

typedef struct sla_calendar {
    const tz_zone *zone;      /* not owned */
    cal_interval hours[7][CAL_MAX_INTERVALS];   /* Monday = 0; sorted, disjoint */
    int nhours[7];
    int64_t *holidays;        /* local civil days (civil_to_days), sorted, unique; owned */
    int nholidays;
    /* derived by cal_prepare: */
    int64_t week_us;          /* business microseconds in a week without holidays */
    int64_t day_us[7];        /* per weekday */
    int work_days;            /* weekdays with business hours */
    int64_t *holiday_us;      /* prefix sums of the holidays' nominal business time; owned */
    int *holiday_work;        /* prefix counts of holidays on working weekdays; owned */
    int64_t *corr_day;        /* days near a change of offset, sorted; owned */
    int64_t *corr_prefix;     /* prefix sums of their corrections to the nominal time; owned */
    int ncorr;
    int64_t corr_lo, corr_hi; /* the days [lo, hi) the table covers */
    int64_t *cum;             /* business time from cum_lo to each day of [cum_lo, cum_hi]; owned */
    int64_t cum_lo, cum_hi;
} sla_calendar;

/* Derives the totals; call after filling hours and holidays. Returns
 * false if the calendar has no business time at all. */
bool cal_prepare(sla_calendar *c);
void cal_free(sla_calendar *c);

/* Whether t is business time (in an interval [start, end) of a business day). */
bool cal_is_open(const sla_calendar *c, int64_t t);
/* The first business instant at or after t. */
int64_t cal_next_open(const sla_calendar *c, int64_t t);
/* t plus d microseconds of business time (d >= 0): the instant when d of
 * business time has passed since t. Friday 16:30 + 1 business hour, with
 * hours 09:00-17:00, is Monday 09:30. */
int64_t cal_add(const sla_calendar *c, int64_t t, int64_t d);
/* Business time in [a, b); negative if b < a. */
int64_t cal_between(const sla_calendar *c, int64_t a, int64_t b);
/* n business days after t (n >= 0). Let t0 = cal_next_open(t) and e the
 * business time elapsed in t0's business day before t0. The result is the
 * instant of the n-th following business day at which e of its business
 * time has elapsed (its end, if that day is shorter); at the end of a span
 * that another follows, the next span's opening (the same time of day
 * after a lunch break). Friday 16:30 + 1 business day, with hours
 * 09:00-17:00, is Monday 16:30. */
int64_t cal_add_days(const sla_calendar *c, int64_t t, int64_t n);

#endif
