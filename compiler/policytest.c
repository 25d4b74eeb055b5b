/*
 * policytest.c - `sla test`: the tests of policies, run on their programs.
 *
 * Paths are first gathered into groups, one per policy: the policy's own
 * tests, then those of every test file that belongs to it. Each group is
 * parsed (test files with the same parser: a test file is a policy file
 * holding only tests), its tests are added to the policy's and checked in
 * its scope, and the policy is compiled once with every expectation and
 * every condition coverage measures as a probe. Each test then runs its
 * records through that program with the interpreter at its own as-of
 * instant, exactly as `sla score` would, and reads the probes.
 */
#include "policytest.h"

#include "check.h"
#include "compile.h"
#include "emit.h"

#include "../common/arena.h"
#include "../common/buf.h"
#include "../common/diag.h"
#include "../common/num.h"
#include "../common/outfile.h"
#include "../common/readfile.h"
#include "../common/timefmt.h"
#include "../common/tz.h"
#include "../common/xalloc.h"
#include "../parser/parse.h"
#include "../runtime/convert.h"
#include "../runtime/report.h"
#include "../runtime/session.h"
#include "../runtime/vm.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- gathering the files ------------------------------------------------------- */

typedef struct group {
    char *policy;             /* its path */
    bool own;                 /* its own tests run too: the policy itself was named */
    VEC(char *) tests;        /* test files */
} group;

typedef struct runner {
    const ptest_options *o;
    FILE *out, *err;
    arena a;                  /* everything parsed, for the whole run */
    VEC(group) groups;
    VEC(src_file *) files;
    int status;

    /* results */
    int passed, failed;
    int short_of_min;         /* policies whose coverage is under --min-coverage */
    buf junit;                /* <testcase> elements */
    const char *junit_file;   /* the file whose <testsuite> is open */
    int suite_tests, suite_failures;
    buf suites;
} runner;

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* NAME.sla for NAME.test.sla. */
static char *policy_of(arena *a, const char *test)
{
    size_t n = strlen(test) - strlen(".test.sla");
    return arena_printf(a, "%.*s.sla", (int)n, test);
}

/* The same file, by device and inode when both exist. */
static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    return strcmp(a, b) == 0;
}

static group *group_for(runner *r, const char *path)
{
    for (int i = 0; i < r->groups.n; i++)
        if (same_file(r->groups.v[i].policy, path))
            return &r->groups.v[i];
    vec_push(&r->a, &r->groups, ((group){.policy = arena_strdup(&r->a, path)}));
    return &r->groups.v[r->groups.n - 1];
}

static void add_test_file(runner *r, group *g, const char *path)
{
    for (int i = 0; i < g->tests.n; i++)
        if (same_file(g->tests.v[i], path))
            return;
    vec_push(&r->a, &g->tests, arena_strdup(&r->a, path));
}

/* Drops `dir/..` and `./` from a relative path, in place, for messages:
 * tests/x/../../examples/a.sla is examples/a.sla. */
static void tidy_path(char *path)
{
    char *parts[256];
    int n = 0;
    bool absolute = path[0] == '/';
    char *copy = xstrdup(path);
    for (char *s = strtok(copy, "/"); s && n < 256; s = strtok(NULL, "/")) {
        if (!strcmp(s, "."))
            continue;
        if (!strcmp(s, "..") && n > 0 && strcmp(parts[n - 1], "..") != 0)
            n--;
        else
            parts[n++] = s;
    }
    char *out = path;
    if (absolute)
        *out++ = '/';
    for (int i = 0; i < n; i++) {
        size_t len = strlen(parts[i]);
        memmove(out, parts[i], len);
        out += len;
        if (i + 1 < n)
            *out++ = '/';
    }
    *out = '\0';
    free(copy);
}

/* The path a test file's `test policy "name"` means: name, relative to
 * the test file's directory unless it is absolute. */
static char *beside(arena *a, const char *test, const char *name)
{
    const char *slash = strrchr(test, '/');
    char *path = name[0] == '/' || !slash
                     ? arena_strdup(a, name)
                     : arena_printf(a, "%.*s%s", (int)(slash - test + 1), test, name);
    tidy_path(path);
    return path;
}

/* A test file's `test policy "..."` line, read before the file is parsed
 * for good: the path it names is relative to the test file. */
static char *named_policy(arena *a, const char *test)
{
    char *text;
    size_t len;
    if (read_whole_file("sla", test, &text, &len) < 0)
        return NULL;
    char *found = NULL;
    for (char *line = text; line && line < text + len;) {
        char *end = memchr(line, '\n', (size_t)(text + len - line));
        size_t n = end ? (size_t)(end - line) : (size_t)(text + len - line);
        char *s = line;
        while (s < line + n && (*s == ' ' || *s == '\t'))
            s++;
        if (n - (size_t)(s - line) > 11 && strncmp(s, "test policy", 11) == 0) {
            char *q = memchr(s, '"', n - (size_t)(s - line));
            char *q2 = q ? memchr(q + 1, '"', (size_t)(line + n - q - 1)) : NULL;
            if (q2)
                found = beside(a, test, arena_printf(a, "%.*s", (int)(q2 - q - 1), q + 1));
            break;
        }
        line = end ? end + 1 : NULL;
    }
    free(text);
    return found;
}

static int gather_path(runner *r, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(r->err, "sla test: %s: no such file or directory\n", path);
        return 2;
    }
    if (S_ISDIR(st.st_mode)) {
        struct dirent **names;
        int n = scandir(path, &names, NULL, alphasort);
        if (n < 0) {
            fprintf(r->err, "sla test: cannot read directory %s\n", path);
            return 2;
        }
        int status = 0;
        for (int i = 0; i < n; i++) {
            const char *name = names[i]->d_name;
            if (name[0] != '.' && ends_with(name, ".sla")) {
                char *sub = arena_printf(&r->a, "%s%s%s", path,
                                         ends_with(path, "/") ? "" : "/", name);
                if (is_file(sub)) {
                    int s = gather_path(r, sub);
                    if (s > status)
                        status = s;
                }
            }
            free(names[i]);
        }
        free(names);
        return status;
    }
    if (ends_with(path, ".test.sla")) {
        char *owner = named_policy(&r->a, path);
        if (!owner)
            owner = policy_of(&r->a, path);
        add_test_file(r, group_for(r, owner), path);
        return 0;
    }
    group *g = group_for(r, path);
    g->own = true;
    char *beside = arena_printf(&r->a, "%.*s.test.sla", (int)(strlen(path) - 4), path);
    if (ends_with(path, ".sla") && is_file(beside)) {
        char *named = named_policy(&r->a, beside);
        if (!named || same_file(named, path))
            add_test_file(r, g, beside);
    }
    return 0;
}

/* ---- parsing and checking a group ------------------------------------------------- */

static src_file *load(runner *r, const char *path)
{
    char *text;
    size_t len;
    if (read_whole_file("sla", path, &text, &len) < 0)
        return NULL;
    char *kept = arena_alloc(&r->a, len + 1);
    memcpy(kept, text, len);
    kept[len] = '\0';
    free(text);
    src_file *f = arena_alloc(&r->a, sizeof *f);
    src_file_init(f, arena_strdup(&r->a, path), kept, len);
    vec_push(&r->a, &r->files, f);
    return f;
}

/* Where a test file says something other than tests, if it does. */
static bool only_tests(const policy *t, src_loc *where)
{
    const src_loc *first = NULL;
#define NOTE(cond, loc) if ((cond) && !first) first = &(loc)
    NOTE(t->name.s, t->name.loc);
    NOTE(t->zone.s, t->zone.loc);
    NOTE(t->hours.n, t->hours_loc);
    NOTE(t->holidays.n, t->holidays.v[0].loc);
    NOTE(t->record_name.name, t->record_name.loc);
    NOTE(t->lets.n, t->lets.v[0]->name.loc);
    NOTE(t->scores.n, t->scores.v[0]->loc);
    NOTE(t->stages.n || t->stage_blocks, t->stages_loc);
    NOTE(t->classes.n || t->class_blocks, t->classes_loc);
    NOTE(t->teams.n, t->teams.v[0]->name.loc);
    NOTE(t->handoffs.n, t->handoffs.v[0]->loc);
    NOTE(t->cadences.n, t->cadences.v[0]->loc);
    NOTE(t->recycles.n, t->recycles.v[0]->loc);
    NOTE(t->quotas.n, t->quotas.v[0]->loc);
    NOTE(t->checkins.n, t->checkins.v[0]->loc);
    NOTE(t->has_output, t->output_loc);
    NOTE(t->missing.n, t->missing.v[0].loc);
    NOTE(t->formats.n, t->formats.v[0].loc);
#undef NOTE
    if (first)
        *where = *first;
    return !first;
}

/* Tests without an as-of instant take their file's `test as of`. */
static void take_tests(arena *a, policy *into, const policy *from)
{
    for (int i = 0; i < from->tests.n; i++) {
        test_decl *t = from->tests.v[i];
        if (!t->as_of)
            t->as_of = from->test_as_of;
        if (into != from)
            vec_push(a, &into->tests, t);
    }
}

/* Adds test file t's tests to p, the policy at path, with what is wrong
 * with the file as a test file. */
static void adopt(arena *a, diag_set *d, policy *p, policy *t, const char *path)
{
    src_loc where;
    if (!only_tests(t, &where)) {
        diag *e = diag_add(d, t->file, SEV_ERROR, D_SYNTAX, where, "a test file holds only "
                           "tests; this belongs in the policy, %s", path);
        diag_suggest(e, "move it to the policy, or test a policy of its own with "
                     "`test policy \"file.sla\"`");
    }
    if (!t->tests.n)
        diag_add(d, t->file, SEV_WARNING, D_MISSING, (src_loc){1, 1, 1, 2},
                 "this test file holds no tests");
    take_tests(a, p, t);
}

/* Prints d's errors, and its warnings about tests (a policy's own
 * warnings are slac --check's business). */
static void print_diags(runner *r, const diag_set *d, const policy *p)
{
    diag *keep = xcalloc(d->n + 1, sizeof *keep);
    diag_set shown = {.v = keep};
    for (size_t i = 0; i < d->n; i++) {
        const diag *g = &d->v[i];
        bool about_tests = g->file != p->file;
        for (int k = 0; !about_tests && k < p->tests.n; k++) {
            src_loc l = p->tests.v[k]->loc;
            about_tests = p->tests.v[k]->file == g->file && g->loc.line >= l.line;
        }
        if (g->sev == SEV_ERROR || about_tests)
            shown.v[shown.n++] = *g;
    }
    diag_render_text(&shown, r->err, false);
    free(keep);
}

/* ---- coverage ----------------------------------------------------------------------- */

typedef enum { CV_STAGE, CV_CLASS, CV_RULE, CV_COND } cover_kind;

typedef struct cover_item {
    cover_kind kind;
    const char *what;         /* "stage `mql`", "score rule `+30 when demo_request`" */
    src_loc loc;
    int index;                /* stage or class number */
    int probe, probe2;        /* CV_COND: the condition; CV_RULE: its value, its when (-1) */
    bool seen_true, seen_false;
} cover_item;

typedef struct plan {
    VEC(emit_probe) probes;
    VEC(cover_item) cover;
    int stage_probe, class_probe;
    int *expect_probe;        /* by test, the first of 2 per expectation: the condition and
                                 what it is about (or -1) */
} plan;

static int add_probe(runner *r, plan *pl, probe_what what, int index, const expr *e)
{
    vec_push(&r->a, &pl->probes, ((emit_probe){.what = what, .index = index, .e = e}));
    return pl->probes.n - 1;
}

/* The source text of loc, its lines joined by one space. */
static const char *text_of(runner *r, const src_file *f, src_loc loc)
{
    size_t len;
    if (loc.end_line == loc.line) {
        const char *s = src_text(f, loc, &len);
        return arena_printf(&r->a, "%.*s", (int)len, s);
    }
    buf b;
    buf_init(&b);
    for (int line = loc.line; line <= loc.end_line; line++) {
        src_loc part = {line, line == loc.line ? loc.col : 1, line,
                        line == loc.end_line ? loc.end_col : INT32_MAX};
        const char *s = src_text(f, part, &len);
        while (len && (*s == ' ' || *s == '\t'))
            s++, len--;
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        if (b.len && len)
            buf_putc(&b, ' ');
        buf_put(&b, s, len);
    }
    const char *out = arena_printf(&r->a, "%.*s", (int)b.len, b.data ? b.data : "");
    buf_free(&b);
    return out;
}

/* A condition; a stage's (stage >= 0) as the stage chain evaluates it. */
static void add_cond(runner *r, plan *pl, const policy *p, const expr *e, const char *whose,
                     int stage)
{
    cover_item c = {.kind = CV_COND, .loc = e->loc, .probe2 = -1};
    c.what = arena_printf(&r->a, "the condition `%s` of %s", text_of(r, p->file, e->loc), whose);
    c.probe = stage >= 0 ? add_probe(r, pl, PROBE_STAGE_WHEN, stage, e)
                         : add_probe(r, pl, PROBE_EXPR, 0, e);
    vec_push(&r->a, &pl->cover, c);
}

/* A stage or class, and its condition if it has one. */
static void add_named(runner *r, plan *pl, const policy *p, cover_kind kind, const ident *name,
                      int index, const expr *when)
{
    const char *what = arena_printf(&r->a, "%s `%s`", kind == CV_STAGE ? "stage" : "class",
                                    name->name);
    cover_item c = {.kind = kind, .what = what, .loc = name->loc, .index = index, .probe = -1,
                    .probe2 = -1};
    vec_push(&r->a, &pl->cover, c);
    if (when)
        add_cond(r, pl, p, when, what, kind == CV_STAGE ? index : -1);
}

static void plan_coverage(runner *r, plan *pl, const policy *p)
{
    pl->stage_probe = p->stages.n ? add_probe(r, pl, PROBE_STAGE, 0, NULL) : -1;
    pl->class_probe = p->classes.n ? add_probe(r, pl, PROBE_CLASS, 0, NULL) : -1;
    for (int i = 0; i < p->lets.n; i++) {
        const let_decl *l = p->lets.v[i];
        if (l->value->type.k == TY_BOOL)
            add_cond(r, pl, p, l->value, arena_printf(&r->a, "let `%s`", l->name.name), -1);
    }
    for (int i = 0; i < p->scores.n; i++)
        for (int k = 0; k < p->scores.v[i]->rules.n; k++) {
            const score_rule *sr = &p->scores.v[i]->rules.v[k];
            cover_item c = {.kind = CV_RULE, .loc = sr->loc};
            c.what = arena_printf(&r->a, "score rule `%s`", text_of(r, p->file, sr->loc));
            c.probe = add_probe(r, pl, PROBE_EXPR, 0, sr->value);
            c.probe2 = sr->when ? add_probe(r, pl, PROBE_EXPR, 0, sr->when) : -1;
            vec_push(&r->a, &pl->cover, c);
            if (sr->when)
                add_cond(r, pl, p, sr->when, "a score rule", -1);
        }
    for (int i = 0; i < p->stages.n; i++)
        add_named(r, pl, p, CV_STAGE, &p->stages.v[i]->name, i, p->stages.v[i]->when);
    for (int i = 0; i < p->classes.n; i++)
        add_named(r, pl, p, CV_CLASS, &p->classes.v[i]->name, i, p->classes.v[i]->when);
    for (int i = 0; i < p->recycles.n; i++)
        add_cond(r, pl, p, p->recycles.v[i]->when, "a recycle rule", -1);
}

/* Whether v, a bool, is true (false for unset). */
static bool truth(const sla_value *v)
{
    return !v->null && v->i != 0;
}

static bool nonzero(vtype t, const sla_value *v)
{
    if (v->null)
        return false;
    return t == VT_NUMBER ? v->f != 0 : v->i != 0;
}

static void observe(plan *pl, const sla_value *regs)
{
    for (int i = 0; i < pl->cover.n; i++) {
        cover_item *c = &pl->cover.v[i];
        switch (c->kind) {
        case CV_STAGE:
            if (pl->stage_probe >= 0) {
                const sla_value *v = &regs[pl->probes.v[pl->stage_probe].reg];
                c->seen_true |= !v->null && v->i == c->index;
            }
            break;
        case CV_CLASS:
            if (pl->class_probe >= 0) {
                const sla_value *v = &regs[pl->probes.v[pl->class_probe].reg];
                c->seen_true |= !v->null && v->i == c->index;
            }
            break;
        case CV_RULE: {
            const emit_probe *val = &pl->probes.v[c->probe];
            bool on = c->probe2 < 0 || truth(&regs[pl->probes.v[c->probe2].reg]);
            c->seen_true |= on && nonzero(val->type, &regs[val->reg]);
            break;
        }
        case CV_COND:
            if (truth(&regs[pl->probes.v[c->probe].reg]))
                c->seen_true = true;
            else
                c->seen_false = true;
            break;
        }
    }
}

static int item_weight(const cover_item *c)
{
    return c->kind == CV_COND ? 2 : 1;
}

static int item_covered(const cover_item *c)
{
    return c->kind == CV_COND ? c->seen_true + c->seen_false : c->seen_true;
}

static void report_coverage(runner *r, const plan *pl, const policy *p)
{
    int total = 0, covered = 0;
    for (int i = 0; i < pl->cover.n; i++) {
        total += item_weight(&pl->cover.v[i]);
        covered += item_covered(&pl->cover.v[i]);
    }
    double pct = total ? 100.0 * covered / total : 100.0;
    if (!r->o->coverage && r->o->min_coverage < 0)
        return;
    fprintf(r->out, "coverage of %s: %d of %d (%.1f%%)\n", p->file->name, covered, total, pct);
    if (r->o->min_coverage >= 0 && pct + 1e-9 < r->o->min_coverage) {
        fprintf(r->out, "coverage of %s is below the minimum of %g%%\n", p->file->name,
                r->o->min_coverage);
        r->short_of_min++;
    }
    if (!r->o->coverage)
        return;
    for (int i = 0; i < pl->cover.n; i++) {
        const cover_item *c = &pl->cover.v[i];
        if (item_covered(c) == item_weight(c))
            continue;
        const char *gap;
        switch (c->kind) {
        case CV_STAGE: gap = "no test's record reached it"; break;
        case CV_CLASS: gap = "no test's record was given it"; break;
        case CV_RULE: gap = "it never added points"; break;
        default:
            gap = !c->seen_true && !c->seen_false ? "no test ran it"
                : !c->seen_true ? "it was never true" : "it was never false";
            break;
        }
        fprintf(r->out, "  %s:%d: %s: %s\n", p->file->name, c->loc.line, c->what, gap);
    }
}

/* ---- running the tests -------------------------------------------------------------- */

static void junit_text(buf *b, const char *s)
{
    buf_xml_text(b, s, strlen(s));
}

static void junit_close_suite(runner *r)
{
    if (!r->junit_file)
        return;
    buf_puts(&r->suites, "  <testsuite name=\"");
    junit_text(&r->suites, r->junit_file);
    buf_printf(&r->suites, "\" tests=\"%d\" failures=\"%d\">\n", r->suite_tests,
               r->suite_failures);
    buf_put(&r->suites, r->junit.data, r->junit.len);
    buf_puts(&r->suites, "  </testsuite>\n");
    buf_reset(&r->junit);
    r->junit_file = NULL;
    r->suite_tests = r->suite_failures = 0;
}

static void junit_case(runner *r, const test_decl *t, const buf *failures)
{
    if (!r->o->junit)
        return;
    if (r->junit_file && strcmp(r->junit_file, t->file->name) != 0)
        junit_close_suite(r);
    r->junit_file = t->file->name;
    r->suite_tests++;
    buf *b = &r->junit;
    buf_puts(b, "    <testcase classname=\"");
    junit_text(b, t->file->name);
    buf_puts(b, "\" name=\"");
    junit_text(b, t->name.s);
    buf_puts(b, "\" file=\"");
    junit_text(b, t->file->name);
    buf_printf(b, "\" line=\"%d\"", t->loc.line);
    if (!failures->len) {
        buf_puts(b, "/>\n");
        return;
    }
    r->suite_failures++;
    char *all = xstrndup(failures->data, failures->len);
    char *nl = strchr(all, '\n');
    char *first = xstrndup(all, nl ? (size_t)(nl - all) : strlen(all));
    buf_puts(b, ">\n      <failure message=\"");
    junit_text(b, first);
    buf_puts(b, "\">");
    junit_text(b, all);
    buf_puts(b, "</failure>\n    </testcase>\n");
    free(first);
    free(all);
}

/* A test record's value, as its field holds it. */
static const char *record_value(const session *ses, const sla_program *prog,
                                const test_value *tv, sla_value *out, char *err, size_t errlen)
{
    const sla_field *f = &prog->fields[tv->slot];
    const expr *e = tv->value;
    int sign = 1;
    if (e->kind == E_NEG) {
        e = e->a;
        sign = -1;
    }
    memset(out, 0, sizeof *out);
    switch ((expr_kind)e->kind) {
    case E_TEXT:
        return conv_cell(&ses->conv[tv->slot], e->str, strlen(e->str), out, err, errlen);
    case E_INT:
        if (f->type == VT_NUMBER)
            out->f = sign * (double)e->ival;
        else if (f->type == VT_MONEY && !__builtin_mul_overflow(e->ival, MONEY_SCALE, &out->i))
            out->i *= sign;
        else if (f->type == VT_MONEY)
            return "the amount is too large";
        else
            out->i = sign * e->ival;
        return NULL;
    case E_NUMBER:
        if (f->type == VT_MONEY) {
            double m = sign * e->num * MONEY_SCALE;
            if (!(fabs(m) < 9e18))
                return "the amount is too large";
            out->i = llround(m);
        } else {
            out->f = sign * e->num;
        }
        return NULL;
    case E_MONEY:
    case E_BOOL:
        out->i = sign * e->ival;
        return NULL;
    case E_TIME: {
        civil_time t;
        const char *why = timefmt_parse_iso(e->str, strlen(e->str), &t);
        if (why)
            return why;
        out->i = tz_civil_instant(ses->zones[tv->slot] ? ses->zones[tv->slot] : ses->zone, &t);
        return NULL;
    }
    default:
        return "not a literal";
    }
}

/* Unmentioned fields: unset if optional or a time, else empty text, zero
 * or false. */
static void default_value(const sla_field *f, sla_value *v)
{
    memset(v, 0, sizeof *v);
    if (f->optional || f->type == VT_TIME)
        v->null = 1;
    else if (f->type == VT_TEXT)
        v->s = "";
}

static void put_value(buf *b, const sla_program *prog, const session *ses, vtype t,
                      const sla_value *v)
{
    if (v->null && t != VT_HANDOFF && t != VT_CADENCE) {
        buf_puts(b, "unset");
        return;
    }
    size_t at = b->len;
    fmt_value(b, t, v, ses->zone, program_names(prog, t));
    if (t == VT_TEXT) {
        /* Quoted, so that empty text shows. */
        buf tmp;
        buf_init(&tmp);
        buf_putc(&tmp, '"');
        buf_put(&tmp, b->data + at, b->len - at);
        buf_putc(&tmp, '"');
        b->len = at;
        buf_put(b, tmp.data, tmp.len);
        buf_free(&tmp);
    }
}

/* What a failed condition is about: its left side, for the message. */
static const expr *subject(const expr *e)
{
    switch ((expr_kind)e->kind) {
    case E_BINARY:
        return e->op == BIN_AND || e->op == BIN_OR ? NULL : e->a;
    case E_IN: case E_TEXTTEST: case E_ISSET: case E_IS: case E_OLDER:
        return e->a;
    case E_NOT:
        return subject(e->a);
    default:
        return NULL;
    }
}

static void fail_line(runner *r, buf *failures, const test_decl *t, src_loc at,
                      const test_record *rec, const char *msg)
{
    buf line;
    buf_init(&line);
    buf_printf(&line, "%s:%d: test \"%s\"", t->file->name, at.line, t->name.s);
    if (rec && t->records.n > 1)
        buf_printf(&line, ", record of line %d", rec->loc.line);
    buf_printf(&line, ": %s", msg);
    fprintf(r->out, "%.*s\n", (int)line.len, line.data);
    buf_put(failures, line.data, line.len);
    buf_putc(failures, '\n');
    buf_free(&line);
}

static void check_holds(runner *r, const plan *pl, const sla_program *prog, const session *ses,
                        const test_decl *t, const test_record *rec, int first_probe,
                        const sla_value *regs, buf *failures)
{
    int k = first_probe;
    for (int x = 0; x < t->expects.n; x++) {
        const test_expect *e = &t->expects.v[x];
        if (e->kind != TX_HOLDS)
            continue;
        const emit_probe *cond = &pl->probes.v[k], *about = k + 1 < pl->probes.n &&
                                 pl->probes.v[k + 1].e == subject(e->cond) &&
                                 subject(e->cond) ? &pl->probes.v[k + 1] : NULL;
        k += 2;
        if (truth(&regs[cond->reg]))
            continue;
        buf msg;
        buf_init(&msg);
        buf_printf(&msg, "expected `%s`", text_of(r, t->file, e->cond->loc));
        if (about) {
            buf_printf(&msg, ", but `%s` is ", text_of(r, t->file, subject(e->cond)->loc));
            put_value(&msg, prog, ses, about->type, &regs[about->reg]);
        } else {
            buf_puts(&msg, regs[cond->reg].null ? ", but it is unset" : ", but it is false");
        }
        buf_putc(&msg, '\0');
        fail_line(r, failures, t, e->loc, rec, msg.data);
        buf_free(&msg);
    }
}

static void check_quotas(runner *r, const test_decl *t, const report_acc *acc, int nrecords,
                         buf *failures)
{
    report rep;
    report_build(&rep, acc, "test", nrecords, nrecords, 0);
    for (int x = 0; x < t->expects.n; x++) {
        const test_expect *e = &t->expects.v[x];
        if (e->kind == TX_HOLDS || e->quota_index < 0)
            continue;
        const report_quota *q = &rep.quotas[e->quota_index];
        const report_period *per = e->last ? &q->trend[REPORT_TREND - 2] : &q->current;
        buf msg;
        buf_init(&msg);
        bool ok;
        if (e->kind == TX_QUOTA_STATUS) {
            const char *got = report_status_names[per->status];
            ok = strcmp(got, e->status.name) == 0;
            buf_printf(&msg, "expected quota \"%s\" to be %s in %s, but it is %s (", e->quota.s,
                       e->status.name, per->label, got);
        } else {
            const report_value *v = &per->actual;
            bool percent = e->value_kind == QT_PERCENT;
            if (!v->set)
                ok = false;
            else if (v->is_number)
                ok = fabs(v->f - (e->value_kind == QT_COUNT ? (double)e->value_int
                                                            : e->value_num)) < 0.005;
            else
                ok = v->i == e->value_int;
            buf_printf(&msg, "expected quota \"%s\" to be %s in %s, but it is ", e->quota.s,
                       text_of(r, t->file, e->value_loc), per->label);
            report_fmt_value(&msg, v, percent);
            buf_puts(&msg, " (");
        }
        report_fmt_value(&msg, &per->actual, q->q->kind == QK_RATE);
        buf_puts(&msg, " of ");
        report_fmt_value(&msg, &q->target, q->q->kind == QK_RATE);
        buf_printf(&msg, ", %lld record%s counted)", (long long)per->den, per->den == 1 ? "" : "s");
        buf_putc(&msg, '\0');
        if (!ok)
            fail_line(r, failures, t, e->loc, NULL, msg.data);
        buf_free(&msg);
    }
    report_free(&rep);
}

static void run_test(runner *r, plan *pl, const sla_program *prog, const session *ses,
                     const test_decl *t, int first_probe)
{
    buf failures;
    buf_init(&failures);
    civil_time ct;
    int64_t now = 0;
    if (t->as_of && !timefmt_parse_iso(t->as_of->str, strlen(t->as_of->str), &ct))
        now = tz_civil_instant(ses->zone, &ct);
    vm *v = vm_new(prog, session_calendar(ses), now);
    bool quotas = false;
    for (int x = 0; x < t->expects.n; x++)
        quotas |= t->expects.v[x].kind != TX_HOLDS;
    report_acc *acc = quotas ? report_acc_new(prog, ses->zone, now) : NULL;
    int nrecords = 0;
    for (int i = 0; i < t->records.n; i++) {
        const test_record *rec = &t->records.v[i];
        sla_value *regs = vm_registers(v);
        for (uint32_t f = 0; f < prog->nfields; f++)
            default_value(&prog->fields[f], &regs[f]);
        bool bad = false;
        for (int k = 0; k < rec->values.n && !bad; k++) {
            const test_value *tv = &rec->values.v[k];
            char err[300];
            const char *why = record_value(ses, prog, tv, &regs[tv->slot], err, sizeof err);
            if (why) {
                char msg[500];
                snprintf(msg, sizeof msg, "`%s`: %s", tv->field.name, why);
                fail_line(r, &failures, t, tv->value->loc, rec, msg);
                bad = true;
            }
        }
        if (bad)
            continue;
        vm_run(v);
        nrecords++;
        observe(pl, regs);
        check_holds(r, pl, prog, ses, t, rec, first_probe, regs, &failures);
        if (acc)
            report_acc_add(acc, regs, rec->loc.line);
    }
    if (acc) {
        check_quotas(r, t, acc, nrecords, &failures);
        report_acc_free(acc);
    }
    vm_free(v);
    if (failures.len) {
        r->failed++;
    } else {
        r->passed++;
        if (r->o->verbose)
            fprintf(r->out, "%s:%d: test \"%s\" passed\n", t->file->name, t->loc.line, t->name.s);
    }
    junit_case(r, t, &failures);
    buf_free(&failures);
}

static void run_group(runner *r, const group *g)
{
    src_file *pf = load(r, g->policy);
    if (!pf) {
        r->status = 2;
        return;
    }
    diag_set d;
    diag_set_init(&d);
    policy *p = parse_policy(pf, &r->a, &d);
    if (g->own)
        take_tests(&r->a, p, p);
    else
        p->tests.n = 0;
    for (int i = 0; i < g->tests.n; i++) {
        src_file *tf = load(r, g->tests.v[i]);
        if (!tf) {
            r->status = 2;
            continue;
        }
        adopt(&r->a, &d, p, parse_policy(tf, &r->a, &d), g->policy);
    }
    check_policy(p, &r->a, &d);
    diag_sort(&d);
    print_diags(r, &d, p);
    if (d.errors) {
        fprintf(r->err, "sla test: %s: not run: %d error%s in the policy or its tests\n",
                g->policy, d.errors, d.errors == 1 ? "" : "s");
        r->failed += p->tests.n;
        if (r->status < 1)
            r->status = 1;
        diag_set_free(&d);
        return;
    }

    plan pl = {0};
    pl.expect_probe = arena_alloc(&r->a, ((size_t)p->tests.n + 1) * sizeof *pl.expect_probe);
    for (int i = 0; i < p->tests.n; i++) {
        const test_decl *t = p->tests.v[i];
        pl.expect_probe[i] = pl.probes.n;
        for (int x = 0; x < t->expects.n; x++) {
            const test_expect *e = &t->expects.v[x];
            if (e->kind != TX_HOLDS)
                continue;
            add_probe(r, &pl, PROBE_EXPR, 0, e->cond);
            const expr *about = subject(e->cond);
            /* A placeholder keeps two probes per expectation. */
            add_probe(r, &pl, about ? PROBE_EXPR : PROBE_STAGE, 0, about);
        }
    }
    plan_coverage(r, &pl, p);
    sla_program *prog = compile_checked(p, pf, &d, pl.probes.v, pl.probes.n);
    if (!prog) {
        diag_render_text(&d, r->err, false);
        r->status = 1;
        diag_set_free(&d);
        return;
    }
    session ses;
    char err[300];
    if (session_open(&ses, prog, err, sizeof err) < 0) {
        fprintf(r->err, "sla test: %s: %s\n", g->policy, err);
        r->status = 1;
        program_free(prog);
        diag_set_free(&d);
        return;
    }
    for (int i = 0; i < p->tests.n; i++)
        run_test(r, &pl, prog, &ses, p->tests.v[i], pl.expect_probe[i]);
    if (p->tests.n)
        report_coverage(r, &pl, p);
    session_close(&ses);
    program_free(prog);
    diag_set_free(&d);
}

static int write_junit(runner *r)
{
    junit_close_suite(r);
    out_file f;
    if (out_open(&f, r->o->junit, "sla") < 0)
        return 2;
    buf_puts(&f.b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    buf_printf(&f.b, "<testsuites name=\"sla test\" tests=\"%d\" failures=\"%d\">\n",
               r->passed + r->failed, r->failed);
    buf_put(&f.b, r->suites.data, r->suites.len);
    buf_puts(&f.b, "</testsuites>\n");
    return out_close(&f, true) < 0 ? 2 : 0;
}

bool ptest_is_test_file(const char *path)
{
    return ends_with(path, ".test.sla");
}

src_file *ptest_check_file(const src_file *f, arena *a, diag_set *d)
{
    policy *t = parse_policy(f, a, d);
    char *path;
    if (t->test_policy.s) {
        path = beside(a, f->name, t->test_policy.s);
    } else {
        path = policy_of(a, f->name);
    }
    src_loc at = t->test_policy.s ? t->test_policy.loc : (src_loc){1, 1, 1, 2};
    char *text = NULL;
    size_t len = 0;
    FILE *in = is_file(path) ? fopen(path, "rb") : NULL;
    if (in) {
        fclose(in);
        if (read_whole_file("slac", path, &text, &len) < 0)
            text = NULL;
    }
    if (!text) {
        diag *e = diag_add(d, f, SEV_ERROR, D_MISSING, at, "cannot read %s, the policy these "
                           "tests are for", path);
        if (!t->test_policy.s)
            diag_suggest(e, "name it with `test policy \"file.sla\"`");
        return NULL;
    }
    src_file *pf = xmalloc(sizeof *pf);
    char *kept = arena_alloc(a, len + 1);
    memcpy(kept, text, len);
    kept[len] = '\0';
    free(text);
    src_file_init(pf, path, kept, len);
    policy *p = parse_policy(pf, a, d);
    p->tests.n = 0;   /* the policy's own tests are checked with it */
    adopt(a, d, p, t, path);
    check_policy(p, a, d);
    return pf;
}

int ptest_run(char *const *paths, int n, const ptest_options *o, FILE *out, FILE *err)
{
    runner r = {.o = o, .out = out, .err = err};
    arena_init(&r.a);
    buf_init(&r.junit);
    buf_init(&r.suites);
    for (int i = 0; i < n; i++) {
        int s = gather_path(&r, paths[i]);
        if (s > r.status)
            r.status = s;
    }
    for (int i = 0; i < r.groups.n; i++)
        run_group(&r, &r.groups.v[i]);
    int tests = r.passed + r.failed;
    if (!tests && r.status == 0) {
        fprintf(err, "sla test: no tests found in %s%s\n", n == 1 ? paths[0] : "the files given",
                n == 1 ? "" : "");
        r.status = 2;
    }
    fprintf(out, "%d passed, %d failed\n", r.passed, r.failed);
    if (r.failed && r.status < 1)
        r.status = 1;
    if (r.short_of_min && r.status < 1)
        r.status = 1;
    if (o->junit && write_junit(&r) != 0)
        r.status = 2;
    for (int i = 0; i < r.files.n; i++)
        src_file_free(r.files.v[i]);
    buf_free(&r.junit);
    buf_free(&r.suites);
    arena_free(&r.a);
    return r.status;
}
