/* taskstats.c - see taskstats.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/taskstats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "taskstats.h"
#include "util.h"

#define DELAYACCT "/proc/sys/kernel/task_delayacct"
#define NLA_DATA(na) ((void *)((char *)(na) + NLA_HDRLEN))

static int sock = -1;
static uint16_t family;
static char cpumask[32];
static char delayacct_was[8];	/* to restore; "" when we did not change it */

struct rec {
	uint32_t pid, tgid, ppid;
	uint64_t runq_ns, blkio_ns, etime_us;
	bool io_worker;		/* an io_uring kernel worker (iou-wrk-N) */
	bool sq_poller;		/* an io_uring SQPOLL thread (iou-sqp-N) */
	uint64_t cpu_ns;	/* its user + system time */
};
static struct rec *recs;
static size_t nrecs, caprecs;

struct msg {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char buf[256];
};

static int nl_send(uint16_t type, uint8_t cmd, uint16_t attr, const void *data,
		   size_t len)
{
	struct msg m = { 0 };
	struct nlattr *na = (struct nlattr *)m.buf;
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };

	m.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m.n.nlmsg_type = type;
	m.n.nlmsg_flags = NLM_F_REQUEST;
	m.n.nlmsg_pid = (uint32_t)getpid();
	m.g.cmd = cmd;
	m.g.version = 1;
	na->nla_type = attr;
	na->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy(NLA_DATA(na), data, len);
	m.n.nlmsg_len += NLMSG_ALIGN(na->nla_len);
	return sendto(sock, &m, m.n.nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? -errno : 0;
}

static int resolve_family(void)
{
	struct msg r;
	struct nlattr *na;
	ssize_t n;
	int rc = nl_send(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME,
			 TASKSTATS_GENL_NAME, sizeof(TASKSTATS_GENL_NAME));

	if (rc < 0)
		return rc;
	n = recv(sock, &r, sizeof(r), 0);
	if (n < 0)
		return -errno;
	if (r.n.nlmsg_type == NLMSG_ERROR || !NLMSG_OK(&r.n, (size_t)n))
		return -ENOENT;
	na = (struct nlattr *)((char *)&r.g + GENL_HDRLEN);
	na = (struct nlattr *)((char *)na + NLA_ALIGN(na->nla_len));	/* after the name */
	if (na->nla_type != CTRL_ATTR_FAMILY_ID)
		return -ENOENT;
	family = *(uint16_t *)NLA_DATA(na);
	return 0;
}

/* Writes @v ("0" or "1") to the sysctl.  0 or -errno. */
static int delayacct_set(const char *v)
{
	int fd = open(DELAYACCT, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, v, 1) != 1)
		rc = -EIO;
	close(fd);
	return rc;
}

/* Is @pid a live iobench (the one that recorded a change)? */
static bool iobench_alive(long pid)
{
	char path[64], *comm;
	bool yes = false;

	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if (pid > 0 && read_small_file(path, &comm, NULL) == 0) {
		yes = strncmp(comm, "iobench", 7) == 0;
		free(comm);
	}
	return yes;
}

int ts_recover(char *msg, size_t len)
{
	char *text;
	char was[2] = "";
	long pid = 0;

	msg[0] = '\0';
	if (read_small_file(DELAYACCT_STATE, &text, NULL) < 0)
		return 0;
	if (sscanf(text, "%1s %ld", was, &pid) != 2 || (was[0] != '0' && was[0] != '1'))
		was[0] = '\0';
	free(text);
	if (iobench_alive(pid))
		return 1;	/* that run is alive and will restore it itself */
	if (was[0] && delayacct_set(was) == 0)
		snprintf(msg, len, "restored %s to %s: a run (pid %ld) that switched it on was "
			 "killed before it could", DELAYACCT, was, pid);
	unlink(DELAYACCT_STATE);
	return 0;
}

static void delayacct_on(void)
{
	char *v, msg[256];
	int fd;

	/* a killed run's change is undone first; a live run's is left to it */
	if (ts_recover(msg, sizeof(msg)) == 1)
		return;
	if (msg[0])
		errmsg("%s", msg);
	if (read_small_file(DELAYACCT, &v, NULL) < 0)
		return;
	if (v[0] == '0') {
		/* written down before the change, so that a SIGKILL can't lose it */
		fd = open(DELAYACCT_STATE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			dprintf(fd, "0 %ld\n", (long)getpid());
			close(fd);
			if (delayacct_set("1") == 0)
				snprintf(delayacct_was, sizeof(delayacct_was), "0");
			else
				unlink(DELAYACCT_STATE);
		}
	}
	free(v);
}

static bool delayacct_enabled(void)
{
	char *v;
	bool on = false;

	if (read_small_file(DELAYACCT, &v, NULL) == 0) {
		on = v[0] == '1';
		free(v);
	}
	return on;
}

bool ts_delayacct_check(void)
{
	if (delayacct_enabled())
		return true;
	/*
	 * Switched off under us: another run that had switched it on has
	 * ended and put it back (or someone else did).  On again for the
	 * trials to come (recorded, so this run restores it at its end), and
	 * the caller's trial has no figures.
	 */
	if (sock >= 0 && delayacct_was[0])
		(void)delayacct_set("1");	/* our change, undone by someone: ours again */
	else if (sock >= 0)
		delayacct_on();
	return false;
}

int ts_open(char *why, size_t len)
{
	int rcvbuf = 4 << 20;
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	int rc;

	if (sock >= 0)
		return 0;
	if (geteuid() != 0) {
		snprintf(why, len, "n/a: per-task delay accounting needs root (taskstats netlink)");
		return -EPERM;
	}
	sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (sock < 0) {
		snprintf(why, len, "n/a: no generic netlink socket: %s", strerror(errno));
		return -errno;
	}
	setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	rc = resolve_family();
	if (rc < 0) {
		snprintf(why, len, "n/a: the kernel has no taskstats (%s)", strerror(-rc));
		goto fail;
	}
	snprintf(cpumask, sizeof(cpumask), "0-%ld", ncpu > 0 ? ncpu - 1 : 0);
	rc = nl_send(family, TASKSTATS_CMD_GET, TASKSTATS_CMD_ATTR_REGISTER_CPUMASK, cpumask,
		     strlen(cpumask) + 1);
	if (rc < 0) {
		snprintf(why, len, "n/a: cannot listen to task exits: %s", strerror(-rc));
		goto fail;
	}
	delayacct_on();
	if (!delayacct_enabled()) {
		snprintf(why, len, "n/a: delay accounting is off and can't be switched on (%s)",
			 DELAYACCT);
		rc = -ENOTSUP;
		goto fail;
	}
	return 0;
fail:
	ts_close();
	return rc;
}

void ts_close(void)
{
	if (sock >= 0) {
		nl_send(family, TASKSTATS_CMD_GET, TASKSTATS_CMD_ATTR_DEREGISTER_CPUMASK, cpumask,
			strlen(cpumask) + 1);
		close(sock);
		sock = -1;
	}
	if (delayacct_was[0]) {
		if (delayacct_set(delayacct_was) < 0)
			errmsg("could not restore %s to %s", DELAYACCT, delayacct_was);
		else
			unlink(DELAYACCT_STATE);
		delayacct_was[0] = '\0';
	}
	free(recs);
	recs = NULL;
	nrecs = caprecs = 0;
}

void ts_restore_now(void)
{
	if (delayacct_was[0]) {
		int fd = open(DELAYACCT, O_WRONLY | O_CLOEXEC);

		if (fd >= 0) {
			if (write(fd, delayacct_was, 1) == 1)
				unlink(DELAYACCT_STATE);
			close(fd);
		}
	}
}

bool ts_active(void)
{
	return sock >= 0;
}

/* Reads every queued message; keeps per-task exit records. */
static void drain(void)
{
	static char buf[65536];
	ssize_t n;

	while ((n = recv(sock, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			struct nlattr *na = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
			int left = (int)h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

			if (h->nlmsg_type != family)
				continue;
			for (; left >= NLA_HDRLEN && na->nla_len >= NLA_HDRLEN;
			     left -= NLA_ALIGN(na->nla_len),
			     na = (struct nlattr *)((char *)na + NLA_ALIGN(na->nla_len))) {
				struct nlattr *in = NLA_DATA(na);
				int inleft = na->nla_len - NLA_HDRLEN;

				/* per task only: the per-group record would count twice */
				if (na->nla_type != TASKSTATS_TYPE_AGGR_PID)
					continue;
				for (; inleft >= NLA_HDRLEN && in->nla_len >= NLA_HDRLEN;
				     inleft -= NLA_ALIGN(in->nla_len),
				     in = (struct nlattr *)((char *)in + NLA_ALIGN(in->nla_len))) {
					struct taskstats ts = { 0 };
					size_t sz = in->nla_len - NLA_HDRLEN;

					if (in->nla_type != TASKSTATS_TYPE_STATS)
						continue;
					memcpy(&ts, NLA_DATA(in), sz < sizeof(ts) ? sz : sizeof(ts));
					if (nrecs == caprecs) {
						caprecs = caprecs ? caprecs * 2 : 256;
						recs = realloc(recs, caprecs * sizeof(*recs));
						if (!recs)
							die(1, "out of memory");
					}
					recs[nrecs++] = (struct rec){
						.pid = ts.ac_pid, .tgid = ts.ac_tgid, .ppid = ts.ac_ppid,
						.runq_ns = ts.cpu_delay_total,
						.blkio_ns = ts.blkio_delay_total, .etime_us = ts.ac_etime,
						.io_worker = !strncmp(ts.ac_comm, "iou-wrk", 7),
						.sq_poller = !strncmp(ts.ac_comm, "iou-sqp", 7),
						.cpu_ns = (ts.ac_utime + ts.ac_stime) * 1000,
					};
				}
			}
		}
	}
}

void ts_discard(void)
{
	if (sock < 0)
		return;
	drain();
	nrecs = 0;
}

/* The trial's thread groups into @groups: @root, and any whose parent is one of them. */
static size_t tree_groups(pid_t root, uint32_t *groups, size_t max)
{
	size_t ng = 1;
	bool grew = true;

	groups[0] = (uint32_t)root;
	while (grew) {
		grew = false;
		for (size_t i = 0; i < nrecs; i++) {
			bool parent_in = false, in = false;

			for (size_t g = 0; g < ng; g++) {
				parent_in |= recs[i].ppid == groups[g];
				in |= recs[i].tgid == groups[g];
			}
			if (parent_in && !in && ng < max) {
				groups[ng++] = recs[i].tgid;
				grew = true;
			}
		}
	}
	return ng;
}

/*
 * Adds one exited task of the trial to @sum.  *@ring_left: the loops'
 * measured ring wait not yet taken out of the trial process's threads.
 */
static void add_task(struct rec *r, pid_t root, uint64_t *ring_left, struct ts_sum *sum)
{
	uint64_t life = r->etime_us * 1000;

	/*
	 * A wait longer than the task's life is impossible; the kernel
	 * sometimes closes a block-I/O wait it never opened (start 0, so the
	 * "delay" is the uptime).  Such a value is dropped and counted, never
	 * summed.
	 */
	if (r->blkio_ns > life) {
		r->blkio_ns = 0;
		sum->glitches++;
	}
	if (r->runq_ns > life) {
		r->runq_ns = 0;
		sum->glitches++;
	}
	/*
	 * The kernel marks a task asleep in io_uring_enter as in I/O wait
	 * whenever it has requests in flight, whatever they wait for (a pipe,
	 * a timer): that sleep is the ring wait the loops measured, not block
	 * I/O.  It is taken out of the trial process's own threads (the rings
	 * run there); the kernel's io_uring workers' waits stay.
	 */
	if (r->tgid == (uint32_t)root && !r->io_worker && *ring_left) {
		uint64_t take = r->blkio_ns < *ring_left ? r->blkio_ns : *ring_left;

		r->blkio_ns -= take;
		sum->ring_wait_ns += take;
		*ring_left -= take;
	}
	sum->io_workers += r->io_worker;
	sum->sqpoll_cpu_ns += r->sq_poller ? r->cpu_ns : 0;
	sum->runq_ns += r->runq_ns;
	sum->blkio_ns += r->blkio_ns;
	sum->task_ns += life;
	sum->tasks++;
	sum->procs += r->pid == r->tgid;
}

void ts_collect(pid_t root, uint64_t root_ring_wait_ns, struct ts_sum *sum)
{
	uint32_t groups[1024];
	uint64_t ring_left = root_ring_wait_ns;
	size_t ng;

	memset(sum, 0, sizeof(*sum));
	if (sock < 0)
		return;
	drain();
	ng = tree_groups(root, groups, ARRAY_SIZE(groups));
	for (size_t i = 0; i < nrecs; i++)
		for (size_t g = 0; g < ng; g++)
			if (recs[i].tgid == groups[g]) {
				add_task(&recs[i], root, &ring_left, sum);
				break;
			}
	nrecs = 0;
}
