/* howto.c - see howto.h. */
#include <errno.h>
#include <math.h>
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

const struct strat_summary *howto_applied(const struct run_data *rd, const char *wl,
					  const char **word)
{
	const struct verdict *v = verdict_of(rd, wl);

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

/* The hints for run @rd's applied row of @wl into @py and @c; that row, or NULL (a line is due). */
static const struct strat_summary *hints_of(const struct run_data *rd, const char *wl,
					    const char **word, char *py, char *c, size_t len)
{
	const struct strat_summary *r = howto_applied(rd, wl, word);
	struct howto_shape sh = { 0 };

	if (!r)
		return NULL;
	/* a workload with connections: a job each, all open at once */
	const struct workload *w = workload_find(wl);
	uint64_t conns = w && w->connections ? rundata_jobs(rd, wl) : 0;

	/* a file from before "jobs": its spec's words */
	if (w && w->connections && !conns) {
		const char *at = strstr(rundata_spec(rd, wl), " conns=");

		conns = at ? strtoull(at + 7, NULL, 10) : 0;
	}
	sh = (struct howto_shape){ r->workers, r->qd, conns,
				   !strcmp(jget_str(rd->root, "config.model"), "python") };
	return howto_hints(strategy_find(r->strategy), &sh, py, len, c, len) < 0 ? NULL : r;
}

static void none_row(FILE *f, const struct run_data *rd, const char *wl, bool pair)
{
	const struct verdict *v = verdict_of(rd, wl);

	fprintf(f, "| %s | none | %s | - |%s\n", wl, v && v->disturbed ?
		"undecided: every trial was disturbed by other processes; rerun on a "
		"quieter machine" : "no strategy has valid trials to apply", pair ? " | |" : "");
}

/*
 * With @c_run (--model c,python; @rd is then the Python run): a column
 * pair each, C's hint from the C verdict, Python's from the Python one,
 * with the interpreter lock's share when the two differ.
 */
void howto_table(FILE *f, const struct run_data *rd, const struct run_data *c_run,
		 const char **wls, size_t nw)
{
	fputs(c_run ? "## Applying it\n\n| workload | as C | in C | as Python | in Python |\n"
	      "|---|---|---|---|---|\n" : "## Applying it\n\n| workload | recommended | "
	      "in Python | in C |\n|---|---|---|---|\n", f);
	for (size_t w = 0; w < nw; w++) {
		const char *word, *cword;
		char py[320], c[320], cpy[320], cc[320], why[200] = "";
		const struct strat_summary *r = hints_of(rd, wls[w], &word, py, c, sizeof(py));
		const struct strat_summary *cr = c_run ? hints_of(c_run, wls[w], &cword, cpy, cc,
								   sizeof(cc)) : NULL;

		if (!c_run && !r) {
			none_row(f, rd, wls[w], false);
		} else if (!c_run) {
			fprintf(f, "| %s | %s%s | %s | %s |\n", wls[w], r->strategy, word, py, c);
		} else if (!r || !cr) {
			none_row(f, r ? rd : c_run, wls[w], true);
		} else {
			if (strcmp(r->strategy, cr->strategy))
				howto_lock_reason(rd, wls[w], cr->strategy, why, sizeof(why));
			fprintf(f, "| %s | %s%s | %s | %s%s | %s%s%s |\n", wls[w], cr->strategy, cword,
				cc, r->strategy, word, py, why[0] ? ": " : "", why);
		}
	}
	fputs("\nN is the concurrency the named strategy's counted trials ran with "
	      "(tuned, or as given).\n\n", f);
}

void howto_lock_reason(const struct run_data *py, const char *wl, const char *st, char *out,
		       size_t len)
{
	const struct strat_summary *r = summary_row(&py->sum, wl, st);
	double g = r && r->valid ? r->med[DESC_GIL_WAIT] : NAN;
	double wall = r ? r->m[MET_WALL].median : NAN;
	unsigned n = r && r->workers ? r->workers : 1;

	out[0] = '\0';
	if (!r || !r->valid) {
		snprintf(out, len, "as a Python program, %s was not measured", st);
		return;
	}
	if (!isfinite(g) || !(wall > 0))
		return;
	/* the share of the workers' time, each worker a thread holding or waiting for the lock */
	snprintf(out, len, "as a Python program, %s's %u worker%s waited for the interpreter lock "
		 "%.0f%% of their time%s", st, n, n == 1 ? "" : "s", 100 * g / (wall * n),
		 g / (wall * n) < 0.1 ? " (not what sets it apart)" : "");
}
