/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The peer `make bench` measures us against: upstream Xen's vPCI dispatcher
 * (xen/drivers/vpci/vpci.c, compiled unchanged in userspace) behind a model
 * of the steps Xen's MMCONFIG intercept (xen/arch/x86/hvm/io.c) takes for
 * each access: the check under the domain's MMCFG read lock, then the read
 * or write, which looks the region up again under the lock, decodes, drops
 * the lock and calls vpci_ecam_read/write.  The device is found as Xen
 * finds it for a domU: a walk of the domain's device list.
 */
#ifndef XECAM_BENCH_XEN_PEER_H
#define XECAM_BENCH_XEN_PEER_H

#include <stdbool.h>
#include <stdint.h>

struct xpeer_dom;

/* A domain, made the current one (vpci_read uses current->domain). */
struct xpeer_dom *xpeer_domain(void);
void xpeer_domain_free(struct xpeer_dom *d);

/*
 * A vPCI device at 'sbdf' (guest = host numbering, as in Xen) with 'nr'
 * 4-byte registers at 0, 4, ...: each a read and a write handler on a
 * value, as Xen's emulated registers are.  Added last to the domain's list.
 */
int xpeer_device(struct xpeer_dom *d, uint32_t sbdf, unsigned int nr);

/* An MMCFG region of 'buses' buses from 'start_bus' at 'base'. */
int xpeer_mmcfg_add(struct xpeer_dom *d, uint64_t base, uint16_t seg,
                    uint8_t start_bus, unsigned int buses);
bool xpeer_mmcfg_accept(struct xpeer_dom *d, uint64_t gpa);
bool xpeer_mmcfg_read(struct xpeer_dom *d, uint64_t gpa, unsigned int len,
                      uint64_t *val);
bool xpeer_mmcfg_write(struct xpeer_dom *d, uint64_t gpa, unsigned int len,
                       uint64_t val);

/* Straight into Xen's dispatcher. */
uint32_t xpeer_read(uint32_t sbdf, unsigned int reg, unsigned int size);
void xpeer_write(uint32_t sbdf, unsigned int reg, unsigned int size,
                 uint32_t val);
int xpeer_add_reg(uint32_t sbdf, unsigned int offset, unsigned int size);
/* Xen's spinlock taken, *v stored, dropped: the floor of a locked write. */
void xpeer_lock_store(uint32_t *v, uint32_t val);
/* What Xen allocates per device besides its registers: struct vpci. */
unsigned long xpeer_vpci_bytes(void);

/*
 * peer_dev.c: a passed-through function at 'sbdf' (guest = host) with the
 * handlers Xen gives it, header.c's and msix.c's (its BARs, Command, MSI-X
 * capability and table), on the userspace host's function 'sbdf'.  Xen's
 * p2m changes go to our port's p2m of domain 'p2m'.  Added last to the
 * domain's list; xpeer_domain_free() frees it.
 */
struct xecam_domain;
struct pci_dev;
int xpeer_pdev(struct xpeer_dom *d, uint32_t sbdf,
               const struct xecam_domain *p2m);
void xpeer_pdev_free(struct pci_dev *pdev);
/* msix.c's MMIO handler ops, as hvm's MMIO dispatch calls them. */
bool xpeer_msix_accept(uint64_t gpa);
bool xpeer_msix_read(uint64_t gpa, unsigned int len, uint64_t *val);
bool xpeer_msix_write(uint64_t gpa, unsigned int len, uint64_t val);
/* vpci_process_pending(current): true if the vCPU must not run yet. */
bool xpeer_vcpu_resume(void);

/*
 * peer.c, for peer_dev.c: our port's host, the same calls the module
 * makes.  A p2m change of [gaddr, gaddr + size) onto haddr; the MSI-X
 * pages of host function 'sbdf'; the size of its BAR 'bar' (~0U: ROM).
 */
int xpeer_host_map(const struct xecam_domain *p2m, bool map, uint64_t gaddr,
                   uint64_t haddr, uint64_t size);
uint64_t xpeer_host_mem_read(const struct xecam_domain *p2m, uint32_t sbdf,
                             uint64_t haddr, unsigned int len);
void xpeer_host_mem_write(const struct xecam_domain *p2m, uint32_t sbdf,
                          uint64_t haddr, unsigned int len, uint64_t val);
uint64_t xpeer_host_bar_size(uint32_t sbdf, unsigned int bar);

#endif /* XECAM_BENCH_XEN_PEER_H */
