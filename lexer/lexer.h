/*
 * lexer.h - the scanner's interface: one token at a time, never printing.
 *
 * A character the language does not know, an unclosed string or a bad
 * escape comes back as TK_ERROR with a message; the parser reports it in
 * context. Newlines come back as TK_NL; which of them end a statement is
 * the parser bridge's decision, not the scanner's.
 */
#ifndef SLA_LEXER_H
#define SLA_LEXER_H

#include "../common/arena.h"
#include "../common/diag.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
#define TOKEN(name, words) TK_##name,
#define KEYWORD(name, spelling) TK_##name,
#include "token.h"
#undef TOKEN
#undef KEYWORD
    TK__COUNT
} tok_kind;

typedef struct token {
    tok_kind kind;
    src_loc loc;
    const char *text;   /* the token's value: a name, a string's contents
                           (escapes resolved), a number's digits, or for
                           TK_ERROR the message; arena-owned */
    size_t len;         /* length of text */
    size_t off;         /* where the token starts in the input, in bytes */
    size_t raw_len;     /* how many input bytes it spans, as written */
} token;

typedef struct lexer lexer;

/* The lexer reads text[0..len) (not NUL-terminated necessarily) and
 * allocates token text in a. */
lexer *lexer_new(const char *text, size_t len, arena *a);
void lexer_free(lexer *lx);
void lexer_next(lexer *lx, token *out);
/* With keep, comments come back as TK_COMMENT tokens (for the formatter);
 * by default they are skipped, as the parser wants. */
void lexer_keep_comments(lexer *lx, bool keep);

/* The line rules the parser and the formatter share (docs/language.md,
 * "Lines, comments and continuation"): a line that ends with an operator
 * token continues on the next; a line that starts with `and`, `when`...
 * continues the one before; at the top level a line that starts with a
 * statement's keyword begins a statement of its own. */
bool lexer_line_continues(tok_kind last);
bool lexer_starts_continuation(tok_kind first);
bool lexer_starts_statement(tok_kind first);

/* How a diagnostic names a token kind: "`when`", "a name", ... */
const char *tok_words(tok_kind k);
/* How a keyword is spelled, or NULL for other tokens. */
const char *tok_keyword_spelling(tok_kind k);
/* The keyword spelled s[0..len), or TK_IDENT. */
tok_kind tok_keyword(const char *s, size_t len);

#endif
