#!/usr/bin/env python3
"""`sla diff` of the inbound example against its second version, counted by hand.

Usage: hand_inbound_b2b_diff.py SLA_BINARY

tests/diff/inbound-b2b-v2.sla is examples/inbound-b2b.sla with two rules
changed: mql needs `score >= 60` (was 50) unless a demo was requested, and
class A needs fit and `score >= 80` (was 70). Over examples/inbound-b2b.csv
(31 leads), as of 2026-11-01 09:00 New York time.

Stages. The rule change touches only the leads that were mql by a score of
50 to 59 without a demo request; every other lead's stage rests on things
that did not change (a demo request, a reply, a deal). The old mql leads,
with their scores (from `sla score`) and Demo Requested:

  score 50, no demo: 20412 20422 20425 20428 20438 20441        (6)
  score 55, no demo: 20417 20434                                 (2)
  score 55, demo:    20419 20430 20433                           (3, stay)
  score 60 and more: 20423 20429 20432 20437                     (4, stay)
  under 50, demo:    20431 20435 20440                           (3, stay)

So 8 leads move mql -> lead, and mql keeps 18 - 8 = 10. Two leads with a
score of 50 or 55 are past mql and stay where they are: 20413 is an
opportunity (a deal amount, whatever its score) and 20427 is sql (it asked
for a demo). The matrix: subscriber 1 -> 1, lead 7 -> 7, mql 18 -> 8 lead
+ 10 mql, sql 2, opportunity 1, customer 2; new totals: lead 15, mql 10.

Classes. The old A leads (fit and score >= 70): 20415 (75), 20437 (80),
20411 (85), 20432 (85), 20421 (90). Under the new rule 20415 (Healthcare,
900 people: fit, but 75 < 80) drops to B (score >= 50); the others stay A.
B keeps its 15 and gains one: 16; C stays 11.

Moved: 8 + 1 = 9 records (no lead changed both).

This test checks those numbers three ways: the literal figures above; a
count made apart from `sla diff`, by pairing the two `sla score --format
jsonl` outputs record by record on Lead ID; and `sla diff --format json`.
"""
import collections
import json
import subprocess
import sys

sla = sys.argv[1]
OLD, NEW = "examples/inbound-b2b.sla", "tests/diff/inbound-b2b-v2.sla"
CSV, AS_OF = "examples/inbound-b2b.csv", "2026-11-01T09:00:00"


def run(*args):
    return subprocess.run([sla, *args], check=True, capture_output=True, text=True).stdout


def scored(policy):
    out = run("score", policy, CSV, "--as-of", AS_OF, "--format", "jsonl")
    return {r["lead_id"]: r for r in map(json.loads, out.splitlines())}


old, new = scored(OLD), scored(NEW)
problems = []
if sorted(old) != sorted(new) or len(old) != 31:
    problems.append("the two score runs do not hold the same 31 leads")

# The independent count: pairs of (old, new) over the same leads.
stage_pairs = collections.Counter((old[k]["stage"], new[k]["stage"]) for k in old)
class_pairs = collections.Counter((old[k]["class"], new[k]["class"]) for k in old)
moved = sorted(k for k in old if (old[k]["stage"], old[k]["class"]) != (new[k]["stage"], new[k]["class"]))

# The hand count (the docstring).
hand_stages = {("subscriber", "subscriber"): 1, ("lead", "lead"): 7, ("mql", "lead"): 8,
               ("mql", "mql"): 10, ("sql", "sql"): 2, ("opportunity", "opportunity"): 1,
               ("customer", "customer"): 2}
hand_classes = {("A", "A"): 4, ("A", "B"): 1, ("B", "B"): 15, ("C", "C"): 11}
hand_moved = [20412, 20415, 20417, 20422, 20425, 20428, 20434, 20438, 20441]

if dict(stage_pairs) != hand_stages:
    problems.append("stages from sla score: %s; by hand: %s" % (dict(stage_pairs), hand_stages))
if dict(class_pairs) != hand_classes:
    problems.append("classes from sla score: %s; by hand: %s" % (dict(class_pairs), hand_classes))
if moved != hand_moved:
    problems.append("moved from sla score: %s; by hand: %s" % (moved, hand_moved))

# What sla diff says.
doc = json.loads(run("diff", OLD, NEW, CSV, "--as-of", AS_OF, "--format", "json"))
for axis, hand in (("stages", hand_stages), ("classes", hand_classes)):
    names, m = doc[axis]["names"], doc[axis]["matrix"]
    got = {(names[i], names[k]): m[i][k] for i in range(len(names)) for k in range(len(names))
           if m[i][k]}
    if got != hand:
        problems.append("sla diff %s: %s; by hand: %s" % (axis, got, hand))
if doc["moved"] != {"records": 9, "stage": 8, "class": 1}:
    problems.append("sla diff moved: %s; by hand 9 records, 8 stage, 1 class" % doc["moved"])
if [int(s["id"]) for s in doc["sample"]] != hand_moved:
    problems.append("sla diff sample: %s; by hand: %s" % ([s["id"] for s in doc["sample"]], hand_moved))

if problems:
    print("\n".join(problems))
    sys.exit(1)
print("sla diff, the inbound example against v2: 3 ways agree (8 mql -> lead, 1 A -> B)")
