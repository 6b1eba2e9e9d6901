/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernel versions and architectures pidctl
 * supports lives here, behind feature macros, so that the rest of the glue
 * reads as if written for one kernel.  Written for 5.10 and later, x86_64;
 * tested on the series in tests/matrix-lines and tests/matrix-lines-all.
 *
 * Kernel API changes are not tested by version number: src/Kbuild compiles
 * the small tests in src/compat/ against the target kernel's headers and
 * writes PIDCTL_HAVE_* into pidctl_features.h, so that a kernel with a
 * change backported builds as well.  This is the one file that reads them.
 */
#ifndef PIDCTL_COMPAT_H
#define PIDCTL_COMPAT_H

#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/sysctl.h>
#include <linux/workqueue.h>
#include "pidctl_core.h"
#include "pidctl_features.h"

#ifndef CONFIG_KPROBES
#error "pidctl hooks the PID allocator with a kprobe: it needs CONFIG_KPROBES"
#endif
#ifndef CONFIG_SYSCTL
#error "pidctl's knobs are sysctls: it needs CONFIG_SYSCTL"
#endif

/*
 * The hook reads and rewrites the arguments of
 * idr_alloc_cyclic(struct idr *idr, void *ptr, int start, int end, gfp_t)
 * at its entry, where they are still in the argument registers of the
 * calling convention.  Only x86_64 is written (and tested) so far.
 */
#ifdef CONFIG_X86_64
#define pidctl_kprobe_arg_idr(regs)	((struct idr *)(regs)->di)
#define pidctl_kprobe_arg_start(regs)	((int)(regs)->dx)
#define pidctl_kprobe_arg_end(regs)	((int)(regs)->cx)
/* proc handlers: (table, write, buffer, lenp, ppos) */
#define pidctl_kprobe_arg_write(regs)	((int)(regs)->si)
static inline void pidctl_kprobe_set_range(struct pt_regs *regs,
					   unsigned int start, unsigned int end)
{
	regs->dx = start;
	regs->cx = end;
}

/* An armed kprobe's first byte: int3, or the jump of an optimised one. */
#define PIDCTL_INSN_INT3	0xcc
#define PIDCTL_INSN_JMP32	0xe9
#else
#error "pidctl: the kprobe argument accessors are written for x86_64 only"
#endif

/* 6.11 made the ctl_table passed to proc handlers const. */
#ifdef PIDCTL_HAVE_CTL_TABLE_CONST
#define PIDCTL_CTL_TABLE_CONST const
#else
#define PIDCTL_CTL_TABLE_CONST
#endif

/*
 * 6.6 added register_sysctl_sz() and made the terminating empty entry
 * optional; later kernels no longer stop at it, so only old ones get one.
 */
#ifdef PIDCTL_HAVE_REGISTER_SYSCTL_SZ
#define PIDCTL_SYSCTL_SENTINEL
#define pidctl_register_sysctl(path, table, size) \
	register_sysctl_sz(path, table, size)
#else
#define PIDCTL_SYSCTL_SENTINEL {}
#define pidctl_register_sysctl(path, table, size) register_sysctl(path, table)
#endif

/*
 * pid_max: a global int until 6.14, then a field of each PID namespace.
 * The global is not exported, and pidctl resolves no symbol at run time,
 * so before 6.14 a policy (the host's or a namespace's) is validated
 * against the largest possible pid_max; the hook still uses the kernel's
 * real pid_max, the end of each idr_alloc_cyclic() call.
 */
#ifdef PIDCTL_HAVE_PIDNS_PID_MAX
#define pidctl_pid_max() ((unsigned int)READ_ONCE(init_pid_ns.pid_max))
#define pidctl_ns_pid_max(ns) ((unsigned int)READ_ONCE((ns)->pid_max))
#else
#define pidctl_pid_max() PIDCTL_PID_MAX_LIMIT
#define pidctl_ns_pid_max(ns) PIDCTL_PID_MAX_LIMIT
#endif

/*
 * The periodic check of the probe: an unbound system workqueue.
 * system_wq is deprecated once system_dfl_wq exists (6.17, backported to
 * 6.12 stable); 7.x warns when work is queued on it.
 */
#ifdef PIDCTL_HAVE_SYSTEM_DFL_WQ
#define pidctl_wq system_dfl_wq
#else
#define pidctl_wq system_wq
#endif

/*
 * The initial namespace's pid_max as it is now, for kernel.pidctl.free:
 * from 6.14 the field itself; before, the end of the last cyclic
 * allocation the hook saw (@seen), or PIDCTL_PID_MAX_LIMIT if it saw none.
 */
static inline unsigned int pidctl_pid_max_now(unsigned int seen)
{
#ifdef PIDCTL_HAVE_PIDNS_PID_MAX
	return pidctl_pid_max();
#else
	return seen ? seen : PIDCTL_PID_MAX_LIMIT;
#endif
}

#endif /* PIDCTL_COMPAT_H */
