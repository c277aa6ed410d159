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
#include "trial_cols.h"
#include "util.h"

/* Made once from the column table (trial_cols.h). */
const char *results_csv_header(void)
{
	static char buf[2048];

	if (!buf[0])
		for (size_t i = 0, off = 0; i < n_trial_cols; i++)
			if (trial_cols[i].csv)
				off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
							off ? "," : "", trial_cols[i].csv);
	return buf;
}

/* A measured count, or "n/a": never a 0 that looks measured. */
static void csv_u64(FILE *f, bool ok, uint64_t v)
{
	if (ok)
		fprintf(f, "%" PRIu64, v);
	else
		fputs("n/a", f);
}

static void csv_dbl(FILE *f, bool ok, int decimals, double v)
{
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

/* A percentile of @l by the column's arg: p50, p99, p999, max. */
static double pct(const struct lat_pct *l, int which)
{
	return which == 0 ? l->p50_us : which == 1 ? l->p99_us : which == 2 ? l->p999_us
									       : l->max_us;
}

/* One column the table marks special (TC_SPECIAL). */
static void csv_special(FILE *f, const struct trial_col *c, const struct trial_rec *t,
			const char *run_id, int outlier)
{
	const struct lat_pct *sv = &t->svc[t->main_op];

	switch (c->sp) {
	case TS_RUN_ID: fputs(run_id, f); return;
	case TS_CACHE: fputs(cache_names[t->cache], f); return;
	/* outliers are the summary's finding: unknown until it exists */
	case TS_OUTLIER: fputs(outlier < 0 ? "n/a" : outlier ? "1" : "0", f); return;
	case TS_RESIDENT:
		if (t->resident_pct >= 0)
			fprintf(f, "%.1f", t->resident_pct);
		return;
	case TS_MAIN_OP: fputs(op_name(t->main_op), f); return;
	case TS_LAT: csv_dbl(f, t->latency_on, c->dec, pct(&t->lat[t->main_op], c->arg)); return;
	case TS_SVC: csv_dbl(f, t->latency_on && sv->n, c->dec, pct(sv, c->arg)); return;
	case TS_CPU: fprintf(f, "%.6f", t->user_s + t->sys_s); return;
	case TS_HW:
		csv_u64(f, t->hw[c->arg] >= 0 && !t->hw_why[0], (uint64_t)t->hw[c->arg]);
		return;
	case TS_RANK:
		if (t->rank < 0)
			fputs("all", f);
		else
			fprintf(f, "%d", t->rank);
		return;
	case TS_RANKS: fprintf(f, "%u", t->ranks ? t->ranks : 1); return;
	case TS_SKEW: csv_dbl(f, t->start_skew_s >= 0, c->dec, t->start_skew_s * 1e6); return;
	case TS_CPUS:
	case TS_NONE:
		return;
	}
}

/* One column of @t; "n/a" when its rule says it was not measured. */
static void csv_col(FILE *f, const struct trial_col *c, const struct trial_rec *t,
		    const char *run_id, int outlier)
{
	bool na = trial_col_na(c, t);

	switch (c->type) {
	case TC_SPECIAL:
		csv_special(f, c, t, run_id, outlier);
		return;
	case TC_PSTR:
		csv_field(f, *(const char *const *)((const char *)t + c->off));
		return;
	case TC_ASTR:
		csv_field(f, (const char *)t + c->off);
		return;
	case TC_DBL:
		csv_dbl(f, !na, c->dec, trial_col_dbl(c, t));
		return;
	default:
		if (na)
			fputs("n/a", f);
		else
			fprintf(f, "%" PRId64, trial_col_int(c, t));
		return;
	}
}

int results_write_csv(FILE *f, const struct results *r, const bool *outlier, const char *run_id)
{
	fprintf(f, "%s\n", results_csv_header());
	for (size_t i = 0; i < r->n; i++) {
		bool first = true;

		for (size_t k = 0; k < n_trial_cols; k++) {
			if (!trial_cols[k].csv)
				continue;
			if (!first)
				fputc(',', f);
			first = false;
			csv_col(f, &trial_cols[k], &r->recs[i], run_id,
				!outlier ? -1 : outlier[i]);
		}
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
	fprintf(*out, "%s\n", results_csv_header());
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
