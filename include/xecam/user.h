/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The userspace port's own controls (port/user/): what tests, fuzzers and
 * tools use to set up the host the core runs on.  Never included by hvm/ or
 * vpci/.
 */
#ifndef XECAM_USER_H
#define XECAM_USER_H

#include <xecam/ecam.h>

/* ---- Fault injection: make the nth fallible port call fail. ---- */
#define XECAM_FAULT_ALLOC  (1U << 0)   /* xecam_port_zalloc: NULL */
#define XECAM_FAULT_LOCK   (1U << 1)   /* xecam_port_lock_create: -ENOMEM */
#define XECAM_FAULT_COPY   (1U << 2)   /* copy to/from guest: -EFAULT */
#define XECAM_FAULT_P2M    (1U << 3)   /* gpa_range_free: -ENOMEM */
#define XECAM_FAULT_PCI    (1U << 4)   /* pci_*: -EIO */
#define XECAM_FAULT_IOREQ  (1U << 5)   /* ioreq_send: -ENOMEM */
#define XECAM_FAULT_MAP    (1U << 6)   /* bar_map: -ENOMEM */
#define XECAM_FAULT_HOOK   (1U << 7)   /* msi/msix/power/reset: -EIO */
#define XECAM_FAULT_UNMAP  (1U << 8)   /* bar_map, unmapping: -EIO */
#define XECAM_FAULT_ALL    0x1ffU

/*
 * Arm: the nth (1-based) call of any of 'kinds' from now on fails, once.
 * nth == 0 disarms.  Counting restarts at every arming.
 */
void xecam_user_fault_arm(unsigned int kinds, unsigned long nth);
/* Has the armed fault been delivered? */
bool xecam_user_fault_fired(void);
/* Bytes the module has from xecam_port_zalloc() and not freed. */
size_t xecam_user_heap_bytes(void);

/*
 * ---- Lock order checking (docs/locking.md). ----
 * The port checks every module lock taken and every host call made against
 * the lock order.  A violation is printed (what was held, what was
 * attempted, the stack) and aborts, unless a negative test counts it.
 * xecam_user_reset() goes back to the defaults: abort, or what
 * XECAM_LOCKCHECK in the environment says ("warn": print and go on; "off":
 * no checks, for benchmarks only).
 */
enum xecam_lockcheck_mode {
    XECAM_LOCKCHECK_ABORT,          /* print, abort() (the default) */
    XECAM_LOCKCHECK_COUNT,          /* count quietly and go on */
    XECAM_LOCKCHECK_WARN,           /* print, count and go on */
};
/* Set the mode; the count starts again from 0. */
void xecam_user_lockcheck_mode(enum xecam_lockcheck_mode mode);
/* Violations counted since the mode was last set (any thread). */
unsigned long xecam_user_lockcheck_violations(void);
/* The last violation's report into buf (truncated); its full length. */
size_t xecam_user_lockcheck_last(char *buf, size_t len);

/*
 * membarrier(2) calls the locks made (write locks, RCU grace periods): one
 * each while another thread holds a reader's slot, none while this thread
 * is alone.  0 always where the kernel lacks membarrier and under TSan.
 */
unsigned long xecam_user_lock_barriers(void);

/* ---- Log sink. ---- */
void xecam_user_log_clear(void);
unsigned int xecam_user_log_lines(void);
/* Line i (0-based) or NULL; valid until the next clear. */
const char *xecam_user_log_line(unsigned int i);
/* Lines containing 'needle'. */
unsigned int xecam_user_log_count(const char *needle);
/* Echo lines to stderr too (tools, debugging). */
void xecam_user_log_echo(bool on);
/* Guest-triggerable lines: at most 'burst' per 'interval_ms' (10 / 5000). */
void xecam_user_log_ratelimit(unsigned int burst, unsigned int interval_ms);
/* Move the rate limiter's clock forward (tests). */
void xecam_user_clock_advance(uint64_t ms);

/* ---- Domains. ---- */
/* An HVM domain with ECAM state; registered under 'id'. */
int xecam_user_domain_add(domid_t id, unsigned int flags,
                          struct xecam_domain **out);
/* Unregister and destroy (vPCI devices and servers with it). */
void xecam_user_domain_remove(domid_t id);
/* A domain that may control every other (the toolstack's). */
int xecam_user_domain_privileged(domid_t id);
/* 'dm' is the device model of 'target' and may control it. */
int xecam_user_domain_dm(domid_t dm, domid_t target);
/* The security policy refuses every request from 'id' (FLASK-like). */
int xecam_user_xsm_deny(domid_t id);
/* ... or only those of some hooks (added to those refused already). */
#define XECAM_USER_XSM_DM_OP   (1U << 0)   /* dm_op's own (xecam_user_dm_op) */
#define XECAM_USER_XSM_WINDOW  (1U << 1)   /* xecam_port_may_control */
#define XECAM_USER_XSM_ASSIGN  (1U << 2)   /* xecam_port_may_assign */
#define XECAM_USER_XSM_ALL     0x7U
int xecam_user_xsm_refuse(domid_t id, unsigned int hooks);
/* 'id' is being destroyed, or no longer (xecam_port_domain_dying). */
int xecam_user_domain_dying(domid_t id, bool dying);
/* Guest-physical address width of 'id' (default 52 bits). */
int xecam_user_gpa_bits(domid_t id, unsigned int bits);
/* The caller of hypercalls made by this thread (default 0). */
void xecam_user_set_current(domid_t id);
/* Mark [gpa, gpa + size) of a domain as RAM or foreign MMIO. */
int xecam_user_p2m_add(domid_t id, uint64_t gpa, uint64_t size);
/*
 * A preemptible p2m walk checks at most 'bytes' of a range per call, then
 * answers -ERESTART, as Xen's does when preemption is pending (0: all).
 */
int xecam_user_p2m_preempt(domid_t id, uint64_t bytes);
/* Drop every domain, caller and mapping: a clean host. */
void xecam_user_reset(void);

/*
 * ---- Host devices: simulated physical functions. ----
 * Config space with hardware semantics: per-byte writable and RW1C masks
 * (a type 0 header gets real ones; 0x40 on is writable), BARs sized as
 * given, and a record of every write that reaches the device.
 */
int xecam_user_pdev_add(uint32_t sbdf, const uint8_t *cfg, size_t len);
/* BAR 'bar' (0-5, XECAM_PORT_ROM_BAR) is 'size' bytes (a power of 2, or 0). */
int xecam_user_pdev_bar(uint32_t sbdf, unsigned int bar, uint64_t size);
/* Override the masks of bytes [reg, reg + len). */
int xecam_user_pdev_masks(uint32_t sbdf, unsigned int reg, unsigned int len,
                          uint8_t wmask, uint8_t w1c);
void xecam_user_pdev_remove_all(void);
/*
 * SR-IOV: host function 'vf' is a Virtual Function of 'pf'
 * (xecam_port_pci_physfn); both must have been added.  No function is a VF
 * until a test says so.  Neither's config space changes: the test gives
 * the PF its SR-IOV capability and the VF BARs that read 0.
 */
int xecam_user_pdev_vf(uint32_t vf, uint32_t pf);
/*
 * One VF's BAR 'bar' (0-5) of PF 'pf' is 'size' bytes, as the host sized
 * it (xecam_port_pci_vf_bar_size; 0 by default).  Any size: the core must
 * refuse what is not a power of two.
 */
int xecam_user_pdev_vf_bar(uint32_t pf, unsigned int bar, uint64_t size);
/*
 * The domain that owns host function 'sbdf' through the IOMMU
 * (xecam_port_pci_owned); from its loading on, the hardware domain's (0).
 */
int xecam_user_pdev_owner(uint32_t sbdf, domid_t owner);
/* Bytes of config space as the device holds them now. */
int xecam_user_pdev_peek(uint32_t sbdf, unsigned int reg, uint8_t *buf,
                         size_t len);
/* Writes that reached any host device since the last reset or log clear. */
unsigned long xecam_user_pdev_writes(void);

struct xecam_user_pci_write {
    unsigned int reg, size;
    uint32_t val;
};
/* The writes that reached one device, oldest first (up to 'max'). */
unsigned int xecam_user_pdev_log(uint32_t sbdf,
                                 struct xecam_user_pci_write *out,
                                 unsigned int max);
void xecam_user_pdev_log_clear(void);
/*
 * The writes that reached any host device, in order: those after 'mark'
 * (an earlier xecam_user_pdev_writes()), at most 'max' and at most the
 * last XECAM_USER_RECENT_WRITES.
 */
#define XECAM_USER_RECENT_WRITES 64
struct xecam_user_host_write {
    uint32_t sbdf;
    struct xecam_user_pci_write w;
};
unsigned int xecam_user_host_writes_since(unsigned long mark,
                                          struct xecam_user_host_write *out,
                                          unsigned int max);

/*
 * Load host functions from lspci dumps (-x, -xxx, -xxxx; several a file;
 * "[size=...]" of verbose output sizes the BARs) or from a sysfs tree such
 * as /sys/bus/pci/devices (config and resource files, read only).  On a
 * malformed input, 'err' says "file:line: reason".  Functions already
 * present are -EEXIST.  0 or a negative errno.
 */
int xecam_user_load_lspci(const char *path, char *err, size_t errlen);
int xecam_user_load_sysfs(const char *dir, char *err, size_t errlen);
/* "DDDD:bb:dd.f" or "bb:dd.f" (xl's BDF); *end past it.  0 or -EINVAL. */
int xecam_user_parse_bdf(const char *p, uint32_t *sbdf, const char **end);
/* Devices loaded so far, in order (for listing). */
unsigned int xecam_user_pdev_list(uint32_t *sbdf, unsigned int max);

/* ---- What the core asked the host to do for a function. ---- */
enum xecam_user_event_kind {
    XECAM_EV_MSI_BIND, XECAM_EV_MSI_UNBIND, XECAM_EV_MSIX, XECAM_EV_POWER,
    XECAM_EV_RESET,
    XECAM_EV_MSIX_BIND,             /* count: the entry */
    XECAM_EV_MSIX_UNBIND,
    XECAM_EV_IRQ_MASK,              /* count: the pirq; enable: masked */
    XECAM_EV_IRQ,                   /* delivered: addr/data */
    XECAM_EV_BAR_WRITE,             /* addr: host address; data; count: size */
};
struct xecam_user_event {
    enum xecam_user_event_kind kind;
    uint32_t sbdf;                  /* host function */
    uint64_t addr;                  /* MSI address */
    uint32_t data;                  /* MSI data */
    unsigned int count;             /* MSI vectors, or power state */
    bool enable, maskall;           /* MSI-X */
};
unsigned int xecam_user_events(struct xecam_user_event *out,
                               unsigned int max);
void xecam_user_events_clear(void);
/* Events of one kind recorded so far. */
unsigned int xecam_user_events_count(enum xecam_user_event_kind kind);

/*
 * ---- The host's side of interrupts (irq.c). ----
 * The port binds what the core asks (a pirq per vector, from 1000 up) and
 * behaves as a device with the host's interrupt setup: raising vector 'nr'
 * (MSI vector or MSI-X entry) of host function 'sbdf' delivers the bound
 * message (an XECAM_EV_IRQ event, and the sink if set) unless the host
 * masks it (the vector, or MSI-X's function mask): then it stays pending
 * (the PBA bit reads 1; xecam_port_bar_read()) and is delivered on unmask.
 * 1: delivered, 0: left pending, -ENOENT: the function's interrupt type is
 * not on at the host (nothing is sent).
 */
int xecam_user_irq_raise(uint32_t sbdf, bool msix, unsigned int nr);
typedef void (*xecam_user_irq_sink_t)(void *opaque, domid_t domid,
                                      uint64_t addr, uint32_t data);
void xecam_user_irq_sink(xecam_user_irq_sink_t sink, void *opaque);
/* Bound vectors of host function 'sbdf' (MSI vectors or MSI-X entries). */
unsigned int xecam_user_irq_bound(uint32_t sbdf, bool msix);
/* Host-masked? -ENOENT if 'nr' is not bound. */
int xecam_user_irq_masked(uint32_t sbdf, bool msix, unsigned int nr);

/* ---- BAR mappings the core asked for (xecam_port_bar_map). ---- */
struct xecam_user_mapping {
    bool io;
    uint64_t gaddr, haddr, size;
};
unsigned int xecam_user_mappings(domid_t id, struct xecam_user_mapping *out,
                                 unsigned int max);
/*
 * A preemptible map or unmap does at most 'bytes' per call, then answers
 * -ERESTART, as Xen's does when preemption is pending (0: all at once).
 */
int xecam_user_map_preempt(domid_t id, uint64_t bytes);
/* How many times the core called xecam_port_bar_map() for the domain. */
unsigned long xecam_user_map_calls(domid_t id);
/* Did the core crash the domain (xecam_port_domain_crash())? */
bool xecam_user_domain_crashed(domid_t id);

/* ---- Device models: ioreq servers served by a thread. ---- */
/*
 * The handler sees a copy of the request and fills in data for reads.  It
 * returns how the thread answers: normally, not at all, or with the slot
 * written exactly as the handler left the copy, state included.
 */
enum xecam_dm_answer {
    XECAM_DM_ANSWER,       /* state := STATE_IORESP_READY, fields as left */
    XECAM_DM_SILENT,       /* leave the slot in STATE_IOREQ_INPROCESS */
    XECAM_DM_RAW,          /* write the copy verbatim, state included */
};
typedef enum xecam_dm_answer (*xecam_dm_handler_t)(void *opaque,
                                                   ioreq_t *req);

struct xecam_user_dm;

int  xecam_user_dm_start(domid_t domid, unsigned int id,
                         xecam_dm_handler_t handler, void *opaque,
                         struct xecam_user_dm **out);
/*
 * The same, served inline: in the vcpu's thread, during the request (see
 * port/user/dm.c).  A silent answer times out at once.
 */
int  xecam_user_dm_start_inline(domid_t domid, unsigned int id,
                                xecam_dm_handler_t handler, void *opaque,
                                struct xecam_user_dm **out);
void xecam_user_dm_stop(struct xecam_user_dm *dm);
/*
 * A device model writing the vcpu's slot on its own, outside a handler: an
 * answer that comes after the vcpu gave up, say.  Verbatim, state included.
 */
void xecam_user_dm_answer(struct xecam_user_dm *dm, unsigned int vcpu,
                          const ioreq_t *rsp);
/* Requests the thread has seen. */
unsigned long xecam_user_dm_requests(const struct xecam_user_dm *dm);
/* How long a vcpu waits for an answer (default 1000 ms). */
void xecam_user_ioreq_timeout(unsigned int ms);

/* ---- Hypercall helper: the ECAM HVMOPs with a userspace argument. ---- */
long xecam_user_hvm_op(unsigned int op, void *arg);
/*
 * ---- And HYPERVISOR_dm_op, as Xen's dm_op() runs it. ----
 * 'buf' of 'size' bytes is the first buffer, a struct xen_dm_op (op, pad,
 * then the op's argument).  -ESRCH: no domain 'domid' with ECAM state;
 * -EPERM: the caller itself, or dm_op's XSM check refuses
 * (XECAM_USER_XSM_DM_OP); -EFAULT: the buffer is short (or a copy fault);
 * -EOPNOTSUPP: not an ECAM DMOP; -EINVAL: pad is not zero.  Then the op's
 * own result (xecam_dm_op()), its argument copied back when it says so.
 */
long xecam_user_dm_op(domid_t domid, void *buf, size_t size);

#endif /* XECAM_USER_H */
