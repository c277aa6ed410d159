/* signals.h - SIGINT and SIGTERM: stop cleanly once, at once the second time. */
#ifndef IOBENCH_SIGNALS_H
#define IOBENCH_SIGNALS_H

#include <sys/types.h>

/*
 * Installs the handlers (without SA_RESTART, so a blocking wait returns
 * EINTR).  The first signal only records itself; the second ends the
 * process immediately with 128 + signal.  Also: SIGCONT is counted (a
 * stop during a trial makes its timing worthless), SIGXFSZ is ignored (the
 * write fails with EFBIG instead of killing us silently), and this process
 * becomes the subreaper of its descendants, so a trial's orphaned workers
 * can be killed and reaped before the next trial.
 */
void sig_install(void);

/* SIGCONTs received so far. */
unsigned sig_conts(void);

/* The signal that asked us to stop, or 0. */
int sig_stop(void);

/*
 * In a trial process: default signal handling, its own process group (so
 * the parent can kill the whole trial, workers included), and death when
 * the parent dies.  A SIGCONT (the trial or a worker was stopped) sets
 * *@stopped, in memory shared with the parent.  Can't fail in a way that
 * matters.
 */
void sig_child_setup(volatile int *stopped);

/* In a worker process of a trial: dies with the trial process @parent. */
void sig_worker_setup(pid_t parent);

#endif
