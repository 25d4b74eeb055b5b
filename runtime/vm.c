/*
 * vm.c - the interpreter: one pass over a verified program per record.
 *
 * The dispatch loop is written once, behind CASE/NEXT: with GCC it is a
 * computed goto (a jump table indexed by the opcode, one indirect branch
 * per instruction, which branch predictors handle well); elsewhere a
 * switch. The table of labels is generated from opcodes.h, so an opcode
 * without a case does not compile.
 *
 * Registers are sla_values; the program was verified, so this loop never
 * checks a type or an index. Unset values propagate through arithmetic
 * and make comparisons false, one OR of the operands' flags per operation.
 * Text that an instruction makes (lower, upper, concatenation) goes to a
 * scratch area that is emptied before each record. Anything longer than a
 * few machine instructions is a function of ops.c, which native code
 * (compiler/jit.c) calls too; a vm can run such native code in place of
 * the loop (vm_use_native), with the same registers and scratch space.
 */
#include "vm.h"

#include "clock.h"
#include "ops.h"

#include "../common/arena.h"
#include "../common/num.h"
#include "../common/xalloc.h"

#include <math.h>
#include <string.h>

struct vm {
    const sla_program *prog;
    const sla_calendar *cal;
    int64_t now;
    sla_value *regs;
    ops_scratch scratch;      /* first block kept between records */
    ops_native_fn native;     /* vm_use_native: the program's native code */
    ops_env env;              /* and what it is given */
};

void vm_prepare(sla_program *p)
{
    ops_prepare_sets(p);
}

/* ---- the loop --------------------------------------------------------------------- */

vm *vm_new(const sla_program *p, const sla_calendar *cal, int64_t now)
{
    vm *v = xcalloc(1, sizeof *v);
    v->prog = p;
    v->cal = cal;
    v->now = now;
    v->regs = xcalloc(p->nregs ? p->nregs : 1, sizeof *v->regs);
    for (uint32_t i = 0; i < p->nfields; i++)
        v->regs[i].null = 1;
    for (uint32_t i = 0; i < p->nconsts; i++)
        v->regs[p->nfields + i] = p->consts[i];
    v->regs[p->now_reg] = (sla_value){.i = now};
    for (uint32_t i = p->first_temp; i < p->nregs; i++)
        v->regs[i].null = 1;
    return v;
}

void vm_free(vm *v)
{
    if (!v)
        return;
    ops_scratch_free(&v->scratch);
    free((void *)v->env.sets);
    free((void *)v->env.handoffs);
    free((void *)v->env.cadences);
    free(v->regs);
    free(v);
}

sla_value *vm_registers(vm *v)
{
    return v->regs;
}

void vm_use_native(vm *v, ops_native_fn fn)
{
    const sla_program *p = v->prog;
    const sla_set **sets = xcalloc(p->nsets + 1, sizeof *sets);
    const sla_handoff **handoffs = xcalloc(p->nhandoffs + 1, sizeof *handoffs);
    const sla_cadence **cadences = xcalloc(p->ncadences + 1, sizeof *cadences);
    for (uint32_t i = 0; i < p->nsets; i++)
        sets[i] = &p->sets[i];
    for (uint32_t i = 0; i < p->nhandoffs; i++)
        handoffs[i] = &p->handoffs[i];
    for (uint32_t i = 0; i < p->ncadences; i++)
        cadences[i] = &p->cadences[i];
    free((void *)v->env.sets);
    free((void *)v->env.handoffs);
    free((void *)v->env.cadences);
    v->env = (ops_env){.ops = &ops_helpers, .cal = v->cal, .now = v->now, .scratch = &v->scratch,
                       .sets = sets, .handoffs = handoffs, .cadences = cadences};
    v->native = fn;
}

void vm_run_native(vm *v)
{
    ops_scratch_reset(&v->scratch);
    v->native(v->regs, &v->env);
}

vm_eval_fn vm_evaluator(const vm *v)
{
    return v->native ? vm_run_native : vm_run;
}

#define A (R[ip->a])
#define B (R[ip->b])
#define C (R[ip->c])
#define NULL2 (B.null | C.null)

#if defined(__GNUC__) && !defined(SLA_VM_SWITCH)
#define DISPATCH() goto *labels[ip->op]
#define CASE(name) L_##name:
#define NEXT() do { ip++; DISPATCH(); } while (0)
#define JUMP(to) do { ip = code + (to); DISPATCH(); } while (0)
#else
#define DISPATCH() switch ((opcode)ip->op)
#define CASE(name) case OP_##name:
#define NEXT() do { ip++; goto dispatch; } while (0)
#define JUMP(to) do { ip = code + (to); goto dispatch; } while (0)
#endif

void vm_run(vm *v)
{
    const sla_program *p = v->prog;
    sla_value *R = v->regs;
    const sla_insn *code = p->code, *ip = code;
    ops_scratch_reset(&v->scratch);

#if defined(__GNUC__) && !defined(SLA_VM_SWITCH)
    static const void *const labels[OP__COUNT] = {
#define OP(name, sig, sem) &&L_##name,
#include "opcodes.h"
#undef OP
    };
    _Static_assert(sizeof labels / sizeof labels[0] == OP__COUNT, "one label per opcode");
    DISPATCH();
#else
dispatch:
    DISPATCH() {
#endif

    CASE(MOVE) { A = B; NEXT(); }
    CASE(UNSET) { A.null = 1; NEXT(); }
    CASE(JMP) { JUMP(insn_target(ip)); }
    CASE(JMPF) { if (A.null || !A.i) JUMP(insn_target(ip)); NEXT(); }
    CASE(JMPT) { if (!A.null && A.i) JUMP(insn_target(ip)); NEXT(); }
    CASE(TRUTH) { A = (sla_value){.i = !B.null && B.i}; NEXT(); }
    CASE(NOT) { A = (sla_value){.i = B.null || !B.i}; NEXT(); }
    CASE(ISSET) { A = (sla_value){.i = !B.null}; NEXT(); }
    CASE(DEFAULT) { A = B.null ? C : B; NEXT(); }
    CASE(ADD) {
        int64_t r;
        if (NULL2 || __builtin_add_overflow(B.i, C.i, &r)) A.null = 1; else A = (sla_value){.i = r};
        NEXT();
    }
    CASE(SUB) {
        int64_t r;
        if (NULL2 || __builtin_sub_overflow(B.i, C.i, &r)) A.null = 1; else A = (sla_value){.i = r};
        NEXT();
    }
    CASE(MULI) {
        int64_t r;
        if (NULL2 || __builtin_mul_overflow(B.i, C.i, &r)) A.null = 1; else A = (sla_value){.i = r};
        NEXT();
    }
    CASE(DIVI) {
        if (NULL2 || C.i == 0) A.null = 1; else A = (sla_value){.f = (double)B.i / (double)C.i};
        NEXT();
    }
    CASE(NEG) {
        if (B.null || B.i == INT64_MIN) A.null = 1; else A = (sla_value){.i = -B.i};
        NEXT();
    }
    CASE(ADDF) { if (NULL2) A.null = 1; else A = (sla_value){.f = B.f + C.f}; NEXT(); }
    CASE(SUBF) { if (NULL2) A.null = 1; else A = (sla_value){.f = B.f - C.f}; NEXT(); }
    CASE(MULF) { if (NULL2) A.null = 1; else A = (sla_value){.f = B.f * C.f}; NEXT(); }
    CASE(DIVF) { if (NULL2 || C.f == 0) A.null = 1; else A = (sla_value){.f = B.f / C.f}; NEXT(); }
    CASE(NEGF) { if (B.null) A.null = 1; else A = (sla_value){.f = -B.f}; NEXT(); }
    CASE(I2F) { if (B.null) A.null = 1; else A = (sla_value){.f = (double)B.i}; NEXT(); }
    CASE(M2F) { if (B.null) A.null = 1; else A = (sla_value){.f = (double)B.i / MONEY_SCALE}; NEXT(); }
    CASE(I2M) {
        int64_t r;
        if (B.null || __builtin_mul_overflow(B.i, MONEY_SCALE, &r)) A.null = 1; else A = (sla_value){.i = r};
        NEXT();
    }
    CASE(F2M) {
        int64_t r;
        if (B.null || !ops_round_int(B.f * MONEY_SCALE, &r)) A.null = 1; else A = (sla_value){.i = r};
        NEXT();
    }
    CASE(MULMF) {
        int64_t r;
        if (NULL2 || !ops_round_int((double)B.i * C.f, &r)) A.null = 1; else A = (sla_value){.i = r};
        NEXT();
    }
    CASE(DIVMF) {
        int64_t r;
        if (NULL2 || C.f == 0 || !ops_round_int((double)B.i / C.f, &r)) A.null = 1; else A = (sla_value){.i = r};
        NEXT();
    }
    CASE(DIVMM) {
        if (NULL2 || C.i == 0) A.null = 1; else A = (sla_value){.f = (double)B.i / (double)C.i};
        NEXT();
    }
    CASE(MULDF) {
        int64_t r;
        if (NULL2 || !ops_round_int((double)B.i * C.f, &r)) A.null = 1; else A = (sla_value){.i = r};
        NEXT();
    }
    CASE(DIVDF) {
        int64_t r;
        if (NULL2 || C.f == 0 || !ops_round_int((double)B.i / C.f, &r)) A.null = 1; else A = (sla_value){.i = r};
        NEXT();
    }
    CASE(DIVDD) {
        if (NULL2 || C.i == 0) A.null = 1; else A = (sla_value){.f = (double)B.i / (double)C.i};
        NEXT();
    }
    CASE(TADD) {
        int64_t r;
        if (NULL2 || __builtin_add_overflow(B.i, C.i, &r)) A.null = 1; else A = (sla_value){.i = r};
        NEXT();
    }
    CASE(TSUB) {
        int64_t r;
        if (NULL2 || __builtin_sub_overflow(B.i, C.i, &r)) A.null = 1; else A = (sla_value){.i = r};
        NEXT();
    }
    CASE(TDIFF) {
        int64_t r;
        if (NULL2 || __builtin_sub_overflow(B.i, C.i, &r)) A.null = 1; else A = (sla_value){.i = r};
        NEXT();
    }
    CASE(TADDB) { if (NULL2) A.null = 1; else A = clk_add(v->cal, B.i, &C, 1); NEXT(); }
    CASE(TSUBB) { if (NULL2) A.null = 1; else A = clk_add(v->cal, B.i, &C, -1); NEXT(); }
    CASE(BETWEEN) { if (NULL2) A.null = 1; else A = clk_between(v->cal, B.i, C.i); NEXT(); }
    CASE(BADD) {
        int64_t r;
        if (NULL2 || B.len != C.len || __builtin_add_overflow(B.i, C.i, &r)) A.null = 1;
        else A = (sla_value){.i = r, .len = B.len};
        NEXT();
    }
    CASE(BSUB) {
        int64_t r;
        if (NULL2 || B.len != C.len || __builtin_sub_overflow(B.i, C.i, &r)) A.null = 1;
        else A = (sla_value){.i = r, .len = B.len};
        NEXT();
    }
    CASE(MULBF) {
        int64_t r;
        if (NULL2 || !ops_round_int((double)B.i * C.f, &r)) A.null = 1; else A = (sla_value){.i = r, .len = B.len};
        NEXT();
    }
    CASE(DIVBF) {
        int64_t r;
        if (NULL2 || C.f == 0 || !ops_round_int((double)B.i / C.f, &r)) A.null = 1;
        else A = (sla_value){.i = r, .len = B.len};
        NEXT();
    }
    CASE(DIVBB) {
        if (NULL2 || C.i == 0 || B.len != C.len) A.null = 1;
        else A = (sla_value){.f = (double)B.i / (double)C.i};
        NEXT();
    }
    CASE(BNEG) {
        if (B.null || B.i == INT64_MIN) A.null = 1; else A = (sla_value){.i = -B.i, .len = B.len};
        NEXT();
    }
    CASE(CONCAT) {
        if (NULL2) A.null = 1;
        else A = (sla_value){.s = ops_concat(&v->scratch, B.s, B.len, C.s, C.len), .len = B.len + C.len};
        NEXT();
    }
    CASE(EQ) { A = (sla_value){.i = !NULL2 && B.i == C.i}; NEXT(); }
    CASE(NE) { A = (sla_value){.i = !NULL2 && B.i != C.i}; NEXT(); }
    CASE(LT) { A = (sla_value){.i = !NULL2 && B.i < C.i}; NEXT(); }
    CASE(LE) { A = (sla_value){.i = !NULL2 && B.i <= C.i}; NEXT(); }
    CASE(EQF) { A = (sla_value){.i = !NULL2 && B.f == C.f}; NEXT(); }
    CASE(NEF) { A = (sla_value){.i = !NULL2 && B.f != C.f}; NEXT(); }
    CASE(LTF) { A = (sla_value){.i = !NULL2 && B.f < C.f}; NEXT(); }
    CASE(LEF) { A = (sla_value){.i = !NULL2 && B.f <= C.f}; NEXT(); }
    CASE(EQT) { A = (sla_value){.i = !NULL2 && ops_text_equal(B.s, B.len, C.s, C.len)}; NEXT(); }
    CASE(NET) { A = (sla_value){.i = !NULL2 && !ops_text_equal(B.s, B.len, C.s, C.len)}; NEXT(); }
    CASE(LTT) { A = (sla_value){.i = !NULL2 && ops_text_compare(B.s, B.len, C.s, C.len) < 0}; NEXT(); }
    CASE(LET) { A = (sla_value){.i = !NULL2 && ops_text_compare(B.s, B.len, C.s, C.len) <= 0}; NEXT(); }
    CASE(EQB) { A = (sla_value){.i = !NULL2 && B.len == C.len && B.i == C.i}; NEXT(); }
    CASE(NEB) { A = (sla_value){.i = !NULL2 && B.len == C.len && B.i != C.i}; NEXT(); }
    CASE(LTB) { A = (sla_value){.i = !NULL2 && B.len == C.len && B.i < C.i}; NEXT(); }
    CASE(LEB) { A = (sla_value){.i = !NULL2 && B.len == C.len && B.i <= C.i}; NEXT(); }
    CASE(INSET) { A = (sla_value){.i = !B.null && ops_in_text_set(&p->sets[ip->c], B.s, B.len)}; NEXT(); }
    CASE(INSETI) { A = (sla_value){.i = !B.null && ops_in_int_set(&p->sets[ip->c], B.i)}; NEXT(); }
    CASE(INSETF) { A = (sla_value){.i = !B.null && ops_in_num_set(&p->sets[ip->c], B.f)}; NEXT(); }
    CASE(STARTS) { A = (sla_value){.i = !NULL2 && ops_starts(B.s, B.len, C.s, C.len, false)}; NEXT(); }
    CASE(ENDS) { A = (sla_value){.i = !NULL2 && ops_ends(B.s, B.len, C.s, C.len, false)}; NEXT(); }
    CASE(CONTAINS) { A = (sla_value){.i = !NULL2 && ops_contains(B.s, B.len, C.s, C.len, false)}; NEXT(); }
    CASE(STARTSCI) { A = (sla_value){.i = !NULL2 && ops_starts(B.s, B.len, C.s, C.len, true)}; NEXT(); }
    CASE(ENDSCI) { A = (sla_value){.i = !NULL2 && ops_ends(B.s, B.len, C.s, C.len, true)}; NEXT(); }
    CASE(CONTAINSCI) { A = (sla_value){.i = !NULL2 && ops_contains(B.s, B.len, C.s, C.len, true)}; NEXT(); }
    CASE(STARTSANY) { A = (sla_value){.i = !B.null && ops_starts_any(&p->sets[ip->c], B.s, B.len)}; NEXT(); }
    CASE(ENDSANY) { A = (sla_value){.i = !B.null && ops_ends_any(&p->sets[ip->c], B.s, B.len)}; NEXT(); }
    CASE(CONTAINSANY) { A = (sla_value){.i = !B.null && ops_contains_any(&p->sets[ip->c], B.s, B.len)}; NEXT(); }
    CASE(MIN) { if (NULL2) A.null = 1; else A = B.i <= C.i ? B : C; NEXT(); }
    CASE(MAX) { if (NULL2) A.null = 1; else A = B.i >= C.i ? B : C; NEXT(); }
    CASE(MINF) { if (NULL2) A.null = 1; else A = B.f <= C.f ? B : C; NEXT(); }
    CASE(MAXF) { if (NULL2) A.null = 1; else A = B.f >= C.f ? B : C; NEXT(); }
    CASE(MINB) { if (NULL2 || B.len != C.len) A.null = 1; else A = B.i <= C.i ? B : C; NEXT(); }
    CASE(MAXB) { if (NULL2 || B.len != C.len) A.null = 1; else A = B.i >= C.i ? B : C; NEXT(); }
    CASE(ABS) {
        if (B.null || B.i == INT64_MIN) A.null = 1; else A = (sla_value){.i = B.i < 0 ? -B.i : B.i};
        NEXT();
    }
    CASE(ABSF) { if (B.null) A.null = 1; else A = (sla_value){.f = fabs(B.f)}; NEXT(); }
    CASE(ROUNDF) {
        int64_t r;
        if (B.null || !ops_round_int(B.f, &r)) A.null = 1; else A = (sla_value){.i = r};
        NEXT();
    }
    CASE(ROUNDM) {
        if (B.null) {
            A.null = 1;
        } else {
            int64_t q = B.i / MONEY_SCALE, rem = B.i % MONEY_SCALE, r;
            if (rem >= MONEY_SCALE / 2) q++;
            else if (rem <= -MONEY_SCALE / 2) q--;
            if (__builtin_mul_overflow(q, MONEY_SCALE, &r))
                A.null = 1;
            else
                A = (sla_value){.i = r};
        }
        NEXT();
    }
    CASE(LOWER) { if (B.null) A.null = 1; else A = (sla_value){.s = ops_lower(&v->scratch, B.s, B.len), .len = B.len}; NEXT(); }
    CASE(UPPER) { if (B.null) A.null = 1; else A = (sla_value){.s = ops_upper(&v->scratch, B.s, B.len), .len = B.len}; NEXT(); }
    CASE(TRIM) {
        if (B.null) {
            A.null = 1;
        } else {
            uint64_t ends = ops_trim(B.s, B.len);
            uint32_t a = (uint32_t)(ends >> 32), b = (uint32_t)ends;
            A = (sla_value){.s = B.s + a, .len = b - a};
        }
        NEXT();
    }
    CASE(LENGTH) { if (B.null) A.null = 1; else A = (sla_value){.i = ops_length(B.s, B.len)}; NEXT(); }
    CASE(HANDOFF) { clk_handoff(&p->handoffs[ip->c], v->cal, v->now, &B, &A); NEXT(); }
    CASE(CADENCE) { clk_cadence(&p->cadences[ip->c], v->cal, v->now, &B, &A); NEXT(); }
    CASE(RET) { return; }

#if !(defined(__GNUC__) && !defined(SLA_VM_SWITCH))
    case OP__COUNT:
        return;
    }
#endif
}

#undef A
#undef B
#undef C

/* A register operand as the listing shows it: a field by name, a constant
 * by value. */
static int operand(const sla_program *p, uint16_t r, char *out, size_t n)
{
    if (r < p->nfields)
        return snprintf(out, n, "r%u:%s", r, p->fields[r].name);
    if (r == p->now_reg)
        return snprintf(out, n, "r%u:now", r);
    if (r < p->first_temp) {
        const sla_value *k = &p->consts[r - p->nfields];
        vtype t = p->reg_types[r];
        if (k->null)
            return snprintf(out, n, "r%u=unset", r);
        switch (t) {
        case VT_NUMBER: return snprintf(out, n, "r%u=%g", r, k->f);
        case VT_TEXT: return snprintf(out, n, "r%u=\"%.*s\"", r, (int)(k->len > 24 ? 24 : k->len), k->s);
        case VT_BOOL: return snprintf(out, n, "r%u=%s", r, k->i ? "true" : "false");
        case VT_STAGE: return snprintf(out, n, "r%u=%s", r, k->i < (int64_t)p->nstages ? p->stages[k->i] : "?");
        case VT_CLASS: return snprintf(out, n, "r%u=%s", r, k->i < (int64_t)p->nclasses ? p->classes[k->i] : "?");
        case VT_MONEY: return snprintf(out, n, "r%u=$%.4f", r, (double)k->i / MONEY_SCALE);
        case VT_BDURATION:
            if (k->len == 1)
                return snprintf(out, n, "r%u=%lld business day%s", r, (long long)k->i,
                                k->i == 1 ? "" : "s");
            return snprintf(out, n, "r%u=%llds business", r, (long long)(k->i / 1000000));
        case VT_DURATION: return snprintf(out, n, "r%u=%llds", r, (long long)(k->i / 1000000));
        default: return snprintf(out, n, "r%u=%lld", r, (long long)k->i);
        }
    }
    return snprintf(out, n, "r%u", r);
}

void vm_disassemble(const sla_program *p, FILE *out)
{
    fprintf(out, "; policy \"%s\", time zone %s\n", p->name, p->zone);
    fprintf(out, "; %u fields, %u constants, %u registers, %u instructions\n", p->nfields,
            p->nconsts, p->nregs, p->ncode);
    uint32_t last_line = 0;
    for (uint32_t pc = 0; pc < p->ncode; pc++) {
        const sla_insn *ip = &p->code[pc];
        const char *sig = opcode_signatures[ip->op];
        char ops[200] = "";
        size_t n = 0;
        uint16_t v[3] = {ip->a, ip->b, ip->c};
        for (int k = 0; k < 3 && sig[k] && n < sizeof ops - 1; k++) {
            char ch = sig[k];
            if (ch == '-')
                continue;
            if (n)
                ops[n++] = ' ';
            if (ch == 'j') {
                n += (size_t)snprintf(ops + n, sizeof ops - n, "->%u", insn_target(ip));
                break;
            }
            if (ch == 'S' || ch == 'H' || ch == 'C')
                n += (size_t)snprintf(ops + n, sizeof ops - n, "%s%u",
                                      ch == 'S' ? "set" : ch == 'H' ? "handoff" : "cadence", v[k]);
            else
                n += (size_t)operand(p, v[k], ops + n, sizeof ops - n);
            if (n >= sizeof ops)
                n = sizeof ops - 1;
        }
        if (p->lines[pc] != last_line) {
            fprintf(out, "; line %u\n", p->lines[pc]);
            last_line = p->lines[pc];
        }
        fprintf(out, "%5u  %-11s %-34s ; %s\n", pc, opcode_names[ip->op], ops,
                opcode_semantics[ip->op]);
    }
    static const char *const kinds[QK__COUNT] = {"count", "rate", "sum"};
    for (uint32_t i = 0; i < p->nquotas; i++) {
        const sla_quota *q = &p->quotas[i];
        fprintf(out, "; quota %u (line %u, %s): %s \"%s\": time r%u, counts r%u", i, q->line,
                q->kind < QK__COUNT ? kinds[q->kind] : "?", q->team, q->text, q->at, q->den);
        if (q->kind != QK_COUNT)
            fprintf(out, ", %s r%u", q->kind == QK_RATE ? "hits" : "adds", q->num);
        fputc('\n', out);
    }
}
