/*
 * diag_codes.h - every kind of diagnostic the compiler can give, declared once.
 *
 * X(enum, code, short description). The code is what `--format json` and
 * SARIF show as the rule id; the description becomes the SARIF rule text.
 * Codes are part of the machine-readable interface: never rename one.
 */
DIAG_CODE(D_SYNTAX, "syntax", "The policy text does not follow the grammar of the language.")
DIAG_CODE(D_UNDEFINED_NAME, "undefined-name", "A name is used that no field, let, score, stage, class or team defines.")
DIAG_CODE(D_DUPLICATE, "duplicate-definition", "The same name or entry is defined twice.")
DIAG_CODE(D_TYPE, "type-mismatch", "A value of one type is used where another type is needed.")
DIAG_CODE(D_INVALID_VALUE, "invalid-value", "A literal (date, time of day, number, format, weekday) is not valid.")
DIAG_CODE(D_UNKNOWN_TIMEZONE, "unknown-timezone", "A time zone name is not in the system's time zone database.")
DIAG_CODE(D_ORDER, "out-of-order", "A definition refers to something that only exists later, or follows a catch-all.")
DIAG_CODE(D_MISSING, "missing-definition", "Something the policy needs is not defined: a window for a class, a required clause.")
DIAG_CODE(D_CYCLE, "circular-definition", "A definition depends on itself.")
DIAG_CODE(D_UNMEETABLE, "unmeetable-window", "A response window or cadence cannot be met under the policy's other rules.")
DIAG_CODE(D_UNUSED, "unused-let", "A let definition is never used.")
DIAG_CODE(D_UNREACHABLE, "unreachable", "A stage or class can never be assigned to a record.")
DIAG_CODE(D_REDUNDANT, "redundant-test", "A test whose answer is known without looking at the record.")
DIAG_CODE(D_NO_CATCHALL, "no-catch-all", "Classes without `otherwise` leave some records without a class.")
