/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Making tasks whose PIDs the tests look at: short-lived children and
 * threads (reaped and gone before the call returns, so their PIDs are free
 * again), held children that sleep until released, and sequences of them
 * compared against the model with a retry against a stray kernel thread;
 * the NSpid of a task, and the users and user namespaces tasks run as.
 */
#ifndef PIDCTL_PROCS_H
#define PIDCTL_PROCS_H

#include <sys/types.h>

struct pol;

/* Whether a task (process or thread) holds @pid in the initial namespace. */
int pid_in_use(int pid);
/* Busy PIDs of [lo, hi] not in @held[0..n-1]: someone else's. */
int foreign_busy(int lo, int hi, const pid_t *held, int n);
/* Whether @pid is this process, one of its threads, or a descendant. */
int pid_is_ours(int pid);
/* Wait (bounded) until @pid is no longer in use. */
void wait_pid_gone(int pid);

/* fork(); the child exits at once; reaped.  Returns the PID or -errno. */
pid_t spawn_exit(void);
/* fork(); the child sleeps until released (or its parent dies). */
pid_t spawn_held(void);
/* SIGKILL + reap a held child. */
void release(pid_t pid);
void release_all(pid_t *pids, int n);
/* pthread_create() a thread that reports gettid(); joined and gone. */
int spawn_thread(void);

/* 'f' = spawn_exit(), 't' = spawn_thread(). */
int make_task(char kind);
/*
 * ns_last_pid := @last, then make @n tasks (@kinds[i], or all forks when
 * @kinds is NULL) one after the other.  Returns 0 or the first -errno.
 */
int run_seq(int last, int n, const char *kinds, int *got);
/*
 * run_seq() compared with model_seq() for @p; a mismatch is retried twice
 * (a kernel thread may take a PID in between) before it counts as a
 * failure.  Returns 1 when the last attempt matched and no task outside
 * the test held a PID the model had to skip, that is, when the caller's
 * hand-pinned values apply; 0 otherwise (a mismatch is also a CHECK).
 */
int expect_seq(const char *what, const struct pol *p, int last, int n,
	       const char *kinds, int *got);

/*
 * CHECK_EQ(@got, @want), with one excuse: the kernel's trace shows tasks
 * outside the test (kernel threads) created with PIDs the model expected.
 * Then @got must be what the model gives once those are accounted for:
 * the first PID from @want on that @p allows, no foreign task took and
 * no task held before (a PID held now by a task the trace does not show
 * being created in this case was busy when the fork ran), or
 * -EAGAIN if @want was the only one (@last_free: no other allowed PID up
 * to the window's end is free).  Returns 1 when @got is @want.
 */
int expect_pid(int got, int want, const struct pol *p, int last_free,
	       const char *what);

/* pol_init() + knobs_set() with a CHECK; returns 1 on success. */
int policy_apply(struct pol *p, unsigned int min, unsigned int max,
		 unsigned int stride, const char *reserved);

/*
 * fork() in a full window right after a thread holding one of its PIDs
 * exited (spawn_thread()): an EAGAIN is retried for a while, since the
 * kernel gives a thread's PID number back a moment after the thread left
 * /proc.  Returns the PID or -errno, like spawn_exit().
 */
pid_t spawn_exit_after_thread(void);

/*
 * How many times slower than a stock kernel the guest's kernel is (the
 * `debug` line's KASAN, lockdep and kmemleak): PIDCTL_SLOW, default 1.
 * Time limits are multiplied by it; the fork and thread counts that only
 * make a storm big enough are divided by it (never below @min).
 */
extern int slow;
void slow_init(void);
static inline double slow_secs(double secs)
{
	return secs * slow;
}
static inline long slow_count(long n, long min)
{
	return n / slow > min ? n / slow : min;
}

/* CLOCK_MONOTONIC in seconds, and a plain sleep. */
double now(void);
void sleep_ms(long ms);

/* Format up to @n ints as "a b c" into a static buffer. */
const char *ints_str(const int *v, int n);

/* The NSpid fields of @pid (0: the caller), host PID first; how many. */
int nspid_all(int pid, int *v, int max);
/* NSpid of the caller: its host PID and its PID in its own namespace. */
int read_nspid(int *outer, int *inner);

/* setgroups(), setgid() and setuid() to 65534, and dumpable again. */
int drop_to_nobody(void);
/* In a new user namespace: setgroups "deny", then @map as uid and gid map. */
int map_self(const char *map);
/*
 * Debian kernels may gate unprivileged user namespaces: allow them, the
 * old setting saved in @old; restore it after (a CHECK).
 */
void userns_allow(char old[32]);
void userns_restore(const char old[32]);

#endif
