/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MSI-X capability.  Enable and Function Mask are the guest's; a change
 * binds or unbinds the table's entries as they say (msix_table.c), then
 * tells the host (xecam_port_msix_control), and is refused if the host
 * refuses, if MSI is on (one interrupt type at a time), or if it would
 * enable MSI-X again while enabled (XSA-157/237).  Table size, table and
 * PBA location are the device's, read once and checked against the BARs:
 * a BIR naming no memory BAR, or a table or PBA past the end of its BAR,
 * and the capability is not shown at all.  The pages holding the table and
 * the PBA are never mapped into the guest (bar.c): they are trapped, and
 * the table the guest sees is emulated (msix_table.c).
 */
#include "private.h"

#define MSIX_SIZE(c)    (((c) & 0x7ff) + 1)
#define MSIX_MASKALL    0x4000U
#define MSIX_ENABLE     0x8000U
#define MSIX_BIR(v)     ((v) & 7)
#define MSIX_OFF(v)     ((v) & ~7U)

static xecam_vpci_write_t ctrl_write;

/*
 * The capability (PCI Local Bus 3.0, 6.8.2).  The reset values of all
 * three: what init read and checked.
 */
static const struct xecam_vpci_regdesc msix_regs[] = {
    { .off = 0x02, .size = 2, .emu = ALL, .ro = ~(MSIX_ENABLE | MSIX_MASKALL),
      .hooks.write = ctrl_write, .name = "Message Control" },
    { .off = 0x04, .size = 4, .emu = ALL, .ro = ALL,
      .name = "Table Offset/BIR" },
    { .off = 0x08, .size = 4, .emu = ALL, .ro = ALL,
      .name = "PBA Offset/BIR" },
};

static struct xecam_vpci_reg *ctrl(struct xecam_vpci *dev)
{
    return xecam_vpci_find_reg(dev, dev->msix_off + 2);
}

bool xecam_cap_msix_enabled(struct xecam_vpci *dev)
{
    return dev->msix_off && (ctrl(dev)->val & MSIX_ENABLE);
}

bool xecam_cap_msix_masked(struct xecam_vpci *dev)
{
    return dev->msix_off && (ctrl(dev)->val & MSIX_MASKALL);
}

static void refuse(struct xecam_vpci *dev, struct xecam_vpci_reg *reg,
                   uint32_t old, const char *why)
{
    reg->val = old;
    xecam_count(dev->irq_errors);
    vpci_warn(dev, "MSI-X %s", why);
}

/* The host's answer (hostop.c), under the device lock. */
static void xecam_cf_check control_done(struct xecam_vpci *dev,
                                        const struct xecam_vpci_hostop *op,
                                        int rc)
{
    if ( rc )
    {
        refuse(dev, ctrl(dev), op->old, "change refused by the host");
        dev->msix_on = op->old & MSIX_ENABLE;
        /* The entries follow the control the guest is left with. */
        xecam_vpci_hostop_queue_once(dev, HOSTOP_MSIX_SYNC);
    }
    /* INTx follows the host's answer: untouched by a refused change. */
    xecam_vpci_irq_sync(dev);
}

/*
 * Tell the host the guest's enable and mask-all, once no lock is held:
 * the entries first (bound before the function is enabled, unbound before
 * it is disabled: what they need is read when sent), then the control.
 */
static bool tell_host(struct xecam_vpci *dev, uint32_t c, uint32_t old)
{
    struct xecam_vpci_hostop op = {
        .kind = HOSTOP_MSIX, .on = c & MSIX_ENABLE,
        .maskall = c & MSIX_MASKALL, .old = old, .done = control_done,
    };

    return xecam_vpci_hostop_queue_once(dev, HOSTOP_MSIX_SYNC) &&
           xecam_vpci_hostop_queue(dev, &op);
}

static void xecam_cf_check ctrl_write(struct xecam_vpci *dev,
                                      struct xecam_vpci_reg *reg, uint32_t old,
                                      uint32_t bytes)
{
    bool was = old & MSIX_ENABLE, now = reg->val & MSIX_ENABLE;

    if ( !(bytes & 0xff00) )
        return;                 /* enable and mask-all are in byte 1 */
    if ( was && now && reg->val == old )
        refuse(dev, reg, old, "enabled again while enabled: ignored");
    else if ( !was && now && xecam_cap_msi_enabled(dev) )
        refuse(dev, reg, old, "enable refused: MSI is on");
    else if ( reg->val != old && !tell_host(dev, reg->val, old) )
        refuse(dev, reg, old, "change refused by the host");
    else if ( reg->val != old )
    {
        if ( !was && now )
            xecam_msix_table_retry(dev);
        dev->msix_on = now;
        return;                 /* INTx follows the host's answer */
    }
    xecam_vpci_irq_sync(dev);
}

/*
 * Reset or deassignment: off, whatever the host says; every entry back to
 * masked and unbound (the sync reads the control the reset leaves, off).
 */
void xecam_cap_msix_reset(struct xecam_vpci *dev)
{
    const struct xecam_vpci_hostop off = { .kind = HOSTOP_MSIX };

    xecam_msix_table_reset(dev);
    if ( dev->msix && dev->d )
        xecam_vpci_hostop_queue_once(dev, HOSTOP_MSIX_SYNC);
    if ( dev->msix_on && dev->d )
        xecam_vpci_hostop_queue(dev, &off);
    dev->msix_on = false;
}

/* Does [off, off + len) lie inside memory BAR 'bir'? */
static bool in_bar(const struct xecam_vpci *dev, unsigned int bir,
                   uint64_t off, uint64_t len)
{
    const struct xecam_vpci_bar *b = bir < 6 && dev->bar ? &dev->bar[bir]
                                                         : NULL;

    return b && (b->kind == BAR_MEM32 || b->kind == BAR_MEM64) &&
           off < b->size && len <= b->size - off;
}

int xecam_cf_check xecam_cap_msix_init(struct xecam_vpci *dev,
                                       const struct xecam_cap *cap)
{
    unsigned int off = cap->offset;
    uint32_t c, table, pba;
    int rc;

    if ( off + 12 > XECAM_CFG_LEGACY )
        return -EINVAL;             /* runs past 0x100: the device lies */
    if ( !xecam_vpci_hw_read_ok(dev, off + 2, 2, &c) ||
         !xecam_vpci_hw_read_ok(dev, off + 4, 4, &table) ||
         !xecam_vpci_hw_read_ok(dev, off + 8, 4, &pba) )
        return -EIO;
    if ( !in_bar(dev, MSIX_BIR(table), MSIX_OFF(table),
                 16ULL * MSIX_SIZE(c)) ||
         !in_bar(dev, MSIX_BIR(pba), MSIX_OFF(pba),
                 8ULL * ((MSIX_SIZE(c) + 63) / 64)) )
        return -EINVAL;
    rc = xecam_msix_table_init(dev, c, table, pba);
    if ( rc )
        return rc;
    dev->msix_off = off;

    rc = xecam_vpci_add_table(dev, off, msix_regs, 0);
    if ( rc )
        return rc;
    xecam_vpci_set_reset(dev, off + 2, c & 0x7ff);  /* table size */
    xecam_vpci_set_reset(dev, off + 4, table);
    xecam_vpci_set_reset(dev, off + 8, pba);

    return 0;
}

/*
 * Whatever the policy says of the capability, the pages of a valid table
 * and PBA are never mapped into the guest.  -EIO if the device cannot be
 * read; an invalid table needs no hole (the capability is hidden).
 */
int xecam_cap_msix_holes(struct xecam_vpci *dev, const struct xecam_cap *cap)
{
    uint32_t c, table, pba;

    dev->nr_msix_caps++;
    if ( !xecam_vpci_hw_read_ok(dev, cap->offset + 2, 2, &c) ||
         !xecam_vpci_hw_read_ok(dev, cap->offset + 4, 4, &table) ||
         !xecam_vpci_hw_read_ok(dev, cap->offset + 8, 4, &pba) )
        return -EIO;
    if ( in_bar(dev, MSIX_BIR(table), MSIX_OFF(table), 16ULL * MSIX_SIZE(c)) )
        xecam_vpci_bar_hole(dev, MSIX_BIR(table), MSIX_OFF(table),
                            16ULL * MSIX_SIZE(c));
    if ( in_bar(dev, MSIX_BIR(pba), MSIX_OFF(pba),
                8ULL * ((MSIX_SIZE(c) + 63) / 64)) )
        xecam_vpci_bar_hole(dev, MSIX_BIR(pba), MSIX_OFF(pba),
                            8ULL * ((MSIX_SIZE(c) + 63) / 64));

    return 0;
}
