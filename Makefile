# isms — build, test and run. `make run` builds and opens the demo workspace; `make test` runs every test.
CC      ?= gcc
PKG_CONFIG ?= pkg-config
PKGS    := sqlite3 jansson xlsxwriter libcrypto zlib libcurl libxml-2.0 libsodium libmicrohttpd libzip pangocairo libdeflate libcmark-gfm
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
# One pkg-config call answers for all the libraries; only when it fails is each asked about, to name
# the missing one. Expanded in the compile and link lines, so `make deps` and `make clean` need none.
check_libs = $(error $(shell PKG_CONFIG='$(PKG_CONFIG)' sh scripts/check-libs.sh $(1)))
PKG_CHECK = $(if $(strip $(PKG_LIBS)),,$(call check_libs,$(PKGS)))
CMOCKA_LIBS = $(or $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null),$(call check_libs,cmocka))
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
DEFS    := -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -pthread
# $(CPPFLAGS), $(CFLAGS) and $(LDFLAGS) from the command line or the environment reach every compile
# and link line.
ALLCFLAGS = $(PKG_CHECK)$(WARN) $(DEFS) -Isrc -Ibuild/gen $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS)
LDLIBS  = $(PKG_CHECK)$(PKG_LIBS) -lm -pthread
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

LIB_SRC := $(sort $(wildcard src/util/*.c src/core/*.c src/store/*.c src/report/*.c src/collect/*.c src/app/*.c src/web/*.c src/mcp/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
DATA    := data/annex-a-2022.tsv data/clauses-2022.tsv data/guidance.txt data/threats.tsv \
           data/vulnerabilities.tsv data/mapping-2013-2022.tsv data/mapping-soc2-iso27001-2022.tsv \
           data/policy-requirements.tsv
GEN     := build/gen/data.c
POLICY_TMPL := $(sort $(wildcard data/policies/*.md.tmpl))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))

REL_OBJ := $(patsubst %.c,build/rel/%.o,$(LIB_SRC) $(GEN))
SAN_OBJ := $(patsubst %.c,build/san/%.o,$(LIB_SRC) $(GEN))
REL_CLI := $(patsubst %.c,build/rel/%.o,$(CLI_SRC))
SAN_CLI := $(patsubst %.c,build/san/%.o,$(CLI_SRC))
UNIT_BIN := $(patsubst tests/unit/%.c,build/san/tests/%,$(UNIT_SRC))

.PHONY: all deps run test test-build unit clitest bench clean demo
all: build/isms

deps:
	@sh scripts/deps.sh

build/tools/embed: tools/embed.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -O1 $(LDFLAGS) -o $@ $<

# The policy templates travel as one concatenation; each starts with its own front matter.
build/gen/policies.txt: $(POLICY_TMPL)
	@mkdir -p $(@D)
	cat $^ > $@

$(GEN): build/tools/embed $(DATA) build/gen/policies.txt
	@mkdir -p $(@D)
	build/tools/embed $@ data_annex_a=data/annex-a-2022.tsv data_clauses=data/clauses-2022.tsv \
	  data_guidance=data/guidance.txt data_threats=data/threats.tsv \
	  data_vulnerabilities=data/vulnerabilities.tsv data_map2013=data/mapping-2013-2022.tsv \
	  data_mapsoc2=data/mapping-soc2-iso27001-2022.tsv data_policy_reqs=data/policy-requirements.tsv \
	  data_policies=build/gen/policies.txt

build/rel/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -MMD -MP -c -o $@ $<

build/san/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(SAN) -MMD -MP -c -o $@ $<

build/libisms.a: $(REL_OBJ)
	ar rcs $@ $^
build/san/libisms.a: $(SAN_OBJ)
	ar rcs $@ $^

build/isms: $(REL_CLI) build/libisms.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
build/san/isms: $(SAN_CLI) build/san/libisms.a
	$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(LDLIBS)

build/san/tests/%: tests/unit/%.c build/san/libisms.a
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(SAN) $(LDFLAGS) -o $@ $< build/san/libisms.a $(LDLIBS) $(CMOCKA_LIBS)

# Build, create the demo workspace when there is none, show its gap analysis.
# (Recursive so that pkg-config runs after `deps` has installed the libraries.)
run: deps
	@$(MAKE) --no-print-directory build/isms
	@sh scripts/run.sh

unit: $(UNIT_BIN)
	@sh scripts/run-unit.sh $(UNIT_BIN)

clitest: build/san/isms
	@sh scripts/run-cli-tests.sh build/san/isms

test-build: $(UNIT_BIN) build/san/isms
	@:

# Every test, under AddressSanitizer and UndefinedBehaviorSanitizer: built a job per processor
# (unless make was given -j), then run side by side (scripts/run-parallel.sh; ISMS_TEST_JOBS).
NPROC = $(shell nproc 2>/dev/null || echo 2)
test: deps
	@$(MAKE) --no-print-directory $(if $(filter -j%,$(MAKEFLAGS)),,-j$(NPROC)) test-build
	@$(MAKE) --no-print-directory unit clitest fuzz-smoke
	@echo "all tests passed"

build/bench/gen_workspace: bench/gen_workspace.c build/libisms.a
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ $< build/libisms.a $(LDLIBS)

build/bench/write_bench: bench/write_bench.c build/libisms.a
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ $< build/libisms.a $(LDLIBS)

# Benchmarks on a 100,000-asset / 100,000-risk workspace, beside a baseline in the same run.
bench: deps
	@$(MAKE) --no-print-directory build/isms build/bench/gen_workspace
	@sh bench/run.sh

# --- fuzzing: one libFuzzer target per parser of outside input (tests/fuzz/fuzz_*.c), built with
# clang beside build/rel and build/san. `make fuzz` runs each for FUZZ_SECONDS from its seed corpus
# (tests/fuzz/corpus/<target>); `make fuzz-smoke` (part of `make test`) replays every seed and
# fuzzes each target for FUZZ_SMOKE_SECONDS. See tests/fuzz/README.md.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 3
FUZZ_SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_CFLAGS   = $(WARN) -Wno-unused-command-line-argument $(DEFS) -Isrc -Ibuild/gen $(PKG_CFLAGS) -O1 -g $(FUZZ_SAN)
FUZZ_OBJ     := $(patsubst %.c,build/fuzz/obj/%.o,$(LIB_SRC) $(GEN))
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN     := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(filter-out tests/fuzz/fuzz_lib.c,$(FUZZ_SRC)))

build/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<
build/fuzz/libisms.a: $(FUZZ_OBJ)
	ar rcs $@ $^
build/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz_lib.c tests/fuzz/fuzz.h build/fuzz/libisms.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< tests/fuzz/fuzz_lib.c build/fuzz/libisms.a $(LDLIBS)

.PHONY: fuzz fuzz-build fuzz-smoke
fuzz-build: $(FUZZ_BIN)
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@sh scripts/run-fuzz.sh run $(FUZZ_SECONDS) $(FUZZ_BIN)
fuzz-smoke: fuzz-build
	@sh scripts/run-fuzz.sh smoke $(FUZZ_SMOKE_SECONDS) $(FUZZ_BIN)

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
