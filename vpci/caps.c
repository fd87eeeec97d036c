/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's capability chains, built from the device's and the policy.
 *
 * Exposed capabilities keep their place and order; next pointers are
 * rewritten to skip hidden ones.  The capability pointer and Status.CAP_LIST
 * follow the guest's chain.  0x100 always holds a valid extended header:
 * the first exposed capability's, or ID 0 pointing to it when the
 * device's first one is hidden.  A hidden capability reads 0 and ignores
 * writes.  A capability whose emulation cannot be set up because of what
 * the device says (a bad MSI-X BIR, a port type...) is hidden, not fatal;
 * a failure of the host (a config read, memory) fails the assignment.
 * Extended capabilities exist only behind a PCI Express capability.
 */
#include "private.h"

#define PCIE_CAP_ID 0x10
#define MSIX_CAP_ID 0x11

/* The registers laid over the chains, each at a capability's offset. */
static const struct xecam_vpci_regdesc std_header_row = {
    .size = 2, .emu = ALL, .ro = ALL, .name = "Capability ID, Next Pointer",
    .why = "the next pointer skips what the guest does not see",
};
static const struct xecam_vpci_regdesc ext_header_row = {
    .size = 4, .emu = ALL, .ro = ALL, .name = "Extended Capability Header",
    .why = "the next pointer skips what the guest does not see",
};
/* At 0x100 when the device's first extended capability is not shown. */
static const struct xecam_vpci_regdesc null_header_row = {
    .size = 4, .emu = ALL, .ro = ALL, .name = "Null Extended Capability",
    .why = "0x100 always holds a header: it leads to the guest's chain",
};
/*
 * The body of a read-only capability where it shares a dword with its
 * header or ends inside one, by size: the device's, unwritable.  Its whole
 * dwords, and those of a hidden one, are shut (xecam_vpci_shut()).
 */
static const struct xecam_vpci_regdesc body_rows[] = {
    [1] = { .size = 1, .ro = ALL },
    [2] = { .size = 2, .ro = ALL },
};
/* Interrupt control: the enable bits reach the device. */
static const struct xecam_vpci_regdesc msi_irq_row = {
    .off = 0x02, .size = 2, .ro = ~0x0001U, .name = "Message Control",
};
static const struct xecam_vpci_regdesc msix_irq_row = {
    .off = 0x02, .size = 2, .ro = ~0xc000U, .name = "Message Control",
};

/* A header at 'offset' reading 'val'. */
static int add_header(struct xecam_vpci *dev,
                      const struct xecam_vpci_regdesc *row,
                      unsigned int offset, uint32_t val)
{
    struct xecam_vpci_reg r;

    xecam_vpci_reg_from(&r, offset, row);
    r.reset = val & r.emu;

    return xecam_vpci_add_reg(dev, &r);
}

bool xecam_vpci_hw_read_ok(struct xecam_vpci *dev, unsigned int reg,
                           unsigned int size, uint32_t *val)
{
    return !xecam_port_pci_read(dev->host_sbdf, reg, size, val);
}

/* Drop registers added since there were 'nr' (a failed emulation). */
static void regs_truncate(struct xecam_vpci *dev, unsigned int nr)
{
    const struct xecam_vpci_reg *last;

    while ( dev->nr_regs > nr )
    {
        last = xecam_vpci_reg(dev, dev->nr_regs - 1);
        xecam_vpci_remove_reg(dev, last->offset, last->size);
    }
}

/* Reads 0, ignores writes: each dword it meets without a register. */
static int hide(struct xecam_vpci *dev, const struct xecam_cap *cap,
                unsigned int len)
{
    unsigned int end = cap->offset + (len ? len : 4);  /* len: clamped */
    unsigned int limit = cap->ext ? XECAM_CFG_SIZE : XECAM_CFG_LEGACY;

    return xecam_vpci_shut(dev, cap->offset, end < limit ? end : limit, true);
}

static bool emulated_already(const struct xecam_vpci *dev, uint16_t id)
{
    switch ( id )
    {
    case 0x01: return dev->pm_off;
    case 0x05: return dev->msi_off;
    case 0x11: return dev->msix_off;
    case 0x10: return dev->pcie_off;
    }

    return false;
}

static bool shown(const struct xecam_cap_seen *seen)
{
    return seen->action != CAP_HIDE;
}

/* Not as the policy says, and why. */
static void demote(struct xecam_cap_seen *seen, enum xecam_cap_why why)
{
    seen->action = CAP_HIDE;
    seen->why = why;
}

/* Decide and emulate: 'seen' says whether the guest sees it, and why. */
static int expose(struct xecam_vpci *dev, const struct xecam_cap *cap,
                  const struct xecam_assign_opts *opts,
                  struct xecam_cap_seen *seen)
{
    enum xecam_cap_action action;
    const struct xecam_cap_policy *p = xecam_cap_policy_of(cap, opts,
                                                           &action);
    unsigned int nr = dev->nr_regs;
    uint16_t offs[] = { dev->pm_off, dev->msi_off, dev->msix_off,
                        dev->pcie_off };
    int rc = 0;

    seen->cap = *cap;
    seen->policy = p;
    seen->action = action;
    seen->why = action == p->action ? WHY_POLICY : WHY_OVERRIDE;
    /* One emulation per kind: a duplicate would share its state. */
    if ( action == CAP_EMULATE && emulated_already(dev, cap->id) )
        demote(seen, WHY_DUPLICATE);
    else if ( action == CAP_EMULATE )
        rc = p->init(dev, cap);
    if ( rc )
    {
        regs_truncate(dev, nr);
        dev->pm_off = offs[0];
        dev->msi_off = offs[1];
        dev->msix_off = offs[2];
        dev->pcie_off = offs[3];
        if ( !offs[2] )
            xecam_msix_table_free(dev);     /* this capability's, if any */
        demote(seen, WHY_REFUSED);
    }
    if ( !cap->id )
        demote(seen, WHY_NULL);

    return rc == -EIO || rc == -ENOMEM ? rc : 0;
}

static int std_header(struct xecam_vpci *dev, const struct xecam_cap *cap,
                      unsigned int next)
{
    return add_header(dev, &std_header_row, cap->offset,
                      cap->id | (next << 8));
}

static int ext_header(struct xecam_vpci *dev, const struct xecam_cap *cap,
                      unsigned int next)
{
    return add_header(dev, &ext_header_row, cap->offset,
                      cap->id | (cap->version << 16) | (next << 20));
}

/*
 * A capability's extent: its length, stopping at the next capability the
 * device has and at the end of its region.  Length 0 (unknown) runs up to
 * that next one, or to the end of the region.
 */
static unsigned int extent(const struct xecam_cap *caps, unsigned int n,
                           const struct xecam_cap *cap, unsigned int len)
{
    unsigned int limit = cap->ext ? XECAM_CFG_SIZE : XECAM_CFG_LEGACY;
    unsigned int i, end = len && len < limit - cap->offset
                          ? cap->offset + len : limit;

    for ( i = 0; i < n; i++ )
        if ( caps[i].offset > cap->offset && caps[i].offset < end )
            end = caps[i].offset;

    return end - cap->offset;
}

/*
 * The extent of a hidden or read-only capability: all of it, as its row
 * says or, for one whose registers say it, as the device's do (len_of).
 */
static int full_extent(struct xecam_vpci *dev, const struct xecam_cap *caps,
                       unsigned int n, const struct xecam_cap_seen *seen,
                       unsigned int *out)
{
    unsigned int len = seen->policy->len;
    int rc = 0;

    if ( seen->policy->len_of )
        rc = seen->policy->len_of(dev, &seen->cap, &len);
    *out = extent(caps, n, &seen->cap, len);

    return rc;
}

/* Bytes [o, end) of a read-only body, within a dword, as registers. */
static int protect_bytes(struct xecam_vpci *dev, unsigned int o,
                         unsigned int end)
{
    unsigned int sz;
    int rc = 0;

    for ( ; (!rc || rc == -EEXIST) && o < end; o += sz )
    {
        sz = !(o & 1) && end - o >= 2 ? 2 : 1;
        rc = xecam_vpci_add_row(dev, o, &body_rows[sz]);
    }

    return rc == -EEXIST ? 0 : rc;
}

/*
 * The body of a read-only capability reads the device and takes no write,
 * in either mode, so permissive mode cannot open it: its whole dwords
 * shut, the bytes beside its header and after its last whole dword as
 * registers.
 */
static int protect(struct xecam_vpci *dev, const struct xecam_cap *cap,
                   unsigned int len)
{
    unsigned int o = cap->offset + (cap->ext ? 4 : 2), end, lo, hi;
    unsigned int limit = cap->ext ? XECAM_CFG_SIZE : XECAM_CFG_LEGACY;

    end = cap->offset + len < limit ? cap->offset + len : limit;
    lo = (o + 3) & ~3U;
    lo = lo < end ? lo : end;           /* the first whole dword */
    hi = end & ~3U;
    hi = hi > lo ? hi : lo;             /* after the last */

    return protect_bytes(dev, o, lo) ?: xecam_vpci_shut(dev, lo, hi, false) ?:
           protect_bytes(dev, hi, end);
}

/*
 * pciback's allow_interrupt_control, where MSI or MSI-X is read-only: the
 * enable bits (MSI-X: and mask-all) of its control reach the device.
 */
static int irq_control(struct xecam_vpci *dev, const struct xecam_cap *cap)
{
    bool msi = cap->id == 0x05;
    uint16_t *off = msi ? &dev->irq_msi_off : &dev->irq_msix_off;

    if ( *off )
        return 0;               /* one of each kind; a duplicate stays shut */
    *off = cap->offset;

    return xecam_vpci_add_row(dev, cap->offset,
                              msi ? &msi_irq_row : &msix_irq_row);
}

static int protect_shown(struct xecam_vpci *dev, const struct xecam_cap *caps,
                         struct xecam_cap_seen *seen, unsigned int n,
                         const struct xecam_assign_opts *opts)
{
    unsigned int i, len;
    int rc = 0;

    for ( i = 0; !rc && i < n; i++ )
    {
        if ( seen[i].action != CAP_READONLY )
            continue;
        rc = full_extent(dev, caps, n, &seen[i], &len);
        seen[i].len = len;
        if ( !rc && !caps[i].ext &&
             (caps[i].id == 0x05 || caps[i].id == 0x11) &&
             (opts->flags & XECAM_ASSIGN_IRQ_CONTROL) )
            rc = irq_control(dev, &caps[i]);
        if ( !rc )
            rc = protect(dev, &caps[i], len);
    }

    return rc;
}

/*
 * Chain headers for the exposed caps, from the last one back; a cap whose
 * header lies inside another's registers is dropped from the chain.  Then
 * hiding for the rest (the extended header at 0x100 is written later).
 */
static int link(struct xecam_vpci *dev, const struct xecam_cap *caps,
                struct xecam_cap_seen *seen, unsigned int n,
                const struct xecam_assign_opts *opts, unsigned int *first)
{
    unsigned int i, next = 0, len;
    int rc = 0;

    for ( i = n; !rc && i-- > 0; )
    {
        if ( !shown(&seen[i]) )
            continue;
        rc = caps[i].ext ? ext_header(dev, &caps[i], next)
                         : std_header(dev, &caps[i], next);
        if ( rc == -EEXIST )
        {
            demote(&seen[i], WHY_OVERLAP);  /* never in the chain */
            rc = 0;
            continue;
        }
        next = caps[i].offset;
    }
    *first = next;
    if ( !rc )
        rc = protect_shown(dev, caps, seen, n, opts);
    for ( i = 0; !rc && i < n; i++ )
    {
        if ( seen[i].action == CAP_EMULATE )    /* for the record */
            seen[i].len = extent(caps, n, &caps[i], seen[i].policy->len);
        if ( shown(&seen[i]) )
            continue;
        rc = full_extent(dev, caps, n, &seen[i], &len);
        seen[i].len = len;
        if ( rc )
            break;
        if ( caps[i].ext && caps[i].offset == 0x100 )
        {
            struct xecam_cap body = caps[i];

            body.offset += 4;   /* its header becomes the null header */
            rc = len > 4 ? hide(dev, &body, len - 4) : 0;
        }
        else
            rc = hide(dev, &caps[i], len);
    }

    return rc;
}

/*
 * The record of what became of n capabilities, kept by the device for
 * xecam_vpci_byte_rule() (the 'ext' one of its two).  -ENOMEM.
 */
static int keep_seen(struct xecam_vpci *dev, bool ext, unsigned int n)
{
    struct xecam_cap_seen *seen;

    if ( !n )
        return 0;
    seen = xecam_port_zalloc(n * sizeof(*seen));
    if ( !seen )
        return -ENOMEM;
    dev->seen[ext] = seen;
    dev->nr_seen[ext] = n;

    return 0;
}

static int std_chain(struct xecam_vpci *dev,
                     const struct xecam_assign_opts *opts, bool *pcie)
{
    struct xecam_cap caps[XECAM_MAX_STD_CAPS];
    int n = xecam_vpci_walk_std(dev, caps, XECAM_MAX_STD_CAPS);
    struct xecam_cap_seen *seen;
    unsigned int i, first;
    int rc = n < 0 ? n : keep_seen(dev, false, n);

    seen = dev->seen[0];
    for ( i = 0; !rc && i < (unsigned int)n; i++ )
    {
        rc = expose(dev, &caps[i], opts, &seen[i]);
        if ( !rc && caps[i].id == MSIX_CAP_ID )
            rc = xecam_cap_msix_holes(dev, &caps[i]);
        if ( caps[i].id == PCIE_CAP_ID && !*pcie )
            dev->pcie_cap = caps[i].offset;     /* for cap_len.c */
        *pcie |= caps[i].id == PCIE_CAP_ID;
    }
    if ( !rc )
        rc = link(dev, caps, seen, n, opts, &first);
    if ( rc )
        return rc;
    xecam_vpci_set_reset(dev, 0x34, first);
    xecam_vpci_set_reset(dev, 0x06, first ? PCI_STATUS_CAP_LIST : 0);

    return 0;
}

static int ext_chain(struct xecam_vpci *dev,
                     const struct xecam_assign_opts *opts)
{
    struct xecam_cap *caps = xecam_port_zalloc(XECAM_MAX_EXT_CAPS *
                                               sizeof(*caps));
    struct xecam_cap_seen *seen;
    unsigned int i, first;
    int n, rc = -ENOMEM;

    if ( caps )
    {
        n = xecam_vpci_walk_ext(dev, caps, XECAM_MAX_EXT_CAPS);
        rc = n < 0 ? n : keep_seen(dev, true, n);
        seen = dev->seen[1];
        for ( i = 0; !rc && i < (unsigned int)n; i++ )
            rc = expose(dev, &caps[i], opts, &seen[i]);
        if ( !rc )
            rc = link(dev, caps, seen, n, opts, &first);
        /* 0x100 always answers: a null header leading to the chain. */
        if ( !rc && first != 0x100 )
            rc = add_header(dev, &null_header_row, 0x100, first << 20);
    }
    xecam_port_free(caps);

    return rc;
}

/*
 * Without a PCI Express capability a function has no extended config
 * space: 0x100-0xfff read all-ones and drop writes, whatever the device
 * holds there, as a conventional function behind a PCIe bridge answers.
 */
int xecam_vpci_caps_init(struct xecam_vpci *dev,
                         const struct xecam_assign_opts *opts)
{
    bool pcie = false;
    int rc = std_chain(dev, opts, &pcie);

    dev->no_ext = !pcie;
    if ( !rc && pcie )
        rc = ext_chain(dev, opts);
    /* Requests to the host come from capabilities alone. */
    if ( !rc && dev->nr_seen[0] + dev->nr_seen[1] )
        rc = xecam_vpci_hostops_init(dev);

    return rc;
}

void xecam_vpci_irq_sync(struct xecam_vpci *dev)
{
    dev->msi_active = xecam_cap_msi_enabled(dev) ||
                      xecam_cap_msix_enabled(dev);
    xecam_vpci_intx_sync(dev);
}

/*
 * As after a reset of the function: the host unbinds interrupts and unmaps
 * BARs, every register returns to its reset value.
 */
void xecam_vpci_reset_state(struct xecam_vpci *dev)
{
    unsigned int i;

    xecam_cap_msi_reset(dev);
    xecam_cap_msix_reset(dev);
    xecam_vpci_bars_unmap_all(dev);
    for ( i = 0; i < dev->nr_regs; i++ )
        xecam_vpci_reg(dev, i)->val = xecam_vpci_reg(dev, i)->reset;
    xecam_vpci_irq_sync(dev);
}

void xecam_vpci_caps_free(struct xecam_vpci *dev)
{
    unsigned int ext;

    xecam_msix_table_free(dev);
    xecam_port_free(dev->hostop);
    dev->hostop = NULL;
    xecam_port_free(dev->bar);
    dev->bar = NULL;
    dev->mappable = 0;
    dev->pcie_cap = 0;
    for ( ext = 0; ext < 2; ext++ )
    {
        xecam_port_free(dev->seen[ext]);
        dev->seen[ext] = NULL;
        dev->nr_seen[ext] = 0;
    }
}
