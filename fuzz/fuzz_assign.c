/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz device assignment: the host function's config space (capability
 * chains above all), its BAR sizes and the assignment options come from the
 * input, then a sequence of guest config accesses.  After every step:
 *
 *  - the guest's standard and extended chains terminate, never revisit an
 *    offset and stay inside their regions;
 *  - the device's SERR and PARITY enables were never set, its memory decode
 *    never cleared, by the guest;
 *  - no guest write changed a bit of the device that the rule of its byte
 *    (xecam_vpci_byte_rule, for the device's mode) does not let through,
 *    RW1C clears aside;
 *  - a hidden function reads all-ones.
 *
 * Then the function is deassigned: that ends, with no BAR left mapped and
 * the function reading all-ones.  The guest is kept for the next input.
 *
 * Built with libFuzzer (make fuzz) or as a reproducer that runs files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/hvm/ecam_op.h>
#include <xecam/pci.h>
#include <xecam/user.h>
#include <xecam/vpci.h>

#include "input.h"

#define GUEST   1
#define BASE    0xe0000000ULL
#define HOST    XECAM_SBDF(0, 0x30, 0, 0)
#define GFN     XECAM_SBDF(0, 0, 3, 0)


static struct xecam_domain *d;

static uint32_t rd(unsigned int reg, unsigned int size)
{
    uint64_t v = 0;

    xecam_mmio_read(d, 0, BASE + (3ULL << 15) + reg, size, &v);

    return v;
}

/* The guest's chains must be finite, acyclic and in range. */
static void check_chains(void)
{
    uint8_t seen[XECAM_CFG_SIZE / 4] = { 0 };
    unsigned int ptr, n = 0;
    uint32_t hdr;

    if ( rd(0x06, 2) & 0x10 )
        for ( ptr = rd(0x34, 1); ptr; ptr = (hdr >> 8) & 0xff )
        {
            if ( ptr < 0x40 || ptr > 0xfc || (ptr & 3) || seen[ptr / 4]++ ||
                 ++n > 48 )
                abort();
            hdr = rd(ptr, 2);
        }
    hdr = rd(0x100, 4);
    if ( hdr == ~0U )
        return;                 /* no extended space in the guest's view */
    for ( ptr = hdr >> 20, n = 0; ptr; ptr = hdr >> 20 )
    {
        if ( ptr < 0x100 || (ptr & 3) || seen[ptr / 4]++ || ++n > 960 )
            abort();
        hdr = rd(ptr, 4);
    }
}

static uint8_t before[XECAM_CFG_SIZE], after[XECAM_CFG_SIZE];

/* Snapshot what a write may touch: the header (mirrors) and its dword. */
static void snapshot(unsigned int reg)
{
    xecam_user_pdev_peek(HOST, 0, before, 0x40);
    xecam_user_pdev_peek(HOST, reg & ~3U, before + (reg & ~3U), 4);
    xecam_user_pdev_log_clear();
}

/*
 * Every write the device saw lies in the header or the guest's dword, and
 * every bit it changed was the guest's to change (RW1C clears aside).
 */
static void check_rules(unsigned int flags, unsigned int reg)
{
    struct xecam_user_pci_write log[16];
    struct xecam_vpci *dev = xecam_route_vpci(d, GFN);
    struct xecam_vpci_byte_rule r;
    unsigned int n = xecam_user_pdev_log(HOST, log, 16), i, b, o;
    uint8_t diff, ok;

    for ( i = 0; i < n; i++ )
    {
        if ( !dev || (log[i].reg >= 0x40 && (log[i].reg & ~3U) != (reg & ~3U)) )
            abort();
        for ( b = 0; b < log[i].size; b++ )
        {
            o = log[i].reg + b;
            xecam_user_pdev_peek(HOST, o, &after[o], 1);
            diff = before[o] ^ after[o];
            xecam_vpci_byte_rule(dev, o, &r);
            ok = flags & XECAM_ASSIGN_PERMISSIVE ? r.to_device_permissive
                                                 : r.to_device;
            if ( diff & ~ok & ~(r.rw1c & before[o]) )
                abort();
        }
    }
}

static void check_device(uint32_t cmd0)
{
    uint8_t b[2];
    uint32_t cmd;

    if ( xecam_user_pdev_peek(HOST, 0x04, b, 2) )
        abort();
    cmd = b[0] | (b[1] << 8);
    if ( (cmd & 0x0140) & ~(cmd0 & 0x0140) )
        abort();                /* SERR or PARITY set by the guest */
    if ( (cmd0 & 0x0002) && !(cmd & 0x0002) )
        abort();                /* memory decode cleared by the guest */
}

/*
 * The guest and its window are made with the first input and kept; an
 * input brings its own host function, assigns it and takes it back (then
 * removes it), so the next input finds the guest as the first did.
 */
static void build(void)
{
    struct xen_hvm_ecam_space w = {
        .domid = GUEST, .start_bus = 0, .end_bus = 255, .base = BASE,
    };

    xecam_user_reset();
    xecam_user_domain_privileged(0);
    xecam_user_domain_add(GUEST, XECAM_DOMF_PARTIAL_MF, &d);
    xecam_user_set_current(0);
    xecam_user_hvm_op(HVMOP_set_ecam_space, &w);
}

static void setup(struct input *in)
{
    static uint8_t cfg[XECAM_CFG_SIZE];
    static bool built;
    unsigned int i;

    if ( !built )
    {
        build();
        built = true;
    }

    /* A valid type 0 header with fuzzed BARs; the rest from the input. */
    memset(cfg, 0, sizeof(cfg));
    take_bytes(in, cfg + 0x10, sizeof(cfg) - 0x10);
    cfg[0x00] = 0x86;
    cfg[0x01] = 0x80;
    cfg[0x04] |= 0x02;          /* the host's memory decode is on */
    cfg[0x06] = 0x10;
    cfg[0x0e] &= 0x80;
    xecam_user_pdev_add(HOST, cfg, sizeof(cfg));
    for ( i = 0; i <= XECAM_PORT_ROM_BAR; i++ )
        xecam_user_pdev_bar(HOST, i, 1ULL << (take(in, 1) % 40));
}

/*
 * The function back from the guest, and the host's: deassignment ends,
 * leaves no BAR mapped and the function reads as nobody's.
 */
static void undo(void)
{
    struct xecam_user_mapping m[1];
    unsigned int tries = 0;

    while ( xecam_deassign_device(d, GFN) == -ERESTART )
        if ( ++tries > 100000 )
            abort();            /* deassignment never finishes */
    if ( xecam_user_mappings(GUEST, m, 1) || rd(0, 4) != ~0U )
        abort();
    xecam_user_pdev_remove_all();
    xecam_user_log_clear();     /* freed within the input: no leak re-run */
    xecam_user_events_clear();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { .p = data, .left = size };
    unsigned int flags, steps = 0, reg, sz;
    uint32_t cmd0;
    uint8_t b[2];

    /* Options first, so the config space can be as long as it likes. */
    flags = take(&in, 1) & XECAM_ASSIGN_MASK;
    setup(&in);
    xecam_user_pdev_peek(HOST, 0x04, b, 2);
    cmd0 = b[0] | (b[1] << 8);
    if ( xecam_assign_device(d, GFN, HOST, flags) )
    {
        undo();
        return 0;
    }
    if ( !(flags & XECAM_ASSIGN_HIDDEN) )
        check_chains();

    /* Accesses: the tail of the input, 6 bytes each (wraps around). */
    in.p = data;
    in.left = size > 4096 ? 4096 : size;
    while ( in.left >= 6 && steps++ < 512 )
    {
        reg = take(&in, 2) & 0xfff;
        sz = 1U << (take(&in, 1) % 3);
        reg &= ~(sz - 1);
        if ( take(&in, 1) & 1 )
        {
            snapshot(reg);
            xecam_mmio_write(d, 0, BASE + (3ULL << 15) + reg, sz,
                             take(&in, 2) * 0x10001U);
            check_rules(flags, reg);
        }
        else if ( rd(reg, sz) != xecam_ones(sz) && (flags & XECAM_ASSIGN_HIDDEN) )
            abort();            /* a hidden function showed something */
        check_device(cmd0);
    }
    if ( !(flags & XECAM_ASSIGN_HIDDEN) )
        check_chains();
    undo();

    return 0;
}
