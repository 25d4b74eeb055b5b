;;; sla-mode-test.el --- batch checks of sla-mode -*- lexical-binding: t -*-

;;; Commentary:

;; Run by tests/run-editor.sh from the repository root:
;;   emacs --batch -Q -L editor/emacs -l tests/editor/sla-mode-test.el
;; Prints one `ok: ...' or `FAIL: ...' line a check; exits 1 on a failure.
;; Indentation: `indent-region' must leave every example unchanged (they
;; follow the two-spaces-a-block convention); a changed line is printed.

;;; Code:

(require 'sla-mode)

(defvar sla-test-failures 0)

(defun sla-test (name ok &optional detail)
  "Report check NAME as passed if OK; DETAIL explains a failure."
  (if ok
      (message "ok: %s" name)
    (setq sla-test-failures (1+ sla-test-failures))
    (message "FAIL: %s%s" name (if detail (format " (%s)" detail) ""))))

(defun sla-test-face-at (re face &optional group)
  "Check the first match of RE (its GROUP) has FACE."
  (goto-char (point-min))
  (if (not (re-search-forward re nil t))
      (sla-test (format "%S found" re) nil)
    (let* ((pos (match-beginning (or group 0)))
           (got (get-text-property pos 'face)))
      (sla-test (format "%S has %s" re face)
                (if (listp got) (memq face got) (eq got face))
                (format "got %S" got)))))

;; Font-lock on the inbound example.
(with-current-buffer (find-file-noselect "examples/inbound-b2b.sla")
  (sla-test "auto-mode-alist picks sla-mode" (eq major-mode 'sla-mode))
  (font-lock-ensure)
  (sla-test-face-at "^\\(policy\\) " 'font-lock-keyword-face 1)
  (sla-test-face-at "^\\(handoff\\) " 'font-lock-keyword-face 1)
  (sla-test-face-at "\\_<\\(ignoring\\) case" 'font-lock-builtin-face 1)
  (sla-test-face-at "^policy \\(\"\\)" 'font-lock-string-face 1)
  (sla-test-face-at "^# \\(Northwind\\)" 'font-lock-comment-face 1)
  (sla-test-face-at "# up to 15 \\(points\\)" 'font-lock-comment-face 1)
  (sla-test-face-at "from \\(\"Lead ID\"\\)" 'font-lock-doc-face 1)
  (sla-test-face-at ": \\(int\\)\\?" 'font-lock-type-face 1)
  (sla-test-face-at "\\$250,000" 'font-lock-constant-face)
  (sla-test-face-at "30%" 'font-lock-constant-face)
  (sla-test-face-at "^  \\(400\\) mql" 'font-lock-constant-face 1)
  (sla-test-face-at "\"@gmail\\.com\"" 'font-lock-string-face)
  (sla-test "compile-command runs slac --check"
            (equal compile-command "slac --check inbound-b2b.sla")
            compile-command))

;; indent-region leaves every example as it is.
(dolist (file (directory-files "examples" t "\\.sla\\'"))
  (with-temp-buffer
    (insert-file-contents file)
    (sla-mode)
    (let ((before (buffer-string)))
      (indent-region (point-min) (point-max))
      (let ((changed nil)
            (old (split-string before "\n"))
            (new (split-string (buffer-string) "\n"))
            (n 1))
        (while old
          (unless (equal (car old) (car new))
            (push (format "%s:%d: %S -> %S" file n (car old) (car new))
                  changed))
          (setq old (cdr old) new (cdr new) n (1+ n)))
        (dolist (c (reverse changed))
          (message "  indent would change %s" c))
        (sla-test (format "indent-region leaves %s unchanged"
                          (file-name-nondirectory file))
                  (null changed)
                  (format "%d lines" (length changed)))))))

;; Indenting a fresh block and a closing brace.
(with-temp-buffer
  (sla-mode)
  (insert "stages {\nsubscriber\nmql\nwhen score >= 50\n}\n")
  (indent-region (point-min) (point-max))
  (sla-test "indent by block depth"
            (equal (buffer-string)
                   "stages {\n  subscriber\n  mql\n    when score >= 50\n}\n")
            (buffer-string)))

;; The compilation regexp reads slac's diagnostics.
(let ((re sla-compilation-regexp))
  (sla-test "compilation regexp matches an error"
            (and (string-match re "p.sla:11:16: error: `emial` is not defined")
                 (equal (match-string 1 "p.sla:11:16: error: x") "p.sla")))
  (sla-test "compilation regexp marks a warning"
            (and (string-match re "p.sla:3:1: warning: unused [unused-let]")
                 (match-beginning 4))))

;; Flymake: the JSON diagnostics become flymake diagnostics.
(let ((slac (getenv "SLAC")))
  (if (not (and slac (file-regular-p slac) (file-executable-p slac)))
      (message "skip: flymake backend (no SLAC binary given)")
    (with-temp-buffer
      (insert "policy \"p\"\nrecord lead {\n  email : text\n}\n"
              "let freemail = emial ends with \"@gmail.com\"\n")
      (sla-mode)
      (setq-local sla-slac-program slac)
      (let ((got 'none))
        (sla-flymake (lambda (diags &rest _) (setq got diags)))
        (while (and (eq got 'none) (accept-process-output nil 10)))
        (let ((d (and (listp got)
                      (seq-find (lambda (x) (eq (flymake-diagnostic-type x)
                                                :error))
                                got))))
          (sla-test "flymake reports the undefined name"
                    (and d
                         (eq (flymake-diagnostic-type d) :error)
                         (equal (buffer-substring (flymake-diagnostic-beg d)
                                                  (flymake-diagnostic-end d))
                                "emial")
                         (string-match-p "\\[undefined-name\\]"
                                         (flymake-diagnostic-text d)))
                    (format "%S" got)))))))

(kill-emacs (if (> sla-test-failures 0) 1 0))

;;; sla-mode-test.el ends here
