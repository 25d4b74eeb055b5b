#!/usr/bin/env bash
# `sla score` and `sla report` with --threads: the same bytes whatever the
# number of threads. Every run is made with --threads 1 (the sequential
# reader and loop) and again with 2, 3 and 8, each also with the input cut
# into a chunk per record (SLA_TEST_CHUNK_BYTES=1), and with that and the
# main thread reading on alone from the first place with no cut in 64
# bytes (SLA_TEST_TAIL_BYTES=64: a long quoted record, a run of empty
# lines), and must give the same
# standard output, standard error, exit status, output file and rejects
# file, byte for byte. The runs:
#
#   - every golden case of tests/score/cases that runs score or report
#     (its own arguments);
#   - every input of tests/score/input with the cases' policy, with
#     --rejects and without (the first bad row ends the run);
#   - the examples' exports with their policies, score and report;
#   - a 200,000-row reference export (bench/gen-leads.py), as written and
#     with bad rows mixed in (empty lines and a run of them past the 64
#     held back, ragged rows, bad cells, stray quotes, quoted line ends,
#     CRLF rows), with --rejects, without (to standard output, so the
#     rows written before the first bad row are compared too: one bad
#     row after many flushes), as JSON Lines, from standard input, and
#     with native code;
#   - the progress line on a terminal (script(1)), and not with -q.
#
# Usage: tests/run-threads.sh [BUILD_DIR]
set -u
build=${1:-build}
cd "$(dirname "$0")/.." || exit 2
case $build in /*) ;; *) build=$PWD/$build ;; esac
sla=$build/sla
slac=$build/slac
[ -x "$sla" ] && [ -x "$slac" ] || { echo "run-threads: $build is not built" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sla-threads.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
export NO_COLOR=1
export XDG_CACHE_HOME=$tmp/cache
pass=0
fail=0

# run DIR STDIN ARGS...: one run of sla, its results in DIR.
run() {
    local d=$1 in=$2
    shift 2
    rm -rf "$d"
    mkdir -p "$d"
    local -a args=()
    local a
    for a in "$@"; do args+=("${a//\{tmp\}/$d}"); done
    "$sla" "${args[@]}" < "$in" > "$d/stdout" 2> "$d/stderr.raw"
    echo $? > "$d/status"
    sed "s|$d|{tmp}|g" "$d/stderr.raw" > "$d/stderr"
    rm -f "$d/stderr.raw"
}

# check NAME STDIN ARGS...: the run with --threads 1 against 2, 3 and 8.
check() {
    local name=$1 in=$2
    shift 2
    local cmd=$1
    shift
    run "$tmp/one" "$in" "$cmd" --threads 1 "$@"
    local n cut ok=1
    for n in 2 3 8; do
        for cut in "" 1 1:64; do
            local tail=
            [[ $cut == *:* ]] && tail=${cut#*:}
            SLA_TEST_CHUNK_BYTES=${cut%:*} SLA_TEST_TAIL_BYTES=$tail \
                run "$tmp/many" "$in" "$cmd" --threads $n "$@"
            if ! diff -r "$tmp/one" "$tmp/many" > "$tmp/diff.txt"; then
                echo "FAIL: $name: --threads $n${cut:+ (SLA_TEST_CHUNK_BYTES:SLA_TEST_TAIL_BYTES $cut)} differs from --threads 1:"
                head -20 "$tmp/diff.txt"
                ok=0
                break 2
            fi
        done
    done
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}

# The golden cases.
for dir in tests/score/cases/*/; do
    [ -s "$dir/args" ] && [ ! -f "$dir/fifo" ] || continue
    mapfile -t raw < "$dir/args"
    [ "${raw[0]}" = score ] || [ "${raw[0]}" = report ] || continue
    in=/dev/null
    [ -f "$dir/stdin" ] && in=$(head -n 1 "$dir/stdin")
    if [ -f "$dir/compile" ]; then
        mkdir -p "$tmp/one" "$tmp/many"
        "$slac" "$(head -n 1 "$dir/compile")" -o "$tmp/policy.slab" 2>/dev/null
        raw=("${raw[@]//\{tmp\}\/policy.slab/$tmp/policy.slab}")
    fi
    if [ -f "$dir/old-output" ] || [ -f "$dir/old-rejects" ]; then
        continue   # their point is the old file; the arguments are checked elsewhere
    fi
    check "case $(basename "$dir")" "$in" "${raw[@]}"
done

# The golden cases' inputs, with and without --rejects.
for f in tests/score/input/*.csv; do
    base=(tests/score/policy.sla "$f" --as-of 2026-11-01T00:00:00Z)
    check "input $f --rejects" /dev/null score "${base[@]}" --rejects '{tmp}/rejects' -o '{tmp}/out'
    check "input $f" /dev/null score "${base[@]}"
    check "input $f report" /dev/null report "${base[@]}" --rejects '{tmp}/rejects' --format json
done

# The examples.
for csv in examples/*.csv; do
    policy=${csv%.csv}.sla
    [ -f "$policy" ] || continue
    check "example $csv" /dev/null score "$policy" "$csv" --as-of 2026-11-01T00:00:00Z --rejects '{tmp}/rejects'
    check "example $csv report" /dev/null report "$policy" "$csv" --as-of 2026-11-01T00:00:00Z --format json
done

# A large export, clean and with bad rows.
python3 bench/gen-leads.py --rows 200000 --seed 7 --out "$tmp/leads.csv" || exit 2
python3 - "$tmp/leads.csv" "$tmp/bad.csv" "$tmp/late-bad.csv" <<'EOF'
import random, sys
rnd = random.Random(11)
lines = open(sys.argv[1], "rb").read().split(b"\n")
out = [lines[0] + b"\n"]
for k, line in enumerate(lines[1:], 1):
    if not line:
        continue
    r = rnd.random()
    if k == 150000:
        out.append(b"\n" * 70)               # past the 64 empty lines held back
    if r < 0.002:
        out.append(b"\n")                    # an empty line before the row
    elif r < 0.004:
        line = line.rsplit(b",", 1)[0]       # ragged
    elif r < 0.006:
        f = line.split(b",")
        f[0] = f[0] + b"x"                   # not a whole number
        line = b",".join(f)
    elif r < 0.007:
        line = line.replace(b",", b',ab"c', 1)   # a quote inside an unquoted field
    elif r < 0.009:
        f = line.split(b",")
        f[2] = b'"two\nlines, ""quoted"""'       # a quoted line end
        line = b",".join(f)
    elif r < 0.011:
        out.append(line + b"\r\n")
        continue
    out.append(line + b"\n")
out.append(b"\n\n")
open(sys.argv[2], "wb").writelines(out)
# One bad row, late: the rows before it fill many flushes of standard output.
lines[123457] = lines[123457].rsplit(b",", 1)[0]
open(sys.argv[3], "wb").write(b"\n".join(lines))
EOF
head -c 3000000 "$tmp/bad.csv" > "$tmp/bad-head.csv"
for f in leads bad; do
    base=(bench/reference.sla "$tmp/$f.csv" --as-of 2026-11-01T00:00:00Z)
    check "$f.csv" /dev/null score "${base[@]}" --rejects '{tmp}/rejects' -o '{tmp}/out' --no-jit
    check "$f.csv jsonl" /dev/null score "${base[@]}" --rejects '{tmp}/rejects' --format jsonl --no-jit
    check "$f.csv report" /dev/null report "${base[@]}" --rejects '{tmp}/rejects' --format json --no-jit
done
check "bad.csv native code" /dev/null score bench/reference.sla "$tmp/bad.csv" --as-of 2026-11-01T00:00:00Z --rejects '{tmp}/rejects' -o '{tmp}/out' --jit
check "bad.csv from standard input" "$tmp/bad.csv" score bench/reference.sla - --as-of 2026-11-01T00:00:00Z --rejects '{tmp}/rejects' --no-jit
check "bad.csv without --rejects" /dev/null score bench/reference.sla "$tmp/bad.csv" --as-of 2026-11-01T00:00:00Z --no-jit
check "late-bad.csv without --rejects" /dev/null score bench/reference.sla "$tmp/late-bad.csv" --as-of 2026-11-01T00:00:00Z --no-jit
check "bad-head.csv (cut inside a row)" /dev/null score bench/reference.sla "$tmp/bad-head.csv" --as-of 2026-11-01T00:00:00Z --rejects '{tmp}/rejects' --no-jit

# The progress line: on a terminal only (script(1) gives sla one for
# standard error), after the first second (the input pauses), cleared at
# the end; never with -q, and never in a pipe (every run above).
progress() {
    local name=$1 want=$2
    shift 2
    script -qec "sh -c '(head -n 9000 \"$tmp/leads.csv\"; sleep 1.3; tail -n +9001 \"$tmp/leads.csv\") | \"$sla\" score bench/reference.sla - --as-of 2026-11-01T00:00:00Z -o \"$tmp/progress.out\" $*'" /dev/null > "$tmp/tty.txt" 2>&1
    local got=none
    if grep -q 'rows/s' "$tmp/tty.txt"; then
        got=shown
        # The last thing written is the line cleared.
        [ "$(tail -c 4 "$tmp/tty.txt" | od -An -c | tr -d ' ')" = '\r033[K' ] || got="shown, not cleared"
    fi
    if [ "$got" = "$want" ] && cmp -s "$tmp/progress.out" "$tmp/one-leads.out"; then
        pass=$((pass + 1))
    else
        echo "FAIL: progress line, $name: $got, expected $want (or the output differs)"
        od -c "$tmp/tty.txt" | head -5
        fail=$((fail + 1))
    fi
}
if command -v script > /dev/null; then
    "$sla" score bench/reference.sla "$tmp/leads.csv" --as-of 2026-11-01T00:00:00Z -o "$tmp/one-leads.out"
    progress "one thread" shown --threads 1
    progress "two threads" shown --threads 2
    progress "-q" none --threads 2 -q
else
    echo "run-threads: no script(1): the progress line is not checked"
fi

echo "threads: $pass passed, $fail failed"
[ $fail = 0 ]
