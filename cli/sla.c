/*
 * sla.c - the runtime's command line: `sla score`, `sla report`, `sla diff`,
 * `sla explain`, `sla check`.
 *
 * A policy is given as its source (.sla, compiled in memory) or as a
 * compiled .slab file, told apart by the file's first bytes, not its name.
 * A .slab is verified completely before anything runs.
 *
 * `sla score` and `sla report` evaluate with the interpreter or with
 * native code (compiler/jit.c). By default they compile only when that
 * pays: a cached object exists, or the input is a regular file large
 * enough that the compile (a few hundred milliseconds) is small next to
 * the run.
 *
 * `sla score` and `sla report` run on a thread a core by default
 * (--threads); runtime/score.c keeps the output the same whatever the
 * number. A progress line goes to standard error when it is a terminal.
 */
#include "sla.h"

#include "../common/readfile.h"
#include "../common/timefmt.h"
#include "../common/utf8.h"
#include "../common/tz.h"
#include "../common/xalloc.h"
#include "../compiler/compile.h"
#include "../compiler/explain.h"
#include "../compiler/jit.h"
#include "../compiler/policytest.h"
#include "../common/outfile.h"
#include "../runtime/diff.h"
#include "../runtime/report.h"
#include "../runtime/score.h"
#include "../runtime/slab.h"
#include "../runtime/vm.h"

#include <errno.h>
#include <sched.h>
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
    "  report POLICY INPUT [OPTION]...  add up the quotas, the funnel, hand-offs,\n"
    "                                   cadences and recycling of INPUT, as of an\n"
    "                                   instant, for the check-ins\n"
    "  diff OLD NEW INPUT [OPTION]...   what changing policy OLD to NEW does to\n"
    "                                   INPUT: how records move between stages\n"
    "                                   and classes, hand-offs and quotas before\n"
    "                                   and after, the first records that moved\n"
    "  explain POLICY INPUT (--row N | --id ID) [OPTION]...\n"
    "                                   one record of INPUT, and why POLICY\n"
    "                                   decided what it did: each field, let,\n"
    "                                   score rule and condition with the\n"
    "                                   policy's line, the hand-off and cadence\n"
    "                                   arithmetic, what would reach the next stage\n"
    "  test PATH... [OPTION]...         run the tests of policies: PATH is a policy\n"
    "                                   (its own tests and NAME.test.sla beside it),\n"
    "                                   a test file, or a directory of them\n"
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
    "  --threads N          score on N threads (default: one a core); the\n"
    "                       output is the same whatever N\n"
    "  -q, --quiet          no summary and no progress line on standard error\n"
    "                       (on a terminal, a long run shows its progress)\n"
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
    "Options of report (and --as-of, --rejects, --threads, -q, --jit,\n"
    "--no-jit, --no-cache, -v as for score):\n"
    "  -o, --output FILE    write the report to FILE (whole or not at all)\n"
    "  --format FORMAT      text (default), md (Markdown), json, or html (one\n"
    "                       self-contained page with charts)\n"
    "  --fail-on WHAT       exit with status 3 if a quota missed its last whole\n"
    "                       period (missed), or that or is at risk in the\n"
    "                       current one (at-risk)\n"
    "  --color WHEN         auto (default: on a terminal), always or never\n"
    "\n"
    "Options of diff (and --as-of, --rejects, -q, --jit, --no-jit, --no-cache,\n"
    "-v as for score; both policies are read at the same instant, and a row bad\n"
    "for either is rejected once):\n"
    "  -o, --output FILE    write the diff to FILE (whole or not at all)\n"
    "  --format FORMAT      text (default), md (Markdown tables for a pull\n"
    "                       request) or json\n"
    "\n"
    "Options of explain (POLICY must be the source, .sla; --as-of as for score):\n"
    "  --row N              the Nth data row of INPUT (1 is the row after the\n"
    "                       header)\n"
    "  --id ID              the first row whose first field's cell is ID, exactly\n"
    "                       as the export has it\n"
    "  -o, --output FILE    write the explanation to FILE (whole or not at all)\n"
    "\n"
    "  -h, --help           show this help and exit\n"
    "  --version            show the version and exit\n"
    "\n"
    "Exit status: 0 success (for diff, whether or not any record moved); 1 bad\n"
    "input (a policy with errors, a bad row without --rejects, a missing\n"
    "column; for explain, no such record or a bad one); 2 usage or\n"
    "input/output error; 3 (report --fail-on) a quota missed or at risk.\n";

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
    tz_zone *z = NULL;
    if (!t.has_offset) {
        char err[200];
        z = tz_load(zone, err, sizeof err);
        if (!z) {
            fprintf(stderr, "sla: time zone \"%s\": %s\n", zone, err);
            return -1;
        }
    }
    *out = tz_civil_instant(z, &t);
    tz_free(z);
    return 0;
}

/* The default as-of instant: now. */
static int now_us(int64_t *out)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
        perror("sla: reading the clock");
        return -1;
    }
    *out = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    return 0;
}

/* Inputs at least this large are worth compiling for (auto mode): on an
 * evaluation-heavy policy the compile is paid back within about this much
 * input, and the object is cached for every later run (docs/jit.md). */
#define JIT_AUTO_BYTES (8 << 20)

/* --threads: at most this many, and by default one a core up to it. */
#define THREADS_MAX 256

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

/* The arguments of `sla score` and `sla report`: two operands and the
 * options both know, plus those of one command (NULL where the command has
 * none). */
typedef struct run_args {
    const char *cmd;          /* "score", "report" or "diff", for messages */
    const char *policy, *input;
    const char *new_policy;   /* diff: the second policy; policy is the old one */
    const char *output, *format, *as_of, *rejects, *fail_on, *color;
    const char *id, *row;     /* explain: which record */
    const char *threads;      /* score, report: --threads */
    bool quiet;
    eval_mode mode;
    jit_options jit;
} run_args;

/* The commands an option belongs to. */
enum { C_SCORE = 1, C_REPORT = 2, C_DIFF = 4, C_EXPLAIN = 8, C_RUNS = C_SCORE | C_REPORT | C_DIFF };

/* Reads argv into a. Returns -1 to go on, or the exit status to end with
 * (0 after --help). Each command takes its own options (a->cmd says which). */
static int read_run_args(int argc, char **argv, run_args *a)
{
    unsigned cmd = !strcmp(a->cmd, "score") ? C_SCORE : !strcmp(a->cmd, "report") ? C_REPORT
                 : !strcmp(a->cmd, "diff") ? C_DIFF : C_EXPLAIN;
    struct { const char *name, *alias; const char **to; unsigned cmds; } opts[] = {
        {"--output", "-o", &a->output, C_RUNS | C_EXPLAIN},
        {"--format", NULL, &a->format, C_RUNS | C_EXPLAIN},
        {"--as-of", NULL, &a->as_of, C_RUNS | C_EXPLAIN},
        {"--rejects", NULL, &a->rejects, C_RUNS},
        {"--fail-on", NULL, &a->fail_on, C_REPORT},
        {"--color", NULL, &a->color, C_REPORT},
        {"--id", NULL, &a->id, C_EXPLAIN},
        {"--row", NULL, &a->row, C_EXPLAIN},
        {"--threads", NULL, &a->threads, C_SCORE | C_REPORT},
    };
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(usage, stdout);
            return 0;
        }
        if ((!strcmp(arg, "-q") || !strcmp(arg, "--quiet")) && (cmd & C_RUNS)) {
            a->quiet = true;
            continue;
        }
        if ((!strcmp(arg, "--jit") || !strcmp(arg, "--no-jit")) && (cmd & C_RUNS)) {
            a->mode = arg[2] == 'j' ? EVAL_JIT : EVAL_INTERPRET;
            continue;
        }
        if (!strcmp(arg, "--no-cache") && (cmd & C_RUNS)) {
            a->jit.cache = false;
            continue;
        }
        if ((!strcmp(arg, "-v") || !strcmp(arg, "--verbose")) && (cmd & C_RUNS)) {
            a->jit.verbose = true;
            continue;
        }
        bool known = false;
        for (size_t k = 0; k < sizeof opts / sizeof opts[0] && !known; k++) {
            if (strcmp(arg, opts[k].name) && !(opts[k].alias && !strcmp(arg, opts[k].alias)))
                continue;
            if (!(opts[k].cmds & cmd))
                break;
            if (!next || (next[0] == '-' && next[1] == '-')) {
                fprintf(stderr, "sla %s: %s needs a value\nTry 'sla --help'.\n", a->cmd, arg);
                return 2;
            }
            *opts[k].to = argv[++i];
            known = true;
        }
        if (known)
            continue;
        if (arg[0] == '-' && arg[1] && strcmp(arg, "-") != 0) {
            fprintf(stderr, "sla %s: unknown option or missing value: '%s'\nTry 'sla --help'.\n",
                    a->cmd, arg);
            return 2;
        }
        if (!a->policy) {
            a->policy = arg;
        } else if (!strcmp(a->cmd, "diff") && !a->new_policy) {
            a->new_policy = arg;
        } else if (!a->input) {
            a->input = arg;
        } else {
            fprintf(stderr, "sla %s: unexpected argument '%s'\nTry 'sla --help'.\n", a->cmd, arg);
            return 2;
        }
    }
    if (a->output && !strcmp(a->output, "-"))
        a->output = NULL;
    if (!strcmp(a->cmd, "diff") && (!a->policy || !a->new_policy || !a->input)) {
        fprintf(stderr, "sla diff: give two policies and an input: sla diff OLD NEW INPUT\n"
                        "Try 'sla --help'.\n");
        return 2;
    }
    if (!a->policy || !a->input) {
        fprintf(stderr, "sla %s: give a policy and an input: sla %s POLICY INPUT\n"
                        "Try 'sla --help'.\n", a->cmd, a->cmd);
        return 2;
    }
    return -1;
}

/* Loads a policy, sets o's as-of instant (as_of if given, else read from
 * a in the policy's zone) and chooses how to evaluate (*native: NULL to
 * interpret). NULL with *status set. */
static sla_program *open_run(const run_args *a, const char *policy, const int64_t *as_of,
                             score_options *o, jit_code **native, int *status)
{
    *status = 0;
    *native = NULL;
    sla_program *p = load_policy(policy, status);
    if (!p)
        return NULL;
    if (as_of)
        o->as_of = *as_of;
    else if (a->as_of ? parse_as_of(a->as_of, p->zone, &o->as_of) < 0 : now_us(&o->as_of) < 0) {
        program_free(p);
        *status = 2;
        return NULL;
    }
    *native = choose_evaluator(p, policy, a->input, a->mode, a->jit, status);
    if (*status) {
        program_free(p);
        return NULL;
    }
    o->native = *native ? jit_function(*native) : NULL;
    return p;
}

/* --threads, or one a core; and a progress line when standard error is
 * a terminal. -1 after a message for a bad --threads. */
static int run_threads(const run_args *a, score_options *o)
{
    o->progress = !a->quiet && isatty(STDERR_FILENO);
    if (!a->threads) {
        /* The cores this process may run on (taskset), else those online. */
        cpu_set_t set;
        long n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set)
                                                             : sysconf(_SC_NPROCESSORS_ONLN);
        o->threads = n < 1 ? 1 : n > THREADS_MAX ? THREADS_MAX : (int)n;
        return 0;
    }
    char *end;
    errno = 0;
    long n = strtol(a->threads, &end, 10);
    if (errno || end == a->threads || *end || n < 1 || n > THREADS_MAX) {
        fprintf(stderr, "sla %s: --threads takes a number of threads from 1 to %d, not '%s'\n",
                a->cmd, THREADS_MAX, a->threads);
        return -1;
    }
    o->threads = (int)n;
    return 0;
}

/* The summary of a run with --rejects: every row read is scored or rejected. */
static void summary(const run_args *a, const score_stats *st)
{
    if (a->quiet || !a->rejects)
        return;
    fprintf(stderr, "sla: %lld row%s read: %lld scored, %lld rejected", (long long)st->read,
            st->read == 1 ? "" : "s", (long long)st->scored, (long long)st->rejected);
    if (st->rejected)
        fprintf(stderr, " (see %s)", a->rejects);
    fputc('\n', stderr);
}

static int score(int argc, char **argv)
{
    run_args a = {.cmd = "score", .jit = {.cache = true}};
    int status = read_run_args(argc, argv, &a);
    if (status >= 0)
        return status;
    score_options o = {.input = a.input, .output = a.output, .rejects = a.rejects};
    if (a.format && !strcmp(a.format, "jsonl")) {
        o.jsonl = true;
    } else if (a.format && strcmp(a.format, "csv")) {
        fprintf(stderr, "sla: unknown format '%s': use csv or jsonl\n", a.format);
        return 2;
    }
    if (run_threads(&a, &o) < 0)
        return 2;
    jit_code *native;
    sla_program *p = open_run(&a, a.policy, NULL, &o, &native, &status);
    if (!p)
        return status;
    score_stats st;
    status = score_file(p, &o, &st);
    if (status == 0)
        summary(&a, &st);
    jit_free(native);
    program_free(p);
    return status;
}

static int report_cmd(int argc, char **argv)
{
    run_args a = {.cmd = "report", .jit = {.cache = true}};
    int status = read_run_args(argc, argv, &a);
    if (status >= 0)
        return status;
    static const char *const formats[] = {"text", "md", "json", "html"};
    report_format format = RF_TEXT;
    bool format_ok = !a.format;
    for (int k = 0; k < 4 && !format_ok; k++)
        if (!strcmp(a.format, formats[k])) {
            format = (report_format)k;
            format_ok = true;
        }
    if (!format_ok) {
        fprintf(stderr, "sla report: unknown format '%s': use text, md, json or html\n", a.format);
        return 2;
    }
    int fail_on = 0;          /* 1 missed, 2 at risk */
    if (a.fail_on && (fail_on = !strcmp(a.fail_on, "missed") ? 1
                                : !strcmp(a.fail_on, "at-risk") ? 2 : -1) < 0) {
        fprintf(stderr, "sla report: --fail-on takes missed or at-risk, not '%s'\n", a.fail_on);
        return 2;
    }
    int color = -1;           /* auto */
    if (a.color && (color = !strcmp(a.color, "always") ? 1 : !strcmp(a.color, "never") ? 0
                            : !strcmp(a.color, "auto") ? -1 : -2) == -2) {
        fprintf(stderr, "sla report: --color takes auto, always or never, not '%s'\n", a.color);
        return 2;
    }
    score_options o = {.input = a.input, .rejects = a.rejects, .discard = true};
    if (run_threads(&a, &o) < 0)
        return 2;
    jit_code *native;
    sla_program *p = open_run(&a, a.policy, NULL, &o, &native, &status);
    if (!p)
        return status;
    char err[200];
    report_acc *acc = NULL;
    tz_zone *zone = tz_load(p->zone, err, sizeof err);
    if (!zone) {
        fprintf(stderr, "sla: the policy's time zone \"%s\": %s\n", p->zone, err);
        status = 2;
        goto done;
    }
    acc = o.acc = report_acc_new(p, zone, o.as_of);
    score_stats st;
    status = score_file(p, &o, &st);
    if (status)
        goto done;
    summary(&a, &st);
    report r;
    report_build(&r, acc, strcmp(a.input, "-") == 0 ? "<stdin>" : a.input, st.read, st.scored,
                 st.rejected);
    if (color < 0)
        color = !a.output && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    out_file out;
    if (out_open(&out, a.output, "sla") < 0) {
        report_free(&r);
        status = 2;
        goto done;
    }
    report_render(&r, format, color && format == RF_TEXT, &out.b);
    if (out_close(&out, true) != 0)
        status = 2;
    else if (fail_on && report_fails(&r, fail_on == 2))
        status = 3;
    report_free(&r);

done:
    report_acc_free(acc);
    tz_free(zone);
    jit_free(native);
    program_free(p);
    return status;
}

static int diff_cmd(int argc, char **argv)
{
    run_args a = {.cmd = "diff", .jit = {.cache = true}};
    int status = read_run_args(argc, argv, &a);
    if (status >= 0)
        return status;
    diff_format format = DF_TEXT;
    if (a.format && !strcmp(a.format, "md")) {
        format = DF_MD;
    } else if (a.format && !strcmp(a.format, "json")) {
        format = DF_JSON;
    } else if (a.format && strcmp(a.format, "text")) {
        fprintf(stderr, "sla diff: unknown format '%s': use text, md or json\n", a.format);
        return 2;
    }
    score_options o[2] = {{.input = a.input, .rejects = a.rejects, .discard = true},
                          {.input = a.input, .discard = true}};
    jit_code *native[2] = {NULL, NULL};
    sla_program *p[2] = {NULL, NULL};
    tz_zone *zone[2] = {NULL, NULL};
    report_acc *acc[2] = {NULL, NULL};
    diff d;
    bool have_diff = false;
    const char *path[2] = {a.policy, a.new_policy};
    for (int k = 0; k < 2; k++) {
        /* Both policies load (and report their errors) before either fails the run. */
        int st = 0;
        /* One instant for both, read once in the old policy's zone; if the
         * old policy failed, the run fails anyway and the new one is only
         * checked. */
        const int64_t *as_of = k == 1 ? &o[0].as_of : NULL;
        p[k] = open_run(&a, path[k], as_of, &o[k], &native[k], &st);
        if (st > status)
            status = st;
    }
    if (status)
        goto done;
    char err[200];
    for (int k = 0; k < 2; k++) {
        zone[k] = tz_load(p[k]->zone, err, sizeof err);
        if (!zone[k]) {
            fprintf(stderr, "sla: the policy's time zone \"%s\": %s\n", p[k]->zone, err);
            status = 2;
            goto done;
        }
        acc[k] = o[k].acc = report_acc_new(p[k], zone[k], o[0].as_of);
    }
    diff_init(&d, p[0], zone[0], p[1], zone[1], o[0].as_of);
    have_diff = true;
    score_stats st;
    const sla_program *const pp[2] = {p[0], p[1]};
    const score_options *const op[2] = {&o[0], &o[1]};
    status = score_pair(pp, op, diff_add, &d, &st);
    if (status)
        goto done;
    summary(&a, &st);
    diff_finish(&d, acc[0], acc[1], a.policy, a.new_policy,
                strcmp(a.input, "-") == 0 ? "<stdin>" : a.input, st.read, st.scored, st.rejected);
    out_file out;
    if (out_open(&out, a.output, "sla") < 0) {
        status = 2;
        goto done;
    }
    diff_render(&d, format, &out.b);
    if (out_close(&out, true) != 0)
        status = 2;

done:
    if (have_diff)
        diff_free(&d);
    for (int k = 0; k < 2; k++) {
        report_acc_free(acc[k]);
        tz_free(zone[k]);
        jit_free(native[k]);
        if (p[k])
            program_free(p[k]);
    }
    return status;
}

static int explain_cmd(int argc, char **argv)
{
    run_args a = {.cmd = "explain"};
    int status = read_run_args(argc, argv, &a);
    if (status >= 0)
        return status;
    explain_options o = {.input = a.input};
    if (a.format && strcmp(a.format, "text")) {
        fprintf(stderr, "sla explain: unknown format '%s': explain writes text\n", a.format);
        return 2;
    }
    if (!a.id == !a.row) {
        fprintf(stderr, "sla explain: name one record: --row N (the Nth data row) or --id ID "
                        "(the first field's value)\nTry 'sla --help'.\n");
        return 2;
    }
    if (a.row) {
        char *end;
        errno = 0;
        long long n = strtoll(a.row, &end, 10);
        if (errno || end == a.row || *end || n < 1) {
            fprintf(stderr, "sla explain: --row takes a row number from 1 (the first data row "
                            "after the header), not '%s'\n", a.row);
            return 2;
        }
        o.row = n;
    }
    o.id = a.id;

    char *data;
    size_t len;
    if (read_whole_file("sla", a.policy, &data, &len) < 0)
        return 2;
    if (len >= SLAB_MAGIC_SIZE && memcmp(data, SLAB_MAGIC, SLAB_MAGIC_SIZE) == 0) {
        fprintf(stderr, "sla explain: %s is a compiled policy: explain needs its source (.sla), "
                        "whose lines it shows\n", a.policy);
        free(data);
        return 2;
    }
    src_file f;
    size_t bom = utf8_bom(data, len);
    src_file_init(&f, a.policy, data + bom, len - bom);
    diag_set d;
    diag_set_init(&d);
    explainer *x = explain_open(&f, &d);
    diag_sort(&d);
    diag_render_text(&d, stderr, isatty(STDERR_FILENO) && !getenv("NO_COLOR"));
    diag_set_free(&d);
    if (!x) {
        status = 1;
        goto done;
    }
    if (a.as_of ? parse_as_of(a.as_of, explain_zone(x), &o.as_of) < 0 : now_us(&o.as_of) < 0) {
        status = 2;
        goto done;
    }
    out_file out;
    buf text;
    buf_init(&text);
    status = explain_record(x, &o, &text);
    if (status == 0) {
        if (out_open(&out, a.output, "sla") < 0) {
            status = 2;
        } else {
            buf_put(&out.b, text.data, text.len);
            if (out_close(&out, true) != 0)
                status = 2;
        }
    }
    buf_free(&text);

done:
    explain_close(x);
    src_file_free(&f);
    free(data);
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

static const char test_usage[] =
    "Usage: sla test PATH... [OPTION]...\n"
    "Run the tests written for policies (docs/testing.md). PATH is a policy (its\n"
    "own tests, and those of NAME.test.sla beside it), a test file, or a\n"
    "directory (every policy and test file in it).\n"
    "\n"
    "Options:\n"
    "  -v, --verbose          a line for every test, not only the failures\n"
    "      --coverage         list the stages, classes, score rules and\n"
    "                         conditions no test exercised\n"
    "      --min-coverage PCT fail when the tests cover less than PCT percent\n"
    "      --junit FILE       also write the results as JUnit XML to FILE\n"
    "  -h, --help             show this help\n"
    "\n"
    "Prints one line per failure (file:line, what was expected, what it was),\n"
    "then `N passed, N failed`.\n"
    "Exit status: 0 all passed; 1 a test failed, a file has errors, or coverage\n"
    "is under --min-coverage; 2 a file could not be read, or no tests.\n";

static int test_cmd(int argc, char **argv)
{
    ptest_options o = {.min_coverage = -1};
    char **paths = xcalloc((size_t)argc + 1, sizeof *paths);
    int n = 0, status = -1;
    for (int i = 0; i < argc && status < 0; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(test_usage, stdout);
            status = 0;
        } else if (!strcmp(arg, "-v") || !strcmp(arg, "--verbose")) {
            o.verbose = true;
        } else if (!strcmp(arg, "--coverage")) {
            o.coverage = true;
        } else if (!strcmp(arg, "--min-coverage") || !strcmp(arg, "--junit")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "sla test: %s needs a value\nTry 'sla test --help'.\n", arg);
                status = 2;
                break;
            }
            const char *val = argv[++i];
            if (!strcmp(arg, "--junit")) {
                o.junit = val;
                continue;
            }
            char *end;
            size_t len = strlen(val);
            double pct = strtod(val, &end);
            if (end == val || (*end && strcmp(end, "%") != 0) || !(pct >= 0 && pct <= 100) ||
                len > 20) {
                fprintf(stderr, "sla test: --min-coverage %s: give a percentage from 0 to "
                        "100\n", val);
                status = 2;
            }
            o.min_coverage = pct;
        } else if (arg[0] == '-' && arg[1]) {
            fprintf(stderr, "sla test: unknown option '%s'\nTry 'sla test --help'.\n", arg);
            status = 2;
        } else {
            paths[n++] = argv[i];
        }
    }
    if (status < 0 && n == 0) {
        fprintf(stderr, "sla test: name policies, test files or directories\n"
                "Try 'sla test --help'.\n");
        status = 2;
    }
    if (status < 0)
        status = ptest_run(paths, n, &o, stdout, stderr);
    free(paths);
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
    if (!strcmp(cmd, "report"))
        return report_cmd(argc - 2, argv + 2);
    if (!strcmp(cmd, "diff"))
        return diff_cmd(argc - 2, argv + 2);
    if (!strcmp(cmd, "explain"))
        return explain_cmd(argc - 2, argv + 2);
    if (!strcmp(cmd, "cache"))
        return cache(argc - 2, argv + 2);
    if (!strcmp(cmd, "test"))
        return test_cmd(argc - 2, argv + 2);
    if (!strcmp(cmd, "check"))
        return check(argc - 2, argv + 2);
    fprintf(stderr, "sla: unknown command '%s'\nTry 'sla --help'.\n", cmd);
    return 2;
}
