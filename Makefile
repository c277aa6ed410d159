# iobench - one non-recursive Makefile.
#
#   make            build ./iobench
#   make run        install missing packages (as root), build, run the default job
#   make test       install what the tests need, build, run the tests (about 4 min)
#   make test-slow  the tests that take longer or rest on times (CI runs both)
#   make bench      compare against fio, md5sum and Python (not part of test)
#   make SANITIZE=address,undefined test    sanitizer build and tests
#   make MPI=1      build with Open MPI (`mpirun -np N iobench run`); MPI=0 without;
#                   by default with it when mpicc is installed
#   make WITH_URING=0 WITH_HWLOC=0   build without liburing / hwloc (by
#                   default each is on when pkg-config finds it)
#   make V=1        show the commands

CC ?= cc
# The folders are layers, each including only from those below it
# (scripts/layers.sh, in make test).  src/cmd: main, the CLI, one file per
# subcommand; src/run: a run's rounds of trials and its ranks; src/analysis:
# statistics, result files, plots, reports; workloads and strategies: the
# plugins; src/netsink: the net workload's server; src/core: ops, jobs, the
# plugin interfaces, plan, trial, datasets; src/record: recording a
# program, its trace and the replay plan; src/measure: what a trial
# records; src/lib: helpers with no iobench knowledge.  docs/HACKING.md.
SRC_DIRS := src/cmd src/run src/core src/measure src/analysis src/lib src/record src/netsink \
	strategies workloads

# MPI (`mpirun -np N iobench run`, README "Many machines"): MPI=1 builds with
# Open MPI, MPI=0 without; by default with it when mpicc is installed, except
# in the sanitizer builds (Open MPI's own allocations are not ours to check).
# src/dist/ holds the two implementations of dist.h; one is linked.
MPI ?= auto
ifeq ($(MPI),auto)
MPI_ON := $(if $(SANITIZE),,$(if $(shell command -v mpicc 2>/dev/null),1))
else
MPI_ON := $(filter 1,$(MPI))
endif
DIST_SRC := src/dist/$(if $(MPI_ON),dist_mpi.c,dist_none.c)
ifeq ($(MPI),1)
ifeq ($(shell pkg-config --exists ompi-c && echo y),)
$(error MPI=1 needs Open MPI: scripts/deps.sh mpi (as root), or apt-get install openmpi-bin libopenmpi-dev)
endif
endif
MPI_CFLAGS = $(if $(MPI_ON),$(shell pkg-config --cflags ompi-c))
MPI_LIBS = $(if $(MPI_ON),$(shell pkg-config --libs ompi-c))

# Optional libraries: WITH_URING, WITH_HWLOC = auto (on when pkg-config finds
# the library), 1 (required) or 0 (off).  Without liburing the io_uring
# strategy stays listed, unavailable, with the reason below; without hwloc
# the topology is the online CPUs (src/without/).  The link says which is off.
WITH_URING ?= auto
WITH_HWLOC ?= auto
have = $(shell pkg-config --exists $(1) 2>/dev/null && echo 1)
URING_ON := $(if $(filter auto,$(WITH_URING)),$(call have,liburing),$(filter 1,$(WITH_URING)))
HWLOC_ON := $(if $(filter auto,$(WITH_HWLOC)),$(call have,hwloc),$(filter 1,$(WITH_HWLOC)))
ifeq ($(WITH_URING),1)
ifeq ($(call have,liburing),)
$(error WITH_URING=1 needs liburing: apt-get install liburing-dev (dnf install liburing-devel))
endif
endif
ifeq ($(WITH_HWLOC),1)
ifeq ($(call have,hwloc),)
$(error WITH_HWLOC=1 needs hwloc: apt-get install libhwloc-dev (dnf install hwloc-devel))
endif
endif
URING_WHY := $(if $(filter 0,$(WITH_URING)),built with WITH_URING=0,built without liburing: pkg-config found none (install liburing-dev or liburing-devel and rebuild))
HWLOC_WHY := $(if $(filter 0,$(WITH_HWLOC)),built with WITH_HWLOC=0,pkg-config found no hwloc (libhwloc-dev or hwloc-devel)): the topology is the online CPUs
PKGS := libcrypto jansson $(if $(URING_ON),liburing) $(if $(HWLOC_ON),hwloc)
FEATURES := $(if $(URING_ON),,-nouring)$(if $(HWLOC_ON),,-nohwloc)
SANITIZE ?=
comma := ,

ifeq ($(SANITIZE),)
BUILD := build/$(if $(MPI_ON),mpi,default)$(FEATURES)
BIN := iobench
else
BUILD := build/san-$(subst $(comma),-,$(SANITIZE))$(FEATURES)
BIN := $(BUILD)/iobench
endif

# the preload recorder, built next to the binary's objects (see its rule)
RECLIB := $(BUILD)/libiobench-rec.so

# pkg-config runs lazily (=, not :=): `make deps` must work before the
# packages it installs exist
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
CMOCKA_LIBS = $(shell pkg-config --libs cmocka)

OPT ?= -O2
CFLAGS_ALL = -std=gnu11 $(OPT) -g -Wall -Wextra -Wshadow -Wformat=2 \
	-Wstrict-prototypes -Wmissing-prototypes -D_GNU_SOURCE \
	$(addprefix -I,$(SRC_DIRS) src/dist) -MMD -MP $(PKG_CFLAGS) $(MPI_CFLAGS) \
	-DIOBENCH_SCRIPTS='"$(CURDIR)/plots"' -DIOBENCH_RECLIB='"$(CURDIR)/$(RECLIB)"' \
	$(if $(HWLOC_ON),-DIOBENCH_HWLOC) \
	$(if $(URING_ON),,-DIOBENCH_URING_OFF='"$(URING_WHY)"') $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) $(MPI_LIBS) -lpthread -lm $(LDLIBS)
ifneq ($(SANITIZE),)
CFLAGS_ALL += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

# A sanitizer report anywhere (trial children _exit, skipping the exit-time
# status) must abort that process, so the trial fails and so does the test.
export ASAN_OPTIONS ?= abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS ?= halt_on_error=1:print_stacktrace=1
export TSAN_OPTIONS ?= halt_on_error=1:abort_on_error=1

ifeq ($(V),1)
Q :=
else
Q := @
endif

# what a build without an optional library leaves out, and links instead
NO_URING_SRC := strategies/io_uring.c strategies/io_uring_ring.c strategies/uring_bufs.c
LIB_SRC := $(filter-out src/cmd/main.c $(if $(URING_ON),,$(NO_URING_SRC)) \
	$(if $(HWLOC_ON),,src/measure/pin.c),$(wildcard $(addsuffix /*.c,$(SRC_DIRS)))) \
	$(DIST_SRC) $(if $(URING_ON),,src/without/io_uring.c) $(if $(HWLOC_ON),,src/without/pin.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/src/cmd/main.o
TEST_SRC := $(filter-out $(if $(URING_ON),,tests/test_uring_bufs.c),$(wildcard tests/test_*.c))
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
# helpers the end-to-end tests run iobench under
HELPERS := $(BUILD)/tests/no_uring $(BUILD)/tests/delayfs

.PHONY: all deps deps-test run test test-slow test-build test-quick layers unit e2e fuzz valgrind \
	bench clean man completion install uninstall
all: $(BIN)

# ./iobench is relinked when the flavour (with or without MPI) changes
FLAVOUR := build/.flavour-$(notdir $(BUILD))
$(FLAVOUR):
	@mkdir -p build && rm -f build/.flavour-* && touch $@

$(BIN): $(LIB_OBJ) $(MAIN_OBJ) $(FLAVOUR) $(RECLIB)
	@echo "  LD      $@"
	$(if $(URING_ON),,@echo "  NOTE    io_uring strategy off: $(URING_WHY)")
	$(if $(HWLOC_ON),,@echo "  NOTE    hwloc off: $(HWLOC_WHY)")
	@command -v gnuplot >/dev/null || echo "  NOTE    no gnuplot: runs will skip the plots" \
		"(apt-get install gnuplot-nox or dnf install gnuplot)"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS_ALL)

# The preload recorder `iobench record` loads into the program it records
# (src/record/preload).  Without the sanitizers: their runtime cannot be
# preloaded into a program not built with them.
RECLIB_SRC := $(wildcard src/record/preload/*.c)
$(RECLIB): $(RECLIB_SRC) src/record/preload/iorec_int.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) -O2 -g -fPIC -shared -fvisibility=hidden -Wall -Wextra -Wshadow \
		-D_GNU_SOURCE $(CFLAGS) -o $@ $(RECLIB_SRC) -ldl -lpthread

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(CMOCKA_LIBS) $(LDLIBS_ALL)

# storage with a known delay per operation (FUSE), for tests/e2e_storage.sh
$(BUILD)/tests/delayfs: tests/delayfs.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) -O2 -g -Wall -Wextra $(CFLAGS) -o $@ $< $(shell pkg-config --cflags --libs fuse3)

$(BUILD)/tests/no_uring: tests/no_uring.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $<

deps:
	$(Q)scripts/deps.sh build

deps-test:
	$(Q)scripts/deps.sh test

# The main job: every workload under every strategy on the default (small)
# dataset in ./iobench-data; results in results/, plots in plots/.  Up to
# two minutes of extra rounds where 5 trials leave a verdict undecided.
# As root, cold also means the kernel's metadata caches (sync, then
# drop_caches before each trial): on ext4 without a journal csv trials
# would otherwise pay for the files earlier trials deleted.
RUN_ROOT_ARGS ?= $(if $(filter 0,$(shell id -u)),--drop-caches)
RUN_ARGS ?= --budget 2m
run: deps
	$(Q)$(MAKE) --no-print-directory $(BIN)
	./$(BIN) run $(RUN_ROOT_ARGS) $(RUN_ARGS)

# the sub-makes decide the build (with or without MPI) after deps-test has
# installed what it installs: this make's view predates that
test: deps-test
	$(Q)$(MAKE) --no-print-directory test-build
	$(Q)$(MAKE) --no-print-directory layers unit e2e fuzz

layers:
	$(Q)scripts/layers.sh

test-build: $(BIN) $(TEST_BIN) $(HELPERS)

unit: $(TEST_BIN)
	$(Q)set -e; for t in $(TEST_BIN); do echo "  TEST    $$t"; $$t; done

# `make e2e E2E="replay net"` runs those scripts alone (tests/e2e_replay.sh,
# tests/e2e_net.sh; "cli" is tests/e2e.sh); `make test-quick`: the layers,
# the unit tests and the CLI script, in about a minute.  `make test` runs
# every script but the slow ones, which `make test-slow` runs (CI runs both):
# storage, whose known answers are times on FUSE and a throttled disk
E2E_SLOW := storage
E2E_ALL := cli numbers safety hostile mpi storage net replay install nolibs recipes
E2E ?= $(filter-out $(E2E_SLOW),$(E2E_ALL))
e2e_on = $(filter $(1),$(E2E))
e2e: $(BIN) $(HELPERS)
	$(if $(call e2e_on,cli),$(Q)IOBENCH=./$(BIN) NO_URING=$(BUILD)/tests/no_uring tests/e2e.sh)
	$(if $(call e2e_on,numbers),$(Q)IOBENCH=./$(BIN) tests/e2e_numbers.sh)
	$(if $(call e2e_on,safety),$(Q)IOBENCH=./$(BIN) tests/e2e_safety.sh)
	$(if $(call e2e_on,hostile),$(Q)IOBENCH=./$(BIN) tests/e2e_hostile.sh)
	$(if $(call e2e_on,mpi),$(Q)IOBENCH=./$(BIN) tests/e2e_mpi.sh)
	$(if $(call e2e_on,storage),$(Q)IOBENCH=./$(BIN) DELAYFS=$(BUILD)/tests/delayfs tests/e2e_storage.sh)
	$(if $(call e2e_on,net),$(Q)IOBENCH=./$(BIN) NO_URING=$(BUILD)/tests/no_uring tests/e2e_net.sh)
	$(if $(call e2e_on,replay),$(Q)IOBENCH=./$(BIN) tests/e2e_replay.sh)
	$(if $(call e2e_on,install),$(Q)MAKE="$(MAKE)" BIN=$(BIN) tests/e2e_install.sh)
	$(if $(SANITIZE),,$(if $(call e2e_on,nolibs),$(Q)MAKE="$(MAKE)" tests/e2e_nolibs.sh))
	$(if $(SANITIZE),,$(if $(call e2e_on,recipes),$(Q)MAKE="$(MAKE)" tests/e2e_recipes.sh))

test-quick: test-build
	$(Q)$(MAKE) --no-print-directory layers unit e2e E2E=cli

test-slow: deps-test
	$(Q)$(MAKE) --no-print-directory test-build
	$(Q)$(MAKE) --no-print-directory e2e E2E="$(E2E_SLOW)"
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SLOW_SECONDS)

# The NPY header parser reads users' files: a short libFuzzer run (clang,
# ASan, UBSan) from the seed corpus on every `make test`, a longer one in
# `make test-slow`.
FUZZ_SECONDS ?= 5
FUZZ_SLOW_SECONDS ?= 60
FUZZ_BIN := build/fuzz/fuzz_npy
$(FUZZ_BIN): tests/fuzz/fuzz_npy.c workloads/npy.c workloads/npy.h
	@mkdir -p $(dir $@)
	@echo "  CLANG   $@"
	$(Q)clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-Iworkloads -o $@ tests/fuzz/fuzz_npy.c workloads/npy.c

fuzz: $(FUZZ_BIN)
	@echo "  FUZZ    npy header parser, $(FUZZ_SECONDS) s"
	$(Q)mkdir -p build/fuzz/corpus && cp tests/fuzz/corpus/* build/fuzz/corpus/
	$(Q)$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=5 \
		-print_final_stats=0 build/fuzz/corpus 2>build/fuzz/log || \
		{ tail -40 build/fuzz/log; exit 1; }
	@grep -E "^#[0-9]+.*DONE" build/fuzz/log | tail -1

# Memcheck over a whole tiny run, every strategy and its worker processes
# (gnuplot is not ours to check): any invalid access or definite leak fails.
valgrind: $(BIN)
	@echo "  VALGRIND iobench run --size tiny"
	$(Q)d=$$(mktemp -d) && mkdir $$d/data && \
	valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--trace-children=yes --trace-children-skip='*gnuplot*' \
		./$(BIN) run --size tiny --dir $$d/data --results $$d/res --repeat 1 --warmup 0 \
		-q --no-plot >$$d/out 2>&1; st=$$?; \
	grep -v -E 'hwloc|HWLOC|hwloc-gather' $$d/out | grep -E '^==|failed' | head -40; \
	rm -rf $$d; exit $$st

# The man page and the bash completion, made from the binary's own --help
# (the option tables), so neither can drift from it.
man: build/iobench.1
completion: build/iobench.bash
build/iobench.1: $(BIN) scripts/mkman.sh
	$(Q)scripts/mkman.sh ./$(BIN) >$@.tmp && mv $@.tmp $@
build/iobench.bash: $(BIN) scripts/mkcompletion.sh
	$(Q)scripts/mkcompletion.sh ./$(BIN) >$@.tmp && mv $@.tmp $@

# make install [PREFIX=/usr/local] [DESTDIR=...]: the binary, the preload
# recorder in lib/iobench and the gnuplot scripts in share/iobench (the
# binary finds both there, next to itself),
# the man page and the bash completion.  make uninstall removes exactly those.
PREFIX ?= /usr/local
INST := $(DESTDIR)$(PREFIX)
GP_SCRIPTS := $(wildcard plots/*.gp)
# DESTDIR and PREFIX may hold spaces or quotes: the shell gets them as one
# single-quoted word ("make uninstall DESTDIR='a b'" once removed a file "a")
SQ_INST := '$(subst ','\'',$(INST))'
install: $(BIN) build/iobench.1 build/iobench.bash
	inst=$(SQ_INST); \
	install -D -m 755 $(BIN) "$$inst/bin/iobench" && \
	install -D -m 644 $(RECLIB) "$$inst/lib/iobench/libiobench-rec.so" && \
	install -d "$$inst/share/iobench" && \
	install -m 644 $(GP_SCRIPTS) "$$inst/share/iobench/" && \
	install -D -m 644 build/iobench.1 "$$inst/share/man/man1/iobench.1" && \
	install -D -m 644 build/iobench.bash "$$inst/share/bash-completion/completions/iobench"
uninstall:
	inst=$(SQ_INST); \
	rm -f "$$inst/bin/iobench" "$$inst/lib/iobench/libiobench-rec.so" \
		"$$inst/share/man/man1/iobench.1" \
		"$$inst/share/bash-completion/completions/iobench"; \
	for f in $(notdir $(GP_SCRIPTS)); do rm -f "$$inst/share/iobench/$$f"; done; \
	rmdir "$$inst/share/iobench" "$$inst/lib/iobench" 2>/dev/null || true

bench:
	$(Q)scripts/deps.sh bench
	$(Q)$(MAKE) --no-print-directory iobench
	$(Q)bench/run.sh

clean:
	rm -rf build iobench

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_BIN:=.d)
