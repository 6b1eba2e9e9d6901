# SPDX-License-Identifier: GPL-2.0
#
# pidctl: `make` builds the module for KDIR (the running kernel by default),
# `make install` installs it, `make check` runs every test (installing what
# it needs), `make demo` boots a VM and shows the knobs at work.

KDIR ?= /lib/modules/$(shell uname -r)/build
# The Debian kernel lines the VM suite runs on (see tests/matrix-lines).
VM_LINES ?= $(shell grep -v '^\#' tests/matrix-lines)
# Lines whose kbuild runs on this host: lint builds against these.
LINT_LINES ?= bookworm bookworm-backports
RESULTS ?= build/results
export PIDCTL_RESULTS := $(abspath $(RESULTS))

TAP_RUN := tests/lib/tap-run
DEPS := tests/lib/install-deps

all: module

module:
	$(MAKE) -C src KDIR=$(KDIR)

install: module
	$(MAKE) -C src KDIR=$(KDIR) modules_install
	depmod -a $(shell $(MAKE) -s -C $(KDIR) kernelrelease 2>/dev/null)

clean:
	-$(MAKE) -C src KDIR=$(KDIR) clean
	-$(MAKE) -C tests/unit clean
	-$(MAKE) -C tests/vm clean
	rm -rf build

deps:
	$(DEPS) build lint unit vm packages

lint: deps
	tests/lint/run $(LINT_LINES)

unit: deps
	$(MAKE) -C tests/unit check

vm: deps
	set -e; for line in $(VM_LINES); do tests/vm/run-suite $$line; done

# The full VM suite on every kernel line, with a kernel x result table.
matrix: deps
	tests/matrix $(VM_LINES)

demo:
	$(DEPS) build vm
	tests/vm/demo

# What pidctl costs on the fork path, in one VM boot; writes
# docs/performance.md's tables to build/bench and redraws the plot.
bench:
	tests/bench/run

# Every suite prints TAP; tap-run keeps it and tap-summary prints the
# closing "N passed, N failed, N skipped" line and fails on any failure.
# The debug kernel line: Debian's linux-source built with lockdep, KASAN,
# kmemleak and debug objects (tests/lib/build-debug-kernel), and the whole
# VM suite on it.  Not part of `make check`: a cold run costs more than its
# budget allows (docs/kernels.md).  Its results go to their own directory.
DEBUG_RESULTS ?= build/results-debug
check-debug:
	$(DEPS) build vm debugkernel
	rm -rf $(DEBUG_RESULTS)
	-PIDCTL_RESULTS=$(abspath $(DEBUG_RESULTS)) tests/matrix debug
	PIDCTL_RESULTS=$(abspath $(DEBUG_RESULTS)) tests/lib/tap-summary

check: deps
	rm -rf $(RESULTS)
	$(TAP_RUN) lint tests/lint/run $(LINT_LINES)
	$(TAP_RUN) unit $(MAKE) -s -C tests/unit check
	$(TAP_RUN) core-bench-smoke $(MAKE) -s -C tests/bench/core smoke
	-tests/matrix $(VM_LINES)
	$(TAP_RUN) packaging tests/packaging/run
	$(TAP_RUN) bench-smoke tests/bench/smoke
	tests/matrix --report $(VM_LINES) || true
	tests/lib/tap-summary

# .ci/run's closing line: the summary of the results `make check` kept.
summary:
	@tests/lib/tap-summary

.PHONY: all module install clean deps lint unit vm matrix demo bench check check-debug summary

include tests/packaging/Makefile.inc
