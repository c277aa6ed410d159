/*
 * delayfs.c - storage with a known answer, for the tests (issue 16): a FUSE
 * filesystem passing everything through to a directory and adding a fixed
 * delay to every open, create, read, write and fsync, the way network
 * storage adds a round trip.  Multi-threaded (up to 512 requests served at
 * once), so N operations in flight take one delay, not N: throughput must
 * follow Little's law, ops/s = ops in flight / delay.  It counts what it
 * served: reading /.delayfs gives "delay_us D ops N max_inflight M".
 *
 *   delayfs SRC MNT DELAY_US     (as root; fusermount3 -u MNT to stop)
 */
#define FUSE_USE_VERSION 312
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <fuse.h>

#define STATS "/.delayfs"

static int src = -1;			/* the directory passed through */
static long delay_us;
static atomic_long ops, inflight, max_inflight;

/* "/a/b" -> "a/b", "/" -> "." : relative to src */
static const char *rel(const char *path)
{
	return path[1] ? path + 1 : ".";
}

/* One delayed operation: counted in flight for as long as it sleeps. */
static void delay(void)
{
	struct timespec ts = { delay_us / 1000000, (delay_us % 1000000) * 1000 };
	long now = atomic_fetch_add(&inflight, 1) + 1, max = atomic_load(&max_inflight);

	while (now > max && !atomic_compare_exchange_weak(&max_inflight, &max, now))
		;
	atomic_fetch_add(&ops, 1);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	atomic_fetch_sub(&inflight, 1);
}

static int stats_text(char *buf, size_t len)
{
	return snprintf(buf, len, "delay_us %ld ops %ld max_inflight %ld\n", delay_us,
			atomic_load(&ops), atomic_load(&max_inflight));
}

static void *df_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	/* async requests (readahead) may be many at once, like the sync ones */
	conn->max_background = 256;
	conn->congestion_threshold = 192;
	/* no readahead: one read of the caller's is one delayed read here */
	conn->max_readahead = 0;
	cfg->use_ino = 1;
	return NULL;
}

static int df_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	if (!strcmp(path, STATS)) {
		char buf[128];

		memset(st, 0, sizeof(*st));
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		st->st_size = stats_text(buf, sizeof(buf));
		return 0;
	}
	if (fi && fstat((int)fi->fh, st) == 0)
		return 0;
	return fstatat(src, rel(path), st, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

static int df_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
		      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	int fd = openat(src, rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	(void)off;
	(void)fi;
	(void)flags;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	while ((e = readdir(d)) != NULL)
		fill(buf, e->d_name, NULL, 0, 0);
	closedir(d);
	return 0;
}

static int df_open(const char *path, struct fuse_file_info *fi)
{
	int fd;

	if (!strcmp(path, STATS))
		return (fi->flags & O_ACCMODE) == O_RDONLY ? 0 : -EACCES;
	delay();
	fd = openat(src, rel(path), (fi->flags & ~O_NOFOLLOW) | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	fi->fh = (uint64_t)fd;
	return 0;
}

static int df_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	int fd;

	delay();
	fd = openat(src, rel(path), fi->flags | O_CREAT | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	fi->fh = (uint64_t)fd;
	return 0;
}

static int df_read(const char *path, char *buf, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	ssize_t n;

	if (!strcmp(path, STATS)) {
		char text[128];
		int len = stats_text(text, sizeof(text));

		if (off >= len)
			return 0;
		n = (ssize_t)size < len - off ? (ssize_t)size : len - off;
		memcpy(buf, text + off, (size_t)n);
		return (int)n;
	}
	delay();
	n = pread((int)fi->fh, buf, size, off);
	return n < 0 ? -errno : (int)n;
}

static int df_write(const char *path, const char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	ssize_t n;

	(void)path;
	delay();
	n = pwrite((int)fi->fh, buf, size, off);
	return n < 0 ? -errno : (int)n;
}

static int df_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	(void)path;
	delay();
	return (datasync ? fdatasync((int)fi->fh) : fsync((int)fi->fh)) < 0 ? -errno : 0;
}

static int df_release(const char *path, struct fuse_file_info *fi)
{
	if (strcmp(path, STATS))
		close((int)fi->fh);
	return 0;
}

static int df_mkdir(const char *path, mode_t mode)
{
	return mkdirat(src, rel(path), mode) < 0 ? -errno : 0;
}

static int df_unlink(const char *path)
{
	return unlinkat(src, rel(path), 0) < 0 ? -errno : 0;
}

static int df_rmdir(const char *path)
{
	return unlinkat(src, rel(path), AT_REMOVEDIR) < 0 ? -errno : 0;
}

static int df_rename(const char *from, const char *to, unsigned int flags)
{
	return renameat2(src, rel(from), src, rel(to), flags) < 0 ? -errno : 0;
}

static int df_link(const char *from, const char *to)
{
	return linkat(src, rel(from), src, rel(to), 0) < 0 ? -errno : 0;
}

static int df_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	int rc;

	if (fi)
		return ftruncate((int)fi->fh, size) < 0 ? -errno : 0;
	{
		int fd = openat(src, rel(path), O_WRONLY | O_CLOEXEC);

		if (fd < 0)
			return -errno;
		rc = ftruncate(fd, size) < 0 ? -errno : 0;
		close(fd);
	}
	return rc;
}

static int df_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	(void)fi;
	return fchmodat(src, rel(path), mode, 0) < 0 ? -errno : 0;
}

static int df_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
	(void)fi;
	return fchownat(src, rel(path), uid, gid, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

static int df_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
	(void)fi;
	return utimensat(src, rel(path), tv, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

static int df_statfs(const char *path, struct statvfs *st)
{
	(void)path;
	return fstatvfs(src, st) < 0 ? -errno : 0;
}

static int df_flock(const char *path, struct fuse_file_info *fi, int op)
{
	(void)path;
	return flock((int)fi->fh, op) < 0 ? -errno : 0;
}

static const struct fuse_operations df_ops = {
	.init = df_init, .getattr = df_getattr, .readdir = df_readdir, .open = df_open,
	.create = df_create, .read = df_read, .write = df_write, .fsync = df_fsync,
	.release = df_release, .mkdir = df_mkdir, .unlink = df_unlink, .rmdir = df_rmdir,
	.rename = df_rename, .link = df_link, .truncate = df_truncate, .chmod = df_chmod,
	.chown = df_chown, .utimens = df_utimens, .statfs = df_statfs, .flock = df_flock,
};

int main(int argc, char **argv)
{
	char *fargs[] = { argv[0], "-o", "allow_other,default_permissions", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, fargs);
	struct fuse_loop_config *cfg;
	struct fuse *f;
	int rc;

	if (argc != 4 || (delay_us = atol(argv[3])) < 0) {
		fprintf(stderr, "usage: delayfs SRC MNT DELAY_US\n");
		return 2;
	}
	src = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (src < 0) {
		perror(argv[1]);
		return 1;
	}
	f = fuse_new(&args, &df_ops, sizeof(df_ops), NULL);
	if (!f || fuse_mount(f, argv[2]) != 0) {
		fprintf(stderr, "delayfs: cannot mount on %s\n", argv[2]);
		return 1;
	}
	/* ready once mounted: the caller may start right after we go to the background */
	if (fuse_daemonize(0) != 0 || fuse_set_signal_handlers(fuse_get_session(f)) != 0)
		return 1;
	cfg = fuse_loop_cfg_create();
	fuse_loop_cfg_set_max_threads(cfg, 512);
	fuse_loop_cfg_set_idle_threads(cfg, 64);
	rc = fuse_loop_mt(f, cfg);
	fuse_loop_cfg_destroy(cfg);
	fuse_unmount(f);
	fuse_destroy(f);
	return rc ? 1 : 0;
}
