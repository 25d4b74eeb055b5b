#!/usr/bin/env python3
"""Checks a `sla report --format json` document.

Usage: check_report_json.py REPORT.json ROWS_IN

- it follows tests/schema/report.schema.json;
- rows read = rows scored + rows rejected = ROWS_IN (counted apart, by the
  test's own CSV reader);
- the figures agree with each other: a funnel's reached counts are the
  sums of the later stages' records, a rate is hits / records, a
  period's status follows from its actual, target and cut-off, hand-off
  totals are the sums over classes.
"""
import sys

import json_doc

doc, problems = json_doc.load("report.schema.json")
inp = doc["input"]

funnel = doc["funnel"]
if funnel:
    if sum(s["records"] for s in funnel) != inp["rows_scored"]:
        problems.append("the funnel's records do not add up to the rows scored")
    for k, s in enumerate(funnel):
        if s["reached"] != sum(x["records"] for x in funnel[k:]):
            problems.append("stage %s: reached is not the sum of it and the later stages" % s["stage"])
        if k and funnel[k - 1]["reached"]:
            want = 100.0 * s["reached"] / funnel[k - 1]["reached"]
            if abs(s["conversion"] - want) > 1e-4:
                problems.append("stage %s: conversion %s, want %s" % (s["stage"], s["conversion"], want))


def check_period(where, q, p):
    kind, target = q["kind"], q["target"]
    if kind == "rate":
        if p["records"] == 0:
            if p["actual"] is not None or p["status"] != "no data":
                problems.append("%s: a rate over no records must be null, no data" % where)
            return
        want = 100.0 * p["hits"] / p["records"]
        if abs(p["actual"] - want) > 1e-4:
            problems.append("%s: rate %s, want %s" % (where, p["actual"], want))
        ok = p["actual"] >= target
        want_status = ("met" if ok else "missed") if p["complete"] else ("on track" if ok else "at risk")
    else:
        if kind == "count" and p["actual"] != p["records"]:
            problems.append("%s: a count must equal its records" % where)
        a = p["actual"]
        if p["complete"]:
            want_status = "met" if a >= target else "missed"
        elif a >= target:
            want_status = "met"
        elif p["elapsed"] == 0:
            want_status = "on track"
        else:
            want_status = "on track" if a / p["elapsed"] >= target * (1 - 1e-9) else "at risk"
    if p["status"] != want_status:
        problems.append("%s: status %s, want %s" % (where, p["status"], want_status))


for q in doc["quotas"]:
    check_period("%s (current)" % q["quota"], q, q["current"])
    if q["trend"][-1] != q["current"]:
        problems.append("%s: the trend's last period is not the current one" % q["quota"])
    for k, p in enumerate(q["trend"][:-1]):
        if not p["complete"]:
            problems.append("%s: trend period %s is not complete" % (q["quota"], p["label"]))
        check_period("%s (%s)" % (q["quota"], p["label"]), q, p)
for c in doc["checkins"]:
    if len(c["quotas"]) != len(doc["quotas"]):
        problems.append("check-in %s: one period per quota" % c["name"])
    for q, p in zip(doc["quotas"], c["quotas"]):
        check_period("check-in %s, %s" % (c["name"], q["quota"]), q, p)
        if not c["last"] <= doc["as_of"][:10] < c["next"]:
            problems.append("check-in %s: as-of not between last and next" % c["name"])

h = doc["handoffs"]
if h is not None:
    for k in ("met", "breached", "pending"):
        if h[k] != sum(x[k] for x in h["by_class"]):
            problems.append("hand-offs: %s is not the sum over classes" % k)
    over = [b["overdue_seconds"] for b in h["worst_breaches"]]
    if over != sorted(over, reverse=True):
        problems.append("worst breaches are not longest first")
    if len(h["worst_breaches"]) != min(10, h["breached"]):
        problems.append("worst breaches: %d listed, %d breached" % (len(h["worst_breaches"]), h["breached"]))
r = doc["recycled"]
if r is not None and r["total"] != sum(x["records"] for x in r["by_reason"]):
    problems.append("recycled: the total is not the sum over reasons")

if problems:
    sys.exit("\n".join(problems))
