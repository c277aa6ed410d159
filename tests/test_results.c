/* test_results.c - the CSV and JSON writers and their no-overwrite rule. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <jansson.h>

#include "runfiles.h"
#include "testutil.h"
#include "trial_cols.h"

static void fill(struct results *r, struct run_meta *m, struct config *cfg)
{
	struct trial_rec t = {
		.workload = "csv", .strategy = "serial", .trial = 1, .workers = 1,
		.qd = 1, .wall_s = 0.5, .user_s = 0.25, .sys_s = 0.125,
		.peak_rss_kib = 4096, .peak_rss_sum_kib = 4096, .bytes = 1048576,
		.ops = 10, .mib_per_s = 2.0, .ops_per_s = 20, .valid = false,
		.resident_pct = -1,
	};

	memset(cfg, 0, sizeof(*cfg));
	cfg->dir = "data";
	memset(m, 0, sizeof(*m));
	m->cfg = cfg;
	snprintf(m->run_id, sizeof(m->run_id), "RUN");
	snprintf(t.digest, sizeof(t.digest), "00112233445566778899aabbccddeeff");
	snprintf(t.error, sizeof(t.error), "write \"x\", y: No space left on device");
	results_add(r, &t);
	t.trial = 2;
	t.valid = true;
	t.error[0] = '\0';
	results_add(r, &t);
}

static void test_csv(void **state)
{
	struct results r = { 0 };
	struct run_meta m;
	struct config cfg;
	char *buf = NULL, *nl;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool outlier[2] = { false, true };

	(void)state;
	fill(&r, &m, &cfg);
	assert_int_equal(results_write_csv(f, &r, outlier, "RUN"), 0);
	fclose(f);
	nl = strchr(buf, '\n');
	assert_non_null(nl);
	assert_memory_equal(buf, results_csv_header(), strlen(results_csv_header()));
	assert_ptr_equal(nl, buf + strlen(results_csv_header()));
	assert_non_null(strstr(buf, "RUN,csv,serial,1,1,1,cold,0.500000,0.250000,0.125000,4096,4096,"));
	/* RFC 4180 quoting of a message with a comma and quotes */
	assert_non_null(strstr(buf, ",0,\"write \"\"x\"\", y: No space left on device\",0,0,"));
	/* n/a residency is an empty field; the main op's name is spelled out;
	 * the outlier flag comes from the summary's mask */
	assert_non_null(strstr(buf, "00112233445566778899aabbccddeeff,1,,0,1,,0,nop,"));
	free(buf);
	results_free(&r);
}

/*
 * The CSV's columns, in their order: readers that go by position see the
 * same file.  A new column goes at the end, here and in trial_cols.c.
 */
static void test_csv_columns_frozen(void **state)
{
	(void)state;
	assert_string_equal(results_csv_header(),
		"run_id,workload,strategy,trial,workers,queue_depth,cache,wall_s,user_s,"
		"sys_s,peak_rss_kib,peak_rss_sum_kib,minor_faults,major_faults,vol_ctx,"
		"invol_ctx,read_bytes,write_bytes,bytes,ops,mib_per_s,ops_per_s,digest,"
		"valid,error,warmup,outlier,resident_pct,cache_flag,main_op,lat_p50_us,"
		"lat_p99_us,lat_p999_us,lat_max_us,block,cpu_s,runq_wait_s,blkio_wait_s,"
		"other_s,threads_max,procs,inflight_avg,inflight_max,io_uring_enters,"
		"cycles,instructions,cache_misses,delay_glitches,steal_s,mem_base_kib,"
		"mem_net_kib,io_workers,ring_wait_s,svc_p50_us,svc_p99_us,svc_p999_us,"
		"svc_max_us,rank,ranks,node,straggler,start_skew_us,failed_requests,"
		"server_late_us,server_late_max_us,other_cpu_s,psi_cpu_s,psi_io_s,disturbed,"
		"foreign_conns,idle_cpu_s,gil_wait_s");
}

/* Every column the table puts in the JSON is one the schema describes, where it goes. */
static void test_columns_in_schema(void **state)
{
	static const char *const groups[] = { NULL, "breakdown", "io_shape", "interference" };
	json_error_t e;
	json_t *s = json_load_file("schema/iobench-run.schema.json", 0, &e);
	json_t *trial;

	(void)state;
	assert_non_null(s);
	trial = json_object_get(json_object_get(json_object_get(json_object_get(s, "properties"),
										 "trials"), "items"), "properties");
	assert_non_null(trial);
	for (size_t i = 0; i < n_trial_cols; i++) {
		const struct trial_col *c = &trial_cols[i];
		json_t *in = trial;

		if (!c->json)
			continue;
		if (groups[c->group])
			in = json_object_get(json_object_get(trial, groups[c->group]), "properties");
		if (!json_object_get(in, c->json))
			fail_msg("column %s: no \"%s\" in the schema's trial %s", c->csv ? c->csv : "-",
				 c->json, groups[c->group] ? groups[c->group] : "object");
	}
	json_decref(s);
}

/* Only numbers are added up over ranks; every column is in the CSV or the JSON. */
static void test_columns_sane(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_trial_cols; i++) {
		const struct trial_col *c = &trial_cols[i];

		assert_true(c->csv || c->json);
		if (c->agg != AG_SELF && (c->type == TC_SPECIAL || c->type == TC_PSTR ||
					  c->type == TC_ASTR))
			fail_msg("column %s: a rule to add up a non-number", c->csv ? c->csv : c->json);
	}
}

/* The JSON parses back, escapes included, and a non-UTF-8 name stays valid. */
static void test_json_escapes(void **state)
{
	struct results r = { 0 };
	struct run_meta m;
	struct config cfg;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *root, *t0, *t1;

	(void)state;
	fill(&r, &m, &cfg);
	cfg.dir = "/data/caf\xe9";	/* Latin-1, not UTF-8 */
	r.recs[0].sum = INFINITY;
	r.recs[1].sum = 1234567.0625;
	assert_int_equal(results_write_json(f, &r, &m, NULL), 0);
	fclose(f);
	root = json_loads(buf, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(root);
	t0 = json_array_get(json_object_get(root, "trials"), 0);
	t1 = json_array_get(json_object_get(root, "trials"), 1);
	assert_string_equal(jget_str(t0, "error"), "write \"x\", y: No space left on device");
	assert_true(json_is_null(json_object_get(t0, "resident_pct")));
	assert_true(json_is_true(json_object_get(t1, "valid")));
	assert_string_equal(jget_str(root, "iobench_version"), IOBENCH_VERSION);
	/* the byte 0xe9 as the code point U+00E9 */
	assert_string_equal(jget_str(root, "storage.dir"), "/data/caf\xc3\xa9");
	/* JSON has no NaN: a non-finite sum is null */
	assert_true(json_is_null(json_object_get(t0, "sum")));
	assert_true(json_real_value(json_object_get(t1, "sum")) == 1234567.0625);
	json_decref(root);
	free(buf);
	results_free(&r);
}

static void test_save_never_overwrites(void **state)
{
	char *dir = test_tmpdir("res"), *csv, *text;
	struct results r = { 0 };
	struct run_meta m;
	struct config cfg;
	char msg[512];
	size_t n;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *e;
	DIR *d;

	(void)state;
	assert_true(dfd >= 0);
	fill(&r, &m, &cfg);
	csv = xasprintf("%s/RUN.csv", dir);
	assert_int_equal(results_save(&r, &m, NULL, dfd, dir, msg, sizeof(msg)), 0);
	assert_int_equal(access(csv, F_OK), 0);
	/* a second run with the same id must not replace the first */
	r.recs[0].trial = 99;
	assert_int_equal(results_save(&r, &m, NULL, dfd, dir, msg, sizeof(msg)), -EEXIST);
	assert_non_null(strstr(msg, "RUN.csv"));
	assert_int_equal(read_small_file(csv, &text, &n), 0);
	assert_null(strstr(text, ",99,"));
	free(text);
	/* and no temporary file is left behind: just RUN.csv and RUN.json */
	d = opendir(dir);
	assert_non_null(d);
	n = 0;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (strcmp(e->d_name, "RUN.csv") && strcmp(e->d_name, "RUN.json"))
			fail_msg("left behind: %s", e->d_name);
	}
	closedir(d);
	close(dfd);
	results_free(&r);
	remove_tree(dir);
	free(dir);
	free(csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_csv_columns_frozen),
		cmocka_unit_test(test_columns_in_schema),
		cmocka_unit_test(test_columns_sane),
		cmocka_unit_test(test_json_escapes),
		cmocka_unit_test(test_save_never_overwrites),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
