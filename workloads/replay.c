/* replay.c - a recorded program's file I/O, replayed under every strategy.
 *
 * The user's own job instead of a preset: `iobench record` turns a run of
 * their program into a trace (iotrace.h), and this workload issues its
 * ops again, in order within each job, with the recorded compute between
 * them as real CPU work on whichever thread the strategy runs the job.
 * One job per file (--replay-jobs file) or per recorded thread (thread).
 *
 * The inputs are generated stand-ins of the recorded sizes in --dir (a
 * dataset like md5's), or a read-only copy of the user's files named by
 * --replay-data; the outputs go to the run's own directory (outdir.h)
 * under names iobench makes ("o-000001"): no path in a trace is ever
 * used to write.  Every byte read and written goes into the jobs'
 * digests, checked against a simulation of the trace (replay_plan.c),
 * and the outputs are read back after each trial.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "dataset.h"
#include "hash64.h"
#include "iotrace.h"
#include "outdir.h"
#include "pymodel.h"
#include "replay_order.h"
#include "replay_plan.h"
#include "safefs.h"
#include "signals.h"
#include "util.h"
#include "workload.h"

struct replay_data {
	struct iotrace t;
	struct rp_plan plan;
	struct dataset ds;
	bool have_ds;
	int data_fd;		/* --replay-data: the user's copy, read only */
	const char *data_dir;
	struct outdir out;
	char **in_path;		/* per trace file: an input's path (stand-in or copy) */
	char **out_name;	/* per trace file: an output's name in out */
	char **out_path;	/* ...and its path, for messages */
	uint32_t *in_index;	/* per dataset file: its trace file */
	unsigned char expect[16];
	unsigned lock_free_pct;	/* --lock-free: share of the compute free of the lock */
	/*
	 * The program as recorded, for the recorded strategy (wl_ctx
	 * as_recorded): a job per recorded thread, with the order between
	 * them the trace fixes (replay_order.h).  None when two threads
	 * use an output at once: its bytes depend on an order not recorded.
	 */
	struct rp_plan rec;
	struct rp_order rec_order;
	bool have_rec;
	bool rec_shares;	/* an output passes from one thread to another */
	char rec_why[300];
	unsigned char rec_expect[16];
	/*
	 * The replay's own work per byte on this machine, picoseconds of CPU
	 * (measured in prepare): hashing what it reads and writes for the
	 * proof, and making the bytes it writes.  See replay_job.owed_ns.
	 */
	uint64_t hash_ps, fill_ps;
};

/* replay's knobs, in the order of replay_options[]. */
enum { RP_TRACE, RP_JOBS, RP_DATA, RP_LOCK_FREE };
static const char *const jobs_names[] = { "file", "thread", NULL };
static const struct wl_option replay_options[] = {
	[RP_TRACE] = { "trace", "FILE", "the trace to replay (made by iobench record)", WLO_PATH },
	[RP_JOBS] = { "replay-jobs", "J", "file (default: a job per file) or thread (per "
		      "recorded thread)", WLO_CHOICE, 0, 0, jobs_names, { 0, 0, 0, 0 } },
	[RP_DATA] = { "replay-data", "DIR", "read inputs from this copy of your files (read "
		      "only) instead of generated stand-ins", WLO_PATH },
	/* a Python program's compute in C extensions (NumPy, zlib, hashlib) lets the lock go */
	[RP_LOCK_FREE] = { "lock-free", "PCT", "--model python: the percentage of the recorded "
			   "compute that lets the interpreter lock go (C extensions); default 0: "
			   "all of it is Python code", WLO_NUM, 0, 100, NULL, { 0, 0, 0, 0 } },
};

extern const struct workload workload_replay;

static int replay_validate(const struct wl_knobs *k, char *err, size_t len)
{
	if (!k->s[RP_TRACE]) {
		snprintf(err, len, "--workload replay needs --trace FILE (make one with "
			 "'iobench record -o FILE -- COMMAND')");
		return -EINVAL;
	}
	return 0;
}

static int standin_fill(void *arg, size_t i, uint64_t off, void *buf, size_t len)
{
	const struct replay_data *d = arg;

	replay_fill(d->plan.seed, d->in_index[i], off, buf, len);
	return 0;
}

/* --replay-data: the user's bytes, for the reference. */
static int copy_read(void *arg, uint32_t file, uint64_t off, void *buf, size_t len)
{
	const struct replay_data *d = arg;
	int fd = sfs_open_beneath(d->data_fd, d->t.files[file].path,
				  O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t n = 0;
	size_t got = 0;
	int rc = 0;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;	/* swapped for something else since the check */
	}
	while (got < len && (n = pread(fd, (char *)buf + got, len - got, (off_t)(off + got))) > 0)
		got += (size_t)n;
	if (n < 0)
		rc = -errno;
	else if (got < len)
		rc = -ENODATA;
	close(fd);
	return rc;
}

/* The inputs: stand-ins generated into --dir, once, like every dataset. */
static int replay_standins(struct wl_ctx *ctx, struct replay_data *d)
{
	const struct iotrace *t = &d->t;
	size_t n = 0;
	char **names = xcalloc(t->nfiles + 1, sizeof(*names)), name[64], spec[160];
	uint64_t *sizes = xcalloc(t->nfiles + 1, sizeof(*sizes)), h = 0;
	int rc;

	d->in_index = xcalloc(t->nfiles + 1, sizeof(*d->in_index));
	for (size_t i = 0; i < t->nfiles; i++) {
		if (t->files[i].out)
			continue;
		names[n] = xasprintf("f-%06zu.bin", i);
		sizes[n] = t->files[i].size;
		d->in_index[n++] = (uint32_t)i;
		h = h64(h, &(uint64_t[2]){ i, t->files[i].size }, 16);
	}
	if (n == 0) {
		rc = 0;
		goto out;
	}
	snprintf(name, sizeof(name), "replay-%016" PRIx64 "-s%" PRIu64, h, ctx->cfg->seed);
	snprintf(spec, sizeof(spec), "replay inputs=%zu layout=%016" PRIx64 " seed=%" PRIu64, n,
		 h, ctx->cfg->seed);
	rc = dataset_get(ctx->cfg->dir, name, spec, n, names, sizes, standin_fill, d,
			 wl_ds_flags(ctx->cfg), &d->ds, ctx->msg, sizeof(ctx->msg));
	if (rc == 0) {
		d->have_ds = true;
		for (size_t k = 0; k < n; k++)
			d->in_path[d->in_index[k]] = xasprintf("%s", d->ds.files[k].path);
	}
out:
	for (size_t k = 0; k < n; k++)
		free(names[k]);
	free(names);
	free(sizes);
	return rc;
}

/*
 * Can someone other than us or root replace an entry @entry of the
 * directory @dir: the directory's owner, anyone who may write to it
 * (unless it is sticky and the entry is ours or root's)?
 */
static bool replaceable(const struct stat *dir, const struct stat *entry)
{
	uid_t me = geteuid();

	if (dir->st_uid != me && dir->st_uid != 0)
		return true;
	if (!(dir->st_mode & S_IWOTH) && !((dir->st_mode & S_IWGRP) && dir->st_gid != getegid()))
		return false;
	return !(dir->st_mode & S_ISVTX) || (entry->st_uid != me && entry->st_uid != 0);
}

/*
 * Is every step from --replay-data down to input @path out of other
 * users' reach?  A trial opens the input again, and one who can rename
 * in a directory on the way could swap in a FIFO after these checks (a
 * trial blocked for good) or a file outside the tree.  Checked as ssh
 * checks authorized_keys: 0, or -EPERM with the message.
 */
static int out_of_reach(struct wl_ctx *ctx, struct replay_data *d, const char *path)
{
	char *step = xasprintf("%s", path);
	struct stat dir, entry;
	int rc = 0;

	if (fstat(d->data_fd, &dir) < 0) {
		rc = -errno;
		goto out;
	}
	for (char *slash = step; rc == 0; slash++) {
		char keep;
		int fd;

		slash = slash + strcspn(slash, "/");
		keep = *slash;
		*slash = '\0';
		fd = sfs_open_beneath(d->data_fd, step, O_PATH | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &entry) < 0) {
			rc = fd < 0 ? fd : -errno;
		} else if (replaceable(&dir, &entry)) {
			bool theirs = dir.st_uid != geteuid() && dir.st_uid != 0;
			char who[64];

			if (theirs)
				snprintf(who, sizeof(who), "owned by uid %u", (unsigned)dir.st_uid);
			else
				snprintf(who, sizeof(who), "writable by other users");
			rc = wl_error(ctx, -EPERM, "--replay-data: %s/%s: the directory holding "
				      "'%s' is %s, who could swap it for something else during "
				      "the run: a replay's inputs must be out of other users' "
				      "reach", d->data_dir, path, step, who);
		}
		if (fd >= 0)
			close(fd);
		if (!keep || rc < 0)
			break;
		*slash = keep;
		dir = entry;
	}
out:
	free(step);
	return rc;
}

/* --replay-data DIR: every input must be there, a regular file of its recorded size. */
static int replay_copy(struct wl_ctx *ctx, struct replay_data *d)
{
	const struct iotrace *t = &d->t;
	int rc;

	d->data_fd = open(d->data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->data_fd < 0)
		return wl_error(ctx, -errno, "--replay-data %s: %s", d->data_dir, strerror(errno));
	for (size_t i = 0; i < t->nfiles; i++) {
		struct stat st;
		int fd;

		if (t->files[i].out)
			continue;
		d->in_path[i] = xasprintf("%s/%s", d->data_dir, t->files[i].path);
		/* what is opened is what is checked: no link on the way, no FIFO waited on */
		fd = sfs_open_beneath(d->data_fd, t->files[i].path, O_RDONLY | O_NONBLOCK |
				      O_CLOEXEC);
		if (fd < 0)
			return wl_error(ctx, fd, "--replay-data: %s: %s", d->in_path[i],
					fd == -ELOOP ? "a symbolic link on the way (links are not "
					"followed in --replay-data)" : fd == -EXDEV ?
					"outside --replay-data" : strerror(-fd));
		rc = fstat(fd, &st) < 0 ? -errno : 0;
		close(fd);
		if (rc < 0)
			return wl_error(ctx, rc, "--replay-data: %s: %s", d->in_path[i],
					strerror(-rc));
		if (!S_ISREG(st.st_mode))
			return wl_error(ctx, -EINVAL, "--replay-data: %s is not a regular file",
					d->in_path[i]);
		if ((uint64_t)st.st_size != t->files[i].size)
			return wl_error(ctx, -EINVAL, "--replay-data: %s is %lld bytes, the trace "
					"recorded %" PRIu64 ": not the recorded data", d->in_path[i],
					(long long)st.st_size, t->files[i].size);
		if ((rc = out_of_reach(ctx, d, t->files[i].path)) < 0)
			return rc == -EPERM ? rc : wl_error(ctx, rc, "--replay-data: %s: %s",
							     d->in_path[i], strerror(-rc));
	}
	d->plan.read_input = copy_read;
	d->plan.read_arg = d;
	return 0;
}

static void replay_release(struct wl_ctx *ctx);

/*
 * Will the outputs fit in --dir?  Each trial writes them anew: the ones
 * that existed before the program ran, at their recorded size, before it
 * (untimed), and what the trace writes during it, up to its furthest
 * byte.  Checked once, with the numbers, as a dataset is: no trial fills
 * the disk, and no sparse output of a terabyte is read back for days.
 */
static int outputs_fit(struct wl_ctx *ctx, struct replay_data *d)
{
	struct statvfs sv;
	uint64_t need = 16 * MIB, avail;
	char a[32], b[32];

	uint64_t *extent = xcalloc(d->t.nfiles + 1, sizeof(*extent));

	/*
	 * Each output's furthest byte: a write at 2^40 makes a sparse file
	 * whose every byte is read back for the proof (days of preparation)
	 */
	for (size_t k = 0; k < d->t.nops; k++) {
		const struct it_op *o = &d->t.ops[k];

		if (o->type == IT_WRITE && o->off + o->len > extent[o->file])
			extent[o->file] = o->off + o->len;
	}
	/* an output is, at most, as large as its recorded size or its furthest write */
	for (size_t i = 0; i < d->t.nfiles; i++)
		if (d->t.files[i].out)
			need += extent[i] > d->t.files[i].size ? extent[i] : d->t.files[i].size;
	free(extent);
	if (fstatvfs(d->out.fd, &sv) < 0)
		return 0;	/* unknown: the writes say so if it fills */
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (need <= avail)
		return 0;
	return wl_error(ctx, -ENOSPC, "the trace's outputs need %s in %s, which has %s "
			"free: not replaying it (another --dir?)", fmt_bytes(need, a, sizeof(a)),
			ctx->cfg->dir, fmt_bytes(avail, b, sizeof(b)));
}

/* The combined digest @p's jobs must end with, as check compares it. */
static void plan_expect(struct wl_ctx *ctx, const struct rp_plan *p, unsigned char out[16])
{
	struct job_result *ref = xcalloc(p->njobs + 1, sizeof(*ref));

	for (size_t j = 0; j < p->njobs; j++)
		wl_digest64(p->jobs[j].expect, ref[j].digest);
	wl_combine_digests(ctx, ref, p->njobs, out);
	free(ref);
}

/* Does an output of @t belong to more than one of @p's jobs? */
static bool outputs_shared(const struct iotrace *t, const struct rp_plan *p)
{
	size_t *users = xcalloc(t->nfiles + 1, sizeof(*users));
	bool shared = false;

	for (size_t j = 0; j < p->njobs; j++)
		for (size_t k = 0; k < p->jobs[j].nfiles; k++) {
			uint32_t f = p->jobs[j].files[k];

			shared |= t->files[f].out && ++users[f] > 1;
		}
	free(users);
	return shared;
}

/*
 * The cut by recorded thread, whatever --replay-jobs says: what the
 * recorded strategy runs.  Without it (two threads use an output at once)
 * that strategy's trials fail, saying why, and the others are set against
 * serial.
 */
static int as_recorded_setup(struct wl_ctx *ctx, struct replay_data *d)
{
	int rc = replay_plan_build(&d->rec, &d->t, RJ_RECORDED, ctx->cfg->seed, d->rec_why,
				   sizeof(d->rec_why));

	if (rc == -EINVAL)
		return 0;	/* a shared output: rec_why says which */
	/* the same inputs: the user's copy when --replay-data gave one */
	d->rec.read_input = d->plan.read_input;
	d->rec.read_arg = d->plan.read_arg;
	d->rec.stop = d->plan.stop;
	d->rec.outputs_from = &d->plan;
	if (rc == 0)
		rc = replay_plan_reference(&d->rec, ctx->msg, sizeof(ctx->msg));
	if (rc == 0)
		rc = replay_order_build(&d->rec_order, &d->rec);
	if (rc < 0)
		return rc == -ENOMEM ? wl_error(ctx, rc, "replay: out of memory") : rc;
	d->have_rec = true;
	d->rec_shares = outputs_shared(&d->t, &d->rec);
	plan_expect(ctx, &d->rec, d->rec_expect);
	ctx->njobs_recorded = d->rec.njobs;
	return 0;
}

/* The plan this trial runs: the program as recorded, or the --replay-jobs cut. */
static const struct rp_plan *plan_of(const struct wl_ctx *ctx, const struct replay_data *d)
{
	return ctx->as_recorded && d->have_rec ? &d->rec : &d->plan;
}

/* A signal asked the run to stop (for replay_plan_reference's long hashes). */
static bool stopped(void)
{
	return sig_stop() != 0;
}

static int replay_setup(struct wl_ctx *ctx, struct replay_data *d)
{
	const struct config *cfg = ctx->cfg;
	const char *trace = wl_str(cfg, &workload_replay, RP_TRACE);
	enum replay_jobs mode = (enum replay_jobs)wl_val(cfg, &workload_replay, RP_JOBS);
	char why[300];
	int rc;

	if (cfg->cache == CACHE_DIRECT)
		return wl_error(ctx, -EINVAL, "replay: --cache direct can't replay recorded "
				"offsets and lengths, which O_DIRECT needs aligned");
	rc = iotrace_load(trace, &d->t, ctx->msg, sizeof(ctx->msg));
	if (rc < 0)
		return rc;
	d->lock_free_pct = (unsigned)wl_val(cfg, &workload_replay, RP_LOCK_FREE);
	rc = replay_plan_build(&d->plan, &d->t, mode, cfg->seed, why, sizeof(why));
	if (rc == -EINVAL)
		return wl_error(ctx, rc, "replay --replay-jobs thread: %s: replay it with "
				"--replay-jobs file", why);
	if (rc < 0)
		return wl_error(ctx, rc, "%s", why);
	d->in_path = xcalloc(d->t.nfiles + 1, sizeof(*d->in_path));
	d->out_name = xcalloc(d->t.nfiles + 1, sizeof(*d->out_name));
	d->out_path = xcalloc(d->t.nfiles + 1, sizeof(*d->out_path));
	d->data_dir = wl_str(cfg, &workload_replay, RP_DATA);
	rc = d->data_dir ? replay_copy(ctx, d) : replay_standins(ctx, d);
	if (rc < 0)
		return rc;
	rc = outdir_open(&d->out, cfg->dir, "replay", ctx->msg, sizeof(ctx->msg));
	if (rc < 0)
		return rc;
	rc = outputs_fit(ctx, d);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < d->t.nfiles; i++)
		if (d->t.files[i].out) {
			/* names of ours, never the trace's: nothing it says can steer a write */
			d->out_name[i] = xasprintf("o-%06zu", i);
			d->out_path[i] = xasprintf("%s/%s", d->out.path, d->out_name[i]);
		}
	d->plan.stop = stopped;
	rc = replay_plan_reference(&d->plan, ctx->msg, sizeof(ctx->msg));
	return rc < 0 ? rc : as_recorded_setup(ctx, d);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static void calibrate_own_work(struct replay_data *d);

/*
 * Before the first trial: what one serial trial must take at least (its
 * recorded compute, and its bytes at 2 GiB/s), and the trials the run asks
 * for, when that comes to over a minute.  A trace of 70 s of compute made
 * a default run take most of an hour with nothing said.
 */
static void estimate(struct wl_ctx *ctx, const struct replay_data *d, const struct it_summary *s)
{
	const struct config *cfg = ctx->cfg;
	double trial = (double)(s->compute_ns + s->wait_ns) / 1e9 +
		       (double)(s->bytes_read + s->bytes_written) / (2.0 * (1 << 30));
	uint64_t trials = (uint64_t)cfg->n_st * (cfg->warmup + cfg->repeat);

	if (trial * (double)trials < 60 || cfg->sweep_point)
		return;
	errmsg("replay: each trial replays %.1f s of recorded compute and waits and %" PRIu64
	       " ops: at least %.1f s; %u strateg%s x (%" PRIu64 " warmup + %" PRIu64 " trials) = %" PRIu64
	       " trials, at least %.0f min%s (--repeat, --strategy or --no-tune make it shorter)",
	       (double)(s->compute_ns + s->wait_ns) / 1e9, (uint64_t)d->t.nops, trial, cfg->n_st,
	       cfg->n_st == 1 ? "y" : "ies", cfg->warmup, cfg->repeat, trials,
	       trial * (double)trials / 60, cfg->no_tune ? "" : ", before tuning");
}

/*
 * What the report reads of the recording (report_replay.c), as facts, not
 * spec text; the spec is made from them.  @lacks gets what the trace does
 * that the replay does not, in words.
 */
static void state_facts(struct wl_ctx *ctx, const struct replay_data *d,
			const struct it_summary *s, const char *name, char *lacks, size_t len)
{
	wl_fact_str(ctx, "trace", name);
	wl_fact_str(ctx, "jobs", jobs_names[wl_val(ctx->cfg, &workload_replay, RP_JOBS)]);
	wl_fact_num(ctx, "threads", d->t.threads);
	wl_fact_num(ctx, "files", d->t.nfiles);
	wl_fact_num(ctx, "ops", d->t.nops);
	wl_fact_num(ctx, "read", s->bytes_read);
	wl_fact_num(ctx, "written", s->bytes_written);
	wl_fact_num(ctx, "span_ns", d->t.span_ns);
	wl_fact_num(ctx, "wall_ns", d->t.wall_ns);
	wl_fact_num(ctx, "compute_ns", s->compute_ns);
	wl_fact_num(ctx, "python", iotrace_command_is_python(d->t.command));
	wl_fact_num(ctx, "lock_free_pct", d->lock_free_pct);
	wl_fact_num(ctx, "wait_ns", s->wait_ns);
	wl_fact_num(ctx, "lead_ns", d->t.lead_ns);
	wl_fact_num(ctx, "cpu_ns", d->t.cpu_ns);
	wl_fact_str(ctx, "recorder", d->t.recorder ? d->t.recorder : "strace");
	wl_fact_num(ctx, "mmaps", d->t.mmaps);
	wl_fact_num(ctx, "mmap_bytes", d->t.mmap_bytes);
	wl_fact_num(ctx, "lacks", iotrace_lacks(&d->t, lacks, len));
	wl_fact_str(ctx, "data", d->data_dir ? "copy" : "standin");
	wl_fact_num(ctx, "seed", ctx->cfg->seed);
}

static int replay_prepare(struct wl_ctx *ctx)
{
	struct replay_data *d = xcalloc(1, sizeof(*d));
	struct it_summary s;
	char name[64], lacks[256];
	size_t nin = 0;
	int rc;

	d->data_fd = -1;
	outdir_init(&d->out);
	ctx->priv = d;
	rc = replay_setup(ctx, d);
	if (rc < 0) {
		replay_release(ctx);
		return rc;
	}
	plan_expect(ctx, &d->plan, d->expect);
	calibrate_own_work(d);
	ctx->njobs = d->plan.njobs;
	ctx->files = xcalloc(d->t.nfiles + 1, sizeof(*ctx->files));
	for (size_t i = 0; i < d->t.nfiles; i++)
		if (d->in_path[i])
			ctx->files[nin++] = d->in_path[i];	/* for the cache state */
	ctx->nfiles = nin;
	iotrace_summarise(&d->t, &s);
	ctx->data_bytes = s.bytes_in;
	ctx->creates_files = s.files_out > 0;
	/*
	 * The original's figures, for the report's comparison (report.c).
	 * The trace's name is shown, never parsed: its spaces and '=' go, so
	 * a file named "x span_ns=1" cannot say what the trace did not.
	 */
	snprintf(name, sizeof(name), "%.48s", base_name(wl_str(ctx->cfg, &workload_replay,
								RP_TRACE)));
	for (char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("._-+", *c))
			*c = '_';
	state_facts(ctx, d, &s, name, lacks, sizeof(lacks));
	wl_spec_from_facts(ctx, "replay");
	estimate(ctx, d, &s);
	/* what the trace lacks is said before the trials, not only in the report */
	if (lacks[0] && !ctx->cfg->sweep_point)
		errmsg("warning: replay: the program %s, which the replay does not do: its files' "
		       "lives differ from the program's there", lacks);
	if (d->t.mmaps && !ctx->cfg->sweep_point)
		errmsg("warning: replay: the program read %" PRIu64 " file region(s) below the "
		       "root through memory mappings (%" PRIu64 " bytes mapped): page faults, "
		       "not calls, so the replay lacks those reads and understates the I/O",
		       d->t.mmaps, d->t.mmap_bytes);
	return 0;
}

/* Before each trial: no output, but those that existed before the program ran. */
static int replay_before_trial(struct wl_ctx *ctx)
{
	struct replay_data *d = ctx->priv;
	const struct iotrace *t = &d->t;
	unsigned char *buf = NULL;
	int rc = 0;

	for (size_t i = 0; i < t->nfiles && rc == 0; i++) {
		uint64_t size = t->files[i].size;
		int fd;

		if (!t->files[i].out)
			continue;
		if (unlinkat(d->out.fd, d->out_name[i], 0) < 0 && errno != ENOENT)
			return wl_error(ctx, -errno, "cannot remove %s: %s", d->out_path[i],
					strerror(errno));
		if (!d->plan.preexist[i])
			continue;
		fd = sfs_create(d->out.fd, d->out_name[i], 0644);
		if (fd < 0)
			return wl_error(ctx, fd, "cannot create %s: %s", d->out_path[i],
					strerror(-fd));
		if (!buf)
			buf = xcalloc(1, 1 << 20);
		/* before every trial, so a signal is heeded here too, not after the trial */
		for (uint64_t off = 0; off < size && rc == 0; off += 1 << 20) {
			size_t n = size - off < (1 << 20) ? (size_t)(size - off) : 1 << 20;

			replay_fill(d->plan.seed, (uint32_t)i, off, buf, n);
			rc = sig_stop() ? -EINTR : write_all(fd, buf, n);
		}
		if (close(fd) < 0 && rc == 0)
			rc = -errno;
		if (rc == -EINTR)
			wl_error(ctx, rc, "stopped by a signal while writing %s", d->out_path[i]);
		else if (rc < 0)
			wl_error(ctx, rc, "cannot write %s: %s", d->out_path[i], strerror(-rc));
	}
	free(buf);
	return rc;
}

/* ---- a job: the trace's ops in order, one at a time ---- */

struct replay_job {
	struct job job;
	const struct replay_data *d;
	const struct rp_job *def;
	size_t next;		/* the next of def->ops to issue */
	bool busy;		/* an op is in flight */
	bool closing;		/* after a failure: closing what is open */
	int *fds;		/* per def->files; -1: closed */
	unsigned char *buf;
	uint64_t h;
	/*
	 * The replay's own CPU since its last compute, estimated from the
	 * bytes (d->hash_ps, d->fill_ps): taken out of the next recorded
	 * compute, which already holds the program's own work on those bytes.
	 * Counted on top, hashing alone made post 002's MD5 script replay 5-6%
	 * slower than the script.  What the computes can't absorb carries on.
	 */
	uint64_t owed_ns;
	struct rp_gate *gate;	/* as recorded: the order between threads; else NULL */
	const struct rp_plan *plan;	/* the cut it belongs to */
	bool waited, ended;	/* at the gate before its first op; its end told */
	bool broke;		/* its failure told to the gate */
	bool shared;		/* the op in flight is on a file other threads use */
	struct op op;
};

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * The recorded compute, as real CPU work on this thread: hashing until
 * the thread's own CPU clock has advanced by @ns.  CPU time, not wall
 * time: on a busy machine a compute takes longer, as the program's would.
 * Reading that clock is a syscall, so the work goes in batches sized from
 * the hash's measured speed, and the clock is read a few times per
 * compute, not once per piece: the compute stays user time, as the
 * program's was (read after every 4 KiB, half of it was system time).
 */
static void replay_compute(uint64_t ns, unsigned lock_free_pct)
{
	static const uint64_t block[512] = { 1 };	/* 4 KiB */
	static uint64_t piece_ns;	/* one block's hash here; racy, any value is fine */
	uint64_t start, now, h = ns, pieces;

	if (!ns)
		return;
	/* --model python, --lock-free: that share of it runs with the lock let go, after the rest */
	if (lock_free_pct && py_on) {
		uint64_t free_ns = ns * lock_free_pct / 100;

		replay_compute(ns - free_ns, 0);
		py_release();
		replay_compute(free_ns, 0);
		py_reacquire();
		return;
	}
	start = thread_cpu_ns();
	if (!__atomic_load_n(&piece_ns, __ATOMIC_RELAXED)) {
		for (int i = 0; i < 64; i++)
			h = h64(h, block, sizeof(block));
		now = thread_cpu_ns();
		__atomic_store_n(&piece_ns, (now - start) / 64 ? (now - start) / 64 : 1,
				 __ATOMIC_RELAXED);
	}
	for (now = thread_cpu_ns(); now - start < ns; now = thread_cpu_ns()) {
		/* nine tenths of what is left, then look again */
		pieces = (ns - (now - start)) * 9 / 10 / __atomic_load_n(&piece_ns, __ATOMIC_RELAXED);
		for (uint64_t i = 0; i <= pieces; i++)
			h = h64(h, block, sizeof(block));
		/* --model python: recorded compute is Python code, holding the lock */
		py_check();
	}
	__asm__ volatile("" : : "r"(h));	/* the work must happen */
}

/* d->hash_ps and d->fill_ps, from 4 MiB of each (a few ms, before any trial). */
static void calibrate_own_work(struct replay_data *d)
{
	enum { PIECE = 64 * 1024, ROUNDS = 64 };
	unsigned char *buf = xcalloc(1, PIECE);
	uint64_t h = 0, t0, t1, t2;

	replay_fill(1, 0, 0, buf, PIECE);	/* the pages are there before the clock runs */
	t0 = thread_cpu_ns();
	for (int i = 0; i < ROUNDS; i++)
		h = replay_hash_bytes(h, buf, PIECE);
	t1 = thread_cpu_ns();
	for (int i = 0; i < ROUNDS; i++)
		replay_fill(h, 0, (uint64_t)i * PIECE, buf, PIECE);
	t2 = thread_cpu_ns();
	d->hash_ps = (t1 - t0) * 1000 / ((uint64_t)ROUNDS * PIECE);
	d->fill_ps = (t2 - t1) * 1000 / ((uint64_t)ROUNDS * PIECE);
	free(buf);
}

/*
 * A recorded wait (the program slept): slept again, for as long, on the
 * monotonic clock.  In an event loop it holds the loop, as the
 * recorded compute does.
 */
static void replay_wait(uint64_t ns)
{
	struct timespec t;

	if (!ns)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += (time_t)(ns / 1000000000ULL);
	t.tv_nsec += (long)(ns % 1000000000ULL);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	py_release();	/* time.sleep lets the interpreter lock go */
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
		;
	py_reacquire();
}

/* Runs @o's recorded compute, less what the replay's own work already spent. */
static void replay_compute_net(struct replay_job *j, const struct it_op *o)
{
	uint64_t c = o->compute_ns > j->owed_ns ? o->compute_ns - j->owed_ns : 0;

	j->owed_ns = j->owed_ns > o->compute_ns ? j->owed_ns - o->compute_ns : 0;
	replay_compute(c, j->d->lock_free_pct);
}

static void replay_finish_job(struct replay_job *j)
{
	if (!j->job.res->err)
		wl_digest64(j->h, j->job.res->digest);
	free(j->buf);
	j->buf = NULL;
	j->job.res->done = true;
}

/* After a failure: a close for each file still open, then done. */
static enum job_state replay_wind_down(struct replay_job *j, struct op **op)
{
	for (size_t k = 0; k < j->def->nfiles; k++) {
		if (j->fds[k] < 0)
			continue;
		uint32_t f = j->def->files[k];

		j->op = (struct op){ .type = OP_CLOSE, .fd = j->fds[k], .job = &j->job,
				     .slot = (unsigned)k,
				     .path = j->d->t.files[f].out ? j->d->out_path[f] : j->d->in_path[f] };
		j->fds[k] = -1;
		j->busy = true;
		*op = &j->op;
		return JOB_OP;
	}
	if (!j->job.res->done)
		replay_finish_job(j);
	return JOB_DONE;
}

static void replay_build_op(struct replay_job *j, const struct it_op *o, unsigned local)
{
	const struct replay_data *d = j->d;
	struct op *op = &j->op;
	uint32_t f = o->file;
	bool out = d->t.files[f].out;

	*op = (struct op){ .fd = j->fds[local], .job = &j->job, .slot = local,
			   .path = out ? d->out_path[f] : d->in_path[f] };
	switch (o->type) {
	case IT_OPEN:
		/* no O_CLOEXEC: io_uring's opens into registered files refuse it */
		op->type = OP_OPEN;
		if (out) {
			op->at_fd = d->out.fd;
			op->at_name = d->out_name[f];
			op->flags = O_RDWR | O_NOFOLLOW |
				    (o->mode & IT_O_TRUNC ? O_TRUNC : 0) |
				    (j->plan->creates[j->def->ops[j->next]] ? O_CREAT | O_EXCL : 0);
			op->mode = 0644;
		} else if (d->data_fd >= 0) {
			/*
			 * the user's tree: no link anywhere on the way.  Not
			 * O_NONBLOCK, which io_uring takes as "never punt to
			 * io-wq" and answers a cold read with -EAGAIN; the type
			 * was checked in prepare, and no other user can swap a
			 * FIFO in since (out_of_reach).
			 */
			op->at_fd = d->data_fd;
			op->at_name = d->t.files[f].path;
			op->beneath = true;
			op->flags = O_RDONLY | O_NOFOLLOW;
		} else {
			op->flags = O_RDONLY;
		}
		break;
	case IT_READ:
		op->type = OP_READ;
		op->buf = j->buf;
		op->len = (size_t)o->len;
		op->off = o->off;
		break;
	case IT_WRITE:
		op->type = OP_WRITE;
		op->buf = j->buf;
		op->len = (size_t)o->len;
		op->off = o->off;
		replay_fill(d->plan.seed, f, o->off, j->buf, op->len);	/* the data: compute */
		break;
	case IT_FSYNC:
		op->type = OP_FSYNC;
		break;
	default:
		op->type = OP_CLOSE;
		break;
	}
}

static enum job_state replay_step(struct job *job, struct op **op)
{
	struct replay_job *j = (struct replay_job *)job;
	const struct it_op *o;

	if (j->busy)
		return JOB_WAIT;
	if (j->closing || job->res->err)
		return replay_wind_down(j, op);
	/* as recorded: not before the threads that ended before it started */
	if (j->gate && !j->waited) {
		py_release();	/* --model python: a thread waiting on others lets the lock go */
		replay_gate_wait(j->gate, job->id);
		py_reacquire();
		j->waited = true;
	}
	if (j->next == j->def->nops) {
		if (!job->res->done)
			replay_finish_job(j);
		return JOB_DONE;
	}
	o = &j->d->t.ops[j->def->ops[j->next]];
	/* the buffer when the job first needs it, freed when it ends: memory
	 * follows the jobs in flight, not how many files the trace has */
	if ((o->type == IT_READ || o->type == IT_WRITE) && !j->buf &&
	    !(j->buf = malloc(j->def->max_len ? (size_t)j->def->max_len : 1))) {
		job_fail(job, -ENOMEM, "replay: out of memory for a %" PRIu64 "-byte buffer",
			 j->def->max_len);
		return replay_wind_down(j, op);
	}
	/* the op first: a write's bytes are made there, and count against the compute */
	replay_build_op(j, o, j->def->local[j->next]);
	/* a file other threads use: its ops in their recorded order, on one descriptor */
	j->shared = j->gate && j->plan->fshared[o->file];
	if (j->shared) {
		int fd;

		py_release();
		fd = replay_gate_turn(j->gate, o->file, j->plan->fseq[j->def->ops[j->next]]);
		py_reacquire();
		if (o->type != IT_OPEN)
			j->op.fd = fd;
	}
	if (o->type == IT_WRITE)
		j->owed_ns += o->len * j->d->fill_ps / 1000;
	replay_compute_net(j, o);
	replay_wait(o->wait_ns);
	j->busy = true;
	*op = &j->op;
	return JOB_OP;
}

static enum job_state replay_next(struct job *job, struct op **op)
{
	struct replay_job *j = (struct replay_job *)job;
	enum job_state st = replay_step(job, op);

	if (j->gate && job->res->err && !j->broke) {
		j->broke = true;
		replay_gate_break(j->gate);
	}
	if (st == JOB_DONE && j->gate && !j->ended) {
		j->ended = true;
		replay_gate_end(j->gate, job->id);
	}
	return st;
}

static void replay_complete_op(struct job *job, struct op *op);

/*
 * A shared file's op done: the next in the recorded order may go.  The
 * descriptor is the file's, not this job's: the thread that closes it may
 * not be the one that opened it.
 */
static void replay_complete(struct job *job, struct op *op)
{
	struct replay_job *j = (struct replay_job *)job;
	bool shared = j->shared && !j->closing && !job->res->err;
	uint32_t f = shared ? j->d->t.ops[j->def->ops[j->next]].file : 0;
	int fd = op->fd;

	j->shared = false;
	replay_complete_op(job, op);
	if (!shared)
		return;
	if (op->type == OP_OPEN) {
		fd = op->res >= 0 ? (int)op->res : -1;
		j->fds[op->slot] = -1;	/* the gate holds it */
	} else if (op->type == OP_CLOSE) {
		fd = -1;
	}
	replay_gate_next(j->gate, f, fd);
}

static void replay_complete_op(struct job *job, struct op *op)
{
	struct replay_job *j = (struct replay_job *)job;
	const struct it_op *o;

	j->busy = false;
	if (j->closing || job->res->err) {
		if (op->res < 0 && !job->res->err)
			job_fail_op(job, op);
		return;
	}
	o = &j->d->t.ops[j->def->ops[j->next++]];
	if (op->res < 0) {
		job_fail_op(job, op);
		if (op->type == OP_CLOSE)
			j->fds[op->slot] = -1;
		j->closing = true;
		return;
	}
	switch (op->type) {
	case OP_OPEN:
		j->fds[op->slot] = (int)op->res;
		j->h = replay_hash_op(j->h, o, NULL, 0);
		return;
	case OP_READ:
		if ((uint64_t)op->res != o->got) {
			job_fail(job, -ENODATA, "read %s at %" PRIu64 ": got %lld bytes, the recording "
				 "got %" PRIu64 " (not the recorded data?)", op->path, o->off,
				 (long long)op->res, o->got);
			j->closing = true;
			return;
		}
		j->h = replay_hash_op(j->h, o, op->buf, (size_t)op->res);
		j->owed_ns += (uint64_t)op->res * j->d->hash_ps / 1000;
		return;
	case OP_WRITE:
		j->h = replay_hash_op(j->h, o, op->buf, (size_t)op->res);
		j->owed_ns += (uint64_t)op->res * j->d->hash_ps / 1000;
		return;
	case OP_CLOSE:
		j->fds[op->slot] = -1;
		j->h = replay_hash_op(j->h, o, NULL, 0);
		return;
	default:
		j->h = replay_hash_op(j->h, o, NULL, 0);
		return;
	}
}

static void replay_destroy(struct job *job)
{
	struct replay_job *j = (struct replay_job *)job;

	/* a trial cut short may leave fds open: its process ends with them */
	if (j->gate)
		replay_gate_put(j->gate);
	free(j->buf);
	free(j->fds);
	free(j);
}

static const struct job_ops replay_job_ops = {
	.next = replay_next,
	.complete = replay_complete,
	.destroy = replay_destroy,
};

static int replay_make_jobs(struct wl_ctx *ctx, struct job_result *res, struct job **jobs)
{
	struct replay_data *d = ctx->priv;
	const struct rp_plan *p = plan_of(ctx, d);
	struct rp_gate *gate = NULL;

	if (ctx->as_recorded && !d->have_rec)
		return wl_error(ctx, -EINVAL, "as recorded: %s", d->rec_why);
	/* the gate orders the threads within one process, not across ranks */
	if (p == &d->rec && d->rec_shares && ctx->share_ranks > 1)
		return wl_error(ctx, -EINVAL, "as recorded: outputs pass from one recorded thread "
				"to another, which --mpi-share split would put on different ranks: "
				"use --mpi-share each");
	if (p == &d->rec && !(gate = replay_gate_new(&d->rec_order, d->t.nfiles, p->njobs)))
		return wl_error(ctx, -ENOMEM, "replay: out of memory for jobs");
	for (size_t i = 0; i < p->njobs; i++) {
		const struct rp_job *def = &p->jobs[i];
		struct replay_job *j = calloc(1, sizeof(*j));

		if (j)
			j->fds = malloc((def->nfiles + 1) * sizeof(*j->fds));
		if (!j || !j->fds) {
			free(j);
			/* the jobs made so far hold the gate; the trial process ends with it */
			return wl_error(ctx, -ENOMEM, "replay: out of memory for jobs");
		}
		for (size_t k = 0; k < def->nfiles; k++)
			j->fds[k] = -1;
		j->job = (struct job){ .ops = &replay_job_ops, .res = &res[i], .id = (unsigned)i };
		j->d = d;
		j->def = def;
		j->plan = p;
		j->gate = gate;
		/* another rank's job never runs here: nothing waits for it */
		if (gate && !wl_mine(ctx, i)) {
			j->ended = true;
			replay_gate_end(gate, i);
		}
		jobs[i] = &j->job;
	}
	return 0;
}

static void replay_finish(struct wl_ctx *ctx, const struct job_result *res,
			  struct trial_out *out)
{
	wl_combine_digests(ctx, res, wl_njobs(ctx), out->digest);
}

/* An output as it is on disk now, hashed the way the plan hashed its expected bytes. */
static int read_back(struct replay_data *d, size_t i, uint64_t *h, uint64_t *size)
{
	unsigned char *buf = malloc(64 * 1024);
	int fd = sfs_open(d->out.fd, d->out_name[i], O_RDONLY);
	ssize_t n = 0;
	int rc = 0;

	*h = *size = 0;
	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return fd < 0 ? fd : -ENOMEM;
	}
	/* the pieces must match the plan's: full 64 KiB ones, then the rest */
	for (;;) {
		size_t got = 0;

		while (got < 64 * 1024 && (n = read(fd, buf + got, 64 * 1024 - got)) > 0)
			got += (size_t)n;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (got)
			*h = replay_hash_bytes(*h, buf, got);
		*size += got;
		if (got < 64 * 1024)
			break;
	}
	close(fd);
	free(buf);
	return rc;
}

static int replay_check(struct wl_ctx *ctx, const struct trial_out *out)
{
	struct replay_data *d = ctx->priv;
	const struct rp_plan *p = plan_of(ctx, d);
	const unsigned char *expect = p == &d->rec ? d->rec_expect : d->expect;
	char got[33], want[33];

	if (memcmp(out->digest, expect, 16) != 0) {
		hex_encode(out->digest, 16, got);
		hex_encode(expect, 16, want);
		return wl_error(ctx, -EBADMSG, "replay digest %s does not match the trace's %s",
				got, want);
	}
	for (size_t i = 0; i < d->t.nfiles; i++) {
		uint64_t h, size;
		int rc;

		/* an output is this process's when the one job that writes it is */
		if (!d->t.files[i].out || !wl_mine(ctx, p->file_job[i]))
			continue;
		rc = read_back(d, i, &h, &size);
		if (rc < 0)
			return wl_error(ctx, rc, "reading back %s: %s", d->out_path[i], strerror(-rc));
		if (size != p->final_size[i] || h != p->final_hash[i])
			return wl_error(ctx, -EBADMSG, "%s (the trace's %s) holds %" PRIu64 " bytes "
					"that are not what the trace wrote (%" PRIu64 " bytes)",
					d->out_path[i], d->t.files[i].path, size,
					p->final_size[i]);
	}
	return 0;
}

static void replay_release(struct wl_ctx *ctx)
{
	struct replay_data *d = ctx->priv;

	if (!d)
		return;
	outdir_close(&d->out);
	for (size_t i = 0; i < d->t.nfiles; i++) {
		if (d->in_path)
			free(d->in_path[i]);
		if (d->out_name)
			free(d->out_name[i]);
		if (d->out_path)
			free(d->out_path[i]);
	}
	free(d->in_path);
	free(d->out_name);
	free(d->out_path);
	free(d->in_index);
	if (d->have_ds)
		dataset_free(&d->ds);
	if (d->data_fd >= 0)
		close(d->data_fd);
	replay_plan_free(&d->plan);
	if (d->have_rec)
		replay_order_free(&d->rec_order);
	replay_plan_free(&d->rec);
	iotrace_free(&d->t);
	free(ctx->files);
	ctx->files = NULL;
	free(d);
	ctx->priv = NULL;
}

const struct workload workload_replay = {
	.name = "replay",
	.desc = "a recorded program's file I/O and compute (iobench record), replayed",
	.main_op = OP_READ,
	.opt_in = true,
	.has_recorded = true,
	.creates_files = true,
	.options = replay_options,
	.noptions = ARRAY_SIZE(replay_options),
	.validate = replay_validate,
	.prepare = replay_prepare,
	.before_trial = replay_before_trial,
	.make_jobs = replay_make_jobs,
	.finish = replay_finish,
	.check = replay_check,
	.release = replay_release,
};
