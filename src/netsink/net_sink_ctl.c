/* net_sink_ctl.c - the harness's side of the server (net_sink.h): start it, ask it, stop it. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net_proto.h"
#include "net_sink.h"
#include "signals.h"
#include "util.h"

int sink_start(struct net_sink *s, const struct sink_params *p, char *msg, size_t len)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int sv[2] = { -1, -1 }, lfd, rc;

	s->pid = -1;
	s->ctl = -1;
	/* loopback only, a port of the kernel's choosing */
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(lfd, 4096) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&s->addr, &alen) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		rc = -errno;
		snprintf(msg, len, "cannot start the server on 127.0.0.1: %s", strerror(-rc));
		goto out_close;
	}
	fflush(NULL);	/* nothing buffered is written twice */
	s->pid = fork();
	if (s->pid < 0) {
		rc = -errno;
		snprintf(msg, len, "cannot fork the server: %s", strerror(-rc));
		goto out_close;
	}
	if (s->pid == 0) {
		close(sv[0]);
		sink_main(lfd, sv[1], p);
	}
	close(lfd);
	close(sv[1]);
	s->ctl = sv[0];
	rc = sink_reset(s);
	if (rc < 0)
		snprintf(msg, len, "the server did not answer: %s", strerror(-rc));
	return rc;
out_close:
	if (lfd >= 0)
		close(lfd);
	if (sv[0] >= 0) {
		close(sv[0]);
		close(sv[1]);
	}
	return rc;
}

/*
 * Reads exactly @n bytes of the server's reply, waiting at most
 * SINK_CTL_TIMEOUT_S: a server another user stopped (SIGSTOP) must not
 * hang the run, nor keep it from its signals.
 */
static int ctl_read(struct net_sink *s, void *buf, size_t n)
{
	uint64_t end = now_ns() + SINK_CTL_TIMEOUT_S * 1000000000ULL;
	size_t got = 0;

	while (got < n) {
		struct pollfd pfd = { .fd = s->ctl, .events = POLLIN };
		int rc = poll(&pfd, 1, 100);
		ssize_t r;

		if (sig_stop())
			return -EINTR;
		if (rc < 0 && errno != EINTR)
			return -errno;
		if (rc <= 0) {
			if (now_ns() >= end)
				return -ETIMEDOUT;
			continue;
		}
		r = read(s->ctl, (char *)buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EPIPE;
		got += (size_t)r;
	}
	return 0;
}

/* One command byte; a server that is gone is an error, not a SIGPIPE. */
static int ctl_send(struct net_sink *s, char cmd)
{
	return s->ctl >= 0 && send(s->ctl, &cmd, 1, MSG_NOSIGNAL) == 1 ? 0 : -EPIPE;
}

int sink_reset(struct net_sink *s)
{
	char ack;
	int rc;

	if (ctl_send(s, 'r') < 0)
		return -EPIPE;
	rc = ctl_read(s, &ack, 1);
	return rc < 0 ? rc : ack != 'k' ? -EPIPE : 0;
}

int sink_stats(struct net_sink *s, struct sink_stats *out)
{
	if (ctl_send(s, 's') < 0)
		return -EPIPE;
	return ctl_read(s, out, sizeof(*out));
}

void sink_stop(struct net_sink *s)
{
	if (s->ctl >= 0) {
		(void)ctl_send(s, 'q');	/* gone already: reaped below */
		close(s->ctl);
		s->ctl = -1;
	}
	if (s->pid > 0) {
		int st;

		/* it quits on 'q' or on the closed socket; a hung one is killed */
		for (int i = 0; i < 200 && waitpid(s->pid, &st, WNOHANG) == 0; i++)
			usleep(5000);
		if (waitpid(s->pid, &st, WNOHANG) == 0) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, &st, 0);
		}
		s->pid = -1;
	}
}
