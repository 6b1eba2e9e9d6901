# SPDX-License-Identifier: GPL-2.0
#
# Read after a kernel tree's tools/testing/radix-tree/Makefile (make -f
# Makefile -f harness.mk, see tests/idr/build): links idr_test from the
# harness's own objects (lib/idr.c, lib/radix-tree.c, lib/xarray.c and the
# harness's shims, built by its own rules and flags) and ours.
#
# PIDCTL_REPO: the pidctl work tree.  PIDCTL_WARN: extra warnings for ours.

# 6.1 lists them in CORE_OFILES (with tests we do not need); 6.4 and later
# in SHARED_OFILES.
PIDCTL_OBJS := $(or $(SHARED_OFILES),$(filter-out maple.o test.o,$(CORE_OFILES)))
PIDCTL_OURS := idr_test.o pidctl_idr.o pidctl_core.o
PIDCTL_WARN ?= -Wall
# instruction counts under callgrind, if valgrind's header is there
PIDCTL_DEFS := $(if $(wildcard /usr/include/valgrind/callgrind.h),-DPIDCTL_CALLGRIND)

vpath idr_test.c $(PIDCTL_REPO)/tests/idr
vpath pidctl_%.c $(PIDCTL_REPO)/src

$(PIDCTL_OURS): %.o: %.c $(PIDCTL_OBJS) $(PIDCTL_REPO)/src/pidctl_idr.h \
		$(PIDCTL_REPO)/src/pidctl_core.h $(PIDCTL_REPO)/tests/unit/tap.h
	$(CC) $(CFLAGS) $(PIDCTL_WARN) $(PIDCTL_DEFS) -c -o $@ $<

idr_test: $(PIDCTL_OURS) $(PIDCTL_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

pidctl-print-%:
	@echo '$($*)'

.PHONY: pidctl-print-%
