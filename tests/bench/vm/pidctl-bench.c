// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest benchmark of what pidctl costs on the fork path.  One static
 * program, run as /guest-main's payload in a QEMU guest; it loads and
 * unloads the module itself.
 *
 * Configurations (all measured in one boot, round-robin, many rounds):
 *   stock    module not loaded (the baseline, ratio 1.00)
 *   loaded   module loaded, no policy (the pass-through hook)
 *   c3       min, max, stride and 16 reserved ranges
 *   c4       1,024 single-PID reserved ranges in a window whose allowed
 *            PIDs are 95 % held by live sleeping processes ("hogs")
 *   rN       sweep: min/max as c3, stride 1, N reserved ranges (N = 1, 16,
 *            256, 1024, 4096), fork round trips only
 * Per configuration and round: FORKS fork+exit+waitpid round trips,
 * THREADS pthread_create+join round trips, BURSTS bursts of BURST forks
 * (fork them all, the children exit at once, then reap them all; one time
 * per burst).  Each round visits every configuration once, in an order
 * rotated by one each round, so slow drift of the (emulated, shared)
 * machine hits all configurations alike.  Every round gives each
 * configuration a ratio to the stock baseline of the same round; the
 * report gives the median of those ratios and their inter-quartile range.
 *
 * The hogs of c4 are created once, at the start, and live until the end:
 * they occupy their PIDs (in a window no other configuration uses) in
 * every configuration, the baseline included.
 *
 * usage: pidctl-bench [-k KO] [-r ROUNDS] [-f FORKS] [-t THREADS]
 *                     [-b BURST] [-n BURSTS] [-s 0|1 (sweep)] [-m 0|1 (memory)]
 * stdout (at the end, so that no console output disturbs the timing):
 *   ROUND r cfg metric median_ns
 *   RESULT cfg metric n median_ns p99_ns ratio_median ratio_q1 ratio_q3
 *          ratio_ci95_lo ratio_ci95_hi    (ratios: per round, to stock)
 *   POLICY cfg checked violations stride_pairs stride_hits
 *   MEM key value
 *   ok - ... / not ok - ...       sanity checks (TAP without numbers)
 * stderr: progress.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KNOBS "/proc/sys/kernel/pidctl"
#define PID_MAX 65536u		/* set at start: room for both windows */
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
	int ran;
};

static struct cfg cfgs[16];
static int nr_cfgs;
static const char *ko = "/lib/modules/pidctl.ko";
static int rounds = 20, forks = 200, threads = 200, burst = 1000, bursts = 1;
static int sweep = 1, memory = 1;
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

/* Clear the policy, then set this one (max before min: min <= max). */
static void policy_apply(const struct cfg *c)
{
	char buf[32];

	knob("reserved", "\n");
	knob("stride", "1");
	knob("min", "0");
	knob("max", "0");
	if (!c->allowed)
		return;
	snprintf(buf, sizeof(buf), "%u", c->max);
	knob("max", buf);
	snprintf(buf, sizeof(buf), "%u", c->min);
	knob("min", buf);
	snprintf(buf, sizeof(buf), "%u", c->stride);
	knob("stride", buf);
	knob("reserved", c->reserved);
}

static void cfg_enter(struct cfg *c)
{
	if (!c->module) {
		module_unload();
		return;
	}
	module_load();
	policy_apply(c);
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
		if (!c->round_med[m])
			abort();
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
	if (!nr)
		strcpy(c->reserved, "\n");
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
	if (c->ns[m] == c->cap[m]) {
		c->cap[m] = c->cap[m] * 2 + 1024;
		c->s[m] = realloc(c->s[m], c->cap[m] * sizeof(double));
		if (!c->s[m])
			abort();
	}
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
	if (r >= 0)
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
	static const unsigned int rs[] = { 16, 1024, 4096, 65536 };
	long f0, f1, dsum;
	char buf[32];
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
	 * pid_max is raised for the 65,536 ranges to fit.
	 */
	write_file("/proc/sys/kernel/pid_max", "4194304");
	module_load();
	out("MEM module_coresize %ld\n", read_long("/sys/module/pidctl/coresize"));
	out("MEM module_initsize %ld\n", read_long("/sys/module/pidctl/initsize"));
	for (i = 0; i < sizeof(rs) / sizeof(rs[0]); i++) {
		size_t len = 0, cap = (size_t)rs[i] * 12 + 2;
		char *text = malloc(cap);
		double d[5];

		if (!text)
			abort();
		for (k = 0; k < (int)rs[i]; k++)
			len += (size_t)snprintf(text + len, cap - len, "%s%u",
						k ? "," : "", 1000u + 3u * (unsigned int)k);
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
		out("MEM policy_R%u_accounted %lu\n", rs[i], 16ul + 8ul * rs[i]);
		out("MEM policy_R%u_memfree_delta %.0f\n", rs[i], median_of(d, 5));
	}
	module_unload();
	snprintf(buf, sizeof(buf), "%u", PID_MAX);
	write_file("/proc/sys/kernel/pid_max", buf);

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

static void report(void)
{
	struct cfg *base = &cfgs[0];
	double ratio[4096], *v;
	int ci, m, r, n, lo, hi;

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
			qsort(ratio, (size_t)n, sizeof(double), cmp_double);
			v = c->s[m];
			qsort(v, c->ns[m], sizeof(double), cmp_double);
			/*
			 * distribution-free 95 % confidence interval of the
			 * median ratio: order statistics n/2 -+ 0.98 sqrt(n)
			 */
			lo = (int)floor(n / 2.0 - 0.98 * sqrt(n));
			hi = (int)ceil(n / 2.0 + 0.98 * sqrt(n));
			lo = lo < 0 ? 0 : lo;
			hi = hi > n - 1 ? n - 1 : hi;
			out("RESULT %s %s %zu %.0f %.0f %.4f %.4f %.4f %.4f %.4f\n",
			    c->name, metric_name[m], c->ns[m],
			    quantile(v, c->ns[m], 0.5), quantile(v, c->ns[m], 0.99),
			    quantile(ratio, (size_t)n, 0.5),
			    quantile(ratio, (size_t)n, 0.25),
			    quantile(ratio, (size_t)n, 0.75),
			    n ? ratio[lo] : NAN, n ? ratio[hi] : NAN);
		}
		if (c->allowed)
			out("POLICY %s %lu %lu %lu %lu\n", c->name, c->checked,
			    c->violations, c->stride_pairs, c->stride_hits);
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

int main(int argc, char **argv)
{
	static const unsigned int sweep_r[] = { 1, 16, 256, 1024, 4096 };
	static const char *const sweep_name[] = { "r1", "r16", "r256", "r1024", "r4096" };
	struct cfg *c4;
	unsigned int size, i;
	int opt, r, k, warm = 10;
	char buf[32];
	double t0 = now_ns();

	while ((opt = getopt(argc, argv, "k:r:f:t:b:n:s:m:")) != -1) {
		switch (opt) {
		case 'k': ko = optarg; break;
		case 'r': rounds = atoi(optarg); break;
		case 'f': forks = atoi(optarg); break;
		case 't': threads = atoi(optarg); break;
		case 'b': burst = atoi(optarg); break;
		case 'n': bursts = atoi(optarg); break;
		case 's': sweep = atoi(optarg); break;
		case 'm': memory = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: pidctl-bench [-k KO] [-r ROUNDS] [-f FORKS] [-t THREADS] [-b BURST] [-n BURSTS] [-s 0|1] [-m 0|1]\n");
			return 2;
		}
	}
	if (rounds < 1 || rounds > 4096 || forks < 1 || forks > 100000 ||
	    threads < 1 || threads > 100000 || burst < 1 || bursts < 1 ||
	    bursts > 100000)
		die("bad arguments");
	burst_pids = calloc((size_t)burst, sizeof(pid_t));
	if (!burst_pids)
		abort();

	/* room for both windows, and for twenty thousand hogs */
	module_unload();
	snprintf(buf, sizeof(buf), "%u", PID_MAX);
	if (write_file("/proc/sys/kernel/pid_max", buf))
		die("cannot set pid_max");
	write_file("/proc/sys/kernel/threads-max", "200000");
	out("MEM guest_memtotal_kb %ld\n", meminfo("MemTotal"));
	out("MEM nproc %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	out("PARAM rounds %d forks %d threads %d burst %d bursts %d\n",
	    rounds, forks, threads, burst, bursts);

	if (memory)
		measure_memory();

	cfg_new("stock", 0, 1);
	cfg_new("loaded", 1, 1);
	cfg_policy(cfg_new("c3", 1, 1), C3_MIN, C3_MAX, 2, 16, 50);
	/*
	 * c4: 1,024 single reserved PIDs in a window whose 5 % free PIDs hold
	 * a burst plus a margin: allowed = 20 * (burst + 100).
	 */
	size = 20u * ((unsigned int)burst + 100u) + 1024u;
	if (C4_MIN + size >= PID_MAX)
		die("burst %d too large for c4's window", burst);
	c4 = cfg_new("c4", 1, 1);
	cfg_policy(c4, C4_MIN, C4_MIN + size - 1, 1, 1024, 1);
	if (sweep)
		for (i = 0; i < sizeof(sweep_r) / sizeof(sweep_r[0]); i++)
			cfg_policy(cfg_new(sweep_name[i], 1, 0), C3_MIN, C3_MAX,
				   1, sweep_r[i], 1);
	out("CFG c3 min %u max %u stride %u ranges %u\n", cfgs[2].min,
	    cfgs[2].max, cfgs[2].stride, cfgs[2].nr_ranges);
	out("CFG c4 min %u max %u stride %u ranges %u\n", c4->min, c4->max,
	    c4->stride, c4->nr_ranges);

	hogs_start(c4);

	for (r = 0; r < rounds; r++) {
		fprintf(stderr, "bench: round %d/%d (%.0f s)\n", r + 1, rounds,
			(now_ns() - t0) / 1e9);
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
			c->ran++;
		}
	}

	/* leave the guest stock */
	hogs_stop();
	module_unload();
	report();
	out("# %.0f s in all\n", (now_ns() - t0) / 1e9);
	fwrite(outbuf, 1, outlen, stdout);
	return failures ? 1 : 0;
}
