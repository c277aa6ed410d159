/* tpcount.c - see tpcount.h. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tpcount.h"
#include "util.h"

static const char *const events[TP_N] = {
	"io_uring/io_uring_queue_async_work",
};

/* The tracepoint's id from tracefs (where mounted); 0 or -errno. */
static int tp_id(const char *event, unsigned long long *id)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	int rc = -ENOENT;

	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		char path[256], *text = NULL;

		snprintf(path, sizeof(path), "%s/events/%s/id", roots[i], event);
		rc = read_small_file(path, &text, NULL);
		if (rc < 0)
			continue;
		rc = sscanf(text, "%llu", id) == 1 ? 0 : -EINVAL;
		free(text);
		if (rc == 0)
			return 0;
	}
	return rc;
}

int tp_start(int fds[TP_N], char *why, size_t len)
{
	int rc = 0;

	for (int i = 0; i < TP_N; i++)
		fds[i] = -1;
	for (int i = 0; i < TP_N && rc == 0; i++) {
		unsigned long long id;
		struct perf_event_attr a = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof(a),
					     .inherit = 1 };
		long fd;

		rc = tp_id(events[i], &id);
		if (rc < 0) {
			snprintf(why, len, "n/a: no tracepoint %s (tracefs not mounted, or %s)",
				 events[i], strerror(-rc));
			break;
		}
		a.config = id;
		fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
		if (fd < 0) {
			rc = -errno;
			snprintf(why, len, "n/a: perf_event_open on %s refused (%s)", events[i],
				 strerror(-rc));
			break;
		}
		fds[i] = (int)fd;
	}
	if (rc < 0)
		for (int i = 0; i < TP_N; i++) {
			if (fds[i] >= 0)
				close(fds[i]);
			fds[i] = -1;
		}
	return rc;
}

void tp_read(const int fds[TP_N], int64_t out[TP_N])
{
	for (int i = 0; i < TP_N; i++) {
		uint64_t v;

		out[i] = fds[i] >= 0 && read(fds[i], &v, sizeof(v)) == sizeof(v) ? (int64_t)v : -1;
	}
}
