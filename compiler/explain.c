/*
 * explain.c - `sla explain`: one record, and why the policy decided what
 * it did, each line with the policy's line number.
 *
 * The policy is compiled with probes (emit.h): every expression the
 * explanation shows gets a register of its own, computed after the
 * record's program: lets, score rules, every condition and its parts (the
 * operands of and, or and not, both sides of a comparison), the clocks'
 * inputs and results. The record is found, read and evaluated by `sla
 * score`'s own reader and the interpreter (score_file with a pick), so the
 * values shown are the values score decides with.
 *
 * Probes are read once the record is finished. That is right for every
 * value but one: a stage's condition may name an earlier stage (`sql when
 * mql and ...`), which means "reached so far", not the final stage. So the
 * connectives of stage conditions (and, or, not, stage names, and lets
 * that use stages) are worked out here, stage by stage in order, from the
 * probes of their other parts; the stage found is checked against the
 * program's.
 */
#include "explain.h"

#include "check.h"
#include "compile.h"
#include "emit.h"

#include "../common/timefmt.h"
#include "../common/tz.h"
#include "../common/xalloc.h"
#include "../parser/parse.h"
#include "../runtime/calendar.h"
#include "../runtime/clock.h"
#include "../runtime/convert.h"
#include "../runtime/report.h"
#include "../runtime/score.h"
#include "../runtime/session.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US INT64_C(1000000)
enum { TEXT_MAX = 64, OPERAND_MAX = 40 };

struct explainer {
    arena a;
    const src_file *f;
    policy *p;
    sla_program *prog;
    VEC(emit_probe) probes;
    /* expression -> probe index, open addressing */
    const expr **keys;
    int *vals;
    size_t nslots, nkeys;
    int stage_pr, class_pr;
    int *score_pr;                 /* by score */
    int *ho_in, *ho_out;           /* by hand-off */
    int *ca_in, *ca_out;           /* by cadence */
};

/* ---- probes --------------------------------------------------------------------- */

static size_t slot_of(const explainer *x, const expr *e)
{
    uint64_t h = (uint64_t)(uintptr_t)e * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> 20) & (x->nslots - 1);
}

static int find_probe(const explainer *x, const expr *e)
{
    if (!x->nslots)
        return -1;
    for (size_t i = slot_of(x, e);; i = (i + 1) & (x->nslots - 1)) {
        if (!x->keys[i])
            return -1;
        if (x->keys[i] == e)
            return x->vals[i];
    }
}

static void remember(explainer *x, const expr *e, int v)
{
    if (2 * (x->nkeys + 1) > x->nslots) {
        size_t old = x->nslots;
        const expr **ok = x->keys;
        int *ov = x->vals;
        x->nslots = old ? old * 2 : 256;
        x->keys = xcalloc(x->nslots, sizeof *x->keys);
        x->vals = xcalloc(x->nslots, sizeof *x->vals);
        x->nkeys = 0;
        for (size_t i = 0; i < old; i++)
            if (ok[i])
                remember(x, ok[i], ov[i]);
        free(ok);
        free(ov);
    }
    size_t i = slot_of(x, e);
    while (x->keys[i])
        i = (i + 1) & (x->nslots - 1);
    x->keys[i] = e;
    x->vals[i] = v;
    x->nkeys++;
}

static int add_probe(explainer *x, probe_what w, int index)
{
    emit_probe pr = {.what = w, .index = index};
    vec_push(&x->a, &x->probes, pr);
    return x->probes.n - 1;
}

static bool is_compare(int op)
{
    return op >= BIN_EQ && op <= BIN_GE;
}

static bool is_connective(const expr *e)
{
    return e->kind == E_NOT || (e->kind == E_BINARY && (e->op == BIN_AND || e->op == BIN_OR));
}

/* Probes e, and the parts the explanation shows: the operands of
 * connectives and tests, and the value of a let it names. */
static void collect(explainer *x, const expr *e)
{
    if (!e || e->kind == E_ERROR || find_probe(x, e) >= 0)
        return;
    emit_probe pr = {.what = PROBE_EXPR, .e = e};
    vec_push(&x->a, &x->probes, pr);
    remember(x, e, x->probes.n - 1);
    switch ((expr_kind)e->kind) {
    case E_BINARY:
        if (e->op == BIN_AND || e->op == BIN_OR || is_compare(e->op) || e->op == BIN_DEFAULT) {
            collect(x, e->a);
            collect(x, e->b);
        }
        break;
    case E_NOT:
    case E_IN:
    case E_ISSET:
    case E_IS:
        collect(x, e->a);
        break;
    case E_TEXTTEST:
        collect(x, e->a);
        if (!e->any)
            collect(x, e->b);
        break;
    case E_OLDER:
        collect(x, e->a);
        collect(x, e->b);
        break;
    case E_NAME:
        if (e->sym && e->sym->kind == SYM_LET)
            collect(x, ((const let_decl *)e->sym->decl)->value);
        break;
    default:
        break;
    }
}

explainer *explain_open(const src_file *f, diag_set *d)
{
    explainer *x = xcalloc(1, sizeof *x);
    arena_init(&x->a);
    x->f = f;
    int before = d->errors;
    x->p = parse_policy(f, &x->a, d);
    check_policy(x->p, &x->a, d);
    if (d->errors != before)
        goto fail;
    const policy *p = x->p;
    x->stage_pr = add_probe(x, PROBE_STAGE, 0);
    x->class_pr = add_probe(x, PROBE_CLASS, 0);
    x->score_pr = arena_alloc(&x->a, ((size_t)p->scores.n + 1) * sizeof *x->score_pr);
    for (int i = 0; i < p->scores.n; i++)
        x->score_pr[i] = add_probe(x, PROBE_SCORE, i);
    x->ho_in = arena_alloc(&x->a, ((size_t)p->handoffs.n + 1) * sizeof *x->ho_in);
    x->ho_out = arena_alloc(&x->a, ((size_t)p->handoffs.n + 1) * sizeof *x->ho_out);
    for (int i = 0; i < p->handoffs.n; i++) {
        x->ho_in[i] = add_probe(x, PROBE_HANDOFF_IN, i);
        x->ho_out[i] = add_probe(x, PROBE_HANDOFF_OUT, i);
    }
    x->ca_in = arena_alloc(&x->a, ((size_t)p->cadences.n + 1) * sizeof *x->ca_in);
    x->ca_out = arena_alloc(&x->a, ((size_t)p->cadences.n + 1) * sizeof *x->ca_out);
    for (int i = 0; i < p->cadences.n; i++) {
        x->ca_in[i] = add_probe(x, PROBE_CADENCE_IN, i);
        x->ca_out[i] = add_probe(x, PROBE_CADENCE_OUT, i);
    }
    /* Only lets the program computes: probing another would read columns
     * `sla score` does not, and could reject a row it accepts. */
    for (int i = 0; i < p->lets.n; i++)
        if (p->lets.v[i]->uses)
            collect(x, p->lets.v[i]->value);
    for (int i = 0; i < p->scores.n; i++)
        for (int k = 0; k < p->scores.v[i]->rules.n; k++) {
            collect(x, p->scores.v[i]->rules.v[k].value);
            collect(x, p->scores.v[i]->rules.v[k].when);
        }
    for (int i = 0; i < p->stages.n; i++) {
        collect(x, p->stages.v[i]->when);
        collect(x, p->stages.v[i]->since);
    }
    for (int i = 0; i < p->classes.n; i++)
        collect(x, p->classes.v[i]->when);
    for (int i = 0; i < p->handoffs.n; i++)
        for (int k = 0; k < p->handoffs.v[i]->windows.n; k++)
            collect(x, p->handoffs.v[i]->windows.v[k].within);
    for (int i = 0; i < p->cadences.n; i++)
        for (int k = 0; k < p->cadences.v[i]->entries.n; k++)
            collect(x, p->cadences.v[i]->entries.v[k].within);
    for (int i = 0; i < p->recycles.n; i++)
        collect(x, p->recycles.v[i]->when);
    x->prog = compile_checked(p, f, d, x->probes.v, x->probes.n);
    if (!x->prog)
        goto fail;
    return x;

fail:
    explain_close(x);
    return NULL;
}

const char *explain_zone(const explainer *x)
{
    return x->prog->zone;
}

void explain_close(explainer *x)
{
    if (!x)
        return;
    if (x->prog)
        program_free(x->prog);
    free(x->keys);
    free(x->vals);
    arena_free(&x->a);
    free(x);
}

/* ---- one record ------------------------------------------------------------------ */

typedef struct ex {
    explainer *x;
    const policy *p;
    const sla_program *prog;
    const explain_options *o;
    const sla_value *regs;
    const score_picked *pk;
    const tz_zone *zone;
    const sla_calendar *cal;
    int64_t now;
    buf *out;
    bool done;
    /* decided */
    int stage;                 /* the program's */
    int traced_stage;          /* worked out here */
    bool *stage_held;
    int klass;                 /* -1: none */
} ex;

static const sla_value *probe_value(const ex *c, int i, vtype *t)
{
    const emit_probe *pr = &c->x->probes.v[i];
    if (t)
        *t = pr->type;
    return &c->regs[pr->reg];
}

/* The value of a probed expression; NULL for one that is not. */
static const sla_value *value_of(const ex *c, const expr *e, vtype *t)
{
    int i = e ? find_probe(c->x, e) : -1;
    return i < 0 ? NULL : probe_value(c, i, t);
}

/* ---- text ------------------------------------------------------------------------ */

static const char *const weekdays[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* An instant in the policy's zone: "Tue 2026-09-22 09:30". */
static void put_time(const ex *c, buf *b, int64_t us)
{
    int64_t s = floor_div(us, US);
    int64_t local = s + tz_offset_at(c->zone, s);
    int64_t days = floor_div(local, 86400), sod = local - days * 86400;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    buf_printf(b, "%s %04d-%02d-%02d %02d:%02d", weekdays[civil_weekday(days)], y, m, d,
               (int)(sod / 3600), (int)(sod / 60 % 60));
    if (sod % 60)
        buf_printf(b, ":%02d", (int)(sod % 60));
}

/* "2d 1h 32m", "45m", "0m". */
static void put_duration(buf *b, int64_t us)
{
    uint64_t u = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
    if (us < 0)
        buf_putc(b, '-');
    uint64_t s = u / US;
    uint64_t parts[4] = {s / 86400, s / 3600 % 24, s / 60 % 60, s % 60};
    static const char units[4] = {'d', 'h', 'm', 's'};
    bool any = false;
    for (int k = 0; k < 4; k++) {
        if (!parts[k] || (k == 3 && s >= 3600))
            continue;
        buf_printf(b, "%s%llu%c", any ? " " : "", (unsigned long long)parts[k], units[k]);
        any = true;
    }
    if (!any)
        buf_puts(b, "0m");
}

static void put_business(buf *b, const sla_value *v)
{
    if (v->len == 1) {
        buf_printf(b, "%lld business day%s", (long long)v->i, v->i == 1 ? "" : "s");
        return;
    }
    put_duration(b, v->i);
    buf_puts(b, " of business time");
}

/* Text from the policy or the export, with control characters as `?`,
 * cut to at most max characters (0: no limit). */
static void put_text(buf *b, const char *s, size_t n, size_t max)
{
    size_t chars = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch & 0xC0) != 0x80 && max && ++chars > max) {
            buf_puts(b, "...");
            return;
        }
        buf_putc(b, ch < 0x20 || ch == 0x7f ? '?' : (char)ch);
    }
}

static void put_quoted(buf *b, const char *s, size_t n, size_t max)
{
    buf_putc(b, '"');
    put_text(b, s, n, max);
    buf_putc(b, '"');
}

static void put_value(const ex *c, buf *b, vtype t, const sla_value *v)
{
    if (!v || v->null) {
        buf_puts(b, "unset");
        return;
    }
    switch (t) {
    case VT_INT: buf_printf(b, "%lld", (long long)v->i); break;
    case VT_NUMBER: fmt_value(b, t, v, c->zone, NULL); break;
    case VT_MONEY: {
        report_value rv = {.set = true, .is_money = true, .i = v->i};
        report_fmt_value(b, &rv, false);
        break;
    }
    case VT_BOOL: buf_puts(b, v->i ? "true" : "false"); break;
    case VT_TEXT: put_quoted(b, v->s, v->len, TEXT_MAX); break;
    case VT_TIME: put_time(c, b, v->i); break;
    case VT_DURATION: put_duration(b, v->i); break;
    case VT_BDURATION: put_business(b, v); break;
    case VT_STAGE:
    case VT_CLASS: {
        const char *const *names = program_names(c->prog, t);
        uint32_t n = t == VT_STAGE ? c->prog->nstages : c->prog->nclasses;
        buf_puts(b, names && v->i >= 0 && (uint64_t)v->i < n ? names[v->i] : "?");
        break;
    }
    case VT_HANDOFF:
        buf_puts(b, v->i >= 0 && v->i < HS__COUNT ? fmt_handoff_names[v->i] : "?");
        break;
    case VT_CADENCE:
        buf_puts(b, v->i >= 0 && v->i < CS__COUNT ? fmt_cadence_names[v->i] : "?");
        break;
    default: buf_puts(b, "?"); break;
    }
}

/* The source text of loc, over as many lines as it takes, comments
 * dropped and runs of blanks as one space; in the arena. */
static const char *loc_text(const ex *c, src_loc loc)
{
    buf raw;
    buf_init(&raw);
    for (int line = loc.line; line <= loc.end_line; line++) {
        src_loc one = {line, line == loc.line ? loc.col : 1, line,
                       line == loc.end_line ? loc.end_col : INT_MAX};
        size_t n;
        const char *s = src_text(c->x->f, one, &n);
        bool in_string = false;
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '"' && (i == 0 || s[i - 1] != '\\'))
                in_string = !in_string;
            if (s[i] == '#' && !in_string)
                break;
            buf_putc(&raw, s[i]);
        }
        buf_putc(&raw, ' ');
    }
    buf t;
    buf_init(&t);
    bool space = false, in_string = false;
    for (size_t i = 0; i < raw.len; i++) {
        char ch = raw.data[i];
        if (ch == '"' && (i == 0 || raw.data[i - 1] != '\\'))
            in_string = !in_string;
        if (!in_string && (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')) {
            space = t.len > 0;
            continue;
        }
        if (space)
            buf_putc(&t, ' ');
        space = false;
        buf_putc(&t, ch);
    }
    const char *r = arena_strndup(&c->x->a, t.data ? t.data : "", t.len);
    buf_free(&raw);
    buf_free(&t);
    return r;
}

/* An expression's text, without parentheses around the whole of it. */
static const char *text_of(const ex *c, const expr *e)
{
    const char *s = loc_text(c, e->loc);
    size_t n = strlen(s);
    while (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
        int depth = 0;
        size_t i;
        for (i = 0; i < n; i++) {
            depth += s[i] == '(' ? 1 : s[i] == ')' ? -1 : 0;
            if (depth == 0)
                break;
        }
        if (i != n - 1)
            break;
        s++;
        n -= 2;
    }
    return arena_strndup(&c->x->a, s, n);
}

static size_t width(const char *s)
{
    return report_text_width(s);
}

static void pad_to(buf *b, const char *s, size_t w)
{
    put_text(b, s, strlen(s), 0);
    for (size_t n = width(s); n < w; n++)
        buf_putc(b, ' ');
}

static void spaces(buf *b, size_t n)
{
    while (n--)
        buf_putc(b, ' ');
}

/* The left margin: the policy's line, or none. */
static void gutter(const ex *c, int line)
{
    if (line > 0)
        buf_printf(c->out, "%5d | ", line);
    else
        buf_puts(c->out, "      | ");
}

static void heading(const ex *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void heading(const ex *c, const char *fmt, ...)
{
    char tmp[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    buf_putc(c->out, '\n');
    put_text(c->out, tmp, strlen(tmp), 0);
    buf_putc(c->out, '\n');
}

/* ---- conditions ------------------------------------------------------------------ */

static bool is_literal(const expr *e)
{
    switch ((expr_kind)e->kind) {
    case E_INT: case E_NUMBER: case E_MONEY: case E_TEXT: case E_BOOL: case E_TIME:
    case E_DURATION:
        return true;
    case E_NEG:
        return is_literal(e->a);
    default:
        return false;
    }
}

/* 1 true, 0 false, -1 unset. In a stage's condition (so_far >= 0, the
 * stage reached before it), stage names, connectives and lets that use
 * stages are worked out here; everything else is its probe. */
static int tri(const ex *c, const expr *e, int so_far)
{
    if (so_far >= 0) {
        if (e->kind == E_BINARY && e->op == BIN_AND)
            return tri(c, e->a, so_far) == 1 && tri(c, e->b, so_far) == 1;
        if (e->kind == E_BINARY && e->op == BIN_OR)
            return tri(c, e->a, so_far) == 1 || tri(c, e->b, so_far) == 1;
        if (e->kind == E_NOT)
            return tri(c, e->a, so_far) != 1;
        if (e->kind == E_NAME && e->sym && e->sym->kind == SYM_STAGE)
            return e->sym->index <= so_far;
        if (e->kind == E_NAME && e->sym && e->sym->kind == SYM_LET) {
            const let_decl *l = e->sym->decl;
            if (l->deps.mask & (1u << DEP_STAGE) && l->value->type.k == TY_BOOL)
                return tri(c, l->value, so_far);
        }
    }
    const sla_value *v = value_of(c, e, NULL);
    if (!v || v->null)
        return -1;
    return v->i != 0;
}

static const char *tri_word(int t)
{
    return t == 1 ? "true" : t == 0 ? "false" : "unset";
}

static void flatten(const expr *e, int op, const expr **out, int *n, int max)
{
    if (e->kind == E_BINARY && e->op == op) {
        flatten(e->a, op, out, n, max);
        flatten(e->b, op, out, n, max);
    } else if (*n < max) {
        out[(*n)++] = e;
    }
}

enum { MAX_PARTS = 64 };

/* "name is value" for an operand, or nothing for a literal. */
static bool put_operand(const ex *c, buf *b, const expr *e, bool first)
{
    if (is_literal(e) || e->kind == E_NOW)
        return false;
    vtype t = VT_INT;
    const sla_value *v = value_of(c, e, &t);
    if (!v)
        return false;
    buf_puts(b, first ? "(" : ", ");
    const char *s = text_of(c, e);
    if (e->kind == E_NAME)
        buf_puts(b, s);
    else {
        buf_putc(b, '`');
        put_text(b, s, strlen(s), OPERAND_MAX);
        buf_putc(b, '`');
    }
    buf_puts(b, " is ");
    put_value(c, b, t, v);
    return true;
}

/* What a leaf of a condition is made of, in parentheses. */
static void put_detail(const ex *c, buf *b, const expr *e, int so_far)
{
    bool any = false;
    switch ((expr_kind)e->kind) {
    case E_BINARY:
        if (is_compare(e->op)) {
            any = put_operand(c, b, e->a, true);
            any = put_operand(c, b, e->b, !any) || any;
        }
        break;
    case E_IN:
    case E_TEXTTEST:
        any = put_operand(c, b, e->a, true);
        if (e->kind == E_TEXTTEST && !e->any)
            any = put_operand(c, b, e->b, !any) || any;
        break;
    case E_ISSET: {
        const sla_value *v = value_of(c, e->a, NULL);
        if (v && !v->null)
            any = put_operand(c, b, e->a, true);
        break;
    }
    case E_IS:
        if (tri(c, e, so_far) != 1)
            any = put_operand(c, b, e->a, true);
        break;
    case E_OLDER: {
        vtype t = VT_INT;
        const sla_value *v = value_of(c, e->a, &t);
        any = put_operand(c, b, e->a, true);
        if (any && v && !v->null && t == VT_TIME) {
            buf_puts(b, ", ");
            put_duration(b, c->now - v->i);
            buf_puts(b, " before now");
        }
        break;
    }
    case E_NAME:
        if (!e->sym)
            break;
        if (e->sym->kind == SYM_LET) {
            buf_printf(b, "(let, line %d", e->sym->loc.line);
            any = true;
        } else if (e->sym->kind == SYM_STAGE) {
            int now_stage = so_far >= 0 ? so_far : c->stage;
            buf_printf(b, "(the stage %s %s", so_far >= 0 ? "so far is" : "is",
                       c->prog->nstages ? c->prog->stages[now_stage] : "?");
            any = true;
        } else if (e->sym->kind == SYM_CLASS) {
            buf_printf(b, "(the class is %s", c->klass >= 0 ? c->prog->classes[c->klass] : "unset");
            any = true;
        }
        break;
    default:
        break;
    }
    if (any)
        buf_putc(b, ')');
}

/* One line: the value, the text, its detail; then the parts of an and,
 * or or not, each a level deeper. col: where the value starts. */
static void cond_tree(const ex *c, const expr *e, size_t col, int so_far, bool first)
{
    if (!first) {
        gutter(c, e->loc.line);
        spaces(c->out, col);
    }
    int t = tri(c, e, so_far);
    pad_to(c->out, tri_word(t), 7);
    const char *s = text_of(c, e);
    put_text(c->out, s, strlen(s), TEXT_MAX);
    if (!is_connective(e)) {
        buf t2;
        buf_init(&t2);
        put_detail(c, &t2, e, so_far);
        if (t2.len) {
            buf_puts(c->out, "   ");
            buf_put(c->out, t2.data, t2.len);
        }
        buf_free(&t2);
    }
    buf_putc(c->out, '\n');
    if (!is_connective(e))
        return;
    const expr *parts[MAX_PARTS];
    int n = 0;
    if (e->kind == E_NOT)
        parts[n++] = e->a;
    else
        flatten(e, e->op, parts, &n, MAX_PARTS);
    for (int i = 0; i < n; i++)
        cond_tree(c, parts[i], col + 2, so_far, false);
}

/* ---- what would have to change ------------------------------------------------------ */

static void bullet(const ex *c, int line, int depth)
{
    gutter(c, line);
    spaces(c->out, (size_t)depth * 4);
    buf_puts(c->out, "- ");
}

static void put_name(const ex *c, buf *b, const expr *e)
{
    const char *s = text_of(c, e);
    if (e->kind == E_NAME) {
        buf_puts(b, s);
        return;
    }
    buf_putc(b, '`');
    put_text(b, s, strlen(s), OPERAND_MAX);
    buf_putc(b, '`');
}

static int flip(int op)
{
    switch (op) {
    case BIN_LT: return BIN_GT;
    case BIN_LE: return BIN_GE;
    case BIN_GT: return BIN_LT;
    case BIN_GE: return BIN_LE;
    default: return op;
    }
}

static double as_double(vtype t, const sla_value *v)
{
    return t == VT_NUMBER ? v->f : t == VT_MONEY ? (double)v->i / 10000.0 : (double)v->i;
}

/* "score must reach 50 (it is 35: 15 more points)". */
static void need_compare(const ex *c, const expr *e, int depth)
{
    const expr *var = e->a, *lit = e->b;
    int op = e->op;
    buf *b = c->out;
    if (is_literal(e->a) && !is_literal(e->b)) {
        var = e->b;
        lit = e->a;
        op = flip(op);
    }
    bullet(c, e->loc.line, depth);
    vtype t = VT_INT, lt = VT_INT;
    const sla_value *v = value_of(c, var, &t), *lv = value_of(c, lit, &lt);
    if (!is_literal(lit) || !v || !lv) {
        buf_putc(b, '`');
        const char *s = text_of(c, e);
        put_text(b, s, strlen(s), TEXT_MAX);
        buf_puts(b, "` must hold");
        buf t2;
        buf_init(&t2);
        put_detail(c, &t2, e, -1);
        if (t2.len) {
            buf_putc(b, ' ');
            buf_put(b, t2.data, t2.len);
        }
        buf_free(&t2);
        buf_putc(b, '\n');
        return;
    }
    bool time = t == VT_TIME;
    const char *words = "";
    switch (op) {
    case BIN_GE: words = time ? "be at or after" : "reach"; break;
    case BIN_GT: words = time ? "be after" : "be more than"; break;
    case BIN_LE: words = time ? "be at or before" : "be at most"; break;
    case BIN_LT: words = time ? "be before" : "be less than"; break;
    case BIN_EQ: words = "be"; break;
    case BIN_NE: words = "not be"; break;
    }
    put_name(c, b, var);
    buf_printf(b, " must %s ", words);
    const char *ls = text_of(c, lit);
    put_text(b, ls, strlen(ls), TEXT_MAX);
    buf_puts(b, " (it is ");
    put_value(c, b, t, v);
    bool numeric = (t == VT_INT || t == VT_NUMBER || t == VT_MONEY) &&
                   (lt == VT_INT || lt == VT_NUMBER || lt == VT_MONEY);
    if (numeric && !v->null && !lv->null && (op == BIN_GE || op == BIN_GT)) {
        bool points = var->kind == E_NAME && var->sym && var->sym->kind == SYM_SCORE;
        if (t == lt && t != VT_NUMBER) {
            int64_t d = lv->i - v->i + (op == BIN_GT && t == VT_INT ? 1 : 0);
            if (d > 0) {
                buf_puts(b, ": ");
                if (t == VT_MONEY) {
                    sla_value dv = {.i = d};
                    put_value(c, b, VT_MONEY, &dv);
                } else {
                    buf_printf(b, "%lld", (long long)d);
                }
                buf_printf(b, " more%s", points ? (d == 1 ? " point" : " points") : "");
            }
        } else {
            double d = as_double(lt, lv) - as_double(t, v);
            if (d > 0 && op == BIN_GE)
                buf_printf(b, ": %g more%s", d, points ? " points" : "");
        }
    }
    buf_puts(b, ")\n");
}

static void need(const ex *c, const expr *e, int depth, int so_far);

static void need_parts(const ex *c, const expr *e, int depth, int so_far)
{
    const expr *parts[MAX_PARTS];
    int n = 0;
    flatten(e, e->op, parts, &n, MAX_PARTS);
    if (e->op == BIN_AND) {
        for (int i = 0; i < n; i++)
            if (tri(c, parts[i], so_far) != 1)
                need(c, parts[i], depth, so_far);
        return;
    }
    bullet(c, e->loc.line, depth);
    buf_puts(c->out, "any one of these would do:\n");
    for (int i = 0; i < n; i++)
        need(c, parts[i], depth + 1, so_far);
}

/* What would make e, a condition that does not hold, hold: in words where
 * there are words for it. */
static void need(const ex *c, const expr *e, int depth, int so_far)
{
    buf *b = c->out;
    int t = tri(c, e, so_far);
    if (t == 1)
        return;
    if (depth > 8) {
        bullet(c, e->loc.line, depth);
        buf_printf(b, "`%s` must be true\n", text_of(c, e));
        return;
    }
    switch ((expr_kind)e->kind) {
    case E_BINARY:
        if (e->op == BIN_AND || e->op == BIN_OR) {
            need_parts(c, e, depth, so_far);
            return;
        }
        if (is_compare(e->op)) {
            need_compare(c, e, depth);
            return;
        }
        break;
    case E_NAME:
        if (!e->sym)
            break;
        if (e->sym->kind == SYM_STAGE) {
            bullet(c, e->loc.line, depth);
            buf_printf(b, "the record must first reach %s\n", e->sym->name);
            return;
        }
        if (e->sym->kind == SYM_CLASS) {
            bullet(c, e->loc.line, depth);
            buf_printf(b, "the class must be %s (it is %s)\n", e->sym->name,
                       c->klass >= 0 ? c->prog->classes[c->klass] : "unset");
            return;
        }
        if (e->sym->kind == SYM_LET && e->type.k == TY_BOOL) {
            const let_decl *l = e->sym->decl;
            bullet(c, e->loc.line, depth);
            buf_printf(b, "%s must be true (it is %s; let, line %d):\n", e->sym->name,
                       tri_word(t), l->name.loc.line);
            need(c, l->value, depth + 1, so_far);
            return;
        }
        if (e->type.k == TY_BOOL) {
            bullet(c, e->loc.line, depth);
            buf_printf(b, "%s must be true (it is %s)\n", e->sym->name, tri_word(t));
            return;
        }
        break;
    case E_ISSET: {
        bullet(c, e->loc.line, depth);
        put_name(c, b, e->a);
        if (!e->negate) {
            buf_puts(b, " must be set (it is unset)\n");
            return;
        }
        vtype vt = VT_INT;
        const sla_value *v = value_of(c, e->a, &vt);
        buf_puts(b, " must be unset (it is ");
        put_value(c, b, vt, v);
        buf_puts(b, ")\n");
        return;
    }
    case E_IS: {
        vtype vt = VT_INT;
        const sla_value *v = value_of(c, e->a, &vt);
        bullet(c, e->loc.line, depth);
        put_name(c, b, e->a);
        buf_printf(b, " must %sbe %s (it is ", e->negate ? "not " : "", e->str);
        put_value(c, b, vt, v);
        buf_puts(b, ")\n");
        return;
    }
    case E_OLDER: {
        vtype vt = VT_INT;
        const sla_value *v = value_of(c, e->a, &vt);
        bullet(c, e->loc.line, depth);
        put_name(c, b, e->a);
        buf_printf(b, " must be older than %s (", text_of(c, e->b));
        if (!v || v->null) {
            buf_puts(b, "it is unset)\n");
        } else {
            buf_puts(b, "it is ");
            put_duration(b, c->now - v->i);
            buf_puts(b, " old)\n");
        }
        return;
    }
    default:
        break;
    }
    bullet(c, e->loc.line, depth);
    buf_putc(b, '`');
    const char *s = text_of(c, e);
    put_text(b, s, strlen(s), TEXT_MAX);
    buf_printf(b, "` must be true (it is %s)", tri_word(t));
    buf t2;
    buf_init(&t2);
    put_detail(c, &t2, e, so_far);
    if (t2.len) {
        buf_putc(b, ' ');
        buf_put(b, t2.data, t2.len);
    }
    buf_free(&t2);
    buf_putc(b, '\n');
}

/* ---- the sections ------------------------------------------------------------------ */

static void put_cell(const ex *c, buf *b, int field)
{
    int col = c->pk->column[field];
    if (col < 0 || col >= c->pk->rec->nfields) {
        buf_puts(b, "(no such column)");
        return;
    }
    const csv_field *f = &c->pk->rec->fields[col];
    put_quoted(b, f->p, f->len, TEXT_MAX);
}

static const char *record_id(const ex *c)
{
    if (!c->prog->nfields)
        return "";
    int col = c->pk->column[0];
    if (col < 0 || col >= c->pk->rec->nfields)
        return "";
    const csv_field *f = &c->pk->rec->fields[col];
    return arena_strndup(&c->x->a, f->p, f->len);
}

static void section_record(const ex *c)
{
    const policy *p = c->p;
    heading(c, "Record (line %d: record %s)", p->record_name.loc.line,
            p->record_name.name ? p->record_name.name : "");
    size_t wn = 5, wc = 6, wv = 4;
    buf cell;
    buf_init(&cell);
    for (uint32_t i = 0; i < c->prog->nfields; i++) {
        if (width(c->prog->fields[i].name) > wn)
            wn = width(c->prog->fields[i].name);
        if (width(c->prog->fields[i].column) > wc)
            wc = width(c->prog->fields[i].column);
        buf_reset(&cell);
        put_cell(c, &cell, (int)i);
        buf_putc(&cell, 0);
        if (width(cell.data) > wv)
            wv = width(cell.data);
    }
    gutter(c, 0);
    pad_to(c->out, "field", wn + 2);
    pad_to(c->out, "column", wc + 2);
    pad_to(c->out, "cell", wv + 2);
    buf_puts(c->out, "value\n");
    for (uint32_t i = 0; i < c->prog->nfields; i++) {
        const sla_field *f = &c->prog->fields[i];
        gutter(c, p->fields.v[i]->name.loc.line);
        pad_to(c->out, f->name, wn + 2);
        buf b;
        buf_init(&b);
        put_text(&b, f->column, strlen(f->column), 0);
        buf_putc(&b, 0);
        pad_to(c->out, b.data, wc + 2);
        buf_free(&b);
        buf_reset(&cell);
        put_cell(c, &cell, (int)i);
        buf_putc(&cell, 0);
        pad_to(c->out, cell.data, wv + 2);
        if (!f->used)
            buf_puts(c->out, "(not used by the policy)");
        else
            put_value(c, c->out, f->type, &c->regs[i]);
        buf_putc(c->out, '\n');
    }
    buf_free(&cell);
}

static void section_lets(const ex *c)
{
    const policy *p = c->p;
    size_t w = 0;
    int n = 0;
    for (int i = 0; i < p->lets.n; i++)
        if (p->lets.v[i]->uses) {
            n++;
            if (width(p->lets.v[i]->name.name) > w)
                w = width(p->lets.v[i]->name.name);
        }
    if (!n)
        return;
    heading(c, "Lets");
    for (int i = 0; i < p->lets.n; i++) {
        const let_decl *l = p->lets.v[i];
        if (!l->uses)
            continue;
        gutter(c, l->name.loc.line);
        pad_to(c->out, l->name.name, w + 2);
        if (l->value->type.k == TY_BOOL) {
            cond_tree(c, l->value, w + 2, -1, true);
            continue;
        }
        vtype t = VT_INT;
        const sla_value *v = value_of(c, l->value, &t);
        put_value(c, c->out, t, v);
        buf_puts(c->out, "   = ");
        const char *s = text_of(c, l->value);
        put_text(c->out, s, strlen(s), TEXT_MAX);
        buf_putc(c->out, '\n');
    }
}

static void put_points(const ex *c, buf *b, vtype t, const sla_value *v)
{
    if (!v || v->null) {
        buf_puts(b, "unset");
        return;
    }
    bool neg = t == VT_NUMBER ? v->f < 0 : v->i < 0;
    if (!neg)
        buf_putc(b, '+');
    put_value(c, b, t, v);
}

static void section_scores(const ex *c)
{
    const policy *p = c->p;
    for (int i = 0; i < p->scores.n; i++) {
        const score_decl *s = p->scores.v[i];
        vtype st;
        const sla_value *total = probe_value(c, c->x->score_pr[i], &st);
        buf tb;
        buf_init(&tb);
        put_value(c, &tb, st, total);
        buf_putc(&tb, 0);
        heading(c, "Score %s (line %d): %s", s->name.name, s->loc.line, tb.data);
        size_t w = 5;
        for (int k = 0; k < s->rules.n; k++) {
            size_t n = width(text_of(c, s->rules.v[k].value));
            if (n > TEXT_MAX)
                n = TEXT_MAX + 3;
            if (n > w)
                w = n;
        }
        gutter(c, 0);
        pad_to(c->out, "points", w + 2);
        pad_to(c->out, "holds", 8);
        buf_puts(c->out, "adds\n");
        for (int k = 0; k < s->rules.n; k++) {
            const score_rule *r = &s->rules.v[k];
            gutter(c, r->loc.line);
            const char *vs = text_of(c, r->value);
            buf vb;
            buf_init(&vb);
            put_text(&vb, vs, strlen(vs), TEXT_MAX);
            buf_putc(&vb, 0);
            pad_to(c->out, vb.data, w + 2);
            buf_free(&vb);
            vtype vt = VT_INT;
            const sla_value *v = value_of(c, r->value, &vt);
            int t = r->when ? tri(c, r->when, -1) : 1;
            pad_to(c->out, r->when ? tri_word(t) : "always", 8);
            buf pb;
            buf_init(&pb);
            if (t == 1)
                put_points(c, &pb, vt, v);
            else
                buf_puts(&pb, "+0");
            buf_putc(&pb, 0);
            pad_to(c->out, pb.data, r->when ? 8 : 0);
            buf_free(&pb);
            if (r->when) {
                buf_puts(c->out, "when ");
                const char *ws = text_of(c, r->when);
                put_text(c->out, ws, strlen(ws), TEXT_MAX);
                buf t2;
                buf_init(&t2);
                put_detail(c, &t2, r->when, -1);
                if (t2.len) {
                    buf_puts(c->out, "   ");
                    buf_put(c->out, t2.data, t2.len);
                }
                buf_free(&t2);
            }
            buf_putc(c->out, '\n');
        }
        gutter(c, 0);
        pad_to(c->out, "total", w + 2 + 8);
        put_value(c, c->out, st, total);
        buf_putc(c->out, '\n');
        buf_free(&tb);
    }
}

static void section_stages(ex *c)
{
    const policy *p = c->p;
    if (!p->stages.n)
        return;
    heading(c, "Stages (line %d): the record is in the last stage whose condition holds",
            p->stages_loc.line);
    size_t w = 0;
    for (int i = 0; i < p->stages.n; i++)
        if (width(p->stages.v[i]->name.name) > w)
            w = width(p->stages.v[i]->name.name);
    int so_far = 0;
    for (int i = 0; i < p->stages.n; i++) {
        const stage_decl *s = p->stages.v[i];
        gutter(c, s->name.loc.line);
        pad_to(c->out, s->name.name, w + 2);
        if (!s->when) {
            c->stage_held[i] = true;
            buf_puts(c->out, i == 0 ? "every record starts here\n" : "always holds\n");
            if (i)
                so_far = i;
            continue;
        }
        c->stage_held[i] = tri(c, s->when, so_far) == 1;
        cond_tree(c, s->when, w + 2, so_far, true);
        if (c->stage_held[i])
            so_far = i;
    }
    c->traced_stage = so_far;
    const stage_decl *s = p->stages.v[c->stage];
    gutter(c, s->name.loc.line);
    buf_printf(c->out, "=> stage %s", s->name.name);
    if (s->since) {
        vtype t = VT_INT;
        const sla_value *v = value_of(c, s->since, &t);
        buf_puts(c->out, ", since ");
        put_value(c, c->out, t, v);
        buf_printf(c->out, " (since %s)", text_of(c, s->since));
    }
    buf_putc(c->out, '\n');
    if (so_far != c->stage) {
        gutter(c, 0);
        buf_printf(c->out, "note: the conditions above, read in order, give %s; a let that "
                   "uses stages is computed once, at the first stage that needs it\n",
                   p->stages.v[so_far]->name.name);
    }
}

static void section_classes(const ex *c)
{
    const policy *p = c->p;
    if (!p->classes.n)
        return;
    heading(c, "Classes (line %d): the first class whose condition holds", p->classes_loc.line);
    size_t w = 0;
    for (int i = 0; i < p->classes.n; i++)
        if (width(p->classes.v[i]->name.name) > w)
            w = width(p->classes.v[i]->name.name);
    for (int i = 0; i < p->classes.n; i++) {
        const class_decl *k = p->classes.v[i];
        gutter(c, k->name.loc.line);
        pad_to(c->out, k->name.name, w + 2);
        if (k->otherwise)
            buf_puts(c->out, "otherwise\n");
        else
            cond_tree(c, k->when, w + 2, -1, true);
        if (i == c->klass)
            break;
    }
    if (c->klass < 0) {
        gutter(c, 0);
        buf_puts(c->out, "=> no class: none holds, and there is no `otherwise`\n");
        return;
    }
    const class_decl *k = p->classes.v[c->klass];
    gutter(c, k->name.loc.line);
    if (k->otherwise)
        buf_printf(c->out, "=> class %s: no class above holds; otherwise takes the rest\n",
                   k->name.name);
    else if (c->klass == 0)
        buf_printf(c->out, "=> class %s: the first class, and its condition holds\n", k->name.name);
    else
        buf_printf(c->out, "=> class %s: the first class whose condition holds\n", k->name.name);
}

/* The window entry that applies to the record's class, or NULL. */
static const class_window *window_for(const ex *c, const window_vec *ws)
{
    const class_window *other = NULL;
    for (int i = 0; i < ws->n; i++) {
        const class_window *cw = &ws->v[i];
        if (!cw->cls.name || strcmp(cw->cls.name, "otherwise") == 0)
            other = cw;
        else if (c->klass >= 0 && strcmp(cw->cls.name, c->prog->classes[c->klass]) == 0)
            return cw;
    }
    return other;
}

static int stage_index(const policy *p, const char *name)
{
    for (int i = 0; i < p->stages.n; i++)
        if (strcmp(p->stages.v[i]->name.name, name) == 0)
            return i;
    return -1;
}

static void clock_line(const ex *c, int line, const char *label, const expr *e, vtype t,
                       const sla_value *v, size_t w)
{
    gutter(c, line);
    buf lb;
    buf_init(&lb);
    buf_puts(&lb, label);
    if (e) {
        const char *s = text_of(c, e);
        put_text(&lb, s, strlen(s), OPERAND_MAX);
    }
    buf_putc(&lb, 0);
    pad_to(c->out, lb.data, w);
    buf_free(&lb);
    put_value(c, c->out, t, v);
    buf_putc(c->out, '\n');
}

/* Why a hand-off or cadence of stage `from` (until `until`, -1 for none)
 * does not apply, or NULL if the stage does not keep it from applying. */
static bool stage_excludes(const ex *c, int from, int until, const char *what)
{
    const char *const *st = c->prog->stages;
    if (c->stage < from) {
        gutter(c, 0);
        buf_printf(c->out, "=> n/a: the record is in %s, before %s, where the %s starts\n",
                   st[c->stage], st[from], what);
        return true;
    }
    if (until >= 0 && c->stage >= until) {
        gutter(c, 0);
        buf_printf(c->out, "=> n/a: the record has reached %s, where the %s ends (until %s)\n",
                   st[c->stage], what, st[until]);
        return true;
    }
    return false;
}

static void section_handoffs(const ex *c)
{
    const policy *p = c->p;
    for (int i = 0; i < p->handoffs.n; i++) {
        const handoff_decl *h = p->handoffs.v[i];
        vtype t = VT_INT;
        const sla_value *in = probe_value(c, c->x->ho_in[i], &t);
        const sla_value *out = probe_value(c, c->x->ho_out[i], &t);
        if (h->until.name)
            heading(c, "Hand-off %s to %s until %s (line %d)", h->stage.name, h->team.name,
                    h->until.name, h->loc.line);
        else
            heading(c, "Hand-off %s to %s (line %d)", h->stage.name, h->team.name, h->loc.line);
        size_t w = 24;
        const size_t lw = strlen("clock starts at ") + OPERAND_MAX;
        size_t ws = strlen("clock starts at ") + width(text_of(c, h->start));
        size_t wt = strlen("clock stops at ") + width(text_of(c, h->stop));
        w = ws > w ? ws : w;
        w = wt > w ? wt : w;
        w = (w > lw ? lw + 3 : w) + 2;
        clock_line(c, h->start->loc.line, "clock starts at ", h->start, VT_TIME, &in[0], w);
        clock_line(c, h->stop->loc.line, "clock stops at ", h->stop, VT_TIME, &in[1], w);
        const class_window *cw = window_for(c, &h->windows);
        if (cw) {
            gutter(c, cw->within->loc.line);
            buf lb;
            buf_init(&lb);
            if (cw->cls.name && strcmp(cw->cls.name, "otherwise"))
                buf_printf(&lb, "window for class %s", cw->cls.name);
            else if (cw->cls.name)
                buf_puts(&lb, "window (otherwise)");
            else
                buf_puts(&lb, "window");
            buf_putc(&lb, 0);
            pad_to(c->out, lb.data, w);
            buf_free(&lb);
            buf_puts(c->out, text_of(c, cw->within));
            if (cw->within->type.k == TY_BDURATION && p->hours.n)
                buf_printf(c->out, ", on the business hours of line %d", p->hours_loc.line);
            buf_putc(c->out, '\n');
        }
        int from = stage_index(p, h->stage.name);
        int until = h->until.name ? stage_index(p, h->until.name) : -1;
        if (stage_excludes(c, from, until, "hand-off"))
            continue;
        if (in[0].null) {
            gutter(c, 0);
            buf_printf(c->out, "=> n/a: the clock has not started (%s is unset)\n",
                       text_of(c, h->start));
            continue;
        }
        if (!cw || out[0].null) {
            gutter(c, 0);
            buf_puts(c->out, cw ? "=> n/a: the due time cannot be worked out\n"
                                : "=> n/a: no window for the record's class\n");
            continue;
        }
        const char *wtext = text_of(c, cw->within);
        int64_t due = out[1].i;
        gutter(c, 0);
        buf_puts(c->out, "started ");
        put_time(c, c->out, in[0].i);
        buf_puts(c->out, ", answer due ");
        put_time(c, c->out, due);
        buf_printf(c->out, " (%s later", wtext);
        if (!in[3].null && c->cal && !cal_is_open(c->cal, in[0].i)) {
            buf_puts(c->out, ", counted from the next business hour, ");
            put_time(c, c->out, cal_next_open(c->cal, in[0].i));
        }
        buf_puts(c->out, "), ");
        if (!in[1].null) {
            buf_puts(c->out, "answered ");
            put_time(c, c->out, in[1].i);
            if (in[1].i < in[0].i)
                buf_puts(c->out, ", before the clock started,");
            if (out[0].i == HS_MET) {
                buf_puts(c->out, ": met, ");
                put_duration(c->out, due - in[1].i);
                buf_puts(c->out, " before the due time\n");
            } else {
                buf_puts(c->out, ": breached by ");
                put_duration(c->out, in[1].i - due);
                buf_putc(c->out, '\n');
            }
        } else if (out[0].i == HS_BREACHED) {
            buf_puts(c->out, "not answered by now: breached, ");
            put_duration(c->out, c->now - due);
            buf_puts(c->out, " overdue\n");
        } else {
            buf_puts(c->out, "not answered yet: pending, ");
            put_duration(c->out, due - c->now);
            buf_puts(c->out, " left\n");
        }
        gutter(c, 0);
        buf_printf(c->out, "elapsed from the start to %s: ", in[1].null ? "now" : "the answer");
        if (!in[3].null) {
            sla_value e = out[2];
            e.len = 0;
            put_business(c->out, &e);
        } else {
            put_duration(c->out, out[2].i);
        }
        buf_puts(c->out, " (the record's handoff_elapsed)\n");
        gutter(c, 0);
        buf_printf(c->out, "=> %s\n", fmt_handoff_names[out[0].i]);
    }
    if (p->handoffs.n > 1) {
        gutter(c, 0);
        const sla_value *v = &c->regs[c->prog->report.handoff];
        buf_puts(c->out, "the record's `handoff` is the hand-off of the highest stage reached "
                         "that applies: ");
        put_value(c, c->out, VT_HANDOFF, v);
        buf_putc(c->out, '\n');
    }
}

static void section_cadences(const ex *c)
{
    const policy *p = c->p;
    for (int i = 0; i < p->cadences.n; i++) {
        const cadence_decl *cd = p->cadences.v[i];
        vtype t = VT_INT;
        const sla_value *in = probe_value(c, c->x->ca_in[i], &t);
        const sla_value *out = probe_value(c, c->x->ca_out[i], &t);
        heading(c, "Cadence %s on %s (line %d)", cd->team.name, cd->stage.name, cd->loc.line);
        size_t w = 26;
        buf lb;
        buf_init(&lb);
        gutter(c, cd->count->loc.line);
        buf_printf(&lb, "count %s", text_of(c, cd->count));
        buf_putc(&lb, 0);
        pad_to(c->out, lb.data, w);
        buf_reset(&lb);
        put_value(c, c->out, VT_INT, &in[1]);
        buf_puts(c->out, " touches made\n");
        gutter(c, cd->since ? cd->since->loc.line : cd->count->loc.line);
        if (cd->since)
            buf_printf(&lb, "since %s", text_of(c, cd->since));
        else
            buf_puts(&lb, "since the hand-off's start");
        buf_putc(&lb, 0);
        pad_to(c->out, lb.data, w);
        buf_reset(&lb);
        put_value(c, c->out, VT_TIME, &in[0]);
        buf_putc(c->out, '\n');
        const class_window *cw = window_for(c, &cd->entries);
        if (cw) {
            gutter(c, cw->touches_loc.line);
            if (cw->cls.name)
                buf_printf(&lb, "class %s", cw->cls.name);
            else
                buf_puts(&lb, "every record");
            buf_putc(&lb, 0);
            pad_to(c->out, lb.data, w);
            buf_printf(c->out, "%lld touch%s over %s\n", (long long)cw->touches,
                       cw->touches == 1 ? "" : "es", text_of(c, cw->within));
        }
        buf_free(&lb);
        int from = stage_index(p, cd->stage.name);
        if (stage_excludes(c, from, c->prog->cadences[i].until, "cadence"))
            continue;
        if (in[0].null) {
            gutter(c, 0);
            buf_puts(c->out, "=> n/a: the cadence has not started (its start is unset)\n");
            continue;
        }
        if (!cw || out[0].null) {
            gutter(c, 0);
            buf_puts(c->out, cw ? "=> n/a: the period cannot be worked out\n"
                                : "=> n/a: no entry for the record's class\n");
            continue;
        }
        bool business = in[3].null;
        int64_t period = business ? clk_business_us(c->cal, in[0].i, &in[4]) : in[3].i;
        int64_t elapsed = business ? cal_between(c->cal, in[0].i, c->now) : c->now - in[0].i;
        int64_t n = in[2].i, made = in[1].null ? 0 : in[1].i;
        gutter(c, 0);
        buf_printf(c->out, "touch k of %lld is due at the start + %s x k / %lld: one every ",
                   (long long)n, text_of(c, cw->within), (long long)n);
        put_duration(c->out, period / (n ? n : 1));
        buf_puts(c->out, business ? " of business time\n" : "\n");
        gutter(c, 0);
        buf_puts(c->out, "now is ");
        put_duration(c->out, elapsed);
        buf_printf(c->out, "%s after the start", business ? " of business time" : "");
        if (elapsed > period)
            buf_puts(c->out, ": the period is over");
        buf_printf(c->out, "; %lld of %lld touches expected by now, %lld made\n",
                   (long long)out[1].i, (long long)n, (long long)made);
        if (!out[2].null) {
            gutter(c, 0);
            buf_printf(c->out, "touch %lld of %lld %s ", (long long)(made + 1), (long long)n,
                       out[2].i < c->now ? "was due" : "is due");
            put_time(c, c->out, out[2].i);
            buf_puts(c->out, " (cadence_next_due)\n");
        }
        gutter(c, 0);
        buf_printf(c->out, "=> %s", fmt_cadence_names[out[0].i]);
        switch (out[0].i) {
        case CS_COMPLETE:
            buf_printf(c->out, ": %lld touches made, %lld needed\n", (long long)made, (long long)n);
            break;
        case CS_OVERDUE:
            buf_printf(c->out, ": the period is over with %lld of %lld touches\n", (long long)made,
                       (long long)n);
            break;
        default:   /* on track, behind */
            buf_printf(c->out, ": %lld made, %lld expected by now\n", (long long)made,
                       (long long)out[1].i);
            break;
        }
    }
}

static void section_recycling(const ex *c)
{
    const policy *p = c->p;
    if (!p->recycles.n)
        return;
    heading(c, "Recycling: the first rule whose condition holds");
    size_t w = 0;
    for (int i = 0; i < p->recycles.n; i++)
        if (width(p->recycles.v[i]->target.name) + 3 > w)
            w = width(p->recycles.v[i]->target.name) + 3;
    int fired = -1;
    for (int i = 0; i < p->recycles.n; i++) {
        const recycle_decl *r = p->recycles.v[i];
        gutter(c, r->loc.line);
        buf lb;
        buf_init(&lb);
        buf_printf(&lb, "to %s", r->target.name);
        buf_putc(&lb, 0);
        pad_to(c->out, lb.data, w + 2);
        buf_free(&lb);
        if (fired >= 0) {
            buf_puts(c->out, "not tried: a rule above holds\n");
            continue;
        }
        cond_tree(c, r->when, w + 2, -1, true);
        if (tri(c, r->when, -1) == 1)
            fired = i;
    }
    if (fired < 0) {
        gutter(c, 0);
        buf_puts(c->out, "=> not recycled: no rule holds\n");
        return;
    }
    const recycle_decl *r = p->recycles.v[fired];
    gutter(c, r->loc.line);
    buf_printf(c->out, "=> recycled to %s: ", r->target.name);
    if (r->reason.s)
        put_quoted(c->out, r->reason.s, strlen(r->reason.s), 0);
    else
        buf_printf(c->out, "\"%s\" (no `because`: the condition is the reason)",
                   text_of(c, r->when));
    buf_putc(c->out, '\n');
}

static void section_next(const ex *c)
{
    const policy *p = c->p;
    if (p->stages.n < 2)
        return;
    if (c->stage + 1 >= p->stages.n) {
        heading(c, "Next stage: none, %s is the last stage", p->stages.v[c->stage]->name.name);
        return;
    }
    const stage_decl *s = p->stages.v[c->stage + 1];
    heading(c, "To reach %s (line %d), the next stage, this would have to change:", s->name.name,
            s->name.loc.line);
    if (s->when)
        need(c, s->when, 0, c->stage);
}

static void summary(const ex *c)
{
    const policy *p = c->p;
    buf *b = c->out;
    buf_puts(b, "Result: ");
    bool first = true;
    for (int i = 0; i < p->scores.n; i++) {
        vtype t = VT_INT;
        const sla_value *v = probe_value(c, c->x->score_pr[i], &t);
        buf_printf(b, "%s%s ", first ? "" : ", ", p->scores.v[i]->name.name);
        put_value(c, b, t, v);
        first = false;
    }
    if (p->stages.n) {
        buf_printf(b, "%sstage %s", first ? "" : ", ", c->prog->stages[c->stage]);
        first = false;
    }
    if (p->classes.n) {
        buf_printf(b, "%sclass %s", first ? "" : ", ",
                   c->klass >= 0 ? c->prog->classes[c->klass] : "none");
        first = false;
    }
    if (p->handoffs.n) {
        buf_printf(b, "%shand-off ", first ? "" : ", ");
        const sla_value *v = &c->regs[c->prog->report.handoff];
        buf_puts(b, v->null ? "n/a" : fmt_handoff_names[v->i]);
        first = false;
    }
    if (p->cadences.n) {
        buf_printf(b, "%scadence ", first ? "" : ", ");
        const sla_value *v = &c->regs[c->prog->report.cadence];
        buf_puts(b, v->null ? "n/a" : fmt_cadence_names[v->i]);
        first = false;
    }
    if (p->recycles.n) {
        const sla_value *v = &c->regs[c->prog->report.recycled];
        buf_printf(b, "%s%s", first ? "" : ", ", !v->null && v->i ? "recycled" : "not recycled");
        if (!v->null && v->i)
            for (int i = 0; i < p->recycles.n; i++)
                if (tri(c, p->recycles.v[i]->when, -1) == 1) {
                    buf_printf(b, " to %s", p->recycles.v[i]->target.name);
                    break;
                }
    }
    buf_putc(b, '\n');
}

static void on_pick(void *user, const sla_value *regs, const score_picked *pk)
{
    ex *c = user;
    const policy *p = c->p;
    c->regs = regs;
    c->pk = pk;
    c->done = true;
    vtype t = VT_INT;
    const sla_value *sv = probe_value(c, c->x->stage_pr, &t);
    c->stage = p->stages.n && !sv->null ? (int)sv->i : 0;
    const sla_value *kv = probe_value(c, c->x->class_pr, &t);
    c->klass = p->classes.n && !kv->null ? (int)kv->i : -1;
    c->stage_held = xcalloc((size_t)p->stages.n + 1, sizeof *c->stage_held);

    const char *rn = p->record_name.name ? p->record_name.name : "record";
    buf *b = c->out;
    buf_putc(b, (char)toupper((unsigned char)rn[0]));
    buf_puts(b, rn + 1);
    if (c->prog->nfields) {
        buf_putc(b, ' ');
        const char *id = record_id(c);
        put_text(b, id, strlen(id), TEXT_MAX);
    }
    buf_printf(b, ": row %lld of %s (line %lld)\n", (long long)pk->row,
               strcmp(c->o->input, "-") == 0 ? "<stdin>" : c->o->input, (long long)pk->line);
    buf_puts(b, "Policy ");
    put_quoted(b, c->prog->name, strlen(c->prog->name), 0);
    buf_printf(b, " (%s), as of ", c->x->f->name);
    put_time(c, b, c->now);
    buf_printf(b, " in %s\n", c->prog->zone);
    buf_printf(b, "Numbers on the left are lines of %s; times are in %s.\n", c->x->f->name,
               c->prog->zone);
    summary(c);

    section_record(c);
    section_lets(c);
    section_scores(c);
    section_stages(c);
    section_classes(c);
    section_handoffs(c);
    section_cadences(c);
    section_recycling(c);
    section_next(c);
    free(c->stage_held);
}

int explain_record(explainer *x, const explain_options *o, buf *out)
{
    session ses;
    char err[300];
    memset(&ses, 0, sizeof ses);
    if (session_open(&ses, x->prog, err, sizeof err) < 0) {
        fprintf(stderr, "sla: %s\n", err);
        session_close(&ses);
        return 2;
    }
    ex c = {.x = x, .p = x->p, .prog = x->prog, .o = o, .zone = ses.zone,
            .cal = session_calendar(&ses), .now = o->as_of, .out = out};
    score_options so = {.input = o->input, .discard = true, .as_of = o->as_of,
                        .pick_row = o->id ? 0 : o->row, .pick_id = o->id, .pick_fn = on_pick,
                        .pick_user = &c};
    score_stats st;
    int rc = score_file(x->prog, &so, &st);
    const char *name = strcmp(o->input, "-") == 0 ? "<stdin>" : o->input;
    if (rc == 0 && !c.done) {
        if (o->id)
            fprintf(stderr, "sla explain: %s: no row has %s \"%s\" (%lld row%s read)\n", name,
                    x->prog->nfields ? x->prog->fields[0].column : "an id", o->id,
                    (long long)st.read, st.read == 1 ? "" : "s");
        else
            fprintf(stderr, "sla explain: %s: there is no row %lld: the file has %lld data row%s\n",
                    name, (long long)o->row, (long long)st.read, st.read == 1 ? "" : "s");
        rc = 1;
    } else if (rc == 0 && st.same_id) {
        fprintf(stderr, "sla explain: note: %lld other row%s of %s %s %s \"%s\" (the first at "
                "line %lld); this is the first\n", (long long)st.same_id,
                st.same_id == 1 ? "" : "s", name, st.same_id == 1 ? "has" : "have",
                x->prog->fields[0].column, o->id, (long long)st.same_id_line);
    }
    session_close(&ses);
    return rc;
}
