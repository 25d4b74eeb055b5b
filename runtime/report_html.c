/*
 * report_html.c - `sla report --format html`: the report as one web page.
 *
 * The page is one self-contained HTML5 file: an inline stylesheet, charts
 * drawn as inline SVG by hand, no script, nothing fetched. It opens from a
 * mail attachment, a CI artifact or a disk with no network, and prints.
 *
 * Design decisions. Every figure, on a chart as in a table, goes through
 * the shared report_fmt_* helpers, so the page shows the same numbers as
 * the text and JSON reports. Quotas do not share an axis (MQLs and dollars
 * of pipeline are not comparable): each is drawn on its own scale, rates
 * on 0-100%. Coordinates are printed at a fixed precision from the model
 * alone, so the same model gives the same bytes. Every text that comes
 * from the policy or the data is escaped, including inside SVG.
 */
#include "report.h"

#include "convert.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct html {
    const report *r;
    buf *out;
    int charts;               /* <svg> charts written, told to the page's test */
} html;

/* ---- text ------------------------------------------------------------------------- */

static void esc_n(buf *out, const char *s, size_t n)
{
    buf_xml_text(out, s, n);
}

static void html_escape(buf *out, const char *s)
{
    if (s)
        esc_n(out, s, strlen(s));
}

/* The helpers write into a scratch buffer that is then escaped: a currency
 * symbol or a zone name is data like any other. */
static void put_value(buf *out, const report_value *v, bool percent)
{
    if (!v->set) {
        buf_puts(out, "\xe2\x80\x93");   /* – */
        return;
    }
    buf t;
    buf_init(&t);
    report_fmt_value(&t, v, percent);
    esc_n(out, t.data, t.len);
    buf_free(&t);
}

/* A percentage held as a double (NAN: no data), formatted as a rate is. */
static void put_percent(buf *out, double pct)
{
    report_value v = {.set = isfinite(pct), .is_number = true, .f = pct};
    put_value(out, &v, true);
}

static void put_date(buf *out, const report *r, int64_t t)
{
    buf b;
    buf_init(&b);
    report_fmt_date(&b, r, t);
    esc_n(out, b.data, b.len);
    buf_free(&b);
}

static void put_time(buf *out, const report *r, int64_t t)
{
    buf b;
    buf_init(&b);
    report_fmt_time(&b, r, t);
    esc_n(out, b.data, b.len);
    buf_free(&b);
}

static void put_duration(buf *out, int64_t us)
{
    buf b;
    buf_init(&b);
    report_fmt_duration(&b, us);
    esc_n(out, b.data, b.len);
    buf_free(&b);
}

static void put_count(buf *out, int64_t n)
{
    report_value v = {.set = true, .i = n};
    put_value(out, &v, false);
}

/* ---- quotas ------------------------------------------------------------------------ */

static const char *const status_class[ST__COUNT] = {
    [ST_MET] = "met", [ST_MISSED] = "missed", [ST_ON_TRACK] = "on-track",
    [ST_AT_RISK] = "at-risk", [ST_NO_DATA] = "no-data",
};

static report_status status_of(report_status s)
{
    return (unsigned)s < ST__COUNT ? s : ST_NO_DATA;
}

static bool is_rate(const report_quota *rq)
{
    return rq->q->kind == QK_RATE;
}

/* A value on a chart's scale: money stays in ten-thousandths, which is
 * harmless because a quota's target, actual and projection share a type. */
static double magnitude(const report_value *v)
{
    if (!v->set)
        return NAN;
    return v->is_number ? v->f : (double)v->i;
}

static void badge(buf *out, report_status s)
{
    s = status_of(s);
    buf_printf(out, "<span class=\"badge %s\">", status_class[s]);
    html_escape(out, report_status_names[s]);
    buf_puts(out, "</span>");
}

static void quota_head(buf *out)
{
    buf_puts(out, "<thead><tr><th>Team</th><th>Quota</th><th>Kind</th><th>Per</th>"
                  "<th class=\"n\">Target</th><th>Period</th><th class=\"n\">Actual</th>"
                  "<th class=\"n\">Attained</th><th class=\"n\">Projected</th>"
                  "<th>Status</th></tr></thead>\n");
}

static void quota_row(buf *out, const report_quota *rq, const report_period *pd)
{
    bool pct = is_rate(rq);
    buf_puts(out, "<tr><td class=\"nw\">");
    html_escape(out, rq->q->team);
    buf_puts(out, "</td><td>");
    html_escape(out, rq->q->text);
    buf_puts(out, "</td><td>");
    html_escape(out, rq->kind);
    buf_puts(out, "</td><td>");
    html_escape(out, rq->period);
    buf_puts(out, "</td><td class=\"n\">");
    put_value(out, &rq->target, pct);
    buf_puts(out, "</td><td class=\"nw\">");
    html_escape(out, pd->label);
    if (!pd->complete)
        buf_puts(out, " <span class=\"muted\">(so far)</span>");
    buf_puts(out, "</td><td class=\"n\">");
    put_value(out, &pd->actual, pct);
    buf_puts(out, "</td><td class=\"n\">");
    put_percent(out, pd->attained);
    buf_puts(out, "</td><td class=\"n\">");
    put_value(out, &pd->projected, pct);
    buf_puts(out, "</td><td>");
    badge(out, pd->status);
    buf_puts(out, "</td></tr>\n");
}

static void quota_table(html *h)
{
    const report *r = h->r;
    buf *out = h->out;
    buf_puts(out, "<section><h2>Quotas</h2>\n<table>\n");
    quota_head(out);
    buf_puts(out, "<tbody>\n");
    int64_t later = 0;
    for (uint32_t i = 0; i < r->p->nquotas; i++) {
        quota_row(out, &r->quotas[i], &r->quotas[i].current);
        later += r->quotas[i].later;
    }
    buf_puts(out, "</tbody>\n</table>\n");
    if (later > 0) {
        buf_puts(out, "<p class=\"note\">Not counted, being dated after the as-of "
                      "instant: ");
        for (uint32_t i = 0, first = 1; i < r->p->nquotas; i++) {
            if (r->quotas[i].later <= 0)
                continue;
            buf_puts(out, first ? "" : "; ");
            first = 0;
            put_count(out, r->quotas[i].later);
            buf_puts(out, r->quotas[i].later == 1 ? " record for " : " records for ");
            html_escape(out, r->quotas[i].q->text);
        }
        buf_puts(out, ".</p>\n");
    }
    buf_puts(out, "</section>\n");
}

/* ---- charts ------------------------------------------------------------------------ */

static void svg_open(html *h, double w, double hgt, const char *label, const char *name)
{
    buf *out = h->out;
    buf_printf(out, "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 %.0f %.0f\" "
                    "width=\"%.0f\" height=\"%.0f\" aria-label=\"", w, hgt, w, hgt);
    html_escape(out, label);
    if (name) {
        buf_puts(out, ": ");
        html_escape(out, name);
    }
    buf_puts(out, "\" xmlns=\"http://www.w3.org/2000/svg\"><title>");
    html_escape(out, label);
    if (name) {
        buf_puts(out, ": ");
        html_escape(out, name);
    }
    buf_puts(out, "</title>\n");
    h->charts++;
}

static void legend_item(buf *out, const char *cls, const char *text)
{
    buf_printf(out, "<span class=\"key\"><span class=\"sw %s\"></span>", cls);
    html_escape(out, text);
    buf_puts(out, "</span>");
}

/* (a) One bar per stage: how many reached it, with those still in it drawn
 * inside, and the conversion from the stage before. */
static void funnel_chart(html *h)
{
    const report *r = h->r;
    buf *out = h->out;
    uint32_t n = r->p->nstages;
    const double W = 1100, label = 150, bar_w = 560, row = 34, top = 8;
    double hgt = top * 2 + row * n;
    int64_t max = 1;
    for (uint32_t k = 0; k < n; k++)
        if (r->stages[k].reached > max)
            max = r->stages[k].reached;

    buf_puts(out, "<section><h2>Funnel</h2>\n<div class=\"legend\">");
    legend_item(out, "sw-reached", "reached the stage (or a later one)");
    legend_item(out, "sw-in", "in the stage now");
    buf_puts(out, "</div>\n");
    svg_open(h, W, hgt, "Funnel", NULL);
    for (uint32_t k = 0; k < n; k++) {
        const report_stage *s = &r->stages[k];
        double y = top + row * k;
        double wr = bar_w * (double)s->reached / (double)max;
        double wi = bar_w * (double)s->in / (double)max;
        buf_printf(out, "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
                   label - 10, y + row / 2 + 4);
        html_escape(out, s->name);
        buf_puts(out, "</text>\n");
        buf_printf(out, "<rect class=\"track\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                        "height=\"%.1f\" rx=\"3\"/>\n", label, y + 5, bar_w, row - 10);
        buf_printf(out, "<rect class=\"reached\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                        "height=\"%.1f\" rx=\"3\"/>\n", label, y + 5, wr, row - 10);
        buf_printf(out, "<rect class=\"in\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                        "height=\"%.1f\" rx=\"3\"/>\n", label, y + 5, wi, row - 10);
        buf_printf(out, "<text class=\"val\" x=\"%.1f\" y=\"%.1f\">", label + bar_w + 12,
                   y + row / 2 + 4);
        put_count(out, s->reached);
        buf_puts(out, " reached \xc2\xb7 ");
        put_count(out, s->in);
        buf_puts(out, " in");
        if (isfinite(s->conversion)) {
            buf_puts(out, " \xc2\xb7 ");
            put_percent(out, s->conversion);
            buf_puts(out, " from previous");
        }
        buf_puts(out, "</text>\n");
    }
    buf_puts(out, "</svg>\n</section>\n");
}

/* (b) Each quota's current period as a bullet chart: the actual as a bar in
 * its status's colour, the target as a solid line, the pace (where a count
 * or sum should be by now if it is to end on target) as a dashed line, the
 * projection to the period's end as a diamond. */
static void attainment_chart(html *h)
{
    const report *r = h->r;
    buf *out = h->out;
    uint32_t n = r->p->nquotas;
    const double W = 1100, left = 8, bar_w = 1084, row = 64, top = 6;
    double hgt = top * 2 + row * n;

    buf_puts(out, "<section><h2>Attainment this period</h2>\n<div class=\"legend\">");
    legend_item(out, "sw-met", "met");
    legend_item(out, "sw-on-track", "on track");
    legend_item(out, "sw-at-risk", "at risk");
    legend_item(out, "sw-missed", "missed");
    legend_item(out, "sw-no-data", "no data");
    legend_item(out, "sw-target", "target");
    legend_item(out, "sw-pace", "pace: where a count or sum should be by now");
    legend_item(out, "sw-proj", "projected to the end of the period");
    buf_puts(out, "</div>\n");
    svg_open(h, W, hgt, "Attainment against target", NULL);
    for (uint32_t i = 0; i < n; i++) {
        const report_quota *rq = &r->quotas[i];
        const report_period *pd = &rq->current;
        bool pct = is_rate(rq);
        double target = magnitude(&rq->target), actual = magnitude(&pd->actual);
        double proj = magnitude(&pd->projected);
        double pace = NAN;
        if (!pct && isfinite(target) && isfinite(pd->elapsed))
            pace = target * (pd->elapsed < 0 ? 0 : pd->elapsed > 1 ? 1 : pd->elapsed);
        double max = pct ? 100 : 0;
        const double vals[] = {target, actual, proj};
        for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++)
            if (isfinite(vals[k]) && vals[k] > max)
                max = vals[k];
        if (!(max > 0))
            max = 1;
        if (!pct)
            max *= 1.05;   /* room for the target line when it is the largest */
        double y = top + row * i, by = y + 26, bh = 18;
#define X(v) (left + bar_w * ((v) < 0 ? 0 : (v)) / max)
        report_status st = status_of(pd->status);

        buf_printf(out, "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\"><tspan class=\"team\">",
                   left, y + 16);
        html_escape(out, rq->q->team);
        buf_puts(out, "</tspan> ");
        html_escape(out, rq->q->text);
        buf_puts(out, " <tspan class=\"muted\">");
        html_escape(out, pd->label);
        buf_puts(out, "</tspan></text>\n");
        buf_printf(out, "<text class=\"val\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
                   left + bar_w, y + 16);
        put_value(out, &pd->actual, pct);
        buf_puts(out, " of ");
        put_value(out, &rq->target, pct);
        buf_puts(out, " (");
        put_percent(out, pd->attained);
        buf_puts(out, ") \xc2\xb7 ");
        html_escape(out, report_status_names[st]);
        buf_puts(out, "</text>\n");

        buf_printf(out, "<rect class=\"track\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                        "height=\"%.1f\" rx=\"3\"/>\n", left, by, bar_w, bh);
        if (isfinite(actual))
            buf_printf(out, "<rect class=\"bar %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                            "height=\"%.1f\" rx=\"3\"/>\n",
                       status_class[st], left, by, X(actual) - left, bh);
        if (isfinite(pace))
            buf_printf(out, "<line class=\"pace\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                            "y2=\"%.1f\"/>\n", X(pace), by - 5, X(pace), by + bh + 5);
        if (isfinite(target))
            buf_printf(out, "<line class=\"target\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                            "y2=\"%.1f\"/>\n", X(target), by - 6, X(target), by + bh + 6);
        if (isfinite(proj)) {
            double px = X(proj), py = by + bh / 2;
            buf_printf(out, "<path class=\"proj\" d=\"M%.1f %.1fl6 6-6 6-6-6z\"/>\n",
                       px, py - 6);
        }
#undef X
    }
    buf_puts(out, "</svg>\n</section>\n");
}

/* A period label under a trend bar, on two lines where it is long
 * ("week of" / "2026-10-26"). */
static void period_label(buf *out, const char *label, double x, double y)
{
    const char *sp = strrchr(label, ' ');
    buf_printf(out, "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
               x, y);
    if (sp && strlen(label) > 10) {
        buf_printf(out, "<tspan x=\"%.1f\">", x);
        esc_n(out, label, (size_t)(sp - label));
        buf_printf(out, "</tspan><tspan x=\"%.1f\" dy=\"13\">", x);
        html_escape(out, sp + 1);
        buf_puts(out, "</tspan>");
    } else {
        html_escape(out, label);
    }
    buf_puts(out, "</text>\n");
}

/* (c) One quota's last REPORT_TREND periods: a bar each, coloured by its
 * status, the current one (still open) pale with its projection outlined,
 * the target dashed across. */
static void trend_chart(html *h, const report_quota *rq)
{
    buf *out = h->out;
    bool pct = is_rate(rq);
    const double W = 560, H = 230, left = 12, right = 12, top = 24, bottom = 34;
    double pw = W - left - right, ph = H - top - bottom, slot = pw / REPORT_TREND;
    double target = magnitude(&rq->target);
    double max = pct ? 100 : 0;
    for (int k = 0; k < REPORT_TREND; k++) {
        double a = magnitude(&rq->trend[k].actual), p = magnitude(&rq->trend[k].projected);
        if (isfinite(a) && a > max)
            max = a;
        if (!rq->trend[k].complete && isfinite(p) && p > max)
            max = p;
    }
    if (isfinite(target) && target > max)
        max = target;
    if (!(max > 0))
        max = 1;
    if (!pct)
        max *= 1.1;   /* room for the value above the tallest bar */
#define Y(v) (top + ph - ph * ((v) < 0 ? 0 : (v)) / max)

    buf_puts(out, "<figure class=\"trend\">\n<figcaption><strong>");
    html_escape(out, rq->q->team);
    buf_puts(out, "</strong> ");
    html_escape(out, rq->q->text);
    buf_puts(out, " <span class=\"muted\">target ");
    put_value(out, &rq->target, pct);
    buf_puts(out, "</span></figcaption>\n");
    svg_open(h, W, H, "Trend", rq->q->text);
    buf_printf(out, "<line class=\"axisline\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                    "y2=\"%.1f\"/>\n", left, top + ph, left + pw, top + ph);
    for (int k = 0; k < REPORT_TREND; k++) {
        const report_period *pd = &rq->trend[k];
        double cx = left + slot * k + slot / 2, bw = slot * 0.62;
        double a = magnitude(&pd->actual), p = magnitude(&pd->projected);
        report_status st = status_of(pd->status);
        if (!pd->complete && isfinite(p))
            buf_printf(out, "<rect class=\"projbar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                            "height=\"%.1f\"/>\n", cx - bw / 2, Y(p), bw, top + ph - Y(p));
        if (isfinite(a))
            buf_printf(out, "<rect class=\"bar %s%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                            "height=\"%.1f\"/>\n", status_class[st],
                       pd->complete ? "" : " open", cx - bw / 2, Y(a), bw, top + ph - Y(a));
        buf_printf(out, "<text class=\"val small\" x=\"%.1f\" y=\"%.1f\" "
                        "text-anchor=\"middle\">", cx, (isfinite(a) ? Y(a) : top + ph) - 5);
        put_value(out, &pd->actual, pct);
        buf_puts(out, "</text>\n");
        period_label(out, pd->label, cx, top + ph + 15);
    }
    if (isfinite(target)) {
        buf_printf(out, "<line class=\"target dashed\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                        "y2=\"%.1f\"/>\n", left, Y(target), left + pw, Y(target));
    }
#undef Y
    buf_puts(out, "</svg>\n</figure>\n");
}

static void trends(html *h)
{
    const report *r = h->r;
    buf *out = h->out;
    buf_puts(out, "<section><h2>Trend</h2>\n<div class=\"legend\">");
    legend_item(out, "sw-met", "met");
    legend_item(out, "sw-on-track", "on track");
    legend_item(out, "sw-at-risk", "at risk");
    legend_item(out, "sw-missed", "missed");
    legend_item(out, "sw-open", "pale: the current period so far");
    legend_item(out, "sw-projbar", "projected to its end");
    legend_item(out, "sw-target-dashed", "target");
    buf_puts(out, "</div>\n<div class=\"grid\">\n");
    for (uint32_t i = 0; i < r->p->nquotas; i++)
        trend_chart(h, &r->quotas[i]);
    buf_puts(out, "</div>\n</section>\n");
}

/* ---- check-ins, hand-offs, cadences, recycling, breaches --------------------------- */

static void checkins(html *h)
{
    const report *r = h->r;
    buf *out = h->out;
    buf_puts(out, "<section><h2>Check-ins</h2>\n");
    for (uint32_t k = 0; k < r->p->ncheckins; k++) {
        const report_checkin *c = &r->checkins[k];
        buf_puts(out, "<h3>");
        html_escape(out, c->c->name);
        buf_puts(out, " <span class=\"muted\">last ");
        put_date(out, r, c->last);
        buf_puts(out, ", next ");
        put_date(out, r, c->next);
        buf_puts(out, "</span></h3>\n");
        if (r->p->nquotas == 0 || !c->quotas)
            continue;
        buf_puts(out, "<table>\n");
        quota_head(out);
        buf_puts(out, "<tbody>\n");
        for (uint32_t i = 0; i < r->p->nquotas; i++)
            quota_row(out, &r->quotas[i], &c->quotas[i]);
        buf_puts(out, "</tbody>\n</table>\n");
    }
    buf_puts(out, "</section>\n");
}

static void handoff_row(buf *out, const char *name, int64_t met, int64_t breached,
                        int64_t pending, double rate, bool total)
{
    buf_puts(out, total ? "<tr class=\"total\"><td>" : "<tr><td>");
    html_escape(out, name);
    buf_puts(out, "</td><td class=\"n\">");
    put_count(out, met);
    buf_puts(out, "</td><td class=\"n\">");
    put_count(out, breached);
    buf_puts(out, "</td><td class=\"n\">");
    put_count(out, pending);
    buf_puts(out, "</td><td class=\"n\">");
    put_percent(out, rate);
    buf_puts(out, "</td></tr>\n");
}

static void handoffs(html *h)
{
    const report *r = h->r;
    buf *out = h->out;
    buf_puts(out, "<section><h2>Hand-off compliance</h2>\n<table class=\"narrow\">\n<thead><tr>"
                  "<th>Class</th><th class=\"n\">Met</th><th class=\"n\">Breached</th>"
                  "<th class=\"n\">Pending</th><th class=\"n\">Met rate</th></tr></thead>\n"
                  "<tbody>\n");
    for (uint32_t k = 0; k < r->nhandoff; k++) {
        const report_handoff_class *c = &r->handoff[k];
        /* the "(none)" row only matters when some record had no class */
        if (k + 1 == r->nhandoff && r->nhandoff > 1 && c->met + c->breached + c->pending == 0)
            continue;
        handoff_row(out, c->name, c->met, c->breached, c->pending, c->met_rate, false);
    }
    const int64_t *t = r->handoff_total;
    double rate = t[0] + t[1] > 0 ? 100.0 * (double)t[0] / (double)(t[0] + t[1]) : NAN;
    buf_puts(out, "</tbody>\n<tfoot>\n");
    handoff_row(out, "all", t[0], t[1], t[2], rate, true);
    buf_puts(out, "</tfoot>\n</table>\n</section>\n");
}

static void cadences(html *h)
{
    const report *r = h->r;
    buf *out = h->out;
    buf_puts(out, "<section><h2>Cadences</h2>\n<table class=\"narrow\">\n<thead><tr>"
                  "<th>Status</th><th class=\"n\">Leads</th></tr></thead>\n<tbody>\n");
    for (int k = 0; k < CS__COUNT; k++) {
        buf_puts(out, "<tr><td>");
        html_escape(out, fmt_cadence_names[k]);
        buf_puts(out, "</td><td class=\"n\">");
        put_count(out, r->cadence[k]);
        buf_puts(out, "</td></tr>\n");
    }
    buf_puts(out, "</tbody>\n</table>\n</section>\n");
}

static void recycling(html *h)
{
    const report *r = h->r;
    buf *out = h->out;
    buf_puts(out, "<section><h2>Recycled</h2>\n<table class=\"narrow\">\n<thead><tr>"
                  "<th>Reason</th><th class=\"n\">Leads</th></tr></thead>\n<tbody>\n");
    for (uint32_t k = 0; k < r->nreasons; k++) {
        buf_puts(out, "<tr><td>");
        html_escape(out, r->reasons[k].reason);
        buf_puts(out, "</td><td class=\"n\">");
        put_count(out, r->reasons[k].count);
        buf_puts(out, "</td></tr>\n");
    }
    buf_puts(out, "</tbody>\n<tfoot><tr class=\"total\"><td>all</td><td class=\"n\">");
    put_count(out, r->recycled);
    buf_puts(out, "</td></tr></tfoot>\n</table>\n</section>\n");
}

static void breaches(html *h)
{
    const report *r = h->r;
    buf *out = h->out;
    buf_puts(out, "<section><h2>Worst breaches</h2>\n<table class=\"narrow\">\n<thead><tr>"
                  "<th>Record</th><th class=\"n\">Line</th><th>Class</th><th>Due</th>"
                  "<th class=\"n\">Overdue</th><th>Answer</th></tr></thead>\n<tbody>\n");
    for (uint32_t k = 0; k < r->nbreaches && k < REPORT_BREACHES; k++) {
        const report_breach *b = &r->breaches[k];
        buf_puts(out, "<tr><td>");
        html_escape(out, b->id);
        buf_printf(out, "</td><td class=\"n\">%lld</td><td>", (long long)b->line);
        if (b->klass)
            html_escape(out, b->klass);
        else
            buf_puts(out, "\xe2\x80\x93");
        buf_puts(out, "</td><td>");
        put_time(out, r, b->due);
        buf_puts(out, "</td><td class=\"n\">");
        put_duration(out, b->overdue);
        buf_puts(out, b->answered ? "</td><td>answered late</td></tr>\n"
                                  : "</td><td><span class=\"badge missed\">still open</span>"
                                    "</td></tr>\n");
    }
    buf_puts(out, "</tbody>\n</table>\n</section>\n");
}

/* ---- the page ---------------------------------------------------------------------- */

/* Status colours: green met, teal on track, amber at risk, red missed, grey
 * no data; badges use a pale tint of the same hue so text stays legible. */
static const char style[] =
    ":root{--met:#1a7f37;--on-track:#0d8a7f;--at-risk:#c77700;--missed:#cf222e;"
    "--no-data:#8c959f;--ink:#1f2328;--muted:#656d76;--line:#d0d7de;--track:#eef1f4;"
    "--reached:#9cc3f5;--in:#2f6fd0}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;padding:32px 40px;font:14px/1.45 system-ui,-apple-system,\"Segoe UI\","
    "Roboto,\"Helvetica Neue\",Arial,\"Noto Sans\",sans-serif;color:var(--ink);"
    "background:#f6f8fa}\n"
    "main{max-width:1180px;margin:0 auto;background:#fff;border:1px solid var(--line);"
    "border-radius:8px;padding:28px 32px}\n"
    "header h1{font-size:22px;margin:0 0 12px}\n"
    "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}\n"
    "dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;font-variant-numeric:tabular-nums}\n"
    "section{margin-top:28px}\n"
    "h2{font-size:17px;margin:0 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line)}\n"
    "h3{font-size:14px;margin:18px 0 6px}\n"
    "table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}\n"
    "table.narrow{width:auto;min-width:360px}table.narrow td.n,table.narrow th.n{padding-left:28px}\n"
    "th,td{padding:5px 10px;border-bottom:1px solid var(--line);text-align:left;"
    "vertical-align:top}\n"
    "th{font-weight:600;color:var(--muted);font-size:12px;background:#f6f8fa}\n"
    "td.n,th.n{text-align:right;white-space:nowrap}td.nw{white-space:nowrap}\n"
    "tr.total td{font-weight:600;border-top:2px solid var(--line)}\n"
    ".muted{color:var(--muted);font-weight:400}\n"
    ".note{color:var(--muted);font-size:12px}\n"
    ".badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;"
    "font-weight:600;white-space:nowrap}\n"
    ".badge.met{background:#dafbe1;color:var(--met)}\n"
    ".badge.on-track{background:#d5f5f0;color:#0a6b63}\n"
    ".badge.at-risk{background:#fff1d6;color:#9a5b00}\n"
    ".badge.missed{background:#ffe3e3;color:#b3151f}\n"
    ".badge.no-data{background:#eaeef2;color:var(--muted)}\n"
    ".legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;color:var(--muted);"
    "margin:0 0 8px}\n"
    ".key{display:inline-flex;align-items:center;gap:6px}\n"
    ".sw{display:inline-block;width:14px;height:10px;border-radius:2px}\n"
    ".sw-met{background:var(--met)}.sw-on-track{background:var(--on-track)}"
    ".sw-at-risk{background:var(--at-risk)}.sw-missed{background:var(--missed)}"
    ".sw-no-data{background:var(--no-data)}"
    ".sw-reached{background:var(--reached)}.sw-in{background:var(--in)}"
    ".sw-open{background:var(--on-track);opacity:.5}\n"
    ".sw-target{width:3px;height:14px;background:var(--ink)}\n"
    ".sw-pace{width:0;height:14px;border-left:2px dashed var(--ink)}\n"
    ".sw-proj{width:9px;height:9px;background:#fff;border:2px solid var(--ink);"
    "transform:rotate(45deg)}\n"
    ".sw-projbar{background:#fff;border:1.5px dashed var(--muted)}\n"
    ".sw-target-dashed{width:18px;height:0;border-top:2px dashed var(--ink)}\n"
    "svg.chart{display:block;max-width:100%;height:auto}\n"
    "svg text{font-family:inherit;font-size:12px;fill:var(--ink)}\n"
    "svg .lbl{font-size:13px}svg .team{font-weight:600}svg .muted{fill:var(--muted)}\n"
    "svg .val{font-variant-numeric:tabular-nums;paint-order:stroke;stroke:#fff;stroke-width:3px;"
    "stroke-linejoin:round}\n"
    "svg .axis{font-size:11px;fill:var(--muted)}svg .small{font-size:11px}\n"
    "svg .axisline{stroke:var(--line)}\n"
    "svg .track{fill:var(--track)}svg .reached{fill:var(--reached)}svg .in{fill:var(--in)}\n"
    "svg .bar.met{fill:var(--met)}svg .bar.on-track{fill:var(--on-track)}"
    "svg .bar.at-risk{fill:var(--at-risk)}svg .bar.missed{fill:var(--missed)}"
    "svg .bar.no-data{fill:var(--no-data)}svg .bar.open{opacity:.55}\n"
    "svg .target{stroke:var(--ink);stroke-width:3}\n"
    "svg .target.dashed{stroke-width:1.5;stroke-dasharray:6 4}\n"
    "svg .pace{stroke:var(--ink);stroke-width:2;stroke-dasharray:3 3}\n"
    "svg .proj{fill:#fff;stroke:var(--ink);stroke-width:2}\n"
    "svg .projbar{fill:none;stroke:var(--muted);stroke-width:1.5;stroke-dasharray:4 3}\n"
    ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(500px,1fr));"
    "gap:16px}\n"
    "figure.trend{margin:0;border:1px solid var(--line);border-radius:6px;padding:10px}\n"
    "figure.trend svg.chart{width:100%}\n"
    "figcaption{font-size:13px;margin-bottom:4px}\n"
    "footer{margin-top:28px;font-size:12px;color:var(--muted)}\n"
    "@media print{body{background:#fff;padding:0}main{border:0}}\n";

void report_html(const report *r, buf *out)
{
    html h = {.r = r, .out = out, .charts = 0};
    const sla_program *p = r->p;

    buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<title>");
    html_escape(out, p->name);
    buf_puts(out, " \xe2\x80\x94 SLA report</title>\n<style>\n");
    buf_puts(out, style);
    buf_puts(out, "</style>\n</head>\n<body>\n<main>\n<header>\n<h1>");
    html_escape(out, p->name);
    buf_puts(out, "</h1>\n<dl class=\"meta\">\n<dt>As of</dt><dd>");
    put_time(out, r, r->as_of);
    buf_puts(out, "</dd>\n<dt>Time zone</dt><dd>");
    html_escape(out, p->zone);
    buf_puts(out, "</dd>\n<dt>Input</dt><dd>");
    html_escape(out, r->input ? r->input : "-");
    buf_puts(out, "</dd>\n<dt>Rows</dt><dd>");
    put_count(out, r->read);
    buf_puts(out, " read, ");
    put_count(out, r->scored);
    buf_puts(out, " scored, ");
    put_count(out, r->rejected);
    buf_puts(out, " rejected</dd>\n</dl>\n</header>\n");

    if (p->nquotas > 0)
        quota_table(&h);
    if (r->has_stages && p->nstages > 0)
        funnel_chart(&h);
    if (p->nquotas > 0) {
        attainment_chart(&h);
        trends(&h);
    }
    if (p->ncheckins > 0)
        checkins(&h);
    if (r->has_handoff)
        handoffs(&h);
    if (r->has_cadence)
        cadences(&h);
    if (r->has_recycle)
        recycling(&h);
    if (r->nbreaches > 0)
        breaches(&h);

    /* data-charts lets tests/tools/check_html.sh check that every chart
     * written is in the page the browser built */
    buf_printf(out, "<footer data-charts=\"%d\">Generated by sla report from the policy "
                    "&ldquo;", h.charts);
    html_escape(out, p->name);
    buf_puts(out, "&rdquo;.</footer>\n</main>\n</body>\n</html>\n");
}
