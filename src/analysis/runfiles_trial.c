/* runfiles_trial.c - one trial as the run's JSON holds it (runfiles.c writes the rest). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonh.h"
#include "runfiles_int.h"
#include "trial_cols.h"
#include "util.h"

/* Percentiles per op type that ran; null when latency was not recorded. */
static json_t *lat_json(bool on, const struct lat_pct *lat)
{
	json_t *o;

	if (!on)
		return json_null();
	o = json_object();
	for (int k = 0; k < OP_NTYPES; k++) {
		const struct lat_pct *l = &lat[k];
		json_t *x;

		if (!l->n)
			continue;
		x = json_object();
		jset(x, "n", json_integer((json_int_t)l->n));
		jset(x, "mean", jnum(l->mean_us, 2));
		jset(x, "p50", jnum(l->p50_us, 2));
		jset(x, "p90", jnum(l->p90_us, 2));
		jset(x, "p99", jnum(l->p99_us, 2));
		jset(x, "p999", jnum(l->p999_us, 2));
		jset(x, "max", jnum(l->max_us, 2));
		jset(o, op_name((enum op_type)k), x);
	}
	return o;
}

/* One histogram: its non-empty buckets' bounds [low, high) and counts. */
static json_t *sparse_json(const struct lat_sparse *s)
{
	json_t *o = json_object(), *lo = json_array(), *hi = json_array(), *c = json_array();

	for (uint32_t i = 0; i < s->n; i++) {
		json_array_append_new(lo, json_integer((json_int_t)lat_bucket_low(s->bucket[i])));
		json_array_append_new(hi, json_integer((json_int_t)lat_bucket_low(s->bucket[i] + 1u)));
		json_array_append_new(c, json_integer((json_int_t)s->count[i]));
	}
	jset(o, "low_ns", lo);
	jset(o, "high_ns", hi);
	jset(o, "count", c);
	return o;
}

/*
 * The full histograms the percentiles came from, per op type that ran:
 * response (job asks -> result handed back) and service (syscall or
 * submission -> completion).  null when latency was not recorded.
 */
static json_t *hists_json(const struct trial_hists *h)
{
	json_t *o;

	if (!h)
		return json_null();
	o = json_object();
	for (int k = 0; k < OP_NTYPES; k++) {
		json_t *x;

		if (!h->resp[k].n && !h->svc[k].n)
			continue;
		x = json_object();
		jset(x, "response", sparse_json(&h->resp[k]));
		jset(x, "service", sparse_json(&h->svc[k]));
		jset(o, op_name((enum op_type)k), x);
	}
	return o;
}

/* A column the table marks special (TC_SPECIAL), as JSON. */
static json_t *special_json(const struct trial_col *c, const struct trial_rec *t, bool outlier)
{
	double cpus;

	switch (c->sp) {
	case TS_CACHE: return jstr(cache_names[t->cache]);
	case TS_OUTLIER: return json_boolean(outlier);
	case TS_RESIDENT: return t->resident_pct >= 0 ? jnum(t->resident_pct, c->dec) : json_null();
	case TS_MAIN_OP: return jstr(op_name(t->main_op));
	case TS_CPU: return jnum(t->user_s + t->sys_s, c->dec);
	case TS_RANK: return t->rank < 0 ? jstr("all") : json_integer(t->rank);
	case TS_RANKS: return json_integer(t->ranks ? t->ranks : 1);
	case TS_SKEW:
		return t->start_skew_s >= 0 ? jnum(t->start_skew_s * 1e6, c->dec) : json_null();
	case TS_CPUS:
		cpus = trial_interference(t);
		return isfinite(cpus) ? jnum(cpus, c->dec) : json_null();
	default:
		return json_null();
	}
}

/* One column's value as JSON; null when its rule says it was not measured. */
static json_t *col_json(const struct trial_col *c, const struct trial_rec *t, bool outlier)
{
	if (c->type == TC_SPECIAL)
		return special_json(c, t, outlier);
	if (c->type == TC_PSTR)
		return jstr(*(const char *const *)((const char *)t + c->off));
	if (c->type == TC_ASTR)
		return jstr((const char *)t + c->off);
	if (trial_col_na(c, t))
		return json_null();
	if (c->type == TC_BOOL)
		return json_boolean(trial_col_int(c, t));
	/* JSON has no NaN or infinity (a user's array may sum to either): jnum makes them null */
	if (c->type == TC_DBL)
		return jnum(trial_col_dbl(c, t), c->dec);
	return json_integer((json_int_t)trial_col_int(c, t));
}

/* The table's columns of @group into @o. */
static void cols_json(json_t *o, enum tc_group group, const struct trial_rec *t, bool outlier)
{
	for (size_t i = 0; i < n_trial_cols; i++) {
		const struct trial_col *c = &trial_cols[i];

		if (!c->json || c->group != group || (c->na == NA_DELAY_OMIT && trial_col_na(c, t)))
			continue;
		jset(o, c->json, col_json(c, t, outlier));
	}
}

static json_t *hw_json(const struct trial_rec *t)
{
	json_t *o = json_object();

	for (int k = 0; k < HW_N; k++)
		jset(o, hw_names[k], jcount(t->hw[k] >= 0 && !t->hw_why[0], (uint64_t)t->hw[k]));
	jset(o, "why", jstr(t->hw_why[0] ? t->hw_why : "on"));
	return o;
}

json_t *trial_json(const struct trial_rec *t, const struct trial_hists *h, bool outlier)
{
	json_t *o = json_object(), *breakdown = json_object(), *shape = json_object();
	json_t *itf = json_object(), *ops = json_object();

	cols_json(o, TG_TOP, t, outlier);
	cols_json(breakdown, TG_BREAKDOWN, t, outlier);
	for (int k = 0; k < OP_NTYPES; k++)
		if (t->ops_by_type[k])
			jset(ops, op_name((enum op_type)k), json_integer((json_int_t)t->ops_by_type[k]));
	jset(shape, "ops", ops);
	cols_json(shape, TG_IO_SHAPE, t, outlier);
	cols_json(itf, TG_INTERFERENCE, t, outlier);
	jset(o, "interference", itf);
	jset(o, "breakdown", breakdown);
	jset(o, "io_shape", shape);
	/* per op type, as objects: the latencies and their histograms */
	jset(o, "latency_us", lat_json(t->latency_on, t->lat));
	jset(o, "service_us", lat_json(t->latency_on, t->svc));
	jset(o, "latency_hist", t->latency_on ? hists_json(h) : json_null());
	jset(o, "hw", hw_json(t));
	return o;
}
