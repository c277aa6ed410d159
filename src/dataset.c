/* dataset.c - generate once, verify by manifest, reuse. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "dataset.h"
#include "signals.h"
#include "util.h"

#define GEN_CHUNK (1 * MIB)

int dataset_dir_init(const char *dir, bool create, char *msg, size_t len)
{
	struct stat st;
	char *marker;
	int fd;

	if (create && mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(msg, len, "cannot create data directory %s: %s", dir,
			 strerror(errno));
		return -errno;
	}
	if (stat(dir, &st) < 0) {
		snprintf(msg, len, "data directory %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(msg, len, "data directory %s: %s", dir, strerror(ENOTDIR));
		return -ENOTDIR;
	}
	if (access(dir, W_OK | X_OK) < 0) {
		snprintf(msg, len, "data directory %s is not writable: %s", dir,
			 strerror(errno));
		return -errno;
	}
	marker = xasprintf("%s/%s", dir, DATA_MARKER);
	fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		int err = -errno;

		snprintf(msg, len, "cannot write %s: %s", marker, strerror(-err));
		free(marker);
		return err;
	}
	close(fd);
	free(marker);
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

int remove_tree(const char *path)
{
	if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
		return errno == ENOENT ? 0 : -errno;
	return 0;
}

void dataset_free(struct dataset *ds)
{
	for (size_t i = 0; i < ds->nfiles; i++) {
		free(ds->files[i].name);
		free(ds->files[i].path);
	}
	free(ds->files);
	free(ds->path);
	free(ds->spec);
	memset(ds, 0, sizeof(*ds));
}

static int hex_decode16(const char *hex, unsigned char out[16])
{
	for (int i = 0; i < 16; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		out[i] = (unsigned char)v;
	}
	return hex[32] == '\0' || hex[32] == '\n' ? 0 : -EINVAL;
}

/*
 * Loads <ds->path>/MANIFEST when it matches the spec and every file has its
 * recorded size.  Returns 0, or -ESTALE when the dataset must be made
 * again (missing, other spec, a file changed size), with @msg saying why.
 */
static int manifest_load(struct dataset *ds, char *msg, size_t len)
{
	char *path = xasprintf("%s/MANIFEST", ds->path);
	char *text = NULL, *line, *save = NULL;
	size_t seen = 0;
	int rc;

	rc = read_small_file(path, &text, NULL);
	if (rc < 0) {
		snprintf(msg, len, "no manifest (%s)", strerror(-rc));
		rc = -ESTALE;
		goto out;
	}
	line = strtok_r(text, "\n", &save);
	if (!line || strncmp(line, "spec ", 5) || strcmp(line + 5, ds->spec)) {
		snprintf(msg, len, "manifest is for another spec");
		rc = -ESTALE;
		goto out;
	}
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		char name[256], hex[40];
		unsigned long long size;
		struct ds_file *f = NULL;
		struct stat st;

		if (sscanf(line, "file %255s %llu %39s", name, &size, hex) != 3)
			continue;
		for (size_t i = 0; i < ds->nfiles; i++)
			if (strcmp(ds->files[i].name, name) == 0)
				f = &ds->files[i];
		if (!f || f->size != size || hex_decode16(hex, f->md5) < 0) {
			snprintf(msg, len, "manifest entry '%.200s' does not match", name);
			rc = -ESTALE;
			goto out;
		}
		if (stat(f->path, &st) < 0) {
			snprintf(msg, len, "%s: %s", f->path,
				 errno == ENOENT ? "deleted since it was generated" : strerror(errno));
			rc = -ESTALE;
			goto out;
		}
		if ((uint64_t)st.st_size != f->size) {
			snprintf(msg, len, "%s changed size since it was generated (%llu bytes, not %llu)",
				 f->path, (unsigned long long)st.st_size,
				 (unsigned long long)f->size);
			rc = -ESTALE;
			goto out;
		}
		seen++;
	}
	if (seen != ds->nfiles) {
		snprintf(msg, len, "manifest lists %zu of %zu files", seen, ds->nfiles);
		rc = -ESTALE;
	}
out:
	free(text);
	free(path);
	return rc;
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

/* Writes one file of the dataset, hashing what it writes. */
static int gen_file(const char *path, size_t i, struct ds_file *f,
		    ds_fill_fn fill, void *arg, void *buf, struct progress *pg,
		    char *msg, size_t len)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint64_t off = 0;
	int fd, rc = 0;

	if (!md)
		return -ENOMEM;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
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
			snprintf(msg, len, "write %s: %s", path, strerror(-rc));
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

static int manifest_write(const char *dir, const struct dataset *ds, char *msg,
			  size_t len)
{
	size_t cap = 64 + strlen(ds->spec) + ds->nfiles * 340, off = 0;
	char *text = xcalloc(1, cap), *path = xasprintf("%s/MANIFEST", dir);
	int rc;

	off += (size_t)snprintf(text + off, cap - off, "spec %s\n", ds->spec);
	for (size_t i = 0; i < ds->nfiles; i++) {
		char hex[33];

		hex_encode(ds->files[i].md5, 16, hex);
		off += (size_t)snprintf(text + off, cap - off, "file %s %llu %s\n",
					ds->files[i].name,
					(unsigned long long)ds->files[i].size, hex);
	}
	rc = write_file_atomic(path, text, off, false);
	if (rc < 0)
		snprintf(msg, len, "write %s: %s", path, strerror(-rc));
	free(path);
	free(text);
	return rc;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int generate(struct dataset *ds, const char *dir, const char *name,
		    ds_fill_fn fill, void *arg, char *msg, size_t len)
{
	char *tmp = xasprintf("%s/%s.tmp-%ld", dir, name, (long)getpid());
	struct progress pg = { name, 0, ds->bytes, -1, stderr_is_tty() };
	void *buf = NULL;
	int rc;

	remove_tree(tmp);
	if (mkdir(tmp, 0755) < 0) {
		rc = -errno;
		snprintf(msg, len, "cannot create %s: %s", tmp, strerror(-rc));
		goto out;
	}
	buf = malloc(GEN_CHUNK);
	if (!buf) {
		rc = -ENOMEM;
		snprintf(msg, len, "out of memory");
		goto out_remove;
	}
	for (size_t i = 0; i < ds->nfiles; i++) {
		char *path = xasprintf("%s/%s", tmp, ds->files[i].name);

		rc = gen_file(path, i, &ds->files[i], fill, arg, buf, &pg, msg, len);
		free(path);
		if (rc < 0)
			goto out_remove;
	}
	rc = manifest_write(tmp, ds, msg, len);
	if (rc < 0)
		goto out_remove;
	rc = fsync_dir(tmp);
	/* an older, stale copy goes only now that the new one is complete */
	if (rc == 0)
		rc = remove_tree(ds->path);
	if (rc == 0 && rename(tmp, ds->path) < 0)
		rc = -errno;
	if (rc == 0)
		rc = fsync_dir(dir);
	if (rc < 0) {
		snprintf(msg, len, "cannot put dataset in place at %s: %s",
			 ds->path, strerror(-rc));
		goto out_remove;
	}
	goto out;
out_remove:
	if (pg.tty && pg.done)
		fputc('\n', stderr);
	remove_tree(tmp);
out:
	free(buf);
	free(tmp);
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

int dataset_get(const char *dir, const char *name, const char *spec,
		size_t n, char *const *names, const uint64_t *sizes,
		ds_fill_fn fill, void *arg, bool verify, struct dataset *ds,
		char *msg, size_t len)
{
	char why[256];
	int rc;

	memset(ds, 0, sizeof(*ds));
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
	rc = manifest_load(ds, why, sizeof(why));
	if (rc == 0 && verify)
		rc = verify_digests(ds, why, sizeof(why));
	if (rc == 0)
		return 0;
	if (access(ds->path, F_OK) == 0)
		errmsg("dataset %s is stale (%s): generating it again", ds->path, why);
	rc = generate(ds, dir, name, fill, arg, msg, len);
	if (rc < 0)
		dataset_free(ds);
	return rc;
}
