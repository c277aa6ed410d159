/* replay_plan.c - a trace cut into jobs, and what each must prove (replay_plan.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "hash64.h"
#include "prng.h"
#include "replay_plan.h"
#include "util.h"

/* Outputs are hashed back in pieces of this size, from offset 0. */
#define RP_PIECE (64 * 1024)

/* Word @w of file @file's content. */
static inline uint64_t fill_word(uint64_t seed, uint32_t file, uint64_t w)
{
	uint64_t x = seed ^ ((uint64_t)file * 0xd1b54a32d192ed03ULL) ^ (w * H64_K2);

	return splitmix64(&x);
}

void replay_fill(uint64_t seed, uint32_t file, uint64_t off, void *buf, size_t len)
{
	unsigned char *b = buf;
	uint64_t w = off / 8, v;
	size_t i = 0, skip = (size_t)(off % 8);

	/*
	 * Byte p of a file is byte p % 8 of word p / 8: any range, any order.
	 * The whole words go in a loop of their own (three times as fast as
	 * word by word with the edges checked each time): the replay makes
	 * every byte it writes inside the timed trial.
	 */
	if (skip && len) {
		size_t n = 8 - skip < len ? 8 - skip : len;

		v = fill_word(seed, file, w++);
		memcpy(b, (unsigned char *)&v + skip, n);
		i = n;
	}
	for (; i + 8 <= len; i += 8) {
		v = fill_word(seed, file, w++);
		memcpy(b + i, &v, 8);
	}
	if (i < len) {
		v = fill_word(seed, file, w);
		memcpy(b + i, &v, len - i);
	}
}

uint64_t replay_hash_op(uint64_t h, const struct it_op *op, const void *data, size_t n)
{
	uint64_t meta[4] = { op->type, op->file, op->type == IT_READ || op->type == IT_WRITE ?
			     op->off : 0, n };

	h = h64(h, meta, sizeof(meta));
	return data && n ? h64(h, data, n) : h;
}

uint64_t replay_hash_bytes(uint64_t h, const void *data, size_t n)
{
	return h64(h, data, n);
}

/*
 * @seen: per file, the last job that added it and its index there, so a
 * thread over thousands of files finds each in one step.
 */
struct seen {
	uint32_t job;
	uint16_t local;
};

static int add_op(struct rp_job *j, uint32_t jid, struct seen *seen, uint32_t op,
		  uint32_t file, const struct it_op *o, char *msg, size_t len)
{
	size_t k;

	if (seen[file].job == jid)
		k = seen[file].local;
	else
		for (k = 0; k < j->nfiles && j->files[k] != file; k++)
			;
	if (k == j->nfiles) {
		if (j->nfiles == UINT16_MAX) {
			snprintf(msg, len, "replay: a job touches more than %u files", UINT16_MAX);
			return -E2BIG;
		}
		j->files = realloc(j->files, (j->nfiles + 1) * sizeof(*j->files));
		if (!j->files)
			die(1, "out of memory planning a replay");
		j->files[j->nfiles++] = file;
	}
	seen[file] = (struct seen){ .job = jid, .local = (uint16_t)k };
	/* sized exactly once the counts are known (replay_plan_build) */
	j->ops[j->nops] = op;
	j->local[j->nops++] = (uint16_t)k;
	if ((o->type == IT_READ || o->type == IT_WRITE) && o->len > j->max_len)
		j->max_len = o->len;
	return 0;
}

/* The job @o goes to. */
static uint32_t job_of(enum replay_jobs mode, const struct it_op *o)
{
	return mode == RJ_FILE ? o->file : o->tid;
}

/*
 * RJ_THREAD: every output belongs to one thread, as a pool runs the jobs
 * in any order.  0, or -EINVAL with @msg.
 */
static int check_outputs(const struct iotrace *t, char *msg, size_t len)
{
	uint32_t *owner = xcalloc(t->nfiles + 1, sizeof(*owner));
	int rc = 0;

	for (size_t i = 0; i < t->nfiles; i++)
		owner[i] = UINT32_MAX;
	for (size_t i = 0; i < t->nops && rc == 0; i++) {
		const struct it_op *o = &t->ops[i];
		uint32_t was = owner[o->file];

		if (!t->files[o->file].out)
			continue;
		owner[o->file] = o->tid;
		if (was == UINT32_MAX || was == o->tid)
			continue;
		snprintf(msg, len, "%s is written and used by threads %u and %u, whose order "
			 "the trace can't fix", t->files[o->file].path, was, o->tid);
		rc = -EINVAL;
	}
	free(owner);
	return rc;
}

/*
 * RJ_RECORDED: which files more than one thread uses, and each op's place
 * among its file's ops, by which the replay keeps their recorded order
 * (replay_order.h).
 */
static void mark_shared(struct rp_plan *p)
{
	const struct iotrace *t = p->t;
	uint32_t *user = xcalloc(t->nfiles + 1, sizeof(*user));
	uint64_t *n = xcalloc(t->nfiles + 1, sizeof(*n));

	p->fshared = xcalloc(t->nfiles + 1, sizeof(*p->fshared));
	p->fseq = xcalloc(t->nops + 1, sizeof(*p->fseq));
	for (size_t i = 0; i < t->nfiles; i++)
		user[i] = UINT32_MAX;
	for (size_t i = 0; i < t->nops; i++) {
		const struct it_op *o = &t->ops[i];

		p->fshared[o->file] |= user[o->file] != UINT32_MAX && user[o->file] != o->tid;
		user[o->file] = o->tid;
		p->fseq[i] = n[o->file]++;
	}
	free(user);
	free(n);
}

/* @p's arrays for its trace and mode: a job per file or per thread, each with room for its ops. */
static void plan_alloc(struct rp_plan *p)
{
	const struct iotrace *t = p->t;
	size_t *count;

	p->njobs = p->mode == RJ_FILE ? t->nfiles : t->threads;
	p->jobs = xcalloc(p->njobs ? p->njobs : 1, sizeof(*p->jobs));
	p->preexist = xcalloc(t->nfiles + 1, sizeof(*p->preexist));
	p->file_job = xcalloc(t->nfiles + 1, sizeof(*p->file_job));
	p->final_size = xcalloc(t->nfiles + 1, sizeof(*p->final_size));
	p->final_hash = xcalloc(t->nfiles + 1, sizeof(*p->final_hash));
	p->creates = xcalloc(t->nops + 1, sizeof(*p->creates));
	count = xcalloc(p->njobs + 1, sizeof(*count));
	for (size_t i = 0; i < t->nops; i++)
		count[job_of(p->mode, &t->ops[i])]++;
	for (size_t j = 0; j < p->njobs; j++) {
		p->jobs[j].ops = xcalloc(count[j] + 1, sizeof(*p->jobs[j].ops));
		p->jobs[j].local = xcalloc(count[j] + 1, sizeof(*p->jobs[j].local));
	}
	free(count);
}

int replay_plan_build(struct rp_plan *p, const struct iotrace *t, enum replay_jobs mode,
		      uint64_t seed, char *msg, size_t len)
{
	uint32_t *opened;	/* per file: opened yet? */
	struct seen *seen;
	int rc = 0;

	memset(p, 0, sizeof(*p));
	p->t = t;
	p->seed = seed;
	p->mode = mode;
	if (mode == RJ_THREAD && (rc = check_outputs(t, msg, len)) < 0)
		return rc;
	if (mode == RJ_RECORDED)
		mark_shared(p);
	plan_alloc(p);
	opened = xcalloc(t->nfiles + 1, sizeof(*opened));
	seen = xcalloc(t->nfiles + 1, sizeof(*seen));
	for (size_t i = 0; i < t->nfiles; i++)
		seen[i].job = UINT32_MAX;
	/*
	 * An output exists before the program opens it when it had bytes
	 * already or its first open did not create it; every other output's
	 * first open creates it, exclusively.
	 */
	for (size_t i = 0; i < t->nfiles; i++)
		p->preexist[i] = t->files[i].out && t->files[i].size > 0;
	for (size_t i = 0; i < t->nops && rc == 0; i++) {
		const struct it_op *o = &t->ops[i];
		uint32_t j = job_of(mode, o);

		if (o->type == IT_OPEN && t->files[o->file].out && !opened[o->file]) {
			opened[o->file] = 1;
			if (!(o->mode & IT_O_CREAT))
				p->preexist[o->file] = true;
			p->creates[i] = !p->preexist[o->file];
		}
		p->file_job[o->file] = j;	/* an output's: its last user */
		rc = add_op(&p->jobs[j], j, seen, (uint32_t)i, o->file, o, msg, len);
	}
	free(opened);
	free(seen);
	if (rc < 0)
		replay_plan_free(p);
	return rc;
}

/*
 * An output's holes: ranges past its end that a write skipped, which
 * read as zeros.  Disjoint ranges in a search tree (tsearch, ordered by
 * position; two ranges that overlap compare equal), so a write or a
 * read touches only the holes it meets: 400,000 one-byte writes at odd
 * offsets took 46 s to plan as a list scanned per write.
 */
struct holes {
	void *root;
};

static int range_cmp(const void *x, const void *y)
{
	const uint64_t *p = x, *q = y;

	return p[1] <= q[0] ? -1 : p[0] >= q[1] ? 1 : 0;
}

static void holes_add(struct holes *h, uint64_t a, uint64_t b)
{
	uint64_t *r = malloc(2 * sizeof(*r));

	if (!r || (r[0] = a, r[1] = b, !tsearch(r, &h->root, range_cmp)))
		die(1, "out of memory planning a replay");
}

/* [a, b) written: no longer a hole. */
static void holes_cut(struct holes *h, uint64_t a, uint64_t b)
{
	uint64_t key[2] = { a, b };
	void *node;

	if (a >= b)
		return;
	/* each pass removes one hole met; what remains of it lies outside [a, b) */
	while ((node = tfind(key, &h->root, range_cmp)) != NULL) {
		uint64_t *r = *(uint64_t **)node, lo = r[0], hi = r[1];

		tdelete(r, &h->root, range_cmp);
		free(r);
		if (lo < a)
			holes_add(h, lo, a);
		if (hi > b)
			holes_add(h, b, hi);
	}
}

static void holes_clear(struct holes *h)
{
	tdestroy(h->root, free);
	h->root = NULL;
}

/* Zeroes in @buf (the bytes [off, off + n)) what lies in a hole. */
static void holes_zero(const struct holes *h, uint64_t off, unsigned char *buf, size_t n)
{
	uint64_t (*todo)[2], key[2];
	size_t depth = 1, cap = 16;

	if (!h->root || !n)
		return;
	todo = malloc(cap * sizeof(*todo));
	if (!todo)
		die(1, "out of memory planning a replay");
	todo[0][0] = off;
	todo[0][1] = off + n;
	/* a hole met splits the range left to search in two: a stack, not recursion */
	while (depth) {
		void *node;
		const uint64_t *r;
		uint64_t a, b;

		depth--;
		key[0] = todo[depth][0];
		key[1] = todo[depth][1];
		if (!(node = tfind(key, (void *const *)&h->root, range_cmp)))
			continue;
		r = *(const uint64_t **)node;
		a = r[0] > key[0] ? r[0] : key[0];
		b = r[1] < key[1] ? r[1] : key[1];
		memset(buf + (a - off), 0, (size_t)(b - a));
		if (depth + 2 > cap) {
			cap *= 2;
			if (!(todo = realloc(todo, cap * sizeof(*todo))))
				die(1, "out of memory planning a replay");
		}
		if (key[0] < a) {
			todo[depth][0] = key[0];
			todo[depth++][1] = a;
		}
		if (b < key[1]) {
			todo[depth][0] = b;
			todo[depth++][1] = key[1];
		}
	}
	free(todo);
}

/* The bytes [off, off + n) of @file as the simulation says they are now. */
static int expect_bytes(const struct rp_plan *p, const struct holes *h, uint32_t file,
			uint64_t off, unsigned char *buf, size_t n)
{
	if (!p->t->files[file].out && p->read_input)
		return p->read_input(p->read_arg, file, off, buf, n);
	replay_fill(p->seed, file, off, buf, n);
	if (h)
		holes_zero(h, off, buf, n);
	return 0;
}

/*
 * Every op in trace order, each into its job's running hash: a job's ops
 * are in that order too, and an output two jobs share (as recorded: one
 * thread after another) gets their writes in it.  @holes and @size follow
 * each file's bytes as the ops change them.
 */
static int simulate_ops(struct rp_plan *p, struct holes *holes, uint64_t *size,
			unsigned char *buf, char *msg, size_t len)
{
	const struct iotrace *t = p->t;
	uint64_t *hs = xcalloc(p->njobs + 1, sizeof(*hs));	/* per job: its running hash */
	int rc = 0;

	for (size_t i = 0; i < t->nops && rc == 0; i++) {
		const struct it_op *o = &t->ops[i];
		struct holes *hf = &holes[o->file];
		uint64_t *h = &hs[job_of(p->mode, o)];

		switch (o->type) {
		case IT_OPEN:
			if (o->mode & IT_O_TRUNC) {
				size[o->file] = 0;
				holes_clear(hf);
			}
			*h = replay_hash_op(*h, o, NULL, 0);
			break;
		case IT_READ:
			rc = expect_bytes(p, hf, o->file, o->off, buf, (size_t)o->got);
			if (rc < 0)
				snprintf(msg, len, "replay: reading input %s: %s",
					 t->files[o->file].path, strerror(-rc));
			*h = replay_hash_op(*h, o, buf, (size_t)o->got);
			break;
		case IT_WRITE:
			if (o->off > size[o->file])
				holes_add(hf, size[o->file], o->off);
			holes_cut(hf, o->off, o->off + o->len);
			if (o->off + o->len > size[o->file])
				size[o->file] = o->off + o->len;
			replay_fill(p->seed, o->file, o->off, buf, (size_t)o->len);
			*h = replay_hash_op(*h, o, buf, (size_t)o->len);
			break;
		default:
			*h = replay_hash_op(*h, o, NULL, 0);
			break;
		}
	}
	for (size_t j = 0; j < p->njobs; j++)
		p->jobs[j].expect = hs[j];
	free(hs);
	return rc;
}

/* What each output must hold at the end, hashed as check reads it back. */
static int final_outputs(struct rp_plan *p, struct holes *holes, const uint64_t *size,
			 unsigned char *buf, char *msg, size_t len)
{
	const struct iotrace *t = p->t;
	int rc = 0;

	for (size_t i = 0; i < t->nfiles && rc == 0; i++) {
		uint64_t h = 0, k = 0;

		if (!t->files[i].out)
			continue;
		if (p->outputs_from) {
			p->final_size[i] = p->outputs_from->final_size[i];
			p->final_hash[i] = p->outputs_from->final_hash[i];
			continue;
		}
		p->final_size[i] = size[i];
		for (uint64_t off = 0; off < size[i] && rc == 0; off += RP_PIECE) {
			size_t n = size[i] - off < RP_PIECE ? (size_t)(size[i] - off) : RP_PIECE;

			expect_bytes(p, &holes[i], (uint32_t)i, off, buf, n);
			h = replay_hash_bytes(h, buf, n);
			if (++k % 1024 == 0 && p->stop && p->stop()) {
				snprintf(msg, len, "stopped by a signal while computing what %s "
					 "must hold", t->files[i].path);
				rc = -EINTR;
			}
		}
		p->final_hash[i] = h;
	}
	return rc;
}

int replay_plan_reference(struct rp_plan *p, char *msg, size_t len)
{
	const struct iotrace *t = p->t;
	struct holes *holes = xcalloc(t->nfiles + 1, sizeof(*holes));
	uint64_t *size = xcalloc(t->nfiles + 1, sizeof(*size));
	unsigned char *buf = NULL;
	size_t cap = RP_PIECE;
	int rc;

	for (size_t j = 0; j < p->njobs; j++)
		if (p->jobs[j].max_len > cap)
			cap = (size_t)p->jobs[j].max_len;
	buf = malloc(cap);
	if (!buf) {
		snprintf(msg, len, "replay: out of memory for a %zu-byte reference buffer", cap);
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < t->nfiles; i++)
		size[i] = t->files[i].size;
	rc = simulate_ops(p, holes, size, buf, msg, len);
	if (rc == 0)
		rc = final_outputs(p, holes, size, buf, msg, len);
out:
	for (size_t i = 0; i < t->nfiles; i++)
		holes_clear(&holes[i]);
	free(holes);
	free(size);
	free(buf);
	return rc;
}

void replay_plan_free(struct rp_plan *p)
{
	for (size_t j = 0; p->jobs && j < p->njobs; j++) {
		free(p->jobs[j].ops);
		free(p->jobs[j].local);
		free(p->jobs[j].files);
	}
	free(p->jobs);
	free(p->preexist);
	free(p->file_job);
	free(p->final_size);
	free(p->final_hash);
	free(p->creates);
	free(p->fshared);
	free(p->fseq);
	memset(p, 0, sizeof(*p));
}
