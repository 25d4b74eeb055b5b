/*
 * clock.h - the SLA clock: business-time arithmetic on values, hand-offs
 * and cadences. The interpreter calls these; native code calls the same
 * functions through the helper table, so both always agree.
 */
#ifndef SLA_CLOCK_H
#define SLA_CLOCK_H

#include "calendar.h"
#include "program.h"
#include "value.h"

#include <stdbool.h>

/* t plus (or minus, when sign < 0) the business duration d. Business days
 * (d->len == 1) move by whole days (cal_add_days); other business
 * durations by business time (cal_add). Going back in business time is
 * not supported: the result is unset. */
sla_value clk_add(const sla_calendar *cal, int64_t t, const sla_value *d, int sign);
/* Business time from a to b, as a business duration of microseconds. */
sla_value clk_between(const sla_calendar *cal, int64_t a, int64_t b);
/* A business duration in microseconds: days are measured from t. */
int64_t clk_business_us(const sla_calendar *cal, int64_t t, const sla_value *d);

/* in: start, stop, wall-clock window, business window, stage.
 * out: status, due, elapsed (business time when the window is). See
 * docs/language.md, "Hand-offs". */
void clk_handoff(const sla_handoff *h, const sla_calendar *cal, int64_t now,
                 const sla_value *in, sla_value *out);
/* in: start, count, touches, wall-clock period, business period, stage.
 * out: status, expected touches, next due. See "Cadences". */
void clk_cadence(const sla_cadence *c, const sla_calendar *cal, int64_t now,
                 const sla_value *in, sla_value *out);

#endif
