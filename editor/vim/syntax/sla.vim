" Vim syntax file for .sla policies (slac/sla).
"
" The keyword lists below cover every reserved word in lexer/token.h;
" tests/run-editor.sh fails when a keyword is added there and not here.
" Types (int, text, ...) and `than`/`case` are not reserved words, so they
" are matched only where the language puts them: after a field's `:`, after
" `older`, after `ignoring`.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
syn iskeyword @,48-57,_

" Statements and blocks: what starts a line of a policy.
syn keyword slaDeclaration policy timezone business holidays missing format
syn keyword slaDeclaration record let score stages classes team handoff
syn keyword slaDeclaration cadence recycle quota checkins checkin output
syn keyword slaDeclaration test expect

" Words inside statements.
syn keyword slaKeyword owns to until clock at stops within since when
syn keyword slaKeyword otherwise because from on count sum over per with any
syn keyword slaUnit minute minutes hour hours day days week weeks

" Operator words.
syn keyword slaOperator and or not in is set unset older starts ends contains
syn keyword slaOperator ignoring
syn match   slaOperator "\<older\s\+than\>"
syn match   slaOperator "\<ignoring\s\+case\>"
syn match   slaOperator "\<\%(starts\|ends\)\s\+with\>"
syn keyword slaConditional if then else

syn keyword slaConstant true false now
syn keyword slaWeekday mon tue wed thu fri sat sun
syn keyword slaFunction min max abs round lower upper trim length
syn keyword slaBuiltin stage class handoff_due handoff_elapsed recycled
syn keyword slaBuiltin cadence_expected cadence_next_due recycle_to
syn keyword slaBuiltin recycle_reason

" A field's type: `name : int?`.
syn match   slaType "\%(:\s*\)\@<=\<\%(int\|number\|money\|bool\|text\|time\|duration\)\>?\="

" Literals. Later matches win at the same column, so the longest forms
" (durations, dates with times) come last.
syn match   slaNumber "\<\d\+\%(\.\d\+\)\=\>"
syn match   slaTimeOfDay "\<\d\{1,2}:\d\{2}\>"
syn match   slaPercent "\<\d\+\%(\.\d\+\)\=%"
syn match   slaMoney "\$\d\{1,3}\%(,\d\{3}\)\+\%(\.\d\+\)\="
syn match   slaMoney "\$\d\+\%(\.\d\+\)\="
syn match   slaDate "\<\d\{4}-\d\{2}-\d\{2}\%(T\d\{2}:\d\{2}\%(:\d\{2}\%(\.\d\+\)\=\)\=\%(Z\|[+-]\d\{2}\%(:\=\d\{2}\)\=\)\=\)\=\>"
syn match   slaDuration "\<\d\+\%(\.\d\+\)\=\s\+\%(business\s\+\)\=\%(minutes\=\|hours\=\|days\=\|weeks\=\)\>"

syn match   slaEscape contained "\\[\"\\nt]"
syn match   slaBadEscape contained "\\[^\"\\nt]"
syn region  slaString start=+"+ skip=+\\\\\|\\"+ end=+"+ oneline contains=slaEscape,slaBadEscape
" The CSV column a field reads: `from "Header"`.
syn region  slaColumn start=+\%(\<from\s\+\)\@<="+ skip=+\\\\\|\\"+ end=+"+ oneline contains=slaEscape,slaBadEscape

syn keyword slaTodo contained TODO FIXME XXX NOTE
syn match   slaComment "#.*$" contains=slaTodo,@Spell

syn match   slaBraces "[{}]"

hi def link slaDeclaration Statement
hi def link slaKeyword     Keyword
hi def link slaUnit        Keyword
hi def link slaOperator    Operator
hi def link slaConditional Conditional
hi def link slaConstant    Boolean
hi def link slaWeekday     Constant
hi def link slaFunction    Function
hi def link slaBuiltin     Identifier
hi def link slaType        Type
hi def link slaNumber      Number
hi def link slaTimeOfDay   Number
hi def link slaPercent     Number
hi def link slaMoney       Number
hi def link slaDate        Constant
hi def link slaDuration    Number
hi def link slaString      String
hi def link slaColumn      Special
hi def link slaEscape      SpecialChar
hi def link slaBadEscape   Error
hi def link slaComment     Comment
hi def link slaTodo        Todo
hi def link slaBraces      Delimiter

let b:current_syntax = 'sla'

let &cpo = s:cpo_save
unlet s:cpo_save
