/*
 * actions.c - what the grammar's actions do, the newline bridge between the
 * scanner and the parser, and syntax error messages.
 *
 * Included by parser.y after the generated parser, so everything here is
 * static to that one translation unit; not compiled on its own.
 *
 * Names are registered as soon as their head is parsed (begin_field,
 * begin_stage, ...): if the rest of the line is broken, recover() marks the
 * half-built definition as an error instead of dropping it, so its later
 * uses are not reported again as undefined.
 */
#include "../common/num.h"
#include "../common/suggest.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

static void syntax_error(struct parse_ctx *pc, src_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void syntax_error(struct parse_ctx *pc, src_loc loc, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(pc->diags, pc->file, SEV_ERROR, D_SYNTAX, loc, "%s", msg);
    pc->pol->syntax_errors++;
}

/* ---- the newline bridge ---------------------------------------------------- */

/* A line that ends with one of these continues on the next line: the
 * shared rule, and a line break or `;` just read (blank lines and empty
 * items between the parts of one statement). */
static bool continues(int k)
{
    return k == TK_NL || k == TK_SEMI || lexer_line_continues((tok_kind)k);
}

static const int token_map[TK__COUNT] = {
#define TOKEN(name, words) [TK_##name] = T_##name,
#define KEYWORD(name, spelling) [TK_##name] = T_##name,
#include "../lexer/token.h"
#undef TOKEN
#undef KEYWORD
};

static void next_raw(struct parse_ctx *pc, token *t)
{
    if (pc->has_pending) {
        *t = pc->pending;
        pc->has_pending = false;
        return;
    }
    if (pc->at_end) {
        t->kind = TK_END;
        return;
    }
    lexer_next(pc->lx, t);
}

static int pp_lex(PP_STYPE *val, src_loc *loc, struct parse_ctx *pc)
{
    token t;
    for (;;) {
        next_raw(pc, &t);
        if (t.kind == TK_NL || t.kind == TK_SEMI) {
            bool explicit = t.kind == TK_SEMI;
            if (pc->prev == TK_NL || pc->prev == TK_LBRACE || pc->prev == TK_END)
                continue;
            if (!explicit) {
                /* Look past blank lines: does the next line continue this one? */
                token u;
                do
                    lexer_next(pc->lx, &u);
                while (u.kind == TK_NL);
                pc->pending = u;
                pc->has_pending = true;
                bool top_statement = pc->braces == 0 && lexer_starts_statement((tok_kind)u.kind);
                if (!top_statement &&
                    (pc->parens > 0 ||
                     (pc->braces > 0 && pc->brace_kind[pc->braces - 1] == BRACE_SET) ||
                     continues(pc->prev) || lexer_starts_continuation((tok_kind)u.kind)))
                    continue;
                if (top_statement)
                    pc->parens = 0;
            }
            pc->prev = TK_NL;
            pc->last_text = NULL;
            pc->depth_reported = false;
            *loc = t.loc;
            return pc->braces > 0 ? T_NL : T_TNL;
        }
        if (t.kind == TK_END) {
            /* The last statement ends even without a final newline. */
            if (pc->prev != TK_NL && pc->prev != TK_END) {
                pc->prev = TK_NL;
                pc->pending = t;
                pc->has_pending = true;
                /* Place it just after the last token, not on a line past
                 * the end of the file. */
                *loc = (src_loc){pc->prev_loc.end_line, pc->prev_loc.end_col,
                                 pc->prev_loc.end_line, pc->prev_loc.end_col + 1};
                return pc->braces > 0 ? T_NL : T_TNL;
            }
            pc->at_end = true;
            pc->prev = TK_END;
            *loc = t.loc;
            return T_END;
        }
        break;
    }

    if (t.kind == TK_NOT) {
        /* `not in` is one operator: as two tokens it would clash with the
         * prefix `not` (`not a not in {...}`). */
        token u;
        next_raw(pc, &u);
        if (u.kind == TK_IN) {
            pc->prev = TK_IN;
            pc->last_text = "not in";
            loc->line = t.loc.line;
            loc->col = t.loc.col;
            loc->end_line = u.loc.end_line;
            loc->end_col = u.loc.end_col;
            return T_NOTIN;
        }
        pc->pending = u;
        pc->has_pending = true;
    }

    if (t.kind == TK_IDENT && pc->prev == TK_NL && pc->braces == 0 && strcmp(t.text, "time") != 0) {
        /* The only statement that starts with a plain word is `time
         * format`: anything else is a misspelt or unknown statement. It is
         * reported here, even right after another error, unless it looks
         * like a field (`name :`) of a record whose `{` went missing:
         * that mistake was reported already, at the record. With no error
         * before it, nothing was: the field stands outside its record. */
        token u;
        next_raw(pc, &u);
        pc->pending = u;
        pc->has_pending = true;
        vec_push(pc->a, &pc->pol->skipped_names, t.text);
        if (u.kind != TK_COLON)
            bad_statement(pc, &t);
        else if (pc->pol->syntax_errors == 0)
            syntax_error(pc, t.loc, "`%s :` declares a field: put it inside the `record` block",
                         t.text);
        pc->prev = TK_IDENT;
        pc->last_text = t.text;
        pc->prev_loc = t.loc;
        pc->reported = true;
        *loc = t.loc;
        val->s = t.text;
        return T_ERROR;
    }

    switch (t.kind) {
    case TK_LPAREN:
        if (pc->parens >= PARSE_MAX_DEPTH) {
            /* One error for the line; the rest of it is skipped here, so
             * its closing parentheses do not become errors of their own. */
            token u;
            do
                next_raw(pc, &u);
            while (u.kind != TK_NL && u.kind != TK_SEMI && u.kind != TK_END);
            pc->pending = u;
            pc->has_pending = true;
            pc->parens = 0;
            pc->prev = TK_ERROR;
            pc->last_text = arena_printf(pc->a, "this expression is nested more than %d levels "
                                         "deep", PARSE_MAX_DEPTH);
            *loc = t.loc;
            val->s = pc->last_text;
            return T_ERROR;
        }
        pc->parens++;
        break;
    case TK_RPAREN:
        if (pc->parens > 0)
            pc->parens--;
        break;
    case TK_LBRACE:
        if (pc->braces < PARSE_MAX_DEPTH) {
            pc->brace_kind[pc->braces] =
                (pc->prev == TK_IN || pc->prev == TK_ANY) ? BRACE_SET : BRACE_BLOCK;
            pc->brace_loc[pc->braces] = t.loc;
            pc->braces++;
        }
        break;
    case TK_RBRACE:
        if (pc->braces > 0)
            pc->braces--;
        break;
    default:
        break;
    }
    pc->last_text = t.text;
    /* At the top level an invalid character does not change whether the
     * line goes on (in `let a = x and @` the next line still continues the
     * let); inside a block, where items are one line each, it ends it. */
    if (t.kind != TK_ERROR || pc->braces > 0)
        pc->prev = t.kind;
    pc->prev_loc = t.loc;
    if (pc->recovering && t.kind == TK_IDENT)
        vec_push(pc->a, &pc->pol->skipped_names, t.text);
    *loc = t.loc;
    val->s = t.text;
    return token_map[t.kind];
}

/* ---- syntax error messages ------------------------------------------------ */

static const char *symbol_words(int sym)
{
    switch (sym) {
    case YYSYMBOL_YYEOF: return "end of file";
    case YYSYMBOL_NL:
    case YYSYMBOL_TNL: return "end of line";
    default: break;
    }
    /* Bison numbers symbols its own way: map back through the token table. */
    for (int k = 0; k < TK__COUNT; k++)
        if (YYTRANSLATE(token_map[k]) == sym)
            return tok_words((tok_kind)k);
    return yysymbol_name((yysymbol_kind_t)sym);
}

/* A name where a keyword was expected is often that keyword misspelt. */
static void suggest_keyword(struct parse_ctx *pc, int found, const int *all, int nall)
{
    if (found != YYSYMBOL_IDENT || !pc->last_text)
        return;
    suggester sg;
    suggest_init(&sg, pc->last_text);
    for (int i = 0; i < nall; i++)
        for (int k = 0; k < TK__COUNT; k++)
            if (YYTRANSLATE(token_map[k]) == all[i] && k > TK_QUESTION)
                suggest_add(&sg, tok_keyword_spelling((tok_kind)k));
    if (suggest_best(&sg))
        diag_suggest(&pc->diags->v[pc->diags->n - 1], "did you mean `%s`?", suggest_best(&sg));
}

static void bad_statement(struct parse_ctx *pc, const token *t)
{
    static const char *const starts[] = {
        "policy", "timezone", "business", "holidays", "missing", "time", "record", "let",
        "score", "stages", "classes", "team", "handoff", "cadence", "recycle", "quota",
        "checkins", "checkin", "output",
    };
    syntax_error(pc, t->loc, "`%s` does not start a statement", t->text);
    suggester sg;
    suggest_init(&sg, t->text);
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++)
        suggest_add(&sg, starts[i]);
    if (suggest_best(&sg))
        diag_suggest(&pc->diags->v[pc->diags->n - 1], "did you mean `%s`?", suggest_best(&sg));
}

static void parse_report(struct parse_ctx *pc, int found, src_loc loc,
                         const int *expected, int n, const int *all, int nall)
{
    /* Bison now skips tokens to recover. The token in error and those it
     * skips may name definitions the parser loses; the checker will not
     * call them undefined. */
    if (pc->last_text && pc->prev == TK_IDENT)
        vec_push(pc->a, &pc->pol->skipped_names, pc->last_text);
    pc->recovering = true;

    if (pc->reported) {
        pc->reported = false;   /* the bridge reported this token itself */
        return;
    }
    if (found == YYSYMBOL_ERROR) {
        syntax_error(pc, loc, "%s", pc->last_text ? pc->last_text : "invalid text");
        return;
    }
    /* The offending token is always the last one read: show its text. */
    char what[160];
    const char *t = pc->last_text ? pc->last_text : "";
    switch (found) {
    case YYSYMBOL_IDENT:
        snprintf(what, sizeof what, "`%.60s`", t);
        break;
    case YYSYMBOL_STRING:
        snprintf(what, sizeof what, "string \"%.60s\"", t);
        break;
    case YYSYMBOL_INT: case YYSYMBOL_NUMBER: case YYSYMBOL_DATE: case YYSYMBOL_DATETIME:
    case YYSYMBOL_TIMEOFDAY:
        snprintf(what, sizeof what, "`%.60s`", t);
        break;
    case YYSYMBOL_MONEY:
        snprintf(what, sizeof what, "`$%.60s`", t);
        break;
    case YYSYMBOL_PERCENT:
        snprintf(what, sizeof what, "`%.60s%%`", t);
        break;
    default:
        snprintf(what, sizeof what, "%s", symbol_words(found));
    }

    if (found == YYSYMBOL_YYEOF && pc->braces > 0) {
        diag *d = diag_add(pc->diags, pc->file, SEV_ERROR, D_SYNTAX, loc,
                           "the file ends before this block is closed with `}`");
        diag_note_at(d, pc->brace_loc[pc->braces - 1], "the block opened here");
        pc->pol->syntax_errors++;
        return;
    }

    /* Collect distinct descriptions of what would have been accepted. */
    const char *words[10];
    int nw = 0;
    for (int i = 0; i < n; i++) {
        if (expected[i] == YYSYMBOL_YYerror)
            continue;
        const char *e = symbol_words(expected[i]);
        bool dup = false;
        for (int k = 0; k < nw; k++)
            dup |= strcmp(words[k], e) == 0;
        if (!dup && nw < 10)
            words[nw++] = e;
    }
    if (nw == 0 || nw > 8) {
        bool eol = false;
        for (int i = 0; i < nall; i++)
            eol |= all[i] == YYSYMBOL_NL || all[i] == YYSYMBOL_TNL;
        if (eol && found != YYSYMBOL_NL && found != YYSYMBOL_TNL) {
            /* The statement could have ended here: most likely two items
             * share a line, or a word is misspelt. */
            syntax_error(pc, loc, "expected the end of the line, found %s "
                         "(put each item on its own line, or separate them with `;`)", what);
            suggest_keyword(pc, found, all, nall);
            return;
        }
        if (found == YYSYMBOL_NL || found == YYSYMBOL_TNL)
            syntax_error(pc, loc, "this line ends before the statement is complete");
        else
            syntax_error(pc, loc, "unexpected %s here", what);
        suggest_keyword(pc, found, all, nall);
        return;
    }
    char list[400] = "";
    for (int i = 0; i < nw; i++) {
        if (i > 0)
            strcat(list, i == nw - 1 ? " or " : ", ");
        strncat(list, words[i], sizeof list - strlen(list) - 1);
    }
    syntax_error(pc, loc, "expected %s, found %s", list, what);
    suggest_keyword(pc, found, all, nall);
}

static int yyreport_syntax_error(const yypcontext_t *ctx, struct parse_ctx *pc)
{
    yysymbol_kind_t expected[YYNTOKENS];
    int all = yypcontext_expected_tokens(ctx, expected, YYNTOKENS);
    if (all < 0)
        all = 0;
    int ex[YYNTOKENS];
    for (int i = 0; i < all; i++)
        ex[i] = expected[i];
    /* More than eight choices make a list nobody reads. */
    parse_report(pc, yypcontext_token(ctx), *yypcontext_location(ctx), ex, all > 8 ? 0 : all,
                 ex, all);
    return 0;
}

static void pp_error(src_loc *loc, struct parse_ctx *pc, const char *msg)
{
    /* Only bison's own failures come here (memory exhausted): the stack
     * limit is hit by absurdly deep nesting. */
    (void)msg;
    syntax_error(pc, *loc, "the policy is nested too deeply to read");
}

static void recover(struct parse_ctx *pc)
{
    switch (pc->open) {
    case OPEN_FIELD:
        pc->field->type_name = (ident){NULL, pc->field->name.loc};
        break;
    case OPEN_STAGE:
        pc->stage->when = mk_error(pc, pc->stage->name.loc);
        break;
    case OPEN_CLASS:
        if (!pc->cls->otherwise && !pc->cls->when)
            pc->cls->when = mk_error(pc, pc->cls->name.loc);
        break;
    case OPEN_NONE:
        break;
    }
    pc->open = OPEN_NONE;
    pc->recovering = false;
}

/* ---- statements --------------------------------------------------------- */

static src_loc span(src_loc first, src_loc last)
{
    return (src_loc){first.line, first.col, last.end_line, last.end_col};
}

static void keyword_field(struct parse_ctx *pc, const ident *name)
{
    syntax_error(pc, name->loc, "`%s` is a keyword and cannot name a field; choose another "
                 "name and read the column with `from \"%s\"`", name->name, name->name);
}

static void set_once(struct parse_ctx *pc, str_lit *slot, const char *s, src_loc loc,
                     const char *what)
{
    if (slot->s) {
        diag *d = diag_add(pc->diags, pc->file, SEV_ERROR, D_DUPLICATE, loc,
                           "the %s is already given", what);
        diag_note_at(d, slot->loc, "first given here");
        return;
    }
    slot->s = s;
    slot->loc = loc;
}

static void append_strs(struct parse_ctx *pc, str_vec *to, const str_vec *from)
{
    for (int i = 0; i < from->n; i++)
        vec_push(pc->a, to, from->v[i]);
}

static void expect_word(struct parse_ctx *pc, const ident *w, const char *spelling)
{
    if (strcmp(w->name, spelling) != 0)
        syntax_error(pc, w->loc, "expected `%s`, found `%s`", spelling, w->name);
}

static void record_header(struct parse_ctx *pc, const ident *name)
{
    if (pc->pol->record_name.name) {
        diag *d = diag_add(pc->diags, pc->file, SEV_ERROR, D_DUPLICATE, name->loc,
                           "a policy has one record; its fields are already declared");
        diag_note_at(d, pc->pol->record_name.loc, "the record is declared here");
        return;
    }
    pc->pol->record_name = *name;
}

static void begin_field(struct parse_ctx *pc, const ident *name)
{
    field_decl *f = arena_alloc(pc->a, sizeof *f);
    f->name = *name;
    f->type_name = (ident){NULL, name->loc};
    vec_push(pc->a, &pc->pol->fields, f);
    pc->field = f;
    pc->open = OPEN_FIELD;
}

static void add_let(struct parse_ctx *pc, const ident *name, expr *value)
{
    let_decl *l = arena_alloc(pc->a, sizeof *l);
    l->name = *name;
    l->value = value;
    vec_push(pc->a, &pc->pol->lets, l);
}

static void begin_score(struct parse_ctx *pc, const ident *name, src_loc loc)
{
    score_decl *s = arena_alloc(pc->a, sizeof *s);
    s->name = name->name ? *name : (ident){"score", loc};
    s->loc = loc;
    vec_push(pc->a, &pc->pol->scores, s);
    pc->score = s;
}

static void add_score_rule(struct parse_ctx *pc, expr *value, expr *when, src_loc loc)
{
    score_rule r = {.loc = loc, .sign = 1, .value = value, .when = when};
    vec_push(pc->a, &pc->score->rules, r);
}

static void begin_block(struct parse_ctx *pc, src_loc *first, int *count, src_loc loc,
                        const char *what)
{
    if (*count > 0) {
        diag *d = diag_add(pc->diags, pc->file, SEV_ERROR, D_DUPLICATE, loc,
                           "a policy has one `%s` block; put all of them in the first", what);
        diag_note_at(d, *first, "the first `%s` block", what);
    } else {
        *first = loc;
    }
    (*count)++;
}

static void begin_stage(struct parse_ctx *pc, const ident *name)
{
    stage_decl *s = arena_alloc(pc->a, sizeof *s);
    s->name = *name;
    s->index = pc->pol->stages.n;
    vec_push(pc->a, &pc->pol->stages, s);
    pc->stage = s;
    pc->open = OPEN_STAGE;
}

static void stage_when(struct parse_ctx *pc, expr *e, src_loc kw)
{
    if (pc->stage->when) {
        syntax_error(pc, kw, "stage `%s` already has a `when` (is the condition before this one "
                     "unfinished?); join two conditions with `and` or `or`", pc->stage->name.name);
        return;
    }
    pc->stage->when = e;
}

static void stage_since(struct parse_ctx *pc, expr *e, src_loc kw)
{
    if (pc->stage->since) {
        syntax_error(pc, kw, "stage `%s` already has a `since`", pc->stage->name.name);
        return;
    }
    pc->stage->since = e;
}

static void begin_class(struct parse_ctx *pc, const ident *name)
{
    class_decl *c = arena_alloc(pc->a, sizeof *c);
    c->name = *name;
    c->index = pc->pol->classes.n;
    vec_push(pc->a, &pc->pol->classes, c);
    pc->cls = c;
    pc->open = OPEN_CLASS;
}

static void add_team(struct parse_ctx *pc, const ident *name)
{
    team_decl *t = arena_alloc(pc->a, sizeof *t);
    t->name = *name;
    vec_push(pc->a, &pc->pol->teams, t);
}

static void begin_handoff(struct parse_ctx *pc, const ident *stage, const ident *team,
                          const ident *until, src_loc loc)
{
    handoff_decl *h = arena_alloc(pc->a, sizeof *h);
    h->loc = loc;
    h->stage = *stage;
    h->team = *team;
    if (until)
        h->until = *until;
    vec_push(pc->a, &pc->pol->handoffs, h);
    pc->handoff = h;
}

static void handoff_clock(struct parse_ctx *pc, expr *start, expr *stop, src_loc loc)
{
    if (pc->handoff->start) {
        syntax_error(pc, loc, "this hand-off's clock is already given");
        return;
    }
    pc->handoff->start = start;
    pc->handoff->stop = stop;
    pc->handoff->clock_loc = loc;
}

static void handoff_window(struct parse_ctx *pc, const ident *cls, expr *within, src_loc loc)
{
    class_window w = {.within = within};
    if (cls)
        w.cls = *cls;
    else
        w.cls.loc = loc;
    if (pc->handoff->windows.n == 0)
        pc->handoff->within_loc = loc;
    vec_push(pc->a, &pc->handoff->windows, w);
}

static void begin_cadence(struct parse_ctx *pc, const ident *team, const ident *stage, src_loc loc)
{
    cadence_decl *c = arena_alloc(pc->a, sizeof *c);
    c->loc = loc;
    c->team = *team;
    c->stage = *stage;
    vec_push(pc->a, &pc->pol->cadences, c);
    pc->cadence = c;
}

static void cadence_count(struct parse_ctx *pc, expr *count, expr *since, src_loc loc)
{
    if (pc->cadence->count) {
        syntax_error(pc, loc, "this cadence already says what it counts");
        return;
    }
    pc->cadence->count = count;
    pc->cadence->since = since;
    pc->cadence->count_loc = loc;
}

static void cadence_entry(struct parse_ctx *pc, const ident *cls, const char *n, src_loc nloc,
                          const ident *word, expr *over, src_loc loc)
{
    if (strcmp(word->name, "touches") != 0 && strcmp(word->name, "touch") != 0) {
        syntax_error(pc, word->loc, "expected `touches`, found `%s`", word->name);
        return;
    }
    class_window w = {.within = over, .touches_loc = nloc};
    if (cls)
        w.cls = *cls;
    else
        w.cls.loc = loc;
    if (num_parse_int(n, strlen(n), &w.touches) != NUM_OK)
        diag_add(pc->diags, pc->file, SEV_ERROR, D_INVALID_VALUE, nloc,
                 "%s touches is too many", n);
    vec_push(pc->a, &pc->cadence->entries, w);
}

static void add_recycle(struct parse_ctx *pc, const ident *target, expr *when,
                        const str_lit *reason, src_loc loc)
{
    recycle_decl *r = arena_alloc(pc->a, sizeof *r);
    r->loc = loc;
    r->target = *target;
    r->when = when;
    if (reason)
        r->reason = *reason;
    vec_push(pc->a, &pc->pol->recycles, r);
}

static void begin_quota(struct parse_ctx *pc, const ident *team, src_loc loc)
{
    quota_decl *q = arena_alloc(pc->a, sizeof *q);
    q->loc = loc;
    q->team = *team;
    vec_push(pc->a, &pc->pol->quotas, q);
    pc->quota_decl = q;
}

static void quota_begin(struct parse_ctx *pc, quota_target_kind k, const char *text, src_loc loc)
{
    quota_line l = {.target_kind = k, .target_loc = loc};
    num_status st = NUM_OK;
    switch (k) {
    case QT_COUNT:
        st = num_parse_int(text, strlen(text), &l.target_int);
        break;
    case QT_MONEY:
        st = num_parse_money(text, strlen(text), true, &l.target_int);
        break;
    case QT_PERCENT:
    case QT_NUMBER:
        l.target_num = strtod(text, NULL);
        break;
    }
    if (st != NUM_OK)
        diag_add(pc->diags, pc->file, SEV_ERROR, D_INVALID_VALUE, loc,
                 "the target %s%s is not a valid %s", k == QT_MONEY ? "$" : "", text,
                 k == QT_MONEY ? "amount (at most 4 decimals)" : "number");
    vec_push(pc->a, &pc->quota_decl->lines, l);
    pc->quota = &pc->quota_decl->lines.v[pc->quota_decl->lines.n - 1];
}

static void quota_period(struct parse_ctx *pc, const ident *period, src_loc loc)
{
    pc->quota->period = *period;
    pc->quota->loc = loc;
}

static void add_checkin(struct parse_ctx *pc, const char *name, src_loc nloc, const char *day,
                        src_loc dloc, const ident *weekday)
{
    checkin_decl *c = arena_alloc(pc->a, sizeof *c);
    c->name = (str_lit){name, nloc};
    c->loc = nloc;
    c->day_loc = dloc;
    if (day) {
        if (num_parse_int(day, strlen(day), &c->day) != NUM_OK)
            c->day = 0;
    } else {
        c->weekly = true;
        c->weekday = *weekday;
    }
    vec_push(pc->a, &pc->pol->checkins, c);
}

static void begin_output(struct parse_ctx *pc, src_loc loc)
{
    if (pc->pol->has_output) {
        diag *d = diag_add(pc->diags, pc->file, SEV_ERROR, D_DUPLICATE, loc,
                           "a policy has one `output` block; put all columns in the first");
        diag_note_at(d, pc->pol->output_loc, "the first `output` block");
        return;
    }
    pc->pol->has_output = true;
    pc->pol->output_loc = loc;
}

static void add_output(struct parse_ctx *pc, const char *header, src_loc loc, expr *value)
{
    output_col c = {.header = {header, loc}, .value = value};
    vec_push(pc->a, &pc->pol->outputs, c);
}

/* ---- tests -------------------------------------------------------------------- */

static void begin_test(struct parse_ctx *pc, const char *name, src_loc nloc, src_loc loc)
{
    test_decl *t = arena_alloc(pc->a, sizeof *t);
    t->name = (str_lit){name, nloc};
    t->loc = span(loc, nloc);
    t->file = pc->file;
    vec_push(pc->a, &pc->pol->tests, t);
    pc->test = t;
}

/* `as of TIME`: in a test, its instant; before the tests (`test as of`),
 * the file's default. */
static void test_as_of(struct parse_ctx *pc, const ident *as, const ident *of, expr *when,
                       src_loc loc)
{
    expect_word(pc, as, "as");
    expect_word(pc, of, "of");
    bool in_test = pc->braces > 0 && pc->test;
    expr **slot = in_test ? &pc->test->as_of : &pc->pol->test_as_of;
    if (*slot) {
        diag *d = diag_add(pc->diags, pc->file, SEV_ERROR, D_DUPLICATE, loc,
                           "the as-of instant %s is already given",
                           in_test ? "of this test" : "of this file's tests");
        diag_note_at(d, (*slot)->loc, "first given here");
        return;
    }
    *slot = when;
}

static void begin_test_record(struct parse_ctx *pc, src_loc loc)
{
    vec_push(pc->a, &pc->test->records, ((test_record){.loc = loc}));
}

static void add_test_value(struct parse_ctx *pc, const ident *field, expr *value, src_loc loc)
{
    test_record *r = &pc->test->records.v[pc->test->records.n - 1];
    r->loc.end_line = loc.end_line;
    r->loc.end_col = loc.end_col;
    for (int i = 0; i < r->values.n; i++)
        if (strcmp(r->values.v[i].field.name, field->name) == 0) {
            diag *d = diag_add(pc->diags, pc->file, SEV_ERROR, D_DUPLICATE, field->loc,
                               "`%s` is already given in this record", field->name);
            diag_note_at(d, r->values.v[i].field.loc, "first given here");
            return;
        }
    vec_push(pc->a, &r->values, ((test_value){.field = *field, .value = value}));
}

static void add_expect(struct parse_ctx *pc, expr *cond, src_loc loc)
{
    vec_push(pc->a, &pc->test->expects, ((test_expect){.loc = loc, .kind = TX_HOLDS,
                                                       .cond = cond}));
}

static void begin_quota_expect(struct parse_ctx *pc, const ident *team, const char *text,
                               src_loc tloc, src_loc loc)
{
    test_expect x = {.loc = loc, .kind = TX_QUOTA_STATUS, .quota = {text, tloc}};
    if (team)
        x.team = *team;
    vec_push(pc->a, &pc->test->expects, x);
    pc->expect = &pc->test->expects.v[pc->test->expects.n - 1];
}

static void quota_expect_last(struct parse_ctx *pc, const ident *last, const ident *period)
{
    expect_word(pc, last, "last");
    expect_word(pc, period, "period");
    pc->expect->last = true;
}

/* Checked against the report's words by the checker. */
static void quota_expect_status(struct parse_ctx *pc, const ident *first, const ident *second,
                                src_loc loc)
{
    pc->expect->kind = TX_QUOTA_STATUS;
    pc->expect->status.loc = loc;
    pc->expect->status.name = second ? arena_printf(pc->a, "%s %s", first->name, second->name)
                                     : first->name;
}

static void quota_expect_value(struct parse_ctx *pc, quota_target_kind k, const char *text,
                               src_loc loc)
{
    test_expect *x = pc->expect;
    x->kind = TX_QUOTA_VALUE;
    x->value_kind = k;
    x->value_loc = loc;
    num_status st = NUM_OK;
    if (k == QT_COUNT)
        st = num_parse_int(text, strlen(text), &x->value_int);
    else if (k == QT_MONEY)
        st = num_parse_money(text, strlen(text), true, &x->value_int);
    else
        x->value_num = strtod(text, NULL);
    if (st != NUM_OK)
        diag_add(pc->diags, pc->file, SEV_ERROR, D_INVALID_VALUE, loc, "%s%s is not a valid %s",
                 k == QT_MONEY ? "$" : "", text,
                 k == QT_MONEY ? "amount (at most 4 decimals)" : "number");
}

static void begin_hours(struct parse_ctx *pc, const ident *first, const ident *last)
{
    hours_spec h = {.first_day = *first};
    if (last)
        h.last_day = *last;
    vec_push(pc->a, &pc->pol->hours, h);
    pc->hours = &pc->pol->hours.v[pc->pol->hours.n - 1];
}

static void add_interval(struct parse_ctx *pc, const char *from, src_loc floc, const char *to,
                         src_loc tloc, src_loc loc)
{
    hours_interval iv = {.from = {from, floc}, .to = {to, tloc}, .loc = loc};
    vec_push(pc->a, &pc->hours->intervals, iv);
}

/* ---- expressions --------------------------------------------------------- */

static int nocase(struct parse_ctx *pc, const ident *w)
{
    expect_word(pc, w, "case");
    return 1;
}

static expr *mk_leaf(struct parse_ctx *pc, expr_kind k, src_loc loc)
{
    expr *e = arena_alloc(pc->a, sizeof *e);
    e->kind = (unsigned char)k;
    e->loc = loc;
    e->depth = 1;
    return e;
}

static expr *mk_error(struct parse_ctx *pc, src_loc loc)
{
    return mk_leaf(pc, E_ERROR, loc);
}

/* Bounds the depth of every tree, so the checker and the code generator
 * can recurse without a stack overflow on hostile input. */
static expr *bounded(struct parse_ctx *pc, expr *e)
{
    int d = 0;
    if (e->a && e->a->depth > d) d = e->a->depth;
    if (expr_has_list(e)) {
        for (int i = 0; i < e->list.n; i++)
            if (e->list.v[i]->depth > d)
                d = e->list.v[i]->depth;
    } else {
        if (e->b && e->b->depth > d) d = e->b->depth;
        if (e->c && e->c->depth > d) d = e->c->depth;
    }
    if (d + 1 > PARSE_MAX_DEPTH) {
        if (!pc->depth_reported)
            syntax_error(pc, e->loc, "this expression is nested more than %d levels deep",
                         PARSE_MAX_DEPTH);
        pc->depth_reported = true;
        return mk_error(pc, e->loc);
    }
    e->depth = (unsigned short)(d + 1);
    return e;
}

static expr *mk_node(struct parse_ctx *pc, expr_kind k, src_loc loc, expr *a, expr *b, expr *c)
{
    expr *e = mk_leaf(pc, k, loc);
    e->a = a;
    e->b = b;
    e->c = c;
    return bounded(pc, e);
}

static expr *mk_bin(struct parse_ctx *pc, binop op, src_loc loc, expr *a, expr *b)
{
    expr *e = mk_node(pc, E_BINARY, loc, a, b, NULL);
    e->op = (unsigned char)op;
    return e;
}

static expr *mk_neg(struct parse_ctx *pc, src_loc loc, expr *a)
{
    /* Fold the sign into number literals so -9223372036854775808 and
     * `-20 when x` are plain constants. */
    if (a->kind == E_INT && a->negate) {
        a->negate = false;      /* -9223372036854775808 */
        a->loc = loc;
        return a;
    }
    if (a->kind == E_INT && a->ival != INT64_MIN) {
        a->ival = -a->ival;
        a->loc = loc;
        return a;
    }
    if (a->kind == E_NUMBER) {
        a->num = -a->num;
        a->loc = loc;
        return a;
    }
    if (a->kind == E_MONEY && a->ival != INT64_MIN) {
        a->ival = -a->ival;
        a->loc = loc;
        return a;
    }
    return mk_node(pc, E_NEG, loc, a, NULL, NULL);
}

static expr *mk_set(struct parse_ctx *pc, expr_kind k, src_loc loc, expr *a, expr_vec *elems,
                    bool negate, int nocase)
{
    expr *e = mk_leaf(pc, k, loc);
    e->kind = (unsigned char)k;
    e->a = a;
    e->list = *elems;
    e->negate = negate;
    e->nocase = nocase != 0;
    return bounded(pc, e);
}

static expr *mk_isset(struct parse_ctx *pc, src_loc loc, expr *a, bool negate)
{
    expr *e = mk_node(pc, E_ISSET, loc, a, NULL, NULL);
    e->negate = negate;
    return e;
}

static expr *mk_is(struct parse_ctx *pc, src_loc loc, expr *a, const ident *what, bool negate)
{
    expr *e = mk_node(pc, E_IS, loc, a, NULL, NULL);
    e->str = what->name;
    e->str_loc = what->loc;
    e->negate = negate;
    return e;
}

static expr *mk_text(struct parse_ctx *pc, text_test t, src_loc loc, expr *a, expr *b, int nocase)
{
    expr *e;
    if (b->kind == E_IN && b->a == NULL) {
        /* `ends with any {...}`: the set's elements become the list. */
        e = mk_leaf(pc, E_TEXTTEST, loc);
        e->a = a;
        e->any = true;
        e->list = b->list;
        e = bounded(pc, e);
    } else {
        e = mk_node(pc, E_TEXTTEST, loc, a, b, NULL);
    }
    e->op = (unsigned char)t;
    e->nocase = nocase != 0;
    return e;
}

static expr *mk_int(struct parse_ctx *pc, const char *text, src_loc loc)
{
    expr *e = mk_leaf(pc, E_INT, loc);
    if (strcmp(text, "9223372036854775808") == 0) {
        /* Only valid negated: mk_neg turns it into the smallest whole
         * number; the checker reports it anywhere else. */
        e->ival = INT64_MIN;
        e->negate = true;
        return e;
    }
    if (num_parse_int(text, strlen(text), &e->ival) != NUM_OK) {
        diag_add(pc->diags, pc->file, SEV_ERROR, D_INVALID_VALUE, loc,
                 "%s is too large for a whole number (the largest is 9223372036854775807)", text);
        e->kind = E_ERROR;
    }
    return e;
}

static expr *mk_number(struct parse_ctx *pc, const char *text, src_loc loc)
{
    expr *e = mk_leaf(pc, E_NUMBER, loc);
    e->num = strtod(text, NULL);
    if (!isfinite(e->num)) {
        diag_add(pc->diags, pc->file, SEV_ERROR, D_INVALID_VALUE, loc, "%s is too large", text);
        e->kind = E_ERROR;
    }
    return e;
}

static expr *mk_money(struct parse_ctx *pc, const char *text, src_loc loc)
{
    expr *e = mk_leaf(pc, E_MONEY, loc);
    num_status st = num_parse_money(text, strlen(text), true, &e->ival);
    if (st != NUM_OK) {
        diag_add(pc->diags, pc->file, SEV_ERROR, D_INVALID_VALUE, loc,
                 st == NUM_PRECISION ? "$%s has more than 4 decimals"
                 : st == NUM_RANGE   ? "$%s is too large an amount"
                                     : "$%s is not an amount: group digits by three, as in $250,000",
                 text);
        e->kind = E_ERROR;
    }
    return e;
}

static expr *mk_percent(struct parse_ctx *pc, src_loc loc)
{
    syntax_error(pc, loc, "a percentage can only be a quota's target; write a fraction (0.95) here");
    return mk_error(pc, loc);
}

static expr *mk_duration(struct parse_ctx *pc, const char *amount, int unit, bool business,
                         src_loc loc)
{
    expr *e = mk_leaf(pc, E_DURATION, loc);
    e->num = strtod(amount, NULL);
    e->op = (unsigned char)unit;
    e->business = business;
    if (!isfinite(e->num) || e->num > 1e7) {
        diag_add(pc->diags, pc->file, SEV_ERROR, D_INVALID_VALUE, loc,
                 "%s is too long a duration", amount);
        e->kind = E_ERROR;
    }
    return e;
}

static expr *mk_name(struct parse_ctx *pc, const ident *name)
{
    expr *e = mk_leaf(pc, E_NAME, name->loc);
    e->str = name->name;
    return e;
}

static expr *mk_call(struct parse_ctx *pc, const ident *name, expr_vec *args, src_loc loc)
{
    expr *e = mk_leaf(pc, E_CALL, loc);
    e->str = name->name;
    e->str_loc = name->loc;
    e->list = *args;
    return bounded(pc, e);
}

/* ---- entry point ---------------------------------------------------------- */

policy *parse_policy(const src_file *f, arena *a, diag_set *diags)
{
    struct parse_ctx *pc = arena_alloc(a, sizeof *pc);
    pc->a = a;
    pc->file = f;
    pc->diags = diags;
    pc->pol = arena_alloc(a, sizeof *pc->pol);
    pc->pol->file = f;
    pc->prev = TK_NL;
    pc->lx = lexer_new(f->text, f->len, a);
    pp_parse(pc);
    lexer_free(pc->lx);
    return pc->pol;
}
