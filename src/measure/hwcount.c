/* hwcount.c - see hwcount.h. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hwcount.h"

const char *const hw_names[HW_N] = { "cycles", "instructions", "cache_misses" };

static const uint64_t configs[HW_N] = {
	PERF_COUNT_HW_CPU_CYCLES, PERF_COUNT_HW_INSTRUCTIONS, PERF_COUNT_HW_CACHE_MISSES,
};

int hw_start(int fds[HW_N], char *why, size_t len)
{
	for (int i = 0; i < HW_N; i++)
		fds[i] = -1;
	for (int i = 0; i < HW_N; i++) {
		struct perf_event_attr a = {
			.type = PERF_TYPE_HARDWARE, .size = sizeof(a), .config = configs[i],
			.inherit = 1, .exclude_hv = 1,
		};
		long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);

		if (fd < 0) {
			int err = errno;

			if (err == EACCES || err == EPERM)
				snprintf(why, len, "n/a: perf_event_open refused (%s; see kernel.perf_event_paranoid)",
					 strerror(err));
			else
				snprintf(why, len, "n/a: no hardware %s counter here (perf_event_open: %s)",
					 hw_names[i], strerror(err));
			for (int k = 0; k < i; k++)
				close(fds[k]);
			for (int k = 0; k < HW_N; k++)
				fds[k] = -1;
			return -err;
		}
		fds[i] = (int)fd;
	}
	return 0;
}

void hw_read(const int fds[HW_N], int64_t out[HW_N])
{
	for (int i = 0; i < HW_N; i++) {
		uint64_t v;

		out[i] = fds[i] >= 0 && read(fds[i], &v, sizeof(v)) == sizeof(v) ? (int64_t)v : -1;
	}
}
