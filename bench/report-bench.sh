#!/bin/sh
# report-bench.sh - what adding up the report costs over scoring alone.
#
#   bench/report-bench.sh BUILD_DIR [ROWS]
#
# Generates the reference lead export (bench-spec.md, default 1,000,000
# rows) and a policy made of bench/reference.sla plus four quotas and two
# check-ins, then times, side by side in one loop, `sla report` (every
# record scored and added up, one report written) against `sla score` of
# the same policy and file (every record scored, every row written), and
# `wc -l` as the floor. The figure that matters is report / score.
set -eu
build=${1:-build}
rows=${2:-1000000}
dir=$build/bench
mkdir -p "$dir"
csv=$dir/leads-$rows.csv
[ -f "$csv" ] || python3 bench/gen-leads.py --rows "$rows" --out "$csv"
policy=$dir/report.sla
{
    cat bench/reference.sla
    cat <<'SLA'

quota sales {
  400 mql at became_mql_at per month
  30% mql to sql at became_mql_at per quarter
  95% handoff met per month
  $1,000,000 sum deal_amount when deal_won at created_at per quarter
}
checkins monthly on day 1, mid-month on day 15
SLA
} > "$policy"
as_of=2026-11-01T00:00:00Z
"$build/sla" report "$policy" "$csv" --as-of $as_of -o /dev/null
python3 bench/timeit.py --runs "${RUNS:-7}" --warmup 1 --lines "$rows" \
    -- "sla report" "$build/sla" report "$policy" "$csv" --as-of $as_of -o /dev/null \
    -- "sla score" "$build/sla" score "$policy" "$csv" --as-of $as_of -o /dev/null \
    -- "wc -l" wc -l "$csv"
