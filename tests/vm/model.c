// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "knobs.h"
#include "procs.h"

#define RESERVED_PIDS 300u

void pol_init(struct pol *p, unsigned int min, unsigned int max,
	      unsigned int stride, const char *reserved)
{
	const char *s = reserved;

	memset(p, 0, sizeof(*p));
	p->min = min;
	p->max = max;
	p->stride = stride ? stride : 1;
	while (s && *s && p->nr < MODEL_MAX_RANGES) {
		char *end;
		unsigned long lo = strtoul(s, &end, 10), hi = lo;

		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		p->r[p->nr].lo = (unsigned int)lo;
		p->r[p->nr].hi = (unsigned int)hi;
		p->nr++;
		s = *end == ',' ? end + 1 : end;
		if (*end != ',')
			break;
	}
}

void pol_set_knob(struct pol *p, const char *knob, const char *val)
{
	unsigned int v = (unsigned int)atoi(val);

	if (!strcmp(knob, "min"))
		p->min = v;
	else if (!strcmp(knob, "max"))
		p->max = v;
	else if (!strcmp(knob, "stride"))
		p->stride = v;
	else
		pol_init(p, p->min, p->max, p->stride, val);
}

int pol_active(const struct pol *p)
{
	return p->min || p->max || p->stride > 1 || p->nr;
}

unsigned int pol_hi(const struct pol *p, unsigned int pid_max)
{
	unsigned int hi = pid_max - 1;

	return p->max && p->max < hi ? p->max : hi;
}

static unsigned int pol_floor(const struct pol *p)
{
	return p->min ? p->min : 1;
}

unsigned int pol_wrap_lo(const struct pol *p, unsigned int pid_max)
{
	if (p->min)
		return p->min;
	return pol_hi(p, pid_max) < RESERVED_PIDS ? 1 : RESERVED_PIDS;
}

static int reserved(const struct pol *p, unsigned int pid)
{
	unsigned int i;

	for (i = 0; i < p->nr; i++)
		if (pid >= p->r[i].lo && pid <= p->r[i].hi)
			return 1;
	return 0;
}

int pol_allowed(const struct pol *p, unsigned int pid, unsigned int pid_max)
{
	return pid >= pol_floor(p) && pid <= pol_hi(p, pid_max) &&
	       !reserved(p, pid);
}

const char *pol_str(const struct pol *p)
{
	static char buf[512];
	size_t n;
	unsigned int i;

	n = (size_t)snprintf(buf, sizeof(buf), "min=%u max=%u stride=%u reserved=",
			     p->min, p->max, p->stride);
	for (i = 0; i < p->nr && n < sizeof(buf) - 32; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%u-%u",
				      i ? "," : "", p->r[i].lo, p->r[i].hi);
	return buf;
}

/* First PID model_seq() skipped because a task outside the test held it. */
static int foreign_pid = -1;

int model_foreign_pid(void)
{
	return foreign_pid;
}

static int scan(const struct pol *p, unsigned int from, unsigned int to,
		unsigned int pid_max)
{
	unsigned int pid;

	for (pid = from; pid <= to; pid++) {
		if (!pol_allowed(p, pid, pid_max))
			continue;
		if (!pid_in_use((int)pid))
			return (int)pid;
		if (foreign_pid < 0 && !pid_is_ours((int)pid))
			foreign_pid = (int)pid;
	}
	return -1;
}

int model_next(const struct pol *p, unsigned int cursor, unsigned int pid_max)
{
	unsigned int s, lo, hi;
	int pid;

	if (!pol_active(p)) {
		/* stock: idr_alloc_cyclic(pid_min, pid_max) */
		lo = cursor > RESERVED_PIDS ? RESERVED_PIDS : 1;
		s = cursor > lo ? cursor : lo;
		if (s <= pid_max - 1) {
			pid = scan(p, s, pid_max - 1, pid_max);
			if (pid > 0)
				return pid;
		}
		return scan(p, lo, pid_max - 1, pid_max);
	}
	hi = pol_hi(p, pid_max);
	lo = pol_wrap_lo(p, pid_max);
	s = cursor > pol_floor(p) ? cursor : pol_floor(p);
	if (s > hi)
		s = lo;
	pid = scan(p, s, hi, pid_max);
	if (pid > 0)
		return pid;
	return s > lo ? scan(p, lo, s - 1, pid_max) : -1;
}

unsigned int model_next_cursor(const struct pol *p, unsigned int pid,
			       unsigned int pid_max)
{
	unsigned int next = pid + p->stride;

	if (pol_active(p) && next > pol_hi(p, pid_max))
		return pol_wrap_lo(p, pid_max);
	return next;
}

int model_seq(const struct pol *p, int last, int n, int *out)
{
	unsigned int pid_max = (unsigned int)get_pid_max();
	unsigned int cursor = (unsigned int)last + 1;
	int i, pid;

	foreign_pid = -1;
	for (i = 0; i < n; i++) {
		pid = model_next(p, cursor, pid_max);
		if (pid < 0)
			return -1;
		out[i] = pid;
		cursor = model_next_cursor(p, (unsigned int)pid, pid_max);
	}
	return 0;
}
