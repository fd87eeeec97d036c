/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam guest walk: enumerate through ECAM as firmware does (bus 0, then
 * the buses behind bridges), read every present function's 4 KiB, then
 * every size at every offset of its first bytes (misaligned ones must read
 * all-ones), its registers through CF8/CFC, and a few writes.
 */
#include "guest.h"

/* Is bus/devfn there?  Remember it, and the buses behind a bridge. */
static void probe(struct kg_params *p, unsigned int bus, unsigned int devfn,
                  unsigned int *last)
{
    uint64_t f = fn_gpa(p, bus, devfn);
    uint32_t vendor = ecam_rd(f, 2), sub;

    if ( vendor == 0xffff )
        return;
    if ( p->nr_found < KG_MAX_FOUND )
    {
        p->found[p->nr_found] = (bus << 8) | devfn;
        p->found_id[p->nr_found++] = (ecam_rd(f + 2, 2) << 16) | vendor;
    }
    if ( (ecam_rd(f + 0x0e, 1) & 0x7f) != 1 )
        return;
    sub = ecam_rd(f + 0x1a, 1);
    if ( sub > *last && sub <= p->end_bus )
        *last = sub;
}

static void scan(struct kg_params *p)
{
    unsigned int bus, devfn, last = p->last_bus;

    if ( last < p->start_bus )
        last = p->start_bus;
    if ( last > p->end_bus )
        last = p->end_bus;
    for ( bus = p->start_bus; bus <= last; bus++ )
        for ( devfn = 0; devfn < 256; devfn++ )
            probe(p, bus, devfn, &last);
}

static void dump(uint64_t f)
{
    unsigned int reg;

    for ( reg = 0; reg < 0x1000; reg += 4 )
        ecam_rd(f + reg, 4);
}

/* Sizes 1, 2, 4 and 8 at every offset of 16 bytes, none crossing them. */
static void sizes(uint64_t f)
{
    static const uint64_t bases[] = { 0x000, 0x100 };
    unsigned int b, s, off;

    for ( b = 0; b < sizeof(bases) / sizeof(bases[0]); b++ )
        for ( s = 1; s <= 8; s *= 2 )
            for ( off = 0; off + s <= 16; off++ )
                ecam_rd(f + bases[b] + off, s);
}

/* Just past the window, when it ends below 4 GiB: not ECAM any more. */
static void past_window(const struct kg_params *p)
{
    uint64_t end = fn_gpa(p, p->end_bus + 1, 0);

    if ( end >= (1ULL << 32) )
        return;
    ecam_rd(end, 4);
    ecam_wr(end, 4, 0);
}

void guest_walk(struct kg_params *p)
{
    unsigned int i, bdf;
    uint64_t f;

    p->nr_found = 0;
    scan(p);
    for ( i = 0; i < p->nr_found; i++ )
    {
        bdf = p->found[i];
        f = fn_gpa(p, bdf >> 8, bdf & 0xff);
        dump(f);
        sizes(f);
        walk_cf8(bdf);
        walk_writes(f, bdf);
    }
    past_window(p);
}
