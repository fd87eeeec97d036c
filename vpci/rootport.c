/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An emulated PCI Express Root Port: the proper parent for a passed-through
 * endpoint, instead of the RCiEP rewrite.  There is no device behind it:
 * every register is emulated, and bytes no register claims read 0 and
 * ignore writes.
 *
 * Type 1 header, class 0x060400, with a PCI Express capability of type 4
 * (Root Port, version 2, a hot-plug slot: slot.c; 2.5 GT/s x1) at 0x40, an
 * MSI capability for the slot's events at 0x80, and no extended
 * capabilities.  Bus numbers, windows, bridge control and
 * the PCI Express control registers are the guest's; nothing here routes:
 * the endpoint placed on the secondary bus stays there whatever the guest
 * programs (a static topology, as firmware sets it up).
 */
#include "private.h"

#define RP_VENDOR       0x5853U     /* XenSource */
#define RP_DEVICE       0xc0deU     /* xen-ecam Root Port */
#define RP_ID           ((RP_DEVICE << 16) | RP_VENDOR)
#define RP_LNKCAP       0x00100011U /* 2.5 GT/s x1, DLL Link Active reported */
/* What xecam_vpci_root_port() numbers: port, slot, buses. */
#define LNKCAP_PORT(n)  ((uint32_t)(n) << 24)
#define SLTCAP_SLOT(n)  ((uint32_t)(n) << 19)
/* Attention button, power controller, both indicators, hot-plug capable. */
#define SLTCAP_HP       0x0000005bU
#define BUSES(sec)      (((uint32_t)(sec) << 8) | ((uint32_t)(sec) << 16))

/* Every bit is emulated: there is no device behind the port. */
static const struct xecam_vpci_regdesc port_regs[] = {
    /* Type 1 header. */
    { .off = 0x00, .size = 4, .emu = ALL, .reset = RP_ID, .ro = ALL,
      .name = "Vendor ID, Device ID" },
    { .off = 0x04, .size = 2, .emu = ALL, .ro = ~0x0547U,
      .name = "Command" },
    { .off = 0x06, .size = 2, .emu = ALL, .reset = 0x0010, .ro = ~0xf900U,
      .rw1c = 0xf900, .name = "Status" },
    { .off = 0x08, .size = 4, .emu = ALL, .reset = 0x06040000, .ro = ALL,
      .name = "Revision ID, Class Code" },
    { .off = 0x0c, .size = 1, .emu = ALL, .name = "Cache Line Size" },
    { .off = 0x0d, .size = 1, .emu = ALL, .ro = ALL,
      .name = "Latency Timer" },
    { .off = 0x0e, .size = 1, .emu = ALL, .reset = 0x01, .ro = ALL,
      .name = "Header Type" },
    { .off = 0x0f, .size = 1, .emu = ALL, .ro = ALL, .name = "BIST" },
    { .off = 0x10, .size = 4, .emu = ALL, .ro = ALL, .name = "BAR0" },
    { .off = 0x14, .size = 4, .emu = ALL, .ro = ALL, .name = "BAR1" },
    /* Secondary and subordinate bus: BUSES(). */
    { .off = 0x18, .size = 4, .emu = ALL, .ro = 0xff000000,
      .name = "Bus Numbers, Secondary Latency Timer" },
    { .off = 0x1c, .size = 1, .emu = ALL, .ro = 0x0f, .name = "I/O Base" },
    { .off = 0x1d, .size = 1, .emu = ALL, .ro = 0x0f, .name = "I/O Limit" },
    { .off = 0x1e, .size = 2, .emu = ALL, .ro = ~0xf900U, .rw1c = 0xf900,
      .name = "Secondary Status" },
    { .off = 0x20, .size = 4, .emu = ALL, .ro = 0x000f000f,
      .name = "Memory Base, Limit" },
    { .off = 0x24, .size = 4, .emu = ALL, .reset = 0x00010001,
      .ro = 0x000f000f, .name = "Prefetchable Memory Base, Limit" },
    { .off = 0x28, .size = 4, .emu = ALL,
      .name = "Prefetchable Base Upper 32 Bits" },
    { .off = 0x2c, .size = 4, .emu = ALL,
      .name = "Prefetchable Limit Upper 32 Bits" },
    { .off = 0x30, .size = 4, .emu = ALL, .ro = ALL,
      .name = "I/O Base, Limit Upper 16 Bits" },
    { .off = 0x34, .size = 4, .emu = ALL, .reset = 0x40, .ro = ALL,
      .name = "Capabilities Pointer" },
    { .off = 0x38, .size = 4, .emu = ALL, .ro = ALL,
      .name = "Expansion ROM Base Address" },
    { .off = 0x3c, .size = 2, .emu = ALL, .ro = 0xff00,
      .name = "Interrupt Line, Pin" },
    { .off = 0x3e, .size = 2, .emu = ALL, .ro = ~0x007fU,
      .name = "Bridge Control" },
    /* PCI Express capability, type 4 (Root Port), version 2, slot. */
    { .off = 0x40, .size = 4, .emu = ALL, .reset = 0x01428010, .ro = ALL,
      .name = "PCI Express Capability header, Capabilities" },
    { .off = 0x44, .size = 4, .emu = ALL, .reset = 0x00008000, .ro = ALL,
      .name = "Device Capabilities" },
    { .off = 0x48, .size = 2, .emu = ALL, .name = "Device Control" },
    { .off = 0x4a, .size = 2, .emu = ALL, .ro = ~0x000fU, .rw1c = 0x000f,
      .name = "Device Status" },
    /* Port number: LNKCAP_PORT(). */
    { .off = 0x4c, .size = 4, .emu = ALL, .reset = RP_LNKCAP, .ro = ALL,
      .name = "Link Capabilities" },
    { .off = 0x50, .size = 2, .emu = ALL, .name = "Link Control" },
    /* Data Link Layer Link Active: slot.c. */
    { .off = 0x52, .size = 2, .emu = ALL, .reset = 0x0011, .ro = ALL,
      .name = "Link Status" },
    /* Physical slot number: SLTCAP_SLOT(). */
    { .off = 0x54, .size = 4, .emu = ALL, .ro = ALL,
      .name = "Slot Capabilities" },
    /* Slot Control, Slot Status: slot.c. */
    { .off = 0x5c, .size = 2, .emu = ALL, .ro = ~0x001fU,
      .name = "Root Control" },
    { .off = 0x5e, .size = 2, .emu = ALL, .ro = ALL,
      .name = "Root Capabilities" },
    { .off = 0x60, .size = 4, .emu = ALL, .ro = ~0x00010000U,
      .rw1c = 0x00010000, .name = "Root Status" },
    { .off = 0x64, .size = 4, .emu = ALL, .ro = ALL,
      .name = "Device Capabilities 2" },
    { .off = 0x68, .size = 2, .emu = ALL, .name = "Device Control 2" },
    { .off = 0x6a, .size = 2, .emu = ALL, .ro = ALL,
      .name = "Device Status 2" },
    { .off = 0x6c, .size = 4, .emu = ALL, .reset = 0x00000002, .ro = ALL,
      .name = "Link Capabilities 2" },
    { .off = 0x70, .size = 2, .emu = ALL, .reset = 0x0001,
      .name = "Link Control 2" },
    { .off = 0x72, .size = 2, .emu = ALL, .ro = ALL,
      .name = "Link Status 2" },
    { .off = 0x74, .size = 4, .emu = ALL, .ro = ALL,
      .name = "Slot Capabilities 2" },
    { .off = 0x78, .size = 4, .emu = ALL, .ro = ALL,
      .name = "Slot Control 2, Slot Status 2" },
};

/* The port's registers, numbered for its bus and slot. */
static int add_port_regs(struct xecam_vpci *dev, uint8_t secondary,
                         unsigned int port)
{
    int rc = xecam_vpci_add_table(dev, 0, port_regs, 0);

    if ( rc )
        return rc;
    xecam_vpci_set_reset(dev, 0x18, BUSES(secondary));
    xecam_vpci_set_reset(dev, 0x4c, RP_LNKCAP | LNKCAP_PORT(port));
    xecam_vpci_set_reset(dev, 0x54, SLTCAP_SLOT(port) | SLTCAP_HP);

    return xecam_slot_init(dev);
}

int xecam_vpci_root_port(struct xecam_domain *d, uint32_t port_sbdf,
                         uint8_t secondary, struct xecam_vpci **out)
{
    struct xecam_vpci *dev;
    int rc;

    if ( XECAM_SBDF_BUS(port_sbdf) || !secondary )
        return -EINVAL;
    rc = xecam_vpci_create(XECAM_SBDF(0, 0, 0, 0), &dev);
    if ( rc )
        return rc;
    dev->emulated = true;
    dev->secondary = secondary;
    dev->d = d;
    dev->guest_sbdf = port_sbdf;
    rc = add_port_regs(dev, secondary, XECAM_SBDF_DEV(port_sbdf));
    if ( rc )
    {
        xecam_vpci_destroy(dev);
        return rc;
    }
    *out = dev;

    return 0;
}
