/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam guest walk: writes to a function, each read back and undone:
 * the Command register (ECAM and CF8), BAR sizing, an 8-byte write, MSI
 * enable, and misaligned writes (which must be dropped).
 */
#include "guest.h"

#define PCI_COMMAND     0x04
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0        0x10
#define PCI_CAP_PTR     0x34
#define PCI_CAP_MSI     0x05

static void command(uint64_t f)
{
    uint64_t cmd = ecam_rd(f + PCI_COMMAND, 2);

    ecam_wr(f + PCI_COMMAND, 2, cmd | 0x0006);    /* memory, bus master */
    ecam_rd(f + PCI_COMMAND, 2);
    ecam_wr(f + PCI_COMMAND, 2, cmd);
    ecam_rd(f + PCI_COMMAND, 2);
}

static void bars(uint64_t f)
{
    unsigned int i, n = (ecam_rd(f + PCI_HEADER_TYPE, 1) & 0x7f) ? 2 : 6;
    uint64_t bar, old;

    for ( i = 0; i < n; i++ )
    {
        bar = f + PCI_BAR0 + 4 * i;
        old = ecam_rd(bar, 4);
        ecam_wr(bar, 4, 0xffffffffU);
        ecam_rd(bar, 4);
        ecam_wr(bar, 4, old);
        ecam_rd(bar, 4);
    }
    old = ecam_rd(f + PCI_BAR0, 8);                /* BARs 0 and 1 at once */
    ecam_wr(f + PCI_BAR0, 8, old);
    ecam_rd(f + PCI_BAR0, 8);
}

static void misaligned(uint64_t f)
{
    ecam_wr(f + PCI_COMMAND + 1, 2, 0xffff);
    ecam_wr(f + PCI_COMMAND + 2, 4, 0xffffffffU);
    ecam_wr(f + PCI_BAR0 + 4, 8, ~0ULL);
    ecam_rd(f + PCI_COMMAND, 4);
}

static uint64_t find_msi(uint64_t f)
{
    unsigned int ptr = ecam_rd(f + PCI_CAP_PTR, 1) & 0xfc, n;

    for ( n = 0; ptr >= 0x40 && n < 48; n++ )
    {
        if ( ecam_rd(f + ptr, 1) == PCI_CAP_MSI )
            return f + ptr;
        ptr = ecam_rd(f + ptr + 1, 1) & 0xfc;
    }

    return 0;
}

static void msi(uint64_t f)
{
    uint64_t cap = find_msi(f), ctl;

    if ( !cap )
        return;
    ctl = ecam_rd(cap + 2, 2);
    ecam_wr(cap + 4, 4, 0xfee00000U);
    if ( ctl & 0x80 )                              /* 64-bit address */
        ecam_wr(cap + 8, 4, 0);
    ecam_wr(cap + ((ctl & 0x80) ? 0x0c : 0x08), 2, 0x4021);
    ecam_wr(cap + 2, 2, ctl | 1);
    ecam_rd(cap + 2, 2);
    ecam_wr(cap + 2, 2, ctl & ~1ULL);
    ecam_rd(cap + 2, 2);
}

static void cf8_command(unsigned int bdf)
{
    uint32_t cmd;

    pio_wr(CFG_ADDR, 4, 0x80000000U | (bdf << 8) | PCI_COMMAND);
    cmd = pio_rd(CFG_DATA, 2);
    pio_wr(CFG_DATA, 2, cmd | 0x0002);
    pio_rd(CFG_DATA, 2);
    pio_wr(CFG_DATA, 2, cmd);
}

void walk_writes(uint64_t f, unsigned int bdf)
{
    command(f);
    bars(f);
    misaligned(f);
    msi(f);
    cf8_command(bdf);
}
