/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared between the files of the userspace port. */
#ifndef XECAM_USER_INTERNAL_H
#define XECAM_USER_INTERNAL_H

#include <xecam/user.h>

/* Should this fallible call of 'kind' fail?  (fault.c) */
bool xecam_user_fault(unsigned int kind);
/* Milliseconds on the (advanceable) port clock.  (log.c) */
uint64_t xecam_user_now_ms(void);
/* Drop connected device models.  (dm.c) */
void xecam_user_dm_reset(void);
/* dm_op's own XSM check: 0 or -EPERM.  (guests.c) */
int xecam_user_dm_op_allowed(domid_t caller, domid_t target);

/*
 * The lock order, checked (lockcheck.c, docs/locking.md).  Module locks
 * report each acquire (false: a counted self-deadlock, do not take it),
 * release (false: nothing to release) and destroy (false: leave it); each
 * port call that can take a host lock reports itself.
 */
enum xecam_lc_how {
    XECAM_LC_READ,              /* domain lock, read */
    XECAM_LC_WRITE,             /* domain lock, write */
    XECAM_LC_MUTEX,             /* device mutex */
    XECAM_LC_RCU,               /* RCU read section: a domain lock's place */
};
enum xecam_lc_call {
    XECAM_LC_BAR_MAP, XECAM_LC_MSI_BIND, XECAM_LC_MSIX_CONTROL,
    XECAM_LC_MSI_UNBIND, XECAM_LC_MSIX_BIND, XECAM_LC_MSIX_UNBIND,
    XECAM_LC_IRQ_MASK, XECAM_LC_BAR_READ, XECAM_LC_BAR_WRITE,
    XECAM_LC_MSI_INJECT,
    XECAM_LC_POWER_STATE, XECAM_LC_RESET_FUNCTION, XECAM_LC_GPA_RANGE_FREE,
    XECAM_LC_IOREQ_SEND, XECAM_LC_DOMAIN_GET, XECAM_LC_DOMAIN_PUT,
    XECAM_LC_COPY_FROM_GUEST, XECAM_LC_COPY_TO_GUEST, XECAM_LC_MAY_CONTROL,
    XECAM_LC_PCI_PHYSFN, XECAM_LC_PCI_VF_BAR_SIZE,
    XECAM_LC_NR_CALLS
};
bool xecam_user_lc_acquire(const void *lock, enum xecam_lc_how how);
bool xecam_user_lc_release(const void *lock, enum xecam_lc_how how);
bool xecam_user_lc_destroy(const void *lock);
void xecam_user_lc_host(enum xecam_lc_call call);
/* Does this thread hold no module lock (nor an RCU read section)? */
bool xecam_user_lc_none(void);
/* Every xecam_port_call_rcu() callback queued so far, run (lock.c). */
void xecam_user_rcu_barrier(void);
/* Record an event for xecam_user_events(); -EIO if a fault is armed. */
int xecam_user_record(const struct xecam_user_event *e);
/* The same, never failing (what the device did, not a port call). */
void xecam_user_record_quiet(const struct xecam_user_event *e);
/* Forget every binding and pending bit.  (irq.c) */
void xecam_user_irq_reset(void);
/* Back to the defaults.  (xecam_user_reset) */
void xecam_user_lockcheck_reset(void);

#endif /* XECAM_USER_INTERNAL_H */
