/*
 * arena.h - bump allocation for everything one compilation makes.
 *
 * The scanner, the parser (bison's stack included) and the checker allocate
 * from one arena and free nothing individually: an error path cannot leak,
 * and the AST is released in one call when the compilation is done.
 */
#ifndef SLA_ARENA_H
#define SLA_ARENA_H

#include <stddef.h>

typedef struct arena_chunk arena_chunk;

typedef struct arena {
    arena_chunk *head;
    size_t used;      /* bytes used in head */
    size_t total;     /* bytes handed out, for limits and statistics */
} arena;

void arena_init(arena *a);
void arena_free(arena *a);

/* Zeroed, 8-byte aligned (enough for every object here: nothing needs
 * long double alignment); aborts on out-of-memory. */
void *arena_alloc(arena *a, size_t size);
/* A copy of s[0..len) with a terminating NUL. */
char *arena_strndup(arena *a, const char *s, size_t len);
char *arena_strdup(arena *a, const char *s);
/* printf into the arena. */
char *arena_printf(arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Grows an array kept in the arena: the old block is left behind. */
void *arena_grow(arena *a, void *old, size_t old_size, size_t new_size);

#endif
