/* iobuf.h - I/O buffers: page-aligned anonymous mappings of their own.
 *
 * Every read or write buffer a job keeps in flight is its own mapping,
 * not a piece of the malloc heap: malloc would carve it out of free heap
 * pages the process already holds (in a forked worker, pages inherited
 * from the trial process), so a strategy's buffers would not show in its
 * memory, and a freed one would not give the memory back.  A mapping is
 * page-aligned, which O_DIRECT needs.
 */
#ifndef IOBENCH_IOBUF_H
#define IOBENCH_IOBUF_H

#include <stddef.h>
#include <sys/mman.h>

/* A zero-filled buffer of @size bytes, or NULL (errno set). */
static inline void *iobuf_alloc(size_t size)
{
	void *p = mmap(NULL, size ? size : 1, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Frees a buffer of iobuf_alloc(@size); NULL is fine. */
static inline void iobuf_free(void *p, size_t size)
{
	if (p)
		munmap(p, size ? size : 1);
}

#endif
