/*
 * sweep_net.c - `iobench sweep --workload net --conns LIST` (memory against
 * concurrency) and `--latency-us LIST` (where concurrency stops helping).
 *
 * The background post's question (threads against an event loop for many
 * requests) is how memory grows with the requests in flight.  For each
 * strategy and each connection count C this runs the workload once (its
 * own result files, as `iobench run` would), with each model's
 * concurrency following C: a thread or process per connection for the
 * pools (jobs_per_worker), rings deep enough for C between them, the
 * event loop's pool at its usual size (its sockets wait on the loop, not
 * on the pool).  The requests per connection stay those of the preset.
 * Then one table, <results>/<id>-conns.csv, and a plot of net peak memory
 * against C per strategy; memory per connection is the slope from the
 * smallest count to the largest.
 *
 * --latency-us L runs each strategy once per service time at the run's
 * connections instead: requests/s against latency, next to what Little's
 * law allows (connections / latency), in <id>-latency.csv and a plot.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_run.h"
#include "plot.h"
#include "results.h"
#include "rundata.h"
#include "safefs.h"
#include "strategy.h"
#include "sysinfo.h"
#include "util.h"
#include "workload.h"

struct conns_point {
	const char *strategy;
	uint64_t conns, requests, latency_us;
	unsigned workers, qd, valid;
	double wall_s, mem_kib;		/* medians; NaN when no trial was valid */
	/*
	 * The fewest requests in flight at the busiest moment of a counted
	 * trial (inflight_max); -1: n/a (--no-latency).  Memory per
	 * connection means something only when every connection was open at
	 * once: with few requests each, the first ones finish before the last
	 * start (4 each at 10 ms: 500-700 of 1024 threads, and a memory figure
	 * that moved by half between runs).
	 */
	long long inflight_max;
	char run_id[64];
};

/*
 * A run's id is its start to the second and our pid: two runs of this
 * process in one second would share it (and the second could not write
 * its files).  Waits for the next second after the previous run's start.
 */
static void wait_next_second(void)
{
	static time_t last;
	time_t now = time(NULL);

	while (last && now <= last) {
		usleep(20000);
		now = time(NULL);
	}
	last = now;
}

/* The least inflight_max over @st's counted, valid trials in a run's JSON; -1: none known. */
static long long least_inflight_max(const json_t *root, const char *st)
{
	const json_t *trials = jget(root, "trials"), *t;
	long long least = -1;
	size_t i;

	json_array_foreach(trials, i, t) {
		const json_t *m = jget(t, "io_shape.inflight_max");

		if (strcmp(jget_str(t, "strategy"), st) || json_is_true(jget(t, "warmup")) ||
		    !json_is_true(jget(t, "valid")) || !json_is_integer(m))
			continue;
		if (least < 0 || json_integer_value(m) < least)
			least = json_integer_value(m);
	}
	return least;
}

/* The knobs of one point of the sweep: those the workload names for its connections. */
static void set_point(struct wl_knobs *k, const struct workload *wl, uint64_t conns,
		      uint64_t requests, uint64_t latency_us)
{
	k->v[wl->connections->conns] = conns;
	k->v[wl->connections->requests] = requests;
	k->v[wl->connections->latency_us] = latency_us;
}

/*
 * Every point's knobs through the workload's own checks before any run:
 * one message for a value no strategy can run (a file limit below the
 * connections), not one per strategy and a table of nan; a latency
 * past the timeout is warned about once.  0, or 2 (said).
 */
static int check_points(const struct config *cfg, bool latency, unsigned nv,
			uint64_t conns0, uint64_t req0, uint64_t lat0, uint64_t per_conn)
{
	const struct workload *wl = cfg->wl[0];
	size_t to = wl->connections->timeout_ms;
	struct config c = *cfg;
	char err[512];

	for (unsigned v = 0; wl->validate && v < nv; v++) {
		uint64_t conns = latency ? conns0 : cfg->sw_conns[v];

		set_point(wl_knobs(&c, wl), wl, conns, latency ? req0 : conns * per_conn,
			  latency ? cfg->sw_latency[v] : lat0);
		if (conns_fit_fd_limit(conns, err, sizeof(err)) < 0) {
			errmsg("sweep %s: %llu connections need %s or drop the value",
			       latency ? "--latency-us" : "--conns", (unsigned long long)conns, err);
			return EXIT_USAGE;
		}
		if (latency && cfg->sw_latency[v] / 1000 >= wl_val(cfg, wl, (unsigned)to))
			errmsg("warning: sweep --latency-us %llu is not shorter than --%s %llu: its "
			       "requests will all time out", (unsigned long long)cfg->sw_latency[v],
			       wl->options[to].name, (unsigned long long)wl_val(cfg, wl, (unsigned)to));
		if (wl->validate(wl_knobs(&c, wl), err, sizeof(err)) < 0) {
			errmsg("sweep %s: %s", latency ? "--latency-us" : "--conns", err);
			return EXIT_USAGE;
		}
	}
	return 0;
}

/* Point @pt's figures, from the run it names in @results (said when it cannot be read). */
static int read_point(const char *results, const struct workload *wl, const struct strategy *st,
		      uint64_t conns, bool latency_sweep, struct conns_point *pt)
{
	char msg[512], *path = xasprintf("%s/%s.json", results, pt->run_id);
	const struct strat_summary *row;
	struct run_data rd;

	if (rundata_load(path, &rd, msg, sizeof(msg)) < 0) {
		errmsg("%s", msg);
		free(path);
		return -1;
	}
	free(path);
	row = summary_row(&rd.sum, wl->name, st->name);
	if (row) {
		pt->workers = row->workers;
		pt->qd = row->qd;
		pt->valid = row->valid;
		if (row->valid) {
			pt->wall_s = row->m[MET_WALL].median;
			pt->mem_kib = row->m[MET_MEM].median;
		}
	}
	pt->inflight_max = least_inflight_max(rd.root, st->name);
	if (!latency_sweep && pt->inflight_max >= 0 && (uint64_t)pt->inflight_max < conns)
		errmsg("warning: sweep: %s had at most %lld of %llu connections in flight at once "
		       "(the first finished before the last started): its memory is that of %lld; "
		       "more --requests per connection", st->name, pt->inflight_max,
		       (unsigned long long)conns, pt->inflight_max);
	rundata_free(&rd);
	return 0;
}

/* One run of strategy @st at @conns connections, @latency_us each; its summary row into @pt. */
static int one_run(const struct config *base, const struct strategy *st, uint64_t conns,
		   uint64_t requests, uint64_t latency_us, bool latency_sweep,
		   struct conns_point *pt)
{
	const struct workload *wl = base->wl[0];
	struct config c = *base;
	struct wl_knobs *k = wl_knobs(&c, wl);
	unsigned cores = sysinfo_cores(), rings = base->workers_given ? (unsigned)base->workers
								       : cores;
	int rc;

	c.st[0] = st;
	c.n_st = 1;
	c.sweep = false;
	c.n_sw_conns = 0;
	c.quiet = true;
	c.sweep_point = true;
	c.no_plot = true;
	c.no_tune = true;	/* the concurrency is the swept value, not tuned */
	set_point(k, wl, conns, requests, latency_us);
	/* each model's concurrency follows the connections */
	c.workers = st->jobs_per_worker ? conns : rings;
	c.qd = st->uses_qd ? (conns + rings - 1) / rings : base->qd;
	c.workers_given = c.qd_given = true;
	*pt = (struct conns_point){ .strategy = st->name, .conns = conns, .requests = requests,
				    .latency_us = latency_us, .wall_s = NAN, .mem_kib = NAN,
				    .inflight_max = -1 };
	pt->run_id[0] = '\0';
	c.run_id_out = pt->run_id;
	fprintf(stderr, "sweep: %s with %llu connections, %llu us each\n", st->name,
		(unsigned long long)conns, (unsigned long long)latency_us);
	wait_next_second();
	rc = run_main(&c);
	if (!pt->run_id[0])
		return rc ? rc : 1;
	return read_point(c.results_dir, wl, st, conns, latency_sweep, pt) < 0 ? 1 : rc;
}

/* KiB per connection: the slope of a strategy's points from its smallest count to its largest. */
static double per_conn_kib(const struct conns_point *p, size_t n, const char *st)
{
	const struct conns_point *lo = NULL, *hi = NULL;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(p[i].strategy, st) || !(p[i].mem_kib == p[i].mem_kib))
			continue;
		if (!lo || p[i].conns < lo->conns)
			lo = &p[i];
		if (!hi || p[i].conns > hi->conns)
			hi = &p[i];
	}
	return lo && hi && hi->conns > lo->conns
		? (hi->mem_kib - lo->mem_kib) / (double)(hi->conns - lo->conns) : NAN;
}

/* Requests/s of a point, and what Little's law allows (connections / latency; 0: no bound). */
static double rate(const struct conns_point *q)
{
	return (double)q->requests / q->wall_s;
}

static double little(const struct conns_point *q)
{
	return q->latency_us ? (double)q->conns * 1e6 / (double)q->latency_us : 0;
}

struct table_args {
	const struct conns_point *p;
	size_t n;
	bool latency;		/* the --latency-us sweep's table, else --conns' */
};

static int emit_table(FILE *f, const void *arg)
{
	const struct table_args *a = arg;

	fputs(a->latency ? "strategy,latency_us,conns,workers,queue_depth,valid,wall_s_median,"
	      "requests_per_s,littles_law_per_s,of_littles_law,run_id\n"
	      : "strategy,conns,workers,queue_depth,valid,wall_s_median,requests_per_s,"
	      "mem_net_kib_median,kib_per_conn,inflight_max,run_id\n", f);
	for (size_t i = 0; i < a->n; i++) {
		const struct conns_point *q = &a->p[i];

		if (a->latency) {
			fprintf(f, "%s,%llu,%llu,%u,%u,%u,%.6f,%.1f,%.1f,%.3f,%s\n", q->strategy,
				(unsigned long long)q->latency_us, (unsigned long long)q->conns,
				q->workers, q->qd, q->valid, q->wall_s, rate(q), little(q),
				little(q) > 0 ? rate(q) / little(q) : NAN, q->run_id);
			continue;
		}
		fprintf(f, "%s,%llu,%u,%u,%u,%.6f,%.1f,%.0f,%.2f,", q->strategy,
			(unsigned long long)q->conns, q->workers, q->qd, q->valid, q->wall_s,
			rate(q), q->mem_kib, per_conn_kib(a->p, a->n, q->strategy));
		if (q->inflight_max >= 0)
			fprintf(f, "%lld", q->inflight_max);
		else
			fputs("n/a", f);
		fprintf(f, ",%s\n", q->run_id);
	}
	return ferror(f) ? -EIO : 0;
}

/* The plot's data, a block per strategy, into @dat; their names and line types into @names, @lts. */
static int write_points(const struct plot_dir *pd, const char *dat, const struct table_args *a,
			const struct strategy *const *sts, unsigned nst, char *names, size_t nlen,
			char *lts, size_t llen)
{
	FILE *f = plot_dir_fopen(pd, dat);

	for (unsigned s = 0; f && s < nst; s++) {
		snprintf(names + strlen(names), nlen - strlen(names), "%s%s", s ? " " : "",
			 sts[s]->name);
		snprintf(lts + strlen(lts), llen - strlen(lts), "%s%d", s ? " " : "",
			 plot_lt(sts[s]->name));
		for (size_t i = 0; i < a->n; i++) {
			const struct conns_point *q = &a->p[i];

			if (strcmp(q->strategy, sts[s]->name) || !q->valid)
				continue;
			if (!a->latency)
				fprintf(f, "%llu %.0f\n", (unsigned long long)q->conns, q->mem_kib);
			else if (q->latency_us)
				fprintf(f, "%llu %.1f\n", (unsigned long long)q->latency_us, rate(q));
		}
		fputs("\n\n", f);
	}
	return !f || fclose(f) ? -1 : 0;
}

/*
 * One line per strategy (plots/sweep.gp, log2 x): memory against
 * connections, or requests/s against latency (0 us has no place on a log
 * axis and is left out of the plot, not the table).
 */
static void plot(const struct config *cfg, const char *id, const struct table_args *a,
		 const struct strategy *const *sts, unsigned nst)
{
	const char *stem = a->latency ? "latency-rate" : "conns-memory";
	char vars[2048] = "", names[256] = "", lts[64] = "", msg[512], *data, *out, *dat;
	struct plot_dir pd;

	if (!plot_have_gnuplot()) {
		errmsg("gnuplot is not installed: no plot (apt-get install gnuplot-nox or dnf "
		       "install gnuplot)");
		return;
	}
	if (plot_dir_create(cfg->plots_dir, id, &pd, msg, sizeof(msg)) < 0) {
		errmsg("%s", msg);
		return;
	}
	dat = xasprintf("%s.dat", stem);
	if (write_points(&pd, dat, a, sts, nst, names, sizeof(names), lts, sizeof(lts)) < 0) {
		errmsg("cannot write %s/%s: %s", pd.path, dat, strerror(errno));
		free(dat);
		plot_dir_close(&pd);
		return;
	}
	data = plot_dir_gnuplot(&pd, dat);
	out = plot_dir_gnuplot(&pd, stem);
	plot_var(vars, sizeof(vars), "dir", plot_scripts_dir());
	plot_var(vars, sizeof(vars), "data", data);
	plot_var(vars, sizeof(vars), "out", out);
	plot_var(vars, sizeof(vars), "title", a->latency
		 ? "Requests/s against the server's latency (median)"
		 : "Memory against connections: net peak memory, median");
	plot_var(vars, sizeof(vars), "lts", lts);
	plot_var(vars, sizeof(vars), "names", names);
	plot_var(vars, sizeof(vars), "xlabel", a->latency ? "service time per request (us)"
		 : "connections (requests in flight)");
	plot_var(vars, sizeof(vars), "ylabel", a->latency ? "requests/s, median"
		 : "net peak memory (KiB), median");
	if (plot_gnuplot("sweep", vars) < 0)
		errmsg("could not draw %s/%s.png", pd.path, stem);
	else
		printf("plot:    %s/%s.png\n", pd.path, stem);
	free(dat);
	free(data);
	free(out);
	plot_dir_close(&pd);
}

/* The table on the terminal. */
static void print_table(const struct table_args *a)
{
	if (a->latency)
		printf("\nsweep --latency-us: requests/s against the server's latency\n"
		       "  %-9s %10s %6s %9s %6s %10s %12s %12s %7s\n", "strategy", "latency_us",
		       "conns", "setting", "valid", "wall_s", "requests/s", "Little's law", "of it");
	else
		printf("\nsweep --conns: net peak memory against connections\n"
		       "  %-9s %8s %9s %6s %10s %12s %10s %9s %10s\n", "strategy", "conns", "setting",
		       "valid", "wall_s", "requests/s", "mem net", "KiB/conn", "in flight");
	for (size_t i = 0; i < a->n; i++) {
		const struct conns_point *q = &a->p[i];

		if (a->latency)
			printf("  %-9s %10llu %6llu %4u x %-3u %6u %10.4f %12.0f %12.0f %7.3f\n",
			       q->strategy, (unsigned long long)q->latency_us,
			       (unsigned long long)q->conns, q->workers, q->qd, q->valid, q->wall_s,
			       rate(q), little(q), little(q) > 0 ? rate(q) / little(q) : NAN);
		else
			printf("  %-9s %8llu %4u x %-3u %6u %10.4f %12.0f %7.0f KiB %9.1f %10lld\n",
			       q->strategy, (unsigned long long)q->conns, q->workers, q->qd,
			       q->valid, q->wall_s, rate(q), q->mem_kib,
			       per_conn_kib(a->p, a->n, q->strategy), q->inflight_max);
	}
}

int sweep_net(struct config *cfg)
{
	const struct workload *wl = cfg->wl[0];
	const struct strategy *sts[MAX_SELECTED];
	bool latency = cfg->n_sw_latency > 0;
	unsigned nv = latency ? cfg->n_sw_latency : cfg->n_sw_conns;
	struct conns_point *p = xcalloc((size_t)cfg->n_st * nv + 1, sizeof(*p));
	const struct wl_conns *cn = wl->connections;
	uint64_t conns0 = wl_val(cfg, wl, (unsigned)cn->conns);
	uint64_t req0 = wl_val(cfg, wl, (unsigned)cn->requests);
	uint64_t lat0 = wl_val(cfg, wl, (unsigned)cn->latency_us);
	uint64_t per_conn = conns0 && req0 / conns0 ? req0 / conns0 : 1;
	struct run_meta id = { 0 };
	struct table_args ta;
	size_t n = 0;
	unsigned nst = 0, failed = 0;
	char msg[512], *name;
	int dfd, rc;

	if ((rc = check_points(cfg, latency, nv, conns0, req0, lat0, per_conn)) != 0) {
		free(p);
		return rc;
	}
	for (unsigned s = 0; s < cfg->n_st; s++) {
		char why[256];

		if (cfg->st[s]->probe && cfg->st[s]->probe(why, sizeof(why)) < 0) {
			errmsg("strategy %s is unavailable here: %s", cfg->st[s]->name, why);
			continue;
		}
		sts[nst++] = cfg->st[s];
		for (unsigned v = 0; v < nv; v++) {
			uint64_t c = latency ? conns0 : cfg->sw_conns[v];

			failed += one_run(cfg, cfg->st[s], c, latency ? req0 : c * per_conn,
					  latency ? cfg->sw_latency[v] : lat0, latency, &p[n++]) != 0;
		}
	}
	results_new_run_id(&id);
	ta = (struct table_args){ p, n, latency };
	print_table(&ta);
	name = xasprintf("%s-%s.csv", id.run_id, latency ? "latency" : "conns");
	dfd = sfs_open_user_dir(cfg->results_dir, true, msg, sizeof(msg));
	rc = dfd < 0 ? dfd : sfs_save_emit(dfd, name, false, emit_table, &ta);
	if (rc < 0)
		errmsg("cannot write %s/%s: %s", cfg->results_dir, name, dfd < 0 ? msg :
		       strerror(-rc));
	else
		printf("\ntable:   %s/%s\n", cfg->results_dir, name);
	if (dfd >= 0)
		close(dfd);
	if (rc == 0 && !cfg->no_plot && n)
		plot(cfg, id.run_id, &ta, sts, nst);
	free(name);
	free(p);
	return rc < 0 || failed || !nst ? 1 : 0;
}
