/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces between the thin kernel glue files.
 */
#ifndef PIDCTL_H
#define PIDCTL_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include "pidctl_core.h"

struct idr;
struct pid_namespace;

/* pidctl_policy.c: the published policy and how it changes. */
extern struct mutex pidctl_config_lock;

/* The policy in force, for a caller holding pidctl_config_lock. */
const struct pidctl_policy *pidctl_policy_get(void);
/* Bumped by every publish: tells whether the policy changed since. */
u64 pidctl_policy_generation(void);
/*
 * For the allocator hook (preemption is off): the host's policy in force
 * if it is active, else NULL.
 */
extern struct pidctl_policy __rcu *pidctl_enforced;

static inline const struct pidctl_policy *pidctl_policy_enforced(void)
{
	return rcu_dereference_sched(pidctl_enforced);
}

/* Every knob at its default: stock Linux. */
extern const struct pidctl_policy pidctl_policy_defaults;
struct pidctl_policy *pidctl_policy_alloc(unsigned int nr_ranges);
struct pidctl_policy *pidctl_policy_clone(const struct pidctl_policy *p,
					  unsigned int nr_ranges);
void pidctl_policy_free(const struct pidctl_policy *p);
/* Free @p once no allocator hook can still be reading it. */
void pidctl_policy_free_after_gp(const struct pidctl_policy *p);
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
/*
 * Arm the hook if any policy (the host's or a namespace's) is active,
 * disarm it if none is.  Caller holds pidctl_config_lock.
 */
int pidctl_hook_sync(void);
/* A fresh generation number for a publish: under pidctl_config_lock. */
u64 pidctl_policy_next_generation(void);
/*
 * Policy objects and namespace entries allocated and not yet freed: the
 * leak count of debugfs pidctl/objects.
 */
extern atomic_t pidctl_objects;

/*
 * The policy a knob of @ns (a reader's or writer's active PID namespace)
 * shows and sets: the host's for the initial namespace, else that
 * namespace's own.  Under pidctl_config_lock.
 */
const struct pidctl_policy *pidctl_target_get(struct pid_namespace *ns);
int pidctl_target_publish(struct pid_namespace *ns, struct pidctl_policy *p);
u64 pidctl_target_generation(struct pid_namespace *ns);

/*
 * The allocator hook's state for one namespace: the last PID it steered
 * to and whether ns_last_pid was written since (see pidctl_hook.c).
 * Changed only under pidmap_lock, or atomically.
 */
struct pidctl_cursor {
	unsigned int last_steered;
	int written;
};

/* pidctl_ns.c, with the hook's lookups in pidctl_ns.h */
int pidctl_ns_init(void);
void pidctl_ns_exit(void);
/* Under pidctl_config_lock: @ns's policy, or NULL when it has none. */
const struct pidctl_policy *pidctl_ns_get(struct pid_namespace *ns);
/* Under pidctl_config_lock; takes ownership of @p. */
int pidctl_ns_publish(struct pid_namespace *ns, struct pidctl_policy *p);
u64 pidctl_ns_generation(struct pid_namespace *ns);
/* The namespaces file: its text (kvfree it), and one line written. */
char *pidctl_ns_list(size_t *len);
int pidctl_ns_write_line(const char *buf, size_t len);
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
