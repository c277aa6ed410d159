/*
 * iorec_int.h - what the files of libiobench-rec.so share (iorec.c says
 * what the library is).  Built alone into a shared object with
 * -fvisibility=hidden: only EXPORT names are seen by the program.
 */
#ifndef IOBENCH_IOREC_INT_H
#define IOBENCH_IOREC_INT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
#define REAL(name) \
	static __typeof__(name) *real_##name; \
	if (!real_##name) \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

/* One call being recorded: the thread's CPU and the clock at its start. */
struct call {
	uint64_t cpu_in, t0;
	int saved_errno;
};

/*
 * A wrapper: the call itself, bounded by begin() and the log statement
 * @log (which sees the call @k, its result r and err), passed straight
 * through when the recorder is off or re-entered.
 */
#define WRAP(ret, fn, params, args, log) \
	EXPORT ret fn params \
	{ \
		REAL(fn); \
		struct call k; \
		ret r; \
		int err; \
		if (!enter()) \
			return real_##fn args; \
		begin(&k); \
		r = real_##fn args; \
		err = errno; \
		log; \
		leave(err); \
		return r; \
	}

#define LOG_FD_MIN 900		/* our log's descriptor: out of the program's way */
#define NFD 65536		/* descriptors with a cached path */

/*
 * Per fd, what it was when we last looked: its path (NULL: not below the
 * root) and its inode, so a descriptor closed behind our back (inside
 * the C library) and reused for a pipe is never taken for the file.
 */
struct fdent {
	char *path;
	dev_t dev;
	ino_t ino;
};

/* iorec.c: the recorder's state */
extern int log_fd;
extern int ready;			/* 1: logging; 0: not yet; -1: off */
extern struct fdent *fd_ent[NFD];
extern pthread_mutex_t fd_lock;
extern __thread int in_rec;		/* inside a wrapper: nested calls pass through */
extern __thread uint64_t last_cpu;	/* the thread's CPU when its last recorded call returned */

/* iorec.c: the log, the descriptors' paths, a call's line */
uint64_t clock_ns(clockid_t id);
bool below_root(const char *p);
bool fd_rooted(int fd, char *out, size_t cap);
void fd_note(int fd, bool open);
size_t quote(char *out, size_t cap, const char *p);
void begin(struct call *k);
const char *num(char *b, long long v);
__attribute__((format(printf, 4, 5)))
void finish(struct call *k, const char *res, int err, const char *fmt, ...);
bool enter(void);
void leave(int err);
void rec_init(void);
void open_log(void);
void fdent_free(struct fdent *e);

/* iorec_names.c */
bool abs_path(int dirfd, const char *path, char *out, size_t cap);

#endif
