/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hot-plug through an emulated Root Port's slot (vpci/slot.c,
 * docs/hotplug.md): the toolstack adds a host function behind an empty
 * slot, presses the attention button to ask for it back, and releases it
 * once the guest powered the slot off, or at once (surprise removal).
 *
 * The function behind a port is at device 0 of the port's secondary bus,
 * the bus it was made with: what the guest programs into the port's Bus
 * Numbers register moves nothing (the topology is static), so neither
 * decides where a hot-added function goes nor which one a removal takes.
 * A function assigned there while the port's slot is empty is the slot's
 * from the start (cold-plug, as when the toolstack assigns it with its
 * port); one hot-added raises the slot's events.  Deassigning it, however
 * that comes, empties the slot.
 */
#include "private.h"
#include <xecam/vpci.h>

/*
 * The Root Port in front of guest bus 'bus' of segment 'seg', with a
 * reference, or NULL.  Ports sit on bus 0 (xecam_add_root_port).
 */
static struct xecam_vpci *port_of_bus(struct xecam_domain *d, uint16_t seg,
                                      unsigned int bus)
{
    const struct xecam_route_bus *b;
    struct xecam_vpci *port = NULL;
    unsigned int devfn;

    if ( !bus )
        return NULL;
    xecam_port_read_lock(d->lock);
    b = xecam_route_bus(d, XECAM_SBDF(seg, 0, 0, 0));
    for ( devfn = 0; b && !port && devfn < 256; devfn++ )
    {
        if ( !b->vpci[devfn] || !xecam_vpci_is_port(b->vpci[devfn]) )
            continue;
        if ( xecam_vpci_port_bus(b->vpci[devfn]) == bus )
        {
            port = b->vpci[devfn];
            xecam_vpci_get(port);
        }
    }
    xecam_port_read_unlock(d->lock);

    return port;
}

/* A function assigned at 'sbdf': the slot's, if a port's slot is empty. */
void xecam_hotplug_assigned(struct xecam_domain *d, uint32_t sbdf,
                            struct xecam_vpci *dev, bool hot)
{
    struct xecam_vpci *port;

    if ( XECAM_SBDF_DEVFN(sbdf) )
        return;
    port = port_of_bus(d, XECAM_SBDF_SEG(sbdf), XECAM_SBDF_BUS(sbdf));
    if ( !port )
        return;
    xecam_vpci_slot_lock(port);
    if ( !xecam_vpci_slot_child(port) )
        xecam_slot_attach(port, dev, hot);
    xecam_vpci_slot_unlock(port);
    xecam_vpci_put(port);
}

/* A function deassigned (routed no more): its slot, if any, is empty. */
void xecam_hotplug_gone(struct xecam_domain *d, uint32_t sbdf,
                        struct xecam_vpci *dev)
{
    struct xecam_vpci *port = port_of_bus(d, XECAM_SBDF_SEG(sbdf),
                                          XECAM_SBDF_BUS(sbdf));
    struct xecam_vpci *fn = NULL;

    if ( port )
    {
        xecam_vpci_slot_lock(port);
        if ( xecam_vpci_slot_child(port) == dev )
            fn = xecam_slot_detach(port);
        xecam_vpci_slot_unlock(port);
        xecam_vpci_put(port);
    }
    if ( fn )
        xecam_vpci_put(fn);
}

/* The Root Port at 'port_sbdf', with a reference; -ENODEV if none. */
static int port_get(struct xecam_domain *d, uint32_t port_sbdf,
                    struct xecam_vpci **port)
{
    const struct xecam_route_bus *b;
    struct xecam_vpci *dev = NULL;

    xecam_port_read_lock(d->lock);
    b = xecam_route_bus(d, port_sbdf);
    if ( b )
        dev = b->vpci[XECAM_SBDF_DEVFN(port_sbdf)];
    if ( dev && xecam_vpci_is_port(dev) )
        xecam_vpci_get(dev);
    else
        dev = NULL;
    xecam_port_read_unlock(d->lock);
    *port = dev;

    return dev ? 0 : -ENODEV;
}

int xecam_hotplug_add(struct xecam_domain *d, uint32_t port_sbdf,
                      uint32_t host_sbdf, unsigned int flags)
{
    const struct xecam_assign_opts opts = { .flags = flags };
    struct xecam_vpci *port;
    int rc = port_get(d, port_sbdf, &port);

    if ( rc )
        return rc;
    rc = xecam_port_pci_owned(d, host_sbdf);
    if ( !rc )
    {
        xecam_vpci_slot_lock(port);
        rc = xecam_slot_may_add(port);
        xecam_vpci_slot_unlock(port);
    }
    if ( !rc )
        rc = xecam_assign_hot(d, XECAM_SBDF(XECAM_SBDF_SEG(port_sbdf),
                                            xecam_vpci_port_bus(port), 0, 0),
                              host_sbdf, &opts, true);
    xecam_vpci_put(port);

    return rc;
}

int xecam_hotplug_button(struct xecam_domain *d, uint32_t port_sbdf)
{
    struct xecam_vpci *port;
    int rc = port_get(d, port_sbdf, &port);

    if ( rc )
        return rc;
    xecam_vpci_slot_lock(port);
    rc = xecam_slot_button(port);
    xecam_vpci_slot_unlock(port);
    xecam_vpci_put(port);

    return rc;
}

int xecam_hotplug_remove(struct xecam_domain *d, uint32_t port_sbdf,
                         bool surprise)
{
    struct xecam_vpci *port, *fn;
    uint8_t secondary;
    int rc = port_get(d, port_sbdf, &port);

    if ( rc )
        return rc;
    xecam_vpci_slot_lock(port);
    fn = xecam_vpci_slot_child(port);
    if ( !fn )
        rc = -ENOENT;
    else if ( !surprise && !xecam_slot_released(port) )
        rc = -EBUSY;            /* the guest has not let it go */
    xecam_vpci_slot_unlock(port);
    secondary = xecam_vpci_port_bus(port);
    xecam_vpci_put(port);

    return rc ?: xecam_deassign_device(d, XECAM_SBDF(XECAM_SBDF_SEG(port_sbdf),
                                                     secondary, 0, 0));
}
