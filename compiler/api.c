/*
 * api.c - the public interface of include/sla.h over the internal passes.
 */
#include "sla.h"

#include "check.h"
#include "../parser/parse.h"

const char *sla_version(void)
{
    return SLA_VERSION;
}

int sla_check(const char *name, const char *text, size_t len, sla_diagnostic_fn fn, void *user)
{
    src_file f;
    src_file_init(&f, name, text, len);
    arena a;
    arena_init(&a);
    diag_set d;
    diag_set_init(&d);
    policy *p = parse_policy(&f, &a, &d);
    check_policy(p, &a, &d);
    diag_sort(&d);
    for (size_t i = 0; fn && i < d.n; i++) {
        const diag *g = &d.v[i];
        sla_diagnostic out = {
            .file = name,
            .line = g->loc.line, .column = g->loc.col,
            .end_line = g->loc.end_line, .end_column = g->loc.end_col,
            .severity = (sla_severity)g->sev,
            .code = diag_code_name(g->code),
            .message = g->msg,
            .suggestion = g->suggestion,
        };
        fn(&out, user);
    }
    int errors = d.errors;
    diag_set_free(&d);
    arena_free(&a);
    src_file_free(&f);
    return errors;
}
