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
#define CF8_ENABLE   0x80000000U
#define BDF(b, d, f) (((b) << 8) | ((d) << 3) | (f))

struct run {
    enum guest_kind kind;
    const char *kname;
    struct mbox *mb;
    uint64_t base;              /* the window: segment 0, buses 0..end_bus */
    unsigned int end_bus;
    unsigned int passed, failed;
    char why[160];              /* the first failure of the current check */
};

static uint64_t ones(unsigned int size)
{
    return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

/* Record the first failure of a check; the check's line gives it. */
#define expect(r, cond, ...)                                    \
    do {                                                        \
        if ( !(cond) && !(r)->why[0] )                          \
            snprint((r)->why, sizeof((r)->why), __VA_ARGS__);   \
    } while ( 0 )

static void report(struct run *r, const char *name)
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

static uint64_t ecam_read(const struct run *r, unsigned int bdf,
                          unsigned int reg, unsigned int size)
{
    return mmio_read(gpa_of(r, r->base, bdf, reg), size);
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

static void check_sizes(struct run *r)
{
    check_sizes_of(r, BDF(0, 0, 0));
    check_sizes_of(r, BDF(0, 2, 0));
    report(r, "ecam-sizes");
}

void run_checks(enum guest_kind kind, struct mbox *mb)
{
    struct run r = {
        .kind = kind, .kname = kind == GUEST_PVH ? "pvh" : "hvm", .mb = mb,
        .base = mb->arg[0], .end_bus = mb->arg[1],
    };

    check_window_get(&r);
    check_sizes(&r);
    print("e2e: %s done: %u passed, %u failed\n", r.kname, r.passed,
          r.failed);
}
