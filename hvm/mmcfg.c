/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The MMCONFIG (ECAM) intercept over a domain's windows.
 *
 * Decode: bus = start bus + ((gpa - base) >> 20), devfn = bits 19:12,
 * register = gpa & 0xfff.  Sizes 1, 2, 4 and 8, naturally aligned (so never
 * crossing 4 KiB); an 8-byte access is two dword accesses, low dword first.
 * Anything else reads all-ones or is dropped, counted and logged with a
 * rate limit, before any lock is taken.
 */
#include "private.h"

static bool ecam_access_ok(uint64_t gpa, unsigned int size)
{
    return (size == 1 || size == 2 || size == 4 || size == 8) &&
           !(gpa & (size - 1));
}

static uint32_t ecam_decode(const struct xecam_window *w, uint64_t gpa,
                            unsigned int *reg)
{
    uint64_t off = gpa - w->base;

    *reg = off & (XECAM_CFG_SIZE - 1);

    return XECAM_SBDF(w->seg, w->start_bus + (off >> XECAM_MIB_SHIFT),
                      (off >> 15) & 0x1f, (off >> 12) & 7);
}

/* One access of at most 4 bytes inside a window. */
static void ecam_part(struct xecam_domain *d, unsigned int vcpu, uint64_t gpa,
                      unsigned int size, bool write, uint32_t *val)
{
    const struct xecam_window *w;
    unsigned int reg = 0;
    struct xecam_fwd fwd;
    uint32_t sbdf = 0;
    bool done = true;

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

    if ( !done )
        xecam_ioreq_forward(d, &fwd, vcpu, sbdf, reg, size, write, val);
}

static void ecam_access(struct xecam_domain *d, unsigned int vcpu,
                        uint64_t gpa, unsigned int size, bool write,
                        uint64_t *val)
{
    unsigned int i, n = size == 8 ? 2 : 1;
    uint32_t part;

    if ( !ecam_access_ok(gpa, size) )
    {
        xecam_bad_access(d, "ECAM", gpa, size);
        return;
    }
    if ( n == 1 )               /* the common case, without the merging */
    {
        part = write ? *val : xecam_ones(size);
        ecam_part(d, vcpu, gpa, size, write, &part);
        if ( !write )
            *val = part;
        return;
    }
    for ( i = 0; i < n; i++ )
    {
        part = write ? (uint32_t)(*val >> (32 * i)) & xecam_ones(size / n)
                     : xecam_ones(size / n);
        ecam_part(d, vcpu, gpa + 4 * i, size / n, write, &part);
        if ( !write )
            *val = (*val & ~(0xffffffffULL << (32 * i))) |
                   ((uint64_t)part << (32 * i));
    }
}

/*
 * Lock-free: a window removed or added just after the check is handled by
 * the access itself, which looks the window up again under the lock.
 */
bool xecam_mmio_accept(struct xecam_domain *d, uint64_t gpa)
{
    return xecam_window_hit(d, gpa);
}

int xecam_mmio_read(struct xecam_domain *d, unsigned int vcpu, uint64_t gpa,
                    unsigned int size, uint64_t *val)
{
    *val = size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
    ecam_access(d, vcpu, gpa, size, false, val);

    return XECAM_IO_OKAY;
}

int xecam_mmio_write(struct xecam_domain *d, unsigned int vcpu, uint64_t gpa,
                     unsigned int size, uint64_t val)
{
    ecam_access(d, vcpu, gpa, size, true, &val);

    return XECAM_IO_OKAY;
}
