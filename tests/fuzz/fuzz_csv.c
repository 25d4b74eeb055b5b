/*
 * fuzz_csv.c - libFuzzer harness: the CSV reader and the conversion of
 * each cell to a value.
 *
 * The input is a whole export. Every record the reader hands out is
 * converted cell by cell, as `sla score` does, with the column deciding
 * the field's type (int, number, money, bool, text, time, duration,
 * business duration, in turn), whether it is optional, and, for times, a
 * zone and the policy's time formats. Each value is then written out with
 * fmt_value, and the numbers, money, booleans and times written must read
 * back as the same value: output is documented to be exact. A cell the
 * fast path (conv_plain) takes must read as the whole way reads it.
 *
 * Then the input is cut where csv_cut says, at places the input itself
 * picks, and each piece read by a reader of its own from the line
 * csv_lines counts (as `sla score --threads` reads; csv_cut_lines, which
 * it uses, must say the same), and without AVX2:
 * the records, bad rows, reasons and lines must be the whole reader's.
 */
#include "../../common/buf.h"
#include "../../common/timefmt.h"
#include "../../common/tz.h"
#include "../../runtime/convert.h"
#include "../../runtime/csv.h"
#include "../../runtime/program.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { NTYPES = VT_BDURATION + 1 };

static const char *const missing[] = {"N/A", "-", "null"};
static const char *const format_names[] = {"MM/DD/YYYY hh:mm AM", "MM/DD/YYYY", "DD.MM.YY HH:mm:ss",
                                           "YYYYMMDD", "M/D/YY h:mm AM"};
enum { NFORMATS = sizeof format_names / sizeof format_names[0] };
static timefmt formats[NFORMATS];
static tz_zone *zones[2];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[200];
    zones[0] = tz_load("UTC", err, sizeof err);
    zones[1] = tz_load("America/New_York", err, sizeof err);
    if (!zones[0] || !zones[1]) {
        fprintf(stderr, "fuzz_csv: %s\n", err);
        exit(1);
    }
    for (int k = 0; k < NFORMATS; k++) {
        size_t at;
        if (timefmt_compile(format_names[k], &formats[k], &at)) {
            fprintf(stderr, "fuzz_csv: bad format %s\n", format_names[k]);
            exit(1);
        }
    }
    return 0;
}

static conv_field field_for(int column)
{
    int half = column / NTYPES;
    return (conv_field){
        .type = (vtype)(column % NTYPES),
        .optional = half % 2 == 0,
        .missing = missing,
        .nmissing = half % 3 ? 3 : 0,
        .formats = formats,
        .nformats = half % 4 < 2 ? NFORMATS : 0,
        .format_names = half % 4 == 0 ? format_names : NULL,
        .zone = zones[half % 2],
    };
}

static bool same(vtype t, const sla_value *a, const sla_value *b)
{
    if (a->null || b->null)
        return a->null == b->null;
    if (t == VT_NUMBER)
        return a->f == b->f || (isnan(a->f) && isnan(b->f));
    return a->i == b->i;
}

/* What fmt_value writes for v must convert back to v. */
static void check_reads_back(const conv_field *f, const sla_value *v)
{
    switch (f->type) {
    case VT_INT: case VT_NUMBER: case VT_MONEY: case VT_BOOL: case VT_TIME:
        break;
    default:
        return;
    }
    if (v->null)
        return;
    buf out;
    buf_init(&out);
    fmt_value(&out, f->type, v, f->zone, NULL);
    conv_field plain = *f;
    plain.nformats = 0;
    plain.nmissing = 0;
    plain.optional = true;
    sla_value back;
    char err[300];
    if (conv_cell(&plain, out.data, out.len, &back, err, sizeof err)) {
        fprintf(stderr, "fmt_value wrote `%.*s` (%s), which does not read back: %s\n",
                (int)out.len, out.data, vtype_names[f->type], err);
        abort();
    }
    if (!same(f->type, v, &back)) {
        fprintf(stderr, "fmt_value wrote `%.*s` (%s), which reads back as another value\n",
                (int)out.len, out.data, vtype_names[f->type]);
        abort();
    }
    buf_free(&out);
}

/* The fast path agrees with the whole way, which a blank in front of
 * the cell forces (it trims blanks; text keeps them, so not text). */
static void check_fast_path(const conv_field *f, const char *cell, size_t len)
{
    sla_value fast, whole;
    if (f->type == VT_TEXT || len > 4096 || !conv_plain(f, cell, len, &fast, false))
        return;
    char padded[4097] = " ";
    memcpy(padded + 1, cell, len);
    char err[300];
    if (conv_cell(f, padded, len + 1, &whole, err, sizeof err) || fast.i != whole.i ||
        fast.len != whole.len || fast.null != whole.null) {
        fprintf(stderr, "conv_plain reads `%.*s` (%s) otherwise than conv_cell\n", (int)len, cell,
                vtype_names[f->type]);
        abort();
    }
}

/* A record (or error) of r as a line of text. */
static void put_record(buf *out, const csv_reader *r, csv_status st, const csv_record *rec)
{
    buf_printf(out, "%d L%lld-%lld", (int)st, (long long)rec->line, (long long)rec->end_line);
    if (st == CSV_BAD || st == CSV_FATAL)
        buf_printf(out, " @%lld %s", (long long)csv_error_line(r), csv_error(r));
    for (int i = 0; st == CSV_OK && i < rec->nfields; i++) {
        buf_printf(out, " %d:", rec->fields[i].quoted);
        buf_put(out, rec->fields[i].p, rec->fields[i].len);
    }
    if (st != CSV_FATAL)
        buf_put(out, rec->raw, rec->raw_len);
    buf_putc(out, '\n');
}

/* Every record of r to its end, as text; the last status. */
static csv_status read_records(csv_reader *r, buf *out)
{
    csv_record rec;
    csv_status st;
    while ((st = csv_next(r, &rec)) != CSV_EOF) {
        put_record(out, r, st, &rec);
        if (st == CSV_FATAL)
            break;
    }
    return st;
}

static void check_cuts(const char *data, size_t size)
{
    buf whole, cut;
    buf_init(&whole);
    buf_init(&cut);
    csv_reader *r = csv_open_mem(data, size, "fuzz.csv");
    read_records(r, &whole);
    csv_close(r);

    /* The first record by a reader of the whole, as sla score reads the
     * header; the rest in pieces. */
    r = csv_open_mem(data, size, "fuzz.csv");
    csv_record rec;
    csv_status st = csv_next(r, &rec);
    if (st != CSV_EOF)
        put_record(&cut, r, st, &rec);
    if (st != CSV_EOF && st != CSV_FATAL) {
        size_t len;
        int64_t line;
        bool eof;
        const char *rest = csv_rest(r, &len, &line, &eof);
        csv_cutter cutter = {0};
        /* The pieces' reader finds stop bytes without AVX2, or with
         * AVX2 but not AVX-512 (by the input's size), the whole one with
         * the widest the processor has: the ways agree. */
        const char *narrow = size % 2 ? "SLA_CSV_NO_AVX2" : "SLA_CSV_NO_AVX512";
        setenv(narrow, "1", 1);
        csv_reader *piece = csv_open_mem(NULL, 0, "fuzz.csv");
        unsetenv(narrow);
        for (size_t k = 0; len > 0; k++) {
            /* The place to cut near: from the input's own bytes. */
            size_t want = 1 + (unsigned char)data[k % size];
            size_t look = len < 4 * want ? len : 4 * want;
            size_t at = csv_cut(&cutter, rest, look, want);
            int64_t lines;
            bool ascii, want_ascii = true;
            for (size_t b = 0; b < look; b++)
                want_ascii &= (unsigned char)rest[b] < 0x80;
            if (csv_cut_lines(&cutter, rest, look, want, &lines, &ascii) != at ||
                lines != csv_lines(rest, at) || ascii != want_ascii) {
                fprintf(stderr, "csv_cut_lines is not csv_cut and csv_lines\n");
                abort();
            }
            if (at == 0)
                at = len;   /* no cut: the rest is the last piece */
            csv_reset_mem(piece, rest, at, line, false);
            if (read_records(piece, &cut) == CSV_FATAL && at < len) {
                fprintf(stderr, "a piece cut by csv_cut ends with a fatal error\n");
                abort();
            }
            line += csv_lines(rest, at);
            rest += at;
            len -= at;
        }
        csv_close(piece);
        csv_cutter_free(&cutter);
    }
    csv_close(r);
    if (strcmp(whole.data, cut.data) != 0) {
        fprintf(stderr, "read in pieces:\n%s\nread whole:\n%s\n", cut.data, whole.data);
        abort();
    }
    buf_free(&whole);
    buf_free(&cut);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    csv_reader *r = csv_open_mem((const char *)data, size, "fuzz.csv");
    csv_record rec;
    csv_status st;
    buf out;
    buf_init(&out);
    while ((st = csv_next(r, &rec)) != CSV_EOF && st != CSV_FATAL) {
        if (st == CSV_BAD) {
            (void)csv_error(r);
            (void)csv_error_line(r);
            continue;
        }
        for (int i = 0; i < rec.nfields; i++) {
            conv_field f = field_for(i);
            check_fast_path(&f, rec.fields[i].p, rec.fields[i].len);
            sla_value v;
            char err[300];
            if (conv_cell(&f, rec.fields[i].p, rec.fields[i].len, &v, err, sizeof err))
                continue;
            buf_reset(&out);
            fmt_value(&out, f.type, &v, f.zone, NULL);
            check_reads_back(&f, &v);
        }
    }
    if (st == CSV_FATAL)
        (void)csv_error(r);
    (void)csv_offset(r);
    buf_free(&out);
    csv_close(r);
    check_cuts((const char *)data, size);
    return 0;
}
