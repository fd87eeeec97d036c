/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam guest bench: the same ECAM dword 'count' times, as many loads
 * from MMIO outside the window (the exit cost alone), and the same for CFC
 * and for a port nobody serves.  The four kinds alternate in blocks, so a
 * change of load on the host weighs on each alike.  Nothing is logged.
 */
#include "guest.h"

static void one_round(const struct kg_params *p, uint32_t n)
{
    raw_mmio_loop(p->bench_gpa, n);
    raw_mmio_loop(p->peer_gpa, n);
    raw_pio_loop(CFG_DATA, n);
    raw_pio_loop(KG_PEER_PORT, n);
}

void guest_bench(const struct kg_params *p)
{
    uint32_t r, n;

    pio_wr(CFG_ADDR, 4, p->bench_cf8);
    for ( r = 0; r < KG_BENCH_ROUNDS; r++ )
    {
        n = p->count / KG_BENCH_ROUNDS + (r < p->count % KG_BENCH_ROUNDS);
        if ( n )
            one_round(p, n);
    }
}
