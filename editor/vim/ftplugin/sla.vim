" Vim filetype plugin for .sla policies: comments, 2-space indent, and
" `:make` through slac (compiler/sla.vim).

if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

let s:cpo_save = &cpo
set cpo&vim

setlocal commentstring=#\ %s
setlocal comments=:#
setlocal formatoptions-=t formatoptions+=croql
setlocal expandtab shiftwidth=2 softtabstop=2
setlocal suffixesadd=.sla

compiler sla

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions<'
      \ . ' expandtab< shiftwidth< softtabstop< suffixesadd< makeprg< errorformat<'

let &cpo = s:cpo_save
unlet s:cpo_save
