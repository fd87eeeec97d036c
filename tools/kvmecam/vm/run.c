/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam: KVM_RUN until the guest reports DONE, fails, or runs out of
 * time.  Each exit's round trip (KVM_RUN entry to the exit served) is
 * tallied under the kind of exit it was.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kvmecam.h"

#define TICK_MS 100

static int timed_out(struct host *h, unsigned int timeout_s)
{
    struct kvm_regs regs = { 0 };

    ioctl(h->vm.vcpu, KVM_GET_REGS, &regs);
    fprintf(stderr, "kvmecam: timeout: the guest did not finish within %u s "
            "(rip %#llx, %lu exits served)\n", timeout_s,
            (unsigned long long)regs.rip,
            h->t[EX_ECAM_READ].n + h->t[EX_ECAM_WRITE].n + h->t[EX_CF8].n);

    return RUN_TIMEOUT;
}

/* One KVM_RUN and its exit; 1 when interrupted, -1 on failure. */
static int step(struct host *h)
{
    uint64_t t0 = now_ns();
    int kind;

    if ( ioctl(h->vm.vcpu, KVM_RUN, 0) < 0 )
    {
        if ( errno == EINTR || errno == EAGAIN )
            return 1;
        perror("kvmecam: KVM_RUN");
        return -1;
    }
    h->exit_module_ns = 0;
    kind = serve_exit(h);
    if ( kind < 0 )
        return -1;
    if ( tally_add(&h->t[kind], now_ns() - t0, h->exit_module_ns, h->keep) )
    {
        perror("kvmecam: exit figures");
        return -1;
    }

    return 0;
}

int run_guest(struct host *h, unsigned int timeout_s)
{
    uint64_t deadline = now_ns() + timeout_s * 1000000000ULL;
    int rc = 0;

    if ( timer_start(TICK_MS) )
    {
        perror("kvmecam: timer");
        return -1;
    }
    while ( !h->done && rc >= 0 )
    {
        rc = step(h);
        if ( rc >= 0 && !h->done && now_ns() > deadline )
            rc = timed_out(h, timeout_s);
    }
    timer_stop();

    return rc > 0 ? 0 : rc;
}
