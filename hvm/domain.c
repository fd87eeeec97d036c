/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-domain ECAM state: creation, teardown, counters, bad-access reports.
 */
#include "private.h"
#include <xecam/vpci.h>

int xecam_domain_create(domid_t id, unsigned int flags,
                        struct xecam_domain **out)
{
    struct xecam_domain *d;
    int rc;

    if ( flags & ~XECAM_DOMF_MASK )
        return -EINVAL;
    d = xecam_port_zalloc(sizeof(*d));
    if ( !d )
        return -ENOMEM;
    rc = xecam_port_lock_create(&d->lock);
    if ( rc )
    {
        xecam_port_free(d);
        return rc;
    }
    d->id = id;
    d->flags = flags;
    *out = d;

    return 0;
}

/* Destroy the vPCI devices still routed and free every bus page. */
static void route_destroy(struct xecam_domain *d)
{
    unsigned int i, b, f;

    for ( i = 0; i < XECAM_MAX_SEGMENTS; i++ )
        for ( b = 0; d->seg[i].used && b < 256; b++ )
        {
            struct xecam_route_bus *bus = d->seg[i].bus[b];

            for ( f = 0; bus && f < 256; f++ )
                if ( bus->vpci[f] )
                    xecam_vpci_destroy(bus->vpci[f]);
            xecam_port_free(bus);
        }
}

/* The caller guarantees nobody else uses d any more. */
void xecam_domain_destroy(struct xecam_domain *d)
{
    if ( !d )
        return;
    xecam_ioreq_destroy_all(d);
    route_destroy(d);
    xecam_port_lock_destroy(d->lock);
    xecam_port_free(d);
}

domid_t xecam_domain_id(const struct xecam_domain *d)
{
    return d->id;
}

void xecam_domain_stats(const struct xecam_domain *d, struct xecam_stats *s)
{
    s->accesses = xecam_read_once(d->stats.accesses);
    s->bad_accesses = xecam_read_once(d->stats.bad_accesses);
    s->to_vpci = xecam_read_once(d->stats.to_vpci);
    s->to_ioreq = xecam_read_once(d->stats.to_ioreq);
    s->unclaimed = xecam_read_once(d->stats.unclaimed);
    s->ioreq_failed = xecam_read_once(d->stats.ioreq_failed);
}

void xecam_bad_access(struct xecam_domain *d, const char *what,
                      uint64_t addr, unsigned int size)
{
    xecam_count(d->stats.bad_accesses);
    xecam_port_log(XECAM_LOG_WARN | XECAM_LOG_GUEST,
                   "d%u: bad %s access at %#llx size %u ignored\n",
                   d->id, what, (unsigned long long)addr, size);
}
