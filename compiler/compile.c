/*
 * compile.c - parse, check, generate code, verify: one call.
 *
 * The verifier runs on what the compiler just made, not only on what is
 * loaded from a file: a compiler bug then fails loudly at compile time
 * instead of running a malformed program. The program's hash is the one
 * its .slab file would carry, so a policy compiled in memory and its .slab
 * share one entry of the native code cache (compiler/jit.c).
 */
#include "compile.h"

#include "check.h"
#include "emit.h"
#include "slab.h"

#include "../parser/parse.h"
#include "../runtime/verify.h"
#include "../runtime/vm.h"

#include <string.h>

sla_program *compile_source(const src_file *f, diag_set *d)
{
    arena a;
    arena_init(&a);
    int before = d->errors;
    policy *p = parse_policy(f, &a, d);
    check_policy(p, &a, d);
    sla_program *prog = NULL;
    if (d->errors == before)
        prog = compile_checked(p, f, d, NULL, 0);
    arena_free(&a);
    return prog;
}

sla_program *compile_checked(const policy *p, const src_file *f, diag_set *d,
                             emit_probe *probes, int n)
{
    sla_program *prog = emit_program_probes(p, d, probes, n);
    if (!prog)
        return NULL;
    char err[300];
    if (verify_program(prog, err, sizeof err)) {
        diag_add(d, f, SEV_ERROR, D_INVALID_VALUE, (src_loc){1, 1, 1, 2},
                 "internal error: the compiled program does not verify: %s", err);
        program_free(prog);
        return NULL;
    }
    buf image;
    buf_init(&image);
    if (slab_write(prog, &image) == 0 && image.len >= 16 + sizeof prog->hash)
        memcpy(prog->hash, image.data + 16, sizeof prog->hash);
    buf_free(&image);
    vm_prepare(prog);
    return prog;
}
