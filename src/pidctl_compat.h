/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernel versions pidctl supports lives here,
 * behind feature macros, so that the rest of the glue reads as if written
 * for one kernel.  Written for 5.10 and later, x86_64; tested on the series
 * in tests/matrix-lines.
 */
#ifndef PIDCTL_COMPAT_H
#define PIDCTL_COMPAT_H

#include <linux/version.h>
#include <linux/ftrace.h>
#include <linux/pid_namespace.h>
#include <linux/sysctl.h>

#if !defined(CONFIG_DYNAMIC_FTRACE_WITH_REGS) && \
	!defined(CONFIG_DYNAMIC_FTRACE_WITH_ARGS)
#error "pidctl needs ftrace that can redirect a call (FTRACE_WITH_REGS or _ARGS)"
#endif
#ifndef CONFIG_KPROBES
#error "pidctl needs CONFIG_KPROBES to find unexported symbols"
#endif

/* 6.11 made the ctl_table passed to proc handlers const. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define PIDCTL_CTL_TABLE_CONST const
#else
#define PIDCTL_CTL_TABLE_CONST
#endif

/*
 * 6.6 added register_sysctl_sz() and made the terminating empty entry
 * optional; later kernels no longer stop at it, so only old ones get one.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define PIDCTL_SYSCTL_SENTINEL
#define pidctl_register_sysctl(path, table, size) \
	register_sysctl_sz(path, table, size)
#else
#define PIDCTL_SYSCTL_SENTINEL {}
#define pidctl_register_sysctl(path, table, size) register_sysctl(path, table)
#endif

/*
 * 5.11 passes struct ftrace_regs to callbacks instead of pt_regs and turned
 * the recursion flag around (RECURSION_SAFE became RECURSION).  6.x renamed
 * the helper that moves the instruction pointer.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)
#define PIDCTL_FTRACE_REGS struct ftrace_regs
#define PIDCTL_FTRACE_RECURSION_FLAG FTRACE_OPS_FL_RECURSION
#else
#define PIDCTL_FTRACE_REGS struct pt_regs
#define PIDCTL_FTRACE_RECURSION_FLAG 0
#endif

/* Without ftrace_regs arguments, only a full pt_regs frame lets us set ip. */
#ifdef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
#define PIDCTL_FTRACE_SAVE_REGS_FLAG 0
#else
#define PIDCTL_FTRACE_SAVE_REGS_FLAG FTRACE_OPS_FL_SAVE_REGS
#endif

#if defined(ftrace_regs_set_instruction_pointer)
#define pidctl_ftrace_set_ip(fregs, ip) \
	ftrace_regs_set_instruction_pointer(fregs, ip)
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)
#define pidctl_ftrace_set_ip(fregs, ip) ftrace_instruction_pointer_set(fregs, ip)
#else
#define pidctl_ftrace_set_ip(regs, _ip) ((regs)->ip = (_ip))
#endif

/*
 * pid_max: a global int until 6.14, then a field of each PID namespace.
 * The global is not exported, so it is looked up at load time.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 14, 0)
#define PIDCTL_HAVE_PIDNS_PID_MAX 1
#endif

#endif /* PIDCTL_COMPAT_H */
