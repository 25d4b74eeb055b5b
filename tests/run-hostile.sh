#!/usr/bin/env bash
# The hostile inputs too large, too many or too slow to keep as files in
# tests/score/cases, made here at run time; each with its exact expected
# behaviour (tests/hostile/README.md is the whole catalogue):
#
#   - a 100 MB field: refused at its line, beyond the 64 MiB record limit,
#     with or without --rejects, and no output or rejects file left;
#   - 4,096 columns read, and 4,097 refused at the header with the limit;
#   - a header with empty names: read, the unnamed columns skipped;
#   - a policy with thousands of lets, score rules, stages and classes:
#     checks clean and scores; one past the 65,535 values a program may
#     hold: refused with the limit, no crash;
#   - runs stopped by SIGINT, SIGTERM and SIGHUP while writing -o FILE:
#     the old FILE untouched, no temporary file left; by SIGKILL: the old
#     FILE untouched (only the temporary file can remain);
#   - rows in = rows out + rows rejected on a large export with bad rows
#     (ragged, unreadable, empty lines).
#
# Usage: tests/run-hostile.sh [BUILD_DIR]
set -u
build=${1:-build}
cd "$(dirname "$0")/.." || exit 2
case $build in /*) ;; *) build=$PWD/$build ;; esac
sla=$build/sla
slac=$build/slac
[ -x "$sla" ] && [ -x "$slac" ] || { echo "run-hostile: $build is not built" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sla-hostile.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect NAME STATUS STDERR -- command...: the exit status and the whole of
# standard error.
expect() {
    local name=$1 want_status=$2 want_err=$3
    shift 4
    "$@" > "$tmp/out.txt" 2> "$tmp/err.txt"
    local status=$?
    local err
    err=$(sed "s|$tmp|{tmp}|g" "$tmp/err.txt")
    if [ "$status" -eq "$want_status" ] && [ "$err" = "$want_err" ]; then ok; else
        bad "$name: exit $status (want $want_status)"
        diff <(printf '%s\n' "$want_err") <(printf '%s\n' "$err") | head -10
    fi
}

cat > "$tmp/small.sla" <<'EOF'
policy "small"
record lead {
  id       : int  from "Lead ID"
  email    : text from "Email"
  score_in : int  from "Score"
}
stages {
  lead
  mql  when score_in >= 7
}
EOF

# ---- a 100 MB field ---------------------------------------------------------
python3 - "$tmp/big.csv" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write('Lead ID,Email,Score\n1,a@b.com,5\n2,"')
    f.write("x" * (100 << 20))
    f.write('",7\n3,c@d.com,9\n')
EOF
expect "100 MB field" 1 "{tmp}/big.csv:3: a record larger than 64 MiB (is a quote left open?)" -- \
    "$sla" score "$tmp/small.sla" "$tmp/big.csv" -o "$tmp/big.out"
[ ! -e "$tmp/big.out" ] && ok || bad "100 MB field: an output file was left"
expect "100 MB field, --rejects" 1 \
    "{tmp}/big.csv:3: a record larger than 64 MiB (is a quote left open?)" -- \
    "$sla" score "$tmp/small.sla" "$tmp/big.csv" -o "$tmp/big.out" --rejects "$tmp/big.rej"
[ ! -e "$tmp/big.out" ] && [ ! -e "$tmp/big.rej" ] && ok ||
    bad "100 MB field, --rejects: an output or rejects file was left"
rm -f "$tmp/big.csv"

# ---- as many columns as a record may have, and one more -------------------------
python3 - "$tmp" <<'EOF'
import sys
d = sys.argv[1]
for n, name in ((4096, "wide.csv"), (4097, "wider.csv")):
    cols = ["Lead ID", "Email", "Score"] + ["c%d" % i for i in range(n - 3)]
    row = ["1", "a@b.com", "9"] + ["x"] * (n - 3)
    open(d + "/" + name, "w").write(",".join(cols) + "\n" + ",".join(row) + "\n")
EOF
expect "4096 columns" 0 "" -- "$sla" score "$tmp/small.sla" "$tmp/wide.csv"
[ "$(cat "$tmp/out.txt")" = "$(printf 'id,stage\n1,mql')" ] && ok || bad "4096 columns: output"
expect "4097 columns" 1 "{tmp}/wider.csv:1: too many fields (more than 4096)" -- \
    "$sla" score "$tmp/small.sla" "$tmp/wider.csv"

# ---- a header with empty names ----------------------------------------------------
printf 'Lead ID,,Email,,Score\n1,x,a@b.com,,9\n' > "$tmp/blank-names.csv"
expect "empty column names" 0 "" -- "$sla" score "$tmp/small.sla" "$tmp/blank-names.csv"
[ "$(cat "$tmp/out.txt")" = "$(printf 'id,stage\n1,mql')" ] && ok || bad "empty column names: output"

# ---- thousands of rules -----------------------------------------------------------
python3 - "$tmp" <<'EOF'
import sys
d = sys.argv[1]
def policy(lets, rules, stages, classes):
    out = ['policy "many rules"', "record lead {", '  id       : int  from "Lead ID"',
           '  email    : text from "Email"', '  score_in : int  from "Score"', "}"]
    for i in range(lets):
        prev = "score_in" if i == 0 else "l%d" % (i - 1)
        out.append("let l%d = %s + %d" % (i, prev, i % 7))
    out.append("score {")
    for i in range(rules):
        out.append("  +%d when l%d > %d" % (i % 5 + 1, i % lets, i))
    out.append("}")
    out.append("stages {")
    out.append("  s0")
    for i in range(1, stages):
        out.append("  s%d when score > %d" % (i, i * 3))
    out.append("}")
    out.append("classes {")
    for i in range(classes - 1):
        out.append("  k%d when score > %d" % (i, (classes - i) * 4))
    out.append("  k%d otherwise" % (classes - 1))
    out.append("}")
    return "\n".join(out) + "\n"
open(d + "/many.sla", "w").write(policy(2000, 3000, 300, 300))
open(d + "/toomany.sla", "w").write(policy(40000, 40000, 2, 2))
EOF
expect "thousands of rules: check" 0 "" -- "$slac" --check "$tmp/many.sla"
printf 'Lead ID,Email,Score\n1,a@b.com,5\n2,c@d.com,900\n' > "$tmp/three.csv"
expect "thousands of rules: score" 0 "" -- "$sla" score "$tmp/many.sla" "$tmp/three.csv"
[ "$(wc -l < "$tmp/out.txt")" -eq 3 ] && ok || bad "thousands of rules: $(wc -l < "$tmp/out.txt") output lines"
"$slac" "$tmp/toomany.sla" -o "$tmp/toomany.slab" > /dev/null 2> "$tmp/err.txt"
status=$?
if [ $status -eq 1 ] && grep -q "the policy is too large to compile (it needs [0-9]* values; the most is 65535)" "$tmp/err.txt"; then
    ok
else
    bad "past the register limit: exit $status: $(head -3 "$tmp/err.txt")"
fi
[ ! -e "$tmp/toomany.slab" ] && ok || bad "past the register limit: a .slab was written"

# ---- interrupted runs ---------------------------------------------------------------
# The export comes through a FIFO: the run reads and writes part of it, then
# waits for more, and is stopped there, mid-way, whatever the machine's speed.
python3 bench/gen-leads.py --rows 300000 --seed 7 --out "$tmp/leads.csv" || exit 2
printf 'the old output\n' > "$tmp/old.txt"
mkfifo "$tmp/in.fifo" || exit 2
for sig in INT TERM HUP KILL; do
    cp "$tmp/old.txt" "$tmp/scored.csv"
    # Started with every signal at its default (a shell leaves SIGINT
    # ignored in a background job, and an ignored signal stays ignored).
    python3 -c 'import os, signal, sys
for s in (signal.SIGINT, signal.SIGQUIT):
    signal.signal(s, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$sla" score bench/reference.sla - \
        --as-of 2026-11-01T00:00:00Z -o "$tmp/scored.csv" --no-jit \
        < "$tmp/in.fifo" 2> /dev/null &
    pid=$!
    exec 3> "$tmp/in.fifo"
    head -n 100000 "$tmp/leads.csv" >&3
    # It has the rows; wait until it is writing (its temporary file
    # exists), then stop it while it waits for more.
    for _ in $(seq 500); do
        ls "$tmp"/scored.csv.tmp* > /dev/null 2>&1 && break
        sleep 0.01
    done
    sleep 0.1
    kill -s "$sig" "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
    status=$?
    exec 3>&-
    if [ $status -eq 0 ]; then
        bad "SIG$sig: the run was not stopped"
        continue
    fi
    cmp -s "$tmp/old.txt" "$tmp/scored.csv" && ok || bad "SIG$sig: the old output was changed"
    left=$(ls "$tmp"/scored.csv.tmp* 2> /dev/null)
    if [ "$sig" = KILL ]; then
        rm -f "$tmp"/scored.csv.tmp*
        ok
    else
        [ -z "$left" ] && ok || bad "SIG$sig: a temporary file was left: $left"
    fi
done

# ---- rows in = rows out + rows rejected, on a large export with bad rows --------------
python3 - "$tmp/leads.csv" "$tmp/bad.csv" <<'EOF'
import sys
src, dst = sys.argv[1], sys.argv[2]
with open(src) as f, open(dst, "w") as out:
    for i, line in enumerate(f):
        if i and i % 997 == 0:
            line = line.replace(",", ",not a number,", 1)     # ragged and unreadable
        if i and i % 1999 == 0:
            line = "\n"                                            # an empty line
        out.write(line)
EOF
"$sla" score bench/reference.sla "$tmp/bad.csv" --as-of 2026-11-01T00:00:00Z \
    -o "$tmp/bad.out" --rejects "$tmp/bad.rej" 2> "$tmp/err.txt"
status=$?
rows_in=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))) - 1)' "$tmp/bad.csv")
rows_out=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))) - 1)' "$tmp/bad.out")
rows_rej=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))) - 1)' "$tmp/bad.rej")
if [ $status -eq 0 ] && [ "$rows_in" -eq $((rows_out + rows_rej)) ] && [ "$rows_rej" -gt 0 ]; then
    ok
else
    bad "bad rows: exit $status, $rows_in in, $rows_out out, $rows_rej rejected: $(head -2 "$tmp/err.txt")"
fi

echo "hostile: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
