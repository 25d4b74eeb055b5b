#!/usr/bin/env python3
"""An independent check of `sla report` on the bundled examples.

Usage: report_oracle.py SLA_BINARY

For each example, the quotas are restated here by hand, as the policy's
text defines them: the time that puts a record in a period, which records
count, and which of those are hits (or the value a sum adds). Each is an
expression of the policy's own language, so `sla score` evaluates it for
every record (through an `output` block this script writes into a copy of
the policy); everything after that is done here, apart from sla's report:
periods on the policy's local calendar (Python's zoneinfo), the current
period up to the as-of instant, pace and projection, the statuses, what
each check-in saw, the funnel, hand-off compliance by class, cadences,
recycling and the worst breaches. The result must equal what
`sla report --format json` says, figure for figure.
"""
import calendar
import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from zoneinfo import ZoneInfo

SLA = sys.argv[1]
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
os.chdir(ROOT)

HANDOFF_DECIDED = "(handoff is met or handoff is breached)"

# quota text -> (kind, time, counts, hits or value)
EXAMPLES = {
    "inbound-b2b": {
        "csv": "examples/inbound-b2b.csv",
        "as_of": ["2026-11-01T09:00:00", "2026-11-15T09:00:00", "2026-10-20T12:00:00"],
        "quotas": {
            "400 mql per month": ("count", "became_mql", "mql", None),
            "120 sql per month": ("count", "became_sql", "sql", None),
            "30% mql to sql per quarter": ("rate", "became_mql", "mql", "sql"),
            "95% handoff met per month": ("rate", "became_mql", HANDOFF_DECIDED, "handoff is met"),
            "90% cadence complete per month": ("rate", "became_mql", "cadence is set",
                                               "cadence is complete"),
            "$250,000 sum deal_amount when deal_won at close_date per quarter":
                ("sum", "close_date", "deal_won and deal_amount is set", "deal_amount"),
        },
    },
    "enterprise-hubspot": {
        "csv": "examples/enterprise-hubspot.csv",
        "as_of": ["2026-11-02T08:00:00", "2026-11-15T09:00:00"],
        # two hand-offs: mql to sdr until sql, then sql to ae
        "stop": "if sql then became_opportunity else owner_assigned",
        "quotas": {
            "600 mql per month": ("count", "became_mql", "mql", None),
            "35% mql to sql per quarter": ("rate", "became_mql", "mql", "sql"),
            # the mql hand-off applies until sql: to records in stage mql
            "95% handoff mql met per month": ("rate", "became_mql",
                                              "stage is mql and " + HANDOFF_DECIDED,
                                              "stage is mql and handoff is met"),
            "85% cadence on track per month": ("rate", "became_mql", "cadence is set",
                                               "cadence is on track"),
            "150 sql per month": ("count", "became_sql", "sql", None),
            "90% handoff sql met per month": ("rate", "became_sql",
                                              "sql and " + HANDOFF_DECIDED,
                                              "sql and handoff is met"),
            "40 opportunity per month": ("count", "became_opportunity", "opportunity", None),
            "$1,500,000 sum deal_amount when customer at deal_close per quarter":
                ("sum", "deal_close", "customer and deal_amount is set", "deal_amount"),
        },
    },
    "startup": {
        "csv": "examples/startup.csv",
        "as_of": ["2026-11-01T09:00:00", "2026-11-13T10:00:00"],
        "quotas": {
            "30 trial per month": ("count", "trial_started", "trial", None),
            "4 customer per month": ("count", "first_payment", "customer", None),
        },
    },
    "salesforce-report": {
        "csv": "../shared/data/salesforce-powerbi-demo/Lead.csv",
        "as_of": ["2026-02-24T12:00:00", "2026-03-02T09:00:00"],
        "quotas": {
            "40 mql at last_modified per month": ("count", "last_modified", "mql", None),
            "95% handoff met per month": ("rate", "handoff_start", HANDOFF_DECIDED,
                                          "handoff is met"),
            "10 converted per month": ("count", "converted_on", "converted", None),
        },
    },
    "salesforce-datacloud": {
        "csv": "../shared/data/salesforce-datacloud-workshop/Lead.csv",
        "as_of": ["2024-01-24T00:00:00Z"],
        "rejects": True,
        "quotas": {
            "95% handoff met per month": ("rate", "handoff_start", HANDOFF_DECIDED,
                                          "handoff is met"),
            "25% new to qualified at created per quarter": ("rate", "created", "new",
                                                            "qualified"),
        },
    },
}

problems = []
checks = 0


def check(what, got, want, tol=1e-6):
    global checks
    checks += 1
    if isinstance(want, float) or isinstance(got, float):
        ok = got is not None and want is not None and abs(got - want) <= tol * max(1, abs(want))
    else:
        ok = got == want
    if not ok:
        problems.append("%s: sla says %r, the oracle %r" % (what, got, want))


def handoff_start(policy_text):
    return re.search(r"^\s*clock starts at (\w+)", policy_text, re.M).group(1)


def period_of(kind, day):
    """[first, end) dates and label of the period holding date day."""
    if kind == "week":
        first = day - dt.timedelta(days=day.weekday())
        return first, first + dt.timedelta(days=7), "week of %s" % first.isoformat()
    if kind == "month":
        first = day.replace(day=1)
        end = (first + dt.timedelta(days=32)).replace(day=1)
        return first, end, "%04d-%02d" % (day.year, day.month)
    if kind == "quarter":
        q = (day.month - 1) // 3
        first = dt.date(day.year, 3 * q + 1, 1)
        end = dt.date(day.year + 1, 1, 1) if q == 3 else dt.date(day.year, 3 * q + 4, 1)
        return first, end, "%04d-Q%d" % (day.year, q + 1)
    first = dt.date(day.year, 1, 1)
    return first, dt.date(day.year + 1, 1, 1), "%04d" % day.year


def midnight(zone, day):
    return dt.datetime(day.year, day.month, day.day, tzinfo=zone).timestamp()


def status_of(kind, actual, target, complete, elapsed):
    if kind == "rate":
        if actual is None:
            return "no data"
        if complete:
            return "met" if actual >= target else "missed"
        return "on track" if actual >= target else "at risk"
    if complete:
        return "met" if actual >= target else "missed"
    if actual >= target:
        return "met"
    if elapsed <= 0:
        return "on track"
    return "on track" if actual / elapsed >= target else "at risk"


def measure(zone, q, records, first, end, cut_day, cutoff):
    start, stop = midnight(zone, first), midnight(zone, end)
    cutoff = min(cutoff, stop)
    recs = [r for r in records if first <= r["day"] < end and r["day"] < cut_day]
    den = len(recs)
    hits = sum(1 for r in recs if r["hit"])
    if q["kind"] == "rate":
        actual = 100.0 * hits / den if den else None
    elif q["kind"] == "count":
        actual = den
    else:
        actual = sum(r["value"] for r in recs)
    elapsed = max(0.0, (cutoff - start) / (stop - start))
    complete = cutoff >= stop
    return {"records": den, "hits": hits if q["kind"] == "rate" else 0, "actual": actual,
            "complete": complete, "elapsed": elapsed,
            "status": status_of(q["kind"], actual, q["target"], complete, elapsed)}


def compare_period(what, got, want):
    check(what + " label", got["label"], want["label"])
    for k in ("records", "hits", "complete", "status"):
        check("%s %s" % (what, k), got[k], want[k])
    check(what + " elapsed", got["elapsed"], want["elapsed"], 1e-5)
    if want["actual"] is None:
        check(what + " actual", got["actual"], None)
    else:
        check(what + " actual", got["actual"], float(want["actual"]), 1e-5)


def parse_time(s):
    return dt.datetime.fromisoformat(s).timestamp() if s else None


def run(argv):
    p = subprocess.run(argv, capture_output=True, text=True)
    if p.returncode:
        sys.exit("%s: exit %d\n%s" % (" ".join(argv), p.returncode, p.stderr))
    return p.stdout


def run_example(name, spec):
    path = "examples/%s.sla" % name
    text = open(path).read()
    zone_name = re.search(r'^timezone "([^"]+)"', text, re.M).group(1)
    zone = ZoneInfo(zone_name)
    exprs = {}
    for k, (qtext, (kind, at, counts, hits)) in enumerate(spec["quotas"].items()):
        if at == "handoff_start":
            at = handoff_start(text)
        exprs["q%d_at" % k] = at
        exprs["q%d_den" % k] = "if %s then 1 else 0" % counts
        if kind == "sum":
            exprs["q%d_val" % k] = hits
        elif kind == "rate":
            exprs["q%d_hit" % k] = "if %s then 1 else 0" % hits
    has = {part: re.search(r"^%s\b" % part, text, re.M) is not None
           for part in ("stages", "classes", "handoff", "cadence", "recycle")}
    cols = ["id_ = %s" % re.search(r"^record \w+ \{\s*(\w+)", text, re.M).group(1)]
    cols += ["%s = %s" % (k, v) for k, v in exprs.items()]
    if has["stages"]:
        cols.append("stage_ = stage")
    if has["classes"]:
        cols.append("class_ = class")
    if has["handoff"]:
        cols += ["handoff_ = handoff", "due_ = handoff_due",
                 "stop_ = %s" % (spec.get("stop") or re.search(
                     r"^\s*clock starts at \w+, stops at (\w+)", text, re.M).group(1))]
    if has["cadence"]:
        cols.append("cadence_ = cadence")
    if has["recycle"]:
        cols += ["recycled_ = recycled", "reason_ = recycle_reason"]
    block = "output {\n  " + "\n  ".join(cols) + "\n}\n"
    text2 = re.sub(r"^output \{.*?^\}\n", "", text, flags=re.M | re.S) + "\n" + block
    stages = re.search(r"^stages \{(.*?)^\}", text, re.M | re.S).group(1)
    stage_names = [re.match(r"\s*(\w+)", l).group(1) for l in stages.split("\n")
                   if re.match(r"\s*\w+", l)]
    classes = []
    m = re.search(r"^classes \{(.*?)\}", text, re.M | re.S)
    if m:
        classes = re.findall(r"(?:^|[;{\n])\s*(\w+)\s+(?:when|otherwise)", m.group(1))

    with tempfile.TemporaryDirectory() as tmp:
        pol = os.path.join(tmp, name + ".sla")
        open(pol, "w").write(text2)
        for as_of in spec["as_of"]:
            extra = ["--rejects", os.path.join(tmp, "rejects.csv")] if spec.get("rejects") else []
            rows = [json.loads(l) for l in run(
                [SLA, "score", pol, spec["csv"], "--as-of", as_of, "--format", "jsonl", "-q"]
                + extra).splitlines()]
            rep = json.loads(run(
                [SLA, "report", path, spec["csv"], "--as-of", as_of, "--format", "json", "-q"]
                + extra))
            oracle(name, spec, zone, rows, rep, stage_names, classes, has)


def oracle(name, spec, zone, rows, rep, stage_names, classes, has):
    where = "%s as of %s" % (name, rep["as_of"])
    as_of = parse_time(rep["as_of"])
    today = dt.datetime.fromtimestamp(as_of, zone).date()
    check(where + ": rows scored", rep["input"]["rows_scored"], len(rows))
    for k, (qtext, (kind, _, _, _)) in enumerate(spec["quotas"].items()):
        got = rep["quotas"][k]
        check(where + ": quota text", got["quota"], qtext)
        q = {"kind": kind, "target": got["target"], "period": got["period"]}
        recs, later = [], 0
        for r in rows:
            t = parse_time(r["q%d_at" % k])
            if not r["q%d_den" % k] or t is None:
                continue
            if kind == "sum" and r["q%d_val" % k] is None:
                continue
            if t > as_of:
                later += 1
                continue
            recs.append({"day": dt.datetime.fromtimestamp(t, zone).date(),
                         "hit": bool(r.get("q%d_hit" % k)),
                         "value": float(r.get("q%d_val" % k) or 0)})
        check("%s: %s later" % (where, qtext), got["later"], later)
        first, end, label = period_of(q["period"], today)
        trend = []
        for s in range(6):
            if s == 0:
                p = measure(zone, q, recs, first, end, today + dt.timedelta(days=1), as_of)
            else:
                p = measure(zone, q, recs, first, end, end, midnight(zone, end))
            p["label"] = label
            trend.insert(0, p)
            first, end, label = period_of(q["period"], first - dt.timedelta(days=1))
        compare_period("%s: %s current" % (where, qtext), got["current"], trend[-1])
        for s in range(6):
            compare_period("%s: %s trend %d" % (where, qtext, s), got["trend"][s], trend[s])
        for c in rep["checkins"]:
            day = c["day"] if "day" in c else None
            if day is None:
                wd = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                      "sunday"].index(c["weekday"])
                last = today - dt.timedelta(days=(today.weekday() - wd) % 7)
                nxt = today + dt.timedelta(days=1 + (wd - (today + dt.timedelta(days=1)).weekday()) % 7)
            else:
                def on(y, m):
                    return dt.date(y, m, min(day, calendar.monthrange(y, m)[1]))
                last = on(today.year, today.month)
                if last > today:
                    pm = today.replace(day=1) - dt.timedelta(days=1)
                    last = on(pm.year, pm.month)
                nxt = on(today.year, today.month)
                if nxt <= today:
                    nm = (today.replace(day=1) + dt.timedelta(days=32))
                    nxt = on(nm.year, nm.month)
            check("%s: check-in %s last" % (where, c["name"]), c["last"], last.isoformat())
            check("%s: check-in %s next" % (where, c["name"]), c["next"], nxt.isoformat())
            f, e, lab = period_of(q["period"], last - dt.timedelta(days=1))
            p = measure(zone, q, recs, f, e, last, midnight(zone, last))
            p["label"] = lab
            compare_period("%s: check-in %s, %s" % (where, c["name"], qtext), c["quotas"][k], p)

    if has["stages"]:
        counts = [sum(1 for r in rows if r["stage_"] == s) for s in stage_names]
        for i, s in enumerate(stage_names):
            f = rep["funnel"][i]
            check("%s: funnel %s" % (where, s), (f["stage"], f["records"], f["reached"]),
                  (s, counts[i], sum(counts[i:])))
    if has["handoff"]:
        by = {}
        for r in rows:
            st = r["handoff_"]
            if st is None:
                continue
            c = r.get("class_") or "(none)"
            by.setdefault(c, {"met": 0, "breached": 0, "pending": 0})[st] += 1
        want = [(c, by[c]["met"], by[c]["breached"], by[c]["pending"])
                for c in classes + ["(none)"] if c in by]
        got = [(x["class"], x["met"], x["breached"], x["pending"]) for x in rep["handoffs"]["by_class"]
               if x["met"] + x["breached"] + x["pending"]]
        check(where + ": hand-offs by class", got, want)
        breaches = []
        for line, r in enumerate(rows):
            if r["handoff_"] == "breached":
                end = parse_time(r["stop_"]) if r["stop_"] else as_of
                breaches.append((-(end - parse_time(r["due_"])), line, str(r["id_"])))
        breaches.sort()
        check(where + ": worst breaches",
              [(b["id"], b["overdue_seconds"]) for b in rep["handoffs"]["worst_breaches"]],
              [(i, int(-o)) for o, _, i in breaches[:10]])
    if has["cadence"]:
        for s in ("on track", "behind", "complete", "overdue"):
            check("%s: cadence %s" % (where, s), rep["cadences"][s],
                  sum(1 for r in rows if r["cadence_"] == s))
    if has["recycle"]:
        reasons = {}
        for r in rows:
            if r["recycled_"]:
                reasons[r["reason_"] or ""] = reasons.get(r["reason_"] or "", 0) + 1
        check(where + ": recycled", sorted((x["reason"], x["records"])
                                           for x in rep["recycled"]["by_reason"]),
              sorted(reasons.items()))


for name, spec in EXAMPLES.items():
    run_example(name, spec)
if problems:
    print("\n".join(problems[:40]))
print("report oracle: %d passed, %d failed" % (checks - len(problems), len(problems)))
sys.exit(1 if problems else 0)
