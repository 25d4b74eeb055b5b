/*
 * sla.h - the public C interface of libsla.
 *
 * Embed the policy checker in another program the way programs embed Lua
 * or SQLite: hand it a policy's text, get its diagnostics back. Nothing
 * here keeps pointers to the caller's memory after a call returns.
 *
 * Scoring records through this interface comes with the bytecode compiler
 * and runtime; until then the library checks policies.
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

#ifdef __cplusplus
}
#endif

#endif
