// SPDX-License-Identifier: GPL-2.0
/*
 * The IDR keeps, per tree node, one IDR_FREE bit per slot: set while the
 * slot, or some slot below it, can still be allocated.  idr_get_free()
 * follows these bits down to a free leaf and grows the tree on the way;
 * this is the same descent without allocating or writing anything.
 *
 * radix_tree_next_chunk() cannot do it: tagged iteration over IDR_FREE
 * stops at every free (NULL) slot without advancing, forever.  idr_find()
 * cannot either: it reports the NULL placeholder of an allocation in
 * flight as free, although idr_alloc_u32() has already cleared its tag.
 */
#include <linux/bitops.h>
#include <linux/rcupdate.h>
#include <linux/xarray.h>
#include "pidctl_idr.h"

/* The bits of an index that lie below @node: the span it covers, minus 1. */
static unsigned long pidctl_node_mask(const struct xa_node *node)
{
	unsigned int bits = node->shift + XA_CHUNK_SHIFT;

	return bits >= BITS_PER_LONG ? ~0UL : (1UL << bits) - 1;
}

static unsigned int pidctl_node_offset(const struct xa_node *node,
				       unsigned long index)
{
	return (index >> node->shift) & XA_CHUNK_MASK;
}

/* Free at or after @index, within the tree: walk down, sideways and up. */
static unsigned long pidctl_descend(struct xa_node *node, unsigned long index,
				    unsigned long last)
{
	unsigned int offset = pidctl_node_offset(node, index);
	void *entry;

	for (;;) {
		if (offset < XA_CHUNK_SIZE &&
		    !test_bit(offset, node->marks[IDR_FREE])) {
			/* nothing free here: the next slot that has some */
			offset = find_next_bit(node->marks[IDR_FREE],
					       XA_CHUNK_SIZE, offset + 1);
			index = (index & ~pidctl_node_mask(node)) +
				((unsigned long)offset << node->shift);
			if (index > last)
				return index;
		}
		if (offset == XA_CHUNK_SIZE) {
			/* this node is full from @index on: try its parent */
			offset = node->offset + 1;
			node = rcu_dereference_raw(node->parent);
			if (!node)
				return index;	/* past the tree: free */
			continue;
		}
		if (!node->shift)
			return index;		/* a free leaf slot */
		entry = rcu_dereference_raw(node->slots[offset]);
		if (!xa_is_node(entry))
			return index;		/* no node yet: all free */
		node = xa_to_node(entry);
		offset = pidctl_node_offset(node, index);
	}
}

bool pidctl_idr_find_free(const struct idr *idr, unsigned long *id,
			  unsigned long last)
{
	unsigned long base = idr->idr_base, index, maxindex = 0;
	void *head = rcu_dereference_raw(idr->idr_rt.xa_head);
	struct xa_node *top = NULL;

	if (last < base || *id > last)
		return false;
	index = *id > base ? *id - base : 0;
	last -= base;

	if (xa_is_node(head)) {
		top = xa_to_node(head);
		maxindex = pidctl_node_mask(top);
	}
	/* The root's own tag: is anything inside the tree free at all? */
	if (index <= maxindex && !xa_marked(&idr->idr_rt, XA_FREE_MARK))
		index = maxindex + 1;
	/* Beyond the tree, or a tree of one entry at 0 whose tag says free. */
	if (index <= maxindex && top)
		index = pidctl_descend(top, index, last);
	if (index > last)
		return false;
	*id = index + base;
	return true;
}
