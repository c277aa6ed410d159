/* preset.c - the named dataset sizes.  README.md documents the same table. */
#include "config.h"
#include "util.h"

const char *const size_names[SIZE_NPRESETS] = { "tiny", "small", "medium", "large" };
const char *const cache_names[] = { "cold", "warm", "direct" };
const char *const sync_names[] = { "none", "fsync" };
const char *const pattern_names[] = { "random", "slab" };

struct preset {
	uint64_t md5_files, md5_file_size, block;
	uint64_t csv_files, csv_rows;
	uint64_t array_rows, array_cols, array_reads;
	uint64_t null_jobs, null_ops;
};

static const struct preset presets[SIZE_NPRESETS] = {
	/* a few MiB in all: for tests, runs in well under a second */
	[SIZE_TINY] = { 4, 1 * MIB, 256 * KIB, 50, 100, 2048, 128, 512, 16, 64 },
	/* the default: 1 GiB of md5 input, 1 GiB array */
	[SIZE_SMALL] = { 4, 256 * MIB, 1 * MIB, 2000, 500, 131072, 1024, 20000, 64, 1024 },
	[SIZE_MEDIUM] = { 8, 1 * GIB, 1 * MIB, 10000, 500, 524288, 1024, 80000, 64, 4096 },
	[SIZE_LARGE] = { 16, 4 * GIB, 1 * MIB, 50000, 1000, 2097152, 1024, 200000, 64, 16384 },
};

void preset_apply(enum size_preset size, struct wl_params *p)
{
	const struct preset *s = &presets[size];

	p->md5_files = s->md5_files;
	p->md5_file_size = s->md5_file_size;
	p->block = s->block;
	p->csv_files = s->csv_files;
	p->csv_rows = s->csv_rows;
	p->array_rows = s->array_rows;
	p->array_cols = s->array_cols;
	p->array_reads = s->array_reads;
	p->null_jobs = s->null_jobs;
	p->null_ops = s->null_ops;
}
