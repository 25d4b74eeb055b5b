/*
 * vm.h - the bytecode interpreter.
 *
 * A vm holds what one thread needs to evaluate records with one program:
 * the register file and scratch space for text the program makes. The
 * caller writes a record's fields into registers [0, nfields), calls
 * vm_run, and reads the outputs from their registers.
 */
#ifndef SLA_VM_H
#define SLA_VM_H

#include "calendar.h"
#include "ops.h"
#include "program.h"

#include <stdio.h>

typedef struct vm vm;

/* Builds the derived tables of a verified program (set lookups). Call once
 * after compiling or loading; the program is not changed afterwards. */
void vm_prepare(sla_program *p);

/* A vm for p, with now as the as-of instant (microseconds) and cal the
 * business calendar (NULL if the policy has no business hours). */
vm *vm_new(const sla_program *p, const sla_calendar *cal, int64_t now);
void vm_free(vm *v);

/* The register file: the caller fills the fields before each run. */
sla_value *vm_registers(vm *v);

/* Evaluates one record. */
void vm_run(vm *v);

/* Evaluates records with fn, the program's native code (compiler/jit.c),
 * instead of interpreting: same registers, same scratch space. Afterwards
 * the fields, constants and output registers hold what vm_run would leave
 * there; other computed registers are the native code's own business. */
void vm_use_native(vm *v, ops_native_fn fn);
void vm_run_native(vm *v);

/* What evaluates one record with v: vm_run, or vm_run_native after
 * vm_use_native. Chosen once, before the loop over the records. */
typedef void (*vm_eval_fn)(vm *v);
vm_eval_fn vm_evaluator(const vm *v);

/* Prints the program's instructions with their source lines. */
void vm_disassemble(const sla_program *p, FILE *out);

#endif
