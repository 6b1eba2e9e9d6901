// SPDX-License-Identifier: GPL-2.0
/*
 * Table-driven unit tests of the decision side of the policy core:
 * pidctl_next_pid(), pidctl_next_cursor(), pidctl_pid_allowed(),
 * pidctl_policy_active(), pidctl_policy_validate(), and the random start
 * (pidctl_random_offset(), pidctl_random_start()), the window's limits
 * and pidctl_count_free().
 */
#include <stdlib.h>
#include <string.h>
#include "../../src/pidctl_core.h"
#include "pidmap.h"
#include "tap.h"

#define LIMIT PIDCTL_PID_MAX_LIMIT
#define EAGAIN_ (-PIDCTL_EAGAIN)
#define EINVAL_ (-PIDCTL_EINVAL)
#define DEF_PID_MAX 32768u

/* The knobs of one policy, the reserved list as sysctl text. */
struct knobs {
	unsigned int min, max, stride;
	const char *reserved;
};

static struct pidctl_policy *policy;
static struct pidctl_range parsed[64];

/* Build the global @policy from @k; the text must be well formed. */
static void set_policy(const struct knobs *k)
{
	unsigned int nr = 0;
	const char *text = k->reserved ? k->reserved : "";

	if (pidctl_parse_ranges(text, strlen(text), parsed, 64, &nr))
		tap_diag("bad reserved list in the test table: %s", text);
	free(policy);
	policy = malloc(sizeof(*policy) + nr * sizeof(policy->ranges[0]));
	policy->min = k->min;
	policy->max = k->max;
	policy->stride = k->stride;
	policy->random = 0;
	policy->nr_ranges = nr;
	memcpy(policy->ranges, parsed, nr * sizeof(parsed[0]));
}

/* Mark the PIDs of list @busy in use in @m, and only those. */
static void set_busy(struct pidmap *m, const char *busy)
{
	unsigned int nr = 0, i, pid;

	pidmap_clear(m);
	busy = busy ? busy : "";
	if (pidctl_parse_ranges(busy, strlen(busy), parsed, 64, &nr))
		tap_diag("bad busy list in the test table: %s", busy);
	for (i = 0; i < nr; i++)
		for (pid = parsed[i].lo; pid <= parsed[i].hi; pid++)
			pidmap_set(m, pid, 1);
}

static const struct decide_case {
	const char *name;
	struct knobs k;
	unsigned int pid_max;	/* 0: DEF_PID_MAX */
	const char *busy;
	unsigned int cursor;
	int want;		/* next_pid() */
	unsigned int cursor_after;	/* next_cursor(want), if want > 0 */
	unsigned long calls;	/* oracle calls, if non-zero */
} decide_cases[] = {
	{ "stock: cursor as is", { 0, 0, 1, NULL }, 0, NULL, 1000, 1000, 1001, 1 },
	{ "stock: busy run skipped", { 0, 0, 1, NULL }, 0, "1000-1100", 1000,
	  1101, 1102, 1 },
	{ "stock: cursor 0 starts at 1", { 0, 0, 1, NULL }, 0, NULL, 0, 1, 2, 1 },
	{ "stock: last PID wraps the cursor to 300", { 0, 0, 1, NULL }, 0, NULL,
	  32767, 32767, 300, 1 },
	{ "stock: busy tail wraps to 300", { 0, 0, 1, NULL }, 0, "32000-32767",
	  32000, 300, 301, 2 },
	{ "stock: boot-time low cursor is kept", { 0, 0, 1, NULL }, 0, NULL, 5,
	  5, 6, 1 },
	{ "stock: wrap never goes below 300", { 0, 0, 1, NULL }, 0, "5-32767", 5,
	  EAGAIN_, 0, 1 },
	{ "min only: cursor below min", { 5000, 0, 1, NULL }, 0, NULL, 100, 5000,
	  5001, 1 },
	{ "min only: cursor above min", { 5000, 0, 1, NULL }, 0, NULL, 6000, 6000,
	  6001, 1 },
	{ "min only: wrap to min", { 5000, 0, 1, NULL }, 0, "30000-32767", 30000,
	  5000, 5001, 2 },
	{ "min only: last PID wraps to min", { 5000, 0, 1, NULL }, 0, NULL, 32767,
	  32767, 5000, 1 },
	{ "max only: below max", { 0, 2000, 1, NULL }, 0, NULL, 1999, 1999, 2000,
	  1 },
	{ "max only: at max, cursor wraps", { 0, 2000, 1, NULL }, 0, NULL, 2000,
	  2000, 300, 1 },
	{ "max only: cursor above max", { 0, 2000, 1, NULL }, 0, NULL, 5000, 300,
	  301, 1 },
	{ "window: cursor below min", { 1000, 2000, 1, NULL }, 0, NULL, 0, 1000,
	  1001, 1 },
	{ "window: cursor above max", { 1000, 2000, 1, NULL }, 0, NULL, 2500,
	  1000, 1001, 1 },
	{ "window: busy top wraps to min", { 1000, 2000, 1, NULL }, 0,
	  "1500-2000", 1500, 1000, 1001, 2 },
	{ "window: only PID below cursor", { 1000, 2000, 1, NULL }, 0,
	  "1000-1498,1500-2000", 1500, 1499, 1500, 2 },
	{ "window: full", { 1000, 2000, 1, NULL }, 0, "1000-2000", 1500, EAGAIN_,
	  0, 2 },
	{ "window of one PID", { 7, 7, 1, NULL }, 0, NULL, 1, 7, 7, 1 },
	{ "reserved single PID skipped", { 0, 0, 1, "1000" }, 0, NULL, 1000,
	  1001, 1002, 1 },
	{ "reserved ranges: gap between", { 0, 0, 1, "1000-1999,2001-2999" }, 0,
	  NULL, 1000, 2000, 2001, 1 },
	{ "reserved ranges: gap busy", { 0, 0, 1, "1000-1999,2001-2999" }, 0,
	  "2000", 1000, 3000, 3001, 2 },
	{ "below a reserved range, lower neighbours busy",
	  { 0, 0, 1, "1000-1999" }, 0, "990-999", 990, 2000, 2001, 2 },
	{ "just below a reserved range, busy", { 0, 0, 1, "1000-1999" }, 0,
	  "999", 999, 2000, 2001, 2 },
	{ "cursor at a range's top", { 0, 0, 1, "1000-1999" }, 0, NULL, 1999,
	  2000, 2001, 1 },
	{ "next cursor lands in a range", { 0, 0, 1, "1000-1999" }, 0, NULL, 999,
	  999, 1000, 1 },
	{ "reserved to the top wraps", { 0, 0, 1, "2000-40000" }, 0, NULL, 2500,
	  300, 301, 1 },
	{ "reserved at the wrap point", { 0, 0, 1, "300-310,2000-40000" }, 0,
	  NULL, 2500, 311, 312, 1 },
	{ "many busy gaps", { 0, 0, 1, "101-199,201-299,301-399" }, 0,
	  "100,200,300,400", 100, 401, 402, 4 },
	{ "stride: plain step", { 0, 0, 10, NULL }, 0, NULL, 1000, 1000, 1010, 1 },
	{ "stride: busy target", { 0, 0, 10, NULL }, 0, "1010-1012", 1010, 1013,
	  1023, 1 },
	{ "stride wraps in a window", { 1000, 2000, 300, NULL }, 0, NULL, 1900,
	  1900, 1000, 1 },
	{ "stride reaches max exactly", { 1000, 2000, 300, NULL }, 0, NULL, 1700,
	  1700, 2000, 1 },
	{ "stride of PID_MAX_LIMIT", { 0, 0, LIMIT, NULL }, 0, NULL, 1000, 1000,
	  300, 1 },
	{ "all four knobs", { 1000, 5000, 7, "1000-1010,2000-3000" }, 0,
	  "1995-1999", 1995, 3001, 3008, 2 },
	{ "all four knobs, wrap", { 1000, 5000, 7, "1000-1010,2000-3000" }, 0,
	  "4990-5000", 4999, 1011, 1018, 2 },
	{ "exhaustion: busy and reserved", { 1000, 1010, 1, "1000-1005" }, 0,
	  "1006-1010", 1000, EAGAIN_, 0, 1 },
	{ "exhaustion from the middle", { 1000, 1010, 1, "1003-1005" }, 0,
	  "1000-1002,1006-1010", 1007, EAGAIN_, 0, 3 },
	{ "pid_max below max", { 0, 50000, 1, NULL }, 32768, "32767", 32767, 300,
	  301, 2 },
	{ "pid_max below max, cursor above both", { 0, 50000, 1, NULL }, 32768,
	  NULL, 40000, 300, 301, 1 },
	{ "pid_max below max: last PID wraps", { 0, 50000, 1, NULL }, 32768, NULL,
	  32767, 32767, 300, 1 },
	{ "min=0 wraps to 300, not 1", { 0, 0, 1, NULL }, 0, "300-400,32767",
	  32767, 401, 402, 2 },
	{ "max<300, min=0: wrap_lo is 1", { 0, 200, 1, NULL }, 0, NULL, 250, 1, 2,
	  1 },
	{ "max<300, min=0: busy top wraps to 1", { 0, 200, 1, NULL }, 0,
	  "150-200", 150, 1, 2, 2 },
	{ "max<300, min=0: last PID wraps cursor to 1", { 0, 200, 1, NULL }, 0,
	  NULL, 200, 200, 1, 1 },
	{ "pid_max < 300: wrap_lo is 1", { 0, 0, 1, "1-9" }, 200, "150-199", 150,
	  10, 11, 2 },
	{ "pid_max 0: nothing", { 0, 0, 1, NULL }, 0xffffffffu, NULL, 1, EAGAIN_,
	  0, 0 },
	{ "cursor UINT_MAX wraps", { 1000, 0, 1, NULL }, 0, NULL, 0xffffffffu,
	  1000, 1001, 1 },
	{ "PID_MAX_LIMIT pid_max, top PID", { 0, LIMIT, 1, NULL }, LIMIT, NULL,
	  LIMIT - 1, (int)LIMIT - 1, 300, 1 },
	{ "reserved up to PID_MAX_LIMIT", { 0, 0, 1, "1000-4194304" }, LIMIT,
	  NULL, 2000, 300, 301, 1 },
	{ "min beyond pid_max: empty window", { 40000, 0, 1, NULL }, 32768, NULL,
	  100, EAGAIN_, 0, 0 },
};

static void test_decide(struct pidmap *m)
{
	const struct decide_case *c;
	unsigned int i, pid_max, after;
	int got;

	for (i = 0; i < sizeof(decide_cases) / sizeof(decide_cases[0]); i++) {
		c = &decide_cases[i];
		pid_max = c->pid_max ? c->pid_max : DEF_PID_MAX;
		if (pid_max == 0xffffffffu)
			pid_max = 0;
		set_policy(&c->k);
		set_busy(m, c->busy);
		m->calls = 0;
		got = pidctl_next_pid(policy, c->cursor, pid_max,
				      pidmap_first_free, m);
		after = got > 0 ? pidctl_next_cursor(policy, (unsigned int)got,
						     pid_max) : 0;
		tap_ok(got == c->want && after == c->cursor_after &&
		       (!c->calls || m->calls == c->calls),
		       "%s: next %d cursor %u calls %lu (want %d %u %lu)",
		       c->name, got, after, m->calls, c->want, c->cursor_after,
		       c->calls);
	}
}

static const struct allowed_case {
	struct knobs k;
	unsigned int pid_max, pid;
	int want;
} allowed_cases[] = {
	{ { 0, 0, 1, NULL }, DEF_PID_MAX, 0, 0 },
	{ { 0, 0, 1, NULL }, DEF_PID_MAX, 1, 1 },
	{ { 0, 0, 1, NULL }, DEF_PID_MAX, 299, 1 },
	{ { 0, 0, 1, NULL }, DEF_PID_MAX, 32767, 1 },
	{ { 0, 0, 1, NULL }, DEF_PID_MAX, 32768, 0 },
	{ { 0, 0, 1, NULL }, 0, 1, 0 },
	{ { 100, 0, 1, NULL }, DEF_PID_MAX, 99, 0 },
	{ { 100, 0, 1, NULL }, DEF_PID_MAX, 100, 1 },
	{ { 0, 100, 1, NULL }, DEF_PID_MAX, 100, 1 },
	{ { 0, 100, 1, NULL }, DEF_PID_MAX, 101, 0 },
	{ { 0, 100000, 1, NULL }, DEF_PID_MAX, 32768, 0 },
	{ { 0, 0, 1, "5,10-20" }, DEF_PID_MAX, 5, 0 },
	{ { 0, 0, 1, "5,10-20" }, DEF_PID_MAX, 6, 1 },
	{ { 0, 0, 1, "5,10-20" }, DEF_PID_MAX, 9, 1 },
	{ { 0, 0, 1, "5,10-20" }, DEF_PID_MAX, 10, 0 },
	{ { 0, 0, 1, "5,10-20" }, DEF_PID_MAX, 20, 0 },
	{ { 0, 0, 1, "5,10-20" }, DEF_PID_MAX, 21, 1 },
	{ { 0, 0, 1, NULL }, LIMIT, LIMIT - 1, 1 },
	{ { 0, 0, 1, NULL }, LIMIT, LIMIT, 0 },
	{ { 0, 0, 1, NULL }, 0xffffffffu, LIMIT, 1 },
	{ { 0, 0, 1, NULL }, 0xffffffffu, LIMIT + 1, 0 },
	{ { 0, 0, 1, NULL }, DEF_PID_MAX, 0xffffffffu, 0 },
};

static void test_allowed(void)
{
	const struct allowed_case *c;
	unsigned int i;
	int got;

	for (i = 0; i < sizeof(allowed_cases) / sizeof(allowed_cases[0]); i++) {
		c = &allowed_cases[i];
		set_policy(&c->k);
		got = pidctl_pid_allowed(policy, c->pid, c->pid_max);
		tap_ok(!got == !c->want,
		       "allowed(min %u max %u reserved \"%s\", pid_max %u, %u) == %d",
		       c->k.min, c->k.max, c->k.reserved ? c->k.reserved : "",
		       c->pid_max, c->pid, c->want);
	}
}

static const struct validate_case {
	const char *name;
	struct knobs k;
	unsigned int pid_max;
	int want;
} validate_cases[] = {
	{ "stock", { 0, 0, 1, NULL }, DEF_PID_MAX, 0 },
	{ "stock is valid whatever pid_max", { 0, 0, 1, NULL }, 0, 0 },
	{ "min == max", { 500, 500, 1, NULL }, DEF_PID_MAX, 0 },
	{ "min > max", { 501, 500, 1, NULL }, DEF_PID_MAX, EINVAL_ },
	{ "min > max, max below pid_max", { 2000, 1000, 1, NULL }, 1500,
	  EINVAL_ },
	{ "stride 0", { 0, 0, 0, NULL }, DEF_PID_MAX, EINVAL_ },
	{ "stride PID_MAX_LIMIT", { 0, 0, LIMIT, NULL }, DEF_PID_MAX, 0 },
	{ "stride PID_MAX_LIMIT + 1", { 0, 0, LIMIT + 1, NULL }, DEF_PID_MAX,
	  EINVAL_ },
	{ "min PID_MAX_LIMIT + 1", { LIMIT + 1, 0, 1, NULL }, 0xffffffffu,
	  EINVAL_ },
	{ "max PID_MAX_LIMIT + 1", { 0, LIMIT + 1, 1, NULL }, DEF_PID_MAX,
	  EINVAL_ },
	{ "max PID_MAX_LIMIT", { 0, LIMIT, 1, NULL }, DEF_PID_MAX, 0 },
	{ "min at pid_max", { 32768, 0, 1, NULL }, DEF_PID_MAX, EINVAL_ },
	{ "min at pid_max - 1", { 32767, 0, 1, NULL }, DEF_PID_MAX, 0 },
	{ "window fully reserved", { 1000, 2000, 1, "900-2100" }, DEF_PID_MAX,
	  EINVAL_ },
	{ "window fully reserved by pieces", { 1000, 2000, 1, "1000-1500,1501-2000" },
	  DEF_PID_MAX, EINVAL_ },
	{ "window with one free PID", { 1000, 2000, 1, "1000-1499,1501-2000" },
	  DEF_PID_MAX, 0 },
	{ "300..hi reserved, 1..299 free", { 0, 0, 1, "300-40000" }, DEF_PID_MAX,
	  EINVAL_ },
	{ "max < 300, wrap_lo 1, one PID free", { 0, 200, 1, "1-199" },
	  DEF_PID_MAX, 0 },
	{ "max < 300, all reserved", { 0, 200, 1, "1-200" }, DEF_PID_MAX, EINVAL_ },
	{ "reserved only, stock window", { 0, 0, 1, "1-32766" }, DEF_PID_MAX, 0 },
	{ "pid_max 1: empty window", { 0, 0, 2, NULL }, 1, EINVAL_ },
	{ "pid_max 2: PID 1", { 0, 0, 2, NULL }, 2, 0 },
};

/* random is not in struct knobs: these set it on top of a policy. */
static const struct {
	const char *name;
	unsigned int random;
	int want;
} validate_random_cases[] = {
	{ "random 0 (off)", 0, 0 },
	{ "random 1", 1, 0 },
	{ "random 65536 (the bound)", PIDCTL_RANDOM_MAX, 0 },
	{ "random 65537", PIDCTL_RANDOM_MAX + 1, EINVAL_ },
	{ "random 4294967295", 0xffffffffu, EINVAL_ },
};

static void test_validate(void)
{
	const struct validate_case *c;
	unsigned int i, pid_max;
	int got;

	for (i = 0; i < sizeof(validate_cases) / sizeof(validate_cases[0]);
	     i++) {
		c = &validate_cases[i];
		pid_max = c->pid_max == 0xffffffffu ? LIMIT : c->pid_max;
		set_policy(&c->k);
		got = pidctl_policy_validate(policy, pid_max);
		tap_ok(got == c->want, "validate %s: %d (want %d)", c->name, got,
		       c->want);
	}

	for (i = 0; i < sizeof(validate_random_cases) /
		    sizeof(validate_random_cases[0]); i++) {
		set_policy(&(struct knobs){ 0, 0, 1, NULL });
		policy->random = validate_random_cases[i].random;
		got = pidctl_policy_validate(policy, DEF_PID_MAX);
		tap_ok(got == validate_random_cases[i].want,
		       "validate %s: %d (want %d)", validate_random_cases[i].name,
		       got, validate_random_cases[i].want);
	}

	/* Hand-made ranges the parser would never produce. */
	set_policy(&(struct knobs){ 0, 0, 1, "10-20,30-40" });
	policy->ranges[1].lo = 21;
	tap_ok(pidctl_policy_validate(policy, DEF_PID_MAX) == EINVAL_,
	       "validate rejects adjacent (unmerged) ranges");
	policy->ranges[1].lo = 15;
	tap_ok(pidctl_policy_validate(policy, DEF_PID_MAX) == EINVAL_,
	       "validate rejects overlapping ranges");
	policy->ranges[0] = (struct pidctl_range){ 50, 60 };
	tap_ok(pidctl_policy_validate(policy, DEF_PID_MAX) == EINVAL_,
	       "validate rejects unsorted ranges");
	policy->ranges[0] = (struct pidctl_range){ 0, 5 };
	policy->ranges[1] = (struct pidctl_range){ 30, 40 };
	tap_ok(pidctl_policy_validate(policy, DEF_PID_MAX) == EINVAL_,
	       "validate rejects a range starting at 0");
	policy->ranges[0] = (struct pidctl_range){ 9, 5 };
	tap_ok(pidctl_policy_validate(policy, DEF_PID_MAX) == EINVAL_,
	       "validate rejects a reversed range");
	policy->ranges[0] = (struct pidctl_range){ 1, 5 };
	policy->ranges[1] = (struct pidctl_range){ 30, LIMIT + 1 };
	tap_ok(pidctl_policy_validate(policy, DEF_PID_MAX) == EINVAL_,
	       "validate rejects a range above PID_MAX_LIMIT");
}

static void test_active(void)
{
	static const struct {
		struct knobs k;
		int want;
	} cases[] = {
		{ { 0, 0, 1, NULL }, 0 },
		{ { 1, 0, 1, NULL }, 1 },
		{ { 0, 1, 1, NULL }, 1 },
		{ { 0, 0, 2, NULL }, 1 },
		{ { 0, 0, 1, "5" }, 1 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		set_policy(&cases[i].k);
		tap_ok(!pidctl_policy_active(policy) == !cases[i].want,
		       "active(min %u max %u stride %u reserved \"%s\") == %d",
		       cases[i].k.min, cases[i].k.max, cases[i].k.stride,
		       cases[i].k.reserved ? cases[i].k.reserved : "",
		       cases[i].want);
	}
	set_policy(&cases[0].k);
	policy->random = 5;
	tap_ok(pidctl_policy_active(policy), "active(random 5 alone) == 1");
}

/*
 * pidctl_random_offset(): value k of 1..n comes from the 32-bit inputs
 * [ceil((k - 1) 2^32 / n), ceil(k 2^32 / n) - 1], so each has
 * floor(2^32 / n) or ceil(2^32 / n) of them.  Checked at every bucket
 * edge for a few n.
 */
static void test_random_offset(void)
{
	static const unsigned int ns[] = { 1, 2, 3, 7, 10, 1000, 4099,
					   PIDCTL_RANDOM_MAX };
	unsigned long long two32 = 1ull << 32, edge, size;
	unsigned int i, k, n, bad, bad_size;

	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		n = ns[i];
		bad = bad_size = 0;
		for (k = 1; k <= n; k++) {
			edge = ((k - 1) * two32 + n - 1) / n;	/* ceil */
			size = (k * two32 + n - 1) / n - edge;
			if (pidctl_random_offset(n, (unsigned int)edge) != k)
				bad++;
			if (edge && pidctl_random_offset(n, (unsigned int)(edge - 1)) != k - 1)
				bad++;
			if (size != two32 / n && size != two32 / n + 1)
				bad_size++;
		}
		tap_ok(!bad && !bad_size &&
		       pidctl_random_offset(n, 0) == 1 &&
		       pidctl_random_offset(n, 0xffffffffu) == n,
		       "random_offset(%u, .): 1..%u, bucket edges exact, sizes floor/ceil of 2^32/n (%u bad)",
		       n, n, bad + bad_size);
	}
	tap_ok(pidctl_random_offset(0, 0xffffffffu) == 1,
	       "random_offset(0, .) is taken as 1");
}

static const struct rstart_case {
	const char *name;
	struct knobs k;
	unsigned int pid_max;	/* 0: DEF_PID_MAX */
	unsigned int base, offset, want;
} rstart_cases[] = {
	{ "offset 1 is the base", { 0, 0, 1, NULL }, 0, 1000, 1, 1000 },
	{ "offset 0 is the base", { 0, 0, 1, NULL }, 0, 1000, 0, 1000 },
	{ "offset 5: base + 4", { 0, 0, 1, NULL }, 0, 1000, 5, 1004 },
	{ "up to hi exactly", { 0, 0, 1, NULL }, 0, 32760, 8, 32767 },
	{ "past hi wraps on to 300", { 0, 0, 1, NULL }, 0, 32760, 9, 300 },
	{ "past hi by 5", { 0, 0, 1, NULL }, 0, 32767, 6, 304 },
	{ "window 5000-5009: wraps modulo 10", { 5000, 5009, 1, NULL }, 0,
	  5008, 5, 5002 },
	{ "offset many times the window", { 5000, 5009, 1, NULL }, 0, 5000,
	  65536, 5005 },
	{ "base below min starts at min", { 5000, 5009, 1, NULL }, 0, 10, 3,
	  5002 },
	{ "base above hi starts at wrap_lo", { 5000, 5009, 1, NULL }, 0, 6000,
	  3, 5002 },
	{ "boot-time cursor below 300", { 0, 0, 1, NULL }, 0, 5, 10, 14 },
	{ "pid_max caps the window", { 0, 100000, 1, NULL }, 0, 32767, 2, 300 },
	{ "reserved PIDs count as positions", { 5000, 5009, 1, "5001-5003" },
	  0, 5000, 3, 5002 },
	{ "single-PID window", { 5000, 5000, 1, NULL }, 0, 5000, 65536, 5000 },
	{ "empty window (pid_max 0): base as next_pid takes it",
	  { 0, 0, 1, NULL }, 0xffffffffu, 7, 5, 1 },
};

static void test_random_start(void)
{
	const struct rstart_case *c;
	unsigned int i, pid_max, got;

	for (i = 0; i < sizeof(rstart_cases) / sizeof(rstart_cases[0]); i++) {
		c = &rstart_cases[i];
		pid_max = c->pid_max ? c->pid_max : DEF_PID_MAX;
		if (pid_max == 0xffffffffu)
			pid_max = 0;
		set_policy(&c->k);
		policy->random = 65536;
		got = pidctl_random_start(policy, c->base, pid_max, c->offset);
		tap_ok(got == c->want, "random_start %s: %u (want %u)", c->name,
		       got, c->want);
	}
}

/* The log line names the limit hit: pidctl's max, or pid_max. */
static void test_window_limits(void)
{
	static const struct {
		struct knobs k;
		unsigned int pid_max, lo, hi;
		int by_pid_max;
	} cases[] = {
		{ { 5000, 5063, 1, NULL }, DEF_PID_MAX, 5000, 5063, 0 },
		{ { 5000, 0, 1, NULL }, DEF_PID_MAX, 5000, 32767, 1 },
		{ { 0, 0, 1, "5" }, DEF_PID_MAX, 1, 32767, 1 },
		{ { 0, 40000, 1, NULL }, DEF_PID_MAX, 1, 32767, 1 },
		{ { 0, 32767, 1, NULL }, DEF_PID_MAX, 1, 32767, 0 },
		{ { 0, 32768, 1, NULL }, DEF_PID_MAX, 1, 32767, 1 },
		{ { 0, 0, 1, NULL }, LIMIT, 1, LIMIT - 1, 1 },
	};
	unsigned int i, lo, hi;
	int by;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		set_policy(&cases[i].k);
		by = pidctl_window_limits(policy, cases[i].pid_max, &lo, &hi);
		tap_ok(!by == !cases[i].by_pid_max && lo == cases[i].lo &&
		       hi == cases[i].hi,
		       "window_limits(min %u max %u, pid_max %u): %u-%u by %s",
		       cases[i].k.min, cases[i].k.max, cases[i].pid_max, lo, hi,
		       by ? "pid_max" : "max");
	}
}

/* pidctl_stock_picks(): what idr_alloc_cyclic() would take untouched. */
static const struct stock_case {
	const char *name;
	unsigned int cursor, start, end, next;
	const char *busy;
	int want;
} stock_cases[] = {
	{ "the cursor itself", 1000, 300, 32768, 1000, NULL, 1 },
	{ "a PID past the cursor, cursor free", 1000, 300, 32768, 1005, NULL, 0 },
	{ "past a busy run", 1000, 300, 32768, 1005, "1000-1004", 1 },
	{ "past a busy run with a hole", 1000, 300, 32768, 1005, "1000-1002,1004", 0 },
	{ "cursor below start", 100, 300, 32768, 300, NULL, 1 },
	{ "below start is never stock", 1000, 300, 32768, 299, "1000-32767", 0 },
	{ "a wrap: stock wraps only when the top is full", 32000, 300, 32768,
	  300, "32000-32767", 1 },
	{ "a wrap below a free top", 32000, 300, 32768, 300, "32000-32766", 0 },
	{ "a wrap past busy low PIDs", 32000, 300, 32768, 305,
	  "300-304,32000-32767", 1 },
	{ "no retry when the first try began at start", 300, 300, 1000, 250,
	  "300-999", 0 },
	{ "cursor past end: the retry from start", 40000, 300, 32768, 300,
	  NULL, 1 },
	{ "next at or past end", 1000, 300, 32768, 32768, NULL, 0 },
	{ "end 0", 1000, 300, 0, 1000, NULL, 0 },
};

static void test_stock_picks(struct pidmap *m)
{
	const struct stock_case *c;
	unsigned int i;
	int got;

	for (i = 0; i < sizeof(stock_cases) / sizeof(stock_cases[0]); i++) {
		c = &stock_cases[i];
		set_busy(m, c->busy);
		got = pidctl_stock_picks(c->cursor, c->start, c->end, c->next,
					 pidmap_first_free, m);
		tap_ok(!got == !c->want, "stock_picks %s: %d (want %d)",
		       c->name, got, c->want);
	}
}

static const struct free_case {
	const char *name;
	struct knobs k;
	unsigned int pid_max;	/* 0: DEF_PID_MAX */
	const char *busy;
	unsigned int want;
} free_cases[] = {
	{ "stock, empty table", { 0, 0, 1, NULL }, 0, NULL, 32767 },
	{ "stock, PID 1 and 300-399 busy", { 0, 0, 1, NULL }, 0, "1,300-399",
	  32666 },
	{ "window 5000-5063, 10 busy inside, 5 outside",
	  { 5000, 5063, 1, NULL }, 0, "4995-4999,5000-5009", 54 },
	{ "window with reserved, busy reserved PIDs do not count",
	  { 5000, 5063, 1, "5010-5019,5063" }, 0, "5010-5012,5020", 52 },
	{ "full window", { 5000, 5009, 1, NULL }, 0, "5000-5009", 0 },
	{ "reserved to the top", { 5000, 5063, 1, "5060-9000" }, 0, NULL, 60 },
	{ "reserved at min", { 5000, 5063, 1, "1-5001" }, 0, "5002", 61 },
	{ "pid_max below max", { 0, 40000, 1, NULL }, 1000, "999-2000", 998 },
	{ "pid_max 0: nothing", { 0, 0, 1, NULL }, 0xffffffffu, NULL, 0 },
};

static void test_count_free(struct pidmap *m)
{
	const struct free_case *c;
	unsigned int i, pid_max, got;

	for (i = 0; i < sizeof(free_cases) / sizeof(free_cases[0]); i++) {
		c = &free_cases[i];
		pid_max = c->pid_max ? c->pid_max : DEF_PID_MAX;
		if (pid_max == 0xffffffffu)
			pid_max = 0;
		set_policy(&c->k);
		set_busy(m, c->busy);
		got = pidctl_count_free(policy, pid_max, pidmap_first_busy, m);
		tap_ok(got == c->want, "count_free %s: %u (want %u)", c->name,
		       got, c->want);
	}
}

int main(void)
{
	struct pidmap m;

	if (pidmap_init(&m, LIMIT + 2))
		return 2;
	test_decide(&m);
	test_allowed();
	test_validate();
	test_active();
	test_random_offset();
	test_random_start();
	test_window_limits();
	test_count_free(&m);
	test_stock_picks(&m);
	pidmap_free(&m);
	free(policy);
	return tap_exit_status();
}
