/*
 * replay_job.c - a replay job: the trace's ops in order, one at a time,
 * each after its recorded compute (replay.c has the workload around it).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hash64.h"
#include "pymodel.h"
#include "replay_int.h"
#include "util.h"

struct replay_job {
	struct job job;
	const struct replay_data *d;
	const struct rp_job *def;
	size_t next;		/* the next of def->ops to issue */
	bool busy;		/* an op is in flight */
	bool closing;		/* after a failure: closing what is open */
	int *fds;		/* per def->files; -1: closed */
	unsigned char *buf;
	uint64_t h;
	/*
	 * The replay's own CPU since its last compute, estimated from the
	 * bytes (d->hash_ps, d->fill_ps): taken out of the next recorded
	 * compute, which already holds the program's own work on those bytes.
	 * Counted on top, hashing alone made post 002's MD5 script replay 5-6%
	 * slower than the script.  What the computes can't absorb carries on.
	 */
	uint64_t owed_ns;
	struct rp_gate *gate;	/* as recorded: the order between threads; else NULL */
	const struct rp_plan *plan;	/* the cut it belongs to */
	bool waited, ended;	/* at the gate before its first op; its end told */
	bool broke;		/* its failure told to the gate */
	bool shared;		/* the op in flight is on a file other threads use */
	struct op op;
};

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * The recorded compute, as real CPU work on this thread: hashing until
 * the thread's own CPU clock has advanced by @ns.  CPU time, not wall
 * time: on a busy machine a compute takes longer, as the program's would.
 * Reading that clock is a syscall, so the work goes in batches sized from
 * the hash's measured speed, and the clock is read a few times per
 * compute, not once per piece: the compute stays user time, as the
 * program's was (read after every 4 KiB, half of it was system time).
 */
static void replay_compute(uint64_t ns, unsigned lock_free_pct)
{
	static const uint64_t block[512] = { 1 };	/* 4 KiB */
	static uint64_t piece_ns;	/* one block's hash here; racy, any value is fine */
	uint64_t start, now, h = ns, pieces;

	if (!ns)
		return;
	/* --model python, --lock-free: that share of it runs with the lock let go, after the rest */
	if (lock_free_pct && py_on) {
		uint64_t free_ns = ns * lock_free_pct / 100;

		replay_compute(ns - free_ns, 0);
		py_release();
		replay_compute(free_ns, 0);
		py_reacquire();
		return;
	}
	start = thread_cpu_ns();
	if (!__atomic_load_n(&piece_ns, __ATOMIC_RELAXED)) {
		for (int i = 0; i < 64; i++)
			h = h64(h, block, sizeof(block));
		now = thread_cpu_ns();
		__atomic_store_n(&piece_ns, (now - start) / 64 ? (now - start) / 64 : 1,
				 __ATOMIC_RELAXED);
	}
	for (now = thread_cpu_ns(); now - start < ns; now = thread_cpu_ns()) {
		/* nine tenths of what is left, then look again */
		pieces = (ns - (now - start)) * 9 / 10 / __atomic_load_n(&piece_ns, __ATOMIC_RELAXED);
		for (uint64_t i = 0; i <= pieces; i++)
			h = h64(h, block, sizeof(block));
		/* --model python: recorded compute is Python code, holding the lock */
		py_check();
	}
	__asm__ volatile("" : : "r"(h));	/* the work must happen */
}

/* d->hash_ps and d->fill_ps, from 4 MiB of each (a few ms, before any trial). */
void replay_calibrate_own_work(struct replay_data *d)
{
	enum { PIECE = 64 * 1024, ROUNDS = 64 };
	unsigned char *buf = xcalloc(1, PIECE);
	uint64_t h = 0, t0, t1, t2;

	replay_fill(1, 0, 0, buf, PIECE);	/* the pages are there before the clock runs */
	t0 = thread_cpu_ns();
	for (int i = 0; i < ROUNDS; i++)
		h = replay_hash_bytes(h, buf, PIECE);
	t1 = thread_cpu_ns();
	for (int i = 0; i < ROUNDS; i++)
		replay_fill(h, 0, (uint64_t)i * PIECE, buf, PIECE);
	t2 = thread_cpu_ns();
	d->hash_ps = (t1 - t0) * 1000 / ((uint64_t)ROUNDS * PIECE);
	d->fill_ps = (t2 - t1) * 1000 / ((uint64_t)ROUNDS * PIECE);
	free(buf);
}

/*
 * A recorded wait (the program slept): slept again, for as long, on the
 * monotonic clock.  In an event loop it holds the loop, as the
 * recorded compute does.
 */
static void replay_wait(uint64_t ns)
{
	struct timespec t;

	if (!ns)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += (time_t)(ns / 1000000000ULL);
	t.tv_nsec += (long)(ns % 1000000000ULL);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	py_release();	/* time.sleep lets the interpreter lock go */
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
		;
	py_reacquire();
}

/* Runs @o's recorded compute, less what the replay's own work already spent. */
static void replay_compute_net(struct replay_job *j, const struct it_op *o)
{
	uint64_t c = o->compute_ns > j->owed_ns ? o->compute_ns - j->owed_ns : 0;

	j->owed_ns = j->owed_ns > o->compute_ns ? j->owed_ns - o->compute_ns : 0;
	replay_compute(c, j->d->lock_free_pct);
}

static void replay_finish_job(struct replay_job *j)
{
	if (!j->job.res->err)
		wl_digest64(j->h, j->job.res->digest);
	free(j->buf);
	j->buf = NULL;
	j->job.res->done = true;
}

/* After a failure: a close for each file still open, then done. */
static enum job_state replay_wind_down(struct replay_job *j, struct op **op)
{
	for (size_t k = 0; k < j->def->nfiles; k++) {
		if (j->fds[k] < 0)
			continue;
		uint32_t f = j->def->files[k];

		j->op = (struct op){ .type = OP_CLOSE, .fd = j->fds[k], .job = &j->job,
				     .slot = (unsigned)k,
				     .path = j->d->t.files[f].out ? j->d->out_path[f] : j->d->in_path[f] };
		j->fds[k] = -1;
		j->busy = true;
		*op = &j->op;
		return JOB_OP;
	}
	if (!j->job.res->done)
		replay_finish_job(j);
	return JOB_DONE;
}

static void replay_build_op(struct replay_job *j, const struct it_op *o, unsigned local)
{
	const struct replay_data *d = j->d;
	struct op *op = &j->op;
	uint32_t f = o->file;
	bool out = d->t.files[f].out;

	*op = (struct op){ .fd = j->fds[local], .job = &j->job, .slot = local,
			   .path = out ? d->out_path[f] : d->in_path[f] };
	switch (o->type) {
	case IT_OPEN:
		/* no O_CLOEXEC: io_uring's opens into registered files refuse it */
		op->type = OP_OPEN;
		if (out) {
			op->at_fd = d->out.fd;
			op->at_name = d->out_name[f];
			op->flags = O_RDWR | O_NOFOLLOW |
				    (o->mode & IT_O_TRUNC ? O_TRUNC : 0) |
				    (j->plan->creates[j->def->ops[j->next]] ? O_CREAT | O_EXCL : 0);
			op->mode = 0644;
		} else if (d->data_fd >= 0) {
			/*
			 * the user's tree: no link anywhere on the way.  Not
			 * O_NONBLOCK, which io_uring takes as "never punt to
			 * io-wq" and answers a cold read with -EAGAIN; the type
			 * was checked in prepare, and no other user can swap a
			 * FIFO in since (out_of_reach).
			 */
			op->at_fd = d->data_fd;
			op->at_name = d->t.files[f].path;
			op->beneath = true;
			op->flags = O_RDONLY | O_NOFOLLOW;
		} else {
			op->flags = O_RDONLY;
		}
		break;
	case IT_READ:
		op->type = OP_READ;
		op->buf = j->buf;
		op->len = (size_t)o->len;
		op->off = o->off;
		break;
	case IT_WRITE:
		op->type = OP_WRITE;
		op->buf = j->buf;
		op->len = (size_t)o->len;
		op->off = o->off;
		replay_fill(d->plan.seed, f, o->off, j->buf, op->len);	/* the data: compute */
		break;
	case IT_FSYNC:
		op->type = OP_FSYNC;
		break;
	default:
		op->type = OP_CLOSE;
		break;
	}
}

static enum job_state replay_step(struct job *job, struct op **op)
{
	struct replay_job *j = (struct replay_job *)job;
	const struct it_op *o;

	if (j->busy)
		return JOB_WAIT;
	if (j->closing || job->res->err)
		return replay_wind_down(j, op);
	/* as recorded: not before the threads that ended before it started */
	if (j->gate && !j->waited) {
		py_release();	/* --model python: a thread waiting on others lets the lock go */
		replay_gate_wait(j->gate, job->id);
		py_reacquire();
		j->waited = true;
	}
	if (j->next == j->def->nops) {
		if (!job->res->done)
			replay_finish_job(j);
		return JOB_DONE;
	}
	o = &j->d->t.ops[j->def->ops[j->next]];
	/* the buffer when the job first needs it, freed when it ends: memory
	 * follows the jobs in flight, not how many files the trace has */
	if ((o->type == IT_READ || o->type == IT_WRITE) && !j->buf &&
	    !(j->buf = malloc(j->def->max_len ? (size_t)j->def->max_len : 1))) {
		job_fail(job, -ENOMEM, "replay: out of memory for a %" PRIu64 "-byte buffer",
			 j->def->max_len);
		return replay_wind_down(j, op);
	}
	/* the op first: a write's bytes are made there, and count against the compute */
	replay_build_op(j, o, j->def->local[j->next]);
	/* a file other threads use: its ops in their recorded order, on one descriptor */
	j->shared = j->gate && j->plan->fshared[o->file];
	if (j->shared) {
		int fd;

		py_release();
		fd = replay_gate_turn(j->gate, o->file, j->plan->fseq[j->def->ops[j->next]]);
		py_reacquire();
		if (o->type != IT_OPEN)
			j->op.fd = fd;
	}
	if (o->type == IT_WRITE)
		j->owed_ns += o->len * j->d->fill_ps / 1000;
	replay_compute_net(j, o);
	replay_wait(o->wait_ns);
	j->busy = true;
	*op = &j->op;
	return JOB_OP;
}

static enum job_state replay_next(struct job *job, struct op **op)
{
	struct replay_job *j = (struct replay_job *)job;
	enum job_state st = replay_step(job, op);

	if (j->gate && job->res->err && !j->broke) {
		j->broke = true;
		replay_gate_break(j->gate);
	}
	if (st == JOB_DONE && j->gate && !j->ended) {
		j->ended = true;
		replay_gate_end(j->gate, job->id);
	}
	return st;
}

static void replay_complete_op(struct job *job, struct op *op);

/*
 * A shared file's op done: the next in the recorded order may go.  The
 * descriptor is the file's, not this job's: the thread that closes it may
 * not be the one that opened it.
 */
static void replay_complete(struct job *job, struct op *op)
{
	struct replay_job *j = (struct replay_job *)job;
	bool shared = j->shared && !j->closing && !job->res->err;
	uint32_t f = shared ? j->d->t.ops[j->def->ops[j->next]].file : 0;
	int fd = op->fd;

	j->shared = false;
	replay_complete_op(job, op);
	if (!shared)
		return;
	if (op->type == OP_OPEN) {
		fd = op->res >= 0 ? (int)op->res : -1;
		j->fds[op->slot] = -1;	/* the gate holds it */
	} else if (op->type == OP_CLOSE) {
		fd = -1;
	}
	replay_gate_next(j->gate, f, fd);
}

static void replay_complete_op(struct job *job, struct op *op)
{
	struct replay_job *j = (struct replay_job *)job;
	const struct it_op *o;

	j->busy = false;
	if (j->closing || job->res->err) {
		if (op->res < 0 && !job->res->err)
			job_fail_op(job, op);
		return;
	}
	o = &j->d->t.ops[j->def->ops[j->next++]];
	if (op->res < 0) {
		job_fail_op(job, op);
		if (op->type == OP_CLOSE)
			j->fds[op->slot] = -1;
		j->closing = true;
		return;
	}
	switch (op->type) {
	case OP_OPEN:
		j->fds[op->slot] = (int)op->res;
		j->h = replay_hash_op(j->h, o, NULL, 0);
		return;
	case OP_READ:
		if ((uint64_t)op->res != o->got) {
			job_fail(job, -ENODATA, "read %s at %" PRIu64 ": got %lld bytes, the recording "
				 "got %" PRIu64 " (not the recorded data?)", op->path, o->off,
				 (long long)op->res, o->got);
			j->closing = true;
			return;
		}
		j->h = replay_hash_op(j->h, o, op->buf, (size_t)op->res);
		j->owed_ns += (uint64_t)op->res * j->d->hash_ps / 1000;
		return;
	case OP_WRITE:
		j->h = replay_hash_op(j->h, o, op->buf, (size_t)op->res);
		j->owed_ns += (uint64_t)op->res * j->d->hash_ps / 1000;
		return;
	case OP_CLOSE:
		j->fds[op->slot] = -1;
		j->h = replay_hash_op(j->h, o, NULL, 0);
		return;
	default:
		j->h = replay_hash_op(j->h, o, NULL, 0);
		return;
	}
}

static void replay_destroy(struct job *job)
{
	struct replay_job *j = (struct replay_job *)job;

	/* a trial cut short may leave fds open: its process ends with them */
	if (j->gate)
		replay_gate_put(j->gate);
	free(j->buf);
	free(j->fds);
	free(j);
}

static const struct job_ops replay_job_ops = {
	.next = replay_next,
	.complete = replay_complete,
	.destroy = replay_destroy,
};

int replay_make_jobs(struct wl_ctx *ctx, struct job_result *res, struct job **jobs)
{
	struct replay_data *d = ctx->priv;
	const struct rp_plan *p = replay_plan_of(ctx, d);
	struct rp_gate *gate = NULL;

	if (ctx->as_recorded && !d->have_rec)
		return wl_error(ctx, -EINVAL, "as recorded: %s", d->rec_why);
	/* the gate orders the threads within one process, not across ranks */
	if (p == &d->rec && d->rec_shares && ctx->share_ranks > 1)
		return wl_error(ctx, -EINVAL, "as recorded: outputs pass from one recorded thread "
				"to another, which --mpi-share split would put on different ranks: "
				"use --mpi-share each");
	if (p == &d->rec && !(gate = replay_gate_new(&d->rec_order, d->t.nfiles, p->njobs)))
		return wl_error(ctx, -ENOMEM, "replay: out of memory for jobs");
	for (size_t i = 0; i < p->njobs; i++) {
		const struct rp_job *def = &p->jobs[i];
		struct replay_job *j = calloc(1, sizeof(*j));

		if (j)
			j->fds = malloc((def->nfiles + 1) * sizeof(*j->fds));
		if (!j || !j->fds) {
			free(j);
			/* the jobs made so far hold the gate; the trial process ends with it */
			return wl_error(ctx, -ENOMEM, "replay: out of memory for jobs");
		}
		for (size_t k = 0; k < def->nfiles; k++)
			j->fds[k] = -1;
		j->job = (struct job){ .ops = &replay_job_ops, .res = &res[i], .id = (unsigned)i };
		j->d = d;
		j->def = def;
		j->plan = p;
		j->gate = gate;
		/* another rank's job never runs here: nothing waits for it */
		if (gate && !wl_mine(ctx, i)) {
			j->ended = true;
			replay_gate_end(gate, i);
		}
		jobs[i] = &j->job;
	}
	return 0;
}
