/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ecamctl rules: the permissive rules as the module applies them, printed
 * as a Markdown table for docs/permissive.md.  A reference device carrying
 * every supported capability is assigned once normally; each register (and
 * each run of unclaimed bytes) of its config space becomes a row, made and
 * named from xecam_vpci_byte_rule(): the same data the dispatcher enforces.
 */
#include <stdlib.h>
#include <string.h>

#include <xecam/user.h>
#include <xecam/vpci.h>

#include "ecamctl.h"

#define HOST  XECAM_SBDF(0, 0x40, 0, 0)
#define GFN   XECAM_SBDF(0, 0, 3, 0)

/* What the guest sees of a capability (XECAM_CAP_*), in words. */
const char *rule_action(unsigned int action)
{
    static const char *const words[] = {
        [XECAM_CAP_HIDE] = "hidden",
        [XECAM_CAP_READONLY] = "read-only",
        [XECAM_CAP_EMULATE] = "emulated",
    };

    return action < XECAM_ARRAY_SIZE(words) ? words[action] : "?";
}

/*
 * The capability a byte lies in, as the module names it ("MSI"), or by
 * its ID if the policy does not know it; NULL outside capabilities.
 */
const char *rule_cap(const struct xecam_vpci_byte_rule *r, char *buf,
                     size_t len)
{
    unsigned int action;
    const char *name, *why;

    if ( !r->cap_name )
        return NULL;
    if ( xecam_vpci_cap_policy(r->cap_ext, r->cap_id, &action, &name, &why) )
        snprintf(buf, len, "%s", r->cap_name);
    else
        snprintf(buf, len, "%s %sID %#0*x", r->cap_name,
                 r->cap_ext ? "ext " : "", r->cap_ext ? 6 : 4, r->cap_id);

    return buf;
}

static void put(uint8_t *c, unsigned int off, unsigned int n, uint32_t v)
{
    while ( n-- )
    {
        c[off++] = v;
        v >>= 8;
    }
}

/* Every supported capability, and some the policy hides or leaves alone. */
static void reference(uint8_t *c)
{
    memset(c, 0, XECAM_CFG_SIZE);
    put(c, 0x00, 4, 0x10d38086);
    put(c, 0x04, 2, 0x0406);
    put(c, 0x06, 2, 0x0010);
    put(c, 0x08, 4, 0x02000001);
    put(c, 0x10, 4, 0xfe00000c);            /* BAR0/1: 64-bit, 16 KiB */
    put(c, 0x18, 4, 0x0000e001);            /* BAR2: I/O, 32 bytes */
    put(c, 0x30, 4, 0xfe100000);            /* ROM, 64 KiB */
    put(c, 0x34, 1, 0x40);
    put(c, 0x3d, 1, 0x01);
    put(c, 0x40, 4, 0xc8035001);            /* PM -> 0x50 */
    put(c, 0x50, 4, 0x01867005);            /* MSI 64-bit, masks -> 0x70 */
    put(c, 0x70, 4, 0x00078011);            /* MSI-X, 8 entries -> 0x80 */
    put(c, 0x74, 4, 0x00000000);            /* table: BAR0 + 0 */
    put(c, 0x78, 4, 0x00002000);            /* PBA: BAR0 + 0x2000 */
    put(c, 0x80, 4, 0x00109009);            /* vendor, 16 bytes -> 0x90 */
    put(c, 0x90, 4, 0x0002d010);            /* PCIe v2 endpoint -> 0xd0 */
    put(c, 0x94, 4, 0x10008000);            /* DEVCAP: FLR */
    put(c, 0xd0, 4, 0x00000003);            /* VPD, end */
    put(c, 0x100, 4, 0x14010001);           /* AER -> 0x140 */
    put(c, 0x140, 4, 0x16010003);           /* DSN -> 0x160 */
    put(c, 0x160, 4, 0x1a010010);           /* SR-IOV -> 0x1a0 */
    put(c, 0x1a0, 4, 0x20010fff);           /* unknown -> 0x200 */
    put(c, 0x200, 4, 0x0001000b);           /* VSEC, end */
    put(c, 0x204, 4, 0x01000000);           /* VSEC length 0x10 */
}

/* The "in" column: the header, a capability and its action, or none. */
static const char *where(struct xecam_vpci *dev, unsigned int off,
                         char *buf, size_t len)
{
    struct xecam_vpci_byte_rule r;
    char cap[80];

    xecam_vpci_byte_rule(dev, off, &r);
    if ( !rule_cap(&r, cap, sizeof(cap)) )
        return off < 0x40 ? "header" : "(no capability)";
    snprintf(buf, len, "%s, %s", cap, rule_action(r.cap_action));

    return buf;
}

/* Do two bytes lie in the same place (header, capability or none)? */
static bool same_place(struct xecam_vpci *dev, unsigned int a, unsigned int b)
{
    struct xecam_vpci_byte_rule ra, rb;

    xecam_vpci_byte_rule(dev, a, &ra);
    xecam_vpci_byte_rule(dev, b, &rb);

    return ra.cap_name == rb.cap_name && ra.cap_offset == rb.cap_offset &&
           (a < 0x40) == (b < 0x40);
}

/* A register's bits of one class, as a mask over its width. */
static uint32_t gather(struct xecam_vpci *dev, unsigned int off,
                       unsigned int n, unsigned int field)
{
    struct xecam_vpci_byte_rule r;
    uint32_t m = 0;
    unsigned int i;

    for ( i = 0; i < n; i++ )
    {
        uint8_t b;

        xecam_vpci_byte_rule(dev, off + i, &r);
        b = field == 0 ? r.emu : field == 1 ? r.to_device
                                            : r.to_device_permissive;
        m |= (uint32_t)b << (8 * i);
    }

    return m;
}

static void mask(char *buf, size_t len, uint32_t m, unsigned int n)
{
    uint32_t all = n >= 4 ? ~0U : (1U << (8 * n)) - 1;

    if ( !m )
        snprintf(buf, len, "nothing");
    else if ( m == all )
        snprintf(buf, len, "all");
    else
        snprintf(buf, len, "`%#0*x`", 2 + 2 * n, m);
}

static void row(struct xecam_vpci *dev, unsigned int off, unsigned int n,
                bool claimed)
{
    uint32_t emu = gather(dev, off, n, 0), all = xecam_ones(n);
    char rd[600], wn[600], wp[600], in[120];
    struct xecam_vpci_byte_rule r;

    if ( !claimed )
        snprintf(rd, sizeof(rd), "device");
    else if ( emu == all )
        snprintf(rd, sizeof(rd), "emulated");
    else if ( !emu )
        snprintf(rd, sizeof(rd), "device");
    else
        snprintf(rd, sizeof(rd), "emulated `%#0*x`", 2 + 2 * n, emu);
    mask(wn, sizeof(wn), gather(dev, off, n, 1), n);
    mask(wp, sizeof(wp), gather(dev, off, n, 2), n);
    xecam_vpci_byte_rule(dev, off, &r);
    printf("| 0x%03x | %u | %s | %s | %s | %s | %s |\n", off, n,
           where(dev, off, in, sizeof(in)), r.reg_name ? r.reg_name : "-",
           claimed ? rd : "device (unclaimed)", wn, wp);
}

/*
 * Is byte o claimed: by a register, or in a dword a hidden or read-only
 * capability shuts (a row of its own, as a register of 4 bytes)?
 */
static bool claimed(struct xecam_vpci *dev, unsigned int o)
{
    struct xecam_vpci_byte_rule r;

    xecam_vpci_byte_rule(dev, o, &r);

    return r.claimed;
}

/* Rows for every register and every run of unclaimed bytes, in order. */
static void table(struct xecam_vpci *dev)
{
    unsigned int o = 0, end;
    struct xecam_vpci_reg *r;
    char in[120];

    printf("| offset | bytes | in | register | guest reads | a write may "
           "change in the device | permissive |\n"
           "|---|---|---|---|---|---|---|\n");
    while ( o < XECAM_CFG_SIZE )
    {
        r = xecam_vpci_find_reg(dev, o);
        if ( r )
        {
            row(dev, r->offset, r->size, true);
            o = r->offset + r->size;
            continue;
        }
        if ( claimed(dev, o) )          /* a shut dword */
        {
            row(dev, o, 4, true);
            o += 4;
            continue;
        }
        for ( end = o + 1; end < XECAM_CFG_SIZE && !claimed(dev, end) &&
                           same_place(dev, o, end) && end != 0x100; end++ )
            continue;
        printf("| 0x%03x-0x%03x | %u | %s | - | device (unclaimed) | nothing "
               "| all |\n", o, end - 1, end - o, where(dev, o, in, sizeof(in)));
        o = end;
    }
}

int rules(void)
{
    static uint8_t cfg[XECAM_CFG_SIZE];
    struct xecam_domain *d;
    struct xecam_vpci *dev;

    reference(cfg);
    xecam_user_domain_privileged(0);
    if ( xecam_user_domain_add(1, 0, &d) ||
         xecam_user_pdev_add(HOST, cfg, sizeof(cfg)) ||
         xecam_user_pdev_bar(HOST, 0, 0x4000) ||
         xecam_user_pdev_bar(HOST, 2, 32) ||
         xecam_user_pdev_bar(HOST, XECAM_PORT_ROM_BAR, 0x10000) ||
         xecam_vpci_assign(d, GFN, HOST, 0, &dev) )
    {
        fprintf(stderr, "ecamctl: cannot build the reference device\n");
        return 1;
    }
    table(dev);
    xecam_vpci_destroy(dev);
    xecam_user_reset();

    return 0;
}
