// SPDX-License-Identifier: GPL-2.0
/*
 * Cases 2-4, 17 and 18: the window knobs min and max, the cursor
 * (ns_last_pid) and pid_max.  The guest is idle, so the PIDs forked here
 * are predicted exactly, both from hand-pinned values and from the model.
 */
#include <errno.h>

#include "cases.h"

#define SEQ 64

/* 2: max alone, cursor already above max: wrap to 300 (min is off). */
void case_max_alone(void)
{
	int got[SEQ], i, pid_max = get_pid_max();
	struct pol p;

	if (!policy_apply(&p, 0, 2000, 1, NULL))
		return;
	if (expect_seq("max=2000, ns_last_pid=3000", &p, 3000, 4, "fftf", got)) {
		CHECK(got[0] >= 300 && got[0] <= 2000,
		      "first PID after the wrap is %d, want 300..2000", got[0]);
		diag("after the wrap: %s", ints_str(got, 4));
	}
	if (expect_seq("max=2000, up to max then wrap", &p, 1996, 6, "fftfff",
		       got)) {
		for (i = 0; i < 4; i++)
			CHECK_EQ(got[i], 1997 + i, "fork below max");
		CHECK(got[4] >= 300 && got[4] < 1997,
		      "after max the search wraps to 300: got %d", got[4]);
	}
	/* many forks from just below max: none above it */
	if (set_last_pid(1990) == 0)
		for (i = 0; i < 40; i++) {
			int pid = make_task(i % 3 ? 'f' : 't');

			if (!CHECK(pid > 0 && pid <= 2000 && pid >= 300,
				   "task %d got %d (max=2000)", i, pid))
				break;
		}
	/* the cursor at pid_max: the window still decides */
	expect_seq("max=2000, ns_last_pid=pid_max-1", &p, pid_max - 1, 2, NULL,
		   got);
}

/* 3: min alone. */
void case_min_alone(void)
{
	int got[SEQ], pid_max = get_pid_max();
	struct pol p;

	if (!policy_apply(&p, 6000, 0, 1, NULL))
		return;
	if (expect_seq("min=6000, ns_last_pid=100", &p, 100, 3, "ftf", got)) {
		CHECK_EQ(got[0], 6000, "first fork below min gets min");
		CHECK_EQ(got[1], 6001, "then min+1");
		CHECK_EQ(got[2], 6002, "then min+2");
	}
	if (expect_seq("min=6000, ns_last_pid=5998", &p, 5998, 2, NULL, got))
		CHECK_EQ(got[0], 6000, "cursor just below min");
	/* at pid_max the search wraps to min, not to 300 */
	if (expect_seq("min=6000, wrap at pid_max", &p, pid_max - 3, 4, NULL,
		       got)) {
		CHECK_EQ(got[0], pid_max - 2, "below pid_max");
		CHECK_EQ(got[1], pid_max - 1, "pid_max - 1");
		CHECK_EQ(got[2], 6000, "wrap restarts at min");
		CHECK_EQ(got[3], 6001, "then min+1");
	}
	if (expect_seq("min=6000, ns_last_pid=0", &p, 0, 1, "t", got))
		CHECK_EQ(got[0], 6000, "thread with cursor at 1");
}

/* 4: a window. */
void case_window(void)
{
	int got[SEQ], i;
	struct pol p;

	if (!policy_apply(&p, 5000, 5020, 1, NULL))
		return;
	if (expect_seq("window 5000-5020 from 5015", &p, 5015, 8, "fftfftff",
		       got)) {
		static const int want[8] = { 5016, 5017, 5018, 5019, 5020,
					     5000, 5001, 5002 };

		for (i = 0; i < 8; i++)
			CHECK_EQ(got[i], want[i], "window cycle");
	}
	if (expect_seq("window 5000-5020, 50 forks", &p, 4999, 50, NULL, got)) {
		for (i = 0; i < 50; i++)
			CHECK_EQ(got[i], 5000 + i % 21, "cycling in the window");
	}
	if (expect_seq("window, cursor far above", &p, 20000, 2, "tf", got)) {
		CHECK_EQ(got[0], 5000, "cursor above max wraps to min");
		CHECK_EQ(got[1], 5001, "then min+1");
	}
	if (expect_seq("window, cursor far below", &p, 400, 1, NULL, got))
		CHECK_EQ(got[0], 5000, "cursor below min starts at min");
}

/* 17: ns_last_pid writes only move the cursor; the policy decides. */
void case_ns_last_pid(void)
{
	int got[SEQ];
	struct pol p;

	if (!policy_apply(&p, 5000, 5100, 1, "5050-5059"))
		return;
	if (expect_seq("ns_last_pid=5020", &p, 5020, 2, NULL, got)) {
		CHECK_EQ(got[0], 5021, "next is ns_last_pid+1 when allowed");
		CHECK_EQ(got[1], 5022, "then +1");
	}
	if (expect_seq("ns_last_pid=5049", &p, 5049, 1, NULL, got))
		CHECK_EQ(got[0], 5060, "5050-5059 reserved: next allowed");
	if (expect_seq("ns_last_pid=5053", &p, 5053, 1, "t", got))
		CHECK_EQ(got[0], 5060, "cursor inside a reserved range");
	if (expect_seq("ns_last_pid=3000", &p, 3000, 1, NULL, got))
		CHECK_EQ(got[0], 5000, "cursor below the window");
	if (expect_seq("ns_last_pid=6000", &p, 6000, 1, NULL, got))
		CHECK_EQ(got[0], 5000, "cursor above the window wraps to min");
	if (expect_seq("ns_last_pid=5100", &p, 5100, 1, NULL, got))
		CHECK_EQ(got[0], 5000, "cursor at max+1 wraps to min");
	/* a live task at ns_last_pid+1: the next free allowed one */
	if (set_last_pid(5029) == 0) {
		pid_t held = spawn_held();

		expect_pid(held, 5030, &p, 0, "held child");
		if (expect_seq("ns_last_pid=5029, 5030 busy", &p, 5029, 1, NULL,
			       got))
			CHECK_EQ(got[0], 5031, "busy PID skipped");
		release(held);
	}
	/* with a stride the cursor write still decides where to start */
	if (!CHECK(knob_write("stride", "4") == 0, "stride=4"))
		return;
	p.stride = 4;
	if (expect_seq("stride 4, ns_last_pid=5020", &p, 5020, 3, NULL, got)) {
		CHECK_EQ(got[0], 5021, "first after the write");
		CHECK_EQ(got[1], 5025, "then +stride");
		CHECK_EQ(got[2], 5029, "then +stride");
		/* the PID just handed out, written back: still the user's cursor */
		if (expect_seq("stride 4, ns_last_pid=5029, the last PID", &p,
			       5029, 2, NULL, got)) {
			CHECK_EQ(got[0], 5030, "ns_last_pid+1, not +stride");
			CHECK_EQ(got[1], 5034, "then +stride");
		}
	}
	/* the write itself does not change any knob */
	{
		char v[64];

		CHECK(knob_read("min", v, sizeof(v)) == 0 && !strcmp(v, "5000"),
		      "min unchanged: %s", v);
		CHECK(knob_read("reserved", v, sizeof(v)) == 0 &&
		      !strcmp(v, "5050-5059"), "reserved unchanged: %s", v);
	}
}

/* 18: pid_max lower than max: pid_max wins. */
void case_pid_max(void)
{
	int got[SEQ], i, old = get_pid_max(), rc;
	struct pol p;

	if (old < 30001)
		skip_case("pid_max %d is too small for this case", old);
	if (!policy_apply(&p, 15000, 30000, 1, NULL))
		return;
	rc = set_pid_max(20000);
	if (!CHECK(rc == 0, "pid_max=20000: %s", strerror(-rc)))
		return;
	if (expect_seq("pid_max=20000 < max=30000", &p, 19995, 6, "fftfff",
		       got)) {
		for (i = 0; i < 4; i++)
			CHECK_EQ(got[i], 19996 + i, "below pid_max");
		CHECK_EQ(got[4], 15000, "pid_max-1 is the top: wrap to min");
		CHECK_EQ(got[5], 15001, "then min+1");
	}
	if (expect_seq("pid_max=20000, ns_last_pid=20000", &p, 20000, 1, NULL,
		       got))
		CHECK_EQ(got[0], 15000, "cursor at pid_max wraps to min");
	/* max alone, pid_max lower: wrap to 300 */
	rc = knob_write("min", "0");
	CHECK(rc == 0, "min=0: %s", strerror(-rc));
	p.min = 0;
	if (expect_seq("max=30000 min off, pid_max=20000", &p, 19997, 3, NULL,
		       got)) {
		CHECK_EQ(got[0], 19998, "below pid_max");
		CHECK_EQ(got[1], 19999, "pid_max - 1");
		CHECK(got[2] >= 300 && got[2] < 19998, "wrap to 300: got %d",
		      got[2]);
	}
	/* pid_max back up: max=30000 applies again */
	rc = set_pid_max(old);
	CHECK(rc == 0, "pid_max back to %d: %s", old, strerror(-rc));
	if (expect_seq("max=30000 with pid_max restored", &p, 29998, 3, NULL,
		       got)) {
		CHECK_EQ(got[0], 29999, "below max");
		CHECK_EQ(got[1], 30000, "max itself");
		CHECK(got[2] >= 300 && got[2] < 29999, "wrap: got %d", got[2]);
	}
}
