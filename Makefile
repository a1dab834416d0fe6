# hvut top-level Makefile. `./configure` writes config.mak; plain `make` runs it
# for the host arch when it has not been run. The arch fragment
# $(ARCH_TESTDIR)/Makefile lists the tests and the arch's objects.

SRCDIR ?= $(CURDIR)
ifeq ($(wildcard config.mak),)
  ifeq ($(filter deps deps-run deps-check clean distclean help,$(MAKECMDGOALS)),)
    $(info hvut: no config.mak here, running $(SRCDIR)/configure with defaults)
    $(shell $(SRCDIR)/configure >&2)
  endif
endif
-include config.mak

# A fresh machine has no compiler yet, and this Makefile and the arch fragments
# ask the compiler things while they are read: install what building needs
# (scripts/deps.sh; as non-root it names the packages) before anything else.
ifneq ($(ARCH),)
  ifeq ($(filter deps deps-run deps-check clean distclean help,$(MAKECMDGOALS)),)
    $(shell $(SRCDIR)/scripts/deps.sh build $(ARCH) $(CC_IS) >&2)
    ifneq ($(.SHELLSTATUS),0)
      $(error hvut: cannot build without the packages named above)
    endif
  endif
endif

# Only sources are looked up in SRCDIR: with a plain VPATH an out-of-tree build
# would take an in-tree build's objects and ELFs as its own.
vpath %.c $(SRCDIR)
vpath %.S $(SRCDIR)
vpath %.lds $(SRCDIR)
vpath %.h $(SRCDIR)
# `make V=1` shows the full commands.
V ?= 0
ifeq ($(V),0)
  quiet = @printf '  %-6s %s\n' $(1) $@;
else
  quiet =
endif
DEPS := $(SRCDIR)/scripts/deps.sh

.DEFAULT_GOAL := all
.PHONY: all deps deps-run deps-check run check check-project check-lane standalone bench deviations-doc clean distclean help FORCE

# --- toolchain -------------------------------------------------------------
ifeq ($(CC_IS),clang)
  CLANG_TARGET := --target=$(GNU_TRIPLE)
  # clang has one assembler/linker driver for every target; binutils does the linking.
  TARGET_CFLAGS := $(CLANG_TARGET) $(if $(CROSS_PREFIX),--gcc-toolchain=/usr -B/usr/bin/$(CROSS_PREFIX))
endif
OBJCOPY := $(CROSS_PREFIX)objcopy
NM := $(CROSS_PREFIX)nm

# The compiler's own headers only: nothing from the host's libc.
COMPILER_INCLUDE := $(shell $(CC) $(TARGET_CFLAGS) -print-file-name=include 2>/dev/null)

CFLAGS := -std=gnu11 -O2 -g $(TARGET_CFLAGS) -ffreestanding -nostdinc -isystem $(COMPILER_INCLUDE) \
	-fno-stack-protector -fno-pic -fno-pie -fno-omit-frame-pointer -fno-common \
	-fno-strict-aliasing -Wall -Wextra $(WERROR) \
	-I$(SRCDIR)/lib/libc/include -I$(SRCDIR)/lib -I$(SRCDIR)/lib/$(ARCH_LIBDIR) \
	-DHVUT_ARCH_NAME='"$(ARCH)"'
ASFLAGS = $(CFLAGS) -D__ASSEMBLY__
LDFLAGS := $(TARGET_CFLAGS) -nostdlib -static $(if $(filter gcc,$(CC_IS)),-no-pie) -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
	-Wl,--no-warn-rwx-segments -Wl,-z,noexecstack

# --- the arch-neutral library ---------------------------------------------
LIBC_OBJS := lib/libc/string.o lib/libc/ctype.o lib/libc/strtol.o lib/libc/printf.o
LIB_OBJS := lib/report.o lib/alloc.o lib/malloc.o lib/argv.o lib/exit.o lib/devicetree.o lib/smp.o lib/selftest-lib.o lib/deviation.o lib/migrate.o lib/nmi.o lib/backtrace.o

ifneq ($(ARCH_TESTDIR),)
include $(SRCDIR)/$(ARCH_TESTDIR)/Makefile
endif

LIBHVUT := lib/libhvut.a
$(LIBHVUT): $(LIBC_OBJS) $(LIB_OBJS) $(ARCH_LIB_OBJS)
	@rm -f $@
	$(call quiet,AR) $(CROSS_PREFIX)ar rcs $@ $^

# Arch-neutral test programs, one source for every arch: common/<name>.c, built
# as <testdir>/<name>.elf. Only the empty guest so far (`make bench`'s bare and
# run rows).
COMMON_TESTS := empty
TESTS += $(COMMON_TESTS)
define common_test_rule
$(ARCH_TESTDIR)/$(1).o: common/$(1).c config.mak
	@mkdir -p $$(@D)
	$$(call quiet,CC) $$(CC) $$(CFLAGS) $$(ARCH_CFLAGS) -MMD -MP -c -o $$@ $$<
endef
$(foreach t,$(COMMON_TESTS),$(eval $(call common_test_rule,$(t))))

# Each test is <testdir>/<name>.c plus the objects named in <name>-objs
# (variable names without '/', so this works with GNU Make 4.2.1 too).
define test_rule
$(ARCH_TESTDIR)/$(1).elf: $(ARCH_TESTDIR)/$(1).o $$($(1)-objs) $(ARCH_START) $(LIBHVUT) $(ARCH_LDSCRIPT)
	$$(call quiet,LD) $$(CC) $$(LDFLAGS) -Wl,-T,$(SRCDIR)/$(ARCH_LDSCRIPT) -o $$@ $(ARCH_START) \
		$(ARCH_TESTDIR)/$(1).o $$($(1)-objs) $(LIBHVUT) $(ARCH_LIBS)
endef
$(foreach t,$(TESTS),$(eval $(call test_rule,$(t))))

# scripts/check-docs.sh: an example from the docs, extracted to
# docs-examples/<name>.c, is built exactly like a test.
docs-examples/%.elf: docs-examples/%.o $(ARCH_START) $(LIBHVUT) $(ARCH_LDSCRIPT)
	$(call quiet,LD) $(CC) $(LDFLAGS) -Wl,-T,$(SRCDIR)/$(ARCH_LDSCRIPT) -o $@ $(ARCH_START) $< $(LIBHVUT) $(ARCH_LIBS)

TEST_ELFS := $(patsubst %,$(ARCH_TESTDIR)/%.elf,$(TESTS))
all: $(TEST_ELFS) $(ARCH_EXTRA_IMAGES)

# Every object depends on config.mak: after ./configure switched the arch (or
# the compiler) in the same dir, nothing built for the old one is linked.
# configure leaves config.mak untouched when it would not change.
%.o: %.c config.mak
	@mkdir -p $(@D)
	$(call quiet,CC) $(CC) $(CFLAGS) $(ARCH_CFLAGS) -MMD -MP -c -o $@ $<
%.o: %.S config.mak
	@mkdir -p $(@D)
	$(call quiet,AS) $(CC) $(ASFLAGS) $(ARCH_CFLAGS) -MMD -MP -c -o $@ $<

-include $(shell find . -name '*.d' 2>/dev/null)

# --- what the README promises ----------------------------------------------
# deps: install what building this configuration needs (apt-get), or say which
# packages are missing; every other target does it first on its own (above).
# deps-run: what running needs (the VMM, firmware). deps-check: what every
# part of `make check` needs, every arch's compiler and VMM included.
deps:
	@$(DEPS) build $(ARCH) $(CC_IS)
deps-run:
	@$(DEPS) run $(ARCH) $(TARGET)
deps-check:
	@$(DEPS) check

# ARCHES: `make run ARCHES=all` (or ARCHES="x86_64 arm64") runs the suite of
# each arch, built in build-<arch>/ beside this one, with one summary at the end.
ARCHES ?=
run: all
ifeq ($(ARCHES),)
	@$(DEPS) run $(ARCH) $(TARGET)
	$(SRCDIR)/run_tests.sh
else
	$(SRCDIR)/scripts/run-arches.sh $(ARCHES)
endif

check: all
	@$(DEPS) check
	$(SRCDIR)/scripts/check.sh all

# The pieces of `make check`, for CI jobs that run one lane each.
check-project: all
	@$(DEPS) lane project $(ARCH)
	$(SRCDIR)/scripts/check.sh project

check-lane: all
	@$(DEPS) lane $(LANE)
	$(SRCDIR)/scripts/check.sh lane $(LANE)

standalone: all
	$(SRCDIR)/scripts/mkstandalone.sh

# docs/deviations.md from lib/<arch>/deviations.c (make check checks it is current).
deviations-doc:
	$(SRCDIR)/scripts/deviations-doc.sh

bench: all
	$(SRCDIR)/scripts/bench.sh

clean:
	find . \( -name '*.o' -o -name '*.d' -o -name '*.a' -o -name '*.elf' -o -name '*.flat' \
		-o -name '*.bin' -o -name '*.iso' \) -not -path './.git/*' -delete
	rm -rf logs tests/host-bin docs-examples

distclean: clean
	rm -f config.mak

help:
	@echo "make [all]        build the tests for the configured arch (runs ./configure if needed)"
	@echo "make run          run the suite (run_tests.sh); installs the VMM if missing"
	@echo "make run ARCHES=all  run every arch's suite (or ARCHES='x86_64 arm64'), one summary"
	@echo "make check        the project's own tests: host unit tests, harness tests, docs examples, lint, every guest lane"
	@echo "make check-project  only the host unit tests, harness tests, docs examples and lint"
	@echo "make check-lane LANE='x86_64-tcg arm64-tcg-qemu10 ...'  guest lanes: <arch>-<lane> (<testdir>/lanes.cfg, run_tests.sh -L), clang-<arch>, x86_64-harness-check"
	@echo "make standalone   write tests/<name>: self-contained scripts that run one test"
	@echo "make bench        per-test overhead and whole-suite wall time"
	@echo "make deviations-doc  regenerate docs/deviations.md from the deviation tables"
	@echo "make deps         install what building this configuration needs"
	@echo "make deps-run     install what running it needs (the VMM, firmware)"
	@echo "make deps-check   install what every part of make check needs"
