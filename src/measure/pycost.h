/* pycost.h - what the Python constructs themselves cost, measured with a real interpreter.
 *
 * `--model python` runs the jobs as CPython would, but a real program also
 * pays for its constructs: starting and ending a multiprocessing.Pool
 * (forking interpreters, its handler threads, the shutdown at exit), a
 * task handed to a ThreadPoolExecutor or a Pool, an await on
 * run_in_executor.  These are measured once per run with the interpreter
 * the user has (python3 on PATH, or --python), on this machine, and the
 * model spends them as compute holding the lock (pymodel.h).  With no
 * interpreter the model says so and adds nothing.
 */
#ifndef IOBENCH_PYCOST_H
#define IOBENCH_PYCOST_H

#include <stdbool.h>
#include <stddef.h>

enum py_cost_kind {
	PY_POOL_START,	/* a Pool(workers) started and ended, the interpreter's exit included */
	PY_POOL_TASK,	/* one task through Pool.starmap */
	PY_TPE_START,	/* a ThreadPoolExecutor(workers) started and ended */
	PY_TPE_TASK,	/* one task through ThreadPoolExecutor.map */
	PY_AIO_START,	/* asyncio.run with an executor */
	PY_AIO_TASK,	/* one await on loop.run_in_executor, many in flight */
	PY_NCOSTS
};

extern const char *const py_cost_names[PY_NCOSTS];

struct py_costs {
	bool measured;
	char python[256];	/* the interpreter run */
	char version[32];	/* its sys.version, first word */
	char why[512];		/* not measured: why */
	double s[PY_NCOSTS];	/* seconds */
};

/*
 * Runs @python ("python3": as PATH finds it) on a calibration script for
 * @workers workers.  Returns 0 with @out measured, or -errno with
 * out->why saying what failed (no interpreter, a timeout, output that
 * does not parse) and every cost 0.
 */
int pycost_measure(const char *python, unsigned workers, struct py_costs *out);

#endif
