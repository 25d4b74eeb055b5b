/*
 * convert.c - reading CSV cells into values, and writing values out.
 *
 * Reading is strict and never guesses: a cell is one value of its field's
 * type, or empty, or an error that quotes the cell and says what was
 * expected. Writing produces text that reads back to the same value
 * (conv_cell(fmt_value(x)) == x), which the unit tests check on random
 * values of every type.
 *
 * Decisions that shape the rules:
 *  - Spaces and tabs around a cell are ignored, except in text, which is
 *    taken exactly as written. A cell of only spaces and tabs is empty.
 *    A missing word matches the whole trimmed cell, ignoring ASCII case.
 *  - Money accepts one currency sign ($, €, £) and thousands grouped by
 *    commas in threes; the minus may come before or after the sign
 *    (-$5, $-5). More than four decimals is an error, never rounded.
 *  - Numbers are decimal only (no NaN, infinity, hex or decimal commas)
 *    and are read with strtod, which rounds exactly; -0 reads as 0.
 *  - Times: ISO 8601 first, then the field's formats in order. Digits
 *    of a second beyond the microsecond are dropped (truncated).
 *  - Durations: H:MM:SS, H:MM or ISO 8601 (PT4H30M, P1DT2H, P2W), with a
 *    leading minus for negative; a day is 24 hours. Years and months are
 *    refused: they have no fixed length.
 *  - A NULL zone means UTC, for reading and writing.
 *
 * Number text goes through the C library, whose decimal point follows
 * the locale: sla never calls setlocale, but a program embedding libsla
 * might, so the decimal point is mapped both ways.
 */
#include "convert.h"

#include "../common/utf8.h"
#include "../common/xalloc.h"

#include "../common/num.h"

#include <float.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- messages --------------------------------------------------------------- */

/* The caller's error buffer, filled left to right and always terminated. */
typedef struct msgbuf {
    char *p;
    size_t cap, len;
} msgbuf;

static void msg_put(msgbuf *m, const char *s, size_t n)
{
    if (m->cap == 0)
        return;
    size_t room = m->cap - 1 - m->len;
    if (n > room)
        n = room;
    memcpy(m->p + m->len, s, n);
    m->len += n;
    m->p[m->len] = '\0';
}

static void msg_puts(msgbuf *m, const char *s)
{
    msg_put(m, s, strlen(s));
}

static void msg_printf(msgbuf *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void msg_printf(msgbuf *m, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        msg_put(m, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}


enum { QUOTE_MAX = 60 };

/* The cell between backticks, for a message: at most QUOTE_MAX bytes, cut
 * at a character boundary and followed by "..."; control characters and
 * bytes that are not UTF-8 written as \xNN, so a message is always text. */
static void msg_cell(msgbuf *m, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    msg_put(m, "`", 1);
    for (size_t i = 0; i < n;) {
        if (i >= QUOTE_MAX) {
            msg_puts(m, "...");
            break;
        }
        size_t k = utf8_seq_len(u + i, n - i);
        if (k == 0 || u[i] < 0x20 || u[i] == 0x7F) {
            msg_printf(m, "\\x%02X", u[i]);
            i++;
        } else {
            msg_put(m, s + i, k);
            i += k;
        }
    }
    msg_put(m, "`", 1);
}

/* "`cell` is not <what>: <reason>" */
static bool not_a(msgbuf *m, const char *s, size_t n, const char *what, const char *reason)
{
    msg_cell(m, s, n);
    msg_printf(m, " is not %s: %s", what, reason);
    return false;
}

static const char *const type_names[VT__COUNT] = {
    [VT_INT] = "int", [VT_NUMBER] = "number", [VT_MONEY] = "money", [VT_BOOL] = "bool",
    [VT_TEXT] = "text", [VT_TIME] = "time", [VT_DURATION] = "duration",
    [VT_BDURATION] = "business duration", [VT_STAGE] = "stage", [VT_CLASS] = "class",
    [VT_HANDOFF] = "hand-off status", [VT_CADENCE] = "cadence status",
};

static const char *type_name(vtype t)
{
    return (int)t >= 0 && t < VT__COUNT ? type_names[t] : "value";
}

/* ---- small pieces ------------------------------------------------------------ */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* s[0..n) equals the NUL-terminated word, ignoring ASCII case. */
static bool same_word(const char *s, size_t n, const char *word)
{
    size_t i = 0;
    for (; i < n; i++)
        if (!word[i] || lower(s[i]) != lower(word[i]))
            return false;
    return word[i] == '\0';
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return a % b < 0 ? q - 1 : q;
}

/* The C library's decimal point: '.' unless someone called setlocale. */
static char decimal_point(void)
{
    const char *dp = localeconv()->decimal_point;
    return dp && dp[0] && !dp[1] ? dp[0] : '.';
}

/* A decimal number: optional sign, digits with an optional point (at least
 * one digit in all), an optional exponent. Says whether a point or an
 * exponent was written. */
static bool decimal_shape(const char *s, size_t n, bool *point, bool *exponent)
{
    size_t i = 0;
    int mant = 0;
    *point = *exponent = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    for (; i < n && is_digit(s[i]); i++)
        mant++;
    if (i < n && s[i] == '.') {
        *point = true;
        for (i++; i < n && is_digit(s[i]); i++)
            mant++;
    }
    if (mant == 0)
        return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        *exponent = true;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        int ed = 0;
        for (; i < n && is_digit(s[i]); i++)
            ed++;
        if (ed == 0)
            return false;
    }
    return i == n;
}

/* ---- the readers, one per type ------------------------------------------------ */

/* Up to 18 digits after an optional minus (which cannot overflow),
 * nothing else (a blank is not a digit): the whole numbers of an export,
 * read without the general parser. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline bool plain_int(const char *s, size_t n, int64_t *out)
{
    const unsigned char *c = (const unsigned char *)s;
    if (n == 0)
        return false;
    size_t neg = c[0] == '-', i = neg;
    if (n - neg - 1 >= 18)
        return false;
    uint64_t u = 0;
    do {
        unsigned d = (unsigned)(c[i] - '0');
        if (d > 9)
            return false;
        u = u * 10 + d;
    } while (++i < n);
    *out = neg ? -(int64_t)u : (int64_t)u;
    return true;
}

static bool read_int(const char *s, size_t n, sla_value *out, msgbuf *m)
{
    if (plain_int(s, n, &out->i))
        return true;
    int64_t v;
    bool point, exponent;
    switch (num_parse_int(s, n, &v)) {
    case NUM_OK:
        out->i = v;
        return true;
    case NUM_RANGE:
        msg_cell(m, s, n);
        if (s[0] == '-')
            msg_printf(m, " is too small for a whole number (the limit is -9223372036854775808)");
        else
            msg_printf(m, " is too large for a whole number (the limit is 9223372036854775807)");
        return false;
    default:
        break;
    }
    if (memchr(s, ',', n))
        return not_a(m, s, n, "a whole number", "thousands separators are not allowed (write 1000, not 1,000)");
    if (decimal_shape(s, n, &point, &exponent))
        return not_a(m, s, n, "a whole number",
                     point ? "it has a decimal point" : "it is written with an exponent");
    return not_a(m, s, n, "a whole number", "expected digits with an optional sign, such as 42 or -7");
}

enum { NUMBER_MAX = 400 };

static bool read_number(const char *s, size_t n, sla_value *out, msgbuf *m)
{
    bool point, exponent;
    if (!decimal_shape(s, n, &point, &exponent)) {
        size_t k = n > 0 && (s[0] == '+' || s[0] == '-');
        if (memchr(s, ',', n))
            return not_a(m, s, n, "a number",
                         "commas are not allowed: write decimals with a point and no thousands separators (1234.5)");
        if (same_word(s + k, n - k, "nan") || same_word(s + k, n - k, "inf") ||
            same_word(s + k, n - k, "infinity"))
            return not_a(m, s, n, "a number", "only finite numbers are allowed");
        return not_a(m, s, n, "a number", "expected a decimal number such as 3.25, -0.5 or 1e3");
    }
    if (n > NUMBER_MAX)
        return not_a(m, s, n, "a number", "it is too long (more than 400 characters)");
    char tmp[NUMBER_MAX + 1];
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char dp = decimal_point();
    if (dp != '.') {
        char *p = memchr(tmp, '.', n);
        if (p)
            *p = dp;
    }
    double d = strtod(tmp, NULL);
    if (isinf(d)) {
        msg_cell(m, s, n);
        msg_puts(m, " is too large for a number (the limit is about 1.8e308)");
        return false;
    }
    out->f = d == 0 ? 0.0 : d;      /* -0 reads as 0 */
    return true;
}

/* Bytes of a currency sign at s: $, € or £. */
static size_t currency_sign(const char *s, size_t n)
{
    if (n >= 1 && s[0] == '$')
        return 1;
    if (n >= 3 && memcmp(s, "\xE2\x82\xAC", 3) == 0)
        return 3;
    if (n >= 2 && memcmp(s, "\xC2\xA3", 2) == 0)
        return 2;
    return 0;
}

static bool read_money(const char *s, size_t n, sla_value *out, msgbuf *m)
{
    static const char what[] = "an amount of money";
    size_t i = 0;
    bool neg = false, signed_ = false;
    if (i < n && (s[i] == '-' || s[i] == '+')) {
        neg = s[i++] == '-';
        signed_ = true;
    }
    size_t sign = currency_sign(s + i, n - i);
    i += sign;
    if (sign && !signed_ && i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    int64_t v = 0;
    num_status st = NUM_SYNTAX;
    if (i < n && s[i] != '-' && s[i] != '+')
        st = num_parse_money(s + i, n - i, true, &v);
    switch (st) {
    case NUM_OK:
        out->i = neg ? -v : v;
        return true;
    case NUM_PRECISION:
        return not_a(m, s, n, what, "it has more than 4 decimals (money is exact to 0.0001 and is never rounded)");
    case NUM_RANGE:
        msg_cell(m, s, n);
        msg_puts(m, " is too large for an amount of money (the limit is 922337203685477.5807)");
        return false;
    default:
        break;
    }
    if (memchr(s, ',', n))
        return not_a(m, s, n, what, "commas may only group thousands by threes, before the decimal point (1,234.50)");
    bool point, exponent;
    if (decimal_shape(s + i, n - i, &point, &exponent) && exponent)
        return not_a(m, s, n, what, "an exponent is not allowed in an amount of money");
    return not_a(m, s, n, what, "expected an amount such as 1234.50, -5 or $1,234.50");
}

static bool read_bool(const char *s, size_t n, sla_value *out, msgbuf *m)
{
    static const char *const words[][2] = {
        {"false", "true"}, {"no", "yes"}, {"n", "y"}, {"0", "1"}, {"f", "t"},
    };
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        for (int v = 0; v < 2; v++)
            if (same_word(s, n, words[k][v])) {
                out->i = v;
                return true;
            }
    return not_a(m, s, n, "true or false", "expected true/false, yes/no, y/n, t/f or 1/0 (in any case)");
}

/* The length of the valid UTF-8 at the start of s[0..n): n if it all
 * is. ASCII eight bytes at a time, then byte by byte from the first word
 * with a byte that is not. */
static size_t utf8_valid_prefix(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    for (uint64_t w; i + 8 <= n; i += 8) {
        memcpy(&w, u + i, 8);
        if (w & 0x8080808080808080ull)
            break;
    }
    while (i < n) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_seq_len(u + i, n - i);
        if (k == 0)
            return i;
        i += k;
    }
    return n;
}

static bool read_text(const char *cell, size_t len, sla_value *out, msgbuf *m)
{
    const unsigned char *u = (const unsigned char *)cell;
    for (size_t i = utf8_valid_prefix(cell, len); i < len;) {
        size_t k = utf8_seq_len(u + i, len - i);
        if (k == 0) {
            msg_printf(m, "the cell is not valid UTF-8 text: byte %zu is 0x%02X (save the export as UTF-8)",
                       i + 1, u[i]);
            return false;
        }
        i += k;
    }
    if (len > UINT32_MAX) {
        msg_puts(m, "the cell is too long for a text value (more than 4 GiB)");
        return false;
    }
    out->s = cell;
    out->len = (uint32_t)len;
    return true;
}

/* timefmt's reasons that start like these mean the cell does not have the
 * shape tried; any other reason means it had the shape but a part is out
 * of range (day 30 of February), which is worth saying instead of listing
 * every accepted form. */
static bool shape_reason(const char *why)
{
    return strncmp(why, "expected", 8) == 0 || strncmp(why, "unexpected", 10) == 0 ||
           strncmp(why, "the text does not match", 23) == 0;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WORDS_LE 1
#else
#define WORDS_LE 0
#endif

#if WORDS_LE
/* The eight bytes at s as a word, s[0] lowest. */
static inline uint64_t load8(const char *s)
{
    uint64_t v;
    memcpy(&v, s, 8);
    return v;
}

/* ONES * b: the byte b in each byte of a word. */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* The digit bytes of w (those in mask) as values 0..9, with *bad set
 * if one is not a digit: x ^ '0' is 0..9 exactly for a digit, and then
 * x + 0x76 stays below 0x80 (a carry out of a byte of x ^ '0' at 0x8A or
 * more can only mark the next byte too, and that one is bad already). */
static inline uint64_t digit_bytes(uint64_t w, uint64_t mask, uint64_t *bad)
{
    uint64_t x = (w ^ (ONES * '0')) & mask;
    *bad |= (x | (x + ONES * 0x76)) & HIGHS & mask;
    return x;
}

/* plain_int for a cell followed by at least CSV_PAD bytes that can be
 * read: up to eight digits without a sign in a few operations on the
 * word at s, with no branch on their number (an export's numbers come in
 * every length, and the exit of a loop over their digits would be
 * guessed wrong about once a number). The bytes after the cell leave
 * the word by the shift; the digits left in its top bytes, the first
 * lowest, are the eight digits of a number with leading zeros. */
static inline bool padded_int(const char *s, size_t n, int64_t *out)
{
    if (n - 1 >= 8)
        return plain_int(s, n, out);
    unsigned shift = (unsigned)(8 - n) * 8;
    uint64_t bad = 0;
    uint64_t x = digit_bytes(load8(s) << shift, ~(uint64_t)0 << shift, &bad);
    if (bad)
        return plain_int(s, n, out);   /* a sign, or not a number */
    x = x * 10 + (x >> 8);             /* the pairs, in bytes 0, 2, 4, 6 */
    x = ((x & 0x000000ff000000ffull) * (100 + (1000000ull << 32)) +
         ((x >> 16) & 0x000000ff000000ffull) * (1 + (10000ull << 32))) >> 32;
    *out = (int64_t)(uint32_t)x;
    return true;
}
#else
static inline bool padded_int(const char *s, size_t n, int64_t *out)
{
    return plain_int(s, n, out);
}

/* The two digits at s as a number, or -1. */
static int two_digits(const char *s)
{
    unsigned a = (unsigned)((unsigned char)s[0] - '0'), b = (unsigned)((unsigned char)s[1] - '0');
    return a > 9 || b > 9 ? -1 : (int)(a * 10 + b);
}
#endif

/* The export's usual form, YYYY-MM-DD hh:mm:ss (or with a T), read
 * directly: true with *local (seconds, in the field's zone) when s is
 * exactly that and valid; anything else goes the whole way. On
 * little-endian machines the digits are read eight bytes at a time:
 * x * 10 + (x >> 8) makes each pair of digit bytes a number in the
 * first byte of the pair. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline bool plain_time(const char *s, size_t n, int64_t *local)
{
    if (n != 19)
        return false;
    int y, mo, d, h, mi, sec;
#if WORDS_LE
    /* a: "YYYY-MM-", b: "DD hh:mm", c: "hh:mm:ss" (s + 11). */
    uint64_t a = load8(s), b = load8(s + 8), c = load8(s + 11), bad = 0;
    unsigned sep = (unsigned)(b >> 16) & 0xff;
    if ((a & 0xff0000ff00000000ull) != ((uint64_t)'-' << 56 | (uint64_t)'-' << 32) ||
        (c & 0x0000ff0000ff0000ull) != ((uint64_t)':' << 40 | (uint64_t)':' << 16) ||
        (sep != ' ' && (sep | 0x20) != 't'))
        return false;
    uint64_t da = digit_bytes(a, 0x00ffff00ffffffffull, &bad);
    uint64_t db = digit_bytes(b, 0xffff00ffff00ffffull, &bad);
    uint64_t dc = digit_bytes(c, 0xffff000000000000ull, &bad);
    if (bad)
        return false;
    da = da * 10 + (da >> 8);
    db = db * 10 + (db >> 8);
    dc = dc * 10 + (dc >> 8);
    y = (int)(da & 0xff) * 100 + (int)((da >> 16) & 0xff);
    mo = (int)((da >> 40) & 0xff);
    d = (int)(db & 0xff);
    h = (int)((db >> 24) & 0xff);
    mi = (int)((db >> 48) & 0xff);
    sec = (int)((dc >> 48) & 0xff);
#else
    if (s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':' ||
        (s[10] != ' ' && s[10] != 'T' && s[10] != 't'))
        return false;
    int y1 = two_digits(s), y2 = two_digits(s + 2);
    mo = two_digits(s + 5), d = two_digits(s + 8), h = two_digits(s + 11),
    mi = two_digits(s + 14), sec = two_digits(s + 17);
    if ((y1 | y2 | mo | d | h | mi | sec) < 0)
        return false;
    y = y1 * 100 + y2;
#endif
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > civil_days_in_month(y, mo) || h > 23 ||
        mi > 59 || sec > 59)
        return false;
    /* civil_to_days for years 1 to 9999, where it needs no signs */
    unsigned yy = (unsigned)y - (mo <= 2), era = yy / 400, yoe = yy - era * 400;
    unsigned doy = (153 * (unsigned)(mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + (unsigned)d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = (int64_t)era * 146097 + doe - 719468;
    *local = days * 86400 + h * 3600 + mi * 60 + sec;
    return true;
}

static bool read_time(const conv_field *f, const char *s, size_t n, sla_value *out, msgbuf *m)
{
    int64_t plain;
    if (plain_time(s, n, &plain)) {
        out->i = (f->zone ? tz_local_to_utc(f->zone, plain) : plain) * US_PER_SEC;
        return true;
    }
    civil_time t;
    const char *why = timefmt_parse_iso(s, n, &t);
    const char *range_why = why && !shape_reason(why) ? why : NULL;
    int range_format = -1;
    for (int k = 0; why && k < f->nformats; k++) {
        const char *w = timefmt_parse(&f->formats[k], s, n, &t);
        if (!w)
            why = NULL;
        else if (!range_why && !shape_reason(w)) {
            range_why = w;
            range_format = k;
        }
    }
    if (why) {
        msg_cell(m, s, n);
        if (range_why) {
            msg_printf(m, " is not a time: %s", range_why);
            if (range_format >= 0 && f->format_names)
                msg_printf(m, " (read as %s)", f->format_names[range_format]);
            return false;
        }
        msg_puts(m, " is not a time: expected ISO 8601 (2026-02-24 or 2026-02-24T02:18:00)");
        if (f->nformats > 0 && f->format_names) {
            msg_puts(m, " or one of: ");
            for (int k = 0; k < f->nformats; k++) {
                if (k)
                    msg_puts(m, ", ");
                msg_puts(m, f->format_names[k]);
            }
        } else if (f->nformats > 0)
            msg_printf(m, " or one of the %d time formats of the policy", f->nformats);
        return false;
    }
    int64_t local = civil_to_days(t.year, t.month, t.day) * 86400 + t.hour * 3600 +
                    t.minute * 60 + t.second;
    int64_t utc = t.has_offset ? local - t.offset_seconds
                  : f->zone    ? tz_local_to_utc(f->zone, local)
                               : local;
    out->i = utc * US_PER_SEC + t.nanos / 1000;
    return true;
}

/* ---- durations ---------------------------------------------------------------- */

#define DUR_LIMIT ((uint64_t)INT64_MAX + 1)   /* the magnitude of INT64_MIN */

/* *acc += count * unit, false past DUR_LIMIT. */
static bool add_units(uint64_t *acc, uint64_t count, uint64_t unit)
{
    if (count > DUR_LIMIT / unit)
        return false;
    uint64_t p = count * unit;
    if (p > DUR_LIMIT - *acc)
        return false;
    *acc += p;
    return true;
}

/* Digits at s[*i]; saturates at UINT64_MAX, which add_units refuses. */
static int take_digits(const char *s, size_t n, size_t *i, uint64_t *v)
{
    int count = 0;
    *v = 0;
    for (; *i < n && is_digit(s[*i]); (*i)++, count++) {
        unsigned d = (unsigned)(s[*i] - '0');
        *v = *v > (UINT64_MAX - d) / 10 ? UINT64_MAX : *v * 10 + d;
    }
    return count;
}

/* A fraction at s[*i] (after the point) of a unit of unit_sec seconds, in
 * microseconds, truncated; digits past the ninth only have to be digits. */
static bool take_fraction(const char *s, size_t n, size_t *i, uint64_t unit_sec, uint64_t *us)
{
    static const uint64_t pow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
                                     100000000, 1000000000};
    uint64_t num = 0;
    int k = 0, all = 0;
    for (; *i < n && is_digit(s[*i]); (*i)++, all++)
        if (k < 9) {
            num = num * 10 + (uint64_t)(s[*i] - '0');
            k++;
        }
    if (all == 0)
        return false;
    /* num < 10^9 and unit_sec <= 604800: the product fits easily. */
    uint64_t x = num * unit_sec;
    *us = k <= 6 ? x * pow10[6 - k] : x / pow10[k - 6];
    return true;
}

static const char dur_expected[] =
    "expected hours, minutes and seconds as H:MM:SS (36:15:00) or H:MM, or an ISO 8601 "
    "duration such as PT4H30M";
static const char dur_too_large[] = "too large";

/* H:MM[:SS[.f]], hours as many digits as needed. */
static const char *clock_duration(const char *s, size_t n, uint64_t *mag)
{
    size_t i = 0;
    uint64_t h, mi, sec = 0, frac = 0;
    if (take_digits(s, n, &i, &h) == 0 || i >= n || s[i++] != ':' ||
        take_digits(s, n, &i, &mi) != 2)
        return dur_expected;
    if (i < n && s[i] == ':') {
        i++;
        if (take_digits(s, n, &i, &sec) != 2)
            return dur_expected;
        if (i < n && s[i] == '.') {
            i++;
            if (!take_fraction(s, n, &i, 1, &frac))
                return dur_expected;
        }
    }
    if (i != n)
        return dur_expected;
    if (mi > 59)
        return "the minutes must be between 00 and 59";
    if (sec > 59)
        return "the seconds must be between 00 and 59";
    *mag = 0;
    if (!add_units(mag, h, 3600 * US_PER_SEC) || !add_units(mag, mi, 60 * US_PER_SEC) ||
        !add_units(mag, sec, US_PER_SEC) || !add_units(mag, frac, 1))
        return dur_too_large;
    return NULL;
}

/* ISO 8601: P[nW][nD][T[nH][nM][nS]], each part at most once and in this
 * order, a fraction (point or comma) only on the last part written. */
static const char *iso_duration(const char *s, size_t n, uint64_t *mag)
{
    static const uint64_t unit_sec[] = {604800, 86400, 3600, 60, 1};
    size_t i = 1;
    int last = -1;
    bool in_time = false, fraction = false;
    *mag = 0;
    while (i < n) {
        if (s[i] == 'T' || s[i] == 't') {
            if (in_time || fraction)
                return dur_expected;
            in_time = true;
            i++;
            continue;
        }
        if (fraction)
            return dur_expected;
        uint64_t v, frac = 0;
        if (take_digits(s, n, &i, &v) == 0)
            return dur_expected;
        size_t frac_at = 0;
        if (i < n && (s[i] == '.' || s[i] == ',')) {
            frac_at = ++i;
            fraction = true;
            uint64_t skip;
            if (take_digits(s, n, &i, &skip) == 0)
                return dur_expected;
        }
        if (i >= n)
            return dur_expected;
        char d = lower(s[i++]);
        int part;
        if (!in_time && (d == 'y' || d == 'm'))
            return "years and months have no fixed length: write days, as in P30D";
        if (!in_time)
            part = d == 'w' ? 0 : d == 'd' ? 1 : -1;
        else
            part = d == 'h' ? 2 : d == 'm' ? 3 : d == 's' ? 4 : -1;
        if (part <= last)
            return dur_expected;
        last = part;
        if (fraction) {
            size_t j = frac_at;
            take_fraction(s, n, &j, unit_sec[part], &frac);
        }
        if (!add_units(mag, v, unit_sec[part] * US_PER_SEC) || !add_units(mag, frac, 1))
            return dur_too_large;
    }
    if (last < 0 || (in_time && last < 2))
        return dur_expected;
    return NULL;
}

static bool read_duration(const char *s, size_t n, sla_value *out, msgbuf *m)
{
    size_t i = 0;
    bool neg = i < n && s[i] == '-';
    i += neg;
    uint64_t mag = 0;
    const char *why = i < n && (s[i] == 'P' || s[i] == 'p') ? iso_duration(s + i, n - i, &mag)
                                                            : clock_duration(s + i, n - i, &mag);
    if (!why && !neg && mag > (uint64_t)INT64_MAX)
        why = dur_too_large;
    if (why == dur_too_large) {
        msg_cell(m, s, n);
        msg_puts(m, " is too large for a duration (the limit is about 2562047788 hours)");
        return false;
    }
    if (why)
        return not_a(m, s, n, "a duration", why);
    out->i = !neg ? (int64_t)mag : mag == DUR_LIMIT ? INT64_MIN : -(int64_t)mag;
    return true;
}

/* ---- conv_cell ------------------------------------------------------------------ */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* A plain amount: -?digits(.digits)?, at most 14 digits before the point
 * and MONEY_DIGITS after, no leading zero; in ten-thousandths. */
static bool plain_money(const char *s, size_t n, int64_t *out)
{
    size_t i = n > 0 && s[0] == '-', start = i;
    int64_t whole = 0;
    while (i < n && i - start < 15 && s[i] >= '0' && s[i] <= '9')
        whole = whole * 10 + (s[i++] - '0');
    size_t digits = i - start;
    if (digits == 0 || digits > 14 || (digits > 1 && s[start] == '0'))
        return false;
    int64_t frac = 0, scale = MONEY_SCALE;
    if (i < n && s[i] == '.') {
        size_t f0 = ++i;
        while (i < n && i - f0 < MONEY_DIGITS && s[i] >= '0' && s[i] <= '9') {
            frac = frac * 10 + (s[i++] - '0');
            scale /= 10;
        }
        if (i == f0)
            return false;
    }
    if (i != n)
        return false;
    int64_t v = whole * MONEY_SCALE + frac * scale;
    *out = start ? -v : v;
    return true;
}

/* The fast path: one kind a field, chosen once (kind_of), and one
 * switch over the kinds (fast_cell), inlined into the loops over a row:
 * conv_row's, in column order, and conv_plan_row's, one a kind, where the
 * kind is a constant and the switch goes away. Each takes an empty cell
 * and a plain one. */

enum { K_INT, K_MONEY, K_TEXT, K_TIME, K_BOOL, K_OTHER, K_NEVER, K__COUNT };
_Static_assert((int)K__COUNT == (int)CONV_KINDS, "convert.h counts the kinds");

static uint8_t kind_of(const conv_field *f)
{
    if (f->nmissing > 0)
        return K_NEVER;   /* the words that mean empty are looked for the whole way */
    switch (f->type) {
    case VT_INT: return K_INT;
    case VT_MONEY: return K_MONEY;
    case VT_TEXT: return K_TEXT;
    case VT_TIME: return K_TIME;
    case VT_BOOL: return K_BOOL;
    default: return K_OTHER;
    }
}

/* The word of four letters, as memcpy reads it on this machine. */
static inline uint32_t bool_word(const char s[4])
{
    uint32_t w;
    memcpy(&w, s, 4);
    return w;
}

/* conv_plain for the field of slot sl, whose kind is kind (sl->kind, or
 * that as a constant, which the compiler then makes a converter of). */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline bool fast_cell(const conv_slot *sl, unsigned kind, const char *cell, size_t len,
                             sla_value *out, unsigned known)
{
    const conv_field *f = sl->f;
    bool fixed = sl->fixed_zone;
    int32_t off = sl->zone_off;
    if (len == 0) {
        /* Unset if the field may be, "" for text; else an error. */
        out->i = 0;
        out->len = 0;
        out->null = 1;
        if (kind == K_NEVER)
            return false;
        if (sl->optional)
            return true;
        if (!sl->text)
            return false;
        out->s = "";
        out->null = 0;
        return true;
    }
    int64_t v;
    switch (kind) {
    case K_INT:
        if (!((known & CONV_PADDED) ? padded_int(cell, len, &v) : plain_int(cell, len, &v)))
            return false;
        break;
    case K_MONEY:
        if (is_blank(cell[0]) || is_blank(cell[len - 1]) || !plain_money(cell, len, &v))
            return false;
        break;
    case K_TEXT:
        if (is_blank(cell[0]) || is_blank(cell[len - 1]) || len > UINT32_MAX ||
            (!(known & CONV_ASCII) && utf8_valid_prefix(cell, len) != len))
            return false;
        out->s = cell;
        out->len = (uint32_t)len;
        out->null = 0;
        return true;
    case K_TIME:
        if (!plain_time(cell, len, &v))
            return false;
        v = (fixed ? v - off : tz_local_to_utc(f->zone, v)) * US_PER_SEC;
        break;
    case K_BOOL: {
        /* "true" or "false": their first four bytes as a word. With the
         * pad, the five bytes are read whatever the length, and which of
         * the two it is takes no branch (exports have both about as
         * often, in no order). */
        uint32_t w;
        if (known & CONV_PADDED) {
            memcpy(&w, cell, 4);
            unsigned t = (len == 4) & (w == bool_word("true"));
            unsigned fa = (len == 5) & (w == bool_word("fals")) & (cell[4] == 'e');
            if (__builtin_expect(t + fa == 0, 0))
                return false;
            v = t;
            break;
        }
        if (len != 4 && len != 5)
            return false;
        memcpy(&w, cell, 4);
        if (len == 4 && w == bool_word("true"))
            v = 1;
        else if (len == 5 && w == bool_word("fals") && cell[4] == 'e')
            v = 0;
        else
            return false;
        break;
    }
    default:
        return false;
    }
    out->i = v;
    out->len = 0;
    out->null = 0;
    return true;
}

conv_slot conv_slot_for(const conv_field *f, uint32_t col, uint32_t reg)
{
    conv_slot sl = {f, col, reg, col * (uint32_t)sizeof(csv_field), reg * (uint32_t)sizeof(sla_value),
                    kind_of(f), f->optional, f->type == VT_TEXT, true, 0};
    if (f->zone)
        sl.fixed_zone = tz_fixed_offset(f->zone, &sl.zone_off);
    return sl;
}

bool conv_plain(const conv_field *f, const char *cell, size_t len, sla_value *out, bool ascii)
{
    conv_slot sl = conv_slot_for(f, 0, 0);
    return fast_cell(&sl, sl.kind, cell, len, out, ascii ? CONV_ASCII : 0);
}

/* fast_cell for slot sl's cell of fields, into its register of regs,
 * found by their byte offsets. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline bool slot_cell(const conv_slot *sl, unsigned kind, const csv_field *fields,
                             sla_value *regs, unsigned known)
{
    const csv_field *c = (const csv_field *)(const void *)((const char *)fields + sl->col_at);
    sla_value *out = (sla_value *)(void *)((char *)regs + sl->reg_at);
    return fast_cell(sl, kind, c->p, c->len, out, known);
}

uint32_t conv_row(const conv_slot *slots, uint32_t k, uint32_t n, const csv_field *fields,
                  sla_value *regs, unsigned known)
{
    for (; k < n && slot_cell(&slots[k], slots[k].kind, fields, regs, known); k++)
        ;
    return k;
}

void conv_plan_init(conv_plan *p, const conv_slot *slots, uint32_t n)
{
    p->grouped = xmalloc((n ? n : 1) * sizeof *p->grouped);
    uint32_t at = 0;
    for (unsigned kind = 0; kind < K__COUNT; kind++) {
        for (uint32_t i = 0; i < n; i++)
            if (slots[i].kind == kind)
                p->grouped[at++] = slots[i];
        p->end[kind] = at;
    }
    p->whole = p->end[K_OTHER] == p->end[K_NEVER];
}

void conv_plan_free(conv_plan *p)
{
    free(p->grouped);
    p->grouped = NULL;
}

/* The slots of one kind, each with the converter made for it. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline bool kind_row(const conv_slot *s, uint32_t from, uint32_t to, unsigned kind,
                            const csv_field *fields, sla_value *regs, unsigned known)
{
    for (const conv_slot *sl = s + from, *end = s + to; sl < end; sl++) {
        /* Said to be rare: the compiler then keeps the converters
         * fast; as a chain of likely exits they read as cold code,
         * made small (a division for each constant divisor). */
        if (__builtin_expect(!slot_cell(sl, kind, fields, regs, known), 0))
            return false;
    }
    return true;
}

bool conv_plan_row(const conv_plan *p, const csv_field *fields, sla_value *regs, unsigned known)
{
    const conv_slot *s = p->grouped;
    const uint32_t *e = p->end;
    return kind_row(s, 0, e[K_INT], K_INT, fields, regs, known) &&
           kind_row(s, e[K_INT], e[K_MONEY], K_MONEY, fields, regs, known) &&
           kind_row(s, e[K_MONEY], e[K_TEXT], K_TEXT, fields, regs, known) &&
           kind_row(s, e[K_TEXT], e[K_TIME], K_TIME, fields, regs, known) &&
           kind_row(s, e[K_TIME], e[K_BOOL], K_BOOL, fields, regs, known) &&
           kind_row(s, e[K_BOOL], e[K_OTHER], K_OTHER, fields, regs, known) &&
           e[K_OTHER] == e[K_NEVER];
}

const char *conv_cell(const conv_field *f, const char *cell, size_t len, sla_value *out,
                      char *err, size_t errlen)
{
    if (errlen)
        err[0] = '\0';
    if (conv_plain(f, cell, len, out, false))
        return NULL;
    msgbuf m = {err, errlen, 0};
    out->i = 0;
    out->len = 0;
    out->null = 1;

    const char *s = cell;
    size_t n = len;
    while (n && is_blank(s[0]))
        s++, n--;
    while (n && is_blank(s[n - 1]))
        n--;
    int token = -1;
    for (int k = 0; n && k < f->nmissing && token < 0; k++)
        if (same_word(s, n, f->missing[k]))
            token = k;
    if (n == 0 || token >= 0) {
        if (f->optional)
            return NULL;
        if (f->type == VT_TEXT) {
            out->s = "";
            out->null = 0;
            return NULL;
        }
        const char *t = type_name(f->type);
        msg_printf(&m, "`%s` is required but the cell is empty (", t);
        if (token >= 0) {
            msg_cell(&m, s, n);
            msg_puts(&m, " counts as empty; ");
        }
        msg_printf(&m, "write `%s?` if the column may be empty)", t);
        return errlen ? err : "a value is required but the cell is empty";
    }

    bool ok;
    switch (f->type) {
    case VT_INT: ok = read_int(s, n, out, &m); break;
    case VT_NUMBER: ok = read_number(s, n, out, &m); break;
    case VT_MONEY: ok = read_money(s, n, out, &m); break;
    case VT_BOOL: ok = read_bool(s, n, out, &m); break;
    case VT_TEXT: ok = read_text(cell, len, out, &m); break;
    case VT_TIME: ok = read_time(f, s, n, out, &m); break;
    case VT_DURATION: ok = read_duration(s, n, out, &m); break;
    default:
        msg_printf(&m, "a %s cannot be read from a cell", type_name(f->type));
        ok = false;
        break;
    }
    if (ok) {
        out->null = 0;
        return NULL;
    }
    out->i = 0;
    out->len = 0;
    return errlen ? err : "the cell cannot be read";
}

/* ---- fmt_value ------------------------------------------------------------------ */

static void put_u64(buf *out, uint64_t v)
{
    char tmp[24];
    char *p = tmp + sizeof tmp;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    buf_put(out, p, (size_t)(tmp + sizeof tmp - p));
}

static uint64_t magnitude(int64_t v)
{
    return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
}

/* ".dddddd" of a microsecond count below a second, trailing zeros dropped;
 * nothing for zero. */
static void put_micros(buf *out, uint64_t us)
{
    if (us == 0)
        return;
    char tmp[8];
    int n = 7;
    tmp[0] = '.';
    for (int k = 6; k >= 1; k--, us /= 10)
        tmp[k] = (char)('0' + us % 10);
    while (tmp[n - 1] == '0')
        n--;
    buf_put(out, tmp, (size_t)n);
}

static void fmt_number(buf *out, double d)
{
    if (!isfinite(d))
        return;
    if (d == 0) {
        buf_putc(out, '0');
        return;
    }
    char tmp[40];
    /* %.15g is the shortest for every normal double that 15 digits can
     * round-trip; subnormals have fewer significant bits, so start lower. */
    for (int prec = fabs(d) < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    char dp = decimal_point();
    if (dp != '.') {
        char *p = strchr(tmp, dp);
        if (p)
            *p = '.';
    }
    buf_puts(out, tmp);
}

static void fmt_money(buf *out, int64_t v)
{
    uint64_t a = magnitude(v);
    if (v < 0)
        buf_putc(out, '-');
    put_u64(out, a / MONEY_SCALE);
    unsigned frac = (unsigned)(a % MONEY_SCALE);
    char tmp[MONEY_DIGITS + 1];
    int n = MONEY_DIGITS + 1;
    tmp[0] = '.';
    for (int k = MONEY_DIGITS; k >= 1; k--, frac /= 10)
        tmp[k] = (char)('0' + frac % 10);
    while (n > 3 && tmp[n - 1] == '0')
        n--;
    buf_put(out, tmp, (size_t)n);
}

static void fmt_duration(buf *out, int64_t v)
{
    uint64_t a = magnitude(v);
    uint64_t sec = a / (uint64_t)US_PER_SEC;
    char tmp[8];
    if (v < 0)
        buf_putc(out, '-');
    put_u64(out, sec / 3600);
    snprintf(tmp, sizeof tmp, ":%02u:%02u", (unsigned)(sec / 60 % 60), (unsigned)(sec % 60));
    buf_puts(out, tmp);
    put_micros(out, a % (uint64_t)US_PER_SEC);
}

static bool zone_is_utc(const tz_zone *zone)
{
    static const char *const names[] = {"UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal",
                                        "Etc/Universal", "Zulu", "Etc/Zulu"};
    if (!zone)
        return true;
    const char *name = tz_name(zone);
    for (size_t k = 0; name && k < sizeof names / sizeof names[0]; k++)
        if (strcmp(name, names[k]) == 0)
            return true;
    return false;
}

static void fmt_time(buf *out, int64_t us, const tz_zone *zone)
{
    int64_t sec = floor_div(us, US_PER_SEC);
    int64_t frac = us - sec * US_PER_SEC;
    /* ISO 8601 offsets have no seconds; local mean time before the 1900s
     * does (New York: -4:56:02). The offset is cut to whole minutes and the
     * local time shown to match, so the instant stays exact. */
    int32_t off = zone ? tz_offset_at(zone, sec) : 0;
    off = off / 60 * 60;
    int64_t local = sec + off;
    int64_t days = floor_div(local, 86400);
    int tod = (int)(local - days * 86400);
    int y, mo, d;
    civil_from_days(days, &y, &mo, &d);
    char tmp[48];
    snprintf(tmp, sizeof tmp, y >= 0 && y <= 9999 ? "%04d-%02d-%02dT%02d:%02d:%02d"
                                                  : "%+05d-%02d-%02dT%02d:%02d:%02d",
             y, mo, d, tod / 3600, tod / 60 % 60, tod % 60);
    buf_puts(out, tmp);
    put_micros(out, (uint64_t)frac);
    if (off == 0 && zone_is_utc(zone)) {
        buf_putc(out, 'Z');
        return;
    }
    unsigned a = (unsigned)(off < 0 ? -off : off);
    snprintf(tmp, sizeof tmp, "%c%02u:%02u", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
    buf_puts(out, tmp);
}

const char *const fmt_handoff_names[HS__COUNT] = {"met", "breached", "pending"};
const char *const fmt_cadence_names[CS__COUNT] = {"on track", "behind", "complete", "overdue"};

void fmt_value(buf *out, vtype t, const sla_value *v, const tz_zone *zone,
               const char *const *names)
{
    if (v->null) {
        if (t == VT_HANDOFF || t == VT_CADENCE)
            buf_puts(out, "n/a");
        return;
    }
    switch (t) {
    case VT_INT:
        if (v->i < 0)
            buf_putc(out, '-');
        put_u64(out, magnitude(v->i));
        break;
    case VT_NUMBER: fmt_number(out, v->f); break;
    case VT_MONEY: fmt_money(out, v->i); break;
    case VT_BOOL: buf_puts(out, v->i ? "true" : "false"); break;
    case VT_TEXT:
        if (v->len)
            buf_put(out, v->s, v->len);
        break;
    case VT_TIME: fmt_time(out, v->i, zone); break;
    case VT_DURATION: fmt_duration(out, v->i); break;
    case VT_BDURATION:
        if (v->len == 1) {   /* whole business days (value.h) */
            if (v->i < 0)
                buf_putc(out, '-');
            put_u64(out, magnitude(v->i));
            buf_puts(out, magnitude(v->i) == 1 ? " business day" : " business days");
        } else
            fmt_duration(out, v->i);
        break;
    case VT_STAGE:
    case VT_CLASS:   /* without names (a caller's slip), the number */
        if (names)
            buf_puts(out, names[v->i]);
        else
            put_u64(out, (uint64_t)v->i);
        break;
    case VT_HANDOFF:
        buf_puts(out, v->i >= 0 && v->i < HS__COUNT ? fmt_handoff_names[v->i] : "n/a");
        break;
    case VT_CADENCE:
        buf_puts(out, v->i >= 0 && v->i < CS__COUNT ? fmt_cadence_names[v->i] : "n/a");
        break;
    case VT__COUNT:
        break;
    }
}
