/* test_npy.c - the .npy header writer and the parser on good and hostile input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "npy.h"

static char msg[256];

/* A file image: the given version and dict, then @data_bytes of data. */
static size_t make_npy(unsigned char *buf, int major, const char *dict,
		       size_t data_bytes)
{
	size_t pre = major == 1 ? 10 : 12, n = strlen(dict);

	memcpy(buf, "\x93NUMPY", 6);
	buf[6] = (unsigned char)major;
	buf[7] = 0;
	buf[8] = (unsigned char)(n & 0xff);
	buf[9] = (unsigned char)(n >> 8);
	if (major != 1)
		buf[10] = buf[11] = 0;
	memcpy(buf + pre, dict, n);
	memset(buf + pre + n, 0, data_bytes);
	return pre + n + data_bytes;
}

static int parse(const unsigned char *buf, size_t len, struct npy_info *info)
{
	return npy_parse_header(buf, len, len, info, msg, sizeof(msg));
}

static void test_round_trip(void **state)
{
	unsigned char buf[4096];
	struct npy_info info;
	int n;

	(void)state;
	n = npy_write_header(buf, sizeof(buf), 131072, 1024);
	assert_true(n > 0);
	assert_int_equal(n % 64, 0);
	assert_int_equal(buf[n - 1], '\n');
	/* the header alone claims 1 GiB of data: tell the parser it is there */
	assert_int_equal(npy_parse_header(buf, (size_t)n, (uint64_t)n + 131072ULL * 1024 * 8,
					  &info, msg, sizeof(msg)), 0);
	assert_int_equal(info.major, 1);
	assert_string_equal(info.descr, "<f8");
	assert_int_equal(info.ndim, 2);
	assert_int_equal(info.rows, 131072);
	assert_int_equal(info.row_bytes, 1024 * 8);
	assert_int_equal(info.data_offset, n);
}

static void test_versions_and_shapes(void **state)
{
	unsigned char buf[1024];
	struct npy_info info;
	size_t len;

	(void)state;
	len = make_npy(buf, 2, "{'descr': '<i4', 'fortran_order': False, 'shape': (3, 4, 5), }\n", 240);
	assert_int_equal(parse(buf, len, &info), 0);
	assert_int_equal(info.rows, 3);
	assert_int_equal(info.row_bytes, 4 * 5 * 4);
	len = make_npy(buf, 3, "{\"shape\": (7,), \"fortran_order\": False, \"descr\": \"|u1\"}", 7);
	assert_int_equal(parse(buf, len, &info), 0);
	assert_int_equal(info.rows, 7);
	assert_int_equal(info.row_bytes, 1);
	len = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 4);
	assert_int_equal(parse(buf, len, &info), 0);
	assert_int_equal(info.rows, 1);
}

static void expect_error(int major, const char *dict, size_t data, int err,
			 const char *words)
{
	unsigned char buf[1024];
	struct npy_info info;
	size_t len = make_npy(buf, major, dict, data);

	assert_int_equal(parse(buf, len, &info), err);
	assert_non_null(strstr(msg, words));
}

static void test_malformed(void **state)
{
	unsigned char buf[64];
	struct npy_info info;
	size_t len;

	(void)state;
	memcpy(buf, "\x93NUMPX\x01\x00\x10\x00", 10);
	assert_int_equal(parse(buf, 10, &info), -EINVAL);
	assert_non_null(strstr(msg, "bad magic"));
	assert_int_equal(parse((const unsigned char *)"\x93NUM", 4, &info), -EINVAL);

	/* header length past the end of the file */
	len = make_npy(buf, 1, "{'descr': '<f8'}", 0);
	buf[8] = 0xff;
	assert_int_equal(parse(buf, len, &info), -EINVAL);
	assert_non_null(strstr(msg, "past the end"));

	expect_error(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", 32,
		     -ENOTSUP, "Fortran");
	expect_error(1, "{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }", 32,
		     -ENOTSUP, "unsupported dtype '<c16'");
	expect_error(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", 16,
		     -ENOTSUP, "unsupported dtype");
	expect_error(1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }", 16,
		     -ENOTSUP, "unsupported dtype");
	expect_error(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 4), }", 100,
		     -ENODATA, "shorter than the shape");
	expect_error(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }",
		     0, -EFBIG, "overflows");
	expect_error(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,), }",
		     0, -EINVAL, "malformed shape");
	expect_error(1, "{'descr': '<f8', 'shape': (2,), }", 16, -EINVAL, "lacks");
	expect_error(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)", 16, -EINVAL,
		     "malformed");
	expect_error(1, "not a dict", 0, -EINVAL, "not a dict");
	expect_error(4, "{}", 0, -ENOTSUP, "version 4.0");
}

static void test_sum(void **state)
{
	struct npy_info f8 = { .kind = 'f', .itemsize = 8 };
	struct npy_info i2 = { .kind = 'i', .itemsize = 2 };
	struct npy_info u1 = { .kind = 'u', .itemsize = 1 };
	double d[3] = { 1.5, -2.25, 4 };
	int16_t s[3] = { -300, 5, 7 };
	uint8_t b[3] = { 250, 3, 2 };

	(void)state;
	assert_true(npy_sum(&f8, d, 3) == 3.25);
	assert_true(npy_sum(&i2, s, 3) == -288);
	assert_true(npy_sum(&u1, b, 3) == 255);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_versions_and_shapes),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_sum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
