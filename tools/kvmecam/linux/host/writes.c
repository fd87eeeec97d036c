/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam linux: which config registers the guest wrote, per function and
 * dword, from the accesses the host served in order: ECAM addresses as the
 * module decodes them, CFC accesses through the CF8 latch as the guest set
 * it (enable bit, bus, device, function, dword; bits 27:24 ignored, as the
 * domain has no XECAM_DOMF_CF8_EXT).  Linux sizes BARs, programs bridge
 * windows and so on: those registers legitimately differ from the view
 * taken before the boot.
 */
#include <xecam/pci.h>

#include "linux.h"

static struct lx_written *slot(struct lx_writes *w, uint32_t sbdf)
{
    unsigned int i;

    for ( i = 0; i < w->nr; i++ )
        if ( w->fn[i].sbdf == sbdf )
            return &w->fn[i];
    if ( w->nr == LX_MAX_FNS )
        return NULL;
    w->fn[w->nr].sbdf = sbdf;

    return &w->fn[w->nr++];
}

static void mark(struct lx_writes *w, uint32_t sbdf, unsigned int reg,
                 unsigned int size)
{
    struct lx_written *f = slot(w, sbdf);
    unsigned int r;

    for ( r = reg & ~3U; f && r < reg + size && r < LX_CFG_SIZE; r += 4 )
        f->dw[r / 4] = 1;
}

static void pio(struct lx_writes *w, const struct kg_rec *r, uint32_t *cf8)
{
    uint32_t sbdf;

    if ( r->addr == XECAM_PCI_CF8 && r->size == 4 )
        *cf8 = r->val;
    else if ( r->addr >= XECAM_PCI_CFC && r->addr < XECAM_PCI_CFC + 4 &&
              (*cf8 & 0x80000000U) )
    {
        sbdf = (*cf8 >> 8) & 0xffff;
        mark(w, sbdf, (*cf8 & 0xfc) + (r->addr - XECAM_PCI_CFC), r->size);
    }
}

void lx_writes_collect(struct host *h, struct lx_writes *w)
{
    const struct kg_rec *r;
    unsigned int reg;
    uint32_t cf8 = 0, sbdf;
    size_t i;

    w->nr = 0;
    for ( i = 0; i < h->nr_srv; i++ )
    {
        r = &h->srv[i];
        if ( !r->write )
            continue;
        if ( r->space == KG_PIO )
            pio(w, r, &cf8);
        else if ( xecam_mmio_decode(h->s.d, r->addr, &sbdf, &reg) )
            mark(w, sbdf, reg, r->size);
    }
}

const struct lx_written *lx_writes_of(const struct lx_writes *w,
                                      uint32_t sbdf)
{
    unsigned int i;

    for ( i = 0; i < w->nr; i++ )
        if ( w->fn[i].sbdf == sbdf )
            return &w->fn[i];

    return NULL;
}
