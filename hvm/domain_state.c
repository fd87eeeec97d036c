/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-domain ECAM state: creation, teardown, counters, bad accesses. */
#include "private.h"
#include <xecam/vpci.h>

int xecam_domain_create(domid_t id, unsigned int flags, void *host,
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
    d->host = host;
    *out = d;

    return 0;
}

/* The caller guarantees nobody else uses d any more. */
void xecam_domain_destroy(struct xecam_domain *d)
{
    unsigned int i;

    if ( !d )
        return;
    xecam_work_destroy(d);
    for ( i = 0; i < XECAM_MAX_LIMBO; i++ )
        xecam_vpci_destroy(d->limbo[i]);
    xecam_ioreq_destroy_all(d);
    xecam_route_destroy(d);
    xecam_port_lock_destroy(d->lock);
    xecam_port_free(d);
}

domid_t xecam_domain_id(const struct xecam_domain *d)
{
    return d->id;
}

void *xecam_domain_host(const struct xecam_domain *d)
{
    return d->host;
}

void xecam_domain_stats(const struct xecam_domain *d, struct xecam_stats *s)
{
    s->bad_accesses = xecam_read_once(d->stats.bad_accesses);
    s->to_vpci = xecam_read_once(d->stats.to_vpci);
    s->to_ioreq = xecam_read_once(d->stats.to_ioreq);
    s->unclaimed = xecam_read_once(d->stats.unclaimed);
    s->ioreq_failed = xecam_read_once(d->stats.ioreq_failed);
    s->refused = xecam_read_once(d->stats.refused);
    s->accesses = s->to_vpci + s->to_ioreq + s->unclaimed;
}

/* Does [gpa, gpa + size) meet a window?  The span of them all first. */
static bool meets_window(const struct xecam_windows *t, uint64_t gpa,
                         uint64_t size)
{
    unsigned int i;

    if ( !t->last || gpa > t->last || (gpa < t->lo && t->lo - gpa >= size) )
        return false;
    for ( i = 0; i < XECAM_MAX_WINDOWS; i++ )
    {
        const struct xecam_window *w = &t->win[i];

        if ( w->used && gpa < w->base + w->size && w->base < gpa + size )
            return true;
    }

    return false;
}

bool xecam_domain_over_window(struct xecam_domain *d, uint64_t gpa,
                              uint64_t size)
{
    bool hit;

    xecam_port_read_lock(d->lock);
    hit = meets_window(&d->windows, gpa, size);
    xecam_port_read_unlock(d->lock);

    return hit;
}

/* A bad MMCONFIG or CF8/CFC access: counted, and logged with a rate limit. */
void xecam_bad_access(struct xecam_domain *d, const char *what,
                      uint64_t addr, unsigned int size)
{
    xecam_count(d->stats.bad_accesses);
    xecam_port_log(XECAM_LOG_WARN | XECAM_LOG_GUEST,
                   "d%u: bad %s access at %#llx size %u ignored\n",
                   d->id, what, (unsigned long long)addr, size);
}
