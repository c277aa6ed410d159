/* howto.c - see howto.h. */
#include <errno.h>
#include <string.h>

#include "howto.h"
#include "registry.h"
#include "strategy.h"

int howto_hints(const struct strategy *st, unsigned workers, unsigned qd, char *py, size_t pylen,
		char *c, size_t clen)
{
	if (!st || st->no_io)
		return -ENOENT;
	if (st->baseline) {
		snprintf(py, pylen, "a plain loop: `for path in files: work(path)`");
		snprintf(c, clen, "a loop on one thread, blocking read()/write()");
	} else if (st->uses_qd) {
		/* a ring: the standard library has none; say so, and what comes closest */
		snprintf(py, pylen, "no standard-library io_uring: the nearest is "
			 "`concurrent.futures.ThreadPoolExecutor(max_workers=%u)` (the ops in "
			 "flight here), or a third-party liburing binding", workers * qd);
		snprintf(c, clen, "liburing: %u thread%s, each with `io_uring_queue_init(%u, ...)` "
			 "and its own jobs", workers, workers == 1 ? "" : "s", qd);
	} else if (st->one_loop_thread) {
		snprintf(py, pylen, "`asyncio`: compute in the coroutines, file I/O through "
			 "`await loop.run_in_executor(ThreadPoolExecutor(max_workers=%u), ...)`",
			 workers);
		snprintf(c, clen, "libuv: `uv_fs_*` requests on its pool (`UV_THREADPOOL_SIZE=%u`), "
			 "compute in the callbacks", workers);
	} else if (st->worker_processes) {
		snprintf(py, pylen, "`multiprocessing.Pool(%u)` (or `ProcessPoolExecutor(max_workers="
			 "%u)`), one file per task", workers, workers);
		snprintf(c, clen, "`fork()` %u workers, each taking the next file from a shared "
			 "counter", workers);
	} else {
		/* file reads and hashlib's large updates release the GIL; pure-Python compute does not */
		snprintf(py, pylen, "`concurrent.futures.ThreadPoolExecutor(max_workers=%u)`, one "
			 "file per task (if your compute is pure Python, it holds the GIL: use "
			 "processes)", workers);
		snprintf(c, clen, "a pthreads pool of %u, each thread taking the next file", workers);
	}
	return 0;
}

void howto_table(FILE *f, const struct run_data *rd, const char **wls, size_t nw)
{
	fputs("## Applying it\n\n| workload | recommended | in Python | in C |\n|---|---|---|---|\n", f);
	for (size_t w = 0; w < nw; w++) {
		const struct strat_summary *r = NULL;
		char py[320], c[320];

		for (size_t i = 0; i < rd->sum.n; i++)
			if (!strcmp(rd->sum.rows[i].workload, wls[w]) && rd->sum.rows[i].recommended)
				r = &rd->sum.rows[i];
		if (!r || howto_hints(strategy_find(r->strategy), r->workers, r->qd, py,
				      sizeof(py), c, sizeof(c)) < 0) {
			fprintf(f, "| %s | none | no single winner: keep the simplest that is "
				"among the fastest | the same |\n", wls[w]);
			continue;
		}
		fprintf(f, "| %s | %s | %s | %s |\n", wls[w], r->strategy, py, c);
	}
	fputs("\nN is the concurrency the recommended strategy's counted trials ran with "
	      "(tuned, or as given).\n\n", f);
}
