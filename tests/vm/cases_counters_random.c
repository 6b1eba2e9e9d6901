// SPDX-License-Identifier: GPL-2.0
/*
 * Cases 26-28: the counters (kernel.pidctl.exhausted, .steered, .free),
 * the pidctl:pidctl_exhausted trace event and the log line of a refused
 * fork; kernel.pidctl.random: its values and module parameter, PID 1 in
 * new namespaces, the distribution of the gaps between PIDs (chi-square),
 * and exhaustion and reserved ranges with random on.
 *
 * Kernel threads take PIDs from the same policy, so the counters only
 * have lower bounds where something else may fork too, and a count
 * compared with /proc is retried until nothing moved in between.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cases.h"
#include "oracle.h"

#define TRACEFS		"/sys/kernel/tracing"
#define CNT_INSTANCE	TRACEFS "/instances/pidctl-counters"
#define EXH_EVENT	CNT_INSTANCE "/events/pidctl/pidctl_exhausted/enable"

static long counter(const char *name)
{
	return knob_read_num(name);
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC), rc = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n != (ssize_t)strlen(s))
		rc = n < 0 ? -errno : -EIO;
	close(fd);
	return rc;
}

/* The inode number of the initial PID namespace, as the event reports it. */
static unsigned long init_pidns_inum(void)
{
	struct stat st;

	/* the test runs in the initial namespace */
	return stat("/proc/self/ns/pid", &st) ? 0 : (unsigned long)st.st_ino;
}

/*
 * Fill [lo, hi] (the whole window) with held children from the cursor at
 * lo - 1, until fork fails.  Returns how many were made; *@rc gets the
 * error that stopped it.
 */
static int fill_window(int lo, int hi, pid_t *held, int cap, int *rc)
{
	int n = 0;

	*rc = 0;
	set_last_pid(lo - 1);
	while (n < cap) {
		held[n] = spawn_held();
		if (held[n] < 0) {
			*rc = held[n];
			held[n] = 0;
			break;
		}
		n++;
	}
	CHECK(*rc == -EAGAIN, "fork in a full window %d-%d: %s, want EAGAIN",
	      lo, hi, *rc ? strerror(-*rc) : "succeeded");
	CHECK_EQ(n + foreign_busy(lo, hi, held, n), hi - lo + 1,
		 "our children + others fill the window");
	return n;
}

/*
 * Whether /dev/kmsg has (had, since boot) a line containing @text; waits
 * up to 3 s for the irq_work that prints it.
 */
static int kmsg_has(const char *text)
{
	char rec[2048];
	int fd, i, found = 0;
	ssize_t n;

	for (i = 0; i < 30 && !found; i++) {
		fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return 0;
		for (;;) {
			n = read(fd, rec, sizeof(rec) - 1);
			if (n < 0 && errno == EPIPE)
				continue;	/* overwritten records */
			if (n <= 0)
				break;
			rec[n] = '\0';
			if (strstr(rec, text)) {
				found = 1;
				break;
			}
		}
		close(fd);
		if (!found)
			sleep_ms(100);
	}
	return found;
}

/*
 * Events of the counters' trace instance with exactly this window:
 * returns how many; *@all gets how many events there are in total.
 */
static int exhausted_events(unsigned long inum, int lo, int hi, int pid_max,
			    int *all)
{
	char *line = NULL, want[128];
	size_t cap = 0;
	int n = 0;
	FILE *f = fopen(CNT_INSTANCE "/trace", "re");

	*all = 0;
	if (!f)
		return 0;
	snprintf(want, sizeof(want),
		 "pidctl_exhausted: ns=%lu level=0 min=%d max=%d pid_max=%d",
		 inum, lo, hi, pid_max);
	while (getline(&line, &cap, f) > 0) {
		if (!strstr(line, "pidctl_exhausted: "))
			continue;
		(*all)++;
		if (strstr(line, want))
			n++;
		else
			diag("other pidctl_exhausted event: %s", line);
	}
	fclose(f);
	free(line);
	return n;
}

/*
 * Exhaust [lo, hi] (@by_max: hi is pidctl's max; else it is pid_max - 1)
 * and check the counter, the trace event and the log line.
 */
static void exhaust_and_check(int lo, int hi, int by_max)
{
	pid_t held[96];
	int n, rc, pid, ours = 1, events, all, pid_max = get_pid_max();
	long e0, e1;
	char line[200];

	if (!CHECK(hi - lo + 1 <= 64, "window too big for the test"))
		return;
	write_str(CNT_INSTANCE "/trace", "");
	e0 = counter("exhausted");
	if (!CHECK(write_str(EXH_EVENT, "1") == 0 &&
		   write_str(CNT_INSTANCE "/tracing_on", "1") == 0,
		   "enable pidctl:pidctl_exhausted in %s", CNT_INSTANCE))
		return;
	n = fill_window(lo, hi, held, 96, &rc);
	if (rc == -EAGAIN) {
		pid = spawn_exit();
		ours += pid == -EAGAIN;
		CHECK(pid == -EAGAIN, "fork again: %d, want EAGAIN", pid);
		pid = spawn_thread();
		ours += pid == -EAGAIN;
		CHECK(pid == -EAGAIN, "pthread_create: %d, want EAGAIN", pid);
	}
	write_str(CNT_INSTANCE "/tracing_on", "0");
	write_str(EXH_EVENT, "0");
	e1 = counter("exhausted");
	events = exhausted_events(init_pidns_inum(), lo, hi, pid_max, &all);
	diag("window %d-%d: %d refusals of ours, exhausted %ld -> %ld, %d events (%d with this window)",
	     lo, hi, ours, e0, e1, all, events);
	CHECK(e0 >= 0 && e1 - e0 >= ours,
	      "exhausted grew by %ld, want >= %d", e1 - e0, ours);
	CHECK(events >= ours, "trace events with ns, level 0 and the window: %d, want >= %d",
	      events, ours);
	/* both are counted in the same handler call; the trace was on less long */
	CHECK(all <= e1 - e0, "%d events but exhausted grew by %ld", all,
	      e1 - e0);
	if (by_max)
		snprintf(line, sizeof(line),
			 "pidctl: no PID allowed by the policy is free in %d-%d: the limit hit is pidctl's window (kernel.pidctl.max %d); fork fails with EAGAIN",
			 lo, hi, hi);
	else
		snprintf(line, sizeof(line),
			 "pidctl: no PID allowed by the policy is free in %d-%d: the limit hit is kernel.pid_max (%d); fork fails with EAGAIN",
			 lo, hi, pid_max);
	CHECK(kmsg_has(line), "the kernel log has \"%s\"", line);
	release_all(held, n);
}

/* free == the allowed PIDs of [lo, hi] minus @reserved that /proc does not show. */
static void check_free(int lo, int hi, int res_lo, int res_hi, const char *what)
{
	long before = -1, after = -1, brute = -1;
	int attempt, pid;

	for (attempt = 0; attempt < 5; attempt++) {
		before = counter("free");
		brute = 0;
		for (pid = lo; pid <= hi; pid++)
			brute += !(pid >= res_lo && pid <= res_hi) &&
				 !pid_in_use(pid);
		after = counter("free");
		if (before == brute && after == brute)
			break;
		sleep_ms(200);
	}
	CHECK(before == brute && after == brute,
	      "%s: free reads %ld and %ld, /proc shows %ld allowed PIDs free",
	      what, before, after, brute);
}

#define STEER_N 10

/* 26: the counters, the trace event and the log line. */
void case_counters(void)
{
	static const char *const names[3] = { "exhausted", "steered", "free" };
	pid_t held[8];
	long s0, s1, v;
	int i, attempt, pid_max = get_pid_max();
	struct stat st;
	struct pol p;
	char buf[64];

	/* read-only, plain integers */
	for (i = 0; i < 3; i++) {
		if (CHECK(stat(knob_path(names[i]), &st) == 0, "stat %s: %s",
			  names[i], strerror(errno)))
			CHECK((st.st_mode & 0777) == 0444, "%s: mode %o, want 0444",
			      names[i], st.st_mode & 0777);
		v = counter(names[i]);
		CHECK(v >= 0, "%s reads as a plain integer: %ld", names[i], v);
		CHECK(knob_write(names[i], "5") < 0, "writing %s fails",
		      names[i]);
		CHECK(knob_read(names[i], buf, sizeof(buf)) == 0 &&
		      strtol(buf, NULL, 10) >= 0, "%s reads \"%s\"", names[i],
		      buf);
	}

	/* steered: nothing when the policy picks what stock would */
	if (!policy_apply(&p, 8000, 8999, 1, NULL))
		return;
	for (attempt = 0; attempt < 3; attempt++) {
		set_last_pid(8099 + 100 * attempt);
		s0 = counter("steered");
		for (i = 0; i < STEER_N; i++)
			spawn_exit();
		s1 = counter("steered");
		if (s1 == s0)
			break;
	}
	CHECK_EQ(s1 - s0, 0, "steered after forks the window did not change");
	/* ... and every allocation a stride moves */
	if (!policy_apply(&p, 8000, 8999, 5, NULL))
		return;
	set_last_pid(8499);
	s0 = counter("steered");
	for (i = 0; i < STEER_N; i++)
		spawn_exit();
	s1 = counter("steered");
	CHECK(s1 - s0 >= STEER_N - 1,
	      "steered grew by %ld over %d forks with stride 5, want >= %d",
	      s1 - s0, STEER_N, STEER_N - 1);
	/* a cursor below min: the first fork is moved up to min */
	if (!policy_apply(&p, 8700, 8999, 1, NULL))
		return;
	set_last_pid(8599);
	s0 = counter("steered");
	spawn_exit();
	s1 = counter("steered");
	CHECK(s1 - s0 >= 1, "steered grew by %ld for a fork moved up to min",
	      s1 - s0);

	/* free: a window with a reserved range and five held children */
	if (!policy_apply(&p, 8000, 8063, 1, "8010-8019"))
		return;
	check_free(8000, 8063, 8010, 8019, "empty window");
	set_last_pid(7999);
	for (i = 0; i < 5; i++)
		held[i] = spawn_held();
	check_free(8000, 8063, 8010, 8019, "5 children held");
	release_all(held, 5);

	/* exhaustion: the window's max, then pid_max, is the limit hit */
	if (mkdir(CNT_INSTANCE, 0755) && errno != EEXIST) {
		CHECK(0, "mkdir %s: %s", CNT_INSTANCE, strerror(errno));
		return;
	}
	if (policy_apply(&p, 8000, 8015, 1, NULL))
		exhaust_and_check(8000, 8015, 1);
	if (policy_apply(&p, (unsigned int)pid_max - 16, 0, 1, NULL))
		exhaust_and_check(pid_max - 16, pid_max - 1, 0);
	knobs_reset();
	rmdir(CNT_INSTANCE);
}

/* ---- random ---- */

#define RND_N		8		/* random = 8: gaps 1..8 */
#define RND_LO		10000
#define RND_HI		29999
/*
 * Gaps drawn, and undisturbed gaps needed: 2000 and 1500 on a stock
 * kernel; a slow (debug) kernel draws 400 and needs 300 (still 37 or more
 * expected per value, where the chi-square law holds as well).
 */
#define RND_SAMPLES	((int)slow_count(2000, 400))
#define RND_MIN_USED	(RND_SAMPLES * 3 / 4)
/*
 * Chi-square with RND_N - 1 = 7 degrees of freedom: P(X > 35.26) = 1e-5.
 * With 1500..2000 gaps (187..250 expected per value; 37..50 on a slow
 * kernel) the chi-square law
 * is a close approximation of the statistic's, so a correct
 * implementation fails this well under once in 10^4 runs (about once in
 * 10^5).  A start that is not uniform over 1..8 by a few percent of
 * each value's share fails it nearly always.
 */
#define CHI2_CRIT	35.26

/* Whether @pid is in the sorted @v[0..n-1]. */
static int in_sorted(const int *v, int n, int pid)
{
	int lo = 0, hi = n - 1, mid;

	while (lo <= hi) {
		mid = (lo + hi) / 2;
		if (v[mid] == pid)
			return 1;
		if (v[mid] < pid)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	return (*(const int *)a > *(const int *)b) -
	       (*(const int *)a < *(const int *)b);
}

/* The PIDs of @n new PID namespaces' first processes: 1 inside, allowed outside. */
static void check_pidns_first(const struct pol *p, int n)
{
	int *res, i, status, pid_max = get_pid_max();
	long pid;

	res = mmap(NULL, sizeof(int) * 3 * (size_t)n, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!CHECK(res != MAP_FAILED, "mmap: %s", strerror(errno)))
		return;
	for (i = 0; i < n; i++) {
		pid = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
		if (pid == 0) {
			res[3 * i] = (int)syscall(SYS_getpid);
			read_nspid(&res[3 * i + 1], &res[3 * i + 2]);
			syscall(SYS_exit_group, 0);
		}
		if (!CHECK(pid > 0, "clone(CLONE_NEWPID): %s", strerror(errno)))
			break;
		waitpid((pid_t)pid, &status, 0);
		CHECK(res[3 * i] == 1 && res[3 * i + 2] == 1,
		      "namespace %d: first process has PID %d (NSpid inner %d), want 1",
		      i, res[3 * i], res[3 * i + 2]);
		CHECK(res[3 * i + 1] == pid &&
		      pol_allowed(p, (unsigned int)pid, (unsigned int)pid_max),
		      "namespace %d: host PID %ld (NSpid %d) outside the policy",
		      i, pid, res[3 * i + 1]);
	}
	munmap(res, sizeof(int) * 3 * (size_t)n);
}

/* 27: random: the gaps between one process's PIDs are uniform over 1..N. */
void case_random_gaps(void)
{
	int *pids, *busy, nbusy = 0, *foreign, nforeign, i, k, pid, used = 0;
	long count[RND_N + 1] = { 0 }, bad = 0, disturbed = 0;
	double chi2 = 0, expect;
	struct pol p;

	pids = calloc(RND_SAMPLES + 1, sizeof(*pids));
	busy = calloc(RND_HI - RND_LO + 1, sizeof(*busy));
	foreign = calloc(65536, sizeof(*foreign));
	if (!pids || !busy || !foreign)
		skip_case("out of memory");
	if (!policy_apply(&p, RND_LO, RND_HI, 1, NULL))
		return;
	if (!CHECK(knob_write_num("random", RND_N) == 0, "random=%d", RND_N))
		return;
	CHECK_EQ(knob_read_num("random"), RND_N, "random reads back");

	/* what was busy before: a gap that may have met it is not counted */
	for (pid = RND_LO; pid <= RND_HI; pid++)
		if (pid_in_use(pid))
			busy[nbusy++] = pid;
	set_last_pid(RND_LO - 1);
	for (i = 0; i <= RND_SAMPLES; i++) {
		pids[i] = spawn_exit();
		if (!CHECK(pids[i] >= RND_LO && pids[i] <= RND_HI,
			   "fork %d: %d outside %d-%d", i, pids[i], RND_LO,
			   RND_HI))
			goto out;
	}
	nforeign = oracle_foreign_pids(foreign, 65536);
	if (!CHECK(nforeign >= 0, "the trace cannot be read"))
		goto out;
	qsort(foreign, (size_t)nforeign, sizeof(*foreign), cmp_int);

	/*
	 * A gap counts only if nothing else was busy or created in the N
	 * PIDs after its start, whatever the draw: which gaps are dropped
	 * does not depend on their value, so the rest stay uniform.
	 */
	for (i = 0; i < RND_SAMPLES; i++) {
		int gap = pids[i + 1] - pids[i], hit = 0;

		for (k = 1; k <= RND_N && !hit; k++)
			hit = in_sorted(busy, nbusy, pids[i] + k) ||
			      in_sorted(foreign, nforeign, pids[i] + k);
		if (hit || pids[i] + RND_N > RND_HI) {
			disturbed++;
			continue;
		}
		if (gap < 1 || gap > RND_N) {
			if (bad++ < 5)
				diag("gap %d: %d -> %d", i, pids[i], pids[i + 1]);
			continue;
		}
		count[gap]++;
		used++;
	}
	CHECK_EQ(bad, 0, "undisturbed gaps outside 1..N");
	diag("%d gaps used, %ld disturbed by %d busy and %d foreign PIDs",
	     used, disturbed, nbusy, nforeign);
	if (!CHECK(used >= RND_MIN_USED, "only %d undisturbed gaps, want >= %d",
		   used, RND_MIN_USED))
		goto out;
	expect = (double)used / RND_N;
	for (k = 1; k <= RND_N; k++)
		chi2 += (count[k] - expect) * (count[k] - expect) / expect;
	diag("gap counts 1..%d: %ld %ld %ld %ld %ld %ld %ld %ld; chi-square %.2f (critical %.2f, p = 1e-5)",
	     RND_N, count[1], count[2], count[3], count[4], count[5], count[6],
	     count[7], count[8], chi2, CHI2_CRIT);
	CHECK(chi2 < CHI2_CRIT, "chi-square %.2f >= %.2f: the gaps are not uniform",
	      chi2, CHI2_CRIT);

	/* the first process of each new namespace is still PID 1 there */
	check_pidns_first(&p, 16);
out:
	free(pids);
	free(busy);
	free(foreign);
}

#define EX_LO 20000
#define EX_HI 20015

/* 28: random: values, the module parameter, exhaustion, reserved ranges. */
void case_random_policy(void)
{
	static const char *const bad[] = { "65537", "-1", "+8", "0x10", "010",
					   "8 8", "" };
	pid_t held[40], freed;
	int i, n, rc, pid, pid_max = get_pid_max(), lo_hits = 0, hi_hits = 0;
	char comm[32];
	long e0;
	struct pol p;

	/* values */
	CHECK_EQ(knob_read_num("random"), 0, "random defaults to 0");
	CHECK(knob_write("random", "65536") == 0, "random=65536 (the bound)");
	CHECK_EQ(knob_read_num("random"), 65536, "random reads back");
	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
		rc = knob_write("random", bad[i]);
		CHECK(rc == -EINVAL, "random=\"%s\": %s, want EINVAL", bad[i],
		      rc ? strerror(-rc) : "accepted");
	}
	CHECK_EQ(knob_read_num("random"), 65536, "random unchanged by bad writes");
	knobs_reset();

	/* random alone arms the hook: PIDs stay in the stock window */
	if (!CHECK(knob_write("random", "100") == 0, "random=100 alone"))
		return;
	for (i = 0; i < 20; i++) {
		pid = spawn_exit();
		CHECK(pid >= 1 && pid < pid_max, "random alone: fork got %d",
		      pid);
	}

	/* exhaustion still holds, and a freed PID is the one handed out */
	if (!policy_apply(&p, EX_LO, EX_HI, 1, NULL))
		return;
	if (!CHECK(knob_write_num("random", RND_N) == 0, "random=%d", RND_N))
		return;
	e0 = counter("exhausted");
	n = fill_window(EX_LO, EX_HI, held, 40, &rc);
	for (i = 0; i < n; i++)
		CHECK(held[i] >= EX_LO && held[i] <= EX_HI,
		      "child %d got %d, outside the window", i, held[i]);
	CHECK(counter("exhausted") > e0, "exhausted grew");
	if (rc == -EAGAIN && n > 8) {
		freed = held[5];
		release(held[5]);
		held[5] = spawn_held();
		if (held[5] != freed) {
			CHECK(held[5] == -EAGAIN &&
			      oracle_foreign_task(freed, comm, sizeof(comm)),
			      "fork after one PID freed: %d, want %d", held[5],
			      freed);
			if (held[5] < 0)
				held[5] = 0;
		}
	}
	release_all(held, n);

	/* reserved ranges: never handed out, both sides of them reached */
	if (!policy_apply(&p, 6000, 6999, 1, "6100-6899"))
		return;
	if (!CHECK(knob_write("random", "64") == 0, "random=64"))
		return;
	set_last_pid(5999);
	for (i = 0; i < 300; i++) {
		pid = spawn_exit();
		if (!CHECK(pid > 0 && pol_allowed(&p, (unsigned int)pid,
						  (unsigned int)pid_max),
			   "fork %d with random=64 got %d", i, pid))
			break;
		lo_hits += pid < 6100;
		hi_hits += pid > 6899;
	}
	CHECK(lo_hits > 0 && hi_hits > 0,
	      "both allowed parts reached: %d below, %d above the range",
	      lo_hits, hi_hits);
	knobs_reset();

	/* the module parameter: same grammar and bound as the sysctl */
	if (!module_path())
		return;
	if (!CHECK(module_unload() == 0, "unload"))
		return;
	rc = module_load("random=65537");
	CHECK(rc == -EINVAL, "insmod random=65537: %s, want EINVAL",
	      rc ? strerror(-rc) : "loaded");
	if (!rc)
		module_unload();
	rc = module_load("random=0x10");
	CHECK(rc == -EINVAL, "insmod random=0x10: %s, want EINVAL",
	      rc ? strerror(-rc) : "loaded");
	if (!rc)
		module_unload();
	rc = module_load("random=12");
	if (CHECK(rc == 0, "insmod random=12: %s", strerror(-rc))) {
		CHECK_EQ(knob_read_num("random"), 12, "random=12 from the parameter");
		pid = spawn_exit();
		CHECK(pid > 0, "fork with random=12 from load: %d", pid);
		CHECK(module_unload() == 0, "unload");
	}
	rc = module_load("");
	CHECK(rc == 0, "reload without parameters: %s", strerror(-rc));
}
