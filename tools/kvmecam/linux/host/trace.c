/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam linux: the boot as an `ecamctl replay` trace (--trace OUT).  The
 * trace first adds what kvmecam put beside the config: the host bridge and
 * the device model's bytes, written as lspci dumps to OUT.lspci, the
 * bridge assigned with "vpci" and the bytes handed to the DM with
 * "emulate".  Then every config access Linux made, in order; a read's
 * comment is the value the guest got.  So
 *
 *   ecamctl replay --host HOSTS CFG OUT
 *
 * rebuilds the same domain and must read what Linux read.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux.h"

static void dump_fn(FILE *f, uint32_t host, const char *title)
{
    uint8_t cfg[LX_CFG_SIZE];
    unsigned int i, j;

    if ( xecam_user_pdev_peek(host, 0, cfg, sizeof(cfg)) )
        return;
    fprintf(f, "%04x:%02x:%02x.%u %s\n", host >> 16, (host >> 8) & 0xff,
            (host >> 3) & 0x1f, host & 7, title);
    for ( i = 0; i < LX_CFG_SIZE; i += 16 )
    {
        fprintf(f, i < 0x100 ? "%02x:" : "%03x:", i);
        for ( j = 0; j < 16; j++ )
            fprintf(f, " %02x", cfg[i + j]);
        fprintf(f, "\n");
    }
    fprintf(f, "\n");
}

static int write_hosts(const struct lx_run *r, const char *path)
{
    FILE *f = fopen(path, "w");

    if ( !f )
    {
        perror(path);
        return -1;
    }
    fprintf(f, "# kvmecam linux: the functions it adds to the config's "
            "guest (lspci -xxxx format)\n");
    dump_fn(f, r->bridge.host, "Host bridge: Intel 945 MCH (kvmecam)");
    if ( r->dm.nr )
        dump_fn(f, r->dm.host, "VGA compatible controller: the device "
                "model's (kvmecam)");
    if ( fclose(f) )
    {
        perror(path);
        return -1;
    }

    return 0;
}

static void header(FILE *f, const struct lx_run *r, const struct opts *o,
                   const char *hosts)
{
    char bdf[8], *copy = strdup(hosts);
    unsigned int i;

    fprintf(f, "# kvmecam linux: every config access of the Linux guest, in "
            "order.\n# A read's comment is the value the guest got.\n");
    trace_replay_hint(f, o);
    fprintf(f, "host %s\n", copy ? basename(copy) : hosts);
    fprintf(f, "vpci 00:00.0 %04x:%02x:%02x.%u\n", r->bridge.host >> 16,
            (r->bridge.host >> 8) & 0xff, (r->bridge.host >> 3) & 0x1f,
            r->bridge.host & 7);
    if ( r->hp.on )
        fprintf(f, "rootport %s %u\n", lx_bdf(r->hp.port, bdf),
                r->hp.secondary);
    for ( i = 0; i < r->dm.nr; i++ )
        fprintf(f, "emulate 1 %s %04x:%02x:%02x.%u\n",
                lx_bdf(r->dm.guest[i], bdf), r->dm.host >> 16,
                (r->dm.host >> 8) & 0xff, (r->dm.host >> 3) & 0x1f,
                r->dm.host & 7);
    free(copy);
}

int lx_trace_write(const struct lx_run *r, const struct opts *o)
{
    char hosts[4096];
    FILE *f;
    size_t i;

    snprintf(hosts, sizeof(hosts), "%s.lspci", o->trace);
    if ( write_hosts(r, hosts) )
        return -1;
    f = fopen(o->trace, "w");
    if ( !f )
    {
        perror(o->trace);
        return -1;
    }
    header(f, r, o, hosts);
    for ( i = 0; i < r->h.nr_srv; i++ )
        trace_line(f, &r->h.srv[i], &r->h.srv[i]);
    if ( fclose(f) )
    {
        perror(o->trace);
        return -1;
    }

    return 0;
}
