/* window.h - a job's ordered window of reads in flight.
 *
 * Reads may complete in any order (io_uring, a thread pool), but MD5 and
 * the row sums must consume them in file order.  The window hands out op
 * slots in order, marks them done as they complete, and gives them back
 * in order.  Buffers come from a small free list, so a job run one op at
 * a time (serial) only ever allocates one, and one run with a deep window
 * allocates as many as it really keeps in flight.
 */
#ifndef IOBENCH_WINDOW_H
#define IOBENCH_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "op.h"

/* Buffers are aligned for O_DIRECT on any device we meet. */
#define WIN_ALIGN 4096

struct window {
	struct op *ops;
	bool *done;
	void **free_bufs;
	unsigned cap, nfree, inflight;
	uint64_t head, tail;	/* consumed < head <= issued < tail */
	size_t buf_size;
};

/* 0 or -ENOMEM. */
int win_init(struct window *w, unsigned cap, size_t buf_size);
void win_free(struct window *w);

static inline bool win_full(const struct window *w)
{
	return w->tail - w->head >= w->cap;
}

static inline bool win_empty(const struct window *w)
{
	return w->tail == w->head;
}

/*
 * The next slot, with op->buf set to a free buffer, or NULL when no buffer
 * could be allocated.  The caller fills in the rest of the op.
 */
struct op *win_push(struct window *w);

/* Marks a pushed op as completed. */
void win_done(struct window *w, struct op *op);

/* The oldest completed op still unconsumed, if it is next in order. */
struct op *win_peek(struct window *w);

/* Consumes the op win_peek() returned, recycling its buffer. */
void win_pop(struct window *w);

#endif
