/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ioreq servers: which SBDFs each claims, and the IOREQ_TYPE_PCI_CONFIG
 * requests sent to them.
 *
 * A server's response is hostile input.  Only its data is used, masked to the
 * access size.  A server that breaks the protocol (no answer in time, a state
 * the protocol does not allow, a response for another request) is marked
 * broken: its functions read all-ones and drop writes, without being asked
 * again, until it is destroyed.  It is logged once.  Any other failure to
 * send (no server connected, say) fails just that access.
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

static void claim(struct xecam_domain *d, const struct xecam_sbdf_range *r,
                  unsigned int slot)
{
    uint32_t sbdf = r->start;

    for ( ; ; sbdf++ )
    {
        struct xecam_route_bus *b = xecam_route_bus(d, sbdf);

        b->server[XECAM_SBDF_DEVFN(sbdf)] = slot + 1;
        b->owners++;
        if ( sbdf == r->end )
            break;
    }
}

static void unclaim(struct xecam_domain *d, const struct xecam_sbdf_range *r)
{
    uint32_t sbdf = r->start;

    for ( ; ; sbdf++ )
    {
        struct xecam_route_bus *b = xecam_route_bus(d, sbdf);

        b->server[XECAM_SBDF_DEVFN(sbdf)] = 0;
        b->owners--;
        if ( sbdf == r->end )
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
        xecam_route_trim(d);
        return rc;
    }
    claim(d, r, slot);
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

static void server_drop_range(struct xecam_domain *d,
                              struct xecam_ioreq_server *s, unsigned int i)
{
    unclaim(d, &s->range[i]);
    s->range[i] = s->range[--s->nr_ranges];
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
            xecam_route_trim(d);
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
        xecam_route_trim(d);
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

static bool response_matches(const ioreq_t *req, const ioreq_t *rsp)
{
    return rsp->state == STATE_IORESP_READY && rsp->addr == req->addr &&
           rsp->size == req->size && rsp->dir == req->dir &&
           rsp->type == req->type && rsp->count == req->count &&
           !rsp->data_is_ptr;
}

static void server_broke(struct xecam_domain *d, struct xecam_ioreq_server *s,
                         int rc)
{
    xecam_count(d->stats.ioreq_failed);
    if ( __atomic_exchange_n(&s->broken, true, __ATOMIC_RELAXED) )
        return;
    /* Once per server; a device model re-creating servers is limited. */
    xecam_port_log(XECAM_LOG_WARN | XECAM_LOG_GUEST,
                   "d%u: ioreq server %u broke the ioreq protocol (%d): "
                   "its PCI functions now read all-ones\n", d->id, s->id, rc);
}

void xecam_ioreq_access(struct xecam_domain *d, unsigned int slot,
                        unsigned int vcpu, uint32_t sbdf, unsigned int reg,
                        unsigned int size, bool write, uint32_t *val)
{
    struct xecam_ioreq_server *s = d->server[slot];
    ioreq_t req = {
        .addr = ((uint64_t)sbdf << 32) | reg,
        .data = write ? *val : 0,
        .count = 1,
        .size = size,
        .state = STATE_IOREQ_READY,
        .dir = write ? IOREQ_WRITE : IOREQ_READ,
        .type = IOREQ_TYPE_PCI_CONFIG,
    };
    ioreq_t rsp = req;
    int rc;

    xecam_count(d->stats.to_ioreq);
    if ( !write )
        *val = xecam_ones(size);
    if ( xecam_read_once(s->broken) )
    {
        xecam_count(d->stats.ioreq_failed);
        return;
    }

    rc = xecam_port_ioreq_send(d, s->id, vcpu, &rsp);
    if ( !rc && !response_matches(&req, &rsp) )
        rc = -EIO;
    if ( rc == -EIO || rc == -ETIMEDOUT )
        server_broke(d, s, rc);
    else if ( rc )
        xecam_count(d->stats.ioreq_failed);   /* not connected, say */
    else if ( !write )
        *val = (uint32_t)rsp.data & xecam_ones(size);
}
