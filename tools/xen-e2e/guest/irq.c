/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupts for the checks: the local APIC (xAPIC, MMIO at 0xfee00000,
 * which the guest's identity map covers) and the vectors idt.S counts.
 * The guest runs with interrupts off; they are let in only while a check
 * waits for one, in short sti..cli windows, so that a check knows which
 * of its steps an interrupt followed.  There is no timer: a wait is
 * bounded by the TSC, whose rate Xen's time leaf gives.
 */
#include "run.h"

#define LAPIC_BASE      0xfee00000UL
#define LAPIC_TPR       0x080
#define LAPIC_SVR       0x0f0
#define LAPIC_ICR_LO    0x300
#define LAPIC_ICR_HI    0x310
#define SVR_ENABLE      0x100
#define SVR_SPURIOUS    0xff            /* fatal if it ever comes: idt.S */
#define ICR_FIXED       0x0
#define ICR_SELF        0x40000         /* destination shorthand: self */
#define ICR_BUSY        0x1000          /* delivery status: send pending */

/* Without a rate from Xen, assume 1 GHz: waits only grow or shrink. */
#define TSC_KHZ_GUESS   1000000U

volatile uint32_t irq_count[IRQ_LAST - IRQ_FIRST + 1];

static uint32_t tsc_khz;

static uint32_t lapic_read(unsigned int reg)
{
    return mmio_read(LAPIC_BASE + reg, 4);
}

static void lapic_write(unsigned int reg, uint32_t val)
{
    mmio_write(LAPIC_BASE + reg, 4, val);
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile ( "rdtsc" : "=a" (lo), "=d" (hi) );
    return ((uint64_t)hi << 32) | lo;
}

/* Software-enable the APIC, accept every priority; idempotent. */
void lapic_enable(void)
{
    if ( !tsc_khz )
        tsc_khz = xen_tsc_khz();
    if ( !tsc_khz )
        tsc_khz = TSC_KHZ_GUESS;
    lapic_write(LAPIC_SVR, SVR_ENABLE | SVR_SPURIOUS);
    lapic_write(LAPIC_TPR, 0);
}

void lapic_self_ipi(unsigned int vector)
{
    unsigned int n;

    lapic_write(LAPIC_ICR_HI, 0);
    lapic_write(LAPIC_ICR_LO, ICR_SELF | ICR_FIXED | vector);
    for ( n = 0; n < 1000 && (lapic_read(LAPIC_ICR_LO) & ICR_BUSY); n++ )
        asm volatile ( "pause" );
}

uint32_t irq_seen(unsigned int vector)
{
    if ( vector < IRQ_FIRST || vector > IRQ_LAST )
        return 0;
    return irq_count[vector - IRQ_FIRST];
}

/* Every counted vector: a check compares it to find strays. */
uint32_t irq_total(void)
{
    uint32_t sum = 0;
    unsigned int i;

    for ( i = 0; i < IRQ_LAST - IRQ_FIRST + 1; i++ )
        sum += irq_count[i];
    return sum;
}

/*
 * Let pending interrupts in.  STI's shadow covers the first PAUSE.  Xen
 * injects on VM entry; an interrupt that became pending while IF was 0
 * waits for an interrupt window exit, which the nested SVM of QEMU's TCG
 * was seen to deliver only 5 to 150 ms late (at some unrelated exit that
 * happened to fall inside a window).  CPUID always exits: Xen then enters
 * again with IF=1 and injects whatever is pending, there and then.
 */
static void irq_window(void)
{
    uint32_t a = 0, b, c = 0, d;

    asm volatile ( "sti; pause; pause; cpuid; pause; pause; cli"
                   : "+a" (a), "=b" (b), "+c" (c), "=d" (d) :: "memory" );
}

/*
 * Wait until 'vector' has been counted 'count' times, at most 'ms'
 * milliseconds.  Returns the microseconds it took, -1 if it never was.
 */
long irq_wait(unsigned int vector, uint32_t count, unsigned int ms)
{
    uint64_t start = rdtsc(), now = start;
    uint64_t limit = (uint64_t)ms * tsc_khz;

    while ( irq_seen(vector) < count )
    {
        if ( now - start > limit )
            return -1;
        irq_window();
        now = rdtsc();
    }

    return (now - start) * 1000 / tsc_khz;
}

/* Let interrupts in for 'ms' milliseconds: what is late arrives. */
void irq_settle(unsigned int ms)
{
    uint64_t start = rdtsc(), limit = (uint64_t)ms * tsc_khz;

    while ( rdtsc() - start <= limit )
        irq_window();
}

/*
 * irq-selftest: the infrastructure itself, with no device involved.  A
 * self-IPI is held while interrupts are off, arrives once when they are
 * let in, at its vector, and nothing else arrives.
 */
void check_irq_selftest(struct run *r)
{
    unsigned int v = IRQ_FIRST;
    uint32_t before = irq_seen(v), total = irq_total(), held;
    long us;

    lapic_enable();
    expect(r, (lapic_read(LAPIC_SVR) & 0x1ff) == (SVR_ENABLE | SVR_SPURIOUS),
           "SVR reads %#x after enabling", lapic_read(LAPIC_SVR));
    lapic_self_ipi(v);
    held = irq_seen(v) - before;
    expect(r, held == 0, "%u interrupts arrived with IF=0", held);
    us = irq_wait(v, before + 1, 1000);
    expect(r, us >= 0, "the self-IPI never arrived at %#x (ICR %#x, TSC "
           "%u kHz)", v, lapic_read(LAPIC_ICR_LO), tsc_khz);
    irq_settle(20);
    expect(r, irq_seen(v) - before == 1, "vector %#x counted %u times, "
           "not once", v, irq_seen(v) - before);
    expect(r, irq_total() - total == irq_seen(v) - before,
           "%u interrupts at other vectors",
           irq_total() - total - (irq_seen(v) - before));
    print("e2e: %s.irq-selftest: self-IPI at %#x after %ld us (TSC %u kHz)\n",
          r->kname, v, us, tsc_khz);
    report(r, "irq-selftest");
}
