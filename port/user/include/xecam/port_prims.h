/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The core's primitives (the list is in <xecam/types.h>), userspace's: the
 * compiler's builtins, and GCC's __atomic ones with their C11 memory
 * orders, which ThreadSanitizer understands.
 *
 * No header at all, libc's least: `make freestanding` builds hvm/ and vpci/
 * with this file under -ffreestanding -nostdinc, and so proves they need no
 * libc.  Xen's own port_prims.h is built by `make xen-intree` only, against
 * Xen's headers.
 */
#ifndef XECAM_PORT_PRIMS_H
#define XECAM_PORT_PRIMS_H

#define XECAM_BUILD_BUG_ON(c)     _Static_assert(!(c), #c)
#define xecam_offsetof(t, m)      __builtin_offsetof(t, m)
#define xecam_cf_check

#define xecam_popcount(x)         __builtin_popcount(x)
#define xecam_ctz(x)              __builtin_ctz(x)
#define xecam_fls(x)              (32 - __builtin_clz(x))
#define xecam_memset(d, c, n)     __builtin_memset(d, c, n)
#define xecam_memcpy(d, s, n)     __builtin_memcpy(d, s, n)

#define xecam_read_once(x)        __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define xecam_write_once(x, v)    __atomic_store_n(&(x), v, __ATOMIC_RELAXED)
#define xecam_count(x) \
    ((void)__atomic_fetch_add(&(x), 1, __ATOMIC_RELAXED))
#define xecam_fetch_dec(x)        __atomic_fetch_sub(&(x), 1, __ATOMIC_ACQ_REL)
#define xecam_xchg(x, v)          __atomic_exchange_n(&(x), v, __ATOMIC_ACQ_REL)
#define xecam_cmpxchg(x, o, v) ({                                           \
    __typeof__(x) xecam_o_ = (o);                                           \
    __atomic_compare_exchange_n(&(x), &xecam_o_, v, 0,                      \
                                __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);        \
    xecam_o_;                                                               \
})
#define xecam_load_acquire(x)     __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define xecam_store_release(x, v) __atomic_store_n(&(x), v, __ATOMIC_RELEASE)
#define xecam_fence_acquire()     __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xecam_fence_release()     __atomic_thread_fence(__ATOMIC_RELEASE)
#define xecam_cpu_relax()         __asm__ __volatile__ ( "" ::: "memory" )

#endif /* XECAM_PORT_PRIMS_H */
