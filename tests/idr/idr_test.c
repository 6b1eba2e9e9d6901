// SPDX-License-Identifier: GPL-2.0
/*
 * pidctl_idr_find_free() (src/pidctl_idr.c) against the kernel's own IDR:
 * lib/idr.c, lib/radix-tree.c and lib/xarray.c of a Debian linux-source
 * package, built in userspace by the kernel's radix-tree test harness
 * (tools/testing/radix-tree); tests/idr/run fetches and builds them.
 *
 * usage: idr_test check SEED BIG   unnumbered TAP (tap-number numbers it);
 *                                  BIG: IDs in the largest trees
 *        idr_test bench SEED       timings as "# ..." lines, and checks
 *                                  that the timed calls answered right
 *        idr_test callgrind SEED   the bench's loops, shorter, with
 *                                  callgrind dumps around each
 *
 * The test keeps a model of every IDR it builds: a bitmap of the IDs it
 * allocated, stored pointers and NULL placeholders alike.  next_free[],
 * recomputed from it after each round of changes, gives the brute-force
 * answer for any start in O(1), so that every start of a tree can be
 * tried.  The model itself is held to the kernel: each allocation the
 * test makes must land where the model says, idr_find() must see what the
 * model stored, and for a sample of starts idr_alloc() must hand out the
 * ID that pidctl_idr_find_free() named.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/idr.h>
#include <linux/xarray.h>
#include "../../src/pidctl_core.h"
#include "../../src/pidctl_idr.h"
#include "../unit/tap.h"

/* harness.mk defines PIDCTL_CALLGRIND when valgrind's header is there */
#ifdef PIDCTL_CALLGRIND
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#define CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_DUMP_STATS_AT(s)	((void)(s))
#endif

#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif

#define LIMIT		PIDCTL_PID_MAX_LIMIT	/* IDs the model holds */
#define CHUNK		((unsigned long)XA_CHUNK_SIZE)
#define LONG_BITS	(8 * sizeof(unsigned long))
#define MAX_DIAGS	5

/* A stored pointer for @id: 4-aligned, never NULL, never internal. */
#define ID_PTR(id)	((void *)(((unsigned long)(id) + 1) << 2))
/* What the kernel probes store for a moment. */
#define PROBE_PTR	((void *)0x5a5a5a50UL)

static unsigned long long rng_state;

static unsigned long rnd(unsigned long n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return n ? (unsigned long)((rng_state * 2685821657736338717ULL) >> 11) % n : 0;
}

/* The IDR under test and what the test allocated in it. */
static struct idr tidr;
static unsigned long *taken;		/* allocated, or below idr_base */
static unsigned long *held;		/* allocated as a NULL placeholder */
static unsigned int *next_free;		/* [LIMIT + 1]: first free >= i */
static unsigned long nr_taken;		/* allocated by the test */
static unsigned long model_hw;		/* all IDs >= it free since reset */
static unsigned long setup_errors;	/* the kernel disagreed while building */
static char setup_diag[256];

static bool bit(const unsigned long *map, unsigned long id)
{
	return map[id / LONG_BITS] >> (id % LONG_BITS) & 1;
}

static void bit_set(unsigned long *map, unsigned long id, bool on)
{
	if (on)
		map[id / LONG_BITS] |= 1UL << (id % LONG_BITS);
	else
		map[id / LONG_BITS] &= ~(1UL << (id % LONG_BITS));
}

static void __printf(1, 2)
setup_error(const char *fmt, ...)
{
	va_list ap;

	if (!setup_errors++) {
		va_start(ap, fmt);
		vsnprintf(setup_diag, sizeof(setup_diag), fmt, ap);
		va_end(ap);
	}
}

static void model_alloc(void)
{
	taken = calloc(LIMIT / LONG_BITS + 1, sizeof(*taken));
	held = calloc(LIMIT / LONG_BITS + 1, sizeof(*held));
	next_free = calloc(LIMIT + 1, sizeof(*next_free));
	if (!taken || !held || !next_free) {
		fprintf(stderr, "idr_test: out of memory\n");
		exit(2);
	}
}

/* An empty IDR with @base; IDs below the base count as taken. */
static void model_reset(unsigned long base)
{
	unsigned long id;

	idr_destroy(&tidr);
	idr_init_base(&tidr, (int)base);
	memset(taken, 0, (LIMIT / LONG_BITS + 1) * sizeof(*taken));
	memset(held, 0, (LIMIT / LONG_BITS + 1) * sizeof(*held));
	for (id = 0; id < base; id++)
		bit_set(taken, id, true);
	nr_taken = 0;
	model_hw = base;
	setup_errors = 0;
}

static void model_mark(unsigned long id, bool placeholder)
{
	bit_set(taken, id, true);
	bit_set(held, id, placeholder);
	nr_taken++;
	if (id >= model_hw)
		model_hw = id + 1;
}

/* Allocate exactly @id, as idr_alloc(idr, ptr, id, id + 1) does. */
static void take(unsigned long id, bool placeholder)
{
	int ret;

	if (bit(taken, id))
		return;
	ret = idr_alloc(&tidr, placeholder ? NULL : ID_PTR(id), (int)id,
			(int)id + 1, GFP_KERNEL);
	if (ret != (int)id)
		setup_error("idr_alloc(%lu, %lu) returned %d", id, id + 1, ret);
	model_mark(id, placeholder);
}

static void release(unsigned long id)
{
	void *want, *got;

	if (!bit(taken, id) || id < tidr.idr_base)
		return;
	want = bit(held, id) ? NULL : ID_PTR(id);
	got = idr_remove(&tidr, id);
	if (got != want)
		setup_error("idr_remove(%lu) returned %p, not %p", id, got, want);
	bit_set(taken, id, false);
	bit_set(held, id, false);
	nr_taken--;
}

/* The first free ID >= @from in [lo, hi], wrapping once, or -1. */
static long model_cyclic(unsigned long from, unsigned long lo, unsigned long hi)
{
	unsigned long id;

	for (id = from; id <= hi; id++)
		if (!bit(taken, id))
			return (long)id;
	for (id = lo; id < from && id <= hi; id++)
		if (!bit(taken, id))
			return (long)id;
	return -1;
}

/*
 * alloc_pid()'s way: idr_alloc_cyclic() of a NULL placeholder, then
 * idr_replace() with the pointer, unless @placeholder keeps it NULL.
 * The model says which ID the kernel must hand out.
 */
static long take_cyclic(unsigned long lo, unsigned long hi, bool placeholder)
{
	unsigned long from = idr_get_cursor(&tidr);
	long want = model_cyclic(from < lo ? lo : from, lo, hi);
	int ret = idr_alloc_cyclic(&tidr, NULL, (int)lo, (int)hi + 1,
				   GFP_KERNEL);
	void *old;

	if (want < 0) {
		if (ret != -ENOSPC)
			setup_error("idr_alloc_cyclic() returned %d, not -ENOSPC",
				    ret);
		return -1;
	}
	if (ret != want) {
		setup_error("idr_alloc_cyclic() from %lu returned %d, not %ld",
			    from, ret, want);
		return -1;
	}
	if (!placeholder) {
		old = idr_replace(&tidr, ID_PTR(ret), ret);
		if (old)
			setup_error("idr_replace(%d) returned %p", ret, old);
	}
	model_mark(ret, placeholder);
	return ret;
}

/* next_free[] from the bitmap, up to the high-water mark. */
static void model_settle(void)
{
	unsigned long id = model_hw;

	next_free[id] = id;
	while (id--)
		next_free[id] = bit(taken, id) ? next_free[id + 1] : id;
}

/* idr_find() sees every stored pointer, and NULL elsewhere. */
static unsigned long model_verify(unsigned long size)
{
	unsigned long id, bad = 0;
	void *want;

	for (id = tidr.idr_base; id < size; id++) {
		want = bit(taken, id) && !bit(held, id) ? ID_PTR(id) : NULL;
		if (idr_find(&tidr, id) != want && !bad++)
			setup_error("idr_find(%lu) is not %p", id, want);
	}
	return bad;
}

/* The brute-force answer: the first ID in [s, last] the IDR hands out. */
static bool model_first_free(unsigned long s, unsigned long last,
			     unsigned long *id)
{
	unsigned long f;

	if (s > last)
		return false;
	f = s < model_hw ? next_free[s] : s;
	if (f < tidr.idr_base)
		f = tidr.idr_base;
	if (f > last)
		return false;
	*id = f;
	return true;
}

struct tally {
	unsigned long calls;
	unsigned long kernel;
	unsigned long bad;
	char diag[MAX_DIAGS][160];
};

static struct tally tally;

static void __printf(1, 2)
tally_bad(const char *fmt, ...)
{
	va_list ap;

	if (tally.bad < MAX_DIAGS) {
		va_start(ap, fmt);
		vsnprintf(tally.diag[tally.bad], sizeof(tally.diag[0]), fmt, ap);
		va_end(ap);
	}
	tally.bad++;
}

/* One call, compared with the model. */
static void probe(unsigned long s, unsigned long last)
{
	unsigned long id = s, want = 0;
	bool free_want = model_first_free(s, last, &want);
	bool free_got = pidctl_idr_find_free(&tidr, &id, last);

	tally.calls++;
	if (free_got != free_want || (free_got ? id != want : id != s)) {
		if (free_want)
			tally_bad("find_free(%lu, %lu) = %s %lu, bitmap says %lu",
				  s, last, free_got ? "true" : "false", id, want);
		else
			tally_bad("find_free(%lu, %lu) = %s %lu, bitmap says none",
				  s, last, free_got ? "true" : "false", id);
	}
}

/* The same question to the kernel: idr_alloc() in [s, last], undone. */
static void kernel_probe(unsigned long s, unsigned long last)
{
	unsigned long want = 0;
	bool free_want;
	void *old;
	int ret;

	if (last >= INT_MAX)
		last = INT_MAX - 1;
	free_want = model_first_free(s, last, &want);
	tally.kernel++;
	ret = idr_alloc(&tidr, PROBE_PTR, (int)s, (int)last + 1, GFP_KERNEL);
	if (ret >= 0) {
		old = idr_remove(&tidr, ret);
		if (old != PROBE_PTR)
			tally_bad("idr_remove(%d) after idr_alloc returned %p",
				  ret, old);
	}
	if (free_want ? ret != (int)want : ret != -ENOSPC)
		tally_bad("idr_alloc(%lu, %lu) = %d, find_free/bitmap say %ld",
			  s, last + 1, ret, free_want ? (long)want : -ENOSPC);
}

/*
 * Several ends for one start: the range's top, the ID just before the
 * answer (so none), the answer itself, the start alone, and a random one.
 */
static void probe_start(unsigned long s, unsigned long top, bool kernel)
{
	unsigned long want = 0, last;
	bool any = model_first_free(s, top, &want);

	probe(s, top);
	if (any && want > s)
		probe(s, want - 1);
	if (any)
		probe(s, want);
	probe(s, s);
	last = s + rnd(4 * CHUNK * CHUNK);
	probe(s, last);
	if (kernel) {
		switch (rnd(3)) {
		case 0:
			kernel_probe(s, top);
			break;
		case 1:
			kernel_probe(s, any && want > s ? want - 1 : last);
			break;
		default:
			kernel_probe(s, last);
			break;
		}
	}
}

static void tally_reset(void)
{
	memset(&tally, 0, sizeof(tally));
}

/* One TAP line for what the tally saw since tally_reset(). */
static void __printf(1, 2) tally_report(const char *fmt, ...)
{
	char what[256];
	unsigned long i;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	tap_ok(!tally.bad && !setup_errors && tally.calls,
	       "%s: %lu calls compared with the bitmap, %lu with idr_alloc()",
	       what, tally.calls, tally.kernel);
	if (setup_errors)
		tap_diag("building: %lu disagreements with the kernel, first: %s",
			 setup_errors, setup_diag);
	for (i = 0; i < tally.bad && i < MAX_DIAGS; i++)
		tap_diag("%s", tally.diag[i]);
	if (tally.bad > MAX_DIAGS)
		tap_diag("... %lu disagreements in all", tally.bad);
}

/* Tree height for IDs below @n, as the kernel builds it. */
static unsigned int levels(unsigned long n)
{
	unsigned int l = 1;
	unsigned long span = CHUNK;

	while (span < n) {
		span *= CHUNK;
		l++;
	}
	return l;
}

enum pattern {
	P_RANDOM,	/* each ID taken with probability ppm / 10^6 */
	P_RUNS,		/* long taken runs, short free ones */
	P_EDGES,	/* free only at the first and last slot of some leaves */
	P_ONE_FREE,	/* all taken but one random ID */
	P_FULL,		/* all taken */
	NR_PATTERNS
};

/* Where a P_RUNS pattern is: IDs left in the current run, and its kind. */
struct runs {
	unsigned long left;
	unsigned long mean;	/* of taken runs */
	bool taken;
};

static bool pattern_taken(enum pattern p, unsigned long ppm, unsigned long id,
			  unsigned long one, struct runs *run)
{
	switch (p) {
	case P_RANDOM:
		return rnd(1000000) < ppm;
	case P_RUNS:
		if (!run->left) {
			run->taken = !run->taken;
			run->left = run->taken ? 1 + rnd(run->mean * 2) :
						 1 + rnd(2 * CHUNK);
		}
		run->left--;
		return run->taken;
	case P_EDGES:
		if (id % (CHUNK * 3) == 0 || id % (CHUNK * 5) == CHUNK - 1)
			return false;
		return id % (CHUNK * CHUNK) != CHUNK * CHUNK - 1;
	case P_ONE_FREE:
		return id != one;
	default:
		return true;
	}
}

static const char * const pattern_name[] = {
	"random", "runs", "leaf edges free", "one free", "full",
};

enum build { B_EXACT, B_CYCLIC, NR_BUILDS };

/*
 * Build [base, size) to @p: either idr_alloc() of each wanted ID in random
 * order, with some extra IDs allocated and removed again on the way; or
 * alloc_pid()'s idr_alloc_cyclic() over the whole range, then idr_remove()
 * of what is not wanted.  @ph_pct percent become NULL placeholders.
 */
static void build(enum pattern p, unsigned long ppm, enum build how,
		  unsigned long size, unsigned long ph_pct, unsigned long base)
{
	unsigned long id, n = 0, i, j, one = base + rnd(size - base);
	struct runs run = { 0, 2 * CHUNK * CHUNK, false };
	unsigned int *order = malloc(size * sizeof(*order)), tmp;

	if (!order)
		exit(2);
	if (size / 8 < run.mean)
		run.mean = size / 8 + 1;
	model_reset(base);
	for (id = base; id < size; id++)
		if (pattern_taken(p, ppm, id, one, &run))
			order[n++] = (unsigned int)id;
	if (how == B_EXACT) {
		for (i = n; i > 1; i--) {
			j = rnd(i);
			tmp = order[i - 1];
			order[i - 1] = order[j];
			order[j] = tmp;
		}
		for (i = 0; i < n; i++) {
			take(order[i], rnd(100) < ph_pct);
			if (rnd(8) == 0) {	/* churn: a stray ID, gone again */
				id = base + rnd(size - base);
				if (!bit(taken, id)) {
					take(id, rnd(2));
					release(id);
				}
			}
		}
	} else {
		while (take_cyclic(base, size - 1, rnd(100) < ph_pct) >= 0)
			;
		for (i = 0, id = base; id < size; id++) {
			if (i < n && order[i] == id)
				i++;
			else
				release(id);
		}
	}
	free(order);
	model_settle();
	model_verify(size);
}

/* Every start of [0, size + 2 * CHUNK), against the model and the kernel. */
static void check_all_starts(unsigned long size, unsigned long top)
{
	unsigned long s;

	for (s = 0; s < size + 2 * CHUNK; s++)
		probe_start(s, top, true);
}

static void check_tree(unsigned long size, unsigned long base)
{
	static const unsigned long ppms[] = {
		1000, 100000, 500000, 900000, 990000, 999000,
	};
	static const unsigned long ph[] = { 0, 30, 100 };
	unsigned long k, nr = 0, top;
	enum pattern p;

	for (p = P_RANDOM; p < NR_PATTERNS; p++) {
		for (k = 0; k < (p == P_RANDOM ? ARRAY_SIZE(ppms) : 1); k++, nr++) {
			enum build how = nr % NR_BUILDS;
			unsigned long ph_pct = ph[nr % ARRAY_SIZE(ph)];

			tally_reset();
			build(p, ppms[k], how, size, ph_pct, base);
			top = rnd(2) ? size + CHUNK : LIMIT - 1;
			check_all_starts(size, top);
			tally_report("%lu IDs (height %u), base %lu, %s %.1f%% taken, %lu%% NULL, %s; every start, top %lu",
				     size, levels(size), base, pattern_name[p],
				     100.0 * nr_taken / (size - base), ph_pct,
				     how == B_EXACT ? "idr_alloc, random order" :
						      "idr_alloc_cyclic + idr_remove",
				     top);
		}
	}
}

/* Random starts plus every start of three windows, in a big tree. */
static void check_big(unsigned long size, unsigned long nr_random,
		      unsigned long window, bool all)
{
	unsigned long s, i, mid = size / 2 - window / 2;

	if (all) {
		for (s = 0; s < size + 2 * CHUNK; s++)
			probe_start(s, LIMIT - 1, rnd(64) == 0);
		return;
	}
	for (i = 0; i < nr_random; i++)
		probe_start(rnd(size + CHUNK), LIMIT - 1, rnd(16) == 0);
	for (s = 0; s < window; s++)
		probe_start(s, LIMIT - 1, rnd(16) == 0);
	for (s = mid; s < mid + window; s++)
		probe_start(s, LIMIT - 1, rnd(16) == 0);
	for (s = size - window; s < size + 2 * CHUNK; s++)
		probe_start(s, LIMIT - 1, rnd(16) == 0);
}

/* The hook's oracle, as src/pidctl_hook.c wires it. */
static unsigned int first_free(void *ctx, unsigned int from, unsigned int to)
{
	unsigned long id = from;

	return pidctl_idr_find_free(ctx, &id, to) ? (unsigned int)id : 0;
}

static unsigned long oracle_calls;

static unsigned int first_free_counted(void *ctx, unsigned int from,
				       unsigned int to)
{
	oracle_calls++;
	return first_free(ctx, from, to);
}

/* The same from the model, for checking. */
static unsigned int first_free_model(void *ctx, unsigned int from,
				     unsigned int to)
{
	unsigned long id;

	(void)ctx;
	return model_first_free(from, to, &id) ? (unsigned int)id : 0;
}

/*
 * The policy core on the IDR, as the hook runs it: random policies (up to
 * 64 reserved ranges, min, max, stride) and cursors, the same decision
 * with the bitmap as oracle.
 */
static void check_core(unsigned long size, unsigned long decisions)
{
	struct pidctl_policy *p = malloc(sizeof(*p) +
					 64 * sizeof(p->ranges[0]));
	unsigned int pid_max, cursor, nr, i, lo, len;
	unsigned long d, bad = 0, valid = 0;
	int got, want;

	if (!p)
		exit(2);
	for (d = 0; d < decisions; d++) {
		pid_max = rnd(4) ? LIMIT : 1000 + rnd(LIMIT - 1000);
		p->min = rnd(2) ? 0 : 1 + rnd(size);
		p->max = rnd(4) ? p->min + rnd(size + 2 * CHUNK - p->min) : 0;
		p->stride = rnd(4) ? 1 : 1 + rnd(1000);
		p->random = 0;	/* the start is the caller's: tested in tests/unit */
		nr = rnd(65);
		for (i = 0; i < nr; i++) {
			lo = 1 + rnd(size + CHUNK);
			len = rnd(2) ? rnd(64) : rnd(size / 8 + 1);
			p->ranges[i].lo = lo;
			p->ranges[i].hi = len < LIMIT - lo ? lo + len : LIMIT;
		}
		/* canonical: the core's own parser would sort and merge */
		p->nr_ranges = 0;
		for (i = 0; i < nr; i++) {
			unsigned int j, k = p->nr_ranges;
			struct pidctl_range r = p->ranges[i];

			for (j = 0; j < k; j++) {
				if (r.lo > p->ranges[j].hi + 1 ||
				    r.hi + 1 < p->ranges[j].lo)
					continue;
				/* overlaps or touches: drop it, keep it simple */
				break;
			}
			if (j == k) {
				while (k && p->ranges[k - 1].lo > r.lo) {
					p->ranges[k] = p->ranges[k - 1];
					k--;
				}
				p->ranges[k] = r;
				p->nr_ranges++;
			}
		}
		if (pidctl_policy_validate(p, pid_max))
			continue;
		valid++;
		cursor = rnd(pid_max + 10);
		got = pidctl_next_pid(p, cursor, pid_max, first_free, &tidr);
		want = pidctl_next_pid(p, cursor, pid_max, first_free_model, NULL);
		if (got != want && !bad++)
			snprintf(tally.diag[0], sizeof(tally.diag[0]),
				 "pidctl_next_pid(cursor %u, pid_max %u, %u ranges) = %d with the IDR, %d with the bitmap",
				 cursor, pid_max, p->nr_ranges, got, want);
	}
	free(p);
	tap_ok(!bad && valid > decisions / 4,
	       "%lu IDs, %.1f%% taken: pidctl_next_pid() with the IDR as oracle agrees with the bitmap in %lu random decisions",
	       size, 100.0 * nr_taken / size, valid);
	if (bad)
		tap_diag("%lu disagreements, first: %s", bad, tally.diag[0]);
}

/* Take IDs of [0, size) out at random until @ppm of them are left. */
static void thin_to(unsigned long size, unsigned long ppm)
{
	unsigned long want = size / 1000000.0 * ppm;

	while (nr_taken > want)
		release(rnd(size));
}

/*
 * One IDR of @size IDs (4 levels at PID_MAX_LIMIT), through the life of a
 * PID IDR: filled by idr_alloc_cyclic() with a few placeholders left,
 * then emptied step by step, with some IDs taken back on the way.
 */
static void check_big_tree(unsigned long size, bool all_starts)
{
	static const unsigned long steps[] = { 1000000, 999000, 990000, 500000, 1000 };
	unsigned long k, i, nr_random = size < 1000000 ? size / 4 : 200000;
	unsigned long window = size < 1000000 ? size / 16 : 65536;

	for (k = 0; k < ARRAY_SIZE(steps); k++) {
		tally_reset();
		if (!k) {
			model_reset(0);
			while (take_cyclic(0, size - 1, rnd(10) == 0) >= 0)
				;
		} else {
			thin_to(size, steps[k]);
			for (i = 0; i < size / 1000; i++)	/* some come back */
				take(rnd(size), rnd(4) == 0);
		}
		model_settle();
		model_verify(size);
		check_big(size, nr_random, window,
			  all_starts && steps[k] == 990000);
		tally_report("%lu IDs (height %u), alloc_pid-like life, %.1f%% taken; %s",
			     size, levels(size), 100.0 * nr_taken / size,
			     all_starts && steps[k] == 990000 ?
			     "every start" : "random starts and three windows");
		tally_reset();
		check_core(size, 2000);
	}
}

/* The cases named in the brief, each with its answer written out too. */
static void check_edges(void)
{
	static const unsigned long starts[] = {
		0, 1, 63, 64, 4095, 4096, 262143, 262144, LIMIT - 1, LIMIT,
		1UL << 32, ULONG_MAX / 2, ULONG_MAX - 1, ULONG_MAX,
	};
	unsigned long i, s, id, n, spans[] = { CHUNK, CHUNK * CHUNK,
					       CHUNK * CHUNK * CHUNK };
	bool hard_ok;

	/* empty */
	tally_reset();
	model_reset(0);
	model_settle();
	hard_ok = true;
	for (i = 0; i < ARRAY_SIZE(starts); i++) {
		s = starts[i];
		id = s;
		hard_ok &= pidctl_idr_find_free(&tidr, &id, s) && id == s;
		id = s;
		hard_ok &= pidctl_idr_find_free(&tidr, &id, ULONG_MAX) && id == s;
		probe(s, s);
		probe(s, ULONG_MAX);
		if (s < INT_MAX - 1)
			kernel_probe(s, s + 1);
	}
	if (!hard_ok)
		tally_bad("empty IDR: some start was not free");
	tally_report("empty IDR: every start is free");

	/* last < start, and last below the base */
	tally_reset();
	build(P_RANDOM, 500000, B_EXACT, CHUNK * CHUNK, 30, 0);
	hard_ok = true;
	for (s = 1; s < CHUNK * CHUNK + CHUNK; s++) {
		id = s;
		hard_ok &= !pidctl_idr_find_free(&tidr, &id, s - 1) && id == s;
		probe(s, s - 1);
		probe(s, 0);
		kernel_probe(s, s - 1);
	}
	id = ULONG_MAX;
	hard_ok &= !pidctl_idr_find_free(&tidr, &id, ULONG_MAX - 1);
	if (!hard_ok)
		tally_bad("last < start: some call said free or moved *id");
	tally_report("last < start: false, *id untouched");

	/* a single entry at 0: kept in the root, no node */
	for (i = 0; i < 2; i++) {
		tally_reset();
		model_reset(0);
		take(0, i);
		model_settle();
		id = 0;
		if (!pidctl_idr_find_free(&tidr, &id, 10) || id != 1)
			tally_bad("single %s at 0: find_free(0) is not 1",
				  i ? "placeholder" : "entry");
		for (s = 0; s < 3 * CHUNK; s++)
			probe_start(s, LIMIT - 1, true);
		id = 0;
		probe(0, 0);
		/* a node grows and shrinks away again */
		take(1000, false);
		release(1000);
		model_settle();
		for (s = 0; s < 3 * CHUNK; s++)
			probe_start(s, LIMIT - 1, true);
		release(0);
		model_settle();
		for (s = 0; s < 3 * CHUNK; s++)
			probe_start(s, LIMIT - 1, true);
		tally_report("single %s at ID 0, then a node grown and removed, then ID 0 removed",
			     i ? "NULL placeholder" : "pointer");
	}

	/* a single entry elsewhere */
	tally_reset();
	for (i = 0; i < ARRAY_SIZE(spans); i++) {
		for (n = spans[i] - 1; n <= spans[i]; n++) {
			model_reset(0);
			take(n, n & 1);
			model_settle();
			for (s = n > CHUNK ? n - CHUNK : 0; s < n + CHUNK; s++)
				probe_start(s, LIMIT - 1, true);
		}
	}
	tally_report("single entry at %lu-1, %lu, %lu-1, %lu, %lu-1, %lu",
		     spans[0], spans[0], spans[1], spans[1], spans[2], spans[2]);

	/* full: the root's own tag is clear */
	for (i = 0; i < ARRAY_SIZE(spans); i++) {
		tally_reset();
		n = spans[i];
		build(P_FULL, 0, i % 2 ? B_EXACT : B_CYCLIC, n, 20, 0);
		id = 0;
		if (!pidctl_idr_find_free(&tidr, &id, LIMIT) || id != n)
			tally_bad("full [0, %lu): find_free(0) is not %lu", n, n);
		id = 0;
		if (pidctl_idr_find_free(&tidr, &id, n - 1))
			tally_bad("full [0, %lu): find_free(0, %lu) found %lu",
				  n, n - 1, id);
		check_all_starts(n, LIMIT - 1);
		check_all_starts(n, n - 1);
		tally_report("full IDR [0, %lu) (height %u): first free is %lu, none up to %lu",
			     n, levels(n), n, n - 1);
	}

	/* start beyond the tree */
	tally_reset();
	build(P_FULL, 0, B_EXACT, 100, 50, 0);
	for (s = 100; s < 1000000; s += 1 + rnd(1000))
		probe_start(s, ULONG_MAX, true);
	for (i = 0; i < ARRAY_SIZE(starts); i++) {
		s = starts[i];
		id = s;
		if (s >= 100 && (!pidctl_idr_find_free(&tidr, &id, ULONG_MAX) ||
				 id != s))
			tally_bad("[0, 100) full: start %lu is not free", s);
		probe(s, ULONG_MAX);
	}
	tally_report("[0, 100) full: every start beyond the tree is free");

	/* idr_base 1 */
	tally_reset();
	model_reset(1);
	model_settle();
	id = 0;
	if (!pidctl_idr_find_free(&tidr, &id, 5) || id != 1)
		tally_bad("base 1, empty: find_free(0) is not 1");
	id = 0;
	if (pidctl_idr_find_free(&tidr, &id, 0))
		tally_bad("base 1: find_free(0, 0) found %lu", id);
	for (s = 0; s < 3 * CHUNK; s++)
		probe_start(s, LIMIT - 1, true);
	take(1, true);
	take(2, false);
	model_settle();
	id = 0;
	if (!pidctl_idr_find_free(&tidr, &id, 5) || id != 3)
		tally_bad("base 1, 1 and 2 taken: find_free(0) is not 3");
	for (s = 0; s < 3 * CHUNK; s++)
		probe_start(s, LIMIT - 1, true);
	tally_report("idr_base 1: empty, then 1 and 2 taken; last below the base");
}

static int check(unsigned long big)
{
	unsigned long size;

	check_edges();
	for (size = CHUNK; size <= 262144 && size < big; size *= CHUNK)
		check_tree(size, 0);
	check_tree(CHUNK * CHUNK + 1, 0);
	check_tree(big < 262144 ? big : 262144, 1);
	check_big_tree(big, big >= 1000000);
	idr_destroy(&tidr);
	return tap_exit_status();
}

/* ---------------------------------------------------------------- bench */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define BENCH_ROUNDS	5
#define BENCH_STARTS	BIT(20)
#define BENCH_IDS	4000000ul

static unsigned int *starts;
static bool callgrind_mode;
static unsigned long sink;	/* keeps the timed results alive */

/*
 * Under callgrind (--instr-atstart=no --collect-atstart=no), count only
 * the loop between these two, and dump its count labelled.
 */
static void cg_begin(void)
{
	if (callgrind_mode) {
		CALLGRIND_START_INSTRUMENTATION;
		CALLGRIND_TOGGLE_COLLECT;
	}
}

static void cg_end(const char *label)
{
	if (callgrind_mode) {
		CALLGRIND_TOGGLE_COLLECT;
		CALLGRIND_DUMP_STATS_AT(label);
		CALLGRIND_STOP_INSTRUMENTATION;
	}
}

/* ns per pidctl_idr_find_free() from random starts, median of rounds. */
static void bench_descent(const char *what, unsigned long calls)
{
	double t[BENCH_ROUNDS], t0;
	unsigned long r, i, id, found = 0, bad = 0, want = 0;
	char label[96];

	for (i = 0; i < calls && i < BENCH_STARTS; i++) {
		id = starts[i];
		if (!pidctl_idr_find_free(&tidr, &id, LIMIT - 1) ||
		    !model_first_free(starts[i], LIMIT - 1, &want) || id != want)
			bad++;
	}
	snprintf(label, sizeof(label), "descent %s calls=%lu", what, calls);
	for (r = 0; r < (callgrind_mode ? 1 : BENCH_ROUNDS); r++) {
		cg_begin();
		t0 = now_ns();
		for (i = 0; i < calls; i++) {
			id = starts[i % BENCH_STARTS];
			found += pidctl_idr_find_free(&tidr, &id, LIMIT - 1);
			sink += id;
		}
		t[r] = (now_ns() - t0) / calls;
		cg_end(label);
	}
	tap_ok(!bad && found, "descent, %s: the timed calls answer as the bitmap does",
	       what);
	if (callgrind_mode)
		return;
	qsort(t, BENCH_ROUNDS, sizeof(t[0]), cmp_double);
	tap_diag("pidctl_idr_find_free, %s, random starts: %.1f ns/call (median of %d x %lu, min %.1f)",
		 what, t[BENCH_ROUNDS / 2], BENCH_ROUNDS, calls, t[0]);
}

/* For scale: the kernel's own idr_alloc() + idr_remove() from the same starts. */
static void bench_kernel_alloc(const char *what, unsigned long calls)
{
	double t0, t;
	unsigned long i;
	int ret;

	t0 = now_ns();
	for (i = 0; i < calls; i++) {
		ret = idr_alloc(&tidr, PROBE_PTR, (int)starts[i % BENCH_STARTS],
				LIMIT, GFP_KERNEL);
		if (ret >= 0)
			idr_remove(&tidr, ret);
	}
	t = (now_ns() - t0) / calls;
	tap_diag("for scale, idr_alloc + idr_remove, %s, same starts: %.1f ns/pair",
		 what, t);
}

/*
 * The policy core's worst case: R reserved ranges spread evenly over the
 * window, every free PID inside one of them, everything else taken (99 %
 * of the window).  A decision visits every allowed gap, R + 1 oracle
 * calls, and fails with -EAGAIN.
 */
static void bench_core(unsigned int r)
{
	unsigned int lo = PIDCTL_RESERVED_PIDS, span = LIMIT - lo;
	unsigned int slot = span / r, w = span / 100 / r, i, pid;
	unsigned long decisions, d, bad = 0, calls;
	struct pidctl_policy *p;
	double t0, t;
	char label[96];
	int ret, want;

	if (!w)
		w = 1;
	p = malloc(sizeof(*p) + r * sizeof(p->ranges[0]));
	if (!p)
		exit(2);
	p->min = 0;
	p->max = 0;
	p->stride = 1;
	p->random = 0;
	p->nr_ranges = r;
	for (i = 0; i < r; i++) {
		p->ranges[i].lo = lo + i * slot + slot - w;
		p->ranges[i].hi = lo + i * slot + slot - 1;
		for (pid = p->ranges[i].lo; pid <= p->ranges[i].hi; pid++)
			release(pid);
	}
	model_settle();
	if (pidctl_policy_validate(p, LIMIT))
		bad++;
	decisions = callgrind_mode ? 2 + (1u << 16) / r : 16 + (1u << 22) / r;
	/* right answers, with a count of oracle calls */
	oracle_calls = 0;
	for (d = 0; d < 16; d++) {
		pid = lo + rnd(span);
		ret = pidctl_next_pid(p, pid, LIMIT, first_free_counted, &tidr);
		want = pidctl_next_pid(p, pid, LIMIT, first_free_model, NULL);
		if (ret != -PIDCTL_EAGAIN || want != ret)
			bad++;
	}
	calls = oracle_calls / 16;
	/* the only allowed free PID just below the cursor: found last */
	for (d = 0; d < 16; d++) {
		pid = lo + 1 + rnd(span - 1);
		if (!pidctl_pid_allowed(p, pid - 1, LIMIT))
			continue;
		release(pid - 1);
		model_settle();
		ret = pidctl_next_pid(p, pid, LIMIT, first_free, &tidr);
		want = pidctl_next_pid(p, pid, LIMIT, first_free_model, NULL);
		if (ret != (int)pid - 1 || want != ret)
			bad++;
		take(pid - 1, false);
	}
	model_settle();
	for (d = 0; d < decisions && d < BENCH_STARTS; d++)
		starts[d] = lo + rnd(span);
	snprintf(label, sizeof(label), "core R=%u decisions=%lu oracle=%lu",
		 r, decisions, calls);
	cg_begin();
	t0 = now_ns();
	for (d = 0; d < decisions; d++)
		sink += pidctl_next_pid(p, starts[d], LIMIT, first_free, &tidr);
	t = (now_ns() - t0) / decisions;
	cg_end(label);
	tap_ok(!bad && !setup_errors,
	       "core, R = %u, %u free PIDs all reserved: -EAGAIN after %lu oracle calls, as the bitmap oracle says; one allowed free PID below the cursor is found",
	       r, r * w, calls);
	if (!callgrind_mode) {
		tap_diag("pidctl_next_pid worst case, R = %5u: %10.0f ns/decision, %6lu oracle calls, %.1f ns/call",
			 r, t, calls, t / calls);
		tap_diag("  (%lu decisions, %.2f%% of the window taken)",
			 decisions, 100.0 - 100.0 * r * w / span);
	}
	for (i = 0; i < r; i++)
		for (pid = p->ranges[i].lo; pid <= p->ranges[i].hi; pid++)
			take(pid, false);
	free(p);
}

static int bench(void)
{
	/* up to the cap, PIDCTL_MAX_RANGES: a policy with more is refused */
	static const unsigned int ranges[] = { 256, 1024 };
	static const unsigned long ppms[] = { 999000, 990000, 500000 };
	unsigned long i, k, calls = callgrind_mode ? 100000 : BENCH_STARTS;
	char what[64];

	starts = malloc(BENCH_STARTS * sizeof(*starts));
	if (!starts)
		exit(2);
	model_reset(0);
	while (take_cyclic(0, BENCH_IDS - 1, false) >= 0)
		;
	for (k = 0; k < ARRAY_SIZE(ppms); k++) {
		thin_to(BENCH_IDS, ppms[k]);
		model_settle();
		for (i = 0; i < BENCH_STARTS; i++)
			starts[i] = rnd(BENCH_IDS);
		snprintf(what, sizeof(what), "%lu IDs (height %u) %.1f%% taken",
			 BENCH_IDS, levels(BENCH_IDS),
			 100.0 * nr_taken / BENCH_IDS);
		bench_descent(what, calls);
		if (!callgrind_mode)
			bench_kernel_alloc(what, calls / 4);
	}
	/* the core's worst case: all of [0, LIMIT) taken but the ranges */
	model_reset(0);
	while (take_cyclic(0, LIMIT - 1, false) >= 0)
		;
	model_settle();
	for (k = 0; k < ARRAY_SIZE(ranges); k++)
		bench_core(ranges[k]);
	idr_destroy(&tidr);
	return tap_exit_status();
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "check";
	unsigned long seed = argc > 2 ? strtoul(argv[2], NULL, 0) : 1;
	unsigned long big = argc > 3 ? strtoul(argv[3], NULL, 0) : LIMIT;
	int ret;

	rng_state = 0x9e3779b97f4a7c15ULL ^ (seed * 0xbf58476d1ce4e5b9ULL);
	rcu_register_thread();
	radix_tree_init();
	idr_init(&tidr);
	model_alloc();
	if (big > LIMIT)
		big = LIMIT;
	tap_diag("XA_CHUNK_SHIFT %d, seed %lu, mode %s", XA_CHUNK_SHIFT, seed,
		 mode);
	if (!strcmp(mode, "check")) {
		ret = check(big);
	} else if (!strcmp(mode, "bench")) {
		ret = bench();
	} else if (!strcmp(mode, "callgrind")) {
		callgrind_mode = true;
		ret = bench();
	} else {
		fprintf(stderr, "usage: idr_test check|bench|callgrind [SEED [BIG]]\n");
		ret = 2;
	}
	rcu_barrier();
	rcu_unregister_thread();
	return ret;
}
