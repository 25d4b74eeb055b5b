/*
 * policytest.h - `sla test`: running the tests written for policies.
 *
 * A test (docs/testing.md) gives records inline, an as-of instant and
 * expectations about what the policy makes of them: a condition over each
 * record (`expect stage is mql`) or a quota's outcome over all of them.
 * Tests stand in the policy itself or in a test file, NAME.test.sla, that
 * holds only tests and belongs to NAME.sla beside it (or to the policy its
 * `test policy "..."` line names). They are checked in the policy's scope
 * and compiled into its program as probes (compiler/emit.h), so they run
 * the very code `sla score` runs.
 *
 * Coverage counts what the tests' records exercised: every stage reached
 * and class given, every score rule that added points, and each condition
 * (of a stage, a class, a score rule, a recycle rule, a boolean let) seen
 * both true and false.
 */
#ifndef SLA_POLICYTEST_H
#define SLA_POLICYTEST_H

#include "../common/arena.h"
#include "../common/diag.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct ptest_options {
    bool verbose;            /* a line for every test, passed or not */
    bool coverage;           /* list what no test exercised */
    double min_coverage;     /* percent, for each policy; below it the run fails (< 0: none) */
    const char *junit;       /* write a JUnit XML report here, or NULL */
} ptest_options;

/* Runs the tests of paths: policies (their own tests and NAME.test.sla
 * beside them), test files, or directories (every policy and test file in
 * them). Failures and the summary go to out, errors in the files to err.
 * Returns the exit status: 0 all passed, 1 a test failed, a file had
 * errors or coverage fell short, 2 a file could not be read or there was
 * nothing to test. */
int ptest_run(char *const *paths, int n, const ptest_options *o, FILE *out, FILE *err);

/* For slac --check: whether path names a test file (NAME.test.sla), and
 * f's tests checked in the scope of the policy they are for, found as
 * `sla test` finds it, with the diagnostics of both in d. Returns the
 * policy's file (the caller frees it with src_file_free and free, after
 * d) or NULL when it cannot be read (that is in d too). */
bool ptest_is_test_file(const char *path);
src_file *ptest_check_file(const src_file *f, arena *a, diag_set *d);

#endif
