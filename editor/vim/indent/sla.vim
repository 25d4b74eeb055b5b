" Vim indent file for .sla policies: two spaces per open block.
"
" Statements indent by the blocks open around them: a line after one
" ending in `{` goes in a level, a `}` comes out one. A continuation line
" (after a line ending in an operator, `,`, `(` or a word such as `and`;
" or starting with `and`, `or`, `then`, `else`, `when`, `since`,
" `because`) goes one level past its statement and keeps any deeper
" alignment its author gave it, as sla-mode does in Emacs.

if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal indentexpr=SlaIndent(v:lnum)
setlocal indentkeys=0},!^F,o,O,0=and,0=or,0=then,0=else,0=when,0=since,0=because
let b:undo_indent = 'setlocal indentexpr< indentkeys<'

if exists('*SlaIndent')
  finish
endif

let s:statement = '^\s*\%(policy\|timezone\|business\|holidays\|missing\|time\|record\|let\|score\|stages\|classes\|team\|handoff\|cadence\|recycle\|quota\|checkins\|output\)\>'
let s:leading = '^\s*\%(and\|or\|then\|else\|when\|since\|because\)\>'
let s:trailing = '\%([-+*/=<>?,(:]\|\<\%(and\|or\|not\|when\|then\|else\|if\|in\|any\|with\|is\|older\|ignoring\)\)$'

" The code of line lnum: strings emptied, comment and trailing blanks cut.
function! s:Code(lnum) abort
  let s = substitute(getline(a:lnum), '"\%([^"\\]\|\\.\)*"', '""', 'g')
  return substitute(s, '\s*\%(#.*\)\=$', '', '')
endfunction

" The previous line with code on it, or 0.
function! s:PrevCode(lnum) abort
  let l = prevnonblank(a:lnum - 1)
  while l > 0 && getline(l) =~# '^\s*#'
    let l = prevnonblank(l - 1)
  endwhile
  return l
endfunction

function! s:Continues(lnum) abort
  if getline(a:lnum) =~# s:statement || getline(a:lnum) =~# '^\s*}'
    return 0
  endif
  if getline(a:lnum) =~# s:leading
    return 1
  endif
  let p = s:PrevCode(a:lnum)
  return p > 0 && s:Code(p) =~# s:trailing
endfunction

" The first line of the statement line lnum belongs to.
function! s:Start(lnum) abort
  let l = a:lnum
  while l > 1 && s:Continues(l)
    let p = s:PrevCode(l)
    if p == 0
      break
    endif
    let l = p
  endwhile
  return l
endfunction

function! SlaIndent(lnum) abort
  let prev = s:PrevCode(a:lnum)
  if prev == 0
    return 0
  endif
  let sw = shiftwidth()
  if s:Continues(a:lnum)
    let base = indent(s:Start(prev)) + sw
    return indent(a:lnum) > base ? indent(a:lnum) : base
  endif
  let ind = indent(s:Start(prev))
  let code = s:Code(prev)
  " Braces the previous line leaves open (a leading `}` is already counted
  " in its own indent).
  let net = len(substitute(code, '[^{]', '', 'g'))
        \ - len(substitute(substitute(code, '^\s*}', '', ''), '[^}]', '', 'g'))
  let ind += net * sw
  if getline(a:lnum) =~# '^\s*}'
    let ind -= sw
  endif
  return ind < 0 ? 0 : ind
endfunction
