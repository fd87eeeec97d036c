/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace port: the lock order of docs/locking.md, checked at run time.
 *
 * Each thread keeps the module locks it holds (domain locks, device
 * mutexes) in a thread-local stack.  Every acquire is checked against it:
 *
 *   - a lock the thread already holds (self-deadlock: neither Xen's percpu
 *     rwlock nor its spinlock is recursive);
 *   - a second domain lock, or a domain lock under a device mutex;
 *   - a second device mutex;
 *
 * and every port call that can take a host lock (the forbidden ones: BAR
 * map, MSI/MSI-X, power, reset, p2m query, ioreq send, domain lookup, guest
 * copies, XSM, SR-IOV lookups) fails if any module lock is held.
 * Releasing a lock the thread does not hold, or destroying one it holds, is
 * a violation too.
 *
 * A violation prints what was held and what was attempted, and aborts: a
 * test that triggers one fails loudly.  Negative tests switch to counting
 * (xecam_user_lockcheck_mode()).  A self-deadlock that is counted does not
 * take the lock (it would hang), and its release releases nothing; a
 * counted release of a lock not held, or destroy of a held one, does
 * nothing either.
 *
 * The environment can change the defaults (xecam_user_reset() goes back to
 * them): XECAM_LOCKCHECK=warn prints every violation with its stack and goes
 * on.  =off checks nothing at all: for benchmarks (make bench), never for
 * tests.  No host call is allowed under any module lock: the core defers
 * all of its host work (vpci/work.c, vpci/hostop.c).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#include <sanitizer/common_interface_defs.h>
#define stack_trace() __sanitizer_print_stack_trace()
#else
#include <execinfo.h>
static void stack_trace(void)
{
    void *pc[32];

    backtrace_symbols_fd(pc, backtrace(pc, 32), 2);
}
#endif

#include "internal.h"

/* What a thread holds: a small stack, innermost last. */
#define LC_DEPTH 8

static const char *const call_name[XECAM_LC_NR_CALLS] = {
    [XECAM_LC_BAR_MAP] = "xecam_port_bar_map",
    [XECAM_LC_MSI_BIND] = "xecam_port_msi_bind",
    [XECAM_LC_MSIX_CONTROL] = "xecam_port_msix_control",
    [XECAM_LC_MSI_UNBIND] = "xecam_port_msi_unbind",
    [XECAM_LC_MSIX_BIND] = "xecam_port_msix_bind",
    [XECAM_LC_MSIX_UNBIND] = "xecam_port_msix_unbind",
    [XECAM_LC_IRQ_MASK] = "xecam_port_irq_mask",
    [XECAM_LC_BAR_READ] = "xecam_port_bar_read",
    [XECAM_LC_BAR_WRITE] = "xecam_port_bar_write",
    [XECAM_LC_MSI_INJECT] = "xecam_port_msi_inject",
    [XECAM_LC_POWER_STATE] = "xecam_port_power_state",
    [XECAM_LC_RESET_FUNCTION] = "xecam_port_reset_function",
    [XECAM_LC_GPA_RANGE_FREE] = "xecam_port_gpa_range_free",
    [XECAM_LC_IOREQ_SEND] = "xecam_port_ioreq_send",
    [XECAM_LC_DOMAIN_GET] = "xecam_port_domain_get",
    [XECAM_LC_DOMAIN_PUT] = "xecam_port_domain_put",
    [XECAM_LC_COPY_FROM_GUEST] = "xecam_port_copy_from_guest",
    [XECAM_LC_COPY_TO_GUEST] = "xecam_port_copy_to_guest",
    [XECAM_LC_MAY_CONTROL] = "xecam_port_may_control",
    [XECAM_LC_PCI_PHYSFN] = "xecam_port_pci_physfn",
    [XECAM_LC_PCI_VF_BAR_SIZE] = "xecam_port_pci_vf_bar_size",
};

struct held {
    const void *lock;
    enum xecam_lc_how how;
    bool phantom;               /* counted self-deadlock: not really taken */
};

static __thread struct {
    unsigned int n;
    struct held h[LC_DEPTH];
} mine;

static enum xecam_lockcheck_mode mode, env_mode;
static bool disabled;                   /* set before main(), then read */
static unsigned long violations;
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static char report[512];

static void __attribute__((constructor)) env_read(void)
{
    const char *e = getenv("XECAM_LOCKCHECK");

    env_mode = e && strstr(e, "warn") ? XECAM_LOCKCHECK_WARN
                                      : XECAM_LOCKCHECK_ABORT;
    disabled = e && strstr(e, "off");
    mode = env_mode;
}

void xecam_user_lockcheck_mode(enum xecam_lockcheck_mode m)
{
    __atomic_store_n(&mode, m, __ATOMIC_RELAXED);
    __atomic_store_n(&violations, 0, __ATOMIC_RELAXED);
}

unsigned long xecam_user_lockcheck_violations(void)
{
    return __atomic_load_n(&violations, __ATOMIC_RELAXED);
}

size_t xecam_user_lockcheck_last(char *buf, size_t len)
{
    size_t n;

    pthread_mutex_lock(&report_lock);
    n = strlen(report);
    if ( len )
        snprintf(buf, len, "%s", report);
    pthread_mutex_unlock(&report_lock);

    return n;
}

/* Back to the defaults (the environment's), nothing counted. */
void xecam_user_lockcheck_reset(void)
{
    xecam_user_lockcheck_mode(env_mode);
    pthread_mutex_lock(&report_lock);
    report[0] = '\0';
    pthread_mutex_unlock(&report_lock);
}

static int describe(char *buf, size_t len, const void *lock,
                    enum xecam_lc_how how)
{
    if ( how == XECAM_LC_MUTEX )
        return snprintf(buf, len, "device mutex %p", lock);
    if ( how == XECAM_LC_RCU )
        return snprintf(buf, len, "RCU read section");

    return snprintf(buf, len, "domain lock %p (%s)", lock,
                    how == XECAM_LC_READ ? "read" : "write");
}

/* What this thread holds, outermost first; "nothing" if nothing. */
static void held_list(char *buf, size_t len)
{
    unsigned int i;
    size_t off = 0;
    int n;

    buf[0] = '\0';
    if ( !mine.n )
        snprintf(buf, len, "nothing");
    for ( i = 0; i < mine.n && off < len; i++ )
    {
        n = snprintf(buf + off, len - off, "%s", i ? ", " : "");
        off += n > 0 ? n : 0;
        if ( off >= len )
            break;
        n = describe(buf + off, len - off, mine.h[i].lock, mine.h[i].how);
        off += n > 0 ? n : 0;
    }
}

/* Report a violation: rule, attempt (printf format), what is held. */
static void __attribute__((format(printf, 2, 3)))
violation(const char *rule, const char *fmt, ...)
{
    char attempt[128], held[256];
    enum xecam_lockcheck_mode m;
    va_list ap;

    m = __atomic_load_n(&mode, __ATOMIC_RELAXED);
    va_start(ap, fmt);
    vsnprintf(attempt, sizeof(attempt), fmt, ap);
    va_end(ap);
    held_list(held, sizeof(held));

    pthread_mutex_lock(&report_lock);
    snprintf(report, sizeof(report),
             "xecam lockcheck: %s: %s; held: %s (docs/locking.md)\n",
             rule, attempt, held);
    if ( m != XECAM_LOCKCHECK_COUNT )
    {
        fputs(report, stderr);
        stack_trace();
    }
    if ( m == XECAM_LOCKCHECK_ABORT )
        abort();
    pthread_mutex_unlock(&report_lock);
    __atomic_fetch_add(&violations, 1, __ATOMIC_RELAXED);
}

static const char *const how_name[] = {
    [XECAM_LC_READ] = "read lock of domain lock",
    [XECAM_LC_WRITE] = "write lock of domain lock",
    [XECAM_LC_MUTEX] = "lock of device mutex",
    [XECAM_LC_RCU] = "RCU read section",
};
static const char *const unlock_name[] = {
    [XECAM_LC_READ] = "read unlock of domain lock",
    [XECAM_LC_WRITE] = "write unlock of domain lock",
    [XECAM_LC_MUTEX] = "unlock of device mutex",
    [XECAM_LC_RCU] = "end of RCU read section",
};

static int find(const void *lock)
{
    unsigned int i;

    for ( i = mine.n; i-- > 0; )
        if ( mine.h[i].lock == lock )
            return i;

    return -1;
}

bool xecam_user_lc_acquire(const void *lock, enum xecam_lc_how how)
{
    bool dom = how != XECAM_LC_MUTEX, phantom = false;
    unsigned int i;

    if ( disabled )
        return true;
    if ( mine.n == LC_DEPTH )
        abort();                        /* LC_DEPTH locks held: not a test */

    if ( find(lock) >= 0 )
    {
        violation("self-deadlock", "%s %p, already held by this thread",
                  how_name[how], lock);
        phantom = true;
    }
    else
        for ( i = 0; i < mine.n; i++ )
        {
            bool held_dom = mine.h[i].how != XECAM_LC_MUTEX;

            if ( dom && held_dom )
                violation("two domain locks at once", "%s %p",
                          how_name[how], lock);
            else if ( dom )
                violation("domain lock under a device mutex", "%s %p",
                          how_name[how], lock);
            else if ( !held_dom )
                violation("two device mutexes at once", "%s %p",
                          how_name[how], lock);
            else
                continue;
            break;                      /* one violation per acquire */
        }

    mine.h[mine.n].lock = lock;
    mine.h[mine.n].how = how;
    mine.h[mine.n++].phantom = phantom;

    return !phantom;
}

bool xecam_user_lc_release(const void *lock, enum xecam_lc_how how)
{
    unsigned int n = mine.n;
    int i;
    bool real;

    if ( disabled )
        return true;
    /* The common case: the innermost lock, really taken, goes. */
    if ( n && mine.h[n - 1].lock == lock && mine.h[n - 1].how == how &&
         !mine.h[n - 1].phantom )
    {
        mine.n = n - 1;
        return true;
    }

    i = find(lock);
    if ( i < 0 || mine.h[i].how != how )
    {
        violation("release of a lock not held", "%s %p", unlock_name[how],
                  lock);
        return false;                   /* counted: nothing to release */
    }
    real = !mine.h[i].phantom;
    memmove(&mine.h[i], &mine.h[i + 1], (mine.n - i - 1) * sizeof(mine.h[0]));
    mine.n--;

    return real;
}

bool xecam_user_lc_destroy(const void *lock)
{
    int i = find(lock);

    if ( disabled || i < 0 )
        return true;
    violation("destroy of a held lock", "destroy of %s %p",
              mine.h[i].how == XECAM_LC_MUTEX ? "device mutex"
                                              : "domain lock", lock);

    return false;                       /* counted: leave it be */
}

bool xecam_user_lc_none(void)
{
    return !mine.n;
}

void xecam_user_lc_host(enum xecam_lc_call call)
{
    if ( disabled || !mine.n )
        return;
    violation("host call under a module lock", "%s()", call_name[call]);
}
