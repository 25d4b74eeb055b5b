/*
 * convert.h - reading CSV cells into values, and writing values out.
 *
 * Conversion is strict: a cell is either exactly one value of its field's
 * type, or empty/missing, or an error with a reason in words an ops person
 * understands ("`12/31/26` is not a date: expected YYYY-MM-DD or one of
 * the policy's formats"). Nothing is guessed.
 */
#ifndef SLA_CONVERT_H
#define SLA_CONVERT_H

#include "value.h"

#include "../common/buf.h"
#include "../common/timefmt.h"
#include "../common/tz.h"
#include "csv.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct conv_field {
    vtype type;                  /* VT_INT .. VT_DURATION */
    bool optional;
    const char *const *missing;  /* tokens that mean "empty" (case-insensitive) */
    int nmissing;
    const timefmt *formats;      /* tried after ISO 8601, in order */
    int nformats;
    const tz_zone *zone;         /* for times written without an offset */
    const char *const *format_names; /* the patterns of formats, as written,
                                        for messages; NULL: not named */
} conv_field;

/* Converts cell[0..len). On success returns NULL and sets *out (unset for
 * an empty or missing cell of an optional field; "" for a non-optional
 * text field). Text values point into cell. On failure returns the reason,
 * formatted into err. */
const char *conv_cell(const conv_field *f, const char *cell, size_t len, sla_value *out,
                      char *err, size_t errlen);

/* The cells most exports are made of, read fast: no blanks around them,
 * no missing words to look for, and a plain whole number, valid text, a
 * plain time or true/false. True with *out exactly as conv_cell would set
 * it; false for anything else, which conv_cell then reads the whole way.
 * ascii: the caller knows the cell has no byte above 0x7F (no UTF-8 to
 * check). */
bool conv_plain(const conv_field *f, const char *cell, size_t len, sla_value *out, bool ascii);

/* What the caller of conv_row and conv_plan_row knows of a row's cells
 * (or'ed together): no byte of them is above 0x7F (no UTF-8 to check);
 * CSV_PAD bytes that can be read follow each (csv_padded), so that a
 * cell can be read a word at a time. */
enum { CONV_ASCII = 1, CONV_PADDED = 2 };

/* A field of a row to convert: the cell of column col into register
 * reg, by f, its fast path chosen once, with what that path looks at
 * (so that it need not look through f): where the cell and the register
 * are in their arrays, in bytes, and whether the field may be unset or
 * is text. */
typedef struct conv_slot {
    const conv_field *f;
    uint32_t col;
    uint32_t reg;
    uint32_t col_at;             /* col * sizeof (csv_field) */
    uint32_t reg_at;             /* reg * sizeof (sla_value) */
    uint8_t kind;
    bool optional, text;
    bool fixed_zone;             /* f's zone (if any) keeps one offset: */
    int32_t zone_off;            /* this one, seconds east of UTC */
} conv_slot;

conv_slot conv_slot_for(const conv_field *f, uint32_t col, uint32_t reg);

/* The slots of a row grouped by their fast path, for conv_plan_row. */
enum { CONV_KINDS = 7 };
typedef struct conv_plan {
    conv_slot *grouped;
    uint32_t end[CONV_KINDS];    /* the group of kind k ends at grouped[end[k]] */
    bool whole;                  /* no slot's cells all go the whole way (missing
                                    words): conv_plan_row can take a row */
} conv_plan;

void conv_plan_init(conv_plan *p, const conv_slot *slots, uint32_t n);
void conv_plan_free(conv_plan *p);

/* conv_row over all the slots of plan p at once, each kind by a loop of
 * its own: true if every cell was taken. False: some cell was not, and
 * the registers are partly written; conv_row, in column order, then
 * says which cells to read the whole way. */
bool conv_plan_row(const conv_plan *p, const csv_field *fields, sla_value *regs, unsigned known);

/* conv_plain over a row: from slots[k] on, each slot's cell of fields
 * into regs, up to the first the fast path does not take (for conv_cell
 * to read the whole way); returns its index, or n when all were taken. */
uint32_t conv_row(const conv_slot *slots, uint32_t k, uint32_t n, const csv_field *fields,
                  sla_value *regs, unsigned known);

/* Appends v as output text. Unset values write nothing, except statuses,
 * which write "n/a". Times are written in zone as ISO 8601 with the offset
 * ("2026-11-02T09:30:00-05:00", "Z" for UTC); durations as H:MM:SS
 * (hours may exceed 24; a minus sign if negative); money with at least two
 * decimals ("1234.50"); numbers in the shortest form that reads back
 * exactly; bools as true/false. Stages and classes are written by name:
 * names[i]. */
void fmt_value(buf *out, vtype t, const sla_value *v, const tz_zone *zone,
               const char *const *names);

/* The words of hand-off and cadence statuses, as output and reports show
 * them. */
extern const char *const fmt_handoff_names[HS__COUNT];
extern const char *const fmt_cadence_names[CS__COUNT];

#endif
