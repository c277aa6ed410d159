/* iotrace_int.h - what iotrace.c shares with iotrace_read.c. */
#ifndef IOBENCH_IOTRACE_INT_H
#define IOBENCH_IOTRACE_INT_H

#include <stddef.h>

/* @p grown to hold @need items of @size (doubling *@cap); dies on ENOMEM. */
void *it_grow(void *p, size_t *cap, size_t need, size_t size);

#endif
