/* trial_child.c - the trial process: its counters, the strategy's run, the jobs' results (trial.c forks it). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "conc.h"
#include "hwcount.h"
#include "memuse.h"
#include "pin.h"
#include "pymodel.h"
#include "signals.h"
#include "tpcount.h"
#include "trial.h"
#include "trial_int.h"
#include "util.h"

/* Folds the jobs' results into @out; the first failing job names the cause. */
static void collect(const struct wl_ctx *wctx, const struct job_result *res, size_t n,
		    struct trial_out *out)
{
	for (size_t i = 0; i < n; i++) {
		const struct job_result *r = &res[i];

		if (!wl_mine(wctx, i))
			continue;	/* another rank's */
		out->ops += r->ops;
		out->bytes_read += r->bytes_read;
		out->bytes_written += r->bytes_written;
		out->wl.failed += r->failed;
		for (int t = 0; t < OP_NTYPES; t++)
			out->ops_by_type[t] += r->ops_by_type[t];
		if (out->err)
			continue;
		if (r->err) {
			out->err = r->err;
			snprintf(out->msg, sizeof(out->msg), "%s", r->msg);
		} else if (!r->done) {
			out->err = -EPROTO;
			snprintf(out->msg, sizeof(out->msg),
				 "job %zu did not finish (strategy bug)", i);
		}
	}
}

static int hw_fds[HW_N];
static int tp_fds[TP_N];

/* Counters on the trial process, inherited by its threads and workers. */
static void hw_fds_init(struct trial_out *out)
{
	if (hw_start(hw_fds, out->hw_why, sizeof(out->hw_why)) < 0)
		for (int i = 0; i < HW_N; i++)
			out->hw[i] = -1;
}

/*
 * Storage bytes this process and its reaped children caused so far
 * (/proc/self/io: readable by the process itself, root or not; the
 * kernel adds a child's counts to its parent's when it is reaped).
 */
static int read_self_io(uint64_t *rd, uint64_t *wr)
{
	char line[128];
	int found = 0;
	FILE *f = fopen("/proc/self/io", "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if (sscanf(line, "read_bytes: %llu", &v) == 1) {
			*rd = v;
			found |= 1;
		} else if (sscanf(line, "write_bytes: %llu", &v) == 1) {
			*wr = v;
			found |= 2;
		}
	}
	fclose(f);
	return found == 3 ? 0 : -ENOENT;
}

/* The trial process's counters and pinning, before any job exists. */
static void child_setup(struct wl_ctx *wctx, const struct trial_opts *o, struct trial_out *out)
{
	sig_child_setup(&out->stopped);
	out->conc = (struct conc_counts){ .threads = 1, .threads_ran = 1, .procs = 1 };
	hw_fds_init(out);
	wctx->block = o->block;
	/*
	 * The trial's own thread: the loop or the only thread, on core 0.  The
	 * pools of threaded and forked number their workers from 0 as well:
	 * this thread only waits for them there.
	 */
	if (o->pin)
		pin_self(&out->pins, "trial", 0);
}

/*
 * The strategy's run, measured: its storage I/O (/proc/self/io) and the
 * memory it adds are taken right around it.  Returns run()'s result.
 */
static int measured_run(const struct strategy *st, struct strat_ctx *sc, struct trial_out *out)
{
	uint64_t rd0, wr0, rd1, wr1, net, t0;
	struct mem_mark mark;
	bool io_ok, mem_ok;
	int rc;

	/* what the strategy adds, not the harness's pages inherited by fork */
	io_ok = read_self_io(&rd0, &wr0) == 0;
	/* last before the run: reading the counters touched stdio's pages */
	mem_ok = mem_mark(&mark) == 0;
	t0 = now_ns();
	rc = st->run(sc);
	out->run_ns = now_ns() - t0;
	/* first, before anything else touches new pages */
	if (mem_ok && !sc->workers_mem_fail && mem_net_since(&mark, &net) == 0) {
		out->mem_ok = true;
		out->mem_base_kib = mark.base_kib;
		out->mem_net_kib = net + sc->workers_net_kib;
	}
	out->io_uring_enters = sc->io_uring_enters;
	out->io_uring_sqes = sc->io_uring_sqes;
	out->ring_wait_ns = sc->ring_wait_ns;
	/* the workers are reaped by now: their I/O is counted in ours */
	if (io_ok && read_self_io(&rd1, &wr1) == 0) {
		out->io_ok = true;
		out->read_bytes = rd1 - rd0;
		out->write_bytes = wr1 - wr0;
	}
	out->peak_rss_sum_kib = sc->peak_rss_sum_kib;
	return rc;
}

/* Keeps in @jobs, in order, only this process's share of them; returns how many. */
static size_t keep_mine(const struct wl_ctx *wctx, struct job **jobs, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (wl_mine(wctx, i))
			jobs[k++] = jobs[i];
	return k;
}

/* @res: njobs results in memory the parent reads after the trial (trial_run). */
_Noreturn void trial_child(const struct workload *wl,
				  struct wl_ctx *wctx,
				  const struct strategy *st,
				  const struct trial_opts *o, struct trial_out *out,
				  struct job_result *res)
{
	size_t n = wl_njobs(wctx);
	struct job **jobs = calloc(n ? n : 1, sizeof(*jobs));
	static const uint64_t no_opts[WL_MAX_KNOBS];
	struct strat_ctx sc = { .jobs = jobs, .workers = o->workers, .qd = o->qd,
				.pin = o->pin ? &out->pins : NULL, .conc = &out->conc,
				.lat = o->latency ? &out->lat : NULL,
				.opt = o->st_opt ? o->st_opt : no_opts };
	char tp_why[128];
	int rc;

	child_setup(wctx, o, out);
	if (o->py_model)
		py_model_start(&out->gil_wait_ns, o->py_cost, o->py_unit_s);
	if (!jobs) {
		out->err = -ENOMEM;
		snprintf(out->msg, sizeof(out->msg), "trial: out of memory for %zu jobs", n);
		_exit(1);
	}
	rc = wl->make_jobs(wctx, res, jobs);
	if (rc < 0) {
		out->err = rc;
		snprintf(out->msg, sizeof(out->msg), "%s", wctx->msg);
		_exit(1);
	}
	/* the others' jobs are made (cheap: buffers come on first use) but never run */
	sc.njobs = keep_mine(wctx, jobs, n);
	for (size_t i = 0; i < sc.njobs; i++)
		jobs[i]->lat = sc.lat;
	/* before the ring threads exist, so they inherit the counters */
	if (!st->uses_qd || !o->count_iowq || tp_start(tp_fds, tp_why, sizeof(tp_why)) < 0)
		for (int i = 0; i < TP_N; i++)
			out->tp[i] = -1;	/* n/a: null in the JSON */
	rc = measured_run(st, &sc, out);
	hw_read(hw_fds, out->hw);
	if (out->tp[0] != -1)
		tp_read(tp_fds, out->tp);
	collect(wctx, res, n, out);
	if (rc < 0) {
		/* the strategy's own failure explains the jobs' */
		out->err = rc;
		snprintf(out->msg, sizeof(out->msg), "%s", sc.msg);
	}
	if (!out->err)
		wl->finish(wctx, res, &out->wl);
	/* no free(): the process ends here, and _exit skips the stdio flush
	 * that would print the parent's buffered output twice */
	_exit(out->err ? 1 : 0);
}
