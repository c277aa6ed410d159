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

/*
 * One unit of a workload's compute as a Python program writes it (a CSV
 * row computed and formatted, a row read and summed with NumPy): @setup
 * runs once, @stmt is timed and does @per units.  @c_s is the same unit
 * as the workload's C code runs it, timed by the workload; the model
 * spends the difference per unit.
 */
/* The most units one pycost_units call times (one interpreter, their argv) */
#define PYCOST_MAX_UNITS 6

struct py_unit {
	char what[96];		/* "a CSV row computed and formatted in a Python loop" */
	char setup[1024];
	char stmt[512];
	unsigned per;		/* units per run of @stmt (0: 1) */
	double c_s;		/* seconds per unit in C */
	bool measured;
	double py_s;		/* seconds per unit in Python */
	char why[256];		/* not measured: Python's error (numpy missing, ...) */
};

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

/*
 * The same interpreter's time for each of the @n units in @u (py_s, or
 * why not: a statement that fails is said, not fatal).  0, or -errno
 * when the interpreter could not be run at all (@why).
 */
int pycost_units(const char *python, struct py_unit *u, unsigned n, char *why, size_t len);

/*
 * @s as a Python bytes literal (b'...', every byte but [A-Za-z0-9/._-] as
 * \xHH), so no file name can end the literal or the statement.  0, or
 * -ENAMETOOLONG when it does not fit in @len.
 */
int py_bytes_literal(const char *s, char *out, size_t len);

#endif
