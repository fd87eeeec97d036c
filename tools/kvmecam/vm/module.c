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

bool module_access(struct xecam_domain *d, const struct kg_rec *a,
                   uint64_t *val, uint64_t *ns)
{
    uint64_t t0 = now_ns(), cost = clock_cost_ns();
    bool taken;

    *val = a->write ? a->val : size_ones(a->size);
    taken = module_perform(d, a->space != KG_ECAM, a->write, a->addr,
                           a->size, val);
    *ns = now_ns() - t0;
    *ns = *ns > cost ? *ns - cost : 0;

    return taken;
}
