/* cmd_run.c - `iobench run`: parse, prepare datasets, run the trials, report.
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
#include "cmd_run.h"
#include "pin.h"
#include "plan.h"
#include "plot.h"
#include "profile.h"
#include "report.h"
#include "signals.h"
#include "taskstats.h"
#include "sweep.h"
#include "run_checks.h"
#include "rundata.h"
#include "runloop.h"
#include "runfiles.h"
#include "commands.h"
#include "dataset.h"
#include "dist.h"
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

static int prepare_some(struct config *cfg, struct wl_ctx *ctxs, struct run_meta *meta)
{
	for (unsigned w = 0; w < cfg->n_wl; w++) {
		int rc;

		ctxs[w].cfg = cfg;
		ctxs[w].creates_files = cfg->wl[w]->creates_files;
		/* --mpi-share split: the ranks divide every workload's jobs */
		if (dist.ranks > 1 && cfg->share == SHARE_SPLIT) {
			ctxs[w].share_rank = (unsigned)dist.rank;
			ctxs[w].share_ranks = (unsigned)dist.ranks;
		}
		rc = cfg->wl[w]->prepare(&ctxs[w]);
		if (rc < 0) {
			errmsg("%s: %s", cfg->wl[w]->name, ctxs[w].msg);
			return rc;
		}
		meta->specs[w] = ctxs[w].spec;
	}
	meta->wl_ctxs = ctxs;
	return 0;
}

/*
 * Every workload's dataset and reference.  Sharing one --dir (split),
 * rank 0 makes the datasets first and the others then only find them:
 * nobody reads half a dataset, and a --dir that is not shared is said.
 * 0 on every rank, or -1 on every rank when any failed (said there).
 */
static int prepare_all(struct config *cfg, struct wl_ctx *ctxs, struct run_meta *meta)
{
	bool ordered = dist.ranks > 1 && cfg->share == SHARE_SPLIT;
	bool failed = (!ordered || dist.rank == 0) && prepare_some(cfg, ctxs, meta) < 0;

	/* alone, or every rank on its own copy: no order to keep */
	if (!ordered)
		return dist_any(failed) ? -1 : 0;
	dist_bcast(&failed, sizeof(failed));
	if (failed)
		return -1;
	if (dist.rank != 0) {
		cfg->find_only = true;
		failed = prepare_some(cfg, ctxs, meta) < 0;
	}
	return dist_any(failed) ? -1 : 0;
}

static void release_all(struct config *cfg, struct wl_ctx *ctxs)
{
	for (unsigned w = 0; w < cfg->n_wl; w++)
		if (ctxs[w].priv && cfg->wl[w]->release)
			cfg->wl[w]->release(&ctxs[w]);
}

/*
 * Before any trial: limits, defaults, the data and results directories,
 * the run id and its journal, delay accounting, the machine.  0, or 1
 * (said) with nothing left open.
 */
/*
 * Under mpirun: one run id for all ranks (rank 0's); only rank 0 speaks
 * (the others only of their own failures, named) and writes results.
 * Collective: every rank calls it, first.
 */
static void mpi_identity(struct config *cfg, struct run_meta *meta)
{
	dist_bcast(meta->run_id, sizeof(meta->run_id));
	dist_bcast(meta->date, sizeof(meta->date));
	meta->ranks = (unsigned)dist.ranks;
	meta->share = share_names[cfg->share];
	meta->nodes = dist.rank == 0 ? xcalloc((size_t)dist.ranks, sizeof(*meta->nodes)) : NULL;
	dist_gather(dist.node, sizeof(dist.node), meta->nodes);
	if (dist.rank != 0) {
		cfg->quiet = true;
		prog_name = xasprintf("iobench[rank %d]", dist.rank);
	}
}

/*
 * Before any trial: limits, defaults, the data directory (with
 * --mpi-share each, this rank's own --dir/rank-K, made if missing), the
 * results directory and journal (rank 0's), delay accounting, the
 * machine.  0, or 1 (said) with *@rfd and *@journal left closed.
 */
static int run_setup(struct config *cfg, struct run_meta *meta, int *rfd, FILE **journal)
{
	char err[512];
	int rc;

	*rfd = -1;
	*journal = NULL;
	if (dist.rank == 0)
		warn_limits();
	if (!cfg->workers)
		cfg->workers = sysinfo_cores();
	if (!cfg->qd)
		cfg->qd = DEFAULT_QD;
	if (dataset_dir_init(cfg->dir, !cfg->dir_given, err, sizeof(err)) < 0) {
		errmsg("%s", err);
		return 1;
	}
	if (dist.ranks > 1 && cfg->share == SHARE_EACH) {
		static char *rank_dir;	/* the process's own: --dir/rank-K */

		free(rank_dir);
		cfg->dir = rank_dir = xasprintf("%s/rank-%d", cfg->dir, dist.rank);
		if (dataset_dir_init(cfg->dir, true, err, sizeof(err)) < 0) {
			errmsg("%s", err);
			return 1;
		}
	}
	if (cfg->pin && pin_init() < 0)
		errmsg("--pin: hwloc cannot see the cores here; running unpinned");
	if (dist.rank == 0) {
		*rfd = results_dir_open(cfg->results_dir);
		if (*rfd < 0)
			return 1;
		rc = results_journal_open(*rfd, meta, journal);
		if (rc < 0) {
			errmsg("cannot start the journal %s/%s.journal: %s", cfg->results_dir,
			       meta->run_id, strerror(-rc));
			close(*rfd);
			*rfd = -1;
			return 1;
		}
	}
	sysinfo_collect(cfg->dir, &meta->sys);
	memory_fs(cfg, meta);
	return 0;
}

/* After the trials, the terminal's tables (a sweep has its own), the plots and the report. */
static bool show(const struct config *cfg, const struct results *res, const struct run_meta *meta,
		 const struct run_summary *sum, bool saved)
{
	if (cfg->sweep) {
		if (saved)
			sweep_finish(res, meta, cfg);
		return true;
	}
	/* the summary is printed whether or not the files could be written */
	if (!cfg->quiet && cfg->profile)
		profile_print(stdout, res, meta);
	else if (!cfg->quiet)
		summary_print(stdout, sum, meta);
	if (saved)
		printf("\nresults: %s/%s.csv, .json and -summary.csv\n", cfg->results_dir,
		       meta->run_id);
	return !(saved && !cfg->no_plot && !meta->partial && plots_and_report(cfg, meta) < 0);
}

/*
 * --json -: from here on stdout is stderr, so the tables, progress and
 * messages of every rank, and of anything run() calls, stay off the JSON;
 * the real stdout is kept (close-on-exec: gnuplot never sees it) for it.
 * -1 with a message when it cannot be.
 */
static int json_stdout_open(struct run_meta *meta)
{
	meta->json_out = -1;
	if (!meta->cfg->json_stdout)
		return 0;
	fflush(stdout);
	meta->json_out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (meta->json_out < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
		errmsg("--json -: cannot set stdout aside: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The run's JSON, whole, on the real stdout (rank 0).  0, or -1 said. */
static int json_to_stdout(const struct results *res, const struct run_meta *meta,
			  const struct run_summary *sum)
{
	FILE *f;
	int rc;

	if (meta->json_out < 0)
		return 0;
	fflush(stdout);
	f = fdopen(dup(meta->json_out), "w");
	if (!f) {
		errmsg("--json -: cannot write stdout: %s", strerror(errno));
		return -1;
	}
	rc = results_write_json(f, res, meta, sum);
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc < 0)
		errmsg("--json -: cannot write the JSON to stdout: %s", strerror(-rc));
	return rc < 0 ? -1 : 0;
}

/*
 * The trials are done: the summary, the result files (the journal goes
 * once they hold everything), what to show.  Returns the exit status.
 */
static int finish(struct config *cfg, int rfd, const struct results *res, struct run_meta *meta,
		  unsigned failed, bool *keep_journal)
{
	struct run_summary sum = { 0 };
	const char *jdir = cfg->results_dir;
	bool saved, plotted, json_ok;

	meta->partial |= sig_stop() != 0;
	if (dist.rank != 0)
		return 0;	/* rank 0 holds the records, and says how it went */
	if (meta->partial && sig_stop())
		errmsg("interrupted by signal %d (%s): keeping the %zu trials that finished",
		       sig_stop(), strsignal(sig_stop()), res->n);
	else if (meta->partial)
		errmsg("another rank was interrupted: keeping the %zu trials that finished",
		       res->n);
	/* a sweep mixes settings per strategy: its own table, not the summary */
	if (!cfg->sweep)
		summary_compute(res, meta, &sum);
	saved = save_results(cfg, rfd, res, meta, cfg->sweep ? NULL : &sum) == 0;
	*keep_journal = !saved;
	if (!saved)
		errmsg("the finished trials are kept in %s/%s.journal (CSV)", jdir, meta->run_id);
	plotted = show(cfg, res, meta, &sum, saved);
	json_ok = json_to_stdout(res, meta, cfg->sweep ? NULL : &sum) == 0;
	summary_free(&sum);
	if (failed)
		errmsg("%u trial%s failed: see the error column", failed, failed == 1 ? "" : "s");
	return sig_stop() ? 128 + sig_stop() : meta->partial || !saved || failed || !json_ok ? 1 :
	       !plotted ? EXIT_NO_PLOTS : 0;
}

/*
 * Delay accounting is a node-wide switch: the node's leader turns it on
 * (and back off, last); its other ranks find it on.  Every rank calls both.
 */
static void delay_acct_open(struct run_meta *meta)
{
	snprintf(meta->delay_acct, sizeof(meta->delay_acct), "on");
	if (dist.leader)
		ts_open(meta->delay_acct, sizeof(meta->delay_acct));
	dist_node_barrier();
	if (!dist.leader)
		ts_open(meta->delay_acct, sizeof(meta->delay_acct));
}

static void delay_acct_close(void)
{
	if (!dist.leader)
		ts_close();
	dist_node_barrier();
	if (dist.leader)
		ts_close();
}

/* The run's id (a Python run of --model c,python: -python at its end) and its rank. */
static void run_identity(struct config *cfg, struct run_meta *meta)
{
	results_new_run_id(meta);
	/* --model c,python: the Python run may start in the C run's second */
	if (cfg->paired_run)
		snprintf(meta->run_id + strlen(meta->run_id), sizeof(meta->run_id) -
			 strlen(meta->run_id), "-python");
	if (cfg->run_id_out)
		snprintf(cfg->run_id_out, sizeof(meta->run_id), "%s", meta->run_id);
	mpi_identity(cfg, meta);
}

/* The datasets, the Python model's costs, the trials and the files: the exit status. */
static int prepare_and_run(struct config *cfg, struct wl_ctx *ctxs, struct run_meta *meta,
			   struct results *res, int rfd, FILE *journal, bool *keep_journal)
{
	int rc;

	if (prepare_all(cfg, ctxs, meta) < 0) {
		rc = sig_stop() ? 128 + sig_stop() : 1;
	} else if (dist_any(run_python_costs(cfg, ctxs) < 0)) {
		rc = 1;
	} else {
		/* after prepare: a run that can't start says only why */
		if (dist.rank == 0)
			warn_no_journal(cfg, ctxs, &meta->sys);
		rc = finish(cfg, rfd, res, meta, runloop_trials(cfg, ctxs, meta, res, journal),
			    keep_journal);
	}
	release_all(cfg, ctxs);
	return rc;
}

int run_main(struct config *cfgp)
{
	struct wl_ctx ctxs[MAX_SELECTED] = { 0 };
	char why[MAX_SELECTED][256];
	struct results res = { 0 };
	struct run_meta meta = { 0 };
	struct config cfg = *cfgp;
	bool keep_journal = false;
	FILE *journal = NULL;
	int rc, rfd;

	if (cfg.model_both) {
		errmsg("--model c,python: only iobench run runs both models, one after the other");
		return EXIT_USAGE;
	}
	sig_install();
	meta.cfg = &cfg;
	if (json_stdout_open(&meta) < 0)
		return 1;
	run_identity(&cfg, &meta);
	/* every rank fails together, or none: the others would wait forever */
	if (dist_any(run_setup(&cfg, &meta, &rfd, &journal) != 0)) {
		rc = 1;
		goto out;
	}
	delay_acct_open(&meta);
	if (probe_strategies(&cfg, &meta, &res, why) == 0) {
		errmsg("none of the chosen strategies works on this machine");
		rc = 1;
		goto out;
	}
	rc = prepare_and_run(&cfg, ctxs, &meta, &res, rfd, journal, &keep_journal);
out:
	if (journal)
		fclose(journal);
	if (!keep_journal && rfd >= 0) {
		char *jn = xasprintf("%s.journal", meta.run_id);

		/* the result files hold it all now (or the run never got going) */
		unlinkat(rfd, jn, 0);
		free(jn);
	}
	if (rfd >= 0)
		close(rfd);
	if (meta.json_out >= 0)
		close(meta.json_out);
	delay_acct_close();
	results_free(&res);
	free(meta.nodes);
	/* the job's exit status is rank 0's */
	dist_bcast(&rc, sizeof(rc));
	return rc;
}

int run_parsed(int rc, const char *err, void (*usage)(FILE *))
{
	if (rc == CLI_HELP) {
		usage(stdout);
		return 0;
	}
	if (rc < 0) {
		errmsg("%s", err);
		return EXIT_USAGE;
	}
	return -1;
}

int cmd_run(int argc, char **argv)
{
	struct config cfg;
	char err[512];
	int rc = run_parsed(cli_parse_run(argc, argv, &cfg, err, sizeof(err)), err, cli_run_usage);

	return rc >= 0 ? rc : run_models(&cfg);
}
