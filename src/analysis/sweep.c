/* sweep.c - the outputs of `iobench sweep`. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "plot.h"
#include "registry.h"
#include "stats.h"
#include "summary.h"
#include "sweep.h"
#include "safefs.h"
#include "util.h"

/*
 * What a strategy's points differ in: its capacity for ops in flight,
 * workers for a pool, qd for a ring, rings x qd when it has both.
 */
static unsigned concurrency(const struct sweep_point *p)
{
	const struct strategy *s = strategy_find(p->strategy);

	if (s && s->uses_qd)
		return s->uses_workers ? p->workers * p->qd : p->qd;
	return p->workers;
}

static double speed(const struct sweep_point *p)
{
	return p->mibs > 0 ? p->mibs : p->ops;
}

static int cmp_point(const void *x, const void *y)
{
	const struct sweep_point *a = x, *b = y;
	int c = strcmp(a->workload, b->workload);

	if (c)
		return c;
	c = plot_lt(a->strategy) - plot_lt(b->strategy);
	if (c)
		return c;
	if (concurrency(a) != concurrency(b))
		return concurrency(a) < concurrency(b) ? -1 : 1;
	return (a->block > b->block) - (a->block < b->block);
}

/* Is trial @t one of point @p's (the same workload, strategy and setting)? */
static bool of_point(const struct sweep_point *p, const struct trial_rec *t)
{
	return !strcmp(p->workload, t->workload) && !strcmp(p->strategy, t->strategy) &&
	       p->workers == t->workers && p->qd == t->qd && p->block == t->block;
}

/* Point @p's medians over its counted trials (@v: scratch for r->n values). */
static void point_medians(const struct results *r, struct sweep_point *p, double *v)
{
	double *col[3] = { &p->mibs, &p->wall, &p->ops };

	for (int c = 0; c < 3; c++) {
		size_t m = 0;

		for (size_t i = 0; i < r->n; i++) {
			const struct trial_rec *t = &r->recs[i];

			if (summary_counted(t) && of_point(p, t))
				v[m++] = c == 0 ? t->mib_per_s : c == 1 ? t->wall_s : t->ops_per_s;
		}
		*col[c] = stats_median(v, m);
		p->n = (unsigned)m;
	}
}

size_t sweep_points(const struct results *r, struct sweep_point **out)
{
	struct sweep_point *p = xcalloc(r->n + 1, sizeof(*p));
	double *v = xcalloc(r->n + 1, sizeof(double));
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct trial_rec *t = &r->recs[i];
		bool seen = false;

		if (!summary_counted(t))
			continue;
		for (size_t k = 0; k < n && !seen; k++)
			seen = of_point(&p[k], t);
		if (!seen)
			p[n++] = (struct sweep_point){ .workload = t->workload, .strategy = t->strategy,
						       .workers = t->workers, .qd = t->qd, .block = t->block };
	}
	for (size_t k = 0; k < n; k++)
		point_medians(r, &p[k], v);
	qsort(p, n, sizeof(*p), cmp_point);
	/* the knee of each (workload, strategy): points are in ascending order */
	for (size_t a = 0; a < n;) {
		size_t b = a;
		double best = 0;

		while (b < n && !strcmp(p[b].workload, p[a].workload) &&
		       !strcmp(p[b].strategy, p[a].strategy))
			best = fmax(best, speed(&p[b++]));
		for (size_t k = a; k < b; k++) {
			if (speed(&p[k]) >= 0.95 * best) {
				p[k].knee = true;
				break;
			}
		}
		a = b;
	}
	free(v);
	*out = p;
	return n;
}

/* What the sweep's CSV and report are made from. */
struct sweep_out {
	const struct sweep_point *p;
	size_t n;
	const struct run_meta *m;
	const struct config *cfg;
	const char *plotdir;
};

static int emit_csv(FILE *f, const void *arg)
{
	const struct sweep_out *o = arg;
	const struct sweep_point *p = o->p;

	fputs("run_id,workload,strategy,workers,queue_depth,block,n,mib_per_s_median,"
	      "wall_s_median,ops_per_s_median,knee\n", f);
	for (size_t k = 0; k < o->n; k++)
		fprintf(f, "%s,%s,%s,%u,%u,%llu,%u,%.3f,%.6f,%.1f,%d\n", o->m->run_id,
			p[k].workload, p[k].strategy, p[k].workers, p[k].qd,
			(unsigned long long)p[k].block, p[k].n, p[k].mibs, p[k].wall, p[k].ops,
			p[k].knee);
	return ferror(f) ? -EIO : 0;
}

/*
 * One data block per strategy (gnuplot "index"): x = the swept knob,
 * y = median throughput.  @by_block: x is the md5 block (KiB) at each
 * strategy's first concurrency; else x is the concurrency at the first block.
 */
/*
 * The data of one sweep plot into @f: per strategy of @wl a block of
 * (setting, throughput), the setting being its concurrency or, @by_block,
 * the block size.  @names and @lts get the strategies drawn.  Returns how
 * many blocks were written.
 */
static size_t sweep_data(FILE *f, const struct sweep_point *p, size_t n, const char *wl,
			 bool by_block, char *names, size_t nlen, char *lts, size_t llen)
{
	size_t blocks = 0;

	for (size_t a = 0; a < n;) {
		size_t b = a, rows = 0;
		uint64_t first_block = p[a].block;
		unsigned first_conc = concurrency(&p[a]);

		while (b < n && !strcmp(p[b].strategy, p[a].strategy) && !strcmp(p[b].workload, wl))
			b++;
		if (strcmp(p[a].workload, wl)) {
			a++;
			continue;
		}
		for (size_t k = a; k < b; k++) {
			bool on = by_block ? concurrency(&p[k]) == first_conc : p[k].block == first_block;

			if (!on)
				continue;
			fprintf(f, "%s%g %g\n", rows ? "" : blocks ? "\n\n" : "",
				by_block ? (double)p[k].block / 1024 : (double)concurrency(&p[k]),
				speed(&p[k]));
			rows++;
		}
		if (rows) {
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

static int plot_workload(const struct sweep_point *p, size_t n, const char *wl,
			 bool by_block, const struct plot_dir *pd, const char *title)
{
	char *base = xasprintf("sweep-%s%s", by_block ? "block-" : "", wl);
	char *dat = xasprintf("%s.dat", base);
	char *data = plot_dir_gnuplot(pd, dat), *out = plot_dir_gnuplot(pd, base);
	char vars[2048] = "", names[256] = "", lts[64] = "";
	FILE *f = plot_dir_fopen(pd, dat);
	size_t blocks;
	int rc = 0;

	if (!f) {
		rc = -errno;
		goto out;
	}
	blocks = sweep_data(f, p, n, wl, by_block, names, sizeof(names), lts, sizeof(lts));
	if (fclose(f)) {
		rc = -errno;
		goto out;
	}
	plot_var(vars, sizeof(vars), "dir", plot_scripts_dir());
	plot_var(vars, sizeof(vars), "data", data);
	plot_var(vars, sizeof(vars), "out", out);
	plot_var(vars, sizeof(vars), "title", title);
	plot_var(vars, sizeof(vars), "lts", lts);
	plot_var(vars, sizeof(vars), "names", names);
	plot_var(vars, sizeof(vars), "xlabel", by_block ? "block size (KiB)"
							 : "ops in flight possible: workers, or io_uring's rings x qd");
	plot_var(vars, sizeof(vars), "ylabel", p[0].mibs > 0 ? "throughput (MiB/s), median"
							    : "ops per second, median");
	rc = blocks ? plot_gnuplot("sweep", vars) : 0;
out:
	free(base);
	free(dat);
	free(data);
	free(out);
	return rc;
}

/* <results>/<run-id>.md: each strategy's knee, the table, the plots. */
static int emit_report(FILE *f, const void *arg)
{
	const struct sweep_out *o = arg;
	const struct sweep_point *p = o->p;
	const struct run_meta *m = o->m;
	const struct config *cfg = o->cfg;

	fprintf(f, "# iobench sweep %s\n\n- date: %s\n- machine: %s, %s, %s\n"
		"- storage: `%s` on %s (%s)\n- preset: %s, cache: %s\n\n## Knees\n\n"
		"The knee is the smallest setting within 5%% of the best median throughput.\n\n",
		m->run_id, m->date, m->sys.hostname, m->sys.kernel, m->sys.cpu_model, cfg->dir,
		m->sys.fs_type, m->sys.device, size_names[cfg->size], cache_names[cfg->cache]);
	for (size_t k = 0; k < o->n; k++)
		if (p[k].knee)
			fprintf(f, "- %s / %s: knee at workers %u, queue depth %u%s%.0llu: %.1f MiB/s\n",
				p[k].workload, p[k].strategy, p[k].workers, p[k].qd,
				p[k].block ? ", block " : "", (unsigned long long)p[k].block, p[k].mibs);
	fputs("\n## All settings (medians)\n\n| workload | strategy | workers | qd | block | n "
	      "| MiB/s | wall (s) |\n|---|---|---|---|---|---|---|---|\n", f);
	for (size_t k = 0; k < o->n; k++)
		fprintf(f, "| %s | %s | %u | %u | %llu | %u | %.1f%s | %.4f |\n", p[k].workload,
			p[k].strategy, p[k].workers, p[k].qd, (unsigned long long)p[k].block, p[k].n,
			p[k].mibs, p[k].knee ? " (knee)" : "", p[k].wall);
	if (o->plotdir) {
		char *rel = path_relative(cfg->results_dir, o->plotdir);

		for (unsigned w = 0; w < cfg->n_wl; w++)
			fprintf(f, "\n![%1$s](<%2$s/sweep-%1$s.png>)\n", cfg->wl[w]->name, rel);
		free(rel);
	}
	return ferror(f) ? -EIO : 0;
}

static void print_table(const struct sweep_point *p, size_t n)
{
	printf("\n  %-6s %-9s %8s %6s %8s %5s %12s %10s\n", "work", "strategy", "workers", "qd",
	       "block", "n", "MiB/s(med)", "wall_s");
	for (size_t k = 0; k < n; k++)
		printf("  %-6s %-9s %8u %6u %8llu %5u %12.1f %10.4f%s\n", p[k].workload,
		       p[k].strategy, p[k].workers, p[k].qd, (unsigned long long)p[k].block, p[k].n,
		       p[k].mibs, p[k].wall, p[k].knee ? "  <- knee (within 5% of the best)" : "");
}

/* Throughput against the swept knob, per workload (and per block size when swept). */
static void draw_all(const struct sweep_out *o, const struct plot_dir *pd)
{
	const struct config *cfg = o->cfg;
	int rc = 0;

	for (unsigned w = 0; w < cfg->n_wl && rc == 0; w++) {
		char title[256];

		snprintf(title, sizeof(title), "Sweep: %s (%s preset, %s cache, %s)",
			 cfg->wl[w]->name, size_names[cfg->size], cache_names[cfg->cache],
			 o->m->sys.fs_type);
		rc = plot_workload(o->p, o->n, cfg->wl[w]->name, false, pd, title);
		if (rc == 0 && cfg->wl[w]->uses_block && cfg->n_sw_block > 1)
			rc = plot_workload(o->p, o->n, cfg->wl[w]->name, true, pd, title);
	}
	if (rc == -ENOENT)
		errmsg("gnuplot is not installed: no plots (apt-get install gnuplot-nox)");
	else if (rc < 0)
		errmsg("cannot draw the sweep in %s: %s", pd->path, strerror(-rc));
	else
		printf("plots:   %s/\n", pd->path);
}

void sweep_finish(const struct results *r, const struct run_meta *m,
		  const struct config *cfg)
{
	struct sweep_out o = { .m = m, .cfg = cfg };
	struct sweep_point *p;
	char *csv = xasprintf("%s-sweep.csv", m->run_id), *md = xasprintf("%s.md", m->run_id);
	char msg[512] = "";
	struct plot_dir pd = { .fd = -1, .gfd = -1 };
	int rc, dfd;

	o.n = sweep_points(r, &p);
	o.p = p;
	print_table(p, o.n);
	dfd = sfs_open_user_dir(cfg->results_dir, false, msg, sizeof(msg));
	if (dfd < 0) {
		errmsg("%s", msg);
		goto out;
	}
	rc = sfs_save_emit(dfd, csv, false, emit_csv, &o);
	if (rc < 0)
		errmsg("cannot write %s/%s: %s", cfg->results_dir, csv, strerror(-rc));
	else
		printf("\nresults: %s/%s.csv, .json and -sweep.csv\n", cfg->results_dir, m->run_id);
	if (!cfg->no_plot && o.n) {
		if (plot_dir_create(cfg->plots_dir, m->run_id, &pd, msg, sizeof(msg)) < 0)
			errmsg("%s", msg);
		else
			o.plotdir = pd.path;
	}
	rc = sfs_save_emit(dfd, md, false, emit_report, &o);
	if (rc < 0)
		errmsg("cannot write %s/%s: %s", cfg->results_dir, md, strerror(-rc));
	else
		printf("report:  %s/%s\n", cfg->results_dir, md);
	close(dfd);
	if (o.plotdir)
		draw_all(&o, &pd);
	plot_dir_close(&pd);
out:
	free(p);
	free(csv);
	free(md);
}
