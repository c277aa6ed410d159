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
#include "replay_int.h"
#include "workload.h"


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

const struct rp_plan *replay_plan_of(const struct wl_ctx *ctx, const struct replay_data *d)
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
	rc = replay_outputs_fit(ctx, d);
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

static void replay_release(struct wl_ctx *ctx);

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
	replay_calibrate_own_work(d);
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

static void replay_finish(struct wl_ctx *ctx, const struct job_result *res,
			  struct wl_out *out)
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

static int replay_check(struct wl_ctx *ctx, const struct wl_out *out)
{
	struct replay_data *d = ctx->priv;
	const struct rp_plan *p = replay_plan_of(ctx, d);
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
