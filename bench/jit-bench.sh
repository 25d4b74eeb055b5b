#!/usr/bin/env bash
# jit-bench.sh - native code against the interpreter, and what compiling costs.
#
#   bench/jit-bench.sh SLA [RUNS]           (`make bench` runs it on build/sla)
#
# Two workloads: the reference workload (bench-spec.md: bench/gen-leads.py,
# bench/reference.sla) and an evaluation-heavy policy (bench/eval-heavy.sla,
# 160 score rules and 40 lets over five columns, bench/gen-eval-heavy.py).
# Every figure comes from bench/timeit.py, which runs the commands of one
# table round by round, interleaved, and reports medians and their ratios
# (the machine is shared and noisy):
#   throughput    `--no-jit` against `--jit` with a warm cache, whole export;
#                 the ratio of the jit row is the speed-up (goal: >= 2 on
#                 the evaluation-heavy policy)
#   cold compile  `--jit --no-cache` against `--no-jit` on a one-row export:
#                 the difference of the medians is the compile time
#   cache hit     `--jit` (cached) against `--no-jit` on a one-row export:
#                 the difference is what loading the cached object adds
#                 (goal: under 5 ms)
# The cache is a temporary XDG_CACHE_HOME. Inputs go to bench/out/.
#
# Environment: ROWS (default 200000, the reference export; the
# evaluation-heavy one has the same number of rows).
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 SLA [RUNS]" >&2
    exit 2
fi
sla=$1
runs=${2:-11}
rows=${ROWS:-200000}
python=${PYTHON:-python3}
cd "$(dirname "$0")/.."
mkdir -p bench/out
cache=$(mktemp -d "${TMPDIR:-/tmp}/jit-bench.XXXXXX")
trap 'rm -rf "$cache"' EXIT
export XDG_CACHE_HOME=$cache

leads=bench/out/leads-$rows.csv
heavy=bench/out/eval-heavy-$rows.csv
[ -s "$leads" ] || "$python" bench/gen-leads.py --rows "$rows" --out "$leads"
[ -s "$heavy" ] || "$python" bench/gen-eval-heavy.py --rows "$rows" > "$heavy"
head -2 "$leads" > bench/out/leads-1.csv
head -2 "$heavy" > bench/out/eval-heavy-1.csv
asof=(--as-of 2026-11-01T00:00:00Z -o /dev/null)

for w in reference:$leads:bench/out/leads-1.csv eval-heavy:$heavy:bench/out/eval-heavy-1.csv; do
    IFS=: read -r name input tiny <<< "$w"
    policy=bench/$name.sla
    # The two must agree before either is timed.
    cmp <("$sla" score "$policy" "$input" "${asof[0]}" "${asof[1]}" --no-jit) \
        <("$sla" score "$policy" "$input" "${asof[0]}" "${asof[1]}" --jit) ||
        { echo "jit-bench: $policy: native code and the interpreter disagree" >&2; exit 1; }
    echo
    echo "== $policy: throughput, $rows rows (ratio of the jit row = speed-up)"
    "$python" bench/timeit.py --runs "$runs" --lines "$rows" -- \
        interpreter "$sla" score "$policy" "$input" "${asof[@]}" --no-jit -- \
        jit "$sla" score "$policy" "$input" "${asof[@]}" --jit
    echo
    echo "== $policy: cold compile (difference of medians = compile time)"
    "$python" bench/timeit.py --runs "$runs" -- \
        "jit, no cache" "$sla" score "$policy" "$tiny" "${asof[@]}" --jit --no-cache -- \
        interpreter "$sla" score "$policy" "$tiny" "${asof[@]}" --no-jit
    echo
    echo "== $policy: cache hit (difference of medians = cost of loading; goal < 5 ms)"
    "$python" bench/timeit.py --runs $((runs * 3)) -- \
        "jit, cached" "$sla" score "$policy" "$tiny" "${asof[@]}" --jit -- \
        interpreter "$sla" score "$policy" "$tiny" "${asof[@]}" --no-jit
done
