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

#endif
