/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest SBDF -> owner, in O(1): segment (hashed, linear probing) -> bus page
 * -> function entry.  A function can have a vPCI device and an ioreq server
 * claim at once; vPCI is asked first, as Xen asks internal handlers before
 * ioreq servers.  With neither, reads return all-ones and writes are dropped.
 */
#include "private.h"
#include <xecam/vpci.h>

static unsigned int seg_home(uint16_t seg)
{
    return (seg * 0x9e37U >> 8) % XECAM_MAX_SEGMENTS;
}

static struct xecam_route_seg *seg_find(const struct xecam_domain *d,
                                        uint16_t seg)
{
    unsigned int i = seg_home(seg), n;

    for ( n = 0; n < XECAM_MAX_SEGMENTS; n++ )
    {
        const struct xecam_route_seg *s = &d->seg[i];

        if ( !s->used )
            return NULL;
        if ( s->seg == seg )
            return (struct xecam_route_seg *)s;
        i = (i + 1) % XECAM_MAX_SEGMENTS;
    }

    return NULL;
}

static struct xecam_route_seg *seg_insert(struct xecam_domain *d, uint16_t seg)
{
    unsigned int i = seg_home(seg), n;

    for ( n = 0; n < XECAM_MAX_SEGMENTS; n++ )
    {
        struct xecam_route_seg *s = &d->seg[i];

        if ( !s->used )
        {
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

    xecam_memset(s, 0, sizeof(*s));
    for ( ; ; )
    {
        j = (j + 1) % XECAM_MAX_SEGMENTS;
        if ( !d->seg[j].used )
            break;
        if ( stays(hole, j, seg_home(d->seg[j].seg)) )
            continue;
        d->seg[hole] = d->seg[j];
        xecam_memset(&d->seg[j], 0, sizeof(d->seg[j]));
        hole = j;
    }
}

struct xecam_route_bus *xecam_route_bus(const struct xecam_domain *d,
                                        uint32_t sbdf)
{
    const struct xecam_route_seg *s = seg_find(d, XECAM_SBDF_SEG(sbdf));

    return s ? s->bus[XECAM_SBDF_BUS(sbdf)] : NULL;
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
        if ( !seg_find(d, seg) && ++n > XECAM_MAX_SEGMENTS )
            break;

    return n;
}

static int prepare_bus(struct xecam_domain *d, uint16_t seg, uint8_t bus)
{
    struct xecam_route_seg *s = seg_find(d, seg);

    if ( !s )
        s = seg_insert(d, seg);
    if ( !s )
        return -ENOSPC;
    if ( !s->bus[bus] )
        s->bus[bus] = xecam_port_zalloc(sizeof(*s->bus[bus]));

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

/* Free bus pages without owners and segments without bus pages. */
void xecam_route_trim(struct xecam_domain *d)
{
    unsigned int i, b;

    for ( i = 0; i < XECAM_MAX_SEGMENTS; )
    {
        struct xecam_route_seg *s = &d->seg[i];
        bool empty = true;

        for ( b = 0; s->used && b < 256; b++ )
        {
            if ( s->bus[b] && !s->bus[b]->owners )
            {
                xecam_port_free(s->bus[b]);
                s->bus[b] = NULL;
            }
            empty &= !s->bus[b];
        }
        if ( s->used && empty )
            seg_delete(d, s);   /* another entry may move into slot i */
        else
            i++;
    }
}

/*
 * The multifunction bit each visible function of a guest slot shows: set
 * when the slot has more than one visible function.  Write lock held.
 */
static void slot_update_mf(struct xecam_domain *d, uint32_t sbdf)
{
    struct xecam_route_bus *b = xecam_route_bus(d, sbdf);
    unsigned int first = XECAM_SBDF_DEVFN(sbdf) & ~7U, f, n = 0;

    for ( f = first; b && f < first + 8; f++ )
        n += b->vpci[f] && xecam_vpci_visible(b->vpci[f]);
    for ( f = first; b && f < first + 8; f++ )
        if ( b->vpci[f] )
            xecam_vpci_set_mf(b->vpci[f], n > 1);
}

int xecam_route_add_vpci(struct xecam_domain *d, uint32_t sbdf,
                         struct xecam_vpci *dev)
{
    struct xecam_route_bus *b;
    int rc;

    if ( !dev )
        return -EINVAL;

    xecam_port_write_lock(d->lock);
    rc = xecam_route_prepare(d, sbdf, sbdf);
    b = rc ? NULL : xecam_route_bus(d, sbdf);
    if ( b && b->vpci[XECAM_SBDF_DEVFN(sbdf)] )
        rc = -EEXIST;
    else if ( b )
    {
        b->vpci[XECAM_SBDF_DEVFN(sbdf)] = dev;
        b->owners++;
        slot_update_mf(d, sbdf);
    }
    if ( rc )
        xecam_route_trim(d);
    xecam_port_write_unlock(d->lock);

    return rc;
}

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
        slot_update_mf(d, sbdf);
        xecam_route_trim(d);
    }
    xecam_port_write_unlock(d->lock);

    return dev;
}

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

void xecam_route_access(struct xecam_domain *d, unsigned int vcpu,
                        uint32_t sbdf, unsigned int reg, unsigned int size,
                        bool write, uint32_t *val)
{
    const struct xecam_route_bus *b = xecam_route_bus(d, sbdf);
    unsigned int devfn = XECAM_SBDF_DEVFN(sbdf);

    xecam_count(d->stats.accesses);
    if ( b && b->vpci[devfn] && !vpci_visible(d, b, devfn) )
    {
        xecam_count(d->stats.unclaimed);
        if ( !write )
            *val = xecam_ones(size);
    }
    else if ( b && b->vpci[devfn] )
    {
        xecam_count(d->stats.to_vpci);
        if ( write )
            xecam_vpci_write(b->vpci[devfn], reg, size, *val);
        else
            xecam_vpci_read(b->vpci[devfn], reg, size, val);
    }
    else if ( b && b->server[devfn] )
        xecam_ioreq_access(d, b->server[devfn] - 1, vcpu, sbdf, reg, size,
                           write, val);
    else
    {
        xecam_count(d->stats.unclaimed);
        if ( !write )
            *val = xecam_ones(size);
    }
}
