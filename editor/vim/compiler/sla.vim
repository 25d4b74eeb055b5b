" Vim compiler file: `:make` runs `slac --check` on the current policy.
"
" slac reports in gcc's form, `file:line:col: error: message [code]`,
" followed by the source line and a caret; only the first line of each
" report goes to the quickfix list. g:sla_slac names the slac to run.

if exists('current_compiler')
  finish
endif
let current_compiler = 'sla'

if exists(':CompilerSet') != 2
  command -nargs=* CompilerSet setlocal <args>
endif

let s:cpo_save = &cpo
set cpo&vim

execute 'CompilerSet makeprg=' .
      \ escape(get(g:, 'sla_slac', 'slac'), ' \|"') .
      \ '\ --check\ --color\ never\ %:S'
CompilerSet errorformat=%f:%l:%c:\ %trror:\ %m,
      \%f:%l:%c:\ %tarning:\ %m,
      \%f:%l:%c:\ %tote:\ %m,
      \%f:\ %trror:\ %m,
      \%-G%.%#

let &cpo = s:cpo_save
unlet s:cpo_save
