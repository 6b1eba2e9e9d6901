// SPDX-License-Identifier: GPL-2.0
/*
 * Cases 20-25: the allocator hook itself, a kprobe on idr_alloc_cyclic()
 * that is armed only while a policy is active.
 *
 *  20  unprivileged ns_last_pid writes (all EPERM) do not slow forks
 *  21  a fork storm while the module loads with parameters and unloads
 *  22  privileged ns_last_pid writes racing forks and thread creation
 *  23  the policy switched off and on, as often as fits in 12 s, under
 *      fork load
 *  24  the probe: one, at the entry of idr_alloc_cyclic, disabled while
 *      no policy is active; the function's entry bytes; no run-time
 *      symbol lookup helper in the module
 *  25  kprobes disarmed through debugfs: the module notices and says so,
 *      and says so again when they are armed again
 *
 * Cases 21-23 run a "fleet": worker processes that fork and create threads
 * without pause, and record for every task they make its PID and the value
 * of a shared sequence counter before and after the fork (or
 * pthread_create()) call.  Whoever changes the system under them bumps
 * the counter to an odd value before the change and to the next even
 * value once the change is complete, so a record tells exactly which
 * changes a creation may have overlapped.
 */
#include <errno.h>
#include <fcntl.h>
#include <elf.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cases.h"
#include "oracle.h"

#ifndef __noreturn
#define __noreturn	__attribute__((noreturn))
#endif
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define DEBUGFS		"/sys/kernel/debug"
#define KPROBES_LIST	DEBUGFS "/kprobes/list"
#define KPROBES_ENABLED	KPROBES_ENABLED_PATH
#define MSG_DISARMED	"pidctl: kprobes are disarmed"
#define MSG_ARMED	"pidctl: kprobes are armed again"

/*
 * The policy these cases use: a window of 640 PIDs whose every block of
 * ten has its upper five reserved (64 ranges, as many as the model holds),
 * and a stride of 3.  Stock allocation, which hands out PIDs one after the
 * other, lands on a reserved PID within a few forks of any cursor in the
 * window, so a policy that silently stopped working shows at once.
 */
#define DENSE_MIN	10000u
#define DENSE_BLOCKS	64u
#define DENSE_MAX	(DENSE_MIN + 10u * DENSE_BLOCKS - 1u)
#define DENSE_STRIDE	3u
_Static_assert(DENSE_BLOCKS <= MODEL_MAX_RANGES, "the model holds every range");

static const char *dense_reserved(void)
{
	static char buf[DENSE_BLOCKS * 16];
	size_t n = 0;
	unsigned int i, lo;

	if (buf[0])
		return buf;
	for (i = 0; i < DENSE_BLOCKS; i++) {
		lo = DENSE_MIN + 10u * i + 5u;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%u-%u",
				      i ? "," : "", lo, lo + 4u);
	}
	return buf;
}

/* The dense policy in one short line, for diagnostics. */
static const char *dense_str(void)
{
	static char buf[128];

	snprintf(buf, sizeof(buf),
		 "min=%u max=%u stride=%u reserved=%u-%u,%u-%u,...,%u-%u (%u ranges)",
		 DENSE_MIN, DENSE_MAX, DENSE_STRIDE, DENSE_MIN + 5, DENSE_MIN + 9,
		 DENSE_MIN + 15, DENSE_MIN + 19, DENSE_MAX - 4, DENSE_MAX,
		 DENSE_BLOCKS);
	return buf;
}

static void dense_pol(struct pol *p)
{
	pol_init(p, DENSE_MIN, DENSE_MAX, DENSE_STRIDE, dense_reserved());
}

static int dense_apply(struct pol *p)
{
	return policy_apply(p, DENSE_MIN, DENSE_MAX, DENSE_STRIDE,
			    dense_reserved());
}

static long aload(const long *v)
{
	return __atomic_load_n(v, __ATOMIC_SEQ_CST);
}

static void astore(long *v, long x)
{
	__atomic_store_n(v, x, __ATOMIC_SEQ_CST);
}

static void *shared_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		CHECK(0, "mmap %zu bytes: %s", size, strerror(errno));
		_exit(1);
	}
	memset(p, 0, size);
	return p;
}

/* xorshift32: reproducible values, seeded per case */
static unsigned int rnd(unsigned int *state)
{
	unsigned int x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/* Unlike procs.c's drop_to_nobody(), leaves the process non-dumpable. */
static int setuid_nobody(void)
{
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
		return -errno;
	return 0;
}

/* ---- the fleet ---------------------------------------------------- */

#define FLEET_MAX	4
#define FLEET_BATCH	4
#define FLEET_CAP	8192

struct rec {
	long s0, s1;	/* the sequence before and after the creation */
	int pid;	/* PID or TID, or -errno */
	char kind;	/* 'f' or 't' */
};

struct wlog {
	long n;		/* records written */
	struct rec r[FLEET_CAP];
};

struct fleet {
	long go, stop;
	long seq;
	int nworkers;
	pid_t pids[FLEET_MAX];
	struct wlog w[FLEET_MAX];
};

static void *tid_thread(void *arg)
{
	__atomic_store_n((int *)arg, (int)syscall(SYS_gettid), __ATOMIC_RELEASE);
	return NULL;
}

static void put_rec(struct wlog *w, long s0, long s1, int pid, char kind)
{
	struct rec *r = &w->r[w->n];

	r->s0 = s0;
	r->s1 = s1;
	r->pid = pid;
	r->kind = kind;
	__atomic_store_n(&w->n, w->n + 1, __ATOMIC_RELEASE);
}

static __noreturn void fleet_worker(struct fleet *f, int id)
{
	struct wlog *w = &f->w[id];
	pthread_t t[FLEET_BATCH];
	long ts0[FLEET_BATCH], ts1[FLEET_BATCH];
	int tid[FLEET_BATCH], made[FLEET_BATCH], bad = 0;
	pid_t kids[FLEET_BATCH];
	int i, nk, rc;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while (!aload(&f->go))
		sleep_ms(1);
	while (!aload(&f->stop) && w->n + 2 * FLEET_BATCH <= FLEET_CAP) {
		for (i = nk = 0; i < FLEET_BATCH; i++) {
			long s0 = aload(&f->seq);
			pid_t pid = fork();
			int err = errno;

			if (pid == 0)
				_exit(0);
			put_rec(w, s0, aload(&f->seq), pid < 0 ? -err : pid,
				'f');
			if (pid > 0)
				kids[nk++] = pid;
		}
		for (i = 0; i < nk; i++)
			if (waitpid(kids[i], NULL, 0) != kids[i])
				bad = 1;
		for (i = 0; i < FLEET_BATCH; i++) {
			tid[i] = 0;
			ts0[i] = aload(&f->seq);
			rc = pthread_create(&t[i], NULL, tid_thread, &tid[i]);
			ts1[i] = aload(&f->seq);
			made[i] = rc == 0;
			if (rc)
				put_rec(w, ts0[i], ts1[i], -rc, 't');
		}
		for (i = 0; i < FLEET_BATCH; i++) {
			if (!made[i])
				continue;
			if (pthread_join(t[i], NULL))
				bad = 1;
			put_rec(w, ts0[i], ts1[i], tid[i], 't');
		}
	}
	_exit(bad ? 1 : 0);
}

static struct fleet *fleet_new(void)
{
	return shared_alloc(sizeof(struct fleet));
}

static int fleet_start(struct fleet *f, int n)
{
	pid_t pid;
	int i;

	for (i = 0; i < n; i++) {
		/* f is shared: only the parent writes pids[] */
		pid = fork();
		if (pid == 0)
			fleet_worker(f, i);
		if (!CHECK(pid > 0, "fork worker %d: %s", i, strerror(errno)))
			break;
		f->pids[i] = pid;
		f->nworkers++;
	}
	astore(&f->go, 1);
	return f->nworkers == n;
}

static long fleet_total(struct fleet *f)
{
	long n = 0;
	int i;

	for (i = 0; i < f->nworkers; i++)
		n += __atomic_load_n(&f->w[i].n, __ATOMIC_ACQUIRE);
	return n;
}

/* Records made so far that started at sequence value @from or later. */
static long fleet_since(struct fleet *f, long from)
{
	long n = 0, j, m;
	int i;

	for (i = 0; i < f->nworkers; i++) {
		m = __atomic_load_n(&f->w[i].n, __ATOMIC_ACQUIRE);
		for (j = m - 1; j >= 0 && f->w[i].r[j].s0 >= from; j--)
			n++;
	}
	return n;
}

/* Wait (up to @secs) until @n records started at @from or later. */
static void fleet_wait_since(struct fleet *f, long from, long n, double secs)
{
	double t0 = now();

	while (fleet_since(f, from) < n && now() - t0 < secs)
		sleep_ms(10);
}

/* Stop the workers, reap them and check how each ended. */
static void fleet_stop(struct fleet *f)
{
	int i, status;

	astore(&f->stop, 1);
	for (i = 0; i < f->nworkers; i++) {
		if (waitpid(f->pids[i], &status, 0) != f->pids[i]) {
			CHECK(0, "worker %d: waitpid: %s", i, strerror(errno));
			continue;
		}
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "worker %d ended with status %#x (%s)", i, status,
		      WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) :
		      "a reap or join failed");
	}
}

/* Every creation succeeded: no record holds an error. */
static void fleet_check_errors(struct fleet *f)
{
	long j, errs = 0, forks = 0, threads = 0;
	int i, first = 0;

	for (i = 0; i < f->nworkers; i++)
		for (j = 0; j < f->w[i].n; j++) {
			const struct rec *r = &f->w[i].r[j];

			if (r->kind == 'f')
				forks++;
			else
				threads++;
			if (r->pid <= 0 && !errs++)
				first = r->pid;
		}
	diag("%d workers: %ld forks, %ld threads", f->nworkers, forks,
	     threads);
	for (i = 0; i < f->nworkers; i++)
		if (f->w[i].n + 2 * FLEET_BATCH > FLEET_CAP)
			diag("worker %d filled its log and stopped early", i);
	CHECK(errs == 0, "%ld creations failed, first: %s", errs,
	      strerror(-first));
	CHECK(forks > 0 && threads > 0, "both kinds exercised");
}

/* ---- 20 ------------------------------------------------------------ */

#define NSPIN		2
#define SLOT_MS		250
#define SLOTS		16	/* A B B A A B B A ...: drift cancels */
#define QUIET_MS	500

struct spinners {
	long stop, mode;	/* mode 1: ns_last_pid, 0: /dev/null */
	long ops[2][NSPIN], eperm[2][NSPIN], other[2][NSPIN];
	int first_other[NSPIN];
	int ready[NSPIN];
};

/*
 * As uid 65534, in a loop: write ns_last_pid (mode 1; each write must
 * fail EPERM), or /dev/null (mode 0, the control).
 *
 * Every spinner runs SCHED_IDLE: it takes the guest CPU time no one else
 * wants (one vCPU of two is mostly idle while one process forks), so a
 * lock or a slow path that the writes shared with forks would stall the
 * forker, while mere sharing of two vCPUs would not.  A busy vCPU still
 * costs the host a thread, which slows TCG's other vCPU when the host is
 * busy too: so the same spinners run through every slot, with and
 * without writers, and only what they write changes.
 */
static __noreturn void spinner(struct spinners *sp, int id)
{
	struct sched_param prio = { 0 };
	unsigned int seed = 0x9e3779b9u * (unsigned int)(id + 1);
	char buf[16];
	int fd[2], len, m;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (sched_setscheduler(0, SCHED_IDLE, &prio))
		_exit(2);
	if (setuid_nobody() || geteuid() != 65534)
		_exit(3);
	fd[0] = open("/dev/null", O_WRONLY | O_CLOEXEC);
	fd[1] = open(NS_LAST_PID, O_WRONLY | O_CLOEXEC);
	if (fd[0] < 0 || fd[1] < 0)
		_exit(4);
	__atomic_store_n(&sp->ready[id], 1, __ATOMIC_RELEASE);
	while (!aload(&sp->stop)) {
		m = aload(&sp->mode) != 0;
		len = snprintf(buf, sizeof(buf), "%u", 300 + rnd(&seed) % 30000);
		if (pwrite(fd[m], buf, (size_t)len, 0) >= 0) {
			if (m)
				sp->other[m][id]++;	/* accepted */
		} else if (m && errno == EPERM) {
			sp->eperm[m][id]++;
		} else if (!sp->other[m][id]++) {
			sp->first_other[id] = errno;
		}
		__atomic_store_n(&sp->ops[m][id], sp->ops[m][id] + 1,
				 __ATOMIC_RELEASE);
	}
	_exit(0);
}

static long spin_ops(struct spinners *sp, int m)
{
	long n = 0;
	int i;

	for (i = 0; i < NSPIN; i++)
		n += __atomic_load_n(&sp->ops[m][i], __ATOMIC_ACQUIRE);
	return n;
}

/* Fork for @ms; every PID must be allowed by @p.  Returns the seconds. */
static double fork_slot(long ms, const struct pol *p, long *nforks, long *bad,
			int *first_bad)
{
	unsigned int pid_max = (unsigned int)get_pid_max();
	double t0 = now(), dt;
	int pid;

	do {
		pid = spawn_exit();
		(*nforks)++;
		if ((pid <= 0 || !pol_allowed(p, (unsigned int)pid, pid_max)) &&
		    !(*bad)++)
			*first_bad = pid;
	} while ((dt = now() - t0) < ms / 1000.0);
	return dt;
}

/* 20: unprivileged ns_last_pid writes do not slow forks. */
void case_unpriv_writes_speed(void)
{
	struct spinners *sp = shared_alloc(sizeof(*sp));
	double quiet, t[2] = { 0, 0 }, rate[2], ratio;
	long nforks = 0, bad = 0, f[2] = { 0, 0 }, during[2] = { 0, 0 };
	long n0, o0;
	int first_bad = 0, i, m, status;
	char slots[SLOTS * 8 + 1];
	size_t len = 0;
	pid_t sps[NSPIN];
	struct pol p;
	double t0;

	if (!dense_apply(&p))
		return;
	quiet = fork_slot(QUIET_MS, &p, &nforks, &bad, &first_bad);
	quiet = (double)nforks / quiet;
	for (i = 0; i < NSPIN; i++) {
		sps[i] = fork();
		if (sps[i] == 0)
			spinner(sp, i);
		if (!CHECK(sps[i] > 0, "fork spinner: %s", strerror(errno)))
			return;
	}
	for (t0 = now(); now() - t0 < 5;) {
		for (i = 0; i < NSPIN && __atomic_load_n(&sp->ready[i],
							 __ATOMIC_ACQUIRE); i++)
			;
		if (i == NSPIN && spin_ops(sp, 0) >= 100 * NSPIN)
			break;
		sleep_ms(5);
	}
	for (i = 0; i < SLOTS; i++) {
		/* A B B A: slot i writes ns_last_pid when bits 0 and 1 differ */
		m = (i ^ (i >> 1)) & 1;
		astore(&sp->mode, m);
		n0 = nforks;
		o0 = spin_ops(sp, m);
		t[m] += fork_slot(SLOT_MS, &p, &nforks, &bad, &first_bad);
		f[m] += nforks - n0;
		during[m] += spin_ops(sp, m) - o0;
		len += (size_t)snprintf(slots + len, sizeof(slots) - len, " %c%ld",
					m ? 'B' : 'A', nforks - n0);
	}
	astore(&sp->stop, 1);
	for (i = 0; i < NSPIN; i++) {
		waitpid(sps[i], &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "spinner %d: status %#x (2: SCHED_IDLE, 3: setuid, 4: open)",
		      i, status);
		CHECK(sp->eperm[1][i] == sp->ops[1][i] && sp->ops[1][i] > 0,
		      "ns_last_pid writer %d: %ld of %ld writes not EPERM (first: %s)",
		      i, sp->other[1][i], sp->ops[1][i],
		      sp->first_other[i] ? strerror(sp->first_other[i]) :
		      "accepted");
		CHECK(sp->other[0][i] == 0, "/dev/null writer %d: %ld failed",
		      i, sp->other[0][i]);
	}
	for (m = 0; m < 2; m++)
		rate[m] = t[m] > 0 ? f[m] / t[m] : 0;
	ratio = rate[0] > 0 ? rate[1] / rate[0] : 0;
	diag("forks per %d ms slot (A: control spinners write /dev/null, B: they write ns_last_pid):%s",
	     SLOT_MS, slots);
	diag("alone %.0f forks/s; A %.0f forks/s, B %.0f forks/s: ratio %.2f; spinner writes A %ld, B %ld (all EPERM)",
	     quiet, rate[0], rate[1], ratio, during[0], during[1]);
	CHECK(during[1] >= 100, "only %ld ns_last_pid writes while forking: the writers did not run",
	      during[1]);
	CHECK(ratio >= 0.5, "forks with unprivileged ns_last_pid writers at %.2f of the rate without",
	      ratio);
	CHECK(bad == 0, "%ld of %ld forks failed or outside %s, first %d", bad,
	      nforks, dense_str(), first_bad);
}

/* ---- 21 ------------------------------------------------------------ */

/*
 * 21: a fork storm while the module loads with parameters, then unloads.
 * seq: 1 while insmod runs, 2 once it returned, 3 while rmmod runs, 4
 * once it returned.  A creation that began at 2 and ended at 2 must obey
 * the parameters' policy; one that began at 4 is stock; the rest may be
 * either.
 */
void case_load_storm(void)
{
	struct fleet *f = fleet_new();
	unsigned int pid_max = (unsigned int)get_pid_max();
	long in_pol = 0, in_bad = 0, pre = 0, pre_in = 0, span = 0;
	long post = 0, post_forbidden = 0, j;
	int first_bad = 0, rc, i;
	char params[DENSE_BLOCKS * 16 + 128], v[64];
	struct pol p;

	if (!module_path())
		skip_case("PIDCTL_KO unset: cannot load the module again");
	rc = module_unload();
	if (!CHECK(rc == 0, "rmmod: %s", strerror(-rc)))
		return;
	park_cursor();
	dense_pol(&p);
	snprintf(params, sizeof(params), "min=%u max=%u stride=%u reserved=%s",
		 DENSE_MIN, DENSE_MAX, DENSE_STRIDE, dense_reserved());
	diag("policy %s", dense_str());

	if (!fleet_start(f, FLEET_MAX)) {
		fleet_stop(f);
		goto out;
	}
	fleet_wait_since(f, 0, 100, 10);
	astore(&f->seq, 1);
	rc = module_load(params);
	astore(&f->seq, 2);
	if (!CHECK(rc == 0, "insmod %.60s...: %s", params, strerror(-rc))) {
		fleet_stop(f);
		goto out;
	}
	fleet_wait_since(f, 2, 300, 20);
	astore(&f->seq, 3);
	rc = module_unload();
	astore(&f->seq, 4);
	CHECK(rc == 0, "rmmod under load: %s", strerror(-rc));
	fleet_wait_since(f, 4, 150, 20);
	fleet_stop(f);
	fleet_check_errors(f);

	for (i = 0; i < f->nworkers; i++)
		for (j = 0; j < f->w[i].n; j++) {
			const struct rec *r = &f->w[i].r[j];
			int ok = r->pid > 0 &&
				 pol_allowed(&p, (unsigned int)r->pid, pid_max);

			if (r->s0 == 2 && r->s1 == 2) {
				in_pol++;
				if (!ok && !in_bad++)
					first_bad = r->pid;
			} else if (r->s0 >= 4) {
				post++;
				post_forbidden += !ok;
			} else if (r->s1 <= 1) {
				pre++;
				pre_in += ok;
			} else {
				span++;
			}
		}
	diag("before insmod returned: %ld creations (%ld of them inside the window); loaded: %ld; overlapping insmod or rmmod: %ld; after rmmod: %ld (%ld outside the policy)",
	     pre, pre_in, in_pol, span, post, post_forbidden);
	CHECK(in_pol >= 150, "only %ld creations while loaded", in_pol);
	CHECK(in_bad == 0, "%ld creations that began after insmod returned and ended before rmmod began are outside the policy; first %d",
	      in_bad, first_bad);
	CHECK(post >= 100, "only %ld creations after rmmod", post);
	/* stock walks on from the cursor into the reserved blocks */
	CHECK(post_forbidden > 0, "all %ld PIDs after rmmod obey the policy: not stock",
	      post);
	CHECK(!knobs_present() && !module_loaded(), "module still there after rmmod");

out:
	if (module_loaded())
		module_unload();
	rc = module_load("");
	if (CHECK(rc == 0, "insmod without parameters: %s", strerror(-rc)))
		CHECK(knob_read("reserved", v, sizeof(v)) == 0 && !v[0] &&
		      knob_read_num("max") == 0 && knob_read_num("min") == 0 &&
		      knob_read_num("stride") == 1,
		      "defaults after the reload");
}

/* ---- 22 ------------------------------------------------------------ */

struct priv_writer {
	long stop, writes, fails;
	int first_fail;
	long kinds[4];
};

/* Random ns_last_pid values: inside, below, above, reserved. */
static __noreturn void priv_writer(struct priv_writer *pw,
				   const struct pol *p, unsigned int pid_max)
{
	unsigned int seed = 0x2545f491u, x, k, v;
	const unsigned int span = DENSE_MAX - DENSE_MIN + 1;
	char buf[16];
	int rc;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while (!aload(&pw->stop)) {
		x = rnd(&seed);
		k = x & 3;
		x >>= 2;
		switch (k) {
		case 0:	/* inside the window */
			v = DENSE_MIN + x % span;
			break;
		case 1:	/* below it, 0 included */
			v = x % DENSE_MIN;
			break;
		case 2:	/* above it, up to pid_max itself */
			v = x % 16 ? DENSE_MAX + 1 + x % (pid_max - DENSE_MAX) :
				     pid_max - (x >> 4) % 2;
			break;
		default:	/* inside a reserved range */
			v = p->r[x % p->nr].lo +
			    (x >> 8) % (p->r[x % p->nr].hi -
					p->r[x % p->nr].lo + 1);
			break;
		}
		snprintf(buf, sizeof(buf), "%u", v);
		rc = sysctl_write(NS_LAST_PID, buf);
		if (rc && !pw->fails++)
			pw->first_fail = rc;
		pw->kinds[k]++;
		__atomic_store_n(&pw->writes, pw->writes + 1, __ATOMIC_RELEASE);
	}
	_exit(0);
}

static void check_all_allowed(struct fleet *f, const struct pol *p,
			      unsigned int pid_max)
{
	long j, bad = 0, n = 0;
	int i, first = 0;

	for (i = 0; i < f->nworkers; i++)
		for (j = 0; j < f->w[i].n; j++) {
			int pid = f->w[i].r[j].pid;

			n++;
			if (pid <= 0 || pol_allowed(p, (unsigned int)pid, pid_max))
				continue;
			if (!bad++)
				first = pid;
		}
	CHECK(bad == 0, "%ld of %ld PIDs outside %s, first %d", bad, n,
	      dense_str(), first);
}

/* 22: privileged ns_last_pid writes racing forks. */
void case_priv_writes_race(void)
{
	struct fleet *f = fleet_new();
	struct priv_writer *pw = shared_alloc(sizeof(*pw));
	unsigned int pid_max = (unsigned int)get_pid_max();
	int status;
	pid_t wp;
	struct pol p;

	if (!dense_apply(&p))
		return;
	wp = fork();
	if (wp == 0)
		priv_writer(pw, &p, pid_max);
	if (!CHECK(wp > 0, "fork writer: %s", strerror(errno)))
		return;
	if (fleet_start(f, 2))
		fleet_wait_since(f, 0, 400, 6);
	fleet_stop(f);
	astore(&pw->stop, 1);
	waitpid(wp, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "writer status %#x", status);
	diag("ns_last_pid: %ld writes (%ld inside, %ld below, %ld above, %ld reserved), %ld failed",
	     pw->writes, pw->kinds[0], pw->kinds[1], pw->kinds[2],
	     pw->kinds[3], pw->fails);
	CHECK(pw->fails == 0, "%ld ns_last_pid writes failed, first: %s",
	      pw->fails, strerror(-pw->first_fail));
	CHECK(pw->writes >= 200, "only %ld ns_last_pid writes", pw->writes);
	fleet_check_errors(f);
	CHECK(fleet_total(f) >= slow_count(100, 30), "only %ld creations",
	      fleet_total(f));
	check_all_allowed(f, &p, pid_max);
}

/* ---- 23 ------------------------------------------------------------ */

/*
 * Arming or disarming the probe patches kernel text: under TCG, with two
 * vCPUs busy forking, that takes 40-50 ms a time, and with the kprobe
 * optimizer on, a disarm also waits for the optimizer, which holds
 * kprobe_mutex across an RCU-tasks grace period (200-300 ms).  So the
 * toggles run in two phases bounded in time: with the optimizer as the
 * kernel booted (the jump is written 5 jiffies after an arm), then with
 * debug.kprobes-optimization=0 (int3 only), for as many toggles as fit.
 */
#define TOGGLES		200
#define PHASE1_TOGGLES	20
#define PHASE1_S	5.0
#define PHASE2_S	7.0
#define KPROBES_OPT	KPROBES_OPT_PATH
#define MAX_WRITES	(TOGGLES * 8 + 8)
#define MAX_DISTINCT	16

struct toggler {
	long writes, fails, toggles, phase2_at;
	int first_fail;
	double step_s[2][8];	/* time in each step's write, per phase */
	int ndistinct;
	struct pol distinct[MAX_DISTINCT];
	/* the policy in force in stable period j (seq == 2j) */
	unsigned char state[MAX_WRITES + 1];
};

struct kstep {
	const char *knob;
	char val[DENSE_BLOCKS * 16];
};

static int distinct_index(struct toggler *tg, const struct pol *p)
{
	int i;

	for (i = 0; i < tg->ndistinct; i++)
		if (!memcmp(&tg->distinct[i], p, sizeof(*p)))
			return i;
	if (tg->ndistinct == MAX_DISTINCT)
		return -1;
	tg->distinct[tg->ndistinct] = *p;
	return tg->ndistinct++;
}

static void apply_step(struct pol *p, const struct kstep *st)
{
	pol_set_knob(p, st->knob, st->val);
}

/*
 * On a slow (debug) kernel a knob write takes 100-800 ms: the phases last
 * longer, up to 4 times, enough for the toggles the case asks for without
 * making it 20 times longer.
 */
static double phase_secs(double secs)
{
	return secs * (slow < 4 ? slow : 4);
}

/*
 * Off: reserved="", min=0, max=0, stride=1 (the order that only widens);
 * on: stride, min, max, reserved.  Each write is its own policy, with a
 * stable period after it; a pause of 8-20 ms (times the slow factor) in
 * the full on and off states, so that whole forks fit in them.
 */
static __noreturn void toggler(struct toggler *tg, struct fleet *f)
{
	static struct kstep steps[8] = {
		{ "reserved", "" }, { "min", "0" }, { "max", "0" },
		{ "stride", "1" }, { "stride", "" }, { "min", "" },
		{ "max", "" }, { "reserved", "" },
	};
	unsigned int seed = 0x1234567u;
	double t0 = now(), t2 = 1e30, t;
	struct pol cur;
	long j = 0;
	int s, idx, rc;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	snprintf(steps[4].val, sizeof(steps[4].val), "%u", DENSE_STRIDE);
	snprintf(steps[5].val, sizeof(steps[5].val), "%u", DENSE_MIN);
	snprintf(steps[6].val, sizeof(steps[6].val), "%u", DENSE_MAX);
	snprintf(steps[7].val, sizeof(steps[7].val), "%s", dense_reserved());
	dense_pol(&cur);
	tg->state[0] = (unsigned char)distinct_index(tg, &cur);
	while (!aload(&f->go))
		sleep_ms(1);
	sleep_ms(20);
	while (tg->toggles < TOGGLES) {
		if (!tg->phase2_at && (now() - t0 >= phase_secs(PHASE1_S) ||
				       tg->toggles >= PHASE1_TOGGLES)) {
			/* phase 2: int3 only, no optimizer to wait for */
			tg->phase2_at = tg->toggles;
			t2 = now();
			rc = access(KPROBES_OPT, W_OK) ? 0 :
			     sysctl_write(KPROBES_OPT, "0");
			if (rc && !tg->fails++)
				tg->first_fail = rc;
		}
		if (now() - t2 >= phase_secs(PHASE2_S))
			break;
		for (s = 0; s < 8; s++) {
			astore(&f->seq, 2 * j + 1);
			t = now();
			rc = knob_write(steps[s].knob, steps[s].val);
			tg->step_s[!!tg->phase2_at][s] += now() - t;
			if (rc) {
				if (!tg->fails++)
					tg->first_fail = rc;
			} else {
				apply_step(&cur, &steps[s]);
			}
			idx = distinct_index(tg, &cur);
			tg->state[j + 1] = (unsigned char)(idx < 0 ? 0 : idx);
			if (idx < 0 && !tg->fails++)
				tg->first_fail = -ENOSPC;
			j++;
			astore(&f->seq, 2 * j);
			tg->writes = j;
			if (s == 3 || s == 7)
				sleep_ms((8 + rnd(&seed) % 13) * slow);
		}
		tg->toggles++;
	}
	_exit(0);
}

/* 23: the policy switched off and on under fork load. */
void case_toggle_storm(void)
{
	struct fleet *f = fleet_new();
	struct toggler *tg = shared_alloc(sizeof(*tg));
	unsigned int pid_max = (unsigned int)get_pid_max();
	long stable_on = 0, stable_off = 0, stable_other = 0, spans = 0;
	long off_forbidden = 0, bad = 0, first_bad_write = 0, j, k;
	int first_bad = 0, on_idx, i, status, rc;
	struct pol p, off;
	char opt[8];
	pid_t tp;

	if (!dense_apply(&p))
		return;
	pol_init(&off, 0, 0, 1, NULL);
	if (sysctl_read(KPROBES_OPT, opt, sizeof(opt)))
		strcpy(opt, "");
	tp = fork();
	if (tp == 0)
		toggler(tg, f);
	if (!CHECK(tp > 0, "fork toggler: %s", strerror(errno)))
		return;
	fleet_start(f, 2);
	waitpid(tp, &status, 0);
	fleet_stop(f);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "toggler status %#x", status);
	if (opt[0] && strcmp(opt, "0")) {
		rc = sysctl_write(KPROBES_OPT, opt);
		CHECK(rc == 0, "restoring kprobes-optimization=%s: %s", opt,
		      strerror(-rc));
	}
	diag("%ld toggles (%ld with the kprobe optimizer on, kprobes-optimization was \"%s\"), %ld knob writes, %ld failed, %d distinct policies",
	     tg->toggles, tg->phase2_at ? tg->phase2_at : tg->toggles, opt,
	     tg->writes, tg->fails, tg->ndistinct);
	for (i = 0; i < 2; i++) {
		long n = i ? tg->toggles - tg->phase2_at : tg->phase2_at;
		const double *t = tg->step_s[i];

		if (n > 0)
			diag("optimizer %s: ms per write: off: reserved %.1f min %.1f max %.1f stride %.1f; on: stride %.1f min %.1f max %.1f reserved %.1f",
			     i ? "off" : "on", 1e3 * t[0] / n, 1e3 * t[1] / n,
			     1e3 * t[2] / n, 1e3 * t[3] / n, 1e3 * t[4] / n,
			     1e3 * t[5] / n, 1e3 * t[6] / n, 1e3 * t[7] / n);
	}
	CHECK(tg->fails == 0, "%ld knob writes failed, first: %s", tg->fails,
	      strerror(-tg->first_fail));
	/* a floor that a host under a load of 15 still clears */
	CHECK(tg->toggles >= 8, "only %ld off/on toggles", tg->toggles);
	CHECK(tg->phase2_at > 0, "no toggles without the optimizer");
	fleet_check_errors(f);

	on_idx = tg->state[0];
	for (i = 0; i < f->nworkers; i++)
		for (j = 0; j < f->w[i].n; j++) {
			const struct rec *r = &f->w[i].r[j];
			long lo = r->s0 / 2, hi = (r->s1 + 1) / 2;
			int ok = 0;

			if (r->pid <= 0)
				continue;
			if (hi > tg->writes)
				hi = tg->writes;
			for (k = lo; k <= hi && !ok; k++)
				ok = pol_allowed(&tg->distinct[tg->state[k]],
						 (unsigned int)r->pid, pid_max);
			if (!ok && !bad++) {
				first_bad = r->pid;
				first_bad_write = lo;
			}
			if (r->s0 != r->s1 || (r->s0 & 1)) {
				spans++;
			} else if (tg->state[lo] == on_idx) {
				stable_on++;
			} else if (!memcmp(&tg->distinct[tg->state[lo]], &off,
					   sizeof(off))) {
				stable_off++;
				off_forbidden += !pol_allowed(&p,
						(unsigned int)r->pid, pid_max);
			} else {
				stable_other++;
			}
		}
	diag("creations: %ld inside a stable on period, %ld inside a stable off period (%ld of them outside the policy), %ld in other stable periods, %ld spanning a change",
	     stable_on, stable_off, off_forbidden, stable_other, spans);
	/* where it happened: which toggle, with the optimizer on or off */
	CHECK(bad == 0, "%ld PIDs allowed by none of the policies around their creation; first %d, after write %ld (toggle %ld, optimizer %s)",
	      bad, first_bad, first_bad_write, first_bad_write / 8,
	      first_bad_write / 8 < tg->phase2_at ? "on" : "off");
	CHECK(stable_on >= 10, "only %ld creations inside stable on periods",
	      stable_on);
	CHECK(stable_off >= 5, "only %ld creations inside stable off periods",
	      stable_off);
	/* stock walks from the cursor into the reserved blocks at once */
	CHECK(off_forbidden > 0, "no PID outside the policy while it was off: not stock");
}

/* ---- 24 ------------------------------------------------------------ */

static int ensure_debugfs(void)
{
	if (access(KPROBES_LIST, R_OK) == 0)
		return 0;
	if (mount("debugfs", DEBUGFS, "debugfs", 0, NULL) && errno != EBUSY)
		return -errno;
	return access(KPROBES_LIST, R_OK) ? -errno : 0;
}

/*
 * The lines of the kprobes list that probe idr_alloc_cyclic, counted;
 * the first is copied to @line.
 */
static int probe_lines(char *line, size_t size)
{
	static char buf[1 << 16];
	char *s, *e;
	int n = 0, rc = sysctl_read(KPROBES_LIST, buf, sizeof(buf));

	line[0] = '\0';
	if (rc)
		return rc;
	for (s = buf; *s; s = *e ? e + 1 : e) {
		e = strchr(s, '\n');
		if (!e)
			e = s + strlen(s);
		if (!memmem(s, (size_t)(e - s), " idr_alloc_cyclic+", 18))
			continue;
		if (!n++)
			snprintf(line, size, "%.*s", (int)(e - s), s);
	}
	return n;
}

/* The address of a core kernel text symbol in /proc/kallsyms, or 0. */
static unsigned long kallsyms_addr(const char *name)
{
	char line[512], sym[256], type;
	unsigned long addr, found = 0;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %c %255s", &addr, &type, sym) == 3 &&
		    (type == 'T' || type == 't') && !strcmp(sym, name) &&
		    !strchr(line, '[')) {
			found = addr;
			break;
		}
	fclose(f);
	return found;
}

/* Read @len bytes of kernel memory at @addr through /proc/kcore. */
static int kcore_read(unsigned long addr, unsigned char *out, size_t len)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC), i, rc = -ENOENT;

	if (fd < 0)
		return -errno;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64) {
		close(fd);
		return -ENOEXEC;
	}
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph),
			  (off_t)(eh.e_phoff + (uint64_t)i * eh.e_phentsize)) !=
		    sizeof(ph)) {
			rc = -EIO;
			break;
		}
		if (ph.p_type != PT_LOAD || addr < ph.p_vaddr ||
		    addr + len > ph.p_vaddr + ph.p_memsz)
			continue;
		rc = pread(fd, out, len,
			   (off_t)(ph.p_offset + (addr - ph.p_vaddr))) ==
		     (ssize_t)len ? 0 : -EIO;
		break;
	}
	close(fd);
	return rc;
}

static const char *hex(const unsigned char *b, size_t n)
{
	static char buf[64];
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && i < 16; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%02x",
					i ? " " : "", b[i]);
	return buf;
}

static const unsigned char endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };
/* arch/x86/include/asm/ibt.h, gen_endbr_poison(): a sealed ENDBR */
static const unsigned char poison_new[4] = { 0x0f, 0x1f, 0x40, 0xd6 };
static const unsigned char poison_old[4] = { 0x66, 0x0f, 0x1f, 0x00 };

static const char *entry_kind(const unsigned char *b)
{
	if (!memcmp(b, endbr64, 4))
		return "endbr64";
	if (!memcmp(b, poison_new, 4))
		return "sealed ENDBR (IBT poison nopl -42(%rax))";
	if (!memcmp(b, poison_old, 4))
		return "sealed ENDBR (older IBT poison osp nopl (%rax))";
	return "other (no ENDBR)";
}

static const char *insn_kind(const unsigned char *b)
{
	static const unsigned char nop5[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };

	switch (b[0]) {
	case 0xcc:
		return "int3 (armed kprobe)";
	case 0xe9:
		return "jmp (optimised kprobe)";
	case 0xe8:
		return "call (ftrace: armed ftrace-based kprobe or other tracer)";
	default:
		return memcmp(b, nop5, 5) ? "other" : "nop5 (idle ftrace site)";
	}
}

/* Diagnose the entry bytes; the kind of the first 4 in @kind. */
static int entry_bytes(unsigned long addr, const char *when, int off,
		       unsigned char *b)
{
	int rc = kcore_read(addr, b, 16);

	if (rc) {
		diag("%s: /proc/kcore unreadable at %#lx: %s", when, addr,
		     strerror(-rc));
		return rc;
	}
	diag("%s: idr_alloc_cyclic at %#lx: %s: entry %s; at +%d: %s", when,
	     addr, hex(b, 16), entry_kind(b), off, insn_kind(b + off));
	return 0;
}

/* Symbols of the module that look like a run-time symbol lookup. */
static void check_no_lookup_helpers(void)
{
	static const char *const bad[] = {
		"lookup_symbol", "symbols_init", "kallsyms", "lookup_name",
	};
	char line[512], sym[256], type;
	unsigned long addr;
	long ours = 0;
	size_t i;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!CHECK(f, "open /proc/kallsyms: %s", strerror(errno)))
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "[" PIDCTL_NAME "]") ||
		    sscanf(line, "%lx %c %255s", &addr, &type, sym) != 3)
			continue;
		ours++;
		for (i = 0; i < ARRAY_SIZE(bad); i++)
			CHECK(!strstr(sym, bad[i]),
			      "the module has %s: a run-time symbol lookup is back",
			      sym);
	}
	fclose(f);
	diag("/proc/kallsyms: %ld pidctl symbols", ours);
	CHECK(ours > 0, "no pidctl symbol in /proc/kallsyms: nothing checked");
}

/* The offset in "idr_alloc_cyclic+0x4", or -1. */
static int probe_offset(const char *line)
{
	const char *plus = strstr(line, "idr_alloc_cyclic+");
	unsigned int off;

	if (!plus || sscanf(plus, "idr_alloc_cyclic+%x", &off) != 1)
		return -1;
	return (int)off;
}

/*
 * With a policy active: wait up to 2 s for the optimizer, which marks a
 * probe [OPTIMIZED] when it queues it and writes the jump a little later.
 * An ftrace-based probe is never optimised: it needs no int3.
 */
static void wait_optimized(unsigned long addr, int kcore, char *line,
			   size_t size)
{
	unsigned char b[16];
	double t0 = now();
	int off;

	for (;;) {
		if (probe_lines(line, size) != 1 || strstr(line, "[FTRACE]"))
			break;
		off = probe_offset(line);
		if (off >= 0 && off < 8 && kcore && kcore_read(addr, b, 16) == 0 &&
		    b[off] == 0xe9)
			break;
		if (!kcore && strstr(line, "[OPTIMIZED]"))
			break;
		if (now() - t0 >= 2)
			break;
		sleep_ms(50);
	}
	diag("policy active after %.2f s: %s", now() - t0, line);
}

/* 24: where the probe sits, and in what state. */
void case_probe_site(void)
{
	unsigned char b0[16], b[16];
	unsigned long addr;
	char line[512];
	int n, rc, off, kcore = 0;
	struct pol p;

	rc = ensure_debugfs();
	if (!CHECK(rc == 0, "debugfs at " DEBUGFS ": %s", strerror(-rc)))
		return;

	/* no policy: registered, not armed */
	n = probe_lines(line, sizeof(line));
	diag("no policy: %s", line);
	if (CHECK_EQ(n, 1, "probes on idr_alloc_cyclic, no policy"))
		CHECK(strstr(line, "[DISABLED]"), "no policy: not [DISABLED]: %s",
		      line);
	off = probe_offset(line);

	addr = kallsyms_addr("idr_alloc_cyclic");
	if (!addr)
		diag("/proc/kallsyms: no address for idr_alloc_cyclic (kptr_restrict?): entry bytes not read");
	else
		kcore = entry_bytes(addr, "no policy", off == 4 ? 4 : 0, b0) == 0;

	if (!dense_apply(&p))
		return;
	wait_optimized(addr, kcore, line, sizeof(line));
	n = probe_lines(line, sizeof(line));
	if (CHECK_EQ(n, 1, "probes on idr_alloc_cyclic, policy active")) {
		off = probe_offset(line);
		CHECK(off == 0 || off == 4, "probe at idr_alloc_cyclic+%#x, not the entry",
		      off);
		if (off == 4 && kcore)
			CHECK(!memcmp(b0, endbr64, 4) || !memcmp(b0, poison_new, 4) ||
			      !memcmp(b0, poison_old, 4),
			      "probe at +0x4 but the entry is %s, not an ENDBR",
			      hex(b0, 4));
		else if (off == 4)
			diag("probe at +0x4: the ENDBR before it is not verified (no /proc/kcore)");
		CHECK(!strstr(line, "[DISABLED]") && !strstr(line, "[GONE]"),
		      "policy active but the probe is not armed: %s", line);
		if (kcore && entry_bytes(addr, "policy active", off == 4 ? 4 : 0, b) == 0)
			diag("probe: %s%s", strstr(line, "[FTRACE]") ?
			     "[FTRACE], on the function's ftrace call site: no int3, nothing to optimise" :
			     b[off == 4 ? 4 : 0] == 0xe9 ? "[OPTIMIZED]: the jump is in place" :
			     "not optimised within 2 s", "");
		else
			diag("probe: %s", strstr(line, "[FTRACE]") ? "[FTRACE]" :
			     strstr(line, "[OPTIMIZED]") ? "[OPTIMIZED]" :
			     "not optimised within 2 s");
	}

	/* all defaults again: disarmed */
	CHECK(knobs_reset() == 0, "back to defaults");
	n = probe_lines(line, sizeof(line));
	diag("defaults again: %s", line);
	if (CHECK_EQ(n, 1, "probes on idr_alloc_cyclic, defaults again"))
		CHECK(strstr(line, "[DISABLED]"),
		      "defaults again: not [DISABLED]: %s", line);

	/* the probe is the module's: it leaves with it */
	if (module_path()) {
		rc = module_unload();
		if (CHECK(rc == 0, "rmmod: %s", strerror(-rc)))
			CHECK_EQ(probe_lines(line, sizeof(line)), 0,
				 "probes on idr_alloc_cyclic without the module");
		rc = module_load("");
		CHECK(rc == 0, "insmod: %s", strerror(-rc));
		CHECK_EQ(probe_lines(line, sizeof(line)), 1,
			 "probes on idr_alloc_cyclic, module back");
	}

	check_no_lookup_helpers();
}

/* ---- 25 ------------------------------------------------------------ */

static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/*
 * Read kernel log records from @fd until one contains @needle (1), or
 * @secs pass (0).  The record's text goes to @out.
 */
static int kmsg_wait(int fd, const char *needle, double secs, char *out,
		     size_t size)
{
	char buf[8192], *msg;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	double t0 = now();
	size_t len;
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf) - 1);
		if (n > 0) {
			buf[n] = '\0';
			msg = strchr(buf, ';');
			msg = msg ? msg + 1 : buf;
			if (strstr(msg, needle)) {
				len = strcspn(msg, "\n");
				if (len >= size)
					len = size - 1;
				memcpy(out, msg, len);
				out[len] = '\0';
				return 1;
			}
			continue;
		}
		if (n < 0 && errno == EPIPE)
			continue;	/* records overwritten: go on */
		if (n < 0 && errno != EAGAIN)
			return -errno;
		if (now() - t0 >= secs)
			return 0;
		poll(&pfd, 1, 100);
	}
}

/* 25: kprobes disarmed through debugfs are detected and logged. */
void case_kprobes_disarmed(void)
{
	unsigned int pid_max = (unsigned int)get_pid_max();
	char v[32], msg[512];
	int fd, rc, pid, i, disabled = 0;
	double t0;
	struct pol p;

	rc = ensure_debugfs();
	if (!CHECK(rc == 0, "debugfs at " DEBUGFS ": %s", strerror(-rc)))
		return;
	rc = sysctl_read(KPROBES_ENABLED, v, sizeof(v));
	if (!CHECK(rc == 0 && !strcmp(v, "1"), KPROBES_ENABLED " reads \"%s\" (%s)",
		   v, strerror(-rc)))
		return;
	fd = kmsg_open();
	if (!CHECK(fd >= 0, "/dev/kmsg: %s", strerror(errno)))
		return;

	if (!dense_apply(&p))
		goto out;
	/* armed on activation, and checked at once: no warning now */
	rc = kmsg_wait(fd, MSG_DISARMED, 1.0, msg, sizeof(msg));
	CHECK(rc == 0, "kprobes enabled, yet the module says: %s", msg);
	pid = spawn_exit();
	CHECK(pid > 0 && pol_allowed(&p, (unsigned int)pid, pid_max),
	      "fork before the disarm: %d, outside %s", pid, dense_str());

	lseek(fd, 0, SEEK_END);
	oracle_begin();
	rc = sysctl_write(KPROBES_ENABLED, "0");
	oracle_unenforced();	/* documented: stock PIDs until re-armed */
	if (!CHECK(rc == 0, "write 0 to " KPROBES_ENABLED ": %s", strerror(-rc)))
		goto out;
	disabled = 1;
	t0 = now();
	rc = kmsg_wait(fd, MSG_DISARMED, 12, msg, sizeof(msg));
	if (CHECK(rc == 1, "no \"" MSG_DISARMED "\" within 12 s (%s)",
		  rc < 0 ? strerror(-rc) : "timeout"))
		diag("after %.1f s: %s", now() - t0, msg);

	park_cursor();
	pid = spawn_exit();
	diag("fork while kprobes are disarmed: %d, %s (not enforced, as documented)",
	     pid, pid > 0 && pol_allowed(&p, (unsigned int)pid, pid_max) ?
	     "inside the policy" : "outside the policy");

	lseek(fd, 0, SEEK_END);
	oracle_begin();
	rc = sysctl_write(KPROBES_ENABLED, "1");
	oracle_policy();
	if (!CHECK(rc == 0, "write 1 to " KPROBES_ENABLED ": %s", strerror(-rc)))
		goto out;
	disabled = 0;
	t0 = now();
	rc = kmsg_wait(fd, MSG_ARMED, 12, msg, sizeof(msg));
	if (CHECK(rc == 1, "no \"" MSG_ARMED "\" within 12 s (%s)",
		  rc < 0 ? strerror(-rc) : "timeout"))
		diag("after %.1f s: %s", now() - t0, msg);

	park_cursor();
	for (i = 0; i < 3; i++) {
		pid = spawn_exit();
		CHECK(pid > 0 && pol_allowed(&p, (unsigned int)pid, pid_max),
		      "fork %d after kprobes are armed again: %d, outside %s",
		      i, pid, dense_str());
	}
out:
	if (disabled) {
		oracle_begin();
		rc = sysctl_write(KPROBES_ENABLED, "1");
		oracle_policy();
		CHECK(rc == 0, "re-enabling kprobes: %s", strerror(-rc));
	}
	close(fd);
}
