/*
 * baseline.c - the reference policy written by hand in plain C: the bar.
 *
 *   build/bench/baseline [INPUT]        (INPUT a CSV file; - or none: stdin)
 *
 * What a skilled C programmer would write for exactly the reference
 * workload (/work/shared/bench-spec.md, bench/reference.sla) and nothing
 * else, as fast as one thread goes without machine-specific flags: the
 * figure `sla score` must reach and pass (bench/throughput.sh). It writes
 * `lead_id,score,stage,class,sla` as of 2026-11-01 00:00:00 UTC, byte for
 * byte what `sla score bench/reference.sla INPUT --as-of
 * 2026-11-01T00:00:00Z` writes.
 *
 * A file is mapped whole; a pipe is read whole in large reads. Most rows
 * hold no quote: for those a row is found with one memchr for the line
 * end and one for a quote, and split with memchr over commas, keeping
 * only the columns the policy reads (bound once by header name, without
 * regard to case, order or surrounding blanks, as sla binds them). A row
 * with a quote, and every row of a file with a CR anywhere, goes through
 * the full RFC 4180 parser: quoted commas and line breaks, "" escapes,
 * LF, CRLF or CR line ends. Values are parsed by hand for the spec's
 * formats only: integers, true/false (and sla's other boolean words),
 * `YYYY-MM-DD HH:MM:SS` (UTC), `1234.56` or empty.
 *
 * It never guesses: a row it cannot read (a malformed quote, the wrong
 * number of fields, a value not in the spec's format, a line left empty
 * before the end) stops it with the line and exit status 1, where sla
 * would stop too. It reads the spec's formats and no more (sla reads
 * ISO 8601 times with offsets, money with a currency sign and thousands
 * separators); it does not look for NUL bytes or invalid UTF-8, which sla
 * refuses. On the spec's export neither matters.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The columns the policy reads; the others are never looked at. */
enum {
    C_LEAD_ID, C_EMAIL, C_SIZE, C_INDUSTRY, C_SOURCE, C_VIEWS, C_CONV, C_DEMO,
    C_MQL, C_FIRST_TOUCH, C_TOUCHES, C_REPLY, C_AMOUNT, C_WON, NEED
};
static const char *const need_name[NEED] = {
    "lead_id", "email", "company_size", "industry", "lead_source", "page_views",
    "conversions", "demo_requested", "became_mql_at", "first_touch_at", "touches",
    "last_reply_at", "deal_amount", "deal_won",
};

enum { MAX_FIELDS = 4096, OUT_CAP = 1 << 20 };

typedef struct {
    const char *p;
    size_t n;
} cell;

/* The full parser's view of one field before unescaping. */
typedef struct {
    const char *p;
    size_t n;
    bool esc;           /* quoted with "" inside: unescape before use */
} rawfield;

static const char *input_name = "-";
static long long line_no;          /* line of the record being read */

static char out_buf[OUT_CAP];
static size_t out_len;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "baseline: %s:%lld: ", input_name, line_no);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void flush_out(void)
{
    const char *p = out_buf;
    size_t n = out_len;
    while (n) {
        ssize_t w = write(1, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            perror("baseline: write");
            exit(1);
        }
        p += w;
        n -= (size_t)w;
    }
    out_len = 0;
}

static void put(const char *s, size_t n)
{
    memcpy(out_buf + out_len, s, n);
    out_len += n;
}

static void put_int(int64_t v)
{
    char tmp[24], *p = tmp + sizeof tmp;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    put(p, (size_t)(tmp + sizeof tmp - p));
}

/* ---- input ----------------------------------------------------------------- */

static const char *read_input(const char *path, size_t *len)
{
    int fd = 0;
    if (strcmp(path, "-") != 0 && (fd = open(path, O_RDONLY)) < 0) {
        fprintf(stderr, "baseline: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
            *len = (size_t)st.st_size;
            return m;
        }
    }
    size_t cap = 16 << 20, n = 0;
    char *b = malloc(cap);
    for (;;) {
        if (!b) {
            fprintf(stderr, "baseline: out of memory\n");
            exit(1);
        }
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "baseline: %s: %s\n", path, strerror(errno));
            exit(1);
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n == cap)
            b = realloc(b, cap *= 2);
    }
    *len = n;
    return b;
}

/* ---- the full RFC 4180 parser ------------------------------------------------- */

static rawfield *fields;
static int nfields;
static char *scratch;
static size_t scratch_cap;

/* One record from p; returns the start of the next. */
static const char *parse_record(const char *p, const char *end)
{
    const char *start = p;
    long long lines = 1;
    nfields = 0;
    for (;;) {
        if (nfields == MAX_FIELDS)
            die("too many fields (more than %d)", MAX_FIELDS);
        rawfield *f = &fields[nfields++];
        f->esc = false;
        if (p < end && *p == '"') {
            const char *q = p + 1;
            for (;;) {
                const char *quote = memchr(q, '"', (size_t)(end - q));
                if (!quote)
                    die("a quote is never closed");
                for (const char *s = q; (s = memchr(s, '\n', (size_t)(quote - s))); s++)
                    lines++;
                if (quote + 1 < end && quote[1] == '"') {
                    f->esc = true;
                    q = quote + 2;
                    continue;
                }
                f->p = p + 1;
                f->n = (size_t)(quote - (p + 1));
                p = quote + 1;
                break;
            }
            if (p < end && *p != ',' && *p != '\n' && *p != '\r')
                die("text after the closing quote of a field");
        } else {
            const char *s = p;
            while (s < end && *s != ',' && *s != '\n' && *s != '\r' && *s != '"')
                s++;
            if (s < end && *s == '"')
                die("a quote inside an unquoted field");
            f->p = p;
            f->n = (size_t)(s - p);
            p = s;
        }
        if (p == end)
            break;
        if (*p == ',') {
            p++;
            continue;
        }
        p += *p == '\r' && p + 1 < end && p[1] == '\n' ? 2 : 1;
        break;
    }
    /* Unescaping never lengthens a field: the record's size is enough. */
    size_t need = (size_t)(p - start);
    if (need > scratch_cap) {
        scratch_cap = need * 2;
        scratch = realloc(scratch, scratch_cap);
        if (!scratch) {
            fprintf(stderr, "baseline: out of memory\n");
            exit(1);
        }
    }
    char *w = scratch;
    for (int i = 0; i < nfields; i++) {
        if (!fields[i].esc)
            continue;
        const char *s = fields[i].p, *e = s + fields[i].n;
        char *o = w;
        while (s < e) {
            *w++ = *s;
            s += *s == '"' ? 2 : 1;
        }
        fields[i].p = o;
        fields[i].n = (size_t)(w - o);
    }
    line_no += lines - 1;
    return p;
}

/* ---- values ------------------------------------------------------------------- */

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

static cell trim(cell c)
{
    while (c.n && blank(c.p[0]))
        c.p++, c.n--;
    while (c.n && blank(c.p[c.n - 1]))
        c.n--;
    return c;
}

static int64_t get_int(cell c, int col)
{
    if (c.n && (blank(c.p[0]) || blank(c.p[c.n - 1])))
        c = trim(c);
    size_t i = 0;
    bool neg = false;
    if (c.n && (c.p[0] == '-' || c.p[0] == '+'))
        neg = c.p[i++] == '-';
    if (i == c.n)
        die("column %s: expected a whole number", need_name[col]);
    uint64_t v = 0;
    const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < c.n; i++) {
        unsigned d = (unsigned)(unsigned char)c.p[i] - '0';
        if (d > 9 || v > (limit - d) / 10)
            die("column %s: expected a whole number", need_name[col]);
        v = v * 10 + d;
    }
    return neg ? (int64_t)(0 - v) : (int64_t)v;
}

static bool get_bool(cell c, int col)
{
    if (c.n == 4 && memcmp(c.p, "true", 4) == 0)
        return true;
    if (c.n == 5 && memcmp(c.p, "false", 5) == 0)
        return false;
    static const char *const words[][2] = {
        {"false", "true"}, {"no", "yes"}, {"n", "y"}, {"0", "1"}, {"f", "t"},
    };
    c = trim(c);
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        for (int v = 0; v < 2; v++)
            if (strlen(words[k][v]) == c.n && strncasecmp(c.p, words[k][v], c.n) == 0)
                return v;
    die("column %s: expected true or false", need_name[col]);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static unsigned two(const char *s)
{
    return (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
}

/* `YYYY-MM-DD HH:MM:SS` as seconds since the epoch, UTC; false if empty. */
static bool get_time(cell c, int col, int64_t *out)
{
    if (c.n != 19)
        c = trim(c);
    if (c.n == 0)
        return false;
    const char *s = c.p;
    static const char shape[] = "dddd-dd-dd dd:dd:dd";
    if (c.n != 19)
        goto bad;
    for (int i = 0; i < 19; i++)
        if (shape[i] == 'd' ? (unsigned)(s[i] - '0') > 9 : s[i] != shape[i])
            goto bad;
    unsigned y = two(s) * 100 + two(s + 2), mo = two(s + 5), d = two(s + 8);
    unsigned h = two(s + 11), mi = two(s + 14), se = two(s + 17);
    static const unsigned char mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (unsigned)(mo == 2 && leap) || h > 23 ||
        mi > 59 || se > 59)
        goto bad;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return true;
bad:
    die("column %s: expected a time such as 2026-02-24 02:18:00", need_name[col]);
}

/* deal_amount > 0, for `1234.56`, `-5`, `0.00` or empty (not > 0). */
static bool amount_positive(cell c)
{
    c = trim(c);
    if (c.n == 0)
        return false;
    size_t i = 0;
    bool neg = false, nonzero = false;
    if (c.p[0] == '-' || c.p[0] == '+')
        neg = c.p[i++] == '-';
    size_t digits = 0, frac = 0;
    for (; i < c.n && (unsigned)(c.p[i] - '0') <= 9; i++, digits++)
        nonzero |= c.p[i] != '0';
    if (i < c.n && c.p[i] == '.')
        for (i++; i < c.n && (unsigned)(c.p[i] - '0') <= 9; i++, frac++)
            nonzero |= c.p[i] != '0';
    if (i != c.n || digits == 0 || frac > 4 || digits > 15)
        die("column deal_amount: expected an amount such as 1234.50");
    return nonzero && !neg;
}

static bool ends_with(cell c, const char *suffix, size_t n)
{
    return c.n >= n && memcmp(c.p + c.n - n, suffix, n) == 0;
}

static bool is_word(cell c, const char *w, size_t n)
{
    return c.n == n && memcmp(c.p, w, n) == 0;
}

/* ---- the policy ----------------------------------------------------------------- */

/* 2026-11-01 00:00:00 UTC */
#define AS_OF ((int64_t)20758 * 86400)
_Static_assert(AS_OF == 1793491200, "the as-of instant is 2026-11-01 00:00:00 UTC");

static void score_row(const cell *v)
{
    int64_t id = get_int(v[C_LEAD_ID], C_LEAD_ID);
    bool demo = get_bool(v[C_DEMO], C_DEMO);
    int64_t views = get_int(v[C_VIEWS], C_VIEWS);
    int64_t conv = get_int(v[C_CONV], C_CONV);
    int64_t size = get_int(v[C_SIZE], C_SIZE);
    int64_t touches = get_int(v[C_TOUCHES], C_TOUCHES);
    bool won = get_bool(v[C_WON], C_WON);
    int64_t mql, first, reply;
    bool has_mql = get_time(v[C_MQL], C_MQL, &mql);
    bool has_first = get_time(v[C_FIRST_TOUCH], C_FIRST_TOUCH, &first);
    bool has_reply = get_time(v[C_REPLY], C_REPLY, &reply);
    bool positive = amount_positive(v[C_AMOUNT]);
    cell email = v[C_EMAIL], ind = v[C_INDUSTRY];
    /* A cell of blanks reads as empty text. */
    bool no_email = trim(email).n == 0;

    int64_t score = 0;
    score += demo ? 30 : 0;
    score += views >= 10 ? 15 : 0;
    score += 5 * (conv < 4 ? conv : 4);
    score += size >= 200 ? 15 : size >= 50 ? 10 : 0;
    if (is_word(ind, "saas", 4) || is_word(ind, "fintech", 7) || is_word(ind, "healthcare", 10))
        score += 10;
    if (ends_with(email, "@gmail.com", 10) || ends_with(email, "@yahoo.com", 10) ||
        ends_with(email, "@hotmail.com", 12))
        score -= 20;
    if (is_word(v[C_SOURCE], "referral", 8))
        score += 10;
    bool qualified = score >= 50 || demo;

    static const char *const stage_s[] = {"customer", "opportunity", "sql", "mql", "lead",
                                          "subscriber"};
    int stage = won                                    ? 0
                : positive                             ? 1
                : qualified && touches >= 1 && has_reply ? 2
                : qualified                            ? 3
                : !no_email                            ? 4
                                                       : 5;
    int cls = score >= 70 && size >= 200 ? 0 : score >= 50 ? 1 : 2;
    static const int64_t window[] = {3600, 4 * 3600, 24 * 3600};

    const char *sla = "n/a";
    if ((stage == 2 || stage == 3) && has_mql) {
        int64_t due = mql + window[cls];
        if (has_first)
            sla = first <= due ? "met" : "breached";
        else
            sla = AS_OF > due ? "breached" : "pending";
    }

    if (out_len > OUT_CAP - 128)
        flush_out();
    put_int(id);
    out_buf[out_len++] = ',';
    put_int(score);
    out_buf[out_len++] = ',';
    put(stage_s[stage], strlen(stage_s[stage]));
    out_buf[out_len++] = ',';
    out_buf[out_len++] = (char)('A' + cls);
    out_buf[out_len++] = ',';
    put(sla, strlen(sla));
    out_buf[out_len++] = '\n';
}

/* ---- the file --------------------------------------------------------------------- */

static bool same_name(const char *a, cell c)
{
    c = trim(c);
    return strlen(a) == c.n && strncasecmp(a, c.p, c.n) == 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1])) {
        fprintf(stderr, "usage: baseline [INPUT]\n");
        return 2;
    }
    input_name = argc == 2 ? argv[1] : "-";
    size_t len;
    const char *data = read_input(input_name, &len);
    const char *p = data, *end = data + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    fields = malloc(MAX_FIELDS * sizeof *fields);
    if (!fields)
        return 1;

    line_no = 1;
    if (p == end)
        die("the file is empty: expected a header row");
    p = parse_record(p, end);
    int ncols = nfields;
    signed char slot[MAX_FIELDS];
    memset(slot, -1, sizeof slot);
    for (int k = 0; k < NEED; k++) {
        int found = -1;
        for (int c = 0; c < ncols; c++) {
            if (!same_name(need_name[k], (cell){fields[c].p, fields[c].n}))
                continue;
            if (found >= 0)
                die("column \"%s\" appears twice in the header", need_name[k]);
            found = c;
        }
        if (found < 0)
            die("the header has no column \"%s\"", need_name[k]);
        slot[found] = (signed char)k;
    }

    /* A CR anywhere sends every row through the full parser, which knows
     * CRLF and CR line ends; the fast split knows only LF. */
    bool has_cr = memchr(p, '\r', (size_t)(end - p)) != NULL;
    put("lead_id,score,stage,class,sla\n", 30);
    cell v[NEED];
    while (p < end) {
        line_no++;
        if (*p == '\n' || *p == '\r') {
            /* Empty lines are allowed only at the end. */
            const char *q = p;
            while (q < end && (*q == '\n' || *q == '\r'))
                q++;
            if (q == end)
                break;
            die("the line is empty");
        }
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            nl = end;
        if (!has_cr && !memchr(p, '"', (size_t)(nl - p))) {
            int i = 0;
            const char *f = p;
            for (;;) {
                const char *c = memchr(f, ',', (size_t)(nl - f));
                const char *fe = c ? c : nl;
                if (i < ncols && slot[i] >= 0)
                    v[slot[i]] = (cell){f, (size_t)(fe - f)};
                i++;
                if (!c)
                    break;
                f = c + 1;
            }
            if (i != ncols)
                goto ragged;
            p = nl + (nl < end);
        } else {
            p = parse_record(p, end);
            if (nfields != ncols)
                goto ragged;
            for (int c = 0; c < ncols; c++)
                if (slot[c] >= 0)
                    v[slot[c]] = (cell){fields[c].p, fields[c].n};
        }
        score_row(v);
    }
    flush_out();
    return 0;

ragged:
    fprintf(stderr, "baseline: %s:%lld: the row has a different number of fields than the header (%d)\n",
            input_name, line_no, ncols);
    return 1;
}
