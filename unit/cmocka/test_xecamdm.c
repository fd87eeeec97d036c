/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libxecamdm (tools/libxecamdm/), built with XECAMDM_USER: the library's
 * own code packs each op into a struct xen_dm_op and hands it to the
 * userspace port's dm_op, which runs it as Xen does.  What a device model
 * gets back: 0, or -1 with errno the module's error.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <public/hvm/ecam_dm_op.h>
#include "helpers.h"
#include "xecamdm.h"

#define BASE   0xe0000000ULL
#define HOST   XECAM_SBDF(0, 0x05, 0, 0)
#define G_EP1  XECAM_SBDF(0, 1, 0, 0)
#define G_PORT XECAM_SBDF(0, 0, 0x1c, 0)

static struct xecam_domain *d;
static xecamdm_handle *h;

static uint32_t rd(uint32_t sbdf, unsigned int reg)
{
    uint64_t v = 0;

    xecam_mmio_read(d, 0, BASE + ((uint64_t)XECAM_SBDF_BUS(sbdf) << 20) +
                    ((uint64_t)XECAM_SBDF_DEVFN(sbdf) << 12) + reg, 4, &v);

    return v;
}

/* -1 with errno 'e'. */
#define REFUSED(call, e)                                                    \
    do {                                                                    \
        errno = 0;                                                          \
        assert_int_equal(call, -1);                                         \
        assert_int_equal(errno, e);                                         \
    } while ( 0 )

static int setup(void **state)
{
    uint8_t cfg[XECAM_CFG_SIZE] = { 0 };

    d = h_host(0);
    assert_non_null(d);
    h_put(cfg, 0x00, 4, 0x12348086);
    cfg[0x0b] = 0x02;
    assert_int_equal(xecam_user_pdev_add(HOST, cfg, sizeof(cfg)), 0);
    assert_int_equal(xecam_user_pdev_owner(HOST, GUEST), 0);
    h = xecamdm_open(0);
    assert_non_null(h);
    xecam_user_set_current(DM_DOM);

    return 0;
}

static int teardown(void **state)
{
    assert_int_equal(xecamdm_close(h), 0);
    xecam_user_reset();

    return 0;
}

static void test_handle(void **state)
{
    errno = 0;
    assert_null(xecamdm_open(1));
    assert_int_equal(errno, EINVAL);
    assert_int_equal(xecamdm_close(NULL), 0);
    REFUSED(xecamdm_restrict(NULL, GUEST), EINVAL);
    REFUSED(xecamdm_set_window(NULL, GUEST, 0, 0, 0, BASE), EINVAL);
    REFUSED(xecamdm_op(h, GUEST, XEN_DMOP_ecam_get_window, NULL, 24),
            EINVAL);
    {
        uint8_t big[25] = { 0 };

        REFUSED(xecamdm_op(h, GUEST, XEN_DMOP_ecam_get_window, big,
                           sizeof(big)), EINVAL);
    }
}

static void test_windows(void **state)
{
    uint8_t start = 0x55, end = 0x55;
    uint64_t base = 1;

    assert_int_equal(xecamdm_set_window(h, GUEST, 0, 0, 255, BASE), 0);
    assert_true(xecam_mmio_accept(d, BASE + (255 << 20)));
    assert_int_equal(xecamdm_get_window(h, GUEST, 0, &start, &end, &base),
                     0);
    assert_int_equal(start, 0);
    assert_int_equal(end, 255);
    assert_int_equal(base, BASE);
    assert_int_equal(xecamdm_get_window(h, GUEST, 0, NULL, NULL, NULL), 0);
    REFUSED(xecamdm_set_window(h, GUEST, 0, 0, 255, BASE), EBUSY);
    REFUSED(xecamdm_set_window(h, GUEST, 1, 0, 2, BASE + (1 << 20)), EINVAL);
    assert_int_equal(xecamdm_remove_window(h, GUEST, 0), 0);
    REFUSED(xecamdm_remove_window(h, GUEST, 0), ENOENT);
    REFUSED(xecamdm_get_window(h, GUEST, 0, &start, NULL, NULL), ENOENT);
    /* dm_op's refusals come back the same way. */
    REFUSED(xecamdm_get_window(h, 7, 0, NULL, NULL, NULL), ESRCH);
    REFUSED(xecamdm_get_window(h, OTHER, 0, NULL, NULL, NULL), EPERM);
}

static void test_assignment(void **state)
{
    struct xen_dm_op_ecam_deassign bad = { .guest_sbdf = G_EP1, .pad = 1 };

    assert_int_equal(xecamdm_set_window(h, GUEST, 0, 0, 255, BASE), 0);
    assert_int_equal(xecamdm_assign(h, GUEST, HOST, G_EP1,
                                    XEN_DMOP_ECAM_ASSIGN_ROOT_PORT,
                                    XECAM_SBDF_DEVFN(G_PORT)), 0);
    assert_int_equal(rd(G_PORT, 0), 0xc0de5853);
    assert_int_equal(rd(G_EP1, 0), 0x12348086);
    REFUSED(xecamdm_assign(h, GUEST, HOST, G_EP1, 0, 0), EEXIST);
    REFUSED(xecamdm_deassign(h, GUEST, G_PORT), EBUSY);
    REFUSED(xecamdm_op(h, GUEST, XEN_DMOP_ecam_deassign, &bad, sizeof(bad)),
            EINVAL);
    assert_int_equal(xecamdm_deassign(h, GUEST, G_EP1), 0);
    assert_int_equal(rd(G_PORT, 0), 0xffffffff);
    REFUSED(xecamdm_deassign(h, GUEST, G_EP1), ENOENT);
    REFUSED(xecamdm_assign(h, GUEST, XECAM_SBDF(0, 9, 0, 0), G_EP1, 0, 0),
            ENODEV);
    assert_int_equal(xecam_user_pdev_owner(HOST, OTHER), 0);
    REFUSED(xecamdm_assign(h, GUEST, HOST, G_EP1, 0, 0), EPERM);
    REFUSED(xecamdm_op(h, GUEST, 20, NULL, 0), EOPNOTSUPP);   /* nr_vcpus */
}

/* A handle restricted to one domain refuses every other, as privcmd does. */
static void test_restrict(void **state)
{
    xecam_user_set_current(TOOLSTACK);
    assert_int_equal(xecamdm_get_window(h, OTHER, 0, NULL, NULL, NULL) ?
                     errno : 0, ENOENT);
    assert_int_equal(xecamdm_restrict(h, GUEST), 0);
    REFUSED(xecamdm_get_window(h, OTHER, 0, NULL, NULL, NULL), EPERM);
    REFUSED(xecamdm_get_window(h, GUEST, 0, NULL, NULL, NULL), ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_handle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_windows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assignment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restrict, setup, teardown),
    };

    return cmocka_run_group_tests_name("xecamdm", tests, NULL, NULL);
}
