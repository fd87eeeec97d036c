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

#endif /* XECAM_USER_INTERNAL_H */
