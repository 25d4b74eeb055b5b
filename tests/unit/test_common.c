/*
 * test_common.c - the shared pieces: numbers, suggestions, the arena, the
 * output buffer and diagnostics.
 *
 * Number parsing is checked at the exact edges of int64 and of the money
 * scale; diagnostics are rendered to memory and compared byte for byte,
 * since their layout is what users and CI read.
 */
#include "support.h"

#include "../../common/num.h"
#include "../../common/suggest.h"

#include <sys/wait.h>
#include <unistd.h>

/* ---- num_parse_int ------------------------------------------------------------ */

#define int_ok(text, want) check_int_at((text), NUM_OK, (want), __FILE__, __LINE__)
#define int_fails(text, st) check_int_at((text), (st), 0, __FILE__, __LINE__)

static void check_int_at(const char *text, num_status st, int64_t want, const char *file, int line)
{
    int64_t v = 12345;
    num_status got = num_parse_int(text, strlen(text), &v);
    if (got != st || (st == NUM_OK && v != want)) {
        print_error("num_parse_int(\"%s\") = %d, %" PRId64 "; want %d, %" PRId64 "\n", text,
                    (int)got, v, (int)st, want);
        _fail(file, line);
    }
}

static void parse_int_values(void **state)
{
    (void)state;
    int_ok("0", 0);
    int_ok("7", 7);
    int_ok("42", 42);
    int_ok("+42", 42);
    int_ok("-42", -42);
    int_ok("-0", 0);
    int_ok("000000000000000000000000000123", 123);
    int_ok("9223372036854775807", INT64_MAX);
    int_ok("-9223372036854775807", -INT64_MAX);
    int_ok("-9223372036854775808", INT64_MIN);
    int_ok("+9223372036854775807", INT64_MAX);

    /* the length bounds the number */
    int64_t v = 0;
    assert_int_equal(num_parse_int("12345", 2, &v), NUM_OK);
    assert_i64_equal(v, 12);
}

static void parse_int_overflow(void **state)
{
    (void)state;
    int_fails("9223372036854775808", NUM_RANGE);
    int_fails("-9223372036854775809", NUM_RANGE);
    int_fails("+9223372036854775808", NUM_RANGE);
    int_fails("9223372036854775810", NUM_RANGE);
    int_fails("18446744073709551616", NUM_RANGE);
    int_fails("99999999999999999999999999", NUM_RANGE);
    int_fails("-99999999999999999999999999", NUM_RANGE);
}

static void parse_int_syntax(void **state)
{
    (void)state;
    int_fails("", NUM_SYNTAX);
    int_fails("-", NUM_SYNTAX);
    int_fails("+", NUM_SYNTAX);
    int_fails("--1", NUM_SYNTAX);
    int_fails("+-1", NUM_SYNTAX);
    int_fails("1-", NUM_SYNTAX);
    int_fails(" 1", NUM_SYNTAX);
    int_fails("1 ", NUM_SYNTAX);
    int_fails("1.0", NUM_SYNTAX);
    int_fails("1,000", NUM_SYNTAX);
    int_fails("0x10", NUM_SYNTAX);
    int_fails("12a", NUM_SYNTAX);
    int_fails("1e3", NUM_SYNTAX);

    /* a NUL inside the given length is not a digit */
    int64_t v = 0;
    assert_int_equal(num_parse_int("1\0" "2", 3, &v), NUM_SYNTAX);
}

/* ---- num_parse_money ---------------------------------------------------------- */

#define money_ok(text, commas, want) check_money_at((text), (commas), NUM_OK, (want), __FILE__, __LINE__)
#define money_fails(text, commas, st) check_money_at((text), (commas), (st), 0, __FILE__, __LINE__)

static void check_money_at(const char *text, bool commas, num_status st, int64_t want,
                           const char *file, int line)
{
    int64_t v = 12345;
    num_status got = num_parse_money(text, strlen(text), commas, &v);
    if (got != st || (st == NUM_OK && v != want)) {
        print_error("num_parse_money(\"%s\", %d) = %d, %" PRId64 "; want %d, %" PRId64 "\n",
                    text, commas, (int)got, v, (int)st, want);
        _fail(file, line);
    }
}

static void parse_money_values(void **state)
{
    (void)state;
    assert_int_equal(MONEY_SCALE, 10000);
    money_ok("0", false, 0);
    money_ok("5", false, 50000);
    money_ok("49.99", false, 499900);
    money_ok("0.1", false, 1000);
    money_ok("0.0001", false, 1);
    money_ok("1.2345", false, 12345);
    money_ok("250000.50", false, 2500005000);
    money_ok("-12.5", false, -125000);
    money_ok("+3", false, 30000);
    money_ok("-0.0001", false, -1);
    money_ok("007.50", false, 75000);
    /* exact: no binary rounding on the way (0.1 + 0.2 != 0.3 in doubles) */
    int64_t a = 0, b = 0, c = 0;
    assert_int_equal(num_parse_money("0.10", 4, false, &a), NUM_OK);
    assert_int_equal(num_parse_money("0.20", 4, false, &b), NUM_OK);
    assert_int_equal(num_parse_money("0.30", 4, false, &c), NUM_OK);
    assert_i64_equal(a + b, c);
}

static void parse_money_precision(void **state)
{
    (void)state;
    money_ok("1.0000", false, 10000);
    money_fails("1.00000", false, NUM_PRECISION);
    money_fails("0.00001", false, NUM_PRECISION);
    money_fails("1.23456", true, NUM_PRECISION);
    money_fails("-1.23456", false, NUM_PRECISION);
}

static void parse_money_commas(void **state)
{
    (void)state;
    money_ok("1,000", true, 10000000);
    money_ok("1,000.5", true, 10005000);
    money_ok("250,000.50", true, 2500005000);
    money_ok("12,345,678", true, 123456780000);
    money_ok("-1,000", true, -10000000);
    money_ok("999", true, 9990000);
    /* only with group_commas */
    money_fails("1,000", false, NUM_SYNTAX);
    money_fails("1,000.5", false, NUM_SYNTAX);
    /* only groups of three, after a first group of one to three digits */
    money_fails("1,00", true, NUM_SYNTAX);
    money_fails("1,0000", true, NUM_SYNTAX);
    money_fails("1,00.5", true, NUM_SYNTAX);
    money_fails("1000,000", true, NUM_SYNTAX);
    money_fails("1,000,00", true, NUM_SYNTAX);
    money_fails(",100", true, NUM_SYNTAX);
    money_fails("1,000,", true, NUM_SYNTAX);
    money_fails("1,,000", true, NUM_SYNTAX);
    money_fails("1.000,5", true, NUM_SYNTAX);
    money_fails("-,100", true, NUM_SYNTAX);
}

static void parse_money_syntax_and_range(void **state)
{
    (void)state;
    money_fails("", false, NUM_SYNTAX);
    money_fails("-", false, NUM_SYNTAX);
    money_fails(".", false, NUM_SYNTAX);
    money_fails("5.", false, NUM_SYNTAX);
    money_fails("1.2.3", false, NUM_SYNTAX);
    money_fails("$5", false, NUM_SYNTAX);
    money_fails("5 ", false, NUM_SYNTAX);
    money_fails("1e3", false, NUM_SYNTAX);

    /* the largest amount is INT64_MAX ten-thousandths */
    money_ok("922337203685477.5807", false, INT64_MAX);
    money_ok("922,337,203,685,477.5807", true, INT64_MAX);
    money_ok("-922337203685477.5807", false, -INT64_MAX);
    money_fails("922337203685477.5808", false, NUM_RANGE);
    money_fails("922337203685478", false, NUM_RANGE);      /* overflows when scaled */
    money_fails("922337203685477.59", false, NUM_RANGE);
    money_fails("99999999999999999999", false, NUM_RANGE);
    money_fails("-922337203685478", false, NUM_RANGE);
}

/* ---- suggestions -------------------------------------------------------------- */

static void distance(void **state)
{
    (void)state;
    assert_int_equal(suggest_distance("when", "when", 3), 0);
    assert_int_equal(suggest_distance("whn", "when", 3), 1);       /* insertion */
    assert_int_equal(suggest_distance("wheen", "when", 3), 1);     /* deletion */
    assert_int_equal(suggest_distance("wken", "when", 3), 1);      /* substitution */
    assert_int_equal(suggest_distance("form", "from", 3), 1);      /* transposition */
    assert_int_equal(suggest_distance("compnay_size", "company_size", 4), 1);
    assert_int_equal(suggest_distance("WHEN", "when", 3), 0);      /* case-insensitive */
    assert_int_equal(suggest_distance("Form", "FROM", 3), 1);
    assert_int_equal(suggest_distance("kitten", "sitting", 5), 3);
    assert_int_equal(suggest_distance("", "abc", 5), 3);
    assert_int_equal(suggest_distance("abc", "", 5), 3);
    /* optimal string alignment: "ca" -> "abc" is 3 (not 2 as with true
     * Damerau distance), the transposed pair cannot be edited again */
    assert_int_equal(suggest_distance("ca", "abc", 5), 3);
    /* past max, the answer is max + 1 */
    assert_int_equal(suggest_distance("kitten", "sitting", 2), 3);
    assert_int_equal(suggest_distance("a", "abcdef", 2), 3);
    assert_int_equal(suggest_distance("abc", "xyz", 1), 2);

    /* words longer than 64 characters are never close */
    char longer[80], other[80];
    memset(longer, 'a', 70);
    longer[70] = '\0';
    memcpy(other, longer, sizeof other);
    assert_int_equal(suggest_distance(longer, other, 3), 4);
}

static void suggester_threshold(void **state)
{
    (void)state;
    suggester s;

    suggest_init(&s, "frm");
    suggest_add(&s, "policy");
    suggest_add(&s, "from");
    suggest_add(&s, "format");
    assert_non_null(suggest_best(&s));
    assert_string_equal(suggest_best(&s), "from");

    /* the closest wins, whatever the order */
    suggest_init(&s, "wthin");
    suggest_add(&s, "with");       /* 2 */
    suggest_add(&s, "within");     /* 1 */
    suggest_add(&s, "when");       /* 3 */
    assert_string_equal(suggest_best(&s), "within");

    /* on a tie the first stays */
    suggest_init(&s, "cat");
    suggest_add(&s, "bat");
    suggest_add(&s, "cut");
    assert_string_equal(suggest_best(&s), "bat");

    /* a third of the word may differ, and at least one character */
    suggest_init(&s, "id");
    suggest_add(&s, "ok");
    assert_null(suggest_best(&s));
    suggest_add(&s, "if");
    assert_string_equal(suggest_best(&s), "if");

    suggest_init(&s, "abcdef");     /* 6 letters: up to 2 edits */
    suggest_add(&s, "xyzdef");      /* 3 */
    assert_null(suggest_best(&s));
    suggest_add(&s, "abxyef");      /* 2 */
    assert_string_equal(suggest_best(&s), "abxyef");

    suggest_init(&s, "compnay_sise");  /* 12 letters: up to 4 */
    suggest_add(&s, "company_size");   /* 2 */
    assert_string_equal(suggest_best(&s), "company_size");

    /* the word itself, and NULL, are not suggestions */
    suggest_init(&s, "when");
    suggest_add(&s, "when");
    suggest_add(&s, NULL);
    assert_null(suggest_best(&s));
    /* but another case of it is */
    suggest_init(&s, "WHEN");
    suggest_add(&s, "when");
    assert_string_equal(suggest_best(&s), "when");

    suggest_init(&s, "zzzz");
    assert_null(suggest_best(&s));
}

/* ---- the arena ------------------------------------------------------------------ */

static bool all_bytes(const unsigned char *p, size_t n, unsigned char c)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != c)
            return false;
    return true;
}

static void arena_many_allocations(void **state)
{
    (void)state;
    enum { N = 20000 };
    arena a;
    arena_init(&a);
    static unsigned char *ptrs[N];
    static size_t sizes[N];
    size_t sum = 0;
    for (int i = 0; i < N; i++) {
        sizes[i] = (size_t)(i * 7919 % 301);      /* 0..300 bytes, 0 included */
        ptrs[i] = arena_alloc(&a, sizes[i]);
        assert_non_null(ptrs[i]);
        assert_true(all_bytes(ptrs[i], sizes[i], 0));
        memset(ptrs[i], i & 0xff, sizes[i]);
        sum += sizes[i];
    }
    /* nothing overlapped: every block still holds its own pattern */
    for (int i = 0; i < N; i++)
        if (!all_bytes(ptrs[i], sizes[i], (unsigned char)(i & 0xff))) {
            print_error("block %d (%zu bytes) was overwritten\n", i, sizes[i]);
            fail();
        }
    assert_true(a.total >= sum);
    arena_free(&a);
    assert_null(a.head);
    assert_int_equal(a.total, 0);
}

static void arena_alignment_and_zero_sizes(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    /* The arena aligns to 8 bytes: every object the compiler allocates
     * (pointers, int64_t, double) needs no more. */
    const size_t align = 8;
    void *prev = NULL;
    for (size_t n = 0; n < 200; n++) {
        void *p = arena_alloc(&a, n % 37);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % align, 0);
        assert_ptr_not_equal(p, prev);     /* even 0-byte blocks are distinct */
        prev = p;
    }
    double *d = arena_alloc(&a, 3 * sizeof *d);
    d[2] = 1.5;
    int64_t *i = arena_alloc(&a, sizeof *i);
    *i = INT64_MIN;
    assert_true(d[2] == 1.5 && *i == INT64_MIN);
    arena_free(&a);
}

static void arena_large_allocations(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    /* a large first block, then small ones, then blocks past the chunk ceiling */
    unsigned char *big = arena_alloc(&a, 3000);
    assert_true(all_bytes(big, 3000, 0));
    memset(big, 0xAB, 3000);
    char *small = arena_strdup(&a, "small");
    unsigned char *huge = arena_alloc(&a, (size_t)5 << 20);
    assert_non_null(huge);
    assert_int_equal((uintptr_t)huge % 8, 0);
    assert_true(all_bytes(huge, (size_t)5 << 20, 0));
    memset(huge, 0xCD, (size_t)5 << 20);
    /* the current chunk's tail stays in use after a big block */
    char *after = arena_strdup(&a, "after");
    unsigned char *huge2 = arena_alloc(&a, (size_t)3 << 20);
    assert_true(all_bytes(huge2, (size_t)3 << 20, 0));
    memset(huge2, 0xEF, (size_t)3 << 20);
    for (int i = 0; i < 1000; i++)
        memset(arena_alloc(&a, 1000), 0x11, 1000);

    assert_true(all_bytes(big, 3000, 0xAB));
    assert_true(all_bytes(huge, (size_t)5 << 20, 0xCD));
    assert_true(all_bytes(huge2, (size_t)3 << 20, 0xEF));
    assert_string_equal(small, "small");
    assert_string_equal(after, "after");
    arena_free(&a);
}

static void arena_memory_is_zeroed(void **state)
{
    (void)state;
    /* dirty the heap, release it, and allocate again: a block that came back
     * from malloc with old contents must still be handed out zeroed */
    for (int round = 0; round < 3; round++) {
        arena a;
        arena_init(&a);
        for (int i = 0; i < 300; i++) {
            size_t n = (size_t)(i % 5 == 0 ? 5000 : 64 + i);
            unsigned char *p = arena_alloc(&a, n);
            assert_true(all_bytes(p, n, 0));
            memset(p, 0xA5, n);
        }
        unsigned char *g = arena_grow(&a, NULL, 0, 100);
        assert_true(all_bytes(g, 100, 0));
        arena_free(&a);
    }
}

static void arena_strings(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    char *s = arena_strndup(&a, "hello world", 5);
    assert_string_equal(s, "hello");
    /* strndup copies exactly len bytes, NULs included */
    char *z = arena_strndup(&a, "a\0b", 3);
    assert_int_equal(z[0], 'a');
    assert_int_equal(z[1], '\0');
    assert_int_equal(z[2], 'b');
    assert_int_equal(z[3], '\0');
    char *e = arena_strndup(&a, "xyz", 0);
    assert_string_equal(e, "");
    char *d = arena_strdup(&a, "copy");
    assert_string_equal(d, "copy");
    char *p = arena_printf(&a, "%s-%d-%05.1f", "n", 42, 3.14159);
    assert_string_equal(p, "n-42-003.1");
    assert_string_equal(arena_printf(&a, "%s", ""), "");

    /* a long printf result, bigger than the first chunk */
    char *fill = malloc(10001);
    assert_non_null(fill);
    memset(fill, 'x', 10000);
    fill[10000] = '\0';
    char *l = arena_printf(&a, "<%s>", fill);
    assert_int_equal(strlen(l), 10002);
    assert_int_equal(l[0], '<');
    assert_int_equal(l[10001], '>');
    free(fill);

    /* grow copies the old contents */
    int *v = arena_alloc(&a, 4 * sizeof *v);
    for (int i = 0; i < 4; i++)
        v[i] = i * 11;
    int *w = arena_grow(&a, v, 4 * sizeof *v, 8 * sizeof *v);
    for (int i = 0; i < 4; i++)
        assert_int_equal(w[i], i * 11);
    for (int i = 4; i < 8; i++)
        assert_int_equal(w[i], 0);
    assert_string_equal(s, "hello");
    arena_free(&a);
}

/* Regression test (fixed): arena_alloc rounds size up to the alignment with
 * (size + align - 1) & ~(align - 1), which wraps for sizes near SIZE_MAX:
 * arena_alloc(a, SIZE_MAX) then takes the `size == 0` path and returns a
 * 16-byte block instead of stopping with "out of memory" as arena.h
 * promises ("aborts on out-of-memory"). A caller that computed a huge size
 * (say n * sizeof x that overflowed to just below SIZE_MAX) would write far
 * past the block. Run in a child process: the child must die, not return. */
static void arena_refuses_impossible_sizes(void **state)
{
    (void)state;
    static const size_t sizes[] = {SIZE_MAX, SIZE_MAX - 8};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        fflush(NULL);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            /* quiet the expected complaint */
            if (!freopen("/dev/null", "w", stderr))
                _exit(3);
            arena a;
            arena_init(&a);
            void *p = arena_alloc(&a, sizes[i]);
            _exit(p ? 0 : 4);
        }
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            print_error("arena_alloc(SIZE_MAX - %zu) returned a block\n", SIZE_MAX - sizes[i]);
            fail();
        }
    }
}

/* ---- buf ------------------------------------------------------------------------ */

static void buf_basics(void **state)
{
    (void)state;
    buf b;
    buf_init(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    buf_puts(&b, "ab");
    buf_putc(&b, 'c');
    buf_put(&b, "d\0e", 3);
    assert_int_equal(b.len, 6);
    assert_memory_equal(b.data, "abcd\0e", 7);
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");

    /* printf past the initial capacity, several times */
    for (int i = 0; i < 100; i++)
        buf_printf(&b, "%04d|", i);
    assert_int_equal(b.len, 500);
    assert_int_equal(strncmp(b.data, "0000|0001|", 10), 0);
    assert_string_equal(b.data + 495, "0099|");
    buf_printf(&b, "%s", "");
    assert_int_equal(b.len, 500);

    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(buf_write(&b, f), 0);
    assert_int_equal(ftell(f), 500);
    fclose(f);
    buf_free(&b);
    assert_null(b.data);
}

#define assert_json(in, want) check_json_at((in), (want), __FILE__, __LINE__)

static void check_json_at(const char *in, const char *want, const char *file, int line)
{
    buf b;
    buf_init(&b);
    buf_json_string(&b, in);
    bool ok = strcmp(b.data, want) == 0;
    if (!ok)
        print_error("json string is %s, want %s\n", b.data, want);
    buf_free(&b);
    if (!ok)
        _fail(file, line);
}

static void buf_json_strings(void **state)
{
    (void)state;
    assert_json("", "\"\"");
    assert_json("plain", "\"plain\"");
    assert_json("say \"hi\"", "\"say \\\"hi\\\"\"");
    assert_json("a\\b", "\"a\\\\b\"");
    assert_json("l1\nl2\r\tx", "\"l1\\nl2\\r\\tx\"");
    assert_json("\x01\x1f\x7f/", "\"\\u0001\\u001f\x7f/\"");
    assert_json("\b\f", "\"\\u0008\\u000c\"");
    /* valid UTF-8 passes through: 2, 3 and 4 bytes */
    assert_json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    assert_json("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");       /* U+10FFFF */
    /* invalid UTF-8 becomes U+FFFD, one per bad byte */
    assert_json("a\xff" "b", "\"a\\ufffdb\"");
    assert_json("\x80", "\"\\ufffd\"");
    assert_json("\xc3", "\"\\ufffd\"");                           /* cut short */
    assert_json("\xc3(", "\"\\ufffd(\"");
    assert_json("\xe2\x82", "\"\\ufffd\\ufffd\"");
    assert_json("\xc0\xaf", "\"\\ufffd\\ufffd\"");                /* overlong */
    assert_json("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");     /* overlong */
    assert_json("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");     /* surrogate */
    assert_json("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
    assert_json("\xf5\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}

/* ---- diagnostics ---------------------------------------------------------------- */

static src_loc at(int line, int col, int end_line, int end_col)
{
    return (src_loc){line, col, end_line, end_col};
}

static void source_lines(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int nlines;
    } files[] = {
        {"first\nsecond\n\nfourth", 4},
        {"first\r\nsecond\r\n\r\nfourth", 4},
        {"first\rsecond\r\rfourth", 4},
        {"first\nsecond\r\n\rfourth", 4},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        src_file f;
        src_file_init(&f, "t.sla", files[i].text, strlen(files[i].text));
        assert_int_equal(f.nlines, files[i].nlines);
        size_t n;
        const char *l = src_line(&f, 1, &n);
        assert_int_equal(n, 5);
        assert_memory_equal(l, "first", 5);
        l = src_line(&f, 2, &n);
        assert_int_equal(n, 6);
        assert_memory_equal(l, "second", 6);
        src_line(&f, 3, &n);
        assert_int_equal(n, 0);
        l = src_line(&f, 4, &n);
        assert_int_equal(n, 6);
        assert_memory_equal(l, "fourth", 6);
        /* out of range: empty */
        l = src_line(&f, 0, &n);
        assert_int_equal(n, 0);
        assert_string_equal(l, "");
        src_line(&f, 5, &n);
        assert_int_equal(n, 0);
        src_file_free(&f);
    }

    /* a final line end opens an empty last line; an empty file has one line */
    src_file f;
    src_file_init(&f, "t.sla", "a\r\n", 3);
    assert_int_equal(f.nlines, 2);
    size_t n;
    src_line(&f, 1, &n);
    assert_int_equal(n, 1);
    src_line(&f, 2, &n);
    assert_int_equal(n, 0);
    src_file_free(&f);
    src_file_init(&f, "t.sla", "", 0);
    assert_int_equal(f.nlines, 1);
    src_line(&f, 1, &n);
    assert_int_equal(n, 0);
    src_file_free(&f);
}

static void diag_add_counts_and_clamps(void **state)
{
    (void)state;
    src_file f;
    src_file_init(&f, "t.sla", "abc\n", 4);
    diag_set s;
    diag_set_init(&s);
    diag *d = diag_add(&s, &f, SEV_ERROR, D_TYPE, at(0, 0, 0, 0), "n=%d", 5);
    assert_string_equal(d->msg, "n=5");
    assert_range(d->loc, 1, 1, 1, 2);          /* clamped to a one-column range */
    d = diag_add(&s, &f, SEV_WARNING, D_UNUSED, at(1, 3, 1, 2), "w");
    assert_range(d->loc, 1, 3, 1, 4);
    d = diag_add(&s, &f, SEV_NOTE, D_SYNTAX, at(1, 2, 1, 4), "n");
    assert_range(d->loc, 1, 2, 1, 4);
    diag_suggest(d, "did you mean `%s`?", "x");
    diag_suggest(d, "did you mean `%s`?", "y");  /* replaces */
    assert_string_equal(d->suggestion, "did you mean `y`?");
    diag_note_at(d, at(1, 1, 0, 0), "note %d", 1);
    diag_note_at(d, at(1, 2, 1, 3), "note %d", 2);
    assert_int_equal(d->nnotes, 2);
    assert_string_equal(d->notes[1].msg, "note 2");
    assert_range(d->notes[0].loc, 1, 1, 1, 2);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.errors, 1);
    assert_int_equal(s.warnings, 1);
    assert_int_equal(s.v[2].seq, 2);

    diag_promote_warnings(&s);
    assert_int_equal(s.errors, 2);
    assert_int_equal(s.warnings, 0);
    assert_int_equal(s.v[1].sev, SEV_ERROR);
    assert_int_equal(s.v[2].sev, SEV_NOTE);

    assert_string_equal(diag_code_name(D_SYNTAX), "syntax");
    assert_string_equal(diag_code_name(D_DUPLICATE), "duplicate-definition");
    assert_string_equal(diag_code_name(D_NO_CATCHALL), "no-catch-all");
    assert_contains(diag_code_description(D_CYCLE), "depends on itself");

    /* many diagnostics: the set grows */
    for (int i = 0; i < 100; i++)
        diag_add(&s, &f, SEV_WARNING, D_UNUSED, at(1, 1, 1, 2), "%d", i);
    assert_int_equal(s.n, 103);
    assert_string_equal(s.v[102].msg, "99");
    assert_int_equal(s.warnings, 100);
    diag_set_free(&s);
    assert_int_equal(s.n, 0);
    src_file_free(&f);
}

static void diag_sorting(void **state)
{
    (void)state;
    src_file f;
    src_file_init(&f, "t.sla", "x\n", 2);
    diag_set s;
    diag_set_init(&s);
    diag_add(&s, &f, SEV_ERROR, D_SYNTAX, at(3, 5, 3, 6), "d0");
    diag_add(&s, &f, SEV_ERROR, D_SYNTAX, at(1, 9, 1, 10), "d1");
    diag_add(&s, &f, SEV_ERROR, D_SYNTAX, at(3, 2, 3, 3), "d2");
    diag_add(&s, &f, SEV_ERROR, D_SYNTAX, at(1, 9, 1, 10), "d3");
    diag_add(&s, &f, SEV_ERROR, D_SYNTAX, at(10, 1, 10, 2), "d4");
    diag_add(&s, &f, SEV_ERROR, D_SYNTAX, at(2, 100, 2, 101), "d5");
    diag_sort(&s);
    static const char *const order[] = {"d1", "d3", "d5", "d2", "d0", "d4"};
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(s.v[i].msg, order[i]);
    diag_set_free(&s);

    /* files keep the order of their first report */
    src_file g;
    src_file_init(&g, "u.sla", "y\n", 2);
    diag_add(&s, &g, SEV_ERROR, D_SYNTAX, at(5, 1, 5, 2), "g5");
    diag_add(&s, &f, SEV_ERROR, D_SYNTAX, at(1, 1, 1, 2), "f1");
    diag_add(&s, &g, SEV_ERROR, D_SYNTAX, at(1, 1, 1, 2), "g1");
    diag_sort(&s);
    assert_string_equal(s.v[0].msg, "g1");
    assert_string_equal(s.v[1].msg, "g5");
    assert_string_equal(s.v[2].msg, "f1");
    diag_set_free(&s);
    src_file_free(&g);
    src_file_free(&f);
}

/* Regression test (fixed): diag_sort ranks a file by the seq of its first diagnostic in the
 * current array order. After one sort, that is the diagnostic first by
 * position, not the first reported, so sorting again (say once after
 * parsing and once after checking) can swap the files: here u.sla was
 * reported first, yet a second sort puts t.sla first. The rank should be
 * the smallest seq of the file's diagnostics. */
static void diag_sort_is_stable_across_calls(void **state)
{
    (void)state;
    src_file f, g;
    src_file_init(&f, "t.sla", "x\n", 2);
    src_file_init(&g, "u.sla", "y\n", 2);
    diag_set s;
    diag_set_init(&s);
    diag_add(&s, &g, SEV_ERROR, D_SYNTAX, at(5, 1, 5, 2), "g5");   /* seq 0 */
    diag_add(&s, &f, SEV_ERROR, D_SYNTAX, at(1, 1, 1, 2), "f1");   /* seq 1 */
    diag_add(&s, &g, SEV_ERROR, D_SYNTAX, at(1, 1, 1, 2), "g1");   /* seq 2 */
    diag_sort(&s);
    diag_sort(&s);
    const char *got[3] = {s.v[0].msg, s.v[1].msg, s.v[2].msg};
    bool ok = strcmp(got[0], "g1") == 0 && strcmp(got[1], "g5") == 0 && strcmp(got[2], "f1") == 0;
    if (!ok)
        print_error("after two sorts: %s %s %s, want g1 g5 f1\n", got[0], got[1], got[2]);
    diag_set_free(&s);
    src_file_free(&g);
    src_file_free(&f);
    assert_true(ok);
}

/* Regression test (fixed): diag_sort on a set with no diagnostics (v == NULL, the state
 * diag_set_init leaves, and what every clean compile sorts) calls
 * memcpy(copy.v, NULL, 0) in common/diag.c, which is undefined behaviour:
 * UBSan stops the program ("null pointer passed as argument 2, which is
 * declared to never be null"), so a sanitizer build of any tool that sorts
 * an empty set dies. qsort(NULL, 0, ...) has the same problem. Kept as the
 * last test of this file: under the sanitizers it ends the process. */
static void diag_sort_empty_set(void **state)
{
    (void)state;
    diag_set s;
    diag_set_init(&s);
    diag_sort(&s);
    assert_int_equal(s.n, 0);
    assert_null(s.v);
    diag_set_free(&s);
}

/* Renders s as text into a string the caller frees. */
static char *render_text(const diag_set *s, bool color)
{
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    assert_non_null(m);
    diag_render_text(s, m, color);
    fclose(m);
    return out;
}

#define assert_text(got, want) check_text_at((got), (want), __FILE__, __LINE__)

static void check_text_at(char *got, const char *want, const char *file, int line)
{
    bool ok = strcmp(got, want) == 0;
    if (!ok)
        print_error("rendered:\n%s\nwant:\n%s\n", got, want);
    free(got);
    if (!ok)
        _fail(file, line);
}

static void render_text_caret(void **state)
{
    (void)state;
    /* a tab, a 2-byte and a 3-byte character before the error */
    static const char text[] = "record r {\n\tna\xc3\xafve \xe2\x82\xac : @int\n}\n";
    src_file f;
    src_file_init(&f, "t.sla", text, sizeof text - 1);
    diag_set s;
    diag_set_init(&s);
    /* columns: \t=1 n=2 a=3 ï=4 v=5 e=6 ' '=7 €=8 ' '=9 :=10 ' '=11 @=12 */
    diag_add(&s, &f, SEV_ERROR, D_SYNTAX, at(2, 12, 2, 13), "unexpected character `%s` here", "@");
    assert_text(render_text(&s, false),
                "t.sla:2:12: error: unexpected character `@` here [syntax]\n"
                "     2 | \tna\xc3\xafve \xe2\x82\xac : @int\n"
                "       | \t          ^\n");
    diag_set_free(&s);

    /* a range under non-ASCII text, a suggestion and a note */
    diag *d = diag_add(&s, &f, SEV_WARNING, D_UNUSED, at(2, 2, 2, 7), "name `na\xc3\xafve`");
    diag_suggest(d, "did you mean `%s`?", "native");
    diag_note_at(d, at(1, 8, 1, 9), "the record");
    assert_text(render_text(&s, false),
                "t.sla:2:2: warning: name `na\xc3\xafve` [unused-let]\n"
                "     2 | \tna\xc3\xafve \xe2\x82\xac : @int\n"
                "       | \t^~~~~\n"
                "t.sla:2:2: note: did you mean `native`?\n"
                "t.sla:1:8: note: the record\n"
                "     1 | record r {\n"
                "       |        ^\n");
    diag_set_free(&s);

    /* a range over two lines underlines to the end of the first */
    diag_add(&s, &f, SEV_ERROR, D_SYNTAX, at(2, 8, 3, 2), "spans");
    assert_text(render_text(&s, false),
                "t.sla:2:8: error: spans [syntax]\n"
                "     2 | \tna\xc3\xafve \xe2\x82\xac : @int\n"
                "       | \t      ^~~~~~~~\n");
    diag_set_free(&s);

    /* colour wraps the same text in escapes */
    diag_add(&s, &f, SEV_ERROR, D_SYNTAX, at(3, 1, 3, 2), "brace");
    assert_text(render_text(&s, true),
                "\033[1mt.sla:3:1:\033[0m \033[1;31merror:\033[0m brace [syntax]\n"
                "     3 | }\n"
                "       | \033[1;32m^\033[0m\n");
    diag_set_free(&s);
    src_file_free(&f);
}

static void render_text_line_ends(void **state)
{
    (void)state;
    /* CRLF and CR files show the line without its line end */
    static const char *const texts[] = {"a\r\nlet x = 1 +\r\n", "a\rlet x = 1 +\r"};
    for (size_t i = 0; i < 2; i++) {
        src_file f;
        src_file_init(&f, "w.sla", texts[i], strlen(texts[i]));
        diag_set s;
        diag_set_init(&s);
        diag_add(&s, &f, SEV_ERROR, D_SYNTAX, at(2, 12, 2, 13), "unfinished");
        assert_text(render_text(&s, false),
                    "w.sla:2:12: error: unfinished [syntax]\n"
                    "     2 | let x = 1 +\n"
                    "       |            ^\n");
        diag_set_free(&s);
        src_file_free(&f);
    }
}

static void render_json(void **state)
{
    (void)state;
    src_file f;
    src_file_init(&f, "dir/t \"1\".sla", "x\n", 2);
    diag_set s;
    diag_set_init(&s);
    buf b;
    buf_init(&b);
    diag_render_json(&s, &b);
    assert_string_equal(b.data, "{\"version\":1,\"diagnostics\":[],\"errors\":0,\"warnings\":0}\n");
    buf_reset(&b);

    diag *d = diag_add(&s, &f, SEV_ERROR, D_SYNTAX, at(1, 2, 1, 5), "found `frm`\n");
    diag_suggest(d, "did you mean `from`?");
    diag_note_at(d, at(1, 1, 1, 2), "here \xff");
    diag_add(&s, &f, SEV_WARNING, D_UNUSED, at(2, 1, 2, 2), "unused");
    diag_render_json(&s, &b);
    assert_string_equal(b.data,
        "{\"version\":1,\"diagnostics\":[\n"
        "  {\"file\":\"dir/t \\\"1\\\".sla\",\"line\":1,\"column\":2,\"end_line\":1,\"end_column\":5,"
        "\"severity\":\"error\",\"code\":\"syntax\",\"message\":\"found `frm`\\n\","
        "\"suggestion\":\"did you mean `from`?\","
        "\"notes\":[{\"file\":\"dir/t \\\"1\\\".sla\",\"line\":1,\"column\":1,\"message\":\"here \\ufffd\"}]},\n"
        "  {\"file\":\"dir/t \\\"1\\\".sla\",\"line\":2,\"column\":1,\"end_line\":2,\"end_column\":2,"
        "\"severity\":\"warning\",\"code\":\"unused-let\",\"message\":\"unused\"}\n"
        "],\"errors\":1,\"warnings\":1}\n");
    buf_free(&b);
    diag_set_free(&s);
    src_file_free(&f);
}

static void render_sarif(void **state)
{
    (void)state;
    src_file f;
    src_file_init(&f, "my dir/p\xc3\xa9.sla", "x\n", 2);
    diag_set s;
    diag_set_init(&s);
    diag *d = diag_add(&s, &f, SEV_ERROR, D_SYNTAX, at(1, 2, 1, 5), "found \"frm\"");
    diag_suggest(d, "did you mean `from`?");
    diag_note_at(d, at(1, 1, 1, 2), "opened here");
    diag_add(&s, &f, SEV_NOTE, D_UNUSED, at(2, 1, 2, 2), "unused");
    buf b;
    buf_init(&b);
    diag_render_sarif(&s, &b, "1.2.3");
    assert_contains(b.data, "\"version\":\"2.1.0\"");
    assert_contains(b.data, "\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\"");
    assert_contains(b.data, "\"name\":\"slac\",\"version\":\"1.2.3\"");
    assert_contains(b.data, "\"columnKind\":\"unicodeCodePoints\"");
    /* one rule per code, in code order, so ruleIndex finds it */
    size_t rules = 0;
    for (const char *p = b.data; (p = strstr(p, "{\"id\":\"")) != NULL; p++)
        rules++;
    assert_int_equal(rules, D__COUNT);
    assert_contains(b.data, "{\"id\":\"syntax\",\"shortDescription\":{\"text\":"
                            "\"The policy text does not follow the grammar of the language.\"}}");
    assert_contains(b.data,
        "{\"ruleId\":\"syntax\",\"ruleIndex\":0,\"level\":\"error\","
        "\"message\":{\"text\":\"found \\\"frm\\\". did you mean `from`?\"},"
        "\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":\"my%20dir/p%C3%A9.sla\"},"
        "\"region\":{\"startLine\":1,\"startColumn\":2,\"endLine\":1,\"endColumn\":5}}}],"
        "\"relatedLocations\":[{\"id\":0,\"physicalLocation\":{\"artifactLocation\":"
        "{\"uri\":\"my%20dir/p%C3%A9.sla\"},\"region\":{\"startLine\":1,\"startColumn\":1,"
        "\"endLine\":1,\"endColumn\":2}},\"message\":{\"text\":\"opened here\"}}]}");
    char want[64];
    snprintf(want, sizeof want, "{\"ruleId\":\"unused-let\",\"ruleIndex\":%d,\"level\":\"note\"",
             (int)D_UNUSED);
    assert_contains(b.data, want);
    assert_int_equal(b.data[b.len - 1], '\n');
    buf_free(&b);
    diag_set_free(&s);
    src_file_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_int_values),
        cmocka_unit_test(parse_int_overflow),
        cmocka_unit_test(parse_int_syntax),
        cmocka_unit_test(parse_money_values),
        cmocka_unit_test(parse_money_precision),
        cmocka_unit_test(parse_money_commas),
        cmocka_unit_test(parse_money_syntax_and_range),
        cmocka_unit_test(distance),
        cmocka_unit_test(suggester_threshold),
        cmocka_unit_test(arena_many_allocations),
        cmocka_unit_test(arena_alignment_and_zero_sizes),
        cmocka_unit_test(arena_large_allocations),
        cmocka_unit_test(arena_memory_is_zeroed),
        cmocka_unit_test(arena_strings),
        cmocka_unit_test(arena_refuses_impossible_sizes),
        cmocka_unit_test(buf_basics),
        cmocka_unit_test(buf_json_strings),
        cmocka_unit_test(source_lines),
        cmocka_unit_test(diag_add_counts_and_clamps),
        cmocka_unit_test(diag_sorting),
        cmocka_unit_test(diag_sort_is_stable_across_calls),
        cmocka_unit_test(render_text_caret),
        cmocka_unit_test(render_text_line_ends),
        cmocka_unit_test(render_json),
        cmocka_unit_test(render_sarif),
        cmocka_unit_test(diag_sort_empty_set),     /* last: see there */
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
