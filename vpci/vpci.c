/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vPCI device entry points.
 *
 * Until per-register emulation is in place, a device follows the rule for
 * bytes no register claims: reads come from the host device, writes are
 * refused (dropped and counted) so nothing a guest writes reaches hardware.
 */
#include <xecam/port.h>
#include <xecam/pci.h>
#include <xecam/vpci.h>

struct xecam_vpci {
    uint32_t host_sbdf;
    struct xecam_lock *lock;
    unsigned long refused;
};

int xecam_vpci_create(uint32_t host_sbdf, struct xecam_vpci **out)
{
    struct xecam_vpci *dev = xecam_port_zalloc(sizeof(*dev));
    int rc;

    if ( !dev )
        return -ENOMEM;
    rc = xecam_port_lock_create(&dev->lock);
    if ( rc )
    {
        xecam_port_free(dev);
        return rc;
    }
    dev->host_sbdf = host_sbdf;
    *out = dev;

    return 0;
}

void xecam_vpci_destroy(struct xecam_vpci *dev)
{
    if ( !dev )
        return;
    xecam_port_lock_destroy(dev->lock);
    xecam_port_free(dev);
}

void xecam_vpci_read(struct xecam_vpci *dev, unsigned int reg,
                     unsigned int size, uint32_t *val)
{
    xecam_port_write_lock(dev->lock);
    if ( xecam_port_pci_read(dev->host_sbdf, reg, size, val) )
        *val = xecam_ones(size);
    xecam_port_write_unlock(dev->lock);
}

void xecam_vpci_write(struct xecam_vpci *dev, unsigned int reg,
                      unsigned int size, uint32_t val)
{
    (void)reg;
    (void)size;
    (void)val;
    xecam_count(dev->refused);
}

unsigned long xecam_vpci_refused(const struct xecam_vpci *dev)
{
    return xecam_read_once(dev->refused);
}
