/* plot.c - data files for the gnuplot scripts in plots/, and running them.
 *
 * The charts are readable gnuplot scripts (plots/NAME.gp) fed plain data
 * files; nothing is plotted from C strings.  Each strategy keeps its
 * registry colour in every chart.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot.h"
#include "registry.h"
#include "stats.h"
#include "safefs.h"
#include "signals.h"
#include "util.h"

#ifndef IOBENCH_SCRIPTS
#define IOBENCH_SCRIPTS "plots"
#endif

extern char **environ;

/*
 * Where the gnuplot scripts are: $IOBENCH_SCRIPTS; else ../share/iobench
 * next to the binary, where `make install` puts them (the binary may be
 * copied anywhere with its prefix); else the build tree the binary was
 * built in.
 */
const char *plot_scripts_dir(void)
{
	static char installed[PATH_MAX];
	const char *env = getenv("IOBENCH_SCRIPTS");
	char exe[PATH_MAX], probe[PATH_MAX + 32], *slash;
	ssize_t n;

	if (env && *env)
		return env;
	if (installed[0])
		return installed;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return IOBENCH_SCRIPTS;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return IOBENCH_SCRIPTS;
	*slash = '\0';
	/* a path too long to hold is not used (the checks keep gcc's truncation warning quiet) */
	if (snprintf(probe, sizeof(probe), "%s/../share/iobench/common.gp", exe) < (int)sizeof(probe) &&
	    access(probe, R_OK) == 0 &&
	    snprintf(installed, sizeof(installed), "%s/../share/iobench", exe) < (int)sizeof(installed))
		return installed;
	installed[0] = '\0';
	return IOBENCH_SCRIPTS;
}

bool plot_have_gnuplot(void)
{
	return in_path("gnuplot");
}

void plot_var(char *buf, size_t cap, const char *key, const char *value)
{
	size_t off = strlen(buf);

	off += (size_t)snprintf(buf + off, cap > off ? cap - off : 0, "%s%s='",
				off ? "; " : "", key);
	/* inside gnuplot's single quotes, a quote is written twice */
	for (; *value && off + 3 < cap; value++) {
		if (*value == '\'')
			buf[off++] = '\'';
		buf[off++] = *value;
	}
	if (off + 2 < cap) {
		buf[off++] = '\'';
		buf[off] = '\0';
	}
}

int plot_dir_create(const char *parent, const char *name, struct plot_dir *pd, char *msg,
		    size_t len)
{
	int pfd = sfs_open_user_dir(parent, true, msg, len), rc = -EEXIST;

	memset(pd, 0, sizeof(*pd));
	pd->fd = pd->gfd = -1;
	if (pfd < 0)
		return pfd;
	for (int k = 1; k <= 100 && rc == -EEXIST; k++) {
		free(pd->path);
		pd->path = k == 1 ? xasprintf("%s/%s", parent, name)
				  : xasprintf("%s/%s-%d", parent, name, k);
		rc = pd->fd = sfs_mkdir_new(pfd, strrchr(pd->path, '/') + 1, 0755);
	}
	close(pfd);
	if (rc < 0) {
		snprintf(msg, len, "cannot create %s: %s", pd->path, strerror(-rc));
		plot_dir_close(pd);
		return rc;
	}
	/* for gnuplot: the same directory, inherited across the spawn */
	pd->gfd = fcntl(pd->fd, F_DUPFD, 3);
	if (pd->gfd < 0) {
		rc = -errno;
		snprintf(msg, len, "%s: %s", pd->path, strerror(-rc));
		plot_dir_close(pd);
		return rc;
	}
	return 0;
}

void plot_dir_close(struct plot_dir *pd)
{
	if (pd->fd >= 0)
		close(pd->fd);
	if (pd->gfd >= 0)
		close(pd->gfd);
	pd->fd = pd->gfd = -1;
	free(pd->path);
	pd->path = NULL;
}

FILE *plot_dir_fopen(const struct plot_dir *pd, const char *name)
{
	int fd = sfs_create(pd->fd, name, 0644);
	FILE *f;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}

char *plot_dir_gnuplot(const struct plot_dir *pd, const char *name)
{
	return xasprintf("/proc/self/fd/%d/%s", pd->gfd, name);
}

int plot_gnuplot(const char *name, const char *vars)
{
	char *script = xasprintf("%s/%s.gp", plot_scripts_dir(), name);
	char *argv[] = { "gnuplot", "-e", (char *)vars, script, NULL };
	posix_spawn_file_actions_t fa;
	int status, rc;
	pid_t pid;

	/* gnuplot's chatter goes nowhere; its errors still reach stderr */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		free(script);
		return -rc;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	free(script);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -ENOENT;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int plot_lt(const char *strategy)
{
	for (size_t i = 0; i < n_strategies; i++)
		if (!strcmp(strategies[i]->name, strategy))
			return (int)i + 1;
	return (int)n_strategies + 1;
}

static void put_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, " %.6g", v);
	else
		fputs(" NaN", f);
}

/*
 * One row per workload, three columns per strategy: a value and its
 * error bar (wall: median and CI; speedup: +-1 sigma).
 */
static int write_grouped(const struct plot_dir *pd, const char *name,
			 const struct run_data *rd, const char **wls, size_t nw,
			 const char **sts, size_t ns, bool speedup, size_t *points)
{
	FILE *f = plot_dir_fopen(pd, name);

	*points = 0;
	if (!f)
		return -errno;
	fputs("workload", f);
	for (size_t s = 0; s < ns; s++)
		fprintf(f, " %s lo hi", sts[s]);
	fputc('\n', f);
	for (size_t w = 0; w < nw; w++) {
		fputs(wls[w], f);
		for (size_t s = 0; s < ns; s++) {
			const struct strat_summary *r = summary_row(&rd->sum, wls[w], sts[s]);
			double y = NAN, lo = NAN, hi = NAN;

			if (r && r->valid && speedup) {
				y = r->speedup > 0 ? r->speedup : NAN;
				lo = y - r->speedup_sd;
				hi = y + r->speedup_sd;
			} else if (r && r->valid) {
				y = r->m[MET_WALL].median;
				lo = r->m[MET_WALL].ci_lo;
				hi = r->m[MET_WALL].ci_hi;
			}
			put_num(f, y);
			put_num(f, lo);
			put_num(f, hi);
			*points += isfinite(y);
		}
		fputc('\n', f);
	}
	return fclose(f) ? -errno : 0;
}

/* One row per strategy with valid trials: medians of @cols, then its colour. */
static int write_per_strategy(const struct plot_dir *pd, const char *name,
			      const struct run_data *rd, const char *wl, const char **sts,
			      size_t ns, const char *const *cols, const double *scale, size_t nc,
			      size_t *rows)
{
	FILE *f = plot_dir_fopen(pd, name);

	if (!f)
		return -errno;
	*rows = 0;
	fputs("strategy", f);
	for (size_t c = 0; c < nc; c++)
		fprintf(f, " %s", cols[c]);
	fputs(" linetype\n", f);
	for (size_t s = 0; s < ns; s++) {
		const struct strat_summary *r = summary_row(&rd->sum, wl, sts[s]);
		bool any = false;

		/* no valid trial, or nothing measured (--no-latency): no bar */
		for (size_t c = 0; c < nc; c++)
			any |= summary_median(r, cols[c]) > 0;
		if (!any)
			continue;
		fputs(sts[s], f);
		for (size_t c = 0; c < nc; c++)
			put_num(f, summary_median(r, cols[c]) * scale[c]);
		fprintf(f, " %d\n", plot_lt(sts[s]));
		(*rows)++;
	}
	return fclose(f) ? -errno : 0;
}

static int draw(const char *script, const char *data, const char *out,
		const char *title, const char *lts)
{
	char vars[2048] = "";

	plot_var(vars, sizeof(vars), "dir", plot_scripts_dir());
	plot_var(vars, sizeof(vars), "data", data);
	plot_var(vars, sizeof(vars), "out", out);
	plot_var(vars, sizeof(vars), "title", title);
	plot_var(vars, sizeof(vars), "lts", lts);
	return plot_gnuplot(script, vars);
}

/* The charts of one set: the names they are drawn under, as plot_run keeps them. */
struct plot_set {
	const struct run_data *rd;
	struct plot_dir pd;
	const char *wls[16], *sts[16];
	size_t nw, ns;
	char lts[128], where[512];
	char names[256], rank_lts[128];	/* the ranks chart's strategies */
	char *dat;	/* the data file being written, for messages */
};

/* Writes @name.dat (by @write) and draws it with @script under @title. */
static int chart(struct plot_set *ps, const char *script, const char *name, const char *title,
		 int (*write)(struct plot_set *, const char *, const void *, size_t *),
		 const void *arg)
{
	char *p, *o;
	size_t rows = 0;
	int rc;

	/* Ctrl-C: the charts drawn so far stay, the rest are not started */
	if (sig_stop())
		return -EINTR;
	free(ps->dat);
	ps->dat = xasprintf("%s.dat", name);
	p = plot_dir_gnuplot(&ps->pd, ps->dat);
	o = plot_dir_gnuplot(&ps->pd, name);
	rc = write(ps, ps->dat, arg, &rows);
	if (rc == 0 && rows)
		rc = draw(script, p, o, title, ps->lts);
	free(p);
	free(o);
	return rc;
}

/* No point to draw (every trial failed or was left out): no chart, no gnuplot error. */
static int write_wall(struct plot_set *ps, const char *dat, const void *speedup, size_t *rows)
{
	return write_grouped(&ps->pd, dat, ps->rd, ps->wls, ps->nw, ps->sts, ps->ns,
			     speedup != NULL, rows);
}

/* What write_per_strategy draws for one chart. */
struct per_chart {
	const char *script, *what, *wl;
	const char *const *cols;
	const double *scale;
	size_t nc;
};

static int write_per(struct plot_set *ps, const char *dat, const void *arg, size_t *rows)
{
	const struct per_chart *c = arg;

	return write_per_strategy(&ps->pd, dat, ps->rd, c->wl, ps->sts, ps->ns, c->cols, c->scale,
				  c->nc, rows);
}

/* ranks-W.dat: per strategy a block of (rank, its median wall). */
static int write_ranks(struct plot_set *ps, const char *dat, const void *arg, size_t *rows)
{
	const char *wl = arg;
	FILE *f = plot_dir_fopen(&ps->pd, dat);

	if (!f)
		return -errno;
	*rows = 0;
	ps->names[0] = ps->rank_lts[0] = '\0';
	for (size_t s = 0; s < ps->ns; s++) {
		const struct strat_summary *r = summary_row(&ps->rd->sum, wl, ps->sts[s]);

		if (!r || !r->nranks)
			continue;
		fputs(*rows ? "\n\n" : "", f);
		for (unsigned k = 0; k < r->nranks; k++)
			fprintf(f, "%u %.6g\n", k, r->rank_wall[k]);
		snprintf(ps->names + strlen(ps->names), sizeof(ps->names) - strlen(ps->names),
			 "%s%s", *rows ? " " : "", ps->sts[s]);
		snprintf(ps->rank_lts + strlen(ps->rank_lts),
			 sizeof(ps->rank_lts) - strlen(ps->rank_lts), "%s%d", *rows ? " " : "",
			 plot_lt(ps->sts[s]));
		(*rows)++;
	}
	return fclose(f) ? -errno : 0;
}

/* Under mpirun: ranks-W, each rank's median wall per strategy. */
static int rank_chart(struct plot_set *ps, const char *wl)
{
	char *name = xasprintf("ranks-%s", wl), *dat = xasprintf("%s.dat", name);
	char *p = plot_dir_gnuplot(&ps->pd, dat), *o = plot_dir_gnuplot(&ps->pd, name);
	char vars[2048] = "", title[768];
	size_t rows = 0;
	int rc = write_ranks(ps, dat, wl, &rows);

	snprintf(title, sizeof(title), "Each rank's median wall: %s (%s)", wl, ps->where);
	if (rc == 0 && rows) {
		plot_var(vars, sizeof(vars), "dir", plot_scripts_dir());
		plot_var(vars, sizeof(vars), "data", p);
		plot_var(vars, sizeof(vars), "out", o);
		plot_var(vars, sizeof(vars), "title", title);
		plot_var(vars, sizeof(vars), "lts", ps->rank_lts);
		plot_var(vars, sizeof(vars), "names", ps->names);
		rc = plot_gnuplot("ranks", vars);
	}
	free(name);
	free(dat);
	free(p);
	free(o);
	return rc;
}

/* cpu-W, memory-W, latency-W and breakdown-W for workload @wl. */
static int workload_charts(struct plot_set *ps, const char *wl)
{
	static const char *const cpu_cols[] = { "user_s", "sys_s" };
	static const char *const mem_cols[] = { "mem_net_kib", "mem_base_kib" };
	static const char *const lat_cols[] = { "lat_p50_us", "lat_p99_us", "lat_p999_us" };
	static const double one[] = { 1, 1, 1 }, mib[] = { 1.0 / 1024, 1.0 / 1024 };
	const struct per_chart per[] = {
		{ "cpu", "CPU time", wl, cpu_cols, one, 2 },
		{ "memory", "Memory added by the strategy", wl, mem_cols, mib, 2 },
		{ "latency", "Response time of the main op", wl, lat_cols, one, 3 },
	};
	bool drawn;
	int rc = 0;

	for (size_t k = 0; k < ARRAY_SIZE(per) && rc == 0; k++) {
		char *name = xasprintf("%s-%s", per[k].script, wl), title[768];

		snprintf(title, sizeof(title), "%s: %s (%s)", per[k].what, wl, ps->where);
		rc = chart(ps, per[k].script, name, title, write_per, &per[k]);
		free(name);
	}
	if (rc == 0)
		rc = rank_chart(ps, wl);
	return rc ? rc : plot_breakdown(ps->rd, &ps->pd, wl, ps->where, &drawn);
}

int plot_run(const struct run_data *rd, const char *plots_dir, char **outdir, char *msg,
	     size_t len)
{
	struct plot_set ps = { .rd = rd };
	char title[768];
	int rc;

	*outdir = NULL;
	/* no gnuplot: said before a directory of data files nobody will draw is made */
	if (!plot_have_gnuplot()) {
		snprintf(msg, len, "gnuplot is not installed: no plots (apt-get install gnuplot-nox "
			 "or dnf install gnuplot, then iobench plot %s.csv)", rd->base);
		return -ENOENT;
	}
	rc = plot_dir_create(plots_dir, rd->run_id, &ps.pd, msg, len);
	if (rc < 0)
		return rc;
	*outdir = xasprintf("%s", ps.pd.path);
	ps.nw = rundata_workloads(rd, ps.wls, 16);
	ps.ns = rundata_strategies(rd, ps.sts, 16);
	for (size_t s = 0; s < ps.ns; s++)
		snprintf(ps.lts + strlen(ps.lts), sizeof(ps.lts) - strlen(ps.lts), "%s%d",
			 s ? " " : "", plot_lt(ps.sts[s]));
	snprintf(ps.where, sizeof(ps.where), "%s preset, %s cache, %s on %s, %.10s", rd->size,
		 rd->cache, rd->fs_type, rd->device, rd->date);
	snprintf(title, sizeof(title), "Wall time: all workloads (%s)", ps.where);
	rc = chart(&ps, "wall", "wall", title, write_wall, NULL);
	/* relative to the baseline, when there is one to be relative to */
	if (rc == 0 && rd->sum.baseline) {
		const char *base = ps.nw ? summary_baseline(&rd->sum, ps.wls[0]) : NULL;

		/* a replay's is the program as recorded */
		for (size_t w = 1; w < ps.nw && base; w++)
			if (!summary_baseline(&rd->sum, ps.wls[w]) ||
			    strcmp(summary_baseline(&rd->sum, ps.wls[w]), base))
				base = "each workload's baseline";
		if (!base)
			base = rd->sum.baseline;
		snprintf(title, sizeof(title), "Speed relative to %s: all workloads (%s)",
			 base, ps.where);
		rc = chart(&ps, "speedup", "speedup", title, write_wall, "speedup");
	}
	for (size_t w = 0; w < ps.nw && rc == 0; w++)
		rc = workload_charts(&ps, ps.wls[w]);
	if (rc == -ENOENT)
		snprintf(msg, len, "gnuplot is not installed: no plots (apt-get install gnuplot-nox "
			 "or dnf install gnuplot, then iobench plot %s.csv)", rd->base);
	else if (rc == -EINTR)
		snprintf(msg, len, "stopped by a signal: plots in %s not all drawn", ps.pd.path);
	else if (rc < 0 && !msg[0])
		snprintf(msg, len, "could not draw %s/%s: %s", ps.pd.path, ps.dat ? ps.dat : "",
			 rc == -EIO ? "gnuplot failed or was killed" : strerror(-rc));
	free(ps.dat);
	plot_dir_close(&ps.pd);
	return rc;
}
