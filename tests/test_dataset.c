/* test_dataset.c - generation is deterministic, reused by manifest, redone when stale. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "prng.h"
#include "registry.h"
#include "testutil.h"

static int fill_calls;

/* Seeded bytes, like the md5 workload's. */
static int fill(void *arg, size_t i, uint64_t off, void *buf, size_t len)
{
	static struct prng g;
	unsigned char *p = buf;

	if (off == 0)
		prng_seed(&g, *(uint64_t *)arg, i);
	for (size_t k = 0; k < len; k++)
		p[k] = (unsigned char)prng_next(&g);
	fill_calls++;
	return 0;
}

static bool verify;

static int get(const char *dir, uint64_t seed, struct dataset *ds)
{
	char *names[2] = { "a.bin", "b.bin" };
	uint64_t sizes[2] = { 3 * MIB + 5, 1000 };
	char spec[64], msg[256];

	snprintf(spec, sizeof(spec), "test seed=%llu", (unsigned long long)seed);
	return dataset_get(dir, "set", spec, 2, names, sizes, fill, &seed, verify ? DS_VERIFY : 0, ds,
			   msg, sizeof(msg));
}

static void test_same_seed_same_bytes(void **state)
{
	char *d1 = test_tmpdir("ds1"), *d2 = test_tmpdir("ds2");
	struct dataset a, b, c;

	(void)state;
	assert_int_equal(get(d1, 7, &a), 0);
	assert_int_equal(get(d2, 7, &b), 0);
	for (int i = 0; i < 2; i++)
		assert_memory_equal(a.files[i].md5, b.files[i].md5, 16);
	dataset_free(&b);
	/* a different seed is another dataset, in place of the old one */
	assert_int_equal(get(d2, 8, &c), 0);
	assert_memory_not_equal(a.files[0].md5, c.files[0].md5, 16);
	dataset_free(&a);
	dataset_free(&c);
	remove_tree(d1);
	remove_tree(d2);
	free(d1);
	free(d2);
}

static void test_reuse_and_stale(void **state)
{
	char *dir = test_tmpdir("ds3");
	struct dataset a, b;
	struct stat st1, st2;
	unsigned char md5[16];

	(void)state;
	assert_int_equal(get(dir, 1, &a), 0);
	assert_int_equal(stat(a.files[0].path, &st1), 0);
	fill_calls = 0;
	/* two users at once share it (shared locks) */
	assert_int_equal(get(dir, 1, &b), 0);
	assert_int_equal(fill_calls, 0);	/* reused, not regenerated */
	dataset_free(&b);
	/* regenerating takes the dataset's exclusive lock: nobody may hold it */
	memcpy(md5, a.files[0].md5, 16);
	dataset_free(&a);

	/* a file truncated behind our back is noticed and made again */
	assert_int_equal(get(dir, 1, &a), 0);
	assert_int_equal(truncate(a.files[0].path, 100), 0);
	dataset_free(&a);
	assert_int_equal(get(dir, 1, &b), 0);
	assert_true(fill_calls > 0);
	assert_int_equal(stat(b.files[0].path, &st2), 0);
	assert_int_equal(st2.st_size, 3 * MIB + 5);
	assert_memory_equal(md5, b.files[0].md5, 16);
	/* same size, other bytes: only --verify-data notices */
	{
		int fd = open(b.files[0].path, O_WRONLY);

		assert_int_equal(pwrite(fd, "x", 1, 4096), 1);
		close(fd);
	}
	dataset_free(&b);
	fill_calls = 0;
	assert_int_equal(get(dir, 1, &b), 0);
	assert_int_equal(fill_calls, 0);
	dataset_free(&b);
	verify = true;
	assert_int_equal(get(dir, 1, &b), 0);
	verify = false;
	assert_true(fill_calls > 0);
	/* and a deleted one too */
	assert_int_equal(unlink(b.files[1].path), 0);
	fill_calls = 0;
	dataset_free(&b);
	assert_int_equal(get(dir, 1, &b), 0);
	assert_true(fill_calls > 0);
	dataset_free(&b);
	remove_tree(dir);
	free(dir);
}

static void test_dir_checks(void **state)
{
	char *dir = test_tmpdir("ds4"), *file = xasprintf("%s/f", dir);
	char *missing = xasprintf("%s/nope", dir), *marker = xasprintf("%s/.iobench-data", dir);
	char msg[512];
	int fd;

	(void)state;
	assert_int_equal(dataset_dir_init(missing, false, msg, sizeof(msg)), -ENOENT);
	assert_non_null(strstr(msg, missing));
	assert_int_equal(access(missing, F_OK), -1);	/* nothing created */
	fd = open(file, O_CREAT | O_WRONLY, 0644);
	close(fd);
	assert_int_equal(dataset_dir_init(file, false, msg, sizeof(msg)), -ENOTDIR);
	assert_non_null(strstr(msg, "Not a directory"));
	assert_int_equal(dataset_dir_init(dir, false, msg, sizeof(msg)), 0);
	assert_int_equal(access(marker, F_OK), 0);
	remove_tree(dir);
	free(dir);
	free(file);
	free(missing);
	free(marker);
}

/* The workloads' own generators: same seed, same manifest digests. */
static void test_workload_datasets_deterministic(void **state)
{
	const char *names[] = { "md5", "array" };

	(void)state;
	for (size_t w = 0; w < 2; w++) {
		char *d1 = test_tmpdir("wl1"), *d2 = test_tmpdir("wl2");
		const struct workload *wl = workload_find(names[w]);
		struct config c1, c2;
		struct wl_ctx x1 = { .cfg = &c1 }, x2 = { .cfg = &c2 };

		test_config(&c1, d1);
		test_config(&c2, d2);
		assert_int_equal(wl->prepare(&x1), 0);
		assert_int_equal(wl->prepare(&x2), 0);
		assert_int_equal(x1.nfiles, x2.nfiles);
		for (size_t i = 0; i < x1.nfiles; i++) {
			char *t1, *t2;
			size_t n1, n2;

			assert_int_equal(read_small_file(x1.files[i], &t1, &n1), 0);
			assert_int_equal(read_small_file(x2.files[i], &t2, &n2), 0);
			assert_int_equal(n1, n2);
			assert_memory_equal(t1, t2, n1);
			free(t1);
			free(t2);
		}
		wl->release(&x1);
		wl->release(&x2);
		remove_tree(d1);
		remove_tree(d2);
		free(d1);
		free(d2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_seed_same_bytes),
		cmocka_unit_test(test_reuse_and_stale),
		cmocka_unit_test(test_dir_checks),
		cmocka_unit_test(test_workload_datasets_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
