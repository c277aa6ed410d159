/* workload.c - helpers every workload shares. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "dataset.h"
#include "registry.h"
#include "util.h"
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

void wl_fact_num(struct wl_ctx *ctx, const char *key, uint64_t v)
{
	if (ctx->nfacts < WL_MAX_FACTS)
		ctx->facts[ctx->nfacts++] = (struct wl_fact){ .key = key, .num = v };
}

void wl_fact_str(struct wl_ctx *ctx, const char *key, const char *s)
{
	if (ctx->nfacts < WL_MAX_FACTS) {
		ctx->facts[ctx->nfacts] = (struct wl_fact){ .key = key };
		snprintf(ctx->facts[ctx->nfacts++].str, sizeof(ctx->facts[0].str), "%s", s);
	}
}

void wl_spec_from_facts(struct wl_ctx *ctx, const char *name)
{
	size_t off = (size_t)snprintf(ctx->spec, sizeof(ctx->spec), "%s", name);

	for (unsigned k = 0; k < ctx->nfacts && off < sizeof(ctx->spec); k++) {
		const struct wl_fact *f = &ctx->facts[k];

		off += f->str[0] ? (size_t)snprintf(ctx->spec + off, sizeof(ctx->spec) - off,
						    " %s=%s", f->key, f->str)
				 : (size_t)snprintf(ctx->spec + off, sizeof(ctx->spec) - off,
						    " %s=%" PRIu64, f->key, f->num);
	}
}

size_t wl_njobs(const struct wl_ctx *ctx)
{
	return ctx->as_recorded && ctx->njobs_recorded ? ctx->njobs_recorded : ctx->njobs;
}

bool wl_mine(const struct wl_ctx *ctx, size_t i)
{
	return ctx->share_ranks <= 1 || i % ctx->share_ranks == ctx->share_rank;
}

void wl_combine_digests(const struct wl_ctx *ctx, const struct job_result *res, size_t n,
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
		if (wl_mine(ctx, i))
			EVP_DigestUpdate(md, res[i].digest, 16);
	EVP_DigestFinal_ex(md, out, NULL);
	EVP_MD_CTX_free(md);
}

struct wl_knobs *wl_knobs(struct config *cfg, const struct workload *wl)
{
	for (size_t i = 0; i < n_workloads && i < MAX_WORKLOADS; i++)
		if (workloads[i] == wl)
			return &cfg->knobs[i];
	return NULL;
}

uint64_t wl_val(const struct config *cfg, const struct workload *wl, unsigned opt)
{
	const struct wl_knobs *k = wl_knobs((struct config *)cfg, wl);

	return k && opt < WL_MAX_KNOBS ? k->v[opt] : 0;
}

const char *wl_str(const struct config *cfg, const struct workload *wl, unsigned opt)
{
	const struct wl_knobs *k = wl_knobs((struct config *)cfg, wl);

	return k && opt < WL_MAX_KNOBS ? k->s[opt] : NULL;
}

uint64_t wl_knob(const struct config *cfg, const struct workload *wl, const char *name)
{
	for (unsigned i = 0; i < wl->noptions; i++)
		if (!strcmp(wl->options[i].name, name))
			return wl_val(cfg, wl, i);
	return 0;
}

int wl_knob_index(const struct workload *wl, const char *name)
{
	for (unsigned i = 0; i < wl->noptions; i++)
		if (!strcmp(wl->options[i].name, name))
			return (int)i;
	return -1;
}

unsigned wl_ds_flags(const struct config *cfg)
{
	return (cfg->verify_data ? DS_VERIFY : 0) | (cfg->find_only ? DS_FIND_ONLY : 0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double wl_time_unit(void (*fn)(void *arg), void *arg)
{
	uint64_t n = 1, t0, t;
	double v[5];

	/* as Python's timeit.autorange: grow the batch until it takes 10 ms */
	for (;;) {
		t0 = now_ns();
		for (uint64_t i = 0; i < n; i++)
			fn(arg);
		t = now_ns() - t0;
		if (t >= 10000000ULL || n >= (1ULL << 30))
			break;
		n *= 2;
	}
	for (int r = 0; r < 5; r++) {
		t0 = now_ns();
		for (uint64_t i = 0; i < n; i++)
			fn(arg);
		v[r] = (double)(now_ns() - t0) / 1e9 / (double)n;
	}
	qsort(v, 5, sizeof(v[0]), cmp_double);
	return v[2];
}
