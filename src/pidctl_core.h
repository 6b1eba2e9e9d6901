/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pidctl policy core: knob parsing and the "next allowed PID" decision.
 *
 * This header and pidctl_core.c use no kernel or libc headers, so that the
 * very same object code logic runs in the module and in the userspace unit,
 * property and fuzz tests.  Only builtin C types are used; errors are
 * returned as negative Linux errno values spelled out below.
 */
#ifndef PIDCTL_CORE_H
#define PIDCTL_CORE_H

/* PID_MAX_LIMIT on 64-bit kernels: no PID is ever >= this value. */
#define PIDCTL_PID_MAX_LIMIT	4194304u
/* The kernel's RESERVED_PIDS: after a wrap, stock Linux restarts here. */
#define PIDCTL_RESERVED_PIDS	300u
/*
 * A policy holds at most this many ranges.  The allocator hook's worst
 * case (a window full except inside reserved ranges) visits every one of
 * them under pidmap_lock, so the cap bounds that work: see
 * docs/performance.md, "Work under pidmap_lock".
 */
#define PIDCTL_MAX_RANGES	1024u
/*
 * kernel.pidctl.random is 0 (off) or 1..PIDCTL_RANDOM_MAX: each search
 * starts a random 1..random PIDs past where it would start otherwise.
 * 2^16 keeps the bias of the 32-bit multiply-shift mapping below 2^-16
 * of a probability (pidctl_random_offset()), and jumps far larger than
 * that only shorten the time before a freed PID is handed out again.
 */
#define PIDCTL_RANDOM_MAX	65536u

#define PIDCTL_EAGAIN		11
#define PIDCTL_EINVAL		22
#define PIDCTL_E2BIG		7

/* An inclusive range of PIDs, lo <= hi. */
struct pidctl_range {
	unsigned int lo;
	unsigned int hi;
};

/*
 * One immutable policy snapshot.  ranges[] is canonical: sorted, with
 * overlapping and adjacent ranges merged, so a lookup is a binary search.
 */
struct pidctl_policy {
	unsigned int min;	/* 0: no floor */
	unsigned int max;	/* 0: no ceiling */
	unsigned int stride;	/* >= 1 */
	unsigned int random;	/* 0: off, else 1..PIDCTL_RANDOM_MAX */
	unsigned int nr_ranges;
	struct pidctl_range ranges[];
};

/*
 * Parse an unsigned decimal number: optional surrounding blanks (space,
 * tab, newline), digits only, no sign, no base prefix, no leading zero
 * ("010" could be meant as octal; "0" itself is fine), no overflow past
 * @limit.  Any other byte, NUL included, is an error.  Returns 0 or
 * -PIDCTL_EINVAL; *@out is written only on success.
 */
int pidctl_parse_uint(const char *buf, unsigned long len, unsigned int limit,
		      unsigned int *out);

/*
 * Upper bound of the number of ranges in a list, for sizing the output
 * array before pidctl_parse_ranges(): commas + 1 (so 1 for an empty text).
 * With this as @cap, pidctl_parse_ranges() never returns -PIDCTL_E2BIG.
 */
unsigned int pidctl_count_ranges(const char *buf, unsigned long len);

/*
 * Parse "a-b,c,d-e" (blanks as above allowed around items, commas and '-',
 * so a trailing newline is fine; an empty or blank string means no ranges)
 * into @out, then sort and merge it into canonical form.  Numbers follow
 * pidctl_parse_uint(); each bound must be within 1..PIDCTL_PID_MAX_LIMIT
 * and a <= b; empty items (",,", a leading or trailing comma) are errors.
 * Returns 0, -PIDCTL_EINVAL for a malformed list, or -PIDCTL_E2BIG when a
 * well-formed list has more than @cap items (counted before merging).
 * *@nr is 0 on error.
 */
int pidctl_parse_ranges(const char *buf, unsigned long len,
			struct pidctl_range *out, unsigned int cap,
			unsigned int *nr);

/*
 * Write the canonical text of @r ("a-b,c", no newline) into @buf, which is
 * always NUL-terminated when @size > 0.  Returns the length the full text
 * needs, not counting the NUL, like snprintf().
 */
unsigned long pidctl_format_ranges(const struct pidctl_range *r,
				   unsigned int nr, char *buf,
				   unsigned long size);

/* Non-zero when @p restricts anything; an inactive policy is stock Linux. */
int pidctl_policy_active(const struct pidctl_policy *p);

/*
 * Check a complete policy: knob bounds, min <= max when both are set, and at
 * least one allocatable PID below @pid_max.  Returns 0 or -PIDCTL_EINVAL.
 */
int pidctl_policy_validate(const struct pidctl_policy *p, unsigned int pid_max);

/* Non-zero when the cyclic allocator may hand out @pid under @p. */
int pidctl_pid_allowed(const struct pidctl_policy *p, unsigned int pid,
		       unsigned int pid_max);

/*
 * Occupancy oracle: the smallest free PID in [from, to], or 0 if there is
 * none.  The kernel answers from the PID IDR, the tests from a bitmap.
 */
typedef unsigned int (*pidctl_first_free_fn)(void *ctx, unsigned int from,
					     unsigned int to);

/*
 * The window, for pid_max as the kernel has it:
 *   hi      = min(max ? max : PIDCTL_PID_MAX_LIMIT, pid_max - 1)
 *   floor   = max(min, 1): no PID below it is ever allowed
 *   wrap_lo = min if min is set; else RESERVED_PIDS (as stock Linux wraps
 *             there), or 1 if hi < RESERVED_PIDS
 * A PID is allowed when floor <= pid <= hi and no reserved range holds it.
 * A search from cursor c starts at s = max(c, floor), or at wrap_lo when
 * s > hi; it scans [s, hi], then wraps once and scans [wrap_lo, s - 1].
 * A policy is valid only if [wrap_lo, hi] holds an unreserved PID.
 */

/*
 * The PID the cyclic allocator must hand out next: the first allowed free
 * PID at or after @cursor, wrapping once to the window's floor (min, or
 * RESERVED_PIDS when min is off, as stock Linux does).  PIDs are < @pid_max.
 * Returns the PID, or -PIDCTL_EAGAIN when no allowed PID is free.
 * Costs O(log R) plus one oracle call per allowed gap visited.
 */
int pidctl_next_pid(const struct pidctl_policy *p, unsigned int cursor,
		    unsigned int pid_max, pidctl_first_free_fn first_free,
		    void *ctx);

/*
 * Where the search starts after @pid was handed out: pid + stride, or
 * wrap_lo once that passes hi (an invalid stride of 0 moves like 1).
 */
unsigned int pidctl_next_cursor(const struct pidctl_policy *p,
				unsigned int pid, unsigned int pid_max);

/*
 * Whether the stock allocator, idr_alloc_cyclic(idr, ptr, @start, @end)
 * with the IDR's cursor at @cursor, would hand out @next, a free ID (the
 * policy's pick), as well: it takes
 * the first free ID in [max(cursor, start), end - 1], and only if there is
 * none and it began above @start, the first in [start, end - 1].  Asks
 * @first_free at most twice.  For kernel.pidctl.steered, which counts the
 * allocations for which this is false.
 */
int pidctl_stock_picks(unsigned int cursor, unsigned int start,
		       unsigned int end, unsigned int next,
		       pidctl_first_free_fn first_free, void *ctx);

/*
 * Map @rnd, uniformly random over 32 bits, to 1..@n (@n >= 1) by
 * multiply-shift: (rnd * n) >> 32.  Each value has probability
 * floor(2^32 / n) / 2^32 or ceil(2^32 / n) / 2^32, which for
 * n <= PIDCTL_RANDOM_MAX differ from 1 / n by less than 2^-16 of it.
 * @n of 0 is taken as 1.
 */
unsigned int pidctl_random_offset(unsigned int n, unsigned int rnd);

/*
 * Where a search starts when random is on: @base (the cursor, or
 * pidctl_next_cursor() of the PID handed out last) moved @offset - 1 PIDs
 * further, wrapping around inside [wrap_lo, hi] (so the start stays
 * uniform near the ceiling instead of piling up at wrap_lo).  @base is
 * first brought into the window as pidctl_next_pid() does.  @offset is
 * 1..random, from pidctl_random_offset(); an @offset of 0 or 1, or an
 * empty window, returns @base as pidctl_next_pid() would take it.
 * So with stride s and random N the search after PID n starts at
 * n + s - 1 + r, r uniform in 1..N; with stride 1 at n + r.
 */
unsigned int pidctl_random_start(const struct pidctl_policy *p,
				 unsigned int base, unsigned int pid_max,
				 unsigned int offset);

/*
 * The window's bounds, for logs and the trace event: *@lo = floor,
 * *@hi = hi (see above; 0 when pid_max is 0).  Returns non-zero when the
 * ceiling is pid_max's (pid_max - 1 < max, or max is off), zero when it
 * is pidctl's max.
 */
int pidctl_window_limits(const struct pidctl_policy *p, unsigned int pid_max,
			 unsigned int *lo, unsigned int *hi);

/*
 * Occupancy the other way round: the smallest busy PID in [from, to], or
 * 0 if there is none.  The kernel walks the PID IDR, the tests a bitmap.
 */
typedef unsigned int (*pidctl_first_busy_fn)(void *ctx, unsigned int from,
					     unsigned int to);

/*
 * How many PIDs @p allows (floor..hi, not reserved) that @first_busy does
 * not report busy.  One oracle call per busy allowed PID plus one per
 * unreserved gap of the window.  With an inactive policy that is every
 * free PID in 1..pid_max - 1.
 */
unsigned int pidctl_count_free(const struct pidctl_policy *p,
			       unsigned int pid_max,
			       pidctl_first_busy_fn first_busy, void *ctx);

/*
 * A line written to /proc/sys/kernel/pidctl/namespaces:
 *
 *	line       := blank* pid ( blank+ key '=' value )+ blank* [ '\n' ]
 *	key        := "min" | "max" | "stride" | "random" | "reserved"
 *	blank      := ' ' | '\t'
 *
 * One line: a newline only at its very end.  pid is a number (as above)
 * in 1..PIDCTL_PID_MAX_LIMIT - 1; the values
 * of min, max, stride and random are numbers up to PIDCTL_PID_MAX_LIMIT
 * (the policy's own bounds are checked later, with the whole policy);
 * reserved's value is every byte up to the next blank or the end of the
 * line, possibly none,
 * and is parsed by pidctl_parse_ranges().  Each key at most once, at
 * least one.  Keys not named keep their value: @set says which were.
 */
#define PIDCTL_NS_SET_MIN	0x01u
#define PIDCTL_NS_SET_MAX	0x02u
#define PIDCTL_NS_SET_STRIDE	0x04u
#define PIDCTL_NS_SET_RANDOM	0x08u
#define PIDCTL_NS_SET_RESERVED	0x10u

struct pidctl_ns_line {
	unsigned int pid;
	unsigned int set;		/* PIDCTL_NS_SET_* */
	unsigned int min, max, stride, random;
	unsigned long reserved_off;	/* reserved's value: buf[off..off+len) */
	unsigned long reserved_len;
};

/* Returns 0 and fills *@out, or -PIDCTL_EINVAL leaving it untouched. */
int pidctl_parse_ns_line(const char *buf, unsigned long len,
			 struct pidctl_ns_line *out);

#endif /* PIDCTL_CORE_H */
