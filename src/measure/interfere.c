/* interfere.c - see interfere.h. */
#include <ctype.h>
#include <stdbool.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "interfere.h"
#include "util.h"

/* Idle + iowait and steal over all CPUs, and how many CPUs, from /proc/stat.  0 or -errno. */
static int read_stat(struct interfere_mark *m)
{
	unsigned long long v[8];
	long hz = sysconf(_SC_CLK_TCK);
	char *text = NULL, *line;
	int rc = read_small_file("/proc/stat", &text, NULL);

	if (rc < 0)
		return rc;
	/* "cpu  user nice system idle iowait irq softirq steal ..." */
	if (hz <= 0 || sscanf(text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
			      &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8) {
		rc = -EPROTO;
		goto out_free;
	}
	m->idle_ns = (uint64_t)(v[3] + v[4]) * (1000000000ULL / (uint64_t)hz);
	m->irq_ns = (uint64_t)(v[5] + v[6]) * (1000000000ULL / (uint64_t)hz);
	m->steal_ns = (uint64_t)v[7] * (1000000000ULL / (uint64_t)hz);
	m->ncpu = 0;
	for (line = strchr(text, '\n'); line; line = strchr(line + 1, '\n'))
		m->ncpu += !strncmp(line + 1, "cpu", 3) && isdigit((unsigned char)line[4]);
	rc = m->ncpu ? 0 : -EPROTO;
out_free:
	free(text);
	return rc;
}

/* The "some ... total=N" of /proc/pressure/@what, in µs; -1 when n/a. */
static int64_t read_psi(const char *what)
{
	char path[64], *text = NULL, *at;
	long long us = -1;

	snprintf(path, sizeof(path), "/proc/pressure/%s", what);
	if (read_small_file(path, &text, NULL) < 0)
		return -1;
	at = strncmp(text, "some ", 5) ? NULL : strstr(text, " total=");
	if (!at || sscanf(at, " total=%lld", &us) != 1 || us < 0)
		us = -1;
	free(text);
	return us;
}

/* utime + stime of process @pid, in ns; 0 when it is gone. */
static uint64_t proc_cpu_ns(pid_t pid)
{
	char path[64], *text = NULL, *p;
	unsigned long long ut = 0, st = 0;
	long hz = sysconf(_SC_CLK_TCK);

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (hz <= 0 || read_small_file(path, &text, NULL) < 0)
		return 0;
	/* the command may hold spaces and parentheses: fields start after the last ')' */
	p = strrchr(text, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &ut, &st) != 2)
		ut = st = 0;
	free(text);
	return (uint64_t)(ut + st) * (1000000000ULL / (uint64_t)hz);
}

/*
 * CPU of the harness's live children other than @trial: each thread's
 * /proc/self/task/TID/children (the net server, kept beside the trials).
 */
static uint64_t children_cpu_ns(pid_t trial)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	uint64_t ns = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[96], *text = NULL, *p, *end;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%.32s/children", e->d_name);
		if (read_small_file(path, &text, NULL) < 0)
			continue;
		for (p = text;; p = end) {
			long pid = strtol(p, &end, 10);

			if (end == p)
				break;
			if (pid > 0 && pid != trial)
				ns += proc_cpu_ns((pid_t)pid);
		}
		free(text);
	}
	closedir(d);
	return ns;
}

/*
 * Processes that serve a FUSE filesystem (they hold /dev/fuse open),
 * found once per run: their CPU while a trial runs is mostly the trial's
 * own reads and writes being served (delayfs: 0.5 of a CPU beside a pool
 * of 16), the storage's cost, not another program's.
 */
#define MAX_FUSE_SERVERS 16
static pid_t fuse_servers[MAX_FUSE_SERVERS];
static size_t nfuse_servers;

static bool holds_dev_fuse(const char *pid)
{
	char path[64], link[32];
	struct dirent *e;
	bool yes = false;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%.16s/fd", pid);
	d = opendir(path);
	if (!d)
		return false;
	while (!yes && (e = readdir(d))) {
		char fd[112];
		ssize_t n;

		snprintf(fd, sizeof(fd), "%s/%.32s", path, e->d_name);
		n = readlink(fd, link, sizeof(link) - 1);
		yes = n == 9 && !memcmp(link, "/dev/fuse", 9);
	}
	closedir(d);
	return yes;
}

static void find_fuse_servers(void)
{
	static bool done;
	DIR *d;
	struct dirent *e;

	if (done)
		return;
	done = true;
	d = opendir("/proc");
	if (!d)
		return;
	while ((e = readdir(d)) && nfuse_servers < MAX_FUSE_SERVERS)
		if (isdigit((unsigned char)e->d_name[0]) && holds_dev_fuse(e->d_name))
			fuse_servers[nfuse_servers++] = (pid_t)atoi(e->d_name);
	closedir(d);
}

void interfere_mark(struct interfere_mark *m, pid_t trial)
{
	struct rusage ru;

	memset(m, 0, sizeof(*m));
	m->t_ns = now_ns();
	m->stat_ok = read_stat(m) == 0;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		m->own_ns = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ULL +
			    (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ULL;
	m->own_ns += children_cpu_ns(trial);
	find_fuse_servers();
	for (size_t i = 0; i < nfuse_servers; i++)
		m->own_ns += proc_cpu_ns(fuse_servers[i]);
	m->psi_cpu_us = read_psi("cpu");
	m->psi_io_us = read_psi("io");
}

static double psi_delta(int64_t a, int64_t b)
{
	return a >= 0 && b >= a ? (double)(b - a) / 1e6 : -1;
}

void interfere_since(const struct interfere_mark *a, const struct interfere_mark *b,
		     double trial_cpu_s, struct interfere *out)
{
	out->other_cpu_s = out->idle_cpu_s = -1;
	out->psi_cpu_s = psi_delta(a->psi_cpu_us, b->psi_cpu_us);
	out->psi_io_s = psi_delta(a->psi_io_us, b->psi_io_us);
	if (a->stat_ok && b->stat_ok && a->ncpu == b->ncpu && b->t_ns >= a->t_ns &&
	    b->idle_ns >= a->idle_ns && b->steal_ns >= a->steal_ns) {
		double span = (double)(b->t_ns - a->t_ns) / 1e9 * a->ncpu;
		double idle = (double)(b->idle_ns - a->idle_ns) / 1e9;
		double steal = (double)(b->steal_ns - a->steal_ns) / 1e9;
		double own = b->own_ns >= a->own_ns ? (double)(b->own_ns - a->own_ns) / 1e9 : 0;
		double irq = b->irq_ns >= a->irq_ns ? (double)(b->irq_ns - a->irq_ns) / 1e9 : 0;
		double other = span - idle - steal - irq - trial_cpu_s - own;

		/* the counters' 10 ms steps can leave a small negative: that is none */
		out->other_cpu_s = other > 0 ? other : 0;
		out->idle_cpu_s = idle;
	}
}
