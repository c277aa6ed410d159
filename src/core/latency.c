/* latency.c - see latency.h. */
#include <stdbool.h>
#include <stdlib.h>

#include "latency.h"
#include "util.h"

unsigned lat_index(uint64_t ns)
{
	unsigned e;

	if (ns < LAT_SUB)
		return (unsigned)ns;
	e = 63 - (unsigned)__builtin_clzll(ns);	/* 2^e <= ns, e >= 4 */
	if (e >= LAT_TOP_EXP)
		return LAT_BUCKETS - 1;
	return (e - 3) * LAT_SUB + (unsigned)((ns >> (e - 4)) & (LAT_SUB - 1));
}

uint64_t lat_bucket_low(unsigned i)
{
	unsigned e = i / LAT_SUB + 3, sub = i % LAT_SUB;

	if (i < LAT_SUB)
		return i;
	return (uint64_t)(LAT_SUB + sub) << (e - 4);
}

void lat_record(struct lat_hist *h, uint64_t ns)
{
	uint64_t max = __atomic_load_n(&h->max_ns, __ATOMIC_RELAXED);

	__atomic_fetch_add(&h->count[lat_index(ns)], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&h->n, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&h->sum_ns, ns, __ATOMIC_RELAXED);
	while (ns > max && !__atomic_compare_exchange_n(&h->max_ns, &max, ns, true,
							__ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

uint64_t lat_quantile(const struct lat_hist *h, double q)
{
	uint64_t rank, seen = 0;

	if (h->n == 0)
		return 0;
	/* the value of rank ceil(q n), 1-based, as a sorted array would give */
	rank = (uint64_t)(q * (double)h->n);
	if ((double)rank < q * (double)h->n)
		rank++;
	if (rank == 0)
		rank = 1;
	for (unsigned i = 0; i < LAT_BUCKETS; i++) {
		seen += h->count[i];
		if (seen >= rank) {
			uint64_t lo = lat_bucket_low(i);
			uint64_t hi = i + 1 < LAT_BUCKETS ? lat_bucket_low(i + 1) : lo;
			uint64_t mid = lo + (hi - lo) / 2;

			return mid < h->max_ns ? mid : h->max_ns;
		}
	}
	return h->max_ns;
}

void lat_percentiles(const struct lat_hist *h, struct lat_pct *out)
{
	out->n = h->n;
	out->p50_us = (double)lat_quantile(h, 0.50) / 1e3;
	out->p90_us = (double)lat_quantile(h, 0.90) / 1e3;
	out->p99_us = (double)lat_quantile(h, 0.99) / 1e3;
	out->p999_us = (double)lat_quantile(h, 0.999) / 1e3;
	out->max_us = (double)h->max_ns / 1e3;
	out->mean_us = h->n ? (double)h->sum_ns / (double)h->n / 1e3 : 0;
}

void lat_sparse_from(const struct lat_hist *h, struct lat_sparse *out)
{
	uint32_t n = 0;

	*out = (struct lat_sparse){ 0 };
	for (unsigned b = 0; b < LAT_BUCKETS; b++)
		n += h->count[b] != 0;
	if (!n)
		return;
	out->bucket = xcalloc(n, sizeof(*out->bucket));
	out->count = xcalloc(n, sizeof(*out->count));
	for (unsigned b = 0; b < LAT_BUCKETS; b++)
		if (h->count[b]) {
			out->bucket[out->n] = (uint16_t)b;
			out->count[out->n++] = h->count[b];
		}
}

void lat_sparse_free(struct lat_sparse *s)
{
	free(s->bucket);
	free(s->count);
	*s = (struct lat_sparse){ 0 };
}
