#!/usr/bin/env python3
"""Checks a `sla diff --format json` document.

Usage: check_diff_json.py DIFF.json ROWS_IN

- it follows tests/schema/diff.schema.json;
- rows read = rows scored + rows rejected = ROWS_IN (counted apart, by the
  test's own CSV reader);
- the figures agree with each other: each matrix adds up to the rows
  scored, its totals are its row and column sums, the records that moved
  stage (class) are the matrix's off-diagonal cells, hand-off counts add
  up to the rows scored under either policy and the change is new - old,
  and the sample holds the first min(20, moved) records in input order.
"""
import sys

import json_doc

doc, problems = json_doc.load("diff.schema.json")
inp = doc["input"]

for axis, moved in (("stages", "stage"), ("classes", "class")):
    a = doc[axis]
    n = len(a["names"])
    m = a["matrix"]
    if any(len(x) != n for x in [a["in_old"], a["in_new"], a["old_totals"], a["new_totals"], m]) \
            or any(len(row) != n for row in m):
        problems.append("%s: the lists are not all as long as names" % axis)
        continue
    if sum(map(sum, m)) != inp["rows_scored"]:
        problems.append("%s: the matrix does not add up to the rows scored" % axis)
    if [sum(row) for row in m] != a["old_totals"]:
        problems.append("%s: old_totals are not the row sums" % axis)
    if [sum(m[i][k] for i in range(n)) for k in range(n)] != a["new_totals"]:
        problems.append("%s: new_totals are not the column sums" % axis)
    off = sum(m[i][k] for i in range(n) for k in range(n) if i != k)
    if off != doc["moved"][moved]:
        problems.append("%s: moved.%s is %d, the off-diagonal cells %d" % (axis, moved, doc["moved"][moved], off))
    for i in range(n):
        if not a["in_old"][i] and a["old_totals"][i] and a["names"][i] != "(none)":
            problems.append("%s: %s is not the old policy's, but has records" % (axis, a["names"][i]))
        if not a["in_new"][i] and a["new_totals"][i] and a["names"][i] != "(none)":
            problems.append("%s: %s is not the new policy's, but has records" % (axis, a["names"][i]))

m = doc["moved"]
if not max(m["stage"], m["class"]) <= m["records"] <= m["stage"] + m["class"]:
    problems.append("moved.records is not between the larger and the sum of stage and class")
h = doc["handoff"]
for side in ("old", "new"):
    if sum(h[side].values()) != inp["rows_scored"]:
        problems.append("handoff.%s does not add up to the rows scored" % side)
for k in h["change"]:
    if h["change"][k] != h["new"][k] - h["old"][k]:
        problems.append("handoff.change.%s is not new - old" % k)

sample = doc["sample"]
if len(sample) != min(20, m["records"]):
    problems.append("the sample has %d records, want %d" % (len(sample), min(20, m["records"])))
lines = [s["line"] for s in sample]
if lines != sorted(set(lines)):
    problems.append("the sample is not in input order")
for s in sample:
    if s["old_stage"] == s["new_stage"] and s["old_class"] == s["new_class"]:
        problems.append("line %d is in the sample but did not move" % s["line"])

texts = [q["quota"] for q in doc["quotas"]]
if len(texts) != len(set(texts)):
    problems.append("a quota line appears twice")
for q in doc["quotas"]:
    if q["old"] is None and q["new"] is None:
        problems.append("quota %s is in neither policy" % q["quota"])

if problems:
    sys.exit("\n".join(problems))
