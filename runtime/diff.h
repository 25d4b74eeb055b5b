/*
 * diff.h - what a policy change does to real data: `sla diff`.
 *
 * Both policies score the same export at the same as-of instant, record
 * by record (score_pair); the diff adds up, for each record, its old and
 * new stage and class (matched by name, since the two policies number
 * them independently), hand-off status, and keeps the first records that
 * moved. Quotas are compared through the report model: each policy gets
 * its own report_acc, and the quota lines are matched by their text.
 */
#ifndef SLA_DIFF_H
#define SLA_DIFF_H

#include "program.h"
#include "report.h"

#include "../common/buf.h"
#include "../common/tz.h"

#include <stdbool.h>
#include <stdint.h>

enum { DIFF_SAMPLE = 20 };    /* moved records listed */

/* Stages or classes of both policies, matched by name: the old policy's
 * in its order, then those only the new one has, then "(none)". */
typedef struct diff_axis {
    const char **names;
    uint32_t n;               /* including "(none)", the last */
    uint32_t *from[2];        /* by policy: its index (its count: none) -> axis index */
    bool *in[2];              /* by axis index: the name is the policy's */
    int64_t *count;           /* n x n: count[old * n + new] */
} diff_axis;

typedef struct diff_move {
    char *id;                 /* the record's first field, as `sla score` writes it */
    int64_t line;
    uint32_t stage[2], klass[2];   /* axis indices, old and new */
} diff_move;

/* A quota line of either policy, matched by its text. */
typedef struct diff_quota {
    const char *text, *team;
    const report_quota *q[2]; /* old, new; NULL where the policy has no such line */
} diff_quota;

enum { DIFF_MET, DIFF_BREACHED, DIFF_PENDING, DIFF_NA, DIFF__HANDOFF };

typedef struct diff {
    const sla_program *p[2];  /* old, new */
    const tz_zone *zone[2];
    const char *policy[2];    /* as named on the command line */
    const char *input;
    int64_t as_of;
    int64_t read, scored, rejected;
    diff_axis stages, classes;
    int64_t handoff[2][DIFF__HANDOFF];
    int64_t moved_stage, moved_class, moved;
    diff_move sample[DIFF_SAMPLE];
    uint32_t nsample;
    report rep[2];
    diff_quota *quotas;
    uint32_t nquotas;
} diff;

/* Starts a diff of old against new (both, and the zones, outlive it). */
void diff_init(diff *d, const sla_program *old, const tz_zone *old_zone, const sla_program *new_,
               const tz_zone *new_zone, int64_t as_of);
/* Adds one record: a score_pair_fn, with user the diff. */
void diff_add(void *d, const sla_value *old_regs, const sla_value *new_regs, int64_t line);
/* Builds both reports and the quota lines once every record is added. */
void diff_finish(diff *d, const report_acc *old_acc, const report_acc *new_acc,
                 const char *old_policy, const char *new_policy, const char *input,
                 int64_t read, int64_t scored, int64_t rejected);
void diff_free(diff *d);

typedef enum { DF_TEXT, DF_MD, DF_JSON } diff_format;

/* Appends the diff in the format to out; JSON follows
 * tests/schema/diff.schema.json. */
void diff_render(const diff *d, diff_format f, buf *out);

#endif
