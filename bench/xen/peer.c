/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Xen side of `make bench` (see peer.h).  Compiled against the stripped
 * list.h and vpci.h of the fetched Xen tree; the register hooks, the device
 * list, the MMCFG model and the hardware accessors are ours.  The hardware
 * is the same userspace host the module reads through its port, so both
 * sides pay the same for a device access.
 */
#include "env.h"
#include "list.h"
#include "vpci.h"
#include "env_late.h"
#include "peer.h"

#include <xecam/port.h>

/* In vpci.c, declared by vpci.h only for the hypervisor build. */
bool vpci_ecam_read(pci_sbdf_t sbdf, unsigned int reg, unsigned int len,
                    unsigned long *data);
bool vpci_ecam_write(pci_sbdf_t sbdf, unsigned int reg, unsigned int len,
                     unsigned long data);

struct xpeer_mmcfg {
    struct list_head next;
    uint64_t addr, size;
    uint16_t seg;
    uint8_t start_bus;
};

struct xpeer_dev {
    struct pci_dev pdev;
    struct vpci vpci;
    uint32_t val[1024];
    unsigned int nr_regs;
    struct { uint16_t offset, size; } regs[1024 + 64];
};

/*
 * Xen's rwlock_t as its read side costs: a reader adds to the count with an
 * atomic and backs out if a writer holds it; the unlock subtracts with an
 * atomic.  Writers wait for readers to drain.
 */
#define XRW_WRITER  1U
#define XRW_READER  2U

typedef struct { unsigned int cnts; } xrwlock_t;

static void xread_lock(xrwlock_t *l)
{
    while ( __atomic_add_fetch(&l->cnts, XRW_READER, __ATOMIC_ACQUIRE) &
            XRW_WRITER )
    {
        __atomic_sub_fetch(&l->cnts, XRW_READER, __ATOMIC_RELAXED);
        while ( __atomic_load_n(&l->cnts, __ATOMIC_RELAXED) & XRW_WRITER )
            __builtin_ia32_pause();
    }
}

static void xread_unlock(xrwlock_t *l)
{
    __atomic_sub_fetch(&l->cnts, XRW_READER, __ATOMIC_RELEASE);
}

static void xwrite_lock(xrwlock_t *l)
{
    unsigned int zero = 0;

    while ( !__atomic_compare_exchange_n(&l->cnts, &zero, XRW_WRITER, false,
                                         __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) )
    {
        zero = 0;
        __builtin_ia32_pause();
    }
}

static void xwrite_unlock(xrwlock_t *l)
{
    __atomic_store_n(&l->cnts, 0, __ATOMIC_RELEASE);
}

/* Xen's struct domain first: peer_dev.c's devices are added to it. */
struct xpeer_dom {
    struct domain d;                    /* d.pdev_list: the devices */
    xrwlock_t mmcfg_lock;               /* d->arch.hvm.mmcfg_lock */
    struct list_head mmcfg;             /* d->arch.hvm.mmcfg_regions */
};

static __thread unsigned int preempt_count;    /* this_cpu(__preempt_count) */

__attribute__((noinline)) void spin_lock(spinlock_t *l)
{
    uint32_t t;

    preempt_count++;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    t = __atomic_fetch_add(&l->head_tail, 1U << 16, __ATOMIC_ACQUIRE) >> 16;
    while ( (uint16_t)__atomic_load_n(&l->head_tail, __ATOMIC_ACQUIRE) != t )
        __builtin_ia32_pause();
}

__attribute__((noinline)) void spin_unlock(spinlock_t *l)
{
    uint16_t *head = (uint16_t *)&l->head_tail;     /* little-endian */

    __atomic_store_n(head, (uint16_t)(*head + 1), __ATOMIC_RELEASE);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    preempt_count--;
}

static struct vcpu vcpu0;
struct vcpu *current = &vcpu0;

struct xpeer_dom *xpeer_domain(void)
{
    struct xpeer_dom *d = calloc(1, sizeof(*d));

    if ( !d )
        abort();
    INIT_LIST_HEAD(&d->mmcfg);
    INIT_LIST_HEAD(&d->d.arch.hvm.msix_tables);
    INIT_LIST_HEAD(&d->d.rangesets);
    d->d.domain_id = 1;
    current->domain = &d->d;

    return d;
}

void xpeer_domain_free(struct xpeer_dom *d)
{
    struct xpeer_mmcfg *m, *tm;
    struct pci_dev *p, *next;

    list_for_each_entry_safe ( m, tm, &d->mmcfg, next )
        free(m);
    for ( p = d->d.pdev_list; p; p = next )
    {
        struct xpeer_dev *x = container_of(p, struct xpeer_dev, pdev);
        unsigned int i;

        next = p->next_in_domain;
        if ( p->xpeer_full )
        {
            xpeer_pdev_free(p);
            continue;
        }
        for ( i = 0; i < x->nr_regs; i++ )
            if ( vpci_remove_register(&x->vpci, x->regs[i].offset,
                                      x->regs[i].size) )
                abort();
        free(x);
    }
    if ( current->domain == &d->d )
        current->domain = NULL;
    free(d);
}

struct pci_dev *pci_get_pdev(const struct domain *d, pci_sbdf_t sbdf)
{
    struct pci_dev *p;

    for ( p = d->pdev_list; p; p = p->next_in_domain )
        if ( p->sbdf.sbdf == sbdf.sbdf )
            return p;

    return NULL;
}

/* Emulated registers of each size: a value the hooks read and write. */
static uint32_t reg_read8(const struct pci_dev *pdev, unsigned int reg,
                          void *data)
{
    return *(const uint8_t *)data;
}

static uint32_t reg_read16(const struct pci_dev *pdev, unsigned int reg,
                           void *data)
{
    return *(const uint16_t *)data;
}

static uint32_t reg_read32(const struct pci_dev *pdev, unsigned int reg,
                           void *data)
{
    return *(const uint32_t *)data;
}

static void reg_write8(const struct pci_dev *pdev, unsigned int reg,
                       uint32_t val, void *data)
{
    *(uint8_t *)data = val;
}

static void reg_write16(const struct pci_dev *pdev, unsigned int reg,
                        uint32_t val, void *data)
{
    *(uint16_t *)data = val;
}

static void reg_write32(const struct pci_dev *pdev, unsigned int reg,
                        uint32_t val, void *data)
{
    *(uint32_t *)data = val;
}

static const struct {
    vpci_read_t *read;
    vpci_write_t *write;
} hooks[5] = {
    [1] = { reg_read8, reg_write8 },
    [2] = { reg_read16, reg_write16 },
    [4] = { reg_read32, reg_write32 },
};

static struct xpeer_dev *peer_dev(uint32_t sbdf)
{
    pci_sbdf_t s = { .sbdf = sbdf };
    struct pci_dev *p = pci_get_pdev(current->domain, s);

    return p ? container_of(p, struct xpeer_dev, pdev) : NULL;
}

void xpeer_lock_store(uint32_t *v, uint32_t val)
{
    static spinlock_t lock;

    spin_lock(&lock);
    *(volatile uint32_t *)v = val;
    spin_unlock(&lock);
}

int xpeer_add_reg(uint32_t sbdf, unsigned int offset, unsigned int size)
{
    struct xpeer_dev *x = peer_dev(sbdf);

    int rc;

    if ( !x || x->nr_regs == ARRAY_SIZE(x->regs) || size > 4 ||
         !hooks[size].read )
        return -EINVAL;
    /* Each register keeps its value in the dword it starts in. */
    rc = vpci_add_register(&x->vpci, hooks[size].read, hooks[size].write,
                           offset, size,
                           (uint8_t *)&x->val[offset / 4] + (offset & 3));
    if ( !rc )
    {
        x->regs[x->nr_regs].offset = offset;
        x->regs[x->nr_regs++].size = size;
    }

    return rc;
}

unsigned long xpeer_vpci_bytes(void)
{
    return sizeof(struct vpci);
}

int xpeer_device(struct xpeer_dom *d, uint32_t sbdf, unsigned int nr)
{
    struct xpeer_dev *x = calloc(1, sizeof(*x));
    struct pci_dev **tail = &d->d.pdev_list;
    unsigned int i;
    int rc = 0;

    if ( !x || nr > 1024 )
        abort();
    x->pdev.sbdf.sbdf = sbdf;
    x->pdev.vpci = &x->vpci;
    x->pdev.domain = &d->d;
    INIT_LIST_HEAD(&x->vpci.handlers);
    while ( *tail )
        tail = &(*tail)->next_in_domain;
    *tail = &x->pdev;
    for ( i = 0; i < nr && !rc; i++ )
    {
        x->val[i] = i;
        rc = xpeer_add_reg(sbdf, 4 * i, 4);
    }

    return rc;
}

int xpeer_mmcfg_add(struct xpeer_dom *d, uint64_t base, uint16_t seg,
                    uint8_t start_bus, unsigned int buses)
{
    struct xpeer_mmcfg *m = calloc(1, sizeof(*m));

    if ( !m )
        return -ENOMEM;
    m->addr = base;
    m->size = (uint64_t)buses << 20;
    m->seg = seg;
    m->start_bus = start_bus;
    xwrite_lock(&d->mmcfg_lock);
    list_add(&m->next, &d->mmcfg);
    xwrite_unlock(&d->mmcfg_lock);

    return 0;
}

static const struct xpeer_mmcfg *mmcfg_find(const struct xpeer_dom *d,
                                            uint64_t gpa)
{
    const struct xpeer_mmcfg *m;

    list_for_each_entry ( m, &d->mmcfg, next )
        if ( gpa >= m->addr && gpa - m->addr < m->size )
            return m;

    return NULL;
}

bool xpeer_mmcfg_accept(struct xpeer_dom *d, uint64_t gpa)
{
    bool found;

    xread_lock(&d->mmcfg_lock);
    found = mmcfg_find(d, gpa);
    xread_unlock(&d->mmcfg_lock);

    return found;
}

/* Region lookup and decode under the lock; false if the region is gone. */
static bool mmcfg_decode(struct xpeer_dom *d, uint64_t gpa, pci_sbdf_t *sbdf,
                         unsigned int *reg)
{
    const struct xpeer_mmcfg *m;

    xread_lock(&d->mmcfg_lock);
    m = mmcfg_find(d, gpa);
    if ( m )
    {
        uint64_t off = gpa - m->addr;

        sbdf->bdf = VPCI_ECAM_BDF(off);
        sbdf->bus += m->start_bus;
        sbdf->seg = m->seg;
        *reg = off & (PCI_CFG_SPACE_EXP_SIZE - 1);
    }
    xread_unlock(&d->mmcfg_lock);

    return m;
}

bool xpeer_mmcfg_read(struct xpeer_dom *d, uint64_t gpa, unsigned int len,
                      uint64_t *val)
{
    pci_sbdf_t sbdf = { .sbdf = 0 };
    unsigned long data = ~0UL;
    unsigned int reg;

    if ( !mmcfg_decode(d, gpa, &sbdf, &reg) )
        return false;
    vpci_ecam_read(sbdf, reg, len, &data);
    *val = data;

    return true;
}

bool xpeer_mmcfg_write(struct xpeer_dom *d, uint64_t gpa, unsigned int len,
                       uint64_t val)
{
    pci_sbdf_t sbdf = { .sbdf = 0 };
    unsigned int reg;

    if ( !mmcfg_decode(d, gpa, &sbdf, &reg) )
        return false;
    vpci_ecam_write(sbdf, reg, len, val);

    return true;
}

uint32_t xpeer_read(uint32_t sbdf, unsigned int reg, unsigned int size)
{
    pci_sbdf_t s = { .sbdf = sbdf };

    return vpci_read(s, reg, size);
}

void xpeer_write(uint32_t sbdf, unsigned int reg, unsigned int size,
                 uint32_t val)
{
    pci_sbdf_t s = { .sbdf = sbdf };

    vpci_write(s, reg, size, val);
}

/* The hardware: the module's userspace host, all-ones where it has none. */
static uint32_t hw_read(pci_sbdf_t sbdf, unsigned int reg, unsigned int size)
{
    uint32_t v;

    return xecam_port_pci_read(sbdf.sbdf, reg, size, &v) ? ~0U : v;
}

uint8_t pci_conf_read8(pci_sbdf_t sbdf, unsigned int reg)
{
    return hw_read(sbdf, reg, 1);
}

uint16_t pci_conf_read16(pci_sbdf_t sbdf, unsigned int reg)
{
    return hw_read(sbdf, reg, 2);
}

uint32_t pci_conf_read32(pci_sbdf_t sbdf, unsigned int reg)
{
    return hw_read(sbdf, reg, 4);
}

void pci_conf_write8(pci_sbdf_t s, unsigned int r, uint8_t v)
{
    xecam_port_pci_write(s.sbdf, r, 1, v);
}

void pci_conf_write16(pci_sbdf_t s, unsigned int r, uint16_t v)
{
    xecam_port_pci_write(s.sbdf, r, 2, v);
}

void pci_conf_write32(pci_sbdf_t s, unsigned int r, uint32_t v)
{
    xecam_port_pci_write(s.sbdf, r, 4, v);
}

/* ---- For peer_dev.c: the host our port's calls reach. ---- */

int xpeer_host_map(const struct xecam_domain *p2m, bool map, uint64_t gaddr,
                   uint64_t haddr, uint64_t size)
{
    uint64_t done = 0;

    return xecam_port_bar_map(p2m, map, false, gaddr, haddr, size, false,
                              &done);
}

uint64_t xpeer_host_mem_read(const struct xecam_domain *p2m, uint32_t sbdf,
                             uint64_t haddr, unsigned int len)
{
    uint64_t v = ~0ULL;

    xecam_port_bar_read(p2m, sbdf, haddr, len, &v);

    return v;
}

void xpeer_host_mem_write(const struct xecam_domain *p2m, uint32_t sbdf,
                          uint64_t haddr, unsigned int len, uint64_t val)
{
    xecam_port_bar_write(p2m, sbdf, haddr, len, val);
}

uint64_t xpeer_host_bar_size(uint32_t sbdf, unsigned int bar)
{
    uint64_t size = 0;

    if ( xecam_port_pci_bar_size(sbdf, bar == ~0U ? XECAM_PORT_ROM_BAR : bar,
                                 &size) )
        size = 0;

    return size;
}
