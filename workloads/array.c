/* array.c - partial reads out of a big .npy array: random rows or a slab.
 *
 * Models pulling slices out of big NumPy arrays (background post 000).
 * The array is a real NPY 1.0 file (little-endian float64, C order) that
 * numpy.load reads, or the user's own file with --input.  The rows to read
 * are chosen once per run from the seed, so every trial and strategy reads
 * the same rows; they are split into ARRAY_JOBS jobs, each opening the file
 * and reading its rows one op per row, summing them and hashing their
 * bytes in order (hash64: the proof must cost little next to the reads).  The reference is a plain pread() loop over the same
 * rows, done in the parent before any trial.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#include "array.h"
#include "dio.h"
#include "hash64.h"

/* array's knobs, in the order of array_options[]. */
enum { ARRAY_ROWS, ARRAY_COLS, ARRAY_READS, ARRAY_PATTERN, ARRAY_INPUT };
static const char *const pattern_names[] = { "random", "slab", NULL };
static const struct wl_option array_options[] = {
	[ARRAY_ROWS] = { "rows", "N", "rows of the array", WLO_NUM, 1, 1ULL << 40, NULL,
			 { 2048, 131072, 524288, 2097152 } },
	[ARRAY_COLS] = { "cols", "N", "float64 columns per row", WLO_NUM, 1, 1ULL << 24, NULL,
			 { 128, 1024, 1024, 1024 } },
	/* the row selection and its reference live in memory */
	[ARRAY_READS] = { "reads", "N", "rows read per trial", WLO_NUM, 1, 1ULL << 24, NULL,
			  { 512, 20000, 80000, 200000 } },
	[ARRAY_PATTERN] = { "pattern", "P", "random (default) or slab (contiguous rows)",
			    WLO_CHOICE, 0, 0, pattern_names, { 0, 0, 0, 0 } },
	[ARRAY_INPUT] = { "input", "FILE.npy", "benchmark your own NumPy file instead", WLO_PATH,
			  0, 0, NULL, { 0 } },
};

extern const struct workload workload_array;

static struct array_knobs array_knobs(const struct config *cfg)
{
	return (struct array_knobs){
		.rows = wl_val(cfg, &workload_array, ARRAY_ROWS),
		.cols = wl_val(cfg, &workload_array, ARRAY_COLS),
		.reads = wl_val(cfg, &workload_array, ARRAY_READS),
		.pattern = (enum array_pattern)wl_val(cfg, &workload_array, ARRAY_PATTERN),
		.input = wl_str(cfg, &workload_array, ARRAY_INPUT),
	};
}

/* Before any file is touched: slab reads distinct rows; the shape must fit. */
static int array_validate(const struct wl_knobs *k, char *err, size_t len)
{
	if (k->v[ARRAY_PATTERN] == PATTERN_SLAB && !k->s[ARRAY_INPUT] &&
	    k->v[ARRAY_READS] > k->v[ARRAY_ROWS]) {
		snprintf(err, len, "--reads %llu is more than the array's %llu rows (pattern slab "
			 "reads distinct rows)", (unsigned long long)k->v[ARRAY_READS],
			 (unsigned long long)k->v[ARRAY_ROWS]);
		return -EINVAL;
	}
	if (k->v[ARRAY_COLS] > (1ULL << 60) / 8 / k->v[ARRAY_ROWS]) {
		snprintf(err, len, "--rows x --cols is too large an array");
		return -EINVAL;
	}
	return 0;
}



/* Can the trial read what was asked of this array, as asked (--cache direct too)? */
static int array_fits(struct wl_ctx *ctx, struct array_data *d, const struct array_knobs *p)
{
	if (d->info.row_bytes > ARRAY_MAX_ROW)
		return wl_error(ctx, -EFBIG, "%s: rows of %llu bytes are more than the %llu bytes "
				"one read (and its buffer) may take%s", d->path,
				(unsigned long long)d->info.row_bytes,
				(unsigned long long)ARRAY_MAX_ROW, p->input ? "" : " (--cols)");
	if (d->info.rows == 0 || d->info.row_bytes == 0)
		return wl_error(ctx, -EINVAL, "%s: the array is empty", d->path);
	if (p->pattern == PATTERN_RANDOM && p->reads > d->info.rows)
		return wl_error(ctx, -EINVAL, "%s has %llu rows; --reads %llu distinct random rows "
				"do not exist (rows are drawn without repetition)", d->path,
				(unsigned long long)d->info.rows, (unsigned long long)p->reads);
	if (p->pattern == PATTERN_SLAB && p->reads > d->info.rows)
		return wl_error(ctx, -EINVAL, "%s has %llu rows; a slab of --reads %llu does not fit",
				d->path, (unsigned long long)d->info.rows,
				(unsigned long long)p->reads);
	d->open_flags = O_RDONLY;
	d->align = 1;
	if (ctx->cfg->cache == CACHE_DIRECT) {
		int a = dio_alignment(d->path);

		if (a < 0)
			return wl_error(ctx, a, "--cache direct: %s: %s", d->path,
					a == -EOPNOTSUPP ? "the filesystem does not support O_DIRECT"
							 : strerror(-a));
		d->open_flags |= O_DIRECT;
		d->align = (uint64_t)a;
	}
	return 0;
}

static int array_prepare(struct wl_ctx *ctx)
{
	const struct config *cfg = ctx->cfg;
	const struct array_knobs k = array_knobs(cfg), *p = &k;
	struct array_data *d = xcalloc(1, sizeof(*d));
	uint64_t start = 0;
	int rc;

	d->seed = cfg->seed;
	ctx->priv = d;
	if (p->input) {
		d->path = p->input;
	} else {
		rc = array_generate(ctx, d, p);
		if (rc < 0)
			goto fail;
	}
	rc = array_open_npy(ctx, d);
	if (rc < 0)
		goto fail;
	rc = array_fits(ctx, d, p);
	if (rc < 0)
		goto fail;
	/* a row may straddle one more aligned block than its length needs */
	d->buf_size = (size_t)((d->info.row_bytes + 2 * d->align - 2) / d->align * d->align);
	array_select(d, p->reads, p->pattern);
	if (p->pattern == PATTERN_SLAB)
		start = d->rows[0];
	d->window = (unsigned)(ARRAY_WINDOW_BYTES / d->buf_size);
	d->window = d->window < 1 ? 1 : d->window > ARRAY_WINDOW ? ARRAY_WINDOW : d->window;
	ctx->njobs = d->nrows < ARRAY_JOBS ? (size_t)d->nrows : ARRAY_JOBS;
	rc = array_reference(ctx, d);
	if (rc < 0)
		goto fail;
	ctx->files = xcalloc(1, sizeof(*ctx->files));
	ctx->files[0] = (char *)d->path;
	ctx->nfiles = 1;
	ctx->data_bytes = d->info.data_offset + d->info.data_bytes;
	snprintf(ctx->spec, sizeof(ctx->spec),
		 "array file=%s dtype=%s rows=%llu row_bytes=%llu reads=%llu pattern=%s start=%llu seed=%llu align=%llu",
		 p->input ? p->input : "generated", d->info.descr,
		 (unsigned long long)d->info.rows, (unsigned long long)d->info.row_bytes,
		 (unsigned long long)d->nrows, pattern_names[p->pattern],
		 (unsigned long long)start, (unsigned long long)d->seed,
		 (unsigned long long)d->align);
	return 0;
fail:
	dataset_free(&d->ds);
	free(d->rows);
	free(d);
	ctx->priv = NULL;
	return rc;
}

static void array_finish(struct wl_ctx *ctx, const struct job_result *res,
			 struct wl_out *out)
{
	out->sum = 0;
	for (size_t i = 0; i < ctx->njobs; i++)
		out->sum += wl_mine(ctx, i) ? res[i].sum : 0;
	wl_combine_digests(ctx, res, ctx->njobs, out->digest);
}

static int array_check(struct wl_ctx *ctx, const struct wl_out *out)
{
	struct array_data *d = ctx->priv;
	char got[33], want[33];

	hex_encode(out->digest, 16, got);
	hex_encode(d->expect, 16, want);
	if (memcmp(out->digest, d->expect, 16) != 0)
		return wl_error(ctx, -EBADMSG,
				"array digest %s does not match the plain read's %s", got, want);
	/* the sum is checked too: a row read twice and another never would not
	 * always change a sum, but it changes the ordered hash */
	/* same values summed in the same order: equal to the last bit */
	if (out->sum != d->expect_sum)
		return wl_error(ctx, -EBADMSG, "array sum %.17g differs from the plain read's %.17g",
				out->sum, d->expect_sum);
	return 0;
}

static void array_release(struct wl_ctx *ctx)
{
	struct array_data *d = ctx->priv;

	if (!d)
		return;
	dataset_free(&d->ds);
	free(d->rows);
	free(ctx->files);
	free(d);
	ctx->priv = NULL;
}

struct array_unit {
	const struct npy_info *info;
	int fd;
	void *row;
	volatile double sink;
};

/* One row as array_job.c reads it (the first row, from the page cache), hashes and sums it. */
static void array_row_unit(void *arg)
{
	struct array_unit *u = arg;
	size_t n = u->info->row_bytes;

	if (pread(u->fd, u->row, n, (off_t)u->info->data_offset) != (ssize_t)n)
		memset(u->row, 0, n);	/* a short file is prepare's to refuse; time the rest */
	u->sink += (double)h64(0, u->row, n) + npy_sum(u->info, u->row, n / u->info->itemsize);
}

/*
 * --model python: a row read with os.pread and summed with NumPy, as
 * bench/python/array_job.py does.  The read's system call is in both
 * timings, so the difference is Python's own work around it.  All of it
 * is counted as holding the interpreter lock: os.pread lets it go only
 * for the call itself (the model's op), and NumPy inside loops of 500
 * elements or more (NPY_BEGIN_THREADS_THRESHOLDED), a small part of a
 * row's 1,024.  Rows over 64 MiB, and paths too long to quote: not timed.
 */
static void array_py_unit(const struct wl_ctx *ctx, struct py_unit *u)
{
	const struct array_data *d = ctx->priv;
	struct array_unit au = { .info = &d->info };
	char lit[768];

	if (d->info.row_bytes > 64 * MIB || py_bytes_literal(d->path, lit, sizeof(lit)) < 0)
		return;
	au.fd = open(d->path, O_RDONLY | O_CLOEXEC);
	au.row = calloc(1, d->info.row_bytes);
	if (au.fd >= 0 && au.row) {
		snprintf(u->what, sizeof(u->what), "a row read with os.pread and summed with NumPy");
		snprintf(u->setup, sizeof(u->setup), "import numpy as np, os; t = 0.0; "
			 "fd = os.open(%s, os.O_RDONLY)", lit);
		snprintf(u->stmt, sizeof(u->stmt), "t += np.frombuffer(os.pread(fd, %llu, %llu), "
			 "'%s').sum()", (unsigned long long)d->info.row_bytes,
			 (unsigned long long)d->info.data_offset, d->info.descr);
		u->c_s = wl_time_unit(array_row_unit, &au);
	}
	if (au.fd >= 0)
		close(au.fd);
	free(au.row);
}

const struct workload workload_array = {
	.name = "array",
	.desc = "partial reads (random rows or a slab) out of a big .npy array",
	.main_op = OP_READ,
	.prepare = array_prepare,
	.make_jobs = array_make_jobs,
	.finish = array_finish,
	.check = array_check,
	.release = array_release,
	.options = array_options,
	.noptions = ARRAY_SIZE(array_options),
	.validate = array_validate,
	.py_unit = array_py_unit,
};
