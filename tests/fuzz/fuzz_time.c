/*
 * fuzz_time.c - libFuzzer harness: time parsing, time zones and the
 * business calendar.
 *
 * The input is lines of text. The first byte picks a time zone from a
 * list of awkward ones (half-hour and 45-minute offsets, a skipped day, a
 * negative daylight-saving time, a two-hour one). The first line is a
 * time format pattern; the second line's bytes, three at a time, are
 * business hours (weekday, start, end); every other line is a time, read
 * as a CSV cell is (ISO 8601, then the pattern, in the zone) and also
 * parsed directly with both parsers. Every second time read is also a
 * holiday. Each pair of consecutive times then goes through the zone's
 * conversions and the SLA clock's business-time arithmetic (runtime/
 * clock.h: adding, hand-offs, cadences, business time between), which
 * must refuse, never overflow on, what the calendar cannot count.
 *
 * When the first byte is 0xFF, the rest is a TZif file instead, loaded
 * from a scratch $TZDIR: tz.c reads the system database, but TZDIR lets
 * anyone point it elsewhere, so its parser must survive any bytes.
 */
#include "../../common/timefmt.h"
#include "../../common/tz.h"
#include "../../runtime/calendar.h"
#include "../../runtime/clock.h"
#include "../../runtime/convert.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const zone_names[] = {
    "UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Pacific/Apia",
    "Asia/Kathmandu", "America/St_Johns", "Africa/Casablanca", "Antarctica/Troll",
};
enum { NZONES = sizeof zone_names / sizeof zone_names[0], MAX_TIMES = 16 };
static tz_zone *zones[NZONES];
static char tzdir[64];

/* The limits of runtime/clock.c, and amounts past them. */
#define MAX_BUSINESS_US (INT64_C(100) * 366 * 86400 * 1000000)
#define MAX_BUSINESS_DAYS (INT64_C(100) * 366)

static void remove_tzdir(void)
{
    rmdir(tzdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[200];
    for (int i = 0; i < NZONES; i++) {
        zones[i] = tz_load(zone_names[i], err, sizeof err);
        if (!zones[i]) {
            fprintf(stderr, "fuzz_time: %s: %s\n", zone_names[i], err);
            exit(1);
        }
    }
    snprintf(tzdir, sizeof tzdir, "/tmp/sla-fuzz-tz.XXXXXX");
    if (!mkdtemp(tzdir)) {
        perror("fuzz_time: mkdtemp");
        exit(1);
    }
    atexit(remove_tzdir);
    return 0;
}

static void fuzz_tzif(const uint8_t *data, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/Fuzz", tzdir);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(data, 1, size, f);
    fclose(f);
    setenv("TZDIR", tzdir, 1);
    char err[200];
    tz_zone *z = tz_load("Fuzz", err, sizeof err);
    unsetenv("TZDIR");
    unlink(path);
    if (!z)
        return;
    static const int64_t probes[] = {INT64_MIN / 2, -2208988800, -1, 0, 1700000000, 4102444800,
                                     INT64_C(253402300799), INT64_MAX / 2};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        int64_t t = probes[i], at;
        (void)tz_offset_at(z, t);
        (void)tz_local_to_utc(z, t);
        (void)tz_next_transition(z, t, &at);
    }
    (void)tz_local_day(z, INT64_C(1793631600) * 1000000);
    tz_free(z);
}

/* Business hours from bytes: each interval sorted in, overlaps merged.
 * The first byte's weekday is its value mod 7, and the rest of it (mod 6)
 * moves the end by minutes, so that intervals of one minute occur. */
static void add_hours(sla_calendar *c, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i + 3 <= n; i += 3) {
        int d = b[i] % 7;
        int s = b[i + 1] * 6 > 1440 ? 1440 : b[i + 1] * 6;
        int e = b[i + 2] * 6 + b[i] / 7 % 6 > 1440 ? 1440 : b[i + 2] * 6 + b[i] / 7 % 6;
        if (s >= e || c->nhours[d] >= CAL_MAX_INTERVALS)
            continue;
        int k = c->nhours[d];
        while (k > 0 && c->hours[d][k - 1].start > s) {
            c->hours[d][k] = c->hours[d][k - 1];
            k--;
        }
        c->hours[d][k] = (cal_interval){s, e};
        c->nhours[d]++;
        int w = 0;   /* merge */
        for (int j = 1; j < c->nhours[d]; j++) {
            if (c->hours[d][j].start <= c->hours[d][w].end) {
                if (c->hours[d][j].end > c->hours[d][w].end)
                    c->hours[d][w].end = c->hours[d][j].end;
            } else
                c->hours[d][++w] = c->hours[d][j];
        }
        c->nhours[d] = w + 1;
    }
}

static int cmp_day(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The calendar as the VM reaches it: through the SLA clock (clock.h),
 * which refuses what the calendar cannot count; a time far from the
 * ones read is made from each too. */
static void calendar_ops(const sla_calendar *c, int64_t a, int64_t b, uint8_t salt)
{
    int64_t far;
    if (__builtin_mul_overflow((int64_t)(int8_t)salt, INT64_C(1) << 56, &far) ||
        __builtin_add_overflow(a, far, &far))
        far = a;
    const int64_t gap = b > a ? b - a : a - b;
    const sla_value amounts[] = {
        {.i = gap}, {.i = (int64_t)salt * 15 * 60 * 1000000}, {.i = salt % 40, .len = 1},
        {.i = salt % 8 == 0 ? MAX_BUSINESS_DAYS : salt, .len = 1}, {.i = MAX_BUSINESS_US},
    };
    enum { NAMOUNTS = sizeof amounts / sizeof amounts[0] };
    for (size_t k = 0; k < NAMOUNTS; k++) {
        (void)clk_add(c, a, &amounts[k], 1);
        (void)clk_add(c, far, &amounts[k], 1);
    }
    /* One window each: their elapsed time is the same for all (and what
     * costs most, when a and b are millennia apart). */
    const sla_value unset = {.null = 1}, stage = {.i = 0};
    sla_value in[5] = {{.i = a}, {.i = b}, unset, amounts[salt % NAMOUNTS], stage}, out[3];
    const sla_handoff h = {0, -1};
    clk_handoff(&h, c, b, in, out);
    const sla_cadence cad = {0, -1};
    sla_value cin[6] = {{.i = a}, {.i = salt % 5}, {.i = 1 + salt % 7}, unset,
                        amounts[(salt + 1) % NAMOUNTS], stage};
    clk_cadence(&cad, c, b, cin, out);
    (void)clk_between(c, a, far);
    (void)cal_is_open(c, a);
    (void)cal_next_open(c, a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] == 0xFF) {
        fuzz_tzif(data + 1, size - 1);
        return 0;
    }
    const tz_zone *zone = zones[data[0] % NZONES];
    const char *s = (const char *)data + 1, *end = (const char *)data + size;

    /* line 1: a time format */
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    size_t plen = (size_t)((nl ? nl : end) - s);
    char *pattern = strndup(s, plen);
    timefmt fmt;
    size_t at;
    bool has_fmt = timefmt_compile(pattern, &fmt, &at) == NULL;
    s = nl ? nl + 1 : end;

    /* line 2: business hours */
    sla_calendar cal;
    memset(&cal, 0, sizeof cal);
    cal.zone = zone;
    nl = memchr(s, '\n', (size_t)(end - s));
    add_hours(&cal, (const uint8_t *)s, (size_t)((nl ? nl : end) - s));
    s = nl ? nl + 1 : end;

    /* the rest: times */
    const conv_field f = {.type = VT_TIME, .optional = true, .formats = &fmt,
                          .nformats = has_fmt, .zone = zone};
    int64_t times[MAX_TIMES];
    uint8_t salts[MAX_TIMES];
    int ntimes = 0;
    cal.holidays = malloc(MAX_TIMES * sizeof *cal.holidays);
    while (s < end && ntimes < MAX_TIMES) {
        nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = (size_t)((nl ? nl : end) - s);
        civil_time ct;
        if (!timefmt_parse_iso(s, n, &ct) && civil_valid_date(ct.year, ct.month, ct.day)) {
            int64_t d = civil_to_days(ct.year, ct.month, ct.day);
            int y, m, dd;
            civil_from_days(d, &y, &m, &dd);
            if (y != ct.year || m != ct.month || dd != ct.day)
                abort();
            (void)civil_weekday(d);
        }
        if (has_fmt)
            (void)timefmt_parse(&fmt, s, n, &ct);
        sla_value v;
        char err[300];
        if (!conv_cell(&f, s, n, &v, err, sizeof err) && !v.null) {
            salts[ntimes] = n ? (uint8_t)s[n - 1] : 0;
            times[ntimes] = v.i;
            if (ntimes % 2 == 1)
                cal.holidays[cal.nholidays++] = tz_local_day(zone, v.i);
            ntimes++;
        }
        s = nl ? nl + 1 : end;
    }
    qsort(cal.holidays, (size_t)cal.nholidays, sizeof *cal.holidays, cmp_day);
    int w = 0;   /* unique */
    for (int i = 0; i < cal.nholidays; i++)
        if (!w || cal.holidays[w - 1] != cal.holidays[i])
            cal.holidays[w++] = cal.holidays[i];
    cal.nholidays = w;

    for (int i = 0; i < ntimes; i++) {
        int64_t t = times[i] / 1000000, next;
        (void)tz_offset_at(zone, t);
        (void)tz_next_transition(zone, t, &next);
        (void)tz_local_to_utc(zone, t);
    }
    if (cal_prepare(&cal))
        for (int i = 0; i < ntimes; i++)
            calendar_ops(&cal, times[i], times[(i + 1) % ntimes], salts[i]);
    cal_free(&cal);
    free(pattern);
    return 0;
}
