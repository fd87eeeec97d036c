/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Deferred host work (vpci/work.c, hvm/work.c): BAR mappings follow the
 * guest's Command writes after the locks are dropped, preemptibly, with
 * progress; failures are undone or crash the domain; placement is checked;
 * deassignment and teardown quiesce preemptibly.  Driven through real ECAM
 * writes on a simulated host function (an edu-like device: a 1 MiB BAR0, a
 * 256-byte BAR1, a 64-bit 64 KiB BAR2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helpers.h"
#include "guest.h"
#include "writes.h"

#define ECAM_BASE   0xe0000000ULL
#define HOST        XECAM_SBDF(0, 0x03, 0, 0)
#define G0          XECAM_SBDF(0, 0, 3, 0)
#define G1          XECAM_SBDF(0, 0, 4, 0)

#define H_BAR0      0xfe000000U     /* 1 MiB */
#define H_BAR1      0xfe100000U     /* 256 bytes: sub-page */
#define H_BAR2      0x00000004U     /* 64-bit, 64 KiB, at 0x8000000000 */
#define H_BAR2_HI   0x00000080U
#define SZ_BAR0     0x100000ULL
#define SZ_BAR1     0x100ULL
#define SZ_BAR2     0x10000ULL

#define G_BAR0      0xf0000000U
#define CMD_MEM     0x0002U
#define CMD_MASTER  0x0004U
#define CHUNK       0x10000ULL      /* what a preemptible call maps */

#define MAX_MAPS    16

static struct xecam_domain *d;
static struct xecam_user_mapping maps[MAX_MAPS];

#define g_read(sbdf, reg, size) h_ecam_read(d, ECAM_BASE, sbdf, reg, size)
#define g_write(sbdf, reg, size, val) \
    h_ecam_write(d, ECAM_BASE, sbdf, reg, size, val)

static unsigned int nmaps(void)
{
    return xecam_user_mappings(GUEST, maps, MAX_MAPS);
}

/* Bytes mapped at [g, g + size) in all, whatever the pieces. */
static uint64_t mapped_in(uint64_t g, uint64_t size)
{
    unsigned int i, n = nmaps();
    uint64_t t = 0;

    for ( i = 0; i < n; i++ )
        if ( !maps[i].io && maps[i].gaddr >= g &&
             maps[i].gaddr + maps[i].size <= g + size )
            t += maps[i].size;

    return t;
}

static void host_add(void)
{
    uint8_t cfg[XECAM_CFG_SIZE] = { 0 };

    h_put(cfg, 0x00, 4, 0x11e81234U);
    h_put(cfg, 0x04, 2, 0x0000);
    h_put(cfg, 0x08, 4, 0x00ff0010U);
    h_put(cfg, 0x10, 4, H_BAR0);
    h_put(cfg, 0x14, 4, H_BAR1);
    h_put(cfg, 0x18, 4, H_BAR2);
    h_put(cfg, 0x1c, 4, H_BAR2_HI);
    /* Status: a capability list; PCI PM at 0x40, the only capability. */
    h_put(cfg, 0x06, 2, 0x0010);
    h_put(cfg, 0x34, 1, 0x40);
    h_put(cfg, 0x40, 4, 0x00030001U);
    assert_int_equal(xecam_user_pdev_add(HOST, cfg, sizeof(cfg)), 0);
    assert_int_equal(xecam_user_pdev_bar(HOST, 0, SZ_BAR0), 0);
    assert_int_equal(xecam_user_pdev_bar(HOST, 1, SZ_BAR1), 0);
    assert_int_equal(xecam_user_pdev_bar(HOST, 2, SZ_BAR2), 0);
}

static int setup(void **state)
{
    d = h_host(0);
    assert_non_null(d);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, ECAM_BASE)),
                     0);
    host_add();
    assert_int_equal(xecam_assign_device(d, G0, HOST, 0), 0);
    g_write(G0, 0x10, 4, G_BAR0);
    g_write(G0, 0x14, 4, G_BAR0 + 0x200000);
    g_write(G0, 0x18, 4, 0xf0400000U);
    g_write(G0, 0x1c, 4, 0);
    xecam_user_log_clear();

    return 0;
}

static int teardown(void **state)
{
    xecam_user_reset();

    return 0;
}

/* The vCPU's work, resumed until done; how many resumes it took. */
static unsigned int resume_all(void)
{
    unsigned int n = 0;

    while ( xecam_vcpu_resume(d, 0) )
        assert_true(++n < 1000);

    return n;
}

/* Decode on maps BAR0 and BAR2, never the sub-page BAR1. */
static void test_sub_page_never_mapped(void **state)
{
    g_write(G0, 0x04, 2, CMD_MEM);
    assert_int_equal(nmaps(), 2);
    assert_int_equal(mapped_in(G_BAR0, SZ_BAR0), SZ_BAR0);
    assert_int_equal(mapped_in(0xf0400000U, SZ_BAR2), SZ_BAR2);
    assert_int_equal(mapped_in(G_BAR0 + 0x200000, 0x1000), 0);
    g_write(G0, 0x04, 2, 0);
    /* It still sizes as the device says. */
    g_write(G0, 0x14, 4, 0xffffffffU);
    assert_int_equal(g_read(G0, 0x14, 4), 0xffffff00U);
    assert_int_equal(nmaps(), 0);
}

/*
 * Preempted, the mapping goes on a chunk per resume; the vCPU is kept back
 * meanwhile, and the guest's Command says decode from the start.
 */
static void test_map_preempted_then_resumed(void **state)
{
    unsigned int n;

    assert_int_equal(xecam_user_map_preempt(GUEST, CHUNK), 0);
    g_write(G0, 0x04, 2, CMD_MEM);
    assert_int_equal(mapped_in(G_BAR0, SZ_BAR0), CHUNK);
    n = resume_all();
    /*
     * 16 chunks of BAR0, then BAR2's one: the write did the first, the
     * last resume the last two and said done.
     */
    assert_int_equal(n, SZ_BAR0 / CHUNK - 2);
    assert_int_equal(mapped_in(G_BAR0, SZ_BAR0), SZ_BAR0);
    assert_int_equal(mapped_in(0xf0400000U, SZ_BAR2), SZ_BAR2);
    assert_int_equal(nmaps(), 2);               /* grown, not pieces */
    assert_false(xecam_vcpu_resume(d, 0));

    g_write(G0, 0x04, 2, 0);
    assert_true(nmaps() > 0);
    resume_all();
    assert_int_equal(nmaps(), 0);
}

/*
 * A BAR is never refused for a sibling on its way out.  vCPU 0 turns
 * decode off: BAR0's unmap, then BAR2's, a page a resume.  With BAR2's
 * half gone, vCPUs 1-3 move BAR0 to where BAR2 was, BAR2 away, and turn
 * decode on.
 * BAR2's leftovers are unmapped before BAR0 is placed, and BAR0 is mapped
 * whole (it was refused, and stayed unmapped for good; found by
 * fuzz_work).
 */
static void test_sibling_leaving_is_no_overlap(void **state)
{
    const uint64_t bar2_at = 0xf0400000U;

    assert_int_equal(xecam_user_map_preempt(GUEST, 0x1000), 0);
    g_write(G0, 0x04, 2, CMD_MEM);
    resume_all();
    assert_int_equal(mapped_in(bar2_at, SZ_BAR2), SZ_BAR2);
    g_write(G0, 0x04, 2, 0);
    while ( mapped_in(bar2_at, SZ_BAR2) == SZ_BAR2 )
        assert_true(xecam_vcpu_resume(d, 0));
    assert_true(mapped_in(bar2_at, SZ_BAR2) > 0);   /* half gone */

    /* Each from another vCPU: none finishes the work of another. */
    xecam_mmio_write(d, 1, h_ecam_gpa(ECAM_BASE, G0, 0x10), 4, bar2_at);
    xecam_mmio_write(d, 2, h_ecam_gpa(ECAM_BASE, G0, 0x18), 4, 0xf0800000U);
    xecam_mmio_write(d, 3, h_ecam_gpa(ECAM_BASE, G0, 0x04), 2, CMD_MEM);
    assert_true(mapped_in(0xf0800000U, SZ_BAR2) < SZ_BAR2);
    while ( xecam_vcpu_resume(d, 3) || xecam_vcpu_resume(d, 2) ||
            xecam_vcpu_resume(d, 1) || xecam_vcpu_resume(d, 0) )
        continue;
    assert_int_equal(mapped_in(bar2_at, SZ_BAR0), SZ_BAR0);
    assert_int_equal(mapped_in(0xf0800000U, SZ_BAR2), SZ_BAR2);
    assert_int_equal(mapped_in(G_BAR0, 0x400000), 0);
    assert_int_equal(xecam_user_log_count("not mapped"), 0);
}

/* CONFIG_ADDRESS for G0's dword 'reg', enabled. */
#define G0_CF8(reg) (0x80000000U | (3U << 11) | (reg))

/*
 * The same through CF8/CFC: a Command write's host work is done after the
 * locks, or handed to the vCPU when preempted, as for an ECAM write.
 */
static void test_cfc_command_maps(void **state)
{
    assert_int_equal(xecam_pio_write(d, 0, XECAM_PCI_CF8, 4, G0_CF8(0x04)),
                     XECAM_IO_OKAY);
    assert_int_equal(xecam_pio_write(d, 0, XECAM_PCI_CFC, 2, CMD_MEM),
                     XECAM_IO_OKAY);
    assert_int_equal(mapped_in(G_BAR0, SZ_BAR0), SZ_BAR0);
    assert_int_equal(mapped_in(0xf0400000U, SZ_BAR2), SZ_BAR2);
    assert_int_equal(xecam_pio_write(d, 0, XECAM_PCI_CFC, 2, 0),
                     XECAM_IO_OKAY);
    assert_int_equal(nmaps(), 0);

    assert_int_equal(xecam_user_map_preempt(GUEST, CHUNK), 0);
    assert_int_equal(xecam_pio_write(d, 0, XECAM_PCI_CFC, 2, CMD_MEM),
                     XECAM_IO_OKAY);
    assert_int_equal(mapped_in(G_BAR0, SZ_BAR0), CHUNK);
    resume_all();
    assert_int_equal(mapped_in(G_BAR0, SZ_BAR0), SZ_BAR0);
    assert_false(xecam_vcpu_resume(d, 0));
}

/* A host without a resume hook: the vCPU's next access finishes it. */
static void test_next_access_finishes_work(void **state)
{
    assert_int_equal(xecam_user_map_preempt(GUEST, CHUNK), 0);
    g_write(G0, 0x04, 2, CMD_MEM);
    assert_int_equal(mapped_in(G_BAR0, SZ_BAR0), CHUNK);
    assert_int_equal(g_read(G0, 0x04, 2) & CMD_MEM, CMD_MEM);
    assert_int_equal(mapped_in(G_BAR0, SZ_BAR0), SZ_BAR0);
    assert_false(xecam_vcpu_resume(d, 0));
}

/* Decode off while the map is half done: it is undone, nothing left. */
static void test_change_of_mind_mid_map(void **state)
{
    assert_int_equal(xecam_user_map_preempt(GUEST, CHUNK), 0);
    g_write(G0, 0x04, 2, CMD_MEM);
    assert_true(xecam_vcpu_resume(d, 0));
    assert_int_equal(mapped_in(G_BAR0, SZ_BAR0), 2 * CHUNK);
    /* Another vCPU turns it off; vCPU 0's work now unmaps. */
    assert_int_equal(xecam_mmio_write(d, 1, h_ecam_gpa(ECAM_BASE, G0, 4), 2,
                                      0), XECAM_IO_OKAY);
    resume_all();
    while ( xecam_vcpu_resume(d, 1) )
        continue;
    assert_int_equal(nmaps(), 0);
}

/* A map that fails half way is undone: never mapped while reading off. */
static void test_failed_map_undone(void **state)
{
    assert_int_equal(xecam_user_map_preempt(GUEST, CHUNK), 0);
    xecam_user_fault_arm(XECAM_FAULT_MAP, 3);
    g_write(G0, 0x04, 2, CMD_MEM);
    resume_all();
    assert_true(xecam_user_fault_fired());
    assert_int_equal(mapped_in(G_BAR0, SZ_BAR0), 0);
    assert_int_equal(mapped_in(0xf0400000U, SZ_BAR2), SZ_BAR2);
    assert_int_equal(xecam_user_log_count("not mapped at 0xf0000000"), 1);
    assert_false(xecam_user_domain_crashed(GUEST));
    /* Not retried on its own; the guest's next decode on tries again. */
    g_write(G0, 0x04, 2, 0);
    resume_all();
    g_write(G0, 0x04, 2, CMD_MEM);
    resume_all();
    assert_int_equal(mapped_in(G_BAR0, SZ_BAR0), SZ_BAR0);
}

/* An unmap that fails crashes the domain: no mapping outlives its view. */
static void test_failed_unmap_crashes(void **state)
{
    g_write(G0, 0x04, 2, CMD_MEM);
    assert_false(xecam_user_domain_crashed(GUEST));
    xecam_user_fault_arm(XECAM_FAULT_UNMAP, 1);
    g_write(G0, 0x04, 2, 0);
    assert_true(xecam_user_fault_fired());
    assert_true(xecam_user_domain_crashed(GUEST));
    assert_int_equal(xecam_user_log_count("could not be unmapped"), 1);
}

/* Not over RAM, an ECAM window, or a sibling BAR. */
static void test_placement_checked(void **state)
{
    /* BAR2 onto BAR0's range: only one of them is mapped. */
    g_write(G0, 0x18, 4, G_BAR0 + 0x10000);
    g_write(G0, 0x04, 2, CMD_MEM);
    assert_int_equal(nmaps(), 1);
    assert_int_equal(xecam_user_log_count("not mapped at"), 1);
    g_write(G0, 0x04, 2, 0);
    assert_int_equal(nmaps(), 0);

    /* BAR0 inside the ECAM window. */
    g_write(G0, 0x18, 4, 0xf0400000U);
    g_write(G0, 0x10, 4, (uint32_t)ECAM_BASE + 0x100000);
    g_write(G0, 0x04, 2, CMD_MEM);
    assert_int_equal(nmaps(), 1);
    assert_int_equal(mapped_in(0xf0400000U, SZ_BAR2), SZ_BAR2);
    g_write(G0, 0x04, 2, 0);

    /* BAR0 over RAM. */
    assert_int_equal(xecam_user_p2m_add(GUEST, 0x80000000U, 0x100000), 0);
    g_write(G0, 0x10, 4, 0x80000000U);
    g_write(G0, 0x04, 2, CMD_MEM);
    assert_int_equal(mapped_in(0x80000000U, SZ_BAR0), 0);
    assert_int_equal(xecam_user_log_count("not mapped at"), 3);
}

/* The window check at its edges: [0xe0000000, 0xf0000000) is the window. */
static void test_over_window_edges(void **state)
{
    assert_false(xecam_domain_over_window(d, ECAM_BASE - SZ_BAR0, SZ_BAR0));
    assert_true(xecam_domain_over_window(d, ECAM_BASE - SZ_BAR0,
                                         SZ_BAR0 + 1));
    assert_true(xecam_domain_over_window(d, 0xc0000000U, 0x40000000U));
    assert_true(xecam_domain_over_window(d, 0xc0000000U, 0x80000000U));
    assert_true(xecam_domain_over_window(d, ECAM_BASE + 0x100000, SZ_BAR2));
    assert_true(xecam_domain_over_window(d, 0xeffff000U, 0x1000));
    assert_false(xecam_domain_over_window(d, 0xf0000000U, SZ_BAR0));
    assert_false(xecam_domain_over_window(d, 0, 0x1000));
    assert_false(xecam_domain_over_window(d, ~0ULL - 0xfff, 0x1000));
}

/*
 * Deassignment preempted: -ERESTART until every BAR is unmapped and the
 * device quiet; meanwhile the host function cannot be assigned again.
 */
static void test_deassign_preempted(void **state)
{
    unsigned int calls = 0;
    int rc;

    g_write(G0, 0x04, 2, CMD_MEM | CMD_MASTER);
    assert_int_equal(nmaps(), 2);
    assert_int_equal(xecam_user_map_preempt(GUEST, CHUNK), 0);
    while ( (rc = xecam_deassign_device(d, G0)) == -ERESTART )
    {
        calls++;
        assert_int_equal(xecam_assign_device(d, G1, HOST, 0), -EBUSY);
        assert_true(calls < 100);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(calls, SZ_BAR0 / CHUNK - 1);
    assert_int_equal(nmaps(), 0);
    assert_int_equal(h_hw(HOST, 0x04, 2) & CMD_MASTER, 0);
    assert_int_equal(xecam_deassign_device(d, G0), -ENOENT);
    assert_int_equal(xecam_assign_device(d, G1, HOST, 0), 0);
}

/*
 * The host takes the function back (XEN_DOMCTL_deassign_device): the vPCI
 * lets it go first, quiet and unmapped, preemptibly; a function the vPCI
 * does not have is no concern of it.
 */
static void test_release_host(void **state)
{
    unsigned int calls = 0;
    int rc;

    assert_int_equal(xecam_release_host(d, XECAM_SBDF(0, 0x09, 0, 0)), 0);
    g_write(G0, 0x04, 2, CMD_MEM | CMD_MASTER);
    assert_int_equal(nmaps(), 2);
    assert_int_equal(xecam_user_map_preempt(GUEST, CHUNK), 0);
    while ( (rc = xecam_release_host(d, HOST)) == -ERESTART )
        assert_true(++calls < 100);
    assert_int_equal(rc, 0);
    assert_true(calls > 0);
    assert_int_equal(nmaps(), 0);
    assert_int_equal(h_hw(HOST, 0x04, 2) & CMD_MASTER, 0);
    assert_int_equal(xecam_deassign_device(d, G0), -ENOENT);
    assert_int_equal(g_read(G0, 0x00, 4), 0xffffffffU);
    assert_int_equal(xecam_release_host(d, HOST), 0);
}

/*
 * Power changes are requests the device's work sends with no lock held,
 * oldest first; a write that finds the queue full (8) is refused at once.
 */
static void test_hostop_queue(void **state)
{
    struct xecam_user_event ev[16];
    struct xecam_vpci *dev = xecam_route_vpci(d, G0);
    unsigned int i, n;

    assert_non_null(dev);
    xecam_user_events_clear();
    for ( i = 0; i < 9; i++ )
        xecam_vpci_write_defer(dev, 0x44, 2, i & 1 ? 0 : 3);
    /* The ninth (D3hot again) found the queue full: PMCSR kept D0. */
    assert_int_equal(g_read(G0, 0x44, 2) & 3, 0);
    assert_int_equal(xecam_user_events(ev, 16), 0);     /* nothing sent */
    assert_true(xecam_vpci_has_work(dev));
    assert_int_equal(xecam_vpci_work(dev, false), 0);
    n = xecam_user_events(ev, 16);
    assert_int_equal(n, 8);
    for ( i = 0; i < n; i++ )
    {
        assert_int_equal(ev[i].kind, XECAM_EV_POWER);
        assert_int_equal(ev[i].count, i & 1 ? 0 : 3);
    }
    assert_false(xecam_vpci_has_work(dev));
    /* Refused by the host: PMCSR goes back. */
    xecam_user_fault_arm(XECAM_FAULT_HOOK, 1);
    g_write(G0, 0x44, 2, 3);
    assert_true(xecam_user_fault_fired());
    assert_int_equal(g_read(G0, 0x44, 2) & 3, 0);
}

/* Teardown quiesces preemptibly, then frees; a waiting vCPU's too. */
static void test_domain_quiesce(void **state)
{
    unsigned int calls = 0;

    g_write(G0, 0x04, 2, CMD_MEM | CMD_MASTER);
    assert_int_equal(xecam_user_map_preempt(GUEST, CHUNK), 0);
    g_write(G0, 0x10, 4, G_BAR0);       /* ignored: decode on */
    g_write(G0, 0x04, 2, 0);            /* vCPU 0 left waiting */
    assert_true(nmaps() > 0);
    while ( xecam_domain_quiesce(d) == -ERESTART )
        assert_true(++calls < 100);
    assert_true(calls > 0);
    assert_int_equal(nmaps(), 0);
    assert_int_equal(h_hw(HOST, 0x04, 2) & CMD_MASTER, 0);
    /* teardown() destroys the domain with vCPU 0's reference pending. */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sub_page_never_mapped, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_map_preempted_then_resumed,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_cfc_command_maps, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_next_access_finishes_work,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_change_of_mind_mid_map, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failed_map_undone, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failed_unmap_crashes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_over_window_edges, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_placement_checked, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_deassign_preempted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_release_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostop_queue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domain_quiesce, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sibling_leaving_is_no_overlap,
                                        setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
