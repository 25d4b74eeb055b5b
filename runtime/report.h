/*
 * report.h - quotas, check-ins and the report everyone sees: `sla report`.
 *
 * Two halves. The accumulator (report_acc) takes every scored record's
 * registers and adds them up: per quota, by the local calendar day its
 * time falls on; the funnel, hand-offs, cadences and recycling as plain
 * counts; the worst breaches as a short sorted list. Accumulators merge,
 * so that scoring may run on several threads, each with its own, and the
 * sum does not depend on how the records were split.
 *
 * The model (report) is what the accumulator says at an as-of instant:
 * for each quota its current period (actual, pace, projection, status),
 * the periods before it, and what each check-in saw at its cut-off. Every
 * renderer (text, Markdown, JSON, HTML) prints the same model, so the
 * figures agree whatever the format. Days are the unit because check-ins
 * cut on day boundaries; the as-of day holds only records at or before
 * the as-of instant, and records dated later are counted apart.
 */
#ifndef SLA_REPORT_H
#define SLA_REPORT_H

#include "program.h"

#include "../common/buf.h"
#include "../common/tz.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- adding up ------------------------------------------------------------------ */

typedef struct report_acc report_acc;

/* An accumulator for p's records, read at as_of in the zone (both must
 * outlive it). */
report_acc *report_acc_new(const sla_program *p, const tz_zone *zone, int64_t as_of);
void report_acc_free(report_acc *a);
/* Adds one evaluated record: regs is the register file after the run,
 * line the record's line in the input. */
void report_acc_add(report_acc *a, const sla_value *regs, int64_t line);
/* Adds everything src holds into dst (same program); src is unchanged. */
void report_acc_merge(report_acc *dst, const report_acc *src);
/* An empty accumulator like a (same program, zone and instant), for
 * another thread's share of the records. */
report_acc *report_acc_fork(const report_acc *a);
/* Whether accumulators of p's records merge to exactly what one would
 * hold: not when a quota sums numbers, whose floating-point additions
 * may round differently in another order. */
bool report_acc_splits(const sla_program *p);

/* ---- the model -------------------------------------------------------------------- */

typedef enum {
    ST_MET, ST_MISSED, ST_ON_TRACK, ST_AT_RISK, ST_NO_DATA, ST__COUNT
} report_status;

extern const char *const report_status_names[ST__COUNT];   /* "met", "on track", ... */

/* A figure: an int (counts, int sums, money in ten-thousandths) or a
 * number (rates in percent, number sums); unset when there is nothing to
 * measure (a rate over no records). */
typedef struct report_value {
    bool set;
    bool is_money;
    bool is_number;
    int64_t i;
    double f;
} report_value;

/* One quota over one period, as of a cut-off. */
typedef struct report_period {
    char label[32];           /* "2026-11", "2026-Q4", "2026", "week of 2026-10-26" */
    int64_t start, end;       /* instants, [start, end) */
    int64_t cutoff;           /* counted up to here: end, or the as-of or check-in */
    bool complete;            /* cutoff == end */
    report_value actual;      /* count, rate (percent) or sum */
    int64_t den, num;         /* records counted; for rates, the numerator */
    double attained;          /* actual / target, in percent (NAN: no data) */
    report_value projected;   /* to the end of the period, at the pace so far */
    double elapsed;           /* share of the period before the cut-off, 0..1 */
    report_status status;
} report_period;

enum { REPORT_TREND = 6 };    /* periods in a quota's trend, the current one last */

typedef struct report_quota {
    const sla_quota *q;
    const char *kind;         /* "count", "rate", "sum" */
    const char *period;       /* "week", "month", "quarter", "year" */
    report_value target;
    report_period current;    /* the period holding the as-of instant */
    report_period trend[REPORT_TREND];   /* trend[REPORT_TREND - 1] is current */
    int64_t later;            /* records dated after the as-of instant, not counted */
} report_quota;

typedef struct report_checkin {
    const sla_checkin *c;
    int64_t last, next;       /* instants: the latest cut-off at or before the as-of
                                 instant (local midnight of its day), the next one */
    report_period *quotas;    /* by quota: what the check-in saw at `last` */
} report_checkin;

typedef struct report_stage {
    const char *name;
    int64_t in;               /* records whose stage is this one */
    int64_t reached;          /* this one or a later one */
    double conversion;        /* reached / the previous stage's reached, percent; NAN first */
} report_stage;

typedef struct report_handoff_class {
    const char *name;         /* the class, or "(none)" */
    int64_t met, breached, pending;
    double met_rate;          /* met / (met + breached), percent; NAN if none decided */
} report_handoff_class;

typedef struct report_reason {
    const char *reason;
    int64_t count;
} report_reason;

typedef struct report_breach {
    char *id;                 /* the record's first field, as `sla score` writes it */
    int64_t line;             /* in the input */
    const char *klass;        /* or NULL */
    int64_t due;              /* when the answer was due */
    int64_t overdue;          /* microseconds past due: at the answer, or the as-of instant */
    bool answered;            /* the answer came, late */
} report_breach;

enum { REPORT_BREACHES = 10 };

typedef struct report {
    const sla_program *p;
    const tz_zone *zone;
    int64_t as_of;
    const char *input;
    int64_t read, scored, rejected;

    report_quota *quotas;     /* p->nquotas */
    report_checkin *checkins; /* p->ncheckins */

    bool has_stages, has_classes, has_handoff, has_cadence, has_recycle;
    report_stage *stages;     /* p->nstages */
    report_handoff_class *handoff;   /* p->nclasses + 1: the last is "(none)" */
    uint32_t nhandoff;
    int64_t handoff_total[3]; /* met, breached, pending */
    int64_t cadence[CS__COUNT];
    report_reason *reasons;   /* most first, then by text */
    uint32_t nreasons;
    int64_t recycled;
    report_breach breaches[REPORT_BREACHES];
    uint32_t nbreaches;
} report;

/* Builds the model of what a holds, as of its as-of instant. */
void report_build(report *r, const report_acc *a, const char *input, int64_t read,
                  int64_t scored, int64_t rejected);
void report_free(report *r);

/* ---- rendering ---------------------------------------------------------------------- */

typedef enum { RF_TEXT, RF_MD, RF_JSON, RF_HTML } report_format;

/* Appends the report in the format to out; color adds ANSI colours (text
 * only). */
void report_render(const report *r, report_format f, bool color, buf *out);

/* The pieces renderers share: a value as the report prints it ("412",
 * "96.3%", "$81,200.00"), an instant as a local date ("2026-11-15") or
 * date and time, a duration ("3d 4h"). */
void report_fmt_value(buf *b, const report_value *v, bool percent);
void report_fmt_date(buf *b, const report *r, int64_t t);
void report_fmt_time(buf *b, const report *r, int64_t t);
void report_fmt_duration(buf *b, int64_t us);

/* Text from a policy or an export, written safely where it goes: for a
 * terminal, control characters as `?`; in Markdown, whatever Markdown or
 * HTML would read as markup escaped, line breaks as spaces. Its width on a
 * terminal, in characters. A figure as a JSON number, exact (money in
 * currency units), or null. Shared by the report and `sla diff`. */
void report_term_text(buf *b, const char *s);
void report_md_text(buf *b, const char *s);
size_t report_text_width(const char *s);
void report_json_value(buf *b, const report_value *v);

/* Each format, called by report_render. */
void report_text(const report *r, bool color, buf *out);
void report_md(const report *r, buf *out);
void report_json(const report *r, buf *out);
void report_html(const report *r, buf *out);

/* For --fail-on: whether any quota missed its last complete period
 * (at_risk false), or that or is at risk in its current one (at_risk
 * true). */
bool report_fails(const report *r, bool at_risk);

#endif
