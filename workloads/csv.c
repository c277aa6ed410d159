/* csv.c - thousands of small CSV files written: metadata-heavy writes.
 *
 * Models writing one CSV per weather station (background post 001).  One
 * job per station: open (create, truncate), format the monthly anomaly
 * series, write it, fsync with --sync fsync, close.  Files go to the run's
 * own new subdirectory of the data directory (ownership record, locked
 * while in use), created relative to its fd with O_EXCL|O_NOFOLLOW, and
 * emptied before each trial outside the timed region.  The reference is
 * checked twice: the trial's digest
 * against the digest of the same content formatted in memory, and the
 * files read back from disk against it too, so a strategy that skipped or
 * garbled a write can't pass.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>


#include "csv.h"
#include "dataset.h"
#include "hash64.h"
#include "pymodel.h"
#include "outdir.h"
#include "prng.h"
#include "safefs.h"
#include "util.h"
#include "workload.h"

#define CSV_HEADER "date,anomaly\n"
#define CSV_LINE_MAX 32		/* "99999-12-01,-3.000000\n" with room */

struct csv_data {
	struct outdir out;	/* csv-out-<pid>: the trials create their files in it */
	char **paths;
	char **names;
	uint64_t files, rows, seed;
	bool fsync;
	unsigned char expect[16];
};

enum csv_state { C_OPEN, C_WRITE, C_SYNC, C_CLOSE, C_BUSY, C_DONE };

struct csv_job {
	struct job job;
	enum csv_state state;
	const struct csv_data *d;
	const char *path, *name;
	int fd;
	char *text;
	size_t len;
	struct op op;		/* one op in flight at a time */
};

double csv_value(uint64_t seed, uint64_t station, uint64_t row)
{
	uint64_t x = seed ^ (station * 0x9e3779b97f4a7c15ULL) ^ (row << 1);

	return (double)(splitmix64(&x) >> 11) * 0x1.0p-53 * 6.0 - 3.0;
}

size_t csv_capacity(uint64_t rows)
{
	return sizeof(CSV_HEADER) + (size_t)rows * CSV_LINE_MAX;
}

size_t csv_format(uint64_t seed, uint64_t station, uint64_t rows, char *buf,
		  size_t cap)
{
	size_t off = (size_t)snprintf(buf, cap, "%s", CSV_HEADER);

	for (uint64_t r = 0; r < rows && off < cap; r++)
		off += (size_t)snprintf(buf + off, cap - off, "%llu-%02u-01,%.6f\n",
					(unsigned long long)(1979 + r / 12),
					(unsigned)(r % 12 + 1),
					csv_value(seed, station, r));
	return off < cap ? off : cap;
}

/* The verification digest of one file's bytes (hash64: cheap next to a create). */
static void digest_of(const void *buf, size_t len, unsigned char out[16])
{
	wl_digest64(h64(0, buf, len), out);
}

/* Removes the files a trial wrote; the directory and its record stay. */
static int csv_empty_outdir(struct csv_data *d, char *msg, size_t len)
{
	for (uint64_t i = 0; i < d->files; i++) {
		if (unlinkat(d->out.fd, d->names[i], 0) < 0 && errno != ENOENT) {
			snprintf(msg, len, "cannot remove %s: %s", d->paths[i],
				 strerror(errno));
			return -errno;
		}
	}
	return 0;
}

static void csv_release(struct wl_ctx *ctx);

/* csv's knobs, in the order of csv_options[]. */
enum { CSV_FILES, CSV_ROWS, CSV_SYNC };
static const char *const sync_names[] = { "none", "fsync", NULL };
static const struct wl_option csv_options[] = {
	[CSV_FILES] = { "files", "N", "number of files", WLO_NUM, 1, 1000000, NULL,
			{ 50, 2000, 10000, 50000 } },
	[CSV_ROWS] = { "rows", "N", "rows per file", WLO_NUM, 1, CSV_MAX_ROWS, NULL,
		       { 100, 500, 500, 1000 } },
	[CSV_SYNC] = { "sync", "S", "none (default) or fsync (each file)", WLO_CHOICE, 0, 0,
		       sync_names, { 0, 0, 0, 0 } },
};

extern const struct workload workload_csv;

static int csv_prepare(struct wl_ctx *ctx)
{
	const struct config *cfg = ctx->cfg;
	struct csv_data *d;
	size_t cap;
	char *text;
	int rc;

	d = xcalloc(1, sizeof(*d));
	d->files = wl_val(cfg, &workload_csv, CSV_FILES);
	d->rows = wl_val(cfg, &workload_csv, CSV_ROWS);
	d->seed = cfg->seed;
	d->fsync = wl_val(cfg, &workload_csv, CSV_SYNC) == 1;
	outdir_init(&d->out);
	ctx->priv = d;
	rc = outdir_open(&d->out, cfg->dir, "csv", ctx->msg, sizeof(ctx->msg));
	if (rc < 0) {
		csv_release(ctx);
		return rc;
	}
	d->paths = xcalloc(d->files, sizeof(*d->paths));
	d->names = xcalloc(d->files, sizeof(*d->names));
	for (uint64_t i = 0; i < d->files; i++) {
		d->names[i] = xasprintf("station-%05llu.csv", (unsigned long long)i);
		d->paths[i] = xasprintf("%s/%s", d->out.path, d->names[i]);
	}

	/* the reference: the same content, formatted in memory */
	{
		struct job_result *ref = xcalloc(d->files, sizeof(*ref));

		cap = csv_capacity(d->rows);
		text = xcalloc(1, cap);
		for (uint64_t i = 0; i < d->files; i++)
			digest_of(text, csv_format(d->seed, i, d->rows, text, cap),
			       ref[i].digest);
		wl_combine_digests(ctx, ref, d->files, d->expect);
		free(ref);
		free(text);
	}
	ctx->priv = d;
	ctx->njobs = d->files;
	snprintf(ctx->spec, sizeof(ctx->spec), "csv files=%llu rows=%llu sync=%s seed=%llu",
		 (unsigned long long)d->files, (unsigned long long)d->rows,
		 sync_names[d->fsync], (unsigned long long)d->seed);
	return 0;
}

static int csv_before_trial(struct wl_ctx *ctx)
{
	return csv_empty_outdir(ctx->priv, ctx->msg, sizeof(ctx->msg));
}

static void csv_finish_job(struct csv_job *j)
{
	free(j->text);
	j->text = NULL;
	j->state = C_DONE;
	j->job.res->done = true;
}

static enum job_state csv_next(struct job *job, struct op **op)
{
	struct csv_job *j = (struct csv_job *)job;
	struct op *o = &j->op;

	if (j->state == C_BUSY)
		return JOB_WAIT;	/* the op is in flight: don't touch it */
	if (j->state == C_DONE)
		return JOB_DONE;
	*o = (struct op){ .fd = j->fd, .path = j->path, .at_fd = j->d->out.fd,
			  .at_name = j->name, .job = job };
	switch (j->state) {
	case C_OPEN:
		o->type = OP_OPEN;
		/* new files in a directory of ours: nothing there to follow */
		o->flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;
		o->mode = 0644;
		break;
	case C_WRITE:
		o->type = OP_WRITE;
		o->buf = j->text;
		o->len = j->len;
		break;
	case C_SYNC:
		o->type = OP_FSYNC;
		break;
	case C_CLOSE:
		o->type = OP_CLOSE;
		break;
	case C_BUSY:
	case C_DONE:
		break;
	}
	j->state = C_BUSY;
	*op = o;
	return JOB_OP;
}

static void csv_complete(struct job *job, struct op *op)
{
	struct csv_job *j = (struct csv_job *)job;

	if (op->res < 0) {
		job_fail_op(job, op);
		if (op->type == OP_OPEN || op->type == OP_CLOSE)
			csv_finish_job(j);
		else
			j->state = C_CLOSE;
		return;
	}
	switch (op->type) {
	case OP_OPEN:
		j->fd = (int)op->res;
		/* the compute: format the series and hash what will be written */
		j->text = malloc(csv_capacity(j->d->rows));
		if (!j->text) {
			job_fail(job, -ENOMEM, "csv: out of memory formatting %s", j->path);
			j->state = C_CLOSE;
			return;
		}
		j->len = csv_format(j->d->seed, job->id, j->d->rows, j->text,
				    csv_capacity(j->d->rows));
		py_units(j->d->rows);	/* --model python: Python's formatting costs more */
		digest_of(j->text, j->len, job->res->digest);
		j->state = C_WRITE;
		return;
	case OP_WRITE:
		if ((size_t)op->res < op->len) {
			job_fail(job, -EIO, "write %s: short write (%lld of %zu bytes)",
				 j->path, (long long)op->res, op->len);
			j->state = C_CLOSE;
			return;
		}
		j->state = j->d->fsync ? C_SYNC : C_CLOSE;
		return;
	case OP_FSYNC:
		j->state = C_CLOSE;
		return;
	case OP_CLOSE:
		csv_finish_job(j);
		return;
	default:
		job_fail(job, -EPROTO, "csv: unexpected %s completion", op_name(op->type));
		j->state = C_CLOSE;
		return;
	}
}

static void csv_destroy(struct job *job)
{
	struct csv_job *j = (struct csv_job *)job;

	free(j->text);
	free(j);
}

static const struct job_ops csv_job_ops = {
	.next = csv_next,
	.complete = csv_complete,
	.destroy = csv_destroy,
};

static int csv_make_jobs(struct wl_ctx *ctx, struct job_result *res,
			 struct job **jobs)
{
	struct csv_data *d = ctx->priv;

	for (size_t i = 0; i < ctx->njobs; i++) {
		struct csv_job *j = calloc(1, sizeof(*j));

		if (!j)
			return wl_error(ctx, -ENOMEM, "csv: out of memory for jobs");
		j->job = (struct job){ .ops = &csv_job_ops, .res = &res[i], .id = (unsigned)i };
		j->d = d;
		j->path = d->paths[i];
		j->name = d->names[i];
		j->fd = -1;
		jobs[i] = &j->job;
	}
	return 0;
}

static void csv_finish(struct wl_ctx *ctx, const struct job_result *res,
		       struct wl_out *out)
{
	wl_combine_digests(ctx, res, ctx->njobs, out->digest);
}

/* Digest of this process's files as they really are on disk now, combined like the jobs'. */
static int csv_read_back(const struct wl_ctx *ctx, struct csv_data *d, unsigned char out[16],
			 char *msg, size_t len)
{
	struct job_result *got = xcalloc(d->files, sizeof(*got));
	int rc = 0;

	for (uint64_t i = 0; i < d->files && rc == 0; i++) {
		char *text;
		size_t n;

		if (!wl_mine(ctx, i))
			continue;
		rc = read_small_file_at(d->out.fd, d->names[i], &text, &n);
		if (rc < 0) {
			snprintf(msg, len, "reading back %s: %s", d->paths[i], strerror(-rc));
			break;
		}
		digest_of(text, n, got[i].digest);
		free(text);
	}
	if (rc == 0)
		wl_combine_digests(ctx, got, d->files, out);
	free(got);
	return rc;
}

static int csv_check(struct wl_ctx *ctx, const struct wl_out *out)
{
	struct csv_data *d = ctx->priv;
	unsigned char disk[16];
	char got[33], want[33];
	int rc;

	hex_encode(d->expect, 16, want);
	if (memcmp(out->digest, d->expect, 16) != 0) {
		hex_encode(out->digest, 16, got);
		return wl_error(ctx, -EBADMSG, "csv digest %s does not match the expected %s",
				got, want);
	}
	rc = csv_read_back(ctx, d, disk, ctx->msg, sizeof(ctx->msg));
	if (rc < 0)
		return rc;
	if (memcmp(disk, d->expect, 16) != 0) {
		hex_encode(disk, 16, got);
		return wl_error(ctx, -EBADMSG,
				"csv files on disk digest to %s, expected %s", got, want);
	}
	return 0;
}

static void csv_release(struct wl_ctx *ctx)
{
	struct csv_data *d = ctx->priv;

	if (!d)
		return;
	outdir_close(&d->out);
	for (uint64_t i = 0; d->paths && i < d->files; i++) {
		free(d->paths[i]);
		free(d->names[i]);
	}
	free(d->paths);
	free(d->names);
	free(d);
	ctx->priv = NULL;
}

struct csv_unit {
	uint64_t seed, r;
	char line[CSV_LINE_MAX];
};

/* 100 rows as csv_format writes them: a value each, formatted. */
static void csv_rows_unit(void *arg)
{
	struct csv_unit *u = arg;

	for (uint64_t r = 0; r < 100; r++)
		snprintf(u->line, sizeof(u->line), "%llu-%02u-01,%.6f\n",
			 (unsigned long long)(1979 + r / 12), (unsigned)(r % 12 + 1),
			 csv_value(u->seed, u->r, r));
	u->r++;
}

/*
 * --model python: rows computed and formatted in a Python loop, joined
 * and encoded, as bench/python/csv_job.py (and any plain Python writer)
 * does.  All of it holds the interpreter lock: it is bytecode, and str
 * formatting (Objects/unicodeobject.c) never lets the lock go.
 */
static void csv_py_unit(const struct wl_ctx *ctx, struct py_unit *u)
{
	const struct csv_data *d = ctx->priv;
	struct csv_unit cu = { .seed = d->seed };

	snprintf(u->what, sizeof(u->what), "a CSV row computed and formatted in a Python loop");
	snprintf(u->setup, sizeof(u->setup), "lines = []; s = 7");
	snprintf(u->stmt, sizeof(u->stmt),
		 "for r in range(100):\n"
		 "    lines.append('%%d-%%02d-01,%%.6f\\n' %% (1979 + r // 12, r %% 12 + 1,\n"
		 "                 ((s * 7919 + r * 104729) %% 6000) / 1000 - 3))\n"
		 "b = ''.join(lines).encode()\n"
		 "del lines[:]");
	u->per = 100;
	u->c_s = wl_time_unit(csv_rows_unit, &cu) / 100;
}

const struct workload workload_csv = {
	.name = "csv",
	.desc = "thousands of small CSV files written (metadata-heavy writes)",
	.creates_files = true,
	.options = csv_options,
	.noptions = ARRAY_SIZE(csv_options),
	.main_op = OP_OPEN,
	.prepare = csv_prepare,
	.before_trial = csv_before_trial,
	.make_jobs = csv_make_jobs,
	.finish = csv_finish,
	.check = csv_check,
	.release = csv_release,
	.py_unit = csv_py_unit,
};
