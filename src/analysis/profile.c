/* profile.c - the time breakdown, as a table and as sentences. */
#include <stdio.h>
#include <string.h>

#include "profile.h"
#include "util.h"

void profile_sentence(const char *st, double user, double sys, double runq,
		      double blkio, double ring, double other, char *out, size_t len)
{
	double total = user + sys + runq + blkio + ring + other;
	const char *what[5] = { "on a CPU", "waiting for a CPU", "waiting for block I/O",
				"waiting for io_uring completions", "on locks, queues or sleep" };
	double v[5] = { user + sys, runq, blkio, ring, other };
	size_t off;

	out[0] = '\0';
	if (!(total > 0) || !(runq + blkio + ring + other > 0))
		return;
	off = (size_t)snprintf(out, len, "%s:", st);
	for (int i = 0, first = 1; i < 5 && off < len; i++) {
		double pct = 100 * v[i] / total;

		if (pct < 5)
			continue;
		off += (size_t)snprintf(out + off, len - off, "%s %.0f%% %s", first ? "" : ",",
					pct, what[i]);
		first = 0;
	}
}

/* One trial's line of the table; false when its hardware counters were n/a. */
static bool profile_line(FILE *f, const struct trial_rec *t)
{
	double total = t->user_s + t->sys_s + t->runq_wait_s + t->blkio_wait_s + t->ring_wait_s +
		       t->other_s;
	char enters[32] = "-", ipc[32] = "n/a";
	bool hw = t->hw[0] > 0 && t->hw[1] >= 0 && !t->hw_why[0];

	if (t->io_uring_enters)
		snprintf(enters, sizeof(enters), "%.1f op/e", (double)t->ops / (double)t->io_uring_enters);
	if (hw)
		snprintf(ipc, sizeof(ipc), "%.2f", (double)t->hw[1] / (double)t->hw[0]);
	fprintf(f, "%-6s %-9s %8.4f", t->workload, t->strategy, t->wall_s);
	if (t->delay_ok && total > 0)
		fprintf(f, " %6.1f %6.1f %6.1f %6.1f %6.1f %6.1f", 100 * t->user_s / total,
			100 * t->sys_s / total, 100 * t->runq_wait_s / total,
			100 * t->blkio_wait_s / total, 100 * t->ring_wait_s / total,
			100 * t->other_s / total);
	else
		fprintf(f, " %6s %6s %6s %6s %6s %6s", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a");
	fprintf(f, " %7u %5u", t->threads_max, t->procs);
	if (t->latency_on)
		fprintf(f, " %4.1f/%-4lld", t->inflight_avg, (long long)t->inflight_max);
	else
		fprintf(f, " %9s", "n/a");
	fprintf(f, " %9s %9s%s\n", enters, ipc, t->valid ? "" : "  (trial failed)");
	return hw;
}

void profile_print(FILE *f, const struct results *r, const struct run_meta *m)
{
	bool hw_na = false;

	fprintf(f, "\n%-6s %-9s %8s %6s %6s %6s %6s %6s %6s %7s %5s %9s %9s %9s\n", "work",
		"strategy", "wall_s", "user%", "sys%", "runq%", "blkio%", "ring%", "other%",
		"threads", "procs", "inflight", "enters", "IPC");
	for (size_t i = 0; i < r->n; i++)
		if (!r->recs[i].warmup && r->recs[i].trial != 0)
			hw_na |= !profile_line(f, &r->recs[i]);
	fputs("\nshares of the task time summed over every thread and process of the trial;\n"
	      "blkio: the kernel's I/O wait of blocking syscalls and io_uring's kernel workers;\n"
	      "ring: io_uring's loop asleep in io_uring_enter, whatever the ring waits for;\n"
	      "threads, procs: our own, counted as they start (io_uring's kernel workers\n"
	      "are the io_workers column); inflight: average/maximum ops in flight;\n"
	      "enters: ops per io_uring_enter\n", f);
	for (size_t i = 0; i < r->n; i++) {
		const struct trial_rec *t = &r->recs[i];

		/* counted in warmups only: the count slows io-wq (trial.h) */
		if (t->warmup && t->io_uring_sqes > 0 && t->io_uring_iowq >= 0)
			fprintf(f, "%s %s: io-wq's kernel workers ran %.0f%% of the %lld SQEs "
				"(warmup %u; %d workers)\n", t->workload, t->strategy,
				100.0 * (double)t->io_uring_iowq / (double)t->io_uring_sqes,
				(long long)t->io_uring_sqes, t->trial, t->io_workers);
	}
	if (strcmp(m->delay_acct, "on"))
		fprintf(f, "time breakdown %s\n", m->delay_acct);
	for (size_t i = 0; hw_na && i < r->n; i++)
		if (r->recs[i].hw_why[0]) {
			fprintf(f, "hardware counters %s\n", r->recs[i].hw_why);
			break;
		}
	for (size_t i = 0; i < r->n; i++) {
		const struct trial_rec *t = &r->recs[i];
		char s[256];

		if (t->warmup || t->trial != 1 || !t->delay_ok)
			continue;
		profile_sentence(t->strategy, t->user_s, t->sys_s, t->runq_wait_s,
				 t->blkio_wait_s, t->ring_wait_s, t->other_s, s, sizeof(s));
		if (s[0])
			fprintf(f, "  %s %s\n", t->workload, s);
	}
}
