/* latency.h - log-linear histograms of op latency, issue to completion.
 *
 * HdrHistogram-style buckets: exact below 16 ns, then 16 sub-buckets per
 * power of two, so any value is known to within 1/16 (6.25%).  One set of
 * histograms (one per op type) lives in memory shared by the whole trial:
 * threads and forked workers record into it with relaxed atomic adds, so
 * nothing needs merging afterwards.
 */
#ifndef IOBENCH_LATENCY_H
#define IOBENCH_LATENCY_H

#include <stdint.h>

#include "op.h"

#define LAT_SUB 16
#define LAT_TOP_EXP 44		/* values at or above 2^44 ns (4.9 h) are clamped */
#define LAT_BUCKETS ((LAT_TOP_EXP - 3) * LAT_SUB)

struct lat_hist {
	uint64_t n;
	uint64_t sum_ns;
	uint64_t max_ns;
	uint64_t count[LAT_BUCKETS];
};

struct lat_set {
	struct lat_hist h[OP_NTYPES];	/* response: job asks -> job handed the result */
	struct lat_hist svc[OP_NTYPES];	/* service: syscall or submission -> completion */
	int64_t inflight, inflight_max;	/* ops issued and not completed */
};

/* The percentiles iobench reports, in microseconds. */
struct lat_pct {
	uint64_t n;
	double p50_us, p90_us, p99_us, p999_us, max_us, mean_us;
};

/* A histogram's non-empty buckets (for the result JSON): @n of them. */
struct lat_sparse {
	uint32_t n;
	uint16_t *bucket;	/* bucket index: [lat_bucket_low(b), lat_bucket_low(b + 1)) ns */
	uint64_t *count;
};

unsigned lat_index(uint64_t ns);
/* The smallest value that falls in bucket @i. */
uint64_t lat_bucket_low(unsigned i);

/* Thread- and process-safe. */
void lat_record(struct lat_hist *h, uint64_t ns);

/* The value below which @q (0..1) of the recorded values lie: the midpoint
 * of the bucket holding it, never above the maximum.  0 when empty. */
uint64_t lat_quantile(const struct lat_hist *h, double q);

void lat_percentiles(const struct lat_hist *h, struct lat_pct *out);

/* @h's non-empty buckets into @out (allocated; lat_sparse_free). */
void lat_sparse_from(const struct lat_hist *h, struct lat_sparse *out);
void lat_sparse_free(struct lat_sparse *s);

#endif
