/*
 * test_verify.c - the bytecode verifier, one rule at a time.
 *
 * Each test starts from a small valid program built by hand, breaks one
 * rule and expects the verifier's exact message; the valid programs pass.
 * Every opcode is also exercised from its signature alone: a program using
 * each one with well-typed operands must pass, and each typed operand
 * swapped for a register of another type must be refused, so a new opcode
 * is covered the day it is added to opcodes.h.
 */
#include "support.h"

#include "../../common/xalloc.h"
#include "../../runtime/program.h"
#include "../../runtime/verify.h"

#include "program_builder.h"

/* ---- checking ------------------------------------------------------------------- */

#define assert_valid(p) check_valid_at((p), __FILE__, __LINE__)
#define assert_refused(p, msg) check_refused_at((p), (msg), __FILE__, __LINE__)

static void check_valid_at(sla_program *p, const char *file, int line)
{
    char err[512];
    const char *why = verify_program(p, err, sizeof err);
    if (why) {
        print_error("verify_program refused a valid program: %s\n", why);
        program_free(p);
        _fail(file, line);
    }
    program_free(p);
}

/* Refused with exactly msg; frees p. */
static void check_refused_at(sla_program *p, const char *msg, const char *file, int line)
{
    char err[512];
    const char *why = verify_program(p, err, sizeof err);
    program_free(p);
    if (!why) {
        print_error("verify_program accepted a program it should refuse with \"%s\"\n", msg);
        _fail(file, line);
    } else if (strcmp(why, msg) != 0) {
        print_error("verify_program said\n  \"%s\"\nwant\n  \"%s\"\n", why, msg);
        _fail(file, line);
    }
}

/* The smallest program: the as-of constant and RET. */
static sla_program *minimal(void)
{
    sla_program *p = tp_new();
    tp_now(p);
    return p;
}

/* ---- valid programs ---------------------------------------------------------------- */

static void minimal_program_passes(void **state)
{
    (void)state;
    sla_program *p = minimal();
    tp_ret(p);
    assert_valid(p);
}

static void typical_program_passes(void **state)
{
    (void)state;
    sla_program *p = tp_new();
    uint32_t email = tp_field(p, "email", VT_TEXT);
    uint32_t size = tp_field(p, "size", VT_INT);
    uint32_t mql_at = tp_field(p, "became_mql", VT_TIME);
    tp_now(p);
    uint32_t k50 = tp_int(p, VT_INT, 50);
    uint32_t k0 = tp_int(p, VT_INT, 0);
    uint32_t k30 = tp_int(p, VT_INT, 30);
    uint32_t kempty = tp_const(p, VT_TEXT, (sla_value){.s = "", .len = 0});
    uint32_t st0 = tp_int(p, VT_STAGE, 0), st1 = tp_int(p, VT_STAGE, 1);
    tp_stages(p, 2);
    uint32_t score = tp_temp(p, VT_INT), b = tp_temp(p, VT_BOOL), stage = tp_temp(p, VT_STAGE);
    /* score := 0; if size >= 50 then score += 30 */
    tp_op(p, OP_MOVE, score, k0, 0);
    tp_op(p, OP_LE, b, k50, size);
    tp_jump(p, OP_JMPF, b, 4);
    tp_op(p, OP_ADD, score, score, k30);
    /* stage := 0; if email != "" then stage := 1 */
    tp_op(p, OP_MOVE, stage, st0, 0);
    tp_op(p, OP_NET, b, email, kempty);
    tp_jump(p, OP_JMPF, b, 8);
    tp_op(p, OP_MOVE, stage, st1, 0);
    uint32_t age = tp_temp(p, VT_DURATION);
    tp_op(p, OP_TDIFF, age, p->now_reg, mql_at);
    tp_output(p, "score", score);
    tp_output(p, "stage", stage);
    tp_output(p, "email", email);
    tp_output(p, "age", age);
    tp_ret(p);
    assert_valid(p);
}


static void every_opcode_passes(void **state)
{
    (void)state;
    kit k;
    kit_init(&k, tp_new());
    for (int op = 0; op < OP__COUNT; op++)
        if (op != OP_RET)
            kit_op(&k, (opcode)op);
    tp_ret(k.p);
    assert_valid(k.p);
}

/* Every typed operand of every opcode, given a register of each other
 * type in turn, is refused. */
static void every_operand_type_is_checked(void **state)
{
    (void)state;
    int refused = 0;
    for (int op = 0; op < OP__COUNT; op++) {
        const char *sig = opcode_signatures[op];
        if (op == OP_RET || op == OP_HANDOFF || op == OP_CADENCE)
            continue;
        for (int i = 0; i < 3 && sig[i]; i++) {
            char c = sig[i];
            if (!strchr("inmbtTdDschkI", c))
                continue;
            for (int t = 0; t < VT__COUNT; t++) {
                bool fits = c == 'I' ? t != VT_NUMBER && t != VT_TEXT && t != VT_BDURATION
                                     : t == (int)letter_type(c);
                if (c == 'I' && (op == OP_ADD || op == OP_SUB || op == OP_NEG || op == OP_ABS))
                    fits = t == VT_INT || t == VT_MONEY || t == VT_DURATION;
                if (fits)
                    continue;
                kit k;
                kit_init(&k, tp_new());
                uint32_t pc = kit_op(&k, (opcode)op);
                uint16_t *o = i == 0 ? &k.p->code[pc].a : i == 1 ? &k.p->code[pc].b
                                                                 : &k.p->code[pc].c;
                *o = (uint16_t)(i == 1 ? k.reg[t] : k.other[t]);
                tp_ret(k.p);
                char err[512];
                const char *why = verify_program(k.p, err, sizeof err);
                if (!why) {
                    print_error("%s with operand %c of type %s was accepted\n",
                                opcode_names[op], "ABC"[i], vtype_names[t]);
                    program_free(k.p);
                    fail();
                }
                program_free(k.p);
                refused++;
            }
        }
    }
    assert_true(refused > 1000);
}

static void signatures_are_well_formed(void **state)
{
    (void)state;
    for (int op = 0; op < OP__COUNT; op++) {
        const char *sig = opcode_signatures[op];
        size_t n = strlen(sig);
        assert_non_null(opcode_names[op]);
        assert_non_null(opcode_semantics[op]);
        if (n == 2) {
            assert_int_equal(sig[1], 'j');
            assert_true(sig[0] == '-' || sig[0] == 'b');
            continue;
        }
        assert_int_equal(n, 3);
        for (size_t i = 0; i < n; i++)
            assert_non_null(strchr("inmbtTdDschkIxSHCX-", sig[i]));
        assert_true(strchr(opcode_semantics[op], '\n') == NULL);
    }
    assert_string_equal(opcode_names[OP_MOVE], "MOVE");
    assert_string_equal(opcode_names[OP_RET], "RET");
    assert_string_equal(opcode_signatures[OP_ADD], "III");
    assert_string_equal(vtype_names[VT_BDURATION], "business duration");
    assert_string_equal(vtype_names[VT_HANDOFF], "hand-off status");
    assert_string_equal(vtype_names[VT_CADENCE], "cadence status");
    for (int t = 0; t < VT__COUNT; t++)
        assert_non_null(vtype_names[t]);
}

/* ---- the program's layout ------------------------------------------------------------ */

static void too_many_registers(void **state)
{
    (void)state;
    sla_program *p = minimal();
    while (p->nregs < 65536)
        tp_temp(p, VT_INT);
    tp_ret(p);
    assert_refused(p, "the program has 65536 registers; at most 65535 are allowed");

    p = minimal();
    while (p->nregs < 65535)
        tp_temp(p, VT_INT);
    tp_ret(p);
    assert_valid(p);
}

static void unknown_register_type(void **state)
{
    (void)state;
    sla_program *p = minimal();
    tp_temp(p, VT_INT);
    p->reg_types[1] = (vtype)VT__COUNT;
    tp_ret(p);
    assert_refused(p, "register r1 has an unknown type (12)");
}

static void first_temp_must_follow_constants(void **state)
{
    (void)state;
    sla_program *p = minimal();
    tp_temp(p, VT_INT);
    p->first_temp = 2;
    tp_ret(p);
    assert_refused(p, "the first computed register is r2; it should be r1, right after the "
                      "fields and constants");

    p = minimal();
    p->nregs = 0;
    tp_ret(p);
    assert_refused(p, "the fields and constants need 1 register, but the program has 0");
}

static void missing_name_or_zone(void **state)
{
    (void)state;
    sla_program *p = minimal();
    p->name = NULL;
    tp_ret(p);
    assert_refused(p, "the program has no name");
    p = minimal();
    p->zone = NULL;
    tp_ret(p);
    assert_refused(p, "the program has no time zone");
    assert_string_equal(verify_program(NULL, NULL, 0), "there is no program");
}

/* ---- fields ---------------------------------------------------------------------------- */

static void field_types(void **state)
{
    (void)state;
    static const vtype ok[] = {VT_INT, VT_NUMBER, VT_MONEY, VT_BOOL, VT_TEXT, VT_TIME,
                               VT_DURATION};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        sla_program *p = tp_new();
        tp_field(p, "x", ok[i]);
        tp_now(p);
        tp_ret(p);
        assert_valid(p);
    }
    sla_program *p = tp_new();
    tp_field(p, "x", VT_BDURATION);
    tp_now(p);
    tp_ret(p);
    assert_refused(p, "field x has type business duration, which a record cannot hold");

    p = tp_new();
    tp_field(p, "x", VT_STAGE);
    tp_now(p);
    tp_ret(p);
    assert_refused(p, "field x has type stage, which a record cannot hold");

    p = tp_new();
    tp_field(p, "x", VT_INT);
    tp_now(p);
    p->reg_types[0] = VT_TEXT;
    tp_ret(p);
    assert_refused(p, "register r0 holds field x, which is int, but is typed text");
}

static void field_names_and_lists(void **state)
{
    (void)state;
    sla_program *p = tp_new();
    tp_field(p, "x", VT_INT);
    tp_now(p);
    p->fields[0].name = NULL;
    tp_ret(p);
    assert_refused(p, "field 0 has no name");

    p = tp_new();
    tp_field(p, "x", VT_INT);
    tp_now(p);
    p->fields[0].column = NULL;
    tp_ret(p);
    assert_refused(p, "field x has no column");

    p = tp_new();
    tp_field(p, "x", VT_INT);
    tp_now(p);
    p->fields[0].nmissing = 2;
    tp_ret(p);
    assert_refused(p, "field x has 2 missing-value words but no list of them");

    static const char *words[] = {"N/A", NULL};
    p = tp_new();
    tp_field(p, "x", VT_INT);
    tp_now(p);
    p->fields[0].missing = words;
    p->fields[0].nmissing = 2;
    tp_ret(p);
    assert_refused(p, "field x: missing-value word 1 is absent");

    p = tp_new();
    tp_field(p, "x", VT_TIME);
    tp_now(p);
    p->fields[0].formats = words;
    p->fields[0].nformats = 2;
    tp_ret(p);
    assert_refused(p, "field x: time format 1 is absent");

    p = tp_new();
    tp_field(p, "x", VT_TIME);
    tp_now(p);
    p->fields[0].nformats = 1;
    tp_ret(p);
    assert_refused(p, "field x has 1 time formats but no list of them");
}

/* ---- constants -------------------------------------------------------------------------- */

/* The minimal program with one more constant. */
static sla_program *with_const(vtype t, sla_value v)
{
    sla_program *p = minimal();
    tp_const(p, t, v);
    tp_ret(p);
    return p;
}

static void constant_values(void **state)
{
    (void)state;
    sla_program *p = minimal();
    tp_stages(p, 2);
    tp_classes(p, 1);
    tp_int(p, VT_STAGE, 1);
    tp_int(p, VT_CLASS, 0);
    tp_int(p, VT_BOOL, 1);
    tp_int(p, VT_BOOL, 0);
    tp_int(p, VT_HANDOFF, HS__COUNT - 1);
    tp_int(p, VT_CADENCE, CS__COUNT - 1);
    tp_const(p, VT_BDURATION, (sla_value){.i = 2, .len = 1});
    tp_const(p, VT_STAGE, (sla_value){.i = 99, .null = 1});   /* unset: no range */
    tp_const(p, VT_TEXT, (sla_value){.s = "héllo", .len = 6});
    tp_const(p, VT_TEXT, (sla_value){.s = NULL, .len = 0});
    tp_ret(p);
    assert_valid(p);

    assert_refused(with_const(VT_BOOL, (sla_value){.i = 2}),
                   "constant r1 is a bool holding 2, not 0 or 1");
    assert_refused(with_const(VT_STAGE, (sla_value){.i = 0}),
                   "constant r1 is stage number 0, but the program has 0 stages");
    p = with_const(VT_STAGE, (sla_value){.i = -1});
    tp_stages(p, 3);
    assert_refused(p, "constant r1 is stage number -1, but the program has 3 stages");
    p = with_const(VT_CLASS, (sla_value){.i = 2});
    tp_classes(p, 2);
    assert_refused(p, "constant r1 is class number 2, but the program has 2 classes");
    assert_refused(with_const(VT_HANDOFF, (sla_value){.i = HS__COUNT}),
                   "constant r1 is hand-off status 3, which does not exist");
    assert_refused(with_const(VT_CADENCE, (sla_value){.i = -1}),
                   "constant r1 is cadence status -1, which does not exist");
}

static void constant_texts(void **state)
{
    (void)state;
    assert_refused(with_const(VT_TEXT, (sla_value){.s = "\xff", .len = 1}),
                   "constant r1 is text that is not valid UTF-8");
    assert_refused(with_const(VT_TEXT, (sla_value){.s = "\xed\xa0\x80", .len = 3}),
                   "constant r1 is text that is not valid UTF-8");
    assert_refused(with_const(VT_TEXT, (sla_value){.s = "\xc0\x80", .len = 2}),
                   "constant r1 is text that is not valid UTF-8");
    assert_refused(with_const(VT_TEXT, (sla_value){.s = "ab\xe2\x82", .len = 4}),
                   "constant r1 is text that is not valid UTF-8");
    assert_refused(with_const(VT_TEXT, (sla_value){.s = "a\0b", .len = 3}),
                   "constant r1 is text with a NUL byte in it");
    assert_refused(with_const(VT_TEXT, (sla_value){.s = NULL, .len = 3}),
                   "constant r1 is text without its bytes");
}

static void constant_lengths(void **state)
{
    (void)state;
    assert_refused(with_const(VT_BDURATION, (sla_value){.i = 1, .len = 2}),
                   "constant r1 is a business duration in unknown units (2)");
    assert_refused(with_const(VT_INT, (sla_value){.i = 1, .len = 5}),
                   "constant r1 is int but carries a length (5)");
    sla_program *p = minimal();
    p->consts = NULL;
    tp_ret(p);
    assert_refused(p, "the program has 1 constant but no list of them");
}

static void now_register(void **state)
{
    (void)state;
    sla_program *p = minimal();
    tp_int(p, VT_INT, 4);
    p->now_reg = 1;
    tp_ret(p);
    assert_refused(p, "the as-of instant is in register r1, which is int, not time");

    p = minimal();
    tp_temp(p, VT_TIME);
    p->now_reg = 1;
    tp_ret(p);
    assert_refused(p, "the as-of instant is in register r1, which is not one of the constants");

    p = tp_new();
    tp_field(p, "t", VT_TIME);
    tp_now(p);
    p->now_reg = 0;
    tp_ret(p);
    assert_refused(p, "the as-of instant is in register r0, which is not one of the constants");
}

/* ---- tables -------------------------------------------------------------------------------- */

static void set_rules(void **state)
{
    (void)state;
    sla_value ints[] = {{.i = 0}, {.i = 1}, {.i = 2}};
    sla_value texts[] = {{.s = "x", .len = 1}, {.s = "\xff", .len = 1}};
    sla_program *p = minimal();
    tp_set(p, VT_STAGE, false, 1, ints);
    tp_ret(p);
    assert_refused(p, "set 0 holds stage; a set holds int, number, money, bool or text");

    p = minimal();
    tp_set(p, VT_INT, true, 1, ints);
    tp_ret(p);
    assert_refused(p, "set 0 ignores case but holds int, not text");

    p = minimal();
    tp_set(p, VT_BOOL, false, 3, ints);
    tp_ret(p);
    assert_refused(p, "set 0 item 2 is a bool holding 2, not 0 or 1");

    p = minimal();
    tp_set(p, VT_TEXT, false, 2, texts);
    tp_ret(p);
    assert_refused(p, "set 0 item 1 is text that is not valid UTF-8");

    sla_value unset[] = {{.i = 0}, {.null = 1}};
    p = minimal();
    tp_set(p, VT_INT, false, 2, unset);
    tp_ret(p);
    assert_refused(p, "set 0 item 1 is unset");

    p = minimal();
    tp_set(p, VT_INT, false, 2, ints);
    p->sets[0].items = NULL;
    tp_ret(p);
    assert_refused(p, "set 0 has 2 items but no list of them");
}

static void set_lookup_tables(void **state)
{
    (void)state;
    sla_value ints[] = {{.i = 5}, {.i = 7}};
    static uint32_t good[4] = {0, 2, 0, 1}, dup[4] = {1, 1, 0, 0}, big[4] = {3, 0, 0, 0},
                    full[2] = {1, 2}, short_[4] = {1, 0, 0, 0};
    struct { uint32_t *slots; uint32_t n; const char *msg; } cases[] = {
        {good, 4, NULL},
        {dup, 4, "set 0's lookup table is damaged (slot 1)"},
        {big, 4, "set 0's lookup table is damaged (slot 0)"},
        {full, 2, "set 0's lookup table has 2 slots, not a power of two larger than its 2 items"},
        {good, 3, "set 0's lookup table has 3 slots, not a power of two larger than its 2 items"},
        {short_, 4, "set 0's lookup table holds 1 of its 2 items"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        sla_program *p = minimal();
        tp_set(p, VT_INT, false, 2, ints);
        p->sets[0].slots = cases[i].slots;
        p->sets[0].nslots = cases[i].n;
        tp_ret(p);
        if (cases[i].msg)
            assert_refused(p, cases[i].msg);
        else
            assert_valid(p);
    }
    sla_value nums[] = {{.f = 1}};
    sla_program *p = minimal();
    tp_set(p, VT_NUMBER, false, 1, nums);
    p->sets[0].slots = good;
    p->sets[0].nslots = 4;
    tp_ret(p);
    assert_refused(p, "set 0 holds numbers but has a lookup table");
}

static void names_of_stages_and_classes(void **state)
{
    (void)state;
    sla_program *p = minimal();
    tp_stages(p, 2);
    p->stages[1] = NULL;
    tp_ret(p);
    assert_refused(p, "stage 1 has no name");
    p = minimal();
    p->nclasses = 3;
    tp_ret(p);
    assert_refused(p, "the program has 3 classes but no names for them");
}

static void handoff_and_cadence_stages(void **state)
{
    (void)state;
    sla_program *p = minimal();
    tp_stages(p, 3);
    tp_handoff(p, 2, -1);
    tp_handoff(p, 0, 2);
    tp_cadence(p, 1, -1);
    tp_ret(p);
    assert_valid(p);

    p = minimal();
    tp_stages(p, 3);
    tp_handoff(p, 3, -1);
    tp_ret(p);
    assert_refused(p, "hand-off 0 starts at stage 3, but the program has 3 stages");

    p = minimal();
    tp_stages(p, 3);
    tp_handoff(p, 1, 3);
    tp_ret(p);
    assert_refused(p, "hand-off 0 ends at stage 3, but the program has 3 stages");

    p = minimal();
    tp_stages(p, 3);
    tp_handoff(p, 1, -2);
    tp_ret(p);
    assert_refused(p, "hand-off 0 ends at stage -2, but the program has 3 stages");

    p = minimal();
    tp_stages(p, 3);
    tp_cadence(p, 0, -1);
    tp_cadence(p, 7, -1);
    tp_ret(p);
    assert_refused(p, "cadence 1 starts at stage 7, but the program has 3 stages");

    p = minimal();
    tp_stages(p, 3);
    tp_cadence(p, 0, 4);
    tp_ret(p);
    assert_refused(p, "cadence 0 ends at stage 4, but the program has 3 stages");
}

static void business_hours(void **state)
{
    (void)state;
    sla_program *p = minimal();
    for (unsigned d = 0; d < 5; d++) {
        tp_hours(p, d, 13 * 60, 17 * 60);    /* any order: the runtime sorts */
        tp_hours(p, d, 9 * 60, 12 * 60);
    }
    tp_hours(p, 6, 20 * 60, 24 * 60);
    tp_hours(p, 6, 0, 1);
    tp_ret(p);
    assert_valid(p);

    p = minimal();
    tp_hours(p, 7, 0, 60);
    tp_ret(p);
    assert_refused(p, "business hours 0 are on weekday 7; weekdays are 0 (Monday) to 6 (Sunday)");

    p = minimal();
    tp_hours(p, 0, 600, 600);
    tp_ret(p);
    assert_refused(p, "business hours 0 run from minute 600 to minute 600 of the day, which is "
                      "not an interval of one day");

    p = minimal();
    tp_hours(p, 0, 600, 1441);
    tp_ret(p);
    assert_refused(p, "business hours 0 run from minute 600 to minute 1441 of the day, which is "
                      "not an interval of one day");

    p = minimal();
    tp_hours(p, 2, 600, 700);
    tp_hours(p, 1, 650, 800);
    tp_hours(p, 2, 699, 800);
    tp_ret(p);
    assert_refused(p, "business hours 0 and 2 overlap on Wednesday");

    p = minimal();
    for (unsigned i = 0; i < 33; i++)
        tp_hours(p, 4, i * 40, i * 40 + 30);
    tp_ret(p);
    assert_refused(p, "Friday has more than 32 intervals of business hours");
}

static void holidays(void **state)
{
    (void)state;
    sla_program *p = minimal();
    tp_holiday(p, -5);
    tp_holiday(p, 20000);
    tp_holiday(p, 20001);
    tp_ret(p);
    assert_valid(p);

    p = minimal();
    tp_holiday(p, 20000);
    tp_holiday(p, 19999);
    tp_ret(p);
    assert_refused(p, "holiday 1 (day 19999) does not come after holiday 0 (day 20000); "
                      "holidays are sorted and listed once");

    p = minimal();
    tp_holiday(p, 1);
    tp_holiday(p, 2);
    tp_holiday(p, 2);
    tp_ret(p);
    assert_refused(p, "holiday 2 (day 2) does not come after holiday 1 (day 2); "
                      "holidays are sorted and listed once");
}

static void outputs(void **state)
{
    (void)state;
    sla_program *p = minimal();
    tp_output(p, "now", 0);
    tp_output(p, "bad", 1);
    tp_ret(p);
    assert_refused(p, "output bad shows register r1, but the program has 1 register");

    p = minimal();
    tp_output(p, NULL, 0);
    tp_ret(p);
    assert_refused(p, "output 0 has no header");
}

/* ---- code ------------------------------------------------------------------------------------ */

static void code_shape(void **state)
{
    (void)state;
    sla_program *p = minimal();
    assert_refused(p, "the program has no instructions");

    p = minimal();
    uint32_t t = tp_temp(p, VT_TIME);
    tp_op(p, OP_MOVE, t, 0, 0);
    assert_refused(p, "the last instruction is MOVE, not RET");

    p = minimal();
    tp_op(p, (opcode)OP__COUNT, 0, 0, 0);
    tp_ret(p);
    char want[64];
    snprintf(want, sizeof want, "unknown opcode %d (pc 0)", OP__COUNT);
    assert_refused(p, want);

    p = minimal();
    tp_ret(p);
    p->lines = NULL;
    assert_refused(p, "the program has 1 instruction but no source lines for them");

    /* RET may also end a branch early */
    p = minimal();
    uint32_t b = tp_int(p, VT_BOOL, 1);
    tp_jump(p, OP_JMPF, b, 2);
    tp_ret(p);
    tp_ret(p);
    assert_valid(p);
}

static void register_operands(void **state)
{
    (void)state;
    sla_program *p = minimal();
    uint32_t i = tp_temp(p, VT_INT);
    tp_op(p, OP_MOVE, i, 9, 0);
    tp_ret(p);
    assert_refused(p, "MOVE operand B is register r9, but the program has 2 registers (pc 0)");

    p = minimal();
    i = tp_temp(p, VT_INT);
    tp_op(p, OP_ADD, 7, i, i);
    tp_ret(p);
    assert_refused(p, "ADD operand A is register r7, but the program has 2 registers (pc 0)");

    p = minimal();
    uint32_t k = tp_int(p, VT_INT, 1);
    i = tp_temp(p, VT_INT);
    uint32_t n = tp_temp(p, VT_NUMBER);
    tp_op(p, OP_MOVE, i, k, 0);
    tp_op(p, OP_ADDF, n, n, i);
    tp_ret(p);
    assert_refused(p, "ADDF operand C (r2) is int; it should be number (pc 1)");

    p = minimal();
    uint32_t m = tp_int(p, VT_MONEY, 10000);
    k = tp_int(p, VT_INT, 1);
    i = tp_temp(p, VT_INT);
    tp_op(p, OP_ADD, i, k, m);
    tp_ret(p);
    assert_refused(p, "ADD operands A (r3) and C (r1) must have the same type, but are int and "
                      "money (pc 0)");

    p = minimal();
    uint32_t s = tp_int(p, VT_STAGE, 0);
    tp_stages(p, 1);
    uint32_t st = tp_temp(p, VT_STAGE);
    tp_op(p, OP_ADD, st, s, s);
    tp_ret(p);
    assert_refused(p, "ADD operand A (r2) is stage; it should be int, money or duration (pc 0)");

    p = minimal();
    uint32_t txt = tp_const(p, VT_TEXT, (sla_value){.s = "a", .len = 1});
    uint32_t tt = tp_temp(p, VT_TEXT);
    tp_op(p, OP_EQ, tt, txt, txt);
    tp_ret(p);
    assert_refused(p, "EQ operand A (r2) is text; it should be bool (pc 0)");

    /* any integer-held type, times here, if the same on both sides */
    p = minimal();
    uint32_t b = tp_temp(p, VT_BOOL);
    tp_op(p, OP_LT, b, p->now_reg, p->now_reg);
    tp_ret(p);
    assert_valid(p);

    p = minimal();
    k = tp_int(p, VT_INT, 1);
    uint32_t f = tp_int(p, VT_NUMBER, 0);
    i = tp_temp(p, VT_INT);
    tp_op(p, OP_DEFAULT, i, k, f);
    tp_ret(p);
    assert_refused(p, "DEFAULT operands A (r3) and C (r2) must have the same type, but are int "
                      "and number (pc 0)");
}

static void unused_operands_are_zero(void **state)
{
    (void)state;
    sla_program *p = minimal();
    uint32_t t = tp_temp(p, VT_TIME);
    tp_op(p, OP_MOVE, t, 0, 1);
    tp_ret(p);
    assert_refused(p, "MOVE operand C is unused but holds 1, not 0 (pc 0)");

    p = minimal();
    tp_op(p, OP_RET, 0, 3, 0);
    assert_refused(p, "RET operand B is unused but holds 3, not 0 (pc 0)");

    p = minimal();
    tp_jump(p, OP_JMP, 5, 1);
    tp_ret(p);
    assert_refused(p, "JMP operand A is unused but holds 5, not 0 (pc 0)");
}

static void destinations(void **state)
{
    (void)state;
    sla_program *p = tp_new();
    uint32_t x = tp_field(p, "x", VT_INT);
    tp_now(p);
    uint32_t k = tp_int(p, VT_INT, 1);
    tp_op(p, OP_MOVE, x, k, 0);
    tp_ret(p);
    assert_refused(p, "MOVE writes register r0, which holds a field (pc 0)");

    p = tp_new();
    tp_field(p, "x", VT_INT);
    tp_now(p);
    k = tp_int(p, VT_INT, 1);
    tp_op(p, OP_UNSET, k, 0, 0);
    tp_ret(p);
    assert_refused(p, "UNSET writes register r2, which holds a constant (pc 0)");

    p = minimal();
    tp_op(p, OP_UNSET, p->now_reg, 0, 0);
    tp_ret(p);
    assert_refused(p, "UNSET writes register r0, which holds a constant (pc 0)");
}

static void jumps(void **state)
{
    (void)state;
    sla_program *p = minimal();
    uint32_t b = tp_int(p, VT_BOOL, 1);
    tp_jump(p, OP_JMPT, b, 0);
    tp_ret(p);
    assert_refused(p, "JMPT jumps back to pc 0; jumps only go forward (pc 0)");

    p = minimal();
    tp_ret(p);
    tp_jump(p, OP_JMP, 0, 0);
    tp_ret(p);
    assert_refused(p, "JMP jumps back to pc 0; jumps only go forward (pc 1)");

    p = minimal();
    tp_jump(p, OP_JMP, 0, 2);
    tp_ret(p);
    assert_refused(p, "JMP jumps to pc 2, past the last instruction (pc 0)");

    p = minimal();
    tp_jump(p, OP_JMP, 0, 0x10001);
    tp_ret(p);
    assert_refused(p, "JMP jumps to pc 65537, past the last instruction (pc 0)");

    p = minimal();
    tp_jump(p, OP_JMPF, p->now_reg, 1);
    tp_ret(p);
    assert_refused(p, "JMPF operand A (r0) is time; it should be bool (pc 0)");

    p = minimal();
    tp_jump(p, OP_JMPF, 3, 1);
    tp_ret(p);
    assert_refused(p, "JMPF operand A is register r3, but the program has 1 register (pc 0)");

    /* a target past 65535 */
    p = minimal();
    tp_jump(p, OP_JMP, 0, 70000);
    while (p->ncode < 70000)
        tp_op(p, OP_RET, 0, 0, 0);
    tp_ret(p);
    assert_valid(p);
}

static void set_operands(void **state)
{
    (void)state;
    sla_value texts[] = {{.s = "a", .len = 1}};
    sla_value nums[] = {{.f = 1}};
    sla_value ints[] = {{.i = 1}};
    sla_program *p = minimal();
    uint32_t t = tp_const(p, VT_TEXT, texts[0]);
    uint32_t b = tp_temp(p, VT_BOOL);
    tp_set(p, VT_TEXT, false, 1, texts);
    tp_op(p, OP_INSET, b, t, 1);
    tp_ret(p);
    assert_refused(p, "INSET operand C is set 1, but the program has 1 set (pc 0)");

    p = minimal();
    t = tp_const(p, VT_TEXT, texts[0]);
    b = tp_temp(p, VT_BOOL);
    tp_set(p, VT_NUMBER, false, 1, nums);
    tp_op(p, OP_STARTSANY, b, t, 0);
    tp_ret(p);
    assert_refused(p, "STARTSANY operand C is set 0, which holds number, not text (pc 0)");

    p = minimal();
    uint32_t m = tp_int(p, VT_MONEY, 1);
    b = tp_temp(p, VT_BOOL);
    tp_set(p, VT_INT, false, 1, ints);
    tp_op(p, OP_INSETI, b, m, 0);
    tp_ret(p);
    assert_refused(p, "INSETI operand C is set 0, which holds int, not money (pc 0)");

    p = minimal();
    uint32_t f = tp_int(p, VT_NUMBER, 1);
    b = tp_temp(p, VT_BOOL);
    tp_set(p, VT_MONEY, false, 1, ints);
    tp_op(p, OP_INSETF, b, f, 0);
    tp_ret(p);
    assert_refused(p, "INSETF operand C is set 0, which holds money, not number (pc 0)");

    p = minimal();
    m = tp_int(p, VT_MONEY, 1);
    b = tp_temp(p, VT_BOOL);
    tp_set(p, VT_MONEY, false, 1, ints);
    tp_op(p, OP_INSETI, b, m, 0);
    tp_ret(p);
    assert_valid(p);
}

/* A program with a run for HANDOFF (inputs at in, outputs at out) and
 * one for CADENCE, all written. */
static sla_program *clock_program(uint32_t *in_h, uint32_t *out_h, uint32_t *in_c,
                                  uint32_t *out_c)
{
    kit k;
    kit_init(&k, tp_new());
    *in_h = k.run_h;
    *out_h = k.out_h;
    *in_c = k.run_c;
    *out_c = k.out_c;
    return k.p;
}

static void handoff_operands(void **state)
{
    (void)state;
    uint32_t ih, oh, ic, oc;
    sla_program *p = clock_program(&ih, &oh, &ic, &oc);
    tp_op(p, OP_HANDOFF, oh, ih, 0);
    tp_op(p, OP_CADENCE, oc, ic, 0);
    tp_output(p, "status", oh);
    tp_output(p, "next", oc + 2);
    tp_ret(p);
    assert_valid(p);

    p = clock_program(&ih, &oh, &ic, &oc);
    tp_op(p, OP_HANDOFF, oh, ih, 1);
    tp_ret(p);
    assert_refused(p, "HANDOFF operand C is hand-off 1, but the program has 1 (pc 35)");

    p = clock_program(&ih, &oh, &ic, &oc);
    tp_op(p, OP_CADENCE, oc, ic, 3);
    tp_ret(p);
    assert_refused(p, "CADENCE operand C is cadence 3, but the program has 1 (pc 35)");

    p = clock_program(&ih, &oh, &ic, &oc);
    tp_op(p, OP_HANDOFF, oh + 1, ih, 0);
    tp_ret(p);
    assert_refused(p, "HANDOFF operand A+0 (status) (r49) is time; it should be hand-off "
                      "status (pc 35)");

    p = clock_program(&ih, &oh, &ic, &oc);
    tp_op(p, OP_HANDOFF, oh, ih + 1, 0);
    tp_ret(p);
    assert_refused(p, "HANDOFF operand B+1 (stop) (r39) is duration; it should be time "
                      "(pc 35)");

    p = clock_program(&ih, &oh, &ic, &oc);
    p->reg_types[ih + 2] = VT_BDURATION;
    p->code[26].b = 1 + VT_BDURATION;      /* the MOVE that writes it */
    tp_op(p, OP_HANDOFF, oh, ih, 0);
    tp_ret(p);
    assert_refused(p, "HANDOFF operand B+2 (wall-clock window) (r39) is business duration; it "
                      "should be duration (pc 35)");

    p = clock_program(&ih, &oh, &ic, &oc);
    tp_op(p, OP_CADENCE, oc, ic + 1, 0);
    tp_ret(p);
    assert_refused(p, "CADENCE operand B+0 (start) (r43) is int; it should be time (pc 35)");

    p = clock_program(&ih, &oh, &ic, &oc);
    tp_op(p, OP_CADENCE, oc + 1, ic, 0);
    tp_ret(p);
    assert_refused(p, "CADENCE operand A+0 (status) (r52) is int; it should be cadence "
                      "status (pc 35)");

    /* the run must fit */
    p = clock_program(&ih, &oh, &ic, &oc);
    uint32_t last = tp_temp(p, VT_CADENCE);
    tp_op(p, OP_CADENCE, last, ic, 0);
    tp_ret(p);
    assert_refused(p, "CADENCE operand A+1 (expected) is register r55, but the program has 55 "
                      "registers (pc 35)");

    /* outputs written only to computed registers */
    p = tp_new();
    tp_stages(p, 1);
    tp_handoff(p, 0, -1);
    tp_now(p);
    uint32_t out = tp_int(p, VT_HANDOFF, 0);
    tp_int(p, VT_TIME, 0);
    tp_int(p, VT_DURATION, 0);
    uint32_t in = tp_int(p, VT_TIME, 0);
    tp_int(p, VT_TIME, 0);
    tp_int(p, VT_DURATION, 0);
    tp_int(p, VT_BDURATION, 0);
    tp_int(p, VT_STAGE, 0);
    tp_op(p, OP_HANDOFF, out, in, 0);
    tp_ret(p);
    assert_refused(p, "HANDOFF writes register r1, which holds a constant (pc 0)");

    /* constants may be read as inputs */
    p = tp_new();
    tp_stages(p, 1);
    tp_handoff(p, 0, -1);
    tp_now(p);
    in = tp_int(p, VT_TIME, 0);
    tp_int(p, VT_TIME, 0);
    tp_int(p, VT_DURATION, 0);
    tp_int(p, VT_BDURATION, 0);
    tp_int(p, VT_STAGE, 0);
    out = tp_temp(p, VT_HANDOFF);
    tp_temp(p, VT_TIME);
    tp_temp(p, VT_DURATION);
    tp_op(p, OP_HANDOFF, out, in, 0);
    tp_ret(p);
    assert_valid(p);
}

/* ---- dataflow ------------------------------------------------------------------------------- */

static void reads_before_writes(void **state)
{
    (void)state;
    sla_program *p = minimal();
    uint32_t k = tp_int(p, VT_INT, 1);
    uint32_t a = tp_temp(p, VT_INT), b = tp_temp(p, VT_INT);
    tp_op(p, OP_ADD, a, k, b);
    tp_ret(p);
    assert_refused(p, "ADD reads register r3 before any instruction writes it (pc 0)");

    /* reading its own destination */
    p = minimal();
    k = tp_int(p, VT_INT, 1);
    a = tp_temp(p, VT_INT);
    tp_op(p, OP_ADD, a, a, k);
    tp_ret(p);
    assert_refused(p, "ADD reads register r2 before any instruction writes it (pc 0)");

    /* if c then a := 1 end; use a */
    p = minimal();
    uint32_t c = tp_int(p, VT_BOOL, 1);
    k = tp_int(p, VT_INT, 1);
    a = tp_temp(p, VT_INT);
    b = tp_temp(p, VT_INT);
    tp_jump(p, OP_JMPF, c, 2);
    tp_op(p, OP_MOVE, a, k, 0);
    tp_op(p, OP_MOVE, b, a, 0);
    tp_ret(p);
    assert_refused(p, "MOVE reads register r3 before any instruction writes it (pc 2)");

    /* if c then a := 1 else a := 2 end; use a */
    p = minimal();
    c = tp_int(p, VT_BOOL, 1);
    k = tp_int(p, VT_INT, 1);
    a = tp_temp(p, VT_INT);
    b = tp_temp(p, VT_INT);
    tp_jump(p, OP_JMPF, c, 3);
    tp_op(p, OP_MOVE, a, k, 0);
    tp_jump(p, OP_JMP, 0, 4);
    tp_op(p, OP_MOVE, a, k, 0);
    tp_op(p, OP_MOVE, b, a, 0);
    tp_output(p, "b", b);
    tp_ret(p);
    assert_valid(p);

    /* the else branch forgets */
    p = minimal();
    c = tp_int(p, VT_BOOL, 1);
    k = tp_int(p, VT_INT, 1);
    a = tp_temp(p, VT_INT);
    b = tp_temp(p, VT_INT);
    tp_jump(p, OP_JMPF, c, 3);
    tp_op(p, OP_MOVE, a, k, 0);
    tp_jump(p, OP_JMP, 0, 4);
    tp_op(p, OP_MOVE, b, k, 0);
    tp_op(p, OP_MOVE, b, a, 0);
    tp_ret(p);
    assert_refused(p, "MOVE reads register r3 before any instruction writes it (pc 4)");

    /* a jump over the write from before it */
    p = minimal();
    k = tp_int(p, VT_INT, 1);
    a = tp_temp(p, VT_INT);
    tp_jump(p, OP_JMP, 0, 2);
    tp_op(p, OP_MOVE, a, k, 0);
    tp_op(p, OP_NEG, a, a, 0);
    tp_ret(p);
    assert_refused(p, "NEG reads register r2 before any instruction writes it (pc 2)");

    /* unreachable code is not checked, and does not count as a path */
    p = minimal();
    k = tp_int(p, VT_INT, 1);
    a = tp_temp(p, VT_INT);
    b = tp_temp(p, VT_INT);
    tp_op(p, OP_MOVE, a, k, 0);
    tp_jump(p, OP_JMP, 0, 3);
    tp_op(p, OP_MOVE, a, b, 0);     /* reads b, never written: unreachable */
    tp_op(p, OP_NEG, b, a, 0);
    tp_ret(p);
    assert_valid(p);

    /* JMPF's condition is read */
    p = minimal();
    c = tp_temp(p, VT_BOOL);
    tp_jump(p, OP_JMPF, c, 1);
    tp_ret(p);
    assert_refused(p, "JMPF reads register r1 before any instruction writes it (pc 0)");

    /* HANDOFF reads its whole run */
    uint32_t ih, oh, ic, oc;
    p = clock_program(&ih, &oh, &ic, &oc);
    uint32_t lone = tp_temp(p, VT_STAGE);
    p->code[p->ncode - 7].a = (uint16_t)lone;    /* the run's stage is written elsewhere */
    tp_op(p, OP_HANDOFF, oh, ih, 0);
    tp_ret(p);
    assert_refused(p, "HANDOFF reads register r41 before any instruction writes it (pc 35)");
}

static void outputs_must_be_written(void **state)
{
    (void)state;
    sla_program *p = minimal();
    uint32_t c = tp_int(p, VT_BOOL, 1);
    uint32_t k = tp_int(p, VT_INT, 1);
    uint32_t a = tp_temp(p, VT_INT);
    tp_jump(p, OP_JMPF, c, 2);
    tp_op(p, OP_MOVE, a, k, 0);
    tp_output(p, "score", a);
    tp_ret(p);
    assert_refused(p, "output score shows register r3, which is not written on every path to "
                      "the end (RET at pc 2)");

    /* an early RET on the path that does not write it */
    p = minimal();
    c = tp_int(p, VT_BOOL, 1);
    k = tp_int(p, VT_INT, 1);
    a = tp_temp(p, VT_INT);
    tp_jump(p, OP_JMPT, c, 3);
    tp_op(p, OP_MOVE, a, k, 0);
    tp_ret(p);
    tp_ret(p);
    tp_output(p, "fields and constants are fine", k);
    tp_output(p, "score", a);
    assert_refused(p, "output score shows register r3, which is not written on every path to "
                      "the end (RET at pc 3)");
}

/* Enough jump targets and registers that the dataflow takes several
 * passes; an error in the last pass's registers is still found, and the
 * earliest error wins. */
static void dataflow_in_several_passes(void **state)
{
    (void)state;
    for (int variant = 0; variant < 3; variant++) {
        sla_program *p = minimal();
        uint32_t c = tp_int(p, VT_BOOL, 1);
        uint32_t k = tp_int(p, VT_INT, 1);
        uint32_t first = p->nregs;
        while (p->nregs < 65535)
            tp_temp(p, VT_INT);
        uint32_t high = 65534, low = first;
        /* write every register, then 12000 forward jumps, each to the next */
        for (uint32_t r = first; r < p->nregs; r++)
            if (!(variant == 1 && r == high) && !(variant == 2 && r == low))
                tp_op(p, OP_MOVE, r, k, 0);
        for (int i = 0; i < 12000; i++)
            tp_jump(p, OP_JMPF, c, p->ncode + 1);
        tp_op(p, OP_NEG, high, high, 0);
        tp_op(p, OP_NEG, low, low, 0);
        tp_ret(p);
        if (variant == 0) {
            assert_valid(p);
        } else {
            char want[128];
            snprintf(want, sizeof want, "NEG reads register r%u before any instruction writes it "
                     "(pc %u)", variant == 1 ? high : low, p->ncode - (variant == 1 ? 3 : 2));
            assert_refused(p, want);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(minimal_program_passes),
        cmocka_unit_test(typical_program_passes),
        cmocka_unit_test(every_opcode_passes),
        cmocka_unit_test(every_operand_type_is_checked),
        cmocka_unit_test(signatures_are_well_formed),
        cmocka_unit_test(too_many_registers),
        cmocka_unit_test(unknown_register_type),
        cmocka_unit_test(first_temp_must_follow_constants),
        cmocka_unit_test(missing_name_or_zone),
        cmocka_unit_test(field_types),
        cmocka_unit_test(field_names_and_lists),
        cmocka_unit_test(constant_values),
        cmocka_unit_test(constant_texts),
        cmocka_unit_test(constant_lengths),
        cmocka_unit_test(now_register),
        cmocka_unit_test(set_rules),
        cmocka_unit_test(set_lookup_tables),
        cmocka_unit_test(names_of_stages_and_classes),
        cmocka_unit_test(handoff_and_cadence_stages),
        cmocka_unit_test(business_hours),
        cmocka_unit_test(holidays),
        cmocka_unit_test(outputs),
        cmocka_unit_test(code_shape),
        cmocka_unit_test(register_operands),
        cmocka_unit_test(unused_operands_are_zero),
        cmocka_unit_test(destinations),
        cmocka_unit_test(jumps),
        cmocka_unit_test(set_operands),
        cmocka_unit_test(handoff_operands),
        cmocka_unit_test(reads_before_writes),
        cmocka_unit_test(outputs_must_be_written),
        cmocka_unit_test(dataflow_in_several_passes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
