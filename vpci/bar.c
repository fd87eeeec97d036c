/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BARs and the expansion ROM BAR: guest addresses are fully virtual.
 *
 * Each BAR is a register whose bits are all emulated; the bits below its
 * size (and its type bits) are read-only, so sizing with all-ones reads back
 * the size mask with no special case.  The device's own BAR values and
 * sizes are hostile input: a type the BAR cannot have (a 64-bit BAR in the
 * last slot, a reserved type), a size that is not a power of two in range:
 * the BAR is left unimplemented (reads 0, ignores writes).
 *
 * Memory BARs (and the ROM, while enabled) are mapped in the guest while
 * Command.MEM is set, I/O BARs while Command.IO is; never at address 0.
 * The pages holding the MSI-X table and PBA are never mapped: the guest
 * must not write the real table (XSA-164's class); its accesses there trap
 * to the host, which emulates the table.
 * The rule for writes while decode is on: a BAR's address cannot change
 * then (the write is ignored, counted and logged with a rate limit); the ROM
 * enable bit can, and maps or unmaps the ROM.
 *
 * Sub-page memory BARs (smaller than 4 KiB, or not page-aligned in the host)
 * are never mapped: the guest would reach whatever else shares the host's
 * page.  They read and size as the device says, and accesses to them reach
 * nothing (all-ones), as with a BAR the host could not place.
 *
 * This file keeps the guest's view, under the device lock; the host's
 * mappings follow it later, with no lock held (work.c).
 */
#include "private.h"

static xecam_vpci_write_t bar_write;

#define BAR(i) \
    { .off = 0x10 + 4 * (i), .size = 4, .emu = ALL, .hooks.write = bar_write, \
      .name = "BAR" #i, .why = "guest addresses are virtual" }

/*
 * The BARs and the ROM BAR, by BAR number.  Read-only bits: below a BAR's
 * size and its type, as the device's BAR says at assignment; all of them,
 * and no hook, for an unimplemented one.
 */
static const struct xecam_vpci_regdesc bar_regs[XECAM_NR_BARS] = {
    BAR(0), BAR(1), BAR(2), BAR(3), BAR(4), BAR(5),
    [XECAM_PORT_ROM_BAR] = {
        .off = 0x30, .size = 4, .emu = ALL, .sync = PCI_ROM_ENABLE,
        .hooks.write = bar_write, .name = "Expansion ROM BAR",
        .why = "the guest address is virtual; the enable bit reaches the "
               "device while the ROM is mapped" },
};

#undef BAR

static bool pow2_in(uint64_t x, uint64_t min, uint64_t max)
{
    return x >= min && x <= max && !(x & (x - 1));
}

static enum xecam_bar_kind classify(unsigned int i, uint32_t lo,
                                    uint64_t size)
{
    if ( i == XECAM_PORT_ROM_BAR )
        return pow2_in(size, 2048, 1ULL << 31) ? BAR_ROM : BAR_NONE;
    if ( lo & PCI_BAR_IO )
        return pow2_in(size, 4, 0x10000) ? BAR_IO : BAR_NONE;
    if ( !(lo & 6) )
        return pow2_in(size, 16, 1ULL << 31) ? BAR_MEM32 : BAR_NONE;
    if ( (lo & 6) == PCI_BAR_MEM64 && i < 5 )
        return pow2_in(size, 16, 1ULL << 62) ? BAR_MEM64 : BAR_NONE;

    return BAR_NONE;
}

/* The address a BAR of this kind holds, from its registers' values. */
static uint64_t bar_addr(enum xecam_bar_kind kind, uint32_t lo, uint32_t hi)
{
    switch ( kind )
    {
    case BAR_IO:
        return lo & ~3U;
    case BAR_ROM:
        return lo & ~0x7ffU;
    case BAR_MEM64:
        return (lo & ~0xfU) | ((uint64_t)hi << 32);
    default:
        return lo & ~0xfU;
    }
}

static uint64_t bar_gaddr(struct xecam_vpci *dev,
                          const struct xecam_vpci_bar *b)
{
    return bar_addr(b->kind, xecam_vpci_find_reg(dev, b->offset)->val,
                    b->kind == BAR_MEM64 ?
                    xecam_vpci_find_reg(dev, b->offset + 4)->val : 0);
}

#define PAGE 0x1000ULL

void xecam_vpci_bar_hole(struct xecam_vpci *dev, unsigned int bar,
                         uint64_t off, uint64_t len)
{
    struct xecam_vpci_bar *b = dev->bar ? &dev->bar[bar] : NULL;
    uint64_t end = (off + len + PAGE - 1) & ~(PAGE - 1);
    uint64_t start = off & ~(PAGE - 1);
    unsigned int i;

    if ( !b )
        return;

    end = end < b->size ? end : b->size;
    for ( i = 0; i < b->nr_holes; i++ )
        if ( start <= b->hole[i].end && b->hole[i].start <= end )
        {
            /* Touching or overlapping (a table and PBA sharing a page). */
            b->hole[i].start = start < b->hole[i].start ? start
                                                        : b->hole[i].start;
            b->hole[i].end = end > b->hole[i].end ? end : b->hole[i].end;
            return;
        }
    if ( b->nr_holes == XECAM_BAR_HOLES )
    {
        b->never_map = true;    /* safe rather than mapped */
        return;
    }
    b->hole[b->nr_holes].start = start;
    b->hole[b->nr_holes++].end = end;
}

/* The parts of a BAR outside its holes, in address order. */
unsigned int xecam_vpci_bar_pieces(const struct xecam_vpci_bar *b,
                                   uint64_t *off, uint64_t *len)
{
    unsigned int n = 0, i, first;
    uint64_t pos = 0;
    bool used[XECAM_BAR_HOLES];

    if ( !b->nr_holes )         /* the common case: the whole BAR */
    {
        off[0] = 0;
        len[0] = b->size;
        return b->size ? 1 : 0;
    }
    for ( i = 0; i < XECAM_BAR_HOLES; i++ )
        used[i] = false;
    for ( ; ; )
    {
        first = XECAM_BAR_HOLES;
        for ( i = 0; i < b->nr_holes; i++ )     /* lowest unused hole */
            if ( !used[i] && (first == XECAM_BAR_HOLES ||
                              b->hole[i].start < b->hole[first].start) )
                first = i;
        if ( first == XECAM_BAR_HOLES )
            break;
        used[first] = true;
        if ( b->hole[first].start > pos )
        {
            off[n] = pos;
            len[n++] = b->hole[first].start - pos;
        }
        if ( b->hole[first].end > pos )
            pos = b->hole[first].end;
    }
    if ( pos < b->size )
    {
        off[n] = pos;
        len[n++] = b->size - pos;
    }

    return n;
}

/* The device decodes its ROM only while its own enable bit is set. */
void xecam_vpci_rom_enable(struct xecam_vpci *dev, bool on)
{
    uint32_t v;

    if ( !xecam_port_pci_read(dev->host_sbdf, 0x30, 4, &v) &&
         (v & PCI_ROM_ENABLE) != on )
        xecam_vpci_hw_write(dev, 0x30, 4, (v & ~PCI_ROM_ENABLE) | on);
}

/*
 * The guest turns a BAR's decode on or off: record it, and leave the host
 * work (work.c) for after the locks are dropped.  Never at address 0.
 */
static void bar_map(struct xecam_vpci *dev, struct xecam_vpci_bar *b, bool on)
{
    uint64_t g = on ? bar_gaddr(dev, b) : 0;

    on = on && g && dev->d && !b->never_map;
    if ( on == b->want && (!on || g == b->want_at) )
        return;
    b->want = on;
    b->want_at = g;
    b->failed = false;
    xecam_write_once(dev->head.work, true);
}

static bool decodes(struct xecam_vpci *dev, const struct xecam_vpci_bar *b,
                    bool io)
{
    if ( b->kind == BAR_ROM )
        return !io && (xecam_vpci_find_reg(dev, b->offset)->val &
                       PCI_ROM_ENABLE);

    return io ? b->kind == BAR_IO
              : b->kind == BAR_MEM32 || b->kind == BAR_MEM64;
}

void xecam_vpci_bars_decode(struct xecam_vpci *dev, bool io, bool on)
{
    unsigned int i, m;

    for ( i = 0, m = dev->mappable; m; i++, m >>= 1 )
        if ( (m & 1) && decodes(dev, &dev->bar[i], io) )
            bar_map(dev, &dev->bar[i], on);
}

void xecam_vpci_bars_unmap_all(struct xecam_vpci *dev)
{
    unsigned int i;

    for ( i = 0; dev->bar && i < XECAM_NR_BARS; i++ )
        bar_map(dev, &dev->bar[i], false);
}

static void ignored(struct xecam_vpci *dev, unsigned int offset)
{
    xecam_count(dev->bar_writes_ignored);
    vpci_warn(dev, "BAR at %#x not moved while its decode is on", offset);
}

static void rom_write(struct xecam_vpci *dev, struct xecam_vpci_reg *reg,
                      struct xecam_vpci_bar *b, uint32_t old, bool decode)
{
    uint32_t moved = (reg->val ^ old) & ~PCI_ROM_ENABLE;

    /* Only a decoding ROM stays put; enabling may come with an address. */
    if ( decode && (old & PCI_ROM_ENABLE) && moved )
    {
        reg->val = (old & ~PCI_ROM_ENABLE) | (reg->val & PCI_ROM_ENABLE);
        ignored(dev, reg->offset);
    }
    if ( decode && ((reg->val ^ old) & PCI_ROM_ENABLE) )
        bar_map(dev, b, reg->val & PCI_ROM_ENABLE);
}

/* The BAR a register is of (the top half of a 64-bit BAR: its low one). */
static struct xecam_vpci_bar *bar_of(struct xecam_vpci *dev,
                                     const struct xecam_vpci_reg *reg)
{
    unsigned int i = reg->offset == bar_regs[XECAM_PORT_ROM_BAR].off
                     ? XECAM_PORT_ROM_BAR : (reg->offset - 0x10U) / 4;

    return dev->bar[i].kind == BAR_MEM64_HI ? &dev->bar[i - 1] : &dev->bar[i];
}

static void xecam_cf_check bar_write(struct xecam_vpci *dev,
                                     struct xecam_vpci_reg *reg, uint32_t old,
                                     uint32_t bytes)
{
    struct xecam_vpci_bar *b = bar_of(dev, reg);
    bool io = b->kind == BAR_IO;
    bool decode = xecam_vpci_command(dev) & (io ? PCI_CMD_IO : PCI_CMD_MEM);

    if ( b->kind == BAR_ROM )
        rom_write(dev, reg, b, old, decode);
    else if ( decode && reg->val != old )
    {
        reg->val = old;
        ignored(dev, reg->offset);
    }
}

static bool sub_page(const struct xecam_vpci *dev,
                     const struct xecam_vpci_bar *b)
{
    if ( b->size >= PAGE && !(b->host_addr & (PAGE - 1)) )
        return false;
    xecam_port_log(XECAM_LOG_INFO, "vpci %04x:%02x:%02x.%u: BAR at %#x is "
                   "sub-page: never mapped\n", XECAM_SBDF_SEG(dev->host_sbdf),
                   XECAM_SBDF_BUS(dev->host_sbdf),
                   XECAM_SBDF_DEV(dev->host_sbdf),
                   XECAM_SBDF_FN(dev->host_sbdf), b->offset);

    return true;
}

/* The register of BAR i; b is NULL for an unimplemented one. */
static int add_bar_reg(struct xecam_vpci *dev, unsigned int i,
                       uint32_t reset, uint32_t ro, struct xecam_vpci_bar *b)
{
    struct xecam_vpci_reg r;

    xecam_vpci_reg_from(&r, 0, &bar_regs[i]);
    r.reset = reset;
    r.ro = ro;
    if ( !b )
        r.hooks = NULL;

    return xecam_vpci_add_reg(dev, &r);
}

/*
 * A VF's BAR i (sriov.c): its type from the PF's VF BARi register, its size
 * as the host sized that, its address the register's base + index * size.
 * Anything inconsistent (logged): size 0, so classify() leaves the BAR
 * unimplemented.  VFs have no ROM.
 */
static int vf_bar(const struct xecam_vpci *dev, const struct xecam_vf *vf,
                  unsigned int i, uint32_t *lo, uint64_t *size,
                  uint64_t *addr)
{
    unsigned int reg = vf->pos + XECAM_SRIOV_VF_BAR(i);
    uint64_t base, room, limit = 0xffffffffULL;
    enum xecam_bar_kind kind;
    const char *why;
    uint32_t hi = 0;
    int rc;

    *lo = 0;
    *size = 0;
    *addr = 0;
    if ( !vf->ok || i >= XECAM_PORT_VF_BARS )
        return 0;
    rc = xecam_port_pci_read(vf->pf, reg, 4, lo) ?:
         xecam_port_pci_vf_bar_size(vf->pf, i, size);
    if ( rc || !*size )
        return rc;
    kind = classify(i, *lo, *size);
    if ( kind == BAR_MEM64 )
    {
        rc = xecam_port_pci_read(vf->pf, reg + 4, 4, &hi);
        if ( rc )
            return rc;
        limit = ~0ULL;
    }
    base = bar_addr(BAR_MEM64, *lo, hi);
    room = limit - base;
    if ( kind != BAR_MEM32 && kind != BAR_MEM64 )
        why = "a type or size a VF BAR cannot have";
    else if ( !base || (base & (*size - 1)) )
        why = "VF BAR not placed, or not aligned to its size";
    else if ( *size - 1 > room ||
              vf->index > (room - (*size - 1)) / *size )
        why = "past the end of the VF BAR's address space";
    else
    {
        *addr = base + vf->index * *size;
        return 0;
    }
    xecam_port_log(XECAM_LOG_WARN, "vpci %04x:%02x:%02x.%u: VF %u BAR%u "
                   "(VF BAR %#x, size %#llx): %s: unimplemented\n",
                   XECAM_SBDF_SEG(dev->host_sbdf),
                   XECAM_SBDF_BUS(dev->host_sbdf),
                   XECAM_SBDF_DEV(dev->host_sbdf),
                   XECAM_SBDF_FN(dev->host_sbdf), vf->index, i, *lo,
                   (unsigned long long)*size, why);
    *size = 0;

    return 0;
}

/*
 * BAR i from the device, or for a VF (vf) from its PF; the number of
 * registers it takes (1 or 2).
 */
static int bar_init(struct xecam_vpci *dev, const struct xecam_vf *vf,
                    unsigned int i, int *regs)
{
    struct xecam_vpci_bar *b = &dev->bar[i];
    unsigned int off = bar_regs[i].off;
    uint64_t size, mask, addr = 0;
    uint32_t lo, hi = 0;
    int rc;

    if ( vf )
        rc = vf_bar(dev, vf, i, &lo, &size, &addr);
    else
        rc = xecam_port_pci_read(dev->host_sbdf, off, 4, &lo) ?:
             xecam_port_pci_bar_size(dev->host_sbdf, i, &size);
    if ( rc )
        return rc;
    b->kind = classify(i, lo, size);
    if ( !vf && b->kind == BAR_MEM64 )
    {
        rc = xecam_port_pci_read(dev->host_sbdf, off + 4, 4, &hi);
        if ( rc )
            return rc;
    }
    b->host_addr = vf ? addr : bar_addr(b->kind, lo, hi);
    b->offset = off;
    b->size = b->kind == BAR_NONE ? 0 : size;
    mask = b->size - 1;
    *regs = 1;
    switch ( b->kind )
    {
    case BAR_NONE:
        return add_bar_reg(dev, i, 0, ALL, NULL);
    case BAR_IO:
        /* Ports are 16 bits: the upper half of an I/O BAR is 0. */
        return add_bar_reg(dev, i, PCI_BAR_IO,
                           (uint32_t)mask | 3 | 0xffff0000U, b);
    case BAR_ROM:
        b->never_map = sub_page(dev, b);
        return add_bar_reg(dev, i, 0, ((uint32_t)mask & ~1U) | 0x7fe, b);
    case BAR_MEM32:
        b->never_map = sub_page(dev, b);
        return add_bar_reg(dev, i, lo & 0xf, (uint32_t)mask | 0xf, b);
    default:
        break;
    }
    b->never_map = sub_page(dev, b);
    dev->bar[i + 1].kind = BAR_MEM64_HI;
    *regs = 2;

    return add_bar_reg(dev, i, lo & 0xf, (uint32_t)mask | 0xf, b) ?:
           add_bar_reg(dev, i + 1, 0, mask >> 32, b);
}

/*
 * A VF's BAR registers read 0: its BARs come from its PF (sriov.c).  The
 * guest sees them as any function's, at guest addresses of its own.
 */
/* The state of a function's BARs is kept only if it has one. */
int xecam_vpci_bars_init(struct xecam_vpci *dev, const struct xecam_vf *vf)
{
    unsigned int i;
    int rc = 0, regs;
    XECAM_BUILD_BUG_ON(XECAM_NR_BARS > 8);  /* dev->mappable */

    dev->bar = xecam_port_zalloc(XECAM_NR_BARS * sizeof(*dev->bar));
    if ( !dev->bar )
        return -ENOMEM;
    for ( i = 0; !rc && i < 6; i += regs )
        rc = bar_init(dev, vf, i, &regs);
    rc = rc ?: bar_init(dev, vf, XECAM_PORT_ROM_BAR, &regs);
    dev->mappable = 0;
    for ( i = 0; i < XECAM_NR_BARS; i++ )
        if ( dev->bar[i].kind != BAR_NONE &&
             dev->bar[i].kind != BAR_MEM64_HI )
            dev->mappable |= 1U << i;
    /* A 64-bit BAR's top comes with its bottom: none mappable, none. */
    if ( !rc && !dev->mappable )
    {
        xecam_port_free(dev->bar);
        dev->bar = NULL;
    }

    return rc;
}
