/*
 * calendar-bench.c - is business-time arithmetic flat in the gap?
 *
 *   make build/libsla.a
 *   cc -O2 -Iinclude bench/calendar-bench.c build/libsla.a -lm -o build/calendar-bench
 *   build/calendar-bench [ROUNDS]
 *
 * calendar.h promises that cal_add and cal_between cost about the same for
 * a one-day gap as for a multi-year one. This times both, for gaps of one
 * day and of five years, in America/New_York (two changes of offset a
 * year) with US federal holidays 2020-2040 and hours 09:00-17:00 Monday to
 * Friday. The four kinds of call are interleaved round by round (ROUNDS,
 * default 101), each round a batch of calls from the same random starts,
 * so drift in the machine's speed hits all four alike. Prints the median,
 * min and p90 of ns per call, and the ratio of the five-year median to
 * the one-day median for each function (1 is flat).
 */
#include "../runtime/calendar.h"
#include "../common/timefmt.h"
#include "../common/tz.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define US INT64_C(1000000)
#define DAY_US (86400 * US)

enum { STARTS = 512, KINDS = 4 };

static uint64_t rng = 12345;

static uint64_t rnd(void)   /* splitmix64 */
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* The n-th (1-based; 0: the last) weekday wd (Monday = 0) of a month. */
static int64_t nth_weekday(int y, int m, int wd, int n)
{
    if (n == 0) {
        int64_t last = civil_to_days(y, m, civil_days_in_month(y, m));
        return last - (civil_weekday(last) - wd + 7) % 7;
    }
    int64_t first = civil_to_days(y, m, 1);
    return first + (wd - civil_weekday(first) + 7) % 7 + 7 * (n - 1);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void us_holidays(sla_calendar *c, int from, int to)
{
    c->holidays = malloc((size_t)(to - from + 1) * 11 * sizeof *c->holidays);
    if (!c->holidays)
        exit(1);
    for (int y = from; y <= to; y++) {
        int64_t *h = c->holidays + c->nholidays;
        h[0] = civil_to_days(y, 1, 1);
        h[1] = nth_weekday(y, 1, 0, 3);     /* Martin Luther King Jr. Day */
        h[2] = nth_weekday(y, 2, 0, 3);     /* Washington's Birthday */
        h[3] = nth_weekday(y, 5, 0, 0);     /* Memorial Day */
        h[4] = civil_to_days(y, 6, 19);
        h[5] = civil_to_days(y, 7, 4);
        h[6] = nth_weekday(y, 9, 0, 1);     /* Labor Day */
        h[7] = nth_weekday(y, 10, 0, 2);    /* Columbus Day */
        h[8] = civil_to_days(y, 11, 11);
        h[9] = nth_weekday(y, 11, 3, 4);    /* Thanksgiving */
        h[10] = civil_to_days(y, 12, 25);
        c->nholidays += 11;
    }
    qsort(c->holidays, (size_t)c->nholidays, sizeof *c->holidays, cmp_i64);
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 101;
    if (rounds < 1)
        rounds = 1;
    char err[256];
    tz_zone *z = tz_load("America/New_York", err, sizeof err);
    if (!z) {
        fprintf(stderr, "calendar-bench: %s\n", err);
        return 1;
    }
    sla_calendar c;
    memset(&c, 0, sizeof c);
    c.zone = z;
    for (int d = 0; d < 5; d++) {
        c.hours[d][0] = (cal_interval){9 * 60, 17 * 60};
        c.nhours[d] = 1;
    }
    us_holidays(&c, 2020, 2040);
    if (!cal_prepare(&c))
        return 1;

    /* random starts in 2026, and the business time to each end */
    static int64_t start[STARTS], dur[2][STARTS];
    const int64_t gap[2] = {DAY_US, (5 * 365 + 1) * DAY_US};
    int64_t y2026 = civil_to_days(2026, 1, 1) * DAY_US;
    for (int i = 0; i < STARTS; i++) {
        start[i] = y2026 + (int64_t)(rnd() % (uint64_t)(365 * DAY_US));
        for (int g = 0; g < 2; g++)
            dur[g][i] = cal_between(&c, start[i], start[i] + gap[g]);
    }

    static const char *const names[KINDS] = {"cal_add     1 day", "cal_add     5 years",
                                             "cal_between 1 day", "cal_between 5 years"};
    double *ns[KINDS];
    for (int k = 0; k < KINDS; k++)
        if (!(ns[k] = malloc((size_t)rounds * sizeof *ns[k])))
            return 1;
    volatile int64_t sink = 0;
    for (int r = 0; r < rounds; r++) {
        for (int j = 0; j < KINDS; j++) {
            int k = (j + r) % KINDS;   /* rotate the order round by round */
            int g = k & 1;
            double t0 = now_ns();
            int64_t acc = 0;
            if (k < 2)
                for (int i = 0; i < STARTS; i++)
                    acc += cal_add(&c, start[i], dur[g][i]);
            else
                for (int i = 0; i < STARTS; i++)
                    acc += cal_between(&c, start[i], start[i] + gap[g]);
            ns[k][r] = (now_ns() - t0) / STARTS;
            sink += acc;
        }
    }
    (void)sink;

    double med[KINDS];
    printf("%-22s %10s %10s %10s\n", "ns per call", "median", "min", "p90");
    for (int k = 0; k < KINDS; k++) {
        qsort(ns[k], (size_t)rounds, sizeof *ns[k], cmp_double);
        med[k] = ns[k][rounds / 2];
        printf("%-22s %10.0f %10.0f %10.0f\n", names[k], med[k], ns[k][0],
               ns[k][(rounds * 9) / 10 < rounds ? (rounds * 9) / 10 : rounds - 1]);
    }
    printf("ratio 5 years / 1 day: cal_add %.2f, cal_between %.2f (1 is flat)\n", med[1] / med[0],
           med[3] / med[2]);
    printf("(%d rounds of %d calls each; %d holidays; America/New_York)\n", rounds, STARTS,
           c.nholidays);
    for (int k = 0; k < KINDS; k++)
        free(ns[k]);
    cal_free(&c);
    tz_free(z);
    return 0;
}
