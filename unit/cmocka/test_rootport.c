/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The emulated PCI Express Root Port: what the guest reads, what it may
 * write, that nothing reaches any device, and an endpoint behind it keeping
 * its endpoint type (no RCiEP rewrite off bus 0).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"

#define BASE    0xe0000000ULL
#define PORT    XECAM_SBDF(0, 0, 0x1c, 0)
#define EP      XECAM_SBDF(0, 1, 0, 0)
#define HOST    XECAM_SBDF(0, 0x05, 0, 0)

static struct xecam_domain *d;

static uint64_t gpa(uint32_t sbdf, unsigned int reg)
{
    return BASE + ((uint64_t)XECAM_SBDF_BUS(sbdf) << 20) +
           ((uint64_t)XECAM_SBDF_DEVFN(sbdf) << 12) + reg;
}

static uint32_t rd(uint32_t sbdf, unsigned int reg, unsigned int size)
{
    uint64_t v = 0;

    xecam_mmio_read(d, 0, gpa(sbdf, reg), size, &v);

    return v;
}

static void wr(uint32_t sbdf, unsigned int reg, unsigned int size,
               uint32_t v)
{
    xecam_mmio_write(d, 0, gpa(sbdf, reg), size, v);
}

/* A PCIe endpoint: header, PCIe capability v2 at 0x40 (type endpoint). */
static void host_endpoint(void)
{
    uint8_t cfg[XECAM_CFG_SIZE] = { 0 };

    cfg[0x00] = 0x86; cfg[0x01] = 0x80; cfg[0x02] = 0x34; cfg[0x03] = 0x12;
    cfg[0x06] = 0x10;                   /* CAP_LIST */
    cfg[0x0b] = 0x02;                   /* network */
    cfg[0x34] = 0x40;
    cfg[0x40] = 0x10; cfg[0x41] = 0x00; /* PCIe, end of chain */
    cfg[0x42] = 0x02; cfg[0x43] = 0x00; /* v2, endpoint */
    cfg[0x4c] = 0x11; cfg[0x52] = 0x11; /* link x1 2.5GT */
    assert_int_equal(xecam_user_pdev_add(HOST, cfg, sizeof(cfg)), 0);
}

static int setup(void **state)
{
    d = h_host(0);
    assert_non_null(d);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, BASE)), 0);
    host_endpoint();
    xecam_user_pdev_log_clear();

    return 0;
}

static int teardown(void **state)
{
    xecam_user_reset();

    return 0;
}

static void test_identity(void **state)
{
    assert_int_equal(xecam_add_root_port(d, PORT, 1), 0);
    assert_int_equal(rd(PORT, 0x00, 4), 0xc0de5853);
    assert_int_equal(rd(PORT, 0x08, 4) >> 8, 0x060400);
    assert_int_equal(rd(PORT, 0x0e, 1), 0x01);
    assert_int_equal(rd(PORT, 0x06, 2) & 0x10, 0x10);
    assert_int_equal(rd(PORT, 0x34, 1), 0x40);
    /* Bus numbers: primary 0, secondary and subordinate 1. */
    assert_int_equal(rd(PORT, 0x18, 4), 0x00010100);
    /* PCI Express capability: ID 0x10, then MSI, v2 Root Port, slot. */
    assert_int_equal(rd(PORT, 0x40, 4), 0x01428010);
    assert_int_equal(rd(PORT, 0x80, 4), 0x00800005);   /* MSI, 64-bit, end */
    assert_int_equal((rd(PORT, 0x42, 2) >> 4) & 0xf, 4);
    /*
     * Port number 0x1c in LNKCAP, slot number in SLTCAP; a hot-plug slot,
     * empty: no presence, powered off, link down.
     */
    assert_int_equal(rd(PORT, 0x4c, 4) >> 24, 0x1c);
    assert_int_equal(rd(PORT, 0x54, 4) >> 19, 0x1c);
    assert_int_equal(rd(PORT, 0x54, 4) & 0x7f, 0x5b);
    assert_int_equal(rd(PORT, 0x5a, 2) & 0x40, 0);
    assert_int_equal(rd(PORT, 0x58, 2) & 0x400, 0x400);
    assert_int_equal(rd(PORT, 0x52, 2) & 0x2000, 0);
    /* No BARs, no ROM, no extended capabilities. */
    assert_int_equal(rd(PORT, 0x10, 4), 0);
    wr(PORT, 0x10, 4, 0xffffffff);
    assert_int_equal(rd(PORT, 0x10, 4), 0);
    assert_int_equal(rd(PORT, 0x38, 4), 0);
    assert_int_equal(rd(PORT, 0x100, 4), 0);
}

static void test_guest_registers(void **state)
{
    assert_int_equal(xecam_add_root_port(d, PORT, 1), 0);
    /* Buses are the guest's; secondary latency is not. */
    wr(PORT, 0x18, 4, 0xff050400);
    assert_int_equal(rd(PORT, 0x18, 4), 0x00050400);
    /* Windows: address bits are the guest's, type nibbles are not. */
    wr(PORT, 0x20, 4, 0xffffffff);
    assert_int_equal(rd(PORT, 0x20, 4), 0xfff0fff0);
    wr(PORT, 0x24, 4, 0xffffffff);
    assert_int_equal(rd(PORT, 0x24, 4), 0xfff1fff1);
    wr(PORT, 0x28, 4, 0x12345678);
    assert_int_equal(rd(PORT, 0x28, 4), 0x12345678);
    wr(PORT, 0x1c, 1, 0xff);
    assert_int_equal(rd(PORT, 0x1c, 1), 0xf0);
    /* Command: IO, MEM, MASTER, PARITY, SERR, INTx-disable only. */
    wr(PORT, 0x04, 2, 0xffff);
    assert_int_equal(rd(PORT, 0x04, 2), 0x0547);
    /* Bridge control bits 6:0 only. */
    wr(PORT, 0x3e, 2, 0xffff);
    assert_int_equal(rd(PORT, 0x3e, 2), 0x007f);
    /* PCI Express controls are the guest's; capabilities are not. */
    wr(PORT, 0x48, 2, 0x2810);
    assert_int_equal(rd(PORT, 0x48, 2), 0x2810);
    wr(PORT, 0x44, 4, 0);
    assert_int_equal(rd(PORT, 0x44, 4), 0x00008000);
    wr(PORT, 0x40, 4, 0);
    assert_int_equal(rd(PORT, 0x40, 4), 0x01428010);
    /* RW1C status bits: nothing sets them, 1s leave them 0. */
    wr(PORT, 0x1e, 2, 0xffff);
    assert_int_equal(rd(PORT, 0x1e, 2), 0);
    /* Nothing of it reached any device. */
    assert_int_equal(xecam_user_pdev_writes(), 0);
}

static void test_unclaimed_bytes(void **state)
{
    unsigned int reg;
    struct xecam_vpci *dev;

    assert_int_equal(xecam_add_root_port(d, PORT, 1), 0);
    for ( reg = 0x7c; reg < XECAM_CFG_SIZE; reg += 4 )
    {
        if ( reg >= 0x80 && reg < 0x90 )
            continue;           /* the MSI capability */
        wr(PORT, reg, 4, 0xffffffff);
        assert_int_equal(rd(PORT, reg, 4), 0);
    }
    dev = xecam_route_remove_vpci(d, PORT);
    assert_non_null(dev);
    assert_true(xecam_vpci_refused(dev) > 0);
    xecam_vpci_destroy(dev);
    assert_int_equal(xecam_user_pdev_writes(), 0);
}

static void test_endpoint_behind(void **state)
{
    assert_int_equal(xecam_add_root_port(d, PORT, 1), 0);
    assert_int_equal(xecam_assign_device(d, EP, HOST, 0), 0);
    /* Off bus 0 the endpoint stays an endpoint, link registers its own. */
    assert_int_equal((rd(EP, 0x42, 2) >> 4) & 0xf, 0);
    assert_int_equal(rd(EP, 0x52, 2), 0x11);
    assert_int_equal(rd(EP, 0x00, 4), 0x12348086);
    /* Cold-plugged: present, powered, link up, indicator on, no event. */
    assert_int_equal(rd(PORT, 0x5a, 2), 0x0040);
    assert_int_equal(rd(PORT, 0x58, 2) & 0x7c0, 0x01c0);
    assert_int_equal(rd(PORT, 0x52, 2) & 0x2000, 0x2000);
    /* The same endpoint on bus 0 would be an RCiEP. */
    assert_int_equal(xecam_deassign_device(d, EP), 0);
    assert_int_equal(xecam_assign_device(d, XECAM_SBDF(0, 0, 4, 0), HOST, 0),
                     0);
    assert_int_equal((rd(XECAM_SBDF(0, 0, 4, 0), 0x42, 2) >> 4) & 0xf, 9);
    assert_int_equal(rd(XECAM_SBDF(0, 0, 4, 0), 0x52, 2), 0);
}

/* Register names for the port; the endpoint's link rows by its view. */
static void test_rule_names(void **state)
{
    struct xecam_vpci_byte_rule r;
    struct xecam_vpci *port, *ep;

    assert_int_equal(xecam_vpci_root_port(d, PORT, 1, &port), 0);
    xecam_vpci_byte_rule(port, 0x4e, &r);
    assert_string_equal(r.reg_name, "Link Capabilities");
    assert_null(r.cap_name);
    assert_false(r.claimed);            /* nothing reaches a device */
    xecam_vpci_destroy(port);

    /* Off bus 0: the endpoint's own link, Link Control the guest's. */
    assert_int_equal(xecam_vpci_assign(d, EP, HOST, 0, &ep), 0);
    xecam_vpci_byte_rule(ep, 0x50, &r);
    assert_string_equal(r.reg_name, "Link Control");
    assert_string_equal(r.cap_name, "PCI Express");
    assert_int_equal(r.cap_offset, 0x40);
    assert_int_equal(r.cap_action, XECAM_CAP_EMULATE);
    assert_int_equal(r.emu, 0xff);
    assert_int_equal(r.ro, 0);
    xecam_vpci_destroy(ep);

    /* An RCiEP has no link: the same row reads 0. */
    assert_int_equal(xecam_vpci_assign(d, XECAM_SBDF(0, 0, 4, 0), HOST, 0,
                                       &ep), 0);
    xecam_vpci_byte_rule(ep, 0x50, &r);
    assert_string_equal(r.reg_name, "Link Control");
    assert_int_equal(r.emu, 0xff);
    assert_int_equal(r.ro, 0xff);
    xecam_vpci_destroy(ep);
}

static void test_errors(void **state)
{
    unsigned long nth;
    int rc;

    assert_int_equal(xecam_add_root_port(d, XECAM_SBDF(0, 1, 0, 0), 2),
                     -EINVAL);
    assert_int_equal(xecam_add_root_port(d, PORT, 0), -EINVAL);
    assert_int_equal(xecam_add_root_port(d, PORT, 1), 0);
    assert_int_equal(xecam_add_root_port(d, PORT, 2), -EEXIST);
    assert_int_equal(xecam_deassign_device(d, PORT), 0);
    assert_int_equal(rd(PORT, 0x00, 4), 0xffffffff);
    assert_int_equal(xecam_deassign_device(d, PORT), -ENOENT);

    for ( nth = 1; ; nth++ )
    {
        xecam_user_fault_arm(XECAM_FAULT_ALL, nth);
        rc = xecam_add_root_port(d, PORT, 1);
        if ( !xecam_user_fault_fired() )
            break;
        assert_int_equal(rc, -ENOMEM);
        assert_int_equal(rd(PORT, 0x00, 4), 0xffffffff);
    }
    assert_int_equal(rc, 0);
    assert_true(nth > 3);
    assert_int_equal(rd(PORT, 0x00, 4), 0xc0de5853);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_identity),
        T(test_guest_registers),
        T(test_unclaimed_bytes),
        T(test_endpoint_behind),
        T(test_rule_names),
        T(test_errors),
#undef T
    };

    return cmocka_run_group_tests_name("rootport", tests, NULL, NULL);
}
