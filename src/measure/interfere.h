/*
 * interfere.h - what else used the machine while a trial ran.
 *
 * A trial's wall time is only the strategy's when the strategy had the
 * machine.  Other processes (a build, a backup, another user's job) and
 * the hypervisor (steal) take CPU from it; this measures how much, from
 * machine-wide counters read just before and just after the trial:
 *
 *   other CPU = busy time of all CPUs (online CPUs x wall - idle - iowait
 *               - steal, from /proc/stat; the kernel keeps idle time per
 *               CPU to the nanosecond, /proc/stat shows it in 10 ms steps)
 *             - interrupts, hard and soft: mostly the completions of the
 *               trial's own I/O (io_uring's array trials spent 0.13-0.16
 *               of a CPU there on this VM's virtio disk)
 *             - the trial's own user + sys (wait4: its whole tree)
 *             - the harness's own, and that of the helpers it keeps
 *               running beside trials (the net server): its children
 *               other than the trial, from /proc
 *             - FUSE servers' (processes holding /dev/fuse open, found
 *               once per run): serving the trial's own I/O is the
 *               storage's cost (delayfs took 0.5 of a CPU beside a pool)
 *
 * What the kernel does on the trial's behalf in its own threads (writeback)
 * counts as "other" too: up to 0.06 of a CPU in the csv trials here.  And
 * a busy process beside a trial that waits on its disk takes nothing the
 * trial wanted: the machine stays idle meanwhile.  So a trial is flagged
 * only when others took more than a threshold *and* left under half a CPU
 * idle (trial_disturbed)
 * (--max-interference).  Pressure stall information (/proc/pressure/cpu
 * and io, "some") is kept beside it where the kernel has it: it counts
 * the trial's own waits as well, so it describes, and never flags.
 */
#ifndef IOBENCH_INTERFERE_H
#define IOBENCH_INTERFERE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * How far the other CPU figure can be off for counting reasons alone:
 * /proc/stat's totals come in 10 ms steps (idle, interrupts and steal
 * each), so a 20 ms trial can show half a CPU of "others" on a quiet
 * machine.  A trial is judged on its figure less this.
 */
#define INTERFERE_RES_S 0.02

/* The counters at one instant. */
struct interfere_mark {
	bool stat_ok;		/* /proc/stat read */
	uint64_t t_ns;		/* CLOCK_MONOTONIC */
	uint64_t idle_ns;	/* idle + iowait, all CPUs */
	uint64_t irq_ns;	/* hard and soft interrupts, all CPUs */
	uint64_t steal_ns;
	unsigned ncpu;		/* CPUs /proc/stat lists (the online ones) */
	uint64_t own_ns;	/* the harness and its helpers, not the trial */
	int64_t psi_cpu_us, psi_io_us;	/* "some" totals; -1: n/a */
};

/* What happened between two marks; each figure < 0 when n/a. */
struct interfere {
	double other_cpu_s;	/* CPU time of everything else, all CPUs */
	double psi_cpu_s;	/* time some task waited for a CPU */
	double psi_io_s;	/* time some task waited for I/O */
	double idle_cpu_s;	/* CPU time nobody used (idle + iowait), all CPUs */
};

/*
 * Reads the counters into @m.  @trial: the trial's pid, left out of the
 * harness's children (0 before it exists).  Can't fail: what it could
 * not read is marked n/a.
 */
void interfere_mark(struct interfere_mark *m, pid_t trial);

/*
 * The interference between @a and @b, given the trial's own CPU time (s)
 * over the same span.  Can't fail.
 */
void interfere_since(const struct interfere_mark *a, const struct interfere_mark *b,
		     double trial_cpu_s, struct interfere *out);

#endif
