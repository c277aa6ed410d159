/*
 * test_analysis.c - the analysis half on small fixture runs
 * (tests/fixtures/): reading a run back from its JSON under any of its
 * names, the report, the plot data, compare, and the sweep's knee.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "compare.h"
#include "howto.h"
#include "registry.h"
#include "plot.h"
#include "report.h"
#include "rundata.h"
#include "sweep.h"
#include "testutil.h"

#define RUN_A "20260101-000000-1"	/* threaded 2x faster than serial */
#define RUN_B "20260102-000000-2"	/* threaded 4x faster; the host stole half the CPUs */
#define RUN_C "20260103-000000-3"	/* as A, with --workers 4 */

static char *dir;	/* a copy of the fixtures: the report is written next to them */
static char cwd[4096];

static void copy(const char *name)
{
	char *src = xasprintf("tests/fixtures/%s", name), *dst = xasprintf("%s/%s", dir, name);
	char *text;
	size_t len;
	int fd;

	assert_int_equal(read_small_file(src, &text, &len), 0);
	fd = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, text, len), 0);
	close(fd);
	free(text);
	free(src);
	free(dst);
}

static int setup(void **state)
{
	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	dir = test_tmpdir("analysis");
	copy(RUN_A ".json");
	copy(RUN_B ".json");
	copy(RUN_C ".json");
	copy("reordered.json");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(chdir(cwd), 0);
	remove_tree(dir);
	free(dir);
	return 0;
}

static void load(const char *name, struct run_data *rd)
{
	char *path = xasprintf("%s/%s", dir, name), msg[512] = "";

	if (rundata_load(path, rd, msg, sizeof(msg)) < 0)
		fail_msg("%s", msg);
	free(path);
}

/* Every name of a run finds its JSON; the summary comes back as written. */
static void test_load_any_name(void **state)
{
	static const char *const names[] = { RUN_A ".json", RUN_A ".csv", RUN_A "-summary.csv" };
	struct run_data rd;
	char msg[512];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const struct strat_summary *t;

		load(names[i], &rd);
		assert_string_equal(rd.run_id, RUN_A);
		assert_string_equal(rd.hostname, "fixture");
		assert_int_equal(rd.pus, 2);
		assert_string_equal(rd.sum.baseline, "serial");
		assert_int_equal(rd.sum.n, 2);
		t = summary_row(&rd.sum, "md5", "threaded");
		assert_non_null(t);
		assert_true(t->recommended && !t->baseline);
		assert_true(fabs(t->m[MET_WALL].median - 0.5) < 1e-9);
		assert_int_equal(t->nwall, 5);
		assert_true(summary_row(&rd.sum, "md5", "serial")->baseline);
		assert_string_equal(rd.sum.v[0].reason, "threaded is fastest");
		assert_string_equal(rundata_spec(&rd, "md5"), "md5 files=4 file_size=1048576 seed=1");
		rundata_free(&rd);
	}
	/* a bare name, from the directory it is in */
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(rundata_load(RUN_A ".csv", &rd, msg, sizeof(msg)), 0);
	assert_string_equal(rd.base, RUN_A);
	rundata_free(&rd);
	assert_int_equal(chdir(cwd), 0);
}

/* The JSON is parsed, not matched as text: member order and layout don't matter. */
static void test_reordered_reads_the_same(void **state)
{
	struct run_data a, r;

	(void)state;
	load(RUN_A ".json", &a);
	load("reordered.json", &r);
	assert_int_equal(a.sum.n, r.sum.n);
	assert_string_equal(a.sum.v[0].reason, r.sum.v[0].reason);
	assert_string_equal(a.hostname, r.hostname);
	assert_true(a.sum.rows[1].m[MET_WALL].median == r.sum.rows[1].m[MET_WALL].median);
	rundata_free(&a);
	rundata_free(&r);
}

static void bad_file(const char *name, const char *text, const char *words)
{
	char *path = xasprintf("%s/%s", dir, name), msg[512] = "";
	struct run_data rd;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, text, strlen(text)), 0);
	close(fd);
	assert_true(rundata_load(path, &rd, msg, sizeof(msg)) < 0);
	if (!strstr(msg, words))
		fail_msg("%s: '%s' does not say '%s'", name, msg, words);
	free(path);
}

static void test_bad_files(void **state)
{
	struct run_data rd;
	char msg[512];

	(void)state;
	bad_file("cut.json", "{\"iobench_version\": \"0.1.0\", \"summary\": [",
		 "not an iobench result file (line 1");
	bad_file("other.json", "{\"name\": \"not ours\"}", "not an iobench result file");
	bad_file("sweep.json", "{\"iobench_version\": \"0.1.0\", \"trials\": []}",
		 "no \"summary\"");
	assert_int_equal(rundata_load("notes.txt", &rd, msg, sizeof(msg)), -EINVAL);
	assert_int_equal(rundata_load("/nonexistent/x.json", &rd, msg, sizeof(msg)), -ENOENT);
}

/* The report states the verdict, the table, why a strategy loses, and steal. */
static void test_report(void **state)
{
	struct run_data rd;
	char msg[512] = "", *path, *md;
	size_t len;

	(void)state;
	load(RUN_A ".json", &rd);
	assert_int_equal(report_write(&rd, NULL, msg, sizeof(msg)), 0);
	path = xasprintf("%s/%s.md", dir, RUN_A);
	assert_int_equal(read_small_file(path, &md, &len), 0);
	assert_non_null(strstr(md, "**Recommendation: threaded** (faster). threaded is fastest."));
	assert_non_null(strstr(md, "| threaded **(recommended)** | 5/5 | 0.500 [0.480, 0.520] | "
				   "2.00 ± 0.05 x faster |"));
	assert_non_null(strstr(md, "| strategy | valid | median wall (s) [CI] | vs serial |"));
	assert_null(strstr(md, "hypervisor"));
	assert_null(strstr(md, "![wall time]"));	/* no plots: no links */
	free(md);
	free(path);
	rundata_free(&rd);
	/* B: the host took half of every CPU during its trials */
	load(RUN_B ".json", &rd);
	assert_int_equal(report_write(&rd, NULL, msg, sizeof(msg)), 0);
	path = xasprintf("%s/%s.md", dir, RUN_B);
	assert_int_equal(read_small_file(path, &md, &len), 0);
	assert_non_null(strstr(md, "The hypervisor took 50% of the machine's CPU time"));
	free(md);
	free(path);
	rundata_free(&rd);
}

/* Why a strategy loses: from the stored medians, against the baseline. */
static void test_why_slower(void **state)
{
	struct run_data rd;
	char why[512];

	(void)state;
	load(RUN_A ".json", &rd);
	report_why_slower(&rd, "md5", "threaded", why, sizeof(why));
	assert_non_null(strstr(why, "voluntary context switches as serial"));
	report_why_slower(&rd, "md5", "nosuch", why, sizeof(why));
	assert_string_equal(why, "no valid trials to compare");
	rundata_free(&rd);
}

/* A against B: the ratio of medians, tested on the counted trials; settings must match. */
static void test_compare(void **state)
{
	struct run_data a, b, c;
	struct cmp_row rows[8];
	char msg[512];
	size_t n;

	(void)state;
	load(RUN_A ".json", &a);
	load(RUN_B ".json", &b);
	load(RUN_C ".json", &c);
	n = compare_runs(&a, &b, rows, ARRAY_SIZE(rows));
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].strategy, "serial");
	assert_true(fabs(rows[0].ratio - 1) < 1e-9);
	assert_false(rows[0].significant);		/* the same times */
	assert_string_equal(rows[1].strategy, "threaded");
	assert_true(fabs(rows[1].ratio - 0.5) < 1e-9);
	assert_true(rows[1].p < 0.01);			/* 5 v 5, no overlap: p = 2/252 */
	assert_true(rows[1].p_holm >= rows[1].p);
	assert_true(rows[1].b_lo == 0.23 && rows[1].b_hi == 0.27);
	assert_string_equal(compare_recommended(&a, "md5"), "threaded");
	assert_string_equal(compare_recommended(&a, "csv"), "");
	assert_int_equal(compare_check(&a, &b, msg, sizeof(msg)), 0);
	assert_int_equal(compare_check(&a, &c, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "workers (A 2, B 4)"));
	rundata_free(&a);
	rundata_free(&b);
	rundata_free(&c);
}

/*
 * The regression gate: B half as fast as A on the recommended strategy is
 * slower beyond 5% (its lower bound near 1.8x) but not beyond 150%; the
 * other direction, and the unchanged serial with --all, pass.
 */
static void test_gate(void **state)
{
	struct run_data a, b;
	struct cmp_row rows[8];
	struct gate_row g[8];
	size_t n, k;

	(void)state;
	load(RUN_A ".json", &a);
	load(RUN_B ".json", &b);
	n = compare_runs(&a, &b, rows, ARRAY_SIZE(rows));
	k = compare_gate(&a, &b, rows, n, 0.05, false, g, ARRAY_SIZE(g));
	assert_int_equal(k, 1);				/* md5's recommended: threaded */
	assert_string_equal(g[0].strategy, "threaded");
	assert_false(g[0].slower);			/* B is 2x faster */
	n = compare_runs(&b, &a, rows, ARRAY_SIZE(rows));	/* now B is 2x slower */
	k = compare_gate(&b, &a, rows, n, 0.05, false, g, ARRAY_SIZE(g));
	assert_int_equal(k, 1);
	assert_int_equal(g[0].rc, 0);
	assert_true(g[0].slower);
	assert_true(g[0].lower > 1.75 && g[0].lower < 2.0);
	k = compare_gate(&b, &a, rows, n, 1.5, false, g, ARRAY_SIZE(g));
	assert_false(g[0].slower);
	k = compare_gate(&b, &a, rows, n, 0.05, true, g, ARRAY_SIZE(g));
	assert_int_equal(k, 2);				/* serial too, unchanged: passes */
	assert_string_equal(g[0].strategy, "serial");
	assert_false(g[0].slower);
	assert_true(g[1].slower);
	rundata_free(&a);
	rundata_free(&b);
}

/* How to apply a recommendation follows the strategy's traits, with its N. */
static void test_howto(void **state)
{
	char py[320], c[320];

	(void)state;
	assert_int_equal(howto_hints(strategy_find("forked"), &(struct howto_shape){ 4, 4, 0, false },
				     py, sizeof(py), c, sizeof(c)), 0);
	assert_non_null(strstr(py, "multiprocessing.Pool(4)"));
	assert_non_null(strstr(c, "fork()"));
	assert_int_equal(howto_hints(strategy_find("threaded"), &(struct howto_shape){ 8, 8, 0, false },
				     py, sizeof(py), c, sizeof(c)), 0);
	assert_non_null(strstr(py, "ThreadPoolExecutor(max_workers=8)"));
	assert_int_equal(howto_hints(strategy_find("epoll"), &(struct howto_shape){ 3, 3, 0, false },
				     py, sizeof(py), c, sizeof(c)), 0);
	assert_non_null(strstr(py, "run_in_executor"));
	assert_non_null(strstr(c, "UV_THREADPOOL_SIZE=3"));
	assert_int_equal(howto_hints(strategy_find("io_uring"), &(struct howto_shape){ 2, 16, 0, false },
				     py, sizeof(py), c, sizeof(c)), 0);
	assert_non_null(strstr(py, "no standard-library io_uring"));
	assert_non_null(strstr(py, "max_workers=32"));	/* the ops the 2 rings of 16 kept in flight */
	assert_non_null(strstr(c, "io_uring_queue_init(16"));
	assert_int_equal(howto_hints(strategy_find("serial"), &(struct howto_shape){ 1, 1, 0, false },
				     py, sizeof(py), c, sizeof(c)), 0);
	assert_non_null(strstr(py, "plain loop"));
	assert_int_equal(howto_hints(strategy_find("null"), &(struct howto_shape){ 1, 1, 0, false },
				     py, sizeof(py), c, sizeof(c)),
			 -ENOENT);
	/* over connections: the socket forms, with N the connections open at once */
	assert_int_equal(howto_hints(strategy_find("epoll"), &(struct howto_shape){ 2, 2, 256, false }, py,
				     sizeof(py), c, sizeof(c)), 0);
	assert_non_null(strstr(py, "asyncio.open_connection"));
	assert_non_null(strstr(py, "all 256 connections"));
	assert_non_null(strstr(c, "uv_tcp_connect"));
	assert_int_equal(howto_hints(strategy_find("threaded"), &(struct howto_shape){ 64, 64, 64, false },
				     py, sizeof(py), c, sizeof(c)), 0);
	assert_non_null(strstr(py, "ThreadPoolExecutor(max_workers=64)"));
}

/* The plots' data files hold the stored medians (drawing needs gnuplot: skipped without). */
static void test_plot_data(void **state)
{
	struct run_data rd;
	char *plots = xasprintf("%s/plots", dir), *outdir = NULL, msg[512] = "", *wall, *dat;
	size_t len;
	int rc;

	(void)state;
	load(RUN_A ".json", &rd);
	rc = plot_run(&rd, plots, &outdir, msg, sizeof(msg));
	if (rc == -ENOENT) {
		rundata_free(&rd);
		free(plots);
		skip();
	}
	if (rc < 0)
		fail_msg("%s", msg);
	dat = xasprintf("%s/wall.dat", outdir);
	assert_int_equal(read_small_file(dat, &wall, &len), 0);
	assert_string_equal(wall, "workload serial lo hi threaded lo hi\n"
				  "md5 1 0.98 1.02 0.5 0.48 0.52\n");
	free(wall);
	free(dat);
	free(outdir);
	free(plots);
	rundata_free(&rd);
}

/* The sweep's knee: the smallest setting within 5% of the best median throughput. */
static void test_sweep_knee(void **state)
{
	static const struct { unsigned workers; double mibs; } pts[] = {
		{ 1, 100 }, { 2, 190 }, { 4, 390 }, { 8, 400 }, { 16, 380 },
	};
	struct results r = { 0 };
	struct sweep_point *p;
	size_t n;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(pts); i++)
		for (unsigned t = 1; t <= 3; t++) {
			struct trial_rec rec = { .workload = "md5", .strategy = "threaded",
						 .trial = t, .workers = pts[i].workers, .qd = 1,
						 .valid = true, .mib_per_s = pts[i].mibs + t - 2,
						 .wall_s = 1 };

			results_add(&r, &rec);
		}
	/* not counted: a warmup, a failed trial, one in the wrong cache state */
	results_add(&r, &(struct trial_rec){ .workload = "md5", .strategy = "threaded",
					     .trial = 1, .workers = 1, .warmup = true,
					     .valid = true, .mib_per_s = 9999 });
	results_add(&r, &(struct trial_rec){ .workload = "md5", .strategy = "threaded",
					     .trial = 4, .workers = 1, .valid = false,
					     .mib_per_s = 9999 });
	results_add(&r, &(struct trial_rec){ .workload = "md5", .strategy = "threaded",
					     .trial = 5, .workers = 1, .valid = true,
					     .cache_flag = true, .mib_per_s = 9999 });
	n = sweep_points(&r, &p);
	assert_int_equal(n, ARRAY_SIZE(pts));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(p[i].workers, pts[i].workers);
		assert_int_equal(p[i].n, 3);
		assert_true(p[i].mibs == pts[i].mibs);
		assert_int_equal(p[i].knee, pts[i].workers == 4);
	}
	free(p);
	results_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_any_name),
		cmocka_unit_test(test_reordered_reads_the_same),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_why_slower),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_gate),
		cmocka_unit_test(test_howto),
		cmocka_unit_test(test_plot_data),
		cmocka_unit_test(test_sweep_knee),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
