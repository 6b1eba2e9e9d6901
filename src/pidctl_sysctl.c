// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/sys/kernel/pidctl/{min,max,stride,reserved}.
 *
 * Every write builds a complete new policy from the one in force, validates
 * it and publishes it whole, so a fork sees either the old or the new
 * policy, never a mix; a rejected write leaves the old one in place.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/mm.h>
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
 * A list longer than a stdio buffer can reach us in pieces: bash's echo
 * writes 1 KiB blocks to /proc.  Applying it piecewise would publish half
 * a policy, so a piece at a later offset is refused (EINVAL).  Then the
 * first piece, a valid list on its own, must not stay in force: the policy
 * it replaced is kept here until the next write, and the continuation of
 * that same write puts it back.  A first piece ending in a newline ends
 * its value, so nothing is kept for it.  Under pidctl_config_lock.
 */
static struct {
	struct pidctl_policy *before;	/* in force before the first piece */
	pid_t tgid;			/* the writer */
	loff_t end;			/* where its continuation would start */
} pidctl_split;

static void pidctl_split_forget(void)
{
	pidctl_policy_free(pidctl_split.before);
	pidctl_split.before = NULL;
}

/* A later piece of a reserved write: refused; undo its first piece. */
static int pidctl_reserved_continuation(loff_t pos)
{
	int ret;

	mutex_lock(&pidctl_config_lock);
	if (pidctl_split.before && pidctl_split.end == pos &&
	    pidctl_split.tgid == task_tgid_nr(current)) {
		ret = pidctl_policy_publish(pidctl_split.before);
		pidctl_split.before = NULL;
		if (ret)
			pr_warn_ratelimited("reserved: a list split over several write() calls is refused, and the one before it could not be restored (%d)\n",
					    ret);
		else
			pr_warn_ratelimited("reserved: a list split over several write() calls is refused; the list before it is back. Write it in one write(), as sysctl -w does\n");
	} else {
		pr_warn_ratelimited("reserved: a write at offset %lld is refused; write the whole list in one write()\n",
				    (long long)pos);
	}
	mutex_unlock(&pidctl_config_lock);
	return -EINVAL;
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

/*
 * Writes must be global root: the file mode alone would let root in a user
 * namespace that maps to global uid 0 through, so ask for the capability in
 * the initial user namespace too.
 */
static int pidctl_write_allowed(void)
{
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}

static int pidctl_uint_handler(PIDCTL_CTL_TABLE_CONST struct ctl_table *table,
			       int write, void *buffer, size_t *lenp,
			       loff_t *ppos)
{
	const struct pidctl_uint_knob *knob = table->data;
	struct pidctl_policy *next;
	unsigned int val;
	char text[16];
	int ret;

	if (!write) {
		mutex_lock(&pidctl_config_lock);
		val = pidctl_knob_value(pidctl_policy_get(), knob);
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
	next = pidctl_policy_clone(pidctl_policy_get(),
				   pidctl_policy_get()->nr_ranges);
	if (next) {
		*pidctl_knob_field(next, knob) = val;
		ret = pidctl_policy_publish(next);
		if (!ret)
			pidctl_split_forget();
	} else {
		ret = -ENOMEM;
	}
	mutex_unlock(&pidctl_config_lock);
	if (!ret)
		*ppos += *lenp;
	return ret;
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

static int pidctl_reserved_read(void *buffer, size_t *lenp, loff_t *ppos)
{
	const struct pidctl_policy *p;
	unsigned long len;
	char *text;

	mutex_lock(&pidctl_config_lock);
	p = pidctl_policy_get();
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

static int pidctl_reserved_handler(PIDCTL_CTL_TABLE_CONST struct ctl_table *table,
				   int write, void *buffer, size_t *lenp,
				   loff_t *ppos)
{
	const struct pidctl_policy *before;
	struct pidctl_policy *next, *keep;
	int ret;

	if (!write)
		return pidctl_reserved_read(buffer, lenp, ppos);

	ret = pidctl_write_allowed();
	if (ret)
		return ret;
	/* one write() from offset 0: see pidctl_split for a later piece */
	if (*ppos)
		return pidctl_reserved_continuation(*ppos);
	mutex_lock(&pidctl_config_lock);
	before = pidctl_policy_get();
	next = pidctl_policy_with_ranges(before, buffer, *lenp, &ret);
	if (next) {
		/* without it, a split list's first piece would stay in force */
		keep = !*lenp || ((char *)buffer)[*lenp - 1] == '\n' ? NULL :
			pidctl_policy_clone(before, before->nr_ranges);
		ret = pidctl_policy_publish(next);
		if (!ret) {
			pidctl_split_forget();
			pidctl_split.before = keep;
			pidctl_split.tgid = task_tgid_nr(current);
			pidctl_split.end = *lenp;
		} else {
			pidctl_policy_free(keep);
		}
	}
	mutex_unlock(&pidctl_config_lock);
	if (!ret)
		*ppos += *lenp;
	return ret;
}

static struct ctl_table pidctl_table[] = {
	{
		.procname	= "min",
		.data		= &pidctl_knob_min,
		.mode		= 0644,
		.proc_handler	= pidctl_uint_handler,
	},
	{
		.procname	= "max",
		.data		= &pidctl_knob_max,
		.mode		= 0644,
		.proc_handler	= pidctl_uint_handler,
	},
	{
		.procname	= "stride",
		.data		= &pidctl_knob_stride,
		.mode		= 0644,
		.proc_handler	= pidctl_uint_handler,
	},
	{
		.procname	= "reserved",
		.mode		= 0644,
		.proc_handler	= pidctl_reserved_handler,
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
	unregister_sysctl_table(pidctl_sysctl_header);
	pidctl_split_forget();
}
