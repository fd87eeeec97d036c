/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Deferred host work: what a write hook decides, the host does later.
 *
 * Config writes run under the device lock (from a trap, also under the
 * domain's read lock).  Mapping a BAR takes the host's own locks (Xen: the
 * p2m), so it never runs there (docs/locking.md): a hook records only the
 * guest's view (bar->want, want_at) and sets dev->head.work.  Whoever does
 * the work (the vCPU that wrote, once its locks are dropped; deassignment;
 * domain teardown) takes dev->busy, compares the host's mapping with the
 * guest's view and closes the gap a chunk at a time, calling the host with
 * no module lock held.  Only the holder of 'busy' changes the host's side
 * (at, lo, hi), so those calls need no lock; the guest's view is read under
 * the device lock, so a change made meanwhile is seen on the next round.
 *
 * Preemptible work stops when the host asks (-ERESTART) and goes on from
 * where it was: a vCPU does not return to its guest until its work is done
 * (xecam_vcpu_resume()), so the guest never sees a half-made mapping.
 *
 * Failures: a mapping that fails or is refused (over RAM, another BAR, an
 * ECAM window) is undone and the BAR stays unmapped while the guest's
 * Command says decode: accesses reach nothing, as on hardware with a
 * conflicting BAR.  An unmap that fails crashes the domain: a mapping the
 * module lost track of must never outlive the guest's view of it.
 */
#include "private.h"
#include <xecam/ecam.h>

void xecam_vpci_get(struct xecam_vpci *dev)
{
    xecam_count(dev->refs);
}

bool xecam_vpci_get_live(struct xecam_vpci *dev)
{
    unsigned int n = xecam_read_once(dev->refs), was;

    while ( n && (was = xecam_cmpxchg(dev->refs, n, n + 1)) != n )
        n = was;

    return n;
}

static void xecam_cf_check vpci_free(struct xecam_rcu_head *h)
{
    struct xecam_vpci *dev = (struct xecam_vpci *)
        ((char *)h - xecam_offsetof(struct xecam_vpci, rcu));

    xecam_vpci_regs_free(dev);
    xecam_vpci_caps_free(dev);
    xecam_port_mutex_destroy(dev->lock);
    xecam_port_free(dev);
}

/*
 * The last reference frees the device (quiesced already), once no RCU
 * reader can hold it.
 */
void xecam_vpci_put(struct xecam_vpci *dev)
{
    if ( xecam_fetch_dec(dev->refs) != 1 )
        return;
    if ( dev->child )
        xecam_vpci_put(dev->child);     /* a Root Port's slot */
    xecam_port_call_rcu(&dev->rcu, vpci_free);
}

static uint64_t bar_total(const struct xecam_vpci_bar *b)
{
    uint64_t off[XECAM_BAR_HOLES + 1], len[XECAM_BAR_HOLES + 1], t = 0;
    unsigned int n, i;

    if ( !b->nr_holes )
        return b->size;         /* one piece, the whole BAR */
    n = xecam_vpci_bar_pieces(b, off, len);
    for ( i = 0; i < n; i++ )
        t += len[i];

    return t;
}

/*
 * Map (or unmap) bytes [*pos, end) of the BAR's pieces laid end to end, at
 * guest address b->at; *pos advances with what is done.
 */
static int pieces_call(struct xecam_vpci *dev, const struct xecam_vpci_bar *b,
                       bool map, uint64_t *pos, uint64_t end, bool preempt)
{
    uint64_t off[XECAM_BAR_HOLES + 1], len[XECAM_BAR_HOLES + 1], base = 0;
    unsigned int n = xecam_vpci_bar_pieces(b, off, len), i;
    int rc = 0;

    for ( i = 0; i < n && !rc && *pos < end; base += len[i++] )
    {
        uint64_t from, to, done = 0;

        if ( *pos >= base + len[i] )
            continue;
        from = *pos - base;
        to = end - base < len[i] ? end - base : len[i];
        rc = xecam_port_bar_map(dev->d, map, b->kind == BAR_IO,
                                b->at + off[i] + from,
                                b->host_addr + off[i] + from, to - from,
                                preempt, &done);
        *pos += done;
    }

    return rc;
}

static void bar_log(struct xecam_vpci *dev, const struct xecam_vpci_bar *b,
                    const char *what, int rc)
{
    xecam_port_log(XECAM_LOG_WARN | XECAM_LOG_GUEST,
                   "vpci %04x:%02x:%02x.%u: BAR at %#x %s %#llx: %d\n",
                   XECAM_SBDF_SEG(dev->host_sbdf),
                   XECAM_SBDF_BUS(dev->host_sbdf),
                   XECAM_SBDF_DEV(dev->host_sbdf),
                   XECAM_SBDF_FN(dev->host_sbdf), b->offset, what,
                   (unsigned long long)b->at, rc);
}

/*
 * Does [g, g + size) overlap another of the device's BARs as mapped?  Its
 * mappings are ours to read: we hold 'busy'.  The first BAR placed wins.
 */
static bool over_sibling(const struct xecam_vpci *dev,
                         const struct xecam_vpci_bar *b, uint64_t g)
{
    unsigned int i, m;

    for ( i = 0, m = dev->mappable; m; i++, m >>= 1 )
    {
        const struct xecam_vpci_bar *o = &dev->bar[i];

        if ( (m & 1) && o != b && o->hi > o->lo &&
             (o->kind == BAR_IO) == (b->kind == BAR_IO) &&
             g < o->at + o->size && o->at < g + b->size )
            return true;
    }

    return false;
}

/*
 * May the BAR be placed at g?  Memory BARs: not over RAM or MMIO the host
 * knows (another device's BAR), an ECAM window, a sibling BAR, or the
 * trapped MSI-X pages of any device's (a BAR of those pages alone maps
 * nothing the p2m would see).
 */
static int placement(struct xecam_vpci *dev, const struct xecam_vpci_bar *b,
                     uint64_t g)
{
    if ( b->never_map )
        return -EPERM;
    if ( g + b->size < g )
        return -EINVAL;
    if ( over_sibling(dev, b, g) )
        return -EEXIST;
    if ( b->kind == BAR_IO )
        return 0;
    if ( xecam_domain_over_window(dev->d, g, b->size) ||
         xecam_domain_over_trap(dev->d, g, b->size) )
        return -EEXIST;

    return xecam_port_gpa_range_free(dev->d, g, b->size, NULL);
}

/* The BAR has MSI-X pages to trap while it is mapped (msix_table.c). */
static bool needs_trap(const struct xecam_vpci *dev,
                       const struct xecam_vpci_bar *b)
{
    return xecam_msix_in_bar(dev, b - dev->bar);
}

/* Trap the BAR's MSI-X pages at b->at; all of them or none. */
static int trap_bar(struct xecam_vpci *dev, struct xecam_vpci_bar *b)
{
    unsigned int bar = b - dev->bar, i;
    int rc = 0;

    for ( i = 0; !rc && i < b->nr_holes; i++ )
        rc = xecam_domain_trap_add(dev->d, dev, bar, b->at + b->hole[i].start,
                                   b->hole[i].end - b->hole[i].start,
                                   b->hole[i].start);
    if ( rc )
        xecam_domain_trap_del(dev->d, dev, bar);
    b->trapped = !rc;

    return rc;
}

/*
 * Unmap what is mapped, its traps first; a failed unmap crashes the
 * domain.
 */
static int unmap_step(struct xecam_vpci *dev, struct xecam_vpci_bar *b,
                      bool preempt)
{
    int rc = 0;

    if ( b->trapped )
    {
        xecam_domain_trap_del(dev->d, dev, b - dev->bar);
        b->trapped = false;
    }
    if ( !b->lo && b->kind == BAR_ROM )
        xecam_vpci_rom_enable(dev, false);
    if ( b->hi > b->lo )
        rc = pieces_call(dev, b, false, &b->lo, b->hi, preempt);
    if ( rc == -ERESTART )
        return rc;
    if ( rc )
    {
        bar_log(dev, b, "could not be unmapped from", rc);
        xecam_port_domain_crash(dev->d);
    }
    b->lo = b->hi = 0;          /* gone, or gone with the domain */

    return 0;
}

/* Place the BAR (its traps first), then map its pieces. */
static int map_step(struct xecam_vpci *dev, struct xecam_vpci_bar *b,
                    uint64_t want_at, bool preempt)
{
    uint64_t total = bar_total(b);
    int rc = 0;

    if ( !b->hi && !b->trapped )
    {
        b->at = want_at;
        rc = placement(dev, b, want_at);
        if ( !rc && needs_trap(dev, b) )
            rc = trap_bar(dev, b);
    }
    if ( !rc )
        rc = pieces_call(dev, b, true, &b->hi, total, preempt);
    if ( rc == -ERESTART )
        return rc;
    if ( rc )
    {
        bar_log(dev, b, "not mapped at", rc);
        xecam_port_mutex_lock(dev->lock);
        if ( b->want_at == want_at )
            b->failed = true;   /* the next round undoes what was done */
        xecam_port_mutex_unlock(dev->lock);
        return 0;
    }
    b->placed = true;
    if ( b->kind == BAR_ROM )
        xecam_vpci_rom_enable(dev, true);

    return 0;
}

/* The guest's view of a BAR, read under the device lock. */
struct bar_view {
    bool want;
    uint64_t at;
};

static struct bar_view bar_view(const struct xecam_vpci *dev,
                                const struct xecam_vpci_bar *b)
{
    return (struct bar_view){
        .want = b->want && !b->failed && !dev->dying, .at = b->want_at,
    };
}

/* Is the host's side of the BAR what the guest's view v asks? */
static bool bar_settled(struct xecam_vpci *dev,
                        const struct xecam_vpci_bar *b, struct bar_view v)
{
    if ( !v.want )
        return !b->hi && !b->trapped && !b->placed;

    return b->placed && b->at == v.at && !b->lo &&
           b->hi == bar_total(b) && b->trapped == needs_trap(dev, b);
}

/* Is what the host has of the BAR unwanted, or at the wrong place? */
static bool must_unmap(const struct xecam_vpci_bar *b, struct bar_view v)
{
    bool there = b->hi || b->trapped || b->placed;

    return there && (!v.want || b->at != v.at || b->lo);
}

/*
 * One step of bringing a BAR's mapping to the guest's view v: an unmap
 * (of what is at the wrong place or unwanted) or a map.  'placed': the
 * host's side is at b->at, complete or on its way (a BAR of MSI-X pages
 * alone has nothing else to map).
 */
static int settle_bar(struct xecam_vpci *dev, struct xecam_vpci_bar *b,
                      struct bar_view v, bool preempt)
{
    int rc;

    if ( must_unmap(b, v) )
    {
        rc = unmap_step(dev, b, preempt);
        b->placed = b->placed && rc;
        return rc;
    }
    if ( v.want && (!b->placed || b->hi < bar_total(b)) )
        return map_step(dev, b, v.at, preempt);

    return 0;
}

/*
 * Under the device lock: the BARs whose host side is not yet the guest's
 * view, a bit each, and that view of each in v[].
 */
static unsigned int unsettled(struct xecam_vpci *dev,
                              struct bar_view v[XECAM_NR_BARS])
{
    const struct xecam_vpci_bar *b = dev->bar;
    unsigned int i, m, todo = 0;

    for ( i = 0, m = dev->mappable; m; i++, m >>= 1 )
    {
        /* Off and nothing there: settled (most BARs, most of the time). */
        if ( !(m & 1) ||
             (!b[i].want && !b[i].hi && !b[i].trapped && !b[i].placed) )
            continue;
        v[i] = bar_view(dev, &b[i]);
        if ( !bar_settled(dev, &b[i], v[i]) )
            todo |= 1U << i;
    }

    return todo;
}

/*
 * A step for each BAR in 'todo' that must unmap (unmaps), or for each of
 * the others.  Unmaps go first: a BAR is placed only once what its
 * siblings leave is gone, so that a sibling on its way out never makes
 * it fail (over_sibling()).
 */
static int settle_bars(struct xecam_vpci *dev, unsigned int todo,
                       const struct bar_view v[XECAM_NR_BARS], bool unmaps,
                       bool preempt)
{
    unsigned int i;
    int rc = 0;

    for ( i = 0; !rc && todo; i++, todo >>= 1 )
        if ( (todo & 1) && dev->d && must_unmap(&dev->bar[i], v[i]) == unmaps )
            rc = settle_bar(dev, &dev->bar[i], v[i], preempt);

    return rc;
}

/*
 * Rounds until the host matches the guest's view: the queued requests
 * (interrupts, power, reset: a reset may unmap BARs) first, then a step
 * for each BAR that differs, towards the view read under the lock with it
 * (the unmaps of a round before its maps).
 * One look under the lock both ends a round and starts the next: 'work' is
 * cleared only when it finds nothing queued and every BAR settled.
 */
int xecam_vpci_work(struct xecam_vpci *dev, bool preempt)
{
    struct bar_view v[XECAM_NR_BARS];
    unsigned int todo;
    bool ops;
    int rc = 0;

    if ( !xecam_read_once(dev->head.work) )
        return 0;
    if ( xecam_xchg(dev->busy, true) )
        return -EBUSY;          /* someone else is at it */
    for ( ; ; )
    {
        xecam_port_mutex_lock(dev->lock);
        ops = dev->nr_hostops;
        todo = ops ? 0 : unsettled(dev, v);
        if ( !ops && !todo )
            xecam_write_once(dev->head.work, false);
        xecam_port_mutex_unlock(dev->lock);
        if ( !ops && !todo )
            break;
        if ( ops )
        {
            xecam_vpci_hostops_run(dev);
            xecam_port_mutex_lock(dev->lock);
            todo = unsettled(dev, v);
            xecam_port_mutex_unlock(dev->lock);
        }
        rc = settle_bars(dev, todo, v, true, preempt) ?:
             settle_bars(dev, todo, v, false, preempt);
        if ( rc )
            break;
    }
    xecam_write_once(dev->busy, false);

    return rc;
}

/*
 * Deassignment and teardown: nothing the guest set up survives (XSA-302,
 * XSA-306).  Every BAR unmapped first, then interrupts off, the device in
 * D0, its Command and cache line size as the host left them but never
 * mastering.  Only a device a guest could reach is touched: a refused
 * assignment leaves the hardware alone.  0 when done, -ERESTART or -EBUSY
 * (another is at the device's work) to be called again.
 */
int xecam_vpci_quiesce(struct xecam_vpci *dev, bool preempt)
{
    int rc;

    xecam_port_mutex_lock(dev->lock);
    dev->dying = true;
    xecam_write_once(dev->head.work, true);
    xecam_port_mutex_unlock(dev->lock);
    rc = xecam_vpci_work(dev, preempt);
    if ( !rc && !dev->quiesced )
    {
        xecam_vpci_lock(dev);
        xecam_vpci_reset_device(dev);
        dev->quiesced = true;
        xecam_vpci_unlock(dev);
        /* What the reset asks of the host (interrupts off, D0), now. */
        rc = xecam_vpci_work(dev, preempt);
    }
    if ( rc || dev->announced )
        return rc;
    dev->announced = true;
    if ( dev->d && dev->was_routed && !dev->emulated )
        xecam_port_log(XECAM_LOG_INFO, "d%u: %04x:%02x:%02x.%u quiesced: "
                       "BARs unmapped, device quiet\n",
                       xecam_domain_id(dev->d),
                       XECAM_SBDF_SEG(dev->host_sbdf),
                       XECAM_SBDF_BUS(dev->host_sbdf),
                       XECAM_SBDF_DEV(dev->host_sbdf),
                       XECAM_SBDF_FN(dev->host_sbdf));

    return 0;
}
