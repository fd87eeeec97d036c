/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Capabilities, as docs/capabilities.md describes them: the policy table
 * against the page, the guest's standard and extended chains as a guest
 * walks them through ECAM, hostile chains and hostile contents, read-only
 * and unknown capabilities, per-device overrides, and failures of the host
 * during setup.  Host functions are built byte by byte, their free bytes
 * filled with a non-zero pattern; what reaches them is checked against
 * their write log and their config space.
 *
 * Most tests are cases: a builder makes the host function and says what
 * the guest must see (its chains, the bytes that read 0, the bytes read
 * from the device), run_case() assigns it and checks all of it.
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

#define DOC         "docs/capabilities.md"
#define ECAM_BASE   0xe0000000ULL

#define HOST        XECAM_SBDF(0, 0x05, 0, 0)
#define G0          XECAM_SBDF(0, 0, 3, 0)

/* The host function's header. */
#define H_VENDOR    0x8086U
#define H_DEVICE    0x1533U
#define H_REV       0x03U
#define H_CLASS     0x020000U
#define H_BAR0      0xfe000000U     /* 32-bit memory, 64 KiB */
#define SZ_BAR0     0x10000ULL

#define STATUS_CAP_LIST 0x0010U

/* Standard capability IDs. */
#define ID_NULL     0x00
#define ID_PM       0x01
#define ID_AGP      0x02
#define ID_VPD      0x03
#define ID_SLOTID   0x04
#define ID_MSI      0x05
#define ID_PCIX     0x07
#define ID_VNDR     0x09
#define ID_PCIE     0x10
#define ID_MSIX     0x11
#define ID_SATA     0x12
#define ID_FPB      0x15
#define ID_UNKNOWN  0x30

/* Extended capability IDs. */
#define EID_NULL    0x0000
#define EID_AER     0x0001
#define EID_DSN     0x0003
#define EID_VSEC    0x000b
#define EID_ACS     0x000d
#define EID_RCLD    0x0005
#define EID_ARI     0x000e
#define EID_SRIOV   0x0010
#define EID_MRIOV   0x0011
#define EID_LTR     0x0018
#define EID_SECPCI  0x0019
#define EID_DPC     0x001d
#define EID_UNKNOWN 0x0fff

#define MSI_ENABLE      0x0001U
#define MSI_64BIT       0x0080U
#define MSI_MASKABLE    0x0100U
#define MSIX_ENABLE     0x8000U
#define PCIE_DEVCTL_FLR 0x8000U
#define PCIE_FLAGS_FLIT 0x8000U
#define ACS_CAP_EC      0x0020U
#define AER_PREFIX_LOG  0x00000800U
#define DPC_CAP_RP_EXT  0x0020U
#define DPC_LOG_SIZE4   0x2000U

#define MAX_STD     64      /* more than the 48 links a chain can have */
#define MAX_EXT     1024    /* more than the 960 */
#define MAX_RANGES  16
#define MAX_EVENTS  64

/* A capability: where, what, and its version (extended only). */
struct cap {
    uint16_t off, id;
    uint8_t ver;
};

#define S(o, i)     { (o), (i), 0 }
#define E(o, i, v)  { (o), (i), (v) }

/* Bytes [off, off + len) of config space. */
struct range {
    uint16_t off, len;
};

/* What the guest must see of one host function. */
struct expect {
    struct cap std[MAX_STD];        /* the guest's standard chain */
    unsigned int nstd;
    bool ext;                       /* the extended chain is emulated */
    bool no_ext;                    /* 0x100-0xfff: all-ones, no writes */
    struct cap ext_caps[MAX_EXT];   /* its chain, null header included */
    unsigned int next;
    struct range hid[MAX_RANGES];   /* read 0, ignore writes */
    unsigned int nhid;
    struct range ro[MAX_RANGES];    /* read from the device, never written */
    unsigned int nro;
    struct range free[MAX_RANGES];  /* claimed by nothing */
    unsigned int nfree;
    unsigned int flags;             /* XECAM_ASSIGN_* */
    struct xecam_cap_override ovr[8];
    unsigned int novr;
};

struct chain_case {
    const char *name;
    void (*build)(struct expect *e);
    void (*check)(void);            /* more, after the common checks */
};

static struct xecam_domain *d;
/* The guest reaches its one function, G0, through the window. */
#define gpa_of(reg)             h_ecam_gpa(ECAM_BASE, G0, reg)
#define g_read(reg, size)       h_ecam_read(d, ECAM_BASE, G0, reg, size)
#define g_write(reg, size, val) h_ecam_write(d, ECAM_BASE, G0, reg, size, val)
#define hw(reg, size)           h_hw(HOST, reg, size)
static uint8_t cfg[XECAM_CFG_SIZE];     /* the host function being built */
static struct expect ex;
static struct xecam_user_event evs[MAX_EVENTS];

/* ---- The host ---- */

static void put(unsigned int reg, unsigned int size, uint32_t val)
{
    unsigned int i;

    for ( i = 0; i < size; i++ )
        cfg[reg + i] = (uint8_t)(val >> (8 * i));
}

/* Never 0: a byte that reads 0 was not read from the device. */
static uint8_t pattern(unsigned int i)
{
    return (uint8_t)(i * 13 + 0x5b) | 0x01;
}

/* A type 0 endpoint with no capability; bytes from 0x40 on: pattern. */
static void cfg_init(void)
{
    unsigned int i;

    memset(cfg, 0, 0x40);
    for ( i = 0x40; i < XECAM_CFG_SIZE; i++ )
        cfg[i] = pattern(i);
    put(0x00, 2, H_VENDOR);
    put(0x02, 2, H_DEVICE);
    put(0x08, 4, (H_CLASS << 8) | H_REV);
    put(0x10, 4, H_BAR0);
    put(0x100, 4, 0);                   /* no extended capability */
}

/* Sane contents for the capabilities Xen emulates. */
static void cap_body(const struct cap *c)
{
    switch ( c->id )
    {
    case ID_PM:
        put(c->off + 2, 2, 0xc803);     /* PME from D0/D3hot, version 3 */
        put(c->off + 4, 2, 0x0008);     /* D0, No_Soft_Reset */
        break;
    case ID_MSI:
        put(c->off + 2, 2, MSI_64BIT);  /* 64-bit, 1 vector: 14 bytes */
        break;
    case ID_MSIX:
        put(c->off + 2, 2, 0x0007);     /* 8 entries */
        put(c->off + 4, 4, 0x00000000); /* table: BAR 0 + 0 */
        put(c->off + 8, 4, 0x00000800); /* PBA: BAR 0 + 0x800 */
        break;
    case ID_PCIE:
        put(c->off + 2, 2, 0x0002);     /* version 2, endpoint */
        put(c->off + 4, 4, 0x00008fc0);
        put(c->off + 8, 2, 0x2810);
        break;
    }
}

/* The standard chain: Status.CAP_LIST, 0x34 and the links, in order. */
static void set_std(struct expect *e, const struct cap *c, unsigned int n)
{
    unsigned int i;

    put(0x06, 2, n ? STATUS_CAP_LIST : 0);
    put(0x34, 1, n ? c[0].off : 0);
    for ( i = 0; i < n; i++ )
    {
        put(c[i].off, 1, c[i].id);
        put(c[i].off + 1, 1, i + 1 < n ? c[i + 1].off : 0);
        cap_body(&c[i]);
        if ( c[i].id == ID_PCIE )
            e->ext = true;
    }
}

/* The extended chain from 0x100, in order. */
static void set_ext(const struct cap *c, unsigned int n)
{
    unsigned int i;

    for ( i = 0; i < n; i++ )
        put(c[i].off, 4, c[i].id | ((uint32_t)c[i].ver << 16) |
                         ((uint32_t)(i + 1 < n ? c[i + 1].off : 0) << 20));
}

static void add(struct cap *to, unsigned int *n, unsigned int max,
                const struct cap *c, unsigned int nr)
{
    unsigned int i;

    for ( i = 0; i < nr; i++ )
    {
        assert_true(*n < max);
        to[(*n)++] = c[i];
    }
}

static void want_std(struct expect *e, const struct cap *c, unsigned int n)
{
    add(e->std, &e->nstd, MAX_STD, c, n);
}

static void want_ext(struct expect *e, const struct cap *c, unsigned int n)
{
    add(e->ext_caps, &e->next, MAX_EXT, c, n);
}

/* The guest sees these chains exactly as the device has them. */
static void same_std(struct expect *e, const struct cap *c, unsigned int n)
{
    set_std(e, c, n);
    want_std(e, c, n);
}

static void same_ext(struct expect *e, const struct cap *c, unsigned int n)
{
    set_ext(c, n);
    want_ext(e, c, n);
}

static void want_hidden(struct expect *e, unsigned int off, unsigned int len)
{
    assert_true(e->nhid < MAX_RANGES);
    e->hid[e->nhid].off = off;
    e->hid[e->nhid++].len = len;
}

static void want_ro(struct expect *e, unsigned int off, unsigned int len)
{
    assert_true(e->nro < MAX_RANGES);
    e->ro[e->nro].off = off;
    e->ro[e->nro++].len = len;
}

static void want_free(struct expect *e, unsigned int off, unsigned int len)
{
    assert_true(e->nfree < MAX_RANGES);
    e->free[e->nfree].off = off;
    e->free[e->nfree++].len = len;
}

static void want_override(struct expect *e, bool ext, uint16_t id,
                          uint8_t action)
{
    assert_true(e->novr < XECAM_ARRAY_SIZE(e->ovr));
    e->ovr[e->novr].ext = ext;
    e->ovr[e->novr].id = id;
    e->ovr[e->novr++].action = action;
}

static void host_add(void)
{
    assert_int_equal(xecam_user_pdev_add(HOST, cfg, sizeof(cfg)), 0);
    assert_int_equal(xecam_user_pdev_bar(HOST, 0, SZ_BAR0), 0);
}

static void expect_no_writes(const char *name, const char *what)
{
    unsigned int n = h_dev_log(HOST);

    if ( n )
        fail_msg("%s: %s: %u writes reached the device, the first %#x/%u "
                 "of %#x", name, what, n, h_wlog[0].reg, h_wlog[0].size,
                 h_wlog[0].val);
}

/* ---- The guest ---- */

/*
 * The standard chain as a guest walks it.  The guest's chain must be
 * clean: CAP_LIST set exactly when 0x34 is not 0, every link dword aligned
 * in 0x40-0xfc, and an end within MAX_STD links.
 */
static unsigned int g_std(const char *name, struct cap *out)
{
    unsigned int n = 0, ptr = g_read(0x34, 1);
    bool list = g_read(0x06, 2) & STATUS_CAP_LIST;
    uint32_t h;

    if ( list != (ptr != 0) )
        fail_msg("%s: Status.CAP_LIST %u with 0x34 = %#x", name, list, ptr);
    while ( ptr )
    {
        if ( ptr < 0x40 || ptr > 0xfc || (ptr & 3) )
            fail_msg("%s: guest link %u to %#x", name, n, ptr);
        if ( n == MAX_STD )
            fail_msg("%s: guest standard chain without an end", name);
        h = g_read(ptr, 2);
        out[n].off = ptr;
        out[n].id = h & 0xff;
        out[n++].ver = 0;
        ptr = h >> 8;
    }

    return n;
}

/* The extended chain as a guest walks it, the header at 0x100 included. */
static unsigned int g_ext(const char *name, struct cap *out)
{
    unsigned int n = 0, ptr = 0x100;
    uint32_t h = g_read(0x100, 4);

    if ( !h )
        return 0;
    for ( ; ; )
    {
        if ( h == ~0U )
            fail_msg("%s: guest extended header %#x at %#x", name, h, ptr);
        if ( n == MAX_EXT )
            fail_msg("%s: guest extended chain without an end", name);
        out[n].off = ptr;
        out[n].id = h & 0xffff;
        out[n++].ver = (h >> 16) & 0xf;
        ptr = h >> 20;
        if ( !ptr )
            break;
        if ( ptr < 0x100 || (ptr & 3) )
            fail_msg("%s: guest extended link %u to %#x", name, n, ptr);
        h = g_read(ptr, 4);
        if ( !h )
            fail_msg("%s: guest extended header 0 at %#x", name, ptr);
    }

    return n;
}

static void print_caps(const char *what, const struct cap *c, unsigned int n)
{
    unsigned int i;

    print_message("%s (%u):", what, n);
    for ( i = 0; i < n && i < 24; i++ )
        print_message(" %#x:%#x/%u", c[i].off, c[i].id, c[i].ver);
    print_message("%s\n", n > 24 ? " ..." : "");
}

static void expect_caps(const char *name, const char *which,
                        const struct cap *got, unsigned int n,
                        const struct cap *want, unsigned int m)
{
    unsigned int i;
    bool ok = n == m;

    for ( i = 0; ok && i < n; i++ )
        ok = got[i].off == want[i].off && got[i].id == want[i].id &&
             got[i].ver == want[i].ver;
    if ( ok )
        return;
    print_caps("  guest sees", got, n);
    print_caps("  expected  ", want, m);
    fail_msg("%s: the guest's %s chain is wrong", name, which);
}

static void check_chains(const char *name, const struct expect *e)
{
    static struct cap got[MAX_EXT];
    unsigned int n = g_std(name, got);

    expect_caps(name, "standard", got, n, e->std, e->nstd);
    assert_int_equal(g_read(0x34, 1), e->nstd ? e->std[0].off : 0);
    assert_int_equal(g_read(0x06, 2) & STATUS_CAP_LIST,
                     e->nstd ? STATUS_CAP_LIST : 0);
    if ( !e->ext )
        return;
    n = g_ext(name, got);
    expect_caps(name, "extended", got, n, e->ext_caps, e->next);
    if ( !e->next )
        assert_int_equal(g_read(0x100, 4), 0);
}

/* Bytes [off, off + len) read 0 at every size and ignore every write. */
static void expect_hidden(const char *name, unsigned int off,
                          unsigned int len)
{
    static const uint32_t vals[] = { 0xffffffffU, 0x5aa55aa5U, 0 };
    uint8_t before[XECAM_CFG_SIZE], after[XECAM_CFG_SIZE];
    unsigned int o, v, end = off + len;
    uint32_t r;

    assert_true(!(off & 3) && !(len & 3) && len);
    assert_int_equal(xecam_user_pdev_peek(HOST, 0, before, sizeof(before)),
                     0);
    xecam_user_pdev_log_clear();
    for ( v = 0; v < XECAM_ARRAY_SIZE(vals); v++ )
    {
        for ( o = off; o < end; o++ )
            if ( (r = g_read(o, 1)) != 0 )
                fail_msg("%s: hidden byte %#x reads %#x (device %#x)", name,
                         o, r, hw(o, 1));
        for ( o = off; o < end; o += 2 )
            if ( (r = g_read(o, 2)) != 0 )
                fail_msg("%s: hidden word %#x reads %#x", name, o, r);
        for ( o = off; o < end; o += 4 )
            if ( (r = g_read(o, 4)) != 0 )
                fail_msg("%s: hidden dword %#x reads %#x", name, o, r);
        for ( o = off; o < end; o += 4 )
            g_write(o, 4, vals[v]);
        for ( o = off; o < end; o += 2 )
            g_write(o, 2, vals[v] & 0xffff);
        for ( o = off; o < end; o++ )
            g_write(o, 1, vals[v] & 0xff);
        expect_no_writes(name, "writes to a hidden capability");
    }
    assert_int_equal(xecam_user_pdev_peek(HOST, 0, after, sizeof(after)), 0);
    assert_memory_equal(before, after, sizeof(before));
}

/*
 * Bytes [off, off + len) read from the device, as it is now, and no write
 * reaches it.
 */
static void expect_read_only(const char *name, unsigned int off,
                             unsigned int len)
{
    uint8_t before[XECAM_CFG_SIZE], after[XECAM_CFG_SIZE];
    unsigned int o, end = off + len;
    uint32_t r;

    for ( o = off; o < end; o++ )
        if ( (r = g_read(o, 1)) != hw(o, 1) )
            fail_msg("%s: read-only byte %#x reads %#x, device %#x", name, o,
                     r, hw(o, 1));
    for ( o = (off + 3) & ~3U; o + 4 <= end; o += 4 )
        if ( (r = g_read(o, 4)) != hw(o, 4) )
            fail_msg("%s: read-only dword %#x reads %#x, device %#x", name,
                     o, r, hw(o, 4));
    expect_no_writes(name, "reads");

    /* Live: what the device holds now, not a copy. */
    for ( o = off; o < end; o++ )
    {
        assert_int_equal(xecam_port_pci_write(HOST, o, 1, ~hw(o, 1) & 0xff),
                         0);
        if ( (r = g_read(o, 1)) != hw(o, 1) )
            fail_msg("%s: read-only byte %#x reads %#x after the device "
                     "changed it to %#x", name, o, r, hw(o, 1));
    }
    xecam_user_pdev_log_clear();

    assert_int_equal(xecam_user_pdev_peek(HOST, 0, before, sizeof(before)),
                     0);
    for ( o = (off + 3) & ~3U; o + 4 <= end; o += 4 )
    {
        g_write(o, 4, 0xffffffffU);
        g_write(o, 4, 0);
    }
    for ( o = (off + 1) & ~1U; o + 2 <= end; o += 2 )
        g_write(o, 2, 0xa55a);
    for ( o = off; o < end; o++ )
    {
        g_write(o, 1, 0xff);
        g_write(o, 1, 0);
    }
    expect_no_writes(name, "writes to a read-only capability");
    assert_int_equal(xecam_user_pdev_peek(HOST, 0, after, sizeof(after)), 0);
    assert_memory_equal(before, after, sizeof(before));
}

/*
 * Bytes [off, off + len) that no capability claims: they read from the
 * device, and a write reaches it in permissive mode only.
 */
static void expect_free(const char *name, unsigned int off, unsigned int len,
                        bool perm)
{
    unsigned int o, was, want;
    uint32_t r;

    for ( o = off; o < off + len; o++ )
    {
        if ( (r = g_read(o, 1)) != hw(o, 1) )
            fail_msg("%s: free byte %#x reads %#x, device %#x", name, o, r,
                     hw(o, 1));
        was = hw(o, 1);
        want = perm ? ~was & 0xff : was;
        g_write(o, 1, ~was & 0xff);
        if ( hw(o, 1) != want )
            fail_msg("%s: free byte %#x: the device holds %#x after a %s "
                     "write of %#x, not %#x", name, o, hw(o, 1),
                     perm ? "permissive" : "normal", ~was & 0xff, want);
    }
    xecam_user_pdev_log_clear();
}

/* No extended config space: 0x100-0xfff read all-ones, writes dropped. */
static void expect_no_ext(const char *name)
{
    unsigned int o;
    uint32_t r;

    xecam_user_pdev_log_clear();
    for ( o = XECAM_CFG_LEGACY; o < XECAM_CFG_SIZE; o += 4 )
    {
        g_write(o, 4, 0);
        g_write(o, 2, 0x1234);
        g_write(o + 3, 1, 0);
    }
    expect_no_writes(name, "writes past 0x100");
    for ( o = XECAM_CFG_LEGACY; o < XECAM_CFG_SIZE; o += 4 )
        if ( (r = g_read(o, 4)) != 0xffffffffU )
            fail_msg("%s: no extended space, yet %#x reads %#x (device "
                     "%#x)", name, o, r, hw(o, 4));
    for ( o = XECAM_CFG_LEGACY; o < XECAM_CFG_LEGACY + 0x10; o++ )
        assert_int_equal(g_read(o, 1), 0xff);
}

/* Writes to the guest's capability headers change nothing, anywhere. */
static void expect_headers_inert(const char *name, const struct expect *e)
{
    unsigned int i;

    xecam_user_pdev_log_clear();
    for ( i = 0; i < e->nstd; i++ )
    {
        g_write(e->std[i].off, 2, 0xffff);
        g_write(e->std[i].off, 1, 0);
        g_write(e->std[i].off + 1, 1, 0x40);
    }
    for ( i = 0; e->ext && i < e->next; i++ )
    {
        g_write(e->ext_caps[i].off, 4, 0xffffffffU);
        g_write(e->ext_caps[i].off, 4, 0);
        g_write(e->ext_caps[i].off + 2, 2, 0x1040);
    }
    g_write(0x34, 1, 0x40);
    g_write(0x06, 2, 0);                /* CAP_LIST is read-only */
    expect_no_writes(name, "writes to capability headers");
    check_chains(name, e);
}

/* ---- Setup ---- */

static void start(void)
{
    d = h_host(0);
    assert_non_null(d);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, ECAM_BASE)),
                     0);
    memset(&ex, 0, sizeof(ex));
    cfg_init();
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

/* Assignment with overrides, routed as xecam_assign_device() does it. */
static int assign_opts(unsigned int flags,
                       const struct xecam_cap_override *ovr, unsigned int n)
{
    struct xecam_assign_opts opts = {
        .flags = flags, .nr_overrides = n, .overrides = ovr,
    };
    struct xecam_vpci *dev = NULL;
    int rc = xecam_vpci_assign_opts(d, G0, HOST, &opts, &dev);

    if ( rc )
        return rc;
    rc = xecam_route_add_vpci(d, G0, dev);
    if ( rc )
        xecam_vpci_destroy(dev);

    return rc;
}

static int assign(const struct expect *e)
{
    return e->novr || e->flags ? assign_opts(e->flags, e->ovr, e->novr)
                               : xecam_assign_device(d, G0, HOST, 0);
}

/* Everything the case says the guest sees. */
static void check_case(const char *name, const struct expect *e)
{
    unsigned int i;

    check_chains(name, e);
    expect_no_writes(name, "walking the chains");
    if ( e->no_ext )
        expect_no_ext(name);
    for ( i = 0; i < e->nhid; i++ )
        expect_hidden(name, e->hid[i].off, e->hid[i].len);
    for ( i = 0; i < e->nro; i++ )
        expect_read_only(name, e->ro[i].off, e->ro[i].len);
    for ( i = 0; i < e->nfree; i++ )
        expect_free(name, e->free[i].off, e->free[i].len,
                    e->flags & XECAM_ASSIGN_PERMISSIVE);
    expect_headers_inert(name, e);
}

static void run_case(void **state)
{
    const struct chain_case *c = *state;
    int rc;

    c->build(&ex);
    host_add();
    rc = assign(&ex);
    if ( rc )
        fail_msg("%s: assignment failed: %d", c->name, rc);
    xecam_user_pdev_log_clear();
    xecam_user_events_clear();
    check_case(c->name, &ex);
    if ( c->check )
        c->check();
}

/* ---- Emulated capabilities still work ---- */

static unsigned int events(void)
{
    return xecam_user_events(evs, MAX_EVENTS);
}

/* The MSI capability at 'off' binds the guest's address and data. */
static void msi_works(unsigned int off)
{
    bool is64 = g_read(off + 2, 2) & MSI_64BIT;

    assert_int_equal(g_read(off, 1), ID_MSI);
    xecam_user_events_clear();
    g_write(off + 4, 4, 0xfee01000U);
    if ( is64 )
        g_write(off + 8, 4, 0);
    g_write(off + (is64 ? 12 : 8), 2, 0x4041);
    g_write(off + 2, 2, MSI_ENABLE | (is64 ? MSI_64BIT : 0));
    assert_int_equal(g_read(off + 2, 2) & MSI_ENABLE, MSI_ENABLE);
    assert_int_equal(events(), 1);
    assert_int_equal(evs[0].kind, XECAM_EV_MSI_BIND);
    assert_int_equal(evs[0].sbdf, HOST);
    assert_int_equal(evs[0].addr, 0xfee01000U);
    assert_int_equal(evs[0].data, 0x4041);
    g_write(off + 2, 2, 0);
    assert_int_equal(events(), 2);
    assert_int_equal(evs[1].kind, XECAM_EV_MSI_UNBIND);
}

/* The MSI-X capability at 'off' tells the host when it is turned on. */
static void msix_works(unsigned int off)
{
    assert_int_equal(g_read(off, 1), ID_MSIX);
    xecam_user_events_clear();
    g_write(off + 2, 2, MSIX_ENABLE);
    assert_int_equal(g_read(off + 2, 2) & MSIX_ENABLE, MSIX_ENABLE);
    assert_int_equal(events(), 1);
    assert_int_equal(evs[0].kind, XECAM_EV_MSIX);
    assert_true(evs[0].enable);
    g_write(off + 2, 2, 0);
    assert_int_equal(events(), 2);
    assert_false(evs[1].enable);
}

/* ---- Guest chains ---- */

static void b_all_exposed(struct expect *e)
{
    static const struct cap std[] = {
        S(0x40, ID_PM), S(0x48, ID_MSI), S(0x58, ID_VNDR), S(0x60, ID_MSIX),
        S(0x70, ID_PCIE), S(0xb0, ID_SATA), S(0xc0, ID_UNKNOWN),
    };
    static const struct cap ext[] = {
        E(0x100, EID_AER, 2), E(0x148, EID_DSN, 1), E(0x158, EID_ARI, 1),
        E(0x160, EID_VSEC, 1), E(0x180, EID_UNKNOWN, 1),
    };

    same_std(e, std, XECAM_ARRAY_SIZE(std));
    same_ext(e, ext, XECAM_ARRAY_SIZE(ext));
    want_ro(e, 0x5a, 6);
    want_ro(e, 0xb2, 6);
    want_ro(e, 0xc2, 0x0e);
    want_ro(e, 0x104, 0x44);
    want_ro(e, 0x14c, 0x0c);
    want_ro(e, 0x15c, 4);
    want_ro(e, 0x164, 0x1c);
    want_ro(e, 0x184, 0x1c);
}

static void k_all_exposed(void)
{
    msi_works(0x48);
    msix_works(0x60);
}

static void b_std_hidden_middle(struct expect *e)
{
    static const struct cap dev[] = {
        S(0x40, ID_PM), S(0x48, ID_VPD), S(0x50, ID_VNDR), S(0x60, ID_MSI),
    };
    static const struct cap guest[] = {
        S(0x40, ID_PM), S(0x50, ID_VNDR), S(0x60, ID_MSI),
    };

    set_std(e, dev, XECAM_ARRAY_SIZE(dev));
    want_std(e, guest, XECAM_ARRAY_SIZE(guest));
    want_hidden(e, 0x48, 8);
    want_ro(e, 0x52, 0x0e);
}

static void k_std_hidden_middle(void)
{
    msi_works(0x60);
}

static void b_std_hidden_first(struct expect *e)
{
    static const struct cap dev[] = {
        S(0x40, ID_VPD), S(0x48, ID_PM), S(0x50, ID_VNDR),
    };
    static const struct cap guest[] = { S(0x48, ID_PM), S(0x50, ID_VNDR) };

    set_std(e, dev, XECAM_ARRAY_SIZE(dev));
    want_std(e, guest, XECAM_ARRAY_SIZE(guest));
    want_hidden(e, 0x40, 8);
}

static void b_std_hidden_last(struct expect *e)
{
    static const struct cap dev[] = {
        S(0x40, ID_PM), S(0x48, ID_VNDR), S(0x50, ID_PCIX),
    };
    static const struct cap guest[] = { S(0x40, ID_PM), S(0x48, ID_VNDR) };

    set_std(e, dev, XECAM_ARRAY_SIZE(dev));
    want_std(e, guest, XECAM_ARRAY_SIZE(guest));
    want_hidden(e, 0x50, 8);
}

static void b_std_hidden_runs(struct expect *e)
{
    static const struct cap dev[] = {
        S(0x40, ID_VPD), S(0x48, ID_PCIX), S(0x60, ID_PM), S(0x68, ID_AGP),
        S(0x74, ID_SLOTID), S(0x78, ID_VNDR), S(0x80, ID_PCIX),
        S(0x98, ID_VPD),
    };
    static const struct cap guest[] = { S(0x60, ID_PM), S(0x78, ID_VNDR) };

    set_std(e, dev, XECAM_ARRAY_SIZE(dev));
    want_std(e, guest, XECAM_ARRAY_SIZE(guest));
    want_hidden(e, 0x40, 8);
    want_hidden(e, 0x48, 8);
    want_hidden(e, 0x68, 12);
    want_hidden(e, 0x74, 4);
    want_hidden(e, 0x80, 8);
    want_hidden(e, 0x98, 8);
}

static void b_std_all_hidden(struct expect *e)
{
    static const struct cap dev[] = {
        S(0x40, ID_VPD), S(0x48, ID_PCIX), S(0x60, ID_SLOTID),
    };

    set_std(e, dev, XECAM_ARRAY_SIZE(dev));
    want_hidden(e, 0x40, 8);
    want_hidden(e, 0x48, 8);
    want_hidden(e, 0x60, 4);
}

static void b_ext_hidden_middle(struct expect *e)
{
    static const struct cap std[] = { S(0x40, ID_PCIE) };
    static const struct cap dev[] = {
        E(0x100, EID_AER, 2), E(0x148, EID_SRIOV, 1), E(0x188, EID_DSN, 1),
    };
    static const struct cap guest[] = {
        E(0x100, EID_AER, 2), E(0x188, EID_DSN, 1),
    };

    same_std(e, std, XECAM_ARRAY_SIZE(std));
    set_ext(dev, XECAM_ARRAY_SIZE(dev));
    want_ext(e, guest, XECAM_ARRAY_SIZE(guest));
    want_hidden(e, 0x148, 0x40);
    want_ro(e, 0x18c, 8);
}

/* SR-IOV first: 0x100 is a null header leading to AER. */
static void b_ext_hidden_first(struct expect *e)
{
    static const struct cap std[] = { S(0x40, ID_PCIE) };
    static const struct cap dev[] = {
        E(0x100, EID_SRIOV, 1), E(0x140, EID_AER, 2), E(0x188, EID_ACS, 1),
        E(0x190, EID_DSN, 1),
    };
    static const struct cap guest[] = {
        E(0x100, EID_NULL, 0), E(0x140, EID_AER, 2), E(0x190, EID_DSN, 1),
    };

    same_std(e, std, XECAM_ARRAY_SIZE(std));
    set_ext(dev, XECAM_ARRAY_SIZE(dev));
    want_ext(e, guest, XECAM_ARRAY_SIZE(guest));
    want_hidden(e, 0x188, 8);
    want_ro(e, 0x144, 0x44);
}

/* The same device: the rest of the hidden SR-IOV, after 0x100, reads 0. */
static void b_ext_hidden_first_bytes(struct expect *e)
{
    b_ext_hidden_first(e);
    want_hidden(e, 0x104, 0x3c);
}

static void b_ext_hidden_last(struct expect *e)
{
    static const struct cap std[] = { S(0x40, ID_PCIE) };
    static const struct cap dev[] = {
        E(0x100, EID_AER, 2), E(0x148, EID_DSN, 1), E(0x158, EID_ACS, 1),
    };

    same_std(e, std, XECAM_ARRAY_SIZE(std));
    set_ext(dev, XECAM_ARRAY_SIZE(dev));
    want_ext(e, dev, 2);
    want_hidden(e, 0x158, 8);
}

static void b_ext_all_hidden(struct expect *e)
{
    static const struct cap std[] = { S(0x40, ID_PCIE) };
    static const struct cap dev[] = {
        E(0x100, EID_ACS, 1), E(0x140, EID_SRIOV, 1), E(0x180, EID_ACS, 1),
    };

    same_std(e, std, XECAM_ARRAY_SIZE(std));
    set_ext(dev, XECAM_ARRAY_SIZE(dev));
    want_hidden(e, 0x140, 0x40);
    want_hidden(e, 0x180, 8);
}

/*
 * No PCI Express capability: no extended config space at all, whatever
 * the device holds there (0x100-0xfff read all-ones, writes dropped).
 */
static void b_no_pcie(struct expect *e)
{
    static const struct cap std[] = { S(0x40, ID_PM), S(0x48, ID_MSI) };
    static const struct cap dev[] = {
        E(0x100, EID_SRIOV, 1), E(0x140, EID_AER, 2),
    };

    same_std(e, std, XECAM_ARRAY_SIZE(std));
    set_ext(dev, XECAM_ARRAY_SIZE(dev));
    e->no_ext = true;
}

/* ---- Hostile standard chains ---- */

static void b_std_cycle(struct expect *e)
{
    static const struct cap dev[] = { S(0x40, ID_PM), S(0x50, ID_VNDR) };

    same_std(e, dev, XECAM_ARRAY_SIZE(dev));
    put(0x51, 1, 0x40);                 /* B -> A */
}

static void b_std_self_loop(struct expect *e)
{
    static const struct cap dev[] = { S(0x40, ID_PM), S(0x50, ID_VNDR) };

    same_std(e, dev, XECAM_ARRAY_SIZE(dev));
    put(0x51, 1, 0x50);                 /* B -> B */
}

static void b_std_self_loop_first(struct expect *e)
{
    static const struct cap dev[] = { S(0x40, ID_VNDR) };

    same_std(e, dev, XECAM_ARRAY_SIZE(dev));
    put(0x41, 1, 0x40);
}

static void b_std_into_header(struct expect *e)
{
    static const struct cap dev[] = { S(0x40, ID_PM), S(0x50, ID_VNDR) };

    same_std(e, dev, XECAM_ARRAY_SIZE(dev));
    put(0x51, 1, 0x3c);                 /* B -> the interrupt line */
}

static void b_std_first_into_header(struct expect *e)
{
    static const struct cap dev[] = { S(0x40, ID_PM), S(0x50, ID_VNDR) };

    set_std(e, dev, XECAM_ARRAY_SIZE(dev));
    put(0x34, 1, 0x10);                 /* the chain starts in the BARs */
}

/* Bits 1:0 of every pointer set: masked, the chain is the same. */
static void b_std_low_bits(struct expect *e)
{
    static const struct cap dev[] = {
        S(0x40, ID_PM), S(0x50, ID_VNDR), S(0x60, ID_MSI),
    };

    same_std(e, dev, XECAM_ARRAY_SIZE(dev));
    put(0x34, 1, 0x43);
    put(0x41, 1, 0x53);
    put(0x51, 1, 0x62);
    put(0x61, 1, 0x01);                 /* masked: 0, the end */
}

static void k_std_low_bits(void)
{
    msi_works(0x60);
}

static void b_std_ptr_ff(struct expect *e)
{
    static const struct cap dev[] = { S(0xfc, ID_VNDR) };

    same_std(e, dev, XECAM_ARRAY_SIZE(dev));
    put(0x34, 1, 0xff);                 /* 0xfc */
    put(0xfd, 1, 0xff);                 /* 0xfc again: a self-loop */
    want_ro(e, 0xfe, 2);
}

static void b_std_id_ff(struct expect *e)
{
    static const struct cap dev[] = {
        S(0x40, ID_PM), S(0x50, 0xff), S(0x60, ID_VNDR),
    };

    set_std(e, dev, XECAM_ARRAY_SIZE(dev));
    want_std(e, dev, 1);
}

static void b_std_null(struct expect *e)
{
    static const struct cap dev[] = {
        S(0x40, ID_PM), S(0x50, ID_NULL), S(0x60, ID_VNDR),
    };
    static const struct cap guest[] = { S(0x40, ID_PM), S(0x60, ID_VNDR) };

    set_std(e, dev, XECAM_ARRAY_SIZE(dev));
    want_std(e, guest, XECAM_ARRAY_SIZE(guest));
    want_hidden(e, 0x50, 4);
}

static void b_std_null_first(struct expect *e)
{
    static const struct cap dev[] = { S(0x40, ID_NULL), S(0x48, ID_PM) };

    set_std(e, dev, XECAM_ARRAY_SIZE(dev));
    want_std(e, dev + 1, 1);
    want_hidden(e, 0x40, 4);
}

/* A capability in every dword of 0x40-0xfc, the last back to the first. */
static void b_std_48(struct expect *e)
{
    struct cap dev[48];
    unsigned int i;

    for ( i = 0; i < 48; i++ )
    {
        dev[i].off = 0x40 + 4 * i;
        dev[i].id = i & 1 ? ID_VNDR : ID_UNKNOWN;
        dev[i].ver = 0;
    }
    same_std(e, dev, 48);
    put(0xfd, 1, 0x40);
}

static void b_std_48_loop_middle(struct expect *e)
{
    b_std_48(e);
    put(0xfd, 1, 0x80);
}

static void b_std_cap_list_clear(struct expect *e)
{
    static const struct cap dev[] = {
        S(0x40, ID_PM), S(0x50, ID_VNDR), S(0x60, ID_PCIE),
    };

    set_std(e, dev, XECAM_ARRAY_SIZE(dev));
    put(0x06, 2, 0);
    put(0x100, 4, EID_AER | (1U << 16));
    e->ext = false;
    e->no_ext = true;                   /* its PCIe capability is not seen */
}

/* ---- Hostile extended chains ---- */

static const struct cap pcie_only[] = { S(0x40, ID_PCIE) };

static void b_ext_cycle(struct expect *e)
{
    static const struct cap dev[] = {
        E(0x100, EID_AER, 2), E(0x200, EID_DSN, 1),
    };

    same_std(e, pcie_only, 1);
    same_ext(e, dev, XECAM_ARRAY_SIZE(dev));
    put(0x200, 4, EID_DSN | (1U << 16) | (0x100U << 20));
}

static void b_ext_self_loop(struct expect *e)
{
    static const struct cap dev[] = {
        E(0x100, EID_AER, 2), E(0x200, EID_DSN, 1),
    };

    same_std(e, pcie_only, 1);
    same_ext(e, dev, XECAM_ARRAY_SIZE(dev));
    put(0x200, 4, EID_DSN | (1U << 16) | (0x200U << 20));
}

static void b_ext_self_loop_first(struct expect *e)
{
    static const struct cap dev[] = { E(0x100, EID_AER, 2) };

    same_std(e, pcie_only, 1);
    same_ext(e, dev, XECAM_ARRAY_SIZE(dev));
    put(0x100, 4, EID_AER | (2U << 16) | (0x100U << 20));
}

static void b_ext_backward(struct expect *e)
{
    static const struct cap dev[] = { E(0x100, EID_AER, 2) };

    same_std(e, pcie_only, 1);
    same_ext(e, dev, XECAM_ARRAY_SIZE(dev));
    put(0x100, 4, EID_AER | (2U << 16) | (0x0c0U << 20));
}

static void b_ext_misaligned(struct expect *e)
{
    static const struct cap dev[] = {
        E(0x100, EID_AER, 2), E(0x200, EID_DSN, 1),
    };

    /* Bits 1:0 of a pointer are reserved: masked, 0x202 means 0x200. */
    same_std(e, pcie_only, 1);
    set_ext(dev, XECAM_ARRAY_SIZE(dev));
    want_ext(e, dev, 2);
    put(0x100, 4, EID_AER | (2U << 16) | (0x202U << 20));
}

static void b_ext_ones_first(struct expect *e)
{
    same_std(e, pcie_only, 1);
    put(0x100, 4, 0xffffffffU);
}

static void b_ext_ones_middle(struct expect *e)
{
    static const struct cap dev[] = { E(0x100, EID_AER, 2) };

    same_std(e, pcie_only, 1);
    same_ext(e, dev, XECAM_ARRAY_SIZE(dev));
    put(0x100, 4, EID_AER | (2U << 16) | (0x200U << 20));
    put(0x200, 4, 0xffffffffU);
}

static void b_ext_zero_middle(struct expect *e)
{
    static const struct cap dev[] = { E(0x100, EID_AER, 2) };

    same_std(e, pcie_only, 1);
    same_ext(e, dev, XECAM_ARRAY_SIZE(dev));
    put(0x100, 4, EID_AER | (2U << 16) | (0x200U << 20));
    put(0x200, 4, 0);
}

/* ID 0 with a version and a next pointer: walked over, never shown. */
static void b_ext_null(struct expect *e)
{
    static const struct cap dev[] = {
        E(0x100, EID_AER, 2), E(0x180, EID_NULL, 1), E(0x200, EID_DSN, 1),
    };
    static const struct cap guest[] = {
        E(0x100, EID_AER, 2), E(0x200, EID_DSN, 1),
    };

    same_std(e, pcie_only, 1);
    set_ext(dev, XECAM_ARRAY_SIZE(dev));
    want_ext(e, guest, XECAM_ARRAY_SIZE(guest));
    want_hidden(e, 0x180, 4);
}

/* A capability in every dword of 0x100-0xffc, the last back to 0x100. */
static void b_ext_960(struct expect *e)
{
    static struct cap dev[960];
    unsigned int i;

    for ( i = 0; i < 960; i++ )
    {
        dev[i].off = 0x100 + 4 * i;
        dev[i].id = i & 1 ? EID_VSEC : EID_UNKNOWN;
        dev[i].ver = 1 + i % 15;
    }
    same_std(e, pcie_only, 1);
    same_ext(e, dev, 960);
    put(0xffc, 4, EID_VSEC | (1U << 16) | (0x100U << 20));
    e->ext_caps[959].ver = 1;
}

/* ---- Contents no emulation can take: hidden, the rest goes on ---- */

/* PM, MSI-X with these table and PBA dwords, MSI, vendor. */
static void msix_bad(struct expect *e, uint32_t ctrl, uint32_t table,
                     uint32_t pba)
{
    static const struct cap dev[] = {
        S(0x40, ID_PM), S(0x48, ID_MSIX), S(0x58, ID_MSI), S(0x70, ID_VNDR),
    };
    static const struct cap guest[] = {
        S(0x40, ID_PM), S(0x58, ID_MSI), S(0x70, ID_VNDR),
    };

    set_std(e, dev, XECAM_ARRAY_SIZE(dev));
    put(0x4a, 2, ctrl);
    put(0x4c, 4, table);
    put(0x50, 4, pba);
    want_std(e, guest, XECAM_ARRAY_SIZE(guest));
    want_hidden(e, 0x48, 12);
}

static void k_msix_bad(void)
{
    msi_works(0x58);
}

static void b_msix_bir_unimplemented(struct expect *e)
{
    msix_bad(e, 0x0007, 0x00000003, 0x00000800);
}

static void b_msix_bir_reserved(struct expect *e)
{
    msix_bad(e, 0x0007, 0x00000007, 0x00000800);
}

static void b_msix_table_past_bar(struct expect *e)
{
    msix_bad(e, 0x0007, 0x00010000, 0x00000800);
}

static void b_msix_table_straddles(struct expect *e)
{
    msix_bad(e, 0x000f, 0x0000ff80, 0x00000800);   /* 256 bytes */
}

static void b_msix_pba_past_bar(struct expect *e)
{
    msix_bad(e, 0x0007, 0x00000000, 0x00010000);
}

static void b_msix_huge_table(struct expect *e)
{
    msix_bad(e, 0x07ff, 0x00000000, 0x00000800);   /* 2048 entries: 32K */
    put(0x4c, 4, 0x0000c000);                       /* 48K + 32K > 64K */
}

/* PM, MSI with this control word, MSI-X, vendor. */
static void msi_bad(struct expect *e, uint32_t ctrl)
{
    static const struct cap dev[] = {
        S(0x40, ID_PM), S(0x48, ID_MSI), S(0x60, ID_MSIX), S(0x70, ID_VNDR),
    };
    static const struct cap guest[] = {
        S(0x40, ID_PM), S(0x60, ID_MSIX), S(0x70, ID_VNDR),
    };

    set_std(e, dev, XECAM_ARRAY_SIZE(dev));
    put(0x4a, 2, ctrl);
    want_std(e, guest, XECAM_ARRAY_SIZE(guest));
    want_hidden(e, 0x48, 12);
}

static void k_msi_bad(void)
{
    msix_works(0x60);
}

static void b_msi_mmc6(struct expect *e)
{
    msi_bad(e, MSI_64BIT | (6 << 1));
}

static void b_msi_mmc7(struct expect *e)
{
    msi_bad(e, MSI_64BIT | MSI_MASKABLE | (7 << 1));
}

/*
 * A PCI Express capability of this device/port type: hidden, and MSI
 * after it still works.  No extended capability: whether a hidden PCI
 * Express capability brings the extended chain is not said.
 */
static void pcie_port(struct expect *e, unsigned int type)
{
    static const struct cap dev[] = {
        S(0x40, ID_PCIE), S(0x80, ID_MSI), S(0x98, ID_VNDR),
    };

    set_std(e, dev, XECAM_ARRAY_SIZE(dev));
    put(0x42, 2, 0x0002 | (type << 4));
    want_std(e, dev + 1, 2);
    want_hidden(e, 0x40, 0x24);
    e->ext = false;
}

static void k_pcie_port(void)
{
    msi_works(0x80);
}

#define PORT_CASE(t)                                    \
    static void b_pcie_type_##t(struct expect *e)      \
    {                                                   \
        pcie_port(e, 0x##t);                            \
    }
PORT_CASE(4)    /* root port */
PORT_CASE(5)    /* upstream switch port */
PORT_CASE(6)    /* downstream switch port */
PORT_CASE(7)    /* PCI Express to PCI bridge */
PORT_CASE(8)    /* PCI to PCI Express bridge */
PORT_CASE(a)    /* root complex event collector */
#undef PORT_CASE

/* PM, MSI, then PCI Express (version 'ver') at 'off'. */
static void pcie_at(struct expect *e, unsigned int off, unsigned int ver,
                    bool fits)
{
    const struct cap dev[] = {
        S(0x40, ID_PM), S(0x48, ID_MSI), S(off, ID_PCIE),
    };

    set_std(e, dev, XECAM_ARRAY_SIZE(dev));
    put(off + 2, 2, ver);
    want_std(e, dev, fits ? 3 : 2);
    if ( !fits )
        want_hidden(e, off, XECAM_CFG_LEGACY - off);
    e->ext = fits;
}

static void k_pcie_at(void)
{
    msi_works(0x48);
}

static void b_pcie_v2_e0(struct expect *e)
{
    pcie_at(e, 0xe0, 2, false);
}

/* An endpoint's version 1 capability is 0x14 bytes (QEMU's e1000e). */
static void b_pcie_v1_e0(struct expect *e)
{
    pcie_at(e, 0xe0, 1, true);          /* 0xe0 + 0x14 = 0xf4: fits */
}

static void b_pcie_v1_f0(struct expect *e)
{
    pcie_at(e, 0xf0, 1, false);         /* 0xf0 + 0x14 = 0x104 */
}

static void b_pcie_v2_c4(struct expect *e)
{
    pcie_at(e, 0xc4, 2, true);          /* 0xc4 + 0x3c = 0x100: fits */
}

static void b_pcie_v1_ec(struct expect *e)
{
    pcie_at(e, 0xec, 1, true);          /* 0xec + 0x14 = 0x100: fits */
}

/*
 * An emulated capability whose registers would lie past 0x100, in the
 * extended space: it cannot be emulated in 256 bytes (as a PCI Express
 * capability that does not fit), so it is hidden, and the extended chain
 * at 0x100 is the device's.
 */
static void past_legacy(struct expect *e, unsigned int off, unsigned int id)
{
    const struct cap std[] = { S(0x40, ID_PCIE), S(0x80, ID_MSI),
                               S(off, id) };
    static const struct cap ext[] = {
        E(0x100, EID_AER, 2), E(0x148, EID_DSN, 1),
    };

    set_std(e, std, XECAM_ARRAY_SIZE(std));
    same_ext(e, ext, XECAM_ARRAY_SIZE(ext));
    want_std(e, std, 2);
    want_hidden(e, off, XECAM_CFG_LEGACY - off);
    want_ro(e, 0x104, 0x44);
}

static void k_past_legacy(void)
{
    msi_works(0x80);
}

static void b_msi_past_legacy(struct expect *e)
{
    past_legacy(e, 0xf0, ID_MSI);
    put(0xf2, 2, MSI_64BIT | MSI_MASKABLE);         /* 24 bytes */
}

static void b_pm_past_legacy(struct expect *e)
{
    past_legacy(e, 0xfc, ID_PM);
    put(0xfe, 2, 0x0003);
}

/*
 * MSI-X at 0xf8: its PBA dword is 0x100.  The extended header there (LTR,
 * version 0, the end) reads as BIR 0 offset 0x18, a valid PBA: this MSI-X
 * capability passes every check of its content.
 */
static void b_msix_past_legacy(struct expect *e)
{
    const struct cap std[] = { S(0x40, ID_PCIE), S(0x80, ID_MSI),
                               S(0xf8, ID_MSIX) };
    static const struct cap ext[] = { E(0x100, EID_LTR, 0) };

    set_std(e, std, XECAM_ARRAY_SIZE(std));
    put(0xfa, 2, 0x0000);               /* 1 entry */
    put(0xfc, 4, 0x00000000);           /* table: BAR 0 + 0 */
    same_ext(e, ext, XECAM_ARRAY_SIZE(ext));
    want_std(e, std, 2);
    want_hidden(e, 0xf8, 8);
    want_ro(e, 0x104, 4);
}

/* ---- Read-only: unknown IDs ---- */

static void b_unknown(struct expect *e)
{
    static const struct cap std[] = {
        S(0x40, ID_UNKNOWN), S(0x50, ID_PCIE), S(0x90, ID_UNKNOWN),
        S(0xa0, ID_VNDR),
    };
    static const struct cap ext[] = {
        E(0x100, EID_UNKNOWN, 1), E(0x140, EID_AER, 2),
        E(0x188, EID_UNKNOWN, 3),
    };

    same_std(e, std, XECAM_ARRAY_SIZE(std));
    same_ext(e, ext, XECAM_ARRAY_SIZE(ext));
    want_ro(e, 0x42, 0x0e);
    want_ro(e, 0x92, 0x0e);
    want_ro(e, 0x104, 0x3c);
    want_ro(e, 0x18c, 0x34);
}

/* ---- Per-device overrides ---- */

/* A device with a rich chain: PM, MSI, VPD, PCIe, MSI-X, vendor ... */
static const struct cap rich_std[] = {
    S(0x40, ID_PM), S(0x48, ID_MSI), S(0x60, ID_VPD), S(0x68, ID_PCIE),
    S(0xa8, ID_MSIX), S(0xb8, ID_VNDR),
};
/* ... and AER, SR-IOV, DSN. */
static const struct cap rich_ext[] = {
    E(0x100, EID_AER, 2), E(0x148, EID_SRIOV, 1), E(0x188, EID_DSN, 1),
};

/* The rich device; with 'want', the chains the policy gives the guest. */
static void rich(struct expect *e, bool want)
{
    set_std(e, rich_std, XECAM_ARRAY_SIZE(rich_std));
    set_ext(rich_ext, XECAM_ARRAY_SIZE(rich_ext));
    if ( !want )
        return;
    want_std(e, rich_std, 2);           /* VPD hidden */
    want_std(e, rich_std + 3, 3);
    want_ext(e, rich_ext, 1);           /* SR-IOV hidden */
    want_ext(e, rich_ext + 2, 1);
}

static void b_ovr_hide_msi(struct expect *e)
{
    static const struct cap guest[] = {
        S(0x40, ID_PM), S(0x68, ID_PCIE), S(0xa8, ID_MSIX), S(0xb8, ID_VNDR),
    };
    static const struct cap ext[] = {
        E(0x100, EID_AER, 2), E(0x188, EID_DSN, 1),
    };

    rich(e, false);
    want_override(e, false, ID_MSI, XECAM_CAP_HIDE);
    want_std(e, guest, XECAM_ARRAY_SIZE(guest));
    want_ext(e, ext, XECAM_ARRAY_SIZE(ext));
    want_hidden(e, 0x48, 0x10);
    want_hidden(e, 0x60, 8);
}

/* Hidden MSI: enabling it binds nothing. */
static void k_ovr_hide_msi(void)
{
    xecam_user_events_clear();
    g_write(0x48 + 4, 4, 0xfee00000U);
    g_write(0x48 + 2, 2, MSI_ENABLE);
    assert_int_equal(g_read(0x48 + 2, 2), 0);
    assert_int_equal(events(), 0);
    expect_no_writes("hidden MSI", "enable");
    msix_works(0xa8);
}

static void b_ovr_sriov_ro(struct expect *e)
{
    rich(e, false);
    want_override(e, true, EID_SRIOV, XECAM_CAP_READONLY);
    want_std(e, rich_std, 2);
    want_std(e, rich_std + 3, 3);
    want_ext(e, rich_ext, XECAM_ARRAY_SIZE(rich_ext));
    want_ro(e, 0x14c, 0x3c);
    want_hidden(e, 0x60, 8);
}

/* EMULATE where there is no emulation: read-only. */
static void b_ovr_emulate_no_code(struct expect *e)
{
    rich(e, false);
    want_override(e, true, EID_AER, XECAM_CAP_EMULATE);
    want_override(e, false, ID_VPD, XECAM_CAP_EMULATE);
    want_override(e, false, ID_VNDR, XECAM_CAP_EMULATE);
    want_override(e, true, EID_SRIOV, XECAM_CAP_EMULATE);
    want_std(e, rich_std, XECAM_ARRAY_SIZE(rich_std));
    want_ext(e, rich_ext, XECAM_ARRAY_SIZE(rich_ext));
    want_ro(e, 0x62, 6);
    want_ro(e, 0xba, 0x0e);
    want_ro(e, 0x104, 0x44);
    want_ro(e, 0x14c, 0x3c);
}

/* MSI read-only: seen, read from the device, never written, never bound. */
static void b_ovr_msi_ro(struct expect *e)
{
    rich(e, true);
    want_override(e, false, ID_MSI, XECAM_CAP_READONLY);
    want_ro(e, 0x4a, 0x0e);
}

static void k_ovr_msi_ro(void)
{
    assert_int_equal(events(), 0);
}

/* Overrides naming no capability of the device change nothing. */
static void b_ovr_unused(struct expect *e)
{
    rich(e, true);
    want_override(e, false, ID_AGP, XECAM_CAP_READONLY);
    want_override(e, true, 0xfff0, XECAM_CAP_EMULATE);
    want_override(e, false, 0xff, XECAM_CAP_READONLY);
    want_hidden(e, 0x60, 8);
    want_hidden(e, 0x148, 0x40);
}

/* ID 0 is always hidden, whatever an override says. */
static void b_ovr_null(struct expect *e)
{
    static const struct cap std[] = {
        S(0x40, ID_PM), S(0x48, ID_NULL), S(0x50, ID_VNDR), S(0x60, ID_PCIE),
    };
    static const struct cap ext[] = {
        E(0x100, EID_AER, 2), E(0x148, EID_NULL, 1), E(0x180, EID_DSN, 1),
    };

    set_std(e, std, XECAM_ARRAY_SIZE(std));
    set_ext(ext, XECAM_ARRAY_SIZE(ext));
    want_override(e, false, ID_NULL, XECAM_CAP_READONLY);
    want_override(e, true, EID_NULL, XECAM_CAP_EMULATE);
    want_std(e, std, 1);
    want_std(e, std + 2, 2);
    want_ext(e, ext, 1);
    want_ext(e, ext + 2, 1);
    want_hidden(e, 0x48, 4);
    want_hidden(e, 0x148, 4);
}

/* ---- Extents the device's registers give ---- */

/*
 * The middle one of DSN (0x100), 'id' (0x140), DSN ('next'), hidden: over
 * 'len' bytes, then free up to 'next'; its register at 4 is 'reg'.  In
 * permissive mode, where a byte left out of the extent takes writes.
 */
static void hidden_between(struct expect *e, uint16_t id, uint32_t reg,
                           unsigned int next, unsigned int len)
{
    const struct cap dev[] = {
        E(0x100, EID_DSN, 1), E(0x140, id, 1), E(next, EID_DSN, 1),
    };
    const struct cap guest[] = { dev[0], dev[2] };

    same_std(e, pcie_only, XECAM_ARRAY_SIZE(pcie_only));
    set_ext(dev, XECAM_ARRAY_SIZE(dev));
    want_ext(e, guest, XECAM_ARRAY_SIZE(guest));
    put(0x144, 4, reg);
    want_hidden(e, 0x140, len);
    if ( 0x140 + len < next )
        want_free(e, 0x140 + len, next - 0x140 - len);
    want_ro(e, next + 4, 8);
    e->flags = XECAM_ASSIGN_PERMISSIVE;
}

/* ACS with a vector of 'bits' (0: 256): 8 + 4 * ceil(bits / 32) hidden. */
static void acs_egress(struct expect *e, unsigned int bits)
{
    unsigned int n = bits ? bits : 256;

    hidden_between(e, EID_ACS, ACS_CAP_EC | (bits << 8), 0x180,
                   8 + 4 * ((n + 31) / 32));
}

static void b_acs_egress_1(struct expect *e)
{
    acs_egress(e, 1);
}

static void b_acs_egress_32(struct expect *e)
{
    acs_egress(e, 32);
}

static void b_acs_egress_33(struct expect *e)
{
    acs_egress(e, 33);
}

static void b_acs_egress_200(struct expect *e)
{
    acs_egress(e, 200);
}

static void b_acs_egress_256(struct expect *e)
{
    acs_egress(e, 0);
}

/* The same in normal mode: the vector reads 0 there too. */
static void b_acs_egress_normal(struct expect *e)
{
    acs_egress(e, 64);
    e->flags = 0;
}

/* 256 bits would run to 0x168: the DSN at 0x160 stops it. */
static void b_acs_egress_past_next(struct expect *e)
{
    hidden_between(e, EID_ACS, ACS_CAP_EC, 0x160, 0x20);
}

/* No P2P Egress Control: 8 bytes, whatever the vector size says. */
static void b_acs_no_egress(struct expect *e)
{
    hidden_between(e, EID_ACS, 0xff00U | (0xffU & ~ACS_CAP_EC), 0x180, 8);
}

/* The last capability at 0xff0: its 40 bytes stop at 0x1000. */
static void b_acs_egress_past_end(struct expect *e)
{
    static const struct cap dev[] = {
        E(0x100, EID_DSN, 1), E(0xff0, EID_ACS, 1),
    };

    same_std(e, pcie_only, XECAM_ARRAY_SIZE(pcie_only));
    set_ext(dev, XECAM_ARRAY_SIZE(dev));
    want_ext(e, dev, 1);
    put(0xff4, 2, ACS_CAP_EC);
    want_hidden(e, 0xff0, 0x10);
    e->flags = XECAM_ASSIGN_PERMISSIVE;
}

/* At 0xffc its ACS Capability register is past the end: 4 bytes. */
static void b_acs_last_dword(struct expect *e)
{
    static const struct cap dev[] = {
        E(0x100, EID_DSN, 1), E(0xffc, EID_ACS, 1),
    };

    same_std(e, pcie_only, XECAM_ARRAY_SIZE(pcie_only));
    set_ext(dev, XECAM_ARRAY_SIZE(dev));
    want_ext(e, dev, 1);
    want_hidden(e, 0xffc, 4);
    want_free(e, 0x10c, 0x10);
    e->flags = XECAM_ASSIGN_PERMISSIVE;
}

/* DPC with RP Extensions: its RP PIO log of 9 dwords at 0x20. */
static void b_dpc_rp_log(struct expect *e)
{
    hidden_between(e, EID_DPC, DPC_CAP_RP_EXT | (9 << 8), 0x1c0, 0x44);
}

/* Log size bit 4 counts in Flit Mode only: 25 dwords here ... */
static void b_dpc_rp_log_flit(struct expect *e)
{
    hidden_between(e, EID_DPC, DPC_CAP_RP_EXT | DPC_LOG_SIZE4 | (9 << 8),
                   0x200, 0x84);
    put(0x42, 2, PCIE_FLAGS_FLIT | 0x0002);
}

/* ... and 9 without it. */
static void b_dpc_rp_log_no_flit(struct expect *e)
{
    hidden_between(e, EID_DPC, DPC_CAP_RP_EXT | DPC_LOG_SIZE4 | (9 << 8),
                   0x1c0, 0x44);
}

/* Root Complex Link Declaration: two link entries of 16 bytes. */
static void b_rcld_links(struct expect *e)
{
    hidden_between(e, EID_RCLD, 2 << 8, 0x1c0, 0x30);
}

/* 255 link entries: up to the next capability. */
static void b_rcld_links_past_next(struct expect *e)
{
    hidden_between(e, EID_RCLD, 0xff << 8, 0x1c0, 0x80);
}

/* MR-IOV is not read: up to the next capability. */
static void b_mriov(struct expect *e)
{
    hidden_between(e, EID_MRIOV, 0, 0x1c0, 0x80);
}

/* Flattening Portal Bridge: registers up to 0x24. */
static void b_fpb(struct expect *e)
{
    static const struct cap dev[] = { S(0x40, ID_FPB), S(0x80, ID_UNKNOWN) };

    set_std(e, dev, XECAM_ARRAY_SIZE(dev));
    want_std(e, dev + 1, 1);
    want_hidden(e, 0x40, 0x24);
    want_free(e, 0x64, 0x1c);
    e->flags = XECAM_ASSIGN_PERMISSIVE;
}

/* AER of 'len' bytes, Capabilities and Control 'cc', before a DSN. */
static void aer(struct expect *e, uint32_t cc, bool flit, unsigned int len)
{
    static const struct cap ext[] = {
        E(0x100, EID_AER, 2), E(0x180, EID_DSN, 1),
    };

    same_std(e, pcie_only, XECAM_ARRAY_SIZE(pcie_only));
    if ( flit )
        put(0x42, 2, PCIE_FLAGS_FLIT | 0x0002);
    same_ext(e, ext, XECAM_ARRAY_SIZE(ext));
    put(0x118, 4, cc);
    want_ro(e, 0x104, len - 4);
    if ( 0x100 + len < 0x180 )
        want_free(e, 0x100 + len, 0x80 - len);
    e->flags = XECAM_ASSIGN_PERMISSIVE;
}

static void b_aer_no_prefix_log(struct expect *e)
{
    aer(e, 0, false, 0x38);
}

static void b_aer_prefix_log(struct expect *e)
{
    aer(e, AER_PREFIX_LOG, false, 0x48);
}

static void b_aer_flit(struct expect *e)
{
    aer(e, 0, true, 0x60);
}

/* Secondary PCI Express: a 16-bit equalization control per lane. */
static void secpci(struct expect *e, unsigned int lanes, unsigned int len)
{
    static const struct cap ext[] = {
        E(0x100, EID_DSN, 1), E(0x140, EID_SECPCI, 1), E(0x1c0, EID_DSN, 1),
    };

    same_std(e, pcie_only, XECAM_ARRAY_SIZE(pcie_only));
    put(0x40 + 0x0c, 4, lanes << 4);    /* Link Capabilities: width */
    same_ext(e, ext, XECAM_ARRAY_SIZE(ext));
    want_ro(e, 0x144, len - 4);
    want_free(e, 0x140 + len, 0x80 - len);
    e->flags = XECAM_ASSIGN_PERMISSIVE;
}

static void b_secpci_x32(struct expect *e)
{
    secpci(e, 32, 0x4c);
}

static void b_secpci_x1(struct expect *e)
{
    secpci(e, 1, 0x10);
}

/* SATA: with its registers inline, the index/data pair: 16 bytes. */
static void sata(struct expect *e, uint8_t regs, unsigned int len)
{
    static const struct cap std[] = { S(0x40, ID_SATA), S(0x60, ID_UNKNOWN) };

    same_std(e, std, XECAM_ARRAY_SIZE(std));
    put(0x44, 1, regs);
    want_ro(e, 0x42, len - 2);
    want_free(e, 0x40 + len, 0x20 - len);
    e->flags = XECAM_ASSIGN_PERMISSIVE;
}

static void b_sata_inline(struct expect *e)
{
    sata(e, 0x0f, 0x10);
}

static void b_sata_bar(struct expect *e)
{
    sata(e, 0x04, 0x08);
}

static const struct chain_case cases[] = {
    { "chain: all exposed", b_all_exposed, k_all_exposed },
    { "chain: std hidden in the middle", b_std_hidden_middle,
      k_std_hidden_middle },
    { "chain: std hidden first", b_std_hidden_first, NULL },
    { "chain: std hidden last", b_std_hidden_last, NULL },
    { "chain: std hidden runs", b_std_hidden_runs, NULL },
    { "chain: std all hidden", b_std_all_hidden, NULL },
    { "chain: ext hidden in the middle", b_ext_hidden_middle, NULL },
    { "chain: ext hidden first, null header at 0x100", b_ext_hidden_first,
      NULL },
    { "chain: ext hidden first, its bytes after 0x100 read 0",
      b_ext_hidden_first_bytes, NULL },
    { "chain: ext hidden last", b_ext_hidden_last, NULL },
    { "chain: ext all hidden, 0x100 reads 0", b_ext_all_hidden, NULL },
    { "chain: no PCI Express, no extended emulation", b_no_pcie, NULL },
    { "hostile std: cycle", b_std_cycle, NULL },
    { "hostile std: self-loop", b_std_self_loop, NULL },
    { "hostile std: self-loop first", b_std_self_loop_first, NULL },
    { "hostile std: pointer into the header", b_std_into_header, NULL },
    { "hostile std: 0x34 into the header", b_std_first_into_header, NULL },
    { "hostile std: pointer bits 1:0 set", b_std_low_bits, k_std_low_bits },
    { "hostile std: 0x34 = 0xff", b_std_ptr_ff, NULL },
    { "hostile std: ID 0xff", b_std_id_ff, NULL },
    { "hostile std: null capability", b_std_null, NULL },
    { "hostile std: null capability first", b_std_null_first, NULL },
    { "hostile std: 48 capabilities", b_std_48, NULL },
    { "hostile std: 48 capabilities, loop into the middle",
      b_std_48_loop_middle, NULL },
    { "hostile std: CAP_LIST clear", b_std_cap_list_clear, NULL },
    { "hostile ext: cycle", b_ext_cycle, NULL },
    { "hostile ext: self-loop", b_ext_self_loop, NULL },
    { "hostile ext: self-loop at 0x100", b_ext_self_loop_first, NULL },
    { "hostile ext: pointer below 0x100", b_ext_backward, NULL },
    { "hostile ext: misaligned pointer", b_ext_misaligned, NULL },
    { "hostile ext: all-ones at 0x100", b_ext_ones_first, NULL },
    { "hostile ext: all-ones header", b_ext_ones_middle, NULL },
    { "hostile ext: zero header", b_ext_zero_middle, NULL },
    { "hostile ext: null capability", b_ext_null, NULL },
    { "hostile ext: 960 capabilities", b_ext_960, NULL },
    { "content: MSI-X BIR of an unimplemented BAR", b_msix_bir_unimplemented,
      k_msix_bad },
    { "content: MSI-X BIR 7", b_msix_bir_reserved, k_msix_bad },
    { "content: MSI-X table past its BAR", b_msix_table_past_bar,
      k_msix_bad },
    { "content: MSI-X table across the end of its BAR",
      b_msix_table_straddles, k_msix_bad },
    { "content: MSI-X PBA past its BAR", b_msix_pba_past_bar, k_msix_bad },
    { "content: MSI-X 2048 entries past its BAR", b_msix_huge_table,
      k_msix_bad },
    { "content: MSI with MMC 6", b_msi_mmc6, k_msi_bad },
    { "content: MSI with MMC 7", b_msi_mmc7, k_msi_bad },
    { "content: PCIe root port", b_pcie_type_4, k_pcie_port },
    { "content: PCIe upstream port", b_pcie_type_5, k_pcie_port },
    { "content: PCIe downstream port", b_pcie_type_6, k_pcie_port },
    { "content: PCIe to PCI bridge", b_pcie_type_7, k_pcie_port },
    { "content: PCI to PCIe bridge", b_pcie_type_8, k_pcie_port },
    { "content: PCIe event collector", b_pcie_type_a, k_pcie_port },
    { "content: PCIe v2 at 0xe0 does not fit", b_pcie_v2_e0, k_pcie_at },
    { "content: PCIe v1 at 0xe0 fits", b_pcie_v1_e0, k_pcie_at },
    { "content: PCIe v1 at 0xf0 does not fit", b_pcie_v1_f0, k_pcie_at },
    { "content: PCIe v2 at 0xc4 fits", b_pcie_v2_c4, k_pcie_at },
    { "content: PCIe v1 at 0xec fits", b_pcie_v1_ec, k_pcie_at },
    { "content: MSI past 0x100", b_msi_past_legacy, k_past_legacy },
    { "content: PM past 0x100", b_pm_past_legacy, k_past_legacy },
    { "content: MSI-X past 0x100", b_msix_past_legacy, k_past_legacy },
    { "read-only: unknown IDs", b_unknown, NULL },
    { "override: hide MSI", b_ovr_hide_msi, k_ovr_hide_msi },
    { "override: SR-IOV read-only", b_ovr_sriov_ro, NULL },
    { "override: emulate without emulation is read-only",
      b_ovr_emulate_no_code, NULL },
    { "override: MSI read-only", b_ovr_msi_ro, k_ovr_msi_ro },
    { "override: IDs the device does not have", b_ovr_unused, NULL },
    { "override: ID 0 stays hidden", b_ovr_null, NULL },
    { "extent: ACS egress vector of 1 bit", b_acs_egress_1, NULL },
    { "extent: ACS egress vector of 32 bits", b_acs_egress_32, NULL },
    { "extent: ACS egress vector of 33 bits", b_acs_egress_33, NULL },
    { "extent: ACS egress vector of 200 bits", b_acs_egress_200, NULL },
    { "extent: ACS egress vector size 0 is 256 bits", b_acs_egress_256,
      NULL },
    { "extent: ACS egress vector, normal mode", b_acs_egress_normal, NULL },
    { "extent: ACS egress vector stops at the next capability",
      b_acs_egress_past_next, NULL },
    { "extent: ACS without egress control is 8 bytes", b_acs_no_egress,
      NULL },
    { "extent: ACS egress vector stops at 0x1000", b_acs_egress_past_end,
      NULL },
    { "extent: ACS in the last dword", b_acs_last_dword, NULL },
    { "extent: DPC RP PIO log", b_dpc_rp_log, NULL },
    { "extent: DPC RP PIO log, Flit Mode", b_dpc_rp_log_flit, NULL },
    { "extent: DPC RP PIO log size bit 4 without Flit Mode",
      b_dpc_rp_log_no_flit, NULL },
    { "extent: RC Link Declaration link entries", b_rcld_links, NULL },
    { "extent: RC Link Declaration stops at the next capability",
      b_rcld_links_past_next, NULL },
    { "extent: MR-IOV up to the next capability", b_mriov, NULL },
    { "extent: Flattening Portal Bridge", b_fpb, NULL },
    { "extent: AER without TLP Prefix Log", b_aer_no_prefix_log, NULL },
    { "extent: AER TLP Prefix Log", b_aer_prefix_log, NULL },
    { "extent: AER in Flit Mode", b_aer_flit, NULL },
    { "extent: Secondary PCIe, 32 lanes", b_secpci_x32, NULL },
    { "extent: Secondary PCIe, 1 lane", b_secpci_x1, NULL },
    { "extent: SATA registers inline", b_sata_inline, NULL },
    { "extent: SATA registers in a BAR", b_sata_bar, NULL },
};

/* ---- docs/capabilities.md and the code ---- */

static const char *const action_names[] = {
    [XECAM_CAP_HIDE] = "hidden",
    [XECAM_CAP_READONLY] = "read-only",
    [XECAM_CAP_EMULATE] = "emulated",
};

static char *trim(char *s)
{
    char *e;

    while ( *s == ' ' || *s == '\t' )
        s++;
    e = s + strlen(s);
    while ( e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
                      e[-1] == '\r') )
        *--e = '\0';

    return s;
}

/* "| a | b | c |": the trimmed cells between the pipes. */
static unsigned int split_row(char *line, char **cell, unsigned int max)
{
    unsigned int n = 0;
    char *p = strchr(line, '|'), *q;

    while ( p && n < max && (q = strchr(p + 1, '|')) != NULL )
    {
        *q = '\0';
        cell[n++] = trim(p + 1);
        p = q;
    }

    return n;
}

struct doc_row {
    bool ext;
    unsigned int id;
};

static void test_doc_table_matches_code(void **state)
{
    static struct doc_row rows[512];
    FILE *f = fopen(DOC, "r");
    char line[1024], *cell[8];
    unsigned int nrows = 0, ncode = 0, lineno = 0, errors = 0, i, id, a;
    unsigned int action;
    const char *name, *why;
    int used;

    if ( !f )
        fail_msg("%s: cannot open (tests run from the repository root)", DOC);
    while ( fgets(line, sizeof(line), f) )
    {
        bool ext;
        char *idcell;

        lineno++;
        if ( strncmp(line, "| std ", 6) && strncmp(line, "| ext ", 6) )
            continue;
        ext = line[2] == 'e';
        if ( split_row(line, cell, XECAM_ARRAY_SIZE(cell)) != 4 )
        {
            print_message("%s:%u: not 4 cells\n", DOC, lineno);
            errors++;
            continue;
        }
        idcell = cell[0] + 4;
        used = 0;
        if ( sscanf(idcell, "0x%x%n", &id, &used) != 1 || idcell[used] ||
             strlen(idcell) != (ext ? 6 : 4) )
        {
            print_message("%s:%u: bad ID \"%s\"\n", DOC, lineno, cell[0]);
            errors++;
            continue;
        }
        for ( a = 0; a < XECAM_ARRAY_SIZE(action_names); a++ )
            if ( !strcmp(cell[2], action_names[a]) )
                break;
        if ( a == XECAM_ARRAY_SIZE(action_names) )
        {
            print_message("%s:%u: bad action \"%s\"\n", DOC, lineno, cell[2]);
            errors++;
            continue;
        }
        for ( i = 0; i < nrows; i++ )
            if ( rows[i].ext == ext && rows[i].id == id )
            {
                print_message("%s:%u: %s %#x twice\n", DOC, lineno, cell[0],
                              id);
                errors++;
            }
        assert_true(nrows < XECAM_ARRAY_SIZE(rows));
        rows[nrows].ext = ext;
        rows[nrows++].id = id;
        if ( !xecam_vpci_cap_policy(ext, id, &action, &name, &why) )
        {
            print_message("%s:%u: %s is not in the code\n", DOC, lineno,
                          cell[0]);
            errors++;
            continue;
        }
        if ( action != a )
        {
            print_message("%s:%u: %s: doc says %s, code %s\n", DOC, lineno,
                          cell[0], cell[2],
                          action < XECAM_ARRAY_SIZE(action_names) ?
                          action_names[action] : "?");
            errors++;
        }
        if ( strcmp(cell[1], name) )
        {
            print_message("%s:%u: %s: doc name \"%s\", code \"%s\"\n", DOC,
                          lineno, cell[0], cell[1], name);
            errors++;
        }
        if ( strcmp(cell[3], why) )
        {
            print_message("%s:%u: %s: doc reason \"%s\", code \"%s\"\n", DOC,
                          lineno, cell[0], cell[3], why);
            errors++;
        }
    }
    fclose(f);

    /* Every row of the code is on the page. */
    for ( a = 0; a < 2; a++ )
        for ( id = 0; id <= 0xffff; id++ )
        {
            if ( !xecam_vpci_cap_policy(a, id, &action, &name, &why) )
                continue;
            ncode++;
            for ( i = 0; i < nrows; i++ )
                if ( rows[i].ext == a && rows[i].id == id )
                    break;
            if ( i == nrows )
            {
                print_message("%s %#x (%s) is not in %s\n", a ? "ext" : "std",
                              id, name, DOC);
                errors++;
            }
        }
    if ( errors )
        fail_msg("%u disagreements between %s and the code", errors, DOC);
    assert_true(nrows >= 40);
    assert_int_equal(nrows, ncode);

    /* No policy row for ID 0: a null capability is always hidden. */
    assert_false(xecam_vpci_cap_policy(false, 0, &action, &name, &why));
    assert_false(xecam_vpci_cap_policy(true, 0, &action, &name, &why));
}

/* ---- Overrides the assignment refuses ---- */

static void test_override_invalid(void **state)
{
    static const struct xecam_cap_override bad[][2] = {
        { { false, ID_MSI, 3 }, { false, ID_PM, XECAM_CAP_HIDE } },
        { { true, EID_AER, 0xff }, { false, ID_PM, XECAM_CAP_HIDE } },
        { { false, 0x100, XECAM_CAP_HIDE }, { false, ID_PM, 0 } },
        { { false, ID_PM, XECAM_CAP_HIDE }, { false, 0xffff, 1 } },
        { { false, ID_PM, XECAM_CAP_HIDE }, { true, EID_SRIOV, 3 } },
    };
    static const struct xecam_cap_override good[] = {
        { true, 0xffff, XECAM_CAP_READONLY },
        { false, 0xff, XECAM_CAP_EMULATE },
    };
    unsigned int i;

    rich(&ex, true);
    host_add();
    for ( i = 0; i < XECAM_ARRAY_SIZE(bad); i++ )
    {
        xecam_user_pdev_log_clear();
        if ( assign_opts(0, bad[i], 2) != -EINVAL )
            fail_msg("bad override set %u accepted", i);
        assert_int_equal(g_read(0x00, 4), 0xffffffffU);
        assert_null(xecam_route_remove_vpci(d, G0));
        expect_no_writes("invalid override", "refused assignment");
    }
    /* Unknown flags with valid overrides. */
    assert_int_equal(assign_opts(0x80000000U, good, 2), -EINVAL);
    assert_null(xecam_route_remove_vpci(d, G0));

    /* The largest IDs are valid; then the device is assigned as usual. */
    assert_int_equal(assign_opts(0, good, 2), 0);
    assert_int_equal(g_read(0x00, 4), (H_DEVICE << 16) | H_VENDOR);
    check_chains("valid overrides", &ex);
}

/* ---- Two capabilities of one emulated kind ---- */

/* The first capability with this ID in the guest's chain (as Linux). */
static unsigned int g_find(uint8_t id, unsigned int nth)
{
    static struct cap got[MAX_STD];
    unsigned int i, n = g_std("find", got);

    for ( i = 0; i < n; i++ )
        if ( got[i].id == id && !nth-- )
            return got[i].off;

    return 0;
}

/*
 * A device with two MSI and two MSI-X capabilities.  Whatever the guest
 * does with the ones it sees, one interrupt type at a time, and MSI binds
 * the address and data the guest wrote.
 */
static void dup_device(void)
{
    static const struct cap std[] = {
        S(0x40, ID_PM), S(0x48, ID_MSI), S(0x60, ID_MSI), S(0x78, ID_MSIX),
        S(0x88, ID_MSIX), S(0x98, ID_VNDR),
    };

    set_std(&ex, std, XECAM_ARRAY_SIZE(std));
    host_add();
    assert_int_equal(xecam_assign_device(d, G0, HOST, 0), 0);
    xecam_user_events_clear();
}

static void test_duplicate_msi_then_msix(void **state)
{
    unsigned int i, k, msi, msix;

    dup_device();
    msi = g_find(ID_MSI, 0);
    assert_int_not_equal(msi, 0);
    g_write(msi + 4, 4, 0xfee01000U);
    g_write(msi + 8, 4, 0);
    g_write(msi + 12, 2, 0x4041);
    g_write(msi + 2, 2, MSI_ENABLE | MSI_64BIT);
    assert_int_equal(g_read(msi + 2, 2) & MSI_ENABLE, MSI_ENABLE);
    assert_int_equal(events(), 1);
    assert_int_equal(evs[0].kind, XECAM_EV_MSI_BIND);
    if ( evs[0].addr != 0xfee01000U || evs[0].data != 0x4041 )
        fail_msg("MSI at %#x bound with address %#llx data %#x, the guest "
                 "wrote %#x and %#x", msi, (unsigned long long)evs[0].addr,
                 evs[0].data, 0xfee01000U, 0x4041);

    /* MSI is on: no MSI-X capability the guest sees can be enabled. */
    for ( k = 0; (msix = g_find(ID_MSIX, k)) != 0; k++ )
    {
        g_write(msix + 2, 2, MSIX_ENABLE);
        if ( g_read(msix + 2, 2) & MSIX_ENABLE )
            fail_msg("MSI-X at %#x enabled while MSI at %#x is on", msix,
                     msi);
        for ( i = 0; i < events(); i++ )
            if ( evs[i].kind == XECAM_EV_MSIX && evs[i].enable )
                fail_msg("MSI-X at %#x: the host was told to enable MSI-X "
                         "while MSI at %#x is on", msix, msi);
    }
}

static void test_duplicate_msix_then_msi(void **state)
{
    unsigned int i, k, msi, msix;

    dup_device();
    msix = g_find(ID_MSIX, 0);
    assert_int_not_equal(msix, 0);
    g_write(msix + 2, 2, MSIX_ENABLE);
    assert_int_equal(g_read(msix + 2, 2) & MSIX_ENABLE, MSIX_ENABLE);

    /* MSI-X is on: no MSI capability the guest sees can be enabled. */
    for ( k = 0; (msi = g_find(ID_MSI, k)) != 0; k++ )
    {
        g_write(msi + 2, 2, MSI_ENABLE | MSI_64BIT);
        if ( g_read(msi + 2, 2) & MSI_ENABLE )
            fail_msg("MSI at %#x enabled while MSI-X at %#x is on", msi,
                     msix);
        for ( i = 0; i < events(); i++ )
            if ( evs[i].kind == XECAM_EV_MSI_BIND )
                fail_msg("MSI at %#x bound while MSI-X at %#x is on", msi,
                         msix);
    }
}

/*
 * Two MSI-X capabilities with their tables and PBAs in different pages of
 * BAR 0.  Whatever the policy says of MSI-X, no page holding a table or a
 * PBA the guest could use is mapped into the guest (XSA-164's class).
 */
static void test_duplicate_msix_tables_not_mapped(void **state)
{
    static const struct cap std[] = {
        S(0x40, ID_PM), S(0x48, ID_MSIX), S(0x58, ID_MSIX), S(0x68, ID_VNDR),
    };
    static const uint32_t pages[] = { 0x0000, 0x4000, 0x6000 };
    static const struct xecam_cap_override ovr[][1] = {
        { { false, ID_MSIX, XECAM_CAP_EMULATE } },
        { { false, ID_MSIX, XECAM_CAP_HIDE } },
        { { false, ID_MSIX, XECAM_CAP_READONLY } },
    };
    static const char *const policy[] = { "emulated", "hidden", "read-only" };
    struct xecam_user_mapping maps[16];
    unsigned int v, i, p, n, bad = 0;

    for ( v = 0; v < XECAM_ARRAY_SIZE(ovr); v++ )
    {
        start();
        set_std(&ex, std, XECAM_ARRAY_SIZE(std));
        put(0x5c, 4, 0x00004000);       /* second table: BAR 0 + 0x4000 */
        put(0x60, 4, 0x00006000);       /* its PBA: BAR 0 + 0x6000 */
        host_add();
        assert_int_equal(assign_opts(0, ovr[v], 1), 0);
        g_write(0x10, 4, 0xc0000000U);
        g_write(0x04, 2, 0x0002);       /* memory decode on */
        n = xecam_user_mappings(GUEST, maps, XECAM_ARRAY_SIZE(maps));
        assert_true(n >= 1);
        for ( i = 0; i < n; i++ )
            for ( p = 0; p < XECAM_ARRAY_SIZE(pages); p++ )
            {
                uint64_t pg = H_BAR0 + pages[p];

                if ( !maps[i].io && maps[i].haddr < pg + 0x1000 &&
                     pg < maps[i].haddr + maps[i].size )
                {
                    print_message("MSI-X %s: host page %#llx (BAR 0 + %#x, "
                                  "a table or PBA) mapped at guest %#llx\n",
                                  policy[v], (unsigned long long)pg,
                                  pages[p],
                                  (unsigned long long)(maps[i].gaddr + pg -
                                                       maps[i].haddr));
                    bad++;
                }
            }
        xecam_user_reset();
    }
    if ( bad )
        fail_msg("%u MSI-X table or PBA pages mapped into the guest", bad);
}

/* ---- Overlapping capabilities ---- */

/*
 * A vendor capability whose header lies inside MSI's registers.  What
 * the device says cannot fail the assignment: the guest gets a valid
 * chain, each entry the device's own capability at that offset, and the
 * capability after the overlap is still there.
 */
static void test_overlapping_caps(void **state)
{
    static const struct cap std[] = {
        S(0x40, ID_PM), S(0x50, ID_MSI), S(0x54, ID_VNDR), S(0x60, ID_MSIX),
    };
    static struct cap got[MAX_STD];
    unsigned int i, n;
    int rc;

    set_std(&ex, std, XECAM_ARRAY_SIZE(std));
    put(0x52, 2, MSI_64BIT);            /* MSI: 0x50-0x5d */
    host_add();
    rc = xecam_assign_device(d, G0, HOST, 0);
    if ( rc )
        fail_msg("assignment of a device with overlapping capabilities "
                 "failed: %d", rc);
    n = g_std("overlap", got);
    for ( i = 0; i < n; i++ )
        if ( got[i].id != cfg[got[i].off] )
            fail_msg("guest capability %u at %#x has ID %#x, device %#x", i,
                     got[i].off, got[i].id, cfg[got[i].off]);
    assert_true(n >= 2);
    assert_int_equal(got[0].off, 0x40);
    assert_int_equal(got[n - 1].off, 0x60);
    msix_works(0x60);
}

/* ---- The chains survive resets ---- */

static void test_chain_after_reset(void **state)
{
    static const char name[] = "after reset";

    rich(&ex, true);
    put(0x44, 2, 0x0000);               /* PMCSR: no No_Soft_Reset */
    put(0x68 + 4, 4, 1U << 28);         /* DEVCAP: the device can do FLR */
    host_add();
    assert_int_equal(xecam_assign_device(d, G0, HOST, 0), 0);
    check_chains(name, &ex);

    /* Function level reset through PCI Express Device Control. */
    xecam_user_events_clear();
    g_write(0x68 + 8, 2, PCIE_DEVCTL_FLR);
    assert_int_equal(events(), 1);
    assert_int_equal(evs[0].kind, XECAM_EV_RESET);
    check_chains(name, &ex);

    /* D3hot -> D0 without No_Soft_Reset. */
    g_write(0x44, 2, 0x0003);
    assert_int_equal(g_read(0x44, 2) & 3, 3);
    g_write(0x44, 2, 0x0000);
    assert_int_equal(g_read(0x44, 2) & 3, 0);
    check_chains(name, &ex);

    /* Deassigned and assigned again: the same chains. */
    assert_int_equal(xecam_deassign_device(d, G0), 0);
    assert_int_equal(g_read(0x00, 4), 0xffffffffU);
    assert_int_equal(xecam_assign_device(d, G0, HOST, 0), 0);
    check_chains(name, &ex);
}

/* ---- Failures of the host during capability setup ---- */

/* A failure of the host at any point of the assignment of 'ex' fails it. */
static void assign_faults(void)
{
    static uint8_t before[XECAM_CFG_SIZE], after[XECAM_CFG_SIZE];
    unsigned long nth, nbad = 0;
    bool fired = true;
    int rc = -1;

    host_add();

    /* The reference: a plain assignment. */
    assert_int_equal(xecam_assign_device(d, G0, HOST, 0), 0);
    check_chains("reference", &ex);
    assert_int_equal(xecam_deassign_device(d, G0), 0);
    assert_int_equal(xecam_user_pdev_peek(HOST, 0, before, sizeof(before)),
                     0);

    for ( nth = 1; nth < 100000 && fired; nth++ )
    {
        xecam_user_pdev_log_clear();
        xecam_user_fault_arm(XECAM_FAULT_ALL, nth);
        rc = xecam_assign_device(d, G0, HOST, 0);
        fired = xecam_user_fault_fired();
        xecam_user_fault_arm(0, 0);
        if ( !fired )
            break;
        if ( !rc )
        {
            print_message("failed call %lu ignored: the assignment "
                          "succeeded\n", nth);
            nbad++;
            assert_int_equal(xecam_deassign_device(d, G0), 0);
            continue;
        }
        if ( rc > 0 )
            fail_msg("failed call %lu: rc %d", nth, rc);
        if ( g_read(0x00, 4) != 0xffffffffU )
            fail_msg("failed call %lu (rc %d): the guest function answers",
                     nth, rc);
        assert_null(xecam_route_remove_vpci(d, G0));
        expect_no_writes("failed assignment", "setup");
    }
    assert_int_equal(rc, 0);
    assert_false(fired);
    assert_true(nth > 20);
    if ( nbad )
        fail_msg("%lu of %lu injected failures ignored by the assignment",
                 nbad, nth - 1);
    assert_int_equal(xecam_user_pdev_peek(HOST, 0, after, sizeof(after)), 0);
    assert_memory_equal(before, after, sizeof(before));

    /* The assignment that succeeded is the reference. */
    xecam_user_pdev_log_clear();
    check_case("after the faults", &ex);
}

static void test_assign_faults(void **state)
{
    rich(&ex, true);
    want_hidden(&ex, 0x60, 8);
    want_hidden(&ex, 0x148, 0x40);
    want_ro(&ex, 0x104, 0x44);
    assign_faults();
}

/* Reading how long a hidden capability is fails too (ACS, its vector). */
static void test_assign_faults_extent(void **state)
{
    b_acs_egress_200(&ex);
    ex.flags = 0;
    assign_faults();
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    static const struct CMUnitTest first[] = {
        T(test_doc_table_matches_code),
    };
    static const struct CMUnitTest last[] = {
        T(test_override_invalid),
        T(test_duplicate_msi_then_msix),
        T(test_duplicate_msix_then_msi),
        T(test_duplicate_msix_tables_not_mapped),
        T(test_overlapping_caps),
        T(test_chain_after_reset),
        T(test_assign_faults),
        T(test_assign_faults_extent),
    };
#undef T
    struct CMUnitTest tests[XECAM_ARRAY_SIZE(first) +
                            XECAM_ARRAY_SIZE(cases) +
                            XECAM_ARRAY_SIZE(last)];
    unsigned int i, n = 0;

    for ( i = 0; i < XECAM_ARRAY_SIZE(first); i++ )
        tests[n++] = first[i];
    for ( i = 0; i < XECAM_ARRAY_SIZE(cases); i++ )
    {
        tests[n].name = cases[i].name;
        tests[n].test_func = run_case;
        tests[n].setup_func = setup;
        tests[n].teardown_func = teardown;
        tests[n++].initial_state = (void *)(uintptr_t)&cases[i];
    }
    for ( i = 0; i < XECAM_ARRAY_SIZE(last); i++ )
        tests[n++] = last[i];

    return cmocka_run_group_tests_name("caps", tests, NULL, NULL);
}
