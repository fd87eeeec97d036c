/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The userspace port's locks: when a writer pays for its readers' order.
 * A read lock's store and its load of the writer's flag are ordered by the
 * writer's membarrier(2), which a write lock and an RCU grace period send
 * while another thread holds a reader's slot, and only then: a thread
 * that takes a slot later takes it after the writer's stores.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include <xecam/port.h>
#include "helpers.h"

static struct xecam_lock *lock;

static int setup(void **state)
{
    long cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

    if ( cmds < 0 || !(cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) )
        return 0;               /* the tests skip: no barrier to count */
    *state = &lock;

    return xecam_port_lock_create(&lock);
}

static int teardown(void **state)
{
    if ( *state )
        xecam_port_lock_destroy(lock);
    xecam_user_reset();

    return 0;
}

static unsigned int callbacks;

static void callback(struct xecam_rcu_head *h)
{
    (void)h;
    callbacks++;
}

/* Barriers sent by one write lock and one RCU grace period. */
static unsigned long write_and_wait(void)
{
    static struct xecam_rcu_head h;
    unsigned long n = xecam_user_lock_barriers();
    unsigned int c = callbacks;

    xecam_port_write_lock(lock);
    xecam_port_write_unlock(lock);
    xecam_port_call_rcu(&h, callback);  /* waits: this thread holds none */
    assert_int_equal(callbacks, c + 1);

    return xecam_user_lock_barriers() - n;
}

static void test_alone_sends_none(void **state)
{
    if ( !*state )
        skip();
    xecam_port_read_lock(lock);         /* this thread's own slot */
    xecam_port_read_unlock(lock);
    assert_int_equal(write_and_wait(), 0);
}

struct reader {
    pthread_barrier_t has_slot, may_go;
};

static void *reader(void *arg)
{
    struct reader *r = arg;

    xecam_port_read_lock(lock);
    xecam_port_read_unlock(lock);       /* the slot stays: the thread lives */
    pthread_barrier_wait(&r->has_slot);
    pthread_barrier_wait(&r->may_go);

    return NULL;
}

static void test_reader_thread_gets_them(void **state)
{
    struct reader r;
    pthread_t t;

    if ( !*state )
        skip();
    pthread_barrier_init(&r.has_slot, NULL, 2);
    pthread_barrier_init(&r.may_go, NULL, 2);
    assert_int_equal(pthread_create(&t, NULL, reader, &r), 0);
    pthread_barrier_wait(&r.has_slot);
    assert_int_equal(write_and_wait(), 2);

    pthread_barrier_wait(&r.may_go);
    pthread_join(t, NULL);              /* its slot is free again */
    assert_int_equal(write_and_wait(), 0);
    pthread_barrier_destroy(&r.has_slot);
    pthread_barrier_destroy(&r.may_go);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_alone_sends_none, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reader_thread_gets_them, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
