/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam guest: MSI and MSI-X delivery, end to end.  The guest programs a
 * passed-through function as a driver would (through ECAM, the MSI-X table
 * through its BAR), has the device raise (the host's doorbell), and counts
 * what reaches its IDT.  Each check's result goes to kg_params.irq[]:
 *
 *   msi        MSI at 0xfee00000, data KG_VEC_MSI, enabled: a raise is
 *              delivered and the vector arrives once, nothing else.
 *   msix       the BAR placed and decoded, entry 0 (KG_VEC_MSIX) unmasked,
 *              MSI-X enabled: likewise.
 *   msix-mask  entry 0 masked: a raise is left pending, nothing arrives,
 *              the PBA bit reads 1; unmasked: it arrives, the bit clears.
 */
#include "guest.h"

#define VEC_MSI         0x41
#define VEC_MSIX        0x42
#define MSI_ADDR        0xfee00000U     /* APIC ID 0, physical, fixed */

#define PCI_COMMAND     0x04
#define CMD_MEM_BM      0x0006
#define PCI_BAR0        0x10
#define PCI_CAP_PTR     0x34
#define CAP_MSI         0x05
#define CAP_MSIX        0x11

#define MSI_ENABLE      0x0001
#define MSI_MME         0x0070
#define MSI_64BIT       0x0080
#define MSI_MASKABLE    0x0100
#define MSIX_ENABLE     0x8000
#define MSIX_MASKALL    0x4000
#define VC_MASK         0x1

#define WAIT_MS         1000            /* for a vector that should come */
#define SETTLE_MS       20              /* for one that should not */

struct fn {
    unsigned int bdf;
    uint64_t cfg;                       /* its ECAM page */
    uint64_t msi, msix;                 /* its capabilities */
    uint64_t table, pba;                /* MSI-X, once the BAR is placed */
};

static uint64_t find_cap(uint64_t f, unsigned int id)
{
    unsigned int ptr = ecam_rd(f + PCI_CAP_PTR, 1) & 0xfc, n;

    for ( n = 0; ptr >= 0x40 && n < 48; n++ )
    {
        if ( ecam_rd(f + ptr, 1) == id )
            return f + ptr;
        ptr = ecam_rd(f + ptr + 1, 1) & 0xfc;
    }

    return 0;
}

/* The first function of the first bus with both MSI and MSI-X. */
static bool find_fn(const struct kg_params *p, struct fn *fn)
{
    unsigned int devfn;
    uint64_t f;

    for ( devfn = 0; devfn < 256; devfn++ )
    {
        f = fn_gpa(p, p->start_bus, devfn);
        if ( ecam_rd(f, 2) == 0xffff )
            continue;
        fn->msi = find_cap(f, CAP_MSI);
        fn->msix = find_cap(f, CAP_MSIX);
        if ( fn->msi && fn->msix )
        {
            fn->bdf = (p->start_bus << 8) | devfn;
            fn->cfg = f;
            return true;
        }
    }

    return false;
}

/* The vector's arrivals since 'before', and the others' since 'total'. */
static void count(struct kg_irq_res *r, uint32_t before, uint32_t total)
{
    r->seen = irq_seen(r->vector) - before;
    r->strays = irq_total() - total - r->seen;
}

/* Sent: it arrives within 'us' (-1: never), once, alone. */
static void expect_one(struct kg_irq_res *r, uint32_t before,
                       uint32_t total, long us)
{
    r->wait_us = us;
    r->deliver_ns = us >= 0 ? irq_deliver_ns() : 0;
    irq_settle(SETTLE_MS);
    count(r, before, total);
    if ( us < 0 )
        r->fail = KG_IRQF_NEVER;
    else if ( r->seen > 1 )
        r->fail = KG_IRQF_TWICE;
    else if ( r->strays )
        r->fail = KG_IRQF_STRAY;
}

/* Raised with 'before' and 'total' counted: delivered, and it arrives. */
static void expect_raised(struct kg_irq_res *r, uint32_t before,
                          uint32_t total)
{
    expect_one(r, before, total, irq_wait(r->vector, before + 1, WAIT_MS));
    if ( r->raised != 1 )
        r->fail = KG_IRQF_RAISE;
}

/* Unmask an MSI-X entry with interrupts let in: as irq_raise(). */
static void unmask_entry(const struct fn *fn)
{
    asm volatile ( "sti; movl %k0, (%1); cli"
                   : : "r" (0), "r" (fn->table + 12) : "memory" );
}

static void check_msi(struct kg_params *p, const struct fn *fn)
{
    struct kg_irq_res *r = &p->irq[KG_IRQ_MSI];
    uint32_t ctl = ecam_rd(fn->msi + 2, 2), before, total;
    unsigned int data = (ctl & MSI_64BIT) ? 0x0c : 0x08;

    r->ran = 1;
    r->vector = VEC_MSI;
    ecam_wr(fn->msi + 4, 4, MSI_ADDR);
    if ( ctl & MSI_64BIT )
        ecam_wr(fn->msi + 8, 4, 0);
    ecam_wr(fn->msi + data, 2, VEC_MSI);
    if ( ctl & MSI_MASKABLE )
        ecam_wr(fn->msi + data + 4, 4, 0);    /* the mask bits */
    ecam_wr(fn->msi + 2, 2, (ctl & ~MSI_MME) | MSI_ENABLE);
    before = irq_seen(VEC_MSI);
    total = irq_total();
    r->raised = irq_raise(fn->bdf, false, 0);
    expect_raised(r, before, total);
    ecam_wr(fn->msi + 2, 2, ctl & ~MSI_ENABLE);
}

/* Where BAR 'bir' goes: 16 MiB apart from KG_IRQ_BAR on. */
static uint64_t bar_gpa(unsigned int bir)
{
    return KG_IRQ_BAR + ((uint64_t)bir << 24);
}

static void place_bar(const struct fn *fn, unsigned int bir)
{
    uint64_t bar = fn->cfg + PCI_BAR0 + 4 * bir;

    if ( (ecam_rd(bar, 4) & 0x7) == 0x4 )     /* 64-bit memory BAR */
        ecam_wr(bar + 4, 4, 0);
    ecam_wr(bar, 4, bar_gpa(bir));
}

/* The BARs of MSI-X's table and PBA placed; where those are. */
static void place_msix(struct fn *fn)
{
    uint32_t table = ecam_rd(fn->msix + 4, 4), pba = ecam_rd(fn->msix + 8, 4);

    place_bar(fn, table & 7);
    if ( (pba & 7) != (table & 7) )
        place_bar(fn, pba & 7);
    fn->table = bar_gpa(table & 7) + (table & ~7U);
    fn->pba = bar_gpa(pba & 7) + (pba & ~7U);
}

/* Entry 0 programmed and unmasked, then MSI-X enabled (the ctl given). */
static void check_msix(struct kg_params *p, const struct fn *fn,
                       uint32_t ctl)
{
    struct kg_irq_res *r = &p->irq[KG_IRQ_MSIX];
    uint32_t before, total;

    r->ran = 1;
    r->vector = VEC_MSIX;
    mmio_out(fn->table + 0, 4, MSI_ADDR);
    mmio_out(fn->table + 4, 4, 0);
    mmio_out(fn->table + 8, 4, VEC_MSIX);
    mmio_out(fn->table + 12, 4, 0);           /* unmasked */
    ecam_wr(fn->msix + 2, 2, (ctl | MSIX_ENABLE) & ~MSIX_MASKALL);
    before = irq_seen(VEC_MSIX);
    total = irq_total();
    r->raised = irq_raise(fn->bdf, true, 0);
    expect_raised(r, before, total);
}

/* With MSI-X on and entry 0 unmasked (check_msix). */
static void check_msix_mask(struct kg_params *p, const struct fn *fn)
{
    struct kg_irq_res *r = &p->irq[KG_IRQ_MSIX_MASK];
    uint32_t before = irq_seen(VEC_MSIX), total = irq_total();

    r->ran = 1;
    r->vector = VEC_MSIX;
    mmio_out(fn->table + 12, 4, VC_MASK);
    r->raised = irq_raise(fn->bdf, true, 0);
    irq_settle(SETTLE_MS);
    count(r, before, total);
    r->pba_masked = mmio_in(fn->pba, 4);
    if ( r->raised || r->seen || r->strays )
    {
        r->fail = r->raised ? KG_IRQF_RAISE : r->seen ? KG_IRQF_EARLY
                                                      : KG_IRQF_STRAY;
        return;
    }
    if ( !(r->pba_masked & 1) )
    {
        r->fail = KG_IRQF_PBA_CLEAR;
        return;
    }
    unmask_entry(fn);
    expect_one(r, before, total, irq_wait(VEC_MSIX, before + 1, WAIT_MS));
    r->pba_after = mmio_in(fn->pba, 4);
    if ( !r->fail && (r->pba_after & 1) )
        r->fail = KG_IRQF_PBA_SET;
}

void guest_irq(struct kg_params *p)
{
    struct fn fn = { 0 };
    uint32_t cmd, ctl;
    unsigned int i;

    idt_init();
    lapic_enable();
    if ( !find_fn(p, &fn) )
    {
        for ( i = 0; i < KG_IRQ_NR; i++ )
            p->irq[i] = (struct kg_irq_res){ .ran = 1,
                                             .fail = KG_IRQF_NO_FN };
        return;
    }
    p->irq_bdf = fn.bdf;
    cmd = ecam_rd(fn.cfg + PCI_COMMAND, 2);
    place_msix(&fn);                /* BAR writes count while not decoded */
    ecam_wr(fn.cfg + PCI_COMMAND, 2, cmd | CMD_MEM_BM);
    check_msi(p, &fn);
    ctl = ecam_rd(fn.msix + 2, 2);
    check_msix(p, &fn, ctl);
    check_msix_mask(p, &fn);
    ecam_wr(fn.msix + 2, 2, ctl & ~MSIX_ENABLE);
    ecam_wr(fn.cfg + PCI_COMMAND, 2, cmd);
}
