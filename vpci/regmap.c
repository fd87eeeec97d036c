/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The register map of a vPCI device and the dispatch of accesses over it.
 *
 * map[] names the register covering each of the 4096 bytes, so finding the
 * owner of a byte is one load, whatever the number of registers.  An access
 * (at most 4 bytes) is walked byte run by byte run: each run inside a
 * register is served by that register, each run in a gap by the rule for
 * unclaimed bytes.  Registers and accesses are naturally aligned powers of
 * two, so their intersection is too: every piece that reaches the device is
 * itself a valid 1-, 2- or 4-byte config access of exactly the bytes the
 * guest wrote.  No byte is dropped because a neighbour is handled.
 */
#include "private.h"

static uint32_t bytes_mask(unsigned int first, unsigned int n)
{
    return xecam_ones(n) << (8 * first);
}

static bool masks_ok(const struct xecam_vpci_reg *r)
{
    uint32_t all = xecam_ones(r->size), fixed = r->ro | r->rsvdp | r->rsvdz;

    return !((r->reset | r->emu | fixed | r->rw1c) & ~all) &&
           !(r->rw1c & fixed);
}

static int check_reg(const struct xecam_vpci *dev,
                     const struct xecam_vpci_reg *r)
{
    unsigned int i;

    if ( (r->size != 1 && r->size != 2 && r->size != 4) ||
         (r->offset & (r->size - 1)) || !masks_ok(r) )
        return -EINVAL;
    if ( r->offset + r->size > XECAM_CFG_SIZE )
        return -ERANGE;
    for ( i = 0; i < r->size; i++ )
        if ( dev->map[r->offset + i] )
            return -EEXIST;

    return 0;
}

/* Room for one more register: a new chunk when the last one is full. */
static int grow(struct xecam_vpci *dev)
{
    unsigned int c = dev->nr_regs / XECAM_REG_CHUNK;
    struct xecam_vpci_reg *n;

    if ( dev->nr_regs >= XECAM_CFG_SIZE )
        return -ENOSPC;
    if ( dev->chunk[c] )
        return 0;
    n = xecam_port_zalloc(XECAM_REG_CHUNK * sizeof(*n));
    if ( !n )
        return -ENOMEM;
    /* Published whole: see reg_for_read(). */
    xecam_store_release(dev->chunk[c], n);

    return 0;
}

static void map_set(struct xecam_vpci *dev, const struct xecam_vpci_reg *r,
                    uint16_t idx)
{
    unsigned int i;

    for ( i = 0; i < r->size; i++ )
        xecam_write_once(dev->map[r->offset + i], idx);
}

int xecam_vpci_add_reg(struct xecam_vpci *dev,
                       const struct xecam_vpci_reg *reg)
{
    struct xecam_vpci_reg *r;
    int rc;

    xecam_vpci_lock(dev);
    rc = check_reg(dev, reg);
    if ( !rc )
        rc = grow(dev);
    if ( !rc )
    {
        r = xecam_vpci_reg(dev, dev->nr_regs++);
        *r = *reg;
        r->val = r->reset;
        map_set(dev, r, dev->nr_regs);
    }
    xecam_vpci_unlock(dev);

    return rc;
}

int xecam_vpci_remove_reg(struct xecam_vpci *dev, unsigned int offset,
                          unsigned int size)
{
    struct xecam_vpci_reg *r;
    unsigned int idx;
    int rc = -ENOENT;

    xecam_vpci_lock(dev);
    idx = offset < XECAM_CFG_SIZE ? dev->map[offset] : 0;
    r = idx ? xecam_vpci_reg(dev, idx - 1) : NULL;
    if ( r && r->offset == offset && r->size == size )
    {
        map_set(dev, r, 0);
        if ( idx != dev->nr_regs )  /* the last register fills the hole */
        {
            *r = *xecam_vpci_reg(dev, dev->nr_regs - 1);
            map_set(dev, r, idx);
        }
        dev->nr_regs--;
        rc = 0;
    }
    xecam_vpci_unlock(dev);

    return rc;
}

struct xecam_vpci_reg *xecam_vpci_find_reg(struct xecam_vpci *dev,
                                           unsigned int offset)
{
    unsigned int idx = offset < XECAM_CFG_SIZE ? dev->map[offset] : 0;

    return idx ? xecam_vpci_reg(dev, idx - 1) : NULL;
}

unsigned int xecam_vpci_nr_regs(const struct xecam_vpci *dev)
{
    return dev->nr_regs;
}

void xecam_vpci_regs_free(struct xecam_vpci *dev)
{
    unsigned int c;

    for ( c = 0; c < XECAM_ARRAY_SIZE(dev->chunk); c++ )
    {
        xecam_port_free(dev->chunk[c]);
        dev->chunk[c] = NULL;
    }
    dev->nr_regs = 0;
}

/* ---- Reads ---- */

/*
 * Register idx (1-based, from the map).  A reader without the lock may see
 * a map entry before the chunk it points into: NULL then.
 */
static const struct xecam_vpci_reg *reg_for_read(const struct xecam_vpci *dev,
                                                 unsigned int idx)
{
    const struct xecam_vpci_reg *c;

    c = xecam_load_acquire(dev->chunk[(idx - 1) / XECAM_REG_CHUNK]);

    return c ? &c[(idx - 1) % XECAM_REG_CHUNK] : NULL;
}

/* The whole register as the guest sees it. */
static uint32_t reg_read(struct xecam_vpci *dev,
                         const struct xecam_vpci_reg *r)
{
    uint32_t hw = xecam_ones(r->size) & ~r->emu & ~r->rsvdz;
    uint32_t v = r->val & r->emu & ~r->rsvdz;

    if ( hw )
        v |= xecam_vpci_hw_read(dev, r->offset, r->size) & hw;

    return r->read ? r->read(dev, r, v) : v;
}

uint32_t xecam_vpci_access_read(struct xecam_vpci *dev, unsigned int off,
                                unsigned int size)
{
    unsigned int o = off, end = off + size, hi, idx;
    uint32_t val = 0, part, hw = 0;
    bool have_hw = false;

    while ( o < end )
    {
        idx = xecam_read_once(dev->map[o]);
        if ( idx )
        {
            const struct xecam_vpci_reg *r = reg_for_read(dev, idx);

            /* Only a reader racing a writer sees these; it reads again. */
            if ( !r || r->offset > o || r->size > 4 ||
                 r->offset + r->size <= o )
                return xecam_ones(size);
            hi = end < r->offset + r->size ? end : r->offset + r->size;
            part = reg_read(dev, r) >> (8 * (o - r->offset));
        }
        else
        {
            for ( hi = o + 1; hi < end && !dev->map[hi]; hi++ )
                continue;
            if ( !have_hw )     /* one device read serves every gap */
                hw = xecam_vpci_hw_read(dev, off, size);
            have_hw = true;
            part = hw >> (8 * (o - off));
        }
        val |= (part & xecam_ones(hi - o)) << (8 * (o - off));
        o = hi;
    }

    return val;
}

/* The common case: the access lies within one register. */
static bool read_within(struct xecam_vpci *dev, unsigned int off,
                        unsigned int size, uint32_t *val)
{
    unsigned int idx = xecam_read_once(dev->map[off]);
    const struct xecam_vpci_reg *r = idx ? reg_for_read(dev, idx) : NULL;

    if ( !r || r->offset > off || r->size > 4 ||
         off + size > r->offset + r->size )
        return false;
    *val = (reg_read(dev, r) >> (8 * (off - r->offset))) & xecam_ones(size);

    return true;
}

/*
 * A read without the lock, inside the device's seqcount; the lock after
 * XECAM_SEQ_TRIES collisions with writers (whose hooks may take long).
 * Everything a read touches is the device's own memory and its register
 * chunks, and read hooks only compute, so a read that saw a writer is
 * simply done again.
 */
uint32_t xecam_vpci_access_read_unlocked(struct xecam_vpci *dev,
                                         unsigned int off, unsigned int size)
{
    unsigned int tries, seq;
    uint32_t val;

    for ( tries = 0; XECAM_SEQ_READERS && tries < XECAM_SEQ_TRIES; tries++ )
    {
        seq = xecam_seq_begin(&dev->seq);
        if ( seq & 1 )
            continue;
        if ( !read_within(dev, off, size, &val) )
            val = xecam_vpci_access_read(dev, off, size);
        if ( !xecam_seq_retry(&dev->seq, seq) )
            return val;
    }
    xecam_port_mutex_lock(dev->lock);
    val = xecam_vpci_access_read(dev, off, size);
    xecam_port_mutex_unlock(dev->lock);

    return val;
}

/* ---- Writes ---- */

/*
 * The device's part of a register write.  'g' is the guest's value and
 * 'bytes' the bits of the bytes written, in register coordinates.  Bits the
 * guest may set go through, guest 1s clear the device's RW1C bits, RsvdZ
 * bits are written as 0, every other bit of the written bytes keeps the
 * device's current value (RW1C bits excepted, so they are never cleared by
 * accident).  Nothing is written if the guest can change nothing, or if the
 * device's current value is needed and cannot be read.
 */
static void reg_write_hw(struct xecam_vpci *dev,
                         const struct xecam_vpci_reg *r, uint32_t g,
                         uint32_t bytes)
{
    /* Permissive: reserved bits that live in the device are the guest's. */
    uint32_t rsvd = dev->flags & XECAM_ASSIGN_PERMISSIVE ? 0
                                                         : r->rsvdp | r->rsvdz;
    uint32_t fixed = r->ro | rsvd, hw = ~r->emu & bytes;
    uint32_t pass = hw & ~fixed & ~r->rw1c, clear = hw & r->rw1c & g;
    uint32_t keep = bytes & ~pass & ~r->rw1c & ~(rsvd & r->rsvdz), v, cur;
    unsigned int first = xecam_ctz(bytes) / 8;
    unsigned int n = xecam_popcount(bytes) / 8;

    if ( !pass && !clear )
        return;
    v = (g & pass) | clear;
    if ( keep )
    {
        /* Current bits unknown: writing could change protected ones. */
        if ( xecam_port_pci_read(dev->host_sbdf, r->offset + first, n, &cur) )
            return;
        v |= (cur << (8 * first)) & keep;
    }
    xecam_vpci_hw_write(dev, r->offset + first, n, v >> (8 * first));
}

static void reg_write(struct xecam_vpci *dev, struct xecam_vpci_reg *r,
                      uint32_t g, uint32_t bytes)
{
    uint32_t fixed = r->ro | r->rsvdp | r->rsvdz, old = r->val;
    uint32_t set = r->emu & bytes & ~fixed & ~r->rw1c;

    r->val = (r->val & ~set) | (g & set);
    r->val &= ~(g & bytes & r->emu & r->rw1c);
    reg_write_hw(dev, r, g, bytes);
    if ( r->write )
        r->write(dev, r, old, bytes);
}

/* Unknown bytes [o, end) to the device, in naturally aligned pieces. */
static void write_run(struct xecam_vpci *dev, unsigned int o,
                      unsigned int end, uint32_t val)
{
    uint64_t v = val;           /* shifted by up to 32 below */
    unsigned int sz;

    for ( ; o < end; o += sz, v >>= 8 * sz, val = v )
    {
        sz = !(o & 3) && end - o >= 4 ? 4 : !(o & 1) && end - o >= 2 ? 2 : 1;
        xecam_vpci_hw_write(dev, o, sz, val);
    }
}

/*
 * Refused: counted, and the first time on a device reported in pciback's
 * words, once per device and assignment.
 */
static void refuse(struct xecam_vpci *dev, unsigned int off,
                   unsigned int size)
{
    xecam_count(dev->refused);
    if ( xecam_xchg(dev->warned, true) )
        return;
    xecam_port_log(XECAM_LOG_WARN,
                   "vpci %04x:%02x:%02x.%u: Driver tried to write to a "
                   "read-only configuration space field at offset %#x, "
                   "size %u. This may be harmless, but if you have problems "
                   "with your device: 1) see the permissive option of its "
                   "assignment 2) report problems to the xen-devel mailing "
                   "list along with details of your device obtained from "
                   "lspci.\n", XECAM_SBDF_SEG(dev->host_sbdf),
                   XECAM_SBDF_BUS(dev->host_sbdf),
                   XECAM_SBDF_DEV(dev->host_sbdf),
                   XECAM_SBDF_FN(dev->host_sbdf), off, size);
}

bool xecam_vpci_access_write(struct xecam_vpci *dev, unsigned int off,
                             unsigned int size, uint32_t val)
{
    unsigned int o = off, end = off + size, hi, idx, shift;
    bool refused = false;

    while ( o < end )
    {
        idx = dev->map[o];
        if ( idx )
        {
            struct xecam_vpci_reg *r = xecam_vpci_reg(dev, idx - 1);

            hi = end < r->offset + r->size ? end : r->offset + r->size;
            shift = 8 * (o - r->offset);
            reg_write(dev, r, (val >> (8 * (o - off))) << shift,
                      bytes_mask(o - r->offset, hi - o));
        }
        else
        {
            for ( hi = o + 1; hi < end && !dev->map[hi]; hi++ )
                continue;
            /* Unknown bytes: the device's only in permissive mode. */
            if ( dev->flags & XECAM_ASSIGN_PERMISSIVE )
                write_run(dev, o, hi, val >> (8 * (o - off)));
            else
                refused = true;
        }
        o = hi;
    }
    if ( refused )
        refuse(dev, off, size);

    return refused;
}

/* Emulated bits a write hook mirrors to the device: only with that hook. */
static uint32_t mirrored(const struct xecam_vpci_reg *r)
{
    return r->desc && r->write == r->desc->write ? r->desc->sync : 0;
}

void xecam_vpci_byte_rule(struct xecam_vpci *dev, unsigned int offset,
                          struct xecam_vpci_byte_rule *rule)
{
    const struct xecam_vpci_reg *r = xecam_vpci_find_reg(dev, offset);
    unsigned int shift = r ? 8 * (offset - r->offset) : 0;
    uint8_t hw, fixed, sync;

    xecam_memset(rule, 0, sizeof(*rule));
    if ( offset >= XECAM_CFG_SIZE )
        return;
    rule->reg_name = r && r->desc ? r->desc->name : NULL;
    rule->reg_why = r && r->desc ? r->desc->why : NULL;
    xecam_cap_explain(dev, offset, rule);
    if ( (offset >= XECAM_CFG_LEGACY && dev->no_ext) || dev->emulated )
        return;                 /* nothing ever reaches a device there */
    if ( !r )
    {
        rule->to_device_permissive = 0xff;
        return;
    }
    rule->claimed = true;
    rule->emu = r->emu >> shift;
    rule->ro = r->ro >> shift;
    rule->rw1c = r->rw1c >> shift;
    rule->rsvd = (r->rsvdp | r->rsvdz) >> shift;
    sync = mirrored(r) >> shift;
    hw = ~rule->emu | sync;
    fixed = rule->ro | rule->rsvd;
    rule->to_device = hw & (~fixed | sync);
    rule->to_device_permissive = hw & (~rule->ro | sync);
}
