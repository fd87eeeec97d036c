/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The type 0 configuration header as a table of registers (BARs: bar.c).
 *
 * - IDs, revision, class, subsystem IDs: read-only copies taken from the
 *   device at assignment.  Interrupt Pin reads 0: INTx is not routed to
 *   the guest (docs/interrupts.md says why), MSI and MSI-X are.
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

/* Command's INTx-disable is emulated and mirrored to the device (below). */
#define CMD_SYNC PCI_CMD_INTX_OFF

static xecam_vpci_write_t cmd_write;
static xecam_vpci_mirror_t cmd_mirror;
static xecam_vpci_read_t hdr_type_read;

/* The BARs and the expansion ROM BAR (0x10-0x24, 0x30) are bar.c's. */
static const struct xecam_vpci_regdesc header[] = {
    { .off = 0x00, .size = 4, .emu = ALL, .keep = ALL, .ro = ALL,
      .name = "Vendor ID, Device ID", .why = "a copy taken at assignment" },
    { .off = 0x04, .size = 2, .emu = 0x0543, .rsvdp = 0xf800,
      .sync = CMD_SYNC, .hooks.write = cmd_write,
      .hooks.mirror = cmd_mirror, .name = "Command",
      .why = "IO and MEM map the virtual BARs; PARITY and SERR never "
             "reach the device (XSA-59)" },
    { .off = 0x06, .size = 2, .emu = 0x0010, .keep = ALL, .ro = 0x06ff,
      .rw1c = 0xf900, .name = "Status",
      .why = "errors are RW1C in the device; CAP_LIST follows the "
             "guest's chain" },
    { .off = 0x08, .size = 4, .emu = ALL, .keep = ALL, .ro = ALL,
      .name = "Revision ID, Class Code", .why = "a copy taken at assignment" },
    { .off = 0x0c, .size = 1, .name = "Cache Line Size",
      .why = "the device's, as pciback allows" },
    { .off = 0x0d, .size = 1, .ro = ALL, .name = "Latency Timer",
      .why = "read from the device, writes ignored" },
    { .off = 0x0e, .size = 1, .emu = ALL, .keep = ALL, .ro = ALL,
      .hooks.read = hdr_type_read, .name = "Header Type",
      .why = "the multifunction bit is the guest slot's" },
    { .off = 0x0f, .size = 1, .ro = 0xbf, .name = "BIST",
      .why = "only START reaches the device" },
    { .off = 0x28, .size = 4, .ro = ALL, .name = "CardBus CIS Pointer",
      .why = "read from the device, writes ignored" },
    { .off = 0x2c, .size = 4, .emu = ALL, .keep = ALL, .ro = ALL,
      .name = "Subsystem Vendor ID, Subsystem ID",
      .why = "a copy taken at assignment" },
    { .off = 0x34, .size = 1, .emu = ALL, .keep = ALL, .ro = ALL,
      .name = "Capabilities Pointer", .why = "follows the guest's chain" },
    { .off = 0x3c, .size = 1, .emu = ALL, .name = "Interrupt Line",
      .why = "the guest's own" },
    { .off = 0x3d, .size = 1, .emu = ALL, .ro = ALL,
      .name = "Interrupt Pin",
      .why = "0: no INTx is routed, MSI and MSI-X are (docs/interrupts.md)" },
    { .off = 0x3e, .size = 1, .ro = ALL, .name = "Min_Gnt",
      .why = "read from the device, writes ignored" },
    { .off = 0x3f, .size = 1, .ro = ALL, .name = "Max_Lat",
      .why = "read from the device, writes ignored" },
};

uint32_t xecam_vpci_command(struct xecam_vpci *dev)
{
    return xecam_vpci_find_reg(dev, 0x04)->val;
}

/* The device's INTx-disable: the guest's, forced on under MSI or MSI-X. */
static uint32_t xecam_cf_check cmd_mirror(const struct xecam_vpci *dev,
                                          const struct xecam_vpci_reg *reg)
{
    return (reg->val & PCI_CMD_INTX_OFF) || dev->msi_active ? PCI_CMD_INTX_OFF
                                                            : 0;
}

/*
 * The device's INTx-disable brought to cmd_mirror()'s, when MSI or MSI-X
 * goes on or off.  Nothing is written if the device's Command cannot be read.
 */
void xecam_vpci_intx_sync(struct xecam_vpci *dev)
{
    /* Only Command's high byte: the one holding INTx-disable. */
    const struct xecam_vpci_reg *cmd = xecam_vpci_find_reg(dev, 0x04);
    uint32_t bit = PCI_CMD_INTX_OFF >> 8, hw, want;

    if ( !cmd || xecam_port_pci_read(dev->host_sbdf, 0x05, 1, &hw) )
        return;
    want = cmd_mirror(dev, cmd) >> 8;
    if ( (hw & bit) != want )
        xecam_vpci_hw_write(dev, 0x05, 1, (hw & ~bit) | want);
}

/*
 * IO/MEM changes map or unmap the BARs.  INTx-disable reached the device
 * with the write itself (cmd_mirror()).
 */
static void xecam_cf_check cmd_write(struct xecam_vpci *dev,
                                     struct xecam_vpci_reg *reg, uint32_t old,
                                     uint32_t bytes)
{
    uint32_t changed = reg->val ^ old;

    if ( changed & PCI_CMD_MEM )
        xecam_vpci_bars_decode(dev, false, reg->val & PCI_CMD_MEM);
    if ( changed & PCI_CMD_IO )
        xecam_vpci_bars_decode(dev, true, reg->val & PCI_CMD_IO);
}

static uint32_t xecam_cf_check hdr_type_read(struct xecam_vpci *dev,
                                             const struct xecam_vpci_reg *reg,
                                             uint32_t val)
{
    return (val & ~PCI_HDR_MF) | (xecam_read_once(dev->mf) ? PCI_HDR_MF : 0);
}

/*
 * -ENODEV: nothing there; -EOPNOTSUPP: not a type 0 function; a failed
 * device read fails the assignment rather than being emulated as all-ones.
 * An SR-IOV VF's Vendor and Device IDs read 0xffff: the guest sees its
 * PF's Vendor ID and the PF's VF Device ID instead (sriov.c).
 */
int xecam_vpci_header_init(struct xecam_vpci *dev)
{
    struct xecam_vf buf;
    const struct xecam_vf *vf;
    uint32_t vendor, type;
    bool vf_ids;
    int rc;

    rc = xecam_port_pci_read(dev->host_sbdf, 0x00, 2, &vendor) ?:
         xecam_port_pci_read(dev->host_sbdf, 0x0e, 1, &type) ?:
         xecam_vpci_vf_lookup(dev, &buf, &vf);
    if ( rc )
        return rc;
    vf_ids = vendor == 0xffff && vf && vf->ok && (vf->ids & 0xffff) != 0xffff;
    if ( vendor == 0xffff && !vf_ids )
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
    rc = xecam_vpci_add_table(dev, 0, header, 0);
    if ( !rc && vf_ids )
        xecam_vpci_set_reset(dev, 0x00, vf->ids);

    return rc ? rc : xecam_vpci_bars_init(dev, vf);
}
