/* dataset.c - generate once, verify by manifest, reuse. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "dataset.h"
#include "dataset_int.h"
#include "signals.h"
#include "util.h"

#define GEN_CHUNK (1 * MIB)

void dataset_free(struct dataset *ds)
{
	if (ds->lock_fd > 0)
		close(ds->lock_fd);
	for (size_t i = 0; i < ds->nfiles; i++) {
		free(ds->files[i].name);
		free(ds->files[i].path);
	}
	free(ds->files);
	free(ds->path);
	free(ds->spec);
	memset(ds, 0, sizeof(*ds));
}

struct progress {
	const char *what;
	uint64_t done, total;
	int last_pct;
	bool tty;
};

static void progress_step(struct progress *p, uint64_t n)
{
	int pct;
	char a[32], b[32];

	p->done += n;
	if (!p->tty || p->total == 0)
		return;
	pct = (int)(p->done * 100 / p->total);
	if (pct == p->last_pct)
		return;
	p->last_pct = pct;
	fprintf(stderr, "\rgenerating %s: %3d%% (%s of %s)", p->what, pct,
		fmt_bytes(p->done, a, sizeof(a)), fmt_bytes(p->total, b, sizeof(b)));
	if (p->done >= p->total)
		fputc('\n', stderr);
}

/* Writes one file of the dataset into @dirfd, hashing what it writes. */
static int gen_file(int dirfd, const char *path, size_t i, struct ds_file *f,
		    ds_fill_fn fill, void *arg, void *buf, struct progress *pg,
		    char *msg, size_t len)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint64_t off = 0;
	int fd, rc = 0;

	if (!md)
		return -ENOMEM;
	fd = sfs_create(dirfd, f->name, 0644);
	if (fd < 0) {
		rc = fd;
		snprintf(msg, len, "cannot create %s: %s", path, strerror(-rc));
		goto out_md;
	}
	EVP_DigestInit_ex(md, EVP_md5(), NULL);
	while (off < f->size) {
		size_t n = f->size - off < GEN_CHUNK ? (size_t)(f->size - off) : GEN_CHUNK;

		rc = sig_stop() ? -EINTR : fill(arg, i, off, buf, n);
		if (rc < 0) {
			snprintf(msg, len, "generating %s: %s", path, strerror(-rc));
			goto out_close;
		}
		rc = write_all(fd, buf, n);
		if (rc < 0) {
			snprintf(msg, len, "write %s: %s%s", path, strerror(-rc), rc == -EFBIG ?
				 " (the file size limit, ulimit -f, is below the dataset's file size)" : "");
			goto out_close;
		}
		EVP_DigestUpdate(md, buf, n);
		off += n;
		progress_step(pg, n);
	}
	EVP_DigestFinal_ex(md, f->md5, NULL);
	/* the dataset must be on disk before a manifest vouches for it */
	if (fsync(fd) < 0) {
		rc = -errno;
		snprintf(msg, len, "fsync %s: %s", path, strerror(-rc));
	}
out_close:
	if (close(fd) < 0 && rc == 0) {
		rc = -errno;
		snprintf(msg, len, "close %s: %s", path, strerror(-rc));
	}
out_md:
	EVP_MD_CTX_free(md);
	return rc;
}

/*
 * A dataset to reuse must be a real directory of ours (a symlink or
 * another user's directory could hold anything).  0 or -ESTALE with @why.
 */
static int owned_dir(const struct data_dir *dd, const char *name, char *why, size_t len)
{
	struct stat st;

	if (fstatat(dd->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		snprintf(why, len, "not there (%s)", strerror(errno));
		return -ESTALE;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
		snprintf(why, len, "not a directory of ours");
		return -ESTALE;
	}
	return 0;
}

/*
 * Refuses, with the numbers, a dataset that can't fit: free space (less a
 * margin for the filesystem) and the file size limit (ulimit -f).
 */
static int space_check(const struct data_dir *dd, const char *dir, const struct dataset *ds,
		       char *msg, size_t len)
{
	struct statvfs sv;
	struct rlimit rl;
	uint64_t biggest = 0;
	char a[32], b[32];

	for (size_t i = 0; i < ds->nfiles; i++)
		if (ds->files[i].size > biggest)
			biggest = ds->files[i].size;
	if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    biggest > (uint64_t)rl.rlim_cur) {
		snprintf(msg, len, "dataset %s needs files of %s, above the file size limit "
			 "(ulimit -f) of %s", ds->path, fmt_bytes(biggest, a, sizeof(a)),
			 fmt_bytes((uint64_t)rl.rlim_cur, b, sizeof(b)));
		return -EFBIG;
	}
	if (fstatvfs(dd->fd, &sv) == 0) {
		uint64_t avail = (uint64_t)sv.f_bavail * sv.f_frsize;
		uint64_t need = ds->bytes + ds->bytes / 64 + 16 * MIB;

		if (need > avail) {
			snprintf(msg, len, "dataset %s needs %s and %s has %s free: not generating "
				 "it (choose a smaller --size, --files or --file-size, or another "
				 "--dir)", ds->path, fmt_bytes(need, a, sizeof(a)), dir,
				 fmt_bytes(avail, b, sizeof(b)));
			return -ENOSPC;
		}
	}
	return 0;
}

/*
 * Generates dataset @name in a new directory of ours and renames it into
 * place.  A stale copy under @name goes only if its ownership record
 * proves iobench made it.  The caller holds @name's exclusive lock.
 */
/* Writes every file and the manifest into the fresh directory @tfd (@tmp_path). */
static int fill_tmp(int tfd, const char *tmp_path, struct dataset *ds, ds_fill_fn fill, void *arg,
		    struct progress *pg, char *msg, size_t len)
{
	void *buf = malloc(GEN_CHUNK);
	int rc = 0;

	if (!buf) {
		snprintf(msg, len, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < ds->nfiles && rc == 0; i++) {
		char *path = xasprintf("%s/%s", tmp_path, ds->files[i].name);

		rc = gen_file(tfd, path, i, &ds->files[i], fill, arg, buf, pg, msg, len);
		free(path);
	}
	free(buf);
	if (rc == 0)
		rc = manifest_write(tfd, tmp_path, ds, msg, len);
	if (rc == 0 && fsync(tfd) < 0) {
		rc = -errno;
		snprintf(msg, len, "cannot sync %s: %s", tmp_path, strerror(-rc));
	}
	return rc;
}

/*
 * Renames the finished @tmp to @name.  An older, stale copy goes only
 * now, and only if it is provably ours.  0 or -errno with @msg.
 */
static int put_in_place(const struct data_dir *dd, const struct dataset *ds, const char *tmp,
			const char *name, char *msg, size_t len)
{
	struct stat st;
	int rc = 0;

	if (fstatat(dd->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!sfs_is_ours(dd->fd, name, dd->token)) {
			snprintf(msg, len, "%s exists but carries no ownership record of this "
				 "directory's iobench (%s), so it is not removed: move it away or "
				 "use another --dir", ds->path, SFS_OWNER);
			return -EEXIST;
		}
		rc = sfs_remove_tree(dd->fd, name);
	}
	if (rc == 0 && renameat(dd->fd, tmp, dd->fd, name) < 0)
		rc = -errno;
	if (rc == 0 && fsync(dd->fd) < 0)
		rc = -errno;
	if (rc < 0)
		snprintf(msg, len, "cannot put dataset in place at %s: %s", ds->path,
			 strerror(-rc));
	return rc;
}

static int generate(struct dataset *ds, const struct data_dir *dd, const char *dir,
		    const char *name, ds_fill_fn fill, void *arg, char *msg, size_t len)
{
	char tok[SFS_TOKEN_LEN + 1];
	char *tmp, *tmp_path;
	struct progress pg = { name, 0, ds->bytes, -1, stderr_is_tty() };
	int tfd = -1, rc;

	sfs_token(tok);
	tmp = xasprintf("%s.tmp-%ld-%.8s", name, (long)getpid(), tok);
	tmp_path = xasprintf("%s/%s", dir, tmp);
	rc = space_check(dd, dir, ds, msg, len);
	if (rc < 0)
		goto out;
	tfd = sfs_mkdir_new(dd->fd, tmp, 0755);
	if (tfd < 0) {
		rc = tfd;
		snprintf(msg, len, "cannot create %s: %s", tmp_path, strerror(-rc));
		goto out;
	}
	rc = sfs_claim(tfd, dd->token);
	if (rc < 0)
		snprintf(msg, len, "cannot write %s/%s: %s", tmp_path, SFS_OWNER, strerror(-rc));
	if (rc == 0)
		rc = fill_tmp(tfd, tmp_path, ds, fill, arg, &pg, msg, len);
	if (rc == 0)
		rc = put_in_place(dd, ds, tmp, name, msg, len);
	if (rc < 0) {
		if (pg.tty && pg.done)
			fputc('\n', stderr);
		/* ours: made new above, under a name nobody else picks */
		sfs_remove_tree(dd->fd, tmp);
	}
	close(tfd);
out:
	free(tmp);
	free(tmp_path);
	return rc;
}

/* Every file's MD5 against the manifest's.  0, or -ESTALE naming the file. */
static int verify_digests(const struct dataset *ds, char *why, size_t len)
{
	static unsigned char buf[1 << 20];
	unsigned char got[16];
	int rc = 0;

	for (size_t i = 0; i < ds->nfiles && rc == 0; i++) {
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		int fd = open(ds->files[i].path, O_RDONLY | O_CLOEXEC);
		ssize_t n;

		if (fd < 0 || !md) {
			snprintf(why, len, "cannot read %s", ds->files[i].path);
			rc = -ESTALE;
		}
		EVP_DigestInit_ex(md, EVP_md5(), NULL);
		while (rc == 0 && (n = read(fd, buf, sizeof(buf))) > 0)
			EVP_DigestUpdate(md, buf, (size_t)n);
		EVP_DigestFinal_ex(md, got, NULL);
		if (rc == 0 && memcmp(got, ds->files[i].md5, 16) != 0) {
			snprintf(why, len, "%s was modified since it was generated (MD5 differs)",
				 ds->files[i].path);
			rc = -ESTALE;
		}
		if (fd >= 0)
			close(fd);
		EVP_MD_CTX_free(md);
	}
	return rc;
}

/* @ds as the dataset @name in @dir should be: its spec, files and sizes. */
static void ds_describe(struct dataset *ds, const char *dir, const char *name, const char *spec,
			size_t n, char *const *names, const uint64_t *sizes)
{
	memset(ds, 0, sizeof(*ds));
	ds->lock_fd = -1;
	ds->path = xasprintf("%s/%s", dir, name);
	ds->spec = xasprintf("%s", spec);
	ds->nfiles = n;
	ds->files = xcalloc(n, sizeof(*ds->files));
	for (size_t i = 0; i < n; i++) {
		ds->files[i].name = xasprintf("%s", names[i]);
		ds->files[i].path = xasprintf("%s/%s", ds->path, names[i]);
		ds->files[i].size = sizes[i];
		ds->bytes += sizes[i];
	}
}

/*
 * Shared to use it (many runs at once), exclusive to make it: a
 * generator's exclusive lock makes the others wait, then they find its
 * dataset complete and share it.  0: usable as it is, with a shared lock;
 * -ESTALE and the like (@why): it must be made, with an exclusive lock;
 * -errno with *@no_lock (@msg): no lock at all.
 */
static int lock_and_check(struct dataset *ds, struct data_dir *dd, const char *dir,
			  const char *name, unsigned flags, char *why, size_t wlen, char *msg,
			  size_t len, bool *no_lock)
{
	int rc;

	*no_lock = true;
	for (int op = LOCK_SH;; op = LOCK_EX) {
		rc = ds->lock_fd = data_lock(dd, dir, name, op);
		if (rc == -EACCES) {
			char *lf = xasprintf(".lock-%s", name);
			struct stat st;

			snprintf(msg, len, "%s/%s is owned by uid %d, not by us: refusing it "
				 "(another user can hold it for ever); remove it, or use another "
				 "--dir", dir, lf, fstatat(dd->fd, lf, &st, AT_SYMLINK_NOFOLLOW) == 0 ?
				 (int)st.st_uid : -1);
			free(lf);
			return rc;
		}
		if (rc < 0) {
			snprintf(msg, len, "cannot lock dataset %s: %s", ds->path, strerror(-rc));
			return rc;
		}
		*no_lock = false;
		rc = owned_dir(dd, name, why, wlen);
		if (rc == 0)
			rc = manifest_load(ds, why, wlen);
		if (rc == 0 && (flags & DS_VERIFY))
			rc = verify_digests(ds, why, wlen);
		if (rc == 0 || op == LOCK_EX)
			return rc;
		close(ds->lock_fd);
	}
}

int dataset_get(const char *dir, const char *name, const char *spec,
		size_t n, char *const *names, const uint64_t *sizes,
		ds_fill_fn fill, void *arg, unsigned flags, struct dataset *ds,
		char *msg, size_t len)
{
	struct data_dir dd;
	char why[256];
	bool no_lock;
	int rc;

	ds_describe(ds, dir, name, spec, n, names, sizes);
	rc = data_dir_open(dir, false, &dd, msg, len);
	if (rc < 0)
		goto fail;
	rc = lock_and_check(ds, &dd, dir, name, flags, why, sizeof(why), msg, len, &no_lock);
	if (no_lock)
		goto out_dir;
	if (rc < 0 && (flags & DS_FIND_ONLY)) {
		snprintf(msg, len, "dataset %s is not usable here (%s), though rank 0 has just made "
			 "it: --dir is not one directory shared by every rank's node; --mpi-share "
			 "split needs one (or use --mpi-share each)", ds->path, why);
		rc = -ENOENT;
	} else if (rc < 0) {
		/* one that is not ours is not replaced: generate() says so */
		if (sfs_is_ours(dd.fd, name, dd.token))
			errmsg("dataset %s is stale (%s): generating it again", ds->path, why);
		rc = generate(ds, &dd, dir, name, fill, arg, msg, len);
		/* in use from here on: other runs may share it, clean must not touch it */
		if (rc == 0 && flock(ds->lock_fd, LOCK_SH) < 0)
			rc = -errno;
	}
out_dir:
	data_dir_close(&dd);
fail:
	if (rc < 0)
		dataset_free(ds);
	return rc;
}
