/*
 * sha256.h - SHA-256 (FIPS 180-4), for the checksum of a .slab file.
 *
 * The checksum is what lets the loader refuse a damaged file before it
 * reads a single count from it, and it names a compiled program (the JIT
 * caches native code by it). Plain portable C: the payloads are small, so
 * speed is not a concern worth a dependency.
 */
#ifndef SLA_SHA256_H
#define SLA_SHA256_H

#include <stddef.h>
#include <stdint.h>

enum { SHA256_SIZE = 32 };

typedef struct sha256_ctx {
    uint32_t state[8];
    uint64_t bytes;           /* message length so far */
    uint8_t block[64];        /* a partial block */
    size_t nblock;
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
/* Writes the digest and leaves c unusable until sha256_init. */
void sha256_final(sha256_ctx *c, uint8_t out[SHA256_SIZE]);

/* The digest of data[0..len) in one call. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_SIZE]);

#endif
