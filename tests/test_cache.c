/* test_cache.c - residency measurement of a file read vs dropped. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "cache.h"
#include "testutil.h"

static void test_read_vs_dropped(void **state)
{
	char *dir = test_tmpdir("cache"), *path = xasprintf("%s/f", dir);
	char *files[1] = { path }, msg[256];
	static char buf[1 << 20];
	int fd;

	(void)state;
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(fd);

	assert_int_equal(cache_prepare(CACHE_COLD, false, files, 1, msg, sizeof(msg)), 0);
	double cold = cache_resident_pct(files, 1);
	assert_int_equal(cache_prepare(CACHE_WARM, false, files, 1, msg, sizeof(msg)), 0);
	double warm = cache_resident_pct(files, 1);

	/* tmpfs can't drop its pages: there the cold state can't be made */
	if (cold > 5)
		skip();
	assert_true(cold >= 0 && cold <= 5);
	assert_true(warm >= 95);
	assert_false(cache_state_off(CACHE_COLD, cold));
	assert_true(cache_state_off(CACHE_COLD, warm));
	assert_true(cache_state_off(CACHE_WARM, cold));
	assert_false(cache_state_off(CACHE_WARM, -1));	/* n/a is never off */
	remove_tree(dir);
	free(path);
	free(dir);
}

static void test_no_files(void **state)
{
	(void)state;
	assert_true(cache_resident_pct(NULL, 0) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_vs_dropped),
		cmocka_unit_test(test_no_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
