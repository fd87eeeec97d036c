/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Xen's side of the MSI-X table and BAR mapping rows of `make bench` (see
 * peer.h): a passed-through function with the handlers upstream Xen gives
 * it, xen/drivers/vpci/header.c's init_bars and msix.c's init_msix, both
 * compiled unchanged (with __XEN__, env_hv.h), and what they call outside
 * themselves.  Built with __XEN__ too, for Xen's whole struct vpci.
 *
 * The hardware and the p2m are the module's userspace host (through peer.c:
 * <xecam/port.h> is not for a __XEN__ build): config space through
 * xecam_port_pci_read/write, BAR mappings through xecam_port_bar_map() on
 * the p2m of one of our port's domains, the MSI-X pages through
 * xecam_port_bar_read/write(), so those cost both sides the same.  The
 * MSI-X MMIO handler ops msix.c registers are called as hvm's MMIO dispatch
 * calls them: the check, then the read or write.
 */
#include "env.h"
#include "env_hv.h"
#include "list.h"
#include "rangeset.h"
#include "vpci.h"
#include "env_late.h"
#include "peer.h"

/* msix.c's and header.c's REGISTER_VPCI_INIT (env_late.h). */
int xpeer_init_msix(struct pci_dev *pdev);
int xpeer_init_bars(struct pci_dev *pdev);

unsigned long xpeer_softirq_pending;

/* One domain at a time has these devices (Xen: per domain). */
static const struct hvm_mmio_ops *msix_ops;
static const struct xecam_domain *p2m;
static uint32_t io_sbdf;                /* whose MSI-X pages are ioremap'd */

int xpeer_pdev(struct xpeer_dom *xd, uint32_t sbdf,
               const struct xecam_domain *p2m_of)
{
    struct domain *d = (struct domain *)xd;     /* its first member */
    struct pci_dev *pdev = calloc(1, sizeof(*pdev)), **tail;
    int rc;

    if ( !pdev || !(pdev->vpci = xzalloc(struct vpci)) )
        abort();
    pdev->sbdf.sbdf = sbdf;
    pdev->domain = d;
    pdev->xpeer_full = true;
    INIT_LIST_HEAD(&pdev->vpci->handlers);
    spin_lock_init(&pdev->vpci->lock);
    for ( tail = &d->pdev_list; *tail; tail = &(*tail)->next_in_domain )
        continue;
    *tail = pdev;
    p2m = p2m_of;
    /* vpci_add_handlers(): the init functions in their section's order. */
    rc = xpeer_init_msix(pdev);
    if ( !rc )
        rc = xpeer_init_bars(pdev);
    if ( !rc && pdev->vpci->msix )
        io_sbdf = sbdf;

    return rc;
}

/* vpci_remove_device() is in vpci.c's __XEN__ part, not built: ours. */
void xpeer_pdev_free(struct pci_dev *pdev)
{
    struct vpci *vpci = pdev->vpci;
    unsigned int reg, size;

    for ( reg = 0; reg < 0x100; reg++ )
        for ( size = 1; size <= 4; size *= 2 )
            if ( vpci_remove_register(vpci, reg, size) )
                continue;           /* none there */
    if ( vpci->msix )
        list_del(&vpci->msix->next);
    if ( list_empty(&pdev->domain->arch.hvm.msix_tables) )
        msix_ops = NULL;
    free(vpci->msix);
    free(vpci);
    free(pdev);
}

/* Only on a failed mapping, which the bench never has. */
void vpci_remove_device(struct pci_dev *pdev)
{
    (void)pdev;
    abort();
}

/* ---- The MSI-X MMIO handler, as hvm_find_io_handler() then
 *      hvm_process_io_intercept() call it. ---- */

void register_mmio_handler(struct domain *d, const struct hvm_mmio_ops *ops)
{
    (void)d;
    msix_ops = ops;
}

bool xpeer_msix_accept(uint64_t gpa)
{
    return msix_ops && msix_ops->check(current, gpa);
}

bool xpeer_msix_read(uint64_t gpa, unsigned int len, uint64_t *val)
{
    unsigned long data = ~0UL;
    int rc = msix_ops->read(current, gpa, len, &data);

    *val = data;

    return rc == X86EMUL_OKAY;
}

bool xpeer_msix_write(uint64_t gpa, unsigned int len, uint64_t val)
{
    return msix_ops->write(current, gpa, len, val) == X86EMUL_OKAY;
}

/* On the way back to the guest (Xen: vpci_process_pending(current)). */
bool xpeer_vcpu_resume(void)
{
    return vpci_process_pending(current);
}

/* ---- x86's MSI-X entry hooks: the entries stay masked. ---- */

void vpci_msix_arch_mask_entry(struct vpci_msix_entry *entry,
                               const struct pci_dev *pdev, bool mask)
{
    (void)entry;
    (void)pdev;
    (void)mask;
}

int vpci_msix_arch_enable_entry(struct vpci_msix_entry *entry,
                                const struct pci_dev *pdev,
                                paddr_t table_base)
{
    (void)entry;
    (void)pdev;
    (void)table_base;

    return 0;
}

int vpci_msix_arch_disable_entry(struct vpci_msix_entry *entry,
                                 const struct pci_dev *pdev)
{
    (void)entry;
    (void)pdev;

    return -ENOENT;
}

void vpci_msix_arch_init_entry(struct vpci_msix_entry *entry)
{
    entry->arch.pirq = -1;
}

/* ---- The host: the p2m and the MSI-X pages, as our port's. ---- */

static int p2m_change(bool map, gfn_t gfn, unsigned long nr, mfn_t mfn)
{
    return xpeer_host_map(p2m, map, (uint64_t)gfn_x(gfn) << PAGE_SHIFT,
                          (uint64_t)mfn_x(mfn) << PAGE_SHIFT,
                          (uint64_t)nr << PAGE_SHIFT);
}

int map_mmio_regions(struct domain *d, gfn_t gfn, unsigned long nr,
                     mfn_t mfn)
{
    (void)d;

    return p2m_change(true, gfn, nr, mfn);
}

int unmap_mmio_regions(struct domain *d, gfn_t gfn, unsigned long nr,
                       mfn_t mfn)
{
    (void)d;

    return p2m_change(false, gfn, nr, mfn);
}

/* The mapping is the host address itself, never dereferenced. */
void *ioremap(paddr_t pa, size_t len)
{
    (void)len;

    return (void *)(uintptr_t)pa;
}

void iounmap(void *va)
{
    (void)va;
}

uint64_t xpeer_io_read(const volatile void *va, unsigned int len)
{
    return xpeer_host_mem_read(p2m, io_sbdf, (uintptr_t)va, len);
}

void xpeer_io_write(volatile void *va, unsigned int len, uint64_t val)
{
    xpeer_host_mem_write(p2m, io_sbdf, (uintptr_t)va, len, val);
}

/* ---- Config space, for the init functions. ---- */

unsigned int pci_find_cap_offset(uint16_t seg, uint8_t bus, uint8_t dev,
                                 uint8_t func, uint8_t cap)
{
    pci_sbdf_t sbdf = {
        .sbdf = ((uint32_t)seg << 16) | (bus << 8) | (dev << 3) | func,
    };
    unsigned int pos = pci_conf_read8(sbdf, 0x34) & ~3, ttl = 48;

    while ( pos >= 0x40 && ttl-- )
    {
        if ( pci_conf_read8(sbdf, pos) == cap )
            return pos;
        pos = pci_conf_read8(sbdf, pos + 1) & ~3;
    }

    return 0;
}

/* The BAR at 'pos' as the host sized it; the registers it takes. */
unsigned int pci_size_mem_bar(pci_sbdf_t sbdf, unsigned int pos,
                              uint64_t *paddr, uint64_t *psize,
                              unsigned int flags)
{
    bool rom = flags & PCI_BAR_ROM;
    uint32_t lo = pci_conf_read32(sbdf, pos);
    bool is64 = !rom && (lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
                        PCI_BASE_ADDRESS_MEM_TYPE_64;

    *psize = xpeer_host_bar_size(sbdf.sbdf,
                                 rom ? ~0U : (pos - PCI_BASE_ADDRESS_0) / 4);
    *paddr = rom ? lo & PCI_ROM_ADDRESS_MASK : lo & PCI_BASE_ADDRESS_MEM_MASK;
    if ( is64 )
        *paddr |= (uint64_t)pci_conf_read32(sbdf, pos + 4) << 32;

    return is64 ? 2 : 1;
}
