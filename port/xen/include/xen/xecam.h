/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-ecam's entry points for the rest of Xen (CONFIG_XECAM): domain set-up
 * and teardown, the two HVMOPs, the ECAM DMOPs, and the ioreq path's view of
 * the windows.
 */
#ifndef __XEN_XECAM_H__
#define __XEN_XECAM_H__

#include <xen/types.h>
#include <public/xen.h>
#include <public/hvm/ioreq.h>
#include <public/hvm/ecam_op.h>

struct domain;
struct vcpu;
struct xecam_domain;
struct xen_domctl_createdomain;

#ifdef CONFIG_XECAM

/*
 * domain_create(), before the configuration is checked: with the
 * xecam-pvh-iommu command-line option, a PVH domU gets the IOMMU.
 */
void xecam_xen_domain_config(struct xen_domctl_createdomain *config);

/* hvm_domain_initialise(): the module's two intercepts (no state yet). */
int xecam_xen_domain_init(struct domain *d);
/* The module's state of an HVM domain, made on first use (opt-in). */
struct xecam_domain *xecam_xen_domain_state(struct domain *d);
/*
 * domain_relinquish_resources(), before pci_release_devices(): quiesce every
 * device; -ERESTART until done.
 */
int xecam_xen_domain_quiesce(struct domain *d);
/* hvm_domain_destroy(): free the state (idempotent). */
void xecam_xen_domain_destroy(struct domain *d);
/*
 * XEN_DOMCTL_deassign_device, before the device changes owner: take it
 * from the vPCI first; -ERESTART until done.
 */
int xecam_xen_release_device(struct domain *d, uint32_t machine_sbdf);
/* hvm_do_resume(): true while the vCPU's deferred device work is pending. */
bool xecam_xen_vcpu_resume(struct vcpu *v);
/* do_hvm_op(): HVMOP_set_ecam_space and HVMOP_get_ecam_space. */
long xecam_xen_hvm_op(unsigned long op, XEN_GUEST_HANDLE_PARAM(void) arg);
/*
 * dm_op(): the XEN_DMOP_ecam_* ops on d, 'arg' the op's union member as
 * dm_op() copied it in.  Clears *const_op when arg must be copied back.
 */
int xecam_xen_dm_op(struct domain *d, unsigned int op, void *arg,
                    bool *const_op);
/*
 * arch_ioreq_server_get_type_addr(): an MMIO request inside a window is a
 * PCI config request for the function it decodes to; *addr gets
 * (SBDF << 32) | register, as for CF8/CFC.
 */
bool xecam_xen_pci_config(const struct domain *d, const ioreq_t *p,
                          uint64_t *addr);

#else /* !CONFIG_XECAM */

static inline void xecam_xen_domain_config(
    struct xen_domctl_createdomain *config) {}

static inline int xecam_xen_domain_init(struct domain *d)
{
    return 0;
}

static inline int xecam_xen_domain_quiesce(struct domain *d)
{
    return 0;
}

static inline void xecam_xen_domain_destroy(struct domain *d) {}

static inline int xecam_xen_release_device(struct domain *d,
                                           uint32_t machine_sbdf)
{
    return 0;
}

static inline bool xecam_xen_vcpu_resume(struct vcpu *v)
{
    return false;
}

static inline long xecam_xen_hvm_op(unsigned long op,
                                    XEN_GUEST_HANDLE_PARAM(void) arg)
{
    return -ENOSYS;
}

static inline int xecam_xen_dm_op(struct domain *d, unsigned int op,
                                  void *arg, bool *const_op)
{
    return -EOPNOTSUPP;
}

static inline bool xecam_xen_pci_config(const struct domain *d,
                                        const ioreq_t *p, uint64_t *addr)
{
    return false;
}

#endif /* CONFIG_XECAM */

#endif /* __XEN_XECAM_H__ */
