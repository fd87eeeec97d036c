/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace port: HYPERVISOR_dm_op for the ECAM DMOPs, run as Xen 4.17's
 * dm_op() (xen/arch/x86/hvm/dm.c) runs it, so tests see the whole path: the
 * target looked up (never the caller itself), dm_op's own XSM check, the
 * op's header and then its argument copied in, pad checked, the op, and
 * its argument copied back when it says so.
 */
#include <stddef.h>

#include <xecam/port.h>
#include <xen/hvm/dm_op.h>
#include "internal.h"

#define HEAD offsetof(struct xen_dm_op, u)

long xecam_user_dm_op(domid_t domid, void *buf, size_t size)
{
    domid_t caller = xecam_port_current_domid();
    struct xen_dm_op op;
    xecam_guest_handle_t h = { .p = buf };
    xecam_guest_handle_t u = { .p = buf ? (char *)buf + HEAD : NULL };
    struct xecam_domain *d = xecam_port_domain_get(domid);
    bool copy_back;
    size_t len;
    int rc;

    if ( !d )
        return -ESRCH;
    rc = domid == caller ? -EPERM : xecam_user_dm_op_allowed(caller, domid);
    if ( !rc && (size < HEAD || xecam_port_copy_from_guest(&op, h, HEAD)) )
        rc = -EFAULT;
    len = rc ? 0 : xecam_dm_op_size(op.op);
    if ( !rc && !len )
        rc = -EOPNOTSUPP;
    if ( !rc && (size < HEAD + len ||
                 xecam_port_copy_from_guest(&op.u, u, len)) )
        rc = -EFAULT;
    if ( !rc && op.pad )
        rc = -EINVAL;
    if ( !rc )
    {
        rc = xecam_dm_op(d, op.op, &op.u, &copy_back);
        if ( (!rc || rc == -ERESTART) && copy_back &&
             xecam_port_copy_to_guest(u, &op.u, len) )
            rc = -EFAULT;
    }
    xecam_port_domain_put(d);

    return rc;
}
