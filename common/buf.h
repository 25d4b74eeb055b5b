/*
 * buf.h - a growable byte buffer for building output text.
 *
 * Owned by whoever calls buf_init; buf_free releases it. The contents are
 * always NUL-terminated so b->data can be passed to C string functions.
 */
#ifndef SLA_BUF_H
#define SLA_BUF_H

#include <stddef.h>
#include <stdio.h>

typedef struct buf {
    char *data;
    size_t len;
    size_t cap;
} buf;

void buf_init(buf *b);
void buf_free(buf *b);
void buf_reset(buf *b);
void buf_put(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
/* Makes room for extra more bytes (and the NUL). */
void buf_grow(buf *b, size_t extra);

/* Inline: output rows are built a byte at a time (a comma, a quote). */
static inline void buf_putc(buf *b, char c)
{
    if (b->len + 2 > b->cap)
        buf_grow(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}
void buf_printf(buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A JSON string literal, quotes included. */
void buf_json_string(buf *b, const char *s);
/* s[0..n) as XML or HTML text, fit for an attribute value too: & < > " '
 * as entities, control characters other than tab and line ends as `?`. */
void buf_xml_text(buf *b, const char *s, size_t n);
/* Writes the whole buffer; returns 0 or -1 with errno set. */
int buf_write(const buf *b, FILE *f);

#endif
