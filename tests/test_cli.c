/* test_cli.c - `iobench run` option parsing and each of its errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"
#include "registry.h"
#include "util.h"

static struct config cfg;
static char err[512];

static uint64_t knob(const char *wl, const char *opt)
{
	return wl_knob(&cfg, workload_find(wl), opt);
}

#define PARSE(...) parse((char *[]){ "run", __VA_ARGS__, NULL })

static int parse(char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	err[0] = '\0';
	return cli_parse_run(argc, argv, &cfg, err, sizeof(err));
}

static void test_parse_u64(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_u64("42", false, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_u64("64K", true, &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(parse_u64("1MiB", true, &v), 0);
	assert_int_equal(v, MIB);
	assert_int_equal(parse_u64("2g", true, &v), 0);
	assert_int_equal(v, 2 * GIB);
	assert_int_equal(parse_u64("64K", false, &v), -EINVAL);
	assert_int_equal(parse_u64("8x", true, &v), -EINVAL);
	assert_int_equal(parse_u64("-1", false, &v), -EINVAL);
	assert_int_equal(parse_u64(" 1", false, &v), -EINVAL);
	assert_int_equal(parse_u64("", false, &v), -EINVAL);
	assert_int_equal(parse_u64("1KK", true, &v), -EINVAL);
	assert_int_equal(parse_u64("18446744073709551616", false, &v), -ERANGE);
	assert_int_equal(parse_u64("17179869184G", true, &v), -ERANGE);
}

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--quiet"), CLI_OK);
	assert_int_equal(cfg.size, SIZE_SMALL);
	assert_int_equal(cfg.n_wl, 3);	/* md5, csv, array: null only by name */
	assert_string_equal(cfg.wl[0]->name, "md5");
	for (unsigned i = 0; i < cfg.n_st; i++)
		assert_string_not_equal(cfg.st[i]->name, "null");
	assert_int_equal(cfg.n_st, 5);
	assert_string_equal(cfg.results_dir, "results");
	assert_false(cfg.dir_given);
	assert_int_equal(knob("md5", "files"), 4);
	assert_int_equal(knob("md5", "file-size"), 256 * MIB);
	assert_int_equal(knob("array", "rows"), 131072);
	assert_int_equal(knob("array", "reads"), 20000);
	assert_int_equal(knob("csv", "files"), 2000);
}

static void test_overrides_after_preset(void **state)
{
	(void)state;
	/* the knob comes before --size on the line, yet wins */
	assert_int_equal(PARSE("--files", "7", "--size", "tiny", "--block", "64K",
			       "--workload", "md5,csv", "--strategy", "serial,io_uring,serial"),
			 CLI_OK);
	assert_int_equal(cfg.size, SIZE_TINY);
	assert_int_equal(knob("md5", "files"), 7);
	assert_int_equal(knob("csv", "files"), 7);
	assert_int_equal(knob("md5", "block"), 64 * KIB);
	assert_int_equal(cfg.n_wl, 2);
	assert_int_equal(cfg.n_st, 2);	/* the duplicate is dropped */
	assert_int_equal(PARSE("--pattern", "slab", "--sync", "fsync", "--cache", "warm"), CLI_OK);
	assert_int_equal(knob("array", "pattern"), 1);
	assert_int_equal(knob("csv", "sync"), 1);
	assert_int_equal(cfg.cache, CACHE_WARM);
	assert_int_equal(PARSE("--help"), CLI_HELP);
}

static void expect_usage_error(char **argv, const char *words)
{
	assert_int_equal(parse(argv), -EINVAL);
	assert_non_null(strstr(err, words));
	assert_null(strchr(err, '\n'));	/* one line */
}

static void test_errors(void **state)
{
	(void)state;
	expect_usage_error((char *[]){ "run", "--bogus", NULL }, "unknown option '--bogus'");
	expect_usage_error((char *[]){ "run", "--workload", "md6", NULL },
			   "unknown workload 'md6' (valid: md5, csv, array, net, replay, null, all)");
	expect_usage_error((char *[]){ "run", "--workload", "replay", NULL },
			   "--workload replay needs --trace FILE");
	expect_usage_error((char *[]){ "run", "--workload", "replay", "--trace", "t", "--replay-jobs",
					  "process", NULL },
			   "unknown replay-jobs 'process' (valid: file, thread)");
	expect_usage_error((char *[]){ "run", "--strategy", "serial,uring", NULL },
			   "unknown strategy 'uring' (valid: serial, recorded, threaded");
	expect_usage_error((char *[]){ "run", "--size", "huge", NULL },
			   "unknown size 'huge' (valid: tiny, small, medium, large)");
	expect_usage_error((char *[]){ "run", "--workers", "8x", NULL },
			   "--workers '8x' is not a whole number");
	expect_usage_error((char *[]){ "run", "--repeat", "-1", NULL },
			   "--repeat '-1' is not a whole number");
	expect_usage_error((char *[]){ "run", "--repeat", "0", NULL },
			   "--repeat '0' is too small (at least 1)");
	expect_usage_error((char *[]){ "run", "--seed", "99999999999999999999", NULL },
			   "--seed '99999999999999999999' is too large");
	expect_usage_error((char *[]){ "run", "--qd", "5000", NULL }, "at most 4096");
	expect_usage_error((char *[]){ "run", "--block", "1Q", NULL }, "is not a size");
	expect_usage_error((char *[]){ "run", "--pattern", "zigzag", NULL },
			   "unknown pattern 'zigzag' (valid: random, slab)");
	expect_usage_error((char *[]){ "run", "--sync", "always", NULL },
			   "unknown sync 'always' (valid: none, fsync)");
	expect_usage_error((char *[]){ "run", "--cache", "hot", NULL }, "unknown cache mode 'hot'");
	expect_usage_error((char *[]){ "run", "--workload", NULL }, "needs a value");
	expect_usage_error((char *[]){ "run", "extra", NULL }, "unexpected argument 'extra'");
	expect_usage_error((char *[]){ "run", "--workload", ",", NULL }, "empty workload list");
	expect_usage_error((char *[]){ "run", "--size", "tiny", "--pattern", "slab", "--reads",
				       "5000", NULL },
			   "more than the array's 2048 rows");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_overrides_after_preset),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
