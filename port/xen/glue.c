/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-ecam in Xen's HVM code: one MMIO intercept over the domain's ECAM
 * windows and one port intercept for CFC-CFF, registered once per HVM
 * domain (handlers cannot be unregistered, nor safely added while vCPUs
 * run); both answer only while the domain has a window, so a guest without
 * one sees Xen unchanged.
 *
 * Opt-in: the module's state is allocated when the toolstack or a device
 * model first acts on the domain (places a window, assigns a function);
 * until then d->arch.hvm.xecam is NULL and both intercepts decline at a
 * NULL test.  A guest alone cannot opt itself in.
 *
 * One CF8 latch, Xen's: d->arch.hvm.pci_cf8, which Xen's own CF8 handler
 * keeps and every device model still sees CF8 writes through; CFC accesses
 * here decode with it.
 *
 * Functions with a vPCI device are served here.  Every other access is
 * left to Xen (X86EMUL_UNHANDLEABLE, XECAM_DOMF_HOST_IOREQ): the ioreq path
 * turns it into an IOREQ_TYPE_PCI_CONFIG request for the server that
 * claimed the function (xecam_xen_pci_config() for ECAM, the CF8 latch for
 * CFC) and completes it asynchronously, or reads all-ones without one.
 */
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/xecam.h>
#include <asm/hvm/domain.h>
#include <asm/hvm/io.h>
#include <asm/hvm/save.h>
#include <asm/x86_emulate.h>

#include <xecam/ecam.h>
#include <public/hvm/ecam_op.h>

static struct xecam_domain *active(const struct domain *d)
{
    struct xecam_domain *xd = ACCESS_ONCE(d->arch.hvm.xecam);

    return xd && xecam_domain_has_window(xd) ? xd : NULL;
}

/*
 * The domain's state, made on first use.  Published once with cmpxchg and
 * never changed until hvm_domain_destroy(), after every RCU reader is gone.
 */
struct xecam_domain *xecam_xen_domain_state(struct domain *d)
{
    struct xecam_domain *xd = ACCESS_ONCE(d->arch.hvm.xecam), *old;

    if ( xd || !is_hvm_domain(d) || has_vpci(d) || d->is_dying )
        return xd;
    if ( xecam_domain_create(d->domain_id, XECAM_DOMF_HOST_IOREQ, d, &xd) )
        return NULL;
    old = cmpxchg(&d->arch.hvm.xecam, NULL, xd);
    if ( old )
    {
        xecam_domain_destroy(xd);   /* another was first */
        return old;
    }
    printk(XENLOG_INFO "%pd: xen-ecam: enabled\n", d);

    return xd;
}

static int emul_rc(int rc)
{
    return rc == XECAM_IO_OKAY ? X86EMUL_OKAY : X86EMUL_UNHANDLEABLE;
}

/* ---- MMCONFIG ---- */

static const struct hvm_mmio_ops ecam_ops;

/*
 * Does another of Xen's MMIO intercepts take 'addr'?  Xen's own emulation
 * wins inside a window, as a CPU's local APIC does over the chipset's
 * MMCONFIG decode: a LAPIC the guest moved there, or the MSI-X table of a
 * passed-through device whose handler (msixtbl) Xen registers after ours,
 * at the first assignment, and whose pages the placement's p2m walk sees
 * only as emulated MMIO.  A read probe, so no intercept acts on it.
 */
static bool claimed_by_xen(const struct vcpu *v, unsigned long addr)
{
    const struct domain *d = v->domain;
    const ioreq_t probe = {
        .type = IOREQ_TYPE_COPY, .dir = IOREQ_READ, .state = STATE_IOREQ_NONE,
        .addr = addr, .size = 1, .count = 1,
    };
    bool after_ours = false;
    unsigned int i;

    /* Xen asks its intercepts in order: those before ours said no. */
    for ( i = 0; i < d->arch.hvm.io_handler_count; i++ )
    {
        const struct hvm_io_handler *h = &d->arch.hvm.io_handler[i];

        if ( h->type != IOREQ_TYPE_COPY )
            continue;
        if ( h->mmio.ops == &ecam_ops )
            after_ours = true;
        else if ( after_ours && h->ops->accept(h, &probe) )
            return true;
    }

    return false;
}

static int cf_check ecam_check(struct vcpu *v, unsigned long addr)
{
    struct xecam_domain *xd = active(v->domain);

    return xd && xecam_mmio_accept(xd, addr) && !claimed_by_xen(v, addr);
}

static int cf_check ecam_read(struct vcpu *v, unsigned long addr,
                              unsigned int len, unsigned long *val)
{
    uint64_t data = ~0ULL;
    int rc = xecam_mmio_read(v->domain->arch.hvm.xecam, v->vcpu_id, addr,
                             len, &data);

    if ( rc == XECAM_IO_OKAY )
        *val = data;

    return emul_rc(rc);
}

static int cf_check ecam_write(struct vcpu *v, unsigned long addr,
                               unsigned int len, unsigned long val)
{
    return emul_rc(xecam_mmio_write(v->domain->arch.hvm.xecam, v->vcpu_id,
                                    addr, len, val));
}

static const struct hvm_mmio_ops ecam_ops = {
    .check = ecam_check,
    .read  = ecam_read,
    .write = ecam_write,
};

/*
 * ---- CF8/CFC, with Xen's own CF8 latch ----
 * Ahead of Xen's CF8 handler (registered by ioreq_domain_init(), after
 * ours).  A CF8 write sets Xen's latch, d->arch.hvm.pci_cf8, to what the
 * domain decodes, and goes on to the device model (UNHANDLEABLE), which
 * sees every CF8 write as it does without the module.  A CF8 read answers
 * from that latch; CFC accesses decode with it, here and in Xen's ioreq
 * path alike.
 */

static bool cf_check pci_accept(const struct hvm_io_handler *handler,
                                const ioreq_t *p)
{
    return active(current->domain) && xecam_pio_accept(p->addr, p->size);
}

static int cf_check pci_read(const struct hvm_io_handler *handler,
                             uint64_t addr, uint32_t size, uint64_t *data)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    uint32_t val = ~0U, cf8 = ACCESS_ONCE(d->arch.hvm.pci_cf8);
    int rc;

    if ( addr == XECAM_PCI_CF8 )
    {
        *data = cf8;
        return X86EMUL_OKAY;
    }
    rc = xecam_cfc_read(d->arch.hvm.xecam, v->vcpu_id, cf8, addr, size, &val);

    if ( rc == XECAM_IO_OKAY )
        *data = val;

    return emul_rc(rc);
}

static int cf_check pci_write(const struct hvm_io_handler *handler,
                              uint64_t addr, uint32_t size, uint64_t data)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;

    if ( addr == XECAM_PCI_CF8 )
    {
        d->arch.hvm.pci_cf8 = xecam_cf8_latch(d->arch.hvm.xecam, data);
        return X86EMUL_UNHANDLEABLE;    /* the device model sees it too */
    }
    return emul_rc(xecam_cfc_write(d->arch.hvm.xecam, v->vcpu_id,
                                   ACCESS_ONCE(d->arch.hvm.pci_cf8), addr,
                                   size, data));
}

static const struct hvm_io_ops pci_ops = {
    .accept = pci_accept,
    .read   = pci_read,
    .write  = pci_write,
};

/* ---- The HVM save record: windows and latch, when there is a window ---- */

static int cf_check ecam_save(struct vcpu *v, hvm_domain_context_t *h)
{
    struct xecam_domain *xd = v->domain->arch.hvm.xecam;
    struct xen_hvm_ecam_record rec;

    if ( !xd || !xecam_domain_save(xd, &rec) )
        return 0;
    rec.cf8 = v->domain->arch.hvm.pci_cf8;  /* the one latch, Xen's */

    return hvm_save_entry(XECAM, 0, h, &rec);
}

static int cf_check ecam_load(struct domain *d, hvm_domain_context_t *h)
{
    struct xecam_domain *xd = xecam_xen_domain_state(d);
    struct xen_hvm_ecam_record rec;
    int rc;

    if ( !xd )
        return -ENODEV;             /* a domain with Xen's own vPCI */
    if ( hvm_load_entry(XECAM, h, &rec) )
        return -EINVAL;
    rc = xecam_domain_load(xd, &rec);
    if ( rc )
        printk(XENLOG_G_ERR "%pd: xen-ecam: save record refused (%d)\n",
               d, rc);
    else
        d->arch.hvm.pci_cf8 = rec.cf8;  /* one latch, as pci_write keeps */

    return rc;
}

HVM_REGISTER_SAVE_RESTORE(XECAM, ecam_save, ecam_load, 1, HVMSR_PER_DOM);

/* ---- Entry points ---- */

/*
 * xecam-pvh-iommu: give every PVH domU the IOMMU at creation.  Xen 4.17's
 * libxl refuses passthrough = "..." for PVH guests, and the IOMMU can only
 * be given to a domain when it is made, so without this a PVH guest could
 * never own a function for xen-ecam to pass through.  Off by default: a
 * domain with the IOMMU costs its page tables.
 */
static bool __read_mostly opt_pvh_iommu;
boolean_param("xecam-pvh-iommu", opt_pvh_iommu);

void xecam_xen_domain_config(struct xen_domctl_createdomain *config)
{
    if ( opt_pvh_iommu && iommu_enabled &&
         (config->flags & XEN_DOMCTL_CDF_hvm) &&
         config->arch.emulation_flags == XEN_X86_EMU_LAPIC )
        config->flags |= XEN_DOMCTL_CDF_iommu;
}

int xecam_xen_domain_init(struct domain *d)
{
    struct hvm_io_handler *handler;

    /* The PVH hardware domain has Xen's own vPCI and MMCFG handlers. */
    if ( has_vpci(d) )
        return 0;
    register_mmio_handler(d, &ecam_ops);
    handler = hvm_next_io_handler(d);
    if ( !handler )
        return -ENOSPC;
    handler->type = IOREQ_TYPE_PIO;
    handler->ops = &pci_ops;

    return 0;
}

/*
 * domain_relinquish_resources(), before pci_release_devices() and the
 * paging teardown: every BAR unmapped from a p2m that still stands, every
 * device quiet, before any of them changes owner.  -ERESTART until done.
 */
int xecam_xen_domain_quiesce(struct domain *d)
{
    struct xecam_domain *xd;

    if ( !is_hvm_domain(d) )
        return 0;
    xd = ACCESS_ONCE(d->arch.hvm.xecam);

    return xd ? xecam_domain_quiesce(xd) : 0;
}

/*
 * hvm_domain_destroy(), from the RCU callback that frees the domain: no
 * hypercall can hold it any more.
 */
void xecam_xen_domain_destroy(struct domain *d)
{
    xecam_domain_destroy(d->arch.hvm.xecam);
    d->arch.hvm.xecam = NULL;
}

/*
 * XEN_DOMCTL_deassign_device, before pcidevs_lock(): a function the
 * vPCI still has is deassigned from it first (quiet, BARs unmapped) and
 * only then changes owner.  -ERESTART becomes the domctl's continuation.
 */
int xecam_xen_release_device(struct domain *d, uint32_t machine_sbdf)
{
    struct xecam_domain *xd;

    if ( !is_hvm_domain(d) )
        return 0;
    xd = ACCESS_ONCE(d->arch.hvm.xecam);

    return xd ? xecam_release_host(xd, machine_sbdf) : 0;
}

/* hvm_do_resume(): true while the vCPU's device work is not done. */
bool xecam_xen_vcpu_resume(struct vcpu *v)
{
    return xecam_vcpu_resume(ACCESS_ONCE(v->domain->arch.hvm.xecam),
                             v->vcpu_id);
}

long xecam_xen_hvm_op(unsigned long op, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    xecam_guest_handle_t handle = { .p = arg.p };

    return xecam_hvm_op(op, handle);
}

bool xecam_xen_pci_config(const struct domain *d, const ioreq_t *p,
                          uint64_t *addr)
{
    struct xecam_domain *xd = active(d);
    unsigned int reg;
    uint32_t sbdf;

    if ( !xd || p->type != IOREQ_TYPE_COPY || p->size > 4 ||
         !xecam_mmio_decode(xd, p->addr, &sbdf, &reg) )
        return false;
    *addr = ((uint64_t)sbdf << 32) | reg;

    return true;
}
