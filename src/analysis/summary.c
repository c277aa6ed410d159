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

static bool row_trial(const struct trial_rec *t, const char *wl, const char *st)
{
	return !t->warmup && t->trial > 0 && !strcmp(t->workload, wl) &&
	       !strcmp(t->strategy, st);
}

static bool counted(const struct trial_rec *t, const char *wl, const char *st)
{
	return row_trial(t, wl, st) && t->valid && !t->cache_flag;
}

/* The counted values of @m for one row (outliers too unless excluded). */
static size_t samples(const struct results *r, const struct strat_summary *row,
		      enum metric m, bool with_outliers, double *out)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct trial_rec *t = &r->recs[i];
		double v;

		if (!counted(t, row->workload, row->strategy) || (!with_outliers && t->outlier))
			continue;
		v = metric(t, m);
		if (isfinite(v))
			out[n++] = v;
	}
	return n;
}

static void summarize_row(struct results *r, struct strat_summary *row)
{
	double *v = xcalloc(r->n + 1, sizeof(double));

	for (size_t i = 0; i < r->n; i++) {
		const struct trial_rec *t = &r->recs[i];

		if (!row_trial(t, row->workload, row->strategy))
			continue;
		row->total++;
		if (!t->valid && !row->error)
			row->error = t->error;
		row->cache_flagged += t->valid && t->cache_flag;
	}
	for (int m = 0; m < MET_N; m++) {
		size_t n = samples(r, row, (enum metric)m, true, v);

		stats_summarize(v, n, &row->m[m]);
	}
	row->valid = (unsigned)row->m[MET_WALL].n;
	/* outliers by wall time: flagged; the verdict says if they changed it */
	{
		size_t n = samples(r, row, MET_WALL, true, v);

		for (size_t i = 0; i < r->n; i++) {
			struct trial_rec *t = &r->recs[i];

			if (!counted(t, row->workload, row->strategy))
				continue;
			t->outlier = fabs(stats_modified_z(t->wall_s, &row->m[MET_WALL], v, n)) >
				     STATS_OUTLIER_Z;
			row->outliers += t->outlier;
		}
	}
	free(v);
}

/* One row per strategy of workload @w (index into m->cfg->wl) into @rows. */
static void summarize_workload(struct results *r, const struct run_meta *m, unsigned w,
			       struct strat_summary *rows)
{
	const struct config *cfg = m->cfg;

	for (unsigned s = 0; s < cfg->n_st; s++) {
		rows[s].workload = cfg->wl[w]->name;
		rows[s].strategy = cfg->st[s]->name;
		rows[s].unavailable = m->unavailable[s];
		summarize_row(r, &rows[s]);
	}
}

/* Serial's median over ours, with the relative spreads added in quadrature. */
static void speedup(struct strat_summary *row, const struct strat_summary *serial)
{
	const struct summary *a = &serial->m[MET_WALL], *b = &row->m[MET_WALL];
	double ra, rb;

	if (!serial->valid || !row->valid || b->median <= 0)
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
			vr[i].n[m] = samples(r, &rows[i], vmet[m], with_outliers, vr[i].v[m]);
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

void summary_compute(struct results *r, const struct run_meta *m,
		     struct run_summary *out)
{
	const struct config *cfg = m->cfg;

	memset(out, 0, sizeof(*out));
	out->rows = xcalloc((size_t)cfg->n_wl * cfg->n_st, sizeof(*out->rows));
	for (unsigned w = 0; w < cfg->n_wl; w++) {
		size_t first = out->n;
		const struct strat_summary *serial = NULL;

		summarize_workload(r, m, w, &out->rows[first]);
		out->n += cfg->n_st;
		for (size_t i = first; i < out->n; i++)
			if (!strcmp(out->rows[i].strategy, "serial"))
				serial = &out->rows[i];
		for (size_t i = first; serial && i < out->n; i++)
			speedup(&out->rows[i], serial);
		out->v[out->nv].workload = cfg->wl[w]->name;
		summary_verdict(out, first, out->n - first, r, true, &out->v[out->nv]);
		outlier_check(out, first, out->n - first, r, &out->v[out->nv]);
		out->nv++;
	}
}

bool summary_decided(struct results *r, const struct run_meta *m, unsigned w, char *why,
		     size_t len)
{
	const struct config *cfg = m->cfg;
	struct run_summary s = { 0 };
	const struct strat_summary *a, *b;
	struct verdict v;
	bool narrow;

	s.rows = xcalloc(cfg->n_st, sizeof(*s.rows));
	summarize_workload(r, m, w, s.rows);
	s.n = cfg->n_st;
	summary_verdict(&s, 0, s.n, r, true, &v);
	if (v.fastest < 0 || v.runner_up < 0) {
		snprintf(why, len, "nothing to separate (%s)", v.reason);
		free(s.rows);
		return true;
	}
	a = &s.rows[v.fastest];
	b = &s.rows[v.runner_up];
	/*
	 * Stopping at the first look that separates them would lock in a
	 * streak: on this VM one strategy's md5 trials ran 25% slow for five
	 * rounds in a row and fine in the next run.  Every look needs at least
	 * SUMMARY_MIN_DECIDE trials of the two.
	 */
	if (a->valid < SUMMARY_MIN_DECIDE || b->valid < SUMMARY_MIN_DECIDE) {
		snprintf(why, len, "undecided: fewer than %d trials of %s and %s", SUMMARY_MIN_DECIDE,
			 a->strategy, b->strategy);
		free(s.rows);
		return false;
	}
	if (!v.tie) {
		snprintf(why, len, "decided: %s separated from every other (p=%.2g)",
			 a->strategy, v.p);
		free(s.rows);
		return true;
	}
	/* a real tie: both medians known to within 5% at 95% confidence */
	narrow = a->m[MET_WALL].ci_level >= 0.95 && b->m[MET_WALL].ci_level >= 0.95 &&
		 a->m[MET_WALL].ci_hi - a->m[MET_WALL].ci_lo <= 0.05 * a->m[MET_WALL].median &&
		 b->m[MET_WALL].ci_hi - b->m[MET_WALL].ci_lo <= 0.05 * b->m[MET_WALL].median;
	if (narrow)
		snprintf(why, len, "decided: %s and %s tie, both medians known within 5%% "
			 "(95%% CIs)", a->strategy, b->strategy);
	else
		snprintf(why, len, "undecided: %s v %s p=%.2g, CI of the medians %.1f%% and %.1f%% wide",
			 a->strategy, b->strategy, v.p,
			 100 * (a->m[MET_WALL].ci_hi - a->m[MET_WALL].ci_lo) / a->m[MET_WALL].median,
			 100 * (b->m[MET_WALL].ci_hi - b->m[MET_WALL].ci_lo) / b->m[MET_WALL].median);
	free(s.rows);
	return narrow;
}

void summary_free(struct run_summary *s)
{
	free(s->rows);
	memset(s, 0, sizeof(*s));
}

static void print_speedup(FILE *f, const struct strat_summary *row)
{
	if (row->speedup <= 0 || !strcmp(row->strategy, "serial"))
		fprintf(f, " %18s", "-");
	else if (row->speedup >= 1)
		fprintf(f, " %5.2f±%.2fx faster", row->speedup, row->speedup_sd);
	else
		fprintf(f, " %5.2f±%.2fx slower", 1 / row->speedup,
			row->speedup_sd / (row->speedup * row->speedup));
}

static bool is_equiv(const struct run_summary *s, size_t row)
{
	for (size_t v = 0; v < s->nv; v++)
		for (unsigned e = 0; e < s->v[v].nequiv; e++)
			if (s->v[v].equiv[e] == (int)row)
				return true;
	return false;
}

void summary_print(FILE *f, const struct run_summary *s, const struct run_meta *m)
{
	for (size_t v = 0; v < s->nv; v++) {
		const struct verdict *vd = &s->v[v];

		fprintf(f, "\n%s: %s\n", vd->workload, m->specs[v] ? m->specs[v] : "");
		fprintf(f, "  %-9s %5s %16s %18s %8s %9s %9s %10s\n", "strategy", "valid",
			"wall_s med [CI]", "vs serial", "cpu_s", "mem net", "MiB/s", "p99 resp");
		for (size_t i = 0; i < s->n; i++) {
			const struct strat_summary *row = &s->rows[i];
			char mem[32] = "n/a", valid[16], p99[32] = "n/a";

			if (strcmp(row->workload, vd->workload))
				continue;
			if (row->unavailable) {
				fprintf(f, "  %-9s unavailable: %s\n", row->strategy, row->unavailable);
				continue;
			}
			snprintf(valid, sizeof(valid), "%u/%u", row->valid, row->total);
			if (!row->valid) {
				fprintf(f, "  %-9s %5s %s\n", row->strategy, valid,
					row->cache_flagged ? "every valid trial started in the wrong cache state"
					: row->error ? row->error : "no trials");
				continue;
			}
			/* the same figure as the report's: the median */
			if (row->m[MET_MEM].n)
				fmt_bytes((uint64_t)row->m[MET_MEM].median * KIB, mem, sizeof(mem));
			if (row->m[MET_P99].n)
				snprintf(p99, sizeof(p99), "%.0f us", row->m[MET_P99].median);
			fprintf(f, "  %-9s %5s %6.3f [%.3f,%.3f]", row->strategy, valid,
				row->m[MET_WALL].median, row->m[MET_WALL].ci_lo,
				row->m[MET_WALL].ci_hi);
			print_speedup(f, row);
			fprintf(f, " %8.3f %9s %9.1f %10s%s%s\n", row->m[MET_CPU].median, mem,
				row->m[MET_MIBS].median, p99,
				row->outliers ? "  (outliers flagged)" : "",
				row->cache_flagged ? "  (cache-flagged trials left out)" : "");
		}
		if (vd->pick >= 0)
			fprintf(f, "  recommendation: %s\n", s->rows[vd->pick].strategy);
		else
			fprintf(f, "  recommendation: none singled out\n");
		fprintf(f, "    %s\n", vd->reason);
		if (vd->detail[0])
			fprintf(f, "    (%s)\n", vd->detail);
		if (vd->outlier_note[0])
			fprintf(f, "    note: %s\n", vd->outlier_note);
	}
	if (s->n)
		fputs("\n[CI]: confidence interval of the median from order statistics (its level,\n"
		      "93.75% for 5 trials, at least 95% from 6, is in the summary CSV); mem net: peak\n"
		      "memory the strategy adds over all its processes, the harness's own left out;\n"
		      "p99 resp: response time of the main op, from the job asking for it to the job\n"
		      "being handed the result.  All figures are medians over the counted trials.\n", f);
}

int summary_write_csv(FILE *f, const struct run_summary *s, const char *run_id)
{
	fputs("run_id,workload,strategy,n,total,outliers,speedup_vs_serial,speedup_sd", f);
	for (int m = 0; m < MET_N; m++)
		fprintf(f, ",%1$s_median,%1$s_mean,%1$s_stddev,%1$s_min,%1$s_max,"
			"%1$s_ci_lo,%1$s_ci_hi", metric_names[m]);
	fputs(",ci_level,recommended,equivalent,cache_flagged\n", f);
	for (size_t i = 0; i < s->n; i++) {
		const struct strat_summary *row = &s->rows[i];
		bool rec = false;

		for (size_t v = 0; v < s->nv; v++)
			rec |= s->v[v].pick == (int)i;
		fprintf(f, "%s,%s,%s,%u,%u,%u,%.4f,%.4f", run_id, row->workload,
			row->strategy, row->valid, row->total, row->outliers, row->speedup,
			row->speedup_sd);
		for (int m = 0; m < MET_N; m++) {
			const struct summary *x = &row->m[m];

			if (!x->n) {
				fputs(",n/a,n/a,n/a,n/a,n/a,n/a,n/a", f);
				continue;
			}
			fprintf(f, ",%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g", x->median, x->mean,
				x->stddev, x->min, x->max, x->ci_lo, x->ci_hi);
		}
		fprintf(f, ",%.4f,%d,%d,%u\n", row->m[MET_WALL].ci_level, rec, is_equiv(s, i),
			row->cache_flagged);
	}
	return ferror(f) ? -1 : 0;
}

static void json_text(FILE *f, const char *key, const char *val)
{
	fprintf(f, ", \"%s\": \"", key);
	for (; *val; val++) {
		if (*val == '"' || *val == '\\')
			fputc('\\', f);
		if ((unsigned char)*val >= 0x20)
			fputc(*val, f);
	}
	fputc('"', f);
}

void summary_write_json(FILE *f, const struct run_summary *s)
{
	fputs("\"summary\": [\n", f);
	for (size_t i = 0; i < s->n; i++) {
		const struct strat_summary *row = &s->rows[i];

		fprintf(f, "  {\"workload\": \"%s\", \"strategy\": \"%s\", \"n\": %u, "
			"\"total\": %u, \"outliers\": %u, \"cache_flagged\": %u, \"available\": %s, "
			"\"speedup_vs_serial\": %.4f, \"speedup_sd\": %.4f",
			row->workload, row->strategy, row->valid, row->total, row->outliers,
			row->cache_flagged, row->unavailable ? "false" : "true", row->speedup,
			row->speedup_sd);
		for (int m = 0; m < MET_N; m++) {
			const struct summary *x = &row->m[m];

			if (!x->n) {
				fprintf(f, ",\n   \"%s\": null", metric_names[m]);
				continue;
			}
			fprintf(f, ",\n   \"%s\": {\"median\": %.6g, \"mean\": %.6g, \"stddev\": %.6g, "
				"\"min\": %.6g, \"max\": %.6g, \"ci_lo\": %.6g, \"ci_hi\": %.6g, "
				"\"ci_level\": %.4f}", metric_names[m], x->median, x->mean,
				x->stddev, x->min, x->max, x->ci_lo, x->ci_hi, x->ci_level);
		}
		fprintf(f, "}%s\n", i + 1 < s->n ? "," : "");
	}
	fputs("],\n\"recommendations\": [\n", f);
	for (size_t v = 0; v < s->nv; v++) {
		const struct verdict *vd = &s->v[v];

		fprintf(f, "  {\"workload\": \"%s\", \"strategy\": \"%s\", \"fastest\": \"%s\", "
			"\"runner_up\": \"%s\", \"equivalent\": [", vd->workload,
			vd->pick >= 0 ? s->rows[vd->pick].strategy : "",
			vd->fastest >= 0 ? s->rows[vd->fastest].strategy : "",
			vd->runner_up >= 0 ? s->rows[vd->runner_up].strategy : "");
		for (unsigned e = 0; e < vd->nequiv; e++)
			fprintf(f, "%s\"%s\"", e ? ", " : "", s->rows[vd->equiv[e]].strategy);
		fprintf(f, "], \"p\": %.4g, \"min_p\": %.4g, \"tie\": %s, \"underpowered\": %s",
			vd->p, vd->min_p, vd->tie ? "true" : "false",
			vd->underpowered ? "true" : "false");
		json_text(f, "reason", vd->reason);
		json_text(f, "detail", vd->detail);
		json_text(f, "outlier_note", vd->outlier_note);
		fprintf(f, "}%s\n", v + 1 < s->nv ? "," : "");
	}
	fputs("],\n", f);
}
