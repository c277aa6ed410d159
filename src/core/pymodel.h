/* pymodel.h - CPython's interpreter lock, for `--model python`.
 *
 * One lock per process stands for the GIL: a thread holds it while it
 * runs the job's compute (Python code), releases it around every
 * blocking system call (as CPython does for file and socket I/O) and
 * around compute a workload declares lock-free (hashlib on 2 KiB or
 * more), and hands it over at the switch interval: a thread that waited
 * 5 ms (sys.getswitchinterval()) with no switch asks, and the holder
 * gives it up at its next check and waits until another thread took it
 * (CPython's FORCE_SWITCHING).  The model of the strategies: serial a
 * plain loop, threaded a ThreadPoolExecutor (one lock for its threads),
 * forked a multiprocessing.Pool (a lock per process), epoll asyncio with
 * run_in_executor (the loop thread and its pool share the lock: a pool
 * thread takes it to hand its result back), recorded threading.Thread
 * per job.  io_uring has no standard-library equivalent: not modelled.
 *
 * Off (the default, --model c) every call is one predictable branch.
 */
#ifndef IOBENCH_PYMODEL_H
#define IOBENCH_PYMODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "pycost.h"

#define PY_SWITCH_NS 5000000ULL

extern bool py_on;

/*
 * Trial process: the model on; every thread's wait for the lock is added
 * to @wait_ns.  @cost_s: the constructs' own costs in seconds, by
 * enum py_cost_kind (pycost.h); NULL when no interpreter measured them.
 * @unit_s: what Python spends beyond the C code per unit of the
 * workload's compute (struct py_unit), 0 when not measured.
 */
void py_model_start(uint64_t *wait_ns, const double *cost_s, double unit_s);
/* A forked worker: its own interpreter, so its own lock, free. */
void py_fork_child(void);

/* This thread runs Python code from here on (takes the lock) / no more (lets it go). */
void py_enter(void);
void py_exit(void);
/* Around a blocking call or lock-free compute: lets the lock go, takes it back. */
void py_release(void);
void py_reacquire(void);
/* In long compute: hands the lock over when another thread asked for it. */
void py_check(void);
/*
 * What construct @k costs the program: that much of this thread's CPU
 * time spent computing, holding the lock (taken if need be, given back
 * after), handing it over at the switch interval as other compute does.
 */
void py_cost(enum py_cost_kind k);
/* The same for @n units of the workload's compute (py_model_start's @unit_s). */
void py_units(uint64_t n);

#endif
