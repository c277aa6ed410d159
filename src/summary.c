/* summary.c - the terminal table. */
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "stats.h"
#include "summary.h"
#include "util.h"

struct agg {
	unsigned valid, total;
	double wall, cpu, mibs;
	uint64_t rss;
	const char *error;	/* the first failure, to show when none is valid */
};

static void aggregate(const struct results *r, const char *wl, const char *st,
		      struct agg *a)
{
	double *wall = xcalloc(r->n, sizeof(double));
	double *cpu = xcalloc(r->n, sizeof(double));
	double *mibs = xcalloc(r->n, sizeof(double));

	memset(a, 0, sizeof(*a));
	for (size_t i = 0; i < r->n; i++) {
		const struct trial_rec *t = &r->recs[i];

		if (strcmp(t->workload, wl) || strcmp(t->strategy, st))
			continue;
		a->total++;
		if (!t->valid) {
			if (!a->error)
				a->error = t->error;
			continue;
		}
		wall[a->valid] = t->wall_s;
		cpu[a->valid] = t->user_s + t->sys_s;
		mibs[a->valid] = t->mib_per_s;
		if (t->peak_rss_kib > a->rss)
			a->rss = t->peak_rss_kib;
		a->valid++;
	}
	a->wall = stats_median(wall, a->valid);
	a->cpu = stats_median(cpu, a->valid);
	a->mibs = stats_median(mibs, a->valid);
	free(wall);
	free(cpu);
	free(mibs);
}

void summary_print(FILE *f, const struct results *r, const struct run_meta *m)
{
	const struct config *cfg = m->cfg;

	for (unsigned w = 0; w < cfg->n_wl; w++) {
		const char *wl = cfg->wl[w]->name;

		fprintf(f, "\n%s: %s\n", wl, m->specs[w] ? m->specs[w] : "");
		fprintf(f, "  %-10s %7s %12s %12s %12s %10s\n", "strategy", "valid",
			"wall_s(med)", "cpu_s(med)", "peak_rss", "MiB/s(med)");
		for (unsigned s = 0; s < cfg->n_st; s++) {
			const char *st = cfg->st[s]->name;
			char rss[32], valid[16];
			struct agg a;

			aggregate(r, wl, st, &a);
			if (m->unavailable[s]) {
				fprintf(f, "  %-10s unavailable: %s\n", st, m->unavailable[s]);
				continue;
			}
			snprintf(valid, sizeof(valid), "%u/%u", a.valid, a.total);
			if (a.valid == 0) {
				fprintf(f, "  %-10s %7s %s\n", st, valid,
					a.error ? a.error : "no trials");
				continue;
			}
			fmt_bytes(a.rss * KIB, rss, sizeof(rss));
			fprintf(f, "  %-10s %7s %12.3f %12.3f %12s %10.1f\n", st, valid,
				a.wall, a.cpu, rss, a.mibs);
		}
	}
}
