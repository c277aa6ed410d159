/* pycost.c - the Python constructs' own costs, measured (pycost.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pycost.h"
#include "util.h"

const char *const py_cost_names[PY_NCOSTS] = {
	"pool_start_s", "pool_task_s", "tpe_start_s", "tpe_task_s", "aio_start_s", "aio_task_s",
};

/* The calibration wall limit: the script takes 3-6 s on 2 vCPUs. */
#define PYCOST_TIMEOUT_MS 120000

/*
 * A start cost is a whole interpreter's run with the construct less one
 * without it (the same imports), so that what a program pays at exit
 * (a Pool's workers joined, its threads ended) is in it: 5 rounds in
 * alternation, the median of the paired differences.  A task's cost is
 * measured inside one interpreter: N trivial tasks less none, over N.
 * Each figure printed as "name seconds".
 */
static const char script[] =
	"import statistics, subprocess, sys, time\n"
	"W, N, R = int(sys.argv[1]), 1000, 5\n"
	"PRE = ('import asyncio\\nfrom concurrent.futures import ThreadPoolExecutor\\n'\n"
	"       'from multiprocessing import Pool\\ndef f(*a):\\n    return None\\n')\n"
	"AIO = ('async def m(n, x):\\n    loop = asyncio.get_running_loop()\\n'\n"
	"       '    await asyncio.gather(*(loop.run_in_executor(x, f, i) for i in range(n)))\\n')\n"
	"BODY = {'pool': 'with Pool(%d) as p:\\n    p.starmap(f, [(i,) for i in range(%d)])\\n',\n"
	"        'tpe': 'with ThreadPoolExecutor(%d) as e:\\n    list(e.map(f, range(%d)))\\n',\n"
	"        'aio': AIO + 'async def a():\\n    with ThreadPoolExecutor(%d) as x:\\n'\n"
	"               '        await m(%d, x)\\nasyncio.run(a())\\n'}\n"
	"def whole(src):\n"
	"    t = time.perf_counter()\n"
	"    subprocess.run([sys.executable, '-I', '-c', PRE + src], check=True,\n"
	"                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)\n"
	"    return time.perf_counter() - t\n"
	"d = {k: [] for k in BODY}\n"
	"for r in range(R):\n"
	"    base = whole('')\n"
	"    for k, b in BODY.items():\n"
	"        d[k].append(whole(b % (W, W)) - base)\n"
	"exec(PRE + AIO)\n"
	"def per(run, n):\n"
	"    v = []\n"
	"    for r in range(R):\n"
	"        t0 = time.perf_counter(); run(0); t1 = time.perf_counter(); run(n)\n"
	"        v.append((time.perf_counter() - t1 - (t1 - t0)) / n)\n"
	"    return statistics.median(v)\n"
	"with Pool(W) as p:\n"
	"    pool_task = per(lambda n: p.starmap(f, [(i,) for i in range(n)]), N)\n"
	"with ThreadPoolExecutor(W) as e:\n"
	"    tpe_task = per(lambda n: list(e.map(f, range(n))), N)\n"
	"    aio_task = per(lambda n: asyncio.run(m(n, e)), N)\n"
	"out = [statistics.median(d['pool']), pool_task, statistics.median(d['tpe']), tpe_task,\n"
	"       statistics.median(d['aio']), aio_task]\n"
	"for k, v in zip(sys.argv[2:], out):\n"
	"    print(k, max(v, 0.0))\n"
	"print('version', sys.version.split()[0])\n";

/* @name as execvp would find it on PATH, into @out. 0 or -ENOENT. */
static int find_on_path(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char *dup, *dir, *save = NULL;
	int rc = -ENOENT;

	if (strchr(name, '/')) {
		if (snprintf(out, len, "%s", name) >= (int)len)
			return -ENAMETOOLONG;
		return access(out, X_OK) == 0 ? 0 : -errno;
	}
	dup = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!dup)
		return -ENOMEM;
	for (dir = strtok_r(dup, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
		if (snprintf(out, len, "%s/%s", *dir ? dir : ".", name) < (int)len &&
		    access(out, X_OK) == 0) {
			rc = 0;
			break;
		}
	free(dup);
	return rc;
}

/* Reads the child's stdout into @buf until EOF or the deadline. 0, -ETIMEDOUT or -errno. */
static int read_until(int fd, char *buf, size_t len, uint64_t deadline_ns)
{
	size_t got = 0;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t now = now_ns();
		ssize_t n;
		int p;

		if (now >= deadline_ns)
			return -ETIMEDOUT;
		p = poll(&pfd, 1, (int)((deadline_ns - now) / 1000000 + 1));
		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0)
			return -errno;
		if (p == 0)
			continue;	/* the deadline check above ends it */
		n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0 || (got += (size_t)n) == len - 1)
			break;
	}
	buf[got] = '\0';
	return 0;
}

/* "name seconds" lines into @out; every cost and the version must be there. */
static int parse_out(char *text, struct py_costs *out)
{
	unsigned seen = 0;
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' '), *end;
		double v;

		if (!sp)
			return -EPROTO;
		*sp++ = '\0';
		if (!strcmp(line, "version")) {
			snprintf(out->version, sizeof(out->version), "%s", sp);
			seen |= 1u << PY_NCOSTS;
			continue;
		}
		for (int k = 0; k < PY_NCOSTS; k++) {
			if (strcmp(line, py_cost_names[k]))
				continue;
			errno = 0;
			v = strtod(sp, &end);
			/* a construct costing 10 s is a broken measurement, not a cost */
			if (errno || *end || !isfinite(v) || v < 0 || v > 10)
				return -EPROTO;
			out->s[k] = v;
			seen |= 1u << k;
		}
	}
	return seen == (1u << (PY_NCOSTS + 1)) - 1 ? 0 : -EPROTO;
}

int pycost_measure(const char *python, unsigned workers, struct py_costs *out)
{
	char wbuf[16], text[1024];
	char *args[6 + PY_NCOSTS];
	int pipefd[2], status, rc, devnull;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	rc = find_on_path(python, out->python, sizeof(out->python));
	if (rc < 0) {
		snprintf(out->why, sizeof(out->why), "no Python interpreter: %s: %s", python,
			 strerror(-rc));
		return rc;
	}
	snprintf(wbuf, sizeof(wbuf), "%u", workers ? workers : 1);
	args[0] = out->python;
	args[1] = "-I";	/* isolated: no PYTHON* variables, no user site */
	args[2] = "-c";
	args[3] = (char *)script;
	args[4] = wbuf;
	for (int k = 0; k < PY_NCOSTS; k++)
		args[5 + k] = (char *)py_cost_names[k];
	args[5 + PY_NCOSTS] = NULL;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return rc;
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_RDWR);
		if (devnull < 0 || dup2(pipefd[1], STDOUT_FILENO) < 0 ||
		    dup2(devnull, STDIN_FILENO) < 0 || dup2(devnull, STDERR_FILENO) < 0)
			_exit(126);
		execv(args[0], args);
		_exit(127);
	}
	close(pipefd[1]);
	rc = read_until(pipefd[0], text, sizeof(text), now_ns() + PYCOST_TIMEOUT_MS * 1000000ULL);
	close(pipefd[0]);
	if (rc == -ETIMEDOUT)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc == -ETIMEDOUT)
		snprintf(out->why, sizeof(out->why), "%s: the calibration took over %d s",
			 out->python, PYCOST_TIMEOUT_MS / 1000);
	else if (rc < 0)
		snprintf(out->why, sizeof(out->why), "%s: %s", out->python, strerror(-rc));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		snprintf(out->why, sizeof(out->why), "%s: the calibration script %s %d",
			 out->python, WIFEXITED(status) ? "exited with" : "was killed by signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	else if ((rc = parse_out(text, out)) < 0)
		snprintf(out->why, sizeof(out->why), "%s: the calibration printed what does "
			 "not parse", out->python);
	if (out->why[0]) {
		memset(out->s, 0, sizeof(out->s));
		return rc < 0 ? rc : -ECHILD;
	}
	out->measured = true;
	return 0;
}
