/*
 * explain.h - `sla explain`: one record of an export, and why the policy
 * decided what it did, rule by rule, with the policy's line numbers.
 */
#ifndef SLA_EXPLAIN_H
#define SLA_EXPLAIN_H

#include "../common/buf.h"
#include "../common/diag.h"

#include <stdint.h>

typedef enum { EXPLAIN_TEXT } explain_format;

typedef struct explain_options {
    const char *input;        /* a CSV path, or "-" for standard input */
    int64_t row;              /* the data row to explain, 1-based (when id is NULL) */
    const char *id;           /* or the record whose first field's cell is this */
    int64_t as_of;            /* microseconds since the epoch */
    explain_format format;
} explain_options;

typedef struct explainer explainer;

/* Parses, checks and compiles the policy f (which must outlive the
 * explainer), with a probe for every value the explanation shows.
 * Diagnostics go to d; NULL if the policy has errors. */
explainer *explain_open(const src_file *f, diag_set *d);
/* The policy's time zone (IANA name), to read --as-of in. */
const char *explain_zone(const explainer *x);
/* Finds the record in o->input, evaluates it and appends the explanation
 * to out. Errors (no such record, a bad row, a missing column) go to
 * stderr. Returns the exit status: 0, 1 for bad or missing input, 2 for
 * an input/output error. */
int explain_record(explainer *x, const explain_options *o, buf *out);
void explain_close(explainer *x);

#endif
