/* config.h - everything `iobench run` was asked to do, after parsing. */
#ifndef IOBENCH_CONFIG_H
#define IOBENCH_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "pycost.h"

#define MAX_SELECTED 16

struct workload;
struct strategy;

enum size_preset { SIZE_TINY, SIZE_SMALL, SIZE_MEDIUM, SIZE_LARGE, SIZE_NPRESETS };
enum cache_mode { CACHE_COLD, CACHE_WARM, CACHE_DIRECT, CACHE_NMODES };

/* The registered workloads iobench can hold knobs for (registry.c). */
#define MAX_WORKLOADS 16
#define MAX_STRATEGIES 16
/* Options one workload may declare (struct wl_option, workload.h). */
#define WL_MAX_KNOBS 8

/*
 * One workload's knob values, indexed as its option table: the preset's,
 * then the user's overrides.  A path knob (--input) is in s[], NULL when
 * not given; every other knob is a number (a choice: its index) in v[].
 */
struct wl_knobs {
	uint64_t v[WL_MAX_KNOBS];
	const char *s[WL_MAX_KNOBS];
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
	/* under mpirun: how the ranks share the work, and whether this rank only uses datasets */
	enum mpi_share { SHARE_SPLIT, SHARE_EACH } share;
	bool find_only;
	bool no_plot;		/* no plots and report at the end */
	bool json_stdout;	/* --json -: the run's JSON on stdout, the rest on stderr */
	bool until_decided;	/* add rounds until the verdict is decided */
	uint64_t budget_s;	/* ...within this many seconds in all */
	/*
	 * A trial during which other processes and the hypervisor took more
	 * than this many CPUs on average is disturbed: kept, not counted
	 * (--max-interference; 0: never).  --wait-quiet: before each trial,
	 * wait up to this many seconds for the machine to be that quiet.
	 */
	double max_interference;
	uint64_t wait_quiet_s;
	/* equivalent: the ratio's interval within 1 +- margin (--margin) */
	double margin;
	const char *plots_dir;
	uint64_t seed;
	uint64_t workers;
	uint64_t qd;
	bool workers_given, qd_given;	/* fixed by the user: not tuned */
	bool no_tune;			/* --no-tune: every strategy at the defaults */
	/* --model: how the jobs' compute runs: as C, or as CPython with its lock (pymodel.h) */
	enum run_model { MODEL_C, MODEL_PYTHON } model;
	/* --model c,python: a run as C, then one as Python naming it (paired_run), one report */
	bool model_both;
	const char *paired_run;
	const char *python;		/* --python: the interpreter that measures its constructs */
	struct py_costs py_costs;	/* what it measured (pycost.h) */
	struct py_unit py_units[MAX_SELECTED];	/* per workload, as cfg->wl[] (what[0]: none) */
	/* each strategy's concurrency found by tuning, per [workload][strategy]; 0: default */
	unsigned tuned[MAX_SELECTED][MAX_SELECTED];
	bool quiet;
	struct wl_knobs knobs[MAX_WORKLOADS];	/* by the workload's place in the registry */
	struct wl_knobs st_knobs[MAX_STRATEGIES];	/* the strategies' options, likewise */
	/* iobench sweep: the values of each swept knob (one value: not swept) */
	bool sweep;
	bool profile;		/* iobench profile: the breakdown table */
	uint64_t sw_workers[MAX_SELECTED], sw_qd[MAX_SELECTED], sw_block[MAX_SELECTED];
	unsigned n_sw_workers, n_sw_qd, n_sw_block;
	/* sweep --conns, --latency-us: a run per (strategy, value), sweep_net.c */
	uint64_t sw_conns[MAX_SELECTED], sw_latency[MAX_SELECTED];
	unsigned n_sw_conns, n_sw_latency;
	bool sweep_point;	/* one run of a sweep: what its knobs deserve was said once */
	char *run_id_out;	/* when set: run_main copies the run's id here (64 bytes) */
	int argc;		/* the command line, for the JSON metadata */
	char **argv;
};

extern const char *const size_names[SIZE_NPRESETS];
extern const char *const cache_names[];
extern const char *const share_names[];

/* Fills every registered workload's knobs with the values of preset @size. */
void preset_apply(struct config *cfg, enum size_preset size);

#endif
