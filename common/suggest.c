/*
 * suggest.c - edit distance for "did you mean" suggestions.
 *
 * A candidate is close enough when at most a third of the word (and at
 * least one character) differs: `compnay_size` finds `company_size`, but
 * `id` does not suggest `ok`.
 */
#include "suggest.h"

#include <ctype.h>
#include <string.h>

enum { MAX_WORD = 64 };

int suggest_distance(const char *a, const char *b, int max)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > MAX_WORD || m > MAX_WORD)
        return max + 1;
    if ((n > m ? n - m : m - n) > (size_t)max)
        return max + 1;
    int d[MAX_WORD + 1][MAX_WORD + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v) v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[n][m] > max ? max + 1 : d[n][m];
}

void suggest_init(suggester *s, const char *word)
{
    s->word = word;
    s->best = NULL;
    s->best_dist = 0;
}

void suggest_add(suggester *s, const char *candidate)
{
    if (!candidate || strcmp(candidate, s->word) == 0)
        return;
    int limit = (int)strlen(s->word) / 3;
    if (limit < 1)
        limit = 1;
    int d = suggest_distance(s->word, candidate, limit);
    if (d <= limit && (!s->best || d < s->best_dist)) {
        s->best = candidate;
        s->best_dist = d;
    }
}

const char *suggest_best(const suggester *s)
{
    return s->best;
}
