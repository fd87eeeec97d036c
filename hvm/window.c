/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The window table of a domain and its O(1) address lookup.
 *
 * Windows are few and change rarely; lookups happen on every trapped access.
 * Lookups hash the 256 MiB granule of the address and index its per-MiB slot
 * map.  Adding a window fills its slots in; removing one rebuilds the granule
 * table from the windows, which keeps the probing free of tombstones.
 *
 * Changes happen under the domain's write lock and inside the table's
 * seqcount, so the MMIO intercept's check can look an address up without
 * any lock: the table is part of the domain, always valid memory.
 */
#include "private.h"

bool xecam_window_hit_locked(const struct xecam_domain *d, uint64_t gpa)
{
    bool hit;

    xecam_port_read_lock(d->lock);
    hit = xecam_window_find(d, gpa);
    xecam_port_read_unlock(d->lock);

    return hit;
}

bool xecam_domain_has_window(const struct xecam_domain *d)
{
    unsigned int i;

    for ( i = 0; i < XECAM_MAX_WINDOWS; i++ )
        if ( xecam_read_once(d->windows.win[i].used) )
            return true;

    return false;
}

struct xecam_window *xecam_window_of_seg(struct xecam_domain *d, uint16_t seg)
{
    unsigned int i;

    for ( i = 0; i < XECAM_MAX_WINDOWS; i++ )
        if ( d->windows.win[i].used && d->windows.win[i].seg == seg )
            return &d->windows.win[i];

    return NULL;
}

static void granule_insert(struct xecam_windows *t, unsigned int idx)
{
    const struct xecam_window *w = &t->win[idx];
    uint64_t key = w->base >> XECAM_GRANULE_SHIFT;
    struct xecam_granule *g = xecam_granule_slot(t, key);
    unsigned int first = (w->base >> XECAM_MIB_SHIFT) & 0xff;
    unsigned int i, mibs = w->size >> XECAM_MIB_SHIFT;

    /* A window is at least 1 MiB: its last byte is never 0. */
    t->lo = !t->last || w->base < t->lo ? w->base : t->lo;
    t->last = w->base + (w->size - 1) > t->last ? w->base + (w->size - 1)
                                                 : t->last;
    g->key = key;
    g->nr++;
    for ( i = 0; i < mibs; i++ )
        g->slot[first + i] = idx + 1;
}

static void granules_rebuild(struct xecam_windows *t)
{
    unsigned int i;

    xecam_memset(t->gran, 0, sizeof(t->gran));
    t->lo = t->last = 0;
    for ( i = 0; i < XECAM_MAX_WINDOWS; i++ )
        if ( t->win[i].used )
            granule_insert(t, i);
}

/* The caller has checked w for overlaps; -ENOSPC if the table is full. */
int xecam_window_add(struct xecam_domain *d, const struct xecam_window *w)
{
    struct xecam_windows *t = &d->windows;
    unsigned int i;

    XECAM_BUILD_BUG_ON(XECAM_MAX_WINDOWS > 255);

    for ( i = 0; i < XECAM_MAX_WINDOWS; i++ )
    {
        if ( t->win[i].used )
            continue;
        xecam_seq_write_begin(&t->seq);
        t->win[i] = *w;
        t->win[i].used = true;
        granule_insert(t, i);
        xecam_seq_write_end(&t->seq);
        return 0;
    }

    return -ENOSPC;
}

void xecam_window_remove(struct xecam_domain *d, struct xecam_window *w)
{
    xecam_seq_write_begin(&d->windows.seq);
    xecam_memset(w, 0, sizeof(*w));
    granules_rebuild(&d->windows);
    xecam_seq_write_end(&d->windows.seq);
}

uint64_t xecam_window_size(uint8_t start_bus, uint8_t end_bus)
{
    return (uint64_t)(end_bus - start_bus + 1) << XECAM_MIB_SHIFT;
}

static uint64_t roundup_pow2(uint64_t x)
{
    uint64_t p = 1;

    while ( p < x )
        p <<= 1;

    return p;
}

/*
 * A window's buses and base, as HVMOP_set_ecam_space and a save record
 * give them: decoded like a chipset, aligned to its size rounded up to 2^n.
 */
int xecam_window_geometry(uint8_t start_bus, uint8_t end_bus, uint64_t base)
{
    uint64_t size;

    if ( end_bus < start_bus )
        return -EINVAL;
    size = xecam_window_size(start_bus, end_bus);
    if ( base & (roundup_pow2(size) - 1) )
        return -EINVAL;
    /* Implied by the alignment for windows of at most 256 MiB; kept. */
    if ( base + size - 1 < base )
        return -EINVAL;

    return 0;
}

bool xecam_windows_overlap(const struct xecam_window *a,
                           const struct xecam_window *b)
{
    return a->base <= b->base + (b->size - 1) &&
           b->base <= a->base + (a->size - 1);
}

bool xecam_window_overlaps(const struct xecam_domain *d,
                           const struct xecam_window *w)
{
    unsigned int i;

    for ( i = 0; i < XECAM_MAX_WINDOWS; i++ )
    {
        const struct xecam_window *o = &d->windows.win[i];

        if ( o->used && xecam_windows_overlap(w, o) )
            return true;
    }

    return false;
}

/*
 * The p2m was asked before the lock was taken (the p2m has its own locks,
 * taken before ours on the fault path); our own windows are checked here,
 * under it, so two racing calls cannot both succeed.
 */
int xecam_window_place(struct xecam_domain *d, const struct xecam_window *w)
{
    if ( xecam_window_of_seg(d, w->seg) )
        return -EBUSY;
    if ( xecam_window_overlaps(d, w) )
        return -EEXIST;

    return xecam_window_add(d, w);
}
