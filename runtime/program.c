/*
 * program.c - the tables generated from opcodes.h, and freeing a program.
 *
 * Ownership: everything a program refers to, the sla_program struct
 * itself included, is allocated from one arena; p->memory points to that
 * arena, which is itself a separate xmalloc'd block. The compiler's
 * emitter and the .slab loader both build programs this way, so one call
 * releases either kind and no path can leak part of one.
 */
#include "program.h"

#include "../common/arena.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

const char *const opcode_names[OP__COUNT] = {
#define OP(name, sig, sem) #name,
#include "opcodes.h"
#undef OP
};

const char *const opcode_signatures[OP__COUNT] = {
#define OP(name, sig, sem) sig,
#include "opcodes.h"
#undef OP
};

const char *const opcode_semantics[OP__COUNT] = {
#define OP(name, sig, sem) sem,
#include "opcodes.h"
#undef OP
};

/* The enum and the tables come from the same list, so they cannot
 * disagree in length; these keep it so if a table is ever written out. */
_Static_assert(sizeof opcode_names / sizeof *opcode_names == OP__COUNT, "opcode names");
_Static_assert(sizeof opcode_signatures / sizeof *opcode_signatures == OP__COUNT,
               "opcode signatures");
_Static_assert(sizeof opcode_semantics / sizeof *opcode_semantics == OP__COUNT,
               "opcode semantics");
/* A signature gives a, b and c one letter each, or a and a jump target. */
#define OP(name, sig, sem) _Static_assert(sizeof sig == 4 || sizeof sig == 3, #name " signature");
#include "opcodes.h"
#undef OP
_Static_assert(OP__COUNT <= 65536, "an opcode fits in 16 bits");

const char *const vtype_names[VT__COUNT] = {
    [VT_INT] = "int",
    [VT_NUMBER] = "number",
    [VT_MONEY] = "money",
    [VT_BOOL] = "bool",
    [VT_TEXT] = "text",
    [VT_TIME] = "time",
    [VT_DURATION] = "duration",
    [VT_BDURATION] = "business duration",
    [VT_STAGE] = "stage",
    [VT_CLASS] = "class",
    [VT_HANDOFF] = "hand-off status",
    [VT_CADENCE] = "cadence status",
};
_Static_assert(sizeof vtype_names / sizeof *vtype_names == VT__COUNT, "type names");
_Static_assert(VT_CADENCE + 1 == VT__COUNT, "a name for every type");

void program_free(sla_program *p)
{
    if (!p)
        return;
    arena *a = p->memory;     /* p lives in *a: read it before freeing */
    arena_free(a);
    free(a);
}

/* ---- what is read after a record ------------------------------------------------ */

#define TM(t) (1u << (t))

uint32_t program_end_read_count(const sla_program *p)
{
    return p->noutputs + 3 * p->nquotas + 9;
}

uint32_t program_end_reads(const sla_program *p, end_read *out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < p->noutputs; i++) {
        out[n] = (end_read){.reg = p->outputs[i].reg, .mask = TM(VT__COUNT) - 1};
        snprintf(out[n++].what, sizeof out->what, "output %s", p->outputs[i].header);
    }
    for (uint32_t i = 0; i < p->nquotas; i++) {
        const sla_quota *q = &p->quotas[i];
        unsigned num = q->kind == QK_SUM ? TM(VT_INT) | TM(VT_NUMBER) | TM(VT_MONEY) : TM(VT_BOOL);
        const uint32_t regs[3] = {q->at, q->den, q->num};
        const unsigned masks[3] = {TM(VT_TIME), TM(VT_BOOL), num};
        static const char *const roles[3] = {"time", "condition", "value"};
        for (int k = 0; k < 3; k++) {
            out[n] = (end_read){.reg = regs[k], .mask = masks[k]};
            snprintf(out[n++].what, sizeof out->what, "quota %" PRIu32 "'s %s", i, roles[k]);
        }
    }
    const sla_report_regs *r = &p->report;
    const struct { uint16_t reg; unsigned mask; const char *what; } parts[] = {
        {r->id, TM(VT__COUNT) - 1, "the record's id"},
        {r->stage, TM(VT_STAGE), "the report's stage"},
        {r->klass, TM(VT_CLASS), "the report's class"},
        {r->handoff, TM(VT_HANDOFF), "the report's hand-off status"},
        {r->handoff_due, TM(VT_TIME), "the report's hand-off due time"},
        {r->handoff_stop, TM(VT_TIME), "the report's hand-off stop time"},
        {r->cadence, TM(VT_CADENCE), "the report's cadence status"},
        {r->recycled, TM(VT_BOOL), "the report's recycled flag"},
        {r->recycle_reason, TM(VT_TEXT), "the report's recycle reason"},
    };
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++)
        if (parts[k].reg != REG_NONE) {
            out[n] = (end_read){.reg = parts[k].reg, .mask = parts[k].mask};
            snprintf(out[n++].what, sizeof out->what, "%s", parts[k].what);
        }
    return n;
}

const char *const *program_names(const sla_program *p, vtype t)
{
    return t == VT_STAGE ? (const char *const *)p->stages
         : t == VT_CLASS ? (const char *const *)p->classes : NULL;
}
