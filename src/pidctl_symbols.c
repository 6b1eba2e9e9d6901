// SPDX-License-Identifier: GPL-2.0
/*
 * Finding what the kernel does not export.  kallsyms_lookup_name() itself
 * has been unexported since 5.7, but registering a kprobe on it makes the
 * kprobe core resolve its address for us.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include "pidctl.h"
#include "pidctl_compat.h"

typedef unsigned long (*kallsyms_lookup_name_fn)(const char *name);

static kallsyms_lookup_name_fn pidctl_kallsyms_lookup_name;
#ifndef PIDCTL_HAVE_PIDNS_PID_MAX
static int *pidctl_pid_max_ptr;
#endif

/*
 * On kernels with IBT the kprobe may sit after the function's ENDBR; ask
 * kallsyms for the offset and step back to the real entry point.
 */
static unsigned long pidctl_symbol_start(unsigned long addr)
{
	char buf[KSYM_SYMBOL_LEN];
	unsigned long off;
	char *plus;

	sprint_symbol(buf, addr);
	plus = strchr(buf, '+');
	if (plus && sscanf(plus, "+%lx", &off) == 1)
		return addr - off;
	return addr;
}

unsigned long pidctl_lookup_symbol(const char *name)
{
	return pidctl_kallsyms_lookup_name(name);
}

int pidctl_pid_max(void)
{
#ifdef PIDCTL_HAVE_PIDNS_PID_MAX
	return READ_ONCE(init_pid_ns.pid_max);
#else
	return READ_ONCE(*pidctl_pid_max_ptr);
#endif
}

int pidctl_symbols_init(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	int ret;

	ret = register_kprobe(&kp);
	if (ret) {
		pr_err("cannot find kallsyms_lookup_name through kprobes: %d\n",
		       ret);
		return ret;
	}
	pidctl_kallsyms_lookup_name =
		(kallsyms_lookup_name_fn)pidctl_symbol_start((unsigned long)kp.addr);
	unregister_kprobe(&kp);

#ifndef PIDCTL_HAVE_PIDNS_PID_MAX
	pidctl_pid_max_ptr = (int *)pidctl_lookup_symbol("pid_max");
	if (!pidctl_pid_max_ptr) {
		pr_err("cannot find pid_max\n");
		return -ENOENT;
	}
#endif
	return 0;
}
