// SPDX-License-Identifier: GPL-2.0
/*
 * Cases 10 and 16: worker processes forking and creating threads on both
 * vCPUs, while other processes rewrite the knobs, move ns_last_pid and
 * clone with set_tid (10), or the module is unloaded under them (16).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/sched.h>
#include <stdint.h>

#include "cases.h"
#include "oracle.h"

#define NWORKERS	4
#define BATCH		4
#define MAX_STATES	16
#define NHELPERS	3	/* rewriter, ns_last_pid writer, set_tid cloner */

struct wstat {
	long forks, threads, bad, eagain, other;
	int first_bad, first_errno;
};

struct storm {
	int go, stop, check;		/* accessed with __atomic */
	long target;			/* creations per worker; 0: until stop */
	unsigned int pid_max;
	/*
	 * The policy after k completed knob writes is states[k % nstates].
	 * The rewriter makes seq odd before each write and even after it, so
	 * a fork that read seq s0 before and s1 after it saw one of the
	 * states s0 / 2 .. (s1 + 1) / 2.
	 */
	int nstates;
	long seq;
	struct pol states[MAX_STATES];
	struct wstat w[NWORKERS];
	long rewrites, rewrite_errs;
	int rewrite_first_err;
	long cursor_moves, cursor_errs;
	long set_tids, set_tid_busy, set_tid_errs;
	int set_tid_first_err, set_tid_wrong;
};

static int load(const int *v)
{
	return __atomic_load_n(v, __ATOMIC_SEQ_CST);
}

static void store(int *v, int x)
{
	__atomic_store_n(v, x, __ATOMIC_SEQ_CST);
}

static long seq_now(struct storm *s)
{
	return __atomic_load_n(&s->seq, __ATOMIC_SEQ_CST);
}

/* @pid was made between reading seq @s0 and @s1: one of those states. */
static void note_pid(struct storm *s, struct wstat *w, int pid, long s0,
		     long s1)
{
	long k;

	if (!load(&s->check))
		return;
	for (k = s0 / 2; k <= (s1 + 1) / 2 && k < s0 / 2 + s->nstates; k++)
		if (pol_allowed(&s->states[k % s->nstates], (unsigned)pid,
				s->pid_max))
			return;
	if (!w->bad++)
		w->first_bad = pid;
}

static void note_err(struct wstat *w, int err)
{
	if (err == EAGAIN) {
		w->eagain++;
	} else if (!w->other++) {
		w->first_errno = err;
	}
}

static void *tid_thread(void *arg)
{
	*(volatile int *)arg = (int)syscall(SYS_gettid);
	return NULL;
}

static void worker(struct storm *s, int id)
{
	struct wstat *w = &s->w[id];
	pthread_t t[BATCH];
	int tid[BATCH], made[BATCH];
	long s0[BATCH];
	pid_t kids[BATCH];
	int i, nk;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while (!load(&s->go))
		sleep_ms(1);
	while (!load(&s->stop) &&
	       (!s->target || w->forks + w->threads < s->target)) {
		for (i = nk = 0; i < BATCH; i++) {
			long before = seq_now(s);
			pid_t pid = fork();

			if (pid == 0)
				_exit(0);
			if (pid < 0) {
				note_err(w, errno);
				continue;
			}
			kids[nk++] = pid;
			w->forks++;
			note_pid(s, w, pid, before, seq_now(s));
		}
		for (i = 0; i < nk; i++)
			waitpid(kids[i], NULL, 0);
		for (i = 0; i < BATCH; i++) {
			int rc;

			tid[i] = 0;
			s0[i] = seq_now(s);
			rc = pthread_create(&t[i], NULL, tid_thread, &tid[i]);
			made[i] = rc == 0;
			if (rc)
				note_err(w, rc);
		}
		for (i = 0; i < BATCH; i++) {
			if (!made[i])
				continue;
			pthread_join(t[i], NULL);
			w->threads++;
			note_pid(s, w, tid[i], s0[i], seq_now(s));
		}
	}
	_exit(0);
}

struct step {
	const char *knob, *val;
};

/*
 * One knob changes per step and the cycle returns to where it started,
 * passing through "no policy" (every knob at its default) on the way.
 */
#define R1 "13000-13099"
#define R2 "13000-13099,14444,17000-17999"
static const struct step cycle[] = {
	{ "stride", "5" }, { "reserved", R2 }, { "min", "12000" },
	{ "max", "16000" }, { "stride", "1" }, { "reserved", R1 },
	{ "min", "10000" }, { "max", "20000" },
	{ "reserved", "" }, { "min", "0" }, { "max", "0" },
	{ "max", "20000" }, { "min", "10000" }, { "reserved", R1 },
};
#define NSTEPS ((int)(sizeof(cycle) / sizeof(cycle[0])))

static void rewriter(struct storm *s)
{
	int i = 0, rc;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while (!load(&s->go))
		sleep_ms(1);
	while (!load(&s->stop)) {
		__atomic_add_fetch(&s->seq, 1, __ATOMIC_SEQ_CST);
		rc = knob_write(cycle[i].knob, cycle[i].val);
		__atomic_add_fetch(&s->seq, 1, __ATOMIC_SEQ_CST);
		if (rc && !s->rewrite_errs++)
			s->rewrite_first_err = rc;
		s->rewrites++;
		i = (i + 1) % NSTEPS;
		sleep_ms(2);
	}
	_exit(0);
}

/* ns_last_pid anywhere: in, below and above the window, in reserved PIDs. */
static void cursor_mover(struct storm *s)
{
	static const int spots[] = { 9000, 10000, 12999, 13050, 14443, 16500,
				     17500, 19990, 20000, 25000, 400 };
	unsigned int r = 1;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while (!load(&s->go))
		sleep_ms(1);
	while (!load(&s->stop)) {
		r = r * 1103515245u + 12345u;
		if (set_last_pid(spots[(r >> 16) % (sizeof(spots) / sizeof(spots[0]))]))
			s->cursor_errs++;
		s->cursor_moves++;
		sleep_ms(1);
	}
	_exit(0);
}

/* clone3 set_tid into the reserved range R1, which the policy skips. */
static void set_tid_cloner(struct storm *s)
{
	struct clone_args a;
	int tid = 13000;
	long pid;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while (!load(&s->go))
		sleep_ms(1);
	while (!load(&s->stop)) {
		memset(&a, 0, sizeof(a));
		a.exit_signal = SIGCHLD;
		a.set_tid = (uint64_t)(uintptr_t)&tid;
		a.set_tid_size = 1;
		pid = syscall(SYS_clone3, &a, sizeof(a));
		if (pid == 0)
			_exit(0);
		if (pid > 0) {
			oracle_exempt((int)pid);
			waitpid((pid_t)pid, NULL, 0);
			s->set_tids++;
			if (pid != tid && !s->set_tid_wrong)
				s->set_tid_wrong = (int)pid;
		} else if (errno == EEXIST) {
			s->set_tid_busy++;	/* a worker holds it (no policy) */
		} else if (!s->set_tid_errs++) {
			s->set_tid_first_err = errno;
		}
		tid = tid == 13099 ? 13000 : tid + 1;
		sleep_ms(3);
	}
	_exit(0);
}

static void set_state(struct pol *p, const struct step *st)
{
	pol_set_knob(p, st->knob, st->val);
}

static struct storm *storm_new(void)
{
	struct storm *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (s == MAP_FAILED)
		skip_case("mmap: %s", strerror(errno));
	memset(s, 0, sizeof(*s));
	s->pid_max = (unsigned)get_pid_max();
	return s;
}

static int start_workers(struct storm *s, pid_t *pids)
{
	int i;

	for (i = 0; i < NWORKERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			worker(s, i);
		if (!CHECK(pids[i] > 0, "fork worker: %s", strerror(errno)))
			return 0;
	}
	return 1;
}

static long total(const struct storm *s, long *forks, long *threads)
{
	long f = 0, t = 0;
	int i;

	for (i = 0; i < NWORKERS; i++) {
		f += __atomic_load_n(&s->w[i].forks, __ATOMIC_RELAXED);
		t += __atomic_load_n(&s->w[i].threads, __ATOMIC_RELAXED);
	}
	if (forks)
		*forks = f;
	if (threads)
		*threads = t;
	return f + t;
}

static void check_workers(const struct storm *s, int allow_eagain)
{
	int i;

	for (i = 0; i < NWORKERS; i++) {
		const struct wstat *w = &s->w[i];

		diag("worker %d: %ld forks, %ld threads, %ld outside policy, %ld EAGAIN, %ld other errors",
		     i, w->forks, w->threads, w->bad, w->eagain, w->other);
		CHECK(w->bad == 0, "worker %d: %ld PIDs outside every policy, first %d",
		      i, w->bad, w->first_bad);
		CHECK(w->other == 0, "worker %d: %ld unexpected errors, first %s",
		      i, w->other, strerror(w->first_errno));
		if (!allow_eagain)
			CHECK(w->eagain == 0, "worker %d: %ld EAGAIN with large windows",
			      i, w->eagain);
	}
}

/* 10: concurrency with knob rewrites, cursor moves and set_tid. */
void case_concurrency(void)
{
	static void (*const helpers[NHELPERS])(struct storm *) = {
		rewriter, cursor_mover, set_tid_cloner,
	};
	struct storm *s = storm_new();
	pid_t pids[NWORKERS + NHELPERS];
	int i, j, live, status;
	struct pol cur;
	long forks, threads;
	double t0;

	/* the states of the cycle: states[k] after k writes */
	pol_init(&cur, 10000, 20000, 1, R1);
	s->states[s->nstates++] = cur;
	for (i = 0; i < NSTEPS - 1; i++) {
		set_state(&cur, &cycle[i]);
		s->states[s->nstates++] = cur;
	}
	for (i = 0; i < s->nstates; i++)
		diag("policy %d: %s", i, pol_str(&s->states[i]));
	s->check = 1;
	s->target = slow_count(2000, 50);

	if (!CHECK(knobs_set(10000, 20000, 1, R1) == 0, "initial policy"))
		return;
	for (i = 0; i < NHELPERS; i++) {
		pids[NWORKERS + i] = fork();
		if (pids[NWORKERS + i] == 0)
			helpers[i](s);
		if (!CHECK(pids[NWORKERS + i] > 0, "fork helper %d", i))
			return;
	}
	if (!start_workers(s, pids))
		return;
	t0 = now();
	store(&s->go, 1);
	/*
	 * Until every worker made its share, or for 100 s (times the slow factor) on a slow host;
	 * then stop everyone.  What the case proves lies in the checks, not
	 * the volume, which only has to give every state of the cycle many
	 * forks and threads.
	 */
	for (live = NWORKERS; live > 0 && now() - t0 < slow_secs(100);) {
		pid_t r = waitpid(-1, &status, WNOHANG);

		for (j = 0; j < NWORKERS; j++)
			if (r == pids[j]) {
				live--;
				pids[j] = 0;
				CHECK(WIFEXITED(status) && !WEXITSTATUS(status),
				      "worker %d ended with status %#x", j, status);
			}
		if (r <= 0)
			sleep_ms(50);
	}
	store(&s->stop, 1);
	for (j = 0; j < NWORKERS + NHELPERS; j++) {
		if (!pids[j] || waitpid(pids[j], &status, 0) != pids[j])
			continue;
		CHECK(WIFEXITED(status) && !WEXITSTATUS(status),
		      "%s %d ended with status %#x",
		      j < NWORKERS ? "worker" : "helper",
		      j < NWORKERS ? j : j - NWORKERS, status);
	}

	total(s, &forks, &threads);
	diag("%ld forks + %ld threads in %.1f s; %ld knob rewrites, %ld cursor moves, %ld set_tid clones (%ld busy)",
	     forks, threads, now() - t0, s->rewrites, s->cursor_moves,
	     s->set_tids, s->set_tid_busy);
	CHECK(forks >= slow_count(2000, 45) &&
	      threads >= slow_count(2000, 45),
	      "only %ld forks and %ld threads", forks, threads);
	CHECK(s->rewrites >= slow_count(10 * NSTEPS, 2 * NSTEPS), "only %ld rewrites", s->rewrites);
	CHECK(s->rewrite_errs == 0, "%ld knob rewrites failed, first %s",
	      s->rewrite_errs, strerror(-s->rewrite_first_err));
	CHECK(s->cursor_moves > slow_count(100, 10) && !s->cursor_errs,
	      "%ld cursor moves, %ld failed", s->cursor_moves, s->cursor_errs);
	CHECK(s->set_tids > 10, "only %ld set_tid clones succeeded", s->set_tids);
	CHECK(!s->set_tid_errs, "%ld set_tid clones failed, first %s",
	      s->set_tid_errs, strerror(s->set_tid_first_err));
	CHECK(!s->set_tid_wrong, "set_tid gave PID %d, not the one asked for",
	      s->set_tid_wrong);
	check_workers(s, 0);
}

/* 16: rmmod during a fork storm. */
void case_rmmod_storm(void)
{
	struct storm *s = storm_new();
	pid_t pids[NWORKERS];
	struct pol p, stock;
	long at_unload, after;
	int got[8], rc, i, pid_max = get_pid_max();
	char v[64];
	double t0;

	if (!module_path())
		skip_case("PIDCTL_KO unset: cannot load the module again");
	if (!policy_apply(&p, 10000, 20000, 3, R1))
		return;
	s->states[s->nstates++] = p;
	s->check = 1;
	s->target = 0;
	if (!start_workers(s, pids))
		return;
	t0 = now();
	store(&s->go, 1);
	while (total(s, NULL, NULL) < slow_count(600, 30) &&
	       now() - t0 < slow_secs(10))
		sleep_ms(20);
	store(&s->check, 0);	/* PIDs after this may be stock */
	at_unload = total(s, NULL, NULL);
	rc = module_unload();
	CHECK(rc == 0, "delete_module under load: %s", strerror(-rc));
	diag("unloaded after %ld creations (%.1f s)", at_unload, now() - t0);
	t0 = now();
	while (total(s, NULL, NULL) < at_unload + slow_count(600, 30) &&
	       now() - t0 < slow_secs(10))
		sleep_ms(20);
	store(&s->stop, 1);
	for (i = 0; i < NWORKERS; i++)
		waitpid(pids[i], NULL, 0);
	after = total(s, NULL, NULL) - at_unload;
	CHECK(after >= slow_count(600, 30), "only %ld creations after the unload",
	      after);
	check_workers(s, 1);
	if (rc)
		return;

	/* stock behaviour */
	CHECK(!knobs_present(), "knob directory still there after rmmod");
	CHECK(!module_loaded(), "/sys/module/pidctl still there after rmmod");
	pol_init(&stock, 0, 0, 1, NULL);
	if (expect_seq("stock after rmmod", &stock, 25000, 4, "fftf", got))
		for (i = 0; i < 4; i++)
			CHECK_EQ(got[i], 25001 + i, "stock sequence");
	if (expect_seq("stock: formerly reserved PID", &stock, 12999, 2, NULL,
		       got)) {
		CHECK_EQ(got[0], 13000, "13000 no longer reserved");
		CHECK_EQ(got[1], 13001, "no stride any more");
	}
	if (expect_seq("stock: above the old max", &stock, 22000, 1, NULL, got))
		CHECK_EQ(got[0], 22001, "old max no longer applies");
	if (expect_seq("stock: wrap at pid_max", &stock, pid_max - 1, 1, NULL,
		       got))
		CHECK(got[0] >= 300 && got[0] < 10000, "wrap to 300: %d", got[0]);

	/* leave the system as found: loaded, defaults */
	rc = module_load("");
	if (!CHECK(rc == 0, "insmod again: %s", strerror(-rc)))
		return;
	CHECK(knob_read("max", v, sizeof(v)) == 0 && !strcmp(v, "0"),
	      "max after reload: %s", v);
	CHECK(knob_read("reserved", v, sizeof(v)) == 0 && !strcmp(v, ""),
	      "reserved after reload: \"%s\"", v);
}
