/* scaling.c - see scaling.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "scaling.h"
#include "util.h"

static int cmp_point(const void *x, const void *y)
{
	const struct scale_point *a = x, *b = y;
	int c = strcmp(a->workload, b->workload);

	if (c)
		return c;
	c = plot_lt(a->strategy) - plot_lt(b->strategy);
	return c ? c : (a->ranks > b->ranks) - (a->ranks < b->ranks);
}

/* Per (workload, strategy): the efficiency against 1 rank, and the knee. */
static void mark(struct scale_point *p, size_t n)
{
	for (size_t a = 0; a < n;) {
		size_t b = a;
		double best = 0, one = NAN;

		while (b < n && !strcmp(p[b].workload, p[a].workload) &&
		       !strcmp(p[b].strategy, p[a].strategy)) {
			best = fmax(best, p[b].mibs);
			one = p[b].ranks == 1 ? p[b].mibs : one;
			b++;
		}
		for (size_t k = a; k < b; k++)
			p[k].efficiency = p[k].mibs / (p[k].ranks * one);
		for (size_t k = a; k < b; k++)
			if (p[k].mibs >= 0.95 * best) {
				p[k].knee = true;
				break;
			}
		a = b;
	}
}

size_t scaling_points(const struct run_data *runs, size_t n, struct scale_point **out)
{
	size_t cap = 1, k = 0;
	struct scale_point *p;

	for (size_t r = 0; r < n; r++)
		cap += runs[r].sum.n;
	p = xcalloc(cap, sizeof(*p));
	for (size_t r = 0; r < n; r++) {
		double ranks = jget_num(runs[r].root, "mpi.ranks");

		for (size_t i = 0; i < runs[r].sum.n; i++) {
			const struct strat_summary *row = &runs[r].sum.rows[i];

			if (!row->valid || !row->m[MET_MIBS].n)
				continue;
			p[k++] = (struct scale_point){ .workload = row->workload,
						       .strategy = row->strategy,
						       .ranks = isfinite(ranks) ? (unsigned)ranks : 1,
						       .mibs = row->m[MET_MIBS].median };
		}
	}
	qsort(p, k, sizeof(*p), cmp_point);
	mark(p, k);
	*out = p;
	return k;
}

/* One workload's data: a block of (ranks, MiB/s) per strategy; @names, @lts as drawn. */
static size_t write_blocks(FILE *f, const struct scale_point *p, size_t n, const char *wl,
			   char *names, size_t nlen, char *lts, size_t llen)
{
	size_t blocks = 0;

	for (size_t a = 0; a < n;) {
		size_t b = a;

		while (b < n && !strcmp(p[b].workload, p[a].workload) &&
		       !strcmp(p[b].strategy, p[a].strategy))
			b++;
		if (!strcmp(p[a].workload, wl)) {
			fputs(blocks ? "\n\n" : "", f);
			for (size_t k = a; k < b; k++)
				fprintf(f, "%u %.6g\n", p[k].ranks, p[k].mibs);
			snprintf(names + strlen(names), nlen - strlen(names), "%s%s",
				 blocks ? " " : "", p[a].strategy);
			snprintf(lts + strlen(lts), llen - strlen(lts), "%s%d", blocks ? " " : "",
				 plot_lt(p[a].strategy));
			blocks++;
		}
		a = b;
	}
	return blocks;
}

static int plot_workload(const struct scale_point *p, size_t n, const char *wl,
			 const struct plot_dir *pd, const char *where)
{
	char *base = xasprintf("scaling-%s", wl), *dat = xasprintf("%s.dat", base);
	char *data = plot_dir_gnuplot(pd, dat), *out = plot_dir_gnuplot(pd, base);
	char vars[2048] = "", names[256] = "", lts[64] = "", title[512];
	FILE *f = plot_dir_fopen(pd, dat);
	size_t blocks;
	int rc = 0;

	if (!f) {
		rc = -errno;
		goto out;
	}
	blocks = write_blocks(f, p, n, wl, names, sizeof(names), lts, sizeof(lts));
	if (fclose(f)) {
		rc = -errno;
		goto out;
	}
	snprintf(title, sizeof(title), "Scaling: %s (%s)", wl, where);
	plot_var(vars, sizeof(vars), "dir", plot_scripts_dir());
	plot_var(vars, sizeof(vars), "data", data);
	plot_var(vars, sizeof(vars), "out", out);
	plot_var(vars, sizeof(vars), "title", title);
	plot_var(vars, sizeof(vars), "lts", lts);
	plot_var(vars, sizeof(vars), "names", names);
	plot_var(vars, sizeof(vars), "xlabel", "MPI ranks");
	plot_var(vars, sizeof(vars), "ylabel", "aggregate throughput (MiB/s), median");
	rc = blocks ? plot_gnuplot("sweep", vars) : 0;
out:
	free(base);
	free(dat);
	free(data);
	free(out);
	return rc;
}

int scaling_plot(const struct scale_point *p, size_t n, const struct run_data *first,
		 const char *plots_dir, char **outdir, char *msg, size_t len)
{
	char *name = xasprintf("scaling-%s", first->run_id), where[256];
	struct plot_dir pd;
	int rc = plot_dir_create(plots_dir, name, &pd, msg, len);

	free(name);
	if (rc < 0)
		return rc;
	*outdir = xasprintf("%s", pd.path);
	snprintf(where, sizeof(where), "%s preset, %s cache, %s on %s", first->size,
		 first->cache, first->fs_type, first->device);
	for (size_t k = 0; k < n && rc == 0; k++)
		if (k == 0 || strcmp(p[k].workload, p[k - 1].workload))
			rc = plot_workload(p, n, p[k].workload, &pd, where);
	if (rc < 0 && rc != -ENOENT)
		snprintf(msg, len, "cannot draw the scaling plots in %s: %s", pd.path,
			 rc == -EIO ? "gnuplot failed or was killed" : strerror(-rc));
	plot_dir_close(&pd);
	return rc;
}
