/* test_strategies.c - identical work, proved: every strategy, every
 * workload, several worker counts and queue depths give the baseline's digest;
 * and an op that fails is reported by every strategy, never hidden. */
#include <errno.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "registry.h"
#include "testutil.h"
#include "trial.h"

static const unsigned shapes[] = { 1, 2, 8 };

/* The registry's baseline strategy: every other one must match it. */
static const struct strategy *baseline(void)
{
	for (size_t s = 0; s < n_strategies; s++)
		if (strategies[s]->baseline)
			return strategies[s];
	fail_msg("no baseline strategy");
	return NULL;
}

/* io_uring may be blocked (container seccomp): then it is skipped, loudly. */
static bool usable(const struct strategy *st)
{
	char why[256];

	if (!st->probe || st->probe(why, sizeof(why)) == 0)
		return true;
	fprintf(stderr, "note: skipping %s here: %s\n", st->name, why);
	return false;
}

/*
 * io_uring's switches: registered files, an SQPOLL poller, registered
 * buffers; the blocking pools' read-ahead window
 */
enum { FIXED = 1, SQPOLL = 2, FIXED_BUFS = 4, SYNC_RA = 8 };

/* The trial under way, named when the suite's alarm goes off. */
static char current[256] = "(none)";

/*
 * A hang fails the suite saying where: the trial, and what each thread of
 * this session waits in (the stuck trial's processes among them).  Not
 * async-signal-safe, and need not be: the process ends here.
 */
static void on_alarm(int sig)
{
	char cmd[128];

	(void)sig;
	fprintf(stderr, "test_strategies: stuck for 300 s in the trial %s\n", current);
	snprintf(cmd, sizeof(cmd), "ps -L -o pid,ppid,lwp,stat,wchan:32,comm -s %d >&2",
		 (int)getsid(0));
	if (system(cmd) != 0)
		fprintf(stderr, "(ps failed)\n");
	_exit(142);
}

static void trial_with(const struct workload *wl, struct wl_ctx *ctx,
		       const struct strategy *st, unsigned workers, unsigned qd, unsigned flags,
		       struct trial_rec *rec)
{
	uint64_t opt[WL_MAX_KNOBS] = { 0 };

	snprintf(current, sizeof(current), "%s/%s workers=%u qd=%u switches=%u", wl->name,
		 st->name, workers, qd, flags);
	memset(rec, 0, sizeof(*rec));
	if (wl->before_trial)
		assert_int_equal(wl->before_trial(ctx), 0);
	/* the strategy's own options, by the names it declares */
	for (size_t i = 0; i < st->noptions; i++) {
		const char *n = st->options[i].name;

		opt[i] = (!strcmp(n, "uring-fixed-files") && (flags & FIXED)) ||
			 (!strcmp(n, "sqpoll") && (flags & SQPOLL)) ||
			 (!strcmp(n, "uring-fixed-bufs") && (flags & FIXED_BUFS)) ||
			 (!strcmp(n, "no-sync-readahead") && !(flags & SYNC_RA));
	}
	struct trial_opts o = { .workers = workers, .qd = qd, .cache = CACHE_WARM,
				.latency = true, .st_opt = opt };

	assert_int_equal(trial_run(wl, ctx, st, &o, rec), 0);
}

static void trial(const struct workload *wl, struct wl_ctx *ctx,
		  const struct strategy *st, unsigned workers, unsigned qd,
		  struct trial_rec *rec)
{
	trial_with(wl, ctx, st, workers, qd, 0, rec);
}

/* Every workload of the registry under every strategy that does I/O. */
/*
 * replay's trace: an input read to its end, an output written past its
 * end (a hole), synced, read back, then truncated by a second open; an
 * output that existed before the program ran, read and overwritten; two
 * threads.
 */
static const char replay_trace[] =
	"iobench-trace 1\n"
	"file 0 in 100000 in.bin\nfile 1 out 0 out.bin\nfile 2 out 100 pre.bin\n"
	"open 0 0 1000 r\nread 0 0 0 0 65536 65536\nread 0 0 20000 65536 65536 34464\n"
	"open 1 1 0 rwc\nwrite 1 1 5000 0 4096\nwrite 1 1 0 8192 100\nfsync 1 1 0\n"
	"read 1 1 0 0 9000 8292\nclose 1 1 0\n"
	"open 1 2 0 rw\nread 1 2 0 0 200 100\nwrite 1 2 0 50 100\nclose 1 2 0\n"
	"close 0 0 0\nopen 1 1 0 rwt\nwrite 1 1 0 0 10\nclose 1 1 0\n";

/* Writes replay_trace into @dir and points the replay workload at it. */
static char *give_replay_a_trace(struct config *cfg, const char *dir)
{
	const struct workload *wl = workload_find("replay");
	char *path = xasprintf("%s/test.iotrace", dir);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(replay_trace, f);
	fclose(f);
	wl_knobs(cfg, wl)->s[wl_knob_index(wl, "trace")] = path;
	return path;
}

/* @st did @ref's work in every shape, switch and read-ahead window. */
static void same_work_as(const struct workload *wl, struct wl_ctx *ctx,
			 const struct strategy *st, const struct trial_rec *ref)
{
	struct trial_rec rec;

	for (size_t a = 0; a < ARRAY_SIZE(shapes); a++) {
		for (size_t b = 0; b < ARRAY_SIZE(shapes); b++) {
			trial(wl, ctx, st, shapes[a], shapes[b], &rec);
			if (!rec.valid)
				fail_msg("%s/%s workers=%u qd=%u: %s", wl->name,
					 st->name, shapes[a], shapes[b], rec.error);
			/* a replay as recorded cuts its jobs by thread: its own digest */
			if (!(st->as_recorded && wl->has_recorded))
				assert_string_equal(rec.digest, ref->digest);
			assert_true(rec.sum == ref->sum);
			assert_int_equal(rec.ops, ref->ops);
			assert_int_equal(rec.bytes, ref->bytes);
		}
	}
	/* A ring's switches change how ops are issued, never the work. */
	static const unsigned switches[] = { FIXED, FIXED_BUFS, FIXED | FIXED_BUFS,
					     SQPOLL, SQPOLL | FIXED | FIXED_BUFS };

	for (size_t f = 0; st->uses_qd && f < ARRAY_SIZE(switches); f++) {
		trial_with(wl, ctx, st, 2, 4, switches[f], &rec);
		if (!rec.valid)
			fail_msg("%s/%s switches %u: %s", wl->name, st->name,
				 switches[f], rec.error);
		assert_string_equal(rec.digest, ref->digest);
	}
	/* the read-ahead window too (ignored by the event loops) */
	trial_with(wl, ctx, st, 2, 4, SYNC_RA, &rec);
	if (!rec.valid)
		fail_msg("%s/%s read-ahead window: %s", wl->name, st->name, rec.error);
	if (!(st->as_recorded && wl->has_recorded))
		assert_string_equal(rec.digest, ref->digest);
	assert_int_equal(rec.ops, ref->ops);
}

static void test_identical_work(void **state)
{
	char *dir = test_tmpdir("ident");
	const struct strategy *base = baseline();
	struct config cfg;
	char *trace;

	(void)state;
	test_config(&cfg, dir);
	trace = give_replay_a_trace(&cfg, dir);
	for (size_t w = 0; w < n_workloads; w++) {
		const struct workload *wl = workloads[w];
		struct wl_ctx ctx = { .cfg = &cfg };
		struct trial_rec ref;

		snprintf(current, sizeof(current), "%s's prepare", wl->name);
		snprintf(current, sizeof(current), "%s's prepare", wl->name);
	assert_int_equal(wl->prepare(&ctx), 0);
		trial(wl, &ctx, base, 1, 1, &ref);
		if (!ref.valid)
			fail_msg("%s/%s: %s", wl->name, base->name, ref.error);
		for (size_t s = 0; s < n_strategies; s++) {
			const struct strategy *st = strategies[s];

			if (st == base || st->no_io || !usable(st))
				continue;
			same_work_as(wl, &ctx, st, &ref);
		}
		if (wl->release)
			wl->release(&ctx);
	}
	remove_tree(dir);
	free(trace);
	free(dir);
}

/*
 * Root ignores directory permissions; drop CAP_DAC_OVERRIDE from the
 * effective set (it stays permitted, so it can come back) so that a
 * read-only directory is read-only for the trials too.
 */
static void dac_override(bool on)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (geteuid() != 0 || syscall(SYS_capget, &h, d) < 0)
		return;
	if (on)
		d[0].effective |= d[0].permitted & (1u << CAP_DAC_OVERRIDE);
	else
		d[0].effective &= ~(1u << CAP_DAC_OVERRIDE);
	syscall(SYS_capset, &h, d);
}

/* Every strategy (serial too) fails the trial with @words in the error. */
static void expect_all_fail(const struct workload *wl, struct wl_ctx *ctx,
			    const char *words)
{
	for (size_t s = 0; s < n_strategies; s++) {
		const struct strategy *st = strategies[s];
		struct trial_rec rec;

		if (st->no_io || !usable(st))
			continue;
		memset(&rec, 0, sizeof(rec));
		snprintf(current, sizeof(current), "%s/%s expected to fail", wl->name, st->name);
		struct trial_opts o = { .workers = 2, .qd = 4, .cache = CACHE_WARM };

		assert_int_equal(trial_run(wl, ctx, st, &o, &rec), 0);
		if (rec.valid || !strstr(rec.error, words))
			fail_msg("%s/%s: expected an error with '%s', got valid=%d '%s'",
				 wl->name, st->name, words, rec.valid, rec.error);
	}
}

static void test_read_only_output(void **state)
{
	char *dir = test_tmpdir("rofs"), *out;
	const struct workload *wl = workload_find("csv");
	struct config cfg;
	struct wl_ctx ctx = { .cfg = &cfg };

	(void)state;
	test_config(&cfg, dir);
	snprintf(current, sizeof(current), "%s's prepare", wl->name);
	assert_int_equal(wl->prepare(&ctx), 0);
	out = xasprintf("%s/csv-out-%ld", dir, (long)getpid());
	assert_int_equal(chmod(out, 0555), 0);
	dac_override(false);
	expect_all_fail(wl, &ctx, "Permission denied");
	expect_all_fail(wl, &ctx, out);	/* names the file */
	dac_override(true);
	assert_int_equal(chmod(out, 0755), 0);
	wl->release(&ctx);
	remove_tree(dir);
	free(out);
	free(dir);
}

static void test_truncated_inputs(void **state)
{
	const char *wls[] = { "md5", "array" };

	(void)state;
	for (size_t w = 0; w < ARRAY_SIZE(wls); w++) {
		char *dir = test_tmpdir("trunc");
		const struct workload *wl = workload_find(wls[w]);
		struct config cfg;
		struct wl_ctx ctx = { .cfg = &cfg };
		struct stat st;

		test_config(&cfg, dir);
		snprintf(current, sizeof(current), "%s's prepare", wl->name);
		snprintf(current, sizeof(current), "%s's prepare", wl->name);
	assert_int_equal(wl->prepare(&ctx), 0);
		/* changed after the manifest check: the trials must notice */
		assert_int_equal(stat(ctx.files[ctx.nfiles - 1], &st), 0);
		assert_int_equal(truncate(ctx.files[ctx.nfiles - 1], st.st_size / 3), 0);
		expect_all_fail(wl, &ctx, "file ends at byte");
		wl->release(&ctx);
		remove_tree(dir);
		free(dir);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical_work),
		cmocka_unit_test(test_read_only_output),
		cmocka_unit_test(test_truncated_inputs),
	};

	/* a strategy that hangs fails the suite instead of stalling CI, naming the trial */
	signal(SIGALRM, on_alarm);
	alarm(300);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
