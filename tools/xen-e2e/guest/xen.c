/* SPDX-License-Identifier: GPL-2.0-only */
/* The test guest's hypercalls, through the page Xen fills in on request. */
#include "guest.h"

#define XEN_CPUID_FIRST     0x40000000U
#define XEN_CPUID_LAST      0x40010000U
#define HYPERVISOR_sched_op 29
#define HYPERVISOR_hvm_op   34
#define SCHEDOP_shutdown    2
#define SHUTDOWN_poweroff   0

static uint8_t hypercall_page[4096] __attribute__((aligned(4096)));
static uint32_t xen_base;           /* Xen's first CPUID leaf */

static void wrmsr(uint32_t msr, uint64_t val)
{
    asm volatile ( "wrmsr" :: "c" (msr), "a" ((uint32_t)val),
                   "d" ((uint32_t)(val >> 32)) );
}

/* Find Xen's CPUID leaves and have it write the hypercall page. */
int xen_init(void)
{
    uint32_t base, a, b, c, d;

    for ( base = XEN_CPUID_FIRST; base < XEN_CPUID_LAST; base += 0x100 )
    {
        cpuid(base, &a, &b, &c, &d);
        if ( b == 0x566e6558 && c == 0x65584d4d && d == 0x4d4d566e &&
             a >= base + 2 )
            break;
    }
    if ( base >= XEN_CPUID_LAST )
        return -1;
    xen_base = base;
    cpuid(base + 2, &a, &b, &c, &d);
    wrmsr(b, (uint64_t)(uintptr_t)hypercall_page);

    return 0;
}

/* The guest's TSC frequency, from Xen's time leaf (0 if none). */
uint32_t xen_tsc_khz(void)
{
    uint32_t a, b, c, d;

    if ( !xen_base )
        return 0;
    cpuid(xen_base, &a, &b, &c, &d);
    if ( a < xen_base + 3 )
        return 0;
    cpuid(xen_base + 3, &a, &b, &c, &d);    /* subleaf 0: ECX, in kHz */

    return c;
}

static long hypercall2(unsigned int op, unsigned long a1, unsigned long a2)
{
    long rc;
    register unsigned long rdi asm("rdi") = a1;
    register unsigned long rsi asm("rsi") = a2;

    asm volatile ( "call *%[entry]"
                   : "=a" (rc), "+r" (rdi), "+r" (rsi)
                   : [entry] "r" (hypercall_page + op * 32)
                   : "memory", "rcx", "rdx", "r8", "r9", "r10", "r11" );

    return rc;
}

long hvm_op(unsigned int op, void *arg)
{
    return hypercall2(HYPERVISOR_hvm_op, op, (unsigned long)arg);
}

void xen_poweroff(void)
{
    struct { uint32_t reason; } s = { SHUTDOWN_poweroff };

    hypercall2(HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&s);
}

const char *errname(long rc)
{
    static const struct {
        long rc;
        const char *name;
    } names[] = {
        { 0, "0" }, { -1, "-EPERM" }, { -2, "-ENOENT" }, { -3, "-ESRCH" },
        { -12, "-ENOMEM" }, { -13, "-EACCES" }, { -14, "-EFAULT" },
        { -16, "-EBUSY" }, { -17, "-EEXIST" }, { -22, "-EINVAL" },
        { -28, "-ENOSPC" }, { -38, "-ENOSYS" }, { -95, "-EOPNOTSUPP" },
    };
    unsigned int i;

    for ( i = 0; i < sizeof(names) / sizeof(names[0]); i++ )
        if ( names[i].rc == rc )
            return names[i].name;

    return "an unexpected error";
}
