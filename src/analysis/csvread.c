/* csvread.c - see csvread.h. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "csvread.h"
#include "util.h"

/* Splits one record starting at *p (quoted fields may span lines). */
static char **parse_record(char **p, size_t *n)
{
	char **fields = NULL, *s = *p;
	size_t cap = 0;

	*n = 0;
	for (;;) {
		char *out = s, *start = s;

		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			fields = realloc(fields, cap * sizeof(*fields));
			if (!fields)
				die(1, "out of memory");
		}
		if (*s == '"') {
			start = out = ++s;
			while (*s) {
				if (*s == '"' && s[1] == '"') {
					*out++ = '"';
					s += 2;
				} else if (*s == '"') {
					s++;
					break;
				} else {
					*out++ = *s++;
				}
			}
		} else {
			while (*s && *s != ',' && *s != '\n' && *s != '\r')
				out = ++s;
		}
		fields[(*n)++] = start;
		if (*s == ',') {
			*out = '\0';
			s++;
			continue;
		}
		if (*s == '\r')
			*s++ = '\0';
		if (*s == '\n')
			*s++ = '\0';
		*out = '\0';
		break;
	}
	*p = s;
	return fields;
}

int csv_read(const char *path, struct csv_table *t)
{
	char *text, *p;
	size_t cap = 0, n;
	struct stat st;
	int rc;

	memset(t, 0, sizeof(*t));
	/* a result file is a few MiB; anything far larger is not one of ours */
	if (stat(path, &st) == 0 && (uint64_t)st.st_size > CSV_READ_MAX)
		return -EFBIG;
	rc = read_small_file(path, &text, NULL);
	if (rc < 0)
		return rc;
	p = text;
	if (!*p) {
		free(text);
		return -EBADMSG;
	}
	t->head = parse_record(&p, &t->ncols);
	if (t->ncols > CSV_READ_MAX_COLS) {
		free(t->head);
		free(text);
		t->head = NULL;
		return -E2BIG;
	}
	while (*p) {
		char **f = parse_record(&p, &n), **row;

		if (t->nrows == cap) {
			cap = cap ? cap * 2 : 64;
			t->rows = realloc(t->rows, cap * sizeof(*t->rows));
			if (!t->rows)
				die(1, "out of memory");
		}
		/* pad short rows so every column can be asked for */
		row = xcalloc(t->ncols, sizeof(*row));
		for (size_t j = 0; j < t->ncols; j++)
			row[j] = j < n ? f[j] : "";
		free(f);
		t->rows[t->nrows++] = row;
	}
	/* the fields point into text; keep it alive through head's slot */
	t->head = realloc(t->head, (t->ncols + 1) * sizeof(*t->head));
	if (!t->head)
		die(1, "out of memory");
	t->head[t->ncols] = text;
	return 0;
}

void csv_free(struct csv_table *t)
{
	if (t->head)
		free(t->head[t->ncols]);
	for (size_t i = 0; i < t->nrows; i++)
		free(t->rows[i]);
	free(t->rows);
	free(t->head);
	memset(t, 0, sizeof(*t));
}

int csv_col(const struct csv_table *t, const char *name)
{
	for (size_t j = 0; j < t->ncols; j++)
		if (!strcmp(t->head[j], name))
			return (int)j;
	return -1;
}

const char *csv_get(const struct csv_table *t, size_t i, const char *name)
{
	int j = csv_col(t, name);

	return j < 0 || i >= t->nrows ? "" : t->rows[i][j];
}

double csv_num(const struct csv_table *t, size_t i, const char *name)
{
	const char *s = csv_get(t, i, name);
	char *end;
	double v = strtod(s, &end);

	/* "n/a", "" or a missing column: not a number, never a fake 0 */
	return end == s ? NAN : v;
}
