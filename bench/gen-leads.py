#!/usr/bin/env python3
"""gen-leads.py - the lead export of the reference benchmark (bench-spec.md).

    bench/gen-leads.py --rows N [--seed S] [--out FILE]

Writes a CSV lead export of N rows (plus a header row) to FILE, or to stdout
by default. The same seed (default 1) and N always give the same bytes, on
any python3 >= 3.9: the only source of randomness is random.Random(seed)
.random(), whose sequence Python keeps stable across versions.

The file is what /work/shared/bench-spec.md describes: the spec's 18 columns
in the spec's order under the spec's names; RFC 4180 quoting, and only where
a field needs it (a comma or a quote; no field holds a line break, so every
row is one line and `wc -l` counts rows + 1); LF line ends; times as
`YYYY-MM-DD HH:MM:SS` UTC between 2026-01-01 00:00:00 and 2026-10-31
23:59:59, i.e. before the as-of instant 2026-11-01 00:00:00; booleans
`true` / `false`; deal_amount `1234.56` or empty.

The values are shaped so that the reference policy (bench/reference.sla) sees
every case in a file of 1,000 rows: all six stages, classes A, B and C, and
all four sla statuses, `pending` included. About 40% of the leads are "hot"
(more page views, conversions and demo requests, usually an MQL), the rest
"cold". Of the hot ones ~18% became an MQL within the last 24 hours before
as-of and have not been touched yet: these are `pending` while as-of is not
past their due, and `breached` once their class's window (1, 4 or 24 h) is
shorter than their age; ~10% of them are exactly 1, 4 or 24 h old (as-of ==
due: still `pending`). Other first touches come 30 s to ~88 h after
became_mql_at (log-uniform, so before and after every window), some before
it, a few exactly 1, 4 or 24 h after it (the `<= due` boundary), and ~12%
never (`breached`). ~3% of emails are empty, ~23% are free-mail addresses and
~1% of those have the domain in upper case (the spec's `ends with` is
case-sensitive, so these are not free mail). ~5% of companies contain a comma
and ~1% a `"` quote. A few deal amounts are `0.00` (not `> 0`).

1,000,000 rows are about 140 MB (the spec says "about 130") and take ~5 s.
"""

import argparse
import random
import sys

# 2026-01-01 00:00:00 UTC .. 2026-10-31 23:59:59 UTC, as seconds from START.
START = 0
DAYS = 304                      # Jan 31 + Feb 28 + ... + Oct 31
END = DAYS * 86400 - 1          # 2026-10-31 23:59:59
ASOF = DAYS * 86400             # 2026-11-01 00:00:00
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31)

HEADER = ("lead_id,email,company,company_size,industry,country,lead_source,"
          "page_views,conversions,demo_requested,created_at,became_mql_at,"
          "first_touch_at,touches,last_touch_at,last_reply_at,deal_amount,"
          "deal_won")

INDUSTRIES = ("saas", "fintech", "healthcare", "retail", "manufacturing",
              "education", "media", "logistics")
# Weighted by repetition: organic 30, paid 20, social 13, email 15,
# referral 12, event 10 (in 100 slots).
SOURCES = (("organic",) * 30 + ("paid",) * 20 + ("social",) * 13
           + ("email",) * 15 + ("referral",) * 12 + ("event",) * 10)
COUNTRIES = (("US",) * 12 + ("GB",) * 4 + ("DE",) * 4 + ("FR",) * 3
             + ("CA",) * 3 + ("NL",) * 2 + ("AU",) * 2 + ("IN",) * 2
             + ("BR",) * 2 + ("ES", "IT", "SE", "CH", "IE", "JP", "SG",
                                "MX", "PL", "DK", "NO", "FI", "BE", "AT",
                                "NZ", "ZA", "IL", "PT", "KR"))
FIRST = ("anna", "ben", "carla", "dev", "elif", "femi", "gus", "hana", "ivan",
         "jo", "kai", "lena", "mo", "nina", "omar", "pia", "quinn", "raj",
         "sara", "tom", "uma", "vic", "wei", "xena", "yuki", "zoe")
LAST = ("smith", "jones", "garcia", "muller", "rossi", "kim", "nguyen",
        "silva", "kowalski", "ito", "dubois", "larsen", "haddad", "okafor",
        "novak", "fischer", "moreau", "tanaka", "walsh", "costa")
CO_A = ("Acme", "Blue", "North", "Bright", "Iron", "Silver", "Quantum", "Red",
        "Green", "Delta", "Apex", "Summit", "Pioneer", "Harbor", "Cedar",
        "Orbit", "Vertex", "Nimbus", "Atlas", "Falcon", "Maple", "Lumen",
        "Crystal", "Granite", "Echo", "Nova", "Stone", "River", "Polar",
        "Sky")
CO_B = ("Labs", "Systems", "Analytics", "Health", "Logistics", "Media",
        "Retail", "Works", "Capital", "Foods", "Robotics", "Software",
        "Networks", "Partners", "Dynamics", "Solutions", "Learning",
        "Payments", "Motors", "Studio")
CO_COMMA = (", Inc.", ", LLC", ", Ltd.", ", GmbH", ", S.A.", ", Co.")
# Free-mail domains of the policy, and near misses that are not free mail.
FREEMAIL = (("gmail.com",) * 12 + ("yahoo.com",) * 6 + ("hotmail.com",) * 5)
FREEMAIL_UPPER = ("Gmail.com", "GMAIL.COM", "Yahoo.com", "HOTMAIL.COM")
OTHERMAIL = ("outlook.com", "proton.me", "googlemail.com", "mygmail.com")

WINDOWS = (3600, 4 * 3600, 24 * 3600)


def tables():
    """DAY[d] = 'YYYY-MM-DD ' of day d after START; HMS[s] = 'HH:MM:SS'."""
    day = []
    for m, n in enumerate(MONTH_DAYS, 1):
        for d in range(1, n + 1):
            day.append("2026-%02d-%02d " % (m, d))
    assert len(day) == DAYS
    hms = ["%02d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60)
           for s in range(86400)]
    return day, hms


def generate(rows, seed, out):
    DAY, HMS = tables()
    r = random.Random(seed).random
    n_first, n_last = len(FIRST), len(LAST)
    n_coa, n_cob, n_cocomma = len(CO_A), len(CO_B), len(CO_COMMA)
    n_free, n_freeup, n_other = len(FREEMAIL), len(FREEMAIL_UPPER), len(OTHERMAIL)
    n_ind, n_src, n_cty = len(INDUSTRIES), len(SOURCES), len(COUNTRIES)
    span = END + 1
    month = 30 * 86400

    out.write((HEADER + "\n").encode("ascii"))
    buf = []
    for lead_id in range(1, rows + 1):
        hot = r() < 0.40

        # company, quoted only when it holds a comma or a quote
        a = CO_A[int(r() * n_coa)]
        b = CO_B[int(r() * n_cob)]
        q = r()
        if q < 0.01:                               # ~1%: an escaped "" quote
            if q < 0.002:                          # and a comma as well
                company = '"The ""' + a + '"" ' + b + CO_COMMA[int(r() * n_cocomma)] + '"'
            else:
                company = '"The ""' + a + '"" ' + b + '"'
        elif q < 0.058:                            # ~5% in all with a comma
            company = '"' + a + " " + b + CO_COMMA[int(r() * n_cocomma)] + '"'
        else:
            company = a + " " + b

        # email: ~3% empty, ~23% free mail
        q = r()
        if q < 0.03:
            email = ""
        else:
            local = FIRST[int(r() * n_first)][0] + "." + LAST[int(r() * n_last)]
            if q < 0.26:
                if r() < 0.01:
                    email = local + "@" + FREEMAIL_UPPER[int(r() * n_freeup)]
                else:
                    email = local + "@" + FREEMAIL[int(r() * n_free)]
            elif q < 0.28:
                email = local + "@" + OTHERMAIL[int(r() * n_other)]
            else:
                email = local + "@" + a.lower() + ".com"

        size = int(1 + 10 ** (r() * 4.0))          # 2..10001, log-uniform
        industry = INDUSTRIES[int(r() * n_ind)]
        country = COUNTRIES[int(r() * n_cty)]
        source = SOURCES[int(r() * n_src)]
        if hot:
            page_views = int(r() * 60)
            conversions = int(r() * 8)
            demo = r() < 0.45
            mql_p = 0.90
            deal_p = 0.22
        else:
            x = r()
            page_views = int(x * x * 25)
            x = r()
            conversions = int(x * x * x * 4)
            demo = r() < 0.04
            mql_p = 0.12
            deal_p = 0.03

        # created_at, became_mql_at (as seconds from START)
        if hot and r() < 0.18:
            # Became an MQL within the last 24 h and not touched yet.
            w = WINDOWS[int(r() * 3)]
            if r() < 0.10:
                age = w                             # as-of == due exactly
            else:
                age = 1 + int(r() * w)              # 1 s .. w
            mql = ASOF - age
            created = mql - int(r() * min(month, mql - START + 1))
            recent = True
        else:
            created = int(r() * span)
            if r() < mql_p:
                x = r()
                mql = created + int(x * x * min(month, END - created + 1))
            else:
                mql = -1
            recent = False

        # first_touch_at, touches, last_touch_at, last_reply_at
        ft = -1
        if not recent:
            if mql >= 0:
                q = r()
                if q < 0.12:
                    pass                            # never touched
                elif q < 0.17:                      # touched before the MQL
                    ft = max(created, mql - int(r() * 2 * 86400))
                elif q < 0.19:                      # exactly at a window's end
                    ft = mql + WINDOWS[int(r() * 3)]
                else:
                    ft = mql + int(10 ** (1.5 + r() * 4.0))   # 30 s .. ~88 h
            elif r() < 0.45:
                ft = created + int(10 ** (1.5 + r() * 4.5))   # 30 s .. ~11 d
            if ft > END:
                ft = -1                             # not yet, as of the export
        if ft >= 0:
            x = r()
            touches = 1 + int(x * x * 12)
            if touches == 1:
                lt = ft
            else:
                lt = ft + int(r() * min(2 * month, END - ft + 1))
            if r() < (0.6 if hot else 0.3):
                rp = ft + int(r() * min(month, END - ft + 1))
            else:
                rp = -1
        else:
            touches = 0
            lt = rp = -1

        # deal_amount, deal_won
        if r() < deal_p:
            if r() < 0.01:
                amount = "0.00"
                won = "false"
            else:
                cents = int(10 ** (2.7 + r() * 3.0) * 100)   # ~500 .. ~500,000
                amount = "%d.%02d" % (cents // 100, cents % 100)
                won = "true" if r() < 0.35 else "false"
        else:
            amount = ""
            won = "false"

        d, s = divmod(created, 86400)
        created_s = DAY[d] + HMS[s]
        if mql >= 0:
            d, s = divmod(mql, 86400)
            mql_s = DAY[d] + HMS[s]
        else:
            mql_s = ""
        if ft >= 0:
            d, s = divmod(ft, 86400)
            ft_s = DAY[d] + HMS[s]
            d, s = divmod(lt, 86400)
            lt_s = DAY[d] + HMS[s]
        else:
            ft_s = lt_s = ""
        if rp >= 0:
            d, s = divmod(rp, 86400)
            rp_s = DAY[d] + HMS[s]
        else:
            rp_s = ""

        buf.append(",".join((
            str(lead_id), email, company, str(size), industry, country, source,
            str(page_views), str(conversions), "true" if demo else "false",
            created_s, mql_s, ft_s, str(touches), lt_s, rp_s, amount, won)))
        if len(buf) == 8192:
            buf.append("")
            out.write("\n".join(buf).encode("ascii"))
            buf = []
    if buf:
        buf.append("")
        out.write("\n".join(buf).encode("ascii"))


def main():
    ap = argparse.ArgumentParser(
        description="Write the reference benchmark's lead export (CSV).")
    ap.add_argument("--rows", type=int, required=True, help="number of rows")
    ap.add_argument("--seed", type=int, default=1, help="seed (default 1)")
    ap.add_argument("--out", help="output file (default: stdout)")
    args = ap.parse_args()
    if args.rows < 0:
        ap.error("--rows must be >= 0")
    if args.out:
        with open(args.out, "wb", buffering=1 << 20) as out:
            generate(args.rows, args.seed, out)
    else:
        try:
            generate(args.rows, args.seed, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            # e.g. `gen-leads.py --rows 1000000 | head`: not an error.
            sys.stderr.close()
            sys.exit(0)


if __name__ == "__main__":
    main()
