/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam linux: the guest's host bridge, an Intel 945 (8086:2770) at
 * 00:00.0, through which Linux finds the ECAM window with acpi=off: its
 * PCIEXBAR dword at 0x48 holds the base (bits 31:28), the size (bits 2:1:
 * 0 = 256, 1 = 128, 2 = 64 MiB, always from bus 0) and the enable bit.
 *
 * It is a simulated host function (4 KiB of config space, no
 * capabilities, no BARs) assigned to the guest through vPCI like any
 * other; PCIEXBAR is a byte no vPCI register claims, so the guest reads
 * the host's value and its writes are refused.  The value is derived from
 * the window the toolstack placed (HVMOP_set_ecam_space), and read back
 * through the module, by ECAM and by CF8/CFC, before the guest runs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <xecam/pci.h>
#include <xecam/vpci.h>

#include "linux.h"

#define BRIDGE_GUEST XECAM_SBDF(0, 0, 0, 0)

int lx_bridge_cfg(const struct lx_bridge *b, uint8_t *cfg)
{
    static const uint8_t head[16] = {
        0x86, 0x80, 0x70, 0x27,     /* Intel, 945G/GZ/P/PL MCH */
        0x06, 0x00, 0x00, 0x00,     /* Command: memory, bus master */
        0x02, 0x00, 0x00, 0x06,     /* revision 2, class 0x060000 */
        0x00, 0x00, 0x00, 0x00,     /* header type 0 */
    };
    unsigned int i;

    memset(cfg, 0, LX_CFG_SIZE);
    memcpy(cfg, head, sizeof(head));
    for ( i = 0; i < 4; i++ )
        cfg[LX_PCIEXBAR + i] = b->pciexbar >> (8 * i);

    return 0;
}

/* PCIEXBAR for the domain's window, or -1 if it cannot say it. */
static int pciexbar_of(struct lx_bridge *b, bool enable)
{
    unsigned int buses = b->end_bus - b->start_bus + 1, size;

    size = buses == 256 ? 0 : buses == 128 ? 1 : buses == 64 ? 2 : 3;
    if ( b->start_bus || size == 3 || (b->base & 0x0fffffffULL) ||
         b->base >= 0xf0000000ULL )
    {
        fprintf(stderr, "kvmecam: the ECAM window (buses %02x-%02x at "
                "%#llx) is not one a 945 PCIEXBAR can hold: bus 0 on, 256, "
                "128 or 64 buses, 256 MiB aligned below 0xf0000000\n",
                b->start_bus, b->end_bus, (unsigned long long)b->base);
        return -1;
    }
    b->pciexbar = (uint32_t)b->base | (size << 1) | (enable ? 1 : 0);

    return 0;
}

uint32_t lx_free_host(uint32_t preferred)
{
    uint8_t id[4];
    unsigned int devfn;

    if ( xecam_user_pdev_peek(preferred, 0, id, sizeof(id)) )
        return preferred;
    for ( devfn = 255; devfn > 0; devfn-- )
        if ( xecam_user_pdev_peek(XECAM_SBDF(0, 0xff, devfn >> 3, devfn & 7),
                                  0, id, sizeof(id)) )
            return XECAM_SBDF(0, 0xff, devfn >> 3, devfn & 7);

    return XECAM_NO_HOST;
}

/* PCIEXBAR as the guest reads it, through ECAM and through CF8/CFC. */
static int read_back(struct session *s, const struct lx_bridge *b)
{
    uint64_t ecam = ~0ULL;
    uint32_t cfc = ~0U;

    xecam_mmio_read(s->d, 0, b->base + LX_PCIEXBAR, 4, &ecam);
    xecam_pio_write(s->d, 0, XECAM_PCI_CF8, 4, 0x80000000U | LX_PCIEXBAR);
    xecam_pio_read(s->d, 0, XECAM_PCI_CFC, 4, &cfc);
    xecam_pio_write(s->d, 0, XECAM_PCI_CF8, 4, 0);  /* the latch as it was */
    if ( (uint32_t)ecam == b->pciexbar && cfc == b->pciexbar )
        return 0;
    fprintf(stderr, "kvmecam: the guest would read PCIEXBAR %#x (ECAM), "
            "%#x (CF8), not %#x\n", (uint32_t)ecam, cfc, b->pciexbar);

    return -1;
}

static int place(struct session *s, struct lx_bridge *b)
{
    uint8_t cfg[LX_CFG_SIZE];
    uint64_t id = ~0ULL;
    int rc;

    xecam_mmio_read(s->d, 0, b->base, 4, &id);
    if ( (uint16_t)id != 0xffff || xecam_route_vpci(s->d, BRIDGE_GUEST) )
    {
        fprintf(stderr, "kvmecam: the config already puts a function at "
                "00:00.0 (%#x): that is the host bridge's\n", (uint32_t)id);
        return -1;
    }
    b->host = lx_free_host(XECAM_SBDF(0, 0, 0, 0));
    lx_bridge_cfg(b, cfg);
    rc = b->host == XECAM_NO_HOST ? -ENOSPC
                                  : xecam_user_pdev_add(b->host, cfg,
                                                        sizeof(cfg));
    rc = rc ?: xecam_assign_device(s->d, BRIDGE_GUEST, b->host, 0);
    if ( rc )
        fprintf(stderr, "kvmecam: the host bridge cannot be assigned: %s\n",
                strerror(-rc));

    return rc ? -1 : 0;
}

int lx_bridge_add(struct session *s, bool enable, struct lx_bridge *b)
{
    uint16_t seg;

    memset(b, 0, sizeof(*b));
    if ( domain_window(&seg, &b->base, &b->start_bus, &b->end_bus) )
        return -1;
    if ( seg )
    {
        fprintf(stderr, "kvmecam: the ECAM window is for segment %u; a 945 "
                "host bridge serves segment 0\n", seg);
        return -1;
    }

    return pciexbar_of(b, enable) ?: place(s, b) ?: read_back(s, b);
}
