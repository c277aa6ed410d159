/* compare.c - two runs side by side, from their stored summaries. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare.h"
#include "plot.h"
#include "stats.h"
#include "util.h"

size_t compare_runs(const struct run_data *a, const struct run_data *b,
		    struct cmp_row *out, size_t max)
{
	double *p;
	size_t n = 0;

	for (size_t i = 0; i < a->sum.n && n < max; i++) {
		const struct strat_summary *x = &a->sum.rows[i];
		const struct strat_summary *y = summary_row(&b->sum, x->workload, x->strategy);
		struct cmp_row *r = &out[n];
		const struct summary *wa = &x->m[MET_WALL], *wb;
		double ra, rb;

		if (!y || !x->valid || !y->valid)
			continue;
		wb = &y->m[MET_WALL];
		*r = (struct cmp_row){ .workload = x->workload, .strategy = x->strategy,
				       .a = wa->median, .b = wb->median, .a_lo = wa->ci_lo,
				       .a_hi = wa->ci_hi, .b_lo = wb->ci_lo, .b_hi = wb->ci_hi };
		r->ratio = r->a > 0 ? r->b / r->a : NAN;
		ra = wa->mean > 0 ? wa->stddev / wa->mean : 0;
		rb = wb->mean > 0 ? wb->stddev / wb->mean : 0;
		r->sd = r->ratio * sqrt(ra * ra + rb * rb);
		/* the counted trials each run's summary was computed over */
		ratio_estimate(x->wall, x->nwall, y->wall, y->nwall, SUMMARY_ALPHA, &r->est);
		r->p = r->est.p;
		n++;
	}
	/* every row is a test: the family-wise error stays at 5% (Holm) */
	p = xcalloc(n + 1, sizeof(double));
	for (size_t i = 0; i < n; i++)
		p[i] = out[i].p;
	stats_holm(p, n);
	for (size_t i = 0; i < n; i++) {
		struct cmp_row *r = &out[i];
		double m = a->sum.margin > 0 ? a->sum.margin : SUMMARY_MARGIN;

		r->p_holm = p[i];
		r->significant = p[i] < SUMMARY_ALPHA && r->est.method != RATIO_NONE;
		/* as a verdict judges it, whichever way B went */
		if (r->est.method != RATIO_NONE && r->est.ratio < 1) {
			struct ratio_est inv = r->est;

			inv.ratio = 1 / r->est.ratio;
			inv.lo = r->est.hi > 0 ? 1 / r->est.hi : INFINITY;
			inv.hi = r->est.lo > 0 ? 1 / r->est.lo : INFINITY;
			r->outcome = summary_outcome(&inv, r->p_holm, m);
		} else {
			r->outcome = summary_outcome(&r->est, r->p_holm, m);
		}
	}
	free(p);
	return n;
}

/* Is (@wl, @st) one the gate looks at? */
static bool gated(const struct run_data *a, const char *wl, const char *st, bool all)
{
	return all || !strcmp(compare_recommended(a, wl), st);
}

size_t compare_gate(const struct run_data *a, const struct run_data *b,
		    const struct cmp_row *rows, size_t n, double limit, bool all,
		    struct gate_row *out, size_t max)
{
	const char *wls[16];
	size_t nw = rundata_workloads(a, wls, 16), k = 0, looked = 0;
	double alpha;

	for (size_t i = 0; i < n; i++)
		looked += gated(a, rows[i].workload, rows[i].strategy, all);
	alpha = 0.05 / (double)(looked ? looked : 1);
	for (size_t i = 0; i < n && k < max; i++) {
		const struct cmp_row *r = &rows[i];
		const struct strat_summary *x = summary_row(&a->sum, r->workload, r->strategy);
		const struct strat_summary *y = summary_row(&b->sum, r->workload, r->strategy);
		struct gate_row *g = &out[k];

		if (!gated(a, r->workload, r->strategy, all))
			continue;
		*g = (struct gate_row){ .workload = r->workload, .strategy = r->strategy,
					.ratio = r->ratio, .lower = NAN };
		g->rc = stats_ratio_lower(x->wall, x->nwall, y->wall, y->nwall, alpha, &g->lower);
		g->slower = g->rc == 0 && g->lower > 1 + limit;
		k++;
	}
	/* a recommended strategy that B did not measure (validly) is no pass */
	for (size_t w = 0; w < nw && k < max; w++) {
		const char *st = compare_recommended(a, wls[w]);
		bool seen = false;

		for (size_t i = 0; i < n; i++)
			seen |= !strcmp(rows[i].workload, wls[w]) && !strcmp(rows[i].strategy, st);
		if (*st && !seen && rundata_spec(b, wls[w])[0])
			out[k++] = (struct gate_row){ .workload = wls[w], .strategy = st,
						      .ratio = NAN, .lower = NAN,
						      .rc = -ENOENT, .slower = true };
	}
	return k;
}

/* The members of "config" that must match, as JSON text ("" when absent). */
static char *config_value(const struct run_data *rd, const char *key)
{
	const json_t *v = jget(jget(rd->root, "config"), key);
	char *s = v ? json_dumps(v, JSON_ENCODE_ANY) : NULL, *copy = xasprintf("%s", s ? s : "");

	jfree_text(s);	/* jansson's, freed its way (jsonh_init) */
	return copy;
}

int compare_check(const struct run_data *a, const struct run_data *b, char *msg, size_t len)
{
	static const char *const keys[] = { "size", "cache", "workers", "queue_depth", "seed",
					    "latency", "drop_caches" };
	const char *wls[16];
	size_t nw = rundata_workloads(a, wls, 16), off = 0;

	msg[0] = '\0';
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		char *va = config_value(a, keys[k]), *vb = config_value(b, keys[k]);

		if (strcmp(va, vb) && off < len)
			off += (size_t)snprintf(msg + off, len - off, "%s%s (A %s, B %s)",
						off ? "; " : "", keys[k], va, vb);
		free(va);
		free(vb);
	}
	/* the datasets: a common workload must have run on the same one */
	for (size_t w = 0; w < nw; w++) {
		const char *sa = rundata_spec(a, wls[w]), *sb = rundata_spec(b, wls[w]);

		if (sa[0] && sb[0] && strcmp(sa, sb) && off < len)
			off += (size_t)snprintf(msg + off, len - off, "%s%s dataset (A `%s`, B `%s`)",
						off ? "; " : "", wls[w], sa, sb);
	}
	return off ? -EINVAL : 0;
}

const char *compare_recommended(const struct run_data *rd, const char *wl)
{
	for (size_t i = 0; i < rd->sum.n; i++)
		if (!strcmp(rd->sum.rows[i].workload, wl) && rd->sum.rows[i].recommended)
			return rd->sum.rows[i].strategy;
	return "";
}

/* compare.dat: a line per (workload, strategy), each run's median and interval.  0 or -errno. */
static int write_compare_dat(const struct plot_dir *pd, const struct cmp_row *rows, size_t n)
{
	FILE *f = plot_dir_fopen(pd, "compare.dat");

	if (!f)
		return -errno;
	fputs("case A lo hi B lo hi\n", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s/%s %.6g %.6g %.6g %.6g %.6g %.6g\n", rows[i].workload,
			rows[i].strategy, rows[i].a, rows[i].a_lo, rows[i].a_hi, rows[i].b,
			rows[i].b_lo, rows[i].b_hi);
	return fclose(f) ? -errno : 0;
}

/* compare.dat: "workload/strategy", then A and B as median lo hi. */
int compare_plot(const struct run_data *a, const struct run_data *b,
			const struct cmp_row *rows, size_t n, const char *plots_dir,
			char **outdir, char *msg, size_t len)
{
	char *name = xasprintf("compare-%s-vs-%s", a->run_id, b->run_id);
	char vars[2048] = "", title[512], ta[256], tb[256];
	char *data = NULL, *out = NULL;
	struct plot_dir pd;
	int rc;

	if (!plot_have_gnuplot()) {
		free(name);
		snprintf(msg, len, "gnuplot is not installed: no plot (apt-get install gnuplot-nox "
			 "or dnf install gnuplot)");
		return -ENOENT;
	}
	rc = plot_dir_create(plots_dir, name, &pd, msg, len);
	free(name);
	if (rc < 0)
		return rc;
	*outdir = xasprintf("%s", pd.path);
	rc = write_compare_dat(&pd, rows, n);
	if (rc < 0) {
		snprintf(msg, len, "cannot write %s/compare.dat: %s", pd.path, strerror(-rc));
		goto out;
	}
	data = plot_dir_gnuplot(&pd, "compare.dat");
	out = plot_dir_gnuplot(&pd, "compare");
	snprintf(ta, sizeof(ta), "A: %s (%s on %s)", a->run_id, a->fs_type, a->device);
	snprintf(tb, sizeof(tb), "B: %s (%s on %s)", b->run_id, b->fs_type, b->device);
	snprintf(title, sizeof(title), "Wall time, run A vs run B (%s preset, %s cache)",
		 b->size, b->cache);
	plot_var(vars, sizeof(vars), "dir", plot_scripts_dir());
	plot_var(vars, sizeof(vars), "data", data);
	plot_var(vars, sizeof(vars), "out", out);
	plot_var(vars, sizeof(vars), "title", title);
	plot_var(vars, sizeof(vars), "lts", "1 5");
	plot_var(vars, sizeof(vars), "title_a", ta);
	plot_var(vars, sizeof(vars), "title_b", tb);
	rc = plot_gnuplot("compare", vars);
	if (rc == -ENOENT)
		snprintf(msg, len, "gnuplot is not installed: no plot (apt-get install gnuplot-nox "
			 "or dnf install gnuplot)");
	else if (rc < 0)
		snprintf(msg, len, "cannot draw the comparison in %s: %s", pd.path,
			 rc == -EIO ? "gnuplot failed or was killed" : strerror(-rc));
out:
	free(data);
	free(out);
	plot_dir_close(&pd);
	return rc;
}

