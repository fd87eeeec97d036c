/* SPDX-License-Identifier: GPL-2.0-only */
/* State shared by the files of vpci/.  Nothing outside vpci/ includes it. */
#ifndef XECAM_VPCI_PRIVATE_H
#define XECAM_VPCI_PRIVATE_H

#include <xecam/port.h>
#include <xecam/pci.h>
#include <xecam/vpci.h>
#include <xecam/seqcount.h>

/* PCI header bits the emulation names. */
#define PCI_CMD_IO          0x0001U
#define PCI_CMD_MEM         0x0002U
#define PCI_CMD_MASTER      0x0004U
#define PCI_CMD_INTX_OFF    0x0400U
#define PCI_STATUS_CAP_LIST 0x0010U
#define PCI_HDR_MF          0x80U
#define PCI_BAR_IO          0x1U
#define PCI_BAR_MEM64       0x4U
#define PCI_BAR_PREFETCH    0x8U
#define PCI_ROM_ENABLE      0x1U

/* Every bit of a register, whatever its size (masks are cut to it). */
#define ALL                 0xffffffffU

/*
 * A register as a table row declares it: every register of a device is
 * made from one (header.c, bar.c, cap_*.c, caps.c, rootport.c).
 *
 * 'off' counts from the start of what the table describes: a capability,
 * or 0 for the header.  Masks are cut to the register's size.  At reset
 * the emulated bits are 'reset', but for the 'keep' bits: those are the
 * device's, read when the row is added.  A row is added only if the layout
 * has all of its 'need' flags (each table names its own; 0: always).
 *
 * The dispatcher never reads a row; 'name', 'why' and 'sync' serve
 * xecam_vpci_byte_rule() alone.
 */
struct xecam_vpci_regdesc {
    uint16_t off;
    uint8_t size;                   /* 1, 2 or 4 */
    uint8_t need;                   /* layout flags the row needs */
    uint32_t reset;
    uint32_t keep;                  /* emulated bits taken from the device */
    uint32_t emu;                   /* bits held in the guest's copy */
    uint32_t ro;                    /* guest writes leave these alone */
    uint32_t rw1c;                  /* a guest 1 clears the bit */
    uint32_t rsvdp;                 /* reserved, preserved on write */
    uint32_t sync;                  /* emulated bits 'write' mirrors */
    struct xecam_vpci_hooks hooks;
    const char *name;               /* as the specification names it */
    const char *why;                /* its own reason, if it has one */
};

enum xecam_bar_kind {
    BAR_NONE,                       /* unimplemented: reads 0 */
    BAR_IO,
    BAR_MEM32,
    BAR_MEM64,                      /* low half; the next BAR is its top */
    BAR_MEM64_HI,
    BAR_ROM,
};

/*
 * Pages of a BAR never mapped into the guest: the MSI-X tables and PBAs.
 * A BAR that would need more holes is never mapped at all.
 */
#define XECAM_BAR_HOLES 4

struct xecam_vpci_bar {
    enum xecam_bar_kind kind;
    unsigned int offset;            /* of the (low) register */
    uint64_t host_addr, size;
    /* The guest's view, under the device lock: decode on, at want_at. */
    bool want;
    uint64_t want_at;
    /*
     * The host's, changed only by whoever holds the device's 'busy' (work.c):
     * bytes [lo, hi) of the BAR's mappable pieces, laid end to end, are
     * mapped at guest address 'at'.  'failed': mapping want_at failed or was
     * refused; not tried again until the guest's view changes.
     * 'placed': 'at' is the host's, mapped or being mapped; 'trapped': its
     * MSI-X pages are trapped there.  (Kept apart from 'failed', which the
     * guest's side writes: no word holds both sides' fields.)
     */
    bool placed, trapped;
    uint64_t at, lo, hi;
    bool failed;
    unsigned int nr_holes;
    bool never_map;                 /* more holes than XECAM_BAR_HOLES */
    struct { uint64_t start, end; } hole[XECAM_BAR_HOLES];  /* offsets */
};

#define XECAM_NR_BARS 7             /* 0-5 and the ROM */

/*
 * A request to the host that a write hook queued (hostop.c): bind or unbind
 * MSI, switch MSI-X, change the power state, reset the function.  'done'
 * applies the outcome under the device lock.
 */
enum xecam_hostop_kind {
    HOSTOP_MSI,                     /* on: bind addr/data/count; off: unbind */
    HOSTOP_MSI_MASK,                /* the guest's Mask Bits, as they are */
    HOSTOP_MSIX,                    /* on: enable; maskall */
    HOSTOP_MSIX_SYNC,               /* the table's entries, as they are */
    HOSTOP_POWER,                   /* count: the D-state */
    HOSTOP_RESET,                   /* a function-level reset */
    HOSTOP_INJECT,                  /* an emulated MSI: addr/data */
    HOSTOP_SLOT_POWER,              /* a Root Port's slot lost power */
};

struct xecam_vpci_hostop;
typedef void xecam_hostop_done_t(struct xecam_vpci *dev,
                                 const struct xecam_vpci_hostop *op, int rc);

struct xecam_vpci_hostop {
    enum xecam_hostop_kind kind;
    bool on, maskall, rebind;
    uint64_t addr;
    uint32_t data;
    unsigned int count;
    uint32_t masks;                 /* MSI: the vectors masked at bind */
    int pirq;                       /* MSI: the binding, made or undone */
    uint32_t old;                   /* the register before the write */
    xecam_hostop_done_t *done;      /* NULL: the outcome changes nothing */
};

#define XECAM_HOSTOPS 8

/*
 * One MSI-X table entry (msix_table.c).  The guest's words: Message
 * Address, Upper Address, Data and Vector Control, changed under the device
 * lock, but for a masked, unbound entry's message, stored whole without it;
 * read without it in the device's seqcount.  The host's side (what is
 * bound, changed only by whoever holds the device's 'busy'): its pirq (-1:
 * none; read without the lock), the message bound and whether the host
 * masks it.  'failed': binding what the guest wrote was refused; not tried
 * again until the guest writes the entry.
 */
enum { MSIX_ADDR_LO, MSIX_ADDR_HI, MSIX_DATA, MSIX_CTRL };

struct xecam_msix_entry {
    uint32_t word[4];
    int pirq;
    bool hmasked, failed;
    uint64_t haddr;
    uint32_t hdata;
};

/* The MSI-X table and PBA: where they are in the BARs, and the entries. */
struct xecam_msix {
    unsigned int nr;
    uint8_t table_bar, pba_bar;
    uint64_t table_off, pba_off;
    struct xecam_msix_entry entry[];
};

/* A capability found in the device's chains (chain.c). */
struct xecam_cap {
    uint16_t offset;
    uint16_t id;
    uint8_t version;                /* extended only */
    bool ext;
};

#define XECAM_MAX_STD_CAPS 48       /* (0x100 - 0x40) / 4 */
#define XECAM_MAX_EXT_CAPS 960      /* (0x1000 - 0x100) / 4 */

/*
 * Registers live in chunks that never move: 24 (a header's worth), 24,
 * 48, 96, 192, then 384 each, fifteen for 4096 registers.  The map and a
 * register's 'next' name a register by chunk and slot, (k << 9) | (slot +
 * 1), 0 for none: 13 bits, and finding it costs a shift and a mask.
 */
#define XECAM_REG_CHUNK0    24
#define XECAM_REG_CHUNK_MAX 384
#define XECAM_REG_GROWN     5           /* chunks before the first of 384 */
#define XECAM_REG_CHUNKS    15
#define XECAM_REG_CHUNK_IDX 16          /* chunk[]: any 4-bit k, last NULL */
#define XECAM_MAP_SHIFT     9
#define XECAM_MAP_SLOT      ((1U << XECAM_MAP_SHIFT) - 1)

/*
 * The map: for each dword of config space, the lowest register in it; the
 * others follow through 'next', in offset order (a register never crosses
 * a dword, so at most four).  Pages of 64 dwords; page 0 (the header and
 * the standard capabilities) is part of the device, the others are
 * allocated with their first register and kept until the device goes.
 */
#define XECAM_MAP_PAGE      256         /* bytes of config space */
#define XECAM_MAP_PAGES     (XECAM_CFG_SIZE / XECAM_MAP_PAGE)
#define XECAM_MAP_DWORDS    (XECAM_MAP_PAGE / 4)
/*
 * A map entry's low 13 bits name the register (chunk and slot, as 'next'
 * does).  XECAM_MAP_PLAIN, for writers under the lock alone: the dword's
 * registers tile it, each without hooks, every bit emulated, no read-only,
 * reserved or RW1C bit, so a write is the guest's bytes stored.
 *
 * A dword of a hidden or read-only capability is shut instead, in one
 * entry, not one register (a fuzzed or unknown 4 KiB capability would be
 * a thousand): XECAM_MAP_HIDDEN reads 0, XECAM_MAP_READONLY reads the
 * device, and neither takes a write.  A shut dword has no register and
 * takes none (xecam_vpci_shut()).
 */
#define XECAM_MAP_REF       0x1fffU
#define XECAM_MAP_HIDDEN    0x2000U
#define XECAM_MAP_READONLY  0x4000U
#define XECAM_MAP_SHUT      (XECAM_MAP_HIDDEN | XECAM_MAP_READONLY)
#define XECAM_MAP_PLAIN     0x8000U

/* Capability policy (cap_policy.c). */
enum xecam_cap_action {
    CAP_HIDE,                       /* not in the guest's chain, reads 0 */
    CAP_READONLY,                   /* in the chain; reads from the device */
    CAP_EMULATE,                    /* in the chain, emulated */
};

/*
 * The whole length of a capability whose registers give it (cap_len.c):
 * 'len' comes in as its row's fixed length and leaves as all of it, the
 * variable part included (0: up to the next capability).  Whatever the
 * device says, the length is bounded; a failed read of it is -EIO.
 */
typedef int xecam_cap_len_fn(struct xecam_vpci *dev,
                             const struct xecam_cap *cap, unsigned int *len);

struct xecam_cap_policy {
    uint16_t id;
    bool ext;
    enum xecam_cap_action action;
    uint16_t len;                   /* its fixed length; 0: up to the next */
    xecam_cap_len_fn *len_of;       /* NULL: 'len' is all of it */
    int (*init)(struct xecam_vpci *dev, const struct xecam_cap *cap);
    const char *name;
    const char *reason;
};

/* Why a capability is shown as it is, if not as its policy row says. */
enum xecam_cap_why {
    WHY_POLICY,
    WHY_OVERRIDE,                   /* the assignment's override */
    WHY_REFUSED,                    /* its emulation refused the device */
    WHY_DUPLICATE,                  /* a kind emulated once, emulated */
    WHY_OVERLAP,                    /* its header in another's registers */
    WHY_NULL,                       /* ID 0 */
};

/*
 * What became of one of the device's capabilities, kept for
 * xecam_vpci_byte_rule() alone: the dispatcher never looks.
 */
struct xecam_cap_seen {
    struct xecam_cap cap;
    uint16_t len;                   /* its extent, as hidden or protected */
    uint8_t action;                 /* enum xecam_cap_action: the outcome */
    uint8_t why;                    /* enum xecam_cap_why */
    const struct xecam_cap_policy *policy;
};

struct xecam_vpci {
    struct xecam_vpci_head head;    /* first: include/xecam/vpci.h reads it */
    /* The rest of what every access reads, in the same cache line. */
    bool no_ext;                    /* no PCIe capability: 256 bytes only */
    struct xecam_seq seq;           /* readers without the lock */
    unsigned int flags;             /* XECAM_ASSIGN_* */
    uint32_t host_sbdf;
    struct xecam_mutex *lock;
    /*
     * Deferred host work (work.c).  refs: the creator's, plus one per vCPU
     * waiting on its work; the last put frees.  head.work: the guest's view
     * of a BAR changed since the host's was made to match it.  busy:
     * someone is doing the host work.  dying: deassigned, every BAR wants
     * unmapping.  head.off: behind a powered-off slot (slot.c), read with
     * no_ext.  The last put frees it after an RCU grace period: an MSI-X
     * access may have found it through a trap without a reference
     * (hvm/trap.c).
     */
    unsigned int refs;
    bool busy, dying, quiesced, announced;
    struct xecam_rcu_head rcu;
    /*
     * Queued requests to the host, oldest first (hostop.c): XECAM_HOSTOPS
     * of them, for a function whose capabilities make requests (NULL for
     * one without: nothing is ever queued there).
     */
    unsigned int nr_hostops;
    struct xecam_vpci_hostop *hostop;
    bool msi_host;                  /* the host has the MSI bound */
    unsigned long refused;
    unsigned long bar_writes_ignored;
    unsigned int nr_regs;
    /*
     * Registers and the map (regmap.c): neither moves while the device
     * lives, so a reader without the lock never follows a stale pointer.
     */
    struct xecam_vpci_reg *chunk[XECAM_REG_CHUNK_IDX];  /* [0] is chunk0 */
    uint16_t *map[XECAM_MAP_PAGES];     /* map[0] is map0 */
    uint16_t map0[XECAM_MAP_DWORDS];
    /* The header's page (found without a load) and chunk (chunk[0]). */
    struct xecam_vpci_reg chunk0[XECAM_REG_CHUNK0];
    /* Set by assignment; NULL/0 for a device no domain sees. */
    struct xecam_domain *d;
    uint32_t guest_sbdf;
    bool mf;                        /* other functions in the guest slot */
    bool routed;                    /* a domain's route table holds it */
    bool was_routed;                /* a guest could have reached it */
    bool emulated;                  /* no device behind it (a root port) */
    bool warned;                    /* the refused-write warning was given */
    bool flr;                       /* the device can do FLR */
    uint16_t cmd0;                  /* Command as the host left it */
    uint8_t cacheline0;             /* cache line size, the same */
    /* What the host bound for MSI: exactly that is unbound. */
    uint64_t msi_addr;
    uint32_t msi_data;
    unsigned int msi_vectors;
    int msi_pirq;                   /* its first pirq */
    uint32_t msi_hmask;             /* the vectors the host masks */
    struct xecam_msix *msix;        /* the emulated table, if emulated */
    unsigned int nr_msix_caps;      /* MSI-X capabilities the device has */
    bool msi_active;                /* MSI or MSI-X on: INTx forced off */
    uint8_t mappable;               /* a bit per bar[] that maps: not NONE,
                                       not the top of a 64-bit BAR */
    /* XECAM_NR_BARS of them, for a function with a BAR; else NULL. */
    struct xecam_vpci_bar *bar;
    /* Emulated capabilities: where they are (0: not there). */
    uint16_t pm_off, msi_off, msix_off, pcie_off;
    /* Read-only MSI / MSI-X whose enable bits the guest drives. */
    uint16_t irq_msi_off, irq_msix_off;
    bool msi_bound;                 /* the host bound the guest's MSI */
    /* A Root Port's slot (slot.c): its function, with a reference. */
    struct xecam_vpci *child;
    uint8_t secondary;              /* its bus, as made: not the guest's */
    bool slot_irq;                  /* its interrupt condition, last seen */
    bool msix_on;                   /* the host was told MSI-X is on */
    unsigned long irq_errors;       /* refused interrupt changes */
    /* The device's capabilities, standard [0] and extended [1]. */
    struct xecam_cap_seen *seen[2];
    unsigned int nr_seen[2];
    /* The device's first PCI Express capability, whatever became of it. */
    uint8_t pcie_cap;
};

/*
 * The first register number of chunk k, and how many it holds.  No branch
 * here or in xecam_reg_chunk(): a guest reading registers at random would
 * pay a mispredicted one.
 */
static inline unsigned int xecam_reg_chunk_base(unsigned int k)
{
    return k <= XECAM_REG_GROWN + 1 ? XECAM_REG_CHUNK0 * ((1U << k) >> 1)
           : 2 * XECAM_REG_CHUNK_MAX +
             (k - XECAM_REG_GROWN - 1) * XECAM_REG_CHUNK_MAX;
}

static inline unsigned int xecam_reg_chunk_size(unsigned int k)
{
    return k > XECAM_REG_GROWN ? XECAM_REG_CHUNK_MAX
           : XECAM_REG_CHUNK0 * (((1U << k) >> 1) | !k);
}

/* The chunk of register number i. */
static inline unsigned int xecam_reg_chunk(unsigned int i)
{
    unsigned int q = i / XECAM_REG_CHUNK0;

    if ( i >= 2 * XECAM_REG_CHUNK_MAX )
        return XECAM_REG_GROWN + 1 + (i - 2 * XECAM_REG_CHUNK_MAX) /
                                     XECAM_REG_CHUNK_MAX;

    return xecam_fls(q | 1) - !q;
}

/* The map's name for register number i. */
static inline unsigned int xecam_reg_link(unsigned int i)
{
    unsigned int k = xecam_reg_chunk(i);

    return (k << XECAM_MAP_SHIFT) | (i - xecam_reg_chunk_base(k) + 1);
}

/* Register i (0-based, below nr_regs). */
static inline struct xecam_vpci_reg *
xecam_vpci_reg(const struct xecam_vpci *dev, unsigned int i)
{
    unsigned int k = xecam_reg_chunk(i);

    return &dev->chunk[k][i - xecam_reg_chunk_base(k)];
}

/* Changes readers must not see half done: under the lock, in the count. */
static inline void xecam_vpci_lock(struct xecam_vpci *dev)
{
    xecam_port_mutex_lock(dev->lock);
    xecam_seq_write_begin(&dev->seq);
}

static inline void xecam_vpci_unlock(struct xecam_vpci *dev)
{
    xecam_seq_write_end(&dev->seq);
    xecam_port_mutex_unlock(dev->lock);
}

/* A guest-triggerable warning about a device, rate-limited. */
#define vpci_warn(dev, fmt, ...)                                            \
    xecam_port_log(XECAM_LOG_WARN | XECAM_LOG_GUEST,                        \
                   "vpci %04x:%02x:%02x.%u: " fmt "\n",                     \
                   XECAM_SBDF_SEG((dev)->host_sbdf),                        \
                   XECAM_SBDF_BUS((dev)->host_sbdf),                        \
                   XECAM_SBDF_DEV((dev)->host_sbdf),                        \
                   XECAM_SBDF_FN((dev)->host_sbdf), ##__VA_ARGS__)

/* regmap.c */
void xecam_vpci_regs_free(struct xecam_vpci *dev);

/* regdesc.c: registers from table rows (at 'base'). */
void xecam_vpci_reg_from(struct xecam_vpci_reg *r, unsigned int base,
                         const struct xecam_vpci_regdesc *d);
int xecam_vpci_add_row(struct xecam_vpci *dev, unsigned int base,
                       const struct xecam_vpci_regdesc *d);
/* The rows of t[n] whose 'need' flags are all in 'layout'. */
int xecam_vpci_add_rows(struct xecam_vpci *dev, unsigned int base,
                        const struct xecam_vpci_regdesc *t, unsigned int n,
                        unsigned int layout);
#define xecam_vpci_add_table(dev, base, t, layout) \
    xecam_vpci_add_rows(dev, base, t, XECAM_ARRAY_SIZE(t), layout)
/*
 * The register at 'off' resets to, and holds, the emulated bits of 'v':
 * for values the device gave and init checked, never read twice.
 */
void xecam_vpci_set_reset(struct xecam_vpci *dev, unsigned int off,
                          uint32_t v);
/*
 * The register at 'off' gets read-only bits 'ro' (regmap.c): a live
 * register's masks change only through here, which keeps the map's
 * XECAM_MAP_PLAIN true.
 */
void xecam_vpci_set_ro(struct xecam_vpci *dev, unsigned int off, uint32_t ro);

/* header.c */
int xecam_vpci_header_init(struct xecam_vpci *dev);
uint32_t xecam_vpci_command(struct xecam_vpci *dev);
void xecam_vpci_intx_sync(struct xecam_vpci *dev);

/* chain.c: the device's chains, in chain order: how many, or -EIO. */
int xecam_vpci_walk_std(struct xecam_vpci *dev, struct xecam_cap *out,
                        unsigned int max);
int xecam_vpci_walk_ext(struct xecam_vpci *dev, struct xecam_cap *out,
                        unsigned int max);

/* caps.c */
int xecam_vpci_caps_init(struct xecam_vpci *dev,
                         const struct xecam_assign_opts *opts);
void xecam_vpci_caps_free(struct xecam_vpci *dev);
/* Back to the state after reset: every register, BARs, interrupts. */
void xecam_vpci_reset_state(struct xecam_vpci *dev);
/* vpci.c: a quiesced device's hardware, as the host left it. */
void xecam_vpci_reset_device(struct xecam_vpci *dev);
/* MSI / MSI-X changed: record whether either is on, resync INTx. */
void xecam_vpci_irq_sync(struct xecam_vpci *dev);
/* A checked device read: false if it failed. */
bool xecam_vpci_hw_read_ok(struct xecam_vpci *dev, unsigned int reg,
                           unsigned int size, uint32_t *val);

/* cap_policy.c: the policy of a capability, per-device overrides first. */
const struct xecam_cap_policy *
xecam_cap_policy_of(const struct xecam_cap *cap,
                    const struct xecam_assign_opts *opts,
                    enum xecam_cap_action *action);
/* The capability the byte at 'offset' lies in, and why it is so. */
void xecam_cap_explain(const struct xecam_vpci *dev, unsigned int offset,
                       struct xecam_vpci_byte_rule *rule);

/* cap_pm.c, cap_msi.c, cap_msix.c, cap_pcie.c */
int xecam_cf_check xecam_cap_pm_init(struct xecam_vpci *dev,
                                     const struct xecam_cap *cap);
int xecam_cf_check xecam_cap_msi_init(struct xecam_vpci *dev,
                                      const struct xecam_cap *cap);
int xecam_cf_check xecam_cap_msix_init(struct xecam_vpci *dev,
                                       const struct xecam_cap *cap);
int xecam_cf_check xecam_cap_pcie_init(struct xecam_vpci *dev,
                                       const struct xecam_cap *cap);
int xecam_cap_msix_holes(struct xecam_vpci *dev, const struct xecam_cap *cap);
/* cap_len.c: the len_of hooks of the policy table. */
int xecam_cf_check xecam_cap_len_vndr(struct xecam_vpci *dev,
                                      const struct xecam_cap *cap,
                                      unsigned int *len);
int xecam_cf_check xecam_cap_len_vsec(struct xecam_vpci *dev,
                                      const struct xecam_cap *cap,
                                      unsigned int *len);
int xecam_cf_check xecam_cap_len_sata(struct xecam_vpci *dev,
                                      const struct xecam_cap *cap,
                                      unsigned int *len);
int xecam_cf_check xecam_cap_len_aer(struct xecam_vpci *dev,
                                     const struct xecam_cap *cap,
                                     unsigned int *len);
int xecam_cf_check xecam_cap_len_rcld(struct xecam_vpci *dev,
                                      const struct xecam_cap *cap,
                                      unsigned int *len);
int xecam_cf_check xecam_cap_len_acs(struct xecam_vpci *dev,
                                     const struct xecam_cap *cap,
                                     unsigned int *len);
int xecam_cf_check xecam_cap_len_secpcie(struct xecam_vpci *dev,
                                         const struct xecam_cap *cap,
                                         unsigned int *len);
int xecam_cf_check xecam_cap_len_dpc(struct xecam_vpci *dev,
                                     const struct xecam_cap *cap,
                                     unsigned int *len);
void xecam_cap_msi_reset(struct xecam_vpci *dev);
void xecam_cap_msix_reset(struct xecam_vpci *dev);
bool xecam_cap_msi_enabled(struct xecam_vpci *dev);
bool xecam_cap_msix_enabled(struct xecam_vpci *dev);
bool xecam_cap_msix_masked(struct xecam_vpci *dev);
/* cap_msi.c: the host's vector masks made the guest's (no lock held). */
int xecam_cap_msi_mask_sync(struct xecam_vpci *dev);

/*
 * msix_table.c: the table and PBA (init from the capability's registers,
 * under no lock; reset under the device lock); sync makes the host's
 * bindings the guest's entries (no lock held, 'busy' held).
 */
int xecam_msix_table_init(struct xecam_vpci *dev, uint32_t ctrl,
                          uint32_t table, uint32_t pba);
void xecam_msix_table_reset(struct xecam_vpci *dev);
void xecam_msix_table_retry(struct xecam_vpci *dev);
void xecam_msix_table_free(struct xecam_vpci *dev);
int xecam_msix_table_sync(struct xecam_vpci *dev);
/* Has BAR 'bar' MSI-X pages to trap? */
bool xecam_msix_in_bar(const struct xecam_vpci *dev, unsigned int bar);

/* hostop.c: queue under the device lock; run with none (from work.c). */
/* The queue, for a function whose capabilities make requests. */
int xecam_vpci_hostops_init(struct xecam_vpci *dev);
bool xecam_vpci_hostop_queue(struct xecam_vpci *dev,
                             const struct xecam_vpci_hostop *op);
/* A request that reads the guest's state when sent: queued once. */
bool xecam_vpci_hostop_queue_once(struct xecam_vpci *dev,
                                  enum xecam_hostop_kind kind);
void xecam_vpci_hostops_run(struct xecam_vpci *dev);

/* slot.c: a Root Port's hot-plug slot; xecam_slot_* under its lock. */
int xecam_slot_init(struct xecam_vpci *port);
void xecam_slot_power_off(struct xecam_vpci *port);

/* bar.c: the guest's view (under the device lock); work.c makes it so. */
/*
 * sriov.c: a VF as its PF's SR-IOV capability describes it.  'ok': the VF
 * is the PF's VF 'index', the capability at 'pos', 'ids' the PF's Vendor
 * ID and the capability's VF Device ID; otherwise (logged) it gets no BARs
 * and no IDs.
 */
struct xecam_vf {
    uint32_t pf;
    unsigned int pos, index;
    uint32_t ids;
    bool ok;
};
#define XECAM_SRIOV_VF_BAR(i) (0x24U + 4 * (i))
/*
 * Is the function a VF (*vf NULL if not)?  0, or a negative errno if the
 * host could not say or a read of the PF failed.
 */
int xecam_vpci_vf_lookup(const struct xecam_vpci *dev, struct xecam_vf *buf,
                         const struct xecam_vf **vf);

/* bar.c; vf: the function is a VF (sriov.c), its BARs are its PF's. */
int xecam_vpci_bars_init(struct xecam_vpci *dev, const struct xecam_vf *vf);
void xecam_vpci_bars_decode(struct xecam_vpci *dev, bool io, bool on);
void xecam_vpci_bars_unmap_all(struct xecam_vpci *dev);
/* The parts of a BAR outside its holes; returns how many (at most 5). */
unsigned int xecam_vpci_bar_pieces(const struct xecam_vpci_bar *b,
                                   uint64_t *off, uint64_t *len);
/* Turn the device's ROM decode on or off (a config write). */
void xecam_vpci_rom_enable(struct xecam_vpci *dev, bool on);
/* Keep [off, off + len) of BAR 'bar' (page-rounded) out of the guest. */
void xecam_vpci_bar_hole(struct xecam_vpci *dev, unsigned int bar,
                         uint64_t off, uint64_t len);

#endif /* XECAM_VPCI_PRIVATE_H */
