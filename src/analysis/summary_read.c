/*
 * summary_read.c - a run's summary back in from its JSON (summary_io.c
 * wrote it), checked as it is read: a file edited by hand can't make the
 * report or compare read out of bounds or divide by nothing.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "summary.h"
#include "util.h"

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
