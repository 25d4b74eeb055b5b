/*
 * sla.c - the runtime's command line: `sla score`, `sla check`.
 *
 * A policy is given as its source (.sla, compiled in memory) or as a
 * compiled .slab file, told apart by the file's first bytes, not its name.
 * A .slab is verified completely before anything runs.
 *
 * `sla score` evaluates with the interpreter or with native code
 * (compiler/jit.c). By default it compiles only when that pays: a cached
 * object exists, or the input is a regular file large enough that the
 * compile (a few hundred milliseconds) is small next to the run.
 */
#include "sla.h"

#include "../common/readfile.h"
#include "../common/timefmt.h"
#include "../common/utf8.h"
#include "../common/tz.h"
#include "../common/xalloc.h"
#include "../compiler/compile.h"
#include "../compiler/jit.h"
#include "../runtime/score.h"
#include "../runtime/slab.h"
#include "../runtime/vm.h"

#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
    "Usage: sla COMMAND [ARG]...\n"
    "Run SLA policies over CRM lead exports.\n"
    "\n"
    "Commands:\n"
    "  score POLICY INPUT [OPTION]...   score every row of INPUT (a CSV file, or -\n"
    "                                   for standard input) with POLICY\n"
    "  check POLICY...                  check policies (as slac --check)\n"
    "  cache clear                      remove the cached native code\n"
    "  cache dir                        print where native code is cached\n"
    "\n"
    "POLICY is a policy (.sla) or a compiled policy (.slab, from slac -o).\n"
    "\n"
    "Options of score:\n"
    "  -o, --output FILE    write the results to FILE (written whole or not at\n"
    "                       all); default: standard output\n"
    "  --format FORMAT      csv (default) or jsonl (one JSON object a line)\n"
    "  --as-of TIME         the instant the SLA clock is read at, ISO 8601\n"
    "                       (2026-11-01T00:00:00Z; without an offset, in the\n"
    "                       policy's time zone); default: now\n"
    "  --rejects FILE       write bad rows to FILE (CSV: line, column, reason,\n"
    "                       row) and go on; without it the first bad row stops\n"
    "                       the run\n"
    "  -q, --quiet          no summary on standard error\n"
    "  --jit                evaluate with native code (libgccjit); exit 2 if\n"
    "                       the policy cannot be compiled\n"
    "  --no-jit             evaluate with the interpreter\n"
    "                       (default: native code when it pays: a cached\n"
    "                       object exists, or INPUT is a file over 8 MB)\n"
    "  --no-cache           neither read nor write the native code cache,\n"
    "                       $XDG_CACHE_HOME/sla (default ~/.cache/sla); clear\n"
    "                       it with `sla cache clear` or rm -rf\n"
    "  -v, --verbose        say on standard error how records are evaluated\n"
    "\n"
    "  -h, --help           show this help and exit\n"
    "  --version            show the version and exit\n"
    "\n"
    "Exit status: 0 success; 1 bad input (a policy with errors, a bad row\n"
    "without --rejects, a missing column); 2 usage or input/output error.\n";

/* Compiles or loads a policy; diagnostics and errors go to stderr. */
static sla_program *load_policy(const char *path, int *status)
{
    char *data;
    size_t len;
    if (read_whole_file("sla", path, &data, &len) < 0) {
        *status = 2;
        return NULL;
    }
    sla_program *p = NULL;
    if (len >= SLAB_MAGIC_SIZE && memcmp(data, SLAB_MAGIC, SLAB_MAGIC_SIZE) == 0) {
        char err[300];
        p = slab_read(data, len, err, sizeof err);
        if (!p) {
            fprintf(stderr, "sla: %s: %s\n", path, err);
            *status = 1;
        } else {
            vm_prepare(p);
        }
    } else {
        src_file f;
        size_t bom = utf8_bom(data, len);
        const char *text = data + bom;
        size_t n = len - bom;
        src_file_init(&f, path, text, n);
        diag_set d;
        diag_set_init(&d);
        p = compile_source(&f, &d);
        diag_sort(&d);
        diag_render_text(&d, stderr, isatty(STDERR_FILENO) && !getenv("NO_COLOR"));
        if (!p)
            *status = 1;
        diag_set_free(&d);
        src_file_free(&f);
    }
    free(data);
    return p;
}

/* --as-of: an ISO 8601 instant, in the policy's zone if it has no offset. */
static int parse_as_of(const char *s, const char *zone, int64_t *out)
{
    civil_time t;
    const char *why = timefmt_parse_iso(s, strlen(s), &t);
    if (why) {
        fprintf(stderr, "sla: --as-of %s: %s (write it as 2026-11-01T00:00:00Z)\n", s, why);
        return -1;
    }
    int64_t local = civil_to_days(t.year, t.month, t.day) * 86400 + t.hour * 3600 +
                    t.minute * 60 + t.second;
    int64_t utc;
    if (t.has_offset) {
        utc = local - t.offset_seconds;
    } else {
        char err[200];
        tz_zone *z = tz_load(zone, err, sizeof err);
        if (!z) {
            fprintf(stderr, "sla: time zone \"%s\": %s\n", zone, err);
            return -1;
        }
        utc = tz_local_to_utc(z, local);
        tz_free(z);
    }
    *out = utc * 1000000 + t.nanos / 1000;
    return 0;
}

/* Inputs at least this large are worth compiling for (auto mode): on an
 * evaluation-heavy policy the compile is paid back within about this much
 * input, and the object is cached for every later run (docs/jit.md). */
#define JIT_AUTO_BYTES (8 << 20)

typedef enum { EVAL_AUTO, EVAL_JIT, EVAL_INTERPRET } eval_mode;

static bool worth_compiling(const sla_program *p, const char *input, bool cache)
{
    struct stat st;
    if (cache && jit_cache_has(p))
        return true;
    return strcmp(input, "-") != 0 && stat(input, &st) == 0 && S_ISREG(st.st_mode) &&
           st.st_size >= JIT_AUTO_BYTES;
}

/* Native code for p as mode says, or NULL to interpret; *status 2 when
 * --jit was asked for and cannot be had. */
static jit_code *choose_evaluator(const sla_program *p, const char *policy, const char *input,
                                  eval_mode mode, jit_options jo, int *status)
{
    if (mode == EVAL_INTERPRET || (mode == EVAL_AUTO && !worth_compiling(p, input, jo.cache))) {
        if (jo.verbose)
            fprintf(stderr, "sla: note: evaluating with the interpreter\n");
        return NULL;
    }
    char err[600];
    jit_code *c = jit_compile(p, &jo, err, sizeof err);
    if (!c && mode == EVAL_JIT) {
        fprintf(stderr, "sla: %s: cannot compile to native code (--jit): %s\n", policy, err);
        *status = 2;
    } else if (!c && jo.verbose) {
        fprintf(stderr, "sla: note: %s; evaluating with the interpreter\n", err);
    }
    return c;
}

static int cache(int argc, char **argv)
{
    char dir[4000], err[300];
    if (argc == 1 && !strcmp(argv[0], "dir")) {
        if (jit_cache_dir(dir, sizeof dir) < 0) {
            fprintf(stderr, "sla: there is no cache directory (set XDG_CACHE_HOME or HOME)\n");
            return 2;
        }
        printf("%s\n", dir);
        return 0;
    }
    if (argc == 1 && !strcmp(argv[0], "clear")) {
        int n = jit_cache_clear(err, sizeof err);
        if (n < 0) {
            fprintf(stderr, "sla: %s\n", err);
            return 2;
        }
        return 0;
    }
    fprintf(stderr, "sla cache: use `sla cache clear` or `sla cache dir`\nTry 'sla --help'.\n");
    return 2;
}

static int score(int argc, char **argv)
{
    const char *policy = NULL, *input = NULL, *as_of = NULL;
    score_options o = {0};
    bool quiet = false;
    eval_mode mode = EVAL_AUTO;
    jit_options jo = {.cache = true};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes_value = !strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "--format") ||
                           !strcmp(a, "--as-of") || !strcmp(a, "--rejects");
        if (takes_value && (!next || (next[0] == '-' && next[1] == '-'))) {
            fprintf(stderr, "sla score: %s needs a value\nTry 'sla --help'.\n", a);
            return 2;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            return 0;
        }
        if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && next) {
            o.output = strcmp(argv[++i], "-") == 0 ? NULL : argv[i];
        } else if (!strcmp(a, "--format") && next) {
            const char *f = argv[++i];
            if (!strcmp(f, "jsonl"))
                o.jsonl = true;
            else if (strcmp(f, "csv")) {
                fprintf(stderr, "sla: unknown format '%s': use csv or jsonl\n", f);
                return 2;
            }
        } else if (!strcmp(a, "--as-of") && next) {
            as_of = argv[++i];
        } else if (!strcmp(a, "--rejects") && next) {
            o.rejects = argv[++i];
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = true;
        } else if (!strcmp(a, "--jit")) {
            mode = EVAL_JIT;
        } else if (!strcmp(a, "--no-jit")) {
            mode = EVAL_INTERPRET;
        } else if (!strcmp(a, "--no-cache")) {
            jo.cache = false;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            jo.verbose = true;
        } else if (a[0] == '-' && a[1] && strcmp(a, "-") != 0) {
            fprintf(stderr, "sla score: unknown option or missing value: '%s'\nTry 'sla --help'.\n", a);
            return 2;
        } else if (!policy) {
            policy = a;
        } else if (!input) {
            input = a;
        } else {
            fprintf(stderr, "sla score: unexpected argument '%s'\nTry 'sla --help'.\n", a);
            return 2;
        }
    }
    if (!policy || !input) {
        fprintf(stderr, "sla score: give a policy and an input: sla score POLICY INPUT\n"
                        "Try 'sla --help'.\n");
        return 2;
    }
    int status = 0;
    sla_program *p = load_policy(policy, &status);
    if (!p)
        return status;
    if (as_of) {
        if (parse_as_of(as_of, p->zone, &o.as_of) < 0) {
            program_free(p);
            return 2;
        }
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        o.as_of = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    }
    o.input = input;
    jit_code *native = choose_evaluator(p, policy, input, mode, jo, &status);
    if (status) {
        program_free(p);
        return status;
    }
    o.native = native ? jit_function(native) : NULL;
    score_stats st;
    status = score_file(p, &o, &st);
    jit_free(native);
    if (!quiet && o.rejects && status == 0) {
        /* Every row read is either scored or rejected. */
        fprintf(stderr, "sla: %lld row%s read: %lld scored, %lld rejected", (long long)st.read,
                st.read == 1 ? "" : "s", (long long)st.scored, (long long)st.rejected);
        if (st.rejected)
            fprintf(stderr, " (see %s)", o.rejects);
        fputc('\n', stderr);
    }
    program_free(p);
    return status;
}

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
    if (argc > 0 && (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help"))) {
        fputs(usage, stdout);
        return 0;
    }
    if (argc == 0) {
        fprintf(stderr, "sla check: name one or more policies\n");
        return 2;
    }
    int status = 0;
    for (int i = 0; i < argc; i++) {
        char *text;
        size_t n;
        if (read_whole_file("sla", argv[i], &text, &n) < 0) {
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
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
        fputs(usage, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("sla %s\n", sla_version());
        return 0;
    }
    if (!strcmp(cmd, "score"))
        return score(argc - 2, argv + 2);
    if (!strcmp(cmd, "check"))
        return check(argc - 2, argv + 2);
    if (!strcmp(cmd, "cache"))
        return cache(argc - 2, argv + 2);
    fprintf(stderr, "sla: unknown command '%s'\nTry 'sla --help'.\n", cmd);
    return 2;
}
