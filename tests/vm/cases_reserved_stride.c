// SPDX-License-Identifier: GPL-2.0
/*
 * Cases 5-7: reserved ranges, stride, and all four knobs together.
 */
#include <errno.h>
#include <stdio.h>

#include "cases.h"

#define SEQ 64

/* 5: reserved singles and ranges. */
void case_reserved(void)
{
	int got[SEQ], i, pid_max = get_pid_max();
	pid_t held[3] = { 0, 0, 0 };
	char v[256], list[64];
	struct pol p, stock;

	/* live children at 5000..5002 */
	if (!CHECK(set_last_pid(4999) == 0, "ns_last_pid=4999"))
		return;
	pol_init(&stock, 0, 0, 1, NULL);
	for (i = 0; i < 3; i++) {
		held[i] = spawn_held();
		expect_pid(held[i], i ? held[i - 1] + 1 : 5000, &stock, 0,
			   "held child");
	}
	if (policy_apply(&p, 0, 0, 1, "5003-5010")) {
		if (expect_seq("5000-5002 busy, 5003-5010 reserved", &p, 4999,
			       2, "ft", got)) {
			CHECK_EQ(got[0], 5011, "skips busy and reserved PIDs");
			CHECK_EQ(got[1], 5012, "then +1");
		}
		if (expect_seq("cursor at 5003 (reserved)", &p, 5002, 1, "f",
			       got))
			CHECK_EQ(got[0], 5011, "cursor at a reserved range");
	}
	release_all(held, 3);

	if (!policy_apply(&p, 0, 0, 1, "5003-5010,5015,5020-5029,5100"))
		return;
	CHECK(knob_read("reserved", v, sizeof(v)) == 0 &&
	      !strcmp(v, "5003-5010,5015,5020-5029,5100"),
	      "reserved reads back: \"%s\"", v);
	if (expect_seq("singles and ranges", &p, 5012, 8, "fftfftff", got)) {
		static const int want[8] = { 5013, 5014, 5016, 5017, 5018,
					     5019, 5030, 5031 };

		for (i = 0; i < 8; i++)
			CHECK_EQ(got[i], want[i], "reserved skipped");
	}
	if (expect_seq("cursor inside 5020-5029", &p, 5021, 1, NULL, got))
		CHECK_EQ(got[0], 5030, "cursor inside a range");
	if (expect_seq("single 5100", &p, 5098, 2, NULL, got)) {
		CHECK_EQ(got[0], 5099, "below the single");
		CHECK_EQ(got[1], 5101, "the single is skipped");
	}
	/* every fork across the whole area avoids the list */
	if (set_last_pid(5000) == 0)
		for (i = 0; i < 60; i++) {
			int pid = make_task(i % 4 ? 'f' : 't');

			if (!CHECK(pid > 0 && pol_allowed(&p, (unsigned)pid,
							  (unsigned)pid_max),
				   "task %d got reserved/invalid PID %d", i, pid))
				break;
		}

	/* a range that reaches pid_max - 1: the search wraps to 300 */
	snprintf(list, sizeof(list), "%d-%d", pid_max - 768, pid_max - 1);
	if (!policy_apply(&p, 0, 0, 1, list))
		return;
	if (expect_seq("range up to pid_max-1", &p, pid_max - 771, 3, NULL,
		       got)) {
		CHECK_EQ(got[0], pid_max - 770, "below the range");
		CHECK_EQ(got[1], pid_max - 769, "just below the range");
		CHECK(got[2] >= 300 && got[2] < pid_max - 770,
		      "wraps to 300 instead of entering the range: %d", got[2]);
	}
}

/* 6: stride. */
void case_stride(void)
{
	int got[SEQ], i;
	struct pol p;

	if (!policy_apply(&p, 0, 0, 7, NULL))
		return;
	if (expect_seq("stride 7 alone", &p, 7000, 5, "fftff", got))
		for (i = 0; i < 5; i++)
			CHECK_EQ(got[i], 7001 + 7 * i, "stride 7");

	if (!policy_apply(&p, 5000, 5050, 7, NULL))
		return;
	if (expect_seq("stride 7 in 5000-5050", &p, 4999, 12, "ftfftfffftff",
		       got)) {
		static const int want[12] = { 5000, 5007, 5014, 5021, 5028,
					      5035, 5042, 5049, 5000, 5007,
					      5014, 5021 };

		for (i = 0; i < 12; i++)
			CHECK_EQ(got[i], want[i], "stride wraps inside window");
	}
	/* a busy PID on the stride path: the next free one, then +stride */
	if (set_last_pid(5013) == 0) {
		pid_t held = spawn_held();	/* cursor 5014 -> 5014 */

		expect_pid(held, 5014, &p, 0, "held child");
		if (expect_seq("stride 7, 5014 busy", &p, 5006, 3, NULL, got)) {
			CHECK_EQ(got[0], 5007, "first");
			CHECK_EQ(got[1], 5015, "5014 busy: next free");
			CHECK_EQ(got[2], 5022, "then +stride from the PID");
		}
		release(held);
	}
	/* stride larger than the window */
	if (!CHECK(knob_write("stride", "100") == 0, "stride=100"))
		return;
	p.stride = 100;
	if (expect_seq("stride 100 > window", &p, 5009, 3, NULL, got)) {
		CHECK_EQ(got[0], 5010, "first");
		CHECK_EQ(got[1], 5000, "wrap to min");
		CHECK_EQ(got[2], 5000, "wrap to min again");
	}
}

/* 7: min, max, stride and reserved together. */
void case_all_knobs(void)
{
	int got[SEQ], i, pid_max = get_pid_max();
	struct pol p;

	if (!policy_apply(&p, 5000, 5100, 3, "5010-5019,5050"))
		return;
	if (expect_seq("all four knobs", &p, 4990, 36, NULL, got)) {
		CHECK_EQ(got[0], 5000, "starts at min");
		CHECK_EQ(got[3], 5009, "+stride");
		CHECK_EQ(got[4], 5020, "5012 reserved: first allowed after");
		CHECK_EQ(got[13], 5047, "+stride");
		CHECK_EQ(got[14], 5051, "5050 reserved");
		CHECK_EQ(got[30], 5099, "last below max");
		CHECK_EQ(got[31], 5000, "5102 > max: wrap to min");
		CHECK_EQ(got[32], 5003, "+stride");
	}
	for (i = 0; i < 36; i++)
		CHECK(pol_allowed(&p, (unsigned)got[i], (unsigned)pid_max),
		      "PID %d not allowed", got[i]);
	if (expect_seq("all four knobs, threads", &p, 5040, 6, "tttttt", got)) {
		CHECK_EQ(got[0], 5041, "thread");
		CHECK_EQ(got[1], 5044, "thread +stride");
		CHECK_EQ(got[2], 5047, "thread +stride");
		CHECK_EQ(got[3], 5051, "thread skips reserved");
	}
}
