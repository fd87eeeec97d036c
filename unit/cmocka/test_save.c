/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The module's HVM save record (hvm/save.c) and the preemptible p2m walk of
 * HVMOP_set_ecam_space (hvm/hypercall.c):
 *  - a domain's windows and CF8 latch come back from its record into a
 *    fresh domain, and accesses decode as before;
 *  - every malformed field of a record is refused with -EINVAL (or -EEXIST
 *    over RAM, -EBUSY onto a domain with windows) and changes nothing;
 *  - a placement preempted in its p2m walk goes on where it stopped, so it
 *    ends however often it is preempted, and a different call starts over.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"

#define MIB(x)  ((uint64_t)(x) << XEN_HVM_ECAM_BUS_SHIFT)
#define BASE0   0xe0000000ULL
#define BASE1   0xd0000000ULL
#define LATCH   (0x80000000U | (1U << 16) | (2U << 11) | (3U << 8) | 0x40)

static int setup(void **state)
{
    *state = h_host(0);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    xecam_user_reset();
    return 0;
}

/* GUEST with two windows and a latch. */
static struct xecam_domain *populated(void)
{
    struct xecam_domain *d = xecam_port_domain_get(GUEST);

    xecam_port_domain_put(d);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, BASE0)), 0);
    assert_int_equal(h_set(TOOLSTACK, h_space(GUEST, 3, 4, 7, BASE1)), 0);
    assert_int_equal(xecam_pio_write(d, 0, XECAM_PCI_CF8, 4, LATCH),
                     XECAM_IO_OKAY);
    return d;
}

/* A domain as restore makes it: new, no windows. */
static struct xecam_domain *fresh(domid_t id)
{
    struct xecam_domain *d = NULL;

    assert_int_equal(xecam_user_domain_add(id, 0, &d), 0);
    assert_non_null(d);
    return d;
}

static void assert_same_state(struct xecam_domain *a, struct xecam_domain *b)
{
    struct xen_hvm_ecam_record ra, rb;

    assert_int_equal(xecam_domain_save(a, &ra), xecam_domain_save(b, &rb));
    assert_memory_equal(&ra, &rb, sizeof(ra));
}

static void test_no_window_no_record(void **state)
{
    struct xen_hvm_ecam_record rec;

    assert_false(xecam_domain_save(*state, &rec));
}

static void test_round_trip(void **state)
{
    struct xecam_domain *d = populated(), *n = fresh(OTHER + 1);
    struct xen_hvm_ecam_record rec;
    struct xen_hvm_ecam_space sp;
    uint32_t v = 0;
    uint32_t sbdf;
    unsigned int reg;

    assert_true(xecam_domain_save(d, &rec));
    assert_int_equal(rec.version, XEN_HVM_ECAM_RECORD_VERSION);
    assert_int_equal(rec.nr_windows, 2);
    assert_int_equal(rec.cf8, LATCH);
    assert_int_equal(xecam_domain_load(n, &rec), 0);
    assert_same_state(d, n);
    assert_int_equal(h_get(TOOLSTACK, OTHER + 1, 3, &sp), 0);
    assert_int_equal(sp.start_bus, 4);
    assert_int_equal(sp.end_bus, 7);
    assert_true(sp.base == BASE1);
    assert_int_equal(xecam_pio_read(n, 0, XECAM_PCI_CF8, 4, &v),
                     XECAM_IO_OKAY);
    assert_int_equal(v, LATCH);
    assert_true(xecam_mmio_accept(n, BASE1 + MIB(4) - 1));
    assert_false(xecam_mmio_accept(n, BASE1 + MIB(4)));
    assert_true(xecam_mmio_decode(n, BASE1 + MIB(1) + 0x3004, &sbdf, &reg));
    assert_int_equal(sbdf, (3U << 16) | (5U << 8) | 3);
    assert_int_equal(reg, 4);
}

/* Each corruption: refused with 'want', and the fresh domain unchanged. */
static void refused(struct xecam_domain *n, const struct xen_hvm_ecam_record *r,
                    int want, const char *what)
{
    struct xen_hvm_ecam_record after;
    uint32_t v = 0;
    int rc = xecam_domain_load(n, r);

    if ( rc != want )
        fail_msg("%s: %d, not %d", what, rc, want);
    assert_false(xecam_domain_save(n, &after));
    assert_false(xecam_domain_has_window(n));
    xecam_pio_read(n, 0, XECAM_PCI_CF8, 4, &v);
    assert_int_equal(v, 0);
}

static void test_hostile_records(void **state)
{
    struct xecam_domain *n = fresh(OTHER + 1);
    struct xen_hvm_ecam_record good, r;

    assert_true(xecam_domain_save(populated(), &good));
#define CASE(want, what, stmt) do { r = good; stmt; refused(n, &r, want, what); } \
    while ( 0 )
    CASE(-EINVAL, "version 0", r.version = 0);
    CASE(-EINVAL, "version 2", r.version = 2);
    CASE(-EINVAL, "rsvd0", r.rsvd0 = 1);
    CASE(-EINVAL, "rsvd1", r.rsvd1 = 0x80000000U);
    CASE(-EINVAL, "nr_windows 9", r.nr_windows = 9);
    CASE(-EINVAL, "nr_windows 0xffff", r.nr_windows = 0xffff);
    CASE(-EINVAL, "an unused entry not zero", r.window[5].base = BASE0);
    CASE(-EINVAL, "a dropped entry left behind", r.nr_windows = 1);
    CASE(-EINVAL, "window rsvd", r.window[1].rsvd = 1);
    CASE(-EINVAL, "buses out of order",
         (r.window[1].start_bus = 9, r.window[1].end_bus = 8));
    CASE(-EINVAL, "misaligned base", r.window[0].base = BASE0 + MIB(1));
    CASE(-EINVAL, "two windows on one segment", r.window[1].segment = 0);
    CASE(-EINVAL, "two windows overlap",
         r.window[1].base = BASE0 + MIB(16));
    CASE(-EINVAL, "latch reserved bits", r.cf8 = LATCH | 3);
    CASE(-EINVAL, "latch extended bits without CF8_EXT",
         r.cf8 = LATCH | (1U << 24));
    CASE(-EINVAL, "beyond the address width",
         r.window[1].base = 1ULL << 60);
    xecam_user_p2m_add(OTHER + 1, BASE1 + MIB(3), 4096);
    CASE(-EEXIST, "a window over RAM", (void)0);
#undef CASE
}

static void test_load_onto_windows_refused(void **state)
{
    struct xecam_domain *d = populated(), *n = fresh(OTHER + 1);
    struct xen_hvm_ecam_record rec, mine;

    assert_true(xecam_domain_save(d, &rec));
    assert_int_equal(h_set(TOOLSTACK, h_space(OTHER + 1, 9, 0, 0, 0xc0000000)),
                     0);
    assert_true(xecam_domain_save(n, &mine));
    assert_int_equal(xecam_domain_load(n, &rec), -EBUSY);
    assert_true(xecam_domain_save(n, &rec));
    assert_memory_equal(&rec, &mine, sizeof(rec));
}

static void test_load_fault_injection(void **state)
{
    struct xecam_domain *n = fresh(OTHER + 1);
    struct xen_hvm_ecam_record rec;

    assert_true(xecam_domain_save(populated(), &rec));
    /* The second window's p2m query fails: the first is not taken. */
    xecam_user_fault_arm(XECAM_FAULT_P2M, 2);
    assert_int_equal(xecam_domain_load(n, &rec), -ENOMEM);
    assert_true(xecam_user_fault_fired());
    xecam_user_fault_arm(0, 0);
    assert_false(xecam_domain_has_window(n));
    assert_int_equal(xecam_domain_load(n, &rec), 0);
}

/*
 * Preempted after every 16 MiB of a 256 MiB walk: the continuation goes on,
 * so the call succeeds after 16 tries; from the start each time, it never
 * would.
 */
static void test_preempted_walk_goes_on(void **state)
{
    struct xen_hvm_ecam_space a = h_space(GUEST, 0, 0, 255, BASE0);
    unsigned int calls = 0;
    long rc;

    xecam_user_p2m_preempt(GUEST, MIB(16));
    do
        rc = h_set(TOOLSTACK, a);
    while ( rc == -ERESTART && ++calls < 100 );
    assert_int_equal(rc, 0);
    assert_int_equal(calls, 15);
    assert_true(xecam_mmio_accept(*state, BASE0 + MIB(256) - 1));
}

/* RAM in the last 16 MiB: found by the continuation that walks there. */
static void test_preempted_walk_finds_ram(void **state)
{
    struct xen_hvm_ecam_space a = h_space(GUEST, 0, 0, 255, BASE0);
    unsigned int calls = 0;
    long rc;

    xecam_user_p2m_preempt(GUEST, MIB(16));
    xecam_user_p2m_add(GUEST, BASE0 + MIB(250), 4096);
    do
        rc = h_set(TOOLSTACK, a);
    while ( rc == -ERESTART && ++calls < 100 );
    assert_int_equal(rc, -EEXIST);
    assert_int_equal(calls, 15);
    assert_false(xecam_domain_has_window(*state));
}

/*
 * Another caller, or another call in between: the walk starts over, and
 * finds the RAM the first walk had passed.
 */
static void test_preempted_walk_other_call_starts_over(void **state)
{
    struct xen_hvm_ecam_space a = h_space(GUEST, 0, 0, 255, BASE0);
    struct xen_hvm_ecam_space b = h_space(GUEST, 0, 0, 255, BASE1);

    xecam_user_p2m_preempt(GUEST, MIB(64));
    assert_int_equal(h_set(TOOLSTACK, a), -ERESTART);
    xecam_user_p2m_add(GUEST, BASE0, 4096);
    assert_int_equal(h_set(DM_DOM, a), -EEXIST);
    assert_int_equal(h_set(TOOLSTACK, a), -EEXIST);
    assert_int_equal(h_set(TOOLSTACK, b), -ERESTART);
    assert_int_equal(h_set(TOOLSTACK, a), -EEXIST);
    assert_false(xecam_domain_has_window(*state));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_no_window_no_record),
        T(test_round_trip),
        T(test_hostile_records),
        T(test_load_onto_windows_refused),
        T(test_load_fault_injection),
        T(test_preempted_walk_goes_on),
        T(test_preempted_walk_finds_ram),
        T(test_preempted_walk_other_call_starts_over),
    };
#undef T

    return cmocka_run_group_tests_name("save", tests, NULL, NULL);
}
