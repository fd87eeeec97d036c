/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam guest spin: loop forever without an exit, so that only the
 * host's timer gets KVM_RUN back (its timeout is what is shown).
 */
#include "guest.h"

void guest_spin(void)
{
    volatile uint32_t n = 0;

    for ( ;; )
        n++;
}
