/*
 * num.c - exact integer and money parsing with overflow checks.
 */
#include "num.h"

num_status num_parse_int(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    if (i == n)
        return NUM_SYNTAX;
    uint64_t v = 0;
    const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return NUM_SYNTAX;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (limit - d) / 10)
            return NUM_RANGE;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return NUM_OK;
}

num_status num_parse_money(const char *s, size_t n, bool group_commas, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    uint64_t v = 0;
    int digits = 0, frac = 0, group = -1;
    bool dot = false;
    const uint64_t limit = (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        char c = s[i];
        if (c == ',' && group_commas && !dot) {
            if (digits == 0 || (group >= 0 && group != 3) || (group < 0 && digits > 3))
                return NUM_SYNTAX;
            group = 0;
            continue;
        }
        if (c == '.' && !dot) {
            if (group >= 0 && group != 3)
                return NUM_SYNTAX;
            dot = true;
            continue;
        }
        if (c < '0' || c > '9')
            return NUM_SYNTAX;
        if (dot && ++frac > MONEY_DIGITS)
            return NUM_PRECISION;
        unsigned d = (unsigned)(c - '0');
        if (v > (limit - d) / 10)
            return NUM_RANGE;
        v = v * 10 + d;
        digits++;
        if (group >= 0 && !dot)
            group++;
    }
    if (digits == 0 || (dot && frac == 0) || (group >= 0 && !dot && group != 3))
        return NUM_SYNTAX;
    for (; frac < MONEY_DIGITS; frac++) {
        if (v > limit / 10)
            return NUM_RANGE;
        v *= 10;
    }
    *out = neg ? -(int64_t)v : (int64_t)v;
    return NUM_OK;
}
