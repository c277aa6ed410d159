/* memuse.c - see memuse.h. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memuse.h"

/* The /proc/self/status fields memuse reads, in KiB; -1 when absent. */
struct status_kib {
	int64_t rss, hwm, file, shmem;
};

/*
 * One read of /proc/self/status into a stack buffer: no stdio, so no
 * allocation in a worker whose memory is being measured, and one pass
 * for every field.  0 or -errno (-ENOENT without VmRSS).
 */
static int status_read(struct status_kib *st)
{
	static const struct { const char *key; size_t off; } keys[] = {
		{ "VmRSS:", offsetof(struct status_kib, rss) },
		{ "VmHWM:", offsetof(struct status_kib, hwm) },
		{ "RssFile:", offsetof(struct status_kib, file) },	/* Linux 4.5 */
		{ "RssShmem:", offsetof(struct status_kib, shmem) },
	};
	char buf[4096];
	ssize_t n;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const char *p = strstr(buf, keys[k].key);
		int64_t *v = (int64_t *)((char *)st + keys[k].off);

		*v = p ? strtoll(p + strlen(keys[k].key), NULL, 10) : -1;
	}
	return st->rss < 0 ? -ENOENT : 0;
}

static uint64_t kib_or_0(int64_t v)
{
	return v > 0 ? (uint64_t)v : 0;
}

int mem_mark(struct mem_mark *m)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	struct status_kib st;
	int rc;

	/*
	 * Without a reset (no such file, or the write refused), VmHWM is the
	 * peak since the fork: the base, unless the process shrank since.
	 */
	if (fd >= 0) {
		ssize_t w = write(fd, "5", 1);

		(void)w;
		close(fd);
	}
	rc = status_read(&st);
	m->base_kib = kib_or_0(st.rss);
	m->file_kib = kib_or_0(st.file);
	m->shmem_kib = kib_or_0(st.shmem);
	return rc;
}

int mem_net_since(const struct mem_mark *m, uint64_t *net_kib)
{
	struct status_kib st;
	uint64_t peak, file, shmem, shared;
	int rc = status_read(&st);

	if (rc < 0 || st.hwm < 0)
		return rc < 0 ? rc : -ENOENT;
	peak = kib_or_0(st.hwm);
	file = st.file < 0 ? m->file_kib : (uint64_t)st.file;
	shmem = st.shmem < 0 ? m->shmem_kib : (uint64_t)st.shmem;
	/* file and shared pages stay mapped to the end: their growth is known */
	shared = (file > m->file_kib ? file - m->file_kib : 0) +
		 (shmem > m->shmem_kib ? shmem - m->shmem_kib : 0);
	peak = peak > shared ? peak - shared : 0;
	*net_kib = peak > m->base_kib ? peak - m->base_kib : 0;
	return 0;
}
