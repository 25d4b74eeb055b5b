/*
 * slab.h - reading a compiled policy (.slab file) back into a program.
 *
 * The format is described byte by byte in docs/slab-format.md. The loader
 * trusts nothing in a file: it checks the checksum before it reads a
 * single count, checks every count and offset against the bytes that are
 * really there before it uses or allocates for it, and hands the result to
 * the verifier, which refuses a program that could misbehave. A file that
 * passes runs exactly as the program that was written.
 *
 * The lookup tables of sets (sla_set.slots) are not part of the file: the
 * loader leaves them empty and vm_prepare builds them, as it does for a
 * program fresh from the compiler.
 */
#ifndef SLA_SLAB_H
#define SLA_SLAB_H

#include "program.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- the file's fixed parts (shared with compiler/slab_write.c) ------------ */

#define SLAB_MAGIC "SLAB\r\n\x1a\n"
enum {
    SLAB_MAGIC_SIZE = 8,
    SLAB_VERSION = 2,         /* the format this code reads and writes */
    SLAB_HEADER_SIZE = 56,    /* magic, version, flags, checksum, payload length */
    SLAB_SECTION_HEAD = 8,    /* tag, body size */
};
#define SLAB_NO_STRING UINT32_MAX   /* the offset of an absent string */

/* The payload's sections, in the order they must appear. */
#define SLAB_SECTIONS(X)                          \
    X(STRINGS, "STRS", "strings")                 \
    X(PROGRAM, "PROG", "program")                 \
    X(REGISTERS, "REGS", "register types")        \
    X(FIELDS, "FLDS", "fields")                   \
    X(CONSTANTS, "CNST", "constants")             \
    X(CODE, "CODE", "code")                       \
    X(SETS, "SETS", "sets")                       \
    X(STAGES, "STGS", "stage names")              \
    X(CLASSES, "CLSS", "class names")             \
    X(HANDOFFS, "HAND", "hand-offs")              \
    X(CADENCES, "CADN", "cadences")               \
    X(HOURS, "HOUR", "business hours")            \
    X(HOLIDAYS, "HOLI", "holidays")               \
    X(OUTPUTS, "OUTS", "outputs")                 \
    X(QUOTAS, "QUOT", "quotas")                   \
    X(CHECKINS, "CHKN", "check-ins")              \
    X(REPORT, "RPRT", "report registers")

typedef enum {
#define X(id, tag, words) SLAB_SEC_##id,
    SLAB_SECTIONS(X)
#undef X
    SLAB_SEC__COUNT
} slab_section;

/* Fixed sizes of records in the payload, in bytes. */
enum {
    SLAB_STRREF = 8,          /* u32 offset, u32 length */
    SLAB_PROGRAM = 24,        /* name, zone, u32 first_temp, u16 now_reg, u16 0 */
    SLAB_FIELD_MIN = 36,      /* name, column, u8 type, u8 flags, u16 0, zone,
                                 u32 nmissing, u32 nformats (and their strings) */
    SLAB_CONST = 12,          /* u8 type, u8 flags, u16 0, 8 bytes of value */
    SLAB_INSN = 8,            /* u16 op, a, b, c */
    SLAB_LINE = 4,            /* u32 */
    SLAB_SET_MIN = 8,         /* u8 type, u8 flags, u16 0, u32 count (and the items) */
    SLAB_ITEM = 8,            /* a value, as in a constant */
    SLAB_HANDOFF = 4,         /* u16 stage, i16 until */
    SLAB_CADENCE = 4,         /* u16 stage, i16 until */
    SLAB_HOURS = 6,           /* u8 weekday, u8 0, u16 start, u16 end */
    SLAB_HOLIDAY = 8,         /* i64 */
    SLAB_OUTPUT = 12,         /* header, u16 register, u16 0 */
    SLAB_QUOTA = 40,          /* team, text, u32 line, u8 kind, u8 period, u16 0,
                                 8 bytes of target, u16 at, den, num, 0 */
    SLAB_CHECKIN = 12,        /* name, u8 weekly, u8 day, u16 0 */
    SLAB_REPORT = 20,         /* nine u16 registers, u16 0 */
};

/* Flag bits. */
enum {
    SLAB_FIELD_OPTIONAL = 1, SLAB_FIELD_USED = 2,
    SLAB_CONST_UNSET = 1,
    SLAB_CONST_DAYS = 2,      /* a business duration counted in days (sla_value.len 1) */
    SLAB_SET_NOCASE = 1,
};

/* ---- loading ---------------------------------------------------------------- */

/* Reads and verifies the .slab image data[0..len) (not kept: the program
 * copies what it needs). Returns a program to release with program_free,
 * or NULL with the reason in err. */
sla_program *slab_read(const void *data, size_t len, char *err, size_t errlen);

#endif
