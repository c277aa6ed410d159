/* uring_bufs.h - a ring's registered buffers (--uring-fixed-bufs).
 *
 * READ_FIXED and WRITE_FIXED name a buffer the ring pinned once, so the
 * kernel does not look up and pin the user pages on every op (the cost
 * that matters for O_DIRECT).  The buffers belong to the jobs, not to the
 * strategy: a job maps its own when it starts and unmaps them when it is
 * done.  So a buffer is registered the first time one of its job's ops
 * uses it, into a slot of the ring's sparse table, and every slot of a job
 * is cleared when the job is done, before the ring starts another: a
 * slot that outlived its job would pin pages no longer anyone's, and a
 * new buffer at the same address would read into them.  A ring holds at
 * most qd + 1 jobs at once (jobsched.h): they are found by address in an
 * open-addressing table, and each job's few buffers by a scan of its own.
 * One ring's, not thread-safe.
 */
#ifndef IOBENCH_URING_BUFS_H
#define IOBENCH_URING_BUFS_H

#include <stddef.h>
#include <stdint.h>

#include <liburing.h>

struct job;

struct ubuf_ent {
	uintptr_t addr;
	size_t len;
	unsigned slot;
};

struct ubuf_job {
	const struct job *job;	/* NULL: a free place in the table */
	struct ubuf_ent *ents;
	unsigned n, cap;
};

struct uring_bufs {
	struct io_uring *ring;
	struct ubuf_job *tab;	/* open addressing, linear probing */
	unsigned tab_mask;
	unsigned *free_slots, nfree, nslots;
	uint64_t registrations;	/* buffers registered (each pins its pages once) */
};

/*
 * A sparse table of @nslots buffers on @ring, for at most @max_jobs jobs
 * at once; 0 or -errno.
 */
int ubufs_init(struct uring_bufs *b, struct io_uring *ring, unsigned nslots,
	       unsigned max_jobs);
void ubufs_free(struct uring_bufs *b);

/*
 * The registered index covering [@buf, @buf + @len) of @job's buffer,
 * registering it (or growing its range) when needed.  Returns the index
 * (>= 0) or -errno (-ENOSPC: every slot is taken).
 */
int ubufs_index(struct uring_bufs *b, const struct job *job, void *buf, size_t len);

/* Clears every slot of @job (done: its buffers are about to go or gone). */
void ubufs_job_done(struct uring_bufs *b, const struct job *job);

#endif
