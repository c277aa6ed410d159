/* fuzz_npy.c - libFuzzer harness for the .npy header parser, which reads
 * users' files (--input).  Any crash, hang, out-of-bounds access or
 * undefined behaviour (ASan + UBSan) is a bug.  The first 8 bytes of the
 * input give the file size the parser is told (so a header can claim more
 * or less data than there is); the rest is the start of the file. */
#include <stdint.h>
#include <string.h>

#include "npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct npy_info info;
	uint64_t file_size;
	char msg[256];

	if (size < 8)
		return 0;
	memcpy(&file_size, data, 8);
	/* a file is never smaller than what was read of it */
	if (file_size < size - 8)
		file_size = size - 8;
	if (npy_parse_header(data + 8, size - 8, file_size, &info, msg, sizeof(msg)) == 0) {
		/* a header the parser accepts must be self-consistent */
		if (info.data_offset > file_size || info.data_bytes > file_size - info.data_offset ||
		    (info.row_bytes && info.rows > UINT64_MAX / info.row_bytes))
			__builtin_trap();
	}
	return 0;
}
