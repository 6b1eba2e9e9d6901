/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces between the thin kernel glue files.
 */
#ifndef PIDCTL_H
#define PIDCTL_H

#include <linux/mutex.h>
#include <linux/types.h>
#include "pidctl_core.h"

/* pidctl_policy.c: the published policy and how it changes. */
extern struct mutex pidctl_config_lock;

/* The policy in force, for a caller holding pidctl_config_lock. */
const struct pidctl_policy *pidctl_policy_get(void);
/* Bumped by every publish: tells whether the policy changed since. */
u64 pidctl_policy_generation(void);
/* The policy in force, for the allocator hook (preemption is off). */
const struct pidctl_policy *pidctl_policy_get_sched(void);
struct pidctl_policy *pidctl_policy_alloc(unsigned int nr_ranges);
struct pidctl_policy *pidctl_policy_clone(const struct pidctl_policy *p,
					  unsigned int nr_ranges);
void pidctl_policy_free(const struct pidctl_policy *p);
/*
 * Validate @p and make it the policy in force, arming or disarming the
 * hook as it becomes active or inactive.  Takes ownership of @p.  Caller
 * holds pidctl_config_lock.
 */
int pidctl_policy_publish(struct pidctl_policy *p);
/* Parse @len bytes of a reserved list into a fresh policy based on @base. */
struct pidctl_policy *pidctl_policy_with_ranges(const struct pidctl_policy *base,
						const char *buf, size_t len,
						int *err);
void pidctl_policy_exit(void);

/* pidctl_sysctl.c */
int pidctl_sysctl_init(void);
void pidctl_sysctl_exit(void);

/* pidctl_hook.c */
int pidctl_hook_init(void);
void pidctl_hook_exit(void);
int pidctl_hook_arm(void);
void pidctl_hook_disarm(void);
/* The counters of kernel.pidctl.{exhausted,steered,free}. */
unsigned long pidctl_hook_exhausted(void);
unsigned long pidctl_hook_steered(void);
unsigned int pidctl_hook_free(const struct pidctl_policy *p);

#endif /* PIDCTL_H */
