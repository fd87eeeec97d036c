/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-ecam's device-model operations in Xen's dm_op() (xen/arch/x86/hvm/
 * dm.c): XEN_DMOP_ecam_set_window, _get_window, _assign and _deassign of
 * public/hvm/ecam_dm_op.h.  dm_op() has locked the target (never the
 * caller itself), checked xsm_dm_op(XSM_DM_PRIV) and copied the op's
 * argument into its struct xen_dm_op; it copies it back out unless the op
 * leaves *const_op set, and turns -ERESTART (a preempted window placement
 * or deassignment) into a continuation.  The module checks the rest with
 * its own XSM hooks.
 */
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/xecam.h>

#include <xecam/ecam.h>
#include <public/hvm/ecam_dm_op.h>

int xecam_xen_dm_op(struct domain *d, unsigned int op, void *arg,
                    bool *const_op)
{
    struct xecam_domain *xd;
    bool copy_back;
    int rc;

    /*
     * dm_op() let only the toolstack or a device model this far: the
     * module's state is made now if it is not yet (glue.c).  None: Xen's
     * own vPCI (the PVH hardware domain), no memory, or a dying domain,
     * which assignment refuses as the module itself does.
     */
    xd = xecam_xen_domain_state(d);
    if ( !xd && d->is_dying &&
         (op == XEN_DMOP_ecam_assign || op == XEN_DMOP_ecam_deassign) )
        return -EINVAL;
    if ( !xd )
        return -ESRCH;
    rc = xecam_dm_op(xd, op, arg, &copy_back);
    if ( copy_back )
        *const_op = false;

    return rc;
}
