" .sla files are SLA policies (slac/sla).
autocmd BufNewFile,BufRead *.sla setfiletype sla
