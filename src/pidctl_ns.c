// SPDX-License-Identifier: GPL-2.0
/*
 * A policy per PID namespace other than the initial one.
 *
 * alloc_pid() calls idr_alloc_cyclic() once for each level of a new task's
 * PID, with that level's namespace's IDR.  The hook finds a namespace's
 * policy by the address of that IDR, in a hash table it reads under RCU
 * (lock-free, so also from NMI).  Entries are added, replaced and removed
 * under pidctl_config_lock.
 *
 * An address is only a key while its namespace lives: once the namespace
 * is freed, a new one may be allocated at the same address.  So the
 * entry must stop matching before that.  destroy_pid_namespace() calls
 * idr_destroy(&ns->idr) and only then frees the namespace after an RCU
 * grace period; a kprobe on idr_destroy() (a lib function every supported
 * kernel calls there, exported, never inlined into it) clears the entry's
 * key, in whatever context the probe runs, and an irq_work and a work item
 * unlink the entry and free it after a grace period.  The entry also
 * records the namespace's inode number, and the hook checks it too.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/hashtable.h>
#include <linux/irq_work.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "pidctl.h"
#include "pidctl_compat.h"
#include "pidctl_ns.h"

struct hlist_head pidctl_ns_table[1 << PIDCTL_NS_HASH_BITS];
unsigned int pidctl_ns_nr;

static struct pidctl_policy *pidctl_ns_policy_locked(struct pidctl_ns *e)
{
	return rcu_dereference_protected(e->policy,
					 lockdep_is_held(&pidctl_config_lock));
}

/* Under pidctl_config_lock, where entries are neither added nor removed. */
static struct pidctl_ns *pidctl_ns_lookup(struct pid_namespace *ns)
{
	lockdep_assert_held(&pidctl_config_lock);
	return pidctl_ns_find(&ns->idr);
}

const struct pidctl_policy *pidctl_ns_get(struct pid_namespace *ns)
{
	struct pidctl_ns *e = pidctl_ns_lookup(ns);

	return e ? pidctl_ns_policy_locked(e) : NULL;
}

u64 pidctl_ns_generation(struct pid_namespace *ns)
{
	struct pidctl_ns *e = pidctl_ns_lookup(ns);

	return e ? e->generation : 0;
}

static void pidctl_ns_free_rcu(struct rcu_head *rcu)
{
	struct pidctl_ns *e = container_of(rcu, struct pidctl_ns, rcu);

	pidctl_policy_free(rcu_dereference_protected(e->policy, 1));
	kfree(e);
	atomic_dec(&pidctl_objects);
}

/* Unlink @e; it and its policy are freed once no hook can be reading them. */
static void pidctl_ns_remove(struct pidctl_ns *e)
{
	lockdep_assert_held(&pidctl_config_lock);
	hlist_del_rcu(&e->node);
	WRITE_ONCE(pidctl_ns_nr, pidctl_ns_nr - 1);
	call_rcu(&e->rcu, pidctl_ns_free_rcu);
}

int pidctl_ns_publish(struct pid_namespace *ns, struct pidctl_policy *p)
{
	struct pidctl_ns *e = pidctl_ns_lookup(ns);
	const struct pidctl_policy *old;
	int ret;

	ret = pidctl_policy_validate(p, pidctl_ns_pid_max(ns));
	if (ret || !pidctl_policy_active(p)) {
		/* a policy of defaults is no policy: the entry goes */
		pidctl_policy_free(p);
		if (ret || !e)
			return ret;
		pidctl_ns_remove(e);
		return pidctl_hook_sync();
	}
	if (e) {
		old = pidctl_ns_policy_locked(e);
		rcu_assign_pointer(e->policy, p);
		e->generation = pidctl_policy_next_generation();
		pidctl_policy_free_after_gp(old);
		return 0;
	}

	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e) {
		pidctl_policy_free(p);
		return -ENOMEM;
	}
	atomic_inc(&pidctl_objects);
	e->idr = &ns->idr;
	e->inum = ns->ns.inum;
	e->level = ns->level;
	RCU_INIT_POINTER(e->policy, p);
	e->generation = pidctl_policy_next_generation();
	hlist_add_head_rcu(&e->node, pidctl_ns_bucket(&ns->idr));
	WRITE_ONCE(pidctl_ns_nr, pidctl_ns_nr + 1);
	ret = pidctl_hook_sync();
	if (ret)
		pidctl_ns_remove(e);	/* the idr_destroy probe may have seen it */
	return ret;
}

/*
 * Reaping: the idr_destroy() probe only clears a dead namespace's key;
 * this work unlinks and frees such entries.  The irq_work gets it queued
 * from whatever context the probe ran in.
 */
static void pidctl_ns_reap(struct work_struct *work)
{
	struct hlist_node *tmp;
	struct pidctl_ns *e;
	unsigned int bkt;
	int ret;

	mutex_lock(&pidctl_config_lock);
	for (bkt = 0; bkt < ARRAY_SIZE(pidctl_ns_table); bkt++)
		hlist_for_each_entry_safe(e, tmp, &pidctl_ns_table[bkt], node)
			if (!READ_ONCE(e->idr))
				pidctl_ns_remove(e);
	ret = pidctl_hook_sync();	/* disarming cannot fail */
	mutex_unlock(&pidctl_config_lock);
	WARN_ON_ONCE(ret);
}

static DECLARE_WORK(pidctl_ns_reap_work, pidctl_ns_reap);

static void pidctl_ns_reap_kick(struct irq_work *work)
{
	queue_work(pidctl_wq, &pidctl_ns_reap_work);
}

static DEFINE_IRQ_WORK(pidctl_ns_reap_irq_work, pidctl_ns_reap_kick);

static int pidctl_idr_destroy_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct pidctl_ns *e;

	if (!pidctl_ns_count())
		return 0;
	/*
	 * By the key alone: the namespace's inode number may already be
	 * freed here (7.x frees it just before idr_destroy()).
	 */
	e = pidctl_ns_find_key(pidctl_kprobe_arg_idr(regs));
	if (e) {
		WRITE_ONCE(e->idr, NULL);
		irq_work_queue(&pidctl_ns_reap_irq_work);
	}
	return 0;
}

/*
 * Armed for the module's lifetime: a namespace's death must never go
 * unseen, and idr_destroy() is not on any fast path.
 */
static struct kprobe pidctl_idr_destroy_probe = {
	.symbol_name	= "idr_destroy",
	.pre_handler	= pidctl_idr_destroy_pre,
};

/* Text for reading the namespaces file: one line per namespace. */
static size_t pidctl_ns_format(const struct pidctl_ns *e,
			       const struct pidctl_policy *p, char *buf,
			       size_t size)
{
	size_t n;

	n = scnprintf(buf, size, "%u %u min=%u max=%u stride=%u random=%u reserved=",
		      e->inum, e->level, p->min, p->max, p->stride, p->random);
	n += pidctl_format_ranges(p->ranges, p->nr_ranges, buf + n, size - n);
	if (n + 1 < size) {
		buf[n++] = '\n';
		buf[n] = '\0';
	}
	return n;
}

/* Longest line but the reserved list: "%u %u min=%u max=%u ..." */
#define PIDCTL_NS_LINE_MAX	128

char *pidctl_ns_list(size_t *len)
{
	const struct pidctl_policy *p;
	struct pidctl_ns *e;
	size_t size = 1, n = 0;
	unsigned int bkt;
	char *text;

	lockdep_assert_held(&pidctl_config_lock);
	hash_for_each(pidctl_ns_table, bkt, e, node) {
		p = pidctl_ns_policy_locked(e);
		size += PIDCTL_NS_LINE_MAX +
			pidctl_format_ranges(p->ranges, p->nr_ranges, NULL, 0);
	}
	text = kvmalloc(size, GFP_KERNEL);
	if (!text)
		return NULL;
	text[0] = '\0';
	hash_for_each(pidctl_ns_table, bkt, e, node)
		if (READ_ONCE(e->idr))
			n += pidctl_ns_format(e, pidctl_ns_policy_locked(e),
					      text + n, size - n);
	*len = n;
	return text;
}

/*
 * The PID namespace the children of process @nr (in the writer's
 * namespace) are created in, with a reference; an ERR_PTR if none.
 */
static struct pid_namespace *pidctl_ns_of_children(unsigned int nr)
{
	struct pid_namespace *ns = NULL;
	struct task_struct *task;

	rcu_read_lock();
	task = pid_task(find_vpid(nr), PIDTYPE_PID);
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	if (!task)
		return ERR_PTR(-ESRCH);
	task_lock(task);
	if (task->nsproxy)
		ns = get_pid_ns(task->nsproxy->pid_ns_for_children);
	task_unlock(task);
	put_task_struct(task);
	return ns ? ns : ERR_PTR(-ESRCH);	/* it is exiting */
}

/* The policy @l asks for, from @base; NULL and *@err on failure. */
static struct pidctl_policy *pidctl_ns_apply_line(const struct pidctl_policy *base,
						  const struct pidctl_ns_line *l,
						  const char *buf, int *err)
{
	struct pidctl_policy *p;

	if (l->set & PIDCTL_NS_SET_RESERVED)
		p = pidctl_policy_with_ranges(base, buf + l->reserved_off,
					      l->reserved_len, err);
	else
		p = pidctl_policy_clone(base, base->nr_ranges);
	if (!p) {
		if (!(l->set & PIDCTL_NS_SET_RESERVED))
			*err = -ENOMEM;
		return NULL;
	}
	if (l->set & PIDCTL_NS_SET_MIN)
		p->min = l->min;
	if (l->set & PIDCTL_NS_SET_MAX)
		p->max = l->max;
	if (l->set & PIDCTL_NS_SET_STRIDE)
		p->stride = l->stride;
	if (l->set & PIDCTL_NS_SET_RANDOM)
		p->random = l->random;
	return p;
}

int pidctl_ns_write_line(const char *buf, size_t len)
{
	struct pid_namespace *ns;
	struct pidctl_policy *p;
	struct pidctl_ns_line l;
	int ret;

	if (pidctl_parse_ns_line(buf, len, &l))
		return -EINVAL;
	ns = pidctl_ns_of_children(l.pid);
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	if (ns == &init_pid_ns) {
		pr_warn_ratelimited("namespaces: process %u's children are in the initial PID namespace: set its policy with the knobs\n",
				    l.pid);
		ret = -EINVAL;
		goto out;
	}
	mutex_lock(&pidctl_config_lock);
	p = pidctl_ns_apply_line(pidctl_target_get(ns), &l, buf, &ret);
	if (p)
		ret = pidctl_ns_publish(ns, p);
	mutex_unlock(&pidctl_config_lock);
out:
	put_pid_ns(ns);	/* may destroy it: the idr_destroy probe then fires */
	return ret;
}

static struct dentry *pidctl_debugfs;

int pidctl_ns_init(void)
{
	int ret = register_kprobe(&pidctl_idr_destroy_probe);

	if (ret) {
		pr_err("cannot register a kprobe on idr_destroy: %d\n", ret);
		return ret;
	}
	/* debugfs is optional: without it the leak count is not shown */
	pidctl_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_atomic_t("objects", 0444, pidctl_debugfs,
				&pidctl_objects);
	return 0;
}

/*
 * Once the sysctls are gone (no entry can be added) and before the
 * allocator hook goes (which the reaper would otherwise try to disarm):
 * the hook may still be reading entries, which RCU lets it finish.
 */
void pidctl_ns_exit(void)
{
	struct hlist_node *tmp;
	struct pidctl_ns *e;
	unsigned int bkt;

	debugfs_remove_recursive(pidctl_debugfs);
	unregister_kprobe(&pidctl_idr_destroy_probe);
	irq_work_sync(&pidctl_ns_reap_irq_work);
	cancel_work_sync(&pidctl_ns_reap_work);
	mutex_lock(&pidctl_config_lock);
	hash_for_each_safe(pidctl_ns_table, bkt, tmp, e, node)
		pidctl_ns_remove(e);
	mutex_unlock(&pidctl_config_lock);
	/* pidctl_policy_exit()'s rcu_barrier() waits for the frees */
}
