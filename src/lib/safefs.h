/* safefs.h - creating and removing files as root in directories others can write.
 *
 * iobench runs as root (make run) and users point --dir, --results and
 * --plots at shared space.  Everything it creates is created relative to
 * a directory fd, exclusively (O_CREAT|O_EXCL|O_NOFOLLOW, mkdirat), so a
 * planted symlink or file makes the creation fail instead of redirecting
 * it; everything it removes is removed relative to directory fds opened
 * with O_NOFOLLOW, checking each directory's device, inode and owner, so
 * swapping a directory in the middle of a path cannot steer a deletion
 * outside.  Only the directory the user names is opened by path.
 *
 * What iobench made in a data directory carries an ownership record
 * (SFS_OWNER) holding the directory's random token, which the marker
 * file also holds: only entries whose record matches are ever removed.
 * Functions return 0 (or an fd) or -errno.
 */
#ifndef IOBENCH_SAFEFS_H
#define IOBENCH_SAFEFS_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <sys/types.h>

#define SFS_OWNER ".iobench-owner"
#define SFS_TOKEN_LEN 32	/* hex characters */

/*
 * Opens the directory @path the user named (creating it first when
 * @create).  A symlink as the last component is followed only when it
 * belongs to us or root: anyone else's could point anywhere.  Returns an
 * O_DIRECTORY fd or -errno, with @msg naming the path.
 */
int sfs_open_user_dir(const char *path, bool create, char *msg, size_t len);

/* Makes a new directory @name under @dirfd (-EEXIST if anything is there)
 * and returns an fd on it, checked to be the one we made. */
int sfs_mkdir_new(int dirfd, const char *name, mode_t mode);

/* Creates the new file @name under @dirfd for writing; returns its fd. */
int sfs_create(int dirfd, const char *name, mode_t mode);

/* Opens the existing @name under @dirfd without following a symlink. */
int sfs_open(int dirfd, const char *name, int flags);

/*
 * Writes @len bytes as @name under @dirfd atomically: a new temporary
 * file, fsync, then linked into place (fails with -EEXIST rather than
 * replace anything) or, with @replace, renamed over the old entry.
 */
int sfs_save(int dirfd, const char *name, const void *buf, size_t len, bool replace);
/* sfs_save of what @emit(f, @arg) writes (rendered in memory first, render_mem). */
int sfs_save_emit(int dirfd, const char *name, bool replace,
		  int (*emit)(FILE *, const void *), const void *arg);

/*
 * The same for @n files at once: every one goes to a new temporary file
 * (written, fsynced) before any takes its name.  Without @replace it is
 * all or none: a link that fails takes back the ones made before it.
 * *@failed (may be NULL) gets the index of the file that failed.
 */
int sfs_save_all(int dirfd, const char *const *names, const void *const *bufs,
		 const size_t *lens, size_t n, bool replace, size_t *failed);

/*
 * Removes @name under @dirfd and everything below it, through fds, never
 * following a symlink.  Entries not owned by us are kept: -EPERM when any
 * was (then the directories holding them stay too).  Missing: 0.
 */
int sfs_remove_tree(int dirfd, const char *name);

/* Removes everything inside the directory @dirfd, as sfs_remove_tree. */
int sfs_empty_dir(int dirfd);

/* A fresh random token (SFS_TOKEN_LEN hex characters and a NUL). */
void sfs_token(char out[SFS_TOKEN_LEN + 1]);

/* Writes the ownership record with @token into the new directory @dirfd. */
int sfs_claim(int dirfd, const char *token);

/*
 * Is @name under @dirfd a directory we made: not a symlink, owned by us,
 * holding an ownership record with @token?
 */
bool sfs_is_ours(int dirfd, const char *name, const char *token);

/*
 * Opens @path (relative) inside @dirfd for reading or writing (@flags, no
 * O_CREAT), following no symbolic link in any component and never leaving
 * @dirfd: openat2's RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, or a walk
 * with O_NOFOLLOW on a kernel without it.  The fd, or -errno (-ELOOP: a
 * link on the way; -EXDEV: the path leaves @dirfd).
 */
int sfs_open_beneath(int dirfd, const char *path, int flags);

/*
 * A lock on @name under @dirfd: flock(@op) on the lock file ".lock-<name>"
 * (created when missing).  Returns the lock's fd (close it to release) or
 * -errno (-EWOULDBLOCK with LOCK_NB when someone else holds it; -EACCES
 * when the lock file is another user's: refused, never waited on; -EPERM
 * when it is not a regular file).
 */
int sfs_lock(int dirfd, const char *name, int op);

#endif
