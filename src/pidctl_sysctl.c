// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/sys/kernel/pidctl/{min,max,stride,random,reserved}, the read-only
 * counters {exhausted,steered,free}, and namespaces.
 *
 * The knobs act on the policy of the reader's or writer's active PID
 * namespace, as ns_last_pid does: the host's from the initial namespace,
 * that namespace's own from any other.  Every write builds a complete new
 * policy from the one in force, validates it and publishes it whole, so a
 * fork sees either the old or the new policy, never a mix; a rejected
 * write leaves the old one in place.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysctl.h>
#include "pidctl.h"
#include "pidctl_compat.h"

/* Where a numeric knob lives in the policy, and its bounds. */
struct pidctl_uint_knob {
	size_t offset;
	unsigned int lowest;
};

static struct pidctl_uint_knob pidctl_knob_min = {
	offsetof(struct pidctl_policy, min), 0
};

static struct pidctl_uint_knob pidctl_knob_max = {
	offsetof(struct pidctl_policy, max), 0
};

static struct pidctl_uint_knob pidctl_knob_stride = {
	offsetof(struct pidctl_policy, stride), 1
};

/* random's upper bound is checked with the whole policy (validate) */
static struct pidctl_uint_knob pidctl_knob_random = {
	offsetof(struct pidctl_policy, random), 0
};

static unsigned int *pidctl_knob_field(struct pidctl_policy *p,
				       const struct pidctl_uint_knob *knob)
{
	return (unsigned int *)((char *)p + knob->offset);
}

static unsigned int pidctl_knob_value(const struct pidctl_policy *p,
				      const struct pidctl_uint_knob *knob)
{
	return *(const unsigned int *)((const char *)p + knob->offset);
}

/*
 * A value longer than a stdio buffer reaches us in pieces: stdio writes to
 * /proc in blocks of st_blksize (1 KiB), so bash's echo of a long list
 * makes several write() calls, and after a failed one it sends the rest
 * at offset 0.  Applying the pieces one by one would publish a truncated
 * list.  The rule:
 *
 *  - A write at offset 0 that does not end in a newline and whose length
 *    is a whole number of 1 KiB blocks is the start of a longer value.
 *    It is held here, not applied, and the write succeeds.
 *  - A write by the same process at the offset where its held text ends
 *    is appended to it.  The whole value is parsed and applied (or
 *    refused) when a piece ends in a newline or is not a whole number of
 *    blocks.
 *  - Any other write at offset 0 is a whole value.  If it does not end in
 *    a newline, the policy it replaced is remembered: a continuation of it
 *    (same process, next offset) is refused with EINVAL and puts that
 *    policy back, unless another write has replaced it meanwhile.
 *  - Any other write at an offset > 0 is refused with EINVAL.
 *
 * One slot per writing process, a few of them, under pidctl_config_lock.
 */
#define PIDCTL_STDIO_BLOCK	1024
#define PIDCTL_VALUE_MAX	(1024 * 1024)
#define PIDCTL_PIECE_SLOTS	4

struct pidctl_piece {
	pid_t tgid;				/* 0: free slot */
	loff_t end;				/* where a continuation starts */
	unsigned long stamp;			/* jiffies, to evict the oldest */
	char *text;				/* held, not yet applied */
	struct pidctl_policy *before;		/* undo of a value applied whole */
	u64 applied;				/* ... at this policy generation */
};

static struct pidctl_piece pidctl_pieces[PIDCTL_PIECE_SLOTS];

static void pidctl_piece_drop(struct pidctl_piece *s)
{
	kvfree(s->text);
	pidctl_policy_free(s->before);
	memset(s, 0, sizeof(*s));
}

static struct pidctl_piece *pidctl_piece_find(pid_t tgid)
{
	int i;

	for (i = 0; i < PIDCTL_PIECE_SLOTS; i++)
		if (pidctl_pieces[i].tgid == tgid)
			return &pidctl_pieces[i];
	return NULL;
}

/* A slot for @tgid: a free one, or the oldest, whose writer went quiet. */
static struct pidctl_piece *pidctl_piece_new(pid_t tgid, loff_t end)
{
	struct pidctl_piece *s = NULL, *c;
	int i;

	for (i = 0; i < PIDCTL_PIECE_SLOTS; i++) {
		c = &pidctl_pieces[i];
		if (!c->tgid) {
			s = c;
			break;
		}
		if (!s || time_before(c->stamp, s->stamp))
			s = c;
	}
	if (s->tgid && s->text)
		pr_warn_ratelimited("reserved: the unfinished value of process %d was dropped (more than %d writers at once)\n",
				    s->tgid, PIDCTL_PIECE_SLOTS);
	pidctl_piece_drop(s);
	s->tgid = tgid;
	s->end = end;
	s->stamp = jiffies;
	return s;
}

static bool pidctl_piece_is_start(const char *buf, size_t len)
{
	return len && !(len % PIDCTL_STDIO_BLOCK) && buf[len - 1] != '\n';
}

/* Append @len bytes to the held text of @s; false when it grows too long. */
static bool pidctl_piece_append(struct pidctl_piece *s, const char *buf,
				size_t len)
{
	size_t have = s->text ? s->end : 0;
	char *text;

	if (have + len > PIDCTL_VALUE_MAX)
		return false;
	text = kvmalloc(have + len, GFP_KERNEL);
	if (!text)
		return false;
	if (have)
		memcpy(text, s->text, have);
	memcpy(text + have, buf, len);
	kvfree(s->text);
	s->text = text;
	s->end = have + len;
	s->stamp = jiffies;
	return true;
}

/* Hand out @text (of @len bytes) from offset *ppos, as proc_dostring does. */
static void pidctl_read_text(const char *text, size_t len, void *buffer,
			     size_t *lenp, loff_t *ppos)
{
	size_t n;

	if (*ppos >= len) {
		*lenp = 0;
		return;
	}
	n = min_t(size_t, len - *ppos, *lenp);
	memcpy(buffer, text + *ppos, n);
	*lenp = n;
	*ppos += n;
}

/* The namespace whose policy the calling task's knobs show and set. */
static struct pid_namespace *pidctl_my_ns(void)
{
	return task_active_pid_ns(current);
}

/*
 * The knobs are mode 0666, like ns_last_pid, since a container's root is
 * seldom global uid 0: a writer needs CAP_SYS_ADMIN in the user namespace
 * that owns its PID namespace.  For the initial namespace that is global
 * root only (root of a user namespace mapped to uid 0 included: it has no
 * capability in the initial user namespace).
 */
static int pidctl_write_allowed(void)
{
	return ns_capable(pidctl_my_ns()->user_ns, CAP_SYS_ADMIN) ? 0 : -EPERM;
}

static int pidctl_uint_handler(PIDCTL_CTL_TABLE_CONST struct ctl_table *table,
			       int write, void *buffer, size_t *lenp,
			       loff_t *ppos)
{
	const struct pidctl_uint_knob *knob = table->data;
	const struct pidctl_policy *base;
	struct pidctl_policy *next;
	unsigned int val;
	char text[16];
	int ret;

	if (!write) {
		mutex_lock(&pidctl_config_lock);
		val = pidctl_knob_value(pidctl_target_get(pidctl_my_ns()), knob);
		mutex_unlock(&pidctl_config_lock);
		pidctl_read_text(text, scnprintf(text, sizeof(text), "%u\n", val),
				 buffer, lenp, ppos);
		return 0;
	}

	ret = pidctl_write_allowed();
	if (ret)
		return ret;
	/* a value comes in one write() from offset 0, as for ints in the kernel */
	if (*ppos)
		return -EINVAL;
	ret = pidctl_parse_uint(buffer, *lenp, PIDCTL_PID_MAX_LIMIT, &val);
	if (ret || val < knob->lowest)
		return -EINVAL;

	mutex_lock(&pidctl_config_lock);
	base = pidctl_target_get(pidctl_my_ns());
	next = pidctl_policy_clone(base, base->nr_ranges);
	if (next) {
		*pidctl_knob_field(next, knob) = val;
		ret = pidctl_target_publish(pidctl_my_ns(), next);
	} else {
		ret = -ENOMEM;
	}
	mutex_unlock(&pidctl_config_lock);
	if (!ret)
		*ppos += *lenp;
	return ret;
}

static int pidctl_reserved_read(void *buffer, size_t *lenp, loff_t *ppos)
{
	const struct pidctl_policy *p;
	unsigned long len;
	char *text;

	mutex_lock(&pidctl_config_lock);
	p = pidctl_target_get(pidctl_my_ns());
	len = pidctl_format_ranges(p->ranges, p->nr_ranges, NULL, 0);
	text = kvmalloc(len + 2, GFP_KERNEL);
	if (text) {
		pidctl_format_ranges(p->ranges, p->nr_ranges, text, len + 1);
		text[len] = '\n';
	}
	mutex_unlock(&pidctl_config_lock);
	if (!text)
		return -ENOMEM;
	pidctl_read_text(text, len + 1, buffer, lenp, ppos);
	kvfree(text);
	return 0;
}

/* Parse @len bytes as the new reserved list and publish it. */
static int pidctl_reserved_apply(const char *buf, size_t len)
{
	struct pidctl_policy *next;
	int ret;

	next = pidctl_policy_with_ranges(pidctl_target_get(pidctl_my_ns()), buf,
					 len, &ret);
	return next ? pidctl_target_publish(pidctl_my_ns(), next) : ret;
}

/* A write at offset > 0: the continuation of this process's value, or not. */
static int pidctl_reserved_piece(struct pidctl_piece *s, const char *buf,
				 size_t len, loff_t pos)
{
	int ret;

	if (!s || s->end != pos) {
		pr_warn_ratelimited("reserved: a write at offset %lld is refused; write the whole list in one write()\n",
				    (long long)pos);
		if (s)
			pidctl_piece_drop(s);
		return -EINVAL;
	}
	if (s->text) {
		if (!pidctl_piece_append(s, buf, len)) {
			pidctl_piece_drop(s);
			return -EINVAL;
		}
		if (pidctl_piece_is_start(buf, len))
			return 0;	/* more to come */
		ret = pidctl_reserved_apply(s->text, s->end);
		pidctl_piece_drop(s);
		return ret;
	}
	/* the value before was whole by the rule, yet it goes on: undo it */
	if (s->before && pidctl_target_generation(pidctl_my_ns()) == s->applied) {
		ret = pidctl_target_publish(pidctl_my_ns(), s->before);
		s->before = NULL;
		if (ret)
			pr_err_ratelimited("reserved: a value written in pieces that are not whole 1 KiB blocks is refused, and the list before it could not be put back (%d)\n",
					   ret);
		else
			pr_warn_ratelimited("reserved: a value written in pieces that are not whole 1 KiB blocks is refused; the list before it is back\n");
	}
	pidctl_piece_drop(s);
	return -EINVAL;
}

static int pidctl_reserved_write(const char *buf, size_t len, loff_t pos)
{
	pid_t tgid = task_tgid_nr(current);
	struct pidctl_piece *s = pidctl_piece_find(tgid);
	const struct pidctl_policy *base;
	struct pidctl_policy *before;
	int ret;

	if (pos)
		return pidctl_reserved_piece(s, buf, len, pos);
	if (s)
		pidctl_piece_drop(s);
	if (pidctl_piece_is_start(buf, len))
		return pidctl_piece_append(pidctl_piece_new(tgid, 0), buf, len) ?
		       0 : -ENOMEM;

	base = pidctl_target_get(pidctl_my_ns());
	before = len && buf[len - 1] != '\n' ?
		 pidctl_policy_clone(base, base->nr_ranges) : NULL;
	ret = pidctl_reserved_apply(buf, len);
	if (!ret && before) {
		s = pidctl_piece_new(tgid, len);
		s->before = before;
		s->applied = pidctl_target_generation(pidctl_my_ns());
	} else {
		pidctl_policy_free(before);
	}
	return ret;
}

static int pidctl_reserved_handler(PIDCTL_CTL_TABLE_CONST struct ctl_table *table,
				   int write, void *buffer, size_t *lenp,
				   loff_t *ppos)
{
	int ret;

	if (!write)
		return pidctl_reserved_read(buffer, lenp, ppos);
	ret = pidctl_write_allowed();
	if (ret)
		return ret;
	mutex_lock(&pidctl_config_lock);
	ret = pidctl_reserved_write(buffer, *lenp, *ppos);
	mutex_unlock(&pidctl_config_lock);
	if (!ret)
		*ppos += *lenp;
	return ret;
}

/*
 * The counters: plain decimal integers, so that collectors such as
 * node_exporter's sysctl collector read them as they are.  Read-only
 * (mode 0444): a write fails before it gets here.
 */
enum pidctl_counter { PIDCTL_EXHAUSTED, PIDCTL_STEERED, PIDCTL_FREE };

static int pidctl_counter_handler(PIDCTL_CTL_TABLE_CONST struct ctl_table *table,
				  int write, void *buffer, size_t *lenp,
				  loff_t *ppos)
{
	unsigned long val;
	char text[24];

	if (write)
		return -EPERM;
	switch ((unsigned long)table->extra1) {
	case PIDCTL_EXHAUSTED:
		val = pidctl_hook_exhausted();
		break;
	case PIDCTL_STEERED:
		val = pidctl_hook_steered();
		break;
	default:
		/* the policy cannot change (nor be freed) while we count */
		mutex_lock(&pidctl_config_lock);
		val = pidctl_hook_free(pidctl_policy_get());
		mutex_unlock(&pidctl_config_lock);
		break;
	}
	pidctl_read_text(text, scnprintf(text, sizeof(text), "%lu\n", val),
			 buffer, lenp, ppos);
	return 0;
}

/*
 * namespaces: every other namespace's policy, one line each, for the host
 * to read; and global root writes one namespace's policy by naming a
 * process whose children are created in it (pidctl_ns_write_line()).
 * Nothing is shown outside the initial namespace: the lines name other
 * containers.  A line comes in one write() at offset 0, and since stdio
 * cuts a long one into 1 KiB blocks, a write that may be such a block
 * (a whole number of them, no newline at its end) is refused rather than
 * applied cut short.
 */
static int pidctl_namespaces_handler(PIDCTL_CTL_TABLE_CONST struct ctl_table *table,
				     int write, void *buffer, size_t *lenp,
				     loff_t *ppos)
{
	size_t len = 0;
	char *text;
	int ret;

	if (!write) {
		if (pidctl_my_ns() != &init_pid_ns) {
			*lenp = 0;
			return 0;
		}
		mutex_lock(&pidctl_config_lock);
		text = pidctl_ns_list(&len);
		mutex_unlock(&pidctl_config_lock);
		if (!text)
			return -ENOMEM;
		pidctl_read_text(text, len, buffer, lenp, ppos);
		kvfree(text);
		return 0;
	}
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (*ppos || pidctl_piece_is_start(buffer, *lenp)) {
		pr_warn_ratelimited("namespaces: write each line whole, in one write() of less than %d bytes or ending in a newline\n",
				    PIDCTL_STDIO_BLOCK);
		return -EINVAL;
	}
	ret = pidctl_ns_write_line(buffer, *lenp);
	if (!ret)
		*ppos += *lenp;
	return ret;
}

static struct ctl_table pidctl_table[] = {
	{
		.procname	= "min",
		.data		= &pidctl_knob_min,
		.mode		= 0666,
		.proc_handler	= pidctl_uint_handler,
	},
	{
		.procname	= "max",
		.data		= &pidctl_knob_max,
		.mode		= 0666,
		.proc_handler	= pidctl_uint_handler,
	},
	{
		.procname	= "stride",
		.data		= &pidctl_knob_stride,
		.mode		= 0666,
		.proc_handler	= pidctl_uint_handler,
	},
	{
		.procname	= "random",
		.data		= &pidctl_knob_random,
		.mode		= 0666,
		.proc_handler	= pidctl_uint_handler,
	},
	{
		.procname	= "reserved",
		.mode		= 0666,
		.proc_handler	= pidctl_reserved_handler,
	},
	{
		.procname	= "exhausted",
		.mode		= 0444,
		.proc_handler	= pidctl_counter_handler,
		.extra1		= (void *)PIDCTL_EXHAUSTED,
	},
	{
		.procname	= "steered",
		.mode		= 0444,
		.proc_handler	= pidctl_counter_handler,
		.extra1		= (void *)PIDCTL_STEERED,
	},
	{
		.procname	= "free",
		.mode		= 0444,
		.proc_handler	= pidctl_counter_handler,
		.extra1		= (void *)PIDCTL_FREE,
	},
	{
		.procname	= "namespaces",
		.mode		= 0644,
		.proc_handler	= pidctl_namespaces_handler,
	},
	PIDCTL_SYSCTL_SENTINEL
};

static struct ctl_table_header *pidctl_sysctl_header;

int pidctl_sysctl_init(void)
{
	pidctl_sysctl_header = pidctl_register_sysctl("kernel/pidctl",
						      pidctl_table,
						      ARRAY_SIZE(pidctl_table));
	return pidctl_sysctl_header ? 0 : -ENOMEM;
}

void pidctl_sysctl_exit(void)
{
	int i;

	unregister_sysctl_table(pidctl_sysctl_header);
	for (i = 0; i < PIDCTL_PIECE_SLOTS; i++)
		pidctl_piece_drop(&pidctl_pieces[i]);
}
