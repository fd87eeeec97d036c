/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The checks, from inside the guest.  The reference for every ECAM read is
 * CF8/CFC: both reach the same function through the module (and, for a
 * device model's function, through Xen's ioreq path), so an aligned ECAM
 * read of 1, 2 or 4 bytes must equal the same bytes of the CONFIG_DATA
 * dword.  On PVH no function exists and both read all-ones; on HVM QEMU's
 * functions give real bytes.
 */
#include "guest.h"

/* The public header, without the rest of Xen's: it needs only domid_t. */
#define XECAM_PUBLIC_XEN_SHIM_H
typedef uint16_t domid_t;
#include <public/hvm/ecam_op.h>

#define DOMID_SELF   0x7ff0U

#include "run.h"

uint64_t ones(unsigned int size)
{
    return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

void report(struct run *r, const char *name)
{
    if ( r->why[0] )
    {
        print("e2e: %s.%s FAIL %s\n", r->kname, name, r->why);
        r->failed++;
    }
    else
    {
        print("e2e: %s.%s ok\n", r->kname, name);
        r->passed++;
    }
    r->why[0] = '\0';
}

static long ecam_op(unsigned int op, uint16_t seg, uint64_t base,
                    unsigned int start, unsigned int end, uint16_t flags,
                    uint32_t rsvd, struct xen_hvm_ecam_space *out)
{
    struct xen_hvm_ecam_space s = {
        .domid = DOMID_SELF, .segment = seg, .start_bus = start,
        .end_bus = end, .flags = flags, .base = base, .rsvd = { rsvd, 0 },
    };
    long rc = hvm_op(op, &s);

    if ( out )
        *out = s;
    return rc;
}

static uint64_t gpa_of(const struct run *r, uint64_t base, unsigned int bdf,
                       unsigned int reg)
{
    (void)r;
    return base + ((uint64_t)bdf << 12) + reg;
}

/* The CF8/CFC reference: 'size' bytes at 'reg' of the CONFIG_DATA dword. */
static uint64_t cf8_read(unsigned int bdf, unsigned int reg,
                         unsigned int size)
{
    uint32_t dw;

    outl(0xcf8, CF8_ENABLE | (bdf << 8) | (reg & 0xfc));
    dw = inl(0xcfc);
    return (dw >> (8 * (reg & 3))) & ones(size);
}

uint64_t ecam_read(const struct run *r, unsigned int bdf, unsigned int reg,
                   unsigned int size)
{
    return mmio_read(gpa_of(r, r->base, bdf, reg), size);
}

void ecam_write(const struct run *r, unsigned int bdf, unsigned int reg,
                unsigned int size, uint32_t val)
{
    mmio_write(gpa_of(r, r->base, bdf, reg), size, val);
}

unsigned int find_cap(const struct run *r, unsigned int bdf, bool ext,
                      unsigned int id)
{
    unsigned int pos = ext ? 0x100 : ecam_read(r, bdf, 0x34, 1) & 0xfc, n;
    uint32_t hdr;

    for ( n = 0; pos >= (ext ? 0x100 : 0x40) && n < (ext ? 960 : 48); n++ )
    {
        hdr = ecam_read(r, bdf, pos, 4);
        if ( (ext ? hdr & 0xffff : hdr & 0xff) == id )
            return pos;
        pos = ext ? hdr >> 20 : (hdr >> 8) & 0xfc;
    }

    return 0;
}

/* ---- window-get: the window dom0 placed, and what the guest may not do. */
static void check_window_get(struct run *r)
{
    struct xen_hvm_ecam_space s;
    long rc;

    rc = ecam_op(HVMOP_get_ecam_space, 0, 0, 0, 0, 0, 0, &s);
    expect(r, rc == 0, "get segment 0: %s", errname(rc));
    expect(r, !rc && s.base == r->base && s.start_bus == 0 &&
           s.end_bus == r->end_bus, "get: %#lx buses %u-%u, dom0 placed "
           "%#lx buses 0-%u", (unsigned long)s.base, s.start_bus, s.end_bus,
           (unsigned long)r->base, r->end_bus);
    rc = ecam_op(HVMOP_get_ecam_space, 1, 0, 0, 0, 0, 0, NULL);
    expect(r, rc == -2, "get segment 1 (none): %s, not -ENOENT",
           errname(rc));
    rc = ecam_op(HVMOP_get_ecam_space, 0, 0, 0, 0, 1, 0, NULL);
    expect(r, rc == -22, "get with flags: %s, not -EINVAL", errname(rc));
    rc = ecam_op(HVMOP_get_ecam_space, 0, 0, 0, 0, 0, 1, NULL);
    expect(r, rc == -22, "get with rsvd: %s, not -EINVAL", errname(rc));
    /* Not created with XECAM_DOMF_SELF_ECAM: placing its own is refused. */
    rc = ecam_op(HVMOP_set_ecam_space, 1, 0xc0000000UL, 0, 0, 0, 0, NULL);
    expect(r, rc == -1, "set own window: %s, not -EPERM", errname(rc));
    rc = ecam_op(HVMOP_set_ecam_space, 0, 0, 0, 0, XEN_HVM_ECAM_REMOVE, 0,
                 NULL);
    expect(r, rc == -1, "remove own window: %s, not -EPERM", errname(rc));
    rc = ecam_op(HVMOP_get_ecam_space, 0, 0, 0, 0, 0, 0, &s);
    expect(r, !rc && s.base == r->base, "window changed by refused calls");
    report(r, "window-get");
}

/* ---- ecam-sizes: every size and alignment over the header, as CF8 says. */
static void check_sizes_of(struct run *r, unsigned int bdf)
{
    static const unsigned int sizes[] = { 1, 2, 4, 8 };
    unsigned int i, reg;

    for ( i = 0; i < 4; i++ )
        for ( reg = 0; reg + sizes[i] <= 0x40; reg++ )
        {
            unsigned int sz = sizes[i];
            uint64_t want, got = ecam_read(r, bdf, reg, sz);

            if ( reg & (sz - 1) )
                want = ones(sz);            /* misaligned: all-ones */
            else if ( sz == 8 )
                want = ones(8);   /* no function, or a device model's */
            else
                want = cf8_read(bdf, reg, sz);
            expect(r, got == want, "%02x:%02x.%u reg %#x size %u: ECAM %#lx, "
                   "expected %#lx", bdf >> 8, (bdf >> 3) & 31, bdf & 7, reg,
                   sz, (unsigned long)got, (unsigned long)want);
        }
}

/*
 * Writes of every size to the host bridge's Interrupt Line (0x3c, the
 * guest's to write; Interrupt Pin beside it is read-only), seen by CF8.
 * 8-byte and misaligned writes are bad accesses: dropped.
 */
static void check_writes(struct run *r)
{
    static const struct {
        unsigned int reg, size;
        uint64_t val;
        uint8_t line;               /* what Interrupt Line reads after */
    } w[] = {
        { 0x3c, 1, 0x11, 0x11 },
        { 0x3c, 2, 0x2233, 0x33 },
        { 0x3c, 4, 0x44556677, 0x77 },
        { 0x38, 8, 0x8899aabbccddeeffULL, 0x77 },
        { 0x3b, 2, 0x9988, 0x77 },
        { 0x3d, 1, 0xaa, 0x77 },
    };
    unsigned int i;

    for ( i = 0; i < sizeof(w) / sizeof(w[0]); i++ )
    {
        uint64_t line;

        mmio_write(gpa_of(r, r->base, 0, w[i].reg), w[i].size, w[i].val);
        line = cf8_read(0, 0x3c, 1);
        expect(r, line == (r->kind == GUEST_PVH ? 0xff : w[i].line),
               "write of %u bytes at %#x: Interrupt Line %#lx", w[i].size,
               w[i].reg, (unsigned long)line);
    }
}

static void check_sizes(struct run *r)
{
    check_sizes_of(r, BDF(0, 0, 0));
    check_sizes_of(r, BDF(0, 2, 0));
    check_writes(r);
    report(r, "ecam-sizes");
}

/* ---- unclaimed: functions nobody serves read all-ones, writes vanish. */
static void check_unclaimed_fn(struct run *r, unsigned int bdf)
{
    static const unsigned int sizes[] = { 1, 2, 4, 8 };
    unsigned int i;

    for ( i = 0; i < 4; i++ )
    {
        uint64_t got = ecam_read(r, bdf, 0, sizes[i]);

        expect(r, got == ones(sizes[i]), "%02x:%02x.%u size %u reads %#lx",
               bdf >> 8, (bdf >> 3) & 31, bdf & 7, sizes[i],
               (unsigned long)got);
    }
    mmio_write(gpa_of(r, r->base, bdf, 0x10), 4, 0x12345678);
    outl(0xcf8, CF8_ENABLE | (bdf << 8) | 0x14);
    outl(0xcfc, 0x9abcdef0);
    expect(r, ecam_read(r, bdf, 0x10, 4) == ones(4) &&
           ecam_read(r, bdf, 0x14, 4) == ones(4) &&
           cf8_read(bdf, 0x10, 4) == ones(4),
           "%02x:%02x.%u kept a write", bdf >> 8, (bdf >> 3) & 31, bdf & 7);
}

static void check_unclaimed(struct run *r)
{
    check_unclaimed_fn(r, BDF(0, 31, 0));
    check_unclaimed_fn(r, BDF(1, 0, 0));
    check_unclaimed_fn(r, BDF(r->end_bus, 31, 7));
    if ( r->kind == GUEST_PVH )
        check_unclaimed_fn(r, BDF(0, 0, 0));
    report(r, "unclaimed");
}

/*
 * What a read finds where nothing is mapped: Xen's null handler on PVH,
 * the device model's unassigned space on HVM.  Far from every window.
 */
static uint64_t unmapped_read(unsigned int size)
{
    return mmio_read(0xf8000000UL, size);
}

/* ---- ecam-edges: the window's last bytes and the first byte past it. */
static void check_edges(struct run *r)
{
    uint64_t end = r->base + ((uint64_t)(r->end_bus + 1) << 20);
    uint64_t outside1 = unmapped_read(1), outside4 = unmapped_read(4), got;
    unsigned int size;

    for ( size = 1; size <= 8; size *= 2 )
    {
        got = mmio_read(end - size, size);
        expect(r, got == ones(size), "last %u bytes read %#lx", size,
               (unsigned long)got);
    }
    got = mmio_read(end, 1);
    expect(r, got == outside1, "first byte past: %#lx, unmapped space reads "
           "%#lx", (unsigned long)got, (unsigned long)outside1);
    got = mmio_read(end, 4);
    expect(r, got == outside4, "first dword past: %#lx, unmapped space reads "
           "%#lx", (unsigned long)got, (unsigned long)outside4);
    if ( r->kind == GUEST_PVH )
        expect(r, outside4 == ones(4), "unmapped space reads %#lx",
               (unsigned long)outside4);
    /* Across the end: Xen splits at the page, the window's byte is ours. */
    got = mmio_read(end - 1, 2);
    expect(r, got == (0xff | (outside1 << 8)), "2 bytes across the end: "
           "%#lx", (unsigned long)got);
    mmio_write(end - 4, 4, 0);
    mmio_write(end - 1, 2, 0);
    mmio_write(end, 4, 0);
    expect(r, mmio_read(end - 4, 4) == ones(4) && mmio_read(end, 4) ==
           unmapped_read(4), "writes at the end changed what reads see");
    report(r, "ecam-edges");
}

static void rep_movsb(void *dst, const volatile void *src, size_t n)
{
    asm volatile ( "rep movsb" : "+D" (dst), "+S" (src), "+c" (n)
                   :: "memory" );
}

static void rep_movsl(void *dst, const volatile void *src, size_t n)
{
    asm volatile ( "rep movsl" : "+D" (dst), "+S" (src), "+c" (n)
                   :: "memory" );
}

static void rep_stosl(volatile void *dst, uint32_t v, size_t n)
{
    asm volatile ( "rep stosl" : "+D" (dst), "+c" (n) : "a" (v)
                   : "memory" );
}

/*
 * ---- rep-movs: string instructions on the window.  Xen emulates them one
 * page at a time, so a repeated access never spans the window's end in one
 * piece: the part inside is ours, element by element, the rest is the
 * unmapped space's.  Inside, a function's header copied by rep movsl is
 * its header read by CF8, also through a device model.
 */
static void check_rep_movs(struct run *r)
{
    uint64_t end = r->base + ((uint64_t)(r->end_bus + 1) << 20);
    uint8_t outside = unmapped_read(1);
    uint32_t hdr[16];
    uint8_t buf[16];
    unsigned int i;

    memset(hdr, 0, sizeof(hdr));
    rep_movsl(hdr, (const volatile void *)gpa_of(r, r->base, 0, 0), 16);
    for ( i = 0; i < 16; i++ )
        expect(r, hdr[i] == cf8_read(0, 4 * i, 4), "rep movsl dword %u: "
               "%#x, CF8 reads %#lx", i, hdr[i],
               (unsigned long)cf8_read(0, 4 * i, 4));
    memset(buf, 0, sizeof(buf));
    rep_movsb(buf, (const volatile void *)(end - 8), 16);
    for ( i = 0; i < 16; i++ )
        expect(r, buf[i] == (i < 8 ? 0xff : outside), "rep movsb across the "
               "end: byte %u is %#x", i, buf[i]);
    rep_stosl((volatile void *)(end - 8), 0x5a5a5a5a, 4);
    expect(r, mmio_read(end - 8, 8) == ones(8) && mmio_read(end, 4) ==
           unmapped_read(4), "rep stosl across the end left a mark");
    report(r, "rep-movs");
}

/*
 * ---- cf8-ext: CONFIG_ADDRESS bits 27:24 are register bits 11:8 where
 * the domain has AMD's extended CF8 (the module follows the host, as Xen's
 * own CF8 decode does), and are dropped otherwise; either way CONFIG_DATA
 * reads what ECAM reads at the register that CONFIG_ADDRESS names.
 */
static void check_cf8_ext(struct run *r)
{
    unsigned int bdf = BDF(0, 0, 0), reg, ext;
    bool on;

    outl(0xcf8, CF8_ENABLE | (bdf << 8) | (1U << 24));
    on = inl(0xcf8) & 0x0f000000;
    print("e2e: %s.cf8-ext: the extended bits are %s\n", r->kname,
          on ? "kept (AMD NB_CFG EnableCf8ExtCfg)" : "dropped");
    for ( ext = 0; ext < 16; ext += 5 )
        for ( reg = 0; reg < 0x40; reg += 4 )
        {
            uint32_t cf8 = CF8_ENABLE | (ext << 24) | (bdf << 8) | reg;
            uint32_t got, want;

            outl(0xcf8, cf8);
            expect(r, inl(0xcf8) == (on ? cf8 : cf8 & ~0x0f000000U),
                   "CF8 %#x reads back %#x", cf8, inl(0xcf8));
            got = inl(0xcfc);
            want = ecam_read(r, bdf, (on ? ext << 8 : 0) | reg, 4);
            expect(r, got == want, "CF8 %#x: CFC %#x, ECAM %#x", cf8, got,
                   want);
        }
    report(r, "cf8-ext");
}

/*
 * ---- hvm-ioreq: QEMU's functions through ECAM, by Xen's ioreq path as
 * IOREQ_TYPE_PCI_CONFIG, equal their CF8/CFC reads over all 256 bytes;
 * above 0x100 a device model that serves 256 bytes (QEMU 7.2) reads
 * all-ones; writes by ECAM are seen by CF8 and back.
 */
static void check_hvm_ioreq(struct run *r)
{
    unsigned int slot, fn, reg, found = 0;

    for ( slot = 0; slot < 32; slot++ )
        for ( fn = 0; fn < 8; fn++ )
        {
            unsigned int bdf = BDF(0, slot, fn);

            if ( cf8_read(bdf, 0, 4) == ones(4) )
                continue;
            found++;
            for ( reg = 0; reg < 0x100; reg += 4 )
                expect(r, ecam_read(r, bdf, reg, 4) == cf8_read(bdf, reg, 4),
                       "00:%02x.%u reg %#x: ECAM %#lx, CF8 %#lx", slot, fn,
                       reg, (unsigned long)ecam_read(r, bdf, reg, 4),
                       (unsigned long)cf8_read(bdf, reg, 4));
            expect(r, ecam_read(r, bdf, 0x100, 4) == ones(4),
                   "00:%02x.%u reg 0x100 reads %#lx", slot, fn,
                   (unsigned long)ecam_read(r, bdf, 0x100, 4));
        }
    expect(r, found >= 3, "only %u device-model functions on bus 0", found);
    print("e2e: hvm.hvm-ioreq: %u functions of QEMU's compared\n", found);
    /* Interrupt Line of the host bridge: the guest's to write. */
    mmio_write(gpa_of(r, r->base, 0, 0x3c), 1, 0x5a);
    expect(r, cf8_read(0, 0x3c, 1) == 0x5a, "ECAM write, CF8 reads %#lx",
           (unsigned long)cf8_read(0, 0x3c, 1));
    outl(0xcf8, CF8_ENABLE | 0x3c);
    outb(0xcfc, 0xa5);
    expect(r, ecam_read(r, 0, 0x3c, 1) == 0xa5, "CF8 write, ECAM reads %#lx",
           (unsigned long)ecam_read(r, 0, 0x3c, 1));
    report(r, "hvm-ioreq");
}

/*
 * Wait at 'step' until dom0 says go; false after 2^31 spins (minutes).
 * Counted, not timed: a restored domain may have its TSC emulated.
 */
bool handshake(struct run *r, unsigned int step)
{
    unsigned long spins = 0;

    r->mb->wait = step;
    while ( r->mb->go != step )
    {
        asm volatile ( "pause" ::: "memory" );
        if ( ++spins > (1UL << 31) )
            return false;
    }
    return true;
}

/*
 * ---- window-move: dom0 moves the window while the guest runs, as QEMU
 * does when firmware writes PCIEXBAR: the functions are at the new base,
 * and the old base is unmapped space.
 */
static void check_window_move(struct run *r)
{
    struct xen_hvm_ecam_space s;
    uint64_t old = r->base;
    long rc;

    if ( !handshake(r, MBOX_STEP_MOVE) )
    {
        expect(r, false, "dom0 never moved the window");
        report(r, "window-move");
        return;
    }
    r->base = r->mb->arg[0];
    rc = ecam_op(HVMOP_get_ecam_space, 0, 0, 0, 0, 0, 0, &s);
    expect(r, !rc && s.base == r->base && s.end_bus == r->end_bus,
           "get after the move: %s, base %#lx", errname(rc),
           (unsigned long)s.base);
    expect(r, ecam_read(r, 0, 0, 4) == cf8_read(0, 0, 4), "00:00.0 at the "
           "new base reads %#lx, CF8 %#lx",
           (unsigned long)ecam_read(r, 0, 0, 4),
           (unsigned long)cf8_read(0, 0, 4));
    expect(r, mmio_read(old, 4) == unmapped_read(4), "the old base still "
           "reads %#lx", (unsigned long)mmio_read(old, 4));
    report(r, "window-move");
}

/*
 * ---- save-restore: after xl save and xl restore, the window and the CF8
 * latch are as they were, and accesses behave as before.
 */
static void check_save_restore(struct run *r)
{
    uint32_t latch = CF8_ENABLE | (BDF(0, 1, 0) << 8) | 0x08;
    uint32_t before = cf8_read(BDF(0, 1, 0), 0x08, 4);
    struct xen_hvm_ecam_space s;
    long rc;

    outl(0xcf8, latch);
    if ( !handshake(r, MBOX_STEP_SAVE) )
    {
        expect(r, false, "dom0 never saved and restored the guest");
        report(r, "save-restore");
        return;
    }
    expect(r, inl(0xcf8) == latch, "CF8 latch %#x after restore, was %#x",
           inl(0xcf8), latch);
    expect(r, inl(0xcfc) == before, "CFC reads %#x after restore, was %#x",
           inl(0xcfc), before);
    rc = ecam_op(HVMOP_get_ecam_space, 0, 0, 0, 0, 0, 0, &s);
    expect(r, !rc && s.base == r->base && s.start_bus == 0 &&
           s.end_bus == r->end_bus, "window after restore: %s, base %#lx",
           errname(rc), (unsigned long)s.base);
    expect(r, ecam_read(r, 0, 0, 4) == cf8_read(0, 0, 4), "00:00.0 reads "
           "%#lx after restore, CF8 %#lx",
           (unsigned long)ecam_read(r, 0, 0, 4),
           (unsigned long)cf8_read(0, 0, 4));
    report(r, "save-restore");
}

void run_checks(enum guest_kind kind, struct mbox *mb)
{
    struct run r = {
        .kind = kind, .kname = kind == GUEST_PVH ? "pvh" : "hvm", .mb = mb,
        .base = mb->arg[0], .end_bus = mb->arg[1],
    };

    check_irq_selftest(&r);
    check_window_get(&r);
    check_sizes(&r);
    check_unclaimed(&r);
    check_edges(&r);
    check_rep_movs(&r);
    check_cf8_ext(&r);
    if ( kind == GUEST_HVM )
        check_hvm_ioreq(&r);
    check_window_move(&r);
    check_sizes(&r);            /* again, at the new base */
    /* A PVH guest is only saved when it answers xenstore's suspend. */
    if ( kind == GUEST_HVM )
        check_save_restore(&r);
    if ( mb->arg[2] )
        check_passthrough(&r);  /* last: the guest goes with BARs mapped */
    print("e2e: %s done: %u passed, %u failed\n", r.kname, r.passed,
          r.failed);
}
