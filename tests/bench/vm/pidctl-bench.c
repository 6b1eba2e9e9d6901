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
 *             ns-stock, ns-host, ns-own   (-N 1) measured by a process
 *                      inside a level-1 PID namespace (PID 1 there; see
 *                      ns_start()), so that every fork allocates two PIDs,
 *                      one per level: module loaded and no policy at all;
 *                      c3's policy on the host (level 0); c3's numbers set
 *                      on that namespace through its own knobs (level 1),
 *                      the host's policy off.  ns-own / ns-host per round
 *                      is what a container's policy costs against the
 *                      host's.  With -N 1 every batch starts with the
 *                      steered level's cursor at NS_AT_STEERED and the
 *                      other's at NS_AT_OTHER, in blocks that are free in
 *                      both IDRs (ns_place()); ns-stock has the host at
 *                      NS_AT_STEERED, and ns-swap (module loaded, no
 *                      policy) the places swapped as in ns-own, so that
 *                      ns-swap / ns-stock is what the swap alone costs
 *                      the stock allocator.  -N 2: the three without
 *                      placing (the cursors where the previous
 *                      configuration left them), as before
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
 *                     [-N 0|1|2] [-x RMAX:WIDTH[,...]] [-W ROUNDS]
 *                     [-F FORKS] [-P PAIRS] [-d SECONDS]
 * stdout (at the end, so that no console output disturbs the timing):
 *   ROUND r cfg metric median_ns
 *   RESULT cfg metric n median_ns p99_ns ratio_median ratio_q1 ratio_q3
 *          ratio_ci95_lo ratio_ci95_hi    (ratios: per round, to stock)
 *   POLICY cfg checked violations stride_pairs stride_hits level
 *          (level: the PID namespace level whose PIDs were checked)
 *   NSRATIO cfg base metric n ratio_median ratio_q1 ratio_q3 ratio_ci95_lo
 *           ratio_ci95_hi     (per round, cfg's median over base's median)
 *   NSNET metric n ratio_median ratio_q1 ratio_q3 ratio_ci95_lo ratio_ci95_hi
 *           (per round, (ns-own / ns-host) / (ns-swap / ns-stock))
 *   NSLAYOUT steered AT other AT block SIZE anchor PID     (-N 1)
 *   NSANCHOR host_pid ns_pid   (the namespace's anchor process, -N 1)
 *   NSCHECK cfg verified mismatched other_pairs other_ones listed entered
 *           placed placed_n
 *           (children that read their own NSpid, whose PIDs did not match
 *           what the bench recorded; successive forks' PIDs at the level
 *           without the policy, how many of them 1 apart; how often the
 *           namespaces file listed the namespace's policy, of entries;
 *           round trips whose PIDs lay in the blocks placed for them, of
 *           all, with -N 1)
 *   NSWORKER inum level host_pid ns_pid
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
#include <sys/socket.h>
#include <sys/stat.h>
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
/*
 * The container configurations' PID layout (-N 1, see ns_place()): before
 * each batch of round trips, the level whose allocation a configuration
 * steers gets its cursor (ns_last_pid) at NS_AT_STEERED, in c3's window,
 * and the other level at NS_AT_OTHER, outside it.  Each lies in a block of
 * 4,096 IDs (one IDR node two levels up) that neither IDR holds anything
 * else in; NS_ANCHOR, a process of the namespace that sleeps at the same
 * place as c4's first hog on the host, keeps the namespace's IDR three
 * levels deep, as the hogs keep the host's.
 */
#define NS_AT_STEERED 18000u
#define NS_AT_OTHER 34000u
#define NS_ANCHOR 40000u
#define NS_BLOCK 4096u

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
	/*
	 * in_ns: measured by the worker inside a level-1 PID namespace; level:
	 * where the policy is set, 0 the host, 1 that namespace (whose PIDs
	 * are then the ones checked)
	 */
	int in_ns, level;
	unsigned long verified, mismatched, other_pairs, other_ones;
	int listed, entered;
	/*
	 * at[l]: level l's ns_last_pid before each batch (0: left where it
	 * is); placed: round trips whose PIDs at both levels lay in the
	 * blocks of at[0] and at[1], of placed_n
	 */
	unsigned int at[2];
	unsigned long placed, placed_n;
};

static struct cfg cfgs[16];
static int nr_cfgs;
static const char *ko = "/lib/modules/pidctl.ko";
#define WARM 10	/* warm-up forks per configuration and round */
static int rounds = 20, forks = 200, threads = 200, burst = 100, bursts = 0;
static int sweep = 1, nsbench = 1;
static const char *phases = "latency,worst,kprobes";
static const char *worst_spec = "1024:62";
static int worst_rounds = 10, worst_forks = 40;
static int pairs = 12;
static double tput_secs = 2.0;
static int failures;

/* In the namespace worker (ns_start()): its socket to main, where die() reports */
static int ns_worker_fd = -1;

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

	if (ns_worker_fd >= 0) {	/* the namespace worker: main reports it */
		char msg[257] = "e";

		va_start(ap, fmt);
		vsnprintf(msg + 1, sizeof(msg) - 1, fmt, ap);
		va_end(ap);
		if (write(ns_worker_fd, msg, sizeof(msg)) != sizeof(msg))
			_exit(2);
		_exit(1);
	}
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
static const char *settle_who = "-";	/* the configuration being entered */

static int settle(enum probe_state want)
{
	double waited;
	enum probe_state st = probe_settle(want, settle_ms, &waited);

	settles++;
	if (st == want && waited > settle_max)
		settle_max = waited;
	if (st != want)
		fprintf(stderr, "bench: %s: the probe was not %s after %.0f ms: %s\n",
			settle_who, probe_state_name[want], waited,
			probe_state_name[st]);
	if (st != want && !settle_misses++ && settles == 1)
		settle_ms = 50;
	return st == want;
}

static void ns_policy(struct cfg *want);

/*
 * Enter a configuration.  A policy configuration is measured with the
 * probe optimised (a jump), as a policy that stays in force has it,
 * except c3-int3, which is measured on the int3 path: the state a probe
 * is left in when it is disarmed and armed again before the optimiser
 * has taken its jump out (the kprobe core then keeps it flagged
 * [OPTIMIZED] but armed with an int3, and never optimises it again until
 * it is disarmed for longer).  A policy rewritten through an inactive one
 * in a script does exactly that.
 *
 * The probe is armed while any policy is active, the host's or a
 * namespace's.  So the policy a configuration wants is set first and the
 * other one turned off second: a switch between a host policy and the
 * worker namespace's never passes through "no policy at all".
 */
static void cfg_policy_on(struct cfg *c)
{
	if (c->level) {
		ns_policy(c);
		policy_set(0, 0, 1, "\n");
	} else {
		policy_set(c->min, c->max, c->stride, c->reserved);
		ns_policy(NULL);
	}
}

static void cfg_policy_off(void)
{
	ns_policy(NULL);
	policy_set(0, 0, 1, "\n");
}

static void cfg_enter(struct cfg *c)
{
	settle_who = c->name;
	if (!c->module) {
		ns_policy(NULL);
		module_unload();
		return;
	}
	module_load();
	if (!c->allowed) {
		cfg_policy_off();
		settle(P_OFF);
		return;
	}
	cfg_policy_on(c);
	if (c->int3) {
		/* optimised first, then off and on again at once */
		settle(P_OPTIMIZED);
		cfg_policy_off();
		cfg_policy_on(c);
		if (probe_state(NULL, 0, NULL) != P_INT3)
			fprintf(stderr, "bench: %s: the probe is not on the int3 path\n",
				c->name);
		return;
	}
	if (settle(P_OPTIMIZED))
		return;
	/* stuck on the int3 path (see above): off for good, then on again */
	cfg_policy_off();
	settle(P_OFF);
	cfg_policy_on(c);
	settle(P_OPTIMIZED);
}

/* ---- configurations */

static size_t cfg_cap(int m)
{
	return (size_t)rounds * (size_t)(m == M_FORK ? forks + WARM :
					 m == M_THREAD ? threads : bursts) + 1;
}

/*
 * Where cfg_new() puts a configuration's samples: the heap, or, while
 * cfg_arena is set, a shared mapping, which a fork does not copy.  The
 * container configurations' samples live there, so that adding them does
 * not make main's own forks dearer (a fork copies the page table entries
 * of every private page, and each costs about as much again when the
 * child exits).
 */
static char *cfg_arena;
static size_t cfg_arena_left;

static void *cfg_mem(size_t size, int zeroed)
{
	void *p;

	if (!cfg_arena)
		return zeroed ? calloc(1, size) : malloc(size);
	size = (size + 15) & ~(size_t)15;
	if (size > cfg_arena_left)
		abort();
	p = cfg_arena;
	cfg_arena += size;
	cfg_arena_left -= size;
	return p;
}

/* An arena for @nr more configurations' samples (see cfg_mem()). */
static void cfg_arena_start(int nr)
{
	size_t size = 0;
	int m;

	for (m = 0; m < NR_METRICS; m++)
		size += ((size_t)rounds * sizeof(double) + 15) +
			(cfg_cap(m) * sizeof(double) + 15);
	size = (size | 15) * (size_t)nr + 16;
	cfg_arena = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (cfg_arena == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	memset(cfg_arena, 0, size);
	cfg_arena_left = size;
}

static struct cfg *cfg_new(const char *name, int module, int full)
{
	struct cfg *c = &cfgs[nr_cfgs++];
	int m;

	c->name = name;
	c->module = module;
	c->full = full;
	for (m = 0; m < NR_METRICS; m++) {
		c->cap[m] = cfg_cap(m);
		c->round_med[m] = cfg_mem((size_t)rounds * sizeof(double), 1);
		c->s[m] = cfg_mem(c->cap[m] * sizeof(double), 0);
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

/* ---- the namespace worker: forks made inside a level-1 PID namespace */

/*
 * ns-stock, ns-host and ns-own are measured by a worker process that is
 * PID 1 of a PID namespace of its own, a child of the initial one: main
 * clone()s it with CLONE_NEWPID, and it execs this program again
 * ("--ns-worker"), so that it shares no memory with main.  (A forked copy
 * of main, alive during the whole phase, made main's own fork round trip
 * about 12 k instructions dearer: its anonymous memory stays linked to
 * main's.)  The worker's forks therefore copy a smaller process than
 * main's, and the three are compared with each other, ns-stock being
 * their baseline.
 *
 * The worker runs one command at a time from main (a struct ns_cmd on a
 * socket) and answers on it: 'd' done and the command's results, 'e' and
 * an error text, and 's' after each fork or thread round trip, outside
 * the timed part: main then reads the host's ns_last_pid, which is the
 * host-level PID of the worker's child just reaped (the host's cursor
 * ends one past each PID it hands out, and nothing of ours allocates a
 * PID in between), and lets the worker go on ('g').  fork()'s return
 * value in the worker is the child's PID in the worker's namespace
 * (level 1).  NS_VERIFY checks this bookkeeping: a child reads its own
 * NSpid, both levels, and main compares.  All three configurations do the
 * same untimed work.
 */
enum ns_op { NS_HELLO, NS_FORKS, NS_THREADS, NS_SET, NS_CLEAR, NS_VERIFY, NS_EXIT };

struct ns_cmd {
	int op, n;
	unsigned int min, max, stride, len;	/* NS_SET; len bytes of reserved text follow */
	/*
	 * NS_FORKS, NS_THREADS: the namespace's ns_last_pid before the batch;
	 * NS_HELLO: where the anchor sleeps (0: neither)
	 */
	unsigned int at;
};

struct ns_hello {
	int getpid, host, ns, levels;	/* getpid(), NSpid, its fields */
	unsigned long inum;		/* its PID namespace's inode */
	int anchor_host, anchor_ns;	/* the anchor's NSpid (0: none) */
};

struct ns_verify {
	int ret, host, ns;	/* fork()'s return, the child's own NSpid */
};

#define NS_FD 3			/* the worker's socket */
#define NS_MSG 256

static pid_t ns_worker;		/* main: the worker's (host) PID */
static int ns_fd = -1;		/* main's end of the socket */
static struct cfg *ns_pol;	/* whose policy the worker's namespace has */
static int ns_max;		/* round trips per command, at most */
static double *ns_t;		/* main: [ns_max] the last command's times, */
static int *ns_nspid, *ns_hostpid;	/* PIDs at levels 1 and 0 */
static struct ns_hello ns_hi;
static struct ns_verify ns_ver;

static int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The NSpid line of /proc/self/status: the PIDs from the proc mount's
 * namespace (the host's: the worker does not mount its own) down to the
 * caller's.  The first two into *@host and *@ns; returns how many.
 */
static int nspid_self(int *host, int *ns)
{
	char buf[2048], *p, *end;
	ssize_t len;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC), n = 0;
	long v;

	*host = *ns = -1;
	if (fd < 0)
		return 0;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return 0;
	buf[len] = 0;
	p = strstr(buf, "\nNSpid:");
	if (!p)
		return 0;
	for (p += 7;; p = end, n++) {
		v = strtol(p, &end, 10);
		if (end == p || (*end != '\t' && *end != ' ' && *end != '\n'))
			break;
		if (n == 0)
			*host = (int)v;
		else if (n == 1)
			*ns = (int)v;
		if (*end == '\n')
			return n + 1;
	}
	return n;
}

/* In the worker: main records the host-level PID, outside the timed part. */
static void w_sync(void)
{
	char ch;

	if (write_full(NS_FD, "s", 1) || read_full(NS_FD, &ch, 1))
		_exit(1);
}

/* In the worker: the same round trips as measure_forks() and measure_threads(). */
static void w_forks(double *t, int *pids, int n)
{
	double t0;
	pid_t pid;
	int i;

	for (i = 0; i < n; i++) {
		t0 = now_ns();
		pid = fork_exit();
		if (pid < 0)
			die("fork: %s", strerror(errno));
		reap(pid);
		t[i] = now_ns() - t0;
		pids[i] = pid;
		w_sync();
	}
}

static void w_threads(double *t, int *pids, int n)
{
	pthread_attr_t attr;
	pthread_t th;
	void *tid;
	double t0;
	int i, rc;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < n; i++) {
		t0 = now_ns();
		rc = pthread_create(&th, &attr, thread_fn, NULL);
		if (rc)
			die("pthread_create: %s", strerror(rc));
		pthread_join(th, &tid);
		t[i] = now_ns() - t0;
		pids[i] = (int)(long)tid;
		w_sync();
	}
	pthread_attr_destroy(&attr);
}

/* In the worker: our namespace's cursor, before a batch (@at 0: left as it is). */
static void w_place(unsigned int at)
{
	char buf[16];
	int rc;

	if (!at)
		return;
	snprintf(buf, sizeof(buf), "%u", at);
	rc = write_file("/proc/sys/kernel/ns_last_pid", buf);
	if (rc)
		die("our ns_last_pid = %s: %s", buf, strerror(-rc));
}

/*
 * In the worker: a child that sleeps at PID @at of our namespace until
 * the namespace ends (its init, we, exit), so that the namespace's IDR
 * stays as deep as the host's; its NSpid into *@host and *@ns.
 */
static void w_anchor(unsigned int at, int *host, int *ns)
{
	int lv[2], p[2];
	pid_t pid;

	w_place(at - 1);
	if (pipe(p))
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		nspid_self(&lv[0], &lv[1]);
		if (write(p[1], lv, sizeof(lv)) != sizeof(lv))
			_exit(1);
		for (;;)
			pause();
	}
	if (pid < 0)
		die("fork: %s", strerror(errno));
	close(p[1]);
	if (read_full(p[0], lv, sizeof(lv)))
		lv[0] = lv[1] = -1;
	close(p[0]);
	*host = lv[0];
	*ns = lv[1];
}

/* The worker's main loop (pidctl-bench --ns-worker MAX, socket on fd 3). */
static int ns_worker_main(int max)
{
	struct ns_hello hi;
	struct ns_verify ver;
	struct ns_cmd cmd;
	struct stat st;
	double *t;
	int *pids, kid[2], lv[2];
	char *text;
	pid_t pid;

	ns_worker_fd = NS_FD;
	if (max < 1 || max > 100000)
		die("bad worker size %d", max);
	t = calloc((size_t)max, sizeof(*t));
	pids = calloc((size_t)max, sizeof(*pids));
	text = malloc(1 << 16);
	if (!t || !pids || !text)
		die("out of memory");
	/* touched now: our forks must not see our memory grow */
	memset(t, 0, (size_t)max * sizeof(*t));
	memset(pids, 0, (size_t)max * sizeof(*pids));
	memset(text, 0, 1 << 16);
	for (;;) {
		if (read_full(NS_FD, &cmd, sizeof(cmd)))
			_exit(0);
		if (cmd.n < 0 || cmd.n > max)
			die("bad command size %d", cmd.n);
		switch (cmd.op) {
		case NS_HELLO:
			memset(&hi, 0, sizeof(hi));
			if (cmd.at)
				w_anchor(cmd.at, &hi.anchor_host, &hi.anchor_ns);
			hi.getpid = getpid();
			hi.levels = nspid_self(&hi.host, &hi.ns);
			hi.inum = stat("/proc/self/ns/pid", &st) ? 0 :
				  (unsigned long)st.st_ino;
			if (write_full(NS_FD, "d", 1) || write_full(NS_FD, &hi, sizeof(hi)))
				_exit(1);
			continue;
		case NS_FORKS:
			w_place(cmd.at);
			w_forks(t, pids, cmd.n);
			break;
		case NS_THREADS:
			w_place(cmd.at);
			w_threads(t, pids, cmd.n);
			break;
		case NS_SET:	/* our namespace's own knobs */
			if (cmd.len >= 1 << 16 || read_full(NS_FD, text, cmd.len))
				die("bad reserved text");
			text[cmd.len] = 0;
			policy_set(cmd.min, cmd.max, cmd.stride, text);
			cmd.n = 0;
			break;
		case NS_CLEAR:
			policy_set(0, 0, 1, "\n");
			cmd.n = 0;
			break;
		case NS_VERIFY:	/* a child that tells its own NSpid */
			if (pipe(kid))
				die("pipe: %s", strerror(errno));
			pid = fork();
			if (pid == 0) {
				nspid_self(&lv[0], &lv[1]);
				if (write(kid[1], lv, sizeof(lv)) != sizeof(lv))
					_exit(1);
				_exit(0);
			}
			if (pid < 0)
				die("fork: %s", strerror(errno));
			reap(pid);
			close(kid[1]);
			if (read_full(kid[0], lv, sizeof(lv)))
				lv[0] = lv[1] = -1;
			close(kid[0]);
			ver.ret = pid;
			ver.host = lv[0];
			ver.ns = lv[1];
			w_sync();
			if (write_full(NS_FD, "d", 1) || write_full(NS_FD, &ver, sizeof(ver)))
				_exit(1);
			continue;
		case NS_EXIT:
			_exit(0);
		default:
			die("bad command %d", cmd.op);
		}
		if (write_full(NS_FD, "d", 1) ||
		    write_full(NS_FD, t, (size_t)cmd.n * sizeof(*t)) ||
		    write_full(NS_FD, pids, (size_t)cmd.n * sizeof(*pids)))
			_exit(1);
	}
}

/*
 * Main: run one command in the worker; returns the host PIDs recorded.
 * ns_at: the worker's NS_FORKS, NS_THREADS and NS_HELLO take it as cmd.at.
 */
static unsigned int ns_at;

static int ns_call(int op, const struct cfg *c, int n)
{
	struct ns_cmd cmd = { .op = op, .n = n, .at = ns_at };
	char ch, msg[NS_MSG];
	int k = 0, bad;

	if (op == NS_SET) {
		cmd.min = c->min;
		cmd.max = c->max;
		cmd.stride = c->stride;
		cmd.len = (unsigned int)strlen(c->reserved);
	}
	/* a failed write: the worker's error, if any, is on the socket */
	bad = write_full(ns_fd, &cmd, sizeof(cmd)) ||
	      (op == NS_SET && write_full(ns_fd, c->reserved, cmd.len));
	if (op == NS_EXIT)
		return 0;
	for (;;) {
		if (read_full(ns_fd, &ch, 1))
			ch = 0;
		if (ch == 's' && !bad) {
			if (k < ns_max)
				ns_hostpid[k] = (int)read_long("/proc/sys/kernel/ns_last_pid");
			k++;
			if (write_full(ns_fd, "g", 1))
				die("namespace worker: gone");
			continue;
		}
		if (ch == 'e' && !read_full(ns_fd, msg, sizeof(msg))) {
			msg[sizeof(msg) - 1] = 0;
			die("namespace worker: %s", msg);
		}
		if (ch != 'd' || bad)
			die("namespace worker: died");
		break;
	}
	switch (op) {
	case NS_HELLO:
		bad = read_full(ns_fd, &ns_hi, sizeof(ns_hi));
		break;
	case NS_VERIFY:
		bad = read_full(ns_fd, &ns_ver, sizeof(ns_ver));
		break;
	case NS_SET:
	case NS_CLEAR:
		break;
	default:
		bad = read_full(ns_fd, ns_t, (size_t)n * sizeof(*ns_t)) ||
		      read_full(ns_fd, ns_nspid, (size_t)n * sizeof(*ns_nspid));
	}
	if (bad)
		die("namespace worker: short answer");
	return k;
}

/* Main's end of the worker's socket, closed in main's other children. */
static void ns_close_fds(void)
{
	if (ns_fd >= 0)
		close(ns_fd);
	ns_fd = -1;
}

/* The clone()d child: PID 1 of the new namespace; it becomes the worker. */
static char ns_max_arg[16];

static int ns_clone_fn(void *arg)
{
	int fd = *(int *)arg;

	/* without O_CLOEXEC: dup2() clears it, or clear it here */
	if (fd != NS_FD ? dup2(fd, NS_FD) != NS_FD : fcntl(fd, F_SETFD, 0))
		_exit(120);
	execl("/proc/self/exe", "pidctl-bench", "--ns-worker", ns_max_arg,
	      (char *)NULL);
	_exit(121);
}

/* Is @pid outside the two blocks the batches use at either level? */
static int ns_outside_blocks(int pid)
{
	return pid > 0 && (unsigned int)pid / NS_BLOCK != NS_AT_STEERED / NS_BLOCK &&
	       (unsigned int)pid / NS_BLOCK != NS_AT_OTHER / NS_BLOCK;
}

static void ns_start(void)
{
	static char stack[65536] __attribute__((aligned(16)));
	size_t n = (size_t)(forks > threads ? forks : threads) + WARM + 1;
	int sv[2];

	ns_max = (int)n;
	snprintf(ns_max_arg, sizeof(ns_max_arg), "%d", ns_max);
	ns_t = calloc(n, sizeof(*ns_t));
	ns_nspid = calloc(n, sizeof(*ns_nspid));
	ns_hostpid = calloc(n, sizeof(*ns_hostpid));
	if (!ns_t || !ns_nspid || !ns_hostpid)
		abort();
	/* touched now (see cfg_new()) */
	memset(ns_t, 0, n * sizeof(*ns_t));
	memset(ns_nspid, 0, n * sizeof(*ns_nspid));
	memset(ns_hostpid, 0, n * sizeof(*ns_hostpid));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		die("socketpair: %s", strerror(errno));
	ns_worker = clone(ns_clone_fn, stack + sizeof(stack),
			  CLONE_NEWPID | SIGCHLD, &sv[1]);
	if (ns_worker < 0)
		die("clone(CLONE_NEWPID): %s", strerror(errno));
	close(sv[1]);
	ns_fd = sv[0];
	ns_at = nsbench == 1 ? NS_ANCHOR : 0;
	ns_call(NS_HELLO, NULL, 0);
	ns_at = 0;
	out("NSWORKER %lu %d %d %d\n", ns_hi.inum, ns_hi.levels - 1, ns_hi.host,
	    ns_hi.ns);
	if (nsbench == 1) {
		out("NSANCHOR %d %d\n", ns_hi.anchor_host, ns_hi.anchor_ns);
		/* nothing of ours outside the batches in the two blocks */
		check(ns_hi.anchor_ns == (int)NS_ANCHOR &&
		      ns_outside_blocks(ns_hi.anchor_host) &&
		      ns_outside_blocks(ns_hi.host),
		      "namespace worker: the anchor sleeps at PID %d of the namespace (host PID %d), the worker's host PID %d, none in the blocks of %u or %u",
		      ns_hi.anchor_ns, ns_hi.anchor_host, ns_hi.host,
		      NS_AT_STEERED, NS_AT_OTHER);
	}
	fprintf(stderr, "bench: namespace worker: PID %d, host PID %d, namespace %lu\n",
		ns_hi.ns, ns_hi.host, ns_hi.inum);
	check(ns_hi.getpid == 1 && ns_hi.ns == 1 && ns_hi.levels == 2 &&
	      ns_hi.host == ns_worker && ns_hi.inum,
	      "namespace worker: PID 1 of a level-1 PID namespace (getpid() %d, NSpid %d %d, %d levels)",
	      ns_hi.getpid, ns_hi.host, ns_hi.ns, ns_hi.levels);
}

static void ns_stop(void)
{
	if (ns_fd < 0)
		return;
	ns_policy(NULL);
	ns_call(NS_EXIT, NULL, 0);
	ns_close_fds();
	reap(ns_worker);
}

/* Does the namespaces file list the worker's namespace with @c's policy? */
static int ns_listed(const struct cfg *c)
{
	char line[8192], want[128];
	size_t wl;
	int found = 0;
	FILE *f = fopen(KNOBS "/namespaces", "r");

	if (!f)
		return 0;
	snprintf(want, sizeof(want), "%lu 1 min=%u max=%u stride=%u ",
		 ns_hi.inum, c->min, c->max, c->stride);
	wl = strlen(want);
	while (fgets(line, sizeof(line), f))
		found |= !strncmp(line, want, wl);
	fclose(f);
	return found;
}

/* Give the worker's namespace @want's policy, through its own knobs (NULL: none). */
static void ns_policy(struct cfg *want)
{
	if (ns_fd < 0 || ns_pol == want)
		return;
	ns_call(want ? NS_SET : NS_CLEAR, want, 0);
	ns_pol = want;
	if (want) {
		want->entered++;
		want->listed += ns_listed(want);
	}
}

/* A child that reads its own NSpid: does the bookkeeping hold? */
static void ns_verify(struct cfg *c)
{
	int k = ns_call(NS_VERIFY, NULL, 0);

	c->verified++;
	if (k != 1 || ns_ver.host != ns_hostpid[0] || ns_ver.ns != ns_ver.ret) {
		if (c->mismatched++ < 5)
			fprintf(stderr, "bench: %s: child's NSpid %d %d, recorded %d %d\n",
				c->name, ns_ver.host, ns_ver.ns, ns_hostpid[0],
				ns_ver.ret);
	}
	check_pid(c, c->level ? ns_ver.ns : ns_ver.host, NULL);
}

/*
 * Before a batch of @c's round trips (-N 1): the host's cursor at
 * c->at[0], written here, and the namespace's at c->at[1], which the
 * worker writes from inside (ns_last_pid is its own namespace's).  So
 * every batch of ns-host and ns-own starts at the same two places, the
 * steered level at NS_AT_STEERED and the other at NS_AT_OTHER, whatever
 * ran before it, and the stock allocator does the same work at the
 * unsteered level in both (see NS_AT_STEERED).  Nothing allocates a host
 * PID between this write and the batch.
 */
static void ns_place(const struct cfg *c)
{
	char buf[16];

	if (!c->at[0])
		return;
	snprintf(buf, sizeof(buf), "%u", c->at[0]);
	if (write_file("/proc/sys/kernel/ns_last_pid", buf))
		die("host ns_last_pid = %s", buf);
	ns_at = c->at[1];
}

/* The worker's round trips, as main's measure_forks() and measure_threads(). */
static void ns_measure(struct cfg *c, enum metric m, int r, int n)
{
	int i, k, prev = 0, *pid, *other;

	if (n > ns_max)
		die("%s: %d round trips, room for %d", c->name, n, ns_max);
	ns_place(c);
	k = ns_call(m == M_FORK ? NS_FORKS : NS_THREADS, NULL, n);
	ns_at = 0;
	if (k != n)
		die("%s: %d host PIDs for %d round trips", c->name, k, n);
	/* the PIDs at the policy's level, and at the other one */
	pid = c->level ? ns_nspid : ns_hostpid;
	other = c->level ? ns_hostpid : ns_nspid;
	for (i = 0; i < n; i++) {
		tmp[i] = ns_t[i];
		add_sample(c, m, tmp[i]);
		check_pid(c, pid[i], m == M_FORK ? &prev : NULL);
		if (c->allowed && m == M_FORK && i) {
			c->other_pairs++;
			c->other_ones += other[i] == other[i - 1] + 1;
		}
		if (c->at[0]) {
			c->placed_n++;
			c->placed += ns_hostpid[i] > (int)c->at[0] &&
				     (unsigned int)ns_hostpid[i] / NS_BLOCK == c->at[0] / NS_BLOCK &&
				     ns_nspid[i] > (int)c->at[1] &&
				     (unsigned int)ns_nspid[i] / NS_BLOCK == c->at[1] / NS_BLOCK;
		}
	}
	if (r >= 0)
		c->round_med[m][r] = median_of(tmp, (size_t)n);
}

static void measure_forks(struct cfg *c, int r, int n)
{
	int i, prev = 0;
	double t0;
	pid_t pid;

	if (c->in_ns) {
		ns_measure(c, M_FORK, r, n);
		return;
	}
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

	if (c->in_ns) {
		ns_measure(c, M_THREAD, r, n);
		return;
	}
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

	if (c->in_ns)	/* no bursts in the namespace */
		return;
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
		ns_close_fds();
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

static struct cfg *cfg_find(const char *name)
{
	int i;

	for (i = 0; i < nr_cfgs; i++)
		if (!strcmp(cfgs[i].name, name))
			return &cfgs[i];
	return NULL;
}

/* @a's per-round medians over @b's, as RESULT's ratios to stock */
static void ns_ratio(struct cfg *a, struct cfg *b, enum metric m)
{
	double ratio[4096], med, lo, hi;
	int r, n = 0;

	if (!a || !b || !a->ns[m] || !b->ns[m])
		return;
	for (r = 0; r < rounds && n < 4096; r++)
		if (b->round_med[m][r] > 0)
			ratio[n++] = a->round_med[m][r] / b->round_med[m][r];
	median_ci(ratio, n, &med, &lo, &hi);
	out("NSRATIO %s %s %s %d %.4f %.4f %.4f %.4f %.4f\n", a->name, b->name,
	    metric_name[m], n, med, quantile(ratio, (size_t)n, 0.25),
	    quantile(ratio, (size_t)n, 0.75), lo, hi);
	check(n == rounds && med > 0 && isfinite(med) && isfinite(lo) && isfinite(hi),
	      "%s / %s, %s: %d per-round ratios, median %.4f (95 %% CI %.4f-%.4f)",
	      a->name, b->name, metric_name[m], n, med, lo, hi);
}

/*
 * Per round, (ns-own / ns-host) / (ns-swap / ns-stock): the namespace's
 * policy against the host's, less what the same swap of the two levels'
 * places costs with no policy at all.
 */
static void ns_net(enum metric m)
{
	struct cfg *own = cfg_find("ns-own"), *host = cfg_find("ns-host"),
		   *swp = cfg_find("ns-swap"), *st = cfg_find("ns-stock");
	double ratio[4096], med, lo, hi;
	int r, n = 0;

	if (!own || !host || !swp || !st || !own->ns[m] || !swp->ns[m])
		return;
	for (r = 0; r < rounds && n < 4096; r++)
		if (host->round_med[m][r] > 0 && swp->round_med[m][r] > 0)
			ratio[n++] = own->round_med[m][r] / host->round_med[m][r] /
				     (swp->round_med[m][r] / st->round_med[m][r]);
	median_ci(ratio, n, &med, &lo, &hi);
	out("NSNET %s %d %.4f %.4f %.4f %.4f %.4f\n", metric_name[m], n, med,
	    quantile(ratio, (size_t)n, 0.25), quantile(ratio, (size_t)n, 0.75),
	    lo, hi);
}

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
		if (c->in_ns)
			out("NSCHECK %s %lu %lu %lu %lu %d %d %lu %lu\n", c->name,
			    c->verified, c->mismatched, c->other_pairs,
			    c->other_ones, c->listed, c->entered, c->placed,
			    c->placed_n);
		if (c->allowed) {
			out("POLICY %s %lu %lu %lu %lu %d\n", c->name, c->checked,
			    c->violations, c->stride_pairs, c->stride_hits,
			    c->level);
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
			      "%s: %lu PIDs of our forks and threads checked%s, %lu outside the policy",
			      c->name, c->checked,
			      !c->in_ns ? "" : c->level ? " at the namespace's level (1)" :
			      " at the host's level (0)", c->violations);
		if (c->in_ns)
			check(c->verified > 0 && !c->mismatched,
			      "%s: %lu children read their own NSpid: host and namespace PIDs as recorded (%lu not)",
			      c->name, c->verified, c->mismatched);
		if (c->in_ns && c->allowed)
			check(c->other_ones > 0,
			      "%s: the %s level not held to the policy: %lu of %lu successive forks 1 apart there",
			      c->name, c->level ? "host's" : "namespace's",
			      c->other_ones, c->other_pairs);
		if (c->in_ns && c->at[0])
			check(c->placed_n > 0 && c->placed == c->placed_n,
			      "%s: %lu of %lu round trips got their PIDs in the blocks placed for them (host %u+, namespace %u+)",
			      c->name, c->placed, c->placed_n, c->at[0] + 1,
			      c->at[1] + 1);
		if (c->in_ns && c->level)
			check(c->entered > 0 && c->listed == c->entered,
			      "%s: the namespaces file listed the namespace's policy each time it was set (%d of %d)",
			      c->name, c->listed, c->entered);
	}
	for (m = 0; m < NR_METRICS; m++) {
		ns_ratio(cfg_find("ns-host"), cfg_find("ns-stock"), m);
		ns_ratio(cfg_find("ns-own"), cfg_find("ns-stock"), m);
		ns_ratio(cfg_find("ns-swap"), cfg_find("ns-stock"), m);
		ns_ratio(cfg_find("ns-own"), cfg_find("ns-host"), m);
		ns_net(m);
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
		if (c->in_ns)
			ns_verify(c);
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
			if (c->in_ns)
				ns_verify(c);
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

	/* the namespace worker (ns_start()), before we allocate anything */
	if (argc == 3 && !strcmp(argv[1], "--ns-worker"))
		return ns_worker_main(atoi(argv[2]));
	while ((opt = getopt(argc, argv, "k:p:r:f:t:b:n:s:N:x:W:F:P:d:")) != -1) {
		switch (opt) {
		case 'k': ko = optarg; break;
		case 'p': phases = optarg; break;
		case 'r': rounds = atoi(optarg); break;
		case 'f': forks = atoi(optarg); break;
		case 't': threads = atoi(optarg); break;
		case 'b': burst = atoi(optarg); break;
		case 'n': bursts = atoi(optarg); break;
		case 's': sweep = atoi(optarg); break;
		case 'N': nsbench = atoi(optarg); break;
		case 'x': worst_spec = optarg; break;
		case 'W': worst_rounds = atoi(optarg); break;
		case 'F': worst_forks = atoi(optarg); break;
		case 'P': pairs = atoi(optarg); break;
		case 'd': tput_secs = atof(optarg); break;
		default:
			fprintf(stderr, "usage: pidctl-bench [-k KO] [-p PHASES] [-r ROUNDS] [-f FORKS] [-t THREADS] [-b BURST] [-n BURSTS] [-s 0|1] [-N 0|1|2] [-x RMAX:WIDTH,...] [-W ROUNDS] [-F FORKS] [-P PAIRS] [-d SECONDS]\n");
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
	out("PARAM rounds %d forks %d threads %d burst %d bursts %d phases %s worst %s worst_rounds %d worst_forks %d ns %d\n",
	    rounds, forks, threads, burst, bursts, phases, worst_spec,
	    worst_rounds, worst_forks, nsbench);

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
		if (nsbench) {
			/*
			 * c3's policy, the same object: on the host
			 * (ns-host), and in the worker's namespace (ns-own).
			 * On 6.1 a PID namespace's PIDs run up to the global
			 * pid_max (65,536 here) like the host's, and the
			 * namespace holds only the worker and its children,
			 * so c3's window lies as free there as on the host.
			 */
			static const char *const names[] = { "ns-stock", "ns-host", "ns-own", "ns-swap" };
			unsigned int nr = nsbench == 1 ? 4 : 3;
			struct cfg *c, *own = NULL;

			cfg_arena_start((int)nr);
			for (i = 0; i < nr; i++) {
				c = cfg_new(names[i], 1, 1);
				c->in_ns = 1;
				c->level = i == 2;
				if (nsbench == 1) {
					/* ns-own and ns-swap: the places swapped */
					c->at[0] = i >= 2 ? NS_AT_OTHER : NS_AT_STEERED;
					c->at[1] = i >= 2 ? NS_AT_STEERED : NS_AT_OTHER;
				}
				if (!i || i == 3)
					continue;
				own = c;
				c->min = c3->min;
				c->max = c3->max;
				c->stride = c3->stride;
				c->nr_ranges = c3->nr_ranges;
				c->reserved = c3->reserved;
				c->allowed = c3->allowed;
			}
			cfg_arena = NULL;
			c = own;
			out("CFG ns-own min %u max %u stride %u ranges %u level 1\n",
			    c->min, c->max, c->stride, c->nr_ranges);
			if (nsbench == 1)
				out("NSLAYOUT steered %u other %u block %u anchor %u\n",
				    NS_AT_STEERED, NS_AT_OTHER, NS_BLOCK, NS_ANCHOR);
			ns_start();
		}
		hogs_start(c4);
		latency_phase();
		ns_stop();
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
