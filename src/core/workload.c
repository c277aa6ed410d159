/* workload.c - helpers every workload shares. */
#include <stdarg.h>
#include <stdio.h>

#include <openssl/evp.h>

#include "workload.h"

int wl_error(struct wl_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->msg, sizeof(ctx->msg), fmt, ap);
	va_end(ap);
	return err;
}

void wl_digest64(uint64_t h, unsigned char out[16])
{
	for (int i = 0; i < 16; i++)
		out[i] = i < 8 ? (unsigned char)(h >> (8 * i)) : 0;
}

void wl_combine_digests(const struct job_result *res, size_t n,
			unsigned char out[16])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	/* allocation failure leaves a zero digest, which never validates */
	if (!md) {
		for (int i = 0; i < 16; i++)
			out[i] = 0;
		return;
	}
	EVP_DigestInit_ex(md, EVP_md5(), NULL);
	for (size_t i = 0; i < n; i++)
		EVP_DigestUpdate(md, res[i].digest, 16);
	EVP_DigestFinal_ex(md, out, NULL);
	EVP_MD_CTX_free(md);
}
