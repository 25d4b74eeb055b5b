#!/usr/bin/env python3
"""timeit.py - time commands side by side and compare them by their medians.

    bench/timeit.py [--runs N] [--warmup W] [--lines L] [--goal-ms G] \\
        [--stdout FILE] [--ratio-to LABEL] [--rss 1] \\
        -- LABEL CMD [ARG]... [-- LABEL CMD [ARG]...]...

The first command is the one measured; the others are its baselines. Each
round runs every command once, starting each round one command further on,
so that whatever the machine is doing at the time falls on all of them
alike; the machine is shared and noisy, which is also why the figures are
medians and why the table compares the measured command to its baselines
run in the same loop rather than reporting seconds alone. Wall time is taken
with perf_counter_ns around spawning and waiting for the process, so every
row carries the same cost of starting a process from Python: the baselines
show how much of a figure that is.

Every command runs with standard input, output and error on /dev/null and
must exit 0 in every run. With --stdout FILE, standard output goes to FILE
instead, for every command alike, emptied before each run (outside the
time taken).

--ratio-to LABEL turns the ratio column around: each row's median over
LABEL's median (2.00: twice as long as LABEL), for a table of several
commands measured against one bar.

--rss 1 adds the peak memory of each command: its maximum resident set
size, children included, from one more run after the timed ones under
GNU time (/usr/bin/time -f %M; `-` where it is not installed). Not from
the timed runs themselves: a child forked from Python counts Python's own
pages until it execs, which would hide a small command's figure. Exit status: 0 when the measurements complete
(whether or not the goal is met), 1 when a command fails, 2 on bad usage.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time


def usage(msg):
    sys.stderr.write("timeit.py: %s\n%s" % (msg, __doc__.split("\n\n")[1] + "\n"))
    sys.exit(2)


def parse(argv):
    opts = {"--runs": 21, "--warmup": 2, "--lines": 0, "--goal-ms": 0.0,
            "--stdout": "", "--ratio-to": "", "--rss": 0}
    i = 0
    while i < len(argv) and argv[i] != "--":
        if argv[i] not in opts or i + 1 == len(argv):
            usage("unknown option or missing value: %s" % argv[i])
        try:
            opts[argv[i]] = type(opts[argv[i]])(argv[i + 1])
        except ValueError:
            usage("not a number: %s %s" % (argv[i], argv[i + 1]))
        i += 2
    cmds = []
    for tok in argv[i:]:
        if tok == "--":
            cmds.append([])
        else:
            cmds[-1].append(tok)
    if not cmds or any(len(c) < 2 for c in cmds):
        usage("each command needs a label and a program")
    if opts["--runs"] < 1:
        usage("--runs must be at least 1")
    if opts["--ratio-to"] and opts["--ratio-to"] not in [c[0] for c in cmds]:
        usage("--ratio-to names no command: %s" % opts["--ratio-to"])
    return opts, [(c[0], c[1:]) for c in cmds]


def run_once(argv, devnull, stdout_path):
    out = open(stdout_path, "wb") if stdout_path else devnull
    try:
        t0 = time.perf_counter_ns()
        p = subprocess.Popen(argv, stdin=devnull, stdout=out, stderr=devnull)
        rc = p.wait()
        return time.perf_counter_ns() - t0, rc
    finally:
        if stdout_path:
            out.close()


GNU_TIME = "/usr/bin/time"


def peak_kib(argv, devnull, stdout_path):
    """The maximum RSS of one run of argv in KiB, or None without GNU time."""
    if not os.access(GNU_TIME, os.X_OK):
        return None
    with tempfile.NamedTemporaryFile("r") as f:
        _, rc = run_once([GNU_TIME, "-f", "%M", "-o", f.name, "--"] + argv, devnull, stdout_path)
        text = f.read().strip().splitlines()
    if rc != 0 or not text or not text[-1].isdigit():
        return None
    return int(text[-1])


def p90(xs):
    """The nearest-rank 90th percentile."""
    s = sorted(xs)
    return s[max(0, -(-9 * len(s) // 10) - 1)]


def main():
    opts, cmds = parse(sys.argv[1:])
    runs, warmup = opts["--runs"], opts["--warmup"]
    times = [[] for _ in cmds]
    with open(os.devnull, "r+b") as devnull:
        for rnd in range(warmup + runs):
            for k in range(len(cmds)):
                j = (rnd + k) % len(cmds)
                label, argv = cmds[j]
                ns, rc = run_once(argv, devnull, opts["--stdout"])
                if rc != 0:
                    sys.stderr.write("timeit.py: `%s` exited with %d in run %d\n"
                                     % (" ".join(argv), rc, rnd + 1))
                    return 1
                if rnd >= warmup:
                    times[j].append(ns / 1e6)

        rss = [peak_kib(argv, devnull, opts["--stdout"]) if opts["--rss"] else None
               for _, argv in cmds]

    med = [statistics.median(t) for t in times]
    width = max(len(label) for label, _ in cmds)
    first = cmds[0][0]
    bar = opts["--ratio-to"]
    bar_med = med[[c[0] for c in cmds].index(bar)] if bar else 0.0
    head = "%-*s  %5s  %10s  %10s  %10s  %10s" % (width, "", "runs", "median ms", "min ms",
                                                 "p90 ms", "ratio")
    print(head + ("  %12s" % "max RSS MiB" if opts["--rss"] else ""))
    for t, m, r, (label, _) in zip(times, med, rss, cmds):
        row = "%-*s  %5d  %10.3f  %10.3f  %10.3f  %10.2f" % (
            width, label, len(t), m, min(t), p90(t), m / bar_med if bar else med[0] / m)
        if opts["--rss"]:
            row += "  %12s" % ("-" if r is None else "%.1f" % (r / 1024))
        print(row)
    if bar:
        print("ratio: the row's median over the median of `%s`, measured in the same loop" % bar)
    else:
        print("ratio: the median of `%s` over the row's median, measured in the same loop" % first)
    if len(cmds) > 1:
        print("above the baselines (difference of medians): %s"
              % ", ".join("%.3f ms over `%s`" % (med[0] - m, label)
                          for m, (label, _) in zip(med[1:], cmds[1:])))
    if opts["--lines"]:
        print("throughput: %d lines in %.3f ms (median) = %s lines/s"
              % (opts["--lines"], med[0], format(round(opts["--lines"] / (med[0] / 1e3)), ",")))
    if opts["--goal-ms"]:
        met = med[0] < opts["--goal-ms"]
        print("goal: median under %g ms: %s (%.3f ms)"
              % (opts["--goal-ms"], "met" if met else "NOT met", med[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
