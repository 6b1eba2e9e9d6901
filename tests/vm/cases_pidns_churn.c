// SPDX-License-Identifier: GPL-2.0
/*
 * Cases 32 and 33: a policy per PID namespace (/work/ns-spec.md, issue
 * 11), continued from cases_pidns_policy.c: many namespaces come and go
 * under fork load and nothing leaks; the namespaces file's grammar and
 * errors.  The helpers they share with cases 29 to 31 are in nsprocs.c.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cases.h"
#include "nsprocs.h"

#define OBJECTS_PATH	"/sys/kernel/debug/pidctl/objects"

/* ------------------------------------------------------------------ */
/* 32: many namespaces come and go under fork load; nothing leaks. */

struct c32_slot {
	int first, second;	/* getpid() of the first two processes inside */
	int second_host;
};

/* The host's pidctl objects, or -errno. */
static long objects(void)
{
	return sysctl_read_long(OBJECTS_PATH);
}

/*
 * The baseline: earlier cases' namespaces may still be on their way out
 * (a work item, then an RCU grace period), so wait until no namespace is
 * listed and the count holds still for half a second (10 s at most).
 */
static long settled_objects(void)
{
	static char text[1 << 16];
	double t0 = now();
	long last = objects(), cur;

	for (;;) {
		sleep_ms(500);
		cur = objects();
		ns_file(text, sizeof(text));
		if ((cur == last && !text[0]) || now() - t0 > slow_secs(10))
			break;
		last = cur;
	}
	if (text[0])
		diag("namespaces still lists \"%.200s\" at the start", text);
	return cur;
}

/*
 * Fork the namespace's second process, which records its PID inside and
 * on the host; true when it was forked and reaped.
 */
static int c32_fork_second(struct c32_slot *s)
{
	pid_t k = fork_kid();

	if (k == 0) {
		int v[2];

		s->second = getpid();
		if (nspid_all(0, v, 2) == 2)
			s->second_host = v[0];
		_exit(0);
	}
	return k > 0 && waitpid(k, NULL, 0) == k;
}

/* An inside-set namespace: its init sets min/max, then forks once. */
static void c32_inside(struct c32_slot *s, unsigned int min, unsigned int max)
{
	char a[16], b[16];
	pid_t init;
	int st;

	if (unshare(CLONE_NEWPID))
		_exit(20);
	init = fork_kid();
	if (init == 0) {
		s->first = getpid();
		snprintf(a, sizeof(a), "%u", min);
		snprintf(b, sizeof(b), "%u", max);
		if (ns_knob_write("min", a) || ns_knob_write("max", b))
			_exit(21);
		if (!c32_fork_second(s))
			_exit(22);
		_exit(0);
	}
	if (init < 0 || waitpid(init, &st, 0) < 0)
		_exit(23);
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 24);
}

/* A host-set namespace: wait for the host, fork PID 1 and one more. */
static void c32_from_host(struct c32_slot *s, int ready, int go)
{
	pid_t init;
	int st;
	int up[2];

	if (unshare(CLONE_NEWPID) || pipe(up))
		_exit(30);
	tok_send(ready);
	if (!tok_wait(go))
		_exit(31);
	init = fork_kid();
	if (init == 0) {
		s->first = getpid();
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		tok_send(up[1]);
		for (;;)
			pause();
	}
	if (init < 0 || !tok_wait(up[0]))
		_exit(32);
	/* the second process of the namespace: a sibling of its init */
	st = c32_fork_second(s) ? 0 : 33;
	kill(init, SIGKILL);
	waitpid(init, NULL, 0);
	_exit(st);
}

/* Setting a namespace's knobs back to the defaults removes its line. */
static void c32_back_to_defaults(long base)
{
	int ready[2], go[2], rc;
	unsigned long ino;
	char line[128];
	pid_t x;

	/* from inside */
	if (!CHECK(pipe(ready) == 0 && pipe(go) == 0, "pipe"))
		return;
	x = fork_kid();
	if (x == 0) {
		/*
		 * reserved ends in a newline: without one the kernel keeps
		 * a copy of the policy before it (the stdio pieces rule,
		 * pidctl_sysctl.c) in one of a few slots, which the object
		 * count includes; a new slot may evict an older writer's.
		 */
		static const char *const set[5] = { "1000", "1999", "2", "3", "1500\n" };
		static const char *const back[5] = { "0", "0", "1", "0", "" };
		pid_t init;

		if (unshare(CLONE_NEWPID))
			_exit(1);
		init = fork_kid();
		if (init == 0) {
			write_own_knobs(set, "inside, before defaults");
			tok_send(ready[1]);
			tok_wait(go[0]);
			/* the order knobs_reset() uses: never invalid */
			{
				static const char *const order[5] = {
					"random", "reserved", "stride", "min", "max" };
				static const char *const val[5] = {
					"0", "", "1", "0", "0" };
				int i;

				for (i = 0; i < 5; i++) {
					rc = ns_knob_write(order[i], val[i]);
					CHECK(rc == 0, "inside: %s back to %s: %s",
					      order[i], val[i], strerror(-rc));
				}
			}
			check_own_knobs(back, "inside, back to defaults");
			tok_send(ready[1]);
			tok_wait(go[0]);
			done();
		}
		wait_ok(init, "namespace init");
		done();
	}
	ino = 0;
	if (CHECK(tok_wait(ready[0]), "namespace never got ready")) {
		ino = ns_ino(x, "pid_for_children");
		check_ns_line(ino, 1, "min=1000 max=1999 stride=2 random=3 reserved=1500",
			      "policy set inside");
		/* the count counts them: a namespace's entry and policy */
		CHECK(objects() > base, "objects with a namespace policy: %ld, baseline %ld",
		      objects(), base);
		tok_send(go[1]);
		if (CHECK(tok_wait(ready[0]), "namespace never reset")) {
			wait_line_gone(ino, 2, "set back to defaults from inside");
			tok_send(go[1]);
		}
	}
	wait_ok(x, "defaults from inside");
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);

	/* from the host, before the namespace has a process */
	if (!CHECK(pipe(ready) == 0 && pipe(go) == 0, "pipe"))
		return;
	x = fork_kid();
	if (x == 0) {
		if (unshare(CLONE_NEWPID))
			_exit(1);
		tok_send(ready[1]);
		tok_wait(go[0]);
		_exit(0);
	}
	if (CHECK(tok_wait(ready[0]), "unshare never done")) {
		snprintf(line, sizeof(line), "%d min=2000 max=2999 stride=2\n", (int)x);
		rc = ns_write_new(line, &ino);
		CHECK(rc == 0, "namespaces <- min=2000 max=2999 stride=2: %s",
		      strerror(-rc));
		check_ns_line(ino, 1, "min=2000 max=2999 stride=2 random=0 reserved=",
			      "set from the host");
		snprintf(line, sizeof(line), "%d min=0 max=0 stride=1\n", (int)x);
		rc = raw_write(NS_FILE, line);
		CHECK(rc == 0, "namespaces <- min=0 max=0 stride=1: %s",
		      strerror(-rc));
		wait_line_gone(ino, 2, "set back to defaults from the host");
		tok_send(go[1]);
	}
	wait_ok(x, "defaults from the host");
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
}

void case_ns_churn(void)
{
	static char text[1 << 16];
	int n = (int)slow_count(160, 20), i, st, fails = 0, worker_forks = 0;
	long base, after = 0;
	struct c32_slot *slots;
	struct pol host;
	double t0;
	pid_t worker;

	base = settled_objects();
	if (!CHECK(base > 0, "read %s: %s", OBJECTS_PATH,
		   base < 0 ? strerror((int)-base) : "0"))
		return;
	diag("objects at the start: %ld", base);
	slots = shared(sizeof(*slots) * (size_t)n + 4096);

	c32_back_to_defaults(base);

	if (!policy_apply(&host, 10000, 19999, 1, NULL))
		return;
	worker = fork_kid();
	if (worker == 0) {
		int *count = (int *)(slots + n);

		for (;;) {
			if (spawn_exit() > 0)
				(*count)++;
		}
	}
	CHECK(worker > 0, "fork the worker: %s", strerror(errno));

	for (i = 0; i < n && fails < 10; i++) {
		struct c32_slot *s = &slots[i];
		unsigned int min = 1000 + (unsigned int)(i % 40) * 100,
			     max = min + 99;
		int ready[2], go[2], rc;
		char line[128];
		pid_t x;

		if (i % 2 == 0) {
			x = fork_kid();
			if (x == 0)
				c32_inside(s, min, max);
		} else {
			if (!CHECK(pipe(ready) == 0 && pipe(go) == 0, "pipe"))
				break;
			x = fork_kid();
			if (x == 0)
				c32_from_host(s, ready[1], go[0]);
			if (x > 0 && tok_wait(ready[0])) {
				snprintf(line, sizeof(line), "%d min=%u max=%u",
					 (int)x, min, max);
				rc = raw_write(NS_FILE, line);
				if (!CHECK(rc == 0, "namespace %d: namespaces <- \"%s\": %s",
					   i, line, strerror(-rc)))
					fails++;
				tok_send(go[1]);
			}
			close(ready[0]);
			close(ready[1]);
			close(go[0]);
			close(go[1]);
		}
		if (x < 0) {
			CHECK(0, "fork: %s", strerror(errno));
			break;
		}
		st = -1;
		waitpid(x, &st, 0);
		if (!CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			   "namespace %d (%s): status %#x", i,
			   i % 2 ? "from the host" : "from inside", st) ||
		    !CHECK(s->first == 1 && s->second == (int)min,
			   "namespace %d (%s, min=%u max=%u): first process %d, second %d; want 1, %u",
			   i, i % 2 ? "from the host" : "from inside", min, max,
			   s->first, s->second, min) ||
		    !CHECK(pol_allowed(&host, (unsigned int)s->second_host,
				       (unsigned int)get_pid_max()),
			   "namespace %d: host PID %d of its second process outside %s",
			   i, s->second_host, pol_str(&host)))
			fails++;
	}
	diag("%d namespaces (%d set from inside, %d from the host)", i,
	     (i + 1) / 2, i / 2);
	if (worker > 0) {
		worker_forks = *(int *)(slots + n);
		release(worker);
	}
	diag("the host worker forked %d times meanwhile", worker_forks);
	CHECK(worker_forks > 0, "the worker forked");
	CHECK(knobs_reset() == 0, "knobs_reset");

	t0 = now();
	for (;;) {
		after = objects();
		ns_file(text, sizeof(text));
		if ((after == base && !text[0]) || now() - t0 > slow_secs(10))
			break;
		sleep_ms(50);
	}
	diag("objects %ld after %.1f s (baseline %ld)", after, now() - t0, base);
	CHECK_EQ(after, base, "objects back to the baseline");
	CHECK(!text[0], "namespaces still lists \"%.200s\"", text);
}

/* ------------------------------------------------------------------ */
/* 33: the namespaces file's grammar and errors. */

struct ns_bad {
	const char *fmt;	/* %1$d: the target pid */
	int err;
	const char *why;
};

static const struct ns_bad ns_bad[] = {
	{ "", EINVAL, "empty" },
	{ "\n", EINVAL, "newline only" },
	{ "%d", EINVAL, "no key" },
	{ "%d\n", EINVAL, "no key, newline" },
	{ "%d ", EINVAL, "no key, blank" },
	{ "%d =4999", EINVAL, "empty key" },
	{ "%d 4999", EINVAL, "value without a key" },
	{ "%d max", EINVAL, "key without =" },
	{ "%d max=4999 extra", EINVAL, "trailing word" },
	{ "%d foo=1", EINVAL, "unknown key" },
	{ "%d MAX=4999", EINVAL, "keys are lower case" },
	{ "%d pid=1", EINVAL, "unknown key pid" },
	{ "%d exhausted=1", EINVAL, "counter is no key" },
	{ "%d max=4999 foo=1", EINVAL, "unknown key after a good one" },
	{ "%d min=4000 min=4000", EINVAL, "repeated key" },
	{ "%d max=4999 stride=2 max=4999", EINVAL, "repeated key, apart" },
	{ "%d reserved= reserved=", EINVAL, "repeated reserved" },
	{ "%d max=", EINVAL, "empty number" },
	{ "%d max=abc", EINVAL, "not a number" },
	{ "%d max=-1", EINVAL, "negative" },
	{ "%d max=+4999", EINVAL, "sign" },
	{ "%d max=0x10", EINVAL, "hex" },
	{ "%d max=010", EINVAL, "leading zero" },
	{ "%d min=010", EINVAL, "leading zero in min" },
	{ "%d stride=02", EINVAL, "leading zero in stride" },
	{ "%d max=4999x", EINVAL, "trailing garbage" },
	{ "%d max=4194305", EINVAL, "above PID_MAX_LIMIT" },
	{ "%d max=99999999999999999999", EINVAL, "overflow" },
	{ "%d max=4294972295", EINVAL, "wraps 32 bits" },
	{ "%d stride=0", EINVAL, "stride 0" },
	{ "%d random=65537", EINVAL, "random above its maximum" },
	{ "%d reserved=5-3", EINVAL, "reversed range" },
	{ "%d reserved=1,,2", EINVAL, "empty item" },
	{ "%d reserved=abc", EINVAL, "bad list" },
	{ "%d reserved=0", EINVAL, "reserved 0" },
	{ "%d reserved=4194305", EINVAL, "reserved above the limit" },
	{ "min=4000", EINVAL, "missing pid" },
	{ " max=4999", EINVAL, "missing pid, leading blank" },
	{ "0 max=4999", EINVAL, "pid 0" },
	{ "-%d max=4999", EINVAL, "negative pid" },
	{ "abc max=4999", EINVAL, "pid not a number" },
	{ "%dx max=4999", EINVAL, "pid with garbage" },
	{ "%d,max=4999", EINVAL, "no blank after the pid" },
	/* blanks are spaces and tabs; a newline only ends the line */
	{ "%d max=4999\nmin=4000", EINVAL, "a newline inside the line" },
	{ "%d\nmax=4999", EINVAL, "a newline after the pid" },
	{ "%d max=4999\n\n", EINVAL, "two newlines at the end" },
	/* invalid resulting policies (baseline min=4000 max=4999 ...) */
	{ "%d min=5000", EINVAL, "min > max" },
	{ "%d max=3999", EINVAL, "max < min" },
	{ "%d min=4100 max=4199", EINVAL, "window fully reserved" },
	{ "%d reserved=4000-4999", EINVAL, "reserves the whole window" },
	/* the targets */
	{ "1 max=4999", EINVAL, "pid 1's children: the initial namespace" },
};

#define C33_BASE "min=4000 max=4999 stride=2 random=0 reserved=4100-4199"

static void c33_refused(const char *val, size_t len, off_t off, int err,
			const char *why)
{
	static char before[1 << 16], after[1 << 16];
	char shown[64];
	int rc;

	ns_file(before, sizeof(before));
	rc = raw_write_at(NS_FILE, val, len, off);
	{
		size_t i, n = 0;

		/* one diagnostic line: a newline shows as \n */
		for (i = 0; i < len && i < 40 && n < sizeof(shown) - 3; i++) {
			if (val[i] == '\n') {
				shown[n++] = '\\';
				shown[n++] = 'n';
			} else {
				shown[n++] = val[i];
			}
		}
		shown[n] = '\0';
	}
	CHECK(rc == -err, "namespaces <- \"%s\"%s (%s): %s, want %s", shown,
	      off ? " at offset 1" : "", why, err_str(rc), strerror(err));
	ns_file(after, sizeof(after));
	CHECK(!strcmp(before, after), "%s: namespaces changed \"%s\" -> \"%s\"",
	      why, before, after);
}

static void c33_accepted(const char *line, unsigned long ino, const char *want,
			 const char *why)
{
	int rc = raw_write(NS_FILE, line);

	if (CHECK(rc == 0, "namespaces <- \"%s\" (%s): %s", line, why,
		  strerror(-rc)))
		check_ns_line(ino, 1, want, why);
}

/* A PID nothing holds. */
static int free_pid(void)
{
	int pid = get_pid_max() - 1;

	while (pid > 2 && pid_in_use(pid))
		pid--;
	return pid;
}

void case_ns_file_errors(void)
{
	char line[2048], text[256];
	int ready[2], go[2], rc, pid, status;
	unsigned long ino = 0;
	size_t i, len;
	pid_t x, reader;

	if (!CHECK(pipe(ready) == 0 && pipe(go) == 0, "pipe"))
		return;
	/* the target: unshared, no process in its namespace yet */
	x = fork_kid();
	if (x == 0) {
		if (unshare(CLONE_NEWPID))
			_exit(1);
		tok_send(ready[1]);
		tok_wait(go[0]);
		_exit(0);
	}
	if (!CHECK(x > 0 && tok_wait(ready[0]), "target never ready"))
		return;
	pid = (int)x;

	/* keys not named keep their values: defaults first */
	snprintf(line, sizeof(line), "%d max=4999", pid);
	rc = ns_write_new(line, &ino);
	if (!CHECK(rc == 0 && ino, "namespaces <- \"%s\": %s", line,
		   strerror(-rc)))
		goto out;
	check_ns_line(ino, 1, "min=0 max=4999 stride=1 random=0 reserved=",
		      "max alone: the rest defaults");
	snprintf(line, sizeof(line), "%d\tmin=4000  stride=2 \treserved=4100-4199\n",
		 pid);
	c33_accepted(line, ino, C33_BASE, "tabs, blanks, a newline; max kept");

	for (i = 0; i < sizeof(ns_bad) / sizeof(ns_bad[0]); i++) {
		snprintf(line, sizeof(line), ns_bad[i].fmt, pid);
		c33_refused(line, strlen(line), 0, ns_bad[i].err, ns_bad[i].why);
	}
	/* the caller's children: the initial namespace */
	snprintf(line, sizeof(line), "%d max=4999", (int)getpid());
	c33_refused(line, strlen(line), 0, EINVAL,
		    "the writer's own children: initial namespace");
	/* no such process */
	snprintf(line, sizeof(line), "%d max=4999", free_pid());
	c33_refused(line, strlen(line), 0, ESRCH, "no such process");
	/* not at offset 0 */
	snprintf(line, sizeof(line), "%d max=4998", pid);
	c33_refused(line, strlen(line), 1, EINVAL, "offset 1");
	/* 1024 bytes without a newline: maybe the first piece of more */
	len = (size_t)snprintf(line, sizeof(line), "%d", pid);
	memset(line + len, ' ', 1024 - len);
	memcpy(line + 1024 - strlen("max=4998"), "max=4998", strlen("max=4998"));
	c33_refused(line, 1024, 0, EINVAL, "1024 bytes, no newline");
	/* the same with a newline as its 1024th byte is a whole line */
	memmove(line + 1024 - strlen("max=4998") - 1, line + 1024 - strlen("max=4998"),
		strlen("max=4998"));
	line[1023] = '\n';
	line[1024] = '\0';
	c33_accepted(line, ino,
		     "min=4000 max=4998 stride=2 random=0 reserved=4100-4199",
		     "1024 bytes ending in a newline");

	/* a reader inside a non-initial PID namespace reads nothing */
	reader = fork_kid();
	if (reader == 0) {
		pid_t k;

		if (unshare(CLONE_NEWPID))
			_exit(2);
		k = fork_kid();
		if (k == 0) {
			rc = sysctl_read(NS_FILE, text, sizeof(text));
			CHECK(rc == 0 && !text[0],
			      "namespaces read inside a namespace: \"%s\" (%s), want empty",
			      text, rc ? strerror(-rc) : "ok");
			done();
		}
		wait_ok(k, "reader inside");
		done();
	}
	wait_ok(reader, "reader in a new namespace");

	/* one key changes, the others stay; reserved= clears */
	snprintf(line, sizeof(line), "%d random=5", pid);
	c33_accepted(line, ino,
		     "min=4000 max=4998 stride=2 random=5 reserved=4100-4199",
		     "random alone");
	snprintf(line, sizeof(line), "%d reserved=\n", pid);
	c33_accepted(line, ino, "min=4000 max=4998 stride=2 random=5 reserved=",
		     "reserved= clears the list");
	snprintf(line, sizeof(line), "%d reserved=4300-4399,4100,4200-4201", pid);
	c33_accepted(line, ino,
		     "min=4000 max=4998 stride=2 random=5 reserved=4100,4200-4201,4300-4399",
		     "reserved reads back canonical");

	/* all back to defaults: the line goes */
	snprintf(line, sizeof(line), "%d min=0 max=0 stride=1 random=0 reserved=",
		 pid);
	rc = raw_write(NS_FILE, line);
	CHECK(rc == 0, "namespaces <- all defaults: %s", strerror(-rc));
	wait_line_gone(ino, 2, "all defaults");
out:
	tok_send(go[1]);
	waitpid(x, &status, 0);
	CHECK(WIFEXITED(status) && !WEXITSTATUS(status), "target status %#x",
	      status);
	/* an exited process is no target */
	snprintf(line, sizeof(line), "%d max=4999", pid);
	if (!pid_in_use(pid))
		c33_refused(line, strlen(line), 0, ESRCH, "a reaped process");
}
