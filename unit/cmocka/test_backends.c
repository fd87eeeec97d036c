/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The userspace port's host backends and simulated devices:
 *
 *  - lspci dumps: real ones of the machine the data was captured on
 *    (unit/data/this-machine-*.lspci), a hand-written 4 KiB PCIe function
 *    (unit/data/pcie-4k.lspci), and malformed ones written at test time,
 *    each checked against an independent scan of the same file;
 *  - BDF parsing;
 *  - sysfs trees: a fake one built at test time and, when readable, the
 *    real /sys/bus/pci/devices, watched with inotify so that any write
 *    (or open for writing) of a real config or resource file is seen;
 *  - port/user/pci.c: Command, Status RW1C, read-only registers, BAR sizing
 *    as hardware does it, custom masks, the write log, absent functions
 *    and fault injection.
 *
 * Run from the repository root: data files are "unit/data/...".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "helpers.h"

#define DATA_VVV   "unit/data/this-machine-vvv-xxxx.lspci"
#define DATA_XXX   "unit/data/this-machine-xxx.lspci"
#define DATA_X     "unit/data/this-machine-x.lspci"
#define DATA_4K    "unit/data/pcie-4k.lspci"
#define REAL_SYSFS "/sys/bus/pci/devices"

#define ROM        XECAM_PORT_ROM_BAR
#define NR_BARS    (XECAM_PORT_ROM_BAR + 1)
#define MAX_FNS    64
#define NR(a)      (sizeof(a) / sizeof((a)[0]))

/* The temporary directory every test that writes files uses. */
static char tmpdir[64];

/* ---- Files. ---- */

static void tmp_path(char *buf, size_t len, const char *name)
{
    int n = snprintf(buf, len, "%s/%s", tmpdir, name);

    assert_true(n > 0 && (size_t)n < len);
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Write 'text' to tmpdir/name; the full path in 'path'. */
static void write_tmp(char *path, size_t len, const char *name,
                      const char *text)
{
    tmp_path(path, len, name);
    write_bytes(path, text, strlen(text));
}

/* Read up to 'max' bytes of a file; the count, or -1. */
static long read_bytes(const char *path, uint8_t *buf, size_t max)
{
    FILE *f = fopen(path, "rb");
    size_t n;

    if ( !f )
        return -1;
    n = fread(buf, 1, max, f);
    fclose(f);

    return (long)n;
}

static int rm_one(const char *path, const struct stat *sb, int type,
                  struct FTW *ftw)
{
    return remove(path);
}

static void rm_tree(const char *path)
{
    nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- An independent scan of an lspci dump: what the file says. ---- */

struct fn {
    uint32_t sbdf;
    unsigned int line;                  /* of its device line */
    unsigned int len;                   /* bytes dumped */
    uint8_t cfg[XECAM_CFG_SIZE];
    uint64_t bar[NR_BARS];              /* "[size=...]", 0 if none */
};

struct scan {
    unsigned int nr;                    /* device lines */
    unsigned int sized;                 /* "[size=...]" lines */
    struct fn fn[MAX_FNS];
};

static struct scan scanned;

static unsigned long field(const char *line, const regmatch_t *m, int base)
{
    return strtoul(line + m->rm_so, NULL, base);
}

static void scan_dump(const char *path, struct scan *s)
{
    regex_t dev_re, hex_re, size_re;
    regmatch_t m[8];
    struct fn *cur = NULL;
    unsigned int lineno = 0, i;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    FILE *f = fopen(path, "r");

    assert_non_null(f);
    memset(s, 0, sizeof(*s));
    assert_int_equal(regcomp(&dev_re,
                             "^(([0-9a-f]{4}):)?([0-9a-f]{2}):([0-9a-f]{2})"
                             "\\.([0-7])( |$)", REG_EXTENDED | REG_ICASE), 0);
    assert_int_equal(regcomp(&hex_re, "^([0-9a-f]{2,3}):( [0-9a-f]{2}){16}$",
                             REG_EXTENDED), 0);
    assert_int_equal(regcomp(&size_re,
                             "^\t(Region ([0-5]): |Expansion ROM at )"
                             ".*\\[size=([0-9]+)([KMGT]?)\\]", REG_EXTENDED),
                     0);
    while ( (n = getline(&line, &cap, f)) >= 0 )
    {
        lineno++;
        while ( n && (line[n - 1] == '\n' || line[n - 1] == '\r') )
            line[--n] = '\0';
        if ( !regexec(&dev_re, line, 8, m, 0) )
        {
            assert_true(s->nr < MAX_FNS);
            cur = &s->fn[s->nr++];
            cur->sbdf = XECAM_SBDF(m[2].rm_so >= 0 ? field(line, &m[2], 16)
                                                   : 0,
                                   field(line, &m[3], 16),
                                   field(line, &m[4], 16),
                                   field(line, &m[5], 10));
            cur->line = lineno;
        }
        else if ( !regexec(&hex_re, line, 8, m, 0) )
        {
            unsigned int skip = m[1].rm_eo + 2;

            assert_non_null(cur);
            assert_int_equal(field(line, &m[1], 16), cur->len);
            assert_true(cur->len < XECAM_CFG_SIZE);
            for ( i = 0; i < 16; i++ )
                cur->cfg[cur->len + i] = strtoul(line + skip + 3 * i, NULL,
                                                 16);
            cur->len += 16;
        }
        else if ( cur && !regexec(&size_re, line, 8, m, 0) )
        {
            unsigned int bar = m[2].rm_so >= 0 ? field(line, &m[2], 10) : ROM;
            uint64_t size = strtoull(line + m[3].rm_so, NULL, 10);
            const char *u = m[4].rm_eo > m[4].rm_so ?
                            strchr("KMGT", line[m[4].rm_so]) : NULL;

            if ( u )
                size <<= 10 * (u - "KMGT" + 1);
            cur->bar[bar] = size;
            s->sized++;
        }
    }
    free(line);
    fclose(f);
    regfree(&dev_re);
    regfree(&hex_re);
    regfree(&size_re);
}

static const struct fn *scan_find(const struct scan *s, uint32_t sbdf)
{
    unsigned int i;

    for ( i = 0; i < s->nr; i++ )
        if ( s->fn[i].sbdf == sbdf )
            return &s->fn[i];

    return NULL;
}

static uint32_t rd(uint32_t sbdf, unsigned int reg, unsigned int size)
{
    uint32_t v = 0xdeadbeef;

    assert_int_equal(xecam_port_pci_read(sbdf, reg, size, &v), 0);

    return v;
}

static void wr(uint32_t sbdf, unsigned int reg, unsigned int size,
               uint32_t val)
{
    assert_int_equal(xecam_port_pci_write(sbdf, reg, size, val), 0);
}

static uint64_t bar_size(uint32_t sbdf, unsigned int bar)
{
    uint64_t size = 0x5a5a5a5a;

    assert_int_equal(xecam_port_pci_bar_size(sbdf, bar, &size), 0);

    return size;
}

/*
 * The simulated function holds the first 'len' bytes of 'cfg' (through
 * config reads and peek) and zeroes beyond.
 */
static void check_cfg(uint32_t sbdf, const uint8_t *cfg, unsigned int len)
{
    static uint8_t held[XECAM_CFG_SIZE];
    unsigned int reg;

    assert_int_equal(xecam_user_pdev_peek(sbdf, 0, held, sizeof(held)), 0);
    for ( reg = 0; reg < XECAM_CFG_SIZE; reg++ )
        if ( held[reg] != (reg < len ? cfg[reg] : 0) )
            fail_msg("%04x:%02x:%02x.%u byte %#x: %#x, expected %#x",
                     XECAM_SBDF_SEG(sbdf), XECAM_SBDF_BUS(sbdf),
                     XECAM_SBDF_DEV(sbdf), XECAM_SBDF_FN(sbdf), reg,
                     held[reg], reg < len ? cfg[reg] : 0);
    for ( reg = 0; reg < XECAM_CFG_SIZE; reg += 4 )
    {
        uint32_t want = 0;
        unsigned int i;

        for ( i = 0; i < 4; i++ )
            if ( reg + i < len )
                want |= (uint32_t)cfg[reg + i] << (8 * i);
        assert_int_equal(rd(sbdf, reg, 4), want);
    }
}

static void load_ok(const char *path)
{
    char err[512] = "";
    int rc = xecam_user_load_lspci(path, err, sizeof(err));

    if ( rc )
        fail_msg("load %s: %d: %s", path, rc, err);
}

/*
 * Load a dump and check it against the scan: one function per device line,
 * in order; the IDs and every byte the file prints, zeroes beyond; every
 * BAR size the file gives ("[size=...]"), 0 where it gives none.
 * want_len: the bytes every function must have (0: 256 or 4096).
 */
static void check_dump(const char *path, unsigned int want_len)
{
    uint32_t list[MAX_FNS + 1];
    unsigned int i, b;

    scan_dump(path, &scanned);
    assert_true(scanned.nr > 0);
    load_ok(path);
    assert_int_equal(xecam_user_pdev_list(list, MAX_FNS + 1), scanned.nr);
    for ( i = 0; i < scanned.nr; i++ )
    {
        const struct fn *f = &scanned.fn[i];

        assert_int_equal(list[i], f->sbdf);
        if ( want_len )
            assert_int_equal(f->len, want_len);
        else
            assert_true(f->len == 256 || f->len == 4096);
        /* Vendor and device IDs as the file's first hex line prints them. */
        assert_int_equal(rd(f->sbdf, 0, 2), f->cfg[0] | f->cfg[1] << 8);
        assert_int_equal(rd(f->sbdf, 2, 2), f->cfg[2] | f->cfg[3] << 8);
        assert_int_not_equal(rd(f->sbdf, 0, 2), 0xffff);
        check_cfg(f->sbdf, f->cfg, f->len);
        for ( b = 0; b < NR_BARS; b++ )
            assert_int_equal(bar_size(f->sbdf, b), f->bar[b]);
    }
}

/* ---- Setup. ---- */

static int group_setup(void **state)
{
    strcpy(tmpdir, "/tmp/xecam-backends-XXXXXX");

    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    rm_tree(tmpdir);

    return 0;
}

static int setup(void **state)
{
    xecam_user_reset();
    xecam_user_pdev_log_clear();

    return 0;
}

static int teardown(void **state)
{
    xecam_user_reset();

    return 0;
}

/* ---- Real lspci dumps of this machine. ---- */

static void test_lspci_real_vvv_xxxx(void **state)
{
    const struct fn *f;
    unsigned int i, nonzero = 0;

    check_dump(DATA_VVV, 0);
    /* The -vvv output sizes BARs: the check above is not vacuous. */
    assert_true(scanned.sized > 0);
    for ( i = 0; i < scanned.nr; i++ )
        nonzero += scanned.fn[i].bar[0] != 0;
    assert_true(nonzero > 0);
    /*
     * One size spelled out: the file (checked in) says 00:03.0, the virtio
     * network function, has "Region 0: Memory at 4000100000 (64-bit,
     * non-prefetchable) [size=512K]".
     */
    f = scan_find(&scanned, XECAM_SBDF(0, 0, 3, 0));
    assert_non_null(f);
    assert_int_equal(f->bar[0], 512 * 1024);
    assert_int_equal(bar_size(XECAM_SBDF(0, 0, 3, 0), 0), 0x80000);
    assert_int_equal(bar_size(XECAM_SBDF(0, 0, 3, 0), 1), 0);
    assert_int_equal(bar_size(XECAM_SBDF(0, 0, 3, 0), ROM), 0);
    /* ... and is a 64-bit memory BAR the device sizes as hardware would. */
    assert_int_equal(rd(XECAM_SBDF(0, 0, 3, 0), 0x10, 4) & 7, 4);
    wr(XECAM_SBDF(0, 0, 3, 0), 0x10, 4, ~0U);
    wr(XECAM_SBDF(0, 0, 3, 0), 0x14, 4, ~0U);
    assert_int_equal(rd(XECAM_SBDF(0, 0, 3, 0), 0x10, 4), 0xfff80004);
    assert_int_equal(rd(XECAM_SBDF(0, 0, 3, 0), 0x14, 4), 0xffffffff);
}

static void test_lspci_real_xxx(void **state)
{
    check_dump(DATA_XXX, 256);
    assert_int_equal(scanned.sized, 0);
}

static void test_lspci_real_x(void **state)
{
    unsigned int i, reg;

    check_dump(DATA_X, 64);
    assert_int_equal(scanned.sized, 0);
    /* 64 bytes; everything past them reads 0, at every access size. */
    for ( i = 0; i < scanned.nr; i++ )
        for ( reg = 64; reg < XECAM_CFG_SIZE; reg += 2 )
        {
            assert_int_equal(rd(scanned.fn[i].sbdf, reg, 1), 0);
            assert_int_equal(rd(scanned.fn[i].sbdf, reg, 2), 0);
        }
}

/* The three dumps are of the same machine: the same functions and IDs. */
static void test_lspci_real_agree(void **state)
{
    static struct scan vvv, x;
    unsigned int i;

    scan_dump(DATA_VVV, &vvv);
    scan_dump(DATA_X, &x);
    assert_int_equal(vvv.nr, x.nr);
    for ( i = 0; i < x.nr; i++ )
    {
        assert_int_equal(vvv.fn[i].sbdf, x.fn[i].sbdf);
        assert_memory_equal(vvv.fn[i].cfg, x.fn[i].cfg, 4);
    }
}

/* Functions already present are -EEXIST (include/xecam/user.h). */
static void test_lspci_twice_eexist(void **state)
{
    char err[512] = "";

    load_ok(DATA_4K);
    assert_int_equal(xecam_user_load_lspci(DATA_4K, err, sizeof(err)),
                     -EEXIST);

    xecam_user_reset();
    assert_int_equal(h_pdev(XECAM_SBDF(0, 0, 1, 0), 1, 0), 0);
    assert_int_equal(xecam_user_load_lspci(DATA_X, err, sizeof(err)),
                     -EEXIST);
}

/* ---- The hand-written PCIe function. ---- */

static void test_lspci_pcie_4k(void **state)
{
    const uint32_t sbdf = XECAM_SBDF(0, 3, 0, 0);

    check_dump(DATA_4K, 4096);
    assert_int_equal(scanned.nr, 1);
    assert_int_equal(scanned.fn[0].sbdf, sbdf);
    /* IDs and the extended capabilities, spelled out. */
    assert_int_equal(rd(sbdf, 0, 4), 0x4b4babcd);
    assert_int_equal(rd(sbdf, 0x100, 4), 0x14820001);    /* AER v2 -> 148 */
    assert_int_equal(rd(sbdf, 0x100, 2), 0x0001);
    assert_int_equal(rd(sbdf, 0x102, 1), 0x82);
    assert_int_equal(rd(sbdf, 0x148, 4), 0x15810003);    /* DSN -> 158 */
    assert_int_equal(rd(sbdf, 0x158, 4), 0xff010018);    /* LTR -> ff0 */
    assert_int_equal(rd(sbdf, 0xff0, 4), 0x0001000b);    /* VSEC, last */
    assert_int_equal(rd(sbdf, 0xffc, 4), 0xdeadbeef);
    assert_int_equal(rd(sbdf, 0xffe, 2), 0xdead);
    assert_int_equal(rd(sbdf, 0xfff, 1), 0xde);
    /* Sizes: K, none, M, G, K (ROM); the upper halves are not sized. */
    assert_int_equal(bar_size(sbdf, 0), 16 * 1024);
    assert_int_equal(bar_size(sbdf, 1), 256);
    assert_int_equal(bar_size(sbdf, 2), 256ULL << 20);
    assert_int_equal(bar_size(sbdf, 3), 0);
    assert_int_equal(bar_size(sbdf, 4), 8ULL << 30);
    assert_int_equal(bar_size(sbdf, 5), 0);
    assert_int_equal(bar_size(sbdf, ROM), 512 * 1024);
}

/* Sizes in every unit lspci prints, T included, and without a unit. */
static void test_lspci_size_units(void **state)
{
    static const char text[] =
        "0000:00:02.0 Display controller: Example (rev 01)\n"
        "\tRegion 0: Memory at 10000000000 (64-bit, prefetchable) [size=1T]\n"
        "\tRegion 2: Memory at f0000000 (32-bit, non-prefetchable) "
        "[disabled] [size=2M]\n"
        "\tRegion 3: I/O ports at 1000 [size=128]\n"
        "\tRegion 4: Memory at 200000000 (64-bit, prefetchable) [size=4G]\n"
        "\tExpansion ROM at 000c0000 [virtual] [disabled] [size=128K]\n"
        "00: 34 12 78 56 00 00 00 00 00 00 00 03 00 00 00 00\n"
        "10: 0c 00 00 00 00 01 00 00 00 00 00 f0 01 10 00 00\n"
        "20: 0c 00 00 00 02 00 00 00 00 00 00 00 00 00 00 00\n"
        "30: 00 00 0c 00 00 00 00 00 00 00 00 00 00 00 00 00\n";
    const uint32_t sbdf = XECAM_SBDF(0, 0, 2, 0);
    char path[256];

    write_tmp(path, sizeof(path), "units.lspci", text);
    check_dump(path, 64);
    assert_int_equal(bar_size(sbdf, 0), 1ULL << 40);
    assert_int_equal(bar_size(sbdf, 1), 0);
    assert_int_equal(bar_size(sbdf, 2), 2 << 20);
    assert_int_equal(bar_size(sbdf, 3), 128);
    assert_int_equal(bar_size(sbdf, 4), 4ULL << 30);
    assert_int_equal(bar_size(sbdf, ROM), 128 * 1024);
}

/*
 * lspci -vvv prints an SR-IOV capability's VF BARs as indented "Region N:
 * Memory at ... (64-bit, prefetchable)" lines without a size (pciutils,
 * ls-ecaps.c, cap_sriov).  They are not the function's BARs and must not
 * change the sizes its own Region lines gave.
 */
static void test_lspci_sriov_vf_regions(void **state)
{
    static const char text[] =
        "0000:01:00.0 Ethernet controller: Example SR-IOV NIC (rev 01)\n"
        "\tRegion 0: Memory at 38000000000 (64-bit, prefetchable) "
        "[size=32M]\n"
        "\tRegion 3: Memory at 38002000000 (64-bit, prefetchable) "
        "[size=16K]\n"
        "\tCapabilities: [160 v1] Single Root I/O Virtualization (SR-IOV)\n"
        "\t\tIOVCap:\tMigration- 10BitTagReq- IntMsgNumber: 0\n"
        "\t\tInitial VFs: 64, Total VFs: 64, Number of VFs: 0\n"
        "\t\tSupported Page Size: 00000553, System Page Size: 00000001\n"
        "\t\tRegion 0: Memory at 0000038002010000 (64-bit, prefetchable)\n"
        "\t\tRegion 3: Memory at 0000038002110000 (64-bit, prefetchable)\n"
        "\t\tVF Migration: offset: 00000000, BIR: 0\n"
        "00: 86 80 fb 10 06 04 10 00 01 00 00 02 10 00 80 00\n"
        "10: 0c 00 00 00 80 03 00 00 00 00 00 00 0c 00 00 02\n"
        "20: 80 03 00 00 00 00 00 00 00 00 00 00 86 80 0c 00\n"
        "30: 00 00 00 00 40 00 00 00 00 00 00 00 00 01 00 00\n";
    const uint32_t sbdf = XECAM_SBDF(0, 1, 0, 0);
    char path[256];

    write_tmp(path, sizeof(path), "sriov.lspci", text);
    load_ok(path);
    assert_int_equal(bar_size(sbdf, 0), 32 << 20);
    assert_int_equal(bar_size(sbdf, 3), 16 * 1024);
}

/* '#' comment lines, blank lines, CRLF, a segment and a bare BDF line. */
static void test_lspci_comments_blanks(void **state)
{
    static const char text[] =
        "# lspci -x, edited by hand\n"
        "\n"
        "\n"
        "00:01.0 Host bridge: Example\n"
        "# between the device line and its bytes\n"
        "00: 86 80 57 0d 00 00 00 00 00 00 00 06 00 00 00 00\n"
        "# between byte lines\n"
        "10: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
        "20: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
        "30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 5a\n"
        "\n"
        "   \n"
        "# between functions\n"
        "\n"
        "0001:02:03.4 Ethernet controller: Example\r\n"
        "00: f4 1a 41 10 06 04 10 00 01 00 00 02 00 00 00 00\r\n"
        "10: 04 00 10 00 40 00 00 00 00 00 00 00 00 00 00 00\r\n"
        "20: 00 00 00 00 00 00 00 00 00 00 00 00 f4 1a 41 10\r\n"
        "30: 00 00 00 00 40 00 00 00 00 00 00 00 00 00 00 00\r\n"
        "\r\n"
        "ff:1f.7\n"
        "00: 11 11 22 22 00 00 00 00 00 00 00 00 00 00 00 00\n"
        "10: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
        "20: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
        "30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
        "\n"
        "# the end\n";
    uint32_t list[4];
    char path[256];

    write_tmp(path, sizeof(path), "comments.lspci", text);
    check_dump(path, 64);
    assert_int_equal(xecam_user_pdev_list(list, 4), 3);
    assert_int_equal(list[0], XECAM_SBDF(0, 0, 1, 0));
    assert_int_equal(list[1], XECAM_SBDF(1, 2, 3, 4));
    assert_int_equal(list[2], XECAM_SBDF(0, 0xff, 0x1f, 7));
    assert_int_equal(rd(XECAM_SBDF(0, 0, 1, 0), 0x3f, 1), 0x5a);
    assert_int_equal(rd(XECAM_SBDF(1, 2, 3, 4), 0, 4), 0x10411af4);
    assert_int_equal(rd(XECAM_SBDF(0, 0xff, 0x1f, 7), 0, 4), 0x22221111);
}

/*
 * Lines of any length are one line each: a long comment or verbose line
 * is skipped whole, and line numbers in errors stay exact after it.
 */
static void test_lspci_long_lines(void **state)
{
    static const char fn[] =
        "00:01.0 Example\n"
        "00: 86 80 57 0d 00 00 00 00 00 00 00 06 00 00 00 00\n"
        "10: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
        "20: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
        "30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n";
    static char text[16384];
    char path[256], err[512] = "", want[300];
    size_t n = 0;
    int rc;

    /* A 3000-character comment, then a function with a long -v line. */
    text[n++] = '#';
    memset(text + n, 'x', 3000);
    n += 3000;
    n += sprintf(text + n, "\n%.16s\tKernel modules: ", fn);
    memset(text + n, 'm', 3000);
    n += 3000;
    n += sprintf(text + n, "\n%s", fn + 16);
    text[n] = '\0';
    write_tmp(path, sizeof(path), "long.lspci", text);
    rc = xecam_user_load_lspci(path, err, sizeof(err));
    if ( rc )
        fail_msg("long lines: %d: %s", rc, err);
    assert_int_equal(rd(XECAM_SBDF(0, 0, 1, 0), 0, 4), 0x0d578086);

    /* The same, with a bad byte on line 4. */
    xecam_user_reset();
    n = 0;
    text[n++] = '#';
    memset(text + n, 'x', 3000);
    n += 3000;
    n += sprintf(text + n, "\n%.16s\tKernel modules: ", fn);
    memset(text + n, 'm', 3000);
    n += 3000;
    n += sprintf(text + n, "\n00: zz%s", fn + 16 + 6);
    text[n] = '\0';
    write_tmp(path, sizeof(path), "long-bad.lspci", text);
    assert_true(xecam_user_load_lspci(path, err, sizeof(err)) < 0);
    snprintf(want, sizeof(want), "%s:4:5: ", path);
    if ( strncmp(err, want, strlen(want)) )
        fail_msg("err \"%s\", expected it to start with \"%s\"", err, want);
}

static void test_lspci_nonexistent(void **state)
{
    char path[256], err[512] = "";
    int rc;

    tmp_path(path, sizeof(path), "no-such-dump.lspci");
    rc = xecam_user_load_lspci(path, err, sizeof(err));
    assert_true(rc < 0);
    assert_non_null(strstr(err, path));
    assert_int_equal(xecam_user_pdev_list(NULL, 0), 0);
}

/* A short 'err' is truncated, never overrun. */
static void test_lspci_err_truncated(void **state)
{
    char path[256], err[16];
    int rc;

    write_tmp(path, sizeof(path), "trunc.lspci", "00: 00\n");
    memset(err, 0x5a, sizeof(err));
    rc = xecam_user_load_lspci(path, err, 5);
    assert_true(rc < 0);
    assert_int_equal(strlen(err), 4);
    assert_memory_equal(err, path, 4);
    assert_int_equal((uint8_t)err[5], 0x5a);
    assert_int_equal((uint8_t)err[15], 0x5a);
}

/* ---- Malformed dumps: a negative errno and "file:LINE: reason". ---- */

#define ROW0 "00: 86 80 57 0d 00 00 00 00 00 00 00 06 00 00 00 00\n"
#define ROW1 "10: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
#define ROW2 "20: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
#define ROW3 "30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
#define FN64 ROW0 ROW1 ROW2 ROW3

/* The dump 'text' is refused at line:col, with a reason. */
static void check_malformed(const char *name, const char *text,
                            unsigned int line, unsigned int col)
{
    char path[256], err[512] = "", want[300];
    int rc;

    write_tmp(path, sizeof(path), name, text);
    rc = xecam_user_load_lspci(path, err, sizeof(err));
    if ( rc >= 0 )
        fail_msg("%s: loaded (%d), expected an error at %u:%u", name, rc,
                 line, col);
    assert_true(rc > -4096);
    snprintf(want, sizeof(want), "%s:%u:%u: ", path, line, col);
    if ( strncmp(err, want, strlen(want)) )
        fail_msg("%s: err \"%s\", expected it to start with \"%s\"", name,
                 err, want);
    assert_true(strlen(err) > strlen(want));          /* and a reason */
}

static void test_bad_bytes_before_device(void **state)
{
    check_malformed("before.lspci",
                    "# bytes with no device line above them\n"
                    "\n"
                    ROW0 ROW1, 3, 1);
}

static void test_bad_out_of_order(void **state)
{
    check_malformed("order-skip.lspci",
                    "00:01.0 A\n" ROW0 ROW2 ROW3, 3, 1);
    xecam_user_reset();
    check_malformed("order-repeat.lspci",
                    "00:01.0 A\n" ROW0 ROW1 ROW1 ROW2, 4, 1);
    xecam_user_reset();
    check_malformed("order-start.lspci",
                    "# starts at 0x10\n00:01.0 A\n" ROW1 ROW2, 3, 1);
    xecam_user_reset();
    /* Past 4 KiB: a 4 KiB dump, then a 0x1000 line. */
    {
        char *text = malloc(300 * 64), *p = text;
        unsigned int off;

        assert_non_null(text);
        p += sprintf(p, "00:01.0 A\n");
        for ( off = 0; off <= XECAM_CFG_SIZE; off += 16 )
            p += sprintf(p, "%02x: 00 00 00 00 00 00 00 00 00 00 00 00 00 "
                         "00 00 00\n", off);
        check_malformed("order-4k.lspci", text, 2 + XECAM_CFG_SIZE / 16, 1);
        free(text);
    }
}

static void test_bad_short_line(void **state)
{
    check_malformed("short.lspci",
                    "00:01.0 A\n" ROW0 ROW1
                    "20: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
                    ROW3, 4, 49);
}

static void test_bad_non_hex_byte(void **state)
{
    check_malformed("nonhex.lspci",
                    "00:01.0 A\n" ROW0
                    "10: 00 00 00 00 00 00 00 zz 00 00 00 00 00 00 00 00\n"
                    ROW2 ROW3, 3, 26);
}

/* "-1" and "+f" are two characters but not two hex digits. */
static void test_bad_signed_byte(void **state)
{
    check_malformed("minus.lspci",
                    "00:01.0 A\n" ROW0
                    "10: 00 00 00 00 00 00 00 -1 00 00 00 00 00 00 00 00\n"
                    ROW2 ROW3, 3, 26);
    xecam_user_reset();
    check_malformed("plus.lspci",
                    "00:01.0 A\n" ROW0 ROW1
                    "20: +f 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
                    ROW3, 4, 5);
}

static void test_bad_three_digit_byte(void **state)
{
    check_malformed("three.lspci",
                    "00:01.0 A\n" ROW0
                    "10: 00 00 00 00 100 00 00 00 00 00 00 00 00 00 00\n"
                    ROW2 ROW3, 3, 17);
}

static void test_bad_junk_after_bytes(void **state)
{
    check_malformed("junk-glued.lspci",
                    "00:01.0 A\n" ROW0 ROW1
                    "20: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00x\n"
                    ROW3, 4, 52);
    xecam_user_reset();
    check_malformed("junk-spaced.lspci",
                    "00:01.0 A\n" ROW0 ROW1
                    "20: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
                    "junk\n" ROW3, 4, 53);
    xecam_user_reset();
    check_malformed("junk-17.lspci",
                    "00:01.0 A\n" ROW0 ROW1
                    "20: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
                    "11\n" ROW3, 4, 53);
}

/*
 * Errors about a function as a whole name its device line, whatever
 * follows it (another device line, a blank line, the end of the file).
 */
static void test_bad_device_without_bytes(void **state)
{
    check_malformed("empty-mid.lspci",
                    "00:01.0 A\n" FN64 "\n"
                    "00:02.0 B, no bytes\n"
                    "\n"
                    "00:03.0 C\n" FN64, 7, 1);
    xecam_user_reset();
    check_malformed("empty-next.lspci",
                    "00:01.0 A, no bytes\n"
                    "00:02.0 B\n" FN64, 1, 1);
    xecam_user_reset();
    check_malformed("empty-end.lspci",
                    "00:01.0 A\n" FN64 "\n"
                    "00:02.0 B, no bytes\n", 7, 1);
}

static void test_bad_same_function_twice(void **state)
{
    check_malformed("twice.lspci",
                    "00:01.0 A\n" FN64 "\n"
                    "00:02.0 B\n" FN64 "\n"
                    "0000:00:01.0 A again\n" FN64, 13, 1);
    xecam_user_reset();
    check_malformed("twice-adjacent.lspci",
                    "00:01.0 A\n" FN64
                    "00:01.0 A again\n" FN64 "\n", 6, 1);
}

static void test_bad_bdf_function_8(void **state)
{
    check_malformed("fn8.lspci",
                    "00:01.0 A\n" FN64 "\n"
                    "00:01.8 B\n" FN64, 7, 1);
}

static void test_bad_bdf_device_20(void **state)
{
    check_malformed("dev20.lspci",
                    "00:01.0 A\n" FN64 "\n"
                    "00:20.0 B\n" FN64, 7, 1);
}

static void test_bad_bdf_bus_100(void **state)
{
    check_malformed("bus100.lspci",
                    "# bus 0x100\n"
                    "100:00.0 B\n" FN64, 2, 1);
    xecam_user_reset();
    check_malformed("seg10000.lspci",
                    "00:01.0 A\n" FN64
                    "\n"
                    "10000:00:00.0 B\n" FN64, 7, 1);
}

/* ---- BDFs. ---- */

static void test_parse_bdf(void **state)
{
    static const struct {
        const char *s;
        uint32_t sbdf;
        unsigned int len;
    } good[] = {
        { "0000:00:1f.7", XECAM_SBDF(0, 0, 0x1f, 7), 12 },
        { "00:1f.7", XECAM_SBDF(0, 0, 0x1f, 7), 7 },
        { "ffff:ff:1f.7", 0xffffffff, 12 },
        { "0001:02:03.4", XECAM_SBDF(1, 2, 3, 4), 12 },
        { "0:0.0", 0, 5 },
        { "ab:0C.1", XECAM_SBDF(0, 0xab, 0xc, 1), 7 },
        { "00:1f.7 Host bridge", XECAM_SBDF(0, 0, 0x1f, 7), 7 },
        { "0000:00:03.0/config", XECAM_SBDF(0, 0, 3, 0), 12 },
    };
    static const char *const bad[] = {
        "00:1f.8", "00:20.0", "10000:00:00.0", "00:00", "", "0:0:0:0.0",
        "100:00.0", "00:100.0", "00:1f", "00:1f.", ".0", "00.0",
        "0000:00:1f", "g0:00.0", "00:0g.0", "00:00.a", "00:00.-1",
        " 00:00.0", ":00.0",
    };
    unsigned int i;

    for ( i = 0; i < NR(good); i++ )
    {
        const char *end = NULL;
        uint32_t sbdf = 0x12345678;

        if ( xecam_user_parse_bdf(good[i].s, &sbdf, &end) )
            fail_msg("\"%s\" rejected", good[i].s);
        assert_int_equal(sbdf, good[i].sbdf);
        assert_ptr_equal(end, good[i].s + good[i].len);
    }
    for ( i = 0; i < NR(bad); i++ )
    {
        const char *end = NULL;
        uint32_t sbdf = 0;
        int rc = xecam_user_parse_bdf(bad[i], &sbdf, &end);

        if ( rc != -EINVAL )
            fail_msg("\"%s\": %d (sbdf %#x), expected -EINVAL", bad[i], rc,
                     sbdf);
    }
}

/* ---- sysfs: a fake tree. ---- */

struct watch {
    int fd;
    unsigned int n;
    int *wd;
    unsigned int *reads, *writes;       /* closes unwritten / any write */
};

static void watch_start(struct watch *w, unsigned int max)
{
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    assert_true(w->fd >= 0);
    w->n = 0;
    w->wd = calloc(max, sizeof(*w->wd));
    w->reads = calloc(max, sizeof(*w->reads));
    w->writes = calloc(max, sizeof(*w->writes));
    assert_non_null(w->wd);
    assert_non_null(w->reads);
    assert_non_null(w->writes);
}

static unsigned int watch_add(struct watch *w, const char *path)
{
    int wd = inotify_add_watch(w->fd, path, IN_CLOSE_NOWRITE |
                               IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB);

    if ( wd < 0 )
        fail_msg("inotify_add_watch %s: %s", path, strerror(errno));
    w->wd[w->n] = wd;

    return w->n++;
}

static void watch_collect(struct watch *w)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    const struct inotify_event *ev;
    unsigned int i;
    ssize_t len;
    char *p;

    while ( (len = read(w->fd, buf, sizeof(buf))) > 0 )
        for ( p = buf; p < buf + len; p += sizeof(*ev) + ev->len )
        {
            ev = (const struct inotify_event *)p;
            for ( i = 0; i < w->n; i++ )
                if ( w->wd[i] == ev->wd )
                {
                    w->reads[i] += !!(ev->mask & IN_CLOSE_NOWRITE);
                    w->writes[i] += !!(ev->mask & (IN_CLOSE_WRITE |
                                                   IN_MODIFY | IN_ATTRIB));
                }
        }
}

static void watch_stop(struct watch *w)
{
    close(w->fd);
    free(w->wd);
    free(w->reads);
    free(w->writes);
}

static void make_dir(char *path, size_t len, const char *name)
{
    tmp_path(path, len, name);
    if ( mkdir(path, 0755) && errno != EEXIST )
        fail_msg("mkdir %s: %s", path, strerror(errno));
}

/* A kernel-style resource file: "0x%016llx 0x%016llx 0x%016llx" lines. */
static void write_resource(const char *dir, const uint64_t (*res)[3],
                           unsigned int lines)
{
    char path[512], *text = malloc(lines * 64 + 1), *p = text;
    unsigned int i;

    assert_non_null(text);
    *p = '\0';
    for ( i = 0; i < lines; i++ )
        p += sprintf(p, "0x%016llx 0x%016llx 0x%016llx\n",
                     (unsigned long long)res[i][0],
                     (unsigned long long)res[i][1],
                     (unsigned long long)res[i][2]);
    snprintf(path, sizeof(path), "%s/resource", dir);
    write_bytes(path, text, strlen(text));
    free(text);
}

static void fill_cfg(uint8_t *cfg, uint8_t seed, uint32_t id)
{
    unsigned int i;

    for ( i = 0; i < XECAM_CFG_SIZE; i++ )
        cfg[i] = (uint8_t)(i * 13 + seed);
    memcpy(cfg, &id, 4);
    memset(cfg + 0x04, 0, 0x3c);                /* a plain type 0 header */
    cfg[0x0b] = 0x02;
}

static void put32(uint8_t *cfg, unsigned int reg, uint32_t v)
{
    memcpy(cfg + reg, &v, 4);
}

#define FAKE_A XECAM_SBDF(0, 0, 3, 0)       /* 256 bytes, 32-bit BARs, ROM */
#define FAKE_B XECAM_SBDF(0, 0, 4, 0)       /* 4096 bytes, 64-bit BAR */
#define FAKE_C XECAM_SBDF(1, 0x80, 0x1f, 7) /* 64 bytes, no resource file */

static uint8_t fake_a[XECAM_CFG_SIZE], fake_b[XECAM_CFG_SIZE],
               fake_c[XECAM_CFG_SIZE];

/* tmpdir/<name>: three functions and entries that are not functions. */
static void build_fake_tree(const char *name, char *root, size_t rootlen)
{
    static const uint64_t res_a[7][3] = {
        { 0xfebf0000, 0xfebf3fff, 0x40200 },            /* 16K */
        { 0xc000, 0xc03f, 0x40101 },                    /* I/O, 64 */
        { 0 }, { 0 }, { 0 }, { 0 },
        { 0xfeb80000, 0xfebbffff, 0x46200 },            /* ROM, 256K */
    };
    static const uint64_t res_b[13][3] = {
        { 0 }, { 0 },
        { 0x4000000000ULL, 0x400fffffffULL, 0x14220c }, /* 64-bit, 256M */
        { 0 }, { 0 }, { 0 }, { 0 },
        { 0x4100000000ULL, 0x41000fffffULL, 0x14220c }, /* IOV: not a BAR */
        { 0 }, { 0 }, { 0 }, { 0 }, { 0 },
    };
    char dir[512], path[600];

    make_dir(root, rootlen, name);

    fill_cfg(fake_a, 1, 0x10001af4);
    put32(fake_a, 0x10, 0xfebf0000);
    put32(fake_a, 0x14, 0x0000c001);
    put32(fake_a, 0x30, 0xfeb80000);
    snprintf(dir, sizeof(dir), "%s/0000:00:03.0", root);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof(path), "%s/config", dir);
    write_bytes(path, fake_a, 256);
    write_resource(dir, res_a, 7);

    fill_cfg(fake_b, 2, 0x4b4babcd);
    put32(fake_b, 0x18, 0x0000000c);
    put32(fake_b, 0x1c, 0x00000040);
    put32(fake_b, 0xffc, 0xdeadbeef);
    snprintf(dir, sizeof(dir), "%s/0000:00:04.0", root);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof(path), "%s/config", dir);
    write_bytes(path, fake_b, 4096);
    write_resource(dir, res_b, 13);

    fill_cfg(fake_c, 3, 0x12348086);
    snprintf(dir, sizeof(dir), "%s/0001:80:1f.7", root);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof(path), "%s/config", dir);
    write_bytes(path, fake_c, 64);

    /* Not functions: ignored, config or not. */
    snprintf(dir, sizeof(dir), "%s/devices", root);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(dir, sizeof(dir), "%s/pci0000:00", root);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof(path), "%s/config", dir);
    write_bytes(path, fake_a, 256);
    snprintf(dir, sizeof(dir), "%s/0000:00:05.0.old", root);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof(path), "%s/config", dir);
    write_bytes(path, fake_a, 256);
    snprintf(dir, sizeof(dir), "%s/0000:00:20.0", root);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof(path), "%s/README", root);
    write_bytes(path, "not a function\n", 15);
}

static void load_sysfs_ok(const char *root)
{
    char err[512] = "";
    int rc = xecam_user_load_sysfs(root, err, sizeof(err));

    if ( rc )
        fail_msg("load %s: %d: %s", root, rc, err);
}

static void test_sysfs_fake_tree(void **state)
{
    static const char *const files[] = {
        "0000:00:03.0/config", "0000:00:03.0/resource",
        "0000:00:04.0/config", "0000:00:04.0/resource",
        "0001:80:1f.7/config",
    };
    uint8_t before[XECAM_CFG_SIZE], after[XECAM_CFG_SIZE];
    char root[512], path[1024];
    struct watch w;
    uint32_t list[8];
    unsigned int i;
    FILE *f;

    build_fake_tree("sys-fake", root, sizeof(root));
    watch_start(&w, NR(files));
    for ( i = 0; i < NR(files); i++ )
    {
        snprintf(path, sizeof(path), "%s/%s", root, files[i]);
        watch_add(&w, path);
    }
    load_sysfs_ok(root);

    /* Read, never written; the watch sees the reads, so it would see more. */
    watch_collect(&w);
    for ( i = 0; i < NR(files); i++ )
    {
        assert_int_equal(w.writes[i], 0);
        if ( !w.reads[i] )
            fail_msg("%s was not read", files[i]);
    }
    snprintf(path, sizeof(path), "%s/0000:00:03.0/config", root);
    f = fopen(path, "r+b");
    assert_non_null(f);
    fclose(f);
    watch_collect(&w);
    assert_int_equal(w.writes[0], 1);
    watch_stop(&w);

    /* The three functions, in name order; nothing else. */
    assert_int_equal(xecam_user_pdev_list(list, 8), 3);
    assert_int_equal(list[0], FAKE_A);
    assert_int_equal(list[1], FAKE_B);
    assert_int_equal(list[2], FAKE_C);

    check_cfg(FAKE_A, fake_a, 256);
    check_cfg(FAKE_B, fake_b, 4096);
    check_cfg(FAKE_C, fake_c, 64);
    assert_int_equal(rd(FAKE_B, 0xffc, 4), 0xdeadbeef);

    /* BAR sizes: end - start + 1, ROM from line 7, nothing past it. */
    assert_int_equal(bar_size(FAKE_A, 0), 0x4000);
    assert_int_equal(bar_size(FAKE_A, 1), 0x40);
    for ( i = 2; i < 6; i++ )
        assert_int_equal(bar_size(FAKE_A, i), 0);
    assert_int_equal(bar_size(FAKE_A, ROM), 0x40000);
    for ( i = 0; i < NR_BARS; i++ )
        assert_int_equal(bar_size(FAKE_B, i), i == 2 ? 0x10000000 : 0);
    for ( i = 0; i < NR_BARS; i++ )
        assert_int_equal(bar_size(FAKE_C, i), 0);

    /* Sized as hardware: 32-bit memory, I/O, 64-bit pair, ROM. */
    wr(FAKE_A, 0x10, 4, ~0U);
    wr(FAKE_A, 0x14, 4, ~0U);
    wr(FAKE_A, 0x30, 4, ~0U);
    assert_int_equal(rd(FAKE_A, 0x10, 4), 0xffffc000);
    assert_int_equal(rd(FAKE_A, 0x14, 4), 0xffffffc1);
    assert_int_equal(rd(FAKE_A, 0x30, 4), 0xfffc0001);
    wr(FAKE_B, 0x18, 4, ~0U);
    wr(FAKE_B, 0x1c, 4, ~0U);
    assert_int_equal(rd(FAKE_B, 0x18, 4), 0xf000000c);
    assert_int_equal(rd(FAKE_B, 0x1c, 4), 0xffffffff);

    /* The files are as they were. */
    snprintf(path, sizeof(path), "%s/0000:00:04.0/config", root);
    assert_int_equal(read_bytes(path, before, sizeof(before)), 4096);
    assert_memory_equal(before, fake_b, 4096);
    snprintf(path, sizeof(path), "%s/0000:00:03.0/config", root);
    assert_int_equal(read_bytes(path, after, sizeof(after)), 256);
    assert_memory_equal(after, fake_a, 256);
}

static void test_sysfs_twice_eexist(void **state)
{
    char root[512], err[512] = "";

    build_fake_tree("sys-twice", root, sizeof(root));
    load_sysfs_ok(root);
    assert_int_equal(xecam_user_load_sysfs(root, err, sizeof(err)), -EEXIST);
}

static void test_sysfs_missing_config(void **state)
{
    char root[512], dir[600], path[700], err[512] = "";
    uint8_t cfg[64] = { 0x86, 0x80 };
    int rc;

    make_dir(root, sizeof(root), "sys-noconfig");
    snprintf(dir, sizeof(dir), "%s/0000:00:01.0", root);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof(path), "%s/config", dir);
    write_bytes(path, cfg, sizeof(cfg));
    snprintf(dir, sizeof(dir), "%s/0000:00:02.0", root);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof(path), "%s/resource", dir);
    write_bytes(path, "0x0 0x0 0x0\n", 12);

    rc = xecam_user_load_sysfs(root, err, sizeof(err));
    assert_true(rc < 0);
    snprintf(path, sizeof(path), "%s/config", dir);
    if ( !strstr(err, path) )
        fail_msg("err \"%s\" does not name %s", err, path);
}

static void test_sysfs_short_config(void **state)
{
    char root[512], dir[600], path[700], err[512] = "";
    uint8_t cfg[64] = { 0x86, 0x80 };
    int rc;

    make_dir(root, sizeof(root), "sys-short");
    snprintf(dir, sizeof(dir), "%s/0000:00:01.0", root);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof(path), "%s/config", dir);
    write_bytes(path, cfg, 63);
    rc = xecam_user_load_sysfs(root, err, sizeof(err));
    assert_true(rc < 0);
    if ( !strstr(err, path) )
        fail_msg("err \"%s\" does not name %s", err, path);
    assert_int_equal(xecam_user_pdev_list(NULL, 0), 0);

    /* An empty one too. */
    write_bytes(path, cfg, 0);
    assert_true(xecam_user_load_sysfs(root, err, sizeof(err)) < 0);

    /* 64 bytes is enough. */
    write_bytes(path, cfg, 64);
    load_sysfs_ok(root);
    assert_int_equal(rd(XECAM_SBDF(0, 0, 1, 0), 0, 2), 0x8086);
}

static void test_sysfs_nonexistent(void **state)
{
    char root[512], err[512] = "";

    tmp_path(root, sizeof(root), "no-such-sysfs");
    assert_true(xecam_user_load_sysfs(root, err, sizeof(err)) < 0);
    assert_non_null(strstr(err, root));
}

/* ---- sysfs: the real one, read only. ---- */

struct real_fn {
    char name[256];
    uint32_t sbdf;
    long len;
    uint8_t before[XECAM_CFG_SIZE], after[XECAM_CFG_SIZE];
    uint64_t bar[NR_BARS];
};

/* The first 7 lines of a resource file, parsed here. */
static void real_resources(const char *path, uint64_t *bar)
{
    unsigned long long start, end, flags;
    unsigned int i;
    FILE *f = fopen(path, "r");

    memset(bar, 0, NR_BARS * sizeof(*bar));
    if ( !f )
        return;
    for ( i = 0; i < NR_BARS &&
                 fscanf(f, "%llx %llx %llx", &start, &end, &flags) == 3; i++ )
        bar[i] = end > start ? end - start + 1 : 0;
    fclose(f);
}

/*
 * Status bit 3 (Interrupt Status) of a live function may change between
 * two reads: not a write of ours.
 */
static bool same_cfg(const uint8_t *a, const uint8_t *b, long len)
{
    long i;

    for ( i = 0; i < len; i++ )
        if ( (a[i] ^ b[i]) & (i == 6 ? ~0x08 : 0xff) )
            return false;

    return true;
}

static void test_sysfs_real(void **state)
{
    struct real_fn *fns;
    struct dirent *de;
    struct watch w;
    char path[1024];
    unsigned int n = 0, max = 0, i, b;
    uint32_t *list;
    DIR *d = opendir(REAL_SYSFS);

    if ( !d )
    {
        print_message("    %s not readable: skipped\n", REAL_SYSFS);
        skip();
    }
    while ( (de = readdir(d)) )
        max += de->d_name[0] != '.';
    rewinddir(d);
    if ( !max )
    {
        closedir(d);
        print_message("    %s is empty: skipped\n", REAL_SYSFS);
        skip();
    }
    fns = calloc(max, sizeof(*fns));
    list = calloc(max + 1, sizeof(*list));
    assert_non_null(fns);
    assert_non_null(list);
    while ( (de = readdir(d)) && n < max )
    {
        struct real_fn *r = &fns[n];

        if ( de->d_name[0] == '.' )
            continue;
        n++;
        snprintf(r->name, sizeof(r->name), "%s", de->d_name);
        /* The kernel's names: "DDDD:bb:dd.f", always with a domain. */
        {
            unsigned int s, bus, dev, fn;
            char c;

            if ( sscanf(r->name, "%4x:%2x:%2x.%1u%c", &s, &bus, &dev, &fn,
                        &c) != 4 || strlen(r->name) != 12 )
                fail_msg("%s/%s: not a function name", REAL_SYSFS, r->name);
            r->sbdf = XECAM_SBDF(s, bus, dev, fn);
        }
        snprintf(path, sizeof(path), "%s/%s/config", REAL_SYSFS, r->name);
        r->len = read_bytes(path, r->before, sizeof(r->before));
        if ( r->len < 64 )
        {
            closedir(d);
            free(fns);
            free(list);
            print_message("    %s: not readable: skipped\n", path);
            skip();
        }
        snprintf(path, sizeof(path), "%s/%s/resource", REAL_SYSFS, r->name);
        real_resources(path, r->bar);
    }
    closedir(d);
    assert_int_equal(n, max);

    /* Watch every config and resource file, then load. */
    watch_start(&w, 2 * n);
    for ( i = 0; i < n; i++ )
    {
        snprintf(path, sizeof(path), "%s/%s/config", REAL_SYSFS,
                 fns[i].name);
        assert_int_equal(watch_add(&w, path), 2 * i);
        snprintf(path, sizeof(path), "%s/%s/resource", REAL_SYSFS,
                 fns[i].name);
        if ( access(path, F_OK) )
            w.wd[w.n++] = -1;
        else
            assert_int_equal(watch_add(&w, path), 2 * i + 1);
    }
    load_sysfs_ok(REAL_SYSFS);
    watch_collect(&w);
    for ( i = 0; i < n; i++ )
    {
        if ( w.writes[2 * i] || w.writes[2 * i + 1] )
            fail_msg("%s/%s: written to", REAL_SYSFS, fns[i].name);
        if ( !w.reads[2 * i] )
            fail_msg("%s/%s/config: not read", REAL_SYSFS, fns[i].name);
    }
    watch_stop(&w);

    /* As many functions as entries, each as its files say. */
    assert_int_equal(xecam_user_pdev_list(list, max + 1), n);
    for ( i = 0; i < n; i++ )
    {
        const struct real_fn *r = &fns[i];
        uint8_t held[XECAM_CFG_SIZE];

        for ( b = 0; b < n && list[b] != r->sbdf; b++ )
            ;
        if ( b == n )
            fail_msg("%s not loaded", r->name);
        assert_int_equal(xecam_user_pdev_peek(r->sbdf, 0, held,
                                              sizeof(held)), 0);
        if ( !same_cfg(held, r->before, r->len) )
            fail_msg("%s: config differs from the file", r->name);
        for ( b = r->len; b < XECAM_CFG_SIZE; b++ )
            assert_int_equal(held[b], 0);
        assert_int_equal(rd(r->sbdf, 0, 2), r->before[0] | r->before[1] << 8);
        for ( b = 0; b < NR_BARS; b++ )
            assert_int_equal(bar_size(r->sbdf, b), r->bar[b]);
    }

    /* The real config files are unchanged. */
    for ( i = 0; i < n; i++ )
    {
        struct real_fn *r = &fns[i];

        snprintf(path, sizeof(path), "%s/%s/config", REAL_SYSFS, r->name);
        assert_int_equal(read_bytes(path, r->after, sizeof(r->after)),
                         r->len);
        if ( !same_cfg(r->before, r->after, r->len) )
            fail_msg("%s changed", path);
    }
    free(fns);
    free(list);
}

/* ---- Simulated devices (port/user/pci.c). ---- */

#define DEV XECAM_SBDF(0, 2, 0, 0)

/* A type 0 function with all BAR kinds and everything set. */
static uint8_t dev_cfg[XECAM_CFG_SIZE];

static void add_dev(void)
{
    unsigned int i;

    for ( i = 0; i < XECAM_CFG_SIZE; i++ )
        dev_cfg[i] = (uint8_t)(i * 7 + 3);
    put32(dev_cfg, 0x00, 0x4b4babcd);
    put32(dev_cfg, 0x04, 0xf9100000);       /* errors + Cap list, Cmd 0 */
    put32(dev_cfg, 0x08, 0x01080202);
    put32(dev_cfg, 0x0c, 0x80000010);       /* BIST capable, type 0 */
    put32(dev_cfg, 0x10, 0xfe000000);       /* 32-bit memory */
    put32(dev_cfg, 0x14, 0x0000e001);       /* I/O */
    put32(dev_cfg, 0x18, 0x0000000c);       /* 64-bit prefetchable */
    put32(dev_cfg, 0x1c, 0x00000040);
    put32(dev_cfg, 0x20, 0x0000000c);       /* 64-bit, >= 4G */
    put32(dev_cfg, 0x24, 0x00003800);
    put32(dev_cfg, 0x28, 0x00000000);
    put32(dev_cfg, 0x2c, 0x5a5aabcd);
    put32(dev_cfg, 0x30, 0xfb000000);       /* ROM, disabled */
    put32(dev_cfg, 0x34, 0x00000040);
    put32(dev_cfg, 0x38, 0x00000000);
    put32(dev_cfg, 0x3c, 0x0000010b);
    assert_int_equal(xecam_user_pdev_add(DEV, dev_cfg, sizeof(dev_cfg)), 0);
    assert_int_equal(xecam_user_pdev_bar(DEV, 0, 16 * 1024), 0);
    assert_int_equal(xecam_user_pdev_bar(DEV, 1, 256), 0);
    assert_int_equal(xecam_user_pdev_bar(DEV, 2, 256ULL << 20), 0);
    assert_int_equal(xecam_user_pdev_bar(DEV, 4, 8ULL << 30), 0);
    assert_int_equal(xecam_user_pdev_bar(DEV, ROM, 512 * 1024), 0);
}

static void test_pdev_command_status(void **state)
{
    add_dev();
    /* Command: bits 0-10 writable, 11-15 reserved (read 0). */
    wr(DEV, 0x04, 2, 0xffff);
    assert_int_equal(rd(DEV, 0x04, 2), 0x07ff);
    wr(DEV, 0x04, 2, 0x0406);
    assert_int_equal(rd(DEV, 0x04, 2), 0x0406);
    wr(DEV, 0x05, 1, 0x00);
    assert_int_equal(rd(DEV, 0x04, 2), 0x0006);
    wr(DEV, 0x04, 1, 0x00);
    assert_int_equal(rd(DEV, 0x04, 2), 0x0000);

    /* Status: writing 0 leaves it; 1 clears an error bit, not Cap list. */
    assert_int_equal(rd(DEV, 0x06, 2), 0xf910);
    wr(DEV, 0x06, 2, 0x0000);
    assert_int_equal(rd(DEV, 0x06, 2), 0xf910);
    wr(DEV, 0x06, 2, 0x0100);
    assert_int_equal(rd(DEV, 0x06, 2), 0xf810);
    wr(DEV, 0x07, 1, 0x80);
    assert_int_equal(rd(DEV, 0x06, 2), 0x7810);
    /* A dword write to Command leaves Status alone if its half is 0. */
    wr(DEV, 0x04, 4, 0x00000146);
    assert_int_equal(rd(DEV, 0x04, 4), 0x78100146);
    wr(DEV, 0x04, 4, 0xffff0146);
    assert_int_equal(rd(DEV, 0x04, 4), 0x00100146);
    wr(DEV, 0x06, 2, 0xffff);
    assert_int_equal(rd(DEV, 0x06, 2), 0x0010);
}

static void test_pdev_read_only(void **state)
{
    static const unsigned int ro[] = {
        0x00, 0x01, 0x02, 0x03,             /* IDs */
        0x08, 0x09, 0x0a, 0x0b,             /* revision, class */
        0x0e,                               /* header type */
        0x28, 0x29, 0x2a, 0x2b,             /* CardBus CIS */
        0x2c, 0x2d, 0x2e, 0x2f,             /* subsystem */
        0x34, 0x35, 0x36, 0x37,             /* capabilities pointer */
        0x38, 0x39, 0x3a, 0x3b, 0x3d, 0x3e, 0x3f,
    };
    unsigned int i;

    add_dev();
    for ( i = 0; i < NR(ro); i++ )
    {
        wr(DEV, ro[i], 1, (uint8_t)~dev_cfg[ro[i]]);
        if ( rd(DEV, ro[i], 1) != dev_cfg[ro[i]] )
            fail_msg("byte %#x is writable", ro[i]);
    }
    wr(DEV, 0x00, 4, 0xffffffff);
    wr(DEV, 0x00, 4, 0);
    assert_int_equal(rd(DEV, 0x00, 4), 0x4b4babcd);
    wr(DEV, 0x08, 4, 0);
    assert_int_equal(rd(DEV, 0x08, 4), 0x01080202);
    wr(DEV, 0x2c, 2, 0);
    assert_int_equal(rd(DEV, 0x2c, 4), 0x5a5aabcd);

    /* Writable: cache line, latency, BIST START only, interrupt line. */
    wr(DEV, 0x0c, 4, 0xffffffff);
    assert_int_equal(rd(DEV, 0x0c, 4), 0xc000ffff);
    wr(DEV, 0x0c, 4, 0x00000000);
    assert_int_equal(rd(DEV, 0x0c, 4), 0x80000000);
    wr(DEV, 0x3c, 2, 0xffff);
    assert_int_equal(rd(DEV, 0x3c, 2), 0x01ff);

    /* 0x40 on is writable, up to the last byte. */
    wr(DEV, 0x40, 4, 0x12345678);
    wr(DEV, 0x100, 2, 0xabcd);
    wr(DEV, 0xffc, 4, 0xcafef00d);
    wr(DEV, 0xfff, 1, 0x99);
    assert_int_equal(rd(DEV, 0x40, 4), 0x12345678);
    assert_int_equal(rd(DEV, 0x100, 2), 0xabcd);
    assert_int_equal(rd(DEV, 0xffc, 4), 0x99fef00d);
}

static void test_pdev_bar_sizing(void **state)
{
    add_dev();
    assert_int_equal(bar_size(DEV, 0), 16 * 1024);
    assert_int_equal(bar_size(DEV, 1), 256);
    assert_int_equal(bar_size(DEV, 2), 256ULL << 20);
    assert_int_equal(bar_size(DEV, 3), 0);
    assert_int_equal(bar_size(DEV, 4), 8ULL << 30);
    assert_int_equal(bar_size(DEV, 5), 0);
    assert_int_equal(bar_size(DEV, ROM), 512 * 1024);

    /* 32-bit memory: type bits read-only, address bits above the size. */
    wr(DEV, 0x10, 4, 0xffffffff);
    assert_int_equal(rd(DEV, 0x10, 4), 0xffffc000);
    wr(DEV, 0x10, 4, 0xfe000000);
    assert_int_equal(rd(DEV, 0x10, 4), 0xfe000000);
    wr(DEV, 0x10, 4, 0xfe001fff);
    assert_int_equal(rd(DEV, 0x10, 4), 0xfe000000);
    /* Byte-wise, as some OSes size. */
    wr(DEV, 0x10, 1, 0xff);
    wr(DEV, 0x11, 1, 0xff);
    assert_int_equal(rd(DEV, 0x10, 4), 0xfe00c000);

    /* I/O: bit 0 stays set, bit 1 reserved. */
    wr(DEV, 0x14, 4, 0xffffffff);
    assert_int_equal(rd(DEV, 0x14, 4), 0xffffff01);
    wr(DEV, 0x14, 4, 0x0000d000);
    assert_int_equal(rd(DEV, 0x14, 4), 0x0000d001);
    /* The smallest I/O BAR, 4 ports: only bits 0 (type) and 1 stay. */
    assert_int_equal(xecam_user_pdev_bar(DEV, 1, 4), 0);
    wr(DEV, 0x14, 4, 0xffffffff);
    assert_int_equal(rd(DEV, 0x14, 4), 0xfffffffd);
    wr(DEV, 0x14, 4, 0x0000d004);
    assert_int_equal(rd(DEV, 0x14, 4), 0x0000d005);

    /* 64-bit, 256M: the pair sizes as one. */
    wr(DEV, 0x18, 4, 0xffffffff);
    wr(DEV, 0x1c, 4, 0xffffffff);
    assert_int_equal(rd(DEV, 0x18, 4), 0xf000000c);
    assert_int_equal(rd(DEV, 0x1c, 4), 0xffffffff);
    wr(DEV, 0x18, 4, 0x20000000);
    wr(DEV, 0x1c, 4, 0x00000041);
    assert_int_equal(rd(DEV, 0x18, 4), 0x2000000c);
    assert_int_equal(rd(DEV, 0x1c, 4), 0x00000041);

    /* 64-bit, 8G: nothing writable in the low half, bit 32 not. */
    wr(DEV, 0x20, 4, 0xffffffff);
    wr(DEV, 0x24, 4, 0xffffffff);
    assert_int_equal(rd(DEV, 0x20, 4), 0x0000000c);
    assert_int_equal(rd(DEV, 0x24, 4), 0xfffffffe);

    /* ROM: 512K, enable bit writable, bits 1-10 reserved. */
    wr(DEV, 0x30, 4, 0xfffff800);
    assert_int_equal(rd(DEV, 0x30, 4), 0xfff80000);
    wr(DEV, 0x30, 4, 0xffffffff);
    assert_int_equal(rd(DEV, 0x30, 4), 0xfff80001);
    wr(DEV, 0x30, 4, 0xfb000000);
    assert_int_equal(rd(DEV, 0x30, 4), 0xfb000000);

    /* Resized: the new size applies at once. */
    wr(DEV, 0x10, 4, 0xfe000000);
    assert_int_equal(xecam_user_pdev_bar(DEV, 0, 1 << 20), 0);
    assert_int_equal(bar_size(DEV, 0), 1 << 20);
    wr(DEV, 0x10, 4, 0xffffffff);
    assert_int_equal(rd(DEV, 0x10, 4), 0xfff00000);
    /* Unimplemented: size 0, nothing writable. */
    assert_int_equal(xecam_user_pdev_bar(DEV, 0, 0), 0);
    assert_int_equal(bar_size(DEV, 0), 0);
    wr(DEV, 0x10, 4, 0xffffffff);
    assert_int_equal(rd(DEV, 0x10, 4), 0xfff00000);
    assert_int_equal(xecam_user_pdev_bar(DEV, ROM, 0), 0);
    wr(DEV, 0x30, 4, 0xffffffff);
    assert_int_equal(rd(DEV, 0x30, 4), 0xfb000000);
}

/* A zero-filled function: no BARs until sized, then 32-bit memory ones. */
static void test_pdev_bar_zero_filled(void **state)
{
    static const uint8_t cfg[64] = { 0x34, 0x12, 0x78, 0x56 };
    const uint32_t sbdf = XECAM_SBDF(0, 5, 0, 0);
    unsigned int i;

    assert_int_equal(xecam_user_pdev_add(sbdf, cfg, sizeof(cfg)), 0);
    for ( i = 0; i < 6; i++ )
    {
        wr(sbdf, 0x10 + 4 * i, 4, 0xffffffff);
        assert_int_equal(rd(sbdf, 0x10 + 4 * i, 4), 0);
        assert_int_equal(bar_size(sbdf, i), 0);
    }
    wr(sbdf, 0x30, 4, 0xffffffff);
    assert_int_equal(rd(sbdf, 0x30, 4), 0);
    assert_int_equal(xecam_user_pdev_bar(sbdf, 5, 4096), 0);
    wr(sbdf, 0x24, 4, 0xffffffff);
    assert_int_equal(rd(sbdf, 0x24, 4), 0xfffff000);
}

static void test_pdev_masks(void **state)
{
    add_dev();
    /* Read-only from 0x40. */
    assert_int_equal(xecam_user_pdev_masks(DEV, 0x40, 4, 0, 0), 0);
    wr(DEV, 0x40, 4, ~rd(DEV, 0x40, 4));
    assert_int_equal(rd(DEV, 0x40, 4), 0xd8d1cac3);
    /* Half writable, half RW1C. */
    assert_int_equal(xecam_user_pdev_masks(DEV, 0x44, 2, 0x0f, 0xf0), 0);
    wr(DEV, 0x44, 2, 0xffff);
    assert_int_equal(rd(DEV, 0x44, 2), 0x0f0f);
    wr(DEV, 0x44, 2, 0x0000);
    assert_int_equal(rd(DEV, 0x44, 2), 0x0000);
    /* Writable where the header had none: the vendor ID. */
    assert_int_equal(xecam_user_pdev_masks(DEV, 0x00, 2, 0xff, 0), 0);
    wr(DEV, 0x00, 4, 0x11112222);
    assert_int_equal(rd(DEV, 0x00, 4), 0x4b4b2222);
    /* RW1C where the Command register was plain RW. */
    wr(DEV, 0x04, 2, 0x0007);
    assert_int_equal(xecam_user_pdev_masks(DEV, 0x04, 1, 0x00, 0x02), 0);
    wr(DEV, 0x04, 1, 0x03);
    assert_int_equal(rd(DEV, 0x04, 1), 0x05);
    /* The last byte, and no further. */
    assert_int_equal(xecam_user_pdev_masks(DEV, 0xfff, 1, 0, 0), 0);
    wr(DEV, 0xffc, 4, 0);
    assert_int_equal(rd(DEV, 0xfff, 1), dev_cfg[0xfff]);
    assert_int_equal(rd(DEV, 0xffe, 1), 0);
    assert_int_equal(xecam_user_pdev_masks(DEV, 0xfff, 2, 0, 0), -EINVAL);
    assert_int_equal(xecam_user_pdev_masks(DEV, 0x1000, 1, 0, 0), -EINVAL);
    assert_int_equal(xecam_user_pdev_masks(DEV, 0, 0x1001, 0, 0), -EINVAL);
    assert_int_equal(xecam_user_pdev_masks(DEV, 0x2000, 0, 0, 0), -EINVAL);
    assert_int_equal(xecam_user_pdev_masks(XECAM_SBDF(0, 9, 0, 0), 0x40, 1,
                                           0, 0), -ENODEV);
}

/* Sizing a BAR changes that BAR's masks, not masks a test has set. */
static void test_pdev_masks_survive_bar(void **state)
{
    add_dev();
    assert_int_equal(xecam_user_pdev_masks(DEV, 0x40, 4, 0, 0), 0);
    assert_int_equal(xecam_user_pdev_masks(DEV, 0x04, 2, 0, 0), 0);
    assert_int_equal(xecam_user_pdev_bar(DEV, 0, 4096), 0);
    wr(DEV, 0x40, 4, 0);
    wr(DEV, 0x04, 2, 0x0007);
    assert_int_equal(rd(DEV, 0x40, 4), 0xd8d1cac3);
    assert_int_equal(rd(DEV, 0x04, 2), 0x0000);
    wr(DEV, 0x10, 4, 0xffffffff);
    assert_int_equal(rd(DEV, 0x10, 4), 0xfffff000);
}

static void test_pdev_write_log(void **state)
{
    static const struct xecam_user_pci_write want[] = {
        { 0x04, 2, 0x0006 },
        { 0x00, 4, 0xffffffff },            /* read-only: still recorded */
        { 0x10, 4, 0xffffffff },
        { 0x10, 4, 0xfe000000 },
        { 0x06, 2, 0x0000 },                /* no effect: still recorded */
        { 0x3c, 1, 0x0a },
        { 0xfff, 1, 0x5a },
        { 0x100, 4, 0x12345678 },
        { 0x42, 2, 0xbeef },
    };
    const uint32_t other = XECAM_SBDF(0, 3, 0, 0);
    struct xecam_user_pci_write got[32];
    unsigned int i, n;

    add_dev();
    assert_int_equal(h_pdev(other, 9, 0), 0);
    assert_int_equal(xecam_user_pdev_writes(), 0);
    assert_int_equal(xecam_user_pdev_log(DEV, got, 32), 0);

    for ( i = 0; i < NR(want); i++ )
    {
        wr(DEV, want[i].reg, want[i].size, want[i].val);
        if ( i == 3 )
            wr(other, 0x40, 4, 0x01020304);
        (void)rd(DEV, 0, 4);                /* reads are not writes */
    }
    /* Not writes: rejected accesses and absent functions. */
    assert_int_equal(xecam_port_pci_write(DEV, 0x41, 2, 0), -EINVAL);
    assert_int_equal(xecam_port_pci_write(DEV, 0x40, 3, 0), -EINVAL);
    assert_int_equal(xecam_port_pci_write(DEV, 0x1000, 1, 0), -EINVAL);
    wr(XECAM_SBDF(0, 9, 0, 0), 0x40, 4, 0);

    assert_int_equal(xecam_user_pdev_writes(), NR(want) + 1);
    n = xecam_user_pdev_log(DEV, got, 32);
    assert_int_equal(n, NR(want));
    for ( i = 0; i < n; i++ )
    {
        assert_int_equal(got[i].reg, want[i].reg);
        assert_int_equal(got[i].size, want[i].size);
        assert_int_equal(got[i].val, want[i].val);
    }
    assert_int_equal(xecam_user_pdev_log(other, got, 32), 1);
    assert_int_equal(got[0].reg, 0x40);
    assert_int_equal(got[0].size, 4);
    assert_int_equal(got[0].val, 0x01020304);
    /* Up to 'max', oldest first. */
    memset(got, 0, sizeof(got));
    assert_int_equal(xecam_user_pdev_log(DEV, got, 2), 2);
    assert_int_equal(got[1].reg, 0x00);
    assert_int_equal(got[1].val, 0xffffffff);
    assert_int_equal(got[2].reg, 0);
    assert_int_equal(xecam_user_pdev_log(XECAM_SBDF(0, 9, 0, 0), got, 32), 0);

    /* Cleared: the count and every device's log, devices stay. */
    xecam_user_pdev_log_clear();
    assert_int_equal(xecam_user_pdev_writes(), 0);
    assert_int_equal(xecam_user_pdev_log(DEV, got, 32), 0);
    assert_int_equal(xecam_user_pdev_log(other, got, 32), 0);
    assert_int_equal(rd(DEV, 0x42, 2), 0xbeef);
    wr(other, 0x44, 1, 1);
    assert_int_equal(xecam_user_pdev_writes(), 1);
    assert_int_equal(xecam_user_pdev_log(other, got, 32), 1);
    assert_int_equal(got[0].reg, 0x44);

    /* Reset drops them all. */
    xecam_user_reset();
    assert_int_equal(xecam_user_pdev_writes(), 0);
    assert_int_equal(xecam_user_pdev_list(NULL, 0), 0);
}

/* Many writes, in order, of every size and alignment. */
static void test_pdev_write_log_many(void **state)
{
    static struct xecam_user_pci_write got[1024];
    unsigned int i, n, size, reg;

    add_dev();
    for ( i = 0; i < 1000; i++ )
    {
        size = 1U << (i % 3);
        reg = 0x40 + ((i * 4) & 0xfbf);
        wr(DEV, reg, size, i * 0x01010101U & xecam_ones(size));
    }
    assert_int_equal(xecam_user_pdev_writes(), 1000);
    n = xecam_user_pdev_log(DEV, got, 1024);
    assert_int_equal(n, 1000);
    for ( i = 0; i < n; i++ )
    {
        size = 1U << (i % 3);
        assert_int_equal(got[i].reg, 0x40 + ((i * 4) & 0xfbf));
        assert_int_equal(got[i].size, size);
        assert_int_equal(got[i].val, i * 0x01010101U & xecam_ones(size));
    }
}

static void test_pdev_absent(void **state)
{
    const uint32_t none = XECAM_SBDF(0, 0x42, 3, 1);
    struct xecam_user_pci_write got[4];
    uint8_t buf[4];
    uint32_t list[4];

    add_dev();
    assert_int_equal(rd(none, 0, 1), 0xff);
    assert_int_equal(rd(none, 0, 2), 0xffff);
    assert_int_equal(rd(none, 0, 4), 0xffffffff);
    assert_int_equal(rd(none, 0xffc, 4), 0xffffffff);
    assert_int_equal(rd(none, 0x103, 1), 0xff);
    wr(none, 0x04, 2, 0x0006);
    wr(none, 0x10, 4, 0xffffffff);
    assert_int_equal(xecam_user_pdev_writes(), 0);
    assert_int_equal(xecam_user_pdev_log(none, got, 4), 0);
    assert_int_equal(rd(none, 0x04, 2), 0xffff);
    assert_int_equal(bar_size(none, 0), 0);
    assert_int_equal(bar_size(none, ROM), 0);
    assert_int_equal(xecam_user_pdev_peek(none, 0, buf, 4), -ENODEV);
    assert_int_equal(xecam_user_pdev_bar(none, 0, 4096), -ENODEV);
    /* Nothing appeared; the present function next door is untouched. */
    assert_int_equal(xecam_user_pdev_list(list, 4), 1);
    assert_int_equal(list[0], DEV);
    assert_int_equal(rd(DEV, 0x04, 2), 0);
    /* Neighbours of a present function are absent. */
    assert_int_equal(rd(XECAM_SBDF(0, 2, 0, 1), 0, 4), 0xffffffff);
    assert_int_equal(rd(XECAM_SBDF(1, 2, 0, 0), 0, 4), 0xffffffff);
}

static void test_pdev_fault_injection(void **state)
{
    struct xecam_user_pci_write got[4];
    uint64_t size;
    uint32_t v;

    add_dev();
    /* The first PCI call fails, once. */
    xecam_user_fault_arm(XECAM_FAULT_PCI, 1);
    assert_int_equal(xecam_port_pci_read(DEV, 0, 4, &v), -EIO);
    assert_true(xecam_user_fault_fired());
    assert_int_equal(rd(DEV, 0, 4), 0x4b4babcd);

    /* The second: a write, not applied, not recorded. */
    xecam_user_fault_arm(XECAM_FAULT_PCI, 2);
    assert_int_equal(rd(DEV, 0x40, 4), 0xd8d1cac3);
    assert_false(xecam_user_fault_fired());
    assert_int_equal(xecam_port_pci_write(DEV, 0x40, 4, 0x11223344), -EIO);
    assert_true(xecam_user_fault_fired());
    assert_int_equal(rd(DEV, 0x40, 4), 0xd8d1cac3);
    assert_int_equal(xecam_user_pdev_writes(), 0);
    assert_int_equal(xecam_user_pdev_log(DEV, got, 4), 0);
    wr(DEV, 0x40, 4, 0x11223344);
    assert_int_equal(rd(DEV, 0x40, 4), 0x11223344);
    assert_int_equal(xecam_user_pdev_writes(), 1);

    /* BAR sizes. */
    xecam_user_fault_arm(XECAM_FAULT_PCI, 1);
    assert_int_equal(xecam_port_pci_bar_size(DEV, 0, &size), -EIO);
    assert_true(xecam_user_fault_fired());
    assert_int_equal(bar_size(DEV, 0), 16 * 1024);

    /* Absent functions fail the same way. */
    xecam_user_fault_arm(XECAM_FAULT_PCI, 1);
    assert_int_equal(xecam_port_pci_read(XECAM_SBDF(0, 9, 0, 0), 0, 4, &v),
                     -EIO);

    /* Other kinds, and disarmed, leave PCI alone. */
    xecam_user_fault_arm(XECAM_FAULT_ALL & ~XECAM_FAULT_PCI, 1);
    assert_int_equal(rd(DEV, 0, 4), 0x4b4babcd);
    wr(DEV, 0x44, 1, 0);
    assert_int_equal(bar_size(DEV, 0), 16 * 1024);
    assert_false(xecam_user_fault_fired());
    xecam_user_fault_arm(XECAM_FAULT_PCI, 0);
    assert_int_equal(rd(DEV, 0, 4), 0x4b4babcd);
    assert_false(xecam_user_fault_fired());

    /* Every call counts: read, write, size; the third fails. */
    xecam_user_fault_arm(XECAM_FAULT_ALL, 3);
    assert_int_equal(rd(DEV, 0, 4), 0x4b4babcd);
    wr(DEV, 0x48, 4, 0);
    assert_int_equal(xecam_port_pci_bar_size(DEV, 0, &size), -EIO);
}

static void test_pdev_add_errors(void **state)
{
    static uint8_t big[XECAM_CFG_SIZE + 1];
    uint8_t buf[8];
    unsigned int n;
    uint32_t v;
    int rc;

    assert_int_equal(xecam_user_pdev_add(DEV, big, sizeof(big)), -EINVAL);
    add_dev();
    assert_int_equal(xecam_user_pdev_add(DEV, dev_cfg, 64), -EEXIST);
    /* The first one stays as it was. */
    assert_int_equal(rd(DEV, 0xffc, 4), 0xfcf5eee7);

    /* BARs: 0-5 and ROM, powers of 2. */
    assert_int_equal(xecam_user_pdev_bar(DEV, ROM + 1, 4096), -EINVAL);
    assert_int_equal(xecam_user_pdev_bar(DEV, 0, 3 * 4096), -EINVAL);
    assert_int_equal(xecam_user_pdev_bar(DEV, 0, 0x8000000000000001ULL),
                     -EINVAL);
    assert_int_equal(bar_size(DEV, 0), 16 * 1024);
    {
        uint64_t size;

        assert_int_equal(xecam_port_pci_bar_size(DEV, ROM + 1, &size),
                         -EINVAL);
    }

    /* Peek bounds. */
    assert_int_equal(xecam_user_pdev_peek(DEV, 0xff8, buf, 8), 0);
    assert_int_equal(xecam_user_pdev_peek(DEV, 0xff9, buf, 8), -EINVAL);
    assert_int_equal(xecam_user_pdev_peek(DEV, 0x1001, buf, 0), -EINVAL);

    /* Reads: sizes 1, 2, 4, aligned, within 4K. */
    assert_int_equal(xecam_port_pci_read(DEV, 1, 2, &v),
                     -EINVAL);
    assert_int_equal(xecam_port_pci_read(DEV, 0, 3, &v),
                     -EINVAL);
    assert_int_equal(xecam_port_pci_read(DEV, 0x1000, 1, &v),
                     -EINVAL);

    /* Room for a whole bus at least, then -ENOSPC. */
    for ( n = 1; n < 100000; n++ )
    {
        rc = xecam_user_pdev_add(XECAM_SBDF(1, n >> 8, (n >> 3) & 0x1f,
                                            n & 7), dev_cfg, 64);
        if ( rc )
            break;
    }
    assert_int_equal(rc, -ENOSPC);
    assert_true(n >= 256);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_lspci_real_vvv_xxxx),
        T(test_lspci_real_xxx),
        T(test_lspci_real_x),
        T(test_lspci_real_agree),
        T(test_lspci_twice_eexist),
        T(test_lspci_pcie_4k),
        T(test_lspci_size_units),
        T(test_lspci_sriov_vf_regions),
        T(test_lspci_comments_blanks),
        T(test_lspci_long_lines),
        T(test_lspci_nonexistent),
        T(test_lspci_err_truncated),
        T(test_bad_bytes_before_device),
        T(test_bad_out_of_order),
        T(test_bad_short_line),
        T(test_bad_non_hex_byte),
        T(test_bad_signed_byte),
        T(test_bad_three_digit_byte),
        T(test_bad_junk_after_bytes),
        T(test_bad_device_without_bytes),
        T(test_bad_same_function_twice),
        T(test_bad_bdf_function_8),
        T(test_bad_bdf_device_20),
        T(test_bad_bdf_bus_100),
        T(test_parse_bdf),
        T(test_sysfs_fake_tree),
        T(test_sysfs_twice_eexist),
        T(test_sysfs_missing_config),
        T(test_sysfs_short_config),
        T(test_sysfs_nonexistent),
        T(test_sysfs_real),
        T(test_pdev_command_status),
        T(test_pdev_read_only),
        T(test_pdev_bar_sizing),
        T(test_pdev_bar_zero_filled),
        T(test_pdev_masks),
        T(test_pdev_masks_survive_bar),
        T(test_pdev_write_log),
        T(test_pdev_write_log_many),
        T(test_pdev_absent),
        T(test_pdev_fault_injection),
        T(test_pdev_add_errors),
    };

    return cmocka_run_group_tests_name("backends", tests, group_setup,
                                       group_teardown);
}
