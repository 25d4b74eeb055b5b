/*
 * opcodes.h - every bytecode instruction, declared once.
 *
 * OP(name, signature, semantics) - the enum, the name table, the operand
 * signatures the verifier checks, the disassembler and the interpreter's
 * dispatch table are all generated from this list.
 *
 * An instruction is {op, a, b, c}, 16 bits each. The signature gives the
 * role of a, b and c, one letter each:
 *   i n m b t T d D s c h k   a register of type int, number, money, bool,
 *                             text, time, duration, business duration,
 *                             stage, class, hand-off status, cadence status
 *   I   a register of an integer-held type (int, money, bool, time,
 *       duration, stage, class, statuses); every I in a signature must
 *       have the same type. ADD, SUB, NEG and ABS are arithmetic: the
 *       verifier allows them only on int, money and duration
 *   x   a register of any type; every x the same type
 *   S   a set (index into the program's sets)
 *   H   a hand-off descriptor; C a cadence descriptor
 *   X   the first of several registers an instruction reads, typed as its
 *       semantics says (checked by the verifier one by one)
 *   j   a jump target: b and c together hold it (b high, c low); jumps only
 *       go forward, which is what makes every program terminate
 *   -   unused (must be 0)
 * R[x] is register x; unset values propagate through arithmetic, and a
 * comparison with an unset value is false.
 */
OP(MOVE,      "xx-", "R[A] := R[B]")
OP(UNSET,     "x--", "R[A] := unset")
OP(JMP,       "-j",  "pc := J")
OP(JMPF,      "bj",  "if not R[A] (false or unset) then pc := J")
OP(JMPT,      "bj",  "if R[A] (true) then pc := J")
OP(TRUTH,     "bb-", "R[A] := R[B] is true (unset is false)")
OP(NOT,       "bb-", "R[A] := not R[B] (unset counts as false)")
OP(ISSET,     "bx-", "R[A] := R[B] is set")
OP(DEFAULT,   "xxx", "R[A] := R[B] if set, else R[C]")
OP(ADD,       "III", "R[A] := R[B] + R[C] (int, money, duration; overflow: unset)")
OP(SUB,       "III", "R[A] := R[B] - R[C]")
OP(MULI,      "iii", "R[A] := R[B] * R[C]")
OP(DIVI,      "nii", "R[A] := R[B] / R[C] as a number (by zero: unset)")
OP(NEG,       "II-", "R[A] := -R[B]")
OP(ADDF,      "nnn", "R[A] := R[B] + R[C]")
OP(SUBF,      "nnn", "R[A] := R[B] - R[C]")
OP(MULF,      "nnn", "R[A] := R[B] * R[C]")
OP(DIVF,      "nnn", "R[A] := R[B] / R[C] (by zero: unset)")
OP(NEGF,      "nn-", "R[A] := -R[B]")
OP(I2F,       "ni-", "R[A] := R[B] as a number")
OP(M2F,       "nm-", "R[A] := R[B] as a number")
OP(I2M,       "mi-", "R[A] := R[B] as money")
OP(F2M,       "mn-", "R[A] := R[B] as money, rounded half away from zero to 0.0001")
OP(MULMF,     "mmn", "R[A] := R[B] * R[C], rounded to 0.0001")
OP(DIVMF,     "mmn", "R[A] := R[B] / R[C], rounded to 0.0001 (by zero: unset)")
OP(DIVMM,     "nmm", "R[A] := R[B] / R[C] (by zero: unset)")
OP(MULDF,     "ddn", "R[A] := R[B] * R[C], to the microsecond")
OP(DIVDF,     "ddn", "R[A] := R[B] / R[C], to the microsecond (by zero: unset)")
OP(DIVDD,     "ndd", "R[A] := R[B] / R[C] (by zero: unset)")
OP(TADD,      "TTd", "R[A] := R[B] + R[C]")
OP(TSUB,      "TTd", "R[A] := R[B] - R[C]")
OP(TDIFF,     "dTT", "R[A] := R[B] - R[C]")
OP(TADDB,     "TTD", "R[A] := R[B] plus R[C] of business time, on the calendar")
OP(TSUBB,     "TTD", "R[A] := R[B] minus R[C] of business time, on the calendar")
OP(BETWEEN,   "DTT", "R[A] := business time from R[B] to R[C]")
OP(BADD,      "DDD", "R[A] := R[B] + R[C] (days and hours do not mix: unset)")
OP(BSUB,      "DDD", "R[A] := R[B] - R[C]")
OP(MULBF,     "DDn", "R[A] := R[B] * R[C]")
OP(DIVBF,     "DDn", "R[A] := R[B] / R[C] (by zero: unset)")
OP(DIVBB,     "nDD", "R[A] := R[B] / R[C] (by zero, or days and hours: unset)")
OP(BNEG,      "DD-", "R[A] := -R[B]")
OP(CONCAT,    "ttt", "R[A] := R[B] followed by R[C]")
OP(EQ,        "bII", "R[A] := R[B] = R[C]")
OP(NE,        "bII", "R[A] := R[B] != R[C]")
OP(LT,        "bII", "R[A] := R[B] < R[C]")
OP(LE,        "bII", "R[A] := R[B] <= R[C]")
OP(EQF,       "bnn", "R[A] := R[B] = R[C]")
OP(NEF,       "bnn", "R[A] := R[B] != R[C]")
OP(LTF,       "bnn", "R[A] := R[B] < R[C]")
OP(LEF,       "bnn", "R[A] := R[B] <= R[C]")
OP(EQT,       "btt", "R[A] := R[B] = R[C], byte for byte")
OP(NET,       "btt", "R[A] := R[B] != R[C]")
OP(LTT,       "btt", "R[A] := R[B] < R[C], by bytes")
OP(LET,       "btt", "R[A] := R[B] <= R[C], by bytes")
OP(EQB,       "bDD", "R[A] := R[B] = R[C] (days and hours: false)")
OP(NEB,       "bDD", "R[A] := R[B] != R[C] (days and hours: false)")
OP(LTB,       "bDD", "R[A] := R[B] < R[C] (days and hours: false)")
OP(LEB,       "bDD", "R[A] := R[B] <= R[C] (days and hours: false)")
OP(INSET,     "btS", "R[A] := R[B] is in set C (text)")
OP(INSETI,    "bIS", "R[A] := R[B] is in set C (whole numbers, money, true/false)")
OP(INSETF,    "bnS", "R[A] := R[B] is in set C (numbers)")
OP(STARTS,    "btt", "R[A] := R[B] starts with R[C]")
OP(ENDS,      "btt", "R[A] := R[B] ends with R[C]")
OP(CONTAINS,  "btt", "R[A] := R[B] contains R[C]")
OP(STARTSCI,  "btt", "R[A] := R[B] starts with R[C], ignoring case")
OP(ENDSCI,    "btt", "R[A] := R[B] ends with R[C], ignoring case")
OP(CONTAINSCI,"btt", "R[A] := R[B] contains R[C], ignoring case")
OP(STARTSANY, "btS", "R[A] := R[B] starts with any text of set C")
OP(ENDSANY,   "btS", "R[A] := R[B] ends with any text of set C")
OP(CONTAINSANY,"btS","R[A] := R[B] contains any text of set C")
OP(MIN,       "III", "R[A] := the smaller of R[B], R[C] (unset if either is)")
OP(MAX,       "III", "R[A] := the larger of R[B], R[C]")
OP(MINF,      "nnn", "R[A] := the smaller of R[B], R[C]")
OP(MAXF,      "nnn", "R[A] := the larger of R[B], R[C]")
OP(MINB,      "DDD", "R[A] := the smaller of R[B], R[C] (days and hours: unset)")
OP(MAXB,      "DDD", "R[A] := the larger of R[B], R[C] (days and hours: unset)")
OP(ABS,       "II-", "R[A] := |R[B]|")
OP(ABSF,      "nn-", "R[A] := |R[B]|")
OP(ROUNDF,    "in-", "R[A] := R[B] rounded half away from zero (out of range: unset)")
OP(ROUNDM,    "mm-", "R[A] := R[B] rounded to a whole amount, half away from zero")
OP(LOWER,     "tt-", "R[A] := R[B] in lower case (ASCII letters)")
OP(UPPER,     "tt-", "R[A] := R[B] in upper case (ASCII letters)")
OP(TRIM,      "tt-", "R[A] := R[B] without leading and trailing white space")
OP(LENGTH,    "it-", "R[A] := the number of characters of R[B]")
OP(HANDOFF,   "hXH", "R[A..A+2] := status (h), due (T), elapsed (d) of hand-off C from R[B..B+4] = start (T), stop (T), wall-clock window (d), business window (D), stage (s); one window is set")
OP(CADENCE,   "kXC", "R[A..A+2] := status (k), expected (i), next due (T) of cadence C from R[B..B+5] = start (T), count (i), touches (i), wall-clock period (d), business period (D), stage (s); one period is set")
OP(RET,       "---", "end of the record's evaluation")
