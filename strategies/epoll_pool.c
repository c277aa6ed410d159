/*
 * epoll_pool.c - the epoll strategy's thread pool: blocking ops run on
 * --workers threads, finished ones go onto a done queue and wake the loop
 * through an eventfd (libuv's uv__work_done, asyncio's run_in_executor).
 * epoll.c is the loop.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "conc.h"
#include "epoll_pool.h"
#include "pin.h"
#include "pymodel.h"


static void opq_push(struct opq *q, struct op *op)
{
	q->v[(q->head + q->len++) % q->cap] = op;
}

static struct op *opq_pop(struct opq *q)
{
	struct op *op = q->v[q->head];

	q->head = (q->head + 1) % q->cap;
	q->len--;
	return op;
}

static void *pool_worker(void *arg)
{
	struct pool *p = arg;
	uint64_t one = 1;

	conc_thread_start(p->conc);
	if (p->pin)
		pin_self(p->pin, "pool", 1 + __atomic_fetch_add(&p->started, 1, __ATOMIC_RELAXED));
	pthread_mutex_lock(&p->lock);
	p->running++;
	pthread_cond_signal(&p->up);
	pthread_mutex_unlock(&p->lock);
	for (;;) {
		struct op *op;
		bool was_empty;

		pthread_mutex_lock(&p->lock);
		while (!p->stop && p->todo.len == 0)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->todo.len == 0) {	/* stop, and nothing left to do */
			pthread_mutex_unlock(&p->lock);
			conc_thread_end(p->conc);
			return NULL;
		}
		op = opq_pop(&p->todo);
		pthread_mutex_unlock(&p->lock);

		op_exec(op);
		/*
		 * --model python: run_in_executor's thread takes the lock to hand
		 * the result to the loop (the future's set_result): it waits while
		 * the loop thread computes, up to a switch interval.
		 */
		py_enter();
		py_exit();

		pthread_mutex_lock(&p->done_lock);
		was_empty = p->done.len == 0;
		opq_push(&p->done, op);
		pthread_mutex_unlock(&p->done_lock);
		/*
		 * Wake the loop only when the queue was empty: the loop drains
		 * the whole queue after every wake-up, so later ops ride along
		 * (libuv's uv_async_send coalesces the same way).
		 */
		if (was_empty && write(p->efd, &one, sizeof(one)) < 0)
			abort();	/* eventfd write can only fail on overflow */
	}
}

void pool_submit(struct pool *p, struct op *op)
{
	pthread_mutex_lock(&p->lock);
	opq_push(&p->todo, op);
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* Stops and joins the threads; they finish what was queued first. */
void pool_stop(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->tids[i], NULL);
	p->nthreads = 0;
}

void pool_destroy(struct pool *p)
{
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	pthread_cond_destroy(&p->up);
	pthread_mutex_destroy(&p->done_lock);
	if (p->efd >= 0)
		close(p->efd);
	free(p->todo.v);
	free(p->done.v);
	free(p->tids);
}

int pool_start(struct pool *p, unsigned n, struct pin_map *pin, struct conc_counts *conc,
	       char *msg, size_t len)
{
	int err;

	memset(p, 0, sizeof(*p));
	p->pin = pin;
	p->conc = conc;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	pthread_cond_init(&p->up, NULL);
	pthread_mutex_init(&p->done_lock, NULL);
	p->efd = eventfd(0, EFD_CLOEXEC);
	p->todo = (struct opq){ .v = calloc(n, sizeof(struct op *)), .cap = n };
	p->done = (struct opq){ .v = calloc(n, sizeof(struct op *)), .cap = n };
	p->tids = calloc(n, sizeof(*p->tids));
	if (p->efd < 0) {
		snprintf(msg, len, "epoll: eventfd: %s", strerror(errno));
		return -errno;
	}
	if (!p->todo.v || !p->done.v || !p->tids) {
		snprintf(msg, len, "epoll: out of memory");
		return -ENOMEM;
	}
	for (; p->nthreads < n; p->nthreads++) {
		err = pthread_create(&p->tids[p->nthreads], NULL, pool_worker, p);
		if (err) {
			snprintf(msg, len, "epoll: cannot create pool thread %u of %u: %s",
				 p->nthreads + 1, n, strerror(err));
			return -err;
		}
	}
	pthread_mutex_lock(&p->lock);
	while (p->running < p->nthreads)
		pthread_cond_wait(&p->up, &p->lock);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

size_t pool_take_done(struct pool *p, struct op **batch, size_t max)
{
	size_t k = 0;

	pthread_mutex_lock(&p->done_lock);
	while (k < max && p->done.len)
		batch[k++] = opq_pop(&p->done);
	pthread_mutex_unlock(&p->done_lock);
	return k;
}
