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
 * scratch area that is emptied before each record.
 */
#include "vm.h"

#include "clock.h"

#include "../common/arena.h"
#include "../common/num.h"
#include "../common/xalloc.h"

#include <math.h>
#include <string.h>

/* ---- scratch space for text made while evaluating a record -------------- */

typedef struct scratch_block {
    struct scratch_block *next;
    size_t size, used;
    char data[];
} scratch_block;

struct vm {
    const sla_program *prog;
    const sla_calendar *cal;
    int64_t now;
    sla_value *regs;
    scratch_block *scratch;   /* first block kept between records */
};

static char *scratch_alloc(vm *v, size_t n)
{
    scratch_block *b = v->scratch;
    if (!b || b->size - b->used < n) {
        size_t size = n > 65536 ? n : 65536;
        scratch_block *nb = xmalloc(sizeof *nb + size);
        nb->size = size;
        nb->used = 0;
        nb->next = b;
        v->scratch = b = nb;
    }
    char *p = b->data + b->used;
    b->used += n;
    return p;
}

static void scratch_reset(vm *v)
{
    scratch_block *b = v->scratch;
    if (!b)
        return;
    while (b->next) {
        scratch_block *next = b->next;
        free(b);
        b = next;
    }
    /* keep the oldest block (the last in the list) */
    b->used = 0;
    v->scratch = b;
}

/* ---- sets ---------------------------------------------------------------------- */

static uint64_t hash_bytes(const char *s, uint32_t n, bool nocase)
{
    uint64_t h = 1469598103934665603ull;
    for (uint32_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (nocase && c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        h = (h ^ c) * 1099511628211ull;
    }
    return h;
}

static uint64_t hash_int(int64_t i)
{
    uint64_t x = (uint64_t)i;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

static bool same_text(const char *a, uint32_t an, const char *b, uint32_t bn, bool nocase)
{
    if (an != bn)
        return false;
    if (!nocase)
        return memcmp(a, b, an) == 0;
    for (uint32_t i = 0; i < an; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y + 32);
        if (x != y)
            return false;
    }
    return true;
}

void vm_prepare(sla_program *p)
{
    for (uint32_t k = 0; k < p->nsets; k++) {
        sla_set *s = &p->sets[k];
        if (s->type == VT_NUMBER || s->slots)
            continue;
        uint32_t n = 8;
        while (n < s->n * 2)
            n *= 2;
        s->nslots = n;
        /* In the program's own arena: program_free releases it. */
        s->slots = arena_alloc((arena *)p->memory, n * sizeof *s->slots);
        for (uint32_t i = 0; i < s->n; i++) {
            const sla_value *v = &s->items[i];
            uint64_t h = s->type == VT_TEXT ? hash_bytes(v->s, v->len, s->nocase) : hash_int(v->i);
            uint32_t j = (uint32_t)h & (n - 1);
            while (s->slots[j])
                j = (j + 1) & (n - 1);
            s->slots[j] = i + 1;
        }
    }
}

static bool in_set(const sla_set *s, const sla_value *v)
{
    if (s->type == VT_NUMBER) {
        for (uint32_t i = 0; i < s->n; i++)
            if (s->items[i].f == v->f)
                return true;
        return false;
    }
    bool text = s->type == VT_TEXT;
    uint64_t h = text ? hash_bytes(v->s, v->len, s->nocase) : hash_int(v->i);
    for (uint32_t j = (uint32_t)h & (s->nslots - 1); s->slots[j]; j = (j + 1) & (s->nslots - 1)) {
        const sla_value *x = &s->items[s->slots[j] - 1];
        if (text ? same_text(x->s, x->len, v->s, v->len, s->nocase) : x->i == v->i)
            return true;
    }
    return false;
}

/* ---- text ------------------------------------------------------------------------ */

static bool text_starts(const sla_value *a, const char *b, uint32_t bn, bool nocase)
{
    return a->len >= bn && same_text(a->s, bn, b, bn, nocase);
}

static bool text_ends(const sla_value *a, const char *b, uint32_t bn, bool nocase)
{
    return a->len >= bn && same_text(a->s + a->len - bn, bn, b, bn, nocase);
}

static bool text_contains(const sla_value *a, const char *b, uint32_t bn, bool nocase)
{
    if (bn == 0)
        return true;
    if (!nocase)
        return memmem(a->s, a->len, b, bn) != NULL;
    for (uint32_t i = 0; i + bn <= a->len; i++)
        if (same_text(a->s + i, bn, b, bn, true))
            return true;
    return false;
}

static int text_compare(const sla_value *a, const sla_value *b)
{
    uint32_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->s, b->s, n);
    if (c)
        return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* ---- numbers ------------------------------------------------------------------ */

/* Nearest int64 to f, halves away from zero; false if out of range. */
static bool round_int(double f, int64_t *out)
{
    if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0))
        return false;
    *out = (int64_t)llround(f);
    return true;
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
    scratch_reset(v);
    free(v->scratch);
    free(v->regs);
    free(v);
}

sla_value *vm_registers(vm *v)
{
    return v->regs;
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
    scratch_reset(v);

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
        if (B.null || !round_int(B.f * MONEY_SCALE, &r)) A.null = 1; else A = (sla_value){.i = r};
        NEXT();
    }
    CASE(MULMF) {
        int64_t r;
        if (NULL2 || !round_int((double)B.i * C.f, &r)) A.null = 1; else A = (sla_value){.i = r};
        NEXT();
    }
    CASE(DIVMF) {
        int64_t r;
        if (NULL2 || C.f == 0 || !round_int((double)B.i / C.f, &r)) A.null = 1; else A = (sla_value){.i = r};
        NEXT();
    }
    CASE(DIVMM) {
        if (NULL2 || C.i == 0) A.null = 1; else A = (sla_value){.f = (double)B.i / (double)C.i};
        NEXT();
    }
    CASE(MULDF) {
        int64_t r;
        if (NULL2 || !round_int((double)B.i * C.f, &r)) A.null = 1; else A = (sla_value){.i = r};
        NEXT();
    }
    CASE(DIVDF) {
        int64_t r;
        if (NULL2 || C.f == 0 || !round_int((double)B.i / C.f, &r)) A.null = 1; else A = (sla_value){.i = r};
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
        if (NULL2 || !round_int((double)B.i * C.f, &r)) A.null = 1; else A = (sla_value){.i = r, .len = B.len};
        NEXT();
    }
    CASE(DIVBF) {
        int64_t r;
        if (NULL2 || C.f == 0 || !round_int((double)B.i / C.f, &r)) A.null = 1;
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
        if (NULL2) {
            A.null = 1;
        } else {
            char *s = scratch_alloc(v, (size_t)B.len + C.len);
            memcpy(s, B.s, B.len);
            memcpy(s + B.len, C.s, C.len);
            A = (sla_value){.s = s, .len = B.len + C.len};
        }
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
    CASE(EQT) { A = (sla_value){.i = !NULL2 && B.len == C.len && memcmp(B.s, C.s, B.len) == 0}; NEXT(); }
    CASE(NET) { A = (sla_value){.i = !NULL2 && !(B.len == C.len && memcmp(B.s, C.s, B.len) == 0)}; NEXT(); }
    CASE(LTT) { A = (sla_value){.i = !NULL2 && text_compare(&B, &C) < 0}; NEXT(); }
    CASE(LET) { A = (sla_value){.i = !NULL2 && text_compare(&B, &C) <= 0}; NEXT(); }
    CASE(EQB) { A = (sla_value){.i = !NULL2 && B.len == C.len && B.i == C.i}; NEXT(); }
    CASE(NEB) { A = (sla_value){.i = !NULL2 && B.len == C.len && B.i != C.i}; NEXT(); }
    CASE(LTB) { A = (sla_value){.i = !NULL2 && B.len == C.len && B.i < C.i}; NEXT(); }
    CASE(LEB) { A = (sla_value){.i = !NULL2 && B.len == C.len && B.i <= C.i}; NEXT(); }
    CASE(INSET) { A = (sla_value){.i = !B.null && in_set(&p->sets[ip->c], &B)}; NEXT(); }
    CASE(INSETI) { A = (sla_value){.i = !B.null && in_set(&p->sets[ip->c], &B)}; NEXT(); }
    CASE(INSETF) { A = (sla_value){.i = !B.null && in_set(&p->sets[ip->c], &B)}; NEXT(); }
    CASE(STARTS) { A = (sla_value){.i = !NULL2 && text_starts(&B, C.s, C.len, false)}; NEXT(); }
    CASE(ENDS) { A = (sla_value){.i = !NULL2 && text_ends(&B, C.s, C.len, false)}; NEXT(); }
    CASE(CONTAINS) { A = (sla_value){.i = !NULL2 && text_contains(&B, C.s, C.len, false)}; NEXT(); }
    CASE(STARTSCI) { A = (sla_value){.i = !NULL2 && text_starts(&B, C.s, C.len, true)}; NEXT(); }
    CASE(ENDSCI) { A = (sla_value){.i = !NULL2 && text_ends(&B, C.s, C.len, true)}; NEXT(); }
    CASE(CONTAINSCI) { A = (sla_value){.i = !NULL2 && text_contains(&B, C.s, C.len, true)}; NEXT(); }
    CASE(STARTSANY) {
        const sla_set *s = &p->sets[ip->c];
        bool hit = false;
        for (uint32_t i = 0; !B.null && !hit && i < s->n; i++)
            hit = text_starts(&B, s->items[i].s, s->items[i].len, s->nocase);
        A = (sla_value){.i = hit};
        NEXT();
    }
    CASE(ENDSANY) {
        const sla_set *s = &p->sets[ip->c];
        bool hit = false;
        for (uint32_t i = 0; !B.null && !hit && i < s->n; i++)
            hit = text_ends(&B, s->items[i].s, s->items[i].len, s->nocase);
        A = (sla_value){.i = hit};
        NEXT();
    }
    CASE(CONTAINSANY) {
        const sla_set *s = &p->sets[ip->c];
        bool hit = false;
        for (uint32_t i = 0; !B.null && !hit && i < s->n; i++)
            hit = text_contains(&B, s->items[i].s, s->items[i].len, s->nocase);
        A = (sla_value){.i = hit};
        NEXT();
    }
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
        if (B.null || !round_int(B.f, &r)) A.null = 1; else A = (sla_value){.i = r};
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
    CASE(LOWER)
    CASE(UPPER) {
        if (B.null) {
            A.null = 1;
        } else {
            bool up = ip->op == OP_UPPER;
            char *s = scratch_alloc(v, B.len);
            for (uint32_t i = 0; i < B.len; i++) {
                char c = B.s[i];
                if (up && c >= 'a' && c <= 'z') c = (char)(c - 32);
                else if (!up && c >= 'A' && c <= 'Z') c = (char)(c + 32);
                s[i] = c;
            }
            A = (sla_value){.s = s, .len = B.len};
        }
        NEXT();
    }
    CASE(TRIM) {
        if (B.null) {
            A.null = 1;
        } else {
            uint32_t a = 0, b = B.len;
            while (a < b && is_space(B.s[a])) a++;
            while (b > a && is_space(B.s[b - 1])) b--;
            A = (sla_value){.s = B.s + a, .len = b - a};
        }
        NEXT();
    }
    CASE(LENGTH) {
        if (B.null) {
            A.null = 1;
        } else {
            int64_t n = 0;
            for (uint32_t i = 0; i < B.len; i++)
                n += ((unsigned char)B.s[i] & 0xC0) != 0x80;
            A = (sla_value){.i = n};
        }
        NEXT();
    }
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
