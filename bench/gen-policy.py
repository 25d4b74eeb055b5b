#!/usr/bin/env python3
"""gen-policy.py - a large, valid, deterministic policy for the checker benchmark.

    bench/gen-policy.py [--seed S] [--lines N] > policy.sla

Writes about N lines (default 10000) of .sla to stdout; the same seed and N
always give the same bytes. The policy is meant to be clean under
`slac --check` (no errors, no warnings) while touching most of what the
checker does: a record of ~200 typed fields, optional ones among them, with
`from` headers; a few thousand `let`s that name fields, earlier lets and
earlier scores; named scores and the main score with thousands of rules;
stages whose conditions name only stages above them; classes A..Z with
`otherwise` last; teams, a hand-off with a window for every class, quotas,
check-ins and an output block.

What keeps it valid, by construction rather than by luck:
- every comparison has operands of one type (ints with ints, numbers with
  numbers, money with money, text with text, times with times, durations
  with durations); `is set` / `is unset` only on optional (`?`) fields;
- within one expression a field is tested at most once, so no test is
  implied or contradicted by another beside it (a redundant-test warning);
- every let is used: a new expression takes its let operands from the lets
  not used yet first, and the score rules mop up whatever is left;
- the lets come in phases between the score blocks: a phase may name only
  the scores before it, and a score block only lets of its own phase or
  earlier ones, so no score depends on itself or on a later score;
- stage conditions say "the stage above, and something more", so no stage is
  implied by an earlier one; class thresholds fall from A to Y inside the
  range the main score can reach, and Z is `otherwise`.
"""

import argparse
import random
import sys

KEYWORDS = set("""
and any at because business cadence checkin checkins classes clock contains
count day days else ends false format from handoff holidays hour hours if
ignoring in is let minute minutes missing not now older on or otherwise output
over owns per policy quota record recycle score set since stages starts stops
sum team then timezone to true unset until week weeks when with within
""".split())

# Fields every run has: the stages, the hand-off and the quotas name them.
CORE_FIELDS = [
    ("id", "text", False, "Record ID"),
    ("email", "text", False, "Email"),
    ("company", "text", False, "Company Name"),
    ("company_size", "int", False, "Number of Employees"),
    ("industry", "text", False, "Industry"),
    ("country", "text", False, "Country/Region"),
    ("lead_source", "text", False, "Original Source"),
    ("demo_requested", "bool", False, "Demo Requested"),
    ("created_at", "time", False, "Create Date"),
    ("became_mql_at", "time", True, "Became a Marketing Qualified Lead Date"),
    ("accepted_at", "time", True, "Became a Sales Accepted Lead Date"),
    ("sql_at", "time", True, "Became a Sales Qualified Lead Date"),
    ("opportunity_at", "time", True, "Became an Opportunity Date"),
    ("won_at", "time", True, "Close Date"),
    ("first_touch_at", "time", True, "First Sales Activity Date"),
    ("last_touch_at", "time", True, "Last Sales Activity Date"),
    ("last_reply_at", "time", True, "Last Reply Date"),
    ("touches", "int", False, "Number of Sales Activities"),
    ("deal_amount", "money", True, "Amount"),
    ("pipeline_amount", "money", False, "Pipeline Amount"),
    ("deal_won", "bool", False, "Closed Won"),
]

INT_BASES = ["page_views", "form_fills", "email_opens", "email_clicks", "webinar_visits",
             "demo_views", "pricing_visits", "chat_sessions", "downloads", "replies",
             "meetings", "seats", "logins", "support_tickets", "trial_days", "api_calls",
             "referrals", "event_visits", "invites_sent", "integrations"]
NUMBER_BASES = ["engagement_rate", "bounce_rate", "intent_signal", "fit_signal",
                "health_index", "usage_growth", "nps", "click_through"]
MONEY_BASES = ["annual_revenue", "arr", "budget", "spend", "expansion", "open_pipeline"]
BOOL_BASES = ["opted_in", "unsubscribed", "is_customer", "has_partner", "used_trial",
              "attended_event", "viewed_pricing", "competitor_user", "do_not_call",
              "in_target_list"]
TIME_BASES = ["last_visit_at", "last_form_at", "last_open_at", "trial_started_at",
              "last_login_at", "renewal_at"]
DURATION_BASES = ["avg_session", "time_on_site", "response_time"]
# Text fields: the values a test compares against, and how it is usually tested.
TEXT_BASES = {
    "region": (["amer", "emea", "apac", "latam"], "in"),
    "segment": (["smb", "mid-market", "enterprise", "strategic"], "in"),
    "plan": (["free", "starter", "pro", "business", "enterprise"], "in"),
    "persona": (["economic buyer", "champion", "user", "influencer"], "in"),
    "language": (["en", "de", "fr", "es", "ja", "pt"], "in"),
    "job_title": (["VP", "Head of", "Director", "Chief", "Founder", "Manager"], "starts"),
    "website": ([".io", ".com", ".ai", ".dev", ".co.uk"], "ends"),
    "utm_campaign": (["spring", "launch", "webinar", "retarget", "brand"], "contains"),
    "utm_medium": (["cpc", "email", "social", "display", "affiliate"], "in"),
    "crm_owner": (["unassigned", "queue", "round robin"], "eq"),
    "tech_stack": (["salesforce", "hubspot", "marketo", "pardot"], "contains"),
}
CORE_TEXT = {
    "industry": (["saas", "fintech", "healthcare", "retail", "manufacturing",
                  "education", "media", "logistics"], "in"),
    "country": (["US", "CA", "GB", "DE", "FR", "NL", "SE", "AU", "JP", "BR", "IN"], "in"),
    "lead_source": (["organic", "paid", "referral", "event", "social", "email", "partner"], "in"),
    "email": (["@gmail.com", "@yahoo.com", "@hotmail.com", "@outlook.com", "@icloud.com"], "ends"),
    "company": (["Inc", "GmbH", "Ltd", "LLC", "Test"], "contains"),
    "id": (["0", "1", "2", "3"], "ends"),
}
PERIODS = ["7d", "30d", "90d", "ytd", "web", "mobile", "emea", "amer", "apac", "q1", "q2"]

INT_K = [1, 2, 3, 5, 10, 20, 25, 50, 100, 200, 500]
NUM_K = ["0.1", "0.25", "0.5", "0.75", "1.5", "2.5", "3.0", "10.0"]
MONEY_K = ["$0", "$500", "$1,000", "$5,000", "$10,000", "$25,000", "$100,000", "$1,000,000"]
AGES = ["1 day", "3 days", "7 days", "14 days", "30 days", "90 days", "2 weeks", "12 hours"]
DATES = ["2025-01-01", "2025-07-01", "2026-01-01", "2026-06-30T00:00:00Z"]
DURS = ["30 minutes", "1 hour", "4 hours", "2 days"]
SCORE_VALUES = [1, 2, 3, 5, 5, 8, 10, 10, 15, 20, 25, 30]

CLASSES = [chr(ord("A") + i) for i in range(26)]
STAGES = ["subscriber", "lead", "engaged", "mql", "sal", "sql", "opportunity", "customer"]
TEAMS = [("marketing", ["subscriber", "lead", "engaged", "mql"]), ("sdr", ["sal"]),
         ("sales", ["sql", "opportunity"]), ("success", ["customer"])]
NAMED_SCORES = ["engagement", "fit", "intent"]   # then the main `score`
SCORE_K = [10, 20, 30, 40, 50, 75, 100]           # thresholds on named scores


ACRONYMS = {"ytd", "emea", "amer", "apac", "latam", "q1", "q2", "api", "arr", "nps", "utm", "crm"}


def title(name):
    """The CRM's column header for a field: page_views_30d -> "Page Views 30d"."""
    return " ".join(w.upper() if w in ACRONYMS else w.capitalize() for w in name.split("_"))


class Field:
    def __init__(self, name, ty, opt, header, values=None, test=None):
        self.name, self.ty, self.opt, self.header = name, ty, opt, header
        self.values, self.test = values, test


class Let:
    def __init__(self, name, ty, phase, depth):
        self.name, self.ty, self.phase, self.depth = name, ty, phase, depth
        self.used = False


class Gen:
    def __init__(self, seed, lines):
        self.rng = random.Random(seed)
        self.seed, self.target = seed, lines
        self.fields = []
        self.lets = []
        self.score_top = {}       # score name -> the most its rules add up to
        self.unused = {}          # (type, phase) -> [Let] not used yet, oldest first
        self.nunused = 0
        self.names = set(KEYWORDS) | set(STAGES) | set(CLASSES) | set(NAMED_SCORES)
        self.names |= {t for t, _ in TEAMS} | {"score", "stage", "class", "handoff", "min", "max"}

    # ---- names and fields ------------------------------------------------------

    def fresh(self, base):
        name, k = base, 2
        while name in self.names:
            name, k = "%s_%d" % (base, k), k + 1
        self.names.add(name)
        return name

    def make_fields(self, n):
        for name, ty, opt, header in CORE_FIELDS:
            self.names.add(name)
            values, test = CORE_TEXT.get(name, (None, None))
            self.fields.append(Field(name, ty, opt, header, values, test))
        r = self.rng
        kinds = (["int"] * 35 + ["number"] * 12 + ["money"] * 10 + ["bool"] * 14 +
                 ["text"] * 19 + ["time"] * 7 + ["duration"] * 3)
        # Two of every kind first, so that even a small record has a pair
        # of each to add up.
        first = sorted(set(kinds)) * 2
        while len(self.fields) < n:
            ty = first.pop() if first else r.choice(kinds)
            base = {"int": INT_BASES, "number": NUMBER_BASES, "money": MONEY_BASES,
                    "bool": BOOL_BASES, "text": list(TEXT_BASES), "time": TIME_BASES,
                    "duration": DURATION_BASES}[ty]
            b = r.choice(base)
            name = self.fresh("%s_%s" % (b, r.choice(PERIODS)))
            opt = ty not in ("bool",) and r.random() < 0.2
            values, test = TEXT_BASES[b] if ty == "text" else (None, None)
            self.fields.append(Field(name, ty, opt, title(name), values, test))

    def record_lines(self):
        out = ["record lead {"]
        width = max(len(f.name) for f in self.fields)
        for i, f in enumerate(self.fields):
            ty = f.ty + ("?" if f.opt else "")
            line = "  %-*s : %-9s from \"%s\"" % (width, f.name, ty, f.header)
            if f.opt and f.ty in ("int", "number", "money") and i % 5 == 0:
                line += ' missing "n/a", "-"'
            if f.ty == "time" and i % 9 == 0:
                line += ' timezone "America/New_York"'
            out.append(line)
        out.append("}")
        return out

    # ---- expressions -------------------------------------------------------------

    def field_test(self, f):
        """A bool test of one field, well typed, never redundant."""
        r = self.rng
        x = f.name
        if f.ty == "bool":
            return r.choice([x, x, "not " + x])
        if f.opt and r.random() < 0.15:
            return "%s is %s" % (x, r.choice(["set", "unset", "not set"]))
        if f.ty == "int":
            k = r.choice(INT_K)
            op = r.choice([">=", ">=", ">", "<", "<=", "!="])
            if f.opt:
                return r.choice(["(%s ?? 0) %s %d" % (x, op, k),
                                 "%s is set and %s %s %d" % (x, x, op, k),
                                 "%s %s %d" % (x, op, k)])
            return "%s %s %d" % (x, op, k)
        if f.ty == "number":
            k = r.choice(NUM_K)
            op = r.choice([">=", ">", "<"])
            if f.opt:
                return r.choice(["(%s ?? 0.0) %s %s" % (x, op, k), "%s %s %s" % (x, op, k)])
            return "%s %s %s" % (x, op, k)
        if f.ty == "money":
            k = r.choice(MONEY_K)
            op = r.choice([">=", ">", "<"])
            if op == "<" and k == "$0":
                op = ">"
            if f.opt:
                return r.choice(["(%s ?? $0) %s %s" % (x, op, k), "%s %s %s" % (x, op, k)])
            return r.choice(["%s %s %s" % (x, op, k), "%s * 1.25 %s %s" % (x, op, k)])
        if f.ty == "time":
            t = r.choice(["%s older than %s" % (x, r.choice(AGES)),
                          "%s %s %s" % (x, r.choice(["<", ">="]), r.choice(DATES)),
                          "not (%s older than %s)" % (x, r.choice(AGES))])
            return ("%s is set and %s" % (x, t)) if f.opt and r.random() < 0.5 else t
        if f.ty == "duration":
            t = "%s %s %s" % (x, r.choice(["<=", ">"]), r.choice(DURS))
            return ("(%s ?? 0 minutes) %s %s" % (x, r.choice(["<=", ">"]), r.choice(DURS))
                    if f.opt else t)
        # text
        vals = f.values
        pick = sorted(r.sample(vals, r.randint(1, min(3, len(vals)))), key=vals.index)
        lst = "{%s}" % ", ".join('"%s"' % v for v in pick)
        subj = ('(%s ?? "")' % x) if f.opt and r.random() < 0.5 else x
        if f.test == "in":
            t = r.choice(["%s in %s" % (subj, lst), "%s not in %s" % (subj, lst),
                          "%s in %s ignoring case" % (subj, lst), '%s = "%s"' % (subj, pick[0])])
        elif f.test == "starts":
            t = r.choice(['%s starts with "%s"' % (subj, pick[0]),
                          '%s starts with any %s ignoring case' % (subj, lst)])
        elif f.test == "ends":
            t = r.choice(['%s ends with any %s' % (subj, lst), '%s ends with "%s"' % (subj, pick[0])])
        elif f.test == "contains":
            t = r.choice(['%s contains "%s"' % (subj, pick[0]),
                          '%s contains "%s" ignoring case' % (subj, pick[0]),
                          '%s contains any %s' % (subj, lst)])
        else:
            t = r.choice(['%s = "%s"' % (subj, pick[0]), '%s != "%s"' % (subj, pick[0]),
                          '%s != ""' % subj])
        if f.opt and subj == x and r.random() < 0.5:
            t = "%s is set and %s" % (x, t)
        return t

    def use(self, let):
        if not let.used:
            let.used = True
            self.nunused -= 1
        return let

    def take_let(self, ty, max_phase, seen, max_depth=24):
        """A let of type ty from phases <= max_phase and not in seen, an
        unused one if there is one; None if there is none yet. Lets already
        max_depth deep are not built upon (real policies are shallow); the
        score rules use them instead."""
        for phase in range(max_phase, -1, -1):
            pool = self.unused.get((ty, phase), [])
            pool[:] = [l for l in pool if not l.used]
            for i, let in enumerate(pool):
                if let.name not in seen and let.depth <= max_depth:
                    del pool[i]
                    return self.use(let)
        cands = [l for l in self.lets[-600:] if l.ty == ty and l.phase <= max_phase
                 and l.depth <= max_depth and l.name not in seen]
        return self.use(self.rng.choice(cands)) if cands else None

    def let_test(self, let):
        """A bool test built on a let."""
        r = self.rng
        self.use(let)
        x = let.name
        if let.ty == "bool":
            return ("not " + x) if r.random() < 0.1 else x
        if let.ty == "int":
            return "%s %s %d" % (x, r.choice([">=", ">", "<"]), r.choice(INT_K))
        if let.ty == "number":
            return "%s %s %s" % (x, r.choice([">=", "<"]), r.choice(NUM_K))
        return "%s %s %s" % (x, r.choice([">=", ">"]), r.choice(MONEY_K[1:]))

    def condition(self, phase, nparts, named_scores=()):
        """A bool expression of nparts tests joined by and/or, and its let depth.

        No field, let or score is named twice in it; let operands come from
        phases <= phase, scores from named_scores.
        """
        r = self.rng
        parts, depth, seen = [], 0, set()
        for _ in range(nparts):
            u = r.random()
            t = let = None
            if u < 0.45:
                let = self.take_let("bool", phase, seen)
            elif u < 0.60:
                let = self.take_let(r.choice(["int", "int", "number", "money"]), phase, seen)
            elif u < 0.65 and named_scores:
                s = r.choice(named_scores)
                if s not in seen:
                    seen.add(s)
                    t = self.named_score_test(s)
            if let is not None:
                seen.add(let.name)
                depth = max(depth, let.depth)
                t = self.let_test(let)
            if t is None:
                f = r.choice(self.fields)
                while f.name in seen:
                    f = r.choice(self.fields)
                seen.add(f.name)
                t = self.field_test(f)
            parts.append(t)
        if len(parts) == 1:
            return parts[0], depth
        # `and` binds tighter than `or`: a test that holds either one is
        # parenthesised when it joins others.
        wrap = lambda s: "(%s)" % s if (" or " in s or " and " in s) else s
        if len(parts) == 3 and r.random() < 0.4:
            return "(%s or %s) and %s" % (wrap(parts[0]), wrap(parts[1]), wrap(parts[2])), depth
        op = " or " if r.random() < 0.3 else " and "
        return op.join(wrap(p) for p in parts), depth

    def numeric_let(self, ty, phase):
        """An int, number or money expression over fields and earlier lets."""
        r = self.rng
        same = [f for f in self.fields if f.ty == ty]
        a, b = r.sample(same, 2)

        def operand(f, zero):
            return ("(%s ?? %s)" % (f.name, zero)) if f.opt else f.name

        depth = 0
        if ty == "int":
            prev = self.take_let("int", phase, ()) if r.random() < 0.5 else None
            if prev is not None:
                depth = prev.depth
                e = "%s + %s" % (prev.name, operand(a, "0"))
            else:
                e = r.choice(["%s + %s" % (operand(a, "0"), operand(b, "0")),
                              "%s + %s * %d" % (operand(a, "0"), operand(b, "0"), r.choice([2, 3, 5])),
                              "min(%s, %d) + %s" % (operand(a, "0"), r.choice([5, 10, 50]),
                                                    operand(b, "0"))])
            cond = self.take_let("bool", phase, ()) if r.random() < 0.25 else None
            if cond is not None:
                depth = max(depth, cond.depth)
                e = "%s + (if %s then %d else 0)" % (e, self.let_test(cond), r.choice(INT_K[:6]))
            return e, depth
        if ty == "number":
            return ("%s * %s + %s" % (operand(a, "0.0"), r.choice(NUM_K), operand(b, "0.0")),
                    depth)
        prev = self.take_let("money", phase, ()) if r.random() < 0.5 else None
        if prev is not None:
            return "%s + %s" % (prev.name, operand(a, "$0")), prev.depth
        return r.choice(["%s + %s" % (operand(a, "$0"), operand(b, "$0")),
                         "%s - %s" % (operand(a, "$0"), r.choice(MONEY_K[1:5]))]), depth

    def make_lets(self, n, phase, named_scores):
        r = self.rng
        out = []
        prefixes = {"bool": ["is", "has", "wants", "fits", "looks"], "int": ["n", "total", "count"],
                    "number": ["rate", "ratio"], "money": ["value", "potential"]}
        nouns = ["engaged", "active", "warm", "hot", "fit", "ready", "buyer", "expansion", "churn",
                 "trial", "web", "email", "event", "pricing", "enterprise", "smb", "product",
                 "intent", "budget", "champion"]
        for i in range(n):
            u = r.random()
            ty = "bool" if u < 0.62 else "int" if u < 0.82 else "number" if u < 0.91 else "money"
            if ty == "bool":
                e, d = self.condition(phase, r.choice([1, 2, 2, 2, 3, 3]), named_scores)
            else:
                e, d = self.numeric_let(ty, phase)
            name = self.fresh("%s_%s_%d" % (r.choice(prefixes[ty]), r.choice(nouns), len(self.lets) + 1))
            let = Let(name, ty, phase, d + 1)
            self.lets.append(let)
            self.unused.setdefault((ty, phase), []).append(let)
            self.nunused += 1
            out.append("let %s = %s" % (name, e))
        return out

    # ---- scores --------------------------------------------------------------------

    def score_rule(self, phase, named_scores):
        r = self.rng
        v = r.choice(SCORE_VALUES)
        sign = "-" if r.random() < 0.15 else "+"
        u = r.random()
        if u < 0.01:
            f = r.choice([f for f in self.fields if f.ty == "int" and not f.opt])
            return "+%d * min(%s, %d)" % (r.choice([1, 2, 5]), f.name, r.choice([3, 4, 5])), 0
        cond, _ = self.condition(phase, r.choice([1, 1, 1, 2, 2]), named_scores)
        return "%s%d when %s" % (sign, v, cond), (v if sign == "+" else 0)

    def named_score_test(self, name):
        """`name >= K` with K well inside what that score can reach."""
        top = self.score_top[name]
        ks = [k for k in SCORE_K if k <= top // 2] or [max(1, top // 2)]
        return "%s >= %d" % (name, self.rng.choice(ks))

    def score_block(self, name, nrules, phase, named_scores, last):
        """A score block of nrules rules (more if need be); the last block
        ends with a rule for each let still unused.

        Returns its lines and the most it can add up to (its positive rules)."""
        lines = ["score %s{" % (name + " " if name else "")]
        top = 0
        while len(lines) - 1 < nrules - (self.nunused if last else 0):
            rule, plus = self.score_rule(phase, named_scores)
            top += plus
            lines.append("  " + rule)
        if last:
            for let in [l for l in self.lets if not l.used]:
                v = self.rng.choice(SCORE_VALUES)
                lines.append("  +%d when %s" % (v, self.let_test(let)))
                top += v
        lines.append("}")
        return lines, top

    # ---- the rest -------------------------------------------------------------------

    def tail(self, top):
        """Qualification lets, stages, classes, teams, hand-off, quotas,
        check-ins and output. Its length depends on nothing but the constants."""
        r = self.rng
        bools = [f for f in self.fields if f.ty == "bool"]
        # Two lets on the main score for the stages; six on the other scores
        # for the classes (a class test on the main score beside another
        # would make one of the two redundant).
        out = ["let qualified = score >= %d" % max(1, top // 10),
               "let engaged_now = score >= %d and %s"
               % (max(1, top // 20), self.named_score_test("engagement"))]
        pri = []
        for i in range(6):
            name = self.fresh("priority_%d" % (i + 1))
            f = r.choice(bools)
            out.append("let %s = %s or (%s and %s)"
                       % (name, self.named_score_test(NAMED_SCORES[i % 3]), f.name,
                          self.named_score_test(NAMED_SCORES[(i + 1) % 3])))
            pri.append(name)
        out += ["", "stages {",
                "  subscriber",
                '  lead         when email != ""',
                "  engaged      when lead and engaged_now",
                "  mql          when lead and (qualified or demo_requested) since became_mql_at",
                "  sal          when mql and accepted_at is set since accepted_at",
                "  sql          when sal and touches >= 1 and last_reply_at is set since sql_at",
                "  opportunity  when sql and (deal_amount ?? $0) > $0 since opportunity_at",
                "  customer     when opportunity and deal_won since won_at",
                "}", "", "classes {"]
        # Thresholds fall from A to Y inside what the main score can reach.
        hi = max(26, top // 2)
        lo = max(1, top // 50)
        extras = pri + ["company_size >= 200", 'industry in {"saas", "fintech"}', "deal_won"]
        for i, c in enumerate(CLASSES[:-1]):
            t = hi - (hi - lo) * i // 24
            extra = " and " + extras[i // 3] if i % 3 == 0 else ""
            out.append("  %s when score >= %d%s" % (c, t, extra))
        out.append("  %s otherwise" % CLASSES[-1])
        out += ["}", ""]
        for team, owns in TEAMS:
            out.append("team %s owns %s" % (team, ", ".join(owns)))
        windows = ["15 minutes", "30 minutes", "1 hour", "2 hours", "4 hours", "1 business hour",
                   "2 business hours", "4 business hours", "8 business hours", "1 business day",
                   "2 business days", "3 business days", "5 business days"]
        out += ["", "handoff mql to sdr until sql {",
                "  clock starts at became_mql_at, stops at first_touch_at"]
        ws = ["%s: %s" % (c, windows[min(len(windows) - 2, i // 2)])
              for i, c in enumerate(CLASSES[:-1])]
        ws.append("otherwise: %s" % windows[-1])
        rows = [ws[i:i + 5] for i in range(0, len(ws), 5)]
        for j, row in enumerate(rows):
            lead = "  within " if j == 0 else "         "
            out.append(lead + ", ".join(row) + ("," if j < len(rows) - 1 else ""))
        out += ["}", "",
                "quota marketing {",
                "  1200 lead at created_at per month",
                "  400 mql per month",
                "  25% mql to sql per month",
                "}",
                "quota sdr {",
                "  95% handoff met per month",
                "  150 sal per month",
                "}",
                "quota sales {",
                "  120 sql per month",
                "  40 opportunity at opportunity_at per month",
                "  $1,000,000 sum deal_amount ?? $0 when deal_won at won_at per month",
                "}",
                "quota success { 30 customer per month }",
                "",
                "checkins monthly on day 1, mid-month on day 15",
                "",
                "output {",
                "  id",
                "  score"]
        out += ["  " + s for s in NAMED_SCORES]
        out += ["  stage", "  class", "  sla = handoff",
                '  "Company" = company', '  "Deal Amount" = deal_amount ?? $0', "}"]
        return out

    def generate(self):
        n = self.target
        self.make_fields(min(200, max(40, n // 50)))
        head = ["# Generated by bench/gen-policy.py --seed %d --lines %d: a synthetic policy"
                % (self.seed, n),
                "# for the checker benchmark. Do not edit; regenerate.",
                'policy "Generated benchmark policy (seed %d)"' % self.seed,
                'timezone "UTC"',
                "business hours mon-fri 09:00-17:00",
                "holidays 2026-12-25, 2027-01-01",
                'missing "N/A", "null"',
                ""]
        record = self.record_lines() + [""]
        # The tail's length is fixed: measure it on a copy of this generator.
        probe = Gen(self.seed, n)
        probe.fields = self.fields
        probe.score_top = {s: 1000 for s in NAMED_SCORES}
        tail_len = len(probe.tail(1000))
        blocks = len(NAMED_SCORES) + 1
        # Each block: its lets, a blank line, `score {`, rules, `}`, a blank line.
        body = max(8 * blocks, n - len(head) - len(record) - tail_len - 4 * blocks)
        nlets = int(body * 0.36) // blocks
        nrules = (body - nlets * blocks) // blocks
        out = head + record
        for phase in range(blocks):
            last = phase == blocks - 1
            out += self.make_lets(nlets, phase, NAMED_SCORES[:phase]) + [""]
            if last:
                # The last block takes up what is left, so the total is n.
                nrules = max(1, n - len(out) - 3 - tail_len)
            name = "" if last else NAMED_SCORES[phase]
            block, top = self.score_block(name, nrules, phase, NAMED_SCORES[:phase], last)
            self.score_top[name or "score"] = top
            out += block + [""]
        out += self.tail(self.score_top["score"])
        return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--lines", type=int, default=10000, help="about how many lines (default 10000)")
    args = ap.parse_args()
    lines = Gen(args.seed, args.lines).generate()
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
