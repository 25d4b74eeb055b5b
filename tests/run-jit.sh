#!/usr/bin/env bash
# Native code (sla score --jit) and its cache, end to end.
#
#   tests/run-jit.sh BUILD_DIR
#
# Each check is one pass or fail:
#   - --jit and --no-jit give the same bytes on every example;
#   - the first --jit run compiles and writes one object to the cache; the
#     second says "using cached native code" and writes nothing new, and
#     does not load libgccjit (a compile does); the default mode (no
#     option) takes the cached object too;
#   - a truncated, a garbled and a foreign cached object (another policy's,
#     under this policy's name) are each reported with a note, never run,
#     the output is still right, and the entry is rewritten (the next run
#     uses it);
#   - with no cache, the default mode interprets a small input and compiles
#     for one of 8 MB or more;
#   - --no-cache and --no-jit write no cache; `sla cache dir` names the
#     directory and `sla cache clear` empties it;
#   - an unwritable cache directory still gives native code (in memory);
#   - slac --jit-check passes the bundled policies and fails a broken one.
# The cache is a temporary XDG_CACHE_HOME, never the real home.
set -u
build=${1:-build}
cd "$(dirname "$0")/.." || exit 2
case $build in /*) ;; *) build=$PWD/$build ;; esac
sla=$build/sla
slac=$build/slac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/run-jit.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache
export NO_COLOR=1
cache=$XDG_CACHE_HOME/sla
asof=2026-11-01T00:00:00Z
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() {   # check NAME COMMAND...: passes when the command succeeds
    local name=$1
    shift
    if "$@"; then ok; else bad "$name"; fi
}
entries() { find "$cache" -name '*.so' 2>/dev/null | wc -l; }

# -- every example, both ways
for policy in examples/*.sla; do
    csv=${policy%.sla}.csv
    [ -f "$csv" ] || continue
    "$sla" score "$policy" "$csv" --as-of $asof --no-jit > "$tmp/i.out" 2> "$tmp/i.err"
    si=$?
    "$sla" score "$policy" "$csv" --as-of $asof --jit > "$tmp/j.out" 2> "$tmp/j.err"
    sj=$?
    check "$policy: --jit and --no-jit differ" \
        test "$si/$(md5sum < "$tmp/i.out")" = "$sj/$(md5sum < "$tmp/j.out")"
done
rm -rf "$cache"

# -- the cache
p=examples/inbound-b2b.sla
csv=examples/inbound-b2b.csv
"$sla" score $p $csv --as-of $asof --no-jit > "$tmp/want" 2>/dev/null
run() {     # run [OPTION]...: score p into $tmp/out, stderr in $tmp/err
    "$sla" score $p $csv --as-of $asof "$@" > "$tmp/out" 2> "$tmp/err"
}
run --jit -v
check "first run: compiles" grep -q "compiled native code to $cache/" "$tmp/err"
check "first run: output" cmp -s "$tmp/want" "$tmp/out"
check "first run: one cache entry" test "$(entries)" -eq 1
obj=$(find "$cache" -name '*.so' | head -1)
run --jit -v
check "second run: cache hit" grep -q "using cached native code $obj" "$tmp/err"
check "second run: output" cmp -s "$tmp/want" "$tmp/out"
check "second run: no new entry" test "$(entries)" -eq 1
# libgccjit is loaded to compile, never to run cached code
LD_DEBUG=files "$sla" score $p $csv --as-of $asof --jit > /dev/null 2> "$tmp/ld"
check "a cache hit does not load libgccjit" eval '! grep -q "file=libgccjit" "$tmp/ld"'
LD_DEBUG=files "$sla" score $p $csv --as-of $asof --jit --no-cache > /dev/null 2> "$tmp/ld"
check "a compile loads libgccjit" grep -q "file=libgccjit" "$tmp/ld"
run -v
check "default mode takes the cached object" grep -q "using cached native code" "$tmp/err"
check "default mode: output" cmp -s "$tmp/want" "$tmp/out"
run
check "no note without -v" test ! -s "$tmp/err"

damage() {  # damage NAME WHY: run after the object was damaged
    local name=$1 why=$2
    run --jit -v
    check "$name: note" grep -q "ignoring the cached native code $obj ($why)" "$tmp/err"
    check "$name: output" cmp -s "$tmp/want" "$tmp/out"
    check "$name: rewritten" grep -q "compiled native code to $obj" "$tmp/err"
    run --jit -v
    check "$name: then used" grep -q "using cached native code $obj" "$tmp/err"
}
truncate -s 1000 "$obj"
damage truncated "it has no checksum trailer"
truncate -s 10 "$obj"
damage "cut short" "it is too short"
size=$(stat -c %s "$obj")
printf 'garbage!' | dd of="$obj" bs=1 seek=$((size / 2)) conv=notrunc status=none
damage garbled "its checksum does not match"
printf 'XXXX' | dd of="$obj" bs=1 seek=0 conv=notrunc status=none
damage "not ELF" "it is not an ELF object"
# another policy's object under this policy's name: sealed, but not ours
"$sla" score examples/startup.sla examples/startup.csv --as-of $asof --jit > /dev/null 2>&1
other=$(find "$cache" -name '*.so' ! -path "$obj" | head -1)
cp "$other" "$obj"
damage foreign "it was made for another program or runtime"

# -- no cache
rm -rf "$cache"
run --jit --no-cache -v
check "--no-cache: output" cmp -s "$tmp/want" "$tmp/out"
check "--no-cache: in memory" grep -q "compiled native code in memory" "$tmp/err"
check "--no-cache: nothing written" test "$(entries)" -eq 0
run --no-jit
check "--no-jit: nothing written" test "$(entries)" -eq 0
run -v
check "default mode, small input, no cache: interpreter" grep -q "evaluating with the interpreter" "$tmp/err"
# a large input (8 MB or more) is worth compiling for, even with no cache
big=$tmp/big.csv
{ head -n 1 $csv; for _ in $(seq 2000); do tail -n +2 $csv; done; } > "$big"
"$sla" score $p "$big" --as-of $asof --no-jit > "$tmp/big.want" 2> /dev/null
"$sla" score $p "$big" --as-of $asof -v > "$tmp/out" 2> "$tmp/err"
check "default mode, input over 8 MB: compiles" grep -q "compiled native code to" "$tmp/err"
check "default mode, input over 8 MB: output" cmp -s "$tmp/big.want" "$tmp/out"
rm -f "$big" "$tmp/big.want"
rm -rf "$cache"
check "cache dir" test "$("$sla" cache dir)" = "$cache"
run --jit
check "cache clear: had an entry" test "$(entries)" -eq 1
check "cache clear: exit 0" "$sla" cache clear
check "cache clear: empty" test "$(entries)" -eq 0
mkdir -p "$tmp/ro"
: > "$tmp/ro/file-not-dir"
XDG_CACHE_HOME=$tmp/ro/file-not-dir "$sla" score $p $csv --as-of $asof --jit > "$tmp/out" 2> "$tmp/err"
check "unwritable cache: exit 0" test $? -eq 0
check "unwritable cache: output" cmp -s "$tmp/want" "$tmp/out"

# -- slac --jit-check
policies=$(ls examples/*.sla bench/*.sla | grep -v '\.test\.sla$')   # not the test files
check "slac --jit-check: bundled policies" "$slac" --jit-check $policies tests/score/policy.sla
"$slac" --jit-check tests/score/broken.sla 2> /dev/null
check "slac --jit-check: broken policy exits 1" test $? -eq 1

echo "jit: $pass passed, $fail failed"
[ $fail -eq 0 ]
