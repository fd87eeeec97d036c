/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam spin: a guest that loops without an exit.  Under PVM, KVM_RUN
 * returns only because of the host's timer (EINTR); the run must end at
 * the deadline with a timeout (status 0: that is what is shown).
 */
#include <stdio.h>

#include "kvmecam.h"

int cmd_spin(const struct opts *o)
{
    struct host h;
    uint64_t t0 = now_ns();
    int rc = host_init(&h, o, KG_MODE_SPIN);

    if ( !rc )
    {
        rc = run_guest(&h, o->timeout_s);
        printf("kvmecam spin: %s after %.1f s\n",
               rc == RUN_TIMEOUT ? "stopped by the timeout" : "not stopped",
               (now_ns() - t0) / 1e9);
        rc = rc != RUN_TIMEOUT;
    }
    host_fini(&h);

    return rc;
}
