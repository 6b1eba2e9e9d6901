// SPDX-License-Identifier: GPL-2.0
/*
 * Compile test (src/Kbuild): PIDCTL_HAVE_REGISTER_SYSCTL_SZ when the
 * kernel has register_sysctl_sz(), which takes the table's size (6.6).
 */
#include <linux/sysctl.h>

struct ctl_table_header *pidctl_compat_test(struct ctl_table *table);

struct ctl_table_header *pidctl_compat_test(struct ctl_table *table)
{
	return register_sysctl_sz("pidctl", table, 1);
}
