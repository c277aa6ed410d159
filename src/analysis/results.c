/* results.c - a run's trials, their CSV and the journal. */
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
	"svc_max_us,rank,ranks,node,straggler,start_skew_us,failed_requests,"
	"server_late_us,server_late_max_us,other_cpu_s,psi_cpu_s,psi_io_s,disturbed,"
	"foreign_conns,idle_cpu_s";

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
		struct trial_hists **nh = nr ? realloc(r->hists, cap * sizeof(*nh)) : NULL;

		if (!nr || !nh)
			die(1, "out of memory");
		r->recs = nr;
		r->hists = nh;
		r->cap = cap;
	}
	r->hists[r->n] = NULL;
	r->recs[r->n++] = *rec;
}

void results_set_hists(struct results *r, size_t i, const struct lat_set *lat)
{
	struct trial_hists *h;
	bool any = false;

	if (!lat || i >= r->n || r->hists[i])
		return;
	for (int t = 0; t < OP_NTYPES; t++)
		any |= lat->h[t].n || lat->svc[t].n;
	if (!any)
		return;
	h = xcalloc(1, sizeof(*h));
	for (int t = 0; t < OP_NTYPES; t++) {
		lat_sparse_from(&lat->h[t], &h->resp[t]);
		lat_sparse_from(&lat->svc[t], &h->svc[t]);
	}
	r->hists[i] = h;
}

void results_free(struct results *r)
{
	for (size_t i = 0; i < r->n; i++) {
		if (!r->hists[i])
			continue;
		for (int t = 0; t < OP_NTYPES; t++) {
			lat_sparse_free(&r->hists[i]->resp[t]);
			lat_sparse_free(&r->hists[i]->svc[t]);
		}
		free(r->hists[i]);
	}
	free(r->hists);
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

/* The MPI columns: rank (or "all" for the aggregate), ranks, node, straggler, skew. */
static void csv_ranks(FILE *f, const struct trial_rec *t)
{
	if (t->rank < 0)
		fprintf(f, ",all,%u,", t->ranks);
	else
		fprintf(f, ",%d,%u,", t->rank, t->ranks ? t->ranks : 1);
	csv_field(f, t->node);
	csv_dbl(f, t->straggler >= 0, 3, t->straggler);
	csv_dbl(f, t->start_skew_s >= 0, 1, t->start_skew_s * 1e6);
	fprintf(f, ",%" PRIu64, t->failed_requests);
	csv_dbl(f, t->server_late_us >= 0, 1, t->server_late_us);
	csv_dbl(f, t->server_late_max_us >= 0, 1, t->server_late_max_us);
}

int results_write_csv(FILE *f, const struct results *r, const bool *outlier, const char *run_id)
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
		/* outliers are the summary's finding: unknown until it exists */
		fprintf(f, ",%d,%s,", t->warmup, !outlier ? "n/a" : outlier[i] ? "1" : "0");
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
		csv_ranks(f, t);
		csv_dbl(f, t->other_cpu_s >= 0, 3, t->other_cpu_s);
		csv_dbl(f, t->psi_cpu_s >= 0, 3, t->psi_cpu_s);
		csv_dbl(f, t->psi_io_s >= 0, 3, t->psi_io_s);
		fprintf(f, ",%d,%" PRIu64, t->disturbed, t->foreign_conns);
		csv_dbl(f, t->idle_cpu_s >= 0, 3, t->idle_cpu_s);
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
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

/* One trial's CSV line, without the header. */
struct one_line {
	const struct trial_rec *rec;
	const char *run_id;
};

static int emit_line(FILE *f, const void *arg)
{
	const struct one_line *l = arg;
	struct results one = { .recs = (struct trial_rec *)l->rec, .n = 1, .cap = 1 };

	return results_write_csv(f, &one, NULL, l->run_id);
}

int results_journal_add(FILE *f, const struct trial_rec *rec, const char *run_id)
{
	struct one_line l = { rec, run_id };
	char *buf;
	size_t len;
	int rc = render_mem(emit_line, &l, &buf, &len);

	/* the header line is already in the journal */
	if (rc == 0 && fputs(strchr(buf, '\n') + 1, f) == EOF)
		rc = -EIO;
	if (rc == 0 && (fflush(f) || fdatasync(fileno(f)) < 0))
		rc = -errno ? -errno : -EIO;
	free(buf);
	return rc;
}
