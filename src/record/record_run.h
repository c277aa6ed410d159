/*
 * record_run.h - a program run under a recorder, and its log made a trace.
 *
 * The preload recorder (recorder.h) runs the program with
 * libiobench-rec.so and measures its wall and CPU time itself; strace
 * runs it under `strace -f` after measuring strace's own cost per call
 * on dd.  Either way the log lives in a private directory (mkdtemp,
 * 0700) that is removed, and SIGTERM or SIGHUP meanwhile kills the
 * program and everything below it.
 */
#ifndef IOBENCH_RECORD_RUN_H
#define IOBENCH_RECORD_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "iotrace.h"
#include "recorder.h"
#include "strace_conv.h"

struct record_how {
	bool keep_failed;	/* a program that exits non-zero still gives its trace */
	int *kept_status;	/* out: that program's exit status (0: it succeeded) */
};

/*
 * Runs @cmd (@ncmd words) under @rec (REC_PRELOAD or REC_STRACE) and
 * converts its log into @t.  0, or -errno with @msg: the recorder can't
 * run or see the program, the program failed (unless keep_failed), a
 * signal stopped it (record_signal() says which), or the log holds
 * nothing below the root.
 */
int record_run(enum recorder rec, char **cmd, int ncmd, struct strace_opts *o,
	       const struct record_how *how, struct iotrace *t, char *msg, size_t len);

/* The SIGTERM or SIGHUP that stopped the last record_run, else 0. */
int record_signal(void);

/* A strace-dialect log at @log into @t: strace_convert on a regular file only. */
int record_convert_file(const char *log, const struct strace_opts *o, struct iotrace *t, char *msg,
			size_t len);

#endif
