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
 * back as the same value: output is documented to be exact.
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
    return 0;
}
