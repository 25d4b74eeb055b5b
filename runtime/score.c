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
 * A run has one or two sides, each a program with its own session,
 * columns and vm over the same reader: `sla diff` scores one export with
 * two policies in one pass. A row bad for either side is rejected once,
 * with the first side's reason, so the rule above holds for the pair;
 * only the first side writes output rows.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
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

/* ---- the run --------------------------------------------------------------------- */

/* One program over the run's records. */
typedef struct side {
    const sla_program *p;
    const score_options *o;  /* as_of, acc and native are this side's */
    session ses;
    int *column;             /* by field: its CSV column, or -1 when not read */
    vm *v;
    vm_eval_fn eval;
    sla_value *regs;
} side;

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
    buf cell;                /* one formatted value */
} run;

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

static void write_row(run *r, const sla_value *regs)
{
    const sla_program *p = r->p;
    buf *b = &r->out.b;
    if (r->o->jsonl)
        buf_putc(b, '{');
    for (uint32_t i = 0; i < p->noutputs; i++) {
        const sla_output *o = &p->outputs[i];
        vtype t = p->reg_types[o->reg];
        const sla_value *v = &regs[o->reg];
        buf_reset(&r->cell);
        fmt_value(&r->cell, t, v, r->s[0].ses.zone, program_names(p, t));
        if (r->o->jsonl) {
            if (i)
                buf_putc(b, ',');
            buf_json_string(b, o->header);
            buf_putc(b, ':');
            if (v->null)
                buf_puts(b, "null");
            else if (t == VT_INT || t == VT_NUMBER || t == VT_MONEY || t == VT_BOOL)
                buf_put(b, r->cell.data, r->cell.len);
            else
                json_text(b, r->cell.data, r->cell.len);
        } else {
            if (i)
                buf_putc(b, ',');
            csv_cell(b, r->cell.data, r->cell.len);
        }
    }
    buf_puts(b, r->o->jsonl ? "}\n" : "\n");
}

/* A bad row: to the rejects file, or the end of the run. */
static int reject(run *r, const csv_record *rec, int64_t line, const char *column,
                  const char *reason, score_stats *st)
{
    if (!r->rejects) {
        if (column)
            fprintf(stderr, "%s:%lld: column \"%s\": %s\n", r->name, (long long)line, column, reason);
        else
            fprintf(stderr, "%s:%lld: %s\n", r->name, (long long)line, reason);
        return 1;
    }
    st->rejected++;
    buf *b = &r->rej.b;
    buf_printf(b, "%lld,", (long long)line);
    csv_cell(b, column ? column : "", column ? strlen(column) : 0);
    buf_putc(b, ',');
    csv_cell(b, reason, strlen(reason));
    buf_putc(b, ',');
    csv_cell(b, rec->raw ? rec->raw : "", rec->raw ? rec->raw_len : 0);
    buf_putc(b, '\n');
    if (b->len > OUT_FLUSH_AT && out_flush(&r->rej) < 0)
        return 2;
    return 0;
}

/* Converts rec's cells into sd's registers; the reason and column of the
 * first bad cell, or NULL. */
static const char *convert_row(side *sd, const csv_record *rec, const char **bad_column,
                               char *err, size_t errlen)
{
    const sla_program *p = sd->p;
    for (uint32_t i = 0; i < p->nfields; i++) {
        if (sd->column[i] < 0 || !p->fields[i].used)
            continue;
        const csv_field *f = &rec->fields[sd->column[i]];
        const char *bad = conv_cell(&sd->ses.conv[i], f->p, f->len, &sd->regs[i], err, errlen);
        if (bad) {
            *bad_column = p->fields[i].column;
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

static int score_records(run *r, csv_reader *in, score_stats *st)
{
    csv_record rec;
    csv_status s = csv_next(in, &rec);
    if (s == CSV_EOF) {
        fprintf(stderr, "%s: the file is empty: expected a header row naming the columns\n", r->name);
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

    for (int k = 0; k < r->nsides; k++) {
        side *sd = &r->s[k];
        sd->v = vm_new(sd->p, session_calendar(&sd->ses), sd->o->as_of);
        if (sd->o->native)
            vm_use_native(sd->v, sd->o->native);
        sd->eval = vm_evaluator(sd->v);   /* the interpreter, or native code */
        sd->regs = vm_registers(sd->v);
    }
    char err[512];
    /* Empty lines are held back: at the end of the file they are only the
     * export's trailing line ends and carry nothing; before another row
     * they are rows with nothing in them, and reported as such. */
    int64_t blank_lines[64];
    int nblank = 0;
    for (;;) {
        s = csv_next(in, &rec);
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
            rc = reject(r, &empty, blank_lines[k], NULL, "the line is empty", st);
        }
        nblank = 0;
        if (rc)
            break;
        st->read++;
        if (s == CSV_FATAL) {
            fprintf(stderr, "%s:%lld: %s\n", r->name, (long long)csv_error_line(in), csv_error(in));
            rc = 1;
            break;
        }
        if (r->o->pick_fn && !picked(r, s, &rec, st))
            continue;
        if (s == CSV_BAD) {
            if ((rc = reject(r, &rec, csv_error_line(in), NULL, csv_error(in), st)))
                break;
            continue;
        }
        if (rec.nfields != r->ncolumns) {
            snprintf(err, sizeof err, "the row has %d field%s but the header has %d", rec.nfields,
                     rec.nfields == 1 ? "" : "s", r->ncolumns);
            if ((rc = reject(r, &rec, rec.line, NULL, err, st)))
                break;
            continue;
        }
        const char *bad = NULL, *bad_column = NULL;
        for (int k = 0; k < r->nsides && !bad; k++)
            bad = convert_row(&r->s[k], &rec, &bad_column, err, sizeof err);
        if (bad) {
            if ((rc = reject(r, &rec, rec.line, bad_column, bad, st)))
                break;
            continue;
        }
        for (int k = 0; k < r->nsides; k++) {
            side *sd = &r->s[k];
            sd->eval(sd->v);
            if (sd->o->acc)
                report_acc_add(sd->o->acc, sd->regs, rec.line);
        }
        if (r->each)
            r->each(r->user, r->s[0].regs, r->nsides > 1 ? r->s[1].regs : NULL, rec.line);
        if (r->o->pick_fn) {
            score_picked pk = {.line = rec.line, .row = st->read, .rec = &rec,
                               .column = r->s[0].column};
            r->o->pick_fn(r->o->pick_user, r->s[0].regs, &pk);
        }
        if (!r->o->discard)
            write_row(r, r->s[0].regs);
        st->scored++;
        if (r->o->pick_fn && !r->o->pick_id)
            break;
        if (r->out.b.len > OUT_FLUSH_AT && out_flush(&r->out) < 0) {
            rc = 2;
            break;
        }
    }
    for (int k = 0; k < r->nsides; k++) {
        vm_free(r->s[k].v);
        r->s[k].v = NULL;
    }
    return rc;
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
    buf_init(&r.cell);
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
    rc = score_records(&r, in, st);
    if (o->discard)
        buf_free(&r.out.b);
    else if (out_close(&r.out, rc == 0) != 0 && rc == 0)
        rc = 2;
    if (r.rejects && out_close(&r.rej, rc == 0) != 0 && rc == 0)
        rc = 2;

done:
    if (in)
        csv_close(in);
    if (fd > 2)
        close(fd);
    for (int k = 0; k < n; k++)
        free(r.s[k].column);
    for (int k = 0; k < n; k++)
        session_close(&r.s[k].ses);   /* safe on one never opened (zeroed) */
    buf_free(&r.cell);
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
