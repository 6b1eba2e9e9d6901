// SPDX-License-Identifier: GPL-2.0
/*
 * Cases 11 and 12: nested PID namespaces keep their own numbering (PID 1,
 * 2, ...) while the host PIDs obey the policy; clone3() set_tid may take
 * reserved and out-of-window PIDs.
 *
 * The children made with the raw clone/clone3 syscalls use raw syscalls
 * and plain libc wrappers only, and leave with exit_group.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cases.h"
#include "oracle.h"

static __attribute__((noreturn)) void die(int code)
{
	syscall(SYS_exit_group, code);
	_exit(code);
}

struct nsres {
	int child_getpid, child_host, child_inner;
	int gc_ret, gc_getpid, gc_host, gc_inner, gc_status;
};

static void ns_child(struct nsres *r)
{
	long gc;
	int st = -1;

	r->child_getpid = (int)syscall(SYS_getpid);
	read_nspid(&r->child_host, &r->child_inner);
	gc = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (gc == 0) {
		r->gc_getpid = (int)syscall(SYS_getpid);
		read_nspid(&r->gc_host, &r->gc_inner);
		die(0);
	}
	r->gc_ret = (int)gc;
	if (gc > 0 && syscall(SYS_wait4, gc, &st, 0, NULL) == gc)
		r->gc_status = st;
	die(0);
}

#define NS_LOOPS 16

/* 11: new PID namespaces in a loop near the window's edge. */
void case_pidns_loop(void)
{
	struct nsres *res;
	int i, status, pid_max = get_pid_max();
	struct pol p;
	long pid;

	res = mmap(NULL, sizeof(*res) * NS_LOOPS, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED)
		skip_case("mmap: %s", strerror(errno));
	memset(res, 0, sizeof(*res) * NS_LOOPS);
	if (!policy_apply(&p, 7000, 7009, 1, "7004"))
		return;
	set_last_pid(7006);
	for (i = 0; i < NS_LOOPS; i++) {
		struct nsres *r = &res[i];

		pid = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
		if (pid == 0)
			ns_child(r);
		if (!CHECK(pid > 0, "clone(CLONE_NEWPID): %s", strerror(errno)))
			return;
		waitpid((pid_t)pid, &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "loop %d: child status %#x", i, status);
		CHECK(pol_allowed(&p, (unsigned)pid, (unsigned)pid_max),
		      "loop %d: host PID %ld of the namespace init", i, pid);
		CHECK_EQ(r->child_getpid, 1, "getpid() of a new namespace's first process");
		CHECK_EQ(r->child_host, pid, "its NSpid in the host");
		CHECK_EQ(r->child_inner, 1, "its NSpid inside");
		CHECK_EQ(r->gc_ret, 2, "fork() inside returns 2");
		CHECK_EQ(r->gc_getpid, 2, "getpid() of the second process inside");
		CHECK_EQ(r->gc_inner, 2, "its NSpid inside");
		CHECK(pol_allowed(&p, (unsigned)r->gc_host, (unsigned)pid_max),
		      "loop %d: host PID %d of the grandchild", i, r->gc_host);
		CHECK(r->gc_host != pid, "distinct host PIDs");
		CHECK(WIFEXITED(r->gc_status) && WEXITSTATUS(r->gc_status) == 0,
		      "grandchild status %#x", r->gc_status);
		if (i < 4 || tap_failures)
			diag("loop %d: host PIDs %ld (ns PID %d), %d (ns PID %d)",
			     i, pid, r->child_getpid, r->gc_host, r->gc_getpid);
		if (tap_failures > 10)
			return;
	}
}

/* clone3 with set_tid; returns the PID or -errno, and the child's status. */
static long clone3_tid(unsigned long flags, int *tids, int n, int *status)
{
	struct clone_args a;
	long pid;

	memset(&a, 0, sizeof(a));
	a.flags = flags;
	a.exit_signal = SIGCHLD;
	a.set_tid = (uint64_t)(uintptr_t)tids;
	a.set_tid_size = (uint64_t)n;
	pid = syscall(SYS_clone3, &a, sizeof(a));
	if (pid == 0)
		die((flags & CLONE_NEWPID) && syscall(SYS_getpid) != 1 ? 1 : 0);
	if (pid < 0)
		return -errno;
	/* every call here names the host PID: the policy does not apply */
	oracle_exempt((int)pid);
	*status = -1;
	waitpid((pid_t)pid, status, 0);
	return pid;
}

/* 12: clone3 set_tid. */
void case_set_tid(void)
{
	int got[4], tids[2], status;
	struct pol p;
	pid_t held;
	long pid;

	if (!policy_apply(&p, 5000, 5100, 1, "5050-5059"))
		return;
	tids[0] = 5055;
	pid = clone3_tid(0, tids, 1, &status);
	if (pid == -ENOSYS)
		skip_case("clone3 not supported");
	CHECK_EQ(pid, 5055, "set_tid into a reserved range");
	CHECK(status == 0, "child status %#x", status);

	tids[0] = 4000;
	pid = clone3_tid(0, tids, 1, &status);
	CHECK_EQ(pid, 4000, "set_tid below min");
	tids[0] = 8000;
	pid = clone3_tid(0, tids, 1, &status);
	CHECK_EQ(pid, 8000, "set_tid above max");

	/* nested namespace: PID 1 inside, the reserved PID outside */
	tids[0] = 1;
	tids[1] = 5057;
	pid = clone3_tid(CLONE_NEWPID, tids, 2, &status);
	CHECK_EQ(pid, 5057, "set_tid_size 2: host PID in a reserved range");
	CHECK(status == 0, "getpid() inside was not 1: status %#x", status);
	tids[0] = 1;
	tids[1] = 8001;
	pid = clone3_tid(CLONE_NEWPID, tids, 2, &status);
	CHECK_EQ(pid, 8001, "set_tid_size 2: host PID above max");
	CHECK(status == 0, "getpid() inside was not 1: status %#x", status);

	/* set_tid of a busy PID still fails as in stock Linux */
	set_last_pid(5059);
	held = spawn_held();
	expect_pid(held, 5060, &p, 0, "held child");
	tids[0] = held;
	pid = clone3_tid(0, tids, 1, &status);
	CHECK(pid == -EEXIST, "set_tid of a busy PID: %ld, want EEXIST", pid);
	release(held);

	/* ordinary forks still obey the policy afterwards */
	if (expect_seq("fork after set_tid", &p, 5049, 2, "ft", got)) {
		CHECK_EQ(got[0], 5060, "reserved range still skipped");
		CHECK_EQ(got[1], 5061, "then +1");
	}
	if (expect_seq("fork above max after set_tid", &p, 5100, 1, NULL, got))
		CHECK_EQ(got[0], 5000, "wrap to min");
}
