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

/*
 * Reads the child's stdout into @buf until EOF or the deadline.  0,
 * -ETIMEDOUT, -EMSGSIZE (more than @buf holds: the child may be blocked
 * writing the rest) or -errno.
 */
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
		if (n == 0)
			break;
		if ((got += (size_t)n) == len - 1)
			return -EMSGSIZE;
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

/*
 * Runs @python (as PATH finds it; its path into @path) with @args after
 * "-I -c @src", its stdout into @text (NUL-terminated).  0, or -errno
 * with @why saying what went wrong.
 */
static int run_script(const char *python, char *path, size_t plen, const char *src,
		      char *const *args, char *text, size_t tlen, char *why, size_t wlen)
{
	char *argv[24];
	int pipefd[2], status, rc, devnull;
	size_t n = 0;
	pid_t pid;

	rc = path_lookup(python, path, plen);
	if (rc < 0) {
		snprintf(why, wlen, "no Python interpreter: %s: %s", python, strerror(-rc));
		return rc;
	}
	argv[n++] = path;
	argv[n++] = "-I";	/* isolated: no PYTHON* variables, no user site */
	argv[n++] = "-c";
	argv[n++] = (char *)src;
	for (; *args && n < ARRAY_SIZE(argv) - 1; args++)
		argv[n++] = *args;
	argv[n] = NULL;
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
		execv(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	rc = read_until(pipefd[0], text, tlen, now_ns() + PYCOST_TIMEOUT_MS * 1000000ULL);
	close(pipefd[0]);
	/* a child that is not done (late, or blocked writing) must not hold the run */
	if (rc < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc == -ETIMEDOUT)
		snprintf(why, wlen, "%s: the calibration took over %d s", path,
			 PYCOST_TIMEOUT_MS / 1000);
	else if (rc == -EMSGSIZE)
		snprintf(why, wlen, "%s: the calibration printed more than it should", path);
	else if (rc < 0)
		snprintf(why, wlen, "%s: %s", path, strerror(-rc));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		snprintf(why, wlen, "%s: the calibration script %s %d", path,
			 WIFEXITED(status) ? "exited with" : "was killed by signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	else
		return 0;
	return rc < 0 ? rc : -ECHILD;
}

int pycost_measure(const char *python, unsigned workers, struct py_costs *out)
{
	char wbuf[16], text[1024];
	char *args[2 + PY_NCOSTS];
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(wbuf, sizeof(wbuf), "%u", workers ? workers : 1);
	args[0] = wbuf;
	for (int k = 0; k < PY_NCOSTS; k++)
		args[1 + k] = (char *)py_cost_names[k];
	args[1 + PY_NCOSTS] = NULL;
	rc = run_script(python, out->python, sizeof(out->python), script, args, text,
			sizeof(text), out->why, sizeof(out->why));
	if (rc == 0 && (rc = parse_out(text, out)) < 0)
		snprintf(out->why, sizeof(out->why), "%s: the calibration printed what does "
			 "not parse", out->python);
	if (rc < 0) {
		memset(out->s, 0, sizeof(out->s));
		return rc;
	}
	out->measured = true;
	return 0;
}

/*
 * Per triple of arguments (setup, statement, units per statement):
 * "unitK seconds" per unit, the median of 5 timeit repeats, or "unitK
 * error <what Python said>".
 */
static const char unit_script[] =
	"import statistics, sys, timeit\n"
	"a = sys.argv[1:]\n"
	"for k in range(0, len(a) - 2, 3):\n"
	"    try:\n"
	"        t = timeit.Timer(a[k + 1], a[k])\n"
	"        n = t.autorange()[0]\n"
	"        v = statistics.median(t.repeat(5, n)) / n / int(a[k + 2])\n"
	"        print('unit%d %r' % (k // 3, v))\n"
	"    except Exception as e:\n"
	"        m = (type(e).__name__ + ': ' + str(e)).replace('\\n', ' ')[:200]\n"
	"        print('unit%d error %s' % (k // 3, m))\n";

/* "unitK ..." lines into @u; a unit Python did not answer for stays unmeasured. */
static void parse_units(char *text, struct py_unit *u, unsigned n)
{
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *end, *rest;
		unsigned long k;
		double v;

		if (strncmp(line, "unit", 4))
			continue;
		k = strtoul(line + 4, &rest, 10);
		if (rest == line + 4 || *rest != ' ' || k >= n)
			continue;
		rest++;
		if (!strncmp(rest, "error ", 6)) {
			snprintf(u[k].why, sizeof(u[k].why), "Python: %s", rest + 6);
			continue;
		}
		errno = 0;
		v = strtod(rest, &end);
		if (errno || *end || !isfinite(v) || v <= 0 || v > 1) {
			snprintf(u[k].why, sizeof(u[k].why), "the calibration printed what does not "
				 "parse");
			continue;
		}
		u[k].py_s = v;
		u[k].measured = true;
	}
}

int pycost_units(const char *python, struct py_unit *u, unsigned n, char *why, size_t len)
{
	char path[256], text[8192], per[PYCOST_MAX_UNITS][16];
	char *args[3 * PYCOST_MAX_UNITS + 1];
	unsigned k;
	int rc;

	if (n > PYCOST_MAX_UNITS)
		n = PYCOST_MAX_UNITS;
	for (k = 0; k < n; k++) {
		snprintf(per[k], sizeof(per[k]), "%u", u[k].per ? u[k].per : 1);
		args[3 * k] = u[k].setup;
		args[3 * k + 1] = u[k].stmt;
		args[3 * k + 2] = per[k];
		u[k].measured = false;
		snprintf(u[k].why, sizeof(u[k].why), "Python printed nothing for it");
	}
	args[3 * n] = NULL;
	rc = run_script(python, path, sizeof(path), unit_script, args, text, sizeof(text), why,
			len);
	if (rc == 0)
		parse_units(text, u, n);
	return rc;
}

int py_bytes_literal(const char *s, char *out, size_t len)
{
	size_t o = 0;

	if (len < 4)
		return -ENAMETOOLONG;
	out[o++] = 'b';
	out[o++] = '\'';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (o + 5 >= len)
			return -ENAMETOOLONG;
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/._-", *p))
			out[o++] = (char)*p;
		else
			o += (size_t)snprintf(out + o, len - o, "\\x%02x", *p);
	}
	out[o++] = '\'';
	out[o] = '\0';
	return 0;
}
