/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The route table: guest SBDF -> owners, in O(1): segment (hashed, linear
 * probing) -> bus page -> function entry.  A function can have a vPCI
 * device and an ioreq server claim at once (dispatch.c decides).  Bus pages
 * exist while a function on the bus has an owner; a segment's bus array
 * while the segment has a bus page.
 */
#include "private.h"
#include <xecam/vpci.h>

static struct xecam_route_seg *seg_insert(struct xecam_domain *d, uint16_t seg)
{
    unsigned int i = xecam_seg_home(seg), n;

    for ( n = 0; n < XECAM_MAX_SEGMENTS; n++ )
    {
        struct xecam_route_seg *s = &d->seg[i];

        if ( !s->used )
        {
            s->bus = xecam_port_zalloc(256 * sizeof(*s->bus));
            if ( !s->bus )
                return NULL;
            s->used = true;
            s->seg = seg;
            return s;
        }
        i = (i + 1) % XECAM_MAX_SEGMENTS;
    }

    return NULL;
}

/* Is 'home' cyclically within (hole, j]?  Then entry j may not move. */
static bool stays(unsigned int hole, unsigned int j, unsigned int home)
{
    return hole <= j ? hole < home && home <= j : hole < home || home <= j;
}

/*
 * Linear-probing deletion by backward shift: no tombstones.  The entry has
 * no bus pages left.  Emptying it first guarantees the walk meets an empty
 * slot even when the table was full.
 */
static void seg_delete(struct xecam_domain *d, struct xecam_route_seg *s)
{
    unsigned int hole = s - d->seg, j = hole;

    xecam_port_free(s->bus);
    xecam_memset(s, 0, sizeof(*s));
    for ( ; ; )
    {
        j = (j + 1) % XECAM_MAX_SEGMENTS;
        if ( !d->seg[j].used )
            break;
        if ( stays(hole, j, xecam_seg_home(d->seg[j].seg)) )
            continue;
        d->seg[hole] = d->seg[j];
        xecam_memset(&d->seg[j], 0, sizeof(d->seg[j]));
        hole = j;
    }
}

static unsigned int free_segs(const struct xecam_domain *d)
{
    unsigned int i, n = 0;

    for ( i = 0; i < XECAM_MAX_SEGMENTS; i++ )
        n += !d->seg[i].used;

    return n;
}

static unsigned int new_segs(const struct xecam_domain *d, uint32_t start,
                             uint32_t end)
{
    unsigned int seg, n = 0;

    for ( seg = start >> 16; seg <= end >> 16; seg++ )
        if ( !xecam_seg_find(d, seg) && ++n > XECAM_MAX_SEGMENTS )
            break;

    return n;
}

static int prepare_bus(struct xecam_domain *d, uint16_t seg, uint8_t bus)
{
    struct xecam_route_seg *s = xecam_seg_find(d, seg);

    if ( !s )
        s = seg_insert(d, seg);
    if ( !s )
        return free_segs(d) ? -ENOMEM : -ENOSPC;
    if ( !s->bus[bus] )
    {
        s->bus[bus] = xecam_port_zalloc(sizeof(*s->bus[bus]));
        s->nr_bus += s->bus[bus] != NULL;
    }

    return s->bus[bus] ? 0 : -ENOMEM;
}

/*
 * Make sure every bus page of SBDFs [start, end] exists.  On error the
 * caller runs xecam_route_trim(), which frees what this left unused.
 */
int xecam_route_prepare(struct xecam_domain *d, uint32_t start, uint32_t end)
{
    uint32_t bus, first = start >> 8, last = end >> 8;
    int rc = 0;

    if ( new_segs(d, start, end) > free_segs(d) )
        return -ENOSPC;
    for ( bus = first; !rc && bus <= last; bus++ )
        rc = prepare_bus(d, bus >> 8, bus & 0xff);

    return rc;
}

/*
 * Only the segments in use that the span meets are looked at, and in them
 * only its buses: a function's removal frees at most its own bus page.
 */
void xecam_route_trim(struct xecam_domain *d, uint32_t start, uint32_t end)
{
    unsigned int i, b, lo, hi;

    for ( i = 0; i < XECAM_MAX_SEGMENTS; )
    {
        struct xecam_route_seg *s = &d->seg[i];

        if ( !s->used || s->seg < start >> 16 || s->seg > end >> 16 )
        {
            i++;
            continue;
        }
        lo = s->seg == start >> 16 ? XECAM_SBDF_BUS(start) : 0;
        hi = s->seg == end >> 16 ? XECAM_SBDF_BUS(end) : 255;
        for ( b = lo; b <= hi; b++ )
            if ( s->bus[b] && !s->bus[b]->owners )
            {
                xecam_port_free(s->bus[b]);
                s->bus[b] = NULL;
                s->nr_bus--;
            }
        if ( !s->nr_bus )
            seg_delete(d, s);   /* another entry may move into slot i */
        else
            i++;
    }
}

/*
 * Call fn for every routed vPCI device, with its guest SBDF, until it
 * returns true; true if one did.  The caller holds the lock, or no one else
 * can change the table (teardown).
 */
bool xecam_route_each_vpci(const struct xecam_domain *d,
                           bool (*fn)(struct xecam_vpci *dev, uint32_t sbdf,
                                      void *arg),
                           void *arg)
{
    unsigned int i, b, f;

    for ( i = 0; i < XECAM_MAX_SEGMENTS; i++ )
        for ( b = 0; d->seg[i].used && b < 256; b++ )
        {
            const struct xecam_route_bus *bus = d->seg[i].bus[b];

            for ( f = 0; bus && f < 256; f++ )
                if ( bus->vpci[f] &&
                     fn(bus->vpci[f],
                        XECAM_SBDF(d->seg[i].seg, b, f >> 3, f & 7), arg) )
                    return true;
        }

    return false;
}

static bool xecam_cf_check quiesce_one(struct xecam_vpci *dev, uint32_t sbdf,
                                       void *arg)
{
    if ( xecam_vpci_quiesce(dev, true) )
        *(int *)arg = -ERESTART;

    return false;                       /* every device, preempted or not */
}

/* Teardown: quiesce the devices still routed; -ERESTART if preempted. */
int xecam_route_quiesce(struct xecam_domain *d)
{
    int rc = 0;

    xecam_route_each_vpci(d, quiesce_one, &rc);

    return rc;
}

/* Domain teardown: destroy the vPCI devices still routed, free it all. */
void xecam_route_destroy(struct xecam_domain *d)
{
    unsigned int i, b, f;

    for ( i = 0; i < XECAM_MAX_SEGMENTS; i++ )
    {
        for ( b = 0; d->seg[i].used && b < 256; b++ )
        {
            struct xecam_route_bus *bus = d->seg[i].bus[b];

            for ( f = 0; bus && f < 256; f++ )
                if ( bus->vpci[f] )
                    xecam_vpci_destroy(bus->vpci[f]);
            xecam_port_free(bus);
        }
        xecam_port_free(d->seg[i].bus);
    }
}
