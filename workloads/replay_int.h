/* replay_int.h - what replay.c and replay_job.c share. */
#ifndef IOBENCH_REPLAY_INT_H
#define IOBENCH_REPLAY_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "dataset.h"
#include "iotrace.h"
#include "outdir.h"
#include "replay_order.h"
#include "replay_plan.h"
#include "workload.h"

struct replay_data {
	struct iotrace t;
	struct rp_plan plan;
	struct dataset ds;
	bool have_ds;
	int data_fd;		/* --replay-data: the user's copy, read only */
	const char *data_dir;
	struct outdir out;
	char **in_path;		/* per trace file: an input's path (stand-in or copy) */
	char **out_name;	/* per trace file: an output's name in out */
	char **out_path;	/* ...and its path, for messages */
	uint32_t *in_index;	/* per dataset file: its trace file */
	unsigned char expect[16];
	unsigned lock_free_pct;	/* --lock-free: share of the compute free of the lock */
	/*
	 * The program as recorded, for the recorded strategy (wl_ctx
	 * as_recorded): a job per recorded thread, with the order between
	 * them the trace fixes (replay_order.h).  None when two threads
	 * use an output at once: its bytes depend on an order not recorded.
	 */
	struct rp_plan rec;
	struct rp_order rec_order;
	bool have_rec;
	bool rec_shares;	/* an output passes from one thread to another */
	char rec_why[300];
	unsigned char rec_expect[16];
	/*
	 * The replay's own work per byte on this machine, picoseconds of CPU
	 * (measured in prepare): hashing what it reads and writes for the
	 * proof, and making the bytes it writes.  See replay_job.owed_ns.
	 */
	uint64_t hash_ps, fill_ps;
};

/* The plan this trial runs: the program as recorded, or the --replay-jobs cut. */
const struct rp_plan *replay_plan_of(const struct wl_ctx *ctx, const struct replay_data *d);
/* d->hash_ps and d->fill_ps, from 4 MiB of each (a few ms, before any trial). */
void replay_calibrate_own_work(struct replay_data *d);
/* The inputs: stand-ins generated into --dir, once, like every dataset (replay_inputs.c). */
int replay_standins(struct wl_ctx *ctx, struct replay_data *d);
/* --replay-data DIR: every input must be there, a regular file of its recorded size. */
int replay_copy(struct wl_ctx *ctx, struct replay_data *d);
/* Will the outputs fit in --dir?  0, or -ENOSPC (or -errno) with ctx->msg saying how much. */
int replay_outputs_fit(struct wl_ctx *ctx, struct replay_data *d);
/* The trial's jobs, as struct workload.make_jobs. */
int replay_make_jobs(struct wl_ctx *ctx, struct job_result *res, struct job **jobs);

#endif
