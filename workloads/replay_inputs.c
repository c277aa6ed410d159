/*
 * replay_inputs.c - a replay's inputs (generated stand-ins, or the user's
 * read-only copy) and the room its outputs need (replay.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "hash64.h"
#include "replay_int.h"
#include "safefs.h"
#include "util.h"

static int standin_fill(void *arg, size_t i, uint64_t off, void *buf, size_t len)
{
	const struct replay_data *d = arg;

	replay_fill(d->plan.seed, d->in_index[i], off, buf, len);
	return 0;
}

/* --replay-data: the user's bytes, for the reference. */
static int copy_read(void *arg, uint32_t file, uint64_t off, void *buf, size_t len)
{
	const struct replay_data *d = arg;
	int fd = sfs_open_beneath(d->data_fd, d->t.files[file].path,
				  O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t n = 0;
	size_t got = 0;
	int rc = 0;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;	/* swapped for something else since the check */
	}
	while (got < len && (n = pread(fd, (char *)buf + got, len - got, (off_t)(off + got))) > 0)
		got += (size_t)n;
	if (n < 0)
		rc = -errno;
	else if (got < len)
		rc = -ENODATA;
	close(fd);
	return rc;
}

/* The inputs: stand-ins generated into --dir, once, like every dataset. */
int replay_standins(struct wl_ctx *ctx, struct replay_data *d)
{
	const struct iotrace *t = &d->t;
	size_t n = 0;
	char **names = xcalloc(t->nfiles + 1, sizeof(*names)), name[64], spec[160];
	uint64_t *sizes = xcalloc(t->nfiles + 1, sizeof(*sizes)), h = 0;
	int rc;

	d->in_index = xcalloc(t->nfiles + 1, sizeof(*d->in_index));
	for (size_t i = 0; i < t->nfiles; i++) {
		if (t->files[i].out)
			continue;
		names[n] = xasprintf("f-%06zu.bin", i);
		sizes[n] = t->files[i].size;
		d->in_index[n++] = (uint32_t)i;
		h = h64(h, &(uint64_t[2]){ i, t->files[i].size }, 16);
	}
	if (n == 0) {
		rc = 0;
		goto out;
	}
	snprintf(name, sizeof(name), "replay-%016" PRIx64 "-s%" PRIu64, h, ctx->cfg->seed);
	snprintf(spec, sizeof(spec), "replay inputs=%zu layout=%016" PRIx64 " seed=%" PRIu64, n,
		 h, ctx->cfg->seed);
	rc = dataset_get(ctx->cfg->dir, name, spec, n, names, sizes, standin_fill, d,
			 wl_ds_flags(ctx->cfg), &d->ds, ctx->msg, sizeof(ctx->msg));
	if (rc == 0) {
		d->have_ds = true;
		for (size_t k = 0; k < n; k++)
			d->in_path[d->in_index[k]] = xasprintf("%s", d->ds.files[k].path);
	}
out:
	for (size_t k = 0; k < n; k++)
		free(names[k]);
	free(names);
	free(sizes);
	return rc;
}

/*
 * Can someone other than us or root replace an entry @entry of the
 * directory @dir: the directory's owner, anyone who may write to it
 * (unless it is sticky and the entry is ours or root's)?
 */
static bool replaceable(const struct stat *dir, const struct stat *entry)
{
	uid_t me = geteuid();

	if (dir->st_uid != me && dir->st_uid != 0)
		return true;
	if (!(dir->st_mode & S_IWOTH) && !((dir->st_mode & S_IWGRP) && dir->st_gid != getegid()))
		return false;
	return !(dir->st_mode & S_ISVTX) || (entry->st_uid != me && entry->st_uid != 0);
}

/*
 * Is every step from --replay-data down to input @path out of other
 * users' reach?  A trial opens the input again, and one who can rename
 * in a directory on the way could swap in a FIFO after these checks (a
 * trial blocked for good) or a file outside the tree.  Checked as ssh
 * checks authorized_keys: 0, or -EPERM with the message.
 */
static int out_of_reach(struct wl_ctx *ctx, struct replay_data *d, const char *path)
{
	char *step = xasprintf("%s", path);
	struct stat dir, entry;
	int rc = 0;

	if (fstat(d->data_fd, &dir) < 0) {
		rc = -errno;
		goto out;
	}
	for (char *slash = step; rc == 0; slash++) {
		char keep;
		int fd;

		slash = slash + strcspn(slash, "/");
		keep = *slash;
		*slash = '\0';
		fd = sfs_open_beneath(d->data_fd, step, O_PATH | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &entry) < 0) {
			rc = fd < 0 ? fd : -errno;
		} else if (replaceable(&dir, &entry)) {
			bool theirs = dir.st_uid != geteuid() && dir.st_uid != 0;
			char who[64];

			if (theirs)
				snprintf(who, sizeof(who), "owned by uid %u", (unsigned)dir.st_uid);
			else
				snprintf(who, sizeof(who), "writable by other users");
			rc = wl_error(ctx, -EPERM, "--replay-data: %s/%s: the directory holding "
				      "'%s' is %s, who could swap it for something else during "
				      "the run: a replay's inputs must be out of other users' "
				      "reach", d->data_dir, path, step, who);
		}
		if (fd >= 0)
			close(fd);
		if (!keep || rc < 0)
			break;
		*slash = keep;
		dir = entry;
	}
out:
	free(step);
	return rc;
}

/* --replay-data DIR: every input must be there, a regular file of its recorded size. */
int replay_copy(struct wl_ctx *ctx, struct replay_data *d)
{
	const struct iotrace *t = &d->t;
	int rc;

	d->data_fd = open(d->data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->data_fd < 0)
		return wl_error(ctx, -errno, "--replay-data %s: %s", d->data_dir, strerror(errno));
	for (size_t i = 0; i < t->nfiles; i++) {
		struct stat st;
		int fd;

		if (t->files[i].out)
			continue;
		d->in_path[i] = xasprintf("%s/%s", d->data_dir, t->files[i].path);
		/* what is opened is what is checked: no link on the way, no FIFO waited on */
		fd = sfs_open_beneath(d->data_fd, t->files[i].path, O_RDONLY | O_NONBLOCK |
				      O_CLOEXEC);
		if (fd < 0)
			return wl_error(ctx, fd, "--replay-data: %s: %s", d->in_path[i],
					fd == -ELOOP ? "a symbolic link on the way (links are not "
					"followed in --replay-data)" : fd == -EXDEV ?
					"outside --replay-data" : strerror(-fd));
		rc = fstat(fd, &st) < 0 ? -errno : 0;
		close(fd);
		if (rc < 0)
			return wl_error(ctx, rc, "--replay-data: %s: %s", d->in_path[i],
					strerror(-rc));
		if (!S_ISREG(st.st_mode))
			return wl_error(ctx, -EINVAL, "--replay-data: %s is not a regular file",
					d->in_path[i]);
		if ((uint64_t)st.st_size != t->files[i].size)
			return wl_error(ctx, -EINVAL, "--replay-data: %s is %lld bytes, the trace "
					"recorded %" PRIu64 ": not the recorded data", d->in_path[i],
					(long long)st.st_size, t->files[i].size);
		if ((rc = out_of_reach(ctx, d, t->files[i].path)) < 0)
			return rc == -EPERM ? rc : wl_error(ctx, rc, "--replay-data: %s: %s",
							     d->in_path[i], strerror(-rc));
	}
	d->plan.read_input = copy_read;
	d->plan.read_arg = d;
	return 0;
}

/*
 * Will the outputs fit in --dir?  Each trial writes them anew: the ones
 * that existed before the program ran, at their recorded size, before it
 * (untimed), and what the trace writes during it, up to its furthest
 * byte.  Checked once, with the numbers, as a dataset is: no trial fills
 * the disk, and no sparse output of a terabyte is read back for days.
 */
int replay_outputs_fit(struct wl_ctx *ctx, struct replay_data *d)
{
	struct statvfs sv;
	uint64_t need = 16 * MIB, avail;
	char a[32], b[32];

	uint64_t *extent = xcalloc(d->t.nfiles + 1, sizeof(*extent));

	/*
	 * Each output's furthest byte: a write at 2^40 makes a sparse file
	 * whose every byte is read back for the proof (days of preparation)
	 */
	for (size_t k = 0; k < d->t.nops; k++) {
		const struct it_op *o = &d->t.ops[k];

		if (o->type == IT_WRITE && o->off + o->len > extent[o->file])
			extent[o->file] = o->off + o->len;
	}
	/* an output is, at most, as large as its recorded size or its furthest write */
	for (size_t i = 0; i < d->t.nfiles; i++)
		if (d->t.files[i].out)
			need += extent[i] > d->t.files[i].size ? extent[i] : d->t.files[i].size;
	free(extent);
	if (fstatvfs(d->out.fd, &sv) < 0)
		return 0;	/* unknown: the writes say so if it fills */
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (need <= avail)
		return 0;
	return wl_error(ctx, -ENOSPC, "the trace's outputs need %s in %s, which has %s "
			"free: not replaying it (another --dir?)", fmt_bytes(need, a, sizeof(a)),
			ctx->cfg->dir, fmt_bytes(avail, b, sizeof(b)));
}
