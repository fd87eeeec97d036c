/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SR-IOV: where a Virtual Function's BARs are, and what it is.
 *
 * A VF's BAR registers read 0, as do its Vendor and Device IDs (the PF's
 * Vendor ID and the capability's VF Device ID stand for them).  Its
 * Physical Function's SR-IOV capability holds the VF BARn registers (type
 * and base of VF 0's BAR n); VF i's BAR n is at base + i * size, where
 * size is one VF's (the host sized the VF BARs:
 * xecam_port_pci_vf_bar_size()).  i comes from the routing IDs: VF i is
 * PF + First VF Offset + i * VF Stride.
 *
 * The PF's capability is hostile: a chain that loops or ends early, no
 * SR-IOV capability or one too near the end of the space, a VF that is not
 * one of the PF's (another segment, First VF Offset 0, a routing ID below
 * the first VF's, not on the stride, at or past NumVFs, only reached by
 * wrapping past bus 255), stride 0 for any VF but the first.  Any of these:
 * the VF gets no BARs and no IDs, and one line says why.  The BARs
 * themselves are checked by bar.c.
 */
#include "private.h"

#define EXT_CAP_SRIOV   0x0010U
#define SRIOV_NUM_VFS   0x10U
#define SRIOV_VF_OFFSET 0x14U
#define SRIOV_VF_STRIDE 0x16U
#define SRIOV_VF_DEVICE 0x1aU

static void vf_log(const struct xecam_vpci *dev, uint32_t pf,
                   const char *why)
{
    xecam_port_log(XECAM_LOG_WARN, "vpci %04x:%02x:%02x.%u: VF of "
                   "%04x:%02x:%02x.%u: %s: no BARs\n",
                   XECAM_SBDF_SEG(dev->host_sbdf),
                   XECAM_SBDF_BUS(dev->host_sbdf),
                   XECAM_SBDF_DEV(dev->host_sbdf),
                   XECAM_SBDF_FN(dev->host_sbdf), XECAM_SBDF_SEG(pf),
                   XECAM_SBDF_BUS(pf), XECAM_SBDF_DEV(pf), XECAM_SBDF_FN(pf),
                   why);
}

/*
 * The PF's SR-IOV capability: its offset, 0 if there is none (or the chain
 * is bad before it), a negative errno if a read failed.  The same rules as
 * chain.c's extended walk: each link visited once, at most one per dword.
 */
static int find_sriov(uint32_t pf)
{
    uint8_t seen[XECAM_CFG_SIZE / 32] = { 0 };
    unsigned int ptr = 0x100;
    uint32_t hdr;
    uint8_t bit;

    while ( ptr >= 0x100 )
    {
        bit = 1U << ((ptr / 4) % 8);
        if ( seen[ptr / 32] & bit )
            return 0;                           /* a loop */
        seen[ptr / 32] |= bit;
        if ( xecam_port_pci_read(pf, ptr, 4, &hdr) )
            return -EIO;
        if ( !hdr || hdr == ~0U )
            return 0;
        if ( (hdr & 0xffff) == EXT_CAP_SRIOV )
            return ptr;
        ptr = (hdr >> 20) & ~3U;
    }

    return 0;
}

static int vf_find(const struct xecam_vpci *dev, uint32_t pf,
                   struct xecam_vf *vf)
{
    uint32_t num, offset, stride, first, rid, diff, vendor, device;
    int pos;

    vf->pf = pf;
    vf->ok = false;
    if ( XECAM_SBDF_SEG(pf) != XECAM_SBDF_SEG(dev->host_sbdf) )
    {
        vf_log(dev, pf, "PF in another segment");
        return 0;
    }
    pos = find_sriov(pf);
    if ( pos < 0 )
        return pos;
    if ( !pos )
    {
        vf_log(dev, pf, "PF has no SR-IOV capability");
        return 0;
    }
    if ( xecam_port_pci_read(pf, pos + SRIOV_NUM_VFS, 2, &num) ||
         xecam_port_pci_read(pf, pos + SRIOV_VF_OFFSET, 2, &offset) ||
         xecam_port_pci_read(pf, pos + SRIOV_VF_STRIDE, 2, &stride) )
        return -EIO;

    /* Routing IDs as 32-bit numbers: past bus 255 is not a wrap to 0. */
    first = (pf & 0xffffU) + offset;
    rid = dev->host_sbdf & 0xffffU;
    if ( !offset || rid < first )
    {
        vf_log(dev, pf, "routing ID below the PF's first VF");
        return 0;
    }
    diff = rid - first;
    if ( !stride ? diff : diff % stride )
    {
        vf_log(dev, pf, "routing ID not on the PF's VF stride");
        return 0;
    }
    vf->index = stride ? diff / stride : 0;
    if ( vf->index >= num )
    {
        vf_log(dev, pf, "VF index at or past the PF's NumVFs");
        return 0;
    }
    if ( pos > (int)XECAM_CFG_SIZE - 0x40 )
    {
        vf_log(dev, pf, "PF's SR-IOV capability past the config space");
        return 0;
    }
    if ( xecam_port_pci_read(pf, 0x00, 2, &vendor) ||
         xecam_port_pci_read(pf, pos + SRIOV_VF_DEVICE, 2, &device) )
        return -EIO;
    vf->ids = vendor | (device << 16);
    vf->pos = pos;
    vf->ok = true;

    return 0;
}

int xecam_vpci_vf_lookup(const struct xecam_vpci *dev, struct xecam_vf *buf,
                         const struct xecam_vf **vf)
{
    uint32_t pf;
    int rc = xecam_port_pci_physfn(dev->host_sbdf, &pf);

    *vf = NULL;
    if ( rc == -ENODEV )
        return 0;
    if ( !rc )
        rc = vf_find(dev, pf, buf);
    if ( !rc )
        *vf = buf;

    return rc;
}
