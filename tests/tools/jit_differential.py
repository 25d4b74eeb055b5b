#!/usr/bin/env python3
"""jit_differential.py - the interpreter and native code must agree, byte for byte.

    jit_differential.py SLA [--count N] [--seed S] [--exprs N] [--rows N] [--jobs N]

For each of N seeds S, S+1, ..., tests/tools/gen_random_policy.py writes a
random well-typed policy (many output expressions each) and an export; SLA
scores it twice, `--no-jit` and `--jit --no-cache`, with --rejects, and the
two runs must give the same exit status, output and rejects. Without
--seed the base seed is taken from the clock and printed, so each run
covers new ground and any failure can be replayed:

    tests/tools/gen_random_policy.py SEED DIR && sla score DIR/policy.sla DIR/input.csv ...

A policy the checker refuses (both runs exit 1 before reading a row: the
generator can write a recycle rule that cuts a window short) is counted
apart and noted. A program the compiler made that its own verifier
refuses is a compiler bug and a failure. Exit status 1 when any pair
differs or any program does not verify.
The cache goes to a temporary XDG_CACHE_HOME.
"""

import concurrent.futures
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "gen_random_policy.py")
sys.path.insert(0, HERE)
import gen_random_policy  # noqa: E402  (in this process: no interpreter start per policy)
AS_OF = "2026-11-01T00:00:00Z"


def run(sla, d, mode, env):
    rej = os.path.join(d, "rejects." + mode)
    args = [sla, "score", os.path.join(d, "policy.sla"), os.path.join(d, "input.csv"),
            "--as-of", AS_OF, "--rejects", rej, "-q"]
    args += ["--no-jit"] if mode == "interp" else ["--jit", "--no-cache"]
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    rejects = open(rej, "rb").read() if os.path.exists(rej) else None
    return p.returncode, p.stdout, rejects, p.stderr


def one(sla, seed, exprs, rows, root, env):
    d = os.path.join(root, str(seed))
    os.mkdir(d)
    gen_random_policy.write(seed, d, exprs, rows)
    a = run(sla, d, "interp", env)
    b = run(sla, d, "jit", env)
    if a[0] == 1 and b[0] == 1 and a[:3] == b[:3] and b"error" in a[3]:
        lines = a[3].decode("utf-8", "replace").strip().splitlines()
        internal = [l for l in lines if "internal error" in l]
        if internal:
            return seed, "broken", internal[0]
        errors = [l for l in lines if ": error: " in l]
        return seed, "refused", (errors or lines)[0]
    if a[:3] != b[:3]:
        what = []
        if a[0] != b[0]:
            what.append("exit %d vs %d" % (a[0], b[0]))
        if a[1] != b[1]:
            la, lb = a[1].split(b"\n"), b[1].split(b"\n")
            k = next((i for i in range(min(len(la), len(lb))) if la[i] != lb[i]), min(len(la), len(lb)))
            what.append("output line %d:\n    interpreter: %r\n    native:      %r" %
                        (k + 1, la[k] if k < len(la) else b"", lb[k] if k < len(lb) else b""))
        if a[2] != b[2]:
            what.append("rejects differ")
        if b[3]:
            what.append("native stderr: " + b[3].decode("utf-8", "replace")[-400:])
        return seed, "differ", "; ".join(what)
    return seed, "same", ""


def main(argv):
    opts = {"--count": 200, "--seed": None, "--exprs": 60, "--rows": 60, "--jobs": os.cpu_count() or 2}
    pos = gen_random_policy.parse_options(argv[1:], opts)
    if len(pos) != 1:
        sys.stderr.write(__doc__)
        return 2
    sla = os.path.abspath(pos[0])
    base = opts["--seed"] if opts["--seed"] is not None else int(time.time() * 1000) % 1000000007
    n = opts["--count"]
    print("jit differential: %d policies of %d expressions over %d rows, seeds %d..%d" %
          (n, opts["--exprs"], opts["--rows"], base, base + n - 1), flush=True)
    started = time.time()
    results = []
    with tempfile.TemporaryDirectory(prefix="jit-diff.") as root:
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(root, "cache"), NO_COLOR="1")
        with concurrent.futures.ThreadPoolExecutor(max_workers=opts["--jobs"]) as ex:
            futs = [ex.submit(one, sla, base + k, opts["--exprs"], opts["--rows"], root, env)
                    for k in range(n)]
            for f in concurrent.futures.as_completed(futs):
                results.append(f.result())
    results.sort()
    differ = [r for r in results if r[1] == "differ"]
    refused = [r for r in results if r[1] == "refused"]
    broken = [r for r in results if r[1] == "broken"]
    for seed, _, what in differ:
        print("FAIL: seed %d: %s" % (seed, what))
        print("  replay: %s %d DIR && %s score DIR/policy.sla DIR/input.csv --as-of %s "
              "--rejects /dev/null --jit" % (GEN, seed, sla, AS_OF))
    # A program the compiler made and its own verifier refuses is a compiler
    # bug (a let computed on one path only was one); a policy the checker
    # refuses (a window its recycling cuts short, say) is the generator's
    # limit, noted.
    for seed, _, what in broken:
        print("FAIL: seed %d: the compiler's program does not verify: %s" % (seed, what))
        print("  replay: %s %d DIR && %s score DIR/policy.sla DIR/input.csv --as-of %s "
              "--rejects /dev/null" % (GEN, seed, sla, AS_OF))
    for seed, _, what in refused[:10]:
        print("note: seed %d: the checker refuses the policy: %s" % (seed, what))
    print("jit differential: %d identical, %d different, %d refused by the checker, "
          "%d that do not verify (%.0f s)" %
          (len(results) - len(differ) - len(refused) - len(broken), len(differ), len(refused),
           len(broken),
           time.time() - started))
    return 1 if differ or broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
