/*
 * num.h - exact parsing of whole numbers and money amounts.
 *
 * Money is a 64-bit count of ten-thousandths (MONEY_SCALE), never a binary
 * float: $0.10 + $0.20 is exactly $0.30. Shared by the policy parser (for
 * literals) and the runtime (for CSV cells).
 */
#ifndef SLA_NUM_H
#define SLA_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MONEY_SCALE 10000
#define MONEY_DIGITS 4

typedef enum { NUM_OK, NUM_SYNTAX, NUM_RANGE, NUM_PRECISION } num_status;

/* Decimal digits with an optional sign. */
num_status num_parse_int(const char *s, size_t n, int64_t *out);
/* Digits, optional sign, optional `.` and at most MONEY_DIGITS decimals;
 * with group_commas, `,` between groups of three digits is allowed. */
num_status num_parse_money(const char *s, size_t n, bool group_commas, int64_t *out);

#endif
