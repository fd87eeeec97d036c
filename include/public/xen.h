/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Out-of-tree stand-in for Xen's public/xen.h.
 *
 * Inside a Xen tree, public/hvm/ecam_op.h includes the real "../xen.h".
 * Out of tree we take the very same header from the installed Xen public
 * headers (Debian: libxen-dev, <xen/xen.h>) instead of redeclaring it.
 */
#ifndef XECAM_PUBLIC_XEN_SHIM_H
#define XECAM_PUBLIC_XEN_SHIM_H

#include <xecam/types.h>   /* the fixed-width types Xen's headers expect */
#include <xen/xen.h>

#endif /* XECAM_PUBLIC_XEN_SHIM_H */
