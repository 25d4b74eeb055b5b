#!/usr/bin/env python3
"""gen-eval-heavy.py - the export bench/eval-heavy.sla reads.

    bench/gen-eval-heavy.py --rows N [--seed S]     (CSV on standard output)

Five short columns (id, a, b, x, m), b empty in about one row in ten: cheap
to read, so that a run's time is mostly the policy's evaluation.
"""
import argparse
import random
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    o = ap.parse_args()
    r = random.Random(o.seed)
    out = sys.stdout
    out.write("id,a,b,x,m\n")
    for i in range(1, o.rows + 1):
        b = "" if r.random() < 0.1 else str(r.randint(0, 400))
        out.write("%d,%d,%s,%.3f,%d.%02d\n" % (i, r.randint(0, 1200), b, r.uniform(-20, 60),
                                             r.randint(0, 2000), r.randint(0, 99)))


if __name__ == "__main__":
    main()
