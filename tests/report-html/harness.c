/*
 * harness.c - builds a report model by hand and renders it with
 * report_html, to look at the page in a browser before `sla report` fills
 * the model for real. Not part of the build or of `make test`.
 *
 *   harness POLICY full|edge OUT.html
 *
 * The policy is compiled for real (so quotas, check-ins and stages are the
 * compiler's); the figures are made up. `full` is a plausible mid-month
 * report; `edge` has no data in places, no stages, and hostile text in the
 * names, to check escaping and the "no data" paths.
 *
 * Build (from the worktree root, after make):
 *   cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude -o build/report-html-harness \
 *      tests/report-html/harness.c tests/report-html/fmt_stub.c runtime/report_html.c \
 *      build/libsla.a -lm
 * fmt_stub.c stands in for report.c's helpers until report.c lands.
 */
#include "../../common/buf.h"
#include "../../common/diag.h"
#include "../../common/readfile.h"
#include "../../common/timefmt.h"
#include "../../common/tz.h"
#include "../../compiler/compile.h"
#include "../../runtime/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US 1000000LL

static int64_t utc(const tz_zone *z, int y, int m, int d)
{
    return tz_local_to_utc(z, civil_to_days(y, m, d) * 86400) * US;
}

static report_value val_of(const sla_program *p, const sla_quota *q, double x)
{
    report_value v = {.set = true};
    if (q->kind == QK_RATE) {
        v.is_number = true;
        v.f = x;
    } else if (q->kind == QK_SUM && p->reg_types[q->num] == VT_MONEY) {
        v.is_money = true;
        v.i = (int64_t)x * 10000;
    } else if (q->kind == QK_SUM && p->reg_types[q->num] == VT_NUMBER) {
        v.is_number = true;
        v.f = x;
    } else {
        v.i = (int64_t)x;
    }
    return v;
}

static double target_of(const sla_program *p, const sla_quota *q)
{
    if (q->kind == QK_RATE)
        return q->target.f;
    if (q->kind == QK_SUM && p->reg_types[q->num] == VT_MONEY)
        return (double)q->target.i / 10000;
    if (q->kind == QK_SUM && p->reg_types[q->num] == VT_NUMBER)
        return q->target.f;
    return (double)q->target.i;
}

static report_status judge(const sla_quota *q, double actual, double target, double proj,
                           bool complete)
{
    (void)q;
    if (isnan(actual))
        return ST_NO_DATA;
    if (complete)
        return actual >= target ? ST_MET : ST_MISSED;
    if (actual >= target)
        return ST_MET;
    return proj >= target ? ST_ON_TRACK : ST_AT_RISK;
}

/* Period k of 6 ending with the one holding 2026-11-18 12:00 local. */
static void fill_period(const sla_program *p, const tz_zone *z, const sla_quota *q,
                        report_period *pd, int back, double actual, bool edge)
{
    double target = target_of(p, q);
    memset(pd, 0, sizeof *pd);
    int y = 2026, m0;
    switch (q->period) {
    case QP_MONTH:
        m0 = 11 - back;
        while (m0 < 1) { m0 += 12; y--; }
        snprintf(pd->label, sizeof pd->label, "%04d-%02d", y, m0);
        pd->start = utc(z, y, m0, 1);
        pd->end = m0 == 12 ? utc(z, y + 1, 1, 1) : utc(z, y, m0 + 1, 1);
        break;
    case QP_QUARTER: {
        int qn = 4 - back;
        while (qn < 1) { qn += 4; y--; }
        snprintf(pd->label, sizeof pd->label, "%04d-Q%d", y, qn);
        pd->start = utc(z, y, qn * 3 - 2, 1);
        pd->end = qn == 4 ? utc(z, y + 1, 1, 1) : utc(z, y, qn * 3 + 1, 1);
        break;
    }
    case QP_WEEK: {
        int64_t d = civil_to_days(2026, 11, 16) - 7 * back;
        int yy, mm, dd;
        civil_from_days(d, &yy, &mm, &dd);
        snprintf(pd->label, sizeof pd->label, "week of %04d-%02d-%02d", yy, mm, dd);
        pd->start = utc(z, yy, mm, dd);
        pd->end = pd->start + 7 * 86400 * US;
        break;
    }
    default:
        snprintf(pd->label, sizeof pd->label, "%04d", 2026 - back);
        pd->start = utc(z, 2026 - back, 1, 1);
        pd->end = utc(z, 2027 - back, 1, 1);
        break;
    }
    int64_t as_of = utc(z, 2026, 11, 18) + 12 * 3600 * US;
    pd->complete = back > 0;
    pd->cutoff = pd->complete ? pd->end : as_of;
    pd->elapsed = (double)(pd->cutoff - pd->start) / (double)(pd->end - pd->start);
    if (edge && back == 2)
        actual = NAN;
    if (isnan(actual)) {
        pd->attained = NAN;
        pd->status = ST_NO_DATA;
        return;
    }
    pd->actual = val_of(p, q, actual);
    pd->den = (int64_t)actual + 40;
    pd->attained = 100.0 * actual / target;
    double proj = q->kind == QK_RATE ? actual : actual / pd->elapsed;
    if (!pd->complete)
        pd->projected = val_of(p, q, proj);
    pd->status = judge(q, actual, target, proj, pd->complete);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: harness POLICY full|edge OUT.html\n");
        return 2;
    }
    bool edge = strcmp(argv[2], "edge") == 0;
    char *data;
    size_t len;
    if (read_whole_file("harness", argv[1], &data, &len) < 0)
        return 2;
    src_file f;
    src_file_init(&f, argv[1], data, len);
    diag_set d;
    diag_set_init(&d);
    sla_program *p = compile_source(&f, &d);
    diag_render_text(&d, stderr, false);
    if (!p)
        return 1;
    char err[200];
    tz_zone *z = tz_load(p->zone, err, sizeof err);
    if (!z) {
        fprintf(stderr, "harness: %s\n", err);
        return 1;
    }

    report r;
    memset(&r, 0, sizeof r);
    r.p = p;
    r.zone = z;
    r.as_of = utc(z, 2026, 11, 18) + 12 * 3600 * US;
    r.input = edge ? "exports/<leads> & \"friends\".csv" : "examples/inbound-b2b.csv";
    r.read = 12480;
    r.scored = edge ? 12480 : 12463;
    r.rejected = r.read - r.scored;

    /* made-up actuals, as a share of the target, oldest first */
    static const double shares[][REPORT_TREND] = {
        {0.92, 1.04, 0.88, 1.10, 1.01, 0.61},
        {1.05, 0.97, 1.12, 0.91, 1.08, 0.49},
        {0.95, 1.07, 0.99, 1.02, 0.90, 1.03},
        {0.97, 1.01, 0.99, 1.02, 0.98, 0.96},
        {1.03, 0.95, 1.06, 0.93, 1.04, 1.00},
        {0.81, 1.12, 0.95, 1.21, 0.87, 0.44},
    };
    r.quotas = calloc(p->nquotas ? p->nquotas : 1, sizeof *r.quotas);
    for (uint32_t i = 0; i < p->nquotas; i++) {
        report_quota *rq = &r.quotas[i];
        const sla_quota *q = &p->quotas[i];
        static const char *const kinds[] = {"count", "rate", "sum"};
        static const char *const periods[] = {"week", "month", "quarter", "year"};
        rq->q = q;
        rq->kind = kinds[q->kind];
        rq->period = periods[q->period];
        rq->target = val_of(p, q, target_of(p, q));
        const double *s = shares[i % 6];
        for (int k = 0; k < REPORT_TREND; k++) {
            double a = target_of(p, q) * s[k];
            if (q->kind != QK_RATE)
                a = floor(a);
            if (edge && i == 0 && k == REPORT_TREND - 1)
                a = NAN;
            fill_period(p, z, q, &rq->trend[k], REPORT_TREND - 1 - k, a, edge);
        }
        rq->current = rq->trend[REPORT_TREND - 1];
        rq->later = i == 0 ? 3 : 0;
    }
    if (edge && p->nquotas > 0) {
        /* hostile text from the policy must come out escaped */
        p->quotas[0].team = "<script>alert(1)</script>";
        p->quotas[0].text = "400 \"mql\" & <b>friends</b> per 'month'";
        p->name = "Acme <inbound> & \"outbound\" SLA's";
    }

    r.checkins = calloc(p->ncheckins ? p->ncheckins : 1, sizeof *r.checkins);
    for (uint32_t k = 0; k < p->ncheckins; k++) {
        report_checkin *c = &r.checkins[k];
        c->c = &p->checkins[k];
        c->last = k == 0 ? utc(z, 2026, 11, 1) : utc(z, 2026, 11, 15);
        c->next = k == 0 ? utc(z, 2026, 12, 1) : utc(z, 2026, 12, 15);
        c->quotas = calloc(p->nquotas ? p->nquotas : 1, sizeof *c->quotas);
        for (uint32_t i = 0; i < p->nquotas; i++) {
            c->quotas[i] = r.quotas[i].trend[k == 0 ? REPORT_TREND - 2 : REPORT_TREND - 1];
            if (k == 1) {   /* seen on the 15th: less of the period */
                report_period *pd = &c->quotas[i];
                if (pd->actual.set && !pd->actual.is_number)
                    pd->actual.i = pd->actual.i * 9 / 10;
                pd->elapsed *= 0.8;
            }
        }
    }

    r.has_stages = !edge;
    r.stages = calloc(p->nstages ? p->nstages : 1, sizeof *r.stages);
    static const int64_t reached[] = {12463, 9870, 1432, 388, 141, 37};
    for (uint32_t k = 0; k < p->nstages; k++) {
        report_stage *s = &r.stages[k];
        s->name = p->stages[k];
        s->reached = reached[k % 6];
        s->in = s->reached - (k + 1 < p->nstages ? reached[(k + 1) % 6] : 0);
        s->conversion = k == 0 ? NAN : 100.0 * (double)s->reached / (double)reached[k - 1];
    }

    r.has_classes = p->nclasses > 0;
    r.has_handoff = p->nhandoffs > 0;
    r.nhandoff = p->nclasses + 1;
    r.handoff = calloc(r.nhandoff, sizeof *r.handoff);
    for (uint32_t k = 0; k < r.nhandoff; k++) {
        report_handoff_class *c = &r.handoff[k];
        c->name = k < p->nclasses ? p->classes[k] : "(none)";
        if (k < p->nclasses) {
            c->met = 300 + 97 * k;
            c->breached = edge ? 0 : 11 + 5 * k;
            c->pending = 17 + k;
        }
        c->met_rate = c->met + c->breached ? 100.0 * c->met / (c->met + c->breached) : NAN;
        r.handoff_total[0] += c->met;
        r.handoff_total[1] += c->breached;
        r.handoff_total[2] += c->pending;
    }

    r.has_cadence = p->ncadences > 0;
    r.cadence[CS_ON_TRACK] = 812;
    r.cadence[CS_BEHIND] = 143;
    r.cadence[CS_COMPLETE] = 402;
    r.cadence[CS_OVERDUE] = 61;

    r.has_recycle = true;
    static report_reason reasons[] = {
        {"no reply to a full cadence", 214},
        {"stage is mql and (last_touch ?? became_mql) older than 30 days", 87},
        {"<odd> & \"quoted\" reason", 1},
    };
    r.reasons = reasons;
    r.nreasons = edge ? 3 : 2;
    r.recycled = 214 + 87 + (edge ? 1 : 0);

    static const char *const ids[] = {"L-10492", "L-10017", "L-09981", "L-11230", "L-10755",
                                      "<L-666 & co>"};
    r.nbreaches = edge ? 6 : 5;
    for (uint32_t k = 0; k < r.nbreaches; k++) {
        report_breach *b = &r.breaches[k];
        b->id = (char *)ids[k];
        b->line = 120 + 977 * k;
        b->klass = k == 4 ? NULL : p->nclasses ? p->classes[k % p->nclasses] : NULL;
        b->due = utc(z, 2026, 11, 2 + k) + (9 + k) * 3600 * US;
        b->overdue = (int64_t)(6 - k) * 26 * 3600 * US + 1234 * US;
        b->answered = k % 2 == 1;
    }

    buf out;
    buf_init(&out);
    report_html(&r, &out);
    FILE *o = fopen(argv[3], "wb");
    if (!o || buf_write(&out, o) < 0 || fclose(o) != 0) {
        perror(argv[3]);
        return 1;
    }
    buf_free(&out);
    for (uint32_t k = 0; k < p->ncheckins; k++)
        free(r.checkins[k].quotas);
    free(r.checkins);
    free(r.quotas);
    free(r.stages);
    free(r.handoff);
    tz_free(z);
    program_free(p);
    diag_set_free(&d);
    src_file_free(&f);
    free(data);
    return 0;
}
