/*
 * xalloc.h - allocation that cannot return NULL.
 *
 * Out of memory is not a condition this program can report usefully at the
 * point of failure, so it stops with one clear line instead.
 */
#ifndef SLA_XALLOC_H
#define SLA_XALLOC_H

#include <stddef.h>
#include <stdlib.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
