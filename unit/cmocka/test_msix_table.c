/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The MSI-X table and PBA as the guest sees them: the pages are trapped
 * while the BAR is mapped, the entries are the guest's, the host binds
 * what they say (and masks, rebinds, unbinds as they change), the PBA is
 * the device's, and every access size and alignment has its outcome.
 * The userspace port plays the host and the device: raising a vector
 * delivers the bound message or leaves it pending.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"
#include "guest.h"

#define BASE    0xe0000000ULL
#define HOST    XECAM_SBDF(0, 0x30, 0, 0)
#define GFN     XECAM_SBDF(0, 0, 3, 0)
#define BAR0    0xf0000000U         /* host address, 64 KiB */
#define GBAR0   0xc0000000U         /* guest address */
#define GBAR0B  0xc8000000U         /* where the guest moves it */
#define TABLE   0x2000U
#define PBA     0x3000U
#define NR      8U
#define CTRL    0x42                /* MSI-X Message Control */
#define ENABLE  0x8000U
#define MASKALL 0x4000U
#define MSG     0xfee00000U

static struct xecam_domain *d;
static struct xecam_vpci *dev;

/* BAR0 64 KiB; MSI-X at 0x40: NR entries, the table and PBA as given. */
static void host(uint32_t table, uint32_t pba)
{
    uint8_t cfg[XECAM_CFG_SIZE] = { 0x86, 0x80, 0x34, 0x12 };

    cfg[0x06] = 0x10;
    cfg[0x10] = BAR0 & 0xff;
    cfg[0x13] = BAR0 >> 24;
    cfg[0x34] = 0x40;
    cfg[0x40] = 0x11;
    cfg[0x42] = NR - 1;
    memcpy(&cfg[0x44], &table, 4);
    memcpy(&cfg[0x48], &pba, 4);
    assert_int_equal(xecam_user_pdev_add(HOST, cfg, sizeof(cfg)), 0);
    assert_int_equal(xecam_user_pdev_bar(HOST, 0, 0x10000), 0);
}

static void cfg_write(unsigned int reg, unsigned int size, uint32_t v)
{
    h_ecam_write(d, BASE, GFN, reg, size, v);
}

static void mem_at(uint32_t gaddr)
{
    cfg_write(0x10, 4, gaddr);
    cfg_write(0x04, 2, 0x0002);
}

static uint64_t rd(uint32_t off, unsigned int size)
{
    uint64_t v = 0;

    assert_int_equal(xecam_mmio_read(d, 0, GBAR0 + off, size, &v),
                     XECAM_IO_OKAY);

    return v;
}

static void wr(uint32_t off, unsigned int size, uint64_t v)
{
    assert_int_equal(xecam_mmio_write(d, 0, GBAR0 + off, size, v),
                     XECAM_IO_OKAY);
}

/* Entry i: message address, data, vector control. */
static void entry(unsigned int i, uint32_t addr, uint32_t data,
                  uint32_t vc)
{
    wr(TABLE + 16 * i, 4, addr);
    wr(TABLE + 16 * i + 4, 4, 0);
    wr(TABLE + 16 * i + 8, 4, data);
    wr(TABLE + 16 * i + 12, 4, vc);
}

static unsigned int count(enum xecam_user_event_kind kind)
{
    return xecam_user_events_count(kind);
}

/* The last event of 'kind', which must exist. */
static struct xecam_user_event last(enum xecam_user_event_kind kind)
{
    struct xecam_user_event ev[256];
    unsigned int n = xecam_user_events(ev, 256);

    while ( n-- )
        if ( ev[n].kind == kind )
            return ev[n];
    fail_msg("no event of kind %d", kind);

    return ev[0];
}

static int setup(void **state)
{
    d = h_host(0);
    assert_non_null(d);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, BASE)), 0);
    host(TABLE, PBA);
    assert_int_equal(xecam_assign_device(d, GFN, HOST, 0), 0);
    dev = xecam_route_vpci(d, GFN);
    assert_non_null(dev);
    mem_at(GBAR0);
    xecam_user_events_clear();

    return 0;
}

static int teardown(void **state)
{
    xecam_user_reset();

    return 0;
}

/* Reset view: masked, zero; the pages trapped, the rest mapped. */
static void test_table_reset_view(void **state)
{
    unsigned int i;

    for ( i = 0; i < NR; i++ )
    {
        assert_int_equal(rd(TABLE + 16 * i, 8), 0);
        assert_int_equal(rd(TABLE + 16 * i + 8, 4), 0);
        assert_int_equal(rd(TABLE + 16 * i + 12, 4), 1);
    }
    assert_true(xecam_mmio_accept(d, GBAR0 + TABLE));
    assert_true(xecam_mmio_accept(d, GBAR0 + PBA + 0xfff));
    assert_false(xecam_mmio_accept(d, GBAR0 + TABLE - 1));
    assert_false(xecam_mmio_accept(d, GBAR0 + PBA + 0x1000));
    /* Decode off: nothing trapped. */
    cfg_write(0x04, 2, 0);
    assert_false(xecam_mmio_accept(d, GBAR0 + TABLE));
    assert_int_equal(count(XECAM_EV_MSIX_BIND), 0);
}

/* The guest's words, reserved bits kept at 0. */
static void test_entry_words(void **state)
{
    wr(TABLE + 16, 4, 0xfee0100fU);
    wr(TABLE + 20, 4, 0x12345678U);
    wr(TABLE + 24, 8, 0xfffffffe00004041ULL);
    assert_int_equal(rd(TABLE + 16, 4), 0xfee0100cU);
    assert_int_equal(rd(TABLE + 16, 8), 0x12345678fee0100cULL);
    assert_int_equal(rd(TABLE + 24, 4), 0x4041);
    assert_int_equal(rd(TABLE + 28, 4), 0);          /* bits 31:1 reserved */
    /* Nothing is bound with MSI-X off, nothing reaches the device. */
    assert_int_equal(count(XECAM_EV_MSIX_BIND), 0);
    assert_int_equal(count(XECAM_EV_BAR_WRITE), 0);
}

/* Enable binds the unmasked entries first, then tells the host. */
static void test_enable_binds_unmasked(void **state)
{
    struct xecam_user_event e;

    entry(0, MSG, 0x42, 0);
    entry(1, MSG, 0x43, 1);
    cfg_write(CTRL, 2, ENABLE);
    assert_int_equal(count(XECAM_EV_MSIX_BIND), 1);
    e = last(XECAM_EV_MSIX_BIND);
    assert_int_equal(e.count, 0);
    assert_int_equal(e.addr, MSG);
    assert_int_equal(e.data, 0x42);
    e = last(XECAM_EV_MSIX);
    assert_true(e.enable);
    assert_false(e.maskall);
    assert_int_equal(xecam_user_irq_bound(HOST, true), 1);

    assert_int_equal(xecam_user_irq_raise(HOST, true, 0), 1);
    e = last(XECAM_EV_IRQ);
    assert_int_equal(e.addr, MSG);
    assert_int_equal(e.data, 0x42);
    /* Entry 1 is masked and unbound: its interrupt waits. */
    assert_int_equal(xecam_user_irq_raise(HOST, true, 1), 0);
    assert_int_equal(rd(PBA, 8), 0x2);
    /* Unmasking binds it and the pending message goes. */
    wr(TABLE + 16 + 12, 4, 0);
    assert_int_equal(xecam_user_irq_bound(HOST, true), 2);
    assert_int_equal(last(XECAM_EV_IRQ).data, 0x43);
    assert_int_equal(rd(PBA, 8), 0);
}

/* Mask: the host masks, the interrupt is pending, unmask delivers. */
static void test_mask_pending_unmask(void **state)
{
    entry(0, MSG, 0x42, 0);
    cfg_write(CTRL, 2, ENABLE);
    wr(TABLE + 12, 4, 1);
    assert_int_equal(xecam_user_irq_masked(HOST, true, 0), 1);
    assert_int_equal(count(XECAM_EV_MSIX_UNBIND), 0);   /* kept bound */
    assert_int_equal(xecam_user_irq_raise(HOST, true, 0), 0);
    assert_int_equal(count(XECAM_EV_IRQ), 0);
    assert_int_equal(rd(PBA, 4), 1);
    assert_int_equal(rd(PBA, 8), 1);
    wr(TABLE + 12, 4, 0);
    assert_int_equal(xecam_user_irq_masked(HOST, true, 0), 0);
    assert_int_equal(count(XECAM_EV_IRQ), 1);
    assert_int_equal(rd(PBA, 8), 0);
}

/* A live entry's new message rebinds; a masked one's waits for unmask. */
static void test_rebind(void **state)
{
    entry(0, MSG, 0x42, 0);
    cfg_write(CTRL, 2, ENABLE);
    assert_int_equal(count(XECAM_EV_MSIX_BIND), 1);
    wr(TABLE + 8, 4, 0x50);
    assert_int_equal(count(XECAM_EV_MSIX_BIND), 2);
    assert_int_equal(last(XECAM_EV_MSIX_BIND).data, 0x50);
    /* Masked: written freely, bound on unmask. */
    wr(TABLE + 12, 4, 1);
    wr(TABLE + 0, 4, MSG | 0x1000);
    wr(TABLE + 8, 4, 0x51);
    assert_int_equal(count(XECAM_EV_MSIX_BIND), 2);
    wr(TABLE + 12, 4, 0);
    assert_int_equal(count(XECAM_EV_MSIX_BIND), 3);
    assert_int_equal(last(XECAM_EV_MSIX_BIND).addr, MSG | 0x1000);
    assert_int_equal(last(XECAM_EV_MSIX_BIND).data, 0x51);
    assert_int_equal(xecam_user_irq_raise(HOST, true, 0), 1);
    assert_int_equal(last(XECAM_EV_IRQ).data, 0x51);
    /* The same value again is no change. */
    wr(TABLE + 8, 4, 0x51);
    assert_int_equal(count(XECAM_EV_MSIX_BIND), 3);
}

/* Function Mask: nothing bound under it; interrupts wait for it. */
static void test_function_mask(void **state)
{
    entry(0, MSG, 0x42, 0);
    cfg_write(CTRL, 2, ENABLE | MASKALL);
    assert_int_equal(count(XECAM_EV_MSIX_BIND), 0);
    assert_true(last(XECAM_EV_MSIX).maskall);
    cfg_write(CTRL, 2, ENABLE);
    assert_int_equal(count(XECAM_EV_MSIX_BIND), 1);
    cfg_write(CTRL, 2, ENABLE | MASKALL);
    assert_int_equal(xecam_user_irq_raise(HOST, true, 0), 0);
    assert_int_equal(rd(PBA, 8), 1);
    cfg_write(CTRL, 2, ENABLE);
    assert_int_equal(count(XECAM_EV_IRQ), 1);
    assert_int_equal(rd(PBA, 8), 0);
}

/* Disable unbinds every bound entry, then tells the host. */
static void test_disable_unbinds(void **state)
{
    struct xecam_user_event ev[64];
    unsigned int n, i;

    entry(0, MSG, 0x42, 0);
    entry(5, MSG, 0x47, 0);
    cfg_write(CTRL, 2, ENABLE);
    assert_int_equal(xecam_user_irq_bound(HOST, true), 2);
    xecam_user_events_clear();
    cfg_write(CTRL, 2, 0);
    n = xecam_user_events(ev, 64);
    assert_int_equal(n, 3);
    assert_int_equal(ev[0].kind, XECAM_EV_MSIX_UNBIND);
    assert_int_equal(ev[0].count, 0);
    assert_int_equal(ev[1].kind, XECAM_EV_MSIX_UNBIND);
    assert_int_equal(ev[1].count, 5);
    assert_int_equal(ev[2].kind, XECAM_EV_MSIX);
    assert_false(ev[2].enable);
    assert_int_equal(xecam_user_irq_bound(HOST, true), 0);
    /* Entries keep the guest's words; enabling again binds them again. */
    assert_int_equal(rd(TABLE + 5 * 16 + 8, 4), 0x47);
    cfg_write(CTRL, 2, ENABLE);
    assert_int_equal(xecam_user_irq_bound(HOST, true), 2);
    for ( i = 0; i < NR; i++ )
        assert_int_equal(rd(TABLE + 16 * i + 12, 4), i == 0 || i == 5 ? 0
                                                                    : 1);
}

/* Sizes and alignments the spec does not allow: all-ones, dropped. */
static void test_bad_accesses(void **state)
{
    unsigned long errors = xecam_vpci_irq_errors(dev);

    entry(0, MSG, 0x42, 1);
    assert_int_equal(rd(TABLE, 1), 0xff);
    assert_int_equal(rd(TABLE + 8, 2), 0xffff);
    assert_int_equal(rd(TABLE + 2, 4), 0xffffffffU);
    assert_int_equal(rd(TABLE + 4, 8), ~0ULL);
    wr(TABLE + 8, 1, 0x99);
    wr(TABLE + 8, 2, 0x9999);
    wr(TABLE + 6, 4, 0x99999999U);
    wr(TABLE + 12, 1, 0);
    assert_int_equal(rd(TABLE + 8, 4), 0x42);
    assert_int_equal(rd(TABLE + 12, 4), 1);
    assert_int_equal(rd(PBA + 1, 1), 0xff);
    assert_int_equal(xecam_vpci_irq_errors(dev), errors + 9);
    /* The PBA is read-only: a write is dropped, reaching nothing. */
    wr(PBA, 8, ~0ULL);
    assert_int_equal(rd(PBA, 8), 0);
    assert_int_equal(count(XECAM_EV_BAR_WRITE), 0);
    assert_int_equal(count(XECAM_EV_MSIX_BIND), 0);
}

/* What shares the pages with the table is the device's. */
static void test_rest_of_page_is_device(void **state)
{
    struct xecam_user_event e;

    wr(TABLE + NR * 16 + 0x10, 4, 0xabcd);
    e = last(XECAM_EV_BAR_WRITE);
    assert_int_equal(e.addr, BAR0 + TABLE + NR * 16 + 0x10);
    assert_int_equal(e.data, 0xabcd);
    assert_int_equal(e.count, 4);
    assert_int_equal(rd(TABLE + NR * 16 + 0x10, 4), 0xabcd);
    wr(PBA + 0x800, 1, 0x5a);
    assert_int_equal(last(XECAM_EV_BAR_WRITE).addr, BAR0 + PBA + 0x800);
    assert_int_equal(rd(PBA + 0x800, 1), 0x5a);
    /* Misaligned there too: dropped. */
    wr(PBA + 0x801, 2, 0x5a5a);
    assert_int_equal(count(XECAM_EV_BAR_WRITE), 2);
}

/* A bind the host refuses is not retried until the entry changes. */
static void test_host_refuses_bind(void **state)
{
    unsigned long errors = xecam_vpci_irq_errors(dev);

    entry(0, MSG, 0x42, 0);
    xecam_user_fault_arm(XECAM_FAULT_HOOK, 1);
    cfg_write(CTRL, 2, ENABLE);
    assert_true(xecam_user_fault_fired());
    xecam_user_fault_arm(0, 0);
    assert_int_equal(xecam_vpci_irq_errors(dev), errors + 1);
    assert_int_equal(xecam_user_irq_bound(HOST, true), 0);
    /* MSI-X itself is on, the entry waits for the guest. */
    assert_true(last(XECAM_EV_MSIX).enable);
    entry(1, MSG, 0x43, 0);
    assert_int_equal(xecam_user_irq_bound(HOST, true), 1);
    assert_int_equal(xecam_user_irq_masked(HOST, true, 0), -ENOENT);
    wr(TABLE + 8, 4, 0x44);
    assert_int_equal(xecam_user_irq_bound(HOST, true), 2);

    /* Enabling MSI-X again tries a refused entry again too. */
    xecam_user_fault_arm(XECAM_FAULT_HOOK, 1);
    entry(2, MSG, 0x45, 0);
    assert_true(xecam_user_fault_fired());
    xecam_user_fault_arm(0, 0);
    assert_int_equal(xecam_user_irq_bound(HOST, true), 2);
    cfg_write(CTRL, 2, 0);
    cfg_write(CTRL, 2, ENABLE);
    assert_int_equal(xecam_user_irq_bound(HOST, true), 3);
}

/*
 * A device with two MSI-X capabilities (the spec allows one) may keep a
 * second table in the same pages: only the emulated table and PBA are
 * served there, the rest reaches nothing.
 */
static void test_second_capability(void **state)
{
    uint8_t cfg[XECAM_CFG_SIZE] = { 0x86, 0x80, 0x34, 0x12 };
    uint32_t t2 = TABLE + 0x800, p2 = PBA + 0x800;
    uint32_t table = TABLE, pba = PBA;
    uint32_t g2 = XECAM_SBDF(0, 0, 4, 0);
    uint64_t v = 0;

    cfg[0x06] = 0x10;
    cfg[0x10] = 0;
    cfg[0x13] = (BAR0 >> 24) + 1;
    cfg[0x34] = 0x40;
    cfg[0x40] = 0x11;
    cfg[0x41] = 0x50;
    cfg[0x42] = NR - 1;
    memcpy(&cfg[0x44], &table, 4);
    memcpy(&cfg[0x48], &pba, 4);
    cfg[0x50] = 0x11;
    cfg[0x52] = NR - 1;
    memcpy(&cfg[0x54], &t2, 4);
    memcpy(&cfg[0x58], &p2, 4);
    assert_int_equal(xecam_user_pdev_add(HOST + 8, cfg, sizeof(cfg)), 0);
    assert_int_equal(xecam_user_pdev_bar(HOST + 8, 0, 0x10000), 0);
    assert_int_equal(xecam_assign_device(d, g2, HOST + 8, 0), 0);
    h_ecam_write(d, BASE, g2, 0x10, 4, GBAR0B);
    h_ecam_write(d, BASE, g2, 0x04, 2, 0x0002);
    assert_true(xecam_mmio_accept(d, GBAR0B + t2));
    /* The emulated table answers; the second one is never reached. */
    assert_int_equal(xecam_mmio_read(d, 0, GBAR0B + TABLE + 12, 4, &v),
                     XECAM_IO_OKAY);
    assert_int_equal(v, 1);
    assert_int_equal(xecam_mmio_write(d, 0, GBAR0B + t2, 4, 0x1234),
                     XECAM_IO_OKAY);
    assert_int_equal(xecam_mmio_read(d, 0, GBAR0B + t2 + 12, 4, &v),
                     XECAM_IO_OKAY);
    assert_int_equal(v, 0xffffffffU);
    assert_int_equal(count(XECAM_EV_BAR_WRITE), 0);
}

/* The trap follows the BAR; deassignment unbinds and untraps. */
static void test_bar_move_and_deassign(void **state)
{
    entry(0, MSG, 0x42, 0);
    cfg_write(CTRL, 2, ENABLE);
    cfg_write(0x04, 2, 0);
    mem_at(GBAR0B);
    assert_false(xecam_mmio_accept(d, GBAR0 + TABLE));
    assert_true(xecam_mmio_accept(d, GBAR0B + TABLE));
    assert_int_equal(xecam_user_irq_bound(HOST, true), 1);
    assert_int_equal(xecam_deassign_device(d, GFN), 0);
    assert_false(xecam_mmio_accept(d, GBAR0B + TABLE));
    assert_int_equal(xecam_user_irq_bound(HOST, true), 0);
    assert_false(last(XECAM_EV_MSIX).enable);
}

/* Too many trapped ranges: the BAR stays unmapped, as a refused map. */
static void test_trap_table_full(void **state)
{
    struct xecam_user_mapping m[4];
    unsigned int i, n = 0;

    /* Other devices' traps fill the domain's table... */
    cfg_write(0x04, 2, 0);
    for ( i = 0; i < 64; i++ )
        n += !xecam_domain_trap_add(d, dev, 6, 0x100000000ULL + i * 0x1000,
                                    0x1000, 0);
    assert_true(n > 0 && n < 64);
    /* ...so a BAR whose pages cannot be trapped is not mapped at all. */
    mem_at(GBAR0B);
    assert_false(xecam_mmio_accept(d, GBAR0B + TABLE));
    assert_int_equal(xecam_user_mappings(GUEST, m, 4), 0);
    xecam_domain_trap_del(d, dev, 6);
    assert_false(xecam_mmio_accept(d, 0x100000000ULL));
    cfg_write(0x04, 2, 0);
    mem_at(GBAR0B);
    assert_true(xecam_mmio_accept(d, GBAR0B + TABLE));
    assert_int_equal(xecam_user_mappings(GUEST, m, 4), 2);
}

/* Removing a BAR's traps leaves every other trap, wherever it was. */
static void test_trap_remove_keeps_others(void **state)
{
    const uint64_t g = 0x100000000ULL;

    assert_int_equal(xecam_domain_trap_add(d, dev, 5, g, 0x1000, 0), 0);
    assert_int_equal(xecam_domain_trap_add(d, dev, 6, g + 0x1000, 0x1000, 0),
                     0);
    assert_int_equal(xecam_domain_trap_add(d, dev, 5, g + 0x2000, 0x1000, 0),
                     0);
    xecam_domain_trap_del(d, dev, 5);
    assert_false(xecam_mmio_accept(d, g));
    assert_true(xecam_mmio_accept(d, g + 0x1000));
    assert_false(xecam_mmio_accept(d, g + 0x2000));
    assert_true(xecam_mmio_accept(d, GBAR0 + TABLE));  /* BAR0's own */
    xecam_domain_trap_del(d, dev, 6);
    assert_false(xecam_mmio_accept(d, g + 0x1000));
    assert_true(xecam_mmio_accept(d, GBAR0 + PBA));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_table_reset_view),
        T(test_entry_words),
        T(test_enable_binds_unmasked),
        T(test_mask_pending_unmask),
        T(test_rebind),
        T(test_function_mask),
        T(test_disable_unbinds),
        T(test_bad_accesses),
        T(test_rest_of_page_is_device),
        T(test_host_refuses_bind),
        T(test_second_capability),
        T(test_bar_move_and_deassign),
        T(test_trap_table_full),
        T(test_trap_remove_keeps_others),
#undef T
    };

    return cmocka_run_group_tests_name("msix_table", tests, NULL, NULL);
}
