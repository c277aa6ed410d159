/*
 * summary_io.c - a run's summary out (terminal, -summary.csv, JSON);
 * summary_read.c reads it back in from the JSON.  The figures are computed once, in summary.c;
 * everything that shows them later reads them from here.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "summary.h"
#include "util.h"

static void print_speedup(FILE *f, const struct strat_summary *row)
{
	if (row->speedup <= 0 || row->baseline)
		fprintf(f, " %18s", "-");
	else if (row->speedup >= 1)
		fprintf(f, " %5.2f±%.2fx faster", row->speedup, row->speedup_sd);
	else
		fprintf(f, " %5.2f±%.2fx slower", 1 / row->speedup,
			row->speedup_sd / (row->speedup * row->speedup));
}

/* The setting a strategy's concurrency rode on: "64 workers", "qd 128", "-". */
static const char *setting(const struct strat_summary *row, char *out, size_t len)
{
	char label[96];
	const char *with = strstr(summary_label(row, label, sizeof(label)), " with ");

	snprintf(out, len, "%s", with ? with + 6 : "-");
	return out;
}

static void print_row(FILE *f, const struct strat_summary *row)
{
	char mem[32] = "n/a", valid[16], p99[32] = "n/a", at[32];

	if (row->unavailable) {
		fprintf(f, "  %-9s unavailable: %s\n", row->strategy, row->unavailable);
		return;
	}
	snprintf(valid, sizeof(valid), "%u/%u", row->valid, row->total);
	if (!row->valid) {
		fprintf(f, "  %-9s %-11s %5s %s\n", row->strategy, "", valid,
			row->cache_flagged ? "every valid trial started in the wrong cache state"
			: row->disturbed ? "every valid trial was disturbed by other processes"
			: row->error ? row->error : "no trials");
		return;
	}
	/* the same figure as the report's: the median */
	if (row->m[MET_MEM].n)
		fmt_bytes((uint64_t)row->m[MET_MEM].median * KIB, mem, sizeof(mem));
	if (row->m[MET_P99].n)
		snprintf(p99, sizeof(p99), "%.0f us", row->m[MET_P99].median);
	fprintf(f, "  %-9s %-11s %5s %6.3f [%.3f,%.3f]", row->strategy,
		setting(row, at, sizeof(at)), valid, row->m[MET_WALL].median,
		row->m[MET_WALL].ci_lo, row->m[MET_WALL].ci_hi);
	print_speedup(f, row);
	fprintf(f, " %8.3f %9s %9.1f %10s%s%s", row->m[MET_CPU].median, mem,
		row->m[MET_MIBS].median, p99, row->outliers ? "  (outliers flagged)" : "",
		row->cache_flagged ? "  (cache-flagged trials left out)" : "");
	if (row->disturbed)
		fprintf(f, "  (%u disturbed trial%s left out)", row->disturbed,
			row->disturbed == 1 ? "" : "s");
	if (row->drift)
		fprintf(f, "  (drifting: %+.0f%% over the run)", 100 * row->trend_change);
	fputc('\n', f);
}

void summary_print(FILE *f, const struct run_summary *s, const struct run_meta *m)
{
	char vs[32], at[96];

	for (size_t v = 0; v < s->nv; v++) {
		const struct verdict *vd = &s->v[v];
		const char *base = summary_baseline(s, vd->workload);

		snprintf(vs, sizeof(vs), "vs %.15s", base ? base : "baseline");
		fprintf(f, "\n%s: %s\n", vd->workload, m->specs[v] ? m->specs[v] : "");
		fprintf(f, "  %-9s %-11s %5s %16s %18s %8s %9s %9s %10s\n", "strategy", "at", "valid",
			"wall_s med [CI]", vs, "cpu_s", "mem net", "MiB/s", "p99 resp");
		for (size_t i = 0; i < s->n; i++)
			if (!strcmp(s->rows[i].workload, vd->workload))
				print_row(f, &s->rows[i]);
		if (vd->pick >= 0)
			fprintf(f, "  recommendation: %s\n",
				summary_label(&s->rows[vd->pick], at, sizeof(at)));
		else if (vd->outcome == OUTCOME_UNDECIDED && vd->fastest >= 0)
			fprintf(f, "  recommendation: none yet (undecided; the leader: %s)\n",
				summary_label(&s->rows[vd->fastest], at, sizeof(at)));
		else
			fprintf(f, "  recommendation: none singled out\n");
		fprintf(f, "    %s\n", vd->reason);
		if (vd->detail[0])
			fprintf(f, "    (%s)\n", vd->detail);
		/* undecided: the interference is already in the reason */
		if (vd->interference[0] && vd->outcome != OUTCOME_UNDECIDED)
			fprintf(f, "    note: %s; left out of the statistics\n", vd->interference);
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

static void csv_num6(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, ",%.6g", v);
	else
		fputs(",n/a", f);
}

int summary_write_csv(FILE *f, const struct run_summary *s, const char *run_id)
{
	fputs("run_id,workload,strategy,n,total,outliers,baseline,speedup,speedup_sd", f);
	for (int m = 0; m < MET_N; m++)
		fprintf(f, ",%1$s_median,%1$s_mean,%1$s_stddev,%1$s_min,%1$s_max,"
			"%1$s_ci_lo,%1$s_ci_hi", metric_names[m]);
	for (int d = 0; d < DESC_N; d++)
		fprintf(f, ",%s_median", desc_names[d]);
	fputs(",ci_level,recommended,equivalent,cache_flagged,trend_change,trend_p,drift,disturbed\n",
	      f);
	for (size_t i = 0; i < s->n; i++) {
		const struct strat_summary *row = &s->rows[i];

		fprintf(f, "%s,%s,%s,%u,%u,%u,%s,%.4f,%.4f", run_id, row->workload,
			row->strategy, row->valid, row->total, row->outliers,
			summary_baseline(s, row->workload) ? summary_baseline(s, row->workload) : "",
			row->speedup, row->speedup_sd);
		for (int m = 0; m < MET_N; m++) {
			const struct summary *x = &row->m[m];

			if (!x->n) {
				fputs(",n/a,n/a,n/a,n/a,n/a,n/a,n/a", f);
				continue;
			}
			fprintf(f, ",%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g", x->median, x->mean,
				x->stddev, x->min, x->max, x->ci_lo, x->ci_hi);
		}
		for (int d = 0; d < DESC_N; d++)
			csv_num6(f, row->med[d]);
		fprintf(f, ",%.4f,%d,%d,%u,%.4f,%.4g,%d,%u\n", row->m[MET_WALL].ci_level,
			row->recommended, row->equivalent, row->cache_flagged, row->trend_change,
			row->trend_p, row->drift, row->disturbed);
	}
	return ferror(f) ? -EIO : 0;
}

static json_t *metric_json(const struct summary *x)
{
	json_t *o;

	if (!x->n)
		return json_null();
	o = json_object();
	jset(o, "n", json_integer((json_int_t)x->n));
	jset(o, "median", jnum(x->median, 6));
	jset(o, "mean", jnum(x->mean, 6));
	jset(o, "stddev", jnum(x->stddev, 6));
	jset(o, "min", jnum(x->min, 6));
	jset(o, "max", jnum(x->max, 6));
	jset(o, "ci_lo", jnum(x->ci_lo, 6));
	jset(o, "ci_hi", jnum(x->ci_hi, 6));
	jset(o, "ci_level", jnum(x->ci_level, 4));
	return o;
}

static json_t *row_json(const struct run_summary *s, size_t i)
{
	const struct strat_summary *row = &s->rows[i];
	json_t *o = json_object(), *med = json_object(), *wall = json_array();

	jset(o, "workload", jstr(row->workload));
	jset(o, "strategy", jstr(row->strategy));
	jset(o, "workers", json_integer(row->workers));
	jset(o, "queue_depth", json_integer(row->qd));
	jset(o, "n", json_integer(row->valid));
	jset(o, "total", json_integer(row->total));
	jset(o, "outliers", json_integer(row->outliers));
	jset(o, "cache_flagged", json_integer(row->cache_flagged));
	jset(o, "disturbed", json_integer(row->disturbed));
	jset(o, "available", json_boolean(!row->unavailable));
	jset(o, "unavailable", jstr(row->unavailable));
	jset(o, "error", jstr(row->valid ? NULL : row->error));
	jset(o, "baseline", json_boolean(row->baseline));
	jset(o, "speedup", jnum(row->speedup, 4));
	jset(o, "speedup_sd", jnum(row->speedup_sd, 4));
	jset(o, "recommended", json_boolean(row->recommended));
	jset(o, "equivalent", json_boolean(row->equivalent));
	for (int m = 0; m < MET_N; m++)
		jset(o, metric_names[m], metric_json(&row->m[m]));
	for (int d = 0; d < DESC_N; d++)
		jset(med, desc_names[d], jnum(row->med[d], 6));
	jset(o, "medians", med);
	for (size_t k = 0; k < row->nwall; k++)
		json_array_append_new(wall, jnum(row->wall[k], 6));
	jset(o, "wall_s_counted", wall);
	{
		json_t *t = json_object();

		jset(t, "change", jnum(row->trend_change, 4));
		jset(t, "p", jnum(row->trend_p, -1));
		jset(t, "drift", json_boolean(row->drift));
		jset(t, "bimodal", json_boolean(row->bimodal));
		jset(o, "trend", t);
	}
	if (row->nranks) {
		json_t *rw = json_array();

		for (unsigned k = 0; k < row->nranks; k++)
			json_array_append_new(rw, jnum(row->rank_wall[k], 6));
		jset(o, "rank_wall_s_median", rw);
	}
	return o;
}

static json_t *name_of(const struct run_summary *s, int row)
{
	return jstr(row >= 0 ? s->rows[row].strategy : "");
}

/* A bound JSON can hold: null for an unbounded one. */
static json_t *jbound(double v)
{
	return isfinite(v) ? jnum(v, 4) : json_null();
}

static json_t *comparison_json(const struct run_summary *s, const struct vcomp *c)
{
	json_t *o = json_object();

	jset(o, "strategy", name_of(s, c->row));
	jset(o, "outcome", jstr(outcome_names[c->outcome]));
	jset(o, "ratio", jbound(c->est.ratio));
	jset(o, "ci_lo", jbound(c->est.lo));
	jset(o, "ci_hi", jbound(c->est.hi));
	jset(o, "p", jnum(c->est.p, -1));
	jset(o, "p_holm", jnum(c->p_holm, -1));
	jset(o, "method", jstr(ratio_method_names[c->est.method]));
	jset(o, "more_trials", c->outcome == OUTCOME_UNDECIDED && isfinite(c->more) ?
	     json_integer((json_int_t)c->more) : json_null());
	return o;
}

static json_t *verdict_json(const struct run_summary *s, const struct verdict *vd)
{
	json_t *o = json_object(), *eq = json_array(), *cmp = json_array();

	jset(o, "workload", jstr(vd->workload));
	jset(o, "outcome", jstr(outcome_names[vd->outcome]));
	jset(o, "strategy", name_of(s, vd->pick));
	jset(o, "baseline", summary_baseline(s, vd->workload) ?
	     jstr(summary_baseline(s, vd->workload)) : json_null());
	jset(o, "fastest", name_of(s, vd->fastest));
	jset(o, "runner_up", name_of(s, vd->runner_up));
	for (unsigned e = 0; e < vd->nequiv; e++)
		json_array_append_new(eq, name_of(s, vd->equiv[e]));
	jset(o, "equivalent", eq);
	for (unsigned k = 0; k < vd->ncmp; k++)
		json_array_append_new(cmp, comparison_json(s, &vd->cmp[k]));
	jset(o, "comparisons", cmp);
	jset(o, "margin", jnum(vd->margin, 4));
	jset(o, "p", jnum(vd->p, -1));
	jset(o, "more_trials", vd->outcome == OUTCOME_UNDECIDED && isfinite(vd->more) ?
	     json_integer((json_int_t)vd->more) : json_null());
	jset(o, "storage_limit", json_boolean(vd->storage_limit));
	jset(o, "compute_bound", json_boolean(vd->compute_bound));
	jset(o, "baseline_cpu_share", jnum(vd->cpu_share, 3));
	jset(o, "too_short", json_boolean(vd->too_short));
	jset(o, "bimodal", json_boolean(vd->bimodal));
	jset(o, "ceiling_mib_per_s", vd->storage_limit ? jnum(vd->ceiling_mibs, 3) : json_null());
	jset(o, "disturbed", json_integer(vd->disturbed));
	jset(o, "trials", json_integer(vd->trials));
	jset(o, "other_cpus", vd->disturbed ? jnum(vd->other_cpus, 3) : json_null());
	jset(o, "steal_cpus", vd->disturbed ? jnum(vd->steal_cpus, 3) : json_null());
	jset(o, "foreign_trials", json_integer(vd->foreign));
	jset(o, "reason", jstr(vd->reason));
	jset(o, "detail", jstr(vd->detail));
	jset(o, "interference", jstr(vd->interference));
	jset(o, "outlier_note", jstr(vd->outlier_note));
	return o;
}

void summary_to_json(const struct run_summary *s, json_t *root)
{
	json_t *rows = json_array(), *recs = json_array();

	for (size_t i = 0; i < s->n; i++)
		json_array_append_new(rows, row_json(s, i));
	for (size_t v = 0; v < s->nv; v++)
		json_array_append_new(recs, verdict_json(s, &s->v[v]));
	jset(root, "baseline", s->baseline ? jstr(s->baseline) : json_null());
	jset(root, "margin", jnum(s->margin, 4));
	jset(root, "summary", rows);
	jset(root, "recommendations", recs);
}
