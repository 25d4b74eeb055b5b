#!/usr/bin/env bash
# Self-test of validate_diagnostics.py on tests/schema/samples/: good*.json
# and good*.sarif must pass (exit 0, silent), bad-* must fail (exit 1, with a
# message). Last line is "N passed, N failed"; exits 1 if anything failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
validator=$here/validate_diagnostics.py
samples=$here/../schema/samples
passed=0 failed=0

PY=
for c in /usr/bin/python3 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import jsonschema' 2>/dev/null; then
        PY=$c
        break
    fi
done
if [ -z "$PY" ]; then
    echo "test_validator.sh: no python3 with jsonschema (apt-get install python3-jsonschema)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

# check NAME WANT_RC CMD...: run CMD, compare its exit code and stderr.
check() {
    local name=$1 want=$2 err rc ok=0
    shift 2
    err=$("$@" 2>&1 >/dev/null)
    rc=$?
    if [ "$rc" -eq "$want" ]; then  # silent on success, explains a failure
        if [ "$want" -eq 0 ]; then [ -z "$err" ] && ok=1; else [ -n "$err" ] && ok=1; fi
    fi
    if [ "$ok" -eq 1 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: exit $rc, wanted $want${err:+; said: $err}"
    fi
}

for f in "$samples"/*.json "$samples"/*.sarif; do
    base=$(basename "$f")
    case $base in good*) want=0 ;; bad-*) want=1 ;; *) continue ;; esac
    check "$base" "$want" "$PY" "$validator" "${base##*.}" "$f"
done

check "stdin" 0 "$PY" "$validator" json - < "$samples/good.json"
check "usage" 2 "$PY" "$validator" xml "$samples/good.json"
check "missing file" 1 "$PY" "$validator" json "$samples/no-such-file.json"
# -S -E hides site-packages and PYTHONPATH, so jsonschema cannot be imported.
check "no jsonschema" 2 "$PY" -S -E "$validator" json "$samples/good.json"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
