/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP 13 output and per-case assertions.  Every case runs in its own
 * process (see main.c); assertions count failures in that process and print
 * "# ..." diagnostics, which the runner folds into one "ok"/"not ok" line.
 */
#ifndef PIDCTL_TAP_H
#define PIDCTL_TAP_H

/* One line "# ..." on stdout, written with a single write(2). */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One raw TAP line on stdout (newline appended). */
void tap_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Failures counted so far by the current case process. */
extern int tap_failures;

int check_at(int ok, const char *file, int line, const char *expr,
	     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* CHECK(cond, fmt, ...): counts a failure with a diagnostic; returns cond. */
#define CHECK(cond, ...) \
	check_at(!!(cond), __FILE__, __LINE__, #cond, __VA_ARGS__)
#define CHECK_EQ(got, want, what)					\
	check_at((long)(got) == (long)(want), __FILE__, __LINE__,	\
		 #got " == " #want, "%s: got %ld, want %ld", (what),	\
		 (long)(got), (long)(want))
#define CHECK_STR(got, want, what)					\
	check_at(strcmp((got), (want)) == 0, __FILE__, __LINE__,	\
		 #got " == " #want, "%s: got \"%s\", want \"%s\"",	\
		 (what), (got), (want))

/* End the current case as skipped (exit status 77 of the case process). */
void skip_case(const char *fmt, ...) __attribute__((format(printf, 1, 2),
						    noreturn));

/* Shared with the runner: the reason a case skipped. */
extern char *tap_skip_reason;
#define TAP_SKIP_REASON_LEN 200
#define TAP_EXIT_SKIP 77

#endif
