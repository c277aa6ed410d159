/*
 * test_pycost.c - measuring the Python constructs' costs: what is read
 * from the interpreter, and every way that fails.
 *
 * Fake interpreters (shell scripts) print known answers, so the parsing
 * and the refusals are checked without timing anything; the real
 * interpreter's calibration runs in tests/e2e_numbers.sh.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "pycost.h"

static char dir[] = "/tmp/iobench-pycost-XXXXXX";

/* A fake interpreter at dir/name running @body (sh); its path in @out. */
static void fake(const char *name, const char *body, char *out, size_t len)
{
	FILE *f;

	snprintf(out, len, "%s/%s", dir, name);
	f = fopen(out, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(out, 0755), 0);
}

static const char good[] =
	"echo pool_start_s 0.07; echo pool_task_s 3e-06; echo tpe_start_s 0.001\n"
	"echo tpe_task_s 6.5e-06; echo aio_start_s 0.002; echo aio_task_s 2.4e-05\n"
	"echo version 3.11.2";

static void test_known_answer(void **state)
{
	struct py_costs pc;
	char py[256];

	(void)state;
	fake("good", good, py, sizeof(py));
	assert_int_equal(pycost_measure(py, 2, &pc), 0);
	assert_true(pc.measured);
	assert_string_equal(pc.version, "3.11.2");
	assert_string_equal(pc.python, py);
	assert_true(pc.s[PY_POOL_START] == 0.07);
	assert_true(pc.s[PY_TPE_TASK] == 6.5e-06);
	assert_true(pc.s[PY_AIO_TASK] == 2.4e-05);
}

static void expect_fail(const char *name, const char *body, const char *says)
{
	struct py_costs pc;
	char py[256];

	fake(name, body, py, sizeof(py));
	assert_true(pycost_measure(py, 2, &pc) < 0);
	assert_false(pc.measured);
	for (int k = 0; k < PY_NCOSTS; k++)
		assert_true(pc.s[k] == 0);
	print_message("    %s: %s\n", name, pc.why);
	assert_non_null(strstr(pc.why, says));
}

static void test_refusals(void **state)
{
	struct py_costs pc;

	(void)state;
	expect_fail("garbage", "echo hello world", "does not parse");
	expect_fail("missing", "echo pool_start_s 0.07; echo version 3", "does not parse");
	expect_fail("negative", "echo pool_start_s -1", "does not parse");
	expect_fail("huge", "echo pool_start_s 1e300", "does not parse");
	expect_fail("nan", "echo pool_start_s nan", "does not parse");
	expect_fail("fails", "exit 3", "exited with 3");
	expect_fail("killed", "kill -9 $$", "killed by signal 9");
	assert_int_equal(pycost_measure("/nonexistent/python3", 2, &pc), -ENOENT);
	assert_non_null(strstr(pc.why, "no Python interpreter"));
	assert_int_equal(pycost_measure("no-such-python-here", 2, &pc), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_refusals),
	};
	const char *names[] = { "good", "garbage", "missing", "negative", "huge", "nan", "fails",
				"killed" };
	char path[256];
	int rc;

	if (!mkdtemp(dir))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	return rc;
}
