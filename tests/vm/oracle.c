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
	int rc;

	required = 1;
	rmdir(INSTANCE);
	if (mkdir(INSTANCE, 0755) && errno != EEXIST)
		return -errno;
	mkdir(SNAPDIR, 0755);
	rc = write_file(INSTANCE "/buffer_size_kb", "8192");
	if (!rc)
		rc = write_file(INSTANCE "/trace_clock", "mono");
	if (!rc)
		rc = write_file(INSTANCE "/events/task/task_newtask/enable", "1");
	if (!rc)
		rc = write_file(INSTANCE "/trace", "");
	if (!rc)
		rc = write_file(INSTANCE "/tracing_on", "1");
	enabled = !rc;
	return rc;
}

int oracle_enabled(void)
{
	return enabled;
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

void oracle_policy(void)
{
	static struct { unsigned long long hash; long id; pid_t owner; }
		cache[SNAP_CACHE];
	static char snap[(1 << 17) + 128], reserved[1 << 17];
	static long seq;
	static int next_slot;
	char path[64], tmp[72], v[3][32];
	unsigned long long hash;
	long id = -1;
	FILE *f;
	int i;

	if (!enabled)
		return;
	if (knobs_present()) {
		for (i = 0; i < 3; i++)
			if (knob_read(knob_names[i], v[i], sizeof(v[i])))
				strcpy(v[i], "?");
		if (knob_read("reserved", reserved, sizeof(reserved)))
			strcpy(reserved, "?");
		snprintf(snap, sizeof(snap), "%s %s %s %d\n%s\n", v[0], v[1],
			 v[2], get_pid_max(), reserved);
	} else {
		snprintf(snap, sizeof(snap), "none none none %d\n\n",
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

struct opol {
	int none, unknown;
	unsigned int min, max, stride, pid_max, nr;
	unsigned int lo[MAX_RANGES], hi[MAX_RANGES];
};

static int load_policy(long id, struct opol *p)
{
	char path[64], s[4][32], *list = NULL, *t;
	size_t cap = 0;
	FILE *f;
	int ok;

	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), SNAPDIR "/%ld", id);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	ok = fscanf(f, "%31s %31s %31s %31s\n", s[0], s[1], s[2], s[3]) == 4;
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
		snprintf(buf, sizeof(buf), "min=%u max=%u stride=%u, %u ranges from %u, pid_max=%u",
			 p->min, p->max, p->stride, p->nr, p->nr ? p->lo[0] : 0,
			 p->pid_max);
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
 * The policies in force: @cur; while a change is under way (between its
 * markers) @next as well; and each of the last HISTORY policies until
 * ORACLE_GRACE_S after it ended, for forks in flight across changes.
 * Kept across checks: a case starts under the policy the last one ended
 * with.
 */
#define HISTORY 32

struct timeline {
	struct opol *cur, *next;
	struct opol *hist[HISTORY];
	double ended[HISTORY];
	int nhist, head;
	int changing;
};

static struct opol pool[HISTORY + 2];
static struct timeline tl = { &pool[0], &pool[1], { 0 }, { 0 }, 0, 0, 0 };

/* @cur ended at @t: into the history; @next becomes @cur. */
static void timeline_advance(double t)
{
	struct opol *spare = tl.nhist == HISTORY ? tl.hist[tl.head] :
			     &pool[2 + tl.nhist];

	tl.hist[tl.head] = tl.cur;
	tl.ended[tl.head] = t;
	tl.head = (tl.head + 1) % HISTORY;
	if (tl.nhist < HISTORY)
		tl.nhist++;
	tl.cur = tl.next;
	tl.next = spare;
	tl.changing = 0;
}

/* Did a policy that ended at most ORACLE_GRACE_S before @t allow @pid? */
static int recently_allowed(double t, unsigned int pid)
{
	int i;

	for (i = 0; i < tl.nhist; i++)
		if (tl.ended[i] + ORACLE_GRACE_S >= t &&
		    opol_allows(tl.hist[i], pid))
			return 1;
	return 0;
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

struct newtask {
	double t;
	int pid;
	char comm[32];
};

int oracle_check(void)
{
	struct newtask *tasks = NULL;
	size_t ntasks = 0, cap = 0, i;
	int problems = 0, reports = 0;
	char *line = NULL;
	size_t lcap = 0;
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
	/* Pass 1: exemptions anywhere; pass 2 below walks the timeline. */
	nexempt = 0;
	while (getline(&line, &lcap, f) > 0) {
		char *m = strstr(line, ": tracing_mark_write: pidctl-oracle ");
		char *e = strstr(line, ": task_newtask: pid=");

		if (m && strstr(m, " exempt ")) {
			if (nexempt == exempt_cap) {
				exempt_cap = exempt_cap ? 2 * exempt_cap : 64;
				exempt = realloc(exempt, exempt_cap * sizeof(*exempt));
			}
			exempt[nexempt++] = atoi(strstr(m, " exempt ") + 8);
		}
		if (!m && !e)
			continue;
		if (ntasks == cap) {
			cap = cap ? 2 * cap : 1024;
			tasks = realloc(tasks, cap * sizeof(*tasks));
		}
		tasks[ntasks].t = stamp_before(line, m ? m : e);
		if (e) {
			tasks[ntasks].pid = atoi(e + 20);
			sscanf(strstr(e, "comm=") ? strstr(e, "comm=") + 5 : "?",
			       "%31s", tasks[ntasks].comm);
		} else if (strstr(m, " begin")) {
			tasks[ntasks].pid = -1;
		} else if (strstr(m, " policy ")) {
			tasks[ntasks].pid = -2;
			snprintf(tasks[ntasks].comm, sizeof(tasks[ntasks].comm),
				 "%ld", atol(strstr(m, " policy ") + 8));
		} else {
			continue;	/* exempt */
		}
		ntasks++;
	}
	fclose(f);
	free(line);

	for (i = 0; i < ntasks; i++) {
		struct newtask *k = &tasks[i];
		unsigned int pid = (unsigned int)k->pid;
		size_t j;

		if (k->pid == -1) {
			/* the policy this change ends in: its "policy" marker */
			for (j = i + 1; j < ntasks && tasks[j].pid != -2; j++)
				;
			if (j == ntasks || load_policy(atol(tasks[j].comm), tl.next)) {
				memset(tl.next, 0, sizeof(*tl.next));
				tl.next->unknown = 1;	/* cannot tell: allow */
				if (j < ntasks) {
					diag("oracle: policy snapshot %s unreadable",
					     tasks[j].comm);
					problems++;
				}
			}
			tl.changing = 1;
			continue;
		}
		if (k->pid == -2) {
			if (!tl.changing &&
			    load_policy(atol(k->comm), tl.next)) {
				diag("oracle: policy snapshot %s unreadable", k->comm);
				problems++;
				tl.next->unknown = 1;
			}
			timeline_advance(k->t);
			continue;
		}
		if (is_exempt(k->pid) || opol_allows(tl.cur, pid))
			continue;
		if (tl.changing && opol_allows(tl.next, pid))
			continue;
		if (recently_allowed(k->t, pid))
			continue;
		problems++;
		if (reports++ < MAX_REPORTS)
			diag("oracle: task %s got PID %d at %.6f, outside the policy in force (%s)%s",
			     k->comm, k->pid, k->t, opol_str(tl.cur),
			     tl.changing ? " and the one it changes to" : "");
	}
	if (reports > MAX_REPORTS)
		diag("oracle: ... and %d more", reports - MAX_REPORTS);
	free(tasks);
	write_file(INSTANCE "/trace", "");
	return problems;
}
