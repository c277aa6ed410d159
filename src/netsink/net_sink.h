/*
 * net_sink.h - the server the net workload's jobs talk to.
 *
 * A process of its own, forked by the harness (outside every trial's
 * process tree: its CPU and memory are not a trial's), listening on
 * 127.0.0.1 only, on a port the kernel picks.  One epoll loop holds every
 * connection; each request is answered after --latency-us by a timer, not
 * a sleeping thread, and a seeded one in --fail-one-in is answered with an
 * error.  It counts what it saw, so a trial is checked against the
 * server's record as well as against the reference.
 *
 * Any local user can find its port: it serves only requests tagged with
 * the run's secret (net_tag), drops the rest after their first request,
 * bounds what it queues for a peer, and counts what it dropped (foreign),
 * so a trial that other programs' connections reached is flagged.
 */
#ifndef IOBENCH_NET_SINK_H
#define IOBENCH_NET_SINK_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sink_params {
	uint32_t msg_size;
	uint64_t latency_us;
	uint64_t jitter_us;	/* each answer's latency: latency_us +- up to this, seeded */
	uint64_t seed;
	uint64_t key;		/* the run's secret: each request's tag (net_tag) */
	uint64_t fail_one_in;	/* 0: no failures */
	/*
	 * --pin: the server binds itself to the last CPU it may use, where
	 * pinned strategies put their busy threads last.  Unbound, the
	 * kernel's wake-affine pulls a lone loop thread and the server onto
	 * one CPU (loopback wakes with the sync hint), which a client of a
	 * remote server never pays.
	 */
	bool pin_last;
};

/* What the server saw since its last reset. */
struct sink_stats {
	uint64_t requests, injected, bytes_in, bytes_out;
	uint64_t req_hash_sum;	/* sum of net_hash() of every request: order-free */
	uint64_t conns_total, conns_max, proto_errors;
	/*
	 * Connections dropped as not the run's: a request without the run's
	 * tag, or a peer that lets more than SINK_MAX_UNSENT answers pile up
	 * unread (the run's jobs have one request in flight per connection).
	 * Read no further than the first request, answered never.
	 */
	uint64_t foreign;
	/*
	 * The server's own delay: per answer, how long after its due time
	 * (the request's arrival in the socket, by SO_TIMESTAMPNS, plus its
	 * service time) it was handed to the socket.
	 */
	uint64_t answers, late_ns_sum, late_ns_max;
};

#define SINK_MAX_UNSENT 16

struct net_sink {
	pid_t pid;
	int ctl;			/* our end of the control socket */
	struct sockaddr_in addr;	/* where it listens */
};

/* Starts the server and learns its address.  0, or -errno with @msg. */
int sink_start(struct net_sink *s, const struct sink_params *p, char *msg, size_t len);
/*
 * Zeroes its counters (before each trial).  0 or -errno: -ETIMEDOUT when
 * it did not answer within SINK_CTL_TIMEOUT_S (stopped, or hung), -EINTR
 * when a signal asked us to stop meanwhile.
 */
int sink_reset(struct net_sink *s);
/* Its counters.  0 or -errno, as sink_reset. */
int sink_stats(struct net_sink *s, struct sink_stats *out);
#define SINK_CTL_TIMEOUT_S 10
/* Stops it and reaps it; nothing is left listening.  Safe to call twice. */
void sink_stop(struct net_sink *s);

/* The server process, in the child sink_start forks (net_sink.c): never returns. */
void sink_main(int lfd, int ctl, const struct sink_params *p);

#endif
