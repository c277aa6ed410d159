/* trial.c - fork, run, measure, check.
 *
 * A trial in its own process keeps one trial's memory and page faults
 * from leaking into the next (ru_maxrss never goes down in a process), and
 * lets a crash or a hang be one failed trial rather than a lost run.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <poll.h>
#include <sys/syscall.h>

#include "conc.h"
#include "hwcount.h"
#include "interfere.h"
#include "memuse.h"
#include "pin.h"
#include "pymodel.h"
#include "taskstats.h"
#include "signals.h"
#include "sysinfo.h"
#include "trial.h"
#include "trial_int.h"
#include "util.h"

static void *shared_alloc(size_t size)
{
	void *p = mmap(NULL, size ? size : 1, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * Waits for the trial to end without reaping it (a pidfd becomes
 * readable at exit).  Returns 0, -EINTR when
 * a signal asked us to stop (the trial is killed), or -errno.
 */
static int wait_trial(pid_t pid, siginfo_t *si)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int rc = 0;

	for (;;) {
		struct pollfd p = { .fd = pfd, .events = POLLIN };
		int r = pfd >= 0 ? poll(&p, 1, -1) : 1;	/* no pidfd: just wait */

		if (r > 0)
			break;
		if (r < 0 && errno == EINTR && sig_stop())
			break;
	}
	if (pfd >= 0)
		close(pfd);
	/* WNOWAIT: the zombie stays until its taskstats records are in */
	for (;;) {
		/* interrupted: the trial and its workers go, the trial is lost */
		if (sig_stop() && rc == 0) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);	/* in case setpgid had not run yet */
			rc = -EINTR;
		}
		if (waitid(P_PID, (id_t)pid, si, WEXITED | WNOWAIT) == 0)
			return rc;
		if (errno != EINTR)
			return -errno;
	}
}

/*
 * Kills what is left of the trial's process group (workers orphaned by a
 * trial that died first come back to us, the subreaper) and reaps it, so
 * the next trial starts with none of this one's processes alive.
 */
static void reap_tree(pid_t pgid)
{
	for (int i = 0; i < 2000; i++) {
		if (kill(-pgid, SIGKILL) < 0 && errno == ESRCH)
			return;
		while (waitpid(-pgid, NULL, WNOHANG) > 0)
			;
		usleep(500);
	}
	errmsg("warning: processes of trial %ld would not die", (long)pgid);
}

/*
 * Run, run-queue, block-I/O and other time, from the tree's exit records;
 * n/a unless delay accounting was on at both ends of the trial (@da_on).
 */
static void breakdown(pid_t pid, uint64_t ring_wait_ns, bool da_on, struct trial_rec *rec)
{
	struct ts_sum s;

	rec->ring_wait_s = (double)ring_wait_ns / 1e9;
	rec->io_workers = -1;	/* n/a unless taskstats counts them */
	rec->sqpoll_cpu_s = -1;
	if (!ts_active())
		return;
	ts_collect(pid, ring_wait_ns, &s);
	rec->io_workers = (int)s.io_workers;
	rec->sqpoll_cpu_s = (double)s.sqpoll_cpu_ns / 1e9;
	rec->delay_ok = s.tasks > 0 && da_on;
	rec->runq_wait_s = (double)s.runq_ns / 1e9;
	rec->blkio_wait_s = (double)s.blkio_ns / 1e9;
	rec->task_s = (double)s.task_ns / 1e9;
	rec->delay_glitches = s.glitches;
	/* CPU from rusage: the kernel's per-task run time is only tick-exact */
	/* the ring wait ts_collect took out of block I/O is shown on its own */
	rec->other_s = rec->task_s - (rec->user_s + rec->sys_s) - rec->runq_wait_s -
		       rec->blkio_wait_s - rec->ring_wait_s;
	if (rec->other_s < 0)
		rec->other_s = 0;
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void fill_usage(struct trial_rec *rec, const struct rusage *ru)
{
	rec->user_s = tv_s(ru->ru_utime);
	rec->sys_s = tv_s(ru->ru_stime);
	rec->peak_rss_kib = (uint64_t)ru->ru_maxrss;
	rec->minor_faults = (uint64_t)ru->ru_minflt;
	rec->major_faults = (uint64_t)ru->ru_majflt;
	rec->vol_ctx = (uint64_t)ru->ru_nvcsw;
	rec->invol_ctx = (uint64_t)ru->ru_nivcsw;
}

static void judge(const struct workload *wl, struct wl_ctx *wctx,
		  const struct strategy *st, const struct trial_out *out,
		  const siginfo_t *si, struct trial_rec *rec)
{
	int rc;

	rec->valid = false;
	if (rec->stopped) {
		snprintf(rec->error, sizeof(rec->error),
			 "iobench or the trial was stopped and resumed (SIGSTOP, SIGTSTP: SIGCONT "
			 "seen) during the trial: its wall time is not the strategy's");
		return;
	}
	if (si->si_code == CLD_KILLED || si->si_code == CLD_DUMPED) {
		snprintf(rec->error, sizeof(rec->error),
			 "trial process killed by signal %d (%s)", si->si_status,
			 strsignal(si->si_status));
		return;
	}
	if (out->err) {
		snprintf(rec->error, sizeof(rec->error), "%s",
			 out->msg[0] ? out->msg : strerror(-out->err));
		return;
	}
	if (si->si_status != 0) {
		snprintf(rec->error, sizeof(rec->error),
			 "trial process exited with status %d", si->si_status);
		return;
	}
	if (st->no_io) {
		snprintf(rec->error, sizeof(rec->error),
			 "strategy %s performs no I/O: result not checked", st->name);
		return;
	}
	wctx->server_late_us = wctx->server_late_max_us = -1;
	wctx->foreign = 0;
	rc = wl->check(wctx, &out->wl);
	rec->server_late_us = wctx->server_late_us;
	rec->server_late_max_us = wctx->server_late_max_us;
	rec->foreign_conns = wctx->foreign;
	if (rc < 0) {
		snprintf(rec->error, sizeof(rec->error), "%s", wctx->msg);
		return;
	}
	rec->valid = true;
}

/* What the trial process handed back, into the record. */
static void copy_out(const struct trial_out *out, const struct trial_opts *o,
		     struct trial_rec *rec)
{
	rec->peak_rss_sum_kib = out->peak_rss_sum_kib ? out->peak_rss_sum_kib
						     : rec->peak_rss_kib;
	rec->gil_wait_s = o->py_model ? (double)out->gil_wait_ns / 1e9 : -1;
	rec->mem_ok = out->mem_ok;
	rec->mem_base_kib = out->mem_base_kib;
	rec->mem_net_kib = out->mem_net_kib;
	rec->io_ok = out->io_ok;
	rec->read_bytes = out->read_bytes;
	rec->write_bytes = out->write_bytes;
	rec->threads_max = (unsigned)out->conc.threads_ran;
	rec->procs = (unsigned)out->conc.procs;
	rec->latency_on = o->latency;
	rec->ops = out->ops;
	rec->bytes = out->bytes_read + out->bytes_written;
	rec->mib_per_s = rec->wall_s > 0 ? (double)rec->bytes / MIB / rec->wall_s : 0;
	rec->ops_per_s = rec->wall_s > 0 ? (double)rec->ops / rec->wall_s : 0;
	rec->sum = out->wl.sum;
	hex_encode(out->wl.digest, 16, rec->digest);
	for (int t = 0; t < OP_NTYPES; t++) {
		lat_percentiles(&out->lat.h[t], &rec->lat[t]);
		lat_percentiles(&out->lat.svc[t], &rec->svc[t]);
		rec->ops_by_type[t] = out->ops_by_type[t];
		/* Little's law: the mean number in flight is total latency / time */
		if (out->run_ns)
			rec->inflight_avg += (double)out->lat.h[t].sum_ns / (double)out->run_ns;
	}
	rec->inflight_max = out->lat.inflight_max;
	rec->bytes_read = out->bytes_read;
	rec->bytes_written = out->bytes_written;
	rec->failed_requests = out->wl.failed;
	rec->io_uring_enters = out->io_uring_enters;
	rec->io_uring_sqes = out->tp[TP_URING_IOWQ] >= 0 ? (int64_t)out->io_uring_sqes : -1;
	rec->io_uring_iowq = out->tp[TP_URING_IOWQ];
	memcpy(rec->hw, out->hw, sizeof(rec->hw));
	snprintf(rec->hw_why, sizeof(rec->hw_why), "%s", out->hw_why);
	if (o->pin)
		pin_describe(&out->pins, rec->pins, sizeof(rec->pins));
}

/* The hypervisor's steal since @t0 (UINT64_MAX: unknown), in s; -1 when n/a. */
static double steal_since(uint64_t t0)
{
	uint64_t t1;

	if (t0 == UINT64_MAX || sysinfo_steal_ns(&t1) < 0 || t1 < t0)
		return -1;
	return (double)(t1 - t0) / 1e9;
}

double trial_interference(const struct trial_rec *t)
{
	if ((t->other_cpu_s < 0 && t->steal_s < 0) || !(t->wall_s > 0))
		return NAN;
	return (fmax(t->other_cpu_s, 0) + fmax(t->steal_s, 0)) / t->wall_s;
}

bool trial_disturbed(const struct trial_rec *t, double max_cpus)
{
	double cpus = trial_interference(t);

	/* the counters' own steps are no evidence of anything */
	return max_cpus > 0 && isfinite(cpus) &&
	       cpus - INTERFERE_RES_S / t->wall_s > max_cpus &&
	       !(t->idle_cpu_s >= 0 && t->idle_cpu_s / t->wall_s >= TRIAL_IDLE_FREE);
}

/* What a caller gathering ranks needs beyond the record: digests, histograms. */
static void hand_back(const struct wl_ctx *wctx, const struct trial_opts *o,
		      const struct trial_out *out, const struct job_result *res)
{
	for (size_t i = 0; o->digests && i < wl_njobs(wctx); i++)
		memcpy(o->digests[i], res[i].digest, 16);
	if (o->lat)
		*o->lat = out->lat;
}

/* What ran, and with which settings. */
static void rec_what(const struct workload *wl, const struct wl_ctx *wctx,
		     const struct strategy *st, const struct trial_opts *o, struct trial_rec *rec)
{
	rec->workload = wl->name;
	rec->strategy = st->name;
	rec->workers = o->workers;
	rec->qd = o->qd;
	rec->cache = o->cache;
	rec->main_op = wl->main_op;
	rec->block = wl->uses_block ? (o->block ? o->block : wl_val(wctx->cfg, wl, wl->block_knob)) : 0;
}

/*
 * The trial process @pid has exited, between @t0 and @t1: reaped with its
 * tree, its CPU and memory, and what ran beside it since mark @m0.
 */
static void reaped(pid_t pid, const struct interfere_mark *m0, uint64_t t0, uint64_t t1,
		   struct trial_rec *rec)
{
	struct interfere_mark m1;
	struct interfere itf;
	struct rusage ru;

	interfere_mark(&m1, pid);
	while (wait4(pid, NULL, 0, &ru) < 0 && errno == EINTR)
		;
	reap_tree(pid);
	rec->t_start_ns = t0;
	rec->t_end_ns = t1;
	rec->wall_s = (double)(t1 - t0) / 1e9;
	fill_usage(rec, &ru);
	interfere_since(m0, &m1, rec->user_s + rec->sys_s, &itf);
	rec->other_cpu_s = itf.other_cpu_s;
	rec->psi_cpu_s = itf.psi_cpu_s;
	rec->psi_io_s = itf.psi_io_s;
	rec->idle_cpu_s = itf.idle_cpu_s;
}

/* What the parent reads before a trial, to take differences after it. */
struct marks {
	uint64_t steal0;
	unsigned conts0;
	bool da_on;
	struct interfere_mark m0;
};

static void marks_take(struct marks *m)
{
	ts_discard();
	/* machine-wide, so a neighbour on the host shows in every trial alike */
	m->steal0 = sysinfo_steal_ns(&m->steal0) == 0 ? m->steal0 : UINT64_MAX;
	m->conts0 = sig_conts();
	m->da_on = !ts_active() || ts_delayacct_check();
	/* its /proc reads before the barrier: the barrier is the last thing before the clock */
	interfere_mark(&m->m0, 0);
}

int trial_run(const struct workload *wl, struct wl_ctx *wctx,
	      const struct strategy *st, const struct trial_opts *o,
	      struct trial_rec *rec)
{
	size_t nres = (wl_njobs(wctx) ? wl_njobs(wctx) : 1) * sizeof(struct job_result);
	struct trial_out *out = shared_alloc(sizeof(*out));
	struct job_result *res = shared_alloc(nres);
	struct marks m;
	siginfo_t si;
	uint64_t t0, t1;
	pid_t pid;
	int rc = 0;

	if (!out || !res) {
		if (o->ready)
			o->ready();	/* the others wait at the barrier for us */
		rc = -ENOMEM;
		goto out_unmap;
	}
	wctx->as_recorded = st->as_recorded;	/* run_one set it already; tests call us directly */
	rec_what(wl, wctx, st, o, rec);
	fflush(NULL);
	marks_take(&m);
	if (o->ready)
		o->ready();
	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		goto out_unmap;
	}
	if (pid == 0)
		trial_child(wl, wctx, st, o, out, res);
	rc = wait_trial(pid, &si);
	if (rc < 0) {
		/* stopped by a signal: the trial is killed; reap it and its tree */
		waitpid(pid, NULL, 0);
		reap_tree(pid);
		goto out_unmap;
	}
	t1 = now_ns();
	rec->steal_s = steal_since(m.steal0);
	reaped(pid, &m.m0, t0, t1, rec);
	rec->stopped = sig_conts() != m.conts0 || out->stopped;
	breakdown(pid, out->ring_wait_ns, m.da_on && (!ts_active() || ts_delayacct_check()), rec);
	copy_out(out, o, rec);
	judge(wl, wctx, st, out, &si, rec);
	hand_back(wctx, o, out, res);
out_unmap:
	if (out)
		munmap(out, sizeof(*out));
	if (res)
		munmap(res, nres);
	return rc;
}
