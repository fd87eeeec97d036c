/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vPCI devices: config space of a function Xen emulates or passes through,
 * served inside the hypervisor.  The router hands it accesses that are
 * already checked (xecam_cfg_access_ok()).
 */
#ifndef XECAM_VPCI_H
#define XECAM_VPCI_H

#include <xecam/types.h>

struct xecam_vpci;

/* A device backed by host function 'host_sbdf'.                 fallible */
int  xecam_vpci_create(uint32_t host_sbdf, struct xecam_vpci **out);
void xecam_vpci_destroy(struct xecam_vpci *dev);

void xecam_vpci_read(struct xecam_vpci *dev, unsigned int reg,
                     unsigned int size, uint32_t *val);
void xecam_vpci_write(struct xecam_vpci *dev, unsigned int reg,
                      unsigned int size, uint32_t val);

/* Writes the device refused since it was created. */
unsigned long xecam_vpci_refused(const struct xecam_vpci *dev);

#endif /* XECAM_VPCI_H */
