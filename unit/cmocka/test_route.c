/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Routing: guest SBDF -> vPCI device, across segments and buses, checked
 * against a model through real ECAM reads; limits, allocation failures and
 * teardown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "helpers.h"

#define NSEGS   10
#define NBUSES  4
#define NFNS    8
#define NHOSTS  4

static const uint16_t segs[NSEGS] = {
    0, 8, 16, 1, 0xffff, 7, 0x100, 24, 32, 5,
};
static const uint8_t buses[NBUSES] = { 0, 1, 0x7f, 0xff };
static const uint8_t devfns[NFNS] = { 0, 1, 7, 8, 0x80, 0xf8, 0xfe, 0xff };

static struct xecam_domain *d;
/* The model: host index + 1 of each routed function, 0 for none. */
static uint8_t model[NSEGS][NBUSES][NFNS];
/* How often the model saw a full segment table, and an emptied segment. */
static unsigned int seen_full, seen_drained;

static uint32_t sbdf_of(unsigned int s, unsigned int b, unsigned int f)
{
    return ((uint32_t)segs[s] << 16) | ((uint32_t)buses[b] << 8) | devfns[f];
}

static uint32_t host_sbdf(unsigned int h)
{
    return XECAM_SBDF(0, 0x40 + h, 0, 0);
}

static int setup(void **state)
{
    unsigned int h;

    d = h_host(XECAM_DOMF_PARTIAL_MF);  /* routing, not slot topology */
    assert_non_null(d);
    for ( h = 0; h < NHOSTS; h++ )
        assert_int_equal(h_pdev(host_sbdf(h), 0x10 * (h + 1), 0), 0);
    memset(model, 0, sizeof(model));

    return 0;
}

static int teardown(void **state)
{
    xecam_user_reset();

    return 0;
}

static unsigned int model_segs(void)
{
    unsigned int s, b, f, n = 0;

    for ( s = 0; s < NSEGS; s++ )
    {
        bool used = false;

        for ( b = 0; b < NBUSES; b++ )
            for ( f = 0; f < NFNS; f++ )
                used |= model[s][b][f] != 0;
        n += used;
    }

    return n;
}

static bool model_seg_used(unsigned int s)
{
    unsigned int b, f;

    for ( b = 0; b < NBUSES; b++ )
        for ( f = 0; f < NFNS; f++ )
            if ( model[s][b][f] )
                return true;

    return false;
}

static uint64_t seg_base(unsigned int s)
{
    return 0x100000000ULL + ((uint64_t)s << 28);
}

/* Place a full window on every segment the model uses and read them all. */
static void verify(void)
{
    unsigned int s, b, f;

    for ( s = 0; s < NSEGS; s++ )
        h_remove(TOOLSTACK, GUEST, segs[s]);
    for ( s = 0; s < NSEGS; s++ )
    {
        if ( !model_seg_used(s) )
            continue;
        assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, segs[s], 0, 255,
                                                  seg_base(s))), 0);
        for ( b = 0; b < NBUSES; b++ )
            for ( f = 0; f < NFNS; f++ )
            {
                uint64_t v = 0;
                uint64_t gpa = seg_base(s) + ((uint64_t)buses[b] << 20) +
                               ((uint64_t)devfns[f] << 12) + 0x10;
                unsigned int h = model[s][b][f];

                xecam_mmio_read(d, 0, gpa, 4, &v);
                assert_int_equal(v, h ? h_pattern(0x10, 4, 0x10 * h)
                                      : 0xffffffffU);
            }
    }
}

static void do_add(unsigned int s, unsigned int b, unsigned int f,
                   unsigned int h)
{
    struct xecam_vpci *dev;
    int want, rc;

    if ( model[s][b][f] )
        want = -EEXIST;
    else if ( !model_seg_used(s) && model_segs() == XECAM_MAX_SEGMENTS )
        want = -ENOSPC;
    else
        want = 0;

    seen_full += want == -ENOSPC;
    assert_int_equal(xecam_vpci_create(host_sbdf(h), &dev), 0);
    rc = xecam_route_add_vpci(d, sbdf_of(s, b, f), dev);
    assert_int_equal(rc, want);
    if ( rc )
        xecam_vpci_destroy(dev);
    else
        model[s][b][f] = h + 1;
}

static void do_remove(unsigned int s, unsigned int b, unsigned int f)
{
    struct xecam_vpci *dev = xecam_route_remove_vpci(d, sbdf_of(s, b, f));

    assert_int_equal(dev != NULL, model[s][b][f] != 0);
    xecam_vpci_destroy(dev);
    model[s][b][f] = 0;
    seen_drained += dev && !model_seg_used(s);
}

static void test_model_random(void **state)
{
    unsigned int i;

    srand(0x5eed);
    for ( i = 0; i < 3000; i++ )
    {
        static const unsigned int fns[] = { 0, 2, 7 };  /* 00.0 00.7 1f.7 */
        unsigned int s = rand() % NSEGS, b = rand() % NBUSES;
        unsigned int f = fns[rand() % 3];

        /* Phases of mostly adds and mostly removes: fill up, then drain. */
        if ( rand() % 100 < (i % 1000 < 500 ? 75 : 15) )
            do_add(s, b, f, rand() % NHOSTS);
        else
            do_remove(s, b, f);
        if ( i % 50 == 0 )
            verify();
    }
    verify();
    assert_true(seen_full > 10);
    assert_true(seen_drained > 10);
}

/* Segments whose home slots collide, removed in every order. */
static void test_segment_delete_orders(void **state)
{
    static const unsigned int order[][3] = {
        { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 },
        { 2, 1, 0 },
    };
    unsigned int o, k, s;

    for ( o = 0; o < XECAM_ARRAY_SIZE(order); o++ )
    {
        for ( s = 0; s < NSEGS && model_segs() < XECAM_MAX_SEGMENTS; s++ )
            do_add(s, 0, 0, s % NHOSTS);
        verify();
        for ( k = 0; k < 3; k++ )
        {
            do_remove(order[o][k] * 3, 0, 0);
            verify();
        }
        for ( s = 0; s < NSEGS; s++ )
            do_remove(s, 0, 0);
        verify();
    }
}

static void test_duplicate_and_missing(void **state)
{
    struct xecam_vpci *dev;

    assert_int_equal(h_vpci(d, XECAM_SBDF(0, 0, 3, 0), host_sbdf(0)), 0);
    assert_int_equal(h_vpci(d, XECAM_SBDF(0, 0, 3, 0), host_sbdf(1)),
                     -EEXIST);
    assert_int_equal(xecam_route_add_vpci(d, XECAM_SBDF(0, 0, 4, 0), NULL),
                     -EINVAL);
    assert_null(xecam_route_remove_vpci(d, XECAM_SBDF(0, 0, 4, 0)));
    assert_null(xecam_route_remove_vpci(d, XECAM_SBDF(9, 0, 3, 0)));
    dev = xecam_route_remove_vpci(d, XECAM_SBDF(0, 0, 3, 0));
    assert_non_null(dev);
    xecam_vpci_destroy(dev);
    assert_null(xecam_route_remove_vpci(d, XECAM_SBDF(0, 0, 3, 0)));
}

/* A device is routed once: twice would mean two owners and a double free. */
static void test_route_once(void **state)
{
    struct xecam_domain *other = xecam_port_domain_get(OTHER);
    struct xecam_vpci *dev;

    assert_non_null(other);
    assert_int_equal(xecam_vpci_create(host_sbdf(0), &dev), 0);
    assert_int_equal(xecam_route_add_vpci(d, XECAM_SBDF(0, 0, 1, 0), dev), 0);
    assert_int_equal(xecam_route_add_vpci(d, XECAM_SBDF(0, 0, 2, 0), dev),
                     -EBUSY);
    assert_int_equal(xecam_route_add_vpci(other, XECAM_SBDF(0, 0, 1, 0), dev),
                     -EBUSY);
    /* Nothing was left routed by the refusals. */
    assert_null(xecam_route_remove_vpci(d, XECAM_SBDF(0, 0, 2, 0)));
    assert_null(xecam_route_remove_vpci(other, XECAM_SBDF(0, 0, 1, 0)));
    assert_ptr_equal(xecam_route_remove_vpci(d, XECAM_SBDF(0, 0, 1, 0)), dev);
    assert_int_equal(xecam_route_add_vpci(other, XECAM_SBDF(0, 0, 1, 0), dev),
                     0);
    xecam_port_domain_put(other);
}

/* Assignment puts a host function behind one guest function only. */
static void test_assign_host_once(void **state)
{
    const uint32_t host = XECAM_SBDF(0, 0x60, 0, 0);

    /* Seed 158 makes the pattern's header type byte 0: a type 0 header. */
    assert_int_equal(h_pdev(host, 158, 0x12348086), 0);
    assert_int_equal(xecam_assign_device(d, XECAM_SBDF(0, 0, 1, 0), host, 0),
                     0);
    assert_int_equal(xecam_assign_device(d, XECAM_SBDF(0, 0, 2, 0), host, 0),
                     -EBUSY);
    assert_int_equal(xecam_assign_device(d, XECAM_SBDF(1, 0, 1, 0), host, 0),
                     -EBUSY);
    assert_null(xecam_route_remove_vpci(d, XECAM_SBDF(0, 0, 2, 0)));
    assert_int_equal(xecam_deassign_device(d, XECAM_SBDF(0, 0, 1, 0)), 0);
    assert_int_equal(xecam_assign_device(d, XECAM_SBDF(0, 0, 2, 0), host, 0),
                     0);
}

static void test_segment_limit(void **state)
{
    unsigned int s;

    for ( s = 0; s < XECAM_MAX_SEGMENTS; s++ )
        assert_int_equal(h_vpci(d, XECAM_SBDF(s, 0, 0, 0), host_sbdf(0)), 0);
    assert_int_equal(h_vpci(d, XECAM_SBDF(s, 0, 0, 0), host_sbdf(0)),
                     -ENOSPC);
    /* More functions on existing segments are fine. */
    assert_int_equal(h_vpci(d, XECAM_SBDF(3, 200, 31, 7), host_sbdf(0)), 0);
}

/* Register 0x10 of a function through its segment's window (placed). */
static uint32_t fn_reg10(unsigned int s, unsigned int bus, unsigned int devfn)
{
    uint64_t v = 0;

    xecam_mmio_read(d, 0, seg_base(s) + ((uint64_t)bus << 20) +
                    ((uint64_t)devfn << 12) + 0x10, 4, &v);

    return v;
}

/*
 * What a removal leaves unowned is freed: a bus page once its last owner
 * (a vPCI function or a server's range) goes, a segment once its last bus
 * page does, whatever else the domain routes elsewhere; and a freed
 * segment's slot takes a new segment.
 */
static void test_trim_frees_what_is_unowned(void **state)
{
    struct xecam_vpci *dev;
    size_t base;
    unsigned int s;

    /* Something elsewhere that stays: segment 9, bus 9. */
    assert_int_equal(h_vpci(d, XECAM_SBDF(9, 9, 0, 0), host_sbdf(0)), 0);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 1, 0, 255,
                                              seg_base(1))), 0);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 9, 0, 255,
                                              seg_base(9))), 0);
    base = xecam_user_heap_bytes();

    /* Two functions on one bus: the bus stays until the second goes. */
    assert_int_equal(h_vpci(d, XECAM_SBDF(1, 5, 1, 0), host_sbdf(1)), 0);
    assert_int_equal(h_vpci(d, XECAM_SBDF(1, 5, 2, 0), host_sbdf(2)), 0);
    dev = xecam_route_remove_vpci(d, XECAM_SBDF(1, 5, 1, 0));
    assert_non_null(dev);
    xecam_vpci_destroy(dev);
    assert_true(xecam_user_heap_bytes() > base);
    assert_int_equal(fn_reg10(1, 5, 0x10), h_pattern(0x10, 4, 0x30));
    xecam_vpci_destroy(xecam_route_remove_vpci(d, XECAM_SBDF(1, 5, 2, 0)));
    assert_int_equal(xecam_user_heap_bytes(), base);

    /* A server's ranges over two segments: its destruction frees both. */
    assert_int_equal(xecam_ioreq_server_create(d, 3), 0);
    base = xecam_user_heap_bytes();
    assert_int_equal(xecam_ioreq_map_range(d, 3, XECAM_SBDF(2, 250, 0, 0),
                                           XECAM_SBDF(3, 2, 31, 7)), 0);
    assert_int_equal(xecam_ioreq_map_range(d, 3, XECAM_SBDF(4, 0, 0, 0),
                                           XECAM_SBDF(4, 0, 0, 7)), 0);
    assert_int_equal(xecam_ioreq_unmap_range(d, 3, XECAM_SBDF(4, 0, 0, 0),
                                             XECAM_SBDF(4, 0, 0, 7)), 0);
    assert_true(xecam_user_heap_bytes() > base);
    assert_int_equal(xecam_ioreq_server_destroy(d, 3), 0);
    assert_true(xecam_user_heap_bytes() < base);
    assert_int_equal(fn_reg10(9, 9, 0), h_pattern(0x10, 4, 0x10));

    /* Every other segment slot is free again. */
    for ( s = 0x100; s < 0x100 + XECAM_MAX_SEGMENTS - 1; s++ )
        assert_int_equal(h_vpci(d, XECAM_SBDF(s, 0, 0, 0), host_sbdf(0)), 0);
    assert_int_equal(h_vpci(d, XECAM_SBDF(s, 0, 0, 0), host_sbdf(0)),
                     -ENOSPC);
}

/* Every allocation or lock creation on the way can fail; nothing leaks. */
static void test_add_fault_injection(void **state)
{
    struct xecam_vpci *dev;
    unsigned long nth;
    unsigned int s;
    int rc;

    for ( s = 0; s < XECAM_MAX_SEGMENTS - 1; s++ )
        assert_int_equal(h_vpci(d, XECAM_SBDF(s, 0, 0, 0), host_sbdf(0)), 0);

    assert_int_equal(xecam_vpci_create(host_sbdf(1), &dev), 0);
    for ( nth = 1; ; nth++ )
    {
        xecam_user_fault_arm(XECAM_FAULT_ALL, nth);
        rc = xecam_route_add_vpci(d, XECAM_SBDF(0x77, 9, 0, 0), dev);
        if ( !xecam_user_fault_fired() )
            break;
        assert_int_equal(rc, -ENOMEM);
        assert_null(xecam_route_remove_vpci(d, XECAM_SBDF(0x77, 9, 0, 0)));
    }
    xecam_user_fault_arm(0, 0);
    assert_int_equal(rc, 0);
    assert_true(nth > 1);
    /* The failed attempts left no segment behind: the table is now full. */
    assert_int_equal(h_vpci(d, XECAM_SBDF(0x78, 0, 0, 0), host_sbdf(0)),
                     -ENOSPC);
}

static void test_vpci_create_faults(void **state)
{
    struct xecam_vpci *dev = NULL;
    unsigned long nth;
    int rc;

    for ( nth = 1; ; nth++ )
    {
        xecam_user_fault_arm(XECAM_FAULT_ALL, nth);
        rc = xecam_vpci_create(host_sbdf(0), &dev);
        if ( !xecam_user_fault_fired() )
            break;
        assert_int_equal(rc, -ENOMEM);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(nth, 3);       /* the device, then its lock */
    xecam_vpci_destroy(dev);
}

static void test_domain_create_faults(void **state)
{
    struct xecam_domain *nd = NULL;
    unsigned long nth;
    int rc;

    assert_int_equal(xecam_domain_create(9, 0x80, NULL, &nd), -EINVAL);
    for ( nth = 1; ; nth++ )
    {
        xecam_user_fault_arm(XECAM_FAULT_ALL, nth);
        rc = xecam_domain_create(9, 0, NULL, &nd);
        if ( !xecam_user_fault_fired() )
            break;
        assert_int_equal(rc, -ENOMEM);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(nth, 3);
    assert_int_equal(xecam_domain_id(nd), 9);
    xecam_domain_destroy(nd);
}

/* Destroying a domain frees its devices, servers and route pages. */
static void test_domain_destroy_frees(void **state)
{
    unsigned int s;

    for ( s = 0; s < XECAM_MAX_SEGMENTS; s++ )
    {
        assert_int_equal(h_vpci(d, XECAM_SBDF(s, s, 1, 0), host_sbdf(0)), 0);
        assert_int_equal(h_vpci(d, XECAM_SBDF(s, 255, 2, 0), host_sbdf(1)),
                         0);
    }
    assert_int_equal(xecam_ioreq_server_create(d, 5), 0);
    assert_int_equal(xecam_ioreq_map_range(d, 5, XECAM_SBDF(0, 3, 0, 0),
                                           XECAM_SBDF(0, 4, 31, 7)), 0);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 7, 0xe0000000)),
                     0);
    /* LeakSanitizer checks the rest at exit. */
    xecam_user_domain_remove(GUEST);
    assert_int_equal(h_get(TOOLSTACK, GUEST, 0, NULL), -ESRCH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_model_random),
        T(test_segment_delete_orders),
        T(test_duplicate_and_missing),
        T(test_route_once),
        T(test_assign_host_once),
        T(test_segment_limit),
        T(test_trim_frees_what_is_unowned),
        T(test_add_fault_injection),
        T(test_vpci_create_faults),
        T(test_domain_create_faults),
        T(test_domain_destroy_frees),
#undef T
    };

    return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}
