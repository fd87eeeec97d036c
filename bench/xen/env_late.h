/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The part of the environment of Xen's vPCI code (env.h) that needs the
 * types of its stripped list.h and vpci.h: put after them, before the
 * code.  struct domain holds what the compiled files use of Xen's: the
 * device list (walked as d->pdev_list is), the MSI-X tables' list and the
 * rangesets' list; struct vcpu its pending vPCI work.
 */
#ifndef XECAM_BENCH_XEN_ENV_LATE_H
#define XECAM_BENCH_XEN_ENV_LATE_H

struct domain {
    struct pci_dev *pdev_list;          /* d->pdev_list */
    uint16_t domain_id;
    struct {
        struct {
            struct list_head msix_tables;
        } hvm;
    } arch;
    spinlock_t rangesets_lock;
    struct list_head rangesets;
};

struct vcpu {
    struct domain *domain;
    struct vpci_vcpu vpci;
};

#ifdef __XEN__
#undef REGISTER_VPCI_INIT
#define REGISTER_VPCI_INIT(x, p) XPEER_REGISTER_VPCI_INIT(x)
#endif

#endif /* XECAM_BENCH_XEN_ENV_LATE_H */
