/* npy.c - reading and writing .npy headers.
 *
 * The parser takes hostile input (a user's --input file): every length is
 * checked against what is really there before it is used, and every
 * product against overflow.  It is fuzzed by tests/fuzz/fuzz_npy.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "npy.h"

/* Elements are summed by reinterpreting their bytes: little-endian only. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "npy.c assumes a little-endian host");

static const unsigned char npy_magic[6] = { 0x93, 'N', 'U', 'M', 'P', 'Y' };

/* A cursor over the header dict text. */
struct cur {
	const char *p, *end;
};

static void skip_ws(struct cur *c)
{
	while (c->p < c->end && isspace((unsigned char)*c->p))
		c->p++;
}

static bool eat(struct cur *c, char ch)
{
	skip_ws(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

/* A quoted Python string literal (no escapes: numpy never writes them). */
static bool parse_str(struct cur *c, char *out, size_t cap)
{
	char q;
	size_t n = 0;

	skip_ws(c);
	if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
		return false;
	q = *c->p++;
	while (c->p < c->end && *c->p != q) {
		if (n + 1 >= cap)
			return false;
		out[n++] = *c->p++;
	}
	if (c->p >= c->end)
		return false;
	c->p++;
	out[n] = '\0';
	return true;
}

static bool parse_word(struct cur *c, const char *word)
{
	size_t n = strlen(word);

	skip_ws(c);
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return false;
	c->p += n;
	return true;
}

static bool parse_bool(struct cur *c, bool *out)
{
	if (parse_word(c, "True")) {
		*out = true;
		return true;
	}
	if (parse_word(c, "False")) {
		*out = false;
		return true;
	}
	return false;
}

static bool parse_uint(struct cur *c, uint64_t *out)
{
	uint64_t v = 0;
	bool any = false;

	skip_ws(c);
	while (c->p < c->end && isdigit((unsigned char)*c->p)) {
		unsigned d = (unsigned)(*c->p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		c->p++;
		any = true;
	}
	/* numpy may write 10L in Python 2 era files */
	if (any && c->p < c->end && *c->p == 'L')
		c->p++;
	*out = v;
	return any;
}

/* "()", "(5,)", "(3, 4)", "(3, 4,)" */
static bool parse_shape(struct cur *c, struct npy_info *info)
{
	info->ndim = 0;
	if (!eat(c, '('))
		return false;
	if (eat(c, ')'))
		return true;
	for (;;) {
		if (info->ndim == NPY_MAX_DIMS || !parse_uint(c, &info->shape[info->ndim]))
			return false;
		info->ndim++;
		if (eat(c, ')'))
			return true;
		if (!eat(c, ','))
			return false;
		if (eat(c, ')'))
			return true;
	}
}

static int fail(char *msg, size_t len, int err, const char *what)
{
	snprintf(msg, len, "%s", what);
	return err;
}

/* Accepts little-endian (or byte-sized) integers and floats. */
static int parse_descr(struct npy_info *info, char *msg, size_t len)
{
	const char *d = info->descr;
	unsigned size;
	char kind;

	if (strlen(d) < 3 || strlen(d) > 4 || !isdigit((unsigned char)d[2]) ||
	    (d[3] && !isdigit((unsigned char)d[3])))
		goto unsupported;
	size = (unsigned)atoi(d + 2);
	kind = d[1];
	if (d[0] == '>' && size > 1)
		goto unsupported;
	if (d[0] != '<' && d[0] != '|' && d[0] != '>')
		goto unsupported;
	if (kind == 'f' && (size == 4 || size == 8))
		goto ok;
	if ((kind == 'i' || kind == 'u') &&
	    (size == 1 || size == 2 || size == 4 || size == 8))
		goto ok;
unsupported:
	snprintf(msg, len,
		 "unsupported dtype '%s' (supported: little-endian float32/64 and int/uint 8-64)",
		 d);
	return -ENOTSUP;
ok:
	info->kind = kind;
	info->itemsize = size;
	return 0;
}

static int parse_dict(struct cur *c, struct npy_info *info, char *msg, size_t len)
{
	bool have_descr = false, have_order = false, have_shape = false;
	bool fortran = false;
	char key[32];

	if (!eat(c, '{'))
		return fail(msg, len, -EINVAL, "header is not a dict");
	while (!eat(c, '}')) {
		if (!parse_str(c, key, sizeof(key)) || !eat(c, ':'))
			return fail(msg, len, -EINVAL, "malformed header dict");
		if (strcmp(key, "descr") == 0) {
			if (!parse_str(c, info->descr, sizeof(info->descr))) {
				snprintf(msg, len, "unsupported dtype (descr is not a simple type string)");
				return -ENOTSUP;
			}
			have_descr = true;
		} else if (strcmp(key, "fortran_order") == 0) {
			if (!parse_bool(c, &fortran))
				return fail(msg, len, -EINVAL, "fortran_order is not True or False");
			have_order = true;
		} else if (strcmp(key, "shape") == 0) {
			if (!parse_shape(c, info))
				return fail(msg, len, -EINVAL, "malformed shape");
			have_shape = true;
		} else {
			return fail(msg, len, -EINVAL, "unknown key in header dict");
		}
		if (!eat(c, ',')) {
			if (!eat(c, '}'))
				return fail(msg, len, -EINVAL, "malformed header dict");
			break;
		}
	}
	if (!have_descr || !have_order || !have_shape)
		return fail(msg, len, -EINVAL,
			    "header lacks one of 'descr', 'fortran_order', 'shape'");
	if (fortran)
		return fail(msg, len, -ENOTSUP,
			    "Fortran-order arrays are not supported (save with np.ascontiguousarray)");
	return parse_descr(info, msg, len);
}

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

int npy_parse_header(const unsigned char *buf, size_t len, uint64_t file_size,
		     struct npy_info *info, char *msg, size_t msglen)
{
	uint64_t hlen, rowelems = 1;
	size_t pre;
	struct cur c;
	int rc;

	memset(info, 0, sizeof(*info));
	if (len < 8 || memcmp(buf, npy_magic, sizeof(npy_magic)) != 0)
		return fail(msg, msglen, -EINVAL, "not a .npy file (bad magic)");
	info->major = buf[6];
	info->minor = buf[7];
	if (info->major < 1 || info->major > 3 || info->minor != 0) {
		snprintf(msg, msglen, "unsupported .npy version %d.%d (supported: 1.0, 2.0, 3.0)",
			 info->major, info->minor);
		return -ENOTSUP;
	}
	pre = info->major == 1 ? 10 : 12;
	if (len < pre)
		return fail(msg, msglen, -EINVAL, "truncated .npy header");
	hlen = le(buf + 8, info->major == 1 ? 2 : 4);
	if (hlen > NPY_MAX_HEADER)
		return fail(msg, msglen, -EFBIG, "header length is implausibly large");
	if (pre + hlen > file_size || pre + hlen > len)
		return fail(msg, msglen, -EINVAL, "header length runs past the end of the file");
	info->data_offset = pre + hlen;
	c.p = (const char *)buf + pre;
	c.end = c.p + hlen;
	rc = parse_dict(&c, info, msg, msglen);
	if (rc < 0)
		return rc;
	info->rows = info->ndim ? info->shape[0] : 1;
	for (int i = 1; i < info->ndim; i++) {
		if (info->shape[i] && rowelems > UINT64_MAX / info->shape[i])
			goto overflow;
		rowelems *= info->shape[i];
	}
	if (rowelems > UINT64_MAX / info->itemsize)
		goto overflow;
	info->row_bytes = rowelems * info->itemsize;
	if (info->row_bytes && info->rows > UINT64_MAX / info->row_bytes)
		goto overflow;
	info->data_bytes = info->rows * info->row_bytes;
	if (info->data_bytes > file_size - info->data_offset) {
		snprintf(msg, msglen,
			 "data is shorter than the shape says (%llu bytes expected, %llu present)",
			 (unsigned long long)info->data_bytes,
			 (unsigned long long)(file_size - info->data_offset));
		return -ENODATA;
	}
	return 0;
overflow:
	return fail(msg, msglen, -EFBIG, "shape's byte size overflows");
}

int npy_write_header(unsigned char *buf, size_t cap, uint64_t rows,
		     uint64_t cols)
{
	char dict[128];
	int n = snprintf(dict, sizeof(dict),
			 "{'descr': '<f8', 'fortran_order': False, 'shape': (%llu, %llu), }",
			 (unsigned long long)rows, (unsigned long long)cols);
	size_t total = ((size_t)(10 + n + 1) + 63) / 64 * 64;
	size_t hlen = total - 10;

	if (total > cap || hlen > 0xffff)
		return -ENOSPC;
	memcpy(buf, npy_magic, sizeof(npy_magic));
	buf[6] = 1;
	buf[7] = 0;
	buf[8] = (unsigned char)(hlen & 0xff);
	buf[9] = (unsigned char)(hlen >> 8);
	memcpy(buf + 10, dict, (size_t)n);
	memset(buf + 10 + n, ' ', hlen - (size_t)n - 1);
	buf[total - 1] = '\n';
	return (int)total;
}

double npy_sum(const struct npy_info *info, const void *data, uint64_t n)
{
	const unsigned char *p = data;
	double s = 0;

	/* memcpy per element: rows may sit at any alignment in a user's file */
#define SUM_AS(type)						\
	for (uint64_t i = 0; i < n; i++) {			\
		type v;						\
		memcpy(&v, p + i * sizeof(type), sizeof(type));	\
		s += (double)v;					\
	}							\
	return s
	switch (info->kind) {
	case 'f':
		if (info->itemsize == 8) { SUM_AS(double); }
		SUM_AS(float);
	case 'i':
		switch (info->itemsize) {
		case 1: SUM_AS(int8_t);
		case 2: SUM_AS(int16_t);
		case 4: SUM_AS(int32_t);
		default: SUM_AS(int64_t);
		}
	default:
		switch (info->itemsize) {
		case 1: SUM_AS(uint8_t);
		case 2: SUM_AS(uint16_t);
		case 4: SUM_AS(uint32_t);
		default: SUM_AS(uint64_t);
		}
	}
#undef SUM_AS
}
