/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The type 0 configuration header as a table of registers (BARs: bar.c).
 *
 * - IDs, revision, class, subsystem IDs, interrupt pin: read-only copies
 *   taken from the device at assignment.
 * - Command: IO, MEM, PARITY, SERR and INTx-disable live in the guest's
 *   copy.  IO/MEM changes map or unmap the BARs; PARITY and SERR never reach
 *   the device (XSA-59); the device keeps its own IO/MEM decode whatever the
 *   guest writes (XSA-120); INTx-disable reaches the device, forced on
 *   while MSI or MSI-X is.  MASTER, SPECIAL, MWI, VGA palette snoop, WAIT
 *   and FAST_BACK go to the device, as pciback allows.
 * - Status: error bits are RW1C and go to the device; CAP_LIST is the
 *   guest's; the rest is read-only.
 * - Header type: the multifunction bit says whether the guest slot has
 *   other functions, not what the device says.
 * - Cache line size goes to the device; latency timer, CardBus CIS,
 *   Min_Gnt, Max_Lat read from it, writes ignored; BIST takes only START.
 * - Interrupt line: the guest's own.
 */
#include "private.h"

struct header_reg {
    uint16_t offset;
    uint8_t size;
    bool snapshot;              /* emulated bits copied from the device */
    uint32_t emu, ro, rw1c, rsvdp;
    xecam_vpci_read_t *read;
    xecam_vpci_write_t *write;
};

/* Command's INTx-disable is emulated and mirrored to the device (below). */
#define CMD_SYNC PCI_CMD_INTX_OFF

static xecam_vpci_write_t cmd_write;
static xecam_vpci_read_t hdr_type_read;

#define ALL 0xffffffffU

#define REG(off, sz, snap, emu, ro, rw1c, rsvdp, rd, wr) \
    { off, sz, snap, emu, ro, rw1c, rsvdp, rd, wr }

static const struct header_reg header[] = {
    /*  off   sz snapshot emu     ro      rw1c    rsvdp   read  write */
    REG(0x00, 4, true,  ALL,    ALL,    0,      0,      NULL, NULL),  /* Vendor, device */
    REG(0x04, 2, false, 0x0543, 0,      0,      0xf800, NULL, cmd_write),
    REG(0x06, 2, true,  0x0010, 0x06ff, 0xf900, 0,      NULL, NULL),  /* Status */
    REG(0x08, 4, true,  ALL,    ALL,    0,      0,      NULL, NULL),  /* Rev, class */
    REG(0x0c, 1, false, 0,      0,      0,      0,      NULL, NULL),  /* Cache line */
    REG(0x0d, 1, false, 0,      ALL,    0,      0,      NULL, NULL),  /* Latency */
    REG(0x0e, 1, true,  ALL,    ALL,    0,      0,      hdr_type_read, NULL),
    REG(0x0f, 1, false, 0,      0xbf,   0,      0,      NULL, NULL),  /* BIST */
    REG(0x28, 4, false, 0,      ALL,    0,      0,      NULL, NULL),  /* CardBus CIS */
    REG(0x2c, 4, true,  ALL,    ALL,    0,      0,      NULL, NULL),  /* Subsystem IDs */
    REG(0x34, 1, true,  ALL,    ALL,    0,      0,      NULL, NULL),  /* Cap pointer */
    REG(0x3c, 1, false, ALL,    0,      0,      0,      NULL, NULL),  /* Int line */
    REG(0x3d, 1, true,  ALL,    ALL,    0,      0,      NULL, NULL),  /* Int pin */
    REG(0x3e, 1, false, 0,      ALL,    0,      0,      NULL, NULL),  /* Min_Gnt */
    REG(0x3f, 1, false, 0,      ALL,    0,      0,      NULL, NULL),  /* Max_Lat */
};

#undef REG

uint32_t xecam_vpci_command(struct xecam_vpci *dev)
{
    return xecam_vpci_find_reg(dev, 0x04)->val;
}

/*
 * The device's INTx-disable follows the guest's, or is on under MSI(-X).
 * Nothing is written if the device's Command cannot be read.
 */
void xecam_vpci_intx_sync(struct xecam_vpci *dev)
{
    /* Only Command's high byte: the one holding INTx-disable. */
    uint32_t bit = PCI_CMD_INTX_OFF >> 8, hw;
    uint32_t want = (xecam_vpci_command(dev) & PCI_CMD_INTX_OFF) ||
                    dev->msi_active ? bit : 0;

    if ( xecam_port_pci_read(dev->host_sbdf, 0x05, 1, &hw) )
        return;
    if ( (hw & bit) != want )
        xecam_vpci_hw_write(dev, 0x05, 1, (hw & ~bit) | want);
}

static void xecam_cf_check cmd_write(struct xecam_vpci *dev, struct xecam_vpci_reg *reg,
                      uint32_t old, uint32_t bytes)
{
    uint32_t changed = reg->val ^ old;

    if ( changed & PCI_CMD_MEM )
        xecam_vpci_bars_decode(dev, false, reg->val & PCI_CMD_MEM);
    if ( changed & PCI_CMD_IO )
        xecam_vpci_bars_decode(dev, true, reg->val & PCI_CMD_IO);
    /* Also when unchanged: the device may not agree with the guest yet. */
    if ( bytes & PCI_CMD_INTX_OFF )
        xecam_vpci_intx_sync(dev);
}

static uint32_t xecam_cf_check hdr_type_read(struct xecam_vpci *dev,
                              const struct xecam_vpci_reg *reg, uint32_t val)
{
    return (val & ~PCI_HDR_MF) | (xecam_read_once(dev->mf) ? PCI_HDR_MF : 0);
}

static int add_header_reg(struct xecam_vpci *dev, const struct header_reg *h)
{
    uint32_t all = xecam_ones(h->size), v;
    int rc;
    struct xecam_vpci_reg r = {
        .offset = h->offset,
        .size = h->size,
        .emu = h->emu & all,
        .ro = h->ro & all,
        .rw1c = h->rw1c & all,
        .rsvdp = h->rsvdp & all,
        .read = h->read,
        .write = h->write,
        .sync = h->offset == 0x04 ? CMD_SYNC : 0,
    };

    if ( h->snapshot )
    {
        rc = xecam_port_pci_read(dev->host_sbdf, h->offset, h->size, &v);
        if ( rc )
            return rc;
        r.reset = v & r.emu;
    }

    return xecam_vpci_add_reg(dev, &r);
}

/*
 * -ENODEV: nothing there; -EOPNOTSUPP: not a type 0 function; a failed
 * device read fails the assignment rather than being emulated as all-ones.
 */
int xecam_vpci_header_init(struct xecam_vpci *dev)
{
    uint32_t vendor, type;
    unsigned int i;
    int rc;

    rc = xecam_port_pci_read(dev->host_sbdf, 0x00, 2, &vendor) ?:
         xecam_port_pci_read(dev->host_sbdf, 0x0e, 1, &type);
    if ( rc )
        return rc;
    if ( vendor == 0xffff )
        return -ENODEV;
    if ( type & ~PCI_HDR_MF )
        return -EOPNOTSUPP;
    /* What deassignment gives back: the host's own settings. */
    rc = xecam_port_pci_read(dev->host_sbdf, 0x04, 2, &vendor) ?:
         xecam_port_pci_read(dev->host_sbdf, 0x0c, 1, &type);
    if ( rc )
        return rc;
    dev->cmd0 = vendor;
    dev->cacheline0 = type;
    for ( i = 0; !rc && i < XECAM_ARRAY_SIZE(header); i++ )
        rc = add_header_reg(dev, &header[i]);

    return rc ? rc : xecam_vpci_bars_init(dev);
}
