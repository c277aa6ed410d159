/* testutil.h - helpers shared by the cmocka tests. */
#ifndef IOBENCH_TESTUTIL_H
#define IOBENCH_TESTUTIL_H

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "registry.h"
#include "dataset.h"
#include "util.h"

/* A fresh empty directory under $TMPDIR (or /tmp); the caller frees it. */
static inline char *test_tmpdir(const char *tag)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *dir = xasprintf("%s/iobench-test-%s-XXXXXX", base, tag);

	if (!mkdtemp(dir))
		die(1, "mkdtemp %s failed", dir);
	return dir;
}

/* A config for the tiny preset in @dir, as `iobench run --size tiny` makes. */
static inline void test_config(struct config *cfg, const char *dir)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->dir = dir;
	cfg->dir_given = true;
	cfg->size = SIZE_TINY;
	cfg->seed = 1;
	cfg->repeat = 1;
	cfg->cache = CACHE_WARM;
	preset_apply(cfg, SIZE_TINY);
}

/* Knob @opt of workload @wl in @cfg: read, or set to @v. */
static inline uint64_t *test_knob(struct config *cfg, const char *wl, const char *opt)
{
	const struct workload *w = workload_find(wl);

	for (size_t i = 0; w && i < w->noptions; i++)
		if (!strcmp(w->options[i].name, opt))
			return &wl_knobs(cfg, w)->v[i];
	fprintf(stderr, "test_knob: %s has no option %s\n", wl, opt);
	abort();
}

#endif
