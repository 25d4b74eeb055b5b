/*
 * outfile.h - output files written whole or not at all.
 *
 * A path naming a regular file (or nothing yet) is written to a temporary
 * file beside it and renamed into place only when the writer says the
 * output is complete, so an interrupted or failed run never leaves a
 * partial file in place of the old one. The new file keeps the old one's
 * permissions; a symbolic link is followed (its target is replaced, the
 * link stays). Anything else (a FIFO, a device such as /dev/stdout or
 * /dev/null) is written directly. A run stopped by a signal (SIGINT,
 * SIGTERM, SIGHUP, SIGPIPE, SIGQUIT) removes its temporary files first;
 * only SIGKILL leaves one (NAME.tmpXXXXXX) beside the untouched old file.
 * Errors are reported on stderr with the path, prefixed by the program's
 * name.
 */
#ifndef SLA_OUTFILE_H
#define SLA_OUTFILE_H

#include "buf.h"

#include <stdbool.h>

enum { OUT_FLUSH_AT = 1 << 16 };

typedef struct out_file {
    const char *path;       /* NULL: standard output */
    const char *prog;       /* for messages: "sla", "slac" */
    char *tmp;              /* the temporary file being written, or NULL */
    char *target;           /* what it replaces (a link's target), with tmp */
    int fd;
    buf b;                  /* append here; out_flush writes it */
} out_file;

int out_open(out_file *f, const char *path, const char *prog);
int out_flush(out_file *f);
/* Completes the file (ok: flush, then rename into place) or abandons it
 * (the temporary file is removed, the old file left as it was). */
int out_close(out_file *f, bool ok);

#endif
