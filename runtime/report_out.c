/*
 * report_out.c - the report as terminal text, Markdown and JSON.
 *
 * Text and Markdown print the same tables through one small table
 * builder: cells are collected first, so that columns can be measured (in
 * characters, not bytes) before anything is printed; numbers align right.
 * JSON follows tests/schema/report.schema.json, which is the contract for
 * other tools: fields are only ever added to it, never renamed.
 */
#include "report.h"

#include "convert.h"

#include "../common/num.h"
#include "../common/xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

/* ---- tables ---------------------------------------------------------------------------- */

enum { MAX_COLS = 12 };

typedef struct table {
    int ncols;
    const char *head[MAX_COLS];
    bool right[MAX_COLS];     /* numbers: aligned right */
    char **cells;             /* row-major */
    report_status *status;    /* by row: a status to colour in column scol, or -1 */
    int scol;
    int nrows, cap;
} table;

static void table_init(table *t, int ncols, const char *const *head, const char *align)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    t->scol = -1;
    for (int c = 0; c < ncols; c++) {
        t->head[c] = head[c];
        t->right[c] = align[c] == 'r';
    }
}

static void table_row(table *t, report_status st, ...)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->cells = xrealloc(t->cells, (size_t)t->cap * (size_t)t->ncols * sizeof *t->cells);
        t->status = xrealloc(t->status, (size_t)t->cap * sizeof *t->status);
    }
    va_list ap;
    va_start(ap, st);
    for (int c = 0; c < t->ncols; c++)
        t->cells[t->nrows * t->ncols + c] = xstrdup(va_arg(ap, const char *));
    va_end(ap);
    t->status[t->nrows++] = st;
}

static void table_free(table *t)
{
    for (int i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->status);
}

size_t report_text_width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static const char *status_color(report_status s)
{
    switch (s) {
    case ST_MET:
    case ST_ON_TRACK: return "\033[32m";
    case ST_AT_RISK: return "\033[33m";
    case ST_MISSED: return "\033[31m";
    default: return "\033[2m";
    }
}

/* Text for a terminal: control characters from the data (an escape
 * sequence in a CRM field) are shown as `?`, never sent to the terminal. */
void report_term_text(buf *b, const char *s)
{
    for (; *s; s++)
        buf_putc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static void pad(buf *b, size_t n)
{
    while (n--)
        buf_putc(b, ' ');
}

static void table_text(const table *t, bool color, buf *out)
{
    size_t w[MAX_COLS];
    for (int c = 0; c < t->ncols; c++) {
        w[c] = report_text_width(t->head[c]);
        for (int r = 0; r < t->nrows; r++) {
            size_t n = report_text_width(t->cells[r * t->ncols + c]);
            if (n > w[c])
                w[c] = n;
        }
    }
    for (int r = -1; r < t->nrows; r++) {
        buf_puts(out, "  ");
        for (int c = 0; c < t->ncols; c++) {
            const char *s = r < 0 ? t->head[c] : t->cells[r * t->ncols + c];
            size_t gap = w[c] - report_text_width(s);
            bool last = c == t->ncols - 1;
            if (c)
                buf_puts(out, "  ");
            if (t->right[c])
                pad(out, gap);
            bool paint = color && r >= 0 && c == t->scol && (int)t->status[r] >= 0;
            if (color && r < 0)
                buf_puts(out, "\033[1m");
            if (paint)
                buf_puts(out, status_color(t->status[r]));
            report_term_text(out, s);
            if (paint || (color && r < 0))
                buf_puts(out, "\033[0m");
            if (!t->right[c] && !last)
                pad(out, gap);
        }
        buf_putc(out, '\n');
    }
}

/* Text in Markdown, as text: what Markdown or HTML would read as markup
 * (pipes, emphasis, code, tags, entities) is escaped; no line breaks. */
void report_md_text(buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '&': buf_puts(b, "&amp;"); break;
        case '\n':
        case '\r': buf_putc(b, ' '); break;
        case '|': case '\\': case '*': case '_': case '`': case '[': case ']': case '#':
            buf_putc(b, '\\');
            /* fall through */
        default: buf_putc(b, *s);
        }
    }
}

static void table_md(const table *t, buf *out)
{
    for (int r = -1; r < t->nrows; r++) {
        buf_putc(out, '|');
        for (int c = 0; c < t->ncols; c++) {
            buf_putc(out, ' ');
            report_md_text(out, r < 0 ? t->head[c] : t->cells[r * t->ncols + c]);
            buf_puts(out, " |");
        }
        buf_putc(out, '\n');
        if (r < 0) {
            buf_putc(out, '|');
            for (int c = 0; c < t->ncols; c++)
                buf_puts(out, t->right[c] ? " ---: |" : " --- |");
            buf_putc(out, '\n');
        }
    }
}

/* ---- the contents, shared by text and Markdown ------------------------------------------- */

typedef struct cellbuf {
    buf b[MAX_COLS];
} cellbuf;

static const char *value(buf *b, const report_value *v, bool percent)
{
    buf_reset(b);
    report_fmt_value(b, v, percent);
    buf_putc(b, '\0');
    return b->data;
}

static const char *pct(buf *b, double f)
{
    report_value v = {.set = isfinite(f), .is_number = true, .f = f};
    return value(b, &v, true);
}

static const char *num(buf *b, int64_t n)
{
    report_value v = {.set = true, .i = n};
    return value(b, &v, false);
}

static bool is_rate(const report_quota *q)
{
    return q->q->kind == QK_RATE;
}

/* One period of a quota as table cells: actual, target, attained,
 * projected, status. */
static void period_cells(cellbuf *cb, const report_quota *q, const report_period *p)
{
    value(&cb->b[0], &p->actual, is_rate(q));
    value(&cb->b[1], &q->target, is_rate(q));
    pct(&cb->b[2], p->attained);
    if (p->complete) {
        buf_reset(&cb->b[3]);
        buf_puts(&cb->b[3], "-");
        buf_putc(&cb->b[3], '\0');
    } else {
        value(&cb->b[3], &p->projected, is_rate(q));
    }
}

/* The quota table of the periods pick(ctx, i) chooses. */
typedef const report_period *(*period_pick)(const void *ctx, uint32_t i);

static void quota_table(table *t, const report *r, period_pick pick, const void *ctx, cellbuf *cb)
{
    static const char *const head[] = {"team", "quota", "period", "actual", "target",
                                       "attained", "projected", "status"};
    table_init(t, 8, head, "lllrrrrl");
    t->scol = 7;
    for (uint32_t i = 0; i < r->p->nquotas; i++) {
        const report_quota *q = &r->quotas[i];
        const report_period *p = pick(ctx, i);
        period_cells(cb, q, p);
        table_row(t, p->status, q->q->team, q->q->text, p->label, cb->b[0].data, cb->b[1].data,
                  cb->b[2].data, cb->b[3].data, report_status_names[p->status]);
    }
}

static const report_period *pick_current(const void *r, uint32_t i)
{
    return &((const report *)r)->quotas[i].current;
}

static const report_period *pick_previous(const void *r, uint32_t i)
{
    return &((const report *)r)->quotas[i].trend[REPORT_TREND - 2];
}

static const report_period *pick_checkin(const void *c, uint32_t i)
{
    return &((const report_checkin *)c)->quotas[i];
}

typedef enum { OUT_TEXT, OUT_MD } out_kind;

static const char *const status_marks[ST__COUNT] = {
    [ST_MET] = "✓", [ST_MISSED] = "✗", [ST_ON_TRACK] = "↗", [ST_AT_RISK] = "!",
    [ST_NO_DATA] = "–",
};

static void heading(buf *out, out_kind k, bool color, const char *title)
{
    if (k == OUT_MD) {
        buf_puts(out, "\n## ");
        report_md_text(out, title);
        buf_puts(out, "\n\n");
    } else {
        buf_putc(out, '\n');
        buf_puts(out, color ? "\033[1m" : "");
        report_term_text(out, title);
        buf_puts(out, color ? "\033[0m\n" : "\n");
    }
}

static void emit_table(buf *out, out_kind k, bool color, table *t)
{
    if (k == OUT_MD)
        table_md(t, out);
    else
        table_text(t, color, out);
    table_free(t);
}

static void checkin_when(buf *b, const sla_checkin *c)
{
    static const char *const days[7] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                        "Saturday", "Sunday"};
    if (c->weekly)
        buf_printf(b, "every %s", days[c->day % 7]);
    else
        buf_printf(b, "monthly on day %u", c->day);
}

static void render(const report *r, out_kind k, bool color, buf *out)
{
    const sla_program *p = r->p;
    cellbuf cb;
    for (int i = 0; i < MAX_COLS; i++)
        buf_init(&cb.b[i]);
    buf line;
    buf_init(&line);
    table t;

    buf_reset(&line);
    report_fmt_time(&line, r, r->as_of);
    buf_putc(&line, '\0');
    if (k == OUT_MD) {
        buf_puts(out, "# ");
        report_md_text(out, p->name);
        buf_printf(out, "\n\nAs of %s (%s). ", line.data, p->zone);
        report_md_text(out, r->input);
        buf_puts(out, ": ");
    } else {
        buf_puts(out, color ? "\033[1m" : "");
        report_term_text(out, p->name);
        buf_printf(out, "%s\nas of %s (%s)\n", color ? "\033[0m" : "", line.data, p->zone);
        report_term_text(out, r->input);
        buf_puts(out, ": ");
    }
    buf_printf(out, "%lld row%s read, %lld scored, %lld rejected.\n", (long long)r->read,
               r->read == 1 ? "" : "s", (long long)r->scored, (long long)r->rejected);

    if (!p->nquotas && !p->ncheckins && !r->has_stages && !r->has_handoff && !r->has_cadence &&
        !r->has_recycle)
        buf_puts(out, k == OUT_MD ? "\nThe policy has no quotas, check-ins, stages, hand-offs, "
                                    "cadences or recycling to report.\n"
                                  : "\n  the policy has no quotas, check-ins, stages, hand-offs, "
                                    "cadences or recycling to report\n");
    if (p->nquotas) {
        heading(out, k, color, "Quotas: the current period");
        quota_table(&t, r, pick_current, r, &cb);
        emit_table(out, k, color, &t);
        heading(out, k, color, "Quotas: the period before");
        quota_table(&t, r, pick_previous, r, &cb);
        emit_table(out, k, color, &t);

        /* One table per kind of period, so that the columns are periods. */
        for (int kind = 0; kind < QP__COUNT; kind++) {
            uint32_t first = UINT32_MAX;
            for (uint32_t i = 0; i < p->nquotas && first == UINT32_MAX; i++)
                if (r->quotas[i].q->period == kind)
                    first = i;
            if (first == UINT32_MAX)
                continue;
            static const char *const by[QP__COUNT] = {"Trend by week", "Trend by month",
                                                      "Trend by quarter", "Trend by year"};
            heading(out, k, color, by[kind]);
            const char *head[1 + REPORT_TREND];
            head[0] = "quota";
            for (int s = 0; s < REPORT_TREND; s++)
                head[1 + s] = r->quotas[first].trend[s].label;
            table_init(&t, 1 + REPORT_TREND, head, "lrrrrrr");
            for (uint32_t i = first; i < p->nquotas; i++) {
                const report_quota *q = &r->quotas[i];
                if (q->q->period != kind)
                    continue;
                for (int s = 0; s < REPORT_TREND; s++) {
                    const report_period *pp = &q->trend[s];
                    buf_reset(&cb.b[s]);
                    report_fmt_value(&cb.b[s], &pp->actual, is_rate(q));
                    buf_printf(&cb.b[s], " %s", status_marks[pp->status]);
                    buf_putc(&cb.b[s], '\0');
                }
                table_row(&t, (report_status)-1, q->q->text, cb.b[0].data, cb.b[1].data,
                          cb.b[2].data, cb.b[3].data, cb.b[4].data, cb.b[5].data);
            }
            emit_table(out, k, color, &t);
        }
        buf_puts(out, k == OUT_MD ? "\n" : "");
        buf_puts(out, k == OUT_MD ? "✓ met, ✗ missed, ↗ on track, ! at risk, – no data; the "
                                    "last column is the current period.\n"
                                  : "  ✓ met  ✗ missed  ↗ on track  ! at risk  – no data; "
                                    "the last column is the current period\n");

        bool later = false;
        for (uint32_t i = 0; i < p->nquotas; i++)
            later |= r->quotas[i].later > 0;
        if (later) {
            buf_puts(out, k == OUT_MD ? "\nNot counted, dated after the as-of instant: " :
                                        "\n  not counted, dated after the as-of instant: ");
            bool first = true;
            for (uint32_t i = 0; i < p->nquotas; i++)
                if (r->quotas[i].later) {
                    buf_printf(out, "%s%s: %lld", first ? "" : "; ", r->quotas[i].q->text,
                               (long long)r->quotas[i].later);
                    first = false;
                }
            buf_puts(out, ".\n");
        }
    }

    for (uint32_t c = 0; c < p->ncheckins; c++) {
        const report_checkin *ci = &r->checkins[c];
        buf_reset(&line);
        buf_printf(&line, "Check-in \"%s\" (", ci->c->name);
        checkin_when(&line, ci->c);
        buf_puts(&line, "): last ");
        report_fmt_date(&line, r, ci->last);
        buf_puts(&line, ", next ");
        report_fmt_date(&line, r, ci->next);
        buf_putc(&line, '\0');
        heading(out, k, color, line.data);
        if (!p->nquotas) {
            buf_puts(out, k == OUT_MD ? "The policy has no quotas.\n" : "  no quotas\n");
            continue;
        }
        quota_table(&t, r, pick_checkin, ci, &cb);
        emit_table(out, k, color, &t);
    }

    if (r->has_stages) {
        heading(out, k, color, "Funnel");
        static const char *const head[] = {"stage", "in stage", "reached", "conversion"};
        table_init(&t, 4, head, "lrrr");
        for (uint32_t i = 0; i < p->nstages; i++) {
            const report_stage *s = &r->stages[i];
            num(&cb.b[0], s->in);
            num(&cb.b[1], s->reached);
            table_row(&t, (report_status)-1, s->name, cb.b[0].data, cb.b[1].data,
                      i ? pct(&cb.b[2], s->conversion) : "-");
        }
        emit_table(out, k, color, &t);
    }

    if (r->has_handoff) {
        heading(out, k, color, "Hand-offs by class");
        static const char *const head[] = {"class", "met", "breached", "pending", "met rate"};
        table_init(&t, 5, head, "lrrrr");
        for (uint32_t i = 0; i < r->nhandoff; i++) {
            const report_handoff_class *h = &r->handoff[i];
            num(&cb.b[0], h->met);
            num(&cb.b[1], h->breached);
            num(&cb.b[2], h->pending);
            table_row(&t, (report_status)-1, h->name, cb.b[0].data, cb.b[1].data, cb.b[2].data,
                      pct(&cb.b[3], h->met_rate));
        }
        const int64_t *tot = r->handoff_total;
        num(&cb.b[0], tot[0]);
        num(&cb.b[1], tot[1]);
        num(&cb.b[2], tot[2]);
        table_row(&t, (report_status)-1, "all", cb.b[0].data, cb.b[1].data, cb.b[2].data,
                  pct(&cb.b[3], tot[0] + tot[1] ? 100.0 * (double)tot[0] /
                                                      (double)(tot[0] + tot[1]) : NAN));
        emit_table(out, k, color, &t);
    }

    if (r->has_cadence) {
        heading(out, k, color, "Cadences");
        static const char *const head[] = {"status", "records"};
        table_init(&t, 2, head, "lr");
        for (int s = 0; s < CS__COUNT; s++)
            table_row(&t, (report_status)-1, fmt_cadence_names[s], num(&cb.b[0], r->cadence[s]));
        emit_table(out, k, color, &t);
    }

    if (r->has_recycle) {
        buf_reset(&line);
        buf_printf(&line, "Recycled: %lld", (long long)r->recycled);
        buf_putc(&line, '\0');
        heading(out, k, color, line.data);
        if (r->nreasons) {
            static const char *const head[] = {"reason", "records"};
            table_init(&t, 2, head, "lr");
            for (uint32_t i = 0; i < r->nreasons; i++)
                table_row(&t, (report_status)-1, r->reasons[i].reason,
                          num(&cb.b[0], r->reasons[i].count));
            emit_table(out, k, color, &t);
        }
    }

    if (r->has_handoff) {
        heading(out, k, color, "Worst breaches");
        if (!r->nbreaches) {
            buf_puts(out, k == OUT_MD ? "No hand-off was breached.\n" : "  none\n");
        } else {
            static const char *const head[] = {"id", "line", "class", "due", "overdue by",
                                               "answered"};
            table_init(&t, 6, head, "lrllrl");
            for (uint32_t i = 0; i < r->nbreaches; i++) {
                const report_breach *b = &r->breaches[i];
                num(&cb.b[0], b->line);
                buf_reset(&cb.b[1]);
                report_fmt_time(&cb.b[1], r, b->due);
                buf_putc(&cb.b[1], '\0');
                buf_reset(&cb.b[2]);
                report_fmt_duration(&cb.b[2], b->overdue);
                buf_putc(&cb.b[2], '\0');
                table_row(&t, (report_status)-1, b->id, cb.b[0].data, b->klass ? b->klass : "",
                          cb.b[1].data, cb.b[2].data, b->answered ? "late" : "not yet");
            }
            emit_table(out, k, color, &t);
        }
    }

    for (int i = 0; i < MAX_COLS; i++)
        buf_free(&cb.b[i]);
    buf_free(&line);
}

void report_text(const report *r, bool color, buf *out)
{
    render(r, OUT_TEXT, color, out);
}

void report_md(const report *r, buf *out)
{
    render(r, OUT_MD, false, out);
}

/* ---- JSON ------------------------------------------------------------------------------- */

static void jkey(buf *b, const char *k)
{
    buf_json_string(b, k);
    buf_putc(b, ':');
}

/* A finite double, shortest of %.10g that is stable; null otherwise. */
static void jdouble(buf *b, double f)
{
    if (!isfinite(f)) {
        buf_puts(b, "null");
        return;
    }
    char s[40];
    snprintf(s, sizeof s, "%.6f", f);
    /* trim trailing zeros of the fraction */
    char *dot = strchr(s, '.');
    if (dot) {
        char *e = s + strlen(s) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    if (strcmp(s, "-0") == 0)
        strcpy(s, "0");
    buf_puts(b, s);
}

void report_json_value(buf *b, const report_value *v)
{
    if (!v->set)
        buf_puts(b, "null");
    else if (v->is_number)
        jdouble(b, v->f);
    else if (v->is_money) {
        int64_t i = v->i;
        uint64_t mag = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
        buf_printf(b, "%s%llu", i < 0 ? "-" : "", (unsigned long long)(mag / MONEY_SCALE));
        unsigned frac = (unsigned)(mag % MONEY_SCALE);
        if (frac) {
            char f[8];
            snprintf(f, sizeof f, "%04u", frac);
            for (int k = 3; k > 0 && f[k] == '0'; k--)
                f[k] = '\0';
            buf_printf(b, ".%s", f);
        }
    } else
        buf_printf(b, "%lld", (long long)v->i);
}

/* An instant as a JSON string: a local date, or a time with its offset. */
static void jstamp(buf *b, const report *r, int64_t t, bool date)
{
    buf tmp;
    buf_init(&tmp);
    if (date)
        report_fmt_date(&tmp, r, t);
    else
        report_fmt_time(&tmp, r, t);
    buf_putc(&tmp, '\0');
    buf_json_string(b, tmp.data);
    buf_free(&tmp);
}

static void jperiod(buf *b, const report *r, const report_period *p)
{
    buf_putc(b, '{');
    jkey(b, "label"); buf_json_string(b, p->label);
    buf_putc(b, ','); jkey(b, "start"); jstamp(b, r, p->start, false);
    buf_putc(b, ','); jkey(b, "end"); jstamp(b, r, p->end, false);
    buf_putc(b, ','); jkey(b, "cutoff"); jstamp(b, r, p->cutoff, false);
    buf_putc(b, ','); jkey(b, "complete"); buf_puts(b, p->complete ? "true" : "false");
    buf_putc(b, ','); jkey(b, "elapsed"); jdouble(b, p->elapsed);
    buf_putc(b, ','); jkey(b, "records"); buf_printf(b, "%lld", (long long)p->den);
    buf_putc(b, ','); jkey(b, "hits"); buf_printf(b, "%lld", (long long)p->num);
    buf_putc(b, ','); jkey(b, "actual"); report_json_value(b, &p->actual);
    buf_putc(b, ','); jkey(b, "attained"); jdouble(b, p->attained);
    buf_putc(b, ','); jkey(b, "projected"); report_json_value(b, &p->projected);
    buf_putc(b, ','); jkey(b, "status"); buf_json_string(b, report_status_names[p->status]);
    buf_putc(b, '}');
}

void report_json(const report *r, buf *b)
{
    const sla_program *p = r->p;
    buf_putc(b, '{');
    jkey(b, "version"); buf_puts(b, "1");
    buf_putc(b, ','); jkey(b, "policy");
    buf_putc(b, '{'); jkey(b, "name"); buf_json_string(b, p->name);
    buf_putc(b, ','); jkey(b, "timezone"); buf_json_string(b, p->zone);
    buf_putc(b, '}');
    buf_putc(b, ','); jkey(b, "as_of"); jstamp(b, r, r->as_of, false);
    buf_putc(b, ','); jkey(b, "input");
    buf_putc(b, '{'); jkey(b, "name"); buf_json_string(b, r->input);
    buf_putc(b, ','); jkey(b, "rows_read"); buf_printf(b, "%lld", (long long)r->read);
    buf_putc(b, ','); jkey(b, "rows_scored"); buf_printf(b, "%lld", (long long)r->scored);
    buf_putc(b, ','); jkey(b, "rows_rejected"); buf_printf(b, "%lld", (long long)r->rejected);
    buf_putc(b, '}');

    buf_putc(b, ','); jkey(b, "quotas"); buf_putc(b, '[');
    for (uint32_t i = 0; i < p->nquotas; i++) {
        const report_quota *q = &r->quotas[i];
        if (i)
            buf_putc(b, ',');
        buf_putc(b, '{');
        jkey(b, "team"); buf_json_string(b, q->q->team);
        buf_putc(b, ','); jkey(b, "quota"); buf_json_string(b, q->q->text);
        buf_putc(b, ','); jkey(b, "line"); buf_printf(b, "%u", q->q->line);
        buf_putc(b, ','); jkey(b, "kind"); buf_json_string(b, q->kind);
        buf_putc(b, ','); jkey(b, "unit");
        buf_json_string(b, q->q->kind == QK_RATE ? "percent" : q->target.is_money ? "money"
                           : q->q->kind == QK_COUNT ? "records" : "number");
        buf_putc(b, ','); jkey(b, "period"); buf_json_string(b, q->period);
        buf_putc(b, ','); jkey(b, "target"); report_json_value(b, &q->target);
        buf_putc(b, ','); jkey(b, "current"); jperiod(b, r, &q->current);
        buf_putc(b, ','); jkey(b, "trend"); buf_putc(b, '[');
        for (int s = 0; s < REPORT_TREND; s++) {
            if (s)
                buf_putc(b, ',');
            jperiod(b, r, &q->trend[s]);
        }
        buf_putc(b, ']');
        buf_putc(b, ','); jkey(b, "later"); buf_printf(b, "%lld", (long long)q->later);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');

    buf_putc(b, ','); jkey(b, "checkins"); buf_putc(b, '[');
    for (uint32_t c = 0; c < p->ncheckins; c++) {
        const report_checkin *ci = &r->checkins[c];
        static const char *const days[7] = {"monday", "tuesday", "wednesday", "thursday",
                                            "friday", "saturday", "sunday"};
        if (c)
            buf_putc(b, ',');
        buf_putc(b, '{');
        jkey(b, "name"); buf_json_string(b, ci->c->name);
        if (ci->c->weekly) {
            buf_putc(b, ','); jkey(b, "weekday"); buf_json_string(b, days[ci->c->day % 7]);
        } else {
            buf_putc(b, ','); jkey(b, "day"); buf_printf(b, "%u", ci->c->day);
        }
        buf_putc(b, ','); jkey(b, "last"); jstamp(b, r, ci->last, true);
        buf_putc(b, ','); jkey(b, "next"); jstamp(b, r, ci->next, true);
        buf_putc(b, ','); jkey(b, "quotas"); buf_putc(b, '[');
        for (uint32_t i = 0; i < p->nquotas; i++) {
            if (i)
                buf_putc(b, ',');
            jperiod(b, r, &ci->quotas[i]);
        }
        buf_puts(b, "]}");
    }
    buf_putc(b, ']');

    buf_putc(b, ','); jkey(b, "funnel"); buf_putc(b, '[');
    for (uint32_t i = 0; r->has_stages && i < p->nstages; i++) {
        const report_stage *s = &r->stages[i];
        if (i)
            buf_putc(b, ',');
        buf_putc(b, '{');
        jkey(b, "stage"); buf_json_string(b, s->name);
        buf_putc(b, ','); jkey(b, "records"); buf_printf(b, "%lld", (long long)s->in);
        buf_putc(b, ','); jkey(b, "reached"); buf_printf(b, "%lld", (long long)s->reached);
        buf_putc(b, ','); jkey(b, "conversion"); jdouble(b, s->conversion);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');

    buf_putc(b, ','); jkey(b, "handoffs");
    if (!r->has_handoff) {
        buf_puts(b, "null");
    } else {
        buf_putc(b, '{'); jkey(b, "by_class"); buf_putc(b, '[');
        for (uint32_t i = 0; i < r->nhandoff; i++) {
            const report_handoff_class *h = &r->handoff[i];
            if (i)
                buf_putc(b, ',');
            buf_putc(b, '{');
            jkey(b, "class"); buf_json_string(b, h->name);
            buf_putc(b, ','); jkey(b, "met"); buf_printf(b, "%lld", (long long)h->met);
            buf_putc(b, ','); jkey(b, "breached"); buf_printf(b, "%lld", (long long)h->breached);
            buf_putc(b, ','); jkey(b, "pending"); buf_printf(b, "%lld", (long long)h->pending);
            buf_putc(b, ','); jkey(b, "met_rate"); jdouble(b, h->met_rate);
            buf_putc(b, '}');
        }
        buf_putc(b, ']');
        const int64_t *t = r->handoff_total;
        buf_putc(b, ','); jkey(b, "met"); buf_printf(b, "%lld", (long long)t[0]);
        buf_putc(b, ','); jkey(b, "breached"); buf_printf(b, "%lld", (long long)t[1]);
        buf_putc(b, ','); jkey(b, "pending"); buf_printf(b, "%lld", (long long)t[2]);
        buf_putc(b, ','); jkey(b, "worst_breaches"); buf_putc(b, '[');
        for (uint32_t i = 0; i < r->nbreaches; i++) {
            const report_breach *x = &r->breaches[i];
            if (i)
                buf_putc(b, ',');
            buf_putc(b, '{');
            jkey(b, "id"); buf_json_string(b, x->id);
            buf_putc(b, ','); jkey(b, "line"); buf_printf(b, "%lld", (long long)x->line);
            buf_putc(b, ','); jkey(b, "class");
            if (x->klass)
                buf_json_string(b, x->klass);
            else
                buf_puts(b, "null");
            buf_putc(b, ','); jkey(b, "due"); jstamp(b, r, x->due, false);
            buf_putc(b, ','); jkey(b, "overdue_seconds");
            buf_printf(b, "%lld", (long long)(x->overdue / 1000000));
            buf_putc(b, ','); jkey(b, "answered"); buf_puts(b, x->answered ? "true" : "false");
            buf_putc(b, '}');
        }
        buf_puts(b, "]}");
    }

    buf_putc(b, ','); jkey(b, "cadences");
    if (!r->has_cadence) {
        buf_puts(b, "null");
    } else {
        buf_putc(b, '{');
        for (int s = 0; s < CS__COUNT; s++) {
            if (s)
                buf_putc(b, ',');
            jkey(b, fmt_cadence_names[s]);
            buf_printf(b, "%lld", (long long)r->cadence[s]);
        }
        buf_putc(b, '}');
    }

    buf_putc(b, ','); jkey(b, "recycled");
    if (!r->has_recycle) {
        buf_puts(b, "null");
    } else {
        buf_putc(b, '{'); jkey(b, "total"); buf_printf(b, "%lld", (long long)r->recycled);
        buf_putc(b, ','); jkey(b, "by_reason"); buf_putc(b, '[');
        for (uint32_t i = 0; i < r->nreasons; i++) {
            if (i)
                buf_putc(b, ',');
            buf_putc(b, '{'); jkey(b, "reason"); buf_json_string(b, r->reasons[i].reason);
            buf_putc(b, ','); jkey(b, "records");
            buf_printf(b, "%lld}", (long long)r->reasons[i].count);
        }
        buf_puts(b, "]}");
    }
    buf_puts(b, "}\n");
}
