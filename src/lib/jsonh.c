/* jsonh.c - see jsonh.h. */
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "jsonh.h"
#include "util.h"

/*
 * jansson's memory, counted, so a parse can be given a budget: a valid
 * 512 MiB result file of small numbers took 10.5 GB to read.  A header
 * before each block keeps its size (16 bytes: malloc's alignment kept).
 */
static _Atomic size_t j_used, j_limit = SIZE_MAX;
static _Atomic bool j_refused;

static void *j_malloc(size_t n)
{
	size_t *p;

	if (n > j_limit - 16 || j_used + n + 16 > j_limit) {
		j_refused = true;
		return NULL;
	}
	if (!(p = malloc(n + 16)))
		return NULL;
	p[0] = n + 16;
	j_used += n + 16;
	return (char *)p + 16;
}

static void j_free(void *q)
{
	size_t *p;

	if (!q)
		return;
	p = (size_t *)(void *)((char *)q - 16);
	j_used -= p[0];
	free(p);
}

void jsonh_init(void)
{
	json_set_alloc_funcs(j_malloc, j_free);
}

void jfree_text(char *s)
{
	json_free_t f;

	json_get_alloc_funcs(NULL, &f);
	f(s);
}

void jsonh_budget(size_t bytes)
{
	if (bytes != SIZE_MAX)
		j_refused = false;	/* a new bound: kept until the next */
	j_limit = bytes == SIZE_MAX ? SIZE_MAX : j_used + bytes;
}

bool jsonh_over_budget(void)
{
	return j_refused;
}

/* Length of the valid UTF-8 sequence at @s, or 0 (no overlongs, no surrogates). */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;

	if (s[0] >= 0xf5)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 3 && s[0] == 0xe0 && s[1] < 0xa0) || (n == 3 && s[0] == 0xed && s[1] >= 0xa0) ||
	    (n == 4 && s[0] == 0xf0 && s[1] < 0x90) || (n == 4 && s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

json_t *jstr(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	char *buf, *o;
	json_t *v;

	v = json_string((const char *)p);
	if (v)
		return v;
	/* not UTF-8 (or too odd for jansson): each stray byte as U+00XX, 2 bytes */
	buf = o = xcalloc(2 * strlen((const char *)p) + 1, 1);
	for (; *p; p++) {
		size_t n = *p < 0x80 ? 1 : utf8_len(p);

		if (n) {
			memcpy(o, p, n);
			o += n;
			p += n - 1;
		} else {
			*o++ = (char)(0xc0 | (*p >> 6));
			*o++ = (char)(0x80 | (*p & 0x3f));
		}
	}
	v = json_string(buf);
	free(buf);
	return v ? v : json_string("");
}

json_t *jnum(double v, int decimals)
{
	if (!isfinite(v))
		return json_null();
	if (decimals >= 0) {
		double scale = pow(10, decimals);

		v = round(v * scale) / scale;
	}
	return json_real(v);
}

json_t *jcount(bool ok, uint64_t v)
{
	return ok ? json_integer((json_int_t)v) : json_null();
}

void jset(json_t *obj, const char *key, json_t *v)
{
	if (json_object_set_new(obj, key, v ? v : json_null()) < 0)
		die(1, "out of memory");
}

int jdump(const json_t *root, FILE *f)
{
	/* 15 digits print a value rounded to a few decimals as written */
	if (json_dumpf(root, f, JSON_INDENT(1) | JSON_REAL_PRECISION(15)) < 0)
		return -EIO;
	fputc('\n', f);
	return ferror(f) ? -EIO : 0;
}

const json_t *jget(const json_t *obj, const char *path)
{
	char key[64];
	const char *dot;

	while (obj && (dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		obj = json_object_get(obj, key);
		path = dot + 1;
	}
	return obj ? json_object_get(obj, path) : NULL;
}

const char *jget_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(jget(obj, key));

	return s ? s : "";
}

double jget_num(const json_t *obj, const char *key)
{
	const json_t *v = jget(obj, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}
