/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Trapped pages of passed-through BARs: the MSI-X table and PBA.
 *
 * Beside the ECAM windows, the second kind of guest range the module
 * traps.  A device's deferred work (vpci/work.c) adds a BAR's MSI-X pages
 * at the guest address it maps the BAR at, before mapping the rest, and
 * removes them before unmapping: a trap lives exactly as long as the
 * guest's mapping of its BAR.  Lookups are lock-free for the host's accept
 * test, as the windows' are; the access itself looks the trap up again
 * under the domain's read lock and takes a reference on its device, then
 * goes to vpci/msix_table.c with no lock held.
 */
#include "private.h"
#include <xecam/vpci.h>

/*
 * The traps in use are trap[0, nr): every ECAM access asks, so a domain
 * with one MSI-X device pays two compares, not XECAM_MAX_TRAPS.  A trap
 * never wraps (xecam_domain_trap_add()), so one unsigned compare is the
 * range check: below 'start', gpa - start is larger than any 'len'.
 */
static inline const struct xecam_trap *trap_find(const struct xecam_domain *d,
                                                 uint64_t gpa)
{
    const struct xecam_traps *t = &d->traps;
    unsigned int i, nr = xecam_read_once(t->nr);

    if ( nr > XECAM_MAX_TRAPS )
        nr = XECAM_MAX_TRAPS;
    for ( i = 0; i < nr; i++ )
        if ( gpa - t->trap[i].start < t->trap[i].len )
            return &t->trap[i];

    return NULL;
}

/* A lookup that met a writer: again, then under the lock. */
static xecam_noinline bool
trap_hit_slow(const struct xecam_domain *d, uint64_t gpa)
{
    unsigned int tries, seq;
    bool hit;

    for ( tries = 1; XECAM_SEQ_READERS && tries < XECAM_SEQ_TRIES; tries++ )
    {
        seq = xecam_seq_begin(&d->traps.seq);
        hit = trap_find(d, gpa);
        if ( !xecam_seq_retry(&d->traps.seq, seq) )
            return hit;
    }
    xecam_port_read_lock(d->lock);
    hit = trap_find(d, gpa);
    xecam_port_read_unlock(d->lock);

    return hit;
}

bool xecam_trap_hit(const struct xecam_domain *d, uint64_t gpa)
{
    unsigned int seq;
    bool hit;

    if ( !xecam_read_once(d->traps.nr) )
        return false;
    if ( !XECAM_SEQ_READERS )
        return trap_hit_slow(d, gpa);
    seq = xecam_seq_begin(&d->traps.seq);
    hit = trap_find(d, gpa);
    if ( !xecam_seq_retry(&d->traps.seq, seq) )
        return hit;

    return trap_hit_slow(d, gpa);
}

int xecam_domain_trap_add(struct xecam_domain *d, struct xecam_vpci *dev,
                          unsigned int bar, uint64_t gaddr, uint64_t len,
                          uint64_t bar_off)
{
    struct xecam_traps *t = &d->traps;
    int rc = -ENOSPC;

    if ( !len || gaddr + len < gaddr )
        return -EINVAL;
    xecam_port_write_lock(d->lock);
    if ( t->nr < XECAM_MAX_TRAPS )
    {
        xecam_seq_write_begin(&t->seq);
        t->trap[t->nr] = (struct xecam_trap){
            .start = gaddr, .len = len, .bar_off = bar_off, .dev = dev,
            .bar = bar,
        };
        xecam_write_once(t->nr, t->nr + 1);
        xecam_seq_write_end(&t->seq);
        rc = 0;
    }
    xecam_port_write_unlock(d->lock);

    return rc;
}

void xecam_domain_trap_del(struct xecam_domain *d, struct xecam_vpci *dev,
                           unsigned int bar)
{
    struct xecam_traps *t = &d->traps;
    unsigned int i;

    xecam_port_write_lock(d->lock);
    for ( i = 0; i < t->nr; )
    {
        if ( t->trap[i].dev != dev || t->trap[i].bar != bar )
        {
            i++;
            continue;
        }
        /* The last one fills the hole: trap[0, nr) stays dense. */
        xecam_seq_write_begin(&t->seq);
        t->trap[i] = t->trap[t->nr - 1];
        xecam_write_once(t->nr, t->nr - 1);
        xecam_seq_write_end(&t->seq);
    }
    xecam_port_write_unlock(d->lock);
}

/*
 * The rest of a trapped access, entered with the domain's read lock held
 * (dropped here): t is its trap (NULL: gone meanwhile, the access reaches
 * nothing); 'done' if the table access was made, only its host work left.
 */
static xecam_noinline int
trap_rest(struct xecam_domain *d, unsigned int vcpu,
          const struct xecam_trap *t, uint64_t gpa, unsigned int size,
          bool write, uint64_t *val, bool done)
{
    struct xecam_vpci *dev = t ? t->dev : NULL;
    unsigned int bar = t ? t->bar : 0;
    uint64_t off = t ? t->bar_off + (gpa - t->start) : 0;

    if ( dev )
        xecam_vpci_get(dev);
    xecam_port_read_unlock(d->lock);
    if ( !done && !write )
        *val = size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
    if ( !dev )
    {
        xecam_count_stat(d->stats.unclaimed);
        return XECAM_IO_OKAY;
    }
    if ( !done )
        xecam_vpci_msix_access(dev, bar, off, size, write, val);
    if ( write && xecam_vpci_has_work(dev) )
        xecam_work_after(d, vcpu, dev);     /* takes the reference */
    else
        xecam_vpci_put(dev);

    return XECAM_IO_OKAY;
}

/*
 * One access to a trapped page.  The emulated table's entries are served
 * under the domain's read lock, which keeps the trap's device alive
 * (msix_table.c); anything else gets a reference and goes to the device's
 * MSI-X pages with no module lock held.  A write may leave host work, done
 * before the vCPU goes on.
 */
static xecam_always_inline int
trap_access(struct xecam_domain *d, unsigned int vcpu,
            const struct xecam_trap *t, uint64_t gpa, unsigned int size,
            bool write, uint64_t *val)
{
    bool done = false;

    if ( t )
    {
        done = xecam_vpci_msix_table_access(t->dev, t->bar,
                                            t->bar_off + (gpa - t->start),
                                            size, write, val);
        if ( done && !(write && xecam_vpci_has_work(t->dev)) )
        {
            xecam_port_read_unlock(d->lock);
            return XECAM_IO_OKAY;
        }
    }

    return trap_rest(d, vcpu, t, gpa, size, write, val, done);
}

bool xecam_trap_locked(struct xecam_domain *d, unsigned int vcpu,
                       uint64_t gpa, unsigned int size, bool write,
                       uint64_t *val)
{
    const struct xecam_trap *t = trap_find(d, gpa);

    if ( !t )
        return false;
    trap_access(d, vcpu, t, gpa, size, write, val);

    return true;
}

bool xecam_trap_try(struct xecam_domain *d, unsigned int vcpu, uint64_t gpa,
                    unsigned int size, bool write, uint64_t *val)
{
    xecam_port_read_lock(d->lock);
    if ( xecam_trap_locked(d, vcpu, gpa, size, write, val) )
        return true;
    xecam_port_read_unlock(d->lock);

    return false;
}
