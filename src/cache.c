/* cache.c - cold or warm page cache before each trial. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "util.h"

static int drop_file(int fd)
{
	/* dirty pages can't be dropped: write them back first */
	if (fdatasync(fd) < 0)
		return -errno;
	return -posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
}

static int read_file(int fd)
{
	static char buf[1 << 20];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno != EINTR)
			return -errno;
	}
	return 0;
}

int cache_prepare(enum cache_mode mode, char *const *files, size_t n,
		  char *msg, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		int fd = open(files[i], O_RDONLY | O_CLOEXEC), rc;

		if (fd < 0) {
			snprintf(msg, len, "cannot open %s: %s", files[i], strerror(errno));
			return -errno;
		}
		rc = mode == CACHE_COLD ? drop_file(fd) : read_file(fd);
		close(fd);
		if (rc < 0) {
			snprintf(msg, len, "%s %s: %s",
				 mode == CACHE_COLD ? "dropping cache of" : "reading",
				 files[i], strerror(-rc));
			return rc;
		}
	}
	return 0;
}
