/*
 * diag.h - diagnostics: collected while compiling, rendered at the end.
 *
 * Every message the compiler gives about a policy is a diag with a
 * severity, a stable code (diag_codes.h), a source range and words the
 * policy's author knows. They are collected, not printed, so the same
 * list can be shown as gcc-style text, JSON or SARIF, sorted by position.
 *
 * Columns count Unicode code points from 1; an end column points one past
 * the last character of the range, as in SARIF.
 */
#ifndef SLA_DIAG_H
#define SLA_DIAG_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum {
#define DIAG_CODE(e, code, desc) e,
#include "diag_codes.h"
#undef DIAG_CODE
    D__COUNT
} diag_code;

typedef enum { SEV_ERROR, SEV_WARNING, SEV_NOTE } diag_severity;

typedef struct src_loc {
    int line, col;          /* first character */
    int end_line, end_col;  /* one past the last character */
} src_loc;

/* A source file's text. Owned by the caller; must outlive the diag_set. */
typedef struct src_file {
    const char *name;
    const char *text;
    size_t len;
    size_t *line_start;   /* offset of each line, computed at init */
    int nlines;
} src_file;

typedef struct diag_note {
    src_loc loc;
    char *msg;
} diag_note;

typedef struct diag {
    diag_severity sev;
    diag_code code;
    const src_file *file;
    src_loc loc;
    char *msg;
    char *suggestion;        /* "did you mean", or NULL */
    diag_note *notes;
    int nnotes;
    size_t seq;              /* order of report, to keep sorting stable */
} diag;

typedef struct diag_set {
    diag *v;
    size_t n, cap;
    int errors, warnings;
} diag_set;

void src_file_init(src_file *f, const char *name, const char *text, size_t len);
void src_file_free(src_file *f);
/* The text of line n (1-based) without its line end. */
const char *src_line(const src_file *f, int line, size_t *len);
/* The text loc covers (on one line; a range over several lines gives its
 * first line whole), not NUL-terminated. */
const char *src_text(const src_file *f, src_loc loc, size_t *len);

void diag_set_init(diag_set *s);
void diag_set_free(diag_set *s);

diag *diag_add(diag_set *s, const src_file *file, diag_severity sev,
               diag_code code, src_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Both do nothing when d is NULL. */
void diag_suggest(diag *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void diag_note_at(diag *d, src_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Turns every warning into an error (-Werror). */
void diag_promote_warnings(diag_set *s);
/* Sorts by file (in order of first report), then position. */
void diag_sort(diag_set *s);

const char *diag_code_name(diag_code c);
const char *diag_code_description(diag_code c);

void diag_render_text(const diag_set *s, FILE *out, bool color);
void diag_render_json(const diag_set *s, buf *out);
void diag_render_sarif(const diag_set *s, buf *out, const char *tool_version);

#endif
