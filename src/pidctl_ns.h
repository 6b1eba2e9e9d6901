/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The namespace policies' table, and the lookups the allocator hook makes
 * in it on every call: inline, so that a namespace's policy costs the hook
 * no more calls than the host's.  See pidctl_ns.c.
 */
#ifndef PIDCTL_NS_H
#define PIDCTL_NS_H

#include <linux/hash.h>
#include <linux/pid_namespace.h>
#include <linux/rculist.h>
#include "pidctl.h"

struct pidctl_ns {
	struct hlist_node node;
	struct idr *idr;			/* the key; NULL once it died */
	unsigned int inum;			/* as /proc/PID/ns/pid shows */
	unsigned int level;
	struct pidctl_policy __rcu *policy;	/* active, never NULL */
	struct pidctl_cursor cursor;		/* the hook's, for this level */
	u64 generation;				/* of its last publish */
	struct rcu_head rcu;
};

#define PIDCTL_NS_HASH_BITS	6
/* RCU lists, changed under pidctl_config_lock. */
extern struct hlist_head pidctl_ns_table[1 << PIDCTL_NS_HASH_BITS];
/* Entries in the table, dead ones included: under pidctl_config_lock. */
extern unsigned int pidctl_ns_nr;

/* How many namespaces have an entry (READ_ONCE without the lock). */
static inline unsigned int pidctl_ns_count(void)
{
	return READ_ONCE(pidctl_ns_nr);
}

static inline struct hlist_head *pidctl_ns_bucket(const struct idr *idr)
{
	return &pidctl_ns_table[hash_ptr(idr, PIDCTL_NS_HASH_BITS)];
}

/* The entry whose key is @idr, or NULL: lock-free, NMI-safe. */
static inline struct pidctl_ns *pidctl_ns_find_key(const struct idr *idr)
{
	struct pidctl_ns *e;

	hlist_for_each_entry_rcu_notrace(e, pidctl_ns_bucket(idr), node)
		if (READ_ONCE(e->idr) == idr)
			return e;
	return NULL;
}

/* @idr's namespace entry, or NULL; the inode number is a second guard. */
static inline struct pidctl_ns *pidctl_ns_find(struct idr *idr)
{
	struct pidctl_ns *e = pidctl_ns_find_key(idr);

	/* a live key, so @idr is that namespace's */
	if (e && container_of(idr, struct pid_namespace, idr)->ns.inum != e->inum)
		return NULL;
	return e;
}

#endif /* PIDCTL_NS_H */
