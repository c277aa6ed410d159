/* summary.c - statistics per strategy, comparison with serial, the verdict.
 *
 * Only counted (not warmup), valid trials enter a statistic.  The fastest
 * strategy is the one with the lowest median wall time; it is tested
 * against the runner-up with a Mann-Whitney U test on the wall times, and
 * when the difference is not significant (p >= 0.05) they tie and the one
 * using less CPU wins, then the one using less memory.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "summary.h"
#include "util.h"

const char *const metric_names[MET_N] = { "wall_s", "cpu_s", "peak_rss_kib",
					  "mib_per_s", "lat_p99_us" };

static double metric(const struct trial_rec *t, enum metric m)
{
	switch (m) {
	case MET_WALL: return t->wall_s;
	case MET_CPU: return t->user_s + t->sys_s;
	case MET_RSS: return (double)t->peak_rss_kib;
	case MET_MIBS: return t->mib_per_s;
	case MET_P99: return t->lat[t->main_op].p99_us;
	case MET_N: break;
	}
	return 0;
}

static bool counted(const struct trial_rec *t, const char *wl, const char *st)
{
	return !t->warmup && t->trial > 0 && t->valid && !strcmp(t->workload, wl) &&
	       !strcmp(t->strategy, st);
}

/* The counted wall times of one row, for the significance test. */
static size_t walls(const struct results *r, const struct strat_summary *row,
		    double *out)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		if (counted(&r->recs[i], row->workload, row->strategy))
			out[n++] = r->recs[i].wall_s;
	return n;
}

static void summarize_row(struct results *r, struct strat_summary *row)
{
	double *v = xcalloc(r->n, sizeof(double));
	double *w = xcalloc(r->n, sizeof(double));

	for (size_t i = 0; i < r->n; i++) {
		const struct trial_rec *t = &r->recs[i];

		if (strcmp(t->workload, row->workload) || strcmp(t->strategy, row->strategy) ||
		    t->warmup || t->trial == 0)
			continue;
		row->total++;
		if (!t->valid && !row->error)
			row->error = t->error;
	}
	for (int m = 0; m < MET_N; m++) {
		size_t n = 0;

		for (size_t i = 0; i < r->n; i++)
			if (counted(&r->recs[i], row->workload, row->strategy))
				v[n++] = metric(&r->recs[i], (enum metric)m);
		stats_summarize(v, n, &row->m[m]);
		row->valid = (unsigned)n;
	}
	/* outliers by wall time: flagged, never dropped */
	{
		size_t n = walls(r, row, w);

		for (size_t i = 0; i < r->n; i++) {
			struct trial_rec *t = &r->recs[i];

			if (!counted(t, row->workload, row->strategy))
				continue;
			t->outlier = fabs(stats_modified_z(t->wall_s, &row->m[MET_WALL], w, n)) >
				     STATS_OUTLIER_Z;
			row->outliers += t->outlier;
		}
	}
	free(v);
	free(w);
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

void summary_verdict(const struct run_summary *s, size_t first, size_t n,
		     const struct results *r, struct verdict *v)
{
	const struct strat_summary *rows = s->rows + first;
	double *a = xcalloc(r->n + 1, sizeof(double)), *b = xcalloc(r->n + 1, sizeof(double));
	int best = -1, second = -1;
	size_t na, nb;

	v->fastest = v->runner_up = v->pick = -1;
	v->p = 1;
	v->tie = false;
	for (size_t i = 0; i < n; i++) {
		if (!rows[i].valid)
			continue;
		if (best < 0 || rows[i].m[MET_WALL].median < rows[best].m[MET_WALL].median) {
			second = best;
			best = (int)i;
		} else if (second < 0 ||
			   rows[i].m[MET_WALL].median < rows[second].m[MET_WALL].median) {
			second = (int)i;
		}
	}
	if (best < 0) {
		snprintf(v->reason, sizeof(v->reason),
			 "no strategy produced a valid trial: no recommendation");
		goto out;
	}
	v->fastest = v->pick = (int)first + best;
	if (second < 0) {
		snprintf(v->reason, sizeof(v->reason), "%s is the only strategy with valid trials",
			 rows[best].strategy);
		goto out;
	}
	v->runner_up = (int)first + second;
	na = walls(r, &rows[best], a);
	nb = walls(r, &rows[second], b);
	v->p = stats_mann_whitney_p(a, na, b, nb);
	v->tie = v->p >= 0.05;
	if (!v->tie) {
		snprintf(v->reason, sizeof(v->reason),
			 "%s is fastest: %.0f%% less wall time than %s (p=%.2g)",
			 rows[best].strategy,
			 pct_less(rows[best].m[MET_WALL].median, rows[second].m[MET_WALL].median),
			 rows[second].strategy, v->p);
		goto out;
	}
	{
		const struct strat_summary *x = &rows[best], *y = &rows[second];
		double cx = x->m[MET_CPU].median, cy = y->m[MET_CPU].median;
		double mx = x->m[MET_RSS].median, my = y->m[MET_RSS].median;
		const struct strat_summary *win;
		const char *what;
		double less;

		/* CPU within 5% is noise too: then memory decides */
		if (fabs(cx - cy) > 0.05 * fmax(cx, cy)) {
			win = cx < cy ? x : y;
			what = "CPU";
			less = pct_less(fmin(cx, cy), fmax(cx, cy));
		} else {
			win = mx <= my ? x : y;
			what = "memory";
			less = pct_less(fmin(mx, my), fmax(mx, my));
		}
		v->pick = (int)first + (int)(win - rows);
		snprintf(v->reason, sizeof(v->reason), "%s and %s tie (p=%.2f); %s uses %.0f%% less %s",
			 x->strategy, y->strategy, v->p, win->strategy, less, what);
	}
out:
	free(a);
	free(b);
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

		for (unsigned s = 0; s < cfg->n_st; s++) {
			struct strat_summary *row = &out->rows[out->n++];

			row->workload = cfg->wl[w]->name;
			row->strategy = cfg->st[s]->name;
			row->unavailable = m->unavailable[s];
			summarize_row(r, row);
			if (!strcmp(row->strategy, "serial"))
				serial = row;
		}
		for (size_t i = first; serial && i < out->n; i++)
			speedup(&out->rows[i], serial);
		out->v[out->nv].workload = cfg->wl[w]->name;
		summary_verdict(out, first, out->n - first, r, &out->v[out->nv]);
		out->nv++;
	}
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

void summary_print(FILE *f, const struct run_summary *s, const struct run_meta *m)
{
	for (size_t v = 0; v < s->nv; v++) {
		const struct verdict *vd = &s->v[v];

		fprintf(f, "\n%s: %s\n", vd->workload, m->specs[v] ? m->specs[v] : "");
		fprintf(f, "  %-9s %5s %16s %18s %8s %9s %9s %10s\n", "strategy", "valid",
			"wall_s med [CI]", "vs serial", "cpu_s", "peak_rss", "MiB/s", "p99 lat");
		for (size_t i = 0; i < s->n; i++) {
			const struct strat_summary *row = &s->rows[i];
			char rss[32], valid[16];

			if (strcmp(row->workload, vd->workload))
				continue;
			if (row->unavailable) {
				fprintf(f, "  %-9s unavailable: %s\n", row->strategy, row->unavailable);
				continue;
			}
			snprintf(valid, sizeof(valid), "%u/%u", row->valid, row->total);
			if (!row->valid) {
				fprintf(f, "  %-9s %5s %s\n", row->strategy, valid,
					row->error ? row->error : "no trials");
				continue;
			}
			fmt_bytes((uint64_t)row->m[MET_RSS].max * KIB, rss, sizeof(rss));
			fprintf(f, "  %-9s %5s %6.3f [%.3f,%.3f]", row->strategy, valid,
				row->m[MET_WALL].median, row->m[MET_WALL].ci_lo,
				row->m[MET_WALL].ci_hi);
			print_speedup(f, row);
			fprintf(f, " %8.3f %9s %9.1f %7.0f us%s\n", row->m[MET_CPU].median, rss,
				row->m[MET_MIBS].median, row->m[MET_P99].median,
				row->outliers ? "  (outliers flagged)" : "");
		}
		fprintf(f, "  recommendation: %s\n",
			vd->pick >= 0 ? s->rows[vd->pick].strategy : "none");
		fprintf(f, "    %s\n", vd->reason);
	}
	if (s->n && s->rows[0].m[MET_WALL].n)
		fprintf(f, "\n[CI]: confidence interval of the median, %.1f%% level for n=%zu"
			" (order statistics)\n", 100 * s->rows[0].m[MET_WALL].ci_level,
			s->rows[0].m[MET_WALL].n);
}

int summary_write_csv(FILE *f, const struct run_summary *s, const char *run_id)
{
	fputs("run_id,workload,strategy,n,total,outliers,speedup_vs_serial,speedup_sd", f);
	for (int m = 0; m < MET_N; m++)
		fprintf(f, ",%1$s_median,%1$s_mean,%1$s_stddev,%1$s_min,%1$s_max,"
			"%1$s_ci_lo,%1$s_ci_hi", metric_names[m]);
	fputs(",ci_level,recommended\n", f);
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

			fprintf(f, ",%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g", x->median, x->mean,
				x->stddev, x->min, x->max, x->ci_lo, x->ci_hi);
		}
		fprintf(f, ",%.4f,%d\n", row->m[MET_WALL].ci_level, rec);
	}
	return ferror(f) ? -1 : 0;
}

void summary_write_json(FILE *f, const struct run_summary *s)
{
	fputs("\"summary\": [\n", f);
	for (size_t i = 0; i < s->n; i++) {
		const struct strat_summary *row = &s->rows[i];

		fprintf(f, "  {\"workload\": \"%s\", \"strategy\": \"%s\", \"n\": %u, "
			"\"total\": %u, \"outliers\": %u, \"available\": %s, "
			"\"speedup_vs_serial\": %.4f, \"speedup_sd\": %.4f",
			row->workload, row->strategy, row->valid, row->total, row->outliers,
			row->unavailable ? "false" : "true", row->speedup, row->speedup_sd);
		for (int m = 0; m < MET_N; m++) {
			const struct summary *x = &row->m[m];

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
			"\"runner_up\": \"%s\", \"p\": %.4g, \"tie\": %s, \"reason\": \"%s\"}%s\n",
			vd->workload, vd->pick >= 0 ? s->rows[vd->pick].strategy : "",
			vd->fastest >= 0 ? s->rows[vd->fastest].strategy : "",
			vd->runner_up >= 0 ? s->rows[vd->runner_up].strategy : "", vd->p,
			vd->tie ? "true" : "false", vd->reason, v + 1 < s->nv ? "," : "");
	}
	fputs("],\n", f);
}
