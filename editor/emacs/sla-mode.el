;;; sla-mode.el --- Major mode for .sla SLA policies -*- lexical-binding: t -*-

;; Keywords: languages
;; Package-Requires: ((emacs "27.1"))

;;; Commentary:

;; Editing support for the policies slac and sla read: font-lock, `#'
;; comments, indentation by block depth (two spaces), `compile' running
;; `slac --check' with its gcc-style diagnostics recognised, and a flymake
;; backend that checks the buffer with `slac --check --format json -'.
;;
;; Indentation counts only the braces that open a block (a `{' ending its
;; line); the braces of a set (`in {...}', `any {...}') and parentheses
;; make a continuation line.  A continuation line keeps the indentation its
;; author gave it when that is deeper than the block's, so hand-aligned
;; continuations survive `indent-region'.
;;
;; The keyword lists cover every reserved word in lexer/token.h;
;; tests/run-editor.sh fails when one is added there and not here.
;;
;; Setup:
;;   (add-to-list 'load-path "/path/to/slac/editor/emacs")
;;   (require 'sla-mode)
;;   (add-hook 'sla-mode-hook #'flymake-mode)   ; optional

;;; Code:

(require 'compile)
(require 'flymake)
(require 'json)

(defgroup sla nil
  "Editing .sla SLA policies."
  :group 'languages
  :prefix "sla-")

(defcustom sla-slac-program "slac"
  "The slac compiler, used by `compile' and flymake."
  :type 'string)

(defcustom sla-indent-offset 2
  "Columns per open block."
  :type 'integer
  :safe #'integerp)

(defconst sla-declaration-keywords
  '("policy" "timezone" "business" "holidays" "missing" "format"
    "record" "let" "score" "stages" "classes" "team" "handoff"
    "cadence" "recycle" "quota" "checkins" "checkin" "output" "test" "expect")
  "Words that start a statement or a block.")

(defconst sla-keywords
  '("owns" "to" "until" "clock" "at" "stops" "within" "since" "when"
    "otherwise" "because" "from" "on" "count" "sum" "over" "per" "with"
    "any" "minute" "minutes" "hour" "hours" "day" "days" "week" "weeks"
    "if" "then" "else")
  "Words inside statements.")

(defconst sla-operator-keywords
  '("and" "or" "not" "in" "is" "set" "unset" "older" "than" "starts"
    "ends" "contains" "ignoring" "case")
  "Operator words (`than' and `case' only after `older' and `ignoring').")

(defconst sla-constants '("true" "false" "now")
  "Constant words.")

(defconst sla-types
  '("int" "number" "money" "bool" "text" "time" "duration")
  "The types of a record's fields.")

(defconst sla-functions
  '("min" "max" "abs" "round" "lower" "upper" "trim" "length")
  "Built-in functions.")

(defconst sla-builtins
  '("stage" "class" "handoff_due" "handoff_elapsed" "recycled"
    "cadence_expected" "cadence_next_due" "recycle_to" "recycle_reason")
  "Built-in names every record has.")

(defconst sla--continuation-words
  '("and" "or" "not" "when" "then" "else" "if" "in" "any" "with" "is"
    "older" "ignoring")
  "A line ending in one of these words goes on to the next.")

(defconst sla--leading-continuation-words
  '("and" "or" "then" "else" "when" "since" "because")
  "A line starting with one of these words continues the one before.")

(defconst sla--statement-words
  '("policy" "timezone" "business" "holidays" "missing" "time" "record"
    "let" "score" "stages" "classes" "team" "handoff" "cadence" "recycle"
    "quota" "checkins" "output")
  "A line starting with one of these words is never a continuation.")

(defconst sla-font-lock-keywords
  `(;; The CSV column of a field: `from "Header"'.
    ("\\_<from[ \t]+\\(\"\\(?:[^\"\\\n]\\|\\\\.\\)*\"\\)"
     1 'font-lock-doc-face t)
    ;; A field's type: `name : int?'.
    (,(concat ":[ \t]*\\(" (regexp-opt sla-types 'symbols) "\\)")
     1 'font-lock-type-face)
    (,(regexp-opt sla-declaration-keywords 'symbols) . 'font-lock-keyword-face)
    (,(regexp-opt sla-keywords 'symbols) . 'font-lock-keyword-face)
    (,(regexp-opt sla-operator-keywords 'symbols) . 'font-lock-builtin-face)
    (,(regexp-opt sla-constants 'symbols) . 'font-lock-constant-face)
    (,(concat (regexp-opt sla-functions 'symbols) "[ \t]*(")
     1 'font-lock-function-name-face)
    (,(regexp-opt sla-builtins 'symbols) . 'font-lock-variable-name-face)
    ;; Literals: dates and times, money, percentages, times of day,
    ;; numbers.
    (,(concat "\\_<[0-9]\\{4\\}-[0-9]\\{2\\}-[0-9]\\{2\\}"
              "\\(?:T[0-9]\\{2\\}:[0-9]\\{2\\}\\(?::[0-9]\\{2\\}"
              "\\(?:\\.[0-9]+\\)?\\)?"
              "\\(?:Z\\|[-+][0-9]\\{2\\}\\(?::?[0-9]\\{2\\}\\)?\\)?\\)?")
     . 'font-lock-constant-face)
    ("\\$[0-9]+\\(?:,[0-9]\\{3\\}\\)*\\(?:\\.[0-9]+\\)?"
     . 'font-lock-constant-face)
    ("\\_<[0-9]+\\(?:\\.[0-9]+\\)?%" . 'font-lock-constant-face)
    ("\\_<[0-9]\\{1,2\\}:[0-9]\\{2\\}\\_>" . 'font-lock-constant-face)
    ("\\_<[0-9]+\\(?:\\.[0-9]+\\)?\\_>" . 'font-lock-constant-face))
  "Font-lock rules for `sla-mode'.")

(defvar sla-mode-syntax-table
  (let ((st (make-syntax-table)))
    (modify-syntax-entry ?# "<" st)
    (modify-syntax-entry ?\n ">" st)
    (modify-syntax-entry ?\r ">" st)
    (modify-syntax-entry ?\" "\"" st)
    (modify-syntax-entry ?\\ "\\" st)
    (modify-syntax-entry ?_ "_" st)
    (modify-syntax-entry ?$ "." st)
    (modify-syntax-entry ?% "." st)
    (modify-syntax-entry ?' "." st)
    (modify-syntax-entry ?{ "(}" st)
    (modify-syntax-entry ?} "){" st)
    (modify-syntax-entry ?\( "()" st)
    (modify-syntax-entry ?\) ")(" st)
    st)
  "Syntax table for `sla-mode'.")

;;;; Indentation

(defun sla--block-brace-p (pos)
  "Non-nil if the open brace at POS opens a block, not a set."
  (save-excursion
    (goto-char pos)
    (and (eq (char-after) ?{)
         (not (looking-back "\\_<\\(?:in\\|any\\)[ \t]*" (line-beginning-position))))))

(defun sla--code-end (&optional pos)
  "The end of the code on the line at POS, before any comment or blanks."
  (save-excursion
    (when pos (goto-char pos))
    (end-of-line)
    (let ((ppss (syntax-ppss)))
      (when (nth 4 ppss)
        (goto-char (nth 8 ppss))))
    (skip-chars-backward " \t")
    (point)))

(defun sla--previous-code-line ()
  "Move to the previous line with code on it; nil if there is none."
  (let (found)
    (while (and (not found) (zerop (forward-line -1)))
      (back-to-indentation)
      (unless (or (eolp) (eq (char-after) ?#))
        (setq found t)))
    found))

(defun sla--continuation-p ()
  "Non-nil if the line at point continues the statement before it."
  (save-excursion
    (back-to-indentation)
    (let* ((ppss (syntax-ppss))
           (open (car (last (nth 9 ppss)))))
      (cond
       ((looking-at (regexp-opt sla--statement-words 'symbols)) nil)
       ((and open (not (sla--block-brace-p open))) t)
       ((looking-at (regexp-opt sla--leading-continuation-words 'symbols)) t)
       ((sla--previous-code-line)
        (goto-char (sla--code-end))
        (or (memq (char-before) '(?+ ?- ?* ?/ ?= ?< ?> ?? ?, ?\( ?:))
            (looking-back (concat (regexp-opt sla--continuation-words 'symbols))
                          (line-beginning-position))))))))

(defun sla--block-depth ()
  "The number of blocks open at the start of the line at point."
  (save-excursion
    (beginning-of-line)
    (let ((n 0))
      (dolist (open (nth 9 (syntax-ppss)) n)
        (when (sla--block-brace-p open)
          (setq n (1+ n)))))))

(defun sla-calculate-indentation ()
  "The indentation the line at point should have."
  (save-excursion
    (back-to-indentation)
    (let ((base (* sla-indent-offset
                   (max 0 (- (sla--block-depth)
                             (if (eq (char-after) ?}) 1 0))))))
      (if (and (not (eq (char-after) ?})) (sla--continuation-p))
          (max (current-indentation) (+ base sla-indent-offset))
        base))))

(defun sla-indent-line ()
  "Indent the current line by its block depth."
  (interactive)
  (let ((indent (sla-calculate-indentation))
        (offset (- (current-column) (current-indentation))))
    (unless (= indent (current-indentation))
      (save-excursion (indent-line-to indent)))
    (when (< (current-column) indent)
      (move-to-column (+ indent (max 0 offset))))))

;;;; Compiling: M-x compile runs slac --check on the file.

(defconst sla-compilation-regexp
  (concat "^\\([^:\n]+\\):\\([0-9]+\\):\\([0-9]+\\): "
          "\\(?:error\\|\\(warning\\)\\|\\(note\\)\\): ")
  "A slac diagnostic: `file:line:col: error: message'.")

(add-to-list 'compilation-error-regexp-alist-alist
             `(sla ,sla-compilation-regexp 1 2 3 (4 . 5)))
(add-to-list 'compilation-error-regexp-alist 'sla)

;;;; Flymake: slac --check --format json - on the buffer.

(defvar-local sla--flymake-process nil
  "The slac process checking this buffer.")

(defun sla--position (line column)
  "The buffer position of LINE and COLUMN (both from 1, in characters)."
  (save-excursion
    (save-restriction
      (widen)
      (goto-char (point-min))
      (forward-line (1- line))
      (min (+ (point) (1- column)) (point-max)))))

(defun sla--flymake-diagnostics (source json)
  "Flymake diagnostics for SOURCE from slac's JSON report JSON."
  (let ((report (json-parse-string json :object-type 'alist
                                   :array-type 'list)))
    (mapcar
     (lambda (d)
       (let-alist d
         (let* ((beg (sla--position .line .column))
                (end (sla--position .end_line .end_column))
                (end (if (> end beg) end (min (1+ beg) (point-max)))))
           (flymake-make-diagnostic
            source beg end
            (pcase .severity
              ("error" :error)
              ("warning" :warning)
              (_ :note))
            (format "%s [%s]" .message .code)))))
     (alist-get 'diagnostics report))))

(defun sla-flymake (report-fn &rest _args)
  "Flymake backend: check the buffer with slac, report with REPORT-FN."
  (unless (executable-find sla-slac-program)
    (error "Cannot find %s" sla-slac-program))
  (when (process-live-p sla--flymake-process)
    (kill-process sla--flymake-process))
  (let ((source (current-buffer)))
    (save-restriction
      (widen)
      (setq
       sla--flymake-process
       (make-process
        :name "sla-flymake" :noquery t :connection-type 'pipe
        :buffer (generate-new-buffer " *sla-flymake*")
        :command (list sla-slac-program "--check" "--format" "json" "-")
        :sentinel
        (lambda (proc _event)
          (when (memq (process-status proc) '(exit signal))
            (unwind-protect
                (cond
                 ((not (buffer-live-p source)))
                 ((not (eq proc (buffer-local-value 'sla--flymake-process
                                                    source)))
                  (flymake-log :warning "Canceling obsolete check %s" proc))
                 ((memq (process-exit-status proc) '(0 1))
                  (funcall report-fn
                           (with-current-buffer source
                             (sla--flymake-diagnostics
                              source
                              (with-current-buffer (process-buffer proc)
                                (buffer-string))))))
                 (t
                  (funcall report-fn :panic
                           :explanation
                           (format "%s exited with status %d"
                                   sla-slac-program
                                   (process-exit-status proc)))))
              (kill-buffer (process-buffer proc)))))))
      (process-send-region sla--flymake-process (point-min) (point-max))
      (process-send-eof sla--flymake-process))))

;;;; The mode

;;;###autoload
(define-derived-mode sla-mode prog-mode "SLA"
  "Major mode for .sla SLA policies.

\\{sla-mode-map}"
  :syntax-table sla-mode-syntax-table
  (setq-local comment-start "# ")
  (setq-local comment-start-skip "#+[ \t]*")
  (setq-local comment-end "")
  (setq-local indent-tabs-mode nil)
  (setq-local tab-width 2)
  (setq-local indent-line-function #'sla-indent-line)
  (setq-local font-lock-defaults '(sla-font-lock-keywords))
  (setq-local compile-command
              (concat sla-slac-program " --check "
                      (if buffer-file-name
                          (shell-quote-argument
                           (file-name-nondirectory buffer-file-name))
                        "-")))
  (add-hook 'flymake-diagnostic-functions #'sla-flymake nil t))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.sla\\'" . sla-mode))

(provide 'sla-mode)

;;; sla-mode.el ends here
