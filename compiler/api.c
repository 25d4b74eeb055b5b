/*
 * api.c - the public interface of include/sla.h over the internal passes.
 */
#include "sla.h"

#include "check.h"
#include "compile.h"

#include "../common/xalloc.h"
#include "../parser/parse.h"
#include "../runtime/session.h"
#include "../runtime/slab.h"
#include "../runtime/vm.h"

#include <string.h>

const char *sla_version(void)
{
    return SLA_VERSION;
}

static void report(const diag_set *d, const char *name, sla_diagnostic_fn fn, void *user)
{
    for (size_t i = 0; fn && i < d->n; i++) {
        const diag *g = &d->v[i];
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
    report(&d, name, fn, user);
    int errors = d.errors;
    diag_set_free(&d);
    arena_free(&a);
    src_file_free(&f);
    return errors;
}

/* ---- policies --------------------------------------------------------------- */

struct sla_policy {
    sla_program *prog;
};

sla_policy *sla_policy_compile(const char *name, const char *text, size_t len,
                               sla_diagnostic_fn fn, void *user)
{
    src_file f;
    src_file_init(&f, name, text, len);
    diag_set d;
    diag_set_init(&d);
    sla_program *prog = compile_source(&f, &d);
    diag_sort(&d);
    report(&d, name, fn, user);
    diag_set_free(&d);
    src_file_free(&f);
    if (!prog)
        return NULL;
    sla_policy *p = xmalloc(sizeof *p);
    p->prog = prog;
    return p;
}

sla_policy *sla_policy_load(const void *slab, size_t len, char *err, size_t errlen)
{
    sla_program *prog = slab_read(slab, len, err, errlen);
    if (!prog)
        return NULL;
    vm_prepare(prog);
    sla_policy *p = xmalloc(sizeof *p);
    p->prog = prog;
    return p;
}

void sla_policy_free(sla_policy *p)
{
    if (!p)
        return;
    program_free(p->prog);
    free(p);
}

int sla_policy_field_count(const sla_policy *p) { return (int)p->prog->nfields; }

const char *sla_policy_field_name(const sla_policy *p, int i)
{
    return i >= 0 && (uint32_t)i < p->prog->nfields ? p->prog->fields[i].name : NULL;
}

const char *sla_policy_field_column(const sla_policy *p, int i)
{
    return i >= 0 && (uint32_t)i < p->prog->nfields ? p->prog->fields[i].column : NULL;
}

int sla_policy_field_index(const sla_policy *p, const char *name)
{
    for (uint32_t i = 0; i < p->prog->nfields; i++)
        if (strcmp(p->prog->fields[i].name, name) == 0)
            return (int)i;
    return -1;
}

int sla_policy_output_count(const sla_policy *p) { return (int)p->prog->noutputs; }

const char *sla_policy_output_name(const sla_policy *p, int i)
{
    return i >= 0 && (uint32_t)i < p->prog->noutputs ? p->prog->outputs[i].header : NULL;
}

/* ---- scorers ------------------------------------------------------------------ */

struct sla_scorer {
    const sla_program *prog;
    session ses;
    vm *v;
    char **cells;            /* by field: a copy of the text set */
    buf *outputs;            /* by output: the formatted value */
};

sla_scorer *sla_scorer_new(const sla_policy *p, long long as_of, char *err, size_t errlen)
{
    sla_scorer *s = xcalloc(1, sizeof *s);
    s->prog = p->prog;
    if (session_open(&s->ses, p->prog, err, errlen) < 0) {
        session_close(&s->ses);
        free(s);
        return NULL;
    }
    s->v = vm_new(p->prog, session_calendar(&s->ses), as_of);
    s->cells = xcalloc(p->prog->nfields + 1, sizeof *s->cells);
    s->outputs = xcalloc(p->prog->noutputs + 1, sizeof *s->outputs);
    for (uint32_t i = 0; i < p->prog->noutputs; i++)
        buf_init(&s->outputs[i]);
    return s;
}

void sla_scorer_free(sla_scorer *s)
{
    if (!s)
        return;
    for (uint32_t i = 0; i < s->prog->nfields; i++)
        free(s->cells[i]);
    for (uint32_t i = 0; i < s->prog->noutputs; i++)
        buf_free(&s->outputs[i]);
    free(s->cells);
    free(s->outputs);
    vm_free(s->v);
    session_close(&s->ses);
    free(s);
}

void sla_scorer_clear(sla_scorer *s)
{
    sla_value *regs = vm_registers(s->v);
    for (uint32_t i = 0; i < s->prog->nfields; i++) {
        free(s->cells[i]);
        s->cells[i] = NULL;
        regs[i] = (sla_value){.null = 1};
    }
}

int sla_scorer_set(sla_scorer *s, int i, const char *cell, size_t len, char *err, size_t errlen)
{
    if (i < 0 || (uint32_t)i >= s->prog->nfields) {
        snprintf(err, errlen, "there is no field number %d", i);
        return -1;
    }
    /* Text values point into the cell: keep a copy as long as the field. */
    char *copy = xstrndup(cell, len);
    sla_value v;
    if (conv_cell(&s->ses.conv[i], copy, len, &v, err, errlen)) {
        free(copy);
        return -1;
    }
    free(s->cells[i]);
    s->cells[i] = copy;
    vm_registers(s->v)[i] = v;
    return 0;
}

void sla_scorer_run(sla_scorer *s)
{
    const sla_program *p = s->prog;
    vm_run(s->v);
    const sla_value *regs = vm_registers(s->v);
    for (uint32_t i = 0; i < p->noutputs; i++) {
        vtype t = p->reg_types[p->outputs[i].reg];
        const char *const *names = t == VT_STAGE ? (const char *const *)p->stages
                                 : t == VT_CLASS ? (const char *const *)p->classes : NULL;
        buf_reset(&s->outputs[i]);
        fmt_value(&s->outputs[i], t, &regs[p->outputs[i].reg], s->ses.zone, names);
    }
}

const char *sla_scorer_output(sla_scorer *s, int i, size_t *len)
{
    if (i < 0 || (uint32_t)i >= s->prog->noutputs)
        return NULL;
    if (len)
        *len = s->outputs[i].len;
    return s->outputs[i].data;
}
