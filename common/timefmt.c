/*
 * timefmt.c - civil calendar arithmetic and time parsing.
 *
 * civil_to_days and civil_from_days are Howard Hinnant's algorithms for
 * the proleptic Gregorian calendar: exact for every year, no tables.
 */
#include "timefmt.h"

#include <string.h>

bool civil_valid_date(int year, int month, int day)
{
    return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
           day <= civil_days_in_month(year, month);
}

void civil_from_days(int64_t z, int *year, int *month, int *day)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(y + (m <= 2));
    *month = m;
    *day = d;
}

int civil_weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday (3). */
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

static int digits(const char *s, size_t n, size_t *i, int count, int *out)
{
    int v = 0;
    for (int k = 0; k < count; k++) {
        if (*i >= n || s[*i] < '0' || s[*i] > '9')
            return 0;
        v = v * 10 + (s[(*i)++] - '0');
    }
    *out = v;
    return 1;
}

static const char *check_fields(const civil_time *t)
{
    if (t->month < 1 || t->month > 12)
        return "the month must be between 1 and 12";
    if (t->day < 1 || t->day > civil_days_in_month(t->year, t->month))
        return "that day does not exist in that month";
    if (t->year < 1)
        return "the year must be 0001 or later";
    if (t->hour > 23)
        return "the hour must be between 0 and 23";
    if (t->minute > 59)
        return "the minute must be between 0 and 59";
    if (t->second > 59)
        return "the second must be between 0 and 59";
    return NULL;
}

const char *timefmt_parse_iso(const char *s, size_t n, civil_time *t)
{
    memset(t, 0, sizeof *t);
    size_t i = 0;
    if (!digits(s, n, &i, 4, &t->year) || i >= n || s[i++] != '-' ||
        !digits(s, n, &i, 2, &t->month) || i >= n || s[i++] != '-' ||
        !digits(s, n, &i, 2, &t->day))
        return "expected a date as YYYY-MM-DD";
    if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        i++;
        t->has_time = true;
        if (!digits(s, n, &i, 2, &t->hour) || i >= n || s[i++] != ':' ||
            !digits(s, n, &i, 2, &t->minute))
            return "expected a time of day as hh:mm or hh:mm:ss";
        if (i < n && s[i] == ':') {
            i++;
            if (!digits(s, n, &i, 2, &t->second))
                return "expected seconds as two digits";
            if (i < n && (s[i] == '.' || s[i] == ',')) {
                i++;
                int nd = 0;
                int32_t ns = 0;
                while (i < n && s[i] >= '0' && s[i] <= '9') {
                    if (nd < 9) {
                        ns = ns * 10 + (s[i] - '0');
                        nd++;
                    }
                    i++;
                }
                if (nd == 0)
                    return "expected digits after the decimal point of the seconds";
                for (; nd < 9; nd++)
                    ns *= 10;
                t->nanos = ns;
            }
        }
        if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
            i++;
            t->has_offset = true;
        } else if (i < n && (s[i] == '+' || s[i] == '-')) {
            int sign = s[i++] == '-' ? -1 : 1, oh = 0, om = 0;
            if (!digits(s, n, &i, 2, &oh))
                return "expected a UTC offset as +hh:mm, +hhmm or +hh";
            bool colon = i < n && s[i] == ':';
            if (colon)
                i++;
            if ((colon || i < n) && !digits(s, n, &i, 2, &om))
                return "expected a UTC offset as +hh:mm, +hhmm or +hh";
            if (oh > 23 || om > 59)
                return "the UTC offset is out of range";
            t->has_offset = true;
            t->offset_seconds = sign * (oh * 3600 + om * 60);
        }
    }
    if (i != n)
        return "unexpected text after the date and time";
    return check_fields(t);
}

/* ---- patterns ------------------------------------------------------------- */

enum { F_LIT, F_YYYY, F_YY, F_MM, F_M, F_DD, F_D, F_HH, F_H, F_hh, F_h, F_mm, F_ss, F_AM };

static const struct {
    const char *text;
    unsigned char kind;
} pattern_items[] = {
    {"YYYY", F_YYYY}, {"YY", F_YY}, {"MM", F_MM}, {"M", F_M}, {"DD", F_DD},
    {"D", F_D}, {"HH", F_HH}, {"H", F_H}, {"hh", F_hh}, {"h", F_h},
    {"mm", F_mm}, {"ss", F_ss}, {"AM", F_AM}, {"PM", F_AM},
};

const char *timefmt_compile(const char *p, timefmt *f, size_t *err_at)
{
    memset(f, 0, sizeof *f);
    int seen[F_AM + 1] = {0};
    size_t i = 0;
    *err_at = 0;
    while (p[i]) {
        if (f->n == TIMEFMT_MAX_ITEMS) {
            *err_at = i;
            return "the format is too long";
        }
        size_t k;
        for (k = 0; k < sizeof pattern_items / sizeof pattern_items[0]; k++) {
            size_t len = strlen(pattern_items[k].text);
            if (strncmp(p + i, pattern_items[k].text, len) == 0) {
                unsigned char kind = pattern_items[k].kind;
                if (seen[kind]++) {
                    *err_at = i;
                    return "this part appears twice in the format";
                }
                f->kind[f->n++] = kind;
                i += len;
                break;
            }
        }
        if (k < sizeof pattern_items / sizeof pattern_items[0])
            continue;
        unsigned char c = (unsigned char)p[i];
        if ((c >= 'A' && c <= 'Z' && c != 'T') || (c >= 'a' && c <= 'z')) {
            *err_at = i;
            return "unknown letter in a time format (use YYYY YY MM M DD D HH H hh h mm ss AM)";
        }
        f->kind[f->n] = F_LIT;
        f->lit[f->n++] = (char)c;
        i++;
    }
    *err_at = 0;
    if (!(seen[F_YYYY] || seen[F_YY]) || !(seen[F_MM] || seen[F_M]) || !(seen[F_DD] || seen[F_D]))
        return "a time format needs a year (YYYY or YY), a month (MM or M) and a day (DD or D)";
    if ((seen[F_YYYY] && seen[F_YY]) || (seen[F_MM] && seen[F_M]) || (seen[F_DD] && seen[F_D]))
        return "a time format gives each part once";
    int hours24 = seen[F_HH] + seen[F_H], hours12 = seen[F_hh] + seen[F_h];
    if (hours24 + hours12 > 1)
        return "a time format gives the hour once (HH or H for 0-23, hh or h with AM for 1-12)";
    if (hours12 && !seen[F_AM])
        return "a 12-hour clock (hh or h) needs AM in the format";
    if (seen[F_AM] && !hours12)
        return "AM goes with a 12-hour clock (hh or h), not HH";
    if (seen[F_mm] && !(hours24 || hours12))
        return "minutes (mm) need an hour in the format";
    if (seen[F_ss] && !seen[F_mm])
        return "seconds (ss) need minutes (mm) in the format";
    f->has_time = hours24 + hours12 > 0;
    return NULL;
}

const char *timefmt_parse(const timefmt *f, const char *s, size_t n, civil_time *t)
{
    memset(t, 0, sizeof *t);
    size_t i = 0;
    int pm = -1;
    bool twelve = false;
    for (int k = 0; k < f->n; k++) {
        int v = 0;
        switch (f->kind[k]) {
        case F_LIT:
            if (i >= n || s[i] != f->lit[k])
                return "the text does not match the time format";
            i++;
            continue;
        case F_YYYY:
            if (!digits(s, n, &i, 4, &t->year))
                return "expected a four-digit year";
            continue;
        case F_YY:
            if (!digits(s, n, &i, 2, &v))
                return "expected a two-digit year";
            t->year = v < 69 ? 2000 + v : 1900 + v;
            continue;
        case F_AM:
            if (i + 2 > n)
                return "expected AM or PM";
            if ((s[i] == 'A' || s[i] == 'a') && (s[i + 1] == 'M' || s[i + 1] == 'm'))
                pm = 0;
            else if ((s[i] == 'P' || s[i] == 'p') && (s[i + 1] == 'M' || s[i + 1] == 'm'))
                pm = 1;
            else
                return "expected AM or PM";
            i += 2;
            continue;
        default:
            break;
        }
        /* One- or two-digit numbers: M D H h take one or two digits. */
        unsigned char kind = f->kind[k];
        bool flexible = kind == F_M || kind == F_D || kind == F_H || kind == F_h;
        if (i >= n || s[i] < '0' || s[i] > '9')
            return "expected a number in the time";
        v = s[i++] - '0';
        if (i < n && s[i] >= '0' && s[i] <= '9')
            v = v * 10 + (s[i++] - '0');
        else if (!flexible)
            return "expected two digits in the time";
        switch (kind) {
        case F_MM: case F_M: t->month = v; break;
        case F_DD: case F_D: t->day = v; break;
        case F_HH: case F_H: t->hour = v; t->has_time = true; break;
        case F_hh: case F_h: t->hour = v; t->has_time = true; twelve = true; break;
        case F_mm: t->minute = v; break;
        case F_ss: t->second = v; break;
        default: break;
        }
    }
    if (i != n)
        return "unexpected text after the time";
    if (twelve) {
        if (t->hour < 1 || t->hour > 12)
            return "a 12-hour clock runs from 1 to 12";
        t->hour = t->hour % 12 + (pm == 1 ? 12 : 0);
    }
    return check_fields(t);
}
