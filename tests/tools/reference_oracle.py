#!/usr/bin/env python3
"""reference_oracle.py - the test oracle for `sla score bench/reference.sla`.

    tests/tools/reference_oracle.py INPUT.csv [--as-of 2026-11-01T00:00:00Z]

Reads a lead export (the CSV of /work/shared/bench-spec.md, RFC 4180, with a
header row; columns bound by header name, not position) and writes to stdout
what the spec says the reference policy outputs: the header
`lead_id,score,stage,class,sla` and one row per input row, in input order,
LF line ends, numbers as plain integers.

It is deliberately independent of the runtime: written from the text of
bench-spec.md alone, sharing no code, tables or generated files with the
compiler or the runtime, so that `sla score` can be checked against it
(tests/tools/check_reference.sh). Keep it that way: when the two disagree, the
spec decides which one is wrong.

The policy, as implemented here (spec wording in quotes):
- score = 30 if demo_requested; + 15 if page_views >= 10;
  + 5 * min(conversions, 4); + 15 if company_size >= 200, else + 10 if
  company_size >= 50; + 10 if industry is saas, fintech or healthcare;
  - 20 if email ends with @gmail.com, @yahoo.com or @hotmail.com (a plain,
  case-sensitive suffix test); + 10 if lead_source is referral.
- qualified = score >= 50 or demo_requested.
- stage, "first that holds": customer if deal_won; opportunity if
  deal_amount > 0 (an exact decimal comparison; empty is not > 0); sql if
  qualified and touches >= 1 and last_reply_at is set; mql if qualified;
  lead if email is not empty; else subscriber.
- class: A if score >= 70 and company_size >= 200; B if score >= 50; else C.
- due = became_mql_at + 1 h (A), 4 h (B) or 24 h (C), plain elapsed time.
- sla: `n/a` unless stage is mql or sql and became_mql_at is set; then `met`
  if first_touch_at is set and <= due; `breached` if first_touch_at is set and
  later, or unset and as-of > due; else (unset, as-of <= due) `pending`.

Times are `YYYY-MM-DD HH:MM:SS` in UTC; an empty time, email or deal_amount is
unset / empty. A value that does not fit its column's type is an error (exit
1, with the row and column named), never silently read as something else.
"""

import argparse
import csv
import re
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal

COLUMNS = ("lead_id", "email", "company_size", "industry", "lead_source",
           "page_views", "conversions", "demo_requested", "became_mql_at",
           "first_touch_at", "touches", "last_reply_at", "deal_amount",
           "deal_won")

INT_RE = re.compile(r"-?[0-9]+\Z")
MONEY_RE = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")
TIME_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2}) "
                     r"([0-9]{2}):([0-9]{2}):([0-9]{2})\Z")
ASOF_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]"
                     r"([0-9]{2}):([0-9]{2}):([0-9]{2})(Z|\+00:00)?\Z")

FREEMAIL = ("@gmail.com", "@yahoo.com", "@hotmail.com")
GOOD_INDUSTRIES = ("saas", "fintech", "healthcare")
WINDOW = {"A": timedelta(hours=1), "B": timedelta(hours=4),
          "C": timedelta(hours=24)}


class BadValue(Exception):
    pass


def to_int(s, col):
    if not INT_RE.match(s):
        raise BadValue("%s: %r is not an int" % (col, s))
    return int(s)


def to_bool(s, col):
    if s == "true":
        return True
    if s == "false":
        return False
    raise BadValue("%s: %r is not true or false" % (col, s))


def to_time(s, col):
    """An optional time: None when empty."""
    if s == "":
        return None
    m = TIME_RE.match(s)
    if not m:
        raise BadValue("%s: %r is not YYYY-MM-DD HH:MM:SS" % (col, s))
    try:
        return datetime(*map(int, m.groups()), tzinfo=timezone.utc)
    except ValueError:
        raise BadValue("%s: %r is not a valid time" % (col, s)) from None


def to_money(s, col):
    """An optional amount: None when empty."""
    if s == "":
        return None
    if not MONEY_RE.match(s):
        raise BadValue("%s: %r is not an amount like 1234.56" % (col, s))
    return Decimal(s)


def evaluate(row, asof):
    """(score, stage, class, sla) of one input row (a dict by header name)."""
    email = row["email"]
    company_size = to_int(row["company_size"], "company_size")
    page_views = to_int(row["page_views"], "page_views")
    conversions = to_int(row["conversions"], "conversions")
    demo = to_bool(row["demo_requested"], "demo_requested")
    touches = to_int(row["touches"], "touches")
    became_mql = to_time(row["became_mql_at"], "became_mql_at")
    first_touch = to_time(row["first_touch_at"], "first_touch_at")
    last_reply = to_time(row["last_reply_at"], "last_reply_at")
    amount = to_money(row["deal_amount"], "deal_amount")
    won = to_bool(row["deal_won"], "deal_won")

    score = 0
    if demo:
        score += 30
    if page_views >= 10:
        score += 15
    score += 5 * min(conversions, 4)
    if company_size >= 200:
        score += 15
    elif company_size >= 50:
        score += 10
    if row["industry"] in GOOD_INDUSTRIES:
        score += 10
    if email.endswith(FREEMAIL):
        score -= 20
    if row["lead_source"] == "referral":
        score += 10

    qualified = score >= 50 or demo

    if won:
        stage = "customer"
    elif amount is not None and amount > 0:
        stage = "opportunity"
    elif qualified and touches >= 1 and last_reply is not None:
        stage = "sql"
    elif qualified:
        stage = "mql"
    elif email != "":
        stage = "lead"
    else:
        stage = "subscriber"

    if score >= 70 and company_size >= 200:
        klass = "A"
    elif score >= 50:
        klass = "B"
    else:
        klass = "C"

    if stage not in ("mql", "sql") or became_mql is None:
        sla = "n/a"
    else:
        due = became_mql + WINDOW[klass]
        if first_touch is not None:
            sla = "met" if first_touch <= due else "breached"
        elif asof > due:
            sla = "breached"
        else:
            sla = "pending"
    return score, stage, klass, sla


def parse_asof(s):
    m = ASOF_RE.match(s)
    if not m:
        raise ValueError(s)
    return datetime(*map(int, m.groups()[:6]), tzinfo=timezone.utc)


def main():
    ap = argparse.ArgumentParser(
        description="The test oracle for `sla score bench/reference.sla`.")
    ap.add_argument("input", help="the lead export (CSV with a header row)")
    ap.add_argument("--as-of", default="2026-11-01T00:00:00Z",
                    help="the as-of instant, UTC (default %(default)s)")
    args = ap.parse_args()
    try:
        asof = parse_asof(args.as_of)
    except ValueError:
        ap.error("--as-of: %r is not YYYY-MM-DDTHH:MM:SS[Z], UTC" % args.as_of)

    prog = "reference_oracle.py"
    try:
        f = open(args.input, newline="", encoding="utf-8")
    except OSError as e:
        print("%s: %s: %s" % (prog, args.input, e.strerror), file=sys.stderr)
        return 1
    out = []
    with f:
        reader = csv.reader(f, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            print("%s: %s: empty file, no header row" % (prog, args.input),
                  file=sys.stderr)
            return 1
        except csv.Error as e:
            print("%s: %s:1: %s" % (prog, args.input, e), file=sys.stderr)
            return 1
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            print("%s: %s: header lacks %s" % (prog, args.input,
                                               ", ".join(missing)),
                  file=sys.stderr)
            return 1
        pos = {c: header.index(c) for c in COLUMNS}
        out.append("lead_id,score,stage,class,sla\n")
        try:
            for fields in reader:
                if len(fields) != len(header):
                    raise BadValue("%d fields, the header has %d"
                                   % (len(fields), len(header)))
                row = {c: fields[i] for c, i in pos.items()}
                lead_id = to_int(row["lead_id"], "lead_id")
                score, stage, klass, sla = evaluate(row, asof)
                out.append("%d,%d,%s,%s,%s\n"
                           % (lead_id, score, stage, klass, sla))
        except (BadValue, csv.Error) as e:
            print("%s: %s:%d: %s" % (prog, args.input, reader.line_num, e),
                  file=sys.stderr)
            return 1
    try:
        sys.stdout.write("".join(out))
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
