# vcm: one non-recursive makefile.
#
#   make            release build (no sanitizers) into build/rel
#   make check      build with ASan+UBSan (build/san) and run every test
#   make check-long the longer suites (fuzz runs of 1M executions each)
#   make soak       10,000 grant cycles against vcmd and bmcsim
#   make fuzz       build the libFuzzer targets (FUZZ=1, clang) and run them
#   make bench      measurements, on a build without sanitizers
#   make demo       bmcsim + vcmd on their embedded defaults: a console to open
#
# Knobs: SANITIZE=1 (ASan+UBSan; the default for check targets), FUZZ=1
# (clang + libFuzzer), CC, V=1.

.DEFAULT_GOAL := all
.SUFFIXES:
# Keep objects: they are prerequisites of several programs.
.SECONDARY:

CHECK_GOALS := check check-long check-build
ifneq ($(filter $(CHECK_GOALS),$(MAKECMDGOALS)),)
SANITIZE ?= 1
endif
SANITIZE ?= 0
FUZZ ?= 0

ifeq ($(FUZZ),1)
CC := clang
VARIANT := fuzz
else ifeq ($(SANITIZE),1)
VARIANT := san
else
VARIANT := rel
endif
B := build/$(VARIANT)

# The OpenBSD/tmux warning set, as errors.
WARN := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	-Wmissing-declarations -Wshadow -Wpointer-arith -Wcast-qual \
	-Wsign-compare -Wformat=2 -Wformat-security -Wundef -Wwrite-strings \
	-Wold-style-definition -Wvla -Wimplicit-fallthrough -Wno-unused-parameter

CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -g -Ilib -Itools -Isrc $(WARN) -fno-common
ifeq ($(FUZZ),1)
CFLAGS_V := -O1 -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -DVCM_FUZZ=1
LDFLAGS_V := -fsanitize=address,undefined
else ifeq ($(SANITIZE),1)
CFLAGS_V := -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
LDFLAGS_V := -fsanitize=address,undefined
else
CFLAGS_V := -O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2
LDFLAGS_V :=
endif
CFLAGS ?=
LDFLAGS ?=
ALL_CFLAGS := $(CFLAGS_BASE) $(CFLAGS_V) $(CFLAGS)
ALL_LDFLAGS := $(LDFLAGS_V) $(LDFLAGS)
CRYPTO_LIBS := -lcrypto

ifeq ($(V),1)
Q :=
else
Q := @
endif

# ---- libraries ---------------------------------------------------------

LIBVCM_SRCS := $(sort $(wildcard lib/vcm/*.c))
LIBIPMI_SRCS := $(sort $(wildcard lib/ipmi/*.c))
LIBVCM := $(B)/libvcm.a
LIBIPMI := $(B)/libvcmipmi.a

$(LIBVCM): $(LIBVCM_SRCS:%.c=$(B)/%.o)
$(LIBIPMI): $(LIBIPMI_SRCS:%.c=$(B)/%.o)

$(B)/%.a:
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(shell find build -name '*.d' 2>/dev/null)

# The engine (vcm's client side of IPMI): a library that vcmd, vcmctl,
# tests and benchmarks link.
LIBENGINE_SRCS := $(sort $(wildcard src/engine/*.c))
LIBENGINE := $(B)/libvcmengine.a
$(LIBENGINE): $(LIBENGINE_SRCS:%.c=$(B)/%.o)

LIBS := $(LIBENGINE) $(LIBIPMI) $(LIBVCM)

# The store (SQLite today) and vcmd's modules (all but main.c): libraries
# that vcmd, unit tests and fuzz targets link.
LIBSTORE_SRCS := $(sort $(wildcard src/store/*.c))
LIBSTORE := $(B)/libvcmstore.a
$(LIBSTORE): $(LIBSTORE_SRCS:%.c=$(B)/%.o)
VCMD_SRCS := $(sort $(filter-out src/vcmd/main.c,$(wildcard src/vcmd/*.c)))
LIBVCMD := $(B)/libvcmd.a
$(LIBVCMD): $(VCMD_SRCS:%.c=$(B)/%.o)
DAEMON_LIBS := $(LIBVCMD) $(LIBSTORE)
# libwebsockets (HTTPS, WebSocket; its libuv event library), jansson
# (JSON), SQLite, OpenSSL's TLS, libcurl (vcmctl's API client).
SVC_LIBS := -lwebsockets -ljansson -lsqlite3 -lcurl -lssl

# vcmctl: its modules (all but main.c, e.g. the hostrange parser) form a
# library that unit tests and fuzz targets link too.
VCMCTL_SRCS := $(sort $(filter-out src/vcmctl/main.c,$(wildcard src/vcmctl/*.c)))
LIBVCMCTL := $(B)/libvcmctl.a
$(LIBVCMCTL): $(VCMCTL_SRCS:%.c=$(B)/%.o)

# ---- programs ----------------------------------------------------------

TOOLS_SRCS := $(sort $(wildcard tools/*.c))
TOOLS := $(TOOLS_SRCS:tools/%.c=$(B)/bin/%)

# bmcsim: its modules (all but main.c) form a library that unit tests
# and fuzz targets link too.
BMCSIM_SRCS := $(sort $(filter-out tools/bmcsim/main.c,$(wildcard tools/bmcsim/*.c)))
LIBBMCSIM := $(B)/libbmcsim.a
$(LIBBMCSIM): $(BMCSIM_SRCS:%.c=$(B)/%.o)
UV_LIBS := -luv
ifneq ($(wildcard tools/bmcsim/main.c),)
TOOLS += $(B)/bin/bmcsim
endif

$(B)/bin/bmcsim: $(B)/tools/bmcsim/main.o $(LIBBMCSIM) $(LIBS)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(UV_LIBS) $(CRYPTO_LIBS)

ifneq ($(wildcard src/vcmctl/main.c),)
TOOLS += $(B)/bin/vcmctl
endif

$(B)/bin/vcmctl: $(B)/src/vcmctl/main.o $(LIBVCMCTL) $(DAEMON_LIBS) $(LIBS)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(SVC_LIBS) $(UV_LIBS) $(CRYPTO_LIBS)

ifneq ($(wildcard src/vcmd/main.c),)
TOOLS += $(B)/bin/vcmd
endif

$(B)/bin/vcmd: $(B)/src/vcmd/main.o $(DAEMON_LIBS) $(LIBS)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(SVC_LIBS) $(UV_LIBS) $(CRYPTO_LIBS)

# The engine's console check and recovery driver drive the engine's libuv loop itself.
$(B)/bin/vcm-engine-check: $(B)/tools/vcm-engine-check.o $(LIBS)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(UV_LIBS) $(CRYPTO_LIBS)

$(B)/bin/vcm-engine-recover: $(B)/tools/vcm-engine-recover.o $(LIBS)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(UV_LIBS) $(CRYPTO_LIBS)

$(B)/bin/%: $(B)/tools/%.o $(LIBS)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CRYPTO_LIBS)

# ---- benchmarks (run by make bench, never by make check) -------------

BENCH_SRCS := $(sort $(wildcard bench/bench_*.c))
BENCHES := $(BENCH_SRCS:bench/%.c=$(B)/bench/%)

$(B)/bench/%: $(B)/bench/%.o $(LIBS)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CRYPTO_LIBS) $(UV_LIBS)

# ---- unit tests --------------------------------------------------------

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_TESTS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)

$(B)/tests/%: $(B)/tests/unit/%.o $(LIBVCMCTL) $(LIBBMCSIM) $(DAEMON_LIBS) $(LIBS)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(SVC_LIBS) $(UV_LIBS) $(CRYPTO_LIBS)

SHELL_TESTS := $(sort $(wildcard tests/integration/*.sh))

# ---- fuzz targets ------------------------------------------------------

FUZZ_SRCS := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRCS:fuzz/%.c=build/fuzz/bin/%)
FUZZ_RUNS ?= 1000000

ifeq ($(FUZZ),1)
$(B)/bin/fuzz_%: $(B)/fuzz/fuzz_%.o $(LIBVCMCTL) $(LIBBMCSIM) $(DAEMON_LIBS) $(LIBS)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(SVC_LIBS) $(UV_LIBS) $(CRYPTO_LIBS)
endif

# ---- the browser console page (web/) -------------------------------------

# npm ci when web/node_modules is stale, then the page and xterm.js's
# files into build/web (idempotent, ~30 ms when nothing changed).
web:
	$(Q)scripts/build-web

# ---- goals -------------------------------------------------------------

.PHONY: all deps check check-build check-long fuzz fuzz-build \
	bench demo soak web clean

all: $(LIBS) $(DAEMON_LIBS) $(TOOLS)

deps:
	$(Q)./scripts/install-deps

check-build: $(LIBS) $(DAEMON_LIBS) $(TOOLS) $(UNIT_TESTS)

# Every runner's TAP output is added up by tests/run-all into one line.
check: deps
	$(Q)$(MAKE) --no-print-directory SANITIZE=$(SANITIZE) check-build
	$(Q)$(MAKE) --no-print-directory FUZZ=1 fuzz-build
	$(Q)scripts/build-web
	$(Q)VCM_BUILD=$(B) VCM_TEST_LOGS=build/test-logs/check \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    tests/run-all $(UNIT_TESTS) $(SHELL_TESTS) tests/fuzz-smoke.sh

check-long: deps
	$(Q)$(MAKE) --no-print-directory SANITIZE=$(SANITIZE) check-build
	$(Q)$(MAKE) --no-print-directory FUZZ=1 fuzz-build
	$(Q)VCM_BUILD=$(B) VCM_TEST_LOGS=build/test-logs/long \
	    FUZZ_RUNS=$(FUZZ_RUNS) tests/run-all tests/fuzz-run.sh

# The grant soak test (10,000 cycles, about 4 minutes; issue 6).
soak: deps
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 check-build
	$(Q)VCM_BUILD=build/san VCM_TEST_LOGS=build/test-logs/soak \
	    VCM_TEST_TIMEOUT=5400 tests/run-all tests/soak/vcmd-soak.sh

fuzz-build:
	$(Q)$(MAKE) --no-print-directory FUZZ=1 $(FUZZ_BINS)

fuzz: deps fuzz-build
	$(Q)FUZZ_RUNS=$(FUZZ_RUNS) sh tests/fuzz-run.sh

bench: deps
	$(Q)$(MAKE) --no-print-directory SANITIZE=0 all $(BENCHES)
	$(Q)scripts/build-web
	$(Q)VCM_BUILD=build/rel bench/run

demo: deps
	$(Q)$(MAKE) --no-print-directory SANITIZE=0 all
	$(Q)scripts/build-web
	$(Q)VCM_BUILD=build/rel scripts/demo

clean:
	rm -rf build
