/*
 * check.c - names, types, evaluation order and meaning of a policy.
 *
 * One pass over the declarations builds the symbol table (one namespace
 * for fields, lets, scores, stages, classes and the built-in per-record
 * values; teams have their own, as they never appear in expressions).
 * A second pass types every expression, bottom up.
 *
 * Evaluation order is fixed: fields, scores (in the order written), the
 * stage, the class, the hand-off, the cadence, recycling, then outputs and
 * quotas. Each expression records what it depends on (deps); a let's
 * dependencies are those of its definition, found by a depth-first walk
 * that also catches circular lets. A rule that uses something decided
 * after it is an error at the use, naming the let it came through.
 *
 * The warnings that need reasoning about conditions (a stage that no
 * record can end in, a class that can never be chosen) use a small, sound
 * implication test: it proves "whenever P holds, Q holds" for and/or
 * combinations of identical tests and numeric bounds, and says nothing
 * when it cannot tell.
 */
#include "check.h"

#include "../common/suggest.h"
#include "../common/timefmt.h"
#include "../common/tz.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- symbol tables ------------------------------------------------------ */

typedef struct symtab {
    symbol **slot;
    size_t cap, n;
} symtab;

static size_t hash_name(const char *s)
{
    size_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static symbol *sym_find(const symtab *t, const char *name)
{
    if (!t->cap)
        return NULL;
    for (size_t i = hash_name(name) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        symbol *s = t->slot[i];
        if (!s)
            return NULL;
        if (strcmp(s->name, name) == 0)
            return s;
    }
}

static void sym_insert(arena *a, symtab *t, symbol *s)
{
    if ((t->n + 1) * 2 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        symbol **slot = arena_alloc(a, cap * sizeof *slot);
        for (size_t k = 0; k < t->cap; k++) {
            if (!t->slot[k])
                continue;
            size_t i = hash_name(t->slot[k]->name) & (cap - 1);
            while (slot[i])
                i = (i + 1) & (cap - 1);
            slot[i] = t->slot[k];
        }
        t->slot = slot;
        t->cap = cap;
    }
    size_t i = hash_name(s->name) & (t->cap - 1);
    while (t->slot[i])
        i = (i + 1) & (t->cap - 1);
    t->slot[i] = s;
    t->n++;
}

/* ---- the checker's state ------------------------------------------------ */

typedef enum {
    CX_LET, CX_SCORE, CX_STAGE, CX_CLASS, CX_HANDOFF, CX_CADENCE, CX_RECYCLE,
    CX_QUOTA, CX_OUTPUT, CX_TEST
} context;

typedef struct checker {
    policy *p;
    arena *a;
    diag_set *d;
    const src_file *f;
    symtab names, teams;
    context cx;
    int cur_score, cur_stage;
    deps *acc;
    int64_t min_day_seconds;   /* shortest business day, 0 if none */
    bool has_hours;
} checker;

static const char *const dep_what[DEP__COUNT] = {
    [DEP_STAGE] = "the record's stage",
    [DEP_CLASS] = "the record's class",
    [DEP_HANDOFF] = "the hand-off status",
    [DEP_CADENCE] = "the cadence status",
    [DEP_RECYCLE] = "recycling",
};

static const char *const cx_what[] = {
    [CX_LET] = "a let",
    [CX_SCORE] = "a score rule",
    [CX_STAGE] = "a stage condition",
    [CX_CLASS] = "a class condition",
    [CX_HANDOFF] = "a hand-off's clock or window",
    [CX_CADENCE] = "a cadence",
    [CX_RECYCLE] = "a recycle rule",
    [CX_QUOTA] = "a quota",
    [CX_OUTPUT] = "an output column",
    [CX_TEST] = "a test",
};

/* What each context may depend on: everything decided before it. */
static const unsigned cx_allowed[] = {
    [CX_LET] = ~0u,
    [CX_SCORE] = 0,
    [CX_STAGE] = 0,
    [CX_CLASS] = 1u << DEP_STAGE,
    [CX_HANDOFF] = 1u << DEP_STAGE | 1u << DEP_CLASS,
    [CX_CADENCE] = 1u << DEP_STAGE | 1u << DEP_CLASS | 1u << DEP_HANDOFF,
    [CX_RECYCLE] = 1u << DEP_STAGE | 1u << DEP_CLASS | 1u << DEP_HANDOFF | 1u << DEP_CADENCE,
    [CX_QUOTA] = ~0u,
    [CX_OUTPUT] = ~0u,
    [CX_TEST] = ~0u,
};

/* Both return NULL for a diagnostic that is not given (see quiet);
 * diag_note_at and diag_suggest accept that NULL. */
static diag *error(checker *c, diag_code code, src_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static diag *warning(checker *c, diag_code code, src_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A file with syntax errors lost some of its text: whatever is about the
 * policy as a whole (a missing window, an unused let, an unreachable
 * stage) may be an echo of the lost text, not a mistake of its own. */
static bool quiet(const checker *c, diag_code code)
{
    return c->p->syntax_errors > 0 &&
           (code == D_MISSING || code == D_UNUSED || code == D_NO_CATCHALL || code == D_UNREACHABLE);
}

__attribute__((format(printf, 5, 0)))
static diag *report(checker *c, diag_severity sev, diag_code code, src_loc loc,
                    const char *fmt, va_list ap)
{
    if (quiet(c, code))
        return NULL;
    char msg[600];
    vsnprintf(msg, sizeof msg, fmt, ap);
    return diag_add(c->d, c->f, sev, code, loc, "%s", msg);
}

static diag *error(checker *c, diag_code code, src_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag *d = report(c, SEV_ERROR, code, loc, fmt, ap);
    va_end(ap);
    return d;
}

static diag *warning(checker *c, diag_code code, src_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag *d = report(c, SEV_WARNING, code, loc, fmt, ap);
    va_end(ap);
    return d;
}

/* ---- types ---------------------------------------------------------------- */

static sla_type ty(type_kind k, bool opt)
{
    return (sla_type){k, opt};
}

static const char *const type_names[TY__COUNT][2] = {
    [TY_ERROR] = {"error", "error"},
    [TY_INT] = {"int", "int?"},
    [TY_NUMBER] = {"number", "number?"},
    [TY_MONEY] = {"money", "money?"},
    [TY_BOOL] = {"bool", "bool?"},
    [TY_TEXT] = {"text", "text?"},
    [TY_TIME] = {"time", "time?"},
    [TY_DURATION] = {"duration", "duration?"},
    [TY_BDURATION] = {"business duration", "business duration?"},
    [TY_STAGE] = {"stage", "stage"},
    [TY_CLASS] = {"class", "class?"},
    [TY_HANDOFF] = {"hand-off status", "hand-off status?"},
    [TY_CADENCE] = {"cadence status", "cadence status?"},
};

const char *type_name(sla_type t)
{
    return type_names[t.k][t.opt];
}

static bool numeric(type_kind k)
{
    return k == TY_INT || k == TY_NUMBER || k == TY_MONEY;
}

/* The common type of two numbers, or TY_ERROR if they do not mix. */
static type_kind unify_numeric(type_kind a, type_kind b)
{
    if (!numeric(a) || !numeric(b))
        return TY_ERROR;
    if (a == TY_MONEY || b == TY_MONEY)
        return TY_MONEY;
    if (a == TY_NUMBER || b == TY_NUMBER)
        return TY_NUMBER;
    return TY_INT;
}

/* The type both branches of an `if`, or a `??` and its default, share. */
static type_kind unify(type_kind a, type_kind b)
{
    if (a == b)
        return a;
    return unify_numeric(a, b);
}

static const struct {
    const char *name;
    type_kind kind;
} field_types[] = {
    {"int", TY_INT}, {"number", TY_NUMBER}, {"money", TY_MONEY}, {"bool", TY_BOOL},
    {"text", TY_TEXT}, {"time", TY_TIME}, {"duration", TY_DURATION},
};

/* ---- names ---------------------------------------------------------------- */

static const struct {
    const char *name;
    builtin_id id;
    type_kind kind;
    bool opt;
    int dep;
} builtins[] = {
    {"stage", BI_STAGE, TY_STAGE, false, DEP_STAGE},
    {"class", BI_CLASS, TY_CLASS, true, DEP_CLASS},
    {"handoff", BI_HANDOFF, TY_HANDOFF, true, DEP_HANDOFF},
    {"handoff_due", BI_HANDOFF_DUE, TY_TIME, true, DEP_HANDOFF},
    {"handoff_elapsed", BI_HANDOFF_ELAPSED, TY_DURATION, true, DEP_HANDOFF},
    {"cadence", BI_CADENCE, TY_CADENCE, true, DEP_CADENCE},
    {"cadence_expected", BI_CADENCE_EXPECTED, TY_INT, true, DEP_CADENCE},
    {"cadence_next_due", BI_CADENCE_NEXT_DUE, TY_TIME, true, DEP_CADENCE},
    {"recycled", BI_RECYCLED, TY_BOOL, false, DEP_RECYCLE},
    {"recycle_to", BI_RECYCLE_TO, TY_TEXT, true, DEP_RECYCLE},
    {"recycle_reason", BI_RECYCLE_REASON, TY_TEXT, true, DEP_RECYCLE},
};
_Static_assert(sizeof builtins / sizeof builtins[0] == BI__COUNT, "every builtin is declared");

static const char *sym_kind_words(sym_kind k)
{
    switch (k) {
    case SYM_FIELD: return "a field";
    case SYM_LET: return "a let";
    case SYM_SCORE: return "a score";
    case SYM_STAGE: return "a stage";
    case SYM_CLASS: return "a class";
    case SYM_TEAM: return "a team";
    case SYM_BUILTIN: return "a built-in value";
    }
    return "a name";
}

/* Adds a name; reports a duplicate and returns NULL if it exists. */
static symbol *define(checker *c, symtab *t, sym_kind kind, const ident *name, void *decl,
                      int index)
{
    if (!name->name)
        return NULL;
    symbol *old = sym_find(t, name->name);
    if (old) {
        diag *d;
        if (old->kind == SYM_BUILTIN)
            d = error(c, D_DUPLICATE, name->loc,
                      "`%s` is a built-in name (the record's %s); choose another name",
                      name->name, name->name);
        else
            d = error(c, D_DUPLICATE, name->loc, "`%s` is already defined as %s",
                      name->name, sym_kind_words(old->kind));
        if (old->kind != SYM_BUILTIN)
            diag_note_at(d, old->loc, "`%s` is first defined here", name->name);
        return NULL;
    }
    symbol *s = arena_alloc(c->a, sizeof *s);
    s->kind = kind;
    s->name = name->name;
    s->loc = name->loc;
    s->decl = decl;
    s->index = index;
    sym_insert(c->a, t, s);
    return s;
}

/* Whether name stood in text the parser skipped after a syntax error. */
static bool skipped(const checker *c, const char *name)
{
    for (int i = 0; i < c->p->skipped_names.n; i++)
        if (strcmp(c->p->skipped_names.v[i], name) == 0)
            return true;
    return false;
}

static void suggest_from(diag *d, const symtab *t, const char *word, int only_kind)
{
    if (!d)
        return;
    suggester sg;
    suggest_init(&sg, word);
    for (size_t i = 0; i < t->cap; i++)
        if (t->slot[i] && (only_kind < 0 || (int)t->slot[i]->kind == only_kind))
            suggest_add(&sg, t->slot[i]->name);
    if (suggest_best(&sg))
        diag_suggest(d, "did you mean `%s`?", suggest_best(&sg));
}

/* Looks up a stage (or class) by name for a declaration that refers to
 * one; reports it if missing. */
static symbol *lookup_kind(checker *c, const ident *name, sym_kind kind, const char *role)
{
    if (!name->name)
        return NULL;
    symbol *s = sym_find(&c->names, name->name);
    if (s && s->kind == kind)
        return s;
    if (!s && skipped(c, name->name))
        return NULL;
    diag *d;
    if (s)
        d = error(c, D_UNDEFINED_NAME, name->loc, "`%s` is %s, not %s%s", name->name,
                  sym_kind_words(s->kind), kind == SYM_STAGE ? "a stage" : "a class", role);
    else
        d = error(c, D_UNDEFINED_NAME, name->loc, "there is no %s named `%s`%s",
                  kind == SYM_STAGE ? "stage" : "class", name->name, role);
    suggest_from(d, &c->names, name->name, (int)kind);
    return NULL;
}

static symbol *lookup_team(checker *c, const ident *name)
{
    if (!name->name)
        return NULL;
    symbol *s = sym_find(&c->teams, name->name);
    if (s || skipped(c, name->name))
        return s;
    diag *d = error(c, D_UNDEFINED_NAME, name->loc, "there is no team named `%s`", name->name);
    suggest_from(d, &c->teams, name->name, -1);
    if (d && !d->suggestion)
        diag_suggest(d, "declare it with `team %s`", name->name);
    return NULL;
}

/* ---- dependencies -------------------------------------------------------- */

static void deps_init(deps *d)
{
    memset(d, 0, sizeof *d);
    d->max_score = -1;
}

static void add_dep(checker *c, int dep, src_loc at)
{
    deps *d = c->acc;
    if (!(d->mask & (1u << dep))) {
        d->mask |= 1u << dep;
        d->at[dep] = at;
        d->via[dep] = NULL;
    }
}

static void add_score_dep(checker *c, int index, src_loc at, const char *via)
{
    deps *d = c->acc;
    if (index > d->max_score) {
        d->max_score = index;
        d->score_at = at;
        d->score_via = via;
    }
}

static void merge_let(checker *c, const let_decl *l, src_loc use)
{
    deps *d = c->acc;
    for (int k = 0; k < DEP__COUNT; k++) {
        if ((l->deps.mask & (1u << k)) && !(d->mask & (1u << k))) {
            d->mask |= 1u << k;
            d->at[k] = use;
            d->via[k] = l->name.name;
            d->inner[k] = l->deps.at[k];
        }
    }
    if (l->deps.max_score >= 0)
        add_score_dep(c, l->deps.max_score, use, l->name.name);
}

static const char *const later_than[] = {
    [CX_SCORE] = "scores are computed first",
    [CX_STAGE] = "it is decided after the stages",
    [CX_CLASS] = "it is decided after the class",
    [CX_HANDOFF] = "it is decided after the hand-off",
    [CX_CADENCE] = "it is decided after the cadence",
    [CX_RECYCLE] = "it is decided after recycling",
};

/* Reports every dependency of d that context cx may not have. */
static void check_order(checker *c, context cx, const deps *d)
{
    unsigned bad = d->mask & ~cx_allowed[cx];
    for (int k = 0; k < DEP__COUNT; k++) {
        if (!(bad & (1u << k)))
            continue;
        diag *g;
        if (d->via[k]) {
            g = error(c, D_ORDER, d->at[k], "%s cannot use `%s`, which uses %s (%s)", cx_what[cx],
                      d->via[k], dep_what[k], later_than[cx]);
            diag_note_at(g, d->inner[k], "`%s` uses %s here", d->via[k], dep_what[k]);
        } else {
            error(c, D_ORDER, d->at[k], "%s cannot use %s: %s", cx_what[cx], dep_what[k],
                  later_than[cx]);
        }
    }
}

/* ---- expressions --------------------------------------------------------- */

static sla_type check_expr(checker *c, expr *e);
static void check_let(checker *c, let_decl *l);

/* Checks e and reports it unless it has type want (or an error). */
static sla_type expect(checker *c, expr *e, type_kind want, const char *what)
{
    sla_type t = check_expr(c, e);
    if (t.k != TY_ERROR && t.k != want && !(numeric(want) && want != TY_INT && numeric(t.k) &&
                                            unify_numeric(want, t.k) == want)) {
        error(c, D_TYPE, e->loc, "%s must be %s, but this is %s", what,
              type_name(ty(want, false)), type_name(t));
        return ty(TY_ERROR, false);
    }
    return t;
}

static sla_type check_condition(checker *c, expr *e, const char *what)
{
    return expect(c, e, TY_BOOL, what);
}

static sla_type check_name(checker *c, expr *e)
{
    symbol *s = sym_find(&c->names, e->str);
    if (!s && skipped(c, e->str))
        return ty(TY_ERROR, false);
    if (!s) {
        diag *d;
        if (sym_find(&c->teams, e->str))
            d = error(c, D_UNDEFINED_NAME, e->loc,
                      "`%s` is a team; teams cannot be used in conditions or values", e->str);
        else if (strcmp(e->str, "score") == 0)
            d = error(c, D_UNDEFINED_NAME, e->loc, "`score` is not defined: the policy has no "
                      "`score { ... }` block");
        else
            d = error(c, D_UNDEFINED_NAME, e->loc, "`%s` is not defined", e->str);
        if (d && !d->suggestion)
            suggest_from(d, &c->names, e->str, -1);
        return ty(TY_ERROR, false);
    }
    e->sym = s;
    switch (s->kind) {
    case SYM_FIELD:
        return s->type;
    case SYM_LET: {
        let_decl *l = s->decl;
        if (l->state == 1) {
            l->uses++;
            error(c, D_CYCLE, e->loc, "`%s` is defined in terms of itself", e->str);
            return ty(TY_ERROR, false);
        }
        check_let(c, l);
        l->uses++;
        merge_let(c, l, e->loc);
        return l->value->type;
    }
    case SYM_SCORE:
        add_score_dep(c, s->index, e->loc, NULL);
        return s->type;
    case SYM_STAGE:
        if (c->cx == CX_STAGE) {
            if (s->index == c->cur_stage) {
                error(c, D_CYCLE, e->loc, "stage `%s` cannot use itself in its own condition",
                      e->str);
                return ty(TY_ERROR, false);
            }
            if (s->index > c->cur_stage) {
                diag *d = error(c, D_ORDER, e->loc,
                                "stage `%s` comes later in the stages: a stage's condition can "
                                "only use the stages above it", e->str);
                diag_note_at(d, s->loc, "`%s` is defined here", e->str);
                return ty(TY_ERROR, false);
            }
            return ty(TY_BOOL, false);
        }
        add_dep(c, DEP_STAGE, e->loc);
        return ty(TY_BOOL, false);
    case SYM_CLASS:
        add_dep(c, DEP_CLASS, e->loc);
        return ty(TY_BOOL, false);
    case SYM_BUILTIN: {
        const char *missing = NULL;
        switch (s->builtin) {
        case BI_CLASS: missing = c->p->classes.n ? NULL : "classes"; break;
        case BI_HANDOFF: case BI_HANDOFF_DUE: case BI_HANDOFF_ELAPSED:
            missing = c->p->handoffs.n ? NULL : "a hand-off"; break;
        case BI_CADENCE: case BI_CADENCE_EXPECTED: case BI_CADENCE_NEXT_DUE:
            missing = c->p->cadences.n ? NULL : "a cadence"; break;
        case BI_RECYCLED: case BI_RECYCLE_TO: case BI_RECYCLE_REASON:
            missing = c->p->recycles.n ? NULL : "recycle rules"; break;
        case BI_STAGE: missing = c->p->stages.n ? NULL : "stages"; break;
        default: break;
        }
        if (missing) {
            error(c, D_MISSING, e->loc, "`%s` needs %s in the policy", e->str, missing);
            return ty(TY_ERROR, false);
        }
        for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
            if (builtins[i].id == s->builtin)
                add_dep(c, builtins[i].dep, e->loc);
        return s->type;
    }
    case SYM_TEAM:
        break;
    }
    return ty(TY_ERROR, false);
}

/* Built-in functions. */
typedef enum { FN_MIN, FN_MAX, FN_ABS, FN_ROUND, FN_LOWER, FN_UPPER, FN_TRIM, FN_LENGTH } fn_id;

static const struct {
    const char *name;
    fn_id id;
    int min_args, max_args;
} functions[] = {
    {"min", FN_MIN, 2, 64}, {"max", FN_MAX, 2, 64}, {"abs", FN_ABS, 1, 1},
    {"round", FN_ROUND, 1, 1}, {"lower", FN_LOWER, 1, 1}, {"upper", FN_UPPER, 1, 1},
    {"trim", FN_TRIM, 1, 1}, {"length", FN_LENGTH, 1, 1},
};

static sla_type check_call(checker *c, expr *e)
{
    size_t k, nf = sizeof functions / sizeof functions[0];
    for (k = 0; k < nf; k++)
        if (strcmp(functions[k].name, e->str) == 0)
            break;
    if (k == nf) {
        diag *d = error(c, D_UNDEFINED_NAME, e->str_loc, "there is no function named `%s`", e->str);
        suggester sg;
        suggest_init(&sg, e->str);
        for (size_t i = 0; i < nf; i++)
            suggest_add(&sg, functions[i].name);
        if (suggest_best(&sg))
            diag_suggest(d, "did you mean `%s`?", suggest_best(&sg));
        else
            diag_suggest(d, "the functions are min, max, abs, round, lower, upper, trim and length");
        for (int i = 0; i < e->list.n; i++)
            check_expr(c, e->list.v[i]);
        return ty(TY_ERROR, false);
    }
    e->op = (unsigned char)functions[k].id;
    int n = e->list.n;
    if (n < functions[k].min_args || n > functions[k].max_args) {
        for (int i = 0; i < n; i++)
            check_expr(c, e->list.v[i]);
        if (functions[k].min_args == functions[k].max_args)
            error(c, D_TYPE, e->loc, "`%s` takes %d value%s, not %d", e->str,
                  functions[k].min_args, functions[k].min_args == 1 ? "" : "s", n);
        else
            error(c, D_TYPE, e->loc, "`%s` takes at least %d values", e->str, functions[k].min_args);
        return ty(TY_ERROR, false);
    }
    sla_type args[64];
    bool opt = false, bad = false;
    for (int i = 0; i < n; i++) {
        args[i] = check_expr(c, e->list.v[i]);
        opt |= args[i].opt;
        bad |= args[i].k == TY_ERROR;
    }
    if (bad)
        return ty(TY_ERROR, false);
    switch (functions[k].id) {
    case FN_MIN:
    case FN_MAX: {
        type_kind r = args[0].k;
        for (int i = 1; i < n; i++) {
            type_kind u = unify(r, args[i].k);
            if (u == TY_ERROR || !(numeric(u) || u == TY_TIME || u == TY_DURATION ||
                                   u == TY_BDURATION)) {
                error(c, D_TYPE, e->list.v[i]->loc, "`%s` compares values of one kind: %s and %s "
                      "do not compare", e->str, type_name(ty(r, false)), type_name(args[i]));
                return ty(TY_ERROR, false);
            }
            r = u;
        }
        if (!(numeric(r) || r == TY_TIME || r == TY_DURATION || r == TY_BDURATION)) {
            error(c, D_TYPE, e->loc, "`%s` needs numbers, times or durations, not %s", e->str,
                  type_name(ty(r, false)));
            return ty(TY_ERROR, false);
        }
        return ty(r, opt);
    }
    case FN_ABS:
        if (!numeric(args[0].k) && args[0].k != TY_DURATION) {
            error(c, D_TYPE, e->list.v[0]->loc, "`abs` needs a number or a duration, not %s",
                  type_name(args[0]));
            return ty(TY_ERROR, false);
        }
        return args[0];
    case FN_ROUND:
        if (!numeric(args[0].k)) {
            error(c, D_TYPE, e->list.v[0]->loc, "`round` needs a number, not %s", type_name(args[0]));
            return ty(TY_ERROR, false);
        }
        return ty(args[0].k == TY_MONEY ? TY_MONEY : TY_INT, opt);
    case FN_LOWER:
    case FN_UPPER:
    case FN_TRIM:
    case FN_LENGTH:
        if (args[0].k != TY_TEXT) {
            error(c, D_TYPE, e->list.v[0]->loc, "`%s` needs text, not %s", e->str,
                  type_name(args[0]));
            return ty(TY_ERROR, false);
        }
        return ty(functions[k].id == FN_LENGTH ? TY_INT : TY_TEXT, opt);
    }
    return ty(TY_ERROR, false);
}

static const char *const op_words[] = {
    [BIN_ADD] = "+", [BIN_SUB] = "-", [BIN_MUL] = "*", [BIN_DIV] = "/", [BIN_EQ] = "=",
    [BIN_NE] = "!=", [BIN_LT] = "<", [BIN_LE] = "<=", [BIN_GT] = ">", [BIN_GE] = ">=",
    [BIN_AND] = "and", [BIN_OR] = "or", [BIN_DEFAULT] = "??",
};

static sla_type bad_operands(checker *c, expr *e, sla_type a, sla_type b)
{
    const char *hint = "";
    if ((a.k == TY_DURATION && b.k == TY_BDURATION) || (a.k == TY_BDURATION && b.k == TY_DURATION))
        hint = " (business time and wall-clock time do not mix)";
    else if ((a.k == TY_TEXT && numeric(b.k)) || (numeric(a.k) && b.k == TY_TEXT))
        hint = " (declare the field as a number if it holds numbers)";
    error(c, D_TYPE, e->loc, "`%s` cannot combine %s and %s%s", op_words[e->op], type_name(a),
          type_name(b), hint);
    return ty(TY_ERROR, false);
}

static sla_type check_arith(checker *c, expr *e, sla_type a, sla_type b)
{
    bool opt = a.opt || b.opt;
    type_kind x = a.k, y = b.k, r = TY_ERROR;
    switch (e->op) {
    case BIN_ADD:
    case BIN_SUB:
        if (e->op == BIN_SUB && x == TY_TIME && y == TY_BDURATION) {
            error(c, D_TYPE, e->loc, "business time can only be added to a time, not taken "
                  "away; compare with `older than` or add to the other side instead");
            return ty(TY_ERROR, false);
        }
        if (numeric(x) && numeric(y))
            r = unify_numeric(x, y);
        else if (x == TY_TIME && (y == TY_DURATION || y == TY_BDURATION))
            r = TY_TIME;
        else if (e->op == BIN_ADD && y == TY_TIME && (x == TY_DURATION || x == TY_BDURATION))
            r = TY_TIME;
        else if (e->op == BIN_SUB && x == TY_TIME && y == TY_TIME)
            r = TY_DURATION;
        else if (x == y && (x == TY_DURATION || x == TY_BDURATION))
            r = x;
        else if (e->op == BIN_ADD && x == TY_TEXT && y == TY_TEXT)
            r = TY_TEXT;
        break;
    case BIN_MUL:
        if (numeric(x) && numeric(y) && !(x == TY_MONEY && y == TY_MONEY))
            r = unify_numeric(x, y);
        else if ((x == TY_DURATION || x == TY_BDURATION) && (y == TY_INT || y == TY_NUMBER))
            r = x;
        else if ((y == TY_DURATION || y == TY_BDURATION) && (x == TY_INT || x == TY_NUMBER))
            r = y;
        break;
    case BIN_DIV:
        if (x == TY_MONEY && y == TY_MONEY)
            r = TY_NUMBER;
        else if (x == TY_MONEY && numeric(y))
            r = TY_MONEY;
        else if (numeric(x) && numeric(y) && y != TY_MONEY)
            r = TY_NUMBER;
        else if ((x == TY_DURATION || x == TY_BDURATION) && (y == TY_INT || y == TY_NUMBER))
            r = x;
        else if (x == y && (x == TY_DURATION || x == TY_BDURATION))
            r = TY_NUMBER;
        break;
    default:
        break;
    }
    if (r == TY_ERROR)
        return bad_operands(c, e, a, b);
    return ty(r, opt);
}

static bool comparable(type_kind x, type_kind y, bool ordered)
{
    if (numeric(x) && numeric(y))
        return true;
    if (x != y)
        return false;
    switch (x) {
    case TY_TEXT: case TY_TIME: case TY_DURATION: case TY_BDURATION:
        return true;
    case TY_BOOL:
        return !ordered;
    default:
        return false;
    }
}

static sla_type check_binary(checker *c, expr *e)
{
    if (e->op == BIN_AND || e->op == BIN_OR) {
        sla_type a = check_condition(c, e->a, e->op == BIN_AND ? "each side of `and`" : "each side of `or`");
        sla_type b = check_condition(c, e->b, e->op == BIN_AND ? "each side of `and`" : "each side of `or`");
        if (a.k == TY_ERROR || b.k == TY_ERROR)
            return ty(TY_ERROR, false);
        return ty(TY_BOOL, false);
    }
    sla_type a = check_expr(c, e->a), b = check_expr(c, e->b);
    if (a.k == TY_ERROR || b.k == TY_ERROR)
        return ty(TY_ERROR, false);
    switch (e->op) {
    case BIN_EQ: case BIN_NE: case BIN_LT: case BIN_LE: case BIN_GT: case BIN_GE:
        if (!comparable(a.k, b.k, e->op != BIN_EQ && e->op != BIN_NE))
            return bad_operands(c, e, a, b);
        return ty(TY_BOOL, false);
    case BIN_DEFAULT: {
        if (!a.opt)
            warning(c, D_REDUNDANT, e->a->loc, "this value is never unset, so `?? ...` never applies");
        type_kind r = unify(a.k, b.k);
        if (r == TY_ERROR)
            return bad_operands(c, e, a, b);
        return ty(r, b.opt);
    }
    default:
        return check_arith(c, e, a, b);
    }
}

static bool is_literal(const expr *e)
{
    return e->kind == E_INT || e->kind == E_NUMBER || e->kind == E_MONEY || e->kind == E_TEXT ||
           e->kind == E_BOOL;
}

/* The elements of a set: literal values, each comparable with want. */
static void check_set(checker *c, expr *e, type_kind want)
{
    for (int i = 0; i < e->list.n; i++) {
        expr *x = e->list.v[i];
        sla_type t = check_expr(c, x);
        if (t.k == TY_ERROR)
            continue;
        if (!is_literal(x)) {
            error(c, D_TYPE, x->loc, "a set holds values written out, such as \"saas\" or 50");
            continue;
        }
        if (want != TY_ERROR && !comparable(want, t.k, false))
            error(c, D_TYPE, x->loc, "this set holds %s values, but this one is %s",
                  type_name(ty(want, false)), type_name(t));
    }
    if (e->list.n == 0)
        warning(c, D_REDUNDANT, e->loc, "the set is empty, so this test is never true");
}

static const char *const handoff_states[] = {"met", "breached", "pending", NULL};
static const char *const cadence_states[] = {"on track", "behind", "complete", "overdue", NULL};

static sla_type check_is(checker *c, expr *e)
{
    sla_type a = check_expr(c, e->a);
    if (a.k == TY_ERROR)
        return ty(TY_ERROR, false);
    const char *const *words = NULL;
    const char *what = NULL;
    switch (a.k) {
    case TY_STAGE:
        lookup_kind(c, &(ident){e->str, e->str_loc}, SYM_STAGE, "");
        return ty(TY_BOOL, false);
    case TY_CLASS:
        lookup_kind(c, &(ident){e->str, e->str_loc}, SYM_CLASS, "");
        return ty(TY_BOOL, false);
    case TY_HANDOFF:
        words = handoff_states;
        what = "a hand-off is met, breached or pending";
        break;
    case TY_CADENCE:
        words = cadence_states;
        what = "a cadence is on track, behind, complete or overdue";
        break;
    default:
        error(c, D_TYPE, e->loc, "`is %s` tests a stage, class, hand-off or cadence, but this is "
              "%s; compare values with `=`", e->str, type_name(a));
        return ty(TY_ERROR, false);
    }
    for (int i = 0; words[i]; i++)
        if (strcmp(words[i], e->str) == 0)
            return ty(TY_BOOL, false);
    diag *d = error(c, D_UNDEFINED_NAME, e->str_loc, "`%s` is not a status: %s", e->str, what);
    suggester sg;
    suggest_init(&sg, e->str);
    for (int i = 0; words[i]; i++)
        suggest_add(&sg, words[i]);
    if (suggest_best(&sg))
        diag_suggest(d, "did you mean `%s`?", suggest_best(&sg));
    return ty(TY_ERROR, false);
}

static sla_type check_expr_kind(checker *c, expr *e)
{
    switch ((expr_kind)e->kind) {
    case E_ERROR:
        return ty(TY_ERROR, false);
    case E_INT:
        if (e->negate) {
            /* 9223372036854775808 is a whole number only with a minus. */
            error(c, D_INVALID_VALUE, e->loc, "9223372036854775808 is too large for a whole "
                  "number (the largest is 9223372036854775807)");
            return ty(TY_ERROR, false);
        }
        return ty(TY_INT, false);
    case E_NUMBER:
        return ty(TY_NUMBER, false);
    case E_MONEY:
        return ty(TY_MONEY, false);
    case E_TEXT:
        return ty(TY_TEXT, false);
    case E_BOOL:
        return ty(TY_BOOL, false);
    case E_TIME: {
        civil_time t;
        const char *why = timefmt_parse_iso(e->str, strlen(e->str), &t);
        if (why) {
            error(c, D_INVALID_VALUE, e->loc, "`%s` is not a valid date or time: %s", e->str, why);
            return ty(TY_ERROR, false);
        }
        return ty(TY_TIME, false);
    }
    case E_DURATION:
        if (e->business) {
            if (!c->has_hours) {
                error(c, D_MISSING, e->loc, "business time needs the policy's `business hours`");
                return ty(TY_ERROR, false);
            }
            if (e->op == DU_WEEK) {
                error(c, D_INVALID_VALUE, e->loc, "write business time in minutes, hours or days");
                return ty(TY_ERROR, false);
            }
        }
        return ty(e->business ? TY_BDURATION : TY_DURATION, false);
    case E_NOW:
        return ty(TY_TIME, false);
    case E_NAME:
        return check_name(c, e);
    case E_CALL:
        return check_call(c, e);
    case E_NEG: {
        sla_type a = check_expr(c, e->a);
        if (a.k == TY_ERROR)
            return a;
        if (!numeric(a.k) && a.k != TY_DURATION && a.k != TY_BDURATION) {
            error(c, D_TYPE, e->loc, "`-` needs a number or a duration, not %s", type_name(a));
            return ty(TY_ERROR, false);
        }
        return a;
    }
    case E_NOT:
        if (check_condition(c, e->a, "the value after `not`").k == TY_ERROR)
            return ty(TY_ERROR, false);
        return ty(TY_BOOL, false);
    case E_BINARY:
        return check_binary(c, e);
    case E_IN: {
        sla_type a = check_expr(c, e->a);
        if (a.k != TY_ERROR && !(numeric(a.k) || a.k == TY_TEXT || a.k == TY_BOOL)) {
            error(c, D_TYPE, e->a->loc, "`in` tests text, numbers or true/false, not %s",
                  type_name(a));
            a.k = TY_ERROR;
        }
        if (e->nocase && a.k != TY_ERROR && a.k != TY_TEXT)
            error(c, D_TYPE, e->loc, "`ignoring case` applies to text, not %s", type_name(a));
        check_set(c, e, a.k);
        return ty(a.k == TY_ERROR ? TY_ERROR : TY_BOOL, false);
    }
    case E_TEXTTEST: {
        static const char *const words[] = {"starts with", "ends with", "contains"};
        sla_type a = check_expr(c, e->a);
        bool bad = a.k == TY_ERROR;
        if (!bad && a.k != TY_TEXT) {
            error(c, D_TYPE, e->a->loc, "`%s` tests text, not %s", words[e->op], type_name(a));
            bad = true;
        }
        if (e->any) {
            check_set(c, e, TY_TEXT);
        } else {
            sla_type b = check_expr(c, e->b);
            if (b.k != TY_ERROR && b.k != TY_TEXT) {
                error(c, D_TYPE, e->b->loc, "`%s` needs text on its right, not %s", words[e->op],
                      type_name(b));
                bad = true;
            }
            bad |= b.k == TY_ERROR;
        }
        return ty(bad ? TY_ERROR : TY_BOOL, false);
    }
    case E_ISSET: {
        sla_type a = check_expr(c, e->a);
        if (a.k == TY_ERROR)
            return a;
        if (!a.opt)
            warning(c, D_REDUNDANT, e->loc, "this value is never unset, so `is %s` is always %s",
                    e->negate ? "unset" : "set", e->negate ? "false" : "true");
        return ty(TY_BOOL, false);
    }
    case E_IS:
        return check_is(c, e);
    case E_OLDER: {
        sla_type a = expect(c, e->a, TY_TIME, "the value before `older than`");
        sla_type b = check_expr(c, e->b);
        if (b.k != TY_ERROR && b.k != TY_DURATION && b.k != TY_BDURATION) {
            error(c, D_TYPE, e->b->loc, "`older than` needs a duration, such as 30 days, not %s",
                  type_name(b));
            return ty(TY_ERROR, false);
        }
        if (a.k == TY_ERROR || b.k == TY_ERROR)
            return ty(TY_ERROR, false);
        return ty(TY_BOOL, false);
    }
    case E_IF: {
        sla_type k = check_condition(c, e->a, "the condition after `if`");
        sla_type a = check_expr(c, e->b), b = check_expr(c, e->c);
        if (k.k == TY_ERROR || a.k == TY_ERROR || b.k == TY_ERROR)
            return ty(TY_ERROR, false);
        type_kind r = unify(a.k, b.k);
        if (r == TY_ERROR) {
            error(c, D_TYPE, e->loc, "`then` gives %s but `else` gives %s; both must be of one type",
                  type_name(a), type_name(b));
            return ty(TY_ERROR, false);
        }
        return ty(r, a.opt || b.opt);
    }
    }
    return ty(TY_ERROR, false);
}

static sla_type check_expr(checker *c, expr *e)
{
    e->type = check_expr_kind(c, e);
    return e->type;
}

/* Checks e in context cx and reports what it uses too early. */
static sla_type check_in(checker *c, context cx, expr *e, type_kind want, const char *what)
{
    deps d;
    deps_init(&d);
    deps *saved = c->acc;
    context saved_cx = c->cx;
    c->acc = &d;
    c->cx = cx;
    sla_type t = want == TY__COUNT ? check_expr(c, e) : expect(c, e, want, what);
    c->acc = saved;
    c->cx = saved_cx;
    check_order(c, cx, &d);
    if (cx == CX_SCORE && d.max_score >= c->cur_score) {
        score_decl *s = c->p->scores.v[c->cur_score];
        if (d.max_score == c->cur_score)
            error(c, D_CYCLE, d.score_at, "score `%s` cannot use itself%s%s%s", s->name.name,
                  d.score_via ? " (through `" : "", d.score_via ? d.score_via : "",
                  d.score_via ? "`)" : "");
        else
            error(c, D_ORDER, d.score_at, "score `%s` cannot use score `%s`, which is computed "
                  "after it (scores are computed in the order they are written)", s->name.name,
                  c->p->scores.v[d.max_score]->name.name);
    }
    return t;
}

static void check_let(checker *c, let_decl *l)
{
    if (l->state != 0)
        return;
    l->state = 1;
    deps *saved = c->acc;
    context saved_cx = c->cx;
    deps_init(&l->deps);
    c->acc = &l->deps;
    c->cx = CX_LET;
    check_expr(c, l->value);
    c->acc = saved;
    c->cx = saved_cx;
    l->state = 2;
}

/* ---- declarations ----------------------------------------------------------- */

static void check_time_formats(checker *c, const str_vec *formats)
{
    for (int i = 0; i < formats->n; i++) {
        timefmt f;
        size_t at;
        const char *why = timefmt_compile(formats->v[i].s, &f, &at);
        if (why) {
            src_loc loc = formats->v[i].loc;
            if (at > 0 && loc.line == loc.end_line) {
                loc.col += 1 + (int)at;
                loc.end_col = loc.col + 1;
            }
            error(c, D_INVALID_VALUE, loc, "time format \"%s\": %s", formats->v[i].s, why);
        }
    }
}

static void check_zone(checker *c, const str_lit *z)
{
    if (!z->s)
        return;
    const char *why = tz_check_name(z->s);
    if (why) {
        diag *d = error(c, D_UNKNOWN_TIMEZONE, z->loc, "unknown time zone \"%s\": %s", z->s, why);
        diag_suggest(d, "use an IANA name such as \"America/New_York\" or \"Europe/Berlin\" "
                     "(the database is read from %s)", tz_dir());
    }
}

static const char *const day_names[7][2] = {
    {"mon", "monday"}, {"tue", "tuesday"}, {"wed", "wednesday"}, {"thu", "thursday"},
    {"fri", "friday"}, {"sat", "saturday"}, {"sun", "sunday"},
};

static int weekday_index(checker *c, const ident *d)
{
    for (int i = 0; i < 7; i++)
        if (strcmp(d->name, day_names[i][0]) == 0 || strcmp(d->name, day_names[i][1]) == 0)
            return i;
    diag *g = error(c, D_INVALID_VALUE, d->loc, "`%s` is not a day of the week (mon, tue, wed, "
                    "thu, fri, sat, sun)", d->name);
    suggester sg;
    suggest_init(&sg, d->name);
    for (int i = 0; i < 7; i++) {
        suggest_add(&sg, day_names[i][0]);
        suggest_add(&sg, day_names[i][1]);
    }
    if (suggest_best(&sg))
        diag_suggest(g, "did you mean `%s`?", suggest_best(&sg));
    return -1;
}

/* Minutes since midnight, or -1 if invalid. */
static int time_of_day(checker *c, const str_lit *t, bool end)
{
    int h = 0, m = 0;
    if (sscanf(t->s, "%d:%d", &h, &m) != 2 || h < 0 || m < 0 || m > 59 || h > 24 ||
        (h == 24 && (m != 0 || !end))) {
        error(c, D_INVALID_VALUE, t->loc, "%s is not a time of day (00:00 to 23:59, or 24:00 "
              "to end a day)", t->s);
        return -1;
    }
    return h * 60 + m;
}

static void check_calendar(checker *c)
{
    policy *p = c->p;
    check_zone(c, &p->zone);
    /* Working minutes per weekday, to find overlaps and day lengths. */
    struct { int from, to; src_loc loc; } iv[7][32];
    int niv[7] = {0};
    for (int i = 0; i < p->hours.n; i++) {
        hours_spec *h = &p->hours.v[i];
        int a = weekday_index(c, &h->first_day);
        int b = h->last_day.name ? weekday_index(c, &h->last_day) : a;
        if (a < 0 || b < 0)
            continue;
        if (b < a) {
            error(c, D_INVALID_VALUE, h->first_day.loc, "the day range %s-%s runs backwards; "
                  "write the days from Monday towards Sunday", h->first_day.name, h->last_day.name);
            continue;
        }
        for (int k = 0; k < h->intervals.n; k++) {
            hours_interval *x = &h->intervals.v[k];
            int from = time_of_day(c, &x->from, false), to = time_of_day(c, &x->to, true);
            if (from < 0 || to < 0)
                continue;
            if (to <= from) {
                error(c, D_INVALID_VALUE, x->loc, "business hours %s-%s end before they start",
                      x->from.s, x->to.s);
                continue;
            }
            for (int d = a; d <= b; d++) {
                bool clash = false;
                for (int j = 0; j < niv[d] && !clash; j++) {
                    if (from < iv[d][j].to && iv[d][j].from < to) {
                        diag *g = error(c, D_DUPLICATE, x->loc, "business hours %s-%s on %s "
                                        "overlap hours given before", x->from.s, x->to.s,
                                        day_names[d][1]);
                        diag_note_at(g, iv[d][j].loc, "the earlier hours");
                        clash = true;
                    }
                }
                if (!clash && niv[d] < 32) {
                    iv[d][niv[d]].from = from;
                    iv[d][niv[d]].to = to;
                    iv[d][niv[d]].loc = x->loc;
                    niv[d]++;
                }
            }
        }
    }
    c->has_hours = p->hours.n > 0;
    c->min_day_seconds = 0;
    for (int d = 0; d < 7; d++) {
        int64_t total = 0;
        for (int j = 0; j < niv[d]; j++)
            total += (iv[d][j].to - iv[d][j].from) * 60;
        if (total > 0 && (c->min_day_seconds == 0 || total < c->min_day_seconds))
            c->min_day_seconds = total;
    }
    if (c->has_hours && c->min_day_seconds == 0 && p->hours.n > 0) {
        bool any_error = false;
        for (size_t i = 0; i < c->d->n; i++)
            any_error |= c->d->v[i].sev == SEV_ERROR;
        if (!any_error)
            error(c, D_INVALID_VALUE, p->hours_loc, "the business hours give no working time");
    }
    for (int i = 0; i < p->holidays.n; i++) {
        civil_time t;
        const char *why = timefmt_parse_iso(p->holidays.v[i].s, strlen(p->holidays.v[i].s), &t);
        if (why) {
            error(c, D_INVALID_VALUE, p->holidays.v[i].loc, "%s is not a date: %s",
                  p->holidays.v[i].s, why);
            continue;
        }
        for (int k = 0; k < i; k++)
            if (strcmp(p->holidays.v[k].s, p->holidays.v[i].s) == 0) {
                diag *g = warning(c, D_DUPLICATE, p->holidays.v[i].loc, "holiday %s is listed twice",
                                  p->holidays.v[i].s);
                diag_note_at(g, p->holidays.v[k].loc, "first listed here");
                break;
            }
    }
    for (int i = 0; i < p->missing.n; i++)
        if (!*p->missing.v[i].s)
            warning(c, D_REDUNDANT, p->missing.v[i].loc, "an empty cell is always missing; \"\" "
                    "need not be listed");
    check_time_formats(c, &p->formats);
}

static void check_fields(checker *c)
{
    policy *p = c->p;
    for (int i = 0; i < p->fields.n; i++) {
        field_decl *f = p->fields.v[i];
        f->slot = i;
        f->type = ty(TY_ERROR, false);
        if (f->type_name.name) {
            size_t k, nt = sizeof field_types / sizeof field_types[0];
            for (k = 0; k < nt; k++)
                if (strcmp(field_types[k].name, f->type_name.name) == 0)
                    break;
            if (k == nt) {
                diag *d = error(c, D_TYPE, f->type_name.loc, "`%s` is not a type", f->type_name.name);
                suggester sg;
                suggest_init(&sg, f->type_name.name);
                for (size_t j = 0; j < nt; j++)
                    suggest_add(&sg, field_types[j].name);
                if (suggest_best(&sg))
                    diag_suggest(d, "did you mean `%s`?", suggest_best(&sg));
                else
                    diag_suggest(d, "the types are int, number, money, bool, text, time and duration");
            } else {
                f->type = ty(field_types[k].kind, f->opt);
            }
        }
        symbol *s = define(c, &c->names, SYM_FIELD, &f->name, f, i);
        if (s)
            s->type = f->type;
        if ((f->formats.n || f->zone.s) && f->type.k != TY_TIME && f->type.k != TY_ERROR)
            error(c, D_TYPE, f->formats.n ? f->formats.v[0].loc : f->zone.loc,
                  "`%s` is %s; a time format or zone applies only to time fields", f->name.name,
                  type_name(f->type));
        check_time_formats(c, &f->formats);
        check_zone(c, &f->zone);
        const char *col = f->from.s ? f->from.s : f->name.name;
        for (int k = 0; k < i; k++) {
            field_decl *g = p->fields.v[k];
            const char *gcol = g->from.s ? g->from.s : g->name.name;
            if (strcasecmp(col, gcol) == 0) {
                diag *d = warning(c, D_DUPLICATE, f->from.s ? f->from.loc : f->name.loc,
                                  "column \"%s\" is already read by field `%s`", col, g->name.name);
                diag_note_at(d, g->name.loc, "`%s` is declared here", g->name.name);
                break;
            }
        }
    }
}

static void define_names(checker *c)
{
    policy *p = c->p;
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
        symbol *s = arena_alloc(c->a, sizeof *s);
        s->kind = SYM_BUILTIN;
        s->name = builtins[i].name;
        s->builtin = builtins[i].id;
        s->type = ty(builtins[i].kind, builtins[i].opt);
        sym_insert(c->a, &c->names, s);
    }
    check_fields(c);
    for (int i = 0; i < p->lets.n; i++)
        define(c, &c->names, SYM_LET, &p->lets.v[i]->name, p->lets.v[i], i);
    for (int i = 0; i < p->scores.n; i++) {
        symbol *s = define(c, &c->names, SYM_SCORE, &p->scores.v[i]->name, p->scores.v[i], i);
        if (s)
            s->type = ty(TY_INT, false);   /* refined once the rules are typed */
    }
    for (int i = 0; i < p->stages.n; i++)
        define(c, &c->names, SYM_STAGE, &p->stages.v[i]->name, p->stages.v[i], i);
    for (int i = 0; i < p->classes.n; i++)
        define(c, &c->names, SYM_CLASS, &p->classes.v[i]->name, p->classes.v[i], i);
    for (int i = 0; i < p->teams.n; i++)
        define(c, &c->teams, SYM_TEAM, &p->teams.v[i]->name, p->teams.v[i], i);
}

/* ---- implication, for unreachable stages and classes ----------------------- */

static bool expr_equal(const expr *a, const expr *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind || a->op != b->op || a->negate != b->negate || a->nocase != b->nocase ||
        a->any != b->any || a->business != b->business)
        return false;
    switch ((expr_kind)a->kind) {
    case E_ERROR:
        return false;
    case E_INT: case E_MONEY: case E_BOOL:
        return a->ival == b->ival;
    case E_NUMBER: case E_DURATION:
        return a->num == b->num;
    case E_TEXT: case E_TIME: case E_NAME: case E_CALL: case E_IS:
        if (strcmp(a->str, b->str) != 0)
            return false;
        break;
    default:
        break;
    }
    if (expr_has_list(a)) {
        if (a->list.n != b->list.n)
            return false;
        for (int i = 0; i < a->list.n; i++)
            if (!expr_equal(a->list.v[i], b->list.v[i]))
                return false;
        return expr_equal(a->a, b->a);
    }
    return expr_equal(a->a, b->a) && expr_equal(a->b, b->b) && expr_equal(a->c, b->c);
}

/* `x op constant` as an interval of x. */
typedef struct bound {
    const expr *x;
    double lo, hi;
    bool lo_in, hi_in;
} bound;

static bool const_value(const expr *e, double *v)
{
    if (e->kind == E_INT || e->kind == E_MONEY) {
        *v = (double)e->ival / (e->kind == E_MONEY ? 10000.0 : 1.0);
        return true;
    }
    if (e->kind == E_NUMBER) {
        *v = e->num;
        return true;
    }
    return false;
}

static bool as_bound(const expr *e, bound *b)
{
    if (e->kind != E_BINARY || e->op < BIN_EQ || e->op > BIN_GE || e->op == BIN_NE)
        return false;
    double v;
    int op = e->op;
    if (const_value(e->b, &v) && !const_value(e->a, &v)) {
        const_value(e->b, &v);
        b->x = e->a;
    } else if (const_value(e->a, &v) && !const_value(e->b, &v)) {
        const_value(e->a, &v);
        b->x = e->b;
        /* 5 < x is x > 5 */
        op = op == BIN_LT ? BIN_GT : op == BIN_LE ? BIN_GE : op == BIN_GT ? BIN_LT : op == BIN_GE ? BIN_LE : op;
    } else {
        return false;
    }
    b->lo = -INFINITY;
    b->hi = INFINITY;
    b->lo_in = b->hi_in = false;
    switch (op) {
    case BIN_EQ: b->lo = b->hi = v; b->lo_in = b->hi_in = true; break;
    case BIN_LT: b->hi = v; break;
    case BIN_LE: b->hi = v; b->hi_in = true; break;
    case BIN_GT: b->lo = v; break;
    case BIN_GE: b->lo = v; b->lo_in = true; break;
    default: return false;
    }
    return true;
}

static bool bound_within(const bound *p, const bound *q)
{
    bool lo_ok = p->lo > q->lo || (p->lo == q->lo && (q->lo_in || !p->lo_in));
    bool hi_ok = p->hi < q->hi || (p->hi == q->hi && (q->hi_in || !p->hi_in));
    return lo_ok && hi_ok;
}

static bool is_op(const expr *e, int op)
{
    return e && e->kind == E_BINARY && e->op == op;
}

/* True only when every record for which p holds also satisfies q (a NULL
 * condition always holds). */
static bool implies(const expr *p, const expr *q)
{
    if (!q)
        return true;
    if (!p)
        return false;
    if (p->type.k == TY_ERROR || q->type.k == TY_ERROR)
        return false;
    if (expr_equal(p, q))
        return true;
    if (is_op(p, BIN_OR))
        return implies(p->a, q) && implies(p->b, q);
    if (is_op(q, BIN_AND))
        return implies(p, q->a) && implies(p, q->b);
    if (is_op(q, BIN_OR) && (implies(p, q->a) || implies(p, q->b)))
        return true;
    if (is_op(p, BIN_AND))
        return implies(p->a, q) || implies(p->b, q);
    bound bp, bq;
    if (as_bound(p, &bp) && as_bound(q, &bq) && expr_equal(bp.x, bq.x))
        return bound_within(&bp, &bq);
    return false;
}

/* ---- rules ----------------------------------------------------------------- */

static void check_scores(checker *c)
{
    policy *p = c->p;
    for (int i = 0; i < p->scores.n; i++) {
        score_decl *s = p->scores.v[i];
        c->cur_score = i;
        type_kind k = TY_INT;
        for (int r = 0; r < s->rules.n; r++) {
            score_rule *rule = &s->rules.v[r];
            sla_type t = check_in(c, CX_SCORE, rule->value, TY__COUNT, NULL);
            if (t.k != TY_ERROR) {
                if (t.k != TY_INT && t.k != TY_NUMBER) {
                    error(c, D_TYPE, rule->value->loc, "a score rule adds a number, but this is %s",
                          type_name(t));
                } else {
                    if (t.opt)
                        error(c, D_TYPE, rule->value->loc, "this value may be unset; give a default "
                              "with `?? 0`");
                    if (t.k == TY_NUMBER)
                        k = TY_NUMBER;
                }
            }
            if (rule->when)
                check_in(c, CX_SCORE, rule->when, TY_BOOL, "a score rule's condition");
        }
        s->type = ty(k, false);
        symbol *sym = sym_find(&c->names, s->name.name);
        if (sym && sym->decl == s)
            sym->type = s->type;
    }
}

static void check_stages(checker *c)
{
    policy *p = c->p;
    for (int i = 0; i < p->stages.n; i++) {
        stage_decl *s = p->stages.v[i];
        c->cur_stage = i;
        if (s->when)
            check_in(c, CX_STAGE, s->when, TY_BOOL, "a stage condition");
        if (s->since)
            check_in(c, CX_STAGE, s->since, TY_TIME, "the time after `since`");
    }
    c->cur_stage = p->stages.n;
    /* A stage a record can never end in: a later stage always holds too. */
    for (int i = p->stages.n - 1; i >= 1; i--) {
        stage_decl *later = p->stages.v[i];
        if (!later->when) {
            warning(c, D_UNREACHABLE, later->name.loc, "stage `%s` has no condition, so every "
                    "record reaches it and no record ends in a stage above it", later->name.name);
            return;
        }
    }
    for (int i = 0; i < p->stages.n; i++) {
        stage_decl *s = p->stages.v[i];
        if (i == 0 && !s->when)
            continue;
        for (int j = i + 1; j < p->stages.n; j++) {
            stage_decl *t = p->stages.v[j];
            if (s->when && s->when->kind != E_ERROR && implies(s->when, t->when)) {
                diag *d = warning(c, D_UNREACHABLE, s->name.loc, "no record can end in stage `%s`: "
                                  "whenever its condition holds, so does that of `%s`, a later "
                                  "stage", s->name.name, t->name.name);
                diag_note_at(d, t->name.loc, "`%s` is defined here", t->name.name);
                break;
            }
        }
    }
}

static void check_classes(checker *c)
{
    policy *p = c->p;
    int otherwise = -1;
    for (int i = 0; i < p->classes.n; i++) {
        class_decl *k = p->classes.v[i];
        if (otherwise >= 0) {
            diag *d = error(c, D_ORDER, k->name.loc, "class `%s` comes after `otherwise`, so no "
                            "record can get it", k->name.name);
            diag_note_at(d, p->classes.v[otherwise]->otherwise_loc, "`%s` takes every record left",
                         p->classes.v[otherwise]->name.name);
        }
        if (k->otherwise && otherwise < 0)
            otherwise = i;
        if (k->when)
            check_in(c, CX_CLASS, k->when, TY_BOOL, "a class condition");
    }
    if (p->classes.n && otherwise < 0)
        warning(c, D_NO_CATCHALL, p->classes.v[p->classes.n - 1]->name.loc,
                "records that match no class get no class; end the classes with "
                "`NAME otherwise` to give them one");
    for (int j = 1; j < p->classes.n; j++) {
        class_decl *k = p->classes.v[j];
        if (!k->when || k->when->kind == E_ERROR)
            continue;
        for (int i = 0; i < j; i++) {
            class_decl *first = p->classes.v[i];
            if (first->when && implies(k->when, first->when)) {
                diag *d = warning(c, D_UNREACHABLE, k->name.loc, "no record can get class `%s`: "
                                  "whenever its condition holds, class `%s` matches first",
                                  k->name.name, first->name.name);
                diag_note_at(d, first->name.loc, "`%s` is defined here", first->name.name);
                break;
            }
        }
    }
}

static void check_teams(checker *c)
{
    policy *p = c->p;
    for (int i = 0; i < p->teams.n; i++) {
        team_decl *t = p->teams.v[i];
        for (int k = 0; k < t->owns.n; k++) {
            symbol *s = lookup_kind(c, &t->owns.v[k], SYM_STAGE, "");
            if (!s)
                continue;
            for (int j = 0; j < i; j++)
                for (int m = 0; m < p->teams.v[j]->owns.n; m++)
                    if (strcmp(p->teams.v[j]->owns.v[m].name, t->owns.v[k].name) == 0) {
                        diag *d = error(c, D_DUPLICATE, t->owns.v[k].loc, "stage `%s` is already "
                                        "owned by team `%s`", t->owns.v[k].name,
                                        p->teams.v[j]->name.name);
                        diag_note_at(d, p->teams.v[j]->owns.v[m].loc, "owned here");
                    }
        }
    }
}

/* Wall-clock bounds of a duration literal, in seconds; INFINITY if unknown. */
static void duration_bounds(const checker *c, const expr *e, double *lo, double *hi)
{
    static const double unit[] = {[DU_MINUTE] = 60, [DU_HOUR] = 3600, [DU_DAY] = 86400,
                                  [DU_WEEK] = 604800};
    *lo = 0;
    *hi = INFINITY;
    if (!e || e->kind != E_DURATION)
        return;
    if (!e->business) {
        *lo = *hi = e->num * unit[e->op];
        return;
    }
    /* Business time passes no faster than the wall clock; a business day
     * is at least the shortest working day. */
    *lo = e->op == DU_DAY ? e->num * (double)c->min_day_seconds : e->num * unit[e->op];
}

/* Checks the per-class entries of a hand-off or cadence: known classes,
 * each once, every class covered. */
static void check_windows(checker *c, window_vec *w, src_loc where, const char *what)
{
    policy *p = c->p;
    bool all = false;
    for (int i = 0; i < w->n; i++) {
        ident *k = &w->v[i].cls;
        if (!k->name || strcmp(k->name, "otherwise") == 0) {
            if (all) {
                error(c, D_DUPLICATE, k->loc, "%s already gives a window for every other class", what);
            }
            all = true;
            continue;
        }
        if (!p->classes.n) {
            error(c, D_MISSING, k->loc, "%s gives a window for class `%s`, but the policy has no "
                  "classes", what, k->name);
            continue;
        }
        if (!lookup_kind(c, k, SYM_CLASS, ""))
            continue;
        for (int j = 0; j < i; j++)
            if (w->v[j].cls.name && strcmp(w->v[j].cls.name, k->name) == 0) {
                diag *d = error(c, D_DUPLICATE, k->loc, "class `%s` is given twice in %s", k->name,
                                what);
                diag_note_at(d, w->v[j].cls.loc, "first given here");
                break;
            }
    }
    if (all || !w->n)
        return;
    for (int i = 0; i < p->classes.n; i++) {
        bool found = false;
        for (int j = 0; j < w->n && !found; j++)
            found = w->v[j].cls.name && strcmp(w->v[j].cls.name, p->classes.v[i]->name.name) == 0;
        if (!found)
            error(c, D_MISSING, where, "%s gives no window for class `%s`; add `%s: ...` or "
                  "`otherwise: ...`", what, p->classes.v[i]->name.name, p->classes.v[i]->name.name);
    }
}

static void check_duration_entry(checker *c, context cx, expr *e, const char *what)
{
    sla_type t = check_in(c, cx, e, TY__COUNT, NULL);
    if (t.k == TY_ERROR)
        return;
    if ((t.k != TY_DURATION && t.k != TY_BDURATION) || t.opt) {
        error(c, D_TYPE, e->loc, "%s must be a duration, such as 4 hours or 1 business day, but "
              "this is %s", what, type_name(t));
        return;
    }
    if (e->kind == E_DURATION && e->num <= 0)
        error(c, D_INVALID_VALUE, e->loc, "%s must be longer than zero", what);
}

static const handoff_decl *handoff_for(const policy *p, const char *stage)
{
    for (int i = 0; i < p->handoffs.n; i++)
        if (p->handoffs.v[i]->stage.name && strcmp(p->handoffs.v[i]->stage.name, stage) == 0)
            return p->handoffs.v[i];
    return NULL;
}

static void check_handoffs(checker *c)
{
    policy *p = c->p;
    for (int i = 0; i < p->handoffs.n; i++) {
        handoff_decl *h = p->handoffs.v[i];
        symbol *st = lookup_kind(c, &h->stage, SYM_STAGE, " to hand off");
        lookup_team(c, &h->team);
        for (int j = 0; j < i; j++)
            if (st && h->stage.name && p->handoffs.v[j]->stage.name &&
                strcmp(p->handoffs.v[j]->stage.name, h->stage.name) == 0) {
                diag *d = error(c, D_DUPLICATE, h->stage.loc, "stage `%s` already has a hand-off",
                                h->stage.name);
                diag_note_at(d, p->handoffs.v[j]->stage.loc, "the first hand-off of `%s`",
                             h->stage.name);
            }
        if (h->until.name) {
            symbol *u = lookup_kind(c, &h->until, SYM_STAGE, "");
            if (u && st && u->index <= st->index)
                error(c, D_ORDER, h->until.loc, "the hand-off of `%s` runs until a later stage, but "
                      "`%s` is not after `%s`", h->stage.name, h->until.name, h->stage.name);
        }
        if (!h->start) {
            error(c, D_MISSING, h->loc, "the hand-off needs a clock: `clock starts at TIME, stops "
                  "at TIME`");
        } else {
            check_in(c, CX_HANDOFF, h->start, TY_TIME, "the time the clock starts at");
            check_in(c, CX_HANDOFF, h->stop, TY_TIME, "the time the clock stops at");
        }
        if (!h->windows.n)
            error(c, D_MISSING, h->loc, "the hand-off needs a response window: `within 4 business "
                  "hours`, or one per class");
        for (int k = 0; k < h->windows.n; k++)
            check_duration_entry(c, CX_HANDOFF, h->windows.v[k].within, "a response window");
        check_windows(c, &h->windows, h->within_loc, "the hand-off");
    }
}

/* The window of class k (or of every class) in w, or NULL. */
static const class_window *window_of(const window_vec *w, const char *cls)
{
    const class_window *other = NULL;
    for (int i = 0; i < w->n; i++) {
        if (!w->v[i].cls.name || strcmp(w->v[i].cls.name, "otherwise") == 0)
            other = &w->v[i];
        else if (cls && strcmp(w->v[i].cls.name, cls) == 0)
            return &w->v[i];
    }
    return other;
}

static void check_cadences(checker *c)
{
    policy *p = c->p;
    for (int i = 0; i < p->cadences.n; i++) {
        cadence_decl *k = p->cadences.v[i];
        lookup_team(c, &k->team);
        symbol *st = lookup_kind(c, &k->stage, SYM_STAGE, "");
        for (int j = 0; j < i; j++)
            if (st && p->cadences.v[j]->stage.name &&
                strcmp(p->cadences.v[j]->stage.name, k->stage.name) == 0) {
                diag *d = error(c, D_DUPLICATE, k->stage.loc, "stage `%s` already has a cadence",
                                k->stage.name);
                diag_note_at(d, p->cadences.v[j]->stage.loc, "the first cadence of `%s`",
                             k->stage.name);
            }
        if (!k->count) {
            error(c, D_MISSING, k->loc, "the cadence needs to know the touches made: `count FIELD` "
                  "(a whole number), optionally `since TIME`");
        } else {
            check_in(c, CX_CADENCE, k->count, TY_INT, "what a cadence counts");
            if (k->since)
                check_in(c, CX_CADENCE, k->since, TY_TIME, "the time after `since`");
            else if (st && !handoff_for(p, k->stage.name))
                error(c, D_MISSING, k->count_loc, "say when the cadence starts, as in `count "
                      "touches since became_mql`, or declare a hand-off of `%s`", k->stage.name);
        }
        if (!k->entries.n)
            error(c, D_MISSING, k->loc, "the cadence needs its touches, as in `6 touches over 14 "
                  "days`, or one line per class");
        for (int e = 0; e < k->entries.n; e++) {
            class_window *w = &k->entries.v[e];
            if (w->touches < 1)
                error(c, D_INVALID_VALUE, w->touches_loc, "a cadence needs at least one touch");
            check_duration_entry(c, CX_CADENCE, w->within, "a cadence's period");
        }
        check_windows(c, &k->entries, k->loc, "the cadence");

        /* The first touch must be due before the whole cadence is over. */
        const handoff_decl *h = st ? handoff_for(p, k->stage.name) : NULL;
        if (!h)
            continue;
        int nclass = p->classes.n ? p->classes.n : 1;
        for (int ci = 0; ci < nclass; ci++) {
            const char *cls = p->classes.n ? p->classes.v[ci]->name.name : NULL;
            const class_window *hw = window_of(&h->windows, cls), *cw = window_of(&k->entries, cls);
            if (!hw || !cw)
                continue;
            double hlo, hhi, clo, chi;
            duration_bounds(c, hw->within, &hlo, &hhi);
            duration_bounds(c, cw->within, &clo, &chi);
            if (hlo > chi) {
                diag *d = error(c, D_UNMEETABLE, cw->within->loc, "the cadence%s%s%s is over before "
                                "the first touch is due: its period is shorter than the response "
                                "window", cls ? " of class `" : "", cls ? cls : "", cls ? "`" : "");
                diag_note_at(d, hw->within->loc, "the response window");
            }
        }
    }
}

/* The `X older than D` tests that a recycle condition needs to hold. */
static void required_older(const expr *e, const expr **out, int *n, int max)
{
    if (!e)
        return;
    if (is_op(e, BIN_AND)) {
        required_older(e->a, out, n, max);
        required_older(e->b, out, n, max);
    } else if (e->kind == E_OLDER && *n < max) {
        out[(*n)++] = e;
    }
}

static void check_recycles(checker *c)
{
    policy *p = c->p;
    for (int i = 0; i < p->recycles.n; i++) {
        recycle_decl *r = p->recycles.v[i];
        if (r->target.name && !sym_find(&c->teams, r->target.name)) {
            symbol *s = sym_find(&c->names, r->target.name);
            if ((!s || s->kind != SYM_STAGE) && !skipped(c, r->target.name)) {
                diag *d = error(c, D_UNDEFINED_NAME, r->target.loc, "a lead is recycled to a stage "
                                "or a team, and `%s` is neither", r->target.name);
                suggest_from(d, &c->teams, r->target.name, -1);
                if (d && !d->suggestion)
                    suggest_from(d, &c->names, r->target.name, SYM_STAGE);
            }
        }
        check_in(c, CX_RECYCLE, r->when, TY_BOOL, "a recycle condition");

        /* Recycling a lead before its response window or cadence can be met. */
        const expr *older[8];
        int n = 0;
        required_older(r->when, older, &n, 8);
        for (int k = 0; k < n; k++) {
            double dlo, dhi;
            duration_bounds(c, older[k]->b, &dlo, &dhi);
            if (!isfinite(dhi))
                continue;
            for (int h = 0; h < p->handoffs.n; h++) {
                const handoff_decl *hd = p->handoffs.v[h];
                if (!hd->start || !expr_equal(older[k]->a, hd->start))
                    continue;
                for (int w = 0; w < hd->windows.n; w++) {
                    double lo, hi;
                    duration_bounds(c, hd->windows.v[w].within, &lo, &hi);
                    if (lo > dhi) {
                        diag *d = error(c, D_UNMEETABLE, older[k]->loc, "this rule recycles a lead "
                                        "before its response window is over, so the window can "
                                        "never be met");
                        diag_note_at(d, hd->windows.v[w].within->loc, "the longer response window");
                        break;
                    }
                }
            }
            for (int h = 0; h < p->cadences.n; h++) {
                const cadence_decl *cd = p->cadences.v[h];
                const expr *start = cd->since;
                if (!start && cd->stage.name) {
                    const handoff_decl *hd = handoff_for(p, cd->stage.name);
                    start = hd ? hd->start : NULL;
                }
                if (!start || !expr_equal(older[k]->a, start))
                    continue;
                for (int w = 0; w < cd->entries.n; w++) {
                    double lo, hi;
                    duration_bounds(c, cd->entries.v[w].within, &lo, &hi);
                    if (lo > dhi) {
                        diag *d = error(c, D_UNMEETABLE, older[k]->loc, "this rule recycles a lead "
                                        "before its cadence is over, so the cadence can never be "
                                        "completed");
                        diag_note_at(d, cd->entries.v[w].within->loc, "the longer cadence");
                        break;
                    }
                }
            }
        }
    }
}

static const char *const periods[] = {"week", "month", "quarter", "year", NULL};

static void check_quotas(checker *c)
{
    policy *p = c->p;
    for (int i = 0; i < p->quotas.n; i++) {
        quota_decl *q = p->quotas.v[i];
        lookup_team(c, &q->team);
        for (int l = 0; l < q->lines.n; l++) {
            quota_line *ql = &q->lines.v[l];
            bool period_ok = false;
            for (int k = 0; periods[k]; k++)
                period_ok |= ql->period.name && strcmp(periods[k], ql->period.name) == 0;
            if (ql->period.name && !period_ok) {
                diag *d = error(c, D_INVALID_VALUE, ql->period.loc, "`%s` is not a period (week, "
                                "month, quarter or year)", ql->period.name);
                suggester sg;
                suggest_init(&sg, ql->period.name);
                for (int k = 0; periods[k]; k++)
                    suggest_add(&sg, periods[k]);
                if (suggest_best(&sg))
                    diag_suggest(d, "did you mean `%s`?", suggest_best(&sg));
            }
            if (ql->by)
                check_in(c, CX_QUOTA, ql->by, TY_TIME, "the time after `at`");
            bool want_percent = ql->metric != QM_STAGE && ql->metric != QM_SUM;
            if (ql->target_kind == QT_PERCENT && (ql->target_num < 0 || ql->target_num > 100))
                error(c, D_INVALID_VALUE, ql->target_loc, "a percentage target is between 0%% "
                      "and 100%%");
            switch (ql->metric) {
            case QM_STAGE: {
                symbol *s = lookup_kind(c, &ql->a, SYM_STAGE, " to count");
                if (ql->target_kind != QT_COUNT)
                    error(c, D_TYPE, ql->target_loc, "a count of `%s` needs a whole number as its "
                          "target, as in `400 %s per month`", ql->a.name, ql->a.name);
                if (s && !ql->by && !((stage_decl *)s->decl)->since)
                    error(c, D_MISSING, ql->a.loc, "to count `%s` per %s, say when a record reached "
                          "it: add `since TIME` to the stage, or `at TIME` here", ql->a.name,
                          ql->period.name ? ql->period.name : "period");
                break;
            }
            case QM_CONVERSION: {
                symbol *a = lookup_kind(c, &ql->a, SYM_STAGE, "");
                symbol *b = lookup_kind(c, &ql->b, SYM_STAGE, "");
                if (a && b && b->index <= a->index)
                    error(c, D_ORDER, ql->b.loc, "a conversion goes to a later stage, and `%s` is "
                          "not after `%s`", ql->b.name, ql->a.name);
                if (a && !ql->by && !((stage_decl *)a->decl)->since)
                    error(c, D_MISSING, ql->a.loc, "to put records in a period, say when they "
                          "reached `%s`: add `since TIME` to the stage, or `at TIME` here",
                          ql->a.name);
                break;
            }
            case QM_HANDOFF: {
                const char *st = ql->status.name;
                if (st && strcmp(st, "met") != 0 && strcmp(st, "breached") != 0)
                    error(c, D_INVALID_VALUE, ql->status.loc, "a hand-off quota counts `met` or "
                          "`breached` hand-offs, not `%s`", st);
                if (ql->a.name) {
                    if (lookup_kind(c, &ql->a, SYM_STAGE, "") && !handoff_for(p, ql->a.name))
                        error(c, D_MISSING, ql->a.loc, "stage `%s` has no hand-off", ql->a.name);
                } else if (p->handoffs.n == 0) {
                    error(c, D_MISSING, ql->loc, "this quota measures hand-offs, but the policy "
                          "has none");
                } else if (p->handoffs.n > 1) {
                    error(c, D_MISSING, ql->loc, "the policy has several hand-offs; name the stage, "
                          "as in `handoff %s met`", p->handoffs.v[0]->stage.name);
                }
                break;
            }
            case QM_CADENCE: {
                const char *st = ql->status.name;
                bool ok = false;
                for (int k = 0; cadence_states[k]; k++)
                    ok |= st && strcmp(st, cadence_states[k]) == 0;
                if (!ok)
                    error(c, D_INVALID_VALUE, ql->status.loc, "`%s` is not a cadence status (on "
                          "track, behind, complete, overdue)", st ? st : "");
                if (p->cadences.n == 0)
                    error(c, D_MISSING, ql->loc, "this quota measures cadences, but the policy has "
                          "none");
                break;
            }
            case QM_SUM: {
                sla_type t = check_in(c, CX_QUOTA, ql->sum, TY__COUNT, NULL);
                if (t.k != TY_ERROR && !numeric(t.k))
                    error(c, D_TYPE, ql->sum->loc, "a sum adds numbers or money, not %s",
                          type_name(t));
                if (ql->when)
                    check_in(c, CX_QUOTA, ql->when, TY_BOOL, "the condition of a sum");
                if (!ql->by)
                    error(c, D_MISSING, ql->loc, "a sum needs `at TIME` to put each record in a "
                          "period, as in `at close_date`");
                if (t.k == TY_MONEY && ql->target_kind != QT_MONEY)
                    error(c, D_TYPE, ql->target_loc, "this sum adds money, so its target is an "
                          "amount, as in $250,000");
                else if (t.k != TY_ERROR && t.k != TY_MONEY && ql->target_kind == QT_MONEY)
                    error(c, D_TYPE, ql->target_loc, "this sum adds %s, so its target is a number, "
                          "not an amount of money", type_name(t));
                break;
            }
            }
            if (want_percent && ql->target_kind != QT_PERCENT)
                error(c, D_TYPE, ql->target_loc, "this quota measures a rate, so its target is a "
                      "percentage, as in 95%%");
            if (ql->metric == QM_SUM && ql->target_kind == QT_PERCENT)
                error(c, D_TYPE, ql->target_loc, "a sum's target is an amount or a number, not a "
                      "percentage");
        }
    }
}

static void check_checkins(checker *c)
{
    policy *p = c->p;
    for (int i = 0; i < p->checkins.n; i++) {
        checkin_decl *k = p->checkins.v[i];
        if (k->weekly)
            weekday_index(c, &k->weekday);
        else if (k->day < 1 || k->day > 31)
            error(c, D_INVALID_VALUE, k->day_loc, "a check-in's day of the month is between 1 and "
                  "31 (a day past a month's end means its last day)");
        for (int j = 0; j < i; j++)
            if (strcmp(p->checkins.v[j]->name.s, k->name.s) == 0) {
                diag *d = error(c, D_DUPLICATE, k->name.loc, "check-in \"%s\" is already defined",
                                k->name.s);
                diag_note_at(d, p->checkins.v[j]->name.loc, "first defined here");
                break;
            }
    }
}

static void check_outputs(checker *c)
{
    policy *p = c->p;
    if (p->has_output && !p->outputs.n)
        error(c, D_MISSING, p->output_loc, "the output block names no columns");
    for (int i = 0; i < p->outputs.n; i++) {
        output_col *o = &p->outputs.v[i];
        sla_type t = check_in(c, CX_OUTPUT, o->value, TY__COUNT, NULL);
        (void)t;
        for (int j = 0; j < i; j++)
            if (strcasecmp(p->outputs.v[j].header.s, o->header.s) == 0) {
                diag *d = error(c, D_DUPLICATE, o->header.loc, "column \"%s\" is already in the "
                                "output", o->header.s);
                diag_note_at(d, p->outputs.v[j].header.loc, "first given here");
                break;
            }
    }
}

/* ---- tests ------------------------------------------------------------------- */

/* Whether a test's value may be given for a field of type t: text is read
 * as the export's column would be; other literals must fit the type. */
static bool test_value_fits(const expr *e, type_kind t)
{
    if (e->kind == E_NEG)
        e = e->a;
    switch ((expr_kind)e->kind) {
    case E_TEXT: return true;
    case E_INT: return t == TY_INT || t == TY_NUMBER || t == TY_MONEY;
    case E_NUMBER: return t == TY_NUMBER || t == TY_MONEY;
    case E_MONEY: return t == TY_MONEY;
    case E_BOOL: return t == TY_BOOL;
    case E_TIME: return t == TY_TIME;
    default: return false;
    }
}

static void check_test_record(checker *c, test_record *r)
{
    for (int i = 0; i < r->values.n; i++) {
        test_value *v = &r->values.v[i];
        symbol *s = sym_find(&c->names, v->field.name);
        if (!s || s->kind != SYM_FIELD) {
            diag *d = error(c, D_UNDEFINED_NAME, v->field.loc, "`%s` is not a field of the "
                            "record%s", v->field.name, s ? ": a test gives the record's fields, "
                            "and the policy computes the rest" : "");
            if (!s)
                suggest_from(d, &c->names, v->field.name, SYM_FIELD);
            v->slot = -1;
            continue;
        }
        const field_decl *f = s->decl;
        v->slot = f->slot;
        const expr *e = v->value;
        bool literal = e->kind == E_NEG ? (e->a->kind == E_INT || e->a->kind == E_NUMBER ||
                                           e->a->kind == E_MONEY)
                                        : is_literal(e) || e->kind == E_TIME;
        if (!literal) {
            error(c, D_TYPE, e->loc, "a test record's value is a literal (a number, an amount, "
                  "text, true or false, a date or time)");
            continue;
        }
        if (e->kind == E_TIME && check_expr(c, v->value).k == TY_ERROR)
            continue;
        if (!test_value_fits(e, f->type.k))
            error(c, D_TYPE, e->loc, "`%s` is %s; give %s here, or text as the export would "
                  "have it", v->field.name, type_name(f->type),
                  f->type.k == TY_TIME ? "a date or time (2026-11-01T09:00:00)"
                  : f->type.k == TY_BOOL ? "true or false"
                  : f->type.k == TY_MONEY ? "an amount ($1,200.00)"
                  : f->type.k == TY_TEXT ? "text in quotes" : "a number");
    }
}

/* Quota lines compared as written, runs of spaces as one. */
static bool same_words(const char *a, size_t na, const char *b)
{
    size_t i = 0;
    for (;;) {
        bool gap_a = false, gap_b = false;
        while (i < na && isspace((unsigned char)a[i]))
            i++, gap_a = true;
        while (isspace((unsigned char)*b))
            b++, gap_b = true;
        if (i == na || !*b)
            return i == na && !*b;
        if (a[i] != *b || (gap_a != gap_b && i > 0))
            return false;
        i++;
        b++;
    }
}

static void check_quota_expect(checker *c, test_expect *x)
{
    policy *p = c->p;
    int found = -1, matches = 0, index = 0;
    const quota_line *line = NULL;
    for (int i = 0; i < p->quotas.n; i++)
        for (int l = 0; l < p->quotas.v[i]->lines.n; l++, index++) {
            const quota_line *ql = &p->quotas.v[i]->lines.v[l];
            size_t len;
            const char *text = src_text(p->file, ql->loc, &len);
            if (!same_words(text, len, x->quota.s))
                continue;
            if (x->team.name && strcmp(x->team.name, p->quotas.v[i]->team.name) != 0)
                continue;
            if (found < 0) {
                found = index;
                line = ql;
            }
            matches++;
        }
    x->quota_index = found;
    if (found < 0) {
        diag *d = error(c, D_UNDEFINED_NAME, x->quota.loc, "no quota line%s%s reads \"%s\"",
                        x->team.name ? " of team " : "", x->team.name ? x->team.name : "",
                        x->quota.s);
        diag_suggest(d, "name a quota line as the policy writes it, as in "
                     "`expect quota \"400 mql per month\" is met`");
        return;
    }
    if (matches > 1)
        error(c, D_DUPLICATE, x->quota.loc, "two teams have the quota \"%s\"; name the team: "
              "`expect quota TEAM \"%s\" ...`", x->quota.s, x->quota.s);
    if (x->kind == TX_QUOTA_STATUS) {
        static const char *const words[] = {"met", "missed", "on track", "at risk", "no data"};
        bool ok = false;
        for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
            ok |= strcmp(words[k], x->status.name) == 0;
        if (!ok)
            error(c, D_INVALID_VALUE, x->status.loc, "a quota is met, missed, on track, at risk "
                  "or no data, not `%s`", x->status.name);
        return;
    }
    /* A figure of the quota's own kind: a count, a rate in percent, a sum. */
    bool rate = line->metric == QM_HANDOFF || line->metric == QM_CADENCE ||
                line->metric == QM_CONVERSION || line->target_kind == QT_PERCENT;
    bool money = line->metric == QM_SUM && line->target_kind == QT_MONEY;
    const char *want = rate ? "a percentage (95%)" : money ? "an amount ($250,000)"
                     : line->metric == QM_SUM ? "a number" : "a count";
    bool fits = rate ? x->value_kind == QT_PERCENT
              : money ? x->value_kind == QT_MONEY
              : line->metric == QM_SUM ? x->value_kind == QT_COUNT || x->value_kind == QT_NUMBER
              : x->value_kind == QT_COUNT;
    if (!fits)
        error(c, D_TYPE, x->value_loc, "quota \"%s\" measures %s; compare it with %s",
              x->quota.s, rate ? "a rate" : money ? "money" : line->metric == QM_SUM ? "a sum"
              : "a count", want);
}

static void check_tests(checker *c)
{
    policy *p = c->p;
    if (p->test_as_of)
        expect(c, p->test_as_of, TY_TIME, "the tests' as-of instant");
    for (int i = 0; i < p->tests.n; i++) {
        test_decl *t = p->tests.v[i];
        const src_file *saved = c->f;
        c->f = t->file;
        for (int j = 0; j < i; j++)
            if (strcmp(p->tests.v[j]->name.s, t->name.s) == 0 && p->tests.v[j]->file == t->file) {
                diag *d = error(c, D_DUPLICATE, t->name.loc, "a test named \"%s\" is already "
                                "in this file", t->name.s);
                diag_note_at(d, p->tests.v[j]->name.loc, "first defined here");
                break;
            }
        if (t->as_of) {
            if (t->as_of->kind != E_TIME && t->as_of->kind != E_ERROR)
                error(c, D_TYPE, t->as_of->loc, "a test's as-of instant is a date or time, "
                      "as in `as of 2026-11-01T09:00:00`");
            else
                expect(c, t->as_of, TY_TIME, "a test's as-of instant");
        } else if (!p->test_as_of) {
            diag *d = error(c, D_MISSING, t->name.loc, "test \"%s\" has no as-of instant",
                            t->name.s);
            diag_suggest(d, "write `as of 2026-11-01T09:00:00` in the test, or `test as of "
                         "...` once before the tests");
        }
        bool about_records = false;
        for (int k = 0; k < t->records.n; k++)
            check_test_record(c, &t->records.v[k]);
        for (int k = 0; k < t->expects.n; k++) {
            test_expect *x = &t->expects.v[k];
            if (x->kind == TX_HOLDS) {
                about_records = true;
                check_in(c, CX_TEST, x->cond, TY_BOOL, "an expectation");
            } else {
                check_quota_expect(c, x);
            }
        }
        if (about_records && !t->records.n)
            error(c, D_MISSING, t->name.loc, "test \"%s\" expects something of a record but "
                  "gives none; add `record field = value, ...`", t->name.s);
        if (!t->expects.n)
            warning(c, D_MISSING, t->name.loc, "test \"%s\" expects nothing", t->name.s);
        c->f = saved;
    }
}

static void check_lets(checker *c)
{
    policy *p = c->p;
    for (int i = 0; i < p->lets.n; i++)
        check_let(c, p->lets.v[i]);
    for (int i = 0; i < p->lets.n; i++)
        if (p->lets.v[i]->uses == 0 && p->lets.v[i]->value->kind != E_ERROR)
            warning(c, D_UNUSED, p->lets.v[i]->name.loc, "`%s` is defined but never used",
                    p->lets.v[i]->name.name);
}

int check_policy(policy *p, arena *a, diag_set *d)
{
    checker c = {.p = p, .a = a, .d = d, .f = p->file};
    int before = d->errors;
    deps top;
    deps_init(&top);
    c.acc = &top;
    check_calendar(&c);
    define_names(&c);
    /* Lets referenced from rules are checked on first use, where their
     * cycles are found; check_lets covers the rest and reports the unused. */
    check_scores(&c);
    check_stages(&c);
    check_classes(&c);
    check_teams(&c);
    check_handoffs(&c);
    check_cadences(&c);
    check_recycles(&c);
    check_quotas(&c);
    check_checkins(&c);
    check_outputs(&c);
    check_tests(&c);
    check_lets(&c);
    return d->errors - before;
}
