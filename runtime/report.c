/*
 * report.c - adding up scored records, and the report model built from
 * the sums at an as-of instant.
 *
 * Quotas are kept by local calendar day: a period, or a period cut off
 * at a check-in, is then a range of days, and one pass over the records
 * serves every period and check-in the report shows. A quota's days live
 * in a small open-addressing table, so a stray date in 1901 or 2999 costs
 * one entry, not a century of empty slots. Everything here adds up
 * exactly (counts, money and whole numbers are integers), which is what
 * makes merged accumulators equal whatever the split; only sums of
 * `number` values are floating point.
 *
 * The rules (which period a record falls in, pace, projection, status)
 * are the ones docs/language.md states in "Quotas" and "Check-ins".
 */
#include "report.h"

#include "convert.h"

#include "../common/num.h"
#include "../common/timefmt.h"
#include "../common/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const report_status_names[ST__COUNT] = {
    [ST_MET] = "met", [ST_MISSED] = "missed", [ST_ON_TRACK] = "on track",
    [ST_AT_RISK] = "at risk", [ST_NO_DATA] = "no data",
};

/* ---- days and periods ------------------------------------------------------------ */

#define US INT64_C(1000000)

/* The instant local midnight starts day d. */
static int64_t day_start(const tz_zone *z, int64_t d)
{
    return tz_local_to_utc(z, d * 86400) * US;
}

typedef struct span {
    int64_t first, end;       /* days [first, end) */
} span;

/* The period of kind k that holds day d; its label in label. */
static span period_of(int k, int64_t d, char *label, size_t n)
{
    int y, m, dd;
    span s;
    switch (k) {
    case QP_WEEK: {
        s.first = d - civil_weekday(d);
        s.end = s.first + 7;
        civil_from_days(s.first, &y, &m, &dd);
        snprintf(label, n, "week of %04d-%02d-%02d", y, m, dd);
        return s;
    }
    case QP_MONTH:
        civil_from_days(d, &y, &m, &dd);
        s.first = civil_to_days(y, m, 1);
        s.end = m == 12 ? civil_to_days(y + 1, 1, 1) : civil_to_days(y, m + 1, 1);
        snprintf(label, n, "%04d-%02d", y, m);
        return s;
    case QP_QUARTER: {
        civil_from_days(d, &y, &m, &dd);
        int q = (m - 1) / 3;
        s.first = civil_to_days(y, 3 * q + 1, 1);
        s.end = q == 3 ? civil_to_days(y + 1, 1, 1) : civil_to_days(y, 3 * q + 4, 1);
        snprintf(label, n, "%04d-Q%d", y, q + 1);
        return s;
    }
    default:
        civil_from_days(d, &y, &m, &dd);
        s.first = civil_to_days(y, 1, 1);
        s.end = civil_to_days(y + 1, 1, 1);
        snprintf(label, n, "%04d", y);
        return s;
    }
}

/* ---- the accumulator ---------------------------------------------------------------- */

typedef struct day_cell {
    int64_t day;
    int64_t den, num;         /* records counted; the numerator of a rate */
    int64_t isum;             /* sums of int and money */
    double fsum;              /* sums of numbers */
    bool live;                /* the slot is taken */
} day_cell;

typedef struct day_table {
    day_cell *cells;          /* open addressing by day */
    uint32_t *used;           /* index + 1 of each occupied slot, in order of use */
    uint32_t n, cap;          /* cap: a power of two */
    int64_t later;            /* records dated after the as-of instant */
    bool overflow;            /* an integer sum passed INT64 */
} day_table;

typedef struct reason_count {
    char *reason;
    int64_t count;
} reason_count;

struct report_acc {
    const sla_program *p;
    const tz_zone *zone;
    int64_t as_of;
    day_table *quotas;
    int64_t *stage_in;        /* by stage */
    int64_t (*handoff)[3];    /* by class (the last: no class): met, breached, pending */
    int64_t cadence[CS__COUNT];
    reason_count *reasons;
    uint32_t nreasons, capreasons;
    int64_t recycled;
    report_breach breaches[REPORT_BREACHES];
    uint32_t nbreaches;
};

static uint64_t mix(int64_t d)
{
    uint64_t x = (uint64_t)d * 0x9E3779B97F4A7C15ull;
    return x ^ x >> 29;
}

static day_cell *cell_at(day_table *t, int64_t day);

static void table_grow(day_table *t)
{
    day_table old = *t;
    t->cap = old.cap ? old.cap * 2 : 64;
    t->cells = xcalloc(t->cap, sizeof *t->cells);
    t->used = xmalloc(t->cap * sizeof *t->used);
    t->n = 0;
    for (uint32_t i = 0; i < old.n; i++) {
        const day_cell *c = &old.cells[old.used[i] - 1];
        *cell_at(t, c->day) = *c;
    }
    free(old.cells);
    free(old.used);
}

/* The cell of day, made if new. */
static day_cell *cell_at(day_table *t, int64_t day)
{
    if ((t->n + 1) * 2 > t->cap)
        table_grow(t);
    uint32_t mask = t->cap - 1;
    uint32_t j = (uint32_t)mix(day) & mask;
    while (t->cells[j].live && t->cells[j].day != day)
        j = (j + 1) & mask;
    day_cell *c = &t->cells[j];
    if (!c->live) {
        *c = (day_cell){.day = day, .live = true};
        t->used[t->n++] = j + 1;
    }
    return c;
}

report_acc *report_acc_new(const sla_program *p, const tz_zone *zone, int64_t as_of)
{
    report_acc *a = xcalloc(1, sizeof *a);
    a->p = p;
    a->zone = zone;
    a->as_of = as_of;
    a->quotas = xcalloc(p->nquotas + 1, sizeof *a->quotas);
    a->stage_in = xcalloc(p->nstages + 1, sizeof *a->stage_in);
    a->handoff = xcalloc(p->nclasses + 1, sizeof *a->handoff);
    return a;
}

void report_acc_free(report_acc *a)
{
    if (!a)
        return;
    for (uint32_t i = 0; i < a->p->nquotas; i++) {
        free(a->quotas[i].cells);
        free(a->quotas[i].used);
    }
    for (uint32_t i = 0; i < a->nreasons; i++)
        free(a->reasons[i].reason);
    for (uint32_t i = 0; i < a->nbreaches; i++)
        free(a->breaches[i].id);
    free(a->reasons);
    free(a->quotas);
    free(a->stage_in);
    free(a->handoff);
    free(a);
}

static void add_sum(day_table *t, int64_t *to, int64_t v)
{
    if (__builtin_add_overflow(*to, v, to)) {
        t->overflow = true;
        *to = v < 0 ? INT64_MIN : INT64_MAX;
    }
}

static void add_quota(report_acc *a, uint32_t i, const sla_value *regs)
{
    const sla_quota *q = &a->p->quotas[i];
    const sla_value *at = &regs[q->at], *den = &regs[q->den], *num = &regs[q->num];
    if (den->null || !den->i || at->null)
        return;
    if (q->kind == QK_SUM && num->null)
        return;
    day_table *t = &a->quotas[i];
    if (at->i > a->as_of) {
        t->later++;
        return;
    }
    day_cell *c = cell_at(t, tz_local_day(a->zone, at->i));
    c->den++;
    if (q->kind == QK_SUM) {
        if (a->p->reg_types[q->num] == VT_NUMBER)
            c->fsum += num->f;
        else
            add_sum(t, &c->isum, num->i);
    } else if (q->kind == QK_RATE && !num->null && num->i) {
        c->num++;
    }
}

/* Whether breach x ranks before y: longer overdue first, then input order. */
static bool worse(const report_breach *x, const report_breach *y)
{
    return x->overdue != y->overdue ? x->overdue > y->overdue : x->line < y->line;
}

/* Puts b in the sorted list if it ranks; takes b->id either way. */
static void keep_breach(report_acc *a, report_breach b)
{
    uint32_t n = a->nbreaches;
    if (n == REPORT_BREACHES && !worse(&b, &a->breaches[n - 1])) {
        free(b.id);
        return;
    }
    if (n == REPORT_BREACHES)
        free(a->breaches[--n].id);
    uint32_t k = n;
    while (k > 0 && worse(&b, &a->breaches[k - 1])) {
        a->breaches[k] = a->breaches[k - 1];
        k--;
    }
    a->breaches[k] = b;
    a->nbreaches = n + 1;
}

static void add_reason(report_acc *a, const char *s, size_t n, int64_t count)
{
    for (uint32_t i = 0; i < a->nreasons; i++)
        if (strlen(a->reasons[i].reason) == n && memcmp(a->reasons[i].reason, s, n) == 0) {
            a->reasons[i].count += count;
            return;
        }
    if (a->nreasons == a->capreasons) {
        a->capreasons = a->capreasons ? a->capreasons * 2 : 8;
        a->reasons = xrealloc(a->reasons, a->capreasons * sizeof *a->reasons);
    }
    a->reasons[a->nreasons++] = (reason_count){xstrndup(s, n), count};
}

void report_acc_add(report_acc *a, const sla_value *regs, int64_t line)
{
    const sla_program *p = a->p;
    const sla_report_regs *rr = &p->report;
    for (uint32_t i = 0; i < p->nquotas; i++)
        add_quota(a, i, regs);
    if (rr->stage != REG_NONE && !regs[rr->stage].null && regs[rr->stage].i < p->nstages)
        a->stage_in[regs[rr->stage].i]++;
    uint32_t klass = p->nclasses;
    if (rr->klass != REG_NONE && !regs[rr->klass].null && regs[rr->klass].i < p->nclasses)
        klass = (uint32_t)regs[rr->klass].i;
    if (rr->handoff != REG_NONE && !regs[rr->handoff].null && regs[rr->handoff].i < 3) {
        int64_t status = regs[rr->handoff].i;
        a->handoff[klass][status]++;
        const sla_value *due = &regs[rr->handoff_due], *stop = &regs[rr->handoff_stop];
        if (status == HS_BREACHED && !due->null) {
            int64_t end = stop->null ? a->as_of : stop->i, over;
            if (__builtin_sub_overflow(end, due->i, &over))
                over = INT64_MAX;
            report_breach b = {.line = line, .due = due->i, .overdue = over,
                               .answered = !stop->null,
                               .klass = klass < p->nclasses ? p->classes[klass] : NULL};
            bool ranks = a->nbreaches < REPORT_BREACHES ||
                         worse(&b, &a->breaches[a->nbreaches - 1]);
            if (ranks) {
                buf id;
                buf_init(&id);
                if (rr->id != REG_NONE)
                    fmt_value(&id, p->reg_types[rr->id], &regs[rr->id], a->zone,
                              program_names(p, p->reg_types[rr->id]));
                b.id = xstrndup(id.data ? id.data : "", id.len);
                buf_free(&id);
                keep_breach(a, b);
            }
        }
    }
    if (rr->cadence != REG_NONE && !regs[rr->cadence].null && regs[rr->cadence].i < CS__COUNT)
        a->cadence[regs[rr->cadence].i]++;
    if (rr->recycled != REG_NONE && !regs[rr->recycled].null && regs[rr->recycled].i) {
        a->recycled++;
        const sla_value *why = &regs[rr->recycle_reason];
        add_reason(a, why->null ? "" : why->s, why->null ? 0 : why->len, 1);
    }
}

void report_acc_merge(report_acc *dst, const report_acc *src)
{
    const sla_program *p = dst->p;
    for (uint32_t i = 0; i < p->nquotas; i++) {
        day_table *d = &dst->quotas[i];
        const day_table *s = &src->quotas[i];
        for (uint32_t k = 0; k < s->n; k++) {
            const day_cell *c = &s->cells[s->used[k] - 1];
            day_cell *to = cell_at(d, c->day);
            to->den += c->den;
            to->num += c->num;
            add_sum(d, &to->isum, c->isum);
            to->fsum += c->fsum;
        }
        d->later += s->later;
        d->overflow |= s->overflow;
    }
    for (uint32_t i = 0; i < p->nstages; i++)
        dst->stage_in[i] += src->stage_in[i];
    for (uint32_t i = 0; i <= p->nclasses; i++)
        for (int k = 0; k < 3; k++)
            dst->handoff[i][k] += src->handoff[i][k];
    for (int k = 0; k < CS__COUNT; k++)
        dst->cadence[k] += src->cadence[k];
    for (uint32_t i = 0; i < src->nreasons; i++)
        add_reason(dst, src->reasons[i].reason, strlen(src->reasons[i].reason),
                   src->reasons[i].count);
    dst->recycled += src->recycled;
    for (uint32_t i = 0; i < src->nbreaches; i++) {
        report_breach b = src->breaches[i];
        b.id = xstrdup(b.id);
        keep_breach(dst, b);
    }
}

report_acc *report_acc_fork(const report_acc *a)
{
    return report_acc_new(a->p, a->zone, a->as_of);
}

static bool is_number_sum(const sla_program *p, const sla_quota *q);

bool report_acc_splits(const sla_program *p)
{
    for (uint32_t i = 0; i < p->nquotas; i++)
        if (is_number_sum(p, &p->quotas[i]))
            return false;
    return true;
}

/* ---- the model ------------------------------------------------------------------------ */

static bool is_number_sum(const sla_program *p, const sla_quota *q)
{
    return q->kind == QK_SUM && p->reg_types[q->num] == VT_NUMBER;
}

static bool is_money_sum(const sla_program *p, const sla_quota *q)
{
    return q->kind == QK_SUM && p->reg_types[q->num] == VT_MONEY;
}

static double as_double(const report_value *v)
{
    return v->is_number ? v->f : v->is_money ? (double)v->i / MONEY_SCALE : (double)v->i;
}

/* Quota i over the days [first, cut) of the period [first, end) (days),
 * cut off at the instant cutoff. */
static void measure(const report_acc *a, uint32_t i, span s, int64_t cut_day, int64_t cutoff,
                    const char *label, report_period *out)
{
    const sla_program *p = a->p;
    const sla_quota *q = &p->quotas[i];
    const day_table *t = &a->quotas[i];
    memset(out, 0, sizeof *out);
    snprintf(out->label, sizeof out->label, "%s", label);
    out->start = day_start(a->zone, s.first);
    out->end = day_start(a->zone, s.end);
    out->cutoff = cutoff < out->end ? cutoff : out->end;
    out->complete = out->cutoff >= out->end;
    int64_t isum = 0;
    double fsum = 0;
    bool overflow = t->overflow;
    for (uint32_t k = 0; k < t->n; k++) {
        const day_cell *c = &t->cells[t->used[k] - 1];
        if (c->day < s.first || c->day >= s.end || c->day >= cut_day)
            continue;
        out->den += c->den;
        out->num += c->num;
        overflow |= __builtin_add_overflow(isum, c->isum, &isum);
        fsum += c->fsum;
    }
    int64_t len = out->end - out->start;
    out->elapsed = len > 0 ? (double)(out->cutoff - out->start) / (double)len : 1;
    if (out->elapsed < 0)
        out->elapsed = 0;

    report_value *v = &out->actual;
    double target = 0;
    switch ((sla_quota_kind)q->kind) {
    case QK_RATE:
        target = q->target.f;
        if (out->den == 0) {
            out->attained = NAN;
            out->status = ST_NO_DATA;
            return;
        }
        *v = (report_value){.set = true, .is_number = true,
                            .f = 100.0 * (double)out->num / (double)out->den};
        out->projected = *v;
        out->attained = target > 0 ? 100.0 * v->f / target : 100;
        if (v->f >= target)
            out->status = out->complete ? ST_MET : ST_ON_TRACK;
        else
            out->status = out->complete ? ST_MISSED : ST_AT_RISK;
        return;
    case QK_COUNT:
        *v = (report_value){.set = true, .i = out->den};
        target = (double)q->target.i;
        break;
    case QK_SUM:
    case QK__COUNT:
        if (is_number_sum(p, q)) {
            *v = (report_value){.set = true, .is_number = true, .f = fsum};
            target = q->target.f;
        } else {
            *v = (report_value){.set = !overflow, .is_money = is_money_sum(p, q), .i = isum};
            target = is_money_sum(p, q) ? (double)q->target.i / MONEY_SCALE : (double)q->target.i;
        }
        break;
    }
    if (!v->set) {
        out->attained = NAN;
        out->status = ST_NO_DATA;
        return;
    }
    double actual = as_double(v);
    out->attained = target > 0 ? 100.0 * actual / target : 100;
    out->projected = *v;
    if (out->complete) {
        out->status = actual >= target ? ST_MET : ST_MISSED;
        return;
    }
    /* The pace so far, carried to the end of the period; a period that has
     * not started to run has no pace yet and nothing missed. */
    if (out->elapsed <= 0) {
        out->status = actual >= target ? ST_MET : ST_ON_TRACK;
        return;
    }
    /* Money stays money; a projected count is a number (1.75 leads), so
     * that it shows what the status was decided on. */
    double proj = actual / out->elapsed;
    if (v->is_money)
        out->projected.i = fabs(proj) < 9e14 ? (int64_t)llround(proj * MONEY_SCALE) : INT64_MAX;
    else
        out->projected = (report_value){.set = true, .is_number = true, .f = proj};
    if (actual >= target)
        out->status = ST_MET;
    else
        out->status = proj >= target ? ST_ON_TRACK : ST_AT_RISK;
}

static const char *const kind_names[QK__COUNT] = {"count", "rate", "sum"};
static const char *const period_names[QP__COUNT] = {"week", "month", "quarter", "year"};

/* The latest day on or before `day` that check-in c falls on. */
static int64_t checkin_on_or_before(const sla_checkin *c, int64_t day)
{
    if (c->weekly)
        return day - ((civil_weekday(day) - c->day + 7) % 7);
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    for (int back = 0; back < 2; back++) {
        int last = civil_days_in_month(y, m);
        int want = c->day < last ? c->day : last;
        if (want <= d || back)
            return civil_to_days(y, m, want);
        if (--m == 0) {
            m = 12;
            y--;
        }
        d = 31;
    }
    return day;
}

static int64_t checkin_after(const sla_checkin *c, int64_t day)
{
    if (c->weekly)
        return day + 1 + ((c->day - civil_weekday(day + 1) + 7) % 7);
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    int want = c->day < civil_days_in_month(y, m) ? c->day : civil_days_in_month(y, m);
    if (want > d)
        return civil_to_days(y, m, want);
    if (++m == 13) {
        m = 1;
        y++;
    }
    want = c->day < civil_days_in_month(y, m) ? c->day : civil_days_in_month(y, m);
    return civil_to_days(y, m, want);
}

static int by_count(const void *x, const void *y)
{
    const report_reason *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->reason, b->reason);
}

void report_build(report *r, const report_acc *a, const char *input, int64_t read,
                  int64_t scored, int64_t rejected)
{
    const sla_program *p = a->p;
    memset(r, 0, sizeof *r);
    r->p = p;
    r->zone = a->zone;
    r->as_of = a->as_of;
    r->input = input;
    r->read = read;
    r->scored = scored;
    r->rejected = rejected;

    int64_t today = tz_local_day(a->zone, a->as_of);
    char label[32];
    r->quotas = xcalloc(p->nquotas + 1, sizeof *r->quotas);
    for (uint32_t i = 0; i < p->nquotas; i++) {
        const sla_quota *q = &p->quotas[i];
        report_quota *rq = &r->quotas[i];
        rq->q = q;
        rq->kind = kind_names[q->kind];
        rq->period = period_names[q->period];
        rq->later = a->quotas[i].later;
        if (q->kind == QK_RATE || is_number_sum(p, q))
            rq->target = (report_value){.set = true, .is_number = true, .f = q->target.f};
        else
            rq->target = (report_value){.set = true, .is_money = is_money_sum(p, q),
                                        .i = q->target.i};
        /* The current period counts everything up to the as-of instant:
         * the as-of day holds only records at or before it. */
        span cur = period_of(q->period, today, label, sizeof label);
        measure(a, i, cur, today + 1, a->as_of, label, &rq->current);
        span s = cur;
        rq->trend[REPORT_TREND - 1] = rq->current;
        for (int k = REPORT_TREND - 2; k >= 0; k--) {
            s = period_of(q->period, s.first - 1, label, sizeof label);
            measure(a, i, s, s.end, day_start(a->zone, s.end), label, &rq->trend[k]);
        }
    }

    r->checkins = xcalloc(p->ncheckins + 1, sizeof *r->checkins);
    for (uint32_t k = 0; k < p->ncheckins; k++) {
        report_checkin *c = &r->checkins[k];
        c->c = &p->checkins[k];
        int64_t last = checkin_on_or_before(c->c, today);
        c->last = day_start(a->zone, last);
        c->next = day_start(a->zone, checkin_after(c->c, today));
        c->quotas = xcalloc(p->nquotas + 1, sizeof *c->quotas);
        /* What was known at the start of the check-in's day: the period
         * that holds the day before, up to that midnight. */
        for (uint32_t i = 0; i < p->nquotas; i++) {
            span s = period_of(p->quotas[i].period, last - 1, label, sizeof label);
            measure(a, i, s, last, c->last, label, &c->quotas[i]);
        }
    }

    const sla_report_regs *rr = &p->report;
    r->has_stages = rr->stage != REG_NONE && p->nstages > 0;
    r->has_classes = rr->klass != REG_NONE && p->nclasses > 0;
    r->has_handoff = rr->handoff != REG_NONE;
    r->has_cadence = rr->cadence != REG_NONE;
    r->has_recycle = rr->recycled != REG_NONE;
    r->stages = xcalloc(p->nstages + 1, sizeof *r->stages);
    int64_t reached = 0;
    for (uint32_t i = p->nstages; i-- > 0;) {
        reached += a->stage_in[i];
        r->stages[i] = (report_stage){p->stages[i], a->stage_in[i], reached, NAN};
    }
    for (uint32_t i = 1; i < p->nstages; i++)
        if (r->stages[i - 1].reached)
            r->stages[i].conversion = 100.0 * (double)r->stages[i].reached /
                                      (double)r->stages[i - 1].reached;
    r->handoff = xcalloc(p->nclasses + 1, sizeof *r->handoff);
    for (uint32_t i = 0; i <= p->nclasses; i++) {
        const int64_t *h = a->handoff[i];
        if (i == p->nclasses && h[0] + h[1] + h[2] == 0)
            continue;          /* "(none)" only when some record had no class */
        report_handoff_class *hc = &r->handoff[r->nhandoff++];
        *hc = (report_handoff_class){i < p->nclasses ? p->classes[i] : "(none)", h[0], h[1],
                                     h[2], NAN};
        if (h[0] + h[1])
            hc->met_rate = 100.0 * (double)h[0] / (double)(h[0] + h[1]);
        for (int s = 0; s < 3; s++)
            r->handoff_total[s] += h[s];
    }
    memcpy(r->cadence, a->cadence, sizeof r->cadence);
    r->recycled = a->recycled;
    r->nreasons = a->nreasons;
    r->reasons = xcalloc(a->nreasons + 1, sizeof *r->reasons);
    for (uint32_t i = 0; i < a->nreasons; i++)
        r->reasons[i] = (report_reason){a->reasons[i].reason, a->reasons[i].count};
    qsort(r->reasons, r->nreasons, sizeof *r->reasons, by_count);
    r->nbreaches = a->nbreaches;
    for (uint32_t i = 0; i < a->nbreaches; i++) {
        r->breaches[i] = a->breaches[i];
        r->breaches[i].id = xstrdup(a->breaches[i].id);
    }
}

void report_free(report *r)
{
    for (uint32_t k = 0; r->p && k < r->p->ncheckins; k++)
        free(r->checkins[k].quotas);
    for (uint32_t i = 0; i < r->nbreaches; i++)
        free(r->breaches[i].id);
    free(r->checkins);
    free(r->quotas);
    free(r->stages);
    free(r->handoff);
    free(r->reasons);
    memset(r, 0, sizeof *r);
}

bool report_fails(const report *r, bool at_risk)
{
    for (uint32_t i = 0; i < r->p->nquotas; i++) {
        const report_quota *q = &r->quotas[i];
        if (q->trend[REPORT_TREND - 2].status == ST_MISSED)
            return true;
        if (at_risk && q->current.status == ST_AT_RISK)
            return true;
    }
    return false;
}

/* ---- formatting shared by the renderers ------------------------------------------------ */

/* n with thousands separators. */
static void put_grouped(buf *b, uint64_t n)
{
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            buf_putc(b, ',');
        buf_putc(b, digits[i]);
    }
}

void report_fmt_value(buf *b, const report_value *v, bool percent)
{
    if (!v->set || (v->is_number && !isfinite(v->f))) {
        buf_puts(b, "n/a");
        return;
    }
    if (percent) {
        buf_printf(b, "%.1f%%", v->f);
        return;
    }
    if (v->is_money) {
        int64_t i = v->i;
        uint64_t mag = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
        /* to cents, half away from zero */
        uint64_t cents = (mag + MONEY_SCALE / 200) / (MONEY_SCALE / 100);
        if (i < 0)
            buf_putc(b, '-');
        buf_putc(b, '$');
        put_grouped(b, cents / 100);
        buf_printf(b, ".%02u", (unsigned)(cents % 100));
        return;
    }
    if (v->is_number) {
        double f = v->f;
        if (fabs(f) < 1e15 && f == floor(f)) {
            if (f < 0)
                buf_putc(b, '-');
            put_grouped(b, (uint64_t)fabs(f));
        } else {
            buf_printf(b, "%.2f", f);
        }
        return;
    }
    if (v->i < 0)
        buf_putc(b, '-');
    put_grouped(b, v->i < 0 ? (uint64_t)0 - (uint64_t)v->i : (uint64_t)v->i);
}

void report_fmt_date(buf *b, const report *r, int64_t t)
{
    int y, m, d;
    civil_from_days(tz_local_day(r->zone, t), &y, &m, &d);
    buf_printf(b, "%04d-%02d-%02d", y, m, d);
}

void report_fmt_time(buf *b, const report *r, int64_t t)
{
    sla_value v = {.i = t};
    fmt_value(b, VT_TIME, &v, r->zone, NULL);
}

void report_fmt_duration(buf *b, int64_t us)
{
    if (us < 0) {
        buf_putc(b, '-');
        us = us == INT64_MIN ? INT64_MAX : -us;
    }
    int64_t m = us / (60 * US), d = m / 1440, h = m / 60 % 24;
    m %= 60;
    if (d)
        buf_printf(b, "%lldd %lldh", (long long)d, (long long)h);
    else if (h)
        buf_printf(b, "%lldh %02lldm", (long long)h, (long long)m);
    else
        buf_printf(b, "%lldm", (long long)m);
}

void report_render(const report *r, report_format f, bool color, buf *out)
{
    switch (f) {
    case RF_TEXT: report_text(r, color, out); break;
    case RF_MD: report_md(r, out); break;
    case RF_JSON: report_json(r, out); break;
    case RF_HTML: report_html(r, out); break;
    }
}
