// SPDX-License-Identifier: GPL-2.0
/*
 * Case 19: since 6.14 each PID namespace has its own pid_max.  The host
 * numbers of a namespace's processes follow pidctl's window (and the
 * initial namespace's pid_max, case 18); the numbers inside follow that
 * namespace's own pid_max.  Both limits hold at once, each at its level.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cases.h"

#define NS_PID_MAX	400	/* the smallest allowed is RESERVED_PIDS + 1 */
#define NS_FORKS	450	/* more than NS_PID_MAX: the inside must wrap */
#define WIN_MIN		8000
#define WIN_MAX		8100

/* Exit codes of the namespace's init, so the case can say what failed. */
enum { NS_OK, NS_SET_PID_MAX, NS_FORK, NS_INNER_HIGH, NS_HOST_OUT, NS_NO_WRAP };

static int kernel_has_pidns_pid_max(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 0;
	return major > 6 || (major == 6 && minor >= 14);
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* PID 1 of the new namespace: lower its pid_max, then fork past it. */
static int ns_init(void)
{
	char val[16];
	int i, wrapped = 0, last = 0;

	snprintf(val, sizeof(val), "%d", NS_PID_MAX);
	if (write_file("/proc/sys/kernel/pid_max", val))
		return NS_SET_PID_MAX;
	for (i = 0; i < NS_FORKS; i++) {
		int st, h;
		pid_t c = fork();

		if (c < 0)
			return NS_FORK;
		if (c == 0) {
			int inner;

			read_nspid(&h, &inner);
			_exit(h >= WIN_MIN && h <= WIN_MAX ? 0 : 1);
		}
		if (waitpid(c, &st, 0) != c || !WIFEXITED(st))
			return NS_FORK;
		if (WEXITSTATUS(st))
			return NS_HOST_OUT;
		if (c >= NS_PID_MAX)
			return NS_INNER_HIGH;
		if (c < last)
			wrapped = 1;
		last = c;
	}
	return wrapped ? NS_OK : NS_NO_WRAP;
}

void case_pidns_pid_max(void)
{
	static const char *const why[] = {
		[NS_SET_PID_MAX] = "writing pid_max inside the namespace failed",
		[NS_FORK] = "fork inside the namespace failed",
		[NS_INNER_HIGH] = "a PID inside reached the namespace's pid_max",
		[NS_HOST_OUT] = "a host PID left pidctl's window",
		[NS_NO_WRAP] = "the numbers inside never wrapped",
	};
	int status, boot_pid_max = get_pid_max();
	struct pol p;
	pid_t init;

	if (!kernel_has_pidns_pid_max())
		skip_case("pid_max is one global value before 6.14 (case 18 covers it)");
	if (!policy_apply(&p, WIN_MIN, WIN_MAX, 1, NULL))
		return;
	if (!CHECK(unshare(CLONE_NEWPID) == 0, "unshare(CLONE_NEWPID): %s",
		   strerror(errno)))
		return;
	init = fork();
	if (init == 0)
		_exit(ns_init());
	if (!CHECK(init > 0, "fork of the namespace init: %s", strerror(errno)))
		return;
	CHECK(pol_allowed(&p, (unsigned int)init, (unsigned int)boot_pid_max),
	      "host PID %d of the namespace init is in the window", init);
	waitpid(init, &status, 0);
	if (CHECK(WIFEXITED(status), "namespace init status %#x", status))
		CHECK(WEXITSTATUS(status) == NS_OK, "%s",
		      WEXITSTATUS(status) < (int)(sizeof(why) / sizeof(why[0])) &&
		      why[WEXITSTATUS(status)] ? why[WEXITSTATUS(status)] : "unknown");
	CHECK_EQ(get_pid_max(), boot_pid_max,
		 "the initial namespace's pid_max is untouched");
	diag("inside: pid_max %d, %d forks wrapped below it; outside: all in %d-%d",
	     NS_PID_MAX, NS_FORKS, WIN_MIN, WIN_MAX);
}
