/*
 * slab.h - writing a compiled program as a .slab file.
 *
 * The format is in docs/slab-format.md; runtime/slab.h reads it back. The
 * same program always gives the same bytes (no pointers, no padding left
 * uninitialised, strings pooled in the order they are first used), so a
 * .slab can be compared, cached and checked in like any build output.
 */
#ifndef SLA_COMPILER_SLAB_H
#define SLA_COMPILER_SLAB_H

#include "../common/buf.h"
#include "../runtime/program.h"

/* Appends p as a .slab image to out. Returns 0, or -1 (out unchanged) if
 * p cannot be written: a required name missing (NULL), a string holding
 * a NUL byte or longer than 4 GiB, an unset set item, a value's len that
 * its type cannot carry. The writer does not verify p: the loader does,
 * so a program that should not run is refused when it is read. */
int slab_write(const sla_program *p, buf *out);

#endif
