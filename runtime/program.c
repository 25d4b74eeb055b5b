/*
 * program.c - the tables generated from opcodes.h, and freeing a program.
 *
 * Ownership: everything a program refers to, the sla_program struct
 * itself included, is allocated from one arena; p->memory points to that
 * arena, which is itself a separate xmalloc'd block. The compiler's
 * emitter and the .slab loader both build programs this way, so one call
 * releases either kind and no path can leak part of one.
 */
#include "program.h"

#include "../common/arena.h"

#include <stdlib.h>

const char *const opcode_names[OP__COUNT] = {
#define OP(name, sig, sem) #name,
#include "opcodes.h"
#undef OP
};

const char *const opcode_signatures[OP__COUNT] = {
#define OP(name, sig, sem) sig,
#include "opcodes.h"
#undef OP
};

const char *const opcode_semantics[OP__COUNT] = {
#define OP(name, sig, sem) sem,
#include "opcodes.h"
#undef OP
};

/* The enum and the tables come from the same list, so they cannot
 * disagree in length; these keep it so if a table is ever written out. */
_Static_assert(sizeof opcode_names / sizeof *opcode_names == OP__COUNT, "opcode names");
_Static_assert(sizeof opcode_signatures / sizeof *opcode_signatures == OP__COUNT,
               "opcode signatures");
_Static_assert(sizeof opcode_semantics / sizeof *opcode_semantics == OP__COUNT,
               "opcode semantics");
/* A signature gives a, b and c one letter each, or a and a jump target. */
#define OP(name, sig, sem) _Static_assert(sizeof sig == 4 || sizeof sig == 3, #name " signature");
#include "opcodes.h"
#undef OP
_Static_assert(OP__COUNT <= 65536, "an opcode fits in 16 bits");

const char *const vtype_names[VT__COUNT] = {
    [VT_INT] = "int",
    [VT_NUMBER] = "number",
    [VT_MONEY] = "money",
    [VT_BOOL] = "bool",
    [VT_TEXT] = "text",
    [VT_TIME] = "time",
    [VT_DURATION] = "duration",
    [VT_BDURATION] = "business duration",
    [VT_STAGE] = "stage",
    [VT_CLASS] = "class",
    [VT_HANDOFF] = "hand-off status",
    [VT_CADENCE] = "cadence status",
};
_Static_assert(sizeof vtype_names / sizeof *vtype_names == VT__COUNT, "type names");
_Static_assert(VT_CADENCE + 1 == VT__COUNT, "a name for every type");

void program_free(sla_program *p)
{
    if (!p)
        return;
    arena *a = p->memory;     /* p lives in *a: read it before freeing */
    arena_free(a);
    free(a);
}
