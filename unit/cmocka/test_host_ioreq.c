/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * XECAM_DOMF_HOST_IOREQ, the mode Xen runs the module in: functions with a
 * vPCI device are served; every other function is the host's (its ioreq
 * servers complete asynchronously), answered XECAM_IO_UNHANDLED with
 * nothing done and the value untouched.  Bad accesses stay the module's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "helpers.h"
#include "guest.h"

#define BASE     0xe0000000ULL
#define HOST     XECAM_SBDF(0, 0x40, 0, 0)
#define VPCI     XECAM_SBDF(0, 0, 1, 0)
#define DM_FN    XECAM_SBDF(0, 0, 2, 0)
#define SENTINEL 0x5a5a5a5a5a5a5a5aULL

static struct xecam_domain *d;

static int setup(void **state)
{
    uint8_t cfg[XECAM_CFG_SIZE] = { 0 };

    d = h_host(XECAM_DOMF_HOST_IOREQ);
    assert_non_null(d);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, BASE)), 0);
    h_put(cfg, 0x00, 4, 0x12348086);
    h_put(cfg, 0x08, 4, 0x02000000);            /* a network controller */
    assert_int_equal(xecam_user_pdev_add(HOST, cfg, sizeof(cfg)), 0);
    assert_int_equal(xecam_assign_device(d, VPCI, HOST, 0), 0);

    return 0;
}

static int teardown(void **state)
{
    xecam_user_reset();

    return 0;
}

static void test_vpci_function_is_served(void **state)
{
    uint64_t v = SENTINEL;

    assert_int_equal(xecam_mmio_read(d, 0, h_ecam_gpa(BASE, VPCI, 0), 4, &v),
                     XECAM_IO_OKAY);
    assert_int_equal(v, 0x12348086);
    v = SENTINEL;
    assert_int_equal(xecam_mmio_read(d, 0, h_ecam_gpa(BASE, VPCI, 0), 8, &v),
                     XECAM_IO_OKAY);
    assert_int_equal((uint32_t)v, 0x12348086);
}

static void test_other_functions_are_the_hosts(void **state)
{
    struct xecam_stats before, after;
    uint64_t v = SENTINEL;
    unsigned int size;

    xecam_domain_stats(d, &before);
    for ( size = 1; size <= 4; size *= 2 )
    {
        assert_int_equal(xecam_mmio_read(d, 0, h_ecam_gpa(BASE, DM_FN, 0x40),
                                         size, &v), XECAM_IO_UNHANDLED);
        assert_int_equal(v, SENTINEL);
        assert_int_equal(xecam_mmio_write(d, 0, h_ecam_gpa(BASE, DM_FN, 0x40),
                                          size, 0), XECAM_IO_UNHANDLED);
    }
    xecam_domain_stats(d, &after);
    assert_int_equal(after.to_ioreq - before.to_ioreq, 6);
    assert_int_equal(after.unclaimed, before.unclaimed);
    assert_int_equal(xecam_user_pdev_writes(), 0);
}

/* A device model takes at most 4 bytes: an 8-byte access is a bad one. */
static void test_eight_bytes_to_the_host_are_bad(void **state)
{
    struct xecam_stats before, after;
    uint64_t v = 0;

    xecam_domain_stats(d, &before);
    assert_int_equal(xecam_mmio_read(d, 0, h_ecam_gpa(BASE, DM_FN, 0x40), 8,
                                     &v), XECAM_IO_OKAY);
    assert_int_equal(v, ~0ULL);
    assert_int_equal(xecam_mmio_write(d, 0, h_ecam_gpa(BASE, DM_FN, 0x40), 8,
                                      0), XECAM_IO_OKAY);
    xecam_domain_stats(d, &after);
    assert_int_equal(after.bad_accesses - before.bad_accesses, 2);
}

/* Misaligned and wrong-sized accesses never reach the host. */
static void test_bad_accesses_stay_ours(void **state)
{
    uint64_t v = 0;

    assert_int_equal(xecam_mmio_read(d, 0, h_ecam_gpa(BASE, DM_FN, 0x41), 2,
                                     &v), XECAM_IO_OKAY);
    assert_int_equal(v, 0xffff);
    assert_int_equal(xecam_mmio_read(d, 0, h_ecam_gpa(BASE, DM_FN, 0x40), 3,
                                     &v), XECAM_IO_OKAY);
}

static void test_cf8_cfc(void **state)
{
    uint32_t v = 0x5a5a5a5a;
    uint32_t cf8_dm = 0x80000000U | (DM_FN << 8) | 0x40;
    uint32_t cf8_vpci = 0x80000000U | (VPCI << 8);

    assert_int_equal(xecam_pio_write(d, 0, XECAM_PCI_CF8, 4, cf8_dm),
                     XECAM_IO_OKAY);
    assert_int_equal(xecam_pio_read(d, 0, XECAM_PCI_CF8, 4, &v),
                     XECAM_IO_OKAY);
    assert_int_equal(v, cf8_dm);
    v = 0x5a5a5a5a;
    assert_int_equal(xecam_pio_read(d, 0, XECAM_PCI_CFC, 4, &v),
                     XECAM_IO_UNHANDLED);
    assert_int_equal(v, 0x5a5a5a5a);
    assert_int_equal(xecam_pio_write(d, 0, XECAM_PCI_CFC + 2, 2, 0),
                     XECAM_IO_UNHANDLED);
    assert_int_equal(xecam_pio_write(d, 0, XECAM_PCI_CF8, 4, cf8_vpci),
                     XECAM_IO_OKAY);
    assert_int_equal(xecam_pio_read(d, 0, XECAM_PCI_CFC, 4, &v),
                     XECAM_IO_OKAY);
    assert_int_equal(v, 0x12348086);
    /* Disabled CONFIG_ADDRESS: all-ones, nothing for the host. */
    assert_int_equal(xecam_pio_write(d, 0, XECAM_PCI_CF8, 4, DM_FN << 8),
                     XECAM_IO_OKAY);
    assert_int_equal(xecam_pio_read(d, 0, XECAM_PCI_CFC, 4, &v),
                     XECAM_IO_OKAY);
    assert_int_equal(v, 0xffffffff);
}

/* Hidden vPCI functions are nobody's: all-ones, never the host's. */
static void test_hidden_function_is_not_forwarded(void **state)
{
    uint64_t v = 0;

    assert_int_equal(xecam_deassign_device(d, VPCI), 0);
    assert_int_equal(xecam_assign_device(d, VPCI, HOST,
                                         XECAM_ASSIGN_HIDDEN), 0);
    assert_int_equal(xecam_mmio_read(d, 0, h_ecam_gpa(BASE, VPCI, 0), 4, &v),
                     XECAM_IO_OKAY);
    assert_int_equal(v, 0xffffffff);
}

/* What the host's device-model path sends: the function and register. */
static void test_decode(void **state)
{
    unsigned int reg = 0;
    uint32_t sbdf = 0;

    assert_true(xecam_domain_has_window(d));
    assert_true(xecam_mmio_decode(d, h_ecam_gpa(BASE, DM_FN, 0x104), &sbdf,
                                  &reg));
    assert_int_equal(sbdf, DM_FN);
    assert_int_equal(reg, 0x104);
    assert_true(xecam_mmio_decode(d, BASE + (255 << 20) + 0xfffff, &sbdf,
                                  &reg));
    assert_int_equal(sbdf, XECAM_SBDF(0, 255, 31, 7));
    assert_int_equal(reg, 0xfff);
    assert_false(xecam_mmio_decode(d, BASE - 1, &sbdf, &reg));
    assert_false(xecam_mmio_decode(d, BASE + (256 << 20), &sbdf, &reg));
    assert_int_equal(h_remove(TOOLSTACK, GUEST, 0), 0);
    assert_false(xecam_domain_has_window(d));
    assert_false(xecam_mmio_decode(d, BASE, &sbdf, &reg));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_vpci_function_is_served),
        T(test_other_functions_are_the_hosts),
        T(test_eight_bytes_to_the_host_are_bad),
        T(test_bad_accesses_stay_ours),
        T(test_cf8_cfc),
        T(test_hidden_function_is_not_forwarded),
        T(test_decode),
    };

    return cmocka_run_group_tests_name("host_ioreq", tests, NULL, NULL);
}
