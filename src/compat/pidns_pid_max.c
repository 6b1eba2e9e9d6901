// SPDX-License-Identifier: GPL-2.0
/*
 * Compile test (src/Kbuild): PIDCTL_HAVE_PIDNS_PID_MAX when pid_max is a
 * field of each PID namespace instead of a global (6.14).
 */
#include <linux/pid_namespace.h>

int pidctl_compat_test(void);

int pidctl_compat_test(void)
{
	return READ_ONCE(init_pid_ns.pid_max);
}
