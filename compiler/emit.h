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

#endif
