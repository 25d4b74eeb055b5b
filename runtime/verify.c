/*
 * verify.c - the complete check of a program before it runs.
 *
 * The rules come from the same X-macro table as everything else: each
 * operand is checked against its letter in the opcode's signature, so a
 * new opcode is verified the day it is declared. Two things the letters
 * cannot say are written out here: HANDOFF and CADENCE read and write
 * runs of registers typed by their semantics, and ADD, SUB, NEG and ABS
 * accept only int, money and duration among the integer-held types,
 * because on a stage, class, status or bool they would make a value its
 * type cannot hold (stage number -3, bool 2), which the output writer
 * would then use as an index.
 *
 * The last check is a dataflow pass: every computed register an
 * instruction reads must have been written on every path to it. Jumps only
 * go forward, so one pass in code order sees every predecessor of an
 * instruction before the instruction itself; the state at a jump target is
 * the intersection of the states arriving there. The states are bit sets
 * over the computed registers, kept only for jump targets; when there are
 * too many of those for one pass to hold every register, the registers
 * are taken 64 x W at a time in several passes, so memory stays bounded
 * whatever the file claims.
 */
#include "verify.h"

#include "../common/utf8.h"

#include "calendar.h"

#include "../common/xalloc.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---- types and signature letters ------------------------------------------ */

/* "1 register", "2 registers" */
#define PL(n) ((n) == 1 ? "" : "s")

#define TM(t) (1u << (t))
enum {
    M_ALL = TM(VT__COUNT) - 1,
    M_IHELD = TM(VT_INT) | TM(VT_MONEY) | TM(VT_BOOL) | TM(VT_TIME) | TM(VT_DURATION) |
              TM(VT_STAGE) | TM(VT_CLASS) | TM(VT_HANDOFF) | TM(VT_CADENCE),
    M_ARITH = TM(VT_INT) | TM(VT_MONEY) | TM(VT_DURATION),
    M_SET = TM(VT_TEXT) | TM(VT_INT) | TM(VT_MONEY) | TM(VT_BOOL) | TM(VT_NUMBER),
};

/* The types a register letter allows; 0 for letters that are not registers. */
static unsigned letter_mask(char c, opcode op)
{
    switch (c) {
    case 'i': return TM(VT_INT);
    case 'n': return TM(VT_NUMBER);
    case 'm': return TM(VT_MONEY);
    case 'b': return TM(VT_BOOL);
    case 't': return TM(VT_TEXT);
    case 'T': return TM(VT_TIME);
    case 'd': return TM(VT_DURATION);
    case 'D': return TM(VT_BDURATION);
    case 's': return TM(VT_STAGE);
    case 'c': return TM(VT_CLASS);
    case 'h': return TM(VT_HANDOFF);
    case 'k': return TM(VT_CADENCE);
    case 'I':
        return op == OP_ADD || op == OP_SUB || op == OP_NEG || op == OP_ABS ? M_ARITH : M_IHELD;
    case 'x': return M_ALL;
    default: return 0;
    }
}

/* "int", or "int, money or duration" for a mask of several types. */
static const char *mask_words(unsigned m, char *out, size_t outlen)
{
    if (m == M_IHELD)
        return "int, money, bool, time, duration, stage, class or a status";
    size_t used = 0;
    int left = __builtin_popcount(m);
    out[0] = '\0';
    for (int t = 0; t < VT__COUNT && used < outlen; t++) {
        if (!(m & TM(t)))
            continue;
        left--;
        int n = snprintf(out + used, outlen - used, "%s%s", vtype_names[t],
                         left > 1 ? ", " : left == 1 ? " or " : "");
        used += n > 0 ? (size_t)n : 0;
    }
    return out;
}

static bool is_jump(const char *sig)
{
    return sig[0] && sig[1] == 'j';
}

/* HANDOFF and CADENCE write R[A..A+n] and read R[B..B+m]; their semantics
 * in opcodes.h name each register with its type letter in parentheses:
 * "R[A..A+2] := status (h), due (T), ... from R[B..B+4] = start (T), ...".
 * The verifier reads the types from there, so the table stays the one
 * place they are written. */
enum { MULTI_MAX = 8 };

typedef struct multi {
    bool ok;                    /* the semantics could be read */
    int nout, nin;
    char out[MULTI_MAX], in[MULTI_MAX];               /* type letters */
    const char *out_word[MULTI_MAX], *in_word[MULTI_MAX];
    int out_len[MULTI_MAX], in_len[MULTI_MAX];
} multi;

static bool has_multi(const char *sig)
{
    return sig[0] && sig[1] == 'X';
}

/* The "(L)" letters in [p, end), with the words before them. */
static int multi_letters(const char *start, const char *end, char *letters, const char **words,
                         int *lens)
{
    int n = 0;
    for (const char *p = start; p + 2 < end; p++) {
        if (p[0] != '(' || p[2] != ')' || !letter_mask(p[1], OP_MOVE) || p[1] == 'x')
            continue;
        if (n == MULTI_MAX)
            return -1;
        const char *w = p - 1, *we = p - 1;       /* the word ends before " (" */
        while (w > start && w[-1] != ',' && w[-1] != '=')
            w--;
        while (*w == ' ')
            w++;
        letters[n] = p[1];
        words[n] = w;
        lens[n] = we > w ? (int)(we - w) : 0;
        n++;
    }
    return n;
}

static void parse_multi(opcode op, multi *m)
{
    const char *sem = opcode_semantics[op];
    const char *a = strstr(sem, "R[A..A+"), *b = strstr(sem, "R[B..B+");
    m->ok = false;
    if (!a || !b || b < a)
        return;
    m->nout = atoi(a + 7) + 1;
    m->nin = atoi(b + 7) + 1;
    if (m->nout < 1 || m->nout > MULTI_MAX || m->nin < 1 || m->nin > MULTI_MAX)
        return;
    if (multi_letters(a, b, m->out, m->out_word, m->out_len) != m->nout ||
        multi_letters(b, sem + strlen(sem), m->in, m->in_word, m->in_len) != m->nin)
        return;
    m->ok = true;
}

/* ---- the verifier's state ---------------------------------------------------- */

typedef struct vctx {
    const sla_program *p;
    char *err;
    size_t errlen;
    multi multi[OP__COUNT];
    bool parsed[OP__COUNT];
} vctx;

__attribute__((format(printf, 2, 3)))
static bool fail(vctx *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->err, v->errlen, fmt, ap);
    va_end(ap);
    return false;
}

static const multi *get_multi(vctx *v, opcode op)
{
    if (!v->parsed[op]) {
        parse_multi(op, &v->multi[op]);
        v->parsed[op] = true;
    }
    return &v->multi[op];
}

/* The registers an instruction reads and the run it writes; only for an
 * instruction that passed check_insn. */
typedef struct reg_use {
    uint32_t reads[MULTI_MAX];
    int nreads;
    uint32_t write;             /* the first register written */
    int nwrites;
} reg_use;

static void insn_use(vctx *v, const sla_insn *in, reg_use *u)
{
    const char *sig = opcode_signatures[in->op];
    const uint16_t ops[3] = {in->a, in->b, in->c};
    u->nreads = u->nwrites = 0;
    u->write = in->a;
    if (is_jump(sig)) {
        if (sig[0] != '-')
            u->reads[u->nreads++] = in->a;
    } else if (has_multi(sig)) {
        const multi *m = get_multi(v, (opcode)in->op);
        u->nwrites = m->nout;
        for (int k = 0; k < m->nin; k++)
            u->reads[u->nreads++] = (uint32_t)in->b + (uint32_t)k;
    } else {
        for (int k = 0; k < 3 && sig[k]; k++) {
            if (!letter_mask(sig[k], (opcode)in->op))
                continue;
            if (k == 0)
                u->nwrites = 1;
            else
                u->reads[u->nreads++] = ops[k];
        }
    }
}

/* ---- tables ------------------------------------------------------------------ */

static bool check_names(vctx *v, const char *const *names, uint32_t n, const char *what)
{
    if (n && !names)
        return fail(v, "the program has %" PRIu32 " %ses but no names for them", n, what);
    for (uint32_t i = 0; i < n; i++)
        if (!names[i])
            return fail(v, "%s %" PRIu32 " has no name", what, i);
    return true;
}

/* Text in a constant or a set item: bytes to point to, valid UTF-8, no NUL
 * (a policy's strings cannot hold one, and the .slab pool ends strings
 * with NUL). Returns NULL or the problem. */
static const char *text_problem(const sla_value *t)
{
    if (t->len == 0)
        return NULL;
    if (!t->s)
        return "text without its bytes";
    if (!utf8_valid(t->s, t->len))
        return "text that is not valid UTF-8";
    if (memchr(t->s, '\0', t->len))
        return "text with a NUL byte in it";
    return NULL;
}

static bool check_fields(vctx *v)
{
    const sla_program *p = v->p;
    if (p->nfields && !p->fields)
        return fail(v, "the program has %" PRIu32 " field%s but no list of them", p->nfields,
                    PL(p->nfields));
    for (uint32_t i = 0; i < p->nfields; i++) {
        const sla_field *f = &p->fields[i];
        if (!f->name)
            return fail(v, "field %" PRIu32 " has no name", i);
        if (!f->column)
            return fail(v, "field %s has no column", f->name);
        if ((unsigned)f->type > VT_DURATION)
            return fail(v, "field %s has type %s, which a record cannot hold", f->name,
                        (unsigned)f->type < VT__COUNT ? vtype_names[f->type] : "(unknown)");
        if (p->reg_types[i] != f->type)
            return fail(v, "register r%" PRIu32 " holds field %s, which is %s, but is typed %s",
                        i, f->name, vtype_names[f->type], vtype_names[p->reg_types[i]]);
        if (f->nmissing && !f->missing)
            return fail(v, "field %s has %" PRIu32 " missing-value words but no list of them",
                        f->name, f->nmissing);
        for (uint32_t k = 0; k < f->nmissing; k++)
            if (!f->missing[k])
                return fail(v, "field %s: missing-value word %" PRIu32 " is absent", f->name, k);
        if (f->nformats && !f->formats)
            return fail(v, "field %s has %" PRIu32 " time formats but no list of them", f->name,
                        f->nformats);
        for (uint32_t k = 0; k < f->nformats; k++)
            if (!f->formats[k])
                return fail(v, "field %s: time format %" PRIu32 " is absent", f->name, k);
    }
    return true;
}

static bool check_consts(vctx *v)
{
    const sla_program *p = v->p;
    if (p->nconsts && !p->consts)
        return fail(v, "the program has %" PRIu32 " constant%s but no list of them", p->nconsts,
                    PL(p->nconsts));
    for (uint32_t i = 0; i < p->nconsts; i++) {
        const sla_value *c = &p->consts[i];
        uint32_t r = p->nfields + i;
        vtype t = p->reg_types[r];
        /* len is text's length; a business duration's unit (1: whole
         * days); nothing for any other type. */
        if (t == VT_BDURATION && c->len > 1)
            return fail(v, "constant r%" PRIu32 " is a business duration in unknown units (%"
                        PRIu32 ")", r, c->len);
        if (t != VT_TEXT && t != VT_BDURATION && c->len != 0)
            return fail(v, "constant r%" PRIu32 " is %s but carries a length (%" PRIu32 ")", r,
                        vtype_names[t], c->len);
        if (c->null)
            continue;
        const char *problem;
        switch (t) {
        case VT_BOOL:
            if (c->i != 0 && c->i != 1)
                return fail(v, "constant r%" PRIu32 " is a bool holding %" PRId64
                            ", not 0 or 1", r, c->i);
            break;
        case VT_STAGE:
            if (c->i < 0 || c->i >= p->nstages)
                return fail(v, "constant r%" PRIu32 " is stage number %" PRId64
                            ", but the program has %" PRIu32 " stage%s", r, c->i, p->nstages,
                            PL(p->nstages));
            break;
        case VT_CLASS:
            if (c->i < 0 || c->i >= p->nclasses)
                return fail(v, "constant r%" PRIu32 " is class number %" PRId64
                            ", but the program has %" PRIu32 " class%s", r, c->i, p->nclasses,
                            p->nclasses == 1 ? "" : "es");
            break;
        case VT_HANDOFF:
            if (c->i < 0 || c->i >= HS__COUNT)
                return fail(v, "constant r%" PRIu32 " is hand-off status %" PRId64
                            ", which does not exist", r, c->i);
            break;
        case VT_CADENCE:
            if (c->i < 0 || c->i >= CS__COUNT)
                return fail(v, "constant r%" PRIu32 " is cadence status %" PRId64
                            ", which does not exist", r, c->i);
            break;
        case VT_TEXT:
            if ((problem = text_problem(c)))
                return fail(v, "constant r%" PRIu32 " is %s", r, problem);
            break;
        default:
            break;
        }
    }
    if (p->now_reg < p->nfields || p->now_reg >= p->first_temp)
        return fail(v, "the as-of instant is in register r%u, which is not one of the constants",
                    p->now_reg);
    if (p->reg_types[p->now_reg] != VT_TIME)
        return fail(v, "the as-of instant is in register r%u, which is %s, not time", p->now_reg,
                    vtype_names[p->reg_types[p->now_reg]]);
    return true;
}

static bool check_set_index(vctx *v, uint32_t i)
{
    const sla_set *s = &v->p->sets[i];
    if (s->nslots == 0)
        return true;
    if (s->type == VT_NUMBER)
        return fail(v, "set %" PRIu32 " holds numbers but has a lookup table", i);
    if ((s->nslots & (s->nslots - 1)) || s->nslots <= s->n || !s->slots)
        return fail(v, "set %" PRIu32 "'s lookup table has %" PRIu32
                    " slots, not a power of two larger than its %" PRIu32 " items",
                    i, s->nslots, s->n);
    /* Each item once, so some slot stays empty and every search ends. */
    unsigned char *seen = xcalloc(s->n ? s->n : 1, 1);
    uint32_t used = 0;
    bool ok = true;
    for (uint32_t k = 0; k < s->nslots && ok; k++) {
        uint32_t x = s->slots[k];
        if (x == 0)
            continue;
        if (x > s->n || seen[x - 1])
            ok = fail(v, "set %" PRIu32 "'s lookup table is damaged (slot %" PRIu32 ")", i, k);
        else
            seen[x - 1] = 1, used++;
    }
    free(seen);
    if (!ok)
        return false;
    if (used != s->n)
        return fail(v, "set %" PRIu32 "'s lookup table holds %" PRIu32 " of its %" PRIu32
                    " items", i, used, s->n);
    return true;
}

static bool check_sets(vctx *v)
{
    const sla_program *p = v->p;
    char words[128];
    if (p->nsets && !p->sets)
        return fail(v, "the program has %" PRIu32 " set%s but no list of them", p->nsets,
                    PL(p->nsets));
    for (uint32_t i = 0; i < p->nsets; i++) {
        const sla_set *s = &p->sets[i];
        if ((unsigned)s->type >= VT__COUNT || !(M_SET & TM(s->type)))
            return fail(v, "set %" PRIu32 " holds %s; a set holds %s", i,
                        (unsigned)s->type < VT__COUNT ? vtype_names[s->type] : "(unknown)",
                        mask_words(M_SET, words, sizeof words));
        if (s->nocase && s->type != VT_TEXT)
            return fail(v, "set %" PRIu32 " ignores case but holds %s, not text", i,
                        vtype_names[s->type]);
        if (s->n && !s->items)
            return fail(v, "set %" PRIu32 " has %" PRIu32 " items but no list of them", i, s->n);
        for (uint32_t k = 0; k < s->n; k++) {
            const sla_value *it = &s->items[k];
            const char *problem;
            if (it->null)
                return fail(v, "set %" PRIu32 " item %" PRIu32 " is unset", i, k);
            if (s->type == VT_TEXT && (problem = text_problem(it)))
                return fail(v, "set %" PRIu32 " item %" PRIu32 " is %s", i, k, problem);
            if (s->type == VT_BOOL && it->i != 0 && it->i != 1)
                return fail(v, "set %" PRIu32 " item %" PRIu32 " is a bool holding %" PRId64
                            ", not 0 or 1", i, k, it->i);
        }
        if (!check_set_index(v, i))
            return false;
    }
    return true;
}

/* A hand-off or cadence applies from a stage until before another, or
 * without end (-1). */
static bool check_span(vctx *v, const char *what, uint32_t i, uint16_t stage, int16_t until)
{
    const sla_program *p = v->p;
    if (stage >= p->nstages)
        return fail(v, "%s %" PRIu32 " starts at stage %u, but the program has %" PRIu32
                    " stage%s", what, i, stage, p->nstages, PL(p->nstages));
    if (until < -1 || (until >= 0 && (uint32_t)until >= p->nstages))
        return fail(v, "%s %" PRIu32 " ends at stage %d, but the program has %" PRIu32 " stage%s",
                    what, i, until, p->nstages, PL(p->nstages));
    return true;
}

static bool check_clock(vctx *v)
{
    const sla_program *p = v->p;
    if (p->nhandoffs && !p->handoffs)
        return fail(v, "the program has %" PRIu32 " hand-offs but no list of them", p->nhandoffs);
    for (uint32_t i = 0; i < p->nhandoffs; i++)
        if (!check_span(v, "hand-off", i, p->handoffs[i].stage, p->handoffs[i].until))
            return false;
    if (p->ncadences && !p->cadences)
        return fail(v, "the program has %" PRIu32 " cadences but no list of them", p->ncadences);
    for (uint32_t i = 0; i < p->ncadences; i++)
        if (!check_span(v, "cadence", i, p->cadences[i].stage, p->cadences[i].until))
            return false;

    /* The calendar holds CAL_MAX_INTERVALS disjoint intervals a day, in
     * any order here (the runtime sorts them). */
    if (p->nhours && !p->hours)
        return fail(v, "the program has %" PRIu32 " business hours but no list of them",
                    p->nhours);
    static const char *const days[7] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};
    uint32_t per_day[7] = {0};
    for (uint32_t i = 0; i < p->nhours; i++) {
        const sla_hours *h = &p->hours[i];
        if (h->weekday >= 7)
            return fail(v, "business hours %" PRIu32 " are on weekday %u; weekdays are 0 "
                        "(Monday) to 6 (Sunday)", i, h->weekday);
        if (h->start >= h->end || h->end > 24 * 60)
            return fail(v, "business hours %" PRIu32 " run from minute %u to minute %u of the "
                        "day, which is not an interval of one day", i, h->start, h->end);
        if (++per_day[h->weekday] > CAL_MAX_INTERVALS)
            return fail(v, "%s has more than %d intervals of business hours",
                        days[h->weekday], CAL_MAX_INTERVALS);
        for (uint32_t k = 0; k < i; k++) {
            const sla_hours *q = &p->hours[k];
            if (q->weekday == h->weekday && q->start < h->end && h->start < q->end)
                return fail(v, "business hours %" PRIu32 " and %" PRIu32 " overlap on %s",
                            k, i, days[h->weekday]);
        }
    }
    if (p->nholidays && !p->holidays)
        return fail(v, "the program has %" PRIu32 " holidays but no list of them", p->nholidays);
    for (uint32_t i = 1; i < p->nholidays; i++)
        if (p->holidays[i] <= p->holidays[i - 1])
            return fail(v, "holiday %" PRIu32 " (day %" PRId64 ") does not come after holiday %"
                        PRIu32 " (day %" PRId64 "); holidays are sorted and listed once",
                        i, p->holidays[i], i - 1, p->holidays[i - 1]);
    return true;
}

static bool check_outputs(vctx *v)
{
    const sla_program *p = v->p;
    if (p->noutputs && !p->outputs)
        return fail(v, "the program has %" PRIu32 " outputs but no list of them", p->noutputs);
    for (uint32_t i = 0; i < p->noutputs; i++) {
        const sla_output *o = &p->outputs[i];
        if (!o->header)
            return fail(v, "output %" PRIu32 " has no header", i);
        if (o->reg >= p->nregs)
            return fail(v, "output %s shows register r%u, but the program has %" PRIu32
                        " register%s", o->header, o->reg, p->nregs, PL(p->nregs));
    }
    return true;
}

static bool check_report(vctx *v)
{
    const sla_program *p = v->p;
    if ((p->nquotas && !p->quotas) || (p->ncheckins && !p->checkins))
        return fail(v, "the program has quotas or check-ins but no list of them");
    for (uint32_t i = 0; i < p->nquotas; i++) {
        const sla_quota *q = &p->quotas[i];
        if (!q->team || !q->text)
            return fail(v, "quota %" PRIu32 " has no team or text", i);
        if (q->kind >= QK__COUNT || q->period >= QP__COUNT)
            return fail(v, "quota %" PRIu32 " has an unknown kind (%u) or period (%u)", i,
                        q->kind, q->period);
        if (q->kind == QK_COUNT && (q->num != q->den || q->target.i < 0))
            return fail(v, "quota %" PRIu32 " counts records but has a separate value or a "
                        "negative target", i);
        if (q->kind == QK_RATE && !(q->target.f >= 0 && q->target.f <= 100))
            return fail(v, "quota %" PRIu32 "'s target is not a percentage from 0 to 100", i);
    }
    for (uint32_t i = 0; i < p->ncheckins; i++) {
        const sla_checkin *c = &p->checkins[i];
        if (!c->name || c->weekly > 1 || (c->weekly ? c->day > 6 : c->day < 1 || c->day > 31))
            return fail(v, "check-in %" PRIu32 " has no name or an impossible day", i);
    }
    end_read *reads = xmalloc((size_t)program_end_read_count(p) * sizeof *reads);
    uint32_t n = program_end_reads(p, reads);
    bool ok = true;
    for (uint32_t i = 0; i < n && ok; i++) {
        if (reads[i].reg >= p->nregs)
            ok = fail(v, "%s is register r%" PRIu32 ", but the program has %" PRIu32
                      " register%s", reads[i].what, reads[i].reg, p->nregs, PL(p->nregs));
        else if (!(reads[i].mask & TM(p->reg_types[reads[i].reg])))
            ok = fail(v, "%s is register r%" PRIu32 ", of type %s", reads[i].what, reads[i].reg,
                      vtype_names[p->reg_types[reads[i].reg]]);
    }
    free(reads);
    return ok;
}

/* ---- instructions ---------------------------------------------------------- */

static const char *const operand_names[3] = {"A", "B", "C"};

/* Register r as operand `what` of the instruction at pc must exist and
 * have a type in mask. */
static bool check_reg(vctx *v, uint32_t pc, const char *what, uint32_t r, unsigned mask)
{
    const sla_program *p = v->p;
    const char *name = opcode_names[p->code[pc].op];
    char words[128];
    if (r >= p->nregs)
        return fail(v, "%s operand %s is register r%" PRIu32 ", but the program has %" PRIu32
                    " register%s (pc %" PRIu32 ")", name, what, r, p->nregs, PL(p->nregs), pc);
    if (!(mask & TM(p->reg_types[r])))
        return fail(v, "%s operand %s (r%" PRIu32 ") is %s; it should be %s (pc %" PRIu32 ")",
                    name, what, r, vtype_names[p->reg_types[r]],
                    mask_words(mask, words, sizeof words), pc);
    return true;
}

static bool check_dest(vctx *v, uint32_t pc, uint32_t r)
{
    const sla_program *p = v->p;
    if (r < p->first_temp)
        return fail(v, "%s writes register r%" PRIu32 ", which holds a %s (pc %" PRIu32 ")",
                    opcode_names[p->code[pc].op], r, r < p->nfields ? "field" : "constant", pc);
    return true;
}

static bool check_multi(vctx *v, uint32_t pc)
{
    const sla_program *p = v->p;
    const sla_insn *in = &p->code[pc];
    const char *name = opcode_names[in->op];
    const char *sig = opcode_signatures[in->op];
    const multi *m = get_multi(v, (opcode)in->op);
    if (!m->ok)
        return fail(v, "cannot check %s: its description in opcodes.h does not give the types "
                    "of its registers (pc %" PRIu32 ")", name, pc);
    const char *what = sig[2] == 'H' ? "hand-off" : "cadence";
    uint32_t ndesc = sig[2] == 'H' ? p->nhandoffs : p->ncadences;
    if (in->c >= ndesc)
        return fail(v, "%s operand C is %s %u, but the program has %" PRIu32 " (pc %" PRIu32 ")",
                    name, what, in->c, ndesc, pc);
    char label[64];
    for (int k = 0; k < m->nout; k++) {
        snprintf(label, sizeof label, "A+%d (%.*s)", k, m->out_len[k], m->out_word[k]);
        if (!check_reg(v, pc, label, (uint32_t)in->a + (uint32_t)k, letter_mask(m->out[k], in->op)))
            return false;
    }
    if (!check_dest(v, pc, in->a))
        return false;
    for (int k = 0; k < m->nin; k++) {
        snprintf(label, sizeof label, "B+%d (%.*s)", k, m->in_len[k], m->in_word[k]);
        if (!check_reg(v, pc, label, (uint32_t)in->b + (uint32_t)k, letter_mask(m->in[k], in->op)))
            return false;
    }
    return true;
}

static bool check_insn(vctx *v, uint32_t pc)
{
    const sla_program *p = v->p;
    const sla_insn *in = &p->code[pc];
    if (in->op >= OP__COUNT)
        return fail(v, "unknown opcode %u (pc %" PRIu32 ")", in->op, pc);
    const char *name = opcode_names[in->op];
    const char *sig = opcode_signatures[in->op];
    const uint16_t ops[3] = {in->a, in->b, in->c};

    if (is_jump(sig)) {
        if (sig[0] == '-') {
            if (in->a != 0)
                return fail(v, "%s operand A is unused but holds %u, not 0 (pc %" PRIu32 ")",
                            name, in->a, pc);
        } else if (!check_reg(v, pc, "A", in->a, letter_mask(sig[0], in->op))) {
            return false;
        }
        uint32_t t = insn_target(in);
        if (t <= pc)
            return fail(v, "%s jumps back to pc %" PRIu32 "; jumps only go forward (pc %" PRIu32
                        ")", name, t, pc);
        if (t >= p->ncode)
            return fail(v, "%s jumps to pc %" PRIu32 ", past the last instruction (pc %" PRIu32
                        ")", name, t, pc);
        return true;
    }
    if (has_multi(sig))
        return check_multi(v, pc);

    int same_i = -1, same_x = -1;     /* the operand that fixed the I or x type */
    for (int k = 0; k < 3; k++) {
        char c = sig[k];
        if (c == '-') {
            if (ops[k] != 0)
                return fail(v, "%s operand %s is unused but holds %u, not 0 (pc %" PRIu32 ")",
                            name, operand_names[k], ops[k], pc);
            continue;
        }
        if (c == 'S') {
            if (k != 2 || !letter_mask(sig[1], in->op))
                return fail(v, "cannot check %s: a set operand must follow the register it "
                            "tests (pc %" PRIu32 ")", name, pc);
            uint32_t want = p->reg_types[in->b];    /* the value tested: B, checked already */
            if (ops[k] >= p->nsets)
                return fail(v, "%s operand %s is set %u, but the program has %" PRIu32
                            " set%s (pc %" PRIu32 ")", name, operand_names[k], ops[k], p->nsets,
                            PL(p->nsets), pc);
            if (p->sets[ops[k]].type != want)
                return fail(v, "%s operand %s is set %u, which holds %s, not %s (pc %" PRIu32 ")",
                            name, operand_names[k], ops[k], vtype_names[p->sets[ops[k]].type],
                            vtype_names[want], pc);
            continue;
        }
        unsigned mask = letter_mask(c, in->op);
        if (!check_reg(v, pc, operand_names[k], ops[k], mask))
            return false;
        if (k == 0 && !check_dest(v, pc, ops[k]))
            return false;
        int *same = c == 'I' ? &same_i : c == 'x' ? &same_x : NULL;
        if (!same)
            continue;
        if (*same < 0) {
            *same = k;
        } else if (p->reg_types[ops[*same]] != p->reg_types[ops[k]]) {
            return fail(v, "%s operands %s (r%u) and %s (r%u) must have the same type, but are "
                        "%s and %s (pc %" PRIu32 ")", name, operand_names[*same], ops[*same],
                        operand_names[k], ops[k], vtype_names[p->reg_types[ops[*same]]],
                        vtype_names[p->reg_types[ops[k]]], pc);
        }
    }
    return true;
}

/* ---- dataflow ------------------------------------------------------------------ */

/* Words of pending state kept for jump targets in one pass (64 MiB). */
enum { FLOW_BUDGET_WORDS = 8u << 20 };

static bool check_flow(vctx *v)
{
    const sla_program *p = v->p;
    uint32_t base = p->first_temp;
    uint32_t ntemps = p->nregs - base;
    if (ntemps == 0)
        return true;

    const uint32_t none = UINT32_MAX;
    uint32_t *slot = xmalloc((size_t)p->ncode * sizeof *slot);
    uint32_t ntargets = 0;
    for (uint32_t pc = 0; pc < p->ncode; pc++)
        slot[pc] = none;
    for (uint32_t pc = 0; pc < p->ncode; pc++)
        if (is_jump(opcode_signatures[p->code[pc].op])) {
            uint32_t t = insn_target(&p->code[pc]);
            if (slot[t] == none)
                slot[t] = ntargets++;
        }

    size_t words = ((size_t)ntemps + 63) / 64;
    size_t w = words;
    if (((uint64_t)ntargets + 1) * w > FLOW_BUDGET_WORDS) {
        w = FLOW_BUDGET_WORDS / ((size_t)ntargets + 1);
        if (w == 0)
            w = 1;
    }
    uint64_t *cur = xmalloc(w * sizeof *cur);
    uint64_t *pend = xmalloc((ntargets ? ntargets : 1) * w * sizeof *pend);
    unsigned char *live = xmalloc(ntargets ? ntargets : 1);

    end_read *reads = xmalloc((size_t)program_end_read_count(p) * sizeof *reads);
    uint32_t nreads = program_end_reads(p, reads);
    uint32_t bad_pc = UINT32_MAX, bad_reg = 0, bad_out = UINT32_MAX;
    for (size_t w0 = 0; w0 < words; w0 += w) {
        size_t wn = words - w0 < w ? words - w0 : w;
        uint64_t lo = w0 * 64, hi = (w0 + wn) * 64;   /* temps [lo, hi) in this pass */
        memset(cur, 0, wn * sizeof *cur);
        memset(live, 0, ntargets ? ntargets : 1);
        bool reachable = true;
        for (uint32_t pc = 0; pc < p->ncode && pc < bad_pc; pc++) {
            const sla_insn *in = &p->code[pc];
            if (slot[pc] != none && live[slot[pc]]) {
                const uint64_t *ps = pend + (size_t)slot[pc] * w;
                for (size_t k = 0; k < wn; k++)
                    cur[k] = reachable ? cur[k] & ps[k] : ps[k];
                reachable = true;
            }
            if (!reachable)
                continue;
            reg_use u;
            insn_use(v, in, &u);
            bool found = false;
            for (int k = 0; k < u.nreads; k++) {
                uint32_t r = u.reads[k];
                if (r < base || r - base < lo || r - base >= hi)
                    continue;
                uint64_t t = r - base - lo;
                if (!(cur[t / 64] >> (t % 64) & 1) && (!found || r < bad_reg)) {
                    found = true;
                    bad_reg = r;
                }
            }
            if (in->op == OP_RET) {
                for (uint32_t k = 0; k < nreads && !found; k++) {
                    uint32_t r = reads[k].reg;
                    if (r < base || r - base < lo || r - base >= hi)
                        continue;
                    uint64_t t = r - base - lo;
                    if (!(cur[t / 64] >> (t % 64) & 1)) {
                        found = true;
                        bad_reg = r;
                        bad_out = k;
                    }
                }
            }
            if (found) {
                bad_pc = pc;
                if (in->op != OP_RET)
                    bad_out = UINT32_MAX;
                break;
            }
            for (int k = 0; k < u.nwrites; k++) {
                uint64_t r = (uint64_t)u.write + (uint64_t)k;
                if (r < base || r - base < lo || r - base >= hi)
                    continue;
                uint64_t t = r - base - lo;
                cur[t / 64] |= UINT64_C(1) << (t % 64);
            }
            if (is_jump(opcode_signatures[in->op])) {
                uint32_t s = slot[insn_target(in)];
                uint64_t *ps = pend + (size_t)s * w;
                for (size_t k = 0; k < wn; k++)
                    ps[k] = live[s] ? ps[k] & cur[k] : cur[k];
                live[s] = 1;
            }
            if (in->op == OP_JMP || in->op == OP_RET)
                reachable = false;
        }
    }
    free(slot);
    free(cur);
    free(pend);
    free(live);
    bool ok = true;
    if (bad_pc != UINT32_MAX && bad_out != UINT32_MAX)
        ok = fail(v, "%s%s register r%" PRIu32 ", which is not written on every path to the end "
                  "(RET at pc %" PRIu32 ")", reads[bad_out].what,
                  bad_out < p->noutputs ? " shows" : " is", bad_reg, bad_pc);
    free(reads);
    if (bad_pc == UINT32_MAX || !ok)
        return ok;
    return fail(v, "%s reads register r%" PRIu32 " before any instruction writes it (pc %" PRIu32
                ")", opcode_names[p->code[bad_pc].op], bad_reg, bad_pc);
}

/* ---- the whole program ---------------------------------------------------------- */

static bool check_program(vctx *v)
{
    const sla_program *p = v->p;
    if (!p)
        return fail(v, "there is no program");
    if (!p->name || !p->zone)
        return fail(v, "the program has no %s", p->name ? "time zone" : "name");
    if (p->nregs > 65535)
        return fail(v, "the program has %" PRIu32 " registers; at most 65535 are allowed",
                    p->nregs);
    if (p->nregs && !p->reg_types)
        return fail(v, "the program has %" PRIu32 " register%s but no types for them", p->nregs,
                    PL(p->nregs));
    for (uint32_t r = 0; r < p->nregs; r++)
        if ((unsigned)p->reg_types[r] >= VT__COUNT)
            return fail(v, "register r%" PRIu32 " has an unknown type (%u)", r,
                        (unsigned)p->reg_types[r]);
    if ((uint64_t)p->nfields + p->nconsts != p->first_temp)
        return fail(v, "the first computed register is r%" PRIu32 "; it should be r%" PRIu64
                    ", right after the fields and constants", p->first_temp,
                    (uint64_t)p->nfields + p->nconsts);
    if (p->first_temp > p->nregs)
        return fail(v, "the fields and constants need %" PRIu32 " register%s, but the program "
                    "has %" PRIu32, p->first_temp, PL(p->first_temp), p->nregs);

    if (!check_fields(v) || !check_names(v, p->stages, p->nstages, "stage") ||
        !check_names(v, p->classes, p->nclasses, "class") || !check_consts(v) ||
        !check_sets(v) || !check_clock(v) || !check_outputs(v) || !check_report(v))
        return false;

    if (p->ncode == 0)
        return fail(v, "the program has no instructions");
    if (!p->code || !p->lines)
        return fail(v, "the program has %" PRIu32 " instruction%s but no %s", p->ncode,
                    PL(p->ncode), p->code ? "source lines for them" : "list of them");
    for (uint32_t pc = 0; pc < p->ncode; pc++)
        if (!check_insn(v, pc))
            return false;
    if (p->code[p->ncode - 1].op != OP_RET)
        return fail(v, "the last instruction is %s, not RET",
                    opcode_names[p->code[p->ncode - 1].op]);
    return check_flow(v);
}

const char *verify_program(const sla_program *p, char *err, size_t errlen)
{
    static char fallback[256];    /* only for a caller that gave no buffer */
    vctx v = {.p = p, .err = err, .errlen = errlen};
    if (!err || errlen == 0) {
        v.err = fallback;
        v.errlen = sizeof fallback;
    }
    return check_program(&v) ? NULL : v.err;
}
