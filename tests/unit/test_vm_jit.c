/*
 * test_vm_jit.c - every test of the interpreter (test_vm.c), run on native
 * code instead: each instruction's edges (unset operands, int64 limits,
 * overflow, rounding, division by zero, days against hours, the calendar,
 * hand-offs and cadences) must come out as the interpreter's do.
 *
 * test_vm.c is included whole with TEST_VM_NATIVE defined, which makes its
 * vm_new compile the program with compiler/jit.c and its vm_run run that.
 */
#define TEST_VM_NATIVE 1
#include "test_vm.c"
