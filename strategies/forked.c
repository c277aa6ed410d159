/* forked.c - --workers processes made with fork(), pulling whole jobs.
 *
 * Python's multiprocessing pool, in C.  Jobs are handed out dynamically
 * through a cursor in shared memory, so one slow file does not leave the
 * other workers idle.  Results need no pipe: every job_result already
 * lives in MAP_SHARED memory that the workers inherit.  The parent waits
 * for every worker with wait4(), so a worker killed by a signal or exiting
 * early fails the trial by name.  Each worker measures the memory it adds
 * from its own start (memuse.h), so the pages it shares with the trial
 * process are not counted once per worker; the sum is what N processes
 * cost.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conc.h"
#include "memuse.h"
#include "pin.h"
#include "pymodel.h"
#include "readahead_opt.h"
#include "signals.h"
#include "strategy.h"

struct forked_shared {
	size_t next;	/* next job to claim (atomic) */
	int stop;	/* set when not every worker could be started (atomic) */
	uint64_t net_kib;	/* the workers' own peak memory, summed (atomic) */
	int mem_fail;	/* a worker could not measure its memory (atomic) */
};

static _Noreturn void forked_worker(struct strat_ctx *ctx,
				    struct forked_shared *sh, unsigned k, pid_t *pids,
				    pid_t parent)
{
	struct mem_mark mark;
	uint64_t net;
	bool mem_ok;

	free(pids);	/* the parent's bookkeeping, copied by fork */
	/* never outlive the trial: an orphan would run on into the next one */
	sig_worker_setup(parent);
	conc_proc_start(ctx->conc);
	/* --model python: a multiprocessing.Pool worker, an interpreter and a lock of its own */
	py_fork_child();
	py_enter();
	/* from here on, what this worker adds; inherited pages are the trial's */
	mem_ok = mem_mark(&mark) == 0;
	if (ctx->pin)
		pin_self(ctx->pin, "worker", k);
	while (!__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE)) {
		size_t i = __atomic_fetch_add(&sh->next, 1, __ATOMIC_RELAXED);

		if (i >= ctx->njobs)
			break;
		py_cost(PY_POOL_TASK);	/* --model python: the task's trip through the Pool */
		job_run_blocking(ctx->jobs[i], !ctx->opt[RA_OPT_OFF]);
	}
	if (mem_ok && mem_net_since(&mark, &net) == 0)
		__atomic_add_fetch(&sh->net_kib, net, __ATOMIC_RELAXED);
	else
		__atomic_store_n(&sh->mem_fail, 1, __ATOMIC_RELAXED);
	py_exit();
	conc_thread_end(ctx->conc);
	/* _exit: no atexit handlers or stdio flushes of the parent's state */
	_exit(0);
}

/* Describes how worker @k ended in ctx->msg when that was not a clean exit. */
static int judge_worker(struct strat_ctx *ctx, unsigned k, pid_t pid, int status)
{
	if (WIFSIGNALED(status)) {
		snprintf(ctx->msg, sizeof(ctx->msg),
			 "forked: worker %u (pid %ld) was killed by signal %d (%s)",
			 k, (long)pid, WTERMSIG(status), strsignal(WTERMSIG(status)));
		return -EINTR;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		snprintf(ctx->msg, sizeof(ctx->msg),
			 "forked: worker %u (pid %ld) exited with status %d", k,
			 (long)pid, WEXITSTATUS(status));
		return -ECHILD;
	}
	return 0;
}

/*
 * Waits for the @n workers in @pids; their peak memory summed into
 * *@rss_sum.  0, or the first worker's failure (judge_worker).
 */
static int reap_workers(struct strat_ctx *ctx, const pid_t *pids, unsigned n, uint64_t *rss_sum)
{
	int rc = 0;

	for (unsigned k = 0; k < n; k++) {
		struct rusage ru;
		int status, err;

		while (wait4(pids[k], &status, 0, &ru) < 0) {
			if (errno != EINTR) {
				status = 0;
				memset(&ru, 0, sizeof(ru));
				break;
			}
		}
		*rss_sum += (uint64_t)ru.ru_maxrss;
		err = judge_worker(ctx, k, pids[k], status);
		if (err && rc == 0)
			rc = err;
	}
	return rc;
}

static int forked_run(struct strat_ctx *ctx)
{
	struct forked_shared *sh;
	pid_t *pids = calloc(ctx->workers, sizeof(*pids));
	struct rusage self;
	unsigned started = 0;
	uint64_t rss_sum = 0;
	int rc = 0, err;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || !pids) {
		snprintf(ctx->msg, sizeof(ctx->msg), "forked: out of memory");
		rc = -ENOMEM;
		goto out;
	}
	/* --model python: what starting and ending a multiprocessing.Pool costs */
	py_cost(PY_POOL_START);
	fflush(NULL);
	for (; started < ctx->workers; started++) {
		pid_t me = getpid(), pid = fork();

		if (pid == 0)
			forked_worker(ctx, sh, started, pids, me);
		if (pid < 0) {
			rc = -errno;
			__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
			snprintf(ctx->msg, sizeof(ctx->msg),
				 "forked: cannot fork worker %u of %u: %s", started + 1,
				 ctx->workers, strerror(errno));
			break;
		}
		pids[started] = pid;
	}
	err = reap_workers(ctx, pids, started, &rss_sum);
	rc = rc ? rc : err;
	getrusage(RUSAGE_SELF, &self);
	ctx->peak_rss_sum_kib = rss_sum + (uint64_t)self.ru_maxrss;
	ctx->workers_net_kib = sh->net_kib;
	ctx->workers_mem_fail = sh->mem_fail || started == 0;
out:
	if (sh != MAP_FAILED)
		munmap(sh, sizeof(*sh));
	free(pids);
	return rc;
}

const struct strategy strategy_forked = {
	.name = "forked",
	.desc = "--workers processes (fork) pulling whole jobs, blocking syscalls",
	.options = readahead_options,
	.noptions = RA_OPT_N,
	.uses_workers = true,
	.jobs_per_worker = true,
	.worker_processes = true,
	.run = forked_run,
};
