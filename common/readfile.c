/*
 * readfile.c - whole-file reads for the command-line programs.
 */
#include "readfile.h"

#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int read_whole_file(const char *prog, const char *path, char **data, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open %s: %s\n", prog, path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, n = 0, got;
    char *bytes = xmalloc(cap);
    while ((got = fread(bytes + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            bytes = xrealloc(bytes, cap *= 2);
    }
    int failed = ferror(f), err = errno;
    if (f != stdin)
        fclose(f);
    if (failed) {
        fprintf(stderr, "%s: cannot read %s: %s\n", prog, path, strerror(err));
        free(bytes);
        return -1;
    }
    *data = bytes;
    *len = n;
    return 0;
}
