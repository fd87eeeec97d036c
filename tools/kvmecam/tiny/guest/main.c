/* SPDX-License-Identifier: GPL-2.0-only */
/* kvmecam guest: run what the host asked for (kg_params.mode). */
#include "guest.h"

void guest_main(void)
{
    struct kg_params *p = (struct kg_params *)KG_PARAMS;

    if ( p->mode == KG_MODE_WALK )
        guest_walk(p);
    else if ( p->mode == KG_MODE_BENCH )
        guest_bench(p);
    else if ( p->mode == KG_MODE_SPIN )
        guest_spin();
    else if ( p->mode == KG_MODE_IRQ )
        guest_irq(p);
    else
    {
        report(KG_REP_FAIL, KG_FAIL_MODE);
        return;
    }
    log_report(KG_REP_DONE);
}
