/* strace_text.h - reading the text strace writes, for strace_conv.c. */
#ifndef IOBENCH_STRACE_TEXT_H
#define IOBENCH_STRACE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* "SECONDS.FRACTION" (ended by a space, '>' or the end) into ns; false if not one. */
bool st_parse_ts(const char *s, uint64_t *ns);

/*
 * Splits "a, b, c) = RET <DUR>" (the text after "name(") at top level,
 * minding quotes, brackets and -y's <path> annotations: up to @max args
 * into @args, trimmed, the text after the closing parenthesis into
 * *@after.  @s is modified.  The number of args, or -1 when the call
 * never closes (a line cut short).
 */
int st_split_call(char *s, char **args, int max, char **after);

/* A C-quoted string as strace prints it ("a\x01\"b") into @out; false if not one. */
bool st_unquote(const char *s, char *out, size_t cap);

/*
 * An fd argument or result: "3", "3</path>", "AT_FDCWD</dir>": *@fd (-100
 * for AT_FDCWD) and, with strace -y, the path into @path (else "").
 * False when it is neither.
 */
bool st_parse_fd(const char *s, int *fd, char *path, size_t cap);

/* Joins @base and @p (if relative) and removes ".", ".." and "//" lexically. */
void st_normalize(const char *base, const char *p, char *out, size_t cap);

/*
 * The median gap between consecutive calls in the log @f of a program
 * that does nothing between its calls (dd from /dev/zero to /dev/null):
 * strace's own cost per gap, into *@gap_ns.  0, or -EINVAL when the log
 * has too few calls.
 */
int strace_calibrate(FILE *f, uint64_t *gap_ns);

#endif
