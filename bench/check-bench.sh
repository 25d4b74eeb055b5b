#!/usr/bin/env bash
# check-bench.sh - how long `slac --check` takes on a generated 10,000-line policy.
#
#   bench/check-bench.sh SLAC [RUNS]        (`make bench` runs it on build/slac)
#
# Generates bench/out/policy-LINES.sla with gen-policy.py, checks once that
# SLAC accepts it (on errors it prints slac's diagnostics and fails: the
# generator must write a valid policy), then times RUNS runs (default 21)
# of `SLAC --check FILE` with bench/timeit.py, interleaved round by round
# with its baselines:
#   cat FILE > /dev/null    the floor of reading the bytes at all
#   SLAC --version          the floor of starting slac (when SLAC has it)
# It prints median, min and p90 of each in ms, the ratio of the medians,
# lines per second, and whether the goal (median under 20 ms) is met.
# Missing the goal is reported, not a failure: the exit status is 0
# whenever the measurements complete.
#
# Environment:
#   LINES=10000          about how many lines the generated policy has
#   SEED=1               the generator's seed
#   GOAL_MS=20           the goal for the median, in ms (none by default
#                        when LINES is not 10000)
#   SLAC_ARGS=--check    the arguments before FILE; SLAC_ARGS="" times a
#                        driver that takes the file alone (the parse-only
#                        driver from before --check existed)
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 SLAC [RUNS]" >&2
    exit 2
fi
slac=$1
runs=${2:-21}
lines=${LINES:-10000}
seed=${SEED:-1}
# The goal is set for 10,000 lines; other sizes have none unless given.
goal=${GOAL_MS:-}
[ -n "$goal" ] || { [ "$lines" -eq 10000 ] && goal=20 || goal=0; }
read -ra args <<< "${SLAC_ARGS---check}"
python=${PYTHON:-python3}
here=$(dirname "$0")
out=$here/out
file=$out/policy-$lines.sla

if [ ! -x "$slac" ]; then
    echo "$0: $slac is not an executable (run make first)" >&2
    exit 2
fi
mkdir -p "$out"
"$python" "$here/gen-policy.py" --seed "$seed" --lines "$lines" > "$file.tmp"
mv "$file.tmp" "$file"
nlines=$(wc -l < "$file")
nbytes=$(wc -c < "$file")

# One run first, to see that the policy is clean: the figure is for a
# policy that passes, and a generator bug must not pass for a fast checker.
log=$out/check.log
rc=0
"$slac" "${args[@]}" "$file" > "$out/check.out" 2> "$log" || rc=$?
if [ "$rc" -ne 0 ]; then
    if [ "$rc" -eq 1 ]; then
        echo "$0: slac found errors in the generated policy $file:" >&2
    else
        echo "$0: \`$slac ${args[*]} $file\` failed with exit status $rc:" >&2
    fi
    for f in "$out/check.out" "$log"; do
        if [ -s "$f" ]; then head -n 60 "$f" >&2; fi
    done
    exit 1
fi
if [ -s "$log" ]; then
    echo "note: slac has warnings on the generated policy (gen-policy.py should not cause any):"
    head -n 20 "$log"
    echo
fi

# Start-up baseline only when the binary has --version. The second command
# in the subshell keeps it from exec'ing slac, so that the report of a crash
# comes from the subshell, whose output goes to /dev/null.
base_version=()
if ( "$slac" --version; exit $? ) > /dev/null 2>&1; then
    base_version=(-- "slac --version (start-up)" "$slac" --version)
fi

cmd=("$slac" "${args[@]}" "$file")
echo "policy:   $file: $nlines lines, $nbytes bytes (gen-policy.py --seed $seed --lines $lines)"
echo "command:  ${cmd[*]}"
echo "baseline: cat $file > /dev/null"
[ ${#base_version[@]} -eq 0 ] || echo "baseline: $slac --version"
echo "runs:     $runs each, interleaved, after 2 warm-up rounds; load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "run:      $0 $*"
echo
exec "$python" "$here/timeit.py" --runs "$runs" --warmup 2 --lines "$nlines" --goal-ms "$goal" \
    -- "slac${args[*]:+ ${args[*]}}" "${cmd[@]}" \
    -- "cat (read the bytes)" cat "$file" \
    "${base_version[@]}"
