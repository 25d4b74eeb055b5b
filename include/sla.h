/*
 * sla.h - the public C interface of libsla.
 *
 * Embed policies in another program the way programs embed Lua or SQLite:
 * check a policy's text, compile it (or load a compiled .slab), give it
 * records cell by cell, read the results as text.
 *
 * Ownership, stated once: every object is created by an sla_*_new,
 * sla_policy_compile or sla_policy_load call and released by the matching
 * *_free call; nothing here keeps a pointer to the caller's memory after a
 * call returns; strings the library returns stay valid as long as the
 * object they came from, unless the function says otherwise.
 *
 * Threads: an sla_policy is read-only once made and may be shared; an
 * sla_scorer is not: use one per thread.
 */
#ifndef SLA_H
#define SLA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SLA_VERSION "0.1.0"

/* The library's version, "MAJOR.MINOR.PATCH". */
const char *sla_version(void);

typedef enum { SLA_ERROR = 0, SLA_WARNING = 1, SLA_NOTE = 2 } sla_severity;

/* One diagnostic. Every pointer is valid only during the callback. */
typedef struct sla_diagnostic {
    const char *file;
    int line, column;           /* 1-based; columns count code points */
    int end_line, end_column;   /* one past the end */
    sla_severity severity;
    const char *code;           /* stable: "undefined-name", "type-mismatch", ... */
    const char *message;
    const char *suggestion;     /* "did you mean `x`?", or NULL */
} sla_diagnostic;

typedef void (*sla_diagnostic_fn)(const sla_diagnostic *d, void *user);

/* Checks the policy text[0..len) named name (used in diagnostics). Calls
 * fn, in source order, for each diagnostic. Returns the number of errors:
 * 0 means the policy may run. */
int sla_check(const char *name, const char *text, size_t len, sla_diagnostic_fn fn, void *user);

/* ---- policies ------------------------------------------------------------- */

typedef struct sla_policy sla_policy;

/* Compiles a policy. Diagnostics (warnings included) go to fn, if given.
 * Returns NULL if the policy has errors. */
sla_policy *sla_policy_compile(const char *name, const char *text, size_t len,
                               sla_diagnostic_fn fn, void *user);
/* Loads a compiled policy (the bytes of a .slab file), after verifying it
 * completely. Returns NULL with the reason in err if it is damaged, from
 * a newer version, or not a compiled policy. */
sla_policy *sla_policy_load(const void *slab, size_t len, char *err, size_t errlen);
void sla_policy_free(sla_policy *p);

/* The record's fields, in the order the policy declares them. */
int sla_policy_field_count(const sla_policy *p);
const char *sla_policy_field_name(const sla_policy *p, int i);
/* The CSV column a field reads (its `from`, or its name). */
const char *sla_policy_field_column(const sla_policy *p, int i);
/* The field named name, or -1. */
int sla_policy_field_index(const sla_policy *p, const char *name);

/* The output columns, in order. */
int sla_policy_output_count(const sla_policy *p);
const char *sla_policy_output_name(const sla_policy *p, int i);

/* ---- scoring records -------------------------------------------------------- */

typedef struct sla_scorer sla_scorer;

/* A scorer reads the SLA clock at as_of (microseconds since the epoch,
 * UTC). Returns NULL with the reason in err (a time zone the system
 * cannot load). p must outlive the scorer. */
sla_scorer *sla_scorer_new(const sla_policy *p, long long as_of, char *err, size_t errlen);
void sla_scorer_free(sla_scorer *s);

/* Empties every field (all unset). */
void sla_scorer_clear(sla_scorer *s);
/* Sets field i from a cell's text, read exactly as `sla score` reads a CSV
 * cell (the text is copied). Returns 0, or -1 with the reason in err. */
int sla_scorer_set(sla_scorer *s, int i, const char *cell, size_t len, char *err, size_t errlen);
/* Evaluates the record made of the fields set. */
void sla_scorer_run(sla_scorer *s);
/* Output column i of the last run, as `sla score` writes it (without CSV
 * quoting). Valid until the next sla_scorer_run or sla_scorer_free. */
const char *sla_scorer_output(sla_scorer *s, int i, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
