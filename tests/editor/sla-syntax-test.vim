" Batch checks of editor/vim: run by tests/run-editor.sh from the
" repository root as
"   vim -Nu NONE -i NONE -Es -c 'set rtp^=editor/vim' -S tests/editor/sla-syntax-test.vim
" Writes one `ok: ...` or `FAIL: ...` line a check to the file named by
" $SLA_VIM_OUT and quits with status 1 on a failure.

let s:out = []
let s:failed = 0

" Checks that the first match of pattern pat (at its \zs) has syntax group
" name want.
function! s:Check(pat, want) abort
  call cursor(1, 1)
  let pos = searchpos(a:pat, 'cW')
  if pos == [0, 0]
    call add(s:out, 'FAIL: vim: ' . a:pat . ' not found')
    let s:failed += 1
    return
  endif
  let got = synIDattr(synID(pos[0], pos[1], 1), 'name')
  if got ==# a:want
    call add(s:out, 'ok: vim: ' . a:pat . ' is ' . a:want)
  else
    call add(s:out, 'FAIL: vim: ' . a:pat . ' is ' . got . ', not ' . a:want)
    let s:failed += 1
  endif
endfunction

filetype plugin indent on
syntax on
edit examples/inbound-b2b.sla

if &filetype ==# 'sla'
  call add(s:out, 'ok: vim: *.sla is filetype sla')
else
  call add(s:out, 'FAIL: vim: filetype is "' . &filetype . '"')
  let s:failed += 1
endif

call s:Check('^policy', 'slaDeclaration')
call s:Check('^handoff', 'slaDeclaration')
call s:Check('^policy \zs"', 'slaString')
call s:Check('^# \zsNorthwind', 'slaComment')
call s:Check('from \zs"Lead ID"', 'slaColumn')
call s:Check(': \zsint?', 'slaType')
call s:Check('\zs\$250,000', 'slaMoney')
call s:Check('\zs30%', 'slaPercent')
call s:Check('\zs4 business hours', 'slaDuration')
call s:Check('\zs09:00', 'slaTimeOfDay')
call s:Check('\zs2026-11-26', 'slaDate')
call s:Check('\<ignoring case', 'slaOperator')
call s:Check('\<is unset', 'slaOperator')
call s:Check('\<older than', 'slaOperator')

for [opt, want] in [['&commentstring', '# %s'], ['&shiftwidth', 2],
      \ ['&expandtab', 1]]
  if eval(opt) ==# want
    call add(s:out, 'ok: vim: ' . opt . ' is ' . want)
  else
    call add(s:out, 'FAIL: vim: ' . opt . ' is ' . eval(opt))
    let s:failed += 1
  endif
endfor

" :make's errorformat reads slac's report (a gcc-style first line, then the
" source line and the caret, which it drops).
let lines = ['p.sla:11:16: error: `emial` is not defined [undefined-name]',
      \ '    11 | let freemail = emial ends with "@gmail.com"',
      \ '       |                ^~~~~',
      \ 'p.sla:11:16: note: did you mean `email`?',
      \ 'p.sla:3:5: warning: `x` is defined but never used [unused-let]']
let qf = getqflist({'lines': lines, 'efm': &errorformat}).items
let valid = filter(copy(qf), 'v:val.valid')
if len(valid) == 3 && valid[0].lnum == 11 && valid[0].col == 16
      \ && valid[0].type ==# 'e' && valid[2].type ==# 'w'
      \ && valid[0].text =~# 'emial'
  call add(s:out, 'ok: vim: errorformat reads slac diagnostics')
else
  call add(s:out, 'FAIL: vim: errorformat gives ' . string(valid))
  let s:failed += 1
endif
if &makeprg =~# 'slac --check'
  call add(s:out, 'ok: vim: makeprg is ' . &makeprg)
else
  call add(s:out, 'FAIL: vim: makeprg is ' . &makeprg)
  let s:failed += 1
endif

" Indentation: `=` leaves every example unchanged (a changed line is
" reported), and indents a fresh block by two spaces a level.
if &indentexpr !=# 'SlaIndent(v:lnum)'
  call add(s:out, 'FAIL: vim: indentexpr is "' . &indentexpr . '"')
  let s:failed += 1
endif
for f in glob('examples/*.sla', 0, 1)
  execute 'edit! ' . f
  let before = getline(1, '$')
  silent normal! gg=G
  let after = getline(1, '$')
  let changed = 0
  for i in range(len(before))
    if before[i] !=# after[i]
      call add(s:out, '  indent would change ' . f . ':' . (i + 1) . ': '
            \ . string(before[i]) . ' -> ' . string(after[i]))
      let changed += 1
    endif
  endfor
  call add(s:out, (changed ? 'FAIL' : 'ok') . ': vim: = leaves ' . f . ' unchanged')
  let s:failed += changed > 0
  edit! %
endfor
enew!
setfiletype sla
call setline(1, ['stages {', 'subscriber', 'mql', 'when score >= 50', '}', 'let x = a and', 'b', 'team sales'])
silent normal! gg=G
let want = ['stages {', '  subscriber', '  mql', '    when score >= 50', '}', 'let x = a and', '  b', 'team sales']
if getline(1, '$') ==# want
  call add(s:out, 'ok: vim: indent by block depth')
else
  call add(s:out, 'FAIL: vim: indent gives ' . string(getline(1, '$')))
  let s:failed += 1
endif

call writefile(s:out, $SLA_VIM_OUT)
execute (s:failed ? 'cquit' : 'qall!')
