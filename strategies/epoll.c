/* epoll.c - one event loop, blocking ops on a thread pool (libuv, asyncio).
 *
 * The loop thread (the caller) owns every job: it asks them for ops, and
 * runs all their compute (MD5 updates, CSV formatting, row sums) when the
 * ops complete.  Blocking syscalls run on --workers pool threads, at most
 * --workers ops in flight.  A finished op goes onto a mutex-protected done
 * queue and wakes the loop through an eventfd that epoll_wait watches,
 * which is how libuv's threadpool (uv__work_done) and asyncio's
 * run_in_executor hand results back.  The single compute thread is part of
 * the model: where compute dominates, this strategy cannot beat serial by
 * much, and users must see that.
 *
 * Ops on connections (net) are libuv's other half: the loop does them
 * itself on non-blocking sockets, and one that would block is parked on
 * epoll until its socket is ready (EPOLLONESHOT), holding no pool thread,
 * so one loop keeps every connection's request in flight at once.
 *
 * Lock order: pool->lock (the todo queue) and pool->done_lock (the done
 * queue) are never held at the same time.  As libuv's uv__threadpool
 * init does, the loop starts only once every pool thread is running, so
 * the first ops never wait for a thread still being created.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conc.h"
#include "epoll_pool.h"
#include "jobsched.h"
#include "pin.h"
#include "pymodel.h"
#include "strategy.h"

/*
 * Parked socket ops in the order they were parked.  Ops of one workload
 * share a timeout, so that is also the order they expire in; an entry
 * whose op completed or was parked again since (park_seq) is stale.
 */
struct parked {
	struct op *op;
	unsigned seq;
	uint64_t due_ns;
};

/* The loop's state: the pool, the epoll set, the scheduler, the parked ops. */
struct ev_loop {
	struct pool *p;
	int ep;
	struct job_sched *s;
	struct parked *q;
	size_t qhead, qlen, qcap;
	unsigned seq;
};

static int park_push(struct ev_loop *l, struct op *op)
{
	if (l->qlen == l->qcap) {
		size_t cap = l->qcap ? 2 * l->qcap : 256;
		struct parked *q = calloc(cap, sizeof(*q));

		if (!q)
			return -ENOMEM;
		for (size_t i = 0; i < l->qlen; i++)
			q[i] = l->q[(l->qhead + i) % l->qcap];
		free(l->q);
		l->q = q;
		l->qhead = 0;
		l->qcap = cap;
	}
	op->park_seq = ++l->seq ? l->seq : ++l->seq;	/* 0 means "not parked" */
	l->q[(l->qhead + l->qlen++) % l->qcap] = (struct parked){
		op, op->park_seq, now_ns() + (uint64_t)op->timeout_ms * 1000000 };
	return 0;
}

/* A connect's next step: 1 when it is over (op->res), 0 when it must wait to be writable. */
static int connect_step(struct op *op)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (op->fd < 0) {	/* first try: a new socket */
		op->fd = op_socket(op, SOCK_NONBLOCK);
		if (op->fd < 0 || connect(op->fd, op->addr, op->addrlen) == 0) {
			op->res = op->fd;
			return 1;
		}
		err = errno == EINPROGRESS ? 0 : errno;
	} else if (getsockopt(op->fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && !err) {
		op->res = op->fd;	/* connected while parked */
		return 1;
	} else if (!err) {
		err = errno;
	}
	if (err) {
		close(op->fd);
		op->res = -err;
		return 1;
	}
	return 0;
}

/* A send's or a recv's bytes, as far as the socket takes them: 1 when it is over. */
static int transfer_step(struct op *op)
{
	while (op->done < op->len) {
		ssize_t n = op->type == OP_RECV
			? recv(op->fd, (char *)op->buf + op->done, op->len - op->done, MSG_DONTWAIT)
			: send(op->fd, (const char *)op->buf + op->done, op->len - op->done,
			       MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n > 0) {
			op->done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		op->res = n == 0 ? (int64_t)op->done : -errno;	/* 0: end of stream */
		return 1;
	}
	if (op->done == op->len) {
		op->res = (int64_t)op->done;
		return 1;
	}
	return 0;
}

/*
 * One try at a socket op on the loop, without blocking.  Returns 1 when
 * it is finished (op->res set), 0 when it waits for its socket: parked on
 * epoll (one-shot) for @events.
 */
static int sock_step(struct ev_loop *l, struct op *op)
{
	struct epoll_event ev = { .data.ptr = op };

	switch (op->type) {
	case OP_CONNECT:
		if (connect_step(op))
			return 1;
		ev.events = EPOLLOUT;
		break;
	case OP_SEND:
	case OP_RECV:
		if (transfer_step(op))
			return 1;
		ev.events = op->type == OP_RECV ? EPOLLIN : EPOLLOUT;
		break;
	default:	/* closing a connection does not block */
		op->res = close(op->fd) < 0 ? -errno : 0;
		return 1;
	}
	ev.events |= EPOLLONESHOT;
	/* the job's earlier ops may have registered its socket already */
	if ((op->timeout_ms && park_push(l, op) < 0) ||
	    (epoll_ctl(l->ep, EPOLL_CTL_MOD, op->fd, &ev) < 0 &&
	     (errno != ENOENT || epoll_ctl(l->ep, EPOLL_CTL_ADD, op->fd, &ev) < 0))) {
		op->res = -errno;
		if (op->type == OP_CONNECT)
			close(op->fd);
		return 1;
	}
	return 0;
}

/* A socket op is finished: stamped and handed back. */
static void sock_done(struct ev_loop *l, struct op *op, bool was_parked)
{
	op->park_seq = 0;
	if (op->job->lat)
		op->t_svc_end_ns = now_ns();
	if (was_parked)
		sched_unpark(l->s);
	sched_complete(l->s, op);
}

/* Starts @op: a socket op on the loop (parked if it must wait), the rest on the pool. */
static void dispatch(struct ev_loop *l, struct op *op)
{
	if (!op_is_socket(op)) {
		py_cost(PY_AIO_TASK);	/* --model python: the await on run_in_executor */
		pool_submit(l->p, op);
		return;
	}
	if (op->type == OP_CONNECT)
		op->fd = -1;
	op->done = 0;
	if (op->job->lat)
		op->t_svc_start_ns = now_ns();
	if (sock_step(l, op))
		sock_done(l, op, false);
	else
		sched_park(l->s);
}

/* Issues every op the jobs can issue now. */
static void issue(struct ev_loop *l)
{
	struct op *op;

	while ((op = sched_next(l->s)) != NULL)
		dispatch(l, op);
}

/*
 * Parked ops past their timeout: taken off epoll and finished with
 * -ETIMEDOUT (a peer that never answers must not hang the trial).
 * Returns the milliseconds to the next one, or -1 when none waits.
 */
static int expire(struct ev_loop *l)
{
	uint64_t now = now_ns();

	while (l->qlen) {
		struct parked *e = &l->q[l->qhead];
		struct op *op = e->op;

		if (op->park_seq == e->seq && e->due_ns > now)
			return (int)((e->due_ns - now + 999999) / 1000000);
		l->qhead = (l->qhead + 1) % l->qcap;
		l->qlen--;
		if (op->park_seq != e->seq)
			continue;	/* completed, or parked again since */
		epoll_ctl(l->ep, EPOLL_CTL_DEL, op->fd, NULL);
		if (op->type == OP_CONNECT)
			close(op->fd);
		op->res = -ETIMEDOUT;
		sock_done(l, op, true);
		issue(l);
		now = now_ns();
	}
	return -1;
}

/* Completes everything on the pool's done queue. */
static void drain_done(struct ev_loop *l)
{
	struct pool *p = l->p;
	struct op *batch[64];

	for (;;) {
		size_t k = 0;

		/* take a batch under the lock, complete it outside the lock */
		k = pool_take_done(p, batch, 64);
		if (k == 0)
			return;
		/*
		 * As libuv does: a callback that starts the job's next read
		 * queues it at once, so the pool works while the loop computes.
		 */
		for (size_t i = 0; i < k; i++) {
			sched_complete(l->s, batch[i]);
			issue(l);
		}
	}
}

/* Waits for the pool's eventfd or a parked socket, then completes what is ready. */
static int loop_reap(struct ev_loop *l, char *msg, size_t len)
{
	struct epoll_event evs[64];
	uint64_t count;
	int n;

	py_release();	/* asyncio's selector waits without the lock */
	do
		n = epoll_wait(l->ep, evs, 64, expire(l));
	while (n < 0 && errno == EINTR);
	py_reacquire();
	if (n < 0) {
		snprintf(msg, len, "epoll: epoll_wait: %s", strerror(errno));
		return -errno;
	}
	for (int i = 0; i < n; i++) {
		struct op *op = evs[i].data.ptr;

		if (op) {	/* a parked socket op: try again */
			if (!sock_step(l, op))
				continue;
			sock_done(l, op, true);
			issue(l);
			continue;
		}
		if (read(l->p->efd, &count, sizeof(count)) < 0 && errno != EAGAIN) {
			snprintf(msg, len, "epoll: eventfd read: %s", strerror(errno));
			return -errno;
		}
		drain_done(l);
	}
	expire(l);
	return 0;
}

static int epoll_run(struct strat_ctx *ctx)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };	/* NULL: the pool */
	struct job_sched s;
	struct pool p;
	struct ev_loop l = { .p = &p, .ep = -1, .s = &s };
	int rc;

	rc = sched_init(&s, ctx->jobs, ctx->njobs, ctx->workers);
	if (rc < 0) {
		snprintf(ctx->msg, sizeof(ctx->msg), "epoll: out of memory");
		return rc;
	}
	rc = pool_start(&p, ctx->workers, ctx->pin, ctx->conc, ctx->msg, sizeof(ctx->msg));
	if (rc < 0)
		goto out_pool;
	l.ep = epoll_create1(EPOLL_CLOEXEC);
	if (l.ep < 0 || epoll_ctl(l.ep, EPOLL_CTL_ADD, p.efd, &ev) < 0) {
		rc = -errno;
		snprintf(ctx->msg, sizeof(ctx->msg), "epoll: %s: %s",
			 l.ep < 0 ? "epoll_create1" : "epoll_ctl", strerror(errno));
		goto out_pool;
	}
	py_enter();	/* --model python: the asyncio loop's thread runs the compute */
	py_cost(PY_AIO_START);
	for (;;) {
		issue(&l);
		if (sched_done(&s))
			break;
		if (sched_stalled(&s)) {
			rc = -EPROTO;
			snprintf(ctx->msg, sizeof(ctx->msg),
				 "epoll: jobs wait with no op in flight (workload bug)");
			break;
		}
		rc = loop_reap(&l, ctx->msg, sizeof(ctx->msg));
		if (rc < 0)
			break;
	}
out_pool:
	py_exit();	/* the pool's threads may need the lock to finish */
	/* ops still queued run to their end before the buffers go away */
	pool_stop(&p);
	if (l.ep >= 0)
		close(l.ep);
	free(l.q);
	pool_destroy(&p);
	sched_free(&s);
	return rc;
}

const struct strategy strategy_epoll = {
	.name = "epoll",
	.desc = "event loop (epoll + eventfd) running all compute, blocking ops on a pool of --workers threads",
	.one_loop_thread = true,
	.uses_workers = true,
	.run = epoll_run,
};
