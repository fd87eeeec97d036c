/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Legacy PCI configuration mechanism #1: CONFIG_ADDRESS (0xcf8) and
 * CONFIG_DATA (0xcfc-0xcff), segment 0, 256 bytes per function.
 *
 * - Only a 4-byte access to 0xcf8 is ours; narrower ones (0xcf9 is the
 *   chipset's reset control register) are left to other handlers.
 * - CONFIG_ADDRESS keeps the enable bit, bus, device, function and dword
 *   register; reserved bits read as zero.  With XECAM_DOMF_CF8_EXT, bits
 *   27:24 are kept too and supply register bits 11:8, as AMD family 10h-16h
 *   northbridges do with NB_CFG EnableCf8ExtCfg.
 * - CONFIG_DATA with the enable bit clear reads all-ones and drops writes,
 *   as no configuration cycle is generated.
 */
#include "private.h"

#define CF8_ENABLE   0x80000000U
#define CF8_KEEP     0x80fffffcU   /* enable, bus, dev, fn, dword register */
#define CF8_EXT_REG  0x0f000000U   /* register bits 11:8 (AMD) */

uint32_t xecam_cf8_mask(const struct xecam_domain *d)
{
    return CF8_KEEP | (d->flags & XECAM_DOMF_CF8_EXT ? CF8_EXT_REG : 0);
}

/*
 * The common access, to a vPCI function the guest sees, whole under one
 * read lock as an ECAM one is (mmcfg.c), and the host work it leaves done
 * once the lock is off.  False, with nothing done, for anything else.
 */
static xecam_always_inline bool cfc_vpci(struct xecam_domain *d,
                                         unsigned int vcpu, uint32_t sbdf,
                                         unsigned int reg, unsigned int size,
                                         bool write, uint32_t *val)
{
    struct xecam_vpci *work = NULL;
    bool done;

    xecam_port_read_lock(d->lock);
    done = xecam_dispatch_vpci(d, xecam_route_bus(d, sbdf),
                               XECAM_SBDF_DEVFN(sbdf), reg, size, write, val,
                               &work);
    xecam_port_read_unlock(d->lock);
    if ( work )
        xecam_work_after(d, vcpu, work);

    return done;
}

static int cfc_access(struct xecam_domain *d, unsigned int vcpu, uint32_t cf8,
                      unsigned int port, unsigned int size, bool write,
                      uint32_t *val)
{
    unsigned int reg = (cf8 & 0xfc) | (port & 3) | ((cf8 >> 16) & 0xf00);
    uint32_t sbdf = XECAM_SBDF(0, cf8 >> 16, cf8 >> 11, cf8 >> 8);

    if ( !(cf8 & CF8_ENABLE) )
        return XECAM_IO_OKAY;
    if ( !xecam_cfg_access_ok(reg, size) )
    {
        xecam_bad_access(d, "CFC", port, size);
        return XECAM_IO_OKAY;
    }

    if ( write )
        *val &= xecam_ones(size);
    if ( cfc_vpci(d, vcpu, sbdf, reg, size, write, val) )
        return XECAM_IO_OKAY;

    return xecam_dispatch(d, vcpu, sbdf, reg, size, write, val);
}

int xecam_pio_read(struct xecam_domain *d, unsigned int vcpu,
                   unsigned int port, unsigned int size, uint32_t *val)
{
    uint32_t v = xecam_ones(size);
    int rc = XECAM_IO_OKAY;

    xecam_drain(d, vcpu);
    if ( port == XECAM_PCI_CF8 && size == 4 )
        v = xecam_read_once(d->cf8);
    else if ( xecam_pio_accept(port, size) )
        rc = cfc_access(d, vcpu, xecam_read_once(d->cf8), port, size, false,
                        &v);
    if ( rc == XECAM_IO_OKAY )
        *val = v;

    return rc;
}

int xecam_pio_write(struct xecam_domain *d, unsigned int vcpu,
                    unsigned int port, unsigned int size, uint32_t val)
{
    xecam_drain(d, vcpu);
    if ( port == XECAM_PCI_CF8 && size == 4 )
        xecam_write_once(d->cf8, val & xecam_cf8_mask(d));
    else if ( xecam_pio_accept(port, size) )
        return cfc_access(d, vcpu, xecam_read_once(d->cf8), port, size, true,
                          &val);

    return XECAM_IO_OKAY;
}

uint32_t xecam_cf8_latch(const struct xecam_domain *d, uint32_t val)
{
    return val & xecam_cf8_mask(d);
}

int xecam_cfc_read(struct xecam_domain *d, unsigned int vcpu, uint32_t cf8,
                   unsigned int port, unsigned int size, uint32_t *val)
{
    uint32_t v = xecam_ones(size);
    int rc = XECAM_IO_OKAY;

    xecam_drain(d, vcpu);
    if ( port >= XECAM_PCI_CFC && xecam_pio_accept(port, size) )
        rc = cfc_access(d, vcpu, cf8 & xecam_cf8_mask(d), port, size, false,
                        &v);
    if ( rc == XECAM_IO_OKAY )
        *val = v;

    return rc;
}

int xecam_cfc_write(struct xecam_domain *d, unsigned int vcpu, uint32_t cf8,
                    unsigned int port, unsigned int size, uint32_t val)
{
    xecam_drain(d, vcpu);
    if ( port < XECAM_PCI_CFC || !xecam_pio_accept(port, size) )
        return XECAM_IO_OKAY;

    return cfc_access(d, vcpu, cf8 & xecam_cf8_mask(d), port, size, true,
                      &val);
}
