/*
 * calendar.c - business-time arithmetic, exact and flat in the interval.
 *
 * An instant is business time when the wall clock shows a time inside one
 * of the business intervals of a business day: [start, end) on a local
 * date covers the UTC instants whose local date and time fall in it. On
 * most days that is one span of exactly end - start. On a day the zone
 * changes its offset it can be shorter (the hour clocks skip is never
 * shown), or two spans (the hour clocks repeat is shown twice), and a date
 * the zone skipped entirely has none.
 *
 * So the business time of a run of whole days is computed, not walked:
 * whole weeks times the weekly total, plus the leftover days, minus the
 * holidays in the run (found by binary search, their total by prefix
 * sums), plus an exact correction for each of the few days in the run on
 * which the zone changes offset (precomputed for 1900-2200 by cal_prepare,
 * their total by prefix sums too; outside those years found from the
 * zone's transitions). For 1970-2100 cal_prepare goes one step further
 * and keeps the running total of business time at every day, so that the
 * total of any run of days is one subtraction and cal_add finds its day by
 * one binary search. Elsewhere cal_add
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
    return tz_local_day(c->zone, t);
}

/* The UTC instant (microseconds) of minute m of local date d (for a time
 * that exists; see day_intervals for the rest). */
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

enum { MAX_SPANS = 2 * CAL_MAX_INTERVALS };

/* The business spans of local date d as UTC instants, sorted. Near a
 * transition T (offset o1 before, o2 from T on), the instants whose local
 * time is in [ls, le) are [ls - o1, le - o1) before T and [ls - o2, le - o2)
 * from T on: an interval gives up to two spans. Far from any transition
 * one of the two is empty. */
static int day_intervals(const sla_calendar *c, int64_t d, int64_t out[][2])
{
    if (is_holiday(c, d))
        return 0;
    int wd = civil_weekday(d), n = 0;
    if (!c->nhours[wd])
        return 0;
    int64_t midnight = d * 86400;
    int64_t t0 = midnight - tz_offset_at(c->zone, midnight) - 2 * 86400, T;
    bool near = tz_next_transition(c->zone, t0, &T) && T < t0 + 5 * 86400;
    int32_t o1 = near ? tz_offset_at(c->zone, T - 1) : tz_offset_at(c->zone, t0 + 2 * 86400);
    int32_t o2 = near ? tz_offset_at(c->zone, T) : o1;
    if (!near)
        T = INT64_MAX / US;
    for (int i = 0; i < c->nhours[wd]; i++) {
        int64_t ls = midnight + (int64_t)c->hours[wd][i].start * 60;
        int64_t le = midnight + (int64_t)c->hours[wd][i].end * 60;
        int64_t pieces[2][2] = {
            {ls - o1, le - o1 < T ? le - o1 : T},
            {ls - o2 > T ? ls - o2 : T, le - o2},
        };
        for (int k = 0; k < 2; k++) {
            if (pieces[k][1] <= pieces[k][0])
                continue;
            int j = n++;
            while (j > 0 && out[j - 1][0] > pieces[k][0] * US) {
                out[j][0] = out[j - 1][0];
                out[j][1] = out[j - 1][1];
                j--;
            }
            out[j][0] = pieces[k][0] * US;
            out[j][1] = pieces[k][1] * US;
        }
    }
    return n;
}

static int64_t day_exact(const sla_calendar *c, int64_t d)
{
    int64_t iv[MAX_SPANS][2];
    int n = day_intervals(c, d, iv);
    int64_t total = 0;
    for (int i = 0; i < n; i++)
        total += iv[i][1] - iv[i][0];
    return total;
}

static void prepare_corrections(sla_calendar *c);

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
    prepare_corrections(c);
    return c->week_us > 0;
}

void cal_free(sla_calendar *c)
{
    free(c->holidays);
    free(c->holiday_us);
    free(c->holiday_work);
    free(c->corr_day);
    free(c->corr_prefix);
    free(c->cum);
    c->cum = NULL;
    c->holidays = NULL;
    c->holiday_us = NULL;
    c->holiday_work = NULL;
    c->corr_day = c->corr_prefix = NULL;
    c->nholidays = c->ncorr = 0;
}

/* Calls fn for every date near a change of offset in [d1, d2), once each,
 * in order: every date from the one the change leaves to the one it
 * reaches (more than one when a zone skips a whole date), and the dates
 * either side, whose intervals may reach across midnight into it. */
static void near_changes(const sla_calendar *c, int64_t d1, int64_t d2,
                         void (*fn)(const sla_calendar *, int64_t, void *), void *arg)
{
    int64_t t = tz_local_to_utc(c->zone, d1 * 86400) - 2 * 86400;
    int64_t end = tz_local_to_utc(c->zone, d2 * 86400) + 2 * 86400;
    int64_t last = INT64_MIN, tr;
    while (tz_next_transition(c->zone, t, &tr) && tr < end) {
        int64_t a = floor_div(tr - 1 + tz_offset_at(c->zone, tr - 1), 86400);
        int64_t b = floor_div(tr + tz_offset_at(c->zone, tr), 86400);
        int64_t first = (a < b ? a : b) - 1, final = (a > b ? a : b) + 1;
        for (int64_t d = first > last ? first : last + 1; d <= final; d++) {
            if (d >= d1 && d < d2)
                fn(c, d, arg);
            last = d;
        }
        t = tr;
    }
}

/* The exact business time of day d minus its nominal time (0 on a
 * holiday, which the holiday sums already take out). */
static int64_t correction(const sla_calendar *c, int64_t d)
{
    return is_holiday(c, d) ? 0 : day_exact(c, d) - c->day_us[civil_weekday(d)];
}

static void add_correction(const sla_calendar *c, int64_t d, void *arg)
{
    *(int64_t *)arg += correction(c, d);
}

typedef struct corr_table {
    int64_t *day, *prefix;
    int n, cap;
} corr_table;

static void record_correction(const sla_calendar *c, int64_t d, void *arg)
{
    corr_table *t = arg;
    if (t->n + 1 >= t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->day = xrealloc(t->day, (size_t)t->cap * sizeof *t->day);
        t->prefix = xrealloc(t->prefix, (size_t)(t->cap + 1) * sizeof *t->prefix);
    }
    t->day[t->n] = d;
    t->prefix[t->n + 1] = t->prefix[t->n] + correction(c, d);
    t->n++;
}

static int first_at_or_after(const int64_t *v, int n, int64_t x)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The table days_total reads instead of walking the zone's transitions. */
static void prepare_corrections(sla_calendar *c)
{
    free(c->corr_day);
    free(c->corr_prefix);
    c->corr_day = c->corr_prefix = NULL;
    c->ncorr = 0;
    if (c->week_us <= 0)
        return;
    corr_table t = {0};
    t.prefix = xcalloc(1, sizeof *t.prefix);
    c->corr_lo = civil_to_days(1900, 1, 1);
    c->corr_hi = civil_to_days(2200, 1, 1);
    near_changes(c, c->corr_lo, c->corr_hi, record_correction, &t);
    c->corr_day = t.day ? t.day : xmalloc(sizeof *t.day);
    c->corr_prefix = t.prefix;
    c->ncorr = t.n;

    /* The running total of business time, day by day. */
    free(c->cum);
    c->cum_lo = civil_to_days(1970, 1, 1);
    c->cum_hi = civil_to_days(2100, 1, 1);
    size_t n = (size_t)(c->cum_hi - c->cum_lo);
    c->cum = xmalloc((n + 1) * sizeof *c->cum);
    c->cum[0] = 0;
    int h = holiday_index(c, c->cum_lo);
    int k = first_at_or_after(c->corr_day, c->ncorr, c->cum_lo);
    for (size_t i = 0; i < n; i++) {
        int64_t d = c->cum_lo + (int64_t)i, us = 0;
        while (h < c->nholidays && c->holidays[h] < d)
            h++;
        if (!(h < c->nholidays && c->holidays[h] == d))
            us = c->day_us[civil_weekday(d)];
        if (k < c->ncorr && c->corr_day[k] == d) {
            us += c->corr_prefix[k + 1] - c->corr_prefix[k];
            k++;
        }
        c->cum[i + 1] = c->cum[i] + us;
    }
}


/* Business time of the whole days [d1, d2). */
static int64_t days_total(const sla_calendar *c, int64_t d1, int64_t d2)
{
    if (d2 <= d1)
        return 0;
    if (c->cum && d1 >= c->cum_lo && d2 <= c->cum_hi)
        return c->cum[d2 - c->cum_lo] - c->cum[d1 - c->cum_lo];
    int64_t n = d2 - d1, weeks = n / 7;
    int64_t total = weeks * c->week_us;
    for (int64_t d = d1 + weeks * 7; d < d2; d++)
        total += c->day_us[civil_weekday(d)];
    int lo = holiday_index(c, d1), hi = holiday_index(c, d2);
    total -= c->holiday_us[hi] - c->holiday_us[lo];

    /* Days near a change of offset: corrected to their exact time. */
    if (c->corr_prefix && d1 >= c->corr_lo && d2 <= c->corr_hi) {
        int i = first_at_or_after(c->corr_day, c->ncorr, d1);
        int j = first_at_or_after(c->corr_day, c->ncorr, d2);
        return total + c->corr_prefix[j] - c->corr_prefix[i];
    }
    near_changes(c, d1, d2, add_correction, &total);
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
    int64_t iv[MAX_SPANS][2];
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
    int64_t iv[MAX_SPANS][2];
    int n = day_intervals(c, day_of(c, t), iv);
    for (int i = 0; i < n; i++)
        if (iv[i][0] <= t && t < iv[i][1])
            return true;
    return false;
}

static int64_t search(const sla_calendar *c, int64_t d, int64_t goal, bool count_days);

int64_t cal_next_open(const sla_calendar *c, int64_t t)
{
    int64_t d = day_of(c, t);
    int64_t iv[MAX_SPANS][2];
    /* The spans of the day before can reach past midnight (a transition). */
    for (int64_t k = d - 1; k <= d + 1; k++) {
        int n = day_intervals(c, k, iv);
        for (int i = 0; i < n; i++) {
            if (iv[i][0] <= t && t < iv[i][1])
                return t;
            if (iv[i][0] > t)
                return iv[i][0];
        }
    }
    /* The next business day, however many holidays come first. */
    for (int64_t k = d + 2 + search(c, d + 2, 1, true) - 1, tries = 0; tries < 4; k++, tries++) {
        int n = day_intervals(c, k, iv);
        for (int i = 0; i < n; i++)
            if (iv[i][0] > t)
                return iv[i][0];
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

/* The instant at which r of day d's business time has passed. At the end
 * of a span that another follows, a duration ends there (Friday 16:30 +
 * 30 minutes is Friday 17:00), but a time of day moves on to the next
 * span (after a lunch break, the clock reads 13:00, not 12:00). */
static int64_t within_day(const sla_calendar *c, int64_t d, int64_t r, bool time_of_day)
{
    int64_t iv[MAX_SPANS][2];
    int n = day_intervals(c, d, iv);
    for (int i = 0; i < n; i++) {
        int64_t len = iv[i][1] - iv[i][0];
        if (r < len || (r == len && (!time_of_day || i == n - 1)))
            return iv[i][0] + r;
        r -= len;
    }
    return n ? iv[n - 1][1] : at(c, d, 0);
}

/* The smallest k >= 1 with f(k) >= goal, where f(k) is the business time
 * (or the business days) of [d, d + k), non-decreasing. The whole weeks
 * the goal certainly needs are counted in one step; the rest is found by
 * doubling and halving over the short remainder, so the cost does not
 * grow with the distance. */
static int64_t search(const sla_calendar *c, int64_t d, int64_t goal, bool count_days)
{
    if (!count_days && c->cum && d >= c->cum_lo && d < c->cum_hi &&
        c->cum[c->cum_hi - c->cum_lo] - c->cum[d - c->cum_lo] >= goal) {
        /* The first day at which the running total reaches the goal. */
        int64_t want = c->cum[d - c->cum_lo] + goal;
        int64_t lo = d - c->cum_lo + 1, hi = c->cum_hi - c->cum_lo;
        while (lo < hi) {
            int64_t mid = lo + (hi - lo) / 2;
            if (c->cum[mid] >= want)
                hi = mid;
            else
                lo = mid + 1;
        }
        return lo - (d - c->cum_lo);
    }
    int64_t per_week = count_days ? c->work_days : c->week_us;
    int64_t skip = per_week > 0 && goal / per_week > 1 ? (goal / per_week - 1) * 7 : 0;
    if (skip > 0) {
        int64_t done = count_days ? days_count(c, d, d + skip) : days_total(c, d, d + skip);
        if (done < goal)
            return skip + search(c, d + skip, goal - done, count_days);
    }
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
    int64_t iv[MAX_SPANS][2];
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
    return within_day(c, d + k, r, false);
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
    /* A date the zone skipped is counted as a working day by days_count
     * but has no business time: the day after it takes its place. */
    int64_t iv[MAX_SPANS][2];
    for (int tries = 0; tries < 4 && day_intervals(c, dn, iv) == 0; tries++)
        dn += search(c, dn + 1, 1, true);
    if (elapsed == 0)
        return cal_next_open(c, at(c, dn, 0));
    return within_day(c, dn, elapsed, true);
}
