/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The userspace port's lock-order checker (docs/locking.md): each rule is
 * broken once, on purpose, and caught; what the order allows is not.
 *
 * - domain lock, then device mutex, then leaf calls: allowed;
 * - a domain lock under a device mutex, two domain locks, two device
 *   mutexes, a lock already held: caught, and a counted self-deadlock does
 *   not hang;
 * - every host call that can take a host lock, under each set of module
 *   locks: caught (the core makes none: its host work is deferred);
 * - releasing a lock not held, destroying a held one: caught, harmless;
 * - held locks are per thread;
 * - by default a violation aborts, saying what was held and attempted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <xecam/port.h>
#include "helpers.h"

#define HOST        XECAM_SBDF(0, 0x10, 0, 0)
#define REPORT_MAX  512

static struct xecam_domain *d;
static struct xecam_lock *dom_a, *dom_b;
static struct xecam_mutex *dev_a, *dev_b;

static int setup(void **state)
{
    d = h_host(0);
    if ( !d || h_pdev(HOST, 0x21, 0x12348086) ||
         xecam_port_lock_create(&dom_a) || xecam_port_lock_create(&dom_b) ||
         xecam_port_mutex_create(&dev_a) || xecam_port_mutex_create(&dev_b) )
        return -1;
    xecam_user_lockcheck_mode(XECAM_LOCKCHECK_COUNT);

    return 0;
}

static int teardown(void **state)
{
    xecam_port_lock_destroy(dom_a);
    xecam_port_lock_destroy(dom_b);
    xecam_port_mutex_destroy(dev_a);
    xecam_port_mutex_destroy(dev_b);
    xecam_user_reset();

    return 0;
}

/* The violations counted so far, and the count started again. */
static unsigned long taken(void)
{
    unsigned long n = xecam_user_lockcheck_violations();

    xecam_user_lockcheck_mode(XECAM_LOCKCHECK_COUNT);

    return n;
}

static void assert_report(const char *rule, const char *attempt,
                          const char *held)
{
    char r[REPORT_MAX];

    assert_true(xecam_user_lockcheck_last(r, sizeof(r)) > 0);
    if ( !strstr(r, rule) || !strstr(r, attempt) || !strstr(r, held) )
        fail_msg("report \"%s\" lacks \"%s\", \"%s\" or \"%s\"", r, rule,
                 attempt, held);
}

/* ---- The order ---- */

/* Leaf calls: config space, BAR sizes, the caller, logging, memory. */
static void leaf_calls(void)
{
    uint64_t size;
    uint32_t v;
    void *p;

    assert_int_equal(xecam_port_pci_read(HOST, 0, 4, &v), 0);
    assert_int_equal(xecam_port_pci_write(HOST, 0x40, 4, v), 0);
    assert_int_equal(xecam_port_pci_bar_size(HOST, 0, &size), 0);
    assert_int_equal(xecam_port_current_domid(), TOOLSTACK);
    xecam_port_log(XECAM_LOG_DEBUG, "lockcheck: a leaf call\n");
    p = xecam_port_zalloc(16);
    assert_non_null(p);
    xecam_port_free(p);
}

static void test_order_allowed(void **state)
{
    xecam_port_read_lock(dom_a);
    leaf_calls();
    xecam_port_mutex_lock(dev_a);
    leaf_calls();
    xecam_port_mutex_unlock(dev_a);
    xecam_port_read_unlock(dom_a);

    xecam_port_write_lock(dom_a);
    xecam_port_mutex_lock(dev_a);
    leaf_calls();
    xecam_port_mutex_unlock(dev_a);
    xecam_port_write_unlock(dom_a);

    /* One after the other is no nesting. */
    xecam_port_mutex_lock(dev_a);
    xecam_port_mutex_unlock(dev_a);
    xecam_port_mutex_lock(dev_b);
    xecam_port_mutex_unlock(dev_b);
    xecam_port_read_lock(dom_a);
    xecam_port_read_unlock(dom_a);
    xecam_port_write_lock(dom_b);
    xecam_port_write_unlock(dom_b);

    /* Released out of order: allowed. */
    xecam_port_read_lock(dom_a);
    xecam_port_mutex_lock(dev_a);
    xecam_port_read_unlock(dom_a);
    xecam_port_mutex_unlock(dev_a);

    assert_int_equal(taken(), 0);
}

static void test_domain_lock_under_device_mutex(void **state)
{
    xecam_port_mutex_lock(dev_a);
    xecam_port_read_lock(dom_a);
    xecam_port_read_unlock(dom_a);
    xecam_port_mutex_unlock(dev_a);
    assert_int_equal(taken(), 1);
    assert_report("domain lock under a device mutex",
                  "read lock of domain lock", "held: device mutex 0x");

    xecam_port_mutex_lock(dev_a);
    xecam_port_write_lock(dom_a);
    xecam_port_write_unlock(dom_a);
    xecam_port_mutex_unlock(dev_a);
    assert_int_equal(taken(), 1);
    assert_report("domain lock under a device mutex",
                  "write lock of domain lock", "held: device mutex 0x");

    /* Domain, device, then another domain: still caught. */
    xecam_port_read_lock(dom_a);
    xecam_port_mutex_lock(dev_a);
    xecam_port_read_lock(dom_b);
    xecam_port_read_unlock(dom_b);
    xecam_port_mutex_unlock(dev_a);
    xecam_port_read_unlock(dom_a);
    assert_int_equal(taken(), 1);
}

static void test_two_domain_locks(void **state)
{
    static const struct {
        bool write_a, write_b;
    } c[] = { { false, false }, { false, true }, { true, false },
              { true, true } };
    unsigned int i;

    for ( i = 0; i < XECAM_ARRAY_SIZE(c); i++ )
    {
        (c[i].write_a ? xecam_port_write_lock : xecam_port_read_lock)(dom_a);
        (c[i].write_b ? xecam_port_write_lock : xecam_port_read_lock)(dom_b);
        (c[i].write_b ? xecam_port_write_unlock
                      : xecam_port_read_unlock)(dom_b);
        (c[i].write_a ? xecam_port_write_unlock
                      : xecam_port_read_unlock)(dom_a);
        assert_int_equal(taken(), 1);
        assert_report("two domain locks at once", "lock of domain lock",
                      c[i].write_a ? "(write)" : "(read)");
    }
}

static void test_two_device_mutexes(void **state)
{
    xecam_port_mutex_lock(dev_a);
    xecam_port_mutex_lock(dev_b);
    xecam_port_mutex_unlock(dev_b);
    xecam_port_mutex_unlock(dev_a);
    assert_int_equal(taken(), 1);
    assert_report("two device mutexes at once", "lock of device mutex",
                  "held: device mutex 0x");

    /* Under a domain lock too. */
    xecam_port_read_lock(dom_a);
    xecam_port_mutex_lock(dev_a);
    xecam_port_mutex_lock(dev_b);
    xecam_port_mutex_unlock(dev_b);
    xecam_port_mutex_unlock(dev_a);
    xecam_port_read_unlock(dom_a);
    assert_int_equal(taken(), 1);
}

/* Counted, the second acquire is not made: nothing hangs. */
static void test_self_deadlock(void **state)
{
    static void (*const lock[])(struct xecam_lock *) = {
        xecam_port_read_lock, xecam_port_write_lock,
    };
    static void (*const unlock[])(struct xecam_lock *) = {
        xecam_port_read_unlock, xecam_port_write_unlock,
    };
    unsigned int a, b;

    for ( a = 0; a < 2; a++ )
        for ( b = 0; b < 2; b++ )
        {
            lock[a](dom_a);
            lock[b](dom_a);
            unlock[b](dom_a);
            unlock[a](dom_a);
            assert_int_equal(taken(), 1);
            assert_report("self-deadlock", "lock of domain lock",
                          a ? "(write)" : "(read)");
        }

    xecam_port_mutex_lock(dev_a);
    xecam_port_mutex_lock(dev_a);
    xecam_port_mutex_unlock(dev_a);
    xecam_port_mutex_unlock(dev_a);
    assert_int_equal(taken(), 1);
    assert_report("self-deadlock", "lock of device mutex", "device mutex");

    /* Both are free again. */
    xecam_port_write_lock(dom_a);
    xecam_port_mutex_lock(dev_a);
    xecam_port_mutex_unlock(dev_a);
    xecam_port_write_unlock(dom_a);
    assert_int_equal(taken(), 0);
}

/* ---- Host calls ---- */

enum call {
    BAR_MAP, MSI_BIND, MSIX_CONTROL, POWER_STATE, RESET_FUNCTION,
    GPA_RANGE_FREE, IOREQ_SEND, DOMAIN_GET, DOMAIN_PUT, COPY_FROM_GUEST,
    COPY_TO_GUEST, MAY_CONTROL, PCI_PHYSFN, PCI_VF_BAR_SIZE, MSI_UNBIND,
    MSIX_BIND, MSIX_UNBIND, IRQ_MASK, BAR_READ, BAR_WRITE, MSI_INJECT,
    NR_CALLS
};

static const char *const call_name[NR_CALLS] = {
    "xecam_port_bar_map()", "xecam_port_msi_bind()",
    "xecam_port_msix_control()", "xecam_port_power_state()",
    "xecam_port_reset_function()", "xecam_port_gpa_range_free()",
    "xecam_port_ioreq_send()", "xecam_port_domain_get()",
    "xecam_port_domain_put()", "xecam_port_copy_from_guest()",
    "xecam_port_copy_to_guest()", "xecam_port_may_control()",
    "xecam_port_pci_physfn()", "xecam_port_pci_vf_bar_size()",
    "xecam_port_msi_unbind()", "xecam_port_msix_bind()",
    "xecam_port_msix_unbind()", "xecam_port_irq_mask()",
    "xecam_port_bar_read()", "xecam_port_bar_write()",
    "xecam_port_msi_inject()",
};

/* Port calls host_call(c) makes: BAR_MAP maps and unmaps. */
static unsigned long nr_made(enum call c)
{
    return c == BAR_MAP ? 2 : 1;
}

/* Make the call; it still does what it does. */
static void host_call(enum call c)
{
    ioreq_t req = { .state = STATE_IOREQ_READY, .size = 4, .count = 1 };
    uint64_t buf = 0, done = 0, undone = 0;
    xecam_guest_handle_t h = { .p = &buf };
    const struct xecam_msi_msg msg = { .addr = 0xfee00000U, .data = 0x40 };
    int pirq = -1;
    uint32_t pf;

    switch ( c )
    {
    case BAR_MAP:
        assert_int_equal(xecam_port_bar_map(d, true, false, 0xf0000000ULL,
                                            0xfe000000ULL, 0x1000, false,
                                            &done), 0);
        assert_int_equal(xecam_port_bar_map(d, false, false, 0xf0000000ULL,
                                            0xfe000000ULL, 0x1000, false,
                                            &undone), 0);
        break;
    case MSI_BIND:
        assert_int_equal(xecam_port_msi_bind(d, HOST, &msg, 1, 0, &pirq), 0);
        break;
    case MSI_UNBIND:
        assert_int_equal(xecam_port_msi_unbind(d, HOST, 1000, 1), 0);
        break;
    case MSIX_BIND:
        assert_int_equal(xecam_port_msix_bind(d, HOST, 0, &msg, &pirq), 0);
        break;
    case MSIX_UNBIND:
        assert_int_equal(xecam_port_msix_unbind(d, HOST, 0, 1000), 0);
        break;
    case IRQ_MASK:
        xecam_port_irq_mask(d, 1000, true);     /* -ENOENT: none bound */
        break;
    case BAR_READ:
        assert_int_equal(xecam_port_bar_read(d, HOST, 0xfe000000ULL, 4,
                                             &buf),
                         0);
        break;
    case MSI_INJECT:
        assert_int_equal(xecam_port_msi_inject(d, 0xfee00000U, 0x40), 0);
        break;
    case BAR_WRITE:
        assert_int_equal(xecam_port_bar_write(d, HOST, 0xfe000000ULL, 4, 1),
                         0);
        break;
    case MSIX_CONTROL:
        assert_int_equal(xecam_port_msix_control(d, HOST, false, false), 0);
        break;
    case POWER_STATE:
        assert_int_equal(xecam_port_power_state(HOST, 0), 0);
        break;
    case RESET_FUNCTION:
        assert_int_equal(xecam_port_reset_function(HOST), 0);
        break;
    case GPA_RANGE_FREE:
        assert_int_equal(xecam_port_gpa_range_free(d, 0xe0000000ULL,
                                                   1 << 20, NULL), 0);
        break;
    case IOREQ_SEND:
        assert_int_equal(xecam_port_ioreq_send(d, 1, 0, &req), -ENODEV);
        break;
    case DOMAIN_GET:
        assert_ptr_equal(xecam_port_domain_get(GUEST), d);
        break;
    case DOMAIN_PUT:
        xecam_port_domain_put(d);
        break;
    case COPY_FROM_GUEST:
        assert_int_equal(xecam_port_copy_from_guest(&buf, h, 4), 0);
        break;
    case COPY_TO_GUEST:
        assert_int_equal(xecam_port_copy_to_guest(h, &buf, 4), 0);
        break;
    case MAY_CONTROL:
        assert_int_equal(xecam_port_may_control(TOOLSTACK, d), 0);
        break;
    case PCI_PHYSFN:
        assert_int_equal(xecam_port_pci_physfn(HOST, &pf), -ENODEV);
        break;
    case PCI_VF_BAR_SIZE:
        assert_int_equal(xecam_port_pci_vf_bar_size(HOST, 0, &buf), 0);
        break;
    case NR_CALLS:
        break;
    }
}

/* The module locks a host call is made under. */
enum held { DOM_READ, DOM_WRITE, DEV, DOM_READ_DEV, DOM_WRITE_DEV, NR_HELD };

static const char *const held_name[NR_HELD] = {
    "held: domain lock 0x", "held: domain lock 0x", "held: device mutex 0x",
    "(read), device mutex 0x", "(write), device mutex 0x",
};

static void call_under(enum held held, enum call c)
{
    bool read = held == DOM_READ || held == DOM_READ_DEV;
    bool write = held == DOM_WRITE || held == DOM_WRITE_DEV;
    bool dev = held >= DEV;

    if ( read )
        xecam_port_read_lock(dom_a);
    if ( write )
        xecam_port_write_lock(dom_a);
    if ( dev )
        xecam_port_mutex_lock(dev_a);
    host_call(c);
    if ( dev )
        xecam_port_mutex_unlock(dev_a);
    if ( write )
        xecam_port_write_unlock(dom_a);
    if ( read )
        xecam_port_read_unlock(dom_a);
}

/* Without a module lock: every call is allowed. */
static void test_host_calls_unlocked(void **state)
{
    unsigned int c;

    for ( c = 0; c < NR_CALLS; c++ )
        host_call(c);
    assert_int_equal(taken(), 0);
}

/* Every call under every set of module locks is caught. */
static void test_host_calls_under_locks(void **state)
{
    unsigned int c, held;

    for ( held = 0; held < NR_HELD; held++ )
        for ( c = 0; c < NR_CALLS; c++ )
        {
            call_under(held, c);
            if ( taken() != nr_made(c) )
                fail_msg("%s under %s: not caught", call_name[c],
                         held_name[held]);
            assert_report("host call under a module lock", call_name[c],
                          held_name[held]);
        }
}

/* ---- Releases and destruction ---- */

static void test_release_not_held(void **state)
{
    xecam_port_mutex_unlock(dev_a);
    assert_int_equal(taken(), 1);
    assert_report("release of a lock not held", "unlock of device mutex",
                  "held: nothing");

    xecam_port_read_unlock(dom_a);
    assert_int_equal(taken(), 1);

    /* Released the other way than it was taken. */
    xecam_port_write_lock(dom_a);
    xecam_port_read_unlock(dom_a);
    assert_int_equal(taken(), 1);
    assert_report("release of a lock not held", "read unlock of domain lock",
                  "(write)");
    xecam_port_write_unlock(dom_a);

    /* Nothing was released that was not held: both still work. */
    xecam_port_read_lock(dom_a);
    xecam_port_mutex_lock(dev_a);
    xecam_port_mutex_unlock(dev_a);
    xecam_port_read_unlock(dom_a);
    assert_int_equal(taken(), 0);
}

static void test_destroy_held(void **state)
{
    xecam_port_mutex_lock(dev_a);
    xecam_port_mutex_destroy(dev_a);        /* counted: left alone */
    assert_int_equal(taken(), 1);
    assert_report("destroy of a held lock", "destroy of device mutex",
                  "held: device mutex");
    xecam_port_mutex_unlock(dev_a);

    xecam_port_read_lock(dom_a);
    xecam_port_lock_destroy(dom_a);
    assert_int_equal(taken(), 1);
    assert_report("destroy of a held lock", "destroy of domain lock",
                  "held: domain lock");
    xecam_port_read_unlock(dom_a);
    assert_int_equal(taken(), 0);
}

/* ---- Threads ---- */

struct pair {
    pthread_barrier_t both_hold, done;
};

static void *hold_other(void *arg)
{
    struct pair *p = arg;

    xecam_port_read_lock(dom_b);
    xecam_port_mutex_lock(dev_b);
    pthread_barrier_wait(&p->both_hold);
    pthread_barrier_wait(&p->done);
    xecam_port_mutex_unlock(dev_b);
    xecam_port_read_unlock(dom_b);

    return NULL;
}

/* Another thread's locks are its own: nothing nests across threads. */
static void test_per_thread(void **state)
{
    struct pair p;
    pthread_t t;

    pthread_barrier_init(&p.both_hold, NULL, 2);
    pthread_barrier_init(&p.done, NULL, 2);
    assert_int_equal(pthread_create(&t, NULL, hold_other, &p), 0);
    xecam_port_read_lock(dom_a);
    xecam_port_mutex_lock(dev_a);
    pthread_barrier_wait(&p.both_hold);
    xecam_port_mutex_unlock(dev_a);
    xecam_port_read_unlock(dom_a);
    host_call(MAY_CONTROL);             /* the other thread holds locks */
    pthread_barrier_wait(&p.done);
    pthread_join(t, NULL);
    pthread_barrier_destroy(&p.both_hold);
    pthread_barrier_destroy(&p.done);
    assert_int_equal(taken(), 0);
}

/* ---- The default: abort, saying what was held and attempted ---- */

static void test_abort_by_default(void **state)
{
    char out[4096];
    size_t n = 0;
    ssize_t r;
    int fds[2], status;
    pid_t pid;

    if ( getenv("XECAM_LOCKCHECK") )
        skip();                         /* the environment's default */
    /* A clean host goes back to aborting. */
    xecam_user_reset();
    d = h_host(0);
    assert_non_null(d);
    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if ( !pid )
    {
        dup2(fds[1], 2);
        close(fds[0]);
        xecam_port_read_lock(dom_a);
        xecam_port_reset_function(HOST);
        _exit(0);                       /* not reached */
    }
    close(fds[1]);
    while ( n < sizeof(out) - 1 &&
            (r = read(fds[0], out + n, sizeof(out) - 1 - n)) > 0 )
        n += r;
    out[n] = '\0';
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
    if ( !strstr(out, "xecam lockcheck: host call under a module lock: "
                      "xecam_port_reset_function(); held: domain lock 0x") ||
         !strstr(out, "(read) (docs/locking.md)") )
        fail_msg("the report says: %s", out);
    xecam_user_lockcheck_mode(XECAM_LOCKCHECK_COUNT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_order_allowed),
        T(test_domain_lock_under_device_mutex),
        T(test_two_domain_locks),
        T(test_two_device_mutexes),
        T(test_self_deadlock),
        T(test_host_calls_unlocked),
        T(test_host_calls_under_locks),
        T(test_release_not_held),
        T(test_destroy_held),
        T(test_per_thread),
        T(test_abort_by_default),
#undef T
    };

    return cmocka_run_group_tests_name("lockcheck", tests, NULL, NULL);
}
