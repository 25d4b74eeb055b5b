/*
 * score.h - scoring a lead export with a program: `sla score`.
 */
#ifndef SLA_SCORE_H
#define SLA_SCORE_H

#include "csv.h"
#include "ops.h"
#include "program.h"
#include "report.h"

#include <stdbool.h>
#include <stdint.h>

/* The record `sla explain` picked, as the export has it: its line, its
 * number among the data rows (1-based), its cells, and by field the cell
 * it was read from (-1: the export has no such column). Fields the policy
 * does not use are bound too, when their column is there, but never
 * converted: their registers are unset. */
typedef struct score_picked {
    int64_t line, row;
    const csv_record *rec;
    const int *column;
} score_picked;

/* Called once, with the picked record's register file after the run. */
typedef void (*score_pick_fn)(void *user, const sla_value *regs, const score_picked *r);

typedef struct score_options {
    const char *input;        /* a path, or "-" for standard input */
    const char *output;       /* a path, or NULL for standard output */
    const char *rejects;      /* a path for bad rows; NULL: stop at the first */
    bool jsonl;               /* JSON Lines instead of CSV */
    int64_t as_of;            /* microseconds since the epoch */
    report_acc *acc;          /* adds up every scored record, if not NULL */
    bool discard;             /* write no output rows (a report's run) */
    ops_native_fn native;     /* the program's native code; NULL: interpret */
    /* Threads that score records (0 or 1: the calling thread alone).
     * Output, rejects, errors and figures are the same whatever the
     * number; a pair of programs, a pick, and a report that sums numbers
     * run on one. */
    int threads;
    bool progress;            /* show a progress line on stderr (a terminal) */
    /* `sla explain`: with pick_fn set, one record only is converted and
     * evaluated, the pick_row-th data row (rows count as `sla score`
     * counts them), or with pick_id the first whose first field's cell is
     * pick_id exactly. Other rows are only counted, bad or not; a bad
     * picked row is reported as `sla score` reports it and stops the run.
     * Nothing is written. */
    int64_t pick_row;
    const char *pick_id;
    score_pick_fn pick_fn;
    void *pick_user;
} score_options;

typedef struct score_stats {
    int64_t read, scored, rejected;
    int64_t same_id;          /* a pick by id: the other rows with that id */
    int64_t same_id_line;     /* the line of the first of them */
} score_stats;

/* Scores o->input with p (verified, vm_prepare'd). Errors go to stderr as
 * `file:line: column "x": what is wrong`. Returns the exit status: 0, 1
 * for bad input (a bad row without --rejects, a missing column), 2 for an
 * input/output error. Output files are written whole or not at all. */
int score_file(const sla_program *p, const score_options *o, score_stats *st);

/* Called after each record both programs of score_pair scored, with
 * their register files (b NULL for a run of one) and the record's line. */
typedef void (*score_pair_fn)(void *user, const sla_value *a, const sla_value *b, int64_t line);

/* Scores o[0]->input with both p[0] and p[1] in one pass (`sla diff`):
 * each binds its own columns; a row bad for either is rejected once, so
 * that rows read = rows scored + rows rejected for the pair. o[0] gives
 * the input, rejects and output (discard for none); each o[k] its own
 * as_of, acc and native code. Returns as score_file. */
int score_pair(const sla_program *const p[2], const score_options *const o[2],
               score_pair_fn each, void *user, score_stats *st);

#endif
