/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef XEN_ECAM_IOMMU_H
#define XEN_ECAM_IOMMU_H

#include <stdint.h>

/*
 * Give domain 'domid' host function 'sbdf' (segment << 16 | bus << 8 |
 * devfn) through the IOMMU, with its memory BARs' MMIO; 0 or -errno.
 */
int iommu_give(unsigned long domid, uint32_t sbdf);

#endif /* XEN_ECAM_IOMMU_H */
