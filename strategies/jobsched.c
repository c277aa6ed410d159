/* jobsched.c - see jobsched.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jobsched.h"

int sched_init(struct job_sched *s, struct job **jobs, size_t njobs,
	       unsigned max_inflight)
{
	*s = (struct job_sched){ .jobs = jobs, .njobs = njobs,
				 .max_inflight = max_inflight };
	/*
	 * every active job but the newest has an op in flight or parked: at
	 * most max_inflight + 1 + the jobs there are
	 */
	s->active_cap = (size_t)max_inflight + 1 + njobs;
	s->active = calloc(s->active_cap, sizeof(*s->active));
	s->waits = calloc(s->active_cap, 1);
	if (!s->active || !s->waits) {
		sched_free(s);
		return -ENOMEM;
	}
	return 0;
}

int sched_init_shared(struct job_sched *s, struct job **jobs, size_t njobs,
		      unsigned max_inflight, size_t *next, unsigned loops)
{
	int rc = sched_init(s, jobs, njobs, max_inflight);

	s->shared = next;
	s->max_active = loops > 1 ? (njobs + loops - 1) / loops : njobs;
	return rc;
}

/* The next job to start, or NULL when there is none left (for us). */
static struct job *take_job(struct job_sched *s)
{
	size_t j;

	if (!s->shared)
		return s->next_job < s->njobs ? s->jobs[s->next_job++] : NULL;
	if (s->exhausted || s->nactive >= s->max_active)
		return NULL;
	j = __atomic_fetch_add(s->shared, 1, __ATOMIC_RELAXED);
	if (j < s->njobs)
		return s->jobs[j];
	s->exhausted = true;
	return NULL;
}

void sched_free(struct job_sched *s)
{
	free(s->active);
	free(s->waits);
	s->active = NULL;
	s->waits = NULL;
}

struct op *sched_next(struct job_sched *s)
{
	while (s->inflight < s->max_inflight) {
		struct job *job;
		struct op *op;
		unsigned char *w;

		/* past the jobs known to wait */
		if (s->cursor < s->nactive && s->waits[s->cursor]) {
			w = memchr(s->waits + s->cursor, 0, s->nactive - s->cursor);
			s->cursor = w ? (size_t)(w - s->waits) : s->nactive;
		}
		if (s->cursor == s->nactive) {
			/* every active job waits: start the next one, if any */
			if (s->nactive > (size_t)s->max_inflight + s->parked ||
			    s->nactive >= s->active_cap || !(job = take_job(s)))
				return NULL;
			job->sched_slot = s->nactive;
			s->waits[s->nactive] = 0;
			s->active[s->nactive++] = job;
		}
		job = s->active[s->cursor];
		switch (job_next(job, &op)) {
		case JOB_OP:
			s->inflight++;
			return op;
		case JOB_WAIT:
			s->waits[s->cursor++] = 1;
			break;
		case JOB_DONE:
			/* keep the order: older jobs first, so files finish in turn */
			for (size_t i = s->cursor; i + 1 < s->nactive; i++) {
				s->active[i] = s->active[i + 1];
				s->waits[i] = s->waits[i + 1];
				s->active[i]->sched_slot = i;
			}
			s->nactive--;
			s->ndone++;
			if (s->on_done)
				s->on_done(s->on_done_arg, job);
			break;
		}
	}
	return NULL;
}

void sched_park(struct job_sched *s)
{
	s->inflight--;
	s->parked++;
}

void sched_unpark(struct job_sched *s)
{
	s->parked--;
	s->inflight++;
}

void sched_complete(struct job_sched *s, struct op *op)
{
	struct job *job = op->job;

	s->inflight--;
	job_complete(job, op);
	/* it may issue again; the jobs before it that wait still wait */
	s->waits[job->sched_slot] = 0;
	if (job->sched_slot < s->cursor)
		s->cursor = job->sched_slot;
}
