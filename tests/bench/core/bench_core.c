// SPDX-License-Identifier: GPL-2.0
/*
 * Micro-benchmark of the policy core's decision, pidctl_next_pid(), with
 * pid_max = PID_MAX_LIMIT, R reserved ranges spread evenly over the window
 * (each covering half of its slot, so allowed gaps alternate with them)
 * and a given share of the allowed PIDs busy in a bitmap PID table, whose
 * word-at-a-time first-free search is the oracle.  Cursors are random.
 *
 * usage: bench_core table              median ns/decision, R x occupancy
 *        bench_core smoke              a few seconds of sanity checks, TAP
 *        bench_core run R OCC N        N decisions, for callgrind
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../../../src/pidctl_core.h"
#include "../../unit/pidmap.h"
#include "../../unit/tap.h"

#define LIMIT PIDCTL_PID_MAX_LIMIT
#define NR_CURSORS 65536u

static struct pidmap busy;
static struct pidctl_policy *policy;
static unsigned int cursors[NR_CURSORS];
static unsigned long long rng = 88172645463325252ull;

static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

/* Build the policy with @r ranges and fill the table to @occ percent. */
static int setup(unsigned int r, unsigned int occ)
{
	unsigned int lo = PIDCTL_RESERVED_PIDS, span = LIMIT - lo;
	unsigned int slot = span / r, i, pid;

	free(policy);
	policy = malloc(sizeof(*policy) + r * sizeof(policy->ranges[0]));
	if (!policy)
		return -1;
	policy->min = 0;
	policy->max = 0;
	policy->stride = 1;
	policy->random = 0;
	policy->nr_ranges = r;
	for (i = 0; i < r; i++) {
		policy->ranges[i].lo = lo + i * slot + slot / 2;
		policy->ranges[i].hi = lo + i * slot + slot - 1;
	}
	if (pidctl_policy_validate(policy, LIMIT))
		return -1;
	pidmap_clear(&busy);
	for (pid = 1; pid < LIMIT; pid++)
		if (occ && rnd(100) < occ &&
		    pidctl_pid_allowed(policy, pid, LIMIT))
			pidmap_set(&busy, pid, 1);
	for (i = 0; i < NR_CURSORS; i++)
		cursors[i] = lo + rnd(span);
	return 0;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static volatile int sink;

/* @n decisions from the cursor table; returns ns per decision. */
static double run(unsigned long n)
{
	double t0 = now_ns();
	unsigned long i;
	int acc = 0;

	for (i = 0; i < n; i++)
		acc += pidctl_next_pid(policy, cursors[i % NR_CURSORS], LIMIT,
				       pidmap_first_free, &busy);
	sink = acc;
	return (now_ns() - t0) / n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median over @batches batches of @n decisions; oracle calls/decision. */
static double median_ns(unsigned int batches, unsigned long n, double *calls)
{
	double t[64];
	unsigned int b;

	run(n);	/* warm up */
	busy.calls = 0;
	for (b = 0; b < batches; b++)
		t[b] = run(n);
	*calls = (double)busy.calls / ((double)batches * n);
	qsort(t, batches, sizeof(t[0]), cmp_double);
	return t[batches / 2];
}

/* The decision, the slow way: walk PID by PID from the cursor. */
static int brute_next(unsigned int cursor)
{
	unsigned int hi = LIMIT - 1, wrap_lo = PIDCTL_RESERVED_PIDS, pid;
	unsigned int s = cursor ? cursor : 1;

	if (s > hi)
		s = wrap_lo;
	for (pid = s; pid <= hi; pid++)
		if (pidctl_pid_allowed(policy, pid, LIMIT) &&
		    !pidmap_busy(&busy, pid))
			return (int)pid;
	for (pid = wrap_lo; pid < s; pid++)
		if (pidctl_pid_allowed(policy, pid, LIMIT) &&
		    !pidmap_busy(&busy, pid))
			return (int)pid;
	return -PIDCTL_EAGAIN;
}

static const unsigned int sizes[] = { 1, 16, 256, 1024 };
static const unsigned int occs[] = { 0, 50, 99 };

static int table(void)
{
	unsigned int i, j;
	double ns, calls;

	printf("# pidctl_next_pid, pid_max %u, median of 15 x 200000 decisions\n",
	       LIMIT);
	printf("%8s %6s %14s %14s\n", "ranges", "busy%", "ns/decision",
	       "oracle calls");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (j = 0; j < sizeof(occs) / sizeof(occs[0]); j++) {
			if (setup(sizes[i], occs[j]))
				return 1;
			ns = median_ns(15, 200000, &calls);
			printf("%8u %6u %14.1f %14.2f\n", sizes[i], occs[j], ns,
			       calls);
			fflush(stdout);
		}
	}
	return 0;
}

static int smoke(void)
{
	static const unsigned int r[] = { 1, 1024 }, o[] = { 0, 99 };
	unsigned int i, j, k, bad;
	double ns, calls;
	int got, want;

	for (i = 0; i < 2; i++) {
		for (j = 0; j < 2; j++) {
			if (setup(r[i], o[j]))
				return 1;
			for (k = bad = 0; k < 20; k++) {
				got = pidctl_next_pid(policy, cursors[k], LIMIT,
						      pidmap_first_free, &busy);
				want = brute_next(cursors[k]);
				bad += got != want;
			}
			tap_ok(!bad, "R=%u busy %u%%: 20 decisions match a PID-by-PID walk",
			       r[i], o[j]);
			ns = median_ns(5, 100000, &calls);
			/* Loose: catches a per-PID scan, not a slow machine. */
			tap_ok(ns < 5000,
			       "R=%u busy %u%%: %.1f ns/decision, %.2f oracle calls (< 5000 ns)",
			       r[i], o[j], ns, calls);
		}
	}
	return tap_exit_status();
}

int main(int argc, char **argv)
{
	unsigned long n;

	if (pidmap_init(&busy, LIMIT + 1))
		return 2;
	if (argc == 2 && !strcmp(argv[1], "table"))
		return table();
	if (argc == 2 && !strcmp(argv[1], "smoke"))
		return smoke();
	if (argc == 5 && !strcmp(argv[1], "run")) {
		if (setup((unsigned int)atoi(argv[2]),
			  (unsigned int)atoi(argv[3])))
			return 1;
		n = strtoul(argv[4], NULL, 0);
		printf("%.1f ns/decision over %lu decisions\n", run(n), n);
		return 0;
	}
	fprintf(stderr, "usage: %s table | smoke | run R OCC N\n", argv[0]);
	return 2;
}
