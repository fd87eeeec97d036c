/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MSI capability: address, data and mask are fully virtual (XSA-128/129);
 * the device's own MSI registers are only ever programmed by the host when
 * it binds the interrupt.  The layout (64-bit, per-vector masking, vectors
 * capable) is read once from the device and checked (XSA-337); nothing read
 * back from the device later is acted on.
 *
 * - Control: ENABLE and Multiple Message Enable are the guest's.  Turning
 *   ENABLE on binds through the host (xecam_port_msi_bind, a request the
 *   device's deferred work sends with no lock held: hostop.c) with 2^MME
 *   vectors, MME clamped to what the device can; if the host refuses, or
 *   MSI-X is on (one interrupt type at a time), ENABLE stays off.  Writing
 *   ENABLE while it is on does not bind again (XSA-157/237): counted, and
 *   MME cannot change then.  Turning it off unbinds.
 * - Address/data written while enabled rebind with the new values; a
 *   failed rebind keeps the old binding, and unbinding always undoes
 *   exactly what was bound.
 * - Mask bits: the guest's; the host masks the bound vectors the guest
 *   masks (a request sent with no lock held, reading the bits as they are
 *   then).  Pending bits read from the device.
 */
#include "private.h"

#define MSI_ENABLE      0x0001U
#define MSI_MMC(c)      (((c) >> 1) & 7)
#define MSI_MME(c)      (((c) >> 4) & 7)
#define MSI_MME_MASK    0x0070U
#define MSI_64BIT       0x0080U
#define MSI_MASKABLE    0x0100U
#define MSI_MMC_MASK    0x000eU

static xecam_vpci_write_t ctrl_write, addr_data_write, mask_write;

/* Layouts: a 32- or a 64-bit message address, per-vector masking or not. */
#define A32     0x1
#define A64     0x2
#define PVM     0x4

/*
 * The capability (PCI Local Bus 3.0, 6.8.1).  Message Control resets to
 * what init read and checked (layout, vectors capable); Mask Bits of
 * vectors the device does not have are read-only, set by init too.
 */
static const struct xecam_vpci_regdesc msi_regs[] = {
    { .off = 0x02, .size = 2, .emu = ALL, .ro = ~(MSI_ENABLE | MSI_MME_MASK),
      .hooks.write = ctrl_write, .name = "Message Control" },
    { .off = 0x04, .size = 4, .emu = ALL, .ro = 0x3,
      .hooks.write = addr_data_write, .name = "Message Address" },
    { .off = 0x08, .size = 4, .need = A64, .emu = ALL,
      .hooks.write = addr_data_write, .name = "Message Upper Address" },
    { .off = 0x08, .size = 2, .need = A32, .emu = ALL,
      .hooks.write = addr_data_write, .name = "Message Data" },
    { .off = 0x0c, .size = 2, .need = A64, .emu = ALL,
      .hooks.write = addr_data_write, .name = "Message Data" },
    { .off = 0x0c, .size = 4, .need = A32 | PVM, .emu = ALL,
      .hooks.write = mask_write, .name = "Mask Bits" },
    { .off = 0x10, .size = 4, .need = A32 | PVM, .ro = ALL,
      .name = "Pending Bits" },
    { .off = 0x10, .size = 4, .need = A64 | PVM, .emu = ALL,
      .hooks.write = mask_write, .name = "Mask Bits" },
    { .off = 0x14, .size = 4, .need = A64 | PVM, .ro = ALL,
      .name = "Pending Bits" },
};

static struct xecam_vpci_reg *ctrl(struct xecam_vpci *dev)
{
    return xecam_vpci_find_reg(dev, dev->msi_off + 2);
}

bool xecam_cap_msi_enabled(struct xecam_vpci *dev)
{
    return dev->msi_off && (ctrl(dev)->val & MSI_ENABLE);
}

static uint64_t msi_addr(struct xecam_vpci *dev, bool is64)
{
    uint64_t a = xecam_vpci_find_reg(dev, dev->msi_off + 4)->val;

    if ( is64 )
        a |= (uint64_t)xecam_vpci_find_reg(dev, dev->msi_off + 8)->val << 32;

    return a;
}

/* The guest's Mask Bits (0 without per-vector masking). */
static uint32_t msi_masks(struct xecam_vpci *dev)
{
    uint32_t c = ctrl(dev)->val;

    if ( !(c & MSI_MASKABLE) )
        return 0;

    return xecam_vpci_find_reg(dev, dev->msi_off +
                                    (c & MSI_64BIT ? 0x10 : 0x0c))->val;
}

static void refuse(struct xecam_vpci *dev, const char *why)
{
    xecam_count(dev->irq_errors);
    vpci_warn(dev, "MSI %s", why);
}

/*
 * The host's answer to a bind (hostop.c), under the device lock: on success
 * it remembers exactly what it bound; a refused enable turns ENABLE back
 * off, a refused rebind keeps the old binding.
 */
static void xecam_cf_check bind_done(struct xecam_vpci *dev,
                                     const struct xecam_vpci_hostop *op,
                                     int rc)
{
    if ( !rc )
    {
        dev->msi_host = true;
        dev->msi_addr = op->addr;
        dev->msi_data = op->data;
        dev->msi_vectors = op->count;
        dev->msi_pirq = op->pirq;
        if ( !op->rebind )
            dev->msi_hmask = op->masks;
    }
    else if ( op->rebind )
        refuse(dev, "rebind with new address/data failed");
    else
    {
        ctrl(dev)->val &= ~MSI_ENABLE;
        dev->msi_bound = false;
        refuse(dev, "enable refused: the host could not bind it");
    }
    /* INTx follows the host's answer: not forced off for a refusal. */
    if ( !op->rebind )
        xecam_vpci_irq_sync(dev);
}

/*
 * Ask the host to bind what the registers say now (done later, with no
 * lock held), or to unbind exactly what it has bound.  False: the request
 * could not even be queued.
 */
static bool msi_bind(struct xecam_vpci *dev, bool bind, bool rebind)
{
    uint32_t c = ctrl(dev)->val;
    bool is64 = c & MSI_64BIT;
    struct xecam_vpci_hostop op = {
        .kind = HOSTOP_MSI, .on = bind, .rebind = rebind,
        .addr = msi_addr(dev, is64),
        .data = xecam_vpci_find_reg(dev, dev->msi_off + (is64 ? 12 : 8))->val,
        .count = 1U << MSI_MME(c), .masks = msi_masks(dev),
        .done = bind ? bind_done : NULL,
    };

    return xecam_vpci_hostop_queue(dev, &op);
}

static void xecam_cf_check ctrl_write(struct xecam_vpci *dev,
                                      struct xecam_vpci_reg *reg, uint32_t old,
                                      uint32_t bytes)
{
    bool was = old & MSI_ENABLE, now = reg->val & MSI_ENABLE;

    if ( MSI_MME(reg->val) > MSI_MMC(reg->val) )
        reg->val = (reg->val & ~MSI_MME_MASK) | (MSI_MMC(reg->val) << 4);
    if ( was )
    {
        if ( now )
        {
            reg->val = old;     /* no second bind, no MME change */
            if ( bytes & 0xff )
                refuse(dev, "enabled again while enabled: ignored");
            return;
        }
        msi_bind(dev, false, false);    /* exactly what was bound */
        dev->msi_bound = false;
    }
    else if ( now && xecam_cap_msix_enabled(dev) )
    {
        reg->val &= ~MSI_ENABLE;
        refuse(dev, "enable refused: MSI-X is on");
    }
    else if ( now && !msi_bind(dev, true, false) )
    {
        reg->val &= ~MSI_ENABLE;
        refuse(dev, "enable refused: the host could not bind it");
    }
    else if ( now )
    {
        dev->msi_bound = true;
        return;                 /* INTx follows the host's answer */
    }
    xecam_vpci_irq_sync(dev);
}

static void xecam_cf_check addr_data_write(struct xecam_vpci *dev,
                                           struct xecam_vpci_reg *reg,
                                           uint32_t old, uint32_t bytes)
{
    if ( dev->msi_bound && reg->val != old && !msi_bind(dev, true, true) )
        refuse(dev, "rebind with new address/data failed");
}

static void xecam_cf_check mask_write(struct xecam_vpci *dev,
                                      struct xecam_vpci_reg *reg,
                                      uint32_t old, uint32_t bytes)
{
    if ( dev->msi_bound && reg->val != old &&
         !xecam_vpci_hostop_queue_once(dev, HOSTOP_MSI_MASK) )
        refuse(dev, "mask change not made: the host queue is full");
}

/*
 * The host masks exactly the bound vectors the guest masks now.  No lock
 * held; a refused change is counted and tried at the next change.
 */
int xecam_cap_msi_mask_sync(struct xecam_vpci *dev)
{
    unsigned int i, n;
    uint32_t want, have;
    int pirq, rc;

    for ( i = 0; ; i++ )
    {
        xecam_vpci_lock(dev);
        n = dev->msi_host ? dev->msi_vectors : 0;
        want = msi_masks(dev);
        have = dev->msi_hmask;
        pirq = dev->msi_pirq;
        while ( i < n && !((want ^ have) & (1U << i)) )
            i++;
        xecam_vpci_unlock(dev);
        if ( i >= n )
            return 0;

        rc = xecam_port_irq_mask(dev->d, pirq + i, want & (1U << i));

        xecam_vpci_lock(dev);
        if ( rc )
            xecam_count(dev->irq_errors);
        else if ( dev->msi_host && dev->msi_pirq == pirq )
            dev->msi_hmask = (dev->msi_hmask & ~(1U << i)) |
                             (want & (1U << i));
        xecam_vpci_unlock(dev);
    }
}

void xecam_cap_msi_reset(struct xecam_vpci *dev)
{
    if ( dev->msi_bound || dev->msi_host )
        msi_bind(dev, false, false);
    dev->msi_bound = false;
}

/* Mask Bits of vectors the device does not have: read-only (RsvdP). */
static uint32_t absent_vectors(uint32_t c)
{
    return MSI_MMC(c) == 5 ? 0 : ~0U << (1U << MSI_MMC(c));
}

int xecam_cf_check xecam_cap_msi_init(struct xecam_vpci *dev,
                                      const struct xecam_cap *cap)
{
    unsigned int off = cap->offset, data;
    uint32_t c;
    bool is64, pvm;
    int rc;

    if ( !xecam_vpci_hw_read_ok(dev, off + 2, 2, &c) )
        return -EIO;
    if ( MSI_MMC(c) > 5 )
        return -EINVAL;             /* more than 32 vectors: the device lies */
    is64 = c & MSI_64BIT;
    pvm = c & MSI_MASKABLE;
    data = off + (is64 ? 12 : 8);
    if ( data + (pvm ? 12 : 2) > XECAM_CFG_LEGACY )
        return -EINVAL;             /* runs past 0x100: the device lies */
    dev->msi_off = off;

    rc = xecam_vpci_add_table(dev, off, msi_regs,
                              (is64 ? A64 : A32) | (pvm ? PVM : 0));
    if ( rc )
        return rc;
    xecam_vpci_set_reset(dev, off + 2,
                         c & (MSI_64BIT | MSI_MASKABLE | MSI_MMC_MASK));
    if ( pvm )
        xecam_vpci_set_ro(dev, data + 4, absent_vectors(c));

    return 0;
}
