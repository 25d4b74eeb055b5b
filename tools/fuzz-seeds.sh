#!/usr/bin/env bash
# Writes the seed corpora of the fuzz harnesses, tests/fuzz/corpus/NAME/,
# from the repository's own policies and exports and, when it is there,
# the shared data beside the repository (../shared/data; SHARED_DATA to
# point elsewhere). The seeds are committed: run this again only to
# refresh them, and read `git status` before committing. CSV seeds are cut
# to their first lines so the corpora stay small.
#
# Usage: tools/fuzz-seeds.sh [BUILD_DIR]   (BUILD_DIR/slac writes the .slab seeds)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shared=${SHARED_DATA:-../shared/data}
out=tests/fuzz/corpus
rm -rf "$out"
mkdir -p "$out"/{policy,compile,slab,csv,time}

# Policies: every one the tests have, for the parser; for the compiler
# only those that compile (the others rarely reach code generation).
for f in examples/*.sla bench/*.sla tests/check/*.sla tests/score/*.sla tests/fmt/*.sla; do
    [ -f "$f" ] || continue
    name=$(echo "${f%.sla}" | tr / -)
    cp "$f" "$out/policy/$name"
    if "$build/slac" --check "$f" >/dev/null 2>&1; then
        cp "$f" "$out/compile/$name"
        "$build/slac" "$f" -o "$out/slab/$name" 2>/dev/null
    fi
done

# Exports: the examples' and the golden tests', then the shared ones.
cut_csv() { { head -n 12 "$1" || true; } | head -c 3000 > "$2"; }   # head -c may close the pipe
for f in examples/*.csv tests/score/input/*.csv; do
    cut_csv "$f" "$out/csv/$(echo "${f%.csv}" | tr / -)"
done
if [ -d "$shared" ]; then
    find "$shared" -name '*.csv' | sort | while read -r f; do
        rel=${f#"$shared"/}
        cut_csv "$f" "$out/csv/shared-$(echo "${rel%.csv}" | tr / -)"
    done
fi
# One row in the harness's column types: int, number, money, bool, text,
# time, duration, business duration; then the same with the formats.
printf '42,2.5,1234.50,true,Acme,2026-10-30T16:30:00Z,PT2H,PT2H\n-7,1e3,-0.5,no,"a ""b""",2026-03-08T02:30:00,1:30:00,90m\n' \
    > "$out/csv/types"
printf ',,,,,,,,n/a,-,null,,,11/01/2026 09:30 AM,,\r\n0,0,0,0,0,0,0,0,1,1.5,2,1,x,01.11.26 23:59:59,P1D,P1DT1H\r\n' \
    > "$out/csv/types-formats"

# Times: a zone byte, a time format, business hours (weekday, start and
# end as bytes: minutes / 6), then times, one a line.
hours=$(printf '\x00\x5a\xaa\x01\x5a\xaa\x02\x5a\x78\x02\x82\xaa\x03\x5a\xaa\x04\x5a\x96')
printf '\x01MM/DD/YYYY hh:mm AM\n%s\n2026-11-02T09:30:00\n11/06/2026 04:30 PM\n2026-03-08T02:30:00-05:00\n2026-12-25\n2027-01-01T00:00:00Z\n' \
    "$hours" > "$out/time/new-york"
printf '\x04DD.MM.YY HH:mm:ss\n%s\n2011-12-29T12:00:00\n31.12.11 10:00:00\n2012-01-02T09:00:00\n' \
    "$hours" > "$out/time/apia-skipped-day"
printf '\x03YYYYMMDD\n%s\n20260405\n2026-10-04T01:45:00\n2026-04-05T01:30:00+10:30\n' \
    "$hours" > "$out/time/lord-howe"
printf '\x07M/D/YY h:mm AM\n%s\n2026-02-15T02:00:00\n3/22/26 2:30 AM\n2026-03-22T03:00:00\n' \
    "$hours" > "$out/time/casablanca"
# One business minute a week (Monday 09:00-09:01), and long amounts.
printf '\x00YYYY-MM-DD\n\x07\x5a\x5a\n2026-10-30T16:30:00Z\n2126-10-30T16:30:00Z\n0001-01-01\n9999-12-31T23:59:59\n' \
    > "$out/time/one-minute-a-week"
{ printf '\xff'; cat /usr/share/zoneinfo/America/New_York; } > "$out/time/tzif-new-york"
{ printf '\xff'; cat /usr/share/zoneinfo/Australia/Lord_Howe; } > "$out/time/tzif-lord-howe"
du -sh "$out"
