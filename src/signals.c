/* signals.c - see signals.h. */
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "signals.h"
#include "taskstats.h"

static volatile sig_atomic_t stop_sig;

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

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int sig_stop(void)
{
	return stop_sig;
}

void sig_child_setup(void)
{
	pid_t parent = getppid();

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)	/* the parent died before prctl took hold */
		_exit(128 + SIGKILL);
}
