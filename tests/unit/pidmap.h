/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A PID table for the tests and benchmarks: one bit per PID, set when the
 * PID is in use, and the first-free occupancy oracle of pidctl_core.h over
 * it (word at a time, as fast as a simple bitmap allows).
 */
#ifndef PIDCTL_PIDMAP_H
#define PIDCTL_PIDMAP_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct pidmap {
	unsigned int size;	/* PIDs 0..size-1 */
	uint64_t *bits;
	unsigned long calls;	/* oracle calls, for the benchmarks */
};

static inline int pidmap_init(struct pidmap *m, unsigned int size)
{
	m->size = size;
	m->calls = 0;
	m->bits = calloc(size / 64 + 1, sizeof(uint64_t));
	return m->bits ? 0 : -1;
}

static inline void pidmap_free(struct pidmap *m)
{
	free(m->bits);
	m->bits = NULL;
}

static inline void pidmap_clear(struct pidmap *m)
{
	memset(m->bits, 0, (m->size / 64 + 1) * sizeof(uint64_t));
}

static inline int pidmap_busy(const struct pidmap *m, unsigned int pid)
{
	return pid >= m->size || (m->bits[pid / 64] >> (pid % 64) & 1);
}

static inline void pidmap_set(struct pidmap *m, unsigned int pid, int busy)
{
	uint64_t bit = (uint64_t)1 << (pid % 64);

	if (pid >= m->size)
		return;
	if (busy)
		m->bits[pid / 64] |= bit;
	else
		m->bits[pid / 64] &= ~bit;
}

/*
 * Smallest PID in [from, to] whose bit is set (@want_busy) or clear, or 0:
 * both occupancy oracles of the policy core, on one scan.
 */
static inline unsigned int pidmap_first(struct pidmap *m, unsigned int from,
					unsigned int to, int want_busy)
{
	uint64_t flip = want_busy ? 0 : ~(uint64_t)0;
	uint64_t bits;
	unsigned int w, pid;

	m->calls++;
	if (to >= m->size)
		to = m->size - 1;
	if (!m->size || from > to)
		return 0;
	w = from / 64;
	bits = (m->bits[w] ^ flip) & (~(uint64_t)0 << (from % 64));
	for (;;) {
		if (bits) {
			pid = w * 64 + (unsigned int)__builtin_ctzll(bits);
			return pid <= to ? pid : 0;
		}
		if (++w > to / 64)
			return 0;
		bits = m->bits[w] ^ flip;
	}
}

/* pidctl_first_free_fn: smallest clear bit in [from, to], or 0. */
static inline unsigned int pidmap_first_free(void *ctx, unsigned int from,
					     unsigned int to)
{
	return pidmap_first(ctx, from, to, 0);
}

/* pidctl_first_busy_fn: smallest set bit in [from, to], or 0. */
static inline unsigned int pidmap_first_busy(void *ctx, unsigned int from,
					     unsigned int to)
{
	return pidmap_first(ctx, from, to, 1);
}

#endif /* PIDCTL_PIDMAP_H */
