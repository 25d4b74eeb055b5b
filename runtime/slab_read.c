/*
 * slab_read.c - a .slab file back into a program, trusting nothing in it.
 *
 * The header is checked first and the checksum before anything else in
 * the payload is read, so a damaged file is refused as damaged rather
 * than as whatever its damage happens to look like. After that the
 * payload is still untrusted (anyone can write a file with a correct
 * checksum): every read goes through a cursor that stops at the end of
 * its section, and every count is checked against the bytes left in the
 * section before anything is allocated for it, so what the loader
 * allocates is bounded by a small multiple of the file's size. Strings
 * are checked once, as a pool; a reference must name one whole string of
 * it. What the bytes mean is then left to the verifier, the same one
 * that checks the compiler's programs.
 */
#include "slab.h"

#include "verify.h"
#include "../common/utf8.h"

#include "../common/arena.h"
#include "../common/sha256.h"
#include "../common/xalloc.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    const uint8_t *p, *end;       /* the unread part of the current section */
    const char *what;             /* the section, in words */
    char *err;
    size_t errlen;
    bool failed;

    arena *a;
    const char *pool;             /* the arena's copy of the string pool */
    uint32_t npool;
    uint32_t *starts;             /* where each string of the pool starts */
    uint32_t nstrings;
} reader;

static const char *const section_tags[SLAB_SEC__COUNT] = {
#define X(id, tag, words) tag,
    SLAB_SECTIONS(X)
#undef X
};

static const char *const section_words[SLAB_SEC__COUNT] = {
#define X(id, tag, words) words,
    SLAB_SECTIONS(X)
#undef X
};

__attribute__((format(printf, 2, 3)))
static bool fail(reader *r, const char *fmt, ...)
{
    if (r->failed)
        return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, r->errlen, fmt, ap);
    va_end(ap);
    r->failed = true;
    r->p = r->end;                /* nothing more is read */
    return false;
}

static size_t left(const reader *r)
{
    return (size_t)(r->end - r->p);
}

/* n more bytes of what must be there. */
static bool need(reader *r, uint64_t n, const char *what)
{
    if (r->failed)
        return false;
    if (n > left(r))
        return fail(r, "truncated: expected %" PRIu64 " bytes of %s, found %zu", n, what,
                    left(r));
    return true;
}

static uint64_t get(reader *r, int n)
{
    if (!need(r, (uint64_t)n, r->what))
        return 0;
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)r->p[i] << 8 * i;
    r->p += n;
    return v;
}

static unsigned get_u8(reader *r)
{
    return (unsigned)get(r, 1);
}

static unsigned get_u16(reader *r)
{
    return (unsigned)get(r, 2);
}

static uint32_t get_u32(reader *r)
{
    return (uint32_t)get(r, 4);
}

static void get_zero(reader *r, int n)
{
    if (get(r, n) != 0)
        fail(r, "reserved bytes in the %s are not zero", r->what);
}

/* A count of items of at least size bytes each, all of which must fit in
 * what is left of the section. */
static uint32_t get_count(reader *r, size_t size, const char *what)
{
    uint32_t n = get_u32(r);
    if (!need(r, (uint64_t)n * size, what))
        return 0;
    return n;
}

/* ---- strings ------------------------------------------------------------------ */

/* The pool: NUL-terminated UTF-8 strings, none holding a NUL. */
static bool read_pool(reader *r)
{
    uint32_t n = (uint32_t)left(r);
    if (n && r->end[-1] != '\0')
        return fail(r, "the string pool does not end with the end of a string");
    if (!utf8_valid(r->p, n))
        return fail(r, "the string pool is not valid UTF-8");
    uint32_t count = 0;
    for (uint32_t i = 0; i < n; i++)
        count += r->p[i] == '\0';
    r->starts = xmalloc((count ? count : 1) * sizeof *r->starts);
    r->nstrings = 0;
    for (uint32_t i = 0; i < n; i++)
        if (i == 0 || r->p[i - 1] == '\0')
            r->starts[r->nstrings++] = i;
    char *copy = arena_alloc(r->a, (size_t)n + 1);
    memcpy(copy, r->p, n);
    r->pool = copy;
    r->npool = n;
    r->p = r->end;
    return true;
}

/* Whether [off, off + len) is one whole string of the pool. */
static bool pool_string(const reader *r, uint32_t off, uint32_t len)
{
    if (off >= r->npool || len >= r->npool - off)
        return false;
    uint32_t lo = 0, hi = r->nstrings;    /* the string starting at off */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (r->starts[mid] < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == r->nstrings || r->starts[lo] != off)
        return false;
    uint32_t next = lo + 1 < r->nstrings ? r->starts[lo + 1] : r->npool;
    return next - off - 1 == len;
}

/* A string reference; an absent one (NULL) only if optional. */
static const char *get_text(reader *r, uint32_t *len_out, bool optional)
{
    uint32_t off = get_u32(r), len = get_u32(r);
    if (r->failed)
        return NULL;
    if (off == SLAB_NO_STRING && len == 0 && optional)
        return NULL;
    if (!pool_string(r, off, len)) {
        fail(r, "a string in the %s (at offset %" PRIu32 ", %" PRIu32 " bytes) is not one of "
             "the string pool's %" PRIu32 " bytes", r->what, off, len, r->npool);
        return NULL;
    }
    if (len_out)
        *len_out = len;
    return r->pool + off;
}

static const char *get_str(reader *r)
{
    return get_text(r, NULL, false);
}

static const char **get_names(reader *r, uint32_t *n, const char *what)
{
    *n = get_count(r, SLAB_STRREF, what);
    const char **v = arena_alloc(r->a, ((size_t)*n + 1) * sizeof *v);
    for (uint32_t i = 0; i < *n && !r->failed; i++)
        v[i] = get_str(r);
    return v;
}

/* ---- values ---------------------------------------------------------------------- */

static bool known_type(reader *r, unsigned t, const char *what, uint32_t i)
{
    if (t >= VT__COUNT)
        return fail(r, "%s %" PRIu32 " has an unknown type (%u)", what, i, t);
    return true;
}

/* Eight bytes of a value of type t. */
static void get_value(reader *r, vtype t, sla_value *v)
{
    if (t == VT_TEXT) {
        v->s = get_text(r, &v->len, false);
    } else if (t == VT_NUMBER) {
        uint64_t bits = get(r, 8);
        memcpy(&v->f, &bits, sizeof v->f);
    } else {
        v->i = (int64_t)get(r, 8);
    }
}

/* ---- sections ---------------------------------------------------------------------- */

/* Enters section s of the payload [*pos, pay_end). */
static bool open_section(reader *r, slab_section s, const uint8_t **pos, const uint8_t *pay_end)
{
    const char *words = section_words[s];
    size_t have = (size_t)(pay_end - *pos);
    if (have < SLAB_SECTION_HEAD)
        return fail(r, "truncated: expected the %s section, found %zu bytes", words, have);
    const uint8_t *h = *pos;
    if (memcmp(h, section_tags[s], 4) != 0) {
        bool printable = true;
        for (int i = 0; i < 4; i++)
            printable &= h[i] >= 0x20 && h[i] < 0x7f;
        if (printable)
            return fail(r, "expected the %s section (%s), found \"%.4s\"", words,
                        section_tags[s], (const char *)h);
        return fail(r, "expected the %s section (%s), found bytes %02x %02x %02x %02x", words,
                    section_tags[s], h[0], h[1], h[2], h[3]);
    }
    uint32_t size = (uint32_t)h[4] | (uint32_t)h[5] << 8 | (uint32_t)h[6] << 16 |
                    (uint32_t)h[7] << 24;
    if (size > have - SLAB_SECTION_HEAD)
        return fail(r, "truncated: expected %" PRIu32 " bytes of %s, found %zu", size, words,
                    have - SLAB_SECTION_HEAD);
    r->p = h + SLAB_SECTION_HEAD;
    r->end = r->p + size;
    r->what = words;
    *pos = r->end;
    return true;
}

static bool close_section(reader *r)
{
    if (!r->failed && r->p != r->end)
        return fail(r, "the %s section has %zu bytes more than its contents", r->what, left(r));
    return !r->failed;
}

static void read_program(reader *r, sla_program *p)
{
    p->name = get_str(r);
    p->zone = get_str(r);
    p->first_temp = get_u32(r);
    p->now_reg = (uint16_t)get_u16(r);
    get_zero(r, 2);
}

static void read_registers(reader *r, sla_program *p)
{
    p->nregs = get_count(r, 1, "register types");
    p->reg_types = arena_alloc(r->a, ((size_t)p->nregs + 1) * sizeof *p->reg_types);
    for (uint32_t i = 0; i < p->nregs && !r->failed; i++) {
        unsigned t = get_u8(r);
        if (known_type(r, t, "register", i))
            p->reg_types[i] = (vtype)t;
    }
}

static void read_fields(reader *r, sla_program *p)
{
    p->nfields = get_count(r, SLAB_FIELD_MIN, "fields");
    p->fields = arena_alloc(r->a, ((size_t)p->nfields + 1) * sizeof *p->fields);
    for (uint32_t i = 0; i < p->nfields && !r->failed; i++) {
        sla_field *f = &p->fields[i];
        f->name = get_str(r);
        f->column = get_str(r);
        unsigned t = get_u8(r), flags = get_u8(r);
        get_zero(r, 2);
        if (!known_type(r, t, "field", i))
            return;
        f->type = (vtype)t;
        if (flags & ~(unsigned)(SLAB_FIELD_OPTIONAL | SLAB_FIELD_USED)) {
            fail(r, "field %" PRIu32 " has unknown flags (0x%02x)", i, flags);
            return;
        }
        f->optional = flags & SLAB_FIELD_OPTIONAL;
        f->used = flags & SLAB_FIELD_USED;
        f->zone = get_text(r, NULL, true);
        f->missing = get_names(r, &f->nmissing, "missing-value words");
        f->formats = get_names(r, &f->nformats, "time formats");
    }
}

static void read_constants(reader *r, sla_program *p)
{
    p->nconsts = get_count(r, SLAB_CONST, "constants");
    p->consts = arena_alloc(r->a, ((size_t)p->nconsts + 1) * sizeof *p->consts);
    for (uint32_t i = 0; i < p->nconsts && !r->failed; i++) {
        sla_value *c = &p->consts[i];
        unsigned t = get_u8(r), flags = get_u8(r);
        get_zero(r, 2);
        uint64_t reg = (uint64_t)p->nfields + i;
        if (!known_type(r, t, "constant", i))
            return;
        if (reg >= p->nregs) {
            fail(r, "constant %" PRIu32 " has no register (the program has %" PRIu32 ")", i,
                 p->nregs);
            return;
        }
        if (t != p->reg_types[reg]) {
            fail(r, "constant r%" PRIu64 " is stored as %s, but its register is %s", reg,
                 vtype_names[t], vtype_names[p->reg_types[reg]]);
            return;
        }
        unsigned known = SLAB_CONST_UNSET | (t == VT_BDURATION ? SLAB_CONST_DAYS : 0);
        if (flags & ~known) {
            fail(r, "constant r%" PRIu64 " has unknown flags (0x%02x)", reg, flags);
            return;
        }
        if (flags & SLAB_CONST_UNSET) {
            c->null = 1;
            if (flags & SLAB_CONST_DAYS || get(r, 8) != 0)
                fail(r, "constant r%" PRIu64 " is unset but carries a value", reg);
            continue;
        }
        get_value(r, (vtype)t, c);
        if (flags & SLAB_CONST_DAYS)
            c->len = 1;
    }
}

static void read_code(reader *r, sla_program *p)
{
    p->ncode = get_count(r, SLAB_INSN, "code");
    p->code = arena_alloc(r->a, ((size_t)p->ncode + 1) * sizeof *p->code);
    for (uint32_t i = 0; i < p->ncode && !r->failed; i++) {
        sla_insn *in = &p->code[i];
        in->op = (uint16_t)get_u16(r);
        in->a = (uint16_t)get_u16(r);
        in->b = (uint16_t)get_u16(r);
        in->c = (uint16_t)get_u16(r);
    }
    if (!need(r, (uint64_t)p->ncode * SLAB_LINE, "source lines"))
        return;
    p->lines = arena_alloc(r->a, ((size_t)p->ncode + 1) * sizeof *p->lines);
    for (uint32_t i = 0; i < p->ncode && !r->failed; i++)
        p->lines[i] = get_u32(r);
}

static void read_sets(reader *r, sla_program *p)
{
    p->nsets = get_count(r, SLAB_SET_MIN, "sets");
    p->sets = arena_alloc(r->a, ((size_t)p->nsets + 1) * sizeof *p->sets);
    for (uint32_t i = 0; i < p->nsets && !r->failed; i++) {
        sla_set *s = &p->sets[i];
        unsigned t = get_u8(r), flags = get_u8(r);
        get_zero(r, 2);
        if (!known_type(r, t, "set", i))
            return;
        if (flags & ~(unsigned)SLAB_SET_NOCASE) {
            fail(r, "set %" PRIu32 " has unknown flags (0x%02x)", i, flags);
            return;
        }
        s->type = (vtype)t;
        s->nocase = flags & SLAB_SET_NOCASE;
        s->n = get_count(r, SLAB_ITEM, "set items");
        s->items = arena_alloc(r->a, ((size_t)s->n + 1) * sizeof *s->items);
        for (uint32_t k = 0; k < s->n && !r->failed; k++)
            get_value(r, s->type, &s->items[k]);
    }
}

static void read_handoffs(reader *r, sla_program *p)
{
    p->nhandoffs = get_count(r, SLAB_HANDOFF, "hand-offs");
    p->handoffs = arena_alloc(r->a, ((size_t)p->nhandoffs + 1) * sizeof *p->handoffs);
    for (uint32_t i = 0; i < p->nhandoffs && !r->failed; i++) {
        p->handoffs[i].stage = (uint16_t)get_u16(r);
        p->handoffs[i].until = (int16_t)(uint16_t)get_u16(r);
    }
}

static void read_cadences(reader *r, sla_program *p)
{
    p->ncadences = get_count(r, SLAB_CADENCE, "cadences");
    p->cadences = arena_alloc(r->a, ((size_t)p->ncadences + 1) * sizeof *p->cadences);
    for (uint32_t i = 0; i < p->ncadences && !r->failed; i++) {
        p->cadences[i].stage = (uint16_t)get_u16(r);
        p->cadences[i].until = (int16_t)(uint16_t)get_u16(r);
    }
}

static void read_calendar(reader *r, sla_program *p, slab_section s)
{
    if (s == SLAB_SEC_HOURS) {
        p->nhours = get_count(r, SLAB_HOURS, "business hours");
        p->hours = arena_alloc(r->a, ((size_t)p->nhours + 1) * sizeof *p->hours);
        for (uint32_t i = 0; i < p->nhours && !r->failed; i++) {
            p->hours[i].weekday = (uint8_t)get_u8(r);
            get_zero(r, 1);
            p->hours[i].start = (uint16_t)get_u16(r);
            p->hours[i].end = (uint16_t)get_u16(r);
        }
    } else {
        p->nholidays = get_count(r, SLAB_HOLIDAY, "holidays");
        p->holidays = arena_alloc(r->a, ((size_t)p->nholidays + 1) * sizeof *p->holidays);
        for (uint32_t i = 0; i < p->nholidays && !r->failed; i++)
            p->holidays[i] = (int64_t)get(r, 8);
    }
}

static void read_outputs(reader *r, sla_program *p)
{
    p->noutputs = get_count(r, SLAB_OUTPUT, "outputs");
    p->outputs = arena_alloc(r->a, ((size_t)p->noutputs + 1) * sizeof *p->outputs);
    for (uint32_t i = 0; i < p->noutputs && !r->failed; i++) {
        p->outputs[i].header = get_str(r);
        p->outputs[i].reg = (uint16_t)get_u16(r);
        get_zero(r, 2);
    }
}

static void read_quotas(reader *r, sla_program *p)
{
    p->nquotas = get_count(r, SLAB_QUOTA, "quotas");
    p->quotas = arena_alloc(r->a, ((size_t)p->nquotas + 1) * sizeof *p->quotas);
    for (uint32_t i = 0; i < p->nquotas && !r->failed; i++) {
        sla_quota *q = &p->quotas[i];
        q->team = get_str(r);
        q->text = get_str(r);
        q->line = get_u32(r);
        q->kind = (uint8_t)get_u8(r);
        q->period = (uint8_t)get_u8(r);
        get_zero(r, 2);
        const uint8_t *target = r->p;
        get(r, 8);
        q->at = (uint16_t)get_u16(r);
        q->den = (uint16_t)get_u16(r);
        q->num = (uint16_t)get_u16(r);
        get_zero(r, 2);
        if (r->failed)
            return;
        /* The target's bits are read by the type they have: a rate's and a
         * number sum's are a double, the rest an integer. */
        bool number = q->kind == QK_RATE ||
                      (q->kind == QK_SUM && q->num < p->nregs && p->reg_types[q->num] == VT_NUMBER);
        reader t = *r;
        t.p = target;
        get_value(&t, number ? VT_NUMBER : VT_INT, &q->target);
    }
}

static void read_checkins(reader *r, sla_program *p)
{
    p->ncheckins = get_count(r, SLAB_CHECKIN, "check-ins");
    p->checkins = arena_alloc(r->a, ((size_t)p->ncheckins + 1) * sizeof *p->checkins);
    for (uint32_t i = 0; i < p->ncheckins && !r->failed; i++) {
        p->checkins[i].name = get_str(r);
        p->checkins[i].weekly = (uint8_t)get_u8(r);
        p->checkins[i].day = (uint8_t)get_u8(r);
        get_zero(r, 2);
    }
}

static void read_report(reader *r, sla_program *p)
{
    sla_report_regs *rr = &p->report;
    uint16_t *regs[] = {&rr->id, &rr->stage, &rr->klass, &rr->handoff, &rr->handoff_due,
                        &rr->handoff_stop, &rr->cadence, &rr->recycled, &rr->recycle_reason};
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
        *regs[i] = (uint16_t)get_u16(r);
    get_zero(r, 2);
}

/* ---- the file ---------------------------------------------------------------------- */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The header; on success *payload and *plen give the payload. */
static bool read_header(reader *r, const uint8_t *d, size_t len, const uint8_t **payload,
                        size_t *plen)
{
    if (len == 0)
        return fail(r, "not a compiled policy (.slab) file: it is empty");
    if (memcmp(d, SLAB_MAGIC, len < SLAB_MAGIC_SIZE ? len : SLAB_MAGIC_SIZE) != 0)
        return fail(r, "not a compiled policy (.slab) file");
    if (len < SLAB_MAGIC_SIZE + 4)
        return fail(r, "truncated: expected a %d-byte header, found %zu bytes", SLAB_HEADER_SIZE,
                    len);
    uint32_t version = le32(d + 8);
    if (version > SLAB_VERSION)
        return fail(r, "compiled by a newer version of slac (format %" PRIu32 "; this sla reads "
                    "format %d)", version, SLAB_VERSION);
    if (version < SLAB_VERSION)
        return fail(r, "compiled by an older version of slac (format %" PRIu32 "; this sla reads "
                    "format %d): compile the policy again", version, SLAB_VERSION);
    if (len < SLAB_HEADER_SIZE)
        return fail(r, "truncated: expected a %d-byte header, found %zu bytes", SLAB_HEADER_SIZE,
                    len);
    uint32_t flags = le32(d + 12);
    if (flags)
        return fail(r, "the file uses features this sla does not know (flags 0x%08" PRIx32 ")",
                    flags);
    uint64_t want = (uint64_t)le32(d + 48) | (uint64_t)le32(d + 52) << 32;
    size_t have = len - SLAB_HEADER_SIZE;
    if (want > have)
        return fail(r, "truncated: expected %" PRIu64 " bytes after the header, found %zu", want,
                    have);
    if (want < have)
        return fail(r, "the file is damaged (%" PRIu64 " unexpected byte%s after its end)",
                    have - want, have - want == 1 ? "" : "s");
    uint8_t sum[SHA256_SIZE];
    sha256(d + SLAB_HEADER_SIZE, have, sum);
    if (memcmp(sum, d + 16, SHA256_SIZE) != 0)
        return fail(r, "the file is damaged (its checksum does not match)");
    *payload = d + SLAB_HEADER_SIZE;
    *plen = have;
    return true;
}

sla_program *slab_read(const void *data, size_t len, char *err, size_t errlen)
{
    char scratch[256];
    reader r = {.err = err, .errlen = errlen};
    if (!err || errlen == 0) {
        r.err = scratch;
        r.errlen = sizeof scratch;
    }
    const uint8_t *pay = NULL;
    size_t plen = 0;
    if (!data && len)
        len = 0;
    if (!read_header(&r, data, len, &pay, &plen))
        return NULL;

    r.a = xmalloc(sizeof *r.a);
    arena_init(r.a);
    sla_program *p = arena_alloc(r.a, sizeof *p);
    p->memory = r.a;
    memcpy(p->hash, (const uint8_t *)data + 16, sizeof p->hash);

    const uint8_t *pos = pay, *end = pay + plen;
    for (int s = 0; s < SLAB_SEC__COUNT; s++) {
        if (!open_section(&r, (slab_section)s, &pos, end))
            goto fail;
        switch ((slab_section)s) {
        case SLAB_SEC_STRINGS: read_pool(&r); break;
        case SLAB_SEC_PROGRAM: read_program(&r, p); break;
        case SLAB_SEC_REGISTERS: read_registers(&r, p); break;
        case SLAB_SEC_FIELDS: read_fields(&r, p); break;
        case SLAB_SEC_CONSTANTS: read_constants(&r, p); break;
        case SLAB_SEC_CODE: read_code(&r, p); break;
        case SLAB_SEC_SETS: read_sets(&r, p); break;
        case SLAB_SEC_STAGES: p->stages = get_names(&r, &p->nstages, "stage names"); break;
        case SLAB_SEC_CLASSES: p->classes = get_names(&r, &p->nclasses, "class names"); break;
        case SLAB_SEC_HANDOFFS: read_handoffs(&r, p); break;
        case SLAB_SEC_CADENCES: read_cadences(&r, p); break;
        case SLAB_SEC_HOURS:
        case SLAB_SEC_HOLIDAYS: read_calendar(&r, p, (slab_section)s); break;
        case SLAB_SEC_OUTPUTS: read_outputs(&r, p); break;
        case SLAB_SEC_QUOTAS: read_quotas(&r, p); break;
        case SLAB_SEC_CHECKINS: read_checkins(&r, p); break;
        case SLAB_SEC_REPORT: read_report(&r, p); break;
        case SLAB_SEC__COUNT: break;
        }
        if (!close_section(&r))
            goto fail;
    }
    if (pos != end) {
        fail(&r, "the file has %zu bytes after its last section", (size_t)(end - pos));
        goto fail;
    }

    char why[512];
    if (verify_program(p, why, sizeof why)) {
        fail(&r, "the compiled policy is not valid: %s", why);
        goto fail;
    }
    free(r.starts);
    return p;

fail:
    free(r.starts);
    program_free(p);
    return NULL;
}
