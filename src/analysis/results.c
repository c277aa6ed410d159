/* results.c - results/<run-id>.csv and .json. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "results.h"
#include "safefs.h"
#include "util.h"

const char results_csv_header[] =
	"run_id,workload,strategy,trial,workers,queue_depth,cache,wall_s,user_s,"
	"sys_s,peak_rss_kib,peak_rss_sum_kib,minor_faults,major_faults,vol_ctx,"
	"invol_ctx,read_bytes,write_bytes,bytes,ops,mib_per_s,ops_per_s,digest,"
	"valid,error,warmup,outlier,resident_pct,cache_flag,main_op,lat_p50_us,"
	"lat_p99_us,lat_p999_us,lat_max_us,block,cpu_s,runq_wait_s,blkio_wait_s,"
	"other_s,threads_max,procs,inflight_avg,inflight_max,io_uring_enters,"
	"cycles,instructions,cache_misses,delay_glitches,steal_s,mem_base_kib,"
	"mem_net_kib,io_workers,ring_wait_s,svc_p50_us,svc_p99_us,svc_p999_us,"
	"svc_max_us";

/* A measured count, or "n/a": never a 0 that looks measured. */
static void csv_u64(FILE *f, bool ok, uint64_t v)
{
	if (ok)
		fprintf(f, ",%" PRIu64, v);
	else
		fputs(",n/a", f);
}

static void csv_dbl(FILE *f, bool ok, int decimals, double v)
{
	fputc(',', f);
	if (ok)
		fprintf(f, "%.*f", decimals, v);
	else
		fputs("n/a", f);
}

void results_add(struct results *r, const struct trial_rec *rec)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct trial_rec *nr = realloc(r->recs, cap * sizeof(*nr));

		if (!nr)
			die(1, "out of memory");
		r->recs = nr;
		r->cap = cap;
	}
	r->recs[r->n++] = *rec;
}

void results_free(struct results *r)
{
	free(r->recs);
	*r = (struct results){ 0 };
}

void results_new_run_id(struct run_meta *m)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(m->date, sizeof(m->date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(m->run_id, sizeof(m->run_id), "%Y%m%d-%H%M%S", &tm);
	snprintf(m->run_id + strlen(m->run_id), sizeof(m->run_id) - strlen(m->run_id),
		 "-%ld", (long)getpid());
}

/* RFC 4180: quote when the field holds a comma, quote or newline. */
static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

int results_write_csv(FILE *f, const struct results *r, const char *run_id)
{
	fprintf(f, "%s\n", results_csv_header);
	for (size_t i = 0; i < r->n; i++) {
		const struct trial_rec *t = &r->recs[i];
		const struct lat_pct *l = &t->lat[t->main_op], *sv = &t->svc[t->main_op];
		bool lat = t->latency_on;

		fprintf(f, "%s,%s,%s,%u,%u,%u,%s,%.6f,%.6f,%.6f,%" PRIu64 ",%" PRIu64
			",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64,
			run_id, t->workload, t->strategy, t->trial, t->workers, t->qd,
			cache_names[t->cache], t->wall_s, t->user_s, t->sys_s,
			t->peak_rss_kib, t->peak_rss_sum_kib, t->minor_faults,
			t->major_faults, t->vol_ctx, t->invol_ctx);
		csv_u64(f, t->io_ok, t->read_bytes);
		csv_u64(f, t->io_ok, t->write_bytes);
		fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%.3f,%.1f,%s,%d,", t->bytes, t->ops,
			t->mib_per_s, t->ops_per_s, t->digest, t->valid ? 1 : 0);
		csv_field(f, t->error);
		fprintf(f, ",%d,%d,", t->warmup, t->outlier);
		if (t->resident_pct >= 0)
			fprintf(f, "%.1f", t->resident_pct);
		fprintf(f, ",%d,%s", t->cache_flag, op_name(t->main_op));
		csv_dbl(f, lat, 1, l->p50_us);
		csv_dbl(f, lat, 1, l->p99_us);
		csv_dbl(f, lat, 1, l->p999_us);
		csv_dbl(f, lat, 1, l->max_us);
		fprintf(f, ",%" PRIu64 ",%.6f", t->block, t->user_s + t->sys_s);
		/* delay accounting may be unavailable: "n/a", never a fake 0 */
		csv_dbl(f, t->delay_ok, 6, t->runq_wait_s);
		csv_dbl(f, t->delay_ok, 6, t->blkio_wait_s);
		csv_dbl(f, t->delay_ok, 6, t->other_s);
		fprintf(f, ",%u,%u", t->threads_max, t->procs);
		csv_dbl(f, lat, 2, t->inflight_avg);
		csv_u64(f, lat, (uint64_t)t->inflight_max);
		fprintf(f, ",%" PRIu64, t->enter_calls);
		for (int k = 0; k < HW_N; k++)
			csv_u64(f, t->hw[k] >= 0 && !t->hw_why[0], (uint64_t)t->hw[k]);
		fprintf(f, ",%u", t->delay_glitches);
		csv_dbl(f, t->steal_s >= 0, 2, t->steal_s);
		csv_u64(f, t->mem_ok, t->mem_base_kib);
		csv_u64(f, t->mem_ok, t->mem_net_kib);
		csv_u64(f, t->io_workers >= 0, (uint64_t)t->io_workers);
		fprintf(f, ",%.6f", t->ring_wait_s);
		csv_dbl(f, lat && sv->n, 1, sv->p50_us);
		csv_dbl(f, lat && sv->n, 1, sv->p99_us);
		csv_dbl(f, lat && sv->n, 1, sv->p999_us);
		csv_dbl(f, lat && sv->n, 1, sv->max_us);
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}

/* Length of the valid UTF-8 sequence at @s, or 0 (no overlongs, no surrogates). */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;

	if (s[0] >= 0xf5)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 3 && s[0] == 0xe0 && s[1] < 0xa0) || (n == 3 && s[0] == 0xed && s[1] >= 0xa0) ||
	    (n == 4 && s[0] == 0xf0 && s[1] < 0x90) || (n == 4 && s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

/*
 * A JSON string.  Bytes that are not UTF-8 (a file name can hold any) are
 * written as the code point of the same value (\u00XX): the JSON stays
 * valid and the byte can be told.
 */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		unsigned char c = *p;
		size_t n;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else if (c < 0x80)
			fputc(c, f);
		else if ((n = utf8_len(p)) > 0) {
			fwrite(p, 1, n, f);
			p += n - 1;
		} else {
			fprintf(f, "\\u%04x", c);
		}
	}
	fputc('"', f);
}

/* "key": "value" */
static void json_kv(FILE *f, const char *key, const char *val, bool comma)
{
	json_str(f, key);
	fputs(": ", f);
	json_str(f, val);
	if (comma)
		fputc(',', f);
	fputc('\n', f);
}

static void json_u64(FILE *f, bool ok, uint64_t v)
{
	if (ok)
		fprintf(f, "%" PRIu64, v);
	else
		fputs("null", f);
}

/* Percentiles per op type that ran; null when latency was not recorded. */
static void json_lat(FILE *f, bool on, const struct lat_pct *lat)
{
	if (!on) {
		fputs("null", f);
		return;
	}
	fputc('{', f);
	for (int k = 0, first = 1; k < OP_NTYPES; k++) {
		const struct lat_pct *l = &lat[k];

		if (!l->n)
			continue;
		fprintf(f, "%s\"%s\": {\"n\": %" PRIu64 ", \"mean\": %.2f, \"p50\": %.2f, "
			"\"p90\": %.2f, \"p99\": %.2f, \"p999\": %.2f, \"max\": %.2f}",
			first ? "" : ", ", op_name((enum op_type)k), l->n, l->mean_us,
			l->p50_us, l->p90_us, l->p99_us, l->p999_us, l->max_us);
		first = 0;
	}
	fputc('}', f);
}

static void json_trial(FILE *f, const struct trial_rec *t, bool comma)
{
	fprintf(f, "    {\"workload\": \"%s\", \"strategy\": \"%s\", \"trial\": %u, "
		"\"workers\": %u, \"queue_depth\": %u, \"cache\": \"%s\",\n"
		"     \"wall_s\": %.6f, \"user_s\": %.6f, \"sys_s\": %.6f, "
		"\"peak_rss_kib\": %" PRIu64 ", \"peak_rss_sum_kib\": %" PRIu64 ",\n"
		"     \"minor_faults\": %" PRIu64 ", \"major_faults\": %" PRIu64
		", \"vol_ctx\": %" PRIu64 ", \"invol_ctx\": %" PRIu64 ",\n"
		"     \"bytes\": %" PRIu64 ", \"ops\": %" PRIu64
		", \"mib_per_s\": %.3f, \"ops_per_s\": %.1f,\n"
		"     \"digest\": \"%s\", \"valid\": %s, \"sum\": ",
		t->workload, t->strategy, t->trial, t->workers, t->qd,
		cache_names[t->cache], t->wall_s, t->user_s, t->sys_s,
		t->peak_rss_kib, t->peak_rss_sum_kib, t->minor_faults,
		t->major_faults, t->vol_ctx, t->invol_ctx, t->bytes, t->ops, t->mib_per_s,
		t->ops_per_s, t->digest, t->valid ? "true" : "false");
	/* JSON has no NaN or infinity; a user's array may sum to either */
	if (isfinite(t->sum))
		fprintf(f, "%.17g", t->sum);
	else
		fputs("null", f);
	fputs(", \"error\": ", f);
	json_str(f, t->error);
	fprintf(f, ",\n     \"warmup\": %s, \"outlier\": %s, \"resident_pct\": ",
		t->warmup ? "true" : "false", t->outlier ? "true" : "false");
	if (t->resident_pct >= 0)
		fprintf(f, "%.1f", t->resident_pct);
	else
		fputs("null", f);
	fprintf(f, ", \"cache_flag\": %s, \"main_op\": \"%s\", \"block\": %" PRIu64
		",\n     \"read_bytes\": ", t->cache_flag ? "true" : "false",
		op_name(t->main_op), t->block);
	json_u64(f, t->io_ok, t->read_bytes);
	fputs(", \"write_bytes\": ", f);
	json_u64(f, t->io_ok, t->write_bytes);
	fputs(", \"mem_base_kib\": ", f);
	json_u64(f, t->mem_ok, t->mem_base_kib);
	fputs(", \"mem_net_kib\": ", f);
	json_u64(f, t->mem_ok, t->mem_net_kib);
	fputs(",\n     \"latency_us\": ", f);
	json_lat(f, t->latency_on, t->lat);
	fputs(",\n     \"service_us\": ", f);
	json_lat(f, t->latency_on, t->svc);
	fprintf(f, ",\n     \"breakdown\": {\"cpu_s\": %.6f, \"threads_max\": %u, \"procs\": %u",
		t->user_s + t->sys_s, t->threads_max, t->procs);
	if (t->steal_s >= 0)
		fprintf(f, ", \"steal_s\": %.2f", t->steal_s);
	else
		fputs(", \"steal_s\": null", f);
	fprintf(f, ", \"ring_wait_s\": %.6f, \"io_workers\": ", t->ring_wait_s);
	json_u64(f, t->io_workers >= 0, (uint64_t)t->io_workers);
	if (t->delay_ok)
		fprintf(f, ", \"runq_wait_s\": %.6f, \"blkio_wait_s\": %.6f, \"other_s\": %.6f, "
			"\"task_s\": %.6f, \"delay_glitches\": %u}", t->runq_wait_s, t->blkio_wait_s,
			t->other_s, t->task_s, t->delay_glitches);
	else
		fputs(", \"runq_wait_s\": null, \"blkio_wait_s\": null, \"other_s\": null}", f);
	fputs(",\n     \"io_shape\": {\"ops\": {", f);
	for (int k = 0, first = 1; k < OP_NTYPES; k++) {
		if (!t->ops_by_type[k])
			continue;
		fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ", op_name((enum op_type)k),
			t->ops_by_type[k]);
		first = 0;
	}
	fprintf(f, "}, \"bytes_read\": %" PRIu64 ", \"bytes_written\": %" PRIu64
		", \"inflight_avg\": ", t->bytes_read, t->bytes_written);
	if (t->latency_on)
		fprintf(f, "%.2f, \"inflight_max\": %" PRId64, t->inflight_avg, t->inflight_max);
	else
		fputs("null, \"inflight_max\": null", f);
	fprintf(f, ", \"io_uring_enters\": %" PRIu64 "},\n     \"hw\": {", t->enter_calls);
	for (int k = 0; k < HW_N; k++) {
		fprintf(f, "%s\"%s\": ", k ? ", " : "", hw_names[k]);
		if (t->hw[k] >= 0 && !t->hw_why[0])
			fprintf(f, "%" PRId64, t->hw[k]);
		else
			fputs("null", f);
	}
	fputs(", \"why\": ", f);
	json_str(f, t->hw_why[0] ? t->hw_why : "on");
	fputs("}, \"pins\": ", f);
	json_str(f, t->pins);
	fprintf(f, "}%s\n", comma ? "," : "");
}

int results_write_json(FILE *f, const struct results *r,
		       const struct run_meta *m, const struct run_summary *sum)
{
	const struct config *cfg = m->cfg;
	const struct sysinfo *s = &m->sys;
	char *cmd;
	size_t cmdlen;
	FILE *cf = open_memstream(&cmd, &cmdlen);

	if (!cf)
		return -ENOMEM;
	fputs("iobench", cf);
	for (int i = 0; i < cfg->argc; i++)
		fprintf(cf, " %s", cfg->argv[i]);
	fclose(cf);

	fputs("{\n", f);
	json_kv(f, "iobench_version", IOBENCH_VERSION, true);
	json_kv(f, "run_id", m->run_id, true);
	json_kv(f, "date", m->date, true);
	fprintf(f, "\"partial\": %s,\n", m->partial ? "true" : "false");
	json_kv(f, "delay_accounting", m->delay_acct[0] ? m->delay_acct : "n/a", true);
	json_kv(f, "command_line", cmd, true);
	free(cmd);
	fputs("\"host\": {\n", f);
	json_kv(f, "hostname", s->hostname, true);
	json_kv(f, "kernel", s->kernel, true);
	json_kv(f, "cpu_model", s->cpu_model, true);
	fprintf(f, "\"packages\": %u, \"cores\": %u, \"pus\": %u, \"numa_nodes\": %u, "
		"\"cache_kib\": {\"l1d\": %" PRIu64 ", \"l2\": %" PRIu64 ", \"l3\": %" PRIu64
		", \"l4\": %" PRIu64 "}},\n", s->packages, s->cores, s->pus, s->numa_nodes,
		s->cache_kib[0], s->cache_kib[1], s->cache_kib[2], s->cache_kib[3]);
	fputs("\"storage\": {\n", f);
	json_kv(f, "dir", cfg->dir, true);
	json_kv(f, "fs_type", s->fs_type, true);
	json_kv(f, "device", s->device, true);
	json_kv(f, "mount_point", s->mount_point, true);
	json_kv(f, "scheduler", s->scheduler, true);
	fprintf(f, "\"journal\": %s, ", s->journal < 0 ? "null" : s->journal ? "true" : "false");
	fprintf(f, "\"rotational\": %d, \"logical_block_size\": %u, \"free_bytes\": %" PRIu64
		", \"total_bytes\": %" PRIu64 "},\n", s->rotational, s->logical_block,
		s->free_bytes, s->total_bytes);
	fprintf(f, "\"config\": {\"size\": \"%s\", \"cache\": \"%s\", \"repeat\": %" PRIu64
		", \"warmup\": %" PRIu64 ", \"shuffle\": %s, \"pin\": %s, \"drop_caches\": %s"
		", \"latency\": %s, \"seed\": %" PRIu64 ", \"workers\": %" PRIu64
		", \"queue_depth\": %" PRIu64 ", \"until_decided\": %s, \"budget_s\": %" PRIu64
		"},\n",
		size_names[cfg->size], cache_names[cfg->cache], cfg->repeat, cfg->warmup,
		cfg->shuffle ? "true" : "false", cfg->pin ? "true" : "false",
		cfg->drop_caches ? "true" : "false", cfg->no_latency ? "false" : "true",
		cfg->seed, cfg->workers, cfg->qd, cfg->until_decided ? "true" : "false",
		cfg->budget_s);
	fputs("\"datasets\": [\n", f);
	for (unsigned i = 0; i < cfg->n_wl; i++) {
		fprintf(f, "  {\"workload\": \"%s\", \"spec\": ", cfg->wl[i]->name);
		json_str(f, m->specs[i] ? m->specs[i] : "");
		fprintf(f, ", \"rounds\": %u, \"until_decided\": ", m->rounds[i]);
		json_str(f, m->stopped[i]);
		fprintf(f, "}%s\n", i + 1 < cfg->n_wl ? "," : "");
	}
	fputs("],\n\"strategies\": [\n", f);
	for (unsigned i = 0; i < cfg->n_st; i++) {
		fprintf(f, "  {\"name\": \"%s\", \"available\": %s, \"reason\": ",
			cfg->st[i]->name, m->unavailable[i] ? "false" : "true");
		json_str(f, m->unavailable[i] ? m->unavailable[i] : "");
		fprintf(f, "}%s\n", i + 1 < cfg->n_st ? "," : "");
	}
	fputs("],\n", f);
	if (sum)
		summary_write_json(f, sum);
	fputs("\"trials\": [\n", f);
	for (size_t i = 0; i < r->n; i++)
		json_trial(f, &r->recs[i], i + 1 < r->n);
	fputs("]\n}\n", f);
	return ferror(f) ? -EIO : 0;
}

struct save_args {
	const struct results *r;
	const struct run_meta *m;
	const struct run_summary *s;
};

static int emit_csv(FILE *f, const struct save_args *a)
{
	return results_write_csv(f, a->r, a->m->run_id);
}

static int emit_json(FILE *f, const struct save_args *a)
{
	return results_write_json(f, a->r, a->m, a->s);
}

static int emit_summary(FILE *f, const struct save_args *a)
{
	return summary_write_csv(f, a->s, a->m->run_id);
}

/* Renders one file into memory. */
static int render(int (*emit)(FILE *, const struct save_args *), const struct save_args *a,
		  char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);
	int rc;

	if (!f)
		return -ENOMEM;
	rc = emit(f, a);
	if (fclose(f) != 0 && rc == 0)
		rc = -ENOMEM;
	return rc;
}

int results_save(const struct results *r, const struct run_meta *m,
		 const struct run_summary *s, int dirfd, const char *dir, char *msg,
		 size_t len)
{
	static const struct {
		const char *suffix;
		int (*emit)(FILE *, const struct save_args *);
	} outs[] = {
		{ ".csv", emit_csv }, { ".json", emit_json }, { "-summary.csv", emit_summary },
	};
	struct save_args a = { r, m, s };
	const char *names[ARRAY_SIZE(outs)];
	char *bufs[ARRAY_SIZE(outs)] = { NULL };
	size_t lens[ARRAY_SIZE(outs)], n = 0;
	int rc = 0;

	for (size_t i = 0; i < ARRAY_SIZE(outs) && rc == 0; i++) {
		if (outs[i].emit == emit_summary && !s)
			continue;	/* a sweep has its own table instead */
		names[n] = xasprintf("%s%s", m->run_id, outs[i].suffix);
		rc = render(outs[i].emit, &a, &bufs[n], &lens[n]);
		n++;
		if (rc < 0)
			snprintf(msg, len, "cannot render %s: %s", names[n - 1], strerror(-rc));
	}
	if (rc == 0) {
		size_t bad;

		/* all or none: never a .csv without its .json */
		rc = sfs_save_all(dirfd, names, (const void *const *)bufs, lens, n, false, &bad);
		if (rc < 0)
			snprintf(msg, len, "cannot write %s/%s: %s", dir, names[bad], strerror(-rc));
	}
	for (size_t i = 0; i < n; i++) {
		free((char *)names[i]);
		free(bufs[i]);
	}
	return rc;
}

int results_journal_open(int dirfd, const struct run_meta *m, FILE **out)
{
	char *name = xasprintf("%s.journal", m->run_id);
	int fd = sfs_create(dirfd, name, 0644);

	free(name);
	if (fd < 0)
		return fd;
	*out = fdopen(fd, "w");
	if (!*out) {
		close(fd);
		return -errno;
	}
	fprintf(*out, "%s\n", results_csv_header);
	return fflush(*out) ? -errno : 0;
}

int results_journal_add(FILE *f, const struct trial_rec *rec, const char *run_id)
{
	struct results one = { .recs = (struct trial_rec *)rec, .n = 1, .cap = 1 };
	char *buf;
	size_t len;
	FILE *m = open_memstream(&buf, &len);
	int rc;

	if (!m)
		return -ENOMEM;
	rc = results_write_csv(m, &one, run_id);
	fclose(m);
	/* the header line is already in the journal */
	if (rc == 0 && fputs(strchr(buf, '\n') + 1, f) == EOF)
		rc = -EIO;
	if (rc == 0 && (fflush(f) || fdatasync(fileno(f)) < 0))
		rc = -errno ? -errno : -EIO;
	free(buf);
	return rc;
}
