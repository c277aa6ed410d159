/* uring_bufs.c - see uring_bufs.h. */
#include <errno.h>
#include <stdlib.h>
#include <sys/uio.h>

#include "uring_bufs.h"

static unsigned hash_job(const struct job *job, unsigned mask)
{
	uint64_t x = (uintptr_t)job;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (unsigned)x & mask;
}

int ubufs_init(struct uring_bufs *b, struct io_uring *ring, unsigned nslots,
	       unsigned max_jobs)
{
	unsigned size = 4;
	int rc;

	*b = (struct uring_bufs){ .ring = ring, .nslots = nslots };
	/* at most half full, so probes stay short */
	while (size < 2 * max_jobs)
		size *= 2;
	b->tab = calloc(size, sizeof(*b->tab));
	b->free_slots = calloc(nslots, sizeof(*b->free_slots));
	if (!b->tab || !b->free_slots) {
		rc = -ENOMEM;
		goto fail;
	}
	b->tab_mask = size - 1;
	for (unsigned i = 0; i < nslots; i++)
		b->free_slots[b->nfree++] = nslots - 1 - i;
	rc = io_uring_register_buffers_sparse(ring, nslots);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	free(b->tab);
	free(b->free_slots);
	*b = (struct uring_bufs){ 0 };
	return rc;
}

void ubufs_free(struct uring_bufs *b)
{
	/* the ring's exit unregisters whatever is left */
	for (unsigned i = 0; b->tab && i <= b->tab_mask; i++)
		free(b->tab[i].ents);
	free(b->tab);
	free(b->free_slots);
	*b = (struct uring_bufs){ 0 };
}

/* @job's place in the table: its own, or the free one it would take. */
static struct ubuf_job *find_job(struct uring_bufs *b, const struct job *job)
{
	unsigned i = hash_job(job, b->tab_mask);

	while (b->tab[i].job && b->tab[i].job != job)
		i = (i + 1) & b->tab_mask;
	return &b->tab[i];
}

/* Points @slot at [@addr, @addr + @len); len 0 clears it.  0 or -errno. */
static int set_slot(struct uring_bufs *b, unsigned slot, uintptr_t addr, size_t len)
{
	struct iovec iov = { .iov_base = (void *)addr, .iov_len = len };
	__u64 tag = 0;
	int rc = io_uring_register_buffers_update_tag(b->ring, slot, &iov, &tag, 1);

	return rc < 0 ? rc : 0;
}

int ubufs_index(struct uring_bufs *b, const struct job *job, void *buf, size_t len)
{
	struct ubuf_job *j = find_job(b, job);
	uintptr_t addr = (uintptr_t)buf;
	struct ubuf_ent *e;
	int rc;

	for (unsigned i = 0; j->job && i < j->n; i++) {
		e = &j->ents[i];
		if (addr < e->addr || addr >= e->addr + e->len)
			continue;
		if (addr + len <= e->addr + e->len)
			return (int)e->slot;
		/* a longer op on the same buffer: the slot grows to cover it */
		rc = set_slot(b, e->slot, e->addr, addr + len - e->addr);
		if (rc < 0)
			return rc;
		e->len = addr + len - e->addr;
		b->registrations++;
		return (int)e->slot;
	}
	if (!b->nfree)
		return -ENOSPC;
	if (j->n == j->cap) {
		unsigned cap = j->cap ? 2 * j->cap : 4;
		struct ubuf_ent *ents = realloc(j->ents, cap * sizeof(*ents));

		if (!ents)
			return -ENOMEM;
		j->ents = ents;
		j->cap = cap;
	}
	e = &j->ents[j->n];
	*e = (struct ubuf_ent){ .addr = addr, .len = len, .slot = b->free_slots[b->nfree - 1] };
	rc = set_slot(b, e->slot, addr, len);
	if (rc < 0)
		return rc;
	b->nfree--;
	j->n++;
	j->job = job;
	b->registrations++;
	return (int)e->slot;
}

void ubufs_job_done(struct uring_bufs *b, const struct job *job)
{
	struct ubuf_job *j = find_job(b, job);
	unsigned hole, i;

	if (!j->job)
		return;
	for (i = 0; i < j->n; i++) {
		/*
		 * Cannot fail for a slot we set (the ring is ours and idle for
		 * this job); if it did, the slot is not reused.
		 */
		if (set_slot(b, j->ents[i].slot, 0, 0) == 0)
			b->free_slots[b->nfree++] = j->ents[i].slot;
	}
	free(j->ents);
	*j = (struct ubuf_job){ 0 };
	/* backward-shift deletion: later entries of the same probe run move up */
	hole = (unsigned)(j - b->tab);
	for (i = (hole + 1) & b->tab_mask; b->tab[i].job; i = (i + 1) & b->tab_mask) {
		unsigned home = hash_job(b->tab[i].job, b->tab_mask);

		/* it may move into the hole only if its home is not in (hole, i] */
		if (((i - home) & b->tab_mask) >= ((i - hole) & b->tab_mask)) {
			b->tab[hole] = b->tab[i];
			b->tab[i] = (struct ubuf_job){ 0 };
			hole = i;
		}
	}
}
