// SPDX-License-Identifier: GPL-2.0
/*
 * The policy in force and the protocol that changes it.
 *
 * alloc_pid() callers take one of two paths (see pidctl_hook.c): with no
 * policy they run the stock allocator untouched and unserialised; with a
 * policy they serialise on pidctl_alloc_lock, which is what makes steering
 * the IDR cursor exact.  Both paths run inside an SRCU read section.  The
 * policy itself is an immutable object published through an SRCU-protected
 * pointer, so the fork path reads it without taking any lock a writer holds,
 * and a writer that switches from the first path to the second can wait
 * until no unserialised caller is left.  See docs/design.md, "Races".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include "pidctl.h"

/* Read side: every alloc_pid() wrapper; see pidctl_policy_publish(). */
struct srcu_struct pidctl_srcu;
/* Serialises allocations in the initial namespace while a policy is on. */
DEFINE_MUTEX(pidctl_alloc_lock);
/* Serialises policy writers (sysctl writes, module init). */
DEFINE_MUTEX(pidctl_config_lock);

/* A policy as allocated: the core's object plus what SRCU needs to free it. */
struct pidctl_policy_box {
	struct rcu_head rcu;
	struct pidctl_policy policy;
};

/* Published under both locks; read under SRCU or pidctl_config_lock. */
static struct pidctl_policy __rcu *pidctl_current;
/* Written under pidctl_config_lock, read locklessly by every fork. */
static bool pidctl_serialize;

bool pidctl_serializing(void)
{
	return READ_ONCE(pidctl_serialize);
}

const struct pidctl_policy *pidctl_policy_get(void)
{
	return srcu_dereference_check(pidctl_current, &pidctl_srcu,
				      lockdep_is_held(&pidctl_config_lock));
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

int pidctl_policy_publish(struct pidctl_policy *p)
{
	struct pidctl_policy *old;
	bool active = pidctl_policy_active(p);
	int ret;

	lockdep_assert_held(&pidctl_config_lock);

	ret = pidctl_policy_validate(p, pidctl_pid_max());
	if (ret) {
		pidctl_policy_free(p);
		return ret;
	}

	if (active && !pidctl_serializing()) {
		/*
		 * From here on every new caller serialises, but still sees the
		 * old (inactive) policy.  Wait for the callers that started
		 * unserialised: once they are gone, nobody can take a PID
		 * behind the steering's back.
		 */
		WRITE_ONCE(pidctl_serialize, true);
		synchronize_srcu(&pidctl_srcu);
	}

	/*
	 * Swap under the allocation lock: an allocation reads the policy
	 * once after taking it, so it decides and moves the cursor under one
	 * policy, and what it learnt about a full window dies with the old.
	 */
	mutex_lock(&pidctl_alloc_lock);
	old = rcu_dereference_protected(pidctl_current,
					lockdep_is_held(&pidctl_config_lock));
	rcu_assign_pointer(pidctl_current, p);
	pidctl_hook_policy_changed();
	if (!active)
		WRITE_ONCE(pidctl_serialize, false);
	mutex_unlock(&pidctl_alloc_lock);

	/* Forks still holding @old finish first; writers do not wait. */
	if (old)
		call_srcu(&pidctl_srcu, &pidctl_box(old)->rcu,
			  pidctl_policy_free_rcu);
	return 0;
}

int pidctl_policy_init(void)
{
	return init_srcu_struct(&pidctl_srcu);
}

/* Called once no wrapper can run any more (after pidctl_hook_exit()). */
void pidctl_policy_exit(void)
{
	pidctl_policy_free(rcu_dereference_protected(pidctl_current, 1));
	RCU_INIT_POINTER(pidctl_current, NULL);
	srcu_barrier(&pidctl_srcu);
	cleanup_srcu_struct(&pidctl_srcu);
}
