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
/* SATA: register location 0xf: the index/data pair follows, at 8. */
#define SATA_REGS           0x04
#define SATA_REGS_MASK      0x0fU
#define SATA_REGS_INLINE    0x0fU
#define SATA_LEN_INLINE     0x10U
/* AER: the TLP Prefix Log at 0x38, 4 dwords; 10 in Flit Mode. */
#define AER_CAP_CTL         0x18
#define AER_PREFIX_LOG_PRESENT 0x00000800U
#define AER_PREFIX_LOG      0x38U
#define AER_PREFIX_DWORDS   4U
#define AER_FLIT_DWORDS     10U
/* Root Complex Link Declaration: link entries of 16 bytes from 0x10. */
#define RCLD_ESD            0x04
#define RCLD_ESD_LINKS(v)   (((v) >> 8) & 0xffU)
#define RCLD_LINK1          0x10U
#define RCLD_LINK_SIZE      0x10U
/* ACS: with P2P Egress Control, a vector of N bits (0: 256) at 8. */
#define ACS_CAP             0x04
#define ACS_CAP_EC          0x0020U
#define ACS_CAP_EC_BITS(v)  (((v) >> 8) & 0xffU)
#define ACS_EGRESS_VECTOR   0x08U
/* Secondary PCI Express: a 16-bit Lane Equalization Control per lane. */
#define SECPCIE_LANE_EQ     0x0cU
#define SECPCIE_LANE_EQ_SIZE 2U
/* DPC: with RP Extensions, an RP PIO log of N dwords at 0x20. */
#define DPC_CAP             0x04
#define DPC_CAP_RP_EXT      0x0020U
#define DPC_CAP_LOG_SIZE(v) (((v) >> 8) & 0x0fU)
#define DPC_CAP_LOG_SIZE4(v) (((v) >> 13) & 0x01U)      /* Flit Mode */
#define DPC_RP_PIO_LOG      0x20U
/* In the PCI Express capability. */
#define PCIE_FLAGS          0x02
#define PCIE_FLAGS_FLIT     0x8000U                     /* Flit Mode */
#define PCIE_LNKCAP         0x0c
#define PCIE_LNKCAP_MLW(v)  (((v) >> 4) & 0x3fU)        /* lanes */

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

/* A field of the device's PCI Express capability; 0 without one. */
static int pcie_field(struct xecam_vpci *dev, unsigned int reg,
                      unsigned int size, uint32_t *v)
{
    *v = 0;

    return dev->pcie_cap ? field(dev, dev->pcie_cap, false, reg, size, v)
                         : 0;
}

/* Whether the function supports Flit Mode: its logs are longer then. */
static int flit_mode(struct xecam_vpci *dev, bool *flit)
{
    uint32_t v;
    int rc = pcie_field(dev, PCIE_FLAGS, 2, &v);

    *flit = v & PCIE_FLAGS_FLIT;

    return rc;
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

int xecam_cf_check xecam_cap_len_sata(struct xecam_vpci *dev,
                                      const struct xecam_cap *cap,
                                      unsigned int *len)
{
    uint32_t v;
    int rc = cap_field(dev, cap, SATA_REGS, 1, &v);

    if ( (v & SATA_REGS_MASK) == SATA_REGS_INLINE )
        *len = SATA_LEN_INLINE;

    return rc;
}

int xecam_cf_check xecam_cap_len_aer(struct xecam_vpci *dev,
                                     const struct xecam_cap *cap,
                                     unsigned int *len)
{
    uint32_t v;
    bool flit = false;
    int rc = cap_field(dev, cap, AER_CAP_CTL, 4, &v) ?: flit_mode(dev, &flit);

    if ( flit )
        *len = AER_PREFIX_LOG + 4 * AER_FLIT_DWORDS;
    else if ( v & AER_PREFIX_LOG_PRESENT )
        *len = AER_PREFIX_LOG + 4 * AER_PREFIX_DWORDS;

    return rc;
}

int xecam_cf_check xecam_cap_len_rcld(struct xecam_vpci *dev,
                                      const struct xecam_cap *cap,
                                      unsigned int *len)
{
    uint32_t v;
    int rc = cap_field(dev, cap, RCLD_ESD, 4, &v);

    *len = RCLD_LINK1 + RCLD_LINK_SIZE * RCLD_ESD_LINKS(v);

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

int xecam_cf_check xecam_cap_len_secpcie(struct xecam_vpci *dev,
                                         const struct xecam_cap *cap,
                                         unsigned int *len)
{
    uint32_t v;
    int rc = pcie_field(dev, PCIE_LNKCAP, 4, &v);

    /* Rounded up to a dword: config registers come in dwords. */
    *len = SECPCIE_LANE_EQ +
           ((SECPCIE_LANE_EQ_SIZE * PCIE_LNKCAP_MLW(v) + 3) & ~3U);

    return rc;
}

int xecam_cf_check xecam_cap_len_dpc(struct xecam_vpci *dev,
                                     const struct xecam_cap *cap,
                                     unsigned int *len)
{
    uint32_t v;
    bool flit = false;
    unsigned int dwords;
    int rc = cap_field(dev, cap, DPC_CAP, 2, &v) ?: flit_mode(dev, &flit);

    dwords = DPC_CAP_LOG_SIZE(v) | (flit ? DPC_CAP_LOG_SIZE4(v) << 4 : 0);
    if ( v & DPC_CAP_RP_EXT )
        *len = DPC_RP_PIO_LOG + 4 * dwords;

    return rc;
}
