/*
 * jit.c - a verified program to native code with libgccjit, and the cache
 * of compiled objects.
 *
 * One C-like function per program, `sla_eval(sla_value *R, const ops_env
 * *E)`. Registers become typed locals (int64, double, or pointer and
 * length, each with a null flag) that GCC keeps in machine registers: the
 * fields, which nothing writes, are read from R where they are used (a
 * field the record's path does not look at is never loaded), constants
 * other than text are folded in as immediates, and only the outputs are
 * stored back to R at the end,
 * where the writer reads them. The bytecode's jumps become blocks (all go
 * forward, so there are no loops). Pure arithmetic is branch-free (the
 * value of an unset register is never looked at, so computing it anyway is
 * harmless; signed arithmetic is done in unsigned or 128-bit types so that
 * no overflow is undefined); anything that could follow a pointer of an
 * unset text is guarded by a branch.
 *
 * Everything out of line is an ops.c function reached through E->ops, the
 * table handed in at run time: the code holds no address of this process,
 * so a compiled object written to the cache is valid in the next one. The
 * cache key is the SHA-256 of the program's hash, the helper ABI (OPS_ABI)
 * and this generator's version (which libgccjit made the code does not
 * matter: it calls nothing but the helpers). A cached object is checked
 * before dlopen (size, ELF magic, a SHA-256 trailer over the file) and
 * after it (both symbols present, the key it carries is ours), so a
 * truncated or garbled file is recompiled, never run.
 *
 * The per-opcode code is a switch over the opcode with no default, compiled
 * with -Wswitch-enum as an error: an opcode added to opcodes.h without
 * native code here stops the build.
 */
#include "jit.h"

#include "../common/num.h"
#include "../common/sha256.h"
#include "../common/xalloc.h"

#include <libgccjit.h>

#include <dirent.h>
#include <dlfcn.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#pragma GCC diagnostic error "-Wswitch-enum"

/* ---- libgccjit, loaded when first needed ------------------------------------------- */

/* libgccjit is opened with dlopen on the first compile, not linked: it is
 * large (with its own libraries, loading it costs milliseconds on every
 * start), and a run that finds its native code in the cache, or has none
 * to make, never calls it. Every function used is listed here once; the
 * macros after the table make the calls below go through it. */
#define GCCJIT_FUNCTIONS(X) \
    X(block_add_assignment) \
    X(block_add_eval) \
    X(block_end_with_conditional) \
    X(block_end_with_jump) \
    X(block_end_with_return) \
    X(block_end_with_void_return) \
    X(context_acquire) \
    X(context_add_command_line_option) \
    X(context_compile) \
    X(context_compile_to_file) \
    X(context_dump_to_file) \
    X(context_get_first_error) \
    X(context_get_type) \
    X(context_new_array_access) \
    X(context_new_binary_op) \
    X(context_new_bitcast) \
    X(context_new_call_through_ptr) \
    X(context_new_cast) \
    X(context_new_comparison) \
    X(context_new_field) \
    X(context_new_function) \
    X(context_new_function_ptr_type) \
    X(context_new_param) \
    X(context_new_rvalue_from_double) \
    X(context_new_rvalue_from_long) \
    X(context_new_string_literal) \
    X(context_new_struct_type) \
    X(context_new_unary_op) \
    X(context_new_union_type) \
    X(context_null) \
    X(context_release) \
    X(context_set_bool_allow_unreachable_blocks) \
    X(context_set_bool_print_errors_to_stderr) \
    X(context_set_int_option) \
    X(context_set_str_option) \
    X(function_new_block) \
    X(function_new_local) \
    X(lvalue_access_field) \
    X(lvalue_as_rvalue) \
    X(lvalue_get_address) \
    X(param_as_rvalue) \
    X(result_get_code) \
    X(result_release) \
    X(rvalue_dereference) \
    X(rvalue_dereference_field) \
    X(rvalue_get_type) \
    X(struct_as_type) \
    X(type_get_aligned) \
    X(type_get_const) \
    X(type_get_pointer)

static struct {
#define X(name) __typeof__(gcc_jit_##name) *name;
    GCCJIT_FUNCTIONS(X)
#undef X
} gccjit;

static pthread_once_t gccjit_once = PTHREAD_ONCE_INIT;
static char gccjit_why[300];    /* why it could not be loaded; "" if it was */

static void gccjit_load(void)
{
    void *h = dlopen("libgccjit.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(gccjit_why, sizeof gccjit_why, "cannot load libgccjit (%s)", dlerror());
        return;
    }
#define X(name)                                                                                 \
    if (!(*(void **)&gccjit.name = dlsym(h, "gcc_jit_" #name))) {                               \
        snprintf(gccjit_why, sizeof gccjit_why, "libgccjit has no gcc_jit_%s", #name);         \
        return;                                                                                 \
    }
    GCCJIT_FUNCTIONS(X)
#undef X
}

/* NULL once libgccjit is loaded, or why it cannot be. */
static const char *gccjit_open(void)
{
    pthread_once(&gccjit_once, gccjit_load);
    return gccjit_why[0] ? gccjit_why : NULL;
}

#define gcc_jit_block_add_assignment (gccjit.block_add_assignment)
#define gcc_jit_block_add_eval (gccjit.block_add_eval)
#define gcc_jit_block_end_with_conditional (gccjit.block_end_with_conditional)
#define gcc_jit_block_end_with_jump (gccjit.block_end_with_jump)
#define gcc_jit_block_end_with_return (gccjit.block_end_with_return)
#define gcc_jit_block_end_with_void_return (gccjit.block_end_with_void_return)
#define gcc_jit_context_acquire (gccjit.context_acquire)
#define gcc_jit_context_add_command_line_option (gccjit.context_add_command_line_option)
#define gcc_jit_context_compile (gccjit.context_compile)
#define gcc_jit_context_compile_to_file (gccjit.context_compile_to_file)
#define gcc_jit_context_dump_to_file (gccjit.context_dump_to_file)
#define gcc_jit_context_get_first_error (gccjit.context_get_first_error)
#define gcc_jit_context_get_type (gccjit.context_get_type)
#define gcc_jit_context_new_array_access (gccjit.context_new_array_access)
#define gcc_jit_context_new_binary_op (gccjit.context_new_binary_op)
#define gcc_jit_context_new_bitcast (gccjit.context_new_bitcast)
#define gcc_jit_context_new_call_through_ptr (gccjit.context_new_call_through_ptr)
#define gcc_jit_context_new_cast (gccjit.context_new_cast)
#define gcc_jit_context_new_comparison (gccjit.context_new_comparison)
#define gcc_jit_context_new_field (gccjit.context_new_field)
#define gcc_jit_context_new_function (gccjit.context_new_function)
#define gcc_jit_context_new_function_ptr_type (gccjit.context_new_function_ptr_type)
#define gcc_jit_context_new_param (gccjit.context_new_param)
#define gcc_jit_context_new_rvalue_from_double (gccjit.context_new_rvalue_from_double)
#define gcc_jit_context_new_rvalue_from_long (gccjit.context_new_rvalue_from_long)
#define gcc_jit_context_new_string_literal (gccjit.context_new_string_literal)
#define gcc_jit_context_new_struct_type (gccjit.context_new_struct_type)
#define gcc_jit_context_new_unary_op (gccjit.context_new_unary_op)
#define gcc_jit_context_new_union_type (gccjit.context_new_union_type)
#define gcc_jit_context_null (gccjit.context_null)
#define gcc_jit_context_release (gccjit.context_release)
#define gcc_jit_context_set_bool_allow_unreachable_blocks (gccjit.context_set_bool_allow_unreachable_blocks)
#define gcc_jit_context_set_bool_print_errors_to_stderr (gccjit.context_set_bool_print_errors_to_stderr)
#define gcc_jit_context_set_int_option (gccjit.context_set_int_option)
#define gcc_jit_context_set_str_option (gccjit.context_set_str_option)
#define gcc_jit_function_new_block (gccjit.function_new_block)
#define gcc_jit_function_new_local (gccjit.function_new_local)
#define gcc_jit_lvalue_access_field (gccjit.lvalue_access_field)
#define gcc_jit_lvalue_as_rvalue (gccjit.lvalue_as_rvalue)
#define gcc_jit_lvalue_get_address (gccjit.lvalue_get_address)
#define gcc_jit_param_as_rvalue (gccjit.param_as_rvalue)
#define gcc_jit_result_get_code (gccjit.result_get_code)
#define gcc_jit_result_release (gccjit.result_release)
#define gcc_jit_rvalue_dereference (gccjit.rvalue_dereference)
#define gcc_jit_rvalue_dereference_field (gccjit.rvalue_dereference_field)
#define gcc_jit_rvalue_get_type (gccjit.rvalue_get_type)
#define gcc_jit_struct_as_type (gccjit.struct_as_type)
#define gcc_jit_type_get_aligned (gccjit.type_get_aligned)
#define gcc_jit_type_get_const (gccjit.type_get_const)
#define gcc_jit_type_get_pointer (gccjit.type_get_pointer)

/* Bumped when the generated code changes meaning: old cache entries go stale. */
#define JIT_CODEGEN "sla-jit 6"

/* The trailer appended to a cached object: magic, then the SHA-256 of
 * everything before it. The dynamic loader ignores bytes past the ELF
 * image's segments. */
#define TRAILER_MAGIC "SLAJIT01"
#define TRAILER_SIZE (8 + SHA256_SIZE)

enum {
#define X(field, fn, sig) H_##field,
    OPS_HELPERS(X)
#undef X
    H__COUNT
};

static const char *const helper_sig[H__COUNT] = {
#define X(field, fn, sig) sig,
    OPS_HELPERS(X)
#undef X
};

static const char *const helper_name[H__COUNT] = {
#define X(field, fn, sig) #field,
    OPS_HELPERS(X)
#undef X
};

/* ops_env's members, in order. */
enum { E_OPS, E_CAL, E_NOW, E_SCRATCH, E_SETS, E_HANDOFFS, E_CADENCES, E_RESERVED, E__COUNT };
_Static_assert(sizeof(ops_env) == E__COUNT * 8, "ops_env: eight 8-byte members");

/* One bytecode register as native code holds it. */
typedef struct jreg {
    gcc_jit_lvalue *v;        /* int64, double or const char *; NULL: folded */
    gcc_jit_lvalue *len;      /* text and business durations */
    gcc_jit_lvalue *null;     /* int (uint32 in R); NULL: folded */
    bool folded;              /* a constant: k is its value */
    bool in_r;                /* a field: v, len and null are its parts in R */
    sla_value k;
} jreg;

typedef struct gen {
    gcc_jit_context *ctx;
    const sla_program *p;
    bool all_registers;       /* jit_options.all_registers */
    gcc_jit_type *t_void, *t_int, *t_bool, *t_i64, *t_u32, *t_u64, *t_i128, *t_dbl, *t_str,
        *t_ptr, *t_pptr, *t_value, *t_valuep, *t_ops, *t_env, *t_u8;
    gcc_jit_type *t_word[3];  /* const pointers to 1-, 4- and 8-byte words, unaligned */
    gcc_jit_field *f_u, *f_i, *f_f, *f_s, *f_len, *f_null;
    gcc_jit_field *f_env[E__COUNT];
    gcc_jit_field *f_ops[H__COUNT];
    gcc_jit_function *fn;
    gcc_jit_rvalue *R, *E;
    gcc_jit_block *b;         /* the block being written; NULL after a jump */
    gcc_jit_block **at;       /* by pc: the block starting there, if any */
    jreg *regs;
    gcc_jit_lvalue *tv, *cv;  /* sla_value scratch: an argument, a result */
    gcc_jit_lvalue *ti;       /* int64 out-parameter */
    unsigned nlocals;         /* for the names of short-lived locals */
} gen;

/* ---- types and values ------------------------------------------------------- */

static bool has_len(vtype t)
{
    return t == VT_TEXT || t == VT_BDURATION;
}

static gcc_jit_type *value_type(gen *g, vtype t)
{
    return t == VT_NUMBER ? g->t_dbl : t == VT_TEXT ? g->t_str : g->t_i64;
}

static gcc_jit_type *letter_type(gen *g, char c)
{
    switch (c) {
    case 'v': return g->t_void;
    case 'b': return g->t_bool;
    case 'i': return g->t_int;
    case 'I': return g->t_i64;
    case 'u': return g->t_u32;
    case 'U': return g->t_u64;
    case 'd': return g->t_dbl;
    case 's': return g->t_str;
    case 'V': return g->t_value;
    default: return g->t_ptr;
    }
}

static void make_types(gen *g)
{
    gcc_jit_context *c = g->ctx;
    g->t_void = gcc_jit_context_get_type(c, GCC_JIT_TYPE_VOID);
    g->t_int = gcc_jit_context_get_type(c, GCC_JIT_TYPE_INT);
    g->t_bool = gcc_jit_context_get_type(c, GCC_JIT_TYPE_BOOL);
    g->t_i64 = gcc_jit_context_get_type(c, GCC_JIT_TYPE_INT64_T);
    g->t_u32 = gcc_jit_context_get_type(c, GCC_JIT_TYPE_UINT32_T);
    g->t_u64 = gcc_jit_context_get_type(c, GCC_JIT_TYPE_UINT64_T);
    g->t_i128 = gcc_jit_context_get_type(c, GCC_JIT_TYPE_INT128_T);
    g->t_dbl = gcc_jit_context_get_type(c, GCC_JIT_TYPE_DOUBLE);
    g->t_str = gcc_jit_context_get_type(c, GCC_JIT_TYPE_CONST_CHAR_PTR);
    g->t_ptr = gcc_jit_context_get_type(c, GCC_JIT_TYPE_VOID_PTR);
    g->t_u8 = gcc_jit_context_get_type(c, GCC_JIT_TYPE_UINT8_T);
    gcc_jit_type *words[3] = {g->t_u8, g->t_u32, g->t_u64};
    for (int k = 0; k < 3; k++)   /* read at any address: aligned to 1 */
        g->t_word[k] = gcc_jit_type_get_pointer(
            gcc_jit_type_get_const(gcc_jit_type_get_aligned(words[k], 1)));
    g->t_pptr = gcc_jit_type_get_pointer(g->t_ptr);

    /* sla_value, as value.h lays it out */
    g->f_i = gcc_jit_context_new_field(c, NULL, g->t_i64, "i");
    g->f_f = gcc_jit_context_new_field(c, NULL, g->t_dbl, "f");
    g->f_s = gcc_jit_context_new_field(c, NULL, g->t_str, "s");
    gcc_jit_field *uf[3] = {g->f_i, g->f_f, g->f_s};
    gcc_jit_type *u = gcc_jit_context_new_union_type(c, NULL, "sla_payload", 3, uf);
    g->f_u = gcc_jit_context_new_field(c, NULL, u, "u");
    g->f_len = gcc_jit_context_new_field(c, NULL, g->t_u32, "len");
    g->f_null = gcc_jit_context_new_field(c, NULL, g->t_u32, "null");
    gcc_jit_field *vf[3] = {g->f_u, g->f_len, g->f_null};
    g->t_value = gcc_jit_struct_as_type(gcc_jit_context_new_struct_type(c, NULL, "sla_value", 3, vf));
    g->t_valuep = gcc_jit_type_get_pointer(g->t_value);

    /* ops_table: one function pointer per helper, typed by its signature */
    for (int h = 0; h < H__COUNT; h++) {
        const char *sig = helper_sig[h];
        gcc_jit_type *params[8];
        int n = 0;
        for (const char *s = sig + 1; *s && n < 8; s++)
            params[n++] = letter_type(g, *s);
        gcc_jit_type *fp = gcc_jit_context_new_function_ptr_type(c, NULL, letter_type(g, sig[0]),
                                                                 n, params, 0);
        g->f_ops[h] = gcc_jit_context_new_field(c, NULL, fp, helper_name[h]);
    }
    g->t_ops = gcc_jit_struct_as_type(
        gcc_jit_context_new_struct_type(c, NULL, "ops_table", H__COUNT, g->f_ops));

    static const char *const env_names[E__COUNT] = {"ops", "cal", "now", "scratch", "sets",
                                                    "handoffs", "cadences", "reserved"};
    for (int e = 0; e < E__COUNT; e++) {
        gcc_jit_type *t = e == E_OPS ? gcc_jit_type_get_pointer(g->t_ops)
                        : e == E_NOW ? g->t_i64
                        : e == E_SETS || e == E_HANDOFFS || e == E_CADENCES ? g->t_pptr
                        : g->t_ptr;
        g->f_env[e] = gcc_jit_context_new_field(c, NULL, t, env_names[e]);
    }
    g->t_env = gcc_jit_struct_as_type(
        gcc_jit_context_new_struct_type(c, NULL, "ops_env", E__COUNT, g->f_env));
}

static gcc_jit_rvalue *lv(gcc_jit_lvalue *l)
{
    return gcc_jit_lvalue_as_rvalue(l);
}

static gcc_jit_rvalue *i64k(gen *g, int64_t v)
{
    return gcc_jit_context_new_rvalue_from_long(g->ctx, g->t_i64, (long)v);
}

static gcc_jit_rvalue *intk(gen *g, gcc_jit_type *t, long v)
{
    return gcc_jit_context_new_rvalue_from_long(g->ctx, t, v);
}

static gcc_jit_rvalue *cast(gen *g, gcc_jit_rvalue *v, gcc_jit_type *t)
{
    return gcc_jit_context_new_cast(g->ctx, NULL, v, t);
}

static gcc_jit_rvalue *bin(gen *g, enum gcc_jit_binary_op op, gcc_jit_type *t, gcc_jit_rvalue *a,
                           gcc_jit_rvalue *b)
{
    return gcc_jit_context_new_binary_op(g->ctx, NULL, op, t, a, b);
}

static gcc_jit_rvalue *cmp(gen *g, enum gcc_jit_comparison op, gcc_jit_rvalue *a, gcc_jit_rvalue *b)
{
    return gcc_jit_context_new_comparison(g->ctx, NULL, op, a, b);
}

static gcc_jit_rvalue *or_int(gen *g, gcc_jit_rvalue *a, gcc_jit_rvalue *b)
{
    return bin(g, GCC_JIT_BINARY_OP_BITWISE_OR, g->t_int, a, b);
}

static gcc_jit_rvalue *b2int(gen *g, gcc_jit_rvalue *b)
{
    return cast(g, b, g->t_int);
}

static gcc_jit_rvalue *and_bool(gen *g, gcc_jit_rvalue *a, gcc_jit_rvalue *b)
{
    return bin(g, GCC_JIT_BINARY_OP_LOGICAL_AND, g->t_bool, a, b);
}

static gcc_jit_rvalue *not_bool(gen *g, gcc_jit_rvalue *a)
{
    return gcc_jit_context_new_unary_op(g->ctx, NULL, GCC_JIT_UNARY_OP_LOGICAL_NEGATE, g->t_bool, a);
}

static gcc_jit_lvalue *local(gen *g, gcc_jit_type *t)
{
    char name[32];
    snprintf(name, sizeof name, "t%u", g->nlocals++);
    return gcc_jit_function_new_local(g->fn, NULL, t, name);
}

static void assign(gen *g, gcc_jit_lvalue *l, gcc_jit_rvalue *r)
{
    gcc_jit_block_add_assignment(g->b, NULL, l, r);
}

/* R[r] and its parts. */
static gcc_jit_lvalue *slot(gen *g, uint32_t r)
{
    return gcc_jit_context_new_array_access(g->ctx, NULL, g->R, intk(g, g->t_int, (long)r));
}

static gcc_jit_lvalue *part(gen *g, gcc_jit_lvalue *v, vtype t)
{
    gcc_jit_lvalue *u = gcc_jit_lvalue_access_field(v, NULL, g->f_u);
    return gcc_jit_lvalue_access_field(u, NULL, t == VT_NUMBER ? g->f_f : t == VT_TEXT ? g->f_s : g->f_i);
}

static gcc_jit_rvalue *env(gen *g, int e)
{
    return lv(gcc_jit_rvalue_dereference_field(g->E, NULL, g->f_env[e]));
}

/* Register operands: value, length (0 when the type has none), null flag (int). */
static gcc_jit_rvalue *V(gen *g, uint32_t r)
{
    const jreg *j = &g->regs[r];
    if (j->v)
        return lv(j->v);
    vtype t = g->p->reg_types[r];
    if (t == VT_NUMBER)
        return gcc_jit_context_new_rvalue_from_double(g->ctx, g->t_dbl, j->k.null ? 0 : j->k.f);
    if (t == VT_TEXT)   /* an unset text constant: never followed */
        return gcc_jit_context_null(g->ctx, g->t_str);
    return i64k(g, j->k.null ? 0 : j->k.i);
}

static gcc_jit_rvalue *LEN(gen *g, uint32_t r)
{
    const jreg *j = &g->regs[r];
    if (j->folded || !j->len)
        return intk(g, g->t_u32, j->folded ? (long)j->k.len : 0);
    return lv(j->len);
}

static gcc_jit_rvalue *NUL(gen *g, uint32_t r)
{
    const jreg *j = &g->regs[r];
    if (j->folded)
        return intk(g, g->t_int, j->k.null ? 1 : 0);
    if (j->in_r)
        return cast(g, lv(j->null), g->t_int);
    return lv(j->null);
}

static gcc_jit_rvalue *NUL2(gen *g, uint32_t b, uint32_t c)
{
    return or_int(g, NUL(g, b), NUL(g, c));
}

static gcc_jit_rvalue *is_set(gen *g, uint32_t r)
{
    return cmp(g, GCC_JIT_COMPARISON_EQ, NUL(g, r), intk(g, g->t_int, 0));
}

/* Writes to a computed register. */
static void set_null(gen *g, uint32_t a, gcc_jit_rvalue *null_int)
{
    assign(g, g->regs[a].null, null_int);
}

/* The parts are computed before any is written: A may be B or C. GCC
 * removes the copies. */
static void set_value(gen *g, uint32_t a, gcc_jit_rvalue *v, gcc_jit_rvalue *len, gcc_jit_rvalue *null_int)
{
    jreg *j = &g->regs[a];
    gcc_jit_lvalue *tv = local(g, gcc_jit_rvalue_get_type(v));
    gcc_jit_lvalue *tl = j->len ? local(g, g->t_u32) : NULL;
    gcc_jit_lvalue *tn = local(g, g->t_int);
    assign(g, tv, v);
    if (tl)
        assign(g, tl, len ? len : intk(g, g->t_u32, 0));
    assign(g, tn, null_int ? null_int : intk(g, g->t_int, 0));
    assign(g, j->v, lv(tv));
    if (tl)
        assign(g, j->len, lv(tl));
    assign(g, j->null, lv(tn));
}

static void set_bool(gen *g, uint32_t a, gcc_jit_rvalue *b)
{
    set_value(g, a, cast(g, b, g->t_i64), NULL, NULL);
}

static void copy(gen *g, uint32_t a, uint32_t b)
{
    set_value(g, a, V(g, b), LEN(g, b), NUL(g, b));
}

/* ---- control flow within an instruction ------------------------------------------- */

typedef struct branch {
    gcc_jit_block *no, *join;
} branch;

/* if (cond) { ... [ } else { ... ] } : br_if, [br_else,] br_end. */
static void br_if(gen *g, gcc_jit_rvalue *cond, branch *br)
{
    gcc_jit_block *yes = gcc_jit_function_new_block(g->fn, NULL);
    br->no = gcc_jit_function_new_block(g->fn, NULL);
    br->join = NULL;
    gcc_jit_block_end_with_conditional(g->b, NULL, cond, yes, br->no);
    g->b = yes;
}

static void br_else(gen *g, branch *br)
{
    br->join = gcc_jit_function_new_block(g->fn, NULL);
    gcc_jit_block_end_with_jump(g->b, NULL, br->join);
    g->b = br->no;
}

static void br_end(gen *g, branch *br)
{
    gcc_jit_block *join = br->join ? br->join : br->no;
    gcc_jit_block_end_with_jump(g->b, NULL, join);
    g->b = join;
}

/* ---- helper calls -------------------------------------------------------------- */

static gcc_jit_rvalue *call(gen *g, int h, int n, ...)
{
    gcc_jit_rvalue *args[8];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n && i < 8; i++)
        args[i] = va_arg(ap, gcc_jit_rvalue *);
    va_end(ap);
    gcc_jit_rvalue *ops = env(g, E_OPS);
    gcc_jit_rvalue *f = lv(gcc_jit_rvalue_dereference_field(ops, NULL, g->f_ops[h]));
    return gcc_jit_context_new_call_through_ptr(g->ctx, NULL, f, n, args);
}

static gcc_jit_rvalue *table_item(gen *g, int e, uint32_t k)
{
    return lv(gcc_jit_context_new_array_access(g->ctx, NULL, env(g, e), intk(g, g->t_int, (long)k)));
}

/* A bool constant, made as a comparison: libgccjit has no bool literal. */
static gcc_jit_rvalue *bool_k(gen *g, bool v)
{
    return cmp(g, GCC_JIT_COMPARISON_EQ, intk(g, g->t_int, 0), intk(g, g->t_int, v ? 0 : 1));
}

/* ---- arithmetic -------------------------------------------------------------- */

/* b op c as int64, and whether it overflowed. A sum or difference is
 * made in uint64 (which wraps), and has overflowed when its sign is
 * neither operand's (sum) or is not b's where b's and c's differ
 * (difference); a product is made in 128 bits and compared with its
 * int64 part. */
static void wide(gen *g, enum gcc_jit_binary_op op, gcc_jit_rvalue *b, gcc_jit_rvalue *c,
                 gcc_jit_rvalue **r, gcc_jit_rvalue **ovf)
{
    if (op == GCC_JIT_BINARY_OP_PLUS || op == GCC_JIT_BINARY_OP_MINUS) {
        gcc_jit_lvalue *n = local(g, g->t_i64);
        assign(g, n, cast(g, bin(g, op, g->t_u64, cast(g, b, g->t_u64), cast(g, c, g->t_u64)),
                          g->t_i64));
        *r = lv(n);
        gcc_jit_rvalue *x = op == GCC_JIT_BINARY_OP_PLUS
            ? bin(g, GCC_JIT_BINARY_OP_BITWISE_AND, g->t_i64,
                  bin(g, GCC_JIT_BINARY_OP_BITWISE_XOR, g->t_i64, b, lv(n)),
                  bin(g, GCC_JIT_BINARY_OP_BITWISE_XOR, g->t_i64, c, lv(n)))
            : bin(g, GCC_JIT_BINARY_OP_BITWISE_AND, g->t_i64,
                  bin(g, GCC_JIT_BINARY_OP_BITWISE_XOR, g->t_i64, b, c),
                  bin(g, GCC_JIT_BINARY_OP_BITWISE_XOR, g->t_i64, b, lv(n)));
        *ovf = b2int(g, cmp(g, GCC_JIT_COMPARISON_LT, x, i64k(g, 0)));
        return;
    }
    gcc_jit_lvalue *w = local(g, g->t_i128);
    assign(g, w, bin(g, op, g->t_i128, cast(g, b, g->t_i128), cast(g, c, g->t_i128)));
    gcc_jit_lvalue *n = local(g, g->t_i64);
    assign(g, n, cast(g, lv(w), g->t_i64));
    *r = lv(n);
    *ovf = b2int(g, cmp(g, GCC_JIT_COMPARISON_NE, cast(g, lv(n), g->t_i128), lv(w)));
}

static gcc_jit_rvalue *is_min(gen *g, gcc_jit_rvalue *v)
{
    return b2int(g, cmp(g, GCC_JIT_COMPARISON_EQ, v, i64k(g, INT64_MIN)));
}

/* -v without signed overflow (v = INT64_MIN is reported unset by the caller). */
static gcc_jit_rvalue *neg(gen *g, gcc_jit_rvalue *v)
{
    return cast(g, bin(g, GCC_JIT_BINARY_OP_MINUS, g->t_u64, intk(g, g->t_u64, 0),
                       cast(g, v, g->t_u64)), g->t_i64);
}

/* R[a] := rounded f, or unset if any of null_int or out of range. */
static void round_into(gen *g, uint32_t a, gcc_jit_rvalue *f, gcc_jit_rvalue *null_int,
                       gcc_jit_rvalue *len)
{
    assign(g, g->ti, i64k(g, 0));
    gcc_jit_rvalue *ok = call(g, H_round_int, 2, f, gcc_jit_lvalue_get_address(g->ti, NULL));
    gcc_jit_lvalue *okl = local(g, g->t_bool);
    assign(g, okl, ok);
    set_value(g, a, lv(g->ti), len, or_int(g, null_int, b2int(g, not_bool(g, lv(okl)))));
}

static gcc_jit_rvalue *dbl(gen *g, gcc_jit_rvalue *i)
{
    return cast(g, i, g->t_dbl);
}

static gcc_jit_rvalue *dbl_k(gen *g, double d)
{
    return gcc_jit_context_new_rvalue_from_double(g->ctx, g->t_dbl, d);
}

static gcc_jit_rvalue *is_zero_f(gen *g, uint32_t r)
{
    return b2int(g, cmp(g, GCC_JIT_COMPARISON_EQ, V(g, r), dbl_k(g, 0)));
}

static gcc_jit_rvalue *is_zero_i(gen *g, uint32_t r)
{
    return b2int(g, cmp(g, GCC_JIT_COMPARISON_EQ, V(g, r), i64k(g, 0)));
}

static gcc_jit_rvalue *len_differs(gen *g, uint32_t b, uint32_t c)
{
    return b2int(g, cmp(g, GCC_JIT_COMPARISON_NE, LEN(g, b), LEN(g, c)));
}

/* R[a] := the one of b, c that `b <= c` (or >=) picks, as the interpreter does. */
static void pick(gen *g, uint32_t a, uint32_t b, uint32_t c, enum gcc_jit_comparison op,
                 gcc_jit_rvalue *null_int)
{
    branch br;
    br_if(g, cmp(g, GCC_JIT_COMPARISON_NE, null_int, intk(g, g->t_int, 0)), &br);
    set_null(g, a, intk(g, g->t_int, 1));
    br_else(g, &br);
    branch which;
    br_if(g, cmp(g, op, V(g, b), V(g, c)), &which);
    copy(g, a, b);
    br_else(g, &which);
    copy(g, a, c);
    br_end(g, &which);
    br_end(g, &br);
}

/* Stores computed registers [r, r + n) to R, for a helper that reads R. */
static void store(gen *g, uint32_t r, uint32_t n)
{
    for (uint32_t k = r; k < r + n; k++) {
        if (k < g->p->first_temp)
            continue;    /* fields and constants are in R already */
        vtype t = g->p->reg_types[k];
        gcc_jit_lvalue *s = slot(g, k);
        assign(g, part(g, s, t), V(g, k));
        assign(g, gcc_jit_lvalue_access_field(s, NULL, g->f_len), LEN(g, k));
        assign(g, gcc_jit_lvalue_access_field(s, NULL, g->f_null), cast(g, NUL(g, k), g->t_u32));
    }
}

static void load(gen *g, uint32_t r, uint32_t n)
{
    for (uint32_t k = r; k < r + n; k++) {
        vtype t = g->p->reg_types[k];
        gcc_jit_lvalue *s = slot(g, k);
        jreg *j = &g->regs[k];
        assign(g, j->v, lv(part(g, s, t)));
        if (j->len)
            assign(g, j->len, lv(gcc_jit_lvalue_access_field(s, NULL, g->f_len)));
        assign(g, j->null, cast(g, lv(gcc_jit_lvalue_access_field(s, NULL, g->f_null)), g->t_int));
    }
}

/* A text test: R[a] := both set and f(B, C). */
static void text_test(gen *g, uint32_t a, uint32_t b, uint32_t c, int h, bool nocase)
{
    set_bool(g, a, bool_k(g, false));
    branch br;
    br_if(g, cmp(g, GCC_JIT_COMPARISON_EQ, NUL2(g, b, c), intk(g, g->t_int, 0)), &br);
    set_bool(g, a, call(g, h, 5, V(g, b), LEN(g, b), V(g, c), LEN(g, c), bool_k(g, nocase)));
    br_end(g, &br);
}

static void set_test(gen *g, uint32_t a, uint32_t b, uint32_t k, int h)
{
    set_bool(g, a, bool_k(g, false));
    branch br;
    br_if(g, is_set(g, b), &br);
    set_bool(g, a, call(g, h, 3, table_item(g, E_SETS, k), V(g, b), LEN(g, b)));
    br_end(g, &br);
}

/* ---- texts compared with constants inline --------------------------------------- */

/* A comparison with a text constant, or a set of at most INLINE_SET of
 * them, of at most INLINE_TEXT bytes each, is made inline: a length test,
 * then the text's bytes, a word at a time, against the constant's bytes
 * as numbers. Longer ones and those ignoring case call the helpers. */
enum { INLINE_TEXT = 32, INLINE_SET = 8 };

/* The w-byte word (1, 4 or 8) at p + at, read at any alignment. */
static gcc_jit_rvalue *word_at(gen *g, gcc_jit_rvalue *p, uint32_t at, uint32_t w)
{
    gcc_jit_lvalue *byte = gcc_jit_context_new_array_access(g->ctx, NULL, p, intk(g, g->t_int, (long)at));
    gcc_jit_type *wp = g->t_word[w == 1 ? 0 : w == 4 ? 1 : 2];
    gcc_jit_rvalue *addr = cast(g, gcc_jit_lvalue_get_address(byte, NULL), wp);
    return cast(g, lv(gcc_jit_rvalue_dereference(addr, NULL)), g->t_u64);
}

/* Whether the n bytes at p (all readable, n <= INLINE_TEXT) are k's. The
 * last word overlaps the one before when n is not a multiple of its size. */
static gcc_jit_rvalue *bytes_are(gen *g, gcc_jit_rvalue *p, const char *k, uint32_t n)
{
    gcc_jit_rvalue *all = NULL;
    uint32_t w = n >= 8 ? 8 : n >= 4 ? 4 : 1;
    for (uint32_t off = 0; off < n; off += w) {
        uint32_t at = off + w > n ? n - w : off;
        uint64_t want = 0;
        memcpy(&want, k + at, w);   /* the host's byte order is the code's */
        gcc_jit_rvalue *eq = cmp(g, GCC_JIT_COMPARISON_EQ, word_at(g, p, at, w),
                                 gcc_jit_context_new_rvalue_from_long(g->ctx, g->t_u64, (long)want));
        all = all ? and_bool(g, all, eq) : eq;
    }
    return all ? all : bool_k(g, true);
}

/* The text constant r holds, if it is one to compare inline. */
static bool inline_text(gen *g, uint32_t r, const char **k, uint32_t *n)
{
    const jreg *j = &g->regs[r];
    if (!j->folded || g->p->reg_types[r] != VT_TEXT || j->k.null || j->k.len > INLINE_TEXT)
        return false;
    *k = j->k.s;
    *n = j->k.len;
    return true;
}

typedef enum { AT_WHOLE, AT_START, AT_END } text_at;

/* Whether the set text R[b] can be, start or end with n bytes. */
static gcc_jit_rvalue *fits_k(gen *g, uint32_t b, uint32_t n, text_at where)
{
    return cmp(g, where == AT_WHOLE ? GCC_JIT_COMPARISON_EQ : GCC_JIT_COMPARISON_GE, LEN(g, b),
               intk(g, g->t_u32, (long)n));
}

/* Where in R[b] the n bytes to compare start (it fits them: fits_k). */
static gcc_jit_rvalue *bytes_at_k(gen *g, uint32_t b, uint32_t n, text_at where)
{
    if (where != AT_END)
        return V(g, b);
    gcc_jit_rvalue *from = bin(g, GCC_JIT_BINARY_OP_MINUS, g->t_u32, LEN(g, b),
                               intk(g, g->t_u32, (long)n));
    return gcc_jit_lvalue_get_address(gcc_jit_context_new_array_access(g->ctx, NULL, V(g, b), from),
                                      NULL);
}

/* R[a] := R[b] is set and is k (AT_WHOLE), starts with it or ends with it;
 * with negate, set and not so (`!=`). */
static void text_is_k(gen *g, uint32_t a, uint32_t b, const char *k, uint32_t n, text_at where,
                      bool negate)
{
    set_bool(g, a, bool_k(g, false));
    branch set, fits;
    br_if(g, is_set(g, b), &set);
    set_bool(g, a, bool_k(g, negate));
    br_if(g, fits_k(g, b, n, where), &fits);
    gcc_jit_rvalue *eq = bytes_are(g, bytes_at_k(g, b, n, where), k, n);
    set_bool(g, a, negate ? not_bool(g, eq) : eq);
    br_end(g, &fits);
    br_end(g, &set);
}

/* R[a] := R[b] is set and is (AT_WHOLE), starts with or ends with an item
 * of set sk; false if the set is not one to test inline. */
static bool set_is_k(gen *g, uint32_t a, uint32_t b, uint32_t sk, text_at where)
{
    const sla_set *s = &g->p->sets[sk];
    if (s->type != VT_TEXT || s->nocase || s->n > INLINE_SET)
        return false;
    for (uint32_t i = 0; i < s->n; i++)
        if (s->items[i].len > INLINE_TEXT)
            return false;
    set_bool(g, a, bool_k(g, false));
    branch set;
    br_if(g, is_set(g, b), &set);
    for (uint32_t i = 0; i < s->n; i++) {
        const sla_value *it = &s->items[i];
        branch fits, hit;
        br_if(g, fits_k(g, b, it->len, where), &fits);
        br_if(g, bytes_are(g, bytes_at_k(g, b, it->len, where), it->s, it->len), &hit);
        set_bool(g, a, bool_k(g, true));
        br_end(g, &hit);
        br_end(g, &fits);
    }
    br_end(g, &set);
    return true;
}

static void text_compare(gen *g, uint32_t a, uint32_t b, uint32_t c, enum gcc_jit_comparison op)
{
    set_bool(g, a, bool_k(g, false));
    branch br;
    br_if(g, cmp(g, GCC_JIT_COMPARISON_EQ, NUL2(g, b, c), intk(g, g->t_int, 0)), &br);
    gcc_jit_rvalue *r = call(g, H_text_compare, 4, V(g, b), LEN(g, b), V(g, c), LEN(g, c));
    set_bool(g, a, cmp(g, op, r, intk(g, g->t_int, 0)));
    br_end(g, &br);
}

/* R[a] := f(cal, ...) for clk_add and clk_between, which return a value. */
static void clock_value(gen *g, uint32_t a, gcc_jit_rvalue *call_rv)
{
    assign(g, g->cv, call_rv);
    set_value(g, a, lv(gcc_jit_lvalue_access_field(gcc_jit_lvalue_access_field(g->cv, NULL, g->f_u), NULL, g->f_i)),
              lv(gcc_jit_lvalue_access_field(g->cv, NULL, g->f_len)),
              cast(g, lv(gcc_jit_lvalue_access_field(g->cv, NULL, g->f_null)), g->t_int));
}

static void business_add(gen *g, uint32_t a, uint32_t b, uint32_t c, int sign)
{
    branch br;
    br_if(g, cmp(g, GCC_JIT_COMPARISON_NE, NUL2(g, b, c), intk(g, g->t_int, 0)), &br);
    set_null(g, a, intk(g, g->t_int, 1));
    br_else(g, &br);
    assign(g, part(g, g->tv, VT_BDURATION), V(g, c));
    assign(g, gcc_jit_lvalue_access_field(g->tv, NULL, g->f_len), LEN(g, c));
    assign(g, gcc_jit_lvalue_access_field(g->tv, NULL, g->f_null), intk(g, g->t_u32, 0));
    clock_value(g, a, call(g, H_clk_add, 4, env(g, E_CAL), V(g, b),
                           cast(g, gcc_jit_lvalue_get_address(g->tv, NULL), g->t_ptr),
                           intk(g, g->t_int, sign)));
    br_end(g, &br);
}

/* A call of clk_handoff or clk_cadence (helper h, its table e, entry c):
 * its nin inputs B.. go to R, it writes its three outputs A..A+2 there,
 * and they come back to the locals. */
static void clock_call(gen *g, int h, int e, uint32_t a, uint32_t b, uint32_t c, uint32_t nin)
{
    store(g, b, nin);
    gcc_jit_block_add_eval(g->b, NULL, call(g, h, 5, table_item(g, e, c), env(g, E_CAL), env(g, E_NOW),
                                            cast(g, gcc_jit_lvalue_get_address(slot(g, b), NULL), g->t_ptr),
                                            cast(g, gcc_jit_lvalue_get_address(slot(g, a), NULL), g->t_ptr)));
    load(g, a, 3);
}

/* A hand-off's clock (clk_handoff), its inputs B..B+4 (start, stop,
 * wall-clock window, business window, stage), its outputs A..A+2
 * (status, due, response time). With a wall-clock window, as inline
 * code: no call, and no copies of the registers through R to it and
 * back; a business window calls clk_handoff. The stages it applies to
 * are the program's, constants here. */
static void handoff(gen *g, uint32_t a, uint32_t b, uint32_t c)
{
    const sla_handoff *h = &g->p->handoffs[c];
    uint32_t start = b, stop = b + 1, wall = b + 2, bus = b + 3, stage = b + 4;
    gcc_jit_rvalue *one = intk(g, g->t_int, 1);
    for (uint32_t k = 0; k < 3; k++)
        set_value(g, a + k, i64k(g, 0), NULL, one);
    gcc_jit_rvalue *applies = and_bool(g, is_set(g, start), is_set(g, stage));
    applies = and_bool(g, applies, cmp(g, GCC_JIT_COMPARISON_GE, V(g, stage), i64k(g, h->stage)));
    if (h->until >= 0)
        applies = and_bool(g, applies, cmp(g, GCC_JIT_COMPARISON_LT, V(g, stage), i64k(g, h->until)));
    branch ba, bw, bo, bs, bb;
    br_if(g, applies, &ba);
    br_if(g, is_set(g, wall), &bw);
    gcc_jit_rvalue *due, *ovf;
    wide(g, GCC_JIT_BINARY_OP_PLUS, V(g, start), V(g, wall), &due, &ovf);
    br_if(g, cmp(g, GCC_JIT_COMPARISON_EQ, ovf, intk(g, g->t_int, 0)), &bo);
    gcc_jit_lvalue *status = local(g, g->t_i64), *end = local(g, g->t_i64);
    gcc_jit_rvalue *now = env(g, E_NOW);
    br_if(g, is_set(g, stop), &bs);
    /* met at or before the due time, else breached */
    assign(g, status, cast(g, b2int(g, cmp(g, GCC_JIT_COMPARISON_GT, V(g, stop), due)), g->t_i64));
    assign(g, end, V(g, stop));
    br_else(g, &bs);
    /* breached once the due time has passed, else pending */
    assign(g, status, bin(g, GCC_JIT_BINARY_OP_MINUS, g->t_i64, i64k(g, HS_PENDING),
                          cast(g, b2int(g, cmp(g, GCC_JIT_COMPARISON_GT, now, due)), g->t_i64)));
    assign(g, end, now);
    br_end(g, &bs);
    _Static_assert(HS_MET == 0 && HS_BREACHED == 1 && HS_PENDING == 2, "the statuses as computed");
    set_value(g, a, lv(status), NULL, NULL);
    set_value(g, a + 1, due, NULL, NULL);
    set_value(g, a + 2, cast(g, bin(g, GCC_JIT_BINARY_OP_MINUS, g->t_u64, cast(g, lv(end), g->t_u64),
                                    cast(g, V(g, start), g->t_u64)), g->t_i64),
              NULL, NULL);
    br_end(g, &bo);
    br_else(g, &bw);
    br_if(g, is_set(g, bus), &bb);
    clock_call(g, H_clk_handoff, E_HANDOFFS, a, b, c, 5);
    br_end(g, &bb);
    br_end(g, &bw);
    br_end(g, &ba);
}

/* ---- one instruction ---------------------------------------------------------------- */

static void arith(gen *g, uint32_t a, uint32_t b, uint32_t c, enum gcc_jit_binary_op op,
                  gcc_jit_rvalue *extra_null, bool keep_len)
{
    gcc_jit_rvalue *r, *ovf;
    wide(g, op, V(g, b), V(g, c), &r, &ovf);
    gcc_jit_rvalue *n = or_int(g, NUL2(g, b, c), ovf);
    if (extra_null)
        n = or_int(g, n, extra_null);
    set_value(g, a, r, keep_len ? LEN(g, b) : NULL, n);
}

static void emit_insn(gen *g, uint32_t pc)
{
    const sla_insn *ip = &g->p->code[pc];
    uint32_t a = ip->a, b = ip->b, c = ip->c;
    gcc_jit_rvalue *zero = intk(g, g->t_int, 0), *one = intk(g, g->t_int, 1);
    gcc_jit_rvalue *r, *ovf;
    branch br;

    switch ((opcode)ip->op) {
    case OP_MOVE: copy(g, a, b); break;
    case OP_UNSET: set_null(g, a, one); break;
    case OP_JMP:
        gcc_jit_block_end_with_jump(g->b, NULL, g->at[insn_target(ip)]);
        g->b = NULL;
        break;
    case OP_JMPF:
    case OP_JMPT: {
        gcc_jit_rvalue *truth = and_bool(g, is_set(g, a), cmp(g, GCC_JIT_COMPARISON_NE, V(g, a), i64k(g, 0)));
        gcc_jit_block *to = g->at[insn_target(ip)], *next = g->at[pc + 1];
        if (ip->op == OP_JMPT)
            gcc_jit_block_end_with_conditional(g->b, NULL, truth, to, next);
        else
            gcc_jit_block_end_with_conditional(g->b, NULL, truth, next, to);
        g->b = NULL;
        break;
    }
    case OP_TRUTH:
        set_bool(g, a, and_bool(g, is_set(g, b), cmp(g, GCC_JIT_COMPARISON_NE, V(g, b), i64k(g, 0))));
        break;
    case OP_NOT:
        set_bool(g, a, not_bool(g, and_bool(g, is_set(g, b), cmp(g, GCC_JIT_COMPARISON_NE, V(g, b), i64k(g, 0)))));
        break;
    case OP_ISSET: set_bool(g, a, is_set(g, b)); break;
    case OP_DEFAULT:
        br_if(g, is_set(g, b), &br);
        copy(g, a, b);
        br_else(g, &br);
        copy(g, a, c);
        br_end(g, &br);
        break;
    case OP_ADD: case OP_TADD: arith(g, a, b, c, GCC_JIT_BINARY_OP_PLUS, NULL, false); break;
    case OP_SUB: case OP_TSUB: case OP_TDIFF: arith(g, a, b, c, GCC_JIT_BINARY_OP_MINUS, NULL, false); break;
    case OP_MULI: arith(g, a, b, c, GCC_JIT_BINARY_OP_MULT, NULL, false); break;
    case OP_DIVI: case OP_DIVMM: case OP_DIVDD:
        set_value(g, a, bin(g, GCC_JIT_BINARY_OP_DIVIDE, g->t_dbl, dbl(g, V(g, b)), dbl(g, V(g, c))),
                  NULL, or_int(g, NUL2(g, b, c), is_zero_i(g, c)));
        break;
    case OP_NEG:
        set_value(g, a, neg(g, V(g, b)), NULL, or_int(g, NUL(g, b), is_min(g, V(g, b))));
        break;
    case OP_ADDF: case OP_SUBF: case OP_MULF: {
        enum gcc_jit_binary_op op = ip->op == OP_ADDF ? GCC_JIT_BINARY_OP_PLUS
                                  : ip->op == OP_SUBF ? GCC_JIT_BINARY_OP_MINUS : GCC_JIT_BINARY_OP_MULT;
        set_value(g, a, bin(g, op, g->t_dbl, V(g, b), V(g, c)), NULL, NUL2(g, b, c));
        break;
    }
    case OP_DIVF:
        set_value(g, a, bin(g, GCC_JIT_BINARY_OP_DIVIDE, g->t_dbl, V(g, b), V(g, c)), NULL,
                  or_int(g, NUL2(g, b, c), is_zero_f(g, c)));
        break;
    case OP_NEGF:
        set_value(g, a, gcc_jit_context_new_unary_op(g->ctx, NULL, GCC_JIT_UNARY_OP_MINUS, g->t_dbl, V(g, b)),
                  NULL, NUL(g, b));
        break;
    case OP_I2F: set_value(g, a, dbl(g, V(g, b)), NULL, NUL(g, b)); break;
    case OP_M2F:
        set_value(g, a, bin(g, GCC_JIT_BINARY_OP_DIVIDE, g->t_dbl, dbl(g, V(g, b)), dbl_k(g, MONEY_SCALE)),
                  NULL, NUL(g, b));
        break;
    case OP_I2M:
        wide(g, GCC_JIT_BINARY_OP_MULT, V(g, b), i64k(g, MONEY_SCALE), &r, &ovf);
        set_value(g, a, r, NULL, or_int(g, NUL(g, b), ovf));
        break;
    case OP_F2M:
        round_into(g, a, bin(g, GCC_JIT_BINARY_OP_MULT, g->t_dbl, V(g, b), dbl_k(g, MONEY_SCALE)), NUL(g, b), NULL);
        break;
    case OP_MULMF: case OP_MULDF: case OP_MULBF:
        round_into(g, a, bin(g, GCC_JIT_BINARY_OP_MULT, g->t_dbl, dbl(g, V(g, b)), V(g, c)), NUL2(g, b, c),
                   ip->op == OP_MULBF ? LEN(g, b) : NULL);
        break;
    case OP_DIVMF: case OP_DIVDF: case OP_DIVBF:
        round_into(g, a, bin(g, GCC_JIT_BINARY_OP_DIVIDE, g->t_dbl, dbl(g, V(g, b)), V(g, c)),
                   or_int(g, NUL2(g, b, c), is_zero_f(g, c)), ip->op == OP_DIVBF ? LEN(g, b) : NULL);
        break;
    case OP_TADDB: business_add(g, a, b, c, 1); break;
    case OP_TSUBB: business_add(g, a, b, c, -1); break;
    case OP_BETWEEN:
        br_if(g, cmp(g, GCC_JIT_COMPARISON_NE, NUL2(g, b, c), zero), &br);
        set_null(g, a, one);
        br_else(g, &br);
        clock_value(g, a, call(g, H_clk_between, 3, env(g, E_CAL), V(g, b), V(g, c)));
        br_end(g, &br);
        break;
    case OP_BADD: arith(g, a, b, c, GCC_JIT_BINARY_OP_PLUS, len_differs(g, b, c), true); break;
    case OP_BSUB: arith(g, a, b, c, GCC_JIT_BINARY_OP_MINUS, len_differs(g, b, c), true); break;
    case OP_DIVBB:
        set_value(g, a, bin(g, GCC_JIT_BINARY_OP_DIVIDE, g->t_dbl, dbl(g, V(g, b)), dbl(g, V(g, c))), NULL,
                  or_int(g, or_int(g, NUL2(g, b, c), is_zero_i(g, c)), len_differs(g, b, c)));
        break;
    case OP_BNEG:
        set_value(g, a, neg(g, V(g, b)), LEN(g, b), or_int(g, NUL(g, b), is_min(g, V(g, b))));
        break;
    case OP_CONCAT:
        br_if(g, cmp(g, GCC_JIT_COMPARISON_NE, NUL2(g, b, c), zero), &br);
        set_null(g, a, one);
        br_else(g, &br);
        set_value(g, a, call(g, H_concat, 5, env(g, E_SCRATCH), V(g, b), LEN(g, b), V(g, c), LEN(g, c)),
                  bin(g, GCC_JIT_BINARY_OP_PLUS, g->t_u32, LEN(g, b), LEN(g, c)), NULL);
        br_end(g, &br);
        break;
    case OP_EQ: case OP_NE: case OP_LT: case OP_LE:
    case OP_EQF: case OP_NEF: case OP_LTF: case OP_LEF: {
        opcode o = (opcode)ip->op;
        enum gcc_jit_comparison op = o == OP_EQ || o == OP_EQF ? GCC_JIT_COMPARISON_EQ
                                   : o == OP_NE || o == OP_NEF ? GCC_JIT_COMPARISON_NE
                                   : o == OP_LT || o == OP_LTF ? GCC_JIT_COMPARISON_LT
                                   : GCC_JIT_COMPARISON_LE;
        set_bool(g, a, and_bool(g, cmp(g, GCC_JIT_COMPARISON_EQ, NUL2(g, b, c), zero), cmp(g, op, V(g, b), V(g, c))));
        break;
    }
    case OP_EQB: case OP_NEB: case OP_LTB: case OP_LEB: {
        opcode o = (opcode)ip->op;
        enum gcc_jit_comparison op = o == OP_EQB ? GCC_JIT_COMPARISON_EQ : o == OP_NEB ? GCC_JIT_COMPARISON_NE
                                   : o == OP_LTB ? GCC_JIT_COMPARISON_LT : GCC_JIT_COMPARISON_LE;
        gcc_jit_rvalue *ok = cmp(g, GCC_JIT_COMPARISON_EQ, or_int(g, NUL2(g, b, c), len_differs(g, b, c)), zero);
        set_bool(g, a, and_bool(g, ok, cmp(g, op, V(g, b), V(g, c))));
        break;
    }
    case OP_EQT: case OP_NET: {
        const char *k;
        uint32_t n;
        if (inline_text(g, c, &k, &n)) {
            text_is_k(g, a, b, k, n, AT_WHOLE, ip->op == OP_NET);
            break;
        }
        if (inline_text(g, b, &k, &n)) {
            text_is_k(g, a, c, k, n, AT_WHOLE, ip->op == OP_NET);
            break;
        }
        set_bool(g, a, bool_k(g, false));
        br_if(g, cmp(g, GCC_JIT_COMPARISON_EQ, NUL2(g, b, c), zero), &br);
        r = call(g, H_text_equal, 4, V(g, b), LEN(g, b), V(g, c), LEN(g, c));
        set_bool(g, a, ip->op == OP_EQT ? r : not_bool(g, r));
        br_end(g, &br);
        break;
    }
    case OP_LTT: text_compare(g, a, b, c, GCC_JIT_COMPARISON_LT); break;
    case OP_LET: text_compare(g, a, b, c, GCC_JIT_COMPARISON_LE); break;
    case OP_INSET:
        if (!set_is_k(g, a, b, c, AT_WHOLE))
            set_test(g, a, b, c, H_in_text_set);
        break;
    case OP_INSETI: case OP_INSETF:
        set_bool(g, a, bool_k(g, false));
        br_if(g, is_set(g, b), &br);
        set_bool(g, a, call(g, ip->op == OP_INSETI ? H_in_int_set : H_in_num_set, 2,
                            table_item(g, E_SETS, c), V(g, b)));
        br_end(g, &br);
        break;
    case OP_STARTS: case OP_ENDS: {
        const char *k;
        uint32_t n;
        if (inline_text(g, c, &k, &n))
            text_is_k(g, a, b, k, n, ip->op == OP_STARTS ? AT_START : AT_END, false);
        else
            text_test(g, a, b, c, ip->op == OP_STARTS ? H_starts : H_ends, false);
        break;
    }
    case OP_CONTAINS: text_test(g, a, b, c, H_contains, false); break;
    case OP_STARTSCI: text_test(g, a, b, c, H_starts, true); break;
    case OP_ENDSCI: text_test(g, a, b, c, H_ends, true); break;
    case OP_CONTAINSCI: text_test(g, a, b, c, H_contains, true); break;
    case OP_STARTSANY:
        if (!set_is_k(g, a, b, c, AT_START))
            set_test(g, a, b, c, H_starts_any);
        break;
    case OP_ENDSANY:
        if (!set_is_k(g, a, b, c, AT_END))
            set_test(g, a, b, c, H_ends_any);
        break;
    case OP_CONTAINSANY: set_test(g, a, b, c, H_contains_any); break;
    case OP_MIN: case OP_MINF: pick(g, a, b, c, GCC_JIT_COMPARISON_LE, NUL2(g, b, c)); break;
    case OP_MAX: case OP_MAXF: pick(g, a, b, c, GCC_JIT_COMPARISON_GE, NUL2(g, b, c)); break;
    case OP_MINB: pick(g, a, b, c, GCC_JIT_COMPARISON_LE, or_int(g, NUL2(g, b, c), len_differs(g, b, c))); break;
    case OP_MAXB: pick(g, a, b, c, GCC_JIT_COMPARISON_GE, or_int(g, NUL2(g, b, c), len_differs(g, b, c))); break;
    case OP_ABS: {
        /* |v| as (v ^ m) - m, m = v >> 63, in unsigned arithmetic */
        gcc_jit_rvalue *u = cast(g, V(g, b), g->t_u64);
        gcc_jit_rvalue *m = cast(g, bin(g, GCC_JIT_BINARY_OP_RSHIFT, g->t_i64, V(g, b), i64k(g, 63)), g->t_u64);
        gcc_jit_rvalue *x = bin(g, GCC_JIT_BINARY_OP_MINUS, g->t_u64,
                                bin(g, GCC_JIT_BINARY_OP_BITWISE_XOR, g->t_u64, u, m), m);
        set_value(g, a, cast(g, x, g->t_i64), NULL, or_int(g, NUL(g, b), is_min(g, V(g, b))));
        break;
    }
    case OP_ABSF: {
        gcc_jit_rvalue *bits = gcc_jit_context_new_bitcast(g->ctx, NULL, V(g, b), g->t_u64);
        bits = bin(g, GCC_JIT_BINARY_OP_BITWISE_AND, g->t_u64, bits, intk(g, g->t_u64, INT64_MAX));
        set_value(g, a, gcc_jit_context_new_bitcast(g->ctx, NULL, bits, g->t_dbl), NULL, NUL(g, b));
        break;
    }
    case OP_ROUNDF: round_into(g, a, V(g, b), NUL(g, b), NULL); break;
    case OP_ROUNDM: {
        gcc_jit_rvalue *q = bin(g, GCC_JIT_BINARY_OP_DIVIDE, g->t_i64, V(g, b), i64k(g, MONEY_SCALE));
        gcc_jit_rvalue *rem = bin(g, GCC_JIT_BINARY_OP_MODULO, g->t_i64, V(g, b), i64k(g, MONEY_SCALE));
        gcc_jit_rvalue *up = cast(g, cmp(g, GCC_JIT_COMPARISON_GE, rem, i64k(g, MONEY_SCALE / 2)), g->t_i64);
        gcc_jit_rvalue *down = cast(g, cmp(g, GCC_JIT_COMPARISON_LE, rem, i64k(g, -MONEY_SCALE / 2)), g->t_i64);
        q = bin(g, GCC_JIT_BINARY_OP_MINUS, g->t_i64, bin(g, GCC_JIT_BINARY_OP_PLUS, g->t_i64, q, up), down);
        wide(g, GCC_JIT_BINARY_OP_MULT, q, i64k(g, MONEY_SCALE), &r, &ovf);
        set_value(g, a, r, NULL, or_int(g, NUL(g, b), ovf));
        break;
    }
    case OP_LOWER: case OP_UPPER:
        br_if(g, is_set(g, b), &br);
        set_value(g, a, call(g, ip->op == OP_LOWER ? H_lower : H_upper, 3, env(g, E_SCRATCH), V(g, b), LEN(g, b)),
                  LEN(g, b), NULL);
        br_else(g, &br);
        set_null(g, a, one);
        br_end(g, &br);
        break;
    case OP_TRIM: {
        br_if(g, is_set(g, b), &br);
        gcc_jit_lvalue *ends = local(g, g->t_u64);
        assign(g, ends, call(g, H_trim, 2, V(g, b), LEN(g, b)));
        gcc_jit_rvalue *from = cast(g, bin(g, GCC_JIT_BINARY_OP_RSHIFT, g->t_u64, lv(ends), intk(g, g->t_u64, 32)), g->t_u32);
        gcc_jit_rvalue *to = cast(g, bin(g, GCC_JIT_BINARY_OP_BITWISE_AND, g->t_u64, lv(ends),
                                         intk(g, g->t_u64, 0xFFFFFFFFl)), g->t_u32);
        gcc_jit_rvalue *s = cast(g, gcc_jit_lvalue_get_address(
            gcc_jit_context_new_array_access(g->ctx, NULL, V(g, b), from), NULL), g->t_str);
        set_value(g, a, s, bin(g, GCC_JIT_BINARY_OP_MINUS, g->t_u32, to, from), NULL);
        br_else(g, &br);
        set_null(g, a, one);
        br_end(g, &br);
        break;
    }
    case OP_LENGTH:
        br_if(g, is_set(g, b), &br);
        set_value(g, a, call(g, H_length, 2, V(g, b), LEN(g, b)), NULL, NULL);
        br_else(g, &br);
        set_null(g, a, one);
        br_end(g, &br);
        break;
    case OP_HANDOFF:
        handoff(g, a, b, c);
        break;
    case OP_CADENCE:
        clock_call(g, H_clk_cadence, E_CADENCES, a, b, c, 6);
        break;
    case OP_RET: {
        const sla_program *p = g->p;
        if (g->all_registers)
            store(g, p->first_temp, p->nregs - p->first_temp);
        /* Outputs, and what the report reads, each once. */
        end_read *reads = xmalloc((size_t)program_end_read_count(p) * sizeof *reads);
        uint32_t n = program_end_reads(p, reads);
        uint8_t *stored = xcalloc(p->nregs ? p->nregs : 1, 1);
        for (uint32_t i = 0; i < n; i++)
            if (reads[i].reg < p->nregs && !stored[reads[i].reg]) {
                stored[reads[i].reg] = 1;
                store(g, reads[i].reg, 1);
            }
        free(stored);
        free(reads);
        gcc_jit_block_end_with_void_return(g->b, NULL);
        g->b = NULL;
        break;
    }
    case OP__COUNT:
        break;
    }
}

/* ---- the function ------------------------------------------------------------------- */

static void make_regs(gen *g)
{
    const sla_program *p = g->p;
    g->regs = xcalloc(p->nregs + 1, sizeof *g->regs);
    for (uint32_t r = 0; r < p->nregs; r++) {
        vtype t = p->reg_types[r];
        jreg *j = &g->regs[r];
        bool constant = r >= p->nfields && r < p->first_temp && r != p->now_reg && !g->all_registers;
        if (r < p->nfields) {
            /* Fields are never written: each use reads R, so a field that
             * a record's path does not look at is never loaded. */
            gcc_jit_lvalue *s = slot(g, r);
            j->in_r = true;
            j->v = part(g, s, t);
            j->null = gcc_jit_lvalue_access_field(s, NULL, g->f_null);
            if (has_len(t))
                j->len = gcc_jit_lvalue_access_field(s, NULL, g->f_len);
            continue;
        }
        if (constant) {
            j->folded = true;
            j->k = p->consts[r - p->nfields];
            if (t != VT_TEXT || j->k.null)
                continue;   /* an immediate */
        }
        char name[32];
        snprintf(name, sizeof name, "r%u", r);
        j->v = gcc_jit_function_new_local(g->fn, NULL, value_type(g, t), name);
        if (j->folded)
            continue;       /* text: the pointer from R, length and flag folded */
        snprintf(name, sizeof name, "r%u_null", r);
        j->null = gcc_jit_function_new_local(g->fn, NULL, g->t_int, name);
        if (has_len(t)) {
            snprintf(name, sizeof name, "r%u_len", r);
            j->len = gcc_jit_function_new_local(g->fn, NULL, g->t_u32, name);
        }
    }
}

static void build(gen *g, const char *key)
{
    const sla_program *p = g->p;
    make_types(g);
    gcc_jit_param *params[2] = {
        gcc_jit_context_new_param(g->ctx, NULL, g->t_valuep, "R"),
        gcc_jit_context_new_param(g->ctx, NULL, gcc_jit_type_get_pointer(gcc_jit_type_get_const(g->t_env)), "E"),
    };
    g->fn = gcc_jit_context_new_function(g->ctx, NULL, GCC_JIT_FUNCTION_EXPORTED, g->t_void, "sla_eval",
                                         2, params, 0);
    g->R = gcc_jit_param_as_rvalue(params[0]);
    g->E = gcc_jit_param_as_rvalue(params[1]);
    g->tv = gcc_jit_function_new_local(g->fn, NULL, g->t_value, "tv");
    g->cv = gcc_jit_function_new_local(g->fn, NULL, g->t_value, "cv");
    g->ti = gcc_jit_function_new_local(g->fn, NULL, g->t_i64, "ti");
    make_regs(g);

    /* The entry block (libgccjit starts at the first block made), then the
     * blocks of the code: the start, every jump target and every
     * instruction after a jump. */
    gcc_jit_block *entry = gcc_jit_function_new_block(g->fn, "entry");
    g->at = xcalloc(p->ncode + 1, sizeof *g->at);
    g->at[0] = gcc_jit_function_new_block(g->fn, "pc0");
    for (uint32_t pc = 0; pc < p->ncode; pc++) {
        const sla_insn *ip = &p->code[pc];
        opcode op = (opcode)ip->op;
        if (op != OP_JMP && op != OP_JMPF && op != OP_JMPT && op != OP_RET)
            continue;
        uint32_t next[2] = {pc + 1, op == OP_RET ? pc + 1 : insn_target(ip)};
        for (int k = 0; k < 2; k++) {
            if (next[k] < p->ncode && !g->at[next[k]]) {
                char name[32];
                snprintf(name, sizeof name, "pc%u", next[k]);
                g->at[next[k]] = gcc_jit_function_new_block(g->fn, name);
            }
        }
    }

    /* The entry: fields and text constants from R, `now`. */
    g->b = entry;
    for (uint32_t r = 0; r < p->nregs; r++) {
        jreg *j = &g->regs[r];
        if (!j->v || j->in_r || r >= p->first_temp)
            continue;
        gcc_jit_lvalue *s = slot(g, r);
        assign(g, j->v, lv(part(g, s, p->reg_types[r])));
        if (j->len)
            assign(g, j->len, lv(gcc_jit_lvalue_access_field(s, NULL, g->f_len)));
        if (j->null)
            assign(g, j->null, cast(g, lv(gcc_jit_lvalue_access_field(s, NULL, g->f_null)), g->t_int));
    }
    gcc_jit_block_end_with_jump(g->b, NULL, g->at[0]);
    g->b = g->at[0];

    for (uint32_t pc = 0; pc < p->ncode; pc++) {
        if (pc && g->at[pc]) {
            if (g->b)
                gcc_jit_block_end_with_jump(g->b, NULL, g->at[pc]);
            g->b = g->at[pc];
        }
        emit_insn(g, pc);
    }
    if (g->b)
        gcc_jit_block_end_with_void_return(g->b, NULL);

    /* The key the object was made for, read back when it is loaded from the cache. */
    gcc_jit_function *kf = gcc_jit_context_new_function(g->ctx, NULL, GCC_JIT_FUNCTION_EXPORTED,
                                                        g->t_str, "sla_key", 0, NULL, 0);
    gcc_jit_block *kb = gcc_jit_function_new_block(kf, NULL);
    gcc_jit_block_end_with_return(kb, NULL, gcc_jit_context_new_string_literal(g->ctx, key));
}

/* ---- keys and the cache --------------------------------------------------------------- */

struct jit_code {
    gcc_jit_result *result;   /* compiled in memory */
    void *handle;             /* or loaded with dlopen */
    ops_native_fn fn;
};

static void cache_key(const sla_program *p, char hex[2 * SHA256_SIZE + 1])
{
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, p->hash, sizeof p->hash);
    char v[160];
    snprintf(v, sizeof v, "|%s|%zu|", JIT_CODEGEN, sizeof(void *));
    sha256_update(&c, v, strlen(v));
    sha256_update(&c, OPS_ABI, strlen(OPS_ABI));
    uint8_t h[SHA256_SIZE];
    sha256_final(&c, h);
    for (int i = 0; i < SHA256_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
}

static bool has_hash(const sla_program *p)
{
    for (size_t i = 0; i < sizeof p->hash; i++)
        if (p->hash[i])
            return true;
    return false;
}

int jit_cache_dir(char *out, size_t n)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int k;
    if (xdg && xdg[0] == '/')
        k = snprintf(out, n, "%s/sla", xdg);
    else if (home && home[0])
        k = snprintf(out, n, "%s/.cache/sla", home);
    else
        return -1;
    return k > 0 && (size_t)k < n ? 0 : -1;
}

static int entry_path(const sla_program *p, char *out, size_t n, char key[2 * SHA256_SIZE + 1])
{
    char dir[4000];
    cache_key(p, key);
    if (!has_hash(p) || jit_cache_dir(dir, sizeof dir) < 0)
        return -1;
    int k = snprintf(out, n, "%s/%s.so", dir, key);
    return k > 0 && (size_t)k < n ? 0 : -1;
}

bool jit_cache_has(const sla_program *p)
{
    char path[4200], key[2 * SHA256_SIZE + 1];
    struct stat st;
    return entry_path(p, path, sizeof path, key) == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int mkdirs(const char *path)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *s = tmp + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = 0;
        if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    return mkdir(tmp, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

/* Whether the file at path is a whole object as this cache wrote it: its
 * reason when not. Checked before dlopen, which trusts what it maps. */
static const char *check_file(const char *path)
{
    static char why[200];
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, sizeof why, "cannot read it: %s", strerror(errno));
        return why;
    }
    char *data = NULL;
    size_t n = 0, cap = 0;
    const char *bad = NULL;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 65536;
            data = xrealloc(data, cap);
        }
        size_t got = fread(data + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f))
        bad = "cannot read it";
    else if (n < 64 + TRAILER_SIZE)
        bad = "it is too short";
    else if (memcmp(data, "\177ELF", 4) != 0)
        bad = "it is not an ELF object";
    else if (memcmp(data + n - TRAILER_SIZE, TRAILER_MAGIC, 8) != 0)
        bad = "it has no checksum trailer";
    else {
        uint8_t h[SHA256_SIZE];
        sha256(data, n - TRAILER_SIZE, h);
        if (memcmp(h, data + n - SHA256_SIZE, SHA256_SIZE) != 0)
            bad = "its checksum does not match";
    }
    fclose(f);
    free(data);
    return bad;
}

/* Loads a cached object; NULL (with the reason in why) if it cannot be used. */
static jit_code *load_cached(const char *path, const char *key, const char **why)
{
    if ((*why = check_file(path)))
        return NULL;
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        *why = "the dynamic loader refuses it";
        return NULL;
    }
    const char *(*key_fn)(void) = (const char *(*)(void))dlsym(h, "sla_key");
    ops_native_fn fn = (ops_native_fn)dlsym(h, "sla_eval");
    if (!key_fn || !fn) {
        *why = "a symbol is missing";
        dlclose(h);
        return NULL;
    }
    if (strcmp(key_fn(), key) != 0) {
        *why = "it was made for another program or runtime";
        dlclose(h);
        return NULL;
    }
    jit_code *c = xcalloc(1, sizeof *c);
    c->handle = h;
    c->fn = fn;
    return c;
}

/* Appends the trailer to the object at tmp and moves it to path. */
static int seal(const char *tmp, const char *path)
{
    FILE *f = fopen(tmp, "r+b");
    if (!f)
        return -1;
    sha256_ctx c;
    sha256_init(&c);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        sha256_update(&c, chunk, got);
    uint8_t h[SHA256_SIZE];
    sha256_final(&c, h);
    int rc = ferror(f) || fseek(f, 0, SEEK_END) != 0 || fwrite(TRAILER_MAGIC, 1, 8, f) != 8 ||
             fwrite(h, 1, sizeof h, f) != sizeof h ? -1 : 0;
    if (fclose(f) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    return rc;
}

int jit_cache_clear(char *err, size_t errlen)
{
    char dir[4000];
    if (jit_cache_dir(dir, sizeof dir) < 0) {
        snprintf(err, errlen, "there is no cache directory (neither XDG_CACHE_HOME nor HOME is set)");
        return -1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "cannot read %s: %s", dir, strerror(errno));
        return -1;
    }
    int removed = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        bool ours = (n > 3 && strcmp(e->d_name + n - 3, ".so") == 0) || strstr(e->d_name, ".so.tmp");
        if (!ours)
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) == 0)
            removed++;
    }
    closedir(d);
    return removed;
}

/* ---- compiling ----------------------------------------------------------------------- */

static gcc_jit_context *new_context(void)
{
    gcc_jit_context *ctx = gcc_jit_context_acquire();
    if (!ctx)
        return NULL;
    gcc_jit_context_set_int_option(ctx, GCC_JIT_INT_OPTION_OPTIMIZATION_LEVEL, 2);
    gcc_jit_context_set_str_option(ctx, GCC_JIT_STR_OPTION_PROGNAME, "sla");
    gcc_jit_context_set_bool_allow_unreachable_blocks(ctx, 1);
    gcc_jit_context_set_bool_print_errors_to_stderr(ctx, 0);
    /* The interpreter's C is compiled without contraction into fused
     * multiply-add; native code must round the same way. */
    gcc_jit_context_add_command_line_option(ctx, "-ffp-contract=off");
    return ctx;
}

static void context_error(gcc_jit_context *ctx, const char *what, char *err, size_t errlen)
{
    const char *e = ctx ? gcc_jit_context_get_first_error(ctx) : NULL;
    snprintf(err, errlen, "%s: %s", what, e ? e : "libgccjit gave no reason");
}

jit_code *jit_compile(const sla_program *p, const jit_options *o, char *err, size_t errlen)
{
    char path[4200], key[2 * SHA256_SIZE + 1], tmp[4300];
    bool use_cache = o->cache && !o->all_registers && entry_path(p, path, sizeof path, key) == 0;
    if (!use_cache)
        cache_key(p, key);
    jit_code *code = NULL;
    gen g = {.p = p, .all_registers = o->all_registers};

    if (use_cache && access(path, F_OK) == 0) {
        const char *why;
        code = load_cached(path, key, &why);
        if (code) {
            if (o->verbose)
                fprintf(stderr, "sla: note: using cached native code %s\n", path);
            return code;
        }
        fprintf(stderr, "sla: note: ignoring the cached native code %s (%s); compiling it again\n",
                path, why);
        unlink(path);
    }

    const char *why_not = gccjit_open();
    if (why_not) {
        snprintf(err, errlen, "%s", why_not);
        goto done;
    }
    g.ctx = new_context();
    if (!g.ctx) {
        snprintf(err, errlen, "libgccjit could not start");
        goto done;
    }
    build(&g, key);
    /* SLA_JIT_DUMP=FILE: the generated function as C-like text, to read. */
    if (getenv("SLA_JIT_DUMP"))
        gcc_jit_context_dump_to_file(g.ctx, getenv("SLA_JIT_DUMP"), 0);
    if (gcc_jit_context_get_first_error(g.ctx)) {
        context_error(g.ctx, "native code", err, errlen);
        goto done;
    }
    if (use_cache) {
        char dir[4000];
        jit_cache_dir(dir, sizeof dir);
        snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
        if (mkdirs(dir) == 0) {
            gcc_jit_context_compile_to_file(g.ctx, GCC_JIT_OUTPUT_KIND_DYNAMIC_LIBRARY, tmp);
            if (gcc_jit_context_get_first_error(g.ctx)) {
                unlink(tmp);
                context_error(g.ctx, "native code", err, errlen);
                goto done;
            }
            if (seal(tmp, path) == 0) {
                const char *why;
                code = load_cached(path, key, &why);
                if (code) {
                    if (o->verbose)
                        fprintf(stderr, "sla: note: compiled native code to %s\n", path);
                    goto done;
                }
            }
            unlink(tmp);
        }
        if (o->verbose)
            fprintf(stderr, "sla: note: cannot write the cache in %s; compiling in memory\n", dir);
    }
    gcc_jit_result *res = gcc_jit_context_compile(g.ctx);
    if (!res) {
        context_error(g.ctx, "native code", err, errlen);
        goto done;
    }
    code = xcalloc(1, sizeof *code);
    code->result = res;
    code->fn = (ops_native_fn)gcc_jit_result_get_code(res, "sla_eval");
    if (!code->fn) {
        snprintf(err, errlen, "native code: the compiled object has no sla_eval");
        jit_free(code);
        code = NULL;
        goto done;
    }
    if (o->verbose)
        fprintf(stderr, "sla: note: compiled native code in memory\n");
done:   /* the one exit, with code or without */
    if (g.ctx)
        gcc_jit_context_release(g.ctx);
    free(g.regs);
    free(g.at);
    return code;
}

ops_native_fn jit_function(const jit_code *c)
{
    return c->fn;
}

void jit_free(jit_code *c)
{
    if (!c)
        return;
    if (c->result)
        gcc_jit_result_release(c->result);
    if (c->handle)
        dlclose(c->handle);
    free(c);
}
