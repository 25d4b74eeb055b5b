#!/usr/bin/env python3
"""`sla explain` says what `sla score` decided, for every record.

Usage: check_explain.py SLA_BINARY

For every row of each export below, `sla explain --row N` must agree with
`sla score --format jsonl` over the same export at the same instant: the
summary line (`Result: score 55, stage mql, class B, hand-off breached,
cadence complete, recycled to nurture`) and the conclusions of the
sections (`=> stage mql`, `=> class B`, the hand-off's `=> breached`).
The inbound example names its hand-off column `sla`; the others use the
default names.
"""
import json
import re
import subprocess
import sys

SLA = sys.argv[1]
AS_OF = "2026-11-01T00:00:00Z"
CASES = [
    # policy, export, the output columns of score, stage, class, hand-off, cadence, recycled
    ("examples/inbound-b2b.sla", "examples/inbound-b2b.csv",
     {"score": "score", "stage": "stage", "class": "class", "hand-off": "sla",
      "cadence": "cadence", "recycled": "recycled"}),
    ("examples/startup.sla", "examples/startup.csv",
     {"score": "score", "stage": "stage", "hand-off": "handoff"}),
    ("examples/enterprise-hubspot.sla", "examples/enterprise-hubspot.csv",
     {"fit": "fit", "engagement": "engagement", "stage": "stage", "class": "Tier",
      "hand-off": "sla", "cadence": "cadence", "recycled": "recycled"}),
]


def run(args):
    p = subprocess.run([SLA] + args, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("sla %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr))
    return p.stdout


def as_text(v):
    if v is None:
        return "n/a"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def parse_result(line):
    """'Result: score 55, stage mql, ..., recycled to nurture' -> dict."""
    out = {}
    for part in line[len("Result: "):].split(", "):
        if part.startswith("recycled") or part == "not recycled":
            out["recycled"] = "true" if part.startswith("recycled") else "false"
            continue
        key, _, value = part.partition(" ")
        out[key] = value
    return out


failures = 0
checked = 0
for policy, export, columns in CASES:
    rows = [json.loads(l) for l in run(["score", policy, export, "--as-of", AS_OF,
                                        "--format", "jsonl"]).splitlines()]
    for n, row in enumerate(rows, 1):
        text = run(["explain", policy, export, "--row", str(n), "--as-of", AS_OF])
        result = next(l for l in text.splitlines() if l.startswith("Result: "))
        said = parse_result(result)
        problems = []
        for key, column in columns.items():
            want = as_text(row[column])
            if key == "class" and want == "n/a":
                want = "none"
            if said.get(key) != want:
                problems.append("%s: explain says %s, score says %s" % (key, said.get(key), want))
        # The sections' conclusions agree with the summary.
        stage = re.search(r"^\s+\d+ \| => stage (\S+?)[,\n]", text + "\n", re.M)
        if "stage" in columns and (not stage or stage.group(1) != said["stage"]):
            problems.append("the stages section ends with %s" % (stage and stage.group(1)))
        klass = re.search(r"=> class (\S+?):", text)
        if "class" in columns and said["class"] != "none" and (not klass or klass.group(1) != said["class"]):
            problems.append("the classes section ends with %s" % (klass and klass.group(1)))
        if "hand-off" in columns:
            section = text.split("\nHand-off ")[-1]
            concl = re.findall(r"=> (met|breached|pending|n/a)", section)
            if len(re.findall(r"^Hand-off ", text, re.M)) == 1 and (not concl or concl[-1] != said["hand-off"]):
                problems.append("the hand-off section ends with %s" % (concl and concl[-1]))
        checked += 1
        if problems:
            failures += 1
            print("FAIL: %s row %d:" % (export, n))
            for p in problems:
                print("  " + p)

print("explain: %d records agree with sla score, %d do not" % (checked - failures, failures))
sys.exit(1 if failures else 0)
