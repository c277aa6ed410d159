/*
 * data_dir.c - the data directory (--dir): its marker and the token that
 * proves which entries this directory's iobench made, and the per-dataset
 * locks that let several runs share it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dataset.h"
#include "signals.h"
#include "util.h"

/*
 * flock(@op) on @fd, waiting at most LOCK_WAIT_S for another process to let
 * go, saying once what it waits for (@what), and giving up with -EINTR when
 * a signal asks us to stop.  0 or -errno (-ETIMEDOUT past the bound).
 */
static int lock_wait(int fd, int op, const char *what)
{
	uint64_t end = now_ns() + LOCK_WAIT_S * 1000000000ULL;
	bool said = false;

	for (;;) {
		if (flock(fd, op | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		if (sig_stop())
			return -EINTR;
		if (now_ns() >= end)
			return -ETIMEDOUT;
		if (!said)
			errmsg("waiting for another iobench using %s (up to %d s; Ctrl-C stops)", what,
			       LOCK_WAIT_S);
		said = true;
		usleep(50000);
	}
}

/* The marker's token: read it, or write a fresh one into an empty marker. */
static int marker_token(int mfd, const char *dir, char token[SFS_TOKEN_LEN + 1])
{
	struct stat st;
	char *what;
	ssize_t n;
	int rc;

	if (fstat(mfd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EPERM;
	/* another user's marker: they choose its token and can hold its lock */
	if (st.st_uid != geteuid())
		return -EACCES;
	/* two runs creating the marker at once agree on one token */
	what = xasprintf("%s/%s", dir, DATA_MARKER);
	rc = lock_wait(mfd, LOCK_EX, what);
	free(what);
	if (rc < 0)
		return rc;
	n = pread(mfd, token, SFS_TOKEN_LEN, 0);
	token[n > 0 ? n : 0] = '\0';
	if (n == SFS_TOKEN_LEN && strspn(token, "0123456789abcdef") == SFS_TOKEN_LEN)
		return 0;
	/* new, or from an iobench before ownership records: ours to fill */
	sfs_token(token);
	if (ftruncate(mfd, 0) < 0 || pwrite(mfd, token, SFS_TOKEN_LEN, 0) != SFS_TOKEN_LEN ||
	    fsync(mfd) < 0)
		return -errno ? -errno : -EIO;
	return 0;
}

int data_dir_open(const char *dir, bool create, struct data_dir *dd, char *msg, size_t len)
{
	struct stat st;
	int mfd, rc;

	dd->fd = sfs_open_user_dir(dir, create, msg, len);
	if (dd->fd < 0) {
		rc = dd->fd;
		if (rc != -EPERM)
			snprintf(msg, len, "data directory %s: %s", dir, strerror(-rc));
		return rc;
	}
	if (fstat(dd->fd, &st) == 0 && !S_ISDIR(st.st_mode)) {
		rc = -ENOTDIR;
		snprintf(msg, len, "data directory %s: %s", dir, strerror(-rc));
		goto out_close;
	}
	if (faccessat(dd->fd, ".", W_OK | X_OK, AT_EACCESS) < 0) {
		rc = -errno;
		snprintf(msg, len, "data directory %s is not writable: %s", dir, strerror(-rc));
		goto out_close;
	}
	mfd = openat(dd->fd, DATA_MARKER, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (mfd < 0) {
		rc = -errno;
		snprintf(msg, len, "%s/%s: %s", dir, DATA_MARKER,
			 rc == -ELOOP ? "the marker is a symbolic link: refusing to follow it"
				      : strerror(-rc));
		goto out_close;
	}
	rc = marker_token(mfd, dir, dd->token);
	if (rc == -EACCES && fstat(mfd, &st) == 0)
		snprintf(msg, len, "%s/%s is owned by uid %u, not by us: refusing this directory "
			 "(another user can plant a marker, and hold its lock for ever); remove it, "
			 "or use another --dir", dir, DATA_MARKER, (unsigned)st.st_uid);
	else if (rc < 0)
		snprintf(msg, len, "%s/%s: %s", dir, DATA_MARKER, rc == -EPERM ?
			 "the marker is not a regular file: refusing this directory" :
			 rc == -ETIMEDOUT ? "another process held its lock too long" : strerror(-rc));
	close(mfd);
	if (rc < 0)
		goto out_close;
	return 0;
out_close:
	close(dd->fd);
	dd->fd = -1;
	return rc;
}

void data_dir_close(struct data_dir *dd)
{
	if (dd->fd >= 0)
		close(dd->fd);
	dd->fd = -1;
}

int dataset_dir_init(const char *dir, bool create, char *msg, size_t len)
{
	struct data_dir dd;
	int rc = data_dir_open(dir, create, &dd, msg, len);

	if (rc == 0)
		data_dir_close(&dd);
	return rc;
}

int data_lock(const struct data_dir *dd, const char *dir, const char *name, int op)
{
	uint64_t end = now_ns() + LOCK_WAIT_S * 1000000000ULL;
	int fd = sfs_lock(dd->fd, name, op | LOCK_NB);

	if (fd != -EWOULDBLOCK)
		return fd;
	errmsg("waiting for another iobench using %s/%s (up to %d s; Ctrl-C stops)", dir, name,
	       LOCK_WAIT_S);
	/* a poll, not a blocking flock: a signal or the bound ends the wait */
	while ((fd = sfs_lock(dd->fd, name, op | LOCK_NB)) == -EWOULDBLOCK) {
		if (sig_stop())
			return -EINTR;
		if (now_ns() >= end)
			return -ETIMEDOUT;
		usleep(50000);
	}
	return fd;
}

int remove_tree(const char *path)
{
	char *copy = xasprintf("%s", path), *slash = strrchr(copy, '/');
	const char *parent = slash ? (slash == copy ? "/" : copy) : ".";
	const char *name = slash ? slash + 1 : copy;
	int dfd, rc;

	if (slash)
		*slash = '\0';
	dfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = dfd < 0 ? -errno : sfs_remove_tree(dfd, name);
	if (dfd >= 0)
		close(dfd);
	free(copy);
	return rc == -ENOENT ? 0 : rc;
}

