// SPDX-License-Identifier: GPL-2.0
/*
 * Cases 1 and 15: loading the module, its defaults, and its parameters.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cases.h"

static const char *const defaults[4] = { "0", "0", "1", "" };

static const struct {
	const char *name;
	unsigned int mode;
} modes[9] = {
	{ "min", 0666 }, { "max", 0666 }, { "stride", 0666 },
	{ "random", 0666 }, { "reserved", 0666 }, { "exhausted", 0444 },
	{ "steered", 0444 }, { "free", 0444 }, { "namespaces", 0644 },
};

static void check_values(const char *const want[4], const char *what)
{
	char v[256];
	int i, rc;

	for (i = 0; i < 4; i++) {
		rc = knob_read(knob_names[i], v, sizeof(v));
		if (CHECK(rc == 0, "%s: read %s: %s", what, knob_names[i],
			  strerror(-rc)))
			CHECK(!strcmp(v, want[i]), "%s: %s is \"%s\", want \"%s\"",
			      what, knob_names[i], v, want[i]);
	}
}

/* 1: the module loads, the knobs have their defaults, which change nothing. */
void case_load_defaults(void)
{
	int got[8], i, rc, pid_max = get_pid_max();
	struct pol p;
	struct stat st;

	if (!module_path()) {
		if (!knobs_present())
			skip_case("pidctl not loaded and PIDCTL_KO unset");
		diag("PIDCTL_KO unset: testing the module that is loaded");
	} else {
		if (module_loaded()) {
			diag("pidctl was loaded at start: unloading it first");
			rc = module_unload();
			CHECK(rc == 0, "delete_module: %s", strerror(-rc));
		}
		CHECK(!knobs_present(), "knobs present before the load");
		rc = module_load("");
		if (!CHECK(rc == 0, "finit_module(%s): %s", module_path(),
			   strerror(-rc)))
			return;
	}
	CHECK(module_loaded(), PIDCTL_SYSFS " missing");
	if (!CHECK(knobs_present(), PIDCTL_DIR " missing"))
		return;
	/*
	 * The five knobs act on the writer's PID namespace: mode 0666 like
	 * ns_last_pid, the handler checks CAP_SYS_ADMIN over it (case 14,
	 * case 31).  The counters are read-only; the namespaces file is
	 * written by global root only.
	 */
	for (i = 0; i < 9; i++)
		if (CHECK(stat(knob_path(modes[i].name), &st) == 0, "stat %s: %s",
			  modes[i].name, strerror(errno)))
			CHECK(S_ISREG(st.st_mode) &&
			      (st.st_mode & 07777) == modes[i].mode &&
			      st.st_uid == 0 && st.st_gid == 0,
			      "%s: mode %o uid %d gid %d, want mode %o, root's",
			      modes[i].name, st.st_mode & 07777, (int)st.st_uid,
			      (int)st.st_gid, modes[i].mode);
	check_values(defaults, "defaults");

	pol_init(&p, 0, 0, 1, NULL);
	/*
	 * The model holds stock semantics (the next free PID after the
	 * cursor); on top, the sequence must climb from 10001.  Exact values
	 * are not asserted here: a kernel thread started meanwhile may hold
	 * one of them, and the model then expects it skipped, as stock does.
	 */
	if (expect_seq("defaults: sequential", &p, 10000, 6, "fftfft", got))
		for (i = 0; i < 6; i++)
			CHECK(got[i] > (i ? got[i - 1] : 10000) && got[i] < 10100,
			      "sequential as stock: got %d after %d", got[i],
			      i ? got[i - 1] : 10000);
	if (expect_seq("defaults: top of pid_max", &p, pid_max - 3, 3, NULL,
		       got)) {
		CHECK_EQ(got[0], pid_max - 2, "below pid_max");
		CHECK_EQ(got[1], pid_max - 1, "pid_max - 1");
		CHECK(got[2] >= 300 && got[2] < 10000,
		      "wrap to 300 as stock: got %d", got[2]);
	}
	if (expect_seq("defaults: low cursor", &p, 2000, 2, "tf", got)) {
		CHECK_EQ(got[0], 2001, "thread");
		CHECK_EQ(got[1], 2002, "fork");
	}
}

struct bad_params {
	const char *params, *why;
};

static const struct bad_params bad_params[] = {
	{ "min=6000 max=5000", "min > max" },
	{ "reserved=abc", "malformed list" },
	{ "reserved=5-3", "reversed range" },
	{ "stride=0", "stride 0" },
	{ "max=4194305", "max out of range" },
	{ "min=abc", "not a number" },
	{ "min=4000 max=4009 reserved=4000-4009", "window fully reserved" },
	/* the sysctls' grammar: decimal, no prefix, sign or leading zero */
	{ "min=010", "leading zero (octal?)" },
	{ "max=0x1000", "hex prefix" },
	{ "stride=+5", "sign" },
	{ "max=5000x", "trailing garbage" },
	{ "reserved=1-2-3", "malformed range" },
};

/*
 * reserved= longer than a charp parameter's 1,024 bytes: all of it is
 * taken, and forks obey it from the first one after insmod returns.
 */
static void check_long_reserved(void)
{
	static char params[8192], want[8192];
	size_t len = 0, wlen = 0;
	int i, got[2], rc;
	struct pol p;

	len = (size_t)sprintf(params, "min=20000 max=21000 reserved=");
	for (i = 0; i < 400; i++) {
		len += (size_t)sprintf(params + len, "%s%d", i ? "," : "",
				       20000 + 2 * i);
		wlen += (size_t)sprintf(want + wlen, "%s%d", i ? "," : "",
					20000 + 2 * i);
	}
	rc = module_load(params);
	if (!CHECK(rc == 0, "insmod with a %zu-byte reserved=: %s", len,
		   strerror(-rc)))
		return;
	{
		static char v[8192];

		rc = knob_read("reserved", v, sizeof(v));
		CHECK(rc == 0 && !strcmp(v, want),
		      "reserved= of %zu bytes reads back %zu bytes (rc %d)",
		      wlen, strlen(v), rc);
	}
	pol_init(&p, 20000, 21000, 1, "20000,20002,20004,20006,20008");
	if (expect_seq("long reserved= parameter", &p, 19999, 2, NULL, got)) {
		CHECK_EQ(got[0], 20001, "first odd PID");
		CHECK_EQ(got[1], 20003, "next odd PID");
	}
	rc = module_unload();
	CHECK(rc == 0, "rmmod: %s", strerror(-rc));
}

/* 15: module parameters. */
void case_module_params(void)
{
	static const char *const want[4] = { "4000", "5000", "3", "4100-4199,4300" };
	int got[8], rc;
	struct pol p;
	size_t i;

	if (!module_path())
		skip_case("PIDCTL_KO unset");
	rc = module_unload();
	if (!CHECK(rc == 0, "rmmod: %s", strerror(-rc)))
		return;
	CHECK(!knobs_present(), "knobs still present after rmmod");

	rc = module_load("min=4000 max=5000 stride=3 reserved=4100-4199,4300");
	if (CHECK(rc == 0, "insmod with parameters: %s", strerror(-rc))) {
		check_values(want, "parameters");
		pol_init(&p, 4000, 5000, 3, "4100-4199,4300");
		if (expect_seq("parameters obeyed", &p, 4090, 6, "fftfff", got)) {
			CHECK_EQ(got[0], 4091, "first");
			CHECK_EQ(got[1], 4094, "+stride");
			CHECK_EQ(got[2], 4097, "+stride");
			CHECK_EQ(got[3], 4200, "4100-4199 reserved");
			CHECK_EQ(got[4], 4203, "+stride");
		}
		if (expect_seq("parameters: wrap", &p, 4996, 3, NULL, got)) {
			CHECK_EQ(got[0], 4997, "below max");
			CHECK_EQ(got[1], 5000, "max");
			CHECK_EQ(got[2], 4000, "wrap to min");
		}
		rc = module_unload();
		CHECK(rc == 0, "rmmod: %s", strerror(-rc));
	}

	for (i = 0; i < sizeof(bad_params) / sizeof(bad_params[0]); i++) {
		rc = module_load(bad_params[i].params);
		CHECK(rc == -EINVAL, "insmod %s (%s): %s, want EINVAL",
		      bad_params[i].params, bad_params[i].why,
		      rc ? strerror(-rc) : "loaded");
		CHECK(!module_loaded() && !knobs_present(),
		      "module loaded after a failed insmod %s",
		      bad_params[i].params);
		if (module_loaded())
			module_unload();
	}

	check_long_reserved();

	rc = module_load("");
	if (CHECK(rc == 0, "insmod without parameters: %s", strerror(-rc)))
		check_values(defaults, "defaults after reload");
}
