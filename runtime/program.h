/*
 * program.h - a compiled policy: bytecode and everything it refers to.
 *
 * The compiler builds an sla_program; compiler/slab_write.c and
 * runtime/slab_read.c write it to and read it from a .slab file; verify.c
 * checks one completely before it may run; vm.c runs it once per record.
 * The program and everything it points to live in one arena, p->memory:
 * program_free releases it all. It is self-contained: names, sets, the record schema
 * and the calendar are all inside, so a .slab runs without its source.
 *
 * Registers are laid out in regions:
 *   [0, nfields)            the record's fields, written by the reader
 *   [nfields, first_temp)   constants (and `now`), written once per run
 *   [first_temp, nregs)     values computed per record
 * Instructions write only the last region; the verifier checks it.
 */
#ifndef SLA_PROGRAM_H
#define SLA_PROGRAM_H

#include "value.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
#define OP(name, sig, sem) OP_##name,
#include "opcodes.h"
#undef OP
    OP__COUNT
} opcode;

typedef struct sla_insn {
    uint16_t op, a, b, c;
} sla_insn;

static inline uint32_t insn_target(const sla_insn *i)
{
    return (uint32_t)i->b << 16 | i->c;
}

typedef struct sla_set {
    vtype type;               /* VT_TEXT, VT_INT, VT_MONEY, VT_BOOL or VT_NUMBER */
    bool nocase;              /* text compared ignoring ASCII case */
    uint32_t n;
    sla_value *items;         /* text items point into the string pool */
    /* built by vm_prepare: an open-addressing table for text and integer sets */
    uint32_t *slots;          /* index + 1, 0 empty */
    uint32_t nslots;          /* a power of two */
} sla_set;

typedef struct sla_field {
    const char *name;         /* the policy's name */
    const char *column;       /* the CSV header it reads */
    vtype type;
    bool optional;
    bool used;                /* read by the program (unused columns are skipped) */
    const char **missing;     /* field and policy-wide null tokens */
    uint32_t nmissing;
    const char **formats;     /* field, then policy-wide time formats */
    uint32_t nformats;
    const char *zone;         /* NULL: the policy's zone */
} sla_field;

typedef struct sla_output {
    const char *header;
    uint16_t reg;
} sla_output;

/* Which records a hand-off or cadence applies to. Whether its window is
 * wall-clock or business time can differ by class: the instruction gets
 * both, one of them unset. */
typedef struct sla_handoff {
    uint16_t stage;           /* applies from this stage ... */
    int16_t until;            /* ... to before this one (-1: no end) */
} sla_handoff;

typedef struct sla_cadence {
    uint16_t stage;
    int16_t until;            /* -1: no end */
} sla_cadence;

typedef struct sla_hours {
    uint8_t weekday;          /* Monday = 0 */
    uint16_t start, end;      /* minutes after local midnight */
} sla_hours;

/* A quota line, as `sla report` measures it. Each record gives three
 * registers: `at`, the instant that puts it in a period (unset: not
 * counted); `den`, whether it counts at all (a bool: the records a count
 * or sum covers, or the denominator of a rate); `num`, for a rate the bool
 * numerator, for a sum the value added (unset values are skipped), for a
 * count the same register as `den`. */
typedef enum { QK_COUNT, QK_RATE, QK_SUM, QK__COUNT } sla_quota_kind;
typedef enum { QP_WEEK, QP_MONTH, QP_QUARTER, QP_YEAR, QP__COUNT } sla_period;

typedef struct sla_quota {
    const char *team;
    const char *text;         /* the line as written: "400 mql per month" */
    uint32_t line;            /* its source line */
    uint8_t kind;             /* sla_quota_kind */
    uint8_t period;           /* sla_period */
    sla_value target;         /* count: i; rate: f, a percentage; sum: as num's type */
    uint16_t at, den, num;    /* registers */
} sla_quota;

/* A check-in: weekly on a weekday (Monday = 0), or monthly on a day of
 * the month (past a month's end: its last day). */
typedef struct sla_checkin {
    const char *name;
    uint8_t weekly;
    uint8_t day;
} sla_checkin;

/* Registers `sla report` reads after each record, REG_NONE where the
 * policy has no such part. */
#define REG_NONE UINT16_MAX
typedef struct sla_report_regs {
    uint16_t id;              /* the record's first field */
    uint16_t stage, klass;
    uint16_t handoff, handoff_due, handoff_stop;
    uint16_t cadence;
    uint16_t recycled, recycle_reason;
} sla_report_regs;
#define REPORT_REGS_NONE \
    ((sla_report_regs){REG_NONE, REG_NONE, REG_NONE, REG_NONE, REG_NONE, REG_NONE, REG_NONE, \
                       REG_NONE, REG_NONE})

typedef struct sla_program {
    const char *name;         /* the policy's name */
    const char *zone;         /* IANA name */
    uint8_t hash[32];         /* SHA-256 of the .slab payload */

    sla_field *fields;
    uint32_t nfields;
    sla_value *consts;        /* registers [nfields, nfields + nconsts) */
    uint32_t nconsts;
    uint16_t now_reg;         /* the as-of instant */
    vtype *reg_types;         /* every register's type */
    uint32_t nregs;
    uint32_t first_temp;      /* = nfields + nconsts */

    sla_insn *code;
    uint32_t *lines;          /* source line of each instruction */
    uint32_t ncode;

    sla_set *sets;
    uint32_t nsets;
    const char **stages;
    uint32_t nstages;
    const char **classes;
    uint32_t nclasses;
    sla_handoff *handoffs;
    uint32_t nhandoffs;
    sla_cadence *cadences;
    uint32_t ncadences;
    sla_hours *hours;
    uint32_t nhours;
    int64_t *holidays;        /* civil days, sorted */
    uint32_t nholidays;
    sla_output *outputs;
    uint32_t noutputs;
    sla_quota *quotas;
    uint32_t nquotas;
    sla_checkin *checkins;
    uint32_t ncheckins;
    sla_report_regs report;

    void *memory;             /* what owns all of the above (an arena) */
} sla_program;

extern const char *const opcode_names[OP__COUNT];
extern const char *const opcode_signatures[OP__COUNT];
extern const char *const opcode_semantics[OP__COUNT];
extern const char *const vtype_names[VT__COUNT];

/* A register read after a record is evaluated: an output, a quota's
 * time, condition or value, or one the report reads; with the types its
 * role allows (a mask of 1 << vtype) and what reads it, for messages. The
 * verifier checks each is written on every path; native code stores each
 * back to the register file. */
typedef struct end_read {
    uint32_t reg;
    unsigned mask;
    char what[96];
} end_read;

/* How many end reads p can have at most, and the list of them into out
 * (which has room for that many); returns the number. */
uint32_t program_end_read_count(const sla_program *p);
uint32_t program_end_reads(const sla_program *p, end_read *out);

/* The names a value of type t is written with (stages, classes), or NULL. */
const char *const *program_names(const sla_program *p, vtype t);

/* Frees a program made by the compiler or the loader. */
void program_free(sla_program *p);

#endif
