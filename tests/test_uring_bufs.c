/* test_uring_bufs.c - a ring's registered buffers (--uring-fixed-bufs):
 * a READ_FIXED through the index given lands in the job's buffer, a job's
 * slots go back when it is done and nobody else's move, and a full table
 * says so. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"
#include "uring_bufs.h"

struct fixture {
	struct io_uring ring;
	struct uring_bufs b;
};

/* Skips (loudly) where io_uring is blocked, as test_strategies does. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || io_uring_queue_init(8, &f->ring, 0) < 0) {
		fprintf(stderr, "note: no io_uring here, test_uring_bufs skipped\n");
		free(f);
		*state = NULL;
		return 0;
	}
	if (ubufs_init(&f->b, &f->ring, 8, 4) < 0) {
		io_uring_queue_exit(&f->ring);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f) {
		ubufs_free(&f->b);
		io_uring_queue_exit(&f->ring);
		free(f);
	}
	return 0;
}

/* What a READ_FIXED of @len bytes at offset 0 of @fd into @buf returns. */
static int read_fixed(struct io_uring *ring, int fd, void *buf, unsigned len, int index)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;
	int res;

	io_uring_prep_read_fixed(sqe, fd, buf, len, 0, index);
	assert_int_equal(io_uring_submit_and_wait(ring, 1), 1);
	assert_int_equal(io_uring_peek_cqe(ring, &cqe), 0);
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return res;
}

static void test_read_lands_in_the_jobs_buffer(void **state)
{
	struct fixture *f = *state;
	char *dir, path[4096], buf[64] = { 0 }, big[256] = { 0 };
	int job, fd, idx;

	if (!f)
		skip();
	dir = test_tmpdir("ubufs");
	snprintf(path, sizeof(path), "%s/data", dir);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "registered buffers read this", 28), 28);

	idx = ubufs_index(&f->b, (void *)&job, buf, sizeof(buf));
	assert_true(idx >= 0);
	assert_int_equal(read_fixed(&f->ring, fd, buf, sizeof(buf), idx), 28);
	assert_memory_equal(buf, "registered buffers read this", 28);
	/* the same buffer again: the same slot, registered once */
	assert_int_equal(ubufs_index(&f->b, (void *)&job, buf + 8, 16), idx);
	assert_int_equal(f->b.registrations, 1);
	/* a longer op on a buffer grows its slot, so the kernel accepts it */
	idx = ubufs_index(&f->b, (void *)&job, big, 16);
	assert_int_equal(read_fixed(&f->ring, fd, big, sizeof(big), idx), -EFAULT);
	assert_int_equal(ubufs_index(&f->b, (void *)&job, big, sizeof(big)), idx);
	assert_int_equal(read_fixed(&f->ring, fd, big, sizeof(big), idx), 28);
	ubufs_job_done(&f->b, (void *)&job);
	assert_int_equal(f->b.nfree, 8);
	close(fd);
	remove_tree(dir);
	free(dir);
}

/*
 * Jobs come and go in any order: each done job's slots return, and the
 * others' buffers keep their slots (the table shifts entries on delete).
 */
static void test_jobs_come_and_go(void **state)
{
	struct fixture *f = *state;
	static char bufs[4][2][32], extra[16];
	int slot[4][2], k, j, b;

	if (!f)
		skip();
	for (j = 0; j < 4; j++)
		for (b = 0; b < 2; b++) {
			slot[j][b] = ubufs_index(&f->b, (void *)bufs[j], bufs[j][b], 32);
			assert_true(slot[j][b] >= 0);
		}
	assert_int_equal(f->b.nfree, 0);
	/* the table is full: one clear error, nothing taken */
	assert_int_equal(ubufs_index(&f->b, (void *)bufs[0], extra, 1), -ENOSPC);
	for (k = 0; k < 4; k++) {
		static const int order[] = { 2, 0, 3, 1 };

		ubufs_job_done(&f->b, (void *)bufs[order[k]]);
		assert_int_equal(f->b.nfree, 2 * (k + 1));
		for (j = 0; j < 4; j++) {
			bool gone = false;

			for (int d = 0; d <= k; d++)
				gone |= order[d] == j;
			if (gone)
				continue;
			for (b = 0; b < 2; b++)
				assert_int_equal(ubufs_index(&f->b, (void *)bufs[j], bufs[j][b], 32),
						 slot[j][b]);
		}
	}
	assert_int_equal(f->b.registrations, 8);
	/* a job never seen: nothing to do */
	ubufs_job_done(&f->b, (void *)&k);
	assert_int_equal(f->b.nfree, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_lands_in_the_jobs_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jobs_come_and_go, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
