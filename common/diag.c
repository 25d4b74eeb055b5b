/*
 * diag.c - collecting and rendering diagnostics.
 *
 * Text follows gcc: `file:line:col: error: message [code]`, the source
 * line, and a caret under the range. JSON is one object for the whole run;
 * SARIF 2.1.0 is one run whose rules are the codes of diag_codes.h.
 */
#include "diag.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name, *desc;
} code_table[] = {
#define DIAG_CODE(e, code, desc) [e] = {code, desc},
#include "diag_codes.h"
#undef DIAG_CODE
};
_Static_assert(sizeof code_table / sizeof code_table[0] == D__COUNT,
               "every diagnostic code has a name and a description");

const char *diag_code_name(diag_code c) { return code_table[c].name; }
const char *diag_code_description(diag_code c) { return code_table[c].desc; }

/* Offsets of line starts; a line ends at LF, CRLF or a lone CR. */
static size_t scan_lines(const char *text, size_t len, size_t *starts)
{
    size_t n = 1;
    if (starts)
        starts[0] = 0;
    bool has_cr = memchr(text, '\r', len) != NULL;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = has_cr ? NULL : memchr(p, '\n', (size_t)(end - p));
        if (!has_cr) {
            if (!nl)
                break;
            p = nl + 1;
        } else {
            while (p < end && *p != '\n' && *p != '\r')
                p++;
            if (p == end)
                break;
            p += (*p == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
        }
        if (starts)
            starts[n] = (size_t)(p - text);
        n++;
    }
    return n;
}

void src_file_init(src_file *f, const char *name, const char *text, size_t len)
{
    f->name = name;
    f->text = text;
    f->len = len;
    size_t n = scan_lines(text, len, NULL);
    f->line_start = xmalloc((n + 1) * sizeof *f->line_start);
    scan_lines(text, len, f->line_start);
    f->line_start[n] = len;
    f->nlines = (int)n;
}

void src_file_free(src_file *f)
{
    free(f->line_start);
    f->line_start = NULL;
}

const char *src_line(const src_file *f, int line, size_t *len)
{
    if (line < 1 || line > f->nlines) {
        *len = 0;
        return "";
    }
    size_t a = f->line_start[line - 1], b = f->line_start[line];
    while (b > a && (f->text[b - 1] == '\n' || f->text[b - 1] == '\r'))
        b--;
    *len = b - a;
    return f->text + a;
}

const char *src_text(const src_file *f, src_loc loc, size_t *len)
{
    size_t n;
    const char *line = src_line(f, loc.line, &n);
    if (loc.end_line != loc.line) {
        *len = n;
        return line;
    }
    size_t a = 0, b;
    for (int c = 1; c < loc.col && a < n; c++) {
        a++;
        while (a < n && ((unsigned char)line[a] & 0xC0) == 0x80)
            a++;
    }
    b = a;
    for (int c = loc.col; c < loc.end_col && b < n; c++) {
        b++;
        while (b < n && ((unsigned char)line[b] & 0xC0) == 0x80)
            b++;
    }
    *len = b - a;
    return line + a;
}

void diag_set_init(diag_set *s)
{
    s->v = NULL;
    s->n = s->cap = 0;
    s->errors = s->warnings = 0;
}

void diag_set_free(diag_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].msg);
        free(s->v[i].suggestion);
        for (int k = 0; k < s->v[i].nnotes; k++)
            free(s->v[i].notes[k].msg);
        free(s->v[i].notes);
    }
    free(s->v);
    diag_set_init(s);
}

__attribute__((format(printf, 1, 0)))
static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *p = xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

/* Every range covers at least one character, on valid lines and columns. */
static src_loc normalize(src_loc loc)
{
    if (loc.line < 1) loc.line = 1;
    if (loc.col < 1) loc.col = 1;
    if (loc.end_line < loc.line) loc.end_line = loc.line;
    if (loc.end_line == loc.line && loc.end_col <= loc.col) loc.end_col = loc.col + 1;
    return loc;
}

diag *diag_add(diag_set *s, const src_file *file, diag_severity sev,
               diag_code code, src_loc loc, const char *fmt, ...)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    diag *d = &s->v[s->n];
    memset(d, 0, sizeof *d);
    d->seq = s->n++;
    d->sev = sev;
    d->code = code;
    d->file = file;
    d->loc = normalize(loc);
    va_list ap;
    va_start(ap, fmt);
    d->msg = vformat(fmt, ap);
    va_end(ap);
    if (sev == SEV_ERROR)
        s->errors++;
    else if (sev == SEV_WARNING)
        s->warnings++;
    return d;
}

void diag_suggest(diag *d, const char *fmt, ...)
{
    if (!d)
        return;
    va_list ap;
    va_start(ap, fmt);
    free(d->suggestion);
    d->suggestion = vformat(fmt, ap);
    va_end(ap);
}

void diag_note_at(diag *d, src_loc loc, const char *fmt, ...)
{
    if (!d)
        return;
    d->notes = xrealloc(d->notes, (size_t)(d->nnotes + 1) * sizeof *d->notes);
    diag_note *n = &d->notes[d->nnotes++];
    n->loc = normalize(loc);
    va_list ap;
    va_start(ap, fmt);
    n->msg = vformat(fmt, ap);
    va_end(ap);
}

void diag_promote_warnings(diag_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].sev == SEV_WARNING) {
            s->v[i].sev = SEV_ERROR;
            s->warnings--;
            s->errors++;
        }
}

/* Files sort in the order they were first reported, which is the order
 * they were named on the command line: a file's rank is the smallest
 * report number among its diagnostics, whatever their current order. */
static const diag_set *sorting;

static size_t file_rank(const src_file *f)
{
    size_t rank = (size_t)-1;
    for (size_t i = 0; i < sorting->n; i++)
        if (sorting->v[i].file == f && sorting->v[i].seq < rank)
            rank = sorting->v[i].seq;
    return rank;
}

static int cmp_diag(const void *pa, const void *pb)
{
    const diag *a = pa, *b = pb;
    if (a->file != b->file) {
        size_t ra = file_rank(a->file), rb = file_rank(b->file);
        return ra < rb ? -1 : 1;
    }
    if (a->loc.line != b->loc.line)
        return a->loc.line < b->loc.line ? -1 : 1;
    if (a->loc.col != b->loc.col)
        return a->loc.col < b->loc.col ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void diag_sort(diag_set *s)
{
    if (s->n < 2)
        return;
    /* Ranks are read from a copy: qsort moves the originals. */
    diag_set copy = *s;
    copy.v = xmalloc(s->n * sizeof *s->v);
    memcpy(copy.v, s->v, s->n * sizeof *s->v);
    sorting = &copy;
    qsort(s->v, s->n, sizeof *s->v, cmp_diag);
    sorting = NULL;
    free(copy.v);
}

/* ---- text ---------------------------------------------------------------- */

static const char *sev_word(diag_severity s)
{
    return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "note";
}

static const char *sev_color(diag_severity s)
{
    return s == SEV_ERROR ? "\033[1;31m" : s == SEV_WARNING ? "\033[1;35m" : "\033[1;36m";
}

/* Byte offset of code-point column col (1-based) in line. */
static size_t col_offset(const char *line, size_t len, int col)
{
    size_t i = 0;
    for (int c = 1; c < col && i < len; c++) {
        i++;
        while (i < len && ((unsigned char)line[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

/* Lines longer than this are shown as a window around the caret. */
enum { SHOW_MAX = 160, SHOW_BEFORE = 60 };

static void show_source(const src_file *f, src_loc loc, FILE *out, bool color)
{
    size_t len;
    const char *line = src_line(f, loc.line, &len);
    if (loc.line > f->nlines)
        return;
    const char *prefix = "", *suffix = "";
    if (len > SHOW_MAX) {
        int first = loc.col > SHOW_BEFORE ? loc.col - SHOW_BEFORE : 1;
        size_t a = col_offset(line, len, first);
        size_t b = col_offset(line, len, first + SHOW_MAX - 40);
        prefix = a > 0 ? "..." : "";
        suffix = b < len ? "..." : "";
        line += a;
        len = b - a;
        loc.col -= first - 1;
        if (loc.end_line == loc.line)
            loc.end_col -= first - 1;
        if (loc.end_line == loc.line && (size_t)loc.end_col > len + 1 + (size_t)loc.col)
            loc.end_col = loc.col + 1;
    }
    fprintf(out, " %5d | %s%.*s%s\n", loc.line, prefix, (int)len, line, suffix);
    fprintf(out, "       | %s", *prefix ? "   " : "");
    size_t start = col_offset(line, len, loc.col);
    for (size_t i = 0; i < start; i++) {
        if (((unsigned char)line[i] & 0xC0) == 0x80)
            continue;
        fputc(line[i] == '\t' ? '\t' : ' ', out);
    }
    int width = 1;
    if (loc.end_line == loc.line && loc.end_col > loc.col)
        width = loc.end_col - loc.col;
    else if (loc.end_line > loc.line) {
        /* Underline to the end of the first line. */
        size_t b = start;
        width = 0;
        while (b < len) {
            b++;
            while (b < len && ((unsigned char)line[b] & 0xC0) == 0x80)
                b++;
            width++;
        }
        if (width < 1)
            width = 1;
    }
    if (color)
        fputs("\033[1;32m", out);
    fputc('^', out);
    for (int i = 1; i < width; i++)
        fputc('~', out);
    if (color)
        fputs("\033[0m", out);
    fputc('\n', out);
}

void diag_render_text(const diag_set *s, FILE *out, bool color)
{
    for (size_t i = 0; i < s->n; i++) {
        const diag *d = &s->v[i];
        if (color)
            fprintf(out, "\033[1m%s:%d:%d:\033[0m %s%s:\033[0m %s [%s]\n",
                    d->file->name, d->loc.line, d->loc.col, sev_color(d->sev),
                    sev_word(d->sev), d->msg, diag_code_name(d->code));
        else
            fprintf(out, "%s:%d:%d: %s: %s [%s]\n", d->file->name, d->loc.line,
                    d->loc.col, sev_word(d->sev), d->msg, diag_code_name(d->code));
        show_source(d->file, d->loc, out, color);
        if (d->suggestion) {
            if (color)
                fprintf(out, "%s:%d:%d: \033[1;36mnote:\033[0m %s\n", d->file->name,
                        d->loc.line, d->loc.col, d->suggestion);
            else
                fprintf(out, "%s:%d:%d: note: %s\n", d->file->name, d->loc.line,
                        d->loc.col, d->suggestion);
        }
        for (int k = 0; k < d->nnotes; k++) {
            const diag_note *n = &d->notes[k];
            if (color)
                fprintf(out, "\033[1m%s:%d:%d:\033[0m \033[1;36mnote:\033[0m %s\n",
                        d->file->name, n->loc.line, n->loc.col, n->msg);
            else
                fprintf(out, "%s:%d:%d: note: %s\n", d->file->name, n->loc.line,
                        n->loc.col, n->msg);
            show_source(d->file, n->loc, out, color);
        }
    }
}

/* ---- JSON ---------------------------------------------------------------- */

void diag_render_json(const diag_set *s, buf *b)
{
    buf_puts(b, "{\"version\":1,\"diagnostics\":[");
    for (size_t i = 0; i < s->n; i++) {
        const diag *d = &s->v[i];
        buf_puts(b, i ? ",\n  {" : "\n  {");
        buf_puts(b, "\"file\":");
        buf_json_string(b, d->file->name);
        buf_printf(b, ",\"line\":%d,\"column\":%d,\"end_line\":%d,\"end_column\":%d",
                   d->loc.line, d->loc.col, d->loc.end_line, d->loc.end_col);
        buf_printf(b, ",\"severity\":\"%s\",\"code\":\"%s\",\"message\":",
                   sev_word(d->sev), diag_code_name(d->code));
        buf_json_string(b, d->msg);
        if (d->suggestion) {
            buf_puts(b, ",\"suggestion\":");
            buf_json_string(b, d->suggestion);
        }
        if (d->nnotes) {
            buf_puts(b, ",\"notes\":[");
            for (int k = 0; k < d->nnotes; k++) {
                buf_puts(b, k ? ",{\"file\":" : "{\"file\":");
                buf_json_string(b, d->file->name);
                buf_printf(b, ",\"line\":%d,\"column\":%d,\"message\":",
                           d->notes[k].loc.line, d->notes[k].loc.col);
                buf_json_string(b, d->notes[k].msg);
                buf_putc(b, '}');
            }
            buf_putc(b, ']');
        }
        buf_putc(b, '}');
    }
    buf_printf(b, "%s],\"errors\":%d,\"warnings\":%d}\n", s->n ? "\n" : "",
               s->errors, s->warnings);
}

/* ---- SARIF 2.1.0 ---------------------------------------------------------- */

/* A file name as a relative URI reference: percent-encode what a URI
 * path cannot hold. */
static void sarif_uri(buf *b, const char *name)
{
    buf t;
    buf_init(&t);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
            buf_putc(&t, (char)*p);
        else
            buf_printf(&t, "%%%02X", *p);
    }
    buf_json_string(b, t.data);
    buf_free(&t);
}

static void sarif_region(buf *b, src_loc loc)
{
    buf_printf(b, "\"region\":{\"startLine\":%d,\"startColumn\":%d,\"endLine\":%d,\"endColumn\":%d}",
               loc.line, loc.col, loc.end_line, loc.end_col);
}

void diag_render_sarif(const diag_set *s, buf *b, const char *tool_version)
{
    buf_puts(b, "{\n\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\n"
                "\"version\":\"2.1.0\",\n\"runs\":[{\n"
                "\"tool\":{\"driver\":{\"name\":\"slac\",\"version\":");
    buf_json_string(b, tool_version);
    buf_puts(b, ",\"rules\":[");
    for (int c = 0; c < D__COUNT; c++) {
        buf_printf(b, "%s\n  {\"id\":\"%s\",\"shortDescription\":{\"text\":",
                   c ? "," : "", code_table[c].name);
        buf_json_string(b, code_table[c].desc);
        buf_puts(b, "}}");
    }
    buf_puts(b, "]}},\n\"columnKind\":\"unicodeCodePoints\",\n\"results\":[");
    for (size_t i = 0; i < s->n; i++) {
        const diag *d = &s->v[i];
        const char *level = d->sev == SEV_NOTE ? "note" : sev_word(d->sev);
        buf_printf(b, "%s\n  {\"ruleId\":\"%s\",\"ruleIndex\":%d,\"level\":\"%s\",\"message\":{\"text\":",
                   i ? "," : "", code_table[d->code].name, (int)d->code, level);
        if (d->suggestion) {
            char *t = xmalloc(strlen(d->msg) + strlen(d->suggestion) + 3);
            sprintf(t, "%s. %s", d->msg, d->suggestion);
            buf_json_string(b, t);
            free(t);
        } else {
            buf_json_string(b, d->msg);
        }
        buf_puts(b, "},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
        sarif_uri(b, d->file->name);
        buf_puts(b, "},");
        sarif_region(b, d->loc);
        buf_puts(b, "}}]");
        if (d->nnotes) {
            buf_puts(b, ",\"relatedLocations\":[");
            for (int k = 0; k < d->nnotes; k++) {
                buf_printf(b, "%s{\"id\":%d,\"physicalLocation\":{\"artifactLocation\":{\"uri\":",
                           k ? "," : "", k);
                sarif_uri(b, d->file->name);
                buf_puts(b, "},");
                sarif_region(b, d->notes[k].loc);
                buf_puts(b, "},\"message\":{\"text\":");
                buf_json_string(b, d->notes[k].msg);
                buf_puts(b, "}}");
            }
            buf_putc(b, ']');
        }
        buf_putc(b, '}');
    }
    buf_puts(b, "\n]}]}\n");
}
