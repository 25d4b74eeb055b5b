#!/usr/bin/env python3
"""Breaks every bundled policy on purpose and checks what slac says.

For each policy in examples/ and bench/, four independent mistakes are
made, each on a line of its own: an unknown character, a missing keyword
(`when`), a misspelt field name and a type mismatch. Each mistake alone,
and all four together, must give exit status 1 and exactly one error per
mistake, on the line of that mistake, with the expected code.

Usage: breakage.py SLAC
"""
import glob
import json
import re
import subprocess
import sys
import tempfile


def check(slac, path):
    out = subprocess.run([slac, "--check", "--format", "json", path],
                         capture_output=True, text=True)
    return out.returncode, json.loads(out.stdout)["diagnostics"]


def fields_of(lines):
    """Field names declared in the record block."""
    names, inside = [], False
    for line in lines:
        if re.match(r"\s*record\s+\w+\s*\{", line):
            inside = True
            continue
        if inside:
            if line.strip().startswith("}"):
                break
            m = re.match(r"\s*(\w+)\s*:", line)
            if m:
                names.append(m.group(1))
    return names


def mutations(lines):
    """(line index, new line, expected code) for each kind of mistake,
    each on a different line."""
    used = set()
    found = {}
    fields = fields_of(lines)
    for i, line in enumerate(lines):
        code = line.split("#")[0]
        if i in used:
            continue
        if "character" not in found and re.match(r"\s*let\s+\w+\s*=", code):
            found["character"] = (i, code.rstrip() + " @", "syntax")
            used.add(i)
        elif "keyword" not in found and re.match(r"\s+\w+\s+when\s", code) \
                and not re.match(r"\s*[+-]", code):
            found["keyword"] = (i, re.sub(r"\swhen\s", " ", code, count=1), "syntax")
            used.add(i)
        elif "type" not in found and re.search(r"(>=|>|<=|<)\s*(\d+)\b", code) \
                and "$" not in code:
            new = re.sub(r"(>=|>|<=|<)\s*(\d+)\b", r'\1 "\2"', code, count=1)
            found["type"] = (i, new, "type-mismatch")
            used.add(i)
    for i, line in enumerate(lines):
        code = line.split("#")[0]
        if "field" in found or i in used or not re.search(r"\bwhen\b|=", code):
            continue
        if re.match(r"\s*(record|policy|timezone|output)\b", code):
            continue
        for f in fields:
            if re.search(r"\b%s\b" % re.escape(f), code) and not re.match(r"\s*%s\s*:" % f, code):
                new = re.sub(r"\b%s\b" % re.escape(f), f + "x", code, count=1)
                found["field"] = (i, new, "undefined-name")
                used.add(i)
                break
    return found


def main():
    slac = sys.argv[1]
    passed = failed = 0
    policies = sorted(p for p in glob.glob("examples/*.sla") + glob.glob("bench/*.sla")
                      if not p.endswith(".test.sla"))  # test files: run by `sla test`
    for path in policies:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        muts = mutations(lines)
        if len(muts) != 4:
            print("FAIL: %s: found only %s to break" % (path, sorted(muts)))
            failed += 1
            continue
        cases = [[k] for k in sorted(muts)] + [sorted(muts)]
        for kinds in cases:
            broken = list(lines)
            for k in kinds:
                i, new, _ = muts[k]
                broken[i] = new
            with tempfile.NamedTemporaryFile("w", suffix=".sla", delete=False) as t:
                t.write("\n".join(broken))
                name = t.name
            status, diags = check(slac, name)
            errors = [d for d in diags if d["severity"] == "error"]
            want = sorted((muts[k][0] + 1, muts[k][2]) for k in kinds)
            got = sorted((d["line"], d["code"]) for d in errors)
            if status == 1 and got == want:
                passed += 1
            else:
                failed += 1
                print("FAIL: %s broken by %s: exit %d, expected %s, got %s"
                      % (path, "+".join(kinds), status, want, got))
                for d in errors:
                    print("   %d:%d %s" % (d["line"], d["column"], d["message"]))
    print("breakage: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
