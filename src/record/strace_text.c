/* strace_text.c - the text of a strace log line: timestamps, arguments, strings, fds. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strace_text.h"
#include "util.h"

/* Parses "SECONDS.FRACTION" into ns; false if it is not one. */
bool st_parse_ts(const char *s, uint64_t *ns)
{
	char *e;
	unsigned long long sec = strtoull(s, &e, 10);
	uint64_t frac = 0, scale = 1000000000ULL;

	if (e == s || *e != '.')
		return false;
	for (s = e + 1; *s >= '0' && *s <= '9'; s++)
		if (scale > 1) {
			scale /= 10;
			frac += (uint64_t)(*s - '0') * scale;
		}
	if (*s && *s != ' ' && *s != '>')	/* '>': a duration, "<0.000123>" */
		return false;
	*ns = (uint64_t)sec * 1000000000ULL + frac;
	return true;
}

/*
 * Splits "name(a, b, c) = RET <DUR>" at top level: args into @args, the
 * text after the closing parenthesis into *@after.  @s is modified.
 * Returns the number of args, or -1 when the call never closes.
 */
int st_split_call(char *s, char **args, int max, char **after)
{
	int depth = 1, n = 0;
	char *start = s;

	for (char *p = s; *p; p++) {
		switch (*p) {
		case '"':
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				return -1;
			break;
		case '<':	/* strace -y: the fd's file, its <> escaped inside */
			if (p > s && ((p[-1] >= '0' && p[-1] <= '9') || p[-1] == 'D')) {
				char *e = strchr(p, '>');

				if (!e)
					return -1;
				p = e;
			}
			break;
		case '(': case '{': case '[':
			depth++;
			break;
		case ')': case '}': case ']':
			if (--depth == 0) {
				*p = '\0';
				if (n < max && (*start || n))
					args[n++] = start;
				*after = p + 1;
				for (int k = 0; k < n; k++) {
					args[k] += strspn(args[k], " ");
					for (char *e = args[k] + strlen(args[k]); e > args[k] && e[-1] == ' ';)
						*--e = '\0';
				}
				return n;
			}
			break;
		case ',':
			if (depth == 1) {
				*p = '\0';
				if (n < max)
					args[n++] = start;
				start = p + 1;
			}
			break;
		default:
			break;
		}
	}
	return -1;
}

/* A C-quoted string as strace prints it ("a\x01\"b") into @out; false if not one. */
bool st_unquote(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	if (*s++ != '"')
		return false;
	for (; *s && *s != '"'; s++) {
		int v = (unsigned char)*s;

		if (*s == '\\') {
			s++;
			switch (*s) {
			case 'n': v = '\n'; break;
			case 't': v = '\t'; break;
			case 'r': v = '\r'; break;
			case 'v': v = '\v'; break;
			case 'f': v = '\f'; break;
			case 'x': {
				unsigned x;

				if (sscanf(s + 1, "%2x", &x) != 1)
					return false;
				v = (int)x;
				s += 2;
				break;
			}
			default:
				if (*s >= '0' && *s <= '7') {
					v = 0;
					for (int k = 0; k < 3 && *s >= '0' && *s <= '7'; k++, s++)
						v = v * 8 + (*s - '0');
					s--;
				} else if (!*s) {
					return false;
				} else {
					v = (unsigned char)*s;
				}
			}
		}
		if (!v || n + 1 >= cap)
			return false;
		out[n++] = (char)v;
	}
	out[n] = '\0';
	return *s == '"' && !s[1];
}

/*
 * An fd argument or result: "3", "3</path>", "AT_FDCWD</dir>".  *@fd (-100
 * for AT_FDCWD) and, with -y, the path into @path (else "").  False if it
 * is neither.
 */
bool st_parse_fd(const char *s, int *fd, char *path, size_t cap)
{
	const char *lt = strchr(s, '<');
	char *e;
	long v;

	path[0] = '\0';
	if (!strncmp(s, "AT_FDCWD", 8)) {
		*fd = -100;
		e = (char *)s + 8;
	} else {
		v = strtol(s, &e, 10);
		if (e == s || v < 0 || v > INT32_MAX)
			return false;
		*fd = (int)v;
	}
	if (lt && lt == e) {
		size_t n = strlen(lt + 1);
		char tmp[4096];

		if (!n || lt[n] != '>' || n > sizeof(tmp) - 3)
			return false;
		/* the <> text is a quoted string without its quotes */
		tmp[0] = '"';
		memcpy(tmp + 1, lt + 1, n - 1);
		tmp[n] = '"';
		tmp[n + 1] = '\0';
		if (!st_unquote(tmp, path, cap))
			return false;
		return true;
	}
	return *e == '\0';
}

/* Joins @base and @p (if relative) and removes ".", ".." and "//" lexically. */
void st_normalize(const char *base, const char *p, char *out, size_t cap)
{
	char tmp[8192];
	size_t n = 0;

	snprintf(tmp, sizeof(tmp), "%s/%s", p[0] == '/' ? "" : base, p);
	out[0] = '\0';
	for (char *save = NULL, *tok = strtok_r(tmp, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			char *sl = strrchr(out, '/');

			n = sl ? (size_t)(sl - out) : 0;
			out[n] = '\0';
			continue;
		}
		n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "/%s", tok);
		if (n >= cap) {
			snprintf(out, cap, "/");
			return;
		}
	}
	if (!out[0])
		snprintf(out, cap, "/");
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int strace_calibrate(FILE *f, uint64_t *gap_ns)
{
	uint64_t *gaps = NULL, prev_end = 0, ts, dur;
	size_t n = 0, cap = 0;
	char *line = NULL, *p, *lt;
	size_t lcap = 0;
	bool started = false;
	int rc = 0;

	/* one thread (dd): "PID TS call(...) = RET <DUR>" */
	while (getline(&line, &lcap, f) >= 0) {
		p = line + strspn(line, "0123456789");
		p += strspn(p, " ");
		lt = strrchr(line, '<');
		if (!st_parse_ts(p, &ts) || !lt || !st_parse_ts(lt + 1, &dur))
			continue;
		if (started && ts > prev_end) {
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				gaps = realloc(gaps, cap * sizeof(*gaps));
				if (!gaps)
					die(1, "out of memory calibrating strace");
			}
			gaps[n++] = ts - prev_end;
		}
		started = true;
		prev_end = ts + dur;
	}
	if (n < 100) {
		rc = -EINVAL;
	} else {
		qsort(gaps, n, sizeof(*gaps), cmp_u64);
		*gap_ns = gaps[n / 2];
	}
	free(gaps);
	free(line);
	return rc;
}
