/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The domain lock is never held while a device model is asked:
 *
 * - a device model may call back into the module while it answers (QEMU
 *   moves the ECAM window when the guest writes the Q35 PCIEXBAR register);
 * - a silent device model holds up only the vcpu waiting for it, never an
 *   unrelated device, a hypercall or another server;
 * - what is sent is exactly the guest's access: 8-byte accesses low dword
 *   first, write data masked to the size, reads carrying all-ones.
 *
 * Orderings are checked with flags, not with timings.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "helpers.h"

#define BASE      0xe0000000ULL
#define NEW_BASE  0xb0000000ULL
#define HOSTBRIDGE XECAM_SBDF(0, 0, 0, 0)
#define PCIEXBAR  0x60
#define MAX_REQ   16

struct dm_state {
    pthread_mutex_t lock;
    bool silent;
    bool move_window;           /* on a PCIEXBAR write: remove, then set */
    long move_rc[2];
    unsigned int nr;
    ioreq_t req[MAX_REQ];
};

static struct xecam_domain *d;

static enum xecam_dm_answer handler(void *opaque, ioreq_t *req)
{
    struct dm_state *s = opaque;
    bool move;

    pthread_mutex_lock(&s->lock);
    if ( s->nr < MAX_REQ )
        s->req[s->nr++] = *req;
    move = s->move_window && req->dir == IOREQ_WRITE &&
           (req->addr & 0xfff) == PCIEXBAR;
    pthread_mutex_unlock(&s->lock);

    if ( s->silent )
        return XECAM_DM_SILENT;
    if ( move )
    {
        /* As the device model: this thread's caller is DM_DOM. */
        xecam_user_set_current(DM_DOM);
        s->move_rc[0] = h_remove(DM_DOM, GUEST, 0);
        s->move_rc[1] = h_set(DM_DOM, h_space(GUEST, 0, 0, 255, NEW_BASE));
    }
    if ( req->dir == IOREQ_READ )
        req->data = 0xa5a5a5a5U ^ (uint32_t)req->addr;

    return XECAM_DM_ANSWER;
}

static struct xecam_user_dm *start(struct dm_state *s, uint32_t lo,
                                   uint32_t hi)
{
    struct xecam_user_dm *dm;

    memset(s, 0, sizeof(*s));
    pthread_mutex_init(&s->lock, NULL);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 1), 0);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, lo, hi), 0);
    ck_assert_int_eq(xecam_user_dm_start(GUEST, 1, handler, s, &dm), 0);

    return dm;
}

static void setup(void)
{
    d = h_host(0);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, BASE)), 0);
}

static void teardown(void)
{
    xecam_user_reset();
}

static uint64_t gpa(uint64_t base, uint32_t sbdf, unsigned int reg)
{
    return base + ((uint64_t)XECAM_SBDF_BUS(sbdf) << 20) +
           ((uint64_t)XECAM_SBDF_DEVFN(sbdf) << 12) + reg;
}

START_TEST(test_dm_moves_window_while_answering)
{
    struct dm_state s;
    struct xecam_stats st;
    uint64_t v = 0;

    start(&s, HOSTBRIDGE, HOSTBRIDGE);
    s.move_window = true;
    xecam_user_ioreq_timeout(5000);

    xecam_mmio_write(d, 0, gpa(BASE, HOSTBRIDGE, PCIEXBAR), 4, NEW_BASE | 1);
    ck_assert_int_eq(s.move_rc[0], 0);
    ck_assert_int_eq(s.move_rc[1], 0);
    xecam_domain_stats(d, &st);
    ck_assert_uint_eq(st.ioreq_failed, 0);

    /* The window moved; the server still answers through it. */
    ck_assert(!xecam_mmio_accept(d, BASE));
    ck_assert(xecam_mmio_accept(d, NEW_BASE));
    xecam_mmio_read(d, 0, gpa(NEW_BASE, HOSTBRIDGE, 0), 4, &v);
    ck_assert_uint_eq(v, 0xa5a5a5a5U ^ 0);
    ck_assert_uint_eq(s.nr, 2);
}
END_TEST

struct waiter {
    uint64_t gpa;
    uint64_t val;
    bool done;
};

static void *silent_read(void *arg)
{
    struct waiter *w = arg;

    xecam_mmio_read(d, 1, w->gpa, 4, &w->val);
    __atomic_store_n(&w->done, true, __ATOMIC_RELEASE);

    return NULL;
}

static void wait_for_request(struct dm_state *s)
{
    unsigned int n;

    do {
        usleep(1000);
        pthread_mutex_lock(&s->lock);
        n = s->nr;
        pthread_mutex_unlock(&s->lock);
    } while ( !n );
}

START_TEST(test_silent_dm_stalls_nobody_else)
{
    const uint32_t dm_fn = XECAM_SBDF(0, 2, 0, 0);
    const uint32_t vpci_fn = XECAM_SBDF(0, 3, 0, 0);
    struct waiter w = { .gpa = gpa(BASE, dm_fn, 0) };
    struct dm_state s;
    pthread_t t;
    uint64_t v = 0;

    ck_assert_int_eq(h_pdev(XECAM_SBDF(0, 0x40, 0, 0), 0x11, 0x12348086), 0);
    ck_assert_int_eq(h_vpci(d, vpci_fn, XECAM_SBDF(0, 0x40, 0, 0)), 0);
    start(&s, dm_fn, dm_fn);
    s.silent = true;
    xecam_user_ioreq_timeout(3000);

    ck_assert_int_eq(pthread_create(&t, NULL, silent_read, &w), 0);
    wait_for_request(&s);       /* vcpu 1 now waits on the device model */

    /* Meanwhile: another device, hypercalls, server management. */
    xecam_mmio_read(d, 0, gpa(BASE, vpci_fn, 0), 4, &v);
    ck_assert_uint_eq(v, 0x12348086);
    ck_assert_int_eq(h_set(TOOLSTACK, h_space(GUEST, 1, 0, 0, 0xd0000000)),
                     0);
    ck_assert_int_eq(h_remove(TOOLSTACK, GUEST, 1), 0);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 2), 0);
    ck_assert_int_eq(xecam_ioreq_server_destroy(d, 2), 0);
    ck_assert(!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE));

    pthread_join(t, NULL);
    ck_assert_uint_eq(w.val, 0xffffffffU);
}
END_TEST

START_TEST(test_server_destroyed_while_asked)
{
    const uint32_t dm_fn = XECAM_SBDF(0, 2, 0, 0);
    struct waiter w = { .gpa = gpa(BASE, dm_fn, 0) };
    struct dm_state s;
    pthread_t t;

    start(&s, dm_fn, dm_fn);
    s.silent = true;
    xecam_user_ioreq_timeout(300);
    ck_assert_int_eq(pthread_create(&t, NULL, silent_read, &w), 0);
    wait_for_request(&s);
    /* Destroy and re-create it while the request is out. */
    ck_assert_int_eq(xecam_ioreq_server_destroy(d, 1), 0);
    ck_assert_int_eq(xecam_ioreq_server_create(d, 1), 0);
    ck_assert_int_eq(xecam_ioreq_map_range(d, 1, dm_fn, dm_fn), 0);
    pthread_join(t, NULL);
    ck_assert_uint_eq(w.val, 0xffffffffU);
    /* The timeout broke the old server, not its successor. */
    ck_assert_uint_eq(xecam_user_log_count("broke the ioreq protocol"), 0);
}
END_TEST

START_TEST(test_requests_are_the_guest_access)
{
    const uint32_t fn = XECAM_SBDF(0, 2, 0, 0);
    struct dm_state s;
    uint64_t v = 0;
    uint32_t v32 = 0;

    start(&s, fn, fn);
    xecam_user_ioreq_timeout(5000);

    /* 8 bytes: low dword first, then high; merged in that order. */
    xecam_mmio_read(d, 0, gpa(BASE, fn, 0x108), 8, &v);
    ck_assert_uint_eq(s.nr, 2);
    ck_assert_uint_eq(s.req[0].addr & 0xfff, 0x108);
    ck_assert_uint_eq(s.req[1].addr & 0xfff, 0x10c);
    ck_assert_uint_eq(v, ((uint64_t)(0xa5a5a5a5U ^ (uint32_t)s.req[1].addr)
                          << 32) | (0xa5a5a5a5U ^ (uint32_t)s.req[0].addr));
    /* Reads carry all-ones, so a device model that ignores them is safe. */
    ck_assert_uint_eq(s.req[0].data, 0xffffffffU);

    xecam_mmio_write(d, 0, gpa(BASE, fn, 0x10), 8, 0x1122334455667788ULL);
    ck_assert_uint_eq(s.nr, 4);
    ck_assert_uint_eq(s.req[2].data, 0x55667788U);
    ck_assert_uint_eq(s.req[3].data, 0x11223344U);

    /* Write data is masked to the access size. */
    xecam_mmio_write(d, 0, gpa(BASE, fn, 0x22), 2, 0xffffffffdead1234ULL);
    ck_assert_uint_eq(s.req[4].data, 0x1234);
    xecam_pio_write(d, 0, 0xcf8, 4, 0x80000000U | (fn << 8) | 0x40);
    xecam_pio_write(d, 0, 0xcfd, 1, 0x12345678U);
    ck_assert_uint_eq(s.req[5].data, 0x78);
    ck_assert_uint_eq(s.req[5].addr & 0xfff, 0x41);
    xecam_pio_read(d, 0, 0xcfe, 2, &v32);
    ck_assert_uint_eq(s.req[6].data, 0xffff);
}
END_TEST

static Suite *reentry_suite(void)
{
    Suite *s = suite_create("reentry");
    TCase *tc = tcase_create("lock");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_dm_moves_window_while_answering);
    tcase_add_test(tc, test_silent_dm_stalls_nobody_else);
    tcase_add_test(tc, test_server_destroyed_while_asked);
    tcase_add_test(tc, test_requests_are_the_guest_access);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(reentry_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);

    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
