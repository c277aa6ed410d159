/* cache.h - putting the dataset in a known page-cache state, and proving it. */
#ifndef IOBENCH_CACHE_H
#define IOBENCH_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/*
 * Before a trial: cold (and direct) writes back and drops every file from
 * the page cache (fdatasync, then POSIX_FADV_DONTNEED), and with
 * @drop_all also writes 3 to /proc/sys/vm/drop_caches (root only: dentries
 * and inodes go too); warm reads every file once.  Returns 0 or -errno
 * with @msg naming the file.
 */
int cache_prepare(enum cache_mode mode, bool drop_all, char *const *files,
		  size_t n, char *msg, size_t len);

/*
 * Percentage of the pages of @files that are in the page cache now
 * (mincore over a mapping of each file).  -1 when there are no files or
 * it can't be measured.
 */
double cache_resident_pct(char *const *files, size_t n);

/* Whether @pct is off for @mode: cold above 5%, warm below 95%. */
bool cache_state_off(enum cache_mode mode, double pct);

#endif
