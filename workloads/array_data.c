/*
 * array_data.c - the array workload's data: the generated NPY file (or the
 * user's, opened and checked), the rows each trial reads, and the
 * reference result computed from them with plain pread()s.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "hash64.h"
#include "iobuf.h"
#include "window.h"	/* WIN_ALIGN */

/* Byte offset of selected row @i in the file. */
uint64_t array_row_off(const struct array_data *d, uint64_t i)
{
	return d->info.data_offset + d->rows[i] * d->info.row_bytes;
}

/* Selection [first, end) of job @j: an even split. */
void array_job_range(uint64_t n, size_t njobs, size_t j, uint64_t *first,
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

int array_generate(struct wl_ctx *ctx, struct array_data *d, const struct array_knobs *p)
{
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
			d, wl_ds_flags(ctx->cfg), &d->ds, ctx->msg, sizeof(ctx->msg));
	if (n < 0)
		return n;
	d->path = d->ds.files[0].path;
	return 0;
}

/* Reads and checks the header of d->path into d->info. */
int array_open_npy(struct wl_ctx *ctx, struct array_data *d)
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
void array_select(struct array_data *d, uint64_t reads,
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
void array_fold(const uint64_t *hash, const double *sum, uint64_t n,
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
int array_reference(struct wl_ctx *ctx, struct array_data *d)
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
		d->expect_sum += wl_mine(ctx, j) ? ref[j].sum : 0;
	}
	if (rc == 0)
		wl_combine_digests(ctx, ref, njobs, d->expect);
out:
	if (fd >= 0)
		close(fd);
	free(hash);
	free(sum);
	free(row);
	free(ref);
	return rc;
}
