/* test_profile.c - the time breakdown tells sleeping, spinning and waiting
 * for the disk apart, and a forked trial's figures include its workers.
 * Needs delay accounting (root); skipped with a message otherwise. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cache.h"
#include "registry.h"
#include "taskstats.h"
#include "testutil.h"
#include "sysinfo.h"
#include "trial.h"

enum behaviour { SLEEP, SPIN, PIPE };
static enum behaviour behaviour;
/* PIPE: each job reads a byte from here; a process outside the trial
 * writes them 200 ms after the trial starts */
static int pipe_fds[2] = { -1, -1 };
static char pipe_byte[2];

/* Each job issues one no-op; completing it sleeps or spins 150 ms. */
struct pjob {
	struct job job;
	struct op op;
	int state;	/* 0 issue, 1 in flight, 2 done */
};

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * Busy in user space for @ms of this thread's own CPU time, however loaded
 * the machine is.  The CPU clock is a system call, so it is read only
 * every 100k iterations (about a millisecond of arithmetic).
 */
static void spin_ms(int ms)
{
	uint64_t end = thread_cpu_ns() + (uint64_t)ms * 1000000;
	volatile uint64_t x = 1;

	while (thread_cpu_ns() < end)
		for (int i = 0; i < 100000; i++)
			x = x * 6364136223846793005ULL + 1;
}

static enum job_state pj_next(struct job *job, struct op **op)
{
	struct pjob *j = (struct pjob *)job;

	if (j->state == 1)
		return JOB_WAIT;
	if (j->state == 2) {
		job->res->done = true;
		return JOB_DONE;
	}
	if (behaviour == PIPE)
		j->op = (struct op){ .type = OP_READ, .fd = pipe_fds[0], .path = "pipe",
				     .buf = &pipe_byte[job->id], .len = 1, .job = job };
	else
		j->op = (struct op){ .type = OP_NOP, .fd = -1, .path = "nop", .job = job };
	j->state = 1;
	*op = &j->op;
	return JOB_OP;
}

static void pj_complete(struct job *job, struct op *op)
{
	(void)op;
	if (behaviour == SLEEP)
		usleep(150000);
	else if (behaviour == SPIN)
		spin_ms(150);
	((struct pjob *)job)->state = 2;
}

static const struct job_ops pj_ops = { .next = pj_next, .complete = pj_complete };

static int p_prepare(struct wl_ctx *ctx) { ctx->njobs = 2; return 0; }
static int p_make(struct wl_ctx *ctx, struct job_result *res, struct job **jobs)
{
	for (size_t i = 0; i < ctx->njobs; i++) {
		struct pjob *j = xcalloc(1, sizeof(*j));

		j->job = (struct job){ .ops = &pj_ops, .res = &res[i], .id = (unsigned)i };
		jobs[i] = &j->job;
	}
	return 0;
}
static void p_finish(struct wl_ctx *ctx, const struct job_result *res, struct wl_out *out)
{
	(void)ctx; (void)res; (void)out;
}
static int p_check(struct wl_ctx *ctx, const struct wl_out *out)
{
	(void)ctx; (void)out;
	return 0;
}

static const struct workload pwl = {
	.name = "probe", .main_op = OP_NOP, .prepare = p_prepare, .make_jobs = p_make,
	.finish = p_finish, .check = p_check,
};

static void run(const char *strategy, enum behaviour b, struct trial_rec *rec)
{
	struct config cfg;
	struct wl_ctx ctx = { .cfg = &cfg };
	struct trial_opts o = { .workers = 2, .qd = 2, .cache = CACHE_WARM };

	test_config(&cfg, "/tmp");
	behaviour = b;
	pwl.prepare(&ctx);
	memset(rec, 0, sizeof(*rec));
	assert_int_equal(trial_run(&pwl, &ctx, strategy_find(strategy), &o, rec), 0);
	assert_true(rec->valid);
}

static int setup(void **state)
{
	char why[256];

	(void)state;
#ifdef __SANITIZE_THREAD__
	/* its runtime adds a sleeping thread to every process: "other" time
	 * that is the sanitizer's, not iobench's */
	fprintf(stderr, "note: time breakdown tests skipped under ThreadSanitizer\n");
	return 0;
#endif
	if (ts_open(why, sizeof(why)) < 0)
		fprintf(stderr, "note: time breakdown tests skipped: %s\n", why);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ts_close();
	return 0;
}

static void test_sleep_is_other(void **state)
{
	struct trial_rec rec;

	(void)state;
	if (!ts_active())
		skip();
	run("serial", SLEEP, &rec);
	assert_true(rec.delay_ok);
	/* two 150 ms sleeps, one after the other */
	assert_true(rec.other_s >= 0.25);
	assert_true(rec.user_s + rec.sys_s < 0.1);
	assert_true(rec.blkio_wait_s < 0.05);
}

static void test_spin_is_user(void **state)
{
	struct trial_rec rec;

	(void)state;
	if (!ts_active())
		skip();
	run("serial", SPIN, &rec);
	assert_true(rec.user_s >= 0.25);
	assert_true(rec.other_s < 0.1);
	assert_true(rec.blkio_wait_s < 0.05);
}

/* The host's share is read, and can't exceed every CPU for the whole trial. */
static void test_steal_is_bounded(void **state)
{
	struct trial_rec rec;
	uint64_t a, b;

	(void)state;
	assert_int_equal(sysinfo_steal_ns(&a), 0);
	run("serial", SPIN, &rec);
	assert_int_equal(sysinfo_steal_ns(&b), 0);
	assert_true(b >= a);
	assert_true(rec.steal_s >= 0);
	/* 10 ms ticks, counted per CPU */
	assert_true(rec.steal_s <= (rec.wall_s + 0.01) * (double)sysconf(_SC_NPROCESSORS_ONLN));
}

static void test_cold_read_is_blkio(void **state)
{
	char *dir = test_tmpdir("blkio"), msg[256];
	const struct workload *wl = workload_find("md5");
	struct config cfg;
	struct wl_ctx ctx = { .cfg = &cfg };
	/* O_DIRECT: no readahead to hide the device behind the hashing */
	struct trial_opts o = { .workers = 1, .qd = 1, .cache = CACHE_DIRECT };
	struct trial_rec rec = { 0 };

	(void)state;
	if (!ts_active()) {
		remove_tree(dir);
		free(dir);
		skip();
	}
	test_config(&cfg, dir);
	*test_knob(&cfg, "md5", "files") = 1;
	*test_knob(&cfg, "md5", "file-size") = 64 * MIB;
	*test_knob(&cfg, "md5", "block") = 1 * MIB;
	cfg.cache = CACHE_DIRECT;
	assert_int_equal(wl->prepare(&ctx), 0);
	/* the kernel now and then reports an impossible wait (dropped and
	 * counted as a glitch): try again rather than judge a missing value */
	for (int attempt = 0; attempt < 3; attempt++) {
		assert_int_equal(cache_prepare(CACHE_COLD, false, ctx.files, ctx.nfiles, msg,
					       sizeof(msg)), 0);
		memset(&rec, 0, sizeof(rec));
		assert_int_equal(trial_run(wl, &ctx, strategy_find("serial"), &o, &rec), 0);
		assert_true(rec.valid);
		if (!rec.delay_glitches)
			break;
	}
	if (rec.read_bytes == 0) {	/* the file stayed cached (tmpfs): nothing to see */
		wl->release(&ctx);
		remove_tree(dir);
		free(dir);
		skip();
	}
	if (!(rec.blkio_wait_s > 0.01 && rec.blkio_wait_s > 0.05 * rec.task_s))
		fail_msg("cold read: blkio %.4f s of task %.4f s (wall %.4f, read %llu bytes, "
			 "%u glitches)", rec.blkio_wait_s, rec.task_s, rec.wall_s,
			 (unsigned long long)rec.read_bytes, rec.delay_glitches);
	wl->release(&ctx);
	remove_tree(dir);
	free(dir);
}

/*
 * io_uring asleep in io_uring_enter for a pipe: the kernel counts that as
 * I/O wait, but no block I/O happens.  It must show as ring wait.
 */
static void test_uring_pipe_wait_is_not_blkio(void **state)
{
	struct trial_rec rec;
	pid_t writer;

	(void)state;
	if (!ts_active())
		skip();
	assert_int_equal(pipe(pipe_fds), 0);
	writer = fork();
	assert_true(writer >= 0);
	if (writer == 0) {
		usleep(200000);
		if (write(pipe_fds[1], "ab", 2) != 2)
			_exit(1);
		_exit(0);
	}
	run("io_uring", PIPE, &rec);
	waitpid(writer, NULL, 0);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	assert_true(rec.delay_ok);
	if (!(rec.ring_wait_s >= 0.15 && rec.blkio_wait_s < 0.02))
		fail_msg("pipe wait: ring %.4f s, blkio %.4f s, other %.4f s", rec.ring_wait_s,
			 rec.blkio_wait_s, rec.other_s);
}

/* Threads and processes are counted as they start, not sampled. */
static void test_counts_are_exact(void **state)
{
	struct trial_rec rec;

	(void)state;
	run("threaded", SLEEP, &rec);
	assert_int_equal(rec.threads_max, 3);	/* the trial's thread and two workers */
	assert_int_equal(rec.procs, 1);
	run("epoll", SLEEP, &rec);
	assert_int_equal(rec.threads_max, 3);	/* the loop and two pool threads */
	run("forked", SLEEP, &rec);
	assert_int_equal(rec.procs, 3);
	assert_int_equal(rec.threads_max, 3);
	run("serial", SLEEP, &rec);
	assert_int_equal(rec.threads_max, 1);
	assert_int_equal(rec.procs, 1);
}

static void test_forked_includes_workers(void **state)
{
	struct trial_rec rec;

	(void)state;
#ifdef __SANITIZE_THREAD__
	skip();
#endif
	run("forked", SPIN, &rec);
	/*
	 * both workers' spins are in the trial's CPU time (wait4 rusage);
	 * user and system together, as the kernel splits them by sampled
	 * ticks (0.24 s of user alone once on a loaded machine)
	 */
	assert_true(rec.user_s + rec.sys_s >= 0.25);
	if (ts_active()) {
		assert_int_equal(rec.procs, 3);	/* the trial and its two workers */
		assert_true(rec.task_s >= 0.3);
	}
	if (rec.hw[0] >= 0 && !rec.hw_why[0])
		assert_true(rec.hw[0] > 100000000);	/* 0.3 s of spinning is many cycles */
	else
		assert_non_null(strstr(rec.hw_why, "n/a"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sleep_is_other),
		cmocka_unit_test(test_spin_is_user),
		cmocka_unit_test(test_steal_is_bounded),
		cmocka_unit_test(test_cold_read_is_blkio),
		cmocka_unit_test(test_forked_includes_workers),
		cmocka_unit_test(test_uring_pipe_wait_is_not_blkio),
		cmocka_unit_test(test_counts_are_exact),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
