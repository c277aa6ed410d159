/* run.c - `iobench run`: parse, prepare datasets, run the trials, report.
 *
 * Order of business, chosen so that nothing is lost or half-written:
 * everything the user typed is checked first (exit 2); then the data and
 * results directories (exit 1 before any work); then every dataset is
 * generated or verified (untimed); only then do trials run.  Result files
 * appear at the end, each complete or not at all.
 */
#include <errno.h>
#include <fcntl.h>
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
#include "runfiles.h"
#include "commands.h"
#include "dataset.h"
#include "registry.h"
#include "results.h"
#include "summary.h"
#include "sysinfo.h"
#include "trial.h"
#include "safefs.h"
#include "util.h"

#define DEFAULT_QD 64

/* The results directory, created when missing: an fd, or -errno (said). */
static int results_dir_open(const char *dir)
{
	char msg[512];
	int fd = sfs_open_user_dir(dir, true, msg, sizeof(msg));

	if (fd < 0) {
		errmsg("results directory: %s", msg);
		return fd;
	}
	if (faccessat(fd, ".", W_OK | X_OK, AT_EACCESS) < 0) {
		int err = -errno;

		errmsg("results directory %s is not writable: %s", dir, strerror(-err));
		close(fd);
		return err;
	}
	return fd;
}

/*
 * The result files, all or none.  When --results can't take them any more
 * (gone, read-only, full), they go to the current directory or, failing
 * that, the temporary one, and the run says where.  Returns 0 with
 * cfg->results_dir naming where they are, or -errno (said).
 */
static int save_results(struct config *cfg, int rfd, const struct results *res,
			const struct run_meta *meta, const struct run_summary *sum)
{
	const char *tmpdir = getenv("TMPDIR");
	const char *fallback[] = { ".", tmpdir && *tmpdir ? tmpdir : "/tmp" };
	char err[512], msg[512];
	int rc = results_save(res, meta, sum, rfd, cfg->results_dir, err, sizeof(err));

	for (size_t i = 0; rc < 0 && i < ARRAY_SIZE(fallback); i++) {
		int fd = sfs_open_user_dir(fallback[i], false, msg, sizeof(msg));

		if (fd < 0)
			continue;
		if (results_save(res, meta, sum, fd, fallback[i], msg, sizeof(msg)) == 0) {
			errmsg("%s; the results were written to %s instead", err, fallback[i]);
			cfg->results_dir = fallback[i];
			close(fd);
			return 0;
		}
		close(fd);
	}
	if (rc < 0)
		errmsg("%s, nor anywhere else (. or %s)", err, fallback[1]);
	return rc;
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
		static const uint64_t own = 0;	/* the workload's own --block */
	const uint64_t *B = cfg->n_sw_block ? cfg->sw_block : &own;
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
				for (unsigned q = 0; q < (st->uses_qd ? nq : 1); q++) {
					struct cell *c;

					/* the CLI's list limits keep a grid far below this */
					if (n == MAX_CELLS)
						die(1, "more than %d settings to measure per workload",
						    MAX_CELLS);
					c = &cells[n++];

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
static int plots_and_report(const struct config *cfg, const struct run_meta *meta)
{
	char *csv = xasprintf("%s/%s.csv", cfg->results_dir, meta->run_id);
	char *plotdir = NULL;
	struct run_data rd;
	char msg[1024] = "";
	int rc, prc;

	rc = rundata_load(csv, &rd, msg, sizeof(msg));
	if (rc < 0) {
		errmsg("%s", msg);
		goto out;
	}
	prc = plot_run(&rd, cfg->plots_dir, &plotdir, msg, sizeof(msg));
	if (prc < 0)
		errmsg("%s", msg);
	else
		printf("plots:   %s/\n", plotdir);
	/* no gnuplot: said, and not a failure of the run (README, exit status) */
	if (prc < 0 && prc != -ENOENT)
		rc = prc;
	msg[0] = '\0';
	prc = report_write(&rd, plotdir, msg, sizeof(msg));
	if (prc < 0) {
		errmsg("%s", msg);
		rc = prc;
	} else {
		printf("report:  %s.md\n", rd.base);
	}
	rundata_free(&rd);
out:
	free(plotdir);
	free(csv);
	return rc;
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
	FILE *journal;			/* every finished trial, as it finishes */
	const char *run_id;
	bool journal_failed;
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
		if (tl->journal && results_journal_add(tl->journal, &rec, tl->run_id) < 0 &&
		    !tl->journal_failed) {
			errmsg("warning: cannot add to the journal %s.journal: %s", tl->run_id,
			       strerror(errno));
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
static bool extra_rounds(struct trial_loop *tl, struct run_meta *meta, unsigned rounds)
{
	static struct cell cells[MAX_CELLS];
	static unsigned order[MAX_CELLS];
	struct config *cfg = tl->cfg;
	uint64_t t0 = now_ns(), budget_ns = cfg->budget_s * 1000000000ULL;
	uint64_t last_ns[MAX_SELECTED] = { 0 };
	bool open[MAX_SELECTED];
	unsigned left = 0;

	for (unsigned w = 0; w < cfg->n_wl; w++) {
		open[w] = !summary_decided(tl->res, meta, w, meta->stopped[w],
					   sizeof(meta->stopped[w]));
		left += open[w];
	}
	while (left) {
		for (unsigned w = 0; w < cfg->n_wl; w++) {
			unsigned n = (unsigned)make_cells(cfg, meta, cfg->wl[w], cells);
			uint64_t t1 = now_ns();
			const char *why = NULL;

			if (!open[w])
				continue;
			if (meta->rounds[w] >= rounds + MAX_EXTRA_ROUNDS)
				why = "round limit";
			else if (t1 - t0 + last_ns[w] > budget_ns)
				why = "budget spent";
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
			if (summary_decided(tl->res, meta, w, meta->stopped[w],
					    sizeof(meta->stopped[w]))) {
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

/*
 * Per workload: the warmup rounds, then the counted ones; then, with
 * --until-decided, the extra rounds.  Returns the number of failed trials.
 */
static unsigned run_trials(struct config *cfg, struct wl_ctx *ctxs,
			   struct run_meta *meta, struct results *res, FILE *journal)
{
	static struct cell cells[MAX_CELLS];
	static unsigned order[MAX_CELLS];
	unsigned rounds = (unsigned)(cfg->warmup + cfg->repeat);
	struct trial_loop tl = { .cfg = cfg, .ctxs = ctxs, .res = res, .t_start = now_ns(),
				 .journal = journal, .run_id = meta->run_id };

	for (unsigned w = 0; w < cfg->n_wl; w++)
		tl.total += (unsigned)make_cells(cfg, meta, cfg->wl[w], cells) * rounds;
	for (unsigned w = 0; w < cfg->n_wl; w++) {
		unsigned n = (unsigned)make_cells(cfg, meta, cfg->wl[w], cells);

		for (unsigned r = 0; r < rounds; r++)
			if (!run_round(&tl, w, r, cells, n, order))
				return tl.failed;
		meta->rounds[w] = rounds;
	}
	if (cfg->until_decided && !cfg->sweep)
		extra_rounds(&tl, meta, rounds);
	return tl.failed;
}

/*
 * A workload that creates files (csv) deletes a trial's files before the
 * next one; on ext4 without a
 * journal the next trial's creates then skip past every inode freed in the
 * last minutes (measured here: 2000 creates in 1.3 s instead of 0.2 s), so
 * trials would pay for the ones before them.  Dropping the caches after
 * the deletion (sync, then drop_caches) takes the freed inodes' table
 * blocks out of memory, and with them the check.
 */
static void warn_no_journal(const struct config *cfg, const struct sysinfo *si)
{
	const char *creator = NULL;

	for (unsigned w = 0; w < cfg->n_wl; w++)
		if (cfg->wl[w]->creates_files)
			creator = cfg->wl[w]->name;
	if (creator && si->journal == 0 && !(cfg->drop_caches && cfg->cache != CACHE_WARM))
		errmsg("warning: %s is ext4 without a journal: each %s trial's creates pay "
		       "for the inodes earlier trials deleted (up to 6x slower here). "
		       "As root, add --drop-caches (cold cache) so every trial starts alike",
		       si->device, creator);
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
	bool saved, plots_failed = false, keep_journal = false;
	const char *jdir = cfgp->results_dir;
	FILE *journal = NULL;
	int rc, rfd;

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
	rfd = results_dir_open(cfg.results_dir);
	if (rfd < 0)
		return 1;
	if (cfg.pin && pin_init() < 0)
		errmsg("--pin: hwloc cannot see the cores here; running unpinned");

	meta.cfg = &cfg;
	results_new_run_id(&meta);
	rc = results_journal_open(rfd, &meta, &journal);
	if (rc < 0) {
		errmsg("cannot start the journal %s/%s.journal: %s", cfg.results_dir, meta.run_id,
		       strerror(-rc));
		close(rfd);
		return 1;
	}
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
	failed = run_trials(&cfg, ctxs, &meta, &res, journal);
	meta.partial = sig_stop() != 0;
	if (meta.partial)
		errmsg("interrupted by signal %d (%s): keeping the %zu trials that finished",
		       sig_stop(), strsignal(sig_stop()), res.n);
	/* a sweep mixes settings per strategy: its own table, not the summary */
	if (!cfg.sweep)
		summary_compute(&res, &meta, &sum);
	saved = save_results(&cfg, rfd, &res, &meta, cfg.sweep ? NULL : &sum) == 0;
	if (saved) {
		char *jn = xasprintf("%s.journal", meta.run_id);

		/* the result files hold it all now */
		unlinkat(rfd, jn, 0);
		free(jn);
	} else {
		errmsg("the finished trials are kept in %s/%s.journal (CSV)", jdir, meta.run_id);
		keep_journal = true;
	}
	if (cfg.sweep) {
		if (saved)
			sweep_finish(&res, &meta, &cfg);
	} else {
		/* the summary is printed whether or not the files could be written */
		if (!cfg.quiet && cfg.profile)
			profile_print(stdout, &res, &meta);
		else if (!cfg.quiet)
			summary_print(stdout, &sum, &meta);
		if (saved)
			printf("\nresults: %s/%s.csv, .json and -summary.csv\n", cfg.results_dir,
			       meta.run_id);
		if (saved && !cfg.no_plot && !meta.partial && plots_and_report(&cfg, &meta) < 0)
			plots_failed = true;
	}
	if (failed)
		errmsg("%u trial%s failed: see the error column", failed,
		       failed == 1 ? "" : "s");
	rc = meta.partial || sig_stop() ? 128 + sig_stop() : !saved || failed ? 1 :
	     plots_failed ? EXIT_NO_PLOTS : 0;
out_release:
	release_all(&cfg, ctxs);
out:
	fclose(journal);
	if (!keep_journal) {
		char *jn = xasprintf("%s.journal", meta.run_id);

		unlinkat(rfd, jn, 0);
		free(jn);
	}
	close(rfd);
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
		cli_run_usage(stdout);
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
