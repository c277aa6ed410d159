/*
 * verdict.c - the decision per workload (the rule is in summary.h) and
 * --until-decided's question: is it decided yet?
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"
#include "registry.h"
#include "summary_int.h"
#include "util.h"

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

/* The rows' samples (without the outliers unless @with_outliers) and medians. */
static struct vrow *vrows_new(const struct run_summary *s, size_t first, size_t n,
			      const struct results *r, bool with_outliers)
{
	struct vrow *vr = xcalloc(n + 1, sizeof(*vr));

	for (size_t i = 0; i < n; i++)
		for (int m = 0; m < 3; m++) {
			double *tmp;

			vr[i].v[m] = xcalloc(r->n + 1, sizeof(double));
			vr[i].n[m] = summary_samples(r, &s->rows[first + i], vmet[m],
						     with_outliers ? NULL : s->outlier, vr[i].v[m]);
			/* stats_median sorts: a copy keeps the samples in trial order */
			tmp = xcalloc(vr[i].n[m] + 1, sizeof(double));
			memcpy(tmp, vr[i].v[m], vr[i].n[m] * sizeof(double));
			vr[i].med[m] = stats_median(tmp, vr[i].n[m]);
			free(tmp);
		}
	return vr;
}

static void vrows_free(struct vrow *vr, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (int m = 0; m < 3; m++)
			free(vr[i].v[m]);
	free(vr);
}

/* The lowest and second-lowest median wall among rows with samples (-1: none). */
static void rank(const struct vrow *vr, size_t n, int *best, int *second)
{
	*best = *second = -1;
	for (size_t i = 0; i < n; i++) {
		if (!vr[i].n[0])
			continue;
		if (*best < 0 || vr[i].med[0] < vr[*best].med[0]) {
			*second = *best;
			*best = (int)i;
		} else if (*second < 0 || vr[i].med[0] < vr[*second].med[0]) {
			*second = (int)i;
		}
	}
}

/*
 * The fastest against every other, one family of comparisons (Holm): the
 * ones it is not separated from are its equivalents.  Sets v->equiv, p,
 * min_p, tie, underpowered.  Returns the number of comparisons.
 */
static size_t separate(const struct vrow *vr, size_t first, size_t n, int best, int second,
		       struct verdict *v)
{
	double p[16];
	int other[16];
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if ((int)i == best || !vr[i].n[0])
			continue;
		p[k] = stats_mann_whitney_p(vr[best].v[0], vr[best].n[0], vr[i].v[0], vr[i].n[0]);
		v->min_p = fmin(v->min_p, summary_min_p(vr[best].n[0], vr[i].n[0]));
		other[k++] = (int)i;
	}
	stats_holm(p, k);
	v->nequiv = 0;
	for (size_t i = 0; i < n; i++) {
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
	return k;
}

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

/* Ops a row could keep in flight: a ring's depth times the rings, else its workers. */
static unsigned concurrency(const struct strat_summary *row)
{
	const struct strategy *st = strategy_find(row->strategy);

	if (st && st->uses_qd)
		return (row->workers ? row->workers : 1) * (row->qd ? row->qd : 1);
	return row->qd ? row->qd : row->workers;
}

/*
 * Did @best run with less concurrency than another equivalent?  Then its
 * lower CPU or memory may be its setting's (fewer workers, fewer stacks,
 * fewer buffers), not its model's, and deciding on it would let the
 * tuner's choice between two settings within 5% of each other (noise on
 * a small machine) pick the strategy: seen as forked at 2 workers against
 * threaded at 4 deciding md5 in one run and not the next.
 */
static bool less_concurrent(const struct strat_summary *rows, const struct verdict *v,
			    size_t first, int best)
{
	for (unsigned e = 0; e < v->nequiv; e++)
		if (concurrency(&rows[(size_t)v->equiv[e] - first]) > concurrency(&rows[best]))
			return true;
	return false;
}

/*
 * With equivalents: picked on measurably less CPU, then memory (only when
 * the fastest ran with no less concurrency than the others), or not at all.
 */
static void tie_break(const struct strat_summary *rows, const struct vrow *vr, size_t first,
		      int best, int second, struct verdict *v)
{
	char names[160], lb[96], ls[96];
	bool fair = !less_concurrent(rows, v, first, best);
	double pc, pm;

	name_list(rows, v, first, names, sizeof(names));
	summary_label(&rows[best], lb, sizeof(lb));
	summary_label(&rows[second], ls, sizeof(ls));
	if (fair && lower_than_all(vr, v, first, best, 1, &pc)) {
		snprintf(v->reason, sizeof(v->reason),
			 "%s: no measurable difference in time; %s uses measurably less CPU",
			 names, lb);
		snprintf(v->detail, sizeof(v->detail),
			 "%s has the lowest median wall (%.4g s) and CPU (%.4g s, p<=%.2g "
			 "against each equivalent)", lb, vr[best].med[0],
			 vr[best].med[1], pc);
	} else if (fair && lower_than_all(vr, v, first, best, 2, &pm)) {
		snprintf(v->reason, sizeof(v->reason),
			 "%s: no measurable difference in time or CPU; %s uses measurably "
			 "less memory", names, lb);
		snprintf(v->detail, sizeof(v->detail),
			 "%s has the lowest median wall (%.4g s) and memory (%.0f KiB net, "
			 "p<=%.2g against each equivalent)", lb,
			 vr[best].med[0], vr[best].med[2], pm);
	} else {
		v->pick = -1;
		snprintf(v->reason, sizeof(v->reason),
			 "%s: no measurable difference in time, nor one in CPU or memory "
			 "that singles out the fastest", names);
		snprintf(v->detail, sizeof(v->detail),
			 "the lowest median wall was that of %s (%.4g s; runner-up %s, %.4g s; "
			 "p=%.2g Holm-adjusted)%s", lb, vr[best].med[0],
			 ls, vr[second].med[0], v->p, fair ? "" : "; CPU and memory not compared: "
			 "it ran with less concurrency than another equivalent, which alone "
			 "lowers both");
	}
}

/*
 * The storage is the limit: all @nvalid strategies with trials are
 * equivalents, with trials enough to have told them apart, and the fastest
 * spends most of its time waiting (under half a CPU busy), so neither more
 * concurrency nor less CPU would help.  Then the simplest is picked.
 */
static bool storage_limit(const struct strat_summary *rows, const struct vrow *vr, size_t first,
			  size_t nvalid, int best, struct verdict *v)
{
	const struct summary *cpu = &rows[best].m[MET_CPU], *wall = &rows[best].m[MET_WALL];
	char lb[96];

	if (!v->tie || v->underpowered || v->nequiv < nvalid || !cpu->n || !(wall->median > 0) ||
	    cpu->median / wall->median >= 0.5)
		return false;
	v->storage_limit = true;
	v->ceiling_mibs = rows[best].m[MET_MIBS].median;
	v->pick = -1;
	for (unsigned e = 0; e < v->nequiv; e++)
		if (rows[v->equiv[e] - (int)first].baseline)
			v->pick = v->equiv[e];
	snprintf(v->reason, sizeof(v->reason), "the storage is the limit: no strategy is "
		 "measurably faster and none keeps a CPU busy%s%s",
		 v->pick >= 0 ? "; keep the simplest, " : "",
		 v->pick >= 0 ? rows[v->pick - (int)first].strategy : "");
	snprintf(v->detail, sizeof(v->detail), "every strategy reaches about %.3g MiB/s (%s, "
		 "the fastest median: %.4g s, %.2f cores busy)", v->ceiling_mibs,
		 summary_label(&rows[best], lb, sizeof(lb)), vr[best].med[0],
		 cpu->median / wall->median);
	return true;
}

/* Too short, or bimodal, to decide anything on (verdict.too_short). */
static bool too_short(const struct strat_summary *rows, const struct vrow *vr, int best,
		      int second, struct verdict *v)
{
	char lb[96];

	/* on the samples this verdict uses: without the outliers, they may be one group */
	bool two = stats_bimodal(vr[best].v[0], vr[best].n[0]) ||
		   (second >= 0 && stats_bimodal(vr[second].v[0], vr[second].n[0]));

	if (vr[best].med[0] >= SUMMARY_SHORT_S && !two)
		return false;
	v->too_short = true;
	v->pick = -1;
	snprintf(v->reason, sizeof(v->reason), "too short to decide: the trials measure start-up "
		 "or the storage's burst allowance as much as the strategies; use a bigger --size");
	snprintf(v->detail, sizeof(v->detail), "%s: median %.3g ms%s", summary_label(&rows[best],
		 lb, sizeof(lb)), 1e3 * vr[best].med[0],
		 two ? ", trial times in two groups 2x apart" : "");
	return true;
}

static void verdict_reset(struct verdict *v)
{
	memset(v->equiv, 0, sizeof(v->equiv));
	v->fastest = v->runner_up = v->pick = -1;
	v->nequiv = 0;
	v->p = v->min_p = 1;
	v->tie = v->underpowered = v->storage_limit = v->too_short = false;
	v->ceiling_mibs = 0;
	v->reason[0] = v->detail[0] = v->outlier_note[0] = '\0';
}

void summary_verdict(const struct run_summary *s, size_t first, size_t n,
		     const struct results *r, bool with_outliers, struct verdict *v)
{
	const struct strat_summary *rows = s->rows + first;
	struct vrow *vr;
	int best, second;
	char lb[96], ls[96];
	size_t k;

	n = n < 16 ? n : 16;
	vr = vrows_new(s, first, n, r, with_outliers);
	verdict_reset(v);
	rank(vr, n, &best, &second);
	if (best < 0) {
		snprintf(v->reason, sizeof(v->reason),
			 "no strategy produced a valid trial: no recommendation");
		goto out;
	}
	v->fastest = v->pick = (int)first + best;
	v->equiv[v->nequiv++] = v->fastest;
	if (second < 0) {
		snprintf(v->reason, sizeof(v->reason), "%s is the only strategy with valid trials",
			 summary_label(&rows[best], lb, sizeof(lb)));
		goto out;
	}
	v->runner_up = (int)first + second;
	k = separate(vr, first, n, best, second, v);
	if (too_short(rows, vr, best, second, v))
		goto out;
	if (!v->tie) {
		snprintf(v->reason, sizeof(v->reason), "%s is fastest",
			 summary_label(&rows[best], lb, sizeof(lb)));
		snprintf(v->detail, sizeof(v->detail),
			 "median %.4g s, %.0f%% less wall time than the runner-up %s (%.4g s); "
			 "p=%.2g, Holm-adjusted over %zu comparison%s",
			 vr[best].med[0], pct_less(vr[best].med[0], vr[second].med[0]),
			 summary_label(&rows[second], ls, sizeof(ls)), vr[second].med[0], v->p, k,
			 k == 1 ? "" : "s");
		goto out;
	}
	{
		size_t nvalid = 0;

		for (size_t i = 0; i < n; i++)
			nvalid += vr[i].n[0] > 0;
		if (storage_limit(rows, vr, first, nvalid, best, v))
			goto out;
	}
	tie_break(rows, vr, first, best, second, v);
	if (v->underpowered) {
		size_t off = strlen(v->detail);

		snprintf(v->detail + off, sizeof(v->detail) - off,
			 "; with this few trials no difference can be significant (smallest "
			 "possible p=%.2g): use --repeat 4 or more, or --until-decided", v->min_p);
	}
out:
	vrows_free(vr, n);
}

/* Says when the flagged outliers made the verdict what it is. */
void verdict_outliers(const struct run_summary *s, size_t first, size_t n,
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
	summary_workload(r, m, w, s.rows, s.outlier);
	s.n = m->cfg->n_st;
	summary_verdict(&s, 0, s.n, r, true, &v);
	yes = decided(&s, &v, why, len);
	summary_free(&s);
	return yes;
}

