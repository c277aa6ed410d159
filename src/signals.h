/* signals.h - SIGINT and SIGTERM: stop cleanly once, at once the second time. */
#ifndef IOBENCH_SIGNALS_H
#define IOBENCH_SIGNALS_H

/*
 * Installs the handlers (without SA_RESTART, so a blocking wait returns
 * EINTR).  The first signal only records itself; the second ends the
 * process immediately with 128 + signal.
 */
void sig_install(void);

/* The signal that asked us to stop, or 0. */
int sig_stop(void);

/*
 * In a trial process: default signal handling, its own process group (so
 * the parent can kill the whole trial, workers included), and death when
 * the parent dies.  Can't fail in a way that matters.
 */
void sig_child_setup(void);

#endif
