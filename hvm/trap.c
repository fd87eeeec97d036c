/* SPDX-License-Identifier: GPL-2.0-only */
/* What the MMCONFIG and CF8/CFC traps share: reporting a bad access. */
#include "private.h"

void xecam_bad_access(struct xecam_domain *d, const char *what,
                      uint64_t addr, unsigned int size)
{
    xecam_count(d->stats.bad_accesses);
    xecam_port_log(XECAM_LOG_WARN | XECAM_LOG_GUEST,
                   "d%u: bad %s access at %#llx size %u ignored\n",
                   d->id, what, (unsigned long long)addr, size);
}
