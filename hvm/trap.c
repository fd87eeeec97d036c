/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Trapped pages of passed-through BARs: the MSI-X table and PBA.
 *
 * Beside the ECAM windows, the second kind of guest range the module
 * traps.  A device's deferred work (vpci/work.c) adds a BAR's MSI-X pages
 * at the guest address it maps the BAR at, before mapping the rest, and
 * removes them before unmapping: a trap lives exactly as long as the
 * guest's mapping of its BAR.  Lookups are lock-free, in the traps'
 * seqcount, for the host's accept test and for the access itself, which
 * runs in an RCU read section once no window holds the address (mmcfg.c):
 * the trap names its device without a reference, and the device's last
 * put frees it only after a grace period (vpci/work.c).  The emulated
 * table's entries are served there; the rest of the pages is planned there
 * and reaches the host after it, with no reference (a PBA read); a table
 * write that left host work takes a reference and goes on with no lock
 * held (xecam_trap_rest()).  Changes to the traps take the domain's write
 * lock.
 */
#include "private.h"
#include <xecam/vpci.h>

/* A lookup that met a writer: again, then under the lock. */
bool xecam_trap_hit_slow(const struct xecam_domain *d, uint64_t gpa)
{
    unsigned int tries, seq;
    bool hit;

    for ( tries = 1; XECAM_SEQ_READERS && tries < XECAM_SEQ_TRIES; tries++ )
    {
        seq = xecam_seq_begin(&d->traps.seq);
        hit = xecam_trap_find(d, gpa);
        if ( !xecam_seq_retry(&d->traps.seq, seq) )
            return hit;
    }
    xecam_port_read_lock(d->lock);
    hit = xecam_trap_find(d, gpa);
    xecam_port_read_unlock(d->lock);

    return hit;
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

bool xecam_domain_over_trap(struct xecam_domain *d, uint64_t gpa,
                            uint64_t size)
{
    const struct xecam_traps *t = &d->traps;
    unsigned int i;
    bool hit = false;

    xecam_port_read_lock(d->lock);
    for ( i = 0; !hit && i < t->nr; i++ )
        hit = gpa < t->trap[i].start + t->trap[i].len &&
              t->trap[i].start < gpa + size;
    xecam_port_read_unlock(d->lock);

    return hit;
}

/*
 * The rest of a trapped access, with a reference on dev and no module lock:
 * 'done' if the table access was made, only its host work left.  No dev:
 * the device went meanwhile; a read gets all-ones, a write nothing.
 */
void xecam_trap_rest(struct xecam_domain *d, unsigned int vcpu,
                     struct xecam_vpci *dev, unsigned int bar, uint64_t off,
                     unsigned int size, bool write, uint64_t *val, bool done)
{
    if ( !done && !write )
        *val = xecam_ones64(size);
    if ( !dev )
        return;
    if ( !done )
        xecam_vpci_msix_access(dev, bar, off, size, write, val);
    if ( write && xecam_vpci_has_work(dev) )
        xecam_work_after(d, vcpu, dev);     /* takes the reference */
    else
        xecam_vpci_put(dev);
}

/*
 * A window holding gpa wins, were one ever over a BAR.  The lookup is
 * checked again inside an RCU read section, so the device it names was in
 * the table during the section and stays alive to its end (its last put
 * frees it after a grace period); the emulated table's entries are served
 * there (msix_table.c).  The rest of the pages (the PBA, what shares them)
 * is planned there and the host's part made outside, with nothing of the
 * device; a table write that left host work takes a reference and goes on
 * outside the section.  A lookup that met a writer is done again under
 * the domain's read lock.
 */
bool xecam_trap_found(struct xecam_domain *d, unsigned int vcpu,
                      const struct xecam_trap *t, unsigned int seq,
                      uint64_t gpa, unsigned int size, bool write,
                      uint64_t *val)
{
    struct xecam_msix_host h;
    struct xecam_vpci *dev;
    unsigned int bar;
    uint64_t off;
    bool done;

    if ( !t )
        return xecam_trap_try(d, vcpu, gpa, size, write, val);
    dev = t->dev;
    bar = t->bar;
    off = t->bar_off + (gpa - t->start);
    if ( xecam_window_hit(d, gpa) )
        return false;
    xecam_port_rcu_read_lock();
    if ( xecam_seq_retry(&d->traps.seq, seq) )
    {
        xecam_port_rcu_read_unlock();
        return xecam_trap_try(d, vcpu, gpa, size, write, val);
    }
    done = xecam_vpci_msix_table_access(dev, bar, off, size, write, val);
    if ( !done )
    {
        /* The rest of the pages: planned here, the host's part outside. */
        if ( !write )
            *val = xecam_ones64(size);
        done = xecam_vpci_msix_plan(dev, bar, off, size, write, val, &h);
        xecam_port_rcu_read_unlock();
        if ( done )
            xecam_vpci_msix_host(&h, size, write, val);
        return true;
    }
    if ( !(write && xecam_vpci_has_work(dev)) )
    {
        xecam_port_rcu_read_unlock();
        return true;
    }
    if ( !xecam_vpci_get_live(dev) )
        dev = NULL;                     /* gone meanwhile: so is the work */
    xecam_port_rcu_read_unlock();
    xecam_trap_rest(d, vcpu, dev, bar, off, size, write, val, true);

    return true;
}

/*
 * xecam_trap_access() with the lookup under the domain's read lock (it met
 * a writer, or readers take locks): the device found gets a reference and
 * the whole access goes to xecam_trap_rest().
 */
bool xecam_trap_try(struct xecam_domain *d, unsigned int vcpu, uint64_t gpa,
                    unsigned int size, bool write, uint64_t *val)
{
    const struct xecam_trap *t;
    struct xecam_vpci *dev;
    unsigned int bar;
    uint64_t off;

    xecam_port_read_lock(d->lock);
    t = xecam_window_find(d, gpa) ? NULL : xecam_trap_find(d, gpa);
    if ( !t )
    {
        xecam_port_read_unlock(d->lock);
        return false;
    }
    dev = t->dev;
    bar = t->bar;
    off = t->bar_off + (gpa - t->start);
    xecam_vpci_get(dev);
    xecam_port_read_unlock(d->lock);
    xecam_trap_rest(d, vcpu, dev, bar, off, size, write, val, false);

    return true;
}
