/* strace_conv_int.h - what strace_conv.c (the log, the tables) and strace_ops.c (the calls) share. */
#ifndef IOBENCH_STRACE_CONV_INT_H
#define IOBENCH_STRACE_CONV_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "strace_conv.h"

#define MAX_ARGS 8

/* What the log says of one file below the root. */
struct cfile {
	char *path;		/* relative to the root */
	uint32_t id;		/* in the trace, once it has an op; else UINT32_MAX */
	unsigned depth;		/* handles open on it */
	bool written;		/* a write, or an open for writing */
	bool trunc_first;	/* its first open truncated or created it new */
	bool first_open_seen;
	bool eof_known;		/* a read before any write ended short: its size is known */
	uint64_t eof, extent, stat_size;	/* before the first write */
	uint64_t size_now;	/* for O_APPEND */
	uint32_t last_tid;
	bool is_dir;		/* a stat of it said S_IFDIR: not a file, never an input */
	bool unlinked;		/* removed since its last open: the next create makes it anew */
};

struct handle {
	uint64_t key;		/* 0: empty slot */
	uint32_t file;
	uint64_t pos;
	bool append;
};

struct thread {
	uint64_t pid;		/* 0: empty slot */
	uint32_t id;		/* in the trace; UINT32_MAX until its first op */
	uint64_t last_end, gap;
	uint64_t wait;		/* asleep since its last op (nanosleep and the like) */
	bool started;
};

struct conv {
	const struct strace_opts *o;
	struct iotrace *t;
	const char *name;
	size_t line;
	char *msg;
	size_t len;
	size_t root_len;
	/* files: an array, indexed by a hash of the path */
	struct cfile *files;
	size_t nfiles, cap;
	uint32_t *fidx;		/* open addressing: file index + 1 */
	size_t fidx_cap;
	struct handle *h;
	size_t h_cap, h_used;
	struct thread *th;
	size_t th_cap, th_used;
	/* a call cut in two by another thread: its start, per pid */
	struct pending {
		uint64_t pid, ts;
		char *text;	/* "name(args so far" */
	} *pend;
	size_t npend;
	bool with_y;		/* the log names fds' files (strace -y) */
	bool with_cpu;		/* lines carry measured CPU (the preload recorder) */
	uint64_t tgid;		/* the current call's process, when the log says (else 0) */
	uint64_t first_ts, last_ts, span_start, span_end;
	bool any_ts, any_op;
};

struct call {
	uint64_t pid, ts, dur;
	const char *name;
	char *args[MAX_ARGS];
	int nargs;
	int64_t ret;
	const char *ret_text;	/* "3</path>" with -y */
	bool failed;
	/*
	 * The preload recorder's " cpu=N pid=P" after the duration: the
	 * thread's CPU since its last recorded call (its compute, measured),
	 * and the process, so two processes' descriptors stay apart.
	 */
	bool has_cpu;
	uint64_t cpu, tgid;
};

/* the tables (strace_conv.c) */
__attribute__((format(printf, 3, 4)))
int sc_bad(struct conv *c, int err, const char *fmt, ...);
struct handle *sc_handle_slot(struct conv *c, uint64_t key, bool add);
uint64_t sc_handle_key(const struct conv *c, uint64_t pid, uint32_t file, int fd);
struct thread *sc_thread_of(struct conv *c, uint64_t pid);
bool sc_parse_fd(struct conv *c, const char *s, int *fd, char *path, size_t cap);
uint32_t sc_rooted(struct conv *c, const char *abs, bool add);
/* One call of the log, as the trace's ops (strace_ops.c). */
int sc_do_call(struct conv *c, struct call *k);

#endif
