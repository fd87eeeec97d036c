/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Deferred interrupt, power and reset requests (docs/locking.md).
 *
 * Binding MSI, switching MSI-X, changing a power state and resetting the
 * function take the host's own locks, so the write hooks that ask for them
 * only queue a request, with what the guest's view goes back to if the host
 * refuses.  The device's work (work.c) sends each request, oldest first,
 * with no module lock held, and applies the outcome under the device lock:
 * a refusal undoes the guest's write and is counted, as when the hooks
 * called the host themselves.  A hook that finds the queue full refuses at
 * once (the caller's own refusal path).
 */
#include "private.h"

bool xecam_vpci_hostop_queue(struct xecam_vpci *dev,
                             const struct xecam_vpci_hostop *op)
{
    if ( dev->nr_hostops == XECAM_HOSTOPS )
        return false;
    dev->hostop[dev->nr_hostops++] = *op;
    xecam_write_once(dev->work, true);

    return true;
}

static int send(struct xecam_vpci *dev, const struct xecam_vpci_hostop *op)
{
    switch ( op->kind )
    {
    case HOSTOP_MSI:
        return dev->d ? xecam_port_msi_bind(dev->d, dev->host_sbdf, op->on,
                                            op->addr, op->data, op->count)
                      : -ENODEV;
    case HOSTOP_MSIX:
        return dev->d ? xecam_port_msix_control(dev->d, dev->host_sbdf,
                                                op->on, op->maskall)
                      : -ENODEV;
    case HOSTOP_POWER:
        return xecam_port_power_state(dev->host_sbdf, op->count);
    case HOSTOP_RESET:
        return xecam_port_reset_function(dev->host_sbdf);
    }

    return -EINVAL;
}

/*
 * The oldest request, out of the queue.  An unbind undoes exactly what the
 * host has bound when it is sent, whatever the registers say; with nothing
 * bound it is not sent at all.
 */
static bool pop(struct xecam_vpci *dev, struct xecam_vpci_hostop *op,
                bool *skip)
{
    unsigned int i;

    if ( !dev->nr_hostops )
        return false;
    *op = dev->hostop[0];
    for ( i = 1; i < dev->nr_hostops; i++ )
        dev->hostop[i - 1] = dev->hostop[i];
    dev->nr_hostops--;
    *skip = false;
    if ( op->kind == HOSTOP_MSI && !op->on )
    {
        *skip = !dev->msi_host;
        op->addr = dev->msi_addr;
        op->data = dev->msi_data;
        op->count = dev->msi_vectors;
    }

    return true;
}

void xecam_vpci_hostops_run(struct xecam_vpci *dev)
{
    for ( ; ; )
    {
        struct xecam_vpci_hostop op;
        bool skip;
        int rc = 0;

        xecam_vpci_lock(dev);
        if ( !pop(dev, &op, &skip) )
        {
            xecam_vpci_unlock(dev);
            return;
        }
        xecam_vpci_unlock(dev);
        if ( !skip )
            rc = send(dev, &op);
        xecam_vpci_lock(dev);
        if ( op.kind == HOSTOP_MSI && !op.on )
            dev->msi_host = false;      /* unbound, or gone with the host */
        if ( op.done )
            op.done(dev, &op, rc);
        xecam_vpci_unlock(dev);
    }
}
