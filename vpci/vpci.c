/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vPCI devices: lifetime, locking, and the device's own config space.
 *
 * Bytes no register claims follow the rule for unclaimed bytes: reads come
 * from the host device, writes are refused (dropped and counted) so nothing
 * a guest writes there reaches hardware.
 */
#include "private.h"

int xecam_vpci_create(uint32_t host_sbdf, struct xecam_vpci **out)
{
    struct xecam_vpci *dev = xecam_port_zalloc(sizeof(*dev));
    int rc;

    if ( !dev )
        return -ENOMEM;
    rc = xecam_port_mutex_create(&dev->lock);
    if ( rc )
    {
        xecam_port_free(dev);
        return rc;
    }
    dev->host_sbdf = host_sbdf;
    dev->refs = 1;
    dev->map[0] = dev->map0;
    dev->chunk[0] = dev->chunk0;
    *out = dev;

    return 0;
}

static bool opts_ok(const struct xecam_assign_opts *o)
{
    unsigned int i;

    if ( o->flags & ~XECAM_ASSIGN_MASK )
        return false;
    for ( i = 0; i < o->nr_overrides; i++ )
        if ( o->overrides[i].action > XECAM_CAP_EMULATE ||
             (!o->overrides[i].ext && o->overrides[i].id > 0xff) )
            return false;

    return true;
}

int xecam_vpci_assign_opts(struct xecam_domain *d, uint32_t guest_sbdf,
                           uint32_t host_sbdf,
                           const struct xecam_assign_opts *opts,
                           struct xecam_vpci **out)
{
    struct xecam_vpci *dev;
    int rc;

    if ( !opts_ok(opts) )
        return -EINVAL;
    rc = xecam_vpci_create(host_sbdf, &dev);
    if ( rc )
        return rc;
    dev->d = d;
    dev->guest_sbdf = guest_sbdf;
    dev->flags = opts->flags;
    rc = xecam_vpci_header_init(dev) ?: xecam_vpci_caps_init(dev, opts);
    if ( rc )
    {
        xecam_vpci_destroy(dev);
        return rc;
    }
    *out = dev;

    return 0;
}

int xecam_vpci_assign(struct xecam_domain *d, uint32_t guest_sbdf,
                      uint32_t host_sbdf, unsigned int flags,
                      struct xecam_vpci **out)
{
    struct xecam_assign_opts o = { .flags = flags };

    return xecam_vpci_assign_opts(d, guest_sbdf, host_sbdf, &o, out);
}

unsigned long xecam_vpci_irq_errors(const struct xecam_vpci *dev)
{
    return xecam_read_once(dev->irq_errors);
}

/* Clear 'bits' in the 2-byte register at 'reg' if any is set. */
static void clear_bits(struct xecam_vpci *dev, unsigned int reg,
                       uint32_t bits)
{
    uint32_t v;

    if ( reg && !xecam_port_pci_read(dev->host_sbdf, reg, 2, &v) &&
         (v & bits) )
        xecam_vpci_hw_write(dev, reg, 2, v & ~bits);
}

/* Give a register back its value, writing only if it changed. */
static void restore(struct xecam_vpci *dev, unsigned int reg,
                    unsigned int size, uint32_t val)
{
    uint32_t cur;

    if ( xecam_port_pci_read(dev->host_sbdf, reg, size, &cur) || cur != val )
        xecam_vpci_hw_write(dev, reg, size, val);
}

/*
 * Called by xecam_vpci_quiesce() (work.c) once every BAR is unmapped:
 * interrupts unbound, the device back in D0, its Command and cache line size
 * as the host left them but never mastering, and interrupts the guest
 * enabled directly (interrupt control) off.
 */
void xecam_vpci_reset_device(struct xecam_vpci *dev)
{
    xecam_cap_msi_reset(dev);
    xecam_cap_msix_reset(dev);
    if ( !dev->nr_regs || !dev->was_routed || dev->emulated )
        return;
    clear_bits(dev, dev->irq_msi_off ? dev->irq_msi_off + 2 : 0, 0x0001);
    clear_bits(dev, dev->irq_msix_off ? dev->irq_msix_off + 2 : 0, 0xc000);
    if ( dev->pm_off &&
         (xecam_vpci_find_reg(dev, dev->pm_off + 4)->val & 3) )
    {
        const struct xecam_vpci_hostop d0 = { .kind = HOSTOP_POWER };

        xecam_vpci_hostop_queue(dev, &d0);  /* back in D0, later */
    }
    restore(dev, 0x0c, 1, dev->cacheline0);
    restore(dev, 0x04, 2, dev->cmd0 & ~PCI_CMD_MASTER);
}

/*
 * Quiesce, not preemptibly, waiting out a vCPU that is doing the device's
 * work, and drop the creator's reference.
 */
void xecam_vpci_destroy(struct xecam_vpci *dev)
{
    if ( !dev )
        return;
    while ( xecam_vpci_quiesce(dev, false) )
        xecam_cpu_relax();
    xecam_vpci_put(dev);
}

/*
 * A failed device read reads all-ones, as a vanished device would.  An
 * emulated device has nothing behind it: 0, and writes go nowhere.
 */
uint32_t xecam_vpci_hw_read(struct xecam_vpci *dev, unsigned int reg,
                            unsigned int size)
{
    uint32_t v;

    if ( dev->emulated )
        return 0;
    if ( xecam_port_pci_read(dev->host_sbdf, reg, size, &v) )
        v = xecam_ones(size);

    return v & xecam_ones(size);
}

void xecam_vpci_hw_write(struct xecam_vpci *dev, unsigned int reg,
                         unsigned int size, uint32_t val)
{
    if ( !dev->emulated )
        xecam_port_pci_write(dev->host_sbdf, reg, size,
                             val & xecam_ones(size));
}

uint32_t xecam_vpci_host_of(const struct xecam_vpci *dev)
{
    return dev->emulated ? XECAM_NO_HOST : dev->host_sbdf;
}

unsigned long xecam_vpci_refused(const struct xecam_vpci *dev)
{
    return xecam_read_once(dev->refused);
}

unsigned long xecam_vpci_bar_writes_ignored(const struct xecam_vpci *dev)
{
    return xecam_read_once(dev->bar_writes_ignored);
}

bool xecam_vpci_visible(const struct xecam_vpci *dev)
{
    return !(dev->flags & XECAM_ASSIGN_HIDDEN);
}

bool xecam_vpci_take(struct xecam_vpci *dev)
{
    if ( xecam_xchg(dev->routed, true) )
        return false;
    dev->was_routed = true;

    return true;
}

void xecam_vpci_release(struct xecam_vpci *dev)
{
    xecam_write_once(dev->routed, false);
}

void xecam_vpci_set_mf(struct xecam_vpci *dev, bool mf)
{
    xecam_write_once(dev->mf, mf);
}
