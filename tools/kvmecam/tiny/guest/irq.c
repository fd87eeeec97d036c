/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam guest: interrupts.  The local APIC is KVM's in-kernel one
 * (xAPIC, MMIO at KG_LAPIC, inside the identity map); the vectors idt.S
 * counts; the host's doorbell and clock (abi.h).  The guest runs with
 * interrupts off and lets them in only while a check waits for one, so
 * that a check knows which of its steps an interrupt followed.
 */
#include "guest.h"

#define LAPIC_TPR       0x080
#define LAPIC_SVR       0x0f0
#define SVR_ENABLE      0x100
#define SVR_SPURIOUS    0xff            /* fatal if it ever comes: idt.S */

volatile uint32_t irq_count[KG_IRQ_LAST - KG_IRQ_FIRST + 1];

void trap(unsigned int vector, uint64_t error, uint64_t rip);

/* An exception or a stray vector (idt.S): the host is told, and stops. */
void trap(unsigned int vector, uint64_t error, uint64_t rip)
{
    struct kg_params *p = (struct kg_params *)KG_PARAMS;

    p->trap_vector = vector;
    p->trap_error = error;
    p->trap_rip = rip;
    report(KG_REP_FAIL, KG_FAIL_TRAP);
}

/* Software-enable the APIC, accept every priority. */
void lapic_enable(void)
{
    mmio_out(KG_LAPIC + LAPIC_SVR, 4, SVR_ENABLE | SVR_SPURIOUS);
    mmio_out(KG_LAPIC + LAPIC_TPR, 4, 0);
}

uint32_t irq_seen(unsigned int vector)
{
    if ( vector < KG_IRQ_FIRST || vector > KG_IRQ_LAST )
        return 0;

    return irq_count[vector - KG_IRQ_FIRST];
}

/* Every counted vector: a check compares it to find strays. */
uint32_t irq_total(void)
{
    uint32_t sum = 0;
    unsigned int i;

    for ( i = 0; i < KG_IRQ_LAST - KG_IRQ_FIRST + 1; i++ )
        sum += irq_count[i];

    return sum;
}

/*
 * Let pending interrupts in; the host's clock.  The clock's port read is
 * an exit with IF=1: KVM enters again with what is pending injected (the
 * STI shadow covers nothing else).
 */
static uint32_t irq_window(void)
{
    uint32_t now;

    asm volatile ( "sti; inl %w1, %k0; cli"
                   : "=a" (now) : "Nd" (KG_PORT_CLOCK) : "memory" );

    return now;
}

long irq_wait(unsigned int vector, uint32_t count, unsigned int ms)
{
    uint32_t start = port_in(KG_PORT_CLOCK, 4), now = start;

    while ( irq_seen(vector) < count )
    {
        if ( now - start > ms * 1000U )
            return -1;
        now = irq_window();
    }

    return now - start;
}

/* Let interrupts in for 'ms' milliseconds: what is late arrives. */
void irq_settle(unsigned int ms)
{
    uint32_t start = port_in(KG_PORT_CLOCK, 4);

    while ( irq_window() - start <= ms * 1000U )
        continue;
}

/*
 * The doorbell's exit is a window too: what the raise sends is injected
 * as KVM enters again, so that the host's time from the message to the
 * handler is the delivery's alone.
 */
int32_t irq_raise(unsigned int bdf, bool msix, unsigned int nr)
{
    asm volatile ( "sti; outl %k0, %w1; cli"
                   : : "a" (KG_DOORBELL(bdf, msix, nr)),
                       "Nd" (KG_PORT_DOORBELL) : "memory" );

    return (int32_t)port_in(KG_PORT_DOORBELL, 4);
}

/* From the message's sending to the handler's report, as the host saw. */
uint32_t irq_deliver_ns(void)
{
    return port_in(KG_PORT_IRQ, 4);
}
