/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The MSI-X table and PBA, as the guest sees them (docs/interrupts.md).
 *
 * The pages of a BAR holding the table and the PBA are never mapped into
 * the guest (bar.c); while the BAR is mapped they are trapped instead
 * (work.c, hvm/trap.c) and every access lands here, with no module lock
 * held:
 *
 * - Table: each entry's Message Address, Upper Address, Data and Vector
 *   Control are the guest's, kept here; the device's own table is the
 *   host's alone.  Aligned 4- and 8-byte accesses (the spec allows no
 *   other); anything else reads all-ones or is dropped, counted.  Address
 *   bits 1:0 and Vector Control bits 31:1 are reserved: read 0.
 * - PBA: read from the device (the host masks a vector the guest masks,
 *   so the device's pending bits are the guest's); writes are dropped.
 * - Anything else on those pages is the device's: read and written
 *   through the host, as the spec lets other registers share them.
 *
 * Binding follows the entries (sync, from the device's deferred work):
 * an entry is bound when it is unmasked with MSI-X enabled and the
 * function unmasked; once bound, its mask reaches the host and a change of
 * its message while unmasked rebinds; disabling MSI-X unbinds every entry.
 */
#include "private.h"

#define ENTRY_SIZE      16U
#define VC_MASK         0x1U            /* Vector Control: Mask Bit */
#define PAGE_MASK_4K    (~0xfffULL)

int xecam_msix_table_init(struct xecam_vpci *dev, uint32_t ctrl,
                          uint32_t table, uint32_t pba)
{
    unsigned int nr = (ctrl & 0x7ff) + 1, i;
    struct xecam_msix *m = xecam_port_zalloc(sizeof(*m) +
                                             nr * sizeof(m->entry[0]));

    if ( !m )
        return -ENOMEM;
    m->nr = nr;
    m->table_bar = table & 7;
    m->table_off = table & ~7U;
    m->pba_bar = pba & 7;
    m->pba_off = pba & ~7U;
    for ( i = 0; i < nr; i++ )
    {
        m->entry[i].word[MSIX_CTRL] = VC_MASK;      /* masked at reset */
        m->entry[i].pirq = -1;
    }
    dev->msix = m;

    return 0;
}

void xecam_msix_table_free(struct xecam_vpci *dev)
{
    xecam_port_free(dev->msix);
    dev->msix = NULL;
}

/* The guest's view back to reset; what is bound is undone by the sync. */
void xecam_msix_table_reset(struct xecam_vpci *dev)
{
    struct xecam_msix *m = dev->msix;
    unsigned int i;

    if ( !m )
        return;
    for ( i = 0; i < m->nr; i++ )
    {
        struct xecam_msix_entry *e = &m->entry[i];

        xecam_write_once(e->word[MSIX_ADDR_LO], 0);
        xecam_write_once(e->word[MSIX_ADDR_HI], 0);
        xecam_write_once(e->word[MSIX_DATA], 0);
        xecam_write_once(e->word[MSIX_CTRL], VC_MASK);
        e->failed = false;
    }
}

/* MSI-X enabled again: entries the host refused are tried again. */
void xecam_msix_table_retry(struct xecam_vpci *dev)
{
    unsigned int i;

    for ( i = 0; dev->msix && i < dev->msix->nr; i++ )
        dev->msix->entry[i].failed = false;
}

/* A word of an entry: lock-free readers and writers meet on it whole. */
static xecam_always_inline uint32_t word_get(const struct xecam_msix_entry *e,
                                             unsigned int w)
{
    return xecam_read_once(e->word[w]);
}

static uint64_t entry_addr(const struct xecam_msix_entry *e)
{
    return ((uint64_t)word_get(e, MSIX_ADDR_HI) << 32) |
           word_get(e, MSIX_ADDR_LO);
}

static xecam_always_inline bool entry_masked(const struct xecam_msix_entry *e)
{
    return word_get(e, MSIX_CTRL) & VC_MASK;
}

/*
 * Must the host's binding follow a change to word w of e?  Vector Control
 * always; the message of an unmasked or bound entry.
 */
static xecam_always_inline bool host_follows(const struct xecam_msix_entry *e,
                                             unsigned int w)
{
    return w == MSIX_CTRL || !entry_masked(e) || xecam_read_once(e->pirq) >= 0;
}

/* What the guest writes of each word: the rest is reserved, read as 0. */
static const uint32_t word_bits[4] = { ~3U, ~0U, ~0U, VC_MASK };

/* ---- Guest accesses ---- */

static bool in(uint64_t off, uint64_t start, uint64_t len)
{
    return off >= start && off - start < len;
}

/*
 * A dword of an entry, under the device lock.  True if the host's binding
 * may have to follow: a change to anything but a masked entry's message.
 */
static bool entry_write(struct xecam_msix_entry *e, unsigned int w,
                        uint32_t v)
{
    uint32_t old = word_get(e, w);

    v &= word_bits[w];
    xecam_write_once(e->word[w], v);
    if ( v == old )
        return false;
    e->failed = false;

    return host_follows(e, w);
}

/*
 * A dword of a masked, unbound entry's message, without the lock (true;
 * false, nothing done, for any other dword): the host has nothing to
 * follow (entry_write() would say so) and a reader sees the word whole,
 * before or after.  'failed' is left as it is: it counts only once the
 * entry is unmasked, a change that clears it.  An unmask racing with the
 * store may have the host bind the message from before it, as if the store
 * came just after the unmask: a change to an unmasked entry's message,
 * whose result the spec leaves undefined (PCI 3.0, 6.8.2.9).  The entry
 * keeps the guest's word; the next sync of the entries rebinds it.
 */
static xecam_always_inline bool message_write_alone(struct xecam_msix_entry *e,
                                                    unsigned int w, uint32_t v)
{
    if ( host_follows(e, w) )
        return false;
    xecam_write_once(e->word[w], v & word_bits[w]);

    return true;
}

static void bad_access(struct xecam_vpci *dev, const char *what,
                       uint64_t off, unsigned int size)
{
    xecam_count(dev->irq_errors);
    vpci_warn(dev, "MSI-X %s: %u bytes at BAR offset %#llx dropped", what,
              size, (unsigned long long)off);
}

/* Table accesses: aligned dwords and qwords. */
static xecam_always_inline
void table_read(struct xecam_vpci *dev, uint64_t toff, unsigned int size,
                uint64_t *val)
{
    const struct xecam_msix_entry *e = &dev->msix->entry[toff / ENTRY_SIZE];
    unsigned int w = (toff % ENTRY_SIZE) / 4;

    *val = word_get(e, w);
    if ( size == 8 )
        *val |= (uint64_t)word_get(e, w + 1) << 32;
}

static void table_write_locked(struct xecam_vpci *dev, uint64_t toff,
                               unsigned int size, uint64_t *v)
{
    uint64_t val = *v;
    struct xecam_msix_entry *e = &dev->msix->entry[toff / ENTRY_SIZE];
    unsigned int w = (toff % ENTRY_SIZE) / 4;
    bool sync = entry_write(e, w, val);

    if ( size == 8 )
        sync |= entry_write(e, w + 1, val >> 32);
    if ( sync && xecam_cap_msix_enabled(dev) &&
         !xecam_vpci_hostop_queue_once(dev, HOSTOP_MSIX_SYNC) )
        bad_access(dev, "entry change not made (host queue full)", toff,
                   size);
}

/* A table write: a masked, unbound entry's message alone, else locked. */
static xecam_always_inline void table_write(struct xecam_vpci *dev,
                                            uint64_t toff, unsigned int size,
                                            uint64_t *v)
{
    if ( size == 4 &&
         message_write_alone(&dev->msix->entry[toff / ENTRY_SIZE],
                             (toff % ENTRY_SIZE) / 4, *v) )
        return;
    xecam_vpci_lock(dev);
    table_write_locked(dev, toff, size, v);
    xecam_vpci_unlock(dev);
}

/*
 * The common case, from hvm/trap.c in an RCU read section (which keeps the
 * device and its table alive): an aligned dword or qword of the emulated
 * table.  A read takes no lock: the entries change under xecam_vpci_lock(),
 * in the device's seqcount, so a read that saw a writer is done again
 * (under the lock after XECAM_SEQ_TRIES), or a word at a time, whole
 * (message_write_alone()).  A write of a masked, unbound entry's message is
 * that one store; any other takes the device lock, and what it leaves the
 * host is queued, as ever.  False, having done nothing, for anything else:
 * xecam_vpci_msix_access() then does it with no lock held.
 */
bool xecam_vpci_msix_table_access(struct xecam_vpci *dev, unsigned int bar,
                                  uint64_t off, unsigned int size, bool write,
                                  uint64_t *val)
{
    const struct xecam_msix *m = dev->msix;
    unsigned int tries, seq;
    uint64_t toff;

    /* Size 4 or 8, aligned; inside the table (in()). */
    if ( !m || bar != m->table_bar || (size != 4 && size != 8) ||
         (off & (size - 1)) )
        return false;
    toff = off - m->table_off;
    if ( off < m->table_off || toff >= m->nr * ENTRY_SIZE )
        return false;
    if ( write )
    {
        table_write(dev, toff, size, val);
        return true;
    }
    for ( tries = 0; XECAM_SEQ_READERS && tries < XECAM_SEQ_TRIES; tries++ )
    {
        seq = xecam_seq_begin(&dev->seq);
        table_read(dev, toff, size, val);
        if ( !xecam_seq_retry(&dev->seq, seq) )
            return true;
    }
    xecam_port_mutex_lock(dev->lock);
    table_read(dev, toff, size, val);
    xecam_port_mutex_unlock(dev->lock);

    return true;
}

enum region { R_TABLE, R_PBA, R_DEVICE, R_BAD };

/*
 * Where an access of 'size' at 'off' of BAR 'bar' lands.  A device with
 * more than one MSI-X capability (the spec allows one) may have another
 * table in these pages: then nothing but the emulated table and PBA is
 * served, and the rest reaches nothing.
 */
static enum region region(const struct xecam_vpci *dev, unsigned int bar,
                          uint64_t off, unsigned int size)
{
    const struct xecam_msix *m = dev->msix;
    bool aligned = (size == 1 || size == 2 || size == 4 || size == 8) &&
                   !(off & (size - 1));

    if ( bar == m->table_bar && in(off, m->table_off, m->nr * ENTRY_SIZE) )
        return aligned && size >= 4 ? R_TABLE : R_BAD;
    if ( bar == m->pba_bar && in(off, m->pba_off, 8 * ((m->nr + 63) / 64)) )
        return aligned && size >= 4 ? R_PBA : R_BAD;

    return aligned && dev->nr_msix_caps == 1 ? R_DEVICE : R_BAD;
}

/* The host's address of BAR offset 'off'; false if it is not there. */
static bool host_addr(struct xecam_vpci *dev, unsigned int bar, uint64_t off,
                      unsigned int size, uint64_t *haddr)
{
    const struct xecam_vpci_bar *b =
        bar < XECAM_NR_BARS && dev->bar ? &dev->bar[bar] : NULL;

    if ( !b || !dev->d || (b->kind != BAR_MEM32 && b->kind != BAR_MEM64) ||
         off >= b->size || size > b->size - off )
        return false;
    *haddr = b->host_addr + off;

    return true;
}

bool xecam_vpci_msix_plan(struct xecam_vpci *dev, unsigned int bar,
                          uint64_t off, unsigned int size, bool write,
                          uint64_t *val, struct xecam_msix_host *h)
{
    enum region r;

    if ( !dev->msix )
        return false;
    r = region(dev, bar, off, size);
    if ( r == R_TABLE && write )
        table_write(dev, off - dev->msix->table_off, size, val);
    else if ( r == R_TABLE )
    {
        xecam_port_mutex_lock(dev->lock);
        table_read(dev, off - dev->msix->table_off, size, val);
        xecam_port_mutex_unlock(dev->lock);
    }
    else if ( r == R_BAD )
        bad_access(dev, write ? "write of the wrong size or alignment"
                              : "read of the wrong size or alignment",
                   off, size);
    else if ( !(r == R_PBA && write) &&     /* the PBA is read-only */
              host_addr(dev, bar, off, size, &h->haddr) )
    {
        h->d = dev->d;
        h->sbdf = dev->host_sbdf;
        return true;
    }

    return false;
}

void xecam_vpci_msix_host(const struct xecam_msix_host *h, unsigned int size,
                          bool write, uint64_t *val)
{
    if ( write )
        xecam_port_bar_write(h->d, h->sbdf, h->haddr, size, *val);
    else if ( xecam_port_bar_read(h->d, h->sbdf, h->haddr, size, val) )
        *val = xecam_ones64(size);
}

void xecam_vpci_msix_access(struct xecam_vpci *dev, unsigned int bar,
                            uint64_t off, unsigned int size, bool write,
                            uint64_t *val)
{
    struct xecam_msix_host h;

    if ( xecam_vpci_msix_plan(dev, bar, off, size, write, val, &h) )
        xecam_vpci_msix_host(&h, size, write, val);
}

/* ---- The host's bindings follow the guest's entries ---- */

enum action { NONE, BIND, REBIND, MASK, UNMASK, UNBIND };

/* What entry e needs, MSI-X being 'on' and the function 'maskall'. */
static enum action plan(const struct xecam_msix_entry *e, bool on,
                        bool maskall)
{
    bool masked = entry_masked(e);

    if ( e->pirq < 0 )
        return on && !maskall && !masked && !e->failed ? BIND : NONE;
    if ( !on )
        return UNBIND;
    if ( !masked && !e->failed &&
         (e->haddr != entry_addr(e) ||
          e->hdata != word_get(e, MSIX_DATA)) )
        return REBIND;
    if ( masked != e->hmasked )
        return masked ? MASK : UNMASK;

    return NONE;
}

/*
 * The first entry from 'i' on that needs the host, under the device lock:
 * its index (nr if none), what it needs and the message to bind.
 */
static unsigned int next(struct xecam_vpci *dev, unsigned int i,
                         enum action *act, struct xecam_msi_msg *msg)
{
    struct xecam_msix *m = dev->msix;
    bool on = xecam_cap_msix_enabled(dev) && !dev->dying;
    bool maskall = xecam_cap_msix_masked(dev);

    for ( ; m && i < m->nr; i++ )
    {
        const struct xecam_msix_entry *e = &m->entry[i];

        *act = plan(e, on, maskall);
        if ( *act == NONE )
            continue;
        msg->addr = entry_addr(e);
        msg->data = word_get(e, MSIX_DATA);
        msg->masked = entry_masked(e);
        return i;
    }

    return m ? m->nr : 0;
}

static int send(struct xecam_vpci *dev, unsigned int i, enum action act,
                const struct xecam_msi_msg *msg, int *pirq)
{
    switch ( act )
    {
    case BIND:
    case REBIND:
        return xecam_port_msix_bind(dev->d, dev->host_sbdf, i, msg, pirq);
    case MASK:
    case UNMASK:
        return xecam_port_irq_mask(dev->d, *pirq, act == MASK);
    case UNBIND:
        return xecam_port_msix_unbind(dev->d, dev->host_sbdf, i, *pirq);
    case NONE:
        break;
    }

    return 0;
}

/* The host's answer, under the device lock. */
static void record(struct xecam_vpci *dev, unsigned int i, enum action act,
                   const struct xecam_msi_msg *msg, int pirq, int rc)
{
    struct xecam_msix_entry *e = &dev->msix->entry[i];

    if ( act == UNBIND )
        xecam_write_once(e->pirq, -1);  /* unbound, or gone with the host */
    else if ( rc && (act == BIND || act == REBIND) )
    {
        e->failed = true;
        xecam_count(dev->irq_errors);
        vpci_warn(dev, "MSI-X entry %u: the host could not %s it (%d)", i,
                  act == BIND ? "bind" : "rebind", rc);
    }
    else if ( rc )
        xecam_count(dev->irq_errors);   /* the mask is tried again */
    else if ( act == BIND || act == REBIND )
    {
        xecam_write_once(e->pirq, pirq);
        e->haddr = msg->addr;
        e->hdata = msg->data;
        e->hmasked = msg->masked;
    }
    else
        e->hmasked = act == MASK;
}

/*
 * Walk the entries once, each needing the host taken with no lock held.
 * A mask the host refused is not tried again in the same walk.
 */
int xecam_msix_table_sync(struct xecam_vpci *dev)
{
    struct xecam_msi_msg msg;
    enum action act = NONE;
    unsigned int i = 0;
    int pirq, rc;

    for ( ; ; i++ )
    {
        xecam_vpci_lock(dev);
        i = next(dev, i, &act, &msg);
        if ( !dev->msix || i >= dev->msix->nr )
        {
            xecam_vpci_unlock(dev);
            return 0;
        }
        pirq = dev->msix->entry[i].pirq;
        xecam_vpci_unlock(dev);

        rc = dev->d ? send(dev, i, act, &msg, &pirq) : -ENODEV;

        xecam_vpci_lock(dev);
        record(dev, i, act, &msg, pirq, rc);
        xecam_vpci_unlock(dev);
    }
}

/* The trapped pages of BAR 'bar' with MSI-X state there, for work.c. */
bool xecam_msix_in_bar(const struct xecam_vpci *dev, unsigned int bar)
{
    return dev->msix && (dev->msix->table_bar == bar ||
                         dev->msix->pba_bar == bar);
}
