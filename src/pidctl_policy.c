// SPDX-License-Identifier: GPL-2.0
/*
 * The policy in force and how it changes.
 *
 * A policy is one immutable object.  Writers build a complete new one,
 * validate it and publish it with rcu_assign_pointer() under
 * pidctl_config_lock; the allocator hook reads the pointer once per
 * allocation, with preemption off, so a fork sees the old or the new
 * policy, never a mix.  The old object is freed after a grace period.
 *
 * The hook is armed only while the policy is active: turning a policy on
 * publishes it first and arms the kprobe second, so the first allocation
 * the probe steers already sees it; turning it off disarms the probe.
 * Nothing else needs a protocol: the hook runs under the allocator's own
 * pidmap_lock, where no other allocation can overtake it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include "pidctl.h"
#include "pidctl_compat.h"

/* Serialises policy writers (sysctl writes, module init and exit). */
DEFINE_MUTEX(pidctl_config_lock);

/* A policy as allocated: the core's object plus what RCU needs to free it. */
struct pidctl_policy_box {
	struct rcu_head rcu;
	struct pidctl_policy policy;
};

/* Written under pidctl_config_lock; read by the hook under RCU-sched. */
static struct pidctl_policy __rcu *pidctl_current;
/* How many policies were published: under pidctl_config_lock. */
static u64 pidctl_generation;

u64 pidctl_policy_generation(void)
{
	lockdep_assert_held(&pidctl_config_lock);
	return pidctl_generation;
}

const struct pidctl_policy *pidctl_policy_get(void)
{
	return rcu_dereference_protected(pidctl_current,
					 lockdep_is_held(&pidctl_config_lock));
}

const struct pidctl_policy *pidctl_policy_get_sched(void)
{
	return rcu_dereference_sched(pidctl_current);
}

struct pidctl_policy *pidctl_policy_alloc(unsigned int nr_ranges)
{
	struct pidctl_policy_box *box;

	box = kvzalloc(struct_size(box, policy.ranges, nr_ranges), GFP_KERNEL);
	if (!box)
		return NULL;
	box->policy.stride = 1;
	return &box->policy;
}

struct pidctl_policy *pidctl_policy_clone(const struct pidctl_policy *p,
					  unsigned int nr_ranges)
{
	struct pidctl_policy *c = pidctl_policy_alloc(nr_ranges);

	if (!c)
		return NULL;
	c->min = p->min;
	c->max = p->max;
	c->stride = p->stride;
	c->random = p->random;
	c->nr_ranges = min(p->nr_ranges, nr_ranges);
	memcpy(c->ranges, p->ranges, c->nr_ranges * sizeof(c->ranges[0]));
	return c;
}

static struct pidctl_policy_box *pidctl_box(const struct pidctl_policy *p)
{
	return container_of(p, struct pidctl_policy_box, policy);
}

void pidctl_policy_free(const struct pidctl_policy *p)
{
	if (p)
		kvfree(pidctl_box(p));
}

static void pidctl_policy_free_rcu(struct rcu_head *rcu)
{
	kvfree(container_of(rcu, struct pidctl_policy_box, rcu));
}

struct pidctl_policy *pidctl_policy_with_ranges(const struct pidctl_policy *base,
						const char *buf, size_t len,
						int *err)
{
	unsigned int cap = pidctl_count_ranges(buf, len);
	struct pidctl_policy *next;
	unsigned int nr;

	if (cap > PIDCTL_MAX_RANGES) {
		*err = -EINVAL;
		return NULL;
	}
	next = pidctl_policy_clone(base, cap);
	if (!next) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = pidctl_parse_ranges(buf, len, next->ranges, cap, &nr);
	if (*err) {
		*err = -EINVAL;
		pidctl_policy_free(next);
		return NULL;
	}
	next->nr_ranges = nr;
	return next;
}

int pidctl_policy_publish(struct pidctl_policy *p)
{
	const struct pidctl_policy *old = pidctl_policy_get();
	bool was_active = old && pidctl_policy_active(old);
	bool active = pidctl_policy_active(p);
	int ret;

	lockdep_assert_held(&pidctl_config_lock);

	ret = pidctl_policy_validate(p, pidctl_pid_max());
	if (ret) {
		pidctl_policy_free(p);
		return ret;
	}

	rcu_assign_pointer(pidctl_current, p);
	pidctl_generation++;
	if (active && !was_active) {
		ret = pidctl_hook_arm();
		if (ret) {
			/* never armed, so no handler saw @p */
			rcu_assign_pointer(pidctl_current,
					   (struct pidctl_policy *)old);
			pidctl_policy_free(p);
			return ret;
		}
	} else if (!active && was_active) {
		pidctl_hook_disarm();
	}
	/* handlers still reading @old finish first; writers do not wait */
	if (old)
		call_rcu(&pidctl_box(old)->rcu, pidctl_policy_free_rcu);
	return 0;
}

/* Called once the hook can no longer run (after pidctl_hook_exit()). */
void pidctl_policy_exit(void)
{
	pidctl_policy_free(rcu_dereference_protected(pidctl_current, 1));
	RCU_INIT_POINTER(pidctl_current, NULL);
	/* our call_rcu() callbacks live in this module's text */
	rcu_barrier();
}
