/* pymodel.c - the interpreter lock's model (pymodel.h). */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "pymodel.h"

bool py_on;

static struct {
	pthread_mutex_t m;
	pthread_cond_t c;
	bool locked;
	bool drop;		/* a waiter asked the holder to let go (atomic reads) */
	unsigned waiting;
	uint64_t switches;	/* times the lock was taken */
	uint64_t *wait_ns;	/* shared with the harness: the trial's waits, summed */
} gil = { .m = PTHREAD_MUTEX_INITIALIZER, .c = PTHREAD_COND_INITIALIZER };

/* the constructs' costs in nanoseconds (pycost.h); all 0 when not measured */
static uint64_t cost_ns[PY_NCOSTS];
static double unit_ns;	/* Python's extra per unit of the workload's compute */

static __thread bool held;
static __thread int released;	/* py_release depth while held */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Takes the lock, gil.m held; a wait of a switch interval with no switch asks for it. */
static void take_locked(void)
{
	uint64_t t0 = 0;

	if (gil.locked)
		t0 = now_ns();
	while (gil.locked) {
		struct timespec dl;
		uint64_t sw = gil.switches, until = 0;
		int rc;

		clock_gettime(CLOCK_REALTIME, &dl);
		until = (uint64_t)dl.tv_nsec + PY_SWITCH_NS;
		dl.tv_sec += (time_t)(until / 1000000000ULL);
		dl.tv_nsec = (long)(until % 1000000000ULL);
		gil.waiting++;
		rc = pthread_cond_timedwait(&gil.c, &gil.m, &dl);
		gil.waiting--;
		if (rc == ETIMEDOUT && gil.locked && gil.switches == sw)
			__atomic_store_n(&gil.drop, true, __ATOMIC_RELAXED);
	}
	gil.locked = true;
	gil.switches++;
	__atomic_store_n(&gil.drop, false, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&gil.c);	/* a holder forcing a switch waits for this */
	if (t0 && gil.wait_ns)
		__atomic_add_fetch(gil.wait_ns, now_ns() - t0, __ATOMIC_RELAXED);
	held = true;
}

static void give_locked(void)
{
	gil.locked = false;
	held = false;
	pthread_cond_broadcast(&gil.c);
}

void py_model_start(uint64_t *wait_ns, const double *cost_s, double unit_s)
{
	unit_ns = unit_s > 0 ? unit_s * 1e9 : 0;
	py_on = true;
	gil.wait_ns = wait_ns;
	for (int k = 0; k < PY_NCOSTS; k++)
		cost_ns[k] = cost_s ? (uint64_t)(cost_s[k] * 1e9) : 0;
}

void py_fork_child(void)
{
	if (!py_on)
		return;
	pthread_mutex_init(&gil.m, NULL);
	pthread_cond_init(&gil.c, NULL);
	gil.locked = gil.drop = false;
	gil.waiting = 0;
	held = false;
	released = 0;
}

void py_enter(void)
{
	if (!py_on || held)
		return;
	pthread_mutex_lock(&gil.m);
	take_locked();
	pthread_mutex_unlock(&gil.m);
}

void py_exit(void)
{
	if (!py_on || !held)
		return;
	pthread_mutex_lock(&gil.m);
	give_locked();
	pthread_mutex_unlock(&gil.m);
}

void py_release(void)
{
	if (!py_on)
		return;
	if (released) {
		released++;	/* nested: let go already */
	} else if (held) {
		py_exit();
		released = 1;
	}
	/* neither: not holding it, nothing to take back */
}

void py_reacquire(void)
{
	if (!py_on || released == 0)
		return;
	if (--released == 0)
		py_enter();
}

void py_check(void)
{
	uint64_t sw;

	if (!py_on || !held || !__atomic_load_n(&gil.drop, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&gil.m);
	if (gil.drop && gil.waiting) {
		sw = gil.switches;
		give_locked();
		/* FORCE_SWITCHING: not back before another thread had it */
		while (gil.switches == sw && gil.waiting)
			pthread_cond_wait(&gil.c, &gil.m);
		take_locked();
	}
	pthread_mutex_unlock(&gil.m);
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* @ns of this thread's CPU as Python code: holding the lock, handing it over when asked. */
static void spend(uint64_t ns)
{
	uint64_t end;
	bool was_held = held;

	if (!ns)
		return;
	if (!was_held)
		py_enter();
	if (ns < 100000) {
		/*
		 * A unit's microsecond: reading the thread's CPU clock is a system
		 * call of about as long (an array row's 1 us cost 3.5 us that
		 * way), the monotonic clock is not, and so short a span is
		 * rarely cut by a preemption.
		 */
		end = now_ns() + ns;
		while (now_ns() < end)
			;
		py_check();
	} else {
		/* CPU time, not wall: a construct's cost is work, which takes longer on a busy core */
		end = thread_cpu_ns() + ns;
		while (thread_cpu_ns() < end)
			py_check();
	}
	if (!was_held)
		py_exit();
}

void py_cost(enum py_cost_kind k)
{
	if (py_on)
		spend(cost_ns[k]);
}

void py_units(uint64_t n)
{
	if (py_on)
		spend((uint64_t)(unit_ns * (double)n));
}
