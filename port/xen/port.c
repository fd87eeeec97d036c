/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The port inside Xen: include/xecam/port.h on Xen's own primitives.
 *
 * Locks are a percpu rwlock and spinlock_t, memory xzalloc/xfree, logs printk
 * with XENLOG_G_* for guest-triggerable lines (rate-limited by the console),
 * hypercall buffers raw_copy_{from,to}_guest, domains RCU-locked lookups,
 * permission XSM (xsm_ecam_window, xsm_ecam_assign), a host function's
 * owner its pci_dev, the window check the p2m, config space pci_conf_* and
 * pci_mmcfg_*, BARs map_mmio_regions.  What 4.17 has no hypervisor-side
 * helper for (MSI binding by the module, power states, FLR) answers
 * -EOPNOTSUPP, which the core treats as a refusal; device models are reached
 * through Xen's own ioreq path (XECAM_DOMF_HOST_IOREQ), never from here.
 */
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/iocap.h>
#include <xen/lib.h>
#include <xen/pci.h>
#include <xen/pci_regs.h>
#include <xen/pfn.h>
#include <xen/rwlock.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>
#include <xsm/xsm.h>
#include <asm/p2m.h>
#include <asm/paging.h>

#include <xecam/ecam.h>
#include <xecam/logline.h>
#include <public/hvm/ecam_op.h>
#include <xen/xecam.h>

/* ---- Locks and memory ---- */

/*
 * The domain lock is read on every trapped access and written rarely: a
 * percpu rwlock, whose readers only mark their CPU (as grant tables do).
 * The core never holds two of them at once on one CPU.
 */
static DEFINE_PERCPU_RWLOCK_GLOBAL(xecam_rwlock);

struct xecam_lock {
    percpu_rwlock_t l;
};

struct xecam_mutex {
    spinlock_t l;
};

int xecam_port_lock_create(struct xecam_lock **lock)
{
    *lock = xzalloc(struct xecam_lock);
    if ( !*lock )
        return -ENOMEM;
    percpu_rwlock_resource_init(&(*lock)->l, xecam_rwlock);

    return 0;
}

void xecam_port_lock_destroy(struct xecam_lock *lock)
{
    xfree(lock);
}

void xecam_port_read_lock(struct xecam_lock *lock)
{
    percpu_read_lock(xecam_rwlock, &lock->l);
}

void xecam_port_read_unlock(struct xecam_lock *lock)
{
    percpu_read_unlock(xecam_rwlock, &lock->l);
}

void xecam_port_write_lock(struct xecam_lock *lock)
{
    percpu_write_lock(xecam_rwlock, &lock->l);
}

void xecam_port_write_unlock(struct xecam_lock *lock)
{
    percpu_write_unlock(xecam_rwlock, &lock->l);
}

int xecam_port_mutex_create(struct xecam_mutex **m)
{
    *m = xzalloc(struct xecam_mutex);
    if ( !*m )
        return -ENOMEM;
    spin_lock_init(&(*m)->l);

    return 0;
}

void xecam_port_mutex_destroy(struct xecam_mutex *m)
{
    xfree(m);
}

void xecam_port_mutex_lock(struct xecam_mutex *m)
{
    spin_lock(&m->l);
}

void xecam_port_mutex_unlock(struct xecam_mutex *m)
{
    spin_unlock(&m->l);
}

void *xecam_port_zalloc(size_t size)
{
    return _xzalloc(size, sizeof(void *));
}

void xecam_port_free(void *ptr)
{
    xfree(ptr);
}

/* ---- Logging: the console's rate limit covers the <G> levels. ---- */

void xecam_port_log(unsigned int level, const char *fmt, ...)
{
    static const char *const host[] = {
        XENLOG_ERR, XENLOG_WARNING, XENLOG_INFO, XENLOG_DEBUG,
    };
    static const char *const guest[] = {
        XENLOG_G_ERR, XENLOG_G_WARNING, XENLOG_G_INFO, XENLOG_G_DEBUG,
    };
    unsigned int lvl = level & XECAM_LOG_LEVEL;
    char buf[192];
    va_list ap;
    int n;

    if ( lvl >= ARRAY_SIZE(host) )
        lvl = ARRAY_SIZE(host) - 1;
    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    xecam_log_line(buf, sizeof(buf), n);
    printk("%sxen-ecam: %s", (level & XECAM_LOG_GUEST ? guest : host)[lvl],
           buf);
}

/* ---- Hypercall arguments ---- */

int xecam_port_copy_from_guest(void *dst, xecam_guest_handle_t src,
                               size_t len)
{
    return raw_copy_from_guest(dst, src.p, len) ? -EFAULT : 0;
}

int xecam_port_copy_to_guest(xecam_guest_handle_t dst, const void *src,
                             size_t len)
{
    return raw_copy_to_guest(dst.p, src, len) ? -EFAULT : 0;
}

/* ---- Domains ---- */

domid_t xecam_port_current_domid(void)
{
    return current->domain->domain_id;
}

/*
 * The toolstack or a device model acting on a domain opts it in (glue.c);
 * a domain asking about itself does not.
 */
struct xecam_domain *xecam_port_domain_get(domid_t domid)
{
    struct domain *d = rcu_lock_domain_by_id(domid);
    struct xecam_domain *xd = NULL;

    if ( !d )
        return NULL;
    if ( is_hvm_domain(d) )
        xd = d != current->domain && !xsm_dm_op(XSM_DM_PRIV, d)
             ? xecam_xen_domain_state(d) : ACCESS_ONCE(d->arch.hvm.xecam);
    if ( !xd )
        rcu_unlock_domain(d);

    return xd;
}

void xecam_port_domain_put(struct xecam_domain *xd)
{
    rcu_unlock_domain(xecam_domain_host(xd));
}

/*
 * The guest itself (XSM_TARGET), or its toolstack or device model: the
 * hook of the ECAM windows (FLASK: hvm ecam_window).
 */
int xecam_port_may_control(domid_t caller, const struct xecam_domain *target)
{
    struct domain *d = xecam_domain_host(target);

    if ( caller == d->domain_id )
        return xsm_hvm_param(XSM_TARGET, d, HVMOP_set_ecam_space);

    return xsm_ecam_window(XSM_DM_PRIV, d);
}

/* Its toolstack or device model only (FLASK: hvm ecam_assign). */
int xecam_port_may_assign(domid_t caller, const struct xecam_domain *target)
{
    struct domain *d = xecam_domain_host(target);

    if ( caller == d->domain_id )
        return -EPERM;

    return xsm_ecam_assign(XSM_DM_PRIV, d);
}

bool xecam_port_domain_dying(const struct xecam_domain *target)
{
    const struct domain *d = xecam_domain_host(target);

    return d->is_dying != DOMDYING_alive;
}

/* Ranges Xen's own emulation claims in every HVM guest. */
static const struct {
    uint64_t start, end;                /* [start, end) */
} claimed[] = {
    { 0xfec00000ULL, 0xfec01000ULL },   /* IO-APIC */
    { 0xfed00000ULL, 0xfed00400ULL },   /* HPET */
    { 0xfee00000ULL, 0xfef00000ULL },   /* local APICs, MSI doorbells */
};

int xecam_port_gpa_range_free(const struct xecam_domain *xd, uint64_t gpa,
                              uint64_t size, uint64_t *progress)
{
    struct domain *d = xecam_domain_host(xd);
    struct p2m_domain *p2m = p2m_get_hostp2m(d);
    unsigned long gfn, end = PFN_DOWN(gpa + size);
    unsigned int i, order;

    if ( !size || gpa + size < gpa || !gfn_valid(d, _gfn(end - 1)) )
        return -EINVAL;
    for ( i = 0; i < ARRAY_SIZE(claimed); i++ )
        if ( gpa < claimed[i].end && claimed[i].start < gpa + size )
            return -EEXIST;
    gfn = PFN_DOWN(gpa + (progress ? *progress : 0));
    while ( gfn < end )
    {
        p2m_access_t a;
        p2m_type_t t;

        p2m_get_gfn_type_access(p2m, _gfn(gfn), &t, &a, 0, &order, 0);
        if ( t != p2m_invalid && t != p2m_mmio_dm )
            return -EEXIST;
        /* Holes come in large orders: skip to the end of this one. */
        gfn = (gfn | ((1UL << order) - 1)) + 1;
        /* Preempted: the continuation goes on from here (*progress). */
        if ( progress && gfn < end && hypercall_preempt_check() )
        {
            *progress = pfn_to_paddr(gfn) - gpa;
            return -ERESTART;
        }
    }

    return 0;
}

/* ---- Physical devices ---- */

int xecam_port_pci_read(uint32_t host_sbdf, unsigned int reg,
                        unsigned int size, uint32_t *val)
{
    pci_sbdf_t sbdf = { .sbdf = host_sbdf };

    if ( reg >= 256 || sbdf.seg )
        return pci_mmcfg_read(sbdf.seg, sbdf.bus, sbdf.devfn, reg, size,
                              val) ? -EIO : 0;
    switch ( size )
    {
    case 1: *val = pci_conf_read8(sbdf, reg); break;
    case 2: *val = pci_conf_read16(sbdf, reg); break;
    case 4: *val = pci_conf_read32(sbdf, reg); break;
    default: return -EINVAL;
    }

    return 0;
}

int xecam_port_pci_write(uint32_t host_sbdf, unsigned int reg,
                         unsigned int size, uint32_t val)
{
    pci_sbdf_t sbdf = { .sbdf = host_sbdf };

    if ( reg >= 256 || sbdf.seg )
        return pci_mmcfg_write(sbdf.seg, sbdf.bus, sbdf.devfn, reg, size,
                               val) ? -EIO : 0;
    switch ( size )
    {
    case 1: pci_conf_write8(sbdf, reg, val); break;
    case 2: pci_conf_write16(sbdf, reg, val); break;
    case 4: pci_conf_write32(sbdf, reg, val); break;
    default: return -EINVAL;
    }

    return 0;
}

/* The owner XEN_DOMCTL_assign_device made (hardware domain, dom_io...). */
int xecam_port_pci_owned(const struct xecam_domain *xd, uint32_t host_sbdf)
{
    const struct pci_dev *pdev;
    int rc;

    pcidevs_lock();
    pdev = pci_get_pdev(NULL, (pci_sbdf_t){ .sbdf = host_sbdf });
    rc = !pdev ? -ENODEV : pdev->domain != xecam_domain_host(xd) ? -EPERM : 0;
    pcidevs_unlock();

    return rc;
}

/* An I/O BAR: all-ones written and read back, decoding off meanwhile. */
static uint64_t io_bar_size(pci_sbdf_t sbdf, unsigned int pos)
{
    uint32_t bar = pci_conf_read32(sbdf, pos), sz;

    pci_conf_write32(sbdf, pos, ~0U);
    sz = pci_conf_read32(sbdf, pos) & PCI_BASE_ADDRESS_IO_MASK & 0xffff;
    pci_conf_write32(sbdf, pos, bar);

    return sz ? (~sz & 0xffff) + 1 : 0;
}

int xecam_port_pci_bar_size(uint32_t host_sbdf, unsigned int bar,
                            uint64_t *size)
{
    pci_sbdf_t sbdf = { .sbdf = host_sbdf };
    bool rom = bar == XECAM_PORT_ROM_BAR;
    unsigned int pos = rom ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + 4 * bar;
    uint16_t cmd;
    uint32_t val;

    if ( bar > XECAM_PORT_ROM_BAR )
        return -EINVAL;
    cmd = pci_conf_read16(sbdf, PCI_COMMAND);
    pci_conf_write16(sbdf, PCI_COMMAND,
                     cmd & ~(PCI_COMMAND_MEMORY | PCI_COMMAND_IO));
    val = pci_conf_read32(sbdf, pos);
    if ( !rom && (val & PCI_BASE_ADDRESS_SPACE) == PCI_BASE_ADDRESS_SPACE_IO )
    {
        /*
         * I/O BARs are not offered: Xen maps ports for HVM guests only
         * through the toolstack's XEN_DOMCTL_ioport_mapping list.  The
         * guest sees the BAR unimplemented; the device's memory BARs work.
         */
        *size = 0;
        printk(XENLOG_INFO "xen-ecam: %pp: I/O BAR %u (%#lx ports) not "
               "offered to guests\n", &sbdf, bar, io_bar_size(sbdf, pos));
    }
    else
        pci_size_mem_bar(sbdf, pos, NULL, size,
                         (rom ? PCI_BAR_ROM : 0) |
                         (bar == 5 ? PCI_BAR_LAST : 0));
    pci_conf_write16(sbdf, PCI_COMMAND, cmd);

    return 0;
}

/* A VF's PF, as pci_add_device() recorded it when the VF was added. */
int xecam_port_pci_physfn(uint32_t host_sbdf, uint32_t *pf_sbdf)
{
    const struct pci_dev *pdev;
    int rc = -ENODEV;

    pcidevs_lock();
    pdev = pci_get_pdev(NULL, (pci_sbdf_t){ .sbdf = host_sbdf });
    if ( pdev && pdev->info.is_virtfn )
    {
        pci_sbdf_t pf = { .seg = pdev->sbdf.seg,
                          .bus = pdev->info.physfn.bus,
                          .devfn = pdev->info.physfn.devfn };

        *pf_sbdf = pf.sbdf;
        rc = 0;
    }
    pcidevs_unlock();

    return rc;
}

/*
 * One VF's BAR as pci_add_device() sized the PF's VF BARn registers: only
 * if the PF's VFs were disabled then; 0 otherwise, and for an I/O or the
 * top half of a 64-bit VF BAR.
 */
int xecam_port_pci_vf_bar_size(uint32_t pf_sbdf, unsigned int bar,
                               uint64_t *size)
{
    const struct pci_dev *pdev;

    BUILD_BUG_ON(XECAM_PORT_VF_BARS != PCI_SRIOV_NUM_BARS);
    if ( bar >= XECAM_PORT_VF_BARS )
        return -EINVAL;
    pcidevs_lock();
    pdev = pci_get_pdev(NULL, (pci_sbdf_t){ .sbdf = pf_sbdf });
    if ( pdev )
        *size = pdev->vf_rlen[bar];
    pcidevs_unlock();

    return pdev ? 0 : -ENODEV;
}

/*
 * map_mmio_regions() does up to MAP_MMIO_MAX_ITER pages and then returns
 * how many it did when preemption is due; the caller goes on.  Between
 * calls, a preemptible caller stops when Xen wants the CPU (*done says how
 * far it got); an unpreemptible one (teardown's last resort) goes on.
 */
int xecam_port_bar_map(const struct xecam_domain *xd, bool map, bool io,
                       uint64_t gaddr, uint64_t haddr, uint64_t size,
                       bool preempt, uint64_t *done)
{
    struct domain *d = xecam_domain_host(xd);
    unsigned long pg = PFN_DOWN(*done), nr = PFN_UP(size);
    int rc = 0;

    if ( io || (gaddr | haddr | size | *done) & ~PAGE_MASK )
        return -EOPNOTSUPP;     /* I/O or sub-page: never offered */
    if ( map &&
         !iomem_access_permitted(d, PFN_DOWN(haddr), PFN_DOWN(haddr) + nr - 1) )
        return -EPERM;
    while ( pg < nr )
    {
        rc = (map ? map_mmio_regions : unmap_mmio_regions)
             (d, _gfn(PFN_DOWN(gaddr) + pg), nr - pg,
              _mfn(PFN_DOWN(haddr) + pg));
        if ( rc < 0 )
            break;
        pg = rc ? pg + rc : nr;
        *done = pfn_to_paddr(pg);
        if ( pg < nr && preempt && general_preempt_check() )
            return -ERESTART;
    }

    return rc < 0 ? rc : 0;
}

void xecam_port_domain_crash(const struct xecam_domain *xd)
{
    domain_crash(xecam_domain_host(xd));
}

int xecam_port_msi_bind(const struct xecam_domain *d, uint32_t host_sbdf,
                        bool bind, uint64_t addr, uint32_t data,
                        unsigned int vectors)
{
    return -EOPNOTSUPP;         /* Xen: XEN_DOMCTL_bind_pt_irq, by the DM */
}

int xecam_port_msix_control(const struct xecam_domain *d, uint32_t host_sbdf,
                            bool enable, bool maskall)
{
    return -EOPNOTSUPP;
}

int xecam_port_power_state(uint32_t host_sbdf, unsigned int state)
{
    return -EOPNOTSUPP;         /* done by dom0's pciback */
}

int xecam_port_reset_function(uint32_t host_sbdf)
{
    return -EOPNOTSUPP;         /* done by dom0's pciback */
}

/* Never called: domains run with XECAM_DOMF_HOST_IOREQ. */
int xecam_port_ioreq_send(const struct xecam_domain *d, unsigned int id,
                          unsigned int vcpu, ioreq_t *req)
{
    return -ENODEV;
}
