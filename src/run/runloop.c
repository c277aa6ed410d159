/*
 * runloop.c - the trials of a run: rounds of every cell of every workload,
 * warmup first, then, with --until-decided, extra rounds while a verdict
 * is open.  Each trial gets its untimed preparation (the workload's
 * before_trial, the cache state) and is recorded, journalled and shown.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "dist.h"
#include "interfere.h"
#include "plan.h"
#include "registry.h"
#include "ranks.h"
#include "runloop.h"
#include "runloop_int.h"
#include "signals.h"
#include "stats.h"
#include "sysinfo.h"
#include "summary.h"
#include "trial.h"
#include "util.h"


/* One line per trial on a terminal: what ran, how long, elapsed and ETA. */
static void progress(const struct trial_rec *rec, unsigned k, unsigned n,
		     uint64_t t_start)
{
	double elapsed = (double)(now_ns() - t_start) / 1e9;
	double eta = elapsed / k * (n - k);

	if (!stderr_is_tty())
		return;
	fprintf(stderr, "[%*u/%u] %-5s %-9s %s %-3u %8.3f s %-6s  elapsed %5.0f s  ETA %5.0f s\n",
		n >= 100 ? 3 : 2, k, n, rec->workload, rec->strategy,
		rec->warmup ? "warmup" : "trial ", rec->trial, rec->wall_s,
		rec->valid ? "ok" : "FAILED", elapsed, eta);
}

/* A record that says what ran, before anything is measured. */
static void rec_init(struct trial_rec *rec, const struct workload *wl, const struct strategy *st,
		     const struct config *cfg, unsigned workers, unsigned qd)
{
	memset(rec, 0, sizeof(*rec));
	rec->workload = wl->name;
	rec->strategy = st->name;
	rec->cache = cfg->cache;
	rec->resident_pct = -1;
	rec->steal_s = -1;
	rec->other_cpu_s = -1;
	rec->psi_cpu_s = -1;
	rec->psi_io_s = -1;
	rec->idle_cpu_s = -1;
	rec->io_workers = -1;
	rec->straggler = -1;
	rec->start_skew_s = -1;
	rec->server_late_us = -1;
	rec->server_late_max_us = -1;
	rec->sqpoll_cpu_s = -1;
	rec->gil_wait_s = -1;
	rec->io_uring_sqes = -1;
	rec->io_uring_iowq = -1;
	rec->workers = workers;
	rec->qd = qd;
	rec->rank = dist.rank;
	rec->ranks = (unsigned)dist.ranks;
	snprintf(rec->node, sizeof(rec->node), "%s", dist.node);
}

void runloop_unavailable(struct results *res, const struct config *cfg,
			 const struct strategy *s, const char *why)
{
	for (unsigned w = 0; w < cfg->n_wl; w++) {
		struct trial_rec rec;
		unsigned workers, qd;

		plan_shape(s, cfg->workers, cfg->qd, &workers, &qd);
		rec_init(&rec, cfg->wl[w], s, cfg, workers, qd);
		snprintf(rec.error, sizeof(rec.error), "%s unavailable: %s", s->name, why);
		results_add(res, &rec);
	}
}

/*
 * One trial: the workload's untimed preparation and the cache state first,
 * then, once every rank is ready (a barrier), the trial itself.  Every
 * rank reaches the barrier, whatever failed before it.  The drop of the
 * kernel's caches is the node leader's: one per node.
 */
static void run_one(struct wl_ctx *ctx, const struct workload *wl, const struct strategy *st,
		    const struct config *cfg, struct trial_opts *o, struct trial_rec *rec)
{
	int rc;

	/* the workload cuts its jobs for this strategy from here on (wl_njobs) */
	ctx->as_recorded = st->as_recorded;
	rc = wl->before_trial ? wl->before_trial(ctx) : 0;
	if (rc == 0)
		rc = cache_prepare(cfg->cache, cfg->drop_caches && dist.leader, ctx->files,
				   ctx->nfiles, ctx->msg, sizeof(ctx->msg));
	if (rc == 0 && sig_stop())
		rc = -EINTR;	/* the trial would be lost anyway: don't run it */
	if (rc < 0)
		snprintf(rec->error, sizeof(rec->error), "before trial: %.480s", ctx->msg);
	/* proof of the cache state, taken just before the clock starts */
	rec->resident_pct = cache_resident_pct(ctx->files, ctx->nfiles);
	rec->cache_flag = cache_state_off(cfg->cache, rec->resident_pct);
	if (rc < 0) {
		dist_barrier();		/* the others' trials start without this one */
		return;
	}
	/* the barrier is the last thing before each rank's clock starts */
	o->ready = dist.ranks > 1 ? dist_barrier : NULL;
	rc = trial_run(wl, ctx, st, o, rec);
	if (rc < 0)
		snprintf(rec->error, sizeof(rec->error), "cannot fork the trial process: %s%s",
			 strerror(-rc), rc == -EAGAIN ? " (process limit, ulimit -u, reached?)" : "");
	if (rec->cache_flag)
		errmsg("warning: %s/%s trial %u started with %.1f%% of the dataset "
		       "in the page cache (asked for %s)", wl->name, st->name, rec->trial,
		       rec->resident_pct, cache_names[cfg->cache]);
}

/*
 * Marks @rec disturbed when other processes and the hypervisor took more
 * than --max-interference CPUs during it, or when connections from outside
 * the run reached the net server.  Under mpirun the other ranks
 * on a node are "other processes" to each rank: the figure is n/a there.
 */
static void judge_interference(const struct config *cfg, struct trial_rec *rec)
{
	if (dist.ranks > 1)
		rec->other_cpu_s = -1;
	/* the net server answered another program's connections meanwhile */
	rec->disturbed = trial_disturbed(rec, cfg->max_interference) || rec->foreign_conns;
}

/*
 * --wait-quiet: until other processes and the hypervisor take at most
 * --max-interference CPUs over a 200 ms look, or the bound has passed,
 * or a signal asks us to stop.  Says once per run what it waits for.
 */
static void wait_quiet(const struct config *cfg)
{
	static bool said;
	uint64_t end = now_ns() + cfg->wait_quiet_s * 1000000000ULL;

	if (!cfg->wait_quiet_s || dist.ranks > 1)
		return;
	while (!sig_stop()) {
		struct interfere_mark a, b;
		struct interfere itf;
		double cpus;

		interfere_mark(&a, 0);
		usleep(200000);
		interfere_mark(&b, 0);
		interfere_since(&a, &b, 0, &itf);
		cpus = (itf.other_cpu_s + (double)(b.steal_ns - a.steal_ns) / 1e9) /
		       ((double)(b.t_ns - a.t_ns) / 1e9);
		if (itf.other_cpu_s < 0 || cpus <= fmax(cfg->max_interference, 0.05))
			return;
		if (now_ns() >= end) {
			errmsg("warning: --wait-quiet: the machine did not become quiet within "
			       "%" PRIu64 " s (other processes use %.2f CPUs); the trial runs, and "
			       "is flagged if disturbed", cfg->wait_quiet_s, cpus);
			return;
		}
		if (!said)
			errmsg("waiting up to %" PRIu64 " s before a trial for the machine to be "
			       "quiet: other processes use %.2f CPUs (--max-interference %.2f)",
			       cfg->wait_quiet_s, cpus, cfg->max_interference);
		said = true;
	}
}


/* --model python: what a unit of compute costs Python beyond the C code (0: not measured) */
static double py_unit_extra(const struct py_unit *u)
{
	return u->measured && u->py_s > u->c_s ? u->py_s - u->c_s : 0;
}

/*
 * One trial of cell @c of workload @w on every rank, collected into @into
 * (rank 0's aggregate in *@row; NULL elsewhere).  Returns false when a
 * signal asked us to stop: then the trial is lost on every rank.
 */
bool runloop_trial(struct trial_loop *tl, unsigned w, const struct plan_cell *c, unsigned t,
		   bool warmup, struct results *into, const struct trial_rec **row)
{
	struct config *cfg = tl->cfg;
	const struct strategy *st = cfg->st[c->st];
	struct trial_opts o = { .cache = cfg->cache, .pin = cfg->pin, .latency = !cfg->no_latency,
				.workers = c->workers, .qd = c->qd, .block = c->block,
				.st_opt = st_knobs(cfg, st)->v, .py_model = cfg->model == MODEL_PYTHON,
				.py_cost = cfg->py_costs.measured ? cfg->py_costs.s : NULL,
				.py_unit_s = py_unit_extra(&cfg->py_units[w]),
				.count_iowq = warmup, .lat = tl->lat,
				.digests = tl->digests };
	struct trial_rec rec;

	rec_init(&rec, cfg->wl[w], st, cfg, c->workers, c->qd);
	memset(tl->lat, 0, sizeof(*tl->lat));
	rec.trial = t;
	rec.warmup = warmup;
	/* a signal during the last preparation is not kept waiting for a whole trial */
	if (dist.ranks <= 1 && sig_stop()) {
		tl->stopped = true;
		return false;
	}
	wait_quiet(cfg);
	run_one(&tl->ctxs[w], cfg->wl[w], st, cfg, &o, &rec);
	judge_interference(cfg, &rec);
	/*
	 * mpirun ends a job with SIGCONT to every rank, then SIGTERM a
	 * second later: a trial that saw the first is lost with the
	 * second, not recorded as one that was stopped.
	 */
	for (int k = 0; dist.ranks > 1 && rec.stopped && !sig_stop() && k < 150; k++)
		usleep(10000);
	/* all stop together, at the same trial, or none does; that trial is lost */
	if (dist_any(sig_stop() != 0)) {
		tl->stopped = true;
		return false;
	}
	*row = ranks_collect(&tl->ctxs[w], &rec, tl->lat, tl->digests,
			     tl->ctxs[w].share_ranks > 1, into);
	return true;
}

/*
 * Round @r of workload @w: one trial per cell, round-robin (A B C A B C)
 * or, with --shuffle, in a seeded random order, so that drift on a shared
 * machine hits every strategy alike.  Returns false when a signal asked
 * us to stop (that trial is lost, the others are kept).
 */
static bool run_round(struct trial_loop *tl, unsigned w, unsigned r,
		      const struct plan_cell *cells, unsigned n, unsigned *order)
{
	struct config *cfg = tl->cfg;
	bool warmup = r < cfg->warmup;
	unsigned t = warmup ? r + 1 : r + 1 - (unsigned)cfg->warmup;

	plan_round(n, w * 100003u + r, cfg->shuffle, cfg->seed, order);
	for (unsigned i = 0; i < n; i++) {
		const struct plan_cell *c = &cells[order[i]];
		const struct strategy *st = cfg->st[c->st];
		const struct trial_rec *row;
		struct trial_rec rec;
		size_t first = tl->res->n;

		if (!runloop_trial(tl, w, c, t, warmup, tl->res, &row))
			return false;
		if (!row)
			continue;	/* not rank 0: the records are its */
		rec = *row;
		if (!rec.valid && !st->no_io) {
			tl->failed++;
			errmsg("%s/%s %s %u failed: %s", rec.workload, rec.strategy,
			       warmup ? "warmup" : "trial", t, rec.error);
		}
		if (cfg->pin && rec.pins[0] && !tl->pins_said[c->st]) {
			printf("--pin: %s: %s\n", st->name, rec.pins);
			tl->pins_said[c->st] = true;
		}
		for (size_t k = first; tl->journal && k < tl->res->n; k++)
			if (results_journal_add(tl->journal, &tl->res->recs[k], tl->run_id) < 0 &&
			    !tl->journal_failed) {
				errmsg("warning: cannot add to the journal %s.journal: %s",
				       tl->run_id, strerror(errno));
				tl->journal_failed = true;
			}
		progress(&rec, ++tl->k, tl->total, tl->t_start);
	}
	return true;
}

#define MAX_EXTRA_ROUNDS 200

/*
 * --until-decided: once every workload has had its rounds, one more round
 * at a time for each workload still undecided, in turn, while the budget
 * has room for that workload's next round (its last one's length).
 * Returns false when a signal asked us to stop.
 */
/* Is workload @w decided?  Rank 0's answer on every rank: the records are its. */
static bool decided(struct trial_loop *tl, struct run_meta *meta, unsigned w)
{
	bool yes = dist.rank == 0 &&
		   summary_decided(tl->res, meta, w, meta->stopped[w], sizeof(meta->stopped[w]));

	dist_bcast(&yes, sizeof(yes));
	return yes;
}

/* Why workload @w gets no more rounds (NULL: it may have one), on rank 0's clock. */
static const char *out_of_room(const struct run_meta *meta, unsigned w, unsigned rounds,
			       uint64_t used_ns, uint64_t next_ns, uint64_t budget_ns)
{
	static const char *const whys[] = { NULL, "round limit", "budget spent" };
	int k = meta->rounds[w] >= rounds + MAX_EXTRA_ROUNDS ? 1 :
		used_ns + next_ns > budget_ns ? 2 : 0;

	dist_bcast(&k, sizeof(k));
	return whys[k];
}

static bool extra_rounds(struct trial_loop *tl, struct run_meta *meta, unsigned rounds)
{
	static struct plan_cell cells[PLAN_MAX_CELLS];
	static unsigned order[PLAN_MAX_CELLS];
	struct config *cfg = tl->cfg;
	uint64_t t0 = now_ns(), budget_ns = cfg->budget_s * 1000000000ULL;
	uint64_t last_ns[MAX_SELECTED] = { 0 };
	bool open[MAX_SELECTED];
	unsigned left = 0;

	for (unsigned w = 0; w < cfg->n_wl; w++) {
		open[w] = !decided(tl, meta, w);
		left += open[w];
	}
	while (left) {
		for (unsigned w = 0; w < cfg->n_wl; w++) {
			unsigned n = (unsigned)plan_cells(cfg, meta->unavailable, w, cells);
			uint64_t t1 = now_ns();
			const char *why;

			if (!open[w])
				continue;
			why = out_of_room(meta, w, rounds, t1 - t0, last_ns[w], budget_ns);
			if (why) {
				size_t l = strlen(meta->stopped[w]);

				snprintf(meta->stopped[w] + l, sizeof(meta->stopped[w]) - l,
					 "; stopped: %s", why);
				open[w] = false;
				left--;
				continue;
			}
			tl->total += n;
			if (!run_round(tl, w, meta->rounds[w]++, cells, n, order))
				return false;
			last_ns[w] = now_ns() - t1;
			if (decided(tl, meta, w)) {
				open[w] = false;
				left--;
			}
		}
	}
	for (unsigned w = 0; w < cfg->n_wl && !cfg->quiet; w++)
		printf("%s: %u rounds (%u asked for, --until-decided): %s\n", cfg->wl[w]->name,
		       meta->rounds[w], rounds, meta->stopped[w]);
	return true;
}

unsigned runloop_trials(struct config *cfg, struct wl_ctx *ctxs, struct run_meta *meta,
			struct results *res, FILE *journal)
{
	static struct plan_cell cells[PLAN_MAX_CELLS];
	static unsigned order[PLAN_MAX_CELLS];
	unsigned rounds = (unsigned)(cfg->warmup + cfg->repeat);
	struct trial_loop tl = { .cfg = cfg, .ctxs = ctxs, .res = res, .t_start = now_ns(),
				 .journal = journal, .run_id = meta->run_id };
	size_t most = 1;
	bool go = true;

	for (unsigned w = 0; w < cfg->n_wl; w++) {
		tl.total += (unsigned)plan_cells(cfg, meta->unavailable, w, cells) * rounds;
		most = ctxs[w].njobs > most ? ctxs[w].njobs : most;
		most = ctxs[w].njobs_recorded > most ? ctxs[w].njobs_recorded : most;
	}
	tl.lat = xcalloc(1, sizeof(*tl.lat));
	tl.digests = xcalloc(most, sizeof(*tl.digests));
	for (unsigned w = 0; w < cfg->n_wl && go; w++) {
		unsigned n;

		go = tune_workload(&tl, meta, w);
		n = (unsigned)plan_cells(cfg, meta->unavailable, w, cells);
		for (unsigned r = 0; r < rounds && go; r++)
			go = run_round(&tl, w, r, cells, n, order);
		meta->rounds[w] = rounds;
	}
	if (go && cfg->until_decided && !cfg->sweep)
		extra_rounds(&tl, meta, rounds);
	free(tl.lat);
	free(tl.digests);
	meta->partial = tl.stopped;
	return tl.failed;
}

