/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz the MSI-X table and PBA of a passed-through function
 * (vpci/msix_table.c, the traps of hvm/trap.c, the bindings of the
 * userspace port's irq.c).  The input gives the device: its BARs (type,
 * size), one or two MSI-X capabilities with their table size (up to 2048
 * entries), table and PBA BIR and offsets, hostile ones included (sharing a
 * page, overlapping, at or past a BAR's end, naming an I/O BAR or a 64-bit
 * BAR's upper half), then a sequence of steps: guest accesses of any size
 * and alignment in and around the BARs, config writes (MSI-X control, BARs,
 * Command: map, move, unmap), the device raising entries, an armed host
 * failure (XECAM_FAULT_HOOK, XECAM_FAULT_MAP), deassignment and assignment
 * again.  A model of the guest's entries and of what the host was told
 * (its events) says, after every step:
 *
 *  - a read of the table returns what the guest last wrote there (address
 *    bits 1:0 and Vector Control bits 31:1 read 0), or all-ones for a size
 *    or alignment other than an aligned 4 or 8 bytes; a read of the PBA
 *    returns the device's pending bits; no write reaches the device's
 *    table or PBA, and the guest never gets a mapping of their pages;
 *  - exactly the pages holding the table and PBA of a mapped BAR are
 *    trapped (xecam_mmio_accept), nothing else, and nothing once deassigned;
 *  - nothing is bound unless MSI-X is enabled; an entry the guest unmasked
 *    with MSI-X on and the function unmasked is bound; every bound entry
 *    that the guest left unmasked carries the guest's message, host-
 *    unmasked; every bound entry the guest masked is host-masked; a raised
 *    entry is delivered only then, with that message, else left pending.
 *    One host failure may leave one entry behind, until the guest writes it;
 *  - after deassignment nothing is bound;
 *  - no write reaches the device's MSI-X capability registers;
 *  - the lock checker (aborts by default) never fires.
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

#define GUEST       1
#define BASE        0xe0000000ULL       /* the window: buses 0-255 */
#define WIN_END     (BASE + (256ULL << 20))
#define RAM_END     0x80000000ULL       /* guest RAM below 2 GiB */
#define HOST        XECAM_SBDF(0, 0x30, 0, 0)
#define GFN         XECAM_SBDF(0, 0, 3, 0)
#define CFG(reg)    (BASE + (3ULL << 15) + (reg))
#define NR_BARS     6
#define MAX_NR      2048
#define MAX_STEPS   256
#define MAX_HOLES   4                   /* two capabilities, two parts */
#define MAX_SEEN    32                  /* trapped places remembered */
#define PORT_VECS   512                 /* port/user/irq.c's MAX_VECS */
#define PORT_EVENTS 1024                /* port/user/hooks.c's MAX_EVENTS */
#define PAGE        0x1000ULL
#define ENABLE      0x8000U
#define MASKALL     0x4000U

enum kind { K_NONE, K_MEM32, K_MEM64, K_IO };

struct bar {
    enum kind kind;
    uint64_t size, host;            /* the device's own */
    unsigned int nr_holes;
    struct { uint64_t start, end; } hole[MAX_HOLES];
    uint64_t at;                    /* the guest's address, as it reads */
    bool mapped;                    /* its MSI-X pages trapped at 'at' */
};

struct cap {
    unsigned int off;
    uint16_t ctrl;
    uint32_t table, pba;
};

/* Bitmaps over the entries (and a PBA qword past them). */
#define WORDS ((MAX_NR + 64) / 64)
struct set {
    uint64_t w[WORDS];
};

static bool has(const struct set *s, unsigned int i)
{
    return s->w[i / 64] >> (i % 64) & 1;
}

static void put(struct set *s, unsigned int i, bool on)
{
    if ( on )
        s->w[i / 64] |= 1ULL << (i % 64);
    else
        s->w[i / 64] &= ~(1ULL << (i % 64));
}

static struct xecam_domain *d;

/* The device, as the input made it. */
static struct bar bar[NR_BARS];
static struct cap cap[2];
static unsigned int nr_caps;
static int emu;                     /* the emulated capability, or -1 */
static unsigned int nr, tbir, pbir;
static uint64_t toff, poff, tlen, plen;
static bool pba_checked;            /* the port's PBA is the guest's */

/* The guest's entries, and what the host was told. */
static uint32_t g[MAX_NR][4];
static unsigned int used[MAX_NR], nr_used;  /* ever unmasked */
static struct set unmasked_ever, exempt, pending, vec_made, msg_known;
static unsigned int nr_vecs;
static uint64_t haddr_of[MAX_NR];
static uint32_t hdata_of[MAX_NR];
static bool host_on, host_known;    /* MSI-X control as the host has it */
static bool assigned, lost;         /* lost: the model cannot follow */
static bool fault_armed;
static uint64_t seen[MAX_SEEN];
static unsigned int nr_seen;

/* The last XECAM_EV_IRQ delivered by a raise, and BAR writes. */
static bool irq_seen;
static uint64_t irq_addr;
static uint32_t irq_data;
static unsigned int bar_writes;

static uint64_t ones(unsigned int size)
{
    return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* ---- The device ---- */

static bool in_bar(unsigned int bir, uint64_t off, uint64_t len)
{
    const struct bar *b = bir < NR_BARS ? &bar[bir] : NULL;

    return b && (b->kind == K_MEM32 || b->kind == K_MEM64) &&
           off < b->size && len <= b->size - off;
}

static void add_hole(unsigned int bir, uint64_t off, uint64_t len)
{
    struct bar *b = &bar[bir];
    uint64_t start = off & ~(PAGE - 1);
    uint64_t end = (off + len + PAGE - 1) & ~(PAGE - 1);

    if ( b->nr_holes < MAX_HOLES )
    {
        b->hole[b->nr_holes].start = start;
        b->hole[b->nr_holes++].end = end < b->size ? end : b->size;
    }
}

static bool in_hole(const struct bar *b, uint64_t off)
{
    unsigned int i;

    for ( i = 0; i < b->nr_holes; i++ )
        if ( off >= b->hole[i].start && off < b->hole[i].end )
            return true;

    return false;
}

/* An offset of the BAR the device's size would have (see in_bar()). */
static uint64_t fuzz_off(struct input *in, unsigned int bir, uint64_t other)
{
    unsigned int mode = take(in, 1);
    uint64_t raw = take(in, 4);
    uint64_t size = bir < NR_BARS ? bar[bir].size : 0;

    switch ( mode & 3 )
    {
    case 0:
        return raw;
    case 1:
        return size ? raw % size : raw;
    case 2:
        return size - 8 * (raw & 0x3ff);
    default:
        return other + 8 * (int16_t)raw;
    }
}

static void make_cap(struct input *in, struct cap *c, unsigned int off)
{
    uint32_t tb, pb;
    uint64_t t;

    c->off = off;
    c->ctrl = take(in, 2);
    if ( !(c->ctrl & 0x3800) )
        c->ctrl &= 0x7ff;           /* usually no stray bits */
    tb = take(in, 1) & 7;
    t = fuzz_off(in, tb, 0);
    pb = take(in, 1) & 7;
    c->table = (t & ~7U) | tb;
    c->pba = (fuzz_off(in, pb, t + 16ULL * ((c->ctrl & 0x7ff) + 1)) & ~7U) |
             pb;
}

/* The device's config space and BARs, from the input. */
static void make_device(struct input *in, bool dup, bool high)
{
    uint8_t cfg[XECAM_CFG_SIZE] = { 0x86, 0x80, 0x34, 0x12 };
    uint64_t size[NR_BARS] = { 0 };
    unsigned int i, j, t, lg;
    uint32_t lo;

    memset(bar, 0, sizeof(bar));
    for ( i = 0; i < NR_BARS; i++ )
    {
        struct bar *b = &bar[i];

        t = take(in, 1);
        lg = t >> 2;
        switch ( t & 3 )
        {
        case 0:
            continue;
        case 1:
            b->kind = K_MEM32;
            b->size = 1ULL << (4 + lg % 25);
            b->host = 0x80000000ULL + i * 0x10000000ULL;
            lo = b->host;
            break;
        case 2:
            b->kind = i < 5 ? K_MEM64 : K_NONE;
            b->size = 1ULL << (4 + lg % 36);
            b->host = (i + 1ULL) << 40;
            lo = 0x4;
            break;
        default:
            b->kind = K_IO;
            b->size = 1ULL << (2 + lg % 7);
            b->host = 0x1000 * (i + 1);
            lo = b->host | 1;
            break;
        }
        memcpy(&cfg[0x10 + 4 * i], &lo, 4);
        size[i] = b->size;
        if ( b->kind == K_NONE )
            b->size = 0;            /* a 64-bit BAR in the last slot */
        if ( (t & 3) == 2 && i < 5 )
        {
            lo = b->host >> 32;
            memcpy(&cfg[0x14 + 4 * i], &lo, 4);
            i++;                    /* the upper half: no BAR of its own */
        }
    }

    nr_caps = dup ? 2 : 1;
    make_cap(in, &cap[0], high ? 0xf4 : 0x40);
    if ( dup )
        make_cap(in, &cap[1], 0x50);
    cfg[0x06] = 0x10;
    cfg[0x34] = cap[0].off;
    for ( i = 0; i < nr_caps; i++ )
    {
        cfg[cap[i].off] = 0x11;
        cfg[cap[i].off + 1] = i + 1 < nr_caps ? cap[i + 1].off : 0;
        memcpy(&cfg[cap[i].off + 2], &cap[i].ctrl, 2);
        memcpy(&cfg[cap[i].off + 4], &cap[i].table, 4);
        memcpy(&cfg[cap[i].off + 8], &cap[i].pba, 4);
    }
    xecam_user_pdev_add(HOST, cfg, sizeof(cfg));
    for ( i = 0; i < NR_BARS; i++ )
        xecam_user_pdev_bar(HOST, i, size[i]);

    /* Which capability is emulated, and the holes of every valid part. */
    emu = -1;
    for ( i = 0; i < nr_caps; i++ )
    {
        unsigned int n = (cap[i].ctrl & 0x7ff) + 1;
        bool t_ok = in_bar(cap[i].table & 7, cap[i].table & ~7U, 16ULL * n);
        bool p_ok = in_bar(cap[i].pba & 7, cap[i].pba & ~7U,
                           8ULL * ((n + 63) / 64));

        if ( t_ok )
            add_hole(cap[i].table & 7, cap[i].table & ~7U, 16ULL * n);
        if ( p_ok )
            add_hole(cap[i].pba & 7, cap[i].pba & ~7U, 8ULL * ((n + 63) / 64));
        if ( emu < 0 && t_ok && p_ok )
            emu = i;
    }
    if ( emu < 0 )
        return;
    j = emu;
    nr = (cap[j].ctrl & 0x7ff) + 1;
    tbir = cap[j].table & 7;
    toff = cap[j].table & ~7U;
    tlen = 16ULL * nr;
    pbir = cap[j].pba & 7;
    poff = cap[j].pba & ~7U;
    plen = 8ULL * ((nr + 63) / 64);
    /* The port finds its PBA through the first capability. */
    pba_checked = emu == 0;
}

/* ---- The guest ---- */

static uint64_t cfg_rd(unsigned int reg, unsigned int size)
{
    uint64_t v = 0;

    xecam_mmio_read(d, 0, CFG(reg), size, &v);

    return v;
}

static void settle(void)
{
    unsigned int n = 0;

    while ( xecam_vcpu_resume(d, 0) )
        CHECK(++n < 100000);        /* no work hangs (see preempt_step) */
}

static void cfg_wr(unsigned int reg, unsigned int size, uint32_t v)
{
    xecam_mmio_write(d, 0, CFG(reg), size, v);
    settle();
}

static bool in_window(uint64_t gpa)
{
    return gpa >= BASE && gpa < WIN_END;
}

static bool trap_bar(unsigned int i)
{
    return emu >= 0 && (i == tbir || i == pbir) && bar[i].nr_holes;
}

/* Is gpa a trapped page of a mapped BAR?  Which BAR, what offset. */
static bool model_trapped(uint64_t gpa, unsigned int *bi, uint64_t *off)
{
    unsigned int i;

    for ( i = 0; i < NR_BARS; i++ )
        if ( bar[i].mapped && gpa >= bar[i].at &&
             gpa - bar[i].at < bar[i].size &&
             in_hole(&bar[i], gpa - bar[i].at) )
        {
            *bi = i;
            *off = gpa - bar[i].at;
            return true;
        }

    return false;
}

static void remember(uint64_t gpa)
{
    unsigned int i;

    for ( i = 0; i < nr_seen; i++ )
        if ( seen[i] == gpa )
            return;
    if ( nr_seen < MAX_SEEN )
        seen[nr_seen++] = gpa;
}

/*
 * Some page of the BAR that is no hole: the port maps it when placed.  The
 * first such page is at 0 or where a hole ends, whatever the holes' order.
 */
static bool unholed(const struct bar *b)
{
    unsigned int i;

    if ( !in_hole(b, 0) )
        return b->size > 0;
    for ( i = 0; i < b->nr_holes; i++ )
        if ( b->hole[i].end < b->size && !in_hole(b, b->hole[i].end) )
            return true;

    return false;
}

/* Does the guest have a mapping of the BAR's host pages? */
static bool host_mapped(const struct bar *b)
{
    struct xecam_user_mapping map[64];
    unsigned int n = xecam_user_mappings(GUEST, map, 64), i;

    for ( i = 0; i < n && i < 64; i++ )
        if ( !map[i].io && map[i].haddr >= b->host &&
             map[i].haddr - b->host < b->size )
            return true;

    return false;
}

static bool trapped_at(uint64_t gpa)
{
    return !in_window(gpa) && xecam_mmio_accept(d, gpa);
}

static uint64_t vague_at, vague_len;    /* which BAR is placed here? */

/*
 * Is BAR i placed (mapped, its MSI-X pages trapped)?  Placed BARs never
 * overlap: the first placed wins (vpci/work.c), which the model cannot
 * know, so it asks.  A BAR with a page that is no hole is placed if that
 * page is mapped.  One that is all holes is trapped end to end when
 * placed; of two such that overlap, only the larger can be, and of two
 * the same, the model cannot say which (vague_at, vague_len).
 */
static bool placed(unsigned int i)
{
    const struct bar *b = &bar[i];
    unsigned int j;

    if ( !trap_bar(i) || b->at + b->size < b->at ||
         !trapped_at(b->at + b->hole[0].start) )
        return false;
    if ( unholed(b) )
        return host_mapped(b);
    if ( !trapped_at(b->at) || !trapped_at(b->at + b->size - 1) )
        return false;
    for ( j = 0; j < NR_BARS; j++ )
    {
        const struct bar *o = &bar[j];

        if ( j == i || !trap_bar(j) ||
             !fz_overlaps(b->at, b->size, o->at, o->size) )
            continue;
        if ( unholed(o) ? host_mapped(o) : o->size > b->size )
            return false;
        if ( o->size == b->size && o->at == b->at )
        {
            vague_at = b->at;
            vague_len = b->size;
        }
    }

    return true;
}

/* The BARs' guest addresses as the guest reads them, and which are mapped. */
static void read_bars(void)
{
    unsigned int i;
    uint32_t lo;

    vague_len = 0;
    for ( i = 0; i < NR_BARS; i++ )
    {
        struct bar *b = &bar[i];

        b->at = 0;
        b->mapped = false;
        if ( b->kind == K_NONE || !assigned )
            continue;
        lo = cfg_rd(0x10 + 4 * i, 4);
        if ( b->kind == K_IO )
            b->at = lo & ~3U;
        else
            b->at = (lo & ~0xfULL) |
                    (b->kind == K_MEM64 ? cfg_rd(0x14 + 4 * i, 4) << 32 : 0);
    }
    for ( i = 0; i < NR_BARS; i++ )
    {
        struct bar *b = &bar[i];

        if ( b->kind == K_NONE || !assigned || !placed(i) )
            continue;
        b->mapped = true;
        remember(b->at + b->hole[0].start);
        CHECK(cfg_rd(0x04, 2) & 0x2);   /* only while decoding */
        CHECK(b->at && b->at >= RAM_END);
    }
}

/* Trapped exactly where the model says (windows aside). */
static void check_trap(uint64_t gpa)
{
    unsigned int bi;
    uint64_t off;

    if ( in_window(gpa) || gpa - vague_at < vague_len )
        return;
    CHECK(xecam_mmio_accept(d, gpa) == model_trapped(gpa, &bi, &off));
}

/* ---- What the host was told ---- */

static void made_vec(unsigned int i)
{
    if ( !has(&vec_made, i) )
    {
        put(&vec_made, i, true);
        if ( ++nr_vecs >= PORT_VECS )
            lost = true;            /* the port's table may be full */
    }
}

static bool g_masked(unsigned int i);
static uint64_t g_addr(unsigned int i);
static uint32_t guest_ctrl(void);

/* A message the device sent on its own (a pending one, let go). */
static void check_irq(unsigned int i, uint64_t addr, uint32_t data)
{
    if ( !assigned || lost || has(&exempt, i) ||
         (fault_armed && xecam_user_fault_fired()) )
        return;
    CHECK((guest_ctrl() & (ENABLE | MASKALL)) == ENABLE && !g_masked(i));
    CHECK(addr == g_addr(i) && data == g[i][2]);
}

static void events(void)
{
    struct xecam_user_event ev[PORT_EVENTS];
    unsigned int n = xecam_user_events(ev, PORT_EVENTS), i;

    if ( n == PORT_EVENTS )
        lost = true;                /* some may have been dropped */
    irq_seen = false;
    bar_writes = 0;
    for ( i = 0; i < n; i++ )
    {
        const struct xecam_user_event *e = &ev[i];

        CHECK(e->sbdf == HOST || e->kind == XECAM_EV_IRQ_MASK);
        switch ( e->kind )
        {
        case XECAM_EV_MSIX_BIND:
            CHECK(e->count < nr);
            CHECK(!e->enable);      /* bound only unmasked */
            haddr_of[e->count] = e->addr;
            hdata_of[e->count] = e->data;
            put(&msg_known, e->count, true);
            made_vec(e->count);
            break;
        case XECAM_EV_IRQ:
            CHECK(e->enable);       /* MSI-X: MSI is never on here */
            put(&pending, e->count, false);
            irq_seen = true;
            irq_addr = e->addr;
            irq_data = e->data;
            check_irq(e->count, e->addr, e->data);
            break;
        case XECAM_EV_MSIX:
            host_on = e->enable;
            host_known = true;
            break;
        case XECAM_EV_BAR_WRITE:
            bar_writes++;
            /* Never into the device's own table or PBA. */
            CHECK(emu < 0 ||
                  (!fz_overlaps(e->addr, e->count, bar[tbir].host + toff,
                                tlen) &&
                   !fz_overlaps(e->addr, e->count, bar[pbir].host + poff,
                                plen)));
            break;
        case XECAM_EV_MSI_BIND:
            CHECK(0);               /* no MSI capability */
            break;
        default:
            break;
        }
    }
    xecam_user_events_clear();
}

/* No write reached the device's MSI-X registers. */
static void check_config(void)
{
    struct xecam_user_pci_write log[64];
    unsigned int n = xecam_user_pdev_log(HOST, log, 64), i, c;
    uint8_t now[12], was[12];

    for ( c = 0; c < nr_caps; c++ )
    {
        for ( i = 0; i < n; i++ )
            CHECK(!fz_overlaps(log[i].reg, log[i].size, cap[c].off, 12));
        memset(was, 0, sizeof(was));
        was[0] = 0x11;
        was[1] = c + 1 < nr_caps ? cap[c + 1].off : 0;
        memcpy(&was[2], &cap[c].ctrl, 2);
        memcpy(&was[4], &cap[c].table, 4);
        memcpy(&was[8], &cap[c].pba, 4);
        CHECK(!xecam_user_pdev_peek(HOST, cap[c].off, now, 12));
        CHECK(!memcmp(now, was, 12));
    }
    xecam_user_pdev_log_clear();
}

/* The guest never gets a mapping of the pages of a hole. */
static void check_mappings(void)
{
    struct xecam_user_mapping map[64];
    unsigned int n = xecam_user_mappings(GUEST, map, 64), i, b, h;

    CHECK(assigned || !n);
    for ( i = 0; i < n && i < 64; i++ )
        for ( b = 0; !map[i].io && b < NR_BARS; b++ )
            for ( h = 0; h < bar[b].nr_holes; h++ )
                CHECK(!fz_overlaps(map[i].haddr, map[i].size,
                                   bar[b].host + bar[b].hole[h].start,
                                   bar[b].hole[h].end -
                                   bar[b].hole[h].start));
}

static bool g_masked(unsigned int i)
{
    return g[i][3] & 1;
}

static uint64_t g_addr(unsigned int i)
{
    return ((uint64_t)g[i][1] << 32) | g[i][0];
}

/*
 * Does entry i's binding disagree with the guest's view?  'on' and
 * 'maskall': the guest's MSI-X control.
 */
static bool entry_wrong(unsigned int i, bool on, bool maskall)
{
    int hm = xecam_user_irq_masked(HOST, true, i);
    bool bound = hm >= 0;

    if ( !on )
        return bound;
    if ( !bound )
        return !maskall && !g_masked(i);
    if ( g_masked(i) )
        return hm != 1;

    return hm != 0 || !has(&msg_known, i) || haddr_of[i] != g_addr(i) ||
           hdata_of[i] != g[i][2];
}

static uint32_t guest_ctrl(void)
{
    return emu >= 0 && assigned ? cfg_rd(cap[emu].off + 2, 2) : 0;
}

/* After every step. */
static void check(void)
{
    bool fired = fault_armed && xecam_user_fault_fired();
    unsigned int i, wrong = 0, bound = 0;
    uint32_t ctrl;
    bool on;

    settle();
    events();
    if ( fired )
    {
        fault_armed = false;
        xecam_user_fault_arm(0, 0);
    }
    check_config();
    check_mappings();
    read_bars();
    for ( i = 0; i < nr_seen; i++ )
        check_trap(seen[i]);
    if ( !assigned || emu < 0 )
    {
        CHECK(!xecam_user_irq_bound(HOST, true));
        return;
    }

    ctrl = guest_ctrl();
    on = ctrl & ENABLE;
    if ( !on )
        CHECK(!xecam_user_irq_bound(HOST, true));
    if ( host_known )
        CHECK(host_on == on);
    for ( i = 0; i < nr_used; i++ )
    {
        unsigned int e = used[i];

        bound += xecam_user_irq_masked(HOST, true, e) >= 0;
        if ( has(&exempt, e) || lost || !entry_wrong(e, on, ctrl & MASKALL) )
            continue;
        /* One failure of the host leaves at most one entry behind. */
        CHECK(fired && !wrong++);
        put(&exempt, e, true);
    }
    /* What the guest never unmasked is never bound. */
    CHECK(bound == xecam_user_irq_bound(HOST, true));
}

/* ---- Steps ---- */

/* The guest's table back to reset: every entry masked and zero. */
static void reset_entries(void)
{
    unsigned int i;

    for ( i = 0; i < nr_used; i++ )
        put(&unmasked_ever, used[i], false);
    nr_used = 0;
    memset(g, 0, sizeof(g[0]) * nr);
    for ( i = 0; i < nr; i++ )
        g[i][3] = 1;
    memset(&exempt, 0, sizeof(exempt));
}

/* The guest's write of word w of entry i, as the table keeps it. */
static void g_write(unsigned int i, unsigned int w, uint32_t v)
{
    static const uint32_t keep[] = { ~3U, ~0U, ~0U, 1 };

    v &= keep[w];
    if ( g[i][w] == v )
        return;
    g[i][w] = v;
    put(&exempt, i, false);     /* the module tries again */
    if ( !g_masked(i) && !has(&unmasked_ever, i) )
    {
        put(&unmasked_ever, i, true);
        used[nr_used++] = i;
    }
}

static void access(uint64_t gpa, unsigned int size, bool write, uint64_t val)
{
    enum { R_TABLE, R_PBA, R_DEVICE, R_BAD } r = R_BAD;
    bool aligned, trapped, fired;
    unsigned int bi = 0, k;
    uint64_t off = 0, v = 0x5a5a5a5a5a5a5a5aULL, want;

    check_trap(gpa);
    trapped = !in_window(gpa) && model_trapped(gpa, &bi, &off);
    if ( write )
        xecam_mmio_write(d, 0, gpa, size, val);
    else
        xecam_mmio_read(d, 0, gpa, size, &v);
    settle();
    if ( gpa - vague_at < vague_len )
        lost = true;            /* one of two BARs' pages: which? */
    if ( !trapped || lost )
        return;
    fired = fault_armed && xecam_user_fault_fired();

    aligned = (size == 1 || size == 2 || size == 4 || size == 8) &&
              !(off & (size - 1));
    if ( bi == tbir && off >= toff && off - toff < tlen )
        r = aligned && size >= 4 ? R_TABLE : R_BAD;
    else if ( bi == pbir && off >= poff && off - poff < plen )
        r = aligned && size >= 4 ? R_PBA : R_BAD;
    else if ( aligned && nr_caps == 1 )     /* a second table: nothing */
        r = off + size <= bar[bi].size ? R_DEVICE : R_BAD;

    if ( write )
    {
        if ( r == R_TABLE )
        {
            k = (off - toff) / 16;
            g_write(k, (off - toff) % 16 / 4, val);
            if ( size == 8 )
                g_write(k, (off - toff) % 16 / 4 + 1, val >> 32);
        }
        events();
        /* Only what is the device's reaches it, once. */
        CHECK(bar_writes == (r == R_DEVICE) || (fired && !bar_writes));
        return;
    }
    switch ( r )
    {
    case R_TABLE:
        k = (off - toff) / 16;
        want = g[k][(off - toff) % 16 / 4];
        if ( size == 8 )
            want |= (uint64_t)g[k][(off - toff) % 16 / 4 + 1] << 32;
        CHECK(v == want);
        break;
    case R_PBA:
        want = 0;
        for ( k = 0; k < 8 * size; k++ )
            want |= (uint64_t)has(&pending, 8 * (off - poff) + k) << k;
        if ( fired )
            CHECK(v == want || v == ones(size));
        else if ( pba_checked && !lost )
            CHECK(v == want);
        break;
    case R_DEVICE:
        CHECK(!(v & ~ones(size)));
        break;
    case R_BAD:
        CHECK(v == ones(size));
        break;
    }
}

/* An address in or around a BAR, near what matters there. */
static uint64_t fuzz_gpa(struct input *in)
{
    unsigned int b = take(in, 1), a = take(in, 1);
    const struct bar *p = &bar[b % NR_BARS];
    int64_t delta = (int8_t)take(in, 1);
    uint64_t anchor;

    switch ( a % 10 )
    {
    case 0:  anchor = toff; break;
    case 1:  anchor = toff + tlen; break;
    case 2:  anchor = poff; break;
    case 3:  anchor = poff + plen; break;
    case 4:  anchor = p->nr_holes ? p->hole[a / 16 % p->nr_holes].start : 0;
             break;
    case 5:  anchor = p->nr_holes ? p->hole[a / 16 % p->nr_holes].end : 0;
             break;
    case 6:  anchor = p->size; break;
    case 7:  anchor = 16ULL * (take(in, 2) % (nr ? nr : 1)); break;
    case 8:  anchor = take(in, 4); break;
    default: return take(in, 8);
    }
    if ( b & 0x80 )
        delta *= 8;

    return p->at + anchor + delta;
}

static const unsigned int sizes[] = { 4, 8, 4, 8, 1, 2, 3, 0, 5, 16 };

static void op_access(struct input *in)
{
    unsigned int op = take(in, 1);
    uint64_t gpa = fuzz_gpa(in);

    access(gpa, sizes[(op >> 1) % 10], op & 1, op & 1 ? take(in, 8) : 0);
}

/* Entry i, whole, as a driver writes it. */
static void op_entry(struct input *in)
{
    unsigned int i = take(in, 2) % (nr ? nr : 1), how = take(in, 1);
    uint64_t at = bar[tbir].at + toff + 16ULL * i;
    uint32_t addr = 0xfee00000U | (take(in, 2) << 4), data = take(in, 2);
    uint32_t vc = how & 1;

    if ( how & 2 )
        addr = take(in, 4);
    if ( how & 4 )
    {
        access(at, 8, true, ((uint64_t)take(in, 1) << 32) | addr);
        access(at + 8, 8, true, ((uint64_t)vc << 32) | data);
    }
    else
    {
        access(at + 12, 4, true, 1);        /* masked while it changes */
        access(at, 4, true, addr);
        access(at + 4, 4, true, 0);
        access(at + 8, 4, true, data);
        access(at + 12, 4, true, vc);
    }
    if ( how & 8 )
        access(at, 8, false, 0);
}

static void op_ctrl(struct input *in)
{
    static const uint16_t vals[] = { ENABLE, 0, ENABLE | MASKALL, MASKALL };
    unsigned int how = take(in, 1), off;
    uint32_t v = how & 0x10 ? take(in, 2) : vals[how % 4];

    if ( emu < 0 )
        return;
    off = cap[emu].off;
    switch ( (how >> 2) & 3 )
    {
    case 0:  cfg_wr(off + 2, 2, v); break;
    case 1:  cfg_wr(off + 2 + (v & 1), 1, v >> 8); break;
    case 2:  cfg_wr(off + 3, 1, v >> 8); break;
    default: cfg_wr(off, 4, v << 16 | 0x11); break;
    }
}

/* Program BAR i (either half) and Command: map, move, unmap. */
static void op_bar(struct input *in)
{
    unsigned int how = take(in, 1), i = take(in, 1) % NR_BARS;
    uint32_t v;

    switch ( how & 7 )
    {
    case 0:  v = 0xc0000000U + (i << 24); break;
    case 1:  v = 0xd0000000U + (i << 24); break;
    case 2:  v = ~0U; break;
    case 3:  v = 0; break;
    default: v = take(in, 4); break;
    }
    if ( how & 0x08 )
        cfg_wr(0x04, 2, 0);             /* decode off first: a move */
    if ( how & 0x10 )
        cfg_wr(0x14 + 4 * i, 4, how & 0x20 ? take(in, 1) : 0);
    else
        cfg_wr(0x10 + 4 * i, 4, v);
    if ( how & 0x40 )
        cfg_wr(0x04, 2, 0x2 | (how >> 7));
}

static void op_raise(struct input *in)
{
    unsigned int i = take(in, 2) % (nr ? nr : 1);
    uint32_t ctrl;
    int rc;

    if ( emu < 0 )
        return;
    events();
    rc = xecam_user_irq_raise(HOST, true, i);
    events();
    if ( rc >= 0 )
        made_vec(i);
    if ( rc == 0 )
        put(&pending, i, true);
    CHECK(rc == 1 ? irq_seen : !irq_seen);
    if ( !assigned || lost || has(&exempt, i) )
        return;
    ctrl = guest_ctrl();
    if ( host_known )
        CHECK((rc == -ENOENT) == !host_on);
    if ( rc == 1 )
    {
        /* Delivered: only what the guest unmasked, its message. */
        CHECK((ctrl & (ENABLE | MASKALL)) == ENABLE && !g_masked(i));
        CHECK(irq_addr == g_addr(i) && irq_data == g[i][2]);
    }
    else if ( rc == 0 )
        CHECK((ctrl & (ENABLE | MASKALL)) != ENABLE || g_masked(i));
}

static void op_fault(struct input *in)
{
    unsigned int how = take(in, 1);
    unsigned int kinds = how & 1 ? XECAM_FAULT_MAP : XECAM_FAULT_HOOK;

    if ( how & 2 )
        kinds = XECAM_FAULT_MAP | XECAM_FAULT_HOOK;
    xecam_user_fault_arm(kinds, 1 + (how >> 2) % 16);
    fault_armed = true;
}

static void op_assign(void)
{
    unsigned int i;

    if ( assigned )
    {
        struct bar was[NR_BARS];
        int rc;

        memcpy(was, bar, sizeof(was));
        while ( (rc = xecam_deassign_device(d, GFN)) == -ERESTART )
            continue;
        CHECK(!rc);
        assigned = false;
        settle();
        events();
        CHECK(!xecam_user_irq_bound(HOST, true));
        /* Nothing trapped where the BARs were (two may share a place). */
        for ( i = 0; i < NR_BARS; i++ )
            bar[i].mapped = false;
        for ( i = 0; i < NR_BARS; i++ )
        {
            check_trap(was[i].at);
            check_trap(was[i].at + was[i].size - 1);
            if ( was[i].nr_holes )
            {
                check_trap(was[i].at + was[i].hole[0].start);
                check_trap(was[i].at + was[i].hole[0].end - 1);
            }
        }
        reset_entries();
    }
    else if ( !xecam_assign_device(d, GFN, HOST, 0) )
    {
        assigned = true;
        host_known = false;         /* as the last guest left it */
        reset_entries();
    }
}

/*
 * Bytes mapped per preemptible call: a page or a few, but at least a
 * 1/1024th of the largest BAR, so that a map or unmap of any BAR is done
 * in at most 1024 calls (a 64-bit BAR can be 512 GiB: 2^27 pages).
 */
static uint64_t preempt_step(unsigned int flags)
{
    uint64_t step = PAGE << ((flags >> 1) & 3), largest = 0;
    unsigned int i;

    for ( i = 0; i < NR_BARS; i++ )
        if ( bar[i].size > largest )
            largest = bar[i].size;

    return largest / 1024 > step ? largest / 1024 : step;
}

static void setup(struct input *in, unsigned int flags)
{
    struct xen_hvm_ecam_space w = {
        .domid = GUEST, .start_bus = 0, .end_bus = 255, .base = BASE,
    };

    xecam_user_reset();
    xecam_user_log_clear();
    xecam_user_domain_privileged(0);
    xecam_user_domain_add(GUEST, 0, &d);
    xecam_user_p2m_add(GUEST, 0, RAM_END);
    xecam_user_set_current(0);
    xecam_user_hvm_op(HVMOP_set_ecam_space, &w);
    make_device(in, flags & 0x08, (flags & 0x30) == 0x30);
    if ( flags & 0x06 )
        xecam_user_map_preempt(GUEST, preempt_step(flags));
    nr_used = nr_seen = nr_vecs = 0;
    memset(&unmasked_ever, 0, sizeof(unmasked_ever));
    memset(&pending, 0, sizeof(pending));
    memset(&vec_made, 0, sizeof(vec_made));
    memset(&msg_known, 0, sizeof(msg_known));
    host_on = host_known = lost = fault_armed = false;
    if ( emu < 0 )
        nr = tbir = pbir = toff = poff = tlen = plen = 0;
    reset_entries();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { .p = data, .left = size };
    unsigned int flags = take(&in, 1), steps = 0;

    setup(&in, flags);
    assigned = !xecam_assign_device(d, GFN, HOST,
                                    flags & 1 ? XECAM_ASSIGN_PERMISSIVE : 0);
    if ( !assigned )
        goto out;
    /* The model's capability is the guest's. */
    CHECK(emu < 0 || (cfg_rd(cap[emu].off, 1) == 0x11 &&
                      cfg_rd(cap[emu].off + 2, 2) == (cap[emu].ctrl & 0x7ff)));
    xecam_user_events_clear();
    xecam_user_pdev_log_clear();
    check();

    while ( in.left && steps++ < MAX_STEPS )
    {
        switch ( take(&in, 1) % 8 )
        {
        case 0:
        case 1:  op_access(&in); break;
        case 2:  op_entry(&in); break;
        case 3:  op_ctrl(&in); break;
        case 4:  op_bar(&in); break;
        case 5:  op_raise(&in); break;
        case 6:  op_fault(&in); break;
        default: op_assign(); break;
        }
        check();
    }
    if ( assigned )
        op_assign();
    check();
 out:
    xecam_user_fault_arm(0, 0);
    xecam_user_reset();
    xecam_user_log_clear();     /* freed within the input: no leak re-run */

    return 0;
}
