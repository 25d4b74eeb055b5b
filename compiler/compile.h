/*
 * compile.h - the whole compiler in one call: text to a verified program.
 */
#ifndef SLA_COMPILE_H
#define SLA_COMPILE_H

#include "../common/diag.h"
#include "../runtime/program.h"

/* Parses, checks and compiles f (its text must outlive nothing: the
 * program copies what it keeps). Diagnostics go to d; returns NULL if
 * there were errors. The program is verified and ready to run. */
sla_program *compile_source(const src_file *f, diag_set *d);

/* The same for a policy already parsed and checked without errors (f its
 * file), with probes (emit.h; NULL and 0 for none). */
struct policy;
struct emit_probe;
sla_program *compile_checked(const struct policy *p, const src_file *f, diag_set *d,
                             struct emit_probe *probes, int n);

#endif
