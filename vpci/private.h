/* SPDX-License-Identifier: GPL-2.0-only */
/* State shared by the files of vpci/.  Nothing outside vpci/ includes it. */
#ifndef XECAM_VPCI_PRIVATE_H
#define XECAM_VPCI_PRIVATE_H

#include <xecam/port.h>
#include <xecam/pci.h>
#include <xecam/vpci.h>

/* PCI header bits the emulation names. */
#define PCI_CMD_IO          0x0001U
#define PCI_CMD_MEM         0x0002U
#define PCI_CMD_MASTER      0x0004U
#define PCI_CMD_INTX_OFF    0x0400U
#define PCI_HDR_MF          0x80U
#define PCI_BAR_IO          0x1U
#define PCI_BAR_MEM64       0x4U
#define PCI_BAR_PREFETCH    0x8U
#define PCI_ROM_ENABLE      0x1U

enum xecam_bar_kind {
    BAR_NONE,                       /* unimplemented: reads 0 */
    BAR_IO,
    BAR_MEM32,
    BAR_MEM64,                      /* low half; the next BAR is its top */
    BAR_MEM64_HI,
    BAR_ROM,
};

struct xecam_vpci_bar {
    enum xecam_bar_kind kind;
    unsigned int offset;            /* of the (low) register */
    uint64_t host_addr, size;
    bool mapped;
    uint64_t mapped_at;             /* guest address while mapped */
};

#define XECAM_NR_BARS 7             /* 0-5 and the ROM */

struct xecam_vpci {
    uint32_t host_sbdf;
    struct xecam_lock *lock;
    unsigned long refused;
    unsigned long bar_writes_ignored;
    unsigned int nr_regs, max_regs;
    struct xecam_vpci_reg *regs;
    /* Set by assignment; NULL/0 for a device no domain sees. */
    struct xecam_domain *d;
    uint32_t guest_sbdf;
    unsigned int flags;             /* XECAM_ASSIGN_* */
    bool mf;                        /* other functions in the guest slot */
    bool routed;                    /* a domain's route table holds it */
    bool was_routed;                /* a guest could have reached it */
    bool msi_active;                /* MSI or MSI-X on: INTx forced off */
    struct xecam_vpci_bar bar[XECAM_NR_BARS];
    uint16_t map[XECAM_CFG_SIZE];   /* register index + 1 per byte; 0: none */
};

/* regmap.c: accesses, with dev->lock held. */
uint32_t xecam_vpci_access_read(struct xecam_vpci *dev, unsigned int off,
                                unsigned int size);
void xecam_vpci_access_write(struct xecam_vpci *dev, unsigned int off,
                             unsigned int size, uint32_t val);
void xecam_vpci_regs_free(struct xecam_vpci *dev);

/* header.c */
int xecam_vpci_header_init(struct xecam_vpci *dev);
uint32_t xecam_vpci_command(struct xecam_vpci *dev);
void xecam_vpci_intx_sync(struct xecam_vpci *dev);

/* bar.c */
int xecam_vpci_bars_init(struct xecam_vpci *dev);
void xecam_vpci_bars_decode(struct xecam_vpci *dev, bool io, bool on);
void xecam_vpci_bars_unmap_all(struct xecam_vpci *dev);

#endif /* XECAM_VPCI_PRIVATE_H */
