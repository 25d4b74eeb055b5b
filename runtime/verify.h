/*
 * verify.h - checking a program completely before it may run.
 *
 * The interpreter and the JIT trust the bytecode: they check no register
 * number, no type and no jump while they run. What makes that safe is
 * this check, made on every program, whether the compiler built it a
 * moment ago or it was read from a file someone else handed over: every
 * operand in range and of the type its opcode's signature (opcodes.h)
 * says, jumps only forward and inside the code, every computed register
 * written before it is read on every path, every table consistent.
 */
#ifndef SLA_VERIFY_H
#define SLA_VERIFY_H

#include "program.h"

#include <stdbool.h>
#include <stddef.h>

/* NULL if p may run; else what is wrong, written into err. */
const char *verify_program(const sla_program *p, char *err, size_t errlen);

#endif
