/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vPCI devices: config space of a function Xen emulates or passes through,
 * served inside the hypervisor.  The router hands it accesses that are
 * already checked (xecam_cfg_access_ok()).
 *
 * A device's config space is a map of registers.  A register is data: where
 * it is, its reset value, which bits the guest can change and how, which
 * bits live in the emulated copy and which in the device, and optional hooks.
 * Every byte of an access is served by the register that covers it, or, if
 * none does, by the rule for unclaimed bytes (reads from the device, writes
 * refused).  Lookup is O(1): one map entry per config-space byte.
 */
#ifndef XECAM_VPCI_H
#define XECAM_VPCI_H

#include <xecam/types.h>

struct xecam_vpci;
struct xecam_vpci_reg;
struct xecam_vpci_regdesc;
struct xecam_domain;

/*
 * Hooks, called with the device locked.  'val' is the register's value as
 * the masks make it; read returns what the guest sees.  write runs after the
 * masks have updated reg->val; 'old' is the value before, 'bytes' the bits
 * of the bytes the guest wrote.
 */
typedef uint32_t xecam_vpci_read_t(struct xecam_vpci *dev,
                                   const struct xecam_vpci_reg *reg,
                                   uint32_t val);
typedef void xecam_vpci_write_t(struct xecam_vpci *dev,
                                struct xecam_vpci_reg *reg, uint32_t old,
                                uint32_t bytes);

/*
 * What a register made from a table row does beyond its masks; any hook
 * may be NULL.  mirror gives the value the device must hold in the row's
 * mirrored bits (its 'sync'): a guest write of those bytes carries them to
 * the device in the same write as the device's own bits, so the write hook
 * need not read the device back.
 */
typedef uint32_t xecam_vpci_mirror_t(const struct xecam_vpci *dev,
                                     const struct xecam_vpci_reg *reg);

struct xecam_vpci_hooks {
    xecam_vpci_read_t *read;
    xecam_vpci_write_t *write;
    xecam_vpci_mirror_t *mirror;
};

/*
 * Once added, a register's masks and hooks stay as they were (the map
 * keeps whether a dword's registers are all plain: vpci/regmap.c); read-only
 * bits given later go through xecam_vpci_set_ro() (vpci/private.h).
 */
struct xecam_vpci_reg {
    uint16_t offset;            /* naturally aligned to size */
    uint16_t size : 3;          /* 1, 2 or 4 */
    uint16_t next : 13;         /* the map's: the next register in its dword */
    uint32_t reset;             /* value of the emulated bits at reset */
    uint32_t emu;               /* bits held in val; the rest in the device */
    uint32_t ro;                /* guest writes leave these bits alone */
    uint32_t rw1c;              /* a guest 1 clears the bit */
    uint32_t rsvdp;             /* reserved, preserved on write */
    uint32_t rsvdz;             /* reserved, read as 0, written as 0 */
    uint32_t val;               /* the emulated bits now */
    const struct xecam_vpci_hooks *hooks;       /* NULL: none */
    /* The table row it was made from (names, mirrored bits), or NULL. */
    const struct xecam_vpci_regdesc *desc;
};

/*
 * A bare device backed by host function 'host_sbdf': no registers, so every
 * byte reads from the device and every write is refused.       fallible
 */
int  xecam_vpci_create(uint32_t host_sbdf, struct xecam_vpci **out);
/*
 * Undo everything: unmap its BARs, stop its bus mastering, drop the
 * creator's reference (the last one frees it).  Not preemptible.
 */
void xecam_vpci_destroy(struct xecam_vpci *dev);

/*
 * What the ECAM intercept asks of a device on every access, first in it so
 * that the questions are inline: work, its host work is pending (work.c);
 * off, it is behind a powered-off slot and reads all-ones (slot.c).  Both
 * are read without the device's lock.
 */
struct xecam_vpci_head {
    bool work;
    bool off;
};

/*
 * Deferred host work (vpci/work.c, docs/locking.md).  A config write records
 * what the host must do; xecam_vpci_work() does it, with no module lock
 * held: 0 when the host matches the guest's view, -ERESTART when preempted
 * (preempt: the host may ask), -EBUSY when another is doing it: call again.
 * xecam_vpci_quiesce() is deassignment's: every BAR unmapped, then the
 * device made quiet; the same return values.  References keep a device
 * alive while a vCPU waits on its work.
 */
static inline bool xecam_vpci_has_work(const struct xecam_vpci *dev)
{
    return xecam_read_once(((const struct xecam_vpci_head *)dev)->work);
}

/*
 * A guest access to the trapped MSI-X pages of BAR 'bar', 'off' bytes in
 * (msix_table.c), with no module lock held; a read's *val comes in as
 * all-ones.  A write may leave work.
 */
void xecam_vpci_msix_access(struct xecam_vpci *dev, unsigned int bar,
                            uint64_t off, unsigned int size, bool write,
                            uint64_t *val);
/*
 * The same in two halves.  The first needs the device alive (an RCU read
 * section or a reference) and does all but the host's part: true if the
 * host must make the access, as *h says.  The second makes it, and needs
 * nothing of the device: a PBA read takes no reference.
 */
struct xecam_msix_host {
    const struct xecam_domain *d;
    uint32_t sbdf;
    uint64_t haddr;
};
bool xecam_vpci_msix_plan(struct xecam_vpci *dev, unsigned int bar,
                          uint64_t off, unsigned int size, bool write,
                          uint64_t *val, struct xecam_msix_host *h);
void xecam_vpci_msix_host(const struct xecam_msix_host *h, unsigned int size,
                          bool write, uint64_t *val);
/*
 * Its fast path, in an RCU read section or with the domain's read lock
 * held: an aligned dword or qword of the emulated table, done (true);
 * false for anything else, which then goes to xecam_vpci_msix_access()
 * with a reference.
 */
bool xecam_vpci_msix_table_access(struct xecam_vpci *dev, unsigned int bar,
                                  uint64_t off, unsigned int size, bool write,
                                  uint64_t *val);
int  xecam_vpci_work(struct xecam_vpci *dev, bool preempt);
int  xecam_vpci_quiesce(struct xecam_vpci *dev, bool preempt);
void xecam_vpci_get(struct xecam_vpci *dev);
/* A reference from an RCU read section: false if the last one is gone. */
bool xecam_vpci_get_live(struct xecam_vpci *dev);
void xecam_vpci_put(struct xecam_vpci *dev);

/* Assignment options. */
#define XECAM_ASSIGN_PERMISSIVE (1U << 0)   /* permissive config writes */
#define XECAM_ASSIGN_HIDDEN     (1U << 1)   /* assigned, invisible to guest */
/* On bus 0 an endpoint becomes a Root Complex Integrated Endpoint unless: */
#define XECAM_ASSIGN_NO_RCIEP   (1U << 2)
/*
 * pciback's allow_interrupt_control: where MSI or MSI-X is not emulated
 * (a read-only override), its enable bits reach the device.
 */
#define XECAM_ASSIGN_IRQ_CONTROL (1U << 3)
#define XECAM_ASSIGN_MASK       (XECAM_ASSIGN_PERMISSIVE | \
                                 XECAM_ASSIGN_HIDDEN | XECAM_ASSIGN_NO_RCIEP | \
                                 XECAM_ASSIGN_IRQ_CONTROL)

/* A per-device capability policy override (docs/capabilities.md). */
#define XECAM_CAP_HIDE      0
#define XECAM_CAP_READONLY  1
#define XECAM_CAP_EMULATE   2
struct xecam_cap_override {
    bool ext;                       /* extended capability ID */
    uint16_t id;
    uint8_t action;                 /* XECAM_CAP_* */
};

struct xecam_assign_opts {
    unsigned int flags;             /* XECAM_ASSIGN_* */
    unsigned int nr_overrides;
    const struct xecam_cap_override *overrides;
};

/*
 * A device emulating host function 'host_sbdf' (type 0 header, BARs) for
 * function 'guest_sbdf' of domain d.  -ENODEV: no device there;
 * -EOPNOTSUPP: not a type 0 function; -EINVAL: unknown flags.  fallible
 */
int xecam_vpci_assign(struct xecam_domain *d, uint32_t guest_sbdf,
                      uint32_t host_sbdf, unsigned int flags,
                      struct xecam_vpci **out);
/* The same with capability overrides; -EINVAL for a bad override. */
int xecam_vpci_assign_opts(struct xecam_domain *d, uint32_t guest_sbdf,
                           uint32_t host_sbdf,
                           const struct xecam_assign_opts *opts,
                           struct xecam_vpci **out);

/*
 * An emulated PCI Express Root Port at 'port_sbdf' (bus 0) whose secondary
 * and subordinate bus is 'secondary' (non-zero): the parent an endpoint on
 * that bus needs.  -EINVAL otherwise.                          fallible
 */
/*
 * A Root Port's hot-plug slot (slot.c), each under the port's lock
 * (xecam_vpci_slot_lock).  attach: the function is behind the slot now
 * (hot: an event for the guest; otherwise present from the start).
 * detach: it is gone; returns it with the port's reference, or NULL.
 * button: the attention button is pressed (-ENOENT empty, -EAGAIN the last
 * press unacknowledged).  may_add: -EBUSY occupied, -EAGAIN an event
 * unacknowledged.  released: the guest powered the slot off.
 */
void xecam_vpci_slot_lock(struct xecam_vpci *port);
void xecam_vpci_slot_unlock(struct xecam_vpci *port);
void xecam_slot_attach(struct xecam_vpci *port, struct xecam_vpci *fn,
                       bool hot);
struct xecam_vpci *xecam_slot_detach(struct xecam_vpci *port);
int xecam_slot_button(struct xecam_vpci *port);
int xecam_slot_may_add(struct xecam_vpci *port);
bool xecam_slot_released(struct xecam_vpci *port);
/* Is the function behind a powered-off slot (reads all-ones)? */
static inline bool xecam_vpci_off(const struct xecam_vpci *dev)
{
    return xecam_read_once(((const struct xecam_vpci_head *)dev)->off);
}
/* Is it an emulated Root Port, and its slot's function (no reference). */
bool xecam_vpci_is_port(const struct xecam_vpci *dev);
struct xecam_vpci *xecam_vpci_slot_child(struct xecam_vpci *port);
/*
 * The port's secondary bus as it was made: the topology is static, so the
 * bus numbers the guest programs into the port never move its slot.
 */
uint8_t xecam_vpci_port_bus(const struct xecam_vpci *port);

int xecam_vpci_root_port(struct xecam_domain *d, uint32_t port_sbdf,
                         uint8_t secondary, struct xecam_vpci **out);

/*
 * The rule for one config-space byte, as the dispatcher applies it: the
 * bits of the byte that are emulated, read-only, RW1C or reserved, and the
 * bits a guest write may change in the device, normally and in permissive
 * mode.  Unclaimed bytes have no register: device reads, writes only when
 * permissive.  docs/permissive.md is made from these.
 *
 * And why, for tools and docs (never looked up on an access): the name of
 * the register and its own reason, if it has them; the device's capability
 * the byte lies in (cap_name NULL: none, as in the header), what the guest
 * sees of it (XECAM_CAP_*) and why: its policy's reason, or why the policy
 * was not followed.
 */
struct xecam_vpci_byte_rule {
    bool claimed;
    uint8_t emu, ro, rw1c, rsvd;
    uint8_t to_device, to_device_permissive;
    const char *reg_name, *reg_why;
    const char *cap_name, *cap_why;
    bool cap_ext;
    uint16_t cap_id, cap_offset;
    uint8_t cap_action;
};
void xecam_vpci_byte_rule(struct xecam_vpci *dev, unsigned int offset,
                          struct xecam_vpci_byte_rule *rule);

/* The policy row of a capability ID (for docs and tests); false if none. */
bool xecam_vpci_cap_policy(bool ext, uint16_t id, unsigned int *action,
                           const char **name, const char **reason);

/* Refused interrupt changes (double enable, two types at once...). */
unsigned long xecam_vpci_irq_errors(const struct xecam_vpci *dev);
bool xecam_vpci_visible(const struct xecam_vpci *dev);
/* Routing takes a device once: false if it is routed already. */
bool xecam_vpci_take(struct xecam_vpci *dev);
void xecam_vpci_release(struct xecam_vpci *dev);
/* Set by routing: the guest slot has other visible functions. */
void xecam_vpci_set_mf(struct xecam_vpci *dev, bool mf);


/* Config accesses (size 1, 2 or 4, naturally aligned, below 4 KiB). */
void xecam_vpci_read(struct xecam_vpci *dev, unsigned int reg,
                     unsigned int size, uint32_t *val);
/*
 * True if the write was refused, in part or whole (unknown bytes).  It does
 * the host work the write asks for before it returns; call it holding no
 * module lock.  The router, which holds the domain's lock, uses
 * xecam_vpci_write_defer() and does the work once it has dropped it.
 */
bool xecam_vpci_write(struct xecam_vpci *dev, unsigned int reg,
                      unsigned int size, uint32_t val);
bool xecam_vpci_write_defer(struct xecam_vpci *dev, unsigned int reg,
                            unsigned int size, uint32_t val);

/*
 * Registration.  -EINVAL: size not 1/2/4, offset not aligned to it, or a
 * mask outside the register; -ERANGE: past 4 KiB; -EEXIST: overlaps a
 * register or lies in a shut dword; -ENOMEM.  reg->val starts as
 * reg->reset.
 */
int xecam_vpci_add_reg(struct xecam_vpci *dev,
                       const struct xecam_vpci_reg *reg);     /* fallible */
/*
 * Each dword meeting [from, to) that has no register is shut, in its map
 * entry, not a register: hidden (reads 0) or read-only (reads the
 * device); neither takes a write, in any mode, nor counts one as refused.
 * A dword with a register, or shut already, is left as it is.  -ENOMEM
 * (the dwords before the failure stay shut).
 */
int xecam_vpci_shut(struct xecam_vpci *dev, unsigned int from,
                    unsigned int to, bool hidden);            /* fallible */
/* -ENOENT unless a register is exactly at offset/size. */
int xecam_vpci_remove_reg(struct xecam_vpci *dev, unsigned int offset,
                          unsigned int size);
/* The register covering byte 'offset', or NULL. */
struct xecam_vpci_reg *xecam_vpci_find_reg(struct xecam_vpci *dev,
                                           unsigned int offset);
unsigned int xecam_vpci_nr_regs(const struct xecam_vpci *dev);

/* What reaches the device itself (hooks use these). */
uint32_t xecam_vpci_hw_read(struct xecam_vpci *dev, unsigned int reg,
                            unsigned int size);
void xecam_vpci_hw_write(struct xecam_vpci *dev, unsigned int reg,
                         unsigned int size, uint32_t val);

/* The host function behind dev, or XECAM_NO_HOST for an emulated one. */
#define XECAM_NO_HOST 0xffffffffU
uint32_t xecam_vpci_host_of(const struct xecam_vpci *dev);

/* Writes refused since the device was created (unclaimed bytes). */
unsigned long xecam_vpci_refused(const struct xecam_vpci *dev);
/* BAR writes ignored because their decode was on. */
unsigned long xecam_vpci_bar_writes_ignored(const struct xecam_vpci *dev);

#endif /* XECAM_VPCI_H */
