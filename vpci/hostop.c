/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Deferred interrupt, power and reset requests (docs/locking.md).
 *
 * Binding MSI, masking its vectors, binding the MSI-X table's entries,
 * switching MSI-X, changing a power state and resetting the
 * function take the host's own locks, so the write hooks that ask for them
 * only queue a request, with what the guest's view goes back to if the host
 * refuses.  The device's work (work.c) sends each request, oldest first,
 * with no module lock held, and applies the outcome under the device lock:
 * a refusal undoes the guest's write and is counted, as when the hooks
 * called the host themselves.  A hook that finds the queue full refuses at
 * once (the caller's own refusal path).  Requests that read the guest's
 * registers when sent (MSI masks, the MSI-X entries) are queued once.
 */
#include "private.h"

int xecam_vpci_hostops_init(struct xecam_vpci *dev)
{
    if ( !dev->hostop )
        dev->hostop = xecam_port_zalloc(XECAM_HOSTOPS * sizeof(*dev->hostop));

    return dev->hostop ? 0 : -ENOMEM;
}

bool xecam_vpci_hostop_queue(struct xecam_vpci *dev,
                             const struct xecam_vpci_hostop *op)
{
    if ( !dev->hostop || dev->nr_hostops == XECAM_HOSTOPS )
        return false;
    dev->hostop[dev->nr_hostops++] = *op;
    xecam_write_once(dev->head.work, true);

    return true;
}

bool xecam_vpci_hostop_queue_once(struct xecam_vpci *dev,
                                  enum xecam_hostop_kind kind)
{
    const struct xecam_vpci_hostop op = { .kind = kind };
    unsigned int i;

    for ( i = 0; i < dev->nr_hostops; i++ )
        if ( dev->hostop[i].kind == kind )
            return true;        /* it reads what the guest wrote, later */

    return xecam_vpci_hostop_queue(dev, &op);
}

static int msi(struct xecam_vpci *dev, struct xecam_vpci_hostop *op)
{
    struct xecam_msi_msg msg = {
        .addr = op->addr, .data = op->data, .masked = op->masks & 1,
    };

    if ( !dev->d )
        return -ENODEV;
    if ( !op->on )
        return xecam_port_msi_unbind(dev->d, dev->host_sbdf, op->pirq,
                                     op->count);

    return xecam_port_msi_bind(dev->d, dev->host_sbdf, &msg, op->count,
                               op->masks, &op->pirq);
}

static int send(struct xecam_vpci *dev, struct xecam_vpci_hostop *op)
{
    switch ( op->kind )
    {
    case HOSTOP_MSI:
        return msi(dev, op);
    case HOSTOP_MSI_MASK:
        return xecam_cap_msi_mask_sync(dev);
    case HOSTOP_MSIX_SYNC:
        return xecam_msix_table_sync(dev);
    case HOSTOP_MSIX:
        return dev->d ? xecam_port_msix_control(dev->d, dev->host_sbdf,
                                                op->on, op->maskall)
                      : -ENODEV;
    case HOSTOP_POWER:
        return xecam_port_power_state(dev->host_sbdf, op->count);
    case HOSTOP_INJECT:
        return dev->d ? xecam_port_msi_inject(dev->d, op->addr, op->data)
                      : -ENODEV;
    case HOSTOP_SLOT_POWER:
        xecam_slot_power_off(dev);
        return 0;
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
    /* A bind while bound changes that binding (a rebind). */
    if ( op->kind == HOSTOP_MSI )
        op->pirq = dev->msi_host ? dev->msi_pirq : -1;

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
        {
            dev->msi_host = false;      /* unbound, or gone with the host */
            dev->msi_hmask = 0;
        }
        if ( op.done )
            op.done(dev, &op, rc);
        xecam_vpci_unlock(dev);
    }
}
