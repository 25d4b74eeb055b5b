/*
 * emit.c - from a checked syntax tree to register bytecode.
 *
 * One program evaluates one record, in the order the language defines:
 * scores, the stage, the class, hand-offs, cadences, recycling, outputs.
 * There are no loops, and every jump goes forward.
 *
 * Registers are typed and never change type: the verifier relies on it.
 * While emitting, registers have provisional numbers in three spaces
 * (fields, constants, computed values) because constants are discovered
 * as the code is written; finish() renumbers them into the program's
 * layout, [fields | constants | computed], so that constants are loaded
 * once per run rather than once per record.
 *
 * Temporaries are taken from per-type free lists and all given back after
 * each rule (a score rule, a stage, an output column...), which keeps the
 * register file small. A let is computed once, into a register of its own,
 * just before the first rule that needs it: lets are pure, and every value
 * a let may use is final by then (the checker enforces the order).
 */
#include "emit.h"

#include "check.h"

#include "../common/num.h"
#include "../common/timefmt.h"
#include "../common/tz.h"
#include "../common/xalloc.h"
#include "../runtime/convert.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Provisional register numbers. */
enum { SPACE_FIELD = 0, SPACE_CONST = 1 << 20, SPACE_CALC = 2 << 20, SPACE_MASK = 3 << 20 };
enum { MAX_REGS = 65535 };

typedef struct pinsn {
    int op;
    int32_t a, b, c;
    int32_t target;       /* jumps: an index into labels */
    uint32_t line;
} pinsn;

typedef struct emitter {
    const policy *p;
    arena *a;              /* the program's memory */
    sla_program *prog;
    diag_set *d;
    bool failed;
    const tz_zone *zone;

    VEC(pinsn) code;
    VEC(int32_t) labels;   /* label -> pc, or -1 while unplaced */
    VEC(sla_value) consts;
    VEC(vtype) const_types;
    VEC(vtype) calc_types;
    VEC(int32_t) free_temps[VT__COUNT];
    VEC(int32_t) busy;     /* temporaries taken since the last release */
    VEC(sla_set) sets;
    uint32_t line;

    int32_t now_reg;
    int32_t *let_reg;      /* by let index; -1 until computed */
    int32_t *score_reg;
    int32_t stage_reg, class_reg;
    int32_t handoff_out, handoff_due, handoff_elapsed;
    int32_t cadence_out, cadence_expected, cadence_next;
    int32_t recycled, recycle_to, recycle_reason;
    int32_t *handoff_in;   /* by hand-off: first of its five input registers */
    int32_t *handoff_res;  /* by hand-off: first of its three results */
    int32_t handoff_stop;  /* the stop time of the hand-off handoff_out shows */
    int32_t *cadence_in;   /* by cadence: first of its six input registers */
    int32_t *cadence_res;  /* by cadence: first of its three results */
    int32_t *out_regs;     /* by output column, until finish() renumbers them */
    int32_t *quota_regs;   /* by quota: at, den, num, likewise */
    int32_t report_regs[9];   /* sla_report_regs' registers in order, or -1 */
    emit_probe *probes;
    int nprobes;
    int32_t *probe_regs;   /* by probe, until finish() renumbers them */
} emitter;

static void fail(emitter *E, src_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(emitter *E, src_loc loc, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!E->failed)
        diag_add(E->d, E->p->file, SEV_ERROR, D_INVALID_VALUE, loc, "%s", msg);
    E->failed = true;
}

static vtype vt_of(type_kind k)
{
    switch (k) {
    case TY_INT: return VT_INT;
    case TY_NUMBER: return VT_NUMBER;
    case TY_MONEY: return VT_MONEY;
    case TY_BOOL: return VT_BOOL;
    case TY_TEXT: return VT_TEXT;
    case TY_TIME: return VT_TIME;
    case TY_DURATION: return VT_DURATION;
    case TY_BDURATION: return VT_BDURATION;
    case TY_STAGE: return VT_STAGE;
    case TY_CLASS: return VT_CLASS;
    case TY_HANDOFF: return VT_HANDOFF;
    case TY_CADENCE: return VT_CADENCE;
    default: return VT_INT;
    }
}

/* ---- registers ------------------------------------------------------------ */

static int32_t new_calc(emitter *E, vtype t)
{
    vec_push(E->a, &E->calc_types, t);
    return SPACE_CALC | (E->calc_types.n - 1);
}

/* n consecutive computed registers of the given types. */
static int32_t new_calc_run(emitter *E, const vtype *types, int n)
{
    int32_t first = new_calc(E, types[0]);
    for (int i = 1; i < n; i++)
        new_calc(E, types[i]);
    return first;
}

static int32_t temp(emitter *E, vtype t)
{
    int32_t r;
    if (E->free_temps[t].n)
        r = E->free_temps[t].v[--E->free_temps[t].n];
    else
        r = new_calc(E, t);
    vec_push(E->a, &E->busy, r);
    return r;
}

/* Gives back every temporary: called between rules. */
static void release(emitter *E)
{
    for (int i = 0; i < E->busy.n; i++) {
        int32_t r = E->busy.v[i];
        vtype t = E->calc_types.v[r & ~SPACE_MASK];
        vec_push(E->a, &E->free_temps[t], r);
    }
    E->busy.n = 0;
}

static bool is_temp(const emitter *E, int32_t r)
{
    for (int i = 0; i < E->busy.n; i++)
        if (E->busy.v[i] == r)
            return true;
    return false;
}

static vtype reg_type(const emitter *E, int32_t r)
{
    switch (r & SPACE_MASK) {
    case SPACE_FIELD: return E->prog->fields[r].type;
    case SPACE_CONST: return E->const_types.v[r & ~SPACE_MASK];
    default: return E->calc_types.v[r & ~SPACE_MASK];
    }
}

static int32_t constant(emitter *E, vtype t, sla_value v)
{
    for (int i = 0; i < E->consts.n; i++) {
        const sla_value *c = &E->consts.v[i];
        if (E->const_types.v[i] != t || c->null != v.null)
            continue;
        if (t == VT_TEXT ? (c->len == v.len && memcmp(c->s, v.s, v.len) == 0)
                         : (c->i == v.i && c->len == v.len))
            return SPACE_CONST | i;
    }
    vec_push(E->a, &E->consts, v);
    vec_push(E->a, &E->const_types, t);
    return SPACE_CONST | (E->consts.n - 1);
}

static int32_t k_int(emitter *E, vtype t, int64_t i)
{
    return constant(E, t, (sla_value){.i = i});
}

static int32_t k_text(emitter *E, const char *s)
{
    size_t n = strlen(s);
    return constant(E, VT_TEXT, (sla_value){.s = arena_strndup(E->a, s, n), .len = (uint32_t)n});
}

static int32_t k_number(emitter *E, double f)
{
    return constant(E, VT_NUMBER, (sla_value){.f = f});
}

/* ---- instructions --------------------------------------------------------- */

static void emit(emitter *E, opcode op, int32_t a, int32_t b, int32_t c)
{
    pinsn i = {.op = op, .a = a, .b = b, .c = c, .target = -1, .line = E->line};
    vec_push(E->a, &E->code, i);
}

static int new_label(emitter *E)
{
    vec_push(E->a, &E->labels, -1);
    return E->labels.n - 1;
}

static void place(emitter *E, int label)
{
    E->labels.v[label] = E->code.n;
}

static void jump(emitter *E, opcode op, int32_t cond, int label)
{
    pinsn i = {.op = op, .a = cond, .target = label, .line = E->line};
    vec_push(E->a, &E->code, i);
}

/* ---- conversions ------------------------------------------------------------ */

/* Converts r to type want (only the numeric widenings the checker allows). */
static int32_t convert(emitter *E, int32_t r, vtype want)
{
    vtype have = reg_type(E, r);
    if (have == want)
        return r;
    int32_t out = temp(E, want);
    if (have == VT_INT && want == VT_NUMBER)
        emit(E, OP_I2F, out, r, 0);
    else if (have == VT_INT && want == VT_MONEY)
        emit(E, OP_I2M, out, r, 0);
    else if (have == VT_MONEY && want == VT_NUMBER)
        emit(E, OP_M2F, out, r, 0);
    else if (have == VT_NUMBER && want == VT_MONEY)
        emit(E, OP_F2M, out, r, 0);
    else
        fail(E, (src_loc){E->line, 1, E->line, 2}, "internal: no conversion from %s to %s",
             vtype_names[have], vtype_names[want]);
    return out;
}

static vtype numeric_join(vtype a, vtype b)
{
    if (a == VT_NUMBER || b == VT_NUMBER)
        return VT_NUMBER;
    if (a == VT_MONEY || b == VT_MONEY)
        return VT_MONEY;
    return VT_INT;
}

static bool is_numeric(vtype t)
{
    return t == VT_INT || t == VT_NUMBER || t == VT_MONEY;
}

/* ---- literals ---------------------------------------------------------------- */

static int64_t duration_us(const expr *e)
{
    static const double unit[] = {[DU_MINUTE] = 60, [DU_HOUR] = 3600, [DU_DAY] = 86400,
                                  [DU_WEEK] = 604800};
    return (int64_t)llround(e->num * unit[e->op] * 1e6);
}

static int32_t literal_time(emitter *E, const expr *e)
{
    civil_time t;
    if (timefmt_parse_iso(e->str, strlen(e->str), &t)) {
        fail(E, e->loc, "`%s` is not a valid date or time", e->str);
        return k_int(E, VT_TIME, 0);
    }
    return k_int(E, VT_TIME, tz_civil_instant(E->zone, &t));
}

static int32_t literal_duration(emitter *E, const expr *e)
{
    if (!e->business)
        return k_int(E, VT_DURATION, duration_us(e));
    if (e->op == DU_DAY) {
        /* Business days count days of the calendar, not microseconds: the
         * value's len says so (see the business-duration instructions). */
        if (e->num != floor(e->num))
            fail(E, e->loc, "business days are counted in whole days");
        return constant(E, VT_BDURATION, (sla_value){.i = (int64_t)e->num, .len = 1});
    }
    return k_int(E, VT_BDURATION, duration_us(e));
}

/* ---- expressions ---------------------------------------------------------------- */

static int32_t expr_reg(emitter *E, const expr *e);
static int32_t keep(emitter *E, int32_t r);
static void cond_false(emitter *E, const expr *e, int label);
static void cond_true(emitter *E, const expr *e, int label);

static int32_t stage_const(emitter *E, const char *name)
{
    for (int i = 0; i < E->p->stages.n; i++)
        if (strcmp(E->p->stages.v[i]->name.name, name) == 0)
            return k_int(E, VT_STAGE, i);
    return k_int(E, VT_STAGE, 0);
}

static int32_t class_const(emitter *E, const char *name)
{
    for (int i = 0; i < E->p->classes.n; i++)
        if (strcmp(E->p->classes.v[i]->name.name, name) == 0)
            return k_int(E, VT_CLASS, i);
    return k_int(E, VT_CLASS, 0);
}

static int32_t builtin_reg(emitter *E, builtin_id id)
{
    switch (id) {
    case BI_STAGE: return E->stage_reg;
    case BI_CLASS: return E->class_reg;
    case BI_HANDOFF: return E->handoff_out;
    case BI_HANDOFF_DUE: return E->handoff_due;
    case BI_HANDOFF_ELAPSED: return E->handoff_elapsed;
    case BI_CADENCE: return E->cadence_out;
    case BI_CADENCE_EXPECTED: return E->cadence_expected;
    case BI_CADENCE_NEXT_DUE: return E->cadence_next;
    case BI_RECYCLED: return E->recycled;
    case BI_RECYCLE_TO: return E->recycle_to;
    case BI_RECYCLE_REASON: return E->recycle_reason;
    case BI__COUNT: break;
    }
    return E->stage_reg;
}

static int32_t name_reg(emitter *E, const expr *e)
{
    const symbol *s = e->sym;
    switch (s->kind) {
    case SYM_FIELD:
        E->prog->fields[s->index].used = true;
        return s->index;
    case SYM_LET:
        return E->let_reg[s->index];
    case SYM_SCORE:
        return E->score_reg[s->index];
    case SYM_STAGE: {
        /* Reached: the stage so far is this one or a later one. */
        int32_t r = temp(E, VT_BOOL);
        emit(E, OP_LE, r, k_int(E, VT_STAGE, s->index), E->stage_reg);
        return r;
    }
    case SYM_CLASS: {
        int32_t r = temp(E, VT_BOOL);
        emit(E, OP_EQ, r, E->class_reg, k_int(E, VT_CLASS, s->index));
        return r;
    }
    case SYM_BUILTIN:
        return builtin_reg(E, s->builtin);
    case SYM_TEAM:
        break;
    }
    return E->stage_reg;
}

static int32_t binary_arith(emitter *E, const expr *e)
{
    vtype rt = vt_of(e->type.k);
    int32_t a = expr_reg(E, e->a), b = expr_reg(E, e->b);
    vtype ta = reg_type(E, a), tb = reg_type(E, b);
    int32_t r = temp(E, rt);
    switch (e->op) {
    case BIN_ADD:
    case BIN_SUB:
        if (rt == VT_TIME) {
            int32_t t = ta == VT_TIME ? a : b, dur = ta == VT_TIME ? b : a;
            bool bus = reg_type(E, dur) == VT_BDURATION;
            if (e->op == BIN_ADD)
                emit(E, bus ? OP_TADDB : OP_TADD, r, t, dur);
            else
                emit(E, bus ? OP_TSUBB : OP_TSUB, r, t, dur);
        } else if (rt == VT_DURATION && ta == VT_TIME) {
            emit(E, OP_TDIFF, r, a, b);
        } else if (rt == VT_BDURATION) {
            emit(E, e->op == BIN_ADD ? OP_BADD : OP_BSUB, r, a, b);
        } else if (rt == VT_TEXT) {
            emit(E, OP_CONCAT, r, a, b);
        } else if (rt == VT_NUMBER) {
            emit(E, e->op == BIN_ADD ? OP_ADDF : OP_SUBF, r, convert(E, a, rt), convert(E, b, rt));
        } else {
            emit(E, e->op == BIN_ADD ? OP_ADD : OP_SUB, r, convert(E, a, rt), convert(E, b, rt));
        }
        break;
    case BIN_MUL:
        if (rt == VT_DURATION || rt == VT_BDURATION) {
            int32_t dur = ta == rt ? a : b, k = ta == rt ? b : a;
            emit(E, rt == VT_DURATION ? OP_MULDF : OP_MULBF, r, dur, convert(E, k, VT_NUMBER));
        } else if (rt == VT_MONEY) {
            int32_t m = ta == VT_MONEY ? a : b, k = ta == VT_MONEY ? b : a;
            emit(E, OP_MULMF, r, m, convert(E, k, VT_NUMBER));
        } else if (rt == VT_NUMBER) {
            emit(E, OP_MULF, r, convert(E, a, rt), convert(E, b, rt));
        } else {
            emit(E, OP_MULI, r, a, b);
        }
        break;
    case BIN_DIV:
        if (ta == VT_MONEY && tb == VT_MONEY)
            emit(E, OP_DIVMM, r, a, b);
        else if (ta == VT_MONEY)
            emit(E, OP_DIVMF, r, a, convert(E, b, VT_NUMBER));
        else if (ta == VT_DURATION && tb == VT_DURATION)
            emit(E, OP_DIVDD, r, a, b);
        else if (ta == VT_BDURATION && tb == VT_BDURATION)
            emit(E, OP_DIVBB, r, a, b);
        else if (ta == VT_DURATION)
            emit(E, OP_DIVDF, r, a, convert(E, b, VT_NUMBER));
        else if (ta == VT_BDURATION)
            emit(E, OP_DIVBF, r, a, convert(E, b, VT_NUMBER));
        else if (ta == VT_INT && tb == VT_INT)
            emit(E, OP_DIVI, r, a, b);
        else
            emit(E, OP_DIVF, r, convert(E, a, VT_NUMBER), convert(E, b, VT_NUMBER));
        break;
    default:
        break;
    }
    return r;
}

/* Emits R[r] := a OP b for a comparison, with a and b already in registers. */
static void compare(emitter *E, int op, int32_t r, int32_t a, int32_t b)
{
    vtype ta = reg_type(E, a), tb = reg_type(E, b);
    if (op == BIN_GT || op == BIN_GE) {
        int32_t t = a;
        a = b;
        b = t;
        vtype tt = ta;
        ta = tb;
        tb = tt;
        op = op == BIN_GT ? BIN_LT : BIN_LE;
    }
    static const opcode ints[] = {[BIN_EQ] = OP_EQ, [BIN_NE] = OP_NE, [BIN_LT] = OP_LT, [BIN_LE] = OP_LE};
    static const opcode nums[] = {[BIN_EQ] = OP_EQF, [BIN_NE] = OP_NEF, [BIN_LT] = OP_LTF, [BIN_LE] = OP_LEF};
    static const opcode texts[] = {[BIN_EQ] = OP_EQT, [BIN_NE] = OP_NET, [BIN_LT] = OP_LTT, [BIN_LE] = OP_LET};
    static const opcode buss[] = {[BIN_EQ] = OP_EQB, [BIN_NE] = OP_NEB, [BIN_LT] = OP_LTB, [BIN_LE] = OP_LEB};
    if (is_numeric(ta) && is_numeric(tb)) {
        vtype j = numeric_join(ta, tb);
        a = convert(E, a, j);
        b = convert(E, b, j);
        emit(E, j == VT_NUMBER ? nums[op] : ints[op], r, a, b);
    } else if (ta == VT_TEXT) {
        emit(E, texts[op], r, a, b);
    } else if (ta == VT_BDURATION) {
        emit(E, buss[op], r, a, b);
    } else {
        emit(E, ints[op], r, a, b);
    }
}

/* The set of an `in` or `any` test, with items of type t. */
static int32_t make_set(emitter *E, const expr *e, vtype t)
{
    sla_set s = {.type = t, .nocase = e->nocase, .n = (uint32_t)e->list.n};
    s.items = arena_alloc(E->a, (s.n ? s.n : 1) * sizeof *s.items);
    for (uint32_t i = 0; i < s.n; i++) {
        const expr *x = e->list.v[i];
        sla_value *v = &s.items[i];
        switch (x->kind) {
        case E_TEXT:
            v->s = arena_strdup(E->a, x->str);
            v->len = (uint32_t)strlen(x->str);
            break;
        case E_NUMBER:
            v->f = x->num;
            break;
        case E_MONEY:
            v->i = t == VT_NUMBER ? 0 : x->ival;
            if (t == VT_NUMBER)
                v->f = (double)x->ival / MONEY_SCALE;
            break;
        default:   /* E_INT, E_BOOL */
            if (t == VT_NUMBER)
                v->f = (double)x->ival;
            else if (t == VT_MONEY)
                v->i = x->ival * MONEY_SCALE;
            else
                v->i = x->ival;
        }
    }
    vec_push(E->a, &E->sets, s);
    return E->sets.n - 1;
}

static int32_t expr_in(emitter *E, const expr *e)
{
    int32_t a = expr_reg(E, e->a);
    vtype t = reg_type(E, a);
    for (int i = 0; i < e->list.n && t != VT_TEXT && t != VT_BOOL; i++)
        t = numeric_join(t, vt_of(e->list.v[i]->type.k));
    a = convert(E, a, t);
    int32_t r = temp(E, VT_BOOL);
    opcode op = t == VT_TEXT ? OP_INSET : t == VT_NUMBER ? OP_INSETF : OP_INSETI;
    emit(E, op, r, a, make_set(E, e, t));
    if (e->negate) {
        /* `not in` is false for an unset value, like every comparison. */
        int32_t set = temp(E, VT_BOOL), out = temp(E, VT_BOOL);
        int skip = new_label(E);
        emit(E, OP_ISSET, set, a, 0);
        emit(E, OP_MOVE, out, set, 0);
        jump(E, OP_JMPF, set, skip);
        emit(E, OP_NOT, out, r, 0);
        place(E, skip);
        return out;
    }
    return r;
}

static int32_t expr_text(emitter *E, const expr *e)
{
    static const opcode plain[] = {OP_STARTS, OP_ENDS, OP_CONTAINS};
    static const opcode ci[] = {OP_STARTSCI, OP_ENDSCI, OP_CONTAINSCI};
    static const opcode any[] = {OP_STARTSANY, OP_ENDSANY, OP_CONTAINSANY};
    int32_t a = expr_reg(E, e->a), r = temp(E, VT_BOOL);
    if (e->any)
        emit(E, any[e->op], r, a, make_set(E, e, VT_TEXT));
    else
        emit(E, (e->nocase ? ci : plain)[e->op], r, a, expr_reg(E, e->b));
    return r;
}

static int32_t expr_is(emitter *E, const expr *e)
{
    int32_t a = expr_reg(E, e->a), k;
    switch (reg_type(E, a)) {
    case VT_STAGE:
        k = stage_const(E, e->str);
        break;
    case VT_CLASS:
        k = class_const(E, e->str);
        break;
    case VT_HANDOFF: {
        static const char *const w[] = {"met", "breached", "pending"};
        int i = 0;
        while (i < HS__COUNT - 1 && strcmp(w[i], e->str) != 0)
            i++;
        k = k_int(E, VT_HANDOFF, i);
        break;
    }
    default: {
        static const char *const w[] = {"on track", "behind", "complete", "overdue"};
        int i = 0;
        while (i < CS__COUNT - 1 && strcmp(w[i], e->str) != 0)
            i++;
        k = k_int(E, VT_CADENCE, i);
    }
    }
    int32_t r = temp(E, VT_BOOL);
    /* `is not` is false for an unset value, like `is`. */
    emit(E, e->negate ? OP_NE : OP_EQ, r, a, k);
    return r;
}

static int32_t expr_call(emitter *E, const expr *e)
{
    vtype rt = vt_of(e->type.k);
    int32_t r;
    switch (e->op) {
    case 0: /* min */
    case 1: /* max */ {
        opcode op = rt == VT_NUMBER ? (e->op ? OP_MAXF : OP_MINF)
                  : rt == VT_BDURATION ? (e->op ? OP_MAXB : OP_MINB)
                                       : (e->op ? OP_MAX : OP_MIN);
        r = temp(E, rt);
        int32_t acc = convert(E, expr_reg(E, e->list.v[0]), rt);
        for (int i = 1; i < e->list.n; i++) {
            emit(E, op, r, acc, convert(E, expr_reg(E, e->list.v[i]), rt));
            acc = r;
        }
        return r;
    }
    case 2: { /* abs */
        int32_t a = expr_reg(E, e->list.v[0]);
        r = temp(E, rt);
        emit(E, rt == VT_NUMBER ? OP_ABSF : OP_ABS, r, a, 0);
        return r;
    }
    case 3: { /* round */
        int32_t a = expr_reg(E, e->list.v[0]);
        vtype ta = reg_type(E, a);
        if (ta == VT_INT)
            return a;
        r = temp(E, rt);
        emit(E, ta == VT_MONEY ? OP_ROUNDM : OP_ROUNDF, r, a, 0);
        return r;
    }
    default: { /* lower, upper, trim, length */
        static const opcode ops[] = {OP_LOWER, OP_UPPER, OP_TRIM, OP_LENGTH};
        int32_t a = expr_reg(E, e->list.v[0]);
        r = temp(E, rt);
        emit(E, ops[e->op - 4], r, a, 0);
        return r;
    }
    }
}

/* The register holding e's value (a field, constant, let or temporary). */
static int32_t expr_reg(emitter *E, const expr *e)
{
    switch ((expr_kind)e->kind) {
    case E_INT:
        return k_int(E, VT_INT, e->ival);
    case E_NUMBER:
        return k_number(E, e->num);
    case E_MONEY:
        return k_int(E, VT_MONEY, e->ival);
    case E_TEXT:
        return k_text(E, e->str);
    case E_BOOL:
        return k_int(E, VT_BOOL, e->ival);
    case E_TIME:
        return literal_time(E, e);
    case E_DURATION:
        return literal_duration(E, e);
    case E_NOW:
        return E->now_reg;
    case E_NAME:
        return name_reg(E, e);
    case E_CALL:
        return expr_call(E, e);
    case E_NEG: {
        int32_t a = expr_reg(E, e->a);
        vtype t = reg_type(E, a);
        int32_t r = temp(E, t);
        emit(E, t == VT_NUMBER ? OP_NEGF : t == VT_BDURATION ? OP_BNEG : OP_NEG, r, a, 0);
        return r;
    }
    case E_NOT: {
        int32_t r = temp(E, VT_BOOL);
        emit(E, OP_NOT, r, expr_reg(E, e->a), 0);
        return r;
    }
    case E_BINARY:
        switch (e->op) {
        case BIN_AND:
        case BIN_OR: {
            int32_t r = temp(E, VT_BOOL);
            int done = new_label(E);
            emit(E, OP_TRUTH, r, expr_reg(E, e->a), 0);
            jump(E, e->op == BIN_AND ? OP_JMPF : OP_JMPT, r, done);
            emit(E, OP_TRUTH, r, expr_reg(E, e->b), 0);
            place(E, done);
            return r;
        }
        case BIN_DEFAULT: {
            vtype rt = vt_of(e->type.k);
            int32_t a = convert(E, expr_reg(E, e->a), rt), b = convert(E, expr_reg(E, e->b), rt);
            int32_t r = temp(E, rt);
            emit(E, OP_DEFAULT, r, a, b);
            return r;
        }
        case BIN_EQ: case BIN_NE: case BIN_LT: case BIN_LE: case BIN_GT: case BIN_GE: {
            int32_t a = expr_reg(E, e->a), b = expr_reg(E, e->b);
            int32_t r = temp(E, VT_BOOL);
            compare(E, e->op, r, a, b);
            return r;
        }
        default:
            return binary_arith(E, e);
        }
    case E_IN:
        return expr_in(E, e);
    case E_TEXTTEST:
        return expr_text(E, e);
    case E_ISSET: {
        int32_t r = temp(E, VT_BOOL);
        emit(E, OP_ISSET, r, expr_reg(E, e->a), 0);
        if (e->negate)
            emit(E, OP_NOT, r, r, 0);
        return r;
    }
    case E_IS:
        return expr_is(E, e);
    case E_OLDER: {
        int32_t t = expr_reg(E, e->a), d = expr_reg(E, e->b), r = temp(E, VT_BOOL);
        if (reg_type(E, d) == VT_BDURATION) {
            /* t + d, on the calendar, is before now: this works for
             * business days as for business hours. */
            int32_t due = temp(E, VT_TIME);
            emit(E, OP_TADDB, due, t, d);
            emit(E, OP_LT, r, due, E->now_reg);
        } else {
            int32_t age = temp(E, VT_DURATION);
            emit(E, OP_TDIFF, age, E->now_reg, t);
            emit(E, OP_LT, r, d, age);
        }
        return r;
    }
    case E_IF: {
        vtype rt = vt_of(e->type.k);
        int32_t r = temp(E, rt);
        int other = new_label(E), done = new_label(E);
        cond_false(E, e->a, other);
        emit(E, OP_MOVE, r, convert(E, expr_reg(E, e->b), rt), 0);
        jump(E, OP_JMP, 0, done);
        place(E, other);
        emit(E, OP_MOVE, r, convert(E, expr_reg(E, e->c), rt), 0);
        place(E, done);
        return r;
    }
    case E_ERROR:
        break;
    }
    fail(E, e->loc, "internal: cannot compile this expression");
    return k_int(E, VT_BOOL, 0);
}

/* Jumps to label when e is not true (false or unset). */
static void cond_false(emitter *E, const expr *e, int label)
{
    if (e->kind == E_BINARY && e->op == BIN_AND) {
        cond_false(E, e->a, label);
        cond_false(E, e->b, label);
    } else if (e->kind == E_BINARY && e->op == BIN_OR) {
        int yes = new_label(E);
        cond_true(E, e->a, yes);
        cond_false(E, e->b, label);
        place(E, yes);
    } else if (e->kind == E_NOT) {
        cond_true(E, e->a, label);
    } else {
        jump(E, OP_JMPF, expr_reg(E, e), label);
    }
}

/* Jumps to label when e is true. */
static void cond_true(emitter *E, const expr *e, int label)
{
    if (e->kind == E_BINARY && e->op == BIN_OR) {
        cond_true(E, e->a, label);
        cond_true(E, e->b, label);
    } else if (e->kind == E_BINARY && e->op == BIN_AND) {
        int no = new_label(E);
        cond_false(E, e->a, no);
        cond_true(E, e->b, label);
        place(E, no);
    } else if (e->kind == E_NOT) {
        cond_false(E, e->a, label);
    } else {
        jump(E, OP_JMPT, expr_reg(E, e), label);
    }
}

/* ---- lets --------------------------------------------------------------------- */

static void need_lets(emitter *E, const expr *e);

static void compute_let(emitter *E, int index)
{
    if (E->let_reg[index] >= 0)
        return;
    const let_decl *l = E->p->lets.v[index];
    need_lets(E, l->value);
    uint32_t saved = E->line;
    E->line = (uint32_t)l->name.loc.line;
    int32_t v = expr_reg(E, l->value);
    int32_t r = new_calc(E, reg_type(E, v));
    emit(E, OP_MOVE, r, v, 0);
    E->let_reg[index] = r;
    E->line = saved;
}

/* Computes, before the rule that needs them, the lets e uses. */
static void need_lets(emitter *E, const expr *e)
{
    if (!e)
        return;
    if (e->kind == E_NAME && e->sym && e->sym->kind == SYM_LET)
        compute_let(E, e->sym->index);
    need_lets(E, e->a);
    if (expr_has_list(e)) {
        for (int i = 0; i < e->list.n; i++)
            need_lets(E, e->list.v[i]);
    } else {
        need_lets(E, e->b);
        need_lets(E, e->c);
    }
}

/* Starts a rule: its lets first, on its own line. */
static void rule(emitter *E, src_loc loc, const expr *a, const expr *b)
{
    release(E);
    E->line = (uint32_t)loc.line;
    need_lets(E, a);
    need_lets(E, b);
    E->line = (uint32_t)loc.line;
}

/* ---- the parts of a policy -------------------------------------------------------- */

static void emit_scores(emitter *E)
{
    const policy *p = E->p;
    for (int i = 0; i < p->scores.n; i++) {
        const score_decl *s = p->scores.v[i];
        vtype t = vt_of(s->type.k);
        int32_t acc = new_calc(E, t);
        E->line = (uint32_t)s->loc.line;
        emit(E, OP_MOVE, acc, t == VT_NUMBER ? k_number(E, 0) : k_int(E, VT_INT, 0), 0);
        for (int k = 0; k < s->rules.n; k++) {
            const score_rule *r = &s->rules.v[k];
            rule(E, r->loc, r->value, r->when);
            int skip = new_label(E);
            if (r->when)
                cond_false(E, r->when, skip);
            int32_t v = convert(E, expr_reg(E, r->value), t);
            emit(E, t == VT_NUMBER ? OP_ADDF : OP_ADD, acc, acc, v);
            place(E, skip);
        }
        E->score_reg[i] = acc;
    }
}

static void emit_stages(emitter *E)
{
    const policy *p = E->p;
    if (!p->stages.n)
        return;
    E->line = (uint32_t)p->stages_loc.line;
    emit(E, OP_MOVE, E->stage_reg, k_int(E, VT_STAGE, 0), 0);
    for (int i = 1; i < p->stages.n; i++) {
        const stage_decl *s = p->stages.v[i];
        rule(E, s->name.loc, s->when, NULL);
        int skip = new_label(E);
        int probe = -1;
        for (int k = 0; s->when && k < E->nprobes; k++)
            if (E->probes[k].what == PROBE_STAGE_WHEN && E->probes[k].index == i)
                probe = k;
        if (probe >= 0) {
            /* Its value kept for a tool, then the same test. */
            int32_t r = keep(E, expr_reg(E, s->when));
            E->probe_regs[probe] = r;
            jump(E, OP_JMPF, r, skip);
        } else if (s->when) {
            cond_false(E, s->when, skip);
        }
        emit(E, OP_MOVE, E->stage_reg, k_int(E, VT_STAGE, i), 0);
        place(E, skip);
    }
}

static void emit_classes(emitter *E)
{
    const policy *p = E->p;
    if (!p->classes.n)
        return;
    release(E);
    /* The first class that holds ends the chain, so a let first needed by a
     * later class is computed before it starts, on every path. */
    for (int i = 0; i < p->classes.n; i++)
        need_lets(E, p->classes.v[i]->when);
    E->line = (uint32_t)p->classes_loc.line;
    int done = new_label(E);
    emit(E, OP_UNSET, E->class_reg, 0, 0);
    for (int i = 0; i < p->classes.n; i++) {
        const class_decl *c = p->classes.v[i];
        rule(E, c->name.loc, c->when, NULL);
        int next = new_label(E);
        if (c->when)
            cond_false(E, c->when, next);
        emit(E, OP_MOVE, E->class_reg, k_int(E, VT_CLASS, i), 0);
        jump(E, OP_JMP, 0, done);
        place(E, next);
        if (c->otherwise)
            break;
    }
    place(E, done);
}

static int stage_index(const policy *p, const char *name)
{
    for (int i = 0; i < p->stages.n; i++)
        if (strcmp(p->stages.v[i]->name.name, name) == 0)
            return i;
    return -1;
}

/* Moves the window (or period) of the record's class into the wall-clock
 * register w or the business register b, leaving the other unset; for a
 * cadence, also its number of touches into the register touches (-1 for a
 * hand-off, which has none). */
static void class_windows(emitter *E, const window_vec *ws, int32_t w, int32_t b,
                          int32_t touches)
{
    int done = new_label(E);
    if (touches >= 0)
        emit(E, OP_UNSET, touches, 0, 0);
    emit(E, OP_UNSET, w, 0, 0);
    emit(E, OP_UNSET, b, 0, 0);
    const class_window *other = NULL;
    for (int i = 0; i < ws->n; i++) {
        const class_window *cw = &ws->v[i];
        if (!cw->cls.name || strcmp(cw->cls.name, "otherwise") == 0) {
            other = cw;
            continue;
        }
        int next = new_label(E);
        int32_t is = temp(E, VT_BOOL);
        emit(E, OP_EQ, is, E->class_reg, class_const(E, cw->cls.name));
        jump(E, OP_JMPF, is, next);
        int32_t v = expr_reg(E, cw->within);
        if (touches >= 0)
            emit(E, OP_MOVE, touches, k_int(E, VT_INT, cw->touches), 0);
        emit(E, OP_MOVE, reg_type(E, v) == VT_BDURATION ? b : w, v, 0);
        jump(E, OP_JMP, 0, done);
        place(E, next);
    }
    if (other) {
        int32_t v = expr_reg(E, other->within);
        if (touches >= 0)
            emit(E, OP_MOVE, touches, k_int(E, VT_INT, other->touches), 0);
        emit(E, OP_MOVE, reg_type(E, v) == VT_BDURATION ? b : w, v, 0);
    }
    place(E, done);
}

static void emit_handoffs(emitter *E)
{
    const policy *p = E->p;
    static const vtype in_types[] = {VT_TIME, VT_TIME, VT_DURATION, VT_BDURATION, VT_STAGE};
    static const vtype out_types[] = {VT_HANDOFF, VT_TIME, VT_DURATION};
    for (int i = 0; i < p->handoffs.n; i++) {
        const handoff_decl *h = p->handoffs.v[i];
        rule(E, h->loc, h->start, h->stop);
        for (int k = 0; k < h->windows.n; k++)
            need_lets(E, h->windows.v[k].within);
        E->line = (uint32_t)h->loc.line;
        int32_t in = new_calc_run(E, in_types, 5), out = new_calc_run(E, out_types, 3);
        E->handoff_in[i] = in;
        E->handoff_res[i] = out;
        emit(E, OP_MOVE, in, expr_reg(E, h->start), 0);
        emit(E, OP_MOVE, in + 1, expr_reg(E, h->stop), 0);
        class_windows(E, &h->windows, in + 2, in + 3, -1);
        emit(E, OP_MOVE, in + 4, E->stage_reg, 0);
        emit(E, OP_HANDOFF, out, in, i);
    }
    if (p->handoffs.n == 1) {
        E->handoff_stop = E->handoff_in[0] + 1;
        E->handoff_out = E->handoff_res[0];
        E->handoff_due = E->handoff_res[0] + 1;
        E->handoff_elapsed = E->handoff_res[0] + 2;
    } else if (p->handoffs.n > 1) {
        /* The hand-off of the highest reached stage that applies. */
        E->handoff_out = new_calc_run(E, out_types, 3);
        E->handoff_due = E->handoff_out + 1;
        E->handoff_elapsed = E->handoff_out + 2;
        E->handoff_stop = new_calc(E, VT_TIME);
        release(E);
        int done = new_label(E);
        for (int k = 0; k < 3; k++)
            emit(E, OP_UNSET, E->handoff_out + k, 0, 0);
        emit(E, OP_UNSET, E->handoff_stop, 0, 0);
        int order[64], n = 0;
        for (int i = 0; i < p->handoffs.n && n < 64; i++)
            order[n++] = i;
        for (int x = 0; x < n; x++)
            for (int y = x + 1; y < n; y++)
                if (stage_index(p, p->handoffs.v[order[y]]->stage.name) >
                    stage_index(p, p->handoffs.v[order[x]]->stage.name)) {
                    int t = order[x];
                    order[x] = order[y];
                    order[y] = t;
                }
        for (int x = 0; x < n; x++) {
            int32_t res = E->handoff_res[order[x]];
            int next = new_label(E);
            int32_t set = temp(E, VT_BOOL);
            emit(E, OP_ISSET, set, res, 0);
            jump(E, OP_JMPF, set, next);
            for (int k = 0; k < 3; k++)
                emit(E, OP_MOVE, E->handoff_out + k, res + k, 0);
            emit(E, OP_MOVE, E->handoff_stop, E->handoff_in[order[x]] + 1, 0);
            jump(E, OP_JMP, 0, done);
            place(E, next);
        }
        place(E, done);
    }
}

static void emit_cadences(emitter *E)
{
    const policy *p = E->p;
    static const vtype in_types[] = {VT_TIME, VT_INT, VT_INT, VT_DURATION, VT_BDURATION, VT_STAGE};
    static const vtype out_types[] = {VT_CADENCE, VT_INT, VT_TIME};
    int32_t first_out = -1;
    for (int i = 0; i < p->cadences.n; i++) {
        const cadence_decl *c = p->cadences.v[i];
        rule(E, c->loc, c->count, c->since);
        for (int k = 0; k < c->entries.n; k++)
            need_lets(E, c->entries.v[k].within);
        E->line = (uint32_t)c->loc.line;
        int32_t in = new_calc_run(E, in_types, 6), out = new_calc_run(E, out_types, 3);
        E->cadence_in[i] = in;
        E->cadence_res[i] = out;
        if (first_out < 0)
            first_out = out;
        if (c->since) {
            emit(E, OP_MOVE, in, expr_reg(E, c->since), 0);
        } else {
            int h;
            for (h = 0; h < p->handoffs.n; h++)
                if (strcmp(p->handoffs.v[h]->stage.name, c->stage.name) == 0)
                    break;
            emit(E, OP_MOVE, in, E->handoff_in[h], 0);
        }
        emit(E, OP_MOVE, in + 1, expr_reg(E, c->count), 0);
        class_windows(E, &c->entries, in + 3, in + 4, in + 2);
        emit(E, OP_MOVE, in + 5, E->stage_reg, 0);
        emit(E, OP_CADENCE, out, in, i);
    }
    if (first_out >= 0) {
        /* With several cadences, the first applies; stages usually have one. */
        E->cadence_out = first_out;
        E->cadence_expected = first_out + 1;
        E->cadence_next = first_out + 2;
    }
}

/* The condition as written, for a recycle rule without `because`. */
static const char *source_text(emitter *E, src_loc loc)
{
    size_t len;
    const char *text = src_text(E->p->file, loc, &len);
    return arena_strndup(E->a, text, len);
}

static void emit_recycles(emitter *E)
{
    const policy *p = E->p;
    if (!p->recycles.n)
        return;
    /* As with classes: the first rule that holds ends the chain. */
    release(E);
    for (int i = 0; i < p->recycles.n; i++)
        need_lets(E, p->recycles.v[i]->when);
    int done = new_label(E);
    E->line = (uint32_t)p->recycles.v[0]->loc.line;
    emit(E, OP_MOVE, E->recycled, k_int(E, VT_BOOL, 0), 0);
    emit(E, OP_UNSET, E->recycle_to, 0, 0);
    emit(E, OP_UNSET, E->recycle_reason, 0, 0);
    for (int i = 0; i < p->recycles.n; i++) {
        const recycle_decl *r = p->recycles.v[i];
        rule(E, r->loc, r->when, NULL);
        int next = new_label(E);
        cond_false(E, r->when, next);
        emit(E, OP_MOVE, E->recycled, k_int(E, VT_BOOL, 1), 0);
        emit(E, OP_MOVE, E->recycle_to, k_text(E, r->target.name), 0);
        emit(E, OP_MOVE, E->recycle_reason,
             k_text(E, r->reason.s ? r->reason.s : source_text(E, r->when->loc)), 0);
        jump(E, OP_JMP, 0, done);
        place(E, next);
    }
    place(E, done);
}

static void add_output(emitter *E, const char *header, int32_t reg)
{
    sla_output *o = &E->prog->outputs[E->prog->noutputs++];
    o->header = arena_strdup(E->a, header);
    o->reg = (uint16_t)reg;   /* renumbered in finish() */
}

static void emit_outputs(emitter *E)
{
    const policy *p = E->p;
    sla_program *prog = E->prog;
    int most = p->outputs.n + p->scores.n + 6;
    prog->outputs = arena_alloc(E->a, (size_t)most * sizeof *prog->outputs);
    int32_t *regs = E->out_regs = arena_alloc(E->a, (size_t)most * sizeof *regs);
    int n = 0;
    if (p->has_output) {
        for (int i = 0; i < p->outputs.n; i++) {
            const output_col *o = &p->outputs.v[i];
            rule(E, o->header.loc, o->value, NULL);
            int32_t r = expr_reg(E, o->value);
            if (is_temp(E, r)) {
                int32_t keep = new_calc(E, reg_type(E, r));
                emit(E, OP_MOVE, keep, r, 0);
                r = keep;
            }
            regs[n] = r;
            add_output(E, o->header.s, 0);
            n++;
        }
    } else {
        if (p->fields.n) {
            prog->fields[0].used = true;
            regs[n] = 0;
            add_output(E, p->fields.v[0]->name.name, 0);
            n++;
        }
        for (int i = 0; i < p->scores.n; i++) {
            regs[n++] = E->score_reg[i];
            add_output(E, p->scores.v[i]->name.name, 0);
        }
        const struct { bool has; int32_t reg; const char *name; } parts[] = {
            {p->stages.n > 0, E->stage_reg, "stage"},
            {p->classes.n > 0, E->class_reg, "class"},
            {p->handoffs.n > 0, E->handoff_out, "handoff"},
            {p->cadences.n > 0, E->cadence_out, "cadence"},
            {p->recycles.n > 0, E->recycled, "recycled"},
        };
        for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
            if (parts[i].has) {
                regs[n++] = parts[i].reg;
                add_output(E, parts[i].name, 0);
            }
    }
    release(E);
}

/* ---- what `sla report` measures ------------------------------------------------- */

/* r, kept past the rule that computed it. */
static int32_t keep(emitter *E, int32_t r)
{
    if (!is_temp(E, r))
        return r;
    int32_t k = new_calc(E, reg_type(E, r));
    emit(E, OP_MOVE, k, r, 0);
    return k;
}

static int32_t reached(emitter *E, const char *stage)
{
    int32_t r = new_calc(E, VT_BOOL);
    emit(E, OP_LE, r, stage_const(E, stage), E->stage_reg);
    return r;
}

static const stage_decl *find_stage(const policy *p, const char *name)
{
    int i = stage_index(p, name);
    return i >= 0 ? p->stages.v[i] : NULL;
}

static int handoff_of(const policy *p, const char *stage)
{
    for (int i = 0; i < p->handoffs.n; i++)
        if (!stage || strcmp(p->handoffs.v[i]->stage.name, stage) == 0)
            return i;
    return 0;
}

static void emit_quota(emitter *E, const quota_decl *qd, const quota_line *ql, sla_quota *q,
                       int32_t *regs)
{
    const policy *p = E->p;
    static const char *const periods[QP__COUNT] = {"week", "month", "quarter", "year"};
    rule(E, ql->loc, ql->by, ql->metric == QM_SUM ? ql->sum : NULL);
    if (ql->metric == QM_SUM)
        need_lets(E, ql->when);
    E->line = (uint32_t)ql->loc.line;
    q->team = arena_strdup(E->a, qd->team.name);
    q->text = source_text(E, ql->loc);
    q->line = (uint32_t)ql->loc.line;
    for (int k = 0; k < QP__COUNT; k++)
        if (strcmp(periods[k], ql->period.name) == 0)
            q->period = (uint8_t)k;
    const expr *by = ql->by;
    int32_t at = -1, den = -1, num = -1;
    switch (ql->metric) {
    case QM_STAGE:
    case QM_CONVERSION: {
        if (!by)
            by = find_stage(p, ql->a.name)->since;
        q->kind = ql->metric == QM_STAGE ? QK_COUNT : QK_RATE;
        den = reached(E, ql->a.name);
        num = ql->metric == QM_STAGE ? den : reached(E, ql->b.name);
        at = keep(E, expr_reg(E, by));
        break;
    }
    case QM_HANDOFF: {
        int h = handoff_of(p, ql->a.name);
        int32_t status = E->handoff_res[h];
        int32_t met = new_calc(E, VT_BOOL), breached = new_calc(E, VT_BOOL);
        emit(E, OP_EQ, met, status, k_int(E, VT_HANDOFF, HS_MET));
        emit(E, OP_EQ, breached, status, k_int(E, VT_HANDOFF, HS_BREACHED));
        q->kind = QK_RATE;
        den = new_calc(E, VT_BOOL);
        emit(E, OP_MAX, den, met, breached);   /* met or breached: decided */
        num = strcmp(ql->status.name, "breached") == 0 ? breached : met;
        at = by ? keep(E, expr_reg(E, by)) : E->handoff_in[h];
        break;
    }
    case QM_CADENCE: {
        int32_t status = E->cadence_res[0];
        int word = 0;
        for (int k = 0; k < CS__COUNT; k++)
            if (strcmp(fmt_cadence_names[k], ql->status.name) == 0)
                word = k;
        q->kind = QK_RATE;
        den = new_calc(E, VT_BOOL);
        emit(E, OP_ISSET, den, status, 0);
        num = new_calc(E, VT_BOOL);
        emit(E, OP_EQ, num, status, k_int(E, VT_CADENCE, word));
        at = by ? keep(E, expr_reg(E, by)) : E->cadence_in[0];
        break;
    }
    case QM_SUM: {
        q->kind = QK_SUM;
        num = keep(E, expr_reg(E, ql->sum));
        den = new_calc(E, VT_BOOL);
        if (ql->when)
            emit(E, OP_TRUTH, den, expr_reg(E, ql->when), 0);
        else
            emit(E, OP_MOVE, den, k_int(E, VT_BOOL, 1), 0);
        at = keep(E, expr_reg(E, by));
        break;
    }
    }
    regs[0] = at;
    regs[1] = den;
    regs[2] = num;
    switch (ql->target_kind) {
    case QT_COUNT: q->target = (sla_value){.i = ql->target_int}; break;
    case QT_MONEY: q->target = (sla_value){.i = ql->target_int}; break;
    case QT_PERCENT: q->target = (sla_value){.f = ql->target_num}; break;
    case QT_NUMBER:
        if (q->kind == QK_SUM && reg_type(E, num) == VT_INT)
            q->target = (sla_value){.i = (int64_t)llround(ql->target_num)};
        else if (q->kind == QK_SUM && reg_type(E, num) == VT_MONEY)
            q->target = (sla_value){.i = (int64_t)llround(ql->target_num * MONEY_SCALE)};
        else
            q->target = (sla_value){.f = ql->target_num};
        break;
    }
}

static void emit_quotas(emitter *E)
{
    const policy *p = E->p;
    sla_program *prog = E->prog;
    int n = 0;
    for (int i = 0; i < p->quotas.n; i++)
        n += p->quotas.v[i]->lines.n;
    prog->quotas = arena_alloc(E->a, ((size_t)n + 1) * sizeof *prog->quotas);
    E->quota_regs = arena_alloc(E->a, 3 * ((size_t)n + 1) * sizeof *E->quota_regs);
    for (int i = 0; i < p->quotas.n; i++)
        for (int l = 0; l < p->quotas.v[i]->lines.n; l++, prog->nquotas++)
            emit_quota(E, p->quotas.v[i], &p->quotas.v[i]->lines.v[l],
                       &prog->quotas[prog->nquotas], E->quota_regs + 3 * prog->nquotas);
    release(E);

    static const char *const days[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    prog->checkins = arena_alloc(E->a, ((size_t)p->checkins.n + 1) * sizeof *prog->checkins);
    for (int i = 0; i < p->checkins.n; i++) {
        const checkin_decl *k = p->checkins.v[i];
        sla_checkin *c = &prog->checkins[prog->ncheckins++];
        c->name = arena_strdup(E->a, k->name.s);
        c->weekly = k->weekly;
        c->day = (uint8_t)k->day;
        if (k->weekly)
            for (int d = 0; d < 7; d++)
                if (strncmp(k->weekday.name, days[d], 3) == 0)
                    c->day = (uint8_t)d;
    }

    /* The parts of a record the report shows, in sla_report_regs' order. */
    const int32_t parts[9] = {
        p->fields.n && prog->fields[0].used ? 0 : -1,
        p->stages.n ? E->stage_reg : -1,
        p->classes.n ? E->class_reg : -1,
        p->handoffs.n ? E->handoff_out : -1,
        p->handoffs.n ? E->handoff_due : -1,
        p->handoffs.n ? E->handoff_stop : -1,
        p->cadences.n ? E->cadence_out : -1,
        p->recycles.n ? E->recycled : -1,
        p->recycles.n ? E->recycle_reason : -1,
    };
    memcpy(E->report_regs, parts, sizeof parts);
}

/* ---- probes ----------------------------------------------------------------------- */

static void emit_probes(emitter *E)
{
    const policy *p = E->p;
    if (!E->nprobes)
        return;
    /* Lets again, in straight-line code: a let the rules computed on one
     * path only must have its value here on all of them. */
    for (int i = 0; i < p->lets.n; i++)
        E->let_reg[i] = -1;
    for (int i = 0; i < E->nprobes; i++) {
        const emit_probe *pr = &E->probes[i];
        int32_t r;
        switch (pr->what) {
        case PROBE_EXPR:
            release(E);
            E->line = (uint32_t)pr->e->loc.line;
            need_lets(E, pr->e);
            E->line = (uint32_t)pr->e->loc.line;
            r = keep(E, expr_reg(E, pr->e));
            break;
        case PROBE_SCORE: r = E->score_reg[pr->index]; break;
        case PROBE_STAGE: r = E->stage_reg; break;
        case PROBE_CLASS: r = E->class_reg; break;
        case PROBE_HANDOFF_IN: r = E->handoff_in[pr->index]; break;
        case PROBE_HANDOFF_OUT: r = E->handoff_res[pr->index]; break;
        case PROBE_CADENCE_IN: r = E->cadence_in[pr->index]; break;
        case PROBE_CADENCE_OUT: r = E->cadence_res[pr->index]; break;
        case PROBE_STAGE_WHEN:
            /* Kept by emit_stages; a stage without a condition always holds. */
            r = E->probe_regs[i] >= 0 ? E->probe_regs[i] : k_int(E, VT_BOOL, 1);
            break;
        default: r = E->stage_reg; break;
        }
        E->probe_regs[i] = r;
        E->probes[i].type = reg_type(E, r);
    }
    release(E);
}

/* ---- the program ----------------------------------------------------------------- */

static uint32_t final_reg(const emitter *E, int32_t r)
{
    uint32_t nf = E->prog->nfields, nk = (uint32_t)E->consts.n;
    switch (r & SPACE_MASK) {
    case SPACE_FIELD: return (uint32_t)r;
    case SPACE_CONST: return nf + (uint32_t)(r & ~SPACE_MASK);
    default: return nf + nk + (uint32_t)(r & ~SPACE_MASK);
    }
}

static bool takes_registers(int op, int which)
{
    const char *sig = opcode_signatures[op];
    char ch = sig[which];
    if (op == OP_JMP || op == OP_JMPF || op == OP_JMPT)
        return which == 0 && ch != '-';
    return ch && ch != '-' && ch != 'S' && ch != 'H' && ch != 'C' && ch != 'j';
}

static bool finish(emitter *E)
{
    sla_program *prog = E->prog;
    uint32_t total = prog->nfields + (uint32_t)E->consts.n + (uint32_t)E->calc_types.n;
    if (total > MAX_REGS || E->code.n >= (1 << 30)) {
        fail(E, (src_loc){1, 1, 1, 2}, "the policy is too large to compile (it needs %u values; "
             "the most is %d)", total, MAX_REGS);
        return false;
    }
    prog->nconsts = (uint32_t)E->consts.n;
    prog->consts = E->consts.v;
    prog->first_temp = prog->nfields + prog->nconsts;
    prog->nregs = total;
    prog->reg_types = arena_alloc(E->a, (total ? total : 1) * sizeof *prog->reg_types);
    for (uint32_t i = 0; i < prog->nfields; i++)
        prog->reg_types[i] = prog->fields[i].type;
    for (int i = 0; i < E->consts.n; i++)
        prog->reg_types[prog->nfields + (uint32_t)i] = E->const_types.v[i];
    for (int i = 0; i < E->calc_types.n; i++)
        prog->reg_types[prog->first_temp + (uint32_t)i] = E->calc_types.v[i];
    prog->now_reg = (uint16_t)final_reg(E, E->now_reg);

    prog->ncode = (uint32_t)E->code.n;
    prog->code = arena_alloc(E->a, (prog->ncode ? prog->ncode : 1) * sizeof *prog->code);
    prog->lines = arena_alloc(E->a, (prog->ncode ? prog->ncode : 1) * sizeof *prog->lines);
    for (int i = 0; i < E->code.n; i++) {
        const pinsn *pi = &E->code.v[i];
        sla_insn *o = &prog->code[i];
        o->op = (uint16_t)pi->op;
        prog->lines[i] = pi->line;
        int32_t ops[3] = {pi->a, pi->b, pi->c};
        uint16_t *dst[3] = {&o->a, &o->b, &o->c};
        for (int k = 0; k < 3; k++)
            *dst[k] = takes_registers(pi->op, k) ? (uint16_t)final_reg(E, ops[k]) : (uint16_t)ops[k];
        if (pi->target >= 0) {
            uint32_t t = (uint32_t)E->labels.v[pi->target];
            o->b = (uint16_t)(t >> 16);
            o->c = (uint16_t)(t & 0xFFFF);
        }
    }
    for (uint32_t i = 0; i < prog->noutputs; i++)
        prog->outputs[i].reg = (uint16_t)final_reg(E, E->out_regs[i]);
    for (uint32_t i = 0; i < prog->nquotas; i++) {
        sla_quota *q = &prog->quotas[i];
        q->at = (uint16_t)final_reg(E, E->quota_regs[3 * i]);
        q->den = (uint16_t)final_reg(E, E->quota_regs[3 * i + 1]);
        q->num = (uint16_t)final_reg(E, E->quota_regs[3 * i + 2]);
    }
    uint16_t *rr[] = {&prog->report.id, &prog->report.stage, &prog->report.klass,
                      &prog->report.handoff, &prog->report.handoff_due, &prog->report.handoff_stop,
                      &prog->report.cadence, &prog->report.recycled, &prog->report.recycle_reason};
    _Static_assert(sizeof rr / sizeof rr[0] == sizeof E->report_regs / sizeof E->report_regs[0],
                   "one provisional register per report register");
    for (size_t i = 0; i < sizeof rr / sizeof rr[0]; i++)
        *rr[i] = E->report_regs[i] < 0 ? REG_NONE : (uint16_t)final_reg(E, E->report_regs[i]);
    for (int i = 0; i < E->nprobes; i++)
        E->probes[i].reg = final_reg(E, E->probe_regs[i]);
    prog->sets = E->sets.v;
    prog->nsets = (uint32_t)E->sets.n;
    return true;
}

static void describe(emitter *E)
{
    const policy *p = E->p;
    sla_program *prog = E->prog;
    prog->name = arena_strdup(E->a, p->name.s ? p->name.s : "");
    prog->zone = arena_strdup(E->a, p->zone.s ? p->zone.s : "UTC");
    prog->nfields = (uint32_t)p->fields.n;
    prog->fields = arena_alloc(E->a, (prog->nfields ? prog->nfields : 1) * sizeof *prog->fields);
    for (int i = 0; i < p->fields.n; i++) {
        const field_decl *f = p->fields.v[i];
        sla_field *o = &prog->fields[i];
        o->name = arena_strdup(E->a, f->name.name);
        o->column = arena_strdup(E->a, f->from.s ? f->from.s : f->name.name);
        o->type = vt_of(f->type.k);
        o->optional = f->opt;
        o->nmissing = (uint32_t)(f->missing.n + p->missing.n);
        o->missing = arena_alloc(E->a, (o->nmissing + 1) * sizeof *o->missing);
        uint32_t k = 0;
        for (int j = 0; j < f->missing.n; j++)
            o->missing[k++] = arena_strdup(E->a, f->missing.v[j].s);
        for (int j = 0; j < p->missing.n; j++)
            o->missing[k++] = arena_strdup(E->a, p->missing.v[j].s);
        o->nformats = (uint32_t)(f->formats.n + p->formats.n);
        o->formats = arena_alloc(E->a, (o->nformats + 1) * sizeof *o->formats);
        k = 0;
        for (int j = 0; j < f->formats.n; j++)
            o->formats[k++] = arena_strdup(E->a, f->formats.v[j].s);
        for (int j = 0; j < p->formats.n; j++)
            o->formats[k++] = arena_strdup(E->a, p->formats.v[j].s);
        o->zone = f->zone.s ? arena_strdup(E->a, f->zone.s) : NULL;
    }
    prog->nstages = (uint32_t)p->stages.n;
    prog->stages = arena_alloc(E->a, (prog->nstages + 1) * sizeof *prog->stages);
    for (int i = 0; i < p->stages.n; i++)
        prog->stages[i] = arena_strdup(E->a, p->stages.v[i]->name.name);
    prog->nclasses = (uint32_t)p->classes.n;
    prog->classes = arena_alloc(E->a, (prog->nclasses + 1) * sizeof *prog->classes);
    for (int i = 0; i < p->classes.n; i++)
        prog->classes[i] = arena_strdup(E->a, p->classes.v[i]->name.name);
    prog->nhandoffs = (uint32_t)p->handoffs.n;
    prog->handoffs = arena_alloc(E->a, (prog->nhandoffs + 1) * sizeof *prog->handoffs);
    for (int i = 0; i < p->handoffs.n; i++) {
        const handoff_decl *h = p->handoffs.v[i];
        prog->handoffs[i].stage = (uint16_t)stage_index(p, h->stage.name);
        prog->handoffs[i].until = (int16_t)(h->until.name ? stage_index(p, h->until.name) : -1);
    }
    prog->ncadences = (uint32_t)p->cadences.n;
    prog->cadences = arena_alloc(E->a, (prog->ncadences + 1) * sizeof *prog->cadences);
    for (int i = 0; i < p->cadences.n; i++) {
        prog->cadences[i].stage = (uint16_t)stage_index(p, p->cadences.v[i]->stage.name);
        prog->cadences[i].until = -1;
    }
    /* Business hours, one entry per weekday and interval. */
    static const char *const days[7][2] = {
        {"mon", "monday"}, {"tue", "tuesday"}, {"wed", "wednesday"}, {"thu", "thursday"},
        {"fri", "friday"}, {"sat", "saturday"}, {"sun", "sunday"},
    };
    int nh = 0;
    for (int i = 0; i < p->hours.n; i++)
        nh += 7 * p->hours.v[i].intervals.n;
    prog->hours = arena_alloc(E->a, ((size_t)nh + 1) * sizeof *prog->hours);
    for (int i = 0; i < p->hours.n; i++) {
        const hours_spec *h = &p->hours.v[i];
        int first = -1, last = -1;
        for (int d = 0; d < 7; d++) {
            if (!strcmp(h->first_day.name, days[d][0]) || !strcmp(h->first_day.name, days[d][1]))
                first = d;
            if (h->last_day.name && (!strcmp(h->last_day.name, days[d][0]) ||
                                     !strcmp(h->last_day.name, days[d][1])))
                last = d;
        }
        if (last < 0)
            last = first;
        for (int d = first; d >= 0 && d <= last; d++)
            for (int k = 0; k < h->intervals.n; k++) {
                int fh = 0, fm = 0, th = 0, tm = 0;
                sscanf(h->intervals.v[k].from.s, "%d:%d", &fh, &fm);
                sscanf(h->intervals.v[k].to.s, "%d:%d", &th, &tm);
                sla_hours *o = &prog->hours[prog->nhours++];
                o->weekday = (uint8_t)d;
                o->start = (uint16_t)(fh * 60 + fm);
                o->end = (uint16_t)(th * 60 + tm);
            }
    }
    prog->holidays = arena_alloc(E->a, ((size_t)p->holidays.n + 1) * sizeof *prog->holidays);
    for (int i = 0; i < p->holidays.n; i++) {
        civil_time t;
        if (timefmt_parse_iso(p->holidays.v[i].s, strlen(p->holidays.v[i].s), &t))
            continue;
        int64_t day = civil_to_days(t.year, t.month, t.day);
        uint32_t k = prog->nholidays;
        while (k > 0 && prog->holidays[k - 1] > day)
            k--;
        if (k > 0 && prog->holidays[k - 1] == day)
            continue;
        memmove(prog->holidays + k + 1, prog->holidays + k,
                (prog->nholidays - k) * sizeof *prog->holidays);
        prog->holidays[k] = day;
        prog->nholidays++;
    }
}

sla_program *emit_program(const policy *p, diag_set *d)
{
    return emit_program_probes(p, d, NULL, 0);
}

sla_program *emit_program_probes(const policy *p, diag_set *d, emit_probe *probes, int n)
{
    arena *mem = xmalloc(sizeof *mem);
    arena_init(mem);
    emitter E = {.p = p, .a = mem, .d = d, .probes = probes, .nprobes = n};
    E.probe_regs = arena_alloc(mem, ((size_t)n + 1) * sizeof *E.probe_regs);
    for (int i = 0; i < n; i++)
        E.probe_regs[i] = -1;
    E.prog = arena_alloc(mem, sizeof *E.prog);
    char err[200];
    tz_zone *zone = tz_load(p->zone.s ? p->zone.s : "UTC", err, sizeof err);
    if (!zone) {
        fail(&E, p->zone.loc, "cannot load time zone \"%s\": %s", p->zone.s ? p->zone.s : "UTC", err);
        arena_free(mem);
        free(mem);
        return NULL;
    }
    E.zone = zone;
    describe(&E);

    E.now_reg = constant(&E, VT_TIME, (sla_value){.i = 0});
    E.let_reg = arena_alloc(mem, ((size_t)p->lets.n + 1) * sizeof *E.let_reg);
    for (int i = 0; i < p->lets.n; i++)
        E.let_reg[i] = -1;
    E.score_reg = arena_alloc(mem, ((size_t)p->scores.n + 1) * sizeof *E.score_reg);
    E.handoff_in = arena_alloc(mem, ((size_t)p->handoffs.n + 1) * sizeof *E.handoff_in);
    E.handoff_res = arena_alloc(mem, ((size_t)p->handoffs.n + 1) * sizeof *E.handoff_res);
    E.cadence_in = arena_alloc(mem, ((size_t)p->cadences.n + 1) * sizeof *E.cadence_in);
    E.cadence_res = arena_alloc(mem, ((size_t)p->cadences.n + 1) * sizeof *E.cadence_res);
    E.stage_reg = new_calc(&E, VT_STAGE);
    E.class_reg = new_calc(&E, VT_CLASS);
    if (p->recycles.n) {
        E.recycled = new_calc(&E, VT_BOOL);
        E.recycle_to = new_calc(&E, VT_TEXT);
        E.recycle_reason = new_calc(&E, VT_TEXT);
    }

    emit_scores(&E);
    emit_stages(&E);
    emit_classes(&E);
    emit_handoffs(&E);
    emit_cadences(&E);
    emit_recycles(&E);
    emit_outputs(&E);
    emit_quotas(&E);
    emit_probes(&E);
    release(&E);
    emit(&E, OP_RET, 0, 0, 0);

    bool ok = !E.failed && finish(&E);
    tz_free(zone);
    if (!ok) {
        arena_free(mem);
        free(mem);
        return NULL;
    }
    E.prog->memory = mem;
    return E.prog;
}
