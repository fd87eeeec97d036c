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
#include <xen/rcupdate.h>
#include <xen/rwlock.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>
#include <xsm/xsm.h>
#include <xen/iommu.h>
#include <xen/irq.h>
#include <xen/vmap.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/msi.h>
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

/*
 * RCU: a read section counts on its CPU (rcu_quiesce_disable()), nothing
 * shared; the callback runs from the RCU softirq after a grace period.
 */
static DEFINE_RCU_READ_LOCK(xecam_rcu);

struct xen_rcu {
    struct rcu_head head;
    void (*fn)(struct xecam_rcu_head *h);
};

void xecam_port_rcu_read_lock(void)
{
    rcu_read_lock(&xecam_rcu);
}

void xecam_port_rcu_read_unlock(void)
{
    rcu_read_unlock(&xecam_rcu);
}

static void cf_check rcu_done(struct rcu_head *head)
{
    struct xen_rcu *r = container_of(head, struct xen_rcu, head);

    r->fn((struct xecam_rcu_head *)r);
}

void xecam_port_call_rcu(struct xecam_rcu_head *h,
                         void (*fn)(struct xecam_rcu_head *h))
{
    struct xen_rcu *r = (struct xen_rcu *)h;

    BUILD_BUG_ON(sizeof(*r) > sizeof(*h));
    r->fn = fn;
    call_rcu(&r->head, rcu_done);
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

/*
 * ---- Interrupts: a pirq per vector, bound to the guest's vector ----
 *
 * As Xen's own vPCI does for the hardware domain (arch/x86/hvm/vmsi.c):
 * allocate_and_map_msi_pirq() has Xen program the device's MSI registers
 * or MSI-X entry with a host vector, pt_irq_create_bind() routes that pirq
 * to the guest's vector, always with gtable 0 so Xen's own MSI-X table
 * intercept (msixtbl) never claims the guest's table: the module's is the
 * one the guest sees.  Lock order, Xen's: pcidevs_lock, then the domain's
 * event_lock, then the IRQ descriptor's lock; the module holds none of
 * its own (docs/locking.md).  Called from the vCPU that wrote the
 * register, or from the toolstack tearing down; create_irq() grants that
 * caller's domain the IRQ until unmap_domain_pirq() frees it.
 */

/* The fields of a guest MSI message that Xen's bind flags carry. */
static const struct {
    bool in_data;
    uint32_t from, to;
} gflag_fields[] = {
    { false, MSI_ADDR_DEST_ID_MASK, XEN_DOMCTL_VMSI_X86_DEST_ID_MASK },
    { false, MSI_ADDR_REDIRECTION_MASK, XEN_DOMCTL_VMSI_X86_RH_MASK },
    { false, MSI_ADDR_DESTMODE_MASK, XEN_DOMCTL_VMSI_X86_DM_MASK },
    { true, MSI_DATA_DELIVERY_MODE_MASK, XEN_DOMCTL_VMSI_X86_DELIV_MASK },
    { true, MSI_DATA_TRIGGER_MASK, XEN_DOMCTL_VMSI_X86_TRIG_MASK },
};

static uint32_t gflags(const struct xecam_msi_msg *m, bool masked)
{
    uint32_t f = masked ? 0 : XEN_DOMCTL_VMSI_X86_UNMASKED;
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(gflag_fields); i++ )
    {
        uint32_t v = gflag_fields[i].in_data ? m->data : (uint32_t)m->addr;

        f |= ((v & gflag_fields[i].from) / (gflag_fields[i].from &
                                            -gflag_fields[i].from)) *
             (gflag_fields[i].to & -gflag_fields[i].to);
    }

    return f;
}

/* Only messages to the local APICs are bound (Xen delivers no others). */
static bool msg_ok(const struct xecam_msi_msg *m)
{
    return (m->addr & ~0xfffffULL) == MSI_ADDR_HEADER;
}

/*
 * Route pirqs [pirq, pirq + n) to the guest's vectors (a bound pirq is
 * updated in place).  Under pcidevs_lock; on failure none stays bound.
 */
static int bind_pirqs(struct domain *d, int pirq, const struct xecam_msi_msg *m,
                      unsigned int n, uint32_t masks)
{
    unsigned int i, vec = m->data & MSI_DATA_VECTOR_MASK;
    int rc = 0;

    ASSERT(pcidevs_locked());
    for ( i = 0; !rc && i < n; i++ )
    {
        struct xen_domctl_bind_pt_irq bind = {
            .machine_irq = pirq + i,
            .irq_type = PT_IRQ_TYPE_MSI,
            .u.msi.gvec = (vec & ~(n - 1)) | i,
            .u.msi.gflags = gflags(m, masks & (1U << i)),
            .u.msi.gtable = 0,
        };

        rc = pt_irq_create_bind(d, &bind);
    }
    while ( rc && i-- > 1 )
    {
        struct xen_domctl_bind_pt_irq unbind = {
            .machine_irq = pirq + i - 1, .irq_type = PT_IRQ_TYPE_MSI,
        };

        pt_irq_destroy_bind(d, &unbind);
    }

    return rc;
}

/* Unbind and free pirqs [pirq, pirq + n): Xen disables or masks them. */
static int unmap_pirqs(struct domain *d, int pirq, unsigned int n)
{
    unsigned int i;
    int rc;

    pcidevs_lock();
    for ( i = 0; i < n; i++ )
    {
        struct xen_domctl_bind_pt_irq unbind = {
            .machine_irq = pirq + i, .irq_type = PT_IRQ_TYPE_MSI,
        };

        pt_irq_destroy_bind(d, &unbind);
    }
    write_lock(&d->event_lock);
    rc = unmap_domain_pirq(d, pirq);
    write_unlock(&d->event_lock);
    pcidevs_unlock();

    return rc;
}

/* A new pirq (or n, consecutive) for the function's MSI or an entry. */
static int map_pirqs(struct domain *d, uint32_t sbdf, unsigned int n,
                     uint64_t table_base, unsigned int entry, int *pirq)
{
    struct msi_info info = {
        .sbdf.sbdf = sbdf, .table_base = table_base,
        .entry_nr = table_base ? entry : n,
    };

    *pirq = -1;

    return allocate_and_map_msi_pirq(d, -1, pirq,
                                     table_base || n == 1 ? MAP_PIRQ_TYPE_MSI
                                     : MAP_PIRQ_TYPE_MULTI_MSI, &info);
}

/* The function's MSI Control, with ENABLE as given. */
static void set_msi_enable(struct domain *d, uint32_t sbdf, bool on)
{
    pci_sbdf_t s = { .sbdf = sbdf };
    unsigned int pos;
    uint16_t c;

    pcidevs_lock();
    pos = pci_get_pdev(d, s) ? pci_find_cap_offset(s.seg, s.bus, s.dev,
                                                   s.fn, PCI_CAP_ID_MSI)
                             : 0;
    if ( pos )
    {
        c = pci_conf_read16(s, msi_control_reg(pos));
        c = on ? c | PCI_MSI_FLAGS_ENABLE : c & ~PCI_MSI_FLAGS_ENABLE;
        pci_conf_write16(s, msi_control_reg(pos), c);
    }
    pcidevs_unlock();
}

int xecam_port_msi_bind(const struct xecam_domain *xd, uint32_t host_sbdf,
                        const struct xecam_msi_msg *msg, unsigned int vectors,
                        uint32_t masks, int *pirq)
{
    struct domain *d = xecam_domain_host(xd);
    bool fresh = *pirq < 0;
    int p = *pirq, rc;

    if ( !is_iommu_enabled(d) )
        return -EOPNOTSUPP;
    if ( !msg_ok(msg) || !vectors || vectors > 32 ||
         (vectors & (vectors - 1)) )
        return -EINVAL;
    if ( fresh && (rc = map_pirqs(d, host_sbdf, vectors, 0, 0, &p)) )
        return rc;
    pcidevs_lock();
    rc = bind_pirqs(d, p, msg, vectors, (masks & ~1U) | msg->masked);
    pcidevs_unlock();
    if ( rc && fresh )
        unmap_pirqs(d, p, 0);
    else if ( !rc && fresh )
        set_msi_enable(d, host_sbdf, true);
    if ( !rc )
        *pirq = p;

    return rc;
}

int xecam_port_msi_unbind(const struct xecam_domain *xd, uint32_t host_sbdf,
                          int pirq, unsigned int vectors)
{
    struct domain *d = xecam_domain_host(xd);

    set_msi_enable(d, host_sbdf, false);

    return unmap_pirqs(d, pirq, vectors);
}

/*
 * Where the host has the function's MSI-X table, or 0 if Xen has not
 * been told (dom0's pciback calls PHYSDEVOP_prepare_msix when it takes the
 * function): binding an entry then would make Xen crash the domain.
 */
static uint64_t msix_table(struct domain *d, uint32_t sbdf)
{
    const struct pci_dev *pdev;
    uint64_t at = 0;

    pcidevs_lock();
    pdev = pci_get_pdev(d, (pci_sbdf_t){ .sbdf = sbdf });
    if ( pdev && pdev->msix && pdev->msix->used_entries &&
         pdev->msix->table.first )
        at = pfn_to_paddr(pdev->msix->table.first);
    pcidevs_unlock();

    return at;
}

int xecam_port_msix_bind(const struct xecam_domain *xd, uint32_t host_sbdf,
                         unsigned int entry, const struct xecam_msi_msg *msg,
                         int *pirq)
{
    struct domain *d = xecam_domain_host(xd);
    uint64_t table = msix_table(d, host_sbdf);
    bool fresh = *pirq < 0;
    int p = *pirq, rc;

    if ( !is_iommu_enabled(d) )
        return -EOPNOTSUPP;
    if ( !table )
        return -ENODATA;
    if ( !msg_ok(msg) )
        return -EINVAL;
    if ( fresh && (rc = map_pirqs(d, host_sbdf, 1, table, entry, &p)) )
        return rc;
    pcidevs_lock();
    rc = bind_pirqs(d, p, msg, 1, msg->masked);
    pcidevs_unlock();
    if ( rc && fresh )
        unmap_pirqs(d, p, 0);
    if ( !rc )
        *pirq = p;

    return rc;
}

int xecam_port_msix_unbind(const struct xecam_domain *xd, uint32_t host_sbdf,
                           unsigned int entry, int pirq)
{
    return unmap_pirqs(xecam_domain_host(xd), pirq, 1);
}

int xecam_port_irq_mask(const struct xecam_domain *xd, int pirq, bool mask)
{
    unsigned long flags;
    struct irq_desc *desc = domain_spin_lock_irq_desc(xecam_domain_host(xd),
                                                      pirq, &flags);

    if ( !desc )
        return -ENOENT;
    guest_mask_msi_irq(desc, mask);
    spin_unlock_irqrestore(&desc->lock, flags);

    return 0;
}

/* An emulated device's MSI (a Root Port's slot event), as a DM's would. */
int xecam_port_msi_inject(const struct xecam_domain *xd, uint64_t addr,
                          uint32_t data)
{
    return hvm_inject_msi(xecam_domain_host(xd), addr, data);
}

/* MSI-X Control as Xen keeps it: its own function mask stays in force. */
int xecam_port_msix_control(const struct xecam_domain *xd, uint32_t host_sbdf,
                            bool enable, bool maskall)
{
    struct domain *d = xecam_domain_host(xd);
    pci_sbdf_t s = { .sbdf = host_sbdf };
    struct pci_dev *pdev;
    unsigned int pos = 0;
    uint32_t c;
    int rc = -ENODEV;

    pcidevs_lock();
    pdev = pci_get_pdev(d, s);
    if ( pdev && pdev->msix )
        pos = pci_find_cap_offset(s.seg, s.bus, s.dev, s.fn,
                                  PCI_CAP_ID_MSIX);
    if ( pos )
    {
        c = pci_conf_read16(s, msix_control_reg(pos)) &
            ~(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
        c |= (enable ? PCI_MSIX_FLAGS_ENABLE : 0) |
             (maskall ? PCI_MSIX_FLAGS_MASKALL : 0);
        rc = pci_msi_conf_write_intercept(pdev, msix_control_reg(pos), 2, &c);
        if ( rc >= 0 )
            pci_conf_write16(s, msix_control_reg(pos), c);
        rc = rc < 0 ? rc : 0;
    }
    pcidevs_unlock();

    return rc;
}

/*
 * The function's memory outside what the guest has mapped: the PBA, and
 * what shares the table's pages.  A page mapped for the one access.
 */
static int bar_access(const struct xecam_domain *xd, uint64_t haddr,
                      unsigned int size, bool write, uint64_t *val)
{
    struct domain *d = xecam_domain_host(xd);
    void __iomem *page;
    void __iomem *va;

    if ( !size || size > 8 || (size & (size - 1)) || (haddr & (size - 1)) )
        return -EINVAL;
    if ( !iomem_access_permitted(d, PFN_DOWN(haddr), PFN_DOWN(haddr)) )
        return -EPERM;          /* not memory the toolstack gave it */
    page = ioremap(haddr & PAGE_MASK, PAGE_SIZE);
    if ( !page )
        return -ENOMEM;
    va = page + (haddr & ~PAGE_MASK);
    switch ( size )
    {
    case 1:
        write ? writeb(*val, va) : (void)(*val = readb(va));
        break;
    case 2:
        write ? writew(*val, va) : (void)(*val = readw(va));
        break;
    case 4:
        write ? writel(*val, va) : (void)(*val = readl(va));
        break;
    default:
        write ? writeq(*val, va) : (void)(*val = readq(va));
        break;
    }
    iounmap(page);

    return 0;
}

int xecam_port_bar_read(const struct xecam_domain *d, uint32_t host_sbdf,
                        uint64_t haddr, unsigned int size, uint64_t *val)
{
    return bar_access(d, haddr, size, false, val);
}

int xecam_port_bar_write(const struct xecam_domain *d, uint32_t host_sbdf,
                         uint64_t haddr, unsigned int size, uint64_t val)
{
    return bar_access(d, haddr, size, true, &val);
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
