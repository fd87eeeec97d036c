/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ioreq servers and the SBDF ranges each claims, as XEN_DMOP_IO_RANGE_PCI
 * claims them: no SBDF is claimed twice (-EEXIST), a range is unmapped as it
 * was mapped (-ENOENT otherwise), as QEMU maps and unmaps one function at a
 * time.  The requests themselves: forward.c.
 */
#include "private.h"

static int server_slot(const struct xecam_domain *d, unsigned int id)
{
    unsigned int i;

    for ( i = 0; i < XECAM_MAX_SERVERS; i++ )
        if ( d->server[i] && d->server[i]->id == id )
            return i;

    return -ENOENT;
}

int xecam_ioreq_server_create(struct xecam_domain *d, unsigned int id)
{
    struct xecam_ioreq_server *s;
    int rc = -ENOSPC;
    unsigned int i;

    XECAM_BUILD_BUG_ON(XECAM_MAX_SERVERS > 255);
    if ( id > 0xffff )          /* ioservid_t */
        return -EINVAL;
    s = xecam_port_zalloc(sizeof(*s));
    if ( !s )
        return -ENOMEM;
    s->id = id;

    xecam_port_write_lock(d->lock);
    s->serial = ++d->next_serial;
    if ( server_slot(d, id) >= 0 )
        rc = -EEXIST;
    for ( i = 0; rc == -ENOSPC && i < XECAM_MAX_SERVERS; i++ )
        if ( !d->server[i] )
        {
            d->server[i] = s;
            rc = 0;
        }
    xecam_port_write_unlock(d->lock);

    if ( rc )
        xecam_port_free(s);

    return rc;
}

/*
 * Give every function of r to server slot + 1, or to nobody (0): a bus at
 * a time, so a range of a whole segment looks up 256 buses, not 65536
 * functions.
 */
static void set_owner(struct xecam_domain *d, const struct xecam_sbdf_range *r,
                      uint8_t owner)
{
    uint32_t sbdf = r->start, last;
    unsigned int f;

    for ( ; ; sbdf = last + 1 )
    {
        struct xecam_route_bus *b = xecam_route_bus(d, sbdf);

        last = (sbdf | 0xff) < r->end ? (sbdf | 0xff) : r->end;
        for ( f = XECAM_SBDF_DEVFN(sbdf); f <= XECAM_SBDF_DEVFN(last); f++ )
            b->server[f] = owner;
        if ( owner )
            b->owners += last - sbdf + 1;
        else
            b->owners -= last - sbdf + 1;
        if ( last == r->end )
            break;
    }
}

static bool range_taken(const struct xecam_domain *d, uint32_t start,
                        uint32_t end)
{
    unsigned int i, j;

    for ( i = 0; i < XECAM_MAX_SERVERS; i++ )
        for ( j = 0; d->server[i] && j < d->server[i]->nr_ranges; j++ )
        {
            const struct xecam_sbdf_range *r = &d->server[i]->range[j];

            if ( start <= r->end && r->start <= end )
                return true;
        }

    return false;
}

static int map_range(struct xecam_domain *d, unsigned int id,
                     const struct xecam_sbdf_range *r)
{
    int slot = server_slot(d, id), rc;
    struct xecam_ioreq_server *s;

    if ( slot < 0 )
        return slot;
    s = d->server[slot];
    if ( range_taken(d, r->start, r->end) )
        return -EEXIST;
    if ( s->nr_ranges == XECAM_MAX_RANGES )
        return -ENOSPC;
    rc = xecam_route_prepare(d, r->start, r->end);
    if ( rc )
    {
        xecam_route_trim(d, r->start, r->end);
        return rc;
    }
    set_owner(d, r, slot + 1);
    s->range[s->nr_ranges++] = *r;

    return 0;
}

int xecam_ioreq_map_range(struct xecam_domain *d, unsigned int id,
                          uint32_t start, uint32_t end)
{
    struct xecam_sbdf_range r = { .start = start, .end = end };
    int rc;

    if ( start > end )
        return -EINVAL;

    xecam_port_write_lock(d->lock);
    rc = map_range(d, id, &r);
    xecam_port_write_unlock(d->lock);

    return rc;
}

/* Its bus pages and segments are trimmed if nothing else owns them. */
static void server_drop_range(struct xecam_domain *d,
                              struct xecam_ioreq_server *s, unsigned int i)
{
    struct xecam_sbdf_range r = s->range[i];

    set_owner(d, &r, 0);
    s->range[i] = s->range[--s->nr_ranges];
    xecam_route_trim(d, r.start, r.end);
}

int xecam_ioreq_unmap_range(struct xecam_domain *d, unsigned int id,
                            uint32_t start, uint32_t end)
{
    int slot, rc = -ENOENT;
    unsigned int i;

    xecam_port_write_lock(d->lock);
    slot = server_slot(d, id);
    for ( i = 0; slot >= 0 && i < d->server[slot]->nr_ranges; i++ )
    {
        const struct xecam_sbdf_range *r = &d->server[slot]->range[i];

        if ( r->start == start && r->end == end )
        {
            server_drop_range(d, d->server[slot], i);
            rc = 0;
            break;
        }
    }
    xecam_port_write_unlock(d->lock);

    return rc;
}

static void server_free(struct xecam_domain *d, unsigned int slot)
{
    struct xecam_ioreq_server *s = d->server[slot];

    while ( s->nr_ranges )
        server_drop_range(d, s, s->nr_ranges - 1);
    d->server[slot] = NULL;
    xecam_port_free(s);
}

int xecam_ioreq_server_destroy(struct xecam_domain *d, unsigned int id)
{
    int slot;

    xecam_port_write_lock(d->lock);
    slot = server_slot(d, id);
    if ( slot >= 0 )
    {
        server_free(d, slot);
    }
    xecam_port_write_unlock(d->lock);

    return slot < 0 ? slot : 0;
}

/* Domain teardown: the caller is the last user of d. */
void xecam_ioreq_destroy_all(struct xecam_domain *d)
{
    unsigned int i;

    for ( i = 0; i < XECAM_MAX_SERVERS; i++ )
        if ( d->server[i] )
            server_free(d, i);
}

/* The server a request was routed to, if it still exists. */
struct xecam_ioreq_server *xecam_ioreq_server(const struct xecam_domain *d,
                                              const struct xecam_fwd *fwd)
{
    int slot = server_slot(d, fwd->id);

    return slot >= 0 && d->server[slot]->serial == fwd->serial ?
           d->server[slot] : NULL;
}
