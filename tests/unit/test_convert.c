/*
 * test_convert.c - reading CSV cells into values and writing values out.
 *
 * Every rule of runtime/convert.c is checked with exact values and exact
 * messages, on cells copied from the real exports in the shared data
 * folder (Salesforce API dumps and report exports, HubSpot-style dates) as
 * well as made-up edges. Expected instants come from the C library's
 * timegm, not from the code under test, and local times are checked
 * across New York's daylight-saving changes of 2026.
 *
 * The last test is the contract between the two directions: for random
 * values of every type (fixed seed, so a failure repeats), the text
 * fmt_value writes reads back with conv_cell to the same value.
 */
#include "support.h"

#include "../../runtime/convert.h"

#include <float.h>
#include <math.h>
#include <time.h>

/* Loaded once for the whole group (tz_load is the real thing). */
static tz_zone *utc, *new_york, *london, *kolkata, *kathmandu, *berlin;

static int load_zones(void **state)
{
    (void)state;
    char err[200];
    struct {
        tz_zone **z;
        const char *name;
    } want[] = {
        {&utc, "UTC"}, {&new_york, "America/New_York"}, {&london, "Europe/London"},
        {&kolkata, "Asia/Kolkata"}, {&kathmandu, "Asia/Kathmandu"}, {&berlin, "Europe/Berlin"},
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        *want[k].z = tz_load(want[k].name, err, sizeof err);
        if (!*want[k].z) {
            print_error("cannot load %s: %s\n", want[k].name, err);
            return -1;
        }
    }
    return 0;
}

static int free_zones(void **state)
{
    (void)state;
    tz_zone **all[] = {&utc, &new_york, &london, &kolkata, &kathmandu, &berlin};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
        if (*all[k])
            tz_free(*all[k]);
        *all[k] = NULL;
    }
    return 0;
}

/* ---- helpers ------------------------------------------------------------------ */

static conv_field field(vtype t, bool optional)
{
    conv_field f = {.type = t, .optional = optional, .zone = utc};
    return f;
}

/* Microseconds of a UTC wall-clock time, by the C library. */
static int64_t utc_us(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                    .tm_hour = h, .tm_min = mi, .tm_sec = s};
    return (int64_t)timegm(&tm) * US_PER_SEC;
}

#define read_ok(f, cell) read_ok_at((f), (cell), strlen(cell), __FILE__, __LINE__)

static sla_value read_ok_at(const conv_field *f, const char *cell, size_t len, const char *file,
                            int line)
{
    char err[300];
    sla_value v;
    memset(&v, 0xAB, sizeof v);
    const char *why = conv_cell(f, cell, len, &v, err, sizeof err);
    if (why) {
        print_error("conv_cell(\"%.*s\") failed: %s\n", (int)len, cell, why);
        _fail(file, line);
    }
    if (v.null) {
        print_error("conv_cell(\"%.*s\") is unset\n", (int)len, cell);
        _fail(file, line);
    }
    return v;
}

#define int_reads(f, cell, want) check_i64_at(read_ok((f), (cell)).i, (want), cell, __FILE__, __LINE__)

/* conv_cell fails with exactly this message, and leaves the value unset. */
#define read_fails(f, cell, msg) read_fails_at((f), (cell), strlen(cell), (msg), __FILE__, __LINE__)

static void read_fails_at(const conv_field *f, const char *cell, size_t len, const char *msg,
                          const char *file, int line)
{
    char err[300];
    sla_value v;
    memset(&v, 0xAB, sizeof v);
    const char *why = conv_cell(f, cell, len, &v, err, sizeof err);
    if (!why) {
        print_error("conv_cell(\"%.*s\") succeeded, want \"%s\"\n", (int)len, cell, msg);
        _fail(file, line);
    }
    if (why != err || strcmp(why, msg) != 0) {
        print_error("conv_cell(\"%.*s\") says\n  \"%s\"\nwant\n  \"%s\"\n", (int)len, cell, why,
                    msg);
        _fail(file, line);
    }
    if (!v.null) {
        print_error("conv_cell(\"%.*s\") failed but set a value\n", (int)len, cell);
        _fail(file, line);
    }
}

#define reads_unset(f, cell) reads_unset_at((f), (cell), __FILE__, __LINE__)

static void reads_unset_at(const conv_field *f, const char *cell, const char *file, int line)
{
    char err[300];
    sla_value v;
    memset(&v, 0xAB, sizeof v);
    const char *why = conv_cell(f, cell, strlen(cell), &v, err, sizeof err);
    if (why || !v.null) {
        print_error("conv_cell(\"%s\") = %s, want unset\n", cell, why ? why : "a value");
        _fail(file, line);
    }
}

#define reads_number(f, cell, want) reads_number_at((f), (cell), (want), __FILE__, __LINE__)

static void reads_number_at(const conv_field *f, const char *cell, double want, const char *file,
                            int line)
{
    double got = read_ok_at(f, cell, strlen(cell), file, line).f;
    if (memcmp(&got, &want, sizeof got) != 0) {
        print_error("conv_cell(\"%s\") = %.17g, want %.17g\n", cell, got, want);
        _fail(file, line);
    }
}

#define reads_text(f, cell, want) reads_text_at((f), (cell), (want), __FILE__, __LINE__)

static void reads_text_at(const conv_field *f, const char *cell, const char *want,
                          const char *file, int line)
{
    sla_value v = read_ok_at(f, cell, strlen(cell), file, line);
    if (v.len != strlen(want) || memcmp(v.s, want, v.len) != 0) {
        print_error("conv_cell(\"%s\") = \"%.*s\", want \"%s\"\n", cell, (int)v.len, v.s, want);
        _fail(file, line);
    }
}

/* fmt_value writes exactly want. */
#define writes(t, v, zone, names, want) writes_at((t), (v), (zone), (names), (want), __FILE__, __LINE__)

static void writes_at(vtype t, sla_value v, const tz_zone *zone, const char *const *names,
                      const char *want, const char *file, int line)
{
    buf b;
    buf_init(&b);
    buf_puts(&b, "<");   /* fmt_value appends */
    fmt_value(&b, t, &v, zone, names);
    bool ok = strcmp(b.data + 1, want) == 0 && b.data[0] == '<';
    if (!ok)
        print_error("fmt_value wrote \"%s\", want \"%s\"\n", b.data + 1, want);
    buf_free(&b);
    if (!ok)
        _fail(file, line);
}

static sla_value I(int64_t i)
{
    sla_value v = {.i = i};
    return v;
}

static sla_value F(double f)
{
    sla_value v = {.f = f};
    return v;
}

static sla_value T(const char *s)
{
    sla_value v = {.s = s, .len = (uint32_t)strlen(s)};
    return v;
}

static sla_value UNSET(void)
{
    sla_value v = {.null = 1};
    return v;
}

/* ---- missing and empty cells ------------------------------------------------------- */

static const char *const null_words[] = {"Select", "NA", "N/A", "NULL"};

static void empty_and_missing_cells(void **state)
{
    (void)state;
    for (int t = VT_INT; t <= VT_DURATION; t++) {
        conv_field f = field((vtype)t, true);
        f.missing = null_words;
        f.nmissing = 4;
        reads_unset(&f, "");
        reads_unset(&f, "   ");
        reads_unset(&f, " \t ");
        reads_unset(&f, "NULL");
        reads_unset(&f, "null");
        reads_unset(&f, "Null");
        reads_unset(&f, "n/a");
        reads_unset(&f, "  N/A\t");
        reads_unset(&f, "select");
    }

    /* a missing word is the whole cell, not a part of it */
    conv_field text = field(VT_TEXT, true);
    text.missing = null_words;
    text.nmissing = 4;
    reads_text(&text, "N/A!", "N/A!");
    reads_text(&text, "NAN", "NAN");
    reads_text(&text, "Selected", "Selected");
    reads_text(&text, "N / A", "N / A");

    /* a non-optional text field reads an empty cell as "" */
    text.optional = false;
    sla_value v = read_ok(&text, "");
    assert_int_equal(v.len, 0);
    v = read_ok(&text, "  ");
    assert_int_equal(v.len, 0);
    v = read_ok(&text, "NULL");
    assert_int_equal(v.len, 0);

    /* any other non-optional field refuses it */
    conv_field f = field(VT_INT, false);
    f.missing = null_words;
    f.nmissing = 4;
    read_fails(&f, "", "`int` is required but the cell is empty (write `int?` if the column may be empty)");
    read_fails(&f, "  ", "`int` is required but the cell is empty (write `int?` if the column may be empty)");
    read_fails(&f, " n/a ",
               "`int` is required but the cell is empty (`n/a` counts as empty; write `int?` if the column may be empty)");
    f.type = VT_TIME;
    read_fails(&f, "Select",
               "`time` is required but the cell is empty (`Select` counts as empty; write `time?` if the column may be empty)");
    f.type = VT_BOOL;
    read_fails(&f, "", "`bool` is required but the cell is empty (write `bool?` if the column may be empty)");

    /* a field's own word can be anything, even a number */
    static const char *const unknown[] = {"unknown", "0"};
    f = field(VT_INT, true);
    f.missing = unknown;
    f.nmissing = 2;
    reads_unset(&f, "UNKNOWN");
    reads_unset(&f, "0");
    int_reads(&f, "00", 0);
}

/* ---- int ------------------------------------------------------------------------------ */

static void int_cells(void **state)
{
    (void)state;
    conv_field f = field(VT_INT, false);
    int_reads(&f, "42", 42);
    int_reads(&f, "-7", -7);
    int_reads(&f, "+42", 42);
    int_reads(&f, "0", 0);
    int_reads(&f, "-0", 0);
    int_reads(&f, "007", 7);
    int_reads(&f, "  130 ", 130);          /* NumberofLocations__c, padded */
    int_reads(&f, "\t42\t", 42);
    int_reads(&f, "900750000", 900750000); /* AnnualRevenue in the demo export */
    int_reads(&f, "9223372036854775807", INT64_MAX);
    int_reads(&f, "-9223372036854775808", INT64_MIN);

    read_fails(&f, "1.0", "`1.0` is not a whole number: it has a decimal point");
    read_fails(&f, "-2.5", "`-2.5` is not a whole number: it has a decimal point");
    read_fails(&f, "1e3", "`1e3` is not a whole number: it is written with an exponent");
    read_fails(&f, "1,000", "`1,000` is not a whole number: thousands separators are not allowed (write 1000, not 1,000)");
    read_fails(&f, "abc", "`abc` is not a whole number: expected digits with an optional sign, such as 42 or -7");
    read_fails(&f, "12abc", "`12abc` is not a whole number: expected digits with an optional sign, such as 42 or -7");
    read_fails(&f, "--1", "`--1` is not a whole number: expected digits with an optional sign, such as 42 or -7");
    read_fails(&f, "1 2", "`1 2` is not a whole number: expected digits with an optional sign, such as 42 or -7");
    read_fails(&f, "-", "`-` is not a whole number: expected digits with an optional sign, such as 42 or -7");
    read_fails(&f, "0x10", "`0x10` is not a whole number: expected digits with an optional sign, such as 42 or -7");
    read_fails(&f, "9223372036854775808",
               "`9223372036854775808` is too large for a whole number (the limit is 9223372036854775807)");
    read_fails(&f, "-9223372036854775809",
               "`-9223372036854775809` is too small for a whole number (the limit is -9223372036854775808)");
    read_fails(&f, " 99999999999999999999999 ",
               "`99999999999999999999999` is too large for a whole number (the limit is 9223372036854775807)");
}

/* ---- number ---------------------------------------------------------------------------- */

static void number_cells(void **state)
{
    (void)state;
    conv_field f = field(VT_NUMBER, false);
    reads_number(&f, "3.25", 3.25);
    reads_number(&f, "-0.5", -0.5);
    reads_number(&f, "12", 12.0);
    reads_number(&f, "+2.5", 2.5);
    reads_number(&f, " 0.1 ", 0.1);
    reads_number(&f, "1e3", 1000.0);
    reads_number(&f, "1E-3", 0.001);
    reads_number(&f, "2.5e+2", 250.0);
    reads_number(&f, ".5", 0.5);
    reads_number(&f, "5.", 5.0);
    reads_number(&f, "-0", 0.0);           /* -0 reads as 0 */
    reads_number(&f, "-0.0e5", 0.0);
    reads_number(&f, "0.30000000000000004", 0.30000000000000004);
    /* exactly rounded: halfway between two doubles goes to the even one */
    reads_number(&f, "9007199254740993", 9007199254740992.0);
    reads_number(&f, "9007199254740995", 9007199254740996.0);
    reads_number(&f, "1.7976931348623157e308", DBL_MAX);
    reads_number(&f, "2.2250738585072014e-308", DBL_MIN);
    reads_number(&f, "4.9406564584124654e-324", 4.9406564584124654e-324);
    reads_number(&f, "1e-400", 0.0);       /* below the smallest double */

    read_fails(&f, "NaN", "`NaN` is not a number: only finite numbers are allowed");
    read_fails(&f, "-nan", "`-nan` is not a number: only finite numbers are allowed");
    read_fails(&f, "inf", "`inf` is not a number: only finite numbers are allowed");
    read_fails(&f, "-Infinity", "`-Infinity` is not a number: only finite numbers are allowed");
    read_fails(&f, "1,5", "`1,5` is not a number: commas are not allowed: write decimals with a point and no thousands separators (1234.5)");
    read_fails(&f, "1,234.5", "`1,234.5` is not a number: commas are not allowed: write decimals with a point and no thousands separators (1234.5)");
    read_fails(&f, "0x1p3", "`0x1p3` is not a number: expected a decimal number such as 3.25, -0.5 or 1e3");
    read_fails(&f, ".", "`.` is not a number: expected a decimal number such as 3.25, -0.5 or 1e3");
    read_fails(&f, "1e", "`1e` is not a number: expected a decimal number such as 3.25, -0.5 or 1e3");
    read_fails(&f, "e5", "`e5` is not a number: expected a decimal number such as 3.25, -0.5 or 1e3");
    read_fails(&f, "1.2.3", "`1.2.3` is not a number: expected a decimal number such as 3.25, -0.5 or 1e3");
    read_fails(&f, "$5", "`$5` is not a number: expected a decimal number such as 3.25, -0.5 or 1e3");
    read_fails(&f, "50%", "`50%` is not a number: expected a decimal number such as 3.25, -0.5 or 1e3");
    read_fails(&f, "1e309", "`1e309` is too large for a number (the limit is about 1.8e308)");
    read_fails(&f, "-1.8e308", "`-1.8e308` is too large for a number (the limit is about 1.8e308)");

    /* a long cell: 400 characters read, 401 do not */
    char digits[402];
    memset(digits, '1', 401);
    digits[0] = '0';
    digits[1] = '.';
    digits[400] = '\0';
    assert_true(fabs(read_ok(&f, digits).f - 0.111111111111111) < 1e-15);
    digits[400] = '1';
    digits[401] = '\0';
    read_fails(&f, digits, "`0.1111111111111111111111111111111111111111111111111111111111...` is not a "
                           "number: it is too long (more than 400 characters)");
}

/* ---- money ----------------------------------------------------------------------------- */

static void money_cells(void **state)
{
    (void)state;
    conv_field f = field(VT_MONEY, false);
    int_reads(&f, "1234.50", 12345000);
    int_reads(&f, "1234.5", 12345000);
    int_reads(&f, "1,234.50", 12345000);
    int_reads(&f, "$1,234.50", 12345000);
    int_reads(&f, "$1234.50", 12345000);
    int_reads(&f, "250000", 2500000000);
    int_reads(&f, "15000", 150000000);     /* Opportunity.Amount in the demo export */
    int_reads(&f, "$250,000", 2500000000);
    int_reads(&f, "-5", -50000);
    int_reads(&f, "-$5", -50000);
    int_reads(&f, "$-5", -50000);
    int_reads(&f, "+$5", 50000);
    int_reads(&f, "$+5", 50000);
    int_reads(&f, "\xE2\x82\xAC" "12.5", 125000);      /* € */
    int_reads(&f, "-\xC2\xA3" "0.0001", -1);           /* -£ */
    int_reads(&f, "  $49.99\t", 499900);
    int_reads(&f, "0.1234", 1234);
    int_reads(&f, "922337203685477.5807", INT64_MAX);
    int_reads(&f, "-$922,337,203,685,477.5807", -INT64_MAX);

    read_fails(&f, "1.23456", "`1.23456` is not an amount of money: it has more than 4 decimals (money is exact to 0.0001 and is never rounded)");
    read_fails(&f, "$0.00001", "`$0.00001` is not an amount of money: it has more than 4 decimals (money is exact to 0.0001 and is never rounded)");
    read_fails(&f, "922337203685477.5808", "`922337203685477.5808` is too large for an amount of money (the limit is 922337203685477.5807)");
    read_fails(&f, "12,34", "`12,34` is not an amount of money: commas may only group thousands by threes, before the decimal point (1,234.50)");
    read_fails(&f, "1.234,50", "`1.234,50` is not an amount of money: commas may only group thousands by threes, before the decimal point (1,234.50)");
    read_fails(&f, "1e3", "`1e3` is not an amount of money: an exponent is not allowed in an amount of money");
    read_fails(&f, "$$5", "`$$5` is not an amount of money: expected an amount such as 1234.50, -5 or $1,234.50");
    read_fails(&f, "-$-5", "`-$-5` is not an amount of money: expected an amount such as 1234.50, -5 or $1,234.50");
    read_fails(&f, "--5", "`--5` is not an amount of money: expected an amount such as 1234.50, -5 or $1,234.50");
    read_fails(&f, "$ 5", "`$ 5` is not an amount of money: expected an amount such as 1234.50, -5 or $1,234.50");
    read_fails(&f, "5$", "`5$` is not an amount of money: expected an amount such as 1234.50, -5 or $1,234.50");
    read_fails(&f, "USD 5", "`USD 5` is not an amount of money: expected an amount such as 1234.50, -5 or $1,234.50");
    read_fails(&f, "$", "`$` is not an amount of money: expected an amount such as 1234.50, -5 or $1,234.50");
    read_fails(&f, "(5.00)", "`(5.00)` is not an amount of money: expected an amount such as 1234.50, -5 or $1,234.50");
    read_fails(&f, "5.", "`5.` is not an amount of money: expected an amount such as 1234.50, -5 or $1,234.50");
}

/* ---- bool ------------------------------------------------------------------------------ */

static void bool_cells(void **state)
{
    (void)state;
    conv_field f = field(VT_BOOL, true);
    static const char *const yes[] = {"true", "TRUE", "True", "yes", "Yes", "YES", "y", "Y",
                                      "1", "t", "T", " TRUE "};
    static const char *const no[] = {"false", "FALSE", "False", "no", "No", "NO", "n", "N",
                                     "0", "f", "F", "\tfalse"};
    for (size_t k = 0; k < sizeof yes / sizeof yes[0]; k++)
        int_reads(&f, yes[k], 1);
    for (size_t k = 0; k < sizeof no / sizeof no[0]; k++)
        int_reads(&f, no[k], 0);
    /* Salesforce API dumps write booleans as `1` or nothing */
    reads_unset(&f, "");

    static const char *const bad[] = {"maybe", "2", "-1", "tru", "yess", "on", "off", "01", "1.0"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char want[200];
        snprintf(want, sizeof want,
                 "`%s` is not true or false: expected true/false, yes/no, y/n, t/f or 1/0 (in any case)",
                 bad[k]);
        read_fails(&f, bad[k], want);
    }
}

/* ---- text ------------------------------------------------------------------------------ */

static void text_cells(void **state)
{
    (void)state;
    conv_field f = field(VT_TEXT, false);
    const char *cell = "Farmers Coop. of Florida";
    sla_value v = read_ok(&f, cell);
    assert_ptr_equal(v.s, cell);                 /* no copy */
    assert_int_equal(v.len, strlen(cell));
    reads_text(&f, " Acme, Inc. ", " Acme, Inc. ");   /* as written, spaces kept */
    reads_text(&f, "Z\xC3\xBCrich", "Z\xC3\xBCrich");
    reads_text(&f, "\xE2\x82\xAC \xF0\x9F\x98\x80", "\xE2\x82\xAC \xF0\x9F\x98\x80");
    reads_text(&f, "{\"city\":\"East Kellyburgh\",\"geocodeAccuracy\":null}",
               "{\"city\":\"East Kellyburgh\",\"geocodeAccuracy\":null}");
    reads_text(&f, "line one\nline two", "line one\nline two");

    /* only part of a buffer is the cell */
    v = read_ok_at(&f, "abcdef", 3, __FILE__, __LINE__);
    assert_int_equal(v.len, 3);

    read_fails(&f, "caf\xE9", "the cell is not valid UTF-8 text: byte 4 is 0xE9 (save the export as UTF-8)");
    read_fails(&f, "\xC0\xAF", "the cell is not valid UTF-8 text: byte 1 is 0xC0 (save the export as UTF-8)");
    read_fails(&f, "a\xED\xA0\x80", "the cell is not valid UTF-8 text: byte 2 is 0xED (save the export as UTF-8)");
    read_fails(&f, "\xF4\x90\x80\x80", "the cell is not valid UTF-8 text: byte 1 is 0xF4 (save the export as UTF-8)");
    read_fails(&f, "\xF0\x82\x82\xAC", "the cell is not valid UTF-8 text: byte 1 is 0xF0 (save the export as UTF-8)");
    read_fails(&f, "ab\xE2\x82", "the cell is not valid UTF-8 text: byte 3 is 0xE2 (save the export as UTF-8)");
    read_fails(&f, "\xBF", "the cell is not valid UTF-8 text: byte 1 is 0xBF (save the export as UTF-8)");
    read_fails(&f, "\xFF\xFE", "the cell is not valid UTF-8 text: byte 1 is 0xFF (save the export as UTF-8)");
    /* past the ASCII read eight bytes at a time */
    read_fails(&f, "0123456789abcdef\xC3\xA9x\xE9", "the cell is not valid UTF-8 text: byte 20 is 0xE9 (save the export as UTF-8)");
    read_fails(&f, "0123456789abcde\xFF", "the cell is not valid UTF-8 text: byte 16 is 0xFF (save the export as UTF-8)");
    reads_text(&f, "0123456789abcdef\xC3\xA9xyz0123456789", "0123456789abcdef\xC3\xA9xyz0123456789");

    f.optional = true;
    reads_unset(&f, "");
}

/* ---- time ------------------------------------------------------------------------------ */

#define time_reads(f, cell, want) check_i64_at(read_ok((f), (cell)).i, (want), cell, __FILE__, __LINE__)

static void time_iso_cells(void **state)
{
    (void)state;
    conv_field f = field(VT_TIME, false);
    /* Salesforce API dumps: CreatedDate, LastActivityDate */
    time_reads(&f, "2024-01-22T20:36:47.000+0000", utc_us(2024, 1, 22, 20, 36, 47));
    time_reads(&f, "2023-03-29", utc_us(2023, 3, 29, 0, 0, 0));
    /* HubSpot exports: date and time with a space */
    time_reads(&f, "2023-10-14 09:32", utc_us(2023, 10, 14, 9, 32, 0));
    time_reads(&f, "2026-11-01T09:30", utc_us(2026, 11, 1, 9, 30, 0));
    time_reads(&f, "2026-11-01T09:30:00Z", utc_us(2026, 11, 1, 9, 30, 0));
    time_reads(&f, "2026-11-01t09:30:00z", utc_us(2026, 11, 1, 9, 30, 0));
    time_reads(&f, "2026-11-01T09:30:00+02:00", utc_us(2026, 11, 1, 7, 30, 0));
    time_reads(&f, "2026-11-01T09:30:00+0200", utc_us(2026, 11, 1, 7, 30, 0));
    time_reads(&f, "2026-11-01T09:30:00+02", utc_us(2026, 11, 1, 7, 30, 0));
    time_reads(&f, "2026-11-01T09:30:00-05:30", utc_us(2026, 11, 1, 15, 0, 0));
    time_reads(&f, "2026-01-01T00:30+01:00", utc_us(2025, 12, 31, 23, 30, 0));
    time_reads(&f, "  2026-11-01T09:30:00Z ", utc_us(2026, 11, 1, 9, 30, 0));
    /* fractions: to the microsecond, further digits dropped */
    time_reads(&f, "2026-11-01T09:30:00.5Z", utc_us(2026, 11, 1, 9, 30, 0) + 500000);
    time_reads(&f, "2026-11-01T09:30:00.123456Z", utc_us(2026, 11, 1, 9, 30, 0) + 123456);
    time_reads(&f, "2026-11-01T09:30:00.1234569Z", utc_us(2026, 11, 1, 9, 30, 0) + 123456);
    time_reads(&f, "2026-11-01T09:30:00,25Z", utc_us(2026, 11, 1, 9, 30, 0) + 250000);
    time_reads(&f, "1969-12-31T23:59:59.999999Z", -1);
    time_reads(&f, "0001-01-01", utc_us(1, 1, 1, 0, 0, 0));
    time_reads(&f, "9999-12-31T23:59:59.999999Z", utc_us(9999, 12, 31, 23, 59, 59) + 999999);
    time_reads(&f, "2024-02-29", utc_us(2024, 2, 29, 0, 0, 0));

    /* a NULL zone reads as UTC */
    f.zone = NULL;
    time_reads(&f, "2026-02-24 02:18", utc_us(2026, 2, 24, 2, 18, 0));
}

/* The export's plain form, YYYY-MM-DD hh:mm:ss, has a fast reader of its
 * own: it must read every such cell, valid or not, as the ISO 8601 reader
 * does (the instant by the C library's timegm in UTC and in no zone, by
 * the zone's rules in New York), and refuse the same ones. */
static void plain_times_match_iso(void **state)
{
    (void)state;
    static const char *const years[] = {"0000", "0001", "1969", "2000", "2023", "2024", "2100", "9999", "20a6"};
    static const char *const months[] = {"00", "01", "02", "11", "12", "13", "1x"};
    static const char *const days[] = {"00", "01", "28", "29", "30", "31", "32", "3 "};
    static const char *const hours[] = {"00", "23", "24", "-1"};
    static const char *const minutes[] = {"00", "59", "60"};
    static const char *const seconds[] = {"00", "59", "60"};
    static const char seps[] = {' ', 'T', 't', 'x'};
    const tz_zone *zones[] = {utc, NULL, new_york};
#define N(a) (sizeof(a) / sizeof((a)[0]))
    for (size_t y = 0; y < N(years); y++)
    for (size_t mo = 0; mo < N(months); mo++)
    for (size_t d = 0; d < N(days); d++)
    for (size_t h = 0; h < N(hours); h++)
    for (size_t mi = 0; mi < N(minutes); mi++)
    for (size_t sec = 0; sec < N(seconds); sec++)
    for (size_t sp = 0; sp < N(seps); sp++) {
        char cell[32];
        snprintf(cell, sizeof cell, "%s-%s-%s%c%s:%s:%s", years[y], months[mo], days[d], seps[sp],
                 hours[h], minutes[mi], seconds[sec]);
        assert_int_equal(strlen(cell), 19);
        civil_time t;
        const char *why = timefmt_parse_iso(cell, 19, &t);
        for (size_t z = 0; z < N(zones); z++) {
            conv_field f = field(VT_TIME, false);
            f.zone = zones[z];
            char err[300];
            sla_value v;
            const char *bad = conv_cell(&f, cell, 19, &v, err, sizeof err);
            if (why || bad) {
                if (!why != !bad)
                    print_error("%s: ISO reader says %s, conv_cell %s\n", cell, why ? why : "ok",
                                bad ? bad : "ok");
                assert_true(!why == !bad);
                continue;
            }
            int64_t want = utc_us(t.year, t.month, t.day, t.hour, t.minute, t.second);
            if (zones[z] == new_york) {
                int64_t local = civil_to_days(t.year, t.month, t.day) * 86400 + t.hour * 3600 +
                                t.minute * 60 + t.second;
                want = tz_local_to_utc(new_york, local) * US_PER_SEC;
            }
            if (v.i != want)
                print_error("%s in zone %zu: %lld, not %lld\n", cell, z, (long long)v.i,
                            (long long)want);
            assert_true(v.i == want);
        }
    }
#undef N
}

static void time_local_cells(void **state)
{
    (void)state;
    conv_field f = field(VT_TIME, false);
    f.zone = new_york;
    time_reads(&f, "2026-02-24 02:18", utc_us(2026, 2, 24, 7, 18, 0));
    time_reads(&f, "2026-07-01T09:00:00", utc_us(2026, 7, 1, 13, 0, 0));
    time_reads(&f, "2026-07-01", utc_us(2026, 7, 1, 4, 0, 0));   /* midnight local */
    time_reads(&f, "2026-01-01", utc_us(2026, 1, 1, 5, 0, 0));
    /* an offset wins over the zone */
    time_reads(&f, "2024-01-22T20:36:47.000+0000", utc_us(2024, 1, 22, 20, 36, 47));
    time_reads(&f, "2026-07-01T09:00:00Z", utc_us(2026, 7, 1, 9, 0, 0));

    f.zone = kolkata;
    time_reads(&f, "2026-07-01 09:00", utc_us(2026, 7, 1, 3, 30, 0));
    f.zone = kathmandu;
    time_reads(&f, "2026-07-01 09:00", utc_us(2026, 7, 1, 3, 15, 0));
    f.zone = london;
    time_reads(&f, "2026-01-15 09:00", utc_us(2026, 1, 15, 9, 0, 0));
    time_reads(&f, "2026-07-15 09:00", utc_us(2026, 7, 15, 8, 0, 0));
}

static void time_dst_new_york(void **state)
{
    (void)state;
    conv_field f = field(VT_TIME, false);
    f.zone = new_york;
    /* spring forward, 2026-03-08: 02:00 EST becomes 03:00 EDT */
    time_reads(&f, "2026-03-08 01:59:59", utc_us(2026, 3, 8, 6, 59, 59));
    time_reads(&f, "2026-03-08 02:30", utc_us(2026, 3, 8, 7, 30, 0));   /* does not occur: EST */
    time_reads(&f, "2026-03-08 02:00", utc_us(2026, 3, 8, 7, 0, 0));
    time_reads(&f, "2026-03-08 03:00", utc_us(2026, 3, 8, 7, 0, 0));
    time_reads(&f, "2026-03-08 03:30", utc_us(2026, 3, 8, 7, 30, 0));
    time_reads(&f, "2026-03-08", utc_us(2026, 3, 8, 5, 0, 0));
    time_reads(&f, "2026-03-09", utc_us(2026, 3, 9, 4, 0, 0));
    /* fall back, 2026-11-01: 02:00 EDT becomes 01:00 EST */
    time_reads(&f, "2026-11-01 00:59:59", utc_us(2026, 11, 1, 4, 59, 59));
    time_reads(&f, "2026-11-01 01:30", utc_us(2026, 11, 1, 5, 30, 0));   /* twice: the first */
    time_reads(&f, "2026-11-01 01:30-04:00", utc_us(2026, 11, 1, 5, 30, 0));
    time_reads(&f, "2026-11-01 01:30-05:00", utc_us(2026, 11, 1, 6, 30, 0));
    time_reads(&f, "2026-11-01 02:00", utc_us(2026, 11, 1, 7, 0, 0));
    time_reads(&f, "2026-11-01", utc_us(2026, 11, 1, 4, 0, 0));
    time_reads(&f, "2026-11-02", utc_us(2026, 11, 2, 5, 0, 0));

    /* and back out: the offset in force at the instant */
    writes(VT_TIME, I(utc_us(2026, 3, 8, 6, 59, 59)), new_york, NULL, "2026-03-08T01:59:59-05:00");
    writes(VT_TIME, I(utc_us(2026, 3, 8, 7, 0, 0)), new_york, NULL, "2026-03-08T03:00:00-04:00");
    writes(VT_TIME, I(utc_us(2026, 3, 8, 7, 30, 0)), new_york, NULL, "2026-03-08T03:30:00-04:00");
    writes(VT_TIME, I(utc_us(2026, 11, 1, 5, 30, 0)), new_york, NULL, "2026-11-01T01:30:00-04:00");
    writes(VT_TIME, I(utc_us(2026, 11, 1, 6, 30, 0)), new_york, NULL, "2026-11-01T01:30:00-05:00");
    writes(VT_TIME, I(utc_us(2026, 11, 2, 14, 30, 0)), new_york, NULL, "2026-11-02T09:30:00-05:00");
}

static const char *const sf_report_names[] = {"MM/DD/YY hh:mm AM", "MM/DD/YY"};

static void time_format_cells(void **state)
{
    (void)state;
    timefmt fmts[2];
    size_t at;
    for (int k = 0; k < 2; k++)
        assert_null(timefmt_compile(sf_report_names[k], &fmts[k], &at));
    conv_field f = field(VT_TIME, true);
    f.zone = new_york;
    f.formats = fmts;
    f.nformats = 2;
    f.format_names = sf_report_names;
    /* Salesforce report export (re-saved by Excel): LastModifiedDate, ConvertedDate */
    time_reads(&f, "02/24/26 02:18 AM", utc_us(2026, 2, 24, 7, 18, 0));
    time_reads(&f, "02/23/26 08:55 PM", utc_us(2026, 2, 24, 1, 55, 0));
    time_reads(&f, "02/24/26 12:05 AM", utc_us(2026, 2, 24, 5, 5, 0));
    time_reads(&f, "02/24/26 12:05 PM", utc_us(2026, 2, 24, 17, 5, 0));
    time_reads(&f, "02/24/26 02:18 pm", utc_us(2026, 2, 24, 19, 18, 0));
    time_reads(&f, "02/24/26", utc_us(2026, 2, 24, 5, 0, 0));
    time_reads(&f, "02/03/24", utc_us(2024, 2, 3, 5, 0, 0));     /* Opportunity.CloseDate */
    time_reads(&f, "07/04/99", utc_us(1999, 7, 4, 4, 0, 0));
    /* in DST's gap and overlap, through a format too */
    time_reads(&f, "03/08/26 02:30 AM", utc_us(2026, 3, 8, 7, 30, 0));
    time_reads(&f, "11/01/26 01:30 AM", utc_us(2026, 11, 1, 5, 30, 0));
    /* ISO 8601 is still read, and first */
    time_reads(&f, "2026-02-24T02:18:00", utc_us(2026, 2, 24, 7, 18, 0));
    reads_unset(&f, "");

    /* the first format that matches wins */
    static const char *const dm_names[] = {"M/D/YY", "D/M/YYYY"};
    timefmt dm[2];
    for (int k = 0; k < 2; k++)
        assert_null(timefmt_compile(dm_names[k], &dm[k], &at));
    conv_field g = field(VT_TIME, false);
    g.formats = dm;
    g.nformats = 2;
    g.format_names = dm_names;
    time_reads(&g, "3/4/26", utc_us(2026, 3, 4, 0, 0, 0));
    time_reads(&g, "3/4/2026", utc_us(2026, 4, 3, 0, 0, 0));
    time_reads(&g, "13/4/2026", utc_us(2026, 4, 13, 0, 0, 0));

    /* HubSpot, US; German Excel in Berlin */
    static const char *const hs_names[] = {"MM/DD/YYYY hh:mm AM", "DD.MM.YYYY HH:mm"};
    timefmt hs[2];
    for (int k = 0; k < 2; k++)
        assert_null(timefmt_compile(hs_names[k], &hs[k], &at));
    conv_field h = field(VT_TIME, false);
    h.formats = hs;
    h.nformats = 2;
    h.format_names = hs_names;
    h.zone = berlin;
    time_reads(&h, "10/14/2026 09:32 AM", utc_us(2026, 10, 14, 7, 32, 0));
    time_reads(&h, "14.10.2026 09:32", utc_us(2026, 10, 14, 7, 32, 0));
    time_reads(&h, "14.12.2026 09:32", utc_us(2026, 12, 14, 8, 32, 0));
}

static void time_errors(void **state)
{
    (void)state;
    timefmt fmts[2];
    size_t at;
    for (int k = 0; k < 2; k++)
        assert_null(timefmt_compile(sf_report_names[k], &fmts[k], &at));
    conv_field f = field(VT_TIME, false);
    f.zone = new_york;
    f.formats = fmts;
    f.nformats = 1;
    f.format_names = sf_report_names;
    read_fails(&f, "02/24/26 2:18 AM",
               "`02/24/26 2:18 AM` is not a time: expected ISO 8601 (2026-02-24 or 2026-02-24T02:18:00) or one of: MM/DD/YY hh:mm AM");
    f.nformats = 2;
    read_fails(&f, "yesterday",
               "`yesterday` is not a time: expected ISO 8601 (2026-02-24 or 2026-02-24T02:18:00) or one of: MM/DD/YY hh:mm AM, MM/DD/YY");
    read_fails(&f, "2/24/26",
               "`2/24/26` is not a time: expected ISO 8601 (2026-02-24 or 2026-02-24T02:18:00) or one of: MM/DD/YY hh:mm AM, MM/DD/YY");
    /* the right shape with a part out of range says which */
    read_fails(&f, "02/30/26", "`02/30/26` is not a time: that day does not exist in that month (read as MM/DD/YY)");
    read_fails(&f, "13/01/26", "`13/01/26` is not a time: the month must be between 1 and 12 (read as MM/DD/YY)");
    read_fails(&f, "02/24/26 13:18 PM",
               "`02/24/26 13:18 PM` is not a time: a 12-hour clock runs from 1 to 12 (read as MM/DD/YY hh:mm AM)");
    read_fails(&f, "2026-02-30", "`2026-02-30` is not a time: that day does not exist in that month");
    read_fails(&f, "2025-02-29", "`2025-02-29` is not a time: that day does not exist in that month");
    read_fails(&f, "2026-13-01", "`2026-13-01` is not a time: the month must be between 1 and 12");
    read_fails(&f, "2026-02-24T24:00", "`2026-02-24T24:00` is not a time: the hour must be between 0 and 23");
    read_fails(&f, "2026-02-24T10:60", "`2026-02-24T10:60` is not a time: the minute must be between 0 and 59");
    read_fails(&f, "2026-02-24T10:00:60Z", "`2026-02-24T10:00:60Z` is not a time: the second must be between 0 and 59");
    read_fails(&f, "2026-02-24T10:00+24:00", "`2026-02-24T10:00+24:00` is not a time: the UTC offset is out of range");
    read_fails(&f, "0000-01-01", "`0000-01-01` is not a time: the year must be 0001 or later");
    read_fails(&f, "2026-02-24T2:18",
               "`2026-02-24T2:18` is not a time: expected ISO 8601 (2026-02-24 or 2026-02-24T02:18:00) or one of: MM/DD/YY hh:mm AM, MM/DD/YY");
    read_fails(&f, "2026-02-24X",
               "`2026-02-24X` is not a time: expected ISO 8601 (2026-02-24 or 2026-02-24T02:18:00) or one of: MM/DD/YY hh:mm AM, MM/DD/YY");

    /* without formats, or with formats that have no names */
    conv_field g = field(VT_TIME, false);
    read_fails(&g, "02/24/26", "`02/24/26` is not a time: expected ISO 8601 (2026-02-24 or 2026-02-24T02:18:00)");
    g.formats = fmts;
    g.nformats = 2;
    read_fails(&g, "Feb 24",
               "`Feb 24` is not a time: expected ISO 8601 (2026-02-24 or 2026-02-24T02:18:00) or one of the 2 time formats of the policy");
    read_fails(&g, "02/30/26", "`02/30/26` is not a time: that day does not exist in that month");

    /* the cell is quoted safely: control bytes and bad UTF-8 escaped, long cells cut */
    read_fails(&g, "a\x01\xE9", "`a\\x01\\xE9` is not a time: expected ISO 8601 (2026-02-24 or 2026-02-24T02:18:00) or one of the 2 time formats of the policy");
    read_fails(&g, "\xC3\xA9t\xC3\xA9",
               "`\xC3\xA9t\xC3\xA9` is not a time: expected ISO 8601 (2026-02-24 or 2026-02-24T02:18:00) or one of the 2 time formats of the policy");
    char long_cell[200];
    memset(long_cell, 'x', 199);
    long_cell[199] = '\0';
    read_fails(&g, long_cell,
               "`xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...` is not a time: expected ISO 8601 (2026-02-24 or 2026-02-24T02:18:00) or one of the 2 time formats of the policy");
}

/* ---- duration --------------------------------------------------------------------------- */

#define H (3600 * US_PER_SEC)
#define MIN (60 * US_PER_SEC)
#define S US_PER_SEC

static void duration_cells(void **state)
{
    (void)state;
    conv_field f = field(VT_DURATION, false);
    int_reads(&f, "36:15:00", 36 * H + 15 * MIN);
    int_reads(&f, "0:30", 30 * MIN);
    int_reads(&f, "1:30", 90 * MIN);
    int_reads(&f, "01:02:03", H + 2 * MIN + 3 * S);
    int_reads(&f, "0:00:01.5", S + S / 2);
    int_reads(&f, "0:00:00.000001", 1);
    int_reads(&f, "0:00:00.0000019", 1);   /* below a microsecond: dropped */
    int_reads(&f, "100000:00:00", 100000 * H);
    int_reads(&f, "-4:00:00", -4 * H);
    int_reads(&f, "-0:00:00", 0);
    int_reads(&f, " 1:00 ", H);
    int_reads(&f, "PT4H30M", 4 * H + 30 * MIN);
    int_reads(&f, "P1DT2H", 26 * H);
    int_reads(&f, "P1D", 24 * H);
    int_reads(&f, "P2W", 14 * 24 * H);
    int_reads(&f, "P1W1D", 8 * 24 * H);
    int_reads(&f, "PT36H", 36 * H);
    int_reads(&f, "PT90S", 90 * S);
    int_reads(&f, "PT1.5H", 90 * MIN);
    int_reads(&f, "PT0,5M", 30 * S);
    int_reads(&f, "P0.5D", 12 * H);
    int_reads(&f, "PT0.000001S", 1);
    int_reads(&f, "PT1.123456789S", S + 123456);
    int_reads(&f, "PT0.1234567891234H", 444444440);  /* 0.123456789 h, truncated */
    int_reads(&f, "-PT15M", -15 * MIN);
    int_reads(&f, "pt4h30m", 4 * H + 30 * MIN);
    int_reads(&f, "P1DT0H0M0S", 24 * H);
    int_reads(&f, "2562047788:00:54.775807", INT64_MAX);
    int_reads(&f, "-2562047788:00:54.775808", INT64_MIN);
    int_reads(&f, "PT9223372036854.775807S", INT64_MAX);

    static const char expected[] =
        "expected hours, minutes and seconds as H:MM:SS (36:15:00) or H:MM, or an ISO 8601 duration such as PT4H30M";
    static const char *const bad[] = {"1:5", "1:005", "1", "1:00:5", "1:00:00.", ":30", "1h",
                                      "4 hours", "+1:00", "--1:00", "1:00:00Z", "P", "PT",
                                      "P1DT", "PT1H2H", "PT1M1H", "P1D2W", "PT1.5H30M",
                                      "P1.5DT1H", "PT1", "PTH", "P1H", "PT1D", "P-1D", "PTT1H",
                                      "1:00:00.5.5", "-"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char want[300];
        snprintf(want, sizeof want, "`%s` is not a duration: %s", bad[k], expected);
        read_fails(&f, bad[k], want);
    }
    read_fails(&f, "1:60", "`1:60` is not a duration: the minutes must be between 00 and 59");
    read_fails(&f, "1:00:60", "`1:00:60` is not a duration: the seconds must be between 00 and 59");
    read_fails(&f, "P1M", "`P1M` is not a duration: years and months have no fixed length: write days, as in P30D");
    read_fails(&f, "P1Y2D", "`P1Y2D` is not a duration: years and months have no fixed length: write days, as in P30D");
    read_fails(&f, "2562047788:00:54.775808",
               "`2562047788:00:54.775808` is too large for a duration (the limit is about 2562047788 hours)");
    read_fails(&f, "-2562047788:00:54.775809",
               "`-2562047788:00:54.775809` is too large for a duration (the limit is about 2562047788 hours)");
    read_fails(&f, "99999999999999999999999:00",
               "`99999999999999999999999:00` is too large for a duration (the limit is about 2562047788 hours)");
    read_fails(&f, "P15250285W",
               "`P15250285W` is too large for a duration (the limit is about 2562047788 hours)");
}

/* ---- fmt_value --------------------------------------------------------------------------- */

static void write_plain_values(void **state)
{
    (void)state;
    writes(VT_INT, I(0), NULL, NULL, "0");
    writes(VT_INT, I(42), NULL, NULL, "42");
    writes(VT_INT, I(-7), NULL, NULL, "-7");
    writes(VT_INT, I(INT64_MAX), NULL, NULL, "9223372036854775807");
    writes(VT_INT, I(INT64_MIN), NULL, NULL, "-9223372036854775808");

    writes(VT_NUMBER, F(0.1), NULL, NULL, "0.1");
    writes(VT_NUMBER, F(3.25), NULL, NULL, "3.25");
    writes(VT_NUMBER, F(-0.5), NULL, NULL, "-0.5");
    writes(VT_NUMBER, F(100), NULL, NULL, "100");
    writes(VT_NUMBER, F(0.1 + 0.2), NULL, NULL, "0.30000000000000004");
    writes(VT_NUMBER, F(1.0 / 3), NULL, NULL, "0.3333333333333333");
    writes(VT_NUMBER, F(2.0 / 3), NULL, NULL, "0.6666666666666666");
    writes(VT_NUMBER, F(1e21), NULL, NULL, "1e+21");
    writes(VT_NUMBER, F(1.5e-7), NULL, NULL, "1.5e-07");
    writes(VT_NUMBER, F(123456789012345678.0), NULL, NULL, "1.2345678901234568e+17");
    writes(VT_NUMBER, F(DBL_MAX), NULL, NULL, "1.7976931348623157e+308");
    writes(VT_NUMBER, F(5e-324), NULL, NULL, "5e-324");
    writes(VT_NUMBER, F(0.0), NULL, NULL, "0");
    writes(VT_NUMBER, F(-0.0), NULL, NULL, "0");
    writes(VT_NUMBER, F(NAN), NULL, NULL, "");
    writes(VT_NUMBER, F(INFINITY), NULL, NULL, "");
    writes(VT_NUMBER, F(-INFINITY), NULL, NULL, "");

    writes(VT_MONEY, I(12345000), NULL, NULL, "1234.50");
    writes(VT_MONEY, I(1234), NULL, NULL, "0.1234");
    writes(VT_MONEY, I(-50000), NULL, NULL, "-5.00");
    writes(VT_MONEY, I(0), NULL, NULL, "0.00");
    writes(VT_MONEY, I(1), NULL, NULL, "0.0001");
    writes(VT_MONEY, I(-5000), NULL, NULL, "-0.50");
    writes(VT_MONEY, I(12030), NULL, NULL, "1.203");
    writes(VT_MONEY, I(12300), NULL, NULL, "1.23");
    writes(VT_MONEY, I(2500000000), NULL, NULL, "250000.00");
    writes(VT_MONEY, I(INT64_MAX), NULL, NULL, "922337203685477.5807");
    writes(VT_MONEY, I(INT64_MIN), NULL, NULL, "-922337203685477.5808");

    writes(VT_BOOL, I(1), NULL, NULL, "true");
    writes(VT_BOOL, I(0), NULL, NULL, "false");

    writes(VT_TEXT, T("Acme, Inc. \"West\""), NULL, NULL, "Acme, Inc. \"West\"");
    writes(VT_TEXT, T(""), NULL, NULL, "");
    sla_value part = {.s = "abcdef", .len = 3};    /* not NUL-terminated at len */
    writes(VT_TEXT, part, NULL, NULL, "abc");

    writes(VT_DURATION, I(0), NULL, NULL, "0:00:00");
    writes(VT_DURATION, I(36 * H + 15 * MIN), NULL, NULL, "36:15:00");
    writes(VT_DURATION, I(-90 * S), NULL, NULL, "-0:01:30");
    writes(VT_DURATION, I(S + S / 2), NULL, NULL, "0:00:01.5");
    writes(VT_DURATION, I(1), NULL, NULL, "0:00:00.000001");
    writes(VT_DURATION, I(-(4 * H + 120)), NULL, NULL, "-4:00:00.00012");
    writes(VT_DURATION, I(1000 * H), NULL, NULL, "1000:00:00");
    writes(VT_DURATION, I(INT64_MAX), NULL, NULL, "2562047788:00:54.775807");
    writes(VT_DURATION, I(INT64_MIN), NULL, NULL, "-2562047788:00:54.775808");
    writes(VT_BDURATION, I(4 * H), NULL, NULL, "4:00:00");
    sla_value days = {.i = 2, .len = 1};    /* whole business days */
    writes(VT_BDURATION, days, NULL, NULL, "2 business days");
    days.i = 1;
    writes(VT_BDURATION, days, NULL, NULL, "1 business day");
    days.i = -1;
    writes(VT_BDURATION, days, NULL, NULL, "-1 business day");
    days.i = 0;
    writes(VT_BDURATION, days, NULL, NULL, "0 business days");

    static const char *const stages[] = {"new", "working", "qualified"};
    writes(VT_STAGE, I(0), NULL, stages, "new");
    writes(VT_STAGE, I(2), NULL, stages, "qualified");
    writes(VT_CLASS, I(1), NULL, stages, "working");

    writes(VT_HANDOFF, I(HS_MET), NULL, NULL, "met");
    writes(VT_HANDOFF, I(HS_BREACHED), NULL, NULL, "breached");
    writes(VT_HANDOFF, I(HS_PENDING), NULL, NULL, "pending");
    writes(VT_CADENCE, I(CS_ON_TRACK), NULL, NULL, "on track");
    writes(VT_CADENCE, I(CS_BEHIND), NULL, NULL, "behind");
    writes(VT_CADENCE, I(CS_COMPLETE), NULL, NULL, "complete");
    writes(VT_CADENCE, I(CS_OVERDUE), NULL, NULL, "overdue");

    /* unset: nothing, except statuses */
    for (int t = 0; t < VT__COUNT; t++)
        writes((vtype)t, UNSET(), utc, stages,
               t == VT_HANDOFF || t == VT_CADENCE ? "n/a" : "");
}

static void write_times(void **state)
{
    (void)state;
    int64_t t = utc_us(2026, 2, 24, 7, 18, 0);
    writes(VT_TIME, I(t), utc, NULL, "2026-02-24T07:18:00Z");
    writes(VT_TIME, I(t), NULL, NULL, "2026-02-24T07:18:00Z");
    writes(VT_TIME, I(t), new_york, NULL, "2026-02-24T02:18:00-05:00");
    writes(VT_TIME, I(t), london, NULL, "2026-02-24T07:18:00+00:00");   /* zero, but not UTC */
    writes(VT_TIME, I(t), berlin, NULL, "2026-02-24T08:18:00+01:00");
    writes(VT_TIME, I(t), kolkata, NULL, "2026-02-24T12:48:00+05:30");
    writes(VT_TIME, I(t), kathmandu, NULL, "2026-02-24T13:03:00+05:45");
    int64_t summer = utc_us(2026, 7, 1, 13, 0, 0);
    writes(VT_TIME, I(summer), new_york, NULL, "2026-07-01T09:00:00-04:00");
    writes(VT_TIME, I(summer), london, NULL, "2026-07-01T14:00:00+01:00");
    /* fractions: microseconds, trailing zeros dropped */
    writes(VT_TIME, I(t + 500000), utc, NULL, "2026-02-24T07:18:00.5Z");
    writes(VT_TIME, I(t + 1), utc, NULL, "2026-02-24T07:18:00.000001Z");
    writes(VT_TIME, I(t + 123450), new_york, NULL, "2026-02-24T02:18:00.12345-05:00");
    /* before 1970, and the ends of the readable range */
    writes(VT_TIME, I(-1), utc, NULL, "1969-12-31T23:59:59.999999Z");
    writes(VT_TIME, I(-1), new_york, NULL, "1969-12-31T18:59:59.999999-05:00");
    writes(VT_TIME, I(utc_us(1, 1, 1, 0, 0, 0)), utc, NULL, "0001-01-01T00:00:00Z");
    writes(VT_TIME, I(utc_us(9999, 12, 31, 23, 59, 59)), utc, NULL, "9999-12-31T23:59:59Z");
    writes(VT_TIME, I(utc_us(10000, 1, 1, 0, 0, 0)), utc, NULL, "+10000-01-01T00:00:00Z");
    /* New York's local mean time, -4:56:02 until 1883: whole minutes only */
    writes(VT_TIME, I(utc_us(1800, 1, 1, 12, 0, 0)), new_york, NULL, "1800-01-01T07:04:00-04:56");
}

/* The C library reads the same time zone database: its local time and
 * offset for an instant are an oracle for what fmt_value writes. */
static void write_times_match_libc(void **state)
{
    (void)state;
    const struct {
        tz_zone **z;
        const char *name;
    } zones[] = {{&new_york, "America/New_York"}, {&london, "Europe/London"},
                 {&kathmandu, "Asia/Kathmandu"}, {&berlin, "Europe/Berlin"}};
    char *old_tz = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
    uint64_t r = 1;
    for (size_t k = 0; k < sizeof zones / sizeof zones[0]; k++) {
        char env[64];
        snprintf(env, sizeof env, ":%s", zones[k].name);
        for (int i = 0; i < 3000; i++) {
            r = r * 6364136223846793005u + 1442695040888963407u;
            /* 1900 to 2100, whole seconds */
            int64_t sec = -2208988800 + (int64_t)((r >> 11) % UINT64_C(6311433600));
            setenv("TZ", env, 1);
            tzset();
            time_t tt = (time_t)sec;
            struct tm tm;
            localtime_r(&tt, &tm);
            if (tm.tm_gmtoff % 60)
                continue;   /* local mean time: see write_times */
            char want[64], z[8];
            strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%S", &tm);
            strftime(z, sizeof z, "%z", &tm);
            size_t n = strlen(want);
            snprintf(want + n, sizeof want - n, "%.3s:%.2s", z, z + 3);
            writes(VT_TIME, I(sec * US_PER_SEC), *zones[k].z, NULL, want);
        }
    }
    if (old_tz)
        setenv("TZ", old_tz, 1);
    else
        unsetenv("TZ");
    tzset();
    free(old_tz);
}

/* ---- the round trip ------------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rnd(void)   /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* A random int64, often near a small number or an edge. */
static int64_t rnd_i64(void)
{
    uint64_t r = rnd();
    switch (r % 4) {
    case 0: return (int64_t)rnd();
    case 1: return (int64_t)(rnd() % 2000001) - 1000000;
    case 2: return (int64_t)(rnd() >> (rnd() % 64)) * (rnd() & 1 ? 1 : -1);
    default: return (r >> 8) & 1 ? INT64_MAX - (int64_t)(rnd() % 3) : INT64_MIN + (int64_t)(rnd() % 3);
    }
}

static void round_trip_at(const conv_field *f, sla_value v, const tz_zone *zone, const char *file,
                          int line)
{
    buf b;
    buf_init(&b);
    fmt_value(&b, f->type, &v, zone, NULL);
    char err[300];
    sla_value back;
    const char *why = conv_cell(f, b.data, b.len, &back, err, sizeof err);
    bool same = !why && !back.null;
    if (same && f->type == VT_NUMBER)
        same = back.f == v.f;
    else if (same && f->type == VT_TEXT)
        same = back.len == v.len && memcmp(back.s, v.s, v.len) == 0;
    else if (same)
        same = back.i == v.i;
    if (!same)
        print_error("type %d value %" PRId64 " (%.17g) wrote \"%s\" which reads back %s%" PRId64 "\n",
                    (int)f->type, v.i, f->type == VT_NUMBER ? v.f : 0.0, b.data,
                    why ? why : "as ", why ? 0 : back.i);
    buf_free(&b);
    if (!same)
        _fail(file, line);
}

#define round_trip(f, v, zone) round_trip_at((f), (v), (zone), __FILE__, __LINE__)

enum { ROUNDS = 20000 };

static void round_trip_every_type(void **state)
{
    (void)state;
    rng_state = 20260224;
    conv_field f;

    f = field(VT_INT, false);
    for (int k = 0; k < ROUNDS; k++)
        round_trip(&f, I(rnd_i64()), NULL);

    f = field(VT_NUMBER, false);
    for (int k = 0; k < ROUNDS; k++) {
        double d;
        do {
            uint64_t bits = rnd();
            if (k % 2)
                d = (double)rnd_i64() / (double)(rnd() % 100000 + 1);
            else
                memcpy(&d, &bits, sizeof d);
        } while (!isfinite(d));
        round_trip(&f, F(d), NULL);
    }

    /* money: every amount but INT64_MIN, which has no positive twin for
     * num_parse_money to read before the sign is applied */
    f = field(VT_MONEY, false);
    for (int k = 0; k < ROUNDS; k++) {
        int64_t m = rnd_i64();
        round_trip(&f, I(m == INT64_MIN ? m + 1 : m), NULL);
    }

    f = field(VT_BOOL, false);
    round_trip(&f, I(0), NULL);
    round_trip(&f, I(1), NULL);

    /* text: any valid UTF-8 not blank at both ends (a blank cell is empty) */
    f = field(VT_TEXT, false);
    char text[64];
    for (int k = 0; k < ROUNDS; k++) {
        size_t n = 0, want = rnd() % 20 + 1;
        while (n < want) {
            uint32_t cp;
            switch (rnd() % 4) {
            case 0: cp = (uint32_t)(rnd() % 0x5F + 0x20); break;
            case 1: cp = (uint32_t)(rnd() % (0x800 - 0x80) + 0x80); break;
            case 2: cp = (uint32_t)(rnd() % (0x10000 - 0x800) + 0x800); break;
            default: cp = (uint32_t)(rnd() % (0x110000 - 0x10000) + 0x10000); break;
            }
            if (cp >= 0xD800 && cp <= 0xDFFF)
                continue;
            if (cp < 0x80)
                text[n++] = (char)cp;
            else if (cp < 0x800) {
                text[n++] = (char)(0xC0 | cp >> 6);
                text[n++] = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                text[n++] = (char)(0xE0 | cp >> 12);
                text[n++] = (char)(0x80 | (cp >> 6 & 0x3F));
                text[n++] = (char)(0x80 | (cp & 0x3F));
            } else {
                text[n++] = (char)(0xF0 | cp >> 18);
                text[n++] = (char)(0x80 | (cp >> 12 & 0x3F));
                text[n++] = (char)(0x80 | (cp >> 6 & 0x3F));
                text[n++] = (char)(0x80 | (cp & 0x3F));
            }
        }
        if (text[0] == ' ')
            text[0] = 'x';
        sla_value v = {.s = text, .len = (uint32_t)n};
        round_trip(&f, v, NULL);
    }

    /* times: 0001-01-01 to 9999-12-31, in zones with odd offsets and LMT */
    const tz_zone *zones[] = {utc, new_york, london, kolkata, kathmandu, berlin, NULL};
    int64_t lo = utc_us(1, 1, 1, 0, 0, 0) + 14 * H, hi = utc_us(9999, 12, 31, 0, 0, 0);
    for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
        f = field(VT_TIME, false);
        f.zone = zones[z] ? zones[z] : utc;
        for (int k = 0; k < ROUNDS / 4; k++) {
            int64_t t;
            switch (rnd() % 3) {
            case 0: t = lo + (int64_t)(rnd() % (uint64_t)(hi - lo)); break;
            case 1: t = utc_us(2026, 1, 1, 0, 0, 0) + (int64_t)(rnd() % (uint64_t)(365 * 24 * H)); break;
            default: t = (utc_us(1970, 1, 1, 0, 0, 0) + (int64_t)(rnd() % (uint64_t)(100 * 365 * 24 * H))) / S * S; break;
            }
            round_trip(&f, I(t), zones[z]);
        }
    }
    /* each half hour through New York's 2026 changes */
    f = field(VT_TIME, false);
    f.zone = new_york;
    for (int64_t t = utc_us(2026, 3, 8, 0, 0, 0); t < utc_us(2026, 3, 9, 0, 0, 0); t += 30 * MIN)
        round_trip(&f, I(t), new_york);
    for (int64_t t = utc_us(2026, 11, 1, 0, 0, 0); t < utc_us(2026, 11, 2, 0, 0, 0); t += 30 * MIN)
        round_trip(&f, I(t), new_york);

    f = field(VT_DURATION, false);
    for (int k = 0; k < ROUNDS; k++)
        round_trip(&f, I(rnd_i64()), NULL);
}

/* ---- the error buffer, and types that are never read -------------------------------- */

static void short_error_buffers(void **state)
{
    (void)state;
    conv_field f = field(VT_INT, false);
    char err[16];
    memset(err, 'Z', sizeof err);
    sla_value v;
    const char *why = conv_cell(&f, "12abc", 5, &v, err, sizeof err);
    assert_ptr_equal(why, err);
    assert_string_equal(err, "`12abc` is not ");
    assert_true(v.null);

    char one[1] = {'Z'};
    why = conv_cell(&f, "1.5", 3, &v, one, sizeof one);
    assert_ptr_equal(why, one);
    assert_int_equal(one[0], '\0');

    /* types no column can have */
    char msg[100];
    f = field(VT_STAGE, false);
    assert_string_equal(conv_cell(&f, "new", 3, &v, msg, sizeof msg), "a stage cannot be read from a cell");
    f = field(VT_BDURATION, false);
    assert_string_equal(conv_cell(&f, "1:00", 4, &v, msg, sizeof msg),
                        "a business duration cannot be read from a cell");
    assert_true(v.null);

    /* no buffer at all: still a reason */
    why = conv_cell(&f, "1.5", 3, &v, NULL, 0);
    assert_non_null(why);
    assert_true(v.null);
}

typedef struct rng {
    uint64_t s;
} rng;

static unsigned rng_below(rng *g, unsigned n)
{
    g->s ^= g->s >> 12;   /* xorshift64* */
    g->s ^= g->s << 25;
    g->s ^= g->s >> 27;
    return (unsigned)((g->s * 2685821657736338717u) >> 33) % n;
}

/* conv_plain, the fast path, reads every cell it takes exactly as the
 * whole way does: the whole way is forced by a blank in front of the
 * cell, which it trims. Crafted cells, then random ones over the bytes
 * that matter. */
static void fast_path_reads_as_the_whole_way(void **state)
{
    (void)state;
    static const vtype types[] = {VT_INT, VT_MONEY, VT_TIME, VT_BOOL};
    static const char *const cells[] = {
        "0", "7", "-7", "007", "-0", "123456789012345678", "1234567890123456789", "+5",
        "1234.56", "0.5", "-0.25", "00.5", "12.", ".5", "1.23456", "1.2345", "99999999999999.9999",
        "999999999999999", "-", "1e3", "1,234.50", "$12",
        "2026-02-24 02:18:00", "2026-02-24T02:18:00", "2026-02-30 00:00:00", "2026-2-24 02:18:00",
        "0000-01-01 00:00:00", "2026-02-24 24:00:00",
        "true", "false", "TRUE", "yes", "1", "",
    };
    char alphabet[] = "0123456789.-:T e$";
    rng g = {0x5EED};
    for (size_t t = 0; t < sizeof types / sizeof *types; t++) {
        for (int opt = 0; opt < 2; opt++) {
            conv_field f = field(types[t], opt);
            for (int i = 0; i < 20000; i++) {
                char cell[32];
                size_t n;
                if (i < (int)(sizeof cells / sizeof *cells)) {
                    n = strlen(cells[i]);
                    memcpy(cell, cells[i], n);
                } else {
                    n = rng_below(&g, 22);
                    for (size_t k = 0; k < n; k++)
                        cell[k] = alphabet[rng_below(&g, sizeof alphabet - 1)];
                }
                sla_value fast = {.i = 99}, whole = {.i = 99};
                if (!conv_plain(&f, cell, n, &fast, true))
                    continue;
                char padded[34] = " ";
                memcpy(padded + 1, cell, n);
                char msg[200];
                const char *why = conv_cell(&f, padded, n + 1, &whole, msg, sizeof msg);
                if (why || fast.i != whole.i || fast.len != whole.len || fast.null != whole.null)
                    print_error("type %d, cell \"%.*s\": fast %lld/%u/%u, whole way %s %lld/%u/%u\n",
                                (int)types[t], (int)n, cell, (long long)fast.i, fast.len, fast.null,
                                why ? why : "ok", (long long)whole.i, whole.len, whole.null);
                assert_null(why);
                assert_true(fast.i == whole.i && fast.len == whole.len && fast.null == whole.null);
            }
        }
    }
    /* Every day of the years around the turns of centuries and of 400
     * years, and of the first years of the calendar, at two times of day. */
    static const int years[] = {1, 2, 3, 4, 5, 99, 100, 101, 399, 400, 401, 1600, 1899, 1900,
                                1969, 1970, 1999, 2000, 2024, 2026, 2100, 2400, 9999};
    conv_field tf = field(VT_TIME, false);
    for (size_t k = 0; k < sizeof years / sizeof *years; k++)
        for (int mo = 1; mo <= 12; mo++)
            for (int d = 1; d <= 31; d++) {
                char cell[40], padded[41];
                snprintf(cell, sizeof cell, "%04d-%02d-%02d %s", years[k], mo, d,
                         d % 2 ? "00:00:00" : "23:59:59");
                snprintf(padded, sizeof padded, " %s", cell);
                sla_value fast = {.i = 99}, whole = {.i = 99};
                bool took = conv_plain(&tf, cell, 19, &fast, true);
                const char *why = conv_cell(&tf, padded, 20, &whole, NULL, 0);
                if (took != (why == NULL) || (took && fast.i != whole.i))
                    print_error("%s: fast %s %lld, whole way %s %lld\n", cell,
                                took ? "took" : "left", (long long)fast.i, why ? why : "ok",
                                (long long)whole.i);
                assert_true(took == (why == NULL));
                assert_true(!took || fast.i == whole.i);
            }

    /* Text: the cell itself, or "" when empty and required; unset when
     * empty and optional. */
    conv_field f = field(VT_TEXT, false);
    sla_value v;
    assert_true(conv_plain(&f, "abc", 3, &v, true));
    assert_true(v.len == 3 && !v.null);
    assert_true(conv_plain(&f, "", 0, &v, false));
    assert_true(v.len == 0 && !v.null && strcmp(v.s, "") == 0);
    assert_false(conv_plain(&f, "\xC3(", 2, &v, false));   /* not UTF-8: the whole way says why */
    f = field(VT_TEXT, true);
    assert_true(conv_plain(&f, "", 0, &v, false));
    assert_true(v.null);
    f = field(VT_INT, false);
    assert_false(conv_plain(&f, "", 0, &v, true));           /* required: an error, said in full */
}

/* conv_row takes the cells of a row that the fast path takes, in slot
 * order, and stops at the first it does not, which the caller reads the
 * whole way and goes on after: every register ends as conv_cell sets it,
 * and the stops are exactly the cells conv_plain leaves. */
static void row_reads_as_each_cell(void **state)
{
    (void)state;
    static const char *const cells[] = {
        "42", " 42", "-7", "", "2026-02-24 02:18:00", "2026-02-24", "true", "Yes", "12.50",
        "12.5.0", "text", " text", "7", "",
    };
    static const vtype types[] = {
        VT_INT, VT_INT, VT_INT, VT_INT, VT_TIME, VT_TIME, VT_BOOL, VT_BOOL, VT_MONEY,
        VT_MONEY, VT_TEXT, VT_TEXT, VT_INT, VT_TEXT,
    };
    enum { N = sizeof cells / sizeof *cells };
    conv_field f[N];
    conv_slot slots[N];
    csv_field fields[N];
    sla_value regs[N + 3], want[N + 3];
    for (uint32_t i = 0; i < N; i++) {
        f[i] = field(types[i], i % 2 == 1);
        /* the slots read the columns backwards, into registers 3 up */
        slots[i] = conv_slot_for(&f[i], N - 1 - i, i + 3);
        fields[N - 1 - i] = (csv_field){.p = cells[i], .len = (uint32_t)strlen(cells[i])};
    }
    memset(regs, 0x5a, sizeof regs);
    memset(want, 0x5a, sizeof want);
    uint32_t stops = 0, expected_stops = 0;
    for (uint32_t k = 0; (k = conv_row(slots, k, N, fields, regs, 0)) < N; k++) {
        sla_value v;
        assert_false(conv_plain(&f[k], cells[k], strlen(cells[k]), &v, false));
        char err[200];
        if (conv_cell(&f[k], cells[k], strlen(cells[k]), &regs[k + 3], err, sizeof err))
            regs[k + 3] = (sla_value){.i = -1};   /* a bad cell: marked */
        stops++;
    }
    for (uint32_t i = 0; i < N; i++) {
        sla_value v;
        expected_stops += !conv_plain(&f[i], cells[i], strlen(cells[i]), &v, false);
        char err[200];
        if (conv_cell(&f[i], cells[i], strlen(cells[i]), &want[i + 3], err, sizeof err))
            want[i + 3] = (sla_value){.i = -1};
        assert_true(regs[i + 3].i == want[i + 3].i && regs[i + 3].len == want[i + 3].len &&
                    regs[i + 3].null == want[i + 3].null);
    }
    assert_int_equal(stops, expected_stops);
    assert_true(stops >= 5);   /* " 42", "2026-02-24", "Yes", "12.5.0", " text" at least */
    assert_memory_equal(regs, want, 3 * sizeof *regs);   /* registers 0..2 untouched */

    /* conv_plan_row, all kinds at once: false for this row, which has
     * cells to read the whole way; for the row of only the cells the
     * fast path takes, true with the registers conv_cell sets. */
    conv_plan plan;
    conv_plan_init(&plan, slots, N);
    assert_true(plan.whole);
    assert_false(conv_plan_row(&plan, fields, regs, 0));
    conv_plan_free(&plan);
    conv_slot fast[N];
    uint32_t nfast = 0;
    for (uint32_t i = 0; i < N; i++) {
        sla_value v;
        if (conv_plain(&f[i], cells[i], strlen(cells[i]), &v, false))
            fast[nfast++] = slots[i];
    }
    assert_true(nfast >= 8);
    conv_plan_init(&plan, fast, nfast);
    memset(regs, 0x5a, sizeof regs);
    assert_true(conv_plan_row(&plan, fields, regs, 0));
    for (uint32_t k = 0; k < nfast; k++) {
        uint32_t r = fast[k].reg;
        assert_true(regs[r].i == want[r].i && regs[r].len == want[r].len &&
                    regs[r].null == want[r].null);
    }
    conv_plan_free(&plan);
    /* a field whose cells all go the whole way (it has missing words) */
    static const char *const na[] = {"n/a"};
    conv_field fm = field(VT_INT, true);
    fm.missing = na;
    fm.nmissing = 1;
    fast[nfast++] = conv_slot_for(&fm, 0, 0);
    conv_plan_init(&plan, fast, nfast);
    assert_false(plan.whole);
    conv_plan_free(&plan);
}

/* With CONV_PADDED an int or bool cell is read a word at a time, the
 * bytes after it in that word whatever they are: every cell reads
 * exactly as without (and as conv_cell reads it): ints of every length
 * up to the word's and past it, signs, leading zeros, and a byte that is
 * not a digit at each place; bools and words that are almost them. The
 * cells sit at the start of a buffer, the bytes after them digits, commas,
 * bytes above 0x7F and the last letter of "false" in turn. */
static void cells_read_a_word_at_a_time(void **state)
{
    (void)state;
    char cells[400][24];
    int n = 0;
    const char *digits = "9081726354091827";
    for (int len = 1; len <= 12; len++) {
        snprintf(cells[n++], sizeof cells[0], "%.*s", len, digits);
        snprintf(cells[n++], sizeof cells[0], "-%.*s", len, digits);
        snprintf(cells[n++], sizeof cells[0], "%0*d", len, 7);   /* leading zeros */
        for (int at = 0; at < len; at++) {
            static const char odd[] = {'a', ' ', '/', ':', '+', '.', '\x80', '\0'};
            snprintf(cells[n], sizeof cells[0], "%.*s", len, digits);
            cells[n][at] = odd[(len + at) % (int)sizeof odd];
            n++;
        }
    }
    snprintf(cells[n++], sizeof cells[0], "99999999");
    snprintf(cells[n++], sizeof cells[0], "00000000");
    snprintf(cells[n++], sizeof cells[0], "9223372036854775807");
    snprintf(cells[n++], sizeof cells[0], "-");
    int nints = n;
    static const char *const bools[] = {
        "true", "false", "True", "FALSE", "tru", "fals", "falsy", "truee", "t", "f", "1", "0",
        "yes", "no", "falsee", "xrue", "fblse",
    };
    for (size_t k = 0; k < sizeof bools / sizeof *bools; k++)
        snprintf(cells[n++], sizeof cells[0], "%s", bools[k]);
    assert_true(n <= 400);
    for (int i = 0; i < n; i++) {
        conv_field f = field(i < nints ? VT_INT : VT_BOOL, true);
        conv_slot slot = conv_slot_for(&f, 0, 0);
        size_t len = strlen(cells[i]);
        if (len == 0)
            continue;   /* a NUL placed first: the empty cell is not the case here */
        for (int pad = 0; pad < 4; pad++) {
            char mem[64];
            memset(mem, "5,\xff" "e"[pad], sizeof mem);
            memcpy(mem, cells[i], len);
            csv_field cell = {.p = mem, .len = (uint32_t)len};
            sla_value plain, padded;
            memset(&plain, 0x5a, sizeof plain);
            memset(&padded, 0x5a, sizeof padded);
            uint32_t took_plain = conv_row(&slot, 0, 1, &cell, &plain, 0);
            uint32_t took_padded = conv_row(&slot, 0, 1, &cell, &padded, CONV_PADDED);
            if (took_plain != took_padded)
                fail_msg("`%s`: taken %u without the pad, %u with", cells[i], took_plain,
                         took_padded);
            if (took_plain == 1 && (plain.i != padded.i || plain.null != padded.null))
                fail_msg("`%s`: %lld without the pad, %lld with", cells[i], (long long)plain.i,
                         (long long)padded.i);
            sla_value whole;
            char err[200];
            bool read = conv_cell(&f, mem, len, &whole, err, sizeof err) == NULL;
            if (took_padded == 1 && !(read && whole.i == padded.i))
                fail_msg("`%s`: the fast path and conv_cell differ", cells[i]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(row_reads_as_each_cell),
        cmocka_unit_test(cells_read_a_word_at_a_time),
        cmocka_unit_test(empty_and_missing_cells),
        cmocka_unit_test(int_cells),
        cmocka_unit_test(number_cells),
        cmocka_unit_test(money_cells),
        cmocka_unit_test(bool_cells),
        cmocka_unit_test(text_cells),
        cmocka_unit_test(time_iso_cells),
        cmocka_unit_test(plain_times_match_iso),
        cmocka_unit_test(time_local_cells),
        cmocka_unit_test(time_dst_new_york),
        cmocka_unit_test(time_format_cells),
        cmocka_unit_test(time_errors),
        cmocka_unit_test(duration_cells),
        cmocka_unit_test(write_plain_values),
        cmocka_unit_test(write_times),
        cmocka_unit_test(write_times_match_libc),
        cmocka_unit_test(round_trip_every_type),
        cmocka_unit_test(short_error_buffers),
        cmocka_unit_test(fast_path_reads_as_the_whole_way),
    };
    return cmocka_run_group_tests(tests, load_zones, free_zones);
}
