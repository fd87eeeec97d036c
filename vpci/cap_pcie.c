/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PCI Express capability of a passed-through endpoint.
 *
 * - Topology: on bus 0 of a Q35 guest an endpoint has no parent port, which
 *   Windows' pci.sys rejects; unless XECAM_ASSIGN_NO_RCIEP, its device/port
 *   type reads as Root Complex Integrated Endpoint and its link and slot
 *   registers read 0, as an RCiEP's are.  Elsewhere the link registers are
 *   the device's (status, capabilities) or the guest's (control).
 * - FLR is hidden in Device Capabilities; a guest that initiates one anyway
 *   gets a reset done by the host (xecam_port_reset_function), never a raw
 *   write, and the emulated state returns to reset with the device's.
 * - Device Control, Link Control and their "2" registers are virtual.
 * - Device Status error bits are RW1C and reach the device.
 * - Slot and root registers (ports only) read 0.
 */
#include "private.h"

#define PCIE_TYPE(c)        (((c) >> 4) & 0xf)
#define PCIE_TYPE_EP        0x0
#define PCIE_TYPE_LEG_EP    0x1
#define PCIE_TYPE_RCIEP     0x9
#define PCIE_SLOT           0x0100U
#define DEVCAP_FLR          (1U << 28)
#define DEVCTL_FLR          0x8000U
#define DEVSTA_ERRORS       0x000fU

/* What a register is in the guest's view. */
enum kind { ZERO, DEVICE, VIRTUAL, COPY };

struct pcie_reg {
    uint8_t off, size;
    enum kind ep, rciep;        /* plain endpoint, RCiEP view */
    bool v2;                    /* only in version 2 capabilities */
};

static const struct pcie_reg layout[] = {
    { 0x0c, 4, DEVICE,  ZERO, false },   /* Link Capabilities */
    { 0x10, 2, VIRTUAL, ZERO, false },   /* Link Control */
    { 0x12, 2, DEVICE,  ZERO, false },   /* Link Status */
    { 0x14, 4, ZERO,    ZERO, false },   /* Slot Capabilities */
    { 0x18, 2, ZERO,    ZERO, false },   /* Slot Control */
    { 0x1a, 2, ZERO,    ZERO, false },   /* Slot Status */
    { 0x1c, 2, ZERO,    ZERO, false },   /* Root Control */
    { 0x1e, 2, ZERO,    ZERO, false },   /* Root Capabilities */
    { 0x20, 4, ZERO,    ZERO, false },   /* Root Status */
    { 0x24, 4, DEVICE,  DEVICE, true },  /* Device Capabilities 2 */
    { 0x28, 2, VIRTUAL, VIRTUAL, true }, /* Device Control 2 */
    { 0x2a, 2, ZERO,    ZERO, true },    /* Device Status 2 */
    { 0x2c, 4, DEVICE,  ZERO, true },    /* Link Capabilities 2 */
    { 0x30, 2, VIRTUAL, ZERO, true },    /* Link Control 2 */
    { 0x32, 2, DEVICE,  ZERO, true },    /* Link Status 2 */
    { 0x34, 4, ZERO,    ZERO, true },    /* Slot Capabilities 2 */
    { 0x38, 2, ZERO,    ZERO, true },    /* Slot Control 2 */
    { 0x3a, 2, ZERO,    ZERO, true },    /* Slot Status 2 */
};

static int add_kind(struct xecam_vpci *dev, unsigned int off,
                    unsigned int size, enum kind k)
{
    uint32_t v;

    switch ( k )
    {
    case DEVICE:
        return xecam_vpci_add(dev, off, size, 0, 0, ~0U, 0, NULL);
    case VIRTUAL:
        if ( !xecam_vpci_hw_read_ok(dev, off, size, &v) )
            return -EIO;
        return xecam_vpci_add(dev, off, size, v, ~0U, 0, 0, NULL);
    default:
        return xecam_vpci_add(dev, off, size, 0, ~0U, ~0U, 0, NULL);
    }
}

static void xecam_cf_check devctl_write(struct xecam_vpci *dev, struct xecam_vpci_reg *reg,
                         uint32_t old, uint32_t bytes)
{
    if ( !(reg->val & DEVCTL_FLR) )
        return;
    reg->val &= ~DEVCTL_FLR;    /* reads 0 */
    /* Only a device that can do FLR gets one; nothing else is faked. */
    if ( !dev->flr || xecam_port_reset_function(dev->host_sbdf) )
        return;
    xecam_vpci_reset_state(dev);
}

static bool as_rciep(const struct xecam_vpci *dev, uint32_t caps)
{
    return !(dev->flags & XECAM_ASSIGN_NO_RCIEP) &&
           !XECAM_SBDF_BUS(dev->guest_sbdf) &&
           (PCIE_TYPE(caps) == PCIE_TYPE_EP ||
            PCIE_TYPE(caps) == PCIE_TYPE_LEG_EP);
}

int xecam_cf_check xecam_cap_pcie_init(struct xecam_vpci *dev, const struct xecam_cap *cap)
{
    unsigned int off = cap->offset, i;
    uint32_t caps, devcap, devctl;
    bool rciep, v2;
    int rc;

    if ( !xecam_vpci_hw_read_ok(dev, off + 2, 2, &caps) )
        return -EIO;
    if ( PCIE_TYPE(caps) != PCIE_TYPE_EP &&
         PCIE_TYPE(caps) != PCIE_TYPE_LEG_EP &&
         PCIE_TYPE(caps) != PCIE_TYPE_RCIEP )
        return -EOPNOTSUPP;         /* ports and bridges: not passed */
    v2 = (caps & 0xf) >= 2;
    if ( off + (v2 ? 0x3c : 0x24) > XECAM_CFG_LEGACY )
        return -EINVAL;             /* does not fit: the device lies */
    if ( !xecam_vpci_hw_read_ok(dev, off + 4, 4, &devcap) ||
         !xecam_vpci_hw_read_ok(dev, off + 8, 2, &devctl) )
        return -EIO;
    dev->flr = devcap & DEVCAP_FLR;
    rciep = as_rciep(dev, caps);
    if ( rciep )
        caps = (caps & ~0xf0U) | (PCIE_TYPE_RCIEP << 4);
    dev->pcie_off = off;

    rc = xecam_vpci_add(dev, off + 2, 2, caps & ~PCIE_SLOT, ~0U, ~0U, 0,
                        NULL) ?:
         xecam_vpci_add(dev, off + 4, 4, devcap & ~DEVCAP_FLR, ~0U, ~0U, 0,
                        NULL) ?:
         xecam_vpci_add(dev, off + 8, 2, devctl & ~DEVCTL_FLR, ~0U, 0, 0,
                        devctl_write) ?:
         xecam_vpci_add(dev, off + 0xa, 2, 0, 0, ~DEVSTA_ERRORS,
                        DEVSTA_ERRORS, NULL);
    for ( i = 0; !rc && i < XECAM_ARRAY_SIZE(layout); i++ )
        if ( v2 || !layout[i].v2 )
            rc = add_kind(dev, off + layout[i].off, layout[i].size,
                          rciep ? layout[i].rciep : layout[i].ep);

    return rc;
}
