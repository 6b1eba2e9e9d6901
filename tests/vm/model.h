/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A userspace model of the contract, used to predict exact PIDs:
 *   hi      = min(max or infinity, pid_max - 1)
 *   floor   = max(min, 1)
 *   wrap_lo = min if set, else 300 (1 if hi < 300)
 * A search from cursor c starts at max(c, floor) (wrap_lo when that is above
 * hi), scans up to hi, then wraps once to wrap_lo.  An inactive policy is
 * stock Linux.  Occupancy comes from /proc (pid_in_use()).
 */
#ifndef PIDCTL_MODEL_H
#define PIDCTL_MODEL_H

#define MODEL_MAX_RANGES 64

struct pol {
	unsigned int min, max, stride;
	unsigned int nr;
	struct { unsigned int lo, hi; } r[MODEL_MAX_RANGES];
};

/* Fill @p; @reserved is a list such as "5-9,12" (NULL or "" for none). */
void pol_init(struct pol *p, unsigned int min, unsigned int max,
	      unsigned int stride, const char *reserved);
/* Set one knob by name ("min", "max", "stride", "reserved") from its text. */
void pol_set_knob(struct pol *p, const char *knob, const char *val);
int pol_active(const struct pol *p);
unsigned int pol_hi(const struct pol *p, unsigned int pid_max);
unsigned int pol_wrap_lo(const struct pol *p, unsigned int pid_max);
int pol_allowed(const struct pol *p, unsigned int pid, unsigned int pid_max);
/* "min=.. max=.. stride=.. reserved=.." for diagnostics. */
const char *pol_str(const struct pol *p);

/* Next PID handed out from cursor @cursor, or -1 if none is free. */
int model_next(const struct pol *p, unsigned int cursor, unsigned int pid_max);
/* Where the search starts after @pid was handed out. */
unsigned int model_next_cursor(const struct pol *p, unsigned int pid,
			       unsigned int pid_max);
/*
 * The @n PIDs handed out after ns_last_pid := @last, when every task is
 * reaped before the next one is made.  Returns 0, or -1 if the model runs
 * out of PIDs.
 */
int model_seq(const struct pol *p, int last, int n, int *out);
/*
 * The first PID the last model_seq() skipped because a task outside the
 * test (see pid_is_ours()) held it, or -1.
 */
int model_foreign_pid(void);

#endif
