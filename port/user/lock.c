/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace port: locks.
 *
 * The reader/writer lock is read-mostly, like Xen's percpu rwlocks.  A
 * reader announces itself in its thread's own slot and checks that no
 * writer is at work: a store and a load, nothing any other thread writes,
 * so readers on different threads never share a cache line.  A writer takes
 * the writers' mutex, raises the lock's flag (new readers then wait on the
 * slow path), and waits for every slot naming the lock to empty.  Writers go
 * first, like Xen's fair rwlocks: a reader that waits on something while
 * holding the lock shows up in the tests as a hang.
 *
 * The reader's store must be ordered before its load of the flag.  Where
 * the kernel has membarrier(2), the writer pays for that order (one system
 * call per write lock, none while no other thread has a slot) and the
 * reader needs no fence; elsewhere, and under ThreadSanitizer, which
 * cannot see membarrier, the reader's store is a sequentially consistent
 * one.
 *
 * A thread may hold read locks on up to NR_HELD locks at once; slots are
 * recycled when threads exit.  The mutex is a plain pthread mutex.
 *
 * Every acquire, release and destroy is checked against the lock order
 * first (lockcheck.c).
 *
 * Built with XECAM_USER_XEN_LOCKS (`make bench`'s library), the locks cost
 * what port/xen/port.c's cost in Xen: the mutex is a spinlock (an atomic to
 * take, a store to drop), a reader's store is a full barrier (as
 * percpu_read_lock()'s smp_mb()), and nothing checks the lock order.
 */
#include <errno.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <xecam/port.h>
#include "internal.h"

#define NR_SLOTS    1024
#define NR_HELD     4

struct xecam_lock {
    unsigned int writer;                /* a writer holds or wants it */
    pthread_mutex_t writers;            /* one writer at a time */
    pthread_mutex_t wait;               /* slow readers sleep on ... */
    pthread_cond_t done;                /* ... the writer's exit */
};

struct slot {
    const struct xecam_lock *held[NR_HELD];
    bool rcu;                           /* in an RCU read section */
    bool used;
} __attribute__((aligned(64)));

static struct slot slots[NR_SLOTS];
static unsigned int nr_slots;           /* high-water mark */
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t slot_key;
static pthread_once_t slot_once = PTHREAD_ONCE_INIT;
static __thread struct slot *my_slot;
static bool asymmetric;                 /* membarrier orders for readers */

static bool rcu_asymmetric;             /* the same, for RCU readers */

#ifdef XECAM_USER_XEN_LOCKS
#define lc_acquire(lock, how)   true
#define lc_release(lock, how)   true
#define lc_destroy(lock)        true
#define lc_none()               true
#else
#define lc_acquire(lock, how)   xecam_user_lc_acquire(lock, how)
#define lc_release(lock, how)   xecam_user_lc_release(lock, how)
#define lc_destroy(lock)        xecam_user_lc_destroy(lock)
#define lc_none()               xecam_user_lc_none()
#endif

#if defined(__SANITIZE_THREAD__)
#define TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TSAN 1
#endif
#endif

/*
 * Xen's read locks are a full barrier (smp_mb()) and its RCU readers none:
 * the bench's library (XECAM_USER_XEN_LOCKS) keeps the first and has the
 * writer pay for the second, as the other library does for both.
 */
static void membarrier_init(void)
{
#if !defined(TSAN)
    rcu_asymmetric = !syscall(__NR_membarrier,
                              MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0);
#endif
#if !defined(TSAN) && !defined(XECAM_USER_XEN_LOCKS)
    asymmetric = rcu_asymmetric;
#endif
}

static unsigned long barriers;

/* A full barrier on every CPU running one of our threads. */
static void membarrier_all(void)
{
    if ( syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) )
        abort();
    __atomic_add_fetch(&barriers, 1, __ATOMIC_RELAXED);
}

unsigned long xecam_user_lock_barriers(void)
{
    return __atomic_load_n(&barriers, __ATOMIC_RELAXED);
}

/*
 * No other thread has a slot, so none is reading, and a thread that takes
 * one later does so under slots_lock, after all this thread did before it
 * asked: a writer alone needs no barrier on other CPUs.
 */
static bool alone(void)
{
    unsigned int i, others = 0;

    pthread_mutex_lock(&slots_lock);
    for ( i = 0; i < nr_slots; i++ )
        others += slots[i].used && &slots[i] != my_slot;
    pthread_mutex_unlock(&slots_lock);

    return !others;
}

static void slot_release(void *p)
{
    struct slot *s = p;

    pthread_mutex_lock(&slots_lock);
    __atomic_store_n(&s->used, false, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&slots_lock);
}

static void slot_key_init(void)
{
    if ( pthread_key_create(&slot_key, slot_release) )
        abort();
    membarrier_init();
}

static struct slot *slot_get(void)
{
    unsigned int i;

    if ( my_slot )
        return my_slot;
    pthread_once(&slot_once, slot_key_init);
    pthread_mutex_lock(&slots_lock);
    for ( i = 0; i < NR_SLOTS && slots[i].used; i++ )
        continue;
    if ( i == NR_SLOTS )
        abort();                        /* 1024 live threads: not a test */
    slots[i].used = true;
    if ( i >= nr_slots )
        __atomic_store_n(&nr_slots, i + 1, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&slots_lock);
    my_slot = &slots[i];
    pthread_setspecific(slot_key, my_slot);

    return my_slot;
}

int xecam_port_lock_create(struct xecam_lock **lock)
{
    struct xecam_lock *l;

    if ( xecam_user_fault(XECAM_FAULT_LOCK) )
        return -ENOMEM;
    pthread_once(&slot_once, slot_key_init);
    l = calloc(1, sizeof(*l));
    if ( !l )
        return -ENOMEM;
    pthread_mutex_init(&l->writers, NULL);
    pthread_mutex_init(&l->wait, NULL);
    pthread_cond_init(&l->done, NULL);
    *lock = l;

    return 0;
}

void xecam_port_lock_destroy(struct xecam_lock *lock)
{
    if ( !lock || !lc_destroy(lock) )
        return;
    pthread_mutex_destroy(&lock->writers);
    pthread_mutex_destroy(&lock->wait);
    pthread_cond_destroy(&lock->done);
    free(lock);
}

static unsigned int held_index(const struct slot *s,
                               const struct xecam_lock *lock)
{
    unsigned int i;

    for ( i = 0; i < NR_HELD; i++ )
        if ( s->held[i] == lock )
            return i;
    abort();                            /* more than NR_HELD nested */
}

void xecam_port_read_lock(struct xecam_lock *lock)
{
    struct slot *s;
    unsigned int i;

    if ( !lc_acquire(lock, XECAM_LC_READ) )
        return;
    s = slot_get();
    i = s->held[0] ? held_index(s, NULL) : 0;      /* mostly the first */
    for ( ;; )
    {
        if ( asymmetric )
        {
            __atomic_store_n(&s->held[i], lock, __ATOMIC_RELAXED);
            __atomic_signal_fence(__ATOMIC_SEQ_CST);
            if ( !__atomic_load_n(&lock->writer, __ATOMIC_ACQUIRE) )
                return;
        }
        else
        {
            __atomic_store_n(&s->held[i], lock, __ATOMIC_SEQ_CST);
            if ( !__atomic_load_n(&lock->writer, __ATOMIC_SEQ_CST) )
                return;
        }
        /* A writer is in or coming: step back and sleep until it is out. */
        __atomic_store_n(&s->held[i], NULL, __ATOMIC_RELEASE);
        pthread_mutex_lock(&lock->wait);
        while ( __atomic_load_n(&lock->writer, __ATOMIC_ACQUIRE) )
            pthread_cond_wait(&lock->done, &lock->wait);
        pthread_mutex_unlock(&lock->wait);
    }
}

void xecam_port_read_unlock(struct xecam_lock *lock)
{
    struct slot *s = my_slot;
    unsigned int i;

    if ( !lc_release(lock, XECAM_LC_READ) )
        return;
    i = s->held[0] == lock ? 0 : held_index(s, lock);
    __atomic_store_n(&s->held[i], NULL, __ATOMIC_RELEASE);
}

void xecam_port_write_lock(struct xecam_lock *lock)
{
    unsigned int i, j, n;

    if ( !lc_acquire(lock, XECAM_LC_WRITE) )
        return;
    pthread_mutex_lock(&lock->writers);
    __atomic_store_n(&lock->writer, 1, __ATOMIC_SEQ_CST);
    if ( asymmetric && !alone() )
        membarrier_all();
    n = __atomic_load_n(&nr_slots, __ATOMIC_SEQ_CST);
    for ( i = 0; i < n; i++ )
        for ( j = 0; j < NR_HELD; j++ )
            while ( __atomic_load_n(&slots[i].held[j],
                                    __ATOMIC_SEQ_CST) == lock )
                sched_yield();
}

void xecam_port_write_unlock(struct xecam_lock *lock)
{
    if ( !lc_release(lock, XECAM_LC_WRITE) )
        return;
    pthread_mutex_lock(&lock->wait);
    __atomic_store_n(&lock->writer, 0, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&lock->done);
    pthread_mutex_unlock(&lock->wait);
    pthread_mutex_unlock(&lock->writers);
}

/*
 * RCU.  A read section sets its thread's slot's flag, as a reader of a lock
 * no writer ever takes would mark it; a grace period waits until each slot
 * has been seen without it.  Callbacks queue on a list; whoever queues one
 * holding no module lock and in no read section waits the grace period and
 * runs the list (xecam_user_reset() too): waiting while holding a device
 * mutex a reader wants would never end.
 */
#ifndef XECAM_USER_XEN_LOCKS
static const char rcu_marker;           /* lockcheck's name for sections */
#endif
static pthread_mutex_t rcu_list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct xecam_rcu_head *rcu_list;     /* opaque[0]: next; [1]: fn */
static unsigned long rcu_periods;

void xecam_port_rcu_read_lock(void)
{
    struct slot *s;

    if ( !lc_acquire(&rcu_marker, XECAM_LC_RCU) )
        return;
    s = slot_get();
    if ( rcu_asymmetric )
    {
        __atomic_store_n(&s->rcu, true, __ATOMIC_RELAXED);
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
    }
    else
        __atomic_store_n(&s->rcu, true, __ATOMIC_SEQ_CST);
}

void xecam_port_rcu_read_unlock(void)
{
    if ( lc_release(&rcu_marker, XECAM_LC_RCU) )
        __atomic_store_n(&my_slot->rcu, false, __ATOMIC_RELEASE);
}

/* Every read section running when it began has ended. */
static void rcu_grace_period(void)
{
    unsigned int i, n;

    pthread_once(&slot_once, slot_key_init);
    if ( !rcu_asymmetric )              /* a full barrier (TSan has no fence) */
        __atomic_fetch_add(&rcu_periods, 1, __ATOMIC_SEQ_CST);
    else if ( !alone() )
        membarrier_all();
    n = __atomic_load_n(&nr_slots, __ATOMIC_SEQ_CST);
    for ( i = 0; i < n; i++ )
        while ( __atomic_load_n(&slots[i].rcu, __ATOMIC_SEQ_CST) )
            sched_yield();
}

/* This thread may wait for readers: it holds nothing they could want. */
static bool may_wait(void)
{
    unsigned int j;

    for ( j = 0; my_slot && j < NR_HELD; j++ )
        if ( __atomic_load_n(&my_slot->held[j], __ATOMIC_RELAXED) )
            return false;

    return (!my_slot || !__atomic_load_n(&my_slot->rcu, __ATOMIC_RELAXED)) &&
           lc_none();
}

void xecam_user_rcu_barrier(void)
{
    struct xecam_rcu_head *h, *next;

    for ( ; ; )
    {
        pthread_mutex_lock(&rcu_list_lock);
        h = rcu_list;
        rcu_list = NULL;
        pthread_mutex_unlock(&rcu_list_lock);
        if ( !h )
            return;
        rcu_grace_period();
        for ( ; h; h = next )
        {
            void (*fn)(struct xecam_rcu_head *) =
                (void (*)(struct xecam_rcu_head *))h->opaque[1];

            next = h->opaque[0];
            fn(h);                      /* may queue more: the next round */
        }
    }
}

void xecam_port_call_rcu(struct xecam_rcu_head *h,
                         void (*fn)(struct xecam_rcu_head *h))
{
    h->opaque[1] = (void *)fn;
    pthread_mutex_lock(&rcu_list_lock);
    h->opaque[0] = rcu_list;
    rcu_list = h;
    pthread_mutex_unlock(&rcu_list_lock);
    if ( may_wait() )
        xecam_user_rcu_barrier();
}

#ifdef XECAM_USER_XEN_LOCKS
/*
 * Xen's spinlock_t, as port/xen's mutex is one: a ticket lock, an atomic
 * add to take and a plain add to drop, with the preemption count around
 * it (common/spinlock.c's _spin_lock and _spin_unlock, called out of line
 * as xecam_port_mutex_lock() is).
 */
struct xecam_mutex {
    uint32_t head_tail;
};

static __thread unsigned int preempt_count;

static void mutex_init(struct xecam_mutex *m)
{
    m->head_tail = 0;
}

static void mutex_fini(struct xecam_mutex *m)
{
    (void)m;
}

static void mutex_take(struct xecam_mutex *m)
{
    uint32_t t;

    preempt_count++;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    t = __atomic_fetch_add(&m->head_tail, 1U << 16, __ATOMIC_ACQUIRE) >> 16;
    while ( (uint16_t)__atomic_load_n(&m->head_tail, __ATOMIC_ACQUIRE) != t )
        __builtin_ia32_pause();
}

static void mutex_drop(struct xecam_mutex *m)
{
    uint16_t *head = (uint16_t *)&m->head_tail;     /* little-endian */

    __atomic_store_n(head, (uint16_t)(*head + 1), __ATOMIC_RELEASE);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    preempt_count--;
}
#else
struct xecam_mutex {
    pthread_mutex_t m;
};

static void mutex_init(struct xecam_mutex *m)
{
    pthread_mutex_init(&m->m, NULL);
}

static void mutex_fini(struct xecam_mutex *m)
{
    pthread_mutex_destroy(&m->m);
}

static void mutex_take(struct xecam_mutex *m)
{
    pthread_mutex_lock(&m->m);
}

static void mutex_drop(struct xecam_mutex *m)
{
    pthread_mutex_unlock(&m->m);
}
#endif

int xecam_port_mutex_create(struct xecam_mutex **m)
{
    if ( xecam_user_fault(XECAM_FAULT_LOCK) )
        return -ENOMEM;
    *m = calloc(1, sizeof(**m));
    if ( !*m )
        return -ENOMEM;
    mutex_init(*m);

    return 0;
}

void xecam_port_mutex_destroy(struct xecam_mutex *m)
{
    if ( !m || !lc_destroy(m) )
        return;
    mutex_fini(m);
    free(m);
}

void xecam_port_mutex_lock(struct xecam_mutex *m)
{
    if ( lc_acquire(m, XECAM_LC_MUTEX) )
        mutex_take(m);
}

void xecam_port_mutex_unlock(struct xecam_mutex *m)
{
    if ( lc_release(m, XECAM_LC_MUTEX) )
        mutex_drop(m);
}
