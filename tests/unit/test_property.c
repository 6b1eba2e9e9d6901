// SPDX-License-Identifier: GPL-2.0
/*
 * Randomised property test of the policy core against a brute-force model
 * of the PID table: random policies (knobs and reserved lists written as
 * sloppy sysctl text), random occupancy from empty to full, random cursors
 * including wrap-around, then alloc/free sequences, with random starts
 * (random = N, offsets drawn here: the core takes them as a parameter).
 * Every answer of the core must be exactly the model's.
 *
 * usage: test_property [SEED [ITERATIONS]]   (defaults: 1, 20000)
 * The seed is printed, so a failure can be replayed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/pidctl_core.h"
#include "pidmap.h"
#include "tap.h"

#define LIMIT PIDCTL_PID_MAX_LIMIT
#define MAX_RAW 64
#define MAX_FAILS_SHOWN 5

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* Uniform-ish in [lo, hi]; lo when hi <= lo. */
static unsigned int rnd(unsigned int lo, unsigned int hi)
{
	if (hi <= lo)
		return lo;
	return lo + (unsigned int)(rnd64() % ((uint64_t)hi - lo + 1));
}

static int chance(unsigned int percent)
{
	return rnd(0, 99) < percent;
}

/* One property: how often it was checked and how often it failed. */
struct property {
	const char *name;
	unsigned long checks, fails;
};

enum {
	P_PARSE, P_ROUNDTRIP, P_VALIDATE, P_ALLOWED, P_NEXT, P_CURSOR,
	P_SEQUENCE, P_RSTART, P_RNEXT, P_FREE, P_STOCK, NR_PROPS
};

static struct property props[NR_PROPS] = {
	{ .name = "random sloppy lists parse to the canonical set" },
	{ .name = "parse(format(parse(x))) == parse(x)" },
	{ .name = "pidctl_policy_validate matches the model" },
	{ .name = "pidctl_pid_allowed matches the model" },
	{ .name = "pidctl_next_pid matches the model" },
	{ .name = "pidctl_next_cursor matches the model" },
	{ .name = "alloc/free sequences: each PID allowed, free, the model's pick" },
	{ .name = "pidctl_random_start matches the model (step by step, wrapping)" },
	{ .name = "next_pid from a random start (given offset) matches the model" },
	{ .name = "pidctl_count_free matches a brute-force count" },
	{ .name = "pidctl_stock_picks matches a model of idr_alloc_cyclic" },
};

static unsigned long iteration;

static void check(int prop, int pass, const char *what, long long got,
		  long long want)
{
	props[prop].checks++;
	if (pass)
		return;
	if (++props[prop].fails <= MAX_FAILS_SHOWN)
		tap_diag("iteration %lu: %s: got %lld, want %lld", iteration,
			 what, got, want);
}

/* The world of one iteration. */
static struct pidmap busy;		/* the PID table */
static struct pidmap reserved;		/* the model's reserved set */
static struct pidctl_policy *policy;	/* with room for MAX_RAW ranges */
static unsigned int pid_max;
static unsigned int region_lo, region_hi;	/* where things happen */

/* ---- the model: the header's semantics, spelled out naively ---- */

static long long model_hi(void)
{
	long long hi = policy->max ? policy->max : LIMIT;

	return hi < (long long)pid_max - 1 ? hi : (long long)pid_max - 1;
}

static long long model_wrap_lo(void)
{
	if (policy->min)
		return policy->min;
	return model_hi() < PIDCTL_RESERVED_PIDS ? 1 : PIDCTL_RESERVED_PIDS;
}

static int model_allowed(long long pid)
{
	long long floor = policy->min > 1 ? policy->min : 1;

	return pid >= floor && pid <= model_hi() &&
	       !pidmap_busy(&reserved, (unsigned int)pid);
}

static int model_next(unsigned int cursor)
{
	long long floor = policy->min > 1 ? policy->min : 1;
	long long s = cursor > floor ? cursor : floor, pid;

	if (s > model_hi())
		s = model_wrap_lo();
	for (pid = s; pid <= model_hi(); pid++)
		if (model_allowed(pid) && !pidmap_busy(&busy, (unsigned int)pid))
			return (int)pid;
	for (pid = model_wrap_lo(); pid < s && pid <= model_hi(); pid++)
		if (model_allowed(pid) && !pidmap_busy(&busy, (unsigned int)pid))
			return (int)pid;
	return -PIDCTL_EAGAIN;
}

static long long model_next_cursor(unsigned int pid)
{
	/* An invalid stride 0 moves like stride 1: never stuck in place. */
	long long next = (long long)pid + (policy->stride ? policy->stride : 1);

	return next > model_hi() ? model_wrap_lo() : next;
}

/*
 * The random start, naively: bring @base into the window as model_next()
 * does, then step @offset - 1 times, each step past hi going to wrap_lo.
 */
static long long model_random_start(unsigned int base, unsigned int offset)
{
	long long floor = policy->min > 1 ? policy->min : 1;
	long long s = base > floor ? base : floor;
	unsigned int k;

	if (s > model_hi())
		s = model_wrap_lo();
	if (model_wrap_lo() > model_hi() || s > model_hi())
		return s;
	for (k = 1; k < offset; k++)
		s = s + 1 > model_hi() ? model_wrap_lo() : s + 1;
	return s;
}

/*
 * idr_alloc_cyclic(idr, NULL, @start, @end) with the cursor at @cursor, as
 * lib/idr.c does it: from max(cursor, start) up to end - 1, then, if that
 * began above start, once more from start.  The ID, or -1.
 */
static long long model_stock(unsigned int cursor, unsigned int start,
			     unsigned int end)
{
	long long id = cursor < start ? start : cursor, pid;

	for (pid = id; pid < end; pid++)
		if (!pidmap_busy(&busy, (unsigned int)pid))
			return pid;
	if (id > start)
		for (pid = start; pid < end; pid++)
			if (!pidmap_busy(&busy, (unsigned int)pid))
				return pid;
	return -1;
}

/* Allowed PIDs that are not busy, one by one. */
static long long model_free(void)
{
	long long pid, n = 0;

	for (pid = 1; pid <= model_hi(); pid++)
		n += model_allowed(pid) && !pidmap_busy(&busy, (unsigned int)pid);
	return n;
}

static int model_validate(void)
{
	long long pid;

	if (policy->min > LIMIT || policy->max > LIMIT || !policy->stride ||
	    policy->stride > LIMIT || policy->random > PIDCTL_RANDOM_MAX ||
	    (policy->min && policy->max && policy->min > policy->max))
		return -PIDCTL_EINVAL;
	if (!pidctl_policy_active(policy))
		return 0;
	for (pid = model_wrap_lo(); pid <= model_hi(); pid++)
		if (!pidmap_busy(&reserved, (unsigned int)pid))
			return 0;
	return -PIDCTL_EINVAL;
}

/* ---- generators ---- */

static void pick_pid_max(void)
{
	unsigned int r = rnd(0, 99);

	if (r < 3)
		pid_max = rnd(0, 3);
	else if (r < 30)
		pid_max = rnd(4, 400);
	else if (r < 90)
		pid_max = rnd(300, 3000);
	else if (r < 97)
		pid_max = rnd(3000, 20000);
	else
		pid_max = chance(50) ? LIMIT : LIMIT - rnd(0, 50);
	region_hi = pid_max + 64 < LIMIT ? pid_max + 64 : LIMIT;
	/* Near PID_MAX_LIMIT only the top few thousand PIDs are used. */
	region_lo = pid_max > 20000 ? pid_max - rnd(100, 3000) : 1;
}

static unsigned int region_pid(void)
{
	return rnd(region_lo, region_hi);
}

/* A knob: off, inside the region, or an extreme. */
static unsigned int pick_bound(void)
{
	unsigned int r = rnd(0, 99);

	if (r < 45)
		return 0;
	if (r < 95)
		return region_pid();
	if (r < 97)
		return chance(50) ? 1 : LIMIT;
	return rnd(1, 400);
}

static unsigned int pick_stride(void)
{
	unsigned int r = rnd(0, 99);

	if (r < 50)
		return 1;
	if (r < 85)
		return rnd(2, 20);
	if (r < 95)
		return rnd(21, pid_max + 10);
	if (r < 98)
		return LIMIT;
	return chance(50) ? 0 : rnd(LIMIT + 1, 0xffffffffu);	/* invalid */
}

/* random: mostly off or small; now and then the bound, or invalid. */
static unsigned int pick_random(void)
{
	unsigned int r = rnd(0, 99);

	if (r < 40)
		return 0;
	if (r < 75)
		return rnd(1, 20);
	if (r < 95)
		return rnd(21, 3000);
	if (r < 98)
		return PIDCTL_RANDOM_MAX;
	return rnd(PIDCTL_RANDOM_MAX + 1, 0xffffffffu);	/* invalid */
}

/* An offset for random = @n, through the core's own mapping. */
static unsigned int pick_offset(unsigned int n)
{
	if (!n || n > PIDCTL_RANDOM_MAX)
		return 1;
	return pidctl_random_offset(n, (unsigned int)rnd64());
}

static const char *const blanks[] = { "", "", "", " ", "\t", " \n " };

static const char *blank(void)
{
	return blanks[rnd(0, sizeof(blanks) / sizeof(blanks[0]) - 1)];
}

/*
 * Random reserved ranges, written as sloppy text into @text; the model's
 * reserved bitmap gets their union.  Returns the number of items.
 */
static unsigned int make_reserved(char *text)
{
	unsigned int n = chance(20) ? 0 : rnd(1, chance(10) ? MAX_RAW : 8);
	unsigned int i, lo, hi, pid, len;
	char *p = text;

	p += sprintf(p, "%s", blank());
	for (i = 0; i < n; i++) {
		lo = region_pid();
		len = chance(30) ? 0 : rnd(0, chance(80) ? 20 : pid_max / 2 + 1);
		hi = lo + len > LIMIT ? LIMIT : lo + len;
		if (chance(2))
			hi = LIMIT;
		for (pid = lo; pid <= hi && pid <= region_hi; pid++)
			pidmap_set(&reserved, pid, 1);
		if (i)
			p += sprintf(p, "%s,%s", blank(), blank());
		if (lo == hi && chance(70))
			p += sprintf(p, "%u", lo);
		else
			p += sprintf(p, "%u%s-%s%u", lo, blank(), blank(), hi);
	}
	p += sprintf(p, "%s%s", blank(), chance(50) ? "\n" : "");
	return n;
}

static void clear_region(void)
{
	unsigned int pid;

	for (pid = region_lo > 64 ? region_lo - 64 : 0;
	     pid <= region_hi + 64 && pid < busy.size; pid++) {
		pidmap_set(&busy, pid, 0);
		pidmap_set(&reserved, pid, 0);
	}
}

static void fill_busy(void)
{
	static const unsigned int density[] = { 0, 0, 10, 50, 90, 99, 100 };
	unsigned int d = density[rnd(0, 6)], pid, holes;

	for (pid = region_lo; pid <= region_hi; pid++)
		if (d && rnd(0, 99) < d)
			pidmap_set(&busy, pid, 1);
	/* Near-full: a full table with a handful of holes. */
	if (d == 100)
		for (holes = rnd(0, 3); holes; holes--)
			pidmap_set(&busy, region_pid(), 0);
}

static unsigned int pick_cursor(void)
{
	unsigned int r = rnd(0, 99), i;

	if (r < 50)
		return chance(90) ? region_pid() : rnd(0, region_hi + 10);
	if (r < 60)
		return chance(50) ? 0 : 0xffffffffu - rnd(0, 2);
	if (r < 75)
		return policy->min + rnd(0, 2) - (policy->min ? 1 : 0);
	if (r < 90)
		return policy->max + rnd(0, 2) - (policy->max ? 1 : 0);
	if (!policy->nr_ranges)
		return PIDCTL_RESERVED_PIDS + rnd(0, 2) - 1;
	/* Around a reserved range's ends. */
	i = rnd(0, policy->nr_ranges - 1);
	return (chance(50) ? policy->ranges[i].lo : policy->ranges[i].hi) +
	       rnd(0, 2) - 1;
}

/* ---- the checks ---- */

static void check_parse(const char *text, unsigned int items)
{
	static char canon[MAX_RAW * 24 + 1];
	static struct pidctl_range again[MAX_RAW];
	unsigned int nr, nr2, i, pid, in_ranges, ok;
	int ret;

	ret = pidctl_parse_ranges(text, strlen(text), policy->ranges,
				  pidctl_count_ranges(text, strlen(text)),
				  &nr);
	check(P_PARSE, !ret, "parse of a generated list", ret, 0);
	if (ret)
		nr = 0;
	policy->nr_ranges = nr;
	check(P_PARSE, nr <= items, "canonical count", nr, items);
	ok = 1;
	for (i = 0; i < nr; i++)
		ok &= policy->ranges[i].lo >= 1 &&
		      policy->ranges[i].lo <= policy->ranges[i].hi &&
		      policy->ranges[i].hi <= LIMIT &&
		      (!i || policy->ranges[i].lo > policy->ranges[i - 1].hi + 1);
	check(P_PARSE, ok, "canonical: sorted, merged, in bounds", ok, 1);
	/* The same PIDs as the model's bitmap, over the region. */
	for (pid = region_lo > 64 ? region_lo - 64 : 0; pid <= region_hi;
	     pid++) {
		in_ranges = 0;
		for (i = 0; i < nr; i++)
			in_ranges |= policy->ranges[i].lo <= pid &&
				     pid <= policy->ranges[i].hi;
		if (in_ranges != (unsigned int)pidmap_busy(&reserved, pid)) {
			check(P_PARSE, 0, "PID reserved by the canonical list",
			      in_ranges, pidmap_busy(&reserved, pid));
			break;
		}
	}

	pidctl_format_ranges(policy->ranges, nr, canon, sizeof(canon));
	ret = pidctl_parse_ranges(canon, strlen(canon), again, MAX_RAW, &nr2);
	check(P_ROUNDTRIP, !ret && nr2 == nr &&
	      !memcmp(again, policy->ranges, nr * sizeof(again[0])),
	      "round trip", ret, 0);
}

static void check_queries(void)
{
	unsigned int i, pid, cursor;
	int got, want;

	check(P_VALIDATE, pidctl_policy_validate(policy, pid_max) ==
	      model_validate(), "validate",
	      pidctl_policy_validate(policy, pid_max), model_validate());
	for (i = 0; i < 8; i++) {
		pid = chance(95) ? pick_cursor() : rnd(0, 0xffffffffu);
		got = pidctl_pid_allowed(policy, pid, pid_max);
		check(P_ALLOWED, !got == !(pid <= region_hi + 10 &&
					    model_allowed(pid)),
		      "allowed", got, model_allowed(pid));
		cursor = pick_cursor();
		got = pidctl_next_pid(policy, cursor, pid_max,
				      pidmap_first_free, &busy);
		want = model_next(cursor);
		check(P_NEXT, got == want, "next_pid", got, want);
		pid = chance(90) ? region_pid() : pick_cursor();
		if (pid > LIMIT)
			continue;
		check(P_CURSOR, pidctl_next_cursor(policy, pid, pid_max) ==
		      model_next_cursor(pid), "next_cursor",
		      pidctl_next_cursor(policy, pid, pid_max),
		      model_next_cursor(pid));
	}
	for (i = 0; i < 4; i++) {
		unsigned int off = pick_offset(policy->random), start;

		if (chance(10))
			off = rnd(0, 3);
		cursor = pick_cursor();
		start = pidctl_random_start(policy, cursor, pid_max, off);
		check(P_RSTART, start == model_random_start(cursor, off),
		      "random_start", start, model_random_start(cursor, off));
		got = pidctl_next_pid(policy, start, pid_max,
				      pidmap_first_free, &busy);
		want = model_next((unsigned int)model_random_start(cursor, off));
		check(P_RNEXT, got == want, "next_pid from a random start",
		      got, want);
	}
	for (i = 0; i < 4; i++) {
		unsigned int start = chance(50) ? 1 : PIDCTL_RESERVED_PIDS, next;
		long long stock;

		cursor = pick_cursor();
		if (cursor > LIMIT + 10)
			cursor = region_pid();
		stock = model_stock(cursor, start, pid_max);
		got = pidctl_next_pid(policy, cursor, pid_max,
				      pidmap_first_free, &busy);
		next = chance(40) && stock > 0 ? (unsigned int)stock :
		       chance(50) && got > 0 ? (unsigned int)got : pick_cursor();
		/* the contract: @next is free (the policy's pick) */
		if (pidmap_busy(&busy, next))
			continue;
		want = stock == (long long)next;
		got = pidctl_stock_picks(cursor, start, pid_max, next,
					 pidmap_first_free, &busy);
		check(P_STOCK, !got == !want, "stock_picks", got, want);
	}
	/* a brute-force count is affordable below PID 40000 */
	if (model_hi() < 40000 && pidctl_policy_validate(policy, pid_max) == 0)
		check(P_FREE, pidctl_count_free(policy, pid_max,
						pidmap_first_busy, &busy) ==
		      model_free(), "count_free",
		      pidctl_count_free(policy, pid_max, pidmap_first_busy,
					&busy), model_free());
}

static void check_sequence(void)
{
	unsigned int cursor = pick_cursor(), steps = rnd(1, 40), pid, off;
	long long rcursor;
	int got, want;

	while (steps--) {
		got = pidctl_next_pid(policy, cursor, pid_max,
				      pidmap_first_free, &busy);
		want = model_next(cursor);
		check(P_SEQUENCE, got == want, "sequence next_pid", got, want);
		if (got > 0) {
			pid = (unsigned int)got;
			check(P_SEQUENCE, model_allowed(pid) &&
			      !pidmap_busy(&busy, pid),
			      "handed-out PID allowed and free", got, -1);
			pidmap_set(&busy, pid, 1);
			cursor = pidctl_next_cursor(policy, pid, pid_max);
			check(P_SEQUENCE, cursor == model_next_cursor(pid),
			      "sequence next_cursor", cursor,
			      model_next_cursor(pid));
			/* the hook's order: stride first, then the offset */
			if (policy->random) {
				off = pick_offset(policy->random);
				rcursor = model_random_start(cursor, off);
				cursor = pidctl_random_start(policy, cursor,
							     pid_max, off);
				check(P_SEQUENCE, cursor == rcursor,
				      "sequence random_start", cursor,
				      rcursor);
			}
		}
		/* Exits: free a few PIDs, sometimes the one just taken. */
		while (chance(40)) {
			pid = chance(20) && got > 0 ? (unsigned int)got :
			      region_pid();
			pidmap_set(&busy, pid, 0);
		}
	}
}

int main(int argc, char **argv)
{
	unsigned long long seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
	unsigned long iterations = argc > 2 ? strtoul(argv[2], NULL, 0) : 20000;
	static char text[MAX_RAW * 32 + 16];
	unsigned int items, i;

	tap_diag("property test: seed %llu, %lu iterations", seed, iterations);
	rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
	policy = malloc(sizeof(*policy) + MAX_RAW * sizeof(policy->ranges[0]));
	if (!policy || pidmap_init(&busy, LIMIT + 2) ||
	    pidmap_init(&reserved, LIMIT + 2))
		return 2;

	for (iteration = 0; iteration < iterations; iteration++) {
		pick_pid_max();
		clear_region();
		items = make_reserved(text);
		check_parse(text, items);
		policy->min = pick_bound();
		policy->max = pick_bound();
		policy->stride = pick_stride();
		policy->random = pick_random();
		fill_busy();
		check_queries();
		check_sequence();
		clear_region();
	}

	for (i = 0; i < NR_PROPS; i++)
		tap_ok(!props[i].fails && props[i].checks,
		       "%s (%lu checks, %lu failed, seed %llu)", props[i].name,
		       props[i].checks, props[i].fails, seed);
	free(policy);
	pidmap_free(&busy);
	pidmap_free(&reserved);
	return tap_exit_status();
}
