/*
 * session.c - loading a program's time zones and calendar, compiling its
 * field formats: the per-run setup shared by `sla score` and the API.
 */
#include "session.h"

#include "../common/xalloc.h"

#include <stdio.h>
#include <string.h>

static int prepare_calendar(session *s, char *err, size_t errlen)
{
    const sla_program *p = s->p;
    if (!p->nhours)
        return 0;
    s->cal.zone = s->zone;
    for (uint32_t i = 0; i < p->nhours; i++) {
        const sla_hours *h = &p->hours[i];
        int d = h->weekday, k = s->cal.nhours[d];
        if (k >= CAL_MAX_INTERVALS)
            continue;
        /* keep each day's intervals sorted by start */
        while (k > 0 && s->cal.hours[d][k - 1].start > h->start) {
            s->cal.hours[d][k] = s->cal.hours[d][k - 1];
            k--;
        }
        s->cal.hours[d][k] = (cal_interval){h->start, h->end};
        s->cal.nhours[d]++;
    }
    s->cal.nholidays = (int)p->nholidays;
    s->cal.holidays = xmalloc((p->nholidays + 1) * sizeof *s->cal.holidays);
    memcpy(s->cal.holidays, p->holidays, p->nholidays * sizeof *p->holidays);
    s->has_cal = true;
    if (!cal_prepare(&s->cal)) {
        snprintf(err, errlen, "the policy's business hours give no working time");
        return -1;
    }
    return 0;
}

int session_open(session *s, const sla_program *p, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->p = p;
    char why[200];
    s->zone = tz_load(p->zone, why, sizeof why);
    if (!s->zone) {
        snprintf(err, errlen, "the policy's time zone \"%s\": %s", p->zone, why);
        return -1;
    }
    size_t n = p->nfields ? p->nfields : 1;
    s->conv = xcalloc(n, sizeof *s->conv);
    s->formats = xcalloc(n, sizeof *s->formats);
    s->zones = xcalloc(n, sizeof *s->zones);
    for (uint32_t i = 0; i < p->nfields; i++) {
        const sla_field *f = &p->fields[i];
        conv_field *c = &s->conv[i];
        c->type = f->type;
        c->optional = f->optional;
        c->missing = (const char *const *)f->missing;
        c->nmissing = (int)f->nmissing;
        s->formats[i] = xcalloc(f->nformats + 1, sizeof **s->formats);
        for (uint32_t k = 0; k < f->nformats; k++) {
            size_t at;
            if (timefmt_compile(f->formats[k], &s->formats[i][k], &at)) {
                snprintf(err, errlen, "field `%s`: time format \"%s\" is not valid", f->name,
                         f->formats[k]);
                return -1;
            }
        }
        c->formats = s->formats[i];
        c->format_names = (const char *const *)f->formats;
        c->nformats = (int)f->nformats;
        c->zone = s->zone;
        if (f->zone) {
            s->zones[i] = tz_load(f->zone, why, sizeof why);
            if (!s->zones[i]) {
                snprintf(err, errlen, "field `%s`: time zone \"%s\": %s", f->name, f->zone, why);
                return -1;
            }
            c->zone = s->zones[i];
        }
    }
    return prepare_calendar(s, err, errlen);
}

void session_close(session *s)
{
    const sla_program *p = s->p;
    for (uint32_t i = 0; p && i < p->nfields; i++) {
        if (s->formats)
            free(s->formats[i]);
        if (s->zones)
            tz_free(s->zones[i]);
    }
    free(s->formats);
    free(s->zones);
    free(s->conv);
    if (s->has_cal)
        cal_free(&s->cal);
    tz_free(s->zone);
    memset(s, 0, sizeof *s);
}

const sla_calendar *session_calendar(const session *s)
{
    return s->has_cal ? &s->cal : NULL;
}
