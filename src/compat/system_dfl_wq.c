// SPDX-License-Identifier: GPL-2.0
/*
 * Compile test (src/Kbuild): PIDCTL_HAVE_SYSTEM_DFL_WQ when the kernel has
 * system_dfl_wq, the unbound system workqueue (6.17, and 6.12 stable
 * backports), after which queueing on system_wq logs a deprecation
 * warning (7.x).
 */
#include <linux/workqueue.h>

struct workqueue_struct *pidctl_compat_test(void);

struct workqueue_struct *pidctl_compat_test(void)
{
	return system_dfl_wq;
}
