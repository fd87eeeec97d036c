/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ECAM core (hvm/): per-domain windows, the ECAM hypercalls, the MMCONFIG
 * and CF8/CFC traps, and routing of config accesses to vPCI devices, ioreq
 * servers or nobody.  This is what the host's glue calls.
 */
#ifndef XECAM_ECAM_H
#define XECAM_ECAM_H

#include <xecam/types.h>
#include <xecam/port.h>

struct xecam_domain;
struct xecam_vpci;

#define XECAM_MAX_WINDOWS    8   /* per domain: -ENOSPC beyond */
#define XECAM_MAX_SEGMENTS   8   /* routed segments per domain */
#define XECAM_MAX_SERVERS    8   /* ioreq servers per domain */
#define XECAM_MAX_RANGES   256   /* SBDF ranges per ioreq server (as Xen) */
/* Root Ports brought by XEN_DMOP_ecam_assign per domain: -ENOSPC beyond. */
#define XECAM_MAX_DMOP_PORTS 32

/* Domain policy, set by the toolstack when it creates the domain. */
#define XECAM_DOMF_SELF_ECAM (1U << 0)  /* may place its own ECAM windows */
#define XECAM_DOMF_CF8_EXT   (1U << 1)  /* CF8 bits 27:24 = register 11:8 */
/* Functions 1-7 of a slot are visible even without function 0. */
#define XECAM_DOMF_PARTIAL_MF (1U << 2)
/* Every device assigned is permissive (xl's pci_permissive). */
#define XECAM_DOMF_PERMISSIVE (1U << 3)
/*
 * Functions without a vPCI device are the host's: the traps answer
 * XECAM_IO_UNHANDLED for them and the host hands the access to its own
 * ioreq servers (Xen: an IOREQ_TYPE_PCI_CONFIG request to the server whose
 * PCI range holds the function, completed asynchronously) or ignores it.
 * An 8-byte ECAM access to such a function is a bad access: device models
 * take at most 4 bytes of config space at a time.
 */
#define XECAM_DOMF_HOST_IOREQ (1U << 4)
#define XECAM_DOMF_MASK      (XECAM_DOMF_SELF_ECAM | XECAM_DOMF_CF8_EXT | \
                              XECAM_DOMF_PARTIAL_MF | XECAM_DOMF_PERMISSIVE | \
                              XECAM_DOMF_HOST_IOREQ)

/* 'host' is the host's own domain object, for the port's use. fallible */
int  xecam_domain_create(domid_t id, unsigned int flags, void *host,
                         struct xecam_domain **out);
void xecam_domain_destroy(struct xecam_domain *d);
domid_t xecam_domain_id(const struct xecam_domain *d);
void *xecam_domain_host(const struct xecam_domain *d);

/*
 * Counters, updated without locks; a snapshot.  to_vpci and unclaimed are
 * statistics: exact on one vCPU, may miss counts when vCPUs race.
 */
struct xecam_stats {
    unsigned long accesses;      /* routed: to_vpci + to_ioreq + unclaimed */
    unsigned long bad_accesses;  /* misaligned, bad size, crossing 4 KiB */
    unsigned long to_vpci;
    unsigned long to_ioreq;
    unsigned long unclaimed;     /* no (visible) owner: all-ones / dropped */
    unsigned long ioreq_failed;  /* server broken or misbehaving */
    unsigned long refused;       /* vPCI writes refused (unknown bytes) */
};
void xecam_domain_stats(const struct xecam_domain *d, struct xecam_stats *s);

/* HVMOP_set_ecam_space / HVMOP_get_ecam_space; -ENOSYS for other ops. */
long xecam_hvm_op(unsigned int op, xecam_guest_handle_t arg);

/*
 * The ECAM DMOPs (public/hvm/ecam_dm_op.h), as the host's dm_op hands them
 * over: d looked up and held (never the caller itself), dm_op's own XSM
 * check passed, 'arg' the op's argument copied in (xecam_dm_op_size()
 * bytes).  *copy_back is set when arg holds a result for the caller, to be
 * copied out.  -EOPNOTSUPP for any other op, as Xen's dm_op() answers.
 */
int xecam_dm_op(struct xecam_domain *d, unsigned int op, void *arg,
                bool *copy_back);
/* The size of an ECAM DMOP's argument; 0 for any other op. */
size_t xecam_dm_op_size(unsigned int op);

/*
 * The HVM save record (struct xen_hvm_ecam_record, public/hvm/ecam_op.h):
 * save fills it in and returns false when the domain has no window (no
 * record then); load checks every field as the hypercall checks its
 * arguments and takes the windows and latch only if all pass, onto a
 * domain without windows: -EINVAL (a bad field), -EEXIST (over RAM, MMIO
 * or another of its windows), -EBUSY (the domain has windows).  fallible
 */
struct xen_hvm_ecam_record;
bool xecam_domain_save(struct xecam_domain *d,
                       struct xen_hvm_ecam_record *rec);
int xecam_domain_load(struct xecam_domain *d,
                      const struct xen_hvm_ecam_record *rec);

/*
 * Trapped accesses, shaped like Xen's hvm_mmio_ops / portio handlers.  They
 * complete (XECAM_IO_OKAY): a bad access reads all-ones or is dropped.  With
 * XECAM_DOMF_HOST_IOREQ an access to a function without a vPCI device is
 * XECAM_IO_UNHANDLED, nothing done and *val untouched: the host's to forward.
 */
#define XECAM_IO_OKAY       0
#define XECAM_IO_UNHANDLED  1

bool xecam_mmio_accept(struct xecam_domain *d, uint64_t gpa);
int  xecam_mmio_read(struct xecam_domain *d, unsigned int vcpu, uint64_t gpa,
                     unsigned int size, uint64_t *val);
int  xecam_mmio_write(struct xecam_domain *d, unsigned int vcpu, uint64_t gpa,
                      unsigned int size, uint64_t val);

/*
 * The function and register an address of a window stands for: the host's
 * device-model path (DOMF_HOST_IOREQ) sends ECAM accesses as PCI config
 * requests with them.  False outside every window.
 */
bool xecam_mmio_decode(struct xecam_domain *d, uint64_t gpa, uint32_t *sbdf,
                       unsigned int *reg);
/* Has the domain any window?  Without the lock: a hint, never torn. */
bool xecam_domain_has_window(const struct xecam_domain *d);

#define XECAM_PCI_CF8  0xcf8U
#define XECAM_PCI_CFC  0xcfcU

/*
 * Is the port access ours?  CF8 only as a dword (0xcf9 is the chipset's
 * reset control), CONFIG_DATA only inside 0xcfc-0xcff.  Inline: each
 * port intercept asks it before every access.
 */
static inline bool xecam_pio_accept(unsigned int port, unsigned int size)
{
    return (port == XECAM_PCI_CF8 && size == 4) ||
           (port >= XECAM_PCI_CFC && size && size <= 4 &&
            port + size <= XECAM_PCI_CFC + 4);
}

int  xecam_pio_read(struct xecam_domain *d, unsigned int vcpu,
                    unsigned int port, unsigned int size, uint32_t *val);
int  xecam_pio_write(struct xecam_domain *d, unsigned int vcpu,
                     unsigned int port, unsigned int size, uint32_t val);

/*
 * CFC-CFF with the host's own CONFIG_ADDRESS latch (Xen keeps one per
 * domain and shows every CF8 write to its device models too): one latch,
 * the host's; the module's (xecam_pio_*) is for hosts without one.
 */
/* What a CF8 write leaves in the latch: bits the domain does not decode go. */
uint32_t xecam_cf8_latch(const struct xecam_domain *d, uint32_t val);
int  xecam_cfc_read(struct xecam_domain *d, unsigned int vcpu, uint32_t cf8,
                    unsigned int port, unsigned int size, uint32_t *val);
int  xecam_cfc_write(struct xecam_domain *d, unsigned int vcpu, uint32_t cf8,
                     unsigned int port, unsigned int size, uint32_t val);

/*
 * Deferred host work (docs/locking.md): a vCPU whose access left a device
 * with host work it could not finish (preempted, or another was at it) is
 * kept from its guest by the host, which calls this until it returns false.
 */
bool xecam_vcpu_resume(struct xecam_domain *d, unsigned int vcpu);

/*
 * Domain teardown, before its devices change owner or its p2m goes:
 * every device quiesced (BARs unmapped, quiet).  Preemptible: -ERESTART
 * until done, then 0.  xecam_domain_destroy() afterwards frees.
 */
int xecam_domain_quiesce(struct xecam_domain *d);

/* Does [gpa, gpa + size) overlap one of the domain's windows? */
bool xecam_domain_over_window(struct xecam_domain *d, uint64_t gpa,
                              uint64_t size);

/*
 * Trap guest [gaddr, gaddr + len), BAR 'bar' of dev from offset 'bar_off'
 * (its MSI-X pages, while the BAR is mapped: vpci/work.c), or stop
 * trapping every range of that BAR.  -ENOSPC: too many trapped ranges.
 */
int xecam_domain_trap_add(struct xecam_domain *d, struct xecam_vpci *dev,
                          unsigned int bar, uint64_t gaddr, uint64_t len,
                          uint64_t bar_off);
void xecam_domain_trap_del(struct xecam_domain *d, struct xecam_vpci *dev,
                           unsigned int bar);
/*
 * Does [gpa, gpa + size) meet a trapped range, any device's?  The p2m
 * knows nothing of a trapped page: a BAR of MSI-X pages alone has
 * nothing mapped to show it is there.
 */
bool xecam_domain_over_trap(struct xecam_domain *d, uint64_t gpa,
                            uint64_t size);

/* Guest SBDF -> vPCI device.  -EEXIST if one is there already. */
int xecam_route_add_vpci(struct xecam_domain *d, uint32_t sbdf,
                         struct xecam_vpci *dev);             /* fallible */
/* The vPCI device at guest 'sbdf' (tools and tests), NULL if none. */
struct xecam_vpci *xecam_route_vpci(struct xecam_domain *d, uint32_t sbdf);
/* Returns the device that was routed there, NULL if none. */
struct xecam_vpci *xecam_route_remove_vpci(struct xecam_domain *d,
                                           uint32_t sbdf);

/*
 * Device assignment: host function 'host_sbdf' appears at 'guest_sbdf',
 * emulated by vPCI (XECAM_ASSIGN_* options).  -EEXIST: the guest function is
 * taken; -EBUSY: the host function is already assigned in this domain (in
 * Xen, to another domain is refused before, by device assignment itself),
 * or still being quiesced after its deassignment; plus
 * xecam_vpci_assign()'s errors.  Deassignment unmaps the BARs and quiets
 * the device before it returns 0 (nothing survives of what the guest set
 * up); -ENOENT if nothing is assigned there; -ERESTART (preempted, or a
 * vCPU is at the device's work): call again with the same arguments, as a
 * hypercall continuation does.
 */
int xecam_assign_device(struct xecam_domain *d, uint32_t guest_sbdf,
                        uint32_t host_sbdf, unsigned int flags);
int xecam_deassign_device(struct xecam_domain *d, uint32_t guest_sbdf);
/*
 * The same as xecam_assign_device() with capability overrides (struct
 * xecam_assign_opts, <xecam/vpci.h>); -EINVAL for a bad override.
 */
struct xecam_assign_opts;
int xecam_assign_device_opts(struct xecam_domain *d, uint32_t guest_sbdf,
                             uint32_t host_sbdf,
                             const struct xecam_assign_opts *opts);
/*
 * The host takes host function 'host_sbdf' back from the domain (Xen:
 * XEN_DOMCTL_deassign_device): if the vPCI has it, deassign it first, so it
 * is quiet and unmapped before it changes owner.  0 (also when the vPCI
 * does not have it), or xecam_deassign_device()'s -ERESTART.
 */
int xecam_release_host(struct xecam_domain *d, uint32_t host_sbdf);
/*
 * An emulated PCI Express Root Port at 'port_sbdf' (bus 0) with secondary
 * bus 'secondary', for an endpoint assigned on that bus; removed with
 * xecam_deassign_device().  -EINVAL, -EEXIST, -ENOMEM.
 */
int xecam_add_root_port(struct xecam_domain *d, uint32_t port_sbdf,
                        uint8_t secondary);

/*
 * Hot-plug through the slot of the Root Port at 'port_sbdf'
 * (docs/hotplug.md).  add: host function 'host_sbdf' appears behind the
 * empty slot (device 0 of the port's secondary bus) and the guest is told;
 * -ENODEV no port there, -EPERM/-ENODEV not the domain's function, -EBUSY
 * the slot is occupied, -EAGAIN the guest has not acknowledged the last
 * event; then xecam_assign_device()'s errors.  button: ask the guest to
 * let the function go (its attention button); -ENOENT empty, -EAGAIN the
 * last press unacknowledged.  remove: release the function once the guest
 * powered the slot off (-EBUSY until then), or at once if 'surprise';
 * -ENOENT empty; -ERESTART as xecam_deassign_device().
 */
int xecam_hotplug_add(struct xecam_domain *d, uint32_t port_sbdf,
                      uint32_t host_sbdf, unsigned int flags);
int xecam_hotplug_button(struct xecam_domain *d, uint32_t port_sbdf);
int xecam_hotplug_remove(struct xecam_domain *d, uint32_t port_sbdf,
                         bool surprise);

/* Ioreq servers, as the XEN_DMOP_*_ioreq_server operations drive them. */
int xecam_ioreq_server_create(struct xecam_domain *d, unsigned int id);
int xecam_ioreq_server_destroy(struct xecam_domain *d, unsigned int id);
/* Claim SBDFs [start, end] as XEN_DMOP_IO_RANGE_PCI does. */
int xecam_ioreq_map_range(struct xecam_domain *d, unsigned int id,
                          uint32_t start, uint32_t end);      /* fallible */
int xecam_ioreq_unmap_range(struct xecam_domain *d, unsigned int id,
                            uint32_t start, uint32_t end);

#endif /* XECAM_ECAM_H */
