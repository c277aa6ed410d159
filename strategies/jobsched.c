/* jobsched.c - see jobsched.h. */
#include <errno.h>
#include <stdlib.h>

#include "jobsched.h"

int sched_init(struct job_sched *s, struct job **jobs, size_t njobs,
	       unsigned max_inflight)
{
	*s = (struct job_sched){ .jobs = jobs, .njobs = njobs,
				 .max_inflight = max_inflight };
	/* every active job but the newest has an op in flight */
	s->active = calloc((size_t)max_inflight + 1, sizeof(*s->active));
	return s->active ? 0 : -ENOMEM;
}

void sched_free(struct job_sched *s)
{
	free(s->active);
	s->active = NULL;
}

struct op *sched_next(struct job_sched *s)
{
	while (s->inflight < s->max_inflight) {
		struct job *job;
		struct op *op;

		if (s->cursor == s->nactive) {
			/* every active job waits: start the next one, if any */
			if (s->next_job == s->njobs || s->nactive > s->max_inflight)
				return NULL;
			s->active[s->nactive++] = s->jobs[s->next_job++];
		}
		job = s->active[s->cursor];
		switch (job_next(job, &op)) {
		case JOB_OP:
			s->inflight++;
			return op;
		case JOB_WAIT:
			s->cursor++;
			break;
		case JOB_DONE:
			/* keep the order: older jobs first, so files finish in turn */
			for (size_t i = s->cursor; i + 1 < s->nactive; i++)
				s->active[i] = s->active[i + 1];
			s->nactive--;
			s->ndone++;
			break;
		}
	}
	return NULL;
}

void sched_complete(struct job_sched *s, struct op *op)
{
	s->inflight--;
	job_complete(op->job, op);
	/* the completion may let any active job issue again */
	s->cursor = 0;
}
