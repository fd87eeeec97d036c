/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Device assignment: a host function emulated by vPCI at a guest SBDF.
 */
#include "private.h"
#include <xecam/vpci.h>

/* Is host function 'host' still being quiesced?  Write lock held. */
static bool in_limbo(const struct xecam_domain *d, uint32_t host)
{
    unsigned int i;

    for ( i = 0; i < XECAM_MAX_LIMBO; i++ )
        if ( d->limbo[i] && xecam_vpci_host_of(d->limbo[i]) == host )
            return true;

    return false;
}

int xecam_assign_hot(struct xecam_domain *d, uint32_t guest_sbdf,
                     uint32_t host_sbdf, const struct xecam_assign_opts *opts,
                     bool hot)
{
    struct xecam_assign_opts o = *opts;
    struct xecam_vpci *dev;
    bool busy;
    int rc;

    xecam_port_read_lock(d->lock);
    busy = in_limbo(d, host_sbdf);
    xecam_port_read_unlock(d->lock);
    if ( busy )
        return -EBUSY;
    if ( d->flags & XECAM_DOMF_PERMISSIVE )
        o.flags |= XECAM_ASSIGN_PERMISSIVE; /* the domain's default */
    rc = xecam_vpci_assign_opts(d, guest_sbdf, host_sbdf, &o, &dev);

    if ( rc )
        return rc;
    rc = xecam_route_assign_vpci(d, guest_sbdf, dev);
    if ( rc )
    {
        xecam_vpci_destroy(dev);
        return rc;
    }
    xecam_hotplug_assigned(d, guest_sbdf, dev, hot);
    xecam_port_log(XECAM_LOG_INFO, "d%u: %04x:%02x:%02x.%u assigned at "
                       "%04x:%02x:%02x.%u%s%s\n", d->id,
                       XECAM_SBDF_SEG(host_sbdf), XECAM_SBDF_BUS(host_sbdf),
                       XECAM_SBDF_DEV(host_sbdf), XECAM_SBDF_FN(host_sbdf),
                       XECAM_SBDF_SEG(guest_sbdf), XECAM_SBDF_BUS(guest_sbdf),
                       XECAM_SBDF_DEV(guest_sbdf), XECAM_SBDF_FN(guest_sbdf),
                       o.flags & XECAM_ASSIGN_PERMISSIVE ? ", permissive" : "",
                       o.flags & XECAM_ASSIGN_HIDDEN ? ", hidden" : "");

    return 0;
}

int xecam_assign_device(struct xecam_domain *d, uint32_t guest_sbdf,
                        uint32_t host_sbdf, unsigned int flags)
{
    const struct xecam_assign_opts o = { .flags = flags };

    return xecam_assign_hot(d, guest_sbdf, host_sbdf, &o, false);
}

int xecam_assign_device_opts(struct xecam_domain *d, uint32_t guest_sbdf,
                             uint32_t host_sbdf,
                             const struct xecam_assign_opts *opts)
{
    return xecam_assign_hot(d, guest_sbdf, host_sbdf, opts, false);
}

/*
 * A deassigned device waits in d->limbo[] while its quiescing is preempted,
 * so the caller's next call (a continuation) goes on with it.  Returns the
 * slot, or XECAM_MAX_LIMBO if it is not there.  Write lock held.
 */
static unsigned int limbo_find(const struct xecam_domain *d, uint32_t sbdf)
{
    unsigned int i;

    for ( i = 0; i < XECAM_MAX_LIMBO; i++ )
        if ( d->limbo[i] && d->limbo_sbdf[i] == sbdf )
            break;

    return i;
}

static unsigned int limbo_add(struct xecam_domain *d, uint32_t sbdf,
                              struct xecam_vpci *dev)
{
    unsigned int i = limbo_find(d, sbdf);

    if ( i < XECAM_MAX_LIMBO )
        return i;
    for ( i = 0; i < XECAM_MAX_LIMBO && d->limbo[i]; i++ )
        continue;
    if ( i < XECAM_MAX_LIMBO )
    {
        d->limbo[i] = dev;
        d->limbo_sbdf[i] = sbdf;
    }

    return i;
}

/*
 * The limbo slot holds the creator's reference; each caller working on the
 * device holds one of its own, so two callers racing are both safe.
 */
int xecam_deassign_device(struct xecam_domain *d, uint32_t guest_sbdf)
{
    struct xecam_vpci *dev, *gone = NULL;
    unsigned int slot;
    int rc;

    xecam_port_write_lock(d->lock);
    slot = limbo_find(d, guest_sbdf);
    dev = slot < XECAM_MAX_LIMBO ? d->limbo[slot] : NULL;
    if ( dev )
        xecam_vpci_get(dev);
    xecam_port_write_unlock(d->lock);
    if ( !dev )
    {
        dev = xecam_route_remove_vpci(d, guest_sbdf);
        if ( !dev )
            return -ENOENT;
        xecam_hotplug_gone(d, guest_sbdf, dev);
        xecam_port_write_lock(d->lock);
        slot = limbo_add(d, guest_sbdf, dev);
        xecam_port_write_unlock(d->lock);
        if ( slot == XECAM_MAX_LIMBO )
        {
            /* No room to wait in: quiesce unpreempted rather than lose it. */
            xecam_vpci_destroy(dev);
            return 0;
        }
        xecam_vpci_get(dev);
    }

    rc = xecam_vpci_quiesce(dev, true);
    if ( !rc )
    {
        xecam_port_write_lock(d->lock);
        if ( d->limbo[slot] == dev )
        {
            d->limbo[slot] = NULL;
            gone = dev;
        }
        xecam_port_write_unlock(d->lock);
    }
    if ( gone )
        xecam_vpci_put(gone);
    xecam_vpci_put(dev);

    return rc ? -ERESTART : 0;
}

struct host_match {
    uint32_t host, guest;
};

static bool xecam_cf_check is_host(struct xecam_vpci *dev, uint32_t sbdf,
                                   void *arg)
{
    struct host_match *m = arg;

    if ( xecam_vpci_host_of(dev) != m->host )
        return false;
    m->guest = sbdf;

    return true;
}

/* The guest function where host function 'host' is routed, if any. */
static bool guest_of(struct xecam_domain *d, uint32_t host, uint32_t *guest)
{
    struct host_match m = { .host = host };
    unsigned int i;
    bool found;

    xecam_port_read_lock(d->lock);
    found = xecam_route_each_vpci(d, is_host, &m);
    for ( i = 0; !found && i < XECAM_MAX_LIMBO; i++ )
        if ( d->limbo[i] && xecam_vpci_host_of(d->limbo[i]) == host )
        {
            m.guest = d->limbo_sbdf[i];
            found = true;
        }
    xecam_port_read_unlock(d->lock);
    *guest = m.guest;

    return found;
}

int xecam_release_host(struct xecam_domain *d, uint32_t host_sbdf)
{
    uint32_t guest = 0;

    if ( !guest_of(d, host_sbdf, &guest) )
        return 0;

    return xecam_deassign_device(d, guest);
}

/*
 * Teardown, no vCPU running: quiesce every device, routed or in limbo,
 * preemptibly.  Nothing is freed here; xecam_domain_destroy() frees.
 */
int xecam_domain_quiesce(struct xecam_domain *d)
{
    unsigned int i;
    int rc = 0;

    for ( i = 0; !rc && i < XECAM_MAX_LIMBO; i++ )
        if ( d->limbo[i] )
            rc = xecam_vpci_quiesce(d->limbo[i], true);

    return rc ?: xecam_route_quiesce(d);
}

int xecam_add_root_port(struct xecam_domain *d, uint32_t port_sbdf,
                        uint8_t secondary)
{
    struct xecam_vpci *dev;
    int rc = xecam_vpci_root_port(d, port_sbdf, secondary, &dev);

    if ( rc )
        return rc;
    rc = xecam_route_add_vpci(d, port_sbdf, dev);
    if ( rc )
        xecam_vpci_destroy(dev);

    return rc;
}
