/*
 * fmt.c - `slac fmt`: one canonical layout for .sla policies.
 *
 * Token-level: the scanner (with comments kept as tokens) gives every
 * token's bytes as written, and the output is those bytes with the blanks
 * between them chosen here. Line breaks are kept as the author wrote them
 * (runs of blank lines become one), so which newlines end a statement, and
 * hence the compiled program, cannot change. The one piece of layout that
 * looks at more than a line is alignment: consecutive items of a block
 * (record fields, score rules, stages, classes) and consecutive top-level
 * `let`/`team` statements line up at their anchor words (`:`, `from`,
 * `when`, `since`, `otherwise`, `=`, `owns`), and trailing comments of a
 * run of code lines share a column. A line that continues a statement is
 * indented under the innermost bracket still open, else under the
 * statement's value (after its first `=` or `when`), else two spaces in
 * (a `when`/`since`/`because`... line) or under its second word. All of
 * it is computed from the output's own columns, so fmt(fmt(x)) == fmt(x).
 *
 * Which newline continues a statement mirrors the parser's bridge
 * (parser/actions.c): a line ending with an operator, or starting with
 * `and`/`or`/`then`/`else`/`when`/`since`/`because`, or inside a bracket.
 */
#include "fmt.h"
#include "../common/xalloc.h"
#include "../lexer/lexer.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct ftok {
    tok_kind kind;
    const char *s;      /* the bytes as written */
    size_t n;
    bool glued;         /* no blank before it in the input, same line */
} ftok;

typedef struct fline {
    int first, ntok;    /* tokens[first .. first+ntok), comment excluded */
    int comment;        /* index of its comment token, or -1 */
    /* alignment, for the first line of an item */
    int key;            /* run key (K_*); 0: another item; -1: no item */
    int anchor[3];      /* token index starting column 1 and 2, or -1 */
    int width[3];       /* width of each cell */
    int sep[3];         /* least blanks before cells 1 and 2 */
    int target[3];      /* column (from the indent) the cell starts at */
} fline;

enum { K_RECORD = 1, K_SCORE, K_STAGES, K_CLASSES, K_LET, K_TEAM };

/* A line of output: its code in the line buffer, then its comment. */
typedef struct oline {
    size_t start, end;
    int cols;           /* width of the code */
    int comment;        /* token index, or -1 */
    bool code;          /* has code (else a comment-only or blank line) */
} oline;

typedef struct frame {
    enum { F_BLOCK, F_SET, F_PAREN } kind;
    int col;            /* output column of the bracket */
    tok_kind block;     /* for a block: the keyword that opened it */
} frame;

/* A `+` or `-` after one of these is a sign, written against its operand. */
static bool before_sign(tok_kind k)
{
    switch (k) {
    case TK_END: case TK_PLUS: case TK_MINUS: case TK_STAR: case TK_SLASH:
    case TK_EQ: case TK_NE: case TK_LT: case TK_LE: case TK_GT: case TK_GE:
    case TK_QQ: case TK_LPAREN: case TK_COMMA: case TK_COLON: case TK_LBRACE:
    case TK_SEMI: case TK_AND: case TK_OR: case TK_NOT: case TK_WHEN: case TK_THEN:
    case TK_ELSE: case TK_IF: case TK_IN: case TK_IS: case TK_WITHIN: case TK_QUESTION:
        return true;
    default:
        return false;
    }
}

static int cols(const char *s, size_t n)
{
    int c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* A `-` written between two words or times without blanks (`mon-fri`,
 * `friday-review`, `09:00-18:00`) is a hyphen and stays so; between
 * numbers it is an operator and gets its blanks. */
static bool hyphenable(tok_kind k)
{
    return k == TK_IDENT || k == TK_TIMEOFDAY || k >= TK_AND;   /* keywords follow TK_AND */
}

static bool hyphen(const ftok *t, int i, int last)
{
    return t[i].kind == TK_MINUS && t[i].glued && i < last && t[i + 1].glued &&
           hyphenable(t[i - 1].kind) && hyphenable(t[i + 1].kind);
}

/* Blanks between tokens i-1 and i of the line starting at `first` (0 or
 * 1). `pp` is the kind of the token before i-1 (TK_END at the start). */
static int gap(const ftok *t, int first, int i, int last, tok_kind pp)
{
    tok_kind a = t[i - 1].kind, b = t[i].kind;
    if (hyphen(t, i, last) || (i >= 2 && hyphen(t, i - 1, last)))
        return 0;
    if ((a == TK_PLUS || a == TK_MINUS) && before_sign(pp))
        return 0;
    if (b == TK_RBRACE) {
        /* A set's `}` hugs its last element; a block's stands apart. One
         * opened on an earlier line is left as the author wrote it. */
        int nest = 0;
        for (int j = i - 1; j >= first; j--) {
            if (t[j].kind == TK_RBRACE)
                nest++;
            else if (t[j].kind == TK_LBRACE && nest-- == 0)
                return j > first && (t[j - 1].kind == TK_IN || t[j - 1].kind == TK_ANY) ? 0 : 1;
        }
        return !t[i].glued;
    }
    if (b == TK_COMMA || b == TK_RPAREN || b == TK_SEMI || b == TK_QUESTION ||
        b == TK_COLON)
        return 0;
    if (a == TK_LPAREN)
        return 0;
    if (a == TK_LBRACE && (pp == TK_IN || pp == TK_ANY))
        return 0;
    if (b == TK_LPAREN && a == TK_IDENT)
        return 0;
    return 1;
}

/* Width of tokens [from, to) of a line, written with gap(). */
static int measure(const ftok *t, int first, int from, int to, int last)
{
    int w = 0;
    for (int i = from; i < to; i++) {
        if (i > from)
            w += gap(t, first, i, last, i >= first + 2 ? t[i - 2].kind : TK_END);
        w += cols(t[i].s, t[i].n);
    }
    return w;
}

/* The run an item's first line aligns with, and its anchor columns. */
static int align_key(const ftok *t, const fline *l, tok_kind block, int depth,
                     tok_kind anchors[3][2], int seps[3])
{
    tok_kind first = t[l->first].kind;
    memset(anchors, 0, sizeof(tok_kind[3][2]));
    seps[1] = seps[2] = 1;
    if (depth == 0 && first == TK_LET) {
        anchors[1][0] = TK_EQ;
        return K_LET;
    }
    if (depth == 0 && first == TK_TEAM) {
        anchors[1][0] = TK_OWNS;
        return K_TEAM;
    }
    if (depth != 1 || first == TK_RBRACE)
        return 0;
    switch (block) {
    case TK_RECORD:
        anchors[1][0] = TK_COLON;
        anchors[2][0] = TK_FROM;
        seps[2] = 2;
        return K_RECORD;
    case TK_SCORE:
        anchors[1][0] = TK_WHEN;
        return K_SCORE;
    case TK_STAGES:
        anchors[1][0] = TK_WHEN;
        anchors[2][0] = TK_SINCE;
        seps[1] = seps[2] = 2;
        return K_STAGES;
    case TK_CLASSES:
        anchors[1][0] = TK_WHEN;
        anchors[1][1] = TK_OTHERWISE;
        seps[1] = 2;
        return K_CLASSES;
    default:
        return 0;
    }
}

static void find_cells(const ftok *t, fline *l, tok_kind anchors[3][2])
{
    int last = l->first + l->ntok - 1, nest = 0, col = 0;
    l->anchor[0] = l->first;
    l->anchor[1] = l->anchor[2] = -1;
    for (int i = l->first + 1; i <= last; i++) {
        tok_kind k = t[i].kind;
        if (k == TK_LPAREN || k == TK_LBRACE)
            nest++;
        else if ((k == TK_RPAREN || k == TK_RBRACE) && nest > 0)
            nest--;
        if (nest)
            continue;
        for (int c = col + 1; c < 3; c++)
            if (anchors[c][0] && (k == anchors[c][0] || k == anchors[c][1])) {
                l->anchor[c] = i;
                col = c;
                break;
            }
    }
    for (int c = 0; c < 3; c++) {
        l->width[c] = 0;
        if (l->anchor[c] < 0)
            continue;
        int end = last + 1;
        for (int d = c + 1; d < 3; d++)
            if (l->anchor[d] >= 0) {
                end = l->anchor[d];
                break;
            }
        l->width[c] = measure(t, l->first, l->anchor[c], end, last);
    }
}

typedef struct fstate {
    const ftok *t;
    fline *lines;
    int nlines;
    frame *stack;       /* the open blocks, sets and parentheses */
    int depth, cap;
} fstate;

static void push(fstate *st, frame f)
{
    if (st->depth == st->cap) {
        st->cap = st->cap ? 2 * st->cap : 16;
        st->stack = xrealloc(st->stack, (size_t)st->cap * sizeof *st->stack);
    }
    st->stack[st->depth++] = f;
}

static int block_depth(const fstate *st)
{
    int n = 0;
    for (int i = 0; i < st->depth; i++)
        n += st->stack[i].kind == F_BLOCK;
    return n;
}

static void spaces(buf *out, int n)
{
    for (int i = 0; i < n; i++)
        buf_putc(out, ' ');
}

/* The last token of a line, as the next line's continuation test sees it:
 * after `;` or an opening `{` the next line starts an item. */
static tok_kind last_kind(const ftok *t, const fline *l)
{
    tok_kind k = t[l->first + l->ntok - 1].kind;
    return k == TK_SEMI || k == TK_LBRACE ? TK_END : k;
}

/* Writes one line's code tokens from column `indent`, updating the bracket
 * stack (`prev` ends the line before); returns the column after the last.
 * For an item's first line, hang[0] gets the column of the value after its
 * first `=` or `when`, hang[1] that of its second token (-1: none). */
static int render(fstate *st, const fline *l, int indent, int *hang, tok_kind item_kind,
                  tok_kind prev, buf *out)
{
    const ftok *t = st->t;
    int col = indent, last = l->first + l->ntok - 1;
    bool seen_eq = false;   /* after the item's first `=` or `when` */
    spaces(out, indent);
    for (int i = l->first; i <= last; i++) {
        if (i > l->first) {
            int g = gap(t, l->first, i, last, i >= l->first + 2 ? t[i - 2].kind : TK_END);
            for (int c = 1; c < 3; c++)
                if (l->key && i == l->anchor[c] && indent + l->target[c] > col + g)
                    g = indent + l->target[c] - col;
            spaces(out, g);
            col += g;
        }
        if (hang && seen_eq && hang[0] < 0)
            hang[0] = col;
        if (hang && i == l->first + 1)
            hang[1] = col;
        if (t[i].kind == TK_EQ || t[i].kind == TK_WHEN)
            seen_eq = true;
        buf_put(out, t[i].s, t[i].n);
        tok_kind k = t[i].kind;
        if (k == TK_LPAREN) {
            push(st, (frame){F_PAREN, col, TK_END});
        } else if (k == TK_LBRACE) {
            tok_kind p = i > l->first ? t[i - 1].kind : prev;
            bool set = p == TK_IN || p == TK_ANY;
            push(st, (frame){set ? F_SET : F_BLOCK, col, item_kind});
        } else if ((k == TK_RPAREN || k == TK_RBRACE) && st->depth > 0) {
            st->depth--;
        }
        col += cols(t[i].s, t[i].n);
    }
    return col;
}

/* Sets each aligned line's cell targets: the run is every item start with
 * the same key until a blank line or an item start with another key. */
static void align_runs(fstate *st)
{
    int i = 0;
    while (i < st->nlines) {
        fline *l = &st->lines[i];
        if (l->key <= 0) {
            i++;
            continue;
        }
        int j = i, w[3] = {0, 0, 0};
        int end = i;
        for (; j < st->nlines; j++) {
            fline *m = &st->lines[j];
            if (m->ntok == 0 && m->comment < 0)
                break;
            if (m->key < 0)
                continue;   /* a comment or a continued line */
            if (m->key != l->key)
                break;
            end = j + 1;
        }
        /* column c's width counts lines that have a later cell */
        for (int k = i; k < end; k++) {
            fline *m = &st->lines[k];
            if (m->key != l->key)
                continue;
            for (int c = 0; c < 2; c++) {
                bool later = false;
                for (int d = c + 1; d < 3; d++)
                    later |= m->anchor[d] >= 0;
                if (later && m->anchor[c] >= 0 && m->width[c] > w[c])
                    w[c] = m->width[c];
            }
        }
        for (int k = i; k < end; k++) {
            fline *m = &st->lines[k];
            if (m->key != l->key)
                continue;
            m->target[0] = 0;
            m->target[1] = w[0] + m->sep[1];
            m->target[2] = m->target[1] + w[1] + m->sep[2];
        }
        i = end > i ? end : i + 1;
    }
}

int fmt_format(const char *text, size_t len, buf *out)
{
    arena a;
    arena_init(&a);
    lexer *lx = lexer_new(text, len, &a);
    lexer_keep_comments(lx, true);
    ftok *t = NULL;
    int nt = 0, ct = 0;
    fline *lines = NULL;
    int nl = 0, cl = 0;
    int rc = 0;
    buf lb;             /* every line's code, end to end */
    buf_init(&lb);
    oline *olines = NULL;
    int nout = 0;
    size_t prev_end = (size_t)-1;
    bool line_open = false;
    for (;;) {
        token tk;
        lexer_next(lx, &tk);
        if (tk.kind == TK_ERROR) {
            rc = -1;
            break;
        }
        if (!line_open) {
            if (nl == cl) {
                cl = cl ? 2 * cl : 64;
                lines = xrealloc(lines, (size_t)cl * sizeof *lines);
            }
            lines[nl++] = (fline){.first = nt, .ntok = 0, .comment = -1};
            line_open = true;
            prev_end = (size_t)-1;
        }
        if (tk.kind == TK_NL || tk.kind == TK_END) {
            line_open = false;
            if (tk.kind == TK_END)
                break;
            continue;
        }
        if (nt == ct) {
            ct = ct ? 2 * ct : 256;
            t = xrealloc(t, (size_t)ct * sizeof *t);
        }
        size_t n = tk.raw_len;
        if (tk.kind == TK_COMMENT)
            while (n > 1 && (text[tk.off + n - 1] == ' ' || text[tk.off + n - 1] == '\t' ||
                             text[tk.off + n - 1] == '\f' || text[tk.off + n - 1] == '\v'))
                n--;
        t[nt] = (ftok){tk.kind, text + tk.off, n, prev_end == tk.off};
        prev_end = tk.off + tk.raw_len;
        if (tk.kind == TK_COMMENT)
            lines[nl - 1].comment = nt;
        else
            lines[nl - 1].ntok++;
        nt++;
    }
    lexer_free(lx);
    if (rc < 0)
        goto done;

    fstate st = {.t = t, .lines = lines, .nlines = nl};

    /* Pass 1: which lines continue an item, which block each is in, and
     * the cells of each item's first line. The bracket stack is rebuilt
     * from the tokens alone here (columns do not matter yet). */
    {
        tok_kind prev = TK_END, item_kind = TK_END;
        for (int i = 0; i < nl; i++) {
            fline *l = &lines[i];
            l->key = -1;    /* > 0: an aligned item; 0: another item; -1: no item */
            if (l->ntok == 0)
                continue;
            tok_kind first = t[l->first].kind;
            bool bracket = st.depth > 0 && st.stack[st.depth - 1].kind != F_BLOCK;
            int bd = block_depth(&st);
            bool cont = prev != TK_END && !(bd == 0 && lexer_starts_statement(first)) &&
                        (bracket || lexer_line_continues(prev) || lexer_starts_continuation(first));
            if (!cont) {
                item_kind = first;
                tok_kind anchors[3][2];
                int seps[3];
                tok_kind block = TK_END;
                for (int d = st.depth - 1; d >= 0; d--)
                    if (st.stack[d].kind == F_BLOCK) {
                        block = st.stack[d].block;
                        break;
                    }
                l->key = align_key(t, l, block, bd, anchors, seps);
                if (l->key) {
                    find_cells(t, l, anchors);
                    l->sep[1] = seps[1];
                    l->sep[2] = seps[2];
                }
            }
            for (int k = l->first; k < l->first + l->ntok; k++) {
                tok_kind kk = t[k].kind;
                if (kk == TK_LPAREN)
                    push(&st, (frame){F_PAREN, 0, TK_END});
                else if (kk == TK_LBRACE) {
                    tok_kind p = k > l->first ? t[k - 1].kind : prev;
                    push(&st, (frame){(p == TK_IN || p == TK_ANY) ? F_SET : F_BLOCK, 0, item_kind});
                } else if ((kk == TK_RPAREN || kk == TK_RBRACE) && st.depth > 0)
                    st.depth--;
            }
            prev = last_kind(t, l);
        }
        st.depth = 0;
    }
    align_runs(&st);

    /* Pass 2: lay out each line; trailing comments wait for pass 3. */
    olines = xmalloc((size_t)(nl ? nl : 1) * sizeof *olines);
    {
        tok_kind prev = TK_END, item_kind = TK_END;
        bool blank = false, any = false;
        int hang[2] = {-1, -1}, item_indent = 0;
        for (int i = 0; i < nl; i++) {
            fline *l = &lines[i];
            if (l->ntok == 0 && l->comment < 0) {
                blank = any;
                continue;
            }
            if (blank)
                olines[nout++] = (oline){0, 0, 0, -1, false};
            blank = false;
            any = true;
            int bd = block_depth(&st);
            size_t at = lb.len;
            if (l->ntok == 0) {
                /* inside a continued bracket, under its contents */
                bool in_bracket = st.depth > 0 && st.stack[st.depth - 1].kind != F_BLOCK;
                spaces(&lb, in_bracket ? st.stack[st.depth - 1].col + 1 : 2 * bd);
                olines[nout++] = (oline){at, lb.len, 0, l->comment, false};   /* comment only */
                continue;
            }
            tok_kind first = t[l->first].kind;
            bool bracket = st.depth > 0 && st.stack[st.depth - 1].kind != F_BLOCK;
            bool cont = prev != TK_END && !(bd == 0 && lexer_starts_statement(first)) &&
                        (bracket || lexer_line_continues(prev) || lexer_starts_continuation(first));
            int indent, *hp = NULL;
            if (cont) {
                if (bracket)
                    indent = st.stack[st.depth - 1].col +
                             !(first == TK_RPAREN || first == TK_RBRACE);
                else if (hang[0] >= 0 && item_kind != TK_RECORD)
                    indent = hang[0];   /* a test's record lines up its fields instead */
                else if (lexer_starts_continuation(first) || hang[1] < 0)
                    indent = item_indent + 2;   /* `when`, `since`, `because` under the head */
                else
                    indent = hang[1];
            } else {
                item_kind = first;
                indent = 2 * (bd - (first == TK_RBRACE && bd > 0));
                item_indent = indent;
                hang[0] = hang[1] = -1;
                hp = hang;
            }
            int col = render(&st, l, indent, hp, item_kind, prev, &lb);
            olines[nout++] = (oline){at, lb.len, col, l->comment, true};
            prev = last_kind(t, l);
        }
    }

    /* Pass 3: the trailing comments of a run of code lines (between blank
     * or comment-only lines) start in one column, two past the longest
     * code line that has one. */
    for (int i = 0; i < nout;) {
        int j = i + 1, w = 0;
        if (olines[i].code)
            for (j = i; j < nout && olines[j].code; j++)
                if (olines[j].comment >= 0 && olines[j].cols + 2 > w)
                    w = olines[j].cols + 2;
        for (int k = i; k < j; k++) {
            oline *o = &olines[k];
            buf_put(out, lb.data + o->start, o->end - o->start);
            if (o->comment >= 0) {
                if (o->code)
                    spaces(out, w - o->cols);
                buf_put(out, t[o->comment].s, t[o->comment].n);
            }
            buf_putc(out, '\n');
        }
        i = j;
    }
    free(st.stack);

done:
    buf_free(&lb);
    free(olines);
    free(t);
    free(lines);
    arena_free(&a);
    return rc;
}

/* ---- the diff ---------------------------------------------------------- */

typedef struct span {
    const char *s;
    size_t n;
} span;

static span *split_lines(const char *s, size_t len, int *count)
{
    int n = 0, cap = 64;
    span *v = xmalloc((size_t)cap * sizeof *v);
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] != '\n')
            j++;
        if (n == cap) {
            cap *= 2;
            v = xrealloc(v, (size_t)cap * sizeof *v);
        }
        v[n++] = (span){s + i, j < len ? j + 1 - i : j - i};
        i = j + 1;
    }
    *count = n;
    return v;
}

static bool same(span a, span b)
{
    return a.n == b.n && memcmp(a.s, b.s, a.n) == 0;
}

static void put_line(buf *out, char mark, span l)
{
    buf_putc(out, mark);
    buf_put(out, l.s, l.n);
    if (l.n == 0 || l.s[l.n - 1] != '\n')
        buf_puts(out, "\n\\ No newline at end of file\n");
}

/* A longest-common-subsequence diff: policies are a few hundred lines, so
 * the quadratic table is small; the common head and tail are trimmed first. */
void fmt_diff(const char *name, const char *a, size_t alen, const char *b, size_t blen, buf *out)
{
    if (alen == blen && memcmp(a, b, alen) == 0)
        return;
    int na, nb;
    span *x = split_lines(a, alen, &na), *y = split_lines(b, blen, &nb);
    int head = 0;
    while (head < na && head < nb && same(x[head], y[head]))
        head++;
    int tail = 0;
    while (tail < na - head && tail < nb - head && same(x[na - 1 - tail], y[nb - 1 - tail]))
        tail++;
    int m = na - head - tail, n = nb - head - tail;
    /* ops: 0 same, 1 delete from a, 2 insert from b; in order */
    int nops = 0;
    char *ops = xmalloc((size_t)(na + nb + 1));
    for (int i = 0; i < head; i++)
        ops[nops++] = 0;
    if ((size_t)(m + 1) * (size_t)(n + 1) <= 50u * 1000 * 1000) {
        int *L = xcalloc((size_t)(m + 1) * (size_t)(n + 1), sizeof *L);
#define LCS(i, j) L[(size_t)(i) * (size_t)(n + 1) + (size_t)(j)]
        for (int i = m - 1; i >= 0; i--)
            for (int j = n - 1; j >= 0; j--)
                LCS(i, j) = same(x[head + i], y[head + j]) ? LCS(i + 1, j + 1) + 1
                            : LCS(i + 1, j) > LCS(i, j + 1) ? LCS(i + 1, j) : LCS(i, j + 1);
        int i = 0, j = 0;
        while (i < m || j < n) {
            if (i < m && j < n && same(x[head + i], y[head + j])) {
                ops[nops++] = 0;
                i++, j++;
            } else if (i < m && (j == n || LCS(i + 1, j) >= LCS(i, j + 1))) {
                ops[nops++] = 1;
                i++;
            } else {
                ops[nops++] = 2;
                j++;
            }
        }
#undef LCS
        free(L);
    } else {
        for (int i = 0; i < m; i++)
            ops[nops++] = 1;
        for (int j = 0; j < n; j++)
            ops[nops++] = 2;
    }
    for (int i = 0; i < tail; i++)
        ops[nops++] = 0;

    buf_printf(out, "--- %s\n+++ %s (formatted)\n", name, name);
    enum { CTX = 3 };
    int k = 0, ai = 0, bi = 0;
    while (k < nops) {
        if (ops[k] == 0) {
            k++, ai++, bi++;
            continue;
        }
        /* a hunk: back up CTX lines, run until CTX*2 equal lines in a row */
        int start = k, sa = ai, sb = bi;
        for (int c = 0; c < CTX && start > 0 && ops[start - 1] == 0; c++)
            start--, sa--, sb--;
        int end = k, eq = 0;
        while (end < nops) {
            if (ops[end] == 0) {
                eq++;
                if (eq > 2 * CTX)
                    break;
            } else {
                eq = 0;
            }
            end++;
        }
        if (eq > CTX)
            end -= eq - CTX;
        int ca = 0, cb = 0;
        for (int q = start; q < end; q++) {
            ca += ops[q] != 2;
            cb += ops[q] != 1;
        }
        buf_printf(out, "@@ -%d,%d +%d,%d @@\n", ca ? sa + 1 : sa, ca, cb ? sb + 1 : sb, cb);
        int pa = sa, pb = sb;
        for (int q = start; q < end; q++) {
            if (ops[q] == 0)
                put_line(out, ' ', x[pa++]), pb++;
            else if (ops[q] == 1)
                put_line(out, '-', x[pa++]);
            else
                put_line(out, '+', y[pb++]);
        }
        k = end, ai = pa, bi = pb;
    }
    free(ops);
    free(x);
    free(y);
}
