#!/bin/sh
# check_html.sh - opens an `sla report --format html` page in headless
# Chromium and fails unless it loads cleanly with all its charts.
#
#   check_html.sh HTML_FILE SCREENSHOT.png
#   check_html.sh --self-test
#
# Checks, in order (exit 1 naming the first failure; 2 for usage or a
# missing Chromium):
#   1. the file is self-contained: no <link>, no src=/href= (and the like)
#      but to a #fragment, no @import or url() but data: and #fragments;
#   2. Chromium loads it (no "Page load failed") and the page writes nothing
#      to the console: no uncaught exception, no console.error, warn or log;
#   3. the DOM Chromium built holds as many <svg role="img"> charts as the
#      page's <footer data-charts="N"> says were written, each with an
#      aria-label and a <title>; a Funnel section has the "Funnel" chart; a
#      Quotas section has the "Attainment against target" chart and one
#      "Trend: ..." chart per quota row;
#   4. a screenshot is written (CHECK_HTML_WINDOW, default 1280,2400).
#
# Why any console output counts, not just errors: Chromium's stderr log
# tags every console message INFO whatever its level, and the report has
# no script, so anything there at all is a defect. Chromium's own noise
# (GPU, D-Bus, sandbox, network) is never a CONSOLE line, so it is ignored.
# --self-test runs the checks on pages that must pass and pages that must
# fail (an uncaught ReferenceError among them), so a Chromium whose logging
# changed cannot make this script silently pass everything.
set -eu

CHROMIUM=${CHROMIUM:-chromium}
WINDOW=${CHECK_HTML_WINDOW:-1280,2400}
PYTHON=${PYTHON:-python3}

die() { echo "check_html: $*" >&2; exit 1; }

run_chromium() {   # URL STDOUT STDERR EXTRA-ARGS...
    url=$1 so=$2 se=$3
    shift 3
    profile=$(mktemp -d)
    status=0
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --user-data-dir="$profile" --enable-logging=stderr --v=0 \
        "$@" "$url" >"$so" 2>"$se" || status=$?
    rm -rf "$profile"
    return $status
}

check() {   # HTML_FILE SCREENSHOT
    file=$1 shot=$2
    [ -f "$file" ] && [ -r "$file" ] || die "$file: no such readable file"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT

    # 1. self-contained
    "$PYTHON" - "$file" <<'EOF' || exit 1
import re, sys
from html.parser import HTMLParser

class Refs(HTMLParser):
    """Whatever would make the browser fetch something: an attribute that
    names a resource, or @import/url() in a stylesheet (data: and #ids are
    part of the page)."""
    def __init__(self):
        super().__init__()
        self.refs, self.in_style = [], False
    def handle_starttag(self, tag, attrs):
        if tag == "link":
            self.refs.append("<link>")
        self.in_style = tag == "style"
        for k, v in attrs:
            if k in ("src", "href", "xlink:href", "srcset", "poster", "data", "action") \
                    and v is not None and not v.startswith("#"):
                self.refs.append(f'<{tag} {k}="{v}">')
            if k == "style" and v:
                self.css(v)
    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False
    def handle_data(self, data):
        if self.in_style:
            self.css(data)
    def css(self, text):
        for m in re.finditer(r"@import[^;]*|url\(\s*['\"]?([^)'\"]*)", text):
            if m.group(0).startswith("@import") or not re.match(r"(data:|#)", m.group(1)):
                self.refs.append(m.group(0))

p = Refs()
p.feed(open(sys.argv[1], encoding="utf-8").read())
if p.refs:
    print(f"check_html: {sys.argv[1]}: refers to something outside the page: "
          + ", ".join(p.refs[:3]), file=sys.stderr)
    sys.exit(1)
EOF

    # 2. loads, and says nothing on the console
    abs=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
    url="file://$abs"
    run_chromium "$url" "$work/dom" "$work/err" --dump-dom ||
        die "$file: chromium failed (status $?): $(grep -v -e dbus -e 'unexpected operator' "$work/err" | tail -3)"
    if grep -q 'Page load failed' "$work/err"; then
        die "$file: $(grep 'Page load failed' "$work/err" | sed 's/.*\] //' | head -1)"
    fi
    if grep -E ':CONSOLE[(:]' "$work/err" >"$work/console"; then
        sed 's/^\[[^]]*\] /  /' "$work/console" >&2
        die "$file: the page wrote to the console ($(wc -l <"$work/console") messages)"
    fi
    [ -s "$work/dom" ] || die "$file: chromium returned an empty DOM"

    # 3. the charts are in the DOM as SVG, labelled
    "$PYTHON" - "$work/dom" "$file" <<'EOF' || exit 1
import re, sys
from html.parser import HTMLParser

class Charts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.svgs = []          # [aria-label, role, has_title]
        self.depth = 0          # inside an <svg>
        self.declared = None
        self.sections = []      # <h2> texts
        self.in_h2 = False
        self.quota_rows = 0
        self.table = 0          # tables seen
        self.in_quota_table = False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg":
            if self.depth == 0:
                self.svgs.append([a.get("aria-label"), a.get("role"), False])
            self.depth += 1
        elif tag == "title" and self.depth == 1:
            self.svgs[-1][2] = True
        elif tag == "footer" and "data-charts" in a:
            self.declared = a["data-charts"]
        elif tag == "h2":
            self.in_h2 = True
            self.sections.append("")
        elif tag == "table":
            self.in_quota_table = self.sections[-1:] == ["Quotas"]
        elif tag == "tr" and self.in_quota_table:
            self.quota_rows += 1
    def handle_endtag(self, tag):
        if tag == "svg" and self.depth:
            self.depth -= 1
        elif tag == "h2":
            self.in_h2 = False
        elif tag == "table":
            self.in_quota_table = False
    def handle_data(self, data):
        if self.in_h2:
            self.sections[-1] += data.strip()

dom, name = sys.argv[1], sys.argv[2]
p = Charts()
p.feed(open(dom, encoding="utf-8").read())
def fail(msg):
    print(f"check_html: {name}: {msg}", file=sys.stderr)
    sys.exit(1)
if p.declared is None or not re.fullmatch(r"[0-9]+", p.declared):
    fail('no <footer data-charts="N"> in the DOM (not a report page, or it did not load)')
if len(p.svgs) != int(p.declared):
    fail(f"the page wrote {p.declared} charts, the DOM has {len(p.svgs)} <svg>")
labels = []
for label, role, title in p.svgs:
    if role != "img" or not label or not title:
        fail(f"a chart without role=img, an aria-label and a <title>: {label!r}")
    labels.append(label)
if "Funnel" in p.sections and "Funnel" not in labels:
    fail("a Funnel section without its chart")
if "Quotas" in p.sections:
    rows = p.quota_rows - 1     # the header row
    if "Attainment against target" not in labels:
        fail("a Quotas section without the attainment chart")
    trends = sum(1 for l in labels if l.startswith("Trend: "))
    if trends != rows:
        fail(f"{rows} quotas but {trends} trend charts")
print(f"check_html: {name}: {len(labels)} charts: " + "; ".join(labels))
EOF

    # 4. the screenshot
    rm -f "$shot"
    run_chromium "$url" "$work/out" "$work/err" --hide-scrollbars \
        --window-size="$WINDOW" --screenshot="$shot" ||
        die "$file: chromium failed taking the screenshot"
    [ -s "$shot" ] && [ "$(head -c 4 "$shot" | tail -c 3)" = PNG ] ||
        die "$shot: no screenshot written"
    rm -rf "$work"
    trap - EXIT
}

self_test() {
    dir=$(mktemp -d)
    me=$0
    trap 'rm -rf "$dir"' EXIT
    page() {   # NAME BODY: a minimal report page with one chart
        cat >"$dir/$1.html" <<EOF
<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>
<body>$2<footer data-charts="1"></footer></body></html>
EOF
    }
    chart='<svg role="img" aria-label="Funnel" viewBox="0 0 10 10"><title>Funnel</title><rect width="5" height="5"/></svg>'
    page good "<h2>Funnel</h2>$chart"
    page uncaught "$chart<script>undefined_fn()</script>"
    page console_error "$chart<script>console.error('x')</script>"
    page no_chart "<h2>Funnel</h2><p>none</p>"
    page unlabelled '<svg viewBox="0 0 10 10"><rect width="5" height="5"/></svg>'
    page external "$chart<img src=\"https://example.com/x.png\">"
    failed=0
    expect() {   # pass|fail NAME [WHAT THE MESSAGE MUST SAY]
        if sh "$me" "$dir/$2.html" "$dir/$2.png" >"$dir/$2.out" 2>&1; then got=pass; else got=fail; fi
        if [ "$got" != "$1" ]; then
            echo "self-test: $2: expected $1, got $got:" >&2
            sed 's/^/  /' "$dir/$2.out" >&2
            failed=1
        elif [ $# -ge 3 ] && ! grep -q "$3" "$dir/$2.out"; then
            echo "self-test: $2: failed, but not saying \"$3\":" >&2
            sed 's/^/  /' "$dir/$2.out" >&2
            failed=1
        else
            echo "self-test: $2: $got as expected"
        fi
    }
    expect pass good
    expect fail uncaught "Uncaught ReferenceError: undefined_fn is not defined"
    expect fail console_error "wrote to the console"
    expect fail no_chart "DOM has 0"
    expect fail unlabelled "without role=img"
    expect fail external "outside the page"
    if sh "$me" "$dir/missing.html" "$dir/missing.png" >/dev/null 2>&1; then
        echo "self-test: a missing file passed" >&2
        failed=1
    fi
    [ $failed -eq 0 ] || exit 1
    echo "self-test: ok"
}

command -v "$CHROMIUM" >/dev/null 2>&1 || {
    echo "check_html: $CHROMIUM not found (make deps installs it)" >&2
    exit 2
}
case ${1:-} in
    --self-test) [ $# -eq 1 ] || { echo "usage: check_html.sh --self-test" >&2; exit 2; }
                 self_test ;;
    -*|'') echo "usage: check_html.sh HTML_FILE SCREENSHOT.png | --self-test" >&2; exit 2 ;;
    *) [ $# -eq 2 ] || { echo "usage: check_html.sh HTML_FILE SCREENSHOT.png" >&2; exit 2; }
       check "$1" "$2" ;;
esac
