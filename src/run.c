/* run.c - `iobench run`: parse, prepare datasets, run the trials, report.
 *
 * Order of business, chosen so that nothing is lost or half-written:
 * everything the user typed is checked first (exit 2); then the data and
 * results directories (exit 1 before any work); then every dataset is
 * generated or verified (untimed); only then do trials run.  Result files
 * appear at the end, each complete or not at all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "cli.h"
#include "pin.h"
#include "plan.h"
#include "plot.h"
#include "profile.h"
#include "report.h"
#include "signals.h"
#include "taskstats.h"
#include "sweep.h"
#include "rundata.h"
#include "commands.h"
#include "dataset.h"
#include "registry.h"
#include "results.h"
#include "summary.h"
#include "sysinfo.h"
#include "trial.h"
#include "util.h"

#define DEFAULT_QD 64

static int results_dir_init(const char *dir)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		errmsg("cannot create results directory %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (access(dir, W_OK | X_OK) < 0) {
		errmsg("results directory %s is not writable: %s", dir, strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * One thing to measure: a strategy with the knobs it runs with.  A plain
 * run has one cell per strategy; a sweep crosses each strategy with the
 * values of the knobs that strategy uses, and no others.
 */
struct cell {
	unsigned st;		/* index into cfg->st */
	unsigned workers, qd;
	uint64_t block;
};

#define MAX_CELLS 4096

/* The workers and queue_depth a strategy really runs with. */
static void strategy_shape(const struct strategy *s, uint64_t workers, uint64_t qd,
			   unsigned *w, unsigned *q)
{
	*w = s->uses_workers ? (unsigned)workers : 1;
	/* a pool of N blocking workers keeps at most N ops in flight */
	*q = s->uses_qd ? (unsigned)qd : *w;
}

static size_t make_cells(const struct config *cfg, const struct run_meta *meta,
			 const struct workload *wl, struct cell *cells)
{
	const uint64_t *W = cfg->n_sw_workers ? cfg->sw_workers : &cfg->workers;
	const uint64_t *Q = cfg->n_sw_qd ? cfg->sw_qd : &cfg->qd;
	const uint64_t *B = cfg->n_sw_block ? cfg->sw_block : &cfg->p.block;
	unsigned nw = cfg->n_sw_workers ? cfg->n_sw_workers : 1;
	unsigned nq = cfg->n_sw_qd ? cfg->n_sw_qd : 1;
	unsigned nb = wl->uses_block && cfg->n_sw_block ? cfg->n_sw_block : 1;
	size_t n = 0;

	for (unsigned s = 0; s < cfg->n_st; s++) {
		const struct strategy *st = cfg->st[s];

		if (meta->unavailable[s])
			continue;
		for (unsigned b = 0; b < nb; b++)
			for (unsigned w = 0; w < (st->uses_workers ? nw : 1); w++)
				for (unsigned q = 0; q < (st->uses_qd ? nq : 1) && n < MAX_CELLS; q++) {
					struct cell *c = &cells[n++];

					c->st = s;
					c->block = wl->uses_block ? B[b] : 0;
					strategy_shape(st, W[w], Q[q], &c->workers, &c->qd);
				}
	}
	return n;
}

static void record_unavailable(struct results *res, const struct config *cfg,
			       const struct strategy *s, const char *why)
{
	for (unsigned w = 0; w < cfg->n_wl; w++) {
		struct trial_rec rec = {
			.workload = cfg->wl[w]->name, .strategy = s->name,
			.cache = cfg->cache,
		};

		rec.resident_pct = -1;
		rec.steal_s = -1;
		rec.io_workers = -1;
		strategy_shape(s, cfg->workers, cfg->qd, &rec.workers, &rec.qd);
		snprintf(rec.error, sizeof(rec.error), "%s unavailable: %s", s->name, why);
		results_add(res, &rec);
	}
}

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

/*
 * One trial: the workload's untimed preparation and the cache state first,
 * then the trial itself.  Returns true when the trial is valid.
 */
static bool run_one(struct wl_ctx *ctx, const struct workload *wl,
		    const struct strategy *st, const struct config *cfg,
		    const struct cell *cell, unsigned trial, bool warmup,
		    struct trial_rec *rec)
{
	struct trial_opts o = { .cache = cfg->cache, .pin = cfg->pin,
				.latency = !cfg->no_latency, .workers = cell->workers,
				.qd = cell->qd, .block = cell->block };
	int rc;

	memset(rec, 0, sizeof(*rec));
	rec->workload = wl->name;
	rec->strategy = st->name;
	rec->trial = trial;
	rec->warmup = warmup;
	rec->cache = cfg->cache;
	rec->resident_pct = -1;
	rec->steal_s = -1;
	rec->io_workers = -1;
	rec->workers = o.workers;
	rec->qd = o.qd;
	rc = wl->before_trial ? wl->before_trial(ctx) : 0;
	if (rc == 0)
		rc = cache_prepare(cfg->cache, cfg->drop_caches, ctx->files,
				   ctx->nfiles, ctx->msg, sizeof(ctx->msg));
	if (rc < 0) {
		snprintf(rec->error, sizeof(rec->error), "before trial: %.480s", ctx->msg);
		return false;
	}
	/* proof of the cache state, taken just before the clock starts */
	rec->resident_pct = cache_resident_pct(ctx->files, ctx->nfiles);
	rec->cache_flag = cache_state_off(cfg->cache, rec->resident_pct);
	rc = trial_run(wl, ctx, st, &o, rec);
	rec->trial = trial;
	rec->warmup = warmup;
	if (rc < 0)
		snprintf(rec->error, sizeof(rec->error), "cannot fork the trial process: %s%s",
			 strerror(-rc), rc == -EAGAIN ? " (process limit, ulimit -u, reached?)" : "");
	if (rec->cache_flag)
		errmsg("warning: %s/%s trial %u started with %.1f%% of the dataset "
		       "in the page cache (asked for %s)", wl->name, st->name, trial,
		       rec->resident_pct, cache_names[cfg->cache]);
	return rec->valid;
}

/*
 * Plots and the report, read back from the files just written (the same
 * path as `iobench plot` and `iobench report`).  A missing gnuplot costs
 * the plots only, with one line saying how to get them.
 */
static void plots_and_report(const struct config *cfg, const struct run_meta *meta)
{
	char *csv = xasprintf("%s/%s.csv", cfg->results_dir, meta->run_id);
	struct run_data rd;
	char msg[1024] = "";

	if (rundata_load(csv, &rd, msg, sizeof(msg)) < 0) {
		errmsg("%s", msg);
		goto out;
	}
	if (plot_run(&rd, cfg->plots_dir, msg, sizeof(msg)) < 0)
		errmsg("%s", msg);
	else
		printf("plots:   %s/%s/\n", cfg->plots_dir, meta->run_id);
	msg[0] = '\0';
	if (report_write(&rd, cfg->plots_dir, msg, sizeof(msg)) < 0)
		errmsg("%s", msg);
	else
		printf("report:  %s.md\n", rd.base);
	rundata_free(&rd);
out:
	free(csv);
}

static int prepare_all(struct config *cfg, struct wl_ctx *ctxs,
		       struct run_meta *meta)
{
	for (unsigned w = 0; w < cfg->n_wl; w++) {
		int rc;

		ctxs[w].cfg = cfg;
		rc = cfg->wl[w]->prepare(&ctxs[w]);
		if (rc < 0) {
			errmsg("%s: %s", cfg->wl[w]->name, ctxs[w].msg);
			return rc;
		}
		meta->specs[w] = ctxs[w].spec;
	}
	return 0;
}

static void release_all(struct config *cfg, struct wl_ctx *ctxs)
{
	for (unsigned w = 0; w < cfg->n_wl; w++)
		if (ctxs[w].priv && cfg->wl[w]->release)
			cfg->wl[w]->release(&ctxs[w]);
}

/* The state of the trial loop shared by every round. */
struct trial_loop {
	struct config *cfg;
	struct wl_ctx *ctxs;
	struct results *res;
	unsigned k, total, failed;	/* trials run, planned, failed */
	uint64_t t_start;
	bool pins_said[MAX_SELECTED];	/* --pin: where the threads went, said once */
};

/*
 * Round @r of workload @w: one trial per cell, round-robin (A B C A B C)
 * or, with --shuffle, in a seeded random order, so that drift on a shared
 * machine hits every strategy alike.  Returns false when a signal asked
 * us to stop (that trial is lost, the others are kept).
 */
static bool run_round(struct trial_loop *tl, unsigned w, unsigned r,
		      const struct cell *cells, unsigned n, unsigned *order)
{
	struct config *cfg = tl->cfg;
	bool warmup = r < cfg->warmup;
	unsigned t = warmup ? r + 1 : r + 1 - (unsigned)cfg->warmup;

	plan_round(n, w * 100003u + r, cfg->shuffle, cfg->seed, order);
	for (unsigned i = 0; i < n; i++) {
		const struct cell *c = &cells[order[i]];
		const struct strategy *st = cfg->st[c->st];
		struct trial_rec rec;
		bool ok = run_one(&tl->ctxs[w], cfg->wl[w], st, cfg, c, t, warmup, &rec);

		if (sig_stop())
			return false;
		if (!ok && !st->no_io) {
			tl->failed++;
			errmsg("%s/%s %s %u failed: %s", rec.workload, rec.strategy,
			       warmup ? "warmup" : "trial", t, rec.error);
		}
		if (cfg->pin && rec.pins[0] && !tl->pins_said[c->st]) {
			printf("--pin: %s: %s\n", st->name, rec.pins);
			tl->pins_said[c->st] = true;
		}
		results_add(tl->res, &rec);
		progress(&rec, ++tl->k, tl->total, tl->t_start);
	}
	return true;
}

#define MAX_EXTRA_ROUNDS 200

/*
 * Per workload: the warmup rounds, the counted ones, then with
 * --until-decided more rounds while the verdict is undecided and the
 * budget (shared out over the workloads still to run) allows one more.
 * Returns the number of failed trials.
 */
static unsigned run_trials(struct config *cfg, struct wl_ctx *ctxs,
			   struct run_meta *meta, struct results *res)
{
	static struct cell cells[MAX_CELLS];
	static unsigned order[MAX_CELLS];
	unsigned rounds = (unsigned)(cfg->warmup + cfg->repeat);
	struct trial_loop tl = { .cfg = cfg, .ctxs = ctxs, .res = res, .t_start = now_ns() };
	uint64_t budget_ns = cfg->budget_s * 1000000000ULL, spent_ns = 0;
	bool adaptive = cfg->until_decided && !cfg->sweep;

	for (unsigned w = 0; w < cfg->n_wl; w++)
		tl.total += (unsigned)make_cells(cfg, meta, cfg->wl[w], cells) * rounds;
	for (unsigned w = 0; w < cfg->n_wl; w++) {
		unsigned n = (unsigned)make_cells(cfg, meta, cfg->wl[w], cells), r;
		uint64_t share, t0, round_ns = 0;

		for (r = 0; r < rounds; r++)
			if (!run_round(&tl, w, r, cells, n, order))
				return tl.failed;
		meta->rounds[w] = r;
		if (!adaptive)
			continue;
		share = (budget_ns - spent_ns) / (cfg->n_wl - w);
		t0 = now_ns();
		for (;;) {
			uint64_t used = now_ns() - t0;

			if (summary_decided(res, meta, w, meta->stopped[w], sizeof(meta->stopped[w])))
				break;
			if (r >= rounds + MAX_EXTRA_ROUNDS || used + round_ns > share) {
				size_t l = strlen(meta->stopped[w]);

				snprintf(meta->stopped[w] + l, sizeof(meta->stopped[w]) - l,
					 "; stopped: %s", r >= rounds + MAX_EXTRA_ROUNDS ?
					 "round limit" : "budget spent");
				break;
			}
			tl.total += n;
			if (!run_round(&tl, w, r++, cells, n, order))
				return tl.failed;
			round_ns = now_ns() - t0 - used;
			meta->rounds[w] = r;
		}
		spent_ns += now_ns() - t0;
		if (!cfg->quiet)
			printf("%s: %u rounds (%u asked for, --until-decided): %s\n",
			       cfg->wl[w]->name, r, rounds, meta->stopped[w]);
	}
	return tl.failed;
}

/*
 * csv deletes a trial's files before the next one; on ext4 without a
 * journal the next trial's creates then skip past every inode freed in the
 * last minutes (measured here: 2000 creates in 1.3 s instead of 0.2 s), so
 * trials would pay for the ones before them.  Dropping the caches after
 * the deletion (sync, then drop_caches) takes the freed inodes' table
 * blocks out of memory, and with them the check.
 */
static void warn_no_journal(const struct config *cfg, const struct sysinfo *si)
{
	bool csv = false;

	for (unsigned w = 0; w < cfg->n_wl; w++)
		csv |= strcmp(cfg->wl[w]->name, "csv") == 0;
	if (csv && si->journal == 0 && !(cfg->drop_caches && cfg->cache != CACHE_WARM))
		errmsg("warning: %s is ext4 without a journal: each csv trial's creates pay "
		       "for the inodes earlier trials deleted (up to 6x slower here). "
		       "As root, add --drop-caches (cold cache) so every trial starts alike",
		       si->device);
}

/*
 * Strategies that keep many ops in flight keep many files open: say so
 * before trials fail one by one with EMFILE.
 */
static void warn_limits(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 64)
		errmsg("warning: the open-file limit is %llu (ulimit -n): strategies with many "
		       "ops in flight may fail with 'Too many open files'",
		       (unsigned long long)rl.rlim_cur);
	/* root is not held to RLIMIT_NPROC */
	if (geteuid() != 0 && getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur < 64)
		errmsg("warning: the process limit is %llu (ulimit -u): trials, threads and "
		       "worker processes may fail to start", (unsigned long long)rl.rlim_cur);
}

/* Everything after parsing, for run and sweep alike.  Returns the exit status. */
static int run_main(struct config *cfgp)
{
	struct wl_ctx ctxs[MAX_SELECTED] = { 0 };
	char why[MAX_SELECTED][256];
	struct results res = { 0 };
	struct run_meta meta = { 0 };
	struct run_summary sum = { 0 };
	struct config cfg = *cfgp;
	char err[512];
	unsigned navail = 0, failed;
	int rc;

	sig_install();
	warn_limits();
	if (!cfg.workers)
		cfg.workers = sysinfo_cores();
	if (!cfg.qd)
		cfg.qd = DEFAULT_QD;

	if (dataset_dir_init(cfg.dir, !cfg.dir_given, err, sizeof(err)) < 0) {
		errmsg("%s", err);
		return 1;
	}
	if (results_dir_init(cfg.results_dir) < 0)
		return 1;
	if (cfg.pin && pin_init() < 0)
		errmsg("--pin: hwloc cannot see the cores here; running unpinned");

	meta.cfg = &cfg;
	results_new_run_id(&meta);
	snprintf(meta.delay_acct, sizeof(meta.delay_acct), "on");
	ts_open(meta.delay_acct, sizeof(meta.delay_acct));
	sysinfo_collect(cfg.dir, &meta.sys);
	warn_no_journal(&cfg, &meta.sys);
	for (unsigned s = 0; s < cfg.n_st; s++) {
		const struct strategy *st = cfg.st[s];

		if (st->probe && st->probe(why[s], sizeof(why[s])) < 0) {
			meta.unavailable[s] = why[s];
			errmsg("strategy %s is unavailable here: %s", st->name, why[s]);
			record_unavailable(&res, &cfg, st, why[s]);
		} else {
			navail++;
		}
	}
	if (navail == 0) {
		errmsg("none of the chosen strategies works on this machine");
		rc = 1;
		goto out;
	}
	if (prepare_all(&cfg, ctxs, &meta) < 0) {
		rc = sig_stop() ? 128 + sig_stop() : 1;
		goto out_release;
	}
	failed = run_trials(&cfg, ctxs, &meta, &res);
	meta.partial = sig_stop() != 0;
	if (meta.partial)
		errmsg("interrupted by signal %d (%s): keeping the %zu trials that finished",
		       sig_stop(), strsignal(sig_stop()), res.n);
	/* a sweep mixes settings per strategy: its own table, not the summary */
	if (!cfg.sweep)
		summary_compute(&res, &meta, &sum);
	rc = results_save(&res, &meta, cfg.sweep ? NULL : &sum, cfg.results_dir, err,
			  sizeof(err));
	if (rc < 0) {
		errmsg("%s", err);
		rc = 1;
		goto out_release;
	}
	if (cfg.sweep) {
		sweep_finish(&res, &meta, &cfg);
	} else {
		if (!cfg.quiet && cfg.profile)
			profile_print(stdout, &res, &meta);
		else if (!cfg.quiet)
			summary_print(stdout, &sum, &meta);
		printf("\nresults: %s/%s.csv, .json and -summary.csv\n", cfg.results_dir,
		       meta.run_id);
		if (!cfg.no_plot && !meta.partial)
			plots_and_report(&cfg, &meta);
	}
	if (failed)
		errmsg("%u trial%s failed: see the error column", failed,
		       failed == 1 ? "" : "s");
	rc = meta.partial ? 128 + sig_stop() : failed ? 1 : 0;
out_release:
	release_all(&cfg, ctxs);
out:
	ts_close();
	summary_free(&sum);
	results_free(&res);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct config cfg;
	char err[512];
	int rc = cli_parse_run(argc, argv, &cfg, err, sizeof(err));

	if (rc == CLI_HELP) {
		fputs(cli_run_usage, stdout);
		return 0;
	}
	if (rc < 0) {
		errmsg("%s", err);
		return EXIT_USAGE;
	}
	return run_main(&cfg);
}

static const char sweep_usage[] =
	"Usage: iobench sweep [--workers LIST] [--qd LIST] [--block LIST] [run options]\n"
	"Runs a grid of settings into one result file: each strategy is crossed with\n"
	"the values of the knobs it uses (--workers: threaded, forked, epoll; --qd:\n"
	"io_uring; --block: the md5 workload), e.g.\n"
	"  iobench sweep --workers 1,2,4,8 --qd 1,4,16,64 --block 64K,1M\n"
	"Writes results/<run-id>.csv, .json and -sweep.csv (medians per setting and\n"
	"the knee: the smallest setting within 5% of the best throughput), and plots\n"
	"throughput against the swept knob in plots/<run-id>/ (log2 x axis).\n"
	"Every `iobench run` option applies; see iobench run --help.\n";

int cmd_sweep(int argc, char **argv)
{
	struct config cfg;
	char err[512];
	int rc = cli_parse_sweep(argc, argv, &cfg, err, sizeof(err));

	if (rc == CLI_HELP) {
		fputs(sweep_usage, stdout);
		return 0;
	}
	if (rc < 0) {
		errmsg("%s", err);
		return EXIT_USAGE;
	}
	return run_main(&cfg);
}

static const char profile_usage[] =
	"Usage: iobench profile --workload W [--strategy LIST] [run options]\n"
	"One trial per strategy (--repeat 1 --warmup 0 unless given) with where its\n"
	"time went, summed over every thread and process (io_uring's kernel workers\n"
	"too): user and sys CPU, waiting for a CPU, waiting for block I/O (delay\n"
	"accounting: needs root, which switches kernel.task_delayacct on for the run\n"
	"and back after; else n/a), and the rest; threads and processes; ops in\n"
	"flight; ops per io_uring_enter; hardware counters where the machine has\n"
	"them.  Writes results, and plots/<run-id>/breakdown-W.png.\n"
	"Every `iobench run` option applies; see iobench run --help.\n";

int cmd_profile(int argc, char **argv)
{
	bool repeat = false, warmup = false;
	struct config cfg;
	char err[512];
	int rc = cli_parse_run(argc, argv, &cfg, err, sizeof(err));

	if (rc == CLI_HELP) {
		fputs(profile_usage, stdout);
		return 0;
	}
	if (rc < 0) {
		errmsg("%s", err);
		return EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		repeat |= !strncmp(argv[i], "--repeat", 8);
		warmup |= !strncmp(argv[i], "--warmup", 8);
	}
	/* a profile is one look at each strategy, unless asked for more */
	if (!repeat)
		cfg.repeat = 1;
	if (!warmup)
		cfg.warmup = 0;
	cfg.profile = true;
	return run_main(&cfg);
}
