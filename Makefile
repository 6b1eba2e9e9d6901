# SPDX-License-Identifier: GPL-2.0
#
# pidctl: `make` builds the module for KDIR (the running kernel by default),
# `make install` installs it, `make check` runs every test (installing what
# it needs), `make demo` boots a VM and shows the knobs at work.

KDIR ?= /lib/modules/$(shell uname -r)/build
# The Debian kernel lines `make check` boots (tests/matrix-lines); `make
# matrix-all` also runs tests/matrix-lines-all.
lines_of = $(shell sed 's/\#.*//' $(1) | awk 'NF { print $$1 }')
VM_LINES ?= $(call lines_of,tests/matrix-lines)
ALL_LINES ?= $(VM_LINES) $(call lines_of,tests/matrix-lines-all)
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
	$(DEPS) build lint unit vm packages debugkernel

lint: deps
	tests/lint/run $(LINT_LINES)

unit: deps
	$(MAKE) -C tests/unit check

# pidctl_idr_find_free() against the kernel's own lib/idr.c, in userspace
# (tests/idr/README); fetches Debian's kernel source into the cache.
idr:
	tests/idr/run

vm: deps
	set -e; for line in $(VM_LINES); do tests/vm/run-suite $$line; done

# The full VM suite on the kernel lines of `make check`, with a kernel x
# result table; matrix-all: on every line (tests/matrix-lines-all too).
matrix: deps
	tests/matrix $(VM_LINES)

matrix-all: deps
	tests/matrix $(ALL_LINES)

demo:
	$(DEPS) build vm
	tests/vm/demo

# CRIU restores a tree into reserved PIDs, in a booted Debian 12 system
# (tests/criu/run), and the restore fails without the reservation.  Part of
# `make check`; this target runs only it.
check-criu: deps
	tests/criu/reserve-dump-test
	tests/criu/run

# What pidctl costs (docs/performance.md): an icount boot (fork path, worst
# case under pidmap_lock, probe state), a 2-vCPU throughput boot, a 6.12
# probe check and the core micro-benchmark; tables in build/bench, plot
# redrawn into docs/.
bench:
	tests/bench/run

# Every suite prints TAP; tap-run keeps it and tap-summary prints the
# closing "N passed, N failed, N skipped" line and fails on any failure,
# or when one of these suites never reported.  The VM lines include `debug`
# (tests/matrix-lines): Debian's newest linux-source built with lockdep,
# KASAN, kmemleak and debug objects (tests/lib/build-debug-kernel).
CHECK_SUITES = lint unit idr core-bench-smoke $(addprefix vm-,$(subst :,_,$(VM_LINES))) \
	packaging packaging-trixie reserve-dump criu bench-smoke

check: deps
	rm -rf $(RESULTS)
	$(TAP_RUN) lint tests/lint/run $(LINT_LINES)
	$(TAP_RUN) unit $(MAKE) -s -C tests/unit check
	$(TAP_RUN) idr tests/idr/run
	$(TAP_RUN) core-bench-smoke $(MAKE) -s -C tests/bench/core smoke
	-tests/matrix $(VM_LINES)
	$(TAP_RUN) packaging tests/packaging/run deb rpm
	$(TAP_RUN) packaging-trixie tests/packaging/run trixie
	$(TAP_RUN) reserve-dump tests/criu/reserve-dump-test
	$(TAP_RUN) criu tests/criu/run
	$(TAP_RUN) bench-smoke tests/bench/smoke
	tests/matrix --report $(VM_LINES) || true
	tests/lib/tap-summary $(CHECK_SUITES)


# What does not fit `make check`'s 60 minutes from a cold cache
# (docs/kernels.md, "Budget"): the VM suite on every other kernel line.
check-all: check
	-tests/matrix $(filter-out $(VM_LINES),$(ALL_LINES))
	tests/lib/tap-summary $(CHECK_SUITES) $(addprefix vm-,$(subst :,_,$(filter-out $(VM_LINES),$(ALL_LINES))))

# Only the debug kernel line (it is part of `make check` too).
check-debug: deps
	tests/matrix debug

# The closing line of the last `make check` again (CI prints it last).
summary:
	@tests/lib/tap-summary $(CHECK_SUITES)

.PHONY: all module install clean deps lint unit idr vm matrix matrix-all demo bench check check-all check-criu check-debug summary

include tests/packaging/Makefile.inc
