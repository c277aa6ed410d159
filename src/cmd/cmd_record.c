/* cmd_record.c - `iobench record`: a program's file I/O, recorded once, as a replayable trace.
 *
 * Chooses the recorder (recorder.c), runs the command under it and makes
 * its log a trace (record_run.c), reads the trace back as `run` will,
 * then writes it atomically (safefs: a new temporary file renamed into
 * place, so a planted symlink at -o is replaced, never followed).
 * `--from-strace LOG` converts a log made elsewhere.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "iotrace.h"
#include "record_run.h"
#include "recorder.h"
#include "safefs.h"
#include "strace_conv.h"
#include "util.h"

static const char usage[] =
	"Usage: iobench record -o FILE [--root DIR] [--recorder R] -- COMMAND [ARGS...]\n"
	"       iobench record -o FILE [--root DIR] [--cwd DIR] --from-strace LOG\n"
	"Runs COMMAND and writes its file I/O below DIR as a trace that\n"
	"'iobench run --workload replay --trace FILE' replays under every strategy:\n"
	"per file its path and size, per op its offset and length, and each thread's\n"
	"compute between its calls.  Paths outside DIR (libraries, /proc, the\n"
	"interpreter's imports) are left out.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE     the trace to write (replaced atomically)\n"
	"  --recorder R          preload: a library in the program (LD_PRELOAD) times\n"
	"                        each thread's CPU between its calls, ~11 us a call;\n"
	"                        strace: the kernel's view of every call, compute as the\n"
	"                        wall-clock gaps between them (time blocked in other\n"
	"                        calls included), 30-150 us a call; auto (default):\n"
	"                        preload, strace for static and Go programs\n"
	"  --root DIR            keep the I/O on files below DIR (default: the current\n"
	"                        directory); the trace's paths are relative to it\n"
	"  --from-strace LOG     convert a log made elsewhere with\n"
	"                        strace -f -ttt -T -y -o LOG COMMAND\n"
	"                        (without -y: relative paths are taken from --cwd)\n"
	"  --cwd DIR             the traced program's directory (default: the current one)\n"
	"  --overhead-ns N       with --from-strace: strace's own cost per call on the\n"
	"                        machine that made LOG, taken out of every compute gap\n"
	"                        (record measures it itself, with dd under strace)\n"
	"  --keep-failed         write the trace of a command that exits non-zero (its\n"
	"                        partial run, said); by default none is written\n"
	"  -h, --help            this text\n"
	"Exit status: 0 with the trace written; 1 when the recorder can't run or\n"
	"see the program, the command fails, or nothing below DIR was touched; 2\n"
	"for usage.\n";


struct text {
	char *buf;
	size_t len;
};

static int emit_text(FILE *f, const void *arg)
{
	const struct text *x = arg;

	return fwrite(x->buf, 1, x->len, f) == x->len ? 0 : -EIO;
}

/*
 * @t as its reader will see it: written to memory and read back with
 * iotrace_read, so a trace record reports as written is one `run` takes
 * (a log's negative offsets, returns beyond the count or 200k threads
 * are refused here, naming the reader's reason, not at replay time).
 * 0 with @x set (free x->buf), or -errno with @msg.
 */
static int render_checked(const struct iotrace *t, struct text *x, char *msg, size_t len)
{
	char why[768];
	struct iotrace back;
	FILE *f = open_memstream(&x->buf, &x->len), *in;
	int rc;

	if (!f)
		return -errno;
	rc = iotrace_write(f, t);
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc < 0)
		goto fail;
	if (!(in = fmemopen(x->buf, x->len, "r"))) {
		rc = -errno;
		goto fail;
	}
	rc = iotrace_read(in, "the new trace", &back, why, sizeof(why));
	fclose(in);
	if (rc == 0) {
		iotrace_free(&back);
		return 0;
	}
	snprintf(msg, len, "the log gives a trace iobench cannot replay, so none was written: %s",
		 why);
	free(x->buf);
	x->buf = NULL;
	return rc;
fail:
	snprintf(msg, len, "cannot render the trace: %s", strerror(-rc));
	free(x->buf);
	x->buf = NULL;
	return rc;
}

/* Writes @t to @out atomically (a new file renamed over the old one).  0 or -errno. */
static int save_trace(const char *out, const struct iotrace *t, char *msg, size_t len)
{
	char *dup1 = xasprintf("%s", out), *dup2 = xasprintf("%s", out);
	const char *dir = dirname(dup1), *base = basename(dup2);
	struct text x = { 0 };
	int dfd = -1, rc;

	if ((rc = render_checked(t, &x, msg, len)) < 0)
		goto out;
	dfd = sfs_open_user_dir(dir, false, msg, len);
	if (dfd < 0) {
		rc = dfd;
		goto out;
	}
	rc = sfs_save_emit(dfd, base, true, emit_text, &x);
	if (rc < 0)
		snprintf(msg, len, "cannot write %s: %s", out, strerror(-rc));
	close(dfd);
out:
	free(x.buf);
	free(dup1);
	free(dup2);
	return rc;
}

static char *join_args(char **argv, int argc)
{
	size_t len = 1, n = 0;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = xcalloc(1, len);
	for (int i = 0; i < argc; i++) {
		if (i)
			s[n++] = ' ';
		for (const char *c = argv[i]; *c; c++)
			s[n++] = *c;	/* escaped when written */
	}
	return s;
}

struct record_args {
	const char *out, *root, *cwd, *from, *overhead;
	enum recorder rec;
	bool keep_failed;
};

/* The options; -1 to go on, else the exit status (help, or a misuse said). */
static int record_parse(int argc, char **argv, struct record_args *a)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "root", required_argument, NULL, 'r' },
		{ "cwd", required_argument, NULL, 'c' },
		{ "from-strace", required_argument, NULL, 'f' },
		{ "overhead-ns", required_argument, NULL, 'n' },
		{ "recorder", required_argument, NULL, 'R' },
		{ "keep-failed", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*a = (struct record_args){ .root = ".", .rec = REC_AUTO };
	optind = 1;
	opterr = 0;
	/* "+": stop at the command, whose options are its own */
	while ((c = getopt_long(argc, argv, "+o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': a->out = optarg; break;
		case 'r': a->root = optarg; break;
		case 'c': a->cwd = optarg; break;
		case 'f': a->from = optarg; break;
		case 'n': a->overhead = optarg; break;
		case 'R':
			for (a->rec = REC_AUTO; a->rec < REC_N &&
			     strcmp(optarg, recorder_names[a->rec]); a->rec++)
				;
			if (a->rec == REC_N) {
				errmsg("record: --recorder %s: not auto, preload or strace", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'k': a->keep_failed = true; break;
		case 'h': fputs(usage, stdout); return 0;
		default: return cli_bad_option(c, argv, "record");
		}
	}
	if (!a->out || !a->out[0]) {
		errmsg("record: -o %s (the trace to write)", a->out ? "'' names no file" :
		       "FILE is required");
		return EXIT_USAGE;
	}
	if (!a->from && optind >= argc) {
		errmsg("record: no command to run (iobench record -o FILE -- COMMAND [ARGS...])");
		return EXIT_USAGE;
	}
	if (a->from && optind < argc) {
		errmsg("record: --from-strace converts a log; it runs no command ('%s')",
		       argv[optind]);
		return EXIT_USAGE;
	}
	return -1;
}

/* What was recorded, and what the replay will not do, on stderr. */
static void record_say(const char *out, const struct iotrace *t, const char *rroot,
		       int kept_status, const char *prog)
{
	struct it_summary s;
	char why[512];

	iotrace_summarise(t, &s);
	fprintf(stderr, "trace: %s: %zu ops on %zu file%s (%zu read, %zu written), %u thread%s; "
		"%llu calls outside %s left out\n", out, t->nops, t->nfiles, t->nfiles == 1 ? "" : "s",
		s.files_in, s.files_out,
		t->threads, t->threads == 1 ? "" : "s", (unsigned long long)t->dropped, rroot);
	if (t->cpu_ns)
		fprintf(stderr, "trace: recorder preload: the program ran %.3f s and used %.3f s of "
			"CPU; the compute recorded between its calls is %.3f s (and %.3f s before "
			"each thread's first call)\n", (double)t->wall_ns / 1e9,
			(double)t->cpu_ns / 1e9, (double)s.compute_ns / 1e9, (double)t->lead_ns / 1e9);
	if (kept_status)
		fprintf(stderr, "iobench: warning: '%s' exited with status %d: the trace holds its "
			"partial run (--keep-failed)\n", prog, kept_status);
	if (iotrace_lacks(t, why, sizeof(why)))
		fprintf(stderr, "iobench: warning: the program %s, which the replay does not do "
			"('iobench trace show %s')\n", why, out);
	if (iotrace_command_is_python(t->command) || (prog && recorder_runs_python(prog)))
		fprintf(stderr, "trace: the program is a Python interpreter: its threads share "
			"one interpreter lock, which a C replay does not have; replay it with "
			"--model python, or --model c,python for both verdicts\n");
	if (t->mmaps)
		fprintf(stderr, "iobench: warning: the program mapped %llu file region(s) below "
			"the root: reads through a mapping are not syscalls and are not in the "
			"trace ('iobench trace show %s')\n", (unsigned long long)t->mmaps, out);
}

/* Runs @args (the program) under the recorder @rec asks for.  0 or -errno with @msg. */
static int record_live(char **args, int nargs, enum recorder rec, struct strace_opts *so,
		       struct record_how *how, struct iotrace *t, char *msg, size_t len)
{
	char why[512], *cmd = join_args(args, nargs);
	enum recorder used = recorder_choose(rec, args[0], why, sizeof(why));
	int rc;

	so->command = cmd;
	if (used == REC_N) {
		snprintf(msg, len, "record: --recorder preload: %s", why);
		rc = -ENOTSUP;
		goto out;
	}
	if (why[0])
		errmsg("record: using strace: %s", why);
	rc = record_run(used, args, nargs, so, how, t, msg, len);
out:
	so->command = NULL;	/* freed here */
	free(cmd);
	return rc;
}

int cmd_record(int argc, char **argv)
{
	char rroot[PATH_MAX], rcwd[PATH_MAX], msg[1024] = "";
	int kept_status = 0;
	struct record_how how = { .kept_status = &kept_status };
	struct strace_opts so = { 0 };
	struct record_args a;
	struct iotrace t;
	int rc = record_parse(argc, argv, &a);

	if (rc >= 0)
		return rc;
	how.keep_failed = a.keep_failed;
	if (!realpath(a.root, rroot)) {
		errmsg("record: --root %s: %s", a.root, strerror(errno));
		return 1;
	}
	if (a.cwd ? !realpath(a.cwd, rcwd) : !getcwd(rcwd, sizeof(rcwd))) {
		errmsg("record: --cwd %s: %s", a.cwd ? a.cwd : ".", strerror(errno));
		return 1;
	}
	if (a.overhead && (!a.from || parse_u64(a.overhead, false, &so.overhead_ns) < 0 ||
			   so.overhead_ns > 1000000000ULL)) {
		errmsg("record: --overhead-ns %s: %s", a.overhead, a.from ? "a number of ns up to "
		       "1e9" : "only with --from-strace (record measures it)");
		return EXIT_USAGE;
	}
	so.root = rroot;
	so.cwd = rcwd;
	so.command = a.from;
	if (a.from) {
		rc = record_convert_file(a.from, &so, &t, msg, sizeof(msg));
	} else {
		rc = record_live(argv + optind, argc - optind, a.rec, &so, &how, &t, msg,
				 sizeof(msg));
	}
	if (rc < 0) {
		errmsg("%s", msg);
		return record_signal() ? 128 + record_signal() : 1;
	}
	rc = save_trace(a.out, &t, msg, sizeof(msg));
	if (rc < 0) {
		errmsg("%s", msg);
		iotrace_free(&t);
		return 1;
	}
	record_say(a.out, &t, rroot, kept_status, a.from ? NULL : argv[optind]);
	iotrace_free(&t);
	return 0;
}
