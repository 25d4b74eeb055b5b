#!/bin/sh
# Checks the editor support in editor/ without an editor GUI.
#
# (a) Every keyword in lexer/token.h is highlighted by the Vim syntax file
#     and the Emacs mode, so a new keyword without highlighting fails here.
# (b) With emacs installed: sla-mode.el byte-compiles with warnings as
#     errors, and tests/editor/sla-mode-test.el checks faces, indentation
#     (indent-region must leave every example unchanged; a changed line is
#     printed), the compilation regexp and, when build/slac exists, the
#     flymake backend. With vim installed: tests/editor/sla-syntax-test.vim
#     checks syntax groups, options and the errorformat.
# A missing editor is skipped with a message. Run from anywhere; the last
# line is `editor: N passed, N failed`.
set -u

cd "$(dirname "$0")/.." || exit 2

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Counts the ok:/FAIL: lines a batch test printed.
tally() {
    cat "$1"
    passed=$((passed + $(grep -c '^ok:' "$1")))
    failed=$((failed + $(grep -c '^FAIL:' "$1")))
}

# (a) keywords.
keywords=$(sed -n 's/^KEYWORD([A-Z_]*, *"\([a-z_]*\)").*/\1/p' lexer/token.h)
if [ -z "$keywords" ]; then
    fail "no keywords found in lexer/token.h"
fi
vim_words=$(sed -n 's/^syn keyword *[A-Za-z]* *//p' editor/vim/syntax/sla.vim | tr ' ' '\n')
emacs_words=$(sed -n '/^(defconst sla-declaration-keywords/,/^(defconst sla-types/p' \
                  editor/emacs/sla-mode.el | grep -o '"[a-z_]*"' | tr -d '"')
for editor in vim emacs; do
    if [ $editor = vim ]; then words=$vim_words; else words=$emacs_words; fi
    missing=""
    for k in $keywords; do
        echo "$words" | grep -qx "$k" || missing="$missing $k"
    done
    if [ -z "$missing" ]; then
        pass "$editor highlights all $(echo "$keywords" | wc -l) keywords of lexer/token.h"
    else
        fail "$editor does not highlight:$missing"
    fi
done

# (b) Emacs.
if command -v emacs >/dev/null 2>&1; then
    cp editor/emacs/sla-mode.el "$tmp/"
    if emacs --batch -Q --eval '(setq byte-compile-error-on-warn t)' \
             -f batch-byte-compile "$tmp/sla-mode.el" >"$tmp/bc.log" 2>&1; then
        pass "emacs: sla-mode.el byte-compiles without warnings"
    else
        cat "$tmp/bc.log"
        fail "emacs: sla-mode.el byte-compiles without warnings"
    fi
    slac=""
    [ -x build/slac ] && slac=$PWD/build/slac
    SLAC=$slac emacs --batch -Q -L editor/emacs -l tests/editor/sla-mode-test.el \
        >"$tmp/emacs.out" 2>&1
    rc=$?
    grep -v '^Indenting region' "$tmp/emacs.out" >"$tmp/emacs.log"
    tally "$tmp/emacs.log"
    if [ $rc -ne 0 ] && ! grep -q '^FAIL:' "$tmp/emacs.log"; then
        fail "emacs: the batch test stopped with status $rc"
    fi
else
    echo "skip: emacs is not installed (tools/deps.sh installs emacs-nox)"
fi

# (b) Vim.
if command -v vim >/dev/null 2>&1; then
    SLA_VIM_OUT=$tmp/vim.log vim -Nu NONE -i NONE -Es -c 'set rtp^=editor/vim' \
        -S tests/editor/sla-syntax-test.vim </dev/null >"$tmp/vim.out" 2>&1
    rc=$?
    [ -f "$tmp/vim.log" ] && tally "$tmp/vim.log"
    if [ ! -s "$tmp/vim.log" ] || { [ $rc -ne 0 ] && ! grep -q '^FAIL:' "$tmp/vim.log"; }; then
        cat "$tmp/vim.out"
        fail "vim: the syntax test stopped with status $rc"
    fi
else
    echo "skip: vim is not installed (tools/deps.sh installs vim-nox)"
fi

echo "editor: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
