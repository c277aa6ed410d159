/* config.h - everything `iobench run` was asked to do, after parsing. */
#ifndef IOBENCH_CONFIG_H
#define IOBENCH_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#define MAX_SELECTED 16

struct workload;
struct strategy;

enum size_preset { SIZE_TINY, SIZE_SMALL, SIZE_MEDIUM, SIZE_LARGE, SIZE_NPRESETS };
enum cache_mode { CACHE_COLD, CACHE_WARM, CACHE_DIRECT, CACHE_NMODES };
enum csv_sync { SYNC_NONE, SYNC_FSYNC };
enum array_pattern { PATTERN_RANDOM, PATTERN_SLAB };

/* The dataset and per-workload knobs: a preset, then the user's overrides. */
struct wl_params {
	uint64_t md5_files;
	uint64_t md5_file_size;
	uint64_t block;		/* md5 read size */
	uint64_t csv_files;
	uint64_t csv_rows;
	enum csv_sync sync;
	uint64_t array_rows;
	uint64_t array_cols;
	uint64_t array_reads;
	enum array_pattern pattern;
	const char *input;	/* user's own .npy, or NULL */
	uint64_t null_jobs;
	uint64_t null_ops;	/* per job */
};

struct config {
	const struct workload *wl[MAX_SELECTED];
	unsigned n_wl;
	const struct strategy *st[MAX_SELECTED];
	unsigned n_st;
	const char *dir;
	bool dir_given;
	const char *results_dir;
	enum size_preset size;
	enum cache_mode cache;
	uint64_t repeat;
	uint64_t warmup;	/* uncounted trials before the counted ones */
	bool shuffle;		/* random order within each round */
	bool drop_caches;	/* cold: also write 3 to /proc/sys/vm/drop_caches */
	bool pin;		/* bind threads and processes to distinct cores */
	bool no_latency;	/* don't time each op */
	bool verify_data;	/* check dataset MD5s against the manifest, not just sizes */
	bool no_plot;		/* no plots and report at the end */
	bool until_decided;	/* add rounds until the verdict is decided */
	uint64_t budget_s;	/* ...within this many seconds in all */
	const char *plots_dir;
	uint64_t seed;
	uint64_t workers;
	uint64_t qd;
	bool quiet;
	struct wl_params p;
	/* iobench sweep: the values of each swept knob (one value: not swept) */
	bool sweep;
	bool profile;		/* iobench profile: the breakdown table */
	uint64_t sw_workers[MAX_SELECTED], sw_qd[MAX_SELECTED], sw_block[MAX_SELECTED];
	unsigned n_sw_workers, n_sw_qd, n_sw_block;
	int argc;		/* the command line, for the JSON metadata */
	char **argv;
};

extern const char *const size_names[SIZE_NPRESETS];
extern const char *const cache_names[];
extern const char *const sync_names[];
extern const char *const pattern_names[];

/* Fills @p with the preset's dataset sizes. */
void preset_apply(enum size_preset size, struct wl_params *p);

#endif
