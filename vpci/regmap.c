/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The register map of a vPCI device and the dispatch of accesses over it.
 *
 * The map names, for each dword of the 4096 bytes, the lowest register in
 * it; a register never crosses a dword, so the others in the same dword
 * (at most three) follow it through 'next'.  A dword of a hidden or
 * read-only capability has no register: its entry says it is shut.
 * Finding the owner of a byte is a load or two whatever the number of
 * registers, and costs two bytes per dword of the pages in use
 * (private.h).  An access (at most 4 bytes, one
 * dword) walks its dword's list once: each register's part is served by
 * that register, the bytes between them by the rule for unclaimed bytes.
 * Registers and accesses are naturally aligned powers of two, so their
 * intersection is too: every piece that reaches the device is itself a
 * valid 1-, 2- or 4-byte config access of exactly the bytes the guest
 * wrote.  No byte is dropped because a neighbour is handled.
 */
#include "private.h"

/* xecam_ones() of 0 to 4 bytes (a register's size: 1, 2 or 4), one load. */
static const uint32_t ones_of[8] = {
    0, 0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
};

static xecam_always_inline uint32_t ones(unsigned int n)
{
    return ones_of[n & 7];
}

static xecam_always_inline uint32_t bytes_mask(unsigned int first,
                                               unsigned int n)
{
    return ones(n) << (8 * first);
}

static unsigned int reg_end(const struct xecam_vpci_reg *r)
{
    return (unsigned int)r->offset + r->size;
}

static bool masks_ok(const struct xecam_vpci_reg *r)
{
    uint32_t all = xecam_ones(r->size), fixed = r->ro | r->rsvdp | r->rsvdz;

    return !((r->reset | r->emu | fixed | r->rw1c) & ~all) &&
           !(r->rw1c & fixed);
}

/*
 * The map entry of the dword holding byte o, if its page exists, the
 * header's page (map[0] is map0) found like the others: no branch on the
 * page for reads at random across pages to mispredict.
 */
static xecam_always_inline uint16_t *map_slot_any(const struct xecam_vpci *dev,
                                                  unsigned int o)
{
    uint16_t *page = xecam_load_acquire(dev->map[o / XECAM_MAP_PAGE]);

    return page ? &page[(o % XECAM_MAP_PAGE) / 4] : NULL;
}

/* The same, the header's entries without the page pointer's load. */
static xecam_always_inline uint16_t *map_slot(const struct xecam_vpci *dev,
                                              unsigned int o)
{
    if ( o < XECAM_MAP_PAGE )
        return (uint16_t *)&dev->map0[o / 4];

    return map_slot_any(dev, o);
}

/*
 * The register a map entry names (chunk and slot), or NULL: none (0), or
 * a reader without the lock caught the map mid-change (the chunk not seen
 * yet).  An entry is only ever written whole and valid.
 */
/* A map entry's chunk and its slot in it (xecam_reg_link() makes them). */
static xecam_always_inline unsigned int entry_chunk(unsigned int e)
{
    XECAM_BUILD_BUG_ON(XECAM_REG_CHUNK_IDX != 1U << (13 - XECAM_MAP_SHIFT));

    return (e >> XECAM_MAP_SHIFT) & (XECAM_REG_CHUNK_IDX - 1);
}

static xecam_always_inline unsigned int entry_slot(unsigned int e)
{
    return (e & XECAM_MAP_SLOT) - 1;
}

static xecam_always_inline struct xecam_vpci_reg *
reg_of_entry(const struct xecam_vpci *dev, unsigned int e)
{
    struct xecam_vpci_reg *c;

    if ( !(e & XECAM_MAP_REF) )
        return NULL;                    /* none, or a shut dword */
    /* chunk[0] is chunk0: no branch for random reads to mispredict. */
    c = xecam_load_acquire(dev->chunk[entry_chunk(e)]);

    return c ? &c[entry_slot(e)] : NULL;
}

/*
 * With the lock held: the register a map entry or link names, or NULL.  A
 * header register (chunk 0, in the device) without the chunk pointer's
 * load: a write's chain of loads is one shorter per register, at the price
 * of a branch that writes at random across chunks mispredict.
 */
static xecam_always_inline struct xecam_vpci_reg *
reg_of_entry_locked(const struct xecam_vpci *dev, unsigned int e)
{
    if ( (e & XECAM_MAP_REF) && !entry_chunk(e) )
        return (struct xecam_vpci_reg *)&dev->chunk0[entry_slot(e)];

    return reg_of_entry(dev, e);
}

/* With the lock held: the map entry of the dword holding byte o. */
static xecam_always_inline unsigned int
entry_locked(const struct xecam_vpci *dev, unsigned int o)
{
    const uint16_t *e = map_slot(dev, o);

    return e ? *e : 0;
}

/* The map entry of the dword holding byte o, read once, without the lock. */
static xecam_always_inline unsigned int
dword_entry(const struct xecam_vpci *dev, unsigned int o)
{
    const uint16_t *e = map_slot(dev, o);

    return e ? xecam_read_once(*e) : 0;
}

/*
 * The first register of a dword, from its map entry v, NULL if none;
 * *torn set if a reader without the lock caught the map mid-change.
 */
static xecam_always_inline struct xecam_vpci_reg *
entry_first(const struct xecam_vpci *dev, unsigned int v, bool *torn)
{
    struct xecam_vpci_reg *r = reg_of_entry(dev, v);

    if ( (v & XECAM_MAP_REF) && !r )
        *torn = true;

    return r;
}

/* The register after r in its dword, NULL if none (*torn: see above). */
static xecam_always_inline struct xecam_vpci_reg *
dword_next(const struct xecam_vpci *dev, const struct xecam_vpci_reg *r,
           bool *torn)
{
    unsigned int link = r->next;
    struct xecam_vpci_reg *n = reg_of_entry(dev, link);

    if ( link && !n )
        *torn = true;

    return n;
}

/*
 * The register covering byte o, or NULL.  A reader without the lock may
 * find the map mid-change; *torn is then set and it must read again.
 */
static struct xecam_vpci_reg *reg_at(const struct xecam_vpci *dev,
                                     unsigned int o, bool *torn)
{
    struct xecam_vpci_reg *r = entry_first(dev, dword_entry(dev, o), torn);
    unsigned int n;

    for ( n = 0; r && n < 4; n++, r = dword_next(dev, r, torn) )
    {
        if ( r->offset > o )
            return NULL;            /* in offset order: nothing covers o */
        if ( o < reg_end(r) )
            return r;
    }
    if ( r )
        *torn = true;               /* a fifth register in a dword */

    return NULL;
}

/*
 * The common case, lock-free: the register covering all of [off, off +
 * size), found from r, the first of its dword, or NULL for anything else
 * (no register, several, a map caught mid-change), which the general walk
 * then handles.
 */
static xecam_always_inline struct xecam_vpci_reg *
reg_within_walk(const struct xecam_vpci *dev, struct xecam_vpci_reg *r,
                unsigned int off, unsigned int size)
{
    bool torn = false;
    unsigned int n, rel;

    for ( n = 0; r && n < 4; n++, r = dword_next(dev, r, &torn) )
    {
        rel = off - r->offset;          /* huge if the register is past off */
        if ( rel < r->size )
            return rel + size <= r->size ? r : NULL;
        if ( r->offset > off )
            return NULL;
    }

    return NULL;
}

static xecam_always_inline struct xecam_vpci_reg *
reg_within_from(const struct xecam_vpci *dev, unsigned int e,
                unsigned int off, unsigned int size)
{
    return reg_within_walk(dev, reg_of_entry(dev, e), off, size);
}

/* The bytes [*lo, *hi) of [off, end) that r covers; false if none. */
static xecam_always_inline bool reg_part(const struct xecam_vpci_reg *r,
                                         unsigned int off, unsigned int end,
                                         unsigned int *lo, unsigned int *hi)
{
    *lo = r->offset > off ? r->offset : off;
    *hi = reg_end(r) < end ? reg_end(r) : end;

    return *lo < *hi;
}

static int check_reg(const struct xecam_vpci *dev,
                     const struct xecam_vpci_reg *r)
{
    unsigned int i;
    bool torn = false;

    /* A header's registers in a chunk, the map and the device: 2 KiB. */
    XECAM_BUILD_BUG_ON(sizeof(*r) > 32 + 2 * sizeof(void *));

    if ( (r->size != 1 && r->size != 2 && r->size != 4) ||
         (r->offset & (r->size - 1)) || !masks_ok(r) )
        return -EINVAL;
    if ( reg_end(r) > XECAM_CFG_SIZE )
        return -ERANGE;
    if ( entry_locked(dev, r->offset) & XECAM_MAP_SHUT )
        return -EEXIST;                 /* a shut dword takes none */
    for ( i = 0; i < r->size; i++ )
        if ( reg_at(dev, r->offset + i, &torn) )
            return -EEXIST;

    return 0;
}

/* The page of the map holding byte 'offset'. */
static int map_page(struct xecam_vpci *dev, unsigned int offset)
{
    unsigned int p = offset / XECAM_MAP_PAGE;
    uint16_t *page;

    if ( !dev->map[p] )
    {
        page = xecam_port_zalloc(XECAM_MAP_DWORDS * sizeof(*page));
        if ( !page )
            return -ENOMEM;
        xecam_store_release(dev->map[p], page);     /* published whole */
    }

    return 0;
}

/* Room for register number nr_regs: its chunk, and its page of the map. */
static int grow(struct xecam_vpci *dev, unsigned int offset)
{
    unsigned int k = xecam_reg_chunk(dev->nr_regs);
    struct xecam_vpci_reg *c;

    if ( dev->nr_regs >= XECAM_CFG_SIZE )
        return -ENOSPC;
    if ( !dev->chunk[k] )
    {
        c = xecam_port_zalloc(xecam_reg_chunk_size(k) * sizeof(*c));
        if ( !c )
            return -ENOMEM;
        xecam_store_release(dev->chunk[k], c);  /* published whole */
    }

    return map_page(dev, offset);
}

/*
 * In the list of the dword holding 'offset', the link that reads 'old' (0:
 * the end of the list) now reads 'ref'.  Writer's side, under the lock.
 */
static void relink(struct xecam_vpci *dev, unsigned int offset,
                   unsigned int old, unsigned int ref)
{
    uint16_t *e = map_slot(dev, offset);
    struct xecam_vpci_reg *r;

    if ( (*e & XECAM_MAP_REF) == old )
    {
        xecam_write_once(*e, ref);
        return;
    }
    for ( r = reg_of_entry(dev, *e); r->next != old;
          r = reg_of_entry(dev, r->next) )
        continue;
    r->next = ref;
}

/* A register a write stores the guest's bytes into, and nothing else. */
static bool reg_plain(const struct xecam_vpci_reg *r)
{
    return !r->hooks && r->emu == ones(r->size) &&
           !(r->ro | r->rsvdp | r->rsvdz | r->rw1c);
}

/*
 * The dword holding 'offset' is XECAM_MAP_PLAIN if its registers tile it
 * and each is plain.  Writer's side, under the lock, after any change to
 * its registers.
 */
static void plain_update(struct xecam_vpci *dev, unsigned int offset)
{
    uint16_t *e = map_slot(dev, offset);
    unsigned int ref = *e & XECAM_MAP_REF, o = offset & ~3U, k;
    struct xecam_vpci_reg *r = reg_of_entry(dev, ref);

    for ( k = 0; r && k < 4 && r->offset == o && reg_plain(r); k++ )
    {
        o = reg_end(r);
        r = reg_of_entry(dev, r->next);
    }
    xecam_write_once(*e, ref | (o == (offset & ~3U) + 4 && !r ?
                                XECAM_MAP_PLAIN : 0));
}

/* The register after which one at 'offset' goes in its list: its next. */
static unsigned int successor(const struct xecam_vpci *dev,
                              unsigned int offset)
{
    unsigned int ref = *map_slot(dev, offset) & XECAM_MAP_REF;

    while ( ref && reg_of_entry(dev, ref)->offset < offset )
        ref = reg_of_entry(dev, ref)->next;

    return ref;
}

int xecam_vpci_add_reg(struct xecam_vpci *dev,
                       const struct xecam_vpci_reg *reg)
{
    struct xecam_vpci_reg *r;
    unsigned int ref;
    int rc;

    xecam_vpci_lock(dev);
    rc = check_reg(dev, reg) ?: grow(dev, reg->offset);
    if ( !rc )
    {
        ref = xecam_reg_link(dev->nr_regs);
        r = xecam_vpci_reg(dev, dev->nr_regs++);
        *r = *reg;
        r->val = r->reset;
        r->next = successor(dev, r->offset);
        relink(dev, r->offset, r->next, ref);
        plain_update(dev, r->offset);
    }
    xecam_vpci_unlock(dev);

    return rc;
}

int xecam_vpci_shut(struct xecam_vpci *dev, unsigned int from,
                    unsigned int to, bool hidden)
{
    unsigned int o, e = hidden ? XECAM_MAP_HIDDEN : XECAM_MAP_READONLY;
    uint16_t *slot;
    int rc = 0;

    xecam_vpci_lock(dev);
    for ( o = from & ~3U; !rc && o < to && o < XECAM_CFG_SIZE; o += 4 )
    {
        rc = map_page(dev, o);
        slot = rc ? NULL : map_slot(dev, o);
        if ( slot && !*slot )
            xecam_write_once(*slot, e); /* a register, or shut, stays */
    }
    xecam_vpci_unlock(dev);

    return rc;
}

void xecam_vpci_set_ro(struct xecam_vpci *dev, unsigned int off, uint32_t ro)
{
    struct xecam_vpci_reg *r;

    xecam_vpci_lock(dev);
    r = xecam_vpci_find_reg(dev, off);
    if ( r )
    {
        r->ro = ro & ones(r->size) & ~r->rw1c;
        plain_update(dev, r->offset);
    }
    xecam_vpci_unlock(dev);
}

int xecam_vpci_remove_reg(struct xecam_vpci *dev, unsigned int offset,
                          unsigned int size)
{
    struct xecam_vpci_reg *r, *last;
    unsigned int ref, last_ref;
    bool torn = false;
    int rc = -ENOENT;

    xecam_vpci_lock(dev);
    r = offset < XECAM_CFG_SIZE ? reg_at(dev, offset, &torn) : NULL;
    if ( r && r->offset == offset && r->size == size )
    {
        ref = successor(dev, offset);       /* r's own reference */
        relink(dev, offset, ref, r->next);
        plain_update(dev, offset);
        last_ref = xecam_reg_link(--dev->nr_regs);
        last = xecam_vpci_reg(dev, dev->nr_regs);
        if ( last != r )            /* the last register fills the hole */
        {
            *r = *last;
            relink(dev, r->offset, last_ref, ref);
            plain_update(dev, r->offset);
        }
        rc = 0;
    }
    xecam_vpci_unlock(dev);

    return rc;
}

struct xecam_vpci_reg *xecam_vpci_find_reg(struct xecam_vpci *dev,
                                           unsigned int offset)
{
    bool torn = false;

    return offset < XECAM_CFG_SIZE ? reg_at(dev, offset, &torn) : NULL;
}

unsigned int xecam_vpci_nr_regs(const struct xecam_vpci *dev)
{
    return dev->nr_regs;
}

void xecam_vpci_regs_free(struct xecam_vpci *dev)
{
    unsigned int i;

    for ( i = 1; i < XECAM_REG_CHUNKS; i++ )
    {
        xecam_port_free(dev->chunk[i]);
        dev->chunk[i] = NULL;
    }
    xecam_memset(dev->chunk0, 0, sizeof(dev->chunk0));
    for ( i = 1; i < XECAM_MAP_PAGES; i++ )
    {
        xecam_port_free(dev->map[i]);
        dev->map[i] = NULL;
    }
    xecam_memset(dev->map0, 0, sizeof(dev->map0));
    dev->nr_regs = 0;
}

/* ---- Reads ---- */

/* The bits of a register read from the device, and its emulated value. */
static xecam_always_inline uint32_t
reg_hw_bits(const struct xecam_vpci_reg *r)
{
    return ones(r->size) & ~(r->emu | r->rsvdz);
}

static xecam_always_inline uint32_t
reg_emulated(const struct xecam_vpci_reg *r)
{
    return r->val & r->emu & ~r->rsvdz;
}

/* The whole register as the guest sees it. */
static xecam_always_inline uint32_t reg_read(struct xecam_vpci *dev,
                                             const struct xecam_vpci_reg *r)
{
    uint32_t hw = reg_hw_bits(r), v = reg_emulated(r);

    if ( hw )
        v |= xecam_vpci_hw_read(dev, r->offset, r->size) & hw;

    return r->hooks && r->hooks->read ? r->hooks->read(dev, r, v) : v;
}

/*
 * Any read, with the lock held or in the seqcount, in one walk of the
 * dword's registers: each one that meets the access put in its place in
 * the dword, then the bytes no register claims from one read of the device.
 */
static xecam_always_inline uint32_t access_read(struct xecam_vpci *dev,
                                                unsigned int off,
                                                unsigned int size)
{
    bool torn = false;
    unsigned int ent = dword_entry(dev, off);
    const struct xecam_vpci_reg *r = entry_first(dev, ent, &torn);
    unsigned int end = off + size, at = 8 * (off & 3), k, in;
    uint32_t val = 0, covered = 0;

    for ( k = 0; r && k < 4; k++, r = dword_next(dev, r, &torn) )
    {
        if ( r->size > 4 )
            return ones(size);      /* a racing reader: it reads again */
        if ( r->offset >= end )
            break;
        if ( reg_end(r) <= off )
            continue;
        in = 8 * (r->offset & 3);
        val |= (reg_read(dev, r) & ones(r->size)) << in;
        covered |= ones(r->size) << in;
    }
    if ( torn || (r && k == 4) )            /* a fifth: the same */
        return ones(size);
    val = (val >> at) & ones(size);
    covered = (covered >> at) & ones(size);
    if ( covered != ones(size) && !(ent & XECAM_MAP_HIDDEN) )
        val |= xecam_vpci_hw_read(dev, off, size) & ~covered;

    return val;
}

/*
 * A read without the lock, inside the device's seqcount; the lock after
 * XECAM_SEQ_TRIES collisions with writers (whose hooks may take long).
 * Everything a read touches is the device's own memory, its map pages and
 * its register chunks, and read hooks only compute, so a read that saw a
 * writer is simply done again.
 */
static xecam_noinline void read_slow(struct xecam_vpci *dev,
                                     unsigned int off, unsigned int size,
                                     uint32_t *val)
{
    unsigned int tries, seq;

    for ( tries = 0; XECAM_SEQ_READERS && tries < XECAM_SEQ_TRIES; tries++ )
    {
        seq = xecam_seq_begin(&dev->seq);
        if ( seq & 1 )
            continue;
        *val = access_read(dev, off, size);
        if ( !xecam_seq_retry(&dev->seq, seq) )
            return;
    }
    xecam_port_mutex_lock(dev->lock);
    *val = access_read(dev, off, size);
    xecam_port_mutex_unlock(dev->lock);
}

/*
 * The fast paths call nothing but the device: a dword without registers
 * is the device's (the map entry, one load, says so), or one register
 * covers the access, all of it emulated, no read hook, in a seqcount
 * section no writer touched.  Anything else is read_slow()'s.
 */
void xecam_vpci_read(struct xecam_vpci *dev, unsigned int off,
                     unsigned int size, uint32_t *val)
{
    unsigned int seq = xecam_seq_begin(&dev->seq), ent;
    const struct xecam_vpci_reg *r;
    const uint16_t *e;
    uint32_t v;

    /* no_ext first: a test of the offset would mispredict, as above. */
    if ( dev->no_ext && off >= XECAM_CFG_LEGACY )
    {
        *val = ones(size);
        return;
    }
    e = map_slot_any(dev, off);
    ent = e ? xecam_read_once(*e) : 0;
    if ( !(ent & XECAM_MAP_REF) )       /* no register: device or shut */
    {
        *val = ent & XECAM_MAP_HIDDEN ? 0 : xecam_vpci_hw_read(dev, off, size);
        return;
    }
    if ( XECAM_SEQ_READERS && !(seq & 1) &&
         (r = reg_within_from(dev, ent, off, size)) &&
         (!r->hooks || !r->hooks->read) && !reg_hw_bits(r) )
    {
        v = reg_emulated(r) >> (8 * (off - r->offset));
        if ( !xecam_seq_retry(&dev->seq, seq) )
        {
            *val = v & ones(size);
            return;
        }
    }
    read_slow(dev, off, size, val);
}

/* ---- Writes ---- */

/*
 * The mirrored bits among 'bytes' of a register with a mirror hook, and in
 * *v the device's value for them.
 */
static inline uint32_t reg_mirror(const struct xecam_vpci *dev,
                                  const struct xecam_vpci_reg *r,
                                  uint32_t bytes, uint32_t *v)
{
    if ( !r->hooks || !r->hooks->mirror || !r->desc )
        return 0;
    *v = r->hooks->mirror(dev, r);

    return r->desc->sync & bytes;
}

/*
 * The device's part of a register write.  'g' is the guest's value and
 * 'bytes' the bits of the bytes written, in register coordinates.  Bits the
 * guest may set go through, guest 1s clear the device's RW1C bits, RsvdZ
 * bits are written as 0, mirrored bits as the mirror hook says, every other
 * bit of the written bytes keeps the device's current value (RW1C bits
 * excepted, so they are never cleared by accident).  Nothing is written if
 * the guest can change nothing, or if the device's current value is needed
 * and cannot be read.
 */
static xecam_noinline void reg_write_hw(struct xecam_vpci *dev,
                                        const struct xecam_vpci_reg *r,
                                        uint32_t g, uint32_t bytes,
                                        unsigned int first, unsigned int n)
{
    /* Permissive: reserved bits that live in the device are the guest's. */
    uint32_t rsvd = dev->flags & XECAM_ASSIGN_PERMISSIVE ? 0
                                                         : r->rsvdp | r->rsvdz;
    uint32_t hw = bytes & ~r->emu, mv = 0;
    uint32_t pass = hw & ~(r->ro | rsvd | r->rw1c), clear = hw & r->rw1c & g;
    uint32_t sync, keep, v, cur;

    /* The common case, a byte range the device takes as written. */
    if ( pass == bytes && !r->hooks )
    {
        xecam_vpci_hw_write(dev, r->offset + first, n,
                            (g & bytes) >> (8 * first));
        return;
    }
    sync = reg_mirror(dev, r, bytes, &mv);
    if ( !pass && !clear && !sync )
        return;
    keep = bytes & ~(pass | r->rw1c | (rsvd & r->rsvdz) | sync);
    v = (g & pass) | clear | (mv & sync);
    if ( keep )
    {
        /* Current bits unknown: writing could change protected ones. */
        if ( xecam_port_pci_read(dev->host_sbdf, r->offset + first, n, &cur) )
            return;
        v |= (cur << (8 * first)) & keep;
    }
    xecam_vpci_hw_write(dev, r->offset + first, n, v >> (8 * first));
}

/*
 * The emulated value after a guest write of g (register coordinates) to
 * the emulated bits 'mine': the settable bits from g, then the guest's 1s
 * clear RW1C ones.
 */
static xecam_always_inline uint32_t reg_new_val(const struct xecam_vpci_reg *r,
                                                uint32_t old, uint32_t g,
                                                uint32_t mine)
{
    uint32_t set = mine & ~(r->ro | r->rsvdp | r->rsvdz | r->rw1c);

    return (((old ^ g) & set) ^ old) & ~(g & mine & r->rw1c);
}

/*
 * Bytes [first, first + n) of register r (first counted from its start)
 * written with the guest's 'val' (its low bytes).
 */
static xecam_always_inline void reg_write(struct xecam_vpci *dev,
                                          struct xecam_vpci_reg *r,
                                          unsigned int first, unsigned int n,
                                          uint32_t val)
{
    uint32_t g = val << (8 * first), bytes = bytes_mask(first, n);
    uint32_t mine = r->emu & bytes, old = r->val;

    r->val = reg_new_val(r, old, g, mine);
    if ( mine != bytes )
        reg_write_hw(dev, r, g, bytes, first, n);
    if ( r->hooks && r->hooks->write )
        r->hooks->write(dev, r, old, bytes);
}

/*
 * The commonest write: bytes of one register, all of them emulated, no
 * hook.  Its value is one aligned store, which a reader without the lock
 * sees whole, before or after: no seqcount needed (true, done).  False,
 * nothing done, for any other write.  'plain': the register's dword is
 * XECAM_MAP_PLAIN, so the bytes are simply stored.
 */
static xecam_always_inline bool reg_write_alone(struct xecam_vpci_reg *r,
                                                bool plain,
                                                unsigned int first,
                                                unsigned int n, uint32_t val)
{
    uint32_t bytes = bytes_mask(first, n), g = val << (8 * first);

    if ( plain )                        /* no mask to apply: the bytes */
    {
        xecam_write_once(r->val, r->val ^ ((r->val ^ g) & bytes));
        return true;
    }
    if ( r->hooks || (r->emu & bytes) != bytes )
        return false;
    xecam_write_once(r->val, reg_new_val(r, r->val, g, bytes));

    return true;
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
    /* Both under the device lock: exact without a locked instruction. */
    xecam_write_once(dev->refused, dev->refused + 1);
    if ( dev->warned )
        return;
    dev->warned = true;
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

/*
 * Unclaimed bytes [o, end) of a write of 'val' at 'off': the device's if
 * permissive, refused (true) if not.
 */
static bool write_gap(struct xecam_vpci *dev, unsigned int off,
                      unsigned int o, unsigned int end, uint32_t val)
{
    if ( o >= end )
        return false;
    if ( !(dev->flags & XECAM_ASSIGN_PERMISSIVE) )
        return true;
    write_run(dev, o, end, val >> (8 * (o - off)));

    return false;
}

/*
 * A write over several registers (or none) outside a plain dword, with the
 * lock held, from r, the first of its dword, in one walk of the dword's
 * registers (write hooks never add or remove one), in the device's
 * seqcount; then the lock is dropped.  True if refused in part or whole.
 * Out of line, off the one-store write's frame.
 */
static xecam_noinline bool write_any(struct xecam_vpci *dev,
                                     struct xecam_vpci_reg *r,
                                     unsigned int off, unsigned int size,
                                     uint32_t val)
{
    bool refused = false;
    unsigned int o = off, end = off + size, k, lo, hi;

    xecam_seq_write_begin(&dev->seq);
    for ( k = 0; r && k < 4; k++, r = reg_of_entry_locked(dev, r->next) )
    {
        if ( r->offset >= end )
            break;
        if ( !reg_part(r, o, end, &lo, &hi) )
            continue;
        refused |= write_gap(dev, off, o, lo, val);
        reg_write(dev, r, lo - r->offset, hi - lo, val >> (8 * (lo - off)));
        o = hi;
    }
    refused |= write_gap(dev, off, o, end, val);
    if ( refused )
        refuse(dev, off, size);
    xecam_vpci_unlock(dev);

    return refused;
}

/* A write within register r but not of the one-store kind. */
static xecam_noinline bool write_reg(struct xecam_vpci *dev,
                                     struct xecam_vpci_reg *r,
                                     unsigned int off, unsigned int size,
                                     uint32_t val)
{
    xecam_seq_write_begin(&dev->seq);
    reg_write(dev, r, off - r->offset, size, val);
    xecam_vpci_unlock(dev);

    return false;
}

/*
 * A write over several registers of an XECAM_MAP_PLAIN dword, from r, its
 * first, with the lock held: the guest's bytes stored into each register
 * they meet, in the device's seqcount; the lock dropped.  Nothing lives
 * across a call: a frame of one register.
 */
static xecam_noinline void write_plain(struct xecam_vpci *dev,
                                       struct xecam_vpci_reg *r,
                                       unsigned int off, unsigned int size,
                                       uint32_t val)
{
    /* In dword coordinates: the guest's bytes and which they are. */
    uint32_t g = val << (8 * (off & 3)), m = bytes_mask(off & 3, size), b;
    unsigned int k, at;

    xecam_seq_write_begin(&dev->seq);
    for ( k = 0; r && k < 4; k++, r = reg_of_entry_locked(dev, r->next) )
    {
        at = 8 * (r->offset & 3);
        b = (m >> at) & ones(r->size);
        if ( b )
            r->val ^= (r->val ^ (g >> at)) & b;
    }
    xecam_vpci_unlock(dev);
}

/*
 * The commonest write inline: within one register, one store, no seqcount
 * (reg_write_alone()).  Anything else goes on out of line.
 */
static xecam_always_inline bool write_locked(struct xecam_vpci *dev,
                                             unsigned int off,
                                             unsigned int size, uint32_t val)
{
    struct xecam_vpci_reg *first, *r;
    unsigned int ent;

    if ( off >= XECAM_CFG_LEGACY && dev->no_ext )
        return false;           /* nothing there: dropped, not refused */
    xecam_port_mutex_lock(dev->lock);
    ent = entry_locked(dev, off);
    first = reg_of_entry_locked(dev, ent);
    r = reg_within_walk(dev, first, off, size);
    if ( !r && (ent & XECAM_MAP_SHUT) )
    {
        xecam_port_mutex_unlock(dev->lock);
        return false;       /* dropped, as by a read-only register */
    }
    if ( !r && (ent & XECAM_MAP_PLAIN) )
    {
        write_plain(dev, first, off, size, val);
        return false;
    }
    if ( !r )
        return write_any(dev, first, off, size, val);
    if ( !reg_write_alone(r, ent & XECAM_MAP_PLAIN, off - r->offset, size,
                          val) )
        return write_reg(dev, r, off, size, val);
    xecam_port_mutex_unlock(dev->lock);

    return false;
}

bool xecam_vpci_write_defer(struct xecam_vpci *dev, unsigned int off,
                            unsigned int size, uint32_t val)
{
    return write_locked(dev, off, size, val);
}

bool xecam_vpci_write(struct xecam_vpci *dev, unsigned int off,
                      unsigned int size, uint32_t val)
{
    bool refused = write_locked(dev, off, size, val);

    while ( xecam_read_once(dev->head.work) && xecam_vpci_work(dev, false) )
        xecam_cpu_relax();

    return refused;
}

/* Emulated bits a write hook mirrors to the device: only with that hook. */
static uint32_t mirrored(const struct xecam_vpci_reg *r)
{
    return r->desc && r->hooks == &r->desc->hooks ? r->desc->sync : 0;
}

void xecam_vpci_byte_rule(struct xecam_vpci *dev, unsigned int offset,
                          struct xecam_vpci_byte_rule *rule)
{
    const struct xecam_vpci_reg *r = xecam_vpci_find_reg(dev, offset);
    unsigned int shift = r ? 8 * (offset - r->offset) : 0, shut;
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
        shut = entry_locked(dev, offset) & XECAM_MAP_SHUT;
        rule->claimed = shut;
        rule->emu = shut & XECAM_MAP_HIDDEN ? 0xff : 0;
        rule->ro = shut ? 0xff : 0;
        rule->to_device_permissive = shut ? 0 : 0xff;
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
