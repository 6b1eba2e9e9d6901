// SPDX-License-Identifier: GPL-2.0
/*
 * pidctl: a floor, a ceiling, a stride and reserved ranges for the PID
 * numbers the kernel's cyclic allocator hands out in the initial PID
 * namespace.  Module entry and exit; the parameters set the initial policy
 * and go through the same validation as the sysctls.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include "pidctl.h"

static unsigned int pidctl_param_min;
module_param_named(min, pidctl_param_min, uint, 0);
MODULE_PARM_DESC(min, "Lowest PID the cyclic allocator may hand out, 0 for no floor (default: 0)");

static unsigned int pidctl_param_max;
module_param_named(max, pidctl_param_max, uint, 0);
MODULE_PARM_DESC(max, "Highest PID the cyclic allocator may hand out, 0 for no ceiling (default: 0)");

static unsigned int pidctl_param_stride = 1;
module_param_named(stride, pidctl_param_stride, uint, 0);
MODULE_PARM_DESC(stride, "After PID n, the search for the next PID starts at n + stride (default: 1)");

static char *pidctl_param_reserved = "";
module_param_named(reserved, pidctl_param_reserved, charp, 0);
MODULE_PARM_DESC(reserved, "PIDs never handed out, e.g. 1000-1999,4242 (default: empty)");

/* The base the parameters are applied to: every knob at its default. */
static const struct pidctl_policy pidctl_defaults = { .stride = 1 };

static int pidctl_initial_policy(void)
{
	struct pidctl_policy *p;
	int ret;

	p = pidctl_policy_with_ranges(&pidctl_defaults, pidctl_param_reserved,
				      strlen(pidctl_param_reserved), &ret);
	if (!p) {
		pr_err("invalid reserved=%s\n", pidctl_param_reserved);
		return ret;
	}
	p->min = pidctl_param_min;
	p->max = pidctl_param_max;
	p->stride = pidctl_param_stride;
	mutex_lock(&pidctl_config_lock);
	ret = pidctl_policy_publish(p);
	mutex_unlock(&pidctl_config_lock);
	if (ret)
		pr_err("invalid policy: min=%u max=%u stride=%u reserved=%s\n",
		       pidctl_param_min, pidctl_param_max, pidctl_param_stride,
		       pidctl_param_reserved);
	return ret;
}

static int __init pidctl_init(void)
{
	int ret;

	ret = pidctl_symbols_init();
	if (ret)
		return ret;
	ret = pidctl_policy_init();
	if (ret)
		return ret;
	ret = pidctl_initial_policy();
	if (ret)
		goto out_policy;
	ret = pidctl_hook_init();
	if (ret)
		goto out_policy;
	ret = pidctl_sysctl_init();
	if (ret)
		goto out_hook;
	pr_info("loaded\n");
	return 0;

out_hook:
	pidctl_hook_exit();
out_policy:
	pidctl_policy_exit();
	return ret;
}

static void __exit pidctl_exit(void)
{
	pidctl_sysctl_exit();
	pidctl_hook_exit();
	pidctl_policy_exit();
	pr_info("unloaded, stock PID allocation restored\n");
}

module_init(pidctl_init);
module_exit(pidctl_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The pidctl authors");
MODULE_DESCRIPTION("Floor, ceiling, stride and reserved ranges for PID allocation");
MODULE_VERSION(PIDCTL_VERSION);
