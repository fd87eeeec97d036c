/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam walk: the accesses the host served, in order, as an ecamctl
 * replay trace.  A read's comment is what the guest saw, in the format
 * ecamctl replay prints values, so the two compare line by line (replay's
 * "L<n>" is the trace's line n).
 */
#include <inttypes.h>
#include <stdio.h>

#include "kvmecam.h"

void trace_replay_hint(FILE *f, const struct opts *o)
{
    unsigned int i;

    fprintf(f, "#\n#   build/ecamctl replay");
    for ( i = 0; i < o->nr_hosts; i++ )
        fprintf(f, " --host %s", o->hosts[i]);
    fprintf(f, " %s %s\n", o->cfg, o->trace);
}

static void header(FILE *f, const struct opts *o)
{
    fprintf(f, "# kvmecam walk: every config access of the guest, in order."
            "\n# A read's comment is the value the guest saw; misaligned:"
            " not naturally aligned.\n");
    trace_replay_hint(f, o);
}

void trace_line(FILE *f, const struct kg_rec *r, const struct kg_rec *g)
{
    const char *space = r->space == KG_ECAM ? "ecam" : "pio ";

    if ( r->write )
    {
        fprintf(f, "write %s 0x%" PRIx64 " %u 0x%" PRIx64 "\n", space,
                r->addr, r->size, r->val & size_ones(r->size));
        return;
    }
    fprintf(f, "read  %s 0x%" PRIx64 " %u", space, r->addr, r->size);
    if ( g )
        fprintf(f, "  # = 0x%0*" PRIx64 "%s", 2 * r->size,
                g->val & size_ones(r->size),
                (r->addr & (r->size - 1)) ? " misaligned" : "");
    fprintf(f, "\n");
}

int trace_write(const struct host *h, const struct opts *o)
{
    FILE *f = fopen(o->trace, "w");
    size_t i;

    if ( !f )
    {
        perror(o->trace);
        return -1;
    }
    header(f, o);
    for ( i = 0; i < h->nr_srv; i++ )
        trace_line(f, &h->srv[i], i < h->nr_glog ? &h->glog[i] : NULL);
    if ( fclose(f) )
    {
        perror(o->trace);
        return -1;
    }

    return 0;
}
