/*
 * fuzz_compile.c - libFuzzer harness: policies that pass the checker, on
 * through code generation, the verifier, a .slab round trip and a run.
 *
 * compile_source verifies what it generates, so a program the verifier
 * refuses is a compiler bug and aborts here. The program is written as a
 * .slab, read back (the loader verifies it again) and written once more:
 * both images must be the same bytes. Then it scores one fixed record
 * twice, every field unset and every field set to a plain value of its
 * type, and formats every output. Most mutations do not check; the seeds
 * are whole policies so that many do.
 */
#include "../../common/buf.h"
#include "../../common/diag.h"
#include "../../common/utf8.h"
#include "../../compiler/compile.h"
#include "../../compiler/slab.h"
#include "../../runtime/convert.h"
#include "../../runtime/session.h"
#include "../../runtime/slab.h"
#include "../../runtime/vm.h"

#include "harness.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t bom = utf8_bom((const char *)data, size);
    src_file f;
    src_file_init(&f, "fuzz.sla", (const char *)data + bom, size - bom);
    diag_set d;
    diag_set_init(&d);
    sla_program *p = compile_source(&f, &d);
    static const char internal[] = "internal error: ";   /* compile.c: it does not verify */
    for (size_t i = 0; i < d.n; i++)
        if (strncmp(d.v[i].msg, internal, sizeof internal - 1) == 0)
            fail("compile_source", d.v[i].msg);
    if (p) {
        round_trip(p, "fresh from the compiler");
        run(p, 2);
        program_free(p);
    }
    diag_set_free(&d);
    src_file_free(&f);
    return 0;
}
