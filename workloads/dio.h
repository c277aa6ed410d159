/* dio.h - what O_DIRECT needs on a given file. */
#ifndef IOBENCH_DIO_H
#define IOBENCH_DIO_H

/*
 * Alignment (bytes) that offsets and lengths of O_DIRECT I/O on @path must
 * have: statx(STATX_DIOALIGN) where the kernel knows it, else the logical
 * block size of the device under the file.  Returns it, or -EOPNOTSUPP
 * when the file's filesystem does not do direct I/O, -errno on error.
 */
int dio_alignment(const char *path);

#endif
