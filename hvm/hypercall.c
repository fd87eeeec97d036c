/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HVMOP_set_ecam_space and HVMOP_get_ecam_space, and the window operations
 * they share with the ECAM DMOPs (dmop.c).
 *
 * Checks run in a fixed order (docs/abi.md): arguments, domain, permission,
 * then state under the domain's write lock.  Nothing changes before the last
 * check has passed, so every error leaves the domain as it was.
 */
#include "private.h"
#include <public/hvm/ecam_op.h>

/* One layout for 32- and 64-bit callers (`make m32` builds this for i386). */
#define ECAM_OFF(f) xecam_offsetof(struct xen_hvm_ecam_space, f)
XECAM_BUILD_BUG_ON(sizeof(struct xen_hvm_ecam_space) != 24);
XECAM_BUILD_BUG_ON(ECAM_OFF(segment) != 2 || ECAM_OFF(start_bus) != 4);
XECAM_BUILD_BUG_ON(ECAM_OFF(end_bus) != 5 || ECAM_OFF(flags) != 6);
XECAM_BUILD_BUG_ON(ECAM_OFF(base) != 8 || ECAM_OFF(rsvd) != 16);
#undef ECAM_OFF

/* The arguments of a placement or removal, before anything else. */
int xecam_window_check_set(const struct xen_hvm_ecam_space *a)
{
    if ( a->rsvd[0] || a->rsvd[1] || (a->flags & ~XEN_HVM_ECAM_REMOVE) )
        return -EINVAL;
    if ( a->flags & XEN_HVM_ECAM_REMOVE )
        return (a->start_bus || a->end_bus || a->base) ? -EINVAL : 0;

    return xecam_window_geometry(a->start_bus, a->end_bus, a->base);
}

/*
 * The caller's rights over d's windows: the XSM hook always (XSM_TARGET for
 * itself, XSM_DM_PRIV for another domain), and for a domain placing its own
 * windows, its policy as well.
 */
int xecam_window_rights(const struct xecam_domain *d, domid_t caller,
                        bool for_read)
{
    int rc = xecam_port_may_control(caller, d);

    if ( !rc && d->id == caller && !for_read &&
         !(d->flags & XECAM_DOMF_SELF_ECAM) )
        rc = -EPERM;
    /*
     * A dying domain's windows are torn down with it: no change then, as
     * Xen answers XEN_DOMCTL_assign_device for one (abi.md set check 9).
     */
    if ( !rc && !for_read && xecam_port_domain_dying(d) )
        rc = -EINVAL;

    return rc;
}

/* Resolve DOMID_SELF, look the domain up and check the caller's rights. */
static int get_target(domid_t domid, bool for_read, struct xecam_domain **out)
{
    domid_t caller = xecam_port_current_domid();
    struct xecam_domain *d;
    int rc;

    if ( domid == DOMID_SELF )
        domid = caller;
    d = xecam_port_domain_get(domid);
    if ( !d )
        return -ESRCH;

    rc = xecam_window_rights(d, caller, for_read);
    if ( rc )
    {
        xecam_port_domain_put(d);
        return rc;
    }
    *out = d;

    return 0;
}

static int window_unplace(struct xecam_domain *d, uint16_t seg,
                          struct xecam_window *old)
{
    struct xecam_window *w = xecam_window_of_seg(d, seg);

    if ( !w )
        return -ENOENT;
    *old = *w;
    xecam_window_remove(d, w);

    return 0;
}

static void report(const struct xecam_domain *d, const struct xecam_window *w,
                   bool removed)
{
    /* A guest with XECAM_DOMF_SELF_ECAM could repeat this at will. */
    unsigned int guest = d->id == xecam_port_current_domid() ?
                         XECAM_LOG_GUEST : 0;

    xecam_port_log(XECAM_LOG_INFO | guest,
                   "d%u: ECAM segment %04x buses %02x-%02x at %#llx %s\n",
                   d->id, w->seg, w->start_bus, w->end_bus,
                   (unsigned long long)w->base, removed ? "removed" : "placed");
}

static bool same_window(const struct xecam_window *a,
                        const struct xecam_window *b)
{
    return a->base == b->base && a->size == b->size && a->seg == b->seg &&
           a->start_bus == b->start_bus;
}

/*
 * The p2m walk of a placement, preemptible: a continuation of the same
 * call by the same caller goes on where the last one stopped, so a long
 * walk always ends however often it is preempted.  Any other placement or
 * removal forgets it.
 */
static int range_free(struct xecam_domain *d, const struct xecam_window *w)
{
    domid_t caller = xecam_port_current_domid();
    uint64_t checked = 0;
    int rc;

    xecam_port_read_lock(d->lock);
    if ( d->resume.valid && d->resume.caller == caller &&
         same_window(&d->resume.w, w) )
        checked = d->resume.checked;
    xecam_port_read_unlock(d->lock);

    rc = xecam_port_gpa_range_free(d, w->base, w->size, &checked);
    if ( rc == -ERESTART )
    {
        xecam_port_write_lock(d->lock);
        d->resume.valid = true;
        d->resume.caller = caller;
        d->resume.w = *w;
        d->resume.checked = checked;
        xecam_port_write_unlock(d->lock);
    }

    return rc;
}

/* Place or remove a window: arguments and rights checked, d held. */
int xecam_window_set(struct xecam_domain *d,
                     const struct xen_hvm_ecam_space *a)
{
    struct xecam_window w = { 0 };
    bool remove = a->flags & XEN_HVM_ECAM_REMOVE;
    int rc = 0;

    w.base = a->base;
    w.size = xecam_window_size(a->start_bus, a->end_bus);
    w.seg = a->segment;
    w.start_bus = a->start_bus;
    w.end_bus = a->end_bus;
    if ( !remove )
        rc = range_free(d, &w);
    if ( rc != -ERESTART )
    {
        xecam_port_write_lock(d->lock);
        d->resume.valid = false;
        if ( !rc )
            rc = remove ? window_unplace(d, a->segment, &w) :
                          xecam_window_place(d, &w);
        xecam_port_write_unlock(d->lock);
    }
    if ( !rc )
        report(d, &w, remove);

    return rc;
}

static int set_ecam_space(xecam_guest_handle_t arg)
{
    struct xen_hvm_ecam_space a;
    struct xecam_domain *d;
    int rc;

    if ( xecam_port_copy_from_guest(&a, arg, sizeof(a)) )
        return -EFAULT;
    rc = xecam_window_check_set(&a);
    if ( !rc )
        rc = get_target(a.domid, false, &d);
    if ( rc )
        return rc;

    rc = xecam_window_set(d, &a);
    xecam_port_domain_put(d);

    return rc;
}

/* The window of a->segment into a; -ENOENT if it has none. */
int xecam_window_get(struct xecam_domain *d, struct xen_hvm_ecam_space *a)
{
    const struct xecam_window *w;

    xecam_port_read_lock(d->lock);
    w = xecam_window_of_seg(d, a->segment);
    if ( w )
    {
        a->start_bus = w->start_bus;
        a->end_bus = w->end_bus;
        a->base = w->base;
    }
    xecam_port_read_unlock(d->lock);

    return w ? 0 : -ENOENT;
}

static int get_ecam_space(xecam_guest_handle_t arg)
{
    struct xen_hvm_ecam_space a;
    struct xecam_domain *d;
    int rc;

    if ( xecam_port_copy_from_guest(&a, arg, sizeof(a)) )
        return -EFAULT;
    if ( a.flags || a.rsvd[0] || a.rsvd[1] )
        return -EINVAL;
    rc = get_target(a.domid, true, &d);
    if ( rc )
        return rc;

    rc = xecam_window_get(d, &a);
    xecam_port_domain_put(d);
    if ( rc )
        return rc;

    return xecam_port_copy_to_guest(arg, &a, sizeof(a)) ? -EFAULT : 0;
}

long xecam_hvm_op(unsigned int op, xecam_guest_handle_t arg)
{
    switch ( op )
    {
    case HVMOP_set_ecam_space:
        return set_ecam_space(arg);
    case HVMOP_get_ecam_space:
        return get_ecam_space(arg);
    }

    return -ENOSYS;
}
