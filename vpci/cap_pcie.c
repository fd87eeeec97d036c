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

static xecam_vpci_write_t devctl_write;

/* Layouts: which rows a function has. */
#define V2      0x1     /* a version 2 capability: the "2" registers */
#define LINK    0x2     /* an endpoint's own link */
#define RCIEP   0x4     /* seen as an RCiEP: no link */

/*
 * The guest's view of a register: the device's, its own copy (starting as
 * the device's), or 0 (and 0 for the RCiEP view's link registers).
 */
#define DEVICE  .ro = ALL
#define VIRTUAL .emu = ALL, .keep = ALL
#define ZERO    .emu = ALL, .ro = ALL
#define NO_LINK ZERO, .why = "an RCiEP has no link: reads 0"

/*
 * The capability (PCI Express Base 4.0, 7.5.3).  The reset values of
 * Capabilities, Device Capabilities and Device Control: what init read.
 */
static const struct xecam_vpci_regdesc pcie_regs[] = {
    { .off = 0x02, .size = 2, .emu = ALL, .ro = ALL,
      .name = "Capabilities" },
    { .off = 0x04, .size = 4, .emu = ALL, .ro = ALL,
      .name = "Device Capabilities" },
    { .off = 0x08, .size = 2, .emu = ALL, .hooks.write = devctl_write,
      .name = "Device Control" },
    { .off = 0x0a, .size = 2, .ro = ~DEVSTA_ERRORS, .rw1c = DEVSTA_ERRORS,
      .name = "Device Status" },
    { .off = 0x0c, .size = 4, .need = LINK, DEVICE,
      .name = "Link Capabilities" },
    { .off = 0x0c, .size = 4, .need = RCIEP, NO_LINK,
      .name = "Link Capabilities" },
    { .off = 0x10, .size = 2, .need = LINK, VIRTUAL,
      .name = "Link Control" },
    { .off = 0x10, .size = 2, .need = RCIEP, NO_LINK,
      .name = "Link Control" },
    { .off = 0x12, .size = 2, .need = LINK, DEVICE,
      .name = "Link Status" },
    { .off = 0x12, .size = 2, .need = RCIEP, NO_LINK,
      .name = "Link Status" },
    /*
     * An endpoint has no slot or root registers: a version 1 capability
     * may end before them (QEMU's e1000e: 0x14 bytes at 0xe0); version 2
     * has the room, and they read 0.
     */
    { .off = 0x14, .size = 4, .need = V2, ZERO, .name = "Slot Capabilities" },
    { .off = 0x18, .size = 2, .need = V2, ZERO, .name = "Slot Control" },
    { .off = 0x1a, .size = 2, .need = V2, ZERO, .name = "Slot Status" },
    { .off = 0x1c, .size = 2, .need = V2, ZERO, .name = "Root Control" },
    { .off = 0x1e, .size = 2, .need = V2, ZERO,
      .name = "Root Capabilities" },
    { .off = 0x20, .size = 4, .need = V2, ZERO, .name = "Root Status" },
    { .off = 0x24, .size = 4, .need = V2, DEVICE,
      .name = "Device Capabilities 2" },
    { .off = 0x28, .size = 2, .need = V2, VIRTUAL,
      .name = "Device Control 2" },
    { .off = 0x2a, .size = 2, .need = V2, ZERO,
      .name = "Device Status 2" },
    { .off = 0x2c, .size = 4, .need = V2 | LINK, DEVICE,
      .name = "Link Capabilities 2" },
    { .off = 0x2c, .size = 4, .need = V2 | RCIEP, NO_LINK,
      .name = "Link Capabilities 2" },
    { .off = 0x30, .size = 2, .need = V2 | LINK, VIRTUAL,
      .name = "Link Control 2" },
    { .off = 0x30, .size = 2, .need = V2 | RCIEP, NO_LINK,
      .name = "Link Control 2" },
    { .off = 0x32, .size = 2, .need = V2 | LINK, DEVICE,
      .name = "Link Status 2" },
    { .off = 0x32, .size = 2, .need = V2 | RCIEP, NO_LINK,
      .name = "Link Status 2" },
    { .off = 0x34, .size = 4, .need = V2, ZERO,
      .name = "Slot Capabilities 2" },
    { .off = 0x38, .size = 2, .need = V2, ZERO, .name = "Slot Control 2" },
    { .off = 0x3a, .size = 2, .need = V2, ZERO, .name = "Slot Status 2" },
};

#undef DEVICE
#undef VIRTUAL
#undef ZERO
#undef NO_LINK

/* The host's answer (hostop.c): a reset function starts afresh. */
static void xecam_cf_check flr_done(struct xecam_vpci *dev,
                                    const struct xecam_vpci_hostop *op,
                                    int rc)
{
    if ( !rc )
        xecam_vpci_reset_state(dev);
}

static void xecam_cf_check devctl_write(struct xecam_vpci *dev,
                                        struct xecam_vpci_reg *reg,
                                        uint32_t old, uint32_t bytes)
{
    const struct xecam_vpci_hostop op = {
        .kind = HOSTOP_RESET, .done = flr_done,
    };

    if ( !(reg->val & DEVCTL_FLR) )
        return;
    reg->val &= ~DEVCTL_FLR;    /* reads 0 */
    /* Only a device that can do FLR gets one (later, with no lock held). */
    if ( dev->flr )
        xecam_vpci_hostop_queue(dev, &op);
}

static bool as_rciep(const struct xecam_vpci *dev, uint32_t caps)
{
    return !(dev->flags & XECAM_ASSIGN_NO_RCIEP) &&
           !XECAM_SBDF_BUS(dev->guest_sbdf) &&
           (PCIE_TYPE(caps) == PCIE_TYPE_EP ||
            PCIE_TYPE(caps) == PCIE_TYPE_LEG_EP);
}

int xecam_cf_check xecam_cap_pcie_init(struct xecam_vpci *dev,
                                       const struct xecam_cap *cap)
{
    unsigned int off = cap->offset;
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
    if ( off + (v2 ? 0x3c : 0x14) > XECAM_CFG_LEGACY )
        return -EINVAL;             /* does not fit: the device lies */
    if ( !xecam_vpci_hw_read_ok(dev, off + 4, 4, &devcap) ||
         !xecam_vpci_hw_read_ok(dev, off + 8, 2, &devctl) )
        return -EIO;
    dev->flr = devcap & DEVCAP_FLR;
    rciep = as_rciep(dev, caps);
    if ( rciep )
        caps = (caps & ~0xf0U) | (PCIE_TYPE_RCIEP << 4);
    dev->pcie_off = off;

    rc = xecam_vpci_add_table(dev, off, pcie_regs,
                              (v2 ? V2 : 0) | (rciep ? RCIEP : LINK));
    if ( rc )
        return rc;
    xecam_vpci_set_reset(dev, off + 2, caps & ~PCIE_SLOT);
    xecam_vpci_set_reset(dev, off + 4, devcap & ~DEVCAP_FLR);
    xecam_vpci_set_reset(dev, off + 8, devctl & ~DEVCTL_FLR);

    return 0;
}
