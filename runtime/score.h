/*
 * score.h - scoring a lead export with a program: `sla score`.
 */
#ifndef SLA_SCORE_H
#define SLA_SCORE_H

#include "ops.h"
#include "program.h"
#include "report.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct score_options {
    const char *input;        /* a path, or "-" for standard input */
    const char *output;       /* a path, or NULL for standard output */
    const char *rejects;      /* a path for bad rows; NULL: stop at the first */
    bool jsonl;               /* JSON Lines instead of CSV */
    int64_t as_of;            /* microseconds since the epoch */
    report_acc *acc;          /* adds up every scored record, if not NULL */
    bool discard;             /* write no output rows (a report's run) */
    ops_native_fn native;     /* the program's native code; NULL: interpret */
} score_options;

typedef struct score_stats {
    int64_t read, scored, rejected;
} score_stats;

/* Scores o->input with p (verified, vm_prepare'd). Errors go to stderr as
 * `file:line: column "x": what is wrong`. Returns the exit status: 0, 1
 * for bad input (a bad row without --rejects, a missing column), 2 for an
 * input/output error. Output files are written whole or not at all. */
int score_file(const sla_program *p, const score_options *o, score_stats *st);

#endif
