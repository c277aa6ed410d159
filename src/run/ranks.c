/* ranks.c - see ranks.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "dist.h"
#include "ranks.h"
#include "stats.h"
#include "trial_cols.h"
#include "util.h"

/* What one rank sends rank 0 after each trial. */
struct rank_packet {
	struct trial_rec rec;
	struct lat_set lat;
};

static void merge_hist(struct lat_hist *into, const struct lat_hist *h)
{
	into->n += h->n;
	into->sum_ns += h->sum_ns;
	if (h->max_ns > into->max_ns)
		into->max_ns = h->max_ns;
	for (unsigned b = 0; b < LAT_BUCKETS; b++)
		into->count[b] += h->count[b];
}

/* The @n ranks' histograms merged (free() it). */
static struct lat_set *merged(const struct lat_set *lat, int n)
{
	struct lat_set *all = xcalloc(1, sizeof(*all));

	for (int r = 0; r < n; r++)
		for (int t = 0; t < OP_NTYPES; t++) {
			merge_hist(&all->h[t], &lat[r].h[t]);
			merge_hist(&all->svc[t], &lat[r].svc[t]);
		}
	return all;
}

/* Latency over all ranks: the merged histograms, not an average of percentiles. */
static void merge_latency(const struct lat_set *lat, int n, struct trial_rec *agg)
{
	struct lat_set *all = merged(lat, n);

	for (int t = 0; t < OP_NTYPES; t++) {
		lat_percentiles(&all->h[t], &agg->lat[t]);
		lat_percentiles(&all->svc[t], &agg->svc[t]);
	}
	free(all);
}

/* The slowest rank's wall over the median rank's: 1 when they kept pace. */
static double straggler(const struct trial_rec *r, int n)
{
	double *w = xcalloc((size_t)n, sizeof(double)), slow = 0, med;

	for (int i = 0; i < n; i++) {
		w[i] = r[i].wall_s;
		slow = fmax(slow, w[i]);
	}
	med = stats_median(w, (size_t)n);
	free(w);
	return med > 0 ? slow / med : -1;
}

/* Steal is machine-wide: counted once per node, not once per rank. */
static double steal(const struct trial_rec *r, int n)
{
	double sum = 0;

	for (int i = 0; i < n; i++) {
		bool first = true;

		if (r[i].steal_s < 0)
			return -1;
		for (int k = 0; k < i; k++)
			first &= strcmp(r[k].node, r[i].node) != 0;
		sum += first ? r[i].steal_s : 0;
	}
	return sum;
}

/*
 * The sums and extremes over the ranks (everything but time, latency and
 * validity): each column by its rule in trial_cols.c, then what is not a
 * column.
 */
static void add_up(const struct trial_rec *x, struct trial_rec *a)
{
	trial_cols_add(x, a);
	a->io_ok &= x->io_ok;
	a->mem_ok &= x->mem_ok;
	a->delay_ok &= x->delay_ok;
	for (int t = 0; t < OP_NTYPES; t++)
		a->ops_by_type[t] += x->ops_by_type[t];
	for (int k = 0; k < HW_N; k++)
		a->hw[k] = a->hw[k] < 0 || x->hw[k] < 0 ? -1 : a->hw[k] + x->hw[k];
	a->stopped |= x->stopped;
}

void ranks_aggregate(const struct trial_rec *r, const struct lat_set *lat, int n,
		     const int64_t *off_ns, struct trial_rec *agg)
{
	int64_t start = INT64_MAX, end = INT64_MIN, last_start = INT64_MIN;

	*agg = r[0];
	memset(&agg->user_s, 0, sizeof(*agg) - offsetof(struct trial_rec, user_s));
	agg->rank = -1;
	agg->ranks = (unsigned)n;
	snprintf(agg->node, sizeof(agg->node), "all");
	agg->io_ok = agg->mem_ok = agg->delay_ok = agg->valid = true;
	agg->latency_on = r[0].latency_on;
	agg->main_op = r[0].main_op;
	agg->resident_pct = r[0].resident_pct;
	agg->server_late_us = agg->server_late_max_us = -1;	/* n/a unless a rank has one */
	agg->warmup = r[0].warmup;
	memcpy(agg->digest, r[0].digest, sizeof(agg->digest));
	snprintf(agg->hw_why, sizeof(agg->hw_why), "%s", r[0].hw_why);
	for (int i = 0; i < n; i++) {
		/* on rank 0's clock: wall is the earliest start to the latest end */
		int64_t s = (int64_t)r[i].t_start_ns - off_ns[i], e = (int64_t)r[i].t_end_ns - off_ns[i];

		start = s < start ? s : start;
		last_start = s > last_start ? s : last_start;
		end = e > end ? e : end;
		add_up(&r[i], agg);
		if (!r[i].valid && agg->valid) {
			agg->valid = false;
			snprintf(agg->error, sizeof(agg->error), "rank %d (%s): %.400s", i, r[i].node,
				 r[i].error);
		}
	}
	agg->t_start_ns = (uint64_t)start;
	agg->t_end_ns = (uint64_t)end;
	agg->wall_s = (double)(end - start) / 1e9;
	agg->start_skew_s = (double)(last_start - start) / 1e9;
	agg->mib_per_s = agg->wall_s > 0 ? (double)agg->bytes / MIB / agg->wall_s : 0;
	agg->ops_per_s = agg->wall_s > 0 ? (double)agg->ops / agg->wall_s : 0;
	agg->steal_s = steal(r, n);
	/* each rank counts the others as other processes: n/a (runloop.c) */
	agg->other_cpu_s = agg->psi_cpu_s = agg->psi_io_s = agg->idle_cpu_s = -1;
	agg->straggler = straggler(r, n);
	if (agg->latency_on)
		merge_latency(lat, n, agg);
}

/* MD5 over every job's digest in job order, each from the rank that ran it. */
static void split_digest(const unsigned char *all, size_t njobs, int n, char out[33])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char d[16] = { 0 };

	if (md) {
		EVP_DigestInit_ex(md, EVP_md5(), NULL);
		for (size_t j = 0; j < njobs; j++)
			EVP_DigestUpdate(md, all + ((j % (size_t)n) * njobs + j) * 16, 16);
		EVP_DigestFinal_ex(md, d, NULL);
		EVP_MD_CTX_free(md);
	}
	hex_encode(d, 16, out);
}

/* Every rank ran the whole workload: one digest, if they all agree. */
static void same_digest(const struct trial_rec *r, int n, struct trial_rec *agg)
{
	for (int i = 1; i < n; i++)
		if (strcmp(r[i].digest, r[0].digest) && agg->valid) {
			agg->valid = false;
			snprintf(agg->error, sizeof(agg->error), "rank %d's digest %s differs from "
				 "rank 0's %s", i, r[i].digest, r[0].digest);
		}
}

const struct trial_rec *ranks_collect(const struct wl_ctx *ctx, const struct trial_rec *mine,
				      const struct lat_set *lat, unsigned char (*digests)[16],
				      bool split, struct results *res)
{
	int n = dist.ranks;
	struct rank_packet *me = xcalloc(1, sizeof(*me)), *all = NULL;
	unsigned char *dg = NULL;
	size_t nd = wl_njobs(ctx) * 16;
	struct trial_rec agg;

	if (n == 1) {
		free(me);
		results_add(res, mine);
		results_set_hists(res, res->n - 1, lat);
		return &res->recs[res->n - 1];
	}
	me->rec = *mine;
	me->lat = *lat;
	if (dist.rank == 0) {
		all = xcalloc((size_t)n, sizeof(*all));
		dg = xcalloc((size_t)n * nd + 1, 1);
	}
	dist_gather(me, sizeof(*me), all);
	if (split)
		dist_gather(digests, nd, dg);
	free(me);
	if (dist.rank != 0)
		return NULL;
	for (int i = 0; i < n; i++) {
		/* names are pointers into each rank's registry: rank 0's stand for all */
		all[i].rec.workload = mine->workload;
		all[i].rec.strategy = mine->strategy;
		results_add(res, &all[i].rec);
		results_set_hists(res, res->n - 1, &all[i].lat);
	}
	{
		struct trial_rec *rr = xcalloc((size_t)n, sizeof(*rr));
		struct lat_set *ll = xcalloc((size_t)n, sizeof(*ll)), *m;

		for (int i = 0; i < n; i++) {
			rr[i] = all[i].rec;
			ll[i] = all[i].lat;
		}
		ranks_aggregate(rr, ll, n, dist.clock_offset_ns, &agg);
		if (split)
			split_digest(dg, wl_njobs(ctx), n, agg.digest);
		else
			same_digest(rr, n, &agg);
		results_add(res, &agg);
		m = merged(ll, n);
		results_set_hists(res, res->n - 1, m);
		free(m);
		free(rr);
		free(ll);
	}
	free(all);
	free(dg);
	return &res->recs[res->n - 1];
}
