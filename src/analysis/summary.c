/* summary.c - statistics per strategy and the comparison with the baseline.
 *
 * Only counted trials enter a statistic: not warmup, valid, started in
 * the cache state asked for, and not disturbed by other processes.  The decision rule is in summary.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "results.h"
#include "summary.h"
#include "summary_int.h"
#include "util.h"

const char *const metric_names[MET_N] = { "wall_s", "cpu_s", "mem_net_kib",
					  "mib_per_s", "lat_p99_us" };
const char *const desc_names[DESC_N] = { "user_s", "sys_s", "vol_ctx", "steal_s",
					 "runq_wait_s", "blkio_wait_s", "ring_wait_s", "other_s",
					 "mem_base_kib", "lat_p50_us", "lat_p999_us",
					 "straggler", "start_skew_us", "inflight_avg",
					 "iowq_share", "io_workers", "server_late_us",
					 "gil_wait_s" };

/* A trial's value of @m; NaN when it was not measured. */
static double metric(const struct trial_rec *t, enum metric m)
{
	switch (m) {
	case MET_WALL: return t->wall_s;
	case MET_CPU: return t->user_s + t->sys_s;
	case MET_MEM: return t->mem_ok ? (double)t->mem_net_kib : NAN;
	case MET_MIBS: return t->mib_per_s;
	case MET_P99: return t->latency_on ? t->lat[t->main_op].p99_us : NAN;
	case MET_N: break;
	}
	return NAN;
}

/* A trial's value of @d; NaN when it was not measured. */
static double desc(const struct trial_rec *t, enum desc d)
{
	switch (d) {
	case DESC_USER: return t->user_s;
	case DESC_SYS: return t->sys_s;
	case DESC_VOLCTX: return (double)t->vol_ctx;
	case DESC_STEAL: return t->steal_s >= 0 ? t->steal_s : NAN;
	case DESC_RUNQ: return t->delay_ok ? t->runq_wait_s : NAN;
	case DESC_BLKIO: return t->delay_ok ? t->blkio_wait_s : NAN;
	case DESC_RING: return t->ring_wait_s;
	case DESC_OTHER: return t->delay_ok ? t->other_s : NAN;
	case DESC_MEMBASE: return t->mem_ok ? (double)t->mem_base_kib : NAN;
	case DESC_P50: return t->latency_on ? t->lat[t->main_op].p50_us : NAN;
	case DESC_P999: return t->latency_on ? t->lat[t->main_op].p999_us : NAN;
	case DESC_STRAGGLER: return t->straggler >= 0 ? t->straggler : NAN;
	case DESC_SKEW: return t->start_skew_s >= 0 ? t->start_skew_s * 1e6 : NAN;
	case DESC_INFLIGHT: return t->latency_on ? t->inflight_avg : NAN;
	/* of the SQEs io_uring took, the share its io-wq workers ran */
	case DESC_IOWQ_SHARE:
		return t->io_uring_sqes > 0 && t->io_uring_iowq >= 0 ?
		       (double)t->io_uring_iowq / (double)t->io_uring_sqes : NAN;
	case DESC_IO_WORKERS: return t->io_workers >= 0 ? t->io_workers : NAN;
	case DESC_SERVER_LATE: return t->server_late_us >= 0 ? t->server_late_us : NAN;
	case DESC_GIL_WAIT: return t->gil_wait_s >= 0 ? t->gil_wait_s : NAN;
	case DESC_N: break;
	}
	return NAN;
}

bool summary_counted(const struct trial_rec *t)
{
	/* under mpirun the aggregate row speaks for the ranks' */
	return !t->warmup && t->trial > 0 && t->valid && !t->cache_flag && !t->disturbed &&
	       (t->ranks <= 1 || t->rank < 0);
}

static bool row_trial(const struct trial_rec *t, const struct strat_summary *row)
{
	return !t->warmup && t->trial > 0 && (t->ranks <= 1 || t->rank < 0) &&
	       !strcmp(t->workload, row->workload) && !strcmp(t->strategy, row->strategy);
}

/*
 * The counted values of a trial figure (@get(t, @which)) for one row,
 * without the trials marked in @skip (may be NULL).
 */
static size_t samples(const struct results *r, const struct strat_summary *row,
		      double (*get)(const struct trial_rec *, int), int which, const bool *skip,
		      double *out)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct trial_rec *t = &r->recs[i];
		double v;

		if (!row_trial(t, row) || !summary_counted(t) || (skip && skip[i]))
			continue;
		v = get(t, which);
		if (isfinite(v))
			out[n++] = v;
	}
	return n;
}

static double get_metric(const struct trial_rec *t, int m) { return metric(t, (enum metric)m); }
static double get_desc(const struct trial_rec *t, int d) { return desc(t, (enum desc)d); }

size_t summary_samples(const struct results *r, const struct strat_summary *row, enum metric m,
		       const bool *skip, double *out)
{
	return samples(r, row, get_metric, m, skip, out);
}

/* Flags @row's outliers by wall time in @outlier; the verdict says if they mattered. */
static void flag_outliers(const struct results *r, struct strat_summary *row, bool *outlier)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct trial_rec *t = &r->recs[i];

		if (!row_trial(t, row) || !summary_counted(t))
			continue;
		outlier[i] = fabs(stats_modified_z(t->wall_s, &row->m[MET_WALL], row->wall,
						   row->nwall)) > STATS_OUTLIER_Z;
		row->outliers += outlier[i];
	}
}


/*
 * Under mpirun: each rank's median wall, over the trials whose aggregate
 * counts (the ranks' own rows are never counted themselves).  @v: scratch.
 */
static void rank_walls(const struct results *r, struct strat_summary *row, double *v)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->recs[i].ranks > row->nranks && r->recs[i].rank < 0)
			row->nranks = r->recs[i].ranks;
	if (row->nranks <= 1) {
		row->nranks = 0;
		return;
	}
	row->rank_wall = xcalloc(row->nranks, sizeof(double));
	for (unsigned k = 0; k < row->nranks; k++) {
		size_t n = 0;

		for (size_t i = 0; i < r->n; i++) {
			const struct trial_rec *t = &r->recs[i];

			/* the rank's own valid trials of this row */
			if (t->rank == (int)k && !t->warmup && t->trial > 0 && t->valid &&
			    !t->cache_flag && !t->disturbed && !strcmp(t->workload, row->workload) &&
			    !strcmp(t->strategy, row->strategy))
				v[n++] = t->wall_s;
		}
		row->rank_wall[k] = n ? stats_median(v, n) : NAN;
	}
}

/*
 * io-wq's share is counted in the warmup trials only (trial.c: counting
 * it slows io-wq's requests): their median, NaN without one.
 */
static double warmup_iowq_share(const struct results *r, const struct strat_summary *row,
				double *v)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct trial_rec *t = &r->recs[i];
		double share = desc(t, DESC_IOWQ_SHARE);

		if (t->warmup && t->valid && (t->ranks <= 1 || t->rank < 0) && isfinite(share) &&
		    !strcmp(t->workload, row->workload) && !strcmp(t->strategy, row->strategy))
			v[n++] = share;
	}
	return n ? stats_median(v, n) : NAN;
}

static void summarize_row(const struct results *r, struct strat_summary *row, bool *outlier)
{
	double *v = xcalloc(r->n + 1, sizeof(double));

	for (size_t i = 0; i < r->n; i++) {
		const struct trial_rec *t = &r->recs[i];

		if (!row_trial(t, row))
			continue;
		row->total++;
		if (summary_counted(t)) {
			row->workers = t->workers;
			row->qd = t->qd;
		}
		if (!t->valid && !row->error)
			row->error = t->error;
		row->cache_flagged += t->valid && t->cache_flag;
		row->disturbed += t->valid && !t->cache_flag && t->disturbed;
	}
	for (int m = 0; m < MET_N; m++)
		stats_summarize(v, samples(r, row, get_metric, m, NULL, v), &row->m[m]);
	for (int d = 0; d < DESC_N; d++) {
		size_t n = samples(r, row, get_desc, d, NULL, v);

		row->med[d] = n ? stats_median(v, n) : NAN;
	}
	row->med[DESC_IOWQ_SHARE] = warmup_iowq_share(r, row, v);
	row->valid = (unsigned)row->m[MET_WALL].n;
	row->wall = xcalloc(r->n + 1, sizeof(double));
	row->nwall = samples(r, row, get_metric, MET_WALL, NULL, row->wall);
	flag_outliers(r, row, outlier);
	row->trend_p = stats_trend_p(row->wall, row->nwall, &row->trend_change);
	row->drift = row->trend_p < SUMMARY_ALPHA && fabs(row->trend_change) >= SUMMARY_DRIFT;
	row->bimodal = stats_bimodal(row->wall, row->nwall);
	rank_walls(r, row, v);
	free(v);
}

void summary_workload(const struct results *r, const struct run_meta *m, unsigned w,
		      struct strat_summary *rows, bool *outlier)
{
	const struct config *cfg = m->cfg;

	for (unsigned s = 0; s < cfg->n_st; s++) {
		rows[s].workload = cfg->wl[w]->name;
		rows[s].strategy = cfg->st[s]->name;
		rows[s].baseline = cfg->st[s]->baseline;
		rows[s].unavailable = m->unavailable[s];
		summarize_row(r, &rows[s], outlier);
	}
}

/* The baseline's median over ours, with the relative spreads added in quadrature. */
static void speedup(struct strat_summary *row, const struct strat_summary *base)
{
	const struct summary *a = &base->m[MET_WALL], *b = &row->m[MET_WALL];
	double ra, rb;

	if (!base->valid || !row->valid || b->median <= 0)
		return;
	row->speedup = a->median / b->median;
	ra = a->mean > 0 ? a->stddev / a->mean : 0;
	rb = b->mean > 0 ? b->stddev / b->mean : 0;
	row->speedup_sd = row->speedup * sqrt(ra * ra + rb * rb);
}

/*
 * A replayed program's baseline is what it does now: the as_recorded
 * strategy's row, when that has valid trials, instead of serial's.
 */
static void recorded_baseline(const struct config *cfg, struct strat_summary *rows)
{
	int rec = -1;

	for (unsigned s = 0; s < cfg->n_st; s++)
		if (cfg->st[s]->as_recorded && rows[s].valid)
			rec = (int)s;
	for (unsigned s = 0; rec >= 0 && s < cfg->n_st; s++)
		rows[s].baseline = (int)s == rec;
}

const char *summary_baseline(const struct run_summary *s, const char *wl)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].baseline && !strcmp(s->rows[i].workload, wl))
			return s->rows[i].strategy;
	return s->baseline;
}

/* Marks the rows the verdicts recommend or find equivalent to the fastest. */
static void mark_rows(struct run_summary *s)
{
	for (size_t v = 0; v < s->nv; v++) {
		if (s->v[v].pick >= 0)
			s->rows[s->v[v].pick].recommended = true;
		for (unsigned e = 0; e < s->v[v].nequiv; e++)
			s->rows[s->v[v].equiv[e]].equivalent = true;
	}
}

void summary_compute(const struct results *r, const struct run_meta *m,
		     struct run_summary *out)
{
	const struct config *cfg = m->cfg;

	memset(out, 0, sizeof(*out));
	out->rows = xcalloc((size_t)cfg->n_wl * cfg->n_st, sizeof(*out->rows));
	out->outlier = xcalloc(r->n + 1, sizeof(bool));
	out->nrecs = r->n;
	out->margin = cfg->margin > 0 ? cfg->margin : SUMMARY_MARGIN;
	for (unsigned s = 0; s < cfg->n_st; s++)
		if (cfg->st[s]->baseline)
			out->baseline = cfg->st[s]->name;
	for (unsigned w = 0; w < cfg->n_wl; w++) {
		size_t first = out->n;
		const struct strat_summary *base = NULL;

		summary_workload(r, m, w, &out->rows[first], out->outlier);
		out->n += cfg->n_st;
		if (cfg->wl[w]->has_recorded)
			recorded_baseline(cfg, &out->rows[first]);
		for (size_t i = first; i < out->n; i++)
			if (out->rows[i].baseline)
				base = &out->rows[i];
		for (size_t i = first; base && i < out->n; i++)
			speedup(&out->rows[i], base);
		out->v[out->nv].workload = cfg->wl[w]->name;
		summary_verdict(out, first, out->n - first, r, true, &out->v[out->nv]);
		verdict_outliers(out, first, out->n - first, r, &out->v[out->nv]);
		out->nv++;
	}
	mark_rows(out);
}

const char *summary_label(const struct strat_summary *row, char *out, size_t len)
{
	const struct strategy *st = strategy_find(row->strategy);

	if (st && st->uses_qd && row->qd)
		snprintf(out, len, "%s with qd %u", row->strategy, row->qd);
	else if (st && st->uses_workers && row->workers)
		snprintf(out, len, "%s with %u worker%s", row->strategy, row->workers,
			 row->workers == 1 ? "" : "s");
	else
		snprintf(out, len, "%s", row->strategy);
	return out;
}

double summary_median(const struct strat_summary *row, const char *name)
{
	if (!row || !row->valid)
		return NAN;
	for (int m = 0; m < MET_N; m++)
		if (!strcmp(name, metric_names[m]))
			return row->m[m].n ? row->m[m].median : NAN;
	for (int d = 0; d < DESC_N; d++)
		if (!strcmp(name, desc_names[d]))
			return row->med[d];
	return NAN;
}

const struct strat_summary *summary_row(const struct run_summary *s, const char *wl,
					const char *st)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->rows[i].workload, wl) && !strcmp(s->rows[i].strategy, st))
			return &s->rows[i];
	return NULL;
}

void summary_free(struct run_summary *s)
{
	for (size_t i = 0; s->rows && i < s->n; i++) {
		free(s->rows[i].wall);
		free(s->rows[i].rank_wall);
	}
	free(s->rows);
	free(s->outlier);
	memset(s, 0, sizeof(*s));
}

