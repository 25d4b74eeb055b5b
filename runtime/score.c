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
 * An output path that names a regular file (or nothing yet) is written
 * through a temporary file in the same directory and renamed into place
 * only after the last row, so an interrupted or failed run never leaves a
 * partial file in place of the old one. Anything else (a FIFO, a device
 * such as /dev/stdout) is written directly.
 */
#include "score.h"

#include "calendar.h"
#include "convert.h"
#include "csv.h"
#include "vm.h"

#include "../common/buf.h"
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

enum { FLUSH_AT = 1 << 16 };

typedef struct out_file {
    const char *path;       /* NULL: standard output */
    char *tmp;              /* the temporary file being written, or NULL */
    int fd;
    buf b;
} out_file;

static int out_open(out_file *f, const char *path)
{
    memset(f, 0, sizeof *f);
    buf_init(&f->b);
    f->path = path;
    if (!path) {
        f->fd = STDOUT_FILENO;
        return 0;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        f->fd = open(path, O_WRONLY);
        if (f->fd < 0) {
            fprintf(stderr, "sla: cannot write %s: %s\n", path, strerror(errno));
            return -1;
        }
        return 0;
    }
    size_t n = strlen(path);
    f->tmp = xmalloc(n + 16);
    snprintf(f->tmp, n + 16, "%s.tmpXXXXXX", path);
    f->fd = mkstemp(f->tmp);
    if (f->fd < 0) {
        fprintf(stderr, "sla: cannot write %s: %s\n", path, strerror(errno));
        free(f->tmp);
        f->tmp = NULL;
        return -1;
    }
    /* mkstemp makes the file private; give it the usual permissions. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(f->fd, 0666 & ~mask);
    return 0;
}

static int out_flush(out_file *f)
{
    size_t done = 0;
    while (done < f->b.len) {
        ssize_t w = write(f->fd, f->b.data + done, f->b.len - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "sla: cannot write %s: %s\n", f->path ? f->path : "standard output",
                    strerror(errno));
            return -1;
        }
        done += (size_t)w;
    }
    buf_reset(&f->b);
    return 0;
}

/* Finishes the file: renamed into place if ok, removed otherwise. */
static int out_close(out_file *f, bool ok)
{
    int rc = 0;
    if (ok)
        rc = out_flush(f);
    if (f->tmp) {
        if (close(f->fd) != 0)
            rc = -1;
        if (ok && rc == 0 && rename(f->tmp, f->path) != 0) {
            fprintf(stderr, "sla: cannot write %s: %s\n", f->path, strerror(errno));
            rc = -1;
        }
        if (!ok || rc != 0)
            unlink(f->tmp);
        free(f->tmp);
    } else if (f->path && f->fd >= 0) {
        close(f->fd);
    }
    buf_free(&f->b);
    return rc;
}

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

typedef struct binding {
    int column;              /* index in the CSV record, -1 when not read */
    conv_field conv;
    timefmt *formats;
    tz_zone *zone;           /* owned when the field has its own zone */
} binding;

typedef struct run {
    const sla_program *p;
    const score_options *o;
    const char *name;        /* the input's name in messages */
    binding *bind;
    int ncolumns;
    tz_zone *zone;
    sla_calendar cal;
    bool has_cal;
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

static int bind_columns(run *r, const csv_record *header)
{
    const sla_program *p = r->p;
    r->ncolumns = header->nfields;
    for (uint32_t i = 0; i < p->nfields; i++) {
        binding *b = &r->bind[i];
        b->column = -1;
        if (!p->fields[i].used)
            continue;
        for (int c = 0; c < header->nfields; c++) {
            if (!same_name(p->fields[i].column, header->fields[c].p, header->fields[c].len))
                continue;
            if (b->column >= 0) {
                fprintf(stderr, "%s:%lld: column \"%s\" appears twice in the header (columns %d "
                        "and %d); field `%s` cannot tell which to read\n", r->name,
                        (long long)header->line, p->fields[i].column, b->column + 1, c + 1,
                        p->fields[i].name);
                return 1;
            }
            b->column = c;
        }
        if (b->column < 0) {
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

static int prepare_fields(run *r)
{
    const sla_program *p = r->p;
    r->bind = xcalloc(p->nfields ? p->nfields : 1, sizeof *r->bind);
    for (uint32_t i = 0; i < p->nfields; i++) {
        const sla_field *f = &p->fields[i];
        binding *b = &r->bind[i];
        b->column = -1;
        b->conv.type = f->type;
        b->conv.optional = f->optional;
        b->conv.missing = (const char *const *)f->missing;
        b->conv.nmissing = (int)f->nmissing;
        b->formats = xcalloc(f->nformats + 1, sizeof *b->formats);
        for (uint32_t k = 0; k < f->nformats; k++) {
            size_t at;
            if (timefmt_compile(f->formats[k], &b->formats[k], &at)) {
                fprintf(stderr, "sla: field `%s`: time format \"%s\" is not valid\n", f->name,
                        f->formats[k]);
                return 2;
            }
        }
        b->conv.formats = b->formats;
        b->conv.nformats = (int)f->nformats;
        b->conv.zone = r->zone;
        if (f->zone) {
            char err[160];
            b->zone = tz_load(f->zone, err, sizeof err);
            if (!b->zone) {
                fprintf(stderr, "sla: field `%s`: time zone \"%s\": %s\n", f->name, f->zone, err);
                return 2;
            }
            b->conv.zone = b->zone;
        }
    }
    return 0;
}

static int prepare_calendar(run *r)
{
    const sla_program *p = r->p;
    if (!p->nhours)
        return 0;
    memset(&r->cal, 0, sizeof r->cal);
    r->cal.zone = r->zone;
    for (uint32_t i = 0; i < p->nhours; i++) {
        const sla_hours *h = &p->hours[i];
        int d = h->weekday, k = r->cal.nhours[d];
        if (k < CAL_MAX_INTERVALS) {
            /* keep each day's intervals sorted by start */
            while (k > 0 && r->cal.hours[d][k - 1].start > h->start) {
                r->cal.hours[d][k] = r->cal.hours[d][k - 1];
                k--;
            }
            r->cal.hours[d][k] = (cal_interval){h->start, h->end};
            r->cal.nhours[d]++;
        }
    }
    r->cal.nholidays = (int)p->nholidays;
    r->cal.holidays = xmalloc((p->nholidays + 1) * sizeof *r->cal.holidays);
    memcpy(r->cal.holidays, p->holidays, p->nholidays * sizeof *p->holidays);
    if (!cal_prepare(&r->cal)) {
        fprintf(stderr, "sla: the policy's business hours give no working time\n");
        return 2;
    }
    r->has_cal = true;
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

static const char *const *names_for(const sla_program *p, vtype t)
{
    return t == VT_STAGE ? (const char *const *)p->stages
         : t == VT_CLASS ? (const char *const *)p->classes : NULL;
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
        fmt_value(&r->cell, t, v, r->zone, names_for(p, t));
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
    if (b->len > FLUSH_AT && out_flush(&r->rej) < 0)
        return 2;
    return 0;
}

static int score_records(run *r, csv_reader *in, score_stats *st)
{
    const sla_program *p = r->p;
    csv_record rec;
    csv_status s = csv_next(in, &rec);
    if (s == CSV_EOF) {
        fprintf(stderr, "%s: the file is empty: expected a header row naming the columns\n", r->name);
        return 1;
    }
    if (s != CSV_OK) {
        fprintf(stderr, "%s:%lld: %s\n", r->name, (long long)csv_error_line(in), csv_error(in));
        return s == CSV_FATAL ? 1 : 1;
    }
    int rc = bind_columns(r, &rec);
    if (rc)
        return rc;
    write_header(r);

    vm *v = vm_new(p, r->has_cal ? &r->cal : NULL, r->o->as_of);
    sla_value *regs = vm_registers(v);
    char err[512];
    for (;;) {
        s = csv_next(in, &rec);
        if (s == CSV_EOF)
            break;
        st->read++;
        if (s == CSV_FATAL) {
            fprintf(stderr, "%s:%lld: %s\n", r->name, (long long)csv_error_line(in), csv_error(in));
            rc = 1;
            break;
        }
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
        for (uint32_t i = 0; i < p->nfields && !bad; i++) {
            const binding *b = &r->bind[i];
            if (b->column < 0)
                continue;
            const csv_field *f = &rec.fields[b->column];
            bad = conv_cell(&b->conv, f->p, f->len, &regs[i], err, sizeof err);
            if (bad)
                bad_column = p->fields[i].column;
        }
        if (bad) {
            if ((rc = reject(r, &rec, rec.line, bad_column, bad, st)))
                break;
            continue;
        }
        vm_run(v);
        write_row(r, regs);
        st->scored++;
        if (r->out.b.len > FLUSH_AT && out_flush(&r->out) < 0) {
            rc = 2;
            break;
        }
    }
    vm_free(v);
    return rc;
}

int score_file(const sla_program *p, const score_options *o, score_stats *st)
{
    memset(st, 0, sizeof *st);
    run r = {.p = p, .o = o, .rejects = o->rejects != NULL};
    r.name = strcmp(o->input, "-") == 0 ? "<stdin>" : o->input;
    buf_init(&r.cell);
    int rc = 0;
    char err[200];
    int fd = -1;
    csv_reader *in = NULL;

    r.zone = tz_load(p->zone, err, sizeof err);
    if (!r.zone) {
        fprintf(stderr, "sla: the policy's time zone \"%s\": %s\n", p->zone, err);
        rc = 2;
        goto done;
    }
    if ((rc = prepare_fields(&r)) || (rc = prepare_calendar(&r)))
        goto done;
    fd = strcmp(o->input, "-") == 0 ? STDIN_FILENO : open(o->input, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "sla: cannot read %s: %s\n", o->input, strerror(errno));
        rc = 2;
        goto done;
    }
    in = csv_open_fd(fd, r.name);
    if (out_open(&r.out, o->output) < 0) {
        rc = 2;
        goto done;
    }
    if (r.rejects) {
        if (out_open(&r.rej, o->rejects) < 0) {
            out_close(&r.out, false);
            rc = 2;
            goto done;
        }
        buf_puts(&r.rej.b, "line,column,reason,row\n");
    }
    rc = score_records(&r, in, st);
    if (out_close(&r.out, rc == 0) != 0 && rc == 0)
        rc = 2;
    if (r.rejects && out_close(&r.rej, rc == 0) != 0 && rc == 0)
        rc = 2;

done:
    if (in)
        csv_close(in);
    if (fd > 2)
        close(fd);
    if (r.bind) {
        for (uint32_t i = 0; i < p->nfields; i++) {
            free(r.bind[i].formats);
            tz_free(r.bind[i].zone);
        }
        free(r.bind);
    }
    if (r.has_cal)
        cal_free(&r.cal);
    tz_free(r.zone);
    buf_free(&r.cell);
    return rc;
}
