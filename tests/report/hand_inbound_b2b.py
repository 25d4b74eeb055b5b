#!/usr/bin/env python3
"""The monthly recap of examples/inbound-b2b.sla, worked out by hand.

Usage: hand_inbound_b2b.py SLA_BINARY

`sla report` runs as of 2026-11-01 09:00 New York time, the morning of the
"monthly" check-in (day 1), over examples/inbound-b2b.csv (31 leads). Each
figure below was counted from the CSV by hand, row by row; the rows are
named by Lead ID. Stages come from the policy's rules, which for these rows
depend only on the data (not on the as-of instant):

  subscriber 20424
  lead       20414 20416 20418 20420 20426 20436 20439          (7)
  mql        18 rows: 20412 20417 20419 20422 20423 20425 20428 20429
             20430 20431 20432 20433 20434 20435 20437 20438 20440 20441
  sql        20421 20427 (last reply set, touched)
  opportunity 20413 (a deal amount, not won)
  customer   20411 20415 (deal won)

Reached (a stage or a later one): customer 2, opportunity 3, sql 5,
mql 23, lead 30, subscriber 31. Conversions: lead 30/31 = 96.8%,
mql 23/30 = 76.7%, sql 5/23 = 21.7%, opportunity 3/5 = 60%,
customer 2/3 = 66.7%.

The check-in on 1 November reviews October, the month before its day:

- 400 mql per month (by `since became_mql`): Became MQL in October,
  local time, and reached mql: 20419 (10-01) 20421 20422 20423 20425 20427
  20428 20429 20430 20431 20432 20433 20434 20435 20437 20438 20440 20441
  (10-31 22:30, still October in New York) = 18 -> 4.5% of 400, missed.
- 120 sql per month (by `since became_sql`): Became SQL in October and
  reached sql: 20421 (10-13), 20427 (10-21) = 2 -> missed. September: 20411,
  20413, 20415 = 3.
- 95% handoff met per month (by the clock start, became_mql): October's
  hand-offs, as of the check-in's cut-off (1 November 00:00), decided ones
  only. Met: 20419 20421 20422 20425 20427 20430 20433 20435 20438 (answered
  10-30 16:10, due 11-02) = 9; breached: 20423 20428 20429 20431 20432 20434
  20437 = 7; 20440 and 20441 were still pending (due 11-02 and 11-03, not yet
  answered) and are not counted. 9 / 16 = 56.25% -> missed.
- 30% mql to sql per quarter (by became_mql): the check-in's day is in Q4,
  but its cut-off looks at the day before, 31 October: Q4 so far. MQLs of
  Q4 before 1 November: the 18 above; of them reached sql: 20421 20427 = 2:
  11.1% -> at risk (the quarter is not over).
- $250,000 sum deal_amount when deal_won at close_date per quarter: won
  deals closed in Q4 before the cut-off: 20411 $84,000 (10-22) + 20415
  $128,000 (10-30) = $212,000. Q4 runs from 1 October 00:00 EDT to 1 January
  00:00 EST: 2,209 hours; 1 November 00:00 EDT is 744 hours in, so the pace
  projects 212,000 x 2209 / 744 = $629,451.61 -> on track.

The current period at the as-of instant (1 November, 09:00 EST):
- the quarter's sum: the same $212,000, now 754 of 2,209 hours in (the
  clocks went back at 02:00), projecting 212,000 x 2209 / 754 = $621,098.14.
- November has no MQL yet: 0 of 400; 10 of its 721 hours are gone (it starts
  in summer time and the clocks went back an hour), so: at risk.
"""
import json
import subprocess
import sys

sla = sys.argv[1]
doc = json.loads(subprocess.run(
    [sla, "report", "examples/inbound-b2b.sla", "examples/inbound-b2b.csv",
     "--as-of", "2026-11-01T09:00:00", "--format", "json"],
    check=True, capture_output=True).stdout)

checks = 0
problems = []


def want(what, got, expected, tol=0.0):
    global checks
    checks += 1
    ok = abs(got - expected) <= tol if isinstance(expected, float) else got == expected
    if not ok:
        problems.append("%s: sla says %r, the hand calculation %r" % (what, got, expected))


funnel = {s["stage"]: s for s in doc["funnel"]}
for stage, n, reached in [("subscriber", 1, 31), ("lead", 7, 30), ("mql", 18, 23), ("sql", 2, 5),
                          ("opportunity", 1, 3), ("customer", 2, 2)]:
    want("funnel %s records" % stage, funnel[stage]["records"], n)
    want("funnel %s reached" % stage, funnel[stage]["reached"], reached)
want("conversion to mql", funnel["mql"]["conversion"], 100 * 23 / 30, 1e-4)
want("conversion to sql", funnel["sql"]["conversion"], 100 * 5 / 23, 1e-4)

recap = [c for c in doc["checkins"] if c["name"] == "monthly"][0]
want("monthly check-in day", recap["last"], "2026-11-01")
want("monthly check-in next", recap["next"], "2026-12-01")
q = {x["quota"]: k for k, x in enumerate(doc["quotas"])}
seen = recap["quotas"]

p = seen[q["400 mql per month"]]
want("recap mql period", p["label"], "2026-10")
want("recap mql count", p["actual"], 18)
want("recap mql status", p["status"], "missed")
want("recap mql attained", p["attained"], 4.5, 1e-6)

p = seen[q["120 sql per month"]]
want("recap sql count", p["actual"], 2)
want("recap sql status", p["status"], "missed")
want("sql in September", doc["quotas"][q["120 sql per month"]]["trend"][3]["actual"], 3)

p = seen[q["95% handoff met per month"]]
want("recap hand-offs decided", p["records"], 16)
want("recap hand-offs met", p["hits"], 9)
want("recap hand-off rate", p["actual"], 56.25, 1e-9)
want("recap hand-off status", p["status"], "missed")

p = seen[q["30% mql to sql per quarter"]]
want("recap conversion period", p["label"], "2026-Q4")
want("recap conversion records", p["records"], 18)
want("recap conversion hits", p["hits"], 2)
want("recap conversion status", p["status"], "at risk")

key = "$250,000 sum deal_amount when deal_won at close_date per quarter"
p = seen[q[key]]
want("recap won deals", p["actual"], 212000)
want("recap won deals projected", p["projected"], 212000 * 2209 / 744, 0.006)
want("recap won deals status", p["status"], "on track")
cur = doc["quotas"][q[key]]["current"]
want("current won deals projected", cur["projected"], 212000 * 2209 / 754, 0.006)
want("current elapsed", cur["elapsed"], 754 / 2209, 1e-6)

cur = doc["quotas"][q["400 mql per month"]]["current"]
want("November mql", cur["actual"], 0)
want("November status", cur["status"], "at risk")
want("November elapsed", cur["elapsed"], 10 / 721, 1e-6)

if problems:
    print("\n".join(problems))
print("hand calculation: %d passed, %d failed" % (checks - len(problems), len(problems)))
sys.exit(1 if problems else 0)
