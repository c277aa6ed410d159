/* outdir.c - a run's own output directory (outdir.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "outdir.h"
#include "safefs.h"
#include "util.h"

void outdir_init(struct outdir *od)
{
	memset(od, 0, sizeof(*od));
	od->fd = od->lock_fd = od->dd.fd = -1;
}

int outdir_open(struct outdir *od, const char *dir, const char *prefix, char *msg, size_t len)
{
	int rc = data_dir_open(dir, false, &od->dd, msg, len);

	if (rc < 0)
		return rc;
	/* per process: two runs at once never write into each other's files */
	snprintf(od->name, sizeof(od->name), "%s-out-%ld", prefix, (long)getpid());
	od->path = xasprintf("%s/%s", dir, od->name);
	/*
	 * Nobody else has a reason to hold a lock named after our pid: one
	 * that is held, or another user's (pre-created for the pids to come),
	 * is refused, never waited on.
	 */
	od->lock_fd = sfs_lock(od->dd.fd, od->name, LOCK_SH | LOCK_NB);
	if (od->lock_fd < 0) {
		rc = od->lock_fd;
		snprintf(msg, len, "%s/.lock-%s: %s", dir, od->name, rc == -EACCES ?
			 "another user's file: refusing it (remove it, or use another --dir)" :
			 rc == -EWOULDBLOCK ? "held by another process: refusing to wait on it" :
			 strerror(-rc));
		return rc;
	}
	/* a leftover of an earlier process with our pid, provably iobench's */
	if (sfs_is_ours(od->dd.fd, od->name, od->dd.token))
		sfs_remove_tree(od->dd.fd, od->name);
	od->fd = sfs_mkdir_new(od->dd.fd, od->name, 0755);
	if (od->fd < 0) {
		rc = od->fd;
		snprintf(msg, len, "cannot create %s: %s", od->path, strerror(-rc));
		return rc;
	}
	rc = sfs_claim(od->fd, od->dd.token);
	if (rc < 0)
		snprintf(msg, len, "cannot write %s/%s: %s", od->path, SFS_OWNER, strerror(-rc));
	return rc;
}

void outdir_close(struct outdir *od)
{
	if (od->fd >= 0) {
		close(od->fd);
		sfs_remove_tree(od->dd.fd, od->name);
	}
	if (od->lock_fd >= 0) {
		char *lf = xasprintf(".lock-%s", od->name);

		/* per process, so nobody else waits on it: it goes with the directory */
		unlinkat(od->dd.fd, lf, 0);
		free(lf);
		close(od->lock_fd);
	}
	data_dir_close(&od->dd);
	free(od->path);
	outdir_init(od);
}
