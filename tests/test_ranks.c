/*
 * test_ranks.c - the aggregate row of an MPI trial from its ranks' rows:
 * wall on rank 0's clock, sums and extremes, latency from the merged
 * histograms, steal once per node, the straggler ratio, validity.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ranks.h"

static void rank_rec(struct trial_rec *r, int rank, const char *node, uint64_t start,
		     uint64_t end, uint64_t bytes)
{
	memset(r, 0, sizeof(*r));
	r->workload = "md5";
	r->strategy = "threaded";
	r->rank = rank;
	r->ranks = 3;
	snprintf(r->node, sizeof(r->node), "%s", node);
	r->t_start_ns = start;
	r->t_end_ns = end;
	r->wall_s = (double)(end - start) / 1e9;
	r->user_s = 0.5;
	r->sys_s = 0.25;
	r->bytes = bytes;
	r->ops = 10;
	r->peak_rss_kib = 1000 + 100 * (uint64_t)rank;
	r->mem_ok = r->io_ok = r->valid = r->latency_on = true;
	r->mem_net_kib = 256;
	r->steal_s = 0.1;
	r->main_op = OP_READ;
}

static void test_aggregate(void **state)
{
	struct trial_rec r[3], agg;
	struct lat_set *lat = calloc(3, sizeof(*lat));
	/* rank 1's clock runs 1 ms ahead of rank 0's, rank 2's 2 ms behind */
	const int64_t off[3] = { 0, 1000000, -2000000 };

	(void)state;
	rank_rec(&r[0], 0, "a", 10000000, 20000000, 100);	/* 10 ms */
	rank_rec(&r[1], 1, "a", 11000000, 22000000, 200);	/* 11 ms, starts at 10 ms on rank 0's */
	rank_rec(&r[2], 2, "b", 8000000, 28000000, 300);	/* 20 ms: from 10 to 30 on rank 0's */
	/* rank 0 saw 100 reads of 1 us, rank 2 100 of 1 ms: the merged median is between */
	for (int i = 0; i < 100; i++) {
		lat_record(&lat[0].h[OP_READ], 1000);
		lat_record(&lat[2].h[OP_READ], 1000000);
	}
	ranks_aggregate(r, lat, 3, off, &agg);
	assert_int_equal(agg.rank, -1);
	assert_int_equal(agg.ranks, 3);
	assert_string_equal(agg.node, "all");
	/* earliest start 10 ms, latest end 30 ms on rank 0's clock */
	assert_true(fabs(agg.wall_s - 0.020) < 1e-9);
	assert_true(fabs(agg.start_skew_s) < 1e-9);	/* all started at 10 ms */
	assert_int_equal(agg.bytes, 600);
	assert_int_equal(agg.ops, 30);
	assert_true(fabs(agg.user_s - 1.5) < 1e-9 && fabs(agg.sys_s - 0.75) < 1e-9);
	assert_int_equal(agg.peak_rss_kib, 1200);	/* the largest process */
	assert_int_equal(agg.mem_net_kib, 768);		/* what the strategy adds: summed */
	/* machine-wide steal: node a once, node b once */
	assert_true(fabs(agg.steal_s - 0.2) < 1e-9);
	/* slowest 20 ms over the median rank's 11 ms */
	assert_true(fabs(agg.straggler - 20.0 / 11) < 1e-6);
	/* 200 reads: half 1 us, half 1 ms: p99 is in the slow half, p50 in the fast */
	assert_int_equal(agg.lat[OP_READ].n, 200);
	assert_true(agg.lat[OP_READ].p99_us > 900 && agg.lat[OP_READ].p50_us < 2);
	assert_true(agg.valid);
	/* one rank failed: the aggregate fails, naming it */
	r[1].valid = false;
	snprintf(r[1].error, sizeof(r[1].error), "md5 mismatch");
	ranks_aggregate(r, lat, 3, off, &agg);
	assert_false(agg.valid);
	assert_string_equal(agg.error, "rank 1 (a): md5 mismatch");
	free(lat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aggregate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
