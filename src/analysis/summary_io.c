/*
 * summary_io.c - a run's summary out (terminal, -summary.csv, JSON) and
 * back in from the JSON.  The figures are computed once, in summary.c;
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

static void metric_from_json(const json_t *o, struct summary *x)
{
	memset(x, 0, sizeof(*x));
	if (!json_is_object(o))
		return;
	x->n = (size_t)jget_num(o, "n");
	x->median = jget_num(o, "median");
	x->mean = jget_num(o, "mean");
	x->stddev = jget_num(o, "stddev");
	x->min = jget_num(o, "min");
	x->max = jget_num(o, "max");
	x->ci_lo = jget_num(o, "ci_lo");
	x->ci_hi = jget_num(o, "ci_hi");
	x->ci_level = jget_num(o, "ci_level");
}

static unsigned count(const json_t *o, const char *key)
{
	double v = jget_num(o, key);

	return isfinite(v) && v >= 0 && v < 1e9 ? (unsigned)v : 0;
}

/* A workload's or strategy's name as iobench spells them: they become file names. */
static bool plain_name(const char *s)
{
	if (!s[0] || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* A counted wall time a run could have measured: finite, > 0, under a year. */
static bool plausible_wall(double w)
{
	return isfinite(w) && w > 0 && w < 365 * 86400.0;
}

static void row_from_json(const json_t *o, struct strat_summary *row)
{
	const json_t *wall = json_object_get(o, "wall_s_counted");
	size_t k;
	const json_t *v;

	row->workload = jget_str(o, "workload");
	row->strategy = jget_str(o, "strategy");
	row->valid = count(o, "n");
	row->workers = count(o, "workers");
	row->qd = count(o, "queue_depth");
	row->total = count(o, "total");
	row->outliers = count(o, "outliers");
	row->cache_flagged = count(o, "cache_flagged");
	row->disturbed = count(o, "disturbed");
	row->unavailable = json_is_false(json_object_get(o, "available")) ?
			   jget_str(o, "unavailable") : NULL;
	row->error = jget_str(o, "error")[0] ? jget_str(o, "error") : NULL;
	row->speedup = jget_num(o, "speedup");
	row->speedup_sd = jget_num(o, "speedup_sd");
	row->recommended = json_is_true(json_object_get(o, "recommended"));
	row->equivalent = json_is_true(json_object_get(o, "equivalent"));
	for (int m = 0; m < MET_N; m++)
		metric_from_json(json_object_get(o, metric_names[m]), &row->m[m]);
	for (int d = 0; d < DESC_N; d++)
		row->med[d] = jget_num(json_object_get(o, "medians"), desc_names[d]);
	row->wall = xcalloc(json_array_size(wall) + 1, sizeof(double));
	json_array_foreach(wall, k, v)
		if (json_is_number(v))
			row->wall[row->nwall++] = json_number_value(v);
	row->trend_change = jget_num(o, "trend.change");
	row->trend_p = jget_num(o, "trend.p");
	row->drift = json_is_true(jget(o, "trend.drift"));
	row->bimodal = json_is_true(jget(o, "trend.bimodal"));
	wall = json_object_get(o, "rank_wall_s_median");
	row->nranks = (unsigned)json_array_size(wall);
	row->rank_wall = row->nranks ? xcalloc(row->nranks, sizeof(double)) : NULL;
	json_array_foreach(wall, k, v)
		row->rank_wall[k] = json_is_number(v) ? json_number_value(v) : NAN;
}

/* The row of strategy @name among the verdict's workload's rows, or -1. */
static int row_of(const struct run_summary *s, const char *wl, const char *name)
{
	const struct strat_summary *r = name[0] ? summary_row(s, wl, name) : NULL;

	return r ? (int)(r - s->rows) : -1;
}

/* The outcome named @name; files written before outcomes were: from the pick. */
static enum outcome outcome_of(const char *name, const struct verdict *vd)
{
	for (int k = 0; k < OUTCOME_N; k++)
		if (!strcmp(name, outcome_names[k]))
			return (enum outcome)k;
	return vd->pick >= 0 ? (vd->nequiv > 1 ? OUTCOME_EQUIVALENT : OUTCOME_FASTER) :
	       vd->fastest >= 0 ? OUTCOME_UNDECIDED : OUTCOME_NONE;
}

static void comparison_from_json(const struct run_summary *s, const char *wl, const json_t *o,
				 struct vcomp *c)
{
	const char *m = jget_str(o, "method");

	c->row = row_of(s, wl, jget_str(o, "strategy"));
	c->est.ratio = jget_num(o, "ratio");
	c->est.lo = jget_num(o, "ci_lo");
	c->est.hi = jget_num(o, "ci_hi");
	c->est.p = jget_num(o, "p");
	c->p_holm = jget_num(o, "p_holm");
	c->est.method = !strcmp(m, "log-normal") ? RATIO_LOGNORMAL : !strcmp(m, "rank") ?
			RATIO_RANK : RATIO_NONE;
	c->more = json_is_integer(json_object_get(o, "more_trials")) ?
		  jget_num(o, "more_trials") : INFINITY;
	c->outcome = OUTCOME_UNDECIDED;
	for (int k = 0; k < OUTCOME_N; k++)
		if (!strcmp(jget_str(o, "outcome"), outcome_names[k]))
			c->outcome = (enum outcome)k;
}

static void verdict_from_json(const struct run_summary *s, const json_t *o, struct verdict *vd)
{
	const json_t *eq = json_object_get(o, "equivalent"), *cmp = json_object_get(o, "comparisons");
	const json_t *e;
	size_t k;

	memset(vd, 0, sizeof(*vd));
	vd->workload = jget_str(o, "workload");
	vd->pick = row_of(s, vd->workload, jget_str(o, "strategy"));
	vd->fastest = row_of(s, vd->workload, jget_str(o, "fastest"));
	vd->runner_up = row_of(s, vd->workload, jget_str(o, "runner_up"));
	json_array_foreach(eq, k, e) {
		int r = row_of(s, vd->workload, json_string_value(e) ? json_string_value(e) : "");

		if (r >= 0 && vd->nequiv < ARRAY_SIZE(vd->equiv))
			vd->equiv[vd->nequiv++] = r;
	}
	json_array_foreach(cmp, k, e)
		if (json_is_object(e) && vd->ncmp < ARRAY_SIZE(vd->cmp))
			comparison_from_json(s, vd->workload, e, &vd->cmp[vd->ncmp++]);
	vd->outcome = outcome_of(jget_str(o, "outcome"), vd);
	vd->margin = jget_num(o, "margin");
	vd->p = jget_num(o, "p");
	vd->more = json_is_integer(json_object_get(o, "more_trials")) ?
		   jget_num(o, "more_trials") : INFINITY;
	vd->storage_limit = json_is_true(json_object_get(o, "storage_limit"));
	vd->compute_bound = json_is_true(json_object_get(o, "compute_bound"));
	vd->cpu_share = jget_num(o, "baseline_cpu_share");
	vd->too_short = json_is_true(json_object_get(o, "too_short"));
	vd->bimodal = json_is_true(json_object_get(o, "bimodal"));
	vd->ceiling_mibs = jget_num(o, "ceiling_mib_per_s");
	vd->disturbed = count(o, "disturbed");
	vd->trials = count(o, "trials");
	vd->other_cpus = jget_num(o, "other_cpus");
	vd->steal_cpus = jget_num(o, "steal_cpus");
	vd->foreign = count(o, "foreign_trials");
	snprintf(vd->reason, sizeof(vd->reason), "%s", jget_str(o, "reason"));
	snprintf(vd->detail, sizeof(vd->detail), "%s", jget_str(o, "detail"));
	snprintf(vd->interference, sizeof(vd->interference), "%s", jget_str(o, "interference"));
	snprintf(vd->outlier_note, sizeof(vd->outlier_note), "%s", jget_str(o, "outlier_note"));
}

int summary_from_json(const json_t *root, struct run_summary *out, char *msg, size_t len)
{
	const json_t *rows = json_object_get(root, "summary");
	const json_t *recs = json_object_get(root, "recommendations"), *o;
	size_t k;

	memset(out, 0, sizeof(*out));
	if (!json_is_array(rows) || !json_is_array(recs)) {
		snprintf(msg, len, "no \"summary\" and \"recommendations\" (a sweep, or not an "
			 "iobench run)");
		return -EBADMSG;
	}
	out->baseline = json_string_value(json_object_get(root, "baseline"));
	out->margin = json_is_number(json_object_get(root, "margin")) ?
		      jget_num(root, "margin") : SUMMARY_MARGIN;
	out->rows = xcalloc(json_array_size(rows) + 1, sizeof(*out->rows));
	json_array_foreach(rows, k, o) {
		row_from_json(o, &out->rows[out->n]);
		/* before the rows said which is their workload's baseline, serial was */
		out->rows[out->n].baseline = json_is_boolean(json_object_get(o, "baseline")) ?
			json_is_true(json_object_get(o, "baseline")) :
			out->baseline && !strcmp(out->rows[out->n].strategy, out->baseline);
		out->n++;
	}
	json_array_foreach(recs, k, o)
		if (out->nv < ARRAY_SIZE(out->v))
			verdict_from_json(out, o, &out->v[out->nv++]);
	/* compare's gate and every ratio rest on these: a file edited to hold others is refused */
	for (size_t i = 0; i < out->n; i++) {
		if (!plain_name(out->rows[i].workload) || !plain_name(out->rows[i].strategy)) {
			char *w = esc_untrusted(out->rows[i].workload);
			char *st = esc_untrusted(out->rows[i].strategy);

			snprintf(msg, len, "summary row %zu: '%.64s/%.64s' is not a workload and "
				 "strategy name iobench writes (a-z, 0-9, _ and -)", i, w, st);
			free(w);
			free(st);
			summary_free(out);
			return -EBADMSG;
		}
		for (size_t j = 0; j < out->rows[i].nwall; j++)
			if (!plausible_wall(out->rows[i].wall[j])) {
				snprintf(msg, len, "%s/%s: counted wall time %g is not one a run "
					 "measures (a positive number of seconds under a year)",
					 out->rows[i].workload, out->rows[i].strategy,
					 out->rows[i].wall[j]);
				summary_free(out);
				return -EBADMSG;
			}
	}
	return 0;
}
