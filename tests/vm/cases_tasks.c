// SPDX-License-Identifier: GPL-2.0
/*
 * Cases 8 and 9: threads obey the policy, and a full window fails fork()
 * and pthread_create() with EAGAIN until a PID frees.
 */
#include <errno.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cases.h"

#define SEQ 64
#define NTHREADS 8

struct held_threads {
	pthread_barrier_t started, done;
	int tid[NTHREADS];
};

static struct held_threads *ht;

static void *held_thread(void *arg)
{
	int i = (int)(long)arg;

	ht->tid[i] = (int)syscall(SYS_gettid);
	pthread_barrier_wait(&ht->started);
	pthread_barrier_wait(&ht->done);
	return NULL;
}

/* 8: threads. */
void case_threads(void)
{
	static struct held_threads storage;
	pthread_t t[NTHREADS];
	int got[SEQ], i, j, pid_max = get_pid_max(), status;
	struct pol p;
	pid_t child;

	if (!policy_apply(&p, 5000, 5030, 2, "5010-5013"))
		return;
	if (expect_seq("threads, stride 2 in 5000-5030", &p, 4999, 20, "tttttttttttttttttttt", got)) {
		CHECK_EQ(got[0], 5000, "first thread at min");
		CHECK_EQ(got[4], 5008, "+stride");
		CHECK_EQ(got[5], 5014, "5010-5013 reserved");
		CHECK_EQ(got[13], 5030, "max");
		CHECK_EQ(got[14], 5000, "wrap to min");
	}

	/* threads alive at the same time: distinct, all allowed */
	ht = &storage;
	pthread_barrier_init(&ht->started, NULL, NTHREADS + 1);
	pthread_barrier_init(&ht->done, NULL, NTHREADS + 1);
	set_last_pid(5020);
	for (i = 0; i < NTHREADS; i++) {
		int rc = pthread_create(&t[i], NULL, held_thread, (void *)(long)i);

		if (!CHECK(rc == 0, "pthread_create %d: %s", i, strerror(rc)))
			skip_case("cannot continue without threads");
	}
	pthread_barrier_wait(&ht->started);
	for (i = 0; i < NTHREADS; i++) {
		CHECK(pol_allowed(&p, (unsigned)ht->tid[i], (unsigned)pid_max),
		      "live thread %d has TID %d", i, ht->tid[i]);
		for (j = 0; j < i; j++)
			CHECK(ht->tid[i] != ht->tid[j], "duplicate TID %d",
			      ht->tid[i]);
	}
	diag("live thread TIDs: %s", ints_str(ht->tid, NTHREADS));
	pthread_barrier_wait(&ht->done);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < NTHREADS; i++)
		wait_pid_gone(ht->tid[i]);

	/* threads of a process that was itself forked under the policy */
	set_last_pid(5000);
	child = fork();
	if (child == 0) {
		int bad = 0, tid;

		for (i = 0; i < 12; i++) {
			tid = spawn_thread();
			if (tid < 0 || !pol_allowed(&p, (unsigned)tid,
						    (unsigned)pid_max))
				bad++;
		}
		_exit(bad);
	}
	if (CHECK(child > 0, "fork: %s", strerror(errno))) {
		CHECK(pol_allowed(&p, (unsigned)child, (unsigned)pid_max),
		      "child PID %d", child);
		waitpid(child, &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "threads of the child outside the policy: %d",
		      WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
}

#define WIN_LO 6000
#define WIN_HI 6063
#define WIN_N (WIN_HI - WIN_LO + 1)

/*
 * 9: exhaustion.  Kernel threads get their PIDs from the same policy, so one
 * started while the window fills may hold a PID of it: what must hold is
 * that fork fails exactly when every PID of the window is busy, and that a
 * freed PID is the one handed out next.
 */
void case_exhaustion(void)
{
	pid_t held[WIN_N + 8], freed;
	int n = 0, rc, pid, i, foreign;
	struct pol p;

	if (!policy_apply(&p, WIN_LO, WIN_HI, 1, NULL))
		return;
	set_last_pid(WIN_LO - 1);
	for (rc = 0; n < WIN_N + 8; n++) {
		held[n] = spawn_held();
		if (held[n] < 0) {
			rc = held[n];
			break;
		}
	}
	CHECK(rc == -EAGAIN, "fork in a full window: %s, want EAGAIN",
	      rc ? strerror(-rc) : "succeeded");
	foreign = foreign_busy(WIN_LO, WIN_HI, held, n);
	if (foreign)
		diag("%d PID(s) of the window taken by other tasks meanwhile",
		     foreign);
	CHECK_EQ(n + foreign, WIN_N, "our children + others fill the 64-PID window");
	for (i = 0; i < n; i++)
		CHECK(held[i] >= WIN_LO && held[i] <= WIN_HI &&
		      (!i || held[i] > held[i - 1]),
		      "filling the window in order: child %d got %d", i, held[i]);
	if (rc != -EAGAIN || n < 32)
		goto out;

	pid = spawn_exit();
	CHECK(pid == -EAGAIN, "fork again: %d (%s), want EAGAIN", pid,
	      pid < 0 ? strerror(-pid) : "succeeded");
	pid = spawn_thread();
	CHECK(pid == -EAGAIN, "pthread_create: %d (%s), want EAGAIN", pid,
	      pid < 0 ? strerror(-pid) : "succeeded");

	/* one PID frees: the next fork gets exactly that one */
	freed = held[30];
	release(held[30]);
	held[30] = spawn_held();
	/* unless a kernel thread took it first: then the rest cannot run */
	if (!expect_pid(held[30], freed, &p, 1, "fork after one PID freed"))
		goto out;
	pid = spawn_exit();
	CHECK(pid == -EAGAIN, "full again: %d, want EAGAIN", pid);

	/* and a thread gets a freed PID too */
	freed = held[5];
	release(held[5]);
	held[5] = 0;
	pid = spawn_thread();
	if (!expect_pid(pid, freed, &p, 1,
			"pthread_create after one PID freed"))
		goto out;
	pid = spawn_exit_after_thread();
	CHECK_EQ(pid, freed, "fork reuses the PID the thread freed");
	pid = spawn_thread();
	CHECK_EQ(pid, freed, "and again for a thread");
out:
	release_all(held, n);
	/* everything works again */
	pid = spawn_exit();
	CHECK(pid >= WIN_LO && pid <= WIN_HI, "fork after release: %d", pid);
}
