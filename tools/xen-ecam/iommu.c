/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-ecam assign --iommu: give the domain a host function the way xl
 * pci-attach does for an HVM guest, for any guest type (Xen 4.17's libxl
 * refuses PCI for PVH guests): the function through the IOMMU
 * (XEN_DOMCTL_assign_device) and the MMIO of its memory BARs
 * (XEN_DOMCTL_iomem_permission), read from dom0's sysfs.  The function
 * must be assignable already (xl pci-assignable-add: pciback, d[IO]).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <xenctrl.h>

#include "iommu.h"

#define IORESOURCE_MEM 0x00000200UL
#define PAGE_SHIFT     12

/* Permit the pages of each memory BAR in the function's sysfs resource. */
static int permit_bars(xc_interface *xch, uint32_t domid, const char *dev)
{
    char path[96];
    unsigned long long start, end, flags;
    FILE *f;
    int rc = 0, n = 0;

    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", dev);
    f = fopen(path, "r");
    if ( !f )
        return -errno;
    /* Lines 0-5 are the BARs, 6 the ROM. */
    while ( !rc && n++ < 7 &&
            fscanf(f, "%llx %llx %llx", &start, &end, &flags) == 3 )
        if ( start && (flags & IORESOURCE_MEM) &&
             xc_domain_iomem_permission(xch, domid, start >> PAGE_SHIFT,
                                        ((end - start) >> PAGE_SHIFT) + 1,
                                        1) )
            rc = -errno;
    fclose(f);

    return rc;
}

int iommu_give(unsigned long domid, uint32_t sbdf)
{
    xc_interface *xch = xc_interface_open(NULL, NULL, 0);
    char dev[16];
    int rc = 0;

    if ( !xch )
        return -errno ?: -EIO;
    snprintf(dev, sizeof(dev), "%04x:%02x:%02x.%x", sbdf >> 16,
             (sbdf >> 8) & 0xff, (sbdf >> 3) & 0x1f, sbdf & 7);
    if ( xc_assign_device(xch, domid, sbdf, XEN_DOMCTL_DEV_RDM_RELAXED) )
        rc = -errno;
    if ( !rc )
        rc = permit_bars(xch, domid, dev);
    if ( rc )
        fprintf(stderr, "xen-ecam: giving d%lu %s through the IOMMU: %s\n",
                domid, dev, strerror(-rc));
    xc_interface_close(xch);

    return rc;
}
