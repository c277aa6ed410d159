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
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "cli.h"
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

/* The workers and queue_depth a strategy really runs with. */
static void strategy_shape(const struct strategy *s, const struct config *cfg,
			   unsigned *workers, unsigned *qd)
{
	*workers = s->uses_workers ? (unsigned)cfg->workers : 1;
	/* a pool of N blocking workers keeps at most N ops in flight */
	*qd = s->uses_qd ? (unsigned)cfg->qd : *workers;
}

static void record_unavailable(struct results *res, const struct config *cfg,
			       const struct strategy *s, const char *why)
{
	for (unsigned w = 0; w < cfg->n_wl; w++) {
		struct trial_rec rec = {
			.workload = cfg->wl[w]->name, .strategy = s->name,
			.cache = cfg->cache,
		};

		strategy_shape(s, cfg, &rec.workers, &rec.qd);
		snprintf(rec.error, sizeof(rec.error), "%s unavailable: %s", s->name, why);
		results_add(res, &rec);
	}
}

static void progress(const struct trial_rec *rec, unsigned k, unsigned n)
{
	if (!stderr_is_tty())
		return;
	fprintf(stderr, "[%*u/%u] %-6s %-9s trial %-3u %9.3f s  %s\n",
		n >= 100 ? 3 : 2, k, n, rec->workload, rec->strategy, rec->trial,
		rec->wall_s, rec->valid ? "ok" : "FAILED");
}

/*
 * One trial: the workload's untimed preparation and the cache state first,
 * then the trial itself.  Returns true when the trial is valid.
 */
static bool run_one(struct wl_ctx *ctx, const struct workload *wl,
		    const struct strategy *st, const struct config *cfg,
		    unsigned trial, struct trial_rec *rec)
{
	unsigned workers, qd;
	int rc;

	memset(rec, 0, sizeof(*rec));
	rec->workload = wl->name;
	rec->strategy = st->name;
	rec->trial = trial;
	rec->cache = cfg->cache;
	strategy_shape(st, cfg, &workers, &qd);
	rec->workers = workers;
	rec->qd = qd;
	rc = wl->before_trial ? wl->before_trial(ctx) : 0;
	if (rc == 0)
		rc = cache_prepare(cfg->cache, ctx->files, ctx->nfiles, ctx->msg,
				   sizeof(ctx->msg));
	if (rc < 0) {
		snprintf(rec->error, sizeof(rec->error), "before trial: %.480s", ctx->msg);
		return false;
	}
	rc = trial_run(wl, ctx, st, workers, qd, cfg->cache, rec);
	rec->trial = trial;
	if (rc < 0)
		snprintf(rec->error, sizeof(rec->error), "cannot start trial: %s",
			 strerror(-rc));
	return rec->valid;
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

/*
 * Trials of different strategies are interleaved (A B C A B C ...) so
 * that drift on a shared machine hits every strategy alike.  Returns the
 * number of failed trials.
 */
static unsigned run_trials(struct config *cfg, struct wl_ctx *ctxs,
			   const struct run_meta *meta, struct results *res)
{
	unsigned navail = 0, k = 0, failed = 0, total;

	for (unsigned s = 0; s < cfg->n_st; s++)
		navail += !meta->unavailable[s];
	total = (unsigned)(cfg->n_wl * navail * cfg->repeat);
	for (unsigned w = 0; w < cfg->n_wl; w++) {
		for (unsigned t = 1; t <= cfg->repeat; t++) {
			for (unsigned s = 0; s < cfg->n_st; s++) {
				const struct strategy *st = cfg->st[s];
				struct trial_rec rec;

				if (meta->unavailable[s])
					continue;
				if (!run_one(&ctxs[w], cfg->wl[w], st, cfg, t, &rec) &&
				    !st->no_io) {
					failed++;
					errmsg("%s/%s trial %u failed: %s", rec.workload,
					       rec.strategy, t, rec.error);
				}
				results_add(res, &rec);
				progress(&rec, ++k, total);
			}
		}
	}
	return failed;
}

int cmd_run(int argc, char **argv)
{
	struct wl_ctx ctxs[MAX_SELECTED] = { 0 };
	char why[MAX_SELECTED][256];
	struct results res = { 0 };
	struct run_meta meta = { 0 };
	struct config cfg;
	char err[512];
	unsigned navail = 0, failed;
	int rc;

	rc = cli_parse_run(argc, argv, &cfg, err, sizeof(err));
	if (rc == CLI_HELP) {
		fputs(cli_run_usage, stdout);
		return 0;
	}
	if (rc < 0) {
		errmsg("%s", err);
		return EXIT_USAGE;
	}
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

	meta.cfg = &cfg;
	results_new_run_id(&meta);
	sysinfo_collect(cfg.dir, &meta.sys);
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
		rc = 1;
		goto out_release;
	}
	failed = run_trials(&cfg, ctxs, &meta, &res);
	rc = results_save(&res, &meta, cfg.results_dir, err, sizeof(err));
	if (rc < 0) {
		errmsg("%s", err);
		rc = 1;
		goto out_release;
	}
	if (!cfg.quiet)
		summary_print(stdout, &res, &meta);
	printf("\nresults: %s/%s.csv and .json\n", cfg.results_dir, meta.run_id);
	if (failed)
		errmsg("%u trial%s failed: see the error column", failed,
		       failed == 1 ? "" : "s");
	rc = failed ? 1 : 0;
out_release:
	release_all(&cfg, ctxs);
out:
	results_free(&res);
	return rc;
}
