/* rundata.c - see rundata.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "results.h"
#include "rundata.h"
#include "util.h"

/* "results/X.csv", "results/X-summary.csv", "results/X.json" -> "results/X" */
static char *base_of(const char *path)
{
	static const char *const sfx[] = { "-summary.csv", ".csv", ".json" };
	size_t n = strlen(path);

	for (size_t i = 0; i < ARRAY_SIZE(sfx); i++) {
		size_t k = strlen(sfx[i]);

		if (n > k && !strcmp(path + n - k, sfx[i]))
			return xasprintf("%.*s", (int)(n - k), path);
	}
	return NULL;
}

/*
 * What parsing a result file may take: half the memory available now (or
 * of ulimit -v), at most 4 GiB (jansson's tree is 4-40x the text; a real run's 98 MB file
 * took 450 MB).
 */
static size_t json_budget(void)
{
	char *text = NULL, *p;
	size_t budget = 4ULL << 30;
	struct rlimit rl;

	if (read_small_file("/proc/meminfo", &text, NULL) == 0 &&
	    (p = strstr(text, "MemAvailable:")) != NULL) {
		unsigned long long kib = strtoull(p + 13, NULL, 10);

		if (kib && kib * 512 < budget)
			budget = (size_t)(kib * 512);
	}
	free(text);
	/* under ulimit -v, the tree must leave room for the rest */
	if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur / 2 < budget)
		budget = (size_t)(rl.rlim_cur / 2);
	return budget;
}

/* Parses @path; a regular file of at most RUNDATA_MAX bytes. */
static int parse(const char *path, json_t **root, char *msg, size_t len)
{
	json_error_t err;
	struct stat st;
	/* O_NONBLOCK: a FIFO named as a result file must not hang us */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), rc = 0;
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;

	if (!f)
		rc = -errno;
	else if (fstat(fileno(f), &st) < 0)
		rc = -errno;
	else if (!S_ISREG(st.st_mode))
		rc = -EINVAL;
	else if ((uint64_t)st.st_size > RUNDATA_MAX)
		rc = -EFBIG;
	if (rc == 0) {
		size_t budget = json_budget();

		jsonh_budget(budget);
		*root = json_loadf(f, JSON_REJECT_DUPLICATES, &err);
		jsonh_budget(SIZE_MAX);
		if (!*root && jsonh_over_budget()) {
			snprintf(msg, len, "%s: reading it would take more than %zu MiB of memory "
				 "(half of what is free or allowed, at most 4 GiB): too large to read", path,
				 budget >> 20);
			rc = -ENOMEM;
		} else if (!*root) {
			snprintf(msg, len, "%s: not an iobench result file (line %d: %s)", path,
				 err.line, err.text);
			rc = -EBADMSG;
		}
	} else {
		snprintf(msg, len, "%s: %s", path, rc == -EFBIG ?
			 "too large to be an iobench result file" : rc == -EINVAL ?
			 "not a regular file" : strerror(-rc));
	}
	if (f)
		fclose(f);
	else if (fd >= 0)
		close(fd);
	return rc;
}

static void meta(struct run_data *rd)
{
	double pus = jget_num(rd->root, "host.pus");

	rd->date = jget_str(rd->root, "date");
	rd->command_line = jget_str(rd->root, "command_line");
	rd->hostname = jget_str(rd->root, "host.hostname");
	rd->kernel = jget_str(rd->root, "host.kernel");
	rd->cpu_model = jget_str(rd->root, "host.cpu_model");
	rd->pus = pus >= 1 && pus < 1e6 ? (unsigned)pus : 0;
	rd->fs_type = jget_str(rd->root, "storage.fs_type");
	rd->device = jget_str(rd->root, "storage.device");
	rd->dir = jget_str(rd->root, "storage.dir");
	rd->size = jget_str(rd->root, "config.size");
	rd->cache = jget_str(rd->root, "config.cache");
}

int rundata_load(const char *path, struct run_data *rd, char *msg, size_t len)
{
	const char *slash;
	char *json, sub[256];
	int rc;

	memset(rd, 0, sizeof(*rd));
	rd->base = base_of(path);
	if (!rd->base) {
		snprintf(msg, len, "%s: not an iobench result file (.csv, -summary.csv or .json)",
			 path);
		return -EINVAL;
	}
	slash = strrchr(rd->base, '/');
	rd->run_id = xasprintf("%s", slash ? slash + 1 : rd->base);
	json = xasprintf("%s.json", rd->base);
	rc = parse(json, &rd->root, msg, len);
	if (rc == 0 && !json_is_string(json_object_get(rd->root, "iobench_version"))) {
		snprintf(msg, len, "%s: not an iobench result file", json);
		rc = -EBADMSG;
	}
	if (rc == 0) {
		/* files before schema 1 have none, and read as 1 */
		json_t *v = json_object_get(rd->root, "schema_version");

		if (v && !json_is_integer(v)) {
			/* "1", 1.0 or null: a file that was edited, not one a newer iobench wrote */
			snprintf(msg, len, "%s: schema_version is not a whole number (%s): not a "
				 "result file iobench wrote", json, json_is_string(v) ? "a string" :
				 json_is_real(v) ? "a fraction" : json_is_null(v) ? "null" : "not a number");
			rc = -EBADMSG;
		} else if (v && (json_integer_value(v) > RESULTS_SCHEMA_VERSION ||
				 json_integer_value(v) < 1)) {
			snprintf(msg, len, "%s: result schema_version %lld is not one this iobench "
				 "reads (1 to %d)%s", json, (long long)json_integer_value(v),
				 RESULTS_SCHEMA_VERSION, json_integer_value(v) > RESULTS_SCHEMA_VERSION ?
				 ": use a newer iobench" : "");
			rc = -EPROTO;
		}
	}
	if (rc == 0) {
		rc = summary_from_json(rd->root, &rd->sum, sub, sizeof(sub));
		if (rc < 0)
			snprintf(msg, len, "%s: %s", json, sub);
	}
	free(json);
	if (rc < 0) {
		rundata_free(rd);
		return rc;
	}
	meta(rd);
	return 0;
}

void rundata_free(struct run_data *rd)
{
	summary_free(&rd->sum);
	json_decref(rd->root);
	free(rd->base);
	free(rd->run_id);
	memset(rd, 0, sizeof(*rd));
}

const json_t *rundata_dataset(const struct run_data *rd, const char *workload)
{
	const json_t *ds = json_object_get(rd->root, "datasets"), *d;
	size_t i;

	json_array_foreach(ds, i, d)
		if (!strcmp(jget_str(d, "workload"), workload))
			return d;
	return NULL;
}

const char *rundata_spec(const struct run_data *rd, const char *workload)
{
	return jget_str(rundata_dataset(rd, workload), "spec");
}

uint64_t rundata_fact(const struct run_data *rd, const char *workload, const char *key)
{
	const json_t *v = json_object_get(json_object_get(rundata_dataset(rd, workload), "facts"),
					  key);

	return json_is_integer(v) && json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v)
								: 0;
}

const char *rundata_fact_str(const struct run_data *rd, const char *workload, const char *key)
{
	const json_t *v = json_object_get(json_object_get(rundata_dataset(rd, workload), "facts"),
					  key);

	return json_is_string(v) ? json_string_value(v) : "";
}

uint64_t rundata_jobs(const struct run_data *rd, const char *workload)
{
	const json_t *v = json_object_get(rundata_dataset(rd, workload), "jobs");

	return json_is_integer(v) && json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v)
								: 0;
}

static size_t names(const struct run_data *rd, bool strategy, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < rd->sum.n; i++) {
		const char *v = strategy ? rd->sum.rows[i].strategy : rd->sum.rows[i].workload;
		bool seen = false;

		for (size_t k = 0; k < n; k++)
			seen |= !strcmp(out[k], v);
		if (!seen && n < max)
			out[n++] = v;
	}
	return n;
}

size_t rundata_workloads(const struct run_data *rd, const char **out, size_t max)
{
	return names(rd, false, out, max);
}

size_t rundata_strategies(const struct run_data *rd, const char **out, size_t max)
{
	return names(rd, true, out, max);
}
