// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the text side of the policy core: pidctl_parse_uint(),
 * pidctl_count_ranges(), pidctl_parse_ranges() (grammar, canonical form,
 * caps) and pidctl_format_ranges(), the value of kernel.pidctl.random
 * as its sysctl and the random= parameter take it (parse, then validate),
 * and the lines written to kernel.pidctl.namespaces
 * (pidctl_parse_ns_line()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/pidctl_core.h"
#include "tap.h"

#define LIMIT PIDCTL_PID_MAX_LIMIT
#define EINVAL_ (-PIDCTL_EINVAL)
#define E2BIG_ (-PIDCTL_E2BIG)

/* room for the 10,000-range lists below, whatever the cap is */
static struct pidctl_range ranges[(PIDCTL_MAX_RANGES > 10000 ? PIDCTL_MAX_RANGES : 10000) + 8];

/* Parse @len bytes of @s with @cap; on success format into @text. */
static int parse_fmt(const char *s, unsigned long len, unsigned int cap,
		     char *text, unsigned long size, unsigned int *nr)
{
	int ret = pidctl_parse_ranges(s, len, ranges, cap, nr);

	text[0] = '\0';
	if (!ret)
		pidctl_format_ranges(ranges, *nr, text, size);
	return ret;
}

static void test_parse_uint(void)
{
	static const struct {
		const char *in;
		unsigned int limit;
		int ret;
		unsigned int val;
	} cases[] = {
		{ "0", LIMIT, 0, 0 },
		{ "1", LIMIT, 0, 1 },
		{ "42\n", LIMIT, 0, 42 },
		{ " \t42 \n", LIMIT, 0, 42 },
		{ "4194304", LIMIT, 0, LIMIT },
		{ "4194305", LIMIT, EINVAL_, 0 },
		{ "4294967295", 4294967295u, 0, 4294967295u },
		{ "4294967296", 4294967295u, EINVAL_, 0 },
		{ "99999999999999999999", 4294967295u, EINVAL_, 0 },
		{ "10", 9, EINVAL_, 0 },
		{ "9", 9, 0, 9 },
		{ "1", 0, EINVAL_, 0 },
		{ "0", 0, 0, 0 },
		{ "", LIMIT, EINVAL_, 0 },
		{ " \n", LIMIT, EINVAL_, 0 },
		{ "-1", LIMIT, EINVAL_, 0 },
		{ "+1", LIMIT, EINVAL_, 0 },
		{ "0x10", LIMIT, EINVAL_, 0 },
		{ "010", LIMIT, EINVAL_, 0 },
		{ "00", LIMIT, EINVAL_, 0 },
		{ "1e3", LIMIT, EINVAL_, 0 },
		{ "12a", LIMIT, EINVAL_, 0 },
		{ "1 2", LIMIT, EINVAL_, 0 },
		{ "1\r\n", LIMIT, EINVAL_, 0 },
		{ "1,", LIMIT, EINVAL_, 0 },
	};
	unsigned int i, val;
	int ret;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		val = 12345;
		ret = pidctl_parse_uint(cases[i].in, strlen(cases[i].in),
					cases[i].limit, &val);
		tap_ok(ret == cases[i].ret &&
		       (ret || val == cases[i].val) && (!ret || val == 12345),
		       "parse_uint \"%s\" limit %u -> %d/%u (got %d/%u)",
		       tap_str(cases[i].in), cases[i].limit, cases[i].ret, cases[i].val,
		       ret, val);
	}
	ret = pidctl_parse_uint("12\0" "3", 4, LIMIT, &val);
	tap_ok(ret == EINVAL_, "parse_uint embedded NUL is rejected");
	ret = pidctl_parse_uint("123", 2, LIMIT, &val);
	tap_ok(!ret && val == 12, "parse_uint reads only @len bytes");
	ret = pidctl_parse_uint(NULL, 0, LIMIT, &val);
	tap_ok(ret == EINVAL_, "parse_uint of no bytes (NULL, 0) is rejected");
}

static void test_malformed(void)
{
	static const char *const bad[] = {
		",", ",,", "1,,2", ",1", "1,", " , ", "1,\n",
		"-5", "5-", "5-3", "0", "0-5", "3-0", "+5", "5-+6", "0x10",
		"1e3", "a", "1-a", "abc", "1-2-3", "1--2", "1 2", "1-2 3",
		"010", "1-010", "99999999999999999999", "4194305",
		"1-4194305", "4194305-4194306", "4294967296", "1;2", "1\r",
		"\v1", "1.5", "-", "1-", "- 1",
	};
	unsigned int i, nr = 77;
	char text[64];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = parse_fmt(bad[i], strlen(bad[i]), 16, text,
				    sizeof(text), &nr);

		tap_ok(ret == EINVAL_ && nr == 0,
		       "malformed \"%s\" is -EINVAL (got %d, nr %u)", tap_str(bad[i]),
		       ret, nr);
	}
	tap_ok(parse_fmt("1\0" ",2", 4, 16, text, sizeof(text), &nr) == EINVAL_,
	       "embedded NUL is rejected");
	tap_ok(parse_fmt("1,2\0", 4, 16, text, sizeof(text), &nr) == EINVAL_,
	       "trailing NUL inside @len is rejected");
	tap_ok(parse_fmt("1,2\0garbage", 3, 16, text, sizeof(text), &nr) == 0 &&
	       !strcmp(text, "1-2"), "bytes past @len are ignored");
}

static void test_accepted(void)
{
	static const struct {
		const char *in;
		const char *canon;
		unsigned int nr;
	} good[] = {
		{ "", "", 0 },
		{ " ", "", 0 },
		{ "\n", "", 0 },
		{ " \t\n \n", "", 0 },
		{ "7", "7", 1 },
		{ "7\n", "7", 1 },
		{ "1-1", "1", 1 },
		{ " 1 - 5 , 7\n", "1-5,7", 2 },
		{ "\t1\t-\t5\t,\t7\t", "1-5,7", 2 },
		{ "1-5,\n7\n", "1-5,7", 2 },
		{ "1-4194304", "1-4194304", 1 },
		{ "4194304", "4194304", 1 },
		{ "10,1-3,5", "1-3,5,10", 3 },
		{ "1-3,4-6", "1-6", 1 },
		{ "1-3,3-6", "1-6", 1 },
		{ "1-10,2-3", "1-10", 1 },
		{ "5,4,3,2,1", "1-5", 1 },
		{ "5,5,5", "5", 1 },
		{ "1,3,5", "1,3,5", 3 },
		{ "100-200,1-99,300", "1-200,300", 2 },
		{ "9-9,8,7-7,20-30,25-40,42,41", "7-9,20-42", 2 },
		{ "1000-2000,1500-1600,2001,3000-4000,2002-2999",
		  "1000-4000", 1 },
	};
	unsigned int i, nr;
	char text[128];
	int ret;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ret = parse_fmt(good[i].in, strlen(good[i].in), 16, text,
				sizeof(text), &nr);
		tap_ok(!ret && nr == good[i].nr && !strcmp(text, good[i].canon),
		       "\"%s\" is canonical \"%s\" (got %d, \"%s\")",
		       tap_str(good[i].in), good[i].canon, ret, text);
	}
}

/*
 * "1,3,5,..." with @n single PIDs, @step apart, in descending order when
 * @step is negative; returns a malloc'ed string.
 */
static char *many(unsigned int n, int step)
{
	char *s = malloc((unsigned long)n * 12 + 1), *p = s;
	unsigned int i, pid;

	for (i = 0; i < n; i++) {
		pid = step > 0 ? 1 + i * (unsigned int)step :
		      1 + (n - 1 - i) * (unsigned int)-step;
		p += sprintf(p, "%s%u", i ? "," : "", pid);
	}
	return s;
}

static void test_caps(void)
{
	unsigned int nr, i, ok;
	char text[32];
	char *s;
	int ret;

	tap_ok(pidctl_count_ranges("", 0) == 1, "count_ranges(\"\") == 1");
	tap_ok(pidctl_count_ranges(NULL, 0) == 1, "count_ranges(NULL, 0) == 1");
	tap_ok(pidctl_count_ranges("1-2,3,,", 7) == 4,
	       "count_ranges counts commas + 1, even empty items");
	tap_ok(pidctl_count_ranges("1,2,3", 3) == 2,
	       "count_ranges reads only @len bytes");

	ret = parse_fmt("1,2,3", 5, 2, text, sizeof(text), &nr);
	tap_ok(ret == E2BIG_ && nr == 0, "3 items, cap 2 -> -E2BIG (got %d)",
	       ret);
	ret = parse_fmt("1,2,3", 5, 3, text, sizeof(text), &nr);
	tap_ok(!ret && nr == 1 && !strcmp(text, "1-3"),
	       "3 items, cap 3 -> ok, merged to one");
	ret = parse_fmt("1,2,x", 5, 2, text, sizeof(text), &nr);
	tap_ok(ret == EINVAL_, "malformed beats too many: -EINVAL (got %d)",
	       ret);
	ret = parse_fmt(" \n", 2, 0, text, sizeof(text), &nr);
	tap_ok(!ret && nr == 0, "blank text with cap 0 -> ok, no ranges");
	ret = pidctl_parse_ranges("5", 1, NULL, 0, &nr);
	tap_ok(ret == E2BIG_, "one item with cap 0 -> -E2BIG (got %d)", ret);

	s = many(10000, 2);
	ret = pidctl_parse_ranges(s, strlen(s), ranges,
				  pidctl_count_ranges(s, strlen(s)), &nr);
	ok = !ret && nr == 10000;
	for (i = 0; ok && i < nr; i++)
		ok = ranges[i].lo == 1 + 2 * i && ranges[i].hi == ranges[i].lo;
	tap_ok(ok, "10000 separate ranges parse, sorted (got %d, nr %u)", ret,
	       nr);
	ret = pidctl_parse_ranges(s, strlen(s), ranges, 9999, &nr);
	tap_ok(ret == E2BIG_, "10000 ranges with cap 9999 -> -E2BIG");
	free(s);

	s = many(10000, -2);
	ret = pidctl_parse_ranges(s, strlen(s), ranges, 10000, &nr);
	ok = !ret && nr == 10000;
	for (i = 0; ok && i < nr; i++)
		ok = ranges[i].lo == 1 + 2 * i && ranges[i].hi == ranges[i].lo;
	tap_ok(ok, "10000 ranges in descending order come out sorted");
	free(s);

	s = many(PIDCTL_MAX_RANGES, 3);
	ret = pidctl_parse_ranges(s, strlen(s), ranges, PIDCTL_MAX_RANGES, &nr);
	tap_ok(!ret && nr == PIDCTL_MAX_RANGES &&
	       pidctl_count_ranges(s, strlen(s)) == PIDCTL_MAX_RANGES,
	       "PIDCTL_MAX_RANGES ranges fit the cap exactly");
	free(s);

	s = many(10000, 1);
	ret = pidctl_parse_ranges(s, strlen(s), ranges, 10000, &nr);
	tap_ok(!ret && nr == 1 && ranges[0].lo == 1 && ranges[0].hi == 10000,
	       "10000 adjacent PIDs merge into 1-10000");
	free(s);
}

static void test_format(void)
{
	static const struct pidctl_range r[] = {
		{ 1, 5 }, { 7, 7 }, { 100, 4194304 },
	};
	const char *full = "1-5,7,100-4194304";
	unsigned long n, len = strlen(full), size;
	char buf[64];
	unsigned int nr;
	int ok = 1;

	n = pidctl_format_ranges(r, 3, NULL, 0);
	tap_ok(n == len, "format(NULL, 0) returns the needed length %lu (%lu)",
	       len, n);
	n = pidctl_format_ranges(r, 0, buf, sizeof(buf));
	tap_ok(n == 0 && buf[0] == '\0', "format of no ranges is \"\"");
	for (size = 1; size <= len + 2; size++) {
		memset(buf, 'X', sizeof(buf));
		n = pidctl_format_ranges(r, 3, buf, size);
		if (n != len || strlen(buf) != (size > len ? len : size - 1) ||
		    strncmp(buf, full, strlen(buf)) || buf[size] != 'X')
			ok = 0;
	}
	tap_ok(ok, "format truncates like snprintf for every buffer size");
	memset(buf, 'X', sizeof(buf));
	pidctl_format_ranges(r, 3, buf, 0);
	tap_ok(buf[0] == 'X', "format with size 0 writes nothing");

	pidctl_format_ranges(r, 3, buf, sizeof(buf));
	ok = !pidctl_parse_ranges(buf, strlen(buf), ranges, 3, &nr) &&
	     nr == 3 && !memcmp(ranges, r, sizeof(r));
	tap_ok(ok, "parse(format(r)) == r");
}

/*
 * random: the sysctl handler and the module parameter both parse with
 * pidctl_parse_uint(.., PIDCTL_PID_MAX_LIMIT, ..) and then validate the
 * whole policy, which enforces 0..PIDCTL_RANDOM_MAX.
 */
static void test_random_value(void)
{
	static const struct {
		const char *text;
		int want;
		unsigned int val;
	} cases[] = {
		{ "0", 0, 0 }, { "1", 0, 1 }, { "16\t", 0, 16 },
		{ " 65536 ", 0, 65536 }, { "65537", EINVAL_, 0 },
		{ "4194304", EINVAL_, 0 }, { "4194305", EINVAL_, 0 },
		{ "-1", EINVAL_, 0 }, { "+5", EINVAL_, 0 }, { "0x10", EINVAL_, 0 },
		{ "010", EINVAL_, 0 }, { "", EINVAL_, 0 }, { "1 6", EINVAL_, 0 },
	};
	struct pidctl_policy p = { .stride = 1 };
	unsigned int i, v;
	int ret;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = 12345;
		ret = pidctl_parse_uint(cases[i].text, strlen(cases[i].text),
					LIMIT, &v);
		if (!ret) {
			p.random = v;
			ret = pidctl_policy_validate(&p, 32768);
		}
		tap_ok(ret == cases[i].want && (ret || v == cases[i].val),
		       "random \"%s\" -> %d/%u (got %d/%u)", cases[i].text,
		       cases[i].want, cases[i].val, ret, ret ? 0 : v);
	}
}

/* What a namespaces line parses to, as text, for comparing. */
static void ns_line_text(const char *in, const struct pidctl_ns_line *l,
			 char *out, size_t size)
{
	snprintf(out, size, "pid=%u set=%#x min=%u max=%u stride=%u random=%u reserved=\"%.*s\"",
		 l->pid, l->set, l->min, l->max, l->stride, l->random,
		 (int)l->reserved_len, in + l->reserved_off);
}

/* @in with its blanks but space spelled out, for a one-line test name. */
static const char *ns_line_name(const char *in)
{
	static char name[128];
	size_t n = 0;

	for (; *in && n < sizeof(name) - 3; in++) {
		if (*in == '\n' || *in == '\t') {
			name[n++] = '\\';
			name[n++] = *in == '\n' ? 'n' : 't';
		} else {
			name[n++] = *in;
		}
	}
	name[n] = '\0';
	return name;
}

static void test_ns_line(void)
{
	static const struct {
		const char *in;
		int ret;
		const char *want;	/* ns_line_text() of the result */
	} cases[] = {
		{ "4242 max=65535", 0,
		  "pid=4242 set=0x2 min=0 max=65535 stride=1 random=0 reserved=\"\"" },
		{ "4242 max=65535\n", 0,
		  "pid=4242 set=0x2 min=0 max=65535 stride=1 random=0 reserved=\"\"" },
		{ " \t7  min=300\tmax=400 stride=3 random=16 reserved=1-5,9 \n", 0,
		  "pid=7 set=0x1f min=300 max=400 stride=3 random=16 reserved=\"1-5,9\"" },
		{ "7 reserved=", 0,
		  "pid=7 set=0x10 min=0 max=0 stride=1 random=0 reserved=\"\"" },
		{ "7 reserved=x,,y", 0,	/* the list is parsed later, by parse_ranges */
		  "pid=7 set=0x10 min=0 max=0 stride=1 random=0 reserved=\"x,,y\"" },
		{ "7 min=0 max=0", 0,
		  "pid=7 set=0x3 min=0 max=0 stride=1 random=0 reserved=\"\"" },
		{ "4194303 max=4194304", 0,
		  "pid=4194303 set=0x2 min=0 max=4194304 stride=1 random=0 reserved=\"\"" },
		{ "4194304 max=5", EINVAL_, NULL },	/* no such PID */
		{ "7 max=4194305", EINVAL_, NULL },
		{ "0 max=5", EINVAL_, NULL },
		{ "", EINVAL_, NULL },
		{ "\n", EINVAL_, NULL },
		{ "4242", EINVAL_, NULL },		/* no key */
		{ "4242\n", EINVAL_, NULL },
		{ "max=5", EINVAL_, NULL },		/* no pid */
		{ "4242 max", EINVAL_, NULL },
		{ "4242 max=", EINVAL_, NULL },
		{ "4242 =5", EINVAL_, NULL },
		{ "4242 pid_max=5", EINVAL_, NULL },
		{ "4242 maxx=5", EINVAL_, NULL },
		{ "4242 ma=5", EINVAL_, NULL },
		{ "4242 MAX=5", EINVAL_, NULL },
		{ "4242 max=5 max=6", EINVAL_, NULL },
		{ "4242 reserved=1 reserved=2", EINVAL_, NULL },
		{ "4242 max=010", EINVAL_, NULL },
		{ "4242 max=0x10", EINVAL_, NULL },
		{ "4242 max=-1", EINVAL_, NULL },
		{ "4242 max=+1", EINVAL_, NULL },
		{ "4242 max=5x", EINVAL_, NULL },
		{ "4242 max = 5", EINVAL_, NULL },
		{ "04242 max=5", EINVAL_, NULL },
		{ "4242max=5", EINVAL_, NULL },
		{ "-4242 max=5", EINVAL_, NULL },
		{ "4242,max=5", EINVAL_, NULL },
		{ "4242 max=5\nmin=3", EINVAL_, NULL },	/* one line only */
		{ "4242\nmax=5", EINVAL_, NULL },
		{ "4242 max=5\n\n", EINVAL_, NULL },
		{ "\n4242 max=5", EINVAL_, NULL },
		{ "4242 reserved=1\n2", EINVAL_, NULL },
		{ "4242 max=5 \t\n", 0,
		  "pid=4242 set=0x2 min=0 max=5 stride=1 random=0 reserved=\"\"" },
		{ "4242 reserved=1-5\n", 0,
		  "pid=4242 set=0x10 min=0 max=0 stride=1 random=0 reserved=\"1-5\"" },
	};
	struct pidctl_ns_line l;
	char got[256];
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&l, 0x5a, sizeof(l));
		ret = pidctl_parse_ns_line(cases[i].in, strlen(cases[i].in), &l);
		if (ret) {
			/* untouched on error */
			tap_ok(ret == cases[i].ret && l.pid == 0x5a5a5a5au,
			       "namespaces line \"%s\": %d, want %d",
			       ns_line_name(cases[i].in), ret, cases[i].ret);
			continue;
		}
		ns_line_text(cases[i].in, &l, got, sizeof(got));
		tap_ok(!cases[i].ret && !strcmp(got, cases[i].want),
		       "namespaces line \"%s\": %s", ns_line_name(cases[i].in),
		       got);
	}
	/* a NUL is a byte like any other: malformed */
	tap_ok(pidctl_parse_ns_line("7 max=5\0", 8, &l) == EINVAL_,
	       "namespaces line with a NUL byte");
}

int main(void)
{
	test_ns_line();
	test_random_value();
	test_parse_uint();
	test_malformed();
	test_accepted();
	test_caps();
	test_format();
	return tap_exit_status();
}
