/* iotrace.h - a program's file I/O, recorded once, replayed under every strategy.
 *
 * The trace format (README "Your own job: record and replay") is line
 * oriented and versioned.  The first line is "iobench-trace 2"; then
 * header lines ("KEY VALUE..."), then one "file" line per file and one
 * line per op, in the order the program issued them:
 *
 *   root /abs/dir            paths below are relative to it
 *   command python3 job.py   what was recorded (free text)
 *                            (both with control bytes and '\\' as \xHH;
 *                            version 1 wrote them raw, and is still read)
 *   span_ns N                first recorded op's start to last op's end
 *   wall_ns N                the whole traced program, start to exit
 *   lead_ns N                compute before each thread's first op (not replayed)
 *   threads N
 *   dropped N                calls on paths outside the root
 *   failed N                 calls under the root that failed (not replayed)
 *   unreplayed stat N        recorded, not replayed (also unlink, mkdir, dir;
 *                            version 2: rename, truncate, fallocate, direct
 *                            (opens with O_DIRECT, replayed without it))
 *   mmap N BYTES             files under the root the program mapped: reads
 *                            through a mapping are page faults, not syscalls
 *   ignored N                other syscalls in the log
 *   file ID in|out SIZE PATH
 *       in:  the program read it and never wrote it; SIZE its size
 *       out: the program wrote it; SIZE its size before the first write
 *   open  TID FILE COMPUTE MODE      MODE: r, w or rw, then c (create), t (trunc), a (append)
 *   read  TID FILE COMPUTE OFF LEN GOT
 *   write TID FILE COMPUTE OFF LEN
 *   fsync TID FILE COMPUTE
 *   close TID FILE COMPUTE
 *
 * Any op line may end with "wait=N" (version 2): after its compute, the
 * thread slept N ns (nanosleep, clock_nanosleep, sleep, usleep) before
 * the op, and the replay sleeps as long.  Waits on other threads or
 * processes (futex, poll, wait4) are the program's structure: left out.
 *
 * COMPUTE is the time in ns the thread spent between its previous
 * recorded call and this op, minus the time of the calls in between and
 * minus strace's own cost per call (overhead_ns, measured when recording).
 *   overhead_ns N            that cost, subtracted from every gap
 *   recorder preload|strace  (2) preload: COMPUTE is the thread's CPU time
 *                            between the calls, measured in the program;
 *                            strace: the wall-clock gap, as above
 *   cpu_ns N                 (2) the program's user + system CPU, all its
 *                            processes, as record measured it (0: not)
 * A PATH is relative, never leaves the root ("..", an absolute path and
 * an empty component are refused), and is escaped: bytes below '!',
 * '\\' and bytes from 0x7f up as \xHH.  '#' starts a comment line.
 */
#ifndef IOBENCH_IOTRACE_H
#define IOBENCH_IOTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define IOTRACE_MAGIC "iobench-trace"
#define IOTRACE_VERSION 2
#define IOTRACE_MAX_THREADS 65536
/*
 * Compute a trace may ask before one op, and in all: a replay spins for
 * it, so a value from a clock step (2^64 - 1 ns, or a timestamp 1e8 s
 * off) must be refused, not replayed for years, nor its sum wrapped.
 */
#define IOTRACE_MAX_COMPUTE_NS (3600ULL * 1000000000ULL)
#define IOTRACE_MAX_TOTAL_COMPUTE_NS (7ULL * 86400 * 1000000000ULL)

enum it_type { IT_OPEN, IT_READ, IT_WRITE, IT_FSYNC, IT_CLOSE, IT_NTYPES };

/* IT_OPEN's mode bits */
enum { IT_O_READ = 1, IT_O_WRITE = 2, IT_O_CREAT = 4, IT_O_TRUNC = 8, IT_O_APPEND = 16 };

/* What was recorded but is not replayed (counted in the header). */
enum it_unreplayed {
	IT_U_STAT, IT_U_UNLINK, IT_U_MKDIR, IT_U_DIR,
	/* (version 2) what changes a file's life or how it is written */
	IT_U_RENAME, IT_U_TRUNCATE, IT_U_FALLOCATE, IT_U_DIRECT,
	IT_U_N
};
/*
 * The first of those whose absence changes what the replay does: said
 * wherever the trace is used.
 */
#define IT_U_LIFE IT_U_RENAME

struct it_file {
	char *path;		/* relative to the root */
	bool out;		/* written by the program */
	uint64_t size;		/* in: its size; out: before the first write */
};

struct it_op {
	uint8_t type;		/* enum it_type */
	uint8_t mode;		/* IT_OPEN: IT_O_* */
	uint32_t tid;		/* the program's thread, numbered from 0 */
	uint32_t file;
	uint64_t compute_ns;	/* before this op */
	uint64_t wait_ns;	/* then asleep (nanosleep and the like), before this op */
	uint64_t off, len;	/* READ, WRITE */
	uint64_t got;		/* READ: bytes the program got */
};

struct iotrace {
	char *root;
	char *command;
	char *recorder;		/* "preload" (compute is measured CPU) or "strace" (gaps); NULL: unsaid */
	uint64_t cpu_ns;	/* the program's user + system CPU, measured by record; 0: not */
	uint64_t span_ns, wall_ns, lead_ns;
	uint64_t overhead_ns;	/* strace's cost per gap, taken out of every compute */
	uint32_t threads;
	uint64_t dropped, failed, ignored;
	uint64_t unreplayed[IT_U_N];
	uint64_t mmaps, mmap_bytes;
	struct it_file *files;
	size_t nfiles, cap_files;
	struct it_op *ops;
	size_t nops, cap_ops;
};

extern const char *const it_type_names[IT_NTYPES];
extern const char *const it_unreplayed_names[IT_U_N];

void iotrace_init(struct iotrace *t);
void iotrace_free(struct iotrace *t);

/* Appends a file (the path is copied) and returns its id. */
uint32_t iotrace_add_file(struct iotrace *t, const char *path, bool out, uint64_t size);
/* Appends an op. */
void iotrace_add_op(struct iotrace *t, const struct it_op *op);

/*
 * Is @path a relative path that stays below its root: not absolute, no
 * "." or ".." or empty component, no NUL?  A trace naming anything else
 * is refused, so a replay can never be steered outside its directories.
 */
bool iotrace_path_ok(const char *path);

/*
 * Reads a trace from @f (named @name in messages).  Returns 0, or -EINVAL
 * (a malformed or inconsistent trace: "FILE:LINE: what"), -ENOTSUP (a
 * newer version) or -errno, with @msg set.  Checks that every op names a
 * declared file, that a thread's ops on a file come between its open and
 * close, and that reads of an input file got what its size allows.
 */
int iotrace_read(FILE *f, const char *name, struct iotrace *t, char *msg, size_t len);
/* iotrace_read of the file at @path. */
int iotrace_load(const char *path, struct iotrace *t, char *msg, size_t len);

/* Writes @t in the format above.  0 or -errno (the stream's error). */
int iotrace_write(FILE *f, const struct iotrace *t);

/* What `iobench trace show` prints: files, bytes, ops by type and size, compute share. */
struct it_summary {
	size_t files_in, files_out;
	uint64_t bytes_in, bytes_read, bytes_written;
	uint64_t ops[IT_NTYPES];
	uint64_t compute_ns;
	uint64_t wait_ns;	/* the ops' waits, replayed as sleeping */
	/* reads and writes by size: [k] counts sizes in [2^k, 2^(k+1)), [0] also 0 */
	uint64_t read_sizes[64], write_sizes[64];
};
void iotrace_summarise(const struct iotrace *t, struct it_summary *s);
void iotrace_print_summary(FILE *f, const struct iotrace *t);
/*
 * What the program did that the replay leaves out and that changes a
 * file's life or how it is written (renames, truncations, fallocate,
 * O_DIRECT): how many calls, and "renamed 2 file(s), truncated 1
 * time(s)" in @out ("" for none).
 */
uint64_t iotrace_lacks(const struct iotrace *t, char *out, size_t len);

/*
 * Is @command (a trace's, free text) a CPython interpreter's run: its
 * first word's file name python, python3 or python3.11 (after env)?  A
 * script run by its #! line is not seen here: record looks at that.
 */
bool iotrace_command_is_python(const char *command);

#endif
