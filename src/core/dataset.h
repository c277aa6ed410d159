/* dataset.h - generated input files, kept between runs with a manifest.
 *
 * Layout under the data directory (--dir):
 *   .iobench-data            marker: this directory holds iobench datasets;
 *                            it holds the directory's random ownership token
 *   .lock-<name>             flock()ed while a run generates (exclusive) or
 *                            uses (shared) <name>
 *   <name>/.iobench-owner    ownership record: the token (safefs.h)
 *   <name>/MANIFEST          spec line, then "file NAME SIZE MD5" lines
 *   <name>/<files>           the data
 * A dataset is generated into a new "<name>.tmp-<pid>-<random>" and renamed
 * into place only once every file and the manifest are on disk, so an
 * interrupted or failed generation never leaves something that looks
 * complete.  Runs sharing a --dir wait for one generator, then share its
 * dataset; `iobench clean` skips datasets in use.
 */
#ifndef IOBENCH_DATASET_H
#define IOBENCH_DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safefs.h"

#define DATA_MARKER ".iobench-data"
/* The data directory when --dir is not given: the only one run creates (and clean removes). */
#define DEFAULT_DATA_DIR "iobench-data"

/* An open data directory and its ownership token. */
struct data_dir {
	int fd;
	char token[SFS_TOKEN_LEN + 1];
};

struct ds_file {
	char *name;
	char *path;		/* <dir>/<name>/<file> */
	uint64_t size;
	unsigned char md5[16];
};

struct dataset {
	int lock_fd;		/* shared lock on the dataset while it is used */
	char *path;		/* <dir>/<name> */
	char *spec;
	struct ds_file *files;
	size_t nfiles;
	uint64_t bytes;
};

/*
 * Fills @buf with @len bytes of file @i starting at @off.  Called in
 * order of increasing @off for each file, files one after another.
 * Returns 0 or -errno.
 */
typedef int (*ds_fill_fn)(void *arg, size_t i, uint64_t off, void *buf,
			  size_t len);

/*
 * Checks that @dir is a usable data directory: it exists (it is created
 * when @create), is a directory and is writable; writes the marker.
 * Returns 0 or -errno with @msg naming the path.
 */
int dataset_dir_init(const char *dir, bool create, char *msg, size_t len);

/*
 * Opens the data directory @dir and its marker (created with a fresh token
 * when missing; a marker that is a symlink or not a regular file is
 * refused).  @dd->fd is closed by data_dir_close().  0 or -errno with @msg.
 */
int data_dir_open(const char *dir, bool create, struct data_dir *dd, char *msg, size_t len);
void data_dir_close(struct data_dir *dd);

/*
 * Takes @name's lock in @dd: @op is LOCK_SH or LOCK_EX.  When another run
 * holds it, says so on stderr and waits, at most LOCK_WAIT_S (-ETIMEDOUT),
 * and a signal asking us to stop ends the wait (-EINTR).  A lock file
 * another user owns is refused at once (-EACCES: the caller names it).
 * Returns the lock fd or -errno.
 */
#define LOCK_WAIT_S 600
int data_lock(const struct data_dir *dd, const char *dir, const char *name, int op);

/* dataset_get's flags */
enum {
	DS_VERIFY = 1,		/* check the files' MD5s too, not only their sizes */
	DS_FIND_ONLY = 2,	/* never generate: another process made it (MPI ranks) */
};

/*
 * Finds the dataset @name under @dir whose manifest carries @spec and
 * whose files all have their recorded sizes (and, with DS_VERIFY in
 * @flags, their recorded MD5s), or generates it with @fill, saying why
 * on stderr; with DS_FIND_ONLY a missing or stale one is an error.
 * @names and @sizes describe the @n files.  Fills @ds.  Returns 0 or
 * -errno with @msg set; on failure nothing half-written is left behind.
 */
int dataset_get(const char *dir, const char *name, const char *spec,
		size_t n, char *const *names, const uint64_t *sizes,
		ds_fill_fn fill, void *arg, unsigned flags, struct dataset *ds,
		char *msg, size_t len);

void dataset_free(struct dataset *ds);

/* Removes @path and everything below it (safefs rules).  0 or -errno. */
int remove_tree(const char *path);

#endif
