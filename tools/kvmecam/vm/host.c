/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam: a host ready to run the guest: the VM (or a skip when there is
 * no KVM), the guest's domain, the guest loaded with its ECAM window mapped
 * and its parameters in place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvmecam.h"

static int load_guest(struct host *h, uint32_t mode, const struct opts *o)
{
    struct kg_params *p = (struct kg_params *)(h->vm.ram + KG_PARAMS);
    unsigned int start, end;
    uint64_t base;
    uint16_t seg;

    if ( domain_window(&seg, &base, &start, &end) ||
         vm_boot(&h->vm, base, (uint64_t)(end - start + 1) << 20,
                 kvmecam_guest, kvmecam_guest_end - kvmecam_guest) )
        return -1;
    p->mode = mode;
    p->start_bus = start;
    p->end_bus = end;
    p->last_bus = o->last_bus;
    p->ecam_base = base;
    h->params = p;

    return 0;
}

int host_init(struct host *h, const struct opts *o, uint32_t mode)
{
    char why[256];
    int rc;

    memset(h, 0, sizeof(*h));
    rc = vm_open(&h->vm, why, sizeof(why));
    if ( rc == KVMECAM_SKIP )
    {
        printf("kvmecam: skipped: %s\n", why);
        return KVMECAM_SKIP;
    }
    if ( rc )
        return 1;
    if ( domain_setup(&h->s, o) )
        return 2;
    irq_attach(h);

    return load_guest(h, mode, o) ? 1 : 0;
}

void host_fini(struct host *h)
{
    unsigned int i;

    irq_detach(h);
    vm_close(&h->vm);
    domain_teardown(&h->s);
    for ( i = 0; i < EX_NR; i++ )
        tally_free(&h->t[i]);
    free(h->srv);
    free(h->glog);
    memset(h, 0, sizeof(*h));
}
