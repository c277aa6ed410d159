/* rundata.c - see rundata.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rundata.h"
#include "util.h"

char *json_string(const char *json, const char *key, const char **from)
{
	char pat[96], *out;
	const char *p, *start = from && *from ? *from : json;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	p = strstr(start, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	out = xcalloc(1, strlen(p) + 1);
	for (; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			out[n++] = *p == 'n' ? '\n' : *p;
		} else {
			out[n++] = *p;
		}
	}
	out[n] = '\0';
	if (from)
		*from = p;
	return out;
}

static char *field(const char *json, const char *key)
{
	char *v = json_string(json, key, NULL);

	return v ? v : xasprintf("%s", "");
}

char *rundata_spec(const struct run_data *rd, const char *workload)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "{\"workload\": \"%s\", \"spec\": ", workload);
	p = strstr(rd->json, pat);
	if (!p)
		return xasprintf("%s", "");
	return field(p, "spec");
}

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

int rundata_load(const char *path, struct run_data *rd, char *msg, size_t len)
{
	char *p;
	const char *slash;
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
	p = xasprintf("%s.csv", rd->base);
	rc = csv_read(p, &rd->trials);
	if (rc == 0 && csv_col(&rd->trials, "wall_s") < 0)
		rc = -EBADMSG;
	if (rc < 0)
		goto fail;
	free(p);
	p = xasprintf("%s-summary.csv", rd->base);
	rc = csv_read(p, &rd->summary);
	if (rc == 0 && csv_col(&rd->summary, "wall_s_median") < 0)
		rc = -EBADMSG;
	if (rc < 0)
		goto fail;
	free(p);
	p = xasprintf("%s.json", rd->base);
	{
		struct stat st;

		rc = stat(p, &st) == 0 && (uint64_t)st.st_size > 2 * CSV_READ_MAX ? -EFBIG : 0;
	}
	if (rc == 0)
		rc = read_small_file(p, &rd->json, NULL);
	if (rc == 0 && !strstr(rd->json, "\"iobench_version\""))
		rc = -EBADMSG;
	if (rc < 0)
		goto fail;
	free(p);
	rd->date = field(rd->json, "date");
	rd->hostname = field(rd->json, "hostname");
	rd->kernel = field(rd->json, "kernel");
	rd->cpu_model = field(rd->json, "cpu_model");
	{
		const char *pus = strstr(rd->json, "\"pus\": ");

		rd->pus = pus ? (unsigned)strtoul(pus + 7, NULL, 10) : 0;
	}
	rd->fs_type = field(rd->json, "fs_type");
	rd->device = field(rd->json, "device");
	rd->dir = field(rd->json, "dir");
	rd->size = field(rd->json, "size");
	rd->cache = field(rd->json, "cache");
	rd->command_line = field(rd->json, "command_line");
	return 0;
fail:
	snprintf(msg, len, "%s: %s", p, rc == -EBADMSG ? "not an iobench result file" :
		 rc == -EFBIG ? "too large to be an iobench result file" :
		 rc == -E2BIG ? "too many columns to be an iobench result file" : strerror(-rc));
	free(p);
	rundata_free(rd);
	return rc;
}

void rundata_free(struct run_data *rd)
{
	char **s[] = { &rd->base, &rd->run_id, &rd->json, &rd->date, &rd->hostname,
		       &rd->kernel, &rd->cpu_model, &rd->fs_type, &rd->device, &rd->dir,
		       &rd->size, &rd->cache, &rd->command_line };

	csv_free(&rd->trials);
	csv_free(&rd->summary);
	for (size_t i = 0; i < ARRAY_SIZE(s); i++) {
		free(*s[i]);
		*s[i] = NULL;
	}
}
