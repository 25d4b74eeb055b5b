/*
 * score.c - read an export, evaluate every record, write the results.
 *
 * Columns are bound to fields once, from the header, by name (without
 * regard to case or order); columns the program does not read are never
 * converted. Every input row ends up in exactly one place: the output, or
 * (with --rejects) the rejects file with its line and reason, so that rows
 * in = rows out + rows rejected always. Without --rejects the first bad
 * row stops the run with its line and reason.
 *
 * Output files are written whole or not at all (common/outfile.c).
 *
 * A run has one or two sides, each a program with its own session and
 * columns over the same reader: `sla diff` scores one export with two
 * policies in one pass. A row bad for either side is rejected once,
 * with the first side's reason, so the rule above holds for the pair;
 * only the first side writes output rows.
 *
 * A lane is what one thread needs to score records: its vms and where
 * its rows go. One loop, score_loop, scores the records of a reader with
 * a lane, either the whole input sequentially or, with threads, a
 * worker's chunk of whole records; the main thread then writes the
 * chunks in input order (see "threads" below for why the bytes are the
 * same whatever the number of threads).
 */
#include "score.h"

#include "csv.h"
#include "session.h"
#include "vm.h"

#include "../common/buf.h"
#include "../common/outfile.h"
#include "../common/suggest.h"
#include "../common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- CSV and JSON text ---------------------------------------------------------- */

static void csv_cell(buf *b, const char *s, size_t n)
{
    bool quote = false;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        buf_put(b, s, n);
        return;
    }
    buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            buf_putc(b, '"');
        buf_putc(b, s[i]);
    }
    buf_putc(b, '"');
}

static void json_text(buf *b, const char *s, size_t n)
{
    char *z = xstrndup(s, n);
    buf_json_string(b, z);
    free(z);
}

/* One program over the run's records: what every thread reads and none
 * changes. */
typedef struct side {
    const sla_program *p;
    const score_options *o;  /* as_of, acc and native are this side's */
    session ses;
    int *column;             /* by field: its CSV column, or -1 when not read */
    conv_slot *bind;         /* the fields read, in order: each from its CSV
                                column into its register (the field's index) */
    uint32_t nbind;
    conv_plan plan;          /* bind, grouped */
} side;

/* How an output column is written: most are a whole number or one of a
 * few names, written without fmt_value or a look for quotes. */
typedef enum { OUT_INT, OUT_TEXT, OUT_NAME, OUT_VALUE } out_kind;

/* The least room a name's cell is kept in (out_names). */
enum { CELL_PAD = 16 };

typedef struct out_col {
    out_kind kind;
    uint32_t reg;
    vtype t;
    char **cell;             /* OUT_NAME: value i's CSV cell; cell[ncells]: unset */
    uint32_t *cell_len;
    uint32_t ncells;
} out_col;

/* Shows how far a long run has come (score_options.progress). */
typedef struct progress {
    bool on;
    uint64_t size;           /* the input's size, 0 if not known */
    double start, next;      /* seconds: when the run started, the next update */
    bool shown;
} progress;

typedef struct run {
    side s[2];
    int nsides;
    const sla_program *p;    /* s[0]'s: it writes the output */
    const score_options *o;  /* s[0]'s: input, output, rejects, discard */
    const char *name;        /* the input's name in messages */
    int ncolumns;
    score_pair_fn each;      /* called after every record all sides scored */
    void *user;
    out_file out, rej;
    bool rejects;
    progress pg;
    out_col *cols;           /* by output column (CSV output) */
    size_t row_max;          /* at least the longest row, if every column is a
                                whole number or a name; else 0 */
} run;

/* Row lengths, in the order the rows were added to a buffer. */
typedef struct rowlens {
    size_t *n;
    size_t len, cap;
} rowlens;

/* What one thread needs to score records: its own vms and scratch, and
 * the places its rows go. Run sequentially, a lane writes into the run's
 * files and flushes them as it goes; as a worker (threads), it keeps its
 * rows, their lengths and the message of the error that ended its share
 * for the main thread, which writes them in input order. */
typedef struct lane {
    vm *v[2];
    vm_eval_fn eval[2];
    sla_value *regs[2];
    report_acc *acc[2];      /* where scored records add up, or NULL */
    buf cell;                /* one formatted value */
    buf *out, *rej;          /* where output and rejected rows go */
    out_file *out_f, *rej_f; /* sequential: the files behind them */
    rowlens out_rows, rej_rows;  /* a worker: the rows it added */
    buf *msg;                /* a worker: its error message; NULL: stderr */
    const char *fatal;       /* a worker: the input cannot be read after */
    int64_t fatal_line;      /* its share; the reason and line */
    progress *pg;            /* sequential: shown as records are read */
} lane;

static bool same_name(const char *a, const char *b, size_t bn)
{
    /* Headers match without regard to case or surrounding blanks. */
    while (bn && (*b == ' ' || *b == '\t')) {
        b++;
        bn--;
    }
    while (bn && (b[bn - 1] == ' ' || b[bn - 1] == '\t'))
        bn--;
    return strlen(a) == bn && strncasecmp(a, b, bn) == 0;
}

static int bind_columns(run *r, side *sd, const csv_record *header)
{
    const sla_program *p = sd->p;
    r->ncolumns = header->nfields;
    for (uint32_t i = 0; i < p->nfields; i++) {
        int *col = &sd->column[i];
        *col = -1;
        if (!p->fields[i].used) {
            /* `sla explain` shows them as the export has them, if it does. */
            for (int c = 0; c < header->nfields && sd->o->pick_fn && *col < 0; c++)
                if (same_name(p->fields[i].column, header->fields[c].p, header->fields[c].len))
                    *col = c;
            continue;
        }
        for (int c = 0; c < header->nfields; c++) {
            if (!same_name(p->fields[i].column, header->fields[c].p, header->fields[c].len))
                continue;
            if (*col >= 0) {
                fprintf(stderr, "%s:%lld: column \"%s\" appears twice in the header (columns %d "
                        "and %d); field `%s` cannot tell which to read\n", r->name,
                        (long long)header->line, p->fields[i].column, *col + 1, c + 1,
                        p->fields[i].name);
                return 1;
            }
            *col = c;
        }
        if (*col < 0) {
            suggester sg;
            char **names = xcalloc((size_t)header->nfields + 1, sizeof *names);
            suggest_init(&sg, p->fields[i].column);
            for (int c = 0; c < header->nfields; c++) {
                names[c] = xstrndup(header->fields[c].p, header->fields[c].len);
                suggest_add(&sg, names[c]);
            }
            fprintf(stderr, "%s:%lld: the header has no column \"%s\", which field `%s` reads",
                    r->name, (long long)header->line, p->fields[i].column, p->fields[i].name);
            if (suggest_best(&sg))
                fprintf(stderr, "; the closest is \"%s\"", suggest_best(&sg));
            fputc('\n', stderr);
            for (int c = 0; c < header->nfields; c++)
                free(names[c]);
            free(names);
            return 1;
        }
    }
    sd->bind = xcalloc(p->nfields ? p->nfields : 1, sizeof *sd->bind);
    sd->nbind = 0;
    for (uint32_t i = 0; i < p->nfields; i++)
        if (p->fields[i].used && sd->column[i] >= 0)
            sd->bind[sd->nbind++] = conv_slot_for(&sd->ses.conv[i], (uint32_t)sd->column[i], i);
    conv_plan_init(&sd->plan, sd->bind, sd->nbind);
    return 0;
}

static void write_header(run *r)
{
    const sla_program *p = r->p;
    if (r->o->jsonl)
        return;
    for (uint32_t i = 0; i < p->noutputs; i++) {
        if (i)
            buf_putc(&r->out.b, ',');
        csv_cell(&r->out.b, p->outputs[i].header, strlen(p->outputs[i].header));
    }
    buf_putc(&r->out.b, '\n');
}

/* The CSV cell of each name, and of an unset value (n/a for statuses),
 * each at least CELL_PAD bytes (zeros after the cell), so that
 * write_fixed_row copies a short one with a copy of a known size. */
static void out_names(out_col *c, const char *const *names, uint32_t n, const char *unset)
{
    c->kind = OUT_NAME;
    c->ncells = n;
    c->cell = xcalloc(n + 1, sizeof *c->cell);
    c->cell_len = xcalloc(n + 1, sizeof *c->cell_len);
    buf b;
    buf_init(&b);
    for (uint32_t i = 0; i <= n; i++) {
        buf_reset(&b);
        const char *name = i < n ? names[i] : unset;
        csv_cell(&b, name, strlen(name));
        c->cell[i] = xcalloc(b.len + 1 > CELL_PAD ? b.len + 1 : CELL_PAD, 1);
        memcpy(c->cell[i], b.data, b.len);
        c->cell_len[i] = (uint32_t)b.len;
    }
    buf_free(&b);
}

static void out_cols_init(run *r)
{
    const sla_program *p = r->p;
    r->cols = xcalloc(p->noutputs ? p->noutputs : 1, sizeof *r->cols);
    for (uint32_t i = 0; i < p->noutputs; i++) {
        out_col *c = &r->cols[i];
        c->reg = p->outputs[i].reg;
        c->t = p->reg_types[c->reg];
        switch (c->t) {
        case VT_INT: c->kind = OUT_INT; break;
        case VT_TEXT: c->kind = OUT_TEXT; break;
        case VT_STAGE:
            out_names(c, program_names(p, VT_STAGE), p->nstages, "");
            break;
        case VT_CLASS:
            out_names(c, program_names(p, VT_CLASS), p->nclasses, "");
            break;
        case VT_HANDOFF: out_names(c, fmt_handoff_names, HS__COUNT, "n/a"); break;
        case VT_CADENCE: out_names(c, fmt_cadence_names, CS__COUNT, "n/a"); break;
        default: c->kind = OUT_VALUE; break;
        }
    }
    /* the commas, the line end, one to spare, and what write_fixed_row
     * copies past the last cell */
    r->row_max = p->noutputs + 1 + CELL_PAD;
    for (uint32_t i = 0; i < p->noutputs && r->row_max; i++) {
        const out_col *c = &r->cols[i];
        if (c->kind == OUT_INT)
            r->row_max += 20;       /* -9223372036854775808 */
        else if (c->kind == OUT_NAME)
            for (uint32_t k = 0; k <= c->ncells; k++)
                r->row_max += c->cell_len[k];
        else
            r->row_max = 0;
    }
}

static void out_cols_free(run *r)
{
    for (uint32_t i = 0; r->cols && i < r->p->noutputs; i++) {
        for (uint32_t k = 0; r->cols[i].cell && k <= r->cols[i].ncells; k++)
            free(r->cols[i].cell[k]);
        free(r->cols[i].cell);
        free(r->cols[i].cell_len);
    }
    free(r->cols);
}

/* The eight digits of u (< 10^8), the first in the lowest byte, as
 * values 0..9: the two halves of four digits side by side in a word,
 * then each split in two pairs and each pair in two digits, all lanes at
 * once (division by 100 and by 10 as a multiply and a shift, exact for
 * these ranges). */
static inline uint64_t eight_digits(uint32_t u)
{
    uint64_t x = (uint64_t)(u / 10000) | (uint64_t)(u % 10000) << 32;
    uint64_t hundreds = ((x * 10486) >> 20) & 0x0000007f0000007full;
    x = ((x - 100 * hundreds) << 16) + hundreds;
    uint64_t tens = ((x * 103) >> 10) & 0x000f000f000f000full;
    return tens + ((x - 10 * tens) << 8);
}

/* A whole number's digits at w (room for 20 bytes); past them. Up to
 * eight digits from eight_digits, written as one word (w has room) with
 * the leading zeros shifted out: no loop, and no branch on the length.
 * Longer: the count from the number's bits (log10 2 is about 1233 /
 * 4096), then two digits at a time from a table. */
static char *put_digits(char *w, int64_t v)
{
    static const char pairs[201] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    static const uint64_t pow10[20] = {
        1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
        100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
        10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
        100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull,
    };
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    if (v < 0)
        *w++ = '-';
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (u < 100000000) {
        uint64_t d = eight_digits((uint32_t)u);
        /* the leading zeros are the low bytes that are 0; 0 keeps one */
        unsigned zeros = (unsigned)__builtin_ctzll(d | (uint64_t)1 << 56) / 8;
        d = (d >> (8 * zeros)) + 0x3030303030303030ull;
        memcpy(w, &d, 8);
        return w + 8 - zeros;
    }
#endif
    if (u < 10) {
        *w = (char)('0' + u);
        return w + 1;
    }
    int t = ((64 - __builtin_clzll(u)) * 1233) >> 12;
    char *end = w + t + 1 - (u < pow10[t]), *e = end;
    while (u >= 100) {
        e -= 2;
        memcpy(e, pairs + 2 * (u % 100), 2);
        u /= 100;
    }
    if (u >= 10)
        memcpy(e - 2, pairs + 2 * u, 2);
    else
        e[-1] = (char)('0' + u);
    return end;
}

static void put_int(buf *b, int64_t v)
{
    buf_grow(b, 20);
    b->len = (size_t)(put_digits(b->data + b->len, v) - b->data);
    b->data[b->len] = '\0';
}

/* The cell of a name column for v: its name, or the unset cell. */
static uint32_t name_cell(const out_col *c, const sla_value *v)
{
    return v->null || v->i < 0 || v->i >= (int64_t)c->ncells ? c->ncells : (uint32_t)v->i;
}

/* A row of whole numbers and names only (r->row_max says how long it can
 * be): written with one look at the buffer's room. */
static void write_fixed_row(run *r, buf *b, const sla_value *regs)
{
    buf_grow(b, r->row_max);
    char *w = b->data + b->len;
    /* The columns' bounds in locals: stores through w could be to them. */
    const out_col *first = r->cols, *end = first + r->p->noutputs;
    for (const out_col *c = first; c < end; c++) {
        const sla_value *v = &regs[c->reg];
        if (c > first)
            *w++ = ',';
        if (c->kind == OUT_INT) {
            if (!v->null)
                w = put_digits(w, v->i);
            continue;
        }
        uint32_t k = name_cell(c, v);
        if (c->cell_len[k] <= CELL_PAD)
            memcpy(w, c->cell[k], CELL_PAD);    /* one copy of a known size */
        else
            memcpy(w, c->cell[k], c->cell_len[k]);
        w += c->cell_len[k];
    }
    *w++ = '\n';
    *w = '\0';
    b->len = (size_t)(w - b->data);
}

static void write_csv_row(run *r, buf *b, const sla_value *regs)
{
    if (r->row_max) {
        write_fixed_row(r, b, regs);
        return;
    }
    for (uint32_t i = 0; i < r->p->noutputs; i++) {
        const out_col *c = &r->cols[i];
        const sla_value *v = &regs[c->reg];
        if (i)
            buf_putc(b, ',');
        switch (c->kind) {
        case OUT_INT:
            if (!v->null)
                put_int(b, v->i);
            break;
        case OUT_NAME: {
            uint32_t k = name_cell(c, v);
            buf_put(b, c->cell[k], c->cell_len[k]);
            break;
        }
        case OUT_TEXT:
            if (!v->null && v->len)
                csv_cell(b, v->s, v->len);
            break;
        case OUT_VALUE:
            /* Numbers, times, durations: never a comma, quote or line end. */
            fmt_value(b, c->t, v, r->s[0].ses.zone, NULL);
            break;
        }
    }
    buf_putc(b, '\n');
}

static void write_row(run *r, lane *l, const sla_value *regs)
{
    const sla_program *p = r->p;
    buf *b = l->out;
    if (!r->o->jsonl) {
        write_csv_row(r, b, regs);
        return;
    }
    buf_putc(b, '{');
    for (uint32_t i = 0; i < p->noutputs; i++) {
        const sla_output *o = &p->outputs[i];
        vtype t = p->reg_types[o->reg];
        const sla_value *v = &regs[o->reg];
        buf_reset(&l->cell);
        fmt_value(&l->cell, t, v, r->s[0].ses.zone, program_names(p, t));
        if (i)
            buf_putc(b, ',');
        buf_json_string(b, o->header);
        buf_putc(b, ':');
        if (v->null)
            buf_puts(b, "null");
        else if (t == VT_INT || t == VT_NUMBER || t == VT_MONEY || t == VT_BOOL)
            buf_put(b, l->cell.data, l->cell.len);
        else
            json_text(b, l->cell.data, l->cell.len);
    }
    buf_puts(b, "}\n");
}

static void rows_add(rowlens *rl, size_t n)
{
    if (rl->len == rl->cap) {
        rl->cap = rl->cap ? rl->cap * 2 : 1024;
        rl->n = xrealloc(rl->n, rl->cap * sizeof *rl->n);
    }
    rl->n[rl->len++] = n;
}

/* A row was added to b (from its length mark on): a sequential lane
 * flushes its file when the buffer is past OUT_FLUSH_AT, a worker notes
 * the row's length. 2 on a write error. */
static int row_added(buf *b, out_file *f, rowlens *rl, size_t mark)
{
    if (f)
        return b->len > OUT_FLUSH_AT && out_flush(f) < 0 ? 2 : 0;
    rows_add(rl, b->len - mark);
    return 0;
}

/* An error that ends the run: on stderr, or kept for the main thread. */
static void say(lane *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(lane *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (l->msg) {
        char tmp[1024];
        vsnprintf(tmp, sizeof tmp, fmt, ap);
        buf_puts(l->msg, tmp);
    } else {
        vfprintf(stderr, fmt, ap);
    }
    va_end(ap);
}

/* A bad row: to the rejects file, or the end of the run. */
static int reject(run *r, lane *l, const csv_record *rec, int64_t line, const char *column,
                  const char *reason, score_stats *st)
{
    if (!r->rejects) {
        if (column)
            say(l, "%s:%lld: column \"%s\": %s\n", r->name, (long long)line, column, reason);
        else
            say(l, "%s:%lld: %s\n", r->name, (long long)line, reason);
        return 1;
    }
    st->rejected++;
    buf *b = l->rej;
    size_t mark = b->len;
    buf_printf(b, "%lld,", (long long)line);
    csv_cell(b, column ? column : "", column ? strlen(column) : 0);
    buf_putc(b, ',');
    csv_cell(b, reason, strlen(reason));
    buf_putc(b, ',');
    csv_cell(b, rec->raw ? rec->raw : "", rec->raw ? rec->raw_len : 0);
    buf_putc(b, '\n');
    return row_added(b, l->rej_f, &l->rej_rows, mark);
}

/* Converts rec's cells into the registers of side k: all at once
 * (conv_plan_row), or, for a row with a cell the fast path does not
 * take, in column order (conv_row) with conv_cell for each such cell;
 * the reason and column of the first bad cell, or NULL. */
static const char *convert_row(const side *sd, sla_value *regs, const csv_record *rec,
                               unsigned known, const char **bad_column, char *err,
                               size_t errlen)
{
    if (sd->plan.whole && conv_plan_row(&sd->plan, rec->fields, regs, known))
        return NULL;
    for (uint32_t k = 0; (k = conv_row(sd->bind, k, sd->nbind, rec->fields, regs, known)) <
                         sd->nbind;
         k++) {
        const conv_slot *b = &sd->bind[k];
        const csv_field *f = &rec->fields[b->col];
        const char *bad = conv_cell(b->f, f->p, f->len, &regs[b->reg], err, errlen);
        if (bad) {
            *bad_column = sd->p->fields[b->reg].column;
            return bad;
        }
    }
    return NULL;
}

/* `sla explain`: whether the row just read (status s) is the one to
 * evaluate. After it, rows with the same id are only counted. */
static bool picked(run *r, csv_status s, const csv_record *rec, score_stats *st)
{
    const score_options *o = r->o;
    if (!o->pick_id)
        return o->pick_row == st->read;
    int c = r->s[0].column[0];
    if (s != CSV_OK || r->p->nfields == 0 || c < 0 || c >= rec->nfields)
        return false;
    const csv_field *f = &rec->fields[c];
    if (strlen(o->pick_id) != f->len || memcmp(o->pick_id, f->p, f->len) != 0)
        return false;
    if (!st->scored)
        return true;
    if (!st->same_id++)
        st->same_id_line = rec->line;
    return false;
}

/* ---- progress ----------------------------------------------------------------- */

/* Nothing is shown for the first second, then at most five times a second. */
enum { PROGRESS_EVERY = 4096 };

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_start(progress *pg, bool on, int fd)
{
    struct stat sb;
    memset(pg, 0, sizeof *pg);
    pg->on = on;
    if (!on)
        return;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
        pg->size = (uint64_t)sb.st_size;
    pg->start = now_seconds();
    pg->next = pg->start + 1.0;
}

/* rows read so far, offset bytes of the input. */
static void progress_show(progress *pg, int64_t rows, uint64_t offset)
{
    if (!pg->on)
        return;
    double t = now_seconds();
    if (t < pg->next)
        return;
    pg->next = t + 0.2;
    double secs = t - pg->start;
    char line[160];
    int n = snprintf(line, sizeof line, "\rsla: %lld rows, %.0f rows/s", (long long)rows,
                     secs > 0 ? (double)rows / secs : 0.0);
    if (pg->size && offset <= pg->size && offset > 0) {
        double left = secs * (double)(pg->size - offset) / (double)offset;
        n += snprintf(line + n, sizeof line - (size_t)n, ", %d%%, %d:%02d left",
                      (int)(100.0 * (double)offset / (double)pg->size), (int)left / 60,
                      (int)left % 60);
    }
    snprintf(line + n, sizeof line - (size_t)n, "\033[K");
    fputs(line, stderr);
    fflush(stderr);
    pg->shown = true;
}

static void progress_end(progress *pg)
{
    if (pg->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    pg->shown = false;
}

/* ---- the records -------------------------------------------------------------- */

/* Scores every record in, with l. The same loop scores the whole input
 * sequentially and a worker's share of it: the share starts at a record
 * boundary after a record that is not an empty line, so the empty lines
 * it holds back are the same. */
static int score_loop(run *r, lane *l, csv_reader *in, score_stats *st)
{
    csv_record rec;
    csv_status s;
    int rc = 0;
    char err[512];
    /* Empty lines are held back: at the end of the file they are only the
     * export's trailing line ends and carry nothing; before another row
     * they are rows with nothing in them, and reported as such. */
    int64_t blank_lines[64];
    int nblank = 0;
    for (;;) {
        s = csv_next(in, &rec);
        if (s == CSV_EOF && l->fatal)
            s = CSV_FATAL;
        if (s == CSV_EOF)
            break;
        bool blank = s == CSV_OK && rec.nfields == 1 && rec.raw_len == 0 && r->ncolumns > 1;
        if (blank && nblank < 64) {
            blank_lines[nblank++] = rec.line;
            continue;
        }
        for (int k = 0; k < nblank && rc == 0; k++) {
            st->read++;
            if (r->o->pick_fn && !(r->o->pick_row == st->read && !st->scored))
                continue;
            csv_record empty = {.line = blank_lines[k], .raw = "", .raw_len = 0};
            rc = reject(r, l, &empty, blank_lines[k], NULL, "the line is empty", st);
        }
        nblank = 0;
        if (rc)
            break;
        st->read++;
        if (l->pg && (st->read % PROGRESS_EVERY) == 0)
            progress_show(l->pg, st->read, csv_offset(in));
        if (s == CSV_FATAL) {
            say(l, "%s:%lld: %s\n", r->name,
                (long long)(l->fatal ? l->fatal_line : csv_error_line(in)),
                l->fatal ? l->fatal : csv_error(in));
            rc = 1;
            break;
        }
        if (r->o->pick_fn && !picked(r, s, &rec, st))
            continue;
        if (s == CSV_BAD) {
            if ((rc = reject(r, l, &rec, csv_error_line(in), NULL, csv_error(in), st)))
                break;
            continue;
        }
        if (rec.nfields != r->ncolumns) {
            snprintf(err, sizeof err, "the row has %d field%s but the header has %d", rec.nfields,
                     rec.nfields == 1 ? "" : "s", r->ncolumns);
            if ((rc = reject(r, l, &rec, rec.line, NULL, err, st)))
                break;
            continue;
        }
        const char *bad = NULL, *bad_column = NULL;
        unsigned known = (csv_ascii(in) ? CONV_ASCII : 0) | (csv_padded(in) ? CONV_PADDED : 0);
        for (int k = 0; k < r->nsides && !bad; k++)
            bad = convert_row(&r->s[k], l->regs[k], &rec, known, &bad_column, err, sizeof err);
        if (bad) {
            if ((rc = reject(r, l, &rec, rec.line, bad_column, bad, st)))
                break;
            continue;
        }
        for (int k = 0; k < r->nsides; k++) {
            l->eval[k](l->v[k]);
            if (l->acc[k])
                report_acc_add(l->acc[k], l->regs[k], rec.line);
        }
        if (r->each)
            r->each(r->user, l->regs[0], r->nsides > 1 ? l->regs[1] : NULL, rec.line);
        if (r->o->pick_fn) {
            score_picked pk = {.line = rec.line, .row = st->read, .rec = &rec,
                               .column = r->s[0].column};
            r->o->pick_fn(r->o->pick_user, l->regs[0], &pk);
        }
        size_t mark = l->out->len;
        if (!r->o->discard)
            write_row(r, l, l->regs[0]);
        st->scored++;
        if (r->o->pick_fn && !r->o->pick_id)
            break;
        if (!r->o->discard && (rc = row_added(l->out, l->out_f, &l->out_rows, mark)))
            break;
    }
    return rc;
}

/* A lane with its own vms; accumulators and destinations are the
 * caller's to set. */
static void lane_init(run *r, lane *l)
{
    memset(l, 0, sizeof *l);
    for (int k = 0; k < r->nsides; k++) {
        side *sd = &r->s[k];
        l->v[k] = vm_new(sd->p, session_calendar(&sd->ses), sd->o->as_of);
        if (sd->o->native)
            vm_use_native(l->v[k], sd->o->native);
        l->eval[k] = vm_evaluator(l->v[k]);   /* the interpreter, or native code */
        l->regs[k] = vm_registers(l->v[k]);
    }
    buf_init(&l->cell);
}

static void lane_free(lane *l)
{
    for (int k = 0; k < 2; k++)
        vm_free(l->v[k]);
    buf_free(&l->cell);
    free(l->out_rows.n);
    free(l->rej_rows.n);
}

/* ---- threads ------------------------------------------------------------------- */

/* The main thread reads the input's bytes into chunks of about
 * CHUNK_BYTES, each cut after a record (csv_cut: quoted line ends stay
 * inside their record, and a chunk never ends with an empty line, so the
 * empty lines score_loop holds back are the same) with the line it
 * starts on and whether it is all ASCII (csv_cut_lines). Workers read,
 * convert, score and write a chunk each, with a reader of their own over
 * its bytes that sees exactly the records, bad rows and line numbers the
 * one reader of a sequential run would; the main thread writes the
 * chunks' rows, rejects and first error in input order. Its own share is
 * a read and a pass over each chunk (without AVX2, and a memchr per
 * quote in a chunk with quotes). Output goes through the run's files
 * with the flushes a sequential run would make (the
 * sequential byte counts), so even a failed run leaves the same bytes on
 * a pipe. A run holds at most 2 x threads + 2 chunks, smaller when there
 * are many (CHUNKS_BUDGET in all): memory does not grow with the input.
 *
 * An input with no cut in TAIL_BYTES (a record that large, or that many
 * empty lines in a row) is read from there on by the main thread alone,
 * with a reader that resumes where the last chunk ended: the rules for
 * such records stay the sequential reader's, and memory stays bounded.
 *
 * For tests, SLA_TEST_CHUNK_BYTES sets the size of a chunk (1: a record
 * a chunk) and SLA_TEST_TAIL_BYTES the size at which the main thread
 * reads on alone. */
enum {
    CHUNK_BYTES = 1 << 20,
    CHUNK_MIN = 64 << 10,
    CHUNKS_BUDGET = 24 << 20,
    TAIL_BYTES = 16 << 20,
    READ_MIN = 256,          /* the least a read asks for (tests' tiny chunks) */
};

/* Whole records of the input for a worker, and what it made of them. */
typedef struct chunk {
    char *data;
    size_t len, cap;
    int64_t line;            /* the line data starts on */
    char *fatal;             /* the input could not be read after data */
    int64_t fatal_line;
    signed char ascii;       /* data has no byte above 0x7F (1), has (0), not known (-1) */
    buf out, rej, msg;       /* the worker's rows, rejects and error */
    rowlens out_rows, rej_rows;
    score_stats st;
    int rc;
    bool done;
} chunk;

/* The main thread's side of the input: the bytes read after the last
 * cut, and where they are. */
typedef struct splitter {
    int fd;
    const char *name;
    char *carry;             /* carry[carry_pos..carry_len) */
    size_t carry_pos, carry_len, carry_cap;
    int64_t line;            /* the line the carry starts on */
    uint64_t offset;         /* its offset in the input */
    bool eof;
    size_t chunk_bytes, tail_bytes;
    csv_cutter cut;
} splitter;

typedef struct pool {
    run *r;
    chunk *slots;
    int nslots;
    int64_t filled, taken;   /* chunks handed out so far, chunks taken */
    bool input_done, stop;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
} pool;

typedef struct worker {
    pool *pl;
    lane l;
    csv_reader *in;
    pthread_t t;
} worker;

static void score_chunk(run *r, lane *l, csv_reader *in, chunk *c)
{
    buf_reset(&c->out);
    buf_reset(&c->rej);
    buf_reset(&c->msg);
    l->out = &c->out;
    l->rej = &c->rej;
    l->msg = &c->msg;
    l->out_rows.len = l->rej_rows.len = 0;
    l->fatal = c->fatal;
    l->fatal_line = c->fatal_line;
    memset(&c->st, 0, sizeof c->st);
    /* chunk_reserve left room for a pad after the bytes; what follows the
     * cut is no longer wanted (the carry has it) */
    bool padded = c->data != NULL;
    if (padded)
        memset(c->data + c->len, 0, CSV_PAD);
    if (c->ascii < 0)
        csv_reset_mem(in, c->data, c->len, c->line, padded);
    else
        csv_reset_mem_ascii(in, c->data, c->len, c->line, c->ascii, padded);
    c->rc = score_loop(r, l, in, &c->st);
    /* The lengths move to the chunk; the lane's arrays are reused. */
    rowlens t = c->out_rows;
    c->out_rows = l->out_rows;
    l->out_rows = t;
    t = c->rej_rows;
    c->rej_rows = l->rej_rows;
    l->rej_rows = t;
}

static void *work(void *arg)
{
    worker *w = arg;
    pool *pl = w->pl;
    pthread_mutex_lock(&pl->mu);
    for (;;) {
        while (!pl->stop && pl->taken == pl->filled && !pl->input_done)
            pthread_cond_wait(&pl->work, &pl->mu);
        if (pl->stop || pl->taken == pl->filled)
            break;
        chunk *c = &pl->slots[pl->taken++ % pl->nslots];
        pthread_mutex_unlock(&pl->mu);
        score_chunk(pl->r, &w->l, w->in, c);
        pthread_mutex_lock(&pl->mu);
        c->done = true;
        pthread_cond_signal(&pl->done);
    }
    pthread_mutex_unlock(&pl->mu);
    return NULL;
}

/* Room for n more bytes in c's data, and CSV_PAD after them. */
static void chunk_reserve(chunk *c, size_t n)
{
    if (c->len + n + CSV_PAD <= c->cap)
        return;
    size_t cap = c->cap ? c->cap : CHUNK_BYTES + (CHUNK_BYTES >> 2);
    while (cap < c->len + n + CSV_PAD)
        cap *= 2;
    c->data = xrealloc(c->data, cap);
    c->cap = cap;
}

typedef enum {
    FILL_MORE,               /* a chunk; the input goes on */
    FILL_LAST,               /* the last chunk (maybe empty) */
    FILL_TAIL,               /* no cut: c holds the bytes to read on from alone */
} fill_result;

/* Up to ask bytes of input into c: the carry's first, then fd's. 0 at
 * the end of the input, -1 on a read error. */
static ssize_t take_input(splitter *sp, chunk *c, size_t ask)
{
    chunk_reserve(c, ask);
    if (sp->carry_pos < sp->carry_len) {
        size_t n = sp->carry_len - sp->carry_pos < ask ? sp->carry_len - sp->carry_pos : ask;
        memcpy(c->data + c->len, sp->carry + sp->carry_pos, n);
        sp->carry_pos += n;
        c->len += n;
        return (ssize_t)n;
    }
    if (sp->eof)
        return 0;
    for (;;) {
        ssize_t got = read(sp->fd, c->data + c->len, ask);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            sp->eof = true;
        else
            c->len += (size_t)got;
        return got;
    }
}

/* Fills c with the input after the last cut, to its next cut. */
static fill_result fill_chunk(splitter *sp, chunk *c)
{
    c->len = 0;
    c->line = sp->line;
    c->ascii = -1;
    free(c->fatal);
    c->fatal = NULL;
    c->done = false;
    if (c->cap > 4 * CHUNK_BYTES) {
        free(c->data);
        c->data = NULL;
        c->cap = 0;
    }
    size_t from = sp->carry_pos;     /* the carry's bytes in c start here */
    bool read_fd = false;            /* c holds bytes from fd (and so all the carry) */
    size_t want = sp->chunk_bytes;
    for (;;) {
        ssize_t got = 1;
        while (c->len < want && got > 0) {
            bool from_carry = sp->carry_pos < sp->carry_len;
            got = take_input(sp, c, want - c->len > READ_MIN ? want - c->len : READ_MIN);
            read_fd |= !from_carry && got > 0;
        }
        if (got < 0) {
            /* What a reader would have said where it stopped: the records
             * before are scored, the partial one is not. */
            char msg[300];
            snprintf(msg, sizeof msg, "cannot read %s: %s", sp->name, strerror(errno));
            c->len = csv_cut(&sp->cut, c->data, c->len, c->len);
            c->fatal = xstrdup(msg);
            c->fatal_line = c->line + csv_lines(c->data, c->len);
            return FILL_LAST;
        }
        if (got == 0)
            return FILL_LAST;
        int64_t lines;
        bool ascii;
        size_t cut = csv_cut_lines(&sp->cut, c->data, c->len, want, &lines, &ascii);
        if (cut) {
            c->ascii = ascii;   /* of all it read, so of the part before the cut */
            size_t rest = c->len - cut;
            if (!read_fd) {
                sp->carry_pos = from + cut;   /* the rest is still there */
            } else {
                if (rest > sp->carry_cap) {
                    sp->carry_cap = rest;
                    sp->carry = xrealloc(sp->carry, sp->carry_cap);
                }
                memcpy(sp->carry, c->data + cut, rest);
                sp->carry_len = rest;
                sp->carry_pos = 0;
            }
            c->len = cut;
            sp->line += lines;
            sp->offset += cut;
            return FILL_MORE;
        }
        if (c->len >= sp->tail_bytes) {
            if (sp->carry_pos < sp->carry_len)   /* all that was read goes on */
                take_input(sp, c, sp->carry_len - sp->carry_pos);
            return FILL_TAIL;
        }
        want = c->len + sp->chunk_bytes;
    }
}

/* Appends a chunk's rows to f, flushing where a sequential run would
 * have: after the row that took the buffer past OUT_FLUSH_AT. */
static int emit_rows(out_file *f, const buf *b, const rowlens *rl)
{
    size_t virt = f->b.len, off = 0, flush_to = 0;
    for (size_t i = 0; i < rl->len; i++) {
        off += rl->n[i];
        virt += rl->n[i];
        if (virt > OUT_FLUSH_AT) {
            flush_to = off;
            virt = 0;
        }
    }
    if (flush_to) {
        buf_put(&f->b, b->data, flush_to);
        if (out_flush(f) < 0)
            return 2;
    }
    buf_put(&f->b, b->data + flush_to, b->len - flush_to);
    return 0;
}

/* Writes a scored chunk: its rows, its rejects, its error. */
static int emit_chunk(run *r, chunk *c, score_stats *st)
{
    int rc = 0;
    if (!r->o->discard)
        rc = emit_rows(&r->out, &c->out, &c->out_rows);
    if (!rc && r->rejects)
        rc = emit_rows(&r->rej, &c->rej, &c->rej_rows);
    if (rc)
        return rc;
    st->read += c->st.read;
    st->scored += c->st.scored;
    st->rejected += c->st.rejected;
    if (c->rc)
        fputs(c->msg.data, stderr);
    return c->rc;
}

/* Scores the records of in on this thread, in one lane that writes
 * straight to the output and rejects files. */
static int score_here(run *r, csv_reader *in, score_stats *st)
{
    lane l;
    lane_init(r, &l);
    for (int k = 0; k < r->nsides; k++)
        l.acc[k] = r->s[k].o->acc;
    l.out = &r->out.b;
    l.rej = &r->rej.b;
    l.out_f = &r->out;
    l.rej_f = &r->rej;
    l.pg = &r->pg;
    int rc = score_loop(r, &l, in, st);
    lane_free(&l);
    return rc;
}

/* The sizes of splitter sp: CHUNK_BYTES, less when many chunks would
 * pass CHUNKS_BUDGET, or what a test asks for. */
static void split_sizes(splitter *sp, int nslots)
{
    sp->chunk_bytes = CHUNK_BYTES;
    if (sp->chunk_bytes * (size_t)nslots > CHUNKS_BUDGET)
        sp->chunk_bytes = CHUNKS_BUDGET / (size_t)nslots < CHUNK_MIN
                              ? CHUNK_MIN
                              : CHUNKS_BUDGET / (size_t)nslots;
    sp->tail_bytes = TAIL_BYTES;
    const char *test = getenv("SLA_TEST_CHUNK_BYTES");
    if (test && atol(test) > 0)
        sp->chunk_bytes = (size_t)atol(test);
    test = getenv("SLA_TEST_TAIL_BYTES");
    if (test && atol(test) > 0)
        sp->tail_bytes = (size_t)atol(test);
}

/* Scores the input after the header, which header_in has read from fd,
 * with nthreads workers. */
static int score_threads(run *r, csv_reader *header_in, int fd, score_stats *st, int nthreads)
{
    pool pl = {.r = r, .nslots = 2 * nthreads + 2};
    splitter sp = {.fd = fd, .name = r->name};
    split_sizes(&sp, pl.nslots);
    size_t head_len;
    const char *head = csv_rest(header_in, &head_len, &sp.line, &sp.eof);
    sp.carry = xmalloc(head_len > 4096 ? head_len : 4096);
    sp.carry_cap = head_len > 4096 ? head_len : 4096;
    memcpy(sp.carry, head, head_len);
    sp.carry_len = head_len;
    sp.offset = csv_offset(header_in);

    pl.slots = xcalloc((size_t)pl.nslots, sizeof *pl.slots);
    for (int i = 0; i < pl.nslots; i++) {
        buf_init(&pl.slots[i].out);
        buf_init(&pl.slots[i].rej);
        buf_init(&pl.slots[i].msg);
    }
    pthread_mutex_init(&pl.mu, NULL);
    pthread_cond_init(&pl.work, NULL);
    pthread_cond_init(&pl.done, NULL);
    worker *w = xcalloc((size_t)nthreads, sizeof *w);
    /* Signals go to the main thread, which removes temporary files. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int started = 0;
    for (int i = 0; i < nthreads; i++) {
        w[i].pl = &pl;
        lane_init(r, &w[i].l);
        w[i].in = csv_open_mem(NULL, 0, r->name);
        if (r->s[0].o->acc)
            w[i].l.acc[0] = report_acc_fork(r->s[0].o->acc);
        if (pthread_create(&w[i].t, NULL, work, &w[i]) != 0)
            break;
        started++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);

    int rc = 0;
    int64_t written = 0;
    bool input_done = false;
    chunk *tail = NULL;      /* no cut: the main thread reads on from here */
    if (started == 0) {
        /* No thread could start: the main thread reads everything. */
        tail = &pl.slots[0];
        tail->len = 0;
        input_done = true;
    }
    pthread_mutex_lock(&pl.mu);
    while (!rc) {
        chunk *c = &pl.slots[written % pl.nslots];
        if (written < pl.filled && c->done) {
            pthread_mutex_unlock(&pl.mu);
            rc = emit_chunk(r, c, st);
            written++;
            progress_show(&r->pg, st->read, sp.offset);
            pthread_mutex_lock(&pl.mu);
            continue;
        }
        if (!input_done && pl.filled < written + pl.nslots) {
            chunk *f = &pl.slots[pl.filled % pl.nslots];
            pthread_mutex_unlock(&pl.mu);
            fill_result fr = fill_chunk(&sp, f);
            bool any = fr != FILL_TAIL && (f->len > 0 || f->fatal);
            input_done = fr != FILL_MORE;
            if (fr == FILL_TAIL)
                tail = f;
            pthread_mutex_lock(&pl.mu);
            if (any)
                pl.filled++;
            pl.input_done = input_done;
            pthread_cond_broadcast(&pl.work);
            continue;
        }
        if (input_done && written == pl.filled)
            break;
        pthread_cond_wait(&pl.done, &pl.mu);
    }
    pl.stop = true;
    pthread_cond_broadcast(&pl.work);
    pthread_mutex_unlock(&pl.mu);
    for (int i = 0; i < started; i++)
        pthread_join(w[i].t, NULL);
    if (!rc && tail) {
        const char *data = tail->len ? tail->data : sp.carry + sp.carry_pos;
        size_t len = tail->len ? tail->len : sp.carry_len - sp.carry_pos;
        csv_reader *in = csv_open_resume(fd, r->name, data, len, tail->len ? tail->line : sp.line,
                                         sp.offset, sp.eof);
        rc = score_here(r, in, st);
        csv_close(in);
    }
    for (int i = 0; i < nthreads; i++) {
        if (w[i].l.acc[0]) {
            if (!rc)
                report_acc_merge(r->s[0].o->acc, w[i].l.acc[0]);
            report_acc_free(w[i].l.acc[0]);
        }
        lane_free(&w[i].l);
        csv_close(w[i].in);
    }
    for (int i = 0; i < pl.nslots; i++) {
        chunk *c = &pl.slots[i];
        free(c->data);
        free(c->fatal);
        buf_free(&c->out);
        buf_free(&c->rej);
        buf_free(&c->msg);
        free(c->out_rows.n);
        free(c->rej_rows.n);
    }
    free(pl.slots);
    free(w);
    free(sp.carry);
    csv_cutter_free(&sp.cut);
    pthread_cond_destroy(&pl.work);
    pthread_cond_destroy(&pl.done);
    pthread_mutex_destroy(&pl.mu);
    return rc;
}

/* ---- the run --------------------------------------------------------------------- */

/* How many threads score o's records: one for a pick, a pair of
 * programs, or a report whose sums would depend on the split. */
static int threads_for(int n, const sla_program *p, const score_options *o)
{
    if (n != 1 || o->pick_fn || o->threads <= 1)
        return 1;
    if (o->acc && !report_acc_splits(p))
        return 1;
    return o->threads;
}

static int score_records(run *r, csv_reader *in, int fd, score_stats *st, int nthreads)
{
    csv_record rec;
    csv_status s = csv_next(in, &rec);
    if (s == CSV_EOF) {
        fprintf(stderr, "%s: the file is empty: expected a header row naming the columns\n",
                r->name);
        return 1;
    }
    if (s != CSV_OK) {
        fprintf(stderr, "%s:%lld: %s\n", r->name, (long long)csv_error_line(in), csv_error(in));
        return 1;
    }
    int rc = 0;
    for (int k = 0; k < r->nsides && !rc; k++)
        rc = bind_columns(r, &r->s[k], &rec);
    if (rc)
        return rc;
    if (!r->o->discard)
        write_header(r);
    if (nthreads > 1)
        return score_threads(r, in, fd, st, nthreads);
    return score_here(r, in, st);
}

/* Scores o[0]->input with the n programs p (n is 1 or 2). */
static int score_sides(int n, const sla_program *const *p, const score_options *const *os,
                       score_pair_fn each, void *user, score_stats *st)
{
    const score_options *o = os[0];
    memset(st, 0, sizeof *st);
    run r = {.nsides = n, .p = p[0], .o = o, .each = each, .user = user,
             .rejects = o->rejects != NULL};
    r.name = strcmp(o->input, "-") == 0 ? "<stdin>" : o->input;
    int rc = 0;
    char err[200];
    int fd = -1;
    csv_reader *in = NULL;

    for (int k = 0; k < n; k++) {
        r.s[k].p = p[k];
        r.s[k].o = os[k];
        r.s[k].column = xcalloc(p[k]->nfields ? p[k]->nfields : 1, sizeof *r.s[k].column);
    }
    for (int k = 0; k < n; k++)
        if (session_open(&r.s[k].ses, p[k], err, sizeof err) < 0) {
            fprintf(stderr, "sla: %s\n", err);
            rc = 2;
            goto done;
        }
    fd = strcmp(o->input, "-") == 0 ? STDIN_FILENO : open(o->input, O_RDONLY);
    struct stat sb;
    if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        close(fd);
        fd = -1;
        errno = EISDIR;
    }
    if (fd < 0) {
        fprintf(stderr, "sla: cannot read %s: %s\n", o->input, strerror(errno));
        rc = 2;
        goto done;
    }
    in = csv_open_fd(fd, r.name);
    if (o->discard) {
        buf_init(&r.out.b);
        r.out.fd = -1;
    } else if (out_open(&r.out, o->output, "sla") < 0) {
        rc = 2;
        goto done;
    }
    if (r.rejects) {
        if (out_open(&r.rej, o->rejects, "sla") < 0) {
            if (!o->discard)
                out_close(&r.out, false);
            rc = 2;
            goto done;
        }
        buf_puts(&r.rej.b, "line,column,reason,row\n");
    }
    out_cols_init(&r);
    progress_start(&r.pg, o->progress, fd);
    rc = score_records(&r, in, fd, st, threads_for(n, p[0], o));
    progress_end(&r.pg);
    if (o->discard)
        buf_free(&r.out.b);
    else if (out_close(&r.out, rc == 0) != 0 && rc == 0)
        rc = 2;
    if (r.rejects && out_close(&r.rej, rc == 0) != 0 && rc == 0)
        rc = 2;

done:
    out_cols_free(&r);
    if (in)
        csv_close(in);
    if (fd > 2)
        close(fd);
    for (int k = 0; k < n; k++)
        free(r.s[k].column), free(r.s[k].bind), conv_plan_free(&r.s[k].plan);
    for (int k = 0; k < n; k++)
        session_close(&r.s[k].ses);   /* safe on one never opened (zeroed) */
    return rc;
}

int score_file(const sla_program *p, const score_options *o, score_stats *st)
{
    return score_sides(1, &p, &o, NULL, NULL, st);
}

int score_pair(const sla_program *const p[2], const score_options *const o[2],
               score_pair_fn each, void *user, score_stats *st)
{
    return score_sides(2, p, o, each, user, st);
}
