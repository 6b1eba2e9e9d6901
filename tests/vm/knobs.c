// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "knobs.h"
#include "oracle.h"
#include "tap.h"

int sysctl_read(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd, err = 0;

	if (size == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (err)
		return err;
	if (len == size - 1)
		return -E2BIG;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' ' ||
		       buf[len - 1] == '\t'))
		len--;
	buf[len] = '\0';
	return 0;
}

/* Whether writing @path can change what the oracle checks PIDs against. */
static int changes_policy(const char *path)
{
	return !strncmp(path, PIDCTL_DIR "/", strlen(PIDCTL_DIR "/")) ||
	       !strcmp(path, PID_MAX_PATH);
}

int sysctl_write_at(const char *path, const void *val, size_t len, off_t off)
{
	int fd, err, policy = changes_policy(path);
	ssize_t n;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (policy)
		oracle_begin();
	n = off ? pwrite(fd, val, len, off) : write(fd, val, len);
	err = errno;
	close(fd);
	if (policy)
		oracle_policy();
	if (n < 0)
		return -err;
	if ((size_t)n != len)
		return -EIO;	/* a short write is a failure here */
	return 0;
}

int sysctl_write(const char *path, const char *val)
{
	return sysctl_write_at(path, val, strlen(val), 0);
}

long sysctl_read_long(const char *path)
{
	char buf[64], *end;
	long v;
	int rc = sysctl_read(path, buf, sizeof(buf));

	if (rc)
		return rc;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || *end)
		return -EINVAL;
	return v;
}

const char *knob_path(const char *knob)
{
	static char path[4][128];
	static int slot;
	char *p = path[slot++ & 3];

	snprintf(p, sizeof(path[0]), "%s/%s", PIDCTL_DIR, knob);
	return p;
}

int knob_read(const char *knob, char *buf, size_t size)
{
	return sysctl_read(knob_path(knob), buf, size);
}

int knob_write(const char *knob, const char *val)
{
	return sysctl_write(knob_path(knob), val);
}

int knob_write_num(const char *knob, unsigned long val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lu", val);
	return knob_write(knob, buf);
}

long knob_read_num(const char *knob)
{
	return sysctl_read_long(knob_path(knob));
}

int knobs_present(void)
{
	struct stat st;

	return stat(PIDCTL_DIR, &st) == 0 && S_ISDIR(st.st_mode);
}

int knobs_reset(void)
{
	int rc, ret = 0;

	rc = knob_write("random", "0");
	if (rc)
		ret = rc;
	rc = knob_write("reserved", "");
	if (rc && !ret)
		ret = rc;
	rc = knob_write("stride", "1");
	if (rc && !ret)
		ret = rc;
	rc = knob_write("min", "0");
	if (rc && !ret)
		ret = rc;
	rc = knob_write("max", "0");
	if (rc && !ret)
		ret = rc;
	return ret;
}

int knobs_set(unsigned int min, unsigned int max, unsigned int stride,
	      const char *reserved)
{
	int rc = knobs_reset();

	if (rc) {
		diag("knobs_set: reset failed: %s", strerror(-rc));
		return rc;
	}
	if (stride != 1 && (rc = knob_write_num("stride", stride))) {
		diag("knobs_set: stride=%u: %s", stride, strerror(-rc));
		return rc;
	}
	if (min && (rc = knob_write_num("min", min))) {
		diag("knobs_set: min=%u: %s", min, strerror(-rc));
		return rc;
	}
	if (max && (rc = knob_write_num("max", max))) {
		diag("knobs_set: max=%u: %s", max, strerror(-rc));
		return rc;
	}
	if (reserved && *reserved && (rc = knob_write("reserved", reserved))) {
		diag("knobs_set: reserved=%s: %s", reserved, strerror(-rc));
		return rc;
	}
	return 0;
}

void knobs_diag(const char *why)
{
	char v[5][256];
	const char *names[5] = { "min", "max", "stride", "reserved", "random" };
	int i;

	for (i = 0; i < 5; i++) {
		int rc = knob_read(names[i], v[i], sizeof(v[i]));

		if (rc == -E2BIG)
			snprintf(v[i], sizeof(v[i]), "(long)");
		else if (rc)
			snprintf(v[i], sizeof(v[i]), "(%s)", strerror(-rc));
	}
	diag("%s: min=%s max=%s stride=%s random=%s reserved=\"%s\"", why,
	     v[0], v[1], v[2], v[4], v[3]);
}

int set_last_pid(int last)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", last);
	return sysctl_write(NS_LAST_PID, buf);
}

int get_pid_max(void)
{
	return (int)sysctl_read_long(PID_MAX_PATH);
}

int set_pid_max(int pid_max)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", pid_max);
	return sysctl_write(PID_MAX_PATH, buf);
}

const char *module_path(void)
{
	const char *p = getenv("PIDCTL_KO");

	return p && *p ? p : NULL;
}

static int load_from_memory(int fd, const char *params)
{
	struct stat st;
	char *img;
	size_t off = 0;
	ssize_t n;
	int rc = 0;

	if (fstat(fd, &st))
		return -errno;
	img = malloc((size_t)st.st_size);
	if (!img)
		return -ENOMEM;
	while (off < (size_t)st.st_size) {
		n = read(fd, img + off, (size_t)st.st_size - off);
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			break;
		}
		off += (size_t)n;
	}
	if (!rc && syscall(SYS_init_module, img, off, params))
		rc = -errno;
	free(img);
	return rc;
}

static int module_load_raw(const char *params);

/* Loading and unloading change the policy: bracketed for the oracle. */
int module_load(const char *params)
{
	int rc;

	oracle_begin();
	rc = module_load_raw(params);
	oracle_policy();
	return rc;
}

static int module_load_raw(const char *params)
{
	const char *path = module_path();
	int fd, rc = 0;

	if (!path)
		return -ENOENT;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, params ? params : "", 0)) {
		rc = -errno;
		if (rc == -ENOSYS) {
			lseek(fd, 0, SEEK_SET);
			rc = load_from_memory(fd, params ? params : "");
		}
	}
	close(fd);
	return rc;
}

static int module_unload_raw(void);

int module_unload(void)
{
	int rc;

	oracle_begin();
	rc = module_unload_raw();
	oracle_policy();
	return rc;
}

static int module_unload_raw(void)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int i, rc = 0;

	for (i = 0; i < 100; i++) {
		if (syscall(SYS_delete_module, PIDCTL_NAME, O_NONBLOCK) == 0)
			return 0;
		rc = -errno;
		if (rc != -EAGAIN && rc != -EBUSY)
			break;
		nanosleep(&ts, NULL);
	}
	return rc;
}

int module_loaded(void)
{
	return access(PIDCTL_SYSFS, F_OK) == 0;
}
