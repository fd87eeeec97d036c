/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ecamctl view: every function the guest sees, read through the guest's
 * own ECAM window (the module's real trap -> route -> vPCI path), printed
 * as lspci -xxxx prints a dump, so `lspci -F FILE -vvv` decodes it.
 */
#include <string.h>

#include <public/hvm/ecam_op.h>
#include <xecam/user.h>

#include "replay.h"

static uint32_t rd(struct session *s, uint64_t gpa)
{
    uint64_t v = ~0ULL;

    xecam_mmio_read(s->d, 0, gpa, 4, &v);

    return v;
}

static void dump(struct session *s, uint64_t base, uint16_t seg,
                 unsigned int bus, unsigned int devfn)
{
    uint32_t cfg[XECAM_CFG_SIZE / 4];
    unsigned int i, j;

    for ( i = 0; i < XECAM_CFG_SIZE / 4; i++ )
        cfg[i] = rd(s, base + 4 * i);
    if ( seg )
        printf("%04x:", seg);
    printf("%02x:%02x.%u Class %04x: %04x:%04x\n", bus, devfn >> 3, devfn & 7,
           cfg[2] >> 16, cfg[0] & 0xffff, cfg[0] >> 16);
    for ( i = 0; i < XECAM_CFG_SIZE; i += 16 )
    {
        printf(i < 0x100 ? "%02x:" : "%03x:", i);
        for ( j = 0; j < 16; j++ )
            printf(" %02x", (cfg[(i + j) / 4] >> (8 * ((i + j) % 4))) & 0xff);
        printf("\n");
    }
    printf("\n");
}

int view(struct session *s)
{
    struct xen_hvm_ecam_space a = { .domid = GUEST_ID };
    unsigned int bus, devfn, n = 0;
    uint64_t fn;

    xecam_user_set_current(0);
    if ( xecam_user_hvm_op(HVMOP_get_ecam_space, &a) )
    {
        fprintf(stderr, "ecamctl: the guest has no ECAM window\n");
        return 1;
    }
    for ( bus = a.start_bus; bus <= a.end_bus; bus++ )
        for ( devfn = 0; devfn < 256; devfn++ )
        {
            fn = a.base + ((uint64_t)(bus - a.start_bus) << 20) +
                 ((uint64_t)devfn << 12);
            if ( (rd(s, fn) & 0xffff) == 0xffff )
                continue;
            dump(s, fn, a.segment, bus, devfn);
            n++;
        }
    fprintf(stderr, "ecamctl: %u guest function%s\n", n, n == 1 ? "" : "s");

    return 0;
}
