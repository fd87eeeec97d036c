/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * More environment (after env.h) for the Xen files `make bench` builds
 * with __XEN__: xen/drivers/vpci/header.c and msix.c, and
 * xen/common/rangeset.c which header.c's BAR mapping uses.  Their #include
 * lines are stripped; this goes before the stripped list.h, rangeset.h and
 * vpci.h, env_late.h after them.
 *
 * Where the cost matters it is the hypervisor's: rangesets take a real
 * read-write lock (an atomic each way, as Xen's queued rwlocks do for an
 * uncontended lock), raise_softirq() is an atomic bit set, and the p2m
 * changes (map_mmio_regions/unmap_mmio_regions) and the device's MSI-X
 * pages (ioremap, readl/readq) go to the same userspace host functions our
 * port uses (peer_dev.c).  What only costs on paths the bench never takes
 * is a stub: messages (printk, gprintk), the arch's MSI-X entry binding
 * (entries stay masked: nothing is bound on either side), the e820 check of
 * a BAR's position (pci_check_bar: true), the p2m query that punches the
 * MSI-X holes (nothing there yet) and preemption (never pending).
 */
#ifndef XECAM_BENCH_XEN_ENV_HV_H
#define XECAM_BENCH_XEN_ENV_HV_H

#include <string.h>

#define CONFIG_HAS_PCI_MSI

#ifndef ERESTART
#define ERESTART                85
#endif

#define __init
#define __iomem
#define fallthrough             __attribute__((__fallthrough__))
#define BUG_ON(x)               ASSERT(!(x))
#define printk(...)             ((void)0)
#define gprintk(...)            ((void)0)
#define bool_t                  bool

typedef uint64_t paddr_t;

#define PAGE_SHIFT              12
#define PAGE_SIZE               (1UL << PAGE_SHIFT)
#define PAGE_MASK               (~(PAGE_SIZE - 1))
#define PAGE_OFFSET(a)          ((unsigned long)(a) & ~PAGE_MASK)
#define PFN_DOWN(a)             ((a) >> PAGE_SHIFT)
#define round_pgdown(a)         ((a) & PAGE_MASK)
#define ROUNDUP(x, a)           (((x) + (a) - 1) & ~((a) - 1))
#define DIV_ROUND_UP(n, d)      (((n) + (d) - 1) / (d))
#define IS_ALIGNED(v, a)        (!((v) & ((a) - 1)))

#define xzalloc(type)           ((type *)calloc(1, sizeof(type)))
#define xzalloc_flex_struct(type, field, nr) \
    ((type *)calloc(1, sizeof(type) + (nr) * sizeof(((type *)0)->field[0])))

static inline void safe_strcpy_(char *d, size_t n, const char *s)
{
    strncpy(d, s, n - 1);
    d[n - 1] = '\0';
}
#define safe_strcpy(d, s)       safe_strcpy_(d, sizeof(d), s)

/* ---- Locks. ---- */
static inline void spin_lock_init(spinlock_t *l)
{
    l->head_tail = 0;
}
#define spin_is_locked(l)                                               \
    ({ uint32_t ht_ = __atomic_load_n(&(l)->head_tail, __ATOMIC_RELAXED); \
       (uint16_t)ht_ != (uint16_t)(ht_ >> 16); })

/* Xen's queued rwlock, uncontended: one atomic to take, one to drop. */
typedef struct { int cnts; } rwlock_t;
#define RW_WRITER               (1 << 30)
static inline void rwlock_init(rwlock_t *l)
{
    l->cnts = 0;
}
static inline void read_lock(rwlock_t *l)
{
    while ( __atomic_add_fetch(&l->cnts, 1, __ATOMIC_ACQUIRE) & RW_WRITER )
    {
        __atomic_sub_fetch(&l->cnts, 1, __ATOMIC_RELAXED);
        while ( __atomic_load_n(&l->cnts, __ATOMIC_RELAXED) & RW_WRITER )
            __builtin_ia32_pause();
    }
}
static inline void read_unlock(rwlock_t *l)
{
    __atomic_sub_fetch(&l->cnts, 1, __ATOMIC_RELEASE);
}
static inline void write_lock(rwlock_t *l)
{
    int z = 0;

    while ( !__atomic_compare_exchange_n(&l->cnts, &z, RW_WRITER, false,
                                         __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) )
    {
        z = 0;
        __builtin_ia32_pause();
    }
}
static inline void write_unlock(rwlock_t *l)
{
    __atomic_sub_fetch(&l->cnts, RW_WRITER, __ATOMIC_RELEASE);
}

/* ---- Scheduling: never preempted, always running. ---- */
#define SCHEDULE_SOFTIRQ        0
extern unsigned long xpeer_softirq_pending;
static inline void raise_softirq(unsigned int nr)
{
    __atomic_fetch_or(&xpeer_softirq_pending, 1UL << nr, __ATOMIC_SEQ_CST);
}
static inline void process_pending_softirqs(void)
{
}
static inline bool general_preempt_check(void)
{
    return false;
}
enum { SYS_STATE_early_boot, SYS_STATE_boot, SYS_STATE_active };
#define system_state            SYS_STATE_active

/* ---- The p2m. ---- */
typedef struct { unsigned long m; } mfn_t;
typedef struct { unsigned long g; } gfn_t;
static inline mfn_t _mfn(unsigned long m)
{
    return (mfn_t){ m };
}
static inline gfn_t _gfn(unsigned long g)
{
    return (gfn_t){ g };
}
#define mfn_x(x)                ((x).m)
#define gfn_x(x)                ((x).g)
#define PRI_mfn                 "05lx"

typedef enum {
    p2m_invalid, p2m_ram_rw, p2m_mmio_dm, p2m_mmio_direct,
} p2m_type_t;

struct domain;
/* peer_dev.c: onto the userspace host's map, as our port's are. */
int map_mmio_regions(struct domain *d, gfn_t gfn, unsigned long nr,
                     mfn_t mfn);
int unmap_mmio_regions(struct domain *d, gfn_t gfn, unsigned long nr,
                       mfn_t mfn);
/* vpci_make_msix_hole()'s query: nothing is mapped there yet. */
static inline mfn_t get_gfn_query(struct domain *d, unsigned long gfn,
                                  p2m_type_t *t)
{
    (void)d;
    *t = p2m_mmio_dm;

    return _mfn(gfn);
}
static inline void put_gfn(struct domain *d, unsigned long gfn)
{
    (void)d;
    (void)gfn;
}
static inline int p2m_remove_identity_entry(struct domain *d,
                                            unsigned long gfn)
{
    (void)d;
    (void)gfn;

    return 0;
}
/* Only for dom0; the bench's domain is a domU. */
#define is_hardware_domain(d)   ((void)(d), false)

/* The MSI-X pages: the host's, through peer_dev.c. */
void *ioremap(paddr_t pa, size_t len);
void iounmap(void *va);
uint64_t xpeer_io_read(const volatile void *va, unsigned int len);
void xpeer_io_write(volatile void *va, unsigned int len, uint64_t val);
#define readb(a)                ((uint8_t)xpeer_io_read(a, 1))
#define readw(a)                ((uint16_t)xpeer_io_read(a, 2))
#define readl(a)                ((uint32_t)xpeer_io_read(a, 4))
#define readq(a)                xpeer_io_read(a, 8)
#define writeb(v, a)            xpeer_io_write(a, 1, v)
#define writew(v, a)            xpeer_io_write(a, 2, v)
#define writel(v, a)            xpeer_io_write(a, 4, v)
#define writeq(v, a)            xpeer_io_write(a, 8, v)

/* ---- x86's HVM MMIO handlers and emulation results. ---- */
#define X86EMUL_OKAY            0
#define X86EMUL_UNHANDLEABLE    1
#define X86EMUL_RETRY           3

struct vcpu;
struct hvm_mmio_ops {
    int (*check)(struct vcpu *v, unsigned long addr);
    int (*read)(struct vcpu *v, unsigned long addr, unsigned int length,
                unsigned long *val);
    int (*write)(struct vcpu *v, unsigned long addr, unsigned int length,
                 unsigned long val);
};
/* peer_dev.c keeps the ops, called as hvm's MMIO dispatch calls them. */
void register_mmio_handler(struct domain *d, const struct hvm_mmio_ops *ops);

/* ---- PCI. ---- */
#define PCI_SLOT(devfn)         (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)         ((devfn) & 0x07)
#define PCI_COMMAND             0x04
#define PCI_COMMAND_MEMORY      0x2
#define PCI_HEADER_TYPE         0x0e
#define PCI_HEADER_TYPE_NORMAL  0
#define PCI_HEADER_TYPE_BRIDGE  1
#define PCI_HEADER_NORMAL_NR_BARS 6
#define PCI_HEADER_BRIDGE_NR_BARS 2
#define PCI_BASE_ADDRESS_0      0x10
#define PCI_BASE_ADDRESS_SPACE  0x01
#define PCI_BASE_ADDRESS_SPACE_IO 0x01
#define PCI_BASE_ADDRESS_MEM_TYPE_MASK 0x06
#define PCI_BASE_ADDRESS_MEM_TYPE_32 0x00
#define PCI_BASE_ADDRESS_MEM_TYPE_64 0x04
#define PCI_BASE_ADDRESS_MEM_PREFETCH 0x08
#define PCI_BASE_ADDRESS_MEM_MASK (~0x0fUL)
#define PCI_ROM_ADDRESS         0x30
#define PCI_ROM_ADDRESS1        0x38
#define PCI_ROM_ADDRESS_ENABLE  0x01
#define PCI_ROM_ADDRESS_MASK    (~0x7ffU)
#define PCI_CAP_ID_MSIX         0x11
#define PCI_MSIX_FLAGS_ENABLE   0x8000
#define PCI_MSIX_FLAGS_MASKALL  0x4000
#define PCI_MSIX_BIRMASK        0x7
#define PCI_MSIX_ENTRY_SIZE     16
#define PCI_MSIX_ENTRY_LOWER_ADDR_OFFSET  0
#define PCI_MSIX_ENTRY_UPPER_ADDR_OFFSET  4
#define PCI_MSIX_ENTRY_DATA_OFFSET        8
#define PCI_MSIX_ENTRY_VECTOR_CTRL_OFFSET 12
#define PCI_MSIX_VECTOR_BITMASK 0x1
#define msix_control_reg(base)      ((base) + 2)
#define msix_table_offset_reg(base) ((base) + 4)
#define msix_pba_offset_reg(base)   ((base) + 8)
#define msix_table_size(control)    (((control) & 0x7ff) + 1)

#define PCI_BAR_VF              (1u << 0)
#define PCI_BAR_LAST            (1u << 1)
#define PCI_BAR_ROM             (1u << 2)

#define for_each_pdev(dom, pdev) \
    for ( (pdev) = (dom)->pdev_list; (pdev); (pdev) = (pdev)->next_in_domain )

/* peer_dev.c: from the userspace host's config space. */
unsigned int pci_find_cap_offset(uint16_t seg, uint8_t bus, uint8_t dev,
                                 uint8_t func, uint8_t cap);
unsigned int pci_size_mem_bar(pci_sbdf_t sbdf, unsigned int pos,
                              uint64_t *paddr, uint64_t *psize,
                              unsigned int flags);
static inline bool pci_check_bar(const struct pci_dev *pdev, mfn_t start,
                                 mfn_t end)
{
    (void)pdev;
    (void)start;
    (void)end;

    return true;
}
static inline int pci_msi_conf_write_intercept(struct pci_dev *pdev,
                                               unsigned int reg,
                                               unsigned int size,
                                               uint32_t *data)
{
    (void)pdev;
    (void)reg;
    (void)size;
    (void)data;

    return 0;
}

/* ---- x86's vPCI MSI-X hooks: entries stay masked, nothing is bound. ---- */
struct vpci_arch_msi {
    int pirq;
    bool bound;
};
struct vpci_arch_msix_entry {
    int pirq;
};
/* The hooks themselves (vpci.h declares them) are in peer_dev.c. */

/*
 * The init functions are static and Xen finds them in a linker section:
 * here each gets an external name, xpeer_<name>, that peer_dev.c calls in
 * the section's order (msix.c's, priority 1, before header.c's, 5).
 */
#define XPEER_REGISTER_VPCI_INIT(x)             \
    int xpeer_##x(struct pci_dev *pdev);        \
    int xpeer_##x(struct pci_dev *pdev)         \
    {                                           \
        return x(pdev);                         \
    }

#endif /* XECAM_BENCH_XEN_ENV_HV_H */
