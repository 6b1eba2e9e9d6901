/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel as the oracle: every task the kernel creates is recorded by
 * the task:task_newtask trace event in a tracefs instance of our own, with
 * each task's entry into clone/clone3/fork/vfork, and every change of
 * policy is bracketed by trace markers in the same buffer.  After each
 * case the runner checks each new task's (host) PID against the policies
 * in force between its parent's clone entry and its creation: the test's
 * own tasks and everyone else's, kernel threads included.
 *
 * Markers, in trace time:
 *   "begin"      a write that may change the policy starts: the new policy
 *                may be in force from here on;
 *   "policy ID"  the write returned; the policy read back is stored under
 *                ID, and the one before it is no longer in force;
 *   "exempt PID" a task the test created with clone3's set_tid, which
 *                bypasses the policy by design.
 * Lost events (ring buffer overruns) fail the check.
 */
#ifndef PIDCTL_ORACLE_H
#define PIDCTL_ORACLE_H

#include <stddef.h>

/*
 * For a task created from kernel context (no clone syscall to bound it):
 * seconds its PID may have been allocated before its task_newtask event.
 * Under TCG on a loaded host a vCPU can stall for more than 0.5 s there.
 */
#define ORACLE_GRACE_S 2.0

/* Set up the trace instance (the runner, once, as root).  0 or -errno. */
int oracle_init(void);
/* Around anything that may change the policy or pid_max. */
void oracle_begin(void);
void oracle_policy(void);
/*
 * After a write that leaves the policy set but not enforced (all kprobes
 * disarmed through debugfs): stock allocation is what to expect.
 */
void oracle_unenforced(void);
/* A task created with an explicit set_tid. */
void oracle_exempt(int pid);
/*
 * Whether the trace (since the last check) shows a task other than this
 * test program's (whose comm is not pidctl-test) created with @pid; its
 * comm goes to @comm.
 */
int oracle_foreign_task(int pid, char *comm, size_t size);
/*
 * The PIDs of tasks created (since the last check) by anything other than
 * this test program: up to @max of them into @pids.  Returns how many, or
 * -1 when the trace cannot be read.
 */
int oracle_foreign_pids(int *pids, int max);
/*
 * Check every task created since the last call, diag() each violation
 * (the first few) and clear the buffer.  Returns the number of problems:
 * violations, lost events, or a trace that could not be read.
 */
int oracle_check(void);

#endif
