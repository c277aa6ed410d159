/* test_csv.c - the csv workload's file content. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"

static void test_format(void **state)
{
	char buf[4096], line[64];
	size_t n;

	(void)state;
	n = csv_format(1, 7, 14, buf, sizeof(buf));
	assert_int_equal(n, strlen(buf));
	assert_memory_equal(buf, "date,anomaly\n1979-01-01,", 24);
	/* row 12 starts the next year; values printed with %.6f */
	snprintf(line, sizeof(line), "\n1980-01-01,%.6f\n", csv_value(1, 7, 12));
	assert_non_null(strstr(buf, line));
	snprintf(line, sizeof(line), "\n1980-02-01,%.6f\n", csv_value(1, 7, 13));
	assert_non_null(strstr(buf, line));
	assert_int_equal(buf[n - 1], '\n');
	assert_true(n <= csv_capacity(14));
}

static void test_values(void **state)
{
	(void)state;
	for (uint64_t r = 0; r < 10000; r++) {
		double v = csv_value(3, r % 17, r);

		assert_true(v >= -3.0 && v < 3.0);
	}
	/* deterministic, and different per station, row and seed */
	assert_true(csv_value(1, 2, 3) == csv_value(1, 2, 3));
	assert_true(csv_value(1, 2, 3) != csv_value(1, 3, 3));
	assert_true(csv_value(1, 2, 3) != csv_value(1, 2, 4));
	assert_true(csv_value(1, 2, 3) != csv_value(2, 2, 3));
}

static void test_capacity_bound(void **state)
{
	uint64_t rows = 200000;	/* years past 9999: the widest lines */
	char *buf = malloc(csv_capacity(rows));
	size_t n;

	(void)state;
	assert_non_null(buf);
	n = csv_format(1, 0, rows, buf, csv_capacity(rows));
	assert_true(n < csv_capacity(rows));
	assert_int_equal(buf[n - 1], '\n');
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_capacity_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
