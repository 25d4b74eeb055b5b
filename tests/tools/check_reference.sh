#!/usr/bin/env bash
# check_reference.sh - `sla score` on the reference policy, against the oracle.
#
#   tests/tools/check_reference.sh SLA
#
# SLA is the sla program (e.g. build/sla). Checks, each one pass or fail:
#   hand: oracle          tests/tools/reference_oracle.py on
#                         tests/reference/hand.csv writes exactly
#                         tests/reference/hand.expected (worked out by hand
#                         from bench-spec.md; see tests/reference/README.md)
#   hand: sla             SLA score bench/reference.sla hand.csv writes the same
#   hand reversed: sla    ... and so it does with hand.csv's columns in reverse
#                         order (the spec binds columns by name, not position)
#   seed S: coverage      for S in $SEEDS: the oracle's output for a generated
#                         file of $ROWS rows (bench/gen-leads.py) holds every
#                         stage, class and sla status, so the comparison below
#                         tests all of them
#   seed S: sla           SLA's output for that file is byte for byte the
#                         oracle's
# Every run is `... --as-of 2026-11-01T00:00:00Z`. On a mismatch it prints the
# first 20 lines of the diff (oracle / expected first, then sla). The last
# line is "reference: N passed, N failed"; exits 1 if anything failed, 2 on a
# usage error.
#
# Environment: PYTHON (default python3), ROWS (default 3000), SEEDS (default
# "1 2").
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 SLA" >&2
    exit 2
fi
sla=$1
case $sla in
    */*) sla=$(cd "$(dirname "$sla")" 2>/dev/null && pwd)/$(basename "$sla") ;;
    *) sla=$(command -v "$sla" || echo "$sla") ;;
esac
python=${PYTHON:-python3}
rows=${ROWS:-3000}
seeds=${SEEDS:-1 2}
asof=2026-11-01T00:00:00Z
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
policy=bench/reference.sla
oracle=tests/tools/reference_oracle.py
hand=tests/reference/hand.csv
expected=tests/reference/hand.expected

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check_reference.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# run NAME OUT CMD...: run CMD with stdout to OUT; on a non-zero exit, fail
# NAME with the exit code and the start of stderr, and return 1.
run() {
    local name=$1 out=$2 rc
    shift 2
    "$@" > "$out" 2> "$tmp/stderr"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        fail "$name: exit $rc: $*"
        head -n 20 "$tmp/stderr" | sed 's/^/    /'
        return 1
    fi
}

# same NAME WANT GOT: pass if the files are byte for byte equal, else fail
# with the start of the diff.
same() {
    if cmp -s "$2" "$3"; then
        pass
    else
        fail "$1: output differs (< wanted, > sla)"
        diff "$2" "$3" | head -n 20 | sed 's/^/    /'
    fi
}

# sla_score NAME INPUT WANT: SLA score the policy over INPUT, compare to WANT.
sla_score() {
    if [ ! -x "$sla" ]; then
        fail "$1: $sla is not an executable"
        return
    fi
    run "$1" "$tmp/got" "$sla" score "$policy" "$2" --as-of "$asof" &&
        same "$1" "$3" "$tmp/got"
}

# -- the hand-worked case ----------------------------------------------------
if run "hand: oracle" "$tmp/hand.oracle" "$python" "$oracle" "$hand" --as-of "$asof"; then
    same "hand: oracle" "$expected" "$tmp/hand.oracle"
fi
sla_score "hand: sla" "$hand" "$expected"
if run "hand reversed: columns" "$tmp/hand-reversed.csv" "$python" -c '
import csv, sys
w = csv.writer(sys.stdout, lineterminator="\n")
for row in csv.reader(open(sys.argv[1], newline="")):
    w.writerow(row[::-1])
' "$hand"; then
    sla_score "hand reversed: sla" "$tmp/hand-reversed.csv" "$expected"
fi

# -- generated files ----------------------------------------------------------
for seed in $seeds; do
    csv=$tmp/leads-$seed.csv want=$tmp/leads-$seed.oracle
    run "seed $seed: gen-leads" "$csv" "$python" bench/gen-leads.py --rows "$rows" --seed "$seed" || continue
    run "seed $seed: oracle" "$want" "$python" "$oracle" "$csv" --as-of "$asof" || continue
    missing=
    for v in customer opportunity sql mql lead subscriber A B C met breached pending n/a; do
        # stage, class and sla are the last three fields; none holds a comma.
        cut -d, -f3- "$want" | tr , '\n' | grep -qxF "$v" || missing="$missing $v"
    done
    if [ -z "$missing" ]; then pass; else fail "seed $seed: coverage: no row has$missing"; fi
    sla_score "seed $seed: sla" "$csv" "$want"
done

echo "reference: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
