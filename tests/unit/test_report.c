/*
 * test_report.c - the report's accumulator and model: which period and
 * check-in a record falls in (local time, week starts, short months,
 * clock changes), records dated after the as-of instant, exact sums, and
 * accumulators that merge to the same report however the records were
 * split between them.
 *
 * Each test compiles a small policy, scores a few records given as CSV
 * text, and looks at the model report_build makes.
 */
#include "support.h"

#include <math.h>

#include "../../common/timefmt.h"
#include "../../common/tz.h"
#include "../../compiler/compile.h"
#include "../../runtime/convert.h"
#include "../../runtime/csv.h"
#include "../../runtime/report.h"
#include "../../runtime/session.h"
#include "../../runtime/vm.h"

/* A UTC instant in microseconds. */
static int64_t utc(int y, int mo, int d, int h, int mi)
{
    return (civil_to_days(y, mo, d) * 86400 + h * 3600 + mi * 60) * INT64_C(1000000);
}

typedef struct scored {
    sla_program *p;
    tz_zone *zone;
    report_acc *full;         /* every record */
    report_acc *part[3];      /* record k goes to part[pick(k)] */
} scored;

static sla_program *compile_text(const char *text)
{
    src_file f;
    src_file_init(&f, "test.sla", text, strlen(text));
    diag_set d;
    diag_set_init(&d);
    sla_program *p = compile_source(&f, &d);
    if (!p)
        diag_render_text(&d, stderr, false);
    diag_set_free(&d);
    src_file_free(&f);
    assert_non_null(p);
    return p;
}

/* Scores csv with policy as of as_of; record k (from 0) also goes to
 * part[(k * 7 + salt) % 3]. */
static void score_text(scored *s, const char *text, const char *csv, int64_t as_of, int salt)
{
    memset(s, 0, sizeof *s);
    s->p = compile_text(text);
    char err[200];
    s->zone = tz_load(s->p->zone, err, sizeof err);
    assert_non_null(s->zone);
    s->full = report_acc_new(s->p, s->zone, as_of);
    for (int k = 0; k < 3; k++)
        s->part[k] = report_acc_new(s->p, s->zone, as_of);

    session ses;
    assert_int_equal(session_open(&ses, s->p, err, sizeof err), 0);
    vm *v = vm_new(s->p, session_calendar(&ses), as_of);
    sla_value *regs = vm_registers(v);
    csv_reader *in = csv_open_mem(csv, strlen(csv), "test.csv");
    csv_record rec;
    assert_int_equal(csv_next(in, &rec), CSV_OK);
    int column[32];
    assert_true(s->p->nfields <= 32);
    for (uint32_t i = 0; i < s->p->nfields; i++) {
        column[i] = -1;
        for (int c = 0; c < rec.nfields; c++)
            if (strlen(s->p->fields[i].column) == rec.fields[c].len &&
                memcmp(s->p->fields[i].column, rec.fields[c].p, rec.fields[c].len) == 0)
                column[i] = c;
        assert_true(column[i] >= 0 || !s->p->fields[i].used);
    }
    for (int k = 0; csv_next(in, &rec) == CSV_OK; k++) {
        for (uint32_t i = 0; i < s->p->nfields; i++) {
            if (column[i] < 0)
                continue;
            const csv_field *f = &rec.fields[column[i]];
            const char *bad = conv_cell(&ses.conv[i], f->p, f->len, &regs[i], err, sizeof err);
            if (bad)
                fail_msg("line %lld: %s", (long long)rec.line, bad);
        }
        vm_run(v);
        report_acc_add(s->full, regs, rec.line);
        report_acc_add(s->part[(k * 7 + salt) % 3], regs, rec.line);
    }
    csv_close(in);
    vm_free(v);
    session_close(&ses);
}

static void scored_free(scored *s)
{
    report_acc_free(s->full);
    for (int k = 0; k < 3; k++)
        report_acc_free(s->part[k]);
    tz_free(s->zone);
    program_free(s->p);
}

static char *json_of(const report_acc *a)
{
    report r;
    report_build(&r, a, "test.csv", 10, 10, 0);
    buf b;
    buf_init(&b);
    report_json(&r, &b);
    buf_putc(&b, '\0');
    report_free(&r);
    char *s = strdup(b.data);
    buf_free(&b);
    return s;
}

static const char *const test_policy =
    "policy \"report test\"\n"
    "timezone \"America/New_York\"\n"
    "record lead {\n"
    "  id : int\n"
    "  qualified : time?\n"
    "  amount : money?\n"
    "  won : bool\n"
    "  answered : time?\n"
    "}\n"
    "stages {\n"
    "  lead\n"
    "  mql when qualified is set since qualified\n"
    "}\n"
    "classes { A when won; B otherwise }\n"
    "team marketing owns lead\n"
    "team sales owns mql\n"
    "handoff mql to sales {\n"
    "  clock starts at qualified, stops at answered\n"
    "  within A: 1 hour, B: 2 hours\n"
    "}\n"
    "quota marketing {\n"
    "  2 mql per week\n"
    "  3 mql per month\n"
    "  $100 sum amount when won at qualified per quarter\n"
    "  50% handoff met per year\n"
    "}\n"
    "checkins {\n"
    "  \"month end\" on day 31\n"
    "  \"friday\" on friday\n"
    "}\n";

/* Times in the CSV are New York time. */
static const char *const leads =
    "id,qualified,amount,won,answered\n"
    "1,2026-10-31 23:30,10.25,true,2026-11-01 00:10\n"     /* October, local; met */
    "2,2026-11-01 00:30,20.50,true,2026-11-01 02:00\n"     /* November; breached (see below) */
    "3,2026-11-09 09:00,,false,\n"                         /* Monday; breached, no answer */
    "4,2026-11-13 17:00,30,false,\n"                       /* Friday, 17:00; pending till 19:00 */
    "5,2026-11-13 18:30,5,false,\n"                        /* after the as-of instant */
    "6,,,false,\n";                                        /* never qualified */

static void periods_follow_local_time(void **state)
{
    (void)state;
    scored s;
    /* Friday 13 November 2026, 17:30 EST */
    score_text(&s, test_policy, leads, utc(2026, 11, 13, 22, 30), 0);
    report r;
    report_build(&r, s.full, "test.csv", 6, 6, 0);

    const report_quota *week = &r.quotas[0], *month = &r.quotas[1], *sum = &r.quotas[2];
    assert_string_equal(week->current.label, "week of 2026-11-09");
    assert_i64_equal(week->current.actual.i, 2);          /* 3 (Monday) and 4 */
    assert_int_equal(week->current.status, ST_MET);
    assert_i64_equal(week->later, 1);                     /* 5, after the as-of instant */
    assert_string_equal(week->trend[4].label, "week of 2026-11-02");
    assert_i64_equal(week->trend[4].actual.i, 0);
    /* Weeks run Monday to Sunday, across months: 1 (Saturday 31 October,
     * local time) and 2 (Sunday 1 November). */
    assert_string_equal(week->trend[3].label, "week of 2026-10-26");
    assert_i64_equal(week->trend[3].actual.i, 2);

    assert_string_equal(month->current.label, "2026-11");
    assert_i64_equal(month->current.actual.i, 3);         /* 2, 3, 4 */
    assert_int_equal(month->current.status, ST_MET);
    assert_string_equal(month->trend[4].label, "2026-10");
    assert_i64_equal(month->trend[4].actual.i, 1);
    assert_int_equal(month->trend[4].status, ST_MISSED);
    assert_true(month->trend[4].complete);

    /* 10.25 + 20.50 exactly: 4 was not won, 5 is after the as-of instant */
    assert_true(sum->current.actual.is_money);
    assert_i64_equal(sum->current.actual.i, 307500);
    assert_string_equal(sum->current.label, "2026-Q4");
    assert_int_equal(sum->current.status, ST_AT_RISK);    /* 30.75 by mid-November */
    assert_true(sum->current.projected.is_money);
    assert_true(sum->current.projected.i > 307500 && sum->current.projected.i < 1000000);

    /* Hand-offs: 1 met, 2 and 3 breached, 4 pending: 1 of 3 decided. The
     * totals count every record, 5 (dated later, still pending) too. */
    const report_quota *rate = &r.quotas[3];
    assert_i64_equal(rate->current.den, 3);
    assert_i64_equal(rate->current.num, 1);
    assert_true(fabs(rate->current.actual.f - 100.0 / 3) < 1e-9);
    assert_int_equal(rate->current.status, ST_AT_RISK);
    assert_i64_equal(r.handoff_total[0], 1);
    assert_i64_equal(r.handoff_total[1], 2);
    assert_i64_equal(r.handoff_total[2], 2);

    /* The worst breach is 3, never answered: due 11:00 on the 9th, 4 days
     * 6.5 hours before the as-of instant; then 2: qualified at 00:30 EDT on
     * the night the clocks go back, due an hour later at 01:30 EDT, and
     * answered at 02:00 EST, an hour and a half after that. */
    assert_int_equal(r.nbreaches, 2);
    assert_string_equal(r.breaches[0].id, "3");
    assert_false(r.breaches[0].answered);
    assert_i64_equal(r.breaches[0].overdue, (INT64_C(4) * 86400 + 6 * 3600 + 1800) * 1000000);
    assert_string_equal(r.breaches[1].id, "2");
    assert_true(r.breaches[1].answered);
    assert_i64_equal(r.breaches[1].overdue, INT64_C(5400) * 1000000);

    /* Funnel: 1 lead (6), 5 mql. */
    assert_i64_equal(r.stages[0].in, 1);
    assert_i64_equal(r.stages[1].in, 5);
    assert_i64_equal(r.stages[0].reached, 6);
    report_free(&r);
    scored_free(&s);
}

static void checkins_fall_on_their_days(void **state)
{
    (void)state;
    struct { int64_t as_of; const char *month_last, *month_next, *fri_last, *fri_next; } cases[] = {
        /* day 31 in a 30-day month is its last day */
        {utc(2026, 11, 20, 17, 0), "2026-10-31", "2026-11-30", "2026-11-20", "2026-11-27"},
        {utc(2026, 12, 1, 5, 0), "2026-11-30", "2026-12-31", "2026-11-27", "2026-12-04"},
        /* February */
        {utc(2027, 3, 1, 17, 0), "2027-02-28", "2027-03-31", "2027-02-26", "2027-03-05"},
        /* on the day itself, at one minute past local midnight */
        {utc(2026, 12, 31, 5, 1), "2026-12-31", "2027-01-31", "2026-12-25", "2027-01-01"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        scored s;
        score_text(&s, test_policy, leads, cases[k].as_of, 0);
        report r;
        report_build(&r, s.full, "test.csv", 6, 6, 0);
        buf b;
        buf_init(&b);
        report_fmt_date(&b, &r, r.checkins[0].last);
        buf_puts(&b, " ");
        report_fmt_date(&b, &r, r.checkins[0].next);
        buf_puts(&b, " ");
        report_fmt_date(&b, &r, r.checkins[1].last);
        buf_puts(&b, " ");
        report_fmt_date(&b, &r, r.checkins[1].next);
        buf_putc(&b, '\0');
        char want[64];
        snprintf(want, sizeof want, "%s %s %s %s", cases[k].month_last, cases[k].month_next,
                 cases[k].fri_last, cases[k].fri_next);
        assert_string_equal(b.data, want);
        buf_free(&b);
        report_free(&r);
        scored_free(&s);
    }
}

static void a_checkin_sees_the_day_before(void **state)
{
    (void)state;
    scored s;
    /* As of Saturday 14 November: the Friday check-in cut off at the start
     * of 13 November, so lead 4 (the 13th) is not in what it saw. */
    score_text(&s, test_policy, leads, utc(2026, 11, 14, 15, 0), 0);
    report r;
    report_build(&r, s.full, "test.csv", 6, 6, 0);
    const report_period *week = &r.checkins[1].quotas[0];
    assert_string_equal(week->label, "week of 2026-11-09");
    assert_i64_equal(week->actual.i, 1);
    assert_false(week->complete);
    /* 1 in 4 of 7 days: a pace of 1.75, short of 2 */
    assert_int_equal(week->status, ST_AT_RISK);
    assert_true(week->projected.is_number);
    assert_true(fabs(week->projected.f - 1.0 / (4.0 / 7.0)) < 1e-9);
    report_free(&r);
    scored_free(&s);
}

static void merged_parts_give_the_same_report(void **state)
{
    (void)state;
    for (int salt = 0; salt < 3; salt++) {
        scored s;
        score_text(&s, test_policy, leads, utc(2026, 11, 13, 22, 30), salt);
        char *want = json_of(s.full);

        report_acc *m = report_acc_new(s.p, s.zone, utc(2026, 11, 13, 22, 30));
        report_acc_merge(m, s.part[2]);
        report_acc_merge(m, s.part[0]);
        report_acc_merge(m, s.part[1]);
        char *got = json_of(m);
        assert_string_equal(got, want);
        free(got);

        /* merging an empty accumulator changes nothing */
        report_acc *empty = report_acc_new(s.p, s.zone, utc(2026, 11, 13, 22, 30));
        report_acc_merge(m, empty);
        got = json_of(m);
        assert_string_equal(got, want);
        free(got);
        report_acc_free(empty);
        report_acc_free(m);
        free(want);
        scored_free(&s);
    }
}

static void many_days_and_breaches_merge(void **state)
{
    (void)state;
    /* 600 records over five years: the day tables grow, the breach list
     * keeps its ten worst, and the merge of three parts still agrees. */
    buf csv;
    buf_init(&csv);
    buf_puts(&csv, "id,qualified,amount,won,answered\n");
    for (int k = 0; k < 600; k++) {
        int64_t day = civil_to_days(2022, 1, 1) + (k * 37) % 1800;
        int y, m, d;
        civil_from_days(day, &y, &m, &d);
        buf_printf(&csv, "%d,%04d-%02d-%02d %02d:%02d,%d.%02d,%s,", k + 1, y, m, d, k % 24,
                   k % 60, k % 500, k % 100, k % 3 ? "true" : "false");
        if (k % 4)
            buf_printf(&csv, "%04d-%02d-%02d %02d:%02d", y, m, d, (k % 24 + k % 5) % 24, k % 60);
        buf_putc(&csv, '\n');
    }
    buf_putc(&csv, '\0');
    scored s;
    score_text(&s, test_policy, csv.data, utc(2026, 12, 1, 12, 0), 1);
    char *want = json_of(s.full);
    report_acc *m = report_acc_new(s.p, s.zone, utc(2026, 12, 1, 12, 0));
    for (int k = 0; k < 3; k++)
        report_acc_merge(m, s.part[k]);
    char *got = json_of(m);
    assert_string_equal(got, want);
    report r;
    report_build(&r, m, "test.csv", 600, 600, 0);
    assert_int_equal(r.nbreaches, REPORT_BREACHES);
    for (uint32_t i = 1; i < r.nbreaches; i++)
        assert_true(r.breaches[i - 1].overdue >= r.breaches[i].overdue);
    int64_t total = 0;
    for (uint32_t i = 0; i < r.p->nstages; i++)
        total += r.stages[i].in;
    assert_i64_equal(total, 600);
    report_free(&r);
    free(got);
    free(want);
    report_acc_free(m);
    scored_free(&s);
    buf_free(&csv);
}

static void formats_of_values(void **state)
{
    (void)state;
    struct { report_value v; bool pct; const char *want; } cases[] = {
        {{.set = true, .i = 1234567}, false, "1,234,567"},
        {{.set = true, .i = -1000}, false, "-1,000"},
        {{.set = true, .i = 0}, false, "0"},
        {{.set = true, .is_money = true, .i = 2500000000}, false, "$250,000.00"},
        {{.set = true, .is_money = true, .i = -12345}, false, "-$1.23"},
        {{.set = true, .is_money = true, .i = 5}, false, "$0.00"},
        {{.set = true, .is_money = true, .i = 50}, false, "$0.01"},
        {{.set = true, .is_number = true, .f = 56.25}, true, "56.2%"},
        {{.set = true, .is_number = true, .f = 12.5}, false, "12.50"},
        {{.set = true, .is_number = true, .f = 3000}, false, "3,000"},
        {{.set = false}, false, "n/a"},
        {{.set = true, .is_number = true, .f = NAN}, true, "n/a"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        buf b;
        buf_init(&b);
        report_fmt_value(&b, &cases[k].v, cases[k].pct);
        buf_putc(&b, '\0');
        assert_string_equal(b.data, cases[k].want);
        buf_free(&b);
    }
    struct { int64_t us; const char *want; } durations[] = {
        {0, "0m"}, {INT64_C(59) * 1000000, "0m"}, {INT64_C(90) * 60 * 1000000, "1h 30m"},
        {(INT64_C(3) * 86400 + 4 * 3600 + 59 * 60) * 1000000, "3d 4h"},
        {-INT64_C(120) * 60 * 1000000, "-2h 00m"},
    };
    for (size_t k = 0; k < sizeof durations / sizeof durations[0]; k++) {
        buf b;
        buf_init(&b);
        report_fmt_duration(&b, durations[k].us);
        buf_putc(&b, '\0');
        assert_string_equal(b.data, durations[k].want);
        buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(periods_follow_local_time),
        cmocka_unit_test(checkins_fall_on_their_days),
        cmocka_unit_test(a_checkin_sees_the_day_before),
        cmocka_unit_test(merged_parts_give_the_same_report),
        cmocka_unit_test(many_days_and_breaches_merge),
        cmocka_unit_test(formats_of_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
