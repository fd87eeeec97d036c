/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace port: memory and fault injection.
 */
#include <pthread.h>
#include <malloc.h>
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

/* Bytes the module holds now (malloc's usable sizes: no overhead). */
static size_t heap_live;

size_t xecam_user_heap_bytes(void)
{
    return __atomic_load_n(&heap_live, __ATOMIC_RELAXED);
}

void *xecam_port_zalloc(size_t size)
{
    void *p = xecam_user_fault(XECAM_FAULT_ALLOC) ? NULL : calloc(1, size);

    if ( p )
        __atomic_add_fetch(&heap_live, malloc_usable_size(p),
                           __ATOMIC_RELAXED);

    return p;
}

void xecam_port_free(void *ptr)
{
    if ( ptr )
        __atomic_sub_fetch(&heap_live, malloc_usable_size(ptr),
                           __ATOMIC_RELAXED);
    free(ptr);
}
