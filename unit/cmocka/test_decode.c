/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MMCONFIG and CF8/CFC decode: every size and alignment at the boundaries of
 * config space and of windows, and the legacy mechanism's corner cases.
 *
 * Host functions carry a byte pattern unique to each (h_pdev), so a read
 * proves which function and which register the access reached.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"

#define BASE     0xe0000000ULL     /* buses 0x10-0x1f, 16 MiB aligned */
#define FIRST    0x10
#define LAST     0x1f
#define WSIZE    ((uint64_t)(LAST - FIRST + 1) << 20)

/* Guest functions and the host functions behind them. */
#define G_FIRST  XECAM_SBDF(0, FIRST, 0, 0)
#define G_LAST   XECAM_SBDF(0, LAST, 31, 7)
#define G_MID    XECAM_SBDF(0, 0x15, 3, 2)
#define H_FIRST  XECAM_SBDF(0, 0x81, 0, 0)
#define H_LAST   XECAM_SBDF(0, 0x82, 0, 0)
#define H_MID    XECAM_SBDF(0, 0x83, 0, 0)
#define S_FIRST  0x11
#define S_LAST   0x22
#define S_MID    0x33

static struct xecam_domain *d;

static uint64_t gpa_of(uint32_t sbdf, unsigned int reg)
{
    return BASE + (((uint64_t)XECAM_SBDF_BUS(sbdf) - FIRST) << 20) +
           ((uint64_t)XECAM_SBDF_DEVFN(sbdf) << 12) + reg;
}

static int setup(void **state)
{
    d = h_host(XECAM_DOMF_PARTIAL_MF);  /* decode, not slot topology */
    assert_non_null(d);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 0, FIRST, LAST, BASE)),
                     0);
    assert_int_equal(h_pdev(H_FIRST, S_FIRST, 0), 0);
    assert_int_equal(h_pdev(H_LAST, S_LAST, 0), 0);
    assert_int_equal(h_pdev(H_MID, S_MID, 0), 0);
    assert_int_equal(h_vpci(d, G_FIRST, H_FIRST), 0);
    assert_int_equal(h_vpci(d, G_LAST, H_LAST), 0);
    assert_int_equal(h_vpci(d, G_MID, H_MID), 0);
    /* Rate-limited logging must not hide a decode bug: open the gate. */
    xecam_user_log_ratelimit(1000000, 5000);

    return 0;
}

static int teardown(void **state)
{
    xecam_user_reset();

    return 0;
}

static struct xecam_stats stats(void)
{
    struct xecam_stats s;

    xecam_domain_stats(d, &s);

    return s;
}

static uint64_t mmio_read(uint64_t gpa, unsigned int size)
{
    uint64_t v = 0x5a5a5a5a5a5a5a5aULL;

    assert_int_equal(xecam_mmio_read(d, 0, gpa, size, &v), XECAM_IO_OKAY);

    return v;
}

static uint64_t expect(unsigned int reg, unsigned int size, uint8_t seed)
{
    if ( size == 8 )
        return h_pattern(reg, 4, seed) |
               ((uint64_t)h_pattern(reg + 4, 4, seed) << 32);

    return h_pattern(reg, size, seed);
}

static uint64_t ones(unsigned int size)
{
    return size >= 8 ? ~0ULL : ((1ULL << (size * 8)) - 1);
}

/*
 * Every size 0..16 (the valid ones 1, 2, 4 and 8) at every alignment near
 * both ends of config space.
 */
static void check_sizes(uint32_t sbdf, uint8_t seed)
{
    static const unsigned int regs[] = {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 0xfc, 0xfd, 0xfe, 0xff, 0x100, 0x101,
        0x102, 0x104, 0xff0, 0xff8, 0xff9, 0xffa, 0xffb, 0xffc, 0xffd,
        0xffe, 0xfff,
    };
    unsigned int i, size;

    for ( i = 0; i < XECAM_ARRAY_SIZE(regs); i++ )
        for ( size = 0; size <= 16; size++ )
        {
            unsigned int reg = regs[i];
            bool ok = (size == 1 || size == 2 || size == 4 || size == 8) &&
                      !(reg & (size - 1));
            unsigned long bad = stats().bad_accesses;
            uint64_t v = mmio_read(gpa_of(sbdf, reg), size);

            if ( ok )
                assert_true(v == expect(reg, size, seed));
            else
            {
                assert_true(v == ones(size));
                assert_int_equal(stats().bad_accesses, bad + 1);
            }
        }
}

static void test_sizes_first_function(void **state)
{
    check_sizes(G_FIRST, S_FIRST);
}

static void test_sizes_last_function(void **state)
{
    check_sizes(G_LAST, S_LAST);
}

static void test_sizes_middle_function(void **state)
{
    check_sizes(G_MID, S_MID);
}

static void test_window_edges(void **state)
{
    /* First byte, last byte, one before, one past. */
    assert_true(xecam_mmio_accept(d, BASE));
    assert_true(xecam_mmio_accept(d, BASE + WSIZE - 1));
    assert_false(xecam_mmio_accept(d, BASE - 1));
    assert_false(xecam_mmio_accept(d, BASE + WSIZE));

    assert_true(mmio_read(BASE, 4) == h_pattern(0, 4, S_FIRST));
    assert_true(mmio_read(BASE + WSIZE - 1, 1) == h_pattern(0xfff, 1, S_LAST));
    assert_true(mmio_read(BASE + WSIZE - 8, 8) == expect(0xff8, 8, S_LAST));
    /* Outside every window: not ours, all-ones, no device reached. */
    assert_true(mmio_read(BASE + WSIZE, 4) == 0xffffffffULL);
    assert_true(mmio_read(BASE - 4, 4) == 0xffffffffULL);
}

static void test_unassigned_functions(void **state)
{
    struct xecam_stats before = stats();

    /* Neighbours of assigned functions: nobody owns them. */
    assert_true(mmio_read(gpa_of(XECAM_SBDF(0, FIRST, 0, 1), 0), 4) ==
                0xffffffffULL);
    assert_true(mmio_read(gpa_of(XECAM_SBDF(0, FIRST, 1, 0), 0), 2) ==
                0xffffULL);
    assert_true(mmio_read(gpa_of(XECAM_SBDF(0, LAST, 31, 6), 0xff8), 8) ==
                ~0ULL);
    assert_int_equal(stats().unclaimed, before.unclaimed + 4);
    assert_int_equal(stats().bad_accesses, before.bad_accesses);
}

static void test_writes_never_reach_host(void **state)
{
    unsigned int reg, size;

    for ( reg = 0; reg < XECAM_CFG_SIZE; reg += 0x3f )
        for ( size = 1; size <= 8; size++ )
            assert_int_equal(xecam_mmio_write(d, 0, gpa_of(G_MID, reg), size,
                                              ~0ULL), XECAM_IO_OKAY);
    assert_int_equal(xecam_user_pdev_writes(), 0);
    assert_true(mmio_read(gpa_of(G_MID, 0), 4) == h_pattern(0, 4, S_MID));
}

static void test_bad_access_log_bounded(void **state)
{
    unsigned int i;

    xecam_user_log_clear();
    xecam_user_log_ratelimit(10, 5000);
    for ( i = 0; i < 100000; i++ )
        mmio_read(gpa_of(G_MID, 1 + (i % 3)), 4);
    assert_int_equal(stats().bad_accesses, 100000);
    assert_int_equal(xecam_user_log_count("bad ECAM access"), 10);

    /* A new interval: one line says how many were hidden. */
    xecam_user_clock_advance(6000);
    mmio_read(gpa_of(G_MID, 1), 4);
    assert_int_equal(xecam_user_log_count("99990 guest-triggered messages "
                                          "suppressed"), 1);
    assert_int_equal(xecam_user_log_count("bad ECAM access"), 11);
}

static void test_window_removed_under_access(void **state)
{
    assert_int_equal(h_remove(TOOLSTACK, GUEST, 0), 0);
    assert_false(xecam_mmio_accept(d, BASE));
    /* An access accepted before the removal completes harmlessly. */
    assert_true(mmio_read(BASE, 4) == 0xffffffffULL);
    assert_int_equal(xecam_mmio_write(d, 0, BASE, 4, 0), XECAM_IO_OKAY);
}

/* ---- CF8 / CFC ---- */

static void cf8(uint32_t v)
{
    assert_int_equal(xecam_pio_write(d, 0, XECAM_PCI_CF8, 4, v),
                     XECAM_IO_OKAY);
}

static uint32_t pio_read(unsigned int port, unsigned int size)
{
    uint32_t v = 0x5a5a5a5a;

    assert_int_equal(xecam_pio_read(d, 0, port, size, &v), XECAM_IO_OKAY);

    return v;
}

static uint32_t cf8_addr(uint32_t sbdf, unsigned int reg)
{
    return 0x80000000U | ((sbdf & 0xffff) << 8) | (reg & 0xfc) |
           ((reg & 0xf00) << 16);
}

static void test_pio_accept(void **state)
{
    unsigned int port, size;

    for ( port = 0xcf0; port < 0xd08; port++ )
        for ( size = 1; size <= 4; size++ )
        {
            bool want = (port == 0xcf8 && size == 4) ||
                        (port >= 0xcfc && port + size <= 0xd00);

            assert_int_equal(xecam_pio_accept(port, size), want);
        }
}

static void test_cf8_latch(void **state)
{
    cf8(0x80000000U);
    assert_int_equal(pio_read(XECAM_PCI_CF8, 4), 0x80000000U);
    /* Reserved bits 30:24 and 1:0 read as zero. */
    cf8(0xffffffffU);
    assert_int_equal(pio_read(XECAM_PCI_CF8, 4), 0x80fffffcU);
    cf8(0x12345678U);
    assert_int_equal(pio_read(XECAM_PCI_CF8, 4), 0x00345678U);
    /* Narrow accesses neither latch nor read the latch (0xcf9: reset). */
    assert_int_equal(xecam_pio_write(d, 0, 0xcf8, 2, 0xffff), XECAM_IO_OKAY);
    assert_int_equal(xecam_pio_write(d, 0, 0xcf9, 1, 0x06), XECAM_IO_OKAY);
    assert_int_equal(pio_read(XECAM_PCI_CF8, 4), 0x00345678U);
    assert_int_equal(pio_read(0xcf8, 2), 0xffff);
    assert_int_equal(pio_read(0xcf9, 1), 0xff);
    assert_int_equal(pio_read(0xcfa, 2), 0xffff);
}

static void test_cf8_ext_latch(void **state)
{
    xecam_user_reset();
    d = h_host(XECAM_DOMF_CF8_EXT | XECAM_DOMF_PARTIAL_MF);
    assert_non_null(d);
    cf8(0xffffffffU);
    assert_int_equal(pio_read(XECAM_PCI_CF8, 4), 0x8ffffffcU);
}

static void test_cfc_disabled(void **state)
{
    struct xecam_stats before = stats();

    /* Route a CF8-reachable function at 00:01.0. */
    assert_int_equal(h_vpci(d, XECAM_SBDF(0, 0, 1, 0), H_MID), 0);
    cf8(cf8_addr(XECAM_SBDF(0, 0, 1, 0), 0) & ~0x80000000U);
    assert_int_equal(pio_read(0xcfc, 4), 0xffffffffU);
    assert_int_equal(pio_read(0xcfe, 2), 0xffff);
    assert_int_equal(stats().accesses, before.accesses);
    assert_int_equal(stats().bad_accesses, before.bad_accesses);
    cf8(cf8_addr(XECAM_SBDF(0, 0, 1, 0), 0));
    assert_int_equal(pio_read(0xcfc, 4), h_pattern(0, 4, S_MID));
}

static void test_cfc_sizes(void **state)
{
    static const unsigned int dwords[] = { 0x00, 0x3c, 0xfc };
    unsigned int i, port, size;

    assert_int_equal(h_vpci(d, XECAM_SBDF(0, 0, 1, 0), H_MID), 0);
    for ( i = 0; i < XECAM_ARRAY_SIZE(dwords); i++ )
        for ( port = 0xcfc; port <= 0xcff; port++ )
            for ( size = 1; size <= 4; size++ )
            {
                unsigned int reg = dwords[i] | (port & 3);
                bool ok = (size != 3) && !(reg & (size - 1));
                bool ours = port + size <= 0xd00;
                unsigned long bad = stats().bad_accesses;

                /* CF8 bits 1:0 are reserved: they never select a byte. */
                cf8(cf8_addr(XECAM_SBDF(0, 0, 1, 0), dwords[i]) | 3);
                if ( ok )
                    assert_int_equal(pio_read(port, size),
                                     h_pattern(reg, size, S_MID));
                else
                {
                    /* Past 0xcff: not ours, so not counted as ours either. */
                    assert_int_equal(pio_read(port, size),
                                     (uint32_t)ones(size));
                    assert_int_equal(stats().bad_accesses, bad + ours);
                }
            }
}

static void test_cf8_bdf_decode(void **state)
{
    /* The same three functions, reached by CF8 on segment 0. */
    struct xecam_vpci *dev;

    assert_int_equal(xecam_vpci_create(H_FIRST, &dev), 0);
    assert_int_equal(xecam_route_add_vpci(d, XECAM_SBDF(0, 0xff, 31, 7),
                                          dev), 0);
    cf8(cf8_addr(XECAM_SBDF(0, 0xff, 31, 7), 0x40));
    assert_int_equal(pio_read(0xcfc, 4), h_pattern(0x40, 4, S_FIRST));
    cf8(cf8_addr(G_LAST, 0x08));
    assert_int_equal(pio_read(0xcfd, 1), h_pattern(0x09, 1, S_LAST));
    cf8(cf8_addr(G_MID, 0xfc));
    assert_int_equal(pio_read(0xcfe, 2), h_pattern(0xfe, 2, S_MID));
    /* Neighbouring function: nobody. */
    cf8(cf8_addr(XECAM_SBDF(0, 0xff, 31, 6), 0));
    assert_int_equal(pio_read(0xcfc, 4), 0xffffffffU);
}

static void test_cf8_segment0_only(void **state)
{
    /* A function on segment 1 is reachable by ECAM only. */
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 1, 0, 0, 0xd0000000)),
                     0);
    assert_int_equal(h_vpci(d, XECAM_SBDF(1, 0, 2, 0), H_FIRST), 0);
    assert_true(mmio_read(0xd0000000 + (2 << 15), 4) == h_pattern(0, 4, S_FIRST));
    cf8(cf8_addr(XECAM_SBDF(0, 0, 2, 0), 0));
    assert_int_equal(pio_read(0xcfc, 4), 0xffffffffU);
}

static void test_cf8_extended_registers(void **state)
{
    /* Without the option bits 27:24 are dropped: register 0x40, not 0x740. */
    assert_int_equal(h_vpci(d, XECAM_SBDF(0, 0, 1, 0), H_MID), 0);
    cf8(cf8_addr(XECAM_SBDF(0, 0, 1, 0), 0x740));
    assert_int_equal(pio_read(XECAM_PCI_CF8, 4) & 0x0f000000U, 0);
    assert_int_equal(pio_read(0xcfc, 4), h_pattern(0x40, 4, S_MID));

    /* With it, AMD-style: register bits 11:8 come from CF8 bits 27:24. */
    xecam_user_reset();
    d = h_host(XECAM_DOMF_CF8_EXT | XECAM_DOMF_PARTIAL_MF);
    assert_non_null(d);
    assert_int_equal(h_pdev(H_MID, S_MID, 0), 0);
    assert_int_equal(h_vpci(d, XECAM_SBDF(0, 0, 1, 0), H_MID), 0);
    cf8(cf8_addr(XECAM_SBDF(0, 0, 1, 0), 0x740));
    assert_int_equal(pio_read(0xcfc, 4), h_pattern(0x740, 4, S_MID));
    cf8(cf8_addr(XECAM_SBDF(0, 0, 1, 0), 0xffc));
    assert_int_equal(pio_read(0xcff, 1), h_pattern(0xfff, 1, S_MID));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_sizes_first_function),
        T(test_sizes_last_function),
        T(test_sizes_middle_function),
        T(test_window_edges),
        T(test_unassigned_functions),
        T(test_writes_never_reach_host),
        T(test_bad_access_log_bounded),
        T(test_window_removed_under_access),
        T(test_pio_accept),
        T(test_cf8_latch),
        T(test_cf8_ext_latch),
        T(test_cfc_disabled),
        T(test_cfc_sizes),
        T(test_cf8_bdf_decode),
        T(test_cf8_segment0_only),
        T(test_cf8_extended_registers),
#undef T
    };

    return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
