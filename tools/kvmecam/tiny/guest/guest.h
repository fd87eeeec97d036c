/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam guest: a freestanding 64-bit program at CPL0.  Every config
 * access goes through the accessors of io.c, which log it (struct kg_rec)
 * for the host to compare with what it served.
 */
#ifndef KVMECAM_GUEST_H
#define KVMECAM_GUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "abi.h"

#define CFG_ADDR 0xcf8
#define CFG_DATA 0xcfc

/* io.c: logged accesses. */
uint64_t ecam_rd(uint64_t gpa, unsigned int size);
void ecam_wr(uint64_t gpa, unsigned int size, uint64_t val);
uint32_t pio_rd(unsigned int port, unsigned int size);
void pio_wr(unsigned int port, unsigned int size, uint32_t val);
/* Hand the log over ('code': KG_REP_FLUSH or KG_REP_DONE). */
void log_report(uint32_t code);
void report(uint32_t code, uint32_t count);

/* io.c: unlogged, one instruction each. */
uint64_t mmio_in(uint64_t gpa, unsigned int size);
void mmio_out(uint64_t gpa, unsigned int size, uint64_t v);
uint32_t port_in(unsigned int port, unsigned int size);
void port_out(unsigned int port, unsigned int size, uint32_t v);

/* Unlogged, for the bench loops. */
void raw_mmio_loop(uint64_t gpa, uint32_t count);
void raw_pio_loop(unsigned int port, uint32_t count);

/* The function's ECAM address in the guest's window. */
static inline uint64_t fn_gpa(const struct kg_params *p, unsigned int bus,
                              unsigned int devfn)
{
    return p->ecam_base + ((uint64_t)(bus - p->start_bus) << 20) +
           ((uint64_t)devfn << 12);
}

void guest_walk(struct kg_params *p);
void walk_cf8(unsigned int bdf);
void walk_writes(uint64_t f, unsigned int bdf);
void guest_bench(const struct kg_params *p);
void guest_spin(void);

/* irq.c: the local APIC and the counted vectors (idt.S). */
extern volatile uint32_t irq_count[KG_IRQ_LAST - KG_IRQ_FIRST + 1];
void idt_init(void);
void lapic_enable(void);
uint32_t irq_seen(unsigned int vector);
uint32_t irq_total(void);
/* Interrupts let in until 'vector' has come 'count' times: us, or -1. */
long irq_wait(unsigned int vector, uint32_t count, unsigned int ms);
void irq_settle(unsigned int ms);
/* The doorbell: the host function behind 'bdf' raises; its answer. */
int32_t irq_raise(unsigned int bdf, bool msix, unsigned int nr);
uint32_t irq_deliver_ns(void);
/* irqcheck.c */
void guest_irq(struct kg_params *p);
void guest_main(void);

#endif /* KVMECAM_GUEST_H */
