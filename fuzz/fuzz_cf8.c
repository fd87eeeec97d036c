/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz configuration mechanism #1: sequences of port reads and writes of
 * any size at 0xcf0-0xd07 (CONFIG_ADDRESS, CONFIG_DATA and neighbours),
 * with fuzzed values, on a domain with or without XECAM_DOMF_CF8_EXT and
 * XECAM_DOMF_PARTIAL_MF.  The domain has a few vPCI devices backed by host
 * functions with known patterns, some of them functions 1-7 of a slot
 * without function 0, and an ioreq server on segment 0 whose device model
 * (the port's inline one: it answers in the vcpu's thread) answers every
 * request with data derived from the request.
 *
 * A reference model tracks the CONFIG_ADDRESS latch and predicts every
 * read: the latch as it reads back (enable, bus, device, function, dword
 * register, and bits 27:24 only with CF8_EXT); for CONFIG_DATA, all-ones
 * when the port or size is not ours, when the enable bit is clear or when
 * the access is misaligned, else the vPCI device's pattern bytes, the
 * device model's answer, or all-ones for a function nobody serves.  After
 * every step, also:
 *
 *  - the counters moved as predicted; a bad access is counted only when a
 *    configuration cycle would have been made;
 *  - the device model was asked exactly when predicted, with the register
 *    (bits 11:8 included), size, direction and data of the access;
 *  - a CONFIG_DATA read of a function agrees with an ECAM read of it;
 *  - no write reached a host device, and the log stays bounded.
 *
 * Built with libFuzzer (make fuzz) or as a reproducer that runs files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/hvm/ecam_op.h>
#include <xecam/pci.h>
#include <xecam/user.h>
#include <xecam/vpci.h>

#include "harness.h"
#include "input.h"

#define GUEST      1
#define SERVER     1
#define BASE       0xe0000000ULL   /* segment 0, buses 0-255 */
#define MAX_STEPS  512
#define MAX_LOG    32

/* vPCI devices: guest bus/devfn, host function, pattern seed. */
static const struct {
    uint16_t bdf;
    uint32_t host;
    uint8_t seed;
} vdev[] = {
    { 0x0000, XECAM_SBDF(0, 0x80, 0, 0), 0x11 },   /* 00:00.0 */
    { 0x0008, XECAM_SBDF(0, 0x81, 0, 0), 0x22 },   /* 00:01.0 */
    { 0x000b, XECAM_SBDF(0, 0x82, 0, 0), 0x33 },   /* 00:01.3 */
    { 0x0015, XECAM_SBDF(0, 0x83, 0, 0), 0x44 },   /* 00:02.5, claimed too */
    { 0x03ff, XECAM_SBDF(0, 0x84, 0, 0), 0x55 },   /* 03:1f.7 */
};
#define NVDEV (sizeof(vdev) / sizeof(vdev[0]))

/* SBDF ranges the ioreq server claims; segment 1 is out of CF8's reach. */
static const struct {
    uint32_t start, end;
} claim[] = {
    { 0x00010, 0x0001f },           /* 00:02.0 - 00:03.7 */
    { 0x00100, 0x001ff },           /* bus 1 */
    { 0x0fff8, 0x0ffff },           /* ff:1f.x */
    { 0x10000, 0x100ff },           /* 0001:00:xx.x */
};
#define NCLAIM (sizeof(claim) / sizeof(claim[0]))

/* Functions CONFIG_ADDRESS is composed for; the last one comes as is. */
static const uint16_t targets[] = {
    0x0000, 0x0008, 0x000b, 0x0015, 0x03ff, 0x0010, 0x001f, 0x0100,
    0x01ff, 0xfff8, 0xffff, 0x0001, 0x0009, 0x0020, 0x0200,
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

/* ---- The device model: answers everything, reports what it saw. ---- */

struct dm_state {
    unsigned long calls;
    ioreq_t last;
    uint64_t salt;
};

static struct dm_state sh;

static uint64_t dm_data(uint64_t addr, uint32_t size, uint64_t salt)
{
    uint64_t x = addr ^ ((uint64_t)size << 52) ^ salt;

    x ^= x >> 31;
    x *= 0x9e3779b97f4a7c15ULL;
    x ^= x >> 29;

    return x;
}

static enum xecam_dm_answer dm_handler(void *opaque, ioreq_t *req)
{
    struct dm_state *st = opaque;

    st->calls++;
    st->last = *req;
    if ( req->dir == IOREQ_READ )       /* garbage in the upper bits too */
        req->data = dm_data(req->addr, req->size, st->salt);

    return XECAM_DM_ANSWER;
}

/* ---- The model. ---- */

static struct xecam_domain *d;
static unsigned int domflags;
static uint32_t latch;
static uint64_t salt;
static unsigned long dm_calls;

static uint32_t ones(unsigned int size)
{
    return size >= 4 ? ~0U : (1U << (8 * size)) - 1;
}

static uint32_t pattern(unsigned int reg, unsigned int size, uint8_t seed)
{
    uint32_t v = 0;
    unsigned int i;

    for ( i = 0; i < size; i++ )
        v |= (uint32_t)(uint8_t)((reg + i) * 7 + seed) << (8 * i);

    return v;
}

static int vdev_at(unsigned int bdf)
{
    unsigned int i;

    for ( i = 0; i < NVDEV; i++ )
        if ( vdev[i].bdf == bdf )
            return i;

    return -1;
}

/*
 * A vPCI function is visible with function 0 of its slot, or alone if the
 * domain allows partial multifunction slots.
 */
static bool vdev_visible(unsigned int bdf)
{
    return !(bdf & 7) || (domflags & XECAM_DOMF_PARTIAL_MF) ||
           vdev_at(bdf & ~7U) >= 0;
}

static bool claimed(uint32_t sbdf)
{
    unsigned int i;

    for ( i = 0; i < NCLAIM; i++ )
        if ( sbdf >= claim[i].start && sbdf <= claim[i].end )
            return true;

    return false;
}

/* What CONFIG_ADDRESS keeps of a write. */
static uint32_t latch_of(uint32_t val)
{
    uint32_t keep = 0x80000000U     /* enable */
                  | 0x00ff0000U     /* bus */
                  | 0x0000f800U     /* device */
                  | 0x00000700U     /* function */
                  | 0x000000fcU;    /* dword register */

    if ( domflags & XECAM_DOMF_CF8_EXT )
        keep |= 0x0f000000U;        /* register bits 11:8 */

    return val & keep;
}

struct delta {
    unsigned long bad, to_vpci, to_ioreq, unclaimed, refused, calls;
};

/* A port access as the model sees it; returns what a read must give. */
static uint32_t model(unsigned int port, unsigned int size, bool write,
                      uint32_t val, struct delta *dl, bool *dispatched,
                      uint32_t *sbdf, unsigned int *reg)
{
    unsigned int bdf;
    int v;

    *dispatched = false;
    if ( port == XECAM_PCI_CF8 && size == 4 )
    {
        if ( write )
            latch = latch_of(val);
        return latch;
    }
    /* CONFIG_DATA is 0xcfc-0xcff, by bytes, words or dwords inside it. */
    if ( port < XECAM_PCI_CFC || port > XECAM_PCI_CFC + 3 || !size ||
         size > 4 || port + size > XECAM_PCI_CFC + 4 )
        return ones(size);
    if ( !(latch & 0x80000000U) )
        return ones(size);          /* no configuration cycle */
    *reg = ((latch >> 16) & 0xf00) | (latch & 0xfc) | (port & 3);
    if ( size == 3 || (*reg & (size - 1)) )
    {
        dl->bad++;
        return ones(size);
    }

    bdf = (latch >> 8) & 0xffff;
    *sbdf = bdf;                    /* segment 0 */
    *dispatched = true;
    v = vdev_at(bdf);
    if ( v >= 0 && vdev_visible(bdf) )
    {
        dl->to_vpci++;
        dl->refused += write;
        return pattern(*reg, size, vdev[v].seed);
    }
    if ( v < 0 && claimed(bdf) )
    {
        dl->to_ioreq++;
        dl->calls++;
        return dm_data(((uint64_t)bdf << 32) | *reg, size, salt) &
               ones(size);
    }
    dl->unclaimed++;

    return ones(size);
}

static void check_stats(const struct xecam_stats *s0,
                        const struct xecam_stats *s1, const struct delta *dl)
{
    CHECK(s1->bad_accesses - s0->bad_accesses == dl->bad);
    CHECK(s1->to_vpci - s0->to_vpci == dl->to_vpci);
    CHECK(s1->to_ioreq - s0->to_ioreq == dl->to_ioreq);
    CHECK(s1->unclaimed - s0->unclaimed == dl->unclaimed);
    CHECK(s1->refused - s0->refused == dl->refused);
    CHECK(s1->ioreq_failed == s0->ioreq_failed);
    CHECK(s1->accesses == s1->to_vpci + s1->to_ioreq + s1->unclaimed);
}

static void op(struct input *in)
{
    static const unsigned int cfc_size[4] = { 1, 2, 4, 3 };
    unsigned int k = take(in, 1), port, size, vcpu = (k >> 7) & 1, bdf;
    unsigned int reg = 0, junk;
    bool write, dispatched;
    struct xecam_stats s0, s1;
    struct delta dl = { 0 };
    uint32_t val = 0, got = 0x5a5a5a5a, want, sbdf = 0;
    uint64_t ecam;
    ioreq_t last;

    switch ( k & 3 )
    {
    case 0:                         /* CONFIG_ADDRESS */
        port = XECAM_PCI_CF8;
        size = 4;
        write = true;
        if ( k & 4 )
        {
            val = take(in, 4);
            break;
        }
        bdf = take(in, 1) % (NTARGETS + 1);
        bdf = bdf < NTARGETS ? targets[bdf] : take(in, 2);
        reg = take(in, 2) & 0xfff;
        junk = take(in, 1);         /* reserved bits, and enable */
        val = (junk & 0x80 ? 0 : 0x80000000U) | ((junk & 0x70U) << 24) |
              ((reg & 0xf00) << 16) | (bdf << 8) | (reg & 0xfc) | (junk & 3);
        break;
    case 1:                         /* CONFIG_DATA */
    case 2:
        port = XECAM_PCI_CFC + ((k >> 2) & 3);
        size = cfc_size[(k >> 4) & 3];
        write = (k & 3) == 2;
        if ( write )
            val = take(in, 4);
        break;
    default:                        /* anything around them */
        port = 0xcf0 + take(in, 1) % 0x18;
        size = (k >> 2) & 7;
        write = k & 0x20;
        if ( write )
            val = take(in, 4);
        break;
    }

    xecam_domain_stats(d, &s0);
    if ( write )
        xecam_pio_write(d, vcpu, port, size, val);
    else
        xecam_pio_read(d, vcpu, port, size, &got);
    xecam_domain_stats(d, &s1);
    want = model(port, size, write, val, &dl, &dispatched, &sbdf, &reg);

    if ( !write && got != want )
    {
        fprintf(stderr, "read of %#x size %u (CF8 %#x): %#x, expected %#x\n",
                port, size, latch, got, want);
        abort();
    }
    check_stats(&s0, &s1, &dl);

    CHECK(sh.calls == dm_calls + dl.calls);
    last = sh.last;
    dm_calls += dl.calls;
    if ( dl.calls )
    {
        CHECK(last.addr == (((uint64_t)sbdf << 32) | reg));
        CHECK(last.size == size && last.count == 1);
        CHECK(last.type == IOREQ_TYPE_PCI_CONFIG && !last.data_is_ptr);
        CHECK(last.dir == (write ? IOREQ_WRITE : IOREQ_READ));
        CHECK(last.data == (write ? val & ones(size) : ones(size)));
    }

    /* The same function and register through MMCONFIG reads the same. */
    if ( dispatched && !write )
    {
        ecam = 0x5a5a5a5a5a5a5a5aULL;
        xecam_mmio_read(d, vcpu, BASE + ((uint64_t)sbdf << 12) + reg, size,
                        &ecam);
        CHECK(ecam == want);
        CHECK(sh.calls == dm_calls + dl.calls);
        dm_calls += dl.calls;
    }
}

/*
 * One guest per combination of the domain flags, built with the first
 * input and kept: an input only reads their devices (the bare vPCI
 * functions refuse every write) and asks the device model, so what it
 * leaves behind is the CONFIG_ADDRESS latch, which the next input clears,
 * and counters, which the checks take as differences.  Guest i is
 * domain GUEST + i, with its own ioreq server and device model.
 */
#define NFLAGS 4                    /* CF8_EXT x PARTIAL_MF */

static struct xecam_domain *guest[NFLAGS];

static unsigned int flags_of(unsigned int i)
{
    return (i & 1 ? XECAM_DOMF_CF8_EXT : 0) |
           (i & 2 ? XECAM_DOMF_PARTIAL_MF : 0);
}

static void build(void)
{
    uint8_t cfg[XECAM_CFG_SIZE];
    struct xecam_user_dm *dm;
    struct xecam_vpci *dev;
    unsigned int g, i, j;

    xecam_user_reset();
    xecam_user_log_ratelimit(10, 5000);
    xecam_user_ioreq_timeout(5000);     /* the device model always answers */
    xecam_user_domain_privileged(0);
    for ( i = 0; i < NVDEV; i++ )
    {
        for ( j = 0; j < sizeof(cfg); j++ )
            cfg[j] = (uint8_t)(j * 7 + vdev[i].seed);
        CHECK(!xecam_user_pdev_add(vdev[i].host, cfg, sizeof(cfg)));
    }
    for ( g = 0; g < NFLAGS; g++ )
    {
        struct xen_hvm_ecam_space w = {
            .domid = GUEST + g, .segment = 0, .start_bus = 0, .end_bus = 255,
            .base = BASE,
        };

        CHECK(!xecam_user_domain_add(GUEST + g, flags_of(g), &guest[g]));
        xecam_user_set_current(0);
        CHECK(!xecam_user_hvm_op(HVMOP_set_ecam_space, &w));
        for ( i = 0; i < NVDEV; i++ )
        {
            CHECK(!xecam_vpci_create(vdev[i].host, &dev));
            CHECK(!xecam_route_add_vpci(guest[g], vdev[i].bdf, dev));
        }
        CHECK(!xecam_ioreq_server_create(guest[g], SERVER));
        for ( i = 0; i < NCLAIM; i++ )
            CHECK(!xecam_ioreq_map_range(guest[g], SERVER, claim[i].start,
                                         claim[i].end));
        CHECK(!xecam_user_dm_start_inline(GUEST + g, SERVER, dm_handler,
                                          &sh, &dm));
    }
}

/* The guest the input picks, as the model starts from it. */
static void setup(struct input *in)
{
    static bool built;
    unsigned int g = take(in, 1) & (NFLAGS - 1);

    if ( !built )
    {
        build();
        built = true;
    }
    d = guest[g];
    domflags = flags_of(g);
    xecam_user_log_clear();
    xecam_pio_write(d, 0, XECAM_PCI_CF8, 4, 0);
    latch = 0;
    salt = take(in, 2) * 0x0001000100010001ULL;
    dm_calls = sh.calls;
    sh.salt = salt;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { .p = data, .left = size };
    unsigned int steps = 0;

    setup(&in);
    while ( in.left && steps++ < MAX_STEPS )
    {
        op(&in);
        CHECK(!xecam_user_pdev_writes());
        CHECK(xecam_user_log_lines() <= MAX_LOG);
    }
    xecam_user_log_clear();     /* freed within the input: no leak re-run */

    return 0;
}
