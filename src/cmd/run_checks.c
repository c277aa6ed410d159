/*
 * run_checks.c - what `run` says before any trial about the machine and
 * the storage it was given: limits that will bite, a filesystem that
 * makes trials pay for each other, one that can't be cold.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "dist.h"
#include "run_checks.h"
#include "runloop.h"
#include "strategy.h"
#include "util.h"

/*
 * A workload that creates files (csv) deletes a trial's files before the
 * next one; on ext4 without a
 * journal the next trial's creates then skip past every inode freed in the
 * last minutes (measured here: 2000 creates in 1.3 s instead of 0.2 s), so
 * trials would pay for the ones before them.  Dropping the caches after
 * the deletion (sync, then drop_caches) takes the freed inodes' table
 * blocks out of memory, and with them the check.
 */
void warn_no_journal(const struct config *cfg, const struct wl_ctx *ctxs,
		     const struct sysinfo *si)
{
	const char *creator = NULL;

	for (unsigned w = 0; w < cfg->n_wl; w++)
		if (ctxs[w].creates_files)
			creator = cfg->wl[w]->name;
	if (creator && si->journal == 0 && !(cfg->drop_caches && cfg->cache != CACHE_WARM))
		errmsg("warning: %s is ext4 without a journal: each %s trial's creates pay "
		       "for the inodes earlier trials deleted (up to 6x slower here). "
		       "As root, add --drop-caches (cold cache) so every trial starts alike",
		       si->device, creator);
}

/*
 * tmpfs and ramfs keep their files in memory: nothing can be dropped, and
 * O_DIRECT reads are memory copies too.  Every trial would be flagged as
 * not cold; instead the run says once that it runs warm there, and the
 * results say warm (and what was asked for).
 */
void memory_fs(struct config *cfg, struct run_meta *meta)
{
	if (!meta->sys.memory_fs || cfg->cache == CACHE_WARM)
		return;
	snprintf(meta->cache_note, sizeof(meta->cache_note), "--cache %s asked for, but %s is "
		 "%s: its files live in memory, so every trial runs warm",
		 cache_names[cfg->cache], cfg->dir, meta->sys.fs_type);
	if (dist.rank == 0)
		errmsg("%s", meta->cache_note);
	meta->cache_asked = cache_names[cfg->cache];
	cfg->cache = CACHE_WARM;
}

/*
 * Strategies that keep many ops in flight keep many files open: say so
 * before trials fail one by one with EMFILE.
 */
void warn_limits(void)
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

/* Which strategies work here; the others are recorded as such.  Returns how many work. */
unsigned probe_strategies(const struct config *cfg, struct run_meta *meta,
				 struct results *res, char (*why)[256])
{
	unsigned navail = 0;

	for (unsigned s = 0; s < cfg->n_st; s++) {
		const struct strategy *st = cfg->st[s];
		bool bad = st->probe && st->probe(why[s], sizeof(why[s])) < 0;

		if (!bad && cfg->model == MODEL_PYTHON && st->no_python) {
			snprintf(why[s], sizeof(why[s]), "--model python: the standard library has "
				 "no equivalent, so it is not modelled");
			bad = true;
		}
		bool anywhere = dist_any(bad);

		/* a strategy runs on every rank or on none */
		if (anywhere && !bad)
			snprintf(why[s], sizeof(why[s]), "unavailable on another rank of the job");
		if (anywhere) {
			meta->unavailable[s] = why[s];
			if (bad || dist.rank == 0)
				errmsg("strategy %s is unavailable here: %s", st->name, why[s]);
			if (dist.rank == 0)
				runloop_unavailable(res, cfg, st, why[s]);
		} else {
			navail++;
		}
	}
	return navail;
}
