/*
 * dataset_manifest.c - a dataset's MANIFEST: its spec and each file's
 * name, size and MD5, written after the files are on disk and read back
 * to decide whether the dataset can be reused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dataset.h"
#include "dataset_int.h"
#include "util.h"

static int hex_decode16(const char *hex, unsigned char out[16])
{
	for (int i = 0; i < 16; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		out[i] = (unsigned char)v;
	}
	return hex[32] == '\0' || hex[32] == '\n' ? 0 : -EINVAL;
}

/* One "file NAME SIZE MD5" line: 1 when it matches a file as it is now, 0 for another line, -ESTALE. */
static int manifest_line(struct dataset *ds, const char *line, char *msg, size_t len)
{
	char name[256], hex[40];
	unsigned long long size;
	struct ds_file *f = NULL;
	struct stat st;

	if (sscanf(line, "file %255s %llu %39s", name, &size, hex) != 3)
		return 0;
	for (size_t i = 0; i < ds->nfiles; i++)
		if (strcmp(ds->files[i].name, name) == 0)
			f = &ds->files[i];
	if (!f || f->size != size || hex_decode16(hex, f->md5) < 0) {
		snprintf(msg, len, "manifest entry '%.200s' does not match", name);
		return -ESTALE;
	}
	if (stat(f->path, &st) < 0) {
		snprintf(msg, len, "%s: %s", f->path,
			 errno == ENOENT ? "deleted since it was generated" : strerror(errno));
		return -ESTALE;
	}
	if ((uint64_t)st.st_size != f->size) {
		snprintf(msg, len, "%s changed size since it was generated (%llu bytes, not %llu)",
			 f->path, (unsigned long long)st.st_size, (unsigned long long)f->size);
		return -ESTALE;
	}
	return 1;
}

int manifest_load(struct dataset *ds, char *msg, size_t len)
{
	char *path = xasprintf("%s/MANIFEST", ds->path);
	char *text = NULL, *line, *save = NULL;
	size_t seen = 0;
	int rc;

	rc = read_small_file(path, &text, NULL);
	if (rc < 0) {
		snprintf(msg, len, "no manifest (%s)", strerror(-rc));
		rc = -ESTALE;
		goto out;
	}
	line = strtok_r(text, "\n", &save);
	if (!line || strncmp(line, "spec ", 5) || strcmp(line + 5, ds->spec)) {
		snprintf(msg, len, "manifest is for another spec");
		rc = -ESTALE;
		goto out;
	}
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		rc = manifest_line(ds, line, msg, len);
		if (rc < 0)
			goto out;
		seen += (size_t)rc;
	}
	rc = 0;
	if (seen != ds->nfiles) {
		snprintf(msg, len, "manifest lists %zu of %zu files", seen, ds->nfiles);
		rc = -ESTALE;
	}
out:
	free(text);
	free(path);
	return rc;
}

int manifest_write(int dirfd, const char *dir, const struct dataset *ds, char *msg,
			  size_t len)
{
	size_t cap = 64 + strlen(ds->spec) + ds->nfiles * 340, off = 0;
	char *text = xcalloc(1, cap), *path = xasprintf("%s/MANIFEST", dir);
	int rc;

	off += (size_t)snprintf(text + off, cap - off, "spec %s\n", ds->spec);
	for (size_t i = 0; i < ds->nfiles; i++) {
		char hex[33];

		hex_encode(ds->files[i].md5, 16, hex);
		off += (size_t)snprintf(text + off, cap - off, "file %s %llu %s\n",
					ds->files[i].name,
					(unsigned long long)ds->files[i].size, hex);
	}
	rc = sfs_save(dirfd, "MANIFEST", text, off, false);
	if (rc < 0)
		snprintf(msg, len, "write %s: %s", path, strerror(-rc));
	free(path);
	free(text);
	return rc;
}
