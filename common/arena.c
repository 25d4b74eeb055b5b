/*
 * arena.c - bump allocation in chunks that double, up to a ceiling.
 *
 * A request larger than half a chunk gets a chunk of its own, so big
 * arrays do not waste the tail of the current chunk. Chunks come from
 * calloc and memory is never reused, so every allocation is already zero:
 * no memset, and pages the kernel hands out zeroed are not touched twice.
 */
#include "arena.h"
#include "xalloc.h"

#include <sys/mman.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct arena_chunk {
    arena_chunk *next;
    size_t size;
    void *map;            /* the mapping, for a huge chunk; NULL if from calloc */
    size_t map_len;
    max_align_t data[];
};

/* Chunks double from 4 KiB to 1 MiB. An arena that grows past that (a
 * policy of thousands of lines) continues in 2 MiB chunks mapped on a
 * 2 MiB boundary and advised as huge pages: one page fault per chunk
 * instead of 512, which is most of the kernel's share of a large check. */
enum { ARENA_FIRST = 4096, ARENA_MAX_CHUNK = 1 << 20, ARENA_HUGE = 2 << 20 };

void arena_init(arena *a)
{
    a->head = NULL;
    a->used = 0;
    a->total = 0;
}

void arena_free(arena *a)
{
    arena_chunk *c = a->head;
    while (c) {
        arena_chunk *next = c->next;
        if (c->map)
            munmap(c->map, c->map_len);
        else
            free(c);
        c = next;
    }
    arena_init(a);
}

/* A 2 MiB-aligned chunk of ARENA_HUGE bytes in all, or NULL. Fresh
 * anonymous memory is zero, like calloc's. */
static arena_chunk *huge_chunk(void)
{
    size_t len = 2 * (size_t)ARENA_HUGE;
    char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    char *start = (char *)(((uintptr_t)m + ARENA_HUGE - 1) & ~((uintptr_t)ARENA_HUGE - 1));
    if (start > m)
        munmap(m, (size_t)(start - m));
    size_t tail = (size_t)(m + len - (start + ARENA_HUGE));
    if (tail)
        munmap(start + ARENA_HUGE, tail);
#ifdef MADV_HUGEPAGE
    madvise(start, ARENA_HUGE, MADV_HUGEPAGE);
#endif
    arena_chunk *c = (arena_chunk *)(void *)start;   /* mmap: page-aligned */
    c->next = NULL;
    c->size = ARENA_HUGE - sizeof *c;
    c->map = start;
    c->map_len = ARENA_HUGE;
    return c;
}

static arena_chunk *new_chunk(size_t size)
{
    if (size == ARENA_HUGE) {
        arena_chunk *c = huge_chunk();
        if (c)
            return c;
    }
    arena_chunk *c = xcalloc(1, sizeof *c + size);
    c->next = NULL;
    c->size = size;
    return c;
}

void *arena_alloc(arena *a, size_t size)
{
    const size_t align = sizeof(void *) > 8 ? sizeof(void *) : 8;
    if (size > SIZE_MAX / 2) {
        fprintf(stderr, "fatal: out of memory (asked for %zu bytes)\n", size);
        abort();
    }
    size = (size + align - 1) & ~(align - 1);
    if (size == 0)
        size = align;
    a->total += size;

    if (a->head && a->head->size - a->used >= size) {
        void *p = (char *)a->head->data + a->used;
        a->used += size;
        return p;
    }
    size_t next = a->head ? a->head->size * 2 : ARENA_FIRST;
    if (next > ARENA_MAX_CHUNK)
        next = ARENA_HUGE;
    if (size > next / 2) {
        /* A large block: its own chunk, placed behind the current one so
         * the current chunk's free tail stays usable. */
        arena_chunk *c = new_chunk(size);
        if (a->head) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            a->head = c;
            a->used = size;
        }
        return c->data;
    }
    arena_chunk *c = new_chunk(next);
    c->next = a->head;
    a->head = c;
    a->used = size;
    return c->data;
}

char *arena_strndup(arena *a, const char *s, size_t len)
{
    char *p = arena_alloc(a, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void *arena_grow(arena *a, void *old, size_t old_size, size_t new_size)
{
    void *p = arena_alloc(a, new_size);
    if (old && old_size)
        memcpy(p, old, old_size < new_size ? old_size : new_size);
    return p;
}
