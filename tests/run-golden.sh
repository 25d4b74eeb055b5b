#!/usr/bin/env bash
# Golden tests for `slac --check`.
#
# Each tests/check/NAME.sla is checked; its diagnostics (text, no colour)
# and exit status must equal tests/check/NAME.expected exactly. The last
# line of an .expected file is `exit: N`. Adding a case is adding two files;
# `tests/run-golden.sh BUILD --update` rewrites the .expected files (review
# the diff before committing).
#
# Every policy in examples/ and bench/ must check clean (exit 0, no output),
# and so must the examples' test files (NAME.test.sla), checked against
# their policies.
#
# Usage: tests/run-golden.sh [BUILD_DIR] [--update]
set -u
build=${1:-build}
update=${2:-}
slac="$build/slac"
cd "$(dirname "$0")/.." || exit 2
[ -x "$slac" ] || { echo "run-golden: $slac is not built" >&2; exit 2; }

pass=0 fail=0
export NO_COLOR=1
for sla in tests/check/*.sla; do
    exp="${sla%.sla}.expected"
    out=$("$slac" --check "$sla" 2>&1)
    actual=$(printf '%s\nexit: %d' "$out" "$?")
    if [ "$update" = "--update" ]; then
        printf '%s\n' "$actual" > "$exp"
    fi
    if [ -f "$exp" ] && [ "$actual" = "$(cat "$exp")" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $sla"
        if [ -f "$exp" ]; then
            diff -u "$exp" <(printf '%s\n' "$actual") | head -40
        else
            echo "  (no $exp)"
        fi
    fi
done

# The bundled policies check clean, also under -Werror.
for sla in examples/*.sla bench/*.sla; do
    [ -f "$sla" ] || continue
    out=$("$slac" --check -Werror "$sla" 2>&1)
    status=$?
    if [ $status -eq 0 ] && [ -z "$out" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $sla does not check clean (exit $status)"
        printf '%s\n' "$out" | head -20
    fi
done

# Machine-readable reports validate against their schemas.
if [ -x tests/tools/validate_diagnostics.py ] || [ -f tests/tools/validate_diagnostics.py ]; then
    py=""
    for cand in /usr/bin/python3 python3; do
        if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import jsonschema' 2>/dev/null; then
            py=$cand; break
        fi
    done
    if [ -z "$py" ]; then
        fail=$((fail + 1))
        echo "FAIL: no python3 with jsonschema to validate --format json/sarif (make deps)"
    else
        for fmt in json sarif; do
            for sla in tests/check/*.sla examples/*.sla; do
                [ -f "$sla" ] || continue
                if "$slac" --check --format "$fmt" "$sla" | "$py" tests/tools/validate_diagnostics.py "$fmt" -; then
                    pass=$((pass + 1))
                else
                    fail=$((fail + 1))
                    echo "FAIL: --format $fmt of $sla does not validate"
                fi
            done
        done
    fi
fi

echo "golden: $pass passed, $fail failed"
[ $fail -eq 0 ]
