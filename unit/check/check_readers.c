/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Readers without locks, racing writers on other threads:
 *
 * - a vPCI register read never returns a value no write put there, while
 *   the register is rewritten, while other registers are added and removed
 *   around it (the chunks readers walk never move), and while it and its
 *   neighbours move between slots;
 * - the MMIO check answers for a window that stays put, while other
 *   windows of the domain are added and removed;
 * - full-path reads through the domain lock stay exact while a writer
 *   takes that lock again and again.
 *
 * Under ThreadSanitizer the readers take the locks (seqcount.h), so there
 * this suite checks the lock protocol instead.
 */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#include "helpers.h"

#define BASE    0xe0000000ULL
#define HOST    XECAM_SBDF(0, 0x40, 0, 0)
#define ROUNDS  200000
#define A       0x11111111U
#define B       0xeeeeeeeeU

struct race {
    struct xecam_domain *d;
    struct xecam_vpci *dev;
    bool stop;                  /* atomic: set by the reader when done */
    unsigned long torn, reads;
};

static void *rewrite_register(void *arg)
{
    struct race *r = arg;
    unsigned int i;

    for ( i = 0; !__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE); i++ )
        xecam_vpci_write(r->dev, 0x40, 4, i & 1 ? A : B);

    return NULL;
}

/* Registers come and go at 0x80 and above while 0x40 is read. */
static void *churn_registers(void *arg)
{
    struct race *r = arg;
    unsigned int i;

    while ( !__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE) )
    {
        for ( i = 0; i < 64; i++ )
        {
            struct xecam_vpci_reg reg = {
                .offset = 0x80 + 4 * i, .size = 4, .emu = ~0U,
            };

            ck_assert_int_eq(xecam_vpci_add_reg(r->dev, &reg), 0);
        }
        for ( i = 0; i < 64; i++ )
            ck_assert_int_eq(xecam_vpci_remove_reg(r->dev, 0x80 + 4 * i, 4),
                             0);
    }

    return NULL;
}

/*
 * The register read and its neighbours come and go: removing one moves the
 * last register into its slot and the next addition reuses the freed one,
 * so a reader holding a stale index would find another register there.
 */
#define C 0x5c5c5c5cU

static void *move_registers(void *arg)
{
    static const unsigned int offs[] = { 0x3c, 0x40, 0x44 };
    struct race *r = arg;
    unsigned int i;

    while ( !__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE) )
        for ( i = 0; i < 3; i++ )
        {
            struct xecam_vpci_reg reg = {
                .offset = offs[i], .size = 4, .emu = ~0U,
                .reset = offs[i] == 0x40 ? A : C,
            };

            ck_assert_int_eq(xecam_vpci_remove_reg(r->dev, offs[i], 4), 0);
            ck_assert_int_eq(xecam_vpci_add_reg(r->dev, &reg), 0);
        }

    return NULL;
}

static struct xecam_vpci *race_device(void)
{
    struct xecam_vpci_reg reg = {
        .offset = 0x40, .size = 4, .emu = ~0U, .reset = A,
    };
    uint8_t cfg[XECAM_CFG_SIZE] = { 0x86, 0x80 };
    struct xecam_vpci *dev;

    xecam_user_reset();
    ck_assert_int_eq(xecam_user_pdev_add(HOST, cfg, sizeof(cfg)), 0);
    ck_assert_int_eq(xecam_vpci_create(HOST, &dev), 0);
    ck_assert_int_eq(xecam_vpci_add_reg(dev, &reg), 0);

    return dev;
}

static void read_while(void *(*writer)(void *))
{
    struct race r = { .dev = race_device() };
    pthread_t t;
    unsigned int i;
    uint32_t v;

    ck_assert_int_eq(pthread_create(&t, NULL, writer, &r), 0);
    for ( i = 0; i < ROUNDS; i++ )
    {
        xecam_vpci_read(r.dev, 0x40, 4, &v);
        r.torn += v != A && v != B;
        xecam_vpci_read(r.dev, 0x42, 2, &v);
        r.torn += v != (A & 0xffff) && v != (B & 0xffff);
    }
    __atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
    pthread_join(t, NULL);
    ck_assert_uint_eq(r.torn, 0);
    xecam_vpci_destroy(r.dev);
    xecam_user_reset();
}

/* 0x40 reads A, or 0 from the device while it is gone; never C. */
START_TEST(test_registers_move_under_reader)
{
    struct race r = { .dev = race_device() };
    struct xecam_vpci_reg reg = { .size = 4, .emu = ~0U, .reset = C };
    pthread_t t;
    unsigned int i;
    uint32_t v;

    reg.offset = 0x3c;
    ck_assert_int_eq(xecam_vpci_add_reg(r.dev, &reg), 0);
    reg.offset = 0x44;
    ck_assert_int_eq(xecam_vpci_add_reg(r.dev, &reg), 0);
    ck_assert_int_eq(pthread_create(&t, NULL, move_registers, &r), 0);
    for ( i = 0; i < ROUNDS; i++ )
    {
        xecam_vpci_read(r.dev, 0x40, 4, &v);
        r.torn += v != A && v != 0;
        r.reads += v == A;
    }
    __atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
    pthread_join(t, NULL);
    ck_assert_uint_eq(r.torn, 0);
    ck_assert_uint_gt(r.reads, 0);
    xecam_vpci_destroy(r.dev);
    xecam_user_reset();
}
END_TEST

START_TEST(test_register_rewritten)
{
    read_while(rewrite_register);
}
END_TEST

START_TEST(test_registers_added_and_removed)
{
    read_while(churn_registers);
}
END_TEST

/* Segment 1's window comes and goes; segment 0's must always be seen. */
static void *churn_windows(void *arg)
{
    struct race *r = arg;

    while ( !__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE) )
    {
        ck_assert_int_eq(h_set(TOOLSTACK, h_space(GUEST, 1, 0, 15,
                                                  0xc0000000ULL)), 0);
        ck_assert_int_eq(h_remove(TOOLSTACK, GUEST, 1), 0);
    }

    return NULL;
}

START_TEST(test_window_check_while_windows_change)
{
    struct race r = { .d = h_host(0) };
    unsigned long misses = 0;
    pthread_t t;
    unsigned int i;

    ck_assert_ptr_nonnull(r.d);
    ck_assert_int_eq(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, BASE)), 0);
    ck_assert_int_eq(pthread_create(&t, NULL, churn_windows, &r), 0);
    for ( i = 0; i < ROUNDS; i++ )
    {
        misses += !xecam_mmio_accept(r.d, BASE + ((uint64_t)i << 12) % (256 << 20));
        misses += xecam_mmio_accept(r.d, BASE - 4096);
    }
    __atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
    pthread_join(t, NULL);
    ck_assert_uint_eq(misses, 0);
    xecam_user_reset();
}
END_TEST

/* The domain's write lock taken in a loop while a vCPU reads. */
static void *take_domain_lock(void *arg)
{
    struct race *r = arg;
    struct xen_hvm_ecam_space out;

    while ( !__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE) )
        ck_assert_int_eq(h_get(TOOLSTACK, GUEST, 0, &out), 0);

    return NULL;
}

START_TEST(test_full_path_while_domain_lock_taken)
{
    struct race r = { .d = h_host(0) };
    uint8_t cfg[XECAM_CFG_SIZE] = { 0x86, 0x80, 0x34, 0x12 };
    pthread_t t;
    unsigned int i;
    uint64_t v;

    ck_assert_ptr_nonnull(r.d);
    cfg[0x0b] = 0x02;
    ck_assert_int_eq(xecam_user_pdev_add(HOST, cfg, sizeof(cfg)), 0);
    ck_assert_int_eq(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, BASE)), 0);
    ck_assert_int_eq(xecam_assign_device(r.d, XECAM_SBDF(0, 0, 1, 0), HOST,
                                         0), 0);
    ck_assert_int_eq(pthread_create(&t, NULL, take_domain_lock, &r), 0);
    for ( i = 0; i < ROUNDS / 4; i++ )
    {
        ck_assert_int_eq(xecam_mmio_read(r.d, 0, BASE + (1 << 15), 4, &v),
                         XECAM_IO_OKAY);
        r.torn += v != 0x12348086;
    }
    __atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
    pthread_join(t, NULL);
    ck_assert_uint_eq(r.torn, 0);
    xecam_user_reset();
}
END_TEST

/*
 * An RCU reader keeps a device it found alive: the last put frees it only
 * once the reader's section has ended (xecam_vpci_put(), as an MSI-X
 * access through a trap relies on).  Broken, the reader reads freed memory
 * (AddressSanitizer) and the put returns before the reader is done.
 */
struct rcu_reader {
    struct xecam_vpci *dev;
    bool in, done;              /* atomic */
    uint32_t seen;
};

static void *rcu_reader(void *arg)
{
    struct rcu_reader *r = arg;

    xecam_port_rcu_read_lock();
    __atomic_store_n(&r->in, true, __ATOMIC_RELEASE);
    usleep(50000);              /* the put is waiting meanwhile */
    xecam_vpci_read(r->dev, 0x40, 4, &r->seen);
    __atomic_store_n(&r->done, true, __ATOMIC_RELEASE);
    xecam_port_rcu_read_unlock();

    return NULL;
}

START_TEST(test_rcu_reader_keeps_device)
{
    struct rcu_reader r = { .dev = race_device() };
    pthread_t t;

    ck_assert_int_eq(pthread_create(&t, NULL, rcu_reader, &r), 0);
    while ( !__atomic_load_n(&r.in, __ATOMIC_ACQUIRE) )
        sched_yield();
    xecam_vpci_destroy(r.dev);              /* the last reference */
    ck_assert(__atomic_load_n(&r.done, __ATOMIC_ACQUIRE));
    pthread_join(t, NULL);
    ck_assert_uint_eq(r.seen, A);
    xecam_user_reset();
}
END_TEST

/*
 * A reader that finds a device whose last reference is gone cannot take
 * one (the MSI-X path then treats the device as gone), and the device it
 * holds stays readable until its section ends, even when the last put is
 * its own, made inside the section.
 */
START_TEST(test_rcu_no_reference_once_gone)
{
    struct xecam_vpci *dev = race_device();
    uint32_t v = 0;

    xecam_vpci_get(dev);
    xecam_vpci_destroy(dev);                /* the creator's: one left */
    xecam_port_rcu_read_lock();
    ck_assert(xecam_vpci_get_live(dev));    /* 1 -> 2 */
    xecam_vpci_put(dev);
    xecam_vpci_put(dev);                    /* the last, in the section */
    ck_assert(!xecam_vpci_get_live(dev));
    xecam_vpci_read(dev, 0x40, 4, &v);      /* not freed yet */
    ck_assert_uint_eq(v, A);
    xecam_port_rcu_read_unlock();
    xecam_user_reset();                     /* frees it */
}
END_TEST

/*
 * A masked, unbound MSI-X entry's message is stored without the device's
 * lock (msix_table.c) while another vCPU unmasks and masks the entry again
 * and again (the host binding and unbinding it) and reads it: every read
 * sees a word some write put there, and once the race is over the next
 * unmask binds what the entry holds.
 */
#define MSIX_HOST   XECAM_SBDF(0, 0x30, 0, 0)
#define MSIX_CFG    (BASE + (3 << 15))          /* guest 00:03.0 */
#define MSIX_BAR    0xc0000000U
#define MSIX_DATA   (MSIX_BAR + 0x2000 + 8)     /* entry 0 */
#define MSIX_VC     (MSIX_BAR + 0x2000 + 12)
#define MSIX_WRITES 20000U

static void *write_message(void *arg)
{
    struct race *r = arg;
    uint32_t i;

    for ( i = 1; i <= MSIX_WRITES; i++ )
        ck_assert_int_eq(xecam_mmio_write(r->d, 1, MSIX_DATA, 4, i),
                         XECAM_IO_OKAY);
    __atomic_store_n(&r->stop, true, __ATOMIC_RELEASE);

    return NULL;
}

static void msix_device(struct xecam_domain *d)
{
    uint8_t cfg[XECAM_CFG_SIZE] = { 0x86, 0x80, 0x34, 0x12 };
    uint32_t table = 0x2000, pba = 0x3000;

    cfg[0x06] = 0x10;                           /* capability list */
    cfg[0x13] = 0xf0;                           /* BAR0 at 0xf0000000 */
    cfg[0x34] = 0x40;
    cfg[0x40] = 0x11;                           /* MSI-X, 8 entries */
    cfg[0x42] = 7;
    memcpy(&cfg[0x44], &table, 4);
    memcpy(&cfg[0x48], &pba, 4);
    ck_assert_int_eq(xecam_user_pdev_add(MSIX_HOST, cfg, sizeof(cfg)), 0);
    ck_assert_int_eq(xecam_user_pdev_bar(MSIX_HOST, 0, 0x10000), 0);
    ck_assert_int_eq(h_set(TOOLSTACK, h_space(GUEST, 0, 0, 255, BASE)), 0);
    ck_assert_int_eq(xecam_assign_device(d, XECAM_SBDF(0, 0, 3, 0),
                                         MSIX_HOST, 0), 0);
    ck_assert_int_eq(xecam_mmio_write(d, 0, MSIX_CFG + 0x10, 4, MSIX_BAR),
                     XECAM_IO_OKAY);
    ck_assert_int_eq(xecam_mmio_write(d, 0, MSIX_CFG + 0x04, 2, 0x0002),
                     XECAM_IO_OKAY);
    ck_assert_int_eq(xecam_mmio_write(d, 0, MSIX_CFG + 0x42, 2, 0x8000),
                     XECAM_IO_OKAY);              /* MSI-X on */
    ck_assert_int_eq(xecam_mmio_write(d, 0, MSIX_BAR + 0x2000, 4,
                                      0xfee00000U), XECAM_IO_OKAY);
}

START_TEST(test_msix_message_while_unmasked_and_masked)
{
    struct race r = { .d = h_host(0) };
    struct xecam_user_event ev;
    pthread_t t;
    uint64_t v;
    uint32_t data;

    ck_assert_ptr_nonnull(r.d);
    msix_device(r.d);
    ck_assert_int_eq(pthread_create(&t, NULL, write_message, &r), 0);
    while ( !__atomic_load_n(&r.stop, __ATOMIC_ACQUIRE) )
    {
        ck_assert_int_eq(xecam_mmio_write(r.d, 0, MSIX_VC, 4, 0),
                         XECAM_IO_OKAY);
        ck_assert_int_eq(xecam_mmio_read(r.d, 0, MSIX_DATA, 8, &v),
                         XECAM_IO_OKAY);
        data = v;
        r.torn += data > MSIX_WRITES || (v >> 32) > 1;
        ck_assert_int_eq(xecam_mmio_write(r.d, 0, MSIX_VC, 4, 1),
                         XECAM_IO_OKAY);
        r.reads++;
    }
    pthread_join(t, NULL);
    ck_assert_uint_eq(r.torn, 0);
    ck_assert_uint_gt(r.reads, 0);
    /* Masked, written (lock-free), unmasked: bound with what it holds. */
    ck_assert_int_eq(xecam_mmio_write(r.d, 0, MSIX_VC, 4, 1), XECAM_IO_OKAY);
    ck_assert_int_eq(xecam_mmio_write(r.d, 0, MSIX_DATA, 4, 0x77),
                     XECAM_IO_OKAY);
    ck_assert_int_eq(xecam_mmio_write(r.d, 0, MSIX_VC, 4, 0), XECAM_IO_OKAY);
    xecam_user_events_clear();
    ck_assert_int_eq(xecam_user_irq_raise(MSIX_HOST, true, 0), 1);
    ck_assert_uint_eq(xecam_user_events(&ev, 1), 1);
    ck_assert_int_eq(ev.kind, XECAM_EV_IRQ);
    ck_assert_uint_eq(ev.data, 0x77);              /* delivered as written */
    xecam_user_reset();
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("readers");
    TCase *tc = tcase_create("races");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_register_rewritten);
    tcase_add_test(tc, test_registers_added_and_removed);
    tcase_add_test(tc, test_registers_move_under_reader);
    tcase_add_test(tc, test_window_check_while_windows_change);
    tcase_add_test(tc, test_full_path_while_domain_lock_taken);
    tcase_add_test(tc, test_rcu_reader_keeps_device);
    tcase_add_test(tc, test_rcu_no_reference_once_gone);
    tcase_add_test(tc, test_msix_message_while_unmasked_and_masked);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);

    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
