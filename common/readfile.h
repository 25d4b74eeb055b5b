/*
 * readfile.h - reading a whole input file (or standard input) into memory.
 */
#ifndef SLA_READFILE_H
#define SLA_READFILE_H

#include <stddef.h>

/* Reads all of path ("-" is standard input) into a malloc'd buffer, which
 * the caller frees. On failure reports `prog: cannot open|read path:
 * reason` on stderr and returns -1. */
int read_whole_file(const char *prog, const char *path, char **data, size_t *len);

#endif
