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
#   - sla score --jit once (native code, through libgccjit).
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

echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
