/*
 * utf8.h - the one definition of valid UTF-8 the project uses.
 *
 * Valid means RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF. The scanner, cell conversion, the .slab reader and JSON output
 * all ask here, so they can never disagree about a byte sequence.
 */
#ifndef SLA_UTF8_H
#define SLA_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* The length (1 to 4) of the valid sequence at s[0..n), or 0 if none. */
size_t utf8_seq_len(const unsigned char *s, size_t n);
/* Whether s[0..n) is valid UTF-8 throughout. */
bool utf8_valid(const void *s, size_t n);
/* 3 if s[0..n) starts with a UTF-8 byte order mark, else 0. */
size_t utf8_bom(const char *s, size_t n);

#endif
