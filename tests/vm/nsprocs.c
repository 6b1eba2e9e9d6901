// SPDX-License-Identifier: GPL-2.0
/*
 * What cases 29 to 33 share (a policy per PID namespace): the plumbing of
 * their processes, NSpid and namespace inodes, the namespaces file, a
 * model of one namespace level, and a container's root.  nsprocs.h says
 * what each helper is for.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cases.h"
#include "nsprocs.h"

const char *const knobs5[5] = { "min", "max", "stride", "random",
				"reserved" };

/* ------------------------------------------------------------------ */
/* Plumbing */

void done(void)
{
	_exit(tap_failures ? 1 : 0);
}

/*
 * fork(), the child counting its own failures only: it reports them
 * through its exit status, not those of the parent before the fork.
 */
pid_t fork_kid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		tap_failures = 0;
	return pid;
}

/* One write(2) (pwrite(2) at @off != 0) of @len bytes, no oracle marks. */
int raw_write_at(const char *path, const char *val, size_t len, off_t off)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = off ? pwrite(fd, val, len, off) : write(fd, val, len);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	return (size_t)n == len ? 0 : -EIO;
}

int raw_write(const char *path, const char *val)
{
	return raw_write_at(path, val, strlen(val), 0);
}

int ns_knob_write(const char *knob, const char *val)
{
	return raw_write(knob_path(knob), val);
}

const char *err_str(int rc)
{
	return rc ? strerror(-rc) : "accepted";
}

void *shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		skip_case("mmap: %s", strerror(errno));
	memset(p, 0, size);
	return p;
}

/* A one-byte token through a pipe: 1 on success. */
int tok_send(int fd)
{
	char c = 't';

	return write(fd, &c, 1) == 1;
}

int tok_wait(int fd)
{
	char c;
	ssize_t n;

	while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
		;
	return n == 1;
}

/* waitpid() and a CHECK that @pid exited 0. */
int wait_ok(pid_t pid, const char *what)
{
	int status = -1;

	if (!CHECK(pid > 0, "%s: fork: %s", what, strerror(errno)))
		return 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		     "%s: exit status %#x", what, status);
}

/* st_ino of /proc/@pid/ns/@which (@pid 0: self), or 0. */
unsigned long ns_ino(int pid, const char *which)
{
	char path[64];
	struct stat st;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, which);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/%s", which);
	return stat(path, &st) ? 0 : (unsigned long)st.st_ino;
}

/*
 * The caller's PIDs at each of @nlev levels (host first) each allowed by
 * that level's policy (NULL: no check at that level), the innermost one
 * getpid().  @pid_max: the limit the policies are read against.
 */
void check_my_pids(const struct pol *const *pols, int nlev,
		   unsigned int pid_max, const char *who, int *out)
{
	int v[8], n = nspid_all(0, v, 8), i;

	if (!CHECK(n == nlev, "%s: NSpid has %d fields, want %d", who, n, nlev))
		return;
	CHECK_EQ(v[n - 1], getpid(), "innermost NSpid is getpid()");
	for (i = 0; i < n; i++) {
		if (out)
			out[i] = v[i];
		if (pols[i])
			CHECK(pol_allowed(pols[i], (unsigned int)v[i], pid_max),
			      "%s: PID %d at level %d outside %s", who, v[i], i,
			      pol_str(pols[i]));
	}
}

/* Read the knobs as the caller's namespace sees them. */
void check_own_knobs(const char *const want[5], const char *who)
{
	char v[256];
	int i, rc;

	for (i = 0; i < 5; i++) {
		rc = knob_read(knobs5[i], v, sizeof(v));
		CHECK(rc == 0 && !strcmp(v, want[i]),
		      "%s: %s reads \"%s\" (%s), want \"%s\"", who, knobs5[i],
		      rc ? "" : v, rc ? strerror(-rc) : "ok", want[i]);
	}
}

/* Write the five knobs (NULL: skip one) from inside; each must succeed. */
void write_own_knobs(const char *const val[5], const char *who)
{
	int i, rc;

	for (i = 0; i < 5; i++) {
		if (!val[i])
			continue;
		rc = ns_knob_write(knobs5[i], val[i]);
		CHECK(rc == 0, "%s: write %s=\"%s\": %s", who, knobs5[i],
		      val[i], strerror(-rc));
	}
}

/* The namespaces file, trailing newlines stripped. */
int ns_file(char *buf, size_t size)
{
	int rc = sysctl_read(NS_FILE, buf, size);

	if (rc)
		snprintf(buf, size, "(unreadable: %s)", strerror(-rc));
	return rc;
}

/* How many lines of @text start with "@ino "; the first into @line. */
static int find_line(const char *text, unsigned long ino, char *line,
		     size_t size)
{
	char head[32];
	const char *s = text;
	int found = 0;

	snprintf(head, sizeof(head), "%lu ", ino);
	line[0] = '\0';
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);

		if (!strncmp(s, head, strlen(head))) {
			if (!found++)
				snprintf(line, size, "%.*s", (int)len, s);
		}
		s += len;
		if (*s)
			s++;
	}
	return found;
}

/* The host's namespaces file must show exactly this line for @ino. */
int check_ns_line(unsigned long ino, int level, const char *policy,
		  const char *what)
{
	static char text[1 << 16];
	char line[1024], want[1024];
	int n;

	if (!CHECK(ns_file(text, sizeof(text)) == 0, "%s: read %s: %s", what,
		   NS_FILE, text))
		return 0;
	n = find_line(text, ino, line, sizeof(line));
	snprintf(want, sizeof(want), "%lu %d %s", ino, level, policy);
	if (!CHECK(n == 1, "%s: %d lines for namespace %lu in \"%s\"", what, n,
		   ino, text))
		return 0;
	return CHECK_STR(line, want, what);
}

/* Poll (up to @secs, scaled) until no line of the file names @ino. */
int wait_line_gone(unsigned long ino, double secs, const char *what)
{
	static char text[1 << 16];
	char line[1024];
	double t0 = now();
	int n;

	for (;;) {
		ns_file(text, sizeof(text));
		n = find_line(text, ino, line, sizeof(line));
		if (!n || now() - t0 > slow_secs(secs))
			break;
		sleep_ms(20);
	}
	if (n)
		return CHECK(0, "%s: after %.1f s namespace %lu still listed: \"%s\"",
			     what, now() - t0, ino, line);
	return 1;
}

/*
 * Write @line to the namespaces file for a namespace that has no policy
 * yet and no process either: /proc/PID/ns/pid_for_children cannot be
 * opened before the namespace's first process exists, so its inode is
 * the one of the line the write added.  Returns the write's -errno; the
 * inode goes to *@ino (0 if not exactly one line was added).
 */
int ns_write_new(const char *line, unsigned long *ino)
{
	static char before[1 << 16], after[1 << 16];
	char *s, *nl, tmp[1024];
	int rc, added = 0;

	*ino = 0;
	ns_file(before, sizeof(before));
	rc = raw_write(NS_FILE, line);
	ns_file(after, sizeof(after));
	for (s = after; rc == 0 && *s; s = nl ? nl + 1 : s + strlen(s)) {
		unsigned long i = strtoul(s, NULL, 10);

		nl = strchr(s, '\n');
		if (!find_line(before, i, tmp, sizeof(tmp))) {
			*ino = i;
			added++;
		}
	}
	if (rc == 0 && !CHECK(added == 1, "namespaces <- \"%s\" added %d lines: \"%s\" -> \"%s\"",
			      line, added, before, after))
		*ino = 0;
	return rc;
}

/* The host knobs, read from the initial namespace. */
void check_host_knobs(const char *const want[5], const char *what)
{
	check_own_knobs(want, what);
}

/* ------------------------------------------------------------------ */
/* A model of one namespace level, whose occupancy the test knows. */

static int is_held(unsigned int pid, const int *held, int nheld)
{
	int i;

	for (i = 0; i < nheld; i++)
		if (held[i] == (int)pid)
			return 1;
	return 0;
}

static int level_scan(const struct pol *p, unsigned int from, unsigned int to,
		      unsigned int pid_max, const int *held, int nheld)
{
	unsigned int pid;

	for (pid = from; pid <= to; pid++)
		if (pol_allowed(p, pid, pid_max) && !is_held(pid, held, nheld))
			return (int)pid;
	return -1;
}

/* As model_next(), with the level's busy PIDs given, not from /proc. */
static int level_next(const struct pol *p, unsigned int cursor,
		      unsigned int pid_max, const int *held, int nheld)
{
	unsigned int s, lo, hi, floor = p->min ? p->min : 1;
	int pid;

	if (!pol_active(p)) {
		lo = cursor > 300 ? 300 : 1;
		s = cursor > lo ? cursor : lo;
		pid = level_scan(p, s, pid_max - 1, pid_max, held, nheld);
		return pid > 0 ? pid :
			level_scan(p, lo, pid_max - 1, pid_max, held, nheld);
	}
	hi = pol_hi(p, pid_max);
	lo = pol_wrap_lo(p, pid_max);
	s = cursor > floor ? cursor : floor;
	if (s > hi)
		s = lo;
	pid = level_scan(p, s, hi, pid_max, held, nheld);
	if (pid > 0)
		return pid;
	return s > lo ? level_scan(p, lo, s - 1, pid_max, held, nheld) : -1;
}

/* The PIDs @n forks get at one level after ns_last_pid := @last. */
void level_seq(const struct pol *p, unsigned int pid_max, int last,
	       const int *held, int nheld, int n, int *out)
{
	unsigned int cursor = (unsigned int)last + 1;
	int i;

	for (i = 0; i < n; i++) {
		out[i] = level_next(p, cursor, pid_max, held, nheld);
		if (out[i] < 0)
			break;
		cursor = model_next_cursor(p, (unsigned int)out[i], pid_max);
	}
}

/* ------------------------------------------------------------------ */
/* A container's root */

/*
 * Become root of a new user namespace as an unprivileged container
 * runtime does: uid 65534 maps itself to 0 (like `unshare -Ur`).
 */
int become_container_root(void)
{
	int rc = drop_to_nobody();

	if (!CHECK(rc == 0, "setuid(65534): %s", strerror(-rc)))
		return 0;
	if (!CHECK(unshare(CLONE_NEWUSER) == 0, "unshare(CLONE_NEWUSER) as uid 65534: %s",
		   strerror(errno)))
		return 0;
	rc = map_self("0 65534 1");
	if (!CHECK(rc == 0, "map 0 -> 65534: %s", strerror(-rc)))
		return 0;
	return CHECK_EQ(getuid(), 0, "uid inside the container's userns");
}
