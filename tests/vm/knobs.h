/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading and writing sysctls (each write is ONE write(2) at offset 0, as
 * the contract asks), the pidctl knobs, ns_last_pid, pid_max, and loading
 * and unloading the module with the raw syscalls for precise errors.
 * Every function returns 0 (or a value) on success and -errno on failure.
 */
#ifndef PIDCTL_KNOBS_H
#define PIDCTL_KNOBS_H

#include <stddef.h>
#include <sys/types.h>

#define PIDCTL_DIR	"/proc/sys/kernel/pidctl"
#define PIDCTL_SYSFS	"/sys/module/pidctl"
#define PIDCTL_NAME	"pidctl"
#define NS_LAST_PID	"/proc/sys/kernel/ns_last_pid"
#define PID_MAX_PATH	"/proc/sys/kernel/pid_max"
#define KPROBES_ENABLED_PATH	"/sys/kernel/debug/kprobes/enabled"
#define KPROBES_OPT_PATH	"/proc/sys/debug/kprobes-optimization"

/* Read a whole file; trailing blanks and newlines are stripped. */
int sysctl_read(const char *path, char *buf, size_t size);
/* One write(2) (or pwrite(2) when off != 0) of exactly len bytes. */
int sysctl_write_at(const char *path, const void *val, size_t len, off_t off);
int sysctl_write(const char *path, const char *val);
long sysctl_read_long(const char *path);

/* The knobs by name: "min", "max", "stride", "random", "reserved". */
const char *knob_path(const char *knob);
int knob_read(const char *knob, char *buf, size_t size);
int knob_write(const char *knob, const char *val);
int knob_write_num(const char *knob, unsigned long val);
long knob_read_num(const char *knob);
int knobs_present(void);
/* Back to defaults (random too), in an order that only ever widens the policy. */
int knobs_reset(void);
/* Reset, then set stride, min, max and reserved (NULL: leave empty). */
int knobs_set(unsigned int min, unsigned int max, unsigned int stride,
	      const char *reserved);
/* Diagnose the four knob values on one line. */
void knobs_diag(const char *why);

/* The cursor: the next search starts at @last + 1. */
int set_last_pid(int last);
int get_pid_max(void);
int set_pid_max(int pid_max);

/* Module control. */
const char *module_path(void);		/* $PIDCTL_KO or NULL */
int module_load(const char *params);	/* finit_module(2) */
int module_unload(void);		/* delete_module(2), retried if busy */
int module_loaded(void);

#endif
