/*
 * emit.h - the code generator: a checked policy to a bytecode program.
 */
#ifndef SLA_EMIT_H
#define SLA_EMIT_H

#include "../parser/ast.h"
#include "../runtime/program.h"

/* Compiles p, which check_policy passed without errors. Returns a program
 * that owns its memory (program_free), or NULL with diagnostics in d for
 * what only code generation can find (a policy too large, a time zone the
 * database cannot load). */
sla_program *emit_program(const policy *p, diag_set *d);

/* Values a tool reads after a record has been evaluated: `sla test` reads
 * its expectations and the conditions it measures coverage by; `sla
 * explain` every part of every rule. A probe of an expression is computed
 * after the program's own code, on every path, into a register of its
 * own: a class's condition has its value even when an earlier class held.
 * The others name registers the program computes anyway. */
typedef enum {
    PROBE_EXPR,          /* e: a checked expression of p (or of its tests) */
    PROBE_SCORE,         /* index: a score's total */
    PROBE_STAGE, PROBE_CLASS,
    PROBE_HANDOFF_IN,    /* index: the first of a hand-off's five inputs (OP_HANDOFF) */
    PROBE_HANDOFF_OUT,   /* index: the first of its three results */
    PROBE_CADENCE_IN,    /* index: the first of a cadence's six inputs (OP_CADENCE) */
    PROBE_CADENCE_OUT,   /* index: the first of its three results */
    PROBE_STAGE_WHEN,    /* index: stage's condition, as the stage chain saw it, where a
                            stage's name means "reached so far" */
} probe_what;

typedef struct emit_probe {
    probe_what what;
    int index;
    const expr *e;
    /* out: */
    uint32_t reg;        /* where the value is after vm_run (the interpreter's) */
    vtype type;
} emit_probe;

/* emit_program, with the n probes computed too. Probes are not part of a
 * .slab and are read from the interpreter only. */
sla_program *emit_program_probes(const policy *p, diag_set *d, emit_probe *probes, int n);

#endif
