/* dio.c - see dio.h.  Uses the kernel's struct statx: glibc 2.36's lacks
 * the direct-I/O fields (Linux 6.1). */
#include <errno.h>
#include <fcntl.h>
#include <linux/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dio.h"
#include "util.h"

/* /sys/dev/block/MAJ:MIN/queue/logical_block_size, or its parent's for a partition. */
static int sysfs_lbs(unsigned maj, unsigned min)
{
	for (int i = 0; i < 2; i++) {
		char path[128], *text;
		int v;

		snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/%squeue/logical_block_size",
			 maj, min, i ? "../" : "");
		if (read_small_file(path, &text, NULL) < 0)
			continue;
		v = atoi(text);
		free(text);
		if (v > 0)
			return v;
	}
	return -ENOENT;
}

int dio_alignment(const char *path)
{
	struct statx stx;
	int fd, lbs;

	if (syscall(SYS_statx, AT_FDCWD, path, 0, STATX_DIOALIGN, &stx) < 0)
		return -errno;
	if (stx.stx_mask & STATX_DIOALIGN) {
		if (stx.stx_dio_offset_align == 0)
			return -EOPNOTSUPP;
		return (int)stx.stx_dio_offset_align;
	}
	/* older kernel: does an O_DIRECT open work, and what block size is it? */
	fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0)
		return errno == EINVAL ? -EOPNOTSUPP : -errno;
	close(fd);
	lbs = sysfs_lbs(stx.stx_dev_major, stx.stx_dev_minor);
	return lbs > 0 ? lbs : 4096;
}
