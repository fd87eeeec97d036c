/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Emulated capabilities of a passed-through function (docs/capabilities.md,
 * "Emulated capabilities"): Power Management, MSI, MSI-X and PCI Express.
 *
 * Everything is driven the way a guest drives it, through real ECAM MMIO
 * accesses, on a simulated host function with hardware write semantics: an
 * I210-like NIC with a 64-bit 16 KiB BAR0 (holding the MSI-X table and
 * PBA), PM at 0x40, MSI at 0x50 (64-bit, per-vector masking, 8 vectors),
 * MSI-X at 0x70 (8 entries) and PCI Express v2 at 0x80 (endpoint, FLR
 * capable, error bits set in Device Status).  What reached the device is its
 * write log and its config space; what the host was asked to do is the
 * port's record of xecam_port_msi_bind / _msix_control / _power_state /
 * _reset_function calls.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "helpers.h"
#include "guest.h"
#include "writes.h"

#define ECAM_BASE   0xe0000000ULL

#define HOST        XECAM_SBDF(0, 0x05, 0, 0)   /* the NIC */

#define G0          XECAM_SBDF(0, 0, 3, 0)      /* bus 0: RCiEP rewrite */
#define G_BUS1      XECAM_SBDF(0, 1, 0, 0)      /* behind a root port */
#define G_PORT      XECAM_SBDF(0, 0, 0x1c, 0)   /* that root port */

/* Command bits. */
#define CMD_IO          0x0001U
#define CMD_MEM         0x0002U
#define CMD_MASTER      0x0004U
#define CMD_PARITY      0x0040U
#define CMD_SERR        0x0100U
#define CMD_INTX        0x0400U

/* The host function's header. */
#define H_VENDOR    0x8086U
#define H_DEVICE    0x1533U
#define H_CMD       (CMD_MEM | CMD_MASTER)
#define H_STATUS    0x0010U             /* CAP_LIST */
#define H_CLASS_REV 0x02000003U
#define H_BAR0      0xf7c00004U         /* 64-bit memory, 16 KiB ... */
#define H_BAR1      0x00000000U         /* ... below 4 GiB */
#define H_SUBSYS    0x00018086U
#define H_PIN       0x01U
#define HADDR_BAR0  0xf7c00000ULL
#define SZ_BAR0     0x4000ULL

/* Capability offsets (the chain: PM -> MSI -> MSI-X -> PCIe). */
#define PM          0x40U
#define MSI         0x50U
#define MSIX        0x70U
#define PCIE        0x80U

/* Power Management. */
#define PMC         (PM + 2)
#define PMCSR       (PM + 4)
#define H_PM_HDR    ((MSI << 8) | 0x01)
#define H_PMC       0xc803U             /* PME from D0/D3hot/D3cold, v3 */
#define PMC_PME     0xf800U
#define H_PMCSR     0x8100U             /* PME_Status and PME_En set */
#define PMCSR_NSR   0x0008U

/* MSI. */
#define MSI_CTRL    (MSI + 2)
#define MSI_ADDR    (MSI + 4)
#define MSI_ADDR_HI (MSI + 8)
#define MSI_DATA    (MSI + 12)
#define MSI_MASK    (MSI + 16)
#define MSI_PEND    (MSI + 20)
#define MSI_LEN     24U
#define H_MSI_HDR   ((MSIX << 8) | 0x05)
#define H_MSI_CTRL  0x0186U             /* maskable, 64-bit, MMC = 3 */
#define MSI_EN      0x0001U
#define MSI_MME(n)  ((uint32_t)(n) << 4)
#define MSI_GUEST   0x0071U             /* ENABLE and MME */
#define H_MSI_ADDR  0xfee0f00cU         /* what the host programmed */
#define H_MSI_DATA  0x4021U
#define H_MSI_MASK  0x000000f0U
#define H_MSI_PEND  0x00000005U
#define G_MSI_ADDR  0xfee01000U         /* what the guest programs */
#define G_MSI_DATA  0x4041U

/* MSI-X. */
#define MSIX_CTRL   (MSIX + 2)
#define MSIX_TABLE  (MSIX + 4)
#define MSIX_PBA    (MSIX + 8)
#define MSIX_LEN    12U
#define H_MSIX_HDR  ((PCIE << 8) | 0x11)
#define H_MSIX_CTRL 0x0007U             /* 8 entries */
#define MSIX_EN     0x8000U
#define MSIX_MASKALL 0x4000U
#define H_MSIX_TABLE 0x00000000U        /* BAR0 + 0 */
#define H_MSIX_PBA  0x00001000U         /* BAR0 + 0x1000 */
#define MSIX_PAGES  0x2000ULL           /* BAR0 pages never mapped */

/* PCI Express. */
#define PCIE_CAPS   (PCIE + 0x02)
#define PCIE_DEVCAP (PCIE + 0x04)
#define PCIE_DEVCTL (PCIE + 0x08)
#define PCIE_DEVSTA (PCIE + 0x0a)
#define PCIE_LNKCAP (PCIE + 0x0c)
#define PCIE_LNKCTL (PCIE + 0x10)
#define PCIE_LNKSTA (PCIE + 0x12)
#define PCIE_SLOT   (PCIE + 0x14)       /* slot and root: 0x14-0x23 */
#define PCIE_DEVCAP2 (PCIE + 0x24)
#define PCIE_DEVCTL2 (PCIE + 0x28)
#define PCIE_DEVSTA2 (PCIE + 0x2a)
#define PCIE_LNKCAP2 (PCIE + 0x2c)
#define PCIE_LNKCTL2 (PCIE + 0x30)
#define PCIE_LNKSTA2 (PCIE + 0x32)
#define PCIE_SLOT2  (PCIE + 0x34)       /* slot 2: 0x34-0x3b */
#define PCIE_LEN    0x3cU
#define H_PCIE_CAPS 0x0002U             /* version 2, endpoint */
#define RCIEP_CAPS  0x0092U             /* version 2, RCiEP */
#define H_DEVCAP    0x10008cc1U
#define DEVCAP_FLR  (1U << 28)
#define G_DEVCAP    (H_DEVCAP & ~DEVCAP_FLR)
#define H_DEVCTL    0x2837U
#define DEVCTL_FLR  0x8000U
#define H_DEVSTA    0x002fU             /* errors 3:0, transactions pending */
#define H_LNKCAP    0x00437c12U
#define H_LNKCTL    0x0040U
#define H_LNKSTA    0x1012U
#define H_DEVCAP2   0x0000081fU
#define H_DEVCTL2   0x0005U
#define H_LNKCAP2   0x00000006U
#define H_LNKCTL2   0x0002U
#define H_LNKSTA2   0x0001U
#define H_JUNK      0xa5U               /* in registers an endpoint lacks */

/* Where the guest puts BAR0. */
#define G_BAR0      0xc0000000U

#define MAX_EVENTS  1024
#define MAX_MAPS    64

static struct xecam_domain *d;
#define gpa_of(sbdf, reg)       h_ecam_gpa(ECAM_BASE, sbdf, reg)
#define g_read(sbdf, reg, size) h_ecam_read(d, ECAM_BASE, sbdf, reg, size)
#define g_write(sbdf, reg, size, val) \
    h_ecam_write(d, ECAM_BASE, sbdf, reg, size, val)
#define hw(reg, size)           h_hw(HOST, reg, size)
static struct xecam_vpci *dev;          /* the function under test */
static struct xecam_user_event evs[MAX_EVENTS];
static struct xecam_user_mapping maps[MAX_MAPS];

/* ---- The host ---- */

/* The NIC's config space, as the host finds it. */
static void host_cfg(uint8_t *cfg)
{
    memset(cfg, 0, XECAM_CFG_SIZE);
    h_put(cfg, 0x00, 2, H_VENDOR);
    h_put(cfg, 0x02, 2, H_DEVICE);
    h_put(cfg, 0x04, 2, H_CMD);
    h_put(cfg, 0x06, 2, H_STATUS);
    h_put(cfg, 0x08, 4, H_CLASS_REV);
    h_put(cfg, 0x10, 4, H_BAR0);
    h_put(cfg, 0x14, 4, H_BAR1);
    h_put(cfg, 0x2c, 4, H_SUBSYS);
    h_put(cfg, 0x34, 1, PM);
    h_put(cfg, 0x3d, 1, H_PIN);

    h_put(cfg, PM, 2, H_PM_HDR);
    h_put(cfg, PMC, 2, H_PMC);
    h_put(cfg, PMCSR, 2, H_PMCSR);

    h_put(cfg, MSI, 2, H_MSI_HDR);
    h_put(cfg, MSI_CTRL, 2, H_MSI_CTRL);
    h_put(cfg, MSI_ADDR, 4, H_MSI_ADDR);
    h_put(cfg, MSI_ADDR_HI, 4, 0);
    h_put(cfg, MSI_DATA, 2, H_MSI_DATA);
    h_put(cfg, MSI_MASK, 4, H_MSI_MASK);
    h_put(cfg, MSI_PEND, 4, H_MSI_PEND);

    h_put(cfg, MSIX, 2, H_MSIX_HDR);
    h_put(cfg, MSIX_CTRL, 2, H_MSIX_CTRL);
    h_put(cfg, MSIX_TABLE, 4, H_MSIX_TABLE);
    h_put(cfg, MSIX_PBA, 4, H_MSIX_PBA);

    h_put(cfg, PCIE, 2, 0x0010);          /* end of the chain */
    h_put(cfg, PCIE_CAPS, 2, H_PCIE_CAPS);
    h_put(cfg, PCIE_DEVCAP, 4, H_DEVCAP);
    h_put(cfg, PCIE_DEVCTL, 2, H_DEVCTL);
    h_put(cfg, PCIE_DEVSTA, 2, H_DEVSTA);
    h_put(cfg, PCIE_LNKCAP, 4, H_LNKCAP);
    h_put(cfg, PCIE_LNKCTL, 2, H_LNKCTL);
    h_put(cfg, PCIE_LNKSTA, 2, H_LNKSTA);
    memset(cfg + PCIE_SLOT, H_JUNK, 0x10);
    h_put(cfg, PCIE_DEVCAP2, 4, H_DEVCAP2);
    h_put(cfg, PCIE_DEVCTL2, 2, H_DEVCTL2);
    h_put(cfg, PCIE_DEVSTA2, 2, 0xa5a5);
    h_put(cfg, PCIE_LNKCAP2, 4, H_LNKCAP2);
    h_put(cfg, PCIE_LNKCTL2, 2, H_LNKCTL2);
    h_put(cfg, PCIE_LNKSTA2, 2, H_LNKSTA2);
    memset(cfg + PCIE_SLOT2, H_JUNK, 8);
    /* 0x100: no extended capabilities. */
}

/* What software can write in the capabilities, as real hardware has it. */
static void host_masks(uint32_t sbdf)
{
    static const struct {
        uint16_t reg, len;
        uint8_t wmask, w1c;
    } m[] = {
        { PM, 4, 0, 0 },                    /* header, PMC */
        { PMCSR, 1, 0x03, 0 },              /* power state; NSR is RO */
        { PMCSR + 1, 1, 0x01, 0x80 },       /* PME_En; PME_Status RW1C */
        { PMCSR + 2, 2, 0, 0 },
        { MSI, 2, 0, 0 },
        { MSI_CTRL, 1, 0x71, 0 },           /* ENABLE, MME */
        { MSI_CTRL + 1, 1, 0, 0 },
        { MSI_ADDR, 1, 0xfc, 0 },
        { MSI_MASK + 1, 3, 0, 0 },          /* 8 vectors, 8 mask bits */
        { MSI_PEND, 4, 0, 0 },
        { MSIX, 2, 0, 0 },
        { MSIX_CTRL, 1, 0, 0 },
        { MSIX_CTRL + 1, 1, 0xc0, 0 },      /* enable, mask-all */
        { MSIX_TABLE, 8, 0, 0 },
        { PCIE, 8, 0, 0 },                  /* header, caps, DEVCAP */
        { PCIE_DEVSTA, 1, 0, 0x0f },        /* error bits RW1C */
        { PCIE_DEVSTA + 1, 1, 0, 0 },
        { PCIE_LNKCAP, 4, 0, 0 },
        { PCIE_LNKSTA, 1, 0, 0 },
        { PCIE_LNKSTA + 1, 1, 0, 0xc0 },
        { PCIE_SLOT, 0x10, 0, 0 },
        { PCIE_DEVCAP2, 4, 0, 0 },
        { PCIE_DEVSTA2, 6, 0, 0 },          /* DEVSTA2, LNKCAP2 */
        { PCIE_LNKSTA2, 10, 0, 0 },         /* LNKSTA2, slot 2 */
    };
    unsigned int i;

    for ( i = 0; i < XECAM_ARRAY_SIZE(m); i++ )
        assert_int_equal(xecam_user_pdev_masks(sbdf, m[i].reg, m[i].len,
                                               m[i].wmask, m[i].w1c), 0);
}

/* A clean host: the guest with an ECAM window, and the NIC as 'cfg'. */
static void start_cfg(const uint8_t *cfg)
{
    d = h_host(0);
    assert_non_null(d);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, ECAM_BASE)),
                     0);
    assert_int_equal(xecam_user_pdev_add(HOST, cfg, XECAM_CFG_SIZE), 0);
    assert_int_equal(xecam_user_pdev_bar(HOST, 0, SZ_BAR0), 0);
    host_masks(HOST);
    xecam_user_pdev_log_clear();
    xecam_user_events_clear();
    dev = NULL;
}

static void start(void)
{
    uint8_t cfg[XECAM_CFG_SIZE];

    host_cfg(cfg);
    start_cfg(cfg);
}

/* ---- What reached the device ---- */

/* Writes in the log that touch [lo, hi). */
static unsigned int writes_in(unsigned int lo, unsigned int hi)
{
    unsigned int i, n = h_dev_log(HOST), found = 0;

    for ( i = 0; i < n; i++ )
        if ( h_wlog[i].reg < hi && h_wlog[i].reg + h_wlog[i].size > lo )
            found++;

    return found;
}

/* ---- What the host was asked ---- */

static struct xecam_user_event ev(enum xecam_user_event_kind kind,
                                  uint64_t addr, uint32_t data,
                                  unsigned int count, bool enable,
                                  bool maskall)
{
    struct xecam_user_event e = {
        .kind = kind, .sbdf = HOST, .addr = addr, .data = data,
        .count = count, .enable = enable, .maskall = maskall,
    };

    return e;
}

#define EV_BIND(a, dt, n)   ev(XECAM_EV_MSI_BIND, a, dt, n, false, false)
#define EV_UNBIND(a, dt, n) ev(XECAM_EV_MSI_UNBIND, a, dt, n, false, false)
#define EV_MSIX(en, m)      ev(XECAM_EV_MSIX, 0, 0, 0, en, m)
#define EV_POWER(s)         ev(XECAM_EV_POWER, 0, 0, s, false, false)
#define EV_RESET()          ev(XECAM_EV_RESET, 0, 0, 0, false, false)
#define EV_MASK(pirq, m)    ev(XECAM_EV_IRQ_MASK, 0, 0, pirq, m, false)

static bool ev_equal(const struct xecam_user_event *a,
                     const struct xecam_user_event *b)
{
    if ( a->kind != b->kind || a->sbdf != b->sbdf )
        return false;
    switch ( a->kind )
    {
    case XECAM_EV_MSI_BIND:
    case XECAM_EV_MSI_UNBIND:
        return a->addr == b->addr && a->data == b->data &&
               a->count == b->count;
    case XECAM_EV_MSIX:
        return a->enable == b->enable && a->maskall == b->maskall;
    case XECAM_EV_POWER:
        return a->count == b->count;
    case XECAM_EV_IRQ_MASK:
        return a->count == b->count && a->enable == b->enable;
    default:
        return true;
    }
}

static void ev_print(const char *what, const struct xecam_user_event *e,
                     unsigned int n)
{
    static const char *const names[] = {
        "msi bind", "msi unbind", "msix", "power", "reset", "msix bind",
        "msix unbind", "irq mask", "irq", "bar write",
    };
    unsigned int i;

    for ( i = 0; i < n && i < 16; i++ )
        print_message("%s %u: %s sbdf %#x addr %#llx data %#x count %u "
                      "enable %d maskall %d\n", what, i,
                      e[i].kind < XECAM_ARRAY_SIZE(names) ?
                      names[e[i].kind] : "?", e[i].sbdf,
                      (unsigned long long)e[i].addr, e[i].data, e[i].count,
                      e[i].enable, e[i].maskall);
}

/* Exactly these host calls were made since the last check. */
static void expect_events(const struct xecam_user_event *want, unsigned int n)
{
    unsigned int i, got = xecam_user_events(evs, MAX_EVENTS);
    bool ok = got == n;

    for ( i = 0; ok && i < n; i++ )
        ok = ev_equal(&evs[i], &want[i]);
    if ( !ok )
    {
        ev_print("want", want, n);
        ev_print("got ", evs, got);
        fail_msg("host calls differ: %u wanted, %u made", n, got);
    }
    xecam_user_events_clear();
}

#define EXPECT_EVENTS(...) do {                                         \
    const struct xecam_user_event want_e_[] = { __VA_ARGS__ };          \
    expect_events(want_e_, XECAM_ARRAY_SIZE(want_e_));                  \
} while ( 0 )

static void expect_no_events(void)
{
    expect_events(NULL, 0);
}

/* ---- The guest ---- */

/* Assign the NIC at 'guest'; assignment itself calls no host hook. */
static void assign(uint32_t guest, unsigned int flags)
{
    xecam_user_events_clear();
    assert_int_equal(xecam_vpci_assign(d, guest, HOST, flags, &dev), 0);
    assert_int_equal(xecam_route_add_vpci(d, guest, dev), 0);
    expect_no_events();
    xecam_user_pdev_log_clear();
}

static unsigned int nmaps(void)
{
    return xecam_user_mappings(GUEST, maps, MAX_MAPS);
}

/*
 * BAR0 is mapped but for the pages of the MSI-X table (page 0) and PBA
 * (page 1): one piece, from 0x2000 to the end.
 */
static void expect_bar0_mapped(void)
{
    assert_int_equal(nmaps(), 1);
    assert_false(maps[0].io);
    assert_int_equal(maps[0].gaddr, G_BAR0 + MSIX_PAGES);
    assert_int_equal(maps[0].haddr, HADDR_BAR0 + MSIX_PAGES);
    assert_int_equal(maps[0].size, SZ_BAR0 - MSIX_PAGES);
}

/* The guest moves BAR0 and turns memory decode and bus mastering on. */
static void guest_decode_on(uint32_t g)
{
    g_write(g, 0x10, 4, G_BAR0);
    g_write(g, 0x14, 4, 0);
    g_write(g, 0x04, 2, CMD_MEM | CMD_MASTER);
    assert_int_equal(g_read(g, 0x10, 4), G_BAR0 | 0x4);
    assert_int_equal(g_read(g, 0x04, 2), CMD_MEM | CMD_MASTER);
    expect_bar0_mapped();
}

/* The guest programs MSI and enables it with 2^mme vectors. */
static void guest_msi_on(uint32_t g, unsigned int mme)
{
    g_write(g, MSI_ADDR, 4, G_MSI_ADDR);
    g_write(g, MSI_ADDR_HI, 4, 0);
    g_write(g, MSI_DATA, 2, G_MSI_DATA);
    g_write(g, MSI_CTRL, 2, MSI_MME(mme) | MSI_EN);
    EXPECT_EVENTS(EV_BIND(G_MSI_ADDR, G_MSI_DATA, 1U << mme));
    assert_int_equal(g_read(g, MSI_CTRL, 2),
                     H_MSI_CTRL | MSI_MME(mme) | MSI_EN);
}

/* The guest turns MSI off as Linux does: the control it read, ENABLE 0. */
static void guest_msi_off(uint32_t g)
{
    g_write(g, MSI_CTRL, 2, g_read(g, MSI_CTRL, 2) & ~MSI_EN);
}

static int setup(void **state)
{
    start();

    return 0;
}

static int teardown(void **state)
{
    xecam_user_reset();

    return 0;
}

/* ---- Power Management ---- */

static void test_pm_view(void **state)
{
    static const uint32_t vals[] = { 0xffffffffU, 0, 0x5a5aa5a5U };
    unsigned int v;

    assign(G0, 0);
    assert_int_equal(g_read(G0, 0x34, 1), PM);
    assert_int_equal(g_read(G0, PM, 2), H_PM_HDR);
    /* PME support (15:11) hidden: 0xc803 reads 0x0003. */
    assert_int_equal(g_read(G0, PMC, 2), H_PMC & ~PMC_PME);
    assert_int_equal(g_read(G0, PMC, 2), 0x0003);
    assert_int_equal(g_read(G0, PMC + 1, 1), 0x00);
    assert_int_equal(g_read(G0, PM, 4), (0x0003U << 16) | H_PM_HDR);
    /* D0, PME_En and PME_Status 0 although the device has both set. */
    assert_int_equal(g_read(G0, PMCSR, 2), 0x0000);
    assert_int_equal(g_read(G0, PMCSR + 1, 1), 0x00);
    assert_int_equal(hw(PMCSR, 2), H_PMCSR);

    /* PMC and the header are read-only, at every size. */
    for ( v = 0; v < XECAM_ARRAY_SIZE(vals); v++ )
    {
        g_write(G0, PM, 4, vals[v]);
        g_write(G0, PMC, 2, vals[v] & 0xffff);
        g_write(G0, PMC + 1, 1, vals[v] & 0xff);
        assert_int_equal(g_read(G0, PM, 4), (0x0003U << 16) | H_PM_HDR);
    }
    h_expect_writes(HOST, NULL, 0, __func__);
    expect_no_events();
}

static void test_pm_d3hot_and_back(void **state)
{
    assign(G0, 0);
    g_write(G0, PMCSR, 2, 0x0003);
    EXPECT_EVENTS(EV_POWER(3));
    assert_int_equal(g_read(G0, PMCSR, 2), 0x0003);

    /* The same state again: nothing to ask. */
    g_write(G0, PMCSR, 2, 0x0003);
    expect_no_events();

    g_write(G0, PMCSR, 2, 0x0000);
    EXPECT_EVENTS(EV_POWER(0));
    assert_int_equal(g_read(G0, PMCSR, 2), 0x0000);

    /* Byte and dword accesses. */
    g_write(G0, PMCSR, 1, 0x03);
    EXPECT_EVENTS(EV_POWER(3));
    assert_int_equal(g_read(G0, PMCSR, 4), 0x00000003);
    g_write(G0, PMCSR, 4, 0x00000000);
    EXPECT_EVENTS(EV_POWER(0));
    assert_int_equal(g_read(G0, PMCSR, 1), 0x00);

    /* Nothing was written to the device's PMCSR, or anywhere. */
    h_expect_writes(HOST, NULL, 0, __func__);
    assert_int_equal(hw(PMCSR, 2), H_PMCSR);
}

static void test_pm_d1_d2_refused(void **state)
{
    assign(G0, 0);
    g_write(G0, PMCSR, 2, 0x0001);
    assert_int_equal(g_read(G0, PMCSR, 2), 0x0000);
    g_write(G0, PMCSR, 2, 0x0002);
    assert_int_equal(g_read(G0, PMCSR, 2), 0x0000);
    g_write(G0, PMCSR, 1, 0x02);
    assert_int_equal(g_read(G0, PMCSR, 2), 0x0000);
    expect_no_events();

    g_write(G0, PMCSR, 2, 0x0003);
    EXPECT_EVENTS(EV_POWER(3));
    g_write(G0, PMCSR, 2, 0x0001);
    assert_int_equal(g_read(G0, PMCSR, 2), 0x0003);
    g_write(G0, PMCSR, 2, 0x0002);
    assert_int_equal(g_read(G0, PMCSR, 2), 0x0003);
    expect_no_events();
    h_expect_writes(HOST, NULL, 0, __func__);
}

/* A transition the host refuses does not happen, in either direction. */
static void test_pm_host_refuses(void **state)
{
    assign(G0, 0);
    guest_decode_on(G0);
    guest_msi_on(G0, 2);
    xecam_user_pdev_log_clear();

    xecam_user_fault_arm(XECAM_FAULT_HOOK, 1);
    g_write(G0, PMCSR, 2, 0x0003);
    assert_true(xecam_user_fault_fired());
    xecam_user_fault_arm(0, 0);
    assert_int_equal(g_read(G0, PMCSR, 2), 0x0000);
    expect_no_events();

    g_write(G0, PMCSR, 2, 0x0003);
    EXPECT_EVENTS(EV_POWER(3));

    /* D3hot -> D0 refused: still D3hot, and no reset of anything. */
    xecam_user_fault_arm(XECAM_FAULT_HOOK, 1);
    g_write(G0, PMCSR, 2, 0x0000);
    assert_true(xecam_user_fault_fired());
    xecam_user_fault_arm(0, 0);
    assert_int_equal(g_read(G0, PMCSR, 2), 0x0003);
    expect_no_events();
    assert_int_equal(g_read(G0, 0x04, 2), CMD_MEM | CMD_MASTER);
    assert_int_equal(g_read(G0, 0x10, 4), G_BAR0 | 0x4);
    expect_bar0_mapped();
    assert_int_equal(g_read(G0, MSI_CTRL, 2),
                     H_MSI_CTRL | MSI_MME(2) | MSI_EN);
    assert_int_equal(writes_in(PM, PM + 8), 0);
    h_expect_writes(HOST, NULL, 0, __func__);
}

/* PME_En and PME_Status read 0 and are never written. */
static void test_pm_pme_never(void **state)
{
    assign(G0, 0);
    g_write(G0, PMCSR, 2, 0x8100);
    assert_int_equal(g_read(G0, PMCSR, 2), 0x0000);
    g_write(G0, PMCSR + 1, 1, 0x81);
    assert_int_equal(g_read(G0, PMCSR, 2), 0x0000);
    expect_no_events();

    g_write(G0, PMCSR, 2, 0x8103);
    EXPECT_EVENTS(EV_POWER(3));
    assert_int_equal(g_read(G0, PMCSR, 2), 0x0003);
    g_write(G0, PMCSR, 4, 0xffffffffU);
    assert_int_equal(g_read(G0, PMCSR, 2), 0x0003);
    expect_no_events();
    g_write(G0, PMCSR, 2, 0x8100);
    EXPECT_EVENTS(EV_POWER(0));
    assert_int_equal(g_read(G0, PMCSR, 2), 0x0000);

    h_expect_writes(HOST, NULL, 0, __func__);
    assert_int_equal(hw(PMCSR, 2), H_PMCSR);
}

/* D3hot -> D0 without No_Soft_Reset: the function was reset. */
static void test_pm_d3hot_d0_resets(void **state)
{
    assign(G0, 0);
    guest_decode_on(G0);
    guest_msi_on(G0, 2);
    g_write(G0, 0x3c, 1, 0x0b);
    g_write(G0, PCIE_DEVCTL, 2, 0x0010);
    xecam_user_pdev_log_clear();

    g_write(G0, PMCSR, 2, 0x0003);
    EXPECT_EVENTS(EV_POWER(3));
    /* D3hot itself keeps everything. */
    assert_int_equal(g_read(G0, MSI_CTRL, 2),
                     H_MSI_CTRL | MSI_MME(2) | MSI_EN);
    expect_bar0_mapped();

    g_write(G0, PMCSR, 2, 0x0000);
    EXPECT_EVENTS(EV_POWER(0), EV_UNBIND(G_MSI_ADDR, G_MSI_DATA, 4));
    assert_int_equal(g_read(G0, PMCSR, 2), 0x0000);
    /* Guest's MEM back to 0 (MASTER is the device's own bit). */
    assert_int_equal(g_read(G0, 0x04, 2), CMD_MASTER);
    assert_int_equal(g_read(G0, 0x10, 4), 0x00000004);
    assert_int_equal(g_read(G0, 0x14, 4), 0x00000000);
    assert_int_equal(nmaps(), 0);
    assert_int_equal(g_read(G0, MSI_CTRL, 2), H_MSI_CTRL);
    assert_int_equal(g_read(G0, MSI_ADDR, 4), 0);
    assert_int_equal(g_read(G0, MSI_DATA, 2), 0);
    assert_int_equal(g_read(G0, 0x3c, 1), 0x00);
    assert_int_equal(g_read(G0, PCIE_DEVCTL, 2), H_DEVCTL);
    /* The only write: INTx released now that MSI is off. */
    H_EXPECT_WRITES(HOST, __func__, { 0x05, 1, H_CMD >> 8 });
    assert_int_equal(hw(PMCSR, 2), H_PMCSR);

    /* The guest starts over: MSI binds again. */
    guest_msi_on(G0, 0);
}

/* With No_Soft_Reset the device keeps its state, and so does the guest's. */
static void test_pm_no_soft_reset_keeps(void **state)
{
    uint8_t cfg[XECAM_CFG_SIZE];

    host_cfg(cfg);
    h_put(cfg, PMCSR, 2, H_PMCSR | PMCSR_NSR);
    start_cfg(cfg);
    assign(G0, 0);
    assert_int_equal(g_read(G0, PMCSR, 2), PMCSR_NSR);
    guest_decode_on(G0);
    guest_msi_on(G0, 2);
    g_write(G0, 0x3c, 1, 0x0b);
    xecam_user_pdev_log_clear();

    g_write(G0, PMCSR, 2, 0x0003);
    EXPECT_EVENTS(EV_POWER(3));
    assert_int_equal(g_read(G0, PMCSR, 2), PMCSR_NSR | 0x0003);
    /* No_Soft_Reset is read-only: a guest 0 does not clear it. */
    g_write(G0, PMCSR, 2, 0x0000);
    EXPECT_EVENTS(EV_POWER(0));
    assert_int_equal(g_read(G0, PMCSR, 2), PMCSR_NSR);

    assert_int_equal(g_read(G0, 0x04, 2), CMD_MEM | CMD_MASTER);
    assert_int_equal(g_read(G0, 0x10, 4), G_BAR0 | 0x4);
    expect_bar0_mapped();
    assert_int_equal(g_read(G0, MSI_CTRL, 2),
                     H_MSI_CTRL | MSI_MME(2) | MSI_EN);
    assert_int_equal(g_read(G0, MSI_ADDR, 4), G_MSI_ADDR);
    assert_int_equal(g_read(G0, 0x3c, 1), 0x0b);
    h_expect_writes(HOST, NULL, 0, __func__);
    assert_int_equal(hw(0x04, 2), H_CMD | CMD_INTX);
}

/* ---- MSI ---- */

static void test_msi_view(void **state)
{
    assign(G0, 0);
    assert_int_equal(g_read(G0, MSI, 2), H_MSI_HDR);
    assert_int_equal(g_read(G0, MSI_CTRL, 2), H_MSI_CTRL);
    assert_int_equal(g_read(G0, MSI, 4), (H_MSI_CTRL << 16) | H_MSI_HDR);
    /* The host's own programming is not shown. */
    assert_int_equal(g_read(G0, MSI_ADDR, 4), 0);
    assert_int_equal(g_read(G0, MSI_ADDR_HI, 4), 0);
    assert_int_equal(g_read(G0, MSI_DATA, 2), 0);
    assert_int_equal(g_read(G0, MSI_MASK, 4), 0);
    /* Pending bits are the device's. */
    assert_int_equal(g_read(G0, MSI_PEND, 4), H_MSI_PEND);
    h_expect_writes(HOST, NULL, 0, __func__);
}

/* Address, data and mask are the guest's; none of it reaches the device. */
static void test_msi_registers_virtual(void **state)
{
    uint8_t before[MSI_LEN], after[MSI_LEN];

    assign(G0, 0);
    assert_int_equal(xecam_user_pdev_peek(HOST, MSI, before, MSI_LEN), 0);

    g_write(G0, MSI_ADDR, 4, 0xffffffffU);
    assert_int_equal(g_read(G0, MSI_ADDR, 4), 0xfffffffcU);
    g_write(G0, MSI_ADDR, 4, 0xfee0100fU);
    assert_int_equal(g_read(G0, MSI_ADDR, 4), 0xfee0100cU);
    g_write(G0, MSI_ADDR + 1, 1, 0xab);
    assert_int_equal(g_read(G0, MSI_ADDR, 4), 0xfee0ab0cU);
    g_write(G0, MSI_ADDR + 2, 2, 0x1234);
    assert_int_equal(g_read(G0, MSI_ADDR, 4), 0x1234ab0cU);
    g_write(G0, MSI_ADDR, 1, 0xff);
    assert_int_equal(g_read(G0, MSI_ADDR, 4), 0x1234abfcU);

    g_write(G0, MSI_ADDR_HI, 4, 0xffffffffU);
    assert_int_equal(g_read(G0, MSI_ADDR_HI, 4), 0xffffffffU);
    g_write(G0, MSI_ADDR_HI + 3, 1, 0);
    assert_int_equal(g_read(G0, MSI_ADDR_HI, 4), 0x00ffffffU);

    g_write(G0, MSI_DATA, 2, 0xbeef);
    assert_int_equal(g_read(G0, MSI_DATA, 2), 0xbeef);
    g_write(G0, MSI_DATA, 4, 0x12345678U);
    assert_int_equal(g_read(G0, MSI_DATA, 2), 0x5678);
    g_write(G0, MSI_DATA + 1, 1, 0x9a);
    assert_int_equal(g_read(G0, MSI_DATA, 2), 0x9a78);

    g_write(G0, MSI_MASK, 4, 0x000000a5U);
    assert_int_equal(g_read(G0, MSI_MASK, 4) & 0xff, 0xa5);
    g_write(G0, MSI_MASK, 1, 0x5a);
    assert_int_equal(g_read(G0, MSI_MASK, 4) & 0xff, 0x5a);

    /* Pending: read-only, the device's. */
    g_write(G0, MSI_PEND, 4, 0xffffffffU);
    g_write(G0, MSI_PEND, 4, 0);
    assert_int_equal(g_read(G0, MSI_PEND, 4), H_MSI_PEND);

    /* MSI is off: no binding; and nothing reached the device. */
    expect_no_events();
    h_expect_writes(HOST, NULL, 0, __func__);
    assert_int_equal(xecam_user_pdev_peek(HOST, MSI, after, MSI_LEN), 0);
    assert_memory_equal(before, after, MSI_LEN);
}

/*
 * XSA-128/129: every access over the capability, every size and offset
 * (misaligned ones included, which the decoder drops), straddling
 * control/address/data/mask as it may: nothing reaches the device's MSI
 * registers, and whatever the host is asked is a sane binding.
 */
static void test_msi_straddle_sweep(void **state)
{
    static const uint32_t vals[] = {
        0xffffffffU, 0, 0x5a5aa5a5U, 0xa5a55a5aU, 0x00710001U,
    };
    static const unsigned int sizes[] = { 1, 2, 4 };
    uint8_t before[MSI_LEN], after[MSI_LEN];
    unsigned int v, off, s, i, n;

    assign(G0, 0);
    assert_int_equal(xecam_user_pdev_peek(HOST, MSI, before, MSI_LEN), 0);
    for ( v = 0; v < XECAM_ARRAY_SIZE(vals); v++ )
        for ( off = MSI; off < MSI + MSI_LEN; off++ )
            for ( s = 0; s < XECAM_ARRAY_SIZE(sizes); s++ )
            {
                g_write(G0, off, sizes[s], vals[v] & xecam_ones(sizes[s]));
                if ( writes_in(MSI, MSI + MSI_LEN) )
                    fail_msg("write %#x/%u of %#x reached the device's MSI",
                             off, sizes[s], vals[v]);
                xecam_user_pdev_log_clear();
                assert_int_equal(xecam_user_pdev_peek(HOST, MSI, after,
                                                      MSI_LEN), 0);
                assert_memory_equal(before, after, MSI_LEN);
                /* The layout the guest sees never changes. */
                assert_int_equal(g_read(G0, MSI, 2), H_MSI_HDR);
                assert_int_equal(g_read(G0, MSI_CTRL, 2) & ~MSI_GUEST,
                                 H_MSI_CTRL);
                assert_true(((g_read(G0, MSI_CTRL, 2) >> 4) & 7) <= 3);
                n = xecam_user_events(evs, MAX_EVENTS);
                for ( i = 0; i < n; i++ )
                    if ( evs[i].kind == XECAM_EV_IRQ_MASK ?
                         evs[i].sbdf != HOST || evs[i].count < 1000 :
                         (evs[i].kind != XECAM_EV_MSI_BIND &&
                          evs[i].kind != XECAM_EV_MSI_UNBIND) ||
                         evs[i].sbdf != HOST || evs[i].count > 8 ||
                         (evs[i].count & (evs[i].count - 1)) ||
                         !evs[i].count )
                        fail_msg("write %#x/%u of %#x: host call %u, "
                                 "kind %d count %u", off, sizes[s], vals[v],
                                 i, evs[i].kind, evs[i].count);
                xecam_user_events_clear();
            }
    g_write(G0, MSI_CTRL, 2, 0);
    assert_int_equal(g_read(G0, MSI_CTRL, 2) & MSI_EN, 0);
    assert_int_equal(writes_in(MSI, MSI + MSI_LEN), 0);
}

static void test_msi_enable_bind(void **state)
{
    assign(G0, 0);
    g_write(G0, MSI_ADDR, 4, G_MSI_ADDR);
    g_write(G0, MSI_ADDR_HI, 4, 0);
    g_write(G0, MSI_DATA, 2, G_MSI_DATA);
    expect_no_events();

    g_write(G0, MSI_CTRL, 2, MSI_MME(2) | MSI_EN);
    EXPECT_EVENTS(EV_BIND(G_MSI_ADDR, G_MSI_DATA, 4));
    assert_int_equal(g_read(G0, MSI_CTRL, 2), 0x01a7);
    /* The device got nothing but INTx-disable. */
    H_EXPECT_WRITES(HOST, __func__, { 0x05, 1, (H_CMD | CMD_INTX) >> 8 });

    guest_msi_off(G0);
    EXPECT_EVENTS(EV_UNBIND(G_MSI_ADDR, G_MSI_DATA, 4));
    assert_int_equal(g_read(G0, MSI_CTRL, 2), H_MSI_CTRL | MSI_MME(2));
    H_EXPECT_WRITES(HOST, __func__, { 0x05, 1, H_CMD >> 8 });

    /* A 64-bit address, enabled by a byte write. */
    g_write(G0, MSI_ADDR_HI, 4, 0x00000001U);
    g_write(G0, MSI_CTRL, 1, MSI_MME(0) | MSI_EN);
    EXPECT_EVENTS(EV_BIND(0x1ULL << 32 | G_MSI_ADDR, G_MSI_DATA, 1));
    g_write(G0, MSI_CTRL, 1, 0);
    EXPECT_EVENTS(EV_UNBIND(0x1ULL << 32 | G_MSI_ADDR, G_MSI_DATA, 1));
    assert_int_equal(writes_in(MSI, MSI + MSI_LEN), 0);
}

/* Turning MSI off unbinds the vectors that were bound. */
static void test_msi_disable_unbinds_what_was_bound(void **state)
{
    assign(G0, 0);
    guest_msi_on(G0, 2);
    /* A guest that writes the whole control as 0 (MME 0 with it). */
    g_write(G0, MSI_CTRL, 2, 0);
    EXPECT_EVENTS(EV_UNBIND(G_MSI_ADDR, G_MSI_DATA, 4));

    guest_msi_on(G0, 3);
    g_write(G0, MSI_CTRL, 1, 0);
    EXPECT_EVENTS(EV_UNBIND(G_MSI_ADDR, G_MSI_DATA, 8));
}

static void test_msi_mme_clamp(void **state)
{
    unsigned int mme, got;

    assign(G0, 0);
    g_write(G0, MSI_ADDR, 4, G_MSI_ADDR);
    g_write(G0, MSI_DATA, 2, G_MSI_DATA);
    for ( mme = 0; mme < 8; mme++ )
    {
        got = mme < 3 ? mme : 3;
        g_write(G0, MSI_CTRL, 2, MSI_MME(mme) | MSI_EN);
        EXPECT_EVENTS(EV_BIND(G_MSI_ADDR, G_MSI_DATA, 1U << got));
        assert_int_equal(g_read(G0, MSI_CTRL, 2),
                         H_MSI_CTRL | MSI_MME(got) | MSI_EN);
        guest_msi_off(G0);
        EXPECT_EVENTS(EV_UNBIND(G_MSI_ADDR, G_MSI_DATA, 1U << got));
    }
    /* MME written with MSI off is clamped too. */
    g_write(G0, MSI_CTRL, 2, MSI_MME(7));
    assert_int_equal(g_read(G0, MSI_CTRL, 2), H_MSI_CTRL | MSI_MME(3));
    expect_no_events();
    assert_int_equal(xecam_vpci_irq_errors(dev), 0);
}

/* XSA-157/237: ENABLE written while on binds nothing more, and counts. */
static void test_msi_double_enable(void **state)
{
    unsigned int i, lines;

    assign(G0, 0);
    guest_msi_on(G0, 1);
    xecam_user_pdev_log_clear();
    assert_int_equal(xecam_vpci_irq_errors(dev), 0);

    g_write(G0, MSI_CTRL, 2, MSI_MME(3) | MSI_EN);
    expect_no_events();
    assert_int_equal(xecam_vpci_irq_errors(dev), 1);
    assert_int_equal(g_read(G0, MSI_CTRL, 2),
                     H_MSI_CTRL | MSI_MME(1) | MSI_EN);

    g_write(G0, MSI_CTRL, 1, MSI_EN);
    g_write(G0, MSI, 4, (MSI_MME(0) | MSI_EN) << 16);
    expect_no_events();
    assert_int_equal(xecam_vpci_irq_errors(dev), 3);
    assert_int_equal(g_read(G0, MSI_CTRL, 2),
                     H_MSI_CTRL | MSI_MME(1) | MSI_EN);

    /* A flood: counted, logged with a rate limit. */
    xecam_user_log_clear();
    for ( i = 0; i < 100; i++ )
        g_write(G0, MSI_CTRL, 2, MSI_MME(2) | MSI_EN);
    expect_no_events();
    assert_int_equal(xecam_vpci_irq_errors(dev), 103);
    lines = xecam_user_log_count("enabled again");
    assert_true(lines >= 1 && lines <= 10);

    /* Still one binding of 2 vectors. */
    assert_int_equal(writes_in(MSI, MSI + MSI_LEN), 0);
    guest_msi_off(G0);
    EXPECT_EVENTS(EV_UNBIND(G_MSI_ADDR, G_MSI_DATA, 2));
}

/* Address or data written while MSI is on: a rebind with the new values. */
static void test_msi_rebind(void **state)
{
    unsigned long errors;

    assign(G0, 0);
    guest_msi_on(G0, 2);

    g_write(G0, MSI_ADDR, 4, G_MSI_ADDR);       /* unchanged */
    g_write(G0, MSI_DATA, 2, G_MSI_DATA);
    expect_no_events();
    g_write(G0, MSI_ADDR, 4, 0xfee02000U);
    EXPECT_EVENTS(EV_BIND(0xfee02000U, G_MSI_DATA, 4));
    g_write(G0, MSI_DATA, 2, 0x4042);
    EXPECT_EVENTS(EV_BIND(0xfee02000U, 0x4042, 4));
    g_write(G0, MSI_ADDR_HI, 4, 1);
    EXPECT_EVENTS(EV_BIND(0x1fee02000ULL, 0x4042, 4));
    g_write(G0, MSI_ADDR_HI, 4, 0);
    EXPECT_EVENTS(EV_BIND(0xfee02000U, 0x4042, 4));
    g_write(G0, MSI_ADDR + 1, 1, 0x30);
    EXPECT_EVENTS(EV_BIND(0xfee03000U, 0x4042, 4));
    /* Mask bits are not part of the binding: the host masks each vector. */
    g_write(G0, MSI_MASK, 4, 0xff);
    assert_int_equal(g_read(G0, MSI_MASK, 4) & 0xff, 0xff);
    EXPECT_EVENTS(EV_MASK(1000, true), EV_MASK(1001, true),
                  EV_MASK(1002, true), EV_MASK(1003, true));
    g_write(G0, MSI_MASK, 4, 0xfd);
    EXPECT_EVENTS(EV_MASK(1001, false));

    /* A rebind the host refuses: counted, guest's values kept. */
    errors = xecam_vpci_irq_errors(dev);
    xecam_user_fault_arm(XECAM_FAULT_HOOK, 1);
    g_write(G0, MSI_DATA, 2, 0x4043);
    assert_true(xecam_user_fault_fired());
    xecam_user_fault_arm(0, 0);
    expect_no_events();
    assert_int_equal(xecam_vpci_irq_errors(dev), errors + 1);
    assert_int_equal(g_read(G0, MSI_DATA, 2), 0x4043);
    g_write(G0, MSI_DATA, 2, 0x4042);
    EXPECT_EVENTS(EV_BIND(0xfee03000U, 0x4042, 4));

    guest_msi_off(G0);
    EXPECT_EVENTS(EV_UNBIND(0xfee03000U, 0x4042, 4));
    /* With MSI off, address and data bind nothing. */
    g_write(G0, MSI_ADDR, 4, 0xfee04000U);
    g_write(G0, MSI_DATA, 2, 0x4044);
    expect_no_events();
    assert_int_equal(writes_in(MSI, MSI + MSI_LEN), 0);
}

static void test_msi_host_refuses(void **state)
{
    assign(G0, 0);
    g_write(G0, MSI_ADDR, 4, G_MSI_ADDR);
    g_write(G0, MSI_DATA, 2, G_MSI_DATA);

    xecam_user_fault_arm(XECAM_FAULT_HOOK, 1);
    g_write(G0, MSI_CTRL, 2, MSI_MME(2) | MSI_EN);
    assert_true(xecam_user_fault_fired());
    xecam_user_fault_arm(0, 0);
    assert_int_equal(g_read(G0, MSI_CTRL, 2) & MSI_EN, 0);
    assert_int_equal(xecam_vpci_irq_errors(dev), 1);
    expect_no_events();
    /* Not on: INTx is not forced off either. */
    h_expect_writes(HOST, NULL, 0, __func__);
    assert_int_equal(hw(0x04, 2), H_CMD);

    g_write(G0, MSI_CTRL, 2, MSI_MME(2) | MSI_EN);
    EXPECT_EVENTS(EV_BIND(G_MSI_ADDR, G_MSI_DATA, 4));
    H_EXPECT_WRITES(HOST, __func__, { 0x05, 1, (H_CMD | CMD_INTX) >> 8 });
}

/* One interrupt type at a time. */
static void test_msi_msix_exclusive(void **state)
{
    assign(G0, 0);
    g_write(G0, MSIX_CTRL, 2, MSIX_EN);
    EXPECT_EVENTS(EV_MSIX(true, false));

    g_write(G0, MSI_ADDR, 4, G_MSI_ADDR);
    g_write(G0, MSI_DATA, 2, G_MSI_DATA);
    g_write(G0, MSI_CTRL, 2, MSI_EN);
    expect_no_events();
    assert_int_equal(g_read(G0, MSI_CTRL, 2) & MSI_EN, 0);
    assert_int_equal(xecam_vpci_irq_errors(dev), 1);
    assert_int_equal(hw(0x04, 2) & CMD_INTX, CMD_INTX);

    g_write(G0, MSIX_CTRL, 2, 0);
    EXPECT_EVENTS(EV_MSIX(false, false));
    assert_int_equal(hw(0x04, 2) & CMD_INTX, 0);

    g_write(G0, MSI_CTRL, 2, MSI_EN);
    EXPECT_EVENTS(EV_BIND(G_MSI_ADDR, G_MSI_DATA, 1));
    g_write(G0, MSIX_CTRL, 2, MSIX_EN);
    expect_no_events();
    assert_int_equal(g_read(G0, MSIX_CTRL, 2), H_MSIX_CTRL);
    assert_int_equal(xecam_vpci_irq_errors(dev), 2);
    g_write(G0, MSIX + 3, 1, (MSIX_EN | MSIX_MASKALL) >> 8);
    assert_int_equal(g_read(G0, MSIX_CTRL, 2) & MSIX_EN, 0);
    assert_int_equal(xecam_vpci_irq_errors(dev), 3);
    xecam_user_events_clear();

    guest_msi_off(G0);
    EXPECT_EVENTS(EV_UNBIND(G_MSI_ADDR, G_MSI_DATA, 1));
    g_write(G0, MSIX_CTRL, 2, MSIX_EN);
    EXPECT_EVENTS(EV_MSIX(true, false));
    assert_int_equal(hw(0x04, 2) & CMD_INTX, CMD_INTX);
    assert_int_equal(writes_in(MSI, MSI + MSI_LEN), 0);
    assert_int_equal(writes_in(MSIX, MSIX + MSIX_LEN), 0);
}

/* While MSI is on the device's INTx is disabled, whatever the guest says. */
static void test_msi_intx_forced(void **state)
{
    assign(G0, 0);
    g_write(G0, 0x04, 2, CMD_MEM | CMD_MASTER);
    assert_int_equal(hw(0x04, 2) & CMD_INTX, 0);
    guest_msi_on(G0, 0);
    assert_int_equal(hw(0x04, 2), H_CMD | CMD_INTX);
    assert_int_equal(g_read(G0, 0x04, 2) & CMD_INTX, 0);

    /*
     * The guest asks for INTx again: still off in the device, never on for
     * a moment: each write reaches the device as one write of the bytes
     * written, INTx-disable in it.
     */
    xecam_user_pdev_log_clear();
    g_write(G0, 0x04, 2, CMD_MEM | CMD_MASTER);
    assert_int_equal(h_dev_log(HOST), 1);
    assert_int_equal(h_wlog[0].reg, 0x04);
    assert_int_equal(h_wlog[0].val & CMD_INTX, CMD_INTX);
    xecam_user_pdev_log_clear();
    g_write(G0, 0x05, 1, 0);
    assert_int_equal(h_dev_log(HOST), 1);
    assert_int_equal(h_wlog[0].reg, 0x05);
    assert_int_equal(h_wlog[0].val & (CMD_INTX >> 8), CMD_INTX >> 8);
    assert_int_equal(hw(0x04, 2) & CMD_INTX, CMD_INTX);

    /* Released with MSI... */
    guest_msi_off(G0);
    assert_int_equal(hw(0x04, 2), H_CMD);

    /* ... to what the guest wants. */
    g_write(G0, 0x04, 2, CMD_MEM | CMD_MASTER | CMD_INTX);
    assert_int_equal(hw(0x04, 2), H_CMD | CMD_INTX);
    g_write(G0, MSI_CTRL, 2, MSI_EN);
    guest_msi_off(G0);
    assert_int_equal(hw(0x04, 2), H_CMD | CMD_INTX);
    assert_int_equal(g_read(G0, 0x04, 2), CMD_MEM | CMD_MASTER | CMD_INTX);
}

/*
 * XSA-337: the device changes its own capability registers behind the
 * emulation.  The guest's view and what the host is asked stay as they
 * were read at assignment (pending bits excepted: they are the device's).
 */
static void test_device_readback_untrusted(void **state)
{
    static const struct {
        uint16_t reg;
        uint8_t size;
        uint32_t val;
    } lie[] = {
        { PMC, 2, 0xffff }, { PMCSR, 2, 0xffff },
        { MSI_CTRL, 2, 0x000f },        /* 32-bit, no mask, MMC 7, on */
        { MSI_ADDR, 4, 0x11111110U }, { MSI_ADDR_HI, 4, 0x22222222U },
        { MSI_DATA, 2, 0x3333 }, { MSI_MASK, 4, 0xffffffffU },
        { MSI_PEND, 4, 0x000000ffU },
        { MSIX_CTRL, 2, 0xc7ff }, { MSIX_TABLE, 4, 0x00000003U },
        { MSIX_PBA, 4, 0xfffffff8U },
        { PCIE_CAPS, 2, 0x0042 }, { PCIE_DEVCAP, 4, 0xffffffffU },
        { PCIE_DEVCTL, 2, 0xffff }, { PCIE_LNKCTL, 2, 0xffff },
    };
    unsigned int i;

    assign(G0, 0);
    assert_int_equal(xecam_user_pdev_masks(HOST, PM, 0x80, 0xff, 0), 0);
    for ( i = 0; i < XECAM_ARRAY_SIZE(lie); i++ )
        assert_int_equal(xecam_port_pci_write(HOST, lie[i].reg, lie[i].size,
                                              lie[i].val), 0);
    xecam_user_pdev_log_clear();

    assert_int_equal(g_read(G0, PMC, 2), 0x0003);
    assert_int_equal(g_read(G0, PMCSR, 2), 0x0000);
    assert_int_equal(g_read(G0, MSI_CTRL, 2), H_MSI_CTRL);
    assert_int_equal(g_read(G0, MSI_ADDR, 4), 0);
    assert_int_equal(g_read(G0, MSI_ADDR_HI, 4), 0);
    assert_int_equal(g_read(G0, MSI_DATA, 2), 0);
    assert_int_equal(g_read(G0, MSI_MASK, 4), 0);
    assert_int_equal(g_read(G0, MSI_PEND, 4), 0x000000ffU);
    assert_int_equal(g_read(G0, MSIX_CTRL, 2), H_MSIX_CTRL);
    assert_int_equal(g_read(G0, MSIX_TABLE, 4), H_MSIX_TABLE);
    assert_int_equal(g_read(G0, MSIX_PBA, 4), H_MSIX_PBA);
    assert_int_equal(g_read(G0, PCIE_CAPS, 2), RCIEP_CAPS);
    assert_int_equal(g_read(G0, PCIE_DEVCAP, 4), G_DEVCAP);
    assert_int_equal(g_read(G0, PCIE_DEVCTL, 2), H_DEVCTL);
    assert_int_equal(g_read(G0, PCIE_LNKCTL, 2), 0);

    /* MSI still has the 64-bit layout and 8 vectors at most. */
    g_write(G0, MSI_ADDR, 4, G_MSI_ADDR);
    g_write(G0, MSI_DATA, 2, G_MSI_DATA);
    g_write(G0, MSI_CTRL, 2, MSI_MME(7) | MSI_EN);
    EXPECT_EVENTS(EV_BIND(G_MSI_ADDR, G_MSI_DATA, 8));
    assert_int_equal(g_read(G0, MSI_CTRL, 2),
                     H_MSI_CTRL | MSI_MME(3) | MSI_EN);
    /* The device's own ENABLE does not make this a double enable... */
    guest_msi_off(G0);
    EXPECT_EVENTS(EV_UNBIND(G_MSI_ADDR, G_MSI_DATA, 8));
    /* ... nor does its MSI-X ENABLE refuse MSI, or the reverse. */
    g_write(G0, MSIX_CTRL, 2, MSIX_EN);
    EXPECT_EVENTS(EV_MSIX(true, false));
    g_write(G0, MSIX_CTRL, 2, 0);
    EXPECT_EVENTS(EV_MSIX(false, false));
    assert_int_equal(xecam_vpci_irq_errors(dev), 0);

    assert_int_equal(writes_in(PM, 0x100), 0);
    assert_int_equal(hw(MSI_CTRL, 2), 0x000f);
    assert_int_equal(hw(MSI_DATA, 2), 0x3333);
}

/* The same register tables, for a device whose MSI is 32-bit, unmaskable. */
static void test_msi_32bit_layout(void **state)
{
    uint8_t cfg[XECAM_CFG_SIZE];

    host_cfg(cfg);
    memset(cfg + MSI + 4, 0, MSI_LEN - 4);
    h_put(cfg, MSI_CTRL, 2, 0x0002);      /* MMC 1 */
    start_cfg(cfg);
    assign(G0, 0);
    assert_int_equal(g_read(G0, MSI_CTRL, 2), 0x0002);
    g_write(G0, MSI_ADDR, 4, G_MSI_ADDR);
    g_write(G0, MSI + 8, 2, G_MSI_DATA);
    assert_int_equal(g_read(G0, MSI + 8, 2), G_MSI_DATA);
    g_write(G0, MSI_CTRL, 2, MSI_MME(5) | MSI_EN);
    EXPECT_EVENTS(EV_BIND(G_MSI_ADDR, G_MSI_DATA, 2));
    assert_int_equal(g_read(G0, MSI_CTRL, 2), 0x0002 | MSI_MME(1) | MSI_EN);
    g_write(G0, MSI + 8, 2, 0x4042);
    EXPECT_EVENTS(EV_BIND(G_MSI_ADDR, 0x4042, 2));
    guest_msi_off(G0);
    EXPECT_EVENTS(EV_UNBIND(G_MSI_ADDR, 0x4042, 2));
    assert_int_equal(writes_in(MSI, MSI + MSI_LEN), 0);
}

/* More than 32 vectors: the device lies; MSI is hidden, the rest stays. */
static void test_msi_mmc_invalid_hidden(void **state)
{
    static const uint16_t ctrl[] = { 0x018c, 0x018e, 0x000e };
    static const unsigned int sizes[] = { 1, 2, 4 };
    uint8_t cfg[XECAM_CFG_SIZE];
    unsigned int i, o, s;

    for ( i = 0; i < XECAM_ARRAY_SIZE(ctrl); i++ )
    {
        host_cfg(cfg);
        h_put(cfg, MSI_CTRL, 2, ctrl[i]);
        start_cfg(cfg);
        assign(G0, 0);
        /* PM now leads to MSI-X. */
        assert_int_equal(g_read(G0, PM + 1, 1), MSIX);
        assert_int_equal(g_read(G0, MSIX, 2), H_MSIX_HDR);
        for ( o = MSI; o < MSI + MSI_LEN; o += 4 )
            assert_int_equal(g_read(G0, o, 4), 0);
        for ( o = MSI; o < MSI + MSI_LEN; o++ )
            for ( s = 0; s < XECAM_ARRAY_SIZE(sizes); s++ )
                g_write(G0, o, sizes[s], xecam_ones(sizes[s]));
        for ( o = MSI; o < MSI + MSI_LEN; o += 4 )
            assert_int_equal(g_read(G0, o, 4), 0);
        expect_no_events();
        h_expect_writes(HOST, NULL, 0, __func__);
        teardown(state);
    }

    /* 32 vectors is the most there is: shown. */
    host_cfg(cfg);
    h_put(cfg, MSI_CTRL, 2, 0x018a);
    start_cfg(cfg);
    assign(G0, 0);
    assert_int_equal(g_read(G0, PM + 1, 1), MSI);
    g_write(G0, MSI_ADDR, 4, G_MSI_ADDR);
    g_write(G0, MSI_DATA, 2, G_MSI_DATA);
    g_write(G0, MSI_CTRL, 2, MSI_MME(7) | MSI_EN);
    EXPECT_EVENTS(EV_BIND(G_MSI_ADDR, G_MSI_DATA, 32));
}

/*
 * A hidden MSI hides its own bytes only.  This one is 32-bit and not
 * maskable (10 bytes) and the device packs a Vendor Specific capability
 * right after it: that capability is read-only, so the guest reads all of
 * it from the device.
 */
static void test_msi_hidden_keeps_neighbour(void **state)
{
    uint8_t cfg[XECAM_CFG_SIZE];
    unsigned int i, o;

    host_cfg(cfg);
    memset(cfg + MSI, 0, MSI_LEN);
    h_put(cfg, MSI, 2, (0x5c << 8) | 0x05);
    h_put(cfg, MSI_CTRL, 2, 0x000c);      /* MMC 6: more than 32 vectors */
    h_put(cfg, MSI_ADDR, 4, H_MSI_ADDR);
    h_put(cfg, MSI + 8, 2, H_MSI_DATA);
    h_put(cfg, 0x5c, 2, (MSIX << 8) | 0x09);  /* Vendor Specific, 16 bytes */
    cfg[0x5e] = 0x10;
    for ( i = 0x5f; i < 0x6c; i++ )
        cfg[i] = (uint8_t)(0xc0 + i);
    start_cfg(cfg);
    assign(G0, 0);

    assert_int_equal(g_read(G0, PM + 1, 1), 0x5c);
    for ( o = MSI; o < 0x5c; o += 4 )
        assert_int_equal(g_read(G0, o, 4), 0);
    assert_int_equal(g_read(G0, 0x5c, 4), hw(0x5c, 4));
    for ( o = 0x60; o < 0x6c; o += 4 )
        if ( g_read(G0, o, 4) != hw(o, 4) )
            fail_msg("Vendor Specific byte %#x reads %#x, the device has "
                     "%#x", o, g_read(G0, o, 4), hw(o, 4));
    h_expect_writes(HOST, NULL, 0, __func__);
}

/* ---- MSI-X ---- */

static void test_msix_view(void **state)
{
    assign(G0, 0);
    assert_int_equal(g_read(G0, MSI + 1, 1), MSIX);
    assert_int_equal(g_read(G0, MSIX, 4), (H_MSIX_CTRL << 16) | H_MSIX_HDR);
    assert_int_equal(g_read(G0, MSIX_TABLE, 4), H_MSIX_TABLE);
    assert_int_equal(g_read(G0, MSIX_PBA, 4), H_MSIX_PBA);
    h_expect_writes(HOST, NULL, 0, __func__);
}

static void test_msix_control(void **state)
{
    assign(G0, 0);
    g_write(G0, MSIX_CTRL, 2, MSIX_EN);
    EXPECT_EVENTS(EV_MSIX(true, false));
    assert_int_equal(g_read(G0, MSIX_CTRL, 2), MSIX_EN | H_MSIX_CTRL);
    H_EXPECT_WRITES(HOST, __func__, { 0x05, 1, (H_CMD | CMD_INTX) >> 8 });

    g_write(G0, MSIX_CTRL + 1, 1, (MSIX_EN | MSIX_MASKALL) >> 8);
    EXPECT_EVENTS(EV_MSIX(true, true));
    assert_int_equal(g_read(G0, MSIX_CTRL, 2),
                     MSIX_EN | MSIX_MASKALL | H_MSIX_CTRL);
    g_write(G0, MSIX_CTRL, 2, MSIX_EN);
    EXPECT_EVENTS(EV_MSIX(true, false));
    /* The low byte holds only the table size. */
    g_write(G0, MSIX_CTRL, 1, 0xff);
    expect_no_events();
    assert_int_equal(g_read(G0, MSIX_CTRL, 2), MSIX_EN | H_MSIX_CTRL);
    g_write(G0, MSIX, 4, ((MSIX_EN | MSIX_MASKALL) << 16) | 0xffff);
    EXPECT_EVENTS(EV_MSIX(true, true));
    h_expect_writes(HOST, NULL, 0, __func__);

    g_write(G0, MSIX_CTRL, 2, 0);
    EXPECT_EVENTS(EV_MSIX(false, false));
    assert_int_equal(g_read(G0, MSIX_CTRL, 2), H_MSIX_CTRL);
    H_EXPECT_WRITES(HOST, __func__, { 0x05, 1, H_CMD >> 8 });

    /* Mask-all alone, with MSI-X off. */
    g_write(G0, MSIX_CTRL, 2, MSIX_MASKALL);
    EXPECT_EVENTS(EV_MSIX(false, true));
    assert_int_equal(g_read(G0, MSIX_CTRL, 2), MSIX_MASKALL | H_MSIX_CTRL);
    g_write(G0, MSIX_CTRL, 2, 0);
    EXPECT_EVENTS(EV_MSIX(false, false));
    h_expect_writes(HOST, NULL, 0, __func__);
    assert_int_equal(hw(MSIX_CTRL, 2), H_MSIX_CTRL);
    assert_int_equal(xecam_vpci_irq_errors(dev), 0);
}

static void test_msix_double_enable(void **state)
{
    assign(G0, 0);
    g_write(G0, MSIX_CTRL, 2, MSIX_EN);
    EXPECT_EVENTS(EV_MSIX(true, false));
    g_write(G0, MSIX_CTRL, 2, MSIX_EN);
    expect_no_events();
    assert_int_equal(xecam_vpci_irq_errors(dev), 1);
    assert_int_equal(g_read(G0, MSIX_CTRL, 2), MSIX_EN | H_MSIX_CTRL);
    g_write(G0, MSIX, 4, MSIX_EN << 16);
    expect_no_events();
    assert_int_equal(xecam_vpci_irq_errors(dev), 2);

    /* A change of mask-all is not a second enable. */
    g_write(G0, MSIX_CTRL, 2, MSIX_EN | MSIX_MASKALL);
    EXPECT_EVENTS(EV_MSIX(true, true));
    assert_int_equal(xecam_vpci_irq_errors(dev), 2);
    g_write(G0, MSIX_CTRL + 1, 1, (MSIX_EN | MSIX_MASKALL) >> 8);
    expect_no_events();
    assert_int_equal(xecam_vpci_irq_errors(dev), 3);
    assert_int_equal(writes_in(MSIX, MSIX + MSIX_LEN), 0);
}

static void test_msix_host_refuses(void **state)
{
    assign(G0, 0);
    xecam_user_fault_arm(XECAM_FAULT_HOOK, 1);
    g_write(G0, MSIX_CTRL, 2, MSIX_EN);
    assert_true(xecam_user_fault_fired());
    xecam_user_fault_arm(0, 0);
    assert_int_equal(g_read(G0, MSIX_CTRL, 2), H_MSIX_CTRL);
    assert_int_equal(xecam_vpci_irq_errors(dev), 1);
    expect_no_events();
    h_expect_writes(HOST, NULL, 0, __func__);

    g_write(G0, MSIX_CTRL, 2, MSIX_EN);
    EXPECT_EVENTS(EV_MSIX(true, false));
    xecam_user_pdev_log_clear();

    xecam_user_fault_arm(XECAM_FAULT_HOOK, 1);
    g_write(G0, MSIX_CTRL, 2, MSIX_EN | MSIX_MASKALL);
    assert_true(xecam_user_fault_fired());
    assert_int_equal(g_read(G0, MSIX_CTRL, 2), MSIX_EN | H_MSIX_CTRL);
    assert_int_equal(xecam_vpci_irq_errors(dev), 2);

    xecam_user_fault_arm(XECAM_FAULT_HOOK, 1);
    g_write(G0, MSIX_CTRL, 2, 0);
    assert_true(xecam_user_fault_fired());
    xecam_user_fault_arm(0, 0);
    assert_int_equal(g_read(G0, MSIX_CTRL, 2), MSIX_EN | H_MSIX_CTRL);
    assert_int_equal(xecam_vpci_irq_errors(dev), 3);
    assert_int_equal(hw(0x04, 2) & CMD_INTX, CMD_INTX);
    expect_no_events();
    h_expect_writes(HOST, NULL, 0, __func__);

    g_write(G0, MSIX_CTRL, 2, 0);
    EXPECT_EVENTS(EV_MSIX(false, false));
    H_EXPECT_WRITES(HOST, __func__, { 0x05, 1, H_CMD >> 8 });
}

static void test_msix_table_pba_read_only(void **state)
{
    static const uint32_t vals[] = { 0xffffffffU, 0, 0x12345678U };
    static const unsigned int sizes[] = { 1, 2, 4 };
    unsigned int v, o, s;

    assign(G0, 0);
    for ( v = 0; v < XECAM_ARRAY_SIZE(vals); v++ )
        for ( o = MSIX_TABLE; o < MSIX + MSIX_LEN; o++ )
            for ( s = 0; s < XECAM_ARRAY_SIZE(sizes); s++ )
            {
                if ( o & (sizes[s] - 1) )
                    continue;
                g_write(G0, o, sizes[s], vals[v] & xecam_ones(sizes[s]));
                assert_int_equal(g_read(G0, MSIX_TABLE, 4), H_MSIX_TABLE);
                assert_int_equal(g_read(G0, MSIX_PBA, 4), H_MSIX_PBA);
            }
    /* The table size is read-only too. */
    g_write(G0, MSIX_CTRL, 2, 0x07ff);
    assert_int_equal(g_read(G0, MSIX_CTRL, 2), H_MSIX_CTRL);
    h_expect_writes(HOST, NULL, 0, __func__);
    expect_no_events();
}

/* A table or PBA that is not inside an implemented memory BAR: hidden. */
static void test_msix_bad_layout_hidden(void **state)
{
    static const struct {
        uint32_t table, pba;
        bool io2;                               /* BAR2: 64 KiB of I/O */
        bool shown;
    } t[] = {
        { 0x00000001U, 0x00001000U, false, false }, /* BIR 1: BAR0's top */
        { 0x00000002U, 0x00001000U, false, false }, /* BIR 2: unimplemented */
        { 0x00000002U, 0x00001000U, true, false },  /* BIR 2: I/O */
        { 0x00000000U, 0x00000002U, true, false },  /* PBA in I/O */
        { 0x00000006U, 0x00001000U, false, false }, /* BIR 6: reserved */
        { 0x00000007U, 0x00001000U, false, false }, /* BIR 7: reserved */
        { 0x00003f90U, 0x00001000U, false, false }, /* 8 entries past 16 K */
        { 0x00004000U, 0x00001000U, false, false },
        { 0xfffffff8U, 0x00001000U, false, false },
        { 0x00000000U, 0x00004000U, false, false }, /* PBA past the end */
        { 0x00000000U, 0x00001005U, false, false }, /* PBA in BAR 5 */
        { 0x00003f80U, 0x00001000U, true, true },   /* ends at the end */
        { 0x00000000U, 0x00003ff8U, false, true },  /* last PBA qword */
    };
    uint8_t cfg[XECAM_CFG_SIZE];
    unsigned int i;

    for ( i = 0; i < XECAM_ARRAY_SIZE(t); i++ )
    {
        host_cfg(cfg);
        h_put(cfg, MSIX_TABLE, 4, t[i].table);
        h_put(cfg, MSIX_PBA, 4, t[i].pba);
        if ( t[i].io2 )
            h_put(cfg, 0x18, 4, 0x00000001U);
        start_cfg(cfg);
        if ( t[i].io2 )
            assert_int_equal(xecam_user_pdev_bar(HOST, 2, 0x10000), 0);
        assign(G0, 0);
        if ( t[i].shown )
        {
            assert_int_equal(g_read(G0, MSI + 1, 1), MSIX);
            assert_int_equal(g_read(G0, MSIX_TABLE, 4), t[i].table);
            assert_int_equal(g_read(G0, MSIX_PBA, 4), t[i].pba);
            g_write(G0, MSIX_CTRL, 2, MSIX_EN);
            EXPECT_EVENTS(EV_MSIX(true, false));
        }
        else
        {
            if ( g_read(G0, MSI + 1, 1) != PCIE )
                fail_msg("table %#x, PBA %#x: MSI's next is %#x", t[i].table,
                         t[i].pba, g_read(G0, MSI + 1, 1));
            assert_int_equal(g_read(G0, PCIE, 2), 0x0010);
            assert_int_equal(g_read(G0, MSIX, 4), 0);
            assert_int_equal(g_read(G0, MSIX_TABLE, 4), 0);
            assert_int_equal(g_read(G0, MSIX_PBA, 4), 0);
            g_write(G0, MSIX_CTRL, 2, MSIX_EN | MSIX_MASKALL);
            g_write(G0, MSIX, 4, 0xffffffffU);
            assert_int_equal(g_read(G0, MSIX, 4), 0);
            expect_no_events();
            h_expect_writes(HOST, NULL, 0, __func__);
        }
        teardown(state);
    }
}

/* ---- PCI Express ---- */

/* On bus 0 an endpoint reads as an RCiEP: no link, slot or root. */
static void test_pcie_rciep_bus0(void **state)
{
    unsigned int o;

    assign(G0, 0);
    assert_int_equal(g_read(G0, MSIX + 1, 1), PCIE);
    assert_int_equal(g_read(G0, PCIE, 4), (RCIEP_CAPS << 16) | 0x0010);
    assert_int_equal(g_read(G0, PCIE_DEVCAP, 4), G_DEVCAP);
    assert_int_equal(g_read(G0, PCIE_DEVCTL, 2), H_DEVCTL);
    assert_int_equal(g_read(G0, PCIE_DEVSTA, 2), H_DEVSTA);
    assert_int_equal(g_read(G0, PCIE_LNKCAP, 4), 0);
    assert_int_equal(g_read(G0, PCIE_LNKCTL, 2), 0);
    assert_int_equal(g_read(G0, PCIE_LNKSTA, 2), 0);
    for ( o = PCIE_SLOT; o < PCIE_DEVCAP2; o += 4 )
        assert_int_equal(g_read(G0, o, 4), 0);
    assert_int_equal(g_read(G0, PCIE_DEVCAP2, 4), H_DEVCAP2);
    assert_int_equal(g_read(G0, PCIE_DEVCTL2, 2), H_DEVCTL2);
    assert_int_equal(g_read(G0, PCIE_DEVSTA2, 2), 0);
    assert_int_equal(g_read(G0, PCIE_LNKCAP2, 4), 0);
    assert_int_equal(g_read(G0, PCIE_LNKCTL2, 2), 0);
    assert_int_equal(g_read(G0, PCIE_LNKSTA2, 2), 0);
    for ( o = PCIE_SLOT2; o < PCIE + PCIE_LEN; o += 4 )
        assert_int_equal(g_read(G0, o, 4), 0);

    /* Writes there change nothing and reach nothing. */
    for ( o = PCIE_LNKCAP; o < PCIE_DEVCAP2; o += 2 )
    {
        g_write(G0, o, 2, 0xffff);
        assert_int_equal(g_read(G0, o, 2), 0);
    }
    for ( o = PCIE_DEVSTA2; o < PCIE + PCIE_LEN; o += 2 )
    {
        g_write(G0, o, 2, 0xffff);
        assert_int_equal(g_read(G0, o, 2), 0);
    }
    g_write(G0, PCIE_CAPS, 2, 0);
    g_write(G0, PCIE_DEVCAP, 4, 0xffffffffU);
    assert_int_equal(g_read(G0, PCIE_CAPS, 2), RCIEP_CAPS);
    assert_int_equal(g_read(G0, PCIE_DEVCAP, 4), G_DEVCAP);
    h_expect_writes(HOST, NULL, 0, __func__);
    expect_no_events();
}

/* An endpoint keeping its type: link registers from the device/guest. */
static void check_endpoint_view(uint32_t g)
{
    unsigned int o;

    assert_int_equal(g_read(g, PCIE, 4), (H_PCIE_CAPS << 16) | 0x0010);
    assert_int_equal(g_read(g, PCIE_DEVCAP, 4), G_DEVCAP);
    assert_int_equal(g_read(g, PCIE_DEVCTL, 2), H_DEVCTL);
    assert_int_equal(g_read(g, PCIE_LNKCAP, 4), H_LNKCAP);
    assert_int_equal(g_read(g, PCIE_LNKCTL, 2), H_LNKCTL);
    assert_int_equal(g_read(g, PCIE_LNKSTA, 2), H_LNKSTA);
    for ( o = PCIE_SLOT; o < PCIE_DEVCAP2; o += 4 )
        assert_int_equal(g_read(g, o, 4), 0);
    assert_int_equal(g_read(g, PCIE_DEVCAP2, 4), H_DEVCAP2);
    assert_int_equal(g_read(g, PCIE_DEVCTL2, 2), H_DEVCTL2);
    assert_int_equal(g_read(g, PCIE_DEVSTA2, 2), 0);
    assert_int_equal(g_read(g, PCIE_LNKCAP2, 4), H_LNKCAP2);
    assert_int_equal(g_read(g, PCIE_LNKCTL2, 2), H_LNKCTL2);
    assert_int_equal(g_read(g, PCIE_LNKSTA2, 2), H_LNKSTA2);
    for ( o = PCIE_SLOT2; o < PCIE + PCIE_LEN; o += 4 )
        assert_int_equal(g_read(g, o, 4), 0);

    /* Link Control and Link Control 2 are the guest's. */
    g_write(g, PCIE_LNKCTL, 2, 0x0003);
    assert_int_equal(g_read(g, PCIE_LNKCTL, 2), 0x0003);
    g_write(g, PCIE_LNKCTL + 1, 1, 0x01);
    assert_int_equal(g_read(g, PCIE_LNKCTL, 2), 0x0103);
    g_write(g, PCIE_LNKCTL2, 2, 0x0001);
    assert_int_equal(g_read(g, PCIE_LNKCTL2, 2), 0x0001);
    /* Link capabilities and status are the device's, read-only. */
    g_write(g, PCIE_LNKCAP, 4, 0);
    g_write(g, PCIE_LNKSTA, 2, 0xffff);
    g_write(g, PCIE_LNKCAP2, 4, 0);
    g_write(g, PCIE_LNKSTA2, 2, 0xffff);
    assert_int_equal(g_read(g, PCIE_LNKCAP, 4), H_LNKCAP);
    assert_int_equal(g_read(g, PCIE_LNKSTA, 2), H_LNKSTA);
    assert_int_equal(g_read(g, PCIE_LNKCAP2, 4), H_LNKCAP2);
    assert_int_equal(g_read(g, PCIE_LNKSTA2, 2), H_LNKSTA2);
    /* Slot registers stay 0. */
    g_write(g, PCIE_SLOT, 4, 0xffffffffU);
    g_write(g, PCIE_SLOT + 4, 4, 0xffffffffU);
    assert_int_equal(g_read(g, PCIE_SLOT, 4), 0);
    assert_int_equal(g_read(g, PCIE_SLOT + 4, 4), 0);

    h_expect_writes(HOST, NULL, 0, __func__);
    expect_no_events();
    assert_int_equal(hw(PCIE_LNKCTL, 2), H_LNKCTL);
    assert_int_equal(hw(PCIE_LNKCTL2, 2), H_LNKCTL2);
}

static void test_pcie_no_rciep(void **state)
{
    assign(G0, XECAM_ASSIGN_NO_RCIEP);
    check_endpoint_view(G0);
}

static void test_pcie_bus1(void **state)
{
    assert_int_equal(xecam_add_root_port(d, G_PORT, 1), 0);
    assign(G_BUS1, 0);
    check_endpoint_view(G_BUS1);
}

static void test_pcie_devctl_virtual(void **state)
{
    assign(G0, 0);
    g_write(G0, PCIE_DEVCTL, 2, 0x0000);
    assert_int_equal(g_read(G0, PCIE_DEVCTL, 2), 0x0000);
    g_write(G0, PCIE_DEVCTL, 1, 0x1f);
    assert_int_equal(g_read(G0, PCIE_DEVCTL, 2), 0x001f);
    g_write(G0, PCIE_DEVCTL + 1, 1, 0x50);
    assert_int_equal(g_read(G0, PCIE_DEVCTL, 2), 0x501f);
    g_write(G0, PCIE_DEVCTL, 2, 0x7fff);
    assert_int_equal(g_read(G0, PCIE_DEVCTL, 2), 0x7fff);
    g_write(G0, PCIE_DEVCTL, 4, 0x00000010U);   /* DEVSTA: 0s clear none */
    assert_int_equal(g_read(G0, PCIE_DEVCTL, 2), 0x0010);

    g_write(G0, PCIE_DEVCTL2, 2, 0xffff);
    assert_int_equal(g_read(G0, PCIE_DEVCTL2, 2), 0xffff);
    g_write(G0, PCIE_DEVCTL2 + 1, 1, 0);
    assert_int_equal(g_read(G0, PCIE_DEVCTL2, 2), 0x00ff);

    h_expect_writes(HOST, NULL, 0, __func__);
    expect_no_events();
    assert_int_equal(hw(PCIE_DEVCTL, 2), H_DEVCTL);
    assert_int_equal(hw(PCIE_DEVCTL2, 2), H_DEVCTL2);
    assert_int_equal(hw(PCIE_DEVSTA, 2), H_DEVSTA);
}

/* Initiate FLR: the host resets the function; never a raw write. */
static void test_pcie_flr(void **state)
{
    assign(G0, 0);
    guest_decode_on(G0);
    g_write(G0, MSIX_CTRL, 2, MSIX_EN);
    EXPECT_EVENTS(EV_MSIX(true, false));
    g_write(G0, PCIE_DEVCTL2, 2, 0x0010);
    g_write(G0, 0x3c, 1, 0x0b);
    xecam_user_pdev_log_clear();

    g_write(G0, PCIE_DEVCTL, 2, DEVCTL_FLR | 0x2017);
    EXPECT_EVENTS(EV_RESET(), EV_MSIX(false, false));
    assert_int_equal(g_read(G0, PCIE_DEVCTL, 2), H_DEVCTL);
    assert_int_equal(g_read(G0, PCIE_DEVCTL2, 2), H_DEVCTL2);
    assert_int_equal(g_read(G0, 0x04, 2), CMD_MASTER);
    assert_int_equal(g_read(G0, 0x10, 4), 0x00000004);
    assert_int_equal(g_read(G0, 0x3c, 1), 0);
    assert_int_equal(g_read(G0, MSIX_CTRL, 2), H_MSIX_CTRL);
    assert_int_equal(nmaps(), 0);
    H_EXPECT_WRITES(HOST, __func__, { 0x05, 1, H_CMD >> 8 });
    assert_int_equal(hw(PCIE_DEVCTL, 2), H_DEVCTL);

    /* A byte write of the bit alone. */
    g_write(G0, PCIE_DEVCTL + 1, 1, DEVCTL_FLR >> 8);
    EXPECT_EVENTS(EV_RESET());
    assert_int_equal(g_read(G0, PCIE_DEVCTL, 2), H_DEVCTL);

    /* With MSI on. */
    guest_msi_on(G0, 2);
    xecam_user_pdev_log_clear();
    g_write(G0, PCIE_DEVCTL, 4, DEVCTL_FLR);
    EXPECT_EVENTS(EV_RESET(), EV_UNBIND(G_MSI_ADDR, G_MSI_DATA, 4));
    assert_int_equal(g_read(G0, MSI_CTRL, 2), H_MSI_CTRL);
    assert_int_equal(g_read(G0, PCIE_DEVCTL, 2), H_DEVCTL);
    H_EXPECT_WRITES(HOST, __func__, { 0x05, 1, H_CMD >> 8 });

    /* Refused by the host: the bit reads 0, nothing is reset. */
    guest_msi_on(G0, 1);
    xecam_user_pdev_log_clear();
    xecam_user_fault_arm(XECAM_FAULT_HOOK, 1);
    g_write(G0, PCIE_DEVCTL, 2, DEVCTL_FLR | 0x0010);
    assert_true(xecam_user_fault_fired());
    xecam_user_fault_arm(0, 0);
    expect_no_events();
    assert_int_equal(g_read(G0, PCIE_DEVCTL, 2), 0x0010);
    assert_int_equal(g_read(G0, MSI_CTRL, 2),
                     H_MSI_CTRL | MSI_MME(1) | MSI_EN);
    h_expect_writes(HOST, NULL, 0, __func__);
    assert_int_equal(hw(PCIE_DEVCTL, 2), H_DEVCTL);
}

/* Device Status error bits: RW1C, and exactly that reaches the device. */
static void test_pcie_devsta_rw1c(void **state)
{
    assign(G0, 0);
    assert_int_equal(g_read(G0, PCIE_DEVSTA, 2), H_DEVSTA);

    g_write(G0, PCIE_DEVSTA, 2, 0x0005);
    H_EXPECT_WRITES(HOST, __func__, { PCIE_DEVSTA, 2, 0x0025 });
    assert_int_equal(hw(PCIE_DEVSTA, 2), 0x002a);
    assert_int_equal(g_read(G0, PCIE_DEVSTA, 2), 0x002a);

    /* Bits that are not error bits: nothing to write. */
    g_write(G0, PCIE_DEVSTA, 2, 0xfff0);
    g_write(G0, PCIE_DEVSTA + 1, 1, 0xff);
    h_expect_writes(HOST, NULL, 0, __func__);
    assert_int_equal(hw(PCIE_DEVSTA, 2), 0x002a);

    g_write(G0, PCIE_DEVSTA, 1, 0x08);
    H_EXPECT_WRITES(HOST, __func__, { PCIE_DEVSTA, 1, 0x28 });
    assert_int_equal(hw(PCIE_DEVSTA, 2), 0x0022);

    /* In a dword with Device Control: only Device Status reaches it. */
    g_write(G0, PCIE_DEVCTL, 4, (0xffffU << 16) | H_DEVCTL);
    H_EXPECT_WRITES(HOST, __func__, { PCIE_DEVSTA, 2, 0x002f });
    assert_int_equal(hw(PCIE_DEVSTA, 2), 0x0020);
    assert_int_equal(g_read(G0, PCIE_DEVSTA, 2), 0x0020);
    assert_int_equal(hw(PCIE_DEVCTL, 2), H_DEVCTL);
    expect_no_events();
}

/* Ports, switches and bridges: their PCI Express capability is hidden. */
static void test_pcie_port_hidden(void **state)
{
    static const struct {
        uint8_t type;
        bool shown;
    } t[] = {
        { 0x4, false }, { 0x5, false }, { 0x6, false }, { 0x7, false },
        { 0x8, false }, { 0xa, false }, { 0x1, true }, { 0x9, true },
    };
    uint8_t cfg[XECAM_CFG_SIZE];
    unsigned int i, o;

    for ( i = 0; i < XECAM_ARRAY_SIZE(t); i++ )
    {
        host_cfg(cfg);
        h_put(cfg, PCIE_CAPS, 2, 0x0002 | (t[i].type << 4));
        start_cfg(cfg);
        assign(G0, 0);
        if ( t[i].shown )
        {
            assert_int_equal(g_read(G0, MSIX + 1, 1), PCIE);
            assert_int_equal(g_read(G0, PCIE_CAPS, 2), RCIEP_CAPS);
        }
        else
        {
            if ( g_read(G0, MSIX + 1, 1) != 0 )
                fail_msg("type %#x: MSI-X's next is %#x", t[i].type,
                         g_read(G0, MSIX + 1, 1));
            for ( o = PCIE; o < PCIE + PCIE_LEN; o += 4 )
                assert_int_equal(g_read(G0, o, 4), 0);
            g_write(G0, PCIE_DEVCTL, 4, 0xffffffffU);
            g_write(G0, PCIE_LNKCTL, 2, 0xffff);
            for ( o = PCIE; o < PCIE + PCIE_LEN; o += 4 )
                assert_int_equal(g_read(G0, o, 4), 0);
            expect_no_events();
            h_expect_writes(HOST, NULL, 0, __func__);
        }
        teardown(state);
    }
}

/* ---- Deassignment (XSA-302/306) ---- */

static void test_deassign_msi(void **state)
{
    assign(G0, 0);
    guest_decode_on(G0);
    guest_msi_on(G0, 2);
    xecam_user_pdev_log_clear();
    assert_int_equal(hw(0x04, 2), H_CMD | CMD_INTX);

    assert_int_equal(xecam_deassign_device(d, G0), 0);
    EXPECT_EVENTS(EV_UNBIND(G_MSI_ADDR, G_MSI_DATA, 4));
    assert_int_equal(nmaps(), 0);
    /* Command as the host left it, never mastering: INTx released too. */
    H_EXPECT_WRITES(HOST, __func__, { 0x04, 2, H_CMD & ~CMD_MASTER });
    assert_int_equal(g_read(G0, 0x00, 4), 0xffffffffU);

    /* A new assignment starts from reset. */
    assign(G0, 0);
    assert_int_equal(g_read(G0, MSI_CTRL, 2), H_MSI_CTRL);
    assert_int_equal(g_read(G0, MSI_ADDR, 4), 0);
    assert_int_equal(g_read(G0, MSI_DATA, 2), 0);
    assert_int_equal(g_read(G0, 0x04, 2) & CMD_MEM, 0);
    assert_int_equal(g_read(G0, 0x10, 4), 0x00000004);
    assert_int_equal(nmaps(), 0);
    /* MSI can be enabled again: nothing thinks it still is. */
    guest_msi_on(G0, 0);
    assert_int_equal(xecam_vpci_irq_errors(dev), 0);
}

static void test_deassign_msix(void **state)
{
    assign(G0, 0);
    guest_decode_on(G0);
    g_write(G0, MSIX_CTRL, 2, MSIX_EN | MSIX_MASKALL);
    EXPECT_EVENTS(EV_MSIX(true, true));
    xecam_user_pdev_log_clear();

    assert_int_equal(xecam_deassign_device(d, G0), 0);
    EXPECT_EVENTS(EV_MSIX(false, false));
    assert_int_equal(nmaps(), 0);
    /* Command as the host left it, never mastering: INTx released too. */
    H_EXPECT_WRITES(HOST, __func__, { 0x04, 2, H_CMD & ~CMD_MASTER });

    assign(G0, 0);
    assert_int_equal(g_read(G0, MSIX_CTRL, 2), H_MSIX_CTRL);
    g_write(G0, MSIX_CTRL, 2, MSIX_EN);
    EXPECT_EVENTS(EV_MSIX(true, false));
    assert_int_equal(xecam_vpci_irq_errors(dev), 0);
}

/*
 * A power state the guest chose does not survive either: the next
 * assignment shows D0, so the device must be back in D0 (asked of the
 * host as a power change or a reset).
 */
static void test_deassign_d3hot(void **state)
{
    unsigned int i, n;
    bool d0 = false;

    assign(G0, 0);
    g_write(G0, PMCSR, 2, 0x0003);
    EXPECT_EVENTS(EV_POWER(3));

    assert_int_equal(xecam_deassign_device(d, G0), 0);
    n = xecam_user_events(evs, MAX_EVENTS);
    for ( i = 0; i < n; i++ )
        if ( evs[i].sbdf == HOST &&
             ((evs[i].kind == XECAM_EV_POWER && evs[i].count == 0) ||
              evs[i].kind == XECAM_EV_RESET) )
            d0 = true;
    xecam_user_events_clear();
    assign(G0, 0);
    assert_int_equal(g_read(G0, PMCSR, 2), 0x0000);
    if ( !d0 )
        fail_msg("deassigned in D3hot: the host was never asked for D0, "
                 "yet the next guest reads D0");
}

/* ---- XSA sweep ---- */

/* Where guest writes may reach this device at all. */
static bool write_allowed(const struct xecam_user_pci_write *w)
{
    return (w->reg >= 0x04 && w->reg + w->size <= 0x08) ||   /* Cmd, Sta */
           (w->reg == 0x0c && w->size == 1) ||               /* cache line */
           (w->reg == 0x0f && w->size == 1) ||               /* BIST */
           (w->reg >= PCIE_DEVSTA && w->reg + w->size <= PCIE_DEVSTA + 2);
}

/* The guest's view of what is read-only in the capabilities. */
static void check_ro_view(uint32_t g, uint32_t caps, unsigned int reg,
                          unsigned int size, uint32_t val)
{
    uint32_t pmcsr = g_read(g, PMCSR, 2);

    if ( g_read(g, 0x34, 1) != PM ||
         g_read(g, PM, 4) != ((0x0003U << 16) | H_PM_HDR) ||
         (pmcsr != 0 && pmcsr != 3) ||
         (g_read(g, MSI, 4) & ~(MSI_GUEST << 16)) !=
         ((H_MSI_CTRL << 16) | H_MSI_HDR) ||
         ((g_read(g, MSI_CTRL, 2) >> 4) & 7) > 3 ||
         (g_read(g, MSIX, 4) & ~((MSIX_EN | MSIX_MASKALL) << 16)) !=
         ((H_MSIX_CTRL << 16) | H_MSIX_HDR) ||
         g_read(g, MSIX_TABLE, 4) != H_MSIX_TABLE ||
         g_read(g, MSIX_PBA, 4) != H_MSIX_PBA ||
         g_read(g, PCIE, 4) != ((caps << 16) | 0x0010) ||
         g_read(g, PCIE_DEVCAP, 4) != G_DEVCAP ||
         (g_read(g, PCIE_DEVCTL, 2) & DEVCTL_FLR) )
        fail_msg("write %#x/%u of %#x changed a read-only view", reg, size,
                 val);
}

static void sweep(uint32_t g, uint32_t caps)
{
    static const unsigned int sizes[] = { 1, 2, 4 };
    static const uint32_t vals[] = { 0xffffffffU, 0 };
    uint8_t before[0x100], now[0x100];
    unsigned int off, s, v, i, n;
    uint32_t c;

    assert_int_equal(xecam_user_pdev_peek(HOST, 0, before, sizeof(before)),
                     0);
    for ( off = 0; off < 0x100; off++ )
        for ( s = 0; s < XECAM_ARRAY_SIZE(sizes); s++ )
            for ( v = 0; v < XECAM_ARRAY_SIZE(vals); v++ )
            {
                uint32_t val = vals[v] & xecam_ones(sizes[s]);

                g_write(g, off, sizes[s], val);
                n = h_dev_log(HOST);
                for ( i = 0; i < n; i++ )
                    if ( !write_allowed(&h_wlog[i]) )
                        fail_msg("write %#x/%u of %#x: the device got "
                                 "%#x/%u of %#x", off, sizes[s], val,
                                 h_wlog[i].reg, h_wlog[i].size, h_wlog[i].val);
                xecam_user_pdev_log_clear();
                c = hw(0x04, 2);
                if ( !(c & CMD_MEM) || (c & (CMD_SERR | CMD_PARITY | CMD_IO)) )
                    fail_msg("write %#x/%u of %#x: device command %#x", off,
                             sizes[s], val, c);
                assert_int_equal(xecam_user_pdev_peek(HOST, 0, now,
                                                      sizeof(now)), 0);
                if ( memcmp(before + PM, now + PM, PCIE_DEVSTA - PM) ||
                     memcmp(before + PCIE_DEVSTA + 2, now + PCIE_DEVSTA + 2,
                            0x100 - PCIE_DEVSTA - 2) )
                    fail_msg("write %#x/%u of %#x changed the device's "
                             "capabilities", off, sizes[s], val);
                check_ro_view(g, caps, off, sizes[s], val);
                n = xecam_user_events(evs, MAX_EVENTS);
                for ( i = 0; i < n; i++ )
                    if ( evs[i].sbdf != HOST ||
                         (evs[i].kind == XECAM_EV_POWER &&
                          evs[i].count != 0 && evs[i].count != 3) ||
                         ((evs[i].kind == XECAM_EV_MSI_BIND ||
                           evs[i].kind == XECAM_EV_MSI_UNBIND) &&
                          (!evs[i].count || evs[i].count > 8 ||
                           (evs[i].count & (evs[i].count - 1)))) )
                        fail_msg("write %#x/%u of %#x: host call kind %d "
                                 "count %u", off, sizes[s], val, evs[i].kind,
                                 evs[i].count);
                xecam_user_events_clear();
            }

    /* And the guest leaves: no mastering, nothing bound or mapped. */
    assert_int_equal(xecam_deassign_device(d, g), 0);
    assert_int_equal(hw(0x04, 2) & CMD_MASTER, 0);
    assert_int_equal(nmaps(), 0);
}

static void test_xsa_sweep_bus0(void **state)
{
    assign(G0, 0);
    sweep(G0, RCIEP_CAPS);
}

static void test_xsa_sweep_bus1(void **state)
{
    assert_int_equal(xecam_add_root_port(d, G_PORT, 1), 0);
    assign(G_BUS1, 0);
    sweep(G_BUS1, H_PCIE_CAPS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_pm_view),
        T(test_pm_d3hot_and_back),
        T(test_pm_d1_d2_refused),
        T(test_pm_host_refuses),
        T(test_pm_pme_never),
        T(test_pm_d3hot_d0_resets),
        T(test_pm_no_soft_reset_keeps),
        T(test_msi_view),
        T(test_msi_registers_virtual),
        T(test_msi_straddle_sweep),
        T(test_msi_enable_bind),
        T(test_msi_disable_unbinds_what_was_bound),
        T(test_msi_mme_clamp),
        T(test_msi_double_enable),
        T(test_msi_rebind),
        T(test_msi_host_refuses),
        T(test_msi_msix_exclusive),
        T(test_msi_intx_forced),
        T(test_device_readback_untrusted),
        T(test_msi_32bit_layout),
        T(test_msi_mmc_invalid_hidden),
        T(test_msi_hidden_keeps_neighbour),
        T(test_msix_view),
        T(test_msix_control),
        T(test_msix_double_enable),
        T(test_msix_host_refuses),
        T(test_msix_table_pba_read_only),
        T(test_msix_bad_layout_hidden),
        T(test_pcie_rciep_bus0),
        T(test_pcie_no_rciep),
        T(test_pcie_bus1),
        T(test_pcie_devctl_virtual),
        T(test_pcie_flr),
        T(test_pcie_devsta_rw1c),
        T(test_pcie_port_hidden),
        T(test_deassign_msi),
        T(test_deassign_msix),
        T(test_deassign_d3hot),
        T(test_xsa_sweep_bus0),
        T(test_xsa_sweep_bus1),
#undef T
    };

    return cmocka_run_group_tests_name("caps_emul", tests, NULL, NULL);
}
