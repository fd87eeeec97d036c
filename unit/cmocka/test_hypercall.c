/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HVMOP_set_ecam_space and HVMOP_get_ecam_space: every error path, the
 * permission model, alignment and overlap rules, boundaries of the address
 * and bus spaces, fault injection at every fallible port call, and the
 * windows the MMCONFIG trap accepts afterwards.
 *
 * Every failed call is checked to leave the state as it was: the windows
 * HVMOP_get_ecam_space reports for GUEST and OTHER on segments 0..
 * XECAM_MAX_WINDOWS + 1 and 0xffff, and what xecam_mmio_accept() says at
 * probe addresses around every window and around the attempted one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"

#define MIB(x)        ((uint64_t)(x) << XEN_HVM_ECAM_BUS_SHIFT)
#define TOP           (~0ULL)                  /* last byte of the space */
#define TOP_WIN(mib)  (0ULL - MIB(mib))        /* base of the top window */
#define UNKNOWN_DOM   7

/* Segments whose windows a snapshot records: 0 .. MAX_WINDOWS + 1, 0xffff. */
#define NR_SNAP_SEGS  (XECAM_MAX_WINDOWS + 3)
#define MAX_PROBES    512

static const domid_t snap_doms[] = { GUEST, OTHER };
#define NR_SNAP_DOMS  XECAM_ARRAY_SIZE(snap_doms)

struct dom_snap {
    long rc[NR_SNAP_SEGS];
    struct xen_hvm_ecam_space sp[NR_SNAP_SEGS];
    bool acc[MAX_PROBES];
};

struct snap {
    unsigned int nr_probes;
    uint64_t probe[MAX_PROBES];
    struct dom_snap dom[NR_SNAP_DOMS];
};

/* ---- Helpers ---- */

static uint16_t snap_seg(unsigned int i)
{
    return i < NR_SNAP_SEGS - 1 ? i : 0xffff;
}

static uint64_t bus_span(uint8_t start, uint8_t end)
{
    return end >= start ? MIB(end - start + 1) : MIB(1);
}

static struct xecam_domain *dom_of(domid_t id)
{
    struct xecam_domain *d = xecam_port_domain_get(id);

    assert_non_null(d);
    xecam_port_domain_put(d);

    return d;
}

static void snap_add_probe(struct snap *s, uint64_t gpa)
{
    assert_true(s->nr_probes < MAX_PROBES);
    s->probe[s->nr_probes++] = gpa;
}

/* Probes one byte before, at the start, middle and end, one byte after. */
static void snap_add_range(struct snap *s, uint64_t base, uint64_t size)
{
    if ( base )
        snap_add_probe(s, base - 1);
    snap_add_probe(s, base);
    snap_add_probe(s, base + size / 2);
    snap_add_probe(s, base + size - 1);
    if ( base + size )
        snap_add_probe(s, base + size);
}

static void snap_read(struct snap *s)
{
    domid_t caller = xecam_port_current_domid();
    unsigned int i, j;

    for ( i = 0; i < NR_SNAP_DOMS; i++ )
    {
        /* NULL if a test removed the domain. */
        struct xecam_domain *d = xecam_port_domain_get(snap_doms[i]);

        for ( j = 0; j < NR_SNAP_SEGS; j++ )
            s->dom[i].rc[j] = h_get(TOOLSTACK, snap_doms[i], snap_seg(j),
                                    &s->dom[i].sp[j]);
        for ( j = 0; j < s->nr_probes; j++ )
            s->dom[i].acc[j] = d && xecam_mmio_accept(d, s->probe[j]);
        if ( d )
            xecam_port_domain_put(d);
    }
    xecam_user_set_current(caller);
}

/*
 * Record the state.  'attempt' (may be NULL) adds probes around the window
 * a call is about to try to place.
 */
static void snap_take(struct snap *s, const struct xen_hvm_ecam_space *attempt)
{
    static const uint64_t fixed[] = {
        0, MIB(1) - 1, MIB(1), MIB(4), MIB(16), MIB(256) - 1, MIB(256),
        1ULL << 32, 1ULL << 63, TOP_WIN(256), TOP_WIN(1), TOP,
    };
    unsigned int i, j;

    memset(s, 0, sizeof(*s));
    snap_read(s);               /* windows first: probes depend on them */
    for ( i = 0; i < XECAM_ARRAY_SIZE(fixed); i++ )
        snap_add_probe(s, fixed[i]);
    for ( i = 0; i < NR_SNAP_DOMS; i++ )
        for ( j = 0; j < NR_SNAP_SEGS; j++ )
            if ( s->dom[i].rc[j] == 0 )
                snap_add_range(s, s->dom[i].sp[j].base,
                               bus_span(s->dom[i].sp[j].start_bus,
                                        s->dom[i].sp[j].end_bus));
    if ( attempt )
        snap_add_range(s, attempt->base,
                       bus_span(attempt->start_bus, attempt->end_bus));
    snap_read(s);
}

static void snap_check(int line, const struct snap *s)
{
    struct snap now;
    unsigned int i, j;

    memset(&now, 0, sizeof(now));
    now.nr_probes = s->nr_probes;
    memcpy(now.probe, s->probe, sizeof(now.probe));
    snap_read(&now);

    for ( i = 0; i < NR_SNAP_DOMS; i++ )
    {
        for ( j = 0; j < NR_SNAP_SEGS; j++ )
        {
            const struct xen_hvm_ecam_space *a = &s->dom[i].sp[j];
            const struct xen_hvm_ecam_space *b = &now.dom[i].sp[j];

            if ( s->dom[i].rc[j] != now.dom[i].rc[j] ||
                 memcmp(a, b, sizeof(*a)) )
                fail_msg("line %d: d%u seg %#x changed: get %ld -> %ld, "
                         "buses %02x-%02x -> %02x-%02x, base %#llx -> %#llx",
                         line, snap_doms[i], snap_seg(j), s->dom[i].rc[j],
                         now.dom[i].rc[j], a->start_bus, a->end_bus,
                         b->start_bus, b->end_bus,
                         (unsigned long long)a->base,
                         (unsigned long long)b->base);
        }
        for ( j = 0; j < s->nr_probes; j++ )
            if ( s->dom[i].acc[j] != now.dom[i].acc[j] )
                fail_msg("line %d: d%u accept(%#llx) changed: %d -> %d",
                         line, snap_doms[i],
                         (unsigned long long)s->probe[j],
                         s->dom[i].acc[j], now.dom[i].acc[j]);
    }
}

/* Check a call's result; print the caller's line on a mismatch. */
static void check_rc(int line, const char *what, long got, long want)
{
    if ( got != want )
        fail_msg("line %d: %s returned %ld, expected %ld", line, what, got,
                 want);
}

/* A failing set: the exact error, and nothing changed. */
static void expect_set_fails(int line, domid_t caller,
                             struct xen_hvm_ecam_space a, long want)
{
    struct snap s;

    snap_take(&s, &a);
    check_rc(line, "set", h_set(caller, a), want);
    snap_check(line, &s);
}
#define EXPECT_SET_FAILS(caller, a, rc) \
    expect_set_fails(__LINE__, caller, a, rc)

static void expect_remove_fails(int line, domid_t caller, domid_t domid,
                                uint16_t seg, long want)
{
    struct snap s;

    snap_take(&s, NULL);
    check_rc(line, "remove", h_remove(caller, domid, seg), want);
    snap_check(line, &s);
}
#define EXPECT_REMOVE_FAILS(caller, domid, seg, rc) \
    expect_remove_fails(__LINE__, caller, domid, seg, rc)

/* A failing get with an arbitrary argument: exact error, nothing changed. */
static void expect_get_fails(int line, domid_t caller,
                             struct xen_hvm_ecam_space a, long want)
{
    struct snap s;

    snap_take(&s, NULL);
    xecam_user_set_current(caller);
    check_rc(line, "get", xecam_user_hvm_op(HVMOP_get_ecam_space, &a), want);
    snap_check(line, &s);
}
#define EXPECT_GET_FAILS(caller, a, rc) \
    expect_get_fails(__LINE__, caller, a, rc)

/* The window of (domid, seg), read by the toolstack, is exactly this. */
static void expect_window(int line, domid_t domid, uint16_t seg,
                          uint8_t start, uint8_t end, uint64_t base)
{
    domid_t caller = xecam_port_current_domid();
    struct xen_hvm_ecam_space a;

    check_rc(line, "get", h_get(TOOLSTACK, domid, seg, &a), 0);
    xecam_user_set_current(caller);
    if ( a.domid != domid || a.segment != seg || a.start_bus != start ||
         a.end_bus != end || a.base != base || a.flags || a.rsvd[0] ||
         a.rsvd[1] )
        fail_msg("line %d: d%u seg %#x: got buses %02x-%02x base %#llx, "
                 "expected %02x-%02x base %#llx", line, domid, seg,
                 a.start_bus, a.end_bus, (unsigned long long)a.base, start,
                 end, (unsigned long long)base);
}
#define EXPECT_WINDOW(domid, seg, start, end, base) \
    expect_window(__LINE__, domid, seg, start, end, base)

static void expect_no_window(int line, domid_t domid, uint16_t seg)
{
    domid_t caller = xecam_port_current_domid();

    check_rc(line, "get", h_get(TOOLSTACK, domid, seg, NULL), -ENOENT);
    xecam_user_set_current(caller);
}
#define EXPECT_NO_WINDOW(domid, seg) expect_no_window(__LINE__, domid, seg)

static void expect_accept(int line, struct xecam_domain *d, uint64_t gpa,
                          bool want)
{
    if ( xecam_mmio_accept(d, gpa) != want )
        fail_msg("line %d: accept(%#llx) is %d, expected %d", line,
                 (unsigned long long)gpa, !want, want);
}
#define EXPECT_ACCEPT(d, gpa, want) expect_accept(__LINE__, d, gpa, want)

/*
 * The trap takes the first and last byte (and every MiB) of the window and
 * neither the byte before it nor the byte after it.  Only for windows with
 * no other window adjacent.
 */
static void expect_edges(int line, struct xecam_domain *d, uint64_t base,
                         unsigned int nr_buses)
{
    uint64_t size = MIB(nr_buses), off;

    expect_accept(line, d, base, true);
    expect_accept(line, d, base + size - 1, true);
    for ( off = 0; off < size; off += MIB(1) )
    {
        expect_accept(line, d, base + off, true);
        expect_accept(line, d, base + off + MIB(1) - 1, true);
    }
    if ( base )
        expect_accept(line, d, base - 1, false);
    if ( base + size )
        expect_accept(line, d, base + size, false);
}
#define EXPECT_EDGES(d, base, nr) expect_edges(__LINE__, d, base, nr)

/* A successful set whose result get reports exactly. */
static void expect_set_ok(int line, domid_t caller,
                          struct xen_hvm_ecam_space a)
{
    check_rc(line, "set", h_set(caller, a), 0);
    expect_window(line, a.domid == DOMID_SELF ? caller : a.domid, a.segment,
                  a.start_bus, a.end_bus, a.base);
}
#define EXPECT_SET_OK(caller, a) expect_set_ok(__LINE__, caller, a)

/* Run a set with a fault armed; returns its result, *fired what happened. */
static long set_with_fault(domid_t caller, struct xen_hvm_ecam_space a,
                           unsigned int kinds, unsigned long nth, bool *fired)
{
    long rc;

    xecam_user_set_current(caller);
    xecam_user_fault_arm(kinds, nth);
    rc = xecam_user_hvm_op(HVMOP_set_ecam_space, &a);
    *fired = xecam_user_fault_fired();
    xecam_user_fault_arm(0, 0);

    return rc;
}

static long get_with_fault(domid_t caller, struct xen_hvm_ecam_space *a,
                           unsigned int kinds, unsigned long nth, bool *fired)
{
    long rc;

    xecam_user_set_current(caller);
    xecam_user_fault_arm(kinds, nth);
    rc = xecam_user_hvm_op(HVMOP_get_ecam_space, a);
    *fired = xecam_user_fault_fired();
    xecam_user_fault_arm(0, 0);

    return rc;
}

static struct xen_hvm_ecam_space remove_arg(domid_t domid, uint16_t seg)
{
    struct xen_hvm_ecam_space a = h_space(domid, seg, 0, 0, 0);

    a.flags = XEN_HVM_ECAM_REMOVE;

    return a;
}

/* ---- Fixture ---- */

/*
 * The overlap arithmetic is tested up to the very top of the 64-bit space,
 * so these guests address all of it; test_set_einval_beyond_gpa_width
 * checks the usual narrower widths.
 */
static int setup(void **state)
{
    struct xecam_domain *d = h_host(0);

    *state = d;
    xecam_user_gpa_bits(GUEST, 64);
    xecam_user_gpa_bits(OTHER, 64);

    return d ? 0 : -1;
}

static int teardown(void **state)
{
    xecam_user_reset();
    *state = NULL;

    return 0;
}

/* ---- set: -EFAULT ---- */

static void test_set_efault_null_handle(void **state)
{
    struct snap s;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(256)));
    snap_take(&s, NULL);

    xecam_user_set_current(TOOLSTACK);
    assert_int_equal(xecam_user_hvm_op(HVMOP_set_ecam_space, NULL), -EFAULT);
    snap_check(__LINE__, &s);

    xecam_user_set_current(GUEST);
    assert_int_equal(xecam_user_hvm_op(HVMOP_set_ecam_space, NULL), -EFAULT);
    snap_check(__LINE__, &s);

    xecam_user_set_current(DM_DOM);
    assert_int_equal(xecam_user_hvm_op(HVMOP_set_ecam_space, NULL), -EFAULT);
    snap_check(__LINE__, &s);
}

static void test_set_efault_copy_fault(void **state)
{
    struct xen_hvm_ecam_space a = h_space(GUEST, 1, 0, 3, MIB(16));
    struct snap s;
    bool fired;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(256)));

    /* Placing. */
    snap_take(&s, &a);
    assert_int_equal(set_with_fault(TOOLSTACK, a, XECAM_FAULT_COPY, 1,
                                    &fired), -EFAULT);
    assert_true(fired);
    snap_check(__LINE__, &s);

    /* Removing. */
    snap_take(&s, NULL);
    assert_int_equal(set_with_fault(TOOLSTACK, remove_arg(GUEST, 0),
                                    XECAM_FAULT_COPY, 1, &fired), -EFAULT);
    assert_true(fired);
    snap_check(__LINE__, &s);
    EXPECT_WINDOW(GUEST, 0, 0, 0, MIB(256));

    /* The very same calls succeed without the fault. */
    EXPECT_SET_OK(TOOLSTACK, a);
    assert_int_equal(h_remove(TOOLSTACK, GUEST, 0), 0);
    EXPECT_NO_WINDOW(GUEST, 0);
}

/* abi.md set check 12: the p2m query's own error, here -ENOMEM. */
static void test_set_p2m_query_fault(void **state)
{
    struct xen_hvm_ecam_space a = h_space(GUEST, 1, 0, 3, MIB(16));
    struct snap s;
    bool fired;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(256)));

    snap_take(&s, &a);
    assert_int_equal(set_with_fault(TOOLSTACK, a, XECAM_FAULT_P2M, 1,
                                    &fired), -ENOMEM);
    assert_true(fired);
    snap_check(__LINE__, &s);
    assert_int_equal(set_with_fault(DM_DOM, a, XECAM_FAULT_P2M, 1,
                                    &fired), -ENOMEM);
    assert_true(fired);
    snap_check(__LINE__, &s);
    EXPECT_NO_WINDOW(GUEST, 1);
    EXPECT_WINDOW(GUEST, 0, 0, 0, MIB(256));

    EXPECT_SET_OK(TOOLSTACK, a);
}

/* ---- set: -EINVAL ---- */

static void test_set_einval_rsvd(void **state)
{
    static const uint32_t vals[] = { 1, 2, 0x80000000U, 0xffffffffU };
    struct xen_hvm_ecam_space a;
    unsigned int i, w;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(256)));

    for ( w = 0; w < 2; w++ )
        for ( i = 0; i < XECAM_ARRAY_SIZE(vals); i++ )
        {
            a = h_space(GUEST, 1, 0, 0, MIB(32));
            a.rsvd[w] = vals[i];
            EXPECT_SET_FAILS(TOOLSTACK, a, -EINVAL);

            /* A remove that would otherwise succeed. */
            a = remove_arg(GUEST, 0);
            a.rsvd[w] = vals[i];
            EXPECT_SET_FAILS(TOOLSTACK, a, -EINVAL);
        }

    a = h_space(GUEST, 1, 0, 0, MIB(32));
    a.rsvd[0] = a.rsvd[1] = 1;
    EXPECT_SET_FAILS(TOOLSTACK, a, -EINVAL);

    /* Only the reserved words were wrong. */
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 1, 0, 0, MIB(32)));
    EXPECT_WINDOW(GUEST, 0, 0, 0, MIB(256));
}

static void test_set_einval_unknown_flags(void **state)
{
    struct xen_hvm_ecam_space a;
    unsigned int bit;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(256)));

    for ( bit = 1; bit < 16; bit++ )
    {
        a = h_space(GUEST, 1, 0, 0, MIB(32));
        a.flags = 1U << bit;
        EXPECT_SET_FAILS(TOOLSTACK, a, -EINVAL);

        a = remove_arg(GUEST, 0);
        a.flags |= 1U << bit;
        EXPECT_SET_FAILS(TOOLSTACK, a, -EINVAL);
    }

    a = h_space(GUEST, 1, 0, 0, MIB(32));
    a.flags = 0xfffe;
    EXPECT_SET_FAILS(TOOLSTACK, a, -EINVAL);
    a = remove_arg(GUEST, 0);
    a.flags = 0xffff;
    EXPECT_SET_FAILS(TOOLSTACK, a, -EINVAL);

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 1, 0, 0, MIB(32)));
    EXPECT_WINDOW(GUEST, 0, 0, 0, MIB(256));
}

static void test_set_einval_remove_nonzero_fields(void **state)
{
    struct xen_hvm_ecam_space a;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(256)));

    a = remove_arg(GUEST, 0);
    a.start_bus = 1;
    EXPECT_SET_FAILS(TOOLSTACK, a, -EINVAL);
    a.start_bus = 0xff;
    EXPECT_SET_FAILS(TOOLSTACK, a, -EINVAL);

    a = remove_arg(GUEST, 0);
    a.end_bus = 1;
    EXPECT_SET_FAILS(TOOLSTACK, a, -EINVAL);
    a.end_bus = 0xff;
    EXPECT_SET_FAILS(TOOLSTACK, a, -EINVAL);

    /* The exact description of the window is no excuse. */
    a = remove_arg(GUEST, 0);
    a.base = MIB(256);
    EXPECT_SET_FAILS(TOOLSTACK, a, -EINVAL);
    a.base = 1;
    EXPECT_SET_FAILS(TOOLSTACK, a, -EINVAL);
    a.base = 1ULL << 63;
    EXPECT_SET_FAILS(TOOLSTACK, a, -EINVAL);

    a = remove_arg(GUEST, 0);
    a.start_bus = 0x10;
    a.end_bus = 0x1f;
    a.base = MIB(16);
    EXPECT_SET_FAILS(TOOLSTACK, a, -EINVAL);

    EXPECT_WINDOW(GUEST, 0, 0, 0, MIB(256));
    assert_int_equal(h_remove(TOOLSTACK, GUEST, 0), 0);
    EXPECT_NO_WINDOW(GUEST, 0);
}

static void test_set_einval_end_before_start(void **state)
{
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, 1, 0, MIB(256)), -EINVAL);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, 0xff, 0xfe, MIB(256)),
                     -EINVAL);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, 0x10, 0x0f, MIB(256)),
                     -EINVAL);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, 0xff, 0, 0), -EINVAL);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, 0x80, 0x7f, 0), -EINVAL);

    /* A 1-bus window where start == end is fine. */
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0x10, 0x10, MIB(256)));
}

static void test_set_einval_base_not_1mib_aligned(void **state)
{
    static const uint64_t bases[] = {
        1, 0x1000, MIB(1) - 1, MIB(1) + 1, MIB(16) + 0x800,
        MIB(256) + 0x80000, (1ULL << 63) | 0x1000, TOP_WIN(1) + 0x1000, TOP,
    };
    unsigned int i;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 1, 0, 0, MIB(512)));

    for ( i = 0; i < XECAM_ARRAY_SIZE(bases); i++ )
    {
        EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, 0, 0, bases[i]),
                         -EINVAL);
        EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, 5, 5, bases[i]),
                         -EINVAL);
    }

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(1)));
}

static void test_set_einval_base_not_size_aligned(void **state)
{
    static const struct {
        uint8_t start, end;
        uint64_t base;
    } bad[] = {
        { 0x00, 0x01, MIB(1) },          /*   2 buses: 2 MiB */
        { 0x00, 0x01, MIB(3) },
        { 0x00, 0x02, MIB(1) },          /*   3 buses: 4 MiB */
        { 0x00, 0x02, MIB(2) },
        { 0x00, 0x02, MIB(6) },
        { 0x10, 0x12, MIB(2) },          /* the start bus does not matter */
        { 0x00, 0x04, MIB(4) },          /*   5 buses: 8 MiB */
        { 0x10, 0x1f, MIB(8) },          /*  16 buses: 16 MiB */
        { 0x00, 0x10, MIB(16) },         /*  17 buses: 32 MiB */
        { 0x00, 0x7f, MIB(64) },         /* 128 buses: 128 MiB */
        { 0x00, 0x80, MIB(128) },        /* 129 buses: 256 MiB */
        { 0x00, 0xff, MIB(1) },          /* 256 buses: 256 MiB */
        { 0x00, 0xff, MIB(16) },
        { 0x00, 0xff, MIB(128) },
        { 0x00, 0xff, MIB(384) },
        { 0x00, 0xff, TOP_WIN(128) },
        { 0x00, 0x02, TOP_WIN(3) },
    };
    unsigned int i;

    for ( i = 0; i < XECAM_ARRAY_SIZE(bad); i++ )
        EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, bad[i].start,
                                            bad[i].end, bad[i].base),
                         -EINVAL);

    /* The same sizes at the alignment they need. */
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0x00, 0x02, MIB(4)));
    EXPECT_EDGES(*state, MIB(4), 3);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 1, 0x00, 0x01, MIB(0)));
    EXPECT_EDGES(*state, MIB(0), 2);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 2, 0x00, 0x04, MIB(8)));
    EXPECT_EDGES(*state, MIB(8), 5);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 3, 0x00, 0x10, MIB(32)));
    EXPECT_EDGES(*state, MIB(32), 17);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 4, 0x00, 0x80, MIB(256)));
    EXPECT_EDGES(*state, MIB(256), 129);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 5, 0x00, 0xff, MIB(768)));
    EXPECT_EDGES(*state, MIB(768), 256);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 6, 0x10, 0x1f, MIB(64)));
    EXPECT_EDGES(*state, MIB(64), 16);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 7, 0x00, 0x7f, MIB(1152)));
    EXPECT_EDGES(*state, MIB(1152), 128);
}

/* ---- set: -ESRCH, -EPERM and the order of the checks ---- */

static void test_set_esrch_unknown_domain(void **state)
{
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(256)));

    EXPECT_SET_FAILS(TOOLSTACK, h_space(UNKNOWN_DOM, 0, 0, 0, MIB(16)),
                     -ESRCH);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(DOMID_FIRST_RESERVED - 1, 0, 0, 0,
                                        MIB(16)), -ESRCH);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(DOMID_INVALID, 0, 0, 0, MIB(16)),
                     -ESRCH);
    /* Domains with no ECAM state: the toolstack's and the DM's. */
    EXPECT_SET_FAILS(TOOLSTACK, h_space(TOOLSTACK, 0, 0, 0, MIB(16)), -ESRCH);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(DM_DOM, 0, 0, 0, MIB(16)), -ESRCH);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(DOMID_SELF, 0, 0, 0, MIB(16)),
                     -ESRCH);
    EXPECT_SET_FAILS(DM_DOM, h_space(DOMID_SELF, 0, 0, 0, MIB(16)), -ESRCH);
    EXPECT_REMOVE_FAILS(TOOLSTACK, UNKNOWN_DOM, 0, -ESRCH);
    EXPECT_REMOVE_FAILS(TOOLSTACK, DOMID_SELF, 0, -ESRCH);

    /* A removed domain is gone. */
    xecam_user_domain_remove(OTHER);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(OTHER, 0, 0, 0, MIB(16)), -ESRCH);
    EXPECT_WINDOW(GUEST, 0, 0, 0, MIB(256));
}

static void test_set_check_order(void **state)
{
    struct xen_hvm_ecam_space a;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(256)));

    /* Arguments before the domain. */
    EXPECT_SET_FAILS(TOOLSTACK, h_space(UNKNOWN_DOM, 0, 1, 0, MIB(16)),
                     -EINVAL);
    a = h_space(UNKNOWN_DOM, 0, 0, 0, MIB(16));
    a.rsvd[1] = 1;
    EXPECT_SET_FAILS(OTHER, a, -EINVAL);
    /* Arguments before permission. */
    EXPECT_SET_FAILS(OTHER, h_space(GUEST, 1, 0, 0, MIB(16) + 1), -EINVAL);
    /* The domain before permission. */
    EXPECT_SET_FAILS(OTHER, h_space(UNKNOWN_DOM, 0, 0, 0, MIB(16)), -ESRCH);
    EXPECT_REMOVE_FAILS(GUEST, UNKNOWN_DOM, 0, -ESRCH);
    /* Permission before state. */
    EXPECT_SET_FAILS(OTHER, h_space(GUEST, 0, 0, 0, MIB(512)), -EPERM);
    EXPECT_SET_FAILS(OTHER, h_space(GUEST, 1, 0, 0, MIB(256)), -EPERM);
    EXPECT_REMOVE_FAILS(OTHER, GUEST, 1, -EPERM);
    EXPECT_REMOVE_FAILS(GUEST, DOMID_SELF, 1, -EPERM);
}

static void test_set_eperm(void **state)
{
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(256)));
    EXPECT_SET_OK(TOOLSTACK, h_space(OTHER, 0, 0, 0, MIB(512)));

    /* An unrelated guest acting on GUEST. */
    EXPECT_SET_FAILS(OTHER, h_space(GUEST, 1, 0, 0, MIB(16)), -EPERM);
    EXPECT_REMOVE_FAILS(OTHER, GUEST, 0, -EPERM);
    /* GUEST on itself without XECAM_DOMF_SELF_ECAM, either spelling. */
    EXPECT_SET_FAILS(GUEST, h_space(GUEST, 1, 0, 0, MIB(16)), -EPERM);
    EXPECT_SET_FAILS(GUEST, h_space(DOMID_SELF, 1, 0, 0, MIB(16)), -EPERM);
    EXPECT_REMOVE_FAILS(GUEST, GUEST, 0, -EPERM);
    EXPECT_REMOVE_FAILS(GUEST, DOMID_SELF, 0, -EPERM);
    /* OTHER on itself, likewise. */
    EXPECT_SET_FAILS(OTHER, h_space(DOMID_SELF, 1, 0, 0, MIB(16)), -EPERM);
    EXPECT_REMOVE_FAILS(OTHER, OTHER, 0, -EPERM);
    /* GUEST on an unrelated guest. */
    EXPECT_SET_FAILS(GUEST, h_space(OTHER, 1, 0, 0, MIB(16)), -EPERM);
    EXPECT_REMOVE_FAILS(GUEST, OTHER, 0, -EPERM);
    /* GUEST's device model on a domain it does not serve. */
    EXPECT_SET_FAILS(DM_DOM, h_space(OTHER, 1, 0, 0, MIB(16)), -EPERM);
    EXPECT_REMOVE_FAILS(DM_DOM, OTHER, 0, -EPERM);
    /* A caller the host does not know at all. */
    EXPECT_SET_FAILS(UNKNOWN_DOM, h_space(GUEST, 1, 0, 0, MIB(16)), -EPERM);

    EXPECT_WINDOW(GUEST, 0, 0, 0, MIB(256));
    EXPECT_WINDOW(OTHER, 0, 0, 0, MIB(512));
    EXPECT_NO_WINDOW(GUEST, 1);
    EXPECT_NO_WINDOW(OTHER, 1);
}

/* ---- set: successes by every kind of permitted caller ---- */

static void test_set_ok_toolstack(void **state)
{
    struct xecam_domain *d = *state, *other = dom_of(OTHER);

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(256)));
    EXPECT_EDGES(d, MIB(256), 1);
    EXPECT_ACCEPT(other, MIB(256), false);

    /* Windows are per domain: the same range is free in OTHER. */
    EXPECT_SET_OK(TOOLSTACK, h_space(OTHER, 0, 0, 0, MIB(256)));
    EXPECT_EDGES(other, MIB(256), 1);

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0xffff, 0x20, 0x3f, MIB(32)));
    EXPECT_EDGES(d, MIB(32), 32);
    EXPECT_ACCEPT(other, MIB(32), false);
    EXPECT_WINDOW(GUEST, 0, 0, 0, MIB(256));
    EXPECT_NO_WINDOW(OTHER, 0xffff);
}

static void test_set_ok_device_model(void **state)
{
    struct xecam_domain *d = *state;
    struct xen_hvm_ecam_space a;

    EXPECT_SET_OK(DM_DOM, h_space(GUEST, 2, 0, 7, MIB(64)));
    EXPECT_EDGES(d, MIB(64), 8);

    assert_int_equal(h_get(DM_DOM, GUEST, 2, &a), 0);
    assert_int_equal(a.start_bus, 0);
    assert_int_equal(a.end_bus, 7);
    assert_int_equal(a.base, MIB(64));

    assert_int_equal(h_remove(DM_DOM, GUEST, 2), 0);
    EXPECT_NO_WINDOW(GUEST, 2);
    EXPECT_ACCEPT(d, MIB(64), false);
}

static void test_set_ok_self_with_flag(void **state)
{
    struct xecam_domain *d = h_host(XECAM_DOMF_SELF_ECAM);
    struct xen_hvm_ecam_space a;

    assert_non_null(d);
    *state = d;

    EXPECT_SET_OK(GUEST, h_space(DOMID_SELF, 0, 0, 0, MIB(256)));
    EXPECT_EDGES(d, MIB(256), 1);
    EXPECT_SET_OK(GUEST, h_space(GUEST, 1, 0, 3, MIB(16)));
    EXPECT_EDGES(d, MIB(16), 4);

    assert_int_equal(h_get(GUEST, DOMID_SELF, 1, &a), 0);
    assert_int_equal(a.domid, DOMID_SELF);
    assert_int_equal(a.start_bus, 0);
    assert_int_equal(a.end_bus, 3);
    assert_int_equal(a.base, MIB(16));

    assert_int_equal(h_remove(GUEST, DOMID_SELF, 0), 0);
    EXPECT_NO_WINDOW(GUEST, 0);
    assert_int_equal(h_remove(GUEST, GUEST, 1), 0);
    EXPECT_NO_WINDOW(GUEST, 1);

    /* The flag is about GUEST itself only. */
    EXPECT_SET_FAILS(GUEST, h_space(OTHER, 0, 0, 0, MIB(256)), -EPERM);
    EXPECT_SET_FAILS(OTHER, h_space(DOMID_SELF, 0, 0, 0, MIB(256)), -EPERM);
    /* And the others keep their rights. */
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(512)));
    EXPECT_SET_OK(DM_DOM, h_space(GUEST, 1, 0, 0, MIB(768)));
}

/* ---- set: conflicts ---- */

static void test_set_ebusy_same_segment(void **state)
{
    struct xecam_domain *d = *state;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 15, MIB(256)));

    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, 0, 15, MIB(512)), -EBUSY);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, 0x10, 0x1f, MIB(512)),
                     -EBUSY);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, 0, 0xff, 1ULL << 40),
                     -EBUSY);
    EXPECT_SET_FAILS(DM_DOM, h_space(GUEST, 0, 0, 0, 0), -EBUSY);

    /* Segments are per domain. */
    EXPECT_SET_OK(TOOLSTACK, h_space(OTHER, 0, 0, 15, MIB(512)));

    /* Moving a window takes a remove first. */
    assert_int_equal(h_remove(TOOLSTACK, GUEST, 0), 0);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 15, MIB(512)));
    EXPECT_EDGES(d, MIB(512), 16);
    EXPECT_ACCEPT(d, MIB(256), false);
}

static void test_set_eexist_other_window(void **state)
{
    struct xecam_domain *d = *state;

    /* Buses 0-2 of segment 0 at [4 MiB, 7 MiB). */
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 2, MIB(4)));

    /* Overlapping its low end: [0, 5 MiB). */
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 1, 0, 4, MIB(0)), -EEXIST);
    /* Overlapping its high end: [6 MiB, 8 MiB). */
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 1, 0, 1, MIB(6)), -EEXIST);
    /* Inside it: first, middle and last MiB. */
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 1, 0, 0, MIB(4)), -EEXIST);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 1, 9, 9, MIB(5)), -EEXIST);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 1, 0, 0, MIB(6)), -EEXIST);
    /* Containing it. */
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 1, 0, 7, MIB(0)), -EEXIST);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 1, 0, 0xff, MIB(0)), -EEXIST);
    /* Exactly it. */
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 1, 0, 2, MIB(4)), -EEXIST);
    EXPECT_SET_FAILS(DM_DOM, h_space(GUEST, 0xffff, 0, 2, MIB(4)), -EEXIST);

    /* Adjacent on either side is fine. */
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 1, 0, 0, MIB(3)));
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 2, 0, 0, MIB(7)));
    EXPECT_ACCEPT(d, MIB(3) - 1, false);
    EXPECT_ACCEPT(d, MIB(8), false);
    EXPECT_ACCEPT(d, MIB(4) - 1, true);
    EXPECT_ACCEPT(d, MIB(7), true);

    /* A 256-bus window: its first and last MiB are taken. */
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 3, 0, 0xff, MIB(256)));
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 4, 0, 0, MIB(256)), -EEXIST);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 4, 0, 0, MIB(511)), -EEXIST);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 4, 0, 0x7f, MIB(384)),
                     -EEXIST);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 4, 0, 0, MIB(255)));
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 5, 0, 0, MIB(512)));

    /* Another domain's windows are no conflict. */
    EXPECT_SET_OK(TOOLSTACK, h_space(OTHER, 1, 0, 2, MIB(4)));
    EXPECT_SET_OK(TOOLSTACK, h_space(OTHER, 2, 0, 0xff, MIB(256)));
}

static void test_set_eexist_ram(void **state)
{
    struct xecam_domain *d = *state;

    /* RAM at [64 MiB, 65 MiB). */
    assert_int_equal(xecam_user_p2m_add(GUEST, MIB(64), MIB(1)), 0);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(64)), -EEXIST);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, 0, 3, MIB(64)), -EEXIST);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, 0, 0x7f, MIB(0)), -EEXIST);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, 0, 0xff, MIB(0)), -EEXIST);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(63)));
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 1, 0, 0, MIB(65)));

    /* MMIO straddling the 100 MiB line: two pages. */
    assert_int_equal(xecam_user_p2m_add(GUEST, MIB(100) - 0x1000, 0x2000), 0);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 2, 0, 0, MIB(99)), -EEXIST);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 2, 0, 0, MIB(100)), -EEXIST);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 2, 0, 0, MIB(98)));
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 3, 0, 0, MIB(101)));

    /* One byte: the last byte of [199 MiB, 200 MiB). */
    assert_int_equal(xecam_user_p2m_add(GUEST, MIB(200) - 1, 1), 0);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 4, 0, 0, MIB(199)), -EEXIST);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 4, 0, 0, MIB(200)));

    /* One byte: the first byte of [300 MiB, 301 MiB). */
    assert_int_equal(xecam_user_p2m_add(GUEST, MIB(300), 1), 0);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 5, 0, 0, MIB(300)), -EEXIST);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 5, 0, 0, MIB(299)));

    /* Another domain's RAM is no conflict; its own is. */
    assert_int_equal(xecam_user_p2m_add(OTHER, MIB(1024), MIB(256)), 0);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 6, 0, 0xff, MIB(1024)));
    EXPECT_SET_FAILS(TOOLSTACK, h_space(OTHER, 6, 0, 0xff, MIB(1024)),
                     -EEXIST);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(OTHER, 6, 0, 0, MIB(1279)), -EEXIST);

    EXPECT_ACCEPT(d, MIB(64), false);
    EXPECT_ACCEPT(d, MIB(63), true);
    EXPECT_ACCEPT(d, MIB(65), true);
}

static void test_set_enospc(void **state)
{
    struct xecam_domain *d = *state;
    unsigned int i;

    /* Segment i: buses 0..i, each window in its own 8 GiB region. */
    for ( i = 0; i < XECAM_MAX_WINDOWS; i++ )
        EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, i, 0, i,
                                         ((uint64_t)i << 33) + MIB(16 * i)));

    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, XECAM_MAX_WINDOWS, 0, 0,
                                        1ULL << 40), -ENOSPC);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, XECAM_MAX_WINDOWS + 1, 0, 0xff,
                                        1ULL << 41), -ENOSPC);
    EXPECT_SET_FAILS(DM_DOM, h_space(GUEST, 0xffff, 0, 0, MIB(1)), -ENOSPC);

    for ( i = 0; i < XECAM_MAX_WINDOWS; i++ )
    {
        EXPECT_WINDOW(GUEST, i, 0, i, ((uint64_t)i << 33) + MIB(16 * i));
        EXPECT_EDGES(d, ((uint64_t)i << 33) + MIB(16 * i), i + 1);
    }

    /* The limit is per domain. */
    EXPECT_SET_OK(TOOLSTACK, h_space(OTHER, XECAM_MAX_WINDOWS, 0, 0,
                                     1ULL << 40));

    /* Freeing one slot makes room for exactly one. */
    assert_int_equal(h_remove(TOOLSTACK, GUEST, 3), 0);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, XECAM_MAX_WINDOWS, 0, 0,
                                     1ULL << 40));
    EXPECT_EDGES(d, 1ULL << 40, 1);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 3, 0, 3,
                                        (3ULL << 33) + MIB(48)), -ENOSPC);
    EXPECT_ACCEPT(d, (3ULL << 33) + MIB(48), false);
}

/* ---- Unknown operations ---- */

static void test_enosys_unknown_ops(void **state)
{
    static const unsigned int ops[] = {
        0, 1, 15, 16, 17, 23, 24, 25, 28, 29, 255, 0x10000, 0xffffffffU,
    };
    struct xen_hvm_ecam_space a = h_space(GUEST, 1, 0, 0, MIB(16)), copy;
    struct snap s;
    unsigned int i;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(256)));
    snap_take(&s, &a);

    for ( i = 0; i < XECAM_ARRAY_SIZE(ops); i++ )
    {
        xecam_user_set_current(TOOLSTACK);
        copy = a;
        check_rc(__LINE__, "op", xecam_user_hvm_op(ops[i], &copy), -ENOSYS);
        assert_memory_equal(&copy, &a, sizeof(a));
        check_rc(__LINE__, "op", xecam_user_hvm_op(ops[i], NULL), -ENOSYS);

        copy = remove_arg(GUEST, 0);
        check_rc(__LINE__, "op", xecam_user_hvm_op(ops[i], &copy), -ENOSYS);
        snap_check(__LINE__, &s);
    }
}

/* ---- Boundaries ---- */

static void test_boundary_one_bus(void **state)
{
    struct xecam_domain *d = *state;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(1)));
    EXPECT_EDGES(d, MIB(1), 1);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 1, 0xff, 0xff, MIB(3)));
    EXPECT_EDGES(d, MIB(3), 1);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 2, 0x42, 0x42, 1ULL << 50));
    EXPECT_EDGES(d, 1ULL << 50, 1);
    EXPECT_ACCEPT(d, MIB(2), false);
}

static void test_boundary_256_buses(void **state)
{
    struct xecam_domain *d = *state;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0xff, MIB(256)));
    EXPECT_EDGES(d, MIB(256), 256);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 1, 0, 0xff, 1ULL << 40));
    EXPECT_EDGES(d, 1ULL << 40, 256);
}

static void test_boundary_start_bus_nonzero(void **state)
{
    struct xecam_domain *d = *state;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0x10, 0x1f, MIB(16)));
    EXPECT_EDGES(d, MIB(16), 16);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 1, 0x80, 0xff, MIB(128)));
    EXPECT_EDGES(d, MIB(128), 128);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 2, 0x01, 0xff, MIB(512)));
    EXPECT_EDGES(d, MIB(512), 255);
    EXPECT_ACCEPT(d, MIB(767), false);
}

static void test_boundary_top_of_address_space(void **state)
{
    struct xecam_domain *d = *state;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0xff, TOP_WIN(256)));
    EXPECT_EDGES(d, TOP_WIN(256), 256);
    EXPECT_ACCEPT(d, TOP, true);
    EXPECT_ACCEPT(d, TOP_WIN(256) - 1, false);
    EXPECT_ACCEPT(d, 0, false);
    assert_int_equal(h_remove(TOOLSTACK, GUEST, 0), 0);
    EXPECT_ACCEPT(d, TOP, false);

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 1, 0xff, 0xff, TOP_WIN(1)));
    EXPECT_EDGES(d, TOP_WIN(1), 1);
    assert_int_equal(h_remove(TOOLSTACK, GUEST, 1), 0);

    /* 3 buses in the top 4 MiB leave its last MiB free. */
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 2, 0, 2, TOP_WIN(4)));
    EXPECT_EDGES(d, TOP_WIN(4), 3);
    EXPECT_ACCEPT(d, TOP, false);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 3, 0, 0, TOP_WIN(1)));
    EXPECT_ACCEPT(d, TOP, true);
}

static void test_boundary_base_zero(void **state)
{
    struct xecam_domain *d = *state;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, 0));
    EXPECT_EDGES(d, 0, 1);
    EXPECT_ACCEPT(d, TOP, false);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 1, 0, 0xff, 0), -EEXIST);
    assert_int_equal(h_remove(TOOLSTACK, GUEST, 0), 0);

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 1, 0, 0xff, 0));
    EXPECT_EDGES(d, 0, 256);
    assert_int_equal(h_remove(TOOLSTACK, GUEST, 1), 0);

    /* Not when there is RAM at 0. */
    assert_int_equal(xecam_user_p2m_add(GUEST, 0, 0x1000), 0);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, 0, 0, 0), -EEXIST);
}

/* Overlaps involving a window that ends at 2^64. */
static void test_set_eexist_top_of_address_space(void **state)
{
    struct xecam_domain *d = *state;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0xff, TOP_WIN(256)));

    /* Last MiB, first MiB and the top 16 MiB of the existing window. */
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 1, 0, 0, TOP_WIN(1)), -EEXIST);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 1, 0, 0, TOP_WIN(256)),
                     -EEXIST);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 1, 0, 15, TOP_WIN(16)),
                     -EEXIST);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 1, 0, 2, TOP_WIN(4)), -EEXIST);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 1, 0, 0, TOP_WIN(257)));

    /* The other way round: a small window at the top, a big one placed. */
    assert_int_equal(h_remove(TOOLSTACK, GUEST, 0), 0);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 2, 0, 0, TOP_WIN(1)));
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, 0, 0xff, TOP_WIN(256)),
                     -EEXIST);
    EXPECT_EDGES(d, TOP_WIN(1), 1);
}

/* RAM or MMIO that ends at 2^64. */
static void test_set_eexist_ram_top_of_address_space(void **state)
{
    assert_int_equal(xecam_user_p2m_add(GUEST, TOP_WIN(1), MIB(1)), 0);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, 0, 0, TOP_WIN(1)), -EEXIST);
    EXPECT_SET_FAILS(TOOLSTACK, h_space(GUEST, 0, 0, 0xff, TOP_WIN(256)),
                     -EEXIST);
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, TOP_WIN(2)));
}

/* ---- get ---- */

static void test_get_enoent(void **state)
{
    struct xen_hvm_ecam_space a;

    a = h_space(GUEST, 0, 0, 0, 0);
    EXPECT_GET_FAILS(TOOLSTACK, a, -ENOENT);
    a.segment = 0xffff;
    EXPECT_GET_FAILS(TOOLSTACK, a, -ENOENT);
    EXPECT_GET_FAILS(GUEST, h_space(DOMID_SELF, 0, 0, 0, 0), -ENOENT);
    EXPECT_GET_FAILS(DM_DOM, h_space(GUEST, 0, 0, 0, 0), -ENOENT);

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(256)));
    EXPECT_GET_FAILS(TOOLSTACK, h_space(GUEST, 1, 0, 0, 0), -ENOENT);
    EXPECT_GET_FAILS(TOOLSTACK, h_space(GUEST, 0xffff, 0, 0, 0), -ENOENT);
    EXPECT_GET_FAILS(TOOLSTACK, h_space(OTHER, 0, 0, 0, 0), -ENOENT);
}

static void test_get_einval(void **state)
{
    struct xen_hvm_ecam_space a;
    unsigned int bit;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(256)));

    for ( bit = 0; bit < 16; bit++ )
    {
        a = h_space(GUEST, 0, 0, 0, 0);
        a.flags = 1U << bit;
        EXPECT_GET_FAILS(TOOLSTACK, a, -EINVAL);
        a.domid = DOMID_SELF;
        EXPECT_GET_FAILS(GUEST, a, -EINVAL);
    }

    a = h_space(GUEST, 0, 0, 0, 0);
    a.rsvd[0] = 1;
    EXPECT_GET_FAILS(TOOLSTACK, a, -EINVAL);
    a.rsvd[0] = 0x80000000U;
    EXPECT_GET_FAILS(TOOLSTACK, a, -EINVAL);
    a.rsvd[0] = 0;
    a.rsvd[1] = 1;
    EXPECT_GET_FAILS(TOOLSTACK, a, -EINVAL);
    a.rsvd[1] = 0xffffffffU;
    EXPECT_GET_FAILS(TOOLSTACK, a, -EINVAL);

    /* Arguments are checked before the domain and the caller's rights. */
    a = h_space(UNKNOWN_DOM, 0, 0, 0, 0);
    a.flags = XEN_HVM_ECAM_REMOVE;
    EXPECT_GET_FAILS(TOOLSTACK, a, -EINVAL);
    a = h_space(GUEST, 0, 0, 0, 0);
    a.rsvd[1] = 1;
    EXPECT_GET_FAILS(OTHER, a, -EINVAL);

    EXPECT_WINDOW(GUEST, 0, 0, 0, MIB(256));
}

static void test_get_efault(void **state)
{
    struct xen_hvm_ecam_space a;
    struct snap s;
    bool fired;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0x10, 0x1f, MIB(16)));
    snap_take(&s, NULL);

    xecam_user_set_current(TOOLSTACK);
    assert_int_equal(xecam_user_hvm_op(HVMOP_get_ecam_space, NULL), -EFAULT);
    xecam_user_set_current(GUEST);
    assert_int_equal(xecam_user_hvm_op(HVMOP_get_ecam_space, NULL), -EFAULT);
    snap_check(__LINE__, &s);

    /* Copying the argument in. */
    a = h_space(GUEST, 0, 0, 0, 0);
    assert_int_equal(get_with_fault(TOOLSTACK, &a, XECAM_FAULT_COPY, 1,
                                    &fired), -EFAULT);
    assert_true(fired);
    snap_check(__LINE__, &s);

    /* Copying the result out. */
    a = h_space(GUEST, 0, 0, 0, 0);
    assert_int_equal(get_with_fault(TOOLSTACK, &a, XECAM_FAULT_COPY, 2,
                                    &fired), -EFAULT);
    assert_true(fired);
    snap_check(__LINE__, &s);

    a = h_space(DOMID_SELF, 0, 0, 0, 0);
    assert_int_equal(get_with_fault(GUEST, &a, XECAM_FAULT_COPY, 2, &fired),
                     -EFAULT);
    assert_true(fired);
    snap_check(__LINE__, &s);

    /* Without the fault the same call works. */
    a = h_space(GUEST, 0, 0, 0, 0);
    assert_int_equal(get_with_fault(TOOLSTACK, &a, XECAM_FAULT_COPY, 3,
                                    &fired), 0);
    assert_false(fired);
    assert_int_equal(a.start_bus, 0x10);
    assert_int_equal(a.end_bus, 0x1f);
    assert_int_equal(a.base, MIB(16));
}

static void test_get_returns_exact_window(void **state)
{
    static const struct {
        uint16_t seg;
        uint8_t start, end;
        uint64_t base;
    } wins[] = {
        { 0x0000, 0x10, 0x1f, MIB(16) },
        { 0xffff, 0x00, 0xff, TOP_WIN(256) },
        { 0x0005, 0x00, 0x02, 1ULL << 40 },
        { 0x0001, 0xff, 0xff, 0 },
        { 0x0002, 0x80, 0x80, MIB(1) },
    };
    struct xen_hvm_ecam_space a, want;
    unsigned int i;

    for ( i = 0; i < XECAM_ARRAY_SIZE(wins); i++ )
        EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, wins[i].seg, wins[i].start,
                                         wins[i].end, wins[i].base));

    for ( i = 0; i < XECAM_ARRAY_SIZE(wins); i++ )
    {
        /* The OUT fields' input is ignored and overwritten. */
        a = h_space(GUEST, wins[i].seg, 0xaa, 0x55, 0xdeadbeef000ULL);
        xecam_user_set_current(TOOLSTACK);
        assert_int_equal(xecam_user_hvm_op(HVMOP_get_ecam_space, &a), 0);
        want = h_space(GUEST, wins[i].seg, wins[i].start, wins[i].end,
                       wins[i].base);
        assert_memory_equal(&a, &want, sizeof(a));

        /* Through the device model, the input domid is kept. */
        a = h_space(GUEST, wins[i].seg, 0, 0, TOP);
        xecam_user_set_current(DM_DOM);
        assert_int_equal(xecam_user_hvm_op(HVMOP_get_ecam_space, &a), 0);
        assert_memory_equal(&a, &want, sizeof(a));

        /* DOMID_SELF stays DOMID_SELF. */
        a = h_space(DOMID_SELF, wins[i].seg, 1, 1, 1);
        xecam_user_set_current(GUEST);
        assert_int_equal(xecam_user_hvm_op(HVMOP_get_ecam_space, &a), 0);
        want.domid = DOMID_SELF;
        assert_memory_equal(&a, &want, sizeof(a));
    }
}

static void test_get_permissions(void **state)
{
    struct xen_hvm_ecam_space a;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 3, MIB(16)));
    EXPECT_SET_OK(TOOLSTACK, h_space(OTHER, 0, 0, 0, MIB(256)));

    EXPECT_GET_FAILS(OTHER, h_space(GUEST, 0, 0, 0, 0), -EPERM);
    EXPECT_GET_FAILS(GUEST, h_space(OTHER, 0, 0, 0, 0), -EPERM);
    EXPECT_GET_FAILS(DM_DOM, h_space(OTHER, 0, 0, 0, 0), -EPERM);
    EXPECT_GET_FAILS(UNKNOWN_DOM, h_space(GUEST, 0, 0, 0, 0), -EPERM);
    /* Permission before state: no window, still -EPERM. */
    EXPECT_GET_FAILS(OTHER, h_space(GUEST, 1, 0, 0, 0), -EPERM);
    /* Unknown domains. */
    EXPECT_GET_FAILS(TOOLSTACK, h_space(UNKNOWN_DOM, 0, 0, 0, 0), -ESRCH);
    EXPECT_GET_FAILS(TOOLSTACK, h_space(DOMID_SELF, 0, 0, 0, 0), -ESRCH);
    EXPECT_GET_FAILS(DM_DOM, h_space(DOMID_SELF, 0, 0, 0, 0), -ESRCH);
    EXPECT_GET_FAILS(OTHER, h_space(UNKNOWN_DOM, 0, 0, 0, 0), -ESRCH);

    /* A domain may always read its own windows, flag or not. */
    assert_int_equal(h_get(GUEST, DOMID_SELF, 0, &a), 0);
    assert_int_equal(a.end_bus, 3);
    assert_int_equal(a.base, MIB(16));
    assert_int_equal(h_get(GUEST, GUEST, 0, &a), 0);
    assert_int_equal(a.base, MIB(16));
    assert_int_equal(h_get(OTHER, DOMID_SELF, 0, &a), 0);
    assert_int_equal(a.base, MIB(256));
    assert_int_equal(h_get(GUEST, DOMID_SELF, 1, NULL), -ENOENT);
    /* Its device model and the toolstack too. */
    assert_int_equal(h_get(DM_DOM, GUEST, 0, &a), 0);
    assert_int_equal(a.base, MIB(16));
    assert_int_equal(h_get(TOOLSTACK, OTHER, 0, &a), 0);
    assert_int_equal(a.base, MIB(256));
}

/* ---- remove ---- */

static void test_remove_enoent(void **state)
{
    EXPECT_REMOVE_FAILS(TOOLSTACK, GUEST, 0, -ENOENT);
    EXPECT_REMOVE_FAILS(TOOLSTACK, GUEST, 0xffff, -ENOENT);
    EXPECT_REMOVE_FAILS(DM_DOM, GUEST, 0, -ENOENT);

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(256)));
    EXPECT_REMOVE_FAILS(TOOLSTACK, GUEST, 1, -ENOENT);
    EXPECT_REMOVE_FAILS(TOOLSTACK, OTHER, 0, -ENOENT);
    EXPECT_WINDOW(GUEST, 0, 0, 0, MIB(256));
}

static void test_remove_then_reset(void **state)
{
    struct xecam_domain *d = *state;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 15, MIB(256)));
    EXPECT_EDGES(d, MIB(256), 16);

    assert_int_equal(h_remove(TOOLSTACK, GUEST, 0), 0);
    EXPECT_NO_WINDOW(GUEST, 0);
    EXPECT_ACCEPT(d, MIB(256), false);
    EXPECT_ACCEPT(d, MIB(272) - 1, false);
    EXPECT_REMOVE_FAILS(TOOLSTACK, GUEST, 0, -ENOENT);

    /* Back where it was. */
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 15, MIB(256)));
    EXPECT_EDGES(d, MIB(256), 16);
    assert_int_equal(h_remove(TOOLSTACK, GUEST, 0), 0);

    /* Elsewhere, another size: only the new range is trapped. */
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0x20, 0x20, MIB(512)));
    EXPECT_EDGES(d, MIB(512), 1);
    EXPECT_ACCEPT(d, MIB(256), false);

    /* The space a removed window held is free for another segment. */
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 1, 0, 15, MIB(256)));
    EXPECT_EDGES(d, MIB(256), 16);
}

static void test_remove_permissions(void **state)
{
    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(256)));
    EXPECT_SET_OK(TOOLSTACK, h_space(OTHER, 0, 0, 0, MIB(256)));

    EXPECT_REMOVE_FAILS(OTHER, GUEST, 0, -EPERM);
    EXPECT_REMOVE_FAILS(GUEST, DOMID_SELF, 0, -EPERM);
    EXPECT_REMOVE_FAILS(GUEST, GUEST, 0, -EPERM);
    EXPECT_REMOVE_FAILS(GUEST, OTHER, 0, -EPERM);
    EXPECT_REMOVE_FAILS(DM_DOM, OTHER, 0, -EPERM);
    EXPECT_REMOVE_FAILS(UNKNOWN_DOM, GUEST, 0, -EPERM);

    assert_int_equal(h_remove(DM_DOM, GUEST, 0), 0);
    EXPECT_NO_WINDOW(GUEST, 0);
    EXPECT_WINDOW(OTHER, 0, 0, 0, MIB(256));
    assert_int_equal(h_remove(TOOLSTACK, OTHER, 0), 0);
    EXPECT_NO_WINDOW(OTHER, 0);
}

/* Removing one window leaves every other one trapped, MiB by MiB. */
static void test_remove_keeps_other_windows(void **state)
{
    static const struct {
        uint16_t seg;
        uint8_t start, end;
        uint64_t base;
    } wins[] = {
        { 0, 0x00, 0x00, MIB(0) },          /* four in one 256 MiB granule */
        { 1, 0x00, 0x00, MIB(1) },
        { 2, 0x00, 0x02, MIB(4) },
        { 3, 0x10, 0x1f, MIB(16) },
        { 4, 0x00, 0xff, MIB(256) },
        { 5, 0x00, 0x7f, TOP_WIN(256) },
        { 6, 0x00, 0x00, TOP_WIN(1) },
        { 7, 0x00, 0x3f, 1ULL << 36 },
    };
    static const unsigned int order[] = { 1, 4, 6, 0, 7, 3, 5, 2 };
    struct xecam_domain *d = *state;
    bool gone[XECAM_ARRAY_SIZE(wins)] = { false };
    unsigned int i, j;

    for ( i = 0; i < XECAM_ARRAY_SIZE(wins); i++ )
        EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, wins[i].seg, wins[i].start,
                                         wins[i].end, wins[i].base));

    for ( i = 0; i < XECAM_ARRAY_SIZE(order); i++ )
    {
        assert_int_equal(h_remove(TOOLSTACK, GUEST, wins[order[i]].seg), 0);
        gone[order[i]] = true;

        for ( j = 0; j < XECAM_ARRAY_SIZE(wins); j++ )
        {
            uint64_t size = MIB(wins[j].end - wins[j].start + 1), off;

            for ( off = 0; off < size; off += MIB(1) )
            {
                EXPECT_ACCEPT(d, wins[j].base + off, !gone[j]);
                EXPECT_ACCEPT(d, wins[j].base + off + MIB(1) - 1, !gone[j]);
            }
            if ( gone[j] )
                EXPECT_NO_WINDOW(GUEST, wins[j].seg);
            else
                EXPECT_WINDOW(GUEST, wins[j].seg, wins[j].start, wins[j].end,
                              wins[j].base);
        }
        EXPECT_ACCEPT(d, MIB(2), false);
        EXPECT_ACCEPT(d, MIB(7), false);
    }
}

/* ---- Fault injection ---- */

/*
 * Fail the 1st, 2nd, ... fallible port call of the call until it runs
 * without the fault firing.  Each failed attempt must return a negative
 * errno and leave the state alone.  Returns how many attempts failed.
 */
static unsigned int fault_loop(int line, domid_t caller,
                               struct xen_hvm_ecam_space a, long want)
{
    unsigned long nth;
    struct snap s;
    bool fired;
    long rc;

    for ( nth = 1; nth < 100; nth++ )
    {
        snap_take(&s, &a);
        rc = set_with_fault(caller, a, XECAM_FAULT_ALL, nth, &fired);
        if ( !fired )
        {
            check_rc(line, "set without fault", rc, want);
            return nth - 1;
        }
        if ( rc >= 0 || rc < -4095 )
            fail_msg("line %d: fault %lu: set returned %ld", line, nth, rc);
        snap_check(line, &s);
    }
    fail_msg("line %d: the fault still fires after %lu attempts", line, nth);

    return 0;
}

static void test_fault_injection_set(void **state)
{
    struct xecam_domain *d = *state;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 0, 0, 0, MIB(256)));
    EXPECT_SET_OK(TOOLSTACK, h_space(OTHER, 3, 0, 0, MIB(512)));
    assert_int_equal(xecam_user_p2m_add(GUEST, MIB(1024), MIB(1)), 0);

    /* Placing: at least the copy-in and the p2m query can fail. */
    assert_true(fault_loop(__LINE__, TOOLSTACK,
                           h_space(GUEST, 3, 0x20, 0x2f, MIB(512)), 0) >= 2);
    EXPECT_WINDOW(GUEST, 3, 0x20, 0x2f, MIB(512));
    EXPECT_EDGES(d, MIB(512), 16);

    assert_true(fault_loop(__LINE__, DM_DOM,
                           h_space(GUEST, 0xffff, 0, 0xff, TOP_WIN(256)),
                           0) >= 2);
    EXPECT_WINDOW(GUEST, 0xffff, 0, 0xff, TOP_WIN(256));

    /* Calls that fail anyway still fail cleanly under faults. */
    assert_true(fault_loop(__LINE__, TOOLSTACK,
                           h_space(GUEST, 4, 0, 0, MIB(1024)), -EEXIST) >= 2);
    assert_true(fault_loop(__LINE__, TOOLSTACK,
                           h_space(GUEST, 4, 0, 0, MIB(512)), -EEXIST) >= 1);
    assert_true(fault_loop(__LINE__, TOOLSTACK,
                           h_space(GUEST, 0, 0, 0, MIB(2048)), -EBUSY) >= 1);
    assert_true(fault_loop(__LINE__, OTHER,
                           h_space(GUEST, 4, 0, 0, MIB(2048)), -EPERM) >= 1);
    assert_true(fault_loop(__LINE__, TOOLSTACK,
                           h_space(GUEST, 4, 0, 2, MIB(2)), -EINVAL) >= 1);

    /* Removing. */
    assert_true(fault_loop(__LINE__, TOOLSTACK, remove_arg(GUEST, 3), 0) >= 1);
    EXPECT_NO_WINDOW(GUEST, 3);
    EXPECT_ACCEPT(d, MIB(512), false);
    assert_true(fault_loop(__LINE__, TOOLSTACK, remove_arg(GUEST, 3),
                           -ENOENT) >= 1);
    EXPECT_WINDOW(GUEST, 0, 0, 0, MIB(256));
    EXPECT_WINDOW(OTHER, 3, 0, 0, MIB(512));
}

static void test_fault_injection_set_self(void **state)
{
    struct xecam_domain *d = h_host(XECAM_DOMF_SELF_ECAM);

    assert_non_null(d);
    *state = d;

    assert_true(fault_loop(__LINE__, GUEST,
                           h_space(DOMID_SELF, 7, 0, 1, MIB(2)), 0) >= 2);
    EXPECT_WINDOW(GUEST, 7, 0, 1, MIB(2));
    EXPECT_EDGES(d, MIB(2), 2);
}

static void test_fault_injection_get(void **state)
{
    struct xen_hvm_ecam_space a;
    unsigned long nth;
    struct snap s;
    bool fired;
    long rc;

    EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, 2, 0x40, 0x4f, MIB(64)));

    for ( nth = 1; nth < 100; nth++ )
    {
        snap_take(&s, NULL);
        a = h_space(GUEST, 2, 0, 0, 0);
        rc = get_with_fault(DM_DOM, &a, XECAM_FAULT_ALL, nth, &fired);
        if ( !fired )
            break;
        if ( rc >= 0 || rc < -4095 )
            fail_msg("fault %lu: get returned %ld", nth, rc);
        snap_check(__LINE__, &s);
    }
    assert_true(nth >= 3);          /* copy in and copy out */
    assert_int_equal(rc, 0);
    assert_int_equal(a.start_bus, 0x40);
    assert_int_equal(a.end_bus, 0x4f);
    assert_int_equal(a.base, MIB(64));
}

/* ---- What the trap accepts ---- */

static void test_accept_window_edges(void **state)
{
    static const struct {
        uint16_t seg;
        uint8_t start, end;
        uint64_t base;
    } wins[] = {
        { 0, 0x00, 0x00, MIB(1) },
        { 1, 0x00, 0x02, MIB(4) },
        { 2, 0x10, 0x1f, MIB(32) },
        { 3, 0x00, 0xff, 1ULL << 32 },
        { 4, 0x00, 0x00, TOP_WIN(1) },
        { 5, 0x00, 0x04, MIB(264) },       /* 8 MiB-aligned, granule 1 */
    };
    struct xecam_domain *d = *state, *other = dom_of(OTHER);
    unsigned int i;

    for ( i = 0; i < XECAM_ARRAY_SIZE(wins); i++ )
    {
        EXPECT_ACCEPT(d, wins[i].base, false);
        EXPECT_SET_OK(TOOLSTACK, h_space(GUEST, wins[i].seg, wins[i].start,
                                         wins[i].end, wins[i].base));
    }

    for ( i = 0; i < XECAM_ARRAY_SIZE(wins); i++ )
    {
        unsigned int n = wins[i].end - wins[i].start + 1;
        uint64_t last = wins[i].base + MIB(n) - 1;

        EXPECT_EDGES(d, wins[i].base, n);
        EXPECT_ACCEPT(other, wins[i].base, false);
        EXPECT_ACCEPT(other, last, false);
    }
}

/* ---- A model of the window table, driven at random ---- */

struct model_win {
    bool used;
    uint8_t start, end;
    uint64_t base;
};

static uint32_t lcg_next(uint64_t *seed)
{
    *seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;

    return (uint32_t)(*seed >> 33);
}

static uint64_t pow2_at_least(uint64_t x)
{
    uint64_t p = 1;

    while ( p < x )
        p <<= 1;

    return p;
}

static long model_set(struct model_win *m, unsigned int nr, unsigned int seg,
                      uint8_t start, uint8_t end, uint64_t base)
{
    uint64_t size = MIB(end - start + 1);
    unsigned int i, used = 0;

    if ( base & (pow2_at_least(size) - 1) )
        return -EINVAL;
    if ( m[seg].used )
        return -EBUSY;
    for ( i = 0; i < nr; i++ )
    {
        if ( !m[i].used )
            continue;
        used++;
        if ( base <= m[i].base + MIB(m[i].end - m[i].start + 1) - 1 &&
             m[i].base <= base + size - 1 )
            return -EEXIST;
    }
    if ( used >= XECAM_MAX_WINDOWS )
        return -ENOSPC;
    m[seg].used = true;
    m[seg].start = start;
    m[seg].end = end;
    m[seg].base = base;

    return 0;
}

static bool model_accept(const struct model_win *m, unsigned int nr,
                         uint64_t gpa)
{
    unsigned int i;

    for ( i = 0; i < nr; i++ )
        if ( m[i].used && gpa >= m[i].base &&
             gpa - m[i].base < MIB(m[i].end - m[i].start + 1) )
            return true;

    return false;
}

static void test_model_random(void **state)
{
    static const unsigned int sizes[] = {
        1, 2, 3, 4, 5, 8, 16, 17, 64, 128, 129, 256,
    };
    struct model_win m[NR_SNAP_SEGS - 1] = { { false } };
    const unsigned int nr = XECAM_ARRAY_SIZE(m);
    struct xecam_domain *d = *state;
    uint64_t seed = 0x5eed0ecaULL;
    unsigned int iter, i;

    for ( iter = 0; iter < 4000; iter++ )
    {
        unsigned int seg = lcg_next(&seed) % nr;
        long want, got;

        if ( lcg_next(&seed) % 4 == 0 )
        {
            want = m[seg].used ? 0 : -ENOENT;
            m[seg].used = false;
            got = h_remove(TOOLSTACK, GUEST, seg);
        }
        else
        {
            unsigned int n = sizes[lcg_next(&seed) % XECAM_ARRAY_SIZE(sizes)];
            unsigned int start = lcg_next(&seed) % (257 - n);
            uint64_t align = pow2_at_least(MIB(n));
            uint64_t base = (uint64_t)(lcg_next(&seed) % 24) << 28;

            base += (lcg_next(&seed) % (MIB(256) / align)) * align;
            if ( lcg_next(&seed) % 10 == 0 )
                base += align > MIB(1) ? MIB(1) : 0x1000;
            want = model_set(m, nr, seg, start, start + n - 1, base);
            got = h_set(TOOLSTACK, h_space(GUEST, seg, start, start + n - 1,
                                           base));
        }
        if ( got != want )
            fail_msg("iteration %u: got %ld, model says %ld", iter, got, want);

        for ( i = 0; i < nr; i++ )
        {
            uint64_t size = MIB(m[i].end - m[i].start + 1);

            if ( !m[i].used )
            {
                EXPECT_NO_WINDOW(GUEST, i);
                continue;
            }
            EXPECT_WINDOW(GUEST, i, m[i].start, m[i].end, m[i].base);
            EXPECT_ACCEPT(d, m[i].base, true);
            EXPECT_ACCEPT(d, m[i].base + size - 1, true);
            if ( m[i].base )
                EXPECT_ACCEPT(d, m[i].base - 1,
                              model_accept(m, nr, m[i].base - 1));
            EXPECT_ACCEPT(d, m[i].base + size,
                          model_accept(m, nr, m[i].base + size));
        }
        for ( i = 0; i < 8; i++ )
        {
            uint64_t gpa = ((uint64_t)(lcg_next(&seed) % 24) << 28) +
                           ((uint64_t)lcg_next(&seed) << 2) % MIB(256);

            EXPECT_ACCEPT(d, gpa, model_accept(m, nr, gpa));
        }
    }
}

/* A window the guest cannot address is refused, and nothing changes. */
static void test_set_einval_beyond_gpa_width(void **state)
{
    static const unsigned int widths[] = { 36, 39, 46, 52 };
    unsigned int i;

    for ( i = 0; i < XECAM_ARRAY_SIZE(widths); i++ )
    {
        uint64_t top = 1ULL << widths[i];

        assert_int_equal(xecam_user_gpa_bits(GUEST, widths[i]), 0);
        /* The last 256 MiB below the limit: fine; one more MiB: not. */
        assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255,
                                                  top - MIB(256))), 0);
        assert_int_equal(h_remove(TOOLSTACK, GUEST, 0), 0);
        assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 0, top)),
                         -EINVAL);
        assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 1,
                                                  top - MIB(1) - MIB(1))),
                         0);
        assert_int_equal(h_remove(TOOLSTACK, GUEST, 0), 0);
        assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 1, 0, 255,
                                                  TOP_WIN(256))), -EINVAL);
        assert_int_equal(h_get(TOOLSTACK, GUEST, 0, NULL), -ENOENT);
        assert_int_equal(h_get(TOOLSTACK, GUEST, 1, NULL), -ENOENT);
    }
}

/* The security policy is asked even for a domain's own windows. */
static void test_xsm_denies_self(void **state)
{
    xecam_user_reset();
    assert_non_null(h_host(XECAM_DOMF_SELF_ECAM));
    assert_int_equal(h_set(GUEST, h_space(DOMID_SELF, 0, 0, 0, 0xe0000000)),
                     0);
    assert_int_equal(xecam_user_xsm_deny(GUEST), 0);
    assert_int_equal(h_set(GUEST, h_space(DOMID_SELF, 1, 0, 0, 0xd0000000)),
                     -EPERM);
    assert_int_equal(h_get(GUEST, DOMID_SELF, 0, NULL), -EPERM);
    assert_int_equal(h_remove(GUEST, DOMID_SELF, 0), -EPERM);
    assert_int_equal(h_get(TOOLSTACK, GUEST, 0, NULL), 0);
}

/*
 * A dying domain's windows stay as they are: placing and removing are
 * -EINVAL (after the rights), reading and the trap go on.
 */
static void test_set_einval_dying(void **state)
{
    struct xen_hvm_ecam_space got;
    struct xecam_domain *d;

    xecam_user_reset();
    d = h_host(XECAM_DOMF_SELF_ECAM);
    assert_non_null(d);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, 0xe0000000)),
                     0);
    assert_int_equal(xecam_user_domain_dying(GUEST, true), 0);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 1, 0, 0, 0xd0000000)),
                     -EINVAL);
    assert_int_equal(h_set(GUEST, h_space(DOMID_SELF, 1, 0, 0, 0xd0000000)),
                     -EINVAL);
    assert_int_equal(h_remove(TOOLSTACK, GUEST, 0), -EINVAL);
    /* The rights come first: a stranger is still -EPERM. */
    assert_int_equal(h_set(OTHER, h_space(GUEST, 1, 0, 0, 0xd0000000)),
                     -EPERM);
    assert_int_equal(h_get(TOOLSTACK, GUEST, 0, &got), 0);
    assert_int_equal(got.base, 0xe0000000);
    assert_int_equal(h_get(TOOLSTACK, GUEST, 1, NULL), -ENOENT);
    assert_true(xecam_mmio_accept(d, 0xe0000000));
    assert_int_equal(xecam_user_domain_dying(GUEST, false), 0);
    assert_int_equal(h_remove(TOOLSTACK, GUEST, 0), 0);
}

/* The log says what was placed and what was removed. */
static void test_log_lines(void **state)
{
    xecam_user_log_clear();
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 3, 0x10, 0x1f,
                                              0xe1000000)), 0);
    assert_int_equal(h_remove(TOOLSTACK, GUEST, 3), 0);
    assert_int_equal(xecam_user_log_count("d1: ECAM segment 0003 buses 10-1f "
                                          "at 0xe1000000 placed"), 1);
    assert_int_equal(xecam_user_log_count("d1: ECAM segment 0003 buses 10-1f "
                                          "at 0xe1000000 removed"), 1);
}

/* A guest allowed to move its own window cannot flood the log with it. */
static void test_self_set_log_bounded(void **state)
{
    unsigned int i;

    xecam_user_reset();
    assert_non_null(h_host(XECAM_DOMF_SELF_ECAM));
    xecam_user_log_clear();
    for ( i = 0; i < 10000; i++ )
    {
        assert_int_equal(h_set(GUEST, h_space(DOMID_SELF, 0, 0, 0,
                                              0xe0000000)), 0);
        assert_int_equal(h_remove(GUEST, DOMID_SELF, 0), 0);
    }
    assert_int_equal(xecam_user_log_count("ECAM segment"), 10);
    assert_int_equal(xecam_user_log_lines(), 10);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    static const struct CMUnitTest tests[] = {
        T(test_set_efault_null_handle),
        T(test_set_efault_copy_fault),
        T(test_set_p2m_query_fault),
        T(test_set_einval_rsvd),
        T(test_set_einval_unknown_flags),
        T(test_set_einval_remove_nonzero_fields),
        T(test_set_einval_end_before_start),
        T(test_set_einval_base_not_1mib_aligned),
        T(test_set_einval_base_not_size_aligned),
        T(test_set_esrch_unknown_domain),
        T(test_set_check_order),
        T(test_set_eperm),
        T(test_set_ok_toolstack),
        T(test_set_ok_device_model),
        T(test_set_ok_self_with_flag),
        T(test_set_ebusy_same_segment),
        T(test_set_eexist_other_window),
        T(test_set_eexist_ram),
        T(test_set_enospc),
        T(test_enosys_unknown_ops),
        T(test_boundary_one_bus),
        T(test_boundary_256_buses),
        T(test_boundary_start_bus_nonzero),
        T(test_boundary_top_of_address_space),
        T(test_boundary_base_zero),
        T(test_set_eexist_top_of_address_space),
        T(test_set_eexist_ram_top_of_address_space),
        T(test_get_enoent),
        T(test_get_einval),
        T(test_get_efault),
        T(test_get_returns_exact_window),
        T(test_get_permissions),
        T(test_remove_enoent),
        T(test_remove_then_reset),
        T(test_remove_permissions),
        T(test_remove_keeps_other_windows),
        T(test_fault_injection_set),
        T(test_fault_injection_set_self),
        T(test_fault_injection_get),
        T(test_accept_window_edges),
        T(test_model_random),
        T(test_self_set_log_bounded),
        T(test_set_einval_beyond_gpa_width),
        T(test_xsm_denies_self),
        T(test_set_einval_dying),
        T(test_log_lines),
    };
#undef T

    return cmocka_run_group_tests_name("hypercall", tests, NULL, NULL);
}
