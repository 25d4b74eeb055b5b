/*
 * tz.c - time zones from the system database (RFC 8536 TZif files).
 *
 * A zone is its list of transitions (the 64-bit data of version 2 and 3
 * files; the 32-bit data of version 1) and the POSIX TZ rule of the file's
 * footer, which gives the transitions after the last one listed, so that
 * instants decades ahead convert as exactly as today's. Before the first
 * transition the zone's first time type applies.
 *
 * A zone name becomes a path under the database directory, so it is
 * checked first: only the characters IANA names use, no `..`, no leading
 * `/`. Every count in a file is checked against its size before use.
 */
#include "tz.h"

#include "timefmt.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A POSIX TZ rule date: Jn (1-365, no leap day), n (0-365) or Mm.w.d. */
typedef struct rule_date {
    char kind;            /* 'J', 'n' or 'M' */
    int a, b, c;          /* day; or month, week, weekday */
    int32_t time;         /* seconds after local midnight (may be < 0 or > 24h) */
} rule_date;

typedef struct posix_rule {
    bool present;
    bool has_dst;
    int32_t std_off, dst_off;     /* seconds east of UTC */
    rule_date start, end;
} posix_rule;

struct tz_zone {
    char name[256];
    int64_t *trans;       /* transition instants, ascending */
    int32_t *trans_off;   /* the offset in force from each transition */
    int ntrans;
    int32_t initial_off;  /* before the first transition */
    posix_rule rule;
};

const char *tz_dir(void)
{
    const char *d = getenv("TZDIR");
    return d && *d ? d : "/usr/share/zoneinfo";
}

static bool is_utc(const char *name)
{
    return strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0;
}

static const char *bad_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 200 || name[0] == '/' || strstr(name, ".."))
        return "this is not a time zone name";
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '_' || c == '-' || c == '+'))
            return "this is not a time zone name";
    }
    return NULL;
}

const char *tz_check_name(const char *name)
{
    char err[160];
    tz_zone *z = tz_load(name, err, sizeof err);
    if (!z)
        return bad_name(name) ? bad_name(name) : "no such time zone in the time zone database";
    tz_free(z);
    return NULL;
}

/* ---- the POSIX TZ footer ---------------------------------------------------- */

static const char *parse_name(const char *s)
{
    if (*s == '<') {
        while (*s && *s != '>')
            s++;
        return *s == '>' ? s + 1 : NULL;
    }
    const char *start = s;
    while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
        s++;
    return s - start >= 3 ? s : NULL;
}

/* [+-]hh[:mm[:ss]], hours up to 167 (v3 times). */
static const char *parse_hms(const char *s, int32_t *out)
{
    int sign = 1;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    if (*s < '0' || *s > '9')
        return NULL;
    int32_t h = 0, m = 0, sec = 0;
    /* Digits are bounded as they are read: a damaged footer cannot
     * overflow the sums. */
    while (*s >= '0' && *s <= '9' && h <= 167)
        h = h * 10 + (*s++ - '0');
    if (*s == ':') {
        s++;
        if (*s < '0' || *s > '9')
            return NULL;
        while (*s >= '0' && *s <= '9' && m <= 59)
            m = m * 10 + (*s++ - '0');
        if (*s == ':') {
            s++;
            if (*s < '0' || *s > '9')
                return NULL;
            while (*s >= '0' && *s <= '9' && sec <= 59)
                sec = sec * 10 + (*s++ - '0');
        }
    }
    if (*s >= '0' && *s <= '9')
        return NULL;
    if (h > 167 || m > 59 || sec > 59)
        return NULL;
    *out = sign * (h * 3600 + m * 60 + sec);
    return s;
}

/* A number of at most four digits. */
static const char *parse_small(const char *s, int *out)
{
    int v = 0, n = 0;
    while (*s >= '0' && *s <= '9' && n < 4) {
        v = v * 10 + (*s++ - '0');
        n++;
    }
    if (n == 0 || (*s >= '0' && *s <= '9'))
        return NULL;
    *out = v;
    return s;
}

static const char *parse_date(const char *s, rule_date *d)
{
    d->time = 7200;
    if (*s == 'J') {
        d->kind = 'J';
        if (!(s = parse_small(s + 1, &d->a)) || d->a < 1 || d->a > 365)
            return NULL;
    } else if (*s == 'M') {
        d->kind = 'M';
        if (!(s = parse_small(s + 1, &d->a)) || *s != '.' || !(s = parse_small(s + 1, &d->b)) ||
            *s != '.' || !(s = parse_small(s + 1, &d->c)))
            return NULL;
        if (d->a < 1 || d->a > 12 || d->b < 1 || d->b > 5 || d->c > 6)
            return NULL;
    } else if (*s >= '0' && *s <= '9') {
        d->kind = 'n';
        if (!(s = parse_small(s, &d->a)) || d->a > 365)
            return NULL;
    } else {
        return NULL;
    }
    if (*s == '/')
        s = parse_hms(s + 1, &d->time);
    return s;
}

static bool parse_rule(const char *s, posix_rule *r)
{
    memset(r, 0, sizeof *r);
    int32_t off;
    if (!(s = parse_name(s)) || !(s = parse_hms(s, &off)))
        return false;
    r->std_off = -off;   /* POSIX offsets are west of UTC */
    r->present = true;
    if (!*s)
        return true;
    if (!(s = parse_name(s)))
        return false;
    r->has_dst = true;
    r->dst_off = r->std_off + 3600;
    if (*s && *s != ',') {
        if (!(s = parse_hms(s, &off)))
            return false;
        r->dst_off = -off;
    }
    if (*s != ',') {
        /* No rule: the US rules of 2007 are the POSIX default. */
        r->start = (rule_date){'M', 3, 2, 0, 7200};
        r->end = (rule_date){'M', 11, 1, 0, 7200};
        return *s == '\0';
    }
    if (!(s = parse_date(s + 1, &r->start)) || *s != ',' || !(s = parse_date(s + 1, &r->end)))
        return false;
    return *s == '\0';
}

/* Days since the epoch of a rule date in year y. */
static int64_t rule_day(const rule_date *d, int y)
{
    int64_t jan1 = civil_to_days(y, 1, 1);
    switch (d->kind) {
    case 'J':
        /* Jn counts 1..365 and never the leap day. */
        return jan1 + d->a - 1 + (civil_leap(y) && d->a >= 60);
    case 'n':
        return jan1 + d->a;
    default: {
        int64_t first = civil_to_days(y, d->a, 1);
        /* civil_weekday: Monday = 0; POSIX d: Sunday = 0. */
        int wd = (civil_weekday(first) + 1) % 7;
        int64_t day = first + (d->c - wd + 7) % 7 + (int64_t)(d->b - 1) * 7;
        int64_t next = d->a == 12 ? civil_to_days(y + 1, 1, 1) : civil_to_days(y, d->a + 1, 1);
        while (day >= next)
            day -= 7;
        return day;
    }
    }
}

/* The UTC instants of the year's start and end of daylight saving time. */
static void rule_year(const posix_rule *r, int y, int64_t *start, int64_t *end)
{
    *start = rule_day(&r->start, y) * 86400 + r->start.time - r->std_off;
    *end = rule_day(&r->end, y) * 86400 + r->end.time - r->dst_off;
}

static int year_of(int64_t t)
{
    int y, m, d;
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    civil_from_days(days, &y, &m, &d);
    return y;
}

static int32_t rule_offset(const posix_rule *r, int64_t t)
{
    if (!r->has_dst)
        return r->std_off;
    int y = year_of(t + r->std_off);
    int64_t start, end;
    rule_year(r, y, &start, &end);
    bool dst = start < end ? (t >= start && t < end) : (t < end || t >= start);
    return dst ? r->dst_off : r->std_off;
}

/* ---- TZif ----------------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static const char *parse_tzif(tz_zone *z, const unsigned char *d, size_t n)
{
    if (n < 44 || memcmp(d, "TZif", 4) != 0)
        return "not a time zone file (TZif)";
    if (d[4] != 0 && (d[4] < '2' || d[4] > '9'))
        return "damaged time zone file (unknown version)";
    int version = d[4] ? d[4] - '0' : 1;
    const unsigned char *h = d;
    size_t off = 0;
    int timesize = 4;
    for (int pass = 0; pass < 2; pass++) {
        if (off + 44 > n || memcmp(h, "TZif", 4) != 0)
            return "damaged time zone file";
        uint32_t isut = be32(h + 20), isstd = be32(h + 24), leapc = be32(h + 28);
        uint32_t timec = be32(h + 32), typec = be32(h + 36), charc = be32(h + 40);
        if (timec > 100000 || typec == 0 || typec > 256 || charc > 100000 || leapc > 100000 ||
            (isut && isut != typec) || (isstd && isstd != typec))
            return "damaged time zone file";
        size_t body = (size_t)timec * (size_t)timesize + timec + (size_t)typec * 6 + charc +
                      (size_t)leapc * (size_t)(timesize + 4) + isstd + isut;
        if (off + 44 + body > n)
            return "damaged time zone file (truncated)";
        if (pass == 0 && version >= 2) {
            off += 44 + body;
            h = d + off;
            timesize = 8;
            continue;
        }
        const unsigned char *p = h + 44;
        const unsigned char *times = p, *idx = p + (size_t)timec * (size_t)timesize;
        const unsigned char *types = idx + timec;
        for (uint32_t k = 0; k < typec; k++) {
            int32_t o = (int32_t)be32(types + 6 * k);
            /* RFC 8536: offsets within a day either side, isdst 0 or 1. */
            if (o < -89999 || o > 93599 || types[6 * k + 4] > 1)
                return "damaged time zone file (a time type is out of range)";
        }
        z->trans = xmalloc(((size_t)timec + 1) * sizeof *z->trans);
        z->trans_off = xmalloc(((size_t)timec + 1) * sizeof *z->trans_off);
        z->initial_off = (int32_t)be32(types);
        z->ntrans = 0;
        int64_t prev = INT64_MIN;
        for (uint32_t i = 0; i < timec; i++) {
            if (idx[i] >= typec)
                return "damaged time zone file";
            int64_t t = timesize == 8 ? be64(times + 8 * i) : (int32_t)be32(times + 4 * i);
            int32_t o = (int32_t)be32(types + 6 * idx[i]);
            if (t <= prev)
                return "damaged time zone file (transitions out of order)";
            prev = t;
            /* Files also list changes of name or daylight-saving flag
             * alone; only changes of offset are transitions here. */
            int32_t before = z->ntrans ? z->trans_off[z->ntrans - 1] : z->initial_off;
            if (o == before)
                continue;
            z->trans[z->ntrans] = t;
            z->trans_off[z->ntrans] = o;
            z->ntrans++;
        }
        if (timesize == 8) {
            const unsigned char *foot = h + 44 + body;
            size_t left = n - (size_t)(foot - d);
            if (left == 0 || foot[0] != '\n')
                return "damaged time zone file (no footer)";
            const unsigned char *e = memchr(foot + 1, '\n', left - 1);
            if (!e)
                return "damaged time zone file (its footer is cut short)";
            size_t len = (size_t)(e - foot - 1);
            char spec[512];
            if (len >= sizeof spec)
                return "damaged time zone file (its footer is too long)";
            if (len > 0) {
                memcpy(spec, foot + 1, len);
                spec[len] = '\0';
                if (!parse_rule(spec, &z->rule))
                    return "damaged time zone file (bad rule in its footer)";
            }
        }
        return NULL;
    }
    return "damaged time zone file";
}

tz_zone *tz_load(const char *name, char *err, size_t errlen)
{
    tz_zone *z = xcalloc(1, sizeof *z);
    snprintf(z->name, sizeof z->name, "%s", name);
    if (is_utc(name))
        return z;
    const char *why = bad_name(name);
    if (why) {
        snprintf(err, errlen, "%s", why);
        free(z);
        return NULL;
    }
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tz_dir(), name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "no such time zone in the time zone database (%s)", tz_dir());
        free(z);
        return NULL;
    }
    size_t cap = 4096, n = 0, got;
    unsigned char *data = xmalloc(cap);
    while ((got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap && cap < (8u << 20))
            data = xrealloc(data, cap *= 2);
        else if (n == cap)
            break;
    }
    fclose(f);
    why = parse_tzif(z, data, n);
    free(data);
    if (why) {
        snprintf(err, errlen, "%s: %s", name, why);
        tz_free(z);
        return NULL;
    }
    return z;
}

void tz_free(tz_zone *z)
{
    if (!z)
        return;
    free(z->trans);
    free(z->trans_off);
    free(z);
}

const char *tz_name(const tz_zone *z)
{
    return z->name;
}

/* Instants beyond a few million years are clamped: no zone rule means
 * anything there, and the arithmetic below must not overflow. */
#define TZ_LIMIT (INT64_C(1) << 55)

static int64_t clamp(int64_t t)
{
    return t < -TZ_LIMIT ? -TZ_LIMIT : t > TZ_LIMIT ? TZ_LIMIT : t;
}

int32_t tz_offset_at(const tz_zone *z, int64_t t)
{
    t = clamp(t);
    if (z->ntrans == 0)
        return z->rule.present ? rule_offset(&z->rule, t) : z->initial_off;
    if (t < z->trans[0])
        return z->initial_off;
    if (t >= z->trans[z->ntrans - 1] && z->rule.present)
        return rule_offset(&z->rule, t);
    int lo = 0, hi = z->ntrans - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (z->trans[mid] <= t)
            lo = mid;
        else
            hi = mid - 1;
    }
    return z->trans_off[lo];
}

bool tz_fixed_offset(const tz_zone *z, int32_t *off)
{
    if (z->ntrans > 0 || (z->rule.present && z->rule.has_dst))
        return false;
    *off = z->rule.present ? z->rule.std_off : z->initial_off;
    return true;
}

int64_t tz_local_to_utc(const tz_zone *z, int64_t local)
{
    /* The offsets a day either side cover any transition near `local`
     * (transitions are more than two days apart). A time that occurs twice
     * takes the earlier instant; one that never occurs takes the offset in
     * force before the change. */
    local = clamp(local);
    int32_t off;
    if (tz_fixed_offset(z, &off))
        return local - off;
    int32_t before = tz_offset_at(z, local - 86400 - 86400);
    int32_t after = tz_offset_at(z, local + 86400 + 86400);
    int64_t u1 = local - before, u2 = local - after;
    bool ok1 = tz_offset_at(z, u1) == before, ok2 = tz_offset_at(z, u2) == after;
    if (ok1 && ok2)
        return u1 < u2 ? u1 : u2;
    if (ok1)
        return u1;
    if (ok2)
        return u2;
    return u1;
}

bool tz_next_transition(const tz_zone *z, int64_t after, int64_t *at)
{
    after = clamp(after);
    int lo = 0, hi = z->ntrans;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (z->trans[mid] <= after)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < z->ntrans) {
        *at = z->trans[lo];
        return true;
    }
    if (!z->rule.present || !z->rule.has_dst)
        return false;
    int y = year_of(after);
    int64_t best = INT64_MAX;
    for (int k = 0; k < 2; k++) {
        int64_t s, e;
        rule_year(&z->rule, y + k, &s, &e);
        if (s > after && s < best)
            best = s;
        if (e > after && e < best)
            best = e;
    }
    if (best == INT64_MAX)
        return false;
    *at = best;
    return true;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t tz_local_day(const tz_zone *z, int64_t us)
{
    int64_t s = floor_div(us, 1000000);
    return floor_div(s + tz_offset_at(z, s), 86400);
}

int64_t tz_civil_instant(const tz_zone *z, const civil_time *t)
{
    int64_t local = civil_to_days(t->year, t->month, t->day) * 86400 + t->hour * 3600 +
                    t->minute * 60 + t->second;
    int64_t utc = t->has_offset ? local - t->offset_seconds : tz_local_to_utc(z, local);
    return utc * 1000000 + t->nanos / 1000;
}
