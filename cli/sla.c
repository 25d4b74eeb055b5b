/*
 * sla.c - the runtime's command line.
 *
 * Written against the public interface (include/sla.h) alone, as any
 * program embedding the library would be. `sla check` checks policies;
 * scoring and reports are added with the runtime.
 */
#include "sla.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: sla COMMAND [ARG]...\n"
    "Run SLA policies (.sla files) over CRM lead exports.\n"
    "\n"
    "Commands:\n"
    "  check POLICY...   check policies and print their mistakes (as slac --check)\n"
    "\n"
    "Options:\n"
    "  -h, --help        show this help and exit\n"
    "  --version         show the version and exit\n"
    "\n"
    "Scoring (`sla score`) and quota reports (`sla report`) are not part of\n"
    "this version yet.\n";

static void print_diagnostic(const sla_diagnostic *d, void *user)
{
    static const char *const words[] = {"error", "warning", "note"};
    (void)user;
    fprintf(stderr, "%s:%d:%d: %s: %s [%s]\n", d->file, d->line, d->column, words[d->severity],
            d->message, d->code);
    if (d->suggestion)
        fprintf(stderr, "%s:%d:%d: note: %s\n", d->file, d->line, d->column, d->suggestion);
}

static int check(int argc, char **argv)
{
    if (argc == 0) {
        fprintf(stderr, "sla check: name one or more policies\n");
        return 2;
    }
    int status = 0;
    for (int i = 0; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "sla: cannot open %s: %s\n", argv[i], strerror(errno));
            status = 2;
            continue;
        }
        size_t cap = 1 << 16, n = 0;
        char *text = malloc(cap);
        size_t got;
        while (text && (got = fread(text + n, 1, cap - n, f)) > 0) {
            n += got;
            if (n == cap) {
                char *bigger = realloc(text, cap *= 2);
                if (!bigger)
                    free(text);
                text = bigger;
            }
        }
        int failed = ferror(f);
        fclose(f);
        if (!text || failed) {
            fprintf(stderr, "sla: cannot read %s\n", argv[i]);
            free(text);
            status = 2;
            continue;
        }
        if (sla_check(argv[i], text, n, print_diagnostic, NULL) > 0 && status == 0)
            status = 1;
        free(text);
    }
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("sla %s\n", sla_version());
        return 0;
    }
    if (strcmp(cmd, "check") == 0)
        return check(argc - 2, argv + 2);
    if (strcmp(cmd, "score") == 0 || strcmp(cmd, "report") == 0) {
        fprintf(stderr, "sla: `%s` is not part of this version yet; `sla check` and "
                        "`slac --check` check policies\n", cmd);
        return 2;
    }
    fprintf(stderr, "sla: unknown command '%s'\nTry 'sla --help'.\n", cmd);
    return 2;
}
