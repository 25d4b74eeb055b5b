/*
 * diff.c - adding up how each record moved between two policies, and the
 * diff as terminal text, Markdown and JSON.
 *
 * Stages and classes are matched by name, never by number: the two
 * policies are compiled apart, and a stage inserted in the middle of the
 * new one renumbers every stage after it. Each policy's indices are
 * mapped once, at the start, onto one axis of names; a record then costs
 * two lookups and a counter. Records with no stage or class (a policy
 * without them) count under "(none)", which is shown only when used.
 *
 * Text and Markdown print the same tables through one small table
 * builder (columns measured in characters before anything is printed;
 * numbers align right), as report_out.c does for reports.
 */
#include "diff.h"

#include "convert.h"

#include "../common/num.h"
#include "../common/xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the axes -------------------------------------------------------------------------- */

static void axis_init(diff_axis *x, const char *const *a, uint32_t na, const char *const *b,
                      uint32_t nb)
{
    x->names = xcalloc((size_t)na + nb + 1, sizeof *x->names);
    x->from[0] = xcalloc((size_t)na + 1, sizeof *x->from[0]);
    x->from[1] = xcalloc((size_t)nb + 1, sizeof *x->from[1]);
    x->in[0] = xcalloc((size_t)na + nb + 1, sizeof *x->in[0]);
    x->in[1] = xcalloc((size_t)na + nb + 1, sizeof *x->in[1]);
    x->n = 0;
    for (uint32_t i = 0; i < na; i++) {
        x->from[0][i] = x->n;
        x->in[0][x->n] = true;
        x->names[x->n++] = a[i];
    }
    for (uint32_t i = 0; i < nb; i++) {
        uint32_t k = 0;
        while (k < x->n && strcmp(x->names[k], b[i]) != 0)
            k++;
        if (k == x->n)
            x->names[x->n++] = b[i];
        x->from[1][i] = k;
        x->in[1][k] = true;
    }
    x->from[0][na] = x->from[1][nb] = x->n;
    x->names[x->n++] = "(none)";
    x->count = xcalloc((size_t)x->n * x->n, sizeof *x->count);
}

static void axis_free(diff_axis *x)
{
    free(x->names);
    free(x->from[0]);
    free(x->from[1]);
    free(x->in[0]);
    free(x->in[1]);
    free(x->count);
}

static int64_t row_total(const diff_axis *x, uint32_t i)
{
    int64_t s = 0;
    for (uint32_t k = 0; k < x->n; k++)
        s += x->count[i * x->n + k];
    return s;
}

static int64_t col_total(const diff_axis *x, uint32_t k)
{
    int64_t s = 0;
    for (uint32_t i = 0; i < x->n; i++)
        s += x->count[i * x->n + k];
    return s;
}

/* Whether axis entry i is a row and a column: every named one; "(none)"
 * only when some record had no stage or class. */
static bool shown(const diff_axis *x, uint32_t i)
{
    return i + 1 < x->n || row_total(x, i) || col_total(x, i);
}

/* ---- adding up ---------------------------------------------------------------------------- */

void diff_init(diff *d, const sla_program *old, const tz_zone *old_zone, const sla_program *new_,
               const tz_zone *new_zone, int64_t as_of)
{
    memset(d, 0, sizeof *d);
    d->p[0] = old;
    d->p[1] = new_;
    d->zone[0] = old_zone;
    d->zone[1] = new_zone;
    d->as_of = as_of;
    axis_init(&d->stages, (const char *const *)old->stages, old->nstages,
              (const char *const *)new_->stages, new_->nstages);
    axis_init(&d->classes, (const char *const *)old->classes, old->nclasses,
              (const char *const *)new_->classes, new_->nclasses);
}

/* The axis index of register reg's stage or class; n of p's: none. */
static uint32_t index_of(const diff_axis *x, int side, const sla_value *regs, uint16_t reg,
                         uint32_t n)
{
    uint32_t i = n;
    if (reg != REG_NONE && !regs[reg].null && regs[reg].i >= 0 && regs[reg].i < n)
        i = (uint32_t)regs[reg].i;
    return x->from[side][i];
}

void diff_add(void *user, const sla_value *old_regs, const sla_value *new_regs, int64_t line)
{
    diff *d = user;
    const sla_value *regs[2] = {old_regs, new_regs};
    uint32_t st[2], cl[2];
    for (int s = 0; s < 2; s++) {
        const sla_program *p = d->p[s];
        const sla_report_regs *rr = &p->report;
        st[s] = index_of(&d->stages, s, regs[s], rr->stage, p->nstages);
        cl[s] = index_of(&d->classes, s, regs[s], rr->klass, p->nclasses);
        int h = DIFF_NA;
        if (rr->handoff != REG_NONE && !regs[s][rr->handoff].null &&
            regs[s][rr->handoff].i >= 0 && regs[s][rr->handoff].i < HS__COUNT)
            h = (int)regs[s][rr->handoff].i;   /* HS_* and DIFF_* agree */
        d->handoff[s][h]++;
    }
    d->stages.count[st[0] * d->stages.n + st[1]]++;
    d->classes.count[cl[0] * d->classes.n + cl[1]]++;
    bool ms = st[0] != st[1], mc = cl[0] != cl[1];
    d->moved_stage += ms;
    d->moved_class += mc;
    if (!ms && !mc)
        return;
    d->moved++;
    if (d->nsample == DIFF_SAMPLE)
        return;
    const sla_program *p = d->p[0];
    buf id;
    buf_init(&id);
    if (p->report.id != REG_NONE) {
        vtype t = p->reg_types[p->report.id];
        fmt_value(&id, t, &old_regs[p->report.id], d->zone[0], program_names(p, t));
    }
    d->sample[d->nsample++] = (diff_move){xstrndup(id.data ? id.data : "", id.len), line,
                                          {st[0], st[1]}, {cl[0], cl[1]}};
    buf_free(&id);
}

_Static_assert((int)HS_MET == (int)DIFF_MET && (int)HS_BREACHED == (int)DIFF_BREACHED &&
               (int)HS_PENDING == (int)DIFF_PENDING, "hand-off statuses index the diff's counts");

void diff_finish(diff *d, const report_acc *old_acc, const report_acc *new_acc,
                 const char *old_policy, const char *new_policy, const char *input,
                 int64_t read, int64_t scored, int64_t rejected)
{
    d->policy[0] = old_policy;
    d->policy[1] = new_policy;
    d->input = input;
    d->read = read;
    d->scored = scored;
    d->rejected = rejected;
    report_build(&d->rep[0], old_acc, input, read, scored, rejected);
    report_build(&d->rep[1], new_acc, input, read, scored, rejected);
    uint32_t n0 = d->p[0]->nquotas, n1 = d->p[1]->nquotas;
    d->quotas = xcalloc((size_t)n0 + n1 + 1, sizeof *d->quotas);
    bool *taken = xcalloc((size_t)n1 + 1, sizeof *taken);
    for (uint32_t i = 0; i < n0; i++) {
        const sla_quota *q = &d->p[0]->quotas[i];
        diff_quota *dq = &d->quotas[d->nquotas++];
        *dq = (diff_quota){q->text, q->team, {&d->rep[0].quotas[i], NULL}};
        for (uint32_t k = 0; k < n1 && !dq->q[1]; k++)
            if (!taken[k] && strcmp(d->p[1]->quotas[k].text, q->text) == 0) {
                taken[k] = true;
                dq->q[1] = &d->rep[1].quotas[k];
            }
    }
    for (uint32_t k = 0; k < n1; k++)
        if (!taken[k]) {
            const sla_quota *q = &d->p[1]->quotas[k];
            d->quotas[d->nquotas++] = (diff_quota){q->text, q->team, {NULL, &d->rep[1].quotas[k]}};
        }
    free(taken);
}

void diff_free(diff *d)
{
    axis_free(&d->stages);
    axis_free(&d->classes);
    for (uint32_t i = 0; i < d->nsample; i++)
        free(d->sample[i].id);
    if (d->rep[0].p)
        report_free(&d->rep[0]);
    if (d->rep[1].p)
        report_free(&d->rep[1]);
    free(d->quotas);
    memset(d, 0, sizeof *d);
}

/* ---- tables ---------------------------------------------------------------------------- */

typedef struct table {
    int ncols;
    const char *align;        /* by column: 'l' or 'r' (numbers) */
    char **cells;             /* row-major; the first row is the heading */
    int n, cap;
} table;

static void table_init(table *t, int ncols, const char *align)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    t->align = align;
}

/* Adds the next cell, left to right, row by row. */
static void tcell(table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tcell(table *t, const char *fmt, ...)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->cells = xrealloc(t->cells, (size_t)t->cap * sizeof *t->cells);
    }
    va_list ap;
    va_start(ap, fmt);
    char *c = NULL;
    if (vasprintf(&c, fmt, ap) < 0) {
        fputs("sla: out of memory\n", stderr);
        abort();
    }
    va_end(ap);
    t->cells[t->n++] = c;
}

static void table_free(table *t)
{
    for (int i = 0; i < t->n; i++)
        free(t->cells[i]);
    free(t->cells);
}

static char col_align(const table *t, int c)
{
    return t->align[c < (int)strlen(t->align) ? c : (int)strlen(t->align) - 1];
}

static void table_text(const table *t, buf *out)
{
    size_t w[64] = {0};
    int nc = t->ncols < 64 ? t->ncols : 64;
    for (int i = 0; i < t->n; i++)
        if (i % t->ncols < nc && report_text_width(t->cells[i]) > w[i % t->ncols])
            w[i % t->ncols] = report_text_width(t->cells[i]);
    for (int i = 0; i < t->n; i++) {
        int c = i % t->ncols;
        size_t pad = c < nc ? w[c] - report_text_width(t->cells[i]) : 0;
        bool last = c == t->ncols - 1;
        if (c)
            buf_puts(out, "  ");
        if (col_align(t, c) == 'r')
            for (size_t k = 0; k < pad; k++)
                buf_putc(out, ' ');
        report_term_text(out, t->cells[i]);
        if (col_align(t, c) != 'r' && !last)
            for (size_t k = 0; k < pad; k++)
                buf_putc(out, ' ');
        if (last)
            buf_putc(out, '\n');
    }
}

static void table_md(const table *t, buf *out)
{
    for (int i = 0; i < t->n; i++) {
        int c = i % t->ncols;
        buf_puts(out, c ? " " : "| ");
        report_md_text(out, t->cells[i]);
        buf_puts(out, " |");
        if (c == t->ncols - 1) {
            buf_putc(out, '\n');
            if (i == t->ncols - 1) {
                for (int k = 0; k < t->ncols; k++)
                    buf_puts(out, col_align(t, k) == 'r' ? (k ? " ---: |" : "| ---: |")
                                                         : (k ? " --- |" : "| --- |"));
                buf_putc(out, '\n');
            }
        }
    }
}

/* ---- text and Markdown -------------------------------------------------------------------- */

static void heading(buf *out, bool md, const char *title)
{
    if (md)
        buf_printf(out, "\n### %s\n\n", title);
    else
        buf_printf(out, "\n%s\n", title);
}

static void emit(buf *out, bool md, table *t)
{
    if (md)
        table_md(t, out);
    else
        table_text(t, out);
    table_free(t);
}

/* The transition matrix of an axis: old in rows, new in columns. */
static void matrix_table(const diff_axis *x, table *t)
{
    int cols = 2;
    for (uint32_t k = 0; k < x->n; k++)
        cols += shown(x, k);
    table_init(t, cols, "lr");
    tcell(t, "old \\ new");
    for (uint32_t k = 0; k < x->n; k++)
        if (shown(x, k))
            tcell(t, "%s", x->names[k]);
    tcell(t, "total");
    for (uint32_t i = 0; i < x->n; i++) {
        if (!shown(x, i))
            continue;
        tcell(t, "%s", x->names[i]);
        for (uint32_t k = 0; k < x->n; k++)
            if (shown(x, k))
                tcell(t, "%lld", (long long)x->count[i * x->n + k]);
        tcell(t, "%lld", (long long)row_total(x, i));
    }
    tcell(t, "total");
    int64_t all = 0;
    for (uint32_t k = 0; k < x->n; k++)
        if (shown(x, k)) {
            tcell(t, "%lld", (long long)col_total(x, k));
            all += col_total(x, k);
        }
    tcell(t, "%lld", (long long)all);
}

/* Names only one policy has, for the note under a matrix. */
static void only_note(buf *out, bool md, const diff_axis *x)
{
    for (int s = 0; s < 2; s++) {
        bool any = false;
        for (uint32_t k = 0; k + 1 < x->n; k++) {
            if (x->in[s][k] && !x->in[1 - s][k]) {
                buf_puts(out, any ? ", " : s ? "\nOnly in the new policy: "
                                             : "\nOnly in the old policy: ");
                if (md)
                    report_md_text(out, x->names[k]);
                else
                    buf_puts(out, x->names[k]);
                any = true;
            }
        }
        if (any)
            buf_putc(out, '\n');
    }
}

static const char *const handoff_names[DIFF__HANDOFF] = {"met", "breached", "pending", "n/a"};

static void quota_side(table *t, const report_quota *q)
{
    if (!q) {
        tcell(t, "-");
        tcell(t, "-");
        return;
    }
    buf b;
    buf_init(&b);
    report_fmt_value(&b, &q->current.actual, strcmp(q->kind, "rate") == 0);
    buf_putc(&b, '\0');
    tcell(t, "%s", b.data);
    buf_free(&b);
    tcell(t, "%s", report_status_names[q->current.status]);
}

static void as_of_text(const diff *d, buf *b)
{
    sla_value v = {.i = d->as_of};
    fmt_value(b, VT_TIME, &v, d->zone[0], NULL);
}

static void render(const diff *d, bool md, buf *out)
{
    buf w;
    buf_init(&w);
    as_of_text(d, &w);
    buf_putc(&w, '\0');
    if (md)
        buf_printf(out, "## Policy diff: `%s` → `%s`\n\n", d->policy[0], d->policy[1]);
    else
        buf_printf(out, "Policy diff: %s -> %s\n", d->policy[0], d->policy[1]);
    buf_printf(out, "%sInput: %s, %lld row%s read: %lld scored, %lld rejected\n",
               md ? "- " : "", d->input, (long long)d->read, d->read == 1 ? "" : "s",
               (long long)d->scored, (long long)d->rejected);
    buf_printf(out, "%sAs of: %s (%s)\n", md ? "- " : "", w.data, d->p[0]->zone);
    buf_printf(out, "%sMoved: %lld record%s (%lld changed stage, %lld changed class)\n",
               md ? "- " : "", (long long)d->moved, d->moved == 1 ? "" : "s",
               (long long)d->moved_stage, (long long)d->moved_class);
    buf_free(&w);

    table t;
    heading(out, md, "Stages (rows: old policy, columns: new policy)");
    matrix_table(&d->stages, &t);
    emit(out, md, &t);
    only_note(out, md, &d->stages);

    heading(out, md, "Classes (rows: old policy, columns: new policy)");
    matrix_table(&d->classes, &t);
    emit(out, md, &t);
    only_note(out, md, &d->classes);

    heading(out, md, "Hand-offs");
    table_init(&t, 4, "lr");
    tcell(&t, "status");
    tcell(&t, "old");
    tcell(&t, "new");
    tcell(&t, "change");
    for (int h = 0; h < DIFF__HANDOFF; h++) {
        int64_t a = d->handoff[0][h], b = d->handoff[1][h];
        tcell(&t, "%s", handoff_names[h]);
        tcell(&t, "%lld", (long long)a);
        tcell(&t, "%lld", (long long)b);
        tcell(&t, b - a > 0 ? "+%lld" : "%lld", (long long)(b - a));
    }
    emit(out, md, &t);

    heading(out, md, "Quotas (the current period)");
    if (d->nquotas == 0) {
        buf_puts(out, "Neither policy has quotas.\n");
    } else {
        table_init(&t, 7, "lllrlrl");
        tcell(&t, "team");
        tcell(&t, "quota");
        tcell(&t, "period");
        tcell(&t, "old actual");
        tcell(&t, "old status");
        tcell(&t, "new actual");
        tcell(&t, "new status");
        for (uint32_t i = 0; i < d->nquotas; i++) {
            const diff_quota *q = &d->quotas[i];
            tcell(&t, "%s", q->team);
            tcell(&t, "%s", q->text);
            tcell(&t, "%s", (q->q[0] ? q->q[0] : q->q[1])->current.label);
            quota_side(&t, q->q[0]);
            quota_side(&t, q->q[1]);
        }
        emit(out, md, &t);
    }

    char title[80];
    snprintf(title, sizeof title, "Moved records (the first %d, in input order)", DIFF_SAMPLE);
    heading(out, md, title);
    if (d->nsample == 0) {
        buf_puts(out, "No record changed stage or class.\n");
    } else {
        table_init(&t, 6, "lrllll");
        tcell(&t, "id");
        tcell(&t, "line");
        tcell(&t, "old stage");
        tcell(&t, "new stage");
        tcell(&t, "old class");
        tcell(&t, "new class");
        for (uint32_t i = 0; i < d->nsample; i++) {
            const diff_move *m = &d->sample[i];
            tcell(&t, "%s", m->id);
            tcell(&t, "%lld", (long long)m->line);
            tcell(&t, "%s", d->stages.names[m->stage[0]]);
            tcell(&t, "%s", d->stages.names[m->stage[1]]);
            tcell(&t, "%s", d->classes.names[m->klass[0]]);
            tcell(&t, "%s", d->classes.names[m->klass[1]]);
        }
        emit(out, md, &t);
    }
}

/* ---- JSON ------------------------------------------------------------------------------- */

static void jkey(buf *b, const char *k)
{
    buf_json_string(b, k);
    buf_putc(b, ':');
}

static void jint(buf *b, const char *k, int64_t n)
{
    jkey(b, k);
    buf_printf(b, "%lld", (long long)n);
}

static void json_axis(buf *b, const diff_axis *x)
{
    buf_putc(b, '{');
    jkey(b, "names");
    buf_putc(b, '[');
    bool first = true;
    for (uint32_t k = 0; k < x->n; k++)
        if (shown(x, k)) {
            if (!first)
                buf_putc(b, ',');
            buf_json_string(b, x->names[k]);
            first = false;
        }
    buf_puts(b, "],");
    for (int s = 0; s < 2; s++) {
        jkey(b, s ? "in_new" : "in_old");
        buf_putc(b, '[');
        first = true;
        for (uint32_t k = 0; k < x->n; k++)
            if (shown(x, k)) {
                buf_puts(b, first ? "" : ",");
                buf_puts(b, x->in[s][k] ? "true" : "false");
                first = false;
            }
        buf_puts(b, "],");
    }
    jkey(b, "matrix");
    buf_putc(b, '[');
    bool frow = true;
    for (uint32_t i = 0; i < x->n; i++) {
        if (!shown(x, i))
            continue;
        buf_puts(b, frow ? "[" : ",[");
        frow = false;
        first = true;
        for (uint32_t k = 0; k < x->n; k++)
            if (shown(x, k)) {
                buf_printf(b, "%s%lld", first ? "" : ",", (long long)x->count[i * x->n + k]);
                first = false;
            }
        buf_putc(b, ']');
    }
    buf_puts(b, "],");
    for (int s = 0; s < 2; s++) {
        jkey(b, s ? "new_totals" : "old_totals");
        buf_putc(b, '[');
        first = true;
        for (uint32_t k = 0; k < x->n; k++)
            if (shown(x, k)) {
                buf_printf(b, "%s%lld", first ? "" : ",",
                           (long long)(s ? col_total(x, k) : row_total(x, k)));
                first = false;
            }
        buf_puts(b, s ? "]" : "],");
    }
    buf_putc(b, '}');
}

static void json_quota_side(buf *b, const report_quota *q)
{
    if (!q) {
        buf_puts(b, "null");
        return;
    }
    buf_putc(b, '{');
    jkey(b, "period");
    buf_json_string(b, q->current.label);
    buf_putc(b, ',');
    jkey(b, "actual");
    report_json_value(b, &q->current.actual);
    buf_putc(b, ',');
    jkey(b, "status");
    buf_json_string(b, report_status_names[q->current.status]);
    buf_putc(b, '}');
}

static void render_json(const diff *d, buf *b)
{
    buf_putc(b, '{');
    jint(b, "version", 1);
    for (int s = 0; s < 2; s++) {
        buf_putc(b, ',');
        jkey(b, s ? "new" : "old");
        buf_putc(b, '{');
        jkey(b, "path");
        buf_json_string(b, d->policy[s]);
        buf_putc(b, ',');
        jkey(b, "name");
        buf_json_string(b, d->p[s]->name);
        buf_putc(b, ',');
        jkey(b, "timezone");
        buf_json_string(b, d->p[s]->zone);
        buf_putc(b, '}');
    }
    buf w;
    buf_init(&w);
    as_of_text(d, &w);
    buf_putc(&w, '\0');
    buf_putc(b, ',');
    jkey(b, "as_of");
    buf_json_string(b, w.data);
    buf_free(&w);
    buf_putc(b, ',');
    jkey(b, "input");
    buf_putc(b, '{');
    jkey(b, "path");
    buf_json_string(b, d->input);
    buf_putc(b, ',');
    jint(b, "rows_read", d->read);
    buf_putc(b, ',');
    jint(b, "rows_scored", d->scored);
    buf_putc(b, ',');
    jint(b, "rows_rejected", d->rejected);
    buf_puts(b, "},");
    jkey(b, "moved");
    buf_putc(b, '{');
    jint(b, "records", d->moved);
    buf_putc(b, ',');
    jint(b, "stage", d->moved_stage);
    buf_putc(b, ',');
    jint(b, "class", d->moved_class);
    buf_puts(b, "},");
    jkey(b, "stages");
    json_axis(b, &d->stages);
    buf_putc(b, ',');
    jkey(b, "classes");
    json_axis(b, &d->classes);
    buf_putc(b, ',');
    jkey(b, "handoff");
    buf_putc(b, '{');
    for (int s = 0; s < 3; s++) {
        jkey(b, s == 0 ? "old" : s == 1 ? "new" : "change");
        buf_putc(b, '{');
        for (int h = 0; h < DIFF__HANDOFF; h++) {
            if (h)
                buf_putc(b, ',');
            jint(b, handoff_names[h], s < 2 ? d->handoff[s][h] : d->handoff[1][h] - d->handoff[0][h]);
        }
        buf_puts(b, s < 2 ? "}," : "}");
    }
    buf_puts(b, "},");
    jkey(b, "quotas");
    buf_putc(b, '[');
    for (uint32_t i = 0; i < d->nquotas; i++) {
        const diff_quota *q = &d->quotas[i];
        buf_puts(b, i ? ",{" : "{");
        jkey(b, "team");
        buf_json_string(b, q->team);
        buf_putc(b, ',');
        jkey(b, "quota");
        buf_json_string(b, q->text);
        buf_putc(b, ',');
        jkey(b, "old");
        json_quota_side(b, q->q[0]);
        buf_putc(b, ',');
        jkey(b, "new");
        json_quota_side(b, q->q[1]);
        buf_putc(b, '}');
    }
    buf_puts(b, "],");
    jkey(b, "sample");
    buf_putc(b, '[');
    for (uint32_t i = 0; i < d->nsample; i++) {
        const diff_move *m = &d->sample[i];
        buf_puts(b, i ? ",{" : "{");
        jkey(b, "id");
        buf_json_string(b, m->id);
        buf_putc(b, ',');
        jint(b, "line", m->line);
        buf_putc(b, ',');
        jkey(b, "old_stage");
        buf_json_string(b, d->stages.names[m->stage[0]]);
        buf_putc(b, ',');
        jkey(b, "new_stage");
        buf_json_string(b, d->stages.names[m->stage[1]]);
        buf_putc(b, ',');
        jkey(b, "old_class");
        buf_json_string(b, d->classes.names[m->klass[0]]);
        buf_putc(b, ',');
        jkey(b, "new_class");
        buf_json_string(b, d->classes.names[m->klass[1]]);
        buf_putc(b, '}');
    }
    buf_puts(b, "]}\n");
}

void diff_render(const diff *d, diff_format f, buf *out)
{
    if (f == DF_JSON)
        render_json(d, out);
    else
        render(d, f == DF_MD, out);
}
