/* cache.c - cold, warm or direct page cache before each trial. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
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

/* Root only; a read-only /proc (containers) is worth one warning, not a failure. */
static void drop_all_caches(void)
{
	static bool warned;
	int fd;

	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && write(fd, "3\n", 2) == 2) {
		close(fd);
		return;
	}
	if (!warned)
		errmsg("--drop-caches: cannot write /proc/sys/vm/drop_caches (%s); "
		       "dropping the dataset's own pages only", strerror(errno));
	warned = true;
	if (fd >= 0)
		close(fd);
}

int cache_prepare(enum cache_mode mode, bool drop_all, char *const *files,
		  size_t n, char *msg, size_t len)
{
	bool warm = mode == CACHE_WARM;

	if (!warm && drop_all)
		drop_all_caches();
	for (size_t i = 0; i < n; i++) {
		int fd = open(files[i], O_RDONLY | O_CLOEXEC), rc;

		if (fd < 0) {
			snprintf(msg, len, "cannot open %s: %s", files[i], strerror(errno));
			return -errno;
		}
		rc = warm ? read_file(fd) : drop_file(fd);
		close(fd);
		if (rc < 0) {
			snprintf(msg, len, "%s %s: %s", warm ? "reading" : "dropping cache of",
				 files[i], strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* Resident and total pages of one file. */
static int resident(const char *path, uint64_t *in, uint64_t *total)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *vec;
	struct stat st;
	size_t pages;
	void *map;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_size == 0) {
		close(fd);
		return 0;
	}
	pages = ((size_t)st.st_size + (size_t)page - 1) / (size_t)page;
	/* mapping does not read the file: mincore only looks at the cache */
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -errno;
	vec = malloc(pages);
	if (!vec)
		rc = -ENOMEM;
	else if (mincore(map, (size_t)st.st_size, vec) < 0)
		rc = -errno;
	for (size_t i = 0; rc == 0 && i < pages; i++)
		*in += vec[i] & 1;
	*total += pages;
	free(vec);
	munmap(map, (size_t)st.st_size);
	return rc;
}

double cache_resident_pct(char *const *files, size_t n)
{
	uint64_t in = 0, total = 0;

	for (size_t i = 0; i < n; i++)
		if (resident(files[i], &in, &total) < 0)
			return -1;
	return total ? 100.0 * (double)in / (double)total : -1;
}

bool cache_state_off(enum cache_mode mode, double pct)
{
	if (pct < 0)
		return false;
	return mode == CACHE_WARM ? pct < 95.0 : pct > 5.0;
}
