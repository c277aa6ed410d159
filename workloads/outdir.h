/* outdir.h - a run's own output directory in the data directory.
 *
 * Workloads that write (csv, replay) write into a new directory of the
 * run's: "<prefix>-out-<pid>" under --dir, made with mkdirat (nothing
 * there to follow), carrying the data directory's ownership record, and
 * locked shared while the run uses it so `iobench clean` skips it.  Files
 * go in relative to its fd; the whole directory goes at the end.
 */
#ifndef IOBENCH_OUTDIR_H
#define IOBENCH_OUTDIR_H

#include <stddef.h>

#include "dataset.h"

struct outdir {
	struct data_dir dd;
	char name[64];		/* <prefix>-out-<pid> */
	char *path;		/* <dir>/<name>, for messages */
	int fd;			/* files are created relative to it */
	int lock_fd;
};

/* Sets every fd to -1: outdir_close is then safe. */
void outdir_init(struct outdir *od);

/*
 * Makes the run's output directory under @dir (a leftover of an earlier
 * process with our pid is removed first when it is provably iobench's).
 * Returns 0 or -errno with @msg naming the path.
 */
int outdir_open(struct outdir *od, const char *dir, const char *prefix, char *msg, size_t len);

/* Removes the directory and everything in it, and its lock.  Can't fail. */
void outdir_close(struct outdir *od);

#endif
