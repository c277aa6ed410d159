/* csvread.h - reading back iobench's own CSV files (RFC 4180). */
#ifndef IOBENCH_CSVREAD_H
#define IOBENCH_CSVREAD_H

#include <stddef.h>
#include <stdint.h>

struct csv_table {
	char **head;		/* column names */
	size_t ncols;
	char ***rows;		/* rows[i][j]: field j of row i ("" when short) */
	size_t nrows;
};

/* Bounds of a file worth reading as a result file: memory stays bounded. */
#define CSV_READ_MAX (512ULL << 20)
#define CSV_READ_MAX_COLS 1024

/*
 * Reads @path.  0 or -errno (-EBADMSG for a file that is not CSV, -EFBIG
 * above CSV_READ_MAX bytes, -E2BIG above CSV_READ_MAX_COLS columns).
 */
int csv_read(const char *path, struct csv_table *t);
void csv_free(struct csv_table *t);

/* Index of column @name, or -1. */
int csv_col(const struct csv_table *t, const char *name);
/* Field @name of row @i, "" when the column is missing. */
const char *csv_get(const struct csv_table *t, size_t i, const char *name);
double csv_num(const struct csv_table *t, size_t i, const char *name);

#endif
