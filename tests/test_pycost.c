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
	/* a chatty interpreter that would block writing: killed, not waited for */
	expect_fail("chatty", "yes pool_start_s 0.07", "printed more than it should");
	assert_int_equal(pycost_measure("/nonexistent/python3", 2, &pc), -ENOENT);
	assert_non_null(strstr(pc.why, "no Python interpreter"));
	assert_int_equal(pycost_measure("no-such-python-here", 2, &pc), -ENOENT);
}

/* A unit's answer, a unit's error, a unit Python said nothing of: each kept apart. */
static void test_units(void **state)
{
	struct py_unit u[3] = { { .setup = "x = 1", .stmt = "x + 1" },
				{ .setup = "import numpy", .stmt = "numpy.zeros(1)" },
				{ .setup = "", .stmt = "pass" } };
	char py[256], why[256];

	(void)state;
	fake("units", "echo unit0 2.5e-07; echo 'unit1 error ModuleNotFoundError: numpy'; "
	     "echo unit7 1e-06", py, sizeof(py));
	assert_int_equal(pycost_units(py, u, 3, why, sizeof(why)), 0);
	assert_true(u[0].measured && u[0].py_s == 2.5e-07);
	assert_false(u[1].measured);
	assert_string_equal(u[1].why, "Python: ModuleNotFoundError: numpy");
	assert_false(u[2].measured);
	assert_non_null(strstr(u[2].why, "nothing"));
	assert_true(pycost_units("/nonexistent/python3", u, 1, why, sizeof(why)) < 0);
	assert_non_null(strstr(why, "no Python interpreter"));
}

/* No file name can end the literal: everything but a safe few bytes as \xHH. */
static void test_bytes_literal(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(py_bytes_literal("/data/a-1_b.npy", out, sizeof(out)), 0);
	assert_string_equal(out, "b'/data/a-1_b.npy'");
	assert_int_equal(py_bytes_literal("x'); os.system('y\n", out, sizeof(out)), 0);
	assert_string_equal(out, "b'x\\x27\\x29\\x3b\\x20os.system\\x28\\x27y\\x0a'");
	assert_int_equal(py_bytes_literal("a very long name indeed", out, 16), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_bytes_literal),
	};
	const char *names[] = { "good", "garbage", "missing", "negative", "huge", "nan", "fails",
				"killed", "units", "chatty" };
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
