/* howto.c - see howto.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "howto.h"
#include "registry.h"
#include "strategy.h"
#include "workload.h"

/* The same for a workload that talks over @conns connections (net). */
static void socket_hints(const struct strategy *st, const struct howto_shape *sh, char *py,
			 size_t pylen, char *c, size_t clen)
{
	unsigned long long n = (unsigned long long)sh->conns;

	if (st->baseline) {
		snprintf(py, pylen, "a plain loop, one request after another: "
			 "`sock.sendall(req); sock.recv(n)`");
		snprintf(c, clen, "a loop on one blocking socket");
	} else if (st->uses_qd) {
		snprintf(py, pylen, "no standard-library io_uring: the nearest is `asyncio` streams "
			 "with all %llu connections in flight (`asyncio.gather`)", n);
		snprintf(c, clen, "liburing: %u thread%s, each a ring of %u entries "
			 "(`io_uring_prep_send`/`recv`)", sh->workers, sh->workers == 1 ? "" : "s",
			 sh->qd);
	} else if (st->one_loop_thread) {
		snprintf(py, pylen, "`asyncio` streams: `await asyncio.open_connection(...)`, all %llu "
			 "connections' requests in flight at once (`asyncio.gather`)", n);
		snprintf(c, clen, "libuv: `uv_tcp_connect`, `uv_write`, `uv_read_start` on one loop");
	} else if (st->worker_processes) {
		snprintf(py, pylen, "`multiprocessing.Pool(%u)`, each worker one connection at a time",
			 sh->workers);
		snprintf(c, clen, "`fork()` %u workers on blocking sockets", sh->workers);
	} else {
		snprintf(py, pylen, "`concurrent.futures.ThreadPoolExecutor(max_workers=%u)`, a "
			 "blocking socket (or a `requests.Session`) per task", sh->workers);
		snprintf(c, clen, "a pthreads pool of %u on blocking sockets", sh->workers);
	}
}

int howto_hints(const struct strategy *st, const struct howto_shape *sh, char *py, size_t pylen,
		char *c, size_t clen)
{
	unsigned workers = sh->workers, qd = sh->qd;

	if (!st || st->no_io)
		return -ENOENT;
	if (sh->conns) {
		socket_hints(st, sh, py, pylen, c, clen);
		return 0;
	}
	if (st->as_recorded) {
		/* in a replay, the program's own threads; elsewhere, one per task */
		snprintf(py, pylen, "keep your program's own threads and processes; for a job "
			 "of tasks: a `threading.Thread` per task, all started at once");
		snprintf(c, clen, "keep your program's structure; for a job of tasks: a "
			 "`pthread_create` per task");
	} else if (st->baseline) {
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
			 "file per task %s", workers, sh->python ?
			 "(measured with the interpreter lock: --model python)" :
			 "(if your compute is pure Python, it holds the GIL: run with --model python "
			 "to measure that)");
		snprintf(c, clen, "a pthreads pool of %u, each thread taking the next file", workers);
	}
	return 0;
}

/* The verdict run @rd stored for workload @wl, or NULL. */
static const struct verdict *verdict_of(const struct run_data *rd, const char *wl)
{
	for (size_t i = 0; i < rd->sum.nv; i++)
		if (!strcmp(rd->sum.v[i].workload, wl))
			return &rd->sum.v[i];
	return NULL;
}

/*
 * The row "Applying it" names for @v: the pick (faster: the fastest;
 * equivalent: the simplest of them), else, undecided, the leader; NULL
 * when there is none.  *@word says which.
 */
static const struct strat_summary *applied_row(const struct run_data *rd,
					       const struct verdict *v, const char **word)
{
	*word = "";
	if (!v)
		return NULL;
	if (v->pick >= 0) {
		*word = v->outcome == OUTCOME_EQUIVALENT ? " (the simplest equivalent)" : "";
		return &rd->sum.rows[v->pick];
	}
	if (v->outcome == OUTCOME_UNDECIDED && v->fastest >= 0) {
		*word = " (undecided: the leader so far)";
		return &rd->sum.rows[v->fastest];
	}
	return NULL;
}

void howto_table(FILE *f, const struct run_data *rd, const char **wls, size_t nw)
{
	fputs("## Applying it\n\n| workload | recommended | in Python | in C |\n|---|---|---|---|\n", f);
	for (size_t w = 0; w < nw; w++) {
		const char *word;
		const struct verdict *v = verdict_of(rd, wls[w]);
		const struct strat_summary *r = applied_row(rd, v, &word);
		struct howto_shape sh = { 0 };
		char py[320], c[320];

		if (r) {
			/* a workload with connections: a job each, all open at once */
			const struct workload *wl = workload_find(wls[w]);
			uint64_t conns = wl && wl->sockets ? rundata_jobs(rd, wls[w]) : 0;

			/* a file from before "jobs": its spec's words */
			if (wl && wl->sockets && !conns) {
				const char *at = strstr(rundata_spec(rd, wls[w]), " conns=");

				conns = at ? strtoull(at + 7, NULL, 10) : 0;
			}
			sh = (struct howto_shape){ r->workers, r->qd, conns,
						   !strcmp(jget_str(rd->root, "config.model"), "python") };
		}
		if (!r || howto_hints(strategy_find(r->strategy), &sh, py, sizeof(py), c,
				      sizeof(c)) < 0) {
			fprintf(f, "| %s | none | %s | - |\n", wls[w], v && v->disturbed ?
				"undecided: every trial was disturbed by other processes; rerun on a "
				"quieter machine" : "no strategy has valid trials to apply");
			continue;
		}
		fprintf(f, "| %s | %s%s | %s | %s |\n", wls[w], r->strategy, word, py, c);
	}
	fputs("\nN is the concurrency the named strategy's counted trials ran with "
	      "(tuned, or as given).\n\n", f);
}
