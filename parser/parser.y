/*
 * parser.y - the grammar of .sla policies (a pure bison parser).
 *
 * Statements end at the end of a line; the bridge in parse.c decides which
 * newlines end one (not inside parentheses or sets, not after an operator,
 * not before a line that starts with `and`/`or`) and tells newlines inside
 * blocks (NL) from those between top-level statements (TNL). That split is
 * what makes recovery precise: a mistake inside a block skips to the end
 * of its line; a mistake in a statement's head skips the whole statement,
 * block included. Items of a block stand one a line (or are separated by
 * `;`), so a misspelt keyword is reported where it stands instead of being
 * read as the start of another item.
 *
 * Error messages come from parse_report (parse.c): "expected X, found Y",
 * or the scanner's own message for a bad character.
 */
%require "3.8"
%define api.pure full
%define api.prefix {pp_}
%define api.token.prefix {T_}
%define api.location.type {src_loc}
%define parse.error custom
/* Default reductions only in consistent states keep the expected-token
 * lists exact at an error (what "expected X, found Y" and "did you mean"
 * are built from) without the run-time cost of LAC. */
%define lr.default-reduction consistent
%locations
%param {struct parse_ctx *pc}

%code requires {
#include "ast.h"
struct parse_ctx;
}

%code {
#include "parse.h"
#include "../lexer/lexer.h"

#include <stdlib.h>
#include <string.h>

#include "actions.h"

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                       \
    do {                                                                  \
        if (N) {                                                          \
            (Cur).line = YYRHSLOC(Rhs, 1).line;                           \
            (Cur).col = YYRHSLOC(Rhs, 1).col;                             \
            (Cur).end_line = YYRHSLOC(Rhs, N).end_line;                   \
            (Cur).end_col = YYRHSLOC(Rhs, N).end_col;                     \
        } else {                                                          \
            (Cur).line = (Cur).end_line = YYRHSLOC(Rhs, 0).end_line;      \
            (Cur).col = (Cur).end_col = YYRHSLOC(Rhs, 0).end_col;         \
        }                                                                 \
    } while (0)

/* Bison's own stacks use malloc and are freed by yyparse on every exit
 * (LAC grows its stack outside yyparse, where no arena is in reach); every
 * semantic value lives in the compilation's arena. */
#define YYSTACK_USE_ALLOCA 0
#define YYMAXDEPTH 10000

#define A (pc->a)
#define P (pc->pol)
}

%union {
    const char *s;
    expr *e;
    expr_vec ev;
    ident id;
    str_vec sv;
    int i;
}

%token END 0
%token NL TNL ERROR
%token <s> IDENT STRING INT NUMBER MONEY PERCENT DATE DATETIME TIMEOFDAY
%token LBRACE RBRACE LPAREN RPAREN COMMA COLON SEMI PLUS MINUS STAR SLASH
%token EQ NE LT LE GT GE QQ QUESTION NOTIN COMMENT
%token <s> AND ANY AT BECAUSE BUSINESS CADENCE CHECKIN CHECKINS CLASSES CLOCK
%token <s> CONTAINS COUNT DAY DAYS ELSE ENDS EXPECT FALSE FORMAT FROM HANDOFF HOLIDAYS
%token <s> HOUR HOURS IF IGNORING IN IS LET MINUTE MINUTES MISSING NOT NOW OLDER
%token <s> ON OR OTHERWISE OUTPUT OVER OWNS PER POLICY QUOTA RECORD RECYCLE
%token <s> SCORE SET SINCE STAGES STARTS STOPS SUM TEAM TEST THEN TIMEZONE TO TRUE
%token <s> UNSET UNTIL WEEK WEEKS WHEN WITH WITHIN

%type <e> expr primary opt_when text_rhs
%type <ev> set elems args
%type <id> name word opt_name hyphen_name keyword_name period
%type <sv> strings
%type <i> unit

%precedence ELSE
%left OR
%left AND
%precedence NOT
%nonassoc EQ NE LT LE GT GE IN NOTIN IS STARTS ENDS CONTAINS OLDER
%precedence IGNORING
%left QQ
%left PLUS MINUS
%left STAR SLASH
%precedence UMINUS

%%

file
    : items
    ;

items
    : %empty
    | items TNL
    | items item TNL
    | items error TNL                   { recover(pc); }
    ;

item
    : POLICY STRING                     { set_once(pc, &P->name, $2, @2, "policy name"); }
    | TIMEZONE STRING                   { set_once(pc, &P->zone, $2, @2, "time zone"); }
    | BUSINESS HOURS                    { if (!P->hours.n) P->hours_loc = span(@1, @2); } hours_specs
    | HOLIDAYS dates
    | MISSING strings                   { append_strs(pc, &P->missing, &$2); }
    | word FORMAT strings               { expect_word(pc, &$1, "time"); append_strs(pc, &P->formats, &$3); }
    | FORMAT strings                    { append_strs(pc, &P->formats, &$2); }
    | RECORD name                       { record_header(pc, &$2); } field_block
    | LET name EQ expr                  { add_let(pc, &$2, $4); }
    | LET name EQ error                 { add_let(pc, &$2, mk_error(pc, @4)); }
    | SCORE opt_name                    { begin_score(pc, &$2, @1); } score_block
    | STAGES                            { begin_block(pc, &P->stages_loc, &P->stage_blocks, @1, "stages"); } stages_block
    | CLASSES                           { begin_block(pc, &P->classes_loc, &P->class_blocks, @1, "classes"); } classes_block
    | TEAM name                         { add_team(pc, &$2); } opt_owns
    | HANDOFF name TO name              { begin_handoff(pc, &$2, &$4, NULL, span(@1, @4)); } handoff_body_block
    | HANDOFF name TO name UNTIL name   { begin_handoff(pc, &$2, &$4, &$6, span(@1, @6)); } handoff_body_block
    | CADENCE name ON name              { begin_cadence(pc, &$2, &$4, span(@1, @4)); } cadence_body_block
    | RECYCLE TO name WHEN expr         { add_recycle(pc, &$3, $5, NULL, @$); }
    | RECYCLE TO name WHEN expr BECAUSE STRING
                                        { add_recycle(pc, &$3, $5, &(str_lit){$7, @7}, @$); }
    | QUOTA name                        { begin_quota(pc, &$2, span(@1, @2)); } quota_body_block
    | CHECKINS checkin_list
    | CHECKINS checkin_block_block
    | CHECKIN checkin
    | OUTPUT                            { begin_output(pc, @1); } outputs_block
    | TEST STRING                       { begin_test(pc, $2, @2, @1); } test_block
    | TEST POLICY STRING                { set_once(pc, &P->test_policy, $3, @3, "policy of the tests"); }
    | TEST word word expr               { test_as_of(pc, &$2, &$3, $4, span(@1, @4)); }
    ;

/* Items in a block stand one a line (or are separated by `;`); the last
 * may share its line with the closing brace. */
stages_block
    : LBRACE stages block_end
    | LBRACE stages stage RBRACE
    ;

classes_block
    : LBRACE classes block_end
    | LBRACE classes class RBRACE
    ;

handoff_body_block
    : LBRACE handoff_body block_end
    | LBRACE handoff_body handoff_clause RBRACE
    ;

cadence_body_block
    : LBRACE cadence_body block_end
    | LBRACE cadence_body cadence_clause RBRACE
    ;

quota_body_block
    : LBRACE quota_body block_end
    | LBRACE quota_body quota_line RBRACE
    ;

checkin_block_block
    : LBRACE checkin_block block_end
    | LBRACE checkin_block checkin RBRACE
    ;

outputs_block
    : LBRACE outputs block_end
    | LBRACE outputs output RBRACE
    ;

test_block
    : LBRACE test_items block_end
    | LBRACE test_items test_item RBRACE
    ;

block_end
    : RBRACE
    | error RBRACE                      { yyerrok; recover(pc); }
    ;

/* ---- names -------------------------------------------------------------- */

/* A name in an expression or a definition. A few keywords that only mean
 * something at the start of a statement may also be used as names. */
name
    : IDENT                             { $$ = (ident){$1, @1}; }
    | SCORE                             { $$ = (ident){$1, @1}; }
    | COUNT                             { $$ = (ident){$1, @1}; }
    | FORMAT                            { $$ = (ident){$1, @1}; }
    | MISSING                           { $$ = (ident){$1, @1}; }
    | OWNS                              { $$ = (ident){$1, @1}; }
    | SUM                               { $$ = (ident){$1, @1}; }
    | HANDOFF                           { $$ = (ident){$1, @1}; }
    | CADENCE                           { $$ = (ident){$1, @1}; }
    | TEST                              { $$ = (ident){$1, @1}; }
    | EXPECT                            { $$ = (ident){$1, @1}; }
    ;

/* A plain word whose spelling the action checks (`hours`, `touches`). */
word
    : IDENT                             { $$ = (ident){$1, @1}; }
    ;

opt_name
    : %empty                            { $$ = (ident){NULL, @$}; }
    | name
    ;

strings
    : STRING                            { $$ = (str_vec){0}; vec_push(A, &$$, ((str_lit){$1, @1})); }
    | strings COMMA STRING              { $$ = $1; vec_push(A, &$$, ((str_lit){$3, @3})); }
    ;

/* ---- calendar ----------------------------------------------------------- */

hours_specs
    : hours_spec
    | hours_specs COMMA hours_spec
    ;

hours_spec
    : word                              { begin_hours(pc, &$1, NULL); } intervals
    | word MINUS word                   { begin_hours(pc, &$1, &$3); } intervals
    ;

intervals
    : interval
    | intervals interval
    ;

interval
    : TIMEOFDAY MINUS TIMEOFDAY         { add_interval(pc, $1, @1, $3, @3, @$); }
    ;

dates
    : DATE                              { vec_push(A, &P->holidays, ((str_lit){$1, @1})); }
    | dates COMMA DATE                  { vec_push(A, &P->holidays, ((str_lit){$3, @3})); }
    ;

/* ---- record --------------------------------------------------------------- */

field_block
    : LBRACE fields block_end
    | LBRACE fields field RBRACE
    ;

fields
    : %empty
    | fields NL
    | fields field NL
    | fields error NL                   { yyerrok; recover(pc); }
    ;

field
    : field_name COLON word             { pc->field->type_name = $3; } opt_q field_opts
                                        { pc->open = OPEN_NONE; }
    ;

/* A field is named by a name; a keyword in its place gets an error that
 * says how to read such a column, and the field is still declared so its
 * uses are not reported again. */
field_name
    : IDENT                             { begin_field(pc, &(ident){$1, @1}); }
    | COUNT                             { begin_field(pc, &(ident){$1, @1}); }
    | OWNS                              { begin_field(pc, &(ident){$1, @1}); }
    | SUM                               { begin_field(pc, &(ident){$1, @1}); }
    | keyword_name                      { keyword_field(pc, &$1); begin_field(pc, &$1); }
    ;

/* Keywords that are only names in a field declaration. */
keyword_name
    : AT                                { $$ = (ident){$1, @1}; }
    | BECAUSE                           { $$ = (ident){$1, @1}; }
    | CADENCE                           { $$ = (ident){$1, @1}; }
    | CLOCK                             { $$ = (ident){$1, @1}; }
    | DAY                               { $$ = (ident){$1, @1}; }
    | DAYS                              { $$ = (ident){$1, @1}; }
    | HOUR                              { $$ = (ident){$1, @1}; }
    | HOURS                             { $$ = (ident){$1, @1}; }
    | MINUTE                            { $$ = (ident){$1, @1}; }
    | MINUTES                           { $$ = (ident){$1, @1}; }
    | OVER                              { $$ = (ident){$1, @1}; }
    | PER                               { $$ = (ident){$1, @1}; }
    | POLICY                            { $$ = (ident){$1, @1}; }
    | QUOTA                             { $$ = (ident){$1, @1}; }
    | RECORD                            { $$ = (ident){$1, @1}; }
    | SINCE                             { $$ = (ident){$1, @1}; }
    | TEAM                              { $$ = (ident){$1, @1}; }
    | UNTIL                             { $$ = (ident){$1, @1}; }
    | WEEK                              { $$ = (ident){$1, @1}; }
    | WEEKS                             { $$ = (ident){$1, @1}; }
    | WITHIN                            { $$ = (ident){$1, @1}; }
    ;

opt_q
    : %empty
    | QUESTION                          { pc->field->opt = true; }
    ;

field_opts
    : %empty
    | field_opts FROM STRING            { set_once(pc, &pc->field->from, $3, @3, "column name (`from`)"); }
    | field_opts MISSING strings        { append_strs(pc, &pc->field->missing, &$3); }
    | field_opts FORMAT strings         { append_strs(pc, &pc->field->formats, &$3); }
    | field_opts TIMEZONE STRING        { set_once(pc, &pc->field->zone, $3, @3, "time zone"); }
    ;

/* ---- score ------------------------------------------------------------------ */

score_block
    : LBRACE score_rules block_end
    | LBRACE score_rules score_rule RBRACE
    ;

score_rules
    : %empty
    | score_rules NL
    | score_rules score_rule NL
    | score_rules error NL              { yyerrok; recover(pc); }
    ;

score_rule
    : expr opt_when                     { add_score_rule(pc, $1, $2, @$); }
    ;

opt_when
    : %empty                            { $$ = NULL; }
    | WHEN expr                         { $$ = $2; }
    ;

/* ---- stages and classes ---------------------------------------------------- */

stages
    : %empty
    | stages NL
    | stages stage NL
    | stages error NL                   { yyerrok; recover(pc); }
    ;

stage
    : name                              { begin_stage(pc, &$1); } stage_opts
                                        { pc->open = OPEN_NONE; }
    ;

stage_opts
    : %empty
    | stage_opts WHEN expr              { stage_when(pc, $3, @2); }
    | stage_opts SINCE expr             { stage_since(pc, $3, @2); }
    ;

classes
    : %empty
    | classes NL
    | classes class NL
    | classes error NL                  { yyerrok; recover(pc); }
    ;

class
    : name                              { begin_class(pc, &$1); } class_rest
                                        { pc->open = OPEN_NONE; }
    ;

class_rest
    : WHEN expr                         { pc->cls->when = $2; }
    | OTHERWISE                         { pc->cls->otherwise = true; pc->cls->otherwise_loc = @1; }
    ;

/* ---- teams, hand-offs, cadences ------------------------------------------- */

opt_owns
    : %empty
    | OWNS owned
    ;

owned
    : name                              { vec_push(A, &P->teams.v[P->teams.n - 1]->owns, $1); }
    | owned COMMA name                  { vec_push(A, &P->teams.v[P->teams.n - 1]->owns, $3); }
    ;

handoff_body
    : %empty
    | handoff_body NL
    | handoff_body handoff_clause NL
    | handoff_body error NL             { yyerrok; recover(pc); }
    ;

handoff_clause
    : CLOCK STARTS AT expr COMMA STOPS AT expr
                                        { handoff_clock(pc, $4, $8, @$); }
    | WITHIN expr                       { handoff_window(pc, NULL, $2, @1); }
    | WITHIN class_windows
    ;

class_windows
    : class_key COLON expr              { handoff_window(pc, &pc->key, $3, @$); }
    | class_windows COMMA class_key COLON expr
                                        { handoff_window(pc, &pc->key, $5, @3); }
    ;

class_key
    : name                              { pc->key = $1; }
    | OTHERWISE                         { pc->key = (ident){"otherwise", @1}; }
    ;

cadence_body
    : %empty
    | cadence_body NL
    | cadence_body cadence_clause NL
    | cadence_body error NL             { yyerrok; recover(pc); }
    ;

cadence_clause
    : COUNT expr                        { cadence_count(pc, $2, NULL, @1); }
    | COUNT expr SINCE expr             { cadence_count(pc, $2, $4, @1); }
    | class_key COLON INT word OVER expr
                                        { cadence_entry(pc, &pc->key, $3, @3, &$4, $6, @$); }
    | INT word OVER expr                { cadence_entry(pc, NULL, $1, @1, &$2, $4, @$); }
    ;

/* ---- recycling, quotas, check-ins, output -------------------------------- */

quota_body
    : %empty
    | quota_body NL
    | quota_body quota_line NL
    | quota_body error NL               { yyerrok; recover(pc); }
    ;

quota_line
    : quota_target quota_metric quota_at PER period
                                        { quota_period(pc, &$5, @$); }
    ;

/* `week` and `day` are keywords (units of time); as periods they are words. */
period
    : name
    | WEEK                              { $$ = (ident){$1, @1}; }
    | DAY                               { $$ = (ident){$1, @1}; }
    ;

quota_target
    : INT                               { quota_begin(pc, QT_COUNT, $1, @1); }
    | NUMBER                            { quota_begin(pc, QT_NUMBER, $1, @1); }
    | PERCENT                           { quota_begin(pc, QT_PERCENT, $1, @1); }
    | MONEY                             { quota_begin(pc, QT_MONEY, $1, @1); }
    ;

quota_metric
    : name                              { pc->quota->metric = QM_STAGE; pc->quota->a = $1; }
    | name TO name                      { pc->quota->metric = QM_CONVERSION; pc->quota->a = $1; pc->quota->b = $3; }
    | HANDOFF name                      { pc->quota->metric = QM_HANDOFF; pc->quota->status = $2; }
    | HANDOFF name name                 { pc->quota->metric = QM_HANDOFF; pc->quota->a = $2; pc->quota->status = $3; }
    | CADENCE name                      { pc->quota->metric = QM_CADENCE; pc->quota->status = $2; }
    | CADENCE ON word                   { pc->quota->metric = QM_CADENCE; expect_word(pc, &$3, "track");
                                          pc->quota->status = (ident){"on track", @2}; pc->quota->status.loc.end_col = @3.end_col; }
    | SUM expr opt_when                 { pc->quota->metric = QM_SUM; pc->quota->sum = $2; pc->quota->when = $3; }
    ;

quota_at
    : %empty
    | AT expr                           { pc->quota->by = $2; }
    ;

checkin_list
    : checkin
    | checkin_list COMMA checkin
    ;

checkin_block
    : %empty
    | checkin_block NL
    | checkin_block checkin NL
    | checkin_block error NL            { yyerrok; recover(pc); }
    ;

checkin
    : hyphen_name ON DAY INT            { add_checkin(pc, $1.name, @1, $4, @4, NULL); }
    | hyphen_name ON word               { add_checkin(pc, $1.name, @1, NULL, @3, &$3); }
    | STRING ON DAY INT                 { add_checkin(pc, $1, @1, $4, @4, NULL); }
    | STRING ON word                    { add_checkin(pc, $1, @1, NULL, @3, &$3); }
    ;

hyphen_name
    : word
    | hyphen_name MINUS word            { $$ = (ident){arena_printf(A, "%s-%s", $1.name, $3.name), @$}; }
    ;

outputs
    : %empty
    | outputs NL
    | outputs output NL
    | outputs error NL                  { yyerrok; recover(pc); }
    ;

output
    : name                              { add_output(pc, $1.name, @1, mk_name(pc, &$1)); }
    | name EQ expr                      { add_output(pc, $1.name, @1, $3); }
    | STRING EQ expr                    { add_output(pc, $1, @1, $3); }
    ;

/* ---- tests ---------------------------------------------------------------- */

test_items
    : %empty
    | test_items NL
    | test_items test_item NL
    | test_items error NL               { yyerrok; recover(pc); }
    ;

test_item
    : word word expr                    { test_as_of(pc, &$1, &$2, $3, @$); }
    | RECORD                            { begin_test_record(pc, @1); } test_values
    | EXPECT expr                       { add_expect(pc, $2, @$); }
    | EXPECT QUOTA STRING               { begin_quota_expect(pc, NULL, $3, @3, @$); } quota_expect
    | EXPECT QUOTA name STRING          { begin_quota_expect(pc, &$3, $4, @4, @$); } quota_expect
    ;

test_values
    : test_value
    | test_values COMMA test_value
    ;

test_value
    : name EQ expr                      { add_test_value(pc, &$1, $3, @$); }
    ;

/* A status is one of report's words: met, missed, on track, at risk, no data. */
quota_expect
    : quota_when IS name                { quota_expect_status(pc, &$3, NULL, @3); }
    | quota_when IS ON word             { quota_expect_status(pc, &(ident){$3, @3}, &$4, span(@3, @4)); }
    | quota_when IS AT word             { quota_expect_status(pc, &(ident){$3, @3}, &$4, span(@3, @4)); }
    | quota_when IS word word           { quota_expect_status(pc, &$3, &$4, span(@3, @4)); }
    | quota_when EQ INT                 { quota_expect_value(pc, QT_COUNT, $3, @3); }
    | quota_when EQ NUMBER              { quota_expect_value(pc, QT_NUMBER, $3, @3); }
    | quota_when EQ PERCENT             { quota_expect_value(pc, QT_PERCENT, $3, @3); }
    | quota_when EQ MONEY               { quota_expect_value(pc, QT_MONEY, $3, @3); }
    ;

quota_when
    : %empty
    | word word                         { quota_expect_last(pc, &$1, &$2); }
    ;

/* ---- expressions ------------------------------------------------------------ */

expr
    : IF expr THEN expr ELSE expr       { $$ = mk_node(pc, E_IF, @$, $2, $4, $6); }
    | expr OR expr                      { $$ = mk_bin(pc, BIN_OR, @$, $1, $3); }
    | expr AND expr                     { $$ = mk_bin(pc, BIN_AND, @$, $1, $3); }
    | NOT expr                          { $$ = mk_node(pc, E_NOT, @$, $2, NULL, NULL); }
    | expr EQ expr                      { $$ = mk_bin(pc, BIN_EQ, @$, $1, $3); }
    | expr NE expr                      { $$ = mk_bin(pc, BIN_NE, @$, $1, $3); }
    | expr LT expr                      { $$ = mk_bin(pc, BIN_LT, @$, $1, $3); }
    | expr LE expr                      { $$ = mk_bin(pc, BIN_LE, @$, $1, $3); }
    | expr GT expr                      { $$ = mk_bin(pc, BIN_GT, @$, $1, $3); }
    | expr GE expr                      { $$ = mk_bin(pc, BIN_GE, @$, $1, $3); }
    | expr IN set                       { $$ = mk_set(pc, E_IN, @$, $1, &$3, false, 0); }
    | expr IN set IGNORING word         { $$ = mk_set(pc, E_IN, @$, $1, &$3, false, nocase(pc, &$5)); }
    | expr NOTIN set                    { $$ = mk_set(pc, E_IN, @$, $1, &$3, true, 0); }
    | expr NOTIN set IGNORING word      { $$ = mk_set(pc, E_IN, @$, $1, &$3, true, nocase(pc, &$5)); }
    | expr IS SET                       { $$ = mk_isset(pc, @$, $1, false); }
    | expr IS NOT SET                   { $$ = mk_isset(pc, @$, $1, true); }
    | expr IS UNSET                     { $$ = mk_isset(pc, @$, $1, true); }
    | expr IS name                      { $$ = mk_is(pc, @$, $1, &$3, false); }
    | expr IS NOT name                  { $$ = mk_is(pc, @$, $1, &$4, true); }
    | expr IS ON word                   { expect_word(pc, &$4, "track");
                                          $$ = mk_is(pc, @$, $1, &(ident){"on track", span(@3, @4)}, false); }
    | expr IS NOT ON word               { expect_word(pc, &$5, "track");
                                          $$ = mk_is(pc, @$, $1, &(ident){"on track", span(@4, @5)}, true); }
    | expr STARTS WITH text_rhs %prec STARTS { $$ = mk_text(pc, TT_STARTS, @$, $1, $4, 0); }
    | expr STARTS WITH text_rhs IGNORING word
                                        { $$ = mk_text(pc, TT_STARTS, @$, $1, $4, nocase(pc, &$6)); }
    | expr ENDS WITH text_rhs %prec ENDS { $$ = mk_text(pc, TT_ENDS, @$, $1, $4, 0); }
    | expr ENDS WITH text_rhs IGNORING word
                                        { $$ = mk_text(pc, TT_ENDS, @$, $1, $4, nocase(pc, &$6)); }
    | expr CONTAINS text_rhs            { $$ = mk_text(pc, TT_CONTAINS, @$, $1, $3, 0); }
    | expr CONTAINS text_rhs IGNORING word
                                        { $$ = mk_text(pc, TT_CONTAINS, @$, $1, $3, nocase(pc, &$5)); }
    | expr OLDER word expr              { expect_word(pc, &$3, "than"); $$ = mk_node(pc, E_OLDER, @$, $1, $4, NULL); }
    | expr QQ expr                      { $$ = mk_bin(pc, BIN_DEFAULT, @$, $1, $3); }
    | expr PLUS expr                    { $$ = mk_bin(pc, BIN_ADD, @$, $1, $3); }
    | expr MINUS expr                   { $$ = mk_bin(pc, BIN_SUB, @$, $1, $3); }
    | expr STAR expr                    { $$ = mk_bin(pc, BIN_MUL, @$, $1, $3); }
    | expr SLASH expr                   { $$ = mk_bin(pc, BIN_DIV, @$, $1, $3); }
    | MINUS expr %prec UMINUS           { $$ = mk_neg(pc, @$, $2); }
    | PLUS expr %prec UMINUS            { $$ = $2; $$->loc = @$; }
    | primary
    ;

/* The right side of a text test: a value, or `any` of a set. Reducing it
 * at the precedence of the text tests makes `a ends with b or c` group as
 * `(a ends with b) or c` and `a ends with b + c` as `a ends with (b + c)`. */
text_rhs
    : expr %prec CONTAINS
    | ANY set                           { $$ = mk_set(pc, E_IN, @$, NULL, &$2, false, 0); }
    ;

set
    : LBRACE elems RBRACE               { $$ = $2; }
    | LBRACE RBRACE                     { $$ = (expr_vec){0}; }
    ;

elems
    : expr                              { $$ = (expr_vec){0}; vec_push(A, &$$, $1); }
    | elems COMMA expr                  { $$ = $1; vec_push(A, &$$, $3); }
    ;

primary
    : INT                               { $$ = mk_int(pc, $1, @$); }
    | NUMBER                            { $$ = mk_number(pc, $1, @$); }
    | MONEY                             { $$ = mk_money(pc, $1, @$); }
    | PERCENT                           { $$ = mk_percent(pc, @$); }
    | STRING                            { $$ = mk_leaf(pc, E_TEXT, @$); $$->str = $1; }
    | TRUE                              { $$ = mk_leaf(pc, E_BOOL, @$); $$->ival = 1; }
    | FALSE                             { $$ = mk_leaf(pc, E_BOOL, @$); $$->ival = 0; }
    | DATE                              { $$ = mk_leaf(pc, E_TIME, @$); $$->str = $1; }
    | DATETIME                          { $$ = mk_leaf(pc, E_TIME, @$); $$->str = $1; }
    | NOW                               { $$ = mk_leaf(pc, E_NOW, @$); }
    | INT unit                          { $$ = mk_duration(pc, $1, $2, false, @$); }
    | NUMBER unit                       { $$ = mk_duration(pc, $1, $2, false, @$); }
    | INT BUSINESS unit                 { $$ = mk_duration(pc, $1, $3, true, @$); }
    | NUMBER BUSINESS unit              { $$ = mk_duration(pc, $1, $3, true, @$); }
    | name                              { $$ = mk_name(pc, &$1); }
    | name LPAREN args RPAREN           { $$ = mk_call(pc, &$1, &$3, @$); }
    | name LPAREN RPAREN                { $$ = mk_call(pc, &$1, &(expr_vec){0}, @$); }
    | LPAREN expr RPAREN                { $$ = $2; $$->loc = @$; }
    ;

unit
    : MINUTE                            { $$ = DU_MINUTE; }
    | MINUTES                           { $$ = DU_MINUTE; }
    | HOUR                              { $$ = DU_HOUR; }
    | HOURS                             { $$ = DU_HOUR; }
    | DAY                               { $$ = DU_DAY; }
    | DAYS                              { $$ = DU_DAY; }
    | WEEK                              { $$ = DU_WEEK; }
    | WEEKS                             { $$ = DU_WEEK; }
    ;

args
    : expr                              { $$ = (expr_vec){0}; vec_push(A, &$$, $1); }
    | args COMMA expr                   { $$ = $1; vec_push(A, &$$, $3); }
    ;

%%

#include "actions.c"
