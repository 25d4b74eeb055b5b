#!/usr/bin/env bash
# The unit tests and a sample of the command-line runs under valgrind
# memcheck (make check-valgrind).
#
#   tests/run-valgrind.sh BUILD_DIR
#
# Every run must be clean: no invalid read or write, no use of an
# uninitialised value, no definitely lost block. The only suppressions are
# tests/valgrind-libgccjit.supp's, for what libgccjit itself allocates and
# reads. The runs:
#   - every unit test (BUILD_DIR/tests/*);
#   - slac --check, --dump, fmt --check and -o on every example;
#   - sla score (from the source and from the .slab) and sla report (text,
#     Markdown, JSON and HTML) on every example and its export (the
#     Salesforce examples read ../shared/data beside the repository, and
#     are skipped when it is not there);
#   - sla diff, text and JSON, with rejects;
#   - sla score --jit once (native code, through libgccjit);
#   - sla test on the examples, sla explain once;
#   - every golden case of sla (tests/run-score.sh) and the hostile input
#     made at run time (tests/run-hostile.sh), sla and slac under memcheck.
# Each run's output is compared with nothing (the golden tests do that);
# its exit status must be 0. A failing run's valgrind log is printed.
# Prints `valgrind: N passed, N failed` last; exit 1 on a failure.
set -u
build=${1:-build}
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/run-valgrind.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache
export NO_COLOR=1
shared=${SHARED_DATA:-../shared/data}
pass=0 fail=0 n=0

vg() {   # vg COMMAND...: the command under memcheck must exit 0
    n=$((n + 1))
    local log=$tmp/vg.$n.log
    if valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
        --suppressions=tests/valgrind-libgccjit.supp --log-file="$log" \
        "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $*"
        tail -n 20 "$tmp/err"
        cat "$log"
    fi
}

if ! command -v valgrind > /dev/null; then
    echo "run-valgrind: valgrind is not installed (apt-get install valgrind)"
    exit 2
fi

for t in "$build"/tests/*; do
    [ -x "$t" ] && [ -f "$t" ] || continue
    echo "== $t"
    vg "$t"
done

# example : export : as-of of its golden cases
examples="
inbound-b2b:examples/inbound-b2b.csv:2026-11-01T09:00:00
enterprise-hubspot:examples/enterprise-hubspot.csv:2026-11-01T09:00:00
startup:examples/startup.csv:2026-11-01T09:00:00
salesforce-datacloud:$shared/salesforce-datacloud-workshop/Lead.csv:2024-01-24T00:00:00Z
salesforce-report:$shared/salesforce-powerbi-demo/Lead.csv:2026-02-24T12:00:00
"
for e in $examples; do
    IFS=: read -r name csv asof <<< "$e"
    # the as-of holds colons too: the rest of the line
    asof=${e#"$name:$csv:"}
    sla=examples/$name.sla
    echo "== $sla"
    vg "$build/slac" --check "$sla"
    vg "$build/slac" --dump "$sla"
    vg "$build/slac" fmt --check "$sla"
    vg "$build/slac" "$sla" -o "$tmp/$name.slab"
    if [ ! -f "$csv" ]; then
        echo "run-valgrind: skipped the runs on $csv (not there)"
        continue
    fi
    vg "$build/sla" score "$sla" "$csv" --as-of "$asof" --no-jit --rejects "$tmp/rejects"
    vg "$build/sla" score "$tmp/$name.slab" "$csv" --as-of "$asof" --no-jit --format jsonl \
        --rejects "$tmp/rejects"
    for format in text md json html; do
        vg "$build/sla" report "$sla" "$csv" --as-of "$asof" --no-jit --format "$format" \
            --rejects "$tmp/rejects" -o "$tmp/report"
    done
done

echo "== sla diff"
vg "$build/sla" diff examples/inbound-b2b.sla tests/diff/inbound-b2b-v2.sla examples/inbound-b2b.csv \
    --as-of 2026-11-01T09:00:00 --no-jit
vg "$build/sla" diff examples/inbound-b2b.sla tests/diff/inbound-b2b-v4.sla examples/inbound-b2b.csv \
    --as-of 2026-11-01T09:00:00 --no-jit --format json --rejects "$tmp/rejects" -o "$tmp/diff"

echo "== sla score --jit"
vg "$build/sla" score examples/startup.sla examples/startup.csv --as-of 2026-11-01T00:00:00Z --jit

echo "== sla test, sla explain"
vg "$build/sla" test examples --min-coverage 100
vg "$build/sla" explain examples/inbound-b2b.sla examples/inbound-b2b.csv --id 20417 \
    --as-of 2026-11-01T00:00:00Z

# The golden cases of sla and the hostile input made at run time
# (tests/hostile/README.md), with sla and slac run under memcheck: a
# valgrind error changes a run's exit status (99) and its standard error,
# so the case fails.
abs_build=$build
case $abs_build in /*) ;; *) abs_build=$PWD/$abs_build ;; esac
mkdir -p "$tmp/vg"
for prog in sla slac; do
    printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --suppressions="%s" "%s" "$@"\n' \
        "$PWD/tests/valgrind-libgccjit.supp" "$abs_build/$prog" > "$tmp/vg/$prog"
    chmod +x "$tmp/vg/$prog"
done
echo "== the golden cases of sla under memcheck"
if tests/run-score.sh "$tmp/vg" > "$tmp/golden.log" 2>&1; then
    pass=$((pass + 1)); tail -n 1 "$tmp/golden.log"
else
    fail=$((fail + 1)); echo "FAIL: tests/run-score.sh under memcheck"
    grep -A20 FAIL "$tmp/golden.log" | head -80
fi
echo "== hostile input made at run time under memcheck"
if tests/run-hostile.sh "$tmp/vg" > "$tmp/hostile.log" 2>&1; then
    pass=$((pass + 1)); tail -n 1 "$tmp/hostile.log"
else
    fail=$((fail + 1)); echo "FAIL: tests/run-hostile.sh under memcheck"; head -n 60 "$tmp/hostile.log"
fi

echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
