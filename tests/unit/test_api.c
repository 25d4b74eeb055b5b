/*
 * test_api.c - the public interface (include/sla.h), used as an embedding
 * program would: only sla.h, no internal header.
 *
 * The reference policy scores the hand-worked rows of tests/reference
 * (their expected values were worked out by hand from the benchmark
 * specification), cell by cell; the same policy compiled to a .slab by
 * slac's code path loads and scores identically.
 */
#include "support.h"

#include "sla.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)n + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
    data[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return data;
}

static int ndiags;

static void count_diag(const sla_diagnostic *d, void *user)
{
    (void)d;
    (void)user;
    ndiags++;
}

/* Splits a CSV line into at most 32 fields, in place: quoted fields (with
 * commas and doubled quotes) are unquoted; no line breaks inside. */
static int split(char *line, char **f)
{
    int n = 0;
    char *r = line, *w = line;
    f[n++] = w;
    bool quoted = false;
    for (; *r; r++) {
        if (quoted) {
            if (*r == '"' && r[1] == '"')
                *w++ = *r++;
            else if (*r == '"')
                quoted = false;
            else
                *w++ = *r;
        } else if (*r == '"') {
            quoted = true;
        } else if (*r == ',' && n < 32) {
            *w++ = '\0';
            f[n++] = w;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return n;
}

/* 2026-11-01T00:00:00Z in microseconds. */
static const long long AS_OF = 1793491200LL * 1000000;

static void score_hand_rows(const sla_policy *p)
{
    char err[200];
    sla_scorer *s = sla_scorer_new(p, AS_OF, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(sla_policy_output_count(p), 5);
    assert_string_equal(sla_policy_output_name(p, 4), "sla");

    size_t n, m;
    char *in = slurp("tests/reference/hand.csv", &n);
    char *want = slurp("tests/reference/hand.expected", &m);
    char *save_in, *save_want;
    char *header = strtok_r(in, "\n", &save_in);
    char *cols[32];
    int ncols = split(header, cols);
    strtok_r(want, "\n", &save_want);   /* its header */
    int rows = 0;
    for (char *line = strtok_r(NULL, "\n", &save_in); line; line = strtok_r(NULL, "\n", &save_in)) {
        char *cells[32];
        assert_int_equal(split(line, cells), ncols);
        sla_scorer_clear(s);
        for (int c = 0; c < ncols; c++) {
            /* Columns are found by the names the policy reads. */
            int field = -1;
            for (int k = 0; k < sla_policy_field_count(p); k++)
                if (strcmp(sla_policy_field_column(p, k), cols[c]) == 0)
                    field = k;
            assert_true(field >= 0);
            if (sla_scorer_set(s, field, cells[c], strlen(cells[c]), err, sizeof err) != 0)
                fail_msg("row %d, column %s: %s", rows + 1, cols[c], err);
        }
        sla_scorer_run(s);
        char got[256] = "";
        for (int o = 0; o < sla_policy_output_count(p); o++) {
            size_t len;
            const char *v = sla_scorer_output(s, o, &len);
            strncat(got, o ? "," : "", sizeof got - strlen(got) - 1);
            strncat(got, v, len < sizeof got - strlen(got) - 1 ? len : sizeof got - strlen(got) - 1);
        }
        char *expected = strtok_r(NULL, "\n", &save_want);
        assert_non_null(expected);
        assert_string_equal(got, expected);
        rows++;
    }
    assert_true(rows >= 6);

    /* A cell that is not a value of its field is refused with a reason. */
    int field = sla_policy_field_index(p, "company_size");
    assert_true(field >= 0);
    assert_int_equal(sla_scorer_set(s, field, "lots", 4, err, sizeof err), -1);
    assert_non_null(strstr(err, "lots"));
    assert_int_equal(sla_scorer_set(s, 999, "1", 1, err, sizeof err), -1);
    assert_null(sla_scorer_output(s, 99, NULL));

    free(in);
    free(want);
    sla_scorer_free(s);
}

static void compile_and_score(void **state)
{
    (void)state;
    size_t n;
    char *text = slurp("bench/reference.sla", &n);
    ndiags = 0;
    sla_policy *p = sla_policy_compile("bench/reference.sla", text, n, count_diag, NULL);
    assert_non_null(p);
    assert_int_equal(ndiags, 0);
    assert_int_equal(sla_policy_field_count(p), 18);
    assert_string_equal(sla_policy_field_name(p, 0), "lead_id");
    assert_int_equal(sla_policy_field_index(p, "deal_won"), 17);
    assert_int_equal(sla_policy_field_index(p, "nothing"), -1);
    score_hand_rows(p);
    sla_policy_free(p);
    free(text);
}

static void errors_and_damaged_files(void **state)
{
    (void)state;
    const char bad[] = "record r {\n  a : int\n}\nlet x = b + 1\nscore { +1 when x > 0 }\n";
    ndiags = 0;
    assert_null(sla_policy_compile("bad.sla", bad, strlen(bad), count_diag, NULL));
    assert_int_equal(ndiags, 1);
    assert_int_equal(sla_check("bad.sla", bad, strlen(bad), NULL, NULL), 1);

    char err[200] = "";
    const char junk[] = "not a compiled policy at all, just text";
    assert_null(sla_policy_load(junk, sizeof junk, err, sizeof err));
    assert_true(err[0] != '\0');
    assert_string_equal(sla_version(), SLA_VERSION);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compile_and_score),
        cmocka_unit_test(errors_and_damaged_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
