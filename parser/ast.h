/*
 * ast.h - the syntax tree of a policy, as the parser builds it.
 *
 * Everything lives in the compilation's arena. The parser fills in names,
 * literals and locations; the checker fills in the fields marked
 * "checker:" (types, resolved symbols, indexes). A node the parser could
 * not build because of a syntax error is E_ERROR: already reported, it
 * checks as any type so that one mistake gives one diagnostic.
 */
#ifndef SLA_AST_H
#define SLA_AST_H

#include "../common/arena.h"
#include "../common/diag.h"

#include <stdbool.h>
#include <stdint.h>

/* Growable arrays kept in the arena. */
#define VEC(T) struct { T *v; int n, cap; }
#define vec_push(a, vec, x) do {                                               \
        if ((vec)->n == (vec)->cap) {                                          \
            int cap_ = (vec)->cap ? (vec)->cap * 2 : 4;                        \
            (vec)->v = arena_grow((a), (vec)->v,                               \
                                  (size_t)(vec)->n * sizeof *(vec)->v,         \
                                  (size_t)cap_ * sizeof *(vec)->v);            \
            (vec)->cap = cap_;                                                 \
        }                                                                      \
        (vec)->v[(vec)->n++] = (x);                                            \
    } while (0)

typedef enum {
    TY_ERROR,        /* the expression had an error already reported */
    TY_INT, TY_NUMBER, TY_MONEY, TY_BOOL, TY_TEXT, TY_TIME,
    TY_DURATION,     /* wall-clock */
    TY_BDURATION,    /* business time, measured on the policy's calendar */
    TY_STAGE, TY_CLASS,
    TY_HANDOFF,      /* a hand-off status: met, breached, pending */
    TY_CADENCE,      /* a cadence status: on track, behind, complete, overdue */
    TY__COUNT
} type_kind;

typedef struct sla_type {
    type_kind k;
    bool opt;        /* may be unset */
} sla_type;

/* A name as written, with where it was written. */
typedef struct ident {
    const char *name;
    src_loc loc;
} ident;

typedef VEC(ident) ident_vec;

typedef struct str_lit {
    const char *s;
    src_loc loc;
} str_lit;

typedef VEC(str_lit) str_vec;

typedef enum {
    E_ERROR,
    E_INT, E_NUMBER, E_MONEY, E_TEXT, E_BOOL,
    E_TIME,          /* date or date-time literal: str holds the text */
    E_DURATION,      /* amount (num) of unit; business flag */
    E_NOW,           /* the as-of instant */
    E_NAME,
    E_CALL,          /* name(args) */
    E_NEG, E_NOT,
    E_BINARY,        /* op: + - * / = != < <= > >= and or ?? */
    E_IN,            /* a in {list}; negate for `not in`; nocase */
    E_TEXTTEST,      /* a starts with / ends with / contains b or any {list} */
    E_ISSET,         /* a is set; negate for `is unset` */
    E_IS,            /* a is name (stage, class or status word) */
    E_OLDER,         /* a older than b: now - a > b */
    E_IF,            /* if a then b else c */
} expr_kind;

typedef enum { BIN_ADD, BIN_SUB, BIN_MUL, BIN_DIV, BIN_EQ, BIN_NE, BIN_LT, BIN_LE,
               BIN_GT, BIN_GE, BIN_AND, BIN_OR, BIN_DEFAULT } binop;

typedef enum { TT_STARTS, TT_ENDS, TT_CONTAINS } text_test;

typedef enum { DU_MINUTE, DU_HOUR, DU_DAY, DU_WEEK } dur_unit;

struct symbol;
typedef struct expr expr;
typedef VEC(expr *) expr_vec;

/* Laid out compactly: a large policy has hundreds of thousands of these.
 * The list (call arguments, set elements) shares its place with b and c,
 * which no node with a list uses: read it only where expr_has_list. */
struct expr {
    unsigned char kind;   /* expr_kind */
    unsigned char op;     /* binop, text_test, dur_unit, or function */
    bool negate;          /* not in / is unset / is not */
    bool nocase;          /* ignoring case */
    bool any;             /* text test against a set (in list) */
    bool business;        /* business duration */
    unsigned short depth; /* nesting depth, bounded by the parser */
    src_loc loc;
    union {
        int64_t ival;     /* E_INT, E_BOOL; E_MONEY in units of 1/10000 */
        double num;       /* E_NUMBER; E_DURATION amount */
    };
    const char *str;      /* E_TEXT, E_TIME text, E_NAME/E_CALL/E_IS name */
    src_loc str_loc;      /* E_IS, E_CALL: the name's location */
    expr *a;
    union {
        struct { expr *b, *c; };
        expr_vec list;    /* E_CALL args; E_IN and E_TEXTTEST-any elements */
    };
    /* checker: */
    sla_type type;
    struct symbol *sym;   /* E_NAME: what the name means */
};

static inline bool expr_has_list(const expr *e)
{
    return e->kind == E_CALL || e->kind == E_IN || (e->kind == E_TEXTTEST && e->any);
}

typedef struct field_decl {
    ident name;
    ident type_name;
    bool opt;
    str_lit from;          /* header; s == NULL when not given */
    str_vec missing;       /* per-field null tokens */
    str_vec formats;       /* time formats */
    str_lit zone;          /* per-field time zone */
    /* checker: */
    sla_type type;
    int slot;
} field_decl;

/* What a value needs computed before it: the checker's view of the order
 * of evaluation (fields, scores in order, stage, class, hand-off, cadence,
 * recycling). */
enum { DEP_STAGE, DEP_CLASS, DEP_HANDOFF, DEP_CADENCE, DEP_RECYCLE, DEP__COUNT };

typedef struct deps {
    unsigned mask;            /* 1 << DEP_* */
    src_loc at[DEP__COUNT];   /* the first use of each, in this expression */
    const char *via[DEP__COUNT];  /* the let it came through, or NULL */
    src_loc inner[DEP__COUNT];    /* where that let uses it */
    int max_score;            /* highest score index used, or -1 */
    src_loc score_at;
    const char *score_via;
} deps;

typedef struct let_decl {
    ident name;
    expr *value;
    /* checker: */
    int uses;
    int state;            /* 0 unchecked, 1 being checked, 2 done */
    deps deps;
} let_decl;

typedef struct score_rule {
    src_loc loc;
    int sign;             /* +1 or -1 */
    expr *value;
    expr *when;           /* NULL: always */
} score_rule;

typedef struct score_decl {
    ident name;           /* "score" unless named */
    src_loc loc;
    VEC(score_rule) rules;
    /* checker: */
    sla_type type;
    int state;
} score_decl;

typedef struct stage_decl {
    ident name;
    expr *when;           /* NULL: always holds */
    expr *since;          /* the time the record reached it, or NULL */
    int index;
} stage_decl;

typedef struct class_decl {
    ident name;
    expr *when;           /* NULL with otherwise */
    bool otherwise;
    src_loc otherwise_loc;
    int index;
} class_decl;

typedef struct team_decl {
    ident name;
    ident_vec owns;
} team_decl;

/* A per-class entry: `A: 1 hour` or `A: 8 touches over 14 days`. */
typedef struct class_window {
    ident cls;            /* name NULL: applies to every class */
    expr *within;         /* hand-off window; cadence period */
    int64_t touches;      /* cadence only */
    src_loc touches_loc;
} class_window;

typedef VEC(class_window) window_vec;

typedef struct handoff_decl {
    src_loc loc;
    ident stage, team, until;   /* until.name NULL when absent */
    expr *start, *stop;         /* NULL when the clause is missing */
    src_loc clock_loc;
    window_vec windows;
    src_loc within_loc;
} handoff_decl;

typedef struct cadence_decl {
    src_loc loc;
    ident team, stage;
    expr *count, *since;
    src_loc count_loc;
    window_vec entries;
} cadence_decl;

typedef struct recycle_decl {
    src_loc loc;
    ident target;
    expr *when;
    str_lit reason;       /* s NULL: the condition's text is the reason */
} recycle_decl;

typedef enum { QT_COUNT, QT_PERCENT, QT_MONEY, QT_NUMBER } quota_target_kind;
typedef enum { QM_STAGE, QM_HANDOFF, QM_CADENCE, QM_CONVERSION, QM_SUM } quota_metric;

typedef struct quota_line {
    src_loc loc;
    quota_target_kind target_kind;
    src_loc target_loc;
    int64_t target_int;   /* counts; money in 1/10000 */
    double target_num;    /* percent and plain numbers */
    quota_metric metric;
    ident a, b;           /* stage (and to-stage), or hand-off stage */
    ident status;         /* hand-off/cadence status word */
    expr *sum, *when;     /* QM_SUM */
    ident period;
    expr *by;             /* optional: which time keys the period */
} quota_line;

typedef struct quota_decl {
    src_loc loc;
    ident team;
    VEC(quota_line) lines;
} quota_decl;

typedef struct checkin_decl {
    str_lit name;
    src_loc loc;
    bool weekly;
    int64_t day;          /* day of month */
    ident weekday;
    src_loc day_loc;
} checkin_decl;

typedef struct output_col {
    str_lit header;       /* as written: name or quoted */
    expr *value;
} output_col;

typedef struct hours_interval {
    str_lit from, to;     /* "09:00" */
    src_loc loc;
} hours_interval;

typedef struct hours_spec {
    ident first_day, last_day;   /* last_day.name NULL: one day */
    VEC(hours_interval) intervals;
} hours_spec;

/* ---- policy tests (`sla test`) ------------------------------------------- */

/* One value of a test record: `email = "jo@acme.com"`. */
typedef struct test_value {
    ident field;
    expr *value;          /* a literal; checker: converted to the field's type */
    /* checker: */
    int slot;             /* the field's index */
} test_value;

typedef struct test_record {
    src_loc loc;
    VEC(test_value) values;
} test_record;

typedef enum {
    TX_HOLDS,             /* expect EXPR: a condition over each record */
    TX_QUOTA_STATUS,      /* expect quota ... is STATUS */
    TX_QUOTA_VALUE,       /* expect quota ... = VALUE */
} test_expect_kind;

typedef struct test_expect {
    src_loc loc;
    test_expect_kind kind;
    expr *cond;           /* TX_HOLDS */
    ident team;           /* quota: name NULL when not given */
    str_lit quota;        /* quota: the line as written, "400 mql per month" */
    bool last;            /* quota: the last whole period, not the current one */
    ident status;         /* TX_QUOTA_STATUS: "met", "on track", ... */
    quota_target_kind value_kind;   /* TX_QUOTA_VALUE: a figure as a target is written */
    int64_t value_int;    /* counts; money in 1/10000 */
    double value_num;     /* percent and plain numbers */
    src_loc value_loc;
    /* checker: */
    int quota_index;      /* among the program's quota lines, in order */
} test_expect;

typedef struct test_decl {
    str_lit name;
    src_loc loc;
    const src_file *file;  /* the file it is written in */
    expr *as_of;          /* a date or date-time literal, or NULL: the file's */
    VEC(test_record) records;
    VEC(test_expect) expects;
} test_decl;

typedef struct policy {
    const src_file *file;
    str_lit name;
    str_lit zone;
    VEC(hours_spec) hours;
    src_loc hours_loc;           /* first `business hours` line */
    str_vec holidays;
    str_vec missing;             /* policy-wide null tokens */
    str_vec formats;             /* policy-wide time formats */
    ident record_name;
    VEC(field_decl *) fields;
    VEC(let_decl *) lets;
    VEC(score_decl *) scores;
    VEC(stage_decl *) stages;
    src_loc stages_loc;
    int stage_blocks;
    VEC(class_decl *) classes;
    src_loc classes_loc;
    int class_blocks;
    VEC(team_decl *) teams;
    VEC(handoff_decl *) handoffs;
    VEC(cadence_decl *) cadences;
    VEC(recycle_decl *) recycles;
    VEC(quota_decl *) quotas;
    VEC(checkin_decl *) checkins;
    VEC(output_col) outputs;
    bool has_output;
    src_loc output_loc;
    /* Tests: written in the policy, or in a test file (which holds only
     * tests, and may name its policy with `test policy "file.sla"`). */
    VEC(test_decl *) tests;
    str_lit test_policy;         /* `test policy "..."`; s NULL when absent */
    expr *test_as_of;            /* `test as of ...`: the default for the file's tests */
    /* A test file's statements that are not tests, for the error. */
    VEC(src_loc) non_tests;
    int syntax_errors;
    /* Names in text that error recovery skipped: their definitions may be
     * there, so the checker does not call them undefined. */
    VEC(const char *) skipped_names;
} policy;


#endif
