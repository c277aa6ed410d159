/* no_uring.c - runs a command with io_uring_setup() refused (EPERM) by a
 * seccomp filter, as Docker's default profile and other container policies
 * do.  Usage: no_uring [--epoll-pwait2] COMMAND [ARG...]
 * --epoll-pwait2 refuses epoll_pwait2() instead, with ENOSYS, as a kernel
 * before 5.11 does (the net server's fallback). */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#error "no_uring: add this architecture's AUDIT_ARCH"
#endif

int main(int argc, char **argv)
{
	bool pwait2 = argc > 1 && !strcmp(argv[1], "--epoll-pwait2");
	unsigned nr = pwait2 ? __NR_epoll_pwait2 : __NR_io_uring_setup;
	unsigned err = pwait2 ? ENOSYS : EPERM;
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	argv += pwait2;
	argc -= pwait2;
	if (argc < 2) {
		fprintf(stderr, "usage: no_uring [--epoll-pwait2] COMMAND [ARG...]\n");
		return 2;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		perror("no_uring: seccomp");
		return 1;
	}
	execvp(argv[1], argv + 1);
	perror("no_uring: exec");
	return 127;
}
