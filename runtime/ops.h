/*
 * ops.h - the out-of-line operations shared by the interpreter and native
 * code: set membership, text tests and transforms, rounding, scratch space
 * for text made while evaluating a record, and (from clock.h) the SLA
 * clock.
 *
 * Native code must not hold addresses of these functions: a compiled
 * policy is cached on disk and loaded into other processes, where every
 * address differs. It reaches them through an ops_table handed in at run
 * time, whose layout OPS_HELPERS declares once. That list is also the
 * helper ABI: OPS_ABI is its text, names and signatures, so a cached object
 * built against another list is recognised as stale (compiler/jit.c
 * hashes it into the cache key).
 *
 * Signature letters, return type first: v void, b bool, i int, I int64_t,
 * u uint32_t, U uint64_t, d double, s const char *, p any other pointer,
 * V an sla_value returned by value.
 */
#ifndef SLA_OPS_H
#define SLA_OPS_H

#include "calendar.h"
#include "clock.h"
#include "program.h"
#include "value.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- scratch space for text made while evaluating a record ------------ */

typedef struct ops_block ops_block;
typedef struct ops_scratch {
    ops_block *head;          /* the newest block; the oldest is kept between records */
} ops_scratch;

char *ops_scratch_alloc(ops_scratch *s, size_t n);
/* Empties it before the next record (keeping one block). */
void ops_scratch_reset(ops_scratch *s);
void ops_scratch_free(ops_scratch *s);

/* ---- the helpers ------------------------------------------------------------ */

/* Builds the derived tables of a verified program (set lookups). */
void ops_prepare_sets(sla_program *p);

bool ops_in_text_set(const sla_set *s, const char *t, uint32_t n);
bool ops_in_int_set(const sla_set *s, int64_t i);
bool ops_in_num_set(const sla_set *s, double f);
/* a (an bytes) starts with, ends with, contains b (bn bytes). */
bool ops_starts(const char *a, uint32_t an, const char *b, uint32_t bn, bool nocase);
bool ops_ends(const char *a, uint32_t an, const char *b, uint32_t bn, bool nocase);
bool ops_contains(const char *a, uint32_t an, const char *b, uint32_t bn, bool nocase);
/* ... any text of the set s. */
bool ops_starts_any(const sla_set *s, const char *a, uint32_t an);
bool ops_ends_any(const sla_set *s, const char *a, uint32_t an);
bool ops_contains_any(const sla_set *s, const char *a, uint32_t an);
bool ops_text_equal(const char *a, uint32_t an, const char *b, uint32_t bn);
/* <0, 0, >0 by bytes. */
int ops_text_compare(const char *a, uint32_t an, const char *b, uint32_t bn);
/* Nearest int64 to f, halves away from zero; false if out of range. */
bool ops_round_int(double f, int64_t *out);
/* Text made in the scratch space. */
const char *ops_concat(ops_scratch *s, const char *a, uint32_t an, const char *b, uint32_t bn);
const char *ops_lower(ops_scratch *s, const char *a, uint32_t an);
const char *ops_upper(ops_scratch *s, const char *a, uint32_t an);
/* Without leading and trailing white space: start << 32 | end, one result
 * so that native code needs no out-parameters. */
uint64_t ops_trim(const char *a, uint32_t an);
/* Characters (UTF-8 sequences) of a. */
int64_t ops_length(const char *a, uint32_t an);

/* X(field, function, signature): the table native code calls through. */
#define OPS_HELPERS(X)                          \
    X(clk_add, clk_add, "VpIpi")                \
    X(clk_between, clk_between, "VpII")         \
    X(clk_handoff, clk_handoff, "vppIpp")       \
    X(clk_cadence, clk_cadence, "vppIpp")       \
    X(in_text_set, ops_in_text_set, "bpsu")     \
    X(in_int_set, ops_in_int_set, "bpI")        \
    X(in_num_set, ops_in_num_set, "bpd")        \
    X(starts, ops_starts, "bsusub")             \
    X(ends, ops_ends, "bsusub")                 \
    X(contains, ops_contains, "bsusub")         \
    X(starts_any, ops_starts_any, "bpsu")       \
    X(ends_any, ops_ends_any, "bpsu")           \
    X(contains_any, ops_contains_any, "bpsu")   \
    X(text_equal, ops_text_equal, "bsusu")      \
    X(text_compare, ops_text_compare, "isusu")  \
    X(round_int, ops_round_int, "bdp")          \
    X(concat, ops_concat, "spsusu")             \
    X(lower, ops_lower, "spsu")                 \
    X(upper, ops_upper, "spsu")                 \
    X(trim, ops_trim, "Usu")                    \
    X(length, ops_length, "Isu")

typedef struct ops_table {
#define OPS_FIELD(field, fn, sig) __typeof__(&fn) field;
    OPS_HELPERS(OPS_FIELD)
#undef OPS_FIELD
} ops_table;

/* The helper ABI as text: "name:signature;" for each, in table order,
 * then the layouts native code relies on. */
#define OPS_ABI_ONE(field, fn, sig) #field ":" sig ";"
#define OPS_ABI OPS_HELPERS(OPS_ABI_ONE) "value:16,len@8,null@12;env:8x8;"

extern const ops_table ops_helpers;

/* What native code is given besides the registers. Every member is
 * pointer-sized, so its layout is the same in C and in native code. */
typedef struct ops_env {
    const ops_table *ops;
    const sla_calendar *cal;
    int64_t now;
    ops_scratch *scratch;
    const sla_set *const *sets;           /* by index */
    const sla_handoff *const *handoffs;
    const sla_cadence *const *cadences;
    const void *reserved;
} ops_env;

/* The native code of one program: evaluates one record in regs, leaving the
 * outputs in their registers. */
typedef void (*ops_native_fn)(sla_value *regs, const ops_env *env);

#endif
