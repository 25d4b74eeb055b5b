/*
 * timefmt.h - calendar dates, ISO 8601 instants and CRM time formats.
 *
 * Civil dates are proleptic Gregorian. An instant is seconds since
 * 1970-01-01T00:00:00Z plus nanoseconds. Parsing yields the fields as
 * written (and the offset if one was written); turning local fields into
 * an instant needs a time zone, which is tz.h's job.
 *
 * Time formats are the patterns a policy declares for non-ISO exports,
 * such as "MM/DD/YY hh:mm AM" (Salesforce report exports).
 */
#ifndef SLA_TIMEFMT_H
#define SLA_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct civil_time {
    int year, month, day;        /* 1-based month and day */
    int hour, minute, second;
    int32_t nanos;
    bool has_time;               /* false for a date alone */
    bool has_offset;             /* Z or ±hh:mm was written */
    int offset_seconds;          /* east of UTC */
} civil_time;

bool civil_valid_date(int year, int month, int day);

/* Inline: converting every time cell of an export calls them. */
static inline bool civil_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* 0 for a month that does not exist. */
static inline int civil_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    return month == 2 && civil_leap(year) ? 29 : days[month - 1];
}

/* Days since 1970-01-01 (negative before). */
static inline int64_t civil_to_days(int year, int month, int day)
{
    int64_t y = year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t days, int *year, int *month, int *day);
/* 0 = Monday ... 6 = Sunday. */
int civil_weekday(int64_t days);

/* ISO 8601: YYYY-MM-DD, then optionally T or a space and hh:mm[:ss[.f]],
 * then optionally Z, ±hh, ±hhmm or ±hh:mm. Returns NULL on success, else
 * a short reason ("month 13 does not exist"). */
const char *timefmt_parse_iso(const char *s, size_t n, civil_time *out);

/* A compiled pattern. */
enum { TIMEFMT_MAX_ITEMS = 32 };
typedef struct timefmt {
    unsigned char kind[TIMEFMT_MAX_ITEMS];
    char lit[TIMEFMT_MAX_ITEMS];
    int n;
    bool has_time;
} timefmt;

/* Compiles pattern; returns NULL or the reason it is not valid, with
 * *err_at the byte offset of the problem in pattern. */
const char *timefmt_compile(const char *pattern, timefmt *out, size_t *err_at);
/* Parses s[0..n) with a compiled pattern; NULL on success. */
const char *timefmt_parse(const timefmt *f, const char *s, size_t n, civil_time *out);

#endif
