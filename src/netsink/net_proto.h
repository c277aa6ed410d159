/*
 * net_proto.h - the net workload's request/response format, shared by the
 * client jobs (net.c), the sink server (net_sink.c) and the references.
 *
 * Every message is --msg-size bytes: a 16-byte header, then a payload that
 * is a pure function of (seed, request id, direction), so the parent can
 * compute, without any strategy, both what the server must receive and
 * what each job must get back.  Loopback only: host byte order.
 */
#ifndef IOBENCH_NET_PROTO_H
#define IOBENCH_NET_PROTO_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "hash64.h"
#include "prng.h"

#define NET_MAGIC_REQ 0x71626f69u	/* "iobq" */
#define NET_MAGIC_RESP 0x72626f69u	/* "iobr" */
#define NET_HDR 16u
#define NET_OK 0u
#define NET_ERR_INJECTED 503u		/* the server's seeded failure: "unavailable" */

struct net_hdr {
	uint32_t magic, id, status, len;
};

/* Does request @id of a run seeded @seed fail, one in @one_in (0: never)? */
static inline bool net_injected(uint64_t seed, uint32_t id, uint64_t one_in)
{
	uint64_t x = seed ^ (0x6661696cULL << 32) ^ id;

	return one_in && splitmix64(&x) % one_in == 0;
}

/*
 * A request's proof that it comes from this run's jobs, in the status
 * field a request otherwise leaves 0: a tag keyed by the run's secret
 * (sink_params.key, from getrandom), which another local user cannot read.
 * The server answers no connection whose first request lacks it.
 */
static inline uint32_t net_tag(uint64_t key, uint32_t id)
{
	uint64_t x = key ^ ((uint64_t)id << 32 | id);

	return (uint32_t)(splitmix64(&x) >> 32);
}

/* Fills @buf (@len >= NET_HDR bytes) with message @id: a request or the server's answer. */
static inline void net_message(void *buf, uint32_t len, uint64_t seed, uint32_t id, bool resp,
			       uint32_t status)
{
	struct net_hdr h = { resp ? NET_MAGIC_RESP : NET_MAGIC_REQ, id, status, len };
	uint64_t x = seed ^ ((uint64_t)id << 1 | resp), w;
	unsigned char *p = buf;

	memcpy(p, &h, sizeof(h));
	for (uint32_t i = NET_HDR; i < len; i += 8) {
		w = splitmix64(&x);
		memcpy(p + i, &w, len - i < 8 ? len - i : 8);
	}
}

/* A message's hash, as the digests fold it. */
static inline uint64_t net_hash(const void *buf, uint32_t len)
{
	return h64(0, buf, len);
}

#endif
