/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam guest walk: a function's registers through CF8/CFC, as a dword,
 * words and bytes, plus misaligned reads and a disabled CF8.
 */
#include "guest.h"

static void cfc_reads(void)
{
    unsigned int i;

    pio_rd(CFG_ADDR, 4);            /* the type 1 check reads CF8 back */
    pio_rd(CFG_DATA, 4);
    pio_rd(CFG_DATA, 2);
    pio_rd(CFG_DATA + 2, 2);
    for ( i = 0; i < 4; i++ )
        pio_rd(CFG_DATA + i, 1);
    pio_rd(CFG_DATA + 1, 2);        /* misaligned: all-ones */
    pio_rd(CFG_DATA + 2, 4);        /* past 0xcff: all-ones */
}

void walk_cf8(unsigned int bdf)
{
    static const uint8_t regs[] = {
        0x00, 0x04, 0x08, 0x0c, 0x10, 0x2c, 0x34, 0x3c,
    };
    unsigned int i;

    for ( i = 0; i < sizeof(regs); i++ )
    {
        pio_wr(CFG_ADDR, 4, 0x80000000U | (bdf << 8) | regs[i]);
        cfc_reads();
    }
    pio_wr(CFG_ADDR, 4, bdf << 8);  /* enable bit clear: all-ones */
    pio_rd(CFG_DATA, 4);
}
