/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Capabilities whose registers say how long they are: the len_of hooks of
 * the policy table.  Each reads the fields that size its capability's
 * variable part and gives its whole length, the part the policy row calls
 * fixed included.  The device is hostile: every value of a field gives a
 * bounded length, and the caller still stops it at the next capability and
 * at the end of the region.  A field past the end of its region reads 0; a
 * failed read of the device is -EIO.
 *
 * Layouts: PCI Express Base Specification, chapter 7 (Linux's
 * include/uapi/linux/pci_regs.h names the same fields).
 */
#include "private.h"

/* Standard: Vendor Specific, length in byte 2. */
#define VNDR_LEN            0x02
/* Extended Vendor Specific / DVSEC: header 2, length in bits 31:20. */
#define VSEC_HDR            0x04
#define VSEC_LEN_SHIFT      20
/* ACS: with P2P Egress Control, a vector of N bits (0: 256) at 8. */
#define ACS_CAP             0x04
#define ACS_CAP_EC          0x0020U
#define ACS_CAP_EC_BITS(v)  (((v) >> 8) & 0xffU)
#define ACS_EGRESS_VECTOR   0x08U

/* 'size' bytes at 'reg' of the structure at 'off' of its region. */
static int field(struct xecam_vpci *dev, unsigned int off, bool ext,
                 unsigned int reg, unsigned int size, uint32_t *v)
{
    unsigned int limit = ext ? XECAM_CFG_SIZE : XECAM_CFG_LEGACY;

    *v = 0;
    if ( off + reg + size > limit )
        return 0;

    return xecam_vpci_hw_read_ok(dev, off + reg, size, v) ? 0 : -EIO;
}

static int cap_field(struct xecam_vpci *dev, const struct xecam_cap *cap,
                     unsigned int reg, unsigned int size, uint32_t *v)
{
    return field(dev, cap->offset, cap->ext, reg, size, v);
}

int xecam_cf_check xecam_cap_len_vndr(struct xecam_vpci *dev,
                                      const struct xecam_cap *cap,
                                      unsigned int *len)
{
    uint32_t v;
    int rc = cap_field(dev, cap, VNDR_LEN, 1, &v);

    *len = v;

    return rc;
}

int xecam_cf_check xecam_cap_len_vsec(struct xecam_vpci *dev,
                                      const struct xecam_cap *cap,
                                      unsigned int *len)
{
    uint32_t v;
    int rc = cap_field(dev, cap, VSEC_HDR, 4, &v);

    *len = v >> VSEC_LEN_SHIFT;

    return rc;
}

int xecam_cf_check xecam_cap_len_acs(struct xecam_vpci *dev,
                                     const struct xecam_cap *cap,
                                     unsigned int *len)
{
    uint32_t v;
    unsigned int bits;
    int rc = cap_field(dev, cap, ACS_CAP, 2, &v);

    bits = ACS_CAP_EC_BITS(v) ?: 256;
    if ( v & ACS_CAP_EC )
        *len = ACS_EGRESS_VECTOR + 4 * ((bits + 31) / 32);

    return rc;
}
