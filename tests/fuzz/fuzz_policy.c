/*
 * fuzz_policy.c - libFuzzer harness: the scanner, the parser and the
 * checker on arbitrary policy text.
 *
 * Whatever the bytes, parse_policy must return a tree and check_policy
 * must finish on it; every diagnostic must render as text, JSON and SARIF.
 * Policies without syntax errors also go through the formatter, whose
 * output must format to itself (slac fmt is idempotent). Everything is
 * freed per input: LeakSanitizer checks the arena's promise that no error
 * path leaks.
 */
#include "../../common/arena.h"
#include "../../common/buf.h"
#include "../../common/diag.h"
#include "../../common/utf8.h"
#include "../../compiler/check.h"
#include "../../compiler/fmt.h"
#include "../../parser/parse.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static void check_fmt_idempotent(const char *text, size_t len)
{
    buf once, twice;
    buf_init(&once);
    buf_init(&twice);
    if (fmt_format(text, len, &once) == 0) {
        if (fmt_format(once.data, once.len, &twice) != 0 || once.len != twice.len ||
            memcmp(once.data, twice.data, once.len) != 0) {
            fprintf(stderr, "slac fmt is not idempotent\n");
            abort();
        }
    }
    buf_free(&once);
    buf_free(&twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    /* As slac reads a file: a byte order mark is not part of the text. */
    size_t bom = utf8_bom((const char *)data, size);
    const char *text = (const char *)data + bom;
    size_t len = size - bom;
    src_file f;
    src_file_init(&f, "fuzz.sla", text, len);
    arena a;
    arena_init(&a);
    diag_set d;
    diag_set_init(&d);
    policy *p = parse_policy(&f, &a, &d);
    int syntax_errors = p->syntax_errors;
    check_policy(p, &a, &d);
    diag_sort(&d);
    diag_render_text(&d, devnull, true);
    buf out;
    buf_init(&out);
    diag_render_json(&d, &out);
    diag_render_sarif(&d, &out, "fuzz");
    buf_free(&out);
    diag_set_free(&d);
    arena_free(&a);
    src_file_free(&f);
    if (!syntax_errors)
        check_fmt_idempotent(text, len);
    return 0;
}
