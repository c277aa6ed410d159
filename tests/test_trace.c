/* test_trace.c - strace logs into traces, the trace format, and the replay's plan. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iotrace.h"
#include "replay_order.h"
#include "replay_plan.h"
#include "strace_conv.h"

static char msg[512];

static int convert(const char *log, struct iotrace *t)
{
	struct strace_opts o = { .root = "/data", .cwd = "/home/u", .command = "job" };
	FILE *f = fmemopen((void *)log, strlen(log), "r");
	int rc;

	assert_non_null(f);
	msg[0] = '\0';
	rc = strace_convert(f, "log", &o, t, msg, sizeof(msg));
	fclose(f);
	return rc;
}

static int parse(const char *text, struct iotrace *t)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(f);
	msg[0] = '\0';
	rc = iotrace_read(f, "t", t, msg, sizeof(msg));
	fclose(f);
	return rc;
}

/* Two threads, one call cut by the other, lseek, pread, an append, paths outside the root. */
static const char two_threads[] =
	"100 1000.000000 openat(AT_FDCWD</home/u>, \"/usr/lib/libc.so\", O_RDONLY) = 3</usr/lib/libc.so> <0.000010>\n"
	"100 1000.000100 read(3</usr/lib/libc.so>, \"\"..., 832) = 832 <0.000010>\n"
	"100 1000.000200 close(3</usr/lib/libc.so>) = 0 <0.000010>\n"
	"100 1000.001000 openat(AT_FDCWD</home/u>, \"/data/in.bin\", O_RDONLY|O_CLOEXEC) = 3</data/in.bin> <0.000010>\n"
	"100 1000.001010 newfstatat(3</data/in.bin>, \"\", {st_mode=S_IFREG|0644, st_size=10000, ...}, AT_EMPTY_PATH) = 0 <0.000005>\n"
	"100 1000.002000 read(3</data/in.bin>,  <unfinished ...>\n"
	"101 1000.002100 openat(AT_FDCWD</home/u>, \"/data/sub/out.csv\", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 4</data/sub/out.csv> <0.000010>\n"
	"100 1000.003000 <... read resumed>\"\"..., 4096) = 4096 <0.001000>\n"
	"101 1000.003500 write(4</data/sub/out.csv>, \"\"..., 100) = 100 <0.000100>\n"
	"100 1000.004000 lseek(3</data/in.bin>, 9000, SEEK_SET) = 9000 <0.000001>\n"
	"100 1000.005000 read(3</data/in.bin>, \"\"..., 4096) = 1000 <0.000100>\n"
	"100 1000.005200 pread64(3</data/in.bin>, \"\"..., 512, 128) = 512 <0.000050>\n"
	"101 1000.006000 fsync(4</data/sub/out.csv>) = 0 <0.000500>\n"
	"101 1000.007000 close(4</data/sub/out.csv>) = 0 <0.000010>\n"
	"101 1000.007100 openat(AT_FDCWD</home/u>, \"/data/sub/out.csv\", O_WRONLY|O_APPEND) = 4</data/sub/out.csv> <0.000010>\n"
	"101 1000.007200 write(4</data/sub/out.csv>, \"\"..., 20) = 20 <0.000010>\n"
	"101 1000.007300 close(4</data/sub/out.csv>) = 0 <0.000010>\n"
	"100 1000.008000 close(3</data/in.bin>) = 0 <0.000010>\n"
	"100 1000.008100 openat(AT_FDCWD</home/u>, \"/data/missing\", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000010>\n"
	"100 1000.008200 openat(AT_FDCWD</home/u>, \"/data/../etc/passwd\", O_RDONLY) = 3</etc/passwd> <0.000010>\n"
	"100 1000.008300 close(3</etc/passwd>) = 0 <0.000010>\n"
	"100 1000.009000 +++ exited with 0 +++\n";

static void test_convert_threads(void **state)
{
	struct iotrace t;
	const struct it_op *o;

	(void)state;
	assert_int_equal(convert(two_threads, &t), 0);
	assert_int_equal(t.nfiles, 2);
	assert_string_equal(t.files[0].path, "in.bin");
	assert_false(t.files[0].out);
	assert_int_equal(t.files[0].size, 10000);	/* the short read at 9000 ends it */
	assert_string_equal(t.files[1].path, "sub/out.csv");
	assert_true(t.files[1].out);
	assert_int_equal(t.files[1].size, 0);
	assert_int_equal(t.threads, 2);
	assert_int_equal(t.nops, 12);
	/* thread 0: open, read (resumed: started at .002), read at 9000, pread, close */
	o = &t.ops[0];
	assert_int_equal(o->type, IT_OPEN);
	assert_int_equal(o->tid, 0);
	o = &t.ops[2];	/* the resumed read comes out when it completes */
	assert_int_equal(o->type, IT_READ);
	assert_int_equal(o->off, 0);
	assert_int_equal(o->len, 4096);
	assert_int_equal(o->got, 4096);
	/* compute before it: .002000 - (.001010 + .000005), the fstat's time left out */
	assert_int_equal(o->compute_ns, 985000);
	o = &t.ops[4];
	assert_int_equal(o->type, IT_READ);
	assert_int_equal(o->off, 9000);
	assert_int_equal(o->got, 1000);
	o = &t.ops[5];
	assert_int_equal(o->off, 128);	/* pread: its own offset, the position untouched */
	/* the append lands at the end (100), not at the new handle's position 0 */
	for (size_t i = 0; i < t.nops; i++)
		if (t.ops[i].type == IT_WRITE && t.ops[i].len == 20)
			assert_int_equal(t.ops[i].off, 100);
	assert_int_equal(t.failed, 1);		/* /data/missing */
	assert_int_equal(t.dropped, 5);		/* libc (3 calls), /etc/passwd (2) */
	assert_int_equal(t.unreplayed[IT_U_STAT], 1);
	assert_int_equal(t.span_ns, 7010000);	/* .001000 to .008010 */
	assert_int_equal(t.wall_ns, 9000000);
	iotrace_free(&t);
}

/* A log without -y: fds are followed through the opens; relative paths from the cwd. */
static void test_convert_without_y(void **state)
{
	static const char log[] =
		"1000.000000 openat(AT_FDCWD, \"../../data/a\", O_RDONLY) = 5 <0.000010>\n"
		"1000.000100 read(5, \"\"..., 100) = 100 <0.000010>\n"
		"1000.000200 read(5, \"\", 100) = 0 <0.000010>\n"
		"1000.000300 close(5) = 0 <0.000010>\n";
	struct iotrace t;

	(void)state;
	assert_int_equal(convert(log, &t), 0);
	assert_int_equal(t.nfiles, 1);
	assert_string_equal(t.files[0].path, "a");
	assert_int_equal(t.files[0].size, 100);
	assert_int_equal(t.nops, 4);
	iotrace_free(&t);
}

static void test_convert_errors(void **state)
{
	struct iotrace t;

	(void)state;
	assert_int_equal(convert("openat(AT_FDCWD, \"/data/a\", O_RDONLY) = 3\n", &t), -EINVAL);
	assert_non_null(strstr(msg, "log:1: no timestamp"));
	assert_int_equal(convert("1.0 openat(AT_FDCWD, \"/data/a\", O_RDONLY) = 3 <0.1>\n"
				 "2.0 read(3, \"\"..., 100\n", &t), -EINVAL);
	assert_non_null(strstr(msg, "log:2: "));
	assert_non_null(strstr(msg, "cut short"));
	assert_int_equal(convert("1.0 openat(AT_FDCWD, \"/etc/a\", O_RDONLY) = 3 <0.1>\n", &t),
			 -EINVAL);
	assert_non_null(strstr(msg, "nothing below the root /data"));
	/* unknown syscalls are counted, not errors */
	assert_int_equal(convert("1.0 frobnicate(1, 2) = 0 <0.1>\n"
				 "1.1 openat(AT_FDCWD, \"/data/a\", O_RDONLY) = 3 <0.1>\n"
				 "1.2 close(3) = 0 <0.1>\n", &t), 0);
	assert_int_equal(t.ignored, 1);
	iotrace_free(&t);
}

/* Thousands of opens and closes: the handle table is rebuilt many times over its tombstones. */
static void test_convert_many_opens(void **state)
{
	char *log = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&log, &len);
	struct iotrace t;

	(void)state;
	for (int i = 0; i < 3000; i++) {
		int fd = 3 + i % 7;

		fprintf(f, "1 %d.000000 openat(AT_FDCWD</d>, \"/data/f%d\", O_RDONLY) = %d</data/f%d> <0.000001>\n"
			   "1 %d.100000 read(%d</data/f%d>, \"\"..., 10) = 10 <0.000001>\n"
			   "1 %d.200000 close(%d</data/f%d>) = 0 <0.000001>\n",
			i + 1, i % 500, fd, i % 500, i + 1, fd, i % 500, i + 1, fd, i % 500);
	}
	fclose(f);
	assert_int_equal(convert(log, &t), 0);
	assert_int_equal(t.nfiles, 500);
	assert_int_equal(t.nops, 9000);
	for (size_t i = 0; i < t.nops; i++)
		if (t.ops[i].type == IT_READ)
			assert_int_equal(t.ops[i].off, 0);	/* every handle starts afresh */
	iotrace_free(&t);
	free(log);
}

static void test_trace_round_trip(void **state)
{
	struct iotrace t, u;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(convert(two_threads, &t), 0);
	f = open_memstream(&buf, &len);
	assert_int_equal(iotrace_write(f, &t), 0);
	fclose(f);
	assert_int_equal(parse(buf, &u), 0);
	assert_int_equal(u.nfiles, t.nfiles);
	assert_int_equal(u.nops, t.nops);
	assert_memory_equal(u.ops, t.ops, t.nops * sizeof(*t.ops));
	assert_int_equal(u.span_ns, t.span_ns);
	assert_int_equal(u.dropped, t.dropped);
	assert_string_equal(u.files[1].path, "sub/out.csv");
	iotrace_free(&u);
	free(buf);
	/* a root and a command with a newline and a backslash: one line each, read back */
	free(t.root);
	free(t.command);
	t.root = strdup("/data/a\nb\\x41");
	t.command = strdup("job.py 'two\nlines'");
	f = open_memstream(&buf, &len);
	assert_int_equal(iotrace_write(f, &t), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\nroot /data/a\\x0ab\\x5cx41\n"));
	assert_int_equal(parse(buf, &u), 0);
	assert_string_equal(u.root, t.root);
	assert_string_equal(u.command, t.command);
	iotrace_free(&t);
	iotrace_free(&u);
	free(buf);
	/* an op's wait: written only when there is one, and read back */
	assert_int_equal(parse("iobench-trace 2\nfile 0 in 1 a\nopen 0 0 7 r wait=250\n"
			       "close 0 0 0\n", &u), 0);
	assert_int_equal(u.ops[0].compute_ns, 7);
	assert_int_equal(u.ops[0].wait_ns, 250);
	assert_int_equal(u.ops[1].wait_ns, 0);
	f = open_memstream(&buf, &len);
	assert_int_equal(iotrace_write(f, &u), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\nopen 0 0 7 r wait=250\nclose 0 0 0\n"));
	free(buf);
	iotrace_free(&u);
	/* version 1 wrote them raw: still read as they are */
	assert_int_equal(parse("iobench-trace 1\nroot /d\\x41\nfile 0 in 1 a\nopen 0 0 0 r\n"
			       "close 0 0 0\n", &u), 0);
	assert_string_equal(u.root, "/d\\x41");
	iotrace_free(&u);
}

#define HEAD "iobench-trace 1\n"
#define OK_FILE "file 0 in 100 a\\x20b\n"

static void test_trace_errors(void **state)
{
	static const struct {
		const char *text, *want;
		int rc;
	} cases[] = {
		{ HEAD "file 0 in 10 ../../etc/passwd\n", "leaves the trace's root", -EINVAL },
		{ HEAD "file 0 out 10 /etc/passwd\n", "leaves the trace's root", -EINVAL },
		{ HEAD "file 0 out 10 a/./b\n", "leaves the trace's root", -EINVAL },
		{ HEAD OK_FILE "open 0 0 0 r\nread 0 0 0 0 10\n", "t:4: truncated line: GOT", -EINVAL },
		{ HEAD OK_FILE "open 0 0 0 r\nseek 0 0 0\n", "t:4: unknown line 'seek'", -EINVAL },
		{ HEAD OK_FILE "open 0 1 0 r\n", "names file 1, which no 'file' line", -EINVAL },
		{ HEAD OK_FILE "open 0 0 0 r\nread 0 0 0 90 20 20\nclose 0 0 0\n",
		  "got 20 bytes, but the file is 100", -EINVAL },
		{ HEAD OK_FILE "open 0 0 0 w\n", "opened for writing", -EINVAL },
		{ HEAD OK_FILE "read 0 0 0 0 10 10\n", "not open", -EINVAL },
		{ HEAD OK_FILE "open 0 0 0 r\n", "still open at the end", -EINVAL },
		{ HEAD OK_FILE "open 0 0 0 r\nclose 0 0 0", "the last line has no end", -EINVAL },
		{ "iobench-trace 3\n", "version 3 is newer", -ENOTSUP },
		{ HEAD OK_FILE "open 0 0 0 r wait=x\n", "wait 'x' is not a number", -EINVAL },
		{ HEAD OK_FILE "open 0 0 0 r wait=3600000000001\n", "a wait of 3600000000001 ns",
		  -EINVAL },
		{ HEAD OK_FILE "open 0 0 0 r wait=5 x\n", "trailing text after the open", -EINVAL },
		{ "hello\n", "not an iobench trace", -EINVAL },
		{ HEAD OK_FILE, "no ops", -EINVAL },
	};
	struct iotrace t;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = parse(cases[i].text, &t);

		if (rc != cases[i].rc || !strstr(msg, cases[i].want))
			fail_msg("case %zu: rc %d, msg '%s' (wanted '%s')", i, rc, msg, cases[i].want);
	}
	assert_int_equal(parse(HEAD OK_FILE "open 0 0 0 r\nread 0 0 5 90 20 10\nclose 0 0 0\n", &t), 0);
	assert_string_equal(t.files[0].path, "a b");
	assert_int_equal(t.ops[1].compute_ns, 5);
	iotrace_free(&t);
}

static void test_path_ok(void **state)
{
	(void)state;
	assert_true(iotrace_path_ok("a"));
	assert_true(iotrace_path_ok("a/b.c/..d"));
	assert_false(iotrace_path_ok(""));
	assert_false(iotrace_path_ok("/a"));
	assert_false(iotrace_path_ok(".."));
	assert_false(iotrace_path_ok("a/../b"));
	assert_false(iotrace_path_ok("a//b"));
	assert_false(iotrace_path_ok("a/"));
	assert_false(iotrace_path_ok("./a"));
}

/* Any range of a generated file is the same bytes, wherever the fill starts. */
static void test_fill_random_access(void **state)
{
	unsigned char whole[100], part[37];

	(void)state;
	replay_fill(7, 3, 0, whole, sizeof(whole));
	replay_fill(7, 3, 13, part, sizeof(part));
	assert_memory_equal(whole + 13, part, sizeof(part));
	replay_fill(7, 4, 13, part, sizeof(part));
	assert_memory_not_equal(whole + 13, part, sizeof(part));
}

/*
 * As recorded: a thread waits for exactly the threads whose last op came
 * before its first.  Here 0 runs alone, then 1 and 2 overlap, then 3.
 */
static void test_order(void **state)
{
	static const char four[] = HEAD "threads 4\nfile 0 in 10 a\nfile 1 in 10 b\n"
		"open 0 0 0 r\nclose 0 0 0\n"
		"open 1 0 0 r\nopen 2 1 0 r\nclose 1 0 0\nclose 2 1 0\n"
		"open 3 0 0 r\nclose 3 0 0\n";
	struct iotrace t;
	struct rp_plan p;
	struct rp_order o;
	struct rp_gate *g;

	(void)state;
	if (parse(four, &t) < 0)
		fail_msg("%s", msg);
	assert_int_equal(replay_plan_build(&p, &t, RJ_THREAD, 1, NULL, 0), 0);
	assert_int_equal(p.njobs, 4);
	assert_int_equal(replay_order_build(&o, &p), 0);
	assert_int_equal(o.need[0], 0);
	assert_int_equal(o.need[1], 1);
	assert_int_equal(o.need[2], 1);
	assert_int_equal(o.need[3], 3);
	/* the gate opens for 3 only once 0, 1 and 2 have all ended, in any order */
	g = replay_gate_new(&o, t.nfiles, 1);
	assert_non_null(g);
	replay_gate_end(g, 2);
	assert_int_equal(g->prefix, 0);
	replay_gate_end(g, 0);
	assert_int_equal(g->prefix, 1);
	replay_gate_wait(g, 1);		/* open: returns */
	replay_gate_end(g, 1);
	assert_true(g->prefix >= 3);
	replay_gate_wait(g, 3);
	replay_gate_put(g);
	replay_order_free(&o);
	replay_plan_free(&p);
	iotrace_free(&t);
}

/* thread jobs need each output to have one thread; file jobs always work */
static void test_plan(void **state)
{
	static const char shared[] = HEAD "file 0 out 0 o\n"
		"open 0 0 0 wc\nwrite 0 0 0 0 10\nclose 0 0 0\n"
		"open 1 0 0 r\nread 1 0 0 0 20 10\nclose 1 0 0\n";
	struct iotrace t;
	struct rp_plan p;

	(void)state;
	assert_int_equal(parse(shared, &t), 0);
	assert_int_equal(replay_plan_build(&p, &t, RJ_THREAD, 1, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "whose order the trace can't fix"));
	/* as recorded, the output passes from 0 to 1, which started after 0 ended */
	assert_int_equal(replay_plan_build(&p, &t, RJ_RECORDED, 1, msg, sizeof(msg)), 0);
	assert_int_equal(p.njobs, 2);
	assert_int_equal(replay_plan_reference(&p, msg, sizeof(msg)), 0);
	assert_int_equal(p.final_size[0], 10);
	replay_plan_free(&p);
	assert_int_equal(replay_plan_build(&p, &t, RJ_FILE, 1, msg, sizeof(msg)), 0);
	assert_int_equal(p.njobs, 1);
	assert_int_equal(p.jobs[0].nops, 6);
	assert_true(p.creates[0]);
	assert_false(p.creates[3]);
	assert_int_equal(replay_plan_reference(&p, msg, sizeof(msg)), 0);
	assert_int_equal(p.final_size[0], 10);
	replay_plan_free(&p);
	iotrace_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_convert_threads),
		cmocka_unit_test(test_convert_without_y),
		cmocka_unit_test(test_convert_errors),
		cmocka_unit_test(test_convert_many_opens),
		cmocka_unit_test(test_trace_round_trip),
		cmocka_unit_test(test_trace_errors),
		cmocka_unit_test(test_path_ok),
		cmocka_unit_test(test_fill_random_access),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
