// SPDX-License-Identifier: GPL-2.0
/*
 * pidctl in-guest test program (kselftest style, TAP 13).
 *
 * usage: pidctl-test [CASE...]   (case numbers; default: all)
 *        pidctl-test -l          (list the cases)
 * env:   PIDCTL_KO=/path/pidctl.ko  the module to load; the program starts
 *        with the module not loaded and loads/unloads it itself.  Without
 *        PIDCTL_KO, cases that need the module skip when it is not loaded.
 *        PIDCTL_SLOW=N  the kernel is about N times slower than a stock
 *        one (a debug kernel): case timeouts are N times longer, and the
 *        storms of cases 10 and 16 N times smaller (procs.h).
 *
 * Each case runs in a child process of its own process group, with a
 * timeout; the runner is a child subreaper and kills what a case leaves
 * behind, then puts the knobs and pid_max back to how it found them.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cases.h"
#include "oracle.h"

#define NEED_ROOT	1u
#define NEED_MODULE	2u

struct tcase {
	const char *name;
	void (*fn)(void);
	unsigned int flags;
	int timeout;		/* seconds */
};

static const struct tcase cases[] = {
	{ "module loads, knobs exist with defaults, defaults change nothing",
	  case_load_defaults, NEED_ROOT, 60 },
	{ "max alone: forks stay <= max and wrap to 300",
	  case_max_alone, NEED_ROOT | NEED_MODULE, 60 },
	{ "min alone: first fork below min gets min",
	  case_min_alone, NEED_ROOT | NEED_MODULE, 60 },
	{ "min+max window: forks cycle inside and wrap max -> min",
	  case_window, NEED_ROOT | NEED_MODULE, 60 },
	{ "reserved singles and ranges are never handed out",
	  case_reserved, NEED_ROOT | NEED_MODULE, 60 },
	{ "stride: consecutive PIDs differ by stride, wrap inside the window",
	  case_stride, NEED_ROOT | NEED_MODULE, 60 },
	{ "all four knobs at once",
	  case_all_knobs, NEED_ROOT | NEED_MODULE, 60 },
	{ "threads obey the policy",
	  case_threads, NEED_ROOT | NEED_MODULE, 60 },
	{ "exhaustion: EAGAIN for fork and pthread_create, recovers on free",
	  case_exhaustion, NEED_ROOT | NEED_MODULE, 90 },
	{ "concurrency: workers fork/thread while knobs are rewritten",
	  case_concurrency, NEED_ROOT | NEED_MODULE, 200 },
	{ "new PID namespaces near the window edge: PID 1 and 2 inside",
	  case_pidns_loop, NEED_ROOT | NEED_MODULE, 60 },
	{ "clone3 set_tid may take reserved or out-of-window PIDs",
	  case_set_tid, NEED_ROOT | NEED_MODULE, 60 },
	{ "malformed writes fail EINVAL and leave values unchanged",
	  case_bad_writes, NEED_ROOT | NEED_MODULE, 90 },
	{ "writes by non-root and userns root are denied, reads allowed",
	  case_permissions, NEED_ROOT | NEED_MODULE, 60 },
	{ "module parameters at load, invalid ones fail insmod",
	  case_module_params, NEED_ROOT | NEED_MODULE, 90 },
	{ "rmmod during a fork storm restores stock behaviour",
	  case_rmmod_storm, NEED_ROOT | NEED_MODULE, 120 },
	{ "ns_last_pid writes only move the cursor",
	  case_ns_last_pid, NEED_ROOT | NEED_MODULE, 60 },
	{ "pid_max lower than max: the lower one wins",
	  case_pid_max, NEED_ROOT | NEED_MODULE, 60 },
	{ "6.14+: a namespace's own pid_max and pidctl's window both hold",
	  case_pidns_pid_max, NEED_ROOT | NEED_MODULE, 90 },
	{ "unprivileged ns_last_pid writes do not slow forks",
	  case_unpriv_writes_speed, NEED_ROOT | NEED_MODULE, 60 },
	{ "fork storm while the module loads with parameters and unloads",
	  case_load_storm, NEED_ROOT | NEED_MODULE, 90 },
	{ "privileged ns_last_pid writes racing forks",
	  case_priv_writes_race, NEED_ROOT | NEED_MODULE, 60 },
	{ "policy switched off and on under fork load",
	  case_toggle_storm, NEED_ROOT | NEED_MODULE, 90 },
	{ "the probe sits at the entry of idr_alloc_cyclic, armed only with a policy",
	  case_probe_site, NEED_ROOT | NEED_MODULE, 60 },
	{ "kprobes disarmed through debugfs are detected and logged",
	  case_kprobes_disarmed, NEED_ROOT | NEED_MODULE, 60 },
	{ "counters exhausted, steered, free; the exhaustion trace event and log line",
	  case_counters, NEED_ROOT | NEED_MODULE, 120 },
	{ "random: gaps uniform over 1..N (chi-square), PID 1 in new namespaces",
	  case_random_gaps, NEED_ROOT | NEED_MODULE, 300 },
	{ "random: values and parameter, exhaustion and reserved ranges hold",
	  case_random_policy, NEED_ROOT | NEED_MODULE, 120 },
	{ "namespace policy: a container sets its own max from inside and wraps in it",
	  case_ns_container, NEED_ROOT | NEED_MODULE, 120 },
	{ "namespace policy: nested namespaces, each level in its own window",
	  case_ns_nested, NEED_ROOT | NEED_MODULE, 90 },
	{ "namespace policy: only the owning userns's root writes, never the host's",
	  case_ns_permissions, NEED_ROOT | NEED_MODULE, 90 },
	{ "namespace policy: namespaces come and go under fork load, nothing leaks",
	  case_ns_churn, NEED_ROOT | NEED_MODULE, 240 },
	{ "namespace policy: the namespaces file's grammar and errors",
	  case_ns_file_errors, NEED_ROOT | NEED_MODULE, 90 },
};

#define NR_CASES ((int)(sizeof(cases) / sizeof(cases[0])))

const char *const knob_names[4] = { "min", "max", "stride", "reserved" };

static int boot_pid_max;

int scratch_last_pid(void)
{
	int pid_max = get_pid_max();

	if (pid_max <= 0)
		pid_max = boot_pid_max;
	return pid_max > 32000 ? 30000 : pid_max - pid_max / 10;
}

void park_cursor(void)
{
	set_last_pid(scratch_last_pid());
}

/* Put things back as the runner found them, whatever a case left. */
static void restore_system(void)
{
	char v[8];
	int rc;

	/*
	 * Case 25 disarms every kprobe through debugfs for a while, case 23
	 * turns the kprobe optimizer off; both are on at boot.
	 */
	if (sysctl_read(KPROBES_ENABLED_PATH, v, sizeof(v)) == 0 &&
	    !strcmp(v, "0")) {
		oracle_begin();
		rc = sysctl_write(KPROBES_ENABLED_PATH, "1");
		oracle_policy();
		diag("kprobes were left disarmed; arming them again: %s",
		     rc ? strerror(-rc) : "done");
	}
	if (sysctl_read(KPROBES_OPT_PATH, v, sizeof(v)) == 0 &&
	    !strcmp(v, "0")) {
		rc = sysctl_write(KPROBES_OPT_PATH, "1");
		diag("the kprobe optimizer was left off; turning it on: %s",
		     rc ? strerror(-rc) : "done");
	}

	if (get_pid_max() != boot_pid_max && boot_pid_max > 0) {
		rc = set_pid_max(boot_pid_max);
		if (rc)
			diag("restoring pid_max=%d: %s", boot_pid_max, strerror(-rc));
	}
	if (knobs_present()) {
		rc = knobs_reset();
		if (rc)
			diag("resetting the knobs: %s", strerror(-rc));
	}
	park_cursor();
}

static void reap_leftovers(pid_t pgid)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i;

	kill(-pgid, SIGKILL);
	for (i = 0; i < 300; i++) {
		pid_t r = waitpid(-1, NULL, WNOHANG);

		if (r < 0 && errno == ECHILD)
			return;
		if (r == 0)
			nanosleep(&ts, NULL);
	}
	diag("some processes of the case did not go away");
}

static void run_case(int num, int id, int is_root)
{
	const struct tcase *c = &cases[id - 1];
	double t0 = now();
	struct timespec ts = { 0, 5 * 1000 * 1000 };
	int status = -1, timed_out = 0, rc;
	pid_t pid;

	if ((c->flags & NEED_ROOT) && !is_root) {
		tap_line("ok %d - %s # SKIP needs root", num, c->name);
		return;
	}
	if ((c->flags & NEED_MODULE) && !knobs_present()) {
		if (!module_path()) {
			tap_line("ok %d - %s # SKIP pidctl not loaded and PIDCTL_KO unset",
				 num, c->name);
			return;
		}
		rc = module_load("");
		if (rc || !knobs_present()) {
			diag("module not loaded: finit_module(%s): %s",
			     module_path(), rc ? strerror(-rc) : "knobs missing");
			tap_line("not ok %d - %s", num, c->name);
			return;
		}
		diag("(re)loaded %s for this case", module_path());
	}
	if (is_root)
		restore_system();

	tap_skip_reason[0] = '\0';
	pid = fork();
	if (pid < 0) {
		diag("fork: %s", strerror(errno));
		tap_line("not ok %d - %s", num, c->name);
		return;
	}
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		tap_failures = 0;
		c->fn();
		_exit(tap_failures ? 1 : 0);
	}
	setpgid(pid, pid);
	for (;;) {
		pid_t r = waitpid(-1, &status, WNOHANG);

		if (r == pid)
			break;
		if (r > 0 || (r < 0 && errno == EINTR))
			continue;	/* an orphan of the case, reaped */
		if (now() - t0 > slow_secs(c->timeout)) {
			timed_out = 1;
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		nanosleep(&ts, NULL);
	}
	reap_leftovers(pid);
	if (is_root)
		restore_system();

	diag("case %d took %.1f s", id, now() - t0);
	/* the kernel's record of every task created meanwhile */
	if (oracle_check()) {
		diag("the trace shows PIDs outside the policy in force");
		tap_line("not ok %d - %s", num, c->name);
	} else if (timed_out) {
		diag("timed out after %.0f s", slow_secs(c->timeout));
		tap_line("not ok %d - %s", num, c->name);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == TAP_EXIT_SKIP) {
		tap_line("ok %d - %s # SKIP %s", num, c->name, tap_skip_reason);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		tap_line("ok %d - %s", num, c->name);
	} else {
		if (WIFSIGNALED(status))
			diag("case process killed by signal %d", WTERMSIG(status));
		tap_line("not ok %d - %s", num, c->name);
	}
}

int main(int argc, char **argv)
{
	int selected[NR_CASES], nsel = 0, i, is_root = geteuid() == 0;
	struct utsname u;
	double t0 = now();

	if (argc > 1 && !strcmp(argv[1], "-l")) {
		for (i = 0; i < NR_CASES; i++)
			printf("%2d %s\n", i + 1, cases[i].name);
		return 0;
	}
	for (i = 1; i < argc && nsel < NR_CASES; i++) {
		int n = atoi(argv[i]);

		if (n < 1 || n > NR_CASES) {
			fprintf(stderr, "usage: %s [-l] [CASE...] (1..%d)\n",
				argv[0], NR_CASES);
			return 2;
		}
		selected[nsel++] = n;
	}
	if (!nsel)
		for (i = 0; i < NR_CASES; i++)
			selected[nsel++] = i + 1;

	tap_skip_reason = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tap_skip_reason == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	boot_pid_max = get_pid_max();
	if (is_root) {
		int rc = oracle_init();

		if (rc)
			diag("the trace oracle cannot start (tracefs instance: %s): every case fails",
			     strerror(-rc));
	}
	oracle_policy();
	slow_init();

	tap_line("TAP version 13");
	tap_line("1..%d", nsel);
	uname(&u);
	diag("pidctl-test on %s %s, pid_max=%d, pid %d, %s, PIDCTL_KO=%s, PIDCTL_SLOW=%d",
	     u.sysname, u.release, boot_pid_max, (int)getpid(),
	     is_root ? "root" : "not root",
	     module_path() ? module_path() : "(unset)", slow);
	for (i = 0; i < nsel; i++)
		run_case(i + 1, selected[i], is_root);
	diag("total run time %.1f s", now() - t0);
	return 0;
}
