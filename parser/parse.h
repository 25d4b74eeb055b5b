/*
 * parse.h - turning policy text into a syntax tree.
 *
 * parse_policy never stops at the first mistake: it reports each syntax
 * error once (with recovery at the end of the line or block) and returns
 * the tree it could build, so the checker can still find independent
 * mistakes elsewhere in the file.
 */
#ifndef SLA_PARSE_H
#define SLA_PARSE_H

#include "ast.h"

/* Limits that keep hostile input from exhausting the stack. */
enum { PARSE_MAX_DEPTH = 256 };

/* Parses f's text; the tree and its strings live in a. Diagnostics are
 * added to diags. Never returns NULL. */
policy *parse_policy(const src_file *f, arena *a, diag_set *diags);

#endif
