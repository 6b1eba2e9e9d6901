// SPDX-License-Identifier: GPL-2.0
/*
 * Cases 13 and 14: what a write may contain and who may write.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cases.h"
#include "oracle.h"

struct bad_write {
	const char *knob, *val;
};

/* Baseline: min=5000 max=9000 stride=2 reserved=6000-6099. */
static const struct bad_write bad_writes[] = {
	{ "max", "abc" }, { "max", "-1" }, { "max", "4194305" },
	{ "max", "99999999999999999999" }, { "max", "" }, { "max", " " },
	{ "max", "0x10" }, { "max", "1 2" }, { "max", "+9000" },
	{ "max", "9000x" }, { "max", "1e4" }, { "max", "4294976296" },
	{ "max", "18446744073709560616" }, { "max", "4999" },
	{ "max", "\n" },
	{ "min", "abc" }, { "min", "-1" }, { "min", "4194305" },
	{ "min", "99999999999999999999" }, { "min", "" }, { "min", " " },
	{ "min", "0x10" }, { "min", "1 2" }, { "min", "4294972296" },
	{ "min", "9001" },
	{ "stride", "0" }, { "stride", "abc" }, { "stride", "-1" },
	{ "stride", "" }, { "stride", " " }, { "stride", "0x2" },
	{ "stride", "1 2" }, { "stride", "4294967297" },
	{ "stride", "99999999999999999999" },
	{ "reserved", "," }, { "reserved", "1-" }, { "reserved", "-1" },
	{ "reserved", "5-3" }, { "reserved", "0" }, { "reserved", "1-4194305" },
	{ "reserved", "a" }, { "reserved", "1,,2" }, { "reserved", "4194305" },
	{ "reserved", "0-5" }, { "reserved", "1-2-3" }, { "reserved", "abc-def" },
	{ "reserved", "1 2" }, { "reserved", ",5" }, { "reserved", "5," },
	{ "reserved", "0x10" }, { "reserved", "99999999999999999999" },
	{ "reserved", "4294967297" },
	/* reserves the whole window 5000-9000 */
	{ "reserved", "5000-9000" }, { "reserved", "1-4194304" },
	{ "reserved", "4000-5999,6000-8999,9000" },
};

static void read_all(char v[4][128])
{
	int i;

	for (i = 0; i < 4; i++)
		if (knob_read(knob_names[i], v[i], sizeof(v[i])))
			strcpy(v[i], "(unreadable)");
}

static void check_unchanged(char before[4][128], const char *what)
{
	char now[4][128];
	int i;

	read_all(now);
	for (i = 0; i < 4; i++)
		CHECK(!strcmp(before[i], now[i]), "%s: %s changed \"%s\" -> \"%s\"",
		      what, knob_names[i], before[i], now[i]);
}

static void expect_einval(const char *knob, const char *val, size_t len,
			  off_t off)
{
	char base[4][128], what[160];
	int rc;

	read_all(base);
	rc = sysctl_write_at(knob_path(knob), val, len, off);
	snprintf(what, sizeof(what), "%s <- \"%.*s\"%s", knob,
		 (int)(len > 40 ? 40 : len), val, off ? " at offset 1" : "");
	CHECK(rc == -EINVAL, "%s: %s, want EINVAL", what,
	      rc ? strerror(-rc) : "accepted");
	check_unchanged(base, what);
}

static int write_reads_back(const char *knob, const char *val,
			    const char *want)
{
	static char buf[1 << 20];
	int rc = knob_write(knob, val);

	if (!CHECK(rc == 0, "%s <- \"%.60s\": %s", knob, val, strerror(-rc)))
		return 0;
	rc = knob_read(knob, buf, sizeof(buf));
	return CHECK(rc == 0 && !strcmp(buf, want),
		     "%s <- \"%.60s\" reads \"%.60s\" (rc %d), want \"%.60s\"",
		     knob, val, buf, rc, want);
}

/*
 * Write @a then @b to @knob through one open file, as a stdio or bash echo
 * writer does with a value longer than its buffer.  Returns the second
 * write's -errno (0: accepted); a failed first write is a CHECK failure.
 */
static int split_write(const char *knob, const char *a, const char *b)
{
	int fd = open(knob_path(knob), O_WRONLY | O_CLOEXEC), rc = 0;

	if (!CHECK(fd >= 0, "open %s: %s", knob, strerror(errno)))
		return -EBADF;
	oracle_begin();
	if (!CHECK(write(fd, a, strlen(a)) == (ssize_t)strlen(a),
		   "first piece \"%.30s...\": %s", a, strerror(errno)))
		rc = -EIO;
	else if (write(fd, b, strlen(b)) != (ssize_t)strlen(b))
		rc = errno ? -errno : -EIO;
	close(fd);
	oracle_policy();
	return rc;
}

/* "20000,20002,..." of at least @min bytes, no newline; returns its length. */
static size_t long_list(char *list, unsigned int first, size_t min)
{
	size_t len = 0, i;

	for (i = 0; len < min; i++)
		len += (size_t)sprintf(list + len, "%s%zu", i ? "," : "",
				       first + 2 * i);
	return len;
}

/* reserved must read back exactly @want (no newline). */
static void check_reserved(const char *want, const char *what)
{
	static char v[8192];
	int rc = knob_read("reserved", v, sizeof(v));

	CHECK(rc == 0 && !strcmp(v, want),
	      "%s: reserved reads \"%.40s...\" (%zu bytes, rc %d), want \"%.40s...\" (%zu bytes)",
	      what, v, strlen(v), rc, want, strlen(want));
}

/*
 * Two processes write a long list each, in 1 KiB pieces, interleaved:
 * A's first piece, B's first piece, A's rest, B's rest.  Each list is
 * applied whole when its last piece arrives, so B's is in force at the
 * end, and no truncated list ever was.
 */
static void check_interleaved_writers(const char *a, const char *b)
{
	int to_child[2], to_parent[2], fd, status;
	char token = 0;
	pid_t child;

	if (!CHECK(pipe(to_child) == 0 && pipe(to_parent) == 0, "pipe: %s",
		   strerror(errno)))
		return;
	child = fork();
	if (child == 0) {
		fd = open(knob_path("reserved"), O_WRONLY | O_CLOEXEC);
		if (read(to_child[0], &token, 1) != 1 ||
		    write(fd, b, 1024) != 1024 ||
		    write(to_parent[1], &token, 1) != 1 ||
		    read(to_child[0], &token, 1) != 1 ||
		    write(fd, b + 1024, strlen(b) - 1024) !=
		    (ssize_t)(strlen(b) - 1024))
			_exit(1);
		_exit(0);
	}
	if (!CHECK(child > 0, "fork: %s", strerror(errno)))
		return;
	oracle_begin();
	fd = open(knob_path("reserved"), O_WRONLY | O_CLOEXEC);
	CHECK(fd >= 0 && write(fd, a, 1024) == 1024, "A: first 1 KiB: %s",
	      strerror(errno));
	CHECK(write(to_child[1], &token, 1) == 1 &&
	      read(to_parent[0], &token, 1) == 1, "B: first 1 KiB");
	CHECK(write(fd, a + 1024, strlen(a) - 1024) ==
	      (ssize_t)(strlen(a) - 1024), "A: the rest: %s", strerror(errno));
	close(fd);
	CHECK(write(to_child[1], &token, 1) == 1, "B: go on");
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) &&
	      !WEXITSTATUS(status), "B's writes failed (status %#x)", status);
	oracle_policy();
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
}

/*
 * The rule for a value in several write() calls (pidctl_sysctl.c): a
 * piece that is a whole number of 1 KiB blocks without a final newline,
 * as stdio cuts it, is held until its last piece; a value is applied
 * whole or not at all.  Pieces cut anywhere else are refused, and the
 * list before them is put back.
 */
static void check_split_writes(void)
{
	static char list[4096], want[4096], other[4096], owant[4096];
	char base[4][128], rest[4096];
	size_t len;
	int rc;

	read_all(base);
	rc = split_write("reserved", "7000-7099,80", "00-8099\n");
	CHECK(rc == -EINVAL, "cut mid-block: second piece %s, want EINVAL",
	      rc ? strerror(-rc) : "accepted");
	check_unchanged(base, "cut mid-block \"7000-7099,80\" + \"00-8099\"");

	/* bash's echo: the first 1024 bytes, then the rest with the newline */
	len = long_list(list, 20000, 2000);
	memcpy(want, list, len + 1);
	strcpy(list + len, "\n");
	memcpy(rest, list + 1024, len + 2 - 1024);
	list[1024] = '\0';
	rc = split_write("reserved", list, rest);
	CHECK(rc == 0, "1024 + %zu bytes: %s, want both pieces accepted",
	      len + 1 - 1024, strerror(-rc));
	check_reserved(want, "2 KiB list in two pieces");

	/* a first block that never gets its rest is never applied */
	CHECK(knob_write("reserved", "6000-6099") == 0, "reserved=6000-6099");
	len = long_list(list, 30000, 1024);
	rc = sysctl_write_at(knob_path("reserved"), list, 1024, 0);
	CHECK(rc == 0, "a lone first block: %s", strerror(-rc));
	check_reserved("6000-6099", "a lone first block");

	/* two writers, interleaved: each list whole, the last one wins */
	len = long_list(list, 40000, 1500);
	strcpy(list + len, "\n");
	len = long_list(other, 50000, 1500);
	memcpy(owant, other, len + 1);
	strcpy(other + len, "\n");
	check_interleaved_writers(list, other);
	check_reserved(owant, "interleaved writers");
	CHECK(knob_write("reserved", "6000-6099") == 0, "reserved=6000-6099");

	/* a first piece ending in a newline is a whole value: it stays */
	rc = split_write("reserved", "7000-7099\n", "8000\n");
	CHECK(rc == -EINVAL, "value then more: %s, want EINVAL",
	      rc ? strerror(-rc) : "accepted");
	check_reserved("7000-7099", "value then more");
}

#define NRANGES 1024	/* PIDCTL_MAX_RANGES */

/* 13: malformed writes, canonical read-back, a long list. */
void case_bad_writes(void)
{
	size_t i, len = 0;
	char *list, *cut;
	int got[2];
	struct pol p;

	if (!policy_apply(&p, 5000, 9000, 2, "6000-6099"))
		return;
	for (i = 0; i < sizeof(bad_writes) / sizeof(bad_writes[0]); i++)
		expect_einval(bad_writes[i].knob, bad_writes[i].val,
			      strlen(bad_writes[i].val), 0);
	/* a write not at offset 0 */
	expect_einval("max", "8000", 4, 1);
	expect_einval("reserved", "7000", 4, 1);

	check_split_writes();

	/* no allocatable PID left: narrowing onto a reserved range */
	if (CHECK(knobs_set(6000, 9000, 1, "6000-6099") == 0, "6000-9000"))
		expect_einval("max", "6099", 4, 0);
	if (CHECK(knobs_set(0, 6099, 1, "6000-6099") == 0, "max 6099"))
		expect_einval("min", "6000", 4, 0);
	if (CHECK(knobs_set(0, 6099, 1, "6000-6099") == 0, "max 6099"))
		expect_einval("reserved", "1-5999,6000-6099", 16, 0);

	/* valid writes read back canonical */
	CHECK(knobs_reset() == 0, "reset");
	write_reads_back("reserved", "30-40,10,11-12,41", "10-12,30-41");
	write_reads_back("reserved", "100-200,150-250,251,300", "100-251,300");
	write_reads_back("reserved", "5-5", "5");
	write_reads_back("reserved", " 7 , 9-10 \n", "7,9-10");
	write_reads_back("reserved", "4194304", "4194304");
	write_reads_back("reserved", "", "");
	write_reads_back("reserved", "42", "42");
	write_reads_back("reserved", "\n", "");
	write_reads_back("max", "6000\n", "6000");
	write_reads_back("max", "4194304", "4194304");
	write_reads_back("min", "1", "1");
	write_reads_back("stride", "1000", "1000");
	CHECK(knobs_reset() == 0, "reset");

	/* the most ranges a policy may hold, read back as written */
	list = malloc((NRANGES + 1) * 16);
	if (!CHECK(list != NULL, "malloc"))
		return;
	for (i = 0; i < NRANGES; i++)
		len += (size_t)sprintf(list + len, "%s%zu-%zu", i ? "," : "",
				       10000 + 3 * i, 10001 + 3 * i);
	if (write_reads_back("reserved", list, list)) {
		/*
		 * and the allocator honours it; the model gets the list's
		 * first ranges, enough for where two forks can go even when
		 * other tasks hold a few PIDs there
		 */
		cut = list;
		for (i = 0; cut && i < MODEL_MAX_RANGES - 4; i++)
			cut = strchr(cut + 1, ',');
		if (cut)
			*cut = '\0';
		pol_init(&p, 0, 0, 1, list);
		diag("model: the first %u of the %d ranges", p.nr, NRANGES);
		if (expect_seq("1024-range list", &p, 9999, 2, NULL, got)) {
			CHECK_EQ(got[0], 10002, "between two reserved ranges");
			CHECK_EQ(got[1], 10005, "next gap");
		}
	}
	/* one range more is refused, and the list in force stays */
	CHECK(knob_write("reserved", "6000-6099") == 0, "reserved=6000-6099");
	for (i = 0, len = 0; i <= NRANGES; i++)
		len += (size_t)sprintf(list + len, "%s%zu", i ? "," : "",
				       30000 + 2 * i);
	len += (size_t)sprintf(list + len, "\n");
	expect_einval("reserved", list, len, 0);
	free(list);
}

/*
 * Try to write every knob; all must fail with EPERM: the knobs are mode
 * 0666 (they act on the writer's PID namespace), so the open succeeds and
 * the handler refuses a writer without CAP_SYS_ADMIN over the initial PID
 * namespace.  random too, which must stay 0.
 */
/*
 * One write(2), not bracketed for the oracle as knob_write() is: these
 * writers may open the knobs now, yet cannot store the oracle's policy
 * snapshot (uid 65534), so a bracket would be a "begin" marker without
 * its policy.  They change no policy; if one did, check_reads() says so.
 */
static int unprivileged_write(const char *knob, const char *val)
{
	int fd = open(knob_path(knob), O_WRONLY | O_CLOEXEC), err;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	err = errno;
	close(fd);
	return n < 0 ? -err : 0;
}

static void try_writes(const char *who)
{
	static const char *vals[4] = { "5001", "8999", "3", "6000-6199" };
	int i, rc;

	for (i = 0; i < 4; i++) {
		rc = unprivileged_write(knob_names[i], vals[i]);
		CHECK(rc == -EPERM, "%s: write %s: %s, want EPERM", who,
		      knob_names[i], rc ? strerror(-rc) : "accepted");
	}
	rc = unprivileged_write("random", "5");
	CHECK(rc == -EPERM, "%s: write random: %s, want EPERM", who,
	      rc ? strerror(-rc) : "accepted");
	CHECK_EQ(knob_read_num("random"), 0, "random after a refused write");
}

static void check_reads(const char *who, char base[4][128])
{
	char v[128];
	int i, rc;

	for (i = 0; i < 4; i++) {
		rc = knob_read(knob_names[i], v, sizeof(v));
		CHECK(rc == 0 && !strcmp(v, base[i]), "%s: read %s: %s \"%s\"",
		      who, knob_names[i], rc ? strerror(-rc) : "ok", v);
	}
}

/* Run @fn in a child; its CHECK failures come back as the exit status. */
static void in_child(const char *what, void (*fn)(char base[4][128]),
		     char base[4][128])
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		tap_failures = 0;
		fn(base);
		_exit(tap_failures > 100 ? 100 : tap_failures);
	}
	if (!CHECK(pid > 0, "fork: %s", strerror(errno)))
		return;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "%s: child status %#x", what, status);
}

static void as_nobody(char base[4][128])
{
	int rc = drop_to_nobody();

	if (!CHECK(rc == 0, "setuid(65534): %s", strerror(-rc)))
		return;
	try_writes("uid 65534");
	check_reads("uid 65534", base);
}

/* In a new user namespace mapped with @map, try every write. */
static void in_userns(const char *who, const char *map, char base[4][128])
{
	int rc;

	if (!CHECK(unshare(CLONE_NEWUSER) == 0, "%s: unshare(CLONE_NEWUSER): %s",
		   who, strerror(errno)))
		return;
	rc = map_self(map);
	if (!CHECK(rc == 0, "%s: map \"%s\": %s", who, map, strerror(-rc)))
		return;
	CHECK(getuid() == 0, "%s: uid inside the userns: %d", who, (int)getuid());
	try_writes(who);
	check_reads(who, base);
}

static void userns_of_nobody(char base[4][128])
{
	int rc = drop_to_nobody();

	if (CHECK(rc == 0, "setuid(65534): %s", strerror(-rc)))
		in_userns("root of a userns made by uid 65534 (0 -> 65534)",
			  "0 65534 1", base);
}

/* Mapped 0 -> 0: the write itself says EPERM, as for everyone. */
static void userns_of_root(char base[4][128])
{
	in_userns("root of a userns made by root (0 -> 0)", "0 0 1", base);
}

/* 14: permissions. */
void case_permissions(void)
{
	char base[4][128], old_clone[32] = "";
	struct pol p;
	struct stat st;
	int i, rc;

	if (!policy_apply(&p, 5000, 9000, 2, "6000-6099"))
		return;
	read_all(base);
	/* 0666 like ns_last_pid: the check is the handler's (case 1 too) */
	for (i = 0; i < 4; i++)
		if (CHECK(stat(knob_path(knob_names[i]), &st) == 0, "stat %s",
			  knob_names[i]))
			CHECK((st.st_mode & 07777) == 0666 && st.st_uid == 0,
			      "%s: mode %o uid %d, want 0666 root's",
			      knob_names[i], st.st_mode & 07777, (int)st.st_uid);

	in_child("plain uid 65534", as_nobody, base);
	check_unchanged(base, "after uid 65534");

	userns_allow(old_clone);
	in_child("userns of uid 65534", userns_of_nobody, base);
	userns_restore(old_clone);
	check_unchanged(base, "after the userns of uid 65534");

	in_child("userns of root", userns_of_root, base);
	check_unchanged(base, "after the userns of root");

	/* root in the initial namespace still can */
	rc = knob_write("max", "8999");
	CHECK(rc == 0, "global root writes max: %s", strerror(-rc));
}
