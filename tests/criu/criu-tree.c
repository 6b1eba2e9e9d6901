// SPDX-License-Identifier: GPL-2.0
/*
 * The processes of the CRIU test (tests/criu/run), run in the guest.
 *
 * criu-tree tree TOKEN STATUSDIR
 *	Starts a tree for CRIU to dump, detached from the caller: a root
 *	process (its own session, stdio on /dev/null, cwd /) with two extra
 *	threads and two children, the first of which has a thread of its
 *	own.  Returns once the whole tree runs, printing the root's PID.
 *	Every task remembers, in memory, the PIDs and TIDs it was given.
 *	On SIGUSR1 each process writes STATUSDIR/<its PID at start> with
 *	TOKEN, the PID and TIDs it remembers and the ones the kernel reports
 *	now: after a restore that shows the process's memory came back and
 *	that it runs under its old PID and TIDs.
 *
 * criu-tree churn COUNT KEEPMAX KEEPEVERY PID...
 *	Forks COUNT short-lived children, one after the other.  A child is
 *	kept alive (it sleeps, detached, stdio on /dev/null) when its PID is
 *	one of the PIDs given, or when it is every KEEPEVERY-th child while
 *	fewer than KEEPMAX have been kept that way; the others exit at once
 *	and are reaped.  Prints "pids: ..." (every PID handed out, in order),
 *	"kept: ..." and "hits: ..." (children that got one of the PIDs given).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *token;
static const char *statusdir;
static pid_t my_pid;		/* the PID this process started with */
static pid_t my_tids[4];	/* the TIDs of its threads, main thread first */
static int nr_tids;
static pid_t kids[2];		/* the root's children */
static int nr_kids;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static pid_t sys_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static pid_t sys_getpid(void)
{
	return (pid_t)syscall(SYS_getpid);
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void stdio_to_null(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0)
		die("/dev/null");
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

static void *thread_main(void *arg)
{
	pthread_mutex_lock(&lock);
	my_tids[nr_tids++] = sys_gettid();
	pthread_mutex_unlock(&lock);
	*(volatile int *)arg = 1;
	for (;;)
		pause();
	return NULL;
}

/* Start n threads (SIGUSR1 blocked in them: the main thread takes it). */
static void start_threads(int n)
{
	static volatile int started[3];
	pthread_t t;
	int i;

	for (i = 0; i < n; i++) {
		if (pthread_create(&t, NULL, thread_main, (void *)&started[i]))
			die("pthread_create");
		pthread_setname_np(t, "tree-thread");
		while (!started[i])
			usleep(1000);
	}
}

static void write_status(void)
{
	char path[256], tmp[280], buf[512];
	int len, i, fd;

	len = snprintf(buf, sizeof(buf), "token %s\nstarted %d\nnow %d\nppid %d\nsid %d\ntids",
		       token, my_pid, sys_getpid(), getppid(), getsid(0));
	for (i = 0; i < nr_tids; i++)
		len += snprintf(buf + len, sizeof(buf) - len, " %d", my_tids[i]);
	len += snprintf(buf + len, sizeof(buf) - len, "\nkids");
	for (i = 0; i < nr_kids; i++)
		len += snprintf(buf + len, sizeof(buf) - len, " %d", kids[i]);
	len += snprintf(buf + len, sizeof(buf) - len, "\n");
	snprintf(path, sizeof(path), "%s/%d", statusdir, my_pid);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return;
	if (write(fd, buf, len) == len && close(fd) == 0)
		rename(tmp, path);
}

/* The main thread of every tree process: answer SIGUSR1, forever. */
static void serve(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	for (;;) {
		sig = sigwaitinfo(&set, NULL);
		if (sig == SIGUSR1)
			write_status();
	}
}

static void tree_process(int threads)
{
	my_pid = sys_getpid();
	nr_tids = 0;
	my_tids[nr_tids++] = my_pid;
	start_threads(threads);
}

static int tree(int argc, char **argv)
{
	int ready[2], i;
	sigset_t set;
	pid_t pid;
	char c;

	if (argc != 4) {
		fprintf(stderr, "usage: criu-tree tree TOKEN STATUSDIR\n");
		return 2;
	}
	token = argv[2];
	statusdir = argv[3];
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);	/* inherited by threads, children */
	if (pipe(ready))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid > 0) {
		/* the caller's process: wait until the tree runs */
		close(ready[1]);
		if (read(ready[0], &c, 1) != 1)
			return 1;
		printf("%d\n", pid);
		return 0;
	}
	/* the root: its own session; its parent exits, init adopts it */
	close(ready[0]);
	if (setsid() < 0)
		die("setsid");
	if (chdir("/"))
		die("chdir");
	prctl(PR_SET_NAME, "criu-tree");
	for (i = 0; i < 2; i++) {
		int kid_ready[2];

		if (pipe(kid_ready))
			die("pipe");
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			close(ready[1]);
			close(kid_ready[0]);
			prctl(PR_SET_NAME, "tree-child");
			nr_kids = 0;
			tree_process(i == 0 ? 1 : 0);
			stdio_to_null();
			if (write(kid_ready[1], "r", 1) != 1)
				_exit(1);
			close(kid_ready[1]);
			serve();
		}
		close(kid_ready[1]);
		if (read(kid_ready[0], &c, 1) != 1)
			die("child start");
		close(kid_ready[0]);
		kids[nr_kids++] = pid;
	}
	tree_process(2);
	stdio_to_null();
	if (write(ready[1], "r", 1) != 1)
		_exit(1);
	close(ready[1]);
	serve();
	return 0;
}

static int in_list(pid_t pid, pid_t *list, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (list[i] == pid)
			return 1;
	return 0;
}

static int churn(int argc, char **argv)
{
	int count, keepmax, keepevery, nlist, kept = 0, i, keep;
	pid_t *list, *pids, pid;
	char *keeps;

	if (argc < 5) {
		fprintf(stderr, "usage: criu-tree churn COUNT KEEPMAX KEEPEVERY PID...\n");
		return 2;
	}
	count = atoi(argv[2]);
	keepmax = atoi(argv[3]);
	keepevery = atoi(argv[4]);
	nlist = argc - 5;
	if (count <= 0 || keepevery <= 0)
		return 2;
	list = calloc(nlist + 1, sizeof(*list));
	pids = calloc(count, sizeof(*pids));
	keeps = calloc(count, 1);
	if (!list || !pids || !keeps)
		die("calloc");
	for (i = 0; i < nlist; i++)
		list[i] = atoi(argv[5 + i]);
	fflush(stdout);
	for (i = 0; i < count; i++) {
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "churn: fork %d: %s\n", i, strerror(errno));
			return 1;
		}
		if (pid == 0) {
			/* the same decision as the parent's, from the same data */
			pid = sys_getpid();
			keep = in_list(pid, list, nlist) ||
			       (i % keepevery == 0 && kept < keepmax);
			if (!keep)
				_exit(0);
			setsid();
			prctl(PR_SET_NAME, "churn-keeper");
			stdio_to_null();
			for (;;)
				pause();
		}
		pids[i] = pid;
		if (in_list(pid, list, nlist)) {
			keeps[i] = 2;
		} else if (i % keepevery == 0 && kept < keepmax) {
			keeps[i] = 1;
			kept++;
		} else if (waitpid(pid, NULL, 0) != pid) {
			die("waitpid");
		}
	}
	printf("pids:");
	for (i = 0; i < count; i++)
		printf(" %d", pids[i]);
	printf("\nkept:");
	for (i = 0; i < count; i++)
		if (keeps[i])
			printf(" %d", pids[i]);
	printf("\nhits:");
	for (i = 0; i < count; i++)
		if (keeps[i] == 2)
			printf(" %d", pids[i]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "tree"))
		return tree(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "churn"))
		return churn(argc, argv);
	fprintf(stderr, "usage: criu-tree tree TOKEN STATUSDIR | churn COUNT KEEPMAX KEEPEVERY PID...\n");
	return 2;
}
