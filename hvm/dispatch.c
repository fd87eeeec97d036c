/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Dispatch of one config access, and the vPCI side of routing.
 *
 * A function can have a vPCI device and an ioreq server claim at once;
 * vPCI is asked first, as Xen asks internal handlers before ioreq servers.
 * With neither, reads return all-ones and writes are dropped.  The domain
 * lock is never held while a device model is asked: the router only says
 * which server to ask, and the caller asks once it has dropped the lock.
 */
#include "private.h"
#include <xecam/vpci.h>

/*
 * A vPCI function the guest may see: not hidden, and function 0 of its slot
 * visible too unless the domain allows partial multifunction slots (a guest
 * probes function 0 first; what it cannot find there it does not look for).
 */
static bool vpci_visible(const struct xecam_domain *d,
                         const struct xecam_route_bus *b, unsigned int devfn)
{
    if ( !xecam_vpci_visible(b->vpci[devfn]) )
        return false;
    if ( !(devfn & 7) || (d->flags & XECAM_DOMF_PARTIAL_MF) )
        return true;

    return b->vpci[devfn & ~7U] && xecam_vpci_visible(b->vpci[devfn & ~7U]);
}

/*
 * After a route change in a guest slot: which of its functions the guest
 * sees (cached for the dispatcher: visibility is fixed while a device is
 * routed), and the multifunction bit each shows, set when the slot has
 * more than one visible function.  Write lock held.
 */
static void slot_update(struct xecam_domain *d, uint32_t sbdf)
{
    struct xecam_route_bus *b = xecam_route_bus(d, sbdf);
    unsigned int first = XECAM_SBDF_DEVFN(sbdf) & ~7U, f, n = 0;

    for ( f = first; b && f < first + 8; f++ )
        n += b->vpci[f] && xecam_vpci_visible(b->vpci[f]);
    for ( f = first; b && f < first + 8; f++ )
    {
        b->shown[f] = b->vpci[f] && vpci_visible(d, b, f);
        if ( b->vpci[f] )
            xecam_vpci_set_mf(b->vpci[f], n > 1);
    }
}

/* Is host function 'host' already behind another guest function of d? */
static bool host_routed(const struct xecam_domain *d, uint32_t host)
{
    unsigned int i, bus, f;

    for ( i = 0; i < XECAM_MAX_SEGMENTS; i++ )
        for ( bus = 0; d->seg[i].used && bus < 256; bus++ )
            for ( f = 0; d->seg[i].bus[bus] && f < 256; f++ )
            {
                const struct xecam_vpci *v = d->seg[i].bus[bus]->vpci[f];

                if ( v && xecam_vpci_host_of(v) == host )
                    return true;
            }

    return false;
}

static int add_vpci(struct xecam_domain *d, uint32_t sbdf,
                    struct xecam_vpci *dev, bool assign)
{
    struct xecam_route_bus *b;
    int rc;

    rc = xecam_route_prepare(d, sbdf, sbdf);
    b = rc ? NULL : xecam_route_bus(d, sbdf);
    if ( !b )
        return rc;
    if ( b->vpci[XECAM_SBDF_DEVFN(sbdf)] )
        return -EEXIST;
    /* Assignment: one host function, one guest function. */
    if ( assign && xecam_vpci_host_of(dev) != XECAM_NO_HOST &&
         host_routed(d, xecam_vpci_host_of(dev)) )
        return -EBUSY;
    if ( !xecam_vpci_take(dev) )
        return -EBUSY;
    b->vpci[XECAM_SBDF_DEVFN(sbdf)] = dev;
    b->owners++;
    slot_update(d, sbdf);

    return 0;
}

static int route_vpci(struct xecam_domain *d, uint32_t sbdf,
                      struct xecam_vpci *dev, bool assign)
{
    int rc;

    if ( !dev )
        return -EINVAL;
    xecam_port_write_lock(d->lock);
    rc = add_vpci(d, sbdf, dev, assign);
    if ( rc )
        xecam_route_trim(d, sbdf, sbdf);
    xecam_port_write_unlock(d->lock);

    return rc;
}

/* On success the domain owns dev until it is removed. */
int xecam_route_add_vpci(struct xecam_domain *d, uint32_t sbdf,
                         struct xecam_vpci *dev)
{
    return route_vpci(d, sbdf, dev, false);
}

/* The same for an assignment: -EBUSY if the host function is routed. */
int xecam_route_assign_vpci(struct xecam_domain *d, uint32_t sbdf,
                            struct xecam_vpci *dev)
{
    return route_vpci(d, sbdf, dev, true);
}

struct xecam_vpci *xecam_route_vpci(struct xecam_domain *d, uint32_t sbdf)
{
    const struct xecam_route_bus *b;
    struct xecam_vpci *dev;

    xecam_port_read_lock(d->lock);
    b = xecam_route_bus(d, sbdf);
    dev = b ? b->vpci[XECAM_SBDF_DEVFN(sbdf)] : NULL;
    xecam_port_read_unlock(d->lock);

    return dev;
}

/* Hands the device back to the caller. */
struct xecam_vpci *xecam_route_remove_vpci(struct xecam_domain *d,
                                           uint32_t sbdf)
{
    struct xecam_route_bus *b;
    struct xecam_vpci *dev = NULL;

    xecam_port_write_lock(d->lock);
    b = xecam_route_bus(d, sbdf);
    if ( b && b->vpci[XECAM_SBDF_DEVFN(sbdf)] )
    {
        dev = b->vpci[XECAM_SBDF_DEVFN(sbdf)];
        b->vpci[XECAM_SBDF_DEVFN(sbdf)] = NULL;
        b->owners--;
        xecam_vpci_release(dev);
        slot_update(d, sbdf);
        xecam_route_trim(d, sbdf, sbdf);
    }
    xecam_port_write_unlock(d->lock);

    return dev;
}

static void nobody(struct xecam_domain *d, unsigned int size, bool write,
                   uint32_t *val)
{
    xecam_count_stat(d->stats.unclaimed);
    if ( !write )
        *val = xecam_ones(size);
}

bool xecam_dispatch_locked(struct xecam_domain *d, uint32_t sbdf,
                           unsigned int reg, unsigned int size, bool write,
                           uint32_t *val, struct xecam_fwd *fwd)
{
    const struct xecam_route_bus *b = xecam_route_bus(d, sbdf);
    unsigned int devfn = XECAM_SBDF_DEVFN(sbdf);
    const struct xecam_ioreq_server *s;

    fwd->work = NULL;           /* done once the lock is off */
    if ( xecam_dispatch_vpci(d, b, devfn, reg, size, write, val, &fwd->work) )
        return true;
    if ( d->flags & XECAM_DOMF_HOST_IOREQ )
    {
        xecam_count(d->stats.to_ioreq);
        fwd->host = true;
        return false;
    }
    if ( !b || !b->server[devfn] )
    {
        nobody(d, size, write, val);
        return true;
    }
    s = d->server[b->server[devfn] - 1];
    xecam_count(d->stats.to_ioreq);
    if ( xecam_read_once(s->broken) )   /* never asked again */
    {
        xecam_count(d->stats.ioreq_failed);
        if ( !write )
            *val = xecam_ones(size);
        return true;
    }
    fwd->host = false;
    fwd->id = s->id;
    fwd->serial = s->serial;

    return false;
}

int xecam_dispatch(struct xecam_domain *d, unsigned int vcpu, uint32_t sbdf,
                   unsigned int reg, unsigned int size, bool write,
                   uint32_t *val)
{
    struct xecam_fwd fwd;
    bool done;

    xecam_port_read_lock(d->lock);
    done = xecam_dispatch_locked(d, sbdf, reg, size, write, val, &fwd);
    xecam_port_read_unlock(d->lock);
    if ( fwd.work )
        xecam_work_after(d, vcpu, fwd.work);
    if ( !done && fwd.host )
        return XECAM_IO_UNHANDLED;
    if ( !done )
        xecam_ioreq_forward(d, &fwd, vcpu, sbdf, reg, size, write, val);

    return XECAM_IO_OKAY;
}
