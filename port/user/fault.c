/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace port: memory and fault injection.
 */
#include <pthread.h>
#include <stdlib.h>

#include <xecam/port.h>
#include "internal.h"

static unsigned int armed_kinds;
static unsigned long armed_nth, seen;
static bool fired;
static pthread_mutex_t fault_lock = PTHREAD_MUTEX_INITIALIZER;

void xecam_user_fault_arm(unsigned int kinds, unsigned long nth)
{
    pthread_mutex_lock(&fault_lock);
    armed_nth = nth;
    seen = 0;
    fired = false;
    __atomic_store_n(&armed_kinds, nth ? kinds : 0, __ATOMIC_RELEASE);
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

    if ( !__atomic_load_n(&armed_kinds, __ATOMIC_ACQUIRE) )
        return false;                   /* the common case, lock-free */
    pthread_mutex_lock(&fault_lock);
    if ( (armed_kinds & kind) && ++seen == armed_nth )
    {
        fail = fired = true;
        __atomic_store_n(&armed_kinds, 0, __ATOMIC_RELEASE);
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
