/* test_latency.c - histogram percentiles against a sorted array. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "latency.h"
#include "prng.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void test_buckets(void **state)
{
	(void)state;
	for (uint64_t v = 0; v < 100000; v += 7) {
		unsigned i = lat_index(v);

		assert_true(lat_bucket_low(i) <= v);
		assert_true(v < lat_bucket_low(i + 1));
	}
	assert_int_equal(lat_index(5), 5);
	assert_int_equal(lat_index(1ULL << 50), LAT_BUCKETS - 1);
}

static void test_percentiles_vs_sorted(void **state)
{
	static struct lat_hist h;
	enum { N = 100000 };
	uint64_t *v = calloc(N, sizeof(*v));
	const double qs[] = { 0.5, 0.9, 0.99, 0.999 };
	struct prng g;

	(void)state;
	prng_seed(&g, 42, 0);
	/* log-normal-ish: most ops ~20 us, a tail to ~10 ms */
	for (int i = 0; i < N; i++) {
		double u = (double)(prng_next(&g) >> 11) * 0x1.0p-53;

		v[i] = (uint64_t)(20000 * exp(6 * u * u * u));
		lat_record(&h, v[i]);
	}
	qsort(v, N, sizeof(*v), cmp_u64);
	for (size_t k = 0; k < 4; k++) {
		uint64_t want = v[(size_t)ceil(qs[k] * N) - 1];
		uint64_t got = lat_quantile(&h, qs[k]);

		/* within the bucket's width: 1/16 of the value */
		assert_true(fabs((double)got - (double)want) <= (double)want / 16.0);
	}
	assert_int_equal(h.max_ns, v[N - 1]);
	assert_int_equal(h.n, N);
	free(v);
}

static void test_empty_and_single(void **state)
{
	static struct lat_hist h;

	(void)state;
	assert_int_equal(lat_quantile(&h, 0.99), 0);
	lat_record(&h, 12345);
	/* one value: every percentile is that value (clamped to max) */
	assert_true(lat_quantile(&h, 0.5) <= 12345);
	assert_true(lat_quantile(&h, 0.5) >= 12345 - 12345 / 16);
	assert_int_equal(lat_quantile(&h, 1.0), 12345);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_percentiles_vs_sorted),
		cmocka_unit_test(test_empty_and_single),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
