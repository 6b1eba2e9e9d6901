# SPDX-License-Identifier: GPL-2.0
#
# Shell functions shared by tests/vm/run-suite and tests/vm/demo; source it
# after setting $repo (the repository's top directory).

# vm_build_module KERNEL-DIR OUT-DIR: build pidctl.ko against the headers
# that tests/lib/fetch-kernel unpacked into KERNEL-DIR, keep it as
# OUT-DIR/pidctl.ko and print that path.  The source is $PIDCTL_MODULE_SRC
# (any directory whose Makefile builds pidctl.ko from `make KDIR=...`),
# by default the repository's src/.
#
# It builds in a fresh copy under OUT-DIR/src: `make -C src` builds in the
# source tree, where two kernels (or lint and the VM suite, or two
# engineers) building at once would overwrite each other's objects.
# Fresh, so that a deleted source file cannot linger; the module builds in
# seconds.  Build output goes to stderr.
vm_build_module() {
	_src=${PIDCTL_MODULE_SRC:-$repo/src}
	rm -rf "$2/src" "$2/pidctl.ko"
	mkdir -p "$2/src"
	tar -C "$_src" --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.o.d' \
		--exclude=Module.symvers --exclude=modules.order \
		--exclude='.tmp*' -cf - . | tar -C "$2/src" -xf - || return 1
	make -s -C "$2/src" KDIR="$1/kdir" >&2 || return 1
	cp "$2/src/pidctl.ko" "$2/pidctl.ko" || return 1
	echo "$2/pidctl.ko"
}
