// SPDX-License-Identifier: GPL-2.0
/*
 * Compile test (src/Kbuild): PIDCTL_HAVE_CTL_TABLE_CONST when sysctl proc
 * handlers take a const struct ctl_table * (6.11).
 */
#include <linux/build_bug.h>
#include <linux/sysctl.h>

int pidctl_compat_test(const struct ctl_table *table, int write,
		       void *buffer, size_t *lenp, loff_t *ppos);

static_assert(__builtin_types_compatible_p(typeof(((struct ctl_table *)0)->proc_handler),
					   typeof(pidctl_compat_test) *));
