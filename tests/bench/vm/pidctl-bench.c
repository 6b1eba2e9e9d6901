// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest benchmark of what pidctl costs on the fork path.  One static
 * program, run as /guest-main's payload in a QEMU guest; it loads and
 * unloads the module itself.  It runs the phases named with -p, in this
 * order:
 *
 * latency   configurations measured round-robin, many rounds, one boot:
 *             stock    module not loaded (the baseline, ratio 1.00)
 *             loaded   module loaded, no policy (the probe is disarmed)
 *             c3       min, max, stride and 16 reserved ranges
 *             c3-int3  the same, with the probe on the int3 path (see
 *                      cfg_enter())
 *             c4       1,024 single-PID reserved ranges in a window whose
 *                      allowed PIDs are 95 % held by live sleeping
 *                      processes ("hogs")
 *             rN       sweep (-s 1): min/max as c3, stride 1, N reserved
 *                      ranges (N = 1, 16, 64, 256, 1024), forks only
 *           Per configuration and round: FORKS fork+exit+waitpid round
 *           trips, THREADS pthread_create+join round trips and BURSTS
 *           bursts of BURST forks (fork them all, the children exit at
 *           once, then reap them all; one time per burst).  Each round
 *           visits every configuration once, in an order rotated by one
 *           each round, so slow drift hits all configurations alike.
 *           Every round gives each configuration a ratio to the stock
 *           baseline of the same round; the report gives the median of
 *           those ratios, their IQR and a 95 % CI of the median.  After a
 *           policy is set the program waits until the kprobe core has
 *           optimised the probe (or 1 s), and records in which state the
 *           probe was when each measurement ended.
 * worst     the allocator hook's worst case (-x RMAX:WIDTH,...): a window
 *           where every allowed PID but one is held, and RMAX reserved
 *           ranges whose PIDs are all free, so that each fork's search
 *           visits every allowed gap, finds it busy, wraps, and ends at the
 *           one free PID.  The window is built from 64-PID IDR leaves:
 *           leaf k's PIDs 1..WIDTH are reserved range k, and each allowed
 *           gap runs from PID WIDTH+1 of one leaf to PID 0 of the next, so
 *           every gap crosses a leaf boundary (WIDTH 1: 98.4 % of the
 *           window busy; WIDTH 62: two busy PIDs per gap, the same walk per
 *           gap with 31 times fewer hogs).  The held PIDs are zombies
 *           placed with clone3's set_tid.  Configurations wN cover the
 *           same leaves with N ranges (N = 1, 16, 256, 1024, RMAX), so
 *           they differ only in the number of gaps the search visits;
 *           wN - w1 per fork, round by round, is the search's own cost.
 * memory    what the module and PID hogging hold.
 * tput      throughput (-P PAIRS, -d SECONDS): two forking and two
 *           thread-creating workers run at once for SECONDS, stock and c3
 *           alternating (ABAB...), PAIRS pairs; the ratio c3/stock of each
 *           pair, for forks, threads and both.  Meant for a guest with
 *           two vCPUs in multi-threaded TCG, timed by the wall clock.
 * kprobes   load the module, set c3's policy, wait for the probe to be
 *           optimised (up to 5 s) and print /sys/kernel/debug/kprobes/list.
 *
 * usage: pidctl-bench [-k KO] [-p PHASES] [-r ROUNDS] [-f FORKS]
 *                     [-t THREADS] [-b BURST] [-n BURSTS] [-s 0|1]
 *                     [-x RMAX:WIDTH[,...]] [-W ROUNDS] [-F FORKS]
 *                     [-P PAIRS] [-d SECONDS]
 * stdout (at the end, so that no console output disturbs the timing):
 *   ROUND r cfg metric median_ns
 *   RESULT cfg metric n median_ns p99_ns ratio_median ratio_q1 ratio_q3
 *          ratio_ci95_lo ratio_ci95_hi    (ratios: per round, to stock)
 *   POLICY cfg checked violations stride_pairs stride_hits
 *   PROBE cfg in_state measurements int3|jump   (measurements that ended
 *         with the probe in the state the configuration wants)
 *   KPROBES label | line of /sys/kernel/debug/kprobes/list, or the probed
 *           instruction's first byte and what it means
 *   PROBEWAIT release OPTIMIZED|not-optimized ms   (kprobes phase)
 *   SETTLE waits missed longest_ms   (waits for the probe to settle)
 *   WORST layout cfg ranges gaps n median p99 added_median added_ci_lo
 *         added_ci_hi hogs window busy_pct   (added: per round, to w1)
 *   TRUN pair cfg fork_per_s thread_per_s fork_ops thread_ops seconds
 *   TPUT what n stock_median policy_median ratio_median ratio_q1 ratio_q3
 *        ratio_ci95_lo ratio_ci95_hi       (operations per second)
 *   and on /dev/ttyS3, if present: MARK start|end pair cfg
 *   MEM key value
 *   ok - ... / not ok - ...       sanity checks (TAP without numbers)
 * stderr: progress.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <elf.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KNOBS "/proc/sys/kernel/pidctl"
#define KPROBE_LIST "/sys/kernel/debug/kprobes/list"
#define PID_MAX 65536u		/* set at start: room for both windows */
#define PID_MAX_WORST 4194304u	/* the worst case's window lies above */
#define C3_MIN 2000u
#define C3_MAX 30000u
#define C4_MIN 40000u

enum metric { M_FORK, M_THREAD, M_BURST, NR_METRICS };
static const char *const metric_name[NR_METRICS] = { "fork", "thread", "burst" };

struct cfg {
	const char *name;
	int module;		/* loaded? */
	int full;		/* threads and bursts too, not only forks */
	unsigned int min, max, stride, nr_ranges;
	char *reserved;		/* knob text */
	unsigned char *allowed;	/* [PID_MAX], NULL: no policy */
	/* samples: all of them pooled, and each round's median */
	double *s[NR_METRICS];
	size_t ns[NR_METRICS], cap[NR_METRICS];
	double *round_med[NR_METRICS];
	unsigned long checked, violations, stride_pairs, stride_hits;
	int ran, optimized, int3;	/* int3: measured on the int3 path */
};

static struct cfg cfgs[16];
static int nr_cfgs;
static const char *ko = "/lib/modules/pidctl.ko";
#define WARM 10	/* warm-up forks per configuration and round */
static int rounds = 20, forks = 200, threads = 200, burst = 100, bursts = 0;
static int sweep = 1;
static const char *phases = "latency,worst,kprobes";
static const char *worst_spec = "1024:62";
static int worst_rounds = 10, worst_forks = 40;
static int pairs = 12;
static double tput_secs = 2.0;
static int failures;

/* output is kept until the end */
static char *outbuf;
static size_t outlen, outcap;

static void out(const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(outbuf ? outbuf + outlen : NULL,
			      outbuf ? outcap - outlen : 0, fmt, ap);
		va_end(ap);
		if (n >= 0 && outbuf && outlen + (size_t)n < outcap)
			break;
		outcap = outcap * 2 + (size_t)n + 4096;
		outbuf = realloc(outbuf, outcap);
		if (!outbuf)
			abort();
	}
	outlen += (size_t)n;
}

static void check(int ok, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	out("%s - %s\n", ok ? "ok" : "not ok", buf);
	fprintf(stderr, "bench: %s - %s\n", ok ? "ok" : "not ok", buf);
	if (!ok)
		failures++;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "bench: fatal: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	fwrite(outbuf ? outbuf : "", 1, outlen, stdout);
	printf("not ok - benchmark aborted (see the console)\n");
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ---- files, knobs, module */

static int write_file(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = write(fd, val, len);	/* one write(), as the knob wants */
	if (n < 0)
		n = -errno;
	close(fd);
	return n == (ssize_t)len ? 0 : (n < 0 ? (int)n : -EIO);
}

static long read_long(const char *path)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

/* a field of /proc/meminfo, in kB */
static long meminfo(const char *key)
{
	char line[256];
	size_t kl = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = strtol(line + kl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static void knob(const char *name, const char *val)
{
	char path[128];
	int rc;

	snprintf(path, sizeof(path), KNOBS "/%s", name);
	rc = write_file(path, val);
	if (rc)
		die("write %s = %.40s%s: %s", path, val,
		    strlen(val) > 40 ? "..." : "", strerror(-rc));
}

static int module_loaded(void)
{
	return access("/sys/module/pidctl", F_OK) == 0;
}

static void module_load(void)
{
	int fd;

	if (module_loaded())
		return;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open %s: %s", ko, strerror(errno));
	if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)
		die("finit_module(%s): %s", ko, strerror(errno));
	close(fd);
}

static void module_unload(void)
{
	int i;

	for (i = 0; i < 200 && module_loaded(); i++) {
		if (syscall(SYS_delete_module, "pidctl", O_NONBLOCK) == 0)
			return;
		if (errno != EAGAIN && errno != EBUSY)
			die("delete_module(pidctl): %s", strerror(errno));
		usleep(50000);
	}
	if (module_loaded())
		die("pidctl would not unload");
}

/*
 * Set a policy, or none (@max 0).  From one policy to the next it passes
 * through "stride 2 and nothing else", never through an inactive policy:
 * turning the policy off disarms the probe, and a probe armed again while
 * the kprobe optimiser has not yet taken its jump out stays on the int3
 * path for good (see cfg_enter()).  The reserved list ends in a newline,
 * so that the knob never takes it for the first block of a longer value
 * (docs/design.md, "A value written in pieces").
 */
static void policy_set(unsigned int min, unsigned int max, unsigned int stride,
		       const char *reserved)
{
	char buf[32];

	knob("stride", max ? "2" : "1");
	knob("reserved", "\n");
	knob("min", "0");
	knob("max", "0");	/* with no @max, the policy is off now */
	if (!max)
		return;
	snprintf(buf, sizeof(buf), "%u", max);
	knob("max", buf);
	snprintf(buf, sizeof(buf), "%u", min);
	knob("min", buf);
	knob("reserved", reserved);
	snprintf(buf, sizeof(buf), "%u", stride);
	knob("stride", buf);
}

/* ---- the probe's state, from debugfs and the probed instruction */

/*
 * kprobes/list alone does not say whether the jump is in place: the
 * kprobe core sets the flag it prints as [OPTIMIZED] when it queues the
 * probe for its optimiser, which installs the jump a few jiffies and an
 * RCU-tasks grace period later.  So the probed instruction's first byte
 * is read as well, through /proc/kcore: a jump (0xe9) once optimised, an
 * int3 (0xcc) while armed and not (yet) optimised, the original byte when
 * disarmed.
 */
enum probe_state {
	P_ABSENT,	/* no line for idr_alloc_cyclic */
	P_OFF,		/* [DISABLED], original instruction */
	P_OFF_PENDING,	/* [DISABLED], int3 or jump not yet taken out */
	P_INT3,		/* armed, int3 (optimisation maybe queued) */
	P_OPTIMIZED,	/* armed, jump in place */
	P_UNARMED,	/* enabled, yet the original instruction */
};
static const char *const probe_state_name[] = {
	"absent", "disarmed", "disarmed, int3 or jump still in place",
	"armed, int3 (not optimised)", "armed and optimised (jump)",
	"enabled but not armed",
};

/* One byte of kernel memory at @addr, through /proc/kcore; -1 if unreadable. */
static int kcore_byte(unsigned long addr)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned char b;
	int fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC), i, ret = -1;

	if (fd < 0)
		return -1;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG))
		goto out;
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff +
			  (Elf64_Off)i * eh.e_phentsize)) != sizeof(ph))
			goto out;
		if (ph.p_type != PT_LOAD || addr < ph.p_vaddr ||
		    addr >= ph.p_vaddr + ph.p_filesz)
			continue;
		if (pread(fd, &b, 1, (off_t)(ph.p_offset + (addr - ph.p_vaddr))) == 1)
			ret = b;
		break;
	}
out:
	close(fd);
	return ret;
}

/*
 * Our probe's line of kprobes/list into @line (may be NULL), the first
 * byte of the probed instruction into *@byte (-1: unreadable), its state.
 */
static enum probe_state probe_state(char *line, size_t size, int *byte)
{
	char buf[512];
	enum probe_state st = P_ABSENT;
	int b = -1, off;
	FILE *f = fopen(KPROBE_LIST, "r");

	if (line && size)
		snprintf(line, size, "(no idr_alloc_cyclic line in %s%s)",
			 KPROBE_LIST, f ? "" : ": cannot open it");
	if (byte)
		*byte = -1;
	if (!f)
		return P_ABSENT;
	while (fgets(buf, sizeof(buf), f)) {
		if (!strstr(buf, "idr_alloc_cyclic"))
			continue;
		buf[strcspn(buf, "\n")] = 0;
		if (line && size)
			snprintf(line, size, "%s", buf);
		b = kcore_byte(strtoul(buf, NULL, 16));
		off = !!strstr(buf, "[DISABLED]");
		if (b == 0xe9)
			st = off ? P_OFF_PENDING : P_OPTIMIZED;
		else if (b == 0xcc)
			st = off ? P_OFF_PENDING : P_INT3;
		else if (b >= 0)
			st = off ? P_OFF : P_UNARMED;
		else	/* kcore unreadable: the list's word only */
			st = off ? P_OFF : strstr(buf, "[OPTIMIZED]") ?
			     P_OPTIMIZED : P_INT3;
		break;
	}
	fclose(f);
	if (byte)
		*byte = b;
	return st;
}

/*
 * Wait until the probe is in state @want (optimised after arming,
 * disarmed after turning the policy off), at most @max_ms.  Returns the
 * state and the time waited.
 */
static enum probe_state probe_settle(enum probe_state want, int max_ms,
				     double *waited_ms)
{
	double t0 = now_ns();
	enum probe_state st;

	while ((st = probe_state(NULL, 0, NULL)) != want &&
	       st != P_ABSENT && now_ns() - t0 < max_ms * 1e6)
		usleep(5000);
	if (waited_ms)
		*waited_ms = (now_ns() - t0) / 1e6;
	return st;
}

/* Print the list as it stands, and the probed byte, under @label. */
static void probe_print(const char *label)
{
	char buf[512];
	FILE *f = fopen(KPROBE_LIST, "r");
	enum probe_state st;
	int n = 0, b;

	if (!f) {
		out("KPROBES %s | (cannot open %s: %s)\n", label, KPROBE_LIST,
		    strerror(errno));
		return;
	}
	while (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = 0;
		out("KPROBES %s | %s\n", label, buf);
		n++;
	}
	if (!n)
		out("KPROBES %s | (empty)\n", label);
	fclose(f);
	st = probe_state(NULL, 0, &b);
	out("KPROBES %s | first byte of the probed instruction: %s%02x: %s\n",
	    label, b < 0 ? "unreadable " : "0x", b < 0 ? 0 : b,
	    probe_state_name[st]);
}

/*
 * How long to wait for the probe to settle: up to 3 s each time (the
 * optimiser waits a few jiffies, then an RCU-tasks grace period; 0.2 to
 * 0.4 s in these guests).  If it never settles the first time, the kprobe
 * core does not optimise it here: then 50 ms, and the PROBE lines say so.
 */
static int settle_ms = 3000, settle_misses, settles;
static double settle_max;	/* longest wait that settled, ms */

static int settle(enum probe_state want)
{
	double waited;
	enum probe_state st = probe_settle(want, settle_ms, &waited);

	settles++;
	if (st == want && waited > settle_max)
		settle_max = waited;
	if (st != want && !settle_misses++ && settles == 1)
		settle_ms = 50;
	return st == want;
}

/*
 * Enter a configuration.  A policy configuration is measured with the
 * probe optimised (a jump), as a policy that stays in force has it,
 * except c3-int3, which is measured on the int3 path: the state a probe
 * is left in when it is disarmed and armed again before the optimiser
 * has taken its jump out (the kprobe core then keeps it flagged
 * [OPTIMIZED] but armed with an int3, and never optimises it again until
 * it is disarmed for longer).  A policy rewritten through an inactive one
 * in a script does exactly that.
 */
static void cfg_enter(struct cfg *c)
{
	if (!c->module) {
		module_unload();
		return;
	}
	module_load();
	if (!c->allowed) {
		policy_set(0, 0, 1, "\n");
		settle(P_OFF);
		return;
	}
	policy_set(c->min, c->max, c->stride, c->reserved);
	if (c->int3) {
		/* optimised first, then off and on again at once */
		settle(P_OPTIMIZED);
		policy_set(0, 0, 1, "\n");
		policy_set(c->min, c->max, c->stride, c->reserved);
		if (probe_state(NULL, 0, NULL) != P_INT3)
			fprintf(stderr, "bench: %s: the probe is not on the int3 path\n",
				c->name);
		return;
	}
	if (settle(P_OPTIMIZED))
		return;
	/* stuck on the int3 path (see above): off for good, then on again */
	policy_set(0, 0, 1, "\n");
	settle(P_OFF);
	policy_set(c->min, c->max, c->stride, c->reserved);
	settle(P_OPTIMIZED);
}

/* ---- configurations */

static struct cfg *cfg_new(const char *name, int module, int full)
{
	struct cfg *c = &cfgs[nr_cfgs++];
	int m;

	c->name = name;
	c->module = module;
	c->full = full;
	for (m = 0; m < NR_METRICS; m++) {
		c->round_med[m] = calloc((size_t)rounds, sizeof(double));
		c->cap[m] = (size_t)rounds * (size_t)(m == M_FORK ? forks + WARM :
						      m == M_THREAD ? threads :
						      bursts) + 1;
		c->s[m] = malloc(c->cap[m] * sizeof(double));
		if (!c->round_med[m] || !c->s[m])
			abort();
		/*
		 * Touched now: a fork copies our page tables, so memory that
		 * grew during the run would make later forks dearer.
		 */
		memset(c->s[m], 0, c->cap[m] * sizeof(double));
	}
	return c;
}

/* A policy [min, max], stride, with @nr ranges of @width PIDs spread evenly. */
static void cfg_policy(struct cfg *c, unsigned int min, unsigned int max,
		       unsigned int stride, unsigned int nr, unsigned int width)
{
	unsigned int span = max - min + 1, i, lo, p;
	size_t len = 0, cap = (size_t)nr * 24 + 2;

	c->min = min;
	c->max = max;
	c->stride = stride;
	c->nr_ranges = nr;
	c->reserved = malloc(cap);
	c->allowed = calloc(PID_MAX, 1);
	if (!c->reserved || !c->allowed)
		abort();
	c->reserved[0] = 0;
	for (p = min; p <= max; p++)
		c->allowed[p] = 1;
	for (i = 0; i < nr; i++) {
		/* range i sits in the middle of slot i */
		lo = min + (unsigned int)((unsigned long long)i * span / nr) +
		     (unsigned int)(span / nr / 2);
		if (width == 1)
			len += (size_t)snprintf(c->reserved + len, cap - len,
						"%s%u", i ? "," : "", lo);
		else
			len += (size_t)snprintf(c->reserved + len, cap - len,
						"%s%u-%u", i ? "," : "", lo,
						lo + width - 1);
		for (p = lo; p < lo + width; p++)
			c->allowed[p] = 0;
	}
	snprintf(c->reserved + len, cap - len, "\n");
}

static unsigned int cfg_allowed_count(const struct cfg *c)
{
	unsigned int p, n = 0;

	for (p = 0; p < PID_MAX; p++)
		n += c->allowed[p];
	return n;
}

static void add_sample(struct cfg *c, enum metric m, double v)
{
	if (c->ns[m] == c->cap[m])
		die("%s: more %s samples than allocated", c->name,
		    metric_name[m]);
	c->s[m][c->ns[m]++] = v;
}

static void check_pid(struct cfg *c, int pid, int *prev)
{
	if (!c->allowed)
		return;
	c->checked++;
	if (pid <= 0 || (unsigned int)pid >= PID_MAX || !c->allowed[pid]) {
		if (c->violations++ < 5)
			fprintf(stderr, "bench: %s: PID %d not allowed\n",
				c->name, pid);
	}
	/* successive forks of ours, nothing freed in between that lies ahead */
	if (prev && *prev > 0 && pid > *prev) {
		c->stride_pairs++;
		c->stride_hits += (unsigned int)(pid - *prev) >= c->stride;
	}
	if (prev)
		*prev = pid;
}

/* ---- the measurements */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* quantile of a sorted array, linear interpolation */
static double quantile(const double *v, size_t n, double q)
{
	double pos, frac;
	size_t i;

	if (!n)
		return NAN;
	pos = q * (double)(n - 1);
	i = (size_t)pos;
	frac = pos - (double)i;
	return i + 1 < n ? v[i] * (1 - frac) + v[i + 1] * frac : v[i];
}

static double median_of(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return quantile(v, n, 0.5);
}

/*
 * Sort @v and give the distribution-free 95 % confidence interval of its
 * median: order statistics n/2 -+ 0.98 sqrt(n).
 */
static void median_ci(double *v, int n, double *med, double *lo, double *hi)
{
	int l, h;

	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	l = (int)floor(n / 2.0 - 0.98 * sqrt(n));
	h = (int)ceil(n / 2.0 + 0.98 * sqrt(n));
	l = l < 0 ? 0 : l;
	h = h > n - 1 ? n - 1 : h;
	*med = quantile(v, (size_t)n, 0.5);
	*lo = n ? v[l] : NAN;
	*hi = n ? v[h] : NAN;
}

static pid_t fork_exit(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	return pid;
}

static void reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid(%d): %s", pid, strerror(errno));
}

static void *thread_fn(void *arg)
{
	(void)arg;
	return (void *)(long)syscall(SYS_gettid);
}

static double tmp[100000];

static void measure_forks(struct cfg *c, int r, int n)
{
	int i, prev = 0;
	double t0;
	pid_t pid;

	for (i = 0; i < n; i++) {
		t0 = now_ns();
		pid = fork_exit();
		if (pid < 0)
			die("%s: fork: %s", c->name, strerror(errno));
		reap(pid);
		tmp[i] = now_ns() - t0;
		add_sample(c, M_FORK, tmp[i]);
		check_pid(c, pid, &prev);
	}
	if (r >= 0)
		c->round_med[M_FORK][r] = median_of(tmp, (size_t)n);
}

static void measure_threads(struct cfg *c, int r, int n)
{
	pthread_attr_t attr;
	pthread_t t;
	void *tid;
	double t0;
	int i, rc;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < n; i++) {
		t0 = now_ns();
		rc = pthread_create(&t, &attr, thread_fn, NULL);
		if (rc)
			die("%s: pthread_create: %s", c->name, strerror(rc));
		pthread_join(t, &tid);
		tmp[i] = now_ns() - t0;
		add_sample(c, M_THREAD, tmp[i]);
		check_pid(c, (int)(long)tid, NULL);
	}
	pthread_attr_destroy(&attr);
	if (r >= 0)
		c->round_med[M_THREAD][r] = median_of(tmp, (size_t)n);
}

static pid_t *burst_pids;

static void measure_bursts(struct cfg *c, int r, int nb)
{
	int b, i, prev = 0;
	double t0;

	for (b = 0; b < nb; b++) {
		t0 = now_ns();
		for (i = 0; i < burst; i++) {
			burst_pids[i] = fork_exit();
			if (burst_pids[i] < 0)
				die("%s: fork %d of the burst: %s", c->name, i,
				    strerror(errno));
		}
		for (i = 0; i < burst; i++)
			reap(burst_pids[i]);
		tmp[b] = now_ns() - t0;
		add_sample(c, M_BURST, tmp[b]);
		for (i = 0; i < burst; i++)
			check_pid(c, burst_pids[i], &prev);
	}
	if (r >= 0 && nb)
		c->round_med[M_BURST][r] = median_of(tmp, (size_t)nb);
}
/* ---- hogs: live sleeping processes holding PIDs */

/*
 * A hog is a process (not a thread) sharing our memory, files and fs
 * (CLONE_VM | CLONE_FS | CLONE_FILES), so that twenty thousand of them fit
 * in the guest: each costs a task_struct, a kernel stack and a struct pid,
 * which is what holds its PID.  It sleeps in pause() on its own tiny stack
 * and touches no libc state (it shares our TLS).
 */
static int hog_fn(void *arg)
{
	(void)arg;
	for (;;)
		__asm__ volatile("syscall" : : "a"(SYS_pause) : "rcx", "r11", "memory");
	return 0;
}

#define HOG_STACK 1024

struct hog_report {
	int created, kept, err;
	long bytes_each;
};

static int hog_cmd[2], hog_ack[2];
static pid_t holder;

static void reap_all(pid_t *pids, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			reap(pids[i]);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The holder: a process of its own (its own memory, so that sharing it
 * with the hogs changes nothing for the benchmark's forks).  On the first
 * byte from the benchmark it clones up to @max hogs (the policy in force
 * puts them in c4's window), stops early if the window is full, frees
 * every 20th, and reports.  At EOF it kills and reaps them all.
 */
static void holder_main(unsigned int max)
{
	struct hog_report rep = { 0 };
	char *stacks;
	pid_t *pids;
	long free0, free1;
	char ch;
	int i;

	pids = calloc(max, sizeof(*pids));
	stacks = mmap(NULL, (size_t)max * HOG_STACK, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (read(hog_cmd[0], &ch, 1) != 1)
		_exit(0);
	if (!pids || stacks == MAP_FAILED) {
		rep.err = ENOMEM;
		goto report;
	}
	free0 = meminfo("MemFree");
	for (i = 0; i < (int)max; i++) {
		pids[i] = clone(hog_fn, stacks + (size_t)(i + 1) * HOG_STACK,
				CLONE_VM | CLONE_FS | CLONE_FILES | SIGCHLD, NULL);
		if (pids[i] < 0) {
			if (errno != EAGAIN)
				rep.err = errno;
			pids[i] = 0;
			break;
		}
	}
	free1 = meminfo("MemFree");
	rep.created = i;
	rep.bytes_each = i ? (free0 - free1) * 1024 / i : 0;
	qsort(pids, (size_t)rep.created, sizeof(*pids), cmp_pid);
	for (i = 10; i < rep.created; i += 20) {
		kill(pids[i], SIGKILL);
		reap(pids[i]);
		pids[i] = 0;
	}
	for (i = 0; i < rep.created; i++)
		rep.kept += pids[i] > 0;
report:
	if (write(hog_ack[1], &rep, sizeof(rep)) != sizeof(rep))
		_exit(1);
	while (read(hog_cmd[0], &ch, 1) > 0)
		;
	reap_all(pids, rep.created);
	_exit(0);
}

/*
 * With c4's policy in force, fill every allowed PID of its window with a
 * hog, then free every 20th one: 95 % busy, the free 5 % spread evenly.
 */
static void hogs_start(struct cfg *c)
{
	unsigned int allowed = cfg_allowed_count(c);
	struct hog_report rep;
	double t0;

	if (pipe(hog_cmd) || pipe(hog_ack))
		die("pipe: %s", strerror(errno));
	holder = fork();	/* before the policy: its PID is not in c4's window */
	if (holder < 0)
		die("fork: %s", strerror(errno));
	if (holder == 0) {
		close(hog_cmd[1]);
		close(hog_ack[0]);
		holder_main(allowed);
	}
	close(hog_cmd[0]);
	close(hog_ack[1]);
	cfg_enter(c);
	t0 = now_ns();
	if (write(hog_cmd[1], "g", 1) != 1 ||
	    read(hog_ack[0], &rep, sizeof(rep)) != sizeof(rep))
		die("the hog holder died");
	if (rep.err)
		die("creating hogs: %s", strerror(rep.err));
	fprintf(stderr, "bench: %d hogs hold %d of c4's %u allowed PIDs (%.1f %%) after %.1f s\n",
		rep.created, rep.kept, allowed, 100.0 * rep.kept / allowed,
		(now_ns() - t0) / 1e9);
	out("MEM hog_clone_vm_bytes_each %ld\n", rep.bytes_each);
	out("MEM c4_allowed %u\nMEM c4_hogs %d\nMEM c4_occupancy_pct %.2f\n",
	    allowed, rep.kept, 100.0 * rep.kept / allowed);
	check(rep.kept >= (int)(allowed * 0.94) && rep.kept <= (int)(allowed * 0.96),
	      "c4: %d live processes hold %.1f %% of the %u allowed PIDs",
	      rep.kept, 100.0 * rep.kept / allowed, allowed);
}

static void hogs_stop(void)
{
	close(hog_cmd[1]);
	reap(holder);
}

/* ---- memory */

static long slab_attr(const char *cache, const char *attr)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/%s", cache, attr);
	return read_long(path);
}

/* objsize of a cache named in /proc/slabinfo, or -1 (merged caches are absent) */
static long slabinfo_objsize(const char *cache)
{
	char line[512], name[64];
	long active, num, objsize, v = -1;
	FILE *f = fopen("/proc/slabinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld %ld %ld", name, &active, &num, &objsize) == 4 &&
		    !strcmp(name, cache)) {
			v = objsize;
			break;
		}
	fclose(f);
	return v;
}

static int sleeper_fn(void)
{
	pause();
	_exit(0);
}

/* What the module holds, and what PID hogging would need instead. */
static void measure_memory(void)
{
	static const unsigned int rs[] = { 16, 256, 1024 };
	long f0, f1, dsum;
	pid_t *kids;
	unsigned int i;
	int k, j, n = 1000;

	out("MEM pid_objsize_slabinfo %ld\n", slabinfo_objsize("pid"));
	out("MEM pid_object_size %ld\nMEM pid_slab_size %ld\n",
	    slab_attr("pid", "object_size"), slab_attr("pid", "slab_size"));
	out("MEM task_struct_object_size %ld\nMEM task_struct_slab_size %ld\n",
	    slab_attr("task_struct", "object_size"), slab_attr("task_struct", "slab_size"));
	out("MEM thread_size_guess 16384\n");

	/*
	 * The policy object: MemFree with a reserved list of R single PIDs
	 * (two apart, so none merge) minus MemFree without, median of 5.
	 * The object is struct pidctl_policy_box: an rcu_head, the policy
	 * (16 bytes) and 8 bytes per range, from kvzalloc().
	 */
	module_load();
	out("MEM module_coresize %ld\n", read_long("/sys/module/pidctl/coresize"));
	out("MEM module_initsize %ld\n", read_long("/sys/module/pidctl/initsize"));
	for (i = 0; i < sizeof(rs) / sizeof(rs[0]); i++) {
		size_t len = 0, cap = (size_t)rs[i] * 12 + 4;
		char *text = malloc(cap);
		double d[5];

		if (!text)
			abort();
		for (k = 0; k < (int)rs[i]; k++)
			len += (size_t)snprintf(text + len, cap - len, "%s%u",
						k ? "," : "", 1000u + 3u * (unsigned int)k);
		snprintf(text + len, cap - len, "\n");
		for (k = 0; k < 5; k++) {
			knob("reserved", "\n");
			usleep(100000);
			f0 = meminfo("MemFree");
			knob("reserved", text);
			usleep(100000);
			f1 = meminfo("MemFree");
			d[k] = (double)(f0 - f1) * 1024;
		}
		knob("reserved", "\n");
		free(text);
		out("MEM policy_R%u_accounted %lu\n", rs[i], 32ul + 8ul * rs[i]);
		out("MEM policy_R%u_memfree_delta %.0f\n", rs[i], median_of(d, 5));
	}
	module_unload();

	/* seed-style hogs: ordinary forked children sleeping, n of them */
	kids = calloc((size_t)n, sizeof(*kids));
	if (!kids)
		abort();
	dsum = 0;
	for (j = 0; j < 3; j++) {
		usleep(100000);
		f0 = meminfo("MemFree");
		for (k = 0; k < n; k++) {
			kids[k] = fork();
			if (kids[k] == 0)
				sleeper_fn();
			if (kids[k] < 0)
				die("fork sleeper: %s", strerror(errno));
		}
		usleep(100000);
		f1 = meminfo("MemFree");
		dsum += f0 - f1;
		reap_all(kids, n);
	}
	out("MEM hog_fork_bytes_each %.0f\n", (double)dsum * 1024.0 / (3.0 * n));
	free(kids);
}

/* ---- report */


/* ---- the worst case of the hook's search */

/*
 * The window lies above 262,143, where the PID IDR has four levels (as
 * on a machine with pid_max 4194304, systemd's default), and starts on a
 * 4,096-PID boundary, so that its 64-PID leaves line up.
 */
#define LEAF 64u
#define WORST_BASE (245u * 4096u)	/* 1,003,520 */

struct zombie_clone_args {	/* struct clone_args up to set_tid_size */
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size;
};

/*
 * clone3() a process that exits at once, at PID @pid (set_tid): it stays
 * a zombie, holding its PID, until its parent reaps it.  It shares our
 * memory, so it runs nothing but the exit system call, in registers.
 */
static long zombie_at(pid_t pid, void *stack)
{
	struct zombie_clone_args a = {
		.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND,
		.exit_signal = SIGCHLD,
		.stack = (uintptr_t)stack,
		.stack_size = 256,
		.set_tid = (uintptr_t)&pid,
		.set_tid_size = 1,
	};
	long ret;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "mov $60, %%eax\n\t"	/* SYS_exit */
			 "xor %%edi, %%edi\n\t"
			 "syscall\n"
			 "1:"
			 : "=a"(ret)
			 : "0"((long)SYS_clone3), "D"(&a), "S"(sizeof(a))
			 : "rcx", "r11", "memory");
	return ret;
}

struct worst_layout {
	unsigned int rmax, width;	/* reserved ranges, PIDs per range */
	unsigned int x, hi;		/* the window [x, hi]; x is the free PID */
	unsigned int hogs, window, others;
};

static unsigned int leaf(unsigned int k)
{
	return WORST_BASE + LEAF * k;
}

/*
 * Leaf k (1..rmax) holds reserved range k-1 at its PIDs 1..width; every
 * gap between them, from PID width+1 of a leaf to PID 0 of the next, is
 * held; the window starts at x, PID width of leaf 0, the one allowed PID
 * left free, and ends at PID 0 of leaf rmax+1.
 */
static void worst_layout(struct worst_layout *l, unsigned int rmax,
			 unsigned int width)
{
	l->rmax = rmax;
	l->width = width;
	l->x = leaf(0) + width;
	l->hi = leaf(rmax + 1);
	l->hogs = (rmax + 1) * (LEAF - width);
	l->window = l->hi - l->x + 1;
	l->others = 0;
}

/* The reserved list of @l's leaves grouped into @nr ranges. */
static char *worst_ranges(const struct worst_layout *l, unsigned int nr)
{
	unsigned int k = l->rmax / nr, j;
	size_t len = 0, cap = (size_t)nr * 24 + 2;
	char *text = malloc(cap);

	if (!text)
		abort();
	for (j = 0; j < nr; j++)
		len += (size_t)snprintf(text + len, cap - len, "%s%u-%u",
					j ? "," : "", leaf(j * k + 1) + 1,
					leaf((j + 1) * k) + l->width);
	snprintf(text + len, cap - len, "\n");
	return text;
}

/*
 * The holder of the zombies: a process of its own, so that our waitpid()
 * calls never see them.  It makes one zombie per held PID, reports, and at
 * EOF on its pipe reaps them all and exits.
 */
static void worst_holder(struct worst_layout *l, int cmd, int ack)
{
	static char stack[4096] __attribute__((aligned(16)));
	unsigned int g, p, made = 0, taken = 0;
	int err = 0, st;
	char ch;

	for (g = 0; g <= l->rmax && !err; g++)
		for (p = leaf(g) + l->width + 1; p <= leaf(g + 1); p++) {
			long r = zombie_at((pid_t)p, stack + sizeof(stack));

			if (r > 0) {
				made++;
			} else if (r == -EEXIST) {
				taken++;	/* another task holds it: busy too */
			} else {
				err = (int)-r;
				break;
			}
		}
	l->hogs = made;
	l->others = taken;
	if (write(ack, l, sizeof(*l)) != sizeof(*l) || write(ack, &err, sizeof(err)) != sizeof(err))
		_exit(1);
	while (read(cmd, &ch, 1) > 0)
		;
	while (waitpid(-1, &st, 0) > 0 || errno == EINTR)
		;
	_exit(0);
}

struct worst_cfg {
	char name[16];
	unsigned int nr;
	char *reserved;
	double *round_med;
	double *s;
	size_t ns;
	unsigned long wrong;	/* forks that did not get x */
	int optimized;
};

static void worst_run(unsigned int rmax, unsigned int width)
{
	static const unsigned int sizes[] = { 1, 16, 256, 1024 };
	struct worst_cfg wc[8];
	struct worst_layout l;
	int cmd[2], ack[2], err = 0, nc = 0, r, k, i, warm = 3;
	unsigned int j;
	double t0, *d, med, lo, hi;
	char buf[32], label[64];
	pid_t holder_pid, pid;

	worst_layout(&l, rmax, width);
	snprintf(label, sizeof(label), "R%u/width%u", rmax, width);
	for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
		if (sizes[j] > rmax || rmax % sizes[j])
			continue;
		snprintf(wc[nc].name, sizeof(wc[nc].name), "w%u", sizes[j]);
		wc[nc].nr = sizes[j];
		wc[nc].reserved = worst_ranges(&l, sizes[j]);
		wc[nc].round_med = calloc((size_t)worst_rounds, sizeof(double));
		wc[nc].s = calloc((size_t)worst_rounds * (size_t)worst_forks,
				  sizeof(double));
		/* touched now: our memory must not grow while we fork */
		if (wc[nc].s)
			memset(wc[nc].s, 0, (size_t)worst_rounds *
			       (size_t)worst_forks * sizeof(double));
		wc[nc].ns = 0;
		wc[nc].wrong = 0;
		wc[nc].optimized = 0;
		if (!wc[nc].round_med || !wc[nc].s)
			abort();
		nc++;
	}
	if (nc < 2 || wc[0].nr != 1)
		die("worst case %s: needs RMAX a multiple of 16 or 1", label);

	snprintf(buf, sizeof(buf), "%u", PID_MAX_WORST);
	if (write_file("/proc/sys/kernel/pid_max", buf))
		die("cannot raise pid_max for the worst case");
	if (pipe(cmd) || pipe(ack))
		die("pipe: %s", strerror(errno));
	/* the cursor away from the window: the holder's own PID stays out */
	write_file("/proc/sys/kernel/ns_last_pid", "1000");
	t0 = now_ns();
	holder_pid = fork();
	if (holder_pid < 0)
		die("fork: %s", strerror(errno));
	if (holder_pid == 0) {
		close(cmd[1]);
		close(ack[0]);
		worst_holder(&l, cmd[0], ack[1]);
	}
	close(cmd[0]);
	close(ack[1]);
	if (read(ack[0], &l, sizeof(l)) != sizeof(l) ||
	    read(ack[0], &err, sizeof(err)) != sizeof(err))
		die("the zombie holder died");
	if (err)
		die("worst case %s: clone3 with set_tid: %s", label, strerror(err));
	fprintf(stderr, "bench: worst case %s: %u zombies (+%u PIDs held by others) hold every allowed PID of %u-%u but %u, after %.1f s\n",
		label, l.hogs, l.others, l.x, l.hi, l.x, (now_ns() - t0) / 1e9);
	check(l.hogs + l.others == (l.rmax + 1) * (LEAF - l.width),
	      "worst case %s: %u of the window's %u PIDs held (%.1f %%), the rest reserved or the one free PID",
	      label, l.hogs + l.others, l.window,
	      100.0 * (l.hogs + l.others) / l.window);

	module_load();
	for (r = 0; r < worst_rounds; r++) {
		fprintf(stderr, "bench: worst case %s: round %d/%d\n", label,
			r + 1, worst_rounds);
		for (k = 0; k < nc; k++) {
			struct worst_cfg *c = &wc[(k + r) % nc];

			policy_set(l.x, l.hi, 1, c->reserved);
			settle(P_OPTIMIZED);
			for (i = 0; i < warm + worst_forks; i++) {
				double ts = now_ns();

				pid = fork_exit();
				if (pid < 0)
					die("worst case %s %s: fork: %s", label,
					    c->name, strerror(errno));
				reap(pid);
				if (i < warm)
					continue;
				tmp[i - warm] = now_ns() - ts;
				c->s[c->ns++] = tmp[i - warm];
				c->wrong += (unsigned int)pid != l.x;
			}
			c->round_med[r] = median_of(tmp, (size_t)worst_forks);
			c->optimized += probe_state(NULL, 0, NULL) == P_OPTIMIZED;
		}
	}
	policy_set(0, 0, 1, "\n");
	write_file("/proc/sys/kernel/ns_last_pid", "1000");

	d = calloc((size_t)worst_rounds, sizeof(double));
	if (!d)
		abort();
	for (k = 0; k < nc; k++) {
		struct worst_cfg *c = &wc[k];

		for (r = 0; r < worst_rounds; r++)
			out("WROUND %s %d %s %.0f\n", label, r, c->name,
			    c->round_med[r]);
		for (r = 0; r < worst_rounds; r++)
			d[r] = c->round_med[r] - wc[0].round_med[r];
		median_ci(d, worst_rounds, &med, &lo, &hi);
		qsort(c->s, c->ns, sizeof(double), cmp_double);
		out("WORST %s %s %u %u %zu %.0f %.0f %.0f %.0f %.0f %u %u %.2f %d\n",
		    label, c->name, c->nr, c->nr + 1, c->ns,
		    quantile(c->s, c->ns, 0.5), quantile(c->s, c->ns, 0.99),
		    med, lo, hi, l.hogs + l.others, l.window,
		    100.0 * (l.hogs + l.others) / l.window, c->optimized);
		check(c->ns && !c->wrong,
		      "worst case %s %s: each of %zu forks got the one free PID %u after visiting %u busy gaps",
		      label, c->name, c->ns, l.x, c->nr + 1);
	}
	for (k = 0; k < nc; k++) {
		free(wc[k].reserved);
		free(wc[k].round_med);
		free(wc[k].s);
	}
	free(d);

	close(cmd[1]);	/* the holder reaps its zombies and exits */
	reap(holder_pid);
	close(ack[0]);
	snprintf(buf, sizeof(buf), "%u", PID_MAX);
	write_file("/proc/sys/kernel/pid_max", buf);
}

static void worst_phase(void)
{
	char *spec = strdup(worst_spec), *item, *save = NULL;
	unsigned int rmax, width;

	if (!spec)
		abort();
	for (item = strtok_r(spec, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		if (sscanf(item, "%u:%u", &rmax, &width) != 2 || !rmax ||
		    rmax > 1024 || !width || width > LEAF - 2)
			die("bad worst-case layout '%s' (RMAX:WIDTH, RMAX <= 1024, the cap, 1 <= WIDTH <= 62)", item);
		worst_run(rmax, width);
	}
	free(spec);
}

/* ---- throughput: two forking and two thread-creating workers at once */

#define TPUT_WORKERS 4

struct tput_shared {
	struct {
		volatile unsigned long ops, violations;
		char pad[48];
	} w[TPUT_WORKERS];
	volatile int stop;
};

static void tput_worker(struct tput_shared *sh, int idx, int go,
			const struct cfg *c)
{
	pthread_attr_t attr;
	pthread_t t;
	void *tid;
	char ch;
	pid_t pid;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	if (read(go, &ch, 1) != 1)
		_exit(1);
	while (!sh->stop) {
		if (idx < 2) {
			pid = fork_exit();
			if (pid < 0)
				_exit(2);
			reap(pid);
		} else {
			if (pthread_create(&t, &attr, thread_fn, NULL))
				_exit(3);
			pthread_join(t, &tid);
			pid = (pid_t)(long)tid;
		}
		if (c && (pid <= 0 || (unsigned int)pid >= PID_MAX ||
			  !c->allowed[pid]))
			sh->w[idx].violations++;
		sh->w[idx].ops++;
	}
	_exit(0);
}

/*
 * A run marker on /dev/ttyS3, when the guest has that port: the host
 * (tests/bench/vm/run, PIDCTL_BENCH_MARKS=1) stamps each line as it
 * arrives with its own time and the CPU time QEMU has used, so that each
 * run's operations can also be put against the host CPU it got.
 */
static void mark(const char *fmt, ...)
{
	static int fd = -2;
	char buf[128];
	va_list ap;
	int n;

	if (fd == -2) {
		long type = read_long("/sys/class/tty/ttyS3/type");

		fd = type > 0 ? open("/dev/ttyS3", O_WRONLY | O_NOCTTY | O_CLOEXEC) : -1;
	}
	if (fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && write(fd, buf, (size_t)n) != n)
		fd = -1;
}

/* One run: the four workers for tput_secs; operations per second. */
static void tput_run(struct tput_shared *sh, const struct cfg *c, int pair,
		     double *fork_rate, double *thread_rate,
		     unsigned long *violations)
{
	const char *name = c ? c->name : "stock";
	unsigned long ops[TPUT_WORKERS];
	pid_t pids[TPUT_WORKERS];
	struct timespec ts;
	int go[2], i;
	double t0, dt;

	memset(sh, 0, sizeof(*sh));
	if (pipe(go))
		die("pipe: %s", strerror(errno));
	for (i = 0; i < TPUT_WORKERS; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			die("fork: %s", strerror(errno));
		if (pids[i] == 0) {
			close(go[1]);
			tput_worker(sh, i, go[0], c);
		}
	}
	close(go[0]);
	usleep(100000);		/* all four blocked on the pipe */
	mark("MARK start %d %s\n", pair, name);
	t0 = now_ns();
	if (write(go[1], "gggg", TPUT_WORKERS) != TPUT_WORKERS)
		die("start workers: %s", strerror(errno));
	ts.tv_sec = (time_t)tput_secs;
	ts.tv_nsec = (long)((tput_secs - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	for (i = 0; i < TPUT_WORKERS; i++)
		ops[i] = sh->w[i].ops;
	dt = (now_ns() - t0) / 1e9;
	mark("MARK end %d %s\n", pair, name);
	sh->stop = 1;
	close(go[1]);
	for (i = 0; i < TPUT_WORKERS; i++) {
		int st;

		while (waitpid(pids[i], &st, 0) < 0)
			if (errno != EINTR)
				die("waitpid worker: %s", strerror(errno));
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			die("throughput worker %d failed (status %d)", i, st);
		*violations += sh->w[i].violations;
	}
	*fork_rate = (ops[0] + ops[1]) / dt;
	*thread_rate = (ops[2] + ops[3]) / dt;
	out("TRUN %d %s %.1f %.1f %lu %lu %.4f\n", pair, name, *fork_rate,
	    *thread_rate, ops[0] + ops[1], ops[2] + ops[3], dt);
}

static void tput_phase(struct cfg *c3)
{
	static const char *const what[] = { "fork", "thread", "both" };
	struct tput_shared *sh;
	double rate[2][3], *ratio[3], *val[2][3], med, lo, hi, q1, q3;
	unsigned long viol = 0;
	int p, m, s;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	for (m = 0; m < 3; m++) {
		ratio[m] = calloc((size_t)pairs, sizeof(double));
		val[0][m] = calloc((size_t)pairs, sizeof(double));
		val[1][m] = calloc((size_t)pairs, sizeof(double));
		if (!ratio[m] || !val[0][m] || !val[1][m])
			abort();
	}
	out("TPARAM pairs %d seconds %.2f workers 2 fork + 2 thread vcpus %ld\n",
	    pairs, tput_secs, sysconf(_SC_NPROCESSORS_ONLN));
	for (p = 0; p < pairs; p++) {
		fprintf(stderr, "bench: throughput pair %d/%d\n", p + 1, pairs);
		for (s = 0; s < 2; s++) {	/* A = stock, B = c3 */
			if (s == 0) {
				module_unload();
			} else {
				cfg_enter(c3);
				c3->optimized += probe_state(NULL, 0, NULL) == P_OPTIMIZED;
			}
			tput_run(sh, s ? c3 : NULL, p, &rate[s][0], &rate[s][1],
				 &viol);
			rate[s][2] = rate[s][0] + rate[s][1];
			for (m = 0; m < 3; m++)
				val[s][m][p] = rate[s][m];
		}
		for (m = 0; m < 3; m++)
			ratio[m][p] = rate[1][m] / rate[0][m];
	}
	module_unload();
	for (m = 0; m < 3; m++) {
		double a, b;

		a = median_of(val[0][m], (size_t)pairs);
		b = median_of(val[1][m], (size_t)pairs);
		median_ci(ratio[m], pairs, &med, &lo, &hi);
		q1 = quantile(ratio[m], (size_t)pairs, 0.25);
		q3 = quantile(ratio[m], (size_t)pairs, 0.75);
		out("TPUT %s %d %.1f %.1f %.4f %.4f %.4f %.4f %.4f\n", what[m],
		    pairs, a, b, med, q1, q3, lo, hi);
		check(a > 0 && b > 0 && isfinite(med),
		      "throughput %s: %d pairs, stock %.0f/s, c3 %.0f/s", what[m],
		      pairs, a, b);
	}
	out("PROBE tput-c3 %d %d jump\n", c3->optimized, pairs);
	check(!viol, "throughput: every PID of c3's workers inside the policy (%lu outside)",
	      viol);
	munmap(sh, sizeof(*sh));
}

/* ---- kprobes: is the probe optimised in this guest? */

static void kprobes_phase(struct cfg *c3)
{
	char line[512];
	enum probe_state st;
	double waited;
	int i, prev = 0;
	char rel[128] = "unknown";
	FILE *f = fopen("/proc/sys/kernel/osrelease", "r");

	if (f) {
		if (fgets(rel, sizeof(rel), f))
			rel[strcspn(rel, "\n")] = 0;
		fclose(f);
	}
	module_unload();	/* a fresh probe, never armed */
	module_load();
	probe_print("loaded, no policy");
	policy_set(c3->min, c3->max, c3->stride, c3->reserved);
	probe_print("c3 policy, just armed");
	st = probe_settle(P_OPTIMIZED, 10000, &waited);
	settles++;
	settle_misses += st != P_OPTIMIZED;
	if (st == P_OPTIMIZED && waited > settle_max)
		settle_max = waited;
	probe_state(line, sizeof(line), NULL);
	out("PROBEWAIT %s %s %.0f\n", rel, st == P_OPTIMIZED ? "OPTIMIZED" : "not-optimized", waited);
	probe_print("c3 policy, settled");
	for (i = 0; i < 20; i++) {
		pid_t pid = fork_exit();

		if (pid < 0)
			die("fork: %s", strerror(errno));
		reap(pid);
		check_pid(c3, pid, &prev);
	}
	check(st != P_ABSENT, "kprobes list readable and shows the probe on idr_alloc_cyclic");
	fprintf(stderr, "bench: kernel %s: probe %s after %.0f ms: %s\n", rel,
		probe_state_name[st], waited, line);
	policy_set(0, 0, 1, "\n");
	probe_print("policy off");
	probe_settle(P_OFF, 10000, &waited);
	probe_print("policy off, settled");
	module_unload();
}

/* ---- report */

static void report(void)
{
	struct cfg *base = &cfgs[0];
	double ratio[4096], *v, med, lo, hi;
	int ci, m, r, n;

	for (ci = 0; ci < nr_cfgs; ci++) {
		struct cfg *c = &cfgs[ci];

		for (m = 0; m < NR_METRICS; m++) {
			if (!c->ns[m])
				continue;
			for (r = 0; r < rounds; r++)
				out("ROUND %d %s %s %.0f\n", r, c->name,
				    metric_name[m], c->round_med[m][r]);
			for (r = n = 0; r < rounds && r < 4096; r++)
				if (base->round_med[m][r] > 0)
					ratio[n++] = c->round_med[m][r] /
						     base->round_med[m][r];
			median_ci(ratio, n, &med, &lo, &hi);
			v = c->s[m];
			qsort(v, c->ns[m], sizeof(double), cmp_double);
			out("RESULT %s %s %zu %.0f %.0f %.4f %.4f %.4f %.4f %.4f\n",
			    c->name, metric_name[m], c->ns[m],
			    quantile(v, c->ns[m], 0.5), quantile(v, c->ns[m], 0.99),
			    med, quantile(ratio, (size_t)n, 0.25),
			    quantile(ratio, (size_t)n, 0.75), lo, hi);
		}
		if (c->allowed) {
			out("POLICY %s %lu %lu %lu %lu\n", c->name, c->checked,
			    c->violations, c->stride_pairs, c->stride_hits);
			out("PROBE %s %d %d %s\n", c->name, c->optimized, c->ran,
			    c->int3 ? "int3" : "jump");
		}
	}
	for (ci = 0; ci < nr_cfgs; ci++) {
		struct cfg *c = &cfgs[ci];
		int good = c->ran == rounds;

		for (m = 0; m < NR_METRICS; m++) {
			if (!c->ns[m])
				continue;
			v = c->s[m];
			good = good && v[0] > 0 && isfinite(v[c->ns[m] - 1]);
		}
		check(good, "%s: ran %d of %d rounds, all times positive and finite",
		      c->name, c->ran, rounds);
		if (c->allowed)
			check(c->checked > 0 && !c->violations,
			      "%s: %lu PIDs of our forks and threads checked, %lu outside the policy",
			      c->name, c->checked, c->violations);
	}
}

static void latency_phase(void)
{
	int r, k, warm = WARM, printed = 0;

	/*
	 * One pass over every configuration first, not counted: the first
	 * forks of a boot cost more (caches, slabs), and that would favour
	 * whatever round 0 measures last.
	 */
	fprintf(stderr, "bench: warm-up pass\n");
	for (k = 0; k < nr_cfgs; k++) {
		struct cfg *c = &cfgs[k];
		size_t ns[NR_METRICS];
		int m;

		for (m = 0; m < NR_METRICS; m++)
			ns[m] = c->ns[m];
		cfg_enter(c);
		measure_forks(c, -1, forks / 4 + 1);
		if (c->full) {
			/*
			 * Our first thread makes glibc's fork() dearer for
			 * good (a process that was ever multi-threaded
			 * resets its locks in the child): before any round.
			 */
			measure_threads(c, -1, threads / 4 + 1);
			measure_bursts(c, -1, bursts ? 1 : 0);
		}
		for (m = 0; m < NR_METRICS; m++)
			c->ns[m] = ns[m];
	}
	for (r = 0; r < rounds; r++) {
		fprintf(stderr, "bench: round %d/%d\n", r + 1, rounds);
		for (k = 0; k < nr_cfgs; k++) {
			struct cfg *c = &cfgs[(k + r) % nr_cfgs];

			cfg_enter(c);
			measure_forks(c, -1, warm);	/* warm up, counted too */
			c->ns[M_FORK] -= (size_t)warm;
			measure_forks(c, r, forks);
			if (c->full) {
				measure_threads(c, r, threads);
				measure_bursts(c, r, bursts);
			}
			if (c->allowed) {
				c->optimized += probe_state(NULL, 0, NULL) ==
						(c->int3 ? P_INT3 : P_OPTIMIZED);
				if (!printed++)
					probe_print(c->name);
			}
			c->ran++;
		}
	}
}

static int has_phase(const char *name)
{
	size_t n = strlen(name);
	const char *p = phases;

	while ((p = strstr(p, name))) {
		if ((p == phases || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const unsigned int sweep_r[] = { 1, 16, 64, 256, 1024 };
	static const char *const sweep_name[] = { "r1", "r16", "r64", "r256", "r1024" };
	struct cfg *c3, *c4 = NULL;
	unsigned int size, i;
	int opt;
	char buf[32];
	double t0 = now_ns();

	while ((opt = getopt(argc, argv, "k:p:r:f:t:b:n:s:x:W:F:P:d:")) != -1) {
		switch (opt) {
		case 'k': ko = optarg; break;
		case 'p': phases = optarg; break;
		case 'r': rounds = atoi(optarg); break;
		case 'f': forks = atoi(optarg); break;
		case 't': threads = atoi(optarg); break;
		case 'b': burst = atoi(optarg); break;
		case 'n': bursts = atoi(optarg); break;
		case 's': sweep = atoi(optarg); break;
		case 'x': worst_spec = optarg; break;
		case 'W': worst_rounds = atoi(optarg); break;
		case 'F': worst_forks = atoi(optarg); break;
		case 'P': pairs = atoi(optarg); break;
		case 'd': tput_secs = atof(optarg); break;
		default:
			fprintf(stderr, "usage: pidctl-bench [-k KO] [-p PHASES] [-r ROUNDS] [-f FORKS] [-t THREADS] [-b BURST] [-n BURSTS] [-s 0|1] [-x RMAX:WIDTH,...] [-W ROUNDS] [-F FORKS] [-P PAIRS] [-d SECONDS]\n");
			return 2;
		}
	}
	if (rounds < 1 || rounds > 4096 || forks < 1 || forks > 100000 ||
	    threads < 1 || threads > 100000 || burst < 1 || bursts < 0 ||
	    bursts > 100000 || worst_rounds < 1 || worst_forks < 1 ||
	    worst_forks > 100000 || pairs < 1 || pairs > 10000 ||
	    !(tput_secs > 0))
		die("bad arguments");
	burst_pids = calloc((size_t)burst, sizeof(pid_t));
	/* the report's buffer, touched now (see cfg_new()) */
	outcap = 4u << 20;
	outbuf = malloc(outcap);
	if (!burst_pids || !outbuf)
		abort();
	memset(outbuf, 0, outcap);

	/* room for both windows, and for the hogs */
	module_unload();
	snprintf(buf, sizeof(buf), "%u", PID_MAX);
	if (write_file("/proc/sys/kernel/pid_max", buf))
		die("cannot set pid_max");
	write_file("/proc/sys/kernel/threads-max", "400000");
	out("MEM guest_memtotal_kb %ld\n", meminfo("MemTotal"));
	out("MEM nproc %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	out("PARAM rounds %d forks %d threads %d burst %d bursts %d phases %s worst %s worst_rounds %d worst_forks %d\n",
	    rounds, forks, threads, burst, bursts, phases, worst_spec,
	    worst_rounds, worst_forks);

	if (has_phase("memory"))
		measure_memory();

	cfg_new("stock", 0, 1);
	cfg_new("loaded", 1, 1);
	c3 = cfg_new("c3", 1, 1);
	cfg_policy(c3, C3_MIN, C3_MAX, 2, 16, 50);
	if (has_phase("latency")) {
		struct cfg *c = cfg_new("c3-int3", 1, 1);

		cfg_policy(c, C3_MIN, C3_MAX, 2, 16, 50);
		c->int3 = 1;
	}
	out("CFG c3 min %u max %u stride %u ranges %u\n", c3->min, c3->max,
	    c3->stride, c3->nr_ranges);
	if (has_phase("latency")) {
		/*
		 * c4: 1,024 single reserved PIDs in a window whose 5 % free
		 * PIDs hold a burst plus a margin: allowed = 20 * (burst +
		 * 100), at least 4,000.
		 */
		size = 20u * ((unsigned int)(bursts ? burst : 100) + 100u);
		size = (size < 4000u ? 4000u : size) + 1024u;
		if (C4_MIN + size >= PID_MAX)
			die("burst %d too large for c4's window", burst);
		c4 = cfg_new("c4", 1, 1);
		cfg_policy(c4, C4_MIN, C4_MIN + size - 1, 1, 1024, 1);
		if (sweep)
			for (i = 0; i < sizeof(sweep_r) / sizeof(sweep_r[0]); i++)
				cfg_policy(cfg_new(sweep_name[i], 1, 0), C3_MIN,
					   C3_MAX, 1, sweep_r[i], 1);
		out("CFG c4 min %u max %u stride %u ranges %u\n", c4->min,
		    c4->max, c4->stride, c4->nr_ranges);
		hogs_start(c4);
		latency_phase();
		hogs_stop();
		module_unload();
		report();
	}
	if (has_phase("worst"))
		worst_phase();
	if (has_phase("tput"))
		tput_phase(c3);
	if (has_phase("kprobes"))
		kprobes_phase(c3);

	/* leave the guest stock */
	module_unload();
	out("SETTLE %d %d %.0f\n", settles, settle_misses, settle_max);
	out("# %.0f s in all\n", (now_ns() - t0) / 1e9);
	fwrite(outbuf, 1, outlen, stdout);
	return failures ? 1 : 0;
}
