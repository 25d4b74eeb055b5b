/*
 * slab_write.c - a program to the bytes of a .slab file.
 *
 * The sections are written in their fixed order into one buffer while
 * every string they refer to is interned into the pool; the pool is only
 * complete at the end, so the image is assembled last: header, pool, the
 * other sections, then the checksum over all of it is filled in. Strings
 * enter the pool in the order the sections first use them, which is what
 * makes the output a function of the program alone.
 */
#include "slab.h"

#include "../common/sha256.h"
#include "../common/xalloc.h"
#include "../runtime/slab.h"

#include <stdbool.h>
#include <string.h>

typedef struct pool_slot {
    uint32_t off, len;
    bool used;
} pool_slot;

typedef struct writer {
    buf body;                 /* every section after the pool, back to back */
    size_t start[SLAB_SEC__COUNT];
    size_t size[SLAB_SEC__COUNT];
    buf pool;
    pool_slot *slots;         /* the pool's strings, by hash */
    size_t nslots, nstrings;
    bool bad;                 /* p cannot be written */
} writer;

/* ---- little-endian integers --------------------------------------------------- */

static void put_u8(buf *b, unsigned v)
{
    buf_putc(b, (char)(uint8_t)v);
}

static void put_u16(buf *b, unsigned v)
{
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    buf_put(b, x, 2);
}

static void put_u32(buf *b, uint32_t v)
{
    uint8_t x[4];
    for (int i = 0; i < 4; i++)
        x[i] = (uint8_t)(v >> 8 * i);
    buf_put(b, x, 4);
}

static void put_u64(buf *b, uint64_t v)
{
    uint8_t x[8];
    for (int i = 0; i < 8; i++)
        x[i] = (uint8_t)(v >> 8 * i);
    buf_put(b, x, 8);
}

/* ---- the string pool ------------------------------------------------------------- */

static uint32_t hash_bytes(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

static void grow_pool_index(writer *w)
{
    size_t n = w->nslots ? w->nslots * 2 : 64;
    pool_slot *slots = xcalloc(n, sizeof *slots);
    for (size_t i = 0; i < w->nslots; i++) {
        if (!w->slots[i].used)
            continue;
        size_t k = hash_bytes(w->pool.data + w->slots[i].off, w->slots[i].len) & (n - 1);
        while (slots[k].used)
            k = (k + 1) & (n - 1);
        slots[k] = w->slots[i];
    }
    free(w->slots);
    w->slots = slots;
    w->nslots = n;
}

/* The offset of s[0..len) in the pool, adding it (and its NUL) if new. */
static uint32_t intern(writer *w, const char *s, size_t len)
{
    if (len && (!s || memchr(s, '\0', len))) {
        w->bad = true;
        return 0;
    }
    if (len >= UINT32_MAX || w->pool.len + len + 1 > UINT32_MAX - 1) {
        w->bad = true;
        return 0;
    }
    if ((w->nstrings + 1) * 2 > w->nslots)
        grow_pool_index(w);
    size_t k = hash_bytes(s, len) & (w->nslots - 1);
    for (; w->slots[k].used; k = (k + 1) & (w->nslots - 1)) {
        const pool_slot *x = &w->slots[k];
        if (x->len == len && (len == 0 || memcmp(w->pool.data + x->off, s, len) == 0))
            return x->off;
    }
    uint32_t off = (uint32_t)w->pool.len;
    if (len)
        buf_put(&w->pool, s, len);
    buf_putc(&w->pool, '\0');
    w->slots[k] = (pool_slot){off, (uint32_t)len, true};
    w->nstrings++;
    return off;
}

static void put_text(writer *w, const char *s, size_t len)
{
    uint32_t off = intern(w, s, len);
    put_u32(&w->body, off);
    put_u32(&w->body, (uint32_t)len);
}

/* A name: required unless optional (then NULL is written as absent). */
static void put_str(writer *w, const char *s, bool optional)
{
    if (!s) {
        if (!optional)
            w->bad = true;
        put_u32(&w->body, SLAB_NO_STRING);
        put_u32(&w->body, 0);
        return;
    }
    put_text(w, s, strlen(s));
}

static void put_count(writer *w, uint32_t n, const void *array)
{
    if (n && !array)
        w->bad = true;
    put_u32(&w->body, n);
}

/* The eight bytes of a value of type t (zero if unset). */
static void put_value(writer *w, unsigned t, const sla_value *v)
{
    if (v->null) {
        put_u64(&w->body, 0);
    } else if (t == VT_TEXT) {
        put_text(w, v->s, v->len);
    } else if (t == VT_NUMBER) {
        uint64_t bits;
        memcpy(&bits, &v->f, sizeof bits);
        put_u64(&w->body, bits);
    } else {
        put_u64(&w->body, (uint64_t)v->i);
    }
}

/* ---- sections ------------------------------------------------------------------- */

static void begin(writer *w, slab_section s)
{
    w->start[s] = w->body.len;
}

static void end(writer *w, slab_section s)
{
    w->size[s] = w->body.len - w->start[s];
    if (w->size[s] > UINT32_MAX)
        w->bad = true;
}

static void put_names(writer *w, const char *const *names, uint32_t n)
{
    put_count(w, n, names);
    for (uint32_t i = 0; i < n && names; i++)
        put_str(w, names[i], false);
}

static void write_sections(writer *w, const sla_program *p)
{
    buf *b = &w->body;

    begin(w, SLAB_SEC_PROGRAM);
    put_str(w, p->name, false);
    put_str(w, p->zone, false);
    put_u32(b, p->first_temp);
    put_u16(b, p->now_reg);
    put_u16(b, 0);
    end(w, SLAB_SEC_PROGRAM);

    begin(w, SLAB_SEC_REGISTERS);
    put_count(w, p->nregs, p->reg_types);
    for (uint32_t i = 0; i < p->nregs && p->reg_types; i++) {
        if ((unsigned)p->reg_types[i] > UINT8_MAX)
            w->bad = true;
        put_u8(b, (unsigned)p->reg_types[i]);
    }
    end(w, SLAB_SEC_REGISTERS);

    begin(w, SLAB_SEC_FIELDS);
    put_count(w, p->nfields, p->fields);
    for (uint32_t i = 0; i < p->nfields && p->fields; i++) {
        const sla_field *f = &p->fields[i];
        put_str(w, f->name, false);
        put_str(w, f->column, false);
        if ((unsigned)f->type > UINT8_MAX)
            w->bad = true;
        put_u8(b, (unsigned)f->type);
        put_u8(b, (f->optional ? SLAB_FIELD_OPTIONAL : 0) | (f->used ? SLAB_FIELD_USED : 0));
        put_u16(b, 0);
        put_str(w, f->zone, true);
        put_names(w, f->missing, f->nmissing);
        put_names(w, f->formats, f->nformats);
    }
    end(w, SLAB_SEC_FIELDS);

    /* A constant's type is its register's: the file repeats it so the
     * loader can check the two agree. */
    begin(w, SLAB_SEC_CONSTANTS);
    put_count(w, p->nconsts, p->consts);
    for (uint32_t i = 0; i < p->nconsts && p->consts; i++) {
        const sla_value *c = &p->consts[i];
        uint64_t r = (uint64_t)p->nfields + i;
        if (r >= p->nregs || !p->reg_types) {
            w->bad = true;
            break;
        }
        unsigned t = (unsigned)p->reg_types[r];
        unsigned flags = c->null ? SLAB_CONST_UNSET : 0;
        if (t == VT_BDURATION && c->len == 1 && !c->null)
            flags |= SLAB_CONST_DAYS;
        else if (t != VT_TEXT && c->len != 0 && !c->null)
            w->bad = true;
        put_u8(b, t);
        put_u8(b, flags);
        put_u16(b, 0);
        put_value(w, t, c);
    }
    end(w, SLAB_SEC_CONSTANTS);

    begin(w, SLAB_SEC_CODE);
    put_count(w, p->ncode, p->code);
    if (p->ncode && !p->lines)
        w->bad = true;
    for (uint32_t i = 0; i < p->ncode && p->code; i++) {
        put_u16(b, p->code[i].op);
        put_u16(b, p->code[i].a);
        put_u16(b, p->code[i].b);
        put_u16(b, p->code[i].c);
    }
    for (uint32_t i = 0; i < p->ncode && p->code && p->lines; i++)
        put_u32(b, p->lines[i]);
    end(w, SLAB_SEC_CODE);

    begin(w, SLAB_SEC_SETS);
    put_count(w, p->nsets, p->sets);
    for (uint32_t i = 0; i < p->nsets && p->sets; i++) {
        const sla_set *s = &p->sets[i];
        if ((unsigned)s->type > UINT8_MAX)
            w->bad = true;
        put_u8(b, (unsigned)s->type);
        put_u8(b, s->nocase ? SLAB_SET_NOCASE : 0);
        put_u16(b, 0);
        put_count(w, s->n, s->items);
        for (uint32_t k = 0; k < s->n && s->items; k++) {
            if (s->items[k].null || (s->type != VT_TEXT && s->items[k].len != 0))
                w->bad = true;
            put_value(w, (unsigned)s->type, &s->items[k]);
        }
    }
    end(w, SLAB_SEC_SETS);

    begin(w, SLAB_SEC_STAGES);
    put_names(w, p->stages, p->nstages);
    end(w, SLAB_SEC_STAGES);

    begin(w, SLAB_SEC_CLASSES);
    put_names(w, p->classes, p->nclasses);
    end(w, SLAB_SEC_CLASSES);

    begin(w, SLAB_SEC_HANDOFFS);
    put_count(w, p->nhandoffs, p->handoffs);
    for (uint32_t i = 0; i < p->nhandoffs && p->handoffs; i++) {
        put_u16(b, p->handoffs[i].stage);
        put_u16(b, (uint16_t)p->handoffs[i].until);
    }
    end(w, SLAB_SEC_HANDOFFS);

    begin(w, SLAB_SEC_CADENCES);
    put_count(w, p->ncadences, p->cadences);
    for (uint32_t i = 0; i < p->ncadences && p->cadences; i++) {
        put_u16(b, p->cadences[i].stage);
        put_u16(b, (uint16_t)p->cadences[i].until);
    }
    end(w, SLAB_SEC_CADENCES);

    begin(w, SLAB_SEC_HOURS);
    put_count(w, p->nhours, p->hours);
    for (uint32_t i = 0; i < p->nhours && p->hours; i++) {
        put_u8(b, p->hours[i].weekday);
        put_u8(b, 0);
        put_u16(b, p->hours[i].start);
        put_u16(b, p->hours[i].end);
    }
    end(w, SLAB_SEC_HOURS);

    begin(w, SLAB_SEC_HOLIDAYS);
    put_count(w, p->nholidays, p->holidays);
    for (uint32_t i = 0; i < p->nholidays && p->holidays; i++)
        put_u64(b, (uint64_t)p->holidays[i]);
    end(w, SLAB_SEC_HOLIDAYS);

    begin(w, SLAB_SEC_OUTPUTS);
    put_count(w, p->noutputs, p->outputs);
    for (uint32_t i = 0; i < p->noutputs && p->outputs; i++) {
        put_str(w, p->outputs[i].header, false);
        put_u16(b, p->outputs[i].reg);
        put_u16(b, 0);
    }
    end(w, SLAB_SEC_OUTPUTS);

    begin(w, SLAB_SEC_QUOTAS);
    put_count(w, p->nquotas, p->quotas);
    for (uint32_t i = 0; i < p->nquotas && p->quotas; i++) {
        const sla_quota *q = &p->quotas[i];
        put_str(w, q->team, false);
        put_str(w, q->text, false);
        put_u32(b, q->line);
        put_u8(b, q->kind);
        put_u8(b, q->period);
        put_u16(b, 0);
        bool number = q->kind == QK_RATE ||
                      (q->kind == QK_SUM && q->num < p->nregs && p->reg_types &&
                       p->reg_types[q->num] == VT_NUMBER);
        put_value(w, number ? VT_NUMBER : VT_INT, &q->target);
        put_u16(b, q->at);
        put_u16(b, q->den);
        put_u16(b, q->num);
        put_u16(b, 0);
    }
    end(w, SLAB_SEC_QUOTAS);

    begin(w, SLAB_SEC_CHECKINS);
    put_count(w, p->ncheckins, p->checkins);
    for (uint32_t i = 0; i < p->ncheckins && p->checkins; i++) {
        put_str(w, p->checkins[i].name, false);
        put_u8(b, p->checkins[i].weekly);
        put_u8(b, p->checkins[i].day);
        put_u16(b, 0);
    }
    end(w, SLAB_SEC_CHECKINS);

    begin(w, SLAB_SEC_REPORT);
    const sla_report_regs *rr = &p->report;
    const uint16_t regs[] = {rr->id, rr->stage, rr->klass, rr->handoff, rr->handoff_due,
                             rr->handoff_stop, rr->cadence, rr->recycled, rr->recycle_reason, 0};
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
        put_u16(b, regs[i]);
    end(w, SLAB_SEC_REPORT);
}

static const char *const section_tags[SLAB_SEC__COUNT] = {
#define X(id, tag, words) tag,
    SLAB_SECTIONS(X)
#undef X
};

static void put_section(buf *out, slab_section s, const void *body, size_t size)
{
    buf_put(out, section_tags[s], 4);
    put_u32(out, (uint32_t)size);
    buf_put(out, body, size);
}

int slab_write(const sla_program *p, buf *out)
{
    writer w = {0};
    buf_init(&w.body);
    buf_init(&w.pool);
    write_sections(&w, p);
    if (w.pool.len > UINT32_MAX)
        w.bad = true;

    size_t base = out->len;
    if (!w.bad) {
        uint8_t header[SLAB_HEADER_SIZE] = {0};
        buf_put(out, header, sizeof header);
        size_t payload = out->len;
        put_section(out, SLAB_SEC_STRINGS, w.pool.data, w.pool.len);
        for (int s = SLAB_SEC_STRINGS + 1; s < SLAB_SEC__COUNT; s++)
            put_section(out, (slab_section)s, w.body.data + w.start[s], w.size[s]);

        uint8_t *h = (uint8_t *)out->data + base;
        uint64_t len = out->len - payload;
        memcpy(h, SLAB_MAGIC, SLAB_MAGIC_SIZE);
        for (int i = 0; i < 4; i++)
            h[8 + i] = (uint8_t)((uint32_t)SLAB_VERSION >> 8 * i);
        /* bytes 12..15: flags, none defined */
        sha256(out->data + payload, len, h + 16);
        for (int i = 0; i < 8; i++)
            h[48 + i] = (uint8_t)(len >> 8 * i);
    }
    free(w.slots);
    buf_free(&w.body);
    buf_free(&w.pool);
    return w.bad ? -1 : 0;
}
