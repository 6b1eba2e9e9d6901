// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

int tap_failures;
char *tap_skip_reason;

static void put_line(const char *prefix, const char *fmt, va_list ap)
{
	char buf[2048];
	size_t n = strlen(prefix);
	int m;

	memcpy(buf, prefix, n);
	m = vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	if (m < 0)
		m = 0;
	n += (size_t)m < sizeof(buf) - n - 1 ? (size_t)m : sizeof(buf) - n - 2;
	buf[n++] = '\n';
	if (write(1, buf, n) < 0)
		_exit(3);
}

void diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_line("# ", fmt, ap);
	va_end(ap);
}

void tap_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_line("", fmt, ap);
	va_end(ap);
}

int check_at(int ok, const char *file, int line, const char *expr,
	     const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (ok)
		return 1;
	tap_failures++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag("FAIL %s:%d: %s: %s", file, line, expr, msg);
	return 0;
}

void skip_case(const char *fmt, ...)
{
	va_list ap;

	/* a case that already failed a check is a failure, not a skip */
	if (tap_failures) {
		diag("skip requested after %d failed checks: failing instead",
		     tap_failures);
		_exit(1);
	}
	if (tap_skip_reason) {
		va_start(ap, fmt);
		vsnprintf(tap_skip_reason, TAP_SKIP_REASON_LEN, fmt, ap);
		va_end(ap);
	}
	_exit(TAP_EXIT_SKIP);
}
