/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The port: everything hvm/ and vpci/ need from their host, and nothing else.
 *
 * Inside Xen (port/xen/) these map onto rwlocks, xzalloc, gprintk, guest
 * handles, XSM, the p2m, pci_conf_read/write and the ioreq server code.  In
 * userspace (port/user/) they map onto pthreads, malloc, a log sink tests can
 * read, simulated host devices and a device-model thread, and every fallible
 * call can be made to fail on demand.
 *
 * Calls marked "fallible" return 0 or a negative errno value.
 */
#ifndef XECAM_PORT_H
#define XECAM_PORT_H

#include <xecam/types.h>

struct xecam_domain;

/*
 * ---- Locks ----
 * A reader/writer lock for domains, read on every trapped access and
 * written rarely (Xen: a percpu rwlock, whose readers write nothing shared);
 * a mutex for devices, whose readers go without it (<xecam/seqcount.h>)
 * (Xen: a spinlock).
 *
 * The lock order (docs/locking.md; the userspace port checks it): host
 * locks, then one domain lock, then one device mutex.  Under either, only
 * leaf calls: config space (pci_read/write, pci_bar_size), log, zalloc,
 * free, current_domid.  Never under them, as they can take host locks or
 * wait: bar_map, msi_bind/unbind, msix_bind/unbind, irq_mask, msix_control,
 * bar_read/write, power_state, reset_function,
 * gpa_range_free, ioreq_send, domain_get/put, copy_from/to_guest,
 * may_control, pci_physfn, pci_vf_bar_size.
 */
struct xecam_lock;
struct xecam_mutex;

int  xecam_port_lock_create(struct xecam_lock **lock);       /* fallible */
void xecam_port_lock_destroy(struct xecam_lock *lock);
void xecam_port_read_lock(struct xecam_lock *lock);
void xecam_port_read_unlock(struct xecam_lock *lock);
void xecam_port_write_lock(struct xecam_lock *lock);
void xecam_port_write_unlock(struct xecam_lock *lock);

int  xecam_port_mutex_create(struct xecam_mutex **m);        /* fallible */
void xecam_port_mutex_destroy(struct xecam_mutex *m);
void xecam_port_mutex_lock(struct xecam_mutex *m);
void xecam_port_mutex_unlock(struct xecam_mutex *m);

/*
 * ---- RCU ----
 * A read section marks its CPU and writes nothing shared (Xen:
 * rcu_read_lock() on the module's rcu_read_lock_t).  Inside one, a device
 * mutex may be taken, at the place of the domain lock in the order; no
 * domain lock, no host call, no wait.  xecam_port_call_rcu() calls fn(h)
 * once every read section that was running has ended (Xen: call_rcu(); fn
 * runs in a softirq and may only free): memory a reader may have found
 * goes that way.
 */
struct xecam_rcu_head {
    void *opaque[3];                /* the port's: Xen's rcu_head and fn */
};

void xecam_port_rcu_read_lock(void);
void xecam_port_rcu_read_unlock(void);
void xecam_port_call_rcu(struct xecam_rcu_head *h,
                         void (*fn)(struct xecam_rcu_head *h));

/* ---- Memory: zeroed allocation; NULL on failure. ---- */
void *xecam_port_zalloc(size_t size);
void  xecam_port_free(void *ptr);

/* ---- Logging. ---- */
#define XECAM_LOG_ERR    0U
#define XECAM_LOG_WARN   1U
#define XECAM_LOG_INFO   2U
#define XECAM_LOG_DEBUG  3U
#define XECAM_LOG_LEVEL  0x0fU
/*
 * A guest (or device model) can trigger this message at will: the port
 * rate-limits it, like Xen's XENLOG_G_* levels.
 */
#define XECAM_LOG_GUEST  0x10U

void xecam_port_log(unsigned int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- Hypercall arguments. ---- */
typedef struct xecam_guest_handle {
    void *p;
} xecam_guest_handle_t;

int xecam_port_copy_from_guest(void *dst, xecam_guest_handle_t src,
                               size_t len);                   /* fallible */
int xecam_port_copy_to_guest(xecam_guest_handle_t dst, const void *src,
                             size_t len);                     /* fallible */

/* ---- Domains. ---- */
/* The domain making the current hypercall. */
domid_t xecam_port_current_domid(void);
/* Look a domain up and hold a reference; NULL if there is none. */
struct xecam_domain *xecam_port_domain_get(domid_t domid);
void xecam_port_domain_put(struct xecam_domain *d);
/*
 * The XSM hook: may 'caller' act on the ECAM windows of 'target' (the
 * HVMOPs and the window DMOPs)?  0 or -EPERM.  Xen: XSM_TARGET when caller
 * is target, xsm_ecam_window(XSM_DM_PRIV) otherwise (the toolstack, or
 * target's device model).  A domain placing its own windows also needs its
 * policy (XECAM_DOMF_SELF_ECAM); the core checks it.
 */
int xecam_port_may_control(domid_t caller, const struct xecam_domain *target);

/*
 * The XSM hook of device assignment (the ECAM DMOPs): may 'caller' give
 * host functions 'target' owns to target's vPCI, and take them back?  0 or
 * -EPERM.  Xen: xsm_ecam_assign(XSM_DM_PRIV): the toolstack, or target's
 * device model; never the target itself.
 */
int xecam_port_may_assign(domid_t caller, const struct xecam_domain *target);
/*
 * Is 'target' being destroyed (Xen: d->is_dying)?  Nothing is assigned to
 * a dying domain.
 */
bool xecam_port_domain_dying(const struct xecam_domain *target);

/*
 * The p2m query: is [gpa, gpa + size) free of RAM and of any MMIO that
 * something other than xen-ecam traps?  0 if free, -EEXIST if not, -EINVAL
 * if the guest cannot address it at all, another negative errno if the
 * query itself failed.  Called without the domain's lock.
 * With 'progress' the walk is preemptible: it starts *progress bytes in
 * (known free already) and, preempted, returns -ERESTART with *progress
 * advanced, so a hypercall continuation goes on where it stopped.  Without
 * it (a save record's load) the walk runs to the end.           fallible
 */
int xecam_port_gpa_range_free(const struct xecam_domain *d, uint64_t gpa,
                              uint64_t size, uint64_t *progress);

/* ---- Physical devices: config space by host SBDF. ---- */
int xecam_port_pci_read(uint32_t host_sbdf, unsigned int reg,
                        unsigned int size, uint32_t *val);    /* fallible */
int xecam_port_pci_write(uint32_t host_sbdf, unsigned int reg,
                         unsigned int size, uint32_t val);    /* fallible */

/*
 * Does domain d own host function 'host_sbdf' through the IOMMU, as device
 * assignment (Xen: XEN_DOMCTL_assign_device) left it?  0 if it does,
 * -ENODEV if the host has no such function, -EPERM if it is another
 * domain's (the hardware domain's, quarantined, another guest's).
 */
int xecam_port_pci_owned(const struct xecam_domain *d, uint32_t host_sbdf);

/*
 * Size of BAR 'bar' (0-5; XECAM_PORT_ROM_BAR for the expansion ROM) of a
 * host function, as the host's PCI code sized it; 0 if unimplemented.  The
 * BAR's type and address come from its config-space value.     fallible
 */
#define XECAM_PORT_ROM_BAR 6
int xecam_port_pci_bar_size(uint32_t host_sbdf, unsigned int bar,
                            uint64_t *size);

/*
 * ---- SR-IOV. ----  A Virtual Function's BARs read 0: its memory is
 * defined by its Physical Function's SR-IOV capability (docs/vpci.md).
 *
 * physfn: is host function 'host_sbdf' a VF?  0 and its PF in *pf_sbdf if
 * it is; -ENODEV if it is not (a PF, an ordinary function, or none the host
 * knows of), *pf_sbdf untouched.  Xen: the pdev's info.is_virtfn and
 * info.physfn.
 *
 * vf_bar_size: the size of one VF's BAR 'bar' (0-5) of PF 'pf_sbdf', as
 * the host sized the PF's VF BARn registers; 0 if unimplemented, the top
 * half of a 64-bit VF BAR, or not sized (Xen: pci_add_device()'s vf_rlen[]
 * sizes them only if the PF's VFs were disabled when it was added).
 * -ENODEV if the host knows no such function, -EINVAL if 'bar' > 5.
 *
 * Both can take host locks (Xen: pcidevs_lock): never called under a
 * module lock.  The core treats what they give, and the PF's capability,
 * as hostile.                                                   fallible
 */
#define XECAM_PORT_VF_BARS 6
int xecam_port_pci_physfn(uint32_t host_sbdf, uint32_t *pf_sbdf);
int xecam_port_pci_vf_bar_size(uint32_t pf_sbdf, unsigned int bar,
                               uint64_t *size);

/*
 * Map (or unmap) a guest BAR: guest-physical 'gaddr' onto host 'haddr' for
 * 'size' bytes, memory or I/O ports, starting *done bytes in and advancing
 * *done with what is done.  The host refuses what the domain may not reach
 * or what would cover RAM.  With 'preempt' it may stop early and return
 * -ERESTART (*done says how far it got); a call goes on from there.  Takes
 * host locks (Xen: the p2m): never called under a module lock.  fallible
 */
int xecam_port_bar_map(const struct xecam_domain *d, bool map, bool io,
                       uint64_t gaddr, uint64_t haddr, uint64_t size,
                       bool preempt, uint64_t *done);

/* Crash the domain: an unmap failed, so its p2m cannot be trusted. */
void xecam_port_domain_crash(const struct xecam_domain *d);

/*
 * ---- Interrupts and power of a passed-through function. ----  fallible
 * The host binds each vector the guest programs to the guest's own vector
 * (Xen: a pirq and pt_irq_create_bind) and programs the device itself; the
 * module never writes a device's MSI registers or MSI-X table.
 *
 * msi_bind: bind the function's MSI, 'vectors' vectors for the guest's
 * message (msg->masked: vector 0's mask; the others start as 'masks' bit
 * i says).  *pirq < 0: a new binding, *pirq its first pirq on success;
 * otherwise the binding *pirq made is changed to the new message.
 * msi_unbind: undo exactly the binding *pirq made.  msix_bind/_unbind: the
 * same for MSI-X table entry 'entry', one vector.  irq_mask: mask or
 * unmask one bound vector at the host (a masked vector's interrupts stay
 * pending in the device).  msix_control: the guest's MSI-X enable and
 * function mask, as the host keeps them.  bar_read/bar_write: an access of
 * 1, 2, 4 or 8 bytes, naturally aligned, to the function's memory at host
 * address 'haddr' inside one of its BARs (the MSI-X PBA and what shares
 * its pages with the table); refused (-EPERM) unless domain d may reach
 * that memory, as for bar_map.  power_state: move the function to D0 (0) or
 * D3hot (3).  reset_function: a function-level reset done by the host
 * (never a raw write of the device's FLR bit).
 */
struct xecam_msi_msg {
    uint64_t addr;
    uint32_t data;
    bool masked;
};

int xecam_port_msi_bind(const struct xecam_domain *d, uint32_t host_sbdf,
                        const struct xecam_msi_msg *msg, unsigned int vectors,
                        uint32_t masks, int *pirq);
int xecam_port_msi_unbind(const struct xecam_domain *d, uint32_t host_sbdf,
                          int pirq, unsigned int vectors);
int xecam_port_msix_bind(const struct xecam_domain *d, uint32_t host_sbdf,
                         unsigned int entry, const struct xecam_msi_msg *msg,
                         int *pirq);
int xecam_port_msix_unbind(const struct xecam_domain *d, uint32_t host_sbdf,
                           unsigned int entry, int pirq);
int xecam_port_irq_mask(const struct xecam_domain *d, int pirq, bool mask);
/* An emulated device's MSI (a Root Port's slot event) into the guest. */
int xecam_port_msi_inject(const struct xecam_domain *d, uint64_t addr,
                          uint32_t data);
int xecam_port_msix_control(const struct xecam_domain *d, uint32_t host_sbdf,
                            bool enable, bool maskall);
int xecam_port_bar_read(const struct xecam_domain *d, uint32_t host_sbdf,
                        uint64_t haddr, unsigned int size, uint64_t *val);
int xecam_port_bar_write(const struct xecam_domain *d, uint32_t host_sbdf,
                         uint64_t haddr, unsigned int size, uint64_t val);
int xecam_port_power_state(uint32_t host_sbdf, unsigned int state);
int xecam_port_reset_function(uint32_t host_sbdf);

/*
 * ---- Ioreq servers. ----
 * Send *req (state STATE_IOREQ_READY) to server 'id' of domain d on behalf of
 * vcpu 'vcpu' and wait, bounded, for its completion.  On 0, *req holds the
 * server's response as it found it in the shared slot: the caller must treat
 * every field as hostile.  -ETIMEDOUT if no answer came in time, -EIO if the
 * slot went through a state the protocol does not allow, -ENODEV if the
 * server is not connected.                                      fallible
 */
int xecam_port_ioreq_send(const struct xecam_domain *d, unsigned int id,
                          unsigned int vcpu, ioreq_t *req);

#endif /* XECAM_PORT_H */
