/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pidctl's trace event: pidctl:pidctl_exhausted, a cyclic allocation
 * refused because no PID the policy allows was free.  Fired from the
 * allocator hook (tracepoints are NMI-safe), for perf and bpftrace users:
 *
 *	perf record -e pidctl:pidctl_exhausted -a
 *	bpftrace -e 'tracepoint:pidctl:pidctl_exhausted { @[args->max] = count(); }'
 *
 * ns_inum is the namespace's inode number as in /proc/PID/ns/pid, level
 * its depth (0: the initial namespace, the only one steered today); min
 * and max are the window in force (floor and ceiling), pid_max the
 * kernel's for this allocation.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM pidctl

#if !defined(PIDCTL_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define PIDCTL_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(pidctl_exhausted,
	    TP_PROTO(unsigned int ns_inum, unsigned int level,
		     unsigned int min, unsigned int max, unsigned int pid_max),
	    TP_ARGS(ns_inum, level, min, max, pid_max),
	    TP_STRUCT__entry(__field(unsigned int, ns_inum)
			     __field(unsigned int, level)
			     __field(unsigned int, min)
			     __field(unsigned int, max)
			     __field(unsigned int, pid_max)),
	    TP_fast_assign(__entry->ns_inum = ns_inum;
			   __entry->level = level;
			   __entry->min = min;
			   __entry->max = max;
			   __entry->pid_max = pid_max;),
	    TP_printk("ns=%u level=%u min=%u max=%u pid_max=%u",
		      __entry->ns_inum, __entry->level, __entry->min,
		      __entry->max, __entry->pid_max)
);

#endif /* PIDCTL_TRACE_H */

/* Out of tree: define_trace.h finds this file through -I$(src). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE pidctl_trace
#include <trace/define_trace.h>
