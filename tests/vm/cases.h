/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test cases.  Each runs in its own process, with the module loaded
 * (unless it loads it itself), the knobs at their defaults, pid_max as the
 * guest booted, and the PID cursor parked in the scratch area, so that the
 * case's own helper processes sit far from the windows the cases use
 * (4000..29999).
 */
#ifndef PIDCTL_CASES_H
#define PIDCTL_CASES_H

#include <string.h>

#include "knobs.h"
#include "model.h"
#include "procs.h"
#include "tap.h"

/* ns_last_pid value that parks the cursor away from every test window. */
int scratch_last_pid(void);
void park_cursor(void);

/* The four knob names, for table-driven cases. */
extern const char *const knob_names[4];

void case_load_defaults(void);		/* 1 */
void case_max_alone(void);		/* 2 */
void case_min_alone(void);		/* 3 */
void case_window(void);			/* 4 */
void case_reserved(void);		/* 5 */
void case_stride(void);			/* 6 */
void case_all_knobs(void);		/* 7 */
void case_threads(void);		/* 8 */
void case_exhaustion(void);		/* 9 */
void case_concurrency(void);		/* 10 */
void case_pidns_loop(void);		/* 11 */
void case_set_tid(void);		/* 12 */
void case_bad_writes(void);		/* 13 */
void case_permissions(void);		/* 14 */
void case_module_params(void);		/* 15 */
void case_rmmod_storm(void);		/* 16 */
void case_ns_last_pid(void);		/* 17 */
void case_pid_max(void);		/* 18 */
void case_pidns_pid_max(void);		/* 19 */
void case_unpriv_writes_speed(void);	/* 20 */
void case_load_storm(void);		/* 21 */
void case_priv_writes_race(void);	/* 22 */
void case_toggle_storm(void);		/* 23 */
void case_probe_site(void);		/* 24 */
void case_kprobes_disarmed(void);	/* 25 */
void case_counters(void);		/* 26 */
void case_random_gaps(void);		/* 27 */
void case_random_policy(void);		/* 28 */
void case_ns_container(void);		/* 29 */
void case_ns_nested(void);		/* 30 */
void case_ns_permissions(void);		/* 31 */
void case_ns_churn(void);		/* 32 */
void case_ns_file_errors(void);		/* 33 */

#endif
