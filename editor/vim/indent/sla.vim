" Vim indent file for .sla policies: two spaces per open block.
"
" A line after one ending in `{` goes in a level, a line starting with `}`
" comes out one. Other lines keep the previous line's indent, so the
" hand-aligned continuation lines the language allows are left alone.

if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal indentexpr=SlaIndent(v:lnum)
setlocal indentkeys=0{,0},!^F,o,O
let b:undo_indent = 'setlocal indentexpr< indentkeys<'

if exists('*SlaIndent')
  finish
endif

function! SlaIndent(lnum) abort
  let prev = prevnonblank(a:lnum - 1)
  if prev == 0
    return 0
  endif
  let ind = indent(prev)
  " The previous line without its comment (a `#` outside a string).
  let code = substitute(getline(prev), '^\%([^"#]\|"\%([^"\\]\|\\.\)*"\)*\zs#.*$', '', '')
  if code =~# '{\s*$' && code !~# '\<\%(in\|any\)\s*{\s*$'
    let ind += shiftwidth()
  endif
  if getline(a:lnum) =~# '^\s*}'
    let ind -= shiftwidth()
  endif
  return ind < 0 ? 0 : ind
endfunction
