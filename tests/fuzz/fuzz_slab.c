/*
 * fuzz_slab.c - libFuzzer harness: the .slab loader and the verifier on
 * arbitrary bytes.
 *
 * A mutated file almost never carries the right checksum, and the loader
 * rightly refuses it before reading a count. So when the input is at
 * least a header long, the harness first writes the payload's true length
 * and SHA-256 into a copy of its header: the mutations then reach the
 * sections, the verifier and what runs after them. (Inputs shorter than
 * a header exercise the header checks as they are.)
 *
 * A program the loader accepts must be safe to prepare and run: it scores
 * one record with every field unset, and written out and read back it
 * must give the same bytes again.
 */
#include "../../common/buf.h"
#include "../../common/sha256.h"
#include "../../compiler/slab.h"
#include "../../runtime/session.h"
#include "../../runtime/slab.h"
#include "../../runtime/vm.h"

#include "harness.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    if (size >= SLAB_HEADER_SIZE) {
        uint64_t plen = size - SLAB_HEADER_SIZE;
        for (int i = 0; i < 8; i++)
            copy[48 + i] = (uint8_t)(plen >> (8 * i));
        sha256(copy + SLAB_HEADER_SIZE, plen, copy + 16);
    }
    char err[300];
    sla_program *p = slab_read(copy, size, err, sizeof err);
    if (p) {
        vm_prepare(p);
        run(p, 1);
        round_trip(p, "that slab_read accepted");
        program_free(p);
    }
    free(copy);
    return 0;
}
