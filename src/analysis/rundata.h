/*
 * rundata.h - a finished run read back from its JSON: the summary and
 * verdicts exactly as the run computed them (summary_io.c), and the
 * machine, storage and configuration it ran on.  report, plot and compare
 * start from here, never from the trials.
 */
#ifndef IOBENCH_RUNDATA_H
#define IOBENCH_RUNDATA_H

#include <stddef.h>
#include <stdint.h>

#include "jsonh.h"
#include "summary.h"

/* Bound on a result file worth reading: memory stays bounded. */
#define RUNDATA_MAX (512ULL << 20)

struct run_data {
	char *base;		/* "results/<run-id>": the files without suffix */
	char *run_id;
	json_t *root;		/* <base>.json */
	struct run_summary sum;	/* its rows and verdicts (strings point into root) */
	/* from the JSON, for titles and the report ("" when absent) */
	const char *date, *hostname, *kernel, *cpu_model, *fs_type, *device, *dir;
	const char *size, *cache, *command_line;
	unsigned pus;		/* logical CPUs of the machine; 0: unknown */
};

/*
 * Loads the run that @path (its .csv, -summary.csv or .json) belongs to.
 * Returns 0, or -errno with @msg naming the missing or malformed file.
 */
int rundata_load(const char *path, struct run_data *rd, char *msg, size_t len);
void rundata_free(struct run_data *rd);

/* The datasets[] entry of @workload ({"spec", "rounds", "until_decided"}), or NULL. */
const json_t *rundata_dataset(const struct run_data *rd, const char *workload);
/* Its spec ("" when absent). */
const char *rundata_spec(const struct run_data *rd, const char *workload);
/*
 * A fact the workload stated (datasets[].facts): @key's number (0 when
 * absent or not a number), or its string ("" likewise).
 */
uint64_t rundata_fact(const struct run_data *rd, const char *workload, const char *key);
const char *rundata_fact_str(const struct run_data *rd, const char *workload, const char *key);
/* The jobs a trial of @workload makes (0: not recorded, files before facts). */
uint64_t rundata_jobs(const struct run_data *rd, const char *workload);

/* The workloads, then the strategies, in the run's order (at most @max). */
size_t rundata_workloads(const struct run_data *rd, const char **out, size_t max);
size_t rundata_strategies(const struct run_data *rd, const char **out, size_t max);

#endif
