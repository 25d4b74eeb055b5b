/*
 * suggest.h - "did you mean": the closest known word to a misspelt one.
 */
#ifndef SLA_SUGGEST_H
#define SLA_SUGGEST_H

#include <stddef.h>

/* Optimal string alignment distance (edits, with adjacent swaps counting
 * one), case-insensitive; any distance above max is reported as max + 1. */
int suggest_distance(const char *a, const char *b, int max);

/* Collects candidates and keeps the closest one close enough to be a
 * plausible misspelling of word. */
typedef struct suggester {
    const char *word;
    const char *best;
    int best_dist;
} suggester;

void suggest_init(suggester *s, const char *word);
void suggest_add(suggester *s, const char *candidate);
/* The best candidate, or NULL if none is close enough. */
const char *suggest_best(const suggester *s);

#endif
