/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Regressions found by fuzzing, one test each, with what the fuzzer saw.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"

#define BASE 0xe0000000ULL
#define HOST XECAM_SBDF(0, 0x30, 0, 0)
#define GFN  XECAM_SBDF(0, 0, 3, 0)

static struct xecam_domain *d;

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

static uint32_t rd(unsigned int reg, unsigned int size)
{
    uint64_t v = 0;

    xecam_mmio_read(d, 0, BASE + (3ULL << 15) + reg, size, &v);

    return v;
}

/*
 * fuzz_assign: a function without a PCI Express capability whose bytes at
 * 0x100 look like an extended header with a cycle.  The guest used to read
 * them raw and follow an endless chain; a conventional function has no
 * extended space, so 0x100-0xfff read all-ones and drop writes.
 */
static void test_no_pcie_no_extended_space(void **state)
{
    uint8_t cfg[XECAM_CFG_SIZE] = { 0x86, 0x80, 0x34, 0x12 };
    unsigned int reg;

    cfg[0x100] = 0x01;                  /* "AER", next = 0x100: a cycle */
    cfg[0x102] = 0x01;
    cfg[0x103] = 0x10;
    assert_int_equal(xecam_user_pdev_add(HOST, cfg, sizeof(cfg)), 0);
    assert_int_equal(xecam_assign_device(d, GFN, HOST, 0), 0);
    assert_int_equal(rd(0x00, 4), 0x12348086);
    for ( reg = 0x100; reg < XECAM_CFG_SIZE; reg += 4 )
    {
        xecam_mmio_write(d, 0, BASE + (3ULL << 15) + reg, 4, 0);
        assert_int_equal(rd(reg, 4), 0xffffffffU);
        assert_int_equal(rd(reg + 2, 2), 0xffff);
    }
    assert_int_equal(xecam_user_pdev_writes(), 0);
    /* The 256-byte space is still there. */
    assert_int_equal(rd(0xfc, 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_pcie_no_extended_space,
                                        setup, teardown),
    };

    return cmocka_run_group_tests_name("regress", tests, NULL, NULL);
}
