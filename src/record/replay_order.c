/* replay_order.c - the order between recorded threads (replay_order.h). */
#include <errno.h>
#include <stdlib.h>

#include "replay_order.h"

/* Jobs by their last op: @last is indexed by job. */
static int by_last_cmp(const void *a, const void *b, void *last)
{
	const uint64_t *l = last;
	uint64_t x = l[*(const uint32_t *)a], y = l[*(const uint32_t *)b];

	return x < y ? -1 : x > y;
}

int replay_order_build(struct rp_order *o, const struct rp_plan *p)
{
	size_t n = p->njobs;
	uint64_t *first = calloc(n + 1, sizeof(*first)), *last = calloc(n + 1, sizeof(*last));
	int rc = 0;

	o->njobs = n;
	o->need = calloc(n + 1, sizeof(*o->need));
	o->by_last = calloc(n + 1, sizeof(*o->by_last));
	o->rank = calloc(n + 1, sizeof(*o->rank));
	if (!first || !last || !o->need || !o->by_last || !o->rank) {
		replay_order_free(o);
		rc = -ENOMEM;
		goto out;
	}
	/* a job's ops are in trace order; one without any ends as it starts */
	for (size_t j = 0; j < n; j++) {
		const struct rp_job *job = &p->jobs[j];

		first[j] = job->nops ? job->ops[0] : 0;
		last[j] = job->nops ? job->ops[job->nops - 1] : 0;
		o->by_last[j] = (uint32_t)j;
	}
	qsort_r(o->by_last, n, sizeof(*o->by_last), by_last_cmp, last);
	for (size_t k = 0; k < n; k++)
		o->rank[o->by_last[k]] = (uint32_t)k;
	/* need[j]: the jobs whose last op came before j's first (a binary search) */
	for (size_t j = 0; j < n; j++) {
		size_t lo = 0, hi = n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (last[o->by_last[mid]] < first[j])
				lo = mid + 1;
			else
				hi = mid;
		}
		o->need[j] = p->jobs[j].nops ? lo : 0;
	}
out:
	free(first);
	free(last);
	return rc;
}

void replay_order_free(struct rp_order *o)
{
	free(o->need);
	free(o->by_last);
	free(o->rank);
	o->need = NULL;
	o->by_last = o->rank = NULL;
}

struct rp_gate *replay_gate_new(const struct rp_order *o, size_t nfiles, size_t refs)
{
	struct rp_gate *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->ended = calloc(o->njobs + 1, sizeof(*g->ended));
	g->fdone = calloc(nfiles + 1, sizeof(*g->fdone));
	g->ffd = malloc((nfiles + 1) * sizeof(*g->ffd));
	if (!g->ended || !g->fdone || !g->ffd) {
		free(g->ended);
		free(g->fdone);
		free(g->ffd);
		free(g);
		return NULL;
	}
	for (size_t i = 0; i <= nfiles; i++)
		g->ffd[i] = -1;
	pthread_mutex_init(&g->m, NULL);
	pthread_cond_init(&g->c, NULL);
	g->o = o;
	g->refs = refs;
	return g;
}

void replay_gate_wait(struct rp_gate *g, size_t job)
{
	pthread_mutex_lock(&g->m);
	while (g->prefix < g->o->need[job] && !g->broken)
		pthread_cond_wait(&g->c, &g->m);
	pthread_mutex_unlock(&g->m);
}

void replay_gate_end(struct rp_gate *g, size_t job)
{
	pthread_mutex_lock(&g->m);
	g->ended[g->o->rank[job]] = true;
	while (g->prefix < g->o->njobs && g->ended[g->prefix])
		g->prefix++;
	pthread_cond_broadcast(&g->c);
	pthread_mutex_unlock(&g->m);
}

int replay_gate_turn(struct rp_gate *g, uint32_t file, uint64_t seq)
{
	int fd;

	pthread_mutex_lock(&g->m);
	while (g->fdone[file] < seq && !g->broken)
		pthread_cond_wait(&g->c, &g->m);
	fd = g->ffd[file];
	pthread_mutex_unlock(&g->m);
	return fd;
}

void replay_gate_next(struct rp_gate *g, uint32_t file, int fd)
{
	pthread_mutex_lock(&g->m);
	g->ffd[file] = fd;
	g->fdone[file]++;
	pthread_cond_broadcast(&g->c);
	pthread_mutex_unlock(&g->m);
}

void replay_gate_break(struct rp_gate *g)
{
	pthread_mutex_lock(&g->m);
	g->broken = true;
	pthread_cond_broadcast(&g->c);
	pthread_mutex_unlock(&g->m);
}

void replay_gate_put(struct rp_gate *g)
{
	bool last;

	pthread_mutex_lock(&g->m);
	last = --g->refs == 0;
	pthread_mutex_unlock(&g->m);
	if (!last)
		return;
	pthread_mutex_destroy(&g->m);
	pthread_cond_destroy(&g->c);
	free(g->ended);
	free(g->fdone);
	free(g->ffd);
	free(g);
}
