/* util.h - small helpers shared by every module. */
#ifndef IOBENCH_UTIL_H
#define IOBENCH_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KIB (1024ULL)
#define MIB (1024ULL * 1024)
#define GIB (1024ULL * 1024 * 1024)

/*
 * Exit statuses: 2 for a misuse of the command line; 3 when every result
 * file was written but the plots or the report could not be made; 1 for
 * anything else that went wrong; 128 + N when signal N stopped us.
 */
/* 3: run, plot, report: files written but not the plots; compare --fail-if-slower: slower */
enum { EXIT_USAGE = 2, EXIT_NO_PLOTS = 3, EXIT_SLOWER = 3 };

extern const char *prog_name;

/* Prints "iobench: <msg>" on stderr. */
void errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Text that came from a file or a peer, printed so a terminal takes none
 * of it as a command: control characters (C0 but tab, DEL, and C1 as
 * UTF-8 encodes them) as \xNN.  errmsg and die escape their message so.
 */
void fputs_untrusted(const char *s, FILE *f);
/* The same, into a new string (free() it). */
char *esc_untrusted(const char *s);
/* Prints "iobench: <msg>" on stderr and exits with @status. */
_Noreturn void die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t now_ns(void);

/*
 * Parses a whole decimal string into *out.  With @allow_suffix, a K, M, G
 * or T suffix (binary multiples, optionally followed by "iB" or "B") is
 * accepted.  Returns 0, or -EINVAL for garbage, signs or trailing text,
 * -ERANGE for overflow.
 */
int parse_u64(const char *s, bool allow_suffix, uint64_t *out);

/*
 * Opens @path for reading only if it is a regular file: a FIFO, a device
 * or a directory named by mistake is refused without blocking (NULL,
 * errno EINVAL, *@kind "a FIFO", "a directory", ...).  Else NULL with
 * errno, *@kind NULL.
 */
FILE *fopen_regular(const char *path, const char **kind);

/* "5%", "5" or "0.5%" into 0.05, 0.05, 0.005 (0 to under 1000%).  0 or -EINVAL. */
int parse_percent(const char *s, double *out);

/* A plain decimal number within [@min, @max] ("0.25", "2").  0 or -EINVAL. */
int parse_real(const char *s, double min, double max, double *out);

/* Formats a byte count as "256 MiB", "1.5 GiB", "512 B". */
const char *fmt_bytes(uint64_t n, char *buf, size_t len);

/* Writes all of @len bytes, retrying EINTR and short writes. 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);

/*
 * @prog as execvp finds it (on PATH, or as given when it holds a '/'),
 * into @out.  0, or -ENOENT (or access's errno for a given path).
 */
int path_lookup(const char *prog, char *out, size_t cap);

/* Reads the whole small file at @path into a malloc'd NUL-terminated buffer. */
int read_small_file(const char *path, char **out, size_t *len);
/* The same for @name under @dirfd, never following a symlink. */
int read_small_file_at(int dirfd, const char *name, char **out, size_t *len);

/* asprintf that dies on ENOMEM: paths are short and memory exhaustion
 * while building one leaves nothing sensible to do. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xcalloc(size_t n, size_t size);

/* Lower-case hex of @n bytes into @out (2n+1 bytes). */
void hex_encode(const unsigned char *in, size_t n, char *out);

/* The path of @target relative to directory @from (both must exist); a
 * copy of @target when they can't be resolved.  malloc'd. */
char *path_relative(const char *from, const char *target);

/*
 * Renders a file in memory: @emit(f, @arg) writes to a memory stream,
 * whose text lands in *@buf (malloc'd, NUL-terminated; the caller frees
 * it) and *@len.  0, or emit's -errno, or -ENOMEM.  Result files are
 * rendered whole first, then written in one go (safefs.h).
 */
int render_mem(int (*emit)(FILE *, const void *), const void *arg, char **buf, size_t *len);

/*
 * Do @conns connections fit under ulimit -n?  Each is a descriptor in the
 * trial and one in the server, with 64 to spare.  0, or -EMFILE with
 * "about N open files, but ulimit -n is M: raise it (ulimit -n N)" in @err.
 */
int conns_fit_fd_limit(uint64_t conns, char *err, size_t len);

/* Is @prog an executable in $PATH (or, with no PATH, /usr/local/bin:/usr/bin:/bin)? */
bool in_path(const char *prog);

/*
 * "NAME:LINE: " then @fmt into @msg: the message of a malformed line of a
 * file iobench reads (a trace, a strace log).  Returns @err.
 */
int line_error(char *msg, size_t len, const char *name, size_t line, int err,
	       const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

/* True when stderr is a terminal: progress lines go there only then. */
bool stderr_is_tty(void);

#endif
