/* net_sink.c - the server process (net_sink.h); net_sink_ctl.c is the harness's side. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net_proto.h"
#include "net_sink.h"
#include "pin.h"
#include "signals.h"
#include "util.h"

/* epoll tags for the three fds that are not connections */
static char tag_listen, tag_ctl;

struct conn {
	int fd;
	bool dead;		/* closed by the peer or for a bad request */
	unsigned pending;	/* answers waiting for their due time: the conn outlives them */
	unsigned char *in;	/* the request being received */
	uint32_t inlen;
	unsigned char *out;	/* answers not yet written */
	size_t outlen, outoff, outcap;
	bool want_out;		/* registered for EPOLLOUT */
	struct conn *grave;	/* dead, waiting to be freed after the current batch */
	bool buried;
};

/*
 * An answer due at @due_ns.  The queue is a binary min-heap on due_ns:
 * with --jitter-us a later request may be due before an earlier
 * one.
 */
struct pending {
	struct conn *c;
	uint32_t id, status;
	uint64_t due_ns;
};

struct sink {
	struct sink_params p;
	int ep, lfd, ctl;
	struct pending *q;
	size_t qlen, qcap;	/* q[0] is due first */
	bool no_pwait2;		/* the kernel has no epoll_pwait2: epoll_wait's milliseconds */
	struct sink_stats st;
	uint64_t conns_now;
	/*
	 * Dead connections are freed only after the epoll batch that killed
	 * them: a later event of the same batch may still name one.
	 */
	struct conn *grave;
};

static struct pending heap_pop(struct sink *k);

static void conn_put(struct sink *k, struct conn *c)
{
	if (!c->dead) {
		c->dead = true;
		close(c->fd);	/* leaves the epoll set with it */
		k->conns_now--;
	}
	if (c->pending || c->buried)
		return;
	c->buried = true;
	c->grave = k->grave;
	k->grave = c;
}

static void bury_all(struct sink *k)
{
	while (k->grave) {
		struct conn *c = k->grave;

		k->grave = c->grave;
		free(c->in);
		free(c->out);
		free(c);
	}
}

/* Writes what the connection owes; registers for EPOLLOUT when the socket is full. */
static void conn_flush(struct sink *k, struct conn *c)
{
	while (!c->dead && c->outoff < c->outlen) {
		ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n > 0) {
			c->outoff += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = c };

			if (!c->want_out && epoll_ctl(k->ep, EPOLL_CTL_MOD, c->fd, &ev) == 0)
				c->want_out = true;
			return;
		}
		conn_put(k, c);		/* the peer is gone */
		return;
	}
	c->outoff = c->outlen = 0;
	if (c->want_out && !c->dead) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

		epoll_ctl(k->ep, EPOLL_CTL_MOD, c->fd, &ev);
		c->want_out = false;
	}
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * Answers request @id, which was due at @due_ns (its arrival plus its
 * service time); how late the answer leaves is the server's own delay.
 */
static void answer(struct sink *k, struct conn *c, uint32_t id, uint32_t status, uint64_t due_ns)
{
	uint32_t n = k->p.msg_size;
	uint64_t now = mono_ns(), late = now > due_ns ? now - due_ns : 0;

	if (c->dead)
		return;
	if (c->outlen - c->outoff >= (size_t)SINK_MAX_UNSENT * n) {
		/* a peer that sends and never reads: not one of the run's jobs */
		k->st.foreign++;
		conn_put(k, c);
		return;
	}
	if (c->outlen + n > c->outcap) {
		size_t cap = (c->outlen + n) * 2;
		unsigned char *o = realloc(c->out, cap);

		if (!o) {
			conn_put(k, c);
			return;
		}
		c->out = o;
		c->outcap = cap;
	}
	net_message(c->out + c->outlen, n, k->p.seed, id, true, status);
	c->outlen += n;
	k->st.bytes_out += n;
	k->st.answers++;
	k->st.late_ns_sum += late;
	if (late > k->st.late_ns_max)
		k->st.late_ns_max = late;
	conn_flush(k, c);
}

/* Answers every request that is due. */
static void answer_due(struct sink *k)
{
	uint64_t now = mono_ns();

	while (k->qlen && k->q[0].due_ns <= now) {
		struct pending pd = heap_pop(k);
		struct conn *c = pd.c;

		answer(k, c, pd.id, pd.status, pd.due_ns);
		c->pending--;
		if (c->dead)
			conn_put(k, c);
	}
}

/*
 * Request @id's service time: --latency-us, plus a seeded offset uniform
 * in [-jitter, +jitter] when --jitter-us is set (the mean stays
 * --latency-us, so Little's law's limit is the same).
 */
static uint64_t service_ns(const struct sink *k, uint32_t id)
{
	uint64_t x = k->p.seed ^ (0x6a697474ULL << 32) ^ id, j;	/* as net_injected does */

	if (!k->p.jitter_us)
		return k->p.latency_us * 1000;
	j = splitmix64(&x) % (2 * k->p.jitter_us * 1000 + 1);
	return k->p.latency_us * 1000 + j - k->p.jitter_us * 1000;
}

static void heap_push(struct sink *k, struct pending pd)
{
	size_t i = k->qlen++;

	while (i && k->q[(i - 1) / 2].due_ns > pd.due_ns) {
		k->q[i] = k->q[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	k->q[i] = pd;
}

static struct pending heap_pop(struct sink *k)
{
	struct pending top = k->q[0], last = k->q[--k->qlen];
	size_t i = 0, ch;

	while ((ch = 2 * i + 1) < k->qlen) {
		if (ch + 1 < k->qlen && k->q[ch + 1].due_ns < k->q[ch].due_ns)
			ch++;
		if (k->q[ch].due_ns >= last.due_ns)
			break;
		k->q[i] = k->q[ch];
		i = ch;
	}
	if (k->qlen)
		k->q[i] = last;
	return top;
}

static int enqueue(struct sink *k, struct conn *c, uint32_t id, uint32_t status, uint64_t arrived)
{
	if (k->qlen == k->qcap) {
		size_t cap = k->qcap ? k->qcap * 2 : 1024;
		struct pending *q = realloc(k->q, cap * sizeof(*q));

		if (!q)
			return -ENOMEM;
		k->q = q;
		k->qcap = cap;
	}
	if (!arrived)
		arrived = mono_ns();
	heap_push(k, (struct pending){ c, id, status, arrived + service_ns(k, id) });
	c->pending++;
	return 0;
}

/* A whole request arrived: counted, then answered now or when its latency is up. */
static void on_request(struct sink *k, struct conn *c, uint64_t arrived)
{
	struct net_hdr h;
	uint32_t status;

	memcpy(&h, c->in, sizeof(h));
	c->inlen = 0;
	if (h.magic != NET_MAGIC_REQ || h.len != k->p.msg_size ||
	    h.status != net_tag(k->p.key, h.id)) {
		/* not the run's: dropped, never answered, and the trial flagged */
		k->st.foreign++;
		conn_put(k, c);
		return;
	}
	status = net_injected(k->p.seed, h.id, k->p.fail_one_in) ? NET_ERR_INJECTED : NET_OK;
	k->st.requests++;
	k->st.injected += status != NET_OK;
	k->st.bytes_in += h.len;
	k->st.req_hash_sum += net_hash(c->in, h.len);
	if (k->p.latency_us == 0 || enqueue(k, c, h.id, status, arrived) < 0)
		answer(k, c, h.id, status, arrived ? arrived : mono_ns());
}

/*
 * When the kernel received the bytes just read, on CLOCK_MONOTONIC, from
 * the SO_TIMESTAMPNS stamp (CLOCK_REALTIME); 0 when there is none.  A
 * request's service time runs from here: the server shares the trial's
 * CPUs, and timed from its own read, a batch of 256 requests read in one
 * go after 256 answers sent in one go kept the connections in step and
 * made every 10 ms answer take 15 ms.
 */
static uint64_t arrival_ns(struct msghdr *mh)
{
	struct timespec rt, mono, ts;
	struct cmsghdr *cm;
	int64_t age;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_TIMESTAMPNS)
			continue;
		memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
		clock_gettime(CLOCK_REALTIME, &rt);
		clock_gettime(CLOCK_MONOTONIC, &mono);
		age = ((int64_t)rt.tv_sec - ts.tv_sec) * 1000000000LL + (rt.tv_nsec - ts.tv_nsec);
		if (age < 0 || age > 10000000000LL)
			return 0;	/* the wall clock was stepped: not to be trusted */
		return (uint64_t)mono.tv_sec * 1000000000ULL + (uint64_t)mono.tv_nsec - (uint64_t)age;
	}
	return 0;
}

/*
 * One recv per readiness: epoll is level-triggered and says again when
 * more is there, so a second recv would mostly only say EAGAIN, and the
 * server's CPU per request is spent on the same CPUs as the client's.
 */
static void on_readable(struct sink *k, struct conn *c)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	do {
		iov.iov_base = c->in + c->inlen;
		iov.iov_len = k->p.msg_size - c->inlen;
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		n = recvmsg(c->fd, &mh, MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n > 0) {
		c->inlen += (uint32_t)n;
		if (c->inlen == k->p.msg_size)
			on_request(k, c, arrival_ns(&mh));
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	conn_put(k, c);		/* closed (0) or reset */
}

static void on_accept(struct sink *k)
{
	for (;;) {
		int fd = accept4(k->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct epoll_event ev = { .events = EPOLLIN };
		struct conn *c;

		if (fd < 0)
			return;		/* EAGAIN: all taken; EMFILE: the client sees a refusal */
		c = calloc(1, sizeof(*c));
		if (c)
			c->in = malloc(k->p.msg_size);
		ev.data.ptr = c;
		if (!c || !c->in || epoll_ctl(k->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			if (c)
				free(c->in);
			free(c);
			close(fd);
			continue;
		}
		c->fd = fd;
		/* the service time runs from the request's arrival, not from our read */
		setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &(int){ 1 }, sizeof(int));
		k->st.conns_total++;
		if (++k->conns_now > k->st.conns_max)
			k->st.conns_max = k->conns_now;
	}
}

/* One command from the harness; false when told to quit (or the harness is gone). */
static bool on_ctl(struct sink *k)
{
	char cmd;
	ssize_t n = read(k->ctl, &cmd, 1);

	if (n <= 0)
		return n < 0 && errno == EINTR;
	switch (cmd) {
	case 'r':
		k->st = (struct sink_stats){ .conns_max = k->conns_now };
		return write(k->ctl, "k", 1) == 1;
	case 's':
		return write(k->ctl, &k->st, sizeof(k->st)) == (ssize_t)sizeof(k->st);
	default:
		return false;
	}
}

/*
 * Waits for events until the first answer is due.  The wait's own timeout,
 * not a timerfd: re-arming a timerfd after every answer was 46% of the
 * server's CPU under 256 threads here (each re-arm reprograms the CPU's
 * timer, a VM exit under KVM), and the server's CPU is taken from the
 * trial's.  epoll_pwait2 has nanoseconds; a kernel without it (before
 * 5.11) gets epoll_wait, its milliseconds rounded up: answers a little
 * late, never early.
 */
static int wait_events(struct sink *k, struct epoll_event *evs, int max)
{
	struct timespec ts, *tp = NULL;
	uint64_t left = 0, now;
	int n;

	if (k->qlen) {
		now = mono_ns();
		left = k->q[0].due_ns > now ? k->q[0].due_ns - now : 0;
		ts.tv_sec = (time_t)(left / 1000000000ULL);
		ts.tv_nsec = (long)(left % 1000000000ULL);
		tp = &ts;
	}
	if (!k->no_pwait2) {
		n = epoll_pwait2(k->ep, evs, max, tp, NULL);
		if (n >= 0 || errno != ENOSYS)
			return n;
		k->no_pwait2 = true;
	}
	return epoll_wait(k->ep, evs, max, tp ? (int)((left + 999999) / 1000000) : -1);
}

static void sink_serve(struct sink *k)
{
	struct epoll_event evs[256];

	for (;;) {
		int n = wait_events(k, evs, 256);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		for (int i = 0; i < n; i++) {
			void *t = evs[i].data.ptr;

			if (t == &tag_listen) {
				on_accept(k);
			} else if (t == &tag_ctl) {
				if (!on_ctl(k))
					return;
			} else {
				struct conn *c = t;

				if (c->dead)
					continue;
				if (evs[i].events & EPOLLOUT)
					conn_flush(k, c);
				if (!c->dead && evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
					on_readable(k, c);
				/*
				 * between two connections of one batch: answers
				 * that fell due while it was read go out now, so
				 * the server's own delay (server_late_us) is one
				 * request's handling, not a batch's
				 */
				answer_due(k);
			}
		}
		answer_due(k);	/* the wait timed out for them, or they fell due meanwhile */
		bury_all(k);
	}
}

static int add_fd(int ep, int fd, void *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* The server process: never returns. */
void sink_main(int lfd, int ctl, const struct sink_params *p)
{
	struct sink k = { .p = *p, .lfd = lfd, .ctl = ctl };
	sigset_t all;

	/* it dies with the harness, and Ctrl-C is the harness's to handle */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "iobench-sink");
	/* the wait's timer may fire up to the slack late: 50 µs by default */
	prctl(PR_SET_TIMERSLACK, 1UL);
	setpgid(0, 0);
	sigfillset(&all);
	sigdelset(&all, SIGKILL);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (getppid() == 1)
		_exit(0);
	if (p->pin_last)
		pin_last_cpu();	/* unbound on failure: only slower */
	k.ep = epoll_create1(EPOLL_CLOEXEC);
	if (k.ep < 0 || add_fd(k.ep, lfd, &tag_listen) < 0 || add_fd(k.ep, ctl, &tag_ctl) < 0)
		_exit(1);
	sink_serve(&k);
	_exit(0);
}
