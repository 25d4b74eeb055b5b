/*
 * harness.h - what the fuzz harnesses of compiled programs share: a
 * failure that libFuzzer reports as a crash, and the .slab round trip.
 * Included by one harness each; every function is static.
 */
#ifndef SLA_FUZZ_HARNESS_H
#define SLA_FUZZ_HARNESS_H

#include "../../common/buf.h"
#include "../../compiler/slab.h"
#include "../../runtime/slab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A broken property: aborts, so libFuzzer keeps the input. */
static void fail(const char *what, const char *why)
{
    fprintf(stderr, "%s: %s\n", what, why);
    abort();
}

/* write(p) must read back, and write the same bytes again; origin says
 * where p came from, for the message. */
static void round_trip(const sla_program *p, const char *origin)
{
    buf first, second;
    buf_init(&first);
    buf_init(&second);
    if (slab_write(p, &first) < 0)
        fail("slab_write refused a program", origin);
    char err[300];
    sla_program *back = slab_read(first.data, first.len, err, sizeof err);
    if (!back)
        fail("slab_read refused what slab_write wrote", err);
    if (slab_write(back, &second) < 0)
        fail("slab_write", "refused a program slab_read made");
    if (first.len != second.len || memcmp(first.data, second.data, first.len) != 0)
        fail("slab round trip", "the image read back writes different bytes");
    program_free(back);
    buf_free(&first);
    buf_free(&second);
}

#endif
