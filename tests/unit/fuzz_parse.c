// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the text side of the policy core.  For any input:
 *  - pidctl_parse_ranges() with cap = pidctl_count_ranges() never says
 *    -E2BIG, and on success its output is canonical (sorted, merged, in
 *    bounds) and parse(format(parse(x))) == parse(x), with format() a
 *    fixed point and its length predicted by format(NULL, 0);
 *  - a list that parsed with n items is -E2BIG with one slot fewer;
 *  - pidctl_parse_uint() agrees with a naive reference parser, and a lone
 *    number the range parser accepts is the uint parser's number;
 *  - pidctl_parse_ns_line() leaves its output alone on error; on success
 *    the reserved value lies inside the input and holds no blank, the
 *    numbers are in bounds, and the line written back from the result
 *    parses to the same result.
 * Build: clang -fsanitize=fuzzer,address,undefined (see the Makefile).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/pidctl_core.h"

#define CAP (PIDCTL_MAX_RANGES + 1)

static struct pidctl_range first[CAP], second[CAP];
static char text[CAP * 24], text2[CAP * 24];

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static int is_blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* The reference: the documented number grammar, in 64-bit arithmetic. */
static int ref_parse_uint(const uint8_t *d, size_t len, unsigned int limit,
			  unsigned int *out)
{
	size_t i = 0, start;
	uint64_t v = 0;

	while (i < len && is_blank(d[i]))
		i++;
	start = i;
	while (i < len && d[i] >= '0' && d[i] <= '9') {
		v = v * 10 + (d[i] - '0');
		if (v > limit)
			return -PIDCTL_EINVAL;
		i++;
	}
	if (i == start || (d[start] == '0' && i - start > 1))
		return -PIDCTL_EINVAL;
	while (i < len && is_blank(d[i]))
		i++;
	if (i != len)
		return -PIDCTL_EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static void check_uint(const uint8_t *d, size_t len)
{
	static const unsigned int limits[] = {
		0, 9, 10, PIDCTL_PID_MAX_LIMIT, 0xffffffffu
	};
	unsigned int i, got, want;
	int ret, ref;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		got = 0xdead;
		want = 0xbeef;
		ret = pidctl_parse_uint((const char *)d, len, limits[i], &got);
		ref = ref_parse_uint(d, len, limits[i], &want);
		CHECK(ret == ref);
		CHECK(ret ? got == 0xdead : got == want && got <= limits[i]);
	}
}

static void check_ranges(const uint8_t *d, size_t len)
{
	const char *s = (const char *)d;
	unsigned int cap = pidctl_count_ranges(s, len), nr, nr2, i, v;
	unsigned long n, n2;
	int ret;

	if (cap > CAP)
		cap = CAP;
	ret = pidctl_parse_ranges(s, len, first, cap, &nr);
	if (pidctl_count_ranges(s, len) <= CAP)
		CHECK(ret != -PIDCTL_E2BIG);
	if (ret) {
		CHECK(ret == -PIDCTL_EINVAL || ret == -PIDCTL_E2BIG);
		CHECK(nr == 0);
		return;
	}
	CHECK(nr <= cap);
	for (i = 0; i < nr; i++) {
		CHECK(first[i].lo >= 1 && first[i].lo <= first[i].hi);
		CHECK(first[i].hi <= PIDCTL_PID_MAX_LIMIT);
		CHECK(!i || first[i].lo > first[i - 1].hi + 1);
	}

	n = pidctl_format_ranges(first, nr, NULL, 0);
	CHECK(n < sizeof(text));
	CHECK(pidctl_format_ranges(first, nr, text, sizeof(text)) == n);
	CHECK(strlen(text) == n);
	CHECK(!strpbrk(text, " \t\n"));
	CHECK(!pidctl_parse_ranges(text, n, second, nr, &nr2));
	CHECK(nr2 == nr && !memcmp(first, second, nr * sizeof(first[0])));
	n2 = pidctl_format_ranges(second, nr2, text2, sizeof(text2));
	CHECK(n2 == n && !strcmp(text, text2));

	/* Items = commas + 1 for a non-empty list: one slot fewer is E2BIG. */
	if (nr)
		CHECK(pidctl_parse_ranges(s, len, second, cap - 1, &nr2) ==
		      -PIDCTL_E2BIG);

	/* A lone number: both parsers agree on it. */
	if (!memchr(d, ',', len) && !memchr(d, '-', len) && nr) {
		CHECK(!pidctl_parse_uint(s, len, PIDCTL_PID_MAX_LIMIT, &v));
		CHECK(nr == 1 && first[0].lo == v && first[0].hi == v);
	}
}

static void check_ns_line(const uint8_t *d, size_t len)
{
	static const char *const keys[] = {
		"min", "max", "stride", "random", "reserved"
	};
	struct pidctl_ns_line l, again;
	unsigned int vals[4], k;
	size_t n;
	int ret;

	memset(&l, 0x5a, sizeof(l));
	ret = pidctl_parse_ns_line((const char *)d, len, &l);
	if (ret) {
		CHECK(ret == -PIDCTL_EINVAL && l.pid == 0x5a5a5a5au);
		return;
	}
	CHECK(l.pid >= 1 && l.pid < PIDCTL_PID_MAX_LIMIT);
	CHECK(l.set && !(l.set & ~0x1fu));
	CHECK(l.reserved_off <= len && l.reserved_len <= len - l.reserved_off);
	for (n = 0; n < l.reserved_len; n++)
		CHECK(!is_blank(d[l.reserved_off + n]));
	/* one line: a newline only as the last byte */
	for (n = 0; n + 1 < len; n++)
		CHECK(d[n] != '\n');
	vals[0] = l.min;
	vals[1] = l.max;
	vals[2] = l.stride;
	vals[3] = l.random;
	/* write it back, in canonical spelling, and parse that */
	n = (size_t)snprintf(text, sizeof(text), "%u", l.pid);
	for (k = 0; k < 5; k++) {
		if (!(l.set & (1u << k)))
			continue;
		CHECK(k == 4 || vals[k] <= PIDCTL_PID_MAX_LIMIT);
		if (k < 4)
			n += (size_t)snprintf(text + n, sizeof(text) - n, " %s=%u",
					      keys[k], vals[k]);
		else if (l.reserved_len < sizeof(text) - n - 16) {
			/* bytes, NULs included: not a C string */
			memcpy(text + n, " reserved=", 10);
			memcpy(text + n + 10, d + l.reserved_off,
			       l.reserved_len);
			n += 10 + l.reserved_len;
		} else {
			return;
		}
	}
	CHECK(!pidctl_parse_ns_line(text, n, &again));
	CHECK(again.pid == l.pid && again.set == l.set &&
	      again.min == l.min && again.max == l.max &&
	      again.stride == l.stride && again.random == l.random &&
	      again.reserved_len == l.reserved_len &&
	      !memcmp(text + again.reserved_off, d + l.reserved_off,
		      l.reserved_len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_uint(data, size);
	check_ranges(data, size);
	check_ns_line(data, size);
	return 0;
}
