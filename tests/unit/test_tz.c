/*
 * test_tz.c - time zones from the system database: offsets, local time to
 * UTC, transitions, and the refusal of bad names and damaged files.
 *
 * The C library reads the same TZif files, so its tm_gmtoff is the oracle
 * for offsets (thousands of random instants 1970-2060, and both sides of
 * every transition); hand-typed values pin the cases a reader checks by eye
 * (New York's 2026 changes, Lord Howe's half hour, 2045 from the footer
 * rule). Anything that reads a damaged file runs in a child process, so a
 * crash, or a sanitizer's report, fails one test naming the input instead
 * of ending the run.
 */
#include "support.h"

#include "../../common/timefmt.h"
#include "../../common/tz.h"

#include <dirent.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DAY INT64_C(86400)

static int64_t secs(int y, int mo, int d, int h, int mi, int s)
{
    return civil_to_days(y, mo, d) * DAY + h * 3600 + mi * 60 + s;
}

static void show_secs(char *out, size_t n, int64_t t)
{
    int64_t d = t >= 0 ? t / DAY : -((-t + DAY - 1) / DAY);
    int64_t r = t - d * DAY;
    int y, m, day;
    civil_from_days(d, &y, &m, &day);
    snprintf(out, n, "%04d-%02d-%02d %02d:%02d:%02d", y, m, day, (int)(r / 3600),
             (int)(r / 60 % 60), (int)(r % 60));
}

/* ---- zones, loaded once ------------------------------------------------------------ */

enum { MAX_ZONES = 32 };
static struct {
    const char *name;
    tz_zone *z;
} zones[MAX_ZONES];

static const tz_zone *zone(const char *name)
{
    int i = 0;
    for (; i < MAX_ZONES && zones[i].name; i++)
        if (strcmp(zones[i].name, name) == 0)
            return zones[i].z;
    assert_true(i < MAX_ZONES);
    char err[256] = "";
    tz_zone *z = tz_load(name, err, sizeof err);
    if (!z) {
        print_error("tz_load(\"%s\") failed: %s\n", name, err);
        fail();
    }
    zones[i].name = name;
    zones[i].z = z;
    return z;
}

static int free_zones(void **state)
{
    (void)state;
    for (int i = 0; i < MAX_ZONES && zones[i].name; i++) {
        tz_free(zones[i].z);
        zones[i].name = NULL;
    }
    return 0;
}

/* ---- the C library's view ------------------------------------------------------------ */

static void libc_use(const char *name)
{
    char env[128];
    snprintf(env, sizeof env, ":%s", name);
    setenv("TZ", env, 1);
    tzset();
}

static void libc_done(void)
{
    unsetenv("TZ");
    tzset();
}

static int32_t libc_offset(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm))
        return INT32_MIN;
    return (int32_t)tm.tm_gmtoff;
}

static uint64_t rng_state;

static uint64_t rnd(void)   /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static int64_t rnd_between(int64_t lo, int64_t hi)   /* [lo, hi) */
{
    return lo + (int64_t)(rnd() % (uint64_t)(hi - lo));
}

/* SLA_TEST_SCALE (a number, default 1) scales the random case counts. */
static int scaled(int n)
{
    const char *s = getenv("SLA_TEST_SCALE");
    double f = s && *s ? atof(s) : 1.0;
    int k = (int)(n * f);
    return k < 1 ? 1 : k;
}

/* ---- offsets ---------------------------------------------------------------------- */

#define offset_is(name, t, want) check_offset_at((name), (t), (want), __FILE__, __LINE__)

static void check_offset_at(const char *name, int64_t t, int32_t want, const char *file, int line)
{
    int32_t got = tz_offset_at(zone(name), t);
    if (got != want) {
        char s[40];
        show_secs(s, sizeof s, t);
        print_error("%s at %sZ: offset %d, want %d\n", name, s, got, want);
        _fail(file, line);
    }
}

static void known_offsets(void **state)
{
    (void)state;
    /* New York 2026: EDT from 2026-03-08 07:00Z to 2026-11-01 06:00Z */
    offset_is("America/New_York", secs(2026, 1, 15, 12, 0, 0), -5 * 3600);
    offset_is("America/New_York", secs(2026, 3, 8, 6, 59, 59), -5 * 3600);
    offset_is("America/New_York", secs(2026, 3, 8, 7, 0, 0), -4 * 3600);
    offset_is("America/New_York", secs(2026, 7, 4, 12, 0, 0), -4 * 3600);
    offset_is("America/New_York", secs(2026, 11, 1, 5, 59, 59), -4 * 3600);
    offset_is("America/New_York", secs(2026, 11, 1, 6, 0, 0), -5 * 3600);

    /* Berlin: the last Sundays of March and October, 01:00Z */
    offset_is("Europe/Berlin", secs(2026, 3, 29, 0, 59, 59), 3600);
    offset_is("Europe/Berlin", secs(2026, 3, 29, 1, 0, 0), 7200);
    offset_is("Europe/Berlin", secs(2026, 10, 25, 0, 59, 59), 7200);
    offset_is("Europe/Berlin", secs(2026, 10, 25, 1, 0, 0), 3600);

    /* Lord Howe: +10:30, and +11 in the southern summer (half an hour) */
    offset_is("Australia/Lord_Howe", secs(2026, 1, 15, 0, 0, 0), 11 * 3600);
    offset_is("Australia/Lord_Howe", secs(2026, 4, 4, 14, 59, 59), 11 * 3600);
    offset_is("Australia/Lord_Howe", secs(2026, 4, 4, 15, 0, 0), 10 * 3600 + 1800);
    offset_is("Australia/Lord_Howe", secs(2026, 10, 3, 15, 29, 59), 10 * 3600 + 1800);
    offset_is("Australia/Lord_Howe", secs(2026, 10, 3, 15, 30, 0), 11 * 3600);

    /* Kolkata: +05:30 all year, +06:30 in the war years */
    offset_is("Asia/Kolkata", secs(2026, 1, 15, 0, 0, 0), 5 * 3600 + 1800);
    offset_is("Asia/Kolkata", secs(2026, 7, 15, 0, 0, 0), 5 * 3600 + 1800);
    offset_is("Asia/Kolkata", secs(1943, 1, 1, 0, 0, 0), 6 * 3600 + 1800);

    /* Kiritimati: +14 since 1995, -10 before, -10:40 before October 1979 */
    offset_is("Pacific/Kiritimati", secs(2026, 6, 1, 0, 0, 0), 14 * 3600);
    offset_is("Pacific/Kiritimati", secs(1994, 12, 31, 9, 59, 59), -10 * 3600);
    offset_is("Pacific/Kiritimati", secs(1994, 12, 31, 10, 0, 0), 14 * 3600);
    offset_is("Pacific/Kiritimati", secs(1979, 1, 1, 0, 0, 0), -(10 * 3600 + 40 * 60));

    /* St. John's: -03:30, -02:30 in summer, changing at local 02:00 */
    offset_is("America/St_Johns", secs(2026, 3, 8, 5, 29, 59), -(3 * 3600 + 1800));
    offset_is("America/St_Johns", secs(2026, 3, 8, 5, 30, 0), -(2 * 3600 + 1800));
    offset_is("America/St_Johns", secs(2026, 11, 1, 4, 29, 59), -(2 * 3600 + 1800));
    offset_is("America/St_Johns", secs(2026, 11, 1, 4, 30, 0), -(3 * 3600 + 1800));

    /* São Paulo: summer time ended for good on 2019-02-17 */
    offset_is("America/Sao_Paulo", secs(2018, 12, 15, 0, 0, 0), -2 * 3600);
    offset_is("America/Sao_Paulo", secs(2019, 2, 17, 1, 59, 59), -2 * 3600);
    offset_is("America/Sao_Paulo", secs(2019, 2, 17, 2, 0, 0), -3 * 3600);
    offset_is("America/Sao_Paulo", secs(2026, 1, 15, 0, 0, 0), -3 * 3600);
    offset_is("America/Sao_Paulo", secs(2045, 1, 15, 0, 0, 0), -3 * 3600);

    offset_is("UTC", secs(2026, 7, 1, 0, 0, 0), 0);
    offset_is("Etc/UTC", secs(1900, 7, 1, 0, 0, 0), 0);
}

/* The files list transitions up to 2037; after that only the footer's
 * POSIX rule knows them. */
static void offsets_from_the_footer_rule(void **state)
{
    (void)state;
    /* the last listed change, then the first from the rule */
    offset_is("America/New_York", secs(2037, 11, 1, 5, 59, 59), -4 * 3600);
    offset_is("America/New_York", secs(2037, 11, 1, 6, 0, 0), -5 * 3600);
    offset_is("America/New_York", secs(2038, 3, 14, 6, 59, 59), -5 * 3600);
    offset_is("America/New_York", secs(2038, 3, 14, 7, 0, 0), -4 * 3600);

    /* 2045: the second Sunday of March, the first of November */
    offset_is("America/New_York", secs(2045, 3, 12, 6, 59, 59), -5 * 3600);
    offset_is("America/New_York", secs(2045, 3, 12, 7, 0, 0), -4 * 3600);
    offset_is("America/New_York", secs(2045, 11, 5, 5, 59, 59), -4 * 3600);
    offset_is("America/New_York", secs(2045, 11, 5, 6, 0, 0), -5 * 3600);
    offset_is("Europe/Berlin", secs(2045, 3, 26, 0, 59, 59), 3600);
    offset_is("Europe/Berlin", secs(2045, 3, 26, 1, 0, 0), 7200);
    offset_is("Europe/Berlin", secs(2045, 10, 29, 0, 59, 59), 7200);
    offset_is("Europe/Berlin", secs(2045, 10, 29, 1, 0, 0), 3600);
    offset_is("Australia/Lord_Howe", secs(2045, 4, 1, 14, 59, 59), 11 * 3600);
    offset_is("Australia/Lord_Howe", secs(2045, 4, 1, 15, 0, 0), 10 * 3600 + 1800);
    offset_is("Australia/Lord_Howe", secs(2045, 9, 30, 15, 29, 59), 10 * 3600 + 1800);
    offset_is("Australia/Lord_Howe", secs(2045, 9, 30, 15, 30, 0), 11 * 3600);
    offset_is("Asia/Kolkata", secs(2045, 6, 1, 0, 0, 0), 5 * 3600 + 1800);
    offset_is("Pacific/Kiritimati", secs(2045, 6, 1, 0, 0, 0), 14 * 3600);
}

static void offsets_before_the_first_transition(void **state)
{
    (void)state;
    /* local mean time until the railways' standard time */
    offset_is("America/New_York", secs(1800, 1, 1, 0, 0, 0), -17762);          /* -4:56:02 */
    offset_is("America/New_York", secs(1883, 11, 18, 16, 59, 59), -17762);
    offset_is("America/New_York", secs(1883, 11, 18, 17, 0, 0), -5 * 3600);
    offset_is("Europe/Berlin", secs(1800, 1, 1, 0, 0, 0), 3208);               /* +0:53:28 */
    offset_is("Europe/Berlin", secs(1893, 3, 31, 23, 6, 31), 3208);
    offset_is("Europe/Berlin", secs(1893, 3, 31, 23, 6, 32), 3600);
    offset_is("Asia/Kolkata", secs(1850, 1, 1, 0, 0, 0), 21208);               /* +5:53:28 */
    offset_is("Pacific/Kiritimati", secs(1900, 1, 1, 0, 0, 0), -37760);        /* -10:29:20 */
}

/* ---- local time to UTC ------------------------------------------------------------- */

#define local_is(name, local, want) check_local_at((name), (local), (want), __FILE__, __LINE__)

static void check_local_at(const char *name, int64_t local, int64_t want, const char *file, int line)
{
    int64_t got = tz_local_to_utc(zone(name), local);
    if (got != want) {
        char l[40], g[40], w[40];
        show_secs(l, sizeof l, local);
        show_secs(g, sizeof g, got);
        show_secs(w, sizeof w, want);
        print_error("%s: local %s is %sZ, want %sZ\n", name, l, g, w);
        _fail(file, line);
    }
}

static void local_to_utc_gap_and_overlap(void **state)
{
    (void)state;
    const char *ny = "America/New_York";
    local_is(ny, secs(2026, 1, 15, 9, 0, 0), secs(2026, 1, 15, 14, 0, 0));
    local_is(ny, secs(2026, 7, 15, 9, 0, 0), secs(2026, 7, 15, 13, 0, 0));

    /* spring forward: 02:00-03:00 does not occur; it is read with EST */
    local_is(ny, secs(2026, 3, 8, 1, 59, 59), secs(2026, 3, 8, 6, 59, 59));
    local_is(ny, secs(2026, 3, 8, 2, 0, 0), secs(2026, 3, 8, 7, 0, 0));
    local_is(ny, secs(2026, 3, 8, 2, 30, 0), secs(2026, 3, 8, 7, 30, 0));
    local_is(ny, secs(2026, 3, 8, 2, 59, 59), secs(2026, 3, 8, 7, 59, 59));
    local_is(ny, secs(2026, 3, 8, 3, 0, 0), secs(2026, 3, 8, 7, 0, 0));

    /* fall back: 01:00-02:00 occurs twice; the first (EDT) is meant */
    local_is(ny, secs(2026, 11, 1, 0, 59, 59), secs(2026, 11, 1, 4, 59, 59));
    local_is(ny, secs(2026, 11, 1, 1, 0, 0), secs(2026, 11, 1, 5, 0, 0));
    local_is(ny, secs(2026, 11, 1, 1, 30, 0), secs(2026, 11, 1, 5, 30, 0));
    local_is(ny, secs(2026, 11, 1, 1, 59, 59), secs(2026, 11, 1, 5, 59, 59));
    local_is(ny, secs(2026, 11, 1, 2, 0, 0), secs(2026, 11, 1, 7, 0, 0));

    /* the same from the footer rule */
    local_is(ny, secs(2045, 3, 12, 2, 30, 0), secs(2045, 3, 12, 7, 30, 0));
    local_is(ny, secs(2045, 11, 5, 1, 30, 0), secs(2045, 11, 5, 5, 30, 0));

    const char *be = "Europe/Berlin";
    local_is(be, secs(2026, 3, 29, 2, 30, 0), secs(2026, 3, 29, 1, 30, 0));
    local_is(be, secs(2026, 3, 29, 3, 0, 0), secs(2026, 3, 29, 1, 0, 0));
    local_is(be, secs(2026, 10, 25, 2, 30, 0), secs(2026, 10, 25, 0, 30, 0));
    local_is(be, secs(2026, 10, 25, 3, 0, 0), secs(2026, 10, 25, 2, 0, 0));

    /* Lord Howe: a half-hour gap (02:00-02:30) and a half-hour repeat (01:30-02:00) */
    const char *lh = "Australia/Lord_Howe";
    local_is(lh, secs(2026, 10, 4, 2, 15, 0), secs(2026, 10, 3, 15, 45, 0));
    local_is(lh, secs(2026, 10, 4, 2, 30, 0), secs(2026, 10, 3, 15, 30, 0));
    local_is(lh, secs(2026, 4, 5, 1, 45, 0), secs(2026, 4, 4, 14, 45, 0));
    local_is(lh, secs(2026, 4, 5, 2, 0, 0), secs(2026, 4, 4, 15, 30, 0));

    local_is("Asia/Kolkata", secs(2026, 3, 8, 9, 0, 0), secs(2026, 3, 8, 3, 30, 0));
    local_is("Pacific/Kiritimati", secs(2026, 1, 1, 9, 0, 0), secs(2025, 12, 31, 19, 0, 0));
    local_is("America/St_Johns", secs(2026, 3, 8, 2, 15, 0), secs(2026, 3, 8, 5, 45, 0));
    local_is("UTC", secs(2026, 3, 8, 2, 15, 0), secs(2026, 3, 8, 2, 15, 0));
}

/* ---- transitions -------------------------------------------------------------------- */

#define next_is(name, after, want) check_next_at((name), (after), true, (want), __FILE__, __LINE__)
#define no_next(name, after) check_next_at((name), (after), false, 0, __FILE__, __LINE__)

static void check_next_at(const char *name, int64_t after, bool found, int64_t want,
                          const char *file, int line)
{
    int64_t at = -1;
    bool got = tz_next_transition(zone(name), after, &at);
    if (got != found || (found && at != want)) {
        char a[40], g[40], w[40];
        show_secs(a, sizeof a, after);
        show_secs(g, sizeof g, at);
        show_secs(w, sizeof w, want);
        print_error("%s: next transition after %sZ is %s, want %s\n", name, a, got ? g : "none",
                    found ? w : "none");
        _fail(file, line);
    }
}

static void next_transition_values(void **state)
{
    (void)state;
    const char *ny = "America/New_York";
    int64_t spring = secs(2026, 3, 8, 7, 0, 0), autumn = secs(2026, 11, 1, 6, 0, 0);
    next_is(ny, secs(2026, 1, 1, 0, 0, 0), spring);
    next_is(ny, spring - 1, spring);
    next_is(ny, spring, autumn);                    /* strictly after */
    next_is(ny, autumn, secs(2027, 3, 14, 7, 0, 0));
    next_is(ny, secs(2037, 11, 1, 6, 0, 0), secs(2038, 3, 14, 7, 0, 0));  /* into the rule */
    next_is(ny, secs(2045, 1, 1, 0, 0, 0), secs(2045, 3, 12, 7, 0, 0));
    next_is(ny, secs(2045, 3, 12, 7, 0, 0), secs(2045, 11, 5, 6, 0, 0));
    next_is(ny, secs(2045, 12, 31, 23, 0, 0), secs(2046, 3, 11, 7, 0, 0));
    next_is(ny, secs(1800, 1, 1, 0, 0, 0), secs(1883, 11, 18, 17, 0, 0));   /* the first */

    const char *lh = "Australia/Lord_Howe";
    next_is(lh, secs(2026, 1, 1, 0, 0, 0), secs(2026, 4, 4, 15, 0, 0));
    next_is(lh, secs(2045, 12, 1, 0, 0, 0), secs(2046, 3, 31, 15, 0, 0));

    next_is("Pacific/Kiritimati", secs(1990, 1, 1, 0, 0, 0), secs(1994, 12, 31, 10, 0, 0));
    next_is("America/Sao_Paulo", secs(2018, 12, 1, 0, 0, 0), secs(2019, 2, 17, 2, 0, 0));
    no_next("Asia/Kolkata", secs(2026, 1, 1, 0, 0, 0));
    no_next("UTC", secs(2026, 1, 1, 0, 0, 0));
    /* São Paulo and Kiritimati: see next_transition_is_a_change_of_offset */
}

static const char *const sweep_zones[] = {
    "America/New_York", "Europe/Berlin",  "Australia/Lord_Howe", "Asia/Kolkata",
    "America/St_Johns", "America/Sao_Paulo", "Europe/Dublin",   "America/Santiago",
    "Pacific/Chatham",  "Africa/Cairo",    "Europe/London",     "Europe/Moscow",
};

/* The offset changes nowhere but at a transition reported: checked hour by
 * hour from 1900 to 2060. */
static void next_transition_misses_nothing(void **state)
{
    (void)state;
    int64_t from = secs(1900, 1, 1, 0, 0, 0), to = secs(2060, 1, 1, 0, 0, 0);
    int bad = 0, reported = 0;
    for (size_t k = 0; k < sizeof sweep_zones / sizeof sweep_zones[0] && bad < 5; k++) {
        const tz_zone *z = zone(sweep_zones[k]);
        int64_t t = from, next = to;
        bool more = tz_next_transition(z, t, &next);
        int32_t cur = tz_offset_at(z, t);
        for (;;) {
            int64_t stop = more && next < to ? next : to;
            for (t += 3600; t < stop; t += 3600) {
                if (tz_offset_at(z, t) != cur && bad++ < 5) {
                    char w[40], n[40];
                    show_secs(w, sizeof w, t);
                    show_secs(n, sizeof n, stop);
                    print_error("%s: the offset changes before %sZ, but the next transition "
                                "reported is %sZ\n", sweep_zones[k], w, more ? n : "none");
                }
                cur = tz_offset_at(z, t);
            }
            if (!more || next >= to)
                break;
            t = next;
            cur = tz_offset_at(z, t);
            reported++;
            more = tz_next_transition(z, t, &next);
            if (more && next <= t)
                fail_msg("%s: transitions do not advance", sweep_zones[k]);
        }
    }
    if (bad)
        fail_msg("%d change(s) of offset missed", bad);
    assert_true(reported > 1000);
}

/* Regression test (fixed): tz.h promises "the first transition (a change of offset)", but
 * tz_next_transition returns every transition the file lists, and zic
 * lists changes of abbreviation or of isdst alone, and (in "fat" files,
 * as Debian ships) a transition to the same type at 2038-01-19 03:14:07Z
 * (INT32_MAX) for 32-bit readers. So São Paulo, which has had no change
 * since 2019-02-17, and Kiritimati (none since 1994) report one in 2038;
 * New York at 1945-08-14 23:00Z (EWT -4 becomes EPT -4), London at
 * 1968-10-26 23:00Z (BST as summer time becomes BST as standard time)
 * and others report one with the offset unchanged. Harmless in the
 * calendar (a day corrected by nothing), wrong for any caller that takes
 * the promise at its word. Fix: tz_load can drop a transition whose
 * offset equals the one before it (nothing else reads them). */
static void next_transition_is_a_change_of_offset(void **state)
{
    (void)state;
    int64_t to = secs(2060, 1, 1, 0, 0, 0);
    int bad = 0;
    int64_t at;
    if (tz_next_transition(zone("America/Sao_Paulo"), secs(2019, 2, 17, 2, 0, 0), &at) ||
        tz_next_transition(zone("Pacific/Kiritimati"), secs(2026, 1, 1, 0, 0, 0), &at)) {
        char w[40];
        show_secs(w, sizeof w, at);
        print_error("a transition after the last change of offset: %sZ\n", w);
        bad++;
    }
    for (size_t k = 0; k < sizeof sweep_zones / sizeof sweep_zones[0]; k++) {
        const tz_zone *z = zone(sweep_zones[k]);
        int64_t t = secs(1800, 1, 1, 0, 0, 0);
        while (tz_next_transition(z, t, &at) && at < to) {
            if (tz_offset_at(z, at - 1) == tz_offset_at(z, at) && bad++ < 12) {
                char w[40];
                show_secs(w, sizeof w, at);
                print_error("%s: transition reported at %sZ, but the offset stays %+d\n",
                            sweep_zones[k], w, tz_offset_at(z, at));
            }
            t = at;
        }
    }
    if (bad)
        fail_msg("%d transition(s) reported without a change of offset", bad);
}

/* ---- round trips 2020-2030 ----------------------------------------------------------- */

typedef struct change {
    int64_t at;
    int32_t before, after;
} change;

/* The offset changes in [from, to), from tz_next_transition (which the
 * sweep above checks hour by hour). */
static int changes_in(const tz_zone *z, int64_t from, int64_t to, change *out, int max)
{
    int n = 0;
    int64_t t = from, at;
    while (n < max && tz_next_transition(z, t, &at) && at < to) {
        int32_t b = tz_offset_at(z, at - 1), a = tz_offset_at(z, at);
        if (a != b)
            out[n++] = (change){at, b, a};
        t = at;
    }
    return n;
}

static const char *const round_trip_zones[] = {
    "America/New_York", "Europe/Berlin",   "Australia/Lord_Howe", "America/St_Johns",
    "Asia/Kolkata",     "America/Sao_Paulo", "America/Santiago", "Pacific/Chatham",
    "Europe/Dublin",    "America/Nuuk",    "Pacific/Kiritimati", "UTC",
};

/* Every quarter hour of local time 2020-2030 goes to UTC and back; a time
 * in a gap or an overlap maps as tz.h documents, with the offset in force
 * before the change. And every UTC quarter hour goes to local time and
 * back (to the earlier instant, in an overlap). */
static void round_trips_2020_2030(void **state)
{
    (void)state;
    int64_t from = secs(2020, 1, 1, 0, 0, 0), to = secs(2031, 1, 1, 0, 0, 0);
    change ch[64];
    for (size_t k = 0; k < sizeof round_trip_zones / sizeof round_trip_zones[0]; k++) {
        const char *name = round_trip_zones[k];
        const tz_zone *z = zone(name);
        int n = changes_in(z, from - 2 * DAY, to + 2 * DAY, ch, 64);
        int gaps = 0, overlaps = 0, bad = 0;
        for (int64_t local = from; local < to && bad < 5; local += 900) {
            int64_t want = INT64_MIN;
            bool special = false;
            for (int i = 0; i < n; i++) {
                int64_t lo = ch[i].at + (ch[i].before < ch[i].after ? ch[i].before : ch[i].after);
                int64_t hi = ch[i].at + (ch[i].before < ch[i].after ? ch[i].after : ch[i].before);
                if (local >= lo && local < hi) {
                    want = local - ch[i].before;
                    special = true;
                    if (ch[i].before < ch[i].after)
                        gaps++;
                    else
                        overlaps++;
                }
            }
            int64_t u = tz_local_to_utc(z, local);
            bool ok = special ? u == want : u + tz_offset_at(z, u) == local;
            if (!ok) {
                char l[40], g[40], w[40];
                show_secs(l, sizeof l, local);
                show_secs(g, sizeof g, u);
                show_secs(w, sizeof w, want);
                print_error("%s: local %s -> %sZ (back to local: %+d s)%s%s\n", name, l, g,
                            (int)(u + tz_offset_at(z, u) - local), special ? ", want " : "",
                            special ? w : "");
                bad++;
            }
        }
        for (int64_t u = from; u < to && bad < 5; u += 900) {
            int64_t local = u + tz_offset_at(z, u), want = u;
            for (int i = 0; i < n; i++)
                if (ch[i].after < ch[i].before && u >= ch[i].at &&
                    u < ch[i].at + (ch[i].before - ch[i].after))
                    want = u - (ch[i].before - ch[i].after);   /* the second time round */
            if (tz_local_to_utc(z, local) != want) {
                char g[40];
                show_secs(g, sizeof g, u);
                print_error("%s: %sZ -> local -> %+d s\n", name, g,
                            (int)(tz_local_to_utc(z, local) - u));
                bad++;
            }
        }
        if (bad)
            fail_msg("%s: round trips fail", name);
        /* zones with daylight saving time had their gaps and overlaps tested */
        if (n >= 20 && (gaps == 0 || overlaps == 0))
            fail_msg("%s: %d changes but %d gap and %d overlap times", name, n, gaps, overlaps);
    }
}

/* ---- against the C library ------------------------------------------------------------- */

static const char *const libc_zones[] = {
    "America/New_York", "Europe/Berlin",    "Australia/Lord_Howe", "Asia/Kolkata",
    "Pacific/Kiritimati", "America/St_Johns", "America/Sao_Paulo", "Europe/Dublin",
    "America/Santiago", "America/Nuuk",     "Pacific/Chatham",     "Asia/Jerusalem",
    "Africa/Cairo",     "Antarctica/Troll", "Pacific/Apia",        "Europe/London",
    "Asia/Tehran",      "Africa/Casablanca", "America/Havana",     "Australia/Sydney",
    "Asia/Gaza",        "America/Los_Angeles", "Asia/Kathmandu",   "Europe/Moscow",
};

#define N_LIBC_ZONES (sizeof libc_zones / sizeof libc_zones[0])

static int libc_mismatch(const char *name, const char *why, int64_t t, int32_t got, int32_t want)
{
    char s[40];
    show_secs(s, sizeof s, t);
    print_error("%s at %sZ (%" PRId64 ", %s): offset %d, C library says %d\n", name, s, t, why,
                got, want);
    return 1;
}

/* Random instants 1970-2060 (and fewer 1800-2200), whole seconds. */
static void offsets_match_libc(void **state)
{
    (void)state;
    uint64_t seed = 20260308;
    rng_state = seed;
    int n = scaled(4000), bad = 0;
    for (size_t k = 0; k < N_LIBC_ZONES && bad < 10; k++) {
        const tz_zone *z = zone(libc_zones[k]);
        libc_use(libc_zones[k]);
        for (int i = 0; i < n && bad < 10; i++) {
            int64_t t = i % 8 == 7 ? rnd_between(secs(1800, 1, 1, 0, 0, 0), secs(2200, 1, 1, 0, 0, 0))
                                   : rnd_between(0, secs(2060, 1, 1, 0, 0, 0));
            int32_t got = tz_offset_at(z, t), want = libc_offset(t);
            if (got != want)
                bad += libc_mismatch(libc_zones[k], "random", t, got, want);
        }
    }
    libc_done();
    if (bad)
        fail_msg("offsets differ from the C library's (seed %" PRIu64 ")", seed);
}

/* Both sides of every transition 1900-2060, to the second. */
static void transitions_match_libc(void **state)
{
    (void)state;
    int bad = 0, checked = 0;
    for (size_t k = 0; k < N_LIBC_ZONES && bad < 10; k++) {
        const tz_zone *z = zone(libc_zones[k]);
        libc_use(libc_zones[k]);
        int64_t t = secs(1900, 1, 1, 0, 0, 0), at;
        while (tz_next_transition(z, t, &at) && at < secs(2060, 1, 1, 0, 0, 0) && bad < 10) {
            for (int64_t d = -1; d <= 1; d++) {
                int32_t got = tz_offset_at(z, at + d), want = libc_offset(at + d);
                if (got != want)
                    bad += libc_mismatch(libc_zones[k], d < 0 ? "just before a transition"
                                                               : "at a transition",
                                         at + d, got, want);
            }
            checked++;
            t = at;
        }
    }
    libc_done();
    if (bad)
        fail_msg("offsets at transitions differ from the C library's");
    assert_true(checked > 1000);
}

/* The calendar turns microseconds into seconds, so instants up to
 * +-9.2e12 s (year +-292277) reach tz_offset_at. */
static void far_instants_match_libc(void **state)
{
    (void)state;
    const char *names[] = {"America/New_York", "Europe/Berlin", "Australia/Lord_Howe",
                           "Asia/Kolkata", "Europe/Dublin", "UTC"};
    int64_t ts[] = {INT64_MAX / 1000000, INT64_MIN / 1000000, secs(9999, 12, 31, 23, 59, 59),
                    secs(100000, 7, 1, 0, 0, 0), secs(-5000, 1, 1, 0, 0, 0)};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        libc_use(names[k]);
        for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
            int32_t want = libc_offset(ts[i]);
            if (want == INT32_MIN)
                continue;
            int32_t got = tz_offset_at(zone(names[k]), ts[i]);
            if (got != want) {
                libc_done();
                libc_mismatch(names[k], "far", ts[i], got, want);
                fail();
            }
            int64_t local = ts[i] + got;
            int64_t back = tz_local_to_utc(zone(names[k]), local);
            if (back + tz_offset_at(zone(names[k]), back) != local) {
                libc_done();
                fail_msg("%s: local %" PRId64 " does not round-trip", names[k], local);
            }
        }
    }
    libc_done();
}

/* ---- in a child process ------------------------------------------------------------ */

/* What the child is doing, in memory the parent can read after a crash. */
static char *child_case;
enum { CASE_LEN = 512 };

static void child_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void child_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(child_case, CASE_LEN, fmt, ap);
    va_end(ap);
}

/* Runs fn in a child; it returns 0 if every case held. A crash, a
 * sanitizer's report or a failed case fails the test with the case. */
#define in_child(fn, arg) \
    do { \
        if (!child_ok((fn), (arg), #fn)) \
            fail(); \
    } while (0)

static bool child_ok(int (*fn)(void *), void *arg, const char *what)
{
    if (!child_case) {
        child_case = mmap(NULL, CASE_LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        assert_true(child_case != MAP_FAILED);
    }
    child_case[0] = '\0';
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(fn(arg));
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    if (WIFSIGNALED(status))
        print_error("%s: the child died of signal %d at: %s\n", what, WTERMSIG(status), child_case);
    else
        print_error("%s: the child exited %d at: %s\n", what, WEXITSTATUS(status), child_case);
    return false;
}

/* ---- a private database ------------------------------------------------------------- */

static char tmpdir[64];
static char *saved_tzdir;

/* Setup: TZDIR is an empty temporary directory until the teardown. */
static int use_tmp_db(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/test_tz.XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    const char *d = getenv("TZDIR");
    saved_tzdir = d ? strdup(d) : NULL;
    setenv("TZDIR", tmpdir, 1);
    return 0;
}

/* The private database is flat: its files, then itself. */
static void remove_db(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[320];
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    if (rmdir(dir) != 0)
        print_error("could not remove %s\n", dir);
}

static int drop_tmp_db(void **state)
{
    (void)state;
    if (saved_tzdir)
        setenv("TZDIR", saved_tzdir, 1);
    else
        unsetenv("TZDIR");
    free(saved_tzdir);
    saved_tzdir = NULL;
    remove_db(tmpdir);
    return 0;
}

static void put_file(const char *name, const void *data, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        print_error("cannot write %s\n", path);
        abort();
    }
}

static unsigned char *read_whole(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *d = malloc(1 << 20);
    assert_non_null(d);
    *n = fread(d, 1, 1 << 20, f);
    fclose(f);
    return d;
}

static unsigned char *system_file(const char *name, size_t *n)
{
    char path[256];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
    return read_whole(path, n);
}

/* Loads name from the private database. Returns 0 if it failed with a
 * message, 1 if it loaded (and then answers a few questions, which must
 * not crash), -1 if it failed without a message. */
static int try_load(const char *name)
{
    char err[256];
    memset(err, 0, sizeof err);
    tz_zone *z = tz_load(name, err, sizeof err);
    if (!z)
        return err[0] ? 0 : -1;
    int64_t ts[] = {secs(1800, 1, 1, 0, 0, 0), 0, secs(2026, 3, 8, 7, 0, 0), secs(2045, 7, 1, 0, 0, 0)};
    volatile int64_t sink = 0;
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
        int64_t at;
        sink += tz_offset_at(z, ts[i]);
        sink += tz_local_to_utc(z, ts[i]);
        if (tz_next_transition(z, ts[i], &at))
            sink += at;
    }
    (void)sink;
    tz_free(z);
    return 1;
}

/* ---- names ------------------------------------------------------------------------- */

#define load_fails(name, sub) check_load_fails_at((name), (sub), __FILE__, __LINE__)

static void check_load_fails_at(const char *name, const char *sub, const char *file, int line)
{
    char err[256] = "";
    tz_zone *z = tz_load(name, err, sizeof err);
    if (z) {
        tz_free(z);
        print_error("tz_load(\"%s\") succeeded\n", name);
        _fail(file, line);
    }
    check_contains_at(err, sub, file, line);
    const char *why = tz_check_name(name);
    if (!why) {
        print_error("tz_check_name(\"%s\") accepts it\n", name);
        _fail(file, line);
    }
}

static void unknown_and_bad_names(void **state)
{
    (void)state;
    load_fails("Mars/Olympus_Mons", "no such time zone");
    load_fails("America/Springfield", "no such time zone");
    load_fails("america/new_york", "no such time zone");
    load_fails("America", "");                     /* a directory */
    load_fails("../etc/passwd", "not a time zone name");
    load_fails("America/../../etc/passwd", "not a time zone name");
    load_fails("/etc/passwd", "not a time zone name");
    load_fails("/usr/share/zoneinfo/America/New_York", "not a time zone name");
    load_fails("a b", "not a time zone name");
    load_fails("America/New York", "not a time zone name");
    load_fails("", "not a time zone name");
    load_fails("America/New_York\n", "not a time zone name");
    load_fails("Europe/Berlin;rm", "not a time zone name");
    load_fails("Europe\\Berlin", "not a time zone name");
    load_fails("Europe/Berlin.", "not a time zone name");
    char longname[400];
    memset(longname, 'A', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    load_fails(longname, "not a time zone name");

    assert_null(tz_check_name("America/New_York"));
    assert_null(tz_check_name("Asia/Kolkata"));
    assert_null(tz_check_name("UTC"));
    assert_non_null(tz_check_name("Mars/Olympus_Mons"));
    assert_string_equal(tz_name(zone("Australia/Lord_Howe")), "Australia/Lord_Howe");

    /* a short error buffer is filled, never overrun */
    char small[8];
    memset(small, 'x', sizeof small);
    assert_null(tz_load("Mars/Olympus_Mons", small, 5));
    assert_int_equal(small[4], '\0');
    assert_int_equal(small[5], 'x');
}

static void utc_without_a_database(void **state)
{
    (void)state;
    assert_string_equal(tz_dir(), tmpdir);
    char err[256] = "";
    tz_zone *z = tz_load("UTC", err, sizeof err);
    tz_zone *e = tz_load("Etc/UTC", err, sizeof err);
    tz_zone *ny = tz_load("America/New_York", err, sizeof err);
    const char *check = tz_check_name("UTC");
    int64_t at = 0;
    bool ok = z && e && !ny && !check && tz_offset_at(z, secs(2026, 7, 1, 0, 0, 0)) == 0 &&
              tz_offset_at(e, secs(1800, 7, 1, 0, 0, 0)) == 0 &&
              tz_local_to_utc(z, secs(2026, 3, 8, 2, 30, 0)) == secs(2026, 3, 8, 2, 30, 0) &&
              !tz_next_transition(z, 0, &at);
    tz_free(z);
    tz_free(e);
    tz_free(ny);
    assert_true(ok);
    assert_contains(err, "no such time zone");
}

/* ---- damaged files -------------------------------------------------------------------- */

typedef struct trunc_job {
    const unsigned char *data;
    size_t from, to;        /* lengths to try: [from, to) */
} trunc_job;

static int truncations_fail(void *arg)
{
    const trunc_job *j = arg;
    for (size_t len = j->from; len < j->to; len++) {
        child_note("the file cut to %zu of its bytes", len);
        put_file("Cut", j->data, len);
        int r = try_load("Cut");
        if (r != 0) {
            fprintf(stderr, "cut to %zu bytes: %s\n", len,
                    r > 0 ? "loaded" : "failed without a message");
            return 2;
        }
    }
    return 0;
}

/* The offset of the footer's first newline in a v2+ file. */
static size_t footer_start(const unsigned char *d, size_t n)
{
    size_t i = n - 1;
    while (i > 0 && d[i - 1] != '\n')
        i--;
    return i - 1;
}

static void truncated_files(void **state)
{
    (void)state;
    const char *names[] = {"America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        size_t n;
        unsigned char *d = system_file(names[k], &n);
        trunc_job j = {d, 0, footer_start(d, n)};
        bool ok = child_ok(truncations_fail, &j, names[k]);
        put_file("Whole", d, n);
        ok = ok && try_load("Whole") == 1;
        free(d);
        assert_true(ok);
    }
}

/* Regression test (fixed): a version 2+ file cut inside its footer (the POSIX rule line
 * "\nEST5EDT,M3.2.0,M11.1.0\n" that ends New York's file, bytes 3528 to
 * 3551 of 3552) loads without an error: parse_tzif takes a footer without
 * its closing newline (or no footer at all) as "no rule", so the zone
 * keeps the offset of its last listed transition, EST from 2037-11-01,
 * forever: 2045-07-01 comes out as -05:00 instead of -04:00, silently.
 * RFC 8536 requires the footer's two newlines in version 2+ files; a
 * missing one should be "damaged time zone file (truncated)". */
static void files_cut_in_the_footer(void **state)
{
    (void)state;
    size_t n;
    unsigned char *d = system_file("America/New_York", &n);
    trunc_job j = {d, footer_start(d, n), n};
    bool ok = child_ok(truncations_fail, &j, "America/New_York");
    free(d);
    assert_true(ok);
}

typedef struct mutate_job {
    const unsigned char *data;
    size_t n;
    size_t second;          /* where the second header starts */
    int count;
    uint64_t seed;
} mutate_job;

/* Random damage to a real file: flipped bytes, swapped counts, garbage. */
static int mutations_survive(void *arg)
{
    const mutate_job *j = arg;
    unsigned char *m = malloc(j->n + 64);
    if (!m)
        return 3;
    rng_state = j->seed;
    int loaded = 0, refused = 0;
    for (int i = 0; i < j->count; i++) {
        memcpy(m, j->data, j->n);
        size_t n = j->n;
        int kind = (int)(rnd() % 5);
        int flips = 1 + (int)(rnd() % 4);
        for (int f = 0; f < flips; f++) {
            size_t at;
            switch (kind) {
            case 0:   /* anywhere */
                at = rnd() % n;
                m[at] = (unsigned char)rnd();
                break;
            case 1:   /* a header of either part */
                at = (rnd() & 1 ? 0 : j->second) + 20 + rnd() % 24;
                m[at] ^= (unsigned char)(1u << (rnd() % 8));
                break;
            case 2:   /* the footer */
                at = footer_start(j->data, j->n) + 1 + rnd() % (n - footer_start(j->data, j->n) - 1);
                m[at] = (unsigned char)(' ' + rnd() % 95);
                break;
            case 3:   /* the data of the second part */
                at = n / 2 + rnd() % (n / 2);
                m[at] = (unsigned char)rnd();
                break;
            default:  /* garbage after a real header */
                for (size_t b = 44; b < n; b++)
                    m[b] = (unsigned char)rnd();
                break;
            }
        }
        child_note("mutation %d (kind %d, seed %" PRIu64 ")", i, kind, j->seed);
        put_file("Mutant", m, n);
        int r = try_load("Mutant");
        if (r < 0) {
            fprintf(stderr, "mutation %d failed without a message\n", i);
            free(m);
            return 2;
        }
        loaded += r == 1;
        refused += r == 0;
    }
    free(m);
    return refused > 0 ? 0 : 4;
}

static int garbage_fails(void *arg)
{
    (void)arg;
    rng_state = 77;
    unsigned char g[4096];
    for (int i = 0; i < 500; i++) {
        size_t n = rnd() % sizeof g;
        for (size_t b = 0; b < n; b++)
            g[b] = (unsigned char)rnd();
        if (i % 2 && n >= 5)
            memcpy(g, i % 4 == 1 ? "TZif2" : "TZif\0", 5);
        child_note("garbage file %d of %zu bytes", i, n);
        put_file("Garbage", g, n);
        if (try_load("Garbage") != 0) {
            fprintf(stderr, "garbage %d loaded or failed without a message\n", i);
            return 2;
        }
    }
    child_note("an empty file");
    put_file("Empty", "", 0);
    return try_load("Empty") == 0 ? 0 : 2;
}

static void damaged_files(void **state)
{
    (void)state;
    size_t n;
    unsigned char *d = system_file("America/New_York", &n);
    const unsigned char *second = memmem(d + 4, n - 4, "TZif", 4);
    assert_non_null(second);
    mutate_job j = {d, n, (size_t)(second - d), scaled(3000), 99};
    bool ok = child_ok(mutations_survive, &j, "mutations_survive") &&
              child_ok(garbage_fails, NULL, "garbage_fails");
    free(d);
    assert_true(ok);
}

/* ---- hand-made files ------------------------------------------------------------------ */

typedef struct tzif_spec {
    char version;               /* '\0', '2', '3' */
    int ntimes;
    int64_t times[8];
    unsigned char idx[8];
    int ntypes;
    int32_t offs[4];
    unsigned char isdst[4];
    const char *footer;         /* without its newlines; NULL: none */
    uint32_t counts_override[6];   /* nonzero: replaces a count of the second header */
} tzif_spec;

static size_t put_be(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
    return (size_t)bytes;
}

/* Writes a TZif file: the v1 part, then for v2+ the 64-bit part and the footer. */
static size_t make_tzif(unsigned char *out, const tzif_spec *s)
{
    size_t n = 0;
    for (int part = 0; part < (s->version ? 2 : 1); part++) {
        int ts = part ? 8 : 4;
        uint32_t counts[6] = {0, 0, 0, (uint32_t)s->ntimes, (uint32_t)s->ntypes, 4};
        if (part == (s->version ? 1 : 0))
            for (int i = 0; i < 6; i++)
                if (s->counts_override[i])
                    counts[i] = s->counts_override[i];
        memcpy(out + n, "TZif", 4);
        out[n + 4] = (unsigned char)s->version;
        memset(out + n + 5, 0, 15);
        n += 20;
        for (int i = 0; i < 6; i++)
            n += put_be(out + n, counts[i], 4);
        for (int i = 0; i < s->ntimes; i++)
            n += put_be(out + n, (uint64_t)s->times[i], ts);
        for (int i = 0; i < s->ntimes; i++)
            out[n++] = s->idx[i];
        for (int i = 0; i < s->ntypes; i++) {
            n += put_be(out + n, (uint32_t)s->offs[i], 4);
            out[n++] = s->isdst[i];
            out[n++] = 0;
        }
        memcpy(out + n, "ABC", 4);
        n += 4;
    }
    if (s->version && s->footer)
        n += (size_t)sprintf((char *)out + n, "\n%s\n", s->footer);
    return n;
}

static tz_zone *load_made(const tzif_spec *s, char *err, size_t errlen)
{
    unsigned char bytes[1024];
    size_t n = make_tzif(bytes, s);
    put_file("Made", bytes, n);
    return tz_load("Made", err, errlen);
}

static void handmade_files(void **state)
{
    (void)state;
    char err[256];
    int64_t t1 = secs(2000, 4, 2, 7, 0, 0), t2 = secs(2000, 10, 29, 6, 0, 0);

    /* version 1: 32-bit data and no footer; the last offset stays */
    tzif_spec v1 = {'\0', 2, {t1, t2}, {1, 0}, 2, {-18000, -14400}, {0, 1}, NULL, {0}};
    tz_zone *z = load_made(&v1, err, sizeof err);
    bool ok1 = z && tz_offset_at(z, t1 - 1) == -18000 && tz_offset_at(z, t1) == -14400 &&
               tz_offset_at(z, t2) == -18000 && tz_offset_at(z, secs(2045, 7, 1, 0, 0, 0)) == -18000 &&
               tz_offset_at(z, secs(1900, 1, 1, 0, 0, 0)) == -18000;
    tz_free(z);

    /* version 2 without transitions: the footer alone */
    tzif_spec v2 = {'2', 0, {0}, {0}, 1, {-18000}, {0}, "EST5EDT,M3.2.0,M11.1.0", {0}};
    z = load_made(&v2, err, sizeof err);
    bool ok2 = z && tz_offset_at(z, secs(2026, 3, 8, 6, 59, 59)) == -18000 &&
               tz_offset_at(z, secs(2026, 3, 8, 7, 0, 0)) == -14400 &&
               tz_offset_at(z, secs(1950, 7, 1, 0, 0, 0)) == -14400;
    int64_t at = 0;
    ok2 = ok2 && tz_next_transition(z, secs(2026, 1, 1, 0, 0, 0), &at) &&
          at == secs(2026, 3, 8, 7, 0, 0);
    tz_free(z);

    /* version 3: hours beyond 24 and negative in the rule (Nuuk, Jerusalem) */
    tzif_spec v3 = {'3', 0, {0}, {0}, 1, {-7200}, {0}, "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", {0}};
    z = load_made(&v3, err, sizeof err);
    /* 2026-03-28 (Saturday) 23:00 local -02 = 2026-03-29 01:00Z */
    bool ok3 = z && tz_offset_at(z, secs(2026, 3, 29, 0, 59, 59)) == -7200 &&
               tz_offset_at(z, secs(2026, 3, 29, 1, 0, 0)) == -3600 &&
               tz_offset_at(z, secs(2026, 10, 25, 0, 59, 59)) == -3600 &&
               tz_offset_at(z, secs(2026, 10, 25, 1, 0, 0)) == -7200;
    tz_free(z);
    tzif_spec v3b = {'3', 0, {0}, {0}, 1, {7200}, {0}, "IST-2IDT,M3.4.4/26,M10.5.0", {0}};
    z = load_made(&v3b, err, sizeof err);
    /* Friday 2026-03-27 02:00 local +2 = 2026-03-27 00:00Z */
    bool ok4 = z && tz_offset_at(z, secs(2026, 3, 26, 23, 59, 59)) == 7200 &&
               tz_offset_at(z, secs(2026, 3, 27, 0, 0, 0)) == 10800;
    tz_free(z);

    /* Jn never counts February 29; n does */
    tzif_spec jn = {'2', 0, {0}, {0}, 1, {0}, {0}, "AAA0BBB,J60/0,300/0", {0}};
    z = load_made(&jn, err, sizeof err);
    bool ok5 = z && tz_offset_at(z, secs(2028, 2, 29, 23, 59, 59)) == 0 &&
               tz_offset_at(z, secs(2028, 3, 1, 0, 0, 0)) == 3600 &&       /* J60 = March 1 */
               tz_offset_at(z, secs(2028, 10, 26, 22, 59, 59)) == 3600 &&  /* 300 = Oct 27 */
               tz_offset_at(z, secs(2028, 10, 26, 23, 0, 0)) == 0;
    tz_free(z);

    /* Rules whose change falls on the other side of new year in UTC: the
     * C library takes the UTC year's rule and gets these wrong, so they
     * are checked here. Summer time until the last Saturday of December
     * 23:00 CDT, which in 1977 is 1978-01-01 04:00Z. */
    tzif_spec dec = {'3', 0, {0}, {0}, 1, {-21600}, {0}, "CST6CDT5,M2.5.1/1,M12.5.6/23", {0}};
    z = load_made(&dec, err, sizeof err);
    bool ok7 = z && tz_offset_at(z, secs(1978, 1, 1, 3, 59, 59)) == -18000 &&
               tz_offset_at(z, secs(1978, 1, 1, 4, 0, 0)) == -21600 &&
               tz_offset_at(z, secs(1977, 2, 28, 7, 0, 0)) == -18000 &&
               tz_offset_at(z, secs(1977, 2, 28, 6, 59, 59)) == -21600;
    tz_free(z);

    /* daylight saving time all year, as RFC 8536 writes it */
    tzif_spec all = {'3', 0, {0}, {0}, 1, {-10800}, {0}, "AAA3BBB,0/0,J365/25", {0}};
    z = load_made(&all, err, sizeof err);
    bool ok6 = z != NULL;
    for (int y = 2020; ok6 && y < 2040; y++)
        for (int64_t t = secs(y, 1, 1, 0, 0, 0); ok6 && t < secs(y, 1, 2, 0, 0, 0); t += 900)
            ok6 = tz_offset_at(z, t) == -7200 && tz_offset_at(z, t + 180 * DAY) == -7200;
    tz_free(z);

    assert_true(ok1);
    assert_true(ok2);
    assert_true(ok3);
    assert_true(ok4);
    assert_true(ok5);
    assert_true(ok6);
    assert_true(ok7);
}

/* Files with only a footer rule, against the C library reading the same
 * rule as a POSIX TZ value: every form of date and time the rules use. */
static void footer_rules_match_libc(void **state)
{
    (void)state;
    static const char *const rules[] = {
        "EST5EDT,M3.2.0,M11.1.0",
        "AAA5BBB",                                    /* the default rule */
        "<-02>2<-01>,M3.5.0/-1,M10.5.0/0",            /* Nuuk: a negative time */
        "IST-2IDT,M3.4.4/26,M10.5.0",                 /* Jerusalem: after 24:00 */
        "EET-2EEST,M3.4.4/50,M10.4.4/50",             /* Gaza */
        "EET-2EEST,M4.5.5/0,M10.5.4/24",              /* Cairo */
        "IST-1GMT0,M10.5.0,M3.5.0/1",                 /* Dublin: negative DST */
        "<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45",
        "<-04>4<-03>,M9.1.6/24,M4.1.6/24",            /* Santiago */
        "<+00>0<+02>-2,M3.5.0/1,M10.5.0/3",           /* Troll: two hours */
        "AAA0BBB,J60/0,300/0",
        "AAA-3BBB-2:30:15,100/3:15:45,250/-1:00:30",
        "<+0530>-5:30",
        "<-0930>9:30",
        "CST6CDT5,M2.5.1/1,M11.5.6/23",
    };
    int bad = 0;
    uint64_t seed = 31;
    rng_state = seed;
    for (size_t k = 0; k < sizeof rules / sizeof rules[0]; k++) {
        char err[256] = "";
        tzif_spec s = {'3', 0, {0}, {0}, 1, {0}, {0}, rules[k], {0}};
        tz_zone *z = load_made(&s, err, sizeof err);
        if (!z) {
            print_error("footer \"%s\": %s\n", rules[k], err);
            bad++;
            continue;
        }
        setenv("TZ", rules[k], 1);
        tzset();
        int64_t t = secs(1970, 1, 1, 0, 0, 0), at;
        for (int i = 0; i < scaled(3000) && bad < 10; i++) {
            int64_t u = i % 3 == 0 && tz_next_transition(z, t, &at) ? (t = at) + (int64_t)(rnd() % 3) - 1
                                                                   : rnd_between(0, secs(2100, 1, 1, 0, 0, 0));
            if (tz_offset_at(z, u) != libc_offset(u))
                bad += libc_mismatch(rules[k], "footer rule", u, tz_offset_at(z, u), libc_offset(u));
        }
        tz_free(z);
    }
    libc_done();
    if (bad)
        fail_msg("footer rules differ from the C library's reading");
}

/* Hand-made files that are wrong in one way each must be refused. */
static int malformed_refused(void *arg)
{
    (void)arg;
    int64_t t1 = secs(2000, 4, 2, 7, 0, 0), t2 = secs(2000, 10, 29, 6, 0, 0);
    const tzif_spec cases[] = {
        /* transitions out of order */
        {'2', 2, {t2, t1}, {1, 0}, 2, {-18000, -14400}, {0, 1}, "EST5", {0}},
        /* a transition's type that does not exist */
        {'2', 2, {t1, t2}, {1, 7}, 2, {-18000, -14400}, {0, 1}, "EST5", {0}},
        /* no types at all */
        {'2', 0, {0}, {0}, 0, {0}, {0}, "EST5", {0}},
        /* counts larger than the file */
        {'2', 2, {t1, t2}, {1, 0}, 2, {-18000, -14400}, {0, 1}, "EST5", {0, 0, 0, 90000, 0, 0}},
        {'2', 2, {t1, t2}, {1, 0}, 2, {-18000, -14400}, {0, 1}, "EST5", {0, 0, 0xFFFFFFFFu, 0, 0, 0}},
        {'2', 2, {t1, t2}, {1, 0}, 2, {-18000, -14400}, {0, 1}, "EST5", {0, 0, 0, 0, 0, 0xFFFFFFFFu}},
        {'2', 2, {t1, t2}, {1, 0}, 2, {-18000, -14400}, {0, 1}, "EST5", {0, 0, 0, 0, 255, 0}},
        /* isut or isstd counts that do not match the types */
        {'2', 2, {t1, t2}, {1, 0}, 2, {-18000, -14400}, {0, 1}, "EST5", {1, 0, 0, 0, 0, 0}},
        {'2', 2, {t1, t2}, {1, 0}, 2, {-18000, -14400}, {0, 1}, "EST5", {0, 3, 0, 0, 0, 0}},
        /* footers that are not POSIX TZ rules */
        {'2', 0, {0}, {0}, 1, {-18000}, {0}, "not a rule", {0}},
        {'2', 0, {0}, {0}, 1, {-18000}, {0}, "E5", {0}},
        {'2', 0, {0}, {0}, 1, {-18000}, {0}, "<EST5", {0}},
        {'2', 0, {0}, {0}, 1, {-18000}, {0}, "EST", {0}},
        {'2', 0, {0}, {0}, 1, {-18000}, {0}, "EST5EDT,M3.2.0", {0}},
        {'2', 0, {0}, {0}, 1, {-18000}, {0}, "EST5EDT,M13.2.0,M11.1.0", {0}},
        {'2', 0, {0}, {0}, 1, {-18000}, {0}, "EST5EDT,M3.6.0,M11.1.0", {0}},
        {'2', 0, {0}, {0}, 1, {-18000}, {0}, "EST5EDT,M3.2.7,M11.1.0", {0}},
        {'2', 0, {0}, {0}, 1, {-18000}, {0}, "EST5EDT,J0,J365", {0}},
        {'2', 0, {0}, {0}, 1, {-18000}, {0}, "EST5EDT,366,0", {0}},
        {'2', 0, {0}, {0}, 1, {-18000}, {0}, "EST5EDT,M3.2.0/,M11.1.0", {0}},
        {'2', 0, {0}, {0}, 1, {-18000}, {0}, "EST5:60", {0}},
        {'2', 0, {0}, {0}, 1, {-18000}, {0}, "EST168", {0}},
        {'2', 0, {0}, {0}, 1, {-18000}, {0}, "EST5EDT,M3.2.0,M11.1.0junk", {0}},
    };
    char err[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        child_note("malformed case %zu (footer \"%s\")", i, cases[i].footer);
        err[0] = '\0';
        tz_zone *z = load_made(&cases[i], err, sizeof err);
        if (z || !err[0]) {
            fprintf(stderr, "malformed case %zu (footer \"%s\") %s\n", i, cases[i].footer,
                    z ? "loaded" : "failed without a message");
            tz_free(z);
            return 2;
        }
    }
    return 0;
}

static void malformed_files(void **state)
{
    (void)state;
    in_child(malformed_refused, NULL);
}

/* Regression test (fixed): numbers in the footer are accumulated in int without a bound
 * (parse_hms's hours, minutes and seconds, tz.c:106-118; Jn and n days in
 * parse_date, tz.c:135 and 150; and sscanf's %d for Mm.w.d, undefined on
 * overflow), so a damaged footer such as "EST99999999999" overflows a
 * signed int before the range check (h > 167) can refuse it: undefined
 * behaviour, which UBSan reports as "signed integer overflow: 999999999 *
 * 10" in parse_hms. A normal build happens to refuse these footers, so
 * only a sanitizer build sees this test fail. The loops should stop
 * accumulating once the value is past its limit. */
static int long_numbers_refused(void *arg)
{
    (void)arg;
    const char *footers[] = {
        "EST99999999999",
        "EST5:99999999999",
        "EST5EDT,J99999999999,J300",
        "EST5EDT,99999999999,300",
        "EST5EDT,M3.2.0/99999999999,M11.1.0",
    };
    char err[256];
    for (size_t i = 0; i < sizeof footers / sizeof footers[0]; i++) {
        child_note("footer \"%s\"", footers[i]);
        tzif_spec s = {'2', 0, {0}, {0}, 1, {-18000}, {0}, footers[i], {0}};
        err[0] = '\0';
        tz_zone *z = load_made(&s, err, sizeof err);
        if (z || !err[0]) {
            fprintf(stderr, "footer \"%s\" %s\n", footers[i],
                    z ? "loaded" : "failed without a message");
            tz_free(z);
            return 2;
        }
    }
    return 0;
}

static void footers_with_long_numbers(void **state)
{
    (void)state;
    in_child(long_numbers_refused, NULL);
}

/* Regression test (fixed): tz.h takes any int64_t instant, but tz_local_to_utc computes
 * local - 2 days and local + 2 days (tz.c:399, for every zone, UTC too)
 * and tz_offset_at computes t + std_off (rule_offset, tz.c:238) without a
 * check: at INT64_MIN or INT64_MAX that is signed overflow, which UBSan
 * reports ("-9223372036854775808 - 172800 cannot be represented") and a
 * normal build silently wraps. Clamping the instant to a range the
 * calendar arithmetic can use (say +-2^50 s) would do. (The calendar
 * passes microseconds / 1e6, which never comes near; the range it can
 * reach is checked by far_instants_match_libc.) Only a sanitizer build
 * sees this one fail. */
static int extremes_survive(void *arg)
{
    (void)arg;
    const char *names[] = {"UTC", "Asia/Kolkata", "America/New_York", "Europe/Berlin",
                           "Australia/Lord_Howe"};
    int64_t ts[] = {INT64_MIN, INT64_MIN + 1, INT64_MAX - 1, INT64_MAX};
    volatile int64_t sink = 0;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        char err[256];
        tz_zone *z = tz_load(names[k], err, sizeof err);
        if (!z) {
            fprintf(stderr, "%s: %s\n", names[k], err);
            return 3;
        }
        for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
            int64_t at;
            child_note("%s at %" PRId64, names[k], ts[i]);
            sink += tz_offset_at(z, ts[i]);
            child_note("%s: tz_local_to_utc(%" PRId64 ")", names[k], ts[i]);
            sink += tz_local_to_utc(z, ts[i]);
            child_note("%s: tz_next_transition(%" PRId64 ")", names[k], ts[i]);
            if (tz_next_transition(z, ts[i], &at))
                sink += at;
        }
        tz_free(z);
    }
    (void)sink;
    return 0;
}

static void extreme_instants(void **state)
{
    (void)state;
    in_child(extremes_survive, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_offsets),
        cmocka_unit_test(offsets_from_the_footer_rule),
        cmocka_unit_test(offsets_before_the_first_transition),
        cmocka_unit_test(local_to_utc_gap_and_overlap),
        cmocka_unit_test(next_transition_values),
        cmocka_unit_test(next_transition_misses_nothing),
        cmocka_unit_test(next_transition_is_a_change_of_offset),
        cmocka_unit_test(round_trips_2020_2030),
        cmocka_unit_test(offsets_match_libc),
        cmocka_unit_test(transitions_match_libc),
        cmocka_unit_test(far_instants_match_libc),
        cmocka_unit_test(unknown_and_bad_names),
        cmocka_unit_test_setup_teardown(utc_without_a_database, use_tmp_db, drop_tmp_db),
        cmocka_unit_test_setup_teardown(truncated_files, use_tmp_db, drop_tmp_db),
        cmocka_unit_test_setup_teardown(files_cut_in_the_footer, use_tmp_db, drop_tmp_db),
        cmocka_unit_test_setup_teardown(damaged_files, use_tmp_db, drop_tmp_db),
        cmocka_unit_test_setup_teardown(handmade_files, use_tmp_db, drop_tmp_db),
        cmocka_unit_test_setup_teardown(footer_rules_match_libc, use_tmp_db, drop_tmp_db),
        cmocka_unit_test_setup_teardown(malformed_files, use_tmp_db, drop_tmp_db),
        cmocka_unit_test_setup_teardown(footers_with_long_numbers, use_tmp_db, drop_tmp_db),
        cmocka_unit_test(extreme_instants),
    };
    return cmocka_run_group_tests(tests, NULL, free_zones);
}
