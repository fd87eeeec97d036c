/* SPDX-License-Identifier: GPL-2.0-only */
/* The test guest's library: port and MMIO accessors, console, printf. */
#include <stdarg.h>

#include "guest.h"

#define DEBUGCON 0xe9

void outb(uint16_t port, uint8_t v)
{
    asm volatile ( "outb %0, %1" :: "a" (v), "Nd" (port) );
}

void outw(uint16_t port, uint16_t v)
{
    asm volatile ( "outw %0, %1" :: "a" (v), "Nd" (port) );
}

void outl(uint16_t port, uint32_t v)
{
    asm volatile ( "outl %0, %1" :: "a" (v), "Nd" (port) );
}

uint8_t inb(uint16_t port)
{
    uint8_t v;

    asm volatile ( "inb %1, %0" : "=a" (v) : "Nd" (port) );
    return v;
}

uint16_t inw(uint16_t port)
{
    uint16_t v;

    asm volatile ( "inw %1, %0" : "=a" (v) : "Nd" (port) );
    return v;
}

uint32_t inl(uint16_t port)
{
    uint32_t v;

    asm volatile ( "inl %1, %0" : "=a" (v) : "Nd" (port) );
    return v;
}

/* One access of exactly 'size' bytes: a single instruction each. */
uint64_t mmio_read(uint64_t gpa, unsigned int size)
{
    volatile void *p = (volatile void *)gpa;

    switch ( size )
    {
    case 1: return *(volatile uint8_t *)p;
    case 2: return *(volatile uint16_t *)p;
    case 4: return *(volatile uint32_t *)p;
    default: return *(volatile uint64_t *)p;
    }
}

void mmio_write(uint64_t gpa, unsigned int size, uint64_t val)
{
    volatile void *p = (volatile void *)gpa;

    switch ( size )
    {
    case 1: *(volatile uint8_t *)p = val; break;
    case 2: *(volatile uint16_t *)p = val; break;
    case 4: *(volatile uint32_t *)p = val; break;
    default: *(volatile uint64_t *)p = val; break;
    }
}

void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    asm volatile ( "cpuid" : "=a" (*a), "=b" (*b), "=c" (*c), "=d" (*d)
                   : "0" (leaf), "2" (0) );
}

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;

    while ( n-- )
        *p++ = c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;

    while ( n-- )
        *p++ = *q++;
    return d;
}

/* ---- Formatting: %s %c %d %u %x %lx %lu %ld %llx, '#' and widths. ---- */

struct out {
    char *buf;
    size_t len, pos;
};

static void put(struct out *o, char c)
{
    if ( o->pos + 1 < o->len )
        o->buf[o->pos] = c;
    o->pos++;
}

static void put_num(struct out *o, uint64_t v, unsigned int base, bool neg,
                    bool alt, unsigned int width, char pad)
{
    char tmp[24];
    unsigned int n = 0;

    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while ( v );
    if ( alt )
    {
        put(o, '0');
        put(o, 'x');
    }
    if ( neg )
        put(o, '-');
    while ( width > n + neg )
    {
        put(o, pad);
        width--;
    }
    while ( n )
        put(o, tmp[--n]);
}

static void vformat(struct out *o, const char *fmt, va_list ap)
{
    for ( ; *fmt; fmt++ )
    {
        bool alt = false;
        unsigned int width = 0, longs = 0;
        char pad = ' ';
        uint64_t v;

        if ( *fmt != '%' )
        {
            put(o, *fmt);
            continue;
        }
        if ( *++fmt == '#' )
        {
            alt = true;
            fmt++;
        }
        if ( *fmt == '0' )
            pad = '0';
        while ( *fmt >= '0' && *fmt <= '9' )
            width = width * 10 + *fmt++ - '0';
        while ( *fmt == 'l' )
        {
            longs++;
            fmt++;
        }
        switch ( *fmt )
        {
        case 's':
        {
            const char *s = va_arg(ap, const char *);

            while ( *s )
                put(o, *s++);
            break;
        }
        case 'c':
            put(o, va_arg(ap, int));
            break;
        case 'd':
        {
            int64_t s = longs ? va_arg(ap, long) : va_arg(ap, int);

            put_num(o, s < 0 ? -(uint64_t)s : (uint64_t)s, 10, s < 0, false,
                    width, pad);
            break;
        }
        case 'u':
        case 'x':
            v = longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            put_num(o, v, *fmt == 'x' ? 16 : 10, false, alt, width, pad);
            break;
        default:
            put(o, '%');
            put(o, *fmt);
            break;
        }
    }
    if ( o->len )
        o->buf[o->pos < o->len ? o->pos : o->len - 1] = '\0';
}

int snprint(char *buf, size_t len, const char *fmt, ...)
{
    struct out o = { buf, len, 0 };
    va_list ap;

    va_start(ap, fmt);
    vformat(&o, fmt, ap);
    va_end(ap);
    return o.pos;
}

/* Xen prints a line of port 0xe9 as "(dN) line" once it has the newline. */
void print(const char *fmt, ...)
{
    char line[256];
    struct out o = { line, sizeof(line), 0 };
    const char *p;
    va_list ap;

    va_start(ap, fmt);
    vformat(&o, fmt, ap);
    va_end(ap);
    for ( p = line; *p; p++ )
        outb(DEBUGCON, *p);
}
