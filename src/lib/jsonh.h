/*
 * jsonh.h - the few jansson idioms iobench's JSON needs, in one place.
 *
 * Writing: every value is made by one of these, so a non-finite number
 * becomes null (JSON has no NaN) and a string that is not UTF-8 (a file
 * name can hold any bytes) stays valid JSON.  Reading: absent members and
 * wrong types read as "" or NaN, so old or hand-edited files degrade to
 * "n/a" instead of crashing.
 */
#ifndef IOBENCH_JSONH_H
#define IOBENCH_JSONH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

/*
 * A JSON string of @s (NULL reads as "").  Bytes that are not UTF-8 become
 * the code point of the same value (U+00XX): the byte can still be told.
 */
json_t *jstr(const char *s);
/* @v rounded to @decimals (< 0: as is); null when not finite. */
json_t *jnum(double v, int decimals);
/* @v when @ok, else null: never a 0 that looks measured. */
json_t *jcount(bool ok, uint64_t v);

/*
 * jansson's allocations through a counter, before any JSON is made
 * (main): then jsonh_budget(@bytes) bounds what allocations may add
 * from now (SIZE_MAX: no bound), and jsonh_over_budget() says whether
 * one was refused since.
 */
void jsonh_init(void);
/* Frees text jansson made (json_dumps): not with free() once jsonh_init ran. */
void jfree_text(char *s);
void jsonh_budget(size_t bytes);
bool jsonh_over_budget(void);

/* Sets @key of @obj to @v, taking the reference. */
void jset(json_t *obj, const char *key, json_t *v);

/* How every iobench JSON file is written: indented, numbers in full. */
int jdump(const json_t *root, FILE *f);

/* The member @key of @obj as a string ("" unless a string) or number (NaN unless one). */
const char *jget_str(const json_t *obj, const char *key);
double jget_num(const json_t *obj, const char *key);
/* Member @key of @obj: @key may be a dotted path ("host.pus"). */
const json_t *jget(const json_t *obj, const char *path);

#endif
