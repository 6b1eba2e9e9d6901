// SPDX-License-Identifier: GPL-2.0
/*
 * pidctl policy core: knob parsing and the "next allowed PID" decision.
 *
 * Plain C on purpose (see pidctl_core.h): no allocation, no recursion, no
 * floating point and no mutable static state, so the same code runs in the
 * module and in the userspace tests.
 *
 * Text grammar, shared by pidctl_parse_uint() and pidctl_parse_ranges():
 *
 *	list   := blank* [ item ( blank* ',' blank* item )* ] blank*
 *	item   := number [ blank* '-' blank* number ]
 *	number := '0' | [1-9][0-9]*		(decimal, no sign, no prefix)
 *	blank  := ' ' | '\t' | '\n'
 *
 * So " 1 - 5 , 7\n" is accepted, and so is a blank-only or empty text (no
 * ranges).  Leading zeros ("010") are refused rather than read as decimal,
 * since sysctl users may expect octal.  Any other byte, a NUL included,
 * makes the whole text malformed.  In a range list both bounds must be in
 * 1..PIDCTL_PID_MAX_LIMIT and a <= b.
 */
#include "pidctl_core.h"

static int pidctl_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static int pidctl_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Index of the first non-blank byte at or after @i, or @len. */
static unsigned long pidctl_skip_blanks(const char *buf, unsigned long len,
					unsigned long i)
{
	while (i < len && pidctl_is_blank(buf[i]))
		i++;
	return i;
}

/*
 * Read the number that starts at buf[*pos] (no blanks skipped) and leave
 * *pos just past its digits.  Returns 0 or -PIDCTL_EINVAL: no digit, a
 * leading zero, or a value above @limit.
 */
static int pidctl_read_number(const char *buf, unsigned long len,
			      unsigned long *pos, unsigned int limit,
			      unsigned int *out)
{
	unsigned long i = *pos;
	unsigned int val = 0, d;

	if (i >= len || !pidctl_is_digit(buf[i]))
		return -PIDCTL_EINVAL;
	if (buf[i] == '0' && i + 1 < len && pidctl_is_digit(buf[i + 1]))
		return -PIDCTL_EINVAL;
	for (; i < len && pidctl_is_digit(buf[i]); i++) {
		d = (unsigned int)(buf[i] - '0');
		/* val * 10 + d <= limit, without overflowing. */
		if (d > limit || val > (limit - d) / 10)
			return -PIDCTL_EINVAL;
		val = val * 10 + d;
	}
	*pos = i;
	*out = val;
	return 0;
}

int pidctl_parse_uint(const char *buf, unsigned long len, unsigned int limit,
		      unsigned int *out)
{
	unsigned long i = pidctl_skip_blanks(buf, len, 0);
	unsigned int val;
	int ret;

	ret = pidctl_read_number(buf, len, &i, limit, &val);
	if (ret)
		return ret;
	if (pidctl_skip_blanks(buf, len, i) != len)
		return -PIDCTL_EINVAL;
	*out = val;
	return 0;
}

unsigned int pidctl_count_ranges(const char *buf, unsigned long len)
{
	unsigned int n = 1;
	unsigned long i;

	for (i = 0; i < len; i++)
		if (buf[i] == ',' && n < ~0u)
			n++;
	return n;
}

/* Order ranges by lo, then hi. */
static int pidctl_range_less(const struct pidctl_range *a,
			     const struct pidctl_range *b)
{
	return a->lo < b->lo || (a->lo == b->lo && a->hi < b->hi);
}

/* Restore the max-heap property below @root in r[0..n-1]. */
static void pidctl_sift_down(struct pidctl_range *r, unsigned int root,
			     unsigned int n)
{
	struct pidctl_range tmp;
	unsigned int child;

	/* root < n / 2, so 2 * root + 1 < n cannot wrap. */
	while (root < n / 2) {
		child = 2 * root + 1;
		if (child + 1 < n && pidctl_range_less(&r[child], &r[child + 1]))
			child++;
		if (!pidctl_range_less(&r[root], &r[child]))
			return;
		tmp = r[root];
		r[root] = r[child];
		r[child] = tmp;
		root = child;
	}
}

/* In-place heapsort: O(n log n), no recursion, no extra memory. */
static void pidctl_sort_ranges(struct pidctl_range *r, unsigned int n)
{
	struct pidctl_range tmp;
	unsigned int i;

	for (i = n / 2; i > 0; i--)
		pidctl_sift_down(r, i - 1, n);
	for (i = n; i > 1; i--) {
		tmp = r[0];
		r[0] = r[i - 1];
		r[i - 1] = tmp;
		pidctl_sift_down(r, 0, i - 1);
	}
}

/* Sort, then merge overlapping and adjacent ranges; returns the new count. */
static unsigned int pidctl_canonicalise(struct pidctl_range *r, unsigned int n)
{
	unsigned int i, out = 0;

	if (!n)
		return 0;
	pidctl_sort_ranges(r, n);
	for (i = 1; i < n; i++) {
		/* Bounds are <= PIDCTL_PID_MAX_LIMIT, so hi + 1 cannot wrap. */
		if (r[i].lo <= r[out].hi + 1) {
			if (r[i].hi > r[out].hi)
				r[out].hi = r[i].hi;
		} else {
			r[++out] = r[i];
		}
	}
	return out + 1;
}

/*
 * Read one "a" or "a-b" item starting at buf[*pos] (blanks before it
 * already skipped); leave *pos after it and any blanks that follow.
 */
static int pidctl_read_range(const char *buf, unsigned long len,
			     unsigned long *pos, struct pidctl_range *r)
{
	unsigned long i = *pos;
	int ret;

	ret = pidctl_read_number(buf, len, &i, PIDCTL_PID_MAX_LIMIT, &r->lo);
	if (ret)
		return ret;
	r->hi = r->lo;
	i = pidctl_skip_blanks(buf, len, i);
	if (i < len && buf[i] == '-') {
		i = pidctl_skip_blanks(buf, len, i + 1);
		ret = pidctl_read_number(buf, len, &i, PIDCTL_PID_MAX_LIMIT,
					 &r->hi);
		if (ret)
			return ret;
		i = pidctl_skip_blanks(buf, len, i);
	}
	if (!r->lo || r->lo > r->hi)
		return -PIDCTL_EINVAL;
	*pos = i;
	return 0;
}

/*
 * A malformed text is -PIDCTL_EINVAL even when it also has too many items:
 * -PIDCTL_E2BIG means "well formed, but more than @cap items".
 */
int pidctl_parse_ranges(const char *buf, unsigned long len,
			struct pidctl_range *out, unsigned int cap,
			unsigned int *nr)
{
	unsigned long i = pidctl_skip_blanks(buf, len, 0);
	unsigned int items = 0;
	struct pidctl_range r;
	int ret;

	*nr = 0;
	while (i < len) {
		if (items) {
			if (buf[i] != ',')
				return -PIDCTL_EINVAL;
			i = pidctl_skip_blanks(buf, len, i + 1);
		}
		ret = pidctl_read_range(buf, len, &i, &r);
		if (ret)
			return ret;
		if (items < cap)
			out[items] = r;
		if (items <= cap)
			items++;
	}
	if (items > cap)
		return -PIDCTL_E2BIG;
	*nr = pidctl_canonicalise(out, items);
	return 0;
}

/* Append @c at offset @at of @buf if it fits before the NUL. */
static void pidctl_put(char *buf, unsigned long size, unsigned long at, char c)
{
	if (at + 1 < size)
		buf[at] = c;
}

/* Append the decimal text of @v at offset @at; returns its length. */
static unsigned long pidctl_put_uint(char *buf, unsigned long size,
				     unsigned long at, unsigned int v)
{
	unsigned long n = 0, k;
	unsigned int t = v;

	do {
		n++;
		t /= 10;
	} while (t);
	for (k = n; k > 0; k--) {
		pidctl_put(buf, size, at + k - 1, (char)('0' + v % 10));
		v /= 10;
	}
	return n;
}

unsigned long pidctl_format_ranges(const struct pidctl_range *r,
				   unsigned int nr, char *buf,
				   unsigned long size)
{
	unsigned long at = 0;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (i)
			pidctl_put(buf, size, at++, ',');
		at += pidctl_put_uint(buf, size, at, r[i].lo);
		if (r[i].hi != r[i].lo) {
			pidctl_put(buf, size, at++, '-');
			at += pidctl_put_uint(buf, size, at, r[i].hi);
		}
	}
	if (size)
		buf[at < size ? at : size - 1] = '\0';
	return at;
}

int pidctl_policy_active(const struct pidctl_policy *p)
{
	return p->min || p->max || p->stride != 1 || p->random ||
	       p->nr_ranges;
}

/* The window of pidctl_core.h for @p and @pid_max. */
struct pidctl_window {
	unsigned int floor;
	unsigned int wrap_lo;
	unsigned int hi;	/* 0: empty window */
};

static struct pidctl_window pidctl_window(const struct pidctl_policy *p,
					  unsigned int pid_max)
{
	struct pidctl_window w;

	w.hi = p->max ? p->max : PIDCTL_PID_MAX_LIMIT;
	if (pid_max <= w.hi)
		w.hi = pid_max ? pid_max - 1 : 0;
	w.floor = p->min ? p->min : 1;
	if (p->min)
		w.wrap_lo = p->min;
	else if (w.hi < PIDCTL_RESERVED_PIDS)
		w.wrap_lo = 1;
	else
		w.wrap_lo = PIDCTL_RESERVED_PIDS;
	return w;
}

/*
 * Index of the first range whose hi is >= @pid, or nr_ranges.  The loop
 * has no data-dependent branch (the compiler emits a conditional move), so
 * random cursors cost no mispredictions: log2(R) + 1 loads.
 */
static unsigned int pidctl_range_at(const struct pidctl_policy *p,
				    unsigned int pid)
{
	const struct pidctl_range *base = p->ranges;
	unsigned int n = p->nr_ranges, half;

	if (!n)
		return 0;
	while (n > 1) {
		half = n / 2;
		base = base[half].hi < pid ? base + half : base;
		n -= half;
	}
	return (unsigned int)(base - p->ranges) + (base->hi < pid);
}

/*
 * The first PID in [from, to] that no range holds and @first_free reports
 * free, or 0.  One oracle call per unreserved gap of [from, to] visited.
 */
static unsigned int pidctl_scan(const struct pidctl_policy *p,
				unsigned int from, unsigned int to,
				pidctl_first_free_fn first_free, void *ctx)
{
	unsigned int i = pidctl_range_at(p, from);
	unsigned int end, pid;

	while (from <= to) {
		if (i < p->nr_ranges && p->ranges[i].lo <= from) {
			/* @from is reserved: skip past its range. */
			if (p->ranges[i].hi >= to)
				return 0;
			from = p->ranges[i].hi + 1;
			i++;
			continue;
		}
		end = to;
		if (i < p->nr_ranges && p->ranges[i].lo <= to)
			end = p->ranges[i].lo - 1;
		pid = first_free(ctx, from, end);
		if (pid >= from && pid <= end)
			return pid;
		if (end == to)
			return 0;
		from = end + 1;
	}
	return 0;
}

/* An oracle for which every PID is free: finds unreserved PIDs. */
static unsigned int pidctl_all_free(void *ctx, unsigned int from,
				    unsigned int to)
{
	(void)ctx;
	(void)to;
	return from;
}

int pidctl_policy_validate(const struct pidctl_policy *p, unsigned int pid_max)
{
	struct pidctl_window w = pidctl_window(p, pid_max);
	unsigned int i;

	if (p->min > PIDCTL_PID_MAX_LIMIT || p->max > PIDCTL_PID_MAX_LIMIT ||
	    !p->stride || p->stride > PIDCTL_PID_MAX_LIMIT ||
	    p->random > PIDCTL_RANDOM_MAX || p->nr_ranges > PIDCTL_MAX_RANGES)
		return -PIDCTL_EINVAL;
	if (p->min && p->max && p->min > p->max)
		return -PIDCTL_EINVAL;
	/* The binary search relies on canonical ranges. */
	for (i = 0; i < p->nr_ranges; i++) {
		if (!p->ranges[i].lo || p->ranges[i].lo > p->ranges[i].hi ||
		    p->ranges[i].hi > PIDCTL_PID_MAX_LIMIT)
			return -PIDCTL_EINVAL;
		if (i && p->ranges[i].lo <= p->ranges[i - 1].hi + 1)
			return -PIDCTL_EINVAL;
	}
	/* Turning everything off is never refused. */
	if (!pidctl_policy_active(p))
		return 0;
	if (w.wrap_lo > w.hi ||
	    !pidctl_scan(p, w.wrap_lo, w.hi, pidctl_all_free, (void *)0))
		return -PIDCTL_EINVAL;
	return 0;
}

int pidctl_pid_allowed(const struct pidctl_policy *p, unsigned int pid,
		       unsigned int pid_max)
{
	struct pidctl_window w = pidctl_window(p, pid_max);
	unsigned int i;

	if (pid < w.floor || pid > w.hi)
		return 0;
	i = pidctl_range_at(p, pid);
	return i == p->nr_ranges || p->ranges[i].lo > pid;
}

int pidctl_next_pid(const struct pidctl_policy *p, unsigned int cursor,
		    unsigned int pid_max, pidctl_first_free_fn first_free,
		    void *ctx)
{
	struct pidctl_window w = pidctl_window(p, pid_max);
	unsigned int s = cursor > w.floor ? cursor : w.floor;
	unsigned int pid;

	if (s > w.hi)
		s = w.wrap_lo;
	if (s > w.hi)
		return -PIDCTL_EAGAIN;
	pid = pidctl_scan(p, s, w.hi, first_free, ctx);
	if (!pid && w.wrap_lo < s)
		pid = pidctl_scan(p, w.wrap_lo, s - 1, first_free, ctx);
	return pid ? (int)pid : -PIDCTL_EAGAIN;
}

unsigned int pidctl_next_cursor(const struct pidctl_policy *p,
				unsigned int pid, unsigned int pid_max)
{
	struct pidctl_window w = pidctl_window(p, pid_max);
	unsigned int stride = p->stride ? p->stride : 1;

	if (pid >= w.hi || stride > w.hi - pid)
		return w.wrap_lo;
	return pid + stride;
}

/* Whether @first_free reports a free PID in [from, to]. */
static int pidctl_any_free(unsigned int from, unsigned int to,
			   pidctl_first_free_fn first_free, void *ctx)
{
	unsigned int pid;

	if (from > to)
		return 0;
	pid = first_free(ctx, from, to);
	return pid >= from && pid <= to;
}

int pidctl_stock_picks(unsigned int cursor, unsigned int start,
		       unsigned int end, unsigned int next,
		       pidctl_first_free_fn first_free, void *ctx)
{
	unsigned int c = cursor > start ? cursor : start;

	if (!end || next >= end || next < start)
		return 0;
	if (next >= c)
		return !pidctl_any_free(c, next - 1, first_free, ctx);
	/* below the first try's start: only the retry from @start reaches it */
	if (pidctl_any_free(c, end - 1, first_free, ctx))
		return 0;
	return !pidctl_any_free(start, next - 1, first_free, ctx);
}

unsigned int pidctl_random_offset(unsigned int n, unsigned int rnd)
{
	if (!n)
		n = 1;
	return (unsigned int)(((unsigned long long)rnd * n) >> 32) + 1;
}

unsigned int pidctl_random_start(const struct pidctl_policy *p,
				 unsigned int base, unsigned int pid_max,
				 unsigned int offset)
{
	struct pidctl_window w = pidctl_window(p, pid_max);
	unsigned int s = base > w.floor ? base : w.floor;
	unsigned long long t;

	if (s > w.hi)
		s = w.wrap_lo;
	if (offset <= 1 || w.wrap_lo > w.hi || s > w.hi)
		return s;
	/* s <= hi <= PIDCTL_PID_MAX_LIMIT: no overflow in 64 bits */
	t = (unsigned long long)s + offset - 1;
	if (t <= w.hi)
		return (unsigned int)t;
	return w.wrap_lo + (unsigned int)((t - w.hi - 1) %
					  (w.hi - w.wrap_lo + 1));
}

int pidctl_window_limits(const struct pidctl_policy *p, unsigned int pid_max,
			 unsigned int *lo, unsigned int *hi)
{
	struct pidctl_window w = pidctl_window(p, pid_max);
	unsigned int ceiling = p->max ? p->max : PIDCTL_PID_MAX_LIMIT;

	*lo = w.floor;
	*hi = w.hi;
	return !pid_max || pid_max - 1 < ceiling;
}

/* Free PIDs in [from, to], counting the busy ones. */
static unsigned int pidctl_count_free_in(unsigned int from, unsigned int to,
					 pidctl_first_busy_fn first_busy,
					 void *ctx)
{
	unsigned int n = to - from + 1, pid;

	while (from <= to) {
		pid = first_busy(ctx, from, to);
		if (pid < from || pid > to)
			break;
		n--;
		if (pid == to)
			break;
		from = pid + 1;
	}
	return n;
}

unsigned int pidctl_count_free(const struct pidctl_policy *p,
			       unsigned int pid_max,
			       pidctl_first_busy_fn first_busy, void *ctx)
{
	struct pidctl_window w = pidctl_window(p, pid_max);
	unsigned int from = w.floor, n = 0, i, end;

	if (!w.hi || from > w.hi)
		return 0;
	i = pidctl_range_at(p, from);
	while (from <= w.hi) {
		if (i < p->nr_ranges && p->ranges[i].lo <= from) {
			/* @from is reserved: skip past its range */
			if (p->ranges[i].hi >= w.hi)
				break;
			from = p->ranges[i].hi + 1;
			i++;
			continue;
		}
		end = w.hi;
		if (i < p->nr_ranges && p->ranges[i].lo <= w.hi)
			end = p->ranges[i].lo - 1;
		n += pidctl_count_free_in(from, end, first_busy, ctx);
		if (end == w.hi)
			break;
		from = end + 1;
	}
	return n;
}

/*
 * The keys of a namespaces line, in the order of their PIDCTL_NS_SET_*
 * bits.  Compared by hand: the core has no string functions.
 */
#define PIDCTL_NS_NR_KEYS	5
static const char *const pidctl_ns_keys[PIDCTL_NS_NR_KEYS] = {
	"min", "max", "stride", "random", "reserved",
};

/* Which key @buf[0..len) names, as its bit; 0 for none. */
static unsigned int pidctl_ns_key(const char *buf, unsigned long len)
{
	unsigned int k;
	unsigned long i;
	const char *key;

	for (k = 0; k < PIDCTL_NS_NR_KEYS; k++) {
		key = pidctl_ns_keys[k];
		for (i = 0; i < len && key[i] && key[i] == buf[i]; i++)
			;
		if (i == len && !key[i])
			return 1u << k;
	}
	return 0;
}

/* Store the value @v of the numeric key @bit in @out. */
static void pidctl_ns_store(struct pidctl_ns_line *out, unsigned int bit,
			    unsigned int v)
{
	if (bit == PIDCTL_NS_SET_MIN)
		out->min = v;
	else if (bit == PIDCTL_NS_SET_MAX)
		out->max = v;
	else if (bit == PIDCTL_NS_SET_STRIDE)
		out->stride = v;
	else
		out->random = v;
}

/* A blank inside a namespaces line: a newline may only end it. */
static int pidctl_is_ns_blank(char c)
{
	return c == ' ' || c == '\t';
}

static unsigned long pidctl_skip_ns_blanks(const char *buf, unsigned long len,
					   unsigned long i)
{
	while (i < len && pidctl_is_ns_blank(buf[i]))
		i++;
	return i;
}

int pidctl_parse_ns_line(const char *buf, unsigned long len,
			 struct pidctl_ns_line *out)
{
	struct pidctl_ns_line l = { 0, 0, 0, 0, 1, 0, 0, 0 };
	unsigned long i, end, eq;
	unsigned int bit, v;

	if (len && buf[len - 1] == '\n')
		len--;
	for (i = 0; i < len; i++)
		if (buf[i] == '\n')
			return -PIDCTL_EINVAL;	/* one line only */
	i = pidctl_skip_ns_blanks(buf, len, 0);
	if (pidctl_read_number(buf, len, &i, PIDCTL_PID_MAX_LIMIT - 1, &l.pid) ||
	    !l.pid)
		return -PIDCTL_EINVAL;
	for (;;) {
		/* every token ends at a blank or at the end of the line */
		if (i < len && !pidctl_is_ns_blank(buf[i]))
			return -PIDCTL_EINVAL;
		i = pidctl_skip_ns_blanks(buf, len, i);
		if (i == len)
			break;
		for (end = i; end < len && !pidctl_is_ns_blank(buf[end]); end++)
			;
		for (eq = i; eq < end && buf[eq] != '='; eq++)
			;
		bit = eq < end ? pidctl_ns_key(buf + i, eq - i) : 0;
		if (!bit || (l.set & bit))
			return -PIDCTL_EINVAL;
		l.set |= bit;
		i = eq + 1;
		if (bit == PIDCTL_NS_SET_RESERVED) {
			l.reserved_off = i;
			l.reserved_len = end - i;
			i = end;
			continue;
		}
		if (pidctl_read_number(buf, end, &i, PIDCTL_PID_MAX_LIMIT, &v))
			return -PIDCTL_EINVAL;
		pidctl_ns_store(&l, bit, v);
	}
	if (!l.set)
		return -PIDCTL_EINVAL;
	*out = l;
	return 0;
}
