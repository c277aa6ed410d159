/*
 * preset.c - the named sizes.  Each workload's option table holds its own
 * values per preset; README.md documents the same table.
 */
#include "config.h"
#include "registry.h"
#include "util.h"

const char *const size_names[SIZE_NPRESETS] = { "tiny", "small", "medium", "large" };
const char *const cache_names[] = { "cold", "warm", "direct" };
const char *const share_names[] = { "split", "each" };

void preset_apply(struct config *cfg, enum size_preset size)
{
	for (size_t s = 0; s < n_strategies && s < MAX_STRATEGIES; s++)
		for (size_t o = 0; o < strategies[s]->noptions && o < WL_MAX_KNOBS; o++)
			cfg->st_knobs[s].v[o] = strategies[s]->options[o].preset[size];
	for (size_t w = 0; w < n_workloads && w < MAX_WORKLOADS; w++) {
		const struct workload *wl = workloads[w];

		for (size_t o = 0; o < wl->noptions && o < WL_MAX_KNOBS; o++) {
			cfg->knobs[w].v[o] = wl->options[o].preset[size];
			cfg->knobs[w].s[o] = NULL;
		}
	}
}
