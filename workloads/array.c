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


#include "dataset.h"
#include "hash64.h"
#include "window.h"	/* WIN_ALIGN */
#include "dio.h"
#include "npy.h"
#include "iobuf.h"
#include "prng.h"
#include "util.h"
#include "workload.h"

/* A row is one read into one buffer: larger rows are refused up front. */
#define ARRAY_MAX_ROW (64 * MIB)

/* Jobs the row reads are split into: enough for any pool to stay busy. */
#define ARRAY_JOBS 64
/*
 * Row reads a job keeps in flight, and the memory that may take.  Rows
 * complete in any order and each is hashed and summed as it lands; only
 * the folding of those per-row results is in selection order, so one slow
 * read never holds the others' buffers (no head-of-line blocking).
 */
#define ARRAY_WINDOW 16
#define ARRAY_WINDOW_BYTES (4 * MIB)

/* array's knobs, in the order of array_options[]. */
enum { ARRAY_ROWS, ARRAY_COLS, ARRAY_READS, ARRAY_PATTERN, ARRAY_INPUT };
enum array_pattern { PATTERN_RANDOM, PATTERN_SLAB };
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

/* The knobs as one struct, for the functions below. */
struct array_knobs {
	uint64_t rows, cols, reads;
	enum array_pattern pattern;
	const char *input;
};

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

struct array_data {
	struct dataset ds;	/* empty with --input */
	const char *path;
	struct npy_info info;
	uint64_t *rows;		/* the selection, in read order */
	uint64_t nrows;
	unsigned window;
	uint64_t seed;
	int open_flags;		/* O_RDONLY, plus O_DIRECT for --cache direct */
	uint64_t align;		/* O_DIRECT: rows are read as aligned ranges */
	size_t buf_size;	/* the largest such range */
	struct prng gen;
	unsigned char header[128];
	size_t header_len;
	unsigned char expect[16];
	double expect_sum;
};

enum array_state { A_OPEN, A_OPENING, A_READ, A_CLOSE, A_CLOSING, A_DONE };

struct array_job {
	struct job job;
	enum array_state state;
	const struct array_data *d;
	uint64_t first, end, next;	/* range of the selection; next to issue */
	int fd;
	unsigned inflight;
	struct op ctl;
	/* read slots: an op, its buffer (allocated on first use), its row */
	struct op *ops;
	void **bufs;
	uint64_t *sel;
	unsigned *free_slots, nfree;
	/* per row of [first, end): its hash and sum, folded in order at the end */
	uint64_t *row_hash;
	double *row_sum;
};

/* Byte offset of selected row @i in the file. */
static uint64_t row_off(const struct array_data *d, uint64_t i)
{
	return d->info.data_offset + d->rows[i] * d->info.row_bytes;
}

/* Selection [first, end) of job @j: an even split. */
static void array_job_range(uint64_t n, size_t njobs, size_t j, uint64_t *first,
			    uint64_t *end)
{
	*first = n * j / njobs;
	*end = n * (j + 1) / njobs;
}

static int array_fill(void *arg, size_t i, uint64_t off, void *buf, size_t len)
{
	struct array_data *d = arg;
	unsigned char *p = buf;
	size_t k = 0;

	(void)i;
	if (off == 0)
		prng_seed(&d->gen, d->seed, 0xa77a);
	for (; off + k < d->header_len && k < len; k++)
		p[k] = d->header[off + k];
	/* data starts 64-byte aligned and chunks are 1 MiB: whole doubles */
	for (; k + 8 <= len; k += 8) {
		double v = prng_unit(&d->gen);

		memcpy(p + k, &v, 8);
	}
	return k == len ? 0 : -EINVAL;
}

static int array_generate(struct wl_ctx *ctx, struct array_data *d)
{
	const struct array_knobs k = array_knobs(ctx->cfg), *p = &k;
	char name[96], spec[160];
	char *names[1] = { "array.npy" };
	uint64_t size;
	int n;

	n = npy_write_header(d->header, sizeof(d->header), p->rows,
			     p->cols);
	if (n < 0)
		return wl_error(ctx, n, "array: shape too large for an NPY 1.0 header");
	d->header_len = (size_t)n;
	size = d->header_len + p->rows * p->cols * 8;
	snprintf(name, sizeof(name), "array-%llux%llu-s%llu",
		 (unsigned long long)p->rows, (unsigned long long)p->cols,
		 (unsigned long long)d->seed);
	snprintf(spec, sizeof(spec), "array rows=%llu cols=%llu seed=%llu",
		 (unsigned long long)p->rows, (unsigned long long)p->cols,
		 (unsigned long long)d->seed);
	n = dataset_get(ctx->cfg->dir, name, spec, 1, names, &size, array_fill,
			d, ctx->cfg->verify_data, &d->ds, ctx->msg, sizeof(ctx->msg));
	if (n < 0)
		return n;
	d->path = d->ds.files[0].path;
	return 0;
}

/* Reads and checks the header of d->path into d->info. */
static int array_open_npy(struct wl_ctx *ctx, struct array_data *d)
{
	unsigned char *buf;
	struct stat st;
	ssize_t n;
	int fd, rc;

	/* O_NONBLOCK: a FIFO named by mistake must not hang the open */
	fd = open(d->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return wl_error(ctx, -errno, "cannot open %s: %s", d->path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return wl_error(ctx, -EINVAL, "%s: not a regular file (%s)", d->path,
				S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO" :
				S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" : "not a file");
	}
	buf = malloc(NPY_PREFIX_MAX);
	if (!buf) {
		close(fd);
		return wl_error(ctx, -ENOMEM, "out of memory");
	}
	n = pread(fd, buf, NPY_PREFIX_MAX, 0);
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc == 0) {
		char why[256];

		rc = npy_parse_header(buf, (size_t)n, (uint64_t)st.st_size, &d->info,
				      why, sizeof(why));
		if (rc < 0)
			wl_error(ctx, rc, "%s: %s", d->path, why);
	} else {
		wl_error(ctx, rc, "read %s: %s", d->path, strerror(-rc));
	}
	free(buf);
	return rc;
}

/*
 * The rows to read.  Random rows are distinct (Floyd's sampling, then a
 * Fisher-Yates shuffle for the order): a row drawn twice would be a cache
 * hit in cold mode, in an order that depends on the strategy.
 */
static void array_select(struct array_data *d, uint64_t reads,
			 enum array_pattern pattern)
{
	uint64_t R = d->info.rows;
	struct prng g;

	prng_seed(&g, d->seed, 0x5e1ec7);
	d->nrows = reads;
	d->rows = xcalloc(reads ? reads : 1, sizeof(*d->rows));
	if (pattern == PATTERN_SLAB) {
		uint64_t start = prng_below(&g, R - reads + 1);

		for (uint64_t i = 0; i < reads; i++)
			d->rows[i] = start + i;
		return;
	}
	{
		/* open addressing, at most half full; a slot holds row + 1 */
		uint64_t cap = 2, n = 0;
		uint64_t *set;

		while (cap < 2 * reads)
			cap *= 2;
		set = xcalloc(cap, sizeof(*set));
		for (uint64_t j = R - reads; j < R; j++) {
			uint64_t t = prng_below(&g, j + 1), h;

			for (h = (t * 0x9e3779b97f4a7c15ULL) & (cap - 1); set[h]; h = (h + 1) & (cap - 1))
				if (set[h] == t + 1)
					break;
			if (set[h] == t + 1) {	/* taken: j itself is new */
				t = j;
				for (h = (t * 0x9e3779b97f4a7c15ULL) & (cap - 1); set[h];
				     h = (h + 1) & (cap - 1))
					;
			}
			set[h] = t + 1;
			d->rows[n++] = t;
		}
		free(set);
		for (uint64_t i = reads; i > 1; i--) {
			uint64_t k = prng_below(&g, i), tmp = d->rows[i - 1];

			d->rows[i - 1] = d->rows[k];
			d->rows[k] = tmp;
		}
	}
}

/*
 * A job's result from its rows' hashes and sums, in selection order: the
 * job hash chains the row hashes, the sum adds the row sums one by one.
 * The reference folds the same way, so the two agree to the last bit.
 */
static void array_fold(const uint64_t *hash, const double *sum, uint64_t n,
		       unsigned char digest[16], double *total)
{
	uint64_t h = 0;

	*total = 0;
	for (uint64_t k = 0; k < n; k++) {
		h = h64(h, &hash[k], sizeof(hash[k]));
		*total += sum[k];
	}
	wl_digest64(h, digest);
}

/* The reference: a plain pread() of every selected row, in job order. */
static int array_reference(struct wl_ctx *ctx, struct array_data *d)
{
	size_t njobs = ctx->njobs;
	struct job_result *ref = xcalloc(njobs, sizeof(*ref));
	void *row = xcalloc(1, d->info.row_bytes);
	uint64_t *hash = xcalloc(d->nrows + 1, sizeof(*hash));
	double *sum = xcalloc(d->nrows + 1, sizeof(*sum));
	int fd, rc = 0;

	fd = open(d->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = wl_error(ctx, -errno, "reference read of %s: %s", d->path, strerror(errno));
		goto out;
	}
	d->expect_sum = 0;
	for (size_t j = 0; j < njobs && rc == 0; j++) {
		uint64_t first, end;

		array_job_range(d->nrows, njobs, j, &first, &end);
		for (uint64_t i = first; i < end; i++) {
			uint64_t off = d->info.data_offset + d->rows[i] * d->info.row_bytes;
			ssize_t n = pread(fd, row, d->info.row_bytes, (off_t)off);

			if (n != (ssize_t)d->info.row_bytes) {
				rc = wl_error(ctx, n < 0 ? -errno : -ENODATA,
					      "reference read of %s at byte %llu: %s", d->path,
					      (unsigned long long)off,
					      n < 0 ? strerror(errno) : "short read");
				break;
			}
			hash[i] = h64(0, row, d->info.row_bytes);
			sum[i] = npy_sum(&d->info, row, d->info.row_bytes / d->info.itemsize);
		}
		array_fold(hash + first, sum + first, end - first, ref[j].digest, &ref[j].sum);
		d->expect_sum += ref[j].sum;
	}
	if (rc == 0)
		wl_combine_digests(ref, njobs, d->expect);
out:
	if (fd >= 0)
		close(fd);
	free(hash);
	free(sum);
	free(row);
	free(ref);
	return rc;
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
		rc = array_generate(ctx, d);
		if (rc < 0)
			goto fail;
	}
	rc = array_open_npy(ctx, d);
	if (rc < 0)
		goto fail;
	if (d->info.row_bytes > ARRAY_MAX_ROW) {
		rc = wl_error(ctx, -EFBIG, "%s: rows of %llu bytes are more than the %llu bytes "
			      "one read (and its buffer) may take%s", d->path,
			      (unsigned long long)d->info.row_bytes, (unsigned long long)ARRAY_MAX_ROW,
			      p->input ? "" : " (--cols)");
		goto fail;
	}
	if (d->info.rows == 0 || d->info.row_bytes == 0) {
		rc = wl_error(ctx, -EINVAL, "%s: the array is empty", d->path);
		goto fail;
	}
	if (p->pattern == PATTERN_RANDOM && p->reads > d->info.rows) {
		rc = wl_error(ctx, -EINVAL, "%s has %llu rows; --reads %llu distinct random rows "
			      "do not exist (rows are drawn without repetition)",
			      d->path, (unsigned long long)d->info.rows,
			      (unsigned long long)p->reads);
		goto fail;
	}
	if (p->pattern == PATTERN_SLAB && p->reads > d->info.rows) {
		rc = wl_error(ctx, -EINVAL, "%s has %llu rows; a slab of --reads %llu does not fit",
			      d->path, (unsigned long long)d->info.rows,
			      (unsigned long long)p->reads);
		goto fail;
	}
	d->open_flags = O_RDONLY;
	d->align = 1;
	if (cfg->cache == CACHE_DIRECT) {
		int a = dio_alignment(d->path);

		if (a < 0) {
			rc = wl_error(ctx, a, "--cache direct: %s: %s", d->path,
				      a == -EOPNOTSUPP ? "the filesystem does not support O_DIRECT"
						       : strerror(-a));
			goto fail;
		}
		d->open_flags |= O_DIRECT;
		d->align = (uint64_t)a;
	}
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

static void array_finish_job(struct array_job *j)
{
	struct job_result *r = j->job.res;

	if (!r->err)
		array_fold(j->row_hash, j->row_sum, j->end - j->first, r->digest, &r->sum);
	/* nothing is in flight now: the buffers go, so memory follows the
	 * reads a strategy keeps in flight, not the number of jobs */
	for (unsigned s = 0; s < j->d->window; s++) {
		iobuf_free(j->bufs[s], j->d->buf_size);
		j->bufs[s] = NULL;
	}
	free(j->row_hash);
	free(j->row_sum);
	j->row_hash = NULL;
	j->row_sum = NULL;
	j->state = A_DONE;
	r->done = true;
}

static enum job_state array_next(struct job *job, struct op **op)
{
	struct array_job *j = (struct array_job *)job;
	const struct array_data *d = j->d;

	switch (j->state) {
	case A_OPEN:
		j->ctl = (struct op){ .type = OP_OPEN, .path = d->path,
				      .flags = d->open_flags, .job = job };
		j->state = A_OPENING;
		*op = &j->ctl;
		return JOB_OP;
	case A_READ:
		if (!job->res->err && j->next < j->end && j->nfree) {
			unsigned slot = j->free_slots[--j->nfree];
			struct op *rd = &j->ops[slot];
			uint64_t off = row_off(d, j->next);

			if (!j->bufs[slot] && !(j->bufs[slot] = iobuf_alloc(d->buf_size))) {
				j->free_slots[j->nfree++] = slot;
				job_fail(job, -ENOMEM, "array: out of memory for row buffers");
				return array_next(job, op);	/* now winds down */
			}
			/* buffered: the row; O_DIRECT: the aligned range around it */
			*rd = (struct op){ .type = OP_READ, .fd = j->fd, .path = d->path,
					   .buf = j->bufs[slot], .slot = slot, .job = job };
			rd->off = off / d->align * d->align;
			rd->len = (size_t)((off + d->info.row_bytes + d->align - 1) / d->align *
					   d->align - rd->off);
			j->sel[slot] = j->next++;
			j->inflight++;
			*op = rd;
			return JOB_OP;
		}
		if (j->inflight || (!job->res->err && j->next < j->end))
			return JOB_WAIT;
		/* all rows read, or failed with nothing in flight: close */
		__attribute__((fallthrough));
	case A_CLOSE:
		j->ctl = (struct op){ .type = OP_CLOSE, .fd = j->fd, .path = d->path,
				      .job = job };
		j->state = A_CLOSING;
		*op = &j->ctl;
		return JOB_OP;
	case A_OPENING:
	case A_CLOSING:
		return JOB_WAIT;
	case A_DONE:
		break;
	}
	return JOB_DONE;
}

static void array_complete(struct job *job, struct op *op)
{
	struct array_job *j = (struct array_job *)job;
	const struct npy_info *info = &j->d->info;
	uint64_t skip, k;

	switch (op->type) {
	case OP_OPEN:
		if (op->res < 0) {
			job_fail_op(job, op);
			array_finish_job(j);
			return;
		}
		j->fd = (int)op->res;
		j->state = A_READ;
		return;
	case OP_READ:
		j->inflight--;
		k = j->sel[op->slot];
		skip = row_off(j->d, k) - op->off;
		/*
		 * The compute, as each row lands: its hash and its sum.  Every byte
		 * of the row must have been read; with O_DIRECT the aligned tail
		 * past the end of the file may be missing.
		 */
		if (op->res < 0)
			job_fail_op(job, op);
		else if ((uint64_t)op->res < skip + info->row_bytes)
			job_fail(job, -ENODATA,
				 "read %s: file ends at byte %llu, inside a row the header promises",
				 op->path, (unsigned long long)(op->off + (uint64_t)op->res));
		if (!job->res->err) {
			const char *row = (const char *)op->buf + skip;

			j->row_hash[k - j->first] = h64(0, row, info->row_bytes);
			j->row_sum[k - j->first] = npy_sum(info, row, info->row_bytes / info->itemsize);
		}
		j->free_slots[j->nfree++] = op->slot;
		return;
	case OP_CLOSE:
		if (op->res < 0)
			job_fail_op(job, op);
		array_finish_job(j);
		return;
	default:
		job_fail(job, -EPROTO, "array: unexpected %s completion", op_name(op->type));
		return;
	}
}

static void array_destroy(struct job *job)
{
	struct array_job *j = (struct array_job *)job;

	for (unsigned s = 0; j->bufs && s < j->d->window; s++)
		iobuf_free(j->bufs[s], j->d->buf_size);
	free(j->ops);
	free(j->bufs);
	free(j->sel);
	free(j->free_slots);
	free(j->row_hash);
	free(j->row_sum);
	free(j);
}

static const struct job_ops array_job_ops = {
	.next = array_next,
	.complete = array_complete,
	.destroy = array_destroy,
};

static int array_make_jobs(struct wl_ctx *ctx, struct job_result *res,
			   struct job **jobs)
{
	struct array_data *d = ctx->priv;

	for (size_t i = 0; i < ctx->njobs; i++) {
		struct array_job *j = calloc(1, sizeof(*j));
		uint64_t first, end;

		array_job_range(d->nrows, ctx->njobs, i, &first, &end);
		if (!j)
			return wl_error(ctx, -ENOMEM, "array: out of memory for jobs");
		j->d = d;
		j->ops = calloc(d->window, sizeof(*j->ops));
		j->bufs = calloc(d->window, sizeof(*j->bufs));
		j->sel = calloc(d->window, sizeof(*j->sel));
		j->free_slots = calloc(d->window, sizeof(*j->free_slots));
		j->row_hash = calloc(end - first + 1, sizeof(*j->row_hash));
		j->row_sum = calloc(end - first + 1, sizeof(*j->row_sum));
		if (!j->ops || !j->bufs || !j->sel || !j->free_slots || !j->row_hash || !j->row_sum) {
			array_destroy(&j->job);
			return wl_error(ctx, -ENOMEM, "array: out of memory for jobs");
		}
		/* a stack: one op at a time (serial) reuses slot 0 and its buffer */
		for (unsigned s = d->window; s-- > 0;)
			j->free_slots[j->nfree++] = s;
		j->job = (struct job){ .ops = &array_job_ops, .res = &res[i], .id = (unsigned)i };
		j->fd = -1;
		j->first = first;
		j->end = end;
		j->next = first;
		jobs[i] = &j->job;
	}
	return 0;
}

static void array_finish(struct wl_ctx *ctx, const struct job_result *res,
			 struct trial_out *out)
{
	out->sum = 0;
	for (size_t i = 0; i < ctx->njobs; i++)
		out->sum += res[i].sum;
	wl_combine_digests(res, ctx->njobs, out->digest);
}

static int array_check(struct wl_ctx *ctx, const struct trial_out *out)
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
};
