#!/bin/sh
# Installs what slac/sla needs to build and test, from Debian's packages.
# (GNU time and Miller: for the benchmarks, bench/throughput.sh.)
#
# As root it runs apt-get; otherwise it prints the command to run. It
# installs only what is missing, so it is cheap to run again.
set -eu

# command-or-file : package
needs="
flex:flex
bison:bison
cc:gcc
make:make
/usr/include/cmocka.h:libcmocka-dev
/usr/lib/gcc/x86_64-linux-gnu/12/include/libgccjit.h:libgccjit-12-dev
/usr/share/zoneinfo/America/New_York:tzdata
/usr/bin/python3:python3
/usr/lib/python3/dist-packages/jsonschema:python3-jsonschema
/usr/bin/chromium:chromium
/usr/bin/emacs:emacs-nox
/usr/bin/vim:vim-nox
clang:clang
/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev
/usr/bin/valgrind:valgrind
/usr/bin/time:time
/usr/bin/mlr:miller
"

missing=""
for item in $needs; do
    what=${item%%:*}
    pkg=${item#*:}
    case $what in
        /*) [ -e "$what" ] || missing="$missing $pkg" ;;
        *) command -v "$what" >/dev/null 2>&1 || missing="$missing $pkg" ;;
    esac
done

# clang (make fuzz) links libFuzzer from libclang-rt-14-dev; any version
# of clang that has its libFuzzer will do.
case $missing in
    *libclang-rt-14-dev*)
        if ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
            missing=$(echo "$missing" | sed 's/ libclang-rt-14-dev//')
        fi ;;
esac

# libgccjit's header lives under the compiler's version; accept any.
case $missing in
    *libgccjit-12-dev*)
        if ls /usr/lib/gcc/*/*/include/libgccjit.h >/dev/null 2>&1; then
            missing=$(echo "$missing" | sed 's/ libgccjit-12-dev//')
        fi ;;
esac

if [ -z "$missing" ]; then
    echo "deps: everything is installed"
    exit 0
fi

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing:$missing"
    echo "deps: run as root: apt-get update && $cmd"
    exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
