/*
 * actions.h - the parser's state and the helpers its actions call.
 *
 * Included only by parser.y (the helpers are static there, defined in
 * actions.c, which parser.y includes at its end): keeping them out of the
 * grammar file keeps the grammar readable.
 */
#ifndef SLA_PARSER_ACTIONS_H
#define SLA_PARSER_ACTIONS_H

/* What a syntax error interrupts, so recovery can mark it broken instead
 * of losing its name (which would turn later uses into false
 * "undefined name" errors). */
typedef enum { OPEN_NONE, OPEN_FIELD, OPEN_STAGE, OPEN_CLASS } open_kind;

enum { BRACE_BLOCK, BRACE_SET };

struct parse_ctx {
    arena *a;
    policy *pol;
    const src_file *file;
    diag_set *diags;
    lexer *lx;

    /* the newline bridge */
    token pending;
    bool has_pending;
    int prev;                 /* previous token returned (tok_kind) */
    src_loc prev_loc;
    bool at_end;
    int parens;
    int braces;               /* depth, both kinds */
    unsigned char brace_kind[PARSE_MAX_DEPTH];
    src_loc brace_loc[PARSE_MAX_DEPTH];
    const char *last_text;    /* text of the last token read (for TK_ERROR, the message) */
    bool depth_reported;
    bool recovering;          /* between a syntax error and its recovery */
    bool reported;            /* the bridge reported the token in error itself */

    /* what is being built */
    open_kind open;
    field_decl *field;
    stage_decl *stage;
    class_decl *cls;
    score_decl *score;
    handoff_decl *handoff;
    cadence_decl *cadence;
    quota_decl *quota_decl;
    quota_line *quota;
    hours_spec *hours;
    test_decl *test;
    test_expect *expect;
    ident key;
};

static int pp_lex(PP_STYPE *val, src_loc *loc, struct parse_ctx *pc);
static void pp_error(src_loc *loc, struct parse_ctx *pc, const char *msg);
static void recover(struct parse_ctx *pc);
static void bad_statement(struct parse_ctx *pc, const token *t);

static src_loc span(src_loc first, src_loc last);
static void keyword_field(struct parse_ctx *pc, const ident *name);
static void set_once(struct parse_ctx *pc, str_lit *slot, const char *s, src_loc loc, const char *what);
static void append_strs(struct parse_ctx *pc, str_vec *to, const str_vec *from);
static void expect_word(struct parse_ctx *pc, const ident *w, const char *spelling);
static void record_header(struct parse_ctx *pc, const ident *name);
static void begin_field(struct parse_ctx *pc, const ident *name);
static void add_let(struct parse_ctx *pc, const ident *name, expr *value);
static void begin_score(struct parse_ctx *pc, const ident *name, src_loc loc);
static void add_score_rule(struct parse_ctx *pc, expr *value, expr *when, src_loc loc);
static void begin_block(struct parse_ctx *pc, src_loc *first, int *count, src_loc loc, const char *what);
static void begin_stage(struct parse_ctx *pc, const ident *name);
static void stage_when(struct parse_ctx *pc, expr *e, src_loc kw);
static void stage_since(struct parse_ctx *pc, expr *e, src_loc kw);
static void begin_class(struct parse_ctx *pc, const ident *name);
static void add_team(struct parse_ctx *pc, const ident *name);
static void begin_handoff(struct parse_ctx *pc, const ident *stage, const ident *team, const ident *until, src_loc loc);
static void handoff_clock(struct parse_ctx *pc, expr *start, expr *stop, src_loc loc);
static void handoff_window(struct parse_ctx *pc, const ident *cls, expr *within, src_loc loc);
static void begin_cadence(struct parse_ctx *pc, const ident *team, const ident *stage, src_loc loc);
static void cadence_count(struct parse_ctx *pc, expr *count, expr *since, src_loc loc);
static void cadence_entry(struct parse_ctx *pc, const ident *cls, const char *n, src_loc nloc, const ident *word, expr *over, src_loc loc);
static void add_recycle(struct parse_ctx *pc, const ident *target, expr *when, const str_lit *reason, src_loc loc);
static void begin_quota(struct parse_ctx *pc, const ident *team, src_loc loc);
static void quota_begin(struct parse_ctx *pc, quota_target_kind k, const char *text, src_loc loc);
static void quota_period(struct parse_ctx *pc, const ident *period, src_loc loc);
static void add_checkin(struct parse_ctx *pc, const char *name, src_loc nloc, const char *day, src_loc dloc, const ident *weekday);
static void begin_output(struct parse_ctx *pc, src_loc loc);
static void begin_test(struct parse_ctx *pc, const char *name, src_loc nloc, src_loc loc);
static void test_as_of(struct parse_ctx *pc, const ident *as, const ident *of, expr *when,
                       src_loc loc);
static void begin_test_record(struct parse_ctx *pc, src_loc loc);
static void add_test_value(struct parse_ctx *pc, const ident *field, expr *value, src_loc loc);
static void add_expect(struct parse_ctx *pc, expr *cond, src_loc loc);
static void begin_quota_expect(struct parse_ctx *pc, const ident *team, const char *text,
                               src_loc tloc, src_loc loc);
static void quota_expect_last(struct parse_ctx *pc, const ident *last, const ident *period);
static void quota_expect_status(struct parse_ctx *pc, const ident *first, const ident *second,
                                src_loc loc);
static void quota_expect_value(struct parse_ctx *pc, quota_target_kind k, const char *text,
                               src_loc loc);
static void add_output(struct parse_ctx *pc, const char *header, src_loc loc, expr *value);
static void begin_hours(struct parse_ctx *pc, const ident *first, const ident *last);
static void add_interval(struct parse_ctx *pc, const char *from, src_loc floc, const char *to, src_loc tloc, src_loc loc);

static int nocase(struct parse_ctx *pc, const ident *w);
static expr *mk_leaf(struct parse_ctx *pc, expr_kind k, src_loc loc);
static expr *mk_error(struct parse_ctx *pc, src_loc loc);
static expr *mk_node(struct parse_ctx *pc, expr_kind k, src_loc loc, expr *a, expr *b, expr *c);
static expr *mk_bin(struct parse_ctx *pc, binop op, src_loc loc, expr *a, expr *b);
static expr *mk_neg(struct parse_ctx *pc, src_loc loc, expr *a);
static expr *mk_set(struct parse_ctx *pc, expr_kind k, src_loc loc, expr *a, expr_vec *elems, bool negate, int nocase);
static expr *mk_isset(struct parse_ctx *pc, src_loc loc, expr *a, bool negate);
static expr *mk_is(struct parse_ctx *pc, src_loc loc, expr *a, const ident *what, bool negate);
static expr *mk_text(struct parse_ctx *pc, text_test t, src_loc loc, expr *a, expr *b, int nocase);
static expr *mk_int(struct parse_ctx *pc, const char *text, src_loc loc);
static expr *mk_number(struct parse_ctx *pc, const char *text, src_loc loc);
static expr *mk_money(struct parse_ctx *pc, const char *text, src_loc loc);
static expr *mk_percent(struct parse_ctx *pc, src_loc loc);
static expr *mk_duration(struct parse_ctx *pc, const char *amount, int unit, bool business, src_loc loc);
static expr *mk_name(struct parse_ctx *pc, const ident *name);
static expr *mk_call(struct parse_ctx *pc, const ident *name, expr_vec *args, src_loc loc);

#endif
