/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace port: memory, locks and fault injection.
 */
#define _GNU_SOURCE             /* writer-preferring rwlocks */
#include <pthread.h>
#include <stdlib.h>

#include <xecam/port.h>
#include "port.h"

static unsigned int armed_kinds;
static unsigned long armed_nth, seen;
static bool fired;
static pthread_mutex_t fault_lock = PTHREAD_MUTEX_INITIALIZER;

void xecam_user_fault_arm(unsigned int kinds, unsigned long nth)
{
    pthread_mutex_lock(&fault_lock);
    armed_kinds = nth ? kinds : 0;
    armed_nth = nth;
    seen = 0;
    fired = false;
    pthread_mutex_unlock(&fault_lock);
}

bool xecam_user_fault_fired(void)
{
    bool f;

    pthread_mutex_lock(&fault_lock);
    f = fired;
    pthread_mutex_unlock(&fault_lock);

    return f;
}

bool xecam_user_fault(unsigned int kind)
{
    bool fail = false;

    pthread_mutex_lock(&fault_lock);
    if ( (armed_kinds & kind) && ++seen == armed_nth )
    {
        fail = fired = true;
        armed_kinds = 0;
    }
    pthread_mutex_unlock(&fault_lock);

    return fail;
}

void *xecam_port_zalloc(size_t size)
{
    return xecam_user_fault(XECAM_FAULT_ALLOC) ? NULL : calloc(1, size);
}

void xecam_port_free(void *ptr)
{
    free(ptr);
}

struct xecam_lock {
    pthread_rwlock_t rw;
};

int xecam_port_lock_create(struct xecam_lock **lock)
{
    struct xecam_lock *l;
    pthread_rwlockattr_t attr;
    int rc;

    if ( xecam_user_fault(XECAM_FAULT_LOCK) )
        return -ENOMEM;
    l = malloc(sizeof(*l));
    if ( !l )
        return -ENOMEM;
    /*
     * Writers first, like Xen's fair rwlocks: a waiting writer blocks new
     * readers, so a reader that waits on something shows up in tests.
     */
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr,
                                  PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    rc = pthread_rwlock_init(&l->rw, &attr);
    pthread_rwlockattr_destroy(&attr);
    if ( rc )
    {
        free(l);
        return -ENOMEM;
    }
    *lock = l;

    return 0;
}

void xecam_port_lock_destroy(struct xecam_lock *lock)
{
    if ( !lock )
        return;
    pthread_rwlock_destroy(&lock->rw);
    free(lock);
}

void xecam_port_read_lock(struct xecam_lock *lock)
{
    pthread_rwlock_rdlock(&lock->rw);
}

void xecam_port_read_unlock(struct xecam_lock *lock)
{
    pthread_rwlock_unlock(&lock->rw);
}

void xecam_port_write_lock(struct xecam_lock *lock)
{
    pthread_rwlock_wrlock(&lock->rw);
}

void xecam_port_write_unlock(struct xecam_lock *lock)
{
    pthread_rwlock_unlock(&lock->rw);
}
