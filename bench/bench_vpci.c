/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `make bench`: what each trapped config access costs in the module, side
 * by side with upstream Xen's vPCI dispatcher measured in the same run
 * (bench/xen/peer.h).  Pinned to one core; each figure is the fastest of
 * REPS timed runs after a warm-up, in ns per access, ours and Xen's runs
 * taken in turn.  These machines are shared and noisy: read the ratio
 * ours/Xen of a row, not the nanoseconds.
 *
 * usage: bench_vpci [CSV]      (the table goes to stdout, rows to CSV)
 *        bench_vpci --count    (under callgrind: instructions, not time;
 *                               scripts/bench-count.sh, `make bench-count`)
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xecam/pci.h>
#include <xecam/user.h>
#include <xecam/vpci.h>
#include <public/hvm/ecam_op.h>

#ifdef XECAM_BENCH_XEN
#include "xen/peer.h"
#endif

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif
#endif

#define REPS        7
#define TARGET_NS   20e6            /* one timed run */
#define HOST        XECAM_SBDF(0, 0x40, 0, 0)
#define GUEST       1
#define BASE        0xe0000000ULL
#define NR_DEVS     32
#define NR_RAND     4096
#define COUNT_ITERS NR_RAND         /* --count: every random offset once */

static FILE *csv;
static bool counting;               /* --count */
static unsigned int nr_counted;
static volatile uint64_t sink;

/* ---- Timing ---- */

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* One measured loop: 'run' does 'iters' accesses. */
struct op {
    void (*run)(const struct op *op, unsigned long iters);
    const unsigned int *offs;       /* cycled through: mask + 1 of them */
    unsigned int mask, size;
    uint64_t base;                  /* full path: window base */
    void *dev;                      /* ours: vPCI device or domain */
    uint32_t sbdf;                  /* Xen: device */
    const uint32_t *sbdfs;          /* per-offset device (full path) */
    unsigned int per_iter;          /* accesses per iteration (0: 1) */
};

/*
 * --count: COUNT_ITERS iterations counted by callgrind alone, dumped as
 * "<n> <accesses>" for scripts/bench-count.sh; returns n, which row() prints.
 */
static double count(const struct op *op)
{
#ifdef HAVE_CALLGRIND
    unsigned long iters = op->per_iter ? 1 : COUNT_ITERS;
    char label[64];

    op->run(op, iters);             /* warm: first-touch paths not counted */
    snprintf(label, sizeof(label), "%u %lu", ++nr_counted,
             iters * (op->per_iter ?: 1));
    CALLGRIND_ZERO_STATS;
    op->run(op, iters);
    CALLGRIND_DUMP_STATS_AT(label);

    return nr_counted;
#else
    (void)op;
    fprintf(stderr, "bench_vpci: --count needs <valgrind/callgrind.h>\n");
    exit(1);
#endif
}

/* Iterations for a timed run of about TARGET_NS, after a warm-up. */
static unsigned long calibrate(const struct op *op)
{
    unsigned long iters = 1000;
    double t0;

    for ( ;; )
    {
        t0 = now_ns();
        op->run(op, iters);
        if ( now_ns() - t0 > TARGET_NS / 4 || iters > (1UL << 30) )
            break;
        iters *= 4;
    }

    return iters * (TARGET_NS / (now_ns() - t0 + 1)) + 1;
}

/* ns per access of one timed run. */
static double timed(const struct op *op, unsigned long iters)
{
    double t0 = now_ns();

    op->run(op, iters);

    return (now_ns() - t0) / iters / (op->per_iter ?: 1);
}

/*
 * ns per access of ours and Xen's (NULL: none, *xen 0), REPS timed runs
 * each, taken in turn, so that whatever else the machine does falls on
 * both sides alike; each side's fastest run, as noise only ever adds.
 */
static void measure(const struct op *ours, const struct op *xen,
                    double *t_ours, double *t_xen)
{
    unsigned long n_ours, n_xen = 0;
    unsigned int r;

    *t_xen = 0;
    if ( counting )
    {
        *t_ours = count(ours);
        if ( xen )
            *t_xen = count(xen);
        return;
    }
    n_ours = calibrate(ours);
    if ( xen )
        n_xen = calibrate(xen);
    *t_ours = *t_xen = 1e300;
    for ( r = 0; r < REPS; r++ )
    {
        double t = timed(ours, n_ours);

        *t_ours = t < *t_ours ? t : *t_ours;
        if ( !xen )
            continue;
        t = timed(xen, n_xen);
        *t_xen = t < *t_xen ? t : *t_xen;
    }
    if ( !xen )
        *t_xen = 0;
}

/* ---- Output ---- */

static void section(const char *title)
{
    printf("\n%s\n%-44s %9s %9s %9s\n", title, "", "ours ns", "Xen ns",
           "ours/Xen");
}

/* A CSV field (RFC 4180): quoted, quotes doubled, when it needs it. */
static void csv_field(const char *s)
{
    if ( !strpbrk(s, ",\"\r\n") )
    {
        fputs(s, csv);
        return;
    }
    fputc('"', csv);
    for ( ; *s; s++ )
    {
        if ( *s == '"' )
            fputc('"', csv);
        fputc(*s, csv);
    }
    fputc('"', csv);
}

/*
 * --count: which counts make the row, for scripts/bench-count.sh (rows
 * derived from other rows are left out: it derives nothing).
 */
static void count_row(const char *sect, const char *name, double ours,
                      double xen)
{
    if ( !strcmp(sect, "growth") || !strcmp(name, "scan, us") )
        return;
    printf("count\t%.0f\t%.0f\t%s\t%s\n", ours, xen, sect, name);
}

static void row(const char *sect, const char *name, double ours, double xen)
{
    if ( counting )
    {
        count_row(sect, name, ours, xen);
        return;
    }
    if ( xen > 0 )
        printf("%-44s %9.1f %9.1f %9.3f\n", name, ours, xen, ours / xen);
    else
        printf("%-44s %9.1f %9s %9s\n", name, ours, "-", "-");
    if ( !csv )
        return;
    csv_field(sect);
    fputc(',', csv);
    csv_field(name);
    fprintf(csv, ",%.2f,%.2f,%.4f\n", ours, xen > 0 ? xen : 0,
            xen > 0 ? ours / xen : 0);
}

/* ---- Loops, ours ---- */

static void ours_read(const struct op *op, unsigned long iters)
{
    uint32_t v, sum = 0;
    unsigned long i;

    for ( i = 0; i < iters; i++ )
    {
        xecam_vpci_read(op->dev, op->offs[i & op->mask], op->size, &v);
        sum += v;
    }
    sink += sum;
}

static void ours_write(const struct op *op, unsigned long iters)
{
    unsigned long i;

    for ( i = 0; i < iters; i++ )
        xecam_vpci_write(op->dev, op->offs[i & op->mask], op->size, i);
}

/* The MMIO handler's two calls, as Xen makes them: check, then read. */
static void ours_ecam_read(const struct op *op, unsigned long iters)
{
    uint64_t v = 0, sum = 0;
    unsigned long i;

    for ( i = 0; i < iters; i++ )
    {
        uint64_t gpa = op->base + op->offs[i & op->mask];

        if ( xecam_mmio_accept(op->dev, gpa) )
            xecam_mmio_read(op->dev, 0, gpa, op->size, &v);
        sum += v;
    }
    sink += sum;
}

static void ours_ecam_write(const struct op *op, unsigned long iters)
{
    unsigned long i;

    for ( i = 0; i < iters; i++ )
    {
        uint64_t gpa = op->base + op->offs[i & op->mask];

        if ( xecam_mmio_accept(op->dev, gpa) )
            xecam_mmio_write(op->dev, 0, gpa, op->size, i & 0xff);
    }
}

/*
 * Command writes that each turn memory decode on or off (op->size: the
 * Memory Space bit; 0: write op->mask every time), then what the host does
 * before the vCPU runs again.
 */
static void ours_cmd_toggle(const struct op *op, unsigned long iters)
{
    static uint32_t cmd;
    unsigned long i;

    for ( i = 0; i < iters; i++ )
    {
        cmd = op->size ? cmd ^ op->size : op->mask;
        if ( xecam_mmio_accept(op->dev, op->base) )
            xecam_mmio_write(op->dev, 0, op->base, 2, cmd);
        while ( xecam_vcpu_resume(op->dev, 0) )
            continue;
    }
}

/* ---- Loops, Xen ---- */

#ifdef XECAM_BENCH_XEN
static void xen_read(const struct op *op, unsigned long iters)
{
    uint32_t sum = 0;
    unsigned long i;

    for ( i = 0; i < iters; i++ )
        sum += xpeer_read(op->sbdf, op->offs[i & op->mask], op->size);
    sink += sum;
}

static void xen_write(const struct op *op, unsigned long iters)
{
    unsigned long i;

    for ( i = 0; i < iters; i++ )
        xpeer_write(op->sbdf, op->offs[i & op->mask], op->size, i);
}

static void xen_ecam_read(const struct op *op, unsigned long iters)
{
    uint64_t v = 0, sum = 0;
    unsigned long i;

    for ( i = 0; i < iters; i++ )
    {
        uint64_t gpa = op->base + op->offs[i & op->mask];

        if ( xpeer_mmcfg_accept(op->dev, gpa) )
            xpeer_mmcfg_read(op->dev, gpa, op->size, &v);
        sum += v;
    }
    sink += sum;
}

static void xen_ecam_write(const struct op *op, unsigned long iters)
{
    unsigned long i;

    for ( i = 0; i < iters; i++ )
    {
        uint64_t gpa = op->base + op->offs[i & op->mask];

        if ( xpeer_mmcfg_accept(op->dev, gpa) )
            xpeer_mmcfg_write(op->dev, gpa, op->size, i & 0xff);
    }
}

/* msix.c's MMIO handler: its check, then its read or write. */
static void xen_msix_read(const struct op *op, unsigned long iters)
{
    uint64_t v = 0, sum = 0;
    unsigned long i;

    for ( i = 0; i < iters; i++ )
    {
        uint64_t gpa = op->base + op->offs[i & op->mask];

        if ( xpeer_msix_accept(gpa) )
            xpeer_msix_read(gpa, op->size, &v);
        sum += v;
    }
    sink += sum;
}

static void xen_msix_write(const struct op *op, unsigned long iters)
{
    unsigned long i;

    for ( i = 0; i < iters; i++ )
    {
        uint64_t gpa = op->base + op->offs[i & op->mask];

        if ( xpeer_msix_accept(gpa) )
            xpeer_msix_write(gpa, op->size, i & 0xff);
    }
}

static void xen_cmd_toggle(const struct op *op, unsigned long iters)
{
    static uint32_t cmd;
    unsigned long i;

    for ( i = 0; i < iters; i++ )
    {
        cmd = op->size ? cmd ^ op->size : op->mask;
        if ( xpeer_mmcfg_accept(op->dev, op->base) )
            xpeer_mmcfg_write(op->dev, op->base, 2, cmd);
        while ( xpeer_vcpu_resume() )
            continue;
    }
}
#endif

/* ---- Set-up ---- */

static void die(const char *what, long rc)
{
    fprintf(stderr, "bench_vpci: %s failed (%ld)\n", what, rc);
    exit(1);
}

static size_t heap_in_use(void)
{
    return mallinfo2().uordblks;
}

/* A plain type 0 endpoint: vendor, device, class, and a capability list. */
static void host_device(uint32_t sbdf, uint16_t device)
{
    uint8_t cfg[XECAM_CFG_SIZE] = { 0 };

    cfg[0x00] = 0x86; cfg[0x01] = 0x80;
    cfg[0x02] = device; cfg[0x03] = device >> 8;
    cfg[0x0b] = 0x02;                           /* network controller */
    if ( xecam_user_pdev_add(sbdf, cfg, sizeof(cfg)) )
        die("host device", 0);
}

/* Ours: a bare device on HOST with n 4-byte emulated registers. */
static struct xecam_vpci *ours_device(unsigned int n)
{
    struct xecam_vpci *dev;
    unsigned int i;
    long rc;

    if ( (rc = xecam_vpci_create(HOST, &dev)) )
        die("xecam_vpci_create", rc);
    for ( i = 0; i < n; i++ )
    {
        struct xecam_vpci_reg r = {
            .offset = 4 * i, .size = 4, .emu = ~0U, .reset = i,
        };

        if ( (rc = xecam_vpci_add_reg(dev, &r)) )
            die("xecam_vpci_add_reg", rc);
    }

    return dev;
}

static void random_offsets(unsigned int *offs, unsigned int n)
{
    unsigned int i;

    for ( i = 0; i < NR_RAND; i++ )
        offs[i] = 4 * (rand() % n);
}

/* ---- The sections ---- */

/*
 * The floor under every locked write: the device lock taken, a store, the
 * lock dropped, each side's lock (the same ticket lock).  A reference line,
 * not a comparison: a write that takes the lock cannot be faster.
 */
static struct xecam_mutex *floor_lock;
static volatile uint32_t floor_val;

/* Out of line, as Xen's side is: both pay a call. */
static __attribute__((noinline)) void ours_lock_store(uint32_t val)
{
    xecam_port_mutex_lock(floor_lock);
    floor_val = val;
    xecam_port_mutex_unlock(floor_lock);
}

static void ours_lock_only(const struct op *op, unsigned long iters)
{
    unsigned long i;

    for ( i = 0; i < iters; i++ )
        ours_lock_store(i);
}

#ifdef XECAM_BENCH_XEN
static void xen_lock_only(const struct op *op, unsigned long iters)
{
    unsigned long i;

    for ( i = 0; i < iters; i++ )
        xpeer_lock_store((uint32_t *)&floor_val, i);
}
#endif

static void bench_lock_floor(void)
{
    static const unsigned int off = 0;
    struct op o = { .run = ours_lock_only, .offs = &off };
    double ours, xen;
    long rc;

    if ( (rc = xecam_port_mutex_create(&floor_lock)) )
        die("xecam_port_mutex_create", rc);
#ifdef XECAM_BENCH_XEN
    {
        struct op x = o;

        x.run = xen_lock_only;
        measure(&o, &x, &ours, &xen);
    }
#else
    measure(&o, NULL, &ours, &xen);
#endif
    xecam_port_mutex_destroy(floor_lock);
    if ( counting )
    {
        row("floor", "device lock, store, unlock", ours, xen);
        return;
    }
    printf("\nThe floor of a locked write: the device lock taken, a store, "
           "dropped\n%-44s %9.1f ", "device lock, store, unlock", ours);
    if ( xen > 0 )
        printf("%9.1f %9s\n", xen, "(floor)");
    else
        printf("%9s %9s\n", "-", "(floor)");
    if ( csv )      /* no ratio: a reference, not a comparison */
        fprintf(csv, "floor,\"device lock, store, unlock\",%.2f,%.2f,\n",
                ours, xen);
}

static void bench_registers(void)
{
    static const unsigned int counts[] = { 1, 8, 64, 256, 1023 };
    static unsigned int rnd[NR_RAND];
    static const char *const what[] = { "first", "last", "random",
                                         "unhandled" };
    double base_ours = 0, base_xen = 0;
    unsigned int c, k, w;
    char name[64];

    section("4-byte accesses by number of registers (vPCI dispatcher)");
    for ( c = 0; c < XECAM_ARRAY_SIZE(counts); c++ )
    {
        unsigned int n = counts[c];
        const unsigned int first = 0, last = 4 * (n - 1), gap = 0xffc;
        const unsigned int *offs[] = { &first, &last, rnd, &gap };
        struct xecam_vpci *dev = ours_device(n);
#ifdef XECAM_BENCH_XEN
        struct xpeer_dom *xd = xpeer_domain();

        if ( xpeer_device(xd, HOST, n) )
            die("xpeer_device", 0);
#endif
        random_offsets(rnd, n);
        for ( w = 0; w < 2; w++ )
            for ( k = 0; k < 4; k++ )
            {
                struct op o = {
                    .run = w ? ours_write : ours_read, .offs = offs[k],
                    .mask = offs[k] == rnd ? NR_RAND - 1 : 0, .size = 4,
                    .dev = dev, .sbdf = HOST,
                };
                double ours, xen;
#ifdef XECAM_BENCH_XEN
                struct op x = o;

                x.run = w ? xen_write : xen_read;
                measure(&o, &x, &ours, &xen);
#else
                measure(&o, NULL, &ours, &xen);
#endif
                snprintf(name, sizeof(name), "%4u regs, %s %s", n,
                         w ? "write" : "read", what[k]);
                row("registers", name, ours, xen);
                if ( !w && k == 2 && c == 0 )
                {
                    base_ours = ours;
                    base_xen = xen;
                }
                if ( !w && k == 2 && c )
                {
                    snprintf(name, sizeof(name),
                             "%4u regs, read random / 1 reg (growth)", n);
                    row("growth", name, ours / base_ours,
                        base_xen > 0 ? xen / base_xen : 0);
                }
            }
        xecam_vpci_destroy(dev);
#ifdef XECAM_BENCH_XEN
        xpeer_domain_free(xd);
#endif
    }
}

/*
 * Registers of mixed sizes: 1+1+2 at 0x40, 2 at 0x44 (0x46 unhandled), 4 at
 * 0x48.
 */
static const struct { unsigned int offset, size; } mixed[] = {
    { 0x40, 1 }, { 0x41, 1 }, { 0x42, 2 }, { 0x44, 2 }, { 0x48, 4 },
};

static void bench_straddle(void)
{
    static const struct {
        const char *name;
        unsigned int offset, size;
        bool write;
    } cases[] = {
        { "read4 over 1+1+2-byte registers", 0x40, 4, false },
        { "read4 over a 2-byte register + gap", 0x44, 4, false },
        { "read2, upper half of a 4-byte register", 0x4a, 2, false },
        { "read1, one byte of a 2-byte register", 0x43, 1, false },
        { "write4 over 1+1+2-byte registers", 0x40, 4, true },
        { "write1 into a 4-byte register", 0x49, 1, true },
        { "write2 into a 4-byte register", 0x4a, 2, true },
    };
    struct xecam_vpci *dev = ours_device(0);
    unsigned int i;
    long rc;
#ifdef XECAM_BENCH_XEN
    struct xpeer_dom *xd = xpeer_domain();

    if ( xpeer_device(xd, HOST, 0) )
        die("xpeer_device", 0);
#endif
    for ( i = 0; i < XECAM_ARRAY_SIZE(mixed); i++ )
    {
        struct xecam_vpci_reg r = {
            .offset = mixed[i].offset, .size = mixed[i].size,
            .emu = xecam_ones(mixed[i].size),
        };

        if ( (rc = xecam_vpci_add_reg(dev, &r)) )
            die("xecam_vpci_add_reg", rc);
#ifdef XECAM_BENCH_XEN
        if ( (rc = xpeer_add_reg(HOST, mixed[i].offset, mixed[i].size)) )
            die("xpeer_add_reg", rc);
#endif
    }
    section("Straddling and mixed-size accesses (vPCI dispatcher)");
    for ( i = 0; i < XECAM_ARRAY_SIZE(cases); i++ )
    {
        struct op o = {
            .run = cases[i].write ? ours_write : ours_read,
            .offs = &cases[i].offset, .mask = 0, .size = cases[i].size,
            .dev = dev, .sbdf = HOST,
        };
        double ours, xen;
#ifdef XECAM_BENCH_XEN
        struct op x = o;

        x.run = cases[i].write ? xen_write : xen_read;
        measure(&o, &x, &ours, &xen);
#else
        measure(&o, NULL, &ours, &xen);
#endif
        row("straddle", cases[i].name, ours, xen);
    }
    xecam_vpci_destroy(dev);
#ifdef XECAM_BENCH_XEN
    xpeer_domain_free(xd);
#endif
}

/*
 * Ours: domain GUEST with a window over buses 0-255 at BASE and NR_DEVS
 * host functions assigned at 00:00.0-00:1f.0.  Returns the registers one
 * of our devices has (the Xen peer's devices get as many).
 */
static struct xecam_domain *ours_domain_empty(void)
{
    struct xen_hvm_ecam_space a = {
        .domid = GUEST, .segment = 0, .start_bus = 0, .end_bus = 255,
        .base = BASE,
    };
    struct xecam_domain *d;
    long rc;

    if ( (rc = xecam_user_domain_add(GUEST, 0, &d)) )
        die("domain", rc);
    xecam_user_set_current(0);
    if ( (rc = xecam_user_hvm_op(HVMOP_set_ecam_space, &a)) )
        die("HVMOP_set_ecam_space", rc);

    return d;
}

static void ours_assign_all(struct xecam_domain *d)
{
    unsigned int i;
    long rc;

    for ( i = 0; i < NR_DEVS; i++ )
        if ( (rc = xecam_assign_device(d, XECAM_SBDF(0, 0, i, 0),
                                       XECAM_SBDF(0, 0x40, i, 0), 0)) )
            die("xecam_assign_device", rc);
}

/*
 * The same host functions twice: at 40:i.0 for ours (assigned to guest
 * 00:i.0) and at 00:i.0 for Xen's, which numbers guest and host alike.
 */
static void ours_hosts(void)
{
    unsigned int i;

    xecam_user_reset();
    xecam_user_domain_privileged(0);
    for ( i = 0; i < NR_DEVS; i++ )
    {
        host_device(XECAM_SBDF(0, 0x40, i, 0), 0x1000 + i);
        host_device(XECAM_SBDF(0, 0, i, 0), 0x1000 + i);
    }
}

/*
 * The header registers our devices emulate (any emulated bit), which
 * Xen's get too; what ours leaves wholly to the device (Cache Line Size,
 * BIST, ...) Xen's vpci.c passes to the device as unhandled bytes.
 */
static struct { unsigned int offset, size; } hdr[XECAM_CFG_LEGACY];
static unsigned int nr_hdr;

static struct xecam_domain *ours_domain(unsigned int *nr_regs)
{
    struct xecam_domain *d;
    struct xecam_vpci *dev;
    unsigned int o;

    ours_hosts();
    d = ours_domain_empty();
    ours_assign_all(d);
    dev = xecam_route_vpci(d, XECAM_SBDF(0, 0, 0, 0));
    *nr_regs = xecam_vpci_nr_regs(dev);
    for ( o = nr_hdr = 0; o < XECAM_CFG_LEGACY; o++ )
    {
        const struct xecam_vpci_reg *r = xecam_vpci_find_reg(dev, o);

        if ( r && r->offset == o && r->emu )
        {
            hdr[nr_hdr].offset = o;
            hdr[nr_hdr++].size = r->size;
        }
    }

    return d;
}

#ifdef XECAM_BENCH_XEN
/*
 * The same for Xen: identity numbering, and registers where ours emulates
 * (each a value its handlers read and write), so that what reaches the
 * device on one side reaches it on the other.
 */
static int xen_header(struct xpeer_dom *xd, uint32_t sbdf)
{
    unsigned int i;
    int rc = xpeer_device(xd, sbdf, 0);

    for ( i = 0; !rc && i < nr_hdr; i++ )
        rc = xpeer_add_reg(sbdf, hdr[i].offset, hdr[i].size);

    return rc;
}

static struct xpeer_dom *xen_domain(void)
{
    struct xpeer_dom *xd = xpeer_domain();
    unsigned int i;

    if ( xpeer_mmcfg_add(xd, BASE, 0, 0, 256) )
        die("xpeer_mmcfg_add", 0);
    for ( i = 0; i < NR_DEVS; i++ )
        if ( xen_header(xd, XECAM_SBDF(0, 0, i, 0)) )
            die("xpeer_device", 0);

    return xd;
}
#endif

static void bench_full_path(struct xecam_domain *d, void *xd)
{
    static unsigned int rnd_hdr[NR_RAND], rnd_dev0[NR_RAND];
    static const unsigned int vendor = 0, last_dev = 31 << 15, clsz = 0x0c;
    static const struct {
        const char *name;
        const unsigned int *offs;
        unsigned int nr, size;
        bool write;
    } cases[] = {
        { "read4 00:00.0 vendor/device", &vendor, 1, 4, false },
        { "read4 00:1f.0 vendor/device (32nd device)", &last_dev, 1, 4,
          false },
        { "read4 00:00.0, random header register", rnd_dev0, NR_RAND, 4,
          false },
        { "read4 random device, random header reg", rnd_hdr, NR_RAND, 4,
          false },
        { "read8 random device, random header reg", rnd_hdr, NR_RAND, 8,
          false },
        { "write1 00:00.0 cache line size", &clsz, 1, 1, true },
    };
    unsigned int i;

    for ( i = 0; i < NR_RAND; i++ )
    {
        rnd_dev0[i] = 8 * (rand() % 8);
        rnd_hdr[i] = ((rand() % NR_DEVS) << 15) | 8 * (rand() % 8);
    }
    section("Full path: ECAM guest-physical address -> decode -> route -> "
            "handler\n(the MMIO intercept's check and access, 32 devices)");
    for ( i = 0; i < XECAM_ARRAY_SIZE(cases); i++ )
    {
        struct op o = {
            .run = cases[i].write ? ours_ecam_write : ours_ecam_read,
            .offs = cases[i].offs, .mask = cases[i].nr - 1,
            .size = cases[i].size, .base = BASE, .dev = d,
        };
        double ours, xen;
#ifdef XECAM_BENCH_XEN
        struct op x = o;

        x.run = cases[i].write ? xen_ecam_write : xen_ecam_read;
        x.dev = xd;
        measure(&o, &x, &ours, &xen);
#else
        (void)xd;
        measure(&o, NULL, &ours, &xen);
#endif
        row("full path", cases[i].name, ours, xen);
    }
}

/* Every bus, device and function's vendor ID through op->dev's window op. */
static void scan(const struct op *op, unsigned long iters)
{
    static unsigned int offs[65536];
    struct op o = *(const struct op *)op->dev;
    unsigned long i;

    for ( i = 0; i < 65536; i++ )
        offs[i] = i << 12;
    o.offs = offs;
    o.mask = 65536 - 1;
    for ( i = 0; i < iters; i++ )
        o.run(&o, 65536);
}

/* Per read: measure() divides by the 65536 reads of a scan. */
static void bench_scan(struct xecam_domain *d, void *xd)
{
    struct op o = { .run = ours_ecam_read, .size = 2, .base = BASE, .dev = d };
    struct op so = { .run = scan, .dev = &o, .per_iter = 65536 };
    double ours, xen;
#ifdef XECAM_BENCH_XEN
    struct op x = { .run = xen_ecam_read, .size = 2, .base = BASE, .dev = xd };
    struct op sx = { .run = scan, .dev = &x, .per_iter = 65536 };

    measure(&so, &sx, &ours, &xen);
#else
    (void)xd;
    measure(&so, NULL, &ours, &xen);
#endif
    section("Full bus scan: 65536 vendor-ID reads, 32 devices (us per scan)");
    row("bus scan", "scan, us", ours * 65536 / 1e3, xen * 65536 / 1e3);
    row("bus scan", "scan, ns per read", ours, xen);
}

/*
 * Two passed-through functions in a fresh domain on each side, on host
 * functions of their own with the same config space: PT_MSIX with MSI-X
 * (PT_NR entries, table and PBA in its 64 KiB BAR0), PT_MAP with two
 * 64 KiB memory BARs that are not adjacent (two ranges to map on both
 * sides).  Guest addresses are the host's, as Xen 4.17 maps BARs.  Ours:
 * guest PT_MSIX and PT_MAP on hosts at bus 0x41; Xen's: identity, on the
 * host functions of the same numbers, its p2m changes made on our port's
 * domain XEN_P2M.
 */
#define PT_MSIX     XECAM_SBDF(0, 0, 3, 0)
#define PT_MAP      XECAM_SBDF(0, 0, 4, 0)
#define PT_HOST(s)  ((s) | XECAM_SBDF(0, 0x41, 0, 0))
#define PT_BAR      0xf4000000U
#define PT_TABLE    0x2000U
#define PT_PBA      0x3000U
#define PT_NR       8U
#define PT_MAP0     0xf5000000U
#define PT_MAP1     0xf5100000U
#define PT_SIZE     0x10000U
#define XEN_P2M     2
#define CMD_MEM     0x0002U
#define ECAM(s, r)  (BASE + ((uint64_t)(s) << 12) + (r))

static void put32(uint8_t *cfg, unsigned int reg, uint32_t v)
{
    memcpy(&cfg[reg], &v, 4);
}

static void pt_hosts(uint32_t msix, uint32_t map)
{
    uint8_t cfg[XECAM_CFG_SIZE] = { 0x86, 0x80, 0xd3, 0x10 };
    long rc;

    cfg[0x06] = 0x10;                           /* a capability list */
    cfg[0x0b] = 0x02;
    put32(cfg, 0x10, PT_BAR);
    cfg[0x34] = 0x40;
    cfg[0x40] = 0x11;                           /* MSI-X */
    cfg[0x42] = PT_NR - 1;
    put32(cfg, 0x44, PT_TABLE);                 /* BIR 0 */
    put32(cfg, 0x48, PT_PBA);
    if ( (rc = xecam_user_pdev_add(msix, cfg, sizeof(cfg))) ||
         (rc = xecam_user_pdev_bar(msix, 0, PT_SIZE)) )
        die("MSI-X host device", rc);
    memset(cfg + 4, 0, sizeof(cfg) - 4);
    cfg[0x0b] = 0x02;
    put32(cfg, 0x10, PT_MAP0);
    put32(cfg, 0x14, PT_MAP1);
    if ( (rc = xecam_user_pdev_add(map, cfg, sizeof(cfg))) ||
         (rc = xecam_user_pdev_bar(map, 0, PT_SIZE)) ||
         (rc = xecam_user_pdev_bar(map, 1, PT_SIZE)) )
        die("BAR host device", rc);
}

static void ours_cfg_write(struct xecam_domain *d, uint32_t sbdf,
                           unsigned int reg, unsigned int size, uint32_t v)
{
    long rc = xecam_mmio_write(d, 0, ECAM(sbdf, reg), size, v);

    if ( rc != XECAM_IO_OKAY )
        die("config write", rc);
    while ( xecam_vcpu_resume(d, 0) )
        continue;
}

/* Ours: PT_MSIX's BAR placed and decoding, PT_MAP's placed, not decoding. */
static struct xecam_domain *pt_ours(void)
{
    struct xecam_domain *d;
    long rc;

    pt_hosts(PT_HOST(PT_MSIX), PT_HOST(PT_MAP));
    d = ours_domain_empty();
    if ( (rc = xecam_assign_device(d, PT_MSIX, PT_HOST(PT_MSIX), 0)) ||
         (rc = xecam_assign_device(d, PT_MAP, PT_HOST(PT_MAP), 0)) )
        die("xecam_assign_device", rc);
    ours_cfg_write(d, PT_MSIX, 0x10, 4, PT_BAR);
    ours_cfg_write(d, PT_MSIX, 0x04, 2, CMD_MEM);
    ours_cfg_write(d, PT_MAP, 0x10, 4, PT_MAP0);
    ours_cfg_write(d, PT_MAP, 0x14, 4, PT_MAP1);
    if ( !xecam_mmio_accept(d, PT_BAR + PT_TABLE) )
        die("MSI-X table trap", 0);

    return d;
}

#ifdef XECAM_BENCH_XEN
/* Xen: the same, header.c and msix.c handling them. */
static struct xpeer_dom *pt_xen(void)
{
    struct xecam_domain *p2m;
    struct xpeer_dom *xd;
    long rc;

    pt_hosts(PT_MSIX, PT_MAP);
    if ( (rc = xecam_user_domain_add(XEN_P2M, 0, &p2m)) )
        die("p2m domain", rc);
    xd = xpeer_domain();
    if ( xpeer_mmcfg_add(xd, BASE, 0, 0, 256) ||
         (rc = xpeer_pdev(xd, PT_MSIX, p2m)) ||
         (rc = xpeer_pdev(xd, PT_MAP, p2m)) )
        die("xpeer_pdev", rc);
    xpeer_mmcfg_write(xd, ECAM(PT_MSIX, 0x04), 2, CMD_MEM);
    while ( xpeer_vcpu_resume() )
        continue;
    if ( !xpeer_msix_accept(PT_BAR + PT_TABLE) )
        die("Xen's MSI-X table handler", 0);

    return xd;
}
#endif

/*
 * Before measuring, that each side does what the rows say: a masked entry
 * reads masked, and one MEM on/off pair of PT_MAP makes two p2m calls each
 * way and leaves the p2m as it was.
 */
static void pt_check(const struct op *o, domid_t id, uint64_t vctl)
{
    struct xecam_user_mapping m[16];
    unsigned int n = xecam_user_mappings(id, m, 16);
    unsigned long calls = xecam_user_map_calls(id);

    if ( vctl != 1 )
        die("masked entry's Vector Control", vctl);
    o->run(o, 1);
    if ( xecam_user_mappings(id, m, 16) != n + 2 )
        die("Command MEM on: two BARs mapped", id);
    o->run(o, 1);
    if ( xecam_user_mappings(id, m, 16) != n ||
         xecam_user_map_calls(id) - calls != 4 )
        die("Command MEM off: two BARs unmapped", id);
}

static void pt_checks(struct xecam_domain *d, void *xd)
{
    struct op o = {
        .run = ours_cmd_toggle, .base = ECAM(PT_MAP, 0x04), .dev = d,
        .size = CMD_MEM,
    };
    uint64_t v = 0;

    xecam_mmio_read(d, 0, PT_BAR + PT_TABLE + 16 * 7 + 12, 4, &v);
    pt_check(&o, GUEST, v);
#ifdef XECAM_BENCH_XEN
    o.run = xen_cmd_toggle;
    o.dev = xd;
    xpeer_msix_read(PT_BAR + PT_TABLE + 16 * 7 + 12, 4, &v);
    pt_check(&o, XEN_P2M, v);
#else
    (void)xd;
#endif
}

static void bench_msix(struct xecam_domain *d, void *xd)
{
    static const unsigned int data1 = PT_TABLE + 16 + 8,
                              vctl7 = PT_TABLE + 16 * 7 + 12, pba = PT_PBA;
    static const struct {
        const char *name;
        const unsigned int *off;
        unsigned int size;
        bool write;
    } cases[] = {
        { "read4 entry 1 Message Data", &data1, 4, false },
        { "read4 entry 7 Vector Control", &vctl7, 4, false },
        { "write4 entry 1 Message Data (masked)", &data1, 4, true },
        { "read8 PBA (the device's)", &pba, 8, false },
    };
    unsigned int i;

    section("MSI-X table: a guest access through the MMIO intercept\n"
            "(its check, then the access; entries masked, MSI-X off)");
    for ( i = 0; i < XECAM_ARRAY_SIZE(cases); i++ )
    {
        struct op o = {
            .run = cases[i].write ? ours_ecam_write : ours_ecam_read,
            .offs = cases[i].off, .size = cases[i].size, .base = PT_BAR,
            .dev = d,
        };
        double ours, xen;
#ifdef XECAM_BENCH_XEN
        struct op x = o;

        x.run = cases[i].write ? xen_msix_write : xen_msix_read;
        x.dev = xd;
        measure(&o, &x, &ours, &xen);
#else
        (void)xd;
        measure(&o, NULL, &ours, &xen);
#endif
        row("msix table", cases[i].name, ours, xen);
    }
}

static void bench_cmd_map(struct xecam_domain *d, void *xd)
{
    struct op o = {
        .run = ours_cmd_toggle, .base = ECAM(PT_MAP, 0x04), .dev = d,
        .size = CMD_MEM,
    };
    struct op x = o;
    double ours, xen;

    section("Command writes through the ECAM intercept, then the deferred "
            "work\n(mapping or unmapping two 64 KiB BARs) before the vCPU "
            "runs again");
#ifdef XECAM_BENCH_XEN
    x.run = xen_cmd_toggle;
    x.dev = xd;
    measure(&o, &x, &ours, &xen);
#else
    (void)xd;
    measure(&o, NULL, &ours, &xen);
#endif
    row("bar mapping", "Command MEM on/off, alternating, per write", ours,
        xen);
    /* The same write with nothing to change: the mapping's share. */
    o.base = x.base = ECAM(PT_MSIX, 0x04);
    o.size = x.size = 0;
    o.mask = x.mask = CMD_MEM;
    ours_cfg_write(d, PT_MSIX, 0x04, 2, CMD_MEM);
#ifdef XECAM_BENCH_XEN
    measure(&o, &x, &ours, &xen);
#else
    measure(&o, NULL, &ours, &xen);
#endif
    row("bar mapping", "Command write, MEM unchanged (nothing to map)",
        ours, xen);
}

static void bench_passthrough(void)
{
    struct xecam_domain *d;
    void *xd = NULL;

    xecam_user_reset();
    xecam_user_domain_privileged(0);
    d = pt_ours();
#ifdef XECAM_BENCH_XEN
    xd = pt_xen();
#endif
    pt_checks(d, xd);
    bench_msix(d, xd);
    bench_cmd_map(d, xd);
#ifdef XECAM_BENCH_XEN
    xpeer_domain_free(xd);
#endif
    xecam_user_reset();
}

static void memory(void)
{
    size_t m0, m1, m2;
    struct xecam_domain *d;
    unsigned int nr_regs;
    double xen_dev = 0, xen_dom = 0;

    ours_hosts();                       /* host devices are not counted */
    m0 = heap_in_use();
    d = ours_domain_empty();
    m1 = heap_in_use();
    ours_assign_all(d);
    m2 = heap_in_use();
    nr_regs = xecam_vpci_nr_regs(xecam_route_vpci(d, XECAM_SBDF(0, 0, 0, 0)));
#ifdef XECAM_BENCH_XEN
    {
        struct xpeer_dom *xd;
        size_t x0 = heap_in_use(), x1;

        xd = xpeer_domain();
        xpeer_mmcfg_add(xd, BASE, 0, 0, 256);
        xen_dom = heap_in_use() - x0;
        xpeer_device(xd, XECAM_SBDF(0, 1, 0, 0), 0);
        x1 = heap_in_use();
        for ( unsigned int i = 0; i < nr_regs; i++ )     /* as many */
            xpeer_add_reg(XECAM_SBDF(0, 1, 0, 0), 4 * i, 4);
        xen_dev = heap_in_use() - x1 + xpeer_vpci_bytes();
        xpeer_domain_free(xd);
    }
#endif
    printf("\nMemory (heap bytes, malloc's overhead included)%14s %9s\n",
           "ours", "Xen");
    printf("%-44s %9zu %9.0f\n", "per device: header registers",
           (m2 - m1) / NR_DEVS, xen_dev);
    printf("%-44s %9u %9u\n", "  registers in it", nr_regs, nr_regs);
    printf("%-44s %9zu %9.0f\n", "per domain: a 256-bus window", m1 - m0,
           xen_dom);
    printf("(ours per device: the device, its map and register chunk;"
           " Xen's: struct vpci\n and one list node per register, its"
           " header/MSI state not counted)\n");
    if ( csv )
    {
        fprintf(csv, "memory,per device bytes,%zu,%.0f,\n", (m2 - m1) / NR_DEVS,
                xen_dev);
        fprintf(csv, "memory,per domain bytes,%zu,%.0f,\n", m1 - m0, xen_dom);
    }
    xecam_user_reset();
}

static void pin(void)
{
    cpu_set_t set;
    int cpu, last = -1;

    if ( sched_getaffinity(0, sizeof(set), &set) )
        return;
    for ( cpu = 0; cpu < CPU_SETSIZE; cpu++ )
        if ( CPU_ISSET(cpu, &set) )
            last = cpu;
    CPU_ZERO(&set);
    CPU_SET(last, &set);
    if ( sched_setaffinity(0, sizeof(set), &set) == 0 )
        printf("pinned to CPU %d; ", last);
}

int main(int argc, char **argv)
{
    struct xecam_domain *d;
    unsigned int nr_regs;
    void *xd = NULL;

    if ( argc > 1 && !strcmp(argv[1], "--count") )
        counting = true;
    else if ( argc > 1 && !(csv = fopen(argv[1], "w")) )
        die(argv[1], 0);
    if ( csv )
        fprintf(csv, "section,case,ours_ns,xen_ns,ours_over_xen\n");
    pin();
    printf("fastest of %u runs of ~%.0f ms each, after a warm-up\n", REPS,
           TARGET_NS / 1e6);
#ifndef XECAM_BENCH_XEN
    printf("Xen's side: not built (%s)\n", XECAM_BENCH_NO_XEN);
#endif
    srand(1);
    xecam_user_reset();
    host_device(HOST, 0x10d3);
    bench_lock_floor();
    bench_registers();
    bench_straddle();

    d = ours_domain(&nr_regs);
#ifdef XECAM_BENCH_XEN
    xd = xen_domain();
#endif
    bench_full_path(d, xd);
    bench_scan(d, xd);
#ifdef XECAM_BENCH_XEN
    xpeer_domain_free(xd);
#endif
    bench_passthrough();
    memory();
    if ( csv )
        fclose(csv);

    return 0;
}
