/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PCI addressing shared by the decoders, the router and vPCI.
 *
 * An SBDF is segment << 16 | bus << 8 | device << 3 | function, the layout
 * of Xen's pci_sbdf_t and of XEN_DMOP_PCI_SBDF().
 */
#ifndef XECAM_PCI_H
#define XECAM_PCI_H

#include <xecam/types.h>

#define XECAM_SBDF(s, b, d, f) \
    ((((uint32_t)(s) & 0xffffU) << 16) | (((uint32_t)(b) & 0xffU) << 8) | \
     (((uint32_t)(d) & 0x1fU) << 3) | ((uint32_t)(f) & 7U))
#define XECAM_SBDF_SEG(x)    ((uint16_t)((x) >> 16))
#define XECAM_SBDF_BUS(x)    ((uint8_t)((x) >> 8))
#define XECAM_SBDF_DEVFN(x)  ((uint8_t)(x))
#define XECAM_SBDF_DEV(x)    (((x) >> 3) & 0x1fU)
#define XECAM_SBDF_FN(x)     ((x) & 7U)

#define XECAM_CFG_SIZE       4096U  /* PCI Express config space per function */
#define XECAM_CFG_LEGACY     256U   /* reachable through CF8/CFC */

/*
 * One config-space access as every path hands it to the router: sizes 1, 2
 * or 4, naturally aligned, within 4 KiB.
 */
static inline bool xecam_cfg_access_ok(unsigned int reg, unsigned int size)
{
    return (size == 1 || size == 2 || size == 4) && !(reg & (size - 1)) &&
           reg < XECAM_CFG_SIZE;
}

static inline uint32_t xecam_ones(unsigned int size)
{
    return size >= 4 ? ~0U : (1U << (size * 8)) - 1;
}

/* The same up to 8 bytes: what a read of 'size' that reaches nothing gets. */
static inline uint64_t xecam_ones64(unsigned int size)
{
    return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

#endif /* XECAM_PCI_H */
