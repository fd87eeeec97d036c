/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Device assignment: a host function emulated by vPCI at a guest SBDF.
 */
#include "private.h"
#include <xecam/vpci.h>

int xecam_assign_device(struct xecam_domain *d, uint32_t guest_sbdf,
                        uint32_t host_sbdf, unsigned int flags)
{
    struct xecam_vpci *dev;
    int rc;

    if ( d->flags & XECAM_DOMF_PERMISSIVE )
        flags |= XECAM_ASSIGN_PERMISSIVE;   /* the domain's default */
    rc = xecam_vpci_assign(d, guest_sbdf, host_sbdf, flags, &dev);

    if ( rc )
        return rc;
    rc = xecam_route_assign_vpci(d, guest_sbdf, dev);
    if ( rc )
        xecam_vpci_destroy(dev);
    else
        xecam_port_log(XECAM_LOG_INFO, "d%u: %04x:%02x:%02x.%u assigned at "
                       "%04x:%02x:%02x.%u%s%s\n", d->id,
                       XECAM_SBDF_SEG(host_sbdf), XECAM_SBDF_BUS(host_sbdf),
                       XECAM_SBDF_DEV(host_sbdf), XECAM_SBDF_FN(host_sbdf),
                       XECAM_SBDF_SEG(guest_sbdf), XECAM_SBDF_BUS(guest_sbdf),
                       XECAM_SBDF_DEV(guest_sbdf), XECAM_SBDF_FN(guest_sbdf),
                       flags & XECAM_ASSIGN_PERMISSIVE ? ", permissive" : "",
                       flags & XECAM_ASSIGN_HIDDEN ? ", hidden" : "");

    return rc;
}

int xecam_deassign_device(struct xecam_domain *d, uint32_t guest_sbdf)
{
    struct xecam_vpci *dev = xecam_route_remove_vpci(d, guest_sbdf);

    if ( !dev )
        return -ENOENT;
    xecam_vpci_destroy(dev);

    return 0;
}

int xecam_add_root_port(struct xecam_domain *d, uint32_t port_sbdf,
                        uint8_t secondary)
{
    struct xecam_vpci *dev;
    int rc = xecam_vpci_root_port(d, port_sbdf, secondary, &dev);

    if ( rc )
        return rc;
    rc = xecam_route_add_vpci(d, port_sbdf, dev);
    if ( rc )
        xecam_vpci_destroy(dev);

    return rc;
}
