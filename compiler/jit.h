/*
 * jit.h - native code for a verified program, with libgccjit, and the
 * on-disk cache of it.
 *
 * jit_compile gives one native function per program (ops_native_fn: the
 * registers and an ops_env in, the outputs left in their registers), run
 * by a vm in place of the interpreter (vm_use_native). With the cache on,
 * the shared object is looked up first under $XDG_CACHE_HOME/sla/ (else
 * ~/.cache/sla/), keyed by the program's hash and the helper ABI, and
 * written there after a compile. libgccjit is loaded (dlopen) only to
 * compile.
 */
#ifndef SLA_COMPILER_JIT_H
#define SLA_COMPILER_JIT_H

#include "../runtime/ops.h"
#include "../runtime/program.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct jit_code jit_code;

typedef struct jit_options {
    bool cache;               /* look up and write the cache */
    bool verbose;             /* a note on stderr saying where the code came from */
    /* For tests that write constant registers and read any register, as
     * they may with the interpreter: constants are read from the register
     * array instead of folded, and every computed register is stored back.
     * Never cached. */
    bool all_registers;
} jit_options;

/* Native code for p (verified), or NULL with the reason in err. A damaged
 * or stale cache entry is reported on stderr as a note, then replaced. */
jit_code *jit_compile(const sla_program *p, const jit_options *o, char *err, size_t errlen);
ops_native_fn jit_function(const jit_code *c);
void jit_free(jit_code *c);

/* The cache directory into out; -1 when there is no home to put it in. */
int jit_cache_dir(char *out, size_t n);
/* Whether the cache holds an entry for p (not yet checked: jit_compile does). */
bool jit_cache_has(const sla_program *p);
/* Removes every cached object; returns how many, or -1 with err set. */
int jit_cache_clear(char *err, size_t errlen);

#endif
