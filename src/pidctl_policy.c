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
 * The hook is armed only while some policy is active, the host's or a
 * namespace's (pidctl_ns.c): turning a policy on publishes it first and
 * arms the kprobe second, so the first allocation the probe steers
 * already sees it; turning the last one off disarms the probe.  Nothing
 * else needs a protocol: the hook runs under the allocator's own
 * pidmap_lock, where no other allocation can overtake it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/pid_namespace.h>
#include "pidctl.h"
#include "pidctl_compat.h"
#include "pidctl_ns.h"

/* Serialises policy writers (sysctl writes, module init and exit). */
DEFINE_MUTEX(pidctl_config_lock);

/* A policy as allocated: the core's object plus what RCU needs to free it. */
struct pidctl_policy_box {
	struct rcu_head rcu;
	struct pidctl_policy policy;
};

/* Written under pidctl_config_lock; read by the knobs. */
static struct pidctl_policy __rcu *pidctl_current;
/*
 * The same object while it is active, NULL while it is not: what the hook
 * reads (under RCU-sched), so that a call it has nothing to do for costs a
 * load and a compare.  Published with pidctl_current.
 */
struct pidctl_policy __rcu *pidctl_enforced;
/*
 * Numbers every publish, the host's or a namespace's, under
 * pidctl_config_lock: the host's policy carries the number of its last.
 */
static u64 pidctl_generation_seq;
static u64 pidctl_generation;
/* Whether the allocation hook is armed: under pidctl_config_lock. */
static bool pidctl_armed;

atomic_t pidctl_objects = ATOMIC_INIT(0);

const struct pidctl_policy pidctl_policy_defaults = { .stride = 1 };

u64 pidctl_policy_next_generation(void)
{
	lockdep_assert_held(&pidctl_config_lock);
	return ++pidctl_generation_seq;
}

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

/* Make @p the policy in force (the hook sees it only when active). */
static void pidctl_policy_set(struct pidctl_policy *p)
{
	rcu_assign_pointer(pidctl_current, p);
	rcu_assign_pointer(pidctl_enforced,
			   p && pidctl_policy_active(p) ? p : NULL);
}

struct pidctl_policy *pidctl_policy_alloc(unsigned int nr_ranges)
{
	struct pidctl_policy_box *box;

	/* charged to the writer's memory cgroup: a container's root writes too */
	box = kvzalloc(struct_size(box, policy.ranges, nr_ranges),
		       GFP_KERNEL_ACCOUNT);
	if (!box)
		return NULL;
	atomic_inc(&pidctl_objects);
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
	if (p) {
		kvfree(pidctl_box(p));
		atomic_dec(&pidctl_objects);
	}
}

static void pidctl_policy_free_rcu(struct rcu_head *rcu)
{
	kvfree(container_of(rcu, struct pidctl_policy_box, rcu));
	atomic_dec(&pidctl_objects);
}

void pidctl_policy_free_after_gp(const struct pidctl_policy *p)
{
	if (p)
		call_rcu(&pidctl_box(p)->rcu, pidctl_policy_free_rcu);
}

int pidctl_hook_sync(void)
{
	/* pidctl_enforced is the host's policy while it is active */
	bool want = rcu_access_pointer(pidctl_enforced) || pidctl_ns_count();
	int ret;

	lockdep_assert_held(&pidctl_config_lock);
	if (want && !pidctl_armed) {
		ret = pidctl_hook_arm();
		if (ret)
			return ret;
	} else if (!want && pidctl_armed) {
		pidctl_hook_disarm();
	}
	pidctl_armed = want;
	return 0;
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
	int ret;

	lockdep_assert_held(&pidctl_config_lock);

	ret = pidctl_policy_validate(p, pidctl_pid_max());
	if (ret) {
		pidctl_policy_free(p);
		return ret;
	}

	pidctl_policy_set(p);
	ret = pidctl_hook_sync();
	if (ret) {
		/* arming failed, so the hook was not armed: no handler saw @p */
		pidctl_policy_set((struct pidctl_policy *)old);
		pidctl_policy_free(p);
		return ret;
	}
	pidctl_generation = pidctl_policy_next_generation();
	/* handlers still reading @old finish first; writers do not wait */
	pidctl_policy_free_after_gp(old);
	return 0;
}

const struct pidctl_policy *pidctl_target_get(struct pid_namespace *ns)
{
	const struct pidctl_policy *p;

	if (ns == &init_pid_ns)
		return pidctl_policy_get();
	p = pidctl_ns_get(ns);
	/* a namespace without a policy of its own shows the defaults */
	return p ? p : &pidctl_policy_defaults;
}

int pidctl_target_publish(struct pid_namespace *ns, struct pidctl_policy *p)
{
	if (ns == &init_pid_ns)
		return pidctl_policy_publish(p);
	return pidctl_ns_publish(ns, p);
}

u64 pidctl_target_generation(struct pid_namespace *ns)
{
	if (ns == &init_pid_ns)
		return pidctl_policy_generation();
	return pidctl_ns_generation(ns);
}

/* Called once the hook can no longer run (after pidctl_hook_exit()). */
void pidctl_policy_exit(void)
{
	pidctl_policy_free(rcu_dereference_protected(pidctl_current, 1));
	RCU_INIT_POINTER(pidctl_current, NULL);
	RCU_INIT_POINTER(pidctl_enforced, NULL);
	/* our call_rcu() callbacks live in this module's text */
	rcu_barrier();
}
