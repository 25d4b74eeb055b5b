# slac / sla - build, test and install.
#
#   make            build build/slac, build/sla and build/libsla.a
#   make test       every test, in a normal build and again under ASan+UBSan
#                   (JIT_DIFF_COUNT=N: how many random policies go through
#                   both the interpreter and native code)
#   make check      the same as make test
#   make deps       install the build and test dependencies (Debian)
#   make bench      the benchmarks in bench/
#   make SANITIZE=1 a build with AddressSanitizer and UBSan in build/san
#   make fuzz       the libFuzzer harnesses of tests/fuzz/ (clang) in build/fuzz
#   make fuzz-run   each harness for FUZZ_SECONDS on its corpus (and the
#                   regressions replayed); fails on any crash, leak or timeout
#   make check-valgrind  the unit tests and a sample of the CLI tests under
#                   valgrind memcheck

CC      ?= cc
BISON   ?= bison
FLEX    ?= flex
PYTHON  ?= python3

ifeq ($(SANITIZE),1)
BUILD   ?= build/san
OPT     ?= -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDSAN   := -fsanitize=address,undefined
# libgccjit never frees its compiler state: suppress leaks inside it alone.
export LSAN_OPTIONS := suppressions=$(CURDIR)/tests/lsan-libgccjit.supp:print_suppressions=0
# Random policies through the interpreter and native code (fewer: slower here).
JIT_DIFF_COUNT ?= 200
else
BUILD   ?= build
OPT     ?= -O2
LDSAN   :=
JIT_DIFF_COUNT ?= 1000
endif

WARN    := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wcast-align \
           -Wwrite-strings -Wstrict-prototypes -Wmissing-prototypes \
           -Wmissing-declarations -Wredundant-decls -Wundef -Wvla \
           -Wformat=2
CFLAGS  ?= -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(OPT) $(CFLAGS) -Iinclude -I$(BUILD)/gen -MMD -MP
LDFLAGS ?=
# libgccjit: compiler/jit.c (native code); the runtime itself does not use it.
LDLIBS  := -ldl -lm -lpthread

# Generated code gets only the exemptions it needs.
GEN_WARN := -Wall -Wextra -Werror -Wno-unused-function -Wno-sign-compare \
            -Wno-unused-parameter -Wno-missing-prototypes -Wno-missing-declarations

LIB_SRC := $(wildcard common/*.c) $(wildcard compiler/*.c) $(wildcard runtime/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/lexer.o $(BUILD)/gen/parser.o
LIB     := $(BUILD)/libsla.a

PROGS   := $(BUILD)/slac $(BUILD)/sla
TEST_SRC := $(wildcard tests/unit/*.c)
TESTS   := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all test check test-run unit golden deps bench clean distclean \
        fuzz fuzz-bins fuzz-run check-valgrind
.DELETE_ON_ERROR:
.SECONDARY:

all: $(PROGS) $(LIB)

$(BUILD)/gen/lexer.c: lexer/lexer.l
	@mkdir -p $(@D)
	$(FLEX) -o $@ $<

# Bison writes two files from one run: a grouped target keeps make -j safe.
$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h &: parser/parser.y
	@mkdir -p $(@D)
	$(BISON) -Wall -Werror -Wcounterexamples --defines=$(BUILD)/gen/parser.h -o $(BUILD)/gen/parser.c $<

$(BUILD)/gen/lexer.o: $(BUILD)/gen/lexer.c
	$(CC) $(ALL_CFLAGS) -Ilexer $(GEN_WARN) -c -o $@ $<

$(BUILD)/gen/parser.o: $(BUILD)/gen/parser.c $(BUILD)/gen/parser.h
	$(CC) $(ALL_CFLAGS) -Iparser $(GEN_WARN) -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(WARN) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/slac: $(BUILD)/cli/slac.o $(LIB)
	$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/sla: $(BUILD)/cli/sla.o $(LIB)
	$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

# ---- tests ----------------------------------------------------------------

# The whole suite, then again under the sanitizers.
test check: test-run
	$(MAKE) --no-print-directory SANITIZE=1 test-run
	$(MAKE) --no-print-directory fuzz
	$(MAKE) --no-print-directory fuzz-run FUZZ_SECONDS=$(FUZZ_TEST_SECONDS)
	@echo "== the interpreter with switch dispatch (build/switch)"
	$(MAKE) --no-print-directory BUILD=build/switch CFLAGS='-g -DSLA_VM_SWITCH' build/switch/tests/test_vm
	build/switch/tests/test_vm

test-run: $(PROGS) $(TESTS)
	@status=0; \
	XDG_CACHE_HOME=$$(mktemp -d "$${TMPDIR:-/tmp}/sla-test-cache.XXXXXX"); \
	export XDG_CACHE_HOME; trap 'rm -rf "$$XDG_CACHE_HOME"' EXIT; \
	for t in $(TESTS); do \
	    echo "== $$t"; $$t || status=1; \
	done; \
	echo "== $(BUILD)/tests/test_csv, the reader with AVX2 but not AVX-512"; \
	SLA_CSV_NO_AVX512=1 $(BUILD)/tests/test_csv || status=1; \
	echo "== $(BUILD)/tests/test_csv, the reader without AVX2"; \
	SLA_CSV_NO_AVX2=1 $(BUILD)/tests/test_csv || status=1; \
	echo "== golden tests ($(BUILD))"; \
	tests/run-golden.sh $(BUILD) || status=1; \
	echo "== slac fmt golden tests, idempotence and same programs ($(BUILD))"; \
	tests/run-fmt.sh $(BUILD) || status=1; \
	echo "== sla score golden tests ($(BUILD))"; \
	tests/run-score.sh $(BUILD) || status=1; \
	echo "== sla test: the examples' own tests, full coverage ($(BUILD))"; \
	$(BUILD)/sla test examples --min-coverage 100 || status=1; \
	echo "== sla report: the inbound example worked out by hand ($(BUILD))"; \
	$(PYTHON) tests/report/hand_inbound_b2b.py $(BUILD)/sla || status=1; \
	echo "== sla diff: the inbound example against its v2, counted by hand ($(BUILD))"; \
	$(PYTHON) tests/diff/hand_inbound_b2b_diff.py $(BUILD)/sla || status=1; \
	echo "== sla explain agrees with sla score on every example record ($(BUILD))"; \
	$(PYTHON) tests/tools/check_explain.py $(BUILD)/sla || status=1; \
	echo "== sla report against its oracle, every example ($(BUILD))"; \
	$(PYTHON) tests/tools/report_oracle.py $(BUILD)/sla || status=1; \
	echo "== sla report --format html in headless Chromium ($(BUILD))"; \
	tests/run-html.sh $(BUILD) || status=1; \
	echo "== sla score and report: the same bytes with 1, 2, 3 and 8 threads ($(BUILD))"; \
	tests/run-threads.sh $(BUILD) || status=1; \
	echo "== sla score golden tests with native code, --jit ($(BUILD))"; \
	tests/run-score.sh $(BUILD) --jit || status=1; \
	echo "== native code and its cache ($(BUILD))"; \
	tests/run-jit.sh $(BUILD) || status=1; \
	echo "== random policies: interpreter and native code ($(BUILD))"; \
	$(PYTHON) tests/tools/jit_differential.py $(BUILD)/sla --count $(JIT_DIFF_COUNT) || status=1; \
	echo "== reference policy against its oracle ($(BUILD))"; \
	tests/tools/check_reference.sh $(BUILD)/sla || status=1; \
	echo "== breaking the bundled policies ($(BUILD))"; \
	$(PYTHON) tests/tools/breakage.py $(BUILD)/slac || status=1; \
	echo "== hostile input made at run time: huge fields, wide rows, thousands of rules, signals ($(BUILD))"; \
	tests/run-hostile.sh $(BUILD) || status=1; \
	echo "== editor support: Vim and Emacs ($(BUILD))"; \
	tests/run-editor.sh || status=1; \
	echo "== diagnostics validator"; \
	tests/tools/test_validator.sh || status=1; \
	exit $$status

# ---- fuzzing (docs/fuzzing.md) ----------------------------------------------

# The library is compiled again with clang, instrumented for libFuzzer and
# the sanitizers, by a make of its own with BUILD=build/fuzz; each harness
# links it with libFuzzer's main.
FUZZ_CC      ?= clang
FUZZ_BUILD   := build/fuzz
FUZZ_NAMES   := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
# The share of `make test`: a minute per harness.
FUZZ_TEST_SECONDS ?= 60
FUZZ_OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
                -fno-sanitize-recover=all
FUZZ_LDSAN   := -fsanitize=fuzzer,address,undefined
# -rss_limit_mb: a leak or a runaway allocation fails the run; -timeout:
# seconds for one input, far above what any input needs.
FUZZ_FLAGS   ?= -timeout=10 -rss_limit_mb=2048 -print_final_stats=1

# Native code (compiler/jit.c) is libgccjit's, whose header clang does not
# find, and no harness reaches it: it is left out.
fuzz:
	$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) OPT='$(FUZZ_OPT)' \
	    LDSAN='$(FUZZ_LDSAN)' LIB_SRC='$(filter-out compiler/jit.c,$(LIB_SRC))' \
	    LDLIBS='-lm' fuzz-bins

fuzz-bins: $(FUZZ_NAMES:%=$(BUILD)/%)

$(BUILD)/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(LIB)
	$(CC) $(LDSAN) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Each harness runs on its working corpus in build/fuzz/corpus/NAME
# (where it adds what it finds, kept from run to run) plus the committed
# seeds, which it only reads; first it replays tests/fuzz/regressions/NAME/.
# Crashes, leaks and timeouts are written to build/fuzz/findings/.
fuzz-run:
	@pass=0; fail=0; mkdir -p $(FUZZ_BUILD)/findings; \
	for n in $(FUZZ_NAMES); do \
	    name=$${n#fuzz_}; bin=$(FUZZ_BUILD)/$$n; \
	    if [ ! -x $$bin ]; then echo "fuzz-run: $$bin is missing: make fuzz"; exit 2; fi; \
	    regs=$$(ls -d tests/fuzz/regressions/$$name/* 2>/dev/null); \
	    if [ -n "$$regs" ]; then \
	        echo "== $$n: replaying tests/fuzz/regressions/$$name/"; \
	        if $$bin $(FUZZ_FLAGS) $$regs > $(FUZZ_BUILD)/$$n-regressions.log 2>&1; then \
	            pass=$$((pass + 1)); \
	        else \
	            fail=$$((fail + 1)); tail -n 40 $(FUZZ_BUILD)/$$n-regressions.log; \
	        fi; \
	    fi; \
	    dict=; [ -f tests/fuzz/$$name.dict ] && dict=-dict=tests/fuzz/$$name.dict; \
	    mkdir -p $(FUZZ_BUILD)/corpus/$$name; \
	    echo "== $$n: $(FUZZ_SECONDS) s"; \
	    if $$bin $(FUZZ_FLAGS) $$dict -max_total_time=$(FUZZ_SECONDS) \
	        -artifact_prefix=$(FUZZ_BUILD)/findings/$$n- \
	        $(FUZZ_BUILD)/corpus/$$name tests/fuzz/corpus/$$name > $(FUZZ_BUILD)/$$n.log 2>&1; then \
	        pass=$$((pass + 1)); grep -aE '^#[0-9]+[[:space:]]+DONE|^Done ' $(FUZZ_BUILD)/$$n.log; \
	    else \
	        fail=$$((fail + 1)); echo "fuzz-run: $$n FAILED (log: $(FUZZ_BUILD)/$$n.log)"; \
	        tail -n 60 $(FUZZ_BUILD)/$$n.log; \
	    fi; \
	done; \
	ls $(FUZZ_BUILD)/findings | sed 's|^|fuzz-run: finding: $(FUZZ_BUILD)/findings/|'; \
	echo "fuzz: $$pass passed, $$fail failed"; \
	[ $$fail -eq 0 ]

# Slow (12 minutes): not part of make test.
check-valgrind: $(PROGS) $(TESTS)
	tests/run-valgrind.sh $(BUILD)

deps:
	@./tools/deps.sh

# The hand-written reference program: the project's own flags, no -march.
$(BUILD)/bench/baseline: bench/baseline.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(WARN) $(LDFLAGS) -o $@ $<

bench: all $(BUILD)/bench/baseline
	bench/check-bench.sh $(BUILD)/slac
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Iinclude -o $(BUILD)/calendar-bench bench/calendar-bench.c $(LIB) $(LDLIBS)
	$(BUILD)/calendar-bench
	bench/report-bench.sh $(BUILD)
	bench/jit-bench.sh $(BUILD)/sla
	bench/throughput.sh $(BUILD)

clean:
	rm -rf build

-include $(wildcard $(BUILD)/tests/fuzz/*.d)
-include $(LIB_OBJ:.o=.d) $(BUILD)/cli/slac.d $(BUILD)/cli/sla.d $(BUILD)/bench/baseline.d $(TESTS:$(BUILD)/tests/%=$(BUILD)/tests/unit/%.d)
