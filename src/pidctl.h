/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces between the thin kernel glue files.
 */
#ifndef PIDCTL_H
#define PIDCTL_H

#include <linux/mutex.h>
#include <linux/srcu.h>
#include <linux/types.h>
#include "pidctl_core.h"

/* pidctl_symbols.c: what the kernel does not export. */
int pidctl_symbols_init(void);
unsigned long pidctl_lookup_symbol(const char *name);
int pidctl_pid_max(void);

/* pidctl_policy.c: the published policy and how it changes. */
extern struct srcu_struct pidctl_srcu;
extern struct mutex pidctl_alloc_lock;
extern struct mutex pidctl_config_lock;

/* True while every alloc_pid() must go through pidctl_alloc_lock. */
bool pidctl_serializing(void);
/* The policy in force; caller is in a pidctl_srcu section or holds pidctl_config_lock. */
const struct pidctl_policy *pidctl_policy_get(void);
struct pidctl_policy *pidctl_policy_alloc(unsigned int nr_ranges);
struct pidctl_policy *pidctl_policy_clone(const struct pidctl_policy *p,
					  unsigned int nr_ranges);
void pidctl_policy_free(const struct pidctl_policy *p);
/* Validate @p and make it the policy in force.  Takes ownership of @p. */
int pidctl_policy_publish(struct pidctl_policy *p);
int pidctl_policy_init(void);
void pidctl_policy_exit(void);

/* pidctl_sysctl.c */
int pidctl_sysctl_init(void);
void pidctl_sysctl_exit(void);
/* Parse @len bytes of a reserved list into a fresh policy based on @base. */
struct pidctl_policy *pidctl_policy_with_ranges(const struct pidctl_policy *base,
						const char *buf, size_t len,
						int *err);

/* pidctl_hook.c */
int pidctl_hook_init(void);
void pidctl_hook_exit(void);
/* Forget what is known about a full window (the policy changed). */
void pidctl_hook_policy_changed(void);

#endif /* PIDCTL_H */
