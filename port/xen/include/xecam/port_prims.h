/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The core's primitives (the list is in <xecam/types.h>), Xen's: what Xen
 * 4.17 builds with itself, for compilers down to its x86 baseline (GCC
 * 4.1), which has neither the __atomic builtins nor _Static_assert.
 *
 * The orders are userspace's (port/user/include/xecam/port_prims.h, C11's),
 * kept here by x86's TSO: a load is not reordered with a later load or
 * store, nor a store with a later store.  Acquire and release then need
 * the compiler's ordering only, which Xen's smp_rmb() and smp_wmb() are on
 * x86 (barrier()); the other Xen architectures need more, hence the #error.
 */
#ifndef XECAM_PORT_PRIMS_H
#define XECAM_PORT_PRIMS_H

#include <xen/bitops.h>
#include <xen/lib.h>
#include <xen/string.h>
#include <asm/atomic.h>
#include <asm/system.h>

#ifndef CONFIG_X86
#error "xen-ecam's orderings are x86's (TSO)"
#endif

/*
 * BUILD_BUG_ON() is a statement, and the core asserts at file scope too: an
 * array type whose size BUILD_BUG_ON_ZERO() makes an error if c holds.
 */
#define XECAM_BUILD_BUG_ON(c)     XECAM_BUILD_BUG_ON_(c, __LINE__)
#define XECAM_BUILD_BUG_ON_(c, l) XECAM_BUILD_BUG_ON__(c, l)
#define XECAM_BUILD_BUG_ON__(c, l) \
    typedef char xecam_build_bug_on_##l[1 + BUILD_BUG_ON_ZERO(c)] \
        __maybe_unused
#define xecam_offsetof(t, m)      offsetof(t, m)
/* An ENDBR64 landing pad for CET-IBT. */
#define xecam_cf_check            cf_check

/* Xen's bit operations: it links no libgcc (__builtin_popcount() calls it). */
#define xecam_popcount(x)         hweight32(x)
#define xecam_ctz(x)              find_first_set_bit(x)
#define xecam_fls(x)              fls(x)
#define xecam_memset(d, c, n)     memset(d, c, n)
#define xecam_memcpy(d, s, n)     memcpy(d, s, n)

/* Relaxed: one mov, which the compiler neither splits, merges nor drops. */
#define xecam_read_once(x)        read_atomic(&(x))
#define xecam_write_once(x, v)    write_atomic(&(x), v)
/* lock xadd and xchg: atomic, and full barriers, more than asked. */
#define xecam_count(x)            ((void)arch_fetch_and_add(&(x), 1))
#define xecam_fetch_dec(x)        arch_fetch_and_add(&(x), -1)
#define xecam_xchg(x, v)          xchg(&(x), v)
#define xecam_cmpxchg(x, o, v)    cmpxchg(&(x), o, v)
/*
 * Acquire and release: the CPU keeps these orders already (TSO, above), and
 * smp_rmb() and smp_wmb(), barrier() on x86, keep the compiler from
 * breaking them.  load_acquire: one mov, then smp_rmb(), so no later access
 * moves above it.  store_release: smp_wmb(), then one mov, so no earlier
 * access moves below it.  fence_acquire: earlier loads stay before later
 * loads and stores.  fence_release: earlier loads and stores stay before
 * later stores.
 */
#define xecam_load_acquire(x) ({                    \
    typeof(x) xecam_v_ = read_atomic(&(x));         \
    smp_rmb();                                      \
    xecam_v_;                                       \
})
#define xecam_store_release(x, v) do {              \
    smp_wmb();                                      \
    write_atomic(&(x), v);                          \
} while ( 0 )
#define xecam_fence_acquire()     smp_rmb()
#define xecam_fence_release()     smp_wmb()
/* The compiler barrier asked for; cpu_relax() would add a pause. */
#define xecam_cpu_relax()         barrier()

#endif /* XECAM_PORT_PRIMS_H */
