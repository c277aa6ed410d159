/* memuse.c - see memuse.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "memuse.h"

/* "VmRSS:" or "VmHWM:" of /proc/self/status, in KiB. */
static int status_kib(const char *key, uint64_t *out)
{
	char line[128];
	size_t klen = strlen(key);
	FILE *f = fopen("/proc/self/status", "re");
	int rc = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if (strncmp(line, key, klen) == 0 &&
		    sscanf(line + klen, " %llu", &v) == 1) {
			*out = v;
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}

int mem_mark(struct mem_mark *m)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);

	m->peak_reset = false;
	if (fd >= 0) {
		m->peak_reset = write(fd, "5", 1) == 1;
		close(fd);
	}
	m->file_kib = m->shmem_kib = 0;
	(void)status_kib("RssFile:", &m->file_kib);	/* Linux 4.5 */
	(void)status_kib("RssShmem:", &m->shmem_kib);
	return status_kib("VmRSS:", &m->base_kib);
}

int mem_net_since(const struct mem_mark *m, uint64_t *net_kib)
{
	uint64_t peak, file = m->file_kib, shmem = m->shmem_kib, shared;
	int rc = status_kib("VmHWM:", &peak);

	if (rc < 0)
		return rc;
	(void)status_kib("RssFile:", &file);
	(void)status_kib("RssShmem:", &shmem);
	/* file and shared pages stay mapped to the end: their growth is known */
	shared = (file > m->file_kib ? file - m->file_kib : 0) +
		 (shmem > m->shmem_kib ? shmem - m->shmem_kib : 0);
	peak = peak > shared ? peak - shared : 0;
	*net_kib = peak > m->base_kib ? peak - m->base_kib : 0;
	return 0;
}
