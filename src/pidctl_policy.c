// SPDX-License-Identifier: GPL-2.0
/*
 * The policy in force and the protocol that changes it.
 *
 * alloc_pid() callers take one of two paths (see pidctl_hook.c): with no
 * policy they run the stock allocator untouched and unserialised; with a
 * policy they serialise on pidctl_alloc_lock, which is what makes steering
 * the IDR cursor exact.  Both paths run inside an SRCU read section, so a
 * writer that switches from the first path to the second can wait until no
 * unserialised caller is left before the new policy is used.  See
 * docs/design.md, "Races".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include "pidctl.h"

/* Read side: every alloc_pid() wrapper; see pidctl_policy_publish(). */
struct srcu_struct pidctl_srcu;
/* Serialises allocations in the initial namespace while a policy is on. */
DEFINE_MUTEX(pidctl_alloc_lock);
/* Serialises policy writers (sysctl writes, module init). */
DEFINE_MUTEX(pidctl_config_lock);

/* Written under both locks; read under either. */
static struct pidctl_policy *pidctl_current;
static bool pidctl_serialize;

bool pidctl_serializing(void)
{
	return READ_ONCE(pidctl_serialize);
}

const struct pidctl_policy *pidctl_policy_get(void)
{
	return pidctl_current;
}

struct pidctl_policy *pidctl_policy_alloc(unsigned int nr_ranges)
{
	struct pidctl_policy *p;

	p = kvzalloc(struct_size(p, ranges, nr_ranges), GFP_KERNEL);
	if (p)
		p->stride = 1;
	return p;
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

void pidctl_policy_free(const struct pidctl_policy *p)
{
	kvfree(p);
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

	mutex_lock(&pidctl_alloc_lock);
	old = pidctl_current;
	pidctl_current = p;
	pidctl_hook_policy_changed();
	if (!active)
		WRITE_ONCE(pidctl_serialize, false);
	mutex_unlock(&pidctl_alloc_lock);

	/* Readers only look at the policy under one of the two locks. */
	pidctl_policy_free(old);
	return 0;
}

int pidctl_policy_init(void)
{
	int ret = init_srcu_struct(&pidctl_srcu);

	if (ret)
		return ret;
	pidctl_current = pidctl_policy_alloc(0);
	if (!pidctl_current) {
		cleanup_srcu_struct(&pidctl_srcu);
		return -ENOMEM;
	}
	return 0;
}

void pidctl_policy_exit(void)
{
	pidctl_policy_free(pidctl_current);
	pidctl_current = NULL;
	cleanup_srcu_struct(&pidctl_srcu);
}
