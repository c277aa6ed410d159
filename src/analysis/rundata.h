/* rundata.h - a finished run read back from its result files. */
#ifndef IOBENCH_RUNDATA_H
#define IOBENCH_RUNDATA_H

#include <stddef.h>

#include "csvread.h"

struct run_data {
	char *base;		/* "results/<run-id>": the files without suffix */
	char *run_id;
	struct csv_table trials;	/* <base>.csv */
	struct csv_table summary;	/* <base>-summary.csv */
	char *json;			/* <base>.json, whole */
	/* from the JSON, for titles and the report ("" when absent) */
	char *date, *hostname, *kernel, *cpu_model, *fs_type, *device, *dir;
	char *size, *cache, *command_line;
	unsigned pus;		/* logical CPUs of the machine; 0: unknown */
};

/*
 * Loads the run that @path (its .csv, -summary.csv or .json) belongs to.
 * Returns 0, or -errno with @msg naming the missing or malformed file.
 */
int rundata_load(const char *path, struct run_data *rd, char *msg, size_t len);
void rundata_free(struct run_data *rd);

/* The dataset spec recorded for @workload, malloc'd ("" when absent). */
char *rundata_spec(const struct run_data *rd, const char *workload);

/*
 * The string value of the first "key": "..." in @json at or after @from,
 * unescaped and malloc'd; NULL when absent.  Enough for our own files.
 */
char *json_string(const char *json, const char *key, const char **from);

#endif
