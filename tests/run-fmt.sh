#!/usr/bin/env bash
# Golden tests for `slac fmt`, and its two promises over every policy in
# the repository.
#
# Each tests/fmt/NAME.sla is formatted; what `slac fmt` writes (standard
# output and error, no colour) and its exit status must equal
# tests/fmt/NAME.expected exactly (the last line is `exit: N`).
# `tests/run-fmt.sh BUILD --update` rewrites the .expected files.
#
# Then, for every policy without syntax errors (examples, bench, the check
# and score tests, the cases here): formatting twice changes nothing more
# (idempotence), and the formatted policy compiles to the same program:
# `slac --dump` output equal once its `; line N` source markers are dropped,
# or, for a policy that does not compile, the same diagnostics with their
# line:col removed. The bundled examples must already be formatted.
#
# Usage: tests/run-fmt.sh [BUILD_DIR] [--update]
set -u
build=${1:-build}
update=${2:-}
slac="$build/slac"
sla_bin="$build/sla"
cd "$(dirname "$0")/.." || exit 2
[ -x "$slac" ] || { echo "run-fmt: $slac is not built" >&2; exit 2; }

pass=0 fail=0
export NO_COLOR=1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sla-fmt.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

for sla in tests/fmt/*.sla; do
    exp="${sla%.sla}.expected"
    out=$("$slac" fmt "$sla" 2>&1)
    actual=$(printf '%s\nexit: %d' "$out" "$?")
    [ "$update" = "--update" ] && printf '%s\n' "$actual" > "$exp"
    if [ -f "$exp" ] && [ "$actual" = "$(cat "$exp")" ]; then
        ok
    else
        bad "$sla"
        [ -f "$exp" ] && diff -u "$exp" <(printf '%s\n' "$actual") | head -40
    fi
done

# Idempotence and the same program, over every policy that parses.
strip_dump() { grep -v '^; line [0-9]*$'; }
strip_diags() { sed -E 's/^[^ :]*:[0-9]+:[0-9]+: //; /^ *[0-9]* *\|/d; /^ *\| /d; /^[ ~^|]*$/d'; }
for sla in examples/*.sla bench/*.sla tests/check/*.sla tests/score/*.sla tests/fmt/*.sla; do
    [ -f "$sla" ] || continue
    "$slac" fmt "$sla" > "$tmp/once.sla" 2>/dev/null
    status=$?
    [ $status -eq 1 ] && continue      # syntax errors: not formatted, tested above
    if [ $status -ne 0 ]; then bad "$sla: slac fmt exit $status"; continue; fi
    "$slac" fmt "$tmp/once.sla" > "$tmp/twice.sla" 2>&1
    if cmp -s "$tmp/once.sla" "$tmp/twice.sla"; then ok; else
        bad "$sla: formatting twice changes it again"
        diff -u "$tmp/once.sla" "$tmp/twice.sla" | head -20
    fi
    if [ "${sla%.test.sla}" != "$sla" ]; then
        # A test file: formatted beside a copy of its policy, it must give
        # the same test results. (One that names its policy with a path,
        # `test policy "..."`, is checked for idempotence only.)
        grep -q '^ *test policy' "$sla" && continue
        name=$(basename "$sla" .test.sla)
        rm -rf "$tmp/t" && mkdir -p "$tmp/t"
        cp "$(dirname "$sla")/$name.sla" "$tmp/t/$name.sla" 2>/dev/null || continue
        cp "$tmp/once.sla" "$tmp/t/$name.test.sla"
        "$sla_bin" test -v "$sla" 2>&1 | sed "s|$(dirname "$sla")/||g" > "$tmp/a.test"
        "$sla_bin" test -v "$tmp/t/$name.test.sla" 2>&1 | sed "s|$tmp/t/||g" > "$tmp/b.test"
        if cmp -s "$tmp/a.test" "$tmp/b.test"; then ok; else
            bad "$sla: the formatted tests give other results"
            diff -u "$tmp/a.test" "$tmp/b.test" | head -20
        fi
    elif "$slac" --dump "$sla" > "$tmp/a.dump" 2>/dev/null; then
        "$slac" --dump "$tmp/once.sla" > "$tmp/b.dump" 2>/dev/null
        if cmp -s <(strip_dump < "$tmp/a.dump") <(strip_dump < "$tmp/b.dump"); then ok; else
            bad "$sla: the formatted policy compiles to another program"
            diff -u <(strip_dump < "$tmp/a.dump") <(strip_dump < "$tmp/b.dump") | head -20
        fi
    else
        "$slac" --check "$sla" 2>&1 | strip_diags | sed "s|$sla|F|g" > "$tmp/a.diag"
        "$slac" --check "$tmp/once.sla" 2>&1 | strip_diags | sed "s|$tmp/once.sla|F|g" > "$tmp/b.diag"
        if cmp -s "$tmp/a.diag" "$tmp/b.diag"; then ok; else
            bad "$sla: the formatted policy is diagnosed differently"
            diff -u "$tmp/a.diag" "$tmp/b.diag" | head -20
        fi
    fi
done

# The bundled policies are formatted (bench/eval-heavy.sla is generated).
for sla in examples/*.sla bench/reference.sla; do
    if "$slac" fmt --check "$sla" > "$tmp/diff" 2>&1; then ok; else
        bad "$sla is not formatted (slac fmt -w $sla)"; head -20 "$tmp/diff"
    fi
done

# The command line: --check's diff and status, -w in place, stdin, errors.
printf 'policy  "x"\nlet a=1\n' > "$tmp/u.sla"
chmod 640 "$tmp/u.sla"
out=$("$slac" fmt --check "$tmp/u.sla"); status=$?
expected="--- $tmp/u.sla
+++ $tmp/u.sla (formatted)
@@ -1,2 +1,2 @@
-policy  \"x\"
-let a=1
+policy \"x\"
+let a = 1"
if [ $status -eq 1 ] && [ "$out" = "$expected" ]; then ok; else bad "fmt --check: exit $status, diff:"; printf '%s\n' "$out"; fi
cp "$tmp/u.sla" "$tmp/v.sla"; "$slac" fmt -w "$tmp/v.sla"
if [ $? -eq 0 ] && [ "$(cat "$tmp/v.sla")" = 'policy "x"
let a = 1' ] && [ "$(stat -c %a "$tmp/v.sla")" = 640 ]; then ok; else bad "fmt -w"; fi
"$slac" fmt --check "$tmp/v.sla" > /dev/null && ok || bad "fmt --check after -w"
before=$(stat -c %Y.%i "$tmp/v.sla"); sleep 1; "$slac" fmt -w "$tmp/v.sla"
[ "$(stat -c %Y.%i "$tmp/v.sla")" = "$before" ] && ok || bad "fmt -w rewrote a formatted file"
out=$(printf 'let  b = 2' | "$slac" fmt -)
[ "$out" = "let b = 2" ] && ok || bad "fmt - (stdin): $out"
"$slac" fmt "$tmp/missing.sla" 2>/dev/null; [ $? -eq 2 ] && ok || bad "fmt of a missing file: not exit 2"
"$slac" fmt --bogus x.sla 2>/dev/null; [ $? -eq 2 ] && ok || bad "fmt --bogus: not exit 2"
"$slac" fmt 2>/dev/null; [ $? -eq 2 ] && ok || bad "fmt with no file: not exit 2"

echo "fmt: $pass passed, $fail failed"
[ $fail -eq 0 ]
