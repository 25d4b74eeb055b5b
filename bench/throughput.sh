#!/usr/bin/env bash
# throughput.sh - sla score on the reference workload against the bar.
#
#   bench/throughput.sh [BUILD_DIR]         (`make bench` runs it on build/)
#
# The reference workload (/work/shared/bench-spec.md): the lead export of
# bench/gen-leads.py, ROWS rows (default 1,000,000, about 140 MB) of seed
# SEED (default 1), cached in bench/out/leads-ROWS-sSEED.csv, scored with
# bench/reference.sla as of 2026-11-01 00:00:00 UTC.
#
# First the outputs must agree, or the script stops with status 1: `sla
# score` (interpreter and native code) must write, byte for byte, what
# the hand-written program bench/baseline.c writes, on the export and on
# bench/nasty.csv (quoted commas, line breaks and "" escapes, blanks, a
# header in another order and case, boolean words, empty lines at the
# end) with LF, CRLF and CR line ends and through a pipe. Miller's and
# DuckDB's outputs are compared as well; one that differs is left out of
# the table, with a note.
#
# Then one table from bench/timeit.py: every command runs once per round,
# RUNS rounds (default 7) after one warm-up, interleaved (the machine is
# shared and noisy), each writing its CSV to standard output, which is
# the same file, bench/out/throughput.out, for every command. Rows:
#   sla score        the interpreter (--no-jit), on every core (the default
#                    --threads)
#   sla score --jit  native code, its cache warm (a temporary XDG_CACHE_HOME
#                    filled by the check before), on every core
#   ... -t1          the same on one thread, like for like with the baseline
#   baseline         bench/baseline.c: the reference policy written by hand
#                    in plain C, single-threaded, -O2: the bar a compiled
#                    policy must reach and pass
#   wc -l            the floor: reading the bytes at all
#   duckdb           bench/reference-duckdb.sql, `read_csv` and `COPY ...
#                    TO` CSV, if `duckdb` is on PATH (or DUCKDB names a
#                    program taking `-c SQL`); not a Debian package, but
#                    npm's is: bench/duckdb-node.mjs says how
#   mlr              bench/reference.mlr, `mlr --icsv --ocsv put`, if Miller
#                    is installed (Debian: miller; make deps installs it)
# Columns: the median wall time, from spawning the process to its exit;
# ratio, the row's median over the baseline's (2.00: twice as long as the
# hand-written program; under 1: faster than it); max RSS, the peak
# resident memory of one further run under GNU time, children included
# (the baseline maps the whole file, and pages of a mapped file count).
# DuckDB and Miller use more than one thread; the others use one.
#
# Environment: ROWS, SEED, RUNS, PYTHON, DUCKDB.
set -euo pipefail
build=${1:-build}
rows=${ROWS:-1000000}
seed=${SEED:-1}
runs=${RUNS:-7}
python=${PYTHON:-python3}
cd "$(dirname "$0")/.."
sla=$build/sla
baseline=$build/bench/baseline
for prog in "$sla" "$baseline"; do
    [ -x "$prog" ] || { echo "throughput: no $prog (make $build/sla $build/bench/baseline)" >&2; exit 2; }
done
mkdir -p bench/out
tmp=$(mktemp -d "${TMPDIR:-/tmp}/throughput.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache

csv=bench/out/leads-$rows-s$seed.csv
if [ ! -f "$csv" ]; then
    echo "generating $csv"
    "$python" bench/gen-leads.py --rows "$rows" --seed "$seed" --out "$csv.part"
    mv "$csv.part" "$csv"
fi
asof=(--as-of 2026-11-01T00:00:00Z -q)

fail() {
    echo "throughput: $*" >&2
    exit 1
}

# The hand-written program and sla must agree before anything is timed.
"$baseline" "$csv" > "$tmp/baseline.csv" || fail "$baseline failed on $csv"
"$sla" score bench/reference.sla "$csv" "${asof[@]}" --no-jit > "$tmp/sla.csv" ||
    fail "sla score failed on $csv"
cmp "$tmp/baseline.csv" "$tmp/sla.csv" ||
    fail "sla score (interpreter) and bench/baseline.c disagree on $csv"
"$sla" score bench/reference.sla "$csv" "${asof[@]}" --jit > "$tmp/sla.csv" ||
    fail "sla score --jit failed on $csv"
cmp "$tmp/baseline.csv" "$tmp/sla.csv" ||
    fail "sla score --jit and bench/baseline.c disagree on $csv"
cp bench/nasty.csv "$tmp/nasty-lf.csv"
sed 's/$/\r/' bench/nasty.csv > "$tmp/nasty-crlf.csv"
tr '\n' '\r' < bench/nasty.csv > "$tmp/nasty-cr.csv"
for f in "$tmp"/nasty-*.csv; do
    name=bench/nasty.csv\ \($(basename "$f" .csv | sed 's/nasty-//')\)
    "$sla" score bench/reference.sla "$f" "${asof[@]}" --no-jit > "$tmp/n-sla.csv" ||
        fail "sla score failed on $name"
    "$baseline" "$f" > "$tmp/n-base.csv" || fail "$baseline failed on $name"
    cmp "$tmp/n-sla.csv" "$tmp/n-base.csv" || fail "sla score and bench/baseline.c disagree on $name"
    "$baseline" < "$f" | cmp - "$tmp/n-base.csv" ||
        fail "bench/baseline.c reads $name differently from a pipe"
done
echo "outputs agree: sla score (interpreter, --jit) = bench/baseline.c on $csv and bench/nasty.csv"

# The other tools, where installed, and only if they compute the same.
others=()
notes=()
duckdb=${DUCKDB:-$(command -v duckdb || true)}
if [ -n "$duckdb" ]; then
    sql=$(sed "s|INPUT|$csv|" bench/reference-duckdb.sql)
    if $duckdb -c "$sql" > "$tmp/duckdb.csv" 2> "$tmp/duckdb.err" &&
        cmp -s "$tmp/duckdb.csv" "$tmp/baseline.csv"; then
        others+=(-- duckdb $duckdb -c "$sql")
    else
        notes+=("duckdb: left out: its output differs from the baseline's ($(head -c 200 "$tmp/duckdb.err"))")
    fi
else
    notes+=("duckdb: not installed (not a Debian package; see bench/duckdb-node.mjs)")
fi
if command -v mlr > /dev/null; then
    mlr=(mlr --icsv --ocsv put -f bench/reference.mlr "$csv")
    if "${mlr[@]}" > "$tmp/mlr.csv" 2> "$tmp/mlr.err" && cmp -s "$tmp/mlr.csv" "$tmp/baseline.csv"; then
        others+=(-- mlr "${mlr[@]}")
    else
        notes+=("mlr: left out: its output differs from the baseline's ($(head -c 200 "$tmp/mlr.err"))")
    fi
else
    notes+=("mlr: not installed (Debian: apt-get install miller, or make deps)")
fi
rm -f "$tmp"/*.csv

echo
echo "== reference workload, $rows rows (seed $seed), $runs rounds: ratio = median / baseline's median"
"$python" bench/timeit.py --runs "$runs" --warmup 1 --lines "$rows" --rss 1 \
    --stdout bench/out/throughput.out --ratio-to baseline \
    -- "sla score" "$sla" score bench/reference.sla "$csv" "${asof[@]}" --no-jit \
    -- "sla score --jit" "$sla" score bench/reference.sla "$csv" "${asof[@]}" --jit \
    -- "sla score -t1" "$sla" score bench/reference.sla "$csv" "${asof[@]}" --no-jit --threads 1 \
    -- "sla score --jit -t1" "$sla" score bench/reference.sla "$csv" "${asof[@]}" --jit --threads 1 \
    -- baseline "$baseline" "$csv" \
    -- "wc -l" wc -l "$csv" \
    "${others[@]}"
for n in "${notes[@]}"; do
    echo "$n"
done
