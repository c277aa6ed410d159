/* npy.h - the NumPy .npy format, versions 1.0, 2.0 and 3.0.
 *
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html:
 * "\x93NUMPY", major, minor, header length (u16 for 1.0, u32 for 2.0/3.0,
 * little-endian), then a Python dict literal with 'descr', 'fortran_order'
 * and 'shape', padded with spaces and a newline so the data starts on a
 * 64-byte boundary.
 */
#ifndef IOBENCH_NPY_H
#define IOBENCH_NPY_H

#include <stddef.h>
#include <stdint.h>

#define NPY_MAX_DIMS 32
/* A header longer than this is refused as hostile (numpy writes < 1 KiB). */
#define NPY_MAX_HEADER (1U << 20)
/* Bytes to read to be sure the whole header of a valid file is there. */
#define NPY_PREFIX_MAX (NPY_MAX_HEADER + 12)

struct npy_info {
	int major, minor;
	char descr[16];		/* as written: "<f8" */
	char kind;		/* 'f', 'i' or 'u' */
	unsigned itemsize;
	int ndim;
	uint64_t shape[NPY_MAX_DIMS];
	uint64_t data_offset;	/* header included */
	uint64_t rows;		/* shape[0]; 1 for a 0-d array */
	uint64_t row_bytes;	/* itemsize x product of the other dims */
	uint64_t data_bytes;	/* rows x row_bytes */
};

/*
 * Parses the header at the start of a file of @file_size bytes, of which
 * the first @len are in @buf.  Checks magic, version, header length, the
 * dict, the dtype (little-endian integers and floats only), C order, that
 * the shape's byte size does not overflow and that the file holds all the
 * data.  Returns 0, or -EINVAL / -EFBIG / -ENODATA / -ENOTSUP with one
 * line in @msg.
 */
int npy_parse_header(const unsigned char *buf, size_t len, uint64_t file_size,
		     struct npy_info *info, char *msg, size_t msglen);

/*
 * Writes a version 1.0 header for a C-order @rows x @cols array of
 * little-endian float64 into @buf (at least 128 bytes).  Returns the
 * header's length (a multiple of 64), or -ENOSPC.
 */
int npy_write_header(unsigned char *buf, size_t cap, uint64_t rows,
		     uint64_t cols);

/* Sums @n elements at @data, in order, as doubles. */
double npy_sum(const struct npy_info *info, const void *data, uint64_t n);

#endif
