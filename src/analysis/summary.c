/* summary.c - statistics per strategy, comparison with serial, the verdict.
 *
 * Only counted trials enter a statistic: not warmup, valid, and started
 * in the cache state asked for.  The decision rule is in summary.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "summary.h"
#include "util.h"

const char *const metric_names[MET_N] = { "wall_s", "cpu_s", "mem_net_kib",
					  "mib_per_s", "lat_p99_us" };
const char *const desc_names[DESC_N] = { "user_s", "sys_s", "vol_ctx", "steal_s",
					 "runq_wait_s", "blkio_wait_s", "ring_wait_s", "other_s",
					 "mem_base_kib", "lat_p50_us", "lat_p999_us" };

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
	case DESC_N: break;
	}
	return NAN;
}

bool summary_counted(const struct trial_rec *t)
{
	return !t->warmup && t->trial > 0 && t->valid && !t->cache_flag;
}

static bool row_trial(const struct trial_rec *t, const struct strat_summary *row)
{
	return !t->warmup && t->trial > 0 && !strcmp(t->workload, row->workload) &&
	       !strcmp(t->strategy, row->strategy);
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

static void summarize_row(const struct results *r, struct strat_summary *row, bool *outlier)
{
	double *v = xcalloc(r->n + 1, sizeof(double));

	for (size_t i = 0; i < r->n; i++) {
		const struct trial_rec *t = &r->recs[i];

		if (!row_trial(t, row))
			continue;
		row->total++;
		if (!t->valid && !row->error)
			row->error = t->error;
		row->cache_flagged += t->valid && t->cache_flag;
	}
	for (int m = 0; m < MET_N; m++)
		stats_summarize(v, samples(r, row, get_metric, m, NULL, v), &row->m[m]);
	for (int d = 0; d < DESC_N; d++) {
		size_t n = samples(r, row, get_desc, d, NULL, v);

		row->med[d] = n ? stats_median(v, n) : NAN;
	}
	row->valid = (unsigned)row->m[MET_WALL].n;
	row->wall = xcalloc(r->n + 1, sizeof(double));
	row->nwall = samples(r, row, get_metric, MET_WALL, NULL, row->wall);
	flag_outliers(r, row, outlier);
	free(v);
}

/* One row per strategy of workload @w (index into m->cfg->wl) into @rows. */
static void summarize_workload(const struct results *r, const struct run_meta *m, unsigned w,
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

static double pct_less(double mine, double theirs)
{
	return theirs > 0 ? 100.0 * (theirs - mine) / theirs : 0;
}

double summary_min_p(size_t na, size_t nb)
{
	/* the most extreme arrangement: 2 / C(na + nb, na), in log space */
	double lc;

	if (!na || !nb)
		return 1;
	lc = lgamma((double)(na + nb + 1)) - lgamma((double)(na + 1)) - lgamma((double)(nb + 1));
	return fmin(1, 2 * exp(-lc));
}

/* Per row of a workload: its samples of each metric used in the verdict. */
struct vrow {
	double *v[3];		/* wall, cpu, mem */
	size_t n[3];
	double med[3];
};
static const enum metric vmet[3] = { MET_WALL, MET_CPU, MET_MEM };

/*
 * Is @best measurably lower than every other equivalent on metric @m:
 * significant after Holm, at least SUMMARY_MIN_REL less, and for memory
 * at least SUMMARY_MIN_MEM_KIB less?  Sets *pmax to the largest adjusted p.
 */
static bool lower_than_all(const struct vrow *vr, const struct verdict *v, size_t first,
			   int best, int m, double *pmax)
{
	double p[16];
	size_t k = 0;
	bool ok = true;

	*pmax = 0;
	for (unsigned e = 0; e < v->nequiv; e++) {
		int o = v->equiv[e] - (int)first;
		double a = vr[best].med[m], b;

		if (o == best)
			continue;
		b = vr[o].med[m];
		if (!vr[best].n[m] || !vr[o].n[m] || !(a <= b * (1 - SUMMARY_MIN_REL)) ||
		    (vmet[m] == MET_MEM && b - a < SUMMARY_MIN_MEM_KIB))
			ok = false;
		p[k++] = stats_mann_whitney_p(vr[best].v[m], vr[best].n[m], vr[o].v[m], vr[o].n[m]);
	}
	stats_holm(p, k);
	for (size_t i = 0; i < k; i++) {
		*pmax = fmax(*pmax, p[i]);
		ok = ok && p[i] < SUMMARY_ALPHA;
	}
	return ok && k > 0;
}

/* "a, b or c", in the rows' (the command line's) order. */
static void name_list(const struct strat_summary *rows, const struct verdict *v, size_t first,
		      char *out, size_t len)
{
	size_t off = 0;

	out[0] = '\0';
	for (unsigned e = 0; e < v->nequiv && off < len; e++)
		off += (size_t)snprintf(out + off, len - off, "%s%s",
					e == 0 ? "" : e + 1 == v->nequiv ? " or " : ", ",
					rows[(size_t)v->equiv[e] - first].strategy);
}

void summary_verdict(const struct run_summary *s, size_t first, size_t n,
		     const struct results *r, bool with_outliers, struct verdict *v)
{
	const struct strat_summary *rows = s->rows + first;
	struct vrow *vr = xcalloc(n + 1, sizeof(*vr));
	double p[16];
	int other[16];
	size_t k = 0;
	int best = -1, second = -1;
	char names[160];

	memset(v->equiv, 0, sizeof(v->equiv));
	v->fastest = v->runner_up = v->pick = -1;
	v->nequiv = 0;
	v->p = v->min_p = 1;
	v->tie = v->underpowered = false;
	v->reason[0] = v->detail[0] = v->outlier_note[0] = '\0';
	for (size_t i = 0; i < n && i < 16; i++) {
		for (int m = 0; m < 3; m++) {
			double *tmp;

			vr[i].v[m] = xcalloc(r->n + 1, sizeof(double));
			vr[i].n[m] = samples(r, &rows[i], get_metric, vmet[m],
					     with_outliers ? NULL : s->outlier, vr[i].v[m]);
			tmp = xcalloc(vr[i].n[m] + 1, sizeof(double));
			memcpy(tmp, vr[i].v[m], vr[i].n[m] * sizeof(double));
			vr[i].med[m] = stats_median(tmp, vr[i].n[m]);
			free(tmp);
		}
		if (!vr[i].n[0])
			continue;
		if (best < 0 || vr[i].med[0] < vr[best].med[0]) {
			second = best;
			best = (int)i;
		} else if (second < 0 || vr[i].med[0] < vr[second].med[0]) {
			second = (int)i;
		}
	}
	if (best < 0) {
		snprintf(v->reason, sizeof(v->reason),
			 "no strategy produced a valid trial: no recommendation");
		goto out;
	}
	v->fastest = v->pick = (int)first + best;
	v->equiv[v->nequiv++] = v->fastest;
	if (second < 0) {
		snprintf(v->reason, sizeof(v->reason), "%s is the only strategy with valid trials",
			 rows[best].strategy);
		goto out;
	}
	v->runner_up = (int)first + second;
	/* the fastest against every other: one family of comparisons */
	for (size_t i = 0; i < n && i < 16; i++) {
		if ((int)i == best || !vr[i].n[0])
			continue;
		p[k] = stats_mann_whitney_p(vr[best].v[0], vr[best].n[0], vr[i].v[0], vr[i].n[0]);
		v->min_p = fmin(v->min_p, summary_min_p(vr[best].n[0], vr[i].n[0]));
		other[k++] = (int)i;
	}
	stats_holm(p, k);
	v->nequiv = 0;
	for (size_t i = 0; i < n && i < 16; i++) {
		if ((int)i == best)
			v->equiv[v->nequiv++] = (int)(first + i);
		for (size_t j = 0; j < k; j++)
			if (other[j] == (int)i) {
				if (p[j] >= SUMMARY_ALPHA)
					v->equiv[v->nequiv++] = (int)(first + i);
				if ((int)i == second)
					v->p = p[j];
			}
	}
	v->underpowered = v->min_p >= SUMMARY_ALPHA;
	v->tie = v->nequiv > 1;
	if (!v->tie) {
		snprintf(v->reason, sizeof(v->reason), "%s is fastest", rows[best].strategy);
		snprintf(v->detail, sizeof(v->detail),
			 "median %.4g s, %.0f%% less wall time than the runner-up %s (%.4g s); "
			 "p=%.2g, Holm-adjusted over %zu comparison%s",
			 vr[best].med[0], pct_less(vr[best].med[0], vr[second].med[0]),
			 rows[second].strategy, vr[second].med[0], v->p, k, k == 1 ? "" : "s");
		goto out;
	}
	name_list(rows, v, first, names, sizeof(names));
	{
		double pc, pm;

		if (lower_than_all(vr, v, first, best, 1, &pc)) {
			snprintf(v->reason, sizeof(v->reason),
				 "%s: no measurable difference in time; %s uses measurably less CPU",
				 names, rows[best].strategy);
			snprintf(v->detail, sizeof(v->detail),
				 "%s has the lowest median wall (%.4g s) and CPU (%.4g s, p<=%.2g "
				 "against each equivalent)", rows[best].strategy, vr[best].med[0],
				 vr[best].med[1], pc);
		} else if (lower_than_all(vr, v, first, best, 2, &pm)) {
			snprintf(v->reason, sizeof(v->reason),
				 "%s: no measurable difference in time or CPU; %s uses measurably "
				 "less memory", names, rows[best].strategy);
			snprintf(v->detail, sizeof(v->detail),
				 "%s has the lowest median wall (%.4g s) and memory (%.0f KiB net, "
				 "p<=%.2g against each equivalent)", rows[best].strategy,
				 vr[best].med[0], vr[best].med[2], pm);
		} else {
			v->pick = -1;
			snprintf(v->reason, sizeof(v->reason),
				 "%s: no measurable difference in time, nor one in CPU or memory "
				 "that singles out the fastest", names);
			snprintf(v->detail, sizeof(v->detail),
				 "the lowest median wall was %s's (%.4g s; runner-up %s %.4g s, "
				 "p=%.2g Holm-adjusted)", rows[best].strategy, vr[best].med[0],
				 rows[second].strategy, vr[second].med[0], v->p);
		}
	}
	if (v->underpowered) {
		size_t off = strlen(v->detail);

		snprintf(v->detail + off, sizeof(v->detail) - off,
			 "; with this few trials no difference can be significant (smallest "
			 "possible p=%.2g): use --repeat 4 or more, or --until-decided", v->min_p);
	}
out:
	for (size_t i = 0; i < n && i < 16; i++)
		for (int m = 0; m < 3; m++)
			free(vr[i].v[m]);
	free(vr);
}

/* Says when the flagged outliers made the verdict what it is. */
static void outlier_check(const struct run_summary *s, size_t first, size_t n,
			  const struct results *r, struct verdict *v)
{
	struct verdict alt;
	unsigned outliers = 0;

	for (size_t i = first; i < first + n; i++)
		outliers += s->rows[i].outliers;
	if (!outliers)
		return;
	summary_verdict(s, first, n, r, false, &alt);
	if (!strcmp(alt.reason, v->reason))
		return;
	snprintf(v->outlier_note, sizeof(v->outlier_note),
		 "%u outlier trial%s changed this verdict: without them, %s", outliers,
		 outliers == 1 ? "" : "s", alt.reason);
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
	for (unsigned s = 0; s < cfg->n_st; s++)
		if (cfg->st[s]->baseline)
			out->baseline = cfg->st[s]->name;
	for (unsigned w = 0; w < cfg->n_wl; w++) {
		size_t first = out->n;
		const struct strat_summary *base = NULL;

		summarize_workload(r, m, w, &out->rows[first], out->outlier);
		out->n += cfg->n_st;
		for (size_t i = first; i < out->n; i++)
			if (out->rows[i].baseline)
				base = &out->rows[i];
		for (size_t i = first; base && i < out->n; i++)
			speedup(&out->rows[i], base);
		out->v[out->nv].workload = cfg->wl[w]->name;
		summary_verdict(out, first, out->n - first, r, true, &out->v[out->nv]);
		outlier_check(out, first, out->n - first, r, &out->v[out->nv]);
		out->nv++;
	}
	mark_rows(out);
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

/* summary_decided on one workload's summary @s and its verdict @v. */
static bool decided(const struct run_summary *s, const struct verdict *v, char *why,
		    size_t len)
{
	const struct summary *a, *b;
	bool narrow;

	if (v->fastest < 0 || v->runner_up < 0) {
		snprintf(why, len, "nothing to separate (%s)", v->reason);
		return true;
	}
	/*
	 * Stopping at the first look that separates them would lock in a
	 * streak: on this VM one strategy's md5 trials ran 25% slow for five
	 * rounds in a row and fine in the next run.  Every look needs at least
	 * SUMMARY_MIN_DECIDE trials of the two.
	 */
	if (s->rows[v->fastest].valid < SUMMARY_MIN_DECIDE ||
	    s->rows[v->runner_up].valid < SUMMARY_MIN_DECIDE) {
		snprintf(why, len, "undecided: fewer than %d trials of %s and %s", SUMMARY_MIN_DECIDE,
			 s->rows[v->fastest].strategy, s->rows[v->runner_up].strategy);
		return false;
	}
	if (!v->tie) {
		snprintf(why, len, "decided: %s separated from every other (p=%.2g)",
			 s->rows[v->fastest].strategy, v->p);
		return true;
	}
	/* a real tie: both medians known to within 5% at 95% confidence */
	a = &s->rows[v->fastest].m[MET_WALL];
	b = &s->rows[v->runner_up].m[MET_WALL];
	narrow = a->ci_level >= 0.95 && b->ci_level >= 0.95 &&
		 a->ci_hi - a->ci_lo <= 0.05 * a->median && b->ci_hi - b->ci_lo <= 0.05 * b->median;
	if (narrow)
		snprintf(why, len, "decided: %s and %s tie, both medians known within 5%% "
			 "(95%% CIs)", s->rows[v->fastest].strategy, s->rows[v->runner_up].strategy);
	else
		snprintf(why, len, "undecided: %s v %s p=%.2g, CI of the medians %.1f%% and %.1f%% wide",
			 s->rows[v->fastest].strategy, s->rows[v->runner_up].strategy, v->p,
			 100 * (a->ci_hi - a->ci_lo) / a->median, 100 * (b->ci_hi - b->ci_lo) / b->median);
	return narrow;
}

bool summary_decided(const struct results *r, const struct run_meta *m, unsigned w,
		     char *why, size_t len)
{
	struct run_summary s = { 0 };
	struct verdict v;
	bool yes;

	s.rows = xcalloc(m->cfg->n_st, sizeof(*s.rows));
	s.outlier = xcalloc(r->n + 1, sizeof(bool));
	summarize_workload(r, m, w, s.rows, s.outlier);
	s.n = m->cfg->n_st;
	summary_verdict(&s, 0, s.n, r, true, &v);
	yes = decided(&s, &v, why, len);
	summary_free(&s);
	return yes;
}

void summary_free(struct run_summary *s)
{
	for (size_t i = 0; s->rows && i < s->n; i++)
		free(s->rows[i].wall);
	free(s->rows);
	free(s->outlier);
	memset(s, 0, sizeof(*s));
}

