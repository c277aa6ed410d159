/*
 * data_dir.c - the data directory (--dir): its marker and the token that
 * proves which entries this directory's iobench made, and the per-dataset
 * locks that let several runs share it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dataset.h"
#include "signals.h"
#include "util.h"

/* The marker's token: read it, or write a fresh one into an empty marker. */
static int marker_token(int mfd, char token[SFS_TOKEN_LEN + 1])
{
	struct stat st;
	ssize_t n;

	/* two runs creating the marker at once agree on one token */
	while (flock(mfd, LOCK_EX) < 0)
		if (errno != EINTR)
			return -errno;
	if (fstat(mfd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EPERM;
	n = pread(mfd, token, SFS_TOKEN_LEN, 0);
	token[n > 0 ? n : 0] = '\0';
	if (n == SFS_TOKEN_LEN && strspn(token, "0123456789abcdef") == SFS_TOKEN_LEN)
		return 0;
	/* new, or from an iobench before ownership records: ours to fill */
	if (st.st_uid != geteuid())
		return -EPERM;
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
	rc = marker_token(mfd, dd->token);
	close(mfd);
	if (rc < 0) {
		snprintf(msg, len, "%s/%s: %s", dir, DATA_MARKER, rc == -EPERM ?
			 "the marker is not a regular file of ours: refusing this directory" :
			 strerror(-rc));
		goto out_close;
	}
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
	int fd = sfs_lock(dd->fd, name, op | LOCK_NB);

	if (fd != -EWOULDBLOCK)
		return fd;
	errmsg("waiting for another iobench using %s/%s", dir, name);
	do
		fd = sig_stop() ? -EINTR : sfs_lock(dd->fd, name, op);
	while (fd == -EINTR && !sig_stop());
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

