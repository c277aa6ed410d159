/* iorec_stdio.c - libiobench-rec.so: C stdio: a stream over our own read and write (iorec.c says what the library is). */
#include "iorec_int.h"

/* ---- C stdio: a stream over our own read and write ---- */

struct stream {
	int fd;
};

static ssize_t s_read(void *c, char *buf, size_t n)
{
	return read(((struct stream *)c)->fd, buf, n);
}

static ssize_t s_write(void *c, const char *buf, size_t n)
{
	size_t done = 0;

	/* a cookie's write must take everything, or the stream reports an error */
	while (done < n) {
		ssize_t w = write(((struct stream *)c)->fd, buf + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return done ? (ssize_t)done : -1;
		done += (size_t)w;
	}
	return (ssize_t)done;
}

static int s_seek(void *c, off64_t *off, int whence)
{
	off64_t r = lseek64(((struct stream *)c)->fd, *off, whence);

	if (r < 0)
		return -1;
	*off = r;
	return 0;
}

static int s_close(void *c)
{
	int r = close(((struct stream *)c)->fd);

	free(c);
	return r;
}

/* streams we made, by FILE: fileno() must answer their descriptor */
#define NSTREAMS 4096
static struct { FILE *f; int fd; } streams[NSTREAMS];
static pthread_mutex_t stream_lock = PTHREAD_MUTEX_INITIALIZER;

static FILE *cookie_stream(int fd, const char *mode)
{
	cookie_io_functions_t io = { s_read, s_write, s_seek, s_close };
	struct stream *s = malloc(sizeof(*s));
	struct stat st;
	FILE *f;

	if (!s)
		return NULL;
	s->fd = fd;
	f = fopencookie(s, mode, io);
	if (!f) {
		free(s);
		return NULL;
	}
	/* the buffer glibc gives a file stream: st_blksize, so the reads keep their size */
	if (fstat(fd, &st) == 0 && st.st_blksize > 0)
		setvbuf(f, NULL, _IOFBF, (size_t)st.st_blksize);
	pthread_mutex_lock(&stream_lock);
	for (int i = 0; i < NSTREAMS; i++)
		if (!streams[i].f) {
			streams[i].f = f;
			streams[i].fd = fd;
			break;
		}
	pthread_mutex_unlock(&stream_lock);
	return f;
}

static int stream_fd(FILE *f)
{
	int fd = -1;

	pthread_mutex_lock(&stream_lock);
	for (int i = 0; i < NSTREAMS && fd < 0; i++)
		if (streams[i].f == f)
			fd = streams[i].fd;
	pthread_mutex_unlock(&stream_lock);
	return fd;
}

static int fopen_flags(const char *mode)
{
	int f = mode[0] == 'r' ? O_RDONLY : mode[0] == 'w' ? O_WRONLY | O_CREAT | O_TRUNC
		: O_WRONLY | O_CREAT | O_APPEND;

	for (const char *m = mode + 1; *m && *m != ','; m++) {
		if (*m == '+')
			f = (f & ~O_ACCMODE) | O_RDWR;
		else if (*m == 'x')
			f |= O_EXCL;
		else if (*m == 'e')
			f |= O_CLOEXEC;
	}
	return f;
}

/*
 * A stream on a file below the root becomes a cookie stream over our
 * read and write; any other is glibc's own.  The path is checked before
 * the open, so a stream outside the root costs nothing.
 */
static FILE *do_fopen(const char *path, const char *mode, bool is64)
{
	REAL(fopen);
	REAL(fopen64);
	char a[PATH_MAX], r[PATH_MAX];
	FILE *f;
	int fd, err;

	if (ready == 0)
		rec_init();
	if (ready < 0 || in_rec || !path || !mode || !strchr("rwa", mode[0]) ||
	    !abs_path(AT_FDCWD, path, a, sizeof(a)) ||
	    !below_root(realpath(a, r) ? r : a))
		return is64 ? real_fopen64(path, mode) : real_fopen(path, mode);
	fd = open(path, fopen_flags(mode), 0666);
	if (fd < 0)
		return NULL;
	f = cookie_stream(fd, mode);
	if (!f) {
		err = errno;
		close(fd);
		errno = err;
	}
	return f;
}

EXPORT FILE *fopen(const char *path, const char *mode)
{
	return do_fopen(path, mode, false);
}

EXPORT FILE *fopen64(const char *path, const char *mode)
{
	return do_fopen(path, mode, true);
}

EXPORT FILE *fdopen(int fd, const char *mode)
{
	REAL(fdopen);
	char p[PATH_MAX];

	if (ready == 0)
		rec_init();
	if (ready < 0 || in_rec || !fd_rooted(fd, p, sizeof(p)))
		return real_fdopen(fd, mode);
	return cookie_stream(fd, mode);
}

EXPORT int fileno(FILE *f)
{
	REAL(fileno);
	int fd = stream_fd(f);

	return fd >= 0 ? fd : real_fileno(f);
}

EXPORT int fileno_unlocked(FILE *f)
{
	REAL(fileno_unlocked);
	int fd = stream_fd(f);

	return fd >= 0 ? fd : real_fileno_unlocked(f);
}

EXPORT int fclose(FILE *f)
{
	REAL(fclose);

	pthread_mutex_lock(&stream_lock);
	for (int i = 0; i < NSTREAMS; i++)
		if (streams[i].f == f)
			streams[i].f = NULL;
	pthread_mutex_unlock(&stream_lock);
	return real_fclose(f);
}
