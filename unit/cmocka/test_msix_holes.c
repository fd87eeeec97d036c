/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The real MSI-X table and PBA are never mapped into the guest: a BAR
 * holding them is mapped around their pages, whatever the capability's
 * policy, and all or nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"

#define BASE    0xe0000000ULL
#define HOST    XECAM_SBDF(0, 0x30, 0, 0)
#define GFN     XECAM_SBDF(0, 0, 3, 0)
#define BAR0    0xf0000000U         /* host address, 64 KiB */
#define GBAR0   0xc0000000U         /* guest address */

static struct xecam_domain *d;

/* BAR0 64 KiB; MSI-X at 0x40: 'entries', table at 'table', PBA at 'pba'. */
static void host(unsigned int entries, uint32_t table, uint32_t pba)
{
    uint8_t cfg[XECAM_CFG_SIZE] = { 0x86, 0x80, 0x34, 0x12 };

    cfg[0x06] = 0x10;
    cfg[0x10] = BAR0 & 0xff;
    cfg[0x13] = BAR0 >> 24;
    cfg[0x34] = 0x40;
    cfg[0x40] = 0x11;
    cfg[0x42] = (entries - 1) & 0xff;
    cfg[0x43] = (entries - 1) >> 8;
    memcpy(&cfg[0x44], &table, 4);
    memcpy(&cfg[0x48], &pba, 4);
    assert_int_equal(xecam_user_pdev_add(HOST, cfg, sizeof(cfg)), 0);
    assert_int_equal(xecam_user_pdev_bar(HOST, 0, 0x10000), 0);
}

static void mem_on(void)
{
    xecam_mmio_write(d, 0, BASE + (3ULL << 15) + 0x10, 4, GBAR0);
    xecam_mmio_write(d, 0, BASE + (3ULL << 15) + 0x04, 2, 0x0002);
}

static unsigned int maps(struct xecam_user_mapping *m)
{
    return xecam_user_mappings(GUEST, m, 8);
}

static void expect(const struct xecam_user_mapping *m, uint32_t off,
                   uint32_t len)
{
    assert_false(m->io);
    assert_int_equal(m->gaddr, GBAR0 + off);
    assert_int_equal(m->haddr, BAR0 + off);
    assert_int_equal(m->size, len);
}

static int setup(void **state)
{
    d = h_host(0);
    assert_non_null(d);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, BASE)), 0);

    return 0;
}

static int teardown(void **state)
{
    xecam_user_reset();

    return 0;
}

/* Table at 0x2000 (8 entries), PBA at 0x8000: three pieces. */
static void test_holes_split_bar(void **state)
{
    struct xecam_user_mapping m[8];

    host(8, 0x2000, 0x8000);
    assert_int_equal(xecam_assign_device(d, GFN, HOST, 0), 0);
    mem_on();
    assert_int_equal(maps(m), 3);
    expect(&m[0], 0, 0x2000);
    expect(&m[1], 0x3000, 0x5000);
    expect(&m[2], 0x9000, 0x7000);
    /* Decode off: all pieces go. */
    xecam_mmio_write(d, 0, BASE + (3ULL << 15) + 0x04, 2, 0);
    assert_int_equal(maps(m), 0);
}

/* Table and PBA in one page, at the start: one piece after it. */
static void test_holes_shared_page(void **state)
{
    struct xecam_user_mapping m[8];

    host(16, 0x0000, 0x0800);
    assert_int_equal(xecam_assign_device(d, GFN, HOST, 0), 0);
    mem_on();
    assert_int_equal(maps(m), 1);
    expect(&m[0], 0x1000, 0xf000);
}

/* A 2048-entry table (32 KiB) at the end of the BAR. */
static void test_holes_at_end(void **state)
{
    struct xecam_user_mapping m[8];

    host(2048, 0x8000, 0x7000);
    assert_int_equal(xecam_assign_device(d, GFN, HOST, 0), 0);
    mem_on();
    assert_int_equal(maps(m), 1);
    expect(&m[0], 0, 0x7000);
}

/* Hidden by policy, the table is still kept out of the guest. */
static void test_holes_when_hidden(void **state)
{
    const struct xecam_cap_override hide = { false, 0x11, XECAM_CAP_HIDE };
    const struct xecam_assign_opts o = { 0, 1, &hide };
    struct xecam_user_mapping m[8];
    struct xecam_vpci *dev;

    host(8, 0x2000, 0x8000);
    assert_int_equal(xecam_vpci_assign_opts(d, GFN, HOST, &o, &dev), 0);
    assert_int_equal(xecam_route_add_vpci(d, GFN, dev), 0);
    mem_on();
    assert_int_equal(maps(m), 3);
    expect(&m[1], 0x3000, 0x5000);
}

/* A map refused for one piece leaves nothing mapped. */
static void test_holes_all_or_nothing(void **state)
{
    struct xecam_user_mapping m[8];

    host(8, 0x2000, 0x8000);
    assert_int_equal(xecam_assign_device(d, GFN, HOST, 0), 0);
    xecam_user_fault_arm(XECAM_FAULT_MAP, 2);
    mem_on();
    assert_true(xecam_user_fault_fired());
    assert_int_equal(maps(m), 0);
    /* Off and on again: now it works. */
    xecam_mmio_write(d, 0, BASE + (3ULL << 15) + 0x04, 2, 0);
    mem_on();
    assert_int_equal(maps(m), 3);
}

/*
 * A function whose BAR0 is 4 KiB of MSI-X pages alone (8 entries at 0,
 * the PBA at 0x800) and whose BAR2 is 64 KiB of memory, at host 'h0' and
 * 'h2'; the guest's BAR0 and BAR2 at g0 and g2.
 */
static void all_hole_host(uint32_t sbdf, uint32_t h0, uint32_t h2)
{
    uint8_t cfg[XECAM_CFG_SIZE] = { 0x86, 0x80, 0x34, 0x12 };
    uint32_t table = 0, pba = 0x800;

    cfg[0x06] = 0x10;
    memcpy(&cfg[0x10], &h0, 4);
    memcpy(&cfg[0x18], &h2, 4);
    cfg[0x34] = 0x40;
    cfg[0x40] = 0x11;
    cfg[0x42] = 7;
    memcpy(&cfg[0x44], &table, 4);
    memcpy(&cfg[0x48], &pba, 4);
    assert_int_equal(xecam_user_pdev_add(sbdf, cfg, sizeof(cfg)), 0);
    assert_int_equal(xecam_user_pdev_bar(sbdf, 0, 0x1000), 0);
    assert_int_equal(xecam_user_pdev_bar(sbdf, 2, 0x10000), 0);
}

static void place(uint32_t gfn, uint32_t g0, uint32_t g2)
{
    uint64_t cfg = BASE + ((uint64_t)XECAM_SBDF_BUS(gfn) << 20) +
                   ((uint64_t)(gfn & 0xff) << 12);

    xecam_mmio_write(d, 0, cfg + 0x10, 4, g0);
    xecam_mmio_write(d, 0, cfg + 0x18, 4, g2);
    xecam_mmio_write(d, 0, cfg + 0x04, 2, 0x0002);
}

/*
 * BAR0, MSI-X pages alone, placed first inside where the guest put BAR2:
 * the first placed wins, so BAR2 is refused, as over a mapped sibling.
 * BAR2 was mapped over the trapped table page, which the p2m knows
 * nothing of (found by fuzz_msix).
 */
static void test_bar_over_trapped_sibling(void **state)
{
    struct xecam_user_mapping m[8];

    all_hole_host(HOST, BAR0, BAR0 + 0x100000);
    assert_int_equal(xecam_assign_device(d, GFN, HOST, 0), 0);
    place(GFN, GBAR0 + 0x3000, GBAR0);
    assert_true(xecam_mmio_accept(d, GBAR0 + 0x3000));
    assert_int_equal(maps(m), 0);
    assert_int_equal(xecam_user_log_count("not mapped"), 1);
    /* BAR0 moved away: BAR2 is placed, around no trap. */
    xecam_mmio_write(d, 0, BASE + (3ULL << 15) + 0x04, 2, 0);
    place(GFN, GBAR0 + 0x100000, GBAR0);
    assert_int_equal(maps(m), 1);
    assert_int_equal(m[0].gaddr, GBAR0);
    assert_int_equal(m[0].size, 0x10000);
    assert_false(xecam_mmio_accept(d, GBAR0 + 0x3000));
    assert_true(xecam_mmio_accept(d, GBAR0 + 0x100000));
}

/* The same across two devices: another function's BAR is refused too. */
static void test_bar_over_trapped_other(void **state)
{
    const uint32_t host2 = XECAM_SBDF(0, 0x31, 0, 0);
    const uint32_t gfn2 = XECAM_SBDF(0, 0, 4, 0);
    struct xecam_user_mapping m[8];

    all_hole_host(HOST, BAR0, BAR0 + 0x100000);
    all_hole_host(host2, BAR0 + 0x200000, BAR0 + 0x300000);
    assert_int_equal(xecam_assign_device(d, GFN, HOST, 0), 0);
    assert_int_equal(xecam_assign_device(d, gfn2, host2, 0), 0);
    place(GFN, GBAR0 + 0x3000, GBAR0 + 0x100000);
    assert_int_equal(maps(m), 1);           /* the first one's BAR2 */
    place(gfn2, GBAR0 + 0x200000, GBAR0);   /* its BAR2 over the table */
    assert_int_equal(maps(m), 1);
    assert_int_equal(m[0].gaddr, GBAR0 + 0x100000);
    assert_true(xecam_mmio_accept(d, GBAR0 + 0x3000));
    assert_true(xecam_mmio_accept(d, GBAR0 + 0x200000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_holes_split_bar),
        T(test_holes_shared_page),
        T(test_holes_at_end),
        T(test_holes_when_hidden),
        T(test_holes_all_or_nothing),
        T(test_bar_over_trapped_sibling),
        T(test_bar_over_trapped_other),
#undef T
    };

    return cmocka_run_group_tests_name("msix_holes", tests, NULL, NULL);
}
