// SPDX-License-Identifier: GPL-2.0
/*
 * Cases 29 to 31: a policy per PID namespace (/work/ns-spec.md, issue 11).
 *
 * The five knobs act on the policy of the reader's or writer's active PID
 * namespace, in that namespace's own numbers; a write needs CAP_SYS_ADMIN
 * in the user namespace that owns it.  The host policy still governs the
 * host PIDs of the same tasks.  kernel.pidctl.namespaces lists the
 * namespaces that have a policy and lets global root set one, naming a
 * process whose children are created in it.
 *
 * What the tests compare with the policy: the kernel's own record of each
 * task's PID at every level, the NSpid line of /proc/PID/status (the host
 * /proc: the host PID first, the innermost last), and getpid() or fork()'s
 * return inside.  Host PIDs are also checked by the runner's trace oracle.
 *
 * The helpers these cases share with cases 32 and 33
 * (cases_pidns_churn.c) are in nsprocs.c: nsprocs.h says how writes
 * from inside a namespace bypass the oracle, and how children report.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cases.h"
#include "nsprocs.h"

/* ------------------------------------------------------------------ */
/* 29: a container sets its own max and wraps inside it. */

#define C29_HOST_MIN	20000
#define C29_HOST_MAX	29999
#define C29_PID_MAX	131072
#define C29_NS_LAST	65530
#define C29_FORKS	8

struct c29_shared {
	int init_host;
	int kid[C29_FORKS][4];	/* NSpid of each fork inside */
	int nkid[C29_FORKS];
};

static void c29_init(struct c29_shared *sh, const struct pol *host,
		     int ready, int go)
{
	static const char *const want_knobs[5] = { "0", "65535", "1", "0", "" };
	const struct pol *pols[2] = { host, NULL };
	char buf[4096], what[64];
	int v[2], got[C29_FORKS], want[C29_FORKS], held[1] = { 1 }, i, rc;
	struct pol nsp;

	CHECK_EQ(getpid(), 1, "the container's first process is PID 1");
	check_my_pids(pols, 2, C29_PID_MAX, "container init", v);
	sh->init_host = v[0];

	rc = ns_knob_write("max", "65535");
	CHECK(rc == 0, "container root writes its own max=65535: %s",
	      strerror(-rc));
	check_own_knobs(want_knobs, "container's knobs from inside");
	rc = sysctl_read(NS_FILE, buf, sizeof(buf));
	CHECK(rc == 0 && !buf[0], "namespaces read inside a container: \"%s\" (%s), want empty",
	      buf, rc ? strerror(-rc) : "ok");
	tok_send(ready);
	tok_wait(go);

	rc = raw_write(NS_LAST_PID, "65530");
	if (!CHECK(rc == 0, "container root writes its ns_last_pid: %s",
		   strerror(-rc)))
		done();
	pol_init(&nsp, 0, 65535, 1, NULL);
	level_seq(&nsp, C29_PID_MAX, C29_NS_LAST, held, 1, C29_FORKS, want);
	/* the model's own hand-pinned values: up to max, then stock's floor */
	CHECK(want[0] == 65531 && want[4] == 65535 && want[5] == 300 &&
	      want[7] == 302, "model: %s", ints_str(want, C29_FORKS));
	for (i = 0; i < C29_FORKS; i++) {
		pid_t c = fork_kid();

		if (c == 0) {
			sh->nkid[i] = nspid_all(0, sh->kid[i], 4);
			_exit(0);
		}
		got[i] = (int)c;
		if (c > 0)
			wait_ok(c, "fork inside the container");
	}
	if (!CHECK(!memcmp(got, want, sizeof(got)),
		   "forks inside: got %s, want %s", ints_str(got, C29_FORKS),
		   ints_str(want, C29_FORKS)))
		diag("container policy %s", pol_str(&nsp));
	for (i = 0; i < C29_FORKS; i++) {
		snprintf(what, sizeof(what), "fork %d inside: NSpid inner", i);
		if (!CHECK_EQ(sh->nkid[i], 2, "NSpid levels of a fork inside"))
			continue;
		CHECK_EQ(sh->kid[i][1], got[i], what);
		CHECK(pol_allowed(host, (unsigned int)sh->kid[i][0], C29_PID_MAX),
		      "fork %d (PID %d inside): host PID %d outside the host policy %s",
		      i, got[i], sh->kid[i][0], pol_str(host));
	}
	diag("container: forks got %s inside; host PIDs %d %d ... %d",
	     ints_str(got, C29_FORKS), sh->kid[0][0], sh->kid[1][0],
	     sh->kid[C29_FORKS - 1][0]);
	check_own_knobs(want_knobs, "container's knobs after the forks");
	done();
}

void case_ns_container(void)
{
	static const char *const host_want[5] = { "20000", "29999", "1", "0", "" };
	int boot_pid_max = get_pid_max(), ready[2], go[2], rc;
	struct c29_shared *sh = shared(sizeof(*sh));
	char old_clone[32] = "";
	unsigned long ino;
	struct pol host;
	pid_t runtime;

	/* 65535 must be a PID the namespace can have (6.14+: inherited) */
	rc = set_pid_max(C29_PID_MAX);
	if (!CHECK(rc == 0, "pid_max=%d: %s", C29_PID_MAX, strerror(-rc)))
		return;
	if (!policy_apply(&host, C29_HOST_MIN, C29_HOST_MAX, 1, NULL))
		goto out;
	userns_allow(old_clone);
	if (!CHECK(pipe(ready) == 0 && pipe(go) == 0, "pipe"))
		goto out;

	runtime = fork_kid();
	if (runtime == 0) {
		pid_t init;

		if (!become_container_root())
			done();
		if (!CHECK(unshare(CLONE_NEWPID) == 0,
			   "unshare(CLONE_NEWPID) as container root: %s",
			   strerror(errno)))
			done();
		init = fork_kid();
		if (init == 0)
			c29_init(sh, &host, ready[1], go[0]);
		wait_ok(init, "container init");
		done();
	}
	close(ready[1]);
	if (!CHECK(tok_wait(ready[0]), "the container never got ready")) {
		wait_ok(runtime, "container runtime");
		goto out;
	}
	CHECK(pol_allowed(&host, (unsigned int)sh->init_host, C29_PID_MAX),
	      "host PID %d of the container init", sh->init_host);
	ino = ns_ino(sh->init_host, "pid");
	if (CHECK(ino, "stat /proc/%d/ns/pid: %s", sh->init_host, strerror(errno)))
		check_ns_line(ino, 1,
			      "min=0 max=65535 stride=1 random=0 reserved=",
			      "namespaces lists the container");
	check_host_knobs(host_want, "host knobs while the container has its own");
	tok_send(go[1]);
	wait_ok(runtime, "container runtime");
	check_host_knobs(host_want, "host knobs after the container");
	if (ino)
		wait_line_gone(ino, 5, "the dead container's policy");
out:
	userns_restore(old_clone);
	CHECK(knobs_reset() == 0, "knobs_reset");
	rc = set_pid_max(boot_pid_max);
	CHECK(rc == 0, "restoring pid_max=%d: %s", boot_pid_max, strerror(-rc));
}

/* ------------------------------------------------------------------ */
/* 30: nested namespaces, each level with its own window. */

#define C30_HOST_MIN	12000
#define C30_HOST_MAX	12999
#define C30_L2_FORKS	5

struct c30_shared {
	int l1init_host;
	int l2init[3];
	int kid[C30_L2_FORKS][4];
	int nkid[C30_L2_FORKS];
};

static void c30_l2init(struct c30_shared *sh, const struct pol *host,
		       const struct pol *l1, unsigned int pid_max, int ready,
		       int go)
{
	static const char *const mine[5] = { "2000", "2999", "1", "0", "" };
	static const char *const set[5] = { "2000", "2999", NULL, NULL, NULL };
	const struct pol *pols[3] = { host, l1, NULL };
	int want1[C30_L2_FORKS], want2[C30_L2_FORKS], got[C30_L2_FORKS];
	int held1[2] = { 1, 0 }, held2[1] = { 1 }, i, rc;
	char buf[4096];
	struct pol l2;

	CHECK_EQ(getpid(), 1, "level 2's first process is PID 1");
	check_my_pids(pols, 3, pid_max, "level-2 init", sh->l2init);
	CHECK_EQ(sh->l2init[1], 1998, "level-2 init's PID at level 1 (ns_last_pid 1997)");
	write_own_knobs(set, "level-2 init");
	check_own_knobs(mine, "level 2's knobs from inside");
	rc = sysctl_read(NS_FILE, buf, sizeof(buf));
	CHECK(rc == 0 && !buf[0], "namespaces read at level 2: \"%s\", want empty",
	      buf);
	tok_send(ready);
	tok_wait(go);

	pol_init(&l2, 2000, 2999, 1, NULL);
	rc = raw_write(NS_LAST_PID, "2997");
	CHECK(rc == 0, "level-2 ns_last_pid: %s", strerror(-rc));
	level_seq(&l2, pid_max, 2997, held2, 1, C30_L2_FORKS, want2);
	held1[1] = sh->l2init[1];
	level_seq(l1, pid_max, sh->l2init[1], held1, 2, C30_L2_FORKS, want1);
	CHECK(want2[1] == 2999 && want2[2] == 2000 && want1[0] == 1999 &&
	      want1[1] == 1000, "model: level 1 %s, level 2 %s",
	      ints_str(want1, C30_L2_FORKS), ints_str(want2, C30_L2_FORKS));
	for (i = 0; i < C30_L2_FORKS; i++) {
		pid_t c = fork_kid();

		if (c == 0) {
			sh->nkid[i] = nspid_all(0, sh->kid[i], 4);
			_exit(0);
		}
		got[i] = (int)c;
		if (c > 0)
			wait_ok(c, "fork at level 2");
	}
	for (i = 0; i < C30_L2_FORKS; i++) {
		if (!CHECK_EQ(sh->nkid[i], 3, "NSpid levels at level 2"))
			continue;
		CHECK(pol_allowed(host, (unsigned int)sh->kid[i][0], pid_max),
		      "level-2 fork %d: host PID %d outside %s", i,
		      sh->kid[i][0], pol_str(host));
		CHECK(sh->kid[i][1] == want1[i] && sh->kid[i][2] == want2[i] &&
		      got[i] == want2[i],
		      "level-2 fork %d: NSpid %d %d %d (fork returned %d), want level 1 %d, level 2 %d",
		      i, sh->kid[i][0], sh->kid[i][1], sh->kid[i][2], got[i],
		      want1[i], want2[i]);
	}
	diag("level-2 forks: level 1 PIDs %d..%d, level 2 PIDs %s",
	     sh->kid[0][1], sh->kid[C30_L2_FORKS - 1][1],
	     ints_str(got, C30_L2_FORKS));
	done();
}

static void c30_l1init(struct c30_shared *sh, const struct pol *host,
		       unsigned int pid_max, int ready, int go)
{
	static const char *const mine[5] = { "1000", "1999", "1", "0", "" };
	const struct pol *pols[2];
	struct pol l1;
	int i, rc, v[2];
	pid_t c;

	pol_init(&l1, 1000, 1999, 1, NULL);
	pols[0] = host;
	pols[1] = &l1;
	CHECK_EQ(getpid(), 1, "level 1's first process is PID 1, its policy set before");
	if (CHECK_EQ(nspid_all(0, v, 2), 2, "NSpid levels of the level-1 init"))
		sh->l1init_host = v[0];
	check_own_knobs(mine, "level 1's knobs from inside");
	/* cursor 2, below min: min, then up */
	for (i = 0; i < 3; i++) {
		c = fork_kid();
		if (c == 0) {
			check_my_pids(pols, 2, pid_max, "level-1 fork", NULL);
			done();
		}
		wait_ok(c, "fork at level 1");
		CHECK_EQ(c, 1000 + i, "fork at level 1");
	}
	rc = raw_write(NS_LAST_PID, "1997");
	CHECK(rc == 0, "level-1 ns_last_pid: %s", strerror(-rc));
	if (!CHECK(unshare(CLONE_NEWPID) == 0, "unshare(CLONE_NEWPID) at level 1: %s",
		   strerror(errno)))
		done();
	c = fork_kid();
	if (c == 0)
		c30_l2init(sh, host, &l1, pid_max, ready, go);
	CHECK_EQ(c, 1998, "level-2 init's PID at level 1");
	wait_ok(c, "level-2 init");
	done();
}

void case_ns_nested(void)
{
	static const char *const host_want[5] = { "12000", "12999", "1", "0", "" };
	unsigned int pid_max = (unsigned int)get_pid_max();
	int ready[2], go[2], c_ready[2], c_go[2], rc;
	struct c30_shared *sh = shared(sizeof(*sh));
	unsigned long ino1 = 0, ino2 = 0;
	struct pol host;
	char line[64];
	pid_t c;

	if (!policy_apply(&host, C30_HOST_MIN, C30_HOST_MAX, 1, NULL))
		return;
	if (!CHECK(pipe(ready) == 0 && pipe(go) == 0 && pipe(c_ready) == 0 &&
		   pipe(c_go) == 0, "pipe"))
		return;
	c = fork_kid();
	if (c == 0) {
		pid_t l1;

		if (!CHECK(unshare(CLONE_NEWPID) == 0, "unshare(CLONE_NEWPID): %s",
			   strerror(errno)))
			done();
		tok_send(c_ready[1]);
		tok_wait(c_go[0]);
		l1 = fork_kid();
		if (l1 == 0)
			c30_l1init(sh, &host, pid_max, ready[1], go[0]);
		wait_ok(l1, "level-1 init");
		done();
	}
	close(ready[1]);
	close(c_ready[1]);
	if (!CHECK(tok_wait(c_ready[0]), "the level-1 parent never got ready"))
		goto out;
	/* level 1 from the host, before its first process exists */
	snprintf(line, sizeof(line), "%d min=1000 max=1999\n", (int)c);
	rc = ns_write_new(line, &ino1);
	CHECK(rc == 0, "namespaces <- \"%d min=1000 max=1999\": %s", (int)c,
	      strerror(-rc));
	CHECK(ino1 && ino1 != ns_ino(c, "pid"), "namespace %lu of the children of %d",
	      ino1, (int)c);
	check_ns_line(ino1, 1, "min=1000 max=1999 stride=1 random=0 reserved=",
		      "level 1 set from the host");
	tok_send(c_go[1]);

	if (!CHECK(tok_wait(ready[0]), "level 2 never got ready"))
		goto out;
	CHECK(pol_allowed(&host, (unsigned int)sh->l2init[0], pid_max),
	      "host PID %d of the level-2 init", sh->l2init[0]);
	CHECK_EQ(ns_ino(sh->l1init_host, "pid"), ino1,
		 "the level-1 init is in the namespace the line was written for");
	ino2 = ns_ino(sh->l2init[0], "pid");
	CHECK(ino2 && ino2 != ino1, "level 2's inode %lu, level 1's %lu", ino2, ino1);
	CHECK_EQ(ns_ino(sh->l2init[0], "pid"), ns_ino(sh->l2init[0], "pid_for_children"),
		 "level-2 init's children are in its own namespace");
	check_ns_line(ino1, 1, "min=1000 max=1999 stride=1 random=0 reserved=",
		      "level 1 while level 2 has its own");
	check_ns_line(ino2, 2, "min=2000 max=2999 stride=1 random=0 reserved=",
		      "level 2 set from inside");
	check_host_knobs(host_want, "host knobs with two nested policies");
	tok_send(go[1]);
out:
	wait_ok(c, "level-1 parent");
	check_host_knobs(host_want, "host knobs after the nested namespaces");
	if (ino1)
		wait_line_gone(ino1, 5, "level 1 after its processes left");
	if (ino2)
		wait_line_gone(ino2, 5, "level 2 after its processes left");
	CHECK(knobs_reset() == 0, "knobs_reset");
}

/* ------------------------------------------------------------------ */
/* 31: who may write which policy. */

static const char *const c31_host[5] = { "5000", "9000", "2", "0", "6000-6099" };
static const char *const c31_ns[5] = { "3000", "3999", "1", "0", "3500" };
static const char *const c31_try[5] = { "3001", "3998", "3", "5", "3600" };

/* Each of the five knobs must refuse with EPERM and keep @keep. */
static void refuse_all(const char *who, const char *const keep[5])
{
	int i, rc;

	for (i = 0; i < 5; i++) {
		rc = ns_knob_write(knobs5[i], c31_try[i]);
		CHECK(rc == -EPERM, "%s: write %s=%s: %s, want EPERM", who,
		      knobs5[i], c31_try[i], err_str(rc));
	}
	check_own_knobs(keep, who);
}

/* A write to the namespaces file by anyone but global root. */
static void refuse_ns_file(const char *who, int target)
{
	char line[64];
	int rc;

	snprintf(line, sizeof(line), "%d max=3998\n", target);
	rc = raw_write(NS_FILE, line);
	CHECK(rc == -EPERM || rc == -EACCES,
	      "%s: namespaces <- \"%d max=3998\": %s, want EPERM or EACCES",
	      who, target, err_str(rc));
}

struct c31_shared {
	int ns_init_host, init_host;
};

static void c31_ns_init(struct c31_shared *sh, int ready, int go)
{
	int rc, v[2];
	pid_t c;

	CHECK_EQ(getpid(), 1, "PID 1 of the root-made namespace");
	if (CHECK_EQ(nspid_all(0, v, 2), 2, "NSpid levels of the namespace init"))
		sh->ns_init_host = v[0];
	check_own_knobs(c31_ns, "root-made namespace, from inside");

	/* root of a user namespace that does not own this PID namespace */
	c = fork_kid();
	if (c == 0) {
		if (!CHECK(unshare(CLONE_NEWUSER) == 0, "unshare(CLONE_NEWUSER): %s",
			   strerror(errno)))
			done();
		rc = map_self("0 0 1");
		if (!CHECK(rc == 0, "map 0 -> 0: %s", strerror(-rc)))
			done();
		CHECK_EQ(getuid(), 0, "uid in the new userns");
		refuse_all("userns root (0 -> 0) in a PID namespace of the initial userns",
			   c31_ns);
		refuse_ns_file("userns root (0 -> 0) inside", 1);
		done();
	}
	wait_ok(c, "userns root inside");

	/* uid 65534 */
	c = fork_kid();
	if (c == 0) {
		rc = drop_to_nobody();
		if (!CHECK(rc == 0, "setuid(65534): %s", strerror(-rc)))
			done();
		refuse_all("uid 65534 in a root-made PID namespace", c31_ns);
		refuse_ns_file("uid 65534 inside", 1);
		done();
	}
	wait_ok(c, "uid 65534 inside");

	/* root itself (owns it through the initial userns) may */
	rc = ns_knob_write("max", "3998");
	CHECK(rc == 0, "root inside its namespace writes max: %s", strerror(-rc));
	CHECK_EQ(knob_read_num("max"), 3998, "max read back inside");
	rc = ns_knob_write("max", "3999");
	CHECK(rc == 0, "max back to 3999: %s", strerror(-rc));
	check_own_knobs(c31_ns, "root-made namespace after its root's writes");
	tok_send(ready);
	tok_wait(go);
	done();
}

static void c31_container_init(const struct pol *host, int ready, int go)
{
	static const char *const set[5] = { "4000", "4999", "3", "7", "4100-4199" };
	const struct pol *pols[2] = { host, NULL };
	struct pol mine;
	int i;
	pid_t c;

	CHECK_EQ(getpid(), 1, "container init");
	write_own_knobs(set, "container root");
	check_own_knobs(set, "container's knobs after its root's writes");
	refuse_ns_file("container root", 1);
	check_own_knobs(set, "container's knobs after the namespaces write");
	pol_init(&mine, 4000, 4999, 3, "4100-4199");
	pols[1] = &mine;
	for (i = 0; i < 4; i++) {
		c = fork_kid();
		if (c == 0) {
			check_my_pids(pols, 2, (unsigned int)get_pid_max(),
				      "fork in the container", NULL);
			done();
		}
		wait_ok(c, "fork in the container");
	}
	tok_send(ready);
	tok_wait(go);
	done();
}

/* Run @fn as a child of the case, outside every new PID namespace. */
static void host_child(const char *what, void (*fn)(int), int arg)
{
	pid_t c = fork_kid();

	if (c == 0) {
		tap_failures = 0;
		fn(arg);
		done();
	}
	wait_ok(c, what);
}

static void nobody_writes_ns_file(int target)
{
	int rc = drop_to_nobody();

	if (CHECK(rc == 0, "setuid(65534): %s", strerror(-rc)))
		refuse_ns_file("uid 65534 in the initial namespace", target);
}

static void userns_root_writes_ns_file(int target)
{
	int rc;

	if (!CHECK(unshare(CLONE_NEWUSER) == 0, "unshare(CLONE_NEWUSER): %s",
		   strerror(errno)))
		return;
	rc = map_self("0 0 1");
	if (CHECK(rc == 0, "map 0 -> 0: %s", strerror(-rc)))
		refuse_ns_file("userns root (0 -> 0) in the initial PID namespace",
			       target);
}

static void nobody_in_userns_writes_ns_file(int target)
{
	if (become_container_root())
		refuse_ns_file("root of a userns of uid 65534 (0 -> 65534)", target);
}

void case_ns_permissions(void)
{
	static char before[1 << 16], after[1 << 16];
	int ready[2], go[2], rc;
	char line[128], old_clone[32];
	struct pol host;
	unsigned long ino = 0, cino = 0;
	struct c31_shared *sh = shared(sizeof(*sh));
	pid_t c, r;

	if (!policy_apply(&host, 5000, 9000, 2, "6000-6099"))
		return;
	userns_allow(old_clone);

	/* a PID namespace made by root: owned by the initial userns */
	if (!CHECK(pipe(ready) == 0 && pipe(go) == 0, "pipe"))
		return;
	c = fork_kid();
	if (c == 0) {
		pid_t init;

		if (!CHECK(unshare(CLONE_NEWPID) == 0, "unshare(CLONE_NEWPID): %s",
			   strerror(errno)))
			done();
		/* wait for the policy to be set from the host */
		tok_send(ready[1]);
		tok_wait(go[0]);
		init = fork_kid();
		if (init == 0)
			c31_ns_init(sh, ready[1], go[0]);
		wait_ok(init, "root-made namespace init");
		done();
	}
	if (!CHECK(c > 0 && tok_wait(ready[0]), "unshare(CLONE_NEWPID) never done"))
		return;
	snprintf(line, sizeof(line), "%d min=3000 max=3999 reserved=3500", (int)c);
	rc = ns_write_new(line, &ino);
	CHECK(rc == 0, "namespaces <- \"%s\": %s", line, strerror(-rc));
	check_ns_line(ino, 1, "min=3000 max=3999 stride=1 random=0 reserved=3500",
		      "root-made namespace set from the host");
	tok_send(go[1]);
	if (CHECK(tok_wait(ready[0]), "the root-made namespace never got ready")) {
		CHECK_EQ(ns_ino(sh->ns_init_host, "pid"), ino,
			 "the namespace's init is in the namespace the line was written for");
		check_ns_line(ino, 1, "min=3000 max=3999 stride=1 random=0 reserved=3500",
			      "after the refused writes inside");
		check_host_knobs(c31_host, "host knobs after the refused writes inside");

		/* the namespaces file, by everyone but global root */
		ns_file(before, sizeof(before));
		host_child("uid 65534 writes namespaces", nobody_writes_ns_file, c);
		host_child("userns root writes namespaces",
			   userns_root_writes_ns_file, c);
		host_child("container root writes namespaces",
			   nobody_in_userns_writes_ns_file, c);
		ns_file(after, sizeof(after));
		CHECK_STR(after, before, "namespaces after refused writes");
		tok_send(go[1]);
	}
	wait_ok(c, "root-made namespace");

	/* a container's root writes its own namespace, never the host's */
	r = fork_kid();
	if (r == 0) {
		pid_t init;

		if (!become_container_root())
			done();
		if (!CHECK(unshare(CLONE_NEWPID) == 0, "unshare(CLONE_NEWPID): %s",
			   strerror(errno)))
			done();
		/* still in the initial PID namespace: the host's knobs */
		refuse_all("container root before its PID namespace (host knobs)",
			   c31_host);
		init = fork_kid();
		if (init == 0) {
			int v[2];

			if (nspid_all(0, v, 2) == 2)
				sh->init_host = v[0];
			c31_container_init(&host, ready[1], go[0]);
		}
		wait_ok(init, "container init");
		done();
	}
	if (CHECK(tok_wait(ready[0]), "the container never got ready")) {
		cino = ns_ino(sh->init_host, "pid");
		check_ns_line(cino, 1,
			      "min=4000 max=4999 stride=3 random=7 reserved=4100-4199",
			      "the container's policy set by its root");
		check_host_knobs(c31_host, "host knobs after the container root's writes");
		tok_send(go[1]);
	}
	wait_ok(r, "container");
	check_host_knobs(c31_host, "host knobs at the end");
	userns_restore(old_clone);
	if (ino)
		wait_line_gone(ino, 5, "root-made namespace");
	if (cino)
		wait_line_gone(cino, 5, "container");
	CHECK(knobs_reset() == 0, "knobs_reset");
}
