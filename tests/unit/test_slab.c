/*
 * test_slab.c - SHA-256 and the .slab format: write, read back, refuse.
 *
 * Programs are built by hand (the helpers below; test_verify.c has the
 * same ones), written, read back and compared field by field. The reader
 * is then fed every kind of damage: every truncation of a real-sized
 * file, every single-bit flip of a file, and payloads with a correct
 * checksum but wrong contents (bad counts, strings outside the pool,
 * unknown types and flags), which only its bounds checks and the
 * verifier stand between and the interpreter. None may crash it, under
 * AddressSanitizer included; all but the harmless must be refused.
 */
#include "support.h"

#include "../../common/sha256.h"
#include "../../common/xalloc.h"
#include "../../compiler/slab.h"
#include "../../runtime/program.h"
#include "../../runtime/slab.h"
#include "../../runtime/verify.h"

#include <math.h>

/* ---- SHA-256 ------------------------------------------------------------------------ */

static void hex(const uint8_t *d, char *out)
{
    for (int i = 0; i < SHA256_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void check_sha(const void *data, size_t len, const char *want)
{
    uint8_t d[SHA256_SIZE];
    char got[2 * SHA256_SIZE + 1];
    sha256(data, len, d);
    hex(d, got);
    assert_string_equal(got, want);
    /* the same in pieces of every size from 1 to 130 */
    for (size_t step = 1; step <= 130; step++) {
        sha256_ctx c;
        sha256_init(&c);
        for (size_t at = 0; at < len; at += step)
            sha256_update(&c, (const char *)data + at, len - at < step ? len - at : step);
        sha256_final(&c, d);
        hex(d, got);
        assert_string_equal(got, want);
    }
}

static void sha256_vectors(void **state)
{
    (void)state;
    check_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check_sha(m448, strlen(m448),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                       "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    check_sha(m896, strlen(m896),
              "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    /* 55, 56 and 64 bytes: the padding's edge cases */
    char a[64];
    memset(a, 'a', sizeof a);
    check_sha(a, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    check_sha(a, 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    check_sha(a, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

static void sha256_million_a(void **state)
{
    (void)state;
    const char *want = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    char chunk[1000];
    memset(chunk, 'a', sizeof chunk);
    sha256_ctx c;
    sha256_init(&c);
    for (int i = 0; i < 1000; i++)
        sha256_update(&c, chunk, sizeof chunk);
    uint8_t d[SHA256_SIZE];
    char got[2 * SHA256_SIZE + 1];
    sha256_final(&c, d);
    hex(d, got);
    assert_string_equal(got, want);

    char *all = malloc(1000000);
    assert_non_null(all);
    memset(all, 'a', 1000000);
    sha256(all, 1000000, d);
    hex(d, got);
    assert_string_equal(got, want);
    /* odd pieces across block boundaries */
    sha256_init(&c);
    for (size_t at = 0, step = 1; at < 1000000; at += step, step = step % 97 + 1)
        sha256_update(&c, all + at, 1000000 - at < step ? 1000000 - at : step);
    sha256_final(&c, d);
    hex(d, got);
    assert_string_equal(got, want);
    free(all);
}

#include "program_builder.h"



/* ---- a sample of everything -------------------------------------------------------- */

/* Every section filled, every opcode used, constants of every type and
 * the awkward values (unset, -0.0, NaN, business days, UTF-8, ""). more
 * repeats the code to make a file of realistic size. */
static sla_program *sample(int more)
{
    static const char *missing[] = {"N/A", "NULL", ""};
    static const char *formats[] = {"DD.MM.YYYY HH:mm", "MM/DD/YYYY"};
    sla_program *p = tp_new();
    p->name = "Acme inbound SLA";
    p->zone = "America/New_York";
    tp_field(p, "email", VT_TEXT);
    p->fields[0].column = "Email";
    p->fields[0].missing = missing;
    p->fields[0].nmissing = 3;
    tp_field(p, "company_size", VT_INT);
    p->fields[1].column = "Number of Employees";
    p->fields[1].optional = true;
    tp_field(p, "became_mql", VT_TIME);
    p->fields[2].formats = formats;
    p->fields[2].nformats = 2;
    p->fields[2].zone = "Europe/Berlin";
    p->fields[2].optional = true;
    tp_field(p, "deal", VT_MONEY);
    p->fields[3].used = false;
    tp_field(p, "ratio", VT_NUMBER);
    tp_field(p, "demo", VT_BOOL);
    tp_field(p, "wait", VT_DURATION);

    tp_const(p, VT_NUMBER, (sla_value){.f = -0.0});
    tp_const(p, VT_NUMBER, (sla_value){.f = NAN});
    tp_const(p, VT_NUMBER, (sla_value){.f = 1e300});
    tp_const(p, VT_BDURATION, (sla_value){.i = 2, .len = 1});
    tp_const(p, VT_BDURATION, (sla_value){.i = 4 * 3600 * US_PER_SEC});
    tp_const(p, VT_INT, (sla_value){.null = 1});
    tp_const(p, VT_TEXT, (sla_value){.null = 1});
    tp_const(p, VT_TEXT, (sla_value){.s = "", .len = 0});
    tp_const(p, VT_TEXT, (sla_value){.s = "h\xc3\xa9llo \xe2\x82\xac", .len = 10});
    tp_const(p, VT_TEXT, (sla_value){.s = "Email", .len = 5});   /* shares the pool */
    tp_const(p, VT_INT, (sla_value){.i = INT64_MIN});
    tp_const(p, VT_MONEY, (sla_value){.i = 499900});

    kit k;
    kit_init(&k, p);
    tp_classes(p, 3);
    tp_stages(p, 5);
    tp_handoff(p, 3, 4);
    tp_cadence(p, 2, -1);
    sla_value texts[] = {{.s = "@gmail.com", .len = 10}, {.s = "@yahoo.com", .len = 10},
                         {.s = "", .len = 0}};
    sla_value nums[] = {{.f = 0.1}, {.f = -1e-300}, {.f = INFINITY}};
    tp_set(p, VT_TEXT, false, 3, texts);
    tp_set(p, VT_NUMBER, false, 3, nums);
    for (int round = 0; round <= more; round++) {
        for (int op = 0; op < OP__COUNT; op++)
            if (op != OP_RET)
                kit_op(&k, (opcode)op);
        for (int i = 0; i < 8 * more; i++) {
            char *s = arena_printf(p->memory, "item %d.%d", round, i);
            sla_value v[] = {{.s = s, .len = (uint32_t)strlen(s)}, texts[0]};
            tp_set(p, VT_TEXT, i % 2, 2, v);
        }
    }
    for (unsigned d = 0; d < 5; d++) {
        tp_hours(p, d, 9 * 60, 12 * 60);
        tp_hours(p, d, 13 * 60, 17 * 60);
    }
    tp_hours(p, 6, 0, 24 * 60);
    tp_holiday(p, 20000);
    tp_holiday(p, 20358);
    tp_output(p, "Email", 0);
    tp_output(p, "stage", k.reg[VT_STAGE]);
    tp_output(p, "hand-off", k.out_h);
    tp_output(p, "cadence due", k.out_c + 2);
    tp_ret(p);
    return p;
}

/* ---- comparing ------------------------------------------------------------------------ */

static void same_value(vtype t, const sla_value *a, const sla_value *b)
{
    assert_int_equal(!!a->null, !!b->null);
    if (a->null)
        return;
    assert_int_equal(a->len, b->len);
    if (t == VT_TEXT)
        assert_memory_equal(a->s ? a->s : "", b->s ? b->s : "", a->len);
    else
        assert_memory_equal(&a->i, &b->i, sizeof a->i);     /* doubles bit for bit */
}

static void same_strings(const char *const *a, const char *const *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        assert_string_equal(a[i], b[i]);
}

static void same_program(const sla_program *a, const sla_program *b)
{
    assert_string_equal(a->name, b->name);
    assert_string_equal(a->zone, b->zone);
    assert_int_equal(a->nfields, b->nfields);
    for (uint32_t i = 0; i < a->nfields; i++) {
        const sla_field *x = &a->fields[i], *y = &b->fields[i];
        assert_string_equal(x->name, y->name);
        assert_string_equal(x->column, y->column);
        assert_int_equal(x->type, y->type);
        assert_int_equal(x->optional, y->optional);
        assert_int_equal(x->used, y->used);
        assert_int_equal(x->nmissing, y->nmissing);
        same_strings(x->missing, y->missing, x->nmissing);
        assert_int_equal(x->nformats, y->nformats);
        same_strings(x->formats, y->formats, x->nformats);
        if (x->zone || y->zone)
            assert_string_equal(x->zone ? x->zone : "(none)", y->zone ? y->zone : "(none)");
    }
    assert_int_equal(a->nconsts, b->nconsts);
    assert_int_equal(a->nregs, b->nregs);
    assert_memory_equal(a->reg_types, b->reg_types, a->nregs * sizeof *a->reg_types);
    for (uint32_t i = 0; i < a->nconsts; i++)
        same_value(a->reg_types[a->nfields + i], &a->consts[i], &b->consts[i]);
    assert_int_equal(a->now_reg, b->now_reg);
    assert_int_equal(a->first_temp, b->first_temp);
    assert_int_equal(a->ncode, b->ncode);
    assert_memory_equal(a->code, b->code, a->ncode * sizeof *a->code);
    assert_memory_equal(a->lines, b->lines, a->ncode * sizeof *a->lines);
    assert_int_equal(a->nsets, b->nsets);
    for (uint32_t i = 0; i < a->nsets; i++) {
        const sla_set *x = &a->sets[i], *y = &b->sets[i];
        assert_int_equal(x->type, y->type);
        assert_int_equal(x->nocase, y->nocase);
        assert_int_equal(x->n, y->n);
        for (uint32_t k = 0; k < x->n; k++)
            same_value(x->type, &x->items[k], &y->items[k]);
    }
    assert_int_equal(a->nstages, b->nstages);
    same_strings(a->stages, b->stages, a->nstages);
    assert_int_equal(a->nclasses, b->nclasses);
    same_strings(a->classes, b->classes, a->nclasses);
    assert_int_equal(a->nhandoffs, b->nhandoffs);
    for (uint32_t i = 0; i < a->nhandoffs; i++) {
        assert_int_equal(a->handoffs[i].stage, b->handoffs[i].stage);
        assert_int_equal(a->handoffs[i].until, b->handoffs[i].until);
    }
    assert_int_equal(a->ncadences, b->ncadences);
    for (uint32_t i = 0; i < a->ncadences; i++) {
        assert_int_equal(a->cadences[i].stage, b->cadences[i].stage);
        assert_int_equal(a->cadences[i].until, b->cadences[i].until);
    }
    assert_int_equal(a->nhours, b->nhours);
    for (uint32_t i = 0; i < a->nhours; i++) {
        assert_int_equal(a->hours[i].weekday, b->hours[i].weekday);
        assert_int_equal(a->hours[i].start, b->hours[i].start);
        assert_int_equal(a->hours[i].end, b->hours[i].end);
    }
    assert_int_equal(a->nholidays, b->nholidays);
    assert_memory_equal(a->holidays, b->holidays, a->nholidays * sizeof *a->holidays);
    assert_int_equal(a->noutputs, b->noutputs);
    for (uint32_t i = 0; i < a->noutputs; i++) {
        assert_string_equal(a->outputs[i].header, b->outputs[i].header);
        assert_int_equal(a->outputs[i].reg, b->outputs[i].reg);
    }
}

/* ---- images ------------------------------------------------------------------------------ */

static void image_of(const sla_program *p, buf *b)
{
    buf_init(b);
    assert_int_equal(slab_write(p, b), 0);
}

static uint32_t rd32(const buf *b, size_t at)
{
    const uint8_t *u = (const uint8_t *)b->data + at;
    return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

static void wr32(buf *b, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b->data[at + (size_t)i] = (char)(uint8_t)(v >> 8 * i);
}

/* Makes the header agree with the payload again: length and checksum. */
static void reseal(buf *b)
{
    uint64_t len = b->len - SLAB_HEADER_SIZE;
    wr32(b, 48, (uint32_t)len);
    wr32(b, 52, (uint32_t)(len >> 32));
    sha256(b->data + SLAB_HEADER_SIZE, len, (uint8_t *)b->data + 16);
}

/* The offset of section tag's body in the image, and its size. */
static size_t section(const buf *b, const char *tag, uint32_t *size)
{
    size_t at = SLAB_HEADER_SIZE;
    while (at + 8 <= b->len) {
        uint32_t n = rd32(b, at + 4);
        if (memcmp(b->data + at, tag, 4) == 0) {
            if (size)
                *size = n;
            return at + 8;
        }
        at += 8 + n;
    }
    fail_msg("no section %s", tag);
    return 0;
}

/* Replaces n bytes at `at` with the m bytes of with, fixing the size of
 * the section around them, and reseals. */
static void splice(buf *b, const char *tag, size_t at, size_t n, const void *with, size_t m)
{
    uint32_t size;
    size_t body = section(b, tag, &size);
    assert_true(at >= body && at + n <= body + size);
    buf out;
    buf_init(&out);
    buf_put(&out, b->data, at);
    buf_put(&out, with, m);
    buf_put(&out, b->data + at + n, b->len - at - n);
    wr32(&out, body - 4, (uint32_t)(size - n + m));
    buf_free(b);
    *b = out;
    reseal(b);
}

/* Reads b; expects a refusal with exactly msg (or, if msg ends in "*",
 * starting with it). */
#define assert_read_fails(b, msg) check_read_fails_at((b), (msg), __FILE__, __LINE__)

static void check_read_fails_at(const buf *b, const char *msg, const char *file, int line)
{
    char err[512];
    sla_program *p = slab_read(b->data, b->len, err, sizeof err);
    if (p) {
        program_free(p);
        print_error("the file was read; want \"%s\"\n", msg);
        _fail(file, line);
        return;
    }
    size_t n = strlen(msg);
    bool ok = n && msg[n - 1] == '*' ? strncmp(err, msg, n - 1) == 0 : strcmp(err, msg) == 0;
    if (!ok) {
        print_error("slab_read said\n  \"%s\"\nwant\n  \"%s\"\n", err, msg);
        _fail(file, line);
    }
}

/* ---- writing and reading -------------------------------------------------------------------- */

static void round_trip(void **state)
{
    (void)state;
    sla_program *p = sample(0);
    char err[512];
    assert_null(verify_program(p, err, sizeof err));
    buf b;
    image_of(p, &b);
    sla_program *q = slab_read(b.data, b.len, err, sizeof err);
    if (!q)
        fail_msg("%s", err);
    same_program(p, q);
    /* the loader leaves the set tables to vm_prepare */
    for (uint32_t i = 0; i < q->nsets; i++)
        assert_null(q->sets[i].slots);
    /* the checksum names the program */
    uint8_t sum[SHA256_SIZE];
    sha256(b.data + SLAB_HEADER_SIZE, b.len - SLAB_HEADER_SIZE, sum);
    assert_memory_equal(q->hash, sum, SHA256_SIZE);
    assert_memory_equal(b.data + 16, sum, SHA256_SIZE);
    /* text constants and names point into the program's own memory */
    assert_true(q->name != p->name);
    program_free(q);
    program_free(p);
    buf_free(&b);

    /* the smallest program */
    p = tp_new();
    tp_now(p);
    tp_ret(p);
    image_of(p, &b);
    q = slab_read(b.data, b.len, err, sizeof err);
    if (!q)
        fail_msg("%s", err);
    same_program(p, q);
    program_free(q);
    program_free(p);
    buf_free(&b);
}

static void header_layout(void **state)
{
    (void)state;
    sla_program *p = sample(0);
    buf b;
    image_of(p, &b);
    assert_memory_equal(b.data, "SLAB\r\n\x1a\n", 8);
    assert_int_equal(rd32(&b, 8), 2);
    assert_int_equal(rd32(&b, 12), 0);
    assert_int_equal(rd32(&b, 48), b.len - 56);
    assert_int_equal(rd32(&b, 52), 0);
    /* the sections, in order, covering the payload exactly */
    static const char *const tags[] = {"STRS", "PROG", "REGS", "FLDS", "CNST", "CODE", "SETS",
                                       "STGS", "CLSS", "HAND", "CADN", "HOUR", "HOLI", "OUTS",
                                       "QUOT", "CHKN", "RPRT"};
    size_t at = 56;
    for (size_t i = 0; i < sizeof tags / sizeof *tags; i++) {
        assert_memory_equal(b.data + at, tags[i], 4);
        at += 8 + rd32(&b, at + 4);
    }
    assert_int_equal(at, b.len);
    /* counts as written */
    uint32_t size;
    assert_int_equal(rd32(&b, section(&b, "CODE", &size)), p->ncode);
    assert_int_equal(size, 4 + 12 * p->ncode);
    assert_int_equal(rd32(&b, section(&b, "REGS", &size)), p->nregs);
    assert_int_equal(size, 4 + p->nregs);
    assert_int_equal(rd32(&b, section(&b, "QUOT", &size)), p->nquotas);
    assert_int_equal(size, 4 + 40 * p->nquotas);
    section(&b, "RPRT", &size);
    assert_int_equal(size, 20);
    /* the pool holds each string once: "Email" is a column and a constant */
    const char *pool = b.data + section(&b, "STRS", &size);
    const char *first = memmem(pool, size, "\0Email\0", 7);
    assert_non_null(first);
    assert_null(memmem(first + 6, size - (size_t)(first + 6 - pool), "\0Email\0", 7));
    program_free(p);
    buf_free(&b);
}

static void output_is_deterministic(void **state)
{
    (void)state;
    /* two programs built apart (strings at other addresses) */
    sla_program *p = sample(1), *q = sample(1);
    buf a, b;
    image_of(p, &a);
    image_of(q, &b);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    /* writing what was read gives the same bytes */
    char err[512];
    sla_program *r = slab_read(a.data, a.len, err, sizeof err);
    if (!r)
        fail_msg("%s", err);
    buf c;
    image_of(r, &c);
    assert_int_equal(a.len, c.len);
    assert_memory_equal(a.data, c.data, a.len);
    /* slab_write appends */
    buf d;
    buf_init(&d);
    buf_puts(&d, "prefix");
    assert_int_equal(slab_write(p, &d), 0);
    assert_int_equal(d.len, 6 + a.len);
    assert_memory_equal(d.data + 6, a.data, a.len);
    program_free(p);
    program_free(q);
    program_free(r);
    buf_free(&a);
    buf_free(&b);
    buf_free(&c);
    buf_free(&d);
}

static void writer_refuses_what_the_format_cannot_hold(void **state)
{
    (void)state;
    struct { const char *what; int which; } cases[] = {
        {"no name", 0}, {"text with NUL", 1}, {"unset set item", 2}, {"int with a length", 3},
        {"no time zone", 4}, {"no header", 5}, {"registers with no types", 6},
        {"a type past 255", 7},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        sla_program *p = tp_new();
        tp_now(p);
        sla_value unset[] = {{.null = 1}};
        switch (cases[i].which) {
        case 0: p->name = NULL; break;
        case 1: tp_const(p, VT_TEXT, (sla_value){.s = "a\0b", .len = 3}); break;
        case 2: tp_set(p, VT_INT, false, 1, unset); break;
        case 3: tp_const(p, VT_INT, (sla_value){.i = 1, .len = 2}); break;
        case 4: p->zone = NULL; break;
        case 5: tp_output(p, NULL, 0); break;
        case 6: p->reg_types = NULL; break;
        case 7: tp_temp(p, (vtype)300); break;
        }
        tp_ret(p);
        buf b;
        buf_init(&b);
        buf_puts(&b, "kept");
        if (slab_write(p, &b) != -1)
            fail_msg("slab_write wrote a program with %s", cases[i].what);
        assert_int_equal(b.len, 4);
        assert_string_equal(b.data, "kept");
        buf_free(&b);
        program_free(p);
    }
}

/* ---- the header ----------------------------------------------------------------------------- */

static void refuses_other_files(void **state)
{
    (void)state;
    buf b;
    buf_init(&b);
    assert_read_fails(&b, "not a compiled policy (.slab) file: it is empty");
    buf_puts(&b, "policy \"Acme\"\ntimezone \"UTC\"\n");
    assert_read_fails(&b, "not a compiled policy (.slab) file");
    buf_reset(&b);
    buf_puts(&b, "SLAB\n");    /* text-mode line ends */
    assert_read_fails(&b, "not a compiled policy (.slab) file");
    buf_reset(&b);
    buf_put(&b, "\x7f" "ELF\2\1\1\0\0\0\0\0\0\0\0\0", 16);
    assert_read_fails(&b, "not a compiled policy (.slab) file");
    buf_reset(&b);
    buf_put(&b, "SLAB\r\n", 6);
    assert_read_fails(&b, "truncated: expected a 56-byte header, found 6 bytes");
    buf_free(&b);
    char err[64];
    assert_null(slab_read(NULL, 0, err, sizeof err));
    assert_null(slab_read("x", 1, NULL, 0));          /* no room for the reason: no crash */
}

static void refuses_other_versions(void **state)
{
    (void)state;
    sla_program *p = sample(0);
    buf b;
    image_of(p, &b);
    wr32(&b, 8, 3);
    assert_read_fails(&b, "compiled by a newer version of slac (format 3; this sla reads "
                          "format 2)");
    wr32(&b, 8, 1);
    assert_read_fails(&b, "compiled by an older version of slac (format 1; this sla reads "
                          "format 2): compile the policy again");
    /* a newer format is recognised even when its header is shorter */
    wr32(&b, 8, 4);
    b.len = 12;
    assert_read_fails(&b, "compiled by a newer version of slac (format 4; this sla reads "
                          "format 2)");
    buf_free(&b);
    image_of(p, &b);
    wr32(&b, 12, 1);
    assert_read_fails(&b, "the file uses features this sla does not know (flags 0x00000001)");
    program_free(p);
    buf_free(&b);
}

static void refuses_damage(void **state)
{
    (void)state;
    sla_program *p = sample(0);
    buf b;
    image_of(p, &b);
    size_t plen = b.len - 56;
    b.data[b.len - 1] ^= 1;
    assert_read_fails(&b, "the file is damaged (its checksum does not match)");
    b.data[b.len - 1] ^= 1;
    b.data[20] ^= 0x40;
    assert_read_fails(&b, "the file is damaged (its checksum does not match)");
    b.data[20] ^= 0x40;
    buf_putc(&b, 0);
    assert_read_fails(&b, "the file is damaged (1 unexpected byte after its end)");
    buf_puts(&b, "xyz");
    assert_read_fails(&b, "the file is damaged (4 unexpected bytes after its end)");
    b.len -= 4;
    wr32(&b, 48, (uint32_t)plen + 1);
    char want[128];
    snprintf(want, sizeof want, "truncated: expected %zu bytes after the header, found %zu",
             plen + 1, plen);
    assert_read_fails(&b, want);
    wr32(&b, 52, 1);
    snprintf(want, sizeof want, "truncated: expected %zu bytes after the header, found %zu",
             plen + 1 + ((size_t)1 << 32), plen);
    assert_read_fails(&b, want);
    wr32(&b, 48, (uint32_t)plen);
    wr32(&b, 52, 0);
    char err[256];
    sla_program *q = slab_read(b.data, b.len, err, sizeof err);
    assert_non_null(q);
    program_free(q);
    program_free(p);
    buf_free(&b);
}

/* A real-sized file cut at every length is refused, and says it is cut. */
static void refuses_every_truncation(void **state)
{
    (void)state;
    sla_program *p = sample(3);
    buf b;
    image_of(p, &b);
    assert_true(b.len > 8000);
    for (size_t n = 0; n < b.len; n++) {
        char *copy = malloc(n ? n : 1);       /* exactly n bytes: ASan sees any overread */
        memcpy(copy, b.data, n);
        char err[256];
        sla_program *q = slab_read(copy, n, err, sizeof err);
        if (q)
            fail_msg("a file cut to %zu of %zu bytes was read", n, b.len);
        if (n == 0)
            assert_string_equal(err, "not a compiled policy (.slab) file: it is empty");
        else if (strncmp(err, "truncated: ", 11) != 0)
            fail_msg("cut to %zu bytes: \"%s\"", n, err);
        free(copy);
    }
    program_free(p);
    buf_free(&b);
}

/* Every single-bit change of a file is refused (the checksum sees those
 * in the payload; the header's checks see the rest). */
static void refuses_every_bit_flip(void **state)
{
    (void)state;
    sla_program *p = sample(0);
    buf b;
    image_of(p, &b);
    char *copy = malloc(b.len);
    for (size_t at = 0; at < b.len; at++)
        for (int bit = 0; bit < 8; bit++) {
            memcpy(copy, b.data, b.len);
            copy[at] ^= (char)(1 << bit);
            char err[256];
            sla_program *q = slab_read(copy, b.len, err, sizeof err);
            if (q)
                fail_msg("a file with bit %d of byte %zu flipped was read", bit, at);
        }
    /* and every byte replaced by 0x00 and 0xff */
    for (size_t at = 0; at < b.len; at++)
        for (int v = 0; v < 2; v++) {
            memcpy(copy, b.data, b.len);
            if (copy[at] == (char)(v ? 0xff : 0))
                continue;
            copy[at] = (char)(v ? 0xff : 0);
            char err[256];
            sla_program *q = slab_read(copy, b.len, err, sizeof err);
            if (q)
                fail_msg("a file with byte %zu set to %d was read", at, v ? 0xff : 0);
        }
    free(copy);
    program_free(p);
    buf_free(&b);
}

/* ---- payloads with a correct checksum and wrong contents ------------------------------ */

static void refuses_impossible_counts(void **state)
{
    (void)state;
    sla_program *p = sample(0);
    buf b;
    image_of(p, &b);
    uint32_t size;
    char want[160];

    buf c;
    buf_init(&c);
    buf_put(&c, b.data, b.len);
    size_t at = section(&c, "CNST", &size);
    wr32(&c, at, UINT32_MAX);
    reseal(&c);
    snprintf(want, sizeof want, "truncated: expected %llu bytes of constants, found %u",
             (unsigned long long)UINT32_MAX * 12, size - 4);
    assert_read_fails(&c, want);

    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    at = section(&c, "CODE", &size);
    wr32(&c, at, 1u << 30);
    reseal(&c);
    snprintf(want, sizeof want, "truncated: expected %llu bytes of code, found %u",
             (unsigned long long)8 << 30, size - 4);
    assert_read_fails(&c, want);

    /* one instruction more than there is room for with its line */
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    at = section(&c, "CODE", &size);
    wr32(&c, at, p->ncode + 1);
    reseal(&c);
    snprintf(want, sizeof want, "truncated: expected %u bytes of source lines, found %u",
             4 * (p->ncode + 1), 4 * p->ncode - 8);
    assert_read_fails(&c, want);

    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    at = section(&c, "FLDS", &size);
    wr32(&c, at, 0x10000000);
    reseal(&c);
    snprintf(want, sizeof want, "truncated: expected %llu bytes of fields, found %u",
             (unsigned long long)0x10000000 * 36, size - 4);
    assert_read_fails(&c, want);

    /* every count of every section, made huge or one too many: refused,
     * and nothing large is allocated on the way */
    static const char *const counted[] = {"REGS", "FLDS", "CNST", "CODE", "SETS", "STGS",
                                          "CLSS", "HAND", "CADN", "HOUR", "HOLI", "OUTS"};
    static const uint32_t bad[] = {UINT32_MAX, 0x80000000u, 0x10000, 0};
    for (size_t i = 0; i < sizeof counted / sizeof *counted; i++)
        for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
            buf_reset(&c);
            buf_put(&c, b.data, b.len);
            at = section(&c, counted[i], &size);
            uint32_t n = bad[k] ? bad[k] : rd32(&c, at) + 1;
            wr32(&c, at, n);
            reseal(&c);
            char err[256];
            sla_program *q = slab_read(c.data, c.len, err, sizeof err);
            if (q)
                fail_msg("%s with count %u was read", counted[i], n);
        }
    buf_free(&c);
    program_free(p);
    buf_free(&b);
}

static void refuses_bad_strings(void **state)
{
    (void)state;
    sla_program *p = sample(0);
    buf b, c;
    image_of(p, &b);
    buf_init(&c);
    uint32_t npool, size;
    size_t pool = section(&b, "STRS", &npool);
    size_t prog = section(&b, "PROG", &size);
    uint32_t off = rd32(&b, prog), len = rd32(&b, prog + 4);
    char want[200];

    /* past the pool, inside a string, too long, too short, absent */
    uint32_t refs[][2] = {{npool + 5, 0}, {off + 1, len - 1}, {off, len + 1}, {off, len - 1},
                          {off, UINT32_MAX}, {UINT32_MAX - 1, 2}, {npool, 0},
                          {SLAB_NO_STRING, 0}};
    for (size_t i = 0; i < sizeof refs / sizeof *refs; i++) {
        buf_reset(&c);
        buf_put(&c, b.data, b.len);
        wr32(&c, prog, refs[i][0]);
        wr32(&c, prog + 4, refs[i][1]);
        reseal(&c);
        snprintf(want, sizeof want, "a string in the program (at offset %u, %u bytes) is not "
                 "one of the string pool's %u bytes", refs[i][0], refs[i][1], npool);
        assert_read_fails(&c, want);
    }

    /* a pool that does not end a string, or is not UTF-8 */
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    c.data[pool + npool - 1] = 'x';
    reseal(&c);
    assert_read_fails(&c, "the string pool does not end with the end of a string");
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    c.data[pool + off] = (char)0xc0;
    reseal(&c);
    assert_read_fails(&c, "the string pool is not valid UTF-8");

    /* an empty pool: every reference is outside it */
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    splice(&c, "STRS", pool, npool, "", 0);
    assert_read_fails(&c, "a string in the program (at offset 0, 16 bytes) is not one of the "
                          "string pool's 0 bytes");

    /* a NUL-free name cannot hide in the pool: "a\0b" is two strings */
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    c.data[pool + off + 3] = '\0';
    reseal(&c);
    snprintf(want, sizeof want, "a string in the program (at offset %u, %u bytes) is not one "
             "of the string pool's %u bytes", off, len, npool);
    assert_read_fails(&c, want);
    buf_free(&c);
    program_free(p);
    buf_free(&b);
}

static void refuses_bad_sections(void **state)
{
    (void)state;
    sla_program *p = sample(0);
    buf b, c;
    image_of(p, &b);
    buf_init(&c);
    uint32_t size;

    buf_put(&c, b.data, b.len);
    size_t at = section(&c, "PROG", &size);
    memcpy(c.data + at - 8, "PROX", 4);
    reseal(&c);
    assert_read_fails(&c, "expected the program section (PROG), found \"PROX\"");

    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    at = section(&c, "SETS", &size);
    memcpy(c.data + at - 8, "\x01\x02\x03\x04", 4);
    reseal(&c);
    assert_read_fails(&c, "expected the sets section (SETS), found bytes 01 02 03 04");

    /* sections swapped */
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    at = section(&c, "HOUR", &size);
    memcpy(c.data + at - 8, "HOLI", 4);
    reseal(&c);
    assert_read_fails(&c, "expected the business hours section (HOUR), found \"HOLI\"");

    /* a section longer than the rest of the file */
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    at = section(&c, "RPRT", &size);
    wr32(&c, at - 4, size + 1);
    reseal(&c);
    char want[160];
    snprintf(want, sizeof want, "truncated: expected %u bytes of report registers, found %u",
             size + 1, size);
    assert_read_fails(&c, want);

    /* a section with bytes its contents do not use */
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    at = section(&c, "HAND", &size);
    splice(&c, "HAND", at + size, 0, "\0\0\0\0", 4);
    assert_read_fails(&c, "the hand-offs section has 4 bytes more than its contents");

    /* bytes after the last section */
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    buf_puts(&c, "abc");
    reseal(&c);
    assert_read_fails(&c, "the file has 3 bytes after its last section");

    /* the payload ends early */
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    at = section(&c, "SETS", &size);
    c.len = at - 8;
    reseal(&c);
    assert_read_fails(&c, "truncated: expected the sets section, found 0 bytes");
    buf_free(&c);
    program_free(p);
    buf_free(&b);
}

static void refuses_bad_values(void **state)
{
    (void)state;
    sla_program *p = sample(0);
    buf b, c;
    image_of(p, &b);
    buf_init(&c);
    uint32_t size;
    char want[200];
    uint32_t c0 = p->nfields;     /* the first constant's register */

    /* a register of no known type */
    buf_put(&c, b.data, b.len);
    size_t at = section(&c, "REGS", &size);
    c.data[at + 4 + 3] = (char)200;
    reseal(&c);
    assert_read_fails(&c, "register 3 has an unknown type (200)");

    /* a constant stored as one type in a register of another */
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    at = section(&c, "CNST", &size);
    c.data[at + 4] = VT_INT;
    reseal(&c);
    snprintf(want, sizeof want, "constant r%u is stored as int, but its register is number", c0);
    assert_read_fails(&c, want);

    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    c.data[at + 4] = 99;
    reseal(&c);
    assert_read_fails(&c, "constant 0 has an unknown type (99)");

    /* unknown flags; business days on a number */
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    c.data[at + 5] = SLAB_CONST_DAYS;
    reseal(&c);
    snprintf(want, sizeof want, "constant r%u has unknown flags (0x02)", c0);
    assert_read_fails(&c, want);

    /* an unset constant with a value */
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    c.data[at + 5] = SLAB_CONST_UNSET;
    c.data[at + 8] = 1;
    reseal(&c);
    snprintf(want, sizeof want, "constant r%u is unset but carries a value", c0);
    assert_read_fails(&c, want);

    /* reserved bytes */
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    c.data[at + 6] = 1;
    reseal(&c);
    assert_read_fails(&c, "reserved bytes in the constants are not zero");
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    at = section(&c, "PROG", &size);
    c.data[at + 23] = 1;
    reseal(&c);
    assert_read_fails(&c, "reserved bytes in the program are not zero");

    /* field and set flags */
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    at = section(&c, "FLDS", &size);
    c.data[at + 4 + 17] = (char)0x80;
    reseal(&c);
    assert_read_fails(&c, "field 0 has unknown flags (0x80)");
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    c.data[at + 4 + 16] = 40;
    reseal(&c);
    assert_read_fails(&c, "field 0 has an unknown type (40)");
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    at = section(&c, "SETS", &size);
    c.data[at + 4 + 1] = 2;
    reseal(&c);
    assert_read_fails(&c, "set 0 has unknown flags (0x02)");

    /* a constant without a register */
    buf_reset(&c);
    buf_put(&c, b.data, b.len);
    at = section(&c, "REGS", &size);
    uint8_t regs[4 + 8];
    memcpy(regs, "\x08\0\0\0", 4);
    memcpy(regs + 4, c.data + at + 4, 8);
    splice(&c, "REGS", at, size, regs, sizeof regs);
    assert_read_fails(&c, "constant 1 has no register (the program has 8)");
    buf_free(&c);
    program_free(p);
    buf_free(&b);
}

/* What passes the reader's checks still meets the verifier. */
static void verifies_on_load(void **state)
{
    (void)state;
    sla_program *p = tp_new();
    tp_now(p);
    uint32_t t = tp_temp(p, VT_TIME);
    tp_jump(p, OP_JMP, 0, 2);
    tp_op(p, OP_MOVE, t, 0, 0);
    tp_op(p, OP_MOVE, t, t, 0);
    tp_ret(p);
    buf b;
    image_of(p, &b);      /* the writer writes it: it does not judge */
    assert_read_fails(&b, "the compiled policy is not valid: MOVE reads register r1 before any "
                          "instruction writes it (pc 2)");
    program_free(p);
    buf_free(&b);

    /* an opcode past the table */
    p = sample(0);
    image_of(p, &b);
    uint32_t size;
    size_t at = section(&b, "CODE", &size);
    wr32(&b, at + 4, 0x7777);
    reseal(&b);
    assert_read_fails(&b, "the compiled policy is not valid: unknown opcode 30583 (pc 0)");
    program_free(p);
    buf_free(&b);
}

/* Every byte of the payload changed, the checksum made right again: the
 * loader refuses or loads a program the verifier passed, and never reads
 * outside the file or crashes. */
static void survives_resealed_damage(void **state)
{
    (void)state;
    sla_program *p = sample(0);
    buf b;
    image_of(p, &b);
    char *copy = malloc(b.len);
    size_t refused = 0, loaded = 0;
    static const int changes[] = {0x01, 0x80, 0xff, -1, -2};
    for (size_t at = SLAB_HEADER_SIZE; at < b.len; at++)
        for (size_t k = 0; k < sizeof changes / sizeof *changes; k++) {
            memcpy(copy, b.data, b.len);
            int x = changes[k];
            uint8_t *u = (uint8_t *)copy + at;
            if (x == -1)
                *u = 0;
            else if (x == -2)
                *u = *u < 0x80 ? (uint8_t)(*u + 1) : (uint8_t)(*u - 1);
            else
                *u ^= (uint8_t)x;
            if (memcmp(copy, b.data, b.len) == 0)
                continue;
            sha256(copy + SLAB_HEADER_SIZE, b.len - SLAB_HEADER_SIZE, (uint8_t *)copy + 16);
            char err[512];
            sla_program *q = slab_read(copy, b.len, err, sizeof err);
            if (q) {
                loaded++;
                assert_null(verify_program(q, err, sizeof err));
                program_free(q);
            } else {
                refused++;
            }
        }
    /* most damage is caught; what loads is (say) a changed line number */
    assert_true(refused > loaded);
    free(copy);
    program_free(p);
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha256_vectors),
        cmocka_unit_test(sha256_million_a),
        cmocka_unit_test(round_trip),
        cmocka_unit_test(header_layout),
        cmocka_unit_test(output_is_deterministic),
        cmocka_unit_test(writer_refuses_what_the_format_cannot_hold),
        cmocka_unit_test(refuses_other_files),
        cmocka_unit_test(refuses_other_versions),
        cmocka_unit_test(refuses_damage),
        cmocka_unit_test(refuses_every_truncation),
        cmocka_unit_test(refuses_every_bit_flip),
        cmocka_unit_test(refuses_impossible_counts),
        cmocka_unit_test(refuses_bad_strings),
        cmocka_unit_test(refuses_bad_sections),
        cmocka_unit_test(refuses_bad_values),
        cmocka_unit_test(verifies_on_load),
        cmocka_unit_test(survives_resealed_damage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
