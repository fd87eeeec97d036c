/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam guest: MMIO and port accessors of each size, one instruction per
 * access (so one exit), and the log of what each access returned.  The
 * raw ones (mmio_in...) are for what is not config space: the local APIC,
 * the host's ports.
 */
#include "guest.h"

static unsigned int nr_log;

void report(uint32_t code, uint32_t count)
{
    uint32_t v = KG_REPORT(code, count);

    asm volatile ( "outl %k0, %w1" : : "a" (v), "Nd" (KG_PORT_REPORT)
                   : "memory" );
}

void log_report(uint32_t code)
{
    report(code, nr_log);
    nr_log = 0;
}

static void log_add(enum kg_space space, bool write, uint64_t addr,
                    unsigned int size, uint64_t val)
{
    struct kg_rec *r;

    if ( nr_log == KG_LOG_MAX )
        log_report(KG_REP_FLUSH);
    r = (struct kg_rec *)KG_LOG + nr_log++;
    r->addr = addr;
    r->val = val;
    r->space = space;
    r->write = write;
    r->size = size;
}

uint64_t mmio_in(uint64_t gpa, unsigned int size)
{
    uint64_t v = 0;

    if ( size == 1 )
        asm volatile ( "movb (%1), %b0" : "+q" (v) : "r" (gpa) : "memory" );
    else if ( size == 2 )
        asm volatile ( "movw (%1), %w0" : "+r" (v) : "r" (gpa) : "memory" );
    else if ( size == 4 )
        asm volatile ( "movl (%1), %k0" : "=r" (v) : "r" (gpa) : "memory" );
    else
        asm volatile ( "movq (%1), %0" : "=r" (v) : "r" (gpa) : "memory" );

    return v;
}

void mmio_out(uint64_t gpa, unsigned int size, uint64_t v)
{
    if ( size == 1 )
        asm volatile ( "movb %b0, (%1)" : : "q" (v), "r" (gpa) : "memory" );
    else if ( size == 2 )
        asm volatile ( "movw %w0, (%1)" : : "r" (v), "r" (gpa) : "memory" );
    else if ( size == 4 )
        asm volatile ( "movl %k0, (%1)" : : "r" (v), "r" (gpa) : "memory" );
    else
        asm volatile ( "movq %0, (%1)" : : "r" (v), "r" (gpa) : "memory" );
}

uint32_t port_in(unsigned int port, unsigned int size)
{
    uint32_t v = 0;

    if ( size == 1 )
        asm volatile ( "inb %w1, %b0" : "+a" (v) : "Nd" (port) );
    else if ( size == 2 )
        asm volatile ( "inw %w1, %w0" : "+a" (v) : "Nd" (port) );
    else
        asm volatile ( "inl %w1, %k0" : "=a" (v) : "Nd" (port) );

    return v;
}

void port_out(unsigned int port, unsigned int size, uint32_t v)
{
    if ( size == 1 )
        asm volatile ( "outb %b0, %w1" : : "a" (v), "Nd" (port) );
    else if ( size == 2 )
        asm volatile ( "outw %w0, %w1" : : "a" (v), "Nd" (port) );
    else
        asm volatile ( "outl %k0, %w1" : : "a" (v), "Nd" (port) );
}

uint64_t ecam_rd(uint64_t gpa, unsigned int size)
{
    uint64_t v = mmio_in(gpa, size);

    log_add(KG_ECAM, false, gpa, size, v);

    return v;
}

void ecam_wr(uint64_t gpa, unsigned int size, uint64_t val)
{
    mmio_out(gpa, size, val);
    log_add(KG_ECAM, true, gpa, size, val);
}

uint32_t pio_rd(unsigned int port, unsigned int size)
{
    uint32_t v = port_in(port, size);

    log_add(KG_PIO, false, port, size, v);

    return v;
}

void pio_wr(unsigned int port, unsigned int size, uint32_t val)
{
    port_out(port, size, val);
    log_add(KG_PIO, true, port, size, val);
}

/* The same load, 'count' times: the bench's measured loop. */
void raw_mmio_loop(uint64_t gpa, uint32_t count)
{
    uint32_t v;

    asm volatile ( "1: movl (%2), %0\n\t"
                   "decl %1\n\t"
                   "jnz 1b"
                   : "=&r" (v), "+r" (count) : "r" (gpa) : "memory" );
}

void raw_pio_loop(unsigned int port, uint32_t count)
{
    uint32_t v;

    asm volatile ( "1: inl %w2, %k0\n\t"
                   "decl %1\n\t"
                   "jnz 1b"
                   : "=&a" (v), "+r" (count) : "d" (port) : "memory" );
}
