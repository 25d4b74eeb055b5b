/*
 * program_builder.h - building bytecode programs by hand, for the tests of
 * the verifier, the .slab format and the interpreter.
 *
 * A program and everything in it live in its own arena (p->memory), as the
 * compiler's and the loader's do. A test that wants to see every opcode
 * used defines TP_ON_OP(op) before including this file.
 */
#ifndef SLA_TEST_PROGRAM_BUILDER_H
#define SLA_TEST_PROGRAM_BUILDER_H

#include "../../common/arena.h"
#include "../../common/xalloc.h"
#include "../../runtime/program.h"

#include <string.h>

/* Arrays that grow in the program's arena. */
#define GROW(p, arr, n, cap)                                                                \
    do {                                                                                    \
        if ((n) == (cap)) {                                                                 \
            size_t newcap_ = (cap) ? 2 * (size_t)(cap) : 8;                                 \
            (arr) = arena_grow((p)->memory, (arr), (cap) * sizeof *(arr),                   \
                               newcap_ * sizeof *(arr));                                    \
            (cap) = (uint32_t)newcap_;                                                      \
        }                                                                                   \
    } while (0)

typedef struct caps {
    uint32_t regs, code, fields, consts, sets, stages, classes, handoffs, cadences, hours,
        holidays, outputs;
} caps;

/* The capacities live right after the program in its arena block. */
typedef struct tprog {
    sla_program p;
    caps c;
} tprog;

static inline caps *cap_of(sla_program *p)
{
    return &((tprog *)p)->c;
}

static inline sla_program *tp_new(void)
{
    arena *a = xmalloc(sizeof *a);
    arena_init(a);
    tprog *t = arena_alloc(a, sizeof *t);
    sla_program *p = &t->p;
    p->memory = a;
    p->name = "test";
    p->zone = "UTC";
    p->report = REPORT_REGS_NONE;
    return p;
}

static inline uint32_t add_reg(sla_program *p, vtype t)
{
    GROW(p, p->reg_types, p->nregs, cap_of(p)->regs);
    p->reg_types[p->nregs] = t;
    return p->nregs++;
}

static inline uint32_t tp_field(sla_program *p, const char *name, vtype t)
{
    assert_int_equal(p->nregs, p->nfields);
    GROW(p, p->fields, p->nfields, cap_of(p)->fields);
    p->fields[p->nfields] = (sla_field){.name = name, .column = name, .type = t, .used = true};
    p->nfields++;
    p->first_temp++;
    return add_reg(p, t);
}

static inline uint32_t tp_const(sla_program *p, vtype t, sla_value v)
{
    assert_int_equal(p->nregs, p->first_temp);
    GROW(p, p->consts, p->nconsts, cap_of(p)->consts);
    p->consts[p->nconsts++] = v;
    p->first_temp++;
    return add_reg(p, t);
}

static inline uint32_t tp_int(sla_program *p, vtype t, int64_t i)
{
    return tp_const(p, t, (sla_value){.i = i});
}

static inline uint32_t tp_now(sla_program *p)
{
    uint32_t r = tp_int(p, VT_TIME, 0);
    p->now_reg = (uint16_t)r;
    return r;
}

static inline uint32_t tp_temp(sla_program *p, vtype t)
{
    return add_reg(p, t);
}

static inline uint32_t tp_op(sla_program *p, opcode op, uint32_t a, uint32_t b, uint32_t c)
{
#ifdef TP_ON_OP
    TP_ON_OP(op);
#endif
    caps *k = cap_of(p);
    if (p->ncode == k->code) {
        size_t n = k->code ? 2 * (size_t)k->code : 8;
        p->code = arena_grow(p->memory, p->code, k->code * sizeof *p->code, n * sizeof *p->code);
        p->lines = arena_grow(p->memory, p->lines, k->code * sizeof *p->lines,
                              n * sizeof *p->lines);
        k->code = (uint32_t)n;
    }
    p->code[p->ncode] = (sla_insn){(uint16_t)op, (uint16_t)a, (uint16_t)b, (uint16_t)c};
    p->lines[p->ncode] = p->ncode + 1;
    return p->ncode++;
}

static inline uint32_t tp_jump(sla_program *p, opcode op, uint32_t cond, uint32_t target)
{
    return tp_op(p, op, cond, target >> 16, target & 0xFFFF);
}

static inline void tp_ret(sla_program *p)
{
    tp_op(p, OP_RET, 0, 0, 0);
}

static inline void tp_stages(sla_program *p, uint32_t n)
{
    static const char *const names[] = {"subscriber", "lead", "mql", "sql", "opportunity"};
    p->stages = arena_alloc(p->memory, (n + 1) * sizeof *p->stages);
    for (uint32_t i = 0; i < n; i++)
        p->stages[i] = names[i % 5];
    p->nstages = n;
}

static inline void tp_classes(sla_program *p, uint32_t n)
{
    static const char *const names[] = {"A", "B", "C"};
    p->classes = arena_alloc(p->memory, (n + 1) * sizeof *p->classes);
    for (uint32_t i = 0; i < n; i++)
        p->classes[i] = names[i % 3];
    p->nclasses = n;
}

static inline uint32_t tp_set(sla_program *p, vtype t, bool nocase, uint32_t n, const sla_value *items)
{
    GROW(p, p->sets, p->nsets, cap_of(p)->sets);
    sla_set *s = &p->sets[p->nsets];
    *s = (sla_set){.type = t, .nocase = nocase, .n = n};
    s->items = arena_alloc(p->memory, (n + 1) * sizeof *s->items);
    if (n)
        memcpy(s->items, items, n * sizeof *items);
    return p->nsets++;
}

static inline uint32_t tp_handoff(sla_program *p, uint16_t stage, int16_t until)
{
    GROW(p, p->handoffs, p->nhandoffs, cap_of(p)->handoffs);
    p->handoffs[p->nhandoffs] = (sla_handoff){stage, until};
    return p->nhandoffs++;
}

static inline uint32_t tp_cadence(sla_program *p, uint16_t stage, int16_t until)
{
    GROW(p, p->cadences, p->ncadences, cap_of(p)->cadences);
    p->cadences[p->ncadences] = (sla_cadence){stage, until};
    return p->ncadences++;
}

static inline void tp_hours(sla_program *p, unsigned weekday, unsigned start, unsigned end)
{
    GROW(p, p->hours, p->nhours, cap_of(p)->hours);
    p->hours[p->nhours++] = (sla_hours){(uint8_t)weekday, (uint16_t)start, (uint16_t)end};
}

static inline void tp_holiday(sla_program *p, int64_t day)
{
    GROW(p, p->holidays, p->nholidays, cap_of(p)->holidays);
    p->holidays[p->nholidays++] = day;
}

static inline void tp_output(sla_program *p, const char *header, uint32_t reg)
{
    GROW(p, p->outputs, p->noutputs, cap_of(p)->outputs);
    p->outputs[p->noutputs++] = (sla_output){header, (uint16_t)reg};
}

/* ---- a program with registers of every type: for tests that use every opcode */

/* A register of type t for operands, written by the preamble. */
typedef struct kit {
    sla_program *p;
    uint32_t reg[VT__COUNT];      /* a computed register of each type, written */
    uint32_t other[VT__COUNT];    /* a second one */
    uint32_t set_of[VT__COUNT];   /* a set of each set type */
    uint32_t run_h, run_c;        /* runs for HANDOFF and CADENCE inputs */
    uint32_t out_h, out_c;        /* and outputs */
} kit;

/* Adds to p (which has no computed registers yet) a constant and two
 * written registers of every type, a set of every set type, one hand-off
 * and one cadence. */
static inline void kit_init(kit *k, sla_program *p)
{
    k->p = p;
    tp_stages(p, 3);
    tp_classes(p, 2);
    tp_handoff(p, 1, -1);
    tp_cadence(p, 1, 2);
    tp_now(p);
    uint32_t kons[VT__COUNT];
    for (int t = 0; t < VT__COUNT; t++) {
        sla_value v = {.i = 1};
        if (t == VT_TEXT)
            v = (sla_value){.s = "abc", .len = 3};
        else if (t == VT_NUMBER)
            v = (sla_value){.f = 1.5};
        kons[t] = tp_const(p, (vtype)t, v);
    }
    sla_value texts[] = {{.s = "a", .len = 1}, {.s = "b", .len = 1}};
    sla_value ints[] = {{.i = 0}, {.i = 1}};
    sla_value nums[] = {{.f = 0.5}, {.f = 2}};
    k->set_of[VT_TEXT] = tp_set(p, VT_TEXT, true, 2, texts);
    k->set_of[VT_INT] = tp_set(p, VT_INT, false, 2, ints);
    k->set_of[VT_MONEY] = tp_set(p, VT_MONEY, false, 2, ints);
    k->set_of[VT_BOOL] = tp_set(p, VT_BOOL, false, 2, ints);
    k->set_of[VT_NUMBER] = tp_set(p, VT_NUMBER, false, 2, nums);
    for (int t = 0; t < VT__COUNT; t++) {
        k->reg[t] = tp_temp(p, (vtype)t);
        k->other[t] = tp_temp(p, (vtype)t);
        tp_op(p, OP_MOVE, k->reg[t], kons[t], 0);
        tp_op(p, OP_MOVE, k->other[t], kons[t], 0);
    }
    static const vtype hin[] = {VT_TIME, VT_TIME, VT_DURATION, VT_BDURATION, VT_STAGE};
    static const vtype cin[] = {VT_TIME, VT_INT, VT_INT, VT_DURATION, VT_BDURATION, VT_STAGE};
    static const vtype hout[] = {VT_HANDOFF, VT_TIME, VT_DURATION};
    static const vtype cout[] = {VT_CADENCE, VT_INT, VT_TIME};
    k->run_h = p->nregs;
    for (int i = 0; i < 5; i++)
        tp_op(p, OP_MOVE, tp_temp(p, hin[i]), kons[hin[i]], 0);
    k->run_c = p->nregs;
    for (int i = 0; i < 6; i++)
        tp_op(p, OP_MOVE, tp_temp(p, cin[i]), kons[cin[i]], 0);
    k->out_h = p->nregs;
    for (int i = 0; i < 3; i++)
        tp_temp(p, hout[i]);
    k->out_c = p->nregs;
    for (int i = 0; i < 3; i++)
        tp_temp(p, cout[i]);
}

static inline vtype letter_type(char c)
{
    switch (c) {
    case 'i': return VT_INT;
    case 'n': return VT_NUMBER;
    case 'm': return VT_MONEY;
    case 'b': return VT_BOOL;
    case 't': return VT_TEXT;
    case 'T': return VT_TIME;
    case 'd': return VT_DURATION;
    case 'D': return VT_BDURATION;
    case 's': return VT_STAGE;
    case 'c': return VT_CLASS;
    case 'h': return VT_HANDOFF;
    case 'k': return VT_CADENCE;
    default: return VT_INT;       /* I and x: int is one of them */
    }
}

/* Appends op with well-typed operands; returns its pc. */
static inline uint32_t kit_op(kit *k, opcode op)
{
    sla_program *p = k->p;
    const char *sig = opcode_signatures[op];
    if (sig[1] == 'j')
        return tp_jump(p, op, sig[0] == 'b' ? k->reg[VT_BOOL] : 0, p->ncode + 1);
    if (op == OP_HANDOFF)
        return tp_op(p, op, k->out_h, k->run_h, 0);
    if (op == OP_CADENCE)
        return tp_op(p, op, k->out_c, k->run_c, 0);
    uint32_t ops[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        char c = sig[i];
        if (c == '-')
            continue;
        if (c == 'S') {
            ops[i] = k->set_of[p->reg_types[ops[1]]];
            continue;
        }
        vtype t = letter_type(c);
        ops[i] = i == 1 ? k->reg[t] : k->other[t];
    }
    return tp_op(p, op, ops[0], ops[1], ops[2]);
}

#endif
