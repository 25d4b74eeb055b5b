#!/usr/bin/env bash
# Golden tests for `sla score`.
#
# Each directory tests/score/cases/NAME/ is one run of `sla`:
#
#   args        the arguments, one a line, from the repository root (an
#               empty line is an empty argument); `{tmp}` is a fresh
#               directory for the run: write outputs as {tmp}/out and
#               rejects as {tmp}/rejects, a compiled policy is
#               {tmp}/policy.slab
#   stdout      expected standard output, byte for byte
#   stderr      expected standard error, with the run's directory written
#               as {tmp}
#   status      expected exit status
#   output      expected {tmp}/out after the run (absent: there must be
#               no {tmp}/out)
#   rejects     expected {tmp}/rejects after the run (absent: none)
# and optionally, to set the run up:
#   stdin       names, on its first line, the file (from the repository
#               root) to give as standard input (default: /dev/null)
#   old-output  put at {tmp}/out before the run
#   old-rejects put at {tmp}/rejects before the run
#   fifo        make {tmp}/out a FIFO, read while `sla` writes it; what was
#               read is compared with `output`
#   compile     a policy: `slac POLICY -o {tmp}/policy.slab` first
#
# Besides the expected files, every run is checked for what must always
# hold:
#   - no temporary file is left in {tmp};
#   - a failed run leaves {tmp}/out and {tmp}/rejects as they were (the
#     old file, or no file);
#   - JSON Lines output (--format jsonl): every line is a JSON object;
#   - `sla report` and `sla diff` JSON: it follows its schema
#     (tests/tools/check_report_json.py, check_diff_json.py);
#   - with --rejects and exit 0: the rejects file starts with the header
#     line,column,reason,row, and the data rows of the input (counted by
#     a small CSV reader here, not sla's) are the output rows plus the
#     rejects rows; the summary on stderr, if any, says the same numbers;
#   - with compile: the same arguments with the policy's source in place
#     of the .slab give the same stdout, stderr, status and output.
#
# Adding a case is adding a directory with `args`;
# `tests/run-score.sh BUILD --update` writes its expected files from the
# current binary (read them before committing: they must follow from the
# policy and the data, see tests/score/README.md).
#
# With --jit in place of --update, every `sla score` and `sla diff` runs with `--jit`
# (native code) and must give the same expected files, byte for byte: the
# interpreter's output is the expectation. The cache goes to a temporary
# directory (XDG_CACHE_HOME), never the real home.
#
# Usage: tests/run-score.sh [BUILD_DIR] [--update | --jit]
set -u
build=${1:-build}
update=${2:-}
jit=""
if [ "$update" = "--jit" ]; then
    jit=--jit
    update=""
fi
cd "$(dirname "$0")/.." || exit 2
case $build in /*) ;; *) build=$PWD/$build ;; esac
sla="$build/sla"
slac="$build/slac"
[ -x "$sla" ] || { echo "run-score: $sla is not built" >&2; exit 2; }
[ -x "$slac" ] || { echo "run-score: $slac is not built" >&2; exit 2; }
py=""
for cand in /usr/bin/python3 python3; do
    if command -v "$cand" >/dev/null 2>&1; then py=$cand; break; fi
done
[ -n "$py" ] || { echo "run-score: needs python3 (make deps)" >&2; exit 2; }

tmproot=$(mktemp -d "${TMPDIR:-/tmp}/run-score.XXXXXX") || exit 2
trap 'rm -rf "$tmproot"' EXIT
export NO_COLOR=1
export XDG_CACHE_HOME=$tmproot/cache

# The checks that need a CSV or JSON reader:
#   rows FILE              data rows of a CSV file (records less the header)
#   jsonl FILE             every line a JSON object, one key set
#   rejects-header FILE    the first line is line,column,reason,row
# The CSV reader is deliberately simple and separate from sla's: records
# end at LF, CRLF or CR outside quotes; `""` inside quotes is a quote; a
# quote after the start of a field is text; a UTF-8 BOM is skipped.
pycheck='
import json, sys

def records(data):
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # Empty lines after the last row are not rows (docs/formats.md).
    n, i, count, trailing = len(data), 0, 0, 0
    while i < n:
        start = i
        while True:
            if data[i:i + 1] == b"\"":
                i += 1
                while i < n:
                    if data[i] == 0x22:
                        if data[i + 1:i + 2] == b"\"":
                            i += 2
                            continue
                        i += 1
                        break
                    i += 1
            while i < n and data[i] not in (0x2C, 0x0A, 0x0D):
                i += 1
            if i < n and data[i] == 0x2C:
                i += 1
                continue
            break
        count += 1
        trailing = trailing + 1 if i == start else 0
        if i < n:
            i += 2 if data[i:i + 2] == b"\r\n" else 1
    return count - trailing

what, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
if what == "rows":
    print(max(records(data) - 1, 0))
elif what == "jsonl":
    keys = None
    if data and not data.endswith(b"\n"):
        sys.exit("the last line has no line end")
    for k, line in enumerate(data.decode("utf-8").split("\n")[:-1], 1):
        try:
            obj = json.loads(line)
        except ValueError as e:
            sys.exit("line %d is not JSON: %s" % (k, e))
        if not isinstance(obj, dict):
            sys.exit("line %d is not a JSON object" % k)
        if keys is None:
            keys = list(obj)
        elif list(obj) != keys:
            sys.exit("line %d has other keys than line 1" % k)
    print(data.count(b"\n"))
elif what == "rejects-header":
    if not data.startswith(b"line,column,reason,row\n"):
        sys.exit("the rejects file does not start with line,column,reason,row")
'

pass=0 fail=0
problems=()
problem() { problems+=("$*"); }

# Runs sla for the case in $dir with its files in $t; leaves stdout,
# stderr (with $t written as {tmp}) and status in $t/run.*.
run_case() {
    local dir=$1 t=$2 policy_override=${3:-}
    local -a raw=() args=()
    [ -s "$dir/args" ] && mapfile -t raw < "$dir/args"
    local a
    if [ -n "$jit" ] && { [ "${raw[0]:-}" = score ] || [ "${raw[0]:-}" = diff ]; }; then
        raw=("${raw[0]}" "$jit" "${raw[@]:1}")
    fi
    for a in "${raw[@]}"; do
        a=${a//\{tmp\}/$t}
        if [ -n "$policy_override" ] && [ "$a" = "$t/policy.slab" ]; then
            a=$policy_override
        fi
        args+=("$a")
    done
    rm -f "$t/out" "$t/rejects" "$t/fifo.data"
    [ -f "$dir/old-output" ] && cp "$dir/old-output" "$t/out"
    [ -f "$dir/old-rejects" ] && cp "$dir/old-rejects" "$t/rejects"
    local reader=""
    if [ -f "$dir/fifo" ]; then
        mkfifo "$t/out"
        cat "$t/out" > "$t/fifo.data" &
        reader=$!
    fi
    local in=/dev/null
    [ -f "$dir/stdin" ] && in=$(head -n 1 "$dir/stdin")
    "$sla" "${args[@]}" < "$in" > "$t/run.stdout" 2> "$t/run.stderr.raw"
    echo $? > "$t/run.status"
    if [ -n "$reader" ]; then
        # If sla never opened the FIFO, open it once to end the reader.
        if kill -0 "$reader" 2>/dev/null; then
            # shellcheck disable=SC2016
            timeout 5 sh -c ': > "$1"' sh "$t/out"
        fi
        wait "$reader"
    fi
    sed "s|$t|{tmp}|g" "$t/run.stderr.raw" > "$t/run.stderr"
}

# The output as a file: what the FIFO gave, {tmp}/out, or nothing.
output_of() {
    local dir=$1 t=$2
    if [ -f "$dir/fifo" ]; then
        echo "$t/fifo.data"
    elif [ -e "$t/out" ]; then
        echo "$t/out"
    fi
}

# same_file NAME EXPECTED ACTUAL: compare, or both absent.
same_file() {
    local name=$1 want=$2 got=$3
    if [ ! -e "$want" ] && [ -z "$got" ]; then
        return 0
    fi
    if [ ! -e "$want" ]; then
        case $name in
            stdout|stderr|status) problem "$name: the case has no expected file (--update writes it)" ;;
            *) problem "$name: there is a file, and the case expects none" ;;
        esac
        return 1
    fi
    if [ -z "$got" ]; then
        problem "$name: there is no file, and the case expects one"
        return 1
    fi
    if ! cmp -s "$want" "$got"; then
        problem "$name differs (- expected, + actual):"
        problems+=("$(diff -u "$want" "$got" | tail -n +3 | head -30 | sed 's/^/  /')")
        return 1
    fi
}

arg_after() {   # arg_after OPTION ARGS...: the value of OPTION, if given
    local opt=$1
    shift
    while [ $# -gt 0 ]; do
        if [ "$1" = "$opt" ] && [ $# -gt 1 ]; then
            echo "$2"
            return
        fi
        shift
    done
}

input_of() {    # the INPUT argument of `sla score ...`, `sla report ...` or `sla diff ...`
    local want=2
    [ "$1" = diff ] && want=3   # diff OLD NEW INPUT
    shift       # the command
    local n=0
    while [ $# -gt 0 ]; do
        case $1 in
            -o|--output|--format|--as-of|--rejects|--fail-on|--color) shift ;;
            -q|--quiet) ;;
            *) n=$((n + 1)); [ $n -eq $want ] && { echo "$1"; return; } ;;
        esac
        shift
    done
}

for dir in tests/score/cases/*/; do
    dir=${dir%/}
    name=${dir#tests/score/cases/}
    t=$tmproot/$name
    mkdir -p "$t"
    problems=()

    if [ -f "$dir/compile" ]; then
        src=$(head -n 1 "$dir/compile")
        if ! "$slac" "$src" -o "$t/policy.slab" 2> "$t/compile.stderr"; then
            problem "slac $src -o {tmp}/policy.slab failed: $(head -5 "$t/compile.stderr")"
        fi
    fi
    run_case "$dir" "$t"
    status=$(cat "$t/run.status")
    out=$(output_of "$dir" "$t")
    rej=""
    [ -e "$t/rejects" ] && rej="$t/rejects"

    if [ "$update" = "--update" ]; then
        cp "$t/run.stdout" "$dir/stdout"
        cp "$t/run.stderr" "$dir/stderr"
        cp "$t/run.status" "$dir/status"
        if [ -n "$out" ]; then cp "$out" "$dir/output"; else rm -f "$dir/output"; fi
        if [ -n "$rej" ]; then cp "$rej" "$dir/rejects"; else rm -f "$dir/rejects"; fi
    fi

    # -- the expected files
    same_file stdout "$dir/stdout" "$t/run.stdout"
    same_file stderr "$dir/stderr" "$t/run.stderr"
    same_file status "$dir/status" "$t/run.status"
    same_file output "$dir/output" "$out"
    same_file rejects "$dir/rejects" "$rej"

    # -- what always holds
    mapfile -t raw < <([ -s "$dir/args" ] && cat "$dir/args")
    left=$(find "$t" "$XDG_CACHE_HOME" -name '*.tmp*' 2>/dev/null | sed "s|$t|{tmp}|")
    [ -z "$left" ] || problem "temporary files left behind: $left"
    # Not failed runs: a report that fails a --fail-on gate (3) and a test
    # run whose tests fail (1), which write their report all the same.
    if [ "$status" -ne 0 ] && ! { [ "$status" -eq 3 ] && [ "${raw[0]:-}" = report ]; } &&
       ! { [ "$status" -eq 1 ] && [ "${raw[0]:-}" = test ]; }; then
        for f in output rejects; do
            target=$t/out
            [ $f = rejects ] && target=$t/rejects
            [ -f "$dir/fifo" ] && [ $f = output ] && continue
            if [ -f "$dir/old-$f" ]; then
                cmp -s "$dir/old-$f" "$target" || problem "the failed run changed the old $f file"
            elif [ -e "$target" ]; then
                problem "the failed run left a $f file"
            fi
        done
    fi
    if [ "$(arg_after --format "${raw[@]}")" = jsonl ] && [ "$status" -eq 0 ]; then
        jfile=$t/run.stdout
        [ -n "$(arg_after -o "${raw[@]}")" ] && jfile=$out
        if [ -n "$jfile" ] && [ -f "$jfile" ]; then
            "$py" -c "$pycheck" jsonl "$jfile" > /dev/null 2> "$t/jsonl.err" ||
                problem "JSON Lines: $(cat "$t/jsonl.err")"
        fi
    fi
    cmd=${raw[0]:-}
    if { [ "$cmd" = report ] || [ "$cmd" = diff ]; } &&
       [ "$(arg_after --format "${raw[@]}")" = json ] &&
       { [ "$status" -eq 0 ] || { [ "$cmd" = report ] && [ "$status" -eq 3 ]; }; }; then
        # A JSON report or diff follows its schema, and counts every row of
        # the input (status 3 is a report that --fail-on flagged).
        jfile=$t/run.stdout
        [ -n "$(arg_after -o "${raw[@]}")" ] && jfile=$out
        input=$(input_of "${raw[@]}")
        [ "$input" = - ] && input=$(head -n 1 "$dir/stdin")
        rows_in=$("$py" -c "$pycheck" rows "$input")
        "$py" "tests/tools/check_${cmd}_json.py" "$jfile" "$rows_in" > "$t/json.err" 2>&1 ||
            problem "JSON $cmd: $(cat "$t/json.err")"
    fi
    if [ -n "$(arg_after --rejects "${raw[@]}")" ] && [ "$status" -eq 0 ]; then
        input=$(input_of "${raw[@]}")
        [ "$input" = - ] && input=$(head -n 1 "$dir/stdin")
        ofile=$t/run.stdout
        [ -n "$(arg_after -o "${raw[@]}")" ] && ofile=$out
        if [ -z "$rej" ]; then
            problem "exit 0 with --rejects, but no rejects file"
        elif [ -z "$ofile" ] || [ ! -f "$ofile" ]; then
            problem "exit 0, but no output to count"
        else
            "$py" -c "$pycheck" rejects-header "$rej" 2> "$t/rh.err" || problem "$(cat "$t/rh.err")"
            rows_in=$("$py" -c "$pycheck" rows "$input")
            rows_rej=$("$py" -c "$pycheck" rows "$rej")
            if [ "${raw[0]:-}" = report ] || [ "${raw[0]:-}" = diff ]; then
                rows_out=$((rows_in - rows_rej))   # a report or diff counts; its summary must agree
            elif [ "$(arg_after --format "${raw[@]}")" = jsonl ]; then
                rows_out=$("$py" -c "$pycheck" jsonl "$ofile")
            else
                rows_out=$("$py" -c "$pycheck" rows "$ofile")
            fi
            if [ "$rows_in" != "$((rows_out + rows_rej))" ]; then
                problem "rows in ($rows_in) != rows out ($rows_out) + rows rejected ($rows_rej)"
            fi
            summary="sla: $rows_in row$([ "$rows_in" = 1 ] || echo s) read: $rows_out scored, $rows_rej rejected"
            if [ -s "$t/run.stderr" ] && ! grep -qF "$summary" "$t/run.stderr"; then
                problem "the summary does not say \"$summary\": $(cat "$t/run.stderr")"
            fi
        fi
    fi
    if [ -f "$dir/compile" ]; then
        # The same run from the policy's source gives the same bytes.
        mkdir -p "$t/src"
        for f in stdout stderr status; do cp "$t/run.$f" "$t/src/slab.$f"; done
        [ -n "$out" ] && cp "$out" "$t/src/slab.out"
        run_case "$dir" "$t" "$src"
        for f in stdout stderr status; do
            cmp -s "$t/src/slab.$f" "$t/run.$f" || problem "the .slab and the .sla give a different $f"
        done
        out2=$(output_of "$dir" "$t")
        if [ -n "$out" ] || [ -n "$out2" ]; then
            cmp -s "$t/src/slab.out" "$out2" || problem "the .slab and the .sla give a different output file"
        fi
    fi
    case " ${raw[*]} " in
        *" /dev/null "*) [ -c /dev/null ] || problem "/dev/null is no longer a device" ;;
    esac

    if [ ${#problems[@]} -eq 0 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $name"
        printf '  %s\n' "${problems[@]}"
    fi
done

# Every example with a sample export has a CSV and a JSON Lines case.
for sla_file in examples/*.sla; do
    ex=$(basename "$sla_file" .sla)
    [ -f "examples/$ex.csv" ] || continue
    for c in "example-$ex" "example-$ex-jsonl" "slab-$ex" "report-$ex" "report-$ex-midmonth-md" \
             "report-$ex-json"; do
        if [ -d "tests/score/cases/$c" ]; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            echo "FAIL: examples/$ex.sla has no case tests/score/cases/$c"
        fi
    done
done

echo "score: $pass passed, $fail failed"
[ $fail -eq 0 ]
