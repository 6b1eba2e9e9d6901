// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cases.h"
#include "oracle.h"
#include "tap.h"

#define TRACEFS		"/sys/kernel/tracing"
#define INSTANCE	TRACEFS "/instances/pidctl-oracle"
#define SNAPDIR		"/tmp/pidctl-oracle"
#define MAX_RANGES	8192
#define MAX_REPORTS	10

static int enabled, required;
static int marker_fd = -1;

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		rc = -errno;
	close(fd);
	return rc;
}

int oracle_init(void)
{
	/* a big buffer, one clock for all CPUs, and the events we read */
	static const char *const setup[][2] = {
		{ INSTANCE "/buffer_size_kb", "8192" },
		{ INSTANCE "/trace_clock", "mono" },
		{ INSTANCE "/events/task/task_newtask/enable", "1" },
		/* when each parent entered clone(): the earliest its PID was chosen */
		{ INSTANCE "/events/syscalls/sys_enter_clone/enable", "1" },
		{ INSTANCE "/events/syscalls/sys_enter_clone3/enable", "1" },
		{ INSTANCE "/events/syscalls/sys_enter_fork/enable", "1" },
		{ INSTANCE "/events/syscalls/sys_enter_vfork/enable", "1" },
		{ INSTANCE "/trace", "" },
		{ INSTANCE "/tracing_on", "1" },
	};
	size_t i;
	int rc;

	required = 1;
	rmdir(INSTANCE);
	if (mkdir(INSTANCE, 0755) && errno != EEXIST)
		return -errno;
	mkdir(SNAPDIR, 0755);
	for (i = 0, rc = 0; !rc && i < sizeof(setup) / sizeof(setup[0]); i++)
		rc = write_file(setup[i][0], setup[i][1]);
	enabled = !rc;
	return rc;
}

static void mark(const char *fmt, long a)
{
	char buf[128];
	int n;

	if (!enabled)
		return;
	if (marker_fd < 0)
		marker_fd = open(INSTANCE "/trace_marker", O_WRONLY | O_CLOEXEC);
	if (marker_fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), fmt, a);
	if (write(marker_fd, buf, (size_t)n) != n)
		diag("oracle: trace marker \"%s\": %s", buf, strerror(errno));
}

void oracle_begin(void)
{
	mark("pidctl-oracle begin", 0);
}

void oracle_exempt(int pid)
{
	mark("pidctl-oracle exempt %ld", pid);
}

/*
 * Snapshot what is in force now: the four knobs as read back, or "none"
 * with the module unloaded, and pid_max.  Stored in a file, since a long
 * reserved list does not fit a trace marker; the marker names the file.
 * A process that writes the same few policies thousands of times (the
 * concurrency case) reuses the file of an identical snapshot.
 */
#define SNAP_CACHE 32

static unsigned long long fnv1a(const char *s)
{
	unsigned long long h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static void snapshot(int stock);

void oracle_policy(void)
{
	snapshot(0);
}

void oracle_unenforced(void)
{
	snapshot(1);
}

static void snapshot(int stock)
{
	static struct { unsigned long long hash; long id; pid_t owner; }
		cache[SNAP_CACHE];
	static char snap[(1 << 17) + 128], reserved[1 << 17];
	static long seq;
	static int next_slot;
	char path[64], tmp[72], v[3][32], rnd[32];
	unsigned long long hash;
	long id = -1;
	FILE *f;
	int i;

	if (!enabled)
		return;
	if (knobs_present() && !stock) {
		for (i = 0; i < 3; i++)
			if (knob_read(knob_names[i], v[i], sizeof(v[i])))
				strcpy(v[i], "?");
		if (knob_read("reserved", reserved, sizeof(reserved)))
			strcpy(reserved, "?");
		if (knob_read("random", rnd, sizeof(rnd)))
			strcpy(rnd, "?");
		snprintf(snap, sizeof(snap), "%s %s %s %d %s\n%s\n", v[0], v[1],
			 v[2], get_pid_max(), rnd, reserved);
	} else {
		snprintf(snap, sizeof(snap), "none none none %d none\n\n",
			 get_pid_max());
	}
	hash = fnv1a(snap);
	for (i = 0; i < SNAP_CACHE; i++)
		if (cache[i].owner == getpid() && cache[i].hash == hash)
			id = cache[i].id;
	if (id < 0) {
		id = (long)getpid() * 100000 + seq++;
		snprintf(path, sizeof(path), SNAPDIR "/%ld", id);
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		f = fopen(tmp, "we");
		if (!f)
			return;
		fputs(snap, f);
		fclose(f);
		rename(tmp, path);
		cache[next_slot].hash = hash;
		cache[next_slot].id = id;
		cache[next_slot].owner = getpid();
		next_slot = (next_slot + 1) % SNAP_CACHE;
	}
	mark("pidctl-oracle policy %ld", id);
}

int oracle_foreign_task(int pid, char *comm, size_t size)
{
	char *line = NULL, want[32], c[32];
	size_t cap = 0;
	int found = 0;
	FILE *f;

	if (!enabled)
		return 0;
	f = fopen(INSTANCE "/trace", "re");
	if (!f)
		return 0;
	snprintf(want, sizeof(want), ": task_newtask: pid=%d ", pid);
	while (!found && getline(&line, &cap, f) > 0) {
		char *e = strstr(line, want), *k;

		if (!e || !(k = strstr(e, "comm=")) ||
		    sscanf(k + 5, "%31s", c) != 1 || !strcmp(c, "pidctl-test"))
			continue;
		snprintf(comm, size, "%s", c);
		found = 1;
	}
	fclose(f);
	free(line);
	return found;
}

int oracle_foreign_pids(int *pids, int max)
{
	char *line = NULL, c[32], *e, *k;
	size_t cap = 0;
	int n = 0;
	FILE *f;

	if (!enabled)
		return -1;
	f = fopen(INSTANCE "/trace", "re");
	if (!f)
		return -1;
	while (n < max && getline(&line, &cap, f) > 0) {
		e = strstr(line, ": task_newtask: pid=");
		if (!e || !(k = strstr(e, "comm=")) ||
		    sscanf(k + 5, "%31s", c) != 1 || !strcmp(c, "pidctl-test"))
			continue;
		pids[n++] = atoi(e + 20);
	}
	fclose(f);
	free(line);
	return n;
}

/*
 * A policy as the oracle checks it.  random is recorded for the reports
 * only: which PIDs are allowed does not depend on it (a random start
 * changes which allowed free PID comes next, never whether a PID is
 * allowed), so with random on the oracle checks exactly what it checks
 * without: every new PID is allowed by a policy in force.  That the PID
 * was free is the kernel's own guarantee; that the starts are random and
 * uniform is case 27's job.
 */
struct opol {
	int none, unknown;
	unsigned int min, max, stride, random, pid_max, nr;
	unsigned int lo[MAX_RANGES], hi[MAX_RANGES];
};

static int load_policy(long id, struct opol *p)
{
	char path[64], s[5][32], *list = NULL, *t;
	size_t cap = 0;
	FILE *f;
	int ok;

	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), SNAPDIR "/%ld", id);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	ok = fscanf(f, "%31s %31s %31s %31s %31s\n", s[0], s[1], s[2], s[3],
		    s[4]) == 5;
	if (ok && getline(&list, &cap, f) < 0)
		list = NULL;
	fclose(f);
	if (!ok)
		return -EINVAL;
	p->pid_max = (unsigned int)atoi(s[3]);
	if (!strcmp(s[0], "none")) {
		p->none = 1;
		free(list);
		return 0;
	}
	if (s[0][0] == '?' || s[1][0] == '?' || s[2][0] == '?' ||
	    (list && list[0] == '?'))
		p->unknown = 1;
	p->min = (unsigned int)atoi(s[0]);
	p->max = (unsigned int)atoi(s[1]);
	p->stride = (unsigned int)atoi(s[2]);
	p->random = (unsigned int)atoi(s[4]);
	for (t = list; t && *t && *t != '\n' && p->nr < MAX_RANGES;) {
		char *end;

		p->lo[p->nr] = (unsigned int)strtoul(t, &end, 10);
		p->hi[p->nr] = *end == '-' ?
			(unsigned int)strtoul(end + 1, &end, 10) : p->lo[p->nr];
		p->nr++;
		t = *end == ',' ? end + 1 : end;
	}
	free(list);
	return 0;
}

/* Whether the policy lets the cyclic allocator hand out @pid. */
static int opol_allows(const struct opol *p, unsigned int pid)
{
	unsigned int hi = p->pid_max - 1, lo = 0, n;

	if (p->none || p->unknown)
		return 1;
	if (!p->min && !p->max && p->stride <= 1 && !p->nr)
		return 1;		/* inactive: stock */
	if (p->max && p->max < hi)
		hi = p->max;
	if (pid < (p->min ? p->min : 1) || pid > hi)
		return 0;
	for (n = p->nr; n; ) {		/* canonical: binary search */
		unsigned int mid = lo + n / 2;

		if (p->hi[mid] < pid) {
			lo = mid + 1;
			n -= n / 2 + 1;
		} else {
			n /= 2;
		}
	}
	return !(lo < p->nr && p->lo[lo] <= pid);
}

static const char *opol_str(const struct opol *p)
{
	static char buf[160];

	if (p->none)
		snprintf(buf, sizeof(buf), "no module");
	else
		snprintf(buf, sizeof(buf), "min=%u max=%u stride=%u random=%u, %u ranges from %u, pid_max=%u",
			 p->min, p->max, p->stride, p->random, p->nr,
			 p->nr ? p->lo[0] : 0, p->pid_max);
	return buf;
}

/* Lost events on any CPU of the instance, from per_cpu/cpuN/stats. */
static long lost_events(void)
{
	char path[96], line[128];
	long lost = 0, v;
	int cpu;
	FILE *f;

	for (cpu = 0; cpu < 64; cpu++) {
		snprintf(path, sizeof(path), INSTANCE "/per_cpu/cpu%d/stats", cpu);
		f = fopen(path, "re");
		if (!f)
			break;
		while (fgets(line, sizeof(line), f))
			if ((sscanf(line, "overrun: %ld", &v) == 1 ||
			     sscanf(line, "commit overrun: %ld", &v) == 1 ||
			     sscanf(line, "dropped events: %ld", &v) == 1) && v > 0)
				lost += v;
		fclose(f);
	}
	return lost;
}

/* The timestamp: the token that ends just before @at (": event:"). */
static double stamp_before(const char *line, const char *at)
{
	const char *s = at;

	while (s > line && s[-1] != ' ')
		s--;
	return atof(s);
}

/*
 * The timeline of policies: each with the span of trace time in which a
 * PID could be allocated under it, from the "begin" marker of the write
 * that made it (the write may publish at any point after that) to the
 * "policy" marker of the write that replaced it.  The last HISTORY spans
 * are kept; the current policy's span is open.  Kept across checks: a
 * case starts under the policy the last one ended with.
 */
#define HISTORY 64

struct span {
	struct opol *pol;
	double from, until;	/* until < 0: still in force */
};

static struct opol pool[HISTORY + 1];
static struct span spans[HISTORY];
static int nspans, newest = -1, next_free;

/* The policy loaded into a free buffer becomes current as of @from. */
static struct opol *span_buffer(void)
{
	/* the buffer of the span about to be overwritten, or a fresh one */
	int slot = (newest + 1) % HISTORY;

	if (nspans == HISTORY)
		return spans[slot].pol;
	return &pool[next_free];
}

static void span_push(struct opol *p, double from, double now_t)
{
	if (newest >= 0)
		spans[newest].until = now_t;
	newest = (newest + 1) % HISTORY;
	if (nspans < HISTORY) {
		nspans++;
		next_free++;
	}
	spans[newest].pol = p;
	spans[newest].from = from;
	spans[newest].until = -1;
}

/*
 * Was @pid allowed by some policy in force at a moment of [@t0, @t1]?
 * Returns -1 when the history does not reach back to @t0 (cannot tell).
 */
static int allowed_during(unsigned int pid, double t0, double t1)
{
	int i, k;

	for (k = 0; k < nspans; k++) {
		i = (newest - k + HISTORY) % HISTORY;
		/* this one, and so every older one, ended before @t0 */
		if (spans[i].until >= 0 && spans[i].until < t0)
			return 0;
		if (spans[i].from <= t1 && opol_allows(spans[i].pol, pid))
			return 1;
	}
	return nspans < HISTORY ? 0 : -1;
}

static int *exempt;
static size_t nexempt, exempt_cap;

static int is_exempt(int pid)
{
	size_t i;

	for (i = 0; i < nexempt; i++)
		if (exempt[i] == pid)
			return 1;
	return 0;
}

/* What a trace line is about, in trace order. */
enum ev_kind { EV_BEGIN, EV_POLICY, EV_CLONE, EV_NEWTASK };

struct event {
	enum ev_kind kind;
	double t;
	int task;		/* the task that logged it (common_pid) */
	int pid;		/* EV_NEWTASK: the new task's PID */
	long id;		/* EV_POLICY: the snapshot */
	char comm[32];		/* EV_NEWTASK: the new task's comm */
};

/* common_pid: the digits after the last '-' before the " [CPU]" field. */
static int line_task(const char *line)
{
	const char *cpu = strstr(line, " ["), *dash;

	if (!cpu)
		return -1;
	for (dash = cpu; dash > line && dash[-1] != '-'; dash--)
		;
	return dash > line ? atoi(dash) : -1;
}

static int parse_line(const char *line, struct event *e)
{
	static const char *const clones[] = {
		": sys_clone(", ": sys_clone3(", ": sys_fork(", ": sys_vfork(",
	};
	const char *m, *at = NULL;
	size_t i;

	memset(e, 0, sizeof(*e));
	if ((m = strstr(line, ": tracing_mark_write: pidctl-oracle "))) {
		at = m;
		if (strstr(m, " exempt ")) {
			if (nexempt == exempt_cap) {
				exempt_cap = exempt_cap ? 2 * exempt_cap : 64;
				exempt = realloc(exempt, exempt_cap * sizeof(*exempt));
			}
			exempt[nexempt++] = atoi(strstr(m, " exempt ") + 8);
			return 0;
		}
		if (strstr(m, " begin")) {
			e->kind = EV_BEGIN;
		} else if (strstr(m, " policy ")) {
			e->kind = EV_POLICY;
			e->id = atol(strstr(m, " policy ") + 8);
		} else {
			return 0;
		}
	} else if ((m = strstr(line, ": task_newtask: pid="))) {
		at = m;
		e->kind = EV_NEWTASK;
		e->pid = atoi(m + 20);
		if (!strstr(m, "comm=") ||
		    sscanf(strstr(m, "comm=") + 5, "%31s", e->comm) != 1)
			strcpy(e->comm, "?");
	} else {
		for (i = 0; !at && i < sizeof(clones) / sizeof(clones[0]); i++)
			at = strstr(line, clones[i]);
		if (!at)
			return 0;
		e->kind = EV_CLONE;
	}
	e->t = stamp_before(line, at);
	e->task = line_task(line);
	return 1;
}

/* The time each task last entered a clone-family syscall (small table). */
#define CLONERS 4096
static struct { int task; double t; } clone_at[CLONERS];

static double *clone_slot(int task)
{
	unsigned int h = (unsigned int)task * 2654435761u % CLONERS, i;

	for (i = 0; i < CLONERS; i++, h = (h + 1) % CLONERS)
		if (clone_at[h].task == task || !clone_at[h].task) {
			clone_at[h].task = task;
			return &clone_at[h].t;
		}
	return NULL;
}

int oracle_check(void)
{
	struct event *evs = NULL, ev;
	size_t n = 0, cap = 0, i, j;
	int problems = 0, reports = 0, unknown = 0, verdict;
	char *line = NULL;
	size_t lcap = 0;
	double *slot, t0;
	long lost;
	FILE *f;

	if (!enabled) {
		if (required)
			diag("oracle: not running, so no PID was checked");
		return required;
	}
	lost = lost_events();
	if (lost) {
		diag("oracle: %ld trace events were lost", lost);
		problems++;
	}
	f = fopen(INSTANCE "/trace", "re");
	if (!f) {
		diag("oracle: cannot read the trace: %s", strerror(errno));
		return problems + 1;
	}
	nexempt = 0;
	while (getline(&line, &lcap, f) > 0) {
		if (!parse_line(line, &ev))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			evs = realloc(evs, cap * sizeof(*evs));
		}
		evs[n++] = ev;
	}
	fclose(f);
	free(line);
	memset(clone_at, 0, sizeof(clone_at));

	for (i = 0; i < n; i++) {
		struct event *e = &evs[i];
		struct opol *p;

		switch (e->kind) {
		case EV_BEGIN:
			/* the policy this write ends in: its "policy" marker */
			for (j = i + 1; j < n && evs[j].kind != EV_POLICY; j++)
				;
			p = span_buffer();
			if (j == n || load_policy(evs[j].id, p)) {
				memset(p, 0, sizeof(*p));
				p->unknown = 1;
				if (j < n) {
					diag("oracle: policy snapshot %ld unreadable",
					     evs[j].id);
					problems++;
				}
			}
			span_push(p, e->t, e->t);
			/* the old one stays possible until the write returned */
			if (j < n) {
				int prev = (newest - 1 + HISTORY) % HISTORY;

				if (nspans > 1)
					spans[prev].until = evs[j].t;
				evs[j].id = -1;	/* consumed */
			}
			break;
		case EV_POLICY:
			if (e->id < 0)
				break;
			/* a marker without a "begin" (should not happen) */
			p = span_buffer();
			if (load_policy(e->id, p)) {
				memset(p, 0, sizeof(*p));
				p->unknown = 1;
			}
			span_push(p, e->t, e->t);
			break;
		case EV_CLONE:
			slot = clone_slot(e->task);
			if (slot)
				*slot = e->t;
			break;
		case EV_NEWTASK:
			if (is_exempt(e->pid))
				break;
			/*
			 * The PID was allocated after the parent entered
			 * clone(); a task without such a syscall (a kernel
			 * thread) may have been allocated up to
			 * ORACLE_GRACE_S before its event.
			 */
			slot = clone_slot(e->task);
			t0 = slot && *slot > 0 ? *slot : e->t - ORACLE_GRACE_S;
			if (slot)
				*slot = 0;
			verdict = allowed_during((unsigned int)e->pid, t0, e->t);
			if (verdict < 0)
				unknown++;
			if (verdict)
				break;
			problems++;
			if (reports++ < MAX_REPORTS)
				diag("oracle: task %s (parent %d) got PID %d at %.6f, outside every policy in force since %.6f (now %s)",
				     e->comm, e->task, e->pid, e->t, t0,
				     opol_str(spans[newest].pol));
			break;
		}
	}
	if (reports > MAX_REPORTS)
		diag("oracle: ... and %d more", reports - MAX_REPORTS);
	if (unknown)
		diag("oracle: %d tasks spanned more policy changes than the history holds (not checked)",
		     unknown);
	free(evs);
	write_file(INSTANCE "/trace", "");
	return problems;
}
