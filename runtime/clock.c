/*
 * clock.c - hand-off and cadence evaluation, and business-time values.
 *
 * Every rule here is the one docs/language.md states; when in doubt, the
 * document is right and this file is wrong. Wall-clock windows are plain
 * microsecond arithmetic; business windows go through the calendar, whose
 * cost does not depend on the length of the interval.
 */
#include "clock.h"

static const sla_value unset = {.null = 1};

static sla_value time_value(int64_t t)
{
    return (sla_value){.i = t};
}

/* Business time longer than this (about a century) is unset: the calendar
 * is not asked to count that far, and its arithmetic cannot overflow. */
#define MAX_BUSINESS_US (INT64_C(100) * 366 * 86400 * 1000000)
#define MAX_BUSINESS_DAYS (INT64_C(100) * 366)

/* Nor is it asked about instants outside the years its tables cover
 * (1900-2199, cal_prepare), or to add business time that would take it
 * past their end: there its cost would grow with the distance (every
 * change of offset walked one by one), and far enough, its arithmetic
 * would overflow. Such values are unset. A day is kept at either end for
 * the zone's offset. */
#define DAY_US (INT64_C(86400) * 1000000)
#define WEEK_US (7 * DAY_US)

static bool in_reach(const sla_calendar *cal, int64_t t)
{
    return t >= (cal->corr_lo + 1) * DAY_US && t < (cal->corr_hi - 1) * DAY_US;
}

/* Whether amount (business microseconds, or business days) added to t
 * stays in reach: each whole week gives the weekly total, the weeks at
 * either end may give nothing, and each holiday takes at most a week. */
static bool span_in_reach(const sla_calendar *cal, int64_t t, int64_t amount, bool days)
{
    int64_t per_week = days ? cal->work_days : cal->week_us;
    return per_week > 0 && in_reach(cal, t) &&
           amount / per_week + 2 + cal->nholidays <= ((cal->corr_hi - 1) * DAY_US - t) / WEEK_US;
}

sla_value clk_add(const sla_calendar *cal, int64_t t, const sla_value *d, int sign)
{
    if (d->null || !cal)
        return unset;
    int64_t amount = sign < 0 ? -d->i : d->i;
    if (amount < 0 || amount > (d->len == 1 ? MAX_BUSINESS_DAYS : MAX_BUSINESS_US) ||
        !span_in_reach(cal, t, amount, d->len == 1))
        return unset;
    return time_value(d->len == 1 ? cal_add_days(cal, t, amount) : cal_add(cal, t, amount));
}

sla_value clk_between(const sla_calendar *cal, int64_t a, int64_t b)
{
    if (!cal || !in_reach(cal, a) || !in_reach(cal, b))
        return unset;
    return (sla_value){.i = cal_between(cal, a, b)};
}

int64_t clk_business_us(const sla_calendar *cal, int64_t t, const sla_value *d)
{
    if (d->len != 1)
        return d->i;
    return cal_between(cal, cal_next_open(cal, t), cal_add_days(cal, t, d->i));
}

/* out[0..2] unset, each from the constant: a chained assignment would
 * read each back from the one before, a wide load of a value just
 * stored in parts, which the processor cannot forward from the store. */
static inline void unset3(sla_value *out)
{
    out[0] = unset;
    out[1] = unset;
    out[2] = unset;
}

void clk_handoff(const sla_handoff *h, const sla_calendar *cal, int64_t now,
                 const sla_value *in, sla_value *out)
{
    const sla_value *start = &in[0], *stop = &in[1], *wall = &in[2], *bus = &in[3];
    int64_t stage = in[4].i;
    unset3(out);
    if (start->null || in[4].null || stage < h->stage || (h->until >= 0 && stage >= h->until))
        return;
    sla_value due;
    if (!wall->null) {
        int64_t t;
        if (__builtin_add_overflow(start->i, wall->i, &t))
            return;
        due = time_value(t);
    } else if (!bus->null)
        due = clk_add(cal, start->i, bus, 1);
    else
        return;
    if (due.null)
        return;
    int status;
    if (!stop->null)
        status = stop->i <= due.i ? HS_MET : HS_BREACHED;
    else
        status = now > due.i ? HS_BREACHED : HS_PENDING;
    out[0] = (sla_value){.i = status};
    out[1] = due;
    /* The response time, on the clock the window is measured on. */
    int64_t end = stop->null ? now : stop->i;
    out[2] = wall->null ? clk_between(cal, start->i, end) : (sla_value){.i = end - start->i};
}

void clk_cadence(const sla_cadence *c, const sla_calendar *cal, int64_t now,
                 const sla_value *in, sla_value *out)
{
    const sla_value *start = &in[0], *count = &in[1], *touches = &in[2];
    const sla_value *wall = &in[3], *bus = &in[4];
    int64_t stage = in[5].i;
    unset3(out);
    if (start->null || in[5].null || touches->null || touches->i < 1 || stage < c->stage ||
        (c->until >= 0 && stage >= c->until))
        return;
    bool business = wall->null;
    if (business && (bus->null || !cal || bus->i < 0 ||
                     bus->i > (bus->len == 1 ? MAX_BUSINESS_DAYS : MAX_BUSINESS_US) ||
                     !in_reach(cal, now) || !span_in_reach(cal, start->i, bus->i, bus->len == 1)))
        return;
    int64_t period = business ? clk_business_us(cal, start->i, bus) : wall->i;
    if (period <= 0)
        return;
    int64_t elapsed = business ? cal_between(cal, start->i, now) : now - start->i;
    int64_t n = touches->i, made = count->null ? 0 : count->i;
    int64_t expected = 0;
    if (elapsed > 0)
        expected = elapsed >= period ? n : (int64_t)((__int128)elapsed * n / period);
    int status;
    if (made >= n)
        status = CS_COMPLETE;
    else if (elapsed > period)
        status = CS_OVERDUE;
    else if (made >= expected)
        status = CS_ON_TRACK;
    else
        status = CS_BEHIND;
    out[0] = (sla_value){.i = status};
    out[1] = (sla_value){.i = expected};
    if (made < n) {
        int64_t k = made < 0 ? 1 : made + 1;
        int64_t offset = (int64_t)((__int128)period * k / n), due;
        if (business)
            out[2] = time_value(cal_add(cal, start->i, offset));
        else if (!__builtin_add_overflow(start->i, offset, &due))
            out[2] = time_value(due);
    }
}
