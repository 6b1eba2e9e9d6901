// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "knobs.h"
#include "model.h"
#include "oracle.h"
#include "procs.h"
#include "tap.h"

int slow = 1;

void slow_init(void)
{
	const char *s = getenv("PIDCTL_SLOW");

	slow = s ? atoi(s) : 1;
	if (slow < 1)
		slow = 1;
}

/*
 * Busy PIDs of [lo, hi] that are not in @held[0..n-1]: held by someone
 * else, such as a kernel thread started meanwhile.
 */
int foreign_busy(int lo, int hi, const pid_t *held, int n)
{
	int pid, i, foreign = 0;

	for (pid = lo; pid <= hi; pid++) {
		for (i = 0; i < n && held[i] != pid; i++)
			;
		if (i == n && pid_in_use(pid))
			foreign++;
	}
	return foreign;
}

int pid_in_use(int pid)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/%d", pid);
	return access(path, F_OK) == 0;
}

/* The value of "@key:\t<int>" in /proc/@pid/status, or -1. */
static int status_field(int pid, const char *key)
{
	char path[48], line[256];
	size_t len = strlen(key);
	int val = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':') {
			val = atoi(line + len + 1);
			break;
		}
	fclose(f);
	return val;
}

int pid_is_ours(int pid)
{
	int self = getpid(), depth;

	if (status_field(pid, "Tgid") == self)
		return 1;
	/* a child, or a child's child (a held task in a new namespace) */
	for (depth = 0; depth < 8 && pid > 1; depth++) {
		pid = status_field(pid, "PPid");
		if (pid == self)
			return 1;
	}
	return 0;
}

void wait_pid_gone(int pid)
{
	struct timespec ts = { 0, 1000 * 1000 };
	int i;

	for (i = 0; i < 2000 && pid_in_use(pid); i++)
		nanosleep(&ts, NULL);
}

pid_t spawn_exit(void)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(0);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return pid;
}

pid_t spawn_held(void)
{
	pid_t ppid = getpid();
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != ppid)
			_exit(0);
		for (;;)
			pause();
	}
	return pid;
}

void release(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

void release_all(pid_t *pids, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		release(pids[i]);
}

static void *report_tid(void *arg)
{
	*(volatile int *)arg = (int)syscall(SYS_gettid);
	return NULL;
}

int spawn_thread(void)
{
	pthread_t t;
	volatile int tid = 0;
	int rc = pthread_create(&t, NULL, report_tid, (void *)&tid);

	if (rc)
		return -rc;
	pthread_join(t, NULL);
	/* join returns before the kernel frees the TID: wait for that */
	wait_pid_gone(tid);
	return tid;
}

/*
 * A thread's PID leaves /proc (what wait_pid_gone() watches) when
 * release_task() unhashes it, but since 6.15 the number goes back to the
 * IDR only after tasklist_lock is dropped (free_pids()).  A fork in that
 * gap, in a window whose only free PID is the thread's, correctly fails
 * with EAGAIN.  The gap is microseconds on a stock kernel and was long
 * enough to lose the race on the debug kernel under TCG.  So retry an
 * EAGAIN, for 2 s at most (scaled): a PID that never comes back still
 * ends in EAGAIN, and the caller still checks which PID the fork got.
 */
pid_t spawn_exit_after_thread(void)
{
	double t0 = now();
	pid_t pid;

	while ((pid = spawn_exit()) == -EAGAIN && now() - t0 < slow_secs(2))
		sleep_ms(1);
	return pid;
}

int make_task(char kind)
{
	return kind == 't' ? spawn_thread() : spawn_exit();
}

int run_seq(int last, int n, const char *kinds, int *got)
{
	int i, rc = set_last_pid(last);

	if (rc)
		return rc;
	for (i = 0; i < n; i++) {
		got[i] = make_task(kinds ? kinds[i] : 'f');
		if (got[i] < 0)
			return got[i];
	}
	return 0;
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

const char *ints_str(const int *v, int n)
{
	static char buf[2][1024];
	static int slot;
	char *b = buf[slot++ & 1];
	size_t len = 0;
	int i;

	b[0] = '\0';
	for (i = 0; i < n && len < sizeof(buf[0]) - 16; i++)
		len += (size_t)snprintf(b + len, sizeof(buf[0]) - len, "%s%d",
					i ? " " : "", v[i]);
	return b;
}

#define SEQ_MAX 256

int expect_seq(const char *what, const struct pol *p, int last, int n,
	       const char *kinds, int *got)
{
	int want[SEQ_MAX];
	int attempt, rc;

	if (n > SEQ_MAX)
		n = SEQ_MAX;
	for (attempt = 1; attempt <= 3; attempt++) {
		if (model_seq(p, last, n, want))
			return CHECK(0, "%s: model finds no free PID", what);
		rc = run_seq(last, n, kinds, got);
		if (rc)
			return CHECK(0, "%s: creating a task failed: %s (got so far: %s)",
				     what, strerror(-rc), ints_str(got, n));
		if (!memcmp(want, got, sizeof(int) * (size_t)n)) {
			if (model_foreign_pid() < 0)
				return 1;
			/*
			 * The model skipped a PID that a task outside this
			 * test (a kernel thread, as a rule) holds; the
			 * hand-pinned values the caller checks next assume
			 * it free.
			 */
			diag("%s: matches the model; PID %d is held outside the test, so the hand-pinned values do not apply",
			     what, model_foreign_pid());
			return 0;
		}
		diag("%s: attempt %d: got  %s", what, attempt, ints_str(got, n));
		diag("%s: attempt %d: want %s (%s, ns_last_pid=%d)", what,
		     attempt, ints_str(want, n), pol_str(p), last);
	}
	return CHECK(0, "%s: PIDs differ from the expected sequence", what);
}

int expect_pid(int got, int want, const struct pol *p, int last_free,
	       const char *what)
{
	unsigned int pid_max = (unsigned int)get_pid_max();
	int pid = want, steps;
	char comm[32];

	if (got == want)
		return 1;
	/* the model, with the PIDs the trace shows foreign tasks took */
	for (steps = 0; steps < 64; steps++, pid++) {
		if (!pol_allowed(p, (unsigned int)pid, pid_max))
			continue;
		if (!oracle_foreign_task(pid, comm, sizeof(comm))) {
			/*
			 * Held now, by a task the trace does not show being
			 * created during this case (a kernel thread from an
			 * earlier case, or this test's own earlier child): it
			 * was busy when the fork ran, so the allocator had to
			 * pass it.  That is the model, not an excuse.
			 */
			if (pid != got && pid_in_use(pid)) {
				diag("%s: PID %d was held before this case's forks",
				     what, pid);
				continue;
			}
			break;
		}
		diag("%s: the trace shows %s took PID %d", what, comm, pid);
		if (last_free && pid == want) {
			/* the only free one is gone: the fork must fail */
			return CHECK(got == -EAGAIN, "%s: got %d, want EAGAIN (PID %d was the only free one, and %s took it)",
				     what, got, want, comm) && 0;
		}
	}
	return CHECK_EQ(got, pid, what) && 0;
}

int policy_apply(struct pol *p, unsigned int min, unsigned int max,
		 unsigned int stride, const char *reserved)
{
	pol_init(p, min, max, stride, reserved);
	return CHECK(knobs_set(min, max, stride, reserved) == 0,
		     "setting policy %s", pol_str(p));
}

/* The NSpid fields of @pid (0: the caller), host PID first; how many. */
int nspid_all(int pid, int *v, int max)
{
	char path[48], buf[4096], *line, *end;
	ssize_t len;
	int fd, n = 0;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	line = strstr(buf, "\nNSpid:");
	if (!line)
		return -1;
	line += 7;
	while (n < max) {
		long x = strtol(line, &end, 10);

		if (end == line)
			break;
		v[n++] = (int)x;
		line = end;
		if (*line == '\n')
			break;
	}
	return n;
}

/* NSpid of the caller, as seen from /proc (the initial namespace). */
int read_nspid(int *outer, int *inner)
{
	int v[33], n = nspid_all(0, v, 33);	/* 32 levels below the host */

	if (n <= 0) {
		*outer = *inner = -1;
		return -1;
	}
	*outer = v[0];
	*inner = v[n - 1];
	return 0;
}

/* ------------------------------------------------------------------ */
/* Users and user namespaces */

#define USERNS_CLONE	"/proc/sys/kernel/unprivileged_userns_clone"

int drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
		return -errno;
	/* setuid() made us non-dumpable: /proc/self would stay root's */
	return prctl(PR_SET_DUMPABLE, 1) ? -errno : 0;
}

int map_self(const char *map)
{
	int rc = sysctl_write("/proc/self/setgroups", "deny");

	if (rc && rc != -ENOENT)
		return rc;
	rc = sysctl_write("/proc/self/uid_map", map);
	return rc ? rc : sysctl_write("/proc/self/gid_map", map);
}

/* Debian kernels may gate unprivileged user namespaces. */
void userns_allow(char old[32])
{
	old[0] = '\0';
	if (sysctl_read(USERNS_CLONE, old, 32) == 0 && strcmp(old, "1"))
		sysctl_write(USERNS_CLONE, "1");
}

void userns_restore(const char old[32])
{
	if (old[0] && strcmp(old, "1"))
		CHECK(sysctl_write(USERNS_CLONE, old) == 0,
		      "restoring unprivileged_userns_clone");
}
