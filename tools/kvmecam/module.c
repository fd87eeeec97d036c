/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam: one access through the module's MMIO and port handlers, as Xen's
 * hvm_mmio_ops and portio handlers call them, and as ecamctl replay does:
 * an access no handler accepts reads all-ones and writes nothing.  Timed,
 * the cost of reading the clock taken off.
 */
#include "kvmecam.h"

uint64_t size_ones(unsigned int size)
{
    return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

static bool mmio(struct xecam_domain *d, const struct kg_rec *a,
                 uint64_t *val)
{
    if ( !xecam_mmio_accept(d, a->addr) )
        return false;
    if ( a->write )
        xecam_mmio_write(d, 0, a->addr, a->size, a->val);
    else
        xecam_mmio_read(d, 0, a->addr, a->size, val);

    return true;
}

static bool pio(struct xecam_domain *d, const struct kg_rec *a,
                uint64_t *val)
{
    uint32_t v32 = *val;

    if ( a->size > 4 || !xecam_pio_accept(a->addr, a->size) )
        return false;
    if ( a->write )
        xecam_pio_write(d, 0, a->addr, a->size, a->val);
    else
    {
        xecam_pio_read(d, 0, a->addr, a->size, &v32);
        *val = v32;
    }

    return true;
}

bool module_access(struct xecam_domain *d, const struct kg_rec *a,
                   uint64_t *val, uint64_t *ns)
{
    uint64_t t0 = now_ns(), cost = clock_cost_ns();
    bool taken;

    *val = a->write ? a->val : size_ones(a->size);
    taken = a->space == KG_ECAM ? mmio(d, a, val) : pio(d, a, val);
    *ns = now_ns() - t0;
    *ns = *ns > cost ? *ns - cost : 0;

    return taken;
}
