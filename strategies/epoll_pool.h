/* epoll_pool.h - the epoll strategy's thread pool (epoll_pool.c). */
#ifndef IOBENCH_EPOLL_POOL_H
#define IOBENCH_EPOLL_POOL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "strategy.h"

/* A ring of op pointers; never holds more than the in-flight limit. */
struct opq {
	struct op **v;
	size_t head, len, cap;
};

struct pool {
	pthread_mutex_t lock;	/* protects todo, stop, running */
	pthread_cond_t cond;
	pthread_cond_t up;	/* a pool thread is running */
	unsigned running;
	struct opq todo;
	bool stop;
	pthread_mutex_t done_lock;	/* protects done */
	struct opq done;
	int efd;
	pthread_t *tids;
	unsigned nthreads;
	struct pin_map *pin;	/* --pin: where the threads were bound; NULL: not bound */
	struct conc_counts *conc;	/* where the threads are counted (conc.h) */
	unsigned started;	/* for --pin: the loop has core 0 (atomic) */
};

/*
 * Starts @n threads (bound to cores 1.. with @pin, noted there), counted
 * in @conc, and waits until all run.  0 or -errno (@msg).
 */
int pool_start(struct pool *p, unsigned n, struct pin_map *pin, struct conc_counts *conc,
	       char *msg, size_t len);
/* Queues @op for a pool thread. */
void pool_submit(struct pool *p, struct op *op);
/* Up to @max finished ops into @batch; how many. */
size_t pool_take_done(struct pool *p, struct op **batch, size_t max);
/* Lets the threads finish what is queued, then joins them. */
void pool_stop(struct pool *p);
void pool_destroy(struct pool *p);

#endif
