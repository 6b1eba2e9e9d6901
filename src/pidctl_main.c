// SPDX-License-Identifier: GPL-2.0
/*
 * pidctl: a floor, a ceiling, a stride, a random start and reserved
 * ranges for the PID numbers the kernel's cyclic allocator hands out, in
 * the initial PID namespace and, each with its own, in the others.
 * Module entry and exit.  The parameters set the initial (host) policy:
 * they are parsed by the same code, with the same grammar, as the
 * sysctls, and the policy they make goes live only once the hook is
 * armed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "pidctl.h"

/* min, max, stride and random: decimal as for the sysctls ("010", "0x10", "+5" fail). */
static int pidctl_param_set_uint(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (!val || pidctl_parse_uint(val, strlen(val), PIDCTL_PID_MAX_LIMIT, &v))
		return -EINVAL;
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops pidctl_uint_ops = {
	.set = pidctl_param_set_uint,
	.get = param_get_uint,
};

/*
 * reserved: kept as given, of any length (a charp parameter stops at
 * 1,024 bytes), and parsed at init like a sysctl write.
 */
static int pidctl_param_set_text(const char *val, const struct kernel_param *kp)
{
	char **text = kp->arg, *copy = kstrdup(val ? val : "", GFP_KERNEL);

	if (!copy)
		return -ENOMEM;
	kfree(*text);
	*text = copy;
	return 0;
}

static void pidctl_param_free_text(void *arg)
{
	char **text = arg;

	kfree(*text);
	*text = NULL;
}

static const struct kernel_param_ops pidctl_text_ops = {
	.set = pidctl_param_set_text,
	.get = param_get_charp,
	.free = pidctl_param_free_text,
};

static unsigned int pidctl_param_min;
module_param_cb(min, &pidctl_uint_ops, &pidctl_param_min, 0);
MODULE_PARM_DESC(min, "Lowest PID the cyclic allocator may hand out, 0 for no floor (default: 0)");

static unsigned int pidctl_param_max;
module_param_cb(max, &pidctl_uint_ops, &pidctl_param_max, 0);
MODULE_PARM_DESC(max, "Highest PID the cyclic allocator may hand out, 0 for no ceiling (default: 0)");

static unsigned int pidctl_param_stride = 1;
module_param_cb(stride, &pidctl_uint_ops, &pidctl_param_stride, 0);
MODULE_PARM_DESC(stride, "After PID n, the search for the next PID starts at n + stride (default: 1)");

static unsigned int pidctl_param_random;
module_param_cb(random, &pidctl_uint_ops, &pidctl_param_random, 0);
MODULE_PARM_DESC(random, "Each search starts a random 1..random PIDs past the last PID handed out, 0 for off, at most 65536 (default: 0)");

static char *pidctl_param_reserved;
module_param_cb(reserved, &pidctl_text_ops, &pidctl_param_reserved, 0);
MODULE_PARM_DESC(reserved, "PIDs never handed out, e.g. 1000-1999,4242 (default: empty)");

static int pidctl_initial_policy(void)
{
	const char *reserved = pidctl_param_reserved ? pidctl_param_reserved : "";
	struct pidctl_policy *p;
	int ret;

	p = pidctl_policy_with_ranges(&pidctl_policy_defaults, reserved,
				      strlen(reserved), &ret);
	if (!p) {
		pr_err("invalid reserved=%.64s%s\n", reserved,
		       strlen(reserved) > 64 ? "..." : "");
		return ret;
	}
	p->min = pidctl_param_min;
	p->max = pidctl_param_max;
	p->stride = pidctl_param_stride;
	p->random = pidctl_param_random;
	mutex_lock(&pidctl_config_lock);
	ret = pidctl_policy_publish(p);
	mutex_unlock(&pidctl_config_lock);
	if (ret)
		pr_err("invalid policy: min=%u max=%u stride=%u random=%u reserved=%.64s%s\n",
		       pidctl_param_min, pidctl_param_max, pidctl_param_stride,
		       pidctl_param_random, reserved,
		       strlen(reserved) > 64 ? "..." : "");
	return ret;
}

static int __init pidctl_init(void)
{
	int ret;

	/* MODULE_PARM_DESC(random) spells the bound out */
	BUILD_BUG_ON(PIDCTL_RANDOM_MAX != 65536);
	ret = pidctl_hook_init();
	if (ret)
		return ret;
	ret = pidctl_ns_init();
	if (ret)
		goto out_hook;
	ret = pidctl_initial_policy();
	if (ret)
		goto out_ns;
	ret = pidctl_sysctl_init();
	if (ret)
		goto out_ns;
	pr_info("loaded\n");
	return 0;

out_ns:
	pidctl_ns_exit();
out_hook:
	pidctl_hook_exit();
	pidctl_policy_exit();
	return ret;
}

static void __exit pidctl_exit(void)
{
	pidctl_sysctl_exit();
	pidctl_ns_exit();
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
