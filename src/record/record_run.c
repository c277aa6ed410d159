/* record_run.c - see record_run.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record_run.h"
#include "strace_text.h"
#include "util.h"

/* The log's private directory: made by us, 0700, and only our file in it. */
struct logdir {
	char path[PATH_MAX];
	int fd;
};

/* SIGTERM or SIGHUP while the program runs under strace: the signal, else 0. */
static volatile sig_atomic_t term_sig;

static void on_term(int sig)
{
	term_sig = sig;
}

/*
 * Kills @pid and every process below it (strace and what it traces):
 * strace passes SIGTERM on as a detach, and the program, untraced, would
 * run on (and its log grow in /tmp).  Twice over: a fork meanwhile is
 * caught by the second pass.
 */
static void kill_tree(pid_t pid)
{
	for (int pass = 0; pass < 2; pass++) {
		pid_t todo[4096];
		size_t n = 0, i = 0;

		todo[n++] = pid;
		while (i < n) {
			char path[64], *text = NULL, *p, *end;
			pid_t cur = todo[i++];

			kill(cur, SIGSTOP);	/* no new children while we look */
			snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)cur, (int)cur);
			if (read_small_file(path, &text, NULL) < 0)
				continue;
			for (p = text; n < ARRAY_SIZE(todo); p = end) {
				long c = strtol(p, &end, 10);

				if (end == p)
					break;
				todo[n++] = (pid_t)c;
			}
			free(text);
		}
		while (n)
			kill(todo[--n], SIGKILL);
	}
}

static uint64_t tv_ns(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000000ULL + (uint64_t)tv.tv_usec * 1000ULL;
}

/* What running a program cost, seen from here. */
struct run_cost {
	uint64_t wall_ns;	/* fork to its exit */
	uint64_t cpu_ns;	/* user + system of it and every process below it */
};

/*
 * Runs @args (@env_add: "NAME=value" settings more, NULL-ended; @quiet:
 * output to /dev/null) and returns its exit status, or -errno with @msg.
 * SIGTERM or SIGHUP meanwhile kills it and every process below it
 * (kill_tree): 128 + the signal.  @cost, when given, gets what it took.
 */
/* The signals run_program holds while the program runs, in the order of its old[]. */
static const int held_sigs[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP };

static void held_restore(const struct sigaction *old)
{
	for (size_t i = 0; i < ARRAY_SIZE(held_sigs); i++)
		sigaction(held_sigs[i], &old[i], NULL);
}

/* The child: the program, with @env_add and the parent's signal handling. */
static _Noreturn void exec_program(char **args, char *const *env_add, bool quiet,
				   const struct sigaction *old)
{
	held_restore(old);
	for (char *const *e = env_add; e && *e; e++)
		putenv(*e);
	if (quiet) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
	}
	execvp(args[0], args);
	fprintf(stderr, "iobench: cannot run %s: %s\n", args[0], strerror(errno));
	_exit(127);
}

static int run_program(char **args, char *const *env_add, bool quiet, struct run_cost *cost,
		       char *msg, size_t len)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old[ARRAY_SIZE(held_sigs)];
	struct sigaction term = { .sa_handler = on_term };	/* no SA_RESTART: waitpid returns */
	struct rusage ru0, ru1;
	uint64_t t0;
	int status;
	pid_t pid;

	/* like system(): Ctrl-C is the command's to take; we wait and clean up */
	sigaction(SIGINT, &ign, &old[0]);
	sigaction(SIGQUIT, &ign, &old[1]);
	term_sig = 0;
	sigaction(SIGTERM, &term, &old[2]);
	sigaction(SIGHUP, &term, &old[3]);
	getrusage(RUSAGE_CHILDREN, &ru0);
	t0 = now_ns();
	pid = fork();
	if (pid == 0)
		exec_program(args, env_add, quiet, old);
	status = -ECHILD;
	if (pid < 0) {
		status = -errno;
		snprintf(msg, len, "cannot fork: %s", strerror(errno));
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			if (term_sig)
				kill_tree(pid);
		if (cost) {
			cost->wall_ns = now_ns() - t0;
			getrusage(RUSAGE_CHILDREN, &ru1);
			cost->cpu_ns = tv_ns(ru1.ru_utime) - tv_ns(ru0.ru_utime) +
				       tv_ns(ru1.ru_stime) - tv_ns(ru0.ru_stime);
		}
		status = term_sig ? 128 + term_sig :
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (term_sig)
			snprintf(msg, len, "stopped by signal %d: the program killed, no trace "
				 "written", (int)term_sig);
	}
	held_restore(old);
	return status;
}

/* Runs @argv under strace with the log @logname in @ld: run_program's answer. */
static int run_traced(char **argv, int argc, struct logdir *ld, const char *logname, bool quiet,
		      char *msg, size_t len)
{
	char **args = xcalloc((size_t)argc + 24, sizeof(*args)), *log;
	int n = 0, status;

	log = xasprintf("%s/%s", ld->path, logname);
	args[n++] = "strace";
	args[n++] = "-f";		/* threads and children */
	args[n++] = "-ttt";		/* when each call started */
	args[n++] = "-T";		/* how long it took */
	args[n++] = "-y";		/* every fd with its file */
	args[n++] = "-qq";
	args[n++] = "-s0";		/* no buffer contents: small logs */
	args[n++] = "--seccomp-bpf";	/* only the traced calls stop the program */
	args[n++] = "-esignal=none";
	args[n++] = "-e";
	args[n++] = "trace=" STRACE_SYSCALLS;
	args[n++] = "-o";
	args[n++] = log;
	args[n++] = "--";
	for (int i = 0; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	status = run_program(args, NULL, quiet, NULL, msg, len);
	free(log);
	free(args);
	return status;
}

int record_convert_file(const char *log, const struct strace_opts *o, struct iotrace *t, char *msg,
			size_t len)
{
	const char *kind;
	FILE *f = fopen_regular(log, &kind);
	int rc;

	if (!f) {
		rc = -errno;
		snprintf(msg, len, "strace log %s: %s%s", log, kind ? "not a regular file: " : "",
			 kind ? kind : strerror(errno));
		return rc;
	}
	rc = strace_convert(f, log, o, t, msg, len);
	fclose(f);
	return rc;
}

/*
 * strace's own cost per gap between two calls, on this machine now: the
 * median gap of dd copying /dev/zero to /dev/null under the same flags,
 * a program that does nothing between its calls.  Without it every
 * recorded compute would carry it (here about 140 us a call, which made
 * a replay of a hashing loop 1.33x slower than the program).  It is also
 * the test that strace can trace here at all (ptrace may be refused in a
 * container): -EPERM with @msg when it can't, before the user's command
 * runs.  A log too short to measure leaves *@gap_ns 0 (said).
 */
static int calibrate(struct logdir *ld, uint64_t *gap_ns, char *msg, size_t len)
{
	char *dd[] = { "dd", "if=/dev/zero", "of=/dev/null", "bs=512", "count=2000", NULL };
	char *log = xasprintf("%s/calibrate.log", ld->path);
	int status, rc = 0;
	FILE *f = NULL;

	*gap_ns = 0;
	status = run_traced(dd, 5, ld, "calibrate.log", true, msg, len);
	if (status < 0) {
		rc = status;
	} else if (status != 0 || !(f = fopen(log, "re"))) {
		snprintf(msg, len, "strace cannot trace here ('strace ... dd' exited with status "
			 "%d): is ptrace allowed? (containers need SYS_PTRACE; see also the "
			 "kernel.yama.ptrace_scope sysctl)", status);
		rc = -EPERM;
	} else if (strace_calibrate(f, gap_ns) < 0) {
		errmsg("warning: could not measure strace's own cost per call (too few calls in "
		       "dd's log): the recorded compute includes it");
	}
	if (f)
		fclose(f);
	if (ld->fd >= 0)
		unlinkat(ld->fd, "calibrate.log", 0);
	free(log);
	return rc;
}

/* A private directory for the log: made by us, 0700, and only our files in it. */
static int logdir_make(struct logdir *ld, char *msg, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	int rc;

	snprintf(ld->path, sizeof(ld->path), "%s/iobench-record-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(ld->path)) {
		rc = -errno;
		snprintf(msg, len, "cannot make a directory for the recorder's log in %s: %s",
			 tmp && *tmp ? tmp : "/tmp", strerror(errno));
		return rc;
	}
	ld->fd = open(ld->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return 0;
}

/* Removes only what we made: @name in our own directory, and the directory. */
static void logdir_remove(struct logdir *ld, const char *name)
{
	if (ld->fd >= 0) {
		unlinkat(ld->fd, name, 0);
		close(ld->fd);
	}
	rmdir(ld->path);
}


/* The message for a program that exited with @status (a partial run is no trace). */
static int failed_run(const struct strace_opts *o, int status, bool started, char *msg,
		      size_t len)
{
	snprintf(msg, len, "record: '%s' exited with status %d%s: no trace written (it would "
		 "hold a partial run)", o->command, status, started ? "" :
		 " before tracing began (is ptrace allowed here? containers need SYS_PTRACE)");
	return -ECHILD;
}

/* Processes that loaded the preload recorder: its "+++ iobench-rec" lines in @log. */
static unsigned preload_processes(const char *log)
{
	FILE *f = fopen(log, "re");
	char *line = NULL;
	size_t cap = 0;
	unsigned n = 0;

	while (f && getline(&line, &cap, f) >= 0)
		n += strstr(line, " +++ iobench-rec pid=") != NULL;
	free(line);
	if (f)
		fclose(f);
	return n;
}

/*
 * Runs @cmd with the preload recorder in it and converts its log.  The
 * program's wall time and CPU are measured here, recorder included: it
 * costs about 11 us a logged call (dd's 195,312 reads of 512 bytes: 0.50
 * s untraced, 2.65 s recorded), so a program making few calls a second
 * keeps its own time; one making 100,000 a second does not.
 */
static int record_preload(char **cmd, struct strace_opts *o, const struct record_how *how,
			  struct iotrace *t, char *msg, size_t len)
{
	struct logdir ld;
	struct run_cost cost = { 0 };
	char *log, *env[4];
	const char *old = getenv("LD_PRELOAD");
	int fd, status, rc;

	if ((rc = logdir_make(&ld, msg, len)) < 0)
		return rc;
	log = xasprintf("%s/rec.log", ld.path);
	fd = open(log, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
		snprintf(msg, len, "cannot make the recorder's log %s: %s", log, strerror(errno));
		goto out;
	}
	close(fd);
	env[0] = old && *old ? xasprintf("LD_PRELOAD=%s:%s", recorder_lib(), old)
			     : xasprintf("LD_PRELOAD=%s", recorder_lib());
	env[1] = xasprintf("IOBENCH_REC_LOG=%s", log);
	env[2] = xasprintf("IOBENCH_REC_ROOT=%s", o->root);
	env[3] = NULL;
	status = run_program(cmd, env, false, &cost, msg, len);
	for (int i = 0; i < 3; i++)
		free(env[i]);
	if (status < 0 || term_sig) {
		rc = status < 0 ? status : -EINTR;	/* msg says so */
	} else if (status != 0) {
		if (!how->keep_failed)
			rc = failed_run(o, status, true, msg, len);
		*how->kept_status = status;
	}
	if (rc < 0 || (status != 0 && !how->keep_failed)) {
		/* said above */
	} else {
		o->overhead_ns = 0;
		rc = record_convert_file(log, o, t, msg, len);
		if (rc == 0) {
			t->wall_ns = cost.wall_ns;
			t->cpu_ns = cost.cpu_ns ? cost.cpu_ns : 1;
		} else if (preload_processes(log) == 0) {
			/* an empty log may mean the library never loaded: say that, not "nothing below" */
			snprintf(msg, len, "record: '%s' did not load the preload recorder (a static "
				 "or setuid program?): record it with --recorder strace", o->command);
			rc = -ENOEXEC;
		}
	}
out:
	logdir_remove(&ld, "rec.log");
	free(log);
	return rc;
}

static int record_strace(char **cmd, int ncmd, struct strace_opts *o, const struct record_how *how,
			 struct iotrace *t, char *msg, size_t len)
{
	struct logdir ld;
	int status, rc;

	if (!in_path("strace")) {
		snprintf(msg, len, "record needs strace, which is not in PATH "
			 "(apt-get install strace, or dnf install strace)");
		return -ENOENT;
	}
	if ((rc = logdir_make(&ld, msg, len)) < 0)
		return rc;
	rc = calibrate(&ld, &o->overhead_ns, msg, len);
	status = rc < 0 ? rc : term_sig ? 0 : run_traced(cmd, ncmd, &ld, "strace.log", false, msg,
								 len);
	if (status < 0) {
		rc = status;
	} else if (term_sig) {
		rc = -EINTR;	/* msg says so; the log goes below */
	} else if (status != 0) {
		char *log = xasprintf("%s/strace.log", ld.path);

		if (!how->keep_failed || access(log, R_OK) != 0)
			rc = failed_run(o, status, access(log, R_OK) == 0, msg, len);
		else
			rc = record_convert_file(log, o, t, msg, len);
		*how->kept_status = status;
		free(log);
	} else {
		char *log = xasprintf("%s/strace.log", ld.path);

		rc = record_convert_file(log, o, t, msg, len);
		free(log);
	}
	logdir_remove(&ld, "strace.log");
	return rc;
}

int record_signal(void)
{
	return term_sig;
}

int record_run(enum recorder rec, char **cmd, int ncmd, struct strace_opts *o,
	       const struct record_how *how, struct iotrace *t, char *msg, size_t len)
{
	*how->kept_status = 0;
	return rec == REC_PRELOAD ? record_preload(cmd, o, how, t, msg, len)
				  : record_strace(cmd, ncmd, o, how, t, msg, len);
}
