/*
 * value.h - how the runtime holds one value: 16 bytes, no boxing.
 *
 * A register or a record slot is an sla_value. Its type is known from the
 * program (the checker typed every expression; the verifier checks the
 * bytecode keeps to those types), so the value carries no type tag, only
 * whether it is unset.
 *
 * Representations, by type:
 *   int       i: the number
 *   number    f: a double
 *   money     i: ten-thousandths (MONEY_SCALE), exact
 *   bool      i: 0 or 1
 *   text      s, len: UTF-8 bytes, not NUL-terminated; valid while the
 *             record is (they point into the input buffer or the record's
 *             scratch space)
 *   time      i: microseconds since 1970-01-01T00:00:00Z
 *   duration  i: microseconds (wall clock)
 *   bduration i: microseconds of business time; or, when len is 1, a
 *             number of whole business days (`2 business days` moves by
 *             days of the calendar, whatever their length). Days and
 *             microseconds do not mix: such arithmetic gives unset.
 *   stage, class, handoff, cadence   i: an index (stage or class number,
 *             or one of the status enums below)
 */
#ifndef SLA_VALUE_H
#define SLA_VALUE_H

#include <stdint.h>

typedef enum {
    VT_INT, VT_NUMBER, VT_MONEY, VT_BOOL, VT_TEXT, VT_TIME, VT_DURATION,
    VT_BDURATION, VT_STAGE, VT_CLASS, VT_HANDOFF, VT_CADENCE, VT__COUNT
} vtype;

typedef struct sla_value {
    union {
        int64_t i;
        double f;
        const char *s;
    };
    uint32_t len;     /* text: length in bytes */
    uint32_t null;    /* nonzero: the value is unset */
} sla_value;

_Static_assert(sizeof(sla_value) == 16, "values are 16 bytes");

#define US_PER_SEC INT64_C(1000000)

/* Hand-off statuses (VT_HANDOFF). */
enum { HS_MET, HS_BREACHED, HS_PENDING, HS__COUNT };
/* Cadence statuses (VT_CADENCE). */
enum { CS_ON_TRACK, CS_BEHIND, CS_COMPLETE, CS_OVERDUE, CS__COUNT };

#endif
