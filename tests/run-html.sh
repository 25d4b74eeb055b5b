#!/usr/bin/env bash
# The HTML report in a real browser.
#
# For every bundled example (and tests/report/hostile.sla, whose texts and
# data try to break out of the markup), `sla report --format html` writes a
# page, twice: the two must be byte-identical. tests/tools/check_html.sh
# then opens it in headless Chromium, which must load it without a console
# message, with all its charts, and takes a screenshot. Screenshots and
# pages are kept as test artifacts in BUILD/artifacts/html/ (not
# committed); look at them to see the charts.
#
# Usage: tests/run-html.sh [BUILD_DIR]
set -u
build=${1:-build}
cd "$(dirname "$0")/.." || exit 2
sla=$build/sla
[ -x "$sla" ] || { echo "run-html: $sla is not built" >&2; exit 2; }
command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1 ||
    { echo "run-html: needs Chromium (make deps installs it)" >&2; exit 2; }
art=$build/artifacts/html
mkdir -p "$art"

pass=0 fail=0
# name | policy | input | as-of
cases="
inbound-b2b|examples/inbound-b2b.sla|examples/inbound-b2b.csv|2026-11-15T09:00:00
inbound-b2b-recap|examples/inbound-b2b.sla|examples/inbound-b2b.csv|2026-11-01T09:00:00
enterprise-hubspot|examples/enterprise-hubspot.sla|examples/enterprise-hubspot.csv|2026-11-15T09:00:00
startup|examples/startup.sla|examples/startup.csv|2026-11-13T10:00:00
salesforce-report|examples/salesforce-report.sla|../shared/data/salesforce-powerbi-demo/Lead.csv|2026-02-24T12:00:00
hostile|tests/report/hostile.sla|tests/report/hostile.csv|2026-11-12T12:00:00Z
"
while IFS='|' read -r name policy input as_of; do
    [ -n "$name" ] || continue
    page=$art/$name.html
    if ! "$sla" report "$policy" "$input" --as-of "$as_of" --format html -o "$page" 2> "$art/$name.err" ||
       ! "$sla" report "$policy" "$input" --as-of "$as_of" --format html -o "$page.again" 2>> "$art/$name.err"; then
        echo "FAIL: $name: sla report failed: $(head -3 "$art/$name.err")"
        fail=$((fail + 1))
        continue
    fi
    if ! cmp -s "$page" "$page.again"; then
        echo "FAIL: $name: two runs gave different pages"
        fail=$((fail + 1))
        continue
    fi
    if sh tests/tools/check_html.sh "$page" "$art/$name.png" > "$art/$name.check" 2>&1; then
        pass=$((pass + 1))
    else
        echo "FAIL: $name: $(cat "$art/$name.check")"
        fail=$((fail + 1))
    fi
done <<< "$cases"

# The checker itself must still catch a broken page.
if sh tests/tools/check_html.sh --self-test > "$art/self-test.log" 2>&1; then
    pass=$((pass + 1))
else
    echo "FAIL: check_html.sh --self-test: $(tail -5 "$art/self-test.log")"
    fail=$((fail + 1))
fi
echo "html: $pass passed, $fail failed (screenshots in $art)"
[ $fail -eq 0 ]
