/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What cases 29 to 33 (a policy per PID namespace, cases_pidns_policy.c
 * and cases_pidns_churn.c) share: the plumbing of their processes, NSpid
 * and namespace inodes, the kernel.pidctl.namespaces file, a model of one
 * namespace level whose occupancy the test knows, and a container's root.
 *
 * Writes made from inside a namespace, and to the namespaces file, go
 * through raw_write(), not knobs.c: they do not change the host policy,
 * so they must not be bracketed as policy changes for the oracle (whose
 * snapshot would read the namespace's knobs as the host's).
 *
 * Children report failed CHECKs on stdout themselves and through their
 * exit status, which each parent folds into its own CHECK.
 */
#ifndef PIDCTL_NSPROCS_H
#define PIDCTL_NSPROCS_H

#include <stddef.h>
#include <sys/types.h>

#include "knobs.h"

#define NS_FILE		PIDCTL_DIR "/namespaces"

struct pol;

/* The five knob names, "min" to "reserved". */
extern const char *const knobs5[5];

/* Plumbing */

/* Exit the child: 1 if it failed a CHECK, else 0. */
__attribute__((noreturn)) void done(void);
/* fork(); the child counts only its own failures (tap_failures = 0). */
pid_t fork_kid(void);
/* One write(2) (pwrite(2) at @off != 0) of @len bytes, no oracle marks. */
int raw_write_at(const char *path, const char *val, size_t len, off_t off);
int raw_write(const char *path, const char *val);
/* raw_write() to a knob: the caller's namespace's policy. */
int ns_knob_write(const char *knob, const char *val);
/* strerror(-@rc), or "accepted" for 0. */
const char *err_str(int rc);
/* @size zeroed bytes shared with the children (skip_case() if not). */
void *shared(size_t size);
/* A one-byte token through a pipe: 1 on success. */
int tok_send(int fd);
int tok_wait(int fd);
/* waitpid() and a CHECK that @pid exited 0. */
int wait_ok(pid_t pid, const char *what);

/* NSpid and namespace inodes */

/* st_ino of /proc/@pid/ns/@which (@pid 0: self), or 0. */
unsigned long ns_ino(int pid, const char *which);
/*
 * CHECK the caller's PIDs at each of @nlev levels (host first) against
 * @pols (NULL: no check at that level); their values go to @out (or NULL).
 */
void check_my_pids(const struct pol *const *pols, int nlev,
		   unsigned int pid_max, const char *who, int *out);

/* The knobs from inside */

/* CHECK the five knobs as the caller's namespace reads them. */
void check_own_knobs(const char *const want[5], const char *who);
/* Write the five knobs (NULL: skip one) from inside; each must succeed. */
void write_own_knobs(const char *const val[5], const char *who);
/* The host knobs, read from the initial namespace. */
void check_host_knobs(const char *const want[5], const char *what);

/* The namespaces file */

/* The file, trailing newlines stripped (on error: why, and -errno). */
int ns_file(char *buf, size_t size);
/* CHECK that the file shows exactly "@ino @level @policy" for @ino. */
int check_ns_line(unsigned long ino, int level, const char *policy,
		  const char *what);
/* Poll (up to @secs, scaled) until no line of the file names @ino. */
int wait_line_gone(unsigned long ino, double secs, const char *what);
/*
 * Write @line for a namespace with no policy and no process yet; its
 * inode (that of the one line the write added, else 0) goes to *@ino.
 * Returns the write's -errno.
 */
int ns_write_new(const char *line, unsigned long *ino);

/* A model of one namespace level */

/*
 * The PIDs @n forks get at one level with policy @p after ns_last_pid :=
 * @last, the level's busy PIDs being @held[0..@nheld-1].
 */
void level_seq(const struct pol *p, unsigned int pid_max, int last,
	       const int *held, int nheld, int n, int *out);

/* A container's root */

/* uid 65534 unshares a user namespace and maps itself to 0; CHECKed. */
int become_container_root(void);

#endif
