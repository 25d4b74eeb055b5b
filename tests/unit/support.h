/*
 * support.h - helpers shared by the cmocka unit tests.
 *
 * A header of static inline functions rather than a support.c: the
 * Makefile builds every C file in tests/unit into its own test program. Checks
 * that can fail are macros over *_at functions taking the caller's file
 * and line, so a failure points at the test, not at this header, and says
 * what was found as well as what was wanted.
 */
#ifndef SLA_TEST_SUPPORT_H
#define SLA_TEST_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/arena.h"
#include "../../common/buf.h"
#include "../../common/diag.h"
#include "../../lexer/lexer.h"
#include "../../parser/parse.h"

/* ---- plain values ---------------------------------------------------------- */

#define assert_i64_equal(a, b) check_i64_at((int64_t)(a), (int64_t)(b), #a, __FILE__, __LINE__)

static inline void check_i64_at(int64_t got, int64_t want, const char *what,
                                const char *file, int line)
{
    if (got != want) {
        print_error("%s is %" PRId64 ", want %" PRId64 "\n", what, got, want);
        _fail(file, line);
    }
}

/* s contains sub (s may be NULL, which never contains anything). */
#define assert_contains(s, sub) check_contains_at((s), (sub), __FILE__, __LINE__)

static inline void check_contains_at(const char *s, const char *sub, const char *file, int line)
{
    if (!s || !strstr(s, sub)) {
        print_error("\"%s\" does not contain \"%s\"\n", s ? s : "(null)", sub);
        _fail(file, line);
    }
}

#define assert_loc(loc, l, c) check_loc_at((loc), (l), (c), -1, -1, __FILE__, __LINE__)
#define assert_range(loc, l, c, el, ec) check_loc_at((loc), (l), (c), (el), (ec), __FILE__, __LINE__)

static inline void check_loc_at(src_loc loc, int line, int col, int end_line, int end_col,
                                const char *file, int ln)
{
    if (loc.line != line || loc.col != col ||
        (end_line >= 0 && (loc.end_line != end_line || loc.end_col != end_col))) {
        print_error("location is %d:%d-%d:%d, want %d:%d", loc.line, loc.col, loc.end_line,
                    loc.end_col, line, col);
        if (end_line >= 0)
            print_error("-%d:%d", end_line, end_col);
        print_error("\n");
        _fail(file, ln);
    }
}

/* ---- tokens ---------------------------------------------------------------- */

/* The next token is kind with exactly the text want (NULL: any text) at
 * line:col (0: any). */
#define expect_token(lx, kind, text, line, col) \
    expect_token_at((lx), (kind), (text), (line), (col), __FILE__, __LINE__)

static inline token expect_token_at(lexer *lx, tok_kind kind, const char *text, int line,
                                    int col, const char *file, int ln)
{
    token t;
    lexer_next(lx, &t);
    bool ok = t.kind == kind;
    if (text && (t.len != strlen(text) || memcmp(t.text, text, t.len) != 0))
        ok = false;
    if ((line && t.loc.line != line) || (col && t.loc.col != col))
        ok = false;
    if (!ok) {
        print_error("token is %s \"%.*s\" at %d:%d, want %s \"%s\" at %d:%d\n",
                    tok_words(t.kind), (int)t.len, t.text, t.loc.line, t.loc.col,
                    tok_words(kind), text ? text : "*", line, col);
        _fail(file, ln);
    }
    return t;
}

/* ---- parsing ------------------------------------------------------------------ */

/* One parse of a policy text with everything it owns, so a cmocka
 * teardown can release it even when a check failed half-way. */
typedef struct parsed {
    src_file file;
    arena a;
    diag_set d;
    policy *p;
    bool live;
    char *owned;        /* a generated text to free, or NULL */
} parsed;

static inline void parsed_free(parsed *ps)
{
    if (ps->live) {
        diag_set_free(&ps->d);
        arena_free(&ps->a);
        src_file_free(&ps->file);
        ps->live = false;
    }
    free(ps->owned);
    ps->owned = NULL;
    ps->p = NULL;
}

static inline policy *parse_len(parsed *ps, const char *text, size_t len)
{
    parsed_free(ps);
    src_file_init(&ps->file, "t.sla", text, len);
    arena_init(&ps->a);
    diag_set_init(&ps->d);
    ps->live = true;
    ps->p = parse_policy(&ps->file, &ps->a, &ps->d);
    return ps->p;
}

static inline policy *parse_str(parsed *ps, const char *text)
{
    return parse_len(ps, text, strlen(text));
}

/* Parses a malloc'd text and takes ownership of it. */
static inline policy *parse_owned(parsed *ps, char *text)
{
    parse_len(ps, text, strlen(text));
    ps->owned = text;
    return ps->p;
}

static inline int parsed_setup(void **state)
{
    parsed *ps = calloc(1, sizeof *ps);
    if (!ps)
        return -1;
    *state = ps;
    return 0;
}

static inline int parsed_teardown(void **state)
{
    parsed_free(*state);
    free(*state);
    return 0;
}

static inline void dump_diags(const diag_set *d)
{
    print_error("%zu diagnostic(s):\n", d->n);
    for (size_t i = 0; i < d->n; i++)
        print_error("  %d:%d: %s [%s]%s%s\n", d->v[i].loc.line, d->v[i].loc.col, d->v[i].msg,
                    diag_code_name(d->v[i].code), d->v[i].suggestion ? " / " : "",
                    d->v[i].suggestion ? d->v[i].suggestion : "");
}

#define assert_ndiags(d, n) check_ndiags_at((d), (n), __FILE__, __LINE__)

static inline void check_ndiags_at(const diag_set *d, size_t n, const char *file, int line)
{
    if (d->n != n) {
        print_error("want %zu diagnostic(s), got:\n", n);
        dump_diags(d);
        _fail(file, line);
    }
}

/* Diagnostic i is at line:col and its message contains sub. */
#define assert_diag(d, i, line, col, sub) check_diag_at((d), (i), (line), (col), (sub), __FILE__, __LINE__)

static inline const diag *check_diag_at(const diag_set *d, size_t i, int line, int col,
                                        const char *sub, const char *file, int ln)
{
    if (i >= d->n) {
        print_error("no diagnostic %zu (want one at %d:%d with \"%s\")\n", i, line, col, sub);
        dump_diags(d);
        _fail(file, ln);
        return NULL;
    }
    const diag *g = &d->v[i];
    if (g->loc.line != line || g->loc.col != col || !strstr(g->msg, sub)) {
        print_error("diagnostic %zu is %d:%d \"%s\", want %d:%d with \"%s\"\n", i,
                    g->loc.line, g->loc.col, g->msg, line, col, sub);
        dump_diags(d);
        _fail(file, ln);
    }
    return g;
}

/* ---- generated texts ---------------------------------------------------------- */

/* prefix + n copies of rep + middle + n copies of close + suffix, malloc'd. */
static inline char *repeat_text(const char *prefix, const char *rep, size_t n, const char *middle,
                                const char *close, const char *suffix)
{
    size_t len = strlen(prefix) + n * strlen(rep) + strlen(middle) + n * strlen(close) +
                 strlen(suffix);
    char *s = malloc(len + 1);
    assert_non_null(s);
    char *p = s;
    p = stpcpy(p, prefix);
    for (size_t i = 0; i < n; i++)
        p = stpcpy(p, rep);
    p = stpcpy(p, middle);
    for (size_t i = 0; i < n; i++)
        p = stpcpy(p, close);
    stpcpy(p, suffix);
    return s;
}

#endif
