/*
 * array.h - what the array workload's files share (array.c: options,
 * preparation, checking; array_data.c: the array, the row selection and
 * the reference; array_job.c: a job reading its rows).  Not for others.
 */
#ifndef IOBENCH_ARRAY_H
#define IOBENCH_ARRAY_H

#include <stdint.h>

#include "dataset.h"
#include "npy.h"
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

enum array_pattern { PATTERN_RANDOM, PATTERN_SLAB };

/* The knobs as one struct, for the functions below. */
struct array_knobs {
	uint64_t rows, cols, reads;
	enum array_pattern pattern;
	const char *input;
};

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

/* array_data.c */
uint64_t array_row_off(const struct array_data *d, uint64_t i);
void array_job_range(uint64_t n, size_t njobs, size_t j, uint64_t *first, uint64_t *end);
int array_generate(struct wl_ctx *ctx, struct array_data *d, const struct array_knobs *p);
int array_open_npy(struct wl_ctx *ctx, struct array_data *d);
void array_select(struct array_data *d, uint64_t reads, enum array_pattern pattern);
void array_fold(const uint64_t *hash, const double *sum, uint64_t n, unsigned char digest[16],
		double *total);
int array_reference(struct wl_ctx *ctx, struct array_data *d);

/* array_job.c */
int array_make_jobs(struct wl_ctx *ctx, struct job_result *res, struct job **jobs);

#endif
