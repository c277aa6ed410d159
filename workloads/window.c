/* window.c - see window.h. */
#include <errno.h>
#include <stdlib.h>

#include "iobuf.h"
#include "util.h"
#include "window.h"

int win_init(struct window *w, unsigned cap, size_t buf_size)
{
	*w = (struct window){ .cap = cap, .buf_size = buf_size };
	w->ops = calloc(cap, sizeof(*w->ops));
	w->done = calloc(cap, sizeof(*w->done));
	w->free_bufs = calloc(cap, sizeof(*w->free_bufs));
	if (!w->ops || !w->done || !w->free_bufs) {
		win_free(w);
		return -ENOMEM;
	}
	return 0;
}

void win_free(struct window *w)
{
	/* buffers of ops still in the ring were not returned: free them too */
	for (uint64_t s = w->head; s < w->tail; s++)
		iobuf_free(w->ops[s % w->cap].buf, w->buf_size);
	for (unsigned i = 0; i < w->nfree; i++)
		iobuf_free(w->free_bufs[i], w->buf_size);
	free(w->ops);
	free(w->done);
	free(w->free_bufs);
	*w = (struct window){ 0 };
}

struct op *win_push(struct window *w)
{
	unsigned slot = (unsigned)(w->tail % w->cap);
	struct op *op = &w->ops[slot];
	void *buf;

	if (w->nfree) {
		buf = w->free_bufs[--w->nfree];
	} else {
		buf = iobuf_alloc(w->buf_size);
		if (!buf)
			return NULL;
	}
	*op = (struct op){ .buf = buf, .slot = slot };
	w->done[slot] = false;
	w->tail++;
	w->inflight++;
	return op;
}

void win_done(struct window *w, struct op *op)
{
	w->done[op->slot] = true;
	w->inflight--;
}

struct op *win_peek(struct window *w)
{
	unsigned slot = (unsigned)(w->head % w->cap);

	if (win_empty(w) || !w->done[slot])
		return NULL;
	return &w->ops[slot];
}

void win_pop(struct window *w)
{
	struct op *op = &w->ops[w->head % w->cap];

	w->free_bufs[w->nfree++] = op->buf;
	op->buf = NULL;
	w->head++;
}
