/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The MMCONFIG (ECAM) intercept over a domain's windows, and over the
 * MSI-X pages of mapped BARs (trap.c), which a window never overlaps.
 *
 * Decode: bus = start bus + ((gpa - base) >> 20), devfn = bits 19:12,
 * register = gpa & 0xfff.  Sizes 1, 2, 4 and 8, naturally aligned (so never
 * crossing 4 KiB); an 8-byte access is two dword accesses, low dword first.
 * Anything else reads all-ones or is dropped, counted and logged with a
 * rate limit, before any lock is taken.
 */
#include "private.h"
#include <xecam/vpci.h>

/* 1, 2, 4 or 8 bytes (a power of two up to 8), naturally aligned. */
static bool ecam_access_ok(uint64_t gpa, unsigned int size)
{
    return size - 1 < 8 && !(size & (size - 1)) && !(gpa & (size - 1));
}

/*
 * Bits 27:12 of the offset are bus (relative) and devfn: add the start bus
 * and put the segment on top.  The window never reaches past bus 255.
 */
static uint32_t ecam_decode(const struct xecam_window *w, uint64_t gpa,
                            unsigned int *reg)
{
    uint64_t off = gpa - w->base;

    *reg = off & (XECAM_CFG_SIZE - 1);

    return ((uint32_t)w->seg << 16) |
           (((uint32_t)w->start_bus << 8) + (uint32_t)(off >> 12));
}

/*
 * One access of at most 4 bytes inside a window.  XECAM_IO_UNHANDLED if the
 * host must forward it; reported as a bad access unless 'host_ok'.
 */
static int ecam_part(struct xecam_domain *d, unsigned int vcpu, uint64_t gpa,
                     unsigned int size, bool write, uint32_t *val,
                     bool host_ok)
{
    const struct xecam_window *w;
    unsigned int reg = 0;
    struct xecam_fwd fwd;
    uint32_t sbdf = 0;
    bool done = true;

    fwd.work = NULL;
    xecam_port_read_lock(d->lock);
    w = xecam_window_find(d, gpa);
    if ( w )
    {
        sbdf = ecam_decode(w, gpa, &reg);
        done = xecam_dispatch_locked(d, sbdf, reg, size, write, val, &fwd);
    }
    else                        /* removed since the access was accepted */
        xecam_count_stat(d->stats.unclaimed);
    xecam_port_read_unlock(d->lock);

    if ( fwd.work )
        xecam_work_after(d, vcpu, fwd.work);
    if ( done )
        return XECAM_IO_OKAY;
    if ( !fwd.host )
    {
        xecam_ioreq_forward(d, &fwd, vcpu, sbdf, reg, size, write, val);
        return XECAM_IO_OKAY;
    }
    if ( !host_ok )
        xecam_bad_access(d, "8-byte ECAM (not a vPCI function)", gpa, 8);

    return XECAM_IO_UNHANDLED;
}

/* 8-byte accesses (two dwords, low first) and bad ones. */
static int ecam_access(struct xecam_domain *d, unsigned int vcpu,
                       uint64_t gpa, unsigned int size, bool write,
                       uint64_t *val)
{
    unsigned int i;
    uint32_t part;

    if ( !ecam_access_ok(gpa, size) )
    {
        xecam_bad_access(d, "ECAM", gpa, size);
        return XECAM_IO_OKAY;
    }
    /* Both dwords are in the same function: the first decides. */
    for ( i = 0; i < 2; i++ )
    {
        part = write ? (uint32_t)(*val >> (32 * i)) : ~0U;
        if ( ecam_part(d, vcpu, gpa + 4 * i, 4, write, &part,
                       false) != XECAM_IO_OKAY )
        {
            *val = write ? *val : ~0ULL;        /* a bad access */
            break;
        }
        if ( !write )
            *val = (*val & ~(0xffffffffULL << (32 * i))) |
                   ((uint64_t)part << (32 * i));
    }

    return XECAM_IO_OKAY;
}

/*
 * Lock-free: a window removed or added just after the check is handled by
 * the access itself, which looks the window up again under the lock.  The
 * windows first; a domain without traps pays one load for them.
 */
bool xecam_mmio_accept(struct xecam_domain *d, uint64_t gpa)
{
    return xecam_window_hit(d, gpa) || xecam_trap_hit(d, gpa);
}

/*
 * A trapped MSI-X page's access, if the domain has traps (private.h): no
 * domain lock, and for an ECAM access only a lock-free miss in the traps.
 */
static inline bool trapped(struct xecam_domain *d, unsigned int vcpu,
                           uint64_t gpa, unsigned int size, bool write,
                           uint64_t *val)
{
    return xecam_read_once(d->traps.nr) &&
           xecam_trap_access(d, vcpu, gpa, size, write, val);
}

/*
 * Under d->lock: the route entry of gpa (its bus, maybe NULL, and devfn)
 * and its register; false if no window holds gpa.
 */
static xecam_always_inline bool
ecam_route(struct xecam_domain *d, uint64_t gpa,
           const struct xecam_route_bus **b, unsigned int *devfn,
           unsigned int *reg)
{
    const struct xecam_window *w = xecam_window_find(d, gpa);
    uint32_t sbdf;

    if ( !w )
        return false;
    sbdf = ecam_decode(w, gpa, reg);
    *b = xecam_route_bus(d, sbdf);
    *devfn = XECAM_SBDF_DEVFN(sbdf);

    return true;
}

/*
 * The common read, whole under one read lock: of a vPCI function (an 8-byte
 * one is its two dwords, low first).  False for anything else, which
 * ecam_part() and ecam_access() then do.
 */
static xecam_always_inline bool
ecam_read_vpci(struct xecam_domain *d, uint64_t gpa, unsigned int size,
               uint64_t *val)
{
    const struct xecam_route_bus *b = NULL;
    unsigned int reg = 0, devfn = 0;
    uint32_t lo = ~0U, hi = 0;
    bool done;

    xecam_port_read_lock(d->lock);
    done = ecam_route(d, gpa, &b, &devfn, &reg) &&
           xecam_dispatch_vpci(d, b, devfn, reg, size < 8 ? size : 4,
                               false, &lo, NULL);
    if ( done && size == 8 )
        xecam_dispatch_vpci(d, b, devfn, reg + 4, 4, false, &hi, NULL);
    xecam_port_read_unlock(d->lock);
    if ( done )
        *val = ((uint64_t)hi << 32) | lo;

    return done;
}

/*
 * The common write (1, 2 or 4 bytes) to a vPCI function, and the host work
 * it leaves, done once the lock is off.  False for anything else, which
 * ecam_part() then does.
 */
static xecam_always_inline bool
ecam_write_vpci(struct xecam_domain *d, unsigned int vcpu, uint64_t gpa,
                unsigned int size, uint32_t part)
{
    const struct xecam_route_bus *b = NULL;
    unsigned int reg = 0, devfn = 0;
    struct xecam_vpci *work = NULL;
    bool done;

    xecam_port_read_lock(d->lock);
    done = ecam_route(d, gpa, &b, &devfn, &reg) &&
           xecam_dispatch_vpci(d, b, devfn, reg, size, true, &part, &work);
    xecam_port_read_unlock(d->lock);
    if ( work )
        xecam_work_after(d, vcpu, work);

    return done;
}

bool xecam_mmio_decode(struct xecam_domain *d, uint64_t gpa, uint32_t *sbdf,
                       unsigned int *reg)
{
    const struct xecam_window *w;

    xecam_port_read_lock(d->lock);
    w = xecam_window_find(d, gpa);
    if ( w )
        *sbdf = ecam_decode(w, gpa, reg);
    xecam_port_read_unlock(d->lock);

    return w;
}

/* The common case: 1, 2 or 4 bytes, naturally aligned. */
static bool ecam_small(uint64_t gpa, unsigned int size)
{
    return size - 1 < 4 && !(size & (size - 1)) && !(gpa & (size - 1));
}

int xecam_mmio_read(struct xecam_domain *d, unsigned int vcpu, uint64_t gpa,
                    unsigned int size, uint64_t *val)
{
    uint64_t v = ~0ULL;
    uint32_t part;
    int rc;

    xecam_drain(d, vcpu);
    if ( trapped(d, vcpu, gpa, size, false, val) )
        return XECAM_IO_OKAY;
    if ( ecam_access_ok(gpa, size) && ecam_read_vpci(d, gpa, size, val) )
        return XECAM_IO_OKAY;
    if ( ecam_small(gpa, size) )
    {
        part = xecam_ones(size);
        rc = ecam_part(d, vcpu, gpa, size, false, &part, true);
        if ( rc == XECAM_IO_OKAY )
            *val = part;
        return rc;
    }
    if ( size < 8 )
        v = (1ULL << (size * 8)) - 1;
    rc = ecam_access(d, vcpu, gpa, size, false, &v);
    if ( rc == XECAM_IO_OKAY )
        *val = v;

    return rc;
}

int xecam_mmio_write(struct xecam_domain *d, unsigned int vcpu, uint64_t gpa,
                     unsigned int size, uint64_t val)
{
    uint32_t part = val & xecam_ones(size);
    bool small = ecam_small(gpa, size);

    xecam_drain(d, vcpu);
    val &= size < 8 ? xecam_ones(size) : ~0ULL;
    if ( trapped(d, vcpu, gpa, size, true, &val) )
        return XECAM_IO_OKAY;
    if ( small && ecam_write_vpci(d, vcpu, gpa, size, part) )
        return XECAM_IO_OKAY;
    if ( small )
        return ecam_part(d, vcpu, gpa, size, true, &part, true);

    return ecam_access(d, vcpu, gpa, size, true, &val);
}
