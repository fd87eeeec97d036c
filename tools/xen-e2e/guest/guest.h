/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The e2e-xen test guest: a freestanding 64-bit program that Xen starts as
 * a PVH guest or as an HVM guest's firmware.  It checks, from inside, what
 * the module does with its ECAM window and CF8/CFC, and reports each check
 * on port 0xe9 (Xen's debug console) as "e2e: KIND.NAME ok" or
 * "e2e: KIND.NAME FAIL why".
 */
#ifndef XEN_E2E_GUEST_H
#define XEN_E2E_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../mbox.h"

enum guest_kind { GUEST_PVH = 1, GUEST_HVM = 2 };

/* ---- lib.c: ports, MMIO, the console, a small printf. ---- */
void outb(uint16_t port, uint8_t v);
void outw(uint16_t port, uint16_t v);
void outl(uint16_t port, uint32_t v);
uint8_t inb(uint16_t port);
uint16_t inw(uint16_t port);
uint32_t inl(uint16_t port);
uint64_t mmio_read(uint64_t gpa, unsigned int size);
void mmio_write(uint64_t gpa, unsigned int size, uint64_t val);
void print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprint(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d);

/* ---- xen.c: the hypercall page and the calls the checks make. ---- */
int xen_init(void);
long hvm_op(unsigned int op, void *arg);
uint32_t xen_tsc_khz(void);
void xen_poweroff(void);
const char *errname(long rc);

/*
 * ---- irq.c: the local APIC and the counted vectors (idt.S). ----
 * Interrupts stay off (IF=0) except while one of these waits.
 */
#define IRQ_FIRST   0x40
#define IRQ_LAST    0x4f
extern volatile uint32_t irq_count[IRQ_LAST - IRQ_FIRST + 1];

void lapic_enable(void);
void lapic_self_ipi(unsigned int vector);
uint32_t irq_seen(unsigned int vector);
uint32_t irq_total(void);
long irq_wait(unsigned int vector, uint32_t count, unsigned int ms);
void irq_settle(unsigned int ms);

/* ---- checks.c ---- */
void run_checks(enum guest_kind kind, struct mbox *mb);

#endif /* XEN_E2E_GUEST_H */
