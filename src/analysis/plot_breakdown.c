/* plot_breakdown.c - where each strategy's task time went, as a stacked bar per strategy. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "plot.h"
#include "summary.h"
#include "util.h"

/*
 * breakdown-W.dat: per strategy, the medians of user, sys, run-queue,
 * block-I/O, io_uring ring wait, interpreter lock wait (--model python:
 * taken out of the other time, where a thread asleep on the lock falls)
 * and other time as percentages of their sum.  Nothing is written
 * (*rows = 0) when delay accounting was n/a.
 */
static int write_breakdown(const struct plot_dir *pd, const char *name,
			   const struct run_data *rd, const char *wl, const char **sts, size_t ns,
			   size_t *rows)
{
	static const char *const cols[] = { "user_s", "sys_s", "runq_wait_s", "blkio_wait_s",
					    "ring_wait_s", "gil_wait_s", "other_s" };
	FILE *f = plot_dir_fopen(pd, name);

	if (!f)
		return -errno;
	*rows = 0;
	fputs("strategy user sys runq blkio ring gil other\n", f);
	for (size_t s = 0; s < ns; s++) {
		const struct strat_summary *r = summary_row(&rd->sum, wl, sts[s]);
		double v[7], total = 0;

		for (int c = 0; c < 7; c++)
			v[c] = summary_median(r, cols[c]);
		/* the lock's wait is part of the other time (asleep, not queued or in I/O) */
		if (isfinite(v[5]) && isfinite(v[6])) {
			v[5] = v[5] < v[6] ? v[5] : v[6];
			v[6] -= v[5];
		}
		for (int c = 0; c < 7; c++)
			total += isfinite(v[c]) ? v[c] : 0;
		/* n/a reads as 0: no delay accounting means no bar */
		if (!(total > 0) || !(v[2] + v[3] + (isfinite(v[5]) ? v[5] : 0) + v[6] > 0))
			continue;
		fputs(sts[s], f);
		for (int c = 0; c < 7; c++)
			fprintf(f, " %.6g", isfinite(v[c]) ? 100 * v[c] / total : 0);
		fputc('\n', f);
		(*rows)++;
	}
	return fclose(f) ? -errno : 0;
}

int plot_breakdown(const struct run_data *rd, const struct plot_dir *pd, const char *wl,
		   const char *where, bool *drawn)
{
	const char *sts[16];
	size_t ns = rundata_strategies(rd, sts, 16), rows = 0;
	char *name = xasprintf("breakdown-%s", wl), *dat = xasprintf("%s.dat", name);
	char *p = plot_dir_gnuplot(pd, dat), *o = plot_dir_gnuplot(pd, name);
	char title[768], vars[2048] = "";
	int rc = write_breakdown(pd, dat, rd, wl, sts, ns, &rows);

	*drawn = false;
	if (rc == 0 && rows) {
		snprintf(title, sizeof(title), "Where the time goes: %s (%s)", wl, where);
		plot_var(vars, sizeof(vars), "dir", plot_scripts_dir());
		plot_var(vars, sizeof(vars), "data", p);
		plot_var(vars, sizeof(vars), "out", o);
		plot_var(vars, sizeof(vars), "title", title);
		plot_var(vars, sizeof(vars), "lts", "1");
		rc = plot_gnuplot("breakdown", vars);
		*drawn = rc == 0;
	}
	free(name);
	free(dat);
	free(p);
	free(o);
	return rc;
}
