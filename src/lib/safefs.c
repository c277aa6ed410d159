/* safefs.c - see safefs.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <linux/openat2.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "safefs.h"
#include "util.h"

/* A tree deeper than this is not something iobench made. */
#define SFS_MAX_DEPTH 8

int sfs_open_user_dir(const char *path, bool create, char *msg, size_t len)
{
	struct stat st;
	int fd;

	if (create && mkdir(path, 0755) < 0 && errno != EEXIST) {
		snprintf(msg, len, "cannot create %s: %s", path, strerror(errno));
		return -errno;
	}
	if (lstat(path, &st) < 0) {
		snprintf(msg, len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (S_ISLNK(st.st_mode) && st.st_uid != geteuid() && st.st_uid != 0) {
		snprintf(msg, len, "%s is a symbolic link owned by uid %u, not by us: refusing to "
			 "follow it (give the real path)", path, (unsigned)st.st_uid);
		return -EPERM;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(msg, len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	return fd;
}

int sfs_mkdir_new(int dirfd, const char *name, mode_t mode)
{
	struct stat st;
	int fd;

	if (mkdirat(dirfd, name, mode) < 0)
		return -errno;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* swapped between mkdir and open: not the directory we made */
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid()) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

int sfs_create(int dirfd, const char *name, mode_t mode)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);

	return fd < 0 ? -errno : fd;
}

int sfs_open(int dirfd, const char *name, int flags)
{
	int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

void sfs_token(char out[SFS_TOKEN_LEN + 1])
{
	unsigned char raw[SFS_TOKEN_LEN / 2];
	size_t got = 0;

	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);

		if (n < 0 && errno != EINTR)
			die(1, "getrandom: %s", strerror(errno));
		if (n > 0)
			got += (size_t)n;
	}
	hex_encode(raw, sizeof(raw), out);
}

int sfs_save_all(int dirfd, const char *const *names, const void *const *bufs,
		 const size_t *lens, size_t n, bool replace, size_t *failed)
{
	char tok[SFS_TOKEN_LEN + 1];
	char **tmp = xcalloc(n, sizeof(*tmp));
	size_t made = 0, placed = 0, bad = 0;
	int rc = 0;

	sfs_token(tok);
	for (; made < n && rc == 0; made++) {
		int fd;

		bad = made;
		tmp[made] = xasprintf(".%.64s.tmp-%.12s", names[made], tok);
		fd = sfs_create(dirfd, tmp[made], 0644);
		if (fd < 0) {
			rc = fd;
			break;
		}
		rc = write_all(fd, bufs[made], lens[made]);
		if (rc == 0 && fsync(fd) < 0)
			rc = -errno;
		if (close(fd) < 0 && rc == 0)
			rc = -errno;
	}
	/* only now that every file is on disk does any of them take its name */
	for (; rc == 0 && placed < n; placed++) {
		bad = placed;
		if (replace ? renameat(dirfd, tmp[placed], dirfd, names[placed]) < 0
			    : linkat(dirfd, tmp[placed], dirfd, names[placed], 0) < 0) {
			rc = -errno;
			break;
		}
	}
	/* a failure takes back the links made here, never a file that was there */
	for (size_t i = 0; rc < 0 && !replace && i < placed; i++)
		unlinkat(dirfd, names[i], 0);
	for (size_t i = 0; i < n; i++) {
		if (tmp[i] && (rc < 0 || !replace))
			unlinkat(dirfd, tmp[i], 0);
		free(tmp[i]);
	}
	free(tmp);
	/* best effort: the files are in place whether or not this succeeds */
	if (rc == 0)
		fsync(dirfd);
	if (failed)
		*failed = bad;
	return rc;
}

int sfs_save(int dirfd, const char *name, const void *buf, size_t len, bool replace)
{
	return sfs_save_all(dirfd, &name, &buf, &len, 1, replace, NULL);
}

static int remove_in(int dirfd, int depth);

static int remove_at(int dirfd, const char *name, int depth)
{
	struct stat st, st2;
	int fd, rc;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (st.st_uid != geteuid())
		return -EPERM;	/* not ours: kept */
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
	if (depth >= SFS_MAX_DEPTH)
		return -ELOOP;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* the directory opened must be the one examined, not a swapped-in one */
	if (fstat(fd, &st2) < 0 || st2.st_dev != st.st_dev || st2.st_ino != st.st_ino ||
	    st2.st_uid != geteuid()) {
		close(fd);
		return -EPERM;
	}
	rc = remove_in(fd, depth + 1);
	close(fd);
	if (rc == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		rc = -errno;
	return rc;
}

/* Removes every entry of the open directory @dirfd; the first error wins. */
static int remove_in(int dirfd, int depth)
{
	int dup_fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0), rc = 0;
	struct dirent *e;
	DIR *d;

	if (dup_fd < 0)
		return -errno;
	d = fdopendir(dup_fd);
	if (!d) {
		close(dup_fd);
		return -errno;
	}
	while ((e = readdir(d)) != NULL) {
		int r;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		r = remove_at(dirfd, e->d_name, depth);
		if (r < 0 && rc == 0)
			rc = r;
	}
	closedir(d);
	return rc;
}

int sfs_remove_tree(int dirfd, const char *name)
{
	return remove_at(dirfd, name, 0);
}

int sfs_empty_dir(int dirfd)
{
	return remove_in(dirfd, 1);
}

int sfs_claim(int dirfd, const char *token)
{
	return sfs_save(dirfd, SFS_OWNER, token, strlen(token), false);
}

bool sfs_is_ours(int dirfd, const char *name, const char *token)
{
	char got[SFS_TOKEN_LEN + 1];
	struct stat st;
	int fd, own;
	ssize_t n;

	fd = sfs_open(dirfd, name, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid()) {
		close(fd);
		return false;
	}
	own = sfs_open(fd, SFS_OWNER, O_RDONLY);
	close(fd);
	if (own < 0)
		return false;
	n = read(own, got, SFS_TOKEN_LEN);
	if (fstat(own, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid())
		n = -1;
	close(own);
	return n == SFS_TOKEN_LEN && !memcmp(got, token, SFS_TOKEN_LEN);
}

int sfs_lock(int dirfd, const char *name, int op)
{
	char *lname = xasprintf(".lock-%s", name);
	int fd = openat(dirfd, lname, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	struct stat st;

	free(lname);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EPERM;
	}
	/* another user's lock file: they could hold it for ever, and we'd wait */
	if (st.st_uid != geteuid()) {
		close(fd);
		return -EACCES;
	}
	/* EINTR too goes back: the caller decides whether a signal stops it */
	if (flock(fd, op) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

int sfs_save_emit(int dirfd, const char *name, bool replace,
		  int (*emit)(FILE *, const void *), const void *arg)
{
	char *buf;
	size_t len;
	int rc = render_mem(emit, arg, &buf, &len);

	if (rc == 0)
		rc = sfs_save(dirfd, name, buf, len, replace);
	free(buf);
	return rc;
}

/* Component by component, none a link (kernels before openat2, 5.6). */
static int open_walk(int dirfd, const char *path, int flags)
{
	char *copy = xasprintf("%s", path), *save = NULL, *name, *next;
	int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0), nfd;

	if (fd < 0) {
		free(copy);
		return -errno;
	}
	for (name = strtok_r(copy, "/", &save); name; name = next) {
		next = strtok_r(NULL, "/", &save);
		if (!strcmp(name, "..")) {
			close(fd);
			free(copy);
			return -EXDEV;	/* as RESOLVE_BENEATH says it */
		}
		nfd = openat(fd, name, next ? O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC :
			     flags | O_NOFOLLOW);
		close(fd);
		if (nfd < 0) {
			free(copy);
			return -errno;
		}
		fd = nfd;
	}
	free(copy);
	return fd;
}

int sfs_open_beneath(int dirfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_NOFOLLOW),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));

	if (fd >= 0)
		return (int)fd;
	if (errno != ENOSYS)
		return errno == ELOOP ? -ELOOP : -errno;
	return open_walk(dirfd, path, flags);
}
