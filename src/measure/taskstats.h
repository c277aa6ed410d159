/* taskstats.h - where a trial's time went, from the kernel's delay accounting.
 *
 * Like the kernel's tools/accounting/getdelays: a generic-netlink socket
 * registered for the exit records of every CPU.  Each task that exits
 * (thread, process, io_uring kernel worker) sends its accounting; after a
 * trial the records of its process tree are summed.  Needs CAP_NET_ADMIN
 * and kernel.task_delayacct=1 (or the delayacct boot option).
 */
#ifndef IOBENCH_TASKSTATS_H
#define IOBENCH_TASKSTATS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * No on-CPU time here: the kernel's per-task run time is only tick-exact
 * (0, 4, 12 ms seen), so CPU time comes from the trial's rusage instead.
 */
struct ts_sum {
	uint64_t runq_ns;	/* runnable, waiting for a CPU */
	uint64_t blkio_ns;	/* waiting for block I/O */
	uint64_t task_ns;	/* lifetime, summed over tasks */
	unsigned tasks;		/* threads and processes that exited */
	unsigned procs;		/* thread groups among them */
	unsigned glitches;	/* impossible per-task delays dropped (see ts_collect) */
	unsigned io_workers;	/* io_uring kernel workers among the tasks */
	uint64_t sqpoll_cpu_ns;	/* CPU of io_uring's SQPOLL threads among them */
	uint64_t ring_wait_ns;	/* the root's I/O-wait time taken out of blkio_ns */
};

/*
 * Opens the listener and, as root, switches kernel.task_delayacct on for
 * the run (ts_close() restores it).  Returns 0, or -errno with a one-line
 * reason in @why (not root, no taskstats, delay accounting off).
 */
int ts_open(char *why, size_t len);
void ts_close(void);

/*
 * Where a run notes the delay-accounting sysctl's old value before it
 * changes it: root's /run, so a run killed with SIGKILL is undone by the
 * next run, or by `iobench clean`.
 */
#define DELAYACCT_STATE "/run/iobench-delayacct"

/*
 * Undoes the change a killed run left (restores the recorded value and
 * removes the note, saying so in @msg).  Returns 1 when the run that made
 * it is still alive (left alone), else 0.
 */
int ts_recover(char *msg, size_t len);
/* Async-signal-safe: puts kernel.task_delayacct back, for a hard exit. */
void ts_restore_now(void);
bool ts_active(void);
/*
 * Is kernel.task_delayacct still on?  Another run may have put it back
 * off (the run that switched it on ended): then it is switched on again
 * for the trials to come, and false says the trial around this check
 * has no delay figures.  Checked before and after every trial.
 */
bool ts_delayacct_check(void);

/* Drops records queued so far (exits that were not a trial's). */
void ts_discard(void);

/*
 * Sums the queued records of @root and its descendants into @sum.  Up to
 * @root_ring_wait_ns of the root task's block-I/O wait is taken out: the
 * time an io_uring loop slept in io_uring_enter, which the kernel counts
 * as I/O wait whatever the ring waits for.
 */
void ts_collect(pid_t root, uint64_t root_ring_wait_ns, struct ts_sum *sum);

#endif
