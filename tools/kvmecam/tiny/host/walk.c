/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam walk: the guest enumerates and exercises its functions through
 * ECAM and CF8/CFC; the host serves every access through the module,
 * writes the trace, checks the guest's view and prints a summary.
 */
#include <stdio.h>

#include "kvmecam.h"

static void functions(const struct kg_params *p)
{
    unsigned int i, bdf;

    printf("functions the guest found: %u\n", p->nr_found);
    for ( i = 0; i < p->nr_found && i < KG_MAX_FOUND; i++ )
    {
        bdf = p->found[i];
        printf("function %02x:%02x.%u %04x:%04x\n", bdf >> 8,
               (bdf >> 3) & 0x1f, bdf & 7, p->found_id[i] & 0xffff,
               p->found_id[i] >> 16);
    }
}

static void timing(const char *what, const struct tally *t)
{
    if ( !t->n )
        return;
    printf("  %-22s %8lu  %9.0f  %9.0f  %6.2f%%\n", what, t->n,
           (double)t->wall_ns / t->n, (double)t->module_ns / t->n,
           t->wall_ns ? 100.0 * t->module_ns / t->wall_ns : 0.0);
}

static void summary(const struct host *h, const struct check *c)
{
    const struct tally *t = h->t;
    const struct kg_params *p = h->params;

    printf("ECAM window: buses %02x-%02x at %#llx; guest: long mode, CPL0\n",
           p->start_bus, p->end_bus, (unsigned long long)p->ecam_base);
    functions(p);
    printf("accesses served: %lu (ECAM reads %lu, ECAM writes %lu, "
           "CF8/CFC %lu, elsewhere %lu)\n",
           t[EX_ECAM_READ].n + t[EX_ECAM_WRITE].n + t[EX_CF8].n +
           t[EX_PEER_MMIO].n + t[EX_PEER_PIO].n, t[EX_ECAM_READ].n,
           t[EX_ECAM_WRITE].n, t[EX_CF8].n,
           t[EX_PEER_MMIO].n + t[EX_PEER_PIO].n);
    printf("misaligned reads: %lu, of which all-ones: %lu\n", c->misaligned,
           c->misaligned_ones);
    printf("mismatches: %lu guest/host, %lu guest/replay (%zu accesses "
           "replayed on a fresh domain)\n", c->transport, c->replay,
           h->nr_srv);
    printf("timing per trapped access (wall: KVM_RUN round trip, exit "
           "served):\n  %-22s %8s  %9s  %9s  %7s\n", "", "exits",
           "wall ns", "module ns", "share");
    timing("ECAM read", &t[EX_ECAM_READ]);
    timing("ECAM write", &t[EX_ECAM_WRITE]);
    timing("CF8/CFC", &t[EX_CF8]);
    timing("elsewhere (no module)", &t[EX_PEER_MMIO]);
    timing("report port", &t[EX_REPORT]);
    printf("  (wall includes the guest's own code between exits, emulated "
           "at CPL0 by PVM;\n   `kvmecam bench` times the exits alone)\n");
}

int cmd_walk(const struct opts *o)
{
    struct check c = { 0 };
    struct host h;
    int rc = host_init(&h, o, KG_MODE_WALK);

    if ( !rc )
    {
        h.record = true;
        rc = run_guest(&h, o->timeout_s) ||
             (o->trace && trace_write(&h, o)) ||
             check_walk(&h, o, &c) ? 1 : 0;
    }
    if ( !rc )
    {
        printf("kvmecam walk: %s\n", o->cfg);
        summary(&h, &c);
        if ( o->trace )
            printf("trace: %s\n", o->trace);
        rc = c.transport || c.replay || c.misaligned != c.misaligned_ones;
    }
    host_fini(&h);

    return rc;
}
