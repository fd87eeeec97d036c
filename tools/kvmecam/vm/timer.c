/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam: a periodic SIGALRM.  A PVM guest at CPL0 that makes no exits
 * keeps KVM_RUN busy forever; the handler is installed without SA_RESTART,
 * so each tick makes KVM_RUN return EINTR and the run loop can check its
 * deadline.
 */
#include <signal.h>
#include <string.h>
#include <sys/time.h>

#include "kvmecam.h"

static void tick(int sig)
{
}

int timer_start(unsigned int period_ms)
{
    struct itimerval it = {
        .it_interval = { period_ms / 1000, (period_ms % 1000) * 1000 },
    };
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = tick;           /* no SA_RESTART */
    sigemptyset(&sa.sa_mask);
    if ( sigaction(SIGALRM, &sa, NULL) )
        return -1;
    it.it_value = it.it_interval;

    return setitimer(ITIMER_REAL, &it, NULL);
}

void timer_stop(void)
{
    struct itimerval it;

    memset(&it, 0, sizeof(it));
    setitimer(ITIMER_REAL, &it, NULL);
    signal(SIGALRM, SIG_DFL);
}
