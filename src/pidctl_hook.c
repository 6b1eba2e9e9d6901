// SPDX-License-Identifier: GPL-2.0
/*
 * The ftrace redirects: alloc_pid() and the ns_last_pid sysctl handler are
 * sent to the wrappers below, which call the originals back.  A call from
 * this module is recognised by its return address and let through, so the
 * wrappers must call the originals with a real call, never a tail call
 * (both do work after the call returns).  See docs/design.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/ftrace.h>
#include <linux/idr.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/ratelimit.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include "pidctl.h"
#include "pidctl_compat.h"

typedef struct pid *(*alloc_pid_fn)(struct pid_namespace *ns, pid_t *set_tid,
				    size_t set_tid_size);
typedef int (*ns_last_pid_handler_fn)(PIDCTL_CTL_TABLE_CONST struct ctl_table *table,
				      int write, void *buffer, size_t *lenp,
				      loff_t *ppos);

struct pidctl_hook {
	const char *name;
	void *wrapper;
	unsigned long orig;
	struct ftrace_ops ops;
};

static struct pid *pidctl_alloc_pid(struct pid_namespace *ns, pid_t *set_tid,
				    size_t set_tid_size);
static int pidctl_ns_last_pid(PIDCTL_CTL_TABLE_CONST struct ctl_table *table,
			      int write, void *buffer, size_t *lenp,
			      loff_t *ppos);

static struct pidctl_hook pidctl_hooks[] = {
	{ .name = "alloc_pid", .wrapper = pidctl_alloc_pid },
	{ .name = "pid_ns_ctl_handler", .wrapper = pidctl_ns_last_pid },
};

#define PIDCTL_ORIG(idx, type) ((type)pidctl_hooks[idx].orig)

/*
 * What the last failed search knew: the window was full while the initial
 * namespace held this many PIDs.  Every allocation passes through the
 * serialised wrapper, which clears this, so until some PID is freed
 * (pid_allocated drops) a new search would fail again, and fork storms
 * against a full window do not walk it each time.  free_pid() drops the
 * count just before it removes the IDR entry, so a search running across
 * that instant can record the lower count and still have seen the PID busy:
 * the record therefore also expires after PIDCTL_FULL_TTL, which bounds how
 * long such a freed PID can go unused.  0: nothing known.
 * Protected by pidctl_alloc_lock.
 */
#define PIDCTL_FULL_TTL (HZ / 50 ? HZ / 50 : 1)
static unsigned int pidctl_full_at;
static int pidctl_full_pid_max;
static unsigned long pidctl_full_until;

void pidctl_hook_policy_changed(void)
{
	lockdep_assert_held(&pidctl_alloc_lock);
	pidctl_full_at = 0;
}

static bool pidctl_known_full(unsigned int allocated, int pid_max)
{
	return pidctl_full_at && allocated >= pidctl_full_at &&
	       pid_max == pidctl_full_pid_max &&
	       time_before(jiffies, pidctl_full_until);
}

/*
 * The occupancy oracle for the policy core: the first PID in [from, to]
 * that the initial namespace's IDR does not hold.  idr_get_next() skips
 * NULL entries, the placeholders of allocations still in flight; there are
 * none in the initial namespace while we hold pidctl_alloc_lock, because
 * every allocator there holds it too.
 */
static unsigned int pidctl_idr_first_free(void *ctx, unsigned int from,
					  unsigned int to)
{
	struct idr *idr = ctx;
	unsigned int pid = from, steps = 0;
	int id;

	rcu_read_lock();
	while (pid <= to) {
		id = pid;
		if (!idr_get_next(idr, &id) || id > (int)pid)
			break;
		pid = id + 1;
		/* A long run of busy PIDs: let others run (we may sleep). */
		if (!(++steps & 1023)) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
	}
	rcu_read_unlock();
	return pid <= to ? pid : 0;
}

/* Does this call name the PID of the initial namespace explicitly? */
static bool pidctl_explicit_pid(struct pid_namespace *ns, size_t set_tid_size)
{
	return set_tid_size && set_tid_size == (size_t)ns->level + 1;
}

static struct pid *pidctl_alloc_steered(struct pid_namespace *ns,
					pid_t *set_tid, size_t set_tid_size)
{
	const struct pidctl_policy *p = pidctl_policy_get();
	struct idr *idr = &init_pid_ns.idr;
	unsigned int allocated;
	struct pid *pid;
	int pid_max, next;

	if (!pidctl_policy_active(p) || pidctl_explicit_pid(ns, set_tid_size)) {
		pid = PIDCTL_ORIG(0, alloc_pid_fn)(ns, set_tid, set_tid_size);
		if (!IS_ERR(pid))
			pidctl_full_at = 0;
		return pid;
	}

	allocated = READ_ONCE(init_pid_ns.pid_allocated);
	pid_max = pidctl_pid_max();
	if (pidctl_known_full(allocated, pid_max))
		return ERR_PTR(-EAGAIN);

	next = pidctl_next_pid(p, idr_get_cursor(idr), pid_max,
			       pidctl_idr_first_free, idr);
	if (next < 0) {
		pidctl_full_at = allocated ? allocated : 1;
		pidctl_full_pid_max = pid_max;
		pidctl_full_until = jiffies + PIDCTL_FULL_TTL;
		pr_warn_ratelimited("no PID allowed by the policy is free; fork fails with EAGAIN\n");
		return ERR_PTR(-EAGAIN);
	}

	/*
	 * The cursor points at a free PID and nobody else allocates in the
	 * initial namespace until we unlock, so idr_alloc_cyclic() inside
	 * alloc_pid() hands out exactly @next.
	 */
	idr_set_cursor(idr, next);
	pid = PIDCTL_ORIG(0, alloc_pid_fn)(ns, set_tid, set_tid_size);
	if (IS_ERR(pid))
		return pid;

	pidctl_full_at = 0;
	if (unlikely(pid->numbers[0].nr != next))
		pr_err_ratelimited("steered to PID %d but got %d\n", next,
				   pid->numbers[0].nr);
	idr_set_cursor(idr, pidctl_next_cursor(p, pid->numbers[0].nr, pid_max));
	return pid;
}

static struct pid *pidctl_alloc_pid(struct pid_namespace *ns, pid_t *set_tid,
				    size_t set_tid_size)
{
	struct pid *pid;
	int idx;

	idx = srcu_read_lock(&pidctl_srcu);
	if (!pidctl_serializing()) {
		pid = PIDCTL_ORIG(0, alloc_pid_fn)(ns, set_tid, set_tid_size);
	} else {
		mutex_lock(&pidctl_alloc_lock);
		pid = pidctl_alloc_steered(ns, set_tid, set_tid_size);
		mutex_unlock(&pidctl_alloc_lock);
	}
	srcu_read_unlock(&pidctl_srcu, idx);
	return pid;
}

/*
 * ns_last_pid moves the IDR cursor without any lock.  Were it to move
 * between our steering and idr_alloc_cyclic(), the allocator would start
 * from the wrong place; so writes wait for pidctl_alloc_lock.
 */
static int pidctl_ns_last_pid(PIDCTL_CTL_TABLE_CONST struct ctl_table *table,
			      int write, void *buffer, size_t *lenp,
			      loff_t *ppos)
{
	int idx, ret;

	idx = srcu_read_lock(&pidctl_srcu);
	if (write)
		mutex_lock(&pidctl_alloc_lock);
	ret = PIDCTL_ORIG(1, ns_last_pid_handler_fn)(table, write, buffer, lenp,
						     ppos);
	if (write)
		mutex_unlock(&pidctl_alloc_lock);
	srcu_read_unlock(&pidctl_srcu, idx);
	return ret;
}

static void notrace pidctl_ftrace_thunk(unsigned long ip,
					unsigned long parent_ip,
					struct ftrace_ops *ops,
					PIDCTL_FTRACE_REGS *fregs)
{
	struct pidctl_hook *hook = container_of(ops, struct pidctl_hook, ops);

	/* Our own wrapper calling the original: let it through. */
	if (within_module(parent_ip, THIS_MODULE))
		return;
	pidctl_ftrace_set_ip(fregs, (unsigned long)hook->wrapper);
}

static int pidctl_hook_install(struct pidctl_hook *hook)
{
	int ret;

	hook->orig = pidctl_lookup_symbol(hook->name);
	if (!hook->orig) {
		pr_err("cannot find %s\n", hook->name);
		return -ENOENT;
	}
	hook->ops.func = pidctl_ftrace_thunk;
	hook->ops.flags = PIDCTL_FTRACE_SAVE_REGS_FLAG |
			  PIDCTL_FTRACE_RECURSION_FLAG |
			  FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT;

	ret = ftrace_set_filter_ip(&hook->ops, hook->orig, 0, 0);
	if (ret) {
		pr_err("cannot trace %s (not in available_filter_functions?): %d\n",
		       hook->name, ret);
		return ret;
	}
	ret = register_ftrace_function(&hook->ops);
	if (ret) {
		pr_err("cannot redirect %s (another IPMODIFY user, e.g. livepatch?): %d\n",
		       hook->name, ret);
		ftrace_set_filter_ip(&hook->ops, hook->orig, 1, 0);
	}
	return ret;
}

static void pidctl_hook_remove(struct pidctl_hook *hook)
{
	int ret = unregister_ftrace_function(&hook->ops);

	if (ret)
		pr_err("cannot unregister the %s hook: %d\n", hook->name, ret);
	ftrace_set_filter_ip(&hook->ops, hook->orig, 1, 0);
}

/*
 * After the redirects are gone, wait until no task is anywhere in our text:
 * ftrace's own RCU-tasks grace period covers tasks between the redirect and
 * srcu_read_lock(); SRCU covers the wrappers; the last RCU-tasks grace
 * period covers the few instructions after srcu_read_unlock().
 */
static void pidctl_hook_drain(void)
{
	synchronize_srcu(&pidctl_srcu);
	synchronize_rcu_tasks();
}

int pidctl_hook_init(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(pidctl_hooks); i++) {
		ret = pidctl_hook_install(&pidctl_hooks[i]);
		if (ret)
			goto undo;
	}
	return 0;
undo:
	while (--i >= 0)
		pidctl_hook_remove(&pidctl_hooks[i]);
	pidctl_hook_drain();
	return ret;
}

void pidctl_hook_exit(void)
{
	int i;

	for (i = ARRAY_SIZE(pidctl_hooks) - 1; i >= 0; i--)
		pidctl_hook_remove(&pidctl_hooks[i]);
	pidctl_hook_drain();
}
