/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Permissive rules (XSA-131, XSA-130): what a guest write may change in a
 * passed-through device, normally and with XECAM_ASSIGN_PERMISSIVE.
 *
 * One simulated host function carries every kind of capability the
 * emulation knows: a type 0 header with a 64-bit 16 KiB BAR0, an I/O BAR2
 * and a ROM; the standard chain PM (0x40) -> MSI 64-bit maskable (0x50) ->
 * MSI-X (0x70, table and PBA in BAR0) -> vendor-specific with its length
 * byte (0x80) -> PCI Express v2 endpoint (0x90) -> PCI-X (0xd0, hidden);
 * the extended chain AER (0x100) -> DSN (0x140) -> SR-IOV (0x160, hidden)
 * -> an ID the policy does not name (0x1a0) -> VSEC (0x200).  Every byte of
 * its config space is writable in the simulator (RW1C where hardware has
 * it: Status and Device Status errors), so whatever reaches the device shows
 * in its bytes and in its write log.
 *
 * The sweep checks the dispatcher against the per-byte rule it publishes
 * (xecam_vpci_byte_rule()); the other tests state their expectations
 * directly, without the rule API.
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

#define HOST        XECAM_SBDF(0, 0x06, 0, 0)   /* the host function */
#define G0          XECAM_SBDF(0, 0, 4, 0)      /* where the guest sees it */
#define ABSENT      XECAM_SBDF(0, 0, 9, 0)      /* nothing there */

#define WARN_TEXT   "Driver tried to write to a read-only configuration " \
                    "space field"

/* Command bits. */
#define CMD_IO          0x0001U
#define CMD_MEM         0x0002U
#define CMD_MASTER      0x0004U
#define CMD_PARITY      0x0040U
#define CMD_SERR        0x0100U
#define CMD_INTX        0x0400U
#define CMD_RSVD        0xf800U
#define CMD_GUARDED     (CMD_IO | CMD_MEM | CMD_PARITY | CMD_SERR)

/* The header. */
#define H_VENDOR    0x8086U
#define H_DEVICE    0x10fbU
#define H_CMD       (CMD_MEM | CMD_MASTER)
#define H_STATUS    0x2110U             /* CAP_LIST, MDPE, master abort */
#define H_CLASS_REV 0x02000001U
#define H_BAR0      0xfe000004U         /* 64-bit memory, 16 KiB */
#define SZ_BAR0     0x4000ULL
#define H_BAR2      0x0000e001U         /* I/O, 32 bytes */
#define SZ_BAR2     0x20ULL
#define H_ROM       0xfe100000U         /* 64 KiB, disabled */
#define SZ_ROM      0x10000ULL
#define H_SUBSYS    0x000c8086U

/* Standard capabilities. */
#define PM          0x40U
#define PMCSR       (PM + 4)
#define MSI         0x50U
#define MSI_CTRL    (MSI + 2)
#define H_MSI_CTRL  0x0186U             /* maskable, 64-bit, MMC = 3 */
#define MSI_EN      0x0001U
#define MSIX        0x70U
#define MSIX_CTRL   (MSIX + 2)
#define H_MSIX_CTRL 0x0007U             /* 8 entries */
#define MSIX_EN     0x8000U
#define MSIX_MASKALL 0x4000U
#define VNDR        0x80U
#define VNDR_LEN    0x0cU
#define PCIE        0x90U
#define PCIE_DEVSTA (PCIE + 0x0a)
#define PCIX        0xd0U               /* hidden, 24 bytes */
#define PCIX_LEN    24U

/* Extended capabilities. */
#define AER         0x100U
#define AER_LEN     0x38U
#define DSN         0x140U
#define DSN_LEN     0x0cU
#define SRIOV       0x160U              /* hidden up to the next one */
#define UNKNOWN_EXT 0x1a0U
#define UNKNOWN_ID  0x0029U             /* not in the policy table */
#define VSEC        0x200U
#define VSEC_LEN    0x18U

#define FLOOD       100000U

static struct xecam_domain *d;
/* The guest reaches its one function, G0, through the window. */
#define gpa_of(sbdf, reg)       h_ecam_gpa(ECAM_BASE, sbdf, reg)
#define g_read(reg, size)       h_ecam_read(d, ECAM_BASE, G0, reg, size)
#define g_write(reg, size, val) h_ecam_write(d, ECAM_BASE, G0, reg, size, val)
#define hw(reg, size)           h_hw(HOST, reg, size)
static struct xecam_vpci *dev;          /* the function under test */

/* ---- The host ---- */

/* A recognisable byte where nothing in particular is. */
static uint8_t filler(unsigned int reg)
{
    return (uint8_t)(reg * 13 + 0x5b);
}

static void host_cfg(uint8_t *cfg)
{
    unsigned int i;

    for ( i = 0; i < XECAM_CFG_SIZE; i++ )
        cfg[i] = filler(i);

    /* Type 0 header. */
    h_put(cfg, 0x00, 2, H_VENDOR);
    h_put(cfg, 0x02, 2, H_DEVICE);
    h_put(cfg, 0x04, 2, H_CMD);
    h_put(cfg, 0x06, 2, H_STATUS);
    h_put(cfg, 0x08, 4, H_CLASS_REV);
    h_put(cfg, 0x0c, 4, 0x00000010);      /* cache line 16, type 0 */
    h_put(cfg, 0x10, 4, H_BAR0);
    h_put(cfg, 0x14, 4, 0);
    h_put(cfg, 0x18, 4, H_BAR2);
    memset(cfg + 0x1c, 0, 12);          /* BARs 3-5: none */
    h_put(cfg, 0x2c, 4, H_SUBSYS);
    h_put(cfg, 0x30, 4, H_ROM);
    h_put(cfg, 0x34, 1, PM);
    h_put(cfg, 0x3c, 4, 0x0000010b);      /* line 11, pin A */

    /* PM -> MSI. */
    h_put(cfg, PM, 2, (MSI << 8) | 0x01);
    h_put(cfg, PM + 2, 2, 0xc803);
    h_put(cfg, PMCSR, 2, 0x0008);         /* D0, No_Soft_Reset */

    /* MSI -> MSI-X. */
    h_put(cfg, MSI, 2, (MSIX << 8) | 0x05);
    h_put(cfg, MSI_CTRL, 2, H_MSI_CTRL);
    h_put(cfg, MSI + 4, 4, 0xfee0f00c);
    h_put(cfg, MSI + 8, 4, 0);
    h_put(cfg, MSI + 12, 2, 0x4021);
    h_put(cfg, MSI + 16, 4, 0x000000f0);
    h_put(cfg, MSI + 20, 4, 0x00000005);

    /* MSI-X -> vendor: table at BAR0 + 0x2000, PBA at BAR0 + 0x3000. */
    h_put(cfg, MSIX, 2, (VNDR << 8) | 0x11);
    h_put(cfg, MSIX_CTRL, 2, H_MSIX_CTRL);
    h_put(cfg, MSIX + 4, 4, 0x00002000);
    h_put(cfg, MSIX + 8, 4, 0x00003000);

    /* Vendor-specific -> PCI Express; its length is byte 2. */
    h_put(cfg, VNDR, 2, (PCIE << 8) | 0x09);
    h_put(cfg, VNDR + 2, 1, VNDR_LEN);

    /* PCI Express v2 endpoint -> PCI-X. */
    h_put(cfg, PCIE, 2, (PCIX << 8) | 0x10);
    h_put(cfg, PCIE + 0x02, 2, 0x0002);
    h_put(cfg, PCIE + 0x04, 4, 0x10008cc1);
    h_put(cfg, PCIE + 0x08, 2, 0x2837);
    h_put(cfg, PCIE_DEVSTA, 2, 0x002f);
    h_put(cfg, PCIE + 0x0c, 4, 0x00437c12);
    h_put(cfg, PCIE + 0x10, 2, 0x0040);
    h_put(cfg, PCIE + 0x12, 2, 0x1012);
    h_put(cfg, PCIE + 0x24, 4, 0x0000081f);
    h_put(cfg, PCIE + 0x28, 2, 0x0005);
    h_put(cfg, PCIE + 0x2c, 4, 0x00000006);
    h_put(cfg, PCIE + 0x30, 2, 0x0002);
    h_put(cfg, PCIE + 0x32, 2, 0x0001);

    /* PCI-X: end of the standard chain. */
    h_put(cfg, PCIX, 2, 0x0007);

    /* AER v2 -> DSN -> SR-IOV -> unknown -> VSEC. */
    h_put(cfg, AER, 4, (DSN << 20) | (2U << 16) | 0x0001);
    h_put(cfg, DSN, 4, (SRIOV << 20) | (1U << 16) | 0x0003);
    h_put(cfg, SRIOV, 4, (UNKNOWN_EXT << 20) | (1U << 16) | 0x0010);
    h_put(cfg, UNKNOWN_EXT, 4, (VSEC << 20) | (1U << 16) | UNKNOWN_ID);
    h_put(cfg, VSEC, 4, (0U << 20) | (1U << 16) | 0x000b);
    h_put(cfg, VSEC + 4, 4, (VSEC_LEN << 20) | (1U << 16) | 0x1234);
}

/* RW1C bytes, as hardware has them: error bits, the rest writable. */
static const struct {
    uint16_t reg;
    uint8_t wmask, w1c;
} rw1c_bytes[] = {
    { 0x07, 0x06, 0xf9 },                   /* Status 15:11 and 8 */
    { PCIE_DEVSTA, 0xf0, 0x0f },            /* Device Status 3:0 */
};

/*
 * Everything writable, so that whatever reaches the device shows; RW1C
 * only where hardware has it (a 0 written there leaves the bit alone).
 */
static void host_masks(void)
{
    unsigned int i;

    assert_int_equal(xecam_user_pdev_masks(HOST, 0, XECAM_CFG_SIZE, 0xff, 0),
                     0);
    for ( i = 0; i < XECAM_ARRAY_SIZE(rw1c_bytes); i++ )
        assert_int_equal(xecam_user_pdev_masks(HOST, rw1c_bytes[i].reg, 1,
                                               rw1c_bytes[i].wmask,
                                               rw1c_bytes[i].w1c), 0);
}

/* A clean host: the guest (domain flags 'domf') with an ECAM window. */
static void start(unsigned int domf)
{
    uint8_t cfg[XECAM_CFG_SIZE];

    d = h_host(domf);
    assert_non_null(d);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, ECAM_BASE)),
                     0);
    host_cfg(cfg);
    assert_int_equal(xecam_user_pdev_add(HOST, cfg, sizeof(cfg)), 0);
    assert_int_equal(xecam_user_pdev_bar(HOST, 0, SZ_BAR0), 0);
    assert_int_equal(xecam_user_pdev_bar(HOST, 2, SZ_BAR2), 0);
    assert_int_equal(xecam_user_pdev_bar(HOST, XECAM_PORT_ROM_BAR, SZ_ROM),
                     0);
    host_masks();
    xecam_user_pdev_log_clear();
    xecam_user_events_clear();
    dev = NULL;
}

/*
 * The device reports every error again: all its RW1C bits set, so a write
 * that clears one the guest did not ask for shows.
 */
static void raise_errors(void)
{
    unsigned int i, reg;
    uint8_t b;

    for ( i = 0; i < XECAM_ARRAY_SIZE(rw1c_bytes); i++ )
    {
        reg = rw1c_bytes[i].reg;
        assert_int_equal(xecam_user_pdev_peek(HOST, reg, &b, 1), 0);
        assert_int_equal(xecam_user_pdev_masks(HOST, reg, 1, 0xff, 0), 0);
        assert_int_equal(xecam_port_pci_write(HOST, reg, 1,
                                              b | rw1c_bytes[i].w1c), 0);
        assert_int_equal(xecam_user_pdev_masks(HOST, reg, 1,
                                               rw1c_bytes[i].wmask,
                                               rw1c_bytes[i].w1c), 0);
    }
}

/* ---- The guest ---- */

/* Assignment the vPCI way, so the test holds the device. */
static void assign_opts(const struct xecam_assign_opts *o)
{
    assert_int_equal(xecam_vpci_assign_opts(d, G0, HOST, o, &dev), 0);
    assert_int_equal(xecam_route_add_vpci(d, G0, dev), 0);
    xecam_user_pdev_log_clear();
    xecam_user_events_clear();
}

static void assign(unsigned int flags)
{
    struct xecam_assign_opts o = { .flags = flags };

    assign_opts(&o);
}

/* Assignment the toolstack's way (domain defaults apply). */
static void assign_device(unsigned int flags)
{
    assert_int_equal(xecam_assign_device(d, G0, HOST, flags), 0);
    /* Borrow the device from the route table. */
    dev = xecam_route_remove_vpci(d, G0);
    assert_non_null(dev);
    assert_int_equal(xecam_route_add_vpci(d, G0, dev), 0);
    xecam_user_pdev_log_clear();
    xecam_user_events_clear();
}

static void deassign(void)
{
    assert_int_equal(xecam_deassign_device(d, G0), 0);
    dev = NULL;
    xecam_user_pdev_log_clear();
    xecam_user_events_clear();
}

static unsigned int warnings(void)
{
    return xecam_user_log_count(WARN_TEXT);
}

/* ---- What reached the device ---- */

static int setup(void **state)
{
    start(0);

    return 0;
}

static int teardown(void **state)
{
    xecam_user_reset();

    return 0;
}

/* ---- 0. The device is what this file says ---- */

static bool claimed(unsigned int reg)
{
    struct xecam_vpci_byte_rule r;

    xecam_vpci_byte_rule(dev, reg, &r);

    return r.claimed;
}

static void test_device_layout(void **state)
{
    static const struct {
        uint16_t reg;
        uint8_t size;
        uint32_t val;
    } view[] = {
        { 0x00, 4, (H_DEVICE << 16) | H_VENDOR },
        { 0x06, 2, H_STATUS },
        { 0x34, 1, PM },
        { PM, 2, (MSI << 8) | 0x01 },
        { MSI, 2, (MSIX << 8) | 0x05 },
        { MSI_CTRL, 2, H_MSI_CTRL },
        { MSIX, 2, (VNDR << 8) | 0x11 },        /* table and PBA valid */
        { MSIX_CTRL, 2, H_MSIX_CTRL },
        { VNDR, 2, (PCIE << 8) | 0x09 },
        { VNDR + 2, 1, VNDR_LEN },
        { PCIE, 2, 0x0010 },                    /* PCI-X skipped */
        { PCIX, 4, 0 },                         /* hidden */
        { AER, 4, (DSN << 20) | (2U << 16) | 0x0001 },
        { DSN, 4, (UNKNOWN_EXT << 20) | (1U << 16) | 0x0003 },
        { SRIOV, 4, 0 },                        /* hidden */
        { UNKNOWN_EXT, 4, (VSEC << 20) | (1U << 16) | UNKNOWN_ID },
        { VSEC, 4, (1U << 16) | 0x000b },
        { VSEC + 4, 4, (VSEC_LEN << 20) | (1U << 16) | 0x1234 },
    };
    /* Where claimed bytes end: read-only bodies and hidden extents. */
    static const uint16_t last[] = {
        VNDR + VNDR_LEN - 1, PCIE + 0x3b, PCIX + PCIX_LEN - 1,
        AER + AER_LEN - 1, DSN + DSN_LEN - 1, VSEC + VSEC_LEN - 1,
    };
    unsigned int i;

    assign(0);
    for ( i = 0; i < XECAM_ARRAY_SIZE(view); i++ )
        if ( g_read(view[i].reg, view[i].size) != view[i].val )
            fail_msg("guest reads %#x/%u as %#x, not %#x", view[i].reg,
                     view[i].size, g_read(view[i].reg, view[i].size),
                     view[i].val);
    for ( i = 0; i < XECAM_ARRAY_SIZE(last); i++ )
        if ( !claimed(last[i]) || claimed(last[i] + 1) )
            fail_msg("the claimed bytes do not end at %#x", last[i]);
    assert_false(claimed(0xe8));
    assert_false(claimed(0x3c0));
    for ( i = SRIOV; i < UNKNOWN_EXT; i++ )
        assert_true(claimed(i));
    /* A capability the policy does not name is read-only up to the next. */
    for ( i = UNKNOWN_EXT; i < VSEC; i++ )
        assert_true(claimed(i));
    assert_int_equal(g_read(0x10, 4), 0x4);
    assert_int_equal(g_read(0x18, 4), 0x1);
}

/* ---- 0b. Why a byte is as it is: the rule's names ---- */

/* The policy's reason for a capability ID (the table under test). */
static const char *policy_reason(bool ext, uint16_t id)
{
    unsigned int action;
    const char *name, *reason;

    if ( !xecam_vpci_cap_policy(ext, id, &action, &name, &reason) )
        return "not known to be harmless to write: read-only";

    return reason;
}

#define OUTSIDE false, 0, 0, 0

static void test_rule_names(void **state)
{
    static const struct {
        uint16_t reg;
        const char *reg_name;       /* NULL: no register, or unnamed */
        const char *cap_name;       /* NULL: in no capability */
        bool ext;
        uint16_t id, cap;
        uint8_t action;
    } where[] = {
        { 0x04, "Command", NULL, OUTSIDE },
        { 0x06, "Status", NULL, OUTSIDE },
        { 0x14, "BAR1", NULL, OUTSIDE },
        { 0x31, "Expansion ROM BAR", NULL, OUTSIDE },
        { 0x36, NULL, NULL, OUTSIDE },
        { PM + 1, "Capability ID, Next Pointer", "Power Management", false,
          0x01, PM, XECAM_CAP_EMULATE },
        { PMCSR, "PMCSR", "Power Management", false, 0x01, PM,
          XECAM_CAP_EMULATE },
        { MSI_CTRL, "Message Control", "MSI", false, 0x05, MSI,
          XECAM_CAP_EMULATE },
        { MSI + 7, "Message Address", "MSI", false, 0x05, MSI,
          XECAM_CAP_EMULATE },
        { MSI + 8, "Message Upper Address", "MSI", false, 0x05, MSI,
          XECAM_CAP_EMULATE },
        { MSI + 12, "Message Data", "MSI", false, 0x05, MSI,
          XECAM_CAP_EMULATE },
        { MSI + 14, NULL, "MSI", false, 0x05, MSI, XECAM_CAP_EMULATE },
        { MSI + 16, "Mask Bits", "MSI", false, 0x05, MSI,
          XECAM_CAP_EMULATE },
        { MSI + 20, "Pending Bits", "MSI", false, 0x05, MSI,
          XECAM_CAP_EMULATE },
        { MSIX + 8, "PBA Offset/BIR", "MSI-X", false, 0x11, MSIX,
          XECAM_CAP_EMULATE },
        { VNDR + 4, NULL, "Vendor Specific", false, 0x09, VNDR,
          XECAM_CAP_READONLY },
        { PCIE + 0x10, "Link Control", "PCI Express", false, 0x10, PCIE,
          XECAM_CAP_EMULATE },
        { PCIE + 0x3b, "Slot Status 2", "PCI Express", false, 0x10, PCIE,
          XECAM_CAP_EMULATE },
        { PCIX + PCIX_LEN - 1, NULL, "PCI-X", false, 0x07, PCIX,
          XECAM_CAP_HIDE },
        { PCIX + PCIX_LEN, NULL, NULL, OUTSIDE },
        { AER, "Extended Capability Header", "AER", true, 0x0001, AER,
          XECAM_CAP_READONLY },
        { AER + AER_LEN - 1, NULL, "AER", true, 0x0001, AER,
          XECAM_CAP_READONLY },
        { SRIOV + 0x20, NULL, "SR-IOV", true, 0x0010, SRIOV,
          XECAM_CAP_HIDE },
        { UNKNOWN_EXT + 8, NULL, "unknown", true, UNKNOWN_ID, UNKNOWN_EXT,
          XECAM_CAP_READONLY },
        { VSEC + VSEC_LEN - 1, NULL, "Vendor Specific (VSEC)", true, 0x000b,
          VSEC, XECAM_CAP_READONLY },
        { VSEC + VSEC_LEN, NULL, NULL, OUTSIDE },
        { 0xfff, NULL, NULL, OUTSIDE },
    };
    struct xecam_vpci_byte_rule r;
    unsigned int i;

    assign(0);
    for ( i = 0; i < XECAM_ARRAY_SIZE(where); i++ )
    {
        xecam_vpci_byte_rule(dev, where[i].reg, &r);
        assert_string_equal(r.reg_name ? r.reg_name : "-",
                            where[i].reg_name ? where[i].reg_name : "-");
        assert_string_equal(r.cap_name ? r.cap_name : "-",
                            where[i].cap_name ? where[i].cap_name : "-");
        if ( !where[i].cap_name )
        {
            assert_null(r.cap_why);
            continue;
        }
        assert_int_equal(r.cap_ext, where[i].ext);
        assert_int_equal(r.cap_id, where[i].id);
        assert_int_equal(r.cap_offset, where[i].cap);
        assert_int_equal(r.cap_action, where[i].action);
        assert_string_equal(r.cap_why,
                            policy_reason(where[i].ext, where[i].id));
    }
    /* Registers outside capabilities say why they are so themselves. */
    xecam_vpci_byte_rule(dev, 0x04, &r);
    assert_non_null(strstr(r.reg_why, "XSA-59"));
    xecam_vpci_byte_rule(dev, 0x100 + XECAM_CFG_SIZE, &r);
    assert_null(r.reg_name);
    assert_null(r.cap_name);
}

/* Where the policy is not followed, the rule says why. */
static void test_rule_not_policy(void **state)
{
    static const struct xecam_cap_override ro_msix = {
        .ext = false, .id = 0x11, .action = XECAM_CAP_READONLY,
    };
    struct xecam_assign_opts o = { .nr_overrides = 1, .overrides = &ro_msix };
    struct xecam_vpci_byte_rule r;

    /* MSI says it can do 128 vectors: its emulation refuses it. */
    assert_int_equal(xecam_port_pci_write(HOST, MSI_CTRL, 2,
                                          H_MSI_CTRL | 0x000e), 0);
    assign_opts(&o);
    xecam_vpci_byte_rule(dev, MSI + 4, &r);
    assert_string_equal(r.cap_name, "MSI");
    assert_int_equal(r.cap_action, XECAM_CAP_HIDE);
    assert_non_null(strstr(r.cap_why, "emulation refuses"));
    xecam_vpci_byte_rule(dev, MSIX + 4, &r);
    assert_string_equal(r.cap_name, "MSI-X");
    assert_int_equal(r.cap_action, XECAM_CAP_READONLY);
    assert_non_null(strstr(r.cap_why, "overrides"));
    /* The others keep the policy's word. */
    xecam_vpci_byte_rule(dev, PMCSR, &r);
    assert_int_equal(r.cap_action, XECAM_CAP_EMULATE);
    assert_string_equal(r.cap_why, policy_reason(false, 0x01));
}

/* ---- 1. The XSA-131 sweep, against the published rule ---- */

static const uint32_t sweep_vals[] = { 0xffffffffU, 0, 0xc35aa53cU };
static const unsigned int sweep_sizes[] = { 1, 2, 4 };

/* The rule of every byte at assignment, and before the current write. */
static struct xecam_vpci_byte_rule base[XECAM_CFG_SIZE];
static struct xecam_vpci_byte_rule rules[XECAM_CFG_SIZE];
static uint8_t before[XECAM_CFG_SIZE], after[XECAM_CFG_SIZE];

struct sweep_counts {
    unsigned long accesses;
    unsigned long dev_writes;       /* entries in the device's write log */
    unsigned long side_writes;      /* ... touching bytes outside the access */
    unsigned long bytes_checked;    /* device bytes compared with the rule */
    unsigned long bytes_changed;    /* ... that the write changed */
    unsigned long bytes_reached;    /* device bytes a write ever covered */
};

static bool rule_eq(const struct xecam_vpci_byte_rule *a,
                    const struct xecam_vpci_byte_rule *b)
{
    return a->claimed == b->claimed && a->emu == b->emu && a->ro == b->ro &&
           a->rw1c == b->rw1c && a->rsvd == b->rsvd &&
           a->to_device == b->to_device &&
           a->to_device_permissive == b->to_device_permissive;
}

static void rules_snapshot(struct xecam_vpci_byte_rule *out)
{
    unsigned int i;

    for ( i = 0; i < XECAM_CFG_SIZE; i++ )
        xecam_vpci_byte_rule(dev, i, &out[i]);
}

/* Bits of the byte a guest write may change in the device in this mode. */
static uint8_t to_dev(const struct xecam_vpci_byte_rule *r, bool perm)
{
    return perm ? r->to_device_permissive : r->to_device;
}

/*
 * Emulated bits that still reach the device: a hook mirrors them (Command's
 * INTx-disable, forced on under MSI).  They may follow a write to another
 * register, so they may change outside the guest's access.
 */
static uint8_t mirrored(const struct xecam_vpci_byte_rule *r, bool perm)
{
    return r->emu & to_dev(r, perm);
}

/* The byte the guest wrote at 'reg' in a write of 'val' at 'off'. */
static uint8_t guest_byte(unsigned int off, uint32_t val, unsigned int reg)
{
    return val >> (8 * (reg - off));
}

static void rule_print(unsigned int reg)
{
    const struct xecam_vpci_byte_rule *r = &rules[reg];

    print_message("rule %#x: claimed %d emu %#x ro %#x rw1c %#x rsvd %#x "
                  "to_device %#x permissive %#x\n", reg, r->claimed, r->emu,
                  r->ro, r->rw1c, r->rsvd, r->to_device,
                  r->to_device_permissive);
}

/* One write of the sweep and everything it did to the device. */
static void sweep_write(bool perm, unsigned int off, unsigned int size,
                        uint32_t val, struct sweep_counts *c,
                        uint8_t *reached)
{
    const char *mode = perm ? "permissive" : "normal";
    unsigned int i, j, n, reg;
    uint8_t wb, bad;
    bool inside;

    /* Before the write: the device's bytes and the rule of every byte. */
    raise_errors();
    assert_int_equal(xecam_user_pdev_peek(HOST, 0, before, sizeof(before)),
                     0);
    rules_snapshot(rules);
    for ( i = 0; i < XECAM_CFG_SIZE; i++ )
        if ( !rule_eq(&rules[i], &base[i]) )
        {
            rule_print(i);
            fail_msg("%s: before %#x/%u of %#x: the rule of %#x is not the "
                     "one it had at assignment", mode, off, size, val, i);
        }
    xecam_user_pdev_log_clear();

    g_write(off, size, val);
    c->accesses++;

    assert_int_equal(xecam_user_pdev_peek(HOST, 0, after, sizeof(after)), 0);

    /* Every write that reached the device. */
    n = h_dev_log(HOST);
    assert_true(n < H_MAX_LOG);
    c->dev_writes += n;
    for ( j = 0; j < n; j++ )
    {
        const struct xecam_user_pci_write *w = &h_wlog[j];
        bool side = false, mirror = false;

        if ( !xecam_cfg_access_ok(w->reg, w->size) )
            fail_msg("%s: write %#x/%u of %#x: the device got a bad access "
                     "%#x/%u", mode, off, size, val, w->reg, w->size);
        for ( i = 0; i < w->size; i++ )
        {
            reg = w->reg + i;
            wb = w->val >> (8 * i);
            inside = reg >= off && reg < off + size;
            reached[reg] = 1;
            /*
             * Inside the access, bits the rule closes go back as they
             * were, and an RW1C bit gets a 1 only where the guest wrote
             * one.  Outside it, a byte is written back as it was but for
             * mirrored bits: nothing the guest wrote ends up there.
             */
            if ( inside )
                bad = ((wb ^ before[reg]) &
                       ~(to_dev(&rules[reg], perm) | rules[reg].rw1c)) |
                      (wb & rules[reg].rw1c & ~guest_byte(off, val, reg));
            else
                bad = (wb ^ before[reg]) & ~mirrored(&rules[reg], perm);
            if ( bad )
            {
                rule_print(reg);
                fail_msg("%s: write %#x/%u of %#x: the device got %#x/%u of "
                         "%#x: byte %#x written %#x, was %#x (bits %#x)",
                         mode, off, size, val, w->reg, w->size, w->val, reg,
                         wb, before[reg], bad);
            }
            side |= !inside;
            mirror |= mirrored(&rules[reg], perm);
        }
        /*
         * The one kind of write allowed outside an access is a mirror
         * (Command's INTx-disable, which MSI, MSI-X or a reset of the
         * emulated state move): a write of a register with mirrored bits,
         * whose bytes outside the access change nothing else (checked
         * above).  test_intx_mirror_in_access asks more of it when the
         * guest writes Command itself.
         */
        if ( side )
        {
            c->side_writes++;
            if ( !mirror )
                fail_msg("%s: write %#x/%u of %#x: the device got %#x/%u of "
                         "%#x, outside the access", mode, off, size, val,
                         w->reg, w->size, w->val);
        }
    }

    /* Every device byte that changed, against its rule. */
    for ( reg = 0; reg < XECAM_CFG_SIZE; reg++ )
    {
        uint8_t diff = before[reg] ^ after[reg], ok;

        c->bytes_checked++;
        if ( !diff )
            continue;
        c->bytes_changed++;
        inside = reg >= off && reg < off + size;
        /* An RW1C bit changes only where the guest wrote a 1. */
        ok = inside ? (to_dev(&rules[reg], perm) & ~rules[reg].rw1c) |
                      (rules[reg].rw1c & guest_byte(off, val, reg))
                    : mirrored(&rules[reg], perm);
        bad = diff & ~ok;
        if ( bad )
        {
            rule_print(reg);
            fail_msg("%s: write %#x/%u of %#x changed device byte %#x from "
                     "%#x to %#x (bits %#x not allowed)", mode, off, size,
                     val, reg, before[reg], after[reg], bad);
        }
    }
}

static void sweep(bool perm, struct sweep_counts *c)
{
    static uint8_t reached[XECAM_CFG_SIZE];
    unsigned int off, s, v, i;

    memset(c, 0, sizeof(*c));
    memset(reached, 0, sizeof(reached));
    rules_snapshot(base);
    for ( off = 0; off < XECAM_CFG_SIZE; off++ )
        for ( s = 0; s < XECAM_ARRAY_SIZE(sweep_sizes); s++ )
        {
            if ( off & (sweep_sizes[s] - 1) )
                continue;
            for ( v = 0; v < XECAM_ARRAY_SIZE(sweep_vals); v++ )
                sweep_write(perm, off, sweep_sizes[s],
                            sweep_vals[v] & xecam_ones(sweep_sizes[s]), c,
                            reached);
        }
    for ( i = 0; i < XECAM_CFG_SIZE; i++ )
        c->bytes_reached += reached[i];
}

static void sweep_report(const char *mode, const struct sweep_counts *c)
{
    print_message("sweep %s: %lu accesses, %lu device writes (%lu outside "
                  "the access: INTx mirror), %lu device bytes checked, %lu "
                  "changed, %lu distinct bytes reached\n", mode, c->accesses,
                  c->dev_writes, c->side_writes, c->bytes_checked,
                  c->bytes_changed, c->bytes_reached);
}

static void test_xsa131_sweep_normal(void **state)
{
    struct sweep_counts c;

    assign(0);
    sweep(false, &c);
    sweep_report("normal", &c);
    assert_int_equal(c.accesses, (4096 + 2048 + 1024) * 3);

    /* pciback's warning: once per device and assignment. */
    assert_int_equal(warnings(), 1);
    assert_true(xecam_vpci_refused(dev) > 1);

    /* A new assignment may warn once more, and only once. */
    deassign();
    assign(0);
    g_write(0xe8, 1, 0x5a);
    h_expect_writes(HOST, NULL, 0, "refused after reassignment");
    assert_int_equal(warnings(), 2);
    g_write(0x3c0, 4, 0x12345678);
    g_write(0xe8, 1, 0x5a);
    h_expect_writes(HOST, NULL, 0, "refused again");
    assert_int_equal(warnings(), 2);
}

static void test_xsa131_sweep_permissive(void **state)
{
    struct sweep_counts c;

    assign(XECAM_ASSIGN_PERMISSIVE);
    sweep(true, &c);
    sweep_report("permissive", &c);
    assert_int_equal(c.accesses, (4096 + 2048 + 1024) * 3);
    /* Unknown bytes did reach the device. */
    assert_true(c.bytes_reached > 0xe00);

    assert_int_equal(warnings(), 0);
    assert_int_equal(xecam_vpci_refused(dev), 0);

    deassign();
    assign(XECAM_ASSIGN_PERMISSIVE);
    g_write(0xe8, 1, 0x5a);
    H_EXPECT_WRITES(HOST, "permissive after reassignment", { 0xe8, 1, 0x5a });
    assert_int_equal(warnings(), 0);
}

/*
 * The guest writes the byte of Command that holds INTx-disable: the device's
 * INTx-disable follows, and nothing outside that byte is written
 * (docs/vpci.md: "No byte outside the guest's access is ever written").
 */
static void intx_mirror_in_access(bool perm)
{
    static const uint8_t vals[] = { CMD_INTX >> 8, 0, 0xff, 0 };
    unsigned int i, j, k, n;

    for ( i = 0; i < XECAM_ARRAY_SIZE(vals); i++ )
    {
        xecam_user_pdev_log_clear();
        g_write(0x05, 1, vals[i]);
        n = h_dev_log(HOST);
        for ( j = 0; j < n && h_wlog[j].reg == 0x05 && h_wlog[j].size == 1; j++ )
            continue;
        if ( j < n )
        {
            for ( k = 0; k < n; k++ )
                print_message("got %u: %#x/%u of %#x\n", k, h_wlog[k].reg,
                              h_wlog[k].size, h_wlog[k].val);
            fail_msg("%s: write 0x5/1: the device got %#x/%u of %#x, "
                     "outside the access", perm ? "permissive" : "normal",
                     h_wlog[j].reg, h_wlog[j].size, h_wlog[j].val);
        }
        assert_int_equal(hw(0x04, 2) & CMD_INTX,
                         vals[i] & (CMD_INTX >> 8) ? CMD_INTX : 0);
        assert_int_equal(hw(0x04, 2) & CMD_GUARDED, H_CMD & CMD_GUARDED);
    }
}

static void test_intx_mirror_in_access(void **state)
{
    assign(0);
    intx_mirror_in_access(false);
    deassign();
    assign(XECAM_ASSIGN_PERMISSIVE);
    intx_mirror_in_access(true);
}

/* ---- 2. Independent expectations, in both modes ---- */

/* Unknown bytes: refused normally, written exactly in permissive mode. */
static void unknown_bytes(bool perm)
{
    static const struct {
        uint16_t reg;
        uint8_t size;
        uint32_t val;
        /* What the device gets in permissive mode (size 0: nothing). */
        struct xecam_user_pci_write w[2];
    } t[] = {
        /* Nothing claims these. */
        { 0xe8, 1, 0x5a, { { 0xe8, 1, 0x5a } } },
        { 0xe8, 4, 0x11223344, { { 0xe8, 4, 0x11223344 } } },
        { 0xfe, 2, 0xbeef, { { 0xfe, 2, 0xbeef } } },
        { 0x3c0, 4, 0xdeadbeef, { { 0x3c0, 4, 0xdeadbeef } } },
        { 0x3c2, 2, 0x1234, { { 0x3c2, 2, 0x1234 } } },
        { 0x3c1, 1, 0x77, { { 0x3c1, 1, 0x77 } } },
        { 0x38, 4, 0xa1b2c3d4, { { 0x38, 4, 0xa1b2c3d4 } } },
        { 0x14c, 4, 0x0badf00d, { { 0x14c, 4, 0x0badf00d } } },
        { 0x218, 2, 0x4242, { { 0x218, 2, 0x4242 } } },
        /* A register and unknown bytes: only the unknown part, aligned. */
        { 0x34, 4, 0x44332211, { { 0x35, 1, 0x22 }, { 0x36, 2, 0x4433 } } },
        { PMCSR, 4, 0xa5a50000, { { PMCSR + 2, 2, 0xa5a5 } } },
        { MSI + 12, 4, 0x12344021, { { MSI + 14, 2, 0x1234 } } },
        { 0x7c, 4, 0x01020304, { { 0x7c, 4, 0x01020304 } } },
        { 0xcc, 4, 0x0a0b0c0d, { { 0xcc, 4, 0x0a0b0c0d } } },
    };
    char what[64];
    unsigned int i, n;

    for ( i = 0; i < XECAM_ARRAY_SIZE(t); i++ )
    {
        snprintf(what, sizeof(what), "%s: %#x/%u of %#x",
                 perm ? "permissive" : "normal", t[i].reg, t[i].size,
                 t[i].val);
        g_write(t[i].reg, t[i].size, t[i].val);
        n = t[i].w[1].size ? 2 : 1;
        if ( perm )
        {
            h_expect_writes(HOST, t[i].w, n, what);
            /* Exactly those bytes now hold the guest's values. */
            assert_int_equal(hw(t[i].w[0].reg, t[i].w[0].size),
                             t[i].w[0].val);
            if ( n == 2 )
                assert_int_equal(hw(t[i].w[1].reg, t[i].w[1].size),
                                 t[i].w[1].val);
        }
        else
            h_expect_writes(HOST, NULL, 0, what);
    }
    /* The register parts of the mixed writes stayed as they were. */
    assert_int_equal(hw(0x34, 1), PM);
    assert_int_equal(hw(PMCSR, 2), 0x0008);
    assert_int_equal(hw(MSI + 12, 2), 0x4021);
    assert_int_equal(warnings(), perm ? 0 : 1);
}

static void test_unknown_bytes_normal(void **state)
{
    assign(0);
    unknown_bytes(false);
    assert_int_equal(xecam_vpci_refused(dev), 14);
}

static void test_unknown_bytes_permissive(void **state)
{
    assign(XECAM_ASSIGN_PERMISSIVE);
    unknown_bytes(true);
    assert_int_equal(xecam_vpci_refused(dev), 0);
}

/* Command bits 15:11 are reserved: the device's only in permissive mode. */
static void reserved_bits(bool perm)
{
    const char *mode = perm ? "permissive" : "normal";

    g_write(0x04, 2, CMD_RSVD | CMD_MASTER);
    if ( perm )
        H_EXPECT_WRITES(HOST, mode, { 0x04, 2, CMD_RSVD | H_CMD });
    else
        H_EXPECT_WRITES(HOST, mode, { 0x04, 2, H_CMD });
    assert_int_equal(hw(0x04, 2), (perm ? CMD_RSVD : 0) | H_CMD);

    /* One byte: FAST_BACK (bit 9) is the guest's, 15:11 are reserved. */
    g_write(0x05, 1, 0xf8);
    if ( perm )
        H_EXPECT_WRITES(HOST, mode, { 0x05, 1, 0xf8 });
    else
        H_EXPECT_WRITES(HOST, mode, { 0x05, 1, 0x00 });
    g_write(0x05, 1, 0x00);
    if ( perm )
        H_EXPECT_WRITES(HOST, mode, { 0x05, 1, 0x00 });
    else
        H_EXPECT_WRITES(HOST, mode, { 0x05, 1, 0x00 });
    assert_int_equal(hw(0x04, 2), H_CMD);
    assert_int_equal(warnings(), 0);
}

static void test_reserved_command_bits(void **state)
{
    assign(0);
    reserved_bits(false);
    deassign();
    assign(XECAM_ASSIGN_PERMISSIVE);
    reserved_bits(true);
}

/*
 * Every aligned write inside [lo, hi) with every value: nothing reaches
 * those bytes of the device, and they keep their values.
 */
static void sealed(bool perm, unsigned int lo, unsigned int hi,
                   const char *name)
{
    uint8_t was[XECAM_CFG_SIZE], now[XECAM_CFG_SIZE];
    unsigned int off, s, v, i, n;

    assert_int_equal(xecam_user_pdev_peek(HOST, lo, was, hi - lo), 0);
    xecam_user_pdev_log_clear();
    for ( off = lo; off < hi; off++ )
        for ( s = 0; s < XECAM_ARRAY_SIZE(sweep_sizes); s++ )
        {
            if ( (off & (sweep_sizes[s] - 1)) || off + sweep_sizes[s] > hi )
                continue;
            for ( v = 0; v < XECAM_ARRAY_SIZE(sweep_vals); v++ )
            {
                uint32_t val = sweep_vals[v] & xecam_ones(sweep_sizes[s]);

                g_write(off, sweep_sizes[s], val);
                n = h_dev_log(HOST);
                for ( i = 0; i < n; i++ )
                    if ( h_wlog[i].reg < hi && h_wlog[i].reg + h_wlog[i].size > lo )
                        fail_msg("%s: %s: write %#x/%u of %#x reached the "
                                 "device (%#x/%u of %#x)",
                                 perm ? "permissive" : "normal", name, off,
                                 sweep_sizes[s], val, h_wlog[i].reg,
                                 h_wlog[i].size, h_wlog[i].val);
                xecam_user_pdev_log_clear();
            }
        }
    assert_int_equal(xecam_user_pdev_peek(HOST, lo, now, hi - lo), 0);
    if ( memcmp(was, now, hi - lo) )
        fail_msg("%s: %s: the device's bytes changed",
                 perm ? "permissive" : "normal", name);
}

static void protected(bool perm)
{
    static const struct {
        uint16_t lo, hi;
        const char *name;
    } r[] = {
        { 0x00, 0x04, "vendor and device ID" },
        { 0x08, 0x0c, "revision and class" },
        { 0x0d, 0x0f, "latency timer, header type" },
        { 0x10, 0x28, "BAR addresses" },
        { 0x28, 0x30, "CardBus CIS, subsystem IDs" },
        { 0x34, 0x35, "capabilities pointer" },
        { 0x3c, 0x40, "interrupt line, pin, Min_Gnt, Max_Lat" },
        { PM, PMCSR + 2, "PM header, PMC, PMCSR" },
        { MSI, MSI + 14, "MSI header, control, address, data" },
        { MSI + 16, MSI + 24, "MSI mask and pending" },
        { MSIX, MSIX + 12, "MSI-X" },
        { VNDR, VNDR + VNDR_LEN, "vendor-specific capability" },
        { PCIE, PCIE_DEVSTA, "PCIe header, caps, DEVCAP, DEVCTL" },
        { PCIE_DEVSTA + 2, PCIE + 0x3c, "PCIe link, slot, root, 2 regs" },
        { PCIX, PCIX + PCIX_LEN, "hidden PCI-X" },
        { AER, AER + AER_LEN, "AER" },
        { DSN, DSN + DSN_LEN, "DSN" },
        { SRIOV, UNKNOWN_EXT, "hidden SR-IOV" },
        { UNKNOWN_EXT, VSEC, "capability of an unknown ID (read-only)" },
        { VSEC, VSEC + VSEC_LEN, "VSEC" },
    };
    static const struct {
        uint8_t reg, size;
        uint32_t val;
    } cmd[] = {
        { 0x04, 2, 0xffff }, { 0x04, 2, 0 }, { 0x04, 2, CMD_GUARDED },
        { 0x04, 2, (uint16_t)~CMD_GUARDED }, { 0x04, 1, 0xff },
        { 0x04, 1, 0 }, { 0x05, 1, 0xff }, { 0x05, 1, 0 },
        { 0x04, 4, 0xffffffff }, { 0x04, 4, 0 }, { 0x04, 4, 0x5555aaaa },
    };
    unsigned int i, c;
    uint32_t v;

    /* The BARs before and while decode is on. */
    sealed(perm, 0x10, 0x28, "BARs, decode off");
    g_write(0x10, 4, 0xc0000000);
    g_write(0x14, 4, 0);
    g_write(0x04, 2, CMD_MEM | CMD_IO);
    for ( i = 0; i < XECAM_ARRAY_SIZE(r); i++ )
        sealed(perm, r[i].lo, r[i].hi, r[i].name);

    /* Command: IO, MEM, PARITY and SERR are the guest's copy only. */
    for ( c = 0; c < XECAM_ARRAY_SIZE(cmd); c++ )
    {
        g_write(cmd[c].reg, cmd[c].size, cmd[c].val);
        v = hw(0x04, 2);
        if ( (v & CMD_GUARDED) != (H_CMD & CMD_GUARDED) )
            fail_msg("%s: Command write %#x/%u of %#x: device command %#x",
                     perm ? "permissive" : "normal", cmd[c].reg,
                     cmd[c].size, cmd[c].val, v);
    }
}

static void test_protected_never_written(void **state)
{
    assign(0);
    protected(false);
    deassign();
    assign(XECAM_ASSIGN_PERMISSIVE);
    protected(true);
}

/* ---- 3. The domain's default ---- */

/*
 * The ROM BAR: the device's address never changes; only its enable bit
 * follows the guest's, while the ROM is mapped (the device decodes its ROM
 * only then).
 */
static void test_rom_address_never_written(void **state)
{
    static const uint32_t vals[] = { 0xffffffff, 0, 0xc0000001, 0xc0000000,
                                     0x00000001 };
    unsigned int m, v;
    uint32_t rom;

    assign(0);
    for ( m = 0; m < 2; m++ )
    {
        g_write(0x04, 2, m ? CMD_MEM : 0);
        for ( v = 0; v < XECAM_ARRAY_SIZE(vals); v++ )
        {
            g_write(0x30, 4, vals[v]);
            rom = hw(0x30, 4);
            assert_int_equal(rom & ~1U, H_ROM);
        }
    }
    /* Mapped: the device decodes it; unmapped: it does not. */
    g_write(0x04, 2, 0);
    assert_int_equal(hw(0x30, 4), H_ROM);
    g_write(0x30, 4, 0xc0100001);
    g_write(0x04, 2, CMD_MEM);
    assert_int_equal(hw(0x30, 4), H_ROM | 1);
    g_write(0x04, 2, 0);
    assert_int_equal(hw(0x30, 4), H_ROM);
}

static void test_domain_default_permissive(void **state)
{
    start(XECAM_DOMF_PERMISSIVE);
    assign_device(0);
    assert_int_equal(xecam_user_log_count(", permissive"), 1);
    g_write(0xe8, 1, 0x5a);
    H_EXPECT_WRITES(HOST, "domain default", { 0xe8, 1, 0x5a });
    g_write(0x3c0, 4, 0xdeadbeef);
    H_EXPECT_WRITES(HOST, "domain default", { 0x3c0, 4, 0xdeadbeef });
    g_write(0x04, 2, CMD_RSVD | CMD_MASTER);
    H_EXPECT_WRITES(HOST, "domain default", { 0x04, 2, CMD_RSVD | H_CMD });
    assert_int_equal(warnings(), 0);
    assert_int_equal(xecam_vpci_refused(dev), 0);
}

static void test_normal_domain_not_permissive(void **state)
{
    assign_device(0);
    assert_int_equal(xecam_user_log_count(", permissive"), 0);
    g_write(0xe8, 1, 0x5a);
    g_write(0x3c0, 4, 0xdeadbeef);
    h_expect_writes(HOST, NULL, 0, "normal domain");
    g_write(0x04, 2, CMD_RSVD | CMD_MASTER);
    H_EXPECT_WRITES(HOST, "normal domain", { 0x04, 2, H_CMD });
    assert_int_equal(warnings(), 1);
    assert_int_equal(xecam_vpci_refused(dev), 2);
}

/* ---- 4. Flags do not outlive an assignment ---- */

static void test_flags_cleared_on_deassign(void **state)
{
    assign_device(XECAM_ASSIGN_PERMISSIVE);
    g_write(0xe8, 1, 0x5a);
    H_EXPECT_WRITES(HOST, "permissive", { 0xe8, 1, 0x5a });
    assert_int_equal(warnings(), 0);

    deassign();
    assign_device(0);
    g_write(0xe8, 1, 0xa5);
    g_write(0x3c0, 4, 0xdeadbeef);
    h_expect_writes(HOST, NULL, 0, "reassigned without the flag");
    assert_int_equal(hw(0xe8, 1), 0x5a);
    assert_int_equal(warnings(), 1);
    g_write(0x04, 2, CMD_RSVD | CMD_MASTER);
    H_EXPECT_WRITES(HOST, "reassigned without the flag", { 0x04, 2, H_CMD });

    /* And the warning is the new assignment's: it can fire again. */
    deassign();
    assign_device(0);
    g_write(0xe8, 1, 0xa5);
    h_expect_writes(HOST, NULL, 0, "third assignment");
    assert_int_equal(warnings(), 2);
}

/* ---- 5. Interrupt control where MSI / MSI-X is read-only ---- */

static void assign_ro(uint16_t id, unsigned int flags)
{
    const struct xecam_cap_override ov = { false, id, XECAM_CAP_READONLY };
    struct xecam_assign_opts o = {
        .flags = flags, .nr_overrides = 1, .overrides = &ov,
    };

    assign_opts(&o);
}

static uint8_t rule_to_device(unsigned int reg)
{
    struct xecam_vpci_byte_rule r;

    xecam_vpci_byte_rule(dev, reg, &r);

    return r.to_device;
}

static void test_irq_control_msi(void **state)
{
    unsigned int i;

    assign_ro(0x05, XECAM_ASSIGN_IRQ_CONTROL);
    assert_int_equal(rule_to_device(MSI_CTRL), MSI_EN);
    assert_int_equal(rule_to_device(MSI_CTRL + 1), 0);

    g_write(MSI_CTRL, 2, 0xffff);
    H_EXPECT_WRITES(HOST, "MSI enable", { MSI_CTRL, 2, H_MSI_CTRL | MSI_EN });
    assert_int_equal(g_read(MSI_CTRL, 2), H_MSI_CTRL | MSI_EN);
    /* MME and the rest are not the guest's: only ENABLE changes. */
    g_write(MSI_CTRL, 2, 0x0070);
    H_EXPECT_WRITES(HOST, "MSI MME", { MSI_CTRL, 2, H_MSI_CTRL });
    g_write(MSI_CTRL + 1, 1, 0xff);
    h_expect_writes(HOST, NULL, 0, "MSI control high byte");
    g_write(MSI_CTRL, 1, 0x71);
    H_EXPECT_WRITES(HOST, "MSI enable, one byte",
                  { MSI_CTRL, 1, (H_MSI_CTRL & 0xff) | MSI_EN });
    g_write(MSI, 4, 0xffffffff);
    H_EXPECT_WRITES(HOST, "MSI header and control",
                  { MSI_CTRL, 2, H_MSI_CTRL | MSI_EN });
    assert_int_equal(hw(MSI_CTRL, 2), H_MSI_CTRL | MSI_EN);
    /* The rest of the capability stays read-only. */
    for ( i = MSI + 4; i < MSI + 24; i += 4 )
        g_write(i, 4, 0xffffffff);
    h_expect_writes(HOST, NULL, 0, "MSI body");
    g_write(MSI_CTRL, 2, 0);
    H_EXPECT_WRITES(HOST, "MSI disable", { MSI_CTRL, 2, H_MSI_CTRL });

    /* Without the flag, nothing. */
    deassign();
    assign_ro(0x05, 0);
    assert_int_equal(rule_to_device(MSI_CTRL), 0);
    g_write(MSI_CTRL, 2, 0xffff);
    g_write(MSI_CTRL, 1, MSI_EN);
    g_write(MSI, 4, 0xffffffff);
    h_expect_writes(HOST, NULL, 0, "MSI without interrupt control");
    assert_int_equal(hw(MSI_CTRL, 2), H_MSI_CTRL);
}

/* What the guest enabled directly is disabled when it goes (as pciback). */
static void test_irq_control_off_on_deassign(void **state)
{
    assign_ro(0x05, XECAM_ASSIGN_IRQ_CONTROL);
    g_write(MSI_CTRL, 1, MSI_EN);
    assert_int_equal(hw(MSI_CTRL, 2) & MSI_EN, MSI_EN);
    deassign();
    assert_int_equal(hw(MSI_CTRL, 2) & MSI_EN, 0);

    assign_ro(0x11, XECAM_ASSIGN_IRQ_CONTROL);
    g_write(MSIX_CTRL + 1, 1, (MSIX_EN | MSIX_MASKALL) >> 8);
    assert_int_equal(hw(MSIX_CTRL, 2) & (MSIX_EN | MSIX_MASKALL),
                     MSIX_EN | MSIX_MASKALL);
    deassign();
    assert_int_equal(hw(MSIX_CTRL, 2) & (MSIX_EN | MSIX_MASKALL), 0);
}

static void test_irq_control_msix(void **state)
{
    uint32_t ctrl;

    assign_ro(0x11, XECAM_ASSIGN_IRQ_CONTROL);
    assert_int_equal(rule_to_device(MSIX_CTRL), 0);
    assert_int_equal(rule_to_device(MSIX_CTRL + 1),
                     (MSIX_EN | MSIX_MASKALL) >> 8);

    g_write(MSIX_CTRL, 2, 0xffff);
    H_EXPECT_WRITES(HOST, "MSI-X enable, mask-all",
                  { MSIX_CTRL, 2, H_MSIX_CTRL | MSIX_EN | MSIX_MASKALL });
    g_write(MSIX_CTRL, 2, 0x07ff);
    H_EXPECT_WRITES(HOST, "MSI-X table size", { MSIX_CTRL, 2, H_MSIX_CTRL });
    g_write(MSIX_CTRL + 1, 1, MSIX_EN >> 8);
    H_EXPECT_WRITES(HOST, "MSI-X enable, one byte", { MSIX_CTRL + 1, 1, 0x80 });
    g_write(MSIX_CTRL, 1, 0xff);
    h_expect_writes(HOST, NULL, 0, "MSI-X control low byte");
    g_write(MSIX + 4, 4, 0xffffffff);
    g_write(MSIX + 8, 4, 0xffffffff);
    h_expect_writes(HOST, NULL, 0, "MSI-X table and PBA");
    assert_int_equal(hw(MSIX_CTRL, 2), H_MSIX_CTRL | MSIX_EN);

    deassign();
    assign_ro(0x11, 0);
    ctrl = hw(MSIX_CTRL, 2);
    assert_int_equal(rule_to_device(MSIX_CTRL + 1), 0);
    g_write(MSIX_CTRL, 2, 0xffff);
    g_write(MSIX_CTRL, 2, 0);
    g_write(MSIX_CTRL + 1, 1, 0xc0);
    g_write(MSIX, 4, 0xffffffff);
    h_expect_writes(HOST, NULL, 0, "MSI-X without interrupt control");
    assert_int_equal(hw(MSIX_CTRL, 2), ctrl);
}

/* ---- 6. XSA-130: a flood of hostile accesses ---- */

static void test_xsa130_flood(void **state)
{
    static const uint16_t unknown[] = { 0xe8, 0x3c0, 0x35, 0x218,
                                        0x46, 0xfff };
    struct xecam_stats st;
    unsigned long accesses = 0;
    unsigned int i, r, lines, v32;
    uint64_t v64;

    assign(0);
    /* Decode on with BAR0 placed, MSI on: the state the flood attacks. */
    g_write(0x10, 4, 0xc0000000);
    g_write(0x14, 4, 0);
    g_write(0x04, 2, CMD_MEM | CMD_IO | CMD_MASTER);
    g_write(MSI + 4, 4, 0xfee01000);
    g_write(MSI + 12, 2, 0x4041);
    g_write(MSI_CTRL, 2, MSI_EN);
    assert_int_equal(g_read(MSI_CTRL, 2) & MSI_EN, MSI_EN);
    assert_int_equal(xecam_pio_write(d, 0, XECAM_PCI_CF8, 4,
                                     0x80000000U |
                                     (XECAM_SBDF_DEVFN(G0) << 8) | 0x10),
                     XECAM_IO_OKAY);

    xecam_user_log_clear();
    xecam_user_pdev_log_clear();
    for ( i = 0; i < FLOOD; i++ )
    {
        r = (i * 37) & 0xfff;
        switch ( i % 12 )
        {
        case 0:     /* misaligned ECAM */
            xecam_mmio_write(d, 0, gpa_of(G0, r | 1), 2, 0xffff);
            break;
        case 1:
            xecam_mmio_write(d, 0, gpa_of(G0, (r & ~3U) | 2), 4, ~0U);
            break;
        case 2:
            xecam_mmio_read(d, 0, gpa_of(G0, (r & ~7U) | 4), 8, &v64);
            break;
        case 3:     /* sizes ECAM never takes */
            xecam_mmio_write(d, 0, gpa_of(G0, r & ~3U), 3, 0xffffff);
            break;
        case 4:
            xecam_mmio_read(d, 0, gpa_of(G0, r & ~7U), 5, &v64);
            break;
        case 5:
            xecam_mmio_write(d, 0, gpa_of(G0, r & ~15U), 16, ~0ULL);
            break;
        case 6:     /* CF8/CFC with bad sizes */
            switch ( (i / 12) % 4 )
            {
            case 0:
                xecam_pio_write(d, 0, XECAM_PCI_CFC + 1, 2, 0xffff);
                break;
            case 1:
                xecam_pio_write(d, 0, XECAM_PCI_CFC, 3, 0xffffff);
                break;
            case 2:
                xecam_pio_write(d, 0, XECAM_PCI_CF8, 2, 0xffff);
                break;
            default:
                xecam_pio_read(d, 0, XECAM_PCI_CFC + 2, 4, &v32);
                break;
            }
            break;
        case 7:     /* unknown bytes */
            g_write(unknown[(i / 12) % XECAM_ARRAY_SIZE(unknown)], 1,
                    (uint8_t)i);
            break;
        case 8:     /* BAR moves while decode is on (BAR2: I/O ports) */
            g_write(0x10 + 8 * ((i / 12) & 1), 4,
                    (i / 12) & 1 ? ((i / 12) & 2 ? 0xd000 : 0xb000)
                                 : ((i / 12) & 2 ? 0xd0000000 : 0xb0000000));
            break;
        case 9:     /* MSI enabled again while enabled */
            g_write(MSI_CTRL, 2, MSI_EN | ((i / 12) & 1 ? 0x10 : 0));
            break;
        case 10:    /* MSI-X while MSI is on */
            g_write(MSIX_CTRL, 2, MSIX_EN);
            break;
        default:    /* functions that are not there */
            xecam_mmio_write(d, 0, gpa_of(ABSENT, r & ~3U), 4, ~0ULL);
            break;
        }
        accesses++;
    }

    lines = xecam_user_log_lines();
    print_message("flood: %lu hostile accesses, %u log lines\n", accesses,
                  lines);
    for ( i = 0; i < lines; i++ )
        print_message("  %s", xecam_user_log_line(i));
    assert_int_equal(accesses, FLOOD);
    assert_true(lines >= 1);
    assert_true(lines <= 12);
    assert_int_equal(warnings(), 1);

    /* Every kind was refused, counted, and nothing reached the device. */
    xecam_domain_stats(d, &st);
    assert_true(st.bad_accesses >= FLOOD / 2);
    assert_true(st.unclaimed >= FLOOD / 12);
    assert_true(xecam_vpci_refused(dev) >= FLOOD / 12);
    assert_true(xecam_vpci_bar_writes_ignored(dev) >= FLOOD / 12);
    assert_true(xecam_vpci_irq_errors(dev) >= FLOOD / 6);
    assert_int_equal(xecam_user_pdev_writes(), 0);

    /* The device still answers, with its state intact. */
    assert_int_equal(g_read(0x00, 4), (H_DEVICE << 16) | H_VENDOR);
    assert_int_equal(g_read(0x10, 4), 0xc0000004);
    assert_int_equal(g_read(MSI_CTRL, 2) & MSI_EN, MSI_EN);
    assert_int_equal(g_read(MSIX_CTRL, 2) & MSIX_EN, 0);
    assert_int_equal(hw(0x04, 2), H_CMD | CMD_INTX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_device_layout),
        T(test_rule_names),
        T(test_rule_not_policy),
        T(test_xsa131_sweep_normal),
        T(test_xsa131_sweep_permissive),
        T(test_intx_mirror_in_access),
        T(test_unknown_bytes_normal),
        T(test_unknown_bytes_permissive),
        T(test_reserved_command_bits),
        T(test_protected_never_written),
        T(test_rom_address_never_written),
        T(test_domain_default_permissive),
        T(test_normal_domain_not_permissive),
        T(test_flags_cleared_on_deassign),
        T(test_irq_control_msi),
        T(test_irq_control_msix),
        T(test_irq_control_off_on_deassign),
        T(test_xsa130_flood),
#undef T
    };

    return cmocka_run_group_tests_name("permissive", tests, NULL, NULL);
}
