/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A vCPU's share of the deferred host work (vpci/work.c).
 *
 * An access that leaves a vPCI device with host work hands it back from
 * under the domain's lock with a reference; the vCPU does the work once no
 * module lock is held.  Preempted, or finding another at the device, the
 * vCPU keeps the reference in d->pending[] and waits: the host keeps it
 * from its guest and calls xecam_vcpu_resume() until that says it is done
 * (Xen: from vcpu_ioreq_handle_completion(), as its own vPCI does), so the
 * guest never runs on a half-made mapping.  A host that cannot keep a vCPU
 * back is still safe: every trapped access first finishes that vCPU's
 * work.  d->nr_pending counts the entries in use, so that an access to a
 * domain with none reads no vCPU's entry; only a vCPU sets or clears its
 * own entry (teardown aside), so it always sees its own count.
 */
#include "private.h"
#include <xecam/vpci.h>

static void wait_done(struct xecam_vpci *dev)
{
    while ( xecam_vpci_work(dev, false) )
        xecam_cpu_relax();
    xecam_vpci_put(dev);
}

void xecam_work_after(struct xecam_domain *d, unsigned int vcpu,
                      struct xecam_vpci *dev)
{
    if ( vcpu >= XECAM_MAX_VCPUS )
    {
        wait_done(dev);
        return;
    }
    xecam_work_drain(d, vcpu);      /* at most one at a time */
    if ( !xecam_vpci_work(dev, true) )
        xecam_vpci_put(dev);
    else
    {
        d->pending[vcpu] = dev;
        xecam_count(d->nr_pending);
    }
}

bool xecam_vcpu_resume(struct xecam_domain *d, unsigned int vcpu)
{
    struct xecam_vpci *dev;

    if ( !d || vcpu >= XECAM_MAX_VCPUS || !(dev = d->pending[vcpu]) )
        return false;
    if ( xecam_vpci_work(dev, true) )
        return true;
    d->pending[vcpu] = NULL;
    (void)xecam_fetch_dec(d->nr_pending);
    xecam_vpci_put(dev);

    return false;
}

void xecam_work_drain(struct xecam_domain *d, unsigned int vcpu)
{
    struct xecam_vpci *dev;

    if ( !xecam_read_once(d->nr_pending) || vcpu >= XECAM_MAX_VCPUS ||
         !(dev = d->pending[vcpu]) )
        return;
    d->pending[vcpu] = NULL;
    (void)xecam_fetch_dec(d->nr_pending);
    wait_done(dev);
}

/* Teardown, no vCPU running: the devices' own quiescing unmaps. */
void xecam_work_destroy(struct xecam_domain *d)
{
    unsigned int i;

    for ( i = 0; i < XECAM_MAX_VCPUS; i++ )
        if ( d->pending[i] )
        {
            xecam_vpci_put(d->pending[i]);
            d->pending[i] = NULL;
            (void)xecam_fetch_dec(d->nr_pending);
        }
}
