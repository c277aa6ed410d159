/* clean.c - `iobench clean`: remove the datasets iobench made, and nothing else.
 *
 * A directory is a data directory only if it carries the marker that
 * `run` writes (DATA_MARKER), and an entry in it is iobench's only if it
 * is a directory of ours holding an ownership record with the marker's
 * token (safefs.h): whatever its name, anything else is listed as "not
 * ours, kept".  A dataset in use by a run (its lock held) is skipped.
 * Removal goes through directory fds and never follows a symlink.  Also
 * undoes a delay-accounting change a killed run left behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "dataset.h"
#include "safefs.h"
#include "taskstats.h"
#include "util.h"

static const char clean_usage[] =
	"Usage: iobench clean [--dir DIR]\n"
	"Removes the datasets and leftovers iobench made in DIR (default\n"
	"./" DEFAULT_DATA_DIR ", which goes too once empty; a DIR you name is kept).\n"
	"Refuses a directory without iobench's marker file\n"
	"(" DATA_MARKER "); removes only directories carrying iobench's ownership\n"
	"record for DIR (" SFS_OWNER "), lists everything else as kept, and skips\n"
	"datasets a running iobench is using.  As root, also restores\n"
	"kernel.task_delayacct if a killed run left it switched on.\n";

/* The lock that guards @name: a generation's temporary directory is its dataset's. */
static char *lock_name(const char *name)
{
	const char *tmp = strstr(name, ".tmp-");

	return tmp ? xasprintf("%.*s", (int)(tmp - name), name) : xasprintf("%s", name);
}

/*
 * A lock file whose dataset is gone and that nobody holds (left by a
 * killed run) goes too.
 */
static void clean_lock(const struct data_dir *dd, const char *lockfile)
{
	int lock;

	if (faccessat(dd->fd, lockfile + 6, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return;
	lock = sfs_lock(dd->fd, lockfile + 6, LOCK_EX | LOCK_NB);
	if (lock < 0)
		return;
	unlinkat(dd->fd, lockfile, 0);
	close(lock);
}

/* One entry of the data directory.  Returns 1 removed, 0 kept, -errno failed. */
static int clean_one(const struct data_dir *dd, const char *dir, const char *name)
{
	char *lname;
	int lock, rc;

	if (!sfs_is_ours(dd->fd, name, dd->token)) {
		printf("not ours, kept: %s/%s\n", dir, name);
		return 0;
	}
	lname = lock_name(name);
	lock = sfs_lock(dd->fd, lname, LOCK_EX | LOCK_NB);
	if (lock < 0) {
		printf("in use by a running iobench, kept: %s/%s\n", dir, name);
		free(lname);
		return 0;
	}
	rc = sfs_remove_tree(dd->fd, name);
	if (rc == 0) {
		char *lf = xasprintf(".lock-%s", lname);

		printf("removed %s/%s\n", dir, name);
		/* the lock file goes while we hold it, once its dataset is gone */
		if (faccessat(dd->fd, lname, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			unlinkat(dd->fd, lf, 0);
		free(lf);
		rc = 1;
	} else {
		errmsg("cannot remove %s/%s: %s%s", dir, name, strerror(-rc),
		       rc == -EPERM ? " (it holds files that are not ours: kept)" : "");
	}
	close(lock);
	free(lname);
	return rc;
}

/*
 * Opens @dir for cleaning: only a directory with iobench's marker (a
 * regular file, not a link) is ours to clean.  0 with @dd open, or 1 (said).
 */
static int clean_open(const char *dir, struct data_dir *dd)
{
	char msg[512];
	struct stat st;
	int dfd = sfs_open_user_dir(dir, false, msg, sizeof(msg));

	if (dfd < 0) {
		errmsg("%s", msg);
		return 1;
	}
	errno = 0;
	if (fstatat(dfd, DATA_MARKER, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode)) {
		errmsg("refusing to clean %s: no %s marker there (%s), so iobench did not make it",
		       dir, DATA_MARKER, errno ? strerror(errno) : "not a regular file");
		close(dfd);
		return 1;
	}
	close(dfd);
	if (data_dir_open(dir, false, dd, msg, sizeof(msg)) < 0) {
		errmsg("%s", msg);
		return 1;
	}
	return 0;
}

/* Removes what is ours in @dd; counts what stays in *@kept.  0, or 1 on an error (said). */
static int clean_entries(struct data_dir *dd, const char *dir, size_t *kept)
{
	int dfd = fcntl(dd->fd, F_DUPFD_CLOEXEC, 0), rc = 0;
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *e;

	if (!d) {
		errmsg("cannot read %s: %s", dir, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		int r;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, DATA_MARKER))
			continue;
		if (!strncmp(e->d_name, ".lock-", 6)) {
			clean_lock(dd, e->d_name);
			continue;
		}
		r = clean_one(dd, dir, e->d_name);
		if (r < 0)
			rc = 1;
		else if (r == 0)
			(*kept)++;
	}
	closedir(d);
	return rc;
}

int cmd_clean(int argc, char **argv)
{
	const char *dir = DEFAULT_DATA_DIR;
	char msg[512];
	size_t kept = 0;
	struct data_dir dd;
	int rc = cli_parse_dir(argc, argv, clean_usage, &dir);

	if (rc >= 0)
		return rc;
	if (geteuid() == 0 && ts_recover(msg, sizeof(msg)) == 0 && msg[0])
		printf("%s\n", msg);
	if (clean_open(dir, &dd))
		return 1;
	rc = clean_entries(&dd, dir, &kept);
	if (rc == 0 && kept == 0) {
		unlinkat(dd.fd, DATA_MARKER, 0);
		/*
		 * Only the default directory is iobench's own (run creates it):
		 * any other --dir had to exist before, so the user made it.
		 */
		if (strcmp(dir, DEFAULT_DATA_DIR))
			printf("kept %s: you made it (only the default ./%s is iobench's to "
			       "remove)\n", dir, DEFAULT_DATA_DIR);
		else if (rmdir(dir) == 0)
			printf("removed %s\n", dir);
		else if (errno == ENOTEMPTY || errno == EEXIST)
			printf("kept %s: it holds files iobench did not make\n", dir);
		else
			printf("kept %s: %s\n", dir, errno == EBUSY ? "it is a mount point" :
			       strerror(errno));
	} else if (rc == 0) {
		printf("kept %s and its marker: %zu entr%s not removed\n", dir, kept,
		       kept == 1 ? "y" : "ies");
	}
	data_dir_close(&dd);
	return rc;
}
