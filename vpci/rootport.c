/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An emulated PCI Express Root Port: the proper parent for a passed-through
 * endpoint, instead of the RCiEP rewrite.  There is no device behind it:
 * every register is emulated, and bytes no register claims read 0 and
 * ignore writes.
 *
 * Type 1 header, class 0x060400, with a PCI Express capability of type 4
 * (Root Port, version 2, slot implemented, link up at 2.5 GT/s x1) at 0x40
 * and no extended capabilities.  Bus numbers, windows, bridge control and
 * the PCI Express control registers are the guest's; nothing here routes:
 * the endpoint placed on the secondary bus stays there whatever the guest
 * programs (a static topology, as firmware sets it up).
 */
#include "private.h"

#define RP_VENDOR       0x5853      /* XenSource */
#define RP_DEVICE       0xc0de      /* xen-ecam Root Port */
#define ALL             0xffffffffU

struct rp_reg {
    uint8_t off, size;
    uint32_t reset, ro, rw1c;
};

static const struct rp_reg layout[] = {
    /* off  size reset                    ro            rw1c */
    { 0x00, 4, (RP_DEVICE << 16) | RP_VENDOR, ALL,      0 },
    { 0x04, 2, 0,                         ~0x0547U,     0 },      /* Command */
    { 0x06, 2, 0x0010,                    ~0xf900U,     0xf900 }, /* Status */
    { 0x08, 4, 0x06040000,                ALL,          0 },      /* class */
    { 0x0c, 1, 0,                         0,            0 },      /* cache line */
    { 0x0d, 1, 0,                         ALL,          0 },
    { 0x0e, 1, 0x01,                      ALL,          0 },      /* type 1 */
    { 0x0f, 1, 0,                         ALL,          0 },
    { 0x10, 4, 0,                         ALL,          0 },      /* no BARs */
    { 0x14, 4, 0,                         ALL,          0 },
    { 0x18, 4, 0,                         0xff000000,   0 },      /* buses */
    { 0x1c, 1, 0,                         0x0f,         0 },      /* I/O base */
    { 0x1d, 1, 0,                         0x0f,         0 },      /* I/O limit */
    { 0x1e, 2, 0,                         ~0xf900U,     0xf900 }, /* sec status */
    { 0x20, 4, 0,                         0x000f000f,   0 },      /* memory */
    { 0x24, 4, 0x00010001,                0x000f000f,   0 },      /* prefetch */
    { 0x28, 4, 0,                         0,            0 },      /* upper */
    { 0x2c, 4, 0,                         0,            0 },
    { 0x30, 4, 0,                         ALL,          0 },      /* I/O upper */
    { 0x34, 4, 0x40,                      ALL,          0 },      /* cap ptr */
    { 0x38, 4, 0,                         ALL,          0 },      /* no ROM */
    { 0x3c, 2, 0,                         0xff00,       0 },      /* int line */
    { 0x3e, 2, 0,                         ~0x007fU,     0 },      /* bridge ctl */
    /* PCI Express capability, type 4 (Root Port), version 2. */
    { 0x40, 4, 0x01420010,                ALL,          0 },
    { 0x44, 4, 0x00008000,                ALL,          0 },      /* DEVCAP */
    { 0x48, 2, 0,                         0,            0 },      /* DEVCTL */
    { 0x4a, 2, 0,                         ~0x000fU,     0x000f }, /* DEVSTA */
    { 0x4c, 4, 0x00100011,                ALL,          0 },      /* LNKCAP */
    { 0x50, 2, 0,                         0,            0 },      /* LNKCTL */
    { 0x52, 2, 0x2011,                    ALL,          0 },      /* LNKSTA */
    { 0x54, 4, 0,                         ALL,          0 },      /* SLTCAP */
    { 0x58, 2, 0,                         0,            0 },      /* SLTCTL */
    { 0x5a, 2, 0x0040,                    ~0x011fU,     0x011f }, /* SLTSTA */
    { 0x5c, 2, 0,                         ~0x001fU,     0 },      /* RTCTL */
    { 0x5e, 2, 0,                         ALL,          0 },      /* RTCAP */
    { 0x60, 4, 0,                         ~0x00010000U, 0x10000 },/* RTSTA */
    { 0x64, 4, 0,                         ALL,          0 },      /* DEVCAP2 */
    { 0x68, 2, 0,                         0,            0 },      /* DEVCTL2 */
    { 0x6a, 2, 0,                         ALL,          0 },
    { 0x6c, 4, 0x00000002,                ALL,          0 },      /* LNKCAP2 */
    { 0x70, 2, 0x0001,                    0,            0 },      /* LNKCTL2 */
    { 0x72, 2, 0,                         ALL,          0 },
    { 0x74, 4, 0,                         ALL,          0 },
    { 0x78, 4, 0,                         ALL,          0 },
};

static int rp_regs(struct xecam_vpci *dev, uint8_t secondary, unsigned int port)
{
    unsigned int i;
    int rc = 0;

    for ( i = 0; !rc && i < XECAM_ARRAY_SIZE(layout); i++ )
        rc = xecam_vpci_add(dev, layout[i].off, layout[i].size,
                            layout[i].reset, ~0U, layout[i].ro & ~layout[i].rw1c,
                            layout[i].rw1c, NULL);
    if ( rc )
        return rc;
    /* Secondary and subordinate bus, port and slot numbers. */
    xecam_vpci_find_reg(dev, 0x18)->reset = (secondary << 8) |
                                            (secondary << 16);
    xecam_vpci_find_reg(dev, 0x4c)->reset |= port << 24;
    xecam_vpci_find_reg(dev, 0x54)->reset = port << 19;
    for ( i = 0; i < dev->nr_regs; i++ )
        xecam_vpci_reg(dev, i)->val = xecam_vpci_reg(dev, i)->reset;

    return 0;
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
    dev->d = d;
    dev->guest_sbdf = port_sbdf;
    rc = rp_regs(dev, secondary, XECAM_SBDF_DEV(port_sbdf));
    if ( rc )
    {
        xecam_vpci_destroy(dev);
        return rc;
    }
    *out = dev;

    return 0;
}
