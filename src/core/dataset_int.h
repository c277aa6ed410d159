/* dataset_int.h - what dataset.c and dataset_manifest.c share. */
#ifndef IOBENCH_DATASET_INT_H
#define IOBENCH_DATASET_INT_H

#include <stddef.h>

#include "dataset.h"

/*
 * Loads <ds->path>/MANIFEST when it matches the spec and every file has its
 * recorded size.  Returns 0, or -ESTALE when the dataset must be made
 * again (missing, other spec, a file changed size), with @msg saying why.
 */
int manifest_load(struct dataset *ds, char *msg, size_t len);
/* Writes @ds's MANIFEST into @dirfd (the directory @dir, for messages).  0 or -errno. */
int manifest_write(int dirfd, const char *dir, const struct dataset *ds, char *msg, size_t len);

#endif
