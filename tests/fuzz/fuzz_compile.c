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

/* 2026-11-02T15:00:00Z, a Monday afternoon in most zones' business hours. */
#define AS_OF (INT64_C(1793631600) * 1000000)

/* A cell each type reads (an unset value where it does not). */
static const char *const plain_cell[VT__COUNT] = {
    [VT_INT] = "42",
    [VT_NUMBER] = "2.5",
    [VT_MONEY] = "1234.50",
    [VT_BOOL] = "true",
    [VT_TEXT] = "Acme",
    [VT_TIME] = "2026-10-30T16:30:00Z",
    [VT_DURATION] = "PT2H",
    [VT_BDURATION] = "PT2H",
};

static void run(const sla_program *p)
{
    char err[300];
    session ses;
    if (session_open(&ses, p, err, sizeof err) < 0) {
        session_close(&ses);
        return;
    }
    vm *v = vm_new(p, session_calendar(&ses), AS_OF);
    sla_value *regs = vm_registers(v);
    buf out;
    buf_init(&out);
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < p->nfields; i++) {
            regs[i] = (sla_value){.null = 1};
            const char *cell = pass ? plain_cell[p->fields[i].type] : NULL;
            if (cell && conv_cell(&ses.conv[i], cell, strlen(cell), &regs[i], err, sizeof err))
                regs[i] = (sla_value){.null = 1};
        }
        vm_run(v);
        for (uint32_t i = 0; i < p->noutputs; i++) {
            vtype t = p->reg_types[p->outputs[i].reg];
            fmt_value(&out, t, &regs[p->outputs[i].reg], ses.zone, program_names(p, t));
        }
    }
    buf_free(&out);
    vm_free(v);
    session_close(&ses);
}

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
        run(p);
        program_free(p);
    }
    diag_set_free(&d);
    src_file_free(&f);
    return 0;
}
