/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-ecam's device-model operations in Xen's dm_op() (xen/arch/x86/hvm/
 * dm.c): XEN_DMOP_ecam_set_window, _get_window, _assign and _deassign of
 * public/hvm/ecam_dm_op.h.  dm_op() has locked the target (never the
 * caller itself), checked xsm_dm_op(XSM_DM_PRIV) and copied the op's
 * argument into its struct xen_dm_op; it copies it back out unless the op
 * leaves *const_op set, and turns -ERESTART (a preempted window placement)
 * into a continuation.  The module checks the rest with its own XSM hooks.
 */
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/xecam.h>

#include <xecam/ecam.h>

int xecam_xen_dm_op(struct domain *d, unsigned int op, void *arg,
                    bool *const_op)
{
    struct xecam_domain *xd = d->arch.hvm.xecam;
    bool copy_back;
    int rc;

    /* No module state: Xen's own vPCI (the PVH hardware domain). */
    if ( !xd )
        return -ESRCH;
    rc = xecam_dm_op(xd, op, arg, &copy_back);
    if ( copy_back )
        *const_op = false;

    return rc;
}
