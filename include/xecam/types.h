/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Basic types for code shared by the hypervisor and userspace builds.
 *
 * hvm/ and vpci/ include only this, never libc: inside Xen the types come
 * from <xen/types.h>, in the freestanding check from the compiler's own
 * predefined macros, in the userspace port from the C library.
 */
#ifndef XECAM_TYPES_H
#define XECAM_TYPES_H

#if defined(__XEN__)
#include <xen/types.h>
#include <xen/errno.h>
#include <xen/bitops.h>
#elif defined(XECAM_FREESTANDING)
typedef __INT8_TYPE__    int8_t;
typedef __INT16_TYPE__   int16_t;
typedef __INT32_TYPE__   int32_t;
typedef __INT64_TYPE__   int64_t;
typedef __UINT8_TYPE__   uint8_t;
typedef __UINT16_TYPE__  uint16_t;
typedef __UINT32_TYPE__  uint32_t;
typedef __UINT64_TYPE__  uint64_t;
typedef __UINTPTR_TYPE__ uintptr_t;
typedef __SIZE_TYPE__    size_t;
typedef _Bool            bool;
#define true  1
#define false 0
#define NULL  ((void *)0)
/* Xen's public errno values are the ones Xen itself returns. */
#define XEN_ERRNO(name, value) name = value,
enum xecam_errno {
#include <xen/errno.h>
};
/* Xen-internal (never returned to a guest): a hypercall continuation. */
#define ERESTART 85
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

/* Xen's public headers need the fixed-width types above. */
#include <public/xen.h>
#if defined(__XEN__)
#include <public/hvm/ioreq.h>
#else
#include <xen/hvm/ioreq.h>
#endif

#define XECAM_ARRAY_SIZE(a)  (sizeof(a) / sizeof((a)[0]))
#define XECAM_BUILD_BUG_ON(c) _Static_assert(!(c), #c)

/*
 * Functions called through a pointer (register hooks, capability set-up):
 * Xen's cf_check gives them an ENDBR64 landing pad for CET-IBT.
 */
#if defined(__XEN__)
#define xecam_cf_check          cf_check
#define xecam_popcount(x)       hweight32(x)   /* Xen links no libgcc */
#else
#define xecam_cf_check
#define xecam_popcount(x)       __builtin_popcount(x)
#endif

#define xecam_memset(d, c, n)  __builtin_memset(d, c, n)
#define xecam_memcpy(d, s, n)  __builtin_memcpy(d, s, n)

/* Counters and latched registers are updated without the domain lock. */
#define xecam_read_once(x)      __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define xecam_write_once(x, v)  __atomic_store_n(&(x), v, __ATOMIC_RELAXED)
#define xecam_count(x)          __atomic_fetch_add(&(x), 1, __ATOMIC_RELAXED)
/* A reference count's decrement: the old value. */
#define xecam_fetch_dec(x)      __atomic_fetch_sub(&(x), 1, __ATOMIC_ACQ_REL)
/* In a wait for another CPU: a barrier, so the wait reloads what it reads. */
#define xecam_cpu_relax()       __asm__ __volatile__ ( "" ::: "memory" )
/*
 * Per-access statistics: no locked instruction on the hot path, at the price
 * of a lost count when two vCPUs bump the same counter at once.
 */
#define xecam_count_stat(x) \
    xecam_write_once(x, xecam_read_once(x) + 1)
/* Set x to v, returning what it was (Xen: xchg). */
#define xecam_xchg(x, v)        __atomic_exchange_n(&(x), v, __ATOMIC_ACQ_REL)

#endif /* XECAM_TYPES_H */
