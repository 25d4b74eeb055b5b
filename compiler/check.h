/*
 * check.h - the checker: names, types, order and meaning of a parsed policy.
 *
 * After check_policy, every expression has its type, every name its
 * symbol, and every mistake a diagnostic. The code generator may run only
 * on a policy with no errors.
 */
#ifndef SLA_CHECK_H
#define SLA_CHECK_H

#include "../parser/ast.h"

typedef enum {
    SYM_FIELD, SYM_LET, SYM_SCORE, SYM_STAGE, SYM_CLASS, SYM_TEAM, SYM_BUILTIN
} sym_kind;

/* Values the runtime computes per record, usable by name. */
typedef enum {
    BI_STAGE, BI_CLASS, BI_HANDOFF, BI_HANDOFF_DUE, BI_HANDOFF_ELAPSED,
    BI_CADENCE, BI_CADENCE_EXPECTED, BI_CADENCE_NEXT_DUE,
    BI_RECYCLED, BI_RECYCLE_TO, BI_RECYCLE_REASON, BI__COUNT
} builtin_id;

typedef struct symbol {
    sym_kind kind;
    const char *name;
    src_loc loc;
    sla_type type;
    void *decl;           /* field_decl, let_decl, score_decl, ... */
    int index;            /* position among its kind */
    builtin_id builtin;
} symbol;

/* How a diagnostic names a type: "int", "time?", "business duration". */
const char *type_name(sla_type t);

/* Checks p, adding diagnostics to d. Returns the number of errors. */
int check_policy(policy *p, arena *a, diag_set *d);

#endif
