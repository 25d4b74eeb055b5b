#!/usr/bin/env python3
"""gen_random_policy.py - a random well-typed policy and an export for it.

    gen_random_policy.py SEED OUTDIR [--exprs N] [--rows N]

Writes OUTDIR/policy.sla and OUTDIR/input.csv, the same for the same SEED.
The policy reads a record of every field type (most optional, so that cells
are often empty), computes lets, scores, stages, classes, a hand-off and a
cadence (wall-clock and business windows by class), recycling, and shows N
random expressions as output columns, so that every value the program
computes is written out. The export holds ordinary values and the edges:
empty cells, int64 limits, huge and tiny numbers, the largest money, odd
times (daylight-saving changes, the epoch, far past and future, offsets).

It is the input of tests/tools/jit_differential.py, which runs each policy
through the interpreter and native code and compares their bytes; here, the
expressions only need to be well typed (the checker accepts them), not
sensible. Generating .sla text puts the whole compiler under test too.
"""

import random
import sys

FIELDS = [
    # name, type, optional
    ("n1", "int", True), ("n2", "int", True), ("n3", "int", False),
    ("x1", "number", True), ("x2", "number", False),
    ("m1", "money", True), ("m2", "money", False),
    ("b1", "bool", True), ("b2", "bool", False),
    ("s1", "text", True), ("s2", "text", False), ("s3", "text", True),
    ("t1", "time", True), ("t2", "time", True), ("t3", "time", False),
]
STAGES = ["subscriber", "lead", "mql", "sql", "won"]
CLASSES = ["A", "B", "C"]
TEXTS = ["", "saas", "SaaS", " fintech ", "Zürich", "a,b", 'say "hi"', "x" * 40,
         "@gmail.com", "ab", "AB", "\t tab", "ünïcödé", "z"]


class Gen:
    def __init__(self, rng):
        self.r = rng
        self.names = {t: [] for t in ("int", "number", "money", "bool", "text", "time",
                                      "duration", "bduration")}
        for name, t, _ in FIELDS:
            self.names[t].append(name)

    def pick(self, xs):
        return self.r.choice(xs)

    def lit(self, t):
        r = self.r
        if t == "int":
            return self.pick(["0", "1", "2", "-7", "42", "1000000", "9223372036854775807",
                              "-9223372036854775807", "3037000500", str(r.randint(-100, 100))])
        if t == "number":
            return self.pick(["0.5", "3.25", "-2.5", "0.0001", "1000000.125", "0.0",
                              "12345678901234567890.5", "%d.%d" % (r.randint(0, 99), r.randint(0, 99))])
        if t == "money":
            return self.pick(["$0", "$0.0001", "$49.99", "$250,000", "$1,250,000.50",
                              "$922337203685477", "$%d.%02d" % (r.randint(0, 9999), r.randint(0, 99))])
        if t == "bool":
            return self.pick(["true", "false"])
        if t == "text":
            s = self.pick(TEXTS)
            return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'
        if t == "time":
            return self.pick(["2026-11-01", "2026-10-30T16:00", "2026-03-29T02:30:00",
                              "2026-11-01T01:30:00", "1970-01-01T00:00:00Z",
                              "2026-10-25T02:30:00+02:00", "now", "2100-01-01"])
        if t == "duration":
            return "%s %s" % (self.pick(["1", "2", "30", "1.5", "0.25", "1000"]),
                              self.pick(["minutes", "hours", "days", "weeks"]))
        if t == "bduration":
            if self.r.random() < 0.3:
                return "%s business days" % self.pick(["1", "2", "5", "0"])
            return "%s business %s" % (self.pick(["1", "2", "30", "1.5", "3"]),
                                       self.pick(["minutes", "hours"]))
        raise ValueError(t)

    def leaf(self, t):
        if self.names[t] and self.r.random() < 0.6:
            return self.pick(self.names[t])
        return self.lit(t)

    def expr(self, t, d):
        """An expression of type t, at most d levels of operators deep."""
        r = self.r
        if d <= 0 or r.random() < 0.2:
            return self.leaf(t)
        e = lambda tt: self.expr(tt, d - 1)
        c = r.random()
        if c < 0.08:
            return "(if %s then %s else %s)" % (e("bool"), e(t), e(t))
        if c < 0.14 and t != "bool":
            return "(%s ?? %s)" % (e(t), e(t))
        if t == "int":
            return self.pick([
                lambda: "(%s %s %s)" % (e("int"), self.pick("+-*"), e("int")),
                lambda: "(-%s)" % e("int"),
                lambda: "min(%s, %s)" % (e("int"), e("int")),
                lambda: "max(%s, %s, %s)" % (e("int"), e("int"), e("int")),
                lambda: "abs(%s)" % e("int"),
                lambda: "round(%s)" % e("number"),
                lambda: "length(%s)" % e("text"),
            ])()
        if t == "number":
            return self.pick([
                lambda: "(%s %s %s)" % (e("number"), self.pick("+-*/"), e("number")),
                lambda: "(%s / %s)" % (e("int"), e("int")),
                lambda: "(%s %s %s)" % (e("int"), self.pick("+-*/"), e("number")),
                lambda: "(%s / %s)" % (e("money"), e("money")),
                lambda: "(%s / %s)" % (e("duration"), e("duration")),
                lambda: "(%s / %s)" % (e("bduration"), e("bduration")),
                lambda: "abs(%s)" % e("number"),
                lambda: "min(%s, %s)" % (e("number"), e("number")),
                lambda: "max(%s, %s)" % (e("number"), e("int")),
                lambda: "(-%s)" % e("number"),
            ])()
        if t == "money":
            return self.pick([
                lambda: "(%s %s %s)" % (e("money"), self.pick("+-"), e("money")),
                lambda: "(%s * %s)" % (e("money"), e(self.pick(["int", "number"]))),
                lambda: "(%s / %s)" % (e("money"), e(self.pick(["int", "number"]))),
                lambda: "(%s + %s)" % (e("money"), e("int")),
                lambda: "round(%s)" % e("money"),
                lambda: "(-%s)" % e("money"),
                lambda: "min(%s, %s)" % (e("money"), e("money")),
            ])()
        if t == "bool":
            num = self.pick(["int", "number", "money"])
            return self.pick([
                lambda: "(%s %s %s)" % (e(num), self.pick(["=", "!=", "<", "<=", ">", ">="]),
                                        e(self.pick(["int", "number", "money"]) if num != "money" else "money")),
                lambda: "(%s %s %s)" % (e("text"), self.pick(["=", "!=", "<", "<=", ">", ">="]), e("text")),
                lambda: "(%s %s %s)" % (e("time"), self.pick(["=", "!=", "<", "<=", ">", ">="]), e("time")),
                lambda: "(%s %s %s)" % (e("duration"), self.pick(["=", "<", ">="]), e("duration")),
                lambda: "(%s %s %s)" % (e("bduration"), self.pick(["=", "!=", "<", "<=", ">"]), e("bduration")),
                lambda: "(%s %s %s)" % (e("bool"), self.pick(["and", "or"]), e("bool")),
                lambda: "(not %s)" % e("bool"),
                lambda: "(%s = %s)" % (e("bool"), e("bool")),
                lambda: "(%s is %s)" % (self.pick(self.names["int"] + self.names["text"] + self.names["time"]),
                                        self.pick(["set", "unset", "not set"])),
                lambda: "(%s %s {%s}%s)" % (e("text"), self.pick(["in", "not in"]),
                                            ", ".join(self.lit("text") for _ in range(r.randint(1, 5))),
                                            self.pick(["", " ignoring case"])),
                lambda: "(%s in {%s})" % (e("int"), ", ".join(self.lit("int") for _ in range(r.randint(1, 4)))),
                lambda: "(%s in {%s})" % (e("number"), ", ".join(self.lit("number") for _ in range(3))),
                lambda: "(%s in {%s})" % (e("money"), ", ".join(self.lit("money") for _ in range(3))),
                lambda: "(%s in {true})" % e("bool"),
                lambda: "(%s %s %s%s)" % (e("text"), self.pick(["starts with", "ends with", "contains"]),
                                          e("text"), self.pick(["", " ignoring case"])),
                lambda: "(%s %s any {%s}%s)" % (e("text"), self.pick(["starts with", "ends with", "contains"]),
                                                ", ".join(self.lit("text") for _ in range(r.randint(1, 4))),
                                                self.pick(["", " ignoring case"])),
                lambda: "(%s older than %s)" % (e("time"), e(self.pick(["duration", "bduration"]))),
            ])()
        if t == "text":
            return self.pick([
                lambda: "(%s + %s)" % (e("text"), e("text")),
                lambda: "lower(%s)" % e("text"),
                lambda: "upper(%s)" % e("text"),
                lambda: "trim(%s)" % e("text"),
            ])()
        if t == "time":
            return self.pick([
                lambda: "(%s %s %s)" % (e("time"), self.pick("+-"), e("duration")),
                lambda: "(%s + %s)" % (e("time"), e("bduration")),
                lambda: "min(%s, %s)" % (e("time"), e("time")),
                lambda: "max(%s, %s)" % (e("time"), e("time")),
            ])()
        if t == "duration":
            return self.pick([
                lambda: "(%s - %s)" % (e("time"), e("time")),
                lambda: "(%s %s %s)" % (e("duration"), self.pick("+-"), e("duration")),
                lambda: "(%s * %s)" % (e("duration"), e("number")),
                lambda: "(%s / %s)" % (e("duration"), e("number")),
                lambda: "abs(%s)" % e("duration"),
                lambda: "min(%s, %s)" % (e("duration"), e("duration")),
                lambda: "(-%s)" % e("duration"),
            ])()
        if t == "bduration":
            return self.pick([
                lambda: "(%s %s %s)" % (e("bduration"), self.pick("+-"), e("bduration")),
                lambda: "(%s * %s)" % (e("bduration"), e("number")),
                lambda: "(%s / %s)" % (e("bduration"), e("number")),
                lambda: "max(%s, %s)" % (e("bduration"), e("bduration")),
                lambda: "min(%s, %s)" % (e("bduration"), e("bduration")),
                lambda: "(-%s)" % e("bduration"),
            ])()
        raise ValueError(t)


def policy(rng, nexprs):
    g = Gen(rng)
    out = []
    w = out.append
    w('policy "random %d"' % rng.randint(0, 10**9))
    w('timezone "%s"' % rng.choice(["America/New_York", "Europe/Berlin", "UTC", "Asia/Kolkata",
                                     "Australia/Lord_Howe"]))
    w("business hours %s" % rng.choice(["mon-fri 09:00-17:00", "mon-thu 08:00-12:00 13:00-17:00, fri 08:00-12:00 13:00-15:00",
                                        "mon-sat 08:00-20:00", "mon-sun 00:00-24:00", "sat 10:00-14:00"]))
    w("holidays 2026-12-25, 2027-01-01, 2026-11-26")
    w("")
    w("record lead {")
    for name, t, opt in FIELDS:
        w('  %s : %s%s from "%s"' % (name, t, "?" if opt else "", name.upper()))
    w("}")
    w("")
    lets = []
    for k in range(rng.randint(2, 6)):
        t = rng.choice(["int", "number", "money", "bool", "text", "time", "duration", "bduration"])
        name = "l%d" % k
        w("let %s = %s" % (name, g.expr(t, 3)))
        lets.append((name, t))
    for name, t in lets:
        g.names[t].append(name)
    w("")
    w("score {")
    for _ in range(rng.randint(1, 5)):
        if rng.random() < 0.3:
            w("  +2 * min(%s, 10)" % ("(%s ?? 0)" % g.pick(g.names["int"][:3])))
        else:
            w("  %+d when %s" % (rng.randint(-30, 40), g.expr("bool", 2)))
    w("}")
    g.names["int"].append("score")
    w("")
    w("stages {")
    w("  subscriber")
    w("  lead when %s" % g.expr("bool", 2))
    w("  mql when (score >= %d or %s) since t1" % (rng.randint(-10, 40), g.expr("bool", 1)))
    w("  sql when mql and %s" % g.expr("bool", 2))
    w("  won when %s" % g.expr("bool", 1))
    w("}")
    w("")
    w("classes {")
    w("  A when %s" % g.expr("bool", 2))
    w("  B when score >= %d" % rng.randint(-10, 30))
    if rng.random() < 0.7:
        w("  C otherwise")
    else:
        w("  C when %s" % g.expr("bool", 1))
    w("}")
    w("")
    w("team marketing owns subscriber, lead")
    w("team sales owns mql, sql, won")
    w("team nurture")
    w("")
    win = lambda: rng.choice(["1 hour", "4 business hours", "1 business day", "2 days",
                              "30 business minutes", "3 business days", "90 minutes"])
    w("handoff mql to sales until %s {" % rng.choice(["sql", "won"]))
    w("  clock starts at %s, stops at %s" % (rng.choice(["t1", "t2"]), rng.choice(["t2", "t3"])))
    w("  within A: %s, B: %s, otherwise: %s" % (win(), win(), win()))
    w("}")
    w("")
    w("cadence sales on mql {")
    w("  count (n1 ?? 0) + n3")
    w("  A: %d touches over %s" % (rng.randint(1, 9), rng.choice(["14 days", "20 business days", "30 days"])))
    w("  otherwise: %d touches over %s" % (rng.randint(1, 9), rng.choice(["21 days", "40 business days",
                                                                        "6 weeks"])))
    w("}")
    w("")
    w('recycle to nurture when cadence is complete and %s because "done"' % g.expr("bool", 1))
    w("recycle to lead when %s" % g.expr("bool", 2))
    w("")
    w("output {")
    w("  n3")
    for col in ["score", "stage", "class", "handoff", "handoff_due", "handoff_elapsed", "cadence",
                "cadence_expected", "cadence_next_due", "recycled", "recycle_to", "recycle_reason"]:
        w("  %s" % col)
    for name, _ in lets:
        w("  %s" % name)
    for k in range(nexprs):
        t = rng.choice(["int", "number", "money", "bool", "bool", "text", "time", "duration", "bduration"])
        w("  e%d = %s" % (k, g.expr(t, 4)))
    w("}")
    return "\n".join(out) + "\n"


def cell(rng, t, optional):
    if optional and rng.random() < 0.2:
        return ""
    if t == "int":
        return rng.choice(["0", "1", "-1", "7", "42", "12", "300", "9223372036854775807",
                           "-9223372036854775808", "3037000500", str(rng.randint(-1000, 1000))])
    if t == "number":
        return rng.choice(["0", "0.5", "-2.25", "1e3" if False else "1000", "0.000001",
                           "123456789012345678901234567890", "-0", "3.14159",
                           "%d.%d" % (rng.randint(-50, 50), rng.randint(0, 999))])
    if t == "money":
        return rng.choice(["0", "$0.0001", "12.3456", "-5", "\"$1,250,000.50\"", "922337203685477.5807",
                           "-922337203685477.5807", "$49.99", str(rng.randint(0, 100000))])
    if t == "bool":
        return rng.choice(["true", "false", "yes", "no", "TRUE"])
    if t == "text":
        s = rng.choice(TEXTS + ["Gmail.COM", "lead@gmail.com", "SAAS", ""])
        if any(ch in s for ch in ',"\n'):
            return '"' + s.replace('"', '""') + '"'
        return s
    if t == "time":
        return rng.choice([
            "2026-10-30T16:00:00Z", "2026-11-01T01:30:00", "2026-03-29T02:30:00",
            "2026-10-25T02:30:00", "1970-01-01T00:00:00Z", "2026-10-31T23:59:59.999999Z",
            "2026-12-24T17:00:00-05:00", "1900-01-01T00:00:00Z", "2200-06-15T12:00:00Z",
            "2026-09-%02dT%02d:%02d:00Z" % (rng.randint(1, 30), rng.randint(0, 23), rng.randint(0, 59)),
            "2026-10-%02dT%02d:00:00+02:00" % (rng.randint(1, 31), rng.randint(0, 23)),
        ])
    raise ValueError(t)


def export(rng, rows):
    lines = [",".join(name.upper() for name, _, _ in FIELDS)]
    for _ in range(rows):
        lines.append(",".join(cell(rng, t, opt) for _, t, opt in FIELDS))
    return "\n".join(lines) + "\n"


def parse_options(args, opts):
    """Fills opts (name -> default) from `--name N` pairs of args; returns
    the other arguments."""
    pos = []
    i = 0
    while i < len(args):
        if args[i] in opts and i + 1 < len(args):
            opts[args[i]] = int(args[i + 1])
            i += 2
        else:
            pos.append(args[i])
            i += 1
    return pos


def main(argv):
    opts = {"--exprs": 60, "--rows": 60}
    pos = parse_options(argv[1:], opts)
    if len(pos) != 2:
        sys.stderr.write(__doc__)
        return 2
    write(int(pos[0]), pos[1], opts["--exprs"], opts["--rows"])
    return 0


def write(seed, outdir, exprs=60, rows=60):
    """OUTDIR/policy.sla and OUTDIR/input.csv for SEED."""
    rng = random.Random(seed)
    with open(outdir + "/policy.sla", "w") as f:
        f.write(policy(rng, exprs))
    with open(outdir + "/input.csv", "w") as f:
        f.write(export(rng, rows))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
