/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz deferred host work interleaved with accesses (vpci/work.c,
 * hvm/work.c): a passed-through function with three memory BARs (32-bit
 * 64 KiB and 4 KiB, 64-bit 2 MiB) and four vCPUs.  Steps: a vCPU writes a
 * BAR (either half of the 64-bit one; an address in a set of slots that
 * may collide, any address, or all-ones to size it) or Command (memory
 * decode on or off), or reads them; the host resumes one vCPU's pending
 * work once, or every vCPU's until done; the preemption budget changes
 * (a map or unmap does 4 KiB to 256 KiB a call, or all at once); the
 * function is deassigned and assigned again.
 *
 * After every step, whatever is pending:
 *  - every mapping the guest has lies in a host BAR, at an offset one of
 *    that BAR's guest addresses of this input gives (never a stale host
 *    page, never another BAR's), and never on RAM;
 * and whenever the host has resumed every vCPU until its work is done:
 *  - each mapping is of a BAR whose memory decode is on, at the address
 *    the guest reads from it now;
 *  - each such BAR in a slot no other one overlaps is mapped whole;
 *  - nothing is mapped once the function is deassigned;
 * and each map call of a resume maps at most the preemption budget.
 * Resuming a vCPU always ends (bounded), the log stays bounded (but for a
 * line per assignment and deassignment).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/hvm/ecam_op.h>
#include <xecam/ecam.h>
#include <xecam/pci.h>
#include <xecam/user.h>
#include <xecam/vpci.h>

#include "harness.h"
#include "input.h"

#define GUEST      1
#define BASE       0xe0000000ULL
#define GFN        XECAM_SBDF(0, 0, 3, 0)
#define HOST       XECAM_SBDF(0, 0x05, 0, 0)
#define NVCPU      4
#define NBAR       3                /* BAR0, BAR1, BAR2-3 (64-bit) */
#define SLOT(n)    (0xc0000000ULL + (uint64_t)(n) * 0x200000)
#define MAX_STEPS  96
#define MAX_HIST   (2 * MAX_STEPS + 4)
#define MAX_LOG    64

static const struct {
    unsigned int reg;               /* its (low) register */
    uint64_t size, host;
    bool is64;
} bars[NBAR] = {
    { 0x10, 0x10000, 0xf0000000ULL, false },
    { 0x14, 0x1000, 0xf0010000ULL, false },
    { 0x18, 0x200000, 0x400000000ULL, true },
};

static struct xecam_domain *d;
static bool assigned;
static uint64_t budget;                 /* bytes a preemptible call maps */
static unsigned int reassigned;         /* each logs a line */

/* Every guest address each BAR had in this input. */
static uint64_t hist[NBAR][MAX_HIST];
static unsigned int nr_hist[NBAR];

static struct xecam_vpci *dev(void)
{
    return xecam_route_vpci(d, GFN);
}

static uint32_t dev_rd(unsigned int reg, unsigned int size)
{
    uint32_t v = ~0U;

    if ( dev() )
        xecam_vpci_read(dev(), reg, size, &v);

    return v;
}

/* The BAR's address as the guest reads it now (no vCPU involved). */
static uint64_t bar_addr(unsigned int b)
{
    uint64_t a = dev_rd(bars[b].reg, 4) & ~0xfULL;

    if ( bars[b].is64 )
        a |= (uint64_t)dev_rd(bars[b].reg + 4, 4) << 32;

    return a;
}

static bool decode_on(void)
{
    return assigned && (dev_rd(0x04, 2) & 0x2);
}

static void remember(void)
{
    unsigned int b, i;
    uint64_t a;

    for ( b = 0; assigned && b < NBAR; b++ )
    {
        a = bar_addr(b);
        for ( i = 0; i < nr_hist[b] && hist[b][i] != a; i++ )
            continue;
        if ( i == nr_hist[b] && nr_hist[b] < MAX_HIST )
            hist[b][nr_hist[b]++] = a;
    }
}

/* ---- The checks ---- */

/*
 * The piece of mapping m from its byte 'at' on that lies in one host BAR:
 * that BAR (-1: nobody's), the piece's offset in it and its length.  The
 * p2m joins a mapping to one it continues in both spaces, so two BARs
 * the guest placed back to back, as they are on the host, can be one.
 */
static int bar_part(const struct xecam_user_mapping *m, uint64_t at,
                    uint64_t *off, uint64_t *len)
{
    uint64_t h = m->haddr + at, left = m->size - at;
    unsigned int b;

    for ( b = 0; b < NBAR; b++ )
        if ( h >= bars[b].host && h < bars[b].host + bars[b].size )
        {
            *off = h - bars[b].host;
            *len = bars[b].size - *off < left ? bars[b].size - *off : left;
            return b;
        }

    return -1;
}

static bool known_addr(unsigned int b, uint64_t gbase)
{
    unsigned int i;

    for ( i = 0; i < nr_hist[b]; i++ )
        if ( hist[b][i] == gbase )
            return true;

    return false;
}

static void check_always(void)
{
    struct xecam_user_mapping map[64];
    unsigned int n = xecam_user_mappings(GUEST, map, 64), i;
    uint64_t off, at, len;
    int b;

    for ( i = 0; i < n; i++ )
    {
        CHECK(!map[i].io);
        CHECK(map[i].gaddr >= 0x80000000ULL);       /* RAM below 2 GiB */
        for ( at = 0; at < map[i].size; at += len )
        {
            b = bar_part(&map[i], at, &off, &len);
            CHECK(b >= 0);
            CHECK(known_addr(b, map[i].gaddr + at - off));
        }
    }
}

/* No work left anywhere: the p2m is what the guest's registers say. */
static void check_settled(void)
{
    struct xecam_user_mapping map[64];
    unsigned int n = xecam_user_mappings(GUEST, map, 64), i, c;
    uint64_t off, at, len, covered[NBAR] = { 0 }, a[NBAR];
    bool on = decode_on();
    int b;

    CHECK(assigned || !n);
    for ( c = 0; assigned && c < NBAR; c++ )
        a[c] = bar_addr(c);
    for ( i = 0; i < n; i++ )
        for ( at = 0; at < map[i].size; at += len )
        {
            b = bar_part(&map[i], at, &off, &len);
            CHECK(b >= 0 && on && map[i].gaddr + at - off == a[b]);
            covered[b] += len;
        }
    for ( c = 0; on && c < NBAR; c++ )
    {
        bool alone = a[c] >= SLOT(0) && a[c] <= SLOT(8) - bars[c].size;
        unsigned int o;

        for ( o = 0; o < NBAR; o++ )
            alone &= o == c || !fz_overlaps(a[c], bars[c].size, a[o],
                                            bars[o].size);
        if ( !alone )
            continue;
        if ( covered[c] != bars[c].size )
            fprintf(stderr, "BAR %u at %#llx: %#llx of %#llx mapped\n", c,
                    (unsigned long long)a[c], (unsigned long long)covered[c],
                    (unsigned long long)bars[c].size);
        CHECK(covered[c] == bars[c].size);
    }
}

/* ---- Steps ---- */

static void settle(void)
{
    unsigned int v, n = 0;

    for ( v = 0; v < NVCPU; v++ )
        while ( xecam_vcpu_resume(d, v) )
            CHECK(++n < 100000);    /* the budget is at least 4 KiB */
}

static void cfg_wr(unsigned int vcpu, unsigned int reg, unsigned int size,
                   uint32_t v)
{
    xecam_mmio_write(d, vcpu, fz_gpa(BASE, GFN, reg), size, v);
}

static void op_bar(struct input *in)
{
    unsigned int k = take(in, 1), b = (k >> 2) % NBAR, reg = bars[b].reg;
    uint32_t v;

    switch ( (k >> 4) & 3 )
    {
    case 0:
    case 1:
        v = (uint32_t)SLOT(take(in, 1) & 7);
        break;
    case 2:
        v = ~0U;                            /* sizing */
        break;
    default:
        v = take(in, 4);
        break;
    }
    if ( bars[b].is64 && (k & 0x40) )
    {
        reg += 4;                           /* the high half */
        v = (k >> 4) & 3 ? (k >> 4 & 3) == 2 ? ~0U : take(in, 1) & 1 : 0;
    }
    cfg_wr(k & 3, reg, 4, v);
}

static void op_command(struct input *in)
{
    unsigned int k = take(in, 1);

    cfg_wr(k & 3, 0x04, 2, (k & 4 ? 0x2 : 0) | (k & 8 ? 0x4 : 0));
}

static uint64_t mapped_bytes(void)
{
    struct xecam_user_mapping map[64];
    unsigned int n = xecam_user_mappings(GUEST, map, 64), i;
    uint64_t sum = 0;

    for ( i = 0; i < n; i++ )
        sum += map[i].size;

    return sum;
}

static void set_budget(uint64_t bytes)
{
    budget = bytes;
    xecam_user_map_preempt(GUEST, bytes);
}

static void op_host(struct input *in)
{
    unsigned int k = take(in, 1), n = 0;
    uint64_t before, calls;

    switch ( k % 4 )
    {
    case 0:
        /* A resume's map calls map at most the budget each. */
        before = mapped_bytes();
        calls = xecam_user_map_calls(GUEST);
        (void)xecam_vcpu_resume(d, (k >> 2) & 3);
        calls = xecam_user_map_calls(GUEST) - calls;
        CHECK(!budget || mapped_bytes() <= before + calls * budget);
        break;
    case 1:
        settle();
        remember();
        check_settled();
        break;
    case 2:
        set_budget((uint64_t)((k >> 2) & 0x3f) << 12);
        break;
    default:
        if ( assigned )
        {
            while ( xecam_deassign_device(d, GFN) == -ERESTART )
                CHECK(++n < 100000);
            assigned = false;
        }
        else
        {
            CHECK(!xecam_assign_device(d, GFN, HOST, 0));
            assigned = true;
        }
        reassigned++;
        break;
    }
}

/* ---- The host, kept; the guest, made for every input ---- */

static void setup(void)
{
    static bool built;
    struct xen_hvm_ecam_space w = {
        .domid = GUEST, .segment = 0, .start_bus = 0, .end_bus = 255,
        .base = BASE,
    };
    uint8_t cfg[XECAM_CFG_SIZE];
    unsigned int b;

    if ( !built )
    {
        xecam_user_reset();
        xecam_user_domain_privileged(0);
        fz_endpoint(cfg);
        cfg[0x04] = 0x02;                   /* the host's decode is on */
        for ( b = 0; b < NBAR; b++ )
        {
            uint64_t h = bars[b].host | (bars[b].is64 ? 0x4 : 0);

            memcpy(&cfg[bars[b].reg], &h, bars[b].is64 ? 8 : 4);
        }
        CHECK(!xecam_user_pdev_add(HOST, cfg, sizeof(cfg)));
        CHECK(!xecam_user_pdev_bar(HOST, 0, bars[0].size));
        CHECK(!xecam_user_pdev_bar(HOST, 1, bars[1].size));
        CHECK(!xecam_user_pdev_bar(HOST, 2, bars[2].size));
        CHECK(!xecam_user_pdev_owner(HOST, GUEST));
        built = true;
    }
    CHECK(!xecam_user_domain_add(GUEST, 0, &d));
    CHECK(!xecam_user_p2m_add(GUEST, 0, 0x80000000ULL));
    xecam_user_set_current(0);
    CHECK(!xecam_user_hvm_op(HVMOP_set_ecam_space, &w));
    CHECK(!xecam_assign_device(d, GFN, HOST, 0));
    assigned = true;
    reassigned = 0;
    xecam_user_log_ratelimit(10, 5000);
    memset(nr_hist, 0, sizeof(nr_hist));
    remember();
}

static void teardown(void)
{
    xecam_user_domain_remove(GUEST);
    xecam_user_log_clear();
    xecam_user_events_clear();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { .p = data, .left = size };
    unsigned int steps = 0;

    setup();
    set_budget((uint64_t)(take(&in, 1) & 0x3f) << 12);
    while ( in.left && steps++ < MAX_STEPS )
    {
        switch ( take(&in, 1) % 4 )
        {
        case 0:  op_bar(&in); break;
        case 1:  op_command(&in); break;
        default: op_host(&in); break;
        }
        remember();
        check_always();
        CHECK(xecam_user_log_lines() <= MAX_LOG + reassigned);
    }
    settle();
    remember();
    check_always();
    check_settled();
    teardown();

    return 0;
}
