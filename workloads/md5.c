/* md5.c - MD5 of several large files: CPU-heavy streaming reads.
 *
 * Models hashing big instrument files (background post 002).  One job per
 * file: open, read the file in --block sized pieces with a small ordered
 * read-ahead window, hash each piece in file order with OpenSSL's EVP MD5,
 * close.  The reference is the manifest's digest of each file, taken when
 * the file was generated.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "dataset.h"
#include "dio.h"
#include "prng.h"
#include "pymodel.h"
#include "util.h"
#include "window.h"
#include "workload.h"

/* Reads a job keeps in flight: enough to overlap a read with hashing. */
#define MD5_WINDOW 2

struct md5_data {
	struct dataset ds;
	uint64_t block;
	uint64_t seed;
	int open_flags;		/* O_RDONLY, plus O_DIRECT for --cache direct */
	unsigned align;		/* O_DIRECT: lengths are rounded up to this */
	struct prng gen;	/* generation stream of the current file */
	unsigned char expect[16];
};

enum md5_state { M_OPEN, M_OPENING, M_READ, M_CLOSE, M_CLOSING, M_DONE };

struct md5_job {
	struct job job;
	enum md5_state state;
	const struct ds_file *file;
	uint64_t block, next_off;
	const struct md5_data *d;
	int fd;
	struct op ctl;		/* the open and the close */
	struct window win;
	EVP_MD_CTX *md;
};

static int md5_fill(void *arg, size_t i, uint64_t off, void *buf, size_t len)
{
	struct md5_data *d = arg;
	uint64_t *p = buf;

	if (off == 0)
		prng_seed(&d->gen, d->seed, 0x6d6435000000ULL + i); /* per file */
	/* len is a multiple of 8 except maybe at the end of a file */
	for (size_t k = 0; k < len / 8; k++)
		p[k] = prng_next(&d->gen);
	if (len % 8) {
		uint64_t v = prng_next(&d->gen);

		memcpy((char *)buf + len / 8 * 8, &v, len % 8);
	}
	return 0;
}

/* --cache direct: O_DIRECT where the filesystem has it, --block a multiple of its alignment. */
static int md5_direct(struct wl_ctx *ctx, struct md5_data *d)
{
	int a = dio_alignment(d->ds.files[0].path);

	if (a < 0)
		return wl_error(ctx, a, "--cache direct: %s: %s", d->ds.files[0].path,
				a == -EOPNOTSUPP ? "the filesystem does not support O_DIRECT"
						 : strerror(-a));
	if (d->block % (unsigned)a)
		return wl_error(ctx, -EINVAL, "--cache direct: --block %llu is not a multiple of "
				"the %d-byte direct I/O alignment", (unsigned long long)d->block, a);
	d->open_flags |= O_DIRECT;
	d->align = (unsigned)a;
	return 0;
}

/* md5's knobs, in the order of md5_options[]. */
enum { MD5_FILES, MD5_FILE_SIZE, MD5_BLOCK };
static const struct wl_option md5_options[] = {
	[MD5_FILES] = { "files", "N", "number of files", WLO_NUM, 1, 1000000, NULL,
			{ 4, 4, 8, 16 } },
	[MD5_FILE_SIZE] = { "file-size", "SIZE", "bytes per file (K, M, G, T: binary)", WLO_SIZE,
			    1, 1ULL << 50, NULL, { 1 * MIB, 256 * MIB, 1 * GIB, 4 * GIB } },
	[MD5_BLOCK] = { "block", "SIZE", "read size", WLO_SIZE, 512, 1 * GIB, NULL,
			{ 256 * KIB, 1 * MIB, 1 * MIB, 1 * MIB } },
};

extern const struct workload workload_md5;

struct md5_knobs {
	uint64_t files, file_size, block;
};

/* Generates or reuses the files (into d->ds); @spec gets the dataset's spec. */
static int md5_dataset(struct wl_ctx *ctx, const struct md5_knobs *p, struct md5_data *d,
		       char *spec, size_t len)
{
	char **names = xcalloc(p->files, sizeof(*names)), name[96];
	uint64_t *sizes = xcalloc(p->files, sizeof(*sizes));
	int rc;

	for (size_t i = 0; i < p->files; i++) {
		names[i] = xasprintf("file-%05zu.bin", i);
		sizes[i] = p->file_size;
	}
	snprintf(name, sizeof(name), "md5-%llux%llu-s%llu", (unsigned long long)p->files,
		 (unsigned long long)p->file_size, (unsigned long long)ctx->cfg->seed);
	snprintf(spec, len, "md5 files=%llu file_size=%llu seed=%llu",
		 (unsigned long long)p->files, (unsigned long long)p->file_size,
		 (unsigned long long)ctx->cfg->seed);
	d->seed = ctx->cfg->seed;
	rc = dataset_get(ctx->cfg->dir, name, spec, p->files, names, sizes, md5_fill, d,
			 wl_ds_flags(ctx->cfg), &d->ds, ctx->msg, sizeof(ctx->msg));
	for (size_t i = 0; i < p->files; i++)
		free(names[i]);
	free(names);
	free(sizes);
	return rc;
}

static int md5_prepare(struct wl_ctx *ctx)
{
	const struct md5_knobs k = {
		.files = wl_val(ctx->cfg, &workload_md5, MD5_FILES),
		.file_size = wl_val(ctx->cfg, &workload_md5, MD5_FILE_SIZE),
		.block = wl_val(ctx->cfg, &workload_md5, MD5_BLOCK),
	}, *p = &k;
	struct md5_data *d = xcalloc(1, sizeof(*d));
	char spec[192];
	int rc = md5_dataset(ctx, p, d, spec, sizeof(spec));

	if (rc < 0) {
		free(d);
		return rc;
	}
	d->block = p->block;
	d->open_flags = O_RDONLY;
	d->align = 1;
	if (ctx->cfg->cache == CACHE_DIRECT) {
		rc = md5_direct(ctx, d);
		if (rc < 0) {
			dataset_free(&d->ds);
			free(d);
			return rc;
		}
	}
	/* the reference: the manifest's digests, combined as finish() does */
	{
		struct job_result *ref = xcalloc(d->ds.nfiles, sizeof(*ref));

		for (size_t i = 0; i < d->ds.nfiles; i++)
			memcpy(ref[i].digest, d->ds.files[i].md5, 16);
		wl_combine_digests(ctx, ref, d->ds.nfiles, d->expect);
		free(ref);
	}
	ctx->priv = d;
	ctx->njobs = d->ds.nfiles;
	ctx->files = xcalloc(d->ds.nfiles, sizeof(*ctx->files));
	for (size_t i = 0; i < d->ds.nfiles; i++)
		ctx->files[i] = d->ds.files[i].path;
	ctx->nfiles = d->ds.nfiles;
	ctx->data_bytes = d->ds.bytes;
	snprintf(ctx->spec, sizeof(ctx->spec), "%s block=%llu", spec,
		 (unsigned long long)d->block);
	return 0;
}

/*
 * Nothing is in flight when a job finishes (the completion that got here
 * is its open or close), so its read buffers go now: memory then follows
 * what a strategy keeps in flight, not how many files the run has.
 */
static void md5_finish_job(struct md5_job *j)
{
	if (!j->job.res->err)
		EVP_DigestFinal_ex(j->md, j->job.res->digest, NULL);
	win_free(&j->win);
	EVP_MD_CTX_free(j->md);
	j->md = NULL;
	j->state = M_DONE;
	j->job.res->done = true;
}

static enum job_state md5_next(struct job *job, struct op **op)
{
	struct md5_job *j = (struct md5_job *)job;
	const struct job_result *r = job->res;

	switch (j->state) {
	case M_OPEN:
		j->ctl = (struct op){ .type = OP_OPEN, .path = j->file->path,
				      .flags = j->d->open_flags, .job = job };
		j->state = M_OPENING;
		*op = &j->ctl;
		return JOB_OP;
	case M_READ:
		if (!r->err && j->next_off < j->file->size && !win_full(&j->win)) {
			struct op *rd = win_push(&j->win);
			uint64_t left = j->file->size - j->next_off;

			if (!rd) {
				job_fail(job, -ENOMEM, "md5: out of memory for read buffers");
				return md5_next(job, op);	/* now winds down */
			}
			rd->type = OP_READ;
			rd->fd = j->fd;
			rd->path = j->file->path;
			rd->off = j->next_off;
			/* O_DIRECT: the last piece is read as a whole aligned block */
			rd->len = left < j->block ? (size_t)left : j->block;
			rd->len = (rd->len + j->d->align - 1) / j->d->align * j->d->align;
			rd->job = job;
			j->next_off += rd->len;
			*op = rd;
			return JOB_OP;
		}
		/* stop reading on error, but only once nothing is in flight */
		if (j->win.inflight)
			return JOB_WAIT;
		if (!r->err && j->next_off < j->file->size)
			return JOB_WAIT;
		j->state = M_CLOSE;
		__attribute__((fallthrough));
	case M_CLOSE:
		j->ctl = (struct op){ .type = OP_CLOSE, .fd = j->fd,
				      .path = j->file->path, .job = job };
		j->state = M_CLOSING;
		*op = &j->ctl;
		return JOB_OP;
	case M_OPENING:
	case M_CLOSING:
		return JOB_WAIT;
	case M_DONE:
		break;
	}
	return JOB_DONE;
}

static void md5_complete(struct job *job, struct op *op)
{
	struct md5_job *j = (struct md5_job *)job;
	uint64_t want;
	struct op *rd;

	switch (op->type) {
	case OP_OPEN:
		if (op->res < 0) {
			job_fail_op(job, op);
			md5_finish_job(j);
			return;
		}
		j->fd = (int)op->res;
		j->state = M_READ;
		return;
	case OP_READ:
		win_done(&j->win, op);
		want = j->file->size - op->off < op->len ? j->file->size - op->off : op->len;
		if (op->res < 0)
			job_fail_op(job, op);
		else if ((uint64_t)op->res < want)
			job_fail(job, -ENODATA,
				 "read %s: file ends at byte %llu, expected %llu (changed since it was generated?)",
				 op->path, (unsigned long long)(op->off + (uint64_t)op->res),
				 (unsigned long long)j->file->size);
		/* hash in file order, whatever order reads completed in */
		while ((rd = win_peek(&j->win)) != NULL) {
			if (!job->res->err) {
				/*
				 * --model python: hashlib lets the interpreter lock go
				 * while it hashes 2 KiB or more (HASHLIB_GIL_MINSIZE,
				 * CPython's Modules/hashlib.h)
				 */
				bool lock_free = rd->res >= 2048;

				if (lock_free)
					py_release();
				EVP_DigestUpdate(j->md, rd->buf, (size_t)rd->res);	/* <= want */
				if (lock_free)
					py_reacquire();
			}
			win_pop(&j->win);
		}
		return;
	case OP_CLOSE:
		if (op->res < 0)
			job_fail_op(job, op);
		md5_finish_job(j);
		return;
	default:
		job_fail(job, -EPROTO, "md5: unexpected %s completion", op_name(op->type));
		return;
	}
}

static void md5_destroy(struct job *job)
{
	struct md5_job *j = (struct md5_job *)job;

	win_free(&j->win);
	EVP_MD_CTX_free(j->md);
	free(j);
}

static const struct job_ops md5_job_ops = {
	.next = md5_next,
	.complete = md5_complete,
	.destroy = md5_destroy,
};

static int md5_make_jobs(struct wl_ctx *ctx, struct job_result *res,
			 struct job **jobs)
{
	struct md5_data *d = ctx->priv;
	uint64_t block = ctx->block ? ctx->block : d->block;

	if (block % d->align)
		return wl_error(ctx, -EINVAL,
				"--cache direct: --block %llu is not a multiple of the %u-byte direct I/O alignment",
				(unsigned long long)block, d->align);
	for (size_t i = 0; i < ctx->njobs; i++) {
		struct md5_job *j = calloc(1, sizeof(*j));

		if (!j || win_init(&j->win, MD5_WINDOW, block) < 0 ||
		    !(j->md = EVP_MD_CTX_new())) {
			free(j);
			return wl_error(ctx, -ENOMEM, "md5: out of memory for jobs");
		}
		EVP_DigestInit_ex(j->md, EVP_md5(), NULL);
		j->job = (struct job){ .ops = &md5_job_ops, .res = &res[i], .id = (unsigned)i };
		j->file = &d->ds.files[i];
		j->block = block;
		j->d = d;
		j->fd = -1;
		jobs[i] = &j->job;
	}
	return 0;
}

static void md5_finish(struct wl_ctx *ctx, const struct job_result *res,
		       struct wl_out *out)
{
	wl_combine_digests(ctx, res, ctx->njobs, out->digest);
}

static int md5_check(struct wl_ctx *ctx, const struct wl_out *out)
{
	struct md5_data *d = ctx->priv;
	char got[33], want[33];

	if (memcmp(out->digest, d->expect, 16) == 0)
		return 0;
	hex_encode(out->digest, 16, got);
	hex_encode(d->expect, 16, want);
	return wl_error(ctx, -EBADMSG,
			"md5 digest %s does not match the manifest's %s", got, want);
}

static void md5_release(struct wl_ctx *ctx)
{
	struct md5_data *d = ctx->priv;

	if (!d)
		return;
	dataset_free(&d->ds);
	free(ctx->files);
	free(d);
	ctx->priv = NULL;
}

const struct workload workload_md5 = {
	.name = "md5",
	.desc = "MD5 of several large files (CPU-heavy streaming reads)",
	.main_op = OP_READ,
	.uses_block = true,
	.block_knob = MD5_BLOCK,
	.options = md5_options,
	.noptions = ARRAY_SIZE(md5_options),
	.prepare = md5_prepare,
	.make_jobs = md5_make_jobs,
	.finish = md5_finish,
	.check = md5_check,
	.release = md5_release,
};
