/*
 * net.c - request/response exchanges with a server: where the event
 * loops meet sockets (background posts: many HTTP requests with threads
 * vs asyncio; blocking sends moved to a thread pool).
 *
 * --requests exchanges of --msg-size bytes over --conns connections, one
 * job per connection: connect, then for each of its requests send it and
 * receive the answer, then close (with --reconnect yes, a connection of
 * its own per request).  The server (net_sink.c) answers each request
 * after --latency-us; one in --fail-one-in is answered with an error,
 * which the job counts as a failed request (the failed_requests column)
 * and is not a failure of the trial when it is exactly one the server
 * injected.  The trial is checked twice: its digest (every answer, in
 * each job's order) against the reference computed here without any
 * strategy, and the server's record (requests, bytes, the hash of every
 * request, failures injected) against what the jobs must have sent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "iobuf.h"
#include "net_proto.h"
#include "net_sink.h"
#include "signals.h"
#include "util.h"
#include "workload.h"

static const char *const reconnect_names[] = { "no", "yes", NULL };

/* net's knobs, in the order of net_options[]. */
enum { NET_REQUESTS, NET_MSG_SIZE, NET_CONNS, NET_LATENCY, NET_FAIL, NET_RECONNECT,
	NET_TIMEOUT, NET_JITTER };
static const struct wl_option net_options[] = {
	[NET_REQUESTS] = { "requests", "N", "request/response exchanges per trial", WLO_NUM,
			   1, 1ULL << 31, NULL, { 400, 10000, 50000, 200000 } },
	[NET_MSG_SIZE] = { "msg-size", "SIZE", "bytes of each request and of each answer",
			   WLO_SIZE, NET_HDR, 16 << 20, NULL, { 256, 1024, 1024, 4096 } },
	[NET_CONNS] = { "conns", "N", "connections (jobs), each sending its share of the "
			"requests one after another", WLO_NUM, 1, 1000000, NULL,
			{ 16, 64, 256, 1024 } },
	[NET_LATENCY] = { "latency-us", "N", "the server's service time per request, "
			  "microseconds (a timer, not a sleeping thread)", WLO_NUM, 0, 60000000,
			  NULL, { 100, 1000, 1000, 1000 } },
	[NET_FAIL] = { "fail-one-in", "N", "one request in N (seeded) is answered with an "
		       "error (0: none)", WLO_NUM, 0, 1ULL << 31, NULL, { 0, 0, 0, 0 } },
	[NET_RECONNECT] = { "reconnect", "R", "no (a connection per job) or yes (a new "
			    "connection per request)", WLO_CHOICE, 0, 0, reconnect_names,
			    { 0, 0, 0, 0 } },
	[NET_TIMEOUT] = { "timeout-ms", "N", "a connect, send or receive not done in N ms "
			  "fails the request (Connection timed out)", WLO_NUM, 1, 3600000, NULL,
			  { 10000, 10000, 10000, 10000 } },
	[NET_JITTER] = { "jitter-us", "N", "each request's service time is "
			 "--latency-us plus a seeded offset in [-N, N] (the mean stays the same)",
			 WLO_NUM, 0, 60000000, NULL, { 0, 0, 0, 0 } },
};

/* the knobs `sweep --conns` and `--latency-us` set */
static const struct wl_conns net_conns = {
	.conns = NET_CONNS, .requests = NET_REQUESTS, .latency_us = NET_LATENCY,
	.timeout_ms = NET_TIMEOUT,
};

extern const struct workload workload_net;

struct net_data {
	struct net_sink sink;
	struct sink_params p;
	char where[32];			/* "127.0.0.1:PORT", for messages */
	uint64_t requests, conns;
	unsigned timeout_ms;
	bool reconnect;
	unsigned char expect[16];
	/* what this process's jobs must make the server see */
	uint64_t want_requests, want_injected, want_hash_sum;
};

enum net_state { N_CONNECT, N_SEND, N_RECV, N_CLOSE, N_BUSY, N_DONE };

struct net_job {
	struct job job;
	const struct net_data *d;
	enum net_state state, after_busy;
	uint32_t next_id, end_id;	/* this job's requests: [first, end) */
	int fd;
	unsigned char *req, *resp;
	uint64_t h;			/* the answers so far, chained */
	struct op op;			/* one op in flight at a time */
};

/* Requests of job @j of @conns: a contiguous share, the first ones one larger. */
static void job_range(uint64_t requests, uint64_t conns, uint64_t j, uint32_t *lo,
		      uint32_t *hi)
{
	uint64_t base = requests / conns, extra = requests % conns;

	*lo = (uint32_t)(j * base + (j < extra ? j : extra));
	*hi = (uint32_t)(*lo + base + (j < extra));
}

static int net_validate(const struct wl_knobs *k, char *err, size_t len)
{
	uint64_t requests = k->v[NET_REQUESTS], conns = k->v[NET_CONNS];

	if (k->v[NET_JITTER] > k->v[NET_LATENCY]) {
		snprintf(err, len, "--jitter-us %llu is more than --latency-us %llu: a "
			 "service time can't be negative", (unsigned long long)k->v[NET_JITTER],
			 (unsigned long long)k->v[NET_LATENCY]);
		return -EINVAL;
	}
	if (conns > requests) {
		snprintf(err, len, "--conns %llu is more than --requests %llu: a connection "
			 "would have nothing to send", (unsigned long long)conns,
			 (unsigned long long)requests);
		return -EINVAL;
	}
	return 0;
}

/* The reference: each job's answers in order, and what the server must see. */
static void references(struct wl_ctx *ctx, struct net_data *d)
{
	struct job_result *ref = xcalloc(d->conns, sizeof(*ref));
	unsigned char *m = xcalloc(1, d->p.msg_size);

	/* a signal ends it within 4096 requests (net_prepare then gives up) */
	for (uint64_t j = 0; j < d->conns && !sig_stop(); j++) {
		uint32_t lo, hi;
		uint64_t h = 0;

		job_range(d->requests, d->conns, j, &lo, &hi);
		for (uint32_t id = lo; id < hi && !(id % 4096 == 0 && sig_stop()); id++) {
			bool bad = net_injected(d->p.seed, id, d->p.fail_one_in);

			net_message(m, d->p.msg_size, d->p.seed, id, true,
				    bad ? NET_ERR_INJECTED : NET_OK);
			h = h64(h, &(uint64_t){ net_hash(m, d->p.msg_size) }, 8);
			if (!wl_mine(ctx, j))
				continue;
			net_message(m, d->p.msg_size, d->p.seed, id, false, net_tag(d->p.key, id));
			d->want_requests++;
			d->want_injected += bad;
			d->want_hash_sum += net_hash(m, d->p.msg_size);
		}
		wl_digest64(h, ref[j].digest);
	}
	wl_combine_digests(ctx, ref, d->conns, d->expect);
	free(m);
	free(ref);
}

/*
 * The requests the server will fail, by number and reason, appended to
 * the spec (the report and the JSON show it): every trial is checked to
 * have failed exactly these (the count, and the digest over every answer's
 * status), so this is each strategy's list too.
 */
static void failed_list(const struct net_data *d, char *out, size_t len)
{
	size_t off = strlen(out);
	uint64_t n = 0;

	for (uint32_t id = 0; id < d->requests; id++) {
		if (!net_injected(d->p.seed, id, d->p.fail_one_in))
			continue;
		if (off + 24 < len)
			off += (size_t)snprintf(out + off, len - off, "%s%u", n ? "," : " failing=503@",
						id);
		n++;
	}
	if (n && off + 24 >= len)
		snprintf(out + off, len - off, ",... (%llu in all)", (unsigned long long)n);
}

static int net_prepare(struct wl_ctx *ctx)
{
	const struct config *cfg = ctx->cfg;
	struct net_data *d = xcalloc(1, sizeof(*d));
	int rc;

	d->requests = wl_val(cfg, &workload_net, NET_REQUESTS);
	d->conns = wl_val(cfg, &workload_net, NET_CONNS);
	d->reconnect = wl_val(cfg, &workload_net, NET_RECONNECT) == 1;
	d->timeout_ms = (unsigned)wl_val(cfg, &workload_net, NET_TIMEOUT);
	d->p = (struct sink_params){
		.msg_size = (uint32_t)wl_val(cfg, &workload_net, NET_MSG_SIZE),
		.latency_us = wl_val(cfg, &workload_net, NET_LATENCY),
		.jitter_us = wl_val(cfg, &workload_net, NET_JITTER),
		.seed = cfg->seed,
		.fail_one_in = wl_val(cfg, &workload_net, NET_FAIL),
		.pin_last = cfg->pin,
	};
	d->sink.pid = -1;
	d->sink.ctl = -1;
	ctx->priv = d;
	/* the run's secret: only its own jobs' requests are served */
	if (getrandom(&d->p.key, sizeof(d->p.key), 0) != (ssize_t)sizeof(d->p.key))
		return wl_error(ctx, -errno ? -errno : -EIO, "net: no random key for the server: %s",
				strerror(errno));
	/* allowed (it is how a timeout is tested), but rarely what was meant */
	if (d->p.latency_us / 1000 >= d->timeout_ms && !cfg->sweep_point)
		errmsg("warning: net: --latency-us %llu is not shorter than --timeout-ms %u: "
		       "every request will time out", (unsigned long long)d->p.latency_us,
		       d->timeout_ms);
	{
		char why[160];

		if ((rc = conns_fit_fd_limit(d->conns, why, sizeof(why))) < 0)
			return wl_error(ctx, rc, "--conns %llu needs %s or lower --conns",
					(unsigned long long)d->conns, why);
	}
	rc = sink_start(&d->sink, &d->p, ctx->msg, sizeof(ctx->msg));
	if (rc < 0)
		return rc;
	snprintf(d->where, sizeof(d->where), "127.0.0.1:%u", ntohs(d->sink.addr.sin_port));
	references(ctx, d);
	if (sig_stop())		/* 2^26 requests take a while: Ctrl-C is not kept waiting */
		return wl_error(ctx, -EINTR, "stopped by a signal while preparing");
	ctx->njobs = d->conns;
	snprintf(ctx->spec, sizeof(ctx->spec), "net requests=%llu msg_size=%u conns=%llu "
		 "latency_us=%llu fail_one_in=%llu reconnect=%s timeout_ms=%u server=127.0.0.1",
		 (unsigned long long)d->requests, d->p.msg_size, (unsigned long long)d->conns,
		 (unsigned long long)d->p.latency_us, (unsigned long long)d->p.fail_one_in,
		 d->reconnect ? "yes" : "no", d->timeout_ms);
	/* (not the port: it changes every run, and compare matches runs by their specs) */
	if (d->p.jitter_us) {
		size_t n = strlen(ctx->spec);

		snprintf(ctx->spec + n, sizeof(ctx->spec) - n, " jitter_us=%llu",
			 (unsigned long long)d->p.jitter_us);
	}
	failed_list(d, ctx->spec, sizeof(ctx->spec));
	return 0;
}

/* What went wrong on the server's control socket, in words. */
static int sink_gone(struct wl_ctx *ctx, const struct net_data *d, int rc)
{
	if (rc == -ETIMEDOUT)
		return wl_error(ctx, rc, "net: the server at %s (pid %d) did not answer within "
				"%d s: stopped or hung", d->where, (int)d->sink.pid,
				SINK_CTL_TIMEOUT_S);
	if (rc == -EINTR)
		return wl_error(ctx, rc, "net: stopped by a signal");
	return wl_error(ctx, -EPIPE, "net: the server at %s is gone", d->where);
}

static int net_before_trial(struct wl_ctx *ctx)
{
	struct net_data *d = ctx->priv;
	int rc = sink_reset(&d->sink);

	return rc < 0 ? sink_gone(ctx, d, rc) : 0;
}

/* The op of the job's current state. */
static struct op *make_op(struct net_job *j)
{
	const struct net_data *d = j->d;
	struct op *o = &j->op;

	*o = (struct op){ .fd = j->fd, .path = d->where, .job = &j->job,
			  .timeout_ms = d->timeout_ms };
	switch (j->state) {
	case N_CONNECT:
		o->type = OP_CONNECT;
		o->fd = -1;
		o->addr = &d->sink.addr;
		o->addrlen = sizeof(d->sink.addr);
		break;
	case N_SEND:
		net_message(j->req, d->p.msg_size, d->p.seed, j->next_id, false,
			    net_tag(d->p.key, j->next_id));
		o->type = OP_SEND;
		o->buf = j->req;
		o->len = d->p.msg_size;
		break;
	case N_RECV:
		o->type = OP_RECV;
		o->buf = j->resp;
		o->len = d->p.msg_size;
		break;
	default:
		o->type = OP_CLOSE;
		o->flags = OP_CLOSE_SOCKET;
		break;
	}
	return o;
}

static void free_bufs(struct net_job *j)
{
	iobuf_free(j->req, j->d->p.msg_size);
	iobuf_free(j->resp, j->d->p.msg_size);
	j->req = j->resp = NULL;
}

/* Something failed: close the connection if there is one, then finish. */
static void give_up(struct net_job *j)
{
	j->state = j->fd >= 0 ? N_CLOSE : N_DONE;
	j->next_id = j->end_id;
}

static enum job_state net_next(struct job *job, struct op **op)
{
	struct net_job *j = (struct net_job *)job;

	if (j->state == N_BUSY)
		return JOB_WAIT;
	if (j->state == N_DONE) {
		free_bufs(j);
		if (!job->res->err)
			wl_digest64(j->h, job->res->digest);
		job->res->done = true;
		return JOB_DONE;
	}
	if (!j->req) {	/* first op: the job's buffers, freed when it is done */
		j->req = iobuf_alloc(j->d->p.msg_size);
		j->resp = iobuf_alloc(j->d->p.msg_size);
		if (!j->req || !j->resp) {
			job_fail(job, -ENOMEM, "net: out of memory for buffers");
			j->state = N_DONE;
			return net_next(job, op);
		}
	}
	*op = make_op(j);
	j->after_busy = j->state;
	j->state = N_BUSY;
	return JOB_OP;
}

/* The answer to request next_id is in: checked, counted, folded. */
static void got_answer(struct net_job *j)
{
	const struct net_data *d = j->d;
	struct net_hdr h;

	memcpy(&h, j->resp, sizeof(h));
	if (h.magic != NET_MAGIC_RESP || h.id != j->next_id || h.len != d->p.msg_size ||
	    (h.status != NET_OK && h.status != NET_ERR_INJECTED)) {
		job_fail(&j->job, -EBADMSG, "net: request %u to %s: a malformed answer (id %u, "
			 "status %u)", j->next_id, d->where, h.id, h.status);
		give_up(j);
		return;
	}
	/* a failed request is counted and is part of the proof, not the job's failure */
	j->job.res->failed += h.status != NET_OK;
	j->h = h64(j->h, &(uint64_t){ net_hash(j->resp, d->p.msg_size) }, 8);
	j->next_id++;
	if (j->next_id == j->end_id)
		j->state = N_CLOSE;
	else
		j->state = d->reconnect ? N_CLOSE : N_SEND;
}

static void net_complete(struct job *job, struct op *op)
{
	struct net_job *j = (struct net_job *)job;
	enum net_state was = j->after_busy;

	if (op->res < 0) {
		job_fail_op(job, op);
		if (was == N_CONNECT || was == N_CLOSE)
			j->fd = -1;	/* no connection, or it is gone either way */
		give_up(j);
		return;
	}
	switch (was) {
	case N_CONNECT:
		j->fd = (int)op->res;
		j->state = N_SEND;
		break;
	case N_SEND:
		j->state = N_RECV;
		break;
	case N_RECV:
		if ((size_t)op->res < op->len) {
			job_fail(job, -ECONNRESET, "net: request %u to %s: the server closed the "
				 "connection after %lld of %zu bytes of the answer", j->next_id,
				 j->d->where, (long long)op->res, op->len);
			give_up(j);
			break;
		}
		got_answer(j);
		break;
	default:	/* closed: the next request's connection, or the end */
		j->fd = -1;
		j->state = j->next_id < j->end_id ? N_CONNECT : N_DONE;
		break;
	}
}

static void net_destroy(struct job *job)
{
	struct net_job *j = (struct net_job *)job;

	free_bufs(j);
	free(j);
}

static const struct job_ops net_job_ops = {
	.next = net_next,
	.complete = net_complete,
	.destroy = net_destroy,
};

static int net_make_jobs(struct wl_ctx *ctx, struct job_result *res, struct job **jobs)
{
	struct net_data *d = ctx->priv;

	for (size_t i = 0; i < ctx->njobs; i++) {
		struct net_job *j = calloc(1, sizeof(*j));

		if (!j)
			return wl_error(ctx, -ENOMEM, "net: out of memory for jobs");
		j->job = (struct job){ .ops = &net_job_ops, .res = &res[i], .id = (unsigned)i };
		j->d = d;
		j->fd = -1;
		job_range(d->requests, d->conns, i, &j->next_id, &j->end_id);
		jobs[i] = &j->job;
	}
	return 0;
}

static void net_finish(struct wl_ctx *ctx, const struct job_result *res, struct wl_out *out)
{
	wl_combine_digests(ctx, res, ctx->njobs, out->digest);
}

static int net_check(struct wl_ctx *ctx, const struct wl_out *out)
{
	struct net_data *d = ctx->priv;
	struct sink_stats st;
	int rc = sink_stats(&d->sink, &st);

	if (rc < 0)
		return sink_gone(ctx, d, rc);
	ctx->foreign = st.foreign;
	if (st.requests != d->want_requests || st.req_hash_sum != d->want_hash_sum)
		return wl_error(ctx, -EBADMSG, "net: the server received %llu requests, not the "
				"%llu the jobs must send%s", (unsigned long long)st.requests,
				(unsigned long long)d->want_requests,
				st.requests == d->want_requests ? " (their bytes differ)" : "");
	if (st.injected != d->want_injected || out->failed != d->want_injected)
		return wl_error(ctx, -EBADMSG, "net: %llu requests failed, the server injected "
				"%llu, %llu expected", (unsigned long long)out->failed,
				(unsigned long long)st.injected,
				(unsigned long long)d->want_injected);
	if (st.answers) {
		ctx->server_late_us = (double)st.late_ns_sum / (double)st.answers / 1e3;
		ctx->server_late_max_us = (double)st.late_ns_max / 1e3;
	}
	if (memcmp(out->digest, d->expect, 16))
		return wl_error(ctx, -EBADMSG, "net: the answers the jobs got differ from the "
				"server's");
	return 0;
}

static void net_release(struct wl_ctx *ctx)
{
	struct net_data *d = ctx->priv;

	if (!d)
		return;
	sink_stop(&d->sink);
	free(d);
	ctx->priv = NULL;
}

const struct workload workload_net = {
	.name = "net",
	.desc = "request/response exchanges with a loopback server (--latency-us each): sockets",
	.options = net_options,
	.noptions = ARRAY_SIZE(net_options),
	.validate = net_validate,
	.main_op = OP_RECV,
	.opt_in = true,
	.connections = &net_conns,
	.prepare = net_prepare,
	.before_trial = net_before_trial,
	.make_jobs = net_make_jobs,
	.finish = net_finish,
	.check = net_check,
	.release = net_release,
};
