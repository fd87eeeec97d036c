/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ecamctl view: every function the guest sees, read through the guest's
 * own ECAM window (the module's real trap -> route -> vPCI path), printed
 * as lspci -xxxx prints a dump, so `lspci -F FILE -vvv` decodes it.
 */
#include <string.h>

#include <public/hvm/ecam_op.h>
#include <xecam/user.h>
#include <xecam/vpci.h>

#include "replay.h"

static uint32_t rd(struct session *s, uint64_t gpa)
{
    uint64_t v = ~0ULL;

    xecam_mmio_read(s->d, 0, gpa, 4, &v);

    return v;
}

/* One function as JSON: its address, the host behind it, its bytes. */
static void json(struct session *s, const uint32_t *cfg, uint16_t seg,
                 unsigned int bus, unsigned int devfn, bool first)
{
    uint32_t sbdf = ((uint32_t)seg << 16) | (bus << 8) | devfn;
    struct xecam_vpci *dev = xecam_route_vpci(s->d, sbdf);
    uint32_t host = dev ? xecam_vpci_host_of(dev) : XECAM_NO_HOST;
    unsigned int i;

    printf("%s{\"sbdf\":\"%04x:%02x:%02x.%u\",\"host\":", first ? "" : ",\n",
           seg, bus, devfn >> 3, devfn & 7);
    if ( host == XECAM_NO_HOST )
        printf(dev ? "\"emulated\"" : "null");
    else
        printf("\"%04x:%02x:%02x.%u\"", XECAM_SBDF_SEG(host),
               XECAM_SBDF_BUS(host), XECAM_SBDF_DEV(host),
               XECAM_SBDF_FN(host));
    printf(",\"config\":\"");
    for ( i = 0; i < XECAM_CFG_SIZE; i++ )
        printf("%02x", (cfg[i / 4] >> (8 * (i % 4))) & 0xff);
    printf("\"}");
}

static void dump(struct session *s, uint64_t base, uint16_t seg,
                 unsigned int bus, unsigned int devfn)
{
    uint32_t cfg[XECAM_CFG_SIZE / 4];
    unsigned int i, j;
    static bool first = true;

    for ( i = 0; i < XECAM_CFG_SIZE / 4; i++ )
        cfg[i] = rd(s, base + 4 * i);
    if ( s->json )
    {
        json(s, cfg, seg, bus, devfn, first);
        first = false;
        return;
    }
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

/* What bytes [off, off + n) are: the register, in its capability. */
static void what_of(const struct xecam_vpci_byte_rule *r, unsigned int off,
                    char *buf, size_t len)
{
    char cap[80];

    if ( rule_cap(r, cap, sizeof(cap)) && r->reg_name )
        snprintf(buf, len, "%s %s", cap, r->reg_name);
    else if ( r->cap_name )
        snprintf(buf, len, "%s", cap);
    else
        snprintf(buf, len, "%s", r->reg_name ? r->reg_name :
                                 off < 0x40 ? "header" : "(no capability)");
}

/*
 * Why bytes [off, off + n) read as they do, as the module says:
 * "<register>: <what the guest sees>: <why>".  A hidden or read-only
 * capability says so; elsewhere the register's bits do.
 */
static void reason_of(struct xecam_vpci *dev, unsigned int off,
                      unsigned int n, char *buf, size_t len)
{
    struct xecam_vpci_byte_rule r;
    unsigned int i, emu = 0, claimed = 0;
    const char *seen, *why;
    char what[200];

    for ( i = 0; i < n; i++ )
    {
        xecam_vpci_byte_rule(dev, off + i, &r);
        emu |= r.emu;
        claimed += r.claimed;
    }
    xecam_vpci_byte_rule(dev, off, &r);
    what_of(&r, off, what, sizeof(what));
    why = r.reg_why ? r.reg_why : r.cap_why;
    if ( !claimed )
    {
        seen = "unclaimed";
        why = "device reads, writes refused unless permissive";
    }
    else if ( r.cap_name && r.cap_action != XECAM_CAP_EMULATE )
        seen = rule_action(r.cap_action);
    else
        seen = emu == 0xff ? "emulated" : emu ? "partly emulated" : "device";
    snprintf(buf, len, why ? "%s: %s: %s" : "%s: %s", what, seen, why);
}

/* Host against guest, register by register, where they differ. */
static void diff(struct session *s, uint64_t base, uint16_t seg,
                 unsigned int bus, unsigned int devfn)
{
    uint32_t sbdf = ((uint32_t)seg << 16) | (bus << 8) | devfn, g, h;
    struct xecam_vpci *dev = xecam_route_vpci(s->d, sbdf);
    uint8_t host[XECAM_CFG_SIZE + 4] = { 0 };
    unsigned int o, n, shown = 0;
    struct xecam_vpci_reg *r;
    char why[400];

    printf("%04x:%02x:%02x.%u", seg, bus, devfn >> 3, devfn & 7);
    if ( !dev || xecam_vpci_host_of(dev) == XECAM_NO_HOST ||
         xecam_user_pdev_peek(xecam_vpci_host_of(dev), 0, host,
                              XECAM_CFG_SIZE) )
    {
        printf("  (no host device: emulated or a device model's)\n\n");
        return;
    }
    sbdf = xecam_vpci_host_of(dev);
    printf("  <- host %04x:%02x:%02x.%u\n", XECAM_SBDF_SEG(sbdf),
           XECAM_SBDF_BUS(sbdf), XECAM_SBDF_DEV(sbdf), XECAM_SBDF_FN(sbdf));
    printf("  %-5s %-4s %-10s %-10s %s\n", "reg", "size", "host", "guest",
           "register: guest sees: why");
    for ( o = 0; o < XECAM_CFG_SIZE; o += n )
    {
        struct xecam_vpci_byte_rule br;

        xecam_vpci_byte_rule(dev, o, &br);
        if ( o == XECAM_CFG_LEGACY && !br.claimed &&
             !br.to_device_permissive )
        {
            printf("  0x100-0xfff: no extended config space (no PCI Express "
                   "capability): reads all-ones\n");
            shown++;
            break;
        }
        r = xecam_vpci_find_reg(dev, o);
        n = r ? r->offset + r->size - o : 4 - (o & 3);
        g = rd(s, base + (o & ~3U)) >> (8 * (o & 3));
        memcpy(&h, host + o, 4);
        g &= xecam_ones(n);
        h &= xecam_ones(n);
        if ( g == h )
            continue;
        reason_of(dev, o, n, why, sizeof(why));
        printf("  0x%03x %-4u 0x%0*x%*s 0x%0*x%*s %s\n", o, n, 2 * n, h,
               8 - 2 * n, "", 2 * n, g, 8 - 2 * n, "", why);
        shown++;
    }
    printf("  %u register%s differ\n\n", shown, shown == 1 ? "" : "s");
}

int view(struct session *s, bool as_diff)
{
    struct xen_hvm_ecam_space a = { .domid = GUEST_ID, .segment = s->seg };
    unsigned int bus, devfn, n = 0;
    uint64_t fn;

    xecam_user_set_current(0);
    if ( xecam_user_hvm_op(HVMOP_get_ecam_space, &a) )
    {
        fprintf(stderr, "ecamctl: the guest has no ECAM window\n");
        return 1;
    }
    if ( s->json && !as_diff )
        printf("[");
    for ( bus = a.start_bus; bus <= a.end_bus; bus++ )
        for ( devfn = 0; devfn < 256; devfn++ )
        {
            fn = a.base + ((uint64_t)(bus - a.start_bus) << 20) +
                 ((uint64_t)devfn << 12);
            if ( (rd(s, fn) & 0xffff) == 0xffff )
                continue;
            if ( as_diff )
                diff(s, fn, a.segment, bus, devfn);
            else
                dump(s, fn, a.segment, bus, devfn);
            n++;
        }
    if ( s->json && !as_diff )
        printf("]\n");
    fprintf(stderr, "ecamctl: %u guest function%s\n", n, n == 1 ? "" : "s");

    return 0;
}
