/*
 * fmt.h - the canonical layout of a policy (`slac fmt`), and a line diff
 * to show what it would change.
 *
 * The formatter works on the scanner's tokens, not the syntax tree, so
 * every comment and every line break the author chose survives; only the
 * blanks between tokens and at the start of lines are rewritten. Callers
 * parse the text first and format only a policy without syntax errors.
 */
#ifndef SLA_FMT_H
#define SLA_FMT_H

#include "../common/buf.h"

#include <stddef.h>

/* Appends the formatted text[0..len) to out (LF line ends, one final
 * newline). Returns 0, or -1 if the scanner found an invalid character. */
int fmt_format(const char *text, size_t len, buf *out);

/* Appends to out a unified diff (3 lines of context) from a to b, with
 * name in its header; nothing if they are equal. */
void fmt_diff(const char *name, const char *a, size_t alen, const char *b, size_t blen,
              buf *out);

#endif
