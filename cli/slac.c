/*
 * slac.c - the policy compiler's command line.
 *
 * `slac --check FILE...` reads each policy, parses and checks it, and
 * reports every mistake at once: gcc-style text on stderr, or JSON or
 * SARIF on stdout for CI. The exit status is what a CI step tests.
 * `slac POLICY -o FILE.slab` compiles a policy to a verified bytecode
 * file; `slac --dump POLICY` prints its disassembly. `slac --jit-check
 * POLICY...` compiles each to native code (in memory, not cached), so CI
 * learns of a policy the JIT cannot take before a batch run does.
 * `slac fmt [--check] [-w] FILE...` lays policies out the one canonical way
 * (compiler/fmt.c); a policy with syntax errors is reported, not formatted.
 */
#include "sla.h"

#include "../common/outfile.h"
#include "../common/readfile.h"
#include "../common/utf8.h"
#include "../common/xalloc.h"
#include "../compiler/check.h"
#include "../compiler/compile.h"
#include "../compiler/fmt.h"
#include "../compiler/jit.h"
#include "../compiler/policytest.h"
#include "../compiler/slab.h"
#include "../parser/parse.h"
#include "../runtime/vm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_CLEAN = 0, EXIT_ERRORS = 1, EXIT_USAGE = 2 };

static const char usage[] =
    "Usage: slac --check [OPTION]... FILE...\n"
    "       slac POLICY [-o FILE]\n"
    "       slac --dump POLICY\n"
    "       slac --jit-check POLICY...\n"
    "       slac fmt [--check | -w] FILE...\n"
    "Check SLA policies (.sla files) and compile them to bytecode (.slab).\n"
    "\n"
    "  --check            check each FILE; `-` reads standard input; a test\n"
    "                     file (NAME.test.sla) is checked against its policy\n"
    "  -o FILE            compile POLICY to FILE (default: POLICY with .slab\n"
    "                     in place of .sla); written whole or not at all\n"
    "  --dump             print the compiled program, instruction by\n"
    "                     instruction, with the policy lines they come from\n"
    "  --format FORMAT    how to report: text (default, on standard error),\n"
    "                     json or sarif (SARIF 2.1.0), both on standard output\n"
    "  --jit-check        compile each POLICY to native code (libgccjit), as\n"
    "                     sla score --jit would, and report any that fails\n"
    "  -Werror            treat warnings as errors\n"
    "  fmt                print FILE laid out the canonical way (docs/fmt.md);\n"
    "                     with -w rewrite each FILE in place if it changes; with\n"
    "                     --check print a diff and exit 1 if any FILE would change\n"
    "  --color WHEN       colour text reports: auto (default, on a terminal),\n"
    "                     always or never; NO_COLOR in the environment means never\n"
    "  -h, --help         show this help and exit\n"
    "  --version          show the version and exit\n"
    "\n"
    "Exit status: 0 when every policy is clean (or compiled), 1 when a policy has errors\n"
    "(or warnings, with -Werror), 2 on a usage or input/output error.\n"
    "\n"
    "The language is described in docs/language.md.\n";

typedef enum { FMT_TEXT, FMT_JSON, FMT_SARIF } report_format;

typedef struct input {
    const char *name;
    char *data;
    size_t len;
    src_file file;
    src_file *tested;         /* a test file's policy, checked with it */
} input;

static int load(input *in)
{
    return read_whole_file("slac", in->name, &in->data, &in->len);
}

static bool want_color(const char *when)
{
    if (strcmp(when, "always") == 0)
        return true;
    if (strcmp(when, "never") == 0)
        return false;
    const char *term = getenv("TERM");
    return isatty(STDERR_FILENO) && !getenv("NO_COLOR") && !(term && strcmp(term, "dumb") == 0);
}

static void check_one(input *in, arena *a, diag_set *d)
{
    const char *text = in->data;
    size_t len = in->len;
    const char *name = strcmp(in->name, "-") == 0 ? "<stdin>" : in->name;
    if (len >= 2 && ((unsigned char)text[0] == 0xFF || (unsigned char)text[0] == 0xFE) &&
        ((unsigned char)text[1] == 0xFE || (unsigned char)text[1] == 0xFF)) {
        src_file_init(&in->file, name, "", 0);
        diag_add(d, &in->file, SEV_ERROR, D_SYNTAX, (src_loc){1, 1, 1, 2},
                 "this file is UTF-16 text; save it as UTF-8");
        return;
    }
    size_t bom = utf8_bom(text, len);   /* a UTF-8 byte order mark is skipped */
    text += bom;
    len -= bom;
    src_file_init(&in->file, name, text, len);
    if (ptest_is_test_file(name)) {
        in->tested = ptest_check_file(&in->file, a, d);
        return;
    }
    policy *p = parse_policy(&in->file, a, d);
    check_policy(p, a, d);
}

/* Compiles one policy: to a .slab file, or to a listing with --dump. */
static int compile_one(const char *path, const char *output, bool dump, const char *color)
{
    input in = {.name = path};
    if (load(&in) < 0)
        return EXIT_USAGE;
    size_t bom = utf8_bom(in.data, in.len);
    const char *text = in.data + bom;
    size_t len = in.len - bom;
    src_file_init(&in.file, strcmp(path, "-") == 0 ? "<stdin>" : path, text, len);
    diag_set d;
    diag_set_init(&d);
    sla_program *p = compile_source(&in.file, &d);
    diag_sort(&d);
    diag_render_text(&d, stderr, want_color(color));
    int rc = p ? EXIT_CLEAN : EXIT_ERRORS;
    if (p && dump) {
        vm_disassemble(p, stdout);
        if (fflush(stdout) != 0)
            rc = EXIT_USAGE;
    } else if (p) {
        char *name = NULL;
        if (!output) {
            size_t n = strlen(path);
            bool sla = n > 4 && strcmp(path + n - 4, ".sla") == 0;
            name = xmalloc(n + 6);
            snprintf(name, n + 6, "%.*s.slab", (int)(sla ? n - 4 : n), path);
            output = strcmp(path, "-") == 0 ? NULL : name;
        }
        out_file f;
        if (out_open(&f, output, "slac") < 0) {
            rc = EXIT_USAGE;
        } else {
            slab_write(p, &f.b);
            if (out_close(&f, true) < 0)
                rc = EXIT_USAGE;
        }
        free(name);
    }
    if (p)
        program_free(p);
    diag_set_free(&d);
    src_file_free(&in.file);
    free(in.data);
    return rc;
}

/* Compiles each policy to native code; 0 if all compile, 1 if one does not. */
static int jit_check(input *inputs, int n, const char *color)
{
    int rc = EXIT_CLEAN;
    for (int i = 0; i < n; i++) {
        input *in = &inputs[i];
        if (load(in) < 0) {
            rc = EXIT_USAGE;
            continue;
        }
        size_t bom = utf8_bom(in->data, in->len);
        src_file_init(&in->file, strcmp(in->name, "-") == 0 ? "<stdin>" : in->name, in->data + bom,
                      in->len - bom);
        diag_set d;
        diag_set_init(&d);
        sla_program *p = compile_source(&in->file, &d);
        diag_sort(&d);
        diag_render_text(&d, stderr, want_color(color));
        diag_set_free(&d);
        if (!p) {
            rc = rc == EXIT_USAGE ? rc : EXIT_ERRORS;
            continue;
        }
        char err[600];
        jit_options o = {.cache = false};
        jit_code *c = jit_compile(p, &o, err, sizeof err);
        if (!c) {
            fprintf(stderr, "%s: error: cannot compile to native code: %s\n", in->file.name, err);
            rc = rc == EXIT_USAGE ? rc : EXIT_ERRORS;
        }
        jit_free(c);
        program_free(p);
    }
    for (int i = 0; i < n; i++) {
        free(inputs[i].data);
        if (inputs[i].file.line_start)
            src_file_free(&inputs[i].file);
    }
    return rc;
}

static const char fmt_usage[] =
    "Usage: slac fmt [--check | -w] FILE...\n"
    "Lay out SLA policies the canonical way (see docs/fmt.md); `-` reads standard input.\n"
    "\n"
    "  (no option)  print the formatted FILE on standard output (one FILE)\n"
    "  -w           rewrite each FILE in place, only if it changes\n"
    "  --check      print a unified diff of what would change; exit 1 if any would\n"
    "  -h, --help   show this help and exit\n"
    "\n"
    "A policy with syntax errors is reported as slac --check reports it and left alone.\n"
    "Exit status: 0 done (or every FILE formatted, with --check), 1 when a FILE has\n"
    "syntax errors (or is not formatted, with --check), 2 on a usage or input/output error.\n";

/* Formats one file as the mode asks; returns an exit status. */
static int fmt_one(const char *path, bool check, bool write, const char *color)
{
    input in = {.name = path};
    if (load(&in) < 0)
        return EXIT_USAGE;
    bool is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    size_t bom = utf8_bom(in.data, in.len);
    const char *text = in.data + bom;
    size_t len = in.len - bom;
    int rc = EXIT_CLEAN;
    arena a;
    arena_init(&a);
    diag_set d;
    diag_set_init(&d);
    src_file_init(&in.file, name, text, len);
    policy *p = parse_policy(&in.file, &a, &d);
    buf out;
    buf_init(&out);
    buf_put(&out, in.data, bom);   /* a byte order mark stays */
    if (p->syntax_errors > 0 || fmt_format(text, len, &out) < 0) {
        diag_sort(&d);
        diag_render_text(&d, stderr, want_color(color));
        rc = EXIT_ERRORS;
        goto done;
    }
    bool same = out.len == in.len && memcmp(out.data, in.data, in.len) == 0;
    if (check) {
        if (!same) {
            buf diff;
            buf_init(&diff);
            fmt_diff(name, in.data, in.len, out.data, out.len, &diff);
            if (buf_write(&diff, stdout) < 0 || fflush(stdout) != 0)
                rc = EXIT_USAGE;
            else
                rc = EXIT_ERRORS;
            buf_free(&diff);
        }
    } else if (write && !is_stdin) {
        if (!same) {
            out_file f;
            if (out_open(&f, path, "slac") < 0) {
                rc = EXIT_USAGE;
            } else {
                buf_put(&f.b, out.data, out.len);
                if (out_close(&f, true) < 0)
                    rc = EXIT_USAGE;
            }
        }
    } else if (buf_write(&out, stdout) < 0 || fflush(stdout) != 0) {
        fprintf(stderr, "slac: cannot write the formatted policy: %s\n", strerror(errno));
        rc = EXIT_USAGE;
    }
done:
    buf_free(&out);
    diag_set_free(&d);
    arena_free(&a);
    src_file_free(&in.file);
    free(in.data);
    return rc;
}

static int fmt_main(int argc, char **argv, const char *color)
{
    bool check = false, write = false, only_files = false;
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (only_files || arg[0] != '-' || strcmp(arg, "-") == 0)
            nfiles++;
        else if (strcmp(arg, "--") == 0)
            only_files = true;
        else if (strcmp(arg, "--check") == 0)
            check = true;
        else if (strcmp(arg, "-w") == 0)
            write = true;
        else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(fmt_usage, stdout);
            return EXIT_CLEAN;
        } else {
            fprintf(stderr, "slac fmt: unknown option '%s'\nTry 'slac fmt --help'.\n", arg);
            return EXIT_USAGE;
        }
    }
    if (nfiles == 0 || (check && write) || (!check && !write && nfiles > 1)) {
        fprintf(stderr, "slac fmt: %s\nTry 'slac fmt --help'.\n",
                nfiles == 0 ? "name one or more policies, or - for standard input"
                : check && write ? "--check and -w do not go together"
                : "print one policy at a time (or use -w or --check)");
        return EXIT_USAGE;
    }
    int rc = EXIT_CLEAN;
    only_files = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!only_files && strcmp(arg, "--") == 0) {
            only_files = true;
            continue;
        }
        if (!only_files && arg[0] == '-' && strcmp(arg, "-") != 0)
            continue;
        int r = fmt_one(arg, check, write, color);
        if (r > rc)
            rc = r;
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "fmt") == 0)
        return fmt_main(argc - 1, argv + 1, "auto");

    bool check = false, werror = false, dump = false, jitcheck = false;
    const char *output = NULL;
    const char *color = "auto";
    report_format format = FMT_TEXT;
    input *inputs = xcalloc((size_t)argc, sizeof *inputs);
    int ninputs = 0;
    bool only_files = false;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (only_files || arg[0] != '-' || strcmp(arg, "-") == 0) {
            inputs[ninputs++].name = arg;
        } else if (strcmp(arg, "--") == 0) {
            only_files = true;
        } else if (strcmp(arg, "--check") == 0) {
            check = true;
        } else if (strcmp(arg, "--dump") == 0) {
            dump = true;
        } else if (strcmp(arg, "--jit-check") == 0) {
            jitcheck = true;
        } else if (strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "slac: -o needs a file name\n");
                return EXIT_USAGE;
            }
            output = argv[++i];
        } else if (strcmp(arg, "-Werror") == 0) {
            werror = true;
        } else if (strcmp(arg, "--format") == 0 || strncmp(arg, "--format=", 9) == 0) {
            const char *v = arg[8] == '=' ? arg + 9 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v) {
                fprintf(stderr, "slac: --format needs a value: text, json or sarif\n");
                return EXIT_USAGE;
            }
            if (strcmp(v, "text") == 0)
                format = FMT_TEXT;
            else if (strcmp(v, "json") == 0)
                format = FMT_JSON;
            else if (strcmp(v, "sarif") == 0)
                format = FMT_SARIF;
            else {
                fprintf(stderr, "slac: unknown format '%s': use text, json or sarif\n", v);
                return EXIT_USAGE;
            }
        } else if (strcmp(arg, "--color") == 0 || strncmp(arg, "--color=", 8) == 0) {
            const char *v = arg[7] == '=' ? arg + 8 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v || (strcmp(v, "auto") && strcmp(v, "always") && strcmp(v, "never"))) {
                fprintf(stderr, "slac: --color takes auto, always or never\n");
                return EXIT_USAGE;
            }
            color = v;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(usage, stdout);
            return EXIT_CLEAN;
        } else if (strcmp(arg, "--version") == 0) {
            printf("slac %s\n", sla_version());
            return EXIT_CLEAN;
        } else {
            fprintf(stderr, "slac: unknown option '%s'\nTry 'slac --help'.\n", arg);
            return EXIT_USAGE;
        }
    }
    if (jitcheck) {
        if (ninputs == 0) {
            fprintf(stderr, "slac: --jit-check: name one or more policies\n");
            free(inputs);
            return EXIT_USAGE;
        }
        int rc = jit_check(inputs, ninputs, color);
        free(inputs);
        return rc;
    }
    if (!check) {
        if (ninputs != 1) {
            fprintf(stderr, "slac: %s one policy to compile (or use --check for several)\n"
                            "Try 'slac --help'.\n", ninputs ? "give only" : "give");
            return EXIT_USAGE;
        }
        int rc = compile_one(inputs[0].name, output, dump, color);
        free(inputs);
        return rc;
    }
    if (ninputs == 0) {
        fprintf(stderr, "slac: no policy to check: name one or more .sla files, or - for "
                        "standard input\n");
        return EXIT_USAGE;
    }

    arena a;
    arena_init(&a);
    diag_set d;
    diag_set_init(&d);
    bool io_error = false;
    for (int i = 0; i < ninputs; i++) {
        if (load(&inputs[i]) < 0) {
            io_error = true;
            continue;
        }
        check_one(&inputs[i], &a, &d);
    }
    if (werror)
        diag_promote_warnings(&d);
    diag_sort(&d);

    if (format == FMT_TEXT) {
        diag_render_text(&d, stderr, want_color(color));
    } else {
        buf out;
        buf_init(&out);
        if (format == FMT_JSON)
            diag_render_json(&d, &out);
        else
            diag_render_sarif(&d, &out, sla_version());
        if (buf_write(&out, stdout) < 0 || fflush(stdout) != 0) {
            fprintf(stderr, "slac: cannot write the report: %s\n", strerror(errno));
            io_error = true;
        }
        buf_free(&out);
    }

    int status = io_error ? EXIT_USAGE : d.errors ? EXIT_ERRORS : EXIT_CLEAN;
    diag_set_free(&d);
    arena_free(&a);
    for (int i = 0; i < ninputs; i++) {
        free(inputs[i].data);
        if (inputs[i].file.line_start)
            src_file_free(&inputs[i].file);
        if (inputs[i].tested) {
            src_file_free(inputs[i].tested);
            free(inputs[i].tested);
        }
    }
    free(inputs);
    return status;
}
