/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A read-only search for the next free slot of an IDR, from its IDR_FREE
 * tags.  Kernel headers only, so that it builds in the module and, with
 * the kernel's own lib/idr.c and lib/radix-tree.c, in the userspace
 * harness of tests/idr (tools/testing/radix-tree).
 */
#ifndef PIDCTL_IDR_H
#define PIDCTL_IDR_H

#include <linux/idr.h>
#include <linux/types.h>

/*
 * The first ID in [*@id, @last] that @idr would hand out, as
 * idr_alloc_u32() sees it: neither a stored pointer nor the NULL
 * placeholder of an allocation in flight.  Sets *@id and returns true;
 * returns false (leaving *@id alone) when every ID in the range is taken.
 *
 * The caller keeps the tree from changing: it holds the lock its users
 * allocate and free under.  Allocates nothing, takes no lock, sleeps
 * never: it may run in NMI context.  Costs O(tree height) per run of
 * 64 ^ k busy IDs skipped, not one step per busy ID.
 */
bool pidctl_idr_find_free(const struct idr *idr, unsigned long *id,
			  unsigned long last);

#endif /* PIDCTL_IDR_H */
