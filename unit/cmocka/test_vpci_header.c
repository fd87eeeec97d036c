/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vPCI type 0 header emulation and device assignment, driven the way a guest
 * drives it: real ECAM MMIO accesses on a simulated host function with
 * hardware write semantics (an 82574L-like NIC: multifunction header, a
 * 32-bit, an I/O and a 64-bit prefetchable BAR, an unimplemented BAR, an
 * invalid 64-bit BAR in slot 5, an expansion ROM).  What reaches the device
 * is checked against the device's own write log and config space; what the
 * core maps is checked against the port's mapping records.
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

/* Host functions. */
#define HOST        XECAM_SBDF(0, 0x03, 0, 0)   /* the NIC, function 0 */
#define HOST_F1     XECAM_SBDF(0, 0x03, 0, 1)   /* its function 1 */
#define HOST2       XECAM_SBDF(0, 0x04, 0, 0)   /* another NIC */
#define HOST_ABSENT XECAM_SBDF(0, 0x06, 0, 0)
#define HOST_BR     XECAM_SBDF(0, 0x07, 0, 0)   /* type 1 (bridge) */
#define HOST_BR_MF  XECAM_SBDF(0, 0x07, 0, 1)   /* type 1, MF bit */
#define HOST_CB     XECAM_SBDF(0, 0x07, 0, 2)   /* type 2 (CardBus) */

/* Guest functions. */
#define G0          XECAM_SBDF(0, 0, 3, 0)
#define G1          XECAM_SBDF(0, 0, 3, 1)
#define G_SLOT4     XECAM_SBDF(0, 0, 4, 0)

/* Command bits. */
#define CMD_IO          0x0001U
#define CMD_MEM         0x0002U
#define CMD_MASTER      0x0004U
#define CMD_SPECIAL     0x0008U
#define CMD_MWI         0x0010U
#define CMD_VGA         0x0020U
#define CMD_PARITY      0x0040U
#define CMD_WAIT        0x0080U
#define CMD_SERR        0x0100U
#define CMD_FAST_BACK   0x0200U
#define CMD_INTX        0x0400U
#define CMD_TO_DEVICE   (CMD_MASTER | CMD_SPECIAL | CMD_MWI | CMD_VGA | \
                         CMD_WAIT | CMD_FAST_BACK)

/* The host function's header. */
#define H_VENDOR    0x8086U
#define H_DEVICE    0x10d3U
#define H_REV       0x03U
#define H_CLASS     0x020000U
#define H_CMD       (CMD_MEM | CMD_MASTER | CMD_INTX)
#define H_STATUS    0x8110U         /* detected parity, SERR#, CAP_LIST */
#define H_CACHE     0x10U
#define H_LAT       0x40U
#define H_HDR       0x80U           /* the device claims multifunction */
#define H_BIST      0x80U           /* BIST capable */
#define H_BAR0      0xfe000000U     /* 32-bit memory, 128 KiB */
#define H_BAR1      0x0000e001U     /* I/O, 32 bytes */
#define H_BAR2      0x0000000cU     /* 64-bit prefetchable, 1 MiB ... */
#define H_BAR3      0x00000040U     /* ... at 0x40_0000_0000 */
#define H_BAR4      0x00000000U     /* unimplemented */
#define H_BAR5      0xfe200004U     /* claims 64-bit: impossible in slot 5 */
#define H_CIS       0x00000000U
#define H_SSVID     0x8086U
#define H_SSID      0xa01fU
#define H_ROM       0xfe100000U     /* 64 KiB, disabled */
#define H_CAP       0x40U
#define H_LINE      0x0bU
#define H_PIN       0x01U
#define H_MIN_GNT   0x01U
#define H_MAX_LAT   0x02U

#define SZ_BAR0     0x20000ULL
#define SZ_BAR1     0x20ULL
#define SZ_BAR2     0x100000ULL
#define SZ_BAR5     0x1000ULL
#define SZ_ROM      0x10000ULL
#define HADDR_BAR2  0x4000000000ULL

#define MAX_MAPS    64

#define BAR_LOG_LINE "not moved while its decode is on"

static struct xecam_domain *d;
#define gpa_of(sbdf, reg)       h_ecam_gpa(ECAM_BASE, sbdf, reg)
#define g_read(sbdf, reg, size) h_ecam_read(d, ECAM_BASE, sbdf, reg, size)
#define g_write(sbdf, reg, size, val) \
    h_ecam_write(d, ECAM_BASE, sbdf, reg, size, val)
#define hw                      h_hw
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
    h_put(cfg, 0x08, 4, (H_CLASS << 8) | H_REV);
    h_put(cfg, 0x0c, 1, H_CACHE);
    h_put(cfg, 0x0d, 1, H_LAT);
    h_put(cfg, 0x0e, 1, H_HDR);
    h_put(cfg, 0x0f, 1, H_BIST);
    h_put(cfg, 0x10, 4, H_BAR0);
    h_put(cfg, 0x14, 4, H_BAR1);
    h_put(cfg, 0x18, 4, H_BAR2);
    h_put(cfg, 0x1c, 4, H_BAR3);
    h_put(cfg, 0x20, 4, H_BAR4);
    h_put(cfg, 0x24, 4, H_BAR5);
    h_put(cfg, 0x28, 4, H_CIS);
    h_put(cfg, 0x2c, 2, H_SSVID);
    h_put(cfg, 0x2e, 2, H_SSID);
    h_put(cfg, 0x30, 4, H_ROM);
    h_put(cfg, 0x34, 1, H_CAP);
    h_put(cfg, 0x3c, 1, H_LINE);
    h_put(cfg, 0x3d, 1, H_PIN);
    h_put(cfg, 0x3e, 1, H_MIN_GNT);
    h_put(cfg, 0x3f, 1, H_MAX_LAT);
    /* PCI PM (-> 0x50), MSI (-> 0xe0), PCI Express (end). */
    h_put(cfg, 0x40, 4, 0xc8235001U);
    h_put(cfg, 0x44, 4, 0x00002008U);
    h_put(cfg, 0x50, 4, 0x0080e005U);
    h_put(cfg, 0xe0, 4, 0x00020010U);
}

/* Add a host function with config space 'cfg' and the NIC's BAR sizes. */
static int host_add_cfg(uint32_t sbdf, const uint8_t *cfg)
{
    int rc = xecam_user_pdev_add(sbdf, cfg, XECAM_CFG_SIZE);

    if ( !rc )
        rc = xecam_user_pdev_bar(sbdf, 0, SZ_BAR0);
    if ( !rc )
        rc = xecam_user_pdev_bar(sbdf, 1, SZ_BAR1);
    if ( !rc )
        rc = xecam_user_pdev_bar(sbdf, 2, SZ_BAR2);
    if ( !rc )
        rc = xecam_user_pdev_bar(sbdf, 4, 0);
    if ( !rc )
        rc = xecam_user_pdev_bar(sbdf, 5, SZ_BAR5);
    if ( !rc )
        rc = xecam_user_pdev_bar(sbdf, XECAM_PORT_ROM_BAR, SZ_ROM);

    return rc;
}

static void host_add(uint32_t sbdf)
{
    uint8_t cfg[XECAM_CFG_SIZE];

    host_cfg(cfg);
    assert_int_equal(host_add_cfg(sbdf, cfg), 0);
}

/* A host function whose header type byte is 'hdr'. */
static void host_add_hdr(uint32_t sbdf, uint8_t hdr)
{
    uint8_t cfg[XECAM_CFG_SIZE];

    host_cfg(cfg);
    cfg[0x0e] = hdr;
    assert_int_equal(host_add_cfg(sbdf, cfg), 0);
}

/* Exactly one write reached 'sbdf' since the last clear, and it was this. */
static void expect_one_write(uint32_t sbdf, unsigned int reg,
                             unsigned int size, uint32_t val)
{
    assert_int_equal(h_dev_log(sbdf), 1);
    assert_int_equal(h_wlog[0].reg, reg);
    assert_int_equal(h_wlog[0].size, size);
    assert_int_equal(h_wlog[0].val, val);
}

/* Every write that reached 'sbdf' since the last clear was to Command. */
static void expect_command_writes_only(uint32_t sbdf)
{
    unsigned int i, n = h_dev_log(sbdf);

    /* Command as a word, or its high byte alone (the INTx mirror). */
    for ( i = 0; i < n; i++ )
        if ( !(h_wlog[i].reg == 0x04 && h_wlog[i].size == 2) &&
             !(h_wlog[i].reg == 0x05 && h_wlog[i].size == 1) )
            fail_msg("write %u of %u: %#x/%u of %#x", i, n, h_wlog[i].reg,
                     h_wlog[i].size, h_wlog[i].val);
}

/* ---- The guest ---- */

static unsigned int nmaps(void)
{
    return xecam_user_mappings(GUEST, maps, MAX_MAPS);
}

/* The current mappings hold exactly one at 'gaddr', and it is this. */
static void expect_map(bool io, uint64_t gaddr, uint64_t haddr,
                       uint64_t size)
{
    unsigned int i, n = nmaps(), found = 0;

    for ( i = 0; i < n; i++ )
        if ( maps[i].io == io && maps[i].gaddr == gaddr )
        {
            found++;
            assert_int_equal(maps[i].haddr, haddr);
            assert_int_equal(maps[i].size, size);
        }
    if ( found != 1 )
        fail_msg("%u %s mappings at %#llx, want 1", found, io ? "I/O" : "MMIO",
                 (unsigned long long)gaddr);
}

/* ---- Setup ---- */

/* A clean host: the guest (flags 'domf') with an ECAM window, the NIC. */
static void start(unsigned int domf)
{
    d = h_host(domf);
    assert_non_null(d);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, ECAM_BASE)),
                     0);
    host_add(HOST);
    xecam_user_pdev_log_clear();
}

static void assign(uint32_t guest, uint32_t host, unsigned int flags)
{
    assert_int_equal(xecam_assign_device(d, guest, host, flags), 0);
    xecam_user_pdev_log_clear();
}

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

/* ---- IDs and other read-only copies ---- */

static void test_ids_read_only(void **state)
{
    /* Accesses inside the registers that are copies, every size. */
    static const struct { uint16_t reg; uint8_t size; } acc[] = {
        { 0x00, 4 }, { 0x00, 2 }, { 0x02, 2 }, { 0x00, 1 }, { 0x01, 1 },
        { 0x02, 1 }, { 0x03, 1 }, { 0x08, 4 }, { 0x08, 2 }, { 0x0a, 2 },
        { 0x08, 1 }, { 0x09, 1 }, { 0x0a, 1 }, { 0x0b, 1 }, { 0x2c, 4 },
        { 0x2c, 2 }, { 0x2e, 2 }, { 0x2c, 1 }, { 0x2d, 1 }, { 0x2e, 1 },
        { 0x2f, 1 }, { 0x34, 1 }, { 0x34, 4 }, { 0x3d, 1 }, { 0x0e, 1 },
    };
    static const uint32_t vals[] = { 0xffffffffU, 0, 0x5a5aa5a5U };
    uint8_t before[0x40], after[0x40];
    unsigned int i, v;

    assign(G0, HOST, 0);
    assert_int_equal(g_read(G0, 0x00, 4), (H_DEVICE << 16) | H_VENDOR);
    assert_int_equal(g_read(G0, 0x00, 2), H_VENDOR);
    assert_int_equal(g_read(G0, 0x02, 2), H_DEVICE);
    assert_int_equal(g_read(G0, 0x08, 4), (H_CLASS << 8) | H_REV);
    assert_int_equal(g_read(G0, 0x08, 1), H_REV);
    assert_int_equal(g_read(G0, 0x0b, 1), H_CLASS >> 16);
    assert_int_equal(g_read(G0, 0x2c, 4), (H_SSID << 16) | H_SSVID);
    assert_int_equal(g_read(G0, 0x34, 1), H_CAP);
    assert_int_equal(g_read(G0, 0x3d, 1), 0);    /* no INTx */

    assert_int_equal(xecam_user_pdev_peek(HOST, 0, before, sizeof(before)),
                     0);
    for ( v = 0; v < XECAM_ARRAY_SIZE(vals); v++ )
        for ( i = 0; i < XECAM_ARRAY_SIZE(acc); i++ )
        {
            g_write(G0, acc[i].reg, acc[i].size,
                    vals[v] & xecam_ones(acc[i].size));
            assert_int_equal(g_read(G0, 0x00, 4),
                             (H_DEVICE << 16) | H_VENDOR);
            assert_int_equal(g_read(G0, 0x08, 4), (H_CLASS << 8) | H_REV);
            assert_int_equal(g_read(G0, 0x2c, 4), (H_SSID << 16) | H_SSVID);
            assert_int_equal(g_read(G0, 0x34, 1), H_CAP);
            assert_int_equal(g_read(G0, 0x3d, 1), 0);    /* no INTx */
            assert_int_equal(g_read(G0, 0x0e, 1), 0x00);
            assert_int_equal(h_dev_log(HOST), 0);
        }
    assert_int_equal(xecam_user_pdev_peek(HOST, 0, after, sizeof(after)), 0);
    assert_memory_equal(before, after, sizeof(before));
}

/* ---- Command ---- */

static void test_command_initial_view(void **state)
{
    assign(G0, HOST, 0);
    /* IO, MEM, PARITY, SERR, INTx-disable: the guest's copy, all 0. */
    assert_int_equal(g_read(G0, 0x04, 2), H_CMD & ~(CMD_MEM | CMD_INTX));
    assert_int_equal(g_read(G0, 0x04, 2), CMD_MASTER);
    assert_int_equal(g_read(G0, 0x04, 1), CMD_MASTER);
    assert_int_equal(g_read(G0, 0x05, 1), 0);
    assert_int_equal(g_read(G0, 0x04, 4), (H_STATUS << 16) | CMD_MASTER);
    /* Reading wrote nothing; the device keeps its decode and mastering. */
    assert_int_equal(h_dev_log(HOST), 0);
    assert_int_equal(hw(HOST, 0x04, 2) & (CMD_IO | CMD_MEM | CMD_MASTER),
                     CMD_MEM | CMD_MASTER);
}

static void test_command_write_ones(void **state)
{
    unsigned int i, n;

    assign(G0, HOST, 0);
    g_write(G0, 0x04, 2, 0xffff);
    /* Bits 15:11 are reserved; everything below is set for the guest. */
    assert_int_equal(g_read(G0, 0x04, 2), 0x07ff);
    /* The device: the pass-through bits, its own MEM and INTx, no more. */
    assert_int_equal(hw(HOST, 0x04, 2), H_CMD | CMD_TO_DEVICE);
    assert_int_equal(hw(HOST, 0x04, 2) & (CMD_SERR | CMD_PARITY), 0);
    assert_int_equal(hw(HOST, 0x04, 2) & CMD_IO, 0);
    n = h_dev_log(HOST);
    assert_true(n >= 1);
    for ( i = 0; i < n; i++ )
    {
        assert_int_equal(h_wlog[i].reg, 0x04);
        assert_int_equal(h_wlog[i].size, 2);
        assert_int_equal(h_wlog[i].val & (CMD_SERR | CMD_PARITY | 0xf800), 0);
        assert_int_equal(h_wlog[i].val & (CMD_IO | CMD_MEM), CMD_MEM);
    }

    /* All clear: the shadow goes, the pass-through bits and INTx follow. */
    xecam_user_pdev_log_clear();
    g_write(G0, 0x04, 2, 0);
    assert_int_equal(g_read(G0, 0x04, 2), 0);
    assert_int_equal(hw(HOST, 0x04, 2), CMD_MEM);

    /* INTx-disable alone, set and cleared, reaches the device. */
    g_write(G0, 0x04, 2, CMD_INTX);
    assert_int_equal(g_read(G0, 0x04, 2), CMD_INTX);
    assert_int_equal(hw(HOST, 0x04, 2), CMD_MEM | CMD_INTX);
    g_write(G0, 0x05, 1, 0);
    assert_int_equal(g_read(G0, 0x04, 2), 0);
    assert_int_equal(hw(HOST, 0x04, 2), CMD_MEM);
    g_write(G0, 0x05, 1, CMD_INTX >> 8);
    assert_int_equal(hw(HOST, 0x04, 2), CMD_MEM | CMD_INTX);

    /* Each pass-through bit on its own. */
    for ( i = 0; i < 11; i++ )
    {
        uint32_t bit = 1U << i;

        g_write(G0, 0x04, 2, bit);
        assert_int_equal(g_read(G0, 0x04, 2), bit);
        assert_int_equal(hw(HOST, 0x04, 2),
                         CMD_MEM | (bit & (CMD_TO_DEVICE | CMD_INTX)));
    }
}

/* Zero writes of every size never turn the device's own decode off. */
static void test_command_xsa120_zero_writes(void **state)
{
    static const struct { uint8_t reg, size; } acc[] = {
        { 0x04, 1 }, { 0x04, 2 }, { 0x04, 4 }, { 0x05, 1 },
    };
    unsigned int i;

    assign(G0, HOST, 0);
    for ( i = 0; i < XECAM_ARRAY_SIZE(acc); i++ )
    {
        g_write(G0, 0x04, 2, CMD_IO | CMD_MEM | CMD_MASTER);
        assert_int_equal(g_read(G0, 0x04, 2), CMD_IO | CMD_MEM | CMD_MASTER);
        g_write(G0, acc[i].reg, acc[i].size, 0);
        assert_int_equal(hw(HOST, 0x04, 2) & (CMD_IO | CMD_MEM), CMD_MEM);
        assert_int_equal(hw(HOST, 0x04, 2) & (CMD_SERR | CMD_PARITY), 0);
        if ( acc[i].reg == 0x04 )
            assert_int_equal(g_read(G0, 0x04, 2) & (CMD_IO | CMD_MEM), 0);
        /* Zeros clear no status bit. */
        assert_int_equal(hw(HOST, 0x06, 2), H_STATUS);
    }
}

/*
 * A device whose decode is on for both spaces and whose reserved bit 15 is
 * set, with the whole high byte writable: the guest's writes keep the
 * device's IO, MEM and bits 15:11, and never set SERR or PARITY.
 */
static void test_command_device_bits_preserved(void **state)
{
    static const struct { uint8_t reg, size; } acc[] = {
        { 0x04, 1 }, { 0x05, 1 }, { 0x04, 2 }, { 0x04, 4 },
    };
    static const uint32_t vals[] = {
        0, 0xffffffffU, 0x0000f8beU, 0x5a5a0141U,
    };
    uint8_t cfg[XECAM_CFG_SIZE];
    unsigned int i, v;

    host_cfg(cfg);
    h_put(cfg, 0x04, 2, 0x8000 | CMD_INTX | CMD_MASTER | CMD_MEM | CMD_IO);
    assert_int_equal(host_add_cfg(HOST2, cfg), 0);
    assert_int_equal(xecam_user_pdev_masks(HOST2, 0x05, 1, 0xff, 0), 0);
    assign(G0, HOST2, 0);
    assert_int_equal(g_read(G0, 0x04, 2), 0x8000 | CMD_MASTER);

    for ( v = 0; v < XECAM_ARRAY_SIZE(vals); v++ )
        for ( i = 0; i < XECAM_ARRAY_SIZE(acc); i++ )
        {
            uint32_t c;

            g_write(G0, acc[i].reg, acc[i].size,
                    vals[v] & xecam_ones(acc[i].size));
            c = hw(HOST2, 0x04, 2);
            if ( (c & 0xf800) != 0x8000 ||
                 (c & (CMD_IO | CMD_MEM)) != (CMD_IO | CMD_MEM) ||
                 (c & (CMD_SERR | CMD_PARITY)) )
                fail_msg("write %#x/%u of %#x: device command %#x",
                         acc[i].reg, acc[i].size, vals[v], c);
            assert_int_equal(g_read(G0, 0x04, 2) & 0xf800, 0x8000);
        }
}

/*
 * The guest reads INTx-disable as 0 at assignment; when it writes the
 * Command register back with that bit as it read it (Linux's
 * pci_enable_device() does exactly this), the device must not keep INTx
 * disabled behind the guest's back, or legacy interrupts never arrive.
 */
static void test_command_intx_follows_guest(void **state)
{
    uint32_t cmd;

    assign(G0, HOST, 0);
    assert_int_equal(hw(HOST, 0x04, 2) & CMD_INTX, CMD_INTX);
    cmd = g_read(G0, 0x04, 2);
    assert_int_equal(cmd & CMD_INTX, 0);
    g_write(G0, 0x04, 2, cmd | CMD_MEM);
    assert_int_equal(g_read(G0, 0x04, 2) & CMD_INTX, 0);
    assert_int_equal(hw(HOST, 0x04, 2) & CMD_INTX, 0);
}

/* ---- Status ---- */

static void test_status_rw1c(void **state)
{
    assign(G0, HOST, 0);
    assert_int_equal(g_read(G0, 0x06, 2), H_STATUS);

    /* Zeros clear nothing and reach nothing. */
    g_write(G0, 0x06, 2, 0);
    assert_int_equal(h_dev_log(HOST), 0);
    assert_int_equal(g_read(G0, 0x06, 2), H_STATUS);

    /* Every bit that is not an error bit, CAP_LIST included: ignored. */
    g_write(G0, 0x06, 2, 0x06ff);
    g_write(G0, 0x06, 1, 0xff);
    g_write(G0, 0x07, 1, 0x06);
    assert_int_equal(h_dev_log(HOST), 0);
    assert_int_equal(g_read(G0, 0x06, 2), H_STATUS);
    assert_int_equal(hw(HOST, 0x06, 2), H_STATUS);

    /* A 1 clears exactly that bit; the other error bit is written as 0. */
    g_write(G0, 0x06, 2, 0x0100);
    expect_one_write(HOST, 0x06, 2, 0x0110);
    assert_int_equal(hw(HOST, 0x06, 2), 0x8010);
    assert_int_equal(g_read(G0, 0x06, 2), 0x8010);

    /* A 1 on an error bit that is clear changes nothing. */
    xecam_user_pdev_log_clear();
    g_write(G0, 0x06, 2, 0x4000);
    expect_one_write(HOST, 0x06, 2, 0x4010);
    assert_int_equal(hw(HOST, 0x06, 2), 0x8010);

    /* The high byte alone. */
    xecam_user_pdev_log_clear();
    g_write(G0, 0x07, 1, 0x80);
    expect_one_write(HOST, 0x07, 1, 0x80);
    assert_int_equal(hw(HOST, 0x06, 2), 0x0010);
    assert_int_equal(g_read(G0, 0x06, 2), 0x0010);

    /* All-ones: nothing left to clear, CAP_LIST stays. */
    g_write(G0, 0x06, 2, 0xffff);
    assert_int_equal(g_read(G0, 0x06, 2), 0x0010);
    assert_int_equal(hw(HOST, 0x06, 2), 0x0010);
}

/* One dword write carries Command and Status; each gets its own bytes. */
static void test_status_dword_with_command(void **state)
{
    unsigned int i, n, status_writes = 0;

    assign(G0, HOST, 0);
    g_write(G0, 0x04, 4, (0x8000U << 16) | CMD_MEM | CMD_MASTER);
    n = h_dev_log(HOST);
    for ( i = 0; i < n; i++ )
    {
        if ( h_wlog[i].reg == 0x06 )
        {
            status_writes++;
            assert_int_equal(h_wlog[i].size, 2);
            assert_int_equal(h_wlog[i].val, 0x8010);
            continue;
        }
        if ( h_wlog[i].reg == 0x05 )      /* the INTx mirror: high byte */
        {
            assert_int_equal(h_wlog[i].size, 1);
            assert_int_equal((h_wlog[i].val << 8) & CMD_SERR, 0);
            continue;
        }
        assert_int_equal(h_wlog[i].reg, 0x04);
        assert_int_equal(h_wlog[i].size, 2);
        assert_int_equal(h_wlog[i].val & (CMD_SERR | CMD_PARITY), 0);
    }
    assert_int_equal(status_writes, 1);
    assert_int_equal(hw(HOST, 0x06, 2), 0x0110);
    assert_int_equal(hw(HOST, 0x04, 2) & (CMD_IO | CMD_MEM | CMD_MASTER),
                     CMD_MEM | CMD_MASTER);
    assert_int_equal(g_read(G0, 0x04, 4),
                     (0x0110U << 16) | CMD_MEM | CMD_MASTER);

    /* Clear the other error bit and all of Command at once. */
    g_write(G0, 0x04, 4, 0x0100U << 16);
    assert_int_equal(hw(HOST, 0x06, 2), 0x0010);
    assert_int_equal(g_read(G0, 0x04, 4) & 0xffff0000U, 0x0010U << 16);
    assert_int_equal(g_read(G0, 0x04, 2) & (CMD_IO | CMD_MEM | CMD_MASTER),
                     0);
    assert_int_equal(hw(HOST, 0x04, 2) & (CMD_MEM | CMD_MASTER), CMD_MEM);
}

/* ---- Header type ---- */

static void test_header_type_mf(void **state)
{
    host_add_hdr(HOST_F1, 0x00);        /* function 1 says: single */
    host_add(HOST2);
    assign(G0, HOST, 0);

    /* Alone in its slot: 0, whatever the device says. */
    assert_int_equal(hw(HOST, 0x0e, 1), H_HDR);
    assert_int_equal(g_read(G0, 0x0e, 1), 0x00);
    assert_int_equal(g_read(G0, 0x0c, 4),
                     (H_BIST << 24) | (0x00 << 16) | (H_LAT << 8) | H_CACHE);

    /* A second visible function: both say multifunction. */
    assign(G1, HOST_F1, 0);
    assert_int_equal(g_read(G0, 0x0e, 1), 0x80);
    assert_int_equal(g_read(G1, 0x0e, 1), 0x80);
    assert_int_equal(g_read(G0, 0x0c, 4),
                     (H_BIST << 24) | (0x80U << 16) | (H_LAT << 8) | H_CACHE);
    assert_int_equal(g_read(G1, 0x0e, 2), (H_BIST << 8) | 0x80);

    /* Another slot does not count. */
    assign(G_SLOT4, HOST2, 0);
    assert_int_equal(g_read(G_SLOT4, 0x0e, 1), 0x00);

    /* Deassigning function 1 clears it. */
    assert_int_equal(xecam_deassign_device(d, G1), 0);
    assert_int_equal(g_read(G0, 0x0e, 1), 0x00);

    /* A hidden function does not count. */
    assign(G1, HOST_F1, XECAM_ASSIGN_HIDDEN);
    assert_int_equal(g_read(G0, 0x0e, 1), 0x00);
    assert_int_equal(xecam_deassign_device(d, G1), 0);

    assign(G1, HOST_F1, 0);
    assert_int_equal(g_read(G0, 0x0e, 1), 0x80);
    assert_int_equal(g_read(G1, 0x0e, 1), 0x80);

    /* Writes do not change it, and reach nothing. */
    g_write(G0, 0x0e, 1, 0x00);
    g_write(G1, 0x0e, 1, 0xff);
    assert_int_equal(g_read(G0, 0x0e, 1), 0x80);
    assert_int_equal(g_read(G1, 0x0e, 1), 0x80);
    assert_int_equal(h_dev_log(HOST), 0);
    assert_int_equal(h_dev_log(HOST_F1), 0);

    assert_int_equal(xecam_deassign_device(d, G0), 0);
    assign(G0, HOST, 0);
    assert_int_equal(g_read(G0, 0x0e, 1), 0x80);
    assert_int_equal(g_read(G1, 0x0e, 1), 0x80);
}

/* ---- The other header registers ---- */

static void test_misc_registers(void **state)
{
    assign(G0, HOST, 0);

    /* Interrupt line: the guest's own, starting at 0. */
    assert_int_equal(g_read(G0, 0x3c, 1), 0);
    g_write(G0, 0x3c, 1, 0x0a);
    assert_int_equal(g_read(G0, 0x3c, 1), 0x0a);
    assert_int_equal(h_dev_log(HOST), 0);
    assert_int_equal(hw(HOST, 0x3c, 1), H_LINE);
    g_write(G0, 0x3c, 4, 0xffffffffU);
    assert_int_equal(g_read(G0, 0x3c, 4),
                     (H_MAX_LAT << 24) | (H_MIN_GNT << 16) | 0xff);
    g_write(G0, 0x3c, 2, 0x0005);
    assert_int_equal(g_read(G0, 0x3c, 2), 0x05);
    assert_int_equal(h_dev_log(HOST), 0);
    assert_int_equal(hw(HOST, 0x3c, 4),
                     (H_MAX_LAT << 24) | (H_MIN_GNT << 16) | (H_PIN << 8) |
                     H_LINE);

    /* Cache line size: to the device. */
    assert_int_equal(g_read(G0, 0x0c, 1), H_CACHE);
    g_write(G0, 0x0c, 1, 0x08);
    expect_one_write(HOST, 0x0c, 1, 0x08);
    assert_int_equal(hw(HOST, 0x0c, 1), 0x08);
    assert_int_equal(g_read(G0, 0x0c, 1), 0x08);

    /* Latency timer, CardBus CIS, Min_Gnt, Max_Lat: not writable. */
    xecam_user_pdev_log_clear();
    g_write(G0, 0x0d, 1, 0xff);
    g_write(G0, 0x28, 4, 0xffffffffU);
    g_write(G0, 0x28, 2, 0x1234);
    g_write(G0, 0x2a, 1, 0x56);
    g_write(G0, 0x3e, 2, 0xffff);
    g_write(G0, 0x3e, 1, 0x33);
    g_write(G0, 0x3f, 1, 0x44);
    assert_int_equal(h_dev_log(HOST), 0);
    assert_int_equal(g_read(G0, 0x0d, 1), H_LAT);
    assert_int_equal(hw(HOST, 0x0d, 1), H_LAT);
    assert_int_equal(g_read(G0, 0x28, 4), H_CIS);
    assert_int_equal(g_read(G0, 0x3e, 1), H_MIN_GNT);
    assert_int_equal(g_read(G0, 0x3f, 1), H_MAX_LAT);

    /* BIST: only START reaches the device, the rest as the device has it. */
    g_write(G0, 0x0f, 1, 0xff);
    expect_one_write(HOST, 0x0f, 1, 0x40 | H_BIST);
    assert_int_equal(hw(HOST, 0x0f, 1), 0x40 | H_BIST);
    assert_int_equal(g_read(G0, 0x0f, 1), 0x40 | H_BIST);
    xecam_user_pdev_log_clear();
    g_write(G0, 0x0f, 1, 0x3f);
    expect_one_write(HOST, 0x0f, 1, H_BIST);
    assert_int_equal(hw(HOST, 0x0f, 1), H_BIST);

    /* One dword over cache line .. BIST: one write per writable byte. */
    xecam_user_pdev_log_clear();
    g_write(G0, 0x0c, 4, 0xffffffffU);
    assert_int_equal(h_dev_log(HOST), 2);
    assert_int_equal(h_wlog[0].reg, 0x0c);
    assert_int_equal(h_wlog[0].size, 1);
    assert_int_equal(h_wlog[0].val, 0xff);
    assert_int_equal(h_wlog[1].reg, 0x0f);
    assert_int_equal(h_wlog[1].size, 1);
    assert_int_equal(h_wlog[1].val, 0x40 | H_BIST);
    assert_int_equal(g_read(G0, 0x0c, 4),
                     ((0x40U | H_BIST) << 24) | (H_LAT << 8) | 0xff);
}

/* ---- BARs ---- */

static const struct {
    uint8_t reg;
    uint32_t reset, sized;
} bars[] = {
    { 0x10, 0x00000000U, 0xfffe0000U },     /* 32-bit memory, 128 KiB */
    { 0x14, 0x00000001U, 0x0000ffe1U },     /* I/O, 32 bytes: 16-bit ports */
    { 0x18, 0x0000000cU, 0xfff0000cU },     /* 64-bit prefetchable, 1 MiB */
    { 0x1c, 0x00000000U, 0xffffffffU },     /* its top half */
    { 0x20, 0x00000000U, 0x00000000U },     /* unimplemented */
    { 0x24, 0x00000000U, 0x00000000U },     /* 64-bit in slot 5: invalid */
    { 0x30, 0x00000000U, 0xffff0001U },     /* ROM, 64 KiB, enable written */
};

static void test_bar_sizing(void **state)
{
    uint8_t before[0x40], after[0x40];
    unsigned int i;

    assign(G0, HOST, 0);
    assert_int_equal(xecam_user_pdev_peek(HOST, 0, before, sizeof(before)),
                     0);
    for ( i = 0; i < XECAM_ARRAY_SIZE(bars); i++ )
    {
        assert_int_equal(g_read(G0, bars[i].reg, 4), bars[i].reset);
        g_write(G0, bars[i].reg, 4, 0xffffffffU);
        assert_int_equal(g_read(G0, bars[i].reg, 4), bars[i].sized);
        g_write(G0, bars[i].reg, 4, bars[i].reset);
        assert_int_equal(g_read(G0, bars[i].reg, 4), bars[i].reset);
    }

    /* All BARs sized at once, as Linux does, then restored. */
    for ( i = 0; i < XECAM_ARRAY_SIZE(bars); i++ )
        g_write(G0, bars[i].reg, 4, 0xffffffffU);
    for ( i = 0; i < XECAM_ARRAY_SIZE(bars); i++ )
        assert_int_equal(g_read(G0, bars[i].reg, 4), bars[i].sized);
    for ( i = 0; i < XECAM_ARRAY_SIZE(bars); i++ )
        g_write(G0, bars[i].reg, 4, bars[i].reset);
    for ( i = 0; i < XECAM_ARRAY_SIZE(bars); i++ )
        assert_int_equal(g_read(G0, bars[i].reg, 4), bars[i].reset);

    /* ROM: the enable bit as written; bits 10:1 read 0. */
    g_write(G0, 0x30, 4, 0xfffffffeU);
    assert_int_equal(g_read(G0, 0x30, 4), 0xffff0000U);
    g_write(G0, 0x30, 4, 0);

    /* Narrow writes size too. */
    for ( i = 0; i < 4; i++ )
        g_write(G0, 0x10 + i, 1, 0xff);
    assert_int_equal(g_read(G0, 0x10, 4), 0xfffe0000U);
    g_write(G0, 0x18, 2, 0xffff);
    g_write(G0, 0x1a, 2, 0xffff);
    assert_int_equal(g_read(G0, 0x18, 4), 0xfff0000cU);
    assert_int_equal(g_read(G0, 0x1a, 2), 0xfff0);
    assert_int_equal(g_read(G0, 0x1b, 1), 0xff);
    g_write(G0, 0x14, 2, 0xffff);
    assert_int_equal(g_read(G0, 0x14, 4), 0x0000ffe1U);

    /* None of it reached the device or mapped anything. */
    assert_int_equal(h_dev_log(HOST), 0);
    assert_int_equal(nmaps(), 0);
    assert_int_equal(xecam_user_pdev_peek(HOST, 0, after, sizeof(after)), 0);
    assert_memory_equal(before, after, sizeof(before));
}

/*
 * Hostile BAR sizes and types from the host: each such BAR is left
 * unimplemented; a 64-bit BAR larger than 4 GiB keeps its size bits above
 * 32 read-only in its top half.
 */
static void test_bar_hostile(void **state)
{
    static const struct { uint8_t reg; uint32_t sized; } want[] = {
        { 0x10, 0 },                /* memory, 8 bytes: below 16 */
        { 0x14, 0 },                /* I/O, 128 KiB: above 64 KiB */
        { 0x18, 0 },                /* reserved type 3 */
        { 0x1c, 0 },                /* unsized */
        { 0x20, 0x0000000cU },      /* 64-bit prefetchable, 8 GiB */
        { 0x24, 0xfffffffeU },      /* its top half: bit 32 read-only */
        { 0x30, 0 },                /* ROM, 1 KiB: below 2 KiB */
    };
    uint8_t cfg[XECAM_CFG_SIZE];
    unsigned int i;

    host_cfg(cfg);
    h_put(cfg, 0x18, 4, 0xfd00000eU);
    h_put(cfg, 0x1c, 4, 0x00000040U);
    h_put(cfg, 0x20, 4, 0x0000000cU);
    h_put(cfg, 0x24, 4, 0x00000008U);
    assert_int_equal(xecam_user_pdev_add(HOST2, cfg, XECAM_CFG_SIZE), 0);
    assert_int_equal(xecam_user_pdev_bar(HOST2, 0, 8), 0);
    assert_int_equal(xecam_user_pdev_bar(HOST2, 1, 0x20000), 0);
    assert_int_equal(xecam_user_pdev_bar(HOST2, 2, SZ_BAR2), 0);
    assert_int_equal(xecam_user_pdev_bar(HOST2, 4, 0x200000000ULL), 0);
    assert_int_equal(xecam_user_pdev_bar(HOST2, XECAM_PORT_ROM_BAR, 0x400),
                     0);
    assign(G0, HOST2, 0);

    for ( i = 0; i < XECAM_ARRAY_SIZE(want); i++ )
    {
        g_write(G0, want[i].reg, 4, 0xffffffffU);
        assert_int_equal(g_read(G0, want[i].reg, 4), want[i].sized);
    }
    g_write(G0, 0x10, 4, 0xf0000000U);
    g_write(G0, 0x14, 4, 0x0000c000U);
    g_write(G0, 0x18, 4, 0xf2000000U);
    g_write(G0, 0x1c, 4, 0xf3000000U);
    g_write(G0, 0x20, 4, 0);
    g_write(G0, 0x24, 4, 0x00000004U);
    g_write(G0, 0x30, 4, 0xf1000001U);
    assert_int_equal(g_read(G0, 0x10, 4), 0);
    assert_int_equal(g_read(G0, 0x14, 4), 0);
    assert_int_equal(g_read(G0, 0x18, 4), 0);
    assert_int_equal(g_read(G0, 0x1c, 4), 0);
    assert_int_equal(g_read(G0, 0x20, 4), 0x0000000cU);
    assert_int_equal(g_read(G0, 0x24, 4), 0x00000004U);
    assert_int_equal(g_read(G0, 0x30, 4), 0);
    g_write(G0, 0x04, 2, CMD_IO | CMD_MEM);
    assert_int_equal(nmaps(), 1);
    expect_map(false, 0x400000000ULL, 0x800000000ULL, 0x200000000ULL);
    expect_command_writes_only(HOST2);
}

/* BAR0 0xf0000000, BAR1 0xc000, BAR2/3 0x1_2000_0000, decode off. */
static void program_bars(void)
{
    g_write(G0, 0x10, 4, 0xf0000000U);
    g_write(G0, 0x14, 4, 0x0000c000U);
    g_write(G0, 0x18, 4, 0x20000000U);
    g_write(G0, 0x1c, 4, 0x00000001U);
}

static void test_bar_mapping(void **state)
{
    unsigned int i, n;

    assign(G0, HOST, 0);
    program_bars();
    assert_int_equal(g_read(G0, 0x10, 4), 0xf0000000U);
    assert_int_equal(g_read(G0, 0x14, 4), 0x0000c001U);
    assert_int_equal(g_read(G0, 0x18, 4), 0x2000000cU);
    assert_int_equal(g_read(G0, 0x1c, 4), 0x00000001U);
    assert_int_equal(nmaps(), 0);

    g_write(G0, 0x04, 2, CMD_MEM);
    assert_int_equal(nmaps(), 2);
    expect_map(false, 0xf0000000U, H_BAR0, SZ_BAR0);
    expect_map(false, 0x120000000ULL, HADDR_BAR2, SZ_BAR2);

    g_write(G0, 0x04, 2, CMD_MEM | CMD_IO);
    assert_int_equal(nmaps(), 3);
    expect_map(true, 0xc000, H_BAR1 & ~3U, SZ_BAR1);
    expect_map(false, 0xf0000000U, H_BAR0, SZ_BAR0);

    g_write(G0, 0x04, 2, CMD_IO);
    assert_int_equal(nmaps(), 1);
    expect_map(true, 0xc000, H_BAR1 & ~3U, SZ_BAR1);

    g_write(G0, 0x04, 2, 0);
    assert_int_equal(nmaps(), 0);

    /* A byte write turns both on, a dword write with status turns off. */
    g_write(G0, 0x04, 1, CMD_MEM | CMD_IO);
    assert_int_equal(nmaps(), 3);
    g_write(G0, 0x04, 4, 0);
    assert_int_equal(nmaps(), 0);

    /* Moved while off: the new address is used when decode comes on. */
    g_write(G0, 0x10, 4, 0xf8000000U);
    g_write(G0, 0x04, 2, CMD_MEM);
    assert_int_equal(nmaps(), 2);
    expect_map(false, 0xf8000000U, H_BAR0, SZ_BAR0);

    /* The guest's BAR writes never reached the device's BARs. */
    n = h_dev_log(HOST);
    for ( i = 0; i < n; i++ )
        assert_true(h_wlog[i].reg < 0x10 || h_wlog[i].reg > 0x33);
    assert_int_equal(hw(HOST, 0x10, 4), H_BAR0);
    assert_int_equal(hw(HOST, 0x14, 4), H_BAR1);
    assert_int_equal(hw(HOST, 0x18, 4), H_BAR2);
    assert_int_equal(hw(HOST, 0x1c, 4), H_BAR3);
    assert_int_equal(hw(HOST, 0x30, 4), H_ROM);
    assert_int_equal(hw(HOST, 0x04, 2) & (CMD_IO | CMD_MEM), CMD_MEM);
}

/* A BAR at 0 is not mapped; neither is one the host refuses (RAM). */
static void test_bar_zero_and_ram_not_mapped(void **state)
{
    assign(G0, HOST, 0);
    g_write(G0, 0x18, 4, 0x20000000U);
    g_write(G0, 0x1c, 4, 0x00000001U);
    g_write(G0, 0x04, 2, CMD_MEM | CMD_IO);     /* BAR0, BAR1 at 0 */
    assert_int_equal(nmaps(), 1);
    expect_map(false, 0x120000000ULL, HADDR_BAR2, SZ_BAR2);
    g_write(G0, 0x04, 2, 0);
    assert_int_equal(nmaps(), 0);

    assert_int_equal(xecam_user_p2m_add(GUEST, 0xf0000000U, 0x1000000), 0);
    g_write(G0, 0x10, 4, 0xf0000000U);
    g_write(G0, 0x04, 2, CMD_MEM);
    assert_int_equal(nmaps(), 1);
    expect_map(false, 0x120000000ULL, HADDR_BAR2, SZ_BAR2);
    g_write(G0, 0x04, 2, 0);
    assert_int_equal(nmaps(), 0);
    g_write(G0, 0x10, 4, 0xf8000000U);
    g_write(G0, 0x04, 2, CMD_MEM);
    assert_int_equal(nmaps(), 2);
    expect_map(false, 0xf8000000U, H_BAR0, SZ_BAR0);
}

static void test_rom_mapping(void **state)
{
    assign(G0, HOST, 0);
    xecam_user_log_clear();

    /* Placed and enabled with MEM off: nothing. */
    g_write(G0, 0x30, 4, 0xf1000000U);
    assert_int_equal(g_read(G0, 0x30, 4), 0xf1000000U);
    assert_int_equal(nmaps(), 0);
    g_write(G0, 0x30, 4, 0xf1000001U);
    assert_int_equal(g_read(G0, 0x30, 4), 0xf1000001U);
    assert_int_equal(nmaps(), 0);

    /* MEM on: the ROM (the other memory BARs are at 0). */
    g_write(G0, 0x04, 2, CMD_MEM);
    assert_int_equal(nmaps(), 1);
    expect_map(false, 0xf1000000U, H_ROM, SZ_ROM);

    /* The enable bit toggles the mapping while MEM stays on. */
    g_write(G0, 0x30, 4, 0xf1000000U);
    assert_int_equal(g_read(G0, 0x30, 4), 0xf1000000U);
    assert_int_equal(nmaps(), 0);
    g_write(G0, 0x30, 1, 0x01);
    assert_int_equal(g_read(G0, 0x30, 4), 0xf1000001U);
    assert_int_equal(nmaps(), 1);
    expect_map(false, 0xf1000000U, H_ROM, SZ_ROM);
    assert_int_equal(xecam_user_log_count(BAR_LOG_LINE), 0);

    /* MEM off unmaps, on maps again. */
    g_write(G0, 0x04, 2, 0);
    assert_int_equal(nmaps(), 0);
    g_write(G0, 0x04, 2, CMD_MEM);
    assert_int_equal(nmaps(), 1);

    /* Enabled and decoding: its address cannot move. */
    g_write(G0, 0x30, 4, 0xf2000001U);
    assert_int_equal(g_read(G0, 0x30, 4), 0xf1000001U);
    expect_map(false, 0xf1000000U, H_ROM, SZ_ROM);
    assert_int_equal(xecam_user_log_count(BAR_LOG_LINE), 1);

    /* Disabled with MEM on, it can; enabling maps it there. */
    g_write(G0, 0x30, 4, 0xf1000000U);
    g_write(G0, 0x30, 4, 0xf3000000U);
    assert_int_equal(g_read(G0, 0x30, 4), 0xf3000000U);
    assert_int_equal(nmaps(), 0);
    g_write(G0, 0x30, 1, 0x01);
    assert_int_equal(nmaps(), 1);
    expect_map(false, 0xf3000000U, H_ROM, SZ_ROM);

    /* While mapped the device decodes its ROM: only its enable bit. */
    assert_int_equal(hw(HOST, 0x30, 4), H_ROM | 1);
    g_write(G0, 0x04, 2, 0);
    assert_int_equal(hw(HOST, 0x30, 4), H_ROM);
}

/*
 * Linux's pci_enable_rom() writes the ROM's address and the enable bit in
 * one dword, with Command.MEM on and the ROM disabled (a ROM BAR is not
 * written while disabled, pci_std_update_resource()).  The ROM does not
 * decode before the write, so the address is not "changed while decode is
 * on": the ROM must end up mapped at the new address.
 */
static void test_rom_enable_with_address(void **state)
{
    assign(G0, HOST, 0);
    xecam_user_log_clear();
    g_write(G0, 0x04, 2, CMD_MEM | CMD_MASTER);
    assert_int_equal(g_read(G0, 0x30, 4), 0);
    g_write(G0, 0x30, 4, 0xf1000000U | 1);
    assert_int_equal(g_read(G0, 0x30, 4), 0xf1000001U);
    assert_int_equal(nmaps(), 1);
    expect_map(false, 0xf1000000U, H_ROM, SZ_ROM);
    assert_int_equal(xecam_user_log_count(BAR_LOG_LINE), 0);
}

static void test_bar_write_decode_on(void **state)
{
    struct xecam_vpci *dev;
    unsigned long ignored = 0;
    unsigned int i, lines;

    assign(G0, HOST, 0);
    program_bars();
    g_write(G0, 0x04, 2, CMD_MEM);
    assert_int_equal(nmaps(), 2);
    xecam_user_log_clear();

    /* Memory BARs cannot move, nor be sized, while MEM is on. */
    g_write(G0, 0x10, 4, 0xf8000000U);
    ignored++;
    assert_int_equal(g_read(G0, 0x10, 4), 0xf0000000U);
    expect_map(false, 0xf0000000U, H_BAR0, SZ_BAR0);
    assert_int_equal(xecam_user_log_count("BAR at 0x10 " BAR_LOG_LINE), 1);
    g_write(G0, 0x1c, 4, 0x00000002U);
    ignored++;
    assert_int_equal(g_read(G0, 0x1c, 4), 0x00000001U);
    g_write(G0, 0x1a, 2, 0xffff);
    ignored++;
    assert_int_equal(g_read(G0, 0x18, 4), 0x2000000cU);
    g_write(G0, 0x10, 4, 0xffffffffU);
    ignored++;
    assert_int_equal(g_read(G0, 0x10, 4), 0xf0000000U);
    expect_map(false, 0x120000000ULL, HADDR_BAR2, SZ_BAR2);
    assert_int_equal(nmaps(), 2);

    /* Rewriting the same value is not a move. */
    g_write(G0, 0x10, 4, 0xf0000000U);
    g_write(G0, 0x13, 1, 0xf0);

    /* The I/O BAR follows IO, not MEM. */
    g_write(G0, 0x14, 4, 0x0000d000U);
    assert_int_equal(g_read(G0, 0x14, 4), 0x0000d001U);
    g_write(G0, 0x04, 2, CMD_MEM | CMD_IO);
    expect_map(true, 0xd000, H_BAR1 & ~3U, SZ_BAR1);
    g_write(G0, 0x14, 4, 0x0000c000U);
    ignored++;
    assert_int_equal(g_read(G0, 0x14, 4), 0x0000d001U);
    expect_map(true, 0xd000, H_BAR1 & ~3U, SZ_BAR1);
    assert_int_equal(nmaps(), 3);

    /* A flood is counted in full and logged within the rate limit. */
    xecam_user_log_clear();
    for ( i = 0; i < 100000; i++ )
        g_write(G0, 0x10, 4, 0xf8000000U);
    ignored += 100000;
    lines = xecam_user_log_count(BAR_LOG_LINE);
    assert_true(lines >= 1);
    assert_true(lines <= 10);
    assert_true(xecam_user_log_lines() <= 10);
    assert_int_equal(g_read(G0, 0x10, 4), 0xf0000000U);
    expect_command_writes_only(HOST);

    dev = xecam_route_remove_vpci(d, G0);
    assert_non_null(dev);
    assert_int_equal(xecam_vpci_bar_writes_ignored(dev), ignored);
    xecam_vpci_destroy(dev);
    assert_int_equal(nmaps(), 0);
}

/* ---- Deassignment ---- */

static void test_deassign(void **state)
{
    static const uint32_t absent[] = {
        XECAM_SBDF(0, 0, 5, 0), XECAM_SBDF(0, 9, 3, 0), XECAM_SBDF(4, 0, 3, 0),
    };
    unsigned int i;

    assign(G0, HOST, 0);
    program_bars();
    g_write(G0, 0x30, 4, 0xf1000001U);
    g_write(G0, 0x3c, 1, 0x0a);
    g_write(G0, 0x04, 2, CMD_IO | CMD_MEM | CMD_MASTER | CMD_INTX);
    assert_int_equal(nmaps(), 4);
    assert_int_equal(hw(HOST, 0x04, 2) & CMD_MASTER, CMD_MASTER);

    xecam_user_pdev_log_clear();
    assert_int_equal(xecam_deassign_device(d, G0), 0);
    assert_int_equal(hw(HOST, 0x04, 2) & CMD_MASTER, 0);
    assert_int_equal(hw(HOST, 0x04, 2) & (CMD_SERR | CMD_PARITY), 0);
    assert_int_equal(nmaps(), 0);
    assert_int_equal(g_read(G0, 0x00, 4), 0xffffffffU);
    assert_int_equal(xecam_deassign_device(d, G0), -ENOENT);
    for ( i = 0; i < XECAM_ARRAY_SIZE(absent); i++ )
        assert_int_equal(xecam_deassign_device(d, absent[i]), -ENOENT);

    /* A new assignment starts from reset. */
    assign(G0, HOST, 0);
    assert_int_equal(g_read(G0, 0x04, 2), 0);
    for ( i = 0; i < XECAM_ARRAY_SIZE(bars); i++ )
        assert_int_equal(g_read(G0, bars[i].reg, 4), bars[i].reset);
    assert_int_equal(g_read(G0, 0x3c, 1), 0);
    assert_int_equal(g_read(G0, 0x0e, 1), 0);
    g_write(G0, 0x04, 2, CMD_MEM | CMD_IO);
    assert_int_equal(nmaps(), 0);           /* every BAR at 0 */
}

/* ---- Hidden functions and multifunction slots ---- */

static void test_hidden(void **state)
{
    static const unsigned int sizes[] = { 1, 2, 4 };
    uint8_t before[0x40], after[0x40];
    unsigned int reg, s;

    host_add_hdr(HOST_F1, 0x80);
    assign(G0, HOST, XECAM_ASSIGN_HIDDEN);
    assert_int_equal(xecam_user_pdev_peek(HOST, 0, before, sizeof(before)),
                     0);
    for ( s = 0; s < XECAM_ARRAY_SIZE(sizes); s++ )
        for ( reg = 0; reg < 0x100; reg += sizes[s] )
            assert_int_equal(g_read(G0, reg, sizes[s]),
                             xecam_ones(sizes[s]));
    assert_int_equal(g_read(G0, 0xffc, 4), 0xffffffffU);

    g_write(G0, 0x10, 4, 0xf0000000U);
    g_write(G0, 0x30, 4, 0xf1000001U);
    g_write(G0, 0x04, 2, 0xffff);
    g_write(G0, 0x04, 4, 0xffffffffU);
    g_write(G0, 0x0c, 4, 0xffffffffU);
    g_write(G0, 0x3c, 1, 0x0a);
    g_write(G0, 0x40, 4, 0xffffffffU);
    assert_int_equal(h_dev_log(HOST), 0);
    assert_int_equal(xecam_user_pdev_writes(), 0);
    assert_int_equal(nmaps(), 0);
    assert_int_equal(xecam_user_pdev_peek(HOST, 0, after, sizeof(after)), 0);
    assert_memory_equal(before, after, sizeof(before));

    /* A hidden function 0 does not open the slot for function 1. */
    assign(G1, HOST_F1, 0);
    assert_int_equal(g_read(G1, 0x00, 4), 0xffffffffU);

    /* Reassigned visible: a fresh device, and the slot opens. */
    assert_int_equal(xecam_deassign_device(d, G0), 0);
    assign(G0, HOST, 0);
    assert_int_equal(g_read(G0, 0x00, 4), (H_DEVICE << 16) | H_VENDOR);
    assert_int_equal(g_read(G0, 0x10, 4), 0);
    assert_int_equal(g_read(G0, 0x3c, 1), 0);
    assert_int_equal(g_read(G1, 0x00, 4), (H_DEVICE << 16) | H_VENDOR);
    assert_int_equal(g_read(G0, 0x0e, 1), 0x80);
    assert_int_equal(g_read(G1, 0x0e, 1), 0x80);
}

static void test_mf_visibility(void **state)
{
    host_add_hdr(HOST_F1, 0x80);
    assign(G1, HOST_F1, 0);

    /* Function 1 without function 0: an empty function. */
    assert_int_equal(g_read(G1, 0x00, 2), 0xffff);
    assert_int_equal(g_read(G1, 0x00, 4), 0xffffffffU);
    assert_int_equal(g_read(G1, 0x0e, 1), 0xff);
    g_write(G1, 0x10, 4, 0xf0000000U);
    g_write(G1, 0x04, 2, 0xffff);
    g_write(G1, 0x0c, 1, 0x08);
    assert_int_equal(h_dev_log(HOST_F1), 0);
    assert_int_equal(nmaps(), 0);

    /* Function 0 arrives: function 1 appears, the slot is multifunction. */
    assign(G0, HOST, 0);
    assert_int_equal(g_read(G1, 0x00, 4), (H_DEVICE << 16) | H_VENDOR);
    assert_int_equal(g_read(G1, 0x10, 4), 0);  /* the writes were dropped */
    assert_int_equal(g_read(G0, 0x0e, 1), 0x80);
    assert_int_equal(g_read(G1, 0x0e, 1), 0x80);
    g_write(G1, 0x0c, 1, 0x08);
    expect_one_write(HOST_F1, 0x0c, 1, 0x08);

    /* Function 0 leaves: function 1 disappears again. */
    assert_int_equal(xecam_deassign_device(d, G0), 0);
    assert_int_equal(g_read(G1, 0x00, 4), 0xffffffffU);
    xecam_user_pdev_log_clear();
    g_write(G1, 0x0c, 1, 0x10);
    assert_int_equal(h_dev_log(HOST_F1), 0);
}

static void test_mf_partial(void **state)
{
    start(XECAM_DOMF_PARTIAL_MF);
    host_add_hdr(HOST_F1, 0x80);
    host_add_hdr(HOST2, 0x80);

    assign(G1, HOST_F1, 0);
    assert_int_equal(g_read(G1, 0x00, 4), (H_DEVICE << 16) | H_VENDOR);
    assert_int_equal(g_read(G1, 0x0e, 1), 0x00);   /* alone */
    g_write(G1, 0x0c, 1, 0x08);
    expect_one_write(HOST_F1, 0x0c, 1, 0x08);

    /* A hidden function stays hidden and does not count. */
    assign(XECAM_SBDF(0, 0, 3, 2), HOST2, XECAM_ASSIGN_HIDDEN);
    assert_int_equal(g_read(XECAM_SBDF(0, 0, 3, 2), 0x00, 4), 0xffffffffU);
    assert_int_equal(g_read(G1, 0x0e, 1), 0x00);

    assign(G0, HOST, 0);
    assert_int_equal(g_read(G0, 0x0e, 1), 0x80);
    assert_int_equal(g_read(G1, 0x0e, 1), 0x80);
    assert_int_equal(xecam_deassign_device(d, G0), 0);
    assert_int_equal(g_read(G1, 0x00, 2), H_VENDOR);
    assert_int_equal(g_read(G1, 0x0e, 1), 0x00);
}

/* ---- Assignment errors ---- */

static void expect_untouched(void)
{
    assert_int_equal(g_read(G0, 0x00, 4), 0xffffffffU);
    assert_null(xecam_route_remove_vpci(d, G0));
    assert_int_equal(nmaps(), 0);
    assert_int_equal(xecam_user_pdev_writes(), 0);
}

static void test_assign_errors(void **state)
{
    host_add_hdr(HOST_BR, 0x01);
    host_add_hdr(HOST_BR_MF, 0x81);
    host_add_hdr(HOST_CB, 0x02);
    host_add(HOST2);
    xecam_user_pdev_log_clear();

    assert_int_equal(xecam_assign_device(d, G0, HOST_ABSENT, 0), -ENODEV);
    expect_untouched();
    assert_int_equal(xecam_assign_device(d, G0, HOST_BR, 0), -EOPNOTSUPP);
    expect_untouched();
    assert_int_equal(xecam_assign_device(d, G0, HOST_BR_MF, 0), -EOPNOTSUPP);
    expect_untouched();
    assert_int_equal(xecam_assign_device(d, G0, HOST_CB, 0), -EOPNOTSUPP);
    expect_untouched();
    assert_int_equal(xecam_assign_device(d, G0, HOST, 1U << 5), -EINVAL);
    expect_untouched();
    assert_int_equal(xecam_assign_device(d, G0, HOST, 1U << 31), -EINVAL);
    expect_untouched();
    assert_int_equal(xecam_assign_device(d, G0, HOST,
                                         XECAM_ASSIGN_MASK + 1), -EINVAL);
    expect_untouched();

    assign(G0, HOST, 0);
    assert_int_equal(xecam_assign_device(d, G0, HOST2, 0), -EEXIST);
    assert_int_equal(xecam_assign_device(d, G0, HOST, 0), -EEXIST);
    assert_int_equal(xecam_assign_device(d, G0, HOST, XECAM_ASSIGN_HIDDEN),
                     -EEXIST);
    /* The function that was there is still there, and still the same. */
    assert_int_equal(g_read(G0, 0x00, 4), (H_DEVICE << 16) | H_VENDOR);
    assert_int_equal(xecam_deassign_device(d, G0), 0);
    assert_int_equal(xecam_deassign_device(d, G0), -ENOENT);
}

/*
 * A refused assignment (-EEXIST) must not touch any device: neither the new
 * host function, nor the one the guest is using at that SBDF.
 */
static void test_assign_eexist_no_side_effects(void **state)
{
    host_add(HOST2);
    assign(G0, HOST, 0);
    program_bars();
    g_write(G0, 0x04, 2, CMD_MEM | CMD_MASTER);
    assert_int_equal(nmaps(), 2);
    xecam_user_pdev_log_clear();

    assert_int_equal(xecam_assign_device(d, G0, HOST2, 0), -EEXIST);
    assert_int_equal(h_dev_log(HOST2), 0);
    assert_int_equal(hw(HOST2, 0x04, 2), H_CMD);

    assert_int_equal(xecam_assign_device(d, G0, HOST, 0), -EEXIST);
    assert_int_equal(h_dev_log(HOST), 0);
    assert_int_equal(hw(HOST, 0x04, 2) & CMD_MASTER, CMD_MASTER);
    assert_int_equal(nmaps(), 2);
    assert_int_equal(g_read(G0, 0x04, 2) & (CMD_MEM | CMD_MASTER),
                     CMD_MEM | CMD_MASTER);
}

/*
 * The guest's view of the header, with each BAR's sizing read after it;
 * then every BAR placed (BAR5 too, at an I/O-sized address) and decode on.
 */
static void guest_view(uint32_t sbdf, uint32_t *view)
{
    unsigned int reg;

    for ( reg = 0; reg < 0x40; reg += 4 )
        view[reg / 4] = g_read(sbdf, reg, 4);
    for ( reg = 0x10; reg < 0x34; reg += 4 )
    {
        if ( reg >= 0x28 && reg < 0x30 )
            continue;
        g_write(sbdf, reg, 4, ~0U);
        view[16 + (reg - 0x10) / 4] = g_read(sbdf, reg, 4);
    }
    g_write(sbdf, 0x10, 4, 0xf0000000U);
    g_write(sbdf, 0x14, 4, 0x0000c000U);
    g_write(sbdf, 0x18, 4, 0x20000000U);
    g_write(sbdf, 0x1c, 4, 0x00000001U);
    g_write(sbdf, 0x24, 4, 0x0000b000U);
    g_write(sbdf, 0x30, 4, 0xf1000001U);
    g_write(sbdf, 0x04, 2, CMD_IO | CMD_MEM);
}

/* A mapping of one of the NIC's BARs onto its real host address? */
static bool map_is_real(const struct xecam_user_mapping *m)
{
    return (m->io && m->haddr == (H_BAR1 & ~3U) && m->size == SZ_BAR1) ||
           (!m->io && m->haddr == H_BAR0 && m->size == SZ_BAR0) ||
           (!m->io && m->haddr == HADDR_BAR2 && m->size == SZ_BAR2) ||
           (!m->io && m->haddr == H_ROM && m->size == SZ_ROM);
}

#define VIEW 25

/*
 * Fail each fallible call of an assignment in turn ('kinds'): every failure
 * is an error that leaves nothing routed or mapped, and nothing leaks
 * (LeakSanitizer at exit).  A failure the assignment swallows (it succeeds
 * although a call it made failed) is reported with what the guest then
 * sees differently, and fails the test at the end.
 */
static void assign_faults(unsigned int kinds, uint32_t guest, uint32_t host)
{
    uint32_t ref[VIEW] = { 0 }, got[VIEW];
    unsigned long nth, nbad = 0;
    unsigned int i;
    bool fired;
    int rc = -1;

    /* The reference: a device that has been deassigned once before. */
    assert_int_equal(xecam_assign_device(d, guest, host, 0), 0);
    assert_int_equal(xecam_deassign_device(d, guest), 0);
    assert_int_equal(xecam_assign_device(d, guest, host, 0), 0);
    guest_view(guest, ref);
    assert_int_equal(nmaps(), 4);
    for ( i = 0; i < 4; i++ )
        assert_true(map_is_real(&maps[i]));
    assert_int_equal(xecam_deassign_device(d, guest), 0);

    for ( nth = 1; nth < 10000; nth++ )
    {
        xecam_user_pdev_log_clear();
        xecam_user_fault_arm(kinds, nth);
        rc = xecam_assign_device(d, guest, host, 0);
        fired = xecam_user_fault_fired();
        xecam_user_fault_arm(0, 0);
        if ( !fired )
            break;
        if ( !rc )
        {
            memset(got, 0, sizeof(got));
            guest_view(guest, got);
            nbad++;
            print_message("failed call %lu ignored, assignment succeeded:",
                          nth);
            for ( i = 0; i < VIEW; i++ )
                if ( got[i] != ref[i] )
                    print_message(" %s %#x = %08x (not %08x)",
                                  i < 16 ? "read" : "sized",
                                  i < 16 ? 4 * i : 0x10 + 4 * (i - 16),
                                  got[i], ref[i]);
            for ( i = 0; i < nmaps(); i++ )
                if ( !map_is_real(&maps[i]) )
                    print_message(" guest %s %#llx mapped onto host %#llx",
                                  maps[i].io ? "I/O" : "MMIO",
                                  (unsigned long long)maps[i].gaddr,
                                  (unsigned long long)maps[i].haddr);
            print_message("\n");
            assert_int_equal(xecam_deassign_device(d, guest), 0);
            continue;
        }
        if ( rc > 0 )
            fail_msg("fault #%lu: rc %d", nth, rc);
        assert_int_equal(g_read(guest, 0x00, 4), 0xffffffffU);
        assert_null(xecam_route_remove_vpci(d, guest));
        assert_int_equal(nmaps(), 0);
    }
    assert_int_equal(rc, 0);
    assert_true(nth > 1);
    if ( nbad )
        fail_msg("%lu of %lu injected failures ignored by the assignment",
                 nbad, nth - 1);
    assert_int_equal(g_read(guest, 0x00, 4), (H_DEVICE << 16) | H_VENDOR);
    for ( i = 0; i < XECAM_ARRAY_SIZE(bars); i++ )
        assert_int_equal(g_read(guest, bars[i].reg, 4), bars[i].reset);
}

static void test_assign_faults_alloc_lock(void **state)
{
    host_add_hdr(HOST_F1, 0x80);
    assign_faults(XECAM_FAULT_ALLOC | XECAM_FAULT_LOCK, G0, HOST);

    /* Function 1 in a slot that is routed: the slot's MF bit is unharmed. */
    assert_int_equal(g_read(G0, 0x0e, 1), 0x00);
    assign_faults(XECAM_FAULT_ALLOC | XECAM_FAULT_LOCK, G1, HOST_F1);
    assert_int_equal(g_read(G0, 0x0e, 1), 0x80);
    assert_int_equal(g_read(G1, 0x0e, 1), 0x80);
}

static void test_assign_faults_all(void **state)
{
    assign_faults(XECAM_FAULT_ALL, G0, HOST);
}

/* ---- Sweeps over the whole header ---- */

/*
 * Every dword of the header, and of the first capabilities (bytes no
 * register claims yet), reads the same as its words and as its bytes.
 */
static void check_compose(uint32_t sbdf)
{
    unsigned int reg, i;

    for ( reg = 0; reg < 0x60; reg += 4 )
    {
        uint32_t dw = g_read(sbdf, reg, 4), b = 0, w;

        for ( i = 0; i < 4; i++ )
            b |= g_read(sbdf, reg + i, 1) << (8 * i);
        w = g_read(sbdf, reg, 2) | (g_read(sbdf, reg + 2, 2) << 16);
        if ( dw != b || dw != w )
            fail_msg("%#x: dword %08x, bytes %08x, words %08x", reg, dw, b,
                     w);
    }
}

static void test_header_sweep(void **state)
{
    static const unsigned int sizes[] = { 1, 2, 4 };
    uint8_t before[0x40], after[0x40];
    uint32_t val, seed = 0x12345678U;
    unsigned int round, s, reg;

    host_add_hdr(HOST_F1, 0x80);
    assign(G0, HOST, 0);
    assign(G1, HOST_F1, 0);
    assert_int_equal(xecam_user_pdev_peek(HOST, 0, before, sizeof(before)),
                     0);
    check_compose(G0);
    check_compose(G1);

    for ( round = 0; round < 8; round++ )
    {
        for ( s = 0; s < XECAM_ARRAY_SIZE(sizes); s++ )
            for ( reg = 0; reg < 0x40; reg += sizes[s] )
            {
                uint32_t c;

                if ( round == 0 )
                    val = 0xffffffffU;
                else if ( round == 1 )
                    val = 0;
                else
                {
                    seed = seed * 1103515245U + 12345U;
                    val = seed ^ (seed >> 16);
                }
                g_write(G0, reg, sizes[s], val & xecam_ones(sizes[s]));
                c = hw(HOST, 0x04, 2);
                if ( (c & (CMD_SERR | CMD_PARITY)) ||
                     (c & (CMD_IO | CMD_MEM)) != CMD_MEM )
                    fail_msg("write %#x/%u of %#x: device command %#x", reg,
                             sizes[s], val & xecam_ones(sizes[s]), c);
                check_compose(G0);
            }
        check_compose(G1);
    }

    /* What the device keeps for itself never changed. */
    assert_int_equal(xecam_user_pdev_peek(HOST, 0, after, sizeof(after)), 0);
    assert_memory_equal(before, after, 0x04);           /* IDs */
    assert_memory_equal(before + 0x08, after + 0x08, 4);  /* rev, class */
    assert_int_equal(after[0x0d], before[0x0d]);        /* latency */
    assert_int_equal(after[0x0e], before[0x0e]);        /* header type */
    assert_memory_equal(before + 0x10, after + 0x10, 0x30);  /* BARs..pin */
    assert_int_equal(g_read(G0, 0x00, 4), (H_DEVICE << 16) | H_VENDOR);
    assert_int_equal(g_read(G0, 0x0e, 1), 0x80);
}

/* ---- A failing config read must not turn into a garbage write ---- */

/*
 * A guest Command write merges the device's current bits into what it
 * writes, and syncs INTx-disable by a read-modify-write.  If any of those
 * config reads fails, all-ones must not be written back: that would set
 * SERR and PARITY (XSA-59) and I/O decode in the device.  Each config
 * access of each write is failed in turn.
 */
static void test_cmd_write_read_fault(void **state)
{
    static const struct {
        uint16_t before;
        uint8_t size;
        uint32_t val;
    } w[] = {
        { CMD_MEM | CMD_MASTER, 2, 0 },
        { CMD_INTX, 2, 0 },                 /* INTx-disable turned off */
        { CMD_INTX, 1, 0 },
        { CMD_INTX, 4, 0x01000000U },       /* with a Status clear */
        { 0, 2, CMD_INTX | CMD_MEM },
        { 0, 2, 0xffff },
    };
    unsigned long nth;
    unsigned int i;
    bool fired;

    for ( i = 0; i < XECAM_ARRAY_SIZE(w); i++ )
        for ( nth = 1, fired = true; fired; nth++ )
        {
            uint32_t c;

            start(0);
            assign(G0, HOST, 0);
            g_write(G0, 0x04, 2, w[i].before);
            xecam_user_fault_arm(XECAM_FAULT_PCI, nth);
            g_write(G0, 0x04, w[i].size, w[i].val);
            fired = xecam_user_fault_fired();
            xecam_user_fault_arm(0, 0);
            c = hw(HOST, 0x04, 2);
            if ( (c & (CMD_SERR | CMD_PARITY | CMD_IO)) || !(c & CMD_MEM) )
                fail_msg("write %#x/%u after %#x, config access %lu failed: "
                         "device command %#x", w[i].val, w[i].size,
                         w[i].before, nth, c);
        }
}

/* The same on deassignment, which turns bus mastering off. */
static void test_deassign_read_fault(void **state)
{
    uint32_t c;

    assign(G0, HOST, 0);
    xecam_user_fault_arm(XECAM_FAULT_PCI, 1);
    assert_int_equal(xecam_deassign_device(d, G0), 0);
    assert_true(xecam_user_fault_fired());
    xecam_user_fault_arm(0, 0);
    c = hw(HOST, 0x04, 2);
    if ( (c & (CMD_SERR | CMD_PARITY | CMD_IO)) )
        fail_msg("device command %#x after a failed read", c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_ids_read_only),
        T(test_command_initial_view),
        T(test_command_write_ones),
        T(test_command_xsa120_zero_writes),
        T(test_command_device_bits_preserved),
        T(test_command_intx_follows_guest),
        T(test_status_rw1c),
        T(test_status_dword_with_command),
        T(test_header_type_mf),
        T(test_misc_registers),
        T(test_bar_sizing),
        T(test_bar_hostile),
        T(test_bar_mapping),
        T(test_bar_zero_and_ram_not_mapped),
        T(test_rom_mapping),
        T(test_rom_enable_with_address),
        T(test_bar_write_decode_on),
        T(test_deassign),
        T(test_hidden),
        T(test_mf_visibility),
        T(test_mf_partial),
        T(test_assign_errors),
        T(test_assign_eexist_no_side_effects),
        T(test_assign_faults_alloc_lock),
        T(test_assign_faults_all),
        T(test_header_sweep),
        T(test_cmd_write_read_fault),
        T(test_deassign_read_fault),
#undef T
    };

    return cmocka_run_group_tests_name("vpci_header", tests, NULL, NULL);
}
