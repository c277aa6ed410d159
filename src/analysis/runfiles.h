/*
 * runfiles.h - a finished run's files: <run-id>.csv (the trials), .json
 * (the machine, the configuration, the summary and every trial) and
 * -summary.csv.  Reading them back is rundata.h.
 */
#ifndef IOBENCH_RUNFILES_H
#define IOBENCH_RUNFILES_H

#include <stddef.h>
#include <stdio.h>

#include "results.h"
#include "summary.h"

/* The JSON of a run; @sum may be NULL (a sweep has its own table). 0 or -errno. */
int results_write_json(FILE *f, const struct results *r, const struct run_meta *m,
		       const struct run_summary *sum);

/*
 * Writes <run-id>.csv, .json and -summary.csv (without @s: only the first
 * two) into the directory @dirfd (@dir for messages): all of them or none,
 * each under a new temporary name then linked into place, never replacing
 * an existing file.  Returns 0 or -errno with @msg naming the file.
 */
int results_save(const struct results *r, const struct run_meta *m,
		 const struct run_summary *s, int dirfd, const char *dir, char *msg,
		 size_t len);

#endif
