/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The module's part of a domain's HVM save record: its windows and its CF8
 * latch.  A record is as hostile as any hypercall argument (it may come
 * from another host, or be crafted): load checks every field in the order
 * below, then the p2m, and only then changes anything.
 *
 *   version known; reserved fields zero; at most 8 windows; each window's
 *   geometry as HVMOP_set_ecam_space checks it; no two windows on one
 *   segment or overlapping; the latch without bits the domain's CF8 keeps
 *   as zero; each window over free guest-physical space (the p2m); the
 *   domain without windows of its own.
 */
#include "private.h"
#include <public/hvm/ecam_op.h>

#define REC_OFF(f) xecam_offsetof(struct xen_hvm_ecam_record, f)
XECAM_BUILD_BUG_ON(sizeof(struct xen_hvm_ecam_record) != 144);
XECAM_BUILD_BUG_ON(sizeof(struct xen_hvm_ecam_record_window) != 16);
XECAM_BUILD_BUG_ON(REC_OFF(nr_windows) != 8 || REC_OFF(window) != 16);
XECAM_BUILD_BUG_ON(XEN_HVM_ECAM_RECORD_WINDOWS != XECAM_MAX_WINDOWS);
#undef REC_OFF

bool xecam_domain_save(struct xecam_domain *d,
                       struct xen_hvm_ecam_record *rec)
{
    unsigned int i, n = 0;

    xecam_memset(rec, 0, sizeof(*rec));
    rec->version = XEN_HVM_ECAM_RECORD_VERSION;
    xecam_port_read_lock(d->lock);
    rec->cf8 = xecam_read_once(d->cf8);
    for ( i = 0; i < XECAM_MAX_WINDOWS; i++ )
    {
        const struct xecam_window *w = &d->windows.win[i];

        if ( !w->used )
            continue;
        rec->window[n].segment = w->seg;
        rec->window[n].start_bus = w->start_bus;
        rec->window[n].end_bus = w->end_bus;
        rec->window[n++].base = w->base;
    }
    xecam_port_read_unlock(d->lock);
    rec->nr_windows = n;

    return n;
}

/* The record's windows, checked among themselves: into 'out'. */
static int record_windows(const struct xen_hvm_ecam_record *rec,
                          struct xecam_window *out)
{
    unsigned int i, j;
    int rc;

    for ( i = 0; i < rec->nr_windows; i++ )
    {
        const struct xen_hvm_ecam_record_window *r = &rec->window[i];

        if ( r->rsvd )
            return -EINVAL;
        rc = xecam_window_geometry(r->start_bus, r->end_bus, r->base);
        if ( rc )
            return rc;
        out[i] = (struct xecam_window){
            .base = r->base, .size = xecam_window_size(r->start_bus,
                                                       r->end_bus),
            .seg = r->segment, .start_bus = r->start_bus,
            .end_bus = r->end_bus,
        };
        for ( j = 0; j < i; j++ )
            if ( out[j].seg == out[i].seg ||
                 xecam_windows_overlap(&out[j], &out[i]) )
                return -EINVAL;
    }

    return 0;
}

static int record_check(const struct xecam_domain *d,
                        const struct xen_hvm_ecam_record *rec,
                        struct xecam_window *win)
{
    unsigned int i;

    if ( rec->version != XEN_HVM_ECAM_RECORD_VERSION || rec->rsvd0 ||
         rec->rsvd1 || rec->nr_windows > XEN_HVM_ECAM_RECORD_WINDOWS )
        return -EINVAL;
    for ( i = rec->nr_windows; i < XEN_HVM_ECAM_RECORD_WINDOWS; i++ )
    {
        const struct xen_hvm_ecam_record_window *r = &rec->window[i];

        if ( r->segment || r->start_bus || r->end_bus || r->rsvd || r->base )
            return -EINVAL;
    }
    if ( rec->cf8 & ~xecam_cf8_mask(d) )
        return -EINVAL;

    return record_windows(rec, win);
}

int xecam_domain_load(struct xecam_domain *d,
                      const struct xen_hvm_ecam_record *rec)
{
    struct xecam_window win[XECAM_MAX_WINDOWS];
    unsigned int i;
    int rc = record_check(d, rec, win);

    /* The p2m first, without our lock (its locks come before ours). */
    for ( i = 0; !rc && i < rec->nr_windows; i++ )
        rc = xecam_port_gpa_range_free(d, win[i].base, win[i].size, NULL);
    if ( rc )
        return rc;

    xecam_port_write_lock(d->lock);
    if ( xecam_domain_has_window(d) )
        rc = -EBUSY;
    /* Distinct, free and at most 8 onto none: placing cannot fail. */
    for ( i = 0; !rc && i < rec->nr_windows; i++ )
        rc = xecam_window_place(d, &win[i]);
    if ( !rc )
        xecam_write_once(d->cf8, rec->cf8);
    xecam_port_write_unlock(d->lock);

    return rc;
}
