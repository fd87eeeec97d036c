/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Walking a device's capability chains.  The device's config space is
 * hostile: pointers into the header or past the space, misaligned
 * pointers, cycles, endless chains, ID 0 or all-ones entries.  Each walk
 * follows at most as many links as the space can hold distinct entries,
 * never visits an offset twice, and stops at the first bad link: what came
 * before is kept, what follows is not seen.  A failed read of the device is
 * not a bad link but a failure of the host: -EIO.
 *
 * - Standard chain: from the pointer at 0x34 (if Status.CAP_LIST), links at
 *   0x40-0xfc, dword aligned (bits 1:0 of a pointer are reserved and
 *   masked, as the PCI specification says).  ID 0xff ends it (a failed
 *   read); ID 0 is a null capability: walked over, never exposed.
 * - Extended chain: from 0x100, links at 0x100-0xffc (bits 1:0 of a
 *   pointer are reserved and masked, as the PCIe specification says); a
 *   header of 0 or all-ones means no extended capabilities.
 */
#include "private.h"

static int rd(struct xecam_vpci *dev, unsigned int reg, unsigned int size,
              uint32_t *v)
{
    return xecam_port_pci_read(dev->host_sbdf, reg, size, v) ? -EIO : 0;
}

static bool visit(uint8_t *seen, unsigned int ptr)
{
    uint8_t bit = 1U << ((ptr / 4) % 8);

    if ( seen[ptr / 32] & bit )
        return false;
    seen[ptr / 32] |= bit;

    return true;
}

int xecam_vpci_walk_std(struct xecam_vpci *dev, struct xecam_cap *out,
                        unsigned int max)
{
    uint8_t seen[256 / 32] = { 0 };
    uint32_t status, ptr, hdr;
    unsigned int n = 0;
    int rc = rd(dev, 0x06, 2, &status) ?: rd(dev, 0x34, 1, &ptr);

    if ( rc || !(status & PCI_STATUS_CAP_LIST) )
        return rc;
    for ( ptr &= 0xfc; ptr >= 0x40 && n < max && visit(seen, ptr);
          ptr = (hdr >> 8) & 0xfc )
    {
        rc = rd(dev, ptr, 2, &hdr);
        if ( rc )
            return rc;
        if ( (hdr & 0xff) == 0xff )
            break;
        out[n].offset = ptr;
        out[n].id = hdr & 0xff;
        out[n].ext = false;
        out[n++].version = 0;
    }

    return n;
}

int xecam_vpci_walk_ext(struct xecam_vpci *dev, struct xecam_cap *out,
                        unsigned int max)
{
    uint8_t seen[XECAM_CFG_SIZE / 32] = { 0 };
    unsigned int n = 0, ptr;
    uint32_t hdr;
    int rc;

    for ( ptr = 0x100; ptr >= 0x100 && n < max && visit(seen, ptr);
          ptr = (hdr >> 20) & ~3U )
    {
        rc = rd(dev, ptr, 4, &hdr);
        if ( rc )
            return rc;
        if ( !hdr || hdr == ~0U )
            break;
        out[n].offset = ptr;
        out[n].id = hdr & 0xffff;
        out[n].ext = true;
        out[n++].version = (hdr >> 16) & 0xf;
    }

    return n;
}
