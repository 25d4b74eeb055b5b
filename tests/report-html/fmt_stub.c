/*
 * fmt_stub.c - TEST ONLY: stand-ins for report.c's shared formatting
 * helpers and status names, so the HTML renderer can be built and looked
 * at before runtime/report.c exists. Drop this file from the harness's
 * compile line once report.c is in libsla.a; nothing else depends on it.
 */
#include "../../runtime/report.h"
#include "../../common/timefmt.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

const char *const report_status_names[ST__COUNT] = {
    [ST_MET] = "met", [ST_MISSED] = "missed", [ST_ON_TRACK] = "on track",
    [ST_AT_RISK] = "at risk", [ST_NO_DATA] = "no data",
};

/* 1234567 -> "1,234,567" */
static void grouped(buf *b, int64_t n)
{
    char d[32];
    snprintf(d, sizeof d, "%" PRIu64, (uint64_t)(n < 0 ? -n : n));
    if (n < 0)
        buf_putc(b, '-');
    int len = 0;
    while (d[len])
        len++;
    for (int k = 0; k < len; k++) {
        if (k > 0 && (len - k) % 3 == 0)
            buf_putc(b, ',');
        buf_putc(b, d[k]);
    }
}

void report_fmt_value(buf *b, const report_value *v, bool percent)
{
    if (!v->set)
        buf_puts(b, "n/a");
    else if (v->is_money) {
        buf_putc(b, '$');
        grouped(b, v->i / 10000);
        buf_printf(b, ".%02d", (int)(llabs(v->i) % 10000 / 100));
    } else if (v->is_number)
        buf_printf(b, percent ? "%.1f%%" : "%.2f", v->f);
    else
        grouped(b, v->i);
}

static void civil(buf *b, const report *r, int64_t t, bool time)
{
    int64_t s = t / 1000000;
    s += tz_offset_at(r->zone, s);
    int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    buf_printf(b, "%04d-%02d-%02d", y, m, d);
    if (time) {
        int64_t sec = s - days * 86400;
        buf_printf(b, " %02d:%02d", (int)(sec / 3600), (int)(sec / 60 % 60));
    }
}

void report_fmt_date(buf *b, const report *r, int64_t t) { civil(b, r, t, false); }
void report_fmt_time(buf *b, const report *r, int64_t t) { civil(b, r, t, true); }

void report_fmt_duration(buf *b, int64_t us)
{
    int64_t m = us / 60000000;
    if (m >= 1440)
        buf_printf(b, "%" PRId64 "d %" PRId64 "h", m / 1440, m / 60 % 24);
    else if (m >= 60)
        buf_printf(b, "%" PRId64 "h %" PRId64 "m", m / 60, m % 60);
    else
        buf_printf(b, "%" PRId64 "m", m);
}
