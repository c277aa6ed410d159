/* signals.c - see signals.h. */
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "signals.h"
#include "taskstats.h"

static volatile sig_atomic_t stop_sig, conts;
static volatile int *cont_flag;

/* Counts SIGCONT: a process stopped and resumed during a trial. */
static void on_cont(int sig)
{
	(void)sig;
	conts++;
	if (cont_flag)
		*cont_flag = 1;
}

static void on_signal(int sig)
{
	if (stop_sig) {
		ts_restore_now();	/* a sysctl we changed goes back even now */
		_exit(128 + sig);	/* the user insists: now */
	}
	stop_sig = sig;
}

void sig_install(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	struct sigaction sc = { .sa_handler = on_cont, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&sc.sa_mask);
	sigaction(SIGCONT, &sc, NULL);
	/* a write beyond ulimit -f fails with EFBIG, which we can name */
	signal(SIGXFSZ, SIG_IGN);
	/* orphans of a trial (its workers, if it died first) come back to us */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

unsigned sig_conts(void)
{
	return (unsigned)conts;
}

int sig_stop(void)
{
	return stop_sig;
}

void sig_child_setup(volatile int *stopped)
{
	pid_t parent = getppid();

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	cont_flag = stopped;
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)	/* the parent died before prctl took hold */
		_exit(128 + SIGKILL);
}

void sig_worker_setup(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(128 + SIGKILL);
}
