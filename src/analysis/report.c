/* report.c - results/<run-id>.md, from the run's summary as stored in its JSON. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile.h"
#include "registry.h"
#include "howto.h"
#include "report.h"
#include "safefs.h"
#include "stats.h"
#include "util.h"

/* The row of (wl, st) when it has counted trials, else NULL. */
static const struct strat_summary *row(const struct run_data *rd, const char *wl,
				       const char *st)
{
	const struct strat_summary *r = st ? summary_row(&rd->sum, wl, st) : NULL;

	return r && r->valid ? r : NULL;
}

static double cpu(const struct strat_summary *r)
{
	return r->med[DESC_USER] + r->med[DESC_SYS];
}

void report_why_slower(const struct run_data *rd, const char *wl,
		       const char *st, char *out, size_t len)
{
	const struct strat_summary *me = row(rd, wl, st), *base = row(rd, wl, summary_baseline(&rd->sum, wl));
	const struct strategy *model = strategy_find(st);
	double busy, more;

	if (!me || !base) {
		snprintf(out, len, "no valid trials to compare");
		return;
	}
	busy = me->m[MET_WALL].median > 0 ? cpu(me) / me->m[MET_WALL].median : 0;
	more = cpu(base) > 0 ? 100 * (cpu(me) - cpu(base)) / cpu(base) : 0;
	if (model && model->baseline)
		snprintf(out, len, "it runs the jobs one after another, where %s overlaps them "
			 "(%.2f vs %.2f cores busy)", base->strategy, busy,
			 base->m[MET_WALL].median > 0 ? cpu(base) / base->m[MET_WALL].median : 0);
	else if (model && model->one_loop_thread && busy > 0.8)
		snprintf(out, len,
			 "its one loop thread runs all the compute (%.2f cores busy) while "
			 "dispatching every op costs %.0f%% more CPU than %s (%.0f vs %.0f "
			 "voluntary context switches)", busy, more, base->strategy,
			 me->med[DESC_VOLCTX], base->med[DESC_VOLCTX]);
	else if (cpu(me) > cpu(base) * 1.1)
		snprintf(out, len,
			 "it burns %.0f%% more CPU than %s (sys %.3f s vs %.3f s, %.0f vs %.0f "
			 "voluntary context switches) for no gain in overlap (%.2f cores busy)",
			 more, base->strategy, me->med[DESC_SYS], base->med[DESC_SYS],
			 me->med[DESC_VOLCTX], base->med[DESC_VOLCTX], busy);
	else
		snprintf(out, len,
			 "its extra concurrency does not overlap anything here (%.2f cores busy, "
			 "%.0f vs %.0f voluntary context switches as %s)", busy,
			 me->med[DESC_VOLCTX], base->med[DESC_VOLCTX], base->strategy);
}

/*
 * On a virtual machine the host may run other work on our CPUs ("steal").
 * When it took a noticeable share during a workload's trials, say so: the
 * CPU-bound numbers are then below what the hardware can do, and the
 * share varies with the neighbours.  Here it appeared only when our own
 * I/O kept both CPUs busy (the host emulates the disk on them).
 */
static void steal_note(FILE *f, const struct run_data *rd, const char *wl,
		       const char **sts, size_t ns)
{
	double worst = 0;
	const char *who = NULL;

	for (size_t s = 0; rd->pus && s < ns; s++) {
		const struct strat_summary *r = row(rd, wl, sts[s]);
		double share = r ? r->med[DESC_STEAL] / (r->m[MET_WALL].median * rd->pus) : 0;

		if (isfinite(share) && share > worst) {
			worst = share;
			who = sts[s];
		}
	}
	if (who && worst >= 0.05)
		fprintf(f, "\nThe hypervisor took %.0f%% of the machine's CPU time during the %s "
			"trials (steal_s, median): CPU-bound results here are below what the "
			"CPUs could do alone.\n", 100 * worst, who);
}

/*
 * net: the server shares the trial's CPUs, and what it delays an answer
 * beyond its service time is not the strategy's.  Says how much, per
 * strategy, and when it reaches 5% of the service time, that the
 * requests/s here understate what a remote server would allow.
 */
static void server_note(FILE *f, const struct run_data *rd, const char *wl,
			const char **sts, size_t ns)
{
	const char *at = strstr(rundata_spec(rd, wl), "latency_us=");
	double worst = -1, service = at ? atof(at + strlen("latency_us=")) : 0;
	bool any = false;

	for (size_t s = 0; s < ns; s++) {
		const struct strat_summary *r = row(rd, wl, sts[s]);

		if (!r || !isfinite(r->med[DESC_SERVER_LATE]))
			continue;
		fprintf(f, "%s %s %.0f µs", any ? "," : "\nThe server's own delay per answer, beyond "
			"its service time (server_late_us, medians):", sts[s], r->med[DESC_SERVER_LATE]);
		worst = fmax(worst, r->med[DESC_SERVER_LATE]);
		any = true;
	}
	if (!any)
		return;
	fprintf(f, "; the service time is %.0f µs.", service);
	if (service > 0 && worst >= 0.05 * service)
		fprintf(f, " At %.0f%% of it, the server (on the same CPUs) set %sthe pace: "
			"the requests/s here understate what a server elsewhere would allow.",
			100 * worst / service, worst >= service ? "" : "part of ");
	fputc('\n', f);
}

/*
 * A path as a Markdown link destination inside <...>: spaces are fine
 * there, and the characters that could end it or break the line are
 * percent-encoded, so no file name can produce a broken image link.
 */
static char *md_link(const char *path)
{
	char *out = xcalloc(3 * strlen(path) + 1, 1), *o = out;

	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p < 0x20 || *p == '<' || *p == '>' || *p == '%' || *p == '\\' || *p == 0x7f)
			o += sprintf(o, "%%%02X", *p);
		else
			*o++ = (char)*p;
	}
	return out;
}

/* With --until-decided: how many rounds the workload took and why it stopped. */
static void adaptive_line(FILE *f, const struct run_data *rd, const char *wl)
{
	const json_t *d = rundata_dataset(rd, wl);

	if (jget_str(d, "until_decided")[0])
		fprintf(f, "Rounds: %.0f, with --until-decided: %s.\n\n", jget_num(d, "rounds"),
			jget_str(d, "until_decided"));
}

/* Rows whose trial times moved over the run: their medians describe a moving target. */
static void drift_note(FILE *f, const struct run_data *rd, const char *wl, const char **sts,
		       size_t ns)
{
	for (size_t s = 0; s < ns; s++) {
		const struct strat_summary *r = row(rd, wl, sts[s]);

		if (r && r->drift)
			fprintf(f, "- %s's trial times %s %.0f%% over the run (Mann-Kendall p=%.2g): "
				"the storage or the machine changed under it, and its median "
				"describes a moving target; rerun, or find what drifts.\n", sts[s],
				r->trend_change > 0 ? "rose" : "fell", 100 * fabs(r->trend_change),
				r->trend_p);
	}
}

/* Why each strategy that loses to the baseline by 3% or more loses. */
static void losers(FILE *f, const struct run_data *rd, const char *wl, const char **sts,
		   size_t ns)
{
	for (size_t s = 0; s < ns; s++) {
		const struct strat_summary *r = row(rd, wl, sts[s]);
		char why[512];

		if (!r || r->baseline || !(r->speedup > 0) || r->speedup >= 0.97)
			continue;
		report_why_slower(rd, wl, sts[s], why, sizeof(why));
		fprintf(f, "- %s loses to %s (%.2fx slower): %s.\n", sts[s],
			summary_baseline(&rd->sum, wl),
			1 / r->speedup, why);
	}
}

/*
 * A ring's queued ops are not all at the storage at once: a request that
 * can't complete inline or natively async (buffered reads on FUSE or NFS,
 * opens) goes to one of the ring's io-wq kernel workers, which run one
 * each.  io_uring's tracepoints count those requests, taskstats the
 * workers: with most requests through io-wq, the workers, not --qd, bound
 * the concurrency.
 */
static void ring_note(FILE *f, const struct run_data *rd, const char *wl,
		      const char **sts, size_t ns)
{
	for (size_t s = 0; s < ns; s++) {
		const struct strat_summary *r = row(rd, wl, sts[s]);
		double share = r ? r->med[DESC_IOWQ_SHARE] : NAN, q, w;

		if (!isfinite(share))
			continue;
		q = r->med[DESC_INFLIGHT];
		w = r->med[DESC_IO_WORKERS];
		fprintf(f, "\n%s: %.0f%% of the SQEs went to io-wq's kernel workers (medians)", sts[s],
			100 * share);
		if (share < 0.5)
			fputs("; the rest completed inline or natively async, without a worker each", f);
		else if (isfinite(w))
			fprintf(f, ", and it ran %.0f of them, one request each", w);
		if (isfinite(q))
			fprintf(f, "; %.1f ops were queued on average", q);
		if (share >= 0.5 && isfinite(w) && isfinite(q) && w < q)
			fprintf(f, ", but at most %.0f were at the storage at once: here io-wq, not "
				"--qd, bounds the concurrency (--iowq-workers sets its cap)", w);
		fputs(".\n", f);
	}
}

/*
 * --model python: how long each strategy's threads waited for the
 * interpreter lock, against its wall time: how many of them, on average,
 * were waiting instead of running.
 */
static void gil_note(FILE *f, const struct run_data *rd, const char *wl, const char **sts,
		     size_t ns)
{
	bool any = false;

	for (size_t s = 0; s < ns; s++) {
		const struct strat_summary *r = row(rd, wl, sts[s]);
		double g = r ? r->med[DESC_GIL_WAIT] : NAN, wall = r ? r->m[MET_WALL].median : NAN;

		if (!isfinite(g) || !(wall > 0))
			continue;
		unsigned n = r->workers ? r->workers : 1;

		fprintf(f, "%s%s %.3f s: its %u worker%s waited %.0f%% of their time (%.2f threads "
			"waiting on average)", any ? "; " :
			"\nWaiting for the interpreter lock (gil_wait_s, medians, all threads): ",
			sts[s], g, n, n == 1 ? "" : "s", 100 * g / (wall * n), g / wall);
		any = true;
	}
	if (any)
		fputs(".\n", f);
}

/* Where each strategy's task time went, one sentence each. */
static void where_time_goes(FILE *f, const struct run_data *rd, const char *wl,
			    const char **sts, size_t ns)
{
	bool any = false;

	for (size_t s = 0; s < ns; s++) {
		const struct strat_summary *r = row(rd, wl, sts[s]);
		char sent[256];

		if (!r)
			continue;
		profile_sentence(sts[s], r->med[DESC_USER], r->med[DESC_SYS], r->med[DESC_RUNQ],
				 r->med[DESC_BLKIO], r->med[DESC_RING], r->med[DESC_OTHER], sent,
				 sizeof(sent));
		if (!sent[0])
			continue;
		fprintf(f, "%s%s", any ? "; " : "\nWhere the time goes (share of task time over "
			"all threads and processes): ", sent);
		any = true;
	}
	if (any)
		fputs(".\n", f);
}

/*
 * Under mpirun: per strategy, the slowest rank against the median rank
 * (each rank's median wall), named with its node when it is 10% or more
 * behind; and how closely the ranks' trials started.
 */
static void ranks_note(FILE *f, const struct run_data *rd, const char *wl, const char **sts,
		       size_t ns)
{
	const json_t *nodes = jget(rd->root, "mpi.nodes");
	bool any = false;

	for (size_t s = 0; s < ns; s++) {
		const struct strat_summary *r = row(rd, wl, sts[s]);
		double *w, med;
		unsigned slow = 0;

		if (!r || !r->nranks)
			continue;
		w = xcalloc(r->nranks, sizeof(double));
		for (unsigned k = 0; k < r->nranks; k++) {
			w[k] = r->rank_wall[k];
			slow = r->rank_wall[k] > r->rank_wall[slow] ? k : slow;
		}
		med = stats_median(w, r->nranks);
		free(w);
		if (!any)
			fputs("\nRanks (each rank's median wall; straggler: the slowest rank over the "
			      "median one, per trial):", f);
		any = true;
		fprintf(f, "\n- %s: ", sts[s]);
		if (med > 0 && r->rank_wall[slow] >= 1.1 * med)
			fprintf(f, "rank %u on %s straggles, %.2fx the median rank", slow,
				json_string_value(json_array_get(nodes, slow)) ?
				json_string_value(json_array_get(nodes, slow)) : "?",
				r->rank_wall[slow] / med);
		else
			fputs("every rank within 10% of the median rank", f);
		fprintf(f, " (straggler ratio %.2f, trials started within %.0f us)",
			r->med[DESC_STRAGGLER], r->med[DESC_SKEW]);
	}
	if (any)
		fputs(".\n", f);
}

static void workload_plots(FILE *f, const char *plotdir, const char *lnk, const char *wl)
{
	char *bd = xasprintf("%s/breakdown-%s.png", plotdir, wl);
	char *rk = xasprintf("%s/ranks-%s.png", plotdir, wl);

	if (access(rk, F_OK) == 0)
		fprintf(f, "\n![each rank](<%s/ranks-%s.png>)", lnk, wl);
	free(rk);

	fprintf(f, "\n![cpu](<%1$s/cpu-%2$s.png>)\n![memory](<%1$s/memory-%2$s.png>)\n"
		"![response time](<%1$s/latency-%2$s.png>)\n", lnk, wl);
	if (access(bd, F_OK) == 0)
		fprintf(f, "![where the time goes](<%s/breakdown-%s.png>)\n", lnk, wl);
	free(bd);
}

/* --model python: what ran, and what the constructs cost (config.python_costs). */
static void model_line(FILE *f, const struct run_data *rd)
{
	const json_t *pc = jget(rd->root, "config.python_costs");

	fputs("- model: **python** (`--model python`): the compute ran as CPython runs it, "
	      "under one interpreter lock per process, let go around blocking calls and "
	      "hashing; the verdicts below are for a Python program (serial: a loop, "
	      "threaded: `ThreadPoolExecutor`, forked: `multiprocessing.Pool`, epoll: "
	      "`asyncio` + `run_in_executor`); io_uring is not modelled.", f);
	if (pc && json_is_true(json_object_get(pc, "measured")))
		fprintf(f, " What the constructs cost, measured with `%s` (Python %s) and spent as "
			"compute under the lock: a Pool started and ended %.1f ms, a task through "
			"it %.1f us; a ThreadPoolExecutor %.1f ms, a task %.1f us; asyncio.run "
			"%.1f ms, an await on run_in_executor %.1f us.",
			jget_str(pc, "interpreter"), jget_str(pc, "version"),
			jget_num(pc, "pool_start_s") * 1e3, jget_num(pc, "pool_task_s") * 1e6,
			jget_num(pc, "tpe_start_s") * 1e3, jget_num(pc, "tpe_task_s") * 1e6,
			jget_num(pc, "aio_start_s") * 1e3, jget_num(pc, "aio_task_s") * 1e6);
	else if (pc)
		fprintf(f, " What the constructs themselves cost (a Pool's start, a task, an "
			"await) is not added: %s.", jget_str(pc, "why"));
	for (size_t i = 0; pc && i < json_array_size(jget(pc, "units")); i++) {
		const json_t *u = json_array_get(jget(pc, "units"), i);

		if (json_is_number(json_object_get(u, "python_s")))
			fprintf(f, " %s: %s, %.3f us in Python against %.3f us in C, the difference "
				"spent per unit under the lock.", jget_str(u, "workload"),
				jget_str(u, "what"), jget_num(u, "python_s") * 1e6,
				jget_num(u, "c_s") * 1e6);
		else
			fprintf(f, " %s: %s, not added: %s.", jget_str(u, "workload"),
				jget_str(u, "what"), jget_str(u, "why"));
	}
	fputs("\n\n", f);
}

/* Workload @wl's part; with @pair (--model c,python), the C run's beside it. */
static void workload_part(FILE *f, const struct run_data *rd, const struct run_data *pair,
			  const char *wl, const char *plotdir, const char *lnk)
{
	const char *sts[16];
	size_t ns = rundata_strategies(rd, sts, 16);

	fprintf(f, "## %s\n\nDataset: `%s`\n\n", wl, rundata_spec(rd, wl));
	if (pair)
		fputs("### As a Python program (`--model python`)\n\n", f);
	adaptive_line(f, rd, wl);
	report_table(f, rd, wl, sts, ns);
	report_verdict(f, rd, wl);
	report_replay(f, rd, wl);
	losers(f, rd, wl, sts, ns);
	drift_note(f, rd, wl, sts, ns);
	ranks_note(f, rd, wl, sts, ns);
	steal_note(f, rd, wl, sts, ns);
	server_note(f, rd, wl, sts, ns);
	ring_note(f, rd, wl, sts, ns);
	gil_note(f, rd, wl, sts, ns);
	where_time_goes(f, rd, wl, sts, ns);
	if (lnk)
		workload_plots(f, plotdir, lnk, wl);
	fputc('\n', f);
	if (pair)
		report_pair_section(f, rd, pair, wl);
}

/* The whole report, with plot links relative to @lnk (NULL: no plots). */
static void render(FILE *f, const struct run_data *rd, const char *plotdir, const char *lnk)
{
	const char *wls[16];
	size_t nw = rundata_workloads(rd, wls, 16);
	struct run_data pair;
	char msg[512] = "";
	int prc = report_pair_load(rd, &pair, msg, sizeof(msg));

	fprintf(f, "# iobench report %s\n\n", rd->run_id);
	fprintf(f, "- date: %s\n- command: `%s`\n- machine: %s, %s, %s\n"
		"- storage: `%s` on %s (%s)\n- dataset preset: %s, cache: %s\n\n",
		rd->date, rd->command_line, rd->hostname, rd->kernel, rd->cpu_model, rd->dir,
		rd->fs_type, rd->device, rd->size, rd->cache);
	if (!strcmp(jget_str(rd->root, "config.model"), "python"))
		model_line(f, rd);
	if (prc == 0)
		fprintf(f, "- paired with the C run `%s` of the same jobs (`--model c,python`): each "
			"workload has both verdicts\n\n", pair.run_id);
	else if (prc != -ENOENT)
		fprintf(f, "- the C run paired with this one cannot be read: %s\n\n", msg);
	if (jget_str(rd->root, "config.cache_note")[0])
		fprintf(f, "- cache note: %s\n\n", jget_str(rd->root, "config.cache_note"));
	if (jget(rd->root, "mpi"))
		fprintf(f, "- under mpirun: %.0f ranks, --mpi-share %s; every figure below is the "
			"aggregate of the ranks (wall: the earliest start to the latest end)\n\n",
			jget_num(rd->root, "mpi.ranks"), jget_str(rd->root, "mpi.share"));
	if (lnk)
		fprintf(f, "![wall time](<%s/wall.png>)\n![speed relative to the baseline]"
			"(<%s/speedup.png>)\n\n", lnk, lnk);
	for (size_t w = 0; w < nw; w++)
		workload_part(f, rd, prc == 0 ? &pair : NULL, wls[w], plotdir, lnk);
	howto_table(f, rd, prc == 0 ? &pair : NULL, wls, nw);
	fputs("Medians over counted, valid trials; [CI] is the order-statistic confidence "
	      "interval of the median (its level is in the summary CSV: 93.75% for 5 trials); "
	      "± is one standard deviation of the ratio.\n", f);
	if (prc == 0)
		rundata_free(&pair);
}

struct report_args {
	const struct run_data *rd;
	const char *plotdir, *lnk;
};

static int emit_report(FILE *f, const void *arg)
{
	const struct report_args *a = arg;

	render(f, a->rd, a->plotdir, a->lnk);
	return ferror(f) ? -EIO : 0;
}

int report_write(const struct run_data *rd, const char *plotdir, char *msg, size_t len)
{
	char *resdir = xasprintf("%s", rd->base), *slash = strrchr(resdir, '/');
	char *name = xasprintf("%s.md", rd->run_id), *rel = NULL;
	struct report_args a = { rd, plotdir, NULL };
	int rc, dfd;

	/* a bare file name lives in the current directory */
	if (slash)
		*slash = '\0';
	else
		snprintf(resdir, strlen(resdir) + 1, ".");
	if (plotdir && access(plotdir, F_OK) == 0) {
		rel = path_relative(resdir, plotdir);
		a.lnk = md_link(rel);
	}
	rc = dfd = sfs_open_user_dir(resdir, false, msg, len);
	/* the report of a run may be written again: replaced, atomically */
	if (rc >= 0)
		rc = sfs_save_emit(dfd, name, true, emit_report, &a);
	if (dfd >= 0)
		close(dfd);
	if (rc < 0)
		snprintf(msg, len, "cannot write %s.md: %s", rd->base, strerror(-rc));
	free(rel);
	free((char *)a.lnk);
	free(resdir);
	free(name);
	return rc < 0 ? rc : 0;
}
