// SPDX-License-Identifier: GPL-2.0
/*
 * The allocator hook: a kprobe on idr_alloc_cyclic().
 *
 * alloc_pid() calls idr_alloc_cyclic(&ns->idr, NULL, pid_min, pid_max,
 * GFP_ATOMIC) for each PID namespace level, holding pidmap_lock.  The
 * pre-handler below runs inside that critical section, where nothing else
 * can allocate or free a PID.  For the IDR of a namespace with a policy
 * (the initial namespace's, or one pidctl_ns.c knows) it finds the next
 * PID that policy allows and the IDR has free, and rewrites the call's
 * range to [next, next + 1), so the call can only hand out that PID; with
 * nothing allowed and free it rewrites it to an empty range, the call fails
 * with -ENOSPC and the fork with EAGAIN.  Every other call of
 * idr_alloc_cyclic() in the kernel passes untouched.  See docs/design.md.
 *
 * The handler may run in NMI context (the int3 path of a kprobe that is not
 * optimised) and always runs with preemption off: it takes no lock,
 * allocates nothing and leaves its log line to irq_work.  Its counters are
 * atomic_long_t, its trace event is a tracepoint (NMI-safe), and the
 * random start comes from siphash of a per-CPU sequence number under a
 * key drawn at load: no call into the RNG, whose local locks sleep on
 * PREEMPT_RT.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/irq_work.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/pid_namespace.h>
#include <linux/random.h>
#include <linux/ratelimit.h>
#include <linux/siphash.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include "pidctl.h"
#include "pidctl_compat.h"
#include "pidctl_idr.h"
#include "pidctl_ns.h"

#define CREATE_TRACE_POINTS
#include "pidctl_trace.h"

/*
 * The initial namespace's cursor state (each other namespace with a
 * policy has its own, in pidctl_ns.c).  last_steered: the last PID this
 * handler steered to.  If the cursor still sits just past it and no
 * ns_last_pid write succeeded since, the next search starts a stride after
 * it; otherwise at the cursor.  Read and written only under pidmap_lock,
 * by the handler.  written: set when a write to that namespace's
 * ns_last_pid succeeded: the cursor is the user's.
 */
static struct pidctl_cursor pidctl_host_cursor;

/*
 * kernel.pidctl.exhausted and .steered, for the module's lifetime.  Only
 * the handler writes them (under pidmap_lock, but atomic anyway: they are
 * read without it); atomic_long_inc() is NMI-safe.
 */
static atomic_long_t pidctl_nr_exhausted = ATOMIC_LONG_INIT(0);
static atomic_long_t pidctl_nr_steered = ATOMIC_LONG_INIT(0);
/* The end (pid_max) of the last call the handler saw: for .free < 6.14. */
static unsigned int pidctl_seen_pid_max;

/*
 * What the last refusal ran into, for the log line.  Written by the
 * handler, read by the irq_work without a lock: under a concurrent policy
 * change a line may mix two refusals' values, never anything else.
 */
static struct {
	unsigned int lo, hi, pid_max, max, inum, level;
	bool by_pid_max;
} pidctl_refusal;

static void pidctl_exhausted_log(struct irq_work *work)
{
	unsigned int lo = READ_ONCE(pidctl_refusal.lo);
	unsigned int hi = READ_ONCE(pidctl_refusal.hi);

	if (READ_ONCE(pidctl_refusal.level))
		pr_warn_ratelimited("PID namespace %u (level %u): no PID allowed by its policy is free in %u-%u: the limit hit is %s (%u); fork fails with EAGAIN\n",
				    READ_ONCE(pidctl_refusal.inum),
				    READ_ONCE(pidctl_refusal.level), lo, hi,
				    READ_ONCE(pidctl_refusal.by_pid_max) ?
				    "its pid_max" : "its pidctl max",
				    READ_ONCE(pidctl_refusal.by_pid_max) ?
				    READ_ONCE(pidctl_refusal.pid_max) :
				    READ_ONCE(pidctl_refusal.max));
	else if (READ_ONCE(pidctl_refusal.by_pid_max))
		pr_warn_ratelimited("no PID allowed by the policy is free in %u-%u: the limit hit is kernel.pid_max (%u); fork fails with EAGAIN\n",
				    lo, hi, READ_ONCE(pidctl_refusal.pid_max));
	else
		pr_warn_ratelimited("no PID allowed by the policy is free in %u-%u: the limit hit is pidctl's window (kernel.pidctl.max %u); fork fails with EAGAIN\n",
				    lo, hi, READ_ONCE(pidctl_refusal.max));
}

static DEFINE_IRQ_WORK(pidctl_exhausted_work, pidctl_exhausted_log);

/* A refused allocation: count it, trace it, and have it logged. */
static void pidctl_refuse(const struct pidctl_policy *p, struct idr *idr,
			  unsigned int pid_max)
{
	struct pid_namespace *ns = container_of(idr, struct pid_namespace, idr);
	unsigned int lo, hi;
	bool by_pid_max = pidctl_window_limits(p, pid_max, &lo, &hi);

	atomic_long_inc(&pidctl_nr_exhausted);
	trace_pidctl_exhausted(ns->ns.inum, ns->level, lo, hi, pid_max);
	WRITE_ONCE(pidctl_refusal.lo, lo);
	WRITE_ONCE(pidctl_refusal.hi, hi);
	WRITE_ONCE(pidctl_refusal.pid_max, pid_max);
	WRITE_ONCE(pidctl_refusal.max, p->max);
	WRITE_ONCE(pidctl_refusal.inum, ns->ns.inum);
	WRITE_ONCE(pidctl_refusal.level, ns->level);
	WRITE_ONCE(pidctl_refusal.by_pid_max, by_pid_max);
	irq_work_queue(&pidctl_exhausted_work);
}

/*
 * The random start: siphash of (per-CPU sequence number, CPU) under a
 * key drawn at load.  A keyed PRF of distinct inputs: unguessable without
 * the key, NMI-safe (arithmetic and one per-CPU increment; preemption is
 * off), and a plain direct call.
 */
static siphash_key_t pidctl_random_key __read_mostly;
static DEFINE_PER_CPU(u64, pidctl_random_seq);

static u32 pidctl_random_u32(void)
{
	u64 seq = this_cpu_inc_return(pidctl_random_seq);

	return (u32)(siphash_2u64(seq, raw_smp_processor_id(),
				  &pidctl_random_key) >> 32);
}

/* The occupancy oracle of the policy core, from the IDR's free tags. */
static unsigned int pidctl_first_free(void *ctx, unsigned int from,
				      unsigned int to)
{
	unsigned long id = from;

	return pidctl_idr_find_free(ctx, &id, to) ? (unsigned int)id : 0;
}

/*
 * The active policy and cursor state for a call on @idr, or NULL: not a
 * PID IDR with an active policy.  Also notes the initial namespace's
 * pid_max.  The host's costs a compare and a load, a namespace's a hash
 * lookup; a call with nothing to do, a compare and one or two loads.
 */
static const struct pidctl_policy *pidctl_policy_for(struct idr *idr,
						     unsigned int pid_max,
						     struct pidctl_cursor **c)
{
	struct pidctl_ns *e;

	if (idr == &init_pid_ns.idr) {
		if (READ_ONCE(pidctl_seen_pid_max) != pid_max)
			WRITE_ONCE(pidctl_seen_pid_max, pid_max);
		*c = &pidctl_host_cursor;
		return pidctl_policy_enforced();
	}
	if (!pidctl_ns_count())
		return NULL;
	e = pidctl_ns_find(idr);
	if (!e)
		return NULL;
	*c = &e->cursor;
	return rcu_dereference_sched(e->policy);	/* always active */
}

static int pidctl_idr_alloc_cyclic_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct idr *idr = pidctl_kprobe_arg_idr(regs);
	const struct pidctl_policy *p;
	unsigned int cursor, start, pid_max, pid_min, offset;
	struct pidctl_cursor *c;
	bool written;
	int next;

	/* alloc_pid() passes the level's pid_max as the end */
	pid_max = (unsigned int)pidctl_kprobe_arg_end(regs);
	p = pidctl_policy_for(idr, pid_max, &c);
	if (!p)
		return 0;

	cursor = idr_get_cursor(idr);
	/* a namespace's first PID is 1, its init, whatever its policy */
	if (!cursor)
		return 0;
	start = cursor;
	/* a plain read first: the locked exchange only after a write */
	written = READ_ONCE(c->written) && xchg(&c->written, 0);
	if (!written && c->last_steered && cursor == c->last_steered + 1)
		start = pidctl_next_cursor(p, c->last_steered, pid_max);
	if (p->random) {
		offset = pidctl_random_offset(p->random, pidctl_random_u32());
		start = pidctl_random_start(p, start, pid_max, offset);
	}
	next = pidctl_next_pid(p, start, pid_max, pidctl_first_free, idr);
	if (next < 0) {
		/* start == end: idr_alloc_cyclic() finds no room, -ENOSPC */
		pidctl_kprobe_set_range(regs, pid_max, pid_max);
		pidctl_refuse(p, idr, pid_max);
		return 0;
	}
	/* the call's own start: alloc_pid()'s pid_min, 1 or RESERVED_PIDS */
	pid_min = (unsigned int)max(pidctl_kprobe_arg_start(regs), 0);
	if (!pidctl_stock_picks(cursor, pid_min, pid_max, next,
				pidctl_first_free, idr))
		atomic_long_inc(&pidctl_nr_steered);
	c->last_steered = next;
	pidctl_kprobe_set_range(regs, next, next + 1);
	return 0;
}

unsigned long pidctl_hook_exhausted(void)
{
	return atomic_long_read(&pidctl_nr_exhausted);
}

unsigned long pidctl_hook_steered(void)
{
	return atomic_long_read(&pidctl_nr_steered);
}

/* pidctl_first_busy_fn over the PID IDR: the next PID a task holds. */
static unsigned int pidctl_first_busy(void *ctx, unsigned int from,
				      unsigned int to)
{
	int id = from;

	if (!idr_get_next(ctx, &id) || id < (int)from || (unsigned int)id > to)
		return 0;
	return id;
}

/*
 * kernel.pidctl.free: allowed PIDs of the initial namespace that no task
 * holds, counted on read.  The walk of the PID IDR runs under RCU, as
 * /proc's does, so it is a snapshot only while nothing forks or exits.
 */
unsigned int pidctl_hook_free(const struct pidctl_policy *p)
{
	unsigned int n, pid_max;

	pid_max = pidctl_pid_max_now(READ_ONCE(pidctl_seen_pid_max));
	rcu_read_lock();
	n = pidctl_count_free(p, pid_max, pidctl_first_busy, &init_pid_ns.idr);
	rcu_read_unlock();
	return n;
}

/* Armed only while a policy is active: with none, forks pay nothing. */
static struct kprobe pidctl_kprobe = {
	.symbol_name	= "idr_alloc_cyclic",
	.pre_handler	= pidctl_idr_alloc_cyclic_pre,
	.flags		= KPROBE_FLAG_DISABLED,
};

/*
 * A successful ns_last_pid write may set the cursor to exactly where it
 * already was (the PID just handed out, plus one), which the handler above
 * would take for "not moved" and stride past.  So a return probe on the
 * sysctl's handler tells it.  Only successful writes count: the file is
 * mode 0666 and the kernel checks permission inside, so a refused write
 * by anyone must change nothing.
 */
static int pidctl_ns_last_pid_entry(struct kretprobe_instance *ri,
				    struct pt_regs *regs)
{
	if (!pidctl_kprobe_arg_write(regs))
		return 1;	/* not a write: no return probe */
	/* the handler writes the cursor of the writer's namespace */
	*(struct idr **)ri->data = &task_active_pid_ns(current)->idr;
	return 0;
}

static int pidctl_ns_last_pid_ret(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	struct idr *idr = *(struct idr **)ri->data;
	struct pidctl_ns *e;

	if (regs_return_value(regs))
		return 0;
	if (idr == &init_pid_ns.idr) {
		WRITE_ONCE(pidctl_host_cursor.written, 1);
		return 0;
	}
	rcu_read_lock();
	e = pidctl_ns_find(idr);
	if (e)
		WRITE_ONCE(e->cursor.written, 1);
	rcu_read_unlock();
	return 0;
}

/*
 * Armed for the module's lifetime: ns_last_pid is rarely touched, and
 * leaving it out of arming and disarming keeps a policy switch to one
 * text patch.  A flag set while no policy is active is consumed by the
 * first steered allocation, which starts at the cursor anyway.
 */
static struct kretprobe pidctl_ns_last_pid_probe = {
	.kp.symbol_name	= "pid_ns_ctl_handler",
	.entry_handler	= pidctl_ns_last_pid_entry,
	.handler	= pidctl_ns_last_pid_ret,
	.data_size	= sizeof(struct idr *),
};

/* The kernel has no ns_last_pid (CONFIG_CHECKPOINT_RESTORE=n). */
static bool pidctl_no_ns_last_pid;

/*
 * Root can disarm every kprobe at once through debugfs (kprobes/enabled),
 * which leaves our probe "enabled" but inert: the policy would silently
 * stop.  The kprobe core exports no way to ask, so look at the probed
 * instruction: an armed probe is an int3 or, optimised, a jump.
 */
static bool pidctl_kprobe_armed(void)
{
	u8 op;

	if (copy_from_kernel_nofault(&op, pidctl_kprobe.addr, 1))
		return false;
	return op == PIDCTL_INSN_INT3 || op == PIDCTL_INSN_JMP32;
}

#define PIDCTL_ARMED_CHECK_PERIOD (10 * HZ)
static bool pidctl_reported_disarmed;

static void pidctl_armed_check(struct work_struct *work);
static DECLARE_DELAYED_WORK(pidctl_armed_work, pidctl_armed_check);

static void pidctl_armed_check(struct work_struct *work)
{
	bool armed = pidctl_kprobe_armed();

	if (!armed && !pidctl_reported_disarmed)
		pr_warn("kprobes are disarmed (debugfs kprobes/enabled is 0): the policy is NOT enforced until they are enabled again\n");
	else if (armed && pidctl_reported_disarmed)
		pr_info("kprobes are armed again: the policy is enforced\n");
	pidctl_reported_disarmed = !armed;
	queue_delayed_work(pidctl_wq, &pidctl_armed_work,
			   PIDCTL_ARMED_CHECK_PERIOD);
}

int pidctl_hook_arm(void)
{
	int ret = enable_kprobe(&pidctl_kprobe);

	if (ret) {
		pr_err("cannot arm the kprobe on idr_alloc_cyclic: %d\n", ret);
		return ret;
	}
	pidctl_reported_disarmed = false;
	mod_delayed_work(pidctl_wq, &pidctl_armed_work, 0);
	return 0;
}

void pidctl_hook_disarm(void)
{
	cancel_delayed_work_sync(&pidctl_armed_work);
	disable_kprobe(&pidctl_kprobe);
}

int pidctl_hook_init(void)
{
	int ret;

	/* before the probe exists: the handler reads it */
	get_random_bytes(&pidctl_random_key, sizeof(pidctl_random_key));
	ret = register_kprobe(&pidctl_kprobe);

	if (ret) {
		pr_err("cannot register a kprobe on idr_alloc_cyclic: %d\n", ret);
		return ret;
	}
	ret = register_kretprobe(&pidctl_ns_last_pid_probe);
	if (ret == -ENOENT || ret == -EINVAL) {
		/* no such function: no ns_last_pid to watch */
		pidctl_no_ns_last_pid = true;
		ret = 0;
	} else if (ret) {
		pr_err("cannot register a return probe on pid_ns_ctl_handler: %d\n",
		       ret);
		unregister_kprobe(&pidctl_kprobe);
	}
	return ret;
}

/* Once this returns, no handler runs or will run. */
void pidctl_hook_exit(void)
{
	cancel_delayed_work_sync(&pidctl_armed_work);
	unregister_kprobe(&pidctl_kprobe);	/* waits for running handlers */
	if (!pidctl_no_ns_last_pid)
		unregister_kretprobe(&pidctl_ns_last_pid_probe);
	irq_work_sync(&pidctl_exhausted_work);
}
