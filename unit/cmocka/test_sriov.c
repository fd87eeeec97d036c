/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SR-IOV Virtual Functions: their BAR registers read 0 (as do their Vendor
 * and Device IDs); their BARs are where the PF's SR-IOV capability puts
 * them (vpci/sriov.c, vpci/bar.c).  A PF (05:00.0) with an AER and an
 * SR-IOV capability, NumVFs 2, First VF Offset 0x10, VF Stride 2: VF 0 is
 * 05:02.0, VF 1 05:02.2.  VF BAR0: 32-bit, 16 KiB at 0xd000_0000; VF BAR1
 * unimplemented; VF BAR2/3: 64-bit prefetchable, 1 MiB at 0x80_0000_0000.
 * The guest sizes and programs a VF's BARs through ECAM; what the core maps
 * is checked against the port's records.  Every hostile value in the PF's
 * capability or the host's sizes leaves BARs unimplemented (or the VF
 * unassignable when not even its IDs can be known), logged once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <xecam/port.h>

#include "helpers.h"
#include "guest.h"
#include "writes.h"

#define ECAM_BASE   0xe0000000ULL

#define PF          XECAM_SBDF(0, 0x05, 0, 0)
#define VF0         XECAM_SBDF(0, 0x05, 2, 0)
#define VF1         XECAM_SBDF(0, 0x05, 2, 2)
#define NOT_VF      XECAM_SBDF(0, 0x05, 2, 1)   /* between VF 0 and VF 1 */
#define HOST_OTHER  XECAM_SBDF(0, 0x06, 0, 0)   /* an ordinary function */

#define G0          XECAM_SBDF(0, 0, 3, 0)

#define CMD_MEM     0x0002U

#define PF_VENDOR   0x8086U
#define PF_DEVICE   0x1521U
#define VF_DEVICE   0x1520U

#define AER         0x100U
#define SRIOV       0x140U
#define SR_CTRL     (SRIOV + 0x08)
#define SR_NUMVFS   (SRIOV + 0x10)
#define SR_OFFSET   (SRIOV + 0x14)
#define SR_STRIDE   (SRIOV + 0x16)
#define SR_VFDEV    (SRIOV + 0x1a)
#define SR_BAR(i)   (SRIOV + 0x24 + 4 * (i))

#define VF_BAR0     0xd0000000U         /* 32-bit memory */
#define VF_SZ0      0x4000ULL
#define VF_BAR2     0x0000000cU         /* 64-bit prefetchable ... */
#define VF_BAR3     0x00000080U         /* ... at 0x80_0000_0000 */
#define VF_BASE2    0x8000000000ULL
#define VF_SZ2      0x100000ULL

#define MAX_MAPS    16

static struct xecam_domain *d;
#define g_read(sbdf, reg, size) h_ecam_read(d, ECAM_BASE, sbdf, reg, size)
#define g_write(sbdf, reg, size, val) \
    h_ecam_write(d, ECAM_BASE, sbdf, reg, size, val)
static struct xecam_user_mapping maps[MAX_MAPS];

/* ---- The host ---- */

static void pf_cfg(uint8_t *cfg)
{
    memset(cfg, 0, XECAM_CFG_SIZE);
    h_put(cfg, 0x00, 2, PF_VENDOR);
    h_put(cfg, 0x02, 2, PF_DEVICE);
    h_put(cfg, 0x08, 4, 0x02000001U);
    h_put(cfg, 0x0e, 1, 0x80);
    h_put(cfg, AER, 4, (SRIOV << 20) | 0x00010001U);
    h_put(cfg, SRIOV, 4, 0x00010010U);          /* version 1, the last */
    h_put(cfg, SR_CTRL, 2, 0x0009);             /* VF Enable, VF MSE */
    h_put(cfg, SRIOV + 0x0c, 4, 0x00080008U);   /* Initial, Total VFs */
    h_put(cfg, SR_NUMVFS, 2, 2);
    h_put(cfg, SR_OFFSET, 2, 0x10);
    h_put(cfg, SR_STRIDE, 2, 2);
    h_put(cfg, SR_VFDEV, 2, VF_DEVICE);
    h_put(cfg, SR_BAR(0), 4, VF_BAR0);
    h_put(cfg, SR_BAR(2), 4, VF_BAR2);
    h_put(cfg, SR_BAR(3), 4, VF_BAR3);
}

/* A VF as hardware shows it: IDs 0xffff, BARs 0; 'ids' replaces them. */
static void vf_cfg(uint8_t *cfg, uint32_t ids)
{
    memset(cfg, 0, XECAM_CFG_SIZE);
    h_put(cfg, 0x00, 4, ids);
    h_put(cfg, 0x08, 4, 0x02000001U);
}

/* The PF as 'cfg' says, VF 0 and VF 1 with IDs 'ids', VF BAR sizes. */
static void host_add(const uint8_t *pf, uint32_t ids, uint64_t sz0,
                     uint64_t sz2)
{
    uint8_t cfg[XECAM_CFG_SIZE];
    unsigned int i;

    assert_int_equal(xecam_user_pdev_add(PF, pf, XECAM_CFG_SIZE), 0);
    vf_cfg(cfg, ids);
    assert_int_equal(xecam_user_pdev_add(VF0, cfg, XECAM_CFG_SIZE), 0);
    assert_int_equal(xecam_user_pdev_add(VF1, cfg, XECAM_CFG_SIZE), 0);
    assert_int_equal(xecam_user_pdev_add(NOT_VF, cfg, XECAM_CFG_SIZE), 0);
    assert_int_equal(xecam_user_pdev_vf(VF0, PF), 0);
    assert_int_equal(xecam_user_pdev_vf(VF1, PF), 0);
    assert_int_equal(xecam_user_pdev_vf(NOT_VF, PF), 0);
    for ( i = 0; i < XECAM_PORT_VF_BARS; i++ )
        assert_int_equal(xecam_user_pdev_vf_bar(PF, i, 0), 0);
    assert_int_equal(xecam_user_pdev_vf_bar(PF, 0, sz0), 0);
    assert_int_equal(xecam_user_pdev_vf_bar(PF, 2, sz2), 0);
    xecam_user_pdev_log_clear();
}

static void host_default(void)
{
    uint8_t cfg[XECAM_CFG_SIZE];

    pf_cfg(cfg);
    host_add(cfg, 0xffffffffU, VF_SZ0, VF_SZ2);
}

/* ---- The guest ---- */

static unsigned int nmaps(void)
{
    return xecam_user_mappings(GUEST, maps, MAX_MAPS);
}

static void expect_map(uint64_t gaddr, uint64_t haddr, uint64_t size)
{
    unsigned int i, n = nmaps(), found = 0;

    for ( i = 0; i < n; i++ )
        if ( !maps[i].io && maps[i].gaddr == gaddr )
        {
            found++;
            assert_int_equal(maps[i].haddr, haddr);
            assert_int_equal(maps[i].size, size);
        }
    if ( found != 1 )
        fail_msg("%u mappings at %#llx, want 1", found,
                 (unsigned long long)gaddr);
}

/* Size every BAR register and the ROM; what each reads back. */
static void size_all(uint32_t *sized)
{
    static const uint8_t regs[] = { 0x10, 0x14, 0x18, 0x1c, 0x20, 0x24,
                                    0x30 };
    unsigned int i;

    for ( i = 0; i < XECAM_ARRAY_SIZE(regs); i++ )
    {
        g_write(G0, regs[i], 4, 0xffffffffU);
        sized[i] = g_read(G0, regs[i], 4);
        g_write(G0, regs[i], 4, 0);
    }
}

/* BAR0 at 0xf000_0000, BAR2/3 at 0x1_2000_0000, then memory decode on. */
static void program_and_decode(void)
{
    g_write(G0, 0x10, 4, 0xf0000000U);
    g_write(G0, 0x18, 4, 0x20000000U);
    g_write(G0, 0x1c, 4, 0x00000001U);
    g_write(G0, 0x04, 2, CMD_MEM);
}

/* ---- Setup ---- */

static int setup(void **state)
{
    d = h_host(0);
    assert_non_null(d);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, ECAM_BASE)),
                     0);

    return 0;
}

static int teardown(void **state)
{
    xecam_user_reset();

    return 0;
}

/* ---- VF BARs ---- */

static void check_vf(uint32_t vf, unsigned int index)
{
    uint32_t sized[7];
    unsigned int i, n;

    assert_int_equal(xecam_assign_device(d, G0, vf, 0), 0);
    /* The PF's Vendor ID and VF Device ID, not the VF's 0xffff. */
    assert_int_equal(g_read(G0, 0x00, 4), (VF_DEVICE << 16) | PF_VENDOR);
    /* The BARs read as the PF's VF BARn registers say, at guest 0. */
    assert_int_equal(g_read(G0, 0x10, 4), 0);
    assert_int_equal(g_read(G0, 0x18, 4), 0x0000000cU);
    size_all(sized);
    assert_int_equal(sized[0], 0xffffc000U);        /* 32-bit, 16 KiB */
    assert_int_equal(sized[1], 0);                  /* unimplemented */
    assert_int_equal(sized[2], 0xfff0000cU);        /* 64-bit, 1 MiB */
    assert_int_equal(sized[3], 0xffffffffU);
    assert_int_equal(sized[4], 0);
    assert_int_equal(sized[5], 0);
    assert_int_equal(sized[6], 0);                  /* VFs have no ROM */

    program_and_decode();
    assert_int_equal(g_read(G0, 0x10, 4), 0xf0000000U);
    assert_int_equal(g_read(G0, 0x18, 4), 0x2000000cU);
    assert_int_equal(g_read(G0, 0x1c, 4), 0x00000001U);
    assert_int_equal(nmaps(), 2);
    expect_map(0xf0000000U, VF_BAR0 + index * VF_SZ0, VF_SZ0);
    expect_map(0x120000000ULL, VF_BASE2 + index * VF_SZ2, VF_SZ2);

    /* Nothing reached the VF's BARs, nor the PF at all. */
    n = h_dev_log(vf);
    for ( i = 0; i < n; i++ )
        assert_true(h_wlog[i].reg < 0x10 || h_wlog[i].reg > 0x33);
    assert_int_equal(h_dev_log(PF), 0);
    assert_int_equal(xecam_user_log_count("VF"), 0);

    g_write(G0, 0x04, 2, 0);
    assert_int_equal(nmaps(), 0);
}

static void test_vf1_bars(void **state)
{
    host_default();
    check_vf(VF1, 1);
}

static void test_vf0_bars(void **state)
{
    host_default();
    check_vf(VF0, 0);
}

/* A function that is no VF keeps its own BARs: 0 here, unimplemented. */
static void test_not_a_vf(void **state)
{
    uint8_t cfg[XECAM_CFG_SIZE];
    uint32_t sized[7];
    unsigned int i;

    host_default();
    vf_cfg(cfg, (PF_DEVICE << 16) | PF_VENDOR);
    assert_int_equal(xecam_user_pdev_add(HOST_OTHER, cfg, XECAM_CFG_SIZE),
                     0);
    assert_int_equal(xecam_assign_device(d, G0, HOST_OTHER, 0), 0);
    size_all(sized);
    for ( i = 0; i < XECAM_ARRAY_SIZE(sized); i++ )
        assert_int_equal(sized[i], 0);
    /* And a PF is not a VF of anything. */
    assert_int_equal(xecam_port_pci_physfn(PF, &sized[0]), -ENODEV);
    assert_int_equal(xecam_port_pci_physfn(VF1, &sized[0]), 0);
    assert_int_equal(sized[0], PF);
}

/*
 * ---- Hostile PFs ----
 * Each case changes the PF's capability; the VF (whose IDs read 0xffff)
 * cannot be known, and assignment is refused; with IDs of its own it is
 * assigned without BARs.  One line says why, once.
 */
struct bad_cap {
    const char *what, *log;
    unsigned int reg, size;
    uint32_t val;
};

static const struct bad_cap bad_caps[] = {
    { "stride 3", "stride", SR_STRIDE, 2, 3 },
    { "stride 0", "stride", SR_STRIDE, 2, 0 },
    { "stride 4", "stride", SR_STRIDE, 2, 4 },
    { "offset past VF 1", "below", SR_OFFSET, 2, 0x20 },
    { "offset 0", "below", SR_OFFSET, 2, 0 },
    { "NumVFs 0", "NumVFs", SR_NUMVFS, 2, 0 },
    { "NumVFs 1", "NumVFs", SR_NUMVFS, 2, 1 },
    /* VF 1 only past bus 255: 0x500 + 0xff00 wraps to 0x400, + 0x89 * 2. */
    { "bus wrap", "below", SR_OFFSET, 2, 0xff00 },
    { "no SR-IOV", "no SR-IOV", SRIOV, 4, 0x00010011U },
    { "chain loop", "no SR-IOV", AER, 4, (AER << 20) | 0x00010001U },
    { "chain past 0xfc0", "past the config space", AER, 4,
      (0xfe0U << 20) | 0x00010001U },
};

static void bad_cap_host(const struct bad_cap *c, uint32_t ids)
{
    uint8_t cfg[XECAM_CFG_SIZE];

    pf_cfg(cfg);
    h_put(cfg, c->reg, c->size, c->val);
    if ( c->val == 0xff00 )
        h_put(cfg, SR_NUMVFS, 2, 0xff);
    if ( c->reg == AER && (c->val >> 20) == 0xfe0 )
        memcpy(cfg + 0xfe0, cfg + SRIOV, 0x20);
    host_add(cfg, ids, VF_SZ0, VF_SZ2);
}

static void test_hostile_caps(void **state)
{
    uint32_t sized[7];
    unsigned int i, j;

    for ( i = 0; i < XECAM_ARRAY_SIZE(bad_caps); i++ )
    {
        const struct bad_cap *c = &bad_caps[i];

        print_message("%s\n", c->what);
        /* IDs 0xffff: nothing to show the guest. */
        bad_cap_host(c, 0xffffffffU);
        assert_int_equal(xecam_assign_device(d, G0, VF1, 0), -ENODEV);
        assert_int_equal(xecam_user_log_count(c->log), 1);
        xecam_user_pdev_remove_all();
        xecam_user_log_clear();

        /* IDs of its own: assigned, no BARs, nothing mapped. */
        bad_cap_host(c, (VF_DEVICE << 16) | PF_VENDOR);
        assert_int_equal(xecam_assign_device(d, G0, VF1, 0), 0);
        size_all(sized);
        for ( j = 0; j < XECAM_ARRAY_SIZE(sized); j++ )
            assert_int_equal(sized[j], 0);
        program_and_decode();
        assert_int_equal(nmaps(), 0);
        assert_int_equal(xecam_user_log_count(c->log), 1);
        assert_int_equal(xecam_user_log_count("no BARs"), 1);
        assert_int_equal(xecam_deassign_device(d, G0), 0);
        xecam_user_pdev_remove_all();
        xecam_user_log_clear();
    }
}

/* A routing ID between VF 0 and VF 1: not on the stride. */
static void test_rid_between_vfs(void **state)
{
    host_default();
    assert_int_equal(xecam_assign_device(d, G0, NOT_VF, 0), -ENODEV);
    assert_int_equal(xecam_user_log_count("stride"), 1);
}

/*
 * ---- Hostile VF BARs ----
 * Each case leaves one BAR of VF 1 unimplemented and the other working.
 */
struct bad_bar {
    const char *what;
    unsigned int bar;               /* 0 or 2: the one left unimplemented */
    uint32_t lo, hi;                /* its VF BARn register(s) */
    uint64_t size;
};

static const struct bad_bar bad_bars[] = {
    { "size not a power of two", 0, VF_BAR0, 0, 0x3000 },
    { "size below 16", 0, VF_BAR0, 0, 8 },
    { "32-bit overflow", 0, 0xfffe0000U, 0, 0x20000 },
    { "not aligned", 0, 0xd0002000U, 0, 0x4000 },
    { "not placed", 0, 0, 0, 0x4000 },
    { "I/O", 0, 0x0000e001U, 0, 0x20 },
    { "reserved type", 0, 0xd0000006U, 0, 0x4000 },
    { "64-bit overflow", 2, 0xfff0000cU, 0xffffffffU, VF_SZ2 },
    { "64-bit size overflow", 2, 0x0000000cU, 0xc0000000U, 1ULL << 62 },
    { "64-bit size not a power of two", 2, VF_BAR2, VF_BAR3, 0x180000 },
};

static void test_hostile_bars(void **state)
{
    uint8_t cfg[XECAM_CFG_SIZE];
    uint32_t sized[7];
    unsigned int i;

    for ( i = 0; i < XECAM_ARRAY_SIZE(bad_bars); i++ )
    {
        const struct bad_bar *c = &bad_bars[i];
        bool b0 = c->bar == 0;

        print_message("%s\n", c->what);
        pf_cfg(cfg);
        h_put(cfg, SR_BAR(c->bar), 4, c->lo);
        if ( !b0 )
            h_put(cfg, SR_BAR(c->bar + 1), 4, c->hi);
        host_add(cfg, 0xffffffffU, b0 ? c->size : VF_SZ0,
                 b0 ? VF_SZ2 : c->size);
        assert_int_equal(xecam_assign_device(d, G0, VF1, 0), 0);
        assert_int_equal(xecam_user_log_count("unimplemented"), 1);

        size_all(sized);
        assert_int_equal(sized[0], b0 ? 0 : 0xffffc000U);
        assert_int_equal(sized[2], b0 ? 0xfff0000cU : 0);
        assert_int_equal(sized[3], b0 ? 0xffffffffU : 0);
        program_and_decode();
        assert_int_equal(nmaps(), 1);
        if ( b0 )
            expect_map(0x120000000ULL, VF_BASE2 + VF_SZ2, VF_SZ2);
        else
            expect_map(0xf0000000U, VF_BAR0 + VF_SZ0, VF_SZ0);
        /* Logged at assignment, once: not again for the guest's doing. */
        assert_int_equal(xecam_user_log_count("unimplemented"), 1);

        assert_int_equal(xecam_deassign_device(d, G0), 0);
        assert_int_equal(nmaps(), 0);
        xecam_user_pdev_remove_all();
        xecam_user_log_clear();
    }
}

/* A 64-bit VF BAR in slot 5 cannot be; VF BAR4 is 64-bit and fine. */
static void test_vf_bar_slots(void **state)
{
    uint8_t cfg[XECAM_CFG_SIZE];
    uint32_t sized[7];

    pf_cfg(cfg);
    h_put(cfg, SR_BAR(4), 4, 0x00000004U);
    h_put(cfg, SR_BAR(5), 4, 0x00000001U);      /* 0x1_0000_0000 */
    host_add(cfg, 0xffffffffU, VF_SZ0, VF_SZ2);
    assert_int_equal(xecam_user_pdev_vf_bar(PF, 4, 0x10000), 0);
    assert_int_equal(xecam_assign_device(d, G0, VF1, 0), 0);
    size_all(sized);
    assert_int_equal(sized[4], 0xffff0004U);
    assert_int_equal(sized[5], 0xffffffffU);
    g_write(G0, 0x20, 4, 0xd0000000U);
    g_write(G0, 0x24, 4, 0);
    program_and_decode();
    assert_int_equal(nmaps(), 3);
    expect_map(0xd0000000U, 0x100010000ULL, 0x10000);
    xecam_user_reset();

    /* The same register in slot 5: unimplemented. */
    assert_int_equal(setup(state), 0);
    pf_cfg(cfg);
    h_put(cfg, SR_BAR(5), 4, 0xd1000004U);
    host_add(cfg, 0xffffffffU, VF_SZ0, VF_SZ2);
    assert_int_equal(xecam_user_pdev_vf_bar(PF, 5, 0x10000), 0);
    assert_int_equal(xecam_assign_device(d, G0, VF1, 0), 0);
    assert_int_equal(xecam_user_log_count("unimplemented"), 1);
    size_all(sized);
    assert_int_equal(sized[5], 0);
}

/* Every failed read of the host fails the assignment, cleanly. */
static void test_vf_faults(void **state)
{
    unsigned long nth;
    int rc;

    host_default();
    for ( nth = 1; ; nth++ )
    {
        xecam_user_fault_arm(XECAM_FAULT_PCI, nth);
        rc = xecam_assign_device(d, G0, VF1, 0);
        xecam_user_fault_arm(0, 0);
        if ( !rc )
            break;
        assert_int_equal(rc, -EIO);
        assert_int_equal(nmaps(), 0);
        assert_true(nth < 200);
    }
    assert_true(nth > 5);
    program_and_decode();
    expect_map(0xf0000000U, VF_BAR0 + VF_SZ0, VF_SZ0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_vf1_bars),
        T(test_vf0_bars),
        T(test_not_a_vf),
        T(test_hostile_caps),
        T(test_rid_between_vfs),
        T(test_hostile_bars),
        T(test_vf_bar_slots),
        T(test_vf_faults),
#undef T
    };

    return cmocka_run_group_tests_name("sriov", tests, NULL, NULL);
}
