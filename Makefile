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
LDLIBS  := -lgccjit -ldl -lm -lpthread

# Generated code gets only the exemptions it needs.
GEN_WARN := -Wall -Wextra -Werror -Wno-unused-function -Wno-sign-compare \
            -Wno-unused-parameter -Wno-missing-prototypes -Wno-missing-declarations

LIB_SRC := $(wildcard common/*.c) $(wildcard compiler/*.c) $(wildcard runtime/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/lexer.o $(BUILD)/gen/parser.o
LIB     := $(BUILD)/libsla.a

PROGS   := $(BUILD)/slac $(BUILD)/sla
TEST_SRC := $(wildcard tests/unit/*.c)
TESTS   := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all test check test-run unit golden deps bench clean distclean
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

deps:
	@./tools/deps.sh

bench: all
	bench/check-bench.sh $(BUILD)/slac
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Iinclude -o $(BUILD)/calendar-bench bench/calendar-bench.c $(LIB) $(LDLIBS)
	$(BUILD)/calendar-bench
	bench/report-bench.sh $(BUILD)
	bench/jit-bench.sh $(BUILD)/sla

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(BUILD)/cli/slac.d $(BUILD)/cli/sla.d $(TESTS:$(BUILD)/tests/%=$(BUILD)/tests/unit/%.d)
