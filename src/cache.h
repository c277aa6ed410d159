/* cache.h - putting the dataset in a known page-cache state. */
#ifndef IOBENCH_CACHE_H
#define IOBENCH_CACHE_H

#include <stddef.h>

#include "config.h"

/*
 * Before a trial: cold writes back and drops every file from the page
 * cache (fdatasync, then POSIX_FADV_DONTNEED); warm reads every file once.
 * Returns 0 or -errno with @msg naming the file.
 */
int cache_prepare(enum cache_mode mode, char *const *files, size_t n,
		  char *msg, size_t len);

#endif
