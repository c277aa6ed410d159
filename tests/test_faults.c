/* test_faults.c - a worker that dies, a job that fails mid-trial: the
 * strategy reports it by name and never hangs. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "registry.h"
#include "strategy.h"

/* every strategy option at its default */
static const uint64_t no_opt[WL_MAX_KNOBS];

static pid_t test_pid;

/* A job of 3 no-ops; with `die`, completing its second op kills the worker. */
struct fault_job {
	struct job job;
	struct op op;
	int issued, done;
	bool busy, die, fail;
};

static enum job_state fj_next(struct job *job, struct op **op)
{
	struct fault_job *j = (struct fault_job *)job;

	if (j->busy)
		return JOB_WAIT;
	if (j->done == 3 || job->res->err) {
		job->res->done = true;
		return JOB_DONE;
	}
	j->op = (struct op){ .type = OP_NOP, .fd = -1, .path = "nop", .job = job };
	j->busy = true;
	j->issued++;
	*op = &j->op;
	return JOB_OP;
}

static void fj_complete(struct job *job, struct op *op)
{
	struct fault_job *j = (struct fault_job *)job;

	(void)op;
	j->busy = false;
	j->done++;
	if (j->done == 2 && j->die && getpid() != test_pid)
		raise(SIGKILL);		/* only ever in a worker process */
	if (j->done == 2 && j->fail)
		job_fail(job, -EIO, "fault: injected failure in job %u", job->id);
}

static const struct job_ops fj_ops = { .next = fj_next, .complete = fj_complete };

static struct job_result *results;
static struct fault_job jobs[8];
static struct job *jobp[8];

static void setup_jobs(bool die, bool fail)
{
	if (!results)
		results = mmap(NULL, sizeof(*results) * 8, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	memset(results, 0, sizeof(*results) * 8);
	for (unsigned i = 0; i < 8; i++) {
		jobs[i] = (struct fault_job){ .job = { .ops = &fj_ops, .res = &results[i], .id = i } };
		jobp[i] = &jobs[i].job;
	}
	jobs[3].die = die;
	jobs[5].fail = fail;
}

static void test_forked_worker_killed(void **state)
{
	struct strat_ctx ctx = { .jobs = jobp, .njobs = 8, .workers = 2, .qd = 2, .opt = no_opt };
	int rc;

	(void)state;
	setup_jobs(true, false);
	rc = strategy_find("forked")->run(&ctx);
	assert_true(rc < 0);
	assert_non_null(strstr(ctx.msg, "forked: worker"));
	assert_non_null(strstr(ctx.msg, "was killed by signal 9 (Killed)"));
	/* the job it held never finished: the trial can't pass as valid */
	assert_false(results[3].done);
}

static void test_job_failure_every_strategy(void **state)
{
	(void)state;
	for (size_t s = 0; s < n_strategies; s++) {
		struct strat_ctx ctx = { .jobs = jobp, .njobs = 8, .workers = 3, .qd = 4,
					 .opt = no_opt };
		char why[128];

		if (strategies[s]->probe && strategies[s]->probe(why, sizeof(why)) < 0)
			continue;
		setup_jobs(false, true);
		assert_int_equal(strategies[s]->run(&ctx), 0);
		assert_int_equal(results[5].err, -EIO);
		assert_string_equal(results[5].msg, "fault: injected failure in job 5");
		/* the other jobs still ran to their end */
		for (unsigned i = 0; i < 8; i++)
			if (i != 5)
				assert_true(results[i].done);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forked_worker_killed),
		cmocka_unit_test(test_job_failure_every_strategy),
	};

	test_pid = getpid();
	alarm(60);	/* a strategy waiting forever fails instead of hanging */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
