/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tiny TAP emitter for the unit test programs.  Each program prints
 * unnumbered "ok - name" / "not ok - name" lines and "# ..." diagnostics;
 * tap-number (run by the Makefile) numbers them and adds the plan, so that
 * several programs make one TAP stream.
 */
#ifndef PIDCTL_TAP_H
#define PIDCTL_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_failures;

/* Report one test; returns @pass so callers can add diagnostics. */
static inline int __attribute__((format(printf, 2, 3)))
tap_ok(int pass, const char *fmt, ...)
{
	va_list ap;

	printf(pass ? "ok - " : "not ok - ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!pass)
		tap_failures++;
	return pass;
}

/* A "# ..." diagnostic line. */
static inline void __attribute__((format(printf, 1, 2)))
tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/*
 * @s with control bytes escaped C-style, for test names: a rotating set of
 * buffers, so a few may appear in one tap_ok() call.
 */
static inline const char *tap_str(const char *s)
{
	static char bufs[4][256];
	static unsigned int next;
	char *b = bufs[next++ % 4], *p = b;

	for (; *s && p < b + sizeof(bufs[0]) - 5; s++) {
		if (*s == '\n' || *s == '\t' || *s == '\r' || *s == '\\') {
			*p++ = '\\';
			*p++ = *s == '\n' ? 'n' : *s == '\t' ? 't' :
			       *s == '\r' ? 'r' : '\\';
		} else if ((unsigned char)*s < ' ') {
			p += sprintf(p, "\\x%02x", (unsigned char)*s);
		} else {
			*p++ = *s;
		}
	}
	*p = '\0';
	return b;
}

/* The program's exit status. */
static inline int tap_exit_status(void)
{
	return tap_failures ? 1 : 0;
}

#endif /* PIDCTL_TAP_H */
