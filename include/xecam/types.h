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

/*
 * What the core takes from the compiler and the CPU comes from the port it
 * is built with, one header each: port/user/include/xecam/port_prims.h
 * (GCC's builtins) and port/xen/include/xecam/port_prims.h (Xen's own
 * primitives; Xen's x86 baseline, GCC 4.1, has neither __atomic nor
 * _Static_assert).  The core names nothing else (scripts/check-prims.sh).
 * Each port defines:
 *
 *   XECAM_BUILD_BUG_ON(c)       fails the build if c, at file or block scope
 *                               (a declaration: before a block's statements)
 *   xecam_offsetof(t, m)
 *   xecam_cf_check              on functions called through a pointer
 *   xecam_popcount(x)           set bits of 32-bit x
 *   xecam_ctz(x)                lowest set bit of 32-bit x, x != 0
 *   xecam_fls(x)                highest set bit of 32-bit x, plus 1;
 *                               x != 0
 *   xecam_memset(d, c, n), xecam_memcpy(d, s, n)
 *   xecam_cpu_relax()           in a wait for another CPU: a compiler
 *                               barrier, so the wait reloads what it reads
 *
 * and, on x an lvalue of 1, 2, 4 or 8 bytes, accessed whole:
 *
 *   xecam_read_once(x), xecam_write_once(x, v)   relaxed
 *   xecam_count(x)              relaxed x++, atomic; no value
 *   xecam_fetch_dec(x)          x--, atomic, acquire + release; the old x
 *   xecam_xchg(x, v)            x = v, returns the old x; acquire + release
 *   xecam_cmpxchg(x, o, v)      x = v if x was o; returns the old x;
 *                               acquire + release
 *   xecam_load_acquire(x), xecam_store_release(x, v)
 *   xecam_fence_acquire()       earlier loads before later loads and stores
 *   xecam_fence_release()       earlier loads and stores before later stores
 *
 * A port may order more than asked: Xen's count, fetch_dec, xchg and
 * cmpxchg are full barriers.
 */
#include <xecam/port_prims.h>

/*
 * Hot paths: a piece inlined whatever the compiler thinks, and a slow path
 * kept out of its caller (so the caller stays a leaf).  Xen's headers make
 * always_inline and noinline macros: only the __x__ spellings are safe.
 */
#define xecam_always_inline inline __attribute__((__always_inline__))
#define xecam_noinline      __attribute__((__noinline__))

/*
 * Per-access statistics: no locked instruction on the hot path, at the price
 * of a lost count when two vCPUs bump the same counter at once.
 */
#define xecam_count_stat(x) \
    xecam_write_once(x, xecam_read_once(x) + 1)

#endif /* XECAM_TYPES_H */
