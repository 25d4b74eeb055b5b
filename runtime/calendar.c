/*
 * calendar.c - business-time arithmetic, exact and flat in the interval.
 *
 * A business interval [start, end) on a local date covers the UTC instants
 * from the local start to the local end, each converted with the zone's
 * rules (tz_local_to_utc). On most days that is exactly end - start; only
 * a day on which the zone changes its offset can differ (an interval
 * across the spring-forward gap is an hour shorter).
 *
 * So the business time of a run of whole days is computed, not walked:
 * whole weeks times the weekly total, plus the leftover days, minus the
 * holidays in the run (found by binary search, their total by prefix
 * sums), plus an exact correction for each of the few days in the run on
 * which the zone changes offset (found from its transitions). cal_add
 * searches for the day on which the time runs out with that same total,
 * by doubling and halving: its cost grows with the logarithm of the
 * interval, never with its length.
 */
#include "calendar.h"

#include "../common/timefmt.h"
#include "../common/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define US INT64_C(1000000)

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* The local date of the UTC instant t (microseconds). */
static int64_t day_of(const sla_calendar *c, int64_t t)
{
    int64_t s = floor_div(t, US);
    return floor_div(s + tz_offset_at(c->zone, s), 86400);
}

/* The UTC instant (microseconds) of minute m of local date d. */
static int64_t at(const sla_calendar *c, int64_t d, int m)
{
    return tz_local_to_utc(c->zone, d * 86400 + (int64_t)m * 60) * US;
}

static int holiday_index(const sla_calendar *c, int64_t d)
{
    int lo = 0, hi = c->nholidays;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (c->holidays[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;   /* the first holiday on or after d */
}

static bool is_holiday(const sla_calendar *c, int64_t d)
{
    int i = holiday_index(c, d);
    return i < c->nholidays && c->holidays[i] == d;
}

/* The business intervals of local date d as UTC instants. */
static int day_intervals(const sla_calendar *c, int64_t d, int64_t out[][2])
{
    if (is_holiday(c, d))
        return 0;
    int wd = civil_weekday(d), n = 0;
    for (int i = 0; i < c->nhours[wd]; i++) {
        int64_t s = at(c, d, c->hours[wd][i].start), e = at(c, d, c->hours[wd][i].end);
        if (e > s) {
            out[n][0] = s;
            out[n][1] = e;
            n++;
        }
    }
    return n;
}

static int64_t day_exact(const sla_calendar *c, int64_t d)
{
    int64_t iv[CAL_MAX_INTERVALS][2];
    int n = day_intervals(c, d, iv);
    int64_t total = 0;
    for (int i = 0; i < n; i++)
        total += iv[i][1] - iv[i][0];
    return total;
}

bool cal_prepare(sla_calendar *c)
{
    c->week_us = 0;
    c->work_days = 0;
    for (int d = 0; d < 7; d++) {
        c->day_us[d] = 0;
        for (int i = 0; i < c->nhours[d]; i++)
            c->day_us[d] += (int64_t)(c->hours[d][i].end - c->hours[d][i].start) * 60 * US;
        c->week_us += c->day_us[d];
        c->work_days += c->day_us[d] > 0;
    }
    free(c->holiday_us);
    free(c->holiday_work);
    c->holiday_us = xmalloc(((size_t)c->nholidays + 1) * sizeof *c->holiday_us);
    c->holiday_work = xmalloc(((size_t)c->nholidays + 1) * sizeof *c->holiday_work);
    c->holiday_us[0] = 0;
    c->holiday_work[0] = 0;
    for (int i = 0; i < c->nholidays; i++) {
        int64_t us = c->day_us[civil_weekday(c->holidays[i])];
        c->holiday_us[i + 1] = c->holiday_us[i] + us;
        c->holiday_work[i + 1] = c->holiday_work[i] + (us > 0);
    }
    return c->week_us > 0;
}

void cal_free(sla_calendar *c)
{
    free(c->holidays);
    free(c->holiday_us);
    free(c->holiday_work);
    c->holidays = NULL;
    c->holiday_us = NULL;
    c->holiday_work = NULL;
    c->nholidays = 0;
}

/* Business time of the whole days [d1, d2). */
static int64_t days_total(const sla_calendar *c, int64_t d1, int64_t d2)
{
    if (d2 <= d1)
        return 0;
    int64_t n = d2 - d1, weeks = n / 7;
    int64_t total = weeks * c->week_us;
    for (int64_t d = d1 + weeks * 7; d < d2; d++)
        total += c->day_us[civil_weekday(d)];
    int lo = holiday_index(c, d1), hi = holiday_index(c, d2);
    total -= c->holiday_us[hi] - c->holiday_us[lo];

    /* Days on which the offset changes: correct them to their exact time. */
    int64_t t = tz_local_to_utc(c->zone, d1 * 86400) - 86400, end = tz_local_to_utc(c->zone, d2 * 86400) + 86400;
    int64_t done[8];
    int ndone = 0;
    int64_t tr;
    while (tz_next_transition(c->zone, t, &tr) && tr < end) {
        int64_t days[2] = {
            floor_div(tr - 1 + tz_offset_at(c->zone, tr - 1), 86400),
            floor_div(tr + tz_offset_at(c->zone, tr), 86400),
        };
        for (int k = 0; k < 2; k++) {
            int64_t d = days[k];
            bool seen = false;
            for (int j = 0; j < ndone; j++)
                seen |= done[j] == d;
            if (seen || d < d1 || d >= d2 || is_holiday(c, d))
                continue;
            if (ndone == 8) {
                memmove(done, done + 1, 7 * sizeof *done);
                ndone = 7;
            }
            done[ndone++] = d;
            total += day_exact(c, d) - c->day_us[civil_weekday(d)];
        }
        t = tr;
    }
    return total;
}

/* Business days (days with business time) among [d1, d2). */
static int64_t days_count(const sla_calendar *c, int64_t d1, int64_t d2)
{
    if (d2 <= d1)
        return 0;
    int64_t n = d2 - d1, weeks = n / 7, count = weeks * c->work_days;
    for (int64_t d = d1 + weeks * 7; d < d2; d++)
        count += c->day_us[civil_weekday(d)] > 0;
    return count - (c->holiday_work[holiday_index(c, d2)] - c->holiday_work[holiday_index(c, d1)]);
}

/* Business time of day d inside [lo, hi). */
static int64_t overlap(const sla_calendar *c, int64_t d, int64_t lo, int64_t hi)
{
    int64_t iv[CAL_MAX_INTERVALS][2];
    int n = day_intervals(c, d, iv);
    int64_t total = 0;
    for (int i = 0; i < n; i++) {
        int64_t s = iv[i][0] > lo ? iv[i][0] : lo, e = iv[i][1] < hi ? iv[i][1] : hi;
        if (e > s)
            total += e - s;
    }
    return total;
}

bool cal_is_open(const sla_calendar *c, int64_t t)
{
    int64_t iv[CAL_MAX_INTERVALS][2];
    int n = day_intervals(c, day_of(c, t), iv);
    for (int i = 0; i < n; i++)
        if (iv[i][0] <= t && t < iv[i][1])
            return true;
    return false;
}

int64_t cal_next_open(const sla_calendar *c, int64_t t)
{
    int64_t d = day_of(c, t);
    int64_t iv[CAL_MAX_INTERVALS][2];
    int n = day_intervals(c, d, iv);
    for (int i = 0; i < n; i++) {
        if (iv[i][0] <= t && t < iv[i][1])
            return t;
        if (iv[i][0] > t)
            return iv[i][0];
    }
    /* The next day with business time: at most a week past the holidays. */
    for (int64_t k = 1; k <= 8 + (int64_t)c->nholidays; k++) {
        n = day_intervals(c, d + k, iv);
        if (n)
            return iv[0][0];
    }
    return t;
}

int64_t cal_between(const sla_calendar *c, int64_t a, int64_t b)
{
    if (b < a)
        return -cal_between(c, b, a);
    if (a == b)
        return 0;
    int64_t da = day_of(c, a), db = day_of(c, b);
    if (da == db)
        return overlap(c, da, a, b);
    return overlap(c, da, a, INT64_MAX) + days_total(c, da + 1, db) + overlap(c, db, INT64_MIN, b);
}

/* The instant at which r of day d's business time has passed. */
static int64_t within_day(const sla_calendar *c, int64_t d, int64_t r)
{
    int64_t iv[CAL_MAX_INTERVALS][2];
    int n = day_intervals(c, d, iv);
    for (int i = 0; i < n; i++) {
        int64_t len = iv[i][1] - iv[i][0];
        if (r <= len)
            return iv[i][0] + r;
        r -= len;
    }
    return n ? iv[n - 1][1] : at(c, d, 0);
}

/* The smallest k >= 1 with f(k) >= goal, f non-decreasing. */
static int64_t search(const sla_calendar *c, int64_t d, int64_t goal, bool count_days)
{
    int64_t hi = 1;
    for (;;) {
        int64_t v = count_days ? days_count(c, d, d + hi) : days_total(c, d, d + hi);
        if (v >= goal || hi > (INT64_C(1) << 40))
            break;
        hi *= 2;
    }
    int64_t lo = hi / 2 + 1;
    if (hi == 1)
        return 1;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        int64_t v = count_days ? days_count(c, d, d + mid) : days_total(c, d, d + mid);
        if (v >= goal)
            hi = mid;
        else
            lo = mid + 1;
    }
    return hi;
}

int64_t cal_add(const sla_calendar *c, int64_t t, int64_t dur)
{
    if (dur <= 0)
        return t;
    int64_t d = day_of(c, t);
    int64_t iv[CAL_MAX_INTERVALS][2];
    int n = day_intervals(c, d, iv);
    int64_t r = dur;
    for (int i = 0; i < n; i++) {
        int64_t s = iv[i][0] > t ? iv[i][0] : t;
        if (iv[i][1] > s) {
            int64_t len = iv[i][1] - s;
            if (r <= len)
                return s + r;
            r -= len;
        }
    }
    int64_t k = search(c, d + 1, r, false);
    r -= days_total(c, d + 1, d + k);
    return within_day(c, d + k, r);
}

int64_t cal_add_days(const sla_calendar *c, int64_t t, int64_t n)
{
    int64_t t0 = cal_next_open(c, t);
    if (n <= 0)
        return t0;
    int64_t d0 = day_of(c, t0);
    int64_t elapsed = overlap(c, d0, INT64_MIN, t0);
    int64_t k = search(c, d0 + 1, n, true);
    int64_t dn = d0 + k;
    if (elapsed == 0)
        return cal_next_open(c, at(c, dn, 0));
    return within_day(c, dn, elapsed);
}
