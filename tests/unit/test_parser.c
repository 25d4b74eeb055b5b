/*
 * test_parser.c - parse_policy: the tree it builds and the errors it reports.
 *
 * Expression shapes are compared as S-expressions ("(or a (and b c))"), so
 * a precedence mistake shows as a readable difference. Error tests count
 * the diagnostics exactly: recovery must report each mistake once, with
 * no cascade, and still build what it can.
 */
#include "support.h"

/* ---- expressions as S-expressions ---------------------------------------------- */

static const char *const binop_names[] = {
    [BIN_ADD] = "+", [BIN_SUB] = "-", [BIN_MUL] = "*", [BIN_DIV] = "/", [BIN_EQ] = "=",
    [BIN_NE] = "!=", [BIN_LT] = "<", [BIN_LE] = "<=", [BIN_GT] = ">", [BIN_GE] = ">=",
    [BIN_AND] = "and", [BIN_OR] = "or", [BIN_DEFAULT] = "??",
};
static const char *const unit_names[] = {
    [DU_MINUTE] = "minute", [DU_HOUR] = "hour", [DU_DAY] = "day", [DU_WEEK] = "week",
};
static const char *const text_test_names[] = {
    [TT_STARTS] = "starts", [TT_ENDS] = "ends", [TT_CONTAINS] = "contains",
};

static void sexp(buf *b, const expr *e);

static void sexp_list(buf *b, const expr_vec *v)
{
    buf_putc(b, '{');
    for (int i = 0; i < v->n; i++) {
        if (i)
            buf_putc(b, ' ');
        sexp(b, v->v[i]);
    }
    buf_putc(b, '}');
}

static void sexp(buf *b, const expr *e)
{
    if (!e) {
        buf_puts(b, "NULL");
        return;
    }
    switch (e->kind) {
    case E_ERROR: buf_puts(b, "<error>"); break;
    case E_INT: buf_printf(b, "%" PRId64, e->ival); break;
    case E_NUMBER: buf_printf(b, "%g", e->num); break;
    case E_MONEY: buf_printf(b, "$%" PRId64, e->ival); break;
    case E_TEXT: buf_printf(b, "\"%s\"", e->str); break;
    case E_BOOL: buf_puts(b, e->ival ? "true" : "false"); break;
    case E_TIME: buf_printf(b, "@%s", e->str); break;
    case E_DURATION:
        buf_printf(b, "(%s %g %s)", e->business ? "bdur" : "dur", e->num, unit_names[e->op]);
        break;
    case E_NOW: buf_puts(b, "now"); break;
    case E_NAME: buf_puts(b, e->str); break;
    case E_CALL:
        buf_printf(b, "(call %s ", e->str);
        sexp_list(b, &e->list);
        buf_putc(b, ')');
        break;
    case E_NEG: buf_puts(b, "(neg "); sexp(b, e->a); buf_putc(b, ')'); break;
    case E_NOT: buf_puts(b, "(not "); sexp(b, e->a); buf_putc(b, ')'); break;
    case E_BINARY:
        buf_printf(b, "(%s ", binop_names[e->op]);
        sexp(b, e->a);
        buf_putc(b, ' ');
        sexp(b, e->b);
        buf_putc(b, ')');
        break;
    case E_IN:
        buf_printf(b, "(%s%s ", e->negate ? "not-in" : "in", e->nocase ? "/i" : "");
        sexp(b, e->a);
        buf_putc(b, ' ');
        sexp_list(b, &e->list);
        buf_putc(b, ')');
        break;
    case E_TEXTTEST:
        buf_printf(b, "(%s%s ", text_test_names[e->op], e->nocase ? "/i" : "");
        sexp(b, e->a);
        buf_putc(b, ' ');
        if (e->any) {
            buf_puts(b, "any ");
            sexp_list(b, &e->list);
        } else {
            sexp(b, e->b);
        }
        buf_putc(b, ')');
        break;
    case E_ISSET:
        buf_puts(b, e->negate ? "(unset " : "(set ");
        sexp(b, e->a);
        buf_putc(b, ')');
        break;
    case E_IS:
        buf_puts(b, e->negate ? "(is-not " : "(is ");
        sexp(b, e->a);
        buf_printf(b, " %s)", e->str);
        break;
    case E_OLDER:
        buf_puts(b, "(older ");
        sexp(b, e->a);
        buf_putc(b, ' ');
        sexp(b, e->b);
        buf_putc(b, ')');
        break;
    case E_IF:
        buf_puts(b, "(if ");
        sexp(b, e->a);
        buf_putc(b, ' ');
        sexp(b, e->b);
        buf_putc(b, ' ');
        sexp(b, e->c);
        buf_putc(b, ')');
        break;
    }
}

#define assert_expr(e, want) check_expr_at((e), (want), __FILE__, __LINE__)

static void check_expr_at(const expr *e, const char *want, const char *file, int line)
{
    buf b;
    buf_init(&b);
    sexp(&b, e);
    if (strcmp(b.data, want) != 0) {
        print_error("expression is %s\n          want %s\n", b.data, want);
        buf_free(&b);
        _fail(file, line);
        return;
    }
    buf_free(&b);
}

/* The value of the only `let` of a one-let policy, parsed without errors. */
#define let_value(ps, text) let_value_at((ps), (text), __FILE__, __LINE__)

static const expr *let_value_at(parsed *ps, const char *text, const char *file, int line)
{
    policy *p = parse_str(ps, text);
    if (ps->d.n != 0 || p->lets.n != 1) {
        print_error("parsing `%s`: %d let(s)\n", text, p->lets.n);
        dump_diags(&ps->d);
        _fail(file, line);
    }
    return p->lets.v[0]->value;
}

#define assert_ident(id, want) check_ident_at((id), (want), __FILE__, __LINE__)

static void check_ident_at(ident id, const char *want, const char *file, int line)
{
    if (want == NULL ? id.name != NULL : (id.name == NULL || strcmp(id.name, want) != 0)) {
        print_error("name is %s, want %s\n", id.name ? id.name : "(none)", want ? want : "(none)");
        _fail(file, line);
    }
}

/* ---- the sketch policy ----------------------------------------------------------- */

static const char sketch[] =
    "policy \"Acme inbound SLA\"\n"                                          /*  1 */
    "timezone \"America/New_York\"\n"                                        /*  2 */
    "business hours mon-fri 09:00-17:00\n"                                   /*  3 */
    "holidays 2026-12-25, 2027-01-01\n"                                      /*  4 */
    "\n"
    "record lead {\n"                                                        /*  6 */
    "  id           : text   from \"Record ID\"\n"
    "  email        : text   from \"Email\"\n"
    "  company_size : int    from \"Number of Employees\"\n"
    "  industry     : text\n"                                                /* 10 */
    "  page_views   : int\n"
    "  form_fills   : int\n"
    "  demo_request : bool\n"
    "  became_mql   : time?  from \"Became a Marketing Qualified Lead Date\"\n"
    "  first_touch  : time?\n"                                               /* 15 */
    "  touches      : int\n"
    "  last_touch   : time?\n"
    "  last_reply   : time?\n"
    "  deal_amount  : money?\n"
    "}\n"                                                                    /* 20 */
    "\n"
    "let fit      = company_size >= 50 and industry in {\"saas\", \"fintech\", \"healthcare\"}\n"
    "let freemail = email ends with any {\"@gmail.com\", \"@yahoo.com\"}\n"
    "\n"
    "score {\n"                                                              /* 25 */
    "  +30 when demo_request\n"
    "  +15 when page_views >= 10 or form_fills >= 2\n"
    "  +10 when fit\n"
    "  -20 when freemail\n"
    "}\n"                                                                    /* 30 */
    "\n"
    "stages {\n"
    "  subscriber\n"
    "  lead         when email != \"\"\n"
    "  mql          when score >= 50 or demo_request since became_mql\n"     /* 35 */
    "  sql          when mql and touches >= 1 and last_reply is set\n"
    "  opportunity  when deal_amount > 0\n"
    "}\n"
    "\n"
    "classes { A when fit and score >= 70; B when score >= 50; C otherwise }\n" /* 40 */
    "\n"
    "team marketing owns subscriber, lead, mql\n"
    "team sales owns sql, opportunity\n"
    "team nurture\n"
    "\n"                                                                     /* 45 */
    "handoff mql to sales {\n"
    "  clock starts at became_mql, stops at first_touch\n"
    "  within A: 1 hour, B: 4 business hours, C: 1 business day\n"
    "}\n"
    "\n"                                                                     /* 50 */
    "cadence sales on mql {\n"
    "  count touches since became_mql\n"
    "  A: 8 touches over 14 days\n"
    "  B: 6 touches over 14 days\n"
    "  C: 3 touches over 21 days\n"                                          /* 55 */
    "}\n"
    "\n"
    "recycle to nurture when cadence is complete and last_reply is unset\n"
    "recycle to nurture when last_touch older than 30 days because \"no touch for 30 days\"\n"
    "\n"                                                                     /* 60 */
    "quota marketing { 400 mql per month; 120 sql per month }\n"
    "quota sales     { 95% handoff met per month }\n"
    "checkins monthly on day 1, mid-month on day 15\n";

static policy *parse_sketch(parsed *ps)
{
    policy *p = parse_str(ps, sketch);
    assert_ndiags(&ps->d, 0);
    assert_int_equal(p->syntax_errors, 0);
    return p;
}

static void sketch_counts(void **state)
{
    parsed *ps = *state;
    policy *p = parse_sketch(ps);
    assert_ptr_equal(p->file, &ps->file);
    assert_int_equal(p->fields.n, 13);
    assert_int_equal(p->lets.n, 2);
    assert_int_equal(p->scores.n, 1);
    assert_int_equal(p->stages.n, 5);
    assert_int_equal(p->stage_blocks, 1);
    assert_int_equal(p->classes.n, 3);
    assert_int_equal(p->class_blocks, 1);
    assert_int_equal(p->teams.n, 3);
    assert_int_equal(p->handoffs.n, 1);
    assert_int_equal(p->cadences.n, 1);
    assert_int_equal(p->recycles.n, 2);
    assert_int_equal(p->quotas.n, 2);
    assert_int_equal(p->checkins.n, 2);
    assert_int_equal(p->outputs.n, 0);
    assert_false(p->has_output);
    assert_int_equal(p->missing.n, 0);
    assert_int_equal(p->formats.n, 0);
}

static void sketch_header(void **state)
{
    parsed *ps = *state;
    policy *p = parse_sketch(ps);
    assert_string_equal(p->name.s, "Acme inbound SLA");
    assert_loc(p->name.loc, 1, 8);
    assert_string_equal(p->zone.s, "America/New_York");
    assert_loc(p->zone.loc, 2, 10);

    assert_int_equal(p->hours.n, 1);
    hours_spec *h = &p->hours.v[0];
    assert_ident(h->first_day, "mon");
    assert_ident(h->last_day, "fri");
    assert_loc(h->first_day.loc, 3, 16);
    assert_int_equal(h->intervals.n, 1);
    assert_string_equal(h->intervals.v[0].from.s, "09:00");
    assert_string_equal(h->intervals.v[0].to.s, "17:00");
    assert_loc(h->intervals.v[0].from.loc, 3, 24);
    assert_loc(h->intervals.v[0].to.loc, 3, 30);

    assert_int_equal(p->holidays.n, 2);
    assert_string_equal(p->holidays.v[0].s, "2026-12-25");
    assert_string_equal(p->holidays.v[1].s, "2027-01-01");
    assert_loc(p->holidays.v[1].loc, 4, 22);
}

static void sketch_record(void **state)
{
    parsed *ps = *state;
    policy *p = parse_sketch(ps);
    assert_ident(p->record_name, "lead");
    assert_loc(p->record_name.loc, 6, 8);

    static const struct {
        const char *name, *type;
        bool opt;
        const char *from;
    } want[] = {
        {"id", "text", false, "Record ID"},
        {"email", "text", false, "Email"},
        {"company_size", "int", false, "Number of Employees"},
        {"industry", "text", false, NULL},
        {"page_views", "int", false, NULL},
        {"form_fills", "int", false, NULL},
        {"demo_request", "bool", false, NULL},
        {"became_mql", "time", true, "Became a Marketing Qualified Lead Date"},
        {"first_touch", "time", true, NULL},
        {"touches", "int", false, NULL},
        {"last_touch", "time", true, NULL},
        {"last_reply", "time", true, NULL},
        {"deal_amount", "money", true, NULL},
    };
    assert_int_equal(p->fields.n, sizeof want / sizeof want[0]);
    for (int i = 0; i < p->fields.n; i++) {
        const field_decl *f = p->fields.v[i];
        assert_ident(f->name, want[i].name);
        assert_loc(f->name.loc, 7 + i, 3);
        assert_ident(f->type_name, want[i].type);
        assert_int_equal(f->opt, want[i].opt);
        if (want[i].from)
            assert_string_equal(f->from.s, want[i].from);
        else
            assert_null(f->from.s);
        assert_int_equal(f->missing.n, 0);
        assert_int_equal(f->formats.n, 0);
        assert_null(f->zone.s);
    }
    assert_loc(p->fields.v[0]->type_name.loc, 7, 18);
    assert_loc(p->fields.v[0]->from.loc, 7, 30);
}

static void sketch_lets_and_score(void **state)
{
    parsed *ps = *state;
    policy *p = parse_sketch(ps);
    assert_ident(p->lets.v[0]->name, "fit");
    assert_loc(p->lets.v[0]->name.loc, 22, 5);
    assert_expr(p->lets.v[0]->value,
                "(and (>= company_size 50) (in industry {\"saas\" \"fintech\" \"healthcare\"}))");
    assert_ident(p->lets.v[1]->name, "freemail");
    assert_expr(p->lets.v[1]->value, "(ends email any {\"@gmail.com\" \"@yahoo.com\"})");
    assert_range(p->lets.v[1]->value->loc, 23, 16, 23, 64);

    score_decl *s = p->scores.v[0];
    assert_ident(s->name, "score");
    assert_loc(s->loc, 25, 1);
    assert_int_equal(s->rules.n, 4);
    static const int64_t points[] = {30, 15, 10, -20};
    static const char *const whens[] = {
        "demo_request", "(or (>= page_views 10) (>= form_fills 2))", "fit", "freemail",
    };
    for (int i = 0; i < 4; i++) {
        const score_rule *r = &s->rules.v[i];
        assert_int_equal(r->value->kind, E_INT);
        /* the sign may live in the rule or in the literal: the points count */
        assert_i64_equal(r->sign * r->value->ival, points[i]);
        assert_expr(r->when, whens[i]);
        assert_loc(r->loc, 26 + i, 3);
    }
}

static void sketch_stages_classes_teams(void **state)
{
    parsed *ps = *state;
    policy *p = parse_sketch(ps);
    assert_loc(p->stages_loc, 32, 1);
    static const char *const names[] = {"subscriber", "lead", "mql", "sql", "opportunity"};
    static const char *const whens[] = {
        "NULL",
        "(!= email \"\")",
        "(or (>= score 50) demo_request)",
        "(and (and mql (>= touches 1)) (set last_reply))",
        "(> deal_amount 0)",
    };
    for (int i = 0; i < 5; i++) {
        const stage_decl *st = p->stages.v[i];
        assert_ident(st->name, names[i]);
        assert_loc(st->name.loc, 33 + i, 3);
        assert_int_equal(st->index, i);
        assert_expr(st->when, whens[i]);
        assert_expr(st->since, i == 2 ? "became_mql" : "NULL");
    }

    assert_loc(p->classes_loc, 40, 1);
    const class_decl *a = p->classes.v[0], *b = p->classes.v[1], *c = p->classes.v[2];
    assert_ident(a->name, "A");
    assert_loc(a->name.loc, 40, 11);
    assert_expr(a->when, "(and fit (>= score 70))");
    assert_false(a->otherwise);
    assert_ident(b->name, "B");
    assert_loc(b->name.loc, 40, 39);
    assert_expr(b->when, "(>= score 50)");
    assert_ident(c->name, "C");
    assert_loc(c->name.loc, 40, 59);
    assert_null(c->when);
    assert_true(c->otherwise);
    assert_loc(c->otherwise_loc, 40, 61);
    assert_int_equal(c->index, 2);

    static const char *const teams[] = {"marketing", "sales", "nurture"};
    static const int nowns[] = {3, 2, 0};
    for (int i = 0; i < 3; i++) {
        assert_ident(p->teams.v[i]->name, teams[i]);
        assert_loc(p->teams.v[i]->name.loc, 42 + i, 6);
        assert_int_equal(p->teams.v[i]->owns.n, nowns[i]);
    }
    assert_ident(p->teams.v[0]->owns.v[0], "subscriber");
    assert_ident(p->teams.v[0]->owns.v[1], "lead");
    assert_ident(p->teams.v[0]->owns.v[2], "mql");
    assert_loc(p->teams.v[0]->owns.v[2].loc, 42, 39);
    assert_ident(p->teams.v[1]->owns.v[0], "sql");
    assert_ident(p->teams.v[1]->owns.v[1], "opportunity");
}

static void sketch_handoff_and_cadence(void **state)
{
    parsed *ps = *state;
    policy *p = parse_sketch(ps);
    const handoff_decl *h = p->handoffs.v[0];
    assert_ident(h->stage, "mql");
    assert_ident(h->team, "sales");
    assert_ident(h->until, NULL);
    assert_expr(h->start, "became_mql");
    assert_expr(h->stop, "first_touch");
    assert_loc(h->clock_loc, 47, 3);
    assert_int_equal(h->windows.n, 3);
    assert_loc(h->within_loc, 48, 10);
    static const char *const classes[] = {"A", "B", "C"};
    static const char *const windows[] = {"(dur 1 hour)", "(bdur 4 hour)", "(bdur 1 day)"};
    for (int i = 0; i < 3; i++) {
        assert_ident(h->windows.v[i].cls, classes[i]);
        assert_expr(h->windows.v[i].within, windows[i]);
    }
    assert_loc(h->windows.v[1].cls.loc, 48, 21);
    assert_range(h->windows.v[1].within->loc, 48, 24, 48, 40);

    const cadence_decl *c = p->cadences.v[0];
    assert_ident(c->team, "sales");
    assert_ident(c->stage, "mql");
    assert_expr(c->count, "touches");
    assert_expr(c->since, "became_mql");
    assert_loc(c->count_loc, 52, 3);
    assert_int_equal(c->entries.n, 3);
    static const int64_t touches[] = {8, 6, 3};
    static const char *const over[] = {"(dur 14 day)", "(dur 14 day)", "(dur 21 day)"};
    for (int i = 0; i < 3; i++) {
        assert_ident(c->entries.v[i].cls, classes[i]);
        assert_i64_equal(c->entries.v[i].touches, touches[i]);
        assert_loc(c->entries.v[i].touches_loc, 53 + i, 6);
        assert_expr(c->entries.v[i].within, over[i]);
    }
}

static void sketch_recycle_quota_checkins(void **state)
{
    parsed *ps = *state;
    policy *p = parse_sketch(ps);
    const recycle_decl *r0 = p->recycles.v[0], *r1 = p->recycles.v[1];
    assert_loc(r0->loc, 58, 1);
    assert_ident(r0->target, "nurture");
    assert_expr(r0->when, "(and (is cadence complete) (unset last_reply))");
    assert_null(r0->reason.s);
    assert_ident(r1->target, "nurture");
    assert_expr(r1->when, "(older last_touch (dur 30 day))");
    assert_string_equal(r1->reason.s, "no touch for 30 days");
    assert_loc(r1->reason.loc, 59, 63);

    const quota_decl *m = p->quotas.v[0], *s = p->quotas.v[1];
    assert_ident(m->team, "marketing");
    assert_int_equal(m->lines.n, 2);
    assert_int_equal(m->lines.v[0].target_kind, QT_COUNT);
    assert_i64_equal(m->lines.v[0].target_int, 400);
    assert_int_equal(m->lines.v[0].metric, QM_STAGE);
    assert_ident(m->lines.v[0].a, "mql");
    assert_ident(m->lines.v[0].period, "month");
    assert_null(m->lines.v[0].by);
    assert_loc(m->lines.v[0].target_loc, 61, 19);
    assert_i64_equal(m->lines.v[1].target_int, 120);
    assert_ident(m->lines.v[1].a, "sql");
    assert_ident(m->lines.v[1].period, "month");
    assert_loc(m->lines.v[1].loc, 61, 38);

    assert_ident(s->team, "sales");
    assert_int_equal(s->lines.n, 1);
    const quota_line *q = &s->lines.v[0];
    assert_int_equal(q->target_kind, QT_PERCENT);
    assert_true(q->target_num == 95.0);
    assert_int_equal(q->metric, QM_HANDOFF);
    assert_ident(q->a, NULL);
    assert_ident(q->status, "met");
    assert_ident(q->period, "month");

    const checkin_decl *c0 = p->checkins.v[0], *c1 = p->checkins.v[1];
    assert_string_equal(c0->name.s, "monthly");
    assert_false(c0->weekly);
    assert_i64_equal(c0->day, 1);
    assert_loc(c0->loc, 63, 10);
    assert_string_equal(c1->name.s, "mid-month");
    assert_false(c1->weekly);
    assert_i64_equal(c1->day, 15);
    assert_range(c1->name.loc, 63, 28, 63, 37);
    assert_loc(c1->day_loc, 63, 45);
}

/* ---- more of the grammar ------------------------------------------------------------ */

static void output_and_other_items(void **state)
{
    parsed *ps = *state;
    policy *p = parse_str(ps,
        "record r {\n"
        "  seen : time? from \"Seen\" missing \"n/a\", \"-\" format \"%d/%m/%Y\" timezone \"UTC\"\n"
        "  count : int\n"
        "}\n"
        "missing \"NULL\"\n"
        "time format \"%Y%m%d\"\n"
        "business hours mon 09:00-12:00 13:00-17:00, sat 10:00-14:00\n"
        "handoff lead to sales until sql { within 2 days }\n"
        "quota sales {\n"
        "  $1,500.25 sum deal_amount when won per quarter\n"
        "  40% lead to sql at became_sql per month\n"
        "  90% cadence on track per month\n"
        "}\n"
        "checkins { weekly on monday; \"Review\" on day 28 }\n"
        "output {\n"
        "  id\n"
        "  \"Lead score\" = score\n"
        "  owner = if fit then \"sales\" else \"marketing\"\n"
        "}\n");
    assert_ndiags(&ps->d, 0);

    const field_decl *f = p->fields.v[0];
    assert_ident(f->name, "seen");
    assert_string_equal(f->from.s, "Seen");
    assert_int_equal(f->missing.n, 2);
    assert_string_equal(f->missing.v[1].s, "-");
    assert_int_equal(f->formats.n, 1);
    assert_string_equal(f->formats.v[0].s, "%d/%m/%Y");
    assert_string_equal(f->zone.s, "UTC");
    assert_ident(p->fields.v[1]->name, "count");
    assert_int_equal(p->missing.n, 1);
    assert_int_equal(p->formats.n, 1);
    assert_string_equal(p->formats.v[0].s, "%Y%m%d");

    assert_int_equal(p->hours.n, 2);
    assert_ident(p->hours.v[0].last_day, NULL);
    assert_int_equal(p->hours.v[0].intervals.n, 2);
    assert_string_equal(p->hours.v[0].intervals.v[1].from.s, "13:00");
    assert_ident(p->hours.v[1].first_day, "sat");

    const handoff_decl *h = p->handoffs.v[0];
    assert_ident(h->until, "sql");
    assert_null(h->start);
    assert_int_equal(h->windows.n, 1);
    assert_ident(h->windows.v[0].cls, NULL);
    assert_expr(h->windows.v[0].within, "(dur 2 day)");

    const quota_decl *q = p->quotas.v[0];
    assert_int_equal(q->lines.n, 3);
    assert_int_equal(q->lines.v[0].target_kind, QT_MONEY);
    assert_i64_equal(q->lines.v[0].target_int, 15002500);
    assert_int_equal(q->lines.v[0].metric, QM_SUM);
    assert_expr(q->lines.v[0].sum, "deal_amount");
    assert_expr(q->lines.v[0].when, "won");
    assert_ident(q->lines.v[0].period, "quarter");
    assert_int_equal(q->lines.v[1].metric, QM_CONVERSION);
    assert_ident(q->lines.v[1].a, "lead");
    assert_ident(q->lines.v[1].b, "sql");
    assert_expr(q->lines.v[1].by, "became_sql");
    assert_true(q->lines.v[1].target_num == 40.0);
    assert_int_equal(q->lines.v[2].metric, QM_CADENCE);
    assert_ident(q->lines.v[2].status, "on track");

    assert_int_equal(p->checkins.n, 2);
    assert_true(p->checkins.v[0]->weekly);
    assert_ident(p->checkins.v[0]->weekday, "monday");
    assert_string_equal(p->checkins.v[1]->name.s, "Review");
    assert_i64_equal(p->checkins.v[1]->day, 28);

    assert_true(p->has_output);
    assert_loc(p->output_loc, 15, 1);
    assert_int_equal(p->outputs.n, 3);
    assert_string_equal(p->outputs.v[0].header.s, "id");
    assert_expr(p->outputs.v[0].value, "id");
    assert_string_equal(p->outputs.v[1].header.s, "Lead score");
    assert_loc(p->outputs.v[1].header.loc, 17, 3);
    assert_expr(p->outputs.v[1].value, "score");
    assert_string_equal(p->outputs.v[2].header.s, "owner");
    assert_expr(p->outputs.v[2].value, "(if fit \"sales\" \"marketing\")");
}

static void precedence(void **state)
{
    parsed *ps = *state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"let x = a or b and c", "(or a (and b c))"},
        {"let x = a and b or c", "(or (and a b) c)"},
        {"let x = not a = b", "(not (= a b))"},
        {"let x = not a and b", "(and (not a) b)"},
        {"let x = a + b * c", "(+ a (* b c))"},
        {"let x = a - b - c", "(- (- a b) c)"},
        {"let x = a / b * c", "(* (/ a b) c)"},
        {"let x = (a + b) * c", "(* (+ a b) c)"},
        {"let x = x ends with \"a\" or y", "(or (ends x \"a\") y)"},
        {"let x = x ends with a + b", "(ends x (+ a b))"},
        {"let x = x starts with \"a\" ignoring case", "(starts/i x \"a\")"},
        {"let x = x contains any {\"a\", \"b\"} and y", "(and (contains x any {\"a\" \"b\"}) y)"},
        {"let x = a not in {1,2}", "(not-in a {1 2})"},
        {"let x = not a not in {1}", "(not (not-in a {1}))"},
        {"let x = a in {\"x\"} ignoring case", "(in/i a {\"x\"})"},
        {"let x = a in {}", "(in a {})"},
        {"let x = x ?? 0 + 1", "(?? x (+ 0 1))"},
        {"let x = a ?? b = c", "(= (?? a b) c)"},
        {"let x = if a then b else c or d", "(if a b (or c d))"},
        {"let x = if a then if b then 1 else 2 else 3", "(if a (if b 1 2) 3)"},
        {"let x = -a * 2", "(* (neg a) 2)"},
        {"let x = -2 * 3", "(* -2 3)"},
        {"let x = a - -1.5", "(- a -1.5)"},
        {"let x = a is set or b is unset", "(or (set a) (unset b))"},
        {"let x = a is not set", "(unset a)"},
        {"let x = stage is not mql", "(is-not stage mql)"},
        {"let x = cadence is on track", "(is cadence on track)"},
        {"let x = t older than 2 business days", "(older t (bdur 2 day))"},
        {"let x = f(a, b + 1) + g()", "(+ (call f {a (+ b 1)}) (call g {}))"},
        {"let x = now - 90 minutes > 2026-01-01", "(> (- now (dur 90 minute)) @2026-01-01)"},
        {"let x = 1.5 weeks", "(dur 1.5 week)"},
        {"let x = true and false", "(and true false)"},
        {"let x = $1,250.50 >= 2.5", "(>= $12505000 2.5)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_expr(let_value(ps, cases[i].text), cases[i].want);
}

static void line_continuation(void **state)
{
    parsed *ps = *state;
    /* a trailing operator continues the statement */
    assert_expr(let_value(ps, "let x = a +\n  b *\n  c\n"), "(+ a (* b c))");
    assert_expr(let_value(ps, "let x = a in\n {1}\n"), "(in a {1})");
    /* a line starting with `and`/`or` continues the one before */
    assert_expr(let_value(ps, "let x = a\n  and b\n  or c\n"), "(or (and a b) c)");
    assert_expr(let_value(ps, "let x = if a\n then b\n else c\n"), "(if a b c)");
    /* inside parentheses and sets, newlines are blanks */
    assert_expr(let_value(ps, "let x = (a\n + b\n)\n"), "(+ a b)");
    assert_expr(let_value(ps, "let x = a in {\n  1,\n  2\n  , 3\n}\n"), "(in a {1 2 3})");
    assert_expr(let_value(ps, "let x = f(\n a,\n b\n)"), "(call f {a b})");
    /* blank lines and comments in between do not end it either */
    assert_expr(let_value(ps, "let x = a +\n\n  # more\n\n  b\n"), "(+ a b)");
    assert_expr(let_value(ps, "let x = a\n\n# why\n\n  or b\n"), "(or a b)");

    /* a condition spread over lines, inside a block */
    policy *p = parse_str(ps, "stages {\n  mql when a and\n    b\n    or c\n  sql\n}\n");
    assert_ndiags(&ps->d, 0);
    assert_int_equal(p->stages.n, 2);
    assert_expr(p->stages.v[0]->when, "(or (and a b) c)");
    assert_ident(p->stages.v[1]->name, "sql");

    /* but a plain newline ends a statement */
    p = parse_str(ps, "let x = a\nlet y = b\n");
    assert_ndiags(&ps->d, 0);
    assert_int_equal(p->lets.n, 2);
}

static void semicolons_and_one_line_blocks(void **state)
{
    parsed *ps = *state;
    policy *p = parse_str(ps, "let a = 1; let b = 2;\nlet c = 3 ;; let d = 4");
    assert_ndiags(&ps->d, 0);
    assert_int_equal(p->lets.n, 4);
    assert_ident(p->lets.v[3]->name, "d");
    assert_loc(p->lets.v[3]->name.loc, 2, 18);

    p = parse_str(ps,
        "stages { a; b when x; c when y }\n"
        "classes { A when p }\n"
        "score { 5 when q; 7 }\n"
        "record r { a : int; b : text? from \"B\" }\n"
        "handoff a to t { clock starts at x, stops at y; within 1 day }\n"
        "cadence t on a { count n; 3 touches over 7 days }\n"
        "output { a; b = 1 }\n"
        "stages {}\n");
    /* the second stages block is the one mistake (and not a syntax error) */
    assert_ndiags(&ps->d, 1);
    assert_diag(&ps->d, 0, 8, 1, "a policy has one `stages` block");
    assert_int_equal(ps->d.v[0].code, D_DUPLICATE);
    assert_int_equal(ps->d.v[0].nnotes, 1);
    assert_loc(ps->d.v[0].notes[0].loc, 1, 1);
    assert_int_equal(p->syntax_errors, 0);

    assert_int_equal(p->stages.n, 3);
    assert_expr(p->stages.v[1]->when, "x");
    assert_ident(p->stages.v[2]->name, "c");
    assert_expr(p->stages.v[2]->when, "y");
    assert_int_equal(p->classes.n, 1);
    assert_expr(p->classes.v[0]->when, "p");
    assert_int_equal(p->scores.v[0]->rules.n, 2);
    assert_expr(p->scores.v[0]->rules.v[1].value, "7");
    assert_null(p->scores.v[0]->rules.v[1].when);
    assert_int_equal(p->fields.n, 2);
    assert_true(p->fields.v[1]->opt);
    assert_string_equal(p->fields.v[1]->from.s, "B");
    assert_expr(p->handoffs.v[0]->stop, "y");
    assert_int_equal(p->handoffs.v[0]->windows.n, 1);
    assert_expr(p->cadences.v[0]->count, "n");
    assert_int_equal(p->cadences.v[0]->entries.n, 1);
    assert_ident(p->cadences.v[0]->entries.v[0].cls, NULL);
    assert_int_equal(p->outputs.n, 2);
}

static void empty_and_blank_files(void **state)
{
    parsed *ps = *state;
    static const char *const texts[] = {"", "\n\n\n", "# just a comment", "  \r\n\t\r\n", ";;\n;"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        policy *p = parse_str(ps, texts[i]);
        assert_non_null(p);
        assert_ndiags(&ps->d, 0);
        assert_int_equal(p->syntax_errors, 0);
        assert_null(p->name.s);
        assert_null(p->record_name.name);
        assert_int_equal(p->fields.n + p->lets.n + p->stages.n + p->classes.n + p->teams.n, 0);
        assert_false(p->has_output);
    }
}

/* ---- errors and recovery ------------------------------------------------------------ */

static void many_independent_mistakes(void **state)
{
    parsed *ps = *state;
    policy *p = parse_str(ps,
        "policy \"x\"\n"
        "record lead {\n"
        "  email : text frm \"Email\"\n"           /* 3: misspelt from */
        "  n : int\n"
        "}\n"
        "let a = n @ 2\n"                          /* 6: unknown character */
        "handoff mql sales {\n"                    /* 7: missing to */
        "  within 1 hour\n"
        "}\n"
        "stages {\n"
        "  lead whn email != \"\"\n"               /* 11: misspelt when */
        "  mql when n > 1\n"
        "}\n"
        "let s = \"abc\n"                          /* 14: unterminated string */
        "team sales\n"
        "let x = 1 +");                            /* 16: unfinished at the end */
    assert_ndiags(&ps->d, 6);
    assert_int_equal(p->syntax_errors, 6);
    for (size_t i = 0; i < ps->d.n; i++) {
        assert_int_equal(ps->d.v[i].code, D_SYNTAX);
        assert_int_equal(ps->d.v[i].sev, SEV_ERROR);
    }
    const diag *d = assert_diag(&ps->d, 0, 3, 16, "found `frm`");
    assert_string_equal(d->suggestion, "did you mean `from`?");
    assert_range(d->loc, 3, 16, 3, 19);
    d = assert_diag(&ps->d, 1, 6, 11, "unexpected character `@` here");
    assert_null(d->suggestion);
    d = assert_diag(&ps->d, 2, 7, 13, "expected `to`, found `sales`");
    d = assert_diag(&ps->d, 3, 11, 8, "found `whn`");
    assert_string_equal(d->suggestion, "did you mean `when`?");
    assert_diag(&ps->d, 4, 14, 9, "this string is not closed before the end of the line");
    assert_diag(&ps->d, 5, 16, 12, "this line ends before the statement is complete");

    /* what could be built was built */
    assert_string_equal(p->name.s, "x");
    assert_int_equal(p->fields.n, 2);
    assert_ident(p->fields.v[0]->name, "email");
    assert_ident(p->fields.v[1]->name, "n");
    assert_ident(p->fields.v[1]->type_name, "int");
    assert_int_equal(p->handoffs.n, 0);
    assert_int_equal(p->stages.n, 2);
    assert_ident(p->stages.v[1]->name, "mql");
    assert_expr(p->stages.v[1]->when, "(> n 1)");
    assert_int_equal(p->teams.n, 1);
    assert_ident(p->teams.v[0]->name, "sales");
    /* `let a`, `let s` and `let x` keep their names for later checks */
    assert_int_equal(p->lets.n, 3);
    assert_ident(p->lets.v[0]->name, "a");
    assert_ident(p->lets.v[1]->name, "s");
    assert_ident(p->lets.v[2]->name, "x");
    assert_int_equal(p->lets.v[0]->value->kind, E_ERROR);
}

static void broken_stage_keeps_its_name(void **state)
{
    parsed *ps = *state;
    policy *p = parse_str(ps,
        "stages {\n"
        "  lead whn email != \"\"\n"
        "  mql when score >= @\n"
        "  sql when (a and)\n"
        "  won when x\n"
        "}\n");
    assert_ndiags(&ps->d, 3);
    assert_diag(&ps->d, 0, 2, 8, "found `whn`");
    assert_diag(&ps->d, 1, 3, 21, "unexpected character `@` here");
    assert_diag(&ps->d, 2, 4, 18, "unexpected `)` here");
    assert_int_equal(p->stages.n, 4);
    static const char *const names[] = {"lead", "mql", "sql", "won"};
    for (int i = 0; i < 4; i++) {
        assert_ident(p->stages.v[i]->name, names[i]);
        assert_int_equal(p->stages.v[i]->index, i);
    }
    /* the broken ones are marked, so their uses are not "undefined" later
     * and their conditions are not checked again */
    assert_non_null(p->stages.v[0]->when);
    assert_int_equal(p->stages.v[0]->when->kind, E_ERROR);
    assert_int_equal(p->stages.v[1]->when->kind, E_ERROR);
    assert_non_null(p->stages.v[2]->when);
    assert_int_equal(p->stages.v[2]->when->kind, E_ERROR);
    assert_expr(p->stages.v[3]->when, "x");

    /* a second `when` is reported as such, once */
    p = parse_str(ps, "stages {\n  a when x when y\n}\n");
    assert_ndiags(&ps->d, 1);
    assert_diag(&ps->d, 0, 2, 12, "stage `a` already has a `when`");
    assert_expr(p->stages.v[0]->when, "x");

    /* a class without a condition is broken, not a catch-all */
    p = parse_str(ps, "classes {\n  A\n  B otherwise\n}\n");
    assert_ndiags(&ps->d, 1);
    assert_diag(&ps->d, 0, 2, 4, "expected `otherwise` or `when`, found end of line");
    assert_int_equal(p->classes.n, 2);
    assert_int_equal(p->classes.v[0]->when->kind, E_ERROR);
    assert_false(p->classes.v[0]->otherwise);
    assert_true(p->classes.v[1]->otherwise);
}

static void unclosed_block_at_end_of_file(void **state)
{
    parsed *ps = *state;
    policy *p = parse_str(ps, "let a = 1\nstages {\n  lead when a\n  mql\n");
    assert_ndiags(&ps->d, 1);
    const diag *d = assert_diag(&ps->d, 0, 5, 1, "the file ends before this block is closed with `}`");
    assert_int_equal(d->nnotes, 1);
    assert_loc(d->notes[0].loc, 2, 8);
    assert_string_equal(d->notes[0].msg, "the block opened here");
    assert_int_equal(p->syntax_errors, 1);
    /* the items before the end are kept */
    assert_int_equal(p->stages.n, 2);
    assert_expr(p->stages.v[0]->when, "a");
    assert_ident(p->stages.v[1]->name, "mql");

    /* the innermost open block is the one named, without a final newline */
    p = parse_str(ps, "record r {\n  a : int\n  b : text? from \"B\"");
    assert_ndiags(&ps->d, 1);
    d = &ps->d.v[0];
    assert_contains(d->msg, "the file ends before this block is closed");
    assert_int_equal(d->nnotes, 1);
    assert_loc(d->notes[0].loc, 1, 10);
}

static void unfinished_let_at_end_of_file(void **state)
{
    parsed *ps = *state;
    static const char *const texts[] = {"let x = 1 +", "let x = 1 +\n", "let x = 1 +\n\n# end\n"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        policy *p = parse_str(ps, texts[i]);
        assert_ndiags(&ps->d, 1);
        assert_diag(&ps->d, 0, 1, 12, "this line ends before the statement is complete");
        assert_int_equal(p->lets.n, 1);
        assert_ident(p->lets.v[0]->name, "x");
        assert_int_equal(p->lets.v[0]->value->kind, E_ERROR);
    }
}

static void other_syntax_messages(void **state)
{
    parsed *ps = *state;
    /* two items on one line */
    parse_str(ps, "let x = a b\n");
    assert_ndiags(&ps->d, 1);
    assert_diag(&ps->d, 0, 1, 11, "expected the end of the line, found `b` (put each item on its own line");

    /* a percentage outside a quota */
    parse_str(ps, "let x = 95%\n");
    assert_ndiags(&ps->d, 1);
    assert_diag(&ps->d, 0, 1, 9, "a percentage can only be a quota's target");

    /* `is on` must be `is on track` */
    parse_str(ps, "let x = c is on trak\n");
    assert_ndiags(&ps->d, 1);
    assert_diag(&ps->d, 0, 1, 17, "expected `track`, found `trak`");

    /* a cadence counts touches */
    policy *p = parse_str(ps, "cadence t on s {\n  A: 3 calls over 2 days\n  B: 2 touches over 1 day\n}\n");
    assert_ndiags(&ps->d, 1);
    assert_diag(&ps->d, 0, 2, 8, "expected `touches`, found `calls`");
    assert_int_equal(p->cadences.v[0]->entries.n, 1);
    assert_ident(p->cadences.v[0]->entries.v[0].cls, "B");

    /* duplicates keep the first */
    p = parse_str(ps, "policy \"a\"\npolicy \"b\"\n");
    assert_ndiags(&ps->d, 1);
    const diag *d = assert_diag(&ps->d, 0, 2, 8, "the policy name is already given");
    assert_int_equal(d->code, D_DUPLICATE);
    assert_string_equal(d->notes[0].msg, "first given here");
    assert_loc(d->notes[0].loc, 1, 8);
    assert_string_equal(p->name.s, "a");

    /* literals out of range */
    /* 9223372036854775808 parses (it is valid negated); the checker
     * reports it where it stands without a minus. */
    policy *lit = parse_str(ps, "let a = 9223372036854775807\nlet b = 9223372036854775808\n"
                            "let c = $1.23456\nlet d = $1,00\n");
    assert_ndiags(&ps->d, 2);
    assert_diag(&ps->d, 0, 3, 9, "$1.23456 has more than 4 decimals");
    assert_int_equal(ps->d.v[0].code, D_INVALID_VALUE);
    assert_diag(&ps->d, 1, 4, 11, "expected the end of the line, found `,`");
    assert_int_equal(lit->lets.v[1]->value->kind, E_INT);
    assert_true(lit->lets.v[1]->value->negate);
}

/* Regression test (fixed): mk_neg in parser/actions.c says it folds the sign into literals "so
 * -9223372036854775808 ... [is a] plain constant", but mk_int runs first on
 * the unsigned digits and reports "9223372036854775808 is too large for a
 * whole number": the smallest int64 cannot be written. */
static void smallest_integer_literal(void **state)
{
    parsed *ps = *state;
    assert_expr(let_value(ps, "let x = -9223372036854775808\n"), "-9223372036854775808");
}

/* Regression test (fixed): the mid-rule actions in parser.y that begin a hand-off, a cadence, a
 * quota and the business hours pass `@$`, which in a mid-rule action is the
 * empty location of the action itself (the end of the last symbol before
 * it), not the statement: handoff_decl.loc is 46:21-46:21 (just after
 * `sales`) instead of starting at `handoff` on 46:1. Diagnostics the checker
 * gives at these locations would point after the header, not at it. */
static void statement_locations(void **state)
{
    parsed *ps = *state;
    policy *p = parse_sketch(ps);
    const struct {
        const char *what;
        src_loc loc;
        int line, col;
    } want[] = {
        {"recycle", p->recycles.v[0]->loc, 58, 1},   /* from a final action: right */
        {"score", p->scores.v[0]->loc, 25, 1},
        {"business hours", p->hours_loc, 3, 1},
        {"handoff", p->handoffs.v[0]->loc, 46, 1},
        {"cadence", p->cadences.v[0]->loc, 51, 1},
        {"quota marketing", p->quotas.v[0]->loc, 61, 1},
        {"quota sales", p->quotas.v[1]->loc, 62, 1},
    };
    int wrong = 0;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (want[i].loc.line != want[i].line || want[i].loc.col != want[i].col) {
            print_error("%s is at %d:%d-%d:%d, want %d:%d\n", want[i].what, want[i].loc.line,
                        want[i].loc.col, want[i].loc.end_line, want[i].loc.end_col,
                        want[i].line, want[i].col);
            wrong++;
        }
    }
    assert_int_equal(wrong, 0);
}

/* Regression test (fixed) (diagnostic quality): a misspelt keyword at the start of a statement
 * is read as the `<word> format "..."` item (`time format`), so `taem sales`
 * gives "expected `format`, found `sales`" at `sales`, with no suggestion.
 * The mistake is `taem`, which should be reported where it stands, with
 * "did you mean `team`?" as for misspelt keywords elsewhere. */
static void misspelt_statement_keyword(void **state)
{
    parsed *ps = *state;
    parse_str(ps, "stages {\n  a\n}\ntaem sales\nteam x\n");
    assert_ndiags(&ps->d, 1);
    assert_diag(&ps->d, 0, 4, 1, "`taem`");
    assert_non_null(ps->d.v[0].suggestion);
    assert_string_equal(ps->d.v[0].suggestion, "did you mean `team`?");
}

/* ---- limits ---------------------------------------------------------------------------- */

/* The real depth of a tree (not its depth field), counting E_ERROR nodes;
 * gives up past 1000 levels rather than overflow the stack. */
static int walk(const expr *e, int level, int *errors)
{
    if (!e)
        return 0;
    if (level > 1000)
        return level;
    if (e->kind == E_ERROR)
        ++*errors;
    int d = 0, k;
    if ((k = walk(e->a, level + 1, errors)) > d) d = k;
    if ((k = walk(e->b, level + 1, errors)) > d) d = k;
    if ((k = walk(e->c, level + 1, errors)) > d) d = k;
    for (int i = 0; i < e->list.n; i++)
        if ((k = walk(e->list.v[i], level + 1, errors)) > d)
            d = k;
    return d + 1;
}

/* e is no deeper than the parser's limit and holds the error reported. */
#define assert_cut_short(e) check_cut_short_at((e), __FILE__, __LINE__)

static void check_cut_short_at(const expr *e, const char *file, int line)
{
    int errors = 0;
    int depth = walk(e, 1, &errors);
    if (depth > PARSE_MAX_DEPTH || errors == 0 || e->depth > PARSE_MAX_DEPTH) {
        print_error("tree is %d deep (depth field %d) with %d error node(s)\n", depth,
                    e->depth, errors);
        _fail(file, line);
    }
}

static void deep_not_chain(void **state)
{
    parsed *ps = *state;
    policy *p = parse_owned(ps, repeat_text("let x = ", "not ", 1000, "a", "", "\nlet y = 1\n"));
    assert_ndiags(&ps->d, 1);
    assert_int_equal(ps->d.v[0].loc.line, 1);
    assert_contains(ps->d.v[0].msg, "this expression is nested more than 256 levels deep");
    assert_int_equal(p->lets.n, 2);
    assert_cut_short(p->lets.v[0]->value);
    assert_expr(p->lets.v[1]->value, "1");

    /* 256 levels are fine: the limit is exact */
    p = parse_owned(ps, repeat_text("let x = ", "not ", 255, "a", "", "\n"));
    assert_ndiags(&ps->d, 0);
    assert_int_equal(p->lets.v[0]->value->depth, 256);
    parse_owned(ps, repeat_text("let x = ", "not ", 256, "a", "", "\n"));
    assert_ndiags(&ps->d, 1);
}

static void deep_nesting_in_parentheses(void **state)
{
    parsed *ps = *state;
    /* 300 nested (1 + (1 + ...)) */
    policy *p = parse_owned(ps, repeat_text("let x = ", "(1 + ", 300, "1", ")", "\n"));
    assert_ndiags(&ps->d, 1);
    assert_contains(ps->d.v[0].msg, "nested more than 256 levels");
    assert_cut_short(p->lets.v[0]->value);

    /* in a stage: the stage keeps its name, later items are unharmed */
    p = parse_owned(ps, repeat_text("stages {\n  a when ", "not (", 300, "x", ")",
                                    "\n  b when y\n}\n"));
    assert_ndiags(&ps->d, 1);
    assert_int_equal(ps->d.v[0].loc.line, 2);
    assert_contains(ps->d.v[0].msg, "nested more than 256 levels");
    assert_int_equal(p->stages.n, 2);
    assert_ident(p->stages.v[0]->name, "a");
    assert_cut_short(p->stages.v[0]->when);
    assert_expr(p->stages.v[1]->when, "y");
}

/* Regression test (fixed) (or a gap between parse.h's limit and the code): parentheses that
 * wrap nothing but more parentheses do not count toward the nesting limit
 * (`LPAREN expr RPAREN` returns the inner node). 300 levels are accepted
 * without a diagnostic; about 5,000 levels exhaust bison's stack
 * (YYMAXDEPTH 10000), which gives a different message and stops the parse
 * (see very_deep_parentheses). The nesting of the text should be limited
 * to PARSE_MAX_DEPTH like every other kind of nesting. */
static void bare_parentheses_count_toward_the_limit(void **state)
{
    parsed *ps = *state;
    parse_owned(ps, repeat_text("let x = ", "(", 300, "1", ")", "\n"));
    assert_ndiags(&ps->d, 1);
    assert_contains(ps->d.v[0].msg, "nested more than 256 levels");
}

static void very_deep_parentheses(void **state)
{
    parsed *ps = *state;
    policy *p = parse_owned(ps, repeat_text("let x = ", "(", 20000, "1", ")", "\n"));
    /* one diagnostic and no crash, whatever the wording */
    assert_ndiags(&ps->d, 1);
    assert_int_equal(ps->d.v[0].loc.line, 1);
    assert_int_equal(p->syntax_errors, 1);

    /* sets do not nest: 1000 open braces are one error, and the bridge's
     * table of open braces (PARSE_MAX_DEPTH entries) does not overflow */
    parse_owned(ps, repeat_text("let x = a in ", "{", 1000, "1", "}", "\n"));
    assert_ndiags(&ps->d, 1);
    assert_int_equal(ps->d.v[0].loc.line, 1);
}

static void very_long_sum(void **state)
{
    parsed *ps = *state;
    enum { TERMS = 100000 };
    char *text = repeat_text("let x = 1", " + 1", TERMS - 1, "", "", "\nlet y = 2\n");
    policy *p = parse_owned(ps, text);
    assert_ndiags(&ps->d, 1);
    assert_diag(&ps->d, 0, 1, 9, "this expression is nested more than 256 levels deep");
    assert_int_equal(p->lets.n, 2);
    assert_cut_short(p->lets.v[0]->value);
    assert_expr(p->lets.v[1]->value, "2");
}

/* Regression test (fixed): depth_reported (parser/actions.c) is cleared by add_let,
 * add_score_rule, begin_stage, begin_class, handoff_window, add_output and
 * recover, but not after a recycle (nor a hand-off clock, a cadence count
 * or a quota line). A too-deep `recycle ... when` expression therefore
 * silences the same error in the next statement: here `let y` becomes
 * E_ERROR with no diagnostic at all. */
static void depth_error_once_per_statement(void **state)
{
    parsed *ps = *state;
    char *deep = repeat_text("", "not ", 300, "a", "", "");
    size_t n = strlen(deep) * 3 + 100;
    char *text = malloc(n);
    assert_non_null(text);
    snprintf(text, n, "let x = %s\nrecycle to t when %s\nlet y = %s\n", deep, deep, deep);
    free(deep);
    policy *p = parse_owned(ps, text);
    assert_int_equal(p->lets.n, 2);
    assert_int_equal(p->recycles.n, 1);
    assert_ndiags(&ps->d, 3);
    assert_int_equal(ps->d.v[0].loc.line, 1);
    assert_int_equal(ps->d.v[1].loc.line, 2);
    assert_int_equal(ps->d.v[2].loc.line, 3);
}

/* ---- tests ---------------------------------------------------------------------- */

static void test_blocks(void **state)
{
    parsed *ps = *state;
    policy *p = parse_str(ps,
        "test policy \"inbound.sla\"\n"
        "test as of 2026-11-01T09:00:00\n"
        "test \"one\" {\n"
        "  as of 2026-11-02\n"
        "  record email = \"a@b.com\", score_in = -5,\n"
        "         amount = $1,200.50\n"
        "  record won = true\n"
        "  expect stage is mql and not recycled\n"
        "  expect quota sales \"95% handoff met per month\" last period is at risk\n"
        "  expect quota \"400 mql per month\" is no data\n"
        "  expect quota \"400 mql per month\" = 18\n"
        "  expect quota \"$1 sum x per year\" = $212,000\n"
        "  expect quota \"30% a to b per month\" is on track\n"
        "}\n"
        "test \"two\" { expect quota \"x\" = 56.25% }\n");
    assert_ndiags(&ps->d, 0);
    assert_string_equal(p->test_policy.s, "inbound.sla");
    assert_non_null(p->test_as_of);
    assert_int_equal(p->tests.n, 2);
    const test_decl *t = p->tests.v[0];
    assert_string_equal(t->name.s, "one");
    assert_int_equal(t->loc.line, 3);
    assert_string_equal(t->as_of->str, "2026-11-02");
    assert_int_equal(t->records.n, 2);
    assert_int_equal(t->records.v[0].values.n, 3);
    assert_string_equal(t->records.v[0].values.v[1].field.name, "score_in");
    assert_expr(t->records.v[0].values.v[1].value, "-5");
    assert_int_equal(t->records.v[0].values.v[2].value->ival, 12005000);
    assert_int_equal(t->records.v[1].loc.line, 7);
    assert_int_equal(t->expects.n, 6);
    assert_expr(t->expects.v[0].cond, "(and (is stage mql) (not recycled))");
    const test_expect *x = &t->expects.v[1];
    assert_int_equal(x->kind, TX_QUOTA_STATUS);
    assert_string_equal(x->team.name, "sales");
    assert_true(x->last);
    assert_string_equal(x->status.name, "at risk");
    assert_string_equal(t->expects.v[2].status.name, "no data");
    assert_null(t->expects.v[2].team.name);
    assert_false(t->expects.v[2].last);
    assert_int_equal(t->expects.v[3].kind, TX_QUOTA_VALUE);
    assert_int_equal(t->expects.v[3].value_kind, QT_COUNT);
    assert_int_equal(t->expects.v[3].value_int, 18);
    assert_int_equal(t->expects.v[4].value_kind, QT_MONEY);
    assert_int_equal(t->expects.v[4].value_int, INT64_C(2120000000));
    assert_string_equal(t->expects.v[5].status.name, "on track");
    const test_expect *y = &p->tests.v[1]->expects.v[0];
    assert_int_equal(y->value_kind, QT_PERCENT);
    assert_true(y->value_num > 56.2499 && y->value_num < 56.2501);
}

static void test_block_mistakes(void **state)
{
    parsed *ps = *state;
    policy *p = parse_str(ps,
        "test \"a\" {\n"
        "  as off 2026-11-02\n"
        "  record email = \"x\", email = \"y\"\n"
        "  expect quota \"x\" last month is met\n"
        "  expect stage is mql\n"
        "}\n"
        "let test = 1\n");
    assert_ndiags(&ps->d, 3);
    assert_int_equal(ps->d.v[0].loc.line, 2);
    assert_int_equal(ps->d.v[1].loc.line, 3);
    assert_int_equal(ps->d.v[2].loc.line, 4);
    assert_int_equal(p->tests.n, 1);
    assert_int_equal(p->tests.v[0]->expects.n, 2);
    assert_int_equal(p->lets.n, 1);   /* `test` is a name where it is not a keyword */
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, parsed_setup, parsed_teardown)
    const struct CMUnitTest tests[] = {
        T(sketch_counts),
        T(sketch_header),
        T(sketch_record),
        T(sketch_lets_and_score),
        T(sketch_stages_classes_teams),
        T(sketch_handoff_and_cadence),
        T(sketch_recycle_quota_checkins),
        T(output_and_other_items),
        T(precedence),
        T(line_continuation),
        T(semicolons_and_one_line_blocks),
        T(empty_and_blank_files),
        T(many_independent_mistakes),
        T(broken_stage_keeps_its_name),
        T(unclosed_block_at_end_of_file),
        T(unfinished_let_at_end_of_file),
        T(other_syntax_messages),
        T(smallest_integer_literal),
        T(statement_locations),
        T(misspelt_statement_keyword),
        T(deep_not_chain),
        T(deep_nesting_in_parentheses),
        T(bare_parentheses_count_toward_the_limit),
        T(very_deep_parentheses),
        T(very_long_sum),
        T(depth_error_once_per_statement),
        T(test_blocks),
        T(test_block_mistakes),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
