/*
 * harness.h - what the fuzz harnesses of compiled programs share: a
 * failure that libFuzzer reports as a crash, one run of a program, and the
 * .slab round trip.
 * Included by one harness each; every function is static.
 */
#ifndef SLA_FUZZ_HARNESS_H
#define SLA_FUZZ_HARNESS_H

#include "../../common/buf.h"
#include "../../compiler/slab.h"
#include "../../runtime/convert.h"
#include "../../runtime/session.h"
#include "../../runtime/slab.h"
#include "../../runtime/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A broken property: aborts, so libFuzzer keeps the input. */
static void fail(const char *what, const char *why)
{
    fprintf(stderr, "%s: %s\n", what, why);
    abort();
}

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

/* Runs p's first `passes` records (all fields unset, then plain values)
 * and formats its outputs. */
static void run(const sla_program *p, int passes)
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
    for (int pass = 0; pass < passes; pass++) {
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

/* write(p) must read back, and write the same bytes again; origin says
 * where p came from, for the message. */
static void round_trip(const sla_program *p, const char *origin)
{
    buf first, second;
    buf_init(&first);
    buf_init(&second);
    if (slab_write(p, &first) < 0)
        fail("slab_write refused a program", origin);
    char err[300];
    sla_program *back = slab_read(first.data, first.len, err, sizeof err);
    if (!back)
        fail("slab_read refused what slab_write wrote", err);
    if (slab_write(back, &second) < 0)
        fail("slab_write", "refused a program slab_read made");
    if (first.len != second.len || memcmp(first.data, second.data, first.len) != 0)
        fail("slab round trip", "the image read back writes different bytes");
    program_free(back);
    buf_free(&first);
    buf_free(&second);
}

#endif
