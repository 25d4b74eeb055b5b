/*
 * ops.c - the operations the interpreter and native code both call out to.
 *
 * Anything more than a few machine instructions lives here once, so the
 * two ways of running a program cannot drift apart: the interpreter calls
 * these functions directly, native code through ops_helpers (see ops.h for
 * why a table). They take plain pointers and lengths rather than
 * sla_values, which native code keeps in separate machine registers.
 */
#include "ops.h"

#include "../common/arena.h"
#include "../common/xalloc.h"

#include <math.h>
#include <string.h>

/* ---- scratch space ------------------------------------------------------------ */

struct ops_block {
    ops_block *next;
    size_t size, used;
    char data[];
};

char *ops_scratch_alloc(ops_scratch *s, size_t n)
{
    ops_block *b = s->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > 65536 ? n : 65536;
        ops_block *nb = xmalloc(sizeof *nb + size);
        nb->size = size;
        nb->used = 0;
        nb->next = b;
        s->head = b = nb;
    }
    char *p = b->data + b->used;
    b->used += n;
    return p;
}

void ops_scratch_reset(ops_scratch *s)
{
    ops_block *b = s->head;
    if (!b)
        return;
    while (b->next) {
        ops_block *next = b->next;
        free(b);
        b = next;
    }
    /* keep the oldest block (the last in the list) */
    b->used = 0;
    s->head = b;
}

void ops_scratch_free(ops_scratch *s)
{
    ops_scratch_reset(s);
    free(s->head);
    s->head = NULL;
}

/* ---- sets ---------------------------------------------------------------------- */

/* Sets of text up to this size are searched item by item, not hashed:
 * hashing the text costs more than comparing the lengths of a few. */
enum { SMALL_SET = 8 };

static uint64_t hash_bytes(const char *s, uint32_t n, bool nocase)
{
    uint64_t h = 1469598103934665603ull;
    for (uint32_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (nocase && c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        h = (h ^ c) * 1099511628211ull;
    }
    return h;
}

static uint64_t hash_int(int64_t i)
{
    uint64_t x = (uint64_t)i;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

/* memcmp(a, b, n) == 0, without a call for the short texts most values
 * are: two loads from each, which overlap when n is not a power of two. */
static inline bool bytes_equal(const char *a, const char *b, uint32_t n)
{
    if (n >= 8) {
        if (n > 16)
            return memcmp(a, b, n) == 0;
        uint64_t a0, a1, b0, b1;
        memcpy(&a0, a, 8), memcpy(&a1, a + n - 8, 8);
        memcpy(&b0, b, 8), memcpy(&b1, b + n - 8, 8);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    if (n >= 4) {
        uint32_t a0, a1, b0, b1;
        memcpy(&a0, a, 4), memcpy(&a1, a + n - 4, 4);
        memcpy(&b0, b, 4), memcpy(&b1, b + n - 4, 4);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    return n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]);
}

static bool same_text(const char *a, uint32_t an, const char *b, uint32_t bn, bool nocase)
{
    if (an != bn)
        return false;
    if (!nocase)
        return bytes_equal(a, b, an);
    for (uint32_t i = 0; i < an; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y + 32);
        if (x != y)
            return false;
    }
    return true;
}

void ops_prepare_sets(sla_program *p)
{
    for (uint32_t k = 0; k < p->nsets; k++) {
        sla_set *s = &p->sets[k];
        if (s->type == VT_NUMBER || s->slots)
            continue;
        uint32_t n = 8;
        while (n < s->n * 2)
            n *= 2;
        s->nslots = n;
        /* In the program's own arena: program_free releases it. */
        s->slots = arena_alloc((arena *)p->memory, n * sizeof *s->slots);
        for (uint32_t i = 0; i < s->n; i++) {
            const sla_value *v = &s->items[i];
            uint64_t h = s->type == VT_TEXT ? hash_bytes(v->s, v->len, s->nocase) : hash_int(v->i);
            uint32_t j = (uint32_t)h & (n - 1);
            while (s->slots[j])
                j = (j + 1) & (n - 1);
            s->slots[j] = i + 1;
        }
    }
}

bool ops_in_text_set(const sla_set *s, const char *t, uint32_t n)
{
    if (s->n <= SMALL_SET) {
        /* Most items differ from the text in length: a look each. */
        for (uint32_t i = 0; i < s->n; i++)
            if (same_text(s->items[i].s, s->items[i].len, t, n, s->nocase))
                return true;
        return false;
    }
    uint64_t h = hash_bytes(t, n, s->nocase);
    for (uint32_t j = (uint32_t)h & (s->nslots - 1); s->slots[j]; j = (j + 1) & (s->nslots - 1)) {
        const sla_value *x = &s->items[s->slots[j] - 1];
        if (same_text(x->s, x->len, t, n, s->nocase))
            return true;
    }
    return false;
}

bool ops_in_int_set(const sla_set *s, int64_t i)
{
    for (uint32_t j = (uint32_t)hash_int(i) & (s->nslots - 1); s->slots[j];
         j = (j + 1) & (s->nslots - 1))
        if (s->items[s->slots[j] - 1].i == i)
            return true;
    return false;
}

bool ops_in_num_set(const sla_set *s, double f)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (s->items[i].f == f)
            return true;
    return false;
}

/* ---- text ------------------------------------------------------------------------ */

bool ops_starts(const char *a, uint32_t an, const char *b, uint32_t bn, bool nocase)
{
    return an >= bn && same_text(a, bn, b, bn, nocase);
}

bool ops_ends(const char *a, uint32_t an, const char *b, uint32_t bn, bool nocase)
{
    return an >= bn && same_text(a + an - bn, bn, b, bn, nocase);
}

bool ops_contains(const char *a, uint32_t an, const char *b, uint32_t bn, bool nocase)
{
    if (bn == 0)
        return true;
    if (!nocase)
        return memmem(a, an, b, bn) != NULL;
    for (uint32_t i = 0; i + bn <= an; i++)
        if (same_text(a + i, bn, b, bn, true))
            return true;
    return false;
}

bool ops_starts_any(const sla_set *s, const char *a, uint32_t an)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (ops_starts(a, an, s->items[i].s, s->items[i].len, s->nocase))
            return true;
    return false;
}

bool ops_ends_any(const sla_set *s, const char *a, uint32_t an)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (ops_ends(a, an, s->items[i].s, s->items[i].len, s->nocase))
            return true;
    return false;
}

bool ops_contains_any(const sla_set *s, const char *a, uint32_t an)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (ops_contains(a, an, s->items[i].s, s->items[i].len, s->nocase))
            return true;
    return false;
}

bool ops_text_equal(const char *a, uint32_t an, const char *b, uint32_t bn)
{
    return an == bn && bytes_equal(a, b, an);
}

int ops_text_compare(const char *a, uint32_t an, const char *b, uint32_t bn)
{
    uint32_t n = an < bn ? an : bn;
    int c = memcmp(a, b, n);
    if (c)
        return c;
    return an < bn ? -1 : an > bn;
}

const char *ops_concat(ops_scratch *s, const char *a, uint32_t an, const char *b, uint32_t bn)
{
    char *r = ops_scratch_alloc(s, (size_t)an + bn);
    memcpy(r, a, an);
    memcpy(r + an, b, bn);
    return r;
}

static const char *change_case(ops_scratch *s, const char *a, uint32_t an, bool up)
{
    char *r = ops_scratch_alloc(s, an);
    for (uint32_t i = 0; i < an; i++) {
        char c = a[i];
        if (up && c >= 'a' && c <= 'z') c = (char)(c - 32);
        else if (!up && c >= 'A' && c <= 'Z') c = (char)(c + 32);
        r[i] = c;
    }
    return r;
}

const char *ops_lower(ops_scratch *s, const char *a, uint32_t an)
{
    return change_case(s, a, an, false);
}

const char *ops_upper(ops_scratch *s, const char *a, uint32_t an)
{
    return change_case(s, a, an, true);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

uint64_t ops_trim(const char *a, uint32_t an)
{
    uint32_t i = 0, j = an;
    while (i < j && is_space(a[i])) i++;
    while (j > i && is_space(a[j - 1])) j--;
    return (uint64_t)i << 32 | j;
}

int64_t ops_length(const char *a, uint32_t an)
{
    int64_t n = 0;
    for (uint32_t i = 0; i < an; i++)
        n += ((unsigned char)a[i] & 0xC0) != 0x80;
    return n;
}

/* ---- numbers ------------------------------------------------------------------ */

bool ops_round_int(double f, int64_t *out)
{
    if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0))
        return false;
    *out = (int64_t)llround(f);
    return true;
}

/* ---- the table ------------------------------------------------------------------ */

const ops_table ops_helpers = {
#define OPS_INIT(field, fn, sig) .field = fn,
    OPS_HELPERS(OPS_INIT)
#undef OPS_INIT
};
