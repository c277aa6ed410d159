/* recorder.c - see recorder.h. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iotrace.h"
#include "recorder.h"
#include "util.h"

#ifndef IOBENCH_RECLIB
#define IOBENCH_RECLIB "libiobench-rec.so"
#endif

const char *const recorder_names[REC_N] = { "auto", "preload", "strace" };

const char *recorder_lib(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("IOBENCH_RECLIB");
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (env && *env)
		return access(env, R_OK) == 0 ? env : NULL;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			/* installed: PREFIX/bin/iobench and PREFIX/lib/iobench/ */
			if (snprintf(path, sizeof(path), "%s/../lib/iobench/libiobench-rec.so", exe) <
			    (int)sizeof(path) && access(path, R_OK) == 0)
				return path;
		}
	}
	return access(IOBENCH_RECLIB, R_OK) == 0 ? IOBENCH_RECLIB : NULL;
}


/*
 * Can the preload recorder see @exe's calls?  Not in a static binary (no
 * PT_INTERP: nothing loads the library), nor in Go's (its runtime makes
 * system calls itself).  A script runs an interpreter, which it can.
 */
static bool preloadable(const char *exe, char *why, size_t len)
{
	int fd = open(exe, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	const unsigned char *m;
	const Elf64_Ehdr *eh;
	bool ok = true, interp = false;
	size_t n;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 4) {
		if (fd >= 0)
			close(fd);
		return true;	/* execvp will say what is wrong */
	}
	n = st.st_size > (256 << 20) ? 256 << 20 : (size_t)st.st_size;
	m = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return true;
	eh = (const void *)m;
	if (n < sizeof(*eh) || memcmp(m, ELFMAG, SELFMAG) || m[EI_CLASS] != ELFCLASS64)
		goto out;	/* a script, or not ELF64: its interpreter is what runs */
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		size_t off = eh->e_phoff + (size_t)i * eh->e_phentsize;
		const Elf64_Phdr *ph = (const void *)(m + off);

		if (off + sizeof(*ph) > n)
			break;
		interp |= ph->p_type == PT_INTERP;
	}
	if (!interp) {
		snprintf(why, len, "%s is statically linked", exe);
		ok = false;
	} else if (memmem(m, n, "\xff Go buildinf:", 14)) {
		snprintf(why, len, "%s is a Go program (its calls bypass the C library)", exe);
		ok = false;
	}
out:
	munmap((void *)m, n);
	return ok;
}

enum recorder recorder_choose(enum recorder asked, const char *prog, char *why, size_t len)
{
	char exe[PATH_MAX];

	why[0] = '\0';
	if (asked == REC_STRACE)
		return REC_STRACE;
	if (!recorder_lib()) {
		snprintf(why, len, "the preload recorder libiobench-rec.so is not installed");
		return asked == REC_PRELOAD ? REC_N : REC_STRACE;
	}
	if (asked == REC_PRELOAD)
		return REC_PRELOAD;
	if (path_lookup(prog, exe, sizeof(exe)) == 0 && !preloadable(exe, why, len))
		return REC_STRACE;
	return REC_PRELOAD;
}

bool recorder_runs_python(const char *prog)
{
	char exe[PATH_MAX], line[256];
	ssize_t n;
	int fd;

	if (iotrace_command_is_python(prog))
		return true;
	if (path_lookup(prog, exe, sizeof(exe)) < 0)
		return false;
	fd = open(exe, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n < 2 || line[0] != '#' || line[1] != '!')
		return false;
	line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	return iotrace_command_is_python(line + 2);
}
