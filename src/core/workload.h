/* workload.h - what a workload provides to the harness.
 *
 * A workload owns its dataset (generated once, outside any timing), turns a
 * trial into jobs (workloads/ files), folds the jobs' results into one
 * digest, and checks that digest against a reference computed without the
 * strategy under test.  It never issues I/O of its own inside a trial.
 */
#ifndef IOBENCH_WORKLOAD_H
#define IOBENCH_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "job.h"
#include "option.h"

#define MSG_MAX 512
#define WL_MAX_FACTS 32

/*
 * A fact a workload states about its run, by name: the run's JSON keeps
 * them (datasets[].facts) so the report reads numbers, never the spec's
 * text.  A number, or a string when str[0].
 */
struct wl_fact {
	const char *key;
	uint64_t num;
	char str[64];
};

/* What a workload's jobs add up to in a trial: finish writes it, check reads it. */
struct wl_out {
	unsigned char digest[16];	/* the jobs' results folded (wl_combine_digests) */
	double sum;			/* array: the values read, added up */
	uint64_t failed;		/* requests answered with an error (job_result), summed */
};

/* One workload's state for a whole run, owned by the harness. */
struct wl_ctx {
	const struct config *cfg;
	void *priv;
	char spec[512];		/* "md5 files=4 file_size=268435456 ...": shown, never parsed */
	struct wl_fact facts[WL_MAX_FACTS];	/* what the report may read (wl_fact_num) */
	unsigned nfacts;
	char **files;		/* dataset files, for cache control */
	size_t nfiles;
	uint64_t data_bytes;	/* bytes in the dataset files */
	size_t njobs;
	/*
	 * Jobs as the recorded program ran them (replay: one per recorded
	 * thread), for a strategy with the as_recorded trait; 0: none, and
	 * such a strategy gets the njobs above.  Set by prepare.
	 */
	size_t njobs_recorded;
	/* This trial's strategy has the as_recorded trait: set before before_trial. */
	bool as_recorded;
	uint64_t block;		/* this trial's --block (sweeps change it) */
	/*
	 * The jobs this process runs: job i iff i % share_ranks == share_rank.
	 * One process runs them all (0 of 1); under `mpirun --mpi-share split`
	 * the ranks divide them.  Set before prepare, which computes the
	 * reference of exactly these jobs (wl_mine, wl_combine_digests).
	 */
	unsigned share_rank, share_ranks;
	char msg[MSG_MAX];	/* why prepare/before_trial/check failed */
	/*
	 * This run's jobs create files: the workload's trait, set before
	 * prepare, which may clear it (replay: a trace that writes nothing).
	 */
	bool creates_files;
	/*
	 * Set by check, for the trial it checked (net): the server's own delay
	 * per answer beyond its service time, mean and largest, µs.  The
	 * harness sets both to -1 (n/a) before check.
	 */
	double server_late_us, server_late_max_us;
	/*
	 * Set by check (net): connections from outside the run that reached
	 * the server during the trial and were dropped; the harness sets it
	 * to 0 before check, and a trial with any is disturbed.
	 */
	uint64_t foreign;
};

/* The knobs of a workload with connections, as indices into its options. */
struct wl_conns {
	size_t conns;		/* connections, a job each */
	size_t requests;	/* exchanges per trial, shared by the connections */
	size_t latency_us;	/* the server's service time per request */
	size_t timeout_ms;	/* a step not done in this many ms fails */
};

struct workload {
	const char *name;
	const char *desc;
	/* Its knobs (at most WL_MAX_KNOBS). */
	const struct wl_option *options;
	size_t noptions;
	/*
	 * Parent, after parsing, for a selected workload: do its knobs make
	 * sense together?  0, or -EINVAL with one line in @err.  May be NULL.
	 */
	int (*validate)(const struct wl_knobs *k, char *err, size_t len);
	/* The op whose latency the results show: what the workload waits on. */
	enum op_type main_op;
	/*
	 * Reads in --block pieces, so `sweep --block` applies to it; its own
	 * read size is its option block_knob (an index into options).
	 */
	bool uses_block;
	size_t block_knob;
	/*
	 * Creates (and before the next trial deletes) many files: its trials
	 * pay for earlier deletions where the filesystem makes them (ext4
	 * without a journal), which the run warns about.
	 */
	bool creates_files;
	/*
	 * Runs only when named, never in --workload all: null measures the
	 * harness; net needs its server and takes minutes at default sizes.
	 */
	bool opt_in;
	/*
	 * Its jobs come from a recorded program (replay): the as_recorded
	 * strategy, which runs them as the program did, is its baseline.
	 */
	bool has_recorded;
	/*
	 * Its jobs each hold a connection (net): "Applying it" gives the
	 * socket forms, with a connection per job, and `sweep --conns` and
	 * `--latency-us` set the knobs this names.  NULL: no connections.
	 */
	const struct wl_conns *connections;
	/*
	 * Parent, untimed: validates the knobs, generates the dataset or
	 * reuses a matching one, computes the reference result, fills spec,
	 * files and njobs.  Returns 0 or -errno with ctx->msg set.
	 */
	int (*prepare)(struct wl_ctx *ctx);
	/* Parent, untimed, before each trial (csv empties its output).  May be NULL. */
	int (*before_trial)(struct wl_ctx *ctx);
	/*
	 * Trial process: builds ctx->njobs jobs, job i reporting into res[i].
	 * Returns 0 or -errno.
	 */
	int (*make_jobs)(struct wl_ctx *ctx, struct job_result *res, struct job **jobs);
	/* Trial process: folds the jobs' results into out->digest and out->sum. */
	void (*finish)(struct wl_ctx *ctx, const struct job_result *res,
		       struct wl_out *out);
	/*
	 * Parent, untimed, after each trial: 0 when out matches the
	 * reference, else -EBADMSG (or -errno) with ctx->msg saying why.
	 */
	int (*check)(struct wl_ctx *ctx, const struct wl_out *out);
	/* Parent: frees priv and anything the trial left on disk.  May be NULL. */
	void (*release)(struct wl_ctx *ctx);
	/*
	 * --model python, parent, after prepare: one unit of the compute as a
	 * Python program writes it (pycost.h: what, setup, stmt) and the same
	 * unit's time in this workload's C code (c_s, wl_time_unit), for the
	 * model to spend Python's extra per unit (py_units, in the jobs).
	 * NULL: the compute costs the same in both (md5's hashing is hashlib's
	 * C; a replay's compute is the recorded program's own time).
	 */
	void (*py_unit)(const struct wl_ctx *ctx, struct py_unit *u);
};

/* Seconds per call of @fn(@arg): batches of at least 10 ms, the median of 5. */
double wl_time_unit(void (*fn)(void *arg), void *arg);

/* Knob @opt (an index into @wl's option table) of @wl in @cfg. */
uint64_t wl_val(const struct config *cfg, const struct workload *wl, unsigned opt);
const char *wl_str(const struct config *cfg, const struct workload *wl, unsigned opt);
/*
 * By name, for the tests: the harness never names a workload's knob, it
 * finds the ones it sets by the roles the workload declares (block_knob,
 * connections).  Knob @name of @wl, or 0 when @wl has none by that name;
 * its index in the option table, or -1.
 */
uint64_t wl_knob(const struct config *cfg, const struct workload *wl, const char *name);
int wl_knob_index(const struct workload *wl, const char *name);
/* The knobs of @wl in @cfg (NULL if @wl is not registered). */
struct wl_knobs *wl_knobs(struct config *cfg, const struct workload *wl);

/* The dataset_get flags the configuration asks for (DS_VERIFY, DS_FIND_ONLY). */
unsigned wl_ds_flags(const struct config *cfg);

/* Sets ctx->msg and returns err (for "return wl_error(ctx, -ENOENT, ...)"). */
int wl_error(struct wl_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Stores a 64-bit verification hash as a job digest (little-endian, zero-padded). */
void wl_digest64(uint64_t h, unsigned char out[16]);

/* States fact @key (a string literal) as the number @v, or as the string @s. */
void wl_fact_num(struct wl_ctx *ctx, const char *key, uint64_t v);
void wl_fact_str(struct wl_ctx *ctx, const char *key, const char *s);
/* The spec "NAME KEY=VALUE ..." of the facts stated so far, in their order. */
void wl_spec_from_facts(struct wl_ctx *ctx, const char *name);

/* The jobs this trial makes: njobs, or njobs_recorded for an as_recorded strategy. */
size_t wl_njobs(const struct wl_ctx *ctx);

/* Is job @i one of this process's (see share_rank)? */
bool wl_mine(const struct wl_ctx *ctx, size_t i);

/*
 * MD5 over the digests of this process's jobs among res[0..n), in job
 * order: how every workload combines them.
 */
void wl_combine_digests(const struct wl_ctx *ctx, const struct job_result *res, size_t n,
			unsigned char out[16]);

#endif
