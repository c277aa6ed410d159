/* strace_conv.h - a strace log of a program turned into an iobench trace.
 *
 * Reads what `strace -f -ttt -T [-y]` wrote (iobench record runs it with
 * the flags in STRACE_FLAGS): one syscall per line, "PID SECONDS.MICROS
 * name(args) = result <duration>", with the unfinished / resumed pairs
 * of concurrent threads.  Keeps the file calls on paths below the root;
 * turns read/write positions (lseek, O_APPEND, preadv...) into explicit
 * offsets; measures each thread's compute between its calls.  The
 * preload recorder writes the same dialect with " cpu=N pid=P" after each
 * duration: then N, the thread's measured CPU, is the compute.
 */
#ifndef IOBENCH_STRACE_CONV_H
#define IOBENCH_STRACE_CONV_H

#include <stdio.h>

#include "iotrace.h"

/* The syscalls iobench record traces ("?" : skipped where the arch lacks one). */
#define STRACE_SYSCALLS \
	"?open,openat,?openat2,?creat,read,pread64,readv,preadv,?preadv2,write,pwrite64," \
	"writev,pwritev,?pwritev2,lseek,fsync,fdatasync,close,?unlink,unlinkat,?mkdir," \
	"mkdirat,?stat,?lstat,fstat,?newfstatat,?statx,mmap,dup,?dup2,dup3,fcntl,?rename," \
	"renameat,?renameat2,ftruncate,fallocate," STRACE_WAITS

/*
 * Calls that wait: traced so that the time a thread spends blocked in
 * them ends one compute gap and starts the next, instead of counting as
 * compute (a program sleeping 4 x 0.5 s was replayed with 2 s of CPU).
 */
#define STRACE_WAITS \
	"?nanosleep,clock_nanosleep,?poll,ppoll,?select,pselect6,?epoll_wait,epoll_pwait," \
	"futex,wait4,waitid"

struct strace_opts {
	const char *root;	/* absolute, symlinks resolved: what the trace keeps */
	const char *cwd;	/* absolute: relative paths in a log without -y */
	const char *command;	/* for the trace's header; may be NULL */
	/*
	 * strace's own cost in each gap between two calls of a thread (its
	 * stops at the calls' exit and entry), taken out of every gap; 0:
	 * none.  strace_calibrate measures it.
	 */
	uint64_t overhead_ns;
};

/*
 * Converts the log @f (named @name in messages) into @t.  Returns 0, or
 * -EINVAL with "NAME:LINE: what" in @msg for a log it can't read (no
 * timestamps, a line cut short) or one with nothing under the root.
 */
int strace_convert(FILE *f, const char *name, const struct strace_opts *o, struct iotrace *t,
		   char *msg, size_t len);

#endif
